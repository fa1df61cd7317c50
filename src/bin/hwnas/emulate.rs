//! `hwnas emulate NET.json --input FILE`: bit-exact fixed-point inference.

use std::path::{Path, PathBuf};

use hwnas::hls::Error;
use hwnas::hls::emulate::{Emulator, LayerTrace};
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
    /// Also write every layer's outputs (hls4ml's trace, for debugging precision): one CSV per
    /// layer, `NN_<layer>.csv`, into this directory (created; it must be new or empty).
    #[arg(long, value_name = "DIR")]
    pub trace: Option<PathBuf>,
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
    let inputs = q.quantize_inputs(&x);
    // A trace already holds the outputs (its last layer's): the network runs once either way.
    let raw = match &a.trace {
        Some(dir) => {
            let mut trace = emu.trace(&inputs)?;
            write_trace(dir, &trace, a.raw)?;
            match trace.pop() {
                Some(last) => last.raw,
                None => emu.run_raw(&inputs)?,
            }
        }
        None => emu.run_raw(&inputs)?,
    };
    let out = format_rows(&raw, &q.output_type(), q.output_len(), a.raw);
    match a.output {
        Some(p) => hwnas::core::fs::write_atomic(&p, out.as_bytes())?,
        None => out!("{out}"),
    }
    Ok(())
}

/// Writes one CSV per traced layer into `dir`, which must be new or empty (a user's files are
/// never overwritten).
fn write_trace(dir: &Path, trace: &[LayerTrace], raw: bool) -> Result<(), Error> {
    let io = |action: &'static str| {
        move |source| Error::Io {
            action,
            path: dir.to_path_buf(),
            source,
        }
    };
    if dir.exists() {
        if std::fs::read_dir(dir)
            .map_err(io("reading"))?
            .next()
            .is_some()
        {
            return Err(Error::Input(format!(
                "--trace {}: the directory is not empty; give a new or empty directory",
                dir.display()
            )));
        }
    } else {
        std::fs::create_dir_all(dir).map_err(io("creating"))?;
    }
    let width = trace.len().to_string().len().max(2);
    for (i, layer) in trace.iter().enumerate() {
        let per_row = layer.shape.iter().product();
        let text = format_rows(&layer.raw, &layer.result, per_row, raw);
        let file = dir.join(format!("{i:0width$}_{}.csv", layer.name));
        hwnas::core::fs::write_atomic(&file, text.as_bytes())?;
    }
    Ok(())
}
