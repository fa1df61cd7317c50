//! hwnas's own settings in a model's `metadata_props`: what ONNX has no place for (HLS knobs,
//! accumulator types, the exact rounding and overflow modes of types, activation table
//! settings, the type preset). The export writes them; the import applies them only where the
//! graph agrees (a type's width, integer bits and sign must match the graph's `Quant`, an
//! activation's kind the node's), so a model edited after the export is read as the graph says.

use std::collections::HashMap;

use hwnas_core::fixed::FixedType;
use hwnas_core::ir::{
    Activation, HlsKnobs, Layer, LayerTypes, Network, Op, Padding, Precision, TypePreset,
};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::proto::StringStringEntryProto;

/// The key of the network's settings.
const NETWORK_KEY: &str = "hwnas.network";
/// The prefix of a layer's settings.
const LAYER_PREFIX: &str = "hwnas.layer.";

/// The network's settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct NetworkMeta {
    name: String,
    input_type: FixedType,
    default_precision: FixedType,
    type_preset: TypePreset,
}

/// One layer's settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct LayerMeta {
    precision: Precision,
    hls: HlsKnobs,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    activation: Option<Activation>,
    /// A window op's padding, for when `same` and `valid` pad alike (the graph cannot tell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    padding: Option<Padding>,
    /// Whether a pooling layer gives its stride although it equals the window.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    stride_given: bool,
}

/// The settings read from a model (empty for a model hwnas did not write).
#[derive(Debug, Clone, Default)]
pub(crate) struct Meta {
    /// The network's name.
    pub name: Option<String>,
    /// The input type.
    pub input_type: Option<FixedType>,
    /// The default type.
    pub default_precision: Option<FixedType>,
    /// The type preset.
    pub type_preset: Option<TypePreset>,
    layers: HashMap<String, LayerMeta>,
}

impl Meta {
    /// Reads the settings among `props`.
    pub(crate) fn read(props: &[StringStringEntryProto]) -> Result<Self> {
        let bad = |key: &str, e: serde_json::Error| {
            Error::Graph(format!(
                "the metadata `{key}` is not hwnas's ({e}); remove it or re-export the model"
            ))
        };
        let mut meta = Meta::default();
        for p in props {
            if p.key == NETWORK_KEY {
                let n: NetworkMeta = serde_json::from_str(&p.value).map_err(|e| bad(&p.key, e))?;
                meta.name = Some(n.name);
                meta.input_type = Some(n.input_type);
                meta.default_precision = Some(n.default_precision);
                meta.type_preset = Some(n.type_preset);
            } else if let Some(layer) = p.key.strip_prefix(LAYER_PREFIX) {
                let l: LayerMeta = serde_json::from_str(&p.value).map_err(|e| bad(&p.key, e))?;
                meta.layers.insert(layer.to_string(), l);
            }
        }
        Ok(meta)
    }

    /// The settings of `net` as metadata entries.
    pub(crate) fn write(net: &Network) -> Vec<StringStringEntryProto> {
        let mut out = vec![StringStringEntryProto {
            key: NETWORK_KEY.into(),
            value: json(&NetworkMeta {
                name: net.name.clone(),
                input_type: net.input_type,
                default_precision: net.default_precision,
                type_preset: net.type_preset,
            }),
        }];
        for l in &net.layers {
            let activation = match &l.op {
                Op::Activation(a) => Some(a.clone()),
                _ => None,
            };
            let padding = match &l.op {
                Op::Conv1D(c) => Some(c.padding),
                Op::Conv2D(c) => Some(c.padding),
                Op::MaxPool1D(p) | Op::AvgPool1D(p) => Some(p.padding),
                Op::MaxPool2D(p) | Op::AvgPool2D(p) => Some(p.padding),
                _ => None,
            };
            let stride_given = match &l.op {
                Op::MaxPool1D(p) | Op::AvgPool1D(p) => p.stride.is_some(),
                Op::MaxPool2D(p) | Op::AvgPool2D(p) => p.stride.is_some(),
                _ => false,
            };
            out.push(StringStringEntryProto {
                key: format!("{LAYER_PREFIX}{}", l.name),
                value: json(&LayerMeta {
                    precision: l.precision.clone(),
                    hls: l.hls,
                    activation,
                    padding,
                    stride_given,
                }),
            });
        }
        out
    }

    /// The padding hwnas wrote for the window op `layer`, if any.
    pub(crate) fn padding(&self, layer: &str) -> Option<Padding> {
        self.layers.get(layer).and_then(|m| m.padding)
    }

    /// Leaves unset the types hwnas's metadata says were unset, where the graph's `Quant` gives
    /// exactly the type the network resolves without it (the export writes every resolved
    /// type, so that the graph alone states the arithmetic).
    pub(crate) fn unset_resolved(&self, net: &mut Network) -> Result<()> {
        for i in 0..net.layers.len() {
            let Some(m) = self.layers.get(&net.layers[i].name) else {
                continue;
            };
            let kernel = net.layers[i].op.has_kernel();
            for slot in Slot::ALL {
                let meta = slot.get(&m.precision);
                let graph = slot.get(&net.layers[i].precision);
                let (Some(t), None) = (graph, meta) else {
                    continue;
                };
                if !slot.in_graph(kernel) {
                    continue;
                }
                *slot.get_mut(&mut net.layers[i].precision) = None;
                let resolved = slot.resolved(&net.analyze()?.layers[i].types);
                // A Quant carries the type up to the modes it cannot say (AP_WRAP reads back as
                // AP_SAT): the resolved type is the graph's when their Quant parameters agree.
                let same = resolved.is_some_and(|r| {
                    crate::quant::quant_params(&r) == crate::quant::quant_params(&t)
                });
                if !same {
                    *slot.get_mut(&mut net.layers[i].precision) = Some(t);
                }
            }
        }
        Ok(())
    }

    /// Whether the metadata describes `layer` (the model was written by hwnas).
    pub(crate) fn describes(&self, layer: &str) -> bool {
        self.layers.contains_key(layer)
    }

    /// Whether hwnas wrote the pooling layer `layer` with an explicit stride.
    pub(crate) fn stride_given(&self, layer: &str) -> bool {
        self.layers.get(layer).is_some_and(|m| m.stride_given)
    }

    /// `t` with the exact modes of `exact` when both have the same width, integer bits and
    /// sign (a `Quant` node carries only those and two of the modes).
    pub(crate) fn refine(t: FixedType, exact: Option<FixedType>) -> FixedType {
        match exact {
            Some(e) if (e.width, e.integer, e.signed) == (t.width, t.integer, t.signed) => e,
            _ => t,
        }
    }

    /// Applies the settings of `layer` where the graph agrees with them.
    pub(crate) fn apply(&self, layer: &mut Layer) {
        let Some(m) = self.layers.get(&layer.name) else {
            return;
        };
        layer.hls = m.hls;
        // Dense/Conv weights and biases, and every result, are `Quant` nodes in the graph: the
        // metadata only refines their modes. BatchNorm's types have no node: the metadata
        // gives them.
        let kernel = layer.op.has_kernel();
        for slot in Slot::ALL {
            let meta = slot.get(&m.precision);
            let graph = slot.get_mut(&mut layer.precision);
            match graph {
                Some(g) => *g = Meta::refine(*g, meta),
                None if !slot.in_graph(kernel) => *graph = meta,
                None => {}
            }
        }
        // ONNX has no accumulator; the metadata is the only place it travels.
        let p = &mut layer.precision;
        p.accum = p.accum.or(m.precision.accum);
        if let (Op::Activation(a), Some(b)) = (&mut layer.op, &m.activation)
            && a.kind() == b.kind()
        {
            *a = b.clone();
        }
    }
}

/// One of the types a `Quant` carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Weight,
    Bias,
    Result,
}

impl Slot {
    const ALL: [Slot; 3] = [Slot::Weight, Slot::Bias, Slot::Result];

    /// Whether the export writes this type as a `Quant` of a layer (`kernel`: a Dense/Conv).
    fn in_graph(self, kernel: bool) -> bool {
        kernel || self == Slot::Result
    }

    /// The type the network resolves for the slot.
    fn resolved(self, types: &LayerTypes) -> Option<FixedType> {
        match self {
            Slot::Weight => types.weight,
            Slot::Bias => types.bias,
            Slot::Result => Some(types.result),
        }
    }

    fn get(self, p: &Precision) -> Option<FixedType> {
        match self {
            Slot::Weight => p.weight,
            Slot::Bias => p.bias,
            Slot::Result => p.result,
        }
    }

    fn get_mut(self, p: &mut Precision) -> &mut Option<FixedType> {
        match self {
            Slot::Weight => &mut p.weight,
            Slot::Bias => &mut p.bias,
            Slot::Result => &mut p.result,
        }
    }
}

/// The JSON of a metadata value.
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("metadata values serialise")
}
