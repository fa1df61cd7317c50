//! Fake quantisation with a straight-through estimator.

use burn::tensor::Tensor;
use burn::tensor::backend::Backend;

use crate::fixed::{FixedType, Overflow, Rounding};

/// Rounds and saturates `x` exactly as [`FixedType::quantize_to_f64`] does (for values whose
/// scaled magnitude `|x| / lsb` stays below 2^22, where `f32` is exact), with a straight-through
/// gradient: 1 inside the representable range, 0 where the value saturates.
///
/// The forward value is the quantised value bit for bit (the gradient path adds an exact zero).
pub fn fake_quant<B: Backend, const D: usize>(x: Tensor<B, D>, t: &FixedType) -> Tensor<B, D> {
    let lsb = t.lsb() as f32;
    let (lo, hi) = (t.min_raw() as f32, t.max_raw() as f32);
    let s = x.clone().detach().div_scalar(lsb);
    let r = match t.rounding {
        Rounding::Trn => s.floor(),
        Rounding::TrnZero => s.trunc(),
        Rounding::Rnd => s.add_scalar(0.5).floor(),
        Rounding::RndMinInf => s.sub_scalar(0.5).ceil(),
        Rounding::RndConv => s.round(),
        Rounding::RndZero => s.clone().sign() * s.abs().sub_scalar(0.5).ceil(),
        Rounding::RndInf => s.clone().sign() * s.abs().add_scalar(0.5).floor(),
    };
    let r = match t.overflow {
        Overflow::Sat => r.clamp(lo, hi),
        Overflow::SatSym if t.signed => r.clamp(-hi, hi),
        Overflow::SatSym => r.clamp(lo, hi),
        Overflow::SatZero => {
            let out = r.clone().lower_elem(lo).bool_or(r.clone().greater_elem(hi));
            r.mask_fill(out, 0.0)
        }
        Overflow::Wrap => {
            // Keep the low W bits: r - 2^W * floor((r - lo) / 2^W).
            let span = (hi - lo) + 1.0;
            r.clone() - r.sub_scalar(lo).div_scalar(span).floor().mul_scalar(span)
        }
    };
    let q = r.mul_scalar(lsb);
    let clipped = x.clamp(lo * lsb, hi * lsb);
    q + (clipped.clone() - clipped.detach())
}

/// Integer bits (sign included) that hold `max_abs` without saturating:
/// `floor(log2(max_abs)) + 2`, or 1 for zero.
pub fn integer_bits_for(max_abs: f32) -> i32 {
    if max_abs > 0.0 && max_abs.is_finite() {
        max_abs.log2().floor() as i32 + 2
    } else {
        1
    }
}
