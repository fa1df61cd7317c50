//! # Bring your own model and data
//!
//! `cargo run --release --example bring_your_own` starts where a user of hls4ml starts: a model
//! trained elsewhere, as an ONNX file, and data as NumPy arrays
//! (`examples/data/bring_your_own/`, written by `scripts/onnx/make_bring_your_own.py`: a
//! 16 -> 32 -> 32 -> 1 MLP regressing a particle's energy from 16 calorimeter cells).
//!
//! import → the float model as imported (checked against its own MAE) → the fixed-point
//! baseline (16-bit types, integer bits from the data, as hls4ml's profiling would set them) →
//! a search space around it (widths down to a quarter, fewer weight and result bits, reuse
//! factors) with the model's weights as the supernet's start → a search under LUT/FF/DSP
//! budgets → derive → fine-tune → the table → the HLS project of the searched network, whose C
//! simulation must equal the emulator bit for bit.
//!
//! Options: `--out DIR` (default `bring_your_own-out`), `--seed N`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::backend::{Autodiff, Flex};
use clap::Parser;
use hwnas::core::cost::{IoType, Resources};
use hwnas::fixed::FixedType;
use hwnas::hls::csim::{CsimOptions, emit_and_check};
use hwnas::hls::emit::HlsConfig;
use hwnas::hls::emulate::Emulator;
use hwnas::hls::model::QNetwork;
use hwnas::hls::resources::{AnalyticModel, Target};
use hwnas::ir::Network;
use hwnas::progress::ProgressBars;
use hwnas::search::{
    Around, Budget, Dataset, Loss, Metric, Search, SearchConfig, TrainConfig, derive,
    network_indices, predict, space_around, supernet_around, supernet_from_network,
    train_fixed_observed,
};

type B = Autodiff<Flex>;
type AnyResult<T> = Result<T, Box<dyn std::error::Error>>;

/// The FPGA both networks are priced for.
const PART: &str = "xcvu13p-flga2577-2-e";
/// The user's files, wherever the example is run from.
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/bring_your_own");
/// Marker file that identifies an output directory of this example.
const MARKER: &str = ".hwnas-bring-your-own";

/// Bring your own ONNX model and NumPy data: import, search, emit.
#[derive(Debug, Parser)]
struct Args {
    /// Output directory (created; an existing one must be this example's own).
    #[arg(long, default_value = "bring_your_own-out")]
    out: PathBuf,
    /// Seed of the search and the fine-tune.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> AnyResult<()> {
    let args = Args::parse();
    let start = Instant::now();
    prepare_out(&args.out)?;
    let dev = Default::default();
    let file = |name: &str| Path::new(DATA).join(name);

    // 1. The user's model and data.
    let t = Instant::now();
    let mut model = hwnas::onnx::load(&file("energy_mlp.onnx"))?;
    let all = Dataset::from_npy(&file("x_train.npy"), &file("y_train.npy"))?;
    let test = Dataset::from_npy(&file("x_test.npy"), &file("y_test.npy"))?;
    let (train, val) = split(&all, 0.8)?;
    // The cells reach tens of GeV: an input type whose integer bits cover the data (hls4ml's
    // default ap_fixed<16,6> would wrap above 32).
    model.input_type = covering(16, &all.x)?;
    let float_mae = float_mae(&model, &test)?;
    println!(
        "[1/5] imported `{}` ({} layers) and {} + {} + {} samples in {:.1} s; the float model \
         as imported: test MAE {float_mae:.3} GeV",
        model.name,
        model.layers.len(),
        train.len(),
        val.len(),
        test.len(),
        t.elapsed().as_secs_f64()
    );

    // 2. The fixed-point baseline: the model with 16-bit types, integer bits from the data.
    let t = Instant::now();
    let pinned = Around {
        width_fractions: vec![1.0],
        weight_bits: Vec::new(),
        result_bits: Vec::new(),
        reuse_factors: Vec::new(),
    };
    let space0 = space_around(&model, &pinned)?;
    let idx0 = network_indices(&space0, &model)?;
    let sn0 = supernet_around::<B>(&model, &pinned, &dev)?;
    let mut baseline = derive(&sn0, &idx0, &train.head(2000))?;
    baseline.name = "energy_baseline".into();
    // The project to be written, which the search prices (part, tool, clock, io).
    let project = HlsConfig {
        io: IoType::IoParallel,
        part: PART.into(),
        ..HlsConfig::default()
    };
    let cost = AnalyticModel::for_config(&project, Target::Synth)?;
    let base = evaluate(&baseline, &test, &cost)?;
    println!(
        "[2/5] fixed-point baseline in {:.1} s: test MAE {:.3} GeV (bit-exact emulation), {} \
         parameters",
        t.elapsed().as_secs_f64(),
        base.mae,
        base.params
    );

    // 3. The search around the baseline, starting from its weights.
    let t = Instant::now();
    let space = space_around(&baseline, &Around::default())?;
    let r = &base.resources;
    let budgets = vec![
        Budget::max("lut", 0.5 * r.lut)?,
        Budget::max("ff", 0.5 * r.ff)?,
        Budget::max("dsp", 0.5 * r.dsp.max(1.0))?,
    ];
    let objective = Metric::weighted(&[("lut", 1.0), ("ff", 0.5), ("dsp", 100.0)])?;
    let cfg = SearchConfig {
        epochs: 60,
        warmup_epochs: 10,
        batch_size: 128,
        lr_weights: 1e-3,
        lr_arch: 5e-2,
        seed: args.seed,
        loss: Loss::Mae,
        io: IoType::IoParallel,
        history: Some(args.out.join("search_history.json")),
        ..SearchConfig::default()
    };
    let mut search = Search::<B>::new(&space, &cost, objective, budgets, cfg, &dev)?;
    search
        .net
        .copy_matching(&supernet_from_network::<B>(&baseline, &dev)?);
    let result = search.run_observed(&train, &val, &mut ProgressBars::new())?;
    println!(
        "[3/5] search of {:.2e} architectures ({} epochs) in {:.1} s: {}",
        space.size(),
        result.history.len(),
        t.elapsed().as_secs_f64(),
        result.arch
    );

    // 4. Derive and fine-tune the searched network.
    let t = Instant::now();
    let derived = derive(&search.net, &result.indices, &train.head(2000))?;
    let mut tuned = supernet_from_network::<B>(&derived, &dev)?;
    let train_cfg = TrainConfig {
        epochs: 100,
        batch_size: 128,
        lr: 2e-3,
        lr_final: Some(3e-5),
        seed: args.seed.wrapping_add(7),
        loss: Loss::Mae,
        checkpoint: None,
        resume: false,
    };
    train_fixed_observed(
        &mut tuned,
        &[],
        &train,
        &val,
        &train_cfg,
        &mut ProgressBars::new(),
    )?;
    let mut searched = derive(&tuned, &[], &train.head(2000))?;
    searched.name = "energy_searched".into();
    let found = evaluate(&searched, &test, &cost)?;
    println!(
        "[4/5] derived and fine-tuned in {:.1} s: test MAE {:.3} GeV",
        t.elapsed().as_secs_f64(),
        found.mae
    );
    print_table(&base, &found);
    baseline.save(&args.out.join("baseline.json"))?;
    searched.save(&args.out.join("searched.json"))?;
    hwnas::onnx::save(&searched, &args.out.join("searched_qonnx.onnx"))?;

    // 5. The HLS project of the searched network, proven by its C simulation.
    let t = Instant::now();
    let samples = 500;
    let hls = HlsConfig {
        tb_inputs: Some(
            test.x[..samples * test.features]
                .iter()
                .map(|&v| v as f64)
                .collect(),
        ),
        force: true,
        ..project.clone()
    };
    let check = emit_and_check(
        &searched,
        &hls,
        &args.out.join("hls_searched"),
        &CsimOptions::default(),
    )?;
    for line in &check.first_mismatches {
        eprintln!("  {line}");
    }
    println!(
        "[5/5] HLS project {} in {:.1} s: C simulation of {} test samples vs the emulator: {} \
         outputs compared, {} mismatches",
        args.out.join("hls_searched").display(),
        t.elapsed().as_secs_f64(),
        check.samples,
        check.compared,
        check.mismatches
    );
    println!(
        "wrote baseline.json, searched.json, searched_qonnx.onnx, search_history.json in {}; \
         finished in {:.1} s",
        args.out.display(),
        start.elapsed().as_secs_f64()
    );
    if check.mismatches > 0 {
        return Err("the C simulation differs from the emulator".into());
    }
    Ok(())
}

/// Creates the output directory, or accepts one this example made before.
fn prepare_out(out: &Path) -> AnyResult<()> {
    if out.exists() && !out.join(MARKER).exists() && out.read_dir()?.next().is_some() {
        return Err(format!(
            "{} exists and was not written by this example; choose another --out",
            out.display()
        )
        .into());
    }
    std::fs::create_dir_all(out)?;
    std::fs::write(out.join(MARKER), "bring_your_own\n")?;
    Ok(())
}

/// The first `fraction` of `d` for training, the rest for validation.
fn split(d: &Dataset, fraction: f64) -> AnyResult<(Dataset, Dataset)> {
    let n = (d.len() as f64 * fraction) as usize;
    let (f, o) = (d.features, d.outputs);
    Ok((
        Dataset::new(d.x[..n * f].to_vec(), d.y[..n * o].to_vec(), f, o)?,
        Dataset::new(d.x[n * f..].to_vec(), d.y[n * o..].to_vec(), f, o)?,
    ))
}

/// A signed `width`-bit type whose integer bits hold every value of `x`.
fn covering(width: u32, x: &[f32]) -> AnyResult<FixedType> {
    let max = x.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-6);
    let integer = max.log2().floor() as i32 + 2;
    Ok(FixedType::new(width, integer, true)?)
}

/// The MAE of the imported float model (the supernet's float path).
fn float_mae(net: &Network, test: &Dataset) -> AnyResult<f64> {
    let sn = supernet_from_network::<B>(net, &Default::default())?;
    let (pred, _, _) = predict(&sn, &[], test, 256)?;
    Ok(mae(pred.iter().map(|&v| v as f64), &test.y))
}

fn mae(pred: impl Iterator<Item = f64>, truth: &[f32]) -> f64 {
    let (sum, n) = pred.zip(truth).fold((0.0, 0usize), |(s, n), (p, &t)| {
        (s + (p - t as f64).abs(), n + 1)
    });
    sum / n.max(1) as f64
}

/// What the table shows of one network.
struct Evaluation {
    params: usize,
    resources: Resources,
    mae: f64,
}

/// The bit-exact emulation's MAE on `test` and the estimated resources.
fn evaluate(net: &Network, test: &Dataset, cost: &AnalyticModel) -> AnyResult<Evaluation> {
    let q = QNetwork::from_network(net)?;
    let x: Vec<f64> = test.x.iter().map(|&v| v as f64).collect();
    let out = Emulator::new(&q)?.run_f64(&x)?;
    Ok(Evaluation {
        params: net.analyze()?.total_params(),
        resources: cost.estimate_network(net, IoType::IoParallel)?.total,
        mae: mae(out.into_iter(), &test.y),
    })
}

fn print_table(base: &Evaluation, found: &Evaluation) {
    let pct = |a: f64, b: f64| {
        if a == 0.0 {
            "-".to_string()
        } else {
            format!("{:+.1} %", 100.0 * (b - a) / a)
        }
    };
    let rows: [(&str, f64, f64); 7] = [
        ("parameters", base.params as f64, found.params as f64),
        ("LUT", base.resources.lut, found.resources.lut),
        ("FF", base.resources.ff, found.resources.ff),
        ("DSP", base.resources.dsp, found.resources.dsp),
        ("BRAM18", base.resources.bram18, found.resources.bram18),
        (
            "latency (cycles)",
            base.resources.latency_cycles,
            found.resources.latency_cycles,
        ),
        ("MAE (GeV)", base.mae, found.mae),
    ];
    println!(
        "\n{PART} (post-synthesis estimate, io_parallel; MAE of the bit-exact emulation on the \
         test samples)"
    );
    println!(
        "{:<18} {:>12} {:>12} {:>10}",
        "", "baseline", "searched", "change"
    );
    for (name, a, b) in rows {
        let fmt = |v: f64| {
            if name.starts_with("MAE") {
                format!("{v:.3}")
            } else {
                format!("{v:.0}")
            }
        };
        println!("{name:<18} {:>12} {:>12} {:>10}", fmt(a), fmt(b), pct(a, b));
    }
    println!();
}
