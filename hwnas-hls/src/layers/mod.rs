//! One module per layer kind, each holding everything `hwnas-hls` knows of it: the lowered
//! struct (a [`QOp`] variant), its lowering from the IR, its bit-exact emulation, its C++ and
//! its cost in the resource model. [`QOp::imp`], [`lower`] and [`cost`] are the tables that find
//! them; the emulator, the writer, the lowering's generic steps (BatchNorm folding, result
//! types, cast checks) and the resource model's shared machinery only ask.

pub(crate) mod activation;
pub(crate) mod batchnorm;
pub(crate) mod kernel;
pub(crate) mod pool;
pub(crate) mod reshape;

use hwnas_core::fixed::{FixedType, MAX_WIDTH, Rounding};
use hwnas_core::ir::{AxisWindow, Layer, LayerInfo, Network, Op};

pub use activation::{QActivation, QSoftmax};
pub use batchnorm::QScale;
pub(crate) use kernel::Plan;
pub use kernel::{QConv, QDense};
pub use pool::QPool;
pub use reshape::{QFlatten, QUpSampling, QZeroPadding};

use crate::emit::layers::{Knobs, LayerCode, Names};
use crate::model::{MAX_CONST_WIDTH, QLayer, QOp, Window};
use crate::resources::model::{CostCx, Features};
use crate::{Error, Result};

/// What `hwnas-hls` does with one lowered layer kind.
pub(crate) trait LayerImpl {
    /// The IR `kind` it came from.
    fn kind(&self) -> &'static str;

    /// `(n_in, n_out)` of the multiplication per output pixel, which the reuse-factor rules
    /// use (Dense/Conv only).
    fn mult_shape(&self) -> Option<(usize, usize)> {
        None
    }

    /// The first cast the firmware performs that `hwnas` cannot reproduce or that would trip
    /// the `ap_types` debug assertion, as a reason; by default the cast of the input to the
    /// result.
    fn check_casts(&self, l: &QLayer, c: &Casts) -> std::result::Result<(), String> {
        c.bad("input", l.input.width, l.input.frac_bits(), &l.result)
    }

    /// Work done once before emulating (Dense/Conv: weights shifted onto the accumulator).
    fn plan(&self, _l: &QLayer) -> Plan {
        Plan::None
    }

    /// Emulates one sample: canonical raw inputs `x` to raw outputs `y`.
    fn run(&self, l: &QLayer, plan: &Plan, x: &[i128], y: &mut [i128], scratch: &mut Vec<i64>);

    /// The layer's C++: typedefs, weight files and include into `c`, its config struct into
    /// `s`; returns the statement of the top function.
    fn emit(&self, l: &QLayer, n: &Names, k: &Knobs, c: &mut LayerCode, s: &mut String) -> String;
}

impl QOp {
    /// The implementation of this layer's kind: the one place that maps a lowered layer to its
    /// module.
    pub(crate) fn imp(&self) -> &dyn LayerImpl {
        match self {
            QOp::Dense(x) => x,
            QOp::Conv(x) => x,
            QOp::Pool(x) => x,
            QOp::Scale(x) => x,
            QOp::Activation(x) => x,
            QOp::Flatten(x) => x,
            QOp::UpSampling(x) => x,
            QOp::ZeroPadding(x) => x,
        }
    }
}

/// What lowering one IR layer knows.
pub(crate) struct LowerCx<'a> {
    pub net: &'a Network,
    pub layer: &'a Layer,
    pub info: &'a LayerInfo,
    /// Position of the layer in the IR network.
    pub index: usize,
    /// The BatchNorm folded into this (Dense/Conv) layer, if any.
    pub next_bn: Option<&'a Layer>,
}

impl LowerCx<'_> {
    /// An [`Error::Unsupported`] naming the layer.
    pub fn fail(&self, reason: &str) -> Error {
        Error::Unsupported {
            index: self.index,
            layer: self.layer.name.clone(),
            kind: self.layer.op.kind().into(),
            reason: reason.into(),
        }
    }

    /// The layer's tensor `param`.
    pub fn tensor(&self, param: &str) -> Result<&hwnas_core::ir::Tensor> {
        tensor(self.net, &self.layer.name, param)
    }

    /// Refuses constants the writer cannot print exactly.
    pub fn check_const(&self, what: &str, t: &FixedType) -> Result<()> {
        check_const_type(self.index, &self.layer.name, what, t)
    }
}

/// Refuses a type whose constants (or test vectors) the writer cannot print as exact decimals.
pub(crate) fn check_const_type(index: usize, layer: &str, what: &str, t: &FixedType) -> Result<()> {
    if t.width > MAX_CONST_WIDTH {
        return Err(Error::Unsupported {
            index,
            layer: layer.into(),
            kind: what.into(),
            reason: format!(
                "the {what} type {t} is wider than {MAX_CONST_WIDTH} bits, so its constants and \
                 test vectors cannot be written as exact decimals; use a narrower type"
            ),
        });
    }
    Ok(())
}

/// Lowers one IR layer to its [`QOp`]: the one place that maps an IR kind to its module.
pub(crate) fn lower(cx: &LowerCx<'_>) -> Result<QOp> {
    match &cx.layer.op {
        Op::Dense(_) | Op::Conv1D(_) | Op::Conv2D(_) => kernel::lower(cx),
        Op::BatchNorm(_) => batchnorm::lower(cx),
        Op::MaxPool1D(_) | Op::MaxPool2D(_) | Op::AvgPool1D(_) | Op::AvgPool2D(_) => {
            pool::lower(cx)
        }
        Op::Flatten(_)
        | Op::UpSampling1D(_)
        | Op::UpSampling2D(_)
        | Op::ZeroPadding1D(_)
        | Op::ZeroPadding2D(_) => reshape::lower(cx),
        Op::Activation(a) => Ok(QOp::Activation(
            QActivation::lower(a, &cx.info.types, &cx.info.input_shape, |param| {
                cx.tensor(param)
                    .map(|t| t.data.clone())
                    .map_err(|e| e.to_string())
            })
            .map_err(|e| cx.fail(&e))?,
        )),
    }
}

/// The resource-model features of one IR layer (before the per-layer overhead and io_stream
/// FIFOs the model adds): the one place that maps an IR kind to its cost. The resource model
/// prices IR layers because the search prices them before anything is lowered.
pub(crate) fn cost(cx: &CostCx<'_>) -> Features {
    match &cx.l.op {
        Op::Dense(_) | Op::Conv1D(_) | Op::Conv2D(_) => kernel::cost(cx),
        Op::MaxPool1D(_) | Op::MaxPool2D(_) | Op::AvgPool1D(_) | Op::AvgPool2D(_) => pool::cost(cx),
        Op::BatchNorm(_) => batchnorm::cost(cx),
        Op::Activation(a) => activation::cost(cx, a),
        Op::Flatten(_)
        | Op::UpSampling1D(_)
        | Op::UpSampling2D(_)
        | Op::ZeroPadding1D(_)
        | Op::ZeroPadding2D(_) => reshape::cost(cx),
    }
}

pub(crate) fn tensor<'a>(
    net: &'a Network,
    layer: &str,
    param: &str,
) -> Result<&'a hwnas_core::ir::Tensor> {
    net.weights
        .get(&format!("{layer}.{param}"))
        .ok_or_else(|| Error::Input(format!("tensor `{layer}.{param}` is missing")))
}

/// The 2-D window of a conv/pool layer (1-D layers: height 1).
pub(crate) fn window(info: &LayerInfo, kernel: [usize; 2], stride: [usize; 2]) -> Window {
    let s = &info.input_shape;
    let unit = AxisWindow {
        out: 1,
        pad_begin: 0,
        pad_end: 0,
    };
    let (in_h, in_w, chan, h, w) = if s.len() == 2 {
        (1, s[0], s[1], unit, info.windows[0])
    } else {
        (s[0], s[1], s[2], info.windows[0], info.windows[1])
    };
    Window {
        in_h,
        in_w,
        chan,
        kh: kernel[0],
        kw: kernel[1],
        sh: stride[0],
        sw: stride[1],
        pad_top: h.pad_begin,
        pad_bottom: h.pad_end,
        pad_left: w.pad_begin,
        pad_right: w.pad_end,
        out_h: h.out,
        out_w: w.out,
    }
}

/// `to(v)` for a canonical raw value `v` of `from` (no need to re-read its low bits).
#[inline]
pub(crate) fn cast(to: &FixedType, v: i128, from: &FixedType) -> i128 {
    to.cast_exact(v, i64::from(from.frac_bits()))
}

/// The lowering's checks of the casts a layer performs.
pub(crate) struct Casts;

impl Casts {
    /// Refuses a cast from a `(width, frac)` source to `to` that the `ap_types` headers built
    /// without `NDEBUG` abort on: non-truncating rounding with the target's LSB more than
    /// `width` bits above the source's.
    pub fn bad(
        &self,
        what: &str,
        from_w: u32,
        from_f: i32,
        to: &FixedType,
    ) -> std::result::Result<(), String> {
        let trips = !matches!(to.rounding, Rounding::Trn | Rounding::TrnZero)
            && i64::from(from_f) - i64::from(to.frac_bits()) > i64::from(from_w);
        if trips {
            Err(format!(
                "the cast of the {what} (width {from_w}, {from_f} fractional bits) to {to} \
                 would abort the ap_types debug assertion (the whole source lies below the \
                 target's rounding bit); give the result fewer integer bits or use AP_TRN"
            ))
        } else {
            Ok(())
        }
    }

    /// Refuses an exact intermediate wider than the emulator computes (`i128`).
    pub fn wide(&self, what: &str, integer: i32, frac: i32) -> std::result::Result<(), String> {
        let width = i64::from(integer) + i64::from(frac);
        if width > i64::from(MAX_WIDTH) {
            Err(format!(
                "the exact {what} needs {width} bits, but hwnas computes exactly with at most \
                 {MAX_WIDTH}; use narrower types or set an explicit accumulator or result type"
            ))
        } else {
            Ok(())
        }
    }
}
