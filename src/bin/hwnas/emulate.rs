//! `hwnas emulate NET.json --input FILE`: bit-exact fixed-point inference.

use std::path::{Path, PathBuf};

use hwnas::hls::Error;
use hwnas::hls::emulate::Emulator;
use hwnas::hls::model::QNetwork;
use hwnas::ir::Network;

/// Arguments of `hwnas emulate`.
#[derive(Debug, clap::Args)]
pub struct EmulateArgs {
    /// The network document (JSON with weights; see docs/ir.md).
    pub net: PathBuf,
    /// Inputs: CSV (one sample per row, comma or space separated) or .npy (float or integer,
    /// one sample per row), channels-last.
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
    let x = read_inputs(&a.input)?;
    let mut emu = Emulator::new(&q)?;
    if let Some(t) = a.threads {
        emu = emu.with_threads(t);
    }
    let raw = emu.run_raw(&q.quantize_inputs(&x))?;
    let t = q.output_type();
    let mut out = String::new();
    for row in raw.chunks(q.output_len()) {
        let cells: Vec<String> = row
            .iter()
            .map(|&r| {
                if a.raw {
                    r.to_string()
                } else {
                    format!("{}", t.to_f64(r))
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    match a.output {
        Some(p) => hwnas::core::fs::write_atomic(&p, out.as_bytes())?,
        None => print!("{out}"),
    }
    Ok(())
}

fn bad(path: &Path, why: String) -> Error {
    Error::Input(format!("{}: {why}", path.display()))
}

/// Reads a CSV or .npy file into flat `f64` values.
fn read_inputs(path: &Path) -> Result<Vec<f64>, Error> {
    let bytes = hwnas::core::fs::read(path)?;
    if bytes.starts_with(b"\x93NUMPY") {
        return read_npy(path, &bytes);
    }
    let text = String::from_utf8(bytes).map_err(|_| bad(path, "not UTF-8 text".into()))?;
    let mut values = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect();
        let parsed: Result<Vec<f64>, _> = cells.iter().map(|c| c.parse::<f64>()).collect();
        match parsed {
            Ok(v) => values.extend(v),
            Err(_) if i == 0 => continue, // a header row
            Err(e) => {
                return Err(bad(path, format!("line {}: {e}; expected numbers", i + 1)));
            }
        }
    }
    Ok(values)
}

/// A minimal .npy reader: little-endian f4/f8/i4/i8, C order.
fn read_npy(path: &Path, b: &[u8]) -> Result<Vec<f64>, Error> {
    if b.len() < 10 {
        return Err(bad(path, "truncated .npy header".into()));
    }
    let (len, start) = if b[6] == 1 {
        (usize::from(u16::from_le_bytes([b[8], b[9]])), 10)
    } else if b.len() >= 12 {
        (u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize, 12)
    } else {
        return Err(bad(path, "truncated .npy header".into()));
    };
    let header = b
        .get(start..start + len)
        .map(String::from_utf8_lossy)
        .ok_or_else(|| bad(path, "truncated .npy header".into()))?;
    if header.contains("'fortran_order': True") {
        return Err(bad(
            path,
            "Fortran-order arrays are not supported; save with C order".into(),
        ));
    }
    let data = &b[start + len..];
    let descr = ["<f4", "<f8", "<i4", "<i8"]
        .into_iter()
        .find(|d| header.contains(d))
        .ok_or_else(|| {
            bad(
                path,
                format!("unsupported dtype in {header}; use float32/64 or int32/64"),
            )
        })?;
    let v = match descr {
        "<f4" => data
            .chunks_exact(4)
            .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
            .collect(),
        "<f8" => data
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect(),
        "<i4" => data
            .chunks_exact(4)
            .map(|c| f64::from(i32::from_le_bytes([c[0], c[1], c[2], c[3]])))
            .collect(),
        _ => data
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8])) as f64)
            .collect(),
    };
    Ok(v)
}
