//! Activation layers: any IR [`Activation`], its settings included.

use super::{At, KindRules, LowerStep, Lowered};
use crate::Result;
use crate::ir::{Activation, LeakyReLU, NoParams, Op};
use crate::space::layer::{LayerKind, LayerSpec};

pub(super) struct ActivationRules;

impl LayerSpec {
    /// An activation layer: any [`Activation`] (its table settings included).
    ///
    /// ```
    /// use hwnas_core::ir::{Activation, Table};
    /// use hwnas_core::space::LayerSpec;
    ///
    /// let sigmoid = LayerSpec::activation("sig", Activation::Sigmoid(Table::default()));
    /// assert_eq!(sigmoid.activation.kind(), "Sigmoid");
    /// ```
    pub fn activation(name: &str, activation: Activation) -> Self {
        LayerSpec {
            activation,
            ..Self::new(name, LayerKind::Activation)
        }
    }

    /// ReLU.
    pub fn relu(name: &str) -> Self {
        Self::activation(name, Activation::ReLU(NoParams {}))
    }

    /// Leaky ReLU with slope `alpha`.
    pub fn leaky_relu(name: &str, alpha: f64) -> Self {
        Self::activation(name, Activation::LeakyReLU(LeakyReLU { alpha }))
    }
}

impl KindRules for ActivationRules {
    fn op(&self, l: &LayerSpec, _at: At) -> Op {
        Op::Activation(l.activation.clone())
    }

    /// The output keeps the input's type (hls4ml's default would be the model's default type).
    fn lower(&self, _l: &LayerSpec, step: &LowerStep<'_>) -> Result<Lowered> {
        Ok(Lowered::result_as_input(step.current))
    }

    fn name(&self, l: &LayerSpec) -> String {
        l.activation.kind().to_string()
    }
}
