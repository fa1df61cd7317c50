//! `hwnas report DIR`: the parsed synthesis results of an HLS project.

use std::path::PathBuf;

use hwnas::core::cost::Resources;
use hwnas::hls::devices::Device;
use hwnas::hls::reports::ProjectReport;

use crate::table::{Table, thousands};

/// Arguments of `hwnas report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The project directory (it holds project.tcl).
    pub dir: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Reads and prints the reports.
pub fn run(a: ReportArgs) -> Result<(), hwnas::hls::Error> {
    let p = ProjectReport::load(&a.dir)?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&p).unwrap_or_default());
        return Ok(());
    }
    outln!(
        "project `{}` in {} (solution {})",
        p.name,
        p.dir.display(),
        p.solution
    );
    let mut t = Table::new(&[
        ("report", false),
        ("tool", false),
        ("LUT", true),
        ("FF", true),
        ("BRAM18", true),
        ("DSP", true),
        ("URAM", true),
        ("latency", true),
        ("II", true),
    ]);
    let n = |x: f64| thousands(x.round().max(0.0) as usize);
    let row = |t: &mut Table, name: &str, tool: String, r: &Resources, timing: bool| {
        t.row(vec![
            name.into(),
            tool,
            n(r.lut),
            n(r.ff),
            format!("{:.1}", r.bram18),
            n(r.dsp),
            n(r.uram),
            if timing {
                n(r.latency_cycles)
            } else {
                "-".into()
            },
            if timing { n(r.ii) } else { "-".into() },
        ]);
    };
    let mut part = None;
    if let Some(c) = &p.csynth {
        row(
            &mut t,
            "csynth",
            c.tool_version.clone().unwrap_or_default(),
            &c.resources,
            true,
        );
        part = c.part.clone();
    }
    if let Some(s) = &p.synth {
        row(
            &mut t,
            "synth",
            s.tool_version.clone().unwrap_or_default(),
            &s.resources,
            false,
        );
        part = part.or_else(|| s.device.clone());
    }
    out!("{}", t.render());
    if let Some(c) = &p.csynth
        && let (Some(target), Some(est)) = (c.target_clock_ns, c.estimated_clock_ns)
    {
        outln!("clock: target {target} ns, estimated {est} ns");
    }
    if let Some(device) = part.as_deref().and_then(|s| Device::lookup(s).ok()) {
        let used = p
            .synth
            .as_ref()
            .map(|s| s.resources)
            .or(p.csynth.as_ref().map(|c| c.resources));
        if let Some(r) = used {
            let u = device.utilisation(&r);
            outln!(
                "{}: LUT {:.1}%, FF {:.1}%, BRAM {:.1}%, DSP {:.1}%",
                device.name,
                u.lut,
                u.ff,
                u.bram18,
                u.dsp
            );
        }
    }
    Ok(())
}
