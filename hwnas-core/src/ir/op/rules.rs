//! What a layer kind tells the IR: its output shape, its weight tensors, its MAC count and its
//! fixed-point types. Each kind implements [`OpRules`] in its own module; [`Op::rules`]
//! (one `match`) finds it, and [`Network::analyze`](crate::ir::Network::analyze) only asks.

use super::{AxisWindow, Op, Padding};
use crate::fixed::FixedType;
use crate::ir::analysis::LayerTypes;
use crate::ir::layer::Precision;
use crate::ir::preset::TypePreset;

/// A shape rule's answer: the output shape and the window geometry per spatial axis, or why
/// the input cannot flow through the layer.
pub(crate) type ShapeResult = Result<(Vec<usize>, Vec<AxisWindow>), String>;

/// The IR rules of one layer kind.
pub(crate) trait OpRules {
    /// Output shape and window geometry for the (channels-last) input shape, or why it cannot
    /// flow.
    fn infer_shape(&self, input: &[usize]) -> ShapeResult;

    /// The weight tensors the layer needs, `(parameter, shape)`, for an input shape that passed
    /// [`infer_shape`](Self::infer_shape).
    fn weight_shapes(&self, _input: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        Vec::new()
    }

    /// Multiplications per inference for `outputs` output values, or why the count overflows.
    fn macs(&self, _input: &[usize], _outputs: usize) -> Result<usize, String> {
        Ok(0)
    }

    /// The layer's resolved types, or why its `precision` object cannot apply.
    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String>;
}

/// What type resolution knows of a layer and its place in the network.
pub(crate) struct TypeCx<'a> {
    /// The layer's `precision` object.
    pub precision: &'a Precision,
    /// The network's `default_precision`.
    pub default: FixedType,
    /// The network's type preset.
    pub preset: TypePreset,
    /// The incoming values' type.
    pub input: FixedType,
    /// The incoming values' shape.
    pub in_shape: &'a [usize],
    /// hls4ml folds this (BatchNorm) layer into the Dense/Conv before it.
    pub fused: bool,
}

impl TypeCx<'_> {
    /// The result type of a layer that moves data when `precision.result` is unset: the input
    /// type, except under hls4ml's `model` granularity, which sets every type.
    pub fn moved(&self) -> FixedType {
        match self.preset {
            TypePreset::Model => self.default,
            _ => self.input,
        }
    }

    /// Refuses a type set on a tensor the layer does not have.
    pub fn refuse(&self, field: &str, set: bool, why: &str) -> Result<(), String> {
        if set {
            return Err(format!("`precision.{field}` is set but {why}; remove it"));
        }
        Ok(())
    }

    /// Refuses weight, bias and accumulator types on a layer that only has a result.
    pub fn result_only(&self, why: &str) -> Result<(), String> {
        let p = self.precision;
        self.refuse(
            "weight/bias/accum",
            p.weight.is_some() || p.bias.is_some() || p.accum.is_some(),
            why,
        )
    }

    /// The types of a layer that only moves data: its result is its input type (or the
    /// default under hls4ml's `model` granularity) unless set.
    pub fn moved_types(&self) -> Result<LayerTypes, String> {
        self.result_only("this layer only moves data and has only a result type")?;
        Ok(self.plain(self.precision.result.unwrap_or_else(|| self.moved())))
    }

    /// The types of a layer with only an input and a result.
    pub fn plain(&self, result: FixedType) -> LayerTypes {
        LayerTypes {
            input: self.input,
            weight: None,
            bias: None,
            accum: None,
            result,
            param: None,
        }
    }
}

impl Op {
    /// The IR rules of this layer's kind: the one place that maps an operation to its module.
    pub(crate) fn rules(&self) -> Box<dyn OpRules + '_> {
        use super::pool::{Avg, Max};
        use super::reshape::Flatten;
        match self {
            Op::Dense(x) => Box::new(x),
            Op::Conv1D(x) => Box::new(x),
            Op::Conv2D(x) => Box::new(x),
            Op::MaxPool1D(x) => Box::new(Max(x)),
            Op::MaxPool2D(x) => Box::new(Max(x)),
            Op::AvgPool1D(x) => Box::new(Avg(x)),
            Op::AvgPool2D(x) => Box::new(Avg(x)),
            Op::BatchNorm(x) => Box::new(x),
            Op::Flatten(_) => Box::new(Flatten),
            Op::UpSampling1D(x) => Box::new(x),
            Op::UpSampling2D(x) => Box::new(x),
            Op::ZeroPadding1D(x) => Box::new(x),
            Op::ZeroPadding2D(x) => Box::new(x),
            Op::Activation(a) => Box::new(a.rules()),
        }
    }
}

impl<T: OpRules + ?Sized> OpRules for &T {
    fn infer_shape(&self, input: &[usize]) -> ShapeResult {
        (**self).infer_shape(input)
    }
    fn weight_shapes(&self, input: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        (**self).weight_shapes(input)
    }
    fn macs(&self, input: &[usize], outputs: usize) -> Result<usize, String> {
        (**self).macs(input, outputs)
    }
    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        (**self).resolve_types(cx)
    }
}

/// Refuses a zero size, naming the field.
pub(crate) fn positive(values: &[(&str, usize)]) -> Result<(), String> {
    match values.iter().find(|(_, v)| *v == 0) {
        Some((name, _)) => Err(format!("`{name}` must be at least 1")),
        None => Ok(()),
    }
}

/// Refuses an input of another rank, saying how to fix the network.
pub(crate) fn need_rank(shape: &[usize], rank: usize, what: &str) -> Result<(), String> {
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

/// One axis of a conv/pool window, or why it does not fit.
pub(crate) fn window(
    axis: &str,
    input: usize,
    kernel: usize,
    stride: usize,
    padding: Padding,
) -> Result<AxisWindow, String> {
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
pub(crate) fn upsampled(axis: &str, input: usize, size: usize) -> Result<usize, String> {
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
) -> Result<usize, String> {
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

/// The MACs of a layer that sums `terms` products per output.
pub(crate) fn kernel_macs(outputs: usize, terms: usize) -> Result<usize, String> {
    outputs.checked_mul(terms).ok_or_else(|| {
        format!(
            "the MAC count overflows: {outputs} outputs x {terms} terms does not fit usize; \
             make the layer smaller"
        )
    })
}

/// Refuses a product of window sizes that overflows.
pub(crate) fn checked_terms(terms: Option<usize>) -> Result<usize, String> {
    terms.ok_or_else(|| {
        "the number of terms per output (kernel x input channels) overflows usize; use a \
         smaller kernel"
            .into()
    })
}

/// The shape of a layer that keeps its input's shape.
pub(crate) fn same_shape(input: &[usize]) -> ShapeResult {
    Ok((input.to_vec(), vec![]))
}
