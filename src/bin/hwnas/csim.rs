//! `hwnas csim DIR`: compile (or reuse) and run the C simulation of a written project.

use std::path::PathBuf;

use hwnas::hls::Error;
use hwnas::hls::csim::{CsimOptions, compile, project_interface, to_raw};
use hwnas::hls::samples::format_rows;

use crate::out;

/// At most this many mismatch lines are printed when the testbench disagrees.
const SHOWN_MISMATCHES: usize = 10;

/// Arguments of `hwnas csim`.
#[derive(Debug, clap::Args)]
pub struct CsimArgs {
    /// The project directory (written by `hwnas emit`).
    pub dir: PathBuf,
    /// Inputs in the format of `hwnas emulate` (CSV, one sample per row, or .npy), relative to
    /// where you stand; default tb_data/tb_input_features.dat, whose outputs are then checked
    /// bit for bit against tb_data/tb_output_predictions.dat.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Write the outputs here (CSV, as `hwnas emulate --output`) instead of printing them.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Print raw integers of the output type instead of real values (as `hwnas emulate --raw`).
    #[arg(long)]
    pub raw: bool,
    /// Compile again even if the last build is up to date.
    #[arg(long)]
    pub rebuild: bool,
}

/// Compiles, runs, prints the outputs (CSV on stdout or into `--output`) and the summary (on
/// stderr).
pub fn run(a: CsimArgs) -> Result<(), Error> {
    let opts = CsimOptions {
        rebuild: a.rebuild,
        ..CsimOptions::default()
    };
    let build = compile(&a.dir, &opts)?;
    let run = build.run(a.input.as_deref())?;
    let interface = project_interface(&build.dir)?;
    let t = interface.output_type;
    let flat: Vec<f64> = run.outputs.iter().flatten().copied().collect();
    let raw = to_raw(&flat, &t)?;
    let csv = format_rows(&raw, &t, interface.n_output, a.raw);
    match &a.output {
        Some(p) => hwnas::core::fs::write_atomic(p, csv.as_bytes())?,
        None => out::print(&csv),
    }
    let compiled = if build.reused {
        "up-to-date build reused".to_string()
    } else {
        format!("compile {:.1} s", build.compile_time.as_secs_f64())
    };
    eprintln!(
        "{} ({compiled}, run {:.3} s)",
        run.summary,
        run.run_time.as_secs_f64()
    );
    if a.input.is_none() && !run.matches_expected {
        for line in run.mismatches.iter().take(SHOWN_MISMATCHES) {
            eprintln!("  {line}");
        }
        return Err(Error::Csim {
            path: build.dir,
            reason: format!(
                "the C simulation differs from the emulator's predictions ({})",
                run.summary
            ),
        });
    }
    Ok(())
}
