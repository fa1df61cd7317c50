//! Fake quantisation with a straight-through estimator.
//!
//! Training quantises a weight from its float value. The export quantises it as hls4ml's
//! firmware reads it ([`FixedType::quantize_printed`]: printed with as many decimals as the type
//! has fractional bits, then read back), so the two differ only for a weight within half a unit
//! of that last decimal of a grid point or a tie. Every exported network, and every figure
//! computed from one, uses the firmware's value.

use burn::tensor::Tensor;
use burn::tensor::backend::Backend;

use crate::backend::TrainBackend;

use crate::fixed::{FixedType, Overflow, Rounding};

/// Rounds and saturates `x` exactly as [`FixedType::quantize_to_f64`] does (for values whose
/// scaled magnitude `|x| / lsb` stays below 2^22, where `f32` is exact), with a straight-through
/// gradient: 1 inside the representable range, 0 where the value saturates.
///
/// The forward value is the quantised value bit for bit (the gradient path adds an exact zero).
pub fn fake_quant<B: Backend, const D: usize>(x: Tensor<B, D>, t: &FixedType) -> Tensor<B, D> {
    let (lo, hi) = range(t);
    let q = quantized_value(x.clone().detach(), t);
    let clipped = x.clamp(lo, hi);
    q + (clipped.clone() - clipped.detach())
}

/// The real range `[lo, hi]` of `t`, where the straight-through gradient is 1.
fn range(t: &FixedType) -> (f32, f32) {
    let lsb = t.lsb() as f32;
    (t.min_raw() as f32 * lsb, t.max_raw() as f32 * lsb)
}

/// The quantised value of `x` as a value of `t` (no gradient of its own).
fn quantized_value<B: Backend, const D: usize>(x: Tensor<B, D>, t: &FixedType) -> Tensor<B, D> {
    let lsb = t.lsb() as f32;
    let (lo, hi) = (t.min_raw() as f32, t.max_raw() as f32);
    let s = x.div_scalar(lsb);
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
    r.mul_scalar(lsb)
}

/// `Σ_b p_b · fake_quant(x, types[b])`, the bit-width mixture of the supernet, with the same
/// forward value and the same gradients as the sum of separately fake-quantised copies, but
/// built from two tracked operations instead of five per option:
///
/// * the value `p · Q`, one matrix product of the probabilities `[1, n]` with the quantised
///   copies `[n, numel]` computed outside the autodiff graph (so `∂/∂p_b = Σ grad · Q_b`);
/// * the straight-through term `x·m − detach(x·m)`, an exact zero whose gradient in `x` is
///   `m = Σ_b p_b · 1[x in the range of types[b]]`, what the separate copies' clamps pass.
///
/// The value may differ from the separate sum in the last bit of `f32` (the products are summed
/// in another order).
pub fn fake_quant_mix<B: TrainBackend, const D: usize>(
    x: Tensor<B, D>,
    types: &[FixedType],
    p: &Tensor<B, 1>,
) -> Tensor<B, D> {
    let shape = x.dims();
    let numel: usize = shape.iter().product();
    let n = types.len();
    let xi: Tensor<B::InnerBackend, 1> = x.clone().inner().reshape([numel]);
    let [copies, inside] = B::quantized_copies(xi, types);
    let copies = Tensor::<B, 2>::from_inner(copies);
    let p_row = p.clone().reshape([1, n]);
    let mask = p_row.clone().inner().matmul(inside);
    let mask: Tensor<B, D> = Tensor::from_inner(mask.reshape(shape));
    let value: Tensor<B, D> = p_row.matmul(copies).reshape(shape);
    let through = x * mask;
    value + (through.clone() - through.detach())
}

/// [`fake_quant`] on a training backend, with the backend's own quantisation kernel: the same
/// value bit for bit and the same straight-through gradient (1 inside the range, 0 outside).
pub(crate) fn fake_quant_train<B: TrainBackend, const D: usize>(
    x: Tensor<B, D>,
    t: &FixedType,
) -> Tensor<B, D> {
    let shape = x.dims();
    let numel: usize = shape.iter().product();
    let xi: Tensor<B::InnerBackend, 1> = x.clone().inner().reshape([numel]);
    let [q, inside] = B::quantized_copies(xi, std::slice::from_ref(t));
    let q: Tensor<B, D> = Tensor::from_inner(q.reshape(shape));
    let through = x * Tensor::from_inner(inside.reshape(shape));
    q + (through.clone() - through.detach())
}

/// burn's own ops for [`Kernels::quantized_copies`](crate::backend::Kernels::quantized_copies):
/// `[copies, inside]`, each `[types.len(), numel]`.
pub(crate) fn copies_with_burn<B: Backend>(
    x: Tensor<B, 1>,
    types: &[FixedType],
) -> [Tensor<B, 2>; 2] {
    let numel = x.dims()[0];
    let mut copies = Vec::with_capacity(types.len());
    let mut inside = Vec::with_capacity(types.len());
    for t in types {
        let (lo, hi) = range(t);
        copies.push(quantized_value(x.clone(), t).reshape([1, numel]));
        let out = x.clone().lower_elem(lo).bool_or(x.clone().greater_elem(hi));
        inside.push(out.bool_not().float().reshape([1, numel]));
    }
    [Tensor::cat(copies, 0), Tensor::cat(inside, 0)]
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

#[cfg(test)]
mod tests {
    use burn::backend::{Autodiff, Flex};
    use burn::tensor::{Tensor, TensorData};

    use super::*;

    type B = Autodiff<Flex>;

    /// The separate copies the mixture replaces: `Σ_b p_b · fake_quant(x, t_b)`.
    fn separate(x: Tensor<B, 2>, types: &[FixedType], p: &Tensor<B, 1>) -> Tensor<B, 2> {
        let mut acc: Option<Tensor<B, 2>> = None;
        for (i, t) in types.iter().enumerate() {
            let y = fake_quant(x.clone(), t) * p.clone().slice(i..i + 1).reshape([1, 1]);
            acc = Some(match acc {
                Some(a) => a + y,
                None => y,
            });
        }
        acc.unwrap()
    }

    fn host<const D: usize>(
        t: Tensor<<B as burn::tensor::backend::AutodiffBackend>::InnerBackend, D>,
    ) -> Vec<f32> {
        t.into_data().to_vec::<f32>().unwrap()
    }

    #[test]
    fn the_mixture_has_the_values_and_gradients_of_separate_copies() {
        let dev = Default::default();
        // Values inside, at the edges of and outside the ranges of the three types.
        let xs: Vec<f32> = (0..64).map(|i| (i as f32 - 31.5) * 0.137).collect();
        let types: Vec<FixedType> = [
            "ap_fixed<4,3>",
            "ap_fixed<6,3,AP_RND_CONV,AP_SAT>",
            "ap_fixed<8,3,AP_RND,AP_SAT>",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        let run = |mixed: bool| {
            let x: Tensor<B, 2> =
                Tensor::from_data(TensorData::new(xs.clone(), [8, 8]), &dev).require_grad();
            let p: Tensor<B, 1> =
                Tensor::from_data(TensorData::new(vec![0.2f32, 0.5, 0.3], [3]), &dev)
                    .require_grad();
            let y = if mixed {
                fake_quant_mix(x.clone(), &types, &p)
            } else {
                separate(x.clone(), &types, &p)
            };
            // A weighted loss, so that every element's gradient differs.
            let w: Tensor<B, 2> = Tensor::from_data(
                TensorData::new((0..64).map(|i| 1.0 + i as f32 / 64.0).collect(), [8, 8]),
                &dev,
            );
            let grads = (y.clone() * w).sum().backward();
            (
                host(y.inner()),
                host(x.grad(&grads).unwrap()),
                host(p.grad(&grads).unwrap()),
            )
        };
        let (y1, gx1, gp1) = run(false);
        let (y2, gx2, gp2) = run(true);
        for (a, b) in y1.iter().zip(&y2) {
            assert!((a - b).abs() <= 1e-6 * a.abs().max(1.0), "{a} vs {b}");
        }
        for (a, b) in gx1.iter().zip(&gx2) {
            // The same elements pass the straight-through gradient, with the same weight.
            assert_eq!(*a == 0.0, *b == 0.0, "{a} vs {b}");
            assert!((a - b).abs() <= 1e-6 * a.abs().max(1.0), "{a} vs {b}");
        }
        assert!(gx1.contains(&0.0) && gx1.iter().any(|&g| g > 0.0));
        for (a, b) in gp1.iter().zip(&gp2) {
            assert!((a - b).abs() <= 1e-5 * a.abs().max(1.0), "{a} vs {b}");
        }
    }
}
