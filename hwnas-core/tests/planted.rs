//! Planted answers: the search finds what the data was made with (CPU, release).

use hwnas_core::cost::{CostModel, LayerConfig, Resources};
use hwnas_core::ir::Op;
use hwnas_core::rng::{Random, SplitMix64};
use hwnas_core::search::*;
use hwnas_core::space::*;

type B = burn::backend::Autodiff<burn::backend::Flex>;

/// Placeholder analytic cost model: multipliers / reuse factor; LUTs grow with the product of
/// weight and input bits; products wider than 10 x 10 bits take DSPs.
struct Analytic;

impl CostModel for Analytic {
    fn layer_cost(&self, l: &LayerConfig) -> Resources {
        let cin = *l.input_shape.last().unwrap_or(&1) as f64;
        let cout = *l.output_shape.last().unwrap_or(&1) as f64;
        let rf = l.hls.reuse_factor as f64;
        let wb = l.types.weight.map_or(0, |t| t.width) as f64;
        let ib = l.types.input.width as f64;
        let mults = match &l.op {
            Op::Dense(_) => l.input_shape.iter().product::<usize>() as f64 * cout,
            Op::Conv2D(c) => (c.kernel[0] * c.kernel[1]) as f64 * cin * cout,
            _ => 0.0,
        };
        let wide = wb * ib > 100.0;
        Resources {
            lut: mults / rf * wb * ib * 0.25,
            dsp: if wide { (mults / rf).ceil() } else { 0.0 },
            latency_cycles: rf,
            ii: rf,
            ..Default::default()
        }
    }
}

fn dev() -> burn::tensor::Device<B> {
    Default::default()
}

fn split(d: Dataset, n_train: usize) -> (Dataset, Dataset) {
    let (f, o) = (d.features, d.outputs);
    let tr = Dataset::new(
        d.x[..n_train * f].to_vec(),
        d.y[..n_train * o].to_vec(),
        f,
        o,
    )
    .unwrap();
    let va = Dataset::new(
        d.x[n_train * f..].to_vec(),
        d.y[n_train * o..].to_vec(),
        f,
        o,
    )
    .unwrap();
    (tr, va)
}

#[test]
fn planted_kernel_five_is_found() {
    // Targets: a hidden 5x5 convolution of a 7x7 single-channel image (same padding).
    let (h, w, n) = (7usize, 7usize, 320usize);
    let mut rng = SplitMix64::new(1);
    let kernel: Vec<f32> = (0..25).map(|_| rng.normal() as f32 * 0.4).collect();
    let x: Vec<f32> = (0..n * h * w).map(|_| rng.normal() as f32).collect();
    let mut y = Vec::new();
    for s in 0..n {
        for i in 0..h as isize {
            for j in 0..w as isize {
                let mut acc = 0.0;
                for di in -2..=2isize {
                    for dj in -2..=2isize {
                        let (a, b) = (i + di, j + dj);
                        if a >= 0 && b >= 0 && a < h as isize && b < w as isize {
                            acc += x[s * h * w + (a as usize) * w + b as usize]
                                * kernel[((di + 2) * 5 + dj + 2) as usize];
                        }
                    }
                }
                y.push(acc);
            }
        }
    }
    let (train, val) = split(Dataset::new(x, y, h * w, h * w).unwrap(), 256);
    let space = SpaceSpec::builder("kern", vec![h, w, 1])
        .layer(LayerSpec::conv2d("conv", &[1], &[1, 3, 5]))
        .build()
        .unwrap();
    let cfg = SearchConfig {
        epochs: 12,
        warmup_epochs: 4,
        batch_size: 32,
        lr_weights: 2e-2,
        lr_arch: 5e-2,
        cost_weight: 0.01,
        ..Default::default()
    };
    let mut s = Search::<B>::new(
        &space,
        &Analytic,
        Metric::field("lut").unwrap(),
        vec![],
        cfg,
        &dev(),
    )
    .unwrap();
    let r = s.run(&train, &val).unwrap();
    println!(
        "planted kernel: {} (val loss {:.4})",
        r.arch,
        r.history.last().unwrap().val_loss
    );
    assert_eq!(r.arch.value("conv.kernel"), Some(5), "{}", r.arch);
}

/// A teacher `relu(x W1) W2` with 4 hidden units, plus small noise.
fn teacher_data(n: usize, seed: u64) -> Dataset {
    let mut rng = SplitMix64::new(seed);
    let w1: Vec<f32> = (0..16 * 4).map(|_| rng.normal() as f32 * 0.5).collect();
    let w2: Vec<f32> = (0..4).map(|_| rng.normal() as f32).collect();
    let x: Vec<f32> = (0..n * 16).map(|_| rng.normal() as f32).collect();
    let y = (0..n)
        .map(|s| {
            (0..4)
                .map(|u| {
                    let a: f32 = (0..16).map(|i| x[s * 16 + i] * w1[i * 4 + u]).sum();
                    a.max(0.0) * w2[u]
                })
                .sum::<f32>()
                + rng.normal() as f32 * 0.05
        })
        .collect();
    Dataset::new(x, y, 16, 1).unwrap()
}

#[test]
fn planted_width_four_with_cost_pressure_picks_at_most_eight() {
    let (train, val) = split(teacher_data(768, 3), 512);
    let space = SpaceSpec::builder("width", vec![16])
        .layer(LayerSpec::dense("hidden", &[4, 8, 16, 32]))
        .layer(LayerSpec::relu("relu"))
        .layer(LayerSpec::dense("out", &[1]))
        .build()
        .unwrap();
    let cfg = SearchConfig {
        epochs: 60,
        warmup_epochs: 20,
        batch_size: 64,
        lr_weights: 1e-2,
        lr_arch: 5e-2,
        cost_weight: 0.3,
        ..Default::default()
    };
    let mut s = Search::<B>::new(
        &space,
        &Analytic,
        Metric::field("lut").unwrap(),
        vec![],
        cfg,
        &dev(),
    )
    .unwrap();
    let r = s.run(&train, &val).unwrap();
    let width = r.arch.value("hidden.width").unwrap();
    // Fine-tune the chosen and the widest architecture the same way from the shared weights.
    let tune = TrainConfig {
        epochs: 40,
        batch_size: 64,
        lr: 3e-3,
        ..Default::default()
    };
    let mut chosen = s.net.clone();
    let h1 = train_fixed(&mut chosen, &r.indices, &train, &val, &tune).unwrap();
    let mut widest = s.net.clone();
    let h2 = train_fixed(&mut widest, &[3], &train, &val, &tune).unwrap();
    let (lc, lw) = (h1.last().unwrap().val.mse, h2.last().unwrap().val.mse);
    println!(
        "planted width: {} -> val mse {lc:.5}; widest {lw:.5}",
        r.arch
    );
    assert!(width <= 8, "{}", r.arch);
    assert!(lc <= lw * 1.05, "chosen {lc} vs widest {lw}");
}

#[test]
fn planted_four_bit_weights_with_cost_pressure_pick_at_most_six_bits() {
    // y = x . w with w exact ap_fixed<4,1> values (multiples of 1/8 in [-1, 7/8]).
    let mut rng = SplitMix64::new(5);
    let w: Vec<f32> = (0..16)
        .map(|_| ((rng.next_u64() % 16) as f32 - 8.0) / 8.0)
        .collect();
    let n = 640;
    let x: Vec<f32> = (0..n * 16).map(|_| rng.normal() as f32).collect();
    let y: Vec<f32> = (0..n)
        .map(|s| (0..16).map(|i| x[s * 16 + i] * w[i]).sum())
        .collect();
    let (train, val) = split(Dataset::new(x, y, 16, 1).unwrap(), 512);
    let space = SpaceSpec::builder("bits", vec![16])
        .layer(LayerSpec::dense("fc", &[1]).weight_bits(&[4, 6, 8, 12, 16]))
        .build()
        .unwrap();
    let cfg = SearchConfig {
        epochs: 24,
        warmup_epochs: 8,
        batch_size: 64,
        lr_weights: 1e-2,
        lr_arch: 5e-2,
        cost_weight: 0.05,
        ..Default::default()
    };
    let mut s = Search::<B>::new(
        &space,
        &Analytic,
        Metric::field("lut").unwrap(),
        vec![],
        cfg,
        &dev(),
    )
    .unwrap();
    let r = s.run(&train, &val).unwrap();
    println!(
        "planted bits: {} (val loss {:.5})",
        r.arch,
        r.history.last().unwrap().val_loss
    );
    assert!(r.arch.value("fc.weight_bits").unwrap() <= 6, "{}", r.arch);
}

#[test]
fn planted_dsp_budget_is_met_by_the_derived_architecture() {
    let (train, val) = split(teacher_data(512, 7), 384);
    let space = SpaceSpec::builder("dsp", vec![16])
        .layer(
            LayerSpec::dense("hidden", &[8, 16, 32])
                .weight_bits(&[16])
                .reuse_factors(&[1, 2, 4]),
        )
        .layer(LayerSpec::relu("relu"))
        .layer(LayerSpec::dense("out", &[1]).weight_bits(&[16]))
        .build()
        .unwrap();
    let limit = 100.0;
    let cfg = SearchConfig {
        epochs: 20,
        warmup_epochs: 4,
        batch_size: 64,
        lr_weights: 1e-2,
        lr_arch: 5e-2,
        cost_weight: 0.0,
        rho: 2.0,
        ..Default::default()
    };
    let budget = Budget::max("dsp", limit).unwrap();
    let mut s = Search::<B>::new(
        &space,
        &Analytic,
        Metric::field("lut").unwrap(),
        vec![budget],
        cfg,
        &dev(),
    )
    .unwrap();
    // The widest, fastest architecture needs far more than the budget.
    assert!(s.table.cost_of(&[2, 0]).dsp > 4.0 * limit);
    let r = s.run(&train, &val).unwrap();
    let dsp = r.resources.dsp;
    println!(
        "planted dsp budget: {} -> {dsp} DSP (limit {limit}), lambda {:?}",
        r.arch,
        r.history.last().unwrap().lambdas
    );
    assert!(dsp <= limit, "{} uses {dsp} DSP", r.arch);
    // And the derived network prices the same.
    let ir = derive(&s.net, &r.indices, &train).unwrap();
    let priced = Analytic.network_cost(&LayerConfig::of_network(&ir, Default::default()).unwrap());
    assert_eq!(priced.dsp, dsp);
}
