//! `hwnas estimate NET.json --part P`: the resource model's per-layer estimate.

use std::path::PathBuf;

use hwnas::core::cost::IoType;
use hwnas::hls::calibration::Calibration;
use hwnas::hls::devices::Device;
use hwnas::hls::resources::{AnalyticModel, CorpusBands, Coverage, Family, Target, Tool};
use hwnas::ir::Network;

use crate::table::{Table, thousands};

/// What the estimate predicts.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum TargetArg {
    /// The HLS estimate (C synthesis report).
    Csynth,
    /// Vivado post-synthesis utilisation.
    Synth,
}

/// Data exchange between layers.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum IoArg {
    /// Arrays, fully partitioned (`io_parallel`).
    Parallel,
    /// AXI streams between layers (`io_stream`), with FIFOs.
    Stream,
}

/// Arguments of `hwnas estimate`.
#[derive(Debug, clap::Args)]
pub struct EstimateArgs {
    /// The network document (JSON; see docs/ir.md). Zero weights are counted when it has weights.
    pub net: PathBuf,
    /// FPGA part, e.g. xcvu13p-flga2577-2-e, xczu3eg-sbva484-1-e, xc7z020clg400-1.
    #[arg(long, default_value = "xcvu13p-flga2577-2-e")]
    pub part: String,
    /// Which report to predict.
    #[arg(long, value_enum, default_value = "csynth")]
    pub target: TargetArg,
    /// How layers exchange data.
    #[arg(long, value_enum, default_value = "parallel")]
    pub io: IoArg,
    /// Clock period in ns (as `emit --clock`): how many adder levels fit in a cycle, hence the
    /// pipeline depth and latency.
    #[arg(long, default_value_t = 5.0)]
    pub clock: f64,
    /// A calibration file written by `hwnas calibrate fit` (default: built-in coefficients).
    #[arg(long)]
    pub calibration: Option<PathBuf>,
    /// HLS tool: `vitis_hls` (default) or `vivado_hls`, optionally with its version
    /// (`vitis_hls_2023.2`). It sets which multiplications get DSPs, how the schedule registers
    /// and the coefficients; with --calibration it also picks that tool's entry.
    #[arg(long)]
    pub tool: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Estimates and prints.
pub fn run(a: EstimateArgs) -> Result<(), hwnas::hls::Error> {
    let net = Network::load(&a.net)?;
    let device = Device::lookup(&a.part)?;
    let target = match a.target {
        TargetArg::Csynth => Target::Csynth,
        TargetArg::Synth => Target::Synth,
    };
    let io = match a.io {
        IoArg::Parallel => IoType::IoParallel,
        IoArg::Stream => IoType::IoStream,
    };
    let tool: Tool = a.tool.as_deref().unwrap_or("vitis_hls").parse()?;
    let model = match &a.calibration {
        Some(path) => Calibration::load(path)?.model(device, target, a.tool.as_deref())?,
        None => AnalyticModel::for_tool(device, target, tool),
    };
    if !(a.clock.is_finite() && a.clock > 0.0) {
        return Err(hwnas::hls::Error::Input(format!(
            "--clock {} is not a clock period; give the period in ns, e.g. --clock 5",
            a.clock
        )));
    }
    let model = model.with_clock_ns(a.clock);
    let est = model.estimate_network(&net, io)?;
    let util = device.utilisation(&est.total);
    let family = Family::of(&net, io, target);
    let band = CorpusBands::builtin().band(&family);
    let outside = band.map_or_else(Vec::new, |b| {
        Coverage::of(&net).map_or_else(|_| Vec::new(), |c| b.coverage.outside(&c))
    });
    let unmodelled = model.unmodelled(&net, io)?;
    if a.json {
        let doc = serde_json::json!({
            "network": net.name,
            "part": a.part,
            "tool": tool,
            "clock_ns": a.clock,
            "estimate": est,
            "utilisation_percent": util,
            "family": family.to_string(),
            "error_band": band,
            "outside_corpus": outside,
            "unmodelled": unmodelled,
        });
        outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return Ok(());
    }
    let mut t = Table::new(&[
        ("#", true),
        ("layer", false),
        ("kind", false),
        ("RF", true),
        ("LUT", true),
        ("FF", true),
        ("BRAM18", true),
        ("DSP", true),
        ("latency", true),
        ("II", true),
    ]);
    let n = |x: f64| thousands(x.round().max(0.0) as usize);
    for (i, l) in est.layers.iter().enumerate() {
        let r = &l.resources;
        t.row(vec![
            (i + 1).to_string(),
            l.name.clone(),
            l.kind.clone(),
            l.reuse_factor
                .map_or_else(|| "-".into(), |rf| rf.to_string()),
            n(r.lut),
            n(r.ff),
            format!("{:.1}", r.bram18),
            n(r.dsp),
            n(r.latency_cycles),
            n(r.ii),
        ]);
    }
    let r = &est.total;
    t.row(vec![
        String::new(),
        "total".into(),
        String::new(),
        String::new(),
        n(r.lut),
        n(r.ff),
        format!("{:.1}", r.bram18),
        n(r.dsp),
        n(r.latency_cycles),
        n(r.ii),
    ]);
    if let Some(b) = band {
        // The leave-one-design-out errors of this family, in the table's column order.
        let cell = |i: usize| {
            if b.counts[i] == 0 {
                "-".to_string()
            } else {
                format!("±{:.0}%/{:.0}%", 100.0 * b.median[i], 100.0 * b.p80[i])
            }
        };
        t.row(vec![
            String::new(),
            "error band".into(),
            String::new(),
            String::new(),
            cell(1),
            cell(2),
            cell(3),
            cell(0),
            cell(4),
            cell(5),
        ]);
    }
    t.row(vec![
        String::new(),
        format!("% of {}", device.name),
        String::new(),
        String::new(),
        format!("{:.1}%", util.lut),
        format!("{:.1}%", util.ff),
        format!("{:.1}%", util.bram18),
        format!("{:.1}%", util.dsp),
        String::new(),
        String::new(),
    ]);
    outln!(
        "network `{}` on {} ({}), {} estimate for {tool} at {} ns, {}{}",
        net.name,
        device.name,
        device.boards,
        target,
        a.clock,
        match io {
            IoType::IoParallel => "io_parallel",
            IoType::IoStream => "io_stream",
        },
        a.calibration.as_ref().map_or_else(
            || ", default coefficients".to_string(),
            |p| format!(", calibration {}", p.display())
        )
    );
    out!("{}", t.render());
    match band {
        Some(b) => {
            outln!(
                "error band: median/80th-percentile relative error of {} published {family} \
                 designs, leave-one-design-out (hwnas-hls/tests/resource_model/corpus.rs){}",
                b.rows,
                if a.calibration.is_some() {
                    "; measured for the built-in coefficients, not this calibration"
                } else {
                    ""
                }
            );
            for why in &outside {
                outln!("warning: outside what the corpus covers for this family: {why}");
            }
        }
        None => outln!(
            "warning: the public corpus has no published {family} design; this estimate is \
             unchecked against synthesis"
        ),
    }
    for why in &unmodelled {
        outln!("warning: {why}");
    }
    if util.max() > 100.0 {
        outln!("does not fit: {:.0}% of the scarcest resource", util.max());
    }
    Ok(())
}
