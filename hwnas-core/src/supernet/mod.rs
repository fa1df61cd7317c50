//! The weight-sharing supernet (DESIGN 2.3): shared weights, architecture logits, fake
//! quantisation with a straight-through estimator and Gumbel-softmax sampling.
//!
//! Parameters are kept flat in a [`ParamStore`] so that weights, logits, BatchNorm statistics and
//! the two [`Adam`] optimisers checkpoint and resume bit for bit.

mod net;
mod params;
mod quant;

pub use net::{Ctx, Probs, Supernet};
pub use params::{Adam, Bound, Entry, Group, ParamStore, Rng, to_vec};
pub use quant::{fake_quant, fake_quant_mix, integer_bits_for};
