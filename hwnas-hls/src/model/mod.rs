//! The exported network: what the firmware computes and the emulator reproduces.
//!
//! [`QNetwork::from_network`] lowers a [`Network`](hwnas_core::ir::Network) once, in one place
//! that both the HLS writer ([`crate::emit`]) and the emulator ([`crate::emulate`]) use:
//!
//! * **BatchNorm fusion.** A BatchNorm directly after a Dense or Conv layer whose `result` type
//!   is unset is folded into it ([`Network::batchnorm_is_fused`], hls4ml's rule; never under the
//!   `model` preset). Folding is computed in `float32` as hls4ml does (`scale = gamma /
//!   sqrt(variance + epsilon)`, `shift = beta - scale * mean`, `w' = scale * w`,
//!   `b' = scale * b + shift`). The fused weights are quantised to the Dense/Conv layer's
//!   *weight* type and the fused bias to its *bias* type (the layer gets a bias even with
//!   `use_bias: false`); the fused layer's result type is the BatchNorm's resolved result type
//!   (under the `name` preset, the Dense/Conv layer's own). Its accumulator is the one the
//!   layer declares or its preset resolves. Any other BatchNorm becomes a per-channel
//!   `y = scale * x + bias` layer with `scale` quantised to its `weight` type and `bias` to its
//!   `bias` type.
//! * **Quantisation.** Every weight and bias is converted as hls4ml's firmware reads it
//!   ([`FixedType::quantize_printed`]: the `float32` printed with as many decimals as the type
//!   has fractional bits, read as a `double`, then `ap_fixed(double)`) and kept as a raw
//!   integer; the writer prints each raw value as the exact decimal it stands for, so the C++
//!   constants equal these integers bit for bit. LeakyReLU's `alpha` becomes a constant of the
//!   type its preset resolves (see [`QActivation::LeakyRelu`]).
//! * **1-D layers** are held as 2-D ones of height 1 (`[1][length][channels]`).
//! * **Casts** that would abort the `ap_types` headers' debug assertion (see the NDEBUG note in
//!   `hwnas_core::fixed::FixedType::cast_from`'s module) are refused with an error naming the layer.
//!
//! [`Network::batchnorm_is_fused`]: hwnas_core::ir::Network::batchnorm_is_fused

mod lower;

use hwnas_core::fixed::FixedType;
use hwnas_core::ir::HlsKnobs;

pub use crate::layers::{
    QActivation, QConv, QDense, QFlatten, QPool, QScale, QSoftmax, QUpSampling, QZeroPadding,
};

/// Widest type whose values the writer prints exactly as decimal `double`s: weights, biases, the
/// input and the output (the testbench reads and compares them as `double`s).
pub(crate) const MAX_CONST_WIDTH: u32 = 53;

/// A tensor of fixed-point constants: a type and raw integers (see [`FixedType::raw_value`]).
#[derive(Debug, Clone, PartialEq)]
pub struct QTensor {
    /// The type of every element.
    pub ty: FixedType,
    /// Raw values, row-major in the IR's channels-last layout.
    pub raw: Vec<i128>,
}

/// Window geometry of a convolution or pooling layer, in 2-D (1-D layers have height 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Window {
    /// Input height (1 for 1-D layers).
    pub in_h: usize,
    /// Input width (length for 1-D layers).
    pub in_w: usize,
    /// Input channels.
    pub chan: usize,
    /// Window height.
    pub kh: usize,
    /// Window width.
    pub kw: usize,
    /// Vertical stride.
    pub sh: usize,
    /// Horizontal stride.
    pub sw: usize,
    /// Padding rows on top.
    pub pad_top: usize,
    /// Padding rows at the bottom.
    pub pad_bottom: usize,
    /// Padding columns on the left.
    pub pad_left: usize,
    /// Padding columns on the right.
    pub pad_right: usize,
    /// Output height.
    pub out_h: usize,
    /// Output width.
    pub out_w: usize,
}

impl Window {
    /// The input pixel (`h * in_w + w`) that window position `(kh, kw)` of output pixel
    /// `(oh, ow)` reads, or `None` where it falls on padding.
    #[inline]
    pub fn input_pixel(&self, oh: usize, ow: usize, kh: usize, kw: usize) -> Option<usize> {
        let ih = (oh * self.sh + kh).checked_sub(self.pad_top)?;
        let iw = (ow * self.sw + kw).checked_sub(self.pad_left)?;
        (ih < self.in_h && iw < self.in_w).then_some(ih * self.in_w + iw)
    }
}

/// What one exported layer computes, one variant per layer module of `hwnas-hls` (`src/layers/`).
/// Activations are flat, channels-last.
#[derive(Debug, Clone, PartialEq)]
pub enum QOp {
    /// See [`QDense`].
    Dense(QDense),
    /// See [`QConv`].
    Conv(QConv),
    /// See [`QPool`].
    Pool(QPool),
    /// See [`QScale`].
    Scale(QScale),
    /// See [`QActivation`].
    Activation(QActivation),
    /// See [`QFlatten`].
    Flatten(QFlatten),
    /// See [`QUpSampling`].
    UpSampling(QUpSampling),
    /// See [`QZeroPadding`].
    ZeroPadding(QZeroPadding),
}

impl QOp {
    /// A short name of the operation (`"Dense"`, `"Conv2D"`, ...).
    pub fn kind(&self) -> &'static str {
        self.imp().kind()
    }
}

/// One exported layer.
#[derive(Debug, Clone, PartialEq)]
pub struct QLayer {
    /// Name (the IR layer's; a fused layer keeps the Dense/Conv name).
    pub name: String,
    /// Names of the IR layers folded into this one, after the first (a fused BatchNorm).
    pub fused: Vec<String>,
    /// Index of the first IR layer it comes from (0-based).
    pub ir_index: usize,
    /// What it computes.
    pub op: QOp,
    /// Input shape (channels-last, as in the IR).
    pub input_shape: Vec<usize>,
    /// Output shape.
    pub output_shape: Vec<usize>,
    /// Type of the incoming values.
    pub input: FixedType,
    /// Type of the outgoing values.
    pub result: FixedType,
    /// Reuse factor and strategy, as given in the IR.
    pub hls: HlsKnobs,
}

impl QLayer {
    /// Number of input values.
    pub fn n_in(&self) -> usize {
        self.input_shape.iter().product()
    }

    /// Number of output values.
    pub fn n_out(&self) -> usize {
        self.output_shape.iter().product()
    }

    /// `(n_in, n_out)` of the multiplication a Dense/Conv layer performs per output pixel
    /// (`kh * kw * chan`, `filters` for a convolution), which the reuse-factor rules use.
    pub fn mult_shape(&self) -> Option<(usize, usize)> {
        self.op.imp().mult_shape()
    }
}

/// A network lowered for the firmware and the emulator: fused, quantised, integer-only.
#[derive(Debug, Clone, PartialEq)]
pub struct QNetwork {
    /// Network name (the HLS top function).
    pub name: String,
    /// Input shape, channels-last.
    pub input_shape: Vec<usize>,
    /// Input type (`input_t`).
    pub input_type: FixedType,
    /// The layers, in order.
    pub layers: Vec<QLayer>,
}

impl QNetwork {
    /// Number of input values per sample.
    pub fn input_len(&self) -> usize {
        self.input_shape.iter().product()
    }

    /// Number of output values per sample.
    pub fn output_len(&self) -> usize {
        self.layers.last().map_or(self.input_len(), QLayer::n_out)
    }

    /// Output shape.
    pub fn output_shape(&self) -> &[usize] {
        self.layers
            .last()
            .map_or(&self.input_shape, |l| &l.output_shape)
    }

    /// Output type (`result_t`).
    pub fn output_type(&self) -> FixedType {
        self.layers.last().map_or(self.input_type, |l| l.result)
    }

    /// Quantises float inputs (any number of samples, flat) to raw values of the input type,
    /// as the testbench's `input_t(double)` conversion does.
    pub fn quantize_inputs(&self, x: &[f64]) -> Vec<i128> {
        x.iter().map(|&v| self.input_type.quantize(v)).collect()
    }
}
