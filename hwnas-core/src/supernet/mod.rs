//! The weight-sharing supernet (DESIGN 2.3): shared weights, architecture logits, fake
//! quantisation with a straight-through estimator and Gumbel-softmax sampling.
//!
//! Parameters are kept flat in one store so that weights, logits, BatchNorm statistics and the
//! two Adam optimisers checkpoint and resume bit for bit; [`Supernet::tensors`],
//! [`Supernet::tensor`] and [`Supernet::set_tensor`] read and write them by name.

mod kinds;
mod net;
mod params;
pub(crate) mod quant;
#[cfg(test)]
mod tests;

pub(crate) use kinds::{Channels, export as export_layer, import as import_layer};
pub use net::Supernet;
pub(crate) use net::{Ctx, Probs};
pub use params::to_vec;
pub(crate) use params::{Adam, Bound, Group, ParamStore};
pub use quant::{fake_quant, fake_quant_mix, integer_bits_for};
