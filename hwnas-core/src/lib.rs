//! # hwnas-core
//!
//! The hardware-independent half of hwnas:
//!
//! * [`fixed`]: fixed-point types with the exact semantics of Xilinx `ap_fixed<W,I,Q,O,N>`
//!   (every quantisation and overflow mode), conversion from `f64` and between types, and the
//!   type rules hls4ml uses for products and lossless accumulators.
//! * [`ir`]: the network IR, the contract between the search and the hardware side: ordered
//!   concrete layers in channels-last layout, shape inference and validation, parameter and MAC
//!   counts, per-tensor fixed-point types and per-layer HLS knobs, saved as a documented JSON
//!   document plus a safetensors file of weights.
//! * [`samples`]: numeric arrays from `.npy` and CSV files (training data, emulator inputs).
//! * [`rng`]: the seeded generators and samplers every random stream of the library uses.
//! * [`backend`]: the backends the search trains on ([`TrainBackend`](backend::TrainBackend))
//!   and hwnas's own CPU convolution.
//! * [`cost`]: [`Resources`](cost::Resources), the [`CostModel`](cost::CostModel) trait and the
//!   [`LayerConfig`](cost::LayerConfig) a model prices.
//! * [`space`]: search spaces ([`SpaceSpec`](space::SpaceSpec), built with a builder that the
//!   `#[searchable]` macro targets), their decisions and architectures ([`Arch`](space::Arch)).
//! * [`supernet`]: the weight-sharing supernet over a space (channel masks, centred sub-kernels,
//!   fake-quantised bit mixtures with a straight-through estimator, Gumbel-softmax).
//! * [`search`]: the precomputed cost table and exact expected cost, metrics and budgets, the
//!   search loop with checkpoints, derivation of the winning network, fine-tuning and training.
//!
//! ```
//! use hwnas_core::fixed::FixedType;
//!
//! let t: FixedType = "ap_fixed<8,3,AP_RND_CONV,AP_SAT>".parse()?;
//! assert_eq!(t.frac_bits(), 5);
//! assert_eq!(t.to_string(), "ap_fixed<8,3,AP_RND_CONV,AP_SAT,0>");
//! # Ok::<(), hwnas_core::Error>(())
//! ```

pub mod backend;
pub mod cost;
mod error;
pub mod fixed;
pub mod fs;
pub mod ir;
pub mod rng;
pub mod samples;
pub mod search;
pub mod space;
pub mod supernet;

pub use error::{Error, Result};
