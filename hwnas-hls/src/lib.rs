//! # hwnas-hls
//!
//! The hardware side of hwnas. So far: [`ap_types`], which finds (or fetches and caches) the
//! Xilinx `ap_types` headers that C simulation of `ap_fixed` code needs.
//!
//! * [`model`]: a network lowered for the hardware (BatchNorm fused, weights quantised to raw
//!   integers); the one place the writer and the emulator share.
//! * [`emulate`]: bit-exact, integer-only, multi-threaded inference of a lowered network.
//! * [`emit`]: the hls4ml-style HLS project writer with hwnas's own header-only layer library.
//! * [`csim`]: C simulation of a written project with g++, outputs read back exactly.
//! * [`samples`]: the one file format of input samples and outputs (CSV or `.npy` in, CSV out)
//!   shared by the emulator, the C simulation and the emitted testbench.
//! * [`resources`]: the analytic FPGA resource model (LUT, FF, BRAM, DSP, latency, II per layer;
//!   implements `hwnas_core::cost::CostModel`); [`devices`]: parts, families and capacities;
//!   [`reports`]: `<top>_csynth.xml` and `vivado_synth.rpt` parsers; [`calibration`]: fitting the
//!   model to synthesis reports and the one-layer calibration suite.

pub mod ap_types;
pub mod calibration;
pub mod csim;
pub mod devices;
pub mod emit;
pub mod emulate;
mod error;
mod layers;
pub mod model;
pub mod reports;
pub mod resources;
pub mod reuse;
pub mod samples;

pub use error::{Error, Result};
