//! # Calorimeter energy regression, searched and emitted end to end
//!
//! `cargo run --release --example calorimeter` is the whole promise of hwnas on one realistic
//! task (spec `calorimeter.md`): synthetic ATLAS-like calorimeter showers → the naive
//! calibrated sum → the baseline CNN (the widest, most precise member of the search space,
//! DeepCalo-like) → a hardware-aware search of filters, kernels, bit-widths, dense units and
//! reuse factors under a resource metric and budgets → derive → fine-tune → bit-exact
//! fixed-point evaluation and resource estimates of baseline and searched network with the same
//! HLS configuration → the table → the HLS project of the searched network, whose C simulation
//! must equal the emulator bit for bit → `report.json`, the search history and a plot.
//!
//! Options: `--full` (the 4 × 56 × 11 DeepCalo configuration), `--device cpu|cuda`, `--seed`,
//! `--out DIR`, `--resume` (continue a killed run: finished stages and epochs are kept),
//! `--force` (start over in an existing output directory of this example).

mod data;
mod evaluate;
mod hls;
mod pareto;
mod plot;
mod progress;
mod space;
mod stages;
mod table;

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Parser, ValueEnum};
use hwnas::SearchSpace;
use hwnas::backend::TrainBackend;
use hwnas::core::cost::IoType;
use hwnas::datasets::calorimeter::{CalorimeterConfig, metrics};
use hwnas::hls::devices::Device;
use hwnas::hls::emit::HlsConfig;
use hwnas::hls::resources::{AnalyticModel, Target};
use hwnas::search::{Budget, Metric};

use crate::stages::{Files, Run, Schedule};

/// Marker file that identifies an output directory of this example.
const MARKER: &str = ".hwnas-calorimeter";
/// The FPGA both networks are priced for (an Alveo U50, as the DeepCalo firmware).
const PART: &str = "xcu50-fsvh2104-2-e";
/// Test events run through the C simulation.
const CSIM_EVENTS: usize = 1000;
/// LUT budgets (percent of the baseline) of the Pareto points re-derived after the search,
/// besides the search's own 55 %.
const PARETO_LUT_PERCENT: [f64; 4] = [15.0, 25.0, 35.0, 45.0];
/// Most passes over the validation events that re-derive one budget point (it stops at the
/// first whose architecture meets the budgets).
const REDERIVE_PASSES: usize = 8;

type AnyResult<T> = Result<T, Box<dyn std::error::Error>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DeviceArg {
    Cpu,
    Cuda,
}

/// Calorimeter energy regression: baseline CNN, hardware-aware search, HLS project.
#[derive(Debug, Parser)]
struct Args {
    /// The full DeepCalo configuration (4 × 56 × 11 images, 800k training events; GPU-sized).
    #[arg(long)]
    full: bool,
    /// Where to train.
    #[arg(long, value_enum, default_value = "cpu")]
    device: DeviceArg,
    /// Seed of the data, the weights and the search.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output directory.
    #[arg(long, default_value = "calorimeter-out")]
    out: PathBuf,
    /// Continue the run in `--out`: finished stages are loaded, interrupted ones resume from
    /// their last epoch.
    #[arg(long)]
    resume: bool,
    /// Start over in an existing output directory of this example.
    #[arg(long, conflicts_with = "resume")]
    force: bool,
    /// Epochs of baseline training (default: 24, or 30 with --full).
    #[arg(long)]
    baseline_epochs: Option<usize>,
    /// Epochs of the search, warm-up included (default: 5, or 20 with --full); with fewer
    /// epochs than the default the full search's time is projected from the epochs run.
    #[arg(long)]
    search_epochs: Option<usize>,
    /// Epochs of fine-tuning the searched network (default: 20).
    #[arg(long)]
    finetune_epochs: Option<usize>,
}

fn main() {
    let args = Args::parse();
    let started = Instant::now();
    let outcome = match args.device {
        DeviceArg::Cpu => run::<hwnas::backend::CpuAutodiff>(&args, &Default::default()),
        DeviceArg::Cuda => run_cuda(&args),
    };
    match outcome {
        Ok(()) => println!("\nfinished in {:.1} s", started.elapsed().as_secs_f64()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

#[cfg(feature = "cuda")]
fn run_cuda(args: &Args) -> AnyResult<()> {
    if !hwnas::backend::cuda_driver_available() {
        return Err(
            "--device cuda: no NVIDIA driver (libcuda) can be loaded on this machine; \
                    use --device cpu"
                .into(),
        );
    }
    run::<hwnas::backend::CudaAutodiff>(args, &Default::default())
}

#[cfg(not(feature = "cuda"))]
fn run_cuda(_: &Args) -> AnyResult<()> {
    Err(
        "--device cuda needs the `cuda` feature: cargo run --release --features cuda \
         --example calorimeter -- --device cuda"
            .into(),
    )
}

/// Prepares the output directory: refuses to reuse a directory that is not ours, or one of
/// ours without `--resume` or `--force`.
fn prepare_out(args: &Args) -> AnyResult<()> {
    let out = &args.out;
    if out.exists() {
        let ours = out.join(MARKER).exists();
        let empty = std::fs::read_dir(out)?.next().is_none();
        if !ours && !empty {
            return Err(format!(
                "{} exists and was not written by this example; choose another --out",
                out.display()
            )
            .into());
        }
        if ours && !args.resume && !args.force {
            return Err(format!(
                "{} holds an earlier run; pass --resume to continue it or --force to start over",
                out.display()
            )
            .into());
        }
        if ours && args.force {
            std::fs::remove_dir_all(out)?;
        }
    }
    std::fs::create_dir_all(out)?;
    std::fs::write(
        out.join(MARKER),
        "written by `cargo run --example calorimeter`\n",
    )?;
    Ok(())
}

fn run<B: TrainBackend>(args: &Args, device: &B::Device) -> AnyResult<()> {
    prepare_out(args)?;
    let files = Files::new(&args.out);
    let (config, space, mut schedule) = if args.full {
        (
            CalorimeterConfig::full(),
            space::CaloFull::space()?,
            Schedule {
                baseline_epochs: 30,
                search_epochs: 20,
                warmup_epochs: 2,
                finetune_epochs: 20,
                batch_size: 1024,
                calibration_events: 10_000,
            },
        )
    } else {
        (
            CalorimeterConfig::default_small(),
            space::Calo::space()?,
            Schedule {
                baseline_epochs: 24,
                search_epochs: 5,
                warmup_epochs: 1,
                finetune_epochs: 20,
                batch_size: 128,
                calibration_events: 5_000,
            },
        )
    };
    let default_search_epochs = schedule.search_epochs;
    if let Some(n) = args.baseline_epochs {
        schedule.baseline_epochs = n.max(1);
    }
    if let Some(n) = args.search_epochs {
        schedule.search_epochs = n.max(1);
        schedule.warmup_epochs = schedule.warmup_epochs.min(schedule.search_epochs - 1);
    }
    if let Some(n) = args.finetune_epochs {
        schedule.finetune_epochs = n.max(1);
    }
    println!(
        "search space `{}`: {} decisions, {:.3e} architectures; output in {}",
        space.name,
        space.decisions().len(),
        space.size(),
        args.out.display()
    );

    // 1. Data and the naive calibrated sum.
    let t = Instant::now();
    let data = data::generate(config, args.seed)?;
    let naive_pred: Vec<f64> = data
        .test
        .sums
        .iter()
        .map(|&s| data.naive.predict(s))
        .collect();
    let naive = metrics::evaluate(&naive_pred, &data.test.truth)?;
    println!(
        "[1/6] {} train / {} val / {} test events of shape {:?} in {:.1} s; naive calibrated \
         sum: MAE {:.3} GeV, sigma_IQR {:.2} %",
        data.train.truth.len(),
        data.val.truth.len(),
        data.test.truth.len(),
        data.shape,
        t.elapsed().as_secs_f64(),
        naive.mae,
        100.0 * naive.sigma_iqr
    );

    // 2. The baseline CNN.
    let t = Instant::now();
    // One description of the project to be written: the search prices networks as it will
    // be built (part, tool, clock, io_stream).
    let project = HlsConfig {
        io: IoType::IoStream,
        part: PART.into(),
        ..HlsConfig::default()
    };
    let device_info = Device::lookup(PART)?;
    let model = AnalyticModel::for_config(&project, Target::Synth)?;
    let widest = if args.full {
        space::CaloFull::baseline().to_arch()
    } else {
        space::Calo::baseline().to_arch()
    };
    let stages = Run::<B> {
        data: &data,
        schedule: &schedule,
        files: &files,
        seed: args.seed,
        resume: args.resume,
        device,
    };
    let base_net = stages.baseline(&space, &widest)?;
    let base = evaluate::evaluate(&base_net, &data.val, &data.test, &model, device_info)?;
    println!(
        "[2/6] baseline CNN ({} parameters) in {:.1} s: MAE {:.3} GeV ({:.2}x better than the \
         naive sum), sigma_IQR {:.2} %",
        base.params,
        t.elapsed().as_secs_f64(),
        base.mae_gev,
        naive.mae / base.mae_gev,
        100.0 * base.sigma_iqr
    );

    // The baseline at the smallest uniform reuse factor whose estimate fits the part: the
    // design an hls4ml user could actually build from it. A reuse factor changes no
    // arithmetic, so its accuracy is the baseline's.
    let (fitting_rf, fitting) = evaluate::fitting_baseline(&base_net, &base, &model, device_info)?;
    println!(
        "      fitting baseline: reuse factor {fitting_rf} everywhere uses {:.0} % of the {PART}",
        fitting.device_use_percent
    );

    // 3. The search: an area metric with LUT/FF/DSP/BRAM budgets relative to the baseline, and
    //    latency and II no worse than the baseline's (a trigger's latency budget, in ns at the
    //    project's clock).
    let t = Instant::now();
    let objective =
        Metric::weighted(&[("lut", 1.0), ("ff", 0.5), ("dsp", 100.0), ("bram18", 200.0)])?;
    let budget_pct: Vec<(String, f64)> = vec![
        ("LUT".into(), 55.0),
        ("FF".into(), 55.0),
        ("DSP".into(), 55.0),
        ("BRAM18".into(), 100.0),
        ("latency".into(), 100.0),
        ("II".into(), 100.0),
    ];
    let r = base.resources;
    let clock = project.clock_ns;
    // The budgets with a LUT limit of `lut_pct` % of the baseline.
    let budgets_at = |lut_pct: f64| -> hwnas::Result<Vec<Budget>> {
        Ok(vec![
            Budget::max("lut", lut_pct / 100.0 * r.lut)?,
            Budget::max("ff", 0.55 * r.ff)?,
            Budget::max("dsp", 0.55 * r.dsp.max(1.0))?,
            Budget::max("bram18", r.bram18.max(1.0))?,
            Budget::latency_ns(r.latency_cycles * clock, clock)?,
            Budget::max("ii", r.ii)?,
        ])
    };
    let (mut search, result) =
        stages.search(&space, &base_net, &model, objective, budgets_at(55.0)?)?;
    println!(
        "[3/6] search ({} epochs) in {:.1} s; the architecture found:",
        result.history.len(),
        t.elapsed().as_secs_f64(),
    );
    for line in by_layer(&result.arch) {
        println!("      {line}");
    }
    if schedule.search_epochs < default_search_epochs {
        let per_epoch = t.elapsed().as_secs_f64() / result.history.len().max(1) as f64;
        println!(
            "      {per_epoch:.1} s per search epoch: the default {default_search_epochs}-epoch \
             search would take about {:.0} s",
            per_epoch * default_search_epochs as f64
        );
    }

    // 4. Fine-tune the searched network.
    let t = Instant::now();
    let searched_net = stages.finetune(&search, &result)?;
    let searched = evaluate::evaluate(&searched_net, &data.val, &data.test, &model, device_info)?;
    println!(
        "[4/6] fine-tuned searched network ({} parameters) in {:.1} s",
        searched.params,
        t.elapsed().as_secs_f64()
    );

    // 5. One search, many budgets: re-derive the architecture for tighter LUT budgets with the
    //    supernet's weights frozen, fine-tune each, evaluate each by the bit-exact emulator.
    let t = Instant::now();
    let mut points = vec![pareto::ParetoPoint {
        label: "searched (LUT budget 55 %)".into(),
        lut_budget_percent: 55.0,
        arch: result.arch.to_string(),
        evaluation: searched.clone(),
        on_front: false,
    }];
    for pct in PARETO_LUT_PERCENT {
        let tp = Instant::now();
        let point = search.rederive(budgets_at(pct)?, &data.val.net, REDERIVE_PASSES)?;
        let file = format!("pareto_lut{pct:.0}");
        let net = stages.finetune_as(&search, &point, &file, &format!("calo_{file}"))?;
        let evaluation = evaluate::evaluate(&net, &data.val, &data.test, &model, device_info)?;
        // The budget binds the search's cost table, which prices weights it does not know
        // yet; the estimate here sees the fine-tuned weights (their CSD terms), so it may
        // land on either side of the budget.
        println!(
            "      LUT budget {pct:.0} %: {} parameters, LUT {:.0} ({:.0} % of the baseline), \
             latency {:.0} cycles, II {:.0}, MAE {:.3} GeV ({:.1} s)",
            evaluation.params,
            evaluation.resources.lut,
            100.0 * evaluation.resources.lut / r.lut.max(1.0),
            evaluation.resources.latency_cycles,
            evaluation.resources.ii,
            evaluation.mae_gev,
            tp.elapsed().as_secs_f64()
        );
        points.push(pareto::ParetoPoint {
            label: format!("LUT budget {pct:.0} %"),
            lut_budget_percent: pct,
            arch: point.arch.to_string(),
            evaluation,
            on_front: false,
        });
    }
    pareto::mark_front(&mut points);
    write_file(
        &files.path("pareto.svg"),
        pareto::render(
            &points,
            &[
                ("baseline", &base),
                (&format!("fitting (RF {fitting_rf})"), &fitting),
            ],
        )
        .as_bytes(),
    )?;
    println!(
        "[5/6] Pareto front from the one search: {} budget points re-derived (weights frozen), \
         fine-tuned and emulated in {:.1} s; {} on the front",
        points.len(),
        t.elapsed().as_secs_f64(),
        points.iter().filter(|p| p.on_front).count()
    );

    // The table.
    println!(
        "\n{PART} (post-synthesis estimate, io_stream; MAE and sigma_IQR of the bit-exact \
         fixed-point emulation on {} test events):\n",
        data.test.truth.len()
    );
    print!(
        "{}",
        table::render(&naive, &base, (fitting_rf, &fitting), &searched)
    );

    // 6. HLS project and C simulation.
    let t = Instant::now();
    let check = hls::emit_and_check_events(
        &searched_net,
        &data.test,
        CSIM_EVENTS,
        &project,
        &files.path("hls_searched"),
    )?;
    println!(
        "\n[6/6] HLS project {}: C simulation of {} test events (g++ {:.1} s, run {:.2} s) \
         against the emulator: {} of {} raw outputs equal{}",
        check.dir.display(),
        check.events,
        check.compile_s,
        check.run_s,
        check.compared - check.mismatches,
        check.compared,
        if check.mismatches == 0 {
            " (bit-exact)"
        } else {
            " -- MISMATCH"
        }
    );
    if check.mismatches != 0 {
        return Err("the C simulation differs from the emulator".into());
    }
    println!("      ({:.1} s)", t.elapsed().as_secs_f64());

    // Report, plot, where everything is.
    let markers = vec![
        plot::Marker {
            label: "baseline".into(),
            lut: base.resources.lut,
            loss: base.val_loss,
        },
        plot::Marker {
            label: "searched".into(),
            lut: searched.resources.lut,
            loss: searched.val_loss,
        },
    ];
    let svg = plot::render(&result.history, &base.resources, &budget_pct, &markers);
    write_file(&files.path("search.svg"), svg.as_bytes())?;
    let report = serde_json::json!({
        "configuration": if args.full { "full" } else { "default" },
        "seed": args.seed,
        "part": PART,
        "io": "io_stream",
        "target": "synth",
        "naive_sum": { "mae_gev": naive.mae, "sigma_iqr": naive.sigma_iqr },
        "baseline": base,
        "fitting_baseline": { "reuse_factor": fitting_rf, "evaluation": fitting },
        "searched": searched,
        "searched_arch": result.arch,
        "pareto": points,
        "change_percent": {
            "params": table::change(base.params as f64, searched.params as f64),
            "lut": table::change(base.resources.lut, searched.resources.lut),
            "ff": table::change(base.resources.ff, searched.resources.ff),
            "bram18": table::change(base.resources.bram18, searched.resources.bram18),
            "dsp": table::change(base.resources.dsp, searched.resources.dsp),
            "mae": table::change(base.mae_gev, searched.mae_gev),
            "latency": table::change(base.resources.latency_cycles, searched.resources.latency_cycles),
            "ii": table::change(base.resources.ii, searched.resources.ii),
        },
        "change_vs_fitting_baseline_percent": {
            "lut": table::change(fitting.resources.lut, searched.resources.lut),
            "ff": table::change(fitting.resources.ff, searched.resources.ff),
            "dsp": table::change(fitting.resources.dsp, searched.resources.dsp),
            "mae": table::change(fitting.mae_gev, searched.mae_gev),
        },
        "csim": check,
        "search_history": "search_history.json",
    });
    write_file(
        &files.path("report.json"),
        serde_json::to_string_pretty(&report)?.as_bytes(),
    )?;
    println!("\nwritten to {}:", args.out.display());
    for (name, what) in [
        (
            "report.json",
            "every figure of the table, the architecture, the C-sim check",
        ),
        ("search_history.json", "the search, epoch by epoch"),
        (
            "search.svg",
            "search trajectory and resource/accuracy trade-off",
        ),
        (
            "pareto.svg",
            "MAE vs LUT of every budget point, coloured by latency",
        ),
        (
            "baseline.json",
            "baseline network (IR + .safetensors weights)",
        ),
        (
            "searched.json",
            "searched network (IR + .safetensors weights)",
        ),
        (
            "hls_searched/",
            "HLS project of the searched network (vitis_hls -f build_prj.tcl)",
        ),
    ] {
        println!("  {name:<22} {what}");
    }
    Ok(())
}

/// The picks of `arch` grouped by layer, one line each (`conv1: width=6 kernel=3 ...`).
fn by_layer(arch: &hwnas::space::Arch) -> Vec<String> {
    let mut lines: Vec<(String, Vec<String>)> = Vec::new();
    for p in &arch.picks {
        let (layer, what) = p.decision.split_once('.').unwrap_or(("", &p.decision));
        let pick = format!("{what}={}", p.value);
        match lines.last_mut() {
            Some((l, picks)) if l == layer => picks.push(pick),
            _ => lines.push((layer.to_string(), vec![pick])),
        }
    }
    lines
        .into_iter()
        .map(|(l, picks)| format!("{l}: {}", picks.join(" ")))
        .collect()
}

/// Writes a file atomically (temporary file + rename).
fn write_file(path: &Path, bytes: &[u8]) -> AnyResult<()> {
    Ok(hwnas::core::fs::write_atomic(path, bytes)?)
}
