//! BatchNorm: per-channel normalisation with frozen statistics.

use serde::{Deserialize, Serialize};

use super::rules::{OpRules, ShapeResult, TypeCx, same_shape};
use crate::fixed::FixedType;
use crate::ir::analysis::LayerTypes;
use crate::ir::preset::TypePreset;

/// Batch normalisation over the last axis (channels), with frozen statistics:
/// `y = gamma * (x - mean) / sqrt(variance + epsilon) + beta`.
///
/// Weights `gamma`, `beta`, `mean`, `variance`, each `[channels]`. At export it is fused into the
/// preceding Dense/Conv layer when there is one, else it becomes `y = scale * x + bias`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchNorm {
    /// Added to the variance (default 0.001, as Keras).
    #[serde(default = "bn_epsilon")]
    pub epsilon: f64,
}

impl OpRules for BatchNorm {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            return Err(format!("`epsilon` must be positive, got {}", self.epsilon));
        }
        same_shape(s)
    }

    fn weight_shapes(&self, input: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        let channels = input.last().copied().unwrap_or(0);
        ["gamma", "beta", "mean", "variance"]
            .into_iter()
            .map(|p| (p, vec![channels]))
            .collect()
    }

    fn macs(&self, _input: &[usize], outputs: usize) -> Result<usize, String> {
        Ok(outputs)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        let (p, d) = (cx.precision, cx.default);
        cx.refuse("accum", p.accum.is_some(), "BatchNorm has no accumulator")?;
        let (scale, bias) = (p.weight.unwrap_or(d), p.bias.unwrap_or(d));
        let result = match (cx.preset, p.result) {
            // Folded away: the Dense/Conv layer's result flows on.
            (TypePreset::Name, _) if cx.fused => cx.input,
            (_, Some(r)) => r,
            // hls4ml's exact type of `x * scale + bias`: a one-term lossless sum.
            (TypePreset::Name, None) => {
                FixedType::lossless_accumulator(&cx.input, &scale, Some(&bias), 1).map_err(|e| {
                    format!(
                        "hls4ml's exact result type of x * scale + bias: {e}; set \
                             `precision.result`"
                    )
                })?
            }
            (_, None) => d,
        };
        Ok(LayerTypes {
            weight: Some(scale),
            bias: Some(bias),
            ..cx.plain(result)
        })
    }
}

fn bn_epsilon() -> f64 {
    1e-3
}
