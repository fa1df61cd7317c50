//! The network IR: the contract between the search and the hardware side.
//!
//! A [`Network`] is an ordered list of concrete [`Layer`]s ([`Op`] + fixed-point [`Precision`] +
//! [`HlsKnobs`]) with float [`Weights`]. Everything is **channels-last**, as the firmware
//! computes it:
//!
//! | tensor | layout |
//! |---|---|
//! | activations | `[n]`, `[length][c]`, `[h][w][c]` |
//! | Dense weight | `[n_in][n_out]` |
//! | Conv1D weight | `[k][c_in][c_out]` |
//! | Conv2D weight | `[kh][kw][c_in][c_out]` |
//! | biases, BatchNorm statistics | `[c]` |
//! | Flatten | `h, w, c` order |
//!
//! On disk a network is a JSON document (schema and examples in `docs/ir.md`) plus a
//! safetensors file of weights; [`Network::load`] and [`Network::save`] round-trip exactly.
//! [`Network::analyze`] validates a network and infers shapes, types, parameter and MAC counts.

mod analysis;
mod document;
mod layer;
mod network;
mod op;
mod preset;
pub mod weights;

pub(crate) use analysis::check_elements;
pub use analysis::{Analysis, LayerInfo, LayerTypes, MAX_ELEMENTS};
pub use document::{FORMAT, VERSION};
pub use layer::{HlsKnobs, Layer, Precision, Strategy};
pub use network::Network;
pub use network::{is_c_identifier, layer_name_problem, network_name_problem};
pub use op::{
    Activation, AxisWindow, BatchNorm, Conv1D, Conv2D, Dense, Elu, LeakyReLU, NoParams, Op,
    Padding, Pool1D, Pool2D, Softmax, Table, UpSampling1D, UpSampling2D, ZeroPadding1D,
    ZeroPadding2D,
};
pub use preset::{TypePreset, hls4ml_constant_type, hwnas_alpha_type};
pub use weights::{Tensor, Weights};

#[cfg(test)]
mod tests;
