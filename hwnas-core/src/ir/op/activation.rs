//! Activations: ReLU and LeakyReLU.

use serde::{Deserialize, Serialize};

use super::rules::{OpRules, ShapeResult, TypeCx, same_shape};
use crate::ir::analysis::LayerTypes;
use crate::ir::preset::{TypePreset, hls4ml_constant_type, hwnas_alpha_type};

/// The rules of ReLU (`y = max(x, 0)`), which has no hyper-parameters.
pub(super) struct Relu;

/// Why an activation refuses weight, bias and accumulator types.
const ONLY_RESULT: &str = "an activation only has a result type";

impl OpRules for Relu {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        same_shape(s)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        cx.result_only(ONLY_RESULT)?;
        Ok(cx.plain(cx.precision.result.unwrap_or(cx.default)))
    }
}

/// Leaky ReLU: `y = x` for `x >= 0`, else `alpha * x`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeakyReLU {
    /// Slope for negative inputs (default 0.3, as Keras).
    #[serde(default = "leaky_alpha")]
    pub alpha: f64,
}

impl OpRules for LeakyReLU {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        if !self.alpha.is_finite() {
            return Err(format!(
                "`alpha` must be a finite number, got {}",
                self.alpha
            ));
        }
        same_shape(s)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        cx.result_only(ONLY_RESULT)?;
        let param = match cx.preset {
            TypePreset::Hwnas => hwnas_alpha_type(self.alpha),
            TypePreset::Name => hls4ml_constant_type(self.alpha),
            TypePreset::Model => cx.default,
        };
        Ok(LayerTypes {
            param: Some(param),
            ..cx.plain(cx.precision.result.unwrap_or(cx.default))
        })
    }
}

fn leaky_alpha() -> f64 {
    0.3
}
