//! `hwnas calibrate suite|fit`: one-layer calibration projects and fitting their reports.

use std::path::PathBuf;

use hwnas::core::cost::IoType;
use hwnas::hls::calibration::Calibration;
use hwnas::hls::calibration::suite::{SuiteSpec, fit_suite, write_suite};
use hwnas::hls::resources::Tool;

use crate::table::Table;

/// `hwnas calibrate` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CalibrateCommand {
    /// Write a suite of one-layer networks plus run_local.sh (-j N) and slurm_array.sh that
    /// emit and synthesise them.
    Suite {
        /// FPGA part, e.g. xcvu13p-flga2577-2-e.
        #[arg(long)]
        part: String,
        /// The directory to create (must not exist or be empty).
        #[arg(long)]
        out: PathBuf,
        /// HLS tool the scripts run.
        #[arg(long, value_enum, default_value = "vitis")]
        tool: ToolArg,
        /// Synthesise io_stream projects instead of io_parallel.
        #[arg(long)]
        stream: bool,
    },
    /// Read the reports of a synthesised suite and write the calibration.
    Fit {
        /// The suite directory.
        dir: PathBuf,
        /// Output file (default: DIR/calibration.json); an existing one is updated.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// HLS tool.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ToolArg {
    /// Vivado HLS (up to 2020.1).
    Vivado,
    /// Vitis HLS.
    Vitis,
}

/// Runs a subcommand.
pub fn run(c: CalibrateCommand) -> Result<(), hwnas::hls::Error> {
    match c {
        CalibrateCommand::Suite {
            part,
            out,
            tool,
            stream,
        } => {
            let tool = match tool {
                ToolArg::Vivado => Tool::VivadoHls,
                ToolArg::Vitis => Tool::VitisHls,
            };
            let io = if stream {
                IoType::IoStream
            } else {
                IoType::IoParallel
            };
            let n = write_suite(&out, &part, tool, io, &SuiteSpec::default())?;
            outln!("wrote {n} one-layer projects to {}", out.display());
            outln!(
                "synthesise them: {0}/run_local.sh -j 4   or   cd {0} && sbatch slurm_array.sh",
                out.display()
            );
            outln!("then: hwnas calibrate fit {}", out.display());
            Ok(())
        }
        CalibrateCommand::Fit { dir, out } => {
            let fit = fit_suite(&dir)?;
            let path = out.unwrap_or_else(|| dir.join("calibration.json"));
            let mut cal = if path.exists() {
                Calibration::load(&path)?
            } else {
                Calibration::default()
            };
            let mut t = Table::new(&[
                ("device", false),
                ("tool", false),
                ("strategy", false),
                ("target", false),
                ("samples", true),
                ("median err LUT", true),
                ("FF", true),
                ("DSP", true),
            ]);
            for e in &fit.calibration.entries {
                t.row(vec![
                    e.device.clone(),
                    e.tool.clone(),
                    e.strategy.to_string(),
                    e.target.to_string(),
                    e.quality.samples.to_string(),
                    format!("{:.1}%", 100.0 * e.quality.lut),
                    format!("{:.1}%", 100.0 * e.quality.ff),
                    format!("{:.1}%", 100.0 * e.quality.dsp),
                ]);
                cal.insert(e.clone());
            }
            cal.save(&path)?;
            out!("{}", t.render());
            outln!(
                "{} projects read, {} without reports; calibration written to {}",
                fit.used,
                fit.missing.len(),
                path.display()
            );
            Ok(())
        }
    }
}
