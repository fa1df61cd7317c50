//! BatchNorm: batch normalisation over the channels.

use super::{At, KindRules, LowerStep, Lowered};
use crate::Result;
use crate::ir::{BatchNorm, Op};
use crate::space::layer::{LayerKind, LayerSpec};

pub(super) struct BatchNormRules;

impl LayerSpec {
    /// Batch normalisation (epsilon 1e-3).
    pub fn batch_norm(name: &str) -> Self {
        Self::new(name, LayerKind::BatchNorm)
    }
}

/// The layer of a BatchNorm op.
pub(super) fn from_op(n: &str, bn: &BatchNorm) -> LayerSpec {
    LayerSpec {
        epsilon: bn.epsilon,
        ..LayerSpec::batch_norm(n)
    }
}

impl KindRules for BatchNormRules {
    fn op(&self, l: &LayerSpec, _at: At) -> Op {
        Op::BatchNorm(BatchNorm { epsilon: l.epsilon })
    }

    fn check(&self, l: &LayerSpec) -> std::result::Result<(), String> {
        if l.epsilon > 0.0 && l.epsilon.is_finite() {
            Ok(())
        } else {
            Err(format!(
                "epsilon = {} is invalid; BatchNorm's epsilon must be positive and finite \
                 (the default is 1e-3)",
                l.epsilon
            ))
        }
    }

    /// The normalised output keeps the input's type (or the searched result type of the layer
    /// before, see [`SpaceSpec::result_after_batchnorm`](crate::space::SpaceSpec::result_after_batchnorm)).
    fn lower(&self, _l: &LayerSpec, step: &LowerStep<'_>) -> Result<Lowered> {
        Ok(Lowered::result_as_input(step.current))
    }
}
