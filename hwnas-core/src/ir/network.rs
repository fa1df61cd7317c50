//! The network: input, ordered layers, default precision and weights.

use std::collections::BTreeSet;

use super::layer::Layer;
use super::weights::Weights;
use crate::fixed::FixedType;
use crate::{Error, Result};

/// A sequential network in channels-last layout, as the firmware computes it.
///
/// Build one in code, or load the JSON document with [`Network::load`] (schema in `docs/ir.md`).
/// [`Network::analyze`] validates it and infers every shape, type and count.
///
/// ```
/// use hwnas_core::ir::{Dense, Layer, Network, NoParams, Op};
///
/// let net = Network::new("tiny", vec![16], "ap_fixed<16,6>".parse()?)
///     .with_layer(Layer::new("fc1", Op::Dense(Dense { units: 8, use_bias: true })))
///     .with_layer(Layer::new("relu1", Op::ReLU(NoParams {})))
///     .with_layer(Layer::new("out", Op::Dense(Dense { units: 1, use_bias: true })));
/// let a = net.analyze()?;
/// assert_eq!(a.output_shape(), &[1]);
/// assert_eq!(a.total_params(), 16 * 8 + 8 + 8 + 1);
/// assert_eq!(a.total_macs(), 16 * 8 + 8);
/// # Ok::<(), hwnas_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// Name of the network (a C identifier: the HLS top function is named after it).
    pub name: String,
    /// Input shape, channels-last: `[n]`, `[length, channels]` or `[height, width, channels]`.
    pub input_shape: Vec<usize>,
    /// Fixed-point type of the input (`input_t`).
    pub input_type: FixedType,
    /// Type used where a layer leaves a weight, bias or result type unset.
    pub default_precision: FixedType,
    /// The layers, in order.
    pub layers: Vec<Layer>,
    /// Float weights, keyed `"<layer>.<parameter>"`; empty for an architecture-only network.
    pub weights: Weights,
}

impl Network {
    /// A network with no layers; `input_type` is also the default precision.
    pub fn new(name: impl Into<String>, input_shape: Vec<usize>, input_type: FixedType) -> Self {
        Network {
            name: name.into(),
            input_shape,
            input_type,
            default_precision: input_type,
            layers: Vec::new(),
            weights: Weights::new(),
        }
    }

    /// The same network with one more layer at the end.
    pub fn with_layer(mut self, layer: Layer) -> Self {
        self.layers.push(layer);
        self
    }

    /// The same network with another default precision.
    pub fn with_default_precision(mut self, t: FixedType) -> Self {
        self.default_precision = t;
        self
    }

    /// Whether the network carries weights (else it only describes an architecture).
    pub fn has_weights(&self) -> bool {
        !self.weights.is_empty()
    }

    /// The layer called `name`.
    pub fn layer(&self, name: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.name == name)
    }

    /// Network-level checks that do not need shapes: names and input.
    pub(super) fn check_names_and_input(&self) -> Result<()> {
        if !is_c_identifier(&self.name) {
            return Err(Error::InvalidNetwork(format!(
                "the network name `{}` must be a C identifier ([A-Za-z_][A-Za-z0-9_]*): it names \
                 the HLS top function",
                self.name
            )));
        }
        if self.input_shape.is_empty() || self.input_shape.len() > 3 {
            return Err(Error::InvalidNetwork(format!(
                "the input shape {:?} must have 1 to 3 dimensions: [n], [length, channels] or \
                 [height, width, channels]",
                self.input_shape
            )));
        }
        if self.input_shape.contains(&0) {
            return Err(Error::InvalidNetwork(format!(
                "the input shape {:?} has a zero dimension",
                self.input_shape
            )));
        }
        if self.layers.is_empty() {
            return Err(Error::InvalidNetwork(
                "the network has no layers; add at least one".into(),
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, layer) in self.layers.iter().enumerate() {
            if !is_c_identifier(&layer.name) {
                return Err(Error::InvalidLayer {
                    index: i,
                    layer: layer.name.clone(),
                    kind: layer.op.kind().into(),
                    reason: "the name must be a C identifier ([A-Za-z_][A-Za-z0-9_]*): it names \
                             arrays and types in the HLS project"
                        .into(),
                });
            }
            if !seen.insert(layer.name.as_str()) {
                return Err(Error::InvalidLayer {
                    index: i,
                    layer: layer.name.clone(),
                    kind: layer.op.kind().into(),
                    reason: "another layer already has this name; names must be unique".into(),
                });
            }
        }
        Ok(())
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`, and not a name the generated C++ reserves.
pub(crate) fn is_c_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
