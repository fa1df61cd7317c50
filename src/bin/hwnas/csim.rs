//! `hwnas csim DIR`: compile and run the C simulation of a written project.

use std::path::PathBuf;

use hwnas::hls::csim::{CsimOptions, compile};

/// Arguments of `hwnas csim`.
#[derive(Debug, clap::Args)]
pub struct CsimArgs {
    /// The project directory (written by `hwnas emit`).
    pub dir: PathBuf,
    /// Input file (one sample per line); default tb_data/tb_input_features.dat, whose outputs
    /// are then checked bit for bit against tb_data/tb_output_predictions.dat.
    #[arg(long)]
    pub input: Option<PathBuf>,
}

/// Compiles, runs and reports.
pub fn run(a: CsimArgs) -> Result<(), hwnas::hls::Error> {
    let build = compile(&a.dir, &CsimOptions::default())?;
    let run = build.run(a.input.as_deref())?;
    println!(
        "{} (compile {:.1} s, run {:.3} s); outputs in {}",
        run.summary,
        build.compile_time.as_secs_f64(),
        run.run_time.as_secs_f64(),
        a.dir.join("tb_data/csim_results.log").display()
    );
    if a.input.is_none() && !run.matches_expected {
        return Err(hwnas::hls::Error::Csim {
            path: a.dir,
            reason: "the C simulation differs from the emulator's predictions (see above)".into(),
        });
    }
    Ok(())
}
