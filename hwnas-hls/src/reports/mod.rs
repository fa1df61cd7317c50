//! Synthesis-report parsers: `<top>_csynth.xml` of Vivado HLS and Vitis HLS
//! ([`CsynthReport`]), Vivado's `vivado_synth.rpt` for 7-series and UltraScale
//! ([`SynthReport`]), and a project directory found from its `project.tcl`
//! ([`ProjectReport`]). Parsers never panic: any input is a report or an error that says what
//! is missing.

mod csynth;
mod project;
mod synth;

pub use csynth::CsynthReport;
pub use project::ProjectReport;
pub use synth::SynthReport;
