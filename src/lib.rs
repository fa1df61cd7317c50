//! # hwnas
//!
//! Gradient-based, hardware-aware neural architecture search for FPGAs. This facade re-exports
//! the member crates:
//!
//! * [`core`] (`hwnas-core`): the network IR ([`ir`]) and exact `ap_fixed` types ([`fixed`]);
//!   the search space ([`space`]), the weight-sharing supernet ([`supernet`]) and the search,
//!   derivation and training ([`search`]); the cost contract ([`core::cost`]);
//! * [`datasets`] (`hwnas-datasets`): seeded synthetic data, the calorimeter showers of the
//!   flagship example;
//! * [`hls`] (`hwnas-hls`): the hardware side: bit-exact emulator, HLS project writer with its own
//!   layer library, C simulation, the FPGA resource model, devices, report parsers, calibration;
//! * [`progress`]: terminal progress bars, an observer of searches and training runs;
//! * [`backend`]: the burn backends hwnas runs on (CPU by default, CUDA behind the `cuda` feature);
//! * [`macro@searchable`] (`hwnas-macros`): declare a search space as a struct whose fields are
//!   its layers; it implements [`SearchSpace`] (the space, typed architectures, the supernet).
//!
//! The README's quick start (a search space and a search on a tiny data set) runs as a doctest.
//!
//! ```
//! use hwnas::prelude::*;
//!
//! let t: FixedType = "ap_fixed<10,6>".parse()?;
//! assert_eq!(t.lsb(), 1.0 / 16.0);
//! # Ok::<(), hwnas::core::Error>(())
//! ```

pub mod backend;
mod error;
pub mod progress;

pub use error::{Error, Result};

pub use hwnas_core as core;
pub use hwnas_core::space::SearchSpace;
pub use hwnas_core::{fixed, ir};
pub use hwnas_core::{search, space, supernet};
pub use hwnas_datasets as datasets;
pub use hwnas_hls as hls;
pub use hwnas_macros::searchable;
pub use hwnas_onnx as onnx;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme_doctest {}

/// The types most programs need, in one import.
pub mod prelude {
    pub use hwnas_core::fixed::{FixedType, Overflow, Rounding};
    pub use hwnas_core::search::{
        Budget, Dataset, Loss, Metric, Search, SearchConfig, TrainConfig, derive, train_fixed,
    };
    pub use hwnas_core::space::{Arch, LayerSpec, SearchSpace, SpaceSpec};
    pub use hwnas_core::supernet::Supernet;
    pub use hwnas_macros::searchable;
}
