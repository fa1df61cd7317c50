//! # hwnas-hls
//!
//! The hardware side of hwnas. So far: [`ap_types`], which finds (or fetches and caches) the
//! Xilinx `ap_types` headers that C simulation of `ap_fixed` code needs.

pub mod ap_types;
mod error;

pub use error::{Error, Result};
