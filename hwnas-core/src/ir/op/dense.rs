//! Dense: a fully connected layer, and the type rules every kernel layer (Dense, Conv) shares.

use serde::{Deserialize, Serialize};

use super::rules::{OpRules, ShapeResult, TypeCx, checked_terms, kernel_macs, need_rank, positive};
use crate::fixed::FixedType;
use crate::ir::analysis::LayerTypes;
use crate::ir::preset::TypePreset;

/// A fully connected layer: `y[j] = sum_i x[i] * w[i][j] + b[j]`.
///
/// Weights `weight: [n_in, units]`, `bias: [units]`. The input must be 1-D.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dense {
    /// Output units.
    pub units: usize,
    /// Whether the layer has a bias (default `true`).
    #[serde(default = "yes")]
    pub use_bias: bool,
}

impl OpRules for Dense {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        positive(&[("units", self.units)])?;
        need_rank(s, 1, "1-D [n]")?;
        Ok((vec![self.units], vec![]))
    }

    fn weight_shapes(&self, input: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        with_bias(vec![input[0], self.units], self.units, self.use_bias)
    }

    fn macs(&self, input: &[usize], outputs: usize) -> Result<usize, String> {
        kernel_macs(outputs, input[0])
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        kernel_types(
            cx,
            self.use_bias,
            checked_terms(cx.in_shape.first().copied())?,
        )
    }
}

/// `weight` of `shape`, and `bias` of `[out]` when the layer has one.
pub(super) fn with_bias(
    shape: Vec<usize>,
    out: usize,
    bias: bool,
) -> Vec<(&'static str, Vec<usize>)> {
    let mut v = vec![("weight", shape)];
    if bias {
        v.push(("bias", vec![out]));
    }
    v
}

/// The types of a kernel layer that sums `n_terms` products per output: weights, bias and
/// result from the precision or the default; the accumulator lossless (hwnas) or as hls4ml
/// resolves it (`name`: default accumulator, lossless result; `model`: all default).
pub(super) fn kernel_types(
    cx: &TypeCx<'_>,
    use_bias: bool,
    n_terms: usize,
) -> Result<LayerTypes, String> {
    let (p, d) = (cx.precision, cx.default);
    cx.refuse(
        "bias",
        !use_bias && p.bias.is_some(),
        "the layer has `use_bias: false`",
    )?;
    let weight = p.weight.unwrap_or(d);
    let bias = use_bias.then(|| p.bias.unwrap_or(d));
    let lossless = |bias: Option<&FixedType>| {
        FixedType::lossless_accumulator(&cx.input, &weight, bias, n_terms)
            .map_err(|e| e.to_string())
    };
    let (accum, result) = match cx.preset {
        TypePreset::Hwnas => (
            match p.accum {
                Some(a) => a,
                None => lossless(bias.as_ref())?,
            },
            p.result.unwrap_or(d),
        ),
        // hls4ml keeps a (zero) bias on every Dense/Conv and counts it.
        TypePreset::Name => (
            p.accum.unwrap_or(d),
            match p.result {
                Some(r) => r,
                None => lossless(Some(&p.bias.unwrap_or(d)))?,
            },
        ),
        TypePreset::Model => (p.accum.unwrap_or(d), p.result.unwrap_or(d)),
    };
    Ok(LayerTypes {
        input: cx.input,
        weight: Some(weight),
        bias,
        accum: Some(accum),
        result,
        param: None,
    })
}

pub(super) fn yes() -> bool {
    true
}
