//! Fixed-point types with exact `ap_fixed` semantics.
//!
//! [`FixedType`] describes `ap_fixed<W, I, Q, O, N>` / `ap_ufixed<...>`: `W` bits in total, `I` of
//! them integer bits (including the sign bit for signed types; `I` may be negative or larger than
//! `W`), a quantisation (rounding) mode [`Rounding`], an overflow mode [`Overflow`] and `N`
//! saturation bits. A value of the type is held as its raw two's-complement integer (`i128`,
//! sign-extended for signed types); its real value is `raw * 2^-(W - I)`.
//!
//! Conversions ([`FixedType::quantize`] from `f64`, [`FixedType::cast_from`] another type) are
//! bit-exact with `ap_fixed`, and [`FixedType::product`] / [`FixedType::lossless_accumulator`]
//! give the types of exact products and hls4ml's lossless sums.

mod arith;
mod convert;
mod parse;
mod types;

pub use types::{FixedType, MAX_WIDTH, Overflow, Rounding};
