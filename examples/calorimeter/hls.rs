//! The HLS project of the searched network and its proof: the C simulation of the written
//! firmware, compiled with g++ against the real `ap_types` headers, against the bit-exact
//! emulator on real test events, raw integer by raw integer.

use std::path::{Path, PathBuf};

use hwnas::core::cost::IoType;
use hwnas::hls::csim::{self, CsimOptions};
use hwnas::hls::emit::{HlsConfig, write_project};
use hwnas::hls::emulate::Emulator;
use hwnas::hls::model::QNetwork;
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

/// Writes the io_stream project of `net` for `part` into `dir` with the first `events` test
/// events as its testbench, compiles and runs its C simulation, and compares every output with
/// the emulator.
pub fn emit_and_check(
    net: &Network,
    test: &Events,
    events: usize,
    part: &str,
    dir: &Path,
) -> Result<CsimCheck, Box<dyn std::error::Error>> {
    let inputs = test.inputs(events);
    let events = inputs.len() / test.net.features;
    let cfg = HlsConfig {
        io: IoType::IoStream,
        part: part.into(),
        tb_inputs: Some(inputs.clone()),
        // The directory lives inside the example's own output directory; a rerun replaces the
        // project it wrote before (the writer refuses directories it did not create).
        force: true,
        ..HlsConfig::default()
    };
    let bar = crate::progress::bar(3, "HLS project: writing");
    write_project(net, &cfg, dir)?;
    bar.inc(1);
    bar.set_message("HLS project: compiling the C simulation (g++)");
    let build = csim::compile(dir, &CsimOptions::default())?;
    bar.inc(1);
    bar.set_message(format!("HLS project: simulating {events} events"));
    let run = build.run(None)?;
    bar.finish_and_clear();

    let q = QNetwork::from_network(net)?;
    let t = q.output_type();
    let expected = Emulator::new(&q)?.run_raw(&q.quantize_inputs(&inputs))?;
    let got: Vec<f64> = run.outputs.iter().flatten().copied().collect();
    let got = csim::to_raw(&got, &t)?;
    if got.len() != expected.len() {
        return Err(format!(
            "the C simulation printed {} outputs for {events} events; {} expected",
            got.len(),
            expected.len()
        )
        .into());
    }
    let mismatches = got.iter().zip(&expected).filter(|(a, b)| a != b).count();
    Ok(CsimCheck {
        dir: dir.to_path_buf(),
        events,
        compared: got.len(),
        mismatches,
        compile_s: build.compile_time.as_secs_f64(),
        run_s: run.run_time.as_secs_f64(),
    })
}
