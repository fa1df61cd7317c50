//! Validation and inference: shapes, weight shapes, fixed-point types, parameter and MAC counts.

use super::network::Network;
use super::op::{AxisWindow, TypeCx};
use crate::fixed::FixedType;
use crate::{Error, Result};

/// The most elements a tensor (activations or weights) of a network may have: the generated
/// firmware and its testbench index tensors with 32-bit `int`s and size them with `unsigned`
/// constants. [`Network::analyze`] refuses larger tensors.
pub const MAX_ELEMENTS: usize = i32::MAX as usize;

/// The resolved fixed-point types of one layer.
///
/// Rules for types the document leaves unset (those of hls4ml, `specs/hls4ml-reference.md` 3.4):
/// * `weight`, `bias` (Dense, Conv, BatchNorm) and `result` of computing layers: the network's
///   `default_precision`;
/// * `accum` of Dense/Conv: the lossless accumulator (`W = Wi + Ww + ceil(log2 n)`, same for `I`,
///   widened for the bias), so sums are exact; of average pooling: input widened by the pool size;
/// * `result` of layers that only move data (max pooling, flatten, padding, upsampling): the
///   input type.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerTypes {
    /// Type of the incoming values (the previous layer's result, or `input_t`).
    pub input: FixedType,
    /// Weights (Dense/Conv) or the BatchNorm scale.
    pub weight: Option<FixedType>,
    /// Biases (Dense/Conv with bias, BatchNorm).
    pub bias: Option<FixedType>,
    /// Accumulator (Dense, Conv, average pooling).
    pub accum: Option<FixedType>,
    /// Output.
    pub result: FixedType,
    /// The type LeakyReLU's `alpha` is quantised to (hls4ml's `param_t`).
    pub param: Option<FixedType>,
}

/// What [`Network::analyze`] found out about one layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerInfo {
    /// Input shape (channels-last).
    pub input_shape: Vec<usize>,
    /// Output shape (channels-last).
    pub output_shape: Vec<usize>,
    /// Stored numbers (weights, biases, BatchNorm statistics).
    pub params: usize,
    /// Multiplications per inference (Dense, Conv, BatchNorm).
    pub macs: usize,
    /// Resolved fixed-point types.
    pub types: LayerTypes,
    /// Per spatial axis, the output length and padding of conv/pool windows (empty otherwise).
    pub windows: Vec<AxisWindow>,
    /// The weight tensors the layer needs: `(parameter, shape)`.
    pub weight_shapes: Vec<(&'static str, Vec<usize>)>,
}

/// The validated view of a whole network.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// One entry per layer, in order.
    pub layers: Vec<LayerInfo>,
    /// The network's input shape.
    pub input_shape: Vec<usize>,
    /// The network's input type.
    pub input_type: FixedType,
}

impl Analysis {
    /// Shape of the network's output.
    pub fn output_shape(&self) -> &[usize] {
        self.layers
            .last()
            .map_or(&self.input_shape, |l| &l.output_shape)
    }

    /// Type of the network's output (`result_t`).
    pub fn output_type(&self) -> FixedType {
        self.layers
            .last()
            .map_or(self.input_type, |l| l.types.result)
    }

    /// Sum of the layers' parameters.
    pub fn total_params(&self) -> usize {
        self.layers.iter().map(|l| l.params).sum()
    }

    /// Sum of the layers' multiplications per inference.
    pub fn total_macs(&self) -> usize {
        self.layers.iter().map(|l| l.macs).sum()
    }
}

impl Network {
    /// Validates the network and infers every layer's shapes, types and counts.
    ///
    /// # Errors
    /// * [`Error::InvalidNetwork`]: empty network, bad input shape, bad network name;
    /// * [`Error::InvalidLayer`] naming the layer: a shape that cannot flow (and why), zero sizes,
    ///   duplicate or non-C names, names the generated C++ cannot use (keywords, reserved
    ///   identifiers, names the HLS project defines), a type set on a tensor the layer does not
    ///   have, a type or exact intermediate wider than [`MAX_WIDTH`](crate::fixed::MAX_WIDTH) bits,
    ///   a zero reuse factor;
    /// * [`Error::InvalidLayer`] or [`Error::InvalidNetwork`]: a shape, parameter or MAC count
    ///   that overflows `usize`, a tensor of more than [`MAX_ELEMENTS`] elements;
    /// * [`Error::Weights`]: a weight tensor that is missing, unexpected, of the wrong shape or
    ///   holding a NaN or infinite value (only when the network carries weights).
    pub fn analyze(&self) -> Result<Analysis> {
        self.check_names_and_input()?;
        let mut shape = self.input_shape.clone();
        let mut ty = self.input_type;
        let mut layers = Vec::with_capacity(self.layers.len());
        // Running totals, checked so that `total_params` and `total_macs` cannot overflow.
        let (mut total_params, mut total_macs) = (0usize, 0usize);
        for (index, layer) in self.layers.iter().enumerate() {
            let fail = |reason: String| Error::InvalidLayer {
                index,
                layer: layer.name.clone(),
                kind: layer.op.kind().into(),
                reason,
            };
            if layer.hls.reuse_factor == 0 {
                return Err(fail(
                    "reuse_factor must be at least 1 (1 = fully parallel)".into(),
                ));
            }
            let rules = layer.op.rules();
            let (output_shape, windows) = rules.infer_shape(&shape).map_err(fail)?;
            let outputs = check_elements(&output_shape)
                .map_err(|why| fail(format!("the output shape {output_shape:?} {why}")))?;
            let weight_shapes = rules.weight_shapes(&shape);
            let mut params = 0usize;
            for (param, s) in &weight_shapes {
                let n = check_elements(s).map_err(|why| {
                    fail(format!(
                        "tensor `{}.{param}` of shape {s:?} {why}",
                        layer.name
                    ))
                })?;
                params = params.checked_add(n).ok_or_else(|| {
                    fail("the parameter count overflows usize; make the layer smaller".into())
                })?;
            }
            let macs = rules.macs(&shape, outputs).map_err(fail)?;
            let cx = TypeCx {
                precision: &layer.precision,
                default: self.default_precision,
                preset: self.type_preset,
                input: ty,
                in_shape: &shape,
                fused: self.batchnorm_is_fused(index),
            };
            let types = rules.resolve_types(&cx).map_err(fail)?;
            total_params = total_params.checked_add(params).ok_or_else(|| {
                Error::InvalidNetwork(format!(
                    "the network's total parameter count overflows usize at layer {index} `{}`; \
                     make the network smaller",
                    layer.name
                ))
            })?;
            total_macs = total_macs.checked_add(macs).ok_or_else(|| {
                Error::InvalidNetwork(format!(
                    "the network's total MACs overflow usize at layer {index} `{}`; make the \
                     network smaller",
                    layer.name
                ))
            })?;
            let input_shape = std::mem::replace(&mut shape, output_shape.clone());
            ty = types.result;
            layers.push(LayerInfo {
                input_shape,
                output_shape,
                params,
                macs,
                types,
                windows,
                weight_shapes,
            });
        }
        let analysis = Analysis {
            layers,
            input_shape: self.input_shape.clone(),
            input_type: self.input_type,
        };
        if self.has_weights() {
            self.check_weights(&analysis)?;
        }
        Ok(analysis)
    }

    fn check_weights(&self, analysis: &Analysis) -> Result<()> {
        let mut expected = std::collections::BTreeSet::new();
        for (layer, info) in self.layers.iter().zip(&analysis.layers) {
            for (param, shape) in &info.weight_shapes {
                let key = format!("{}.{}", layer.name, param);
                match self.weights.get(&key) {
                    None => {
                        return Err(Error::Weights(format!(
                            "layer `{}` ({}) needs tensor `{key}` of shape {shape:?}, which is \
                             missing",
                            layer.name,
                            layer.op.kind()
                        )));
                    }
                    Some(t) if &t.shape != shape => {
                        return Err(Error::Weights(format!(
                            "tensor `{key}` has shape {:?} but layer `{}` ({}) with input {:?} \
                             needs {shape:?} (channels-last layout, see docs/ir.md)",
                            t.shape,
                            layer.name,
                            layer.op.kind(),
                            info.input_shape
                        )));
                    }
                    Some(t) => {
                        // `Tensor`'s fields are public: its data may not match its shape.
                        let n: usize = shape.iter().product();
                        if t.data.len() != n {
                            return Err(Error::Weights(format!(
                                "tensor `{key}` of shape {shape:?} needs {n} values but holds \
                                 {}; build it with Tensor::new",
                                t.data.len()
                            )));
                        }
                        if let Some((i, v)) =
                            t.data.iter().enumerate().find(|(_, v)| !v.is_finite())
                        {
                            return Err(Error::Weights(format!(
                                "tensor `{key}` holds {v} at index {i} (flat, row-major, shape \
                                 {shape:?}); weights must be finite: fix or retrain the model \
                                 that produced them"
                            )));
                        }
                    }
                }
                expected.insert(key);
            }
        }
        if let Some(extra) = self.weights.keys().find(|k| !expected.contains(*k)) {
            return Err(Error::Weights(format!(
                "tensor `{extra}` belongs to no layer parameter; expected names are \
                 `<layer>.weight`, `<layer>.bias` and, for BatchNorm, `<layer>.gamma`, `.beta`, \
                 `.mean`, `.variance`"
            )));
        }
        Ok(())
    }
}

/// The number of elements of `shape`, or why a tensor of that shape cannot exist.
pub(crate) fn check_elements(shape: &[usize]) -> std::result::Result<usize, String> {
    let n = shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .ok_or_else(|| "has more elements than usize holds".to_string())?;
    if n > MAX_ELEMENTS {
        return Err(format!(
            "has {n} elements; the firmware indexes tensors with 32-bit `int`s, so at most \
             {MAX_ELEMENTS} (2^31 - 1) are allowed: make it smaller"
        ));
    }
    Ok(n)
}

/// Checks that the network's input tensor can exist in the firmware ([`MAX_ELEMENTS`]).
pub(super) fn check_input_elements(shape: &[usize]) -> Result<()> {
    check_elements(shape)
        .map(|_| ())
        .map_err(|why| Error::InvalidNetwork(format!("the input shape {shape:?} {why}")))
}
