//! # hwnas-datasets
//!
//! Seeded synthetic data sets for the examples and tests of hwnas (re-exported by the facade as
//! `hwnas::datasets`). Nothing in the search or the hardware side depends on this crate.
//!
//! * [`calorimeter`]: electromagnetic showers in an ATLAS-like sampling calorimeter, for
//!   energy regression (the flagship example's task).
//!
//! Random numbers come from the library's generators ([`hwnas_core::rng`]), so a data set is
//! a pure function of its seed on every machine and thread count.

pub mod calorimeter;
mod error;

pub use error::{Error, Result};
