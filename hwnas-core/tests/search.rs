//! Search engine: space, fake quantisation, expected cost, derive, checkpoints (CPU, release).

use hwnas_core::cost::{CostModel, LayerConfig, Resources};
use hwnas_core::fixed::{FixedType, Overflow, Rounding};
use hwnas_core::ir::{Network, Op};
use hwnas_core::rng::{Random, SplitMix64};
use hwnas_core::search::*;
use hwnas_core::space::*;
use hwnas_core::supernet::*;

type B = burn::backend::Autodiff<burn::backend::Flex>;

/// Placeholder analytic cost model: one multiplier per weight (divided by the reuse factor),
/// LUTs grow with weight x input bits, DSPs are used for products wider than 10 x 10 bits.
struct Analytic;

impl CostModel for Analytic {
    fn layer_cost(&self, l: &LayerConfig) -> Resources {
        let cin = *l.input_shape.last().unwrap_or(&1) as f64;
        let cout = *l.output_shape.last().unwrap_or(&1) as f64;
        let rf = l.hls.reuse_factor as f64;
        let (wb, ib) = (
            l.types.weight.map_or(0, |t| t.width) as f64,
            l.types.input.width as f64,
        );
        let mults = match &l.op {
            Op::Dense(_) => l.input_shape.iter().product::<usize>() as f64 * cout,
            Op::Conv2D(c) => (c.kernel[0] * c.kernel[1]) as f64 * cin * cout,
            Op::Conv1D(c) => c.kernel as f64 * cin * cout,
            _ => 0.0,
        };
        let wide = wb * ib > 100.0;
        let act = l.output_shape.iter().product::<usize>() as f64 * l.types.result.width as f64;
        Resources {
            lut: mults / rf * if wide { 20.0 } else { wb * ib * 0.25 } + act * 0.1,
            ff: act,
            bram18: 0.0,
            dsp: if wide { (mults / rf).ceil() } else { 0.0 },
            uram: 0.0,
            latency_cycles: rf + 1.0,
            ii: rf,
        }
    }
}

fn dev() -> burn::tensor::Device<B> {
    Default::default()
}

#[test]
fn fake_quant_matches_fixed_type_in_every_mode() {
    let mut rng = SplitMix64::new(7);
    let xs: Vec<f32> = (0..2000)
        .map(|i| {
            let v = (rng.normal() * 3.0) as f32;
            // Include exact ties and values beyond the range.
            if i % 5 == 0 {
                (v * 16.0).round() / 32.0
            } else {
                v
            }
        })
        .collect();
    let x = burn::tensor::Tensor::<B, 1>::from_floats(xs.as_slice(), &dev());
    for rounding in Rounding::ALL {
        for overflow in Overflow::ALL {
            for (w, i) in [(6, 2), (8, 3), (4, 1), (10, 4)] {
                let t = FixedType::new(w, i, true)
                    .unwrap()
                    .with_rounding(rounding)
                    .with_overflow(overflow);
                let q = to_vec(fake_quant(x.clone(), &t));
                for (a, b) in xs.iter().zip(&q) {
                    let want = t.quantize_to_f64(*a as f64) as f32;
                    assert_eq!(*b, want, "{t} of {a}");
                }
            }
        }
    }
    // Straight-through gradient: 1 inside the range, 0 where it saturates.
    let t = FixedType::new(4, 1, true)
        .unwrap()
        .with_overflow(Overflow::Sat);
    let x = burn::tensor::Tensor::<B, 1>::from_floats([0.3f32, 5.0, -5.0], &dev()).require_grad();
    let g = fake_quant(x.clone(), &t).sum().backward();
    assert_eq!(to_vec(x.grad(&g).unwrap()), vec![1.0, 0.0, 0.0]);
}

fn small_space() -> SpaceSpec {
    SpaceSpec::builder("small", vec![6, 4, 2])
        .layer(
            LayerSpec::conv2d("conv1", &[2, 4], &[1, 3])
                .weight_bits(&[4, 8])
                .result_bits(&[8, 12]),
        )
        .layer(LayerSpec::batch_norm("bn1"))
        .layer(LayerSpec::leaky_relu("act1", 0.1))
        .layer(LayerSpec::max_or_avg_pool2d("pool1", [2, 2]))
        .layer(LayerSpec::flatten("flat"))
        .layer(
            LayerSpec::dense("fc1", &[3, 5])
                .weight_bits(&[6, 12])
                .reuse_factors(&[1, 2]),
        )
        .layer(LayerSpec::relu("relu2"))
        .layer(LayerSpec::dense("fc1b", &[5]))
        .layer(LayerSpec::dense("fc2", &[5]).optional())
        .layer(LayerSpec::dense("out", &[2]))
        .build()
        .unwrap()
}

#[test]
fn space_decisions_arch_json_and_display() {
    let s = small_space();
    let names: Vec<&str> = s.decisions().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "conv1.width",
            "conv1.kernel",
            "conv1.weight_bits",
            "conv1.result_bits",
            "pool1.op",
            "fc1.width",
            "fc1.weight_bits",
            "fc1.reuse_factor",
            "fc2.on"
        ]
    );
    assert_eq!(s.size(), 512.0);
    let arch = s.arch_from_indices(&[1, 1, 0, 1, 1, 0, 1, 1, 1]).unwrap();
    assert_eq!(
        arch.to_string(),
        "conv1.width=4 conv1.kernel=3 conv1.weight_bits=4 conv1.result_bits=12 pool1.op=avg \
         fc1.width=3 fc1.weight_bits=12 fc1.reuse_factor=2 fc2.on=off"
    );
    let back = Arch::from_json(&arch.to_json()).unwrap();
    assert_eq!(back, arch);
    assert_eq!(
        s.indices_of(&back).unwrap(),
        vec![1, 1, 0, 1, 1, 0, 1, 1, 1]
    );
    let mut bad = arch.clone();
    bad.picks[0].value = Choice::Value(3);
    let e = s.indices_of(&bad).unwrap_err().to_string();
    assert!(
        e.contains("`conv1.width` = 3 is not an option; use one of 2, 4"),
        "{e}"
    );
    // Invalid spaces are refused with the layer and the fix.
    let e = SpaceSpec::builder("x", vec![8, 8, 1])
        .layer(LayerSpec::conv2d("c", &[4], &[2, 3]))
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("layer `c`") && e.contains("odd"), "{e}");
    let e = SpaceSpec::builder("x", vec![8, 8, 1])
        .layer(LayerSpec::conv2d("c", &[4, 8], &[3]).optional())
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("switched off"), "{e}");
    let e = SpaceSpec::builder("x", vec![8])
        .layer(LayerSpec::dense("d", &[4, 4]))
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("listed twice"), "{e}");
}

#[test]
fn cost_table_matches_pricing_every_architecture() {
    let s = small_space();
    let table = CostTable::build(&s, &Analytic, Default::default()).unwrap();
    let sizes: Vec<usize> = s.decisions().iter().map(|d| d.options.len()).collect();
    for code in 0..512usize {
        let mut rest = code;
        let idx: Vec<usize> = sizes
            .iter()
            .map(|&n| {
                let i = rest % n;
                rest /= n;
                i
            })
            .collect();
        let arch = s.arch_from_indices(&idx).unwrap();
        // Price the concrete network directly.
        let net = concrete(&s, &arch);
        let direct =
            Analytic.network_cost(&LayerConfig::of_network(&net, Default::default()).unwrap());
        let from_table = table.cost_of(&idx);
        for (a, b) in direct.to_array().iter().zip(from_table.to_array()) {
            assert!((a - b).abs() < 1e-9, "{arch}: {direct:?} vs {from_table:?}");
        }
    }
}

/// The concrete network of an architecture, built by deriving from a fresh supernet.
fn concrete(s: &SpaceSpec, arch: &Arch) -> Network {
    let net = Supernet::<B>::new(s, &dev(), 0).unwrap();
    let data = Dataset::new(vec![0.5; 48], vec![0.0; 2], 48, 2).unwrap();
    let mut ir = derive(&net, &s.indices_of(arch).unwrap(), &data).unwrap();
    // Pricing must not depend on calibrated integer bits: reset them as the table does.
    for l in &mut ir.layers {
        if let Some(w) = l.precision.weight.as_mut() {
            w.integer = 1;
        }
        if let Some(r) = l.precision.result.as_mut() {
            r.integer = (r.width as i32 + 1) / 2;
        }
    }
    ir.weights.clear();
    ir
}

#[test]
fn expected_cost_gradient_matches_finite_differences() {
    let s = small_space();
    let table = CostTable::build(&s, &Analytic, Default::default()).unwrap();
    let metric = Metric::weighted(&[("lut", 1.0), ("dsp", 55.0), ("ff", 0.5)]).unwrap();
    let mut rng = SplitMix64::new(3);
    let logits: Vec<Vec<f64>> = s
        .decisions()
        .iter()
        .map(|d| (0..d.options.len()).map(|_| rng.normal()).collect())
        .collect();
    let softmax = |l: &[f64]| {
        let e: Vec<f64> = l.iter().map(|v| v.exp()).collect();
        let t: f64 = e.iter().sum();
        e.into_iter().map(|v| v / t).collect::<Vec<f64>>()
    };
    let f = |l: &[Vec<f64>]| {
        let p: Vec<Vec<f64>> = l.iter().map(|v| softmax(v)).collect();
        metric.eval(&table.expected_host(&p))
    };
    // Autodiff gradient through the table.
    let leaves: Vec<burn::tensor::Tensor<B, 1>> = logits
        .iter()
        .map(|l| {
            let v: Vec<f32> = l.iter().map(|&x| x as f32).collect();
            burn::tensor::Tensor::<B, 1>::from_floats(v.as_slice(), &dev()).require_grad()
        })
        .collect();
    let p: Vec<_> = leaves
        .iter()
        .map(|a| burn::tensor::activation::softmax(a.clone(), 0))
        .collect();
    let e = table.expected::<B>(&p, &dev());
    let w = match &metric {
        Metric::Weighted(w) => w.map(|v| v as f32),
        _ => unreachable!(),
    };
    let wt = burn::tensor::Tensor::<B, 1>::from_floats(w, &dev());
    let value = (e * wt).sum();
    assert!((to_vec(value.clone())[0] as f64 - f(&logits)).abs() / f(&logits) < 1e-5);
    let grads = value.backward();
    let (mut diff, mut norm) = (0.0f64, 0.0f64);
    for (d, leaf) in leaves.iter().enumerate() {
        let g = to_vec(leaf.grad(&grads).unwrap());
        for k in 0..logits[d].len() {
            let h = 1e-5;
            let (mut hi, mut lo) = (logits.clone(), logits.clone());
            hi[d][k] += h;
            lo[d][k] -= h;
            let fd = (f(&hi) - f(&lo)) / (2.0 * h);
            diff += (g[k] as f64 - fd).powi(2);
            norm += fd * fd;
        }
    }
    let worst = (diff / norm).sqrt();
    println!("expected-cost gradient: relative error {worst:.2e} (|g - fd| / |fd|)");
    assert!(worst < 1e-3, "worst relative error {worst}");
}

fn toy_data(n: usize, seed: u64) -> Dataset {
    let mut rng = SplitMix64::new(seed);
    let x: Vec<f32> = (0..n * 48).map(|_| rng.normal() as f32).collect();
    let y: Vec<f32> = (0..n)
        .flat_map(|i| {
            let s = &x[i * 48..(i + 1) * 48];
            let a: f32 = s.iter().step_by(2).sum::<f32>() / 24.0;
            let b: f32 = s.iter().skip(1).step_by(3).map(|v| v.abs()).sum::<f32>() / 16.0;
            [a, b]
        })
        .collect();
    Dataset::new(x, y, 48, 2).unwrap()
}

/// Host reference of a channels-last Conv2D (same padding) -> Flatten -> Dense from IR weights,
/// on the input rounded to the network's input type (as the supernet and the firmware see it).
fn reference(net: &Network, x: &[f32]) -> Vec<f32> {
    let t = net.input_type;
    let x: Vec<f32> = x
        .iter()
        .map(|&v| t.quantize_to_f64(v as f64) as f32)
        .collect();
    let [h, w, c] = [net.input_shape[0], net.input_shape[1], net.input_shape[2]];
    let cw = &net.weights["conv1.weight"];
    let cb = &net.weights["conv1.bias"];
    let (k, f) = (cw.shape[0], cw.shape[3]);
    let p = (k - 1) / 2;
    let mut conv = vec![0.0f32; h * w * f];
    for i in 0..h {
        for j in 0..w {
            for o in 0..f {
                let mut acc = cb.data[o];
                for di in 0..k {
                    for dj in 0..k {
                        let (ii, jj) = (
                            i as isize + di as isize - p as isize,
                            j as isize + dj as isize - p as isize,
                        );
                        if ii < 0 || jj < 0 || ii >= h as isize || jj >= w as isize {
                            continue;
                        }
                        for ci in 0..c {
                            acc += x[(ii as usize * w + jj as usize) * c + ci]
                                * cw.data[((di * k + dj) * c + ci) * f + o];
                        }
                    }
                }
                conv[(i * w + j) * f + o] = acc;
            }
        }
    }
    let dw = &net.weights["fc.weight"];
    let db = &net.weights["fc.bias"];
    let u = dw.shape[1];
    (0..u)
        .map(|o| {
            db.data[o]
                + conv
                    .iter()
                    .enumerate()
                    .map(|(r, v)| v * dw.data[r * u + o])
                    .sum::<f32>()
        })
        .collect()
}

#[test]
fn derive_slices_and_permutes_weights_to_channels_last() {
    let s = SpaceSpec::builder("perm", vec![4, 3, 2])
        .layer(LayerSpec::conv2d("conv1", &[2, 3, 4], &[1, 3, 5]))
        .layer(LayerSpec::flatten("flat"))
        .layer(LayerSpec::dense("fc", &[2, 3]))
        .build()
        .unwrap();
    let net = Supernet::<B>::new(&s, &dev(), 11).unwrap();
    let mut rng = SplitMix64::new(5);
    let data = Dataset::new(
        (0..24 * 5).map(|_| rng.normal() as f32).collect(),
        vec![0.0; 15],
        24,
        3,
    )
    .unwrap();
    for idx in [vec![1, 1, 1], vec![0, 2, 0], vec![2, 0, 1]] {
        let (pred, _, _) = predict(&net, &idx, &data, 8).unwrap();
        let ir = derive(&net, &idx, &data).unwrap();
        let u = ir.weights["fc.bias"].data.len();
        for n in 0..5 {
            let want = reference(&ir, &data.x[n * 24..(n + 1) * 24]);
            for o in 0..u {
                let got = pred[n * 3 + o];
                assert!(
                    (got - want[o]).abs() < 1e-4,
                    "{idx:?} sample {n}: {got} vs {}",
                    want[o]
                );
            }
            // Unselected units are masked to zero in the supernet.
            for o in u..3 {
                assert_eq!(pred[n * 3 + o], 0.0);
            }
        }
        // The IR loads back into a supernet that computes the same outputs.
        let back = supernet_from_network::<B>(&ir, &dev()).unwrap();
        let (p2, _, _) = predict(&back, &[], &data, 8).unwrap();
        for n in 0..5 {
            for o in 0..u {
                assert!((p2[n * u + o] - pred[n * 3 + o]).abs() < 1e-4);
            }
        }
    }
}

/// Every stored tensor of `a` and `b` has the same bits.
#[track_caller]
fn assert_bitwise_equal(a: &Supernet<B>, b: &Supernet<B>) {
    let names: Vec<&str> = a.tensors().map(|(n, _)| n).collect();
    assert_eq!(names, b.tensors().map(|(n, _)| n).collect::<Vec<_>>());
    for name in names {
        let (va, vb) = (a.tensor(name).unwrap(), b.tensor(name).unwrap());
        assert!(
            va.iter().zip(&vb).all(|(x, y)| x.to_bits() == y.to_bits()),
            "{name} differs"
        );
    }
}

/// Stops a run after the given number of steps, as a kill would.
struct KillAfter(Option<u64>);

impl Observer for KillAfter {
    fn step(&mut self, event: &StepEvent<'_>) -> Control {
        match self.0 {
            Some(n) if event.step >= n => Control::Stop,
            _ => Control::Continue,
        }
    }
}

fn quick_config() -> SearchConfig {
    SearchConfig {
        epochs: 4,
        warmup_epochs: 1,
        batch_size: 32,
        lr_weights: 3e-3,
        lr_arch: 5e-2,
        ..Default::default()
    }
}

#[test]
fn kill_and_resume_is_bitwise_identical() {
    let s = small_space();
    let (train, val) = (toy_data(96, 1), toy_data(64, 2));
    let dir = tempfile::tempdir().unwrap();
    let metric = Metric::weighted(&[("lut", 1.0), ("dsp", 55.0)]).unwrap();
    let run = |ckpt: &str, stop: Option<u64>| {
        let cfg = SearchConfig {
            checkpoint: Some(dir.path().join(ckpt)),
            history: Some(dir.path().join(format!("{ckpt}.csv"))),
            ..quick_config()
        };
        let mut s = Search::<B>::new(&s, &Analytic, metric.clone(), vec![], cfg, &dev()).unwrap();
        let mut kill = KillAfter(stop);
        let r = s.run_observed(&train, &val, &mut kill);
        (r, s)
    };
    let (full, a) = run("a.ckpt", None);
    let full = full.unwrap();
    // Killed in the middle of epoch 2 (3 steps per epoch), then resumed by a new process.
    let (stopped, _) = run("b.ckpt", Some(7));
    assert!(
        matches!(stopped, Err(hwnas_core::Error::Stopped { step: 7 })),
        "{stopped:?}"
    );
    assert_eq!(
        checkpoint_epochs(&dir.path().join("b.ckpt")).unwrap(),
        Some(2)
    );
    let (resumed, b) = run("b.ckpt", None);
    let resumed = resumed.unwrap();
    assert_eq!(full.arch, resumed.arch);
    assert_bitwise_equal(&a.net, &b.net);
    assert_eq!(full.history, resumed.history);
    let csv = std::fs::read_to_string(dir.path().join("b.ckpt.csv")).unwrap();
    assert_eq!(csv.lines().count(), 5);
    assert!(csv.starts_with("epoch,train_loss,val_loss,metric,temperature,expected_lut"));
}

/// Steps run on rayon's pool on the CPU (`backend::on_pool`); searches started on several
/// threads at once must all finish (a step must never run nested inside another's autodiff
/// pass) and each give what it gives alone.
#[test]
fn searches_on_several_threads_at_once_finish_and_agree() {
    // Large enough that the kernels split their work over the pool (batch 128 of 14 x 7 x 4).
    let space = SpaceSpec::builder("wide", vec![14, 7, 4])
        .layer(LayerSpec::conv2d("conv1", &[8, 16], &[1, 3]).result_bits(&[8, 12]))
        .layer(LayerSpec::relu("relu1"))
        .layer(LayerSpec::max_or_avg_pool2d("pool1", [2, 2]))
        .layer(LayerSpec::conv2d("conv2", &[16], &[3]))
        .layer(LayerSpec::flatten("flat"))
        .layer(LayerSpec::dense("out", &[2]))
        .build()
        .unwrap();
    let data = |n: usize, seed: u64| {
        let mut rng = SplitMix64::new(seed);
        let x: Vec<f32> = (0..n * 392).map(|_| rng.normal() as f32).collect();
        let y: Vec<f32> = (0..n * 2).map(|i| x[i * 7 % (n * 392)]).collect();
        Dataset::new(x, y, 392, 2).unwrap()
    };
    let metric = Metric::weighted(&[("lut", 1.0), ("dsp", 55.0)]).unwrap();
    let search = move || {
        let (train, val) = (data(384, 1), data(256, 2));
        let cfg = SearchConfig {
            epochs: 2,
            batch_size: 128,
            ..quick_config()
        };
        let mut s =
            Search::<B>::new(&space, &Analytic, metric.clone(), vec![], cfg, &dev()).unwrap();
        s.run(&train, &val).unwrap()
    };
    let alone = search.clone()();
    let (tx, rx) = std::sync::mpsc::channel();
    for _ in 0..4 {
        let (tx, search) = (tx.clone(), search.clone());
        std::thread::spawn(move || tx.send(search()).unwrap());
    }
    for _ in 0..4 {
        let r = rx
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("four concurrent searches finish (no deadlock between their steps)");
        assert_eq!(r.arch, alone.arch);
        assert_eq!(r.history, alone.history);
    }
}

#[test]
fn fixed_training_resumes_without_retraining_finished_epochs() {
    let s = small_space();
    let idx = vec![1; s.decisions().len()];
    let (train, val) = (toy_data(96, 3), toy_data(32, 4));
    let dir = tempfile::tempdir().unwrap();
    let cfg = |epochs: usize, ckpt: &str| TrainConfig {
        epochs,
        batch_size: 32,
        lr: 3e-3,
        seed: 5,
        checkpoint: Some(dir.path().join(ckpt)),
        resume: true,
        ..Default::default()
    };
    let fresh = || Supernet::<B>::new(&s, &dev(), 9).unwrap();
    let mut a = fresh();
    let full = train_fixed(&mut a, &idx, &train, &val, &cfg(4, "a.ckpt")).unwrap();
    // "Killed" after 2 epochs: a new process resumes at epoch 2 and trains only epochs 2 and 3.
    let mut b = fresh();
    let first = train_fixed(&mut b, &idx, &train, &val, &cfg(2, "b.ckpt")).unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(
        checkpoint_epochs(&dir.path().join("b.ckpt")).unwrap(),
        Some(2)
    );
    assert_eq!(
        checkpoint_epochs(&dir.path().join("none.ckpt")).unwrap(),
        None
    );
    let mut c = fresh();
    let resumed = train_fixed(&mut c, &idx, &train, &val, &cfg(4, "b.ckpt")).unwrap();
    assert_eq!(full, resumed);
    assert_bitwise_equal(&a, &c);
    // A finished run resumes to the same result without training at all.
    let mut d = fresh();
    let again = train_fixed(&mut d, &idx, &train, &val, &cfg(4, "b.ckpt")).unwrap();
    assert_eq!(again, full);
    // A checkpoint of another architecture is refused with a clear message.
    let other = vec![0; s.decisions().len()];
    let err = train_fixed(&mut fresh(), &other, &train, &val, &cfg(4, "b.ckpt")).unwrap_err();
    assert!(
        err.to_string().contains("delete it or choose another path"),
        "{err}"
    );
}

#[test]
fn infeasible_budget_is_reported_before_training() {
    let s = small_space();
    let table = CostTable::build(&s, &Analytic, Default::default()).unwrap();
    let (cheapest, _, exact) = table.minimum(&s, &Metric::field("lut").unwrap());
    assert!(exact);
    let budget = Budget::max("lut", cheapest * 0.5).unwrap();
    let e = Search::<B>::new(
        &s,
        &Analytic,
        Metric::field("lut").unwrap(),
        vec![budget],
        quick_config(),
        &dev(),
    )
    .err()
    .unwrap();
    let msg = e.to_string();
    assert!(msg.contains(&format!("needs {cheapest}")), "{msg}");
    assert!(matches!(e, hwnas_core::Error::InfeasibleBudget { .. }));
}

#[test]
fn nan_stops_the_run_and_keeps_the_last_good_checkpoint() {
    let s = small_space();
    let (train, val) = (toy_data(64, 1), toy_data(32, 2));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.ckpt");
    let cfg = SearchConfig {
        epochs: 1,
        checkpoint: Some(path.clone()),
        ..quick_config()
    };
    let metric = Metric::field("lut").unwrap();
    Search::<B>::new(&s, &Analytic, metric.clone(), vec![], cfg.clone(), &dev())
        .unwrap()
        .run(&train, &val)
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut bad = train.clone();
    bad.y[5] = f32::NAN;
    let cfg = SearchConfig { epochs: 3, ..cfg };
    let e = Search::<B>::new(&s, &Analytic, metric, vec![], cfg, &dev())
        .unwrap()
        .run(&bad, &val)
        .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("in epoch 1"), "{msg}");
    assert!(msg.contains("s.ckpt"), "{msg}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn inheritance_derived_network_matches_the_supernet() {
    let s = small_space();
    let (train, val) = (toy_data(256, 1), toy_data(128, 2));
    let cfg = SearchConfig {
        epochs: 6,
        warmup_epochs: 3,
        hard: true,
        ..quick_config()
    };
    let metric = Metric::weighted(&[("lut", 1.0), ("dsp", 55.0)]).unwrap();
    let mut search = Search::<B>::new(&s, &Analytic, metric, vec![], cfg, &dev()).unwrap();
    let r = search.run(&train, &val).unwrap();
    let sup = evaluate(&search.net, &r.indices, &val, 64).unwrap().mse;
    let ir = derive(&search.net, &r.indices, &train).unwrap();
    let back = supernet_from_network::<B>(&ir, &dev()).unwrap();
    let derived = evaluate(&back, &[], &val, 64).unwrap().mse;
    println!(
        "inheritance: supernet {sup:.5}, derived {derived:.5} ({})",
        r.arch
    );
    assert!(
        (derived - sup).abs() / sup < 0.10,
        "supernet {sup} derived {derived}"
    );
    // Fine-tune with QAT and calibrate again: the loss does not get worse.
    let mut ft = back;
    let hist = train_fixed(
        &mut ft,
        &[],
        &train,
        &val,
        &TrainConfig {
            epochs: 3,
            batch_size: 32,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(hist.last().unwrap().val.mse <= derived * 1.05, "{hist:?}");
    let tuned = derive(&ft, &[], &train).unwrap();
    assert_eq!(tuned.layers.len(), ir.layers.len());
}

#[test]
fn conv1d_pool1d_batchnorm_round_trip_through_the_ir() {
    let s = SpaceSpec::builder("seq", vec![12, 3])
        // Result bits before a BatchNorm: applied after it, in the supernet and in the export.
        .layer(
            LayerSpec::conv1d("conv1", &[2, 4], &[1, 3, 5])
                .weight_bits(&[6, 8])
                .result_bits(&[10, 12]),
        )
        .layer(LayerSpec::batch_norm("bn1"))
        .layer(LayerSpec::leaky_relu("act1", 0.2))
        .layer(LayerSpec::pool1d(
            "pool1",
            2,
            &[PoolKind::Max, PoolKind::Avg],
        ))
        .layer(LayerSpec::flatten("flat"))
        .layer(LayerSpec::dense("out", &[2]))
        .build()
        .unwrap();
    let mut net = Supernet::<B>::new(&s, &dev(), 4).unwrap();
    // Non-trivial BatchNorm statistics.
    net.set_tensor("bn1.mean", vec![0.1, -0.2, 0.3, 0.05])
        .unwrap();
    let mut rng = SplitMix64::new(9);
    let data = Dataset::new(
        (0..36 * 6).map(|_| rng.normal() as f32).collect(),
        vec![0.0; 12],
        36,
        2,
    )
    .unwrap();
    for idx in [
        vec![0, 1, 0, 1, 1],
        vec![1, 2, 1, 0, 0],
        vec![1, 0, 0, 1, 0],
    ] {
        let (pred, _, _) = predict(&net, &idx, &data, 4).unwrap();
        let ir = derive(&net, &idx, &data).unwrap();
        assert!(matches!(ir.layers[0].op, Op::Conv1D(_)));
        let back = supernet_from_network::<B>(&ir, &dev()).unwrap();
        let (p2, _, _) = predict(&back, &[], &data, 4).unwrap();
        for (a, b) in pred.iter().zip(&p2) {
            assert!((a - b).abs() < 1e-4, "{idx:?}: {a} vs {b}");
        }
    }
}

#[test]
fn metrics_and_losses_have_their_textbook_values() {
    let m = Metrics::compute(&[1.0, 3.0], &[2.0, 1.0], 1);
    assert_eq!((m.mae, m.mse), (1.5, 2.5));
    let lc = |d: f64| d.cosh().ln();
    assert!((m.logcosh - (lc(1.0) + lc(2.0)) / 2.0).abs() < 1e-12);
    // Two samples of three classes; the first is right.
    let c = Metrics::compute(
        &[2.0, 0.0, 0.0, 0.0, 1.0, 0.0],
        &[1.0, 0.0, 0.0, 0.0, 0.0, 1.0],
        3,
    );
    assert_eq!(c.accuracy, 0.5);
    let lse = |v: [f64; 3]| v.iter().map(|x| x.exp()).sum::<f64>().ln();
    let want = ((lse([2.0, 0.0, 0.0]) - 2.0) + lse([0.0, 1.0, 0.0])) / 2.0;
    assert!((c.cross_entropy - want).abs() < 1e-12);
    // The tensor losses agree with the host metrics.
    let p = burn::tensor::Tensor::<B, 2>::from_floats([[1.0f32], [3.0]], &dev());
    let t = burn::tensor::Tensor::<B, 2>::from_floats([[2.0f32], [1.0]], &dev());
    for loss in [Loss::Mse, Loss::Mae, Loss::LogCosh] {
        let v = to_vec(loss.compute(p.clone(), t.clone()))[0] as f64;
        assert!((v - m.of(loss)).abs() < 1e-6, "{loss:?}");
    }
    let p =
        burn::tensor::Tensor::<B, 2>::from_floats([[2.0f32, 0.0, 0.0], [0.0, 1.0, 0.0]], &dev());
    let t =
        burn::tensor::Tensor::<B, 2>::from_floats([[1.0f32, 0.0, 0.0], [0.0, 0.0, 1.0]], &dev());
    let v = to_vec(Loss::CrossEntropy.compute(p, t))[0] as f64;
    assert!((v - want).abs() < 1e-6);
}

/// A conv's searched result type applies after the BatchNorm that follows it, as in the export
/// (which folds the BatchNorm into the conv): the lowering puts the type on the BatchNorm, the
/// supernet quantises the normalised output, and a supernet rebuilt from the derived network
/// does the same.
#[test]
fn result_bits_before_a_batchnorm_apply_after_it() {
    let s = small_space();
    let conv = s.layers.iter().position(|l| l.name == "conv1").unwrap();
    assert!(s.result_after_batchnorm(conv));
    let fc1 = s.layers.iter().position(|l| l.name == "fc1").unwrap();
    assert!(!s.result_after_batchnorm(fc1));
    // An optional conv keeps its type on its own output.
    let optional = SpaceSpec::builder("o", vec![6, 4, 2])
        .layer(LayerSpec::conv2d("c0", &[2], &[1]))
        .layer(
            LayerSpec::conv2d("c1", &[2], &[1])
                .result_bits(&[8])
                .optional(),
        )
        .layer(LayerSpec::batch_norm("bn"))
        .layer(LayerSpec::flatten("f"))
        .layer(LayerSpec::dense("out", &[1]))
        .build()
        .unwrap();
    assert!(!optional.result_after_batchnorm(1));

    let net = Supernet::<B>::new(&s, &dev(), 3).unwrap();
    let idx: Vec<usize> = s.decisions().iter().map(|d| d.options.len() - 1).collect();
    let ir = derive(&net, &idx, &toy_data(64, 5)).unwrap();
    let (c, bn) = (&ir.layers[conv], &ir.layers[conv + 1]);
    assert!(matches!(bn.op, Op::BatchNorm(_)));
    assert_eq!(
        c.precision.result, None,
        "an explicit result would stop the folding"
    );
    let t = bn
        .precision
        .result
        .expect("the searched type is on the BatchNorm");
    assert_eq!(t.width, 12);
    assert!(ir.batchnorm_is_fused(conv + 1));
    // The supernet rebuilt from the derived network quantises the fused output with it.
    let back = supernet_from_network::<B>(&ir, &dev()).unwrap();
    let spec = &back.spec.layers[conv];
    assert_eq!(spec.result_bits, vec![12]);
    assert_eq!(spec.result_integer, Some(t.integer));
    assert!(back.spec.result_after_batchnorm(conv));
    // ... and computes about what the search's supernet computes for the same architecture
    // (integer bits: calibrated by derive there, from each batch's range here).
    let val = toy_data(128, 6);
    let a = evaluate(&net, &idx, &val, 64).unwrap().mse;
    let b = evaluate(&back, &[], &val, 64).unwrap().mse;
    assert!((a - b).abs() / a < 0.10, "supernet {a} vs rebuilt {b}");
}

/// A trained MLP with explicit types, standing for a user's model.
fn user_mlp(units: usize) -> Network {
    use hwnas_core::ir::{Dense, Layer, Precision, Tensor};
    let ty = |s: &str| s.parse::<FixedType>().unwrap();
    let types = Precision {
        weight: Some(ty("ap_fixed<10,2>")),
        bias: Some(ty("ap_fixed<10,3>")),
        accum: None,
        result: Some(ty("ap_fixed<14,5>")),
    };
    let dense = |name: &str, n: usize| {
        Layer::new(
            name,
            Op::Dense(Dense {
                units: n,
                use_bias: true,
            }),
        )
        .with_precision(types.clone())
    };
    let mut net = Network::new("user", vec![48], ty("ap_fixed<16,6>"))
        .with_layer(dense("fc1", units))
        .with_layer(Layer::new("relu1", Op::relu()))
        .with_layer(dense("fc2", 12))
        .with_layer(Layer::new("relu2", Op::relu()))
        .with_layer(dense("out", 2));
    let mut rng = SplitMix64::new(9);
    for (name, shape) in [
        ("fc1.weight", vec![48, units]),
        ("fc1.bias", vec![units]),
        ("fc2.weight", vec![units, 12]),
        ("fc2.bias", vec![12]),
        ("out.weight", vec![12, 2]),
        ("out.bias", vec![2]),
    ] {
        let n: usize = shape.iter().product();
        let data = (0..n)
            .map(|_| rng.uniform_range(-0.4, 0.4) as f32)
            .collect();
        net.weights
            .insert(name.into(), Tensor::new(shape, data).unwrap());
    }
    net
}

#[test]
fn a_space_around_a_trained_network_starts_from_it() {
    let net = user_mlp(24);
    let around = Around::default();
    let space = space_around(&net, &around).unwrap();
    let fc1 = &space.layers[0];
    assert_eq!(fc1.widths, [6, 12, 18, 24]);
    assert_eq!(
        fc1.weight_bits,
        [4, 6, 8, 10],
        "options below its own 10 bits, and 10"
    );
    assert_eq!(fc1.result_bits, [8, 12, 14]);
    assert_eq!(fc1.reuse_factors, [1, 2, 4]);
    assert_eq!((fc1.weight_integer, fc1.result_integer), (Some(2), Some(5)));
    assert_eq!(space.layers[4].widths, [2], "the output keeps its width");

    // At the network's own member, the supernet around it computes it exactly.
    let idx = network_indices(&space, &net).unwrap();
    let arch = space.arch_from_indices(&idx).unwrap().to_string();
    assert!(
        arch.contains("fc1.width=24") && arch.contains("fc1.weight_bits=10"),
        "{arch}"
    );
    let val = toy_data(64, 5);
    let a = supernet_around::<B>(&net, &around, &dev()).unwrap();
    let b = supernet_from_network::<B>(&net, &dev()).unwrap();
    let (pa, _, _) = predict(&a, &idx, &val, 64).unwrap();
    let (pb, _, _) = predict(&b, &[], &val, 64).unwrap();
    assert_eq!(pa, pb);
    // Deriving that member gives the network's weights back.
    let ir = derive(&a, &idx, &val).unwrap();
    for name in ["fc1.weight", "fc2.weight", "out.bias"] {
        assert_eq!(ir.weights[name].data, net.weights[name].data, "{name}");
    }

    // A search over the space starts from the network's weights.
    let cfg = SearchConfig {
        epochs: 2,
        warmup_epochs: 1,
        ..quick_config()
    };
    let metric = Metric::weighted(&[("lut", 1.0), ("dsp", 55.0)]).unwrap();
    let mut search = Search::<B>::new(&space, &Analytic, metric, vec![], cfg, &dev()).unwrap();
    // Six weight tensors and the logits of the 11 decisions (zero in both).
    assert_eq!(space.decisions().len(), 11);
    assert_eq!(search.net.copy_matching(&a), 17);
    let r = search.run(&toy_data(128, 6), &val).unwrap();
    assert!(r.history.iter().all(|e| e.train_loss.is_finite()));

    // A space made around another network does not contain this one.
    let err = network_indices(&space_around(&user_mlp(20), &around).unwrap(), &net)
        .unwrap_err()
        .to_string();
    assert!(err.contains("has no option 24"), "{err}");
}

/// Sigmoid and Softmax after width decisions: at a narrow member the supernet computes what the
/// derived narrow network computes (masked channels neither leak `sigmoid(0) = 0.5` into the
/// next layer nor enter the softmax's sum).
#[test]
fn masked_sigmoid_and_softmax_equal_the_narrow_network() {
    use hwnas_core::ir::{Activation, Softmax, Table};
    let space = SpaceSpec::builder("masked", vec![48])
        .layer(LayerSpec::dense("fc1", &[3, 8]))
        .layer(LayerSpec::activation(
            "sig",
            Activation::Sigmoid(Table::default()),
        ))
        .layer(LayerSpec::dense("fc2", &[2, 5]))
        .layer(LayerSpec::activation(
            "soft",
            Activation::Softmax(Softmax::default()),
        ))
        .layer(LayerSpec::dense("out", &[2]))
        .build()
        .unwrap();
    let net = Supernet::<B>::new(&space, &dev(), 4).unwrap();
    let data = toy_data(32, 8);
    for idx in [vec![0, 0], vec![0, 1], vec![1, 0]] {
        let (wide, _, _) = predict(&net, &idx, &data, 32).unwrap();
        let ir = derive(&net, &idx, &data).unwrap();
        let narrow = supernet_from_network::<B>(&ir, &dev()).unwrap();
        let (small, _, _) = predict(&narrow, &[], &data, 32).unwrap();
        let worst = wide
            .iter()
            .zip(&small)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(
            worst < 1e-5,
            "{idx:?}: supernet vs derived network differ by {worst}"
        );
    }
}

/// `data` as two float32 `.npy` files in `dir` (samples `x.npy` of shape `(n, features)`,
/// targets `y.npy` of shape `(n, outputs)`).
fn write_npy(dir: &std::path::Path, data: &Dataset) -> (std::path::PathBuf, std::path::PathBuf) {
    let write = |name: &str, values: &[f32], per: usize| {
        let header = format!(
            "{{'descr': '<f4', 'fortran_order': False, 'shape': ({}, {per}), }}",
            values.len() / per
        );
        let header = format!("{header:<117}\n");
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        b.extend((header.len() as u16).to_le_bytes());
        b.extend(header.as_bytes());
        values.iter().for_each(|v| b.extend(v.to_le_bytes()));
        let path = dir.join(name);
        std::fs::write(&path, b).unwrap();
        path
    };
    (
        write("x.npy", &data.x, data.features),
        write("y.npy", &data.y, data.outputs),
    )
}

#[test]
fn a_streamed_dataset_trains_and_searches_exactly_as_one_in_memory() {
    let s = small_space();
    let idx = vec![1; s.decisions().len()];
    let (train, val) = (toy_data(96, 3), toy_data(32, 4));
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = write_npy(dir.path(), &train);
    let streamed = StreamedDataset::open(&x, &y).unwrap();
    assert_eq!(
        (streamed.len(), streamed.features(), streamed.outputs()),
        (96, 48, 2)
    );
    assert_eq!(streamed.slice(0, 96).unwrap(), train);
    assert_eq!(Dataset::from_npy(&x, &y).unwrap(), train);
    let csv = dir.path().join("y.csv");
    std::fs::write(&csv, "1\n2\n").unwrap();
    let e = Dataset::from_npy(&x, &csv).unwrap_err().to_string();
    assert!(e.contains("y.csv") && e.contains("not a .npy file"), "{e}");

    let cfg = TrainConfig {
        epochs: 2,
        batch_size: 32,
        lr: 3e-3,
        seed: 5,
        ..Default::default()
    };
    let mut a = Supernet::<B>::new(&s, &dev(), 9).unwrap();
    let mut b = Supernet::<B>::new(&s, &dev(), 9).unwrap();
    let in_memory = train_fixed(&mut a, &idx, &train, &val, &cfg).unwrap();
    let from_file = train_fixed(&mut b, &idx, &streamed, &val, &cfg).unwrap();
    assert_eq!(
        in_memory, from_file,
        "the same batches give the same losses, bit for bit"
    );

    let search = |data: &dyn Samples| {
        let cfg = SearchConfig {
            epochs: 2,
            warmup_epochs: 1,
            batch_size: 32,
            seed: 2,
            ..SearchConfig::default()
        };
        let metric = Metric::weighted(&[("lut", 1.0)]).unwrap();
        let mut run = Search::<B>::new(&s, &Analytic, metric, vec![], cfg, &dev()).unwrap();
        run.run(data, &val).unwrap().history
    };
    assert_eq!(search(&train), search(&streamed));

    // A file that ends early is an error naming it, not a panic.
    let bytes = std::fs::read(&x).unwrap();
    std::fs::write(&x, &bytes[..bytes.len() - 100]).unwrap();
    let e = StreamedDataset::open(&x, &y).unwrap_err().to_string();
    assert!(
        e.contains("x.npy") && e.contains("the file holds only"),
        "{e}"
    );
    let e = StreamedDataset::open(&y, &dir.path().join("none.csv")).unwrap_err();
    assert!(e.to_string().contains("none.csv"), "{e}");
}

/// One search, many budgets: re-deriving under a tight LUT budget (weights frozen) gives a
/// cheaper architecture than under a loose one, never touches the supernet's weights, and
/// leaves the search where it was (a re-derivation repeated gives the same answer).
#[test]
fn rederive_meets_tighter_budgets_without_training_the_weights() {
    let s = small_space();
    let (train, val) = (toy_data(96, 1), toy_data(64, 2));
    let metric = Metric::weighted(&[("lut", 1.0), ("dsp", 55.0)]).unwrap();
    let mut search =
        Search::<B>::new(&s, &Analytic, metric, vec![], quick_config(), &dev()).unwrap();
    let found = search.run(&train, &val).unwrap();
    let weights_before = search.net.clone();
    let cheapest = search.table.minimum(&s, &Metric::field("lut").unwrap()).0;
    let tight_limit = cheapest + 0.1 * (found.resources.lut - cheapest).max(1.0);
    let tight = search
        .rederive(vec![Budget::max("lut", tight_limit).unwrap()], &val, 6)
        .unwrap();
    let loose = search
        .rederive(vec![Budget::max("lut", 1e12).unwrap()], &val, 6)
        .unwrap();
    assert!(
        tight.resources.lut <= loose.resources.lut,
        "tight {} > loose {}",
        tight.resources.lut,
        loose.resources.lut
    );
    assert!(
        tight.resources.lut < found.resources.lut || found.resources.lut <= tight_limit,
        "the tight budget {tight_limit} changed nothing: {}",
        tight.resources.lut
    );
    // Passes stop once the architecture meets the budget.
    assert!((1..=6).contains(&tight.history.len()));
    assert!(
        loose.history.len() == 1,
        "a budget met at once needs one pass"
    );
    assert_bitwise_equal(&weights_before, &search.net);
    let again = search
        .rederive(vec![Budget::max("lut", tight_limit).unwrap()], &val, 6)
        .unwrap();
    assert_eq!(again.arch, tight.arch);
    assert!(search.rederive(vec![], &val, 0).is_err());
}

/// A model whose layers form a DATAFLOW pipeline: the table's latency is the sum of the
/// layers' shares plus the slowest interval, for one architecture and in expectation; where
/// the network waits for its latency, its interval is that latency, as `network_timing` says.
#[test]
fn cost_table_composes_latency_as_the_model_says() {
    struct Dataflow {
        waits: bool,
    }
    impl CostModel for Dataflow {
        fn layer_cost(&self, l: &LayerConfig) -> Resources {
            let rf = l.hls.reuse_factor as f64;
            Resources {
                latency_cycles: 10.0 * rf + 3.0,
                ii: 10.0 * rf,
                ..Resources::default()
            }
        }
        fn latency_share(&self, r: &Resources, _: hwnas_core::cost::IoType) -> f64 {
            r.latency_cycles - r.ii
        }
        fn latency_adds_slowest_ii(&self, _: hwnas_core::cost::IoType) -> bool {
            true
        }
        fn ii_waits_for_latency(&self, _: hwnas_core::cost::IoType) -> bool {
            self.waits
        }
    }
    let s = small_space();
    let io = hwnas_core::cost::IoType::IoStream;
    let idx = vec![0; s.decisions().len()];
    let arch = s.arch_from_indices(&idx).unwrap();
    let net = concrete(&s, &arch);
    let layers = LayerConfig::of_network(&net, io).unwrap();
    let onehot: Vec<Vec<f64>> = s
        .decisions()
        .iter()
        .map(|d| {
            (0..d.options.len())
                .map(|i| if i == 0 { 1.0 } else { 0.0 })
                .collect()
        })
        .collect();
    for waits in [false, true] {
        let model = Dataflow { waits };
        let table = CostTable::build(&s, &model, io).unwrap();
        let direct = model.network_cost(&layers);
        let r = table.cost_of(&idx);
        assert_eq!(r.latency_cycles, direct.latency_cycles);
        assert_eq!(r.ii, direct.ii);
        // Every layer adds 3 cycles of depth; the slowest interval (10 cycles) once.
        assert_eq!(r.latency_cycles, 3.0 * layers.len() as f64 + 10.0);
        assert_eq!(r.ii, if waits { r.latency_cycles } else { 10.0 });
        let e = table.expected_host(&onehot);
        assert_eq!((e.latency_cycles, e.ii), (r.latency_cycles, r.ii));
        let p: Vec<burn::tensor::Tensor<B, 1>> = onehot
            .iter()
            .map(|v| {
                let v: Vec<f32> = v.iter().map(|&x| x as f32).collect();
                burn::tensor::Tensor::from_floats(v.as_slice(), &dev())
            })
            .collect();
        let t: Vec<f32> = table
            .expected::<B>(&p, &dev())
            .into_data()
            .to_vec()
            .unwrap();
        assert_eq!((t[5] as f64, t[6] as f64), (r.latency_cycles, r.ii));
    }
}
