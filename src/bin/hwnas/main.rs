//! The `hwnas` command-line tool.

#[macro_use]
mod out;

mod calibrate;
mod csim;
mod emit;
mod emulate;
mod estimate;
mod onnx;
mod report;
mod table;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Hardware-aware neural architecture search for FPGAs.
#[derive(Parser)]
#[command(name = "hwnas", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a network document and print its layers: shapes, parameters, MACs, types, knobs.
    Validate {
        /// The network document (JSON; see docs/ir.md).
        net: PathBuf,
    },
    /// Write the hls4ml-style HLS project of a network (firmware, testbench, Tcl, README).
    Emit(emit::EmitArgs),
    /// Bit-exact fixed-point inference of a network on inputs from a CSV or .npy file.
    Emulate(emulate::EmulateArgs),
    /// Compile and run the C simulation of a project written by `hwnas emit` (needs g++).
    Csim(csim::CsimArgs),
    /// Estimate a network's FPGA resources per layer (LUT, FF, BRAM, DSP, latency, II).
    Estimate(estimate::EstimateArgs),
    /// Print the parsed synthesis results (csynth and Vivado) of an HLS project.
    Report(report::ReportArgs),
    /// Import an ONNX or QONNX model as a network document (with its weights).
    Import(onnx::ImportArgs),
    /// Export a network document as QONNX (for hls4ml or FINN).
    Export(onnx::ExportArgs),
    /// Fit the resource model to your device and tools: write a one-layer suite, fit its reports.
    #[command(subcommand)]
    Calibrate(calibrate::CalibrateCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate { net } => validate::run(&net).map_err(|e| e.to_string()),
        Command::Emit(a) => emit::run(a).map_err(|e| e.to_string()),
        Command::Emulate(a) => emulate::run(a).map_err(|e| e.to_string()),
        Command::Csim(a) => csim::run(a).map_err(|e| e.to_string()),
        Command::Estimate(a) => estimate::run(a).map_err(|e| e.to_string()),
        Command::Report(a) => report::run(a).map_err(|e| e.to_string()),
        Command::Calibrate(c) => calibrate::run(c).map_err(|e| e.to_string()),
        Command::Import(a) => onnx::import(a).map_err(|e| e.to_string()),
        Command::Export(a) => onnx::export(a).map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
