//! The `hwnas` command-line tool.

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate { net } => validate::run(&net),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
