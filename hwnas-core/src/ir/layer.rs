//! One layer of the IR: its operation, fixed-point types and HLS knobs.

use serde::{Deserialize, Serialize};

use super::op::{Activation, Op, Structural};
use crate::fixed::FixedType;

/// The fixed-point types of one layer's tensors. Every field is optional in the document; a
/// missing type is resolved by [`Network::analyze`](super::Network::analyze) (see
/// [`LayerTypes`](super::LayerTypes) for the rules).
///
/// For `BatchNorm`, `weight` is the type of the folded scale and `bias` the type of the folded
/// bias.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Precision {
    /// Weights (Dense, Conv) or the BatchNorm scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<FixedType>,
    /// Biases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bias: Option<FixedType>,
    /// Accumulator of Dense/Conv sums and average pooling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accum: Option<FixedType>,
    /// The layer's output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<FixedType>,
}

impl Precision {
    /// True when no type is set.
    pub fn is_empty(&self) -> bool {
        *self == Precision::default()
    }
}

/// How hls4ml-style kernels trade area for latency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Strategy {
    /// Fully unrolled multipliers, one result every `reuse_factor` cycles.
    #[default]
    Latency,
    /// Rolled loops, weights in BRAM when `reuse_factor > 1`.
    Resource,
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Strategy::Latency => "Latency",
            Strategy::Resource => "Resource",
        })
    }
}

/// Per-layer HLS knobs: they change cost and latency, never the arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HlsKnobs {
    /// How many times each multiplier is reused (1 = fully parallel).
    #[serde(default = "one")]
    pub reuse_factor: u32,
    /// Latency or Resource kernels.
    #[serde(default)]
    pub strategy: Strategy,
}

impl Default for HlsKnobs {
    fn default() -> Self {
        HlsKnobs {
            reuse_factor: 1,
            strategy: Strategy::Latency,
        }
    }
}

fn one() -> u32 {
    1
}

/// One layer: a unique name (a C identifier: it names arrays and types in the HLS project), the
/// operation, its fixed-point types and its HLS knobs.
///
/// In JSON a layer is one flat object: `name`, `kind`, the operation's hyper-parameters,
/// optionally `precision`, `reuse_factor` and `strategy`.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Unique name, `[A-Za-z_][A-Za-z0-9_]*`.
    pub name: String,
    /// What the layer computes.
    pub op: Op,
    /// Fixed-point types (missing ones are resolved by rule).
    pub precision: Precision,
    /// HLS knobs.
    pub hls: HlsKnobs,
}

impl Layer {
    /// A layer with default types and knobs.
    pub fn new(name: impl Into<String>, op: Op) -> Self {
        Layer {
            name: name.into(),
            op,
            precision: Precision::default(),
            hls: HlsKnobs::default(),
        }
    }

    /// The same layer with these types.
    pub fn with_precision(mut self, precision: Precision) -> Self {
        self.precision = precision;
        self
    }

    /// The same layer with these knobs.
    pub fn with_hls(mut self, hls: HlsKnobs) -> Self {
        self.hls = hls;
        self
    }
}

const COMMON_KEYS: [&str; 4] = ["name", "precision", "reuse_factor", "strategy"];

impl Serialize for Layer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut map = serde_json::Map::new();
        map.insert("name".into(), self.name.clone().into());
        let op = serde_json::to_value(&self.op).map_err(S::Error::custom)?;
        if let serde_json::Value::Object(fields) = op {
            map.extend(fields);
        }
        if !self.precision.is_empty() {
            let p = serde_json::to_value(&self.precision).map_err(S::Error::custom)?;
            map.insert("precision".into(), p);
        }
        map.insert("reuse_factor".into(), self.hls.reuse_factor.into());
        map.insert("strategy".into(), self.hls.strategy.to_string().into());
        map.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Layer {
    /// Splits the flat object into the common keys and the operation, so that an unknown key is
    /// reported against the operation's own list of keys.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut map = serde_json::Map::deserialize(d)?;
        let name = match map.remove("name") {
            Some(serde_json::Value::String(s)) => s,
            Some(other) => {
                return Err(D::Error::custom(format!(
                    "`name` must be a string, found {other}"
                )));
            }
            None => return Err(D::Error::custom("a layer has no `name`")),
        };
        let ctx = |e: serde_json::Error| D::Error::custom(format!("layer `{name}`: {e}"));
        let precision = match map.remove("precision") {
            Some(v) => serde_json::from_value(v).map_err(ctx)?,
            None => Precision::default(),
        };
        let mut knobs = serde_json::Map::new();
        for key in &COMMON_KEYS[2..] {
            if let Some(v) = map.remove(*key) {
                knobs.insert((*key).into(), v);
            }
        }
        let hls: HlsKnobs = serde_json::from_value(knobs.into()).map_err(ctx)?;
        let kind = match map.get("kind") {
            Some(serde_json::Value::String(k)) => k.clone(),
            Some(other) => {
                return Err(D::Error::custom(format!(
                    "layer `{name}`: `kind` must be a string such as \"Dense\", found {other}"
                )));
            }
            None => {
                return Err(D::Error::custom(format!(
                    "layer `{name}` has no `kind`; use one of {}",
                    Op::all_kinds()
                )));
            }
        };
        // Activations are read on their own so that a wrong key is reported against their
        // keys (the `Op` enum reads them as an untagged variant, whose errors say less).
        let op = if Activation::KINDS.contains(&kind.as_str()) {
            Op::Activation(serde_json::from_value(map.into()).map_err(ctx)?)
        } else if Op::STRUCTURAL_KINDS.contains(&kind.as_str()) {
            serde_json::from_value::<Structural>(map.into())
                .map_err(ctx)?
                .into()
        } else {
            return Err(D::Error::custom(format!(
                "layer `{name}`: unknown layer kind `{kind}`; use one of {}",
                Op::all_kinds()
            )));
        };
        Ok(Layer {
            name,
            op,
            precision,
            hls,
        })
    }
}
