//! `hwnas emulate NET.json --input FILE`: bit-exact fixed-point inference.

use std::path::PathBuf;

use hwnas::hls::Error;
use hwnas::hls::emulate::Emulator;
use hwnas::hls::model::QNetwork;
use hwnas::hls::samples::{format_rows, read_samples};
use hwnas::ir::Network;

/// Arguments of `hwnas emulate`.
#[derive(Debug, clap::Args)]
pub struct EmulateArgs {
    /// The network document (JSON with weights; see docs/ir.md).
    pub net: PathBuf,
    /// Inputs, channels-last: CSV (one sample per row, values separated by commas and/or
    /// spaces, an optional header row, `#` comments) or .npy (float32/64 or int32/64 of shape
    /// (n, ...)). A row that is not one whole sample is an error naming the row.
    #[arg(long)]
    pub input: PathBuf,
    /// Write the outputs here (CSV) instead of printing them.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Print raw integers of the output type instead of real values.
    #[arg(long)]
    pub raw: bool,
    /// Threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Runs the emulator and prints or writes one CSV row per sample.
pub fn run(a: EmulateArgs) -> Result<(), Error> {
    let net = Network::load(&a.net)?;
    let q = QNetwork::from_network(&net)?;
    let x = read_samples(&a.input, q.input_len())?;
    let mut emu = Emulator::new(&q)?;
    if let Some(t) = a.threads {
        emu = emu.with_threads(t);
    }
    let raw = emu.run_raw(&q.quantize_inputs(&x))?;
    let out = format_rows(&raw, &q.output_type(), q.output_len(), a.raw);
    match a.output {
        Some(p) => hwnas::core::fs::write_atomic(&p, out.as_bytes())?,
        None => out!("{out}"),
    }
    Ok(())
}
