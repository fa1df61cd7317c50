//! The proof that a written project computes what the emulator computes: write it, C-simulate
//! its testbench, compare every output with the emulator raw integer by raw integer.

use std::path::{Path, PathBuf};
use std::time::Duration;

use hwnas_core::ir::Network;
use serde::Serialize;

use super::{CsimOptions, compile, to_raw};
use crate::emit::{HlsConfig, write_qnetwork};
use crate::emulate::Emulator;
use crate::model::QNetwork;
use crate::samples::read_samples;
use crate::{Error, Result};

/// What [`emit_and_check`] saw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsimCheck {
    /// The project directory (absolute).
    pub dir: PathBuf,
    /// Samples simulated.
    pub samples: usize,
    /// Output values compared with the emulator (raw integers).
    pub compared: usize,
    /// Output values that differ.
    pub mismatches: usize,
    /// The testbench's first mismatch lines, when any.
    pub first_mismatches: Vec<String>,
    /// g++ time (zero when an up-to-date build was reused).
    pub compile_time: Duration,
    /// Time of the simulation run.
    pub run_time: Duration,
}

impl CsimCheck {
    /// Whether every output equals the emulator's.
    pub fn bit_exact(&self) -> bool {
        self.mismatches == 0 && self.compared > 0
    }
}

/// Writes the HLS project of `net` with `cfg` into `dir` (relative to the working directory
/// or absolute), compiles and runs its C simulation on the testbench inputs (`cfg.tb_inputs`,
/// or the pseudo-random samples), and compares every output with the emulator's output on
/// exactly the values the testbench fed, as raw integers of the output type.
///
/// ```no_run
/// use hwnas_core::ir::Network;
/// use hwnas_hls::csim::{CsimOptions, emit_and_check};
/// use hwnas_hls::emit::HlsConfig;
///
/// let net = Network::load("examples/nets/jet_mlp.json".as_ref())?;
/// let cfg = HlsConfig { tb_samples: 1000, ..HlsConfig::default() };
/// let check = emit_and_check(&net, &cfg, "jet_prj".as_ref(), &CsimOptions::default())?;
/// assert!(check.bit_exact(), "{} of {} outputs differ", check.mismatches, check.compared);
/// # Ok::<(), hwnas_hls::Error>(())
/// ```
///
/// # Errors
/// Those of [`crate::emit::write_project`], [`compile`] and [`super::CsimBuild::run`]; [`Error::Csim`]
/// when the simulation prints another number of outputs than the emulator computes.
pub fn emit_and_check(
    net: &Network,
    cfg: &HlsConfig,
    dir: &Path,
    opts: &CsimOptions,
) -> Result<CsimCheck> {
    let q = QNetwork::from_network(net)?;
    write_qnetwork(&q, cfg, dir)?;
    let build = compile(dir, opts)?;
    let run = build.run(None)?;
    // What the testbench fed: its own input file, read back as it reads it.
    let fed = read_samples(
        &build.dir.join("tb_data/tb_input_features.dat"),
        q.input_len(),
    )?;
    let expected = Emulator::new(&q)?.run_raw(&q.quantize_inputs(&fed))?;
    let got: Vec<f64> = run.outputs.iter().flatten().copied().collect();
    let got = to_raw(&got, &q.output_type())?;
    if got.len() != expected.len() {
        return Err(Error::Csim {
            path: build.dir,
            reason: format!(
                "the C simulation printed {} outputs for {} samples; the emulator computes {}",
                got.len(),
                fed.len() / q.input_len(),
                expected.len()
            ),
        });
    }
    Ok(CsimCheck {
        samples: fed.len() / q.input_len(),
        compared: got.len(),
        mismatches: got.iter().zip(&expected).filter(|(a, b)| a != b).count(),
        first_mismatches: run.mismatches,
        compile_time: build.compile_time,
        run_time: run.run_time,
        dir: build.dir,
    })
}
