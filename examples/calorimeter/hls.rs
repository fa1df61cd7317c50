//! The HLS project of the searched network and its proof: the C simulation of the written
//! firmware, compiled with g++ against the real `ap_types` headers, against the bit-exact
//! emulator on real test events, raw integer by raw integer.

use std::path::{Path, PathBuf};

use hwnas::hls::csim::{CsimOptions, emit_and_check};
use hwnas::hls::emit::HlsConfig;
use hwnas::ir::Network;
use serde::Serialize;

use crate::data::Events;

/// What the C simulation showed.
#[derive(Debug, Clone, Serialize)]
pub struct CsimCheck {
    /// The project directory.
    pub dir: PathBuf,
    /// Test events simulated.
    pub events: usize,
    /// Output values compared with the emulator (raw integers).
    pub compared: usize,
    /// Output values that differ.
    pub mismatches: usize,
    /// g++ time (s).
    pub compile_s: f64,
    /// Simulation time (s).
    pub run_s: f64,
}

/// Writes the project `project` describes for `net` into `dir` with the first `events` test
/// events as its testbench, compiles and runs its C simulation, and compares every output with
/// the emulator.
pub fn emit_and_check_events(
    net: &Network,
    test: &Events,
    events: usize,
    project: &HlsConfig,
    dir: &Path,
) -> Result<CsimCheck, Box<dyn std::error::Error>> {
    let cfg = HlsConfig {
        tb_inputs: Some(test.inputs(events)),
        // The directory lives inside the example's own output directory; a rerun replaces the
        // project it wrote before (the writer refuses directories it did not create).
        force: true,
        ..project.clone()
    };
    let spinner = crate::progress::bar(1, "HLS project: writing, compiling (g++), simulating");
    let check = emit_and_check(net, &cfg, dir, &CsimOptions::default())?;
    spinner.finish_and_clear();
    for line in &check.first_mismatches {
        eprintln!("  {line}");
    }
    Ok(CsimCheck {
        dir: dir.to_path_buf(),
        events: check.samples,
        compared: check.compared,
        mismatches: check.mismatches,
        compile_s: check.compile_time.as_secs_f64(),
        run_s: check.run_time.as_secs_f64(),
    })
}
