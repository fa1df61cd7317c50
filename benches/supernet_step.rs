//! Milliseconds per training step of the calorimeter default supernet (`specs/calorimeter.md`
//! 4.2: 4x14x7 input, widest candidates, batch 256) against the same network without
//! architecture parameters or quantisation; the ratio is the overhead of the search.
//!
//! `cargo bench --bench supernet_step` runs criterion on the CPU, then prints hwnas's medians
//! (3 repetitions, each the median of 30 single steps) and, with `HWNAS_TORCH_PYTHON=/path/to/python` (a Python with
//! torch), PyTorch's on the same space (`shared/bench/torch_supernet_ref.py`) in the same run and
//! the two ratios hwnas / PyTorch. `HWNAS_SAME_RUN_ONLY=1` skips criterion;
//! `HWNAS_PROFILE=supernet|plain` runs 40 steps of one of them and nothing else, for a profiler.
//! With `HWNAS_GPU_CHECK=1` (see `scripts/gpu-check.sh`) it instead runs 10 steps on the CPU and,
//! when built with `--features cuda` on a machine with an NVIDIA driver, on CUDA, and compares
//! the losses; `HWNAS_BENCH_SPACE=full` runs that check on the flagship's full DeepCalo space.

use std::time::Instant;

use criterion::Criterion;
use hwnas::backend::TrainBackend;
use hwnas::core::cost::{CostModel, LayerConfig, Resources};
use hwnas::core::ir::Op;
use hwnas::core::rng::{Random, SplitMix64};
use hwnas::core::search::{Dataset, FixedTrainer, Loss, Metric, Search, SearchConfig};
use hwnas::core::space::{LayerSpec, SpaceSpec};
use hwnas::core::supernet::Supernet;

const BATCH: usize = 256;

// The flagship example's own `#[searchable]` spaces (the full DeepCalo one for the GPU check).
#[path = "../examples/calorimeter/space.rs"]
#[allow(dead_code)]
mod space;

/// Placeholder cost model (the search only needs some table to price).
struct Macs;

impl CostModel for Macs {
    fn layer_cost(&self, l: &LayerConfig) -> Resources {
        let cout = *l.output_shape.last().unwrap_or(&1) as f64;
        let cin = *l.input_shape.last().unwrap_or(&1) as f64;
        let w = l.types.weight.map_or(16, |t| t.width) as f64;
        let m = match &l.op {
            Op::Dense(_) => cin * cout,
            Op::Conv2D(c) => (c.kernel[0] * c.kernel[1]) as f64 * cin * cout,
            _ => 0.0,
        };
        Resources {
            lut: m * w,
            dsp: m / l.hls.reuse_factor as f64,
            ..Default::default()
        }
    }
}

/// The calorimeter default CNN; with `search`, every layer gets width, kernel and bit choices
/// whose widest options are the default network.
fn calo(search: bool) -> SpaceSpec {
    let conv = |name: &str, f: usize| {
        if search {
            LayerSpec::conv2d(name, &[f / 4, f / 2, f], &[1, 3])
                .weight_bits(&[4, 6, 8, 12, 16])
                .result_bits(&[8, 12, 16])
        } else {
            LayerSpec::conv2d(name, &[f], &[3])
        }
    };
    let dense = |name: &str, u: usize| {
        if search && u > 1 {
            LayerSpec::dense(name, &[u / 4, u / 2, u])
                .weight_bits(&[4, 6, 8, 12, 16])
                .reuse_factors(&[1, 2, 4])
        } else if search {
            LayerSpec::dense(name, &[u]).weight_bits(&[8, 16])
        } else {
            LayerSpec::dense(name, &[u])
        }
    };
    let pool = |name: &str| {
        if search {
            LayerSpec::max_or_avg_pool2d(name, [2, 2])
        } else {
            LayerSpec::max_pool2d(name, [2, 2])
        }
    };
    SpaceSpec::builder("calo", vec![14, 7, 4])
        .layer(conv("conv1", 8))
        .layer(LayerSpec::relu("relu1"))
        .layer(pool("pool1"))
        .layer(conv("conv2", 16))
        .layer(LayerSpec::relu("relu2"))
        .layer(conv("conv3", 16))
        .layer(LayerSpec::relu("relu3"))
        .layer(pool("pool2"))
        .layer(conv("conv4", 32))
        .layer(LayerSpec::relu("relu4"))
        .layer(conv("conv5", 32))
        .layer(LayerSpec::relu("relu5"))
        .layer(LayerSpec::flatten("flat"))
        .layer(dense("fc1", 64))
        .layer(LayerSpec::relu("relu6"))
        .layer(dense("fc2", 64))
        .layer(LayerSpec::relu("relu7"))
        .layer(dense("out", 1))
        .build()
        .expect("the calorimeter space is valid")
}

fn data(n: usize, features: usize, seed: u64) -> Dataset {
    let mut rng = SplitMix64::new(seed);
    let x: Vec<f32> = (0..n * features)
        .map(|_| rng.uniform_open() as f32)
        .collect();
    let y: Vec<f32> = (0..n)
        .map(|i| x[i * features..(i + 1) * features].iter().sum::<f32>() / 50.0)
        .collect();
    Dataset::new(x, y, features, 1).expect("consistent data")
}

/// The spaces a bench can run: the bench's calorimeter default (`calo`), or the flagship
/// example's full DeepCalo space (`full`, 4 x 56 x 11 input, 1.8M parameters at its widest).
#[derive(Clone, Copy, PartialEq)]
enum Which {
    Calo,
    Full,
}

impl Which {
    fn from_env() -> Which {
        match std::env::var("HWNAS_BENCH_SPACE").as_deref() {
            Ok("full") => Which::Full,
            _ => Which::Calo,
        }
    }

    /// `(search space, plain network's space)`.
    fn spaces(self) -> (SpaceSpec, SpaceSpec) {
        match self {
            Which::Calo => (calo(true), calo(false)),
            Which::Full => {
                use hwnas::SearchSpace;
                let full = space::CaloFull::space().expect("the full space is valid");
                let widest = space::CaloFull::baseline().to_arch();
                let plain = full.restricted_to(&widest).expect("its widest member");
                (full, plain)
            }
        }
    }

    fn label(self) -> &'static str {
        match self {
            Which::Calo => "calo default",
            Which::Full => "calo full (DeepCalo)",
        }
    }
}

/// A search positioned after its warm-up, so that every step trains weights and logits.
fn search<B: TrainBackend>(space: &SpaceSpec, device: &B::Device) -> Search<B> {
    let cfg = SearchConfig {
        batch_size: BATCH,
        warmup_epochs: 0,
        loss: Loss::Mse,
        ..Default::default()
    };
    let m = Metric::weighted(&[("lut", 1.0), ("dsp", 55.0)]).expect("known fields");
    let mut s = Search::new(space, &Macs, m, vec![], cfg, device).expect("search");
    s.skip_warmup();
    s
}

fn plain<B: TrainBackend>(space: &SpaceSpec, device: &B::Device) -> FixedTrainer<B> {
    let net = Supernet::new(space, device, 0).expect("plain network");
    FixedTrainer::new(net, &[], 1e-3, Loss::Mse).expect("a space without decisions")
}

fn plain_step<B: TrainBackend>(p: &mut FixedTrainer<B>, d: &Dataset, batch: &[usize]) -> f32 {
    p.step(d, batch).expect("finite loss")
}

/// `(median ms per supernet step, median ms per plain step, supernet loss, plain loss)` over
/// `timed` steps after `warm` untimed ones (they warm caches and compile kernels); the losses
/// are those of the last step, step `warm + timed`. Each step reads its loss back, so a step's
/// time includes the device's work on CUDA too. The median of single steps, as the PyTorch
/// reference takes it, so that a noisy neighbour's pause does not count against either side.
fn measure<B: TrainBackend>(
    which: Which,
    device: &B::Device,
    warm: usize,
    timed: usize,
) -> (f64, f64, f32, f32) {
    let (space, plain_space) = which.spaces();
    let features: usize = space.input_shape.iter().product();
    let (train, val) = (data(BATCH * 2, features, 1), data(BATCH, features, 2));
    let batches: Vec<Vec<usize>> = vec![(0..BATCH).collect(), (BATCH..2 * BATCH).collect()];
    let mut s = search::<B>(&space, device);
    let mut p = plain::<B>(&plain_space, device);
    let (mut ls, mut lp) = (f32::NAN, f32::NAN);
    let mut ts = Vec::with_capacity(timed);
    for i in 0..warm + timed {
        let t = Instant::now();
        ls = s.step(&train, &val, &batches[i % 2]).expect("finite loss");
        if i >= warm {
            ts.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    let mut tp = Vec::with_capacity(timed);
    for i in 0..warm + timed {
        let t = Instant::now();
        lp = plain_step(&mut p, &train, &batches[i % 2]);
        if i >= warm {
            tp.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    (median(&mut ts), median(&mut tp), ls, lp)
}

fn gpu_check(which: Which) {
    println!("space: {}, batch {BATCH}", which.label());
    let cpu = Default::default();
    let (cs, cp, cls, clp) = measure::<hwnas::backend::CpuAutodiff>(which, &cpu, 1, 9);
    println!(
        "cpu : supernet {cs:.2} ms/step, plain {cp:.2} ms/step, loss@10 supernet {cls:.6} plain {clp:.6}"
    );
    #[cfg(feature = "cuda")]
    {
        if !hwnas::backend::cuda_driver_available() {
            println!("cuda: libcuda cannot be loaded on this machine; CUDA check skipped");
            return;
        }
        let dev = Default::default();
        let (gs, gp, gls, glp) = measure::<hwnas::backend::CudaAutodiff>(which, &dev, 1, 9);
        println!(
            "cuda: supernet {gs:.2} ms/step, plain {gp:.2} ms/step, loss@10 supernet {gls:.6} plain {glp:.6}"
        );
        let rs = ((gls - cls) / cls).abs();
        let rp = ((glp - clp) / clp).abs();
        println!(
            "relative loss difference cuda vs cpu: supernet {rs:.2e}, plain {rp:.2e} (limit 1e-3)"
        );
        if rs >= 1e-3 || rp >= 1e-3 {
            eprintln!("GPU CHECK FAILED");
            std::process::exit(1);
        }
        println!("GPU CHECK PASSED");
    }
    #[cfg(not(feature = "cuda"))]
    println!("cuda: built without the `cuda` feature; CUDA check skipped");
}

/// Median of `reps` repetitions of [`measure`] (each the median of 30 timed steps after 5 warm-up
/// steps, as the PyTorch reference measures):
/// `(supernet ms, plain ms)`.
fn medians(reps: usize) -> (f64, f64) {
    let device = Default::default();
    let mut sup = Vec::new();
    let mut pl = Vec::new();
    for _ in 0..reps {
        let (s, p, _, _) = measure::<hwnas::backend::CpuAutodiff>(Which::Calo, &device, 5, 30);
        sup.push(s);
        pl.push(p);
    }
    (median(&mut sup), median(&mut pl))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// PyTorch on the same space (`shared/bench/torch_supernet_ref.py`), run with the Python named
/// by `HWNAS_TORCH_PYTHON` and as many threads as hwnas uses: `(version, supernet ms, plain
/// ms)`, or why it could not run.
fn torch_reference(threads: usize) -> Option<Result<(String, f64, f64), String>> {
    let python = std::env::var_os("HWNAS_TORCH_PYTHON")?;
    let script = std::env::var_os("HWNAS_TORCH_REF").map_or_else(
        || {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/bench/torch_supernet_ref.py")
        },
        std::path::PathBuf::from,
    );
    let out = match std::process::Command::new(&python)
        .arg(&script)
        .env("THREADS", threads.to_string())
        .output()
    {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            return Some(Err(format!(
                "{} {} failed: {}",
                python.to_string_lossy(),
                script.display(),
                String::from_utf8_lossy(&o.stderr).trim()
            )));
        }
        Err(e) => return Some(Err(format!("cannot run {}: {e}", python.to_string_lossy()))),
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let parsed = text
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .and_then(|v| {
            Some((
                v.get("torch")?.as_str()?.to_string(),
                v.get("supernet_alternating_ms")?.as_f64()?,
                v.get("plain_ms")?.as_f64()?,
            ))
        });
    Some(parsed.ok_or_else(|| format!("no JSON result in the reference's output: {text}")))
}

/// Runs `steps` steps of the supernet or the plain network and nothing else, for a profiler
/// (`HWNAS_PROFILE=supernet|plain perf record ...`).
fn profile(what: &str, steps: usize) {
    let device = Default::default();
    let (space, plain_space) = Which::Calo.spaces();
    let (train, val) = (data(BATCH * 2, 392, 1), data(BATCH, 392, 2));
    let batch: Vec<usize> = (0..BATCH).collect();
    let t = Instant::now();
    if what == "plain" {
        let mut p = plain::<hwnas::backend::CpuAutodiff>(&plain_space, &device);
        for _ in 0..steps {
            plain_step(&mut p, &train, &batch);
        }
    } else {
        let mut s = search::<hwnas::backend::CpuAutodiff>(&space, &device);
        for _ in 0..steps {
            s.step(&train, &val, &batch).expect("finite loss");
        }
    }
    println!(
        "{what}: {steps} steps, {:.2} ms/step",
        t.elapsed().as_secs_f64() * 1e3 / steps as f64
    );
}

fn main() {
    if std::env::var_os("HWNAS_GPU_CHECK").is_some() {
        gpu_check(Which::from_env());
        return;
    }
    if let Ok(what) = std::env::var("HWNAS_PROFILE") {
        profile(&what, 40);
        return;
    }
    if std::env::var_os("HWNAS_SAME_RUN_ONLY").is_some() {
        report_same_run();
        return;
    }
    let device = Default::default();
    let (space, plain_space) = Which::Calo.spaces();
    let (train, val) = (data(BATCH * 2, 392, 1), data(BATCH, 392, 2));
    let batch: Vec<usize> = (0..BATCH).collect();
    let mut c = Criterion::default().sample_size(10).configure_from_args();
    let mut s = search::<hwnas::backend::CpuAutodiff>(&space, &device);
    c.bench_function("supernet_step (calo default, batch 256, cpu)", |b| {
        b.iter(|| s.step(&train, &val, &batch).expect("finite loss"))
    });
    let mut p = plain::<hwnas::backend::CpuAutodiff>(&plain_space, &device);
    c.bench_function("plain_step (calo default, batch 256, cpu)", |b| {
        b.iter(|| plain_step(&mut p, &train, &batch))
    });
    c.final_summary();
    report_same_run();
}

/// hwnas's medians and, when a Python with torch is named, PyTorch's on the same space, in
/// the same run, and their ratios.
fn report_same_run() {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let (ms_s, ms_p) = medians(3);
    println!(
        "hwnas (cpu, burn-flex, {threads} threads): supernet step {ms_s:.2} ms, plain step \
         {ms_p:.2} ms (medians of 3 x 30 steps); search overhead {:.2}x",
        ms_s / ms_p
    );
    match torch_reference(threads) {
        None => println!(
            "PyTorch reference skipped: set HWNAS_TORCH_PYTHON to a Python with torch (see \
             shared/bench/torch_supernet_ref.py) to measure it in the same run"
        ),
        Some(Err(e)) => println!("PyTorch reference failed: {e}"),
        Some(Ok((version, ts, tp))) => {
            println!(
                "PyTorch {version} ({threads} threads): supernet step {ts:.2} ms, plain step \
                 {tp:.2} ms (medians of 3 x 30 steps)"
            );
            println!(
                "ratio hwnas / PyTorch: supernet {:.2}x, plain {:.2}x",
                ms_s / ts,
                ms_p / tp
            );
        }
    }
}
