//! Decisions: what they choose and their options.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::layer::PoolKind;
use crate::ir::Strategy;

/// What a decision chooses (DESIGN 2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Output channels / units.
    Width,
    /// Kernel size (centred sub-kernels of the largest one).
    Kernel,
    /// Weight bit-width.
    WeightBits,
    /// Result (activation) bit-width.
    ResultBits,
    /// Operator choice (max or average pooling).
    Operator,
    /// Layer on or off (depth).
    OnOff,
    /// HLS reuse factor (cost only).
    ReuseFactor,
    /// HLS strategy (cost only).
    Strategy,
}

impl DecisionKind {
    /// The suffix of the decision's name (`conv1.width`).
    pub fn suffix(self) -> &'static str {
        match self {
            DecisionKind::Width => "width",
            DecisionKind::Kernel => "kernel",
            DecisionKind::WeightBits => "weight_bits",
            DecisionKind::ResultBits => "result_bits",
            DecisionKind::Operator => "op",
            DecisionKind::OnOff => "on",
            DecisionKind::ReuseFactor => "reuse_factor",
            DecisionKind::Strategy => "strategy",
        }
    }
}

/// One option of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Choice {
    /// A number: width, kernel size, bits or reuse factor.
    Value(usize),
    /// Layer on (`true`) or off.
    On(bool),
    /// A pooling operator.
    Pool(PoolKind),
    /// An HLS strategy.
    Strategy(Strategy),
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Choice::Value(v) => write!(f, "{v}"),
            Choice::On(true) => f.write_str("on"),
            Choice::On(false) => f.write_str("off"),
            Choice::Pool(PoolKind::Max) => f.write_str("max"),
            Choice::Pool(PoolKind::Avg) => f.write_str("avg"),
            Choice::Strategy(s) => write!(f, "{s}"),
        }
    }
}

/// A named, finite list of options (`conv1.width` in `{8, 16, 32}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// `<layer>.<kind suffix>`.
    pub name: String,
    /// Index of the layer in the space.
    pub layer: usize,
    /// What it chooses.
    pub kind: DecisionKind,
    /// The options, in declaration order (index 0 is the default).
    pub options: Vec<Choice>,
}
