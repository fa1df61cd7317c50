//! One module per layer kind of a space: its constructors, the decisions it offers, the
//! settings it reads and checks, and how it becomes an IR op with its precision. [`rules`] is
//! the table that finds them; a new kind is a module here and a row in that table.

mod activation;
mod batchnorm;
mod kernel;
mod pool;
mod reshape;

use super::decision::{Choice, DecisionKind};
use super::layer::{LayerKind, LayerSpec, PoolKind};
use super::spec::SpaceSpec;
use crate::Result;
use crate::fixed::FixedType;
use crate::ir::{AxisWindow, HlsKnobs, Op, Precision};

/// The options of one parameter of a layer, decision or not.
pub(crate) type Slot = (DecisionKind, Vec<Choice>);

/// A layout setting of [`LayerSpec`] that only some kinds read (the others must leave it at its
/// default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    /// `stride`.
    Stride,
    /// `size` (upsampling factors).
    Size,
    /// `pad` (zero padding).
    Pad,
}

impl Setting {
    /// Every setting.
    pub(crate) const ALL: [Setting; 3] = [Setting::Stride, Setting::Size, Setting::Pad];

    /// Whether `l` leaves the setting at its default.
    pub(crate) fn is_default(self, l: &LayerSpec) -> bool {
        match self {
            Setting::Stride => l.stride == 1,
            Setting::Size => l.size == [1, 1],
            Setting::Pad => l.pad == [0; 4],
        }
    }

    /// The error for `l`, whose kind does not read the setting, setting it.
    pub(crate) fn unused(self, l: &LayerSpec) -> String {
        let kind = l.kind_name();
        match self {
            Setting::Stride => format!(
                "stride = {} is set on a {kind} layer; only Conv1D and Conv2D have a stride, \
                 remove it",
                l.stride
            ),
            Setting::Size => format!(
                "upsampling size {:?} is set on a {kind} layer; only UpSampling layers have a \
                 size, remove it",
                l.size
            ),
            Setting::Pad => format!(
                "zero padding {:?} is set on a {kind} layer; only ZeroPadding layers pad, use a \
                 ZeroPadding layer before it",
                l.pad
            ),
        }
    }
}

/// What a space layer's kind decides: the trait behind [`rules`].
pub(crate) trait KindRules: Sync {
    /// The IR op of `l` at these option values (values a kind without such a decision ignores).
    fn op(&self, l: &LayerSpec, at: At) -> Op;

    /// The options of every parameter, in decision order.
    fn slots(&self, _l: &LayerSpec) -> Vec<Slot> {
        Vec::new()
    }

    /// The layout settings `l` reads (the others must keep their defaults).
    fn settings(&self, _l: &LayerSpec) -> &'static [Setting] {
        &[]
    }

    /// Checks the kind's own settings; the error says what is wrong and how to fix it.
    fn check(&self, _l: &LayerSpec) -> std::result::Result<(), String> {
        Ok(())
    }

    /// Checks that need the input shape and the op's windows at the widest options.
    fn check_windows(
        &self,
        _l: &LayerSpec,
        _input: &[usize],
        _windows: &[AxisWindow],
    ) -> std::result::Result<(), String> {
        Ok(())
    }

    /// The precision and HLS knobs of the lowered layer and the type of its output. By default
    /// the layer keeps the type of its input and sets nothing.
    fn lower(&self, _l: &LayerSpec, step: &LowerStep<'_>) -> Result<Lowered> {
        Ok(Lowered::keep(step.current))
    }

    /// Whether the layer multiplies by weights (and so has width, bits and HLS decisions).
    fn has_kernel(&self) -> bool {
        false
    }

    /// The kind as a user writes it.
    fn name(&self, l: &LayerSpec) -> String {
        format!("{:?}", l.kind)
    }
}

/// The rules of a kind: the one table from [`LayerKind`] to its module.
pub(crate) fn rules(kind: LayerKind) -> &'static dyn KindRules {
    match kind {
        LayerKind::Dense | LayerKind::Conv1D | LayerKind::Conv2D => &kernel::Kernel,
        LayerKind::Pool1D | LayerKind::Pool2D => &pool::Pool,
        LayerKind::BatchNorm => &batchnorm::BatchNormRules,
        LayerKind::Activation => &activation::ActivationRules,
        LayerKind::Flatten
        | LayerKind::UpSampling1D
        | LayerKind::UpSampling2D
        | LayerKind::ZeroPadding1D
        | LayerKind::ZeroPadding2D => &reshape::Reshape,
    }
}

impl LayerSpec {
    /// The space layer that lowers to `op` with fixed options (no decisions, float types): the
    /// inverse of the lowering, for spaces built from a network.
    ///
    /// # Errors
    /// A message saying which setting of `op` a space layer cannot express.
    pub(crate) fn from_op(name: &str, op: &Op) -> std::result::Result<LayerSpec, String> {
        match op {
            Op::Dense(_) | Op::Conv1D(_) | Op::Conv2D(_) => kernel::from_op(name, op),
            Op::MaxPool1D(_) | Op::AvgPool1D(_) | Op::MaxPool2D(_) | Op::AvgPool2D(_) => {
                pool::from_op(name, op)
            }
            Op::BatchNorm(bn) => Ok(batchnorm::from_op(name, bn)),
            Op::Activation(a) => Ok(LayerSpec::activation(name, a.clone())),
            Op::Flatten(_)
            | Op::UpSampling1D(_)
            | Op::UpSampling2D(_)
            | Op::ZeroPadding1D(_)
            | Op::ZeroPadding2D(_) => Ok(reshape::from_op(name, op)),
        }
    }
}

/// The option values an op is built at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At {
    /// Units or filters.
    pub width: usize,
    /// Kernel size.
    pub kernel: usize,
    /// Pooling operator.
    pub pool: PoolKind,
}

impl At {
    /// The widest options of `l` (max pooling and average pooling have the same shapes).
    pub(crate) fn widest(l: &LayerSpec) -> At {
        At {
            width: l.max_width(),
            kernel: l.max_kernel(),
            pool: PoolKind::Max,
        }
    }
}

/// One layer being lowered: where it is, its chosen options, and the type of its input.
pub(crate) struct LowerStep<'a> {
    /// The space.
    pub spec: &'a SpaceSpec,
    /// One option index per decision.
    pub idx: &'a [usize],
    /// The layer's index in the space.
    pub li: usize,
    /// Integer bits of the weight type where known.
    pub weight_int: Option<i32>,
    /// Integer bits of the result type where known.
    pub result_int: Option<i32>,
    /// The type of the layer's input.
    pub current: FixedType,
}

impl LowerStep<'_> {
    /// The chosen option of the layer's parameter `kind`.
    pub(crate) fn choice(&self, kind: DecisionKind) -> Option<Choice> {
        self.spec.value(self.idx, self.li, kind)
    }

    /// The chosen value of a numeric parameter.
    pub(crate) fn value(&self, kind: DecisionKind) -> Option<usize> {
        match self.choice(kind) {
            Some(Choice::Value(v)) => Some(v),
            _ => None,
        }
    }

    /// The option values the op is built at.
    pub(crate) fn at(&self) -> At {
        At {
            width: self.value(DecisionKind::Width).unwrap_or(0),
            kernel: self.value(DecisionKind::Kernel).unwrap_or(1),
            pool: match self.choice(DecisionKind::Operator) {
                Some(Choice::Pool(p)) => p,
                _ => PoolKind::Max,
            },
        }
    }

    /// A quantised type of `w` bits, `i` of them integer, with the space's rounding and
    /// overflow.
    pub(crate) fn fixed(&self, w: u32, i: i32) -> Result<FixedType> {
        let q = &self.spec.quant;
        Ok(FixedType::new(w, i, true)?
            .with_rounding(q.rounding)
            .with_overflow(q.overflow))
    }
}

/// A lowered layer's precision and knobs, and the type of its output.
pub(crate) struct Lowered {
    /// Types set on the IR layer.
    pub precision: Precision,
    /// HLS knobs set on the IR layer.
    pub hls: HlsKnobs,
    /// The type of the layer's output (the next layer's input).
    pub output: FixedType,
}

impl Lowered {
    /// Nothing set; the output keeps the input's type.
    pub(crate) fn keep(current: FixedType) -> Self {
        Lowered {
            precision: Precision::default(),
            hls: HlsKnobs::default(),
            output: current,
        }
    }

    /// The result type set to the input's type (layers whose hls4ml default would otherwise
    /// widen or change it).
    pub(crate) fn result_as_input(current: FixedType) -> Self {
        let mut out = Self::keep(current);
        out.precision.result = Some(current);
        out
    }
}
