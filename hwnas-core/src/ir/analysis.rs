//! Validation and inference: shapes, weight shapes, fixed-point types, parameter and MAC counts.

use super::layer::Layer;
use super::network::Network;
use super::op::{AxisWindow, Op, Padding};
use super::preset::{TypePreset, hls4ml_constant_type, hwnas_alpha_type};
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
            let (output_shape, windows) = infer_shape(&layer.op, &shape).map_err(fail)?;
            check_elements(&output_shape)
                .map_err(|why| fail(format!("the output shape {output_shape:?} {why}")))?;
            let weight_shapes = weight_shapes(&layer.op, &shape);
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
            let macs = count_macs(&layer.op, &shape, &output_shape).map_err(fail)?;
            let types = self.resolve_types(index, layer, ty, &shape).map_err(fail)?;
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

    /// Resolves the layer's types, or says why its `precision` object cannot apply.
    fn resolve_types(
        &self,
        index: usize,
        layer: &Layer,
        input: FixedType,
        in_shape: &[usize],
    ) -> std::result::Result<LayerTypes, String> {
        let p = &layer.precision;
        let d = self.default_precision;
        let preset = self.type_preset;
        // hls4ml's `model` granularity sets every type, data movement included.
        let moved = |input: FixedType| match preset {
            TypePreset::Model => d,
            _ => input,
        };
        let unused =
            |field: &str, why: &str| format!("`precision.{field}` is set but {why}; remove it");
        let types =
            match &layer.op {
                Op::Dense(_) | Op::Conv1D(_) | Op::Conv2D(_) => {
                    let use_bias = match &layer.op {
                        Op::Dense(x) => x.use_bias,
                        Op::Conv1D(x) => x.use_bias,
                        Op::Conv2D(x) => x.use_bias,
                        _ => unreachable!("matched above"),
                    };
                    if !use_bias && p.bias.is_some() {
                        return Err(unused("bias", "the layer has `use_bias: false`"));
                    }
                    let weight = p.weight.unwrap_or(d);
                    let bias = use_bias.then(|| p.bias.unwrap_or(d));
                    let n_terms = kernel_terms(&layer.op, in_shape)?;
                    let lossless = |bias: Option<&FixedType>| {
                        FixedType::lossless_accumulator(&input, &weight, bias, n_terms)
                            .map_err(|e| e.to_string())
                    };
                    let (accum, result) = match preset {
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
                    LayerTypes {
                        input,
                        weight: Some(weight),
                        bias,
                        accum: Some(accum),
                        result,
                        param: None,
                    }
                }
                Op::BatchNorm(_) => {
                    if p.accum.is_some() {
                        return Err(unused("accum", "BatchNorm has no accumulator"));
                    }
                    let (scale, bias) = (p.weight.unwrap_or(d), p.bias.unwrap_or(d));
                    let result = match (preset, p.result) {
                        // Folded away: the Dense/Conv layer's result flows on.
                        (TypePreset::Name, _) if self.batchnorm_is_fused(index) => input,
                        (_, Some(r)) => r,
                        // hls4ml's exact type of `x * scale + bias`: a one-term lossless sum.
                        (TypePreset::Name, None) => {
                            FixedType::lossless_accumulator(&input, &scale, Some(&bias), 1)
                                .map_err(|e| {
                                    format!(
                                        "hls4ml's exact result type of x * scale + bias: {e}; set \
                                     `precision.result`"
                                    )
                                })?
                        }
                        (_, None) => d,
                    };
                    LayerTypes {
                        input,
                        weight: Some(scale),
                        bias: Some(bias),
                        accum: None,
                        result,
                        param: None,
                    }
                }
                Op::AvgPool1D(_) | Op::AvgPool2D(_) => {
                    if p.weight.is_some() || p.bias.is_some() {
                        return Err(unused("weight/bias", "average pooling has no weights"));
                    }
                    let pool = match &layer.op {
                        Op::AvgPool1D(x) => x.pool,
                        Op::AvgPool2D(x) => x.pool[0].checked_mul(x.pool[1]).ok_or_else(|| {
                            format!(
                                "the pool window {} x {} has more elements than usize holds; use a \
                             smaller `pool`",
                                x.pool[0], x.pool[1]
                            )
                        })?,
                        _ => unreachable!("matched above"),
                    };
                    let accum = match (p.accum, preset) {
                        (Some(a), _) => a,
                        (None, TypePreset::Hwnas) => FixedType::avg_pool_accumulator(&input, pool)
                            .map_err(|e| e.to_string())?,
                        (None, _) => d,
                    };
                    LayerTypes {
                        input,
                        weight: None,
                        bias: None,
                        accum: Some(accum),
                        result: p.result.unwrap_or_else(|| moved(input)),
                        param: None,
                    }
                }
                Op::ReLU(_) | Op::LeakyReLU(_) => {
                    if p.weight.is_some() || p.bias.is_some() || p.accum.is_some() {
                        return Err(unused(
                            "weight/bias/accum",
                            "an activation only has a result type",
                        ));
                    }
                    let param = match &layer.op {
                        Op::LeakyReLU(l) => Some(match preset {
                            TypePreset::Hwnas => hwnas_alpha_type(l.alpha),
                            TypePreset::Name => hls4ml_constant_type(l.alpha),
                            TypePreset::Model => d,
                        }),
                        _ => None,
                    };
                    LayerTypes {
                        input,
                        weight: None,
                        bias: None,
                        accum: None,
                        result: p.result.unwrap_or(d),
                        param,
                    }
                }
                op => {
                    debug_assert!(op.is_data_movement());
                    if p.weight.is_some() || p.bias.is_some() || p.accum.is_some() {
                        return Err(unused(
                            "weight/bias/accum",
                            "this layer only moves data and has only a result type",
                        ));
                    }
                    if matches!(op, Op::Flatten(_)) && p.result.is_some_and(|r| r != input) {
                        return Err(format!(
                            "Flatten cannot change the type (its output is an alias of its input \
                         {input}); remove `precision.result` or set the type on the layer before"
                        ));
                    }
                    // Flatten is an alias of its input in the firmware, whatever the preset.
                    let unset = if matches!(op, Op::Flatten(_)) {
                        input
                    } else {
                        moved(input)
                    };
                    LayerTypes {
                        input,
                        weight: None,
                        bias: None,
                        accum: None,
                        result: p.result.unwrap_or(unset),
                        param: None,
                    }
                }
            };
        Ok(types)
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

/// Terms summed per output of a Dense/Conv layer (`n_in`, `k * c_in`, `kh * kw * c_in`), or
/// why the count overflows.
fn kernel_terms(op: &Op, in_shape: &[usize]) -> std::result::Result<usize, String> {
    let terms = match op {
        Op::Dense(_) => Some(in_shape[0]),
        Op::Conv1D(c) => c.kernel.checked_mul(in_shape[1]),
        Op::Conv2D(c) => c.kernel[0]
            .checked_mul(c.kernel[1])
            .and_then(|n| n.checked_mul(in_shape[2])),
        _ => Some(0),
    };
    terms.ok_or_else(|| {
        "the number of terms per output (kernel x input channels) overflows usize; use a \
         smaller kernel"
            .into()
    })
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

/// The weight tensors a layer needs, given an input shape that already passed [`infer_shape`].
fn weight_shapes(op: &Op, in_shape: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
    let channels = in_shape.last().copied().unwrap_or(0);
    let with_bias = |w: Vec<usize>, out: usize, bias: bool| {
        let mut v = vec![("weight", w)];
        if bias {
            v.push(("bias", vec![out]));
        }
        v
    };
    match op {
        Op::Dense(d) => with_bias(vec![in_shape[0], d.units], d.units, d.use_bias),
        Op::Conv1D(c) => with_bias(vec![c.kernel, channels, c.filters], c.filters, c.use_bias),
        Op::Conv2D(c) => with_bias(
            vec![c.kernel[0], c.kernel[1], channels, c.filters],
            c.filters,
            c.use_bias,
        ),
        Op::BatchNorm(_) => ["gamma", "beta", "mean", "variance"]
            .into_iter()
            .map(|p| (p, vec![channels]))
            .collect(),
        _ => Vec::new(),
    }
}

/// Multiplications per inference, or why the count overflows.
fn count_macs(
    op: &Op,
    in_shape: &[usize],
    out_shape: &[usize],
) -> std::result::Result<usize, String> {
    let out = check_elements(out_shape)?;
    match op {
        Op::Dense(_) | Op::Conv1D(_) | Op::Conv2D(_) => {
            let terms = kernel_terms(op, in_shape)?;
            out.checked_mul(terms).ok_or_else(|| {
                format!(
                    "the MAC count overflows: {out} outputs x {terms} terms does not fit usize; \
                     make the layer smaller"
                )
            })
        }
        Op::BatchNorm(_) => Ok(out),
        _ => Ok(0),
    }
}

fn need_rank(shape: &[usize], rank: usize, what: &str) -> std::result::Result<(), String> {
    if shape.len() == rank {
        return Ok(());
    }
    let fix = match (rank, shape.len()) {
        (1, _) => " add a Flatten before it",
        (2, 1) | (3, 1) => " its input is already flat; move the Flatten after it",
        (3, 2) => " use the 1-D variant of the layer",
        (2, 3) => " use the 2-D variant of the layer",
        _ => "",
    };
    Err(format!(
        "needs a {what} input but gets shape {shape:?} (rank {});{fix}",
        shape.len()
    ))
}

fn positive(values: &[(&str, usize)]) -> std::result::Result<(), String> {
    match values.iter().find(|(_, v)| *v == 0) {
        Some((name, _)) => Err(format!("`{name}` must be at least 1")),
        None => Ok(()),
    }
}

fn window(
    axis: &str,
    input: usize,
    kernel: usize,
    stride: usize,
    padding: Padding,
) -> std::result::Result<AxisWindow, String> {
    // `stride` and `input` are at least 1 here, so `resolve` fails only where a `valid`
    // window does not fit or the `same` padding overflows.
    padding
        .resolve(input, kernel, stride)
        .ok_or_else(|| match padding {
            Padding::Valid => format!(
                "the window of {kernel} does not fit the {axis} of {input} with `valid` \
                 padding; use a smaller window, `same` padding or a ZeroPadding layer before it"
            ),
            Padding::Same => format!(
                "the window of {kernel} with stride {stride} needs more `same` padding on the \
                 {axis} of {input} than usize holds; use a smaller window"
            ),
        })
}

/// `input * size` along `axis`, or why it overflows.
pub(crate) fn upsampled(
    axis: &str,
    input: usize,
    size: usize,
) -> std::result::Result<usize, String> {
    input.checked_mul(size).ok_or_else(|| {
        format!(
            "the output {axis} overflows: {input} x {size} does not fit usize; use a smaller \
             `size`"
        )
    })
}

/// `input + before + after` along `axis`, or why it overflows (`fields` names the settings).
pub(crate) fn padded(
    axis: &str,
    input: usize,
    before: usize,
    after: usize,
    fields: &str,
) -> std::result::Result<usize, String> {
    input
        .checked_add(before)
        .and_then(|n| n.checked_add(after))
        .ok_or_else(|| {
            format!(
                "the output {axis} overflows: {input} + {before} + {after} does not fit usize; \
                 use smaller `{fields}`"
            )
        })
}

/// Output shape and window geometry, or why the input shape cannot flow through the layer.
fn infer_shape(op: &Op, s: &[usize]) -> std::result::Result<(Vec<usize>, Vec<AxisWindow>), String> {
    let out = match op {
        Op::Dense(d) => {
            positive(&[("units", d.units)])?;
            need_rank(s, 1, "1-D [n]")?;
            (vec![d.units], vec![])
        }
        Op::Conv1D(c) => {
            positive(&[
                ("filters", c.filters),
                ("kernel", c.kernel),
                ("stride", c.stride),
            ])?;
            need_rank(s, 2, "2-D [length, channels]")?;
            let w = window("length", s[0], c.kernel, c.stride, c.padding)?;
            (vec![w.out, c.filters], vec![w])
        }
        Op::Conv2D(c) => {
            positive(&[
                ("filters", c.filters),
                ("kernel", c.kernel[0].min(c.kernel[1])),
                ("stride", c.stride[0].min(c.stride[1])),
            ])?;
            need_rank(s, 3, "3-D [height, width, channels]")?;
            let h = window("height", s[0], c.kernel[0], c.stride[0], c.padding)?;
            let w = window("width", s[1], c.kernel[1], c.stride[1], c.padding)?;
            (vec![h.out, w.out, c.filters], vec![h, w])
        }
        Op::MaxPool1D(p) | Op::AvgPool1D(p) => {
            let stride = p.stride.unwrap_or(p.pool);
            positive(&[("pool", p.pool), ("stride", stride)])?;
            need_rank(s, 2, "2-D [length, channels]")?;
            let w = window("length", s[0], p.pool, stride, p.padding)?;
            (vec![w.out, s[1]], vec![w])
        }
        Op::MaxPool2D(p) | Op::AvgPool2D(p) => {
            let stride = p.stride.unwrap_or(p.pool);
            positive(&[
                ("pool", p.pool[0].min(p.pool[1])),
                ("stride", stride[0].min(stride[1])),
            ])?;
            need_rank(s, 3, "3-D [height, width, channels]")?;
            let h = window("height", s[0], p.pool[0], stride[0], p.padding)?;
            let w = window("width", s[1], p.pool[1], stride[1], p.padding)?;
            (vec![h.out, w.out, s[2]], vec![h, w])
        }
        Op::BatchNorm(b) => {
            if !(b.epsilon.is_finite() && b.epsilon > 0.0) {
                return Err(format!("`epsilon` must be positive, got {}", b.epsilon));
            }
            (s.to_vec(), vec![])
        }
        Op::LeakyReLU(l) => {
            if !l.alpha.is_finite() {
                return Err(format!("`alpha` must be a finite number, got {}", l.alpha));
            }
            (s.to_vec(), vec![])
        }
        Op::ReLU(_) => (s.to_vec(), vec![]),
        Op::Flatten(_) => (vec![check_elements(s)?], vec![]),
        Op::UpSampling1D(u) => {
            positive(&[("size", u.size)])?;
            need_rank(s, 2, "2-D [length, channels]")?;
            (vec![upsampled("length", s[0], u.size)?, s[1]], vec![])
        }
        Op::UpSampling2D(u) => {
            positive(&[("size", u.size[0].min(u.size[1]))])?;
            need_rank(s, 3, "3-D [height, width, channels]")?;
            (
                vec![
                    upsampled("height", s[0], u.size[0])?,
                    upsampled("width", s[1], u.size[1])?,
                    s[2],
                ],
                vec![],
            )
        }
        Op::ZeroPadding1D(z) => {
            need_rank(s, 2, "2-D [length, channels]")?;
            (
                vec![
                    padded("length", s[0], z.left, z.right, "left`/`right")?,
                    s[1],
                ],
                vec![],
            )
        }
        Op::ZeroPadding2D(z) => {
            need_rank(s, 3, "3-D [height, width, channels]")?;
            (
                vec![
                    padded("height", s[0], z.top, z.bottom, "top`/`bottom")?,
                    padded("width", s[1], z.left, z.right, "left`/`right")?,
                    s[2],
                ],
                vec![],
            )
        }
    };
    Ok(out)
}
