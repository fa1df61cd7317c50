//! The layer operations of the IR and their hyper-parameters.

use serde::{Deserialize, Serialize};

/// How a convolution or pooling window treats the border (Keras semantics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Padding {
    /// No padding: the window only visits positions where it fits entirely.
    #[default]
    Valid,
    /// Zero padding so that `out = ceil(in / stride)`; the odd pixel goes to the end
    /// (bottom/right), as in Keras and hls4ml.
    Same,
}

/// The output length and the padding before/after along one axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxisWindow {
    /// Output length.
    pub out: usize,
    /// Zeros added before the first input element.
    pub pad_begin: usize,
    /// Zeros added after the last input element.
    pub pad_end: usize,
}

impl Padding {
    /// Resolves one axis of a window of size `kernel` moved by `stride` over `input` elements.
    /// Returns `None` when a `Valid` window does not fit (`kernel > input`), when `input` or
    /// `stride` is 0, or when the `Same` padding does not fit `usize`.
    pub fn resolve(self, input: usize, kernel: usize, stride: usize) -> Option<AxisWindow> {
        if input == 0 || stride == 0 {
            return None;
        }
        match self {
            Padding::Valid => (kernel <= input).then(|| AxisWindow {
                out: (input - kernel) / stride + 1,
                pad_begin: 0,
                pad_end: 0,
            }),
            Padding::Same => {
                let out = input.div_ceil(stride);
                let span = (out - 1).checked_mul(stride)?.checked_add(kernel)?;
                let total = span.saturating_sub(input);
                Some(AxisWindow {
                    out,
                    pad_begin: total / 2,
                    pad_end: total - total / 2,
                })
            }
        }
    }
}

/// A fully connected layer: `y[j] = sum_i x[i] * w[i][j] + b[j]`.
///
/// Weights `weight: [n_in, units]`, `bias: [units]`. The input must be 1-D.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dense {
    /// Output units.
    pub units: usize,
    /// Whether the layer has a bias (default `true`).
    #[serde(default = "yes")]
    pub use_bias: bool,
}

/// A 1-D convolution over `[length][channels]`.
///
/// Weights `weight: [kernel, c_in, filters]`, `bias: [filters]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conv1D {
    /// Output channels.
    pub filters: usize,
    /// Window length.
    pub kernel: usize,
    /// Step between windows (default 1).
    #[serde(default = "one")]
    pub stride: usize,
    /// Border handling (default `valid`).
    #[serde(default)]
    pub padding: Padding,
    /// Whether the layer has a bias (default `true`).
    #[serde(default = "yes")]
    pub use_bias: bool,
}

/// A 2-D convolution over `[height][width][channels]`.
///
/// Weights `weight: [kh, kw, c_in, filters]`, `bias: [filters]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conv2D {
    /// Output channels.
    pub filters: usize,
    /// Window `[height, width]`.
    pub kernel: [usize; 2],
    /// Steps `[vertical, horizontal]` (default `[1, 1]`).
    #[serde(default = "one_one")]
    pub stride: [usize; 2],
    /// Border handling (default `valid`).
    #[serde(default)]
    pub padding: Padding,
    /// Whether the layer has a bias (default `true`).
    #[serde(default = "yes")]
    pub use_bias: bool,
}

/// Max or average pooling over `[length][channels]`, channel by channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pool1D {
    /// Window length.
    pub pool: usize,
    /// Step between windows (default: the window length).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stride: Option<usize>,
    /// Border handling (default `valid`). Average pooling with `same` padding divides by the
    /// number of real (not padded) elements in the window, as Keras does.
    #[serde(default)]
    pub padding: Padding,
}

/// Max or average pooling over `[height][width][channels]`, channel by channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pool2D {
    /// Window `[height, width]`.
    pub pool: [usize; 2],
    /// Steps (default: the window size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stride: Option<[usize; 2]>,
    /// Border handling (default `valid`), as for [`Pool1D`].
    #[serde(default)]
    pub padding: Padding,
}

/// Batch normalisation over the last axis (channels), with frozen statistics:
/// `y = gamma * (x - mean) / sqrt(variance + epsilon) + beta`.
///
/// Weights `gamma`, `beta`, `mean`, `variance`, each `[channels]`. At export it is fused into the
/// preceding Dense/Conv layer when there is one, else it becomes `y = scale * x + bias`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchNorm {
    /// Added to the variance (default 0.001, as Keras).
    #[serde(default = "bn_epsilon")]
    pub epsilon: f64,
}

/// Leaky ReLU: `y = x` for `x >= 0`, else `alpha * x`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeakyReLU {
    /// Slope for negative inputs (default 0.3, as Keras).
    #[serde(default = "leaky_alpha")]
    pub alpha: f64,
}

/// Nearest-neighbour upsampling of `[length][channels]`: each element repeated `size` times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpSampling1D {
    /// Repetition factor.
    pub size: usize,
}

/// Nearest-neighbour upsampling of `[height][width][channels]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpSampling2D {
    /// Repetition factors `[vertical, horizontal]`.
    pub size: [usize; 2],
}

/// Zeros added around `[length][channels]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZeroPadding1D {
    /// Zeros before the first element.
    pub left: usize,
    /// Zeros after the last element.
    pub right: usize,
}

/// Zeros added around `[height][width][channels]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZeroPadding2D {
    /// Rows added on top.
    pub top: usize,
    /// Rows added at the bottom.
    pub bottom: usize,
    /// Columns added on the left.
    pub left: usize,
    /// Columns added on the right.
    pub right: usize,
}

/// Layers without hyper-parameters.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// One layer operation. In JSON the variant is the `kind` key and its hyper-parameters sit beside
/// it in the layer object (`{"kind": "Dense", "units": 64, ...}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Op {
    /// See [`Dense`].
    Dense(Dense),
    /// See [`Conv1D`].
    Conv1D(Conv1D),
    /// See [`Conv2D`].
    Conv2D(Conv2D),
    /// Maximum over each window ([`Pool1D`]).
    MaxPool1D(Pool1D),
    /// Maximum over each window ([`Pool2D`]).
    MaxPool2D(Pool2D),
    /// Mean over each window ([`Pool1D`]).
    AvgPool1D(Pool1D),
    /// Mean over each window ([`Pool2D`]).
    AvgPool2D(Pool2D),
    /// See [`BatchNorm`].
    BatchNorm(BatchNorm),
    /// `y = max(x, 0)`.
    ReLU(NoParams),
    /// See [`LeakyReLU`].
    LeakyReLU(LeakyReLU),
    /// Reshape to 1-D in `h, w, c` (channels-last) order.
    Flatten(NoParams),
    /// See [`UpSampling1D`].
    UpSampling1D(UpSampling1D),
    /// See [`UpSampling2D`].
    UpSampling2D(UpSampling2D),
    /// See [`ZeroPadding1D`].
    ZeroPadding1D(ZeroPadding1D),
    /// See [`ZeroPadding2D`].
    ZeroPadding2D(ZeroPadding2D),
}

impl Op {
    /// The `kind` name (`"Conv2D"`).
    pub fn kind(&self) -> &'static str {
        match self {
            Op::Dense(_) => "Dense",
            Op::Conv1D(_) => "Conv1D",
            Op::Conv2D(_) => "Conv2D",
            Op::MaxPool1D(_) => "MaxPool1D",
            Op::MaxPool2D(_) => "MaxPool2D",
            Op::AvgPool1D(_) => "AvgPool1D",
            Op::AvgPool2D(_) => "AvgPool2D",
            Op::BatchNorm(_) => "BatchNorm",
            Op::ReLU(_) => "ReLU",
            Op::LeakyReLU(_) => "LeakyReLU",
            Op::Flatten(_) => "Flatten",
            Op::UpSampling1D(_) => "UpSampling1D",
            Op::UpSampling2D(_) => "UpSampling2D",
            Op::ZeroPadding1D(_) => "ZeroPadding1D",
            Op::ZeroPadding2D(_) => "ZeroPadding2D",
        }
    }

    /// Whether the layer multiplies by trained weights (Dense, Conv1D, Conv2D).
    pub fn has_kernel(&self) -> bool {
        matches!(self, Op::Dense(_) | Op::Conv1D(_) | Op::Conv2D(_))
    }

    /// Whether the layer only moves or copies values, so its result type is its input type
    /// unless set otherwise (pooling by max, flatten, padding, upsampling).
    pub fn is_data_movement(&self) -> bool {
        matches!(
            self,
            Op::MaxPool1D(_)
                | Op::MaxPool2D(_)
                | Op::Flatten(_)
                | Op::UpSampling1D(_)
                | Op::UpSampling2D(_)
                | Op::ZeroPadding1D(_)
                | Op::ZeroPadding2D(_)
        )
    }
}

fn yes() -> bool {
    true
}
fn one() -> usize {
    1
}
fn one_one() -> [usize; 2] {
    [1, 1]
}
fn bn_epsilon() -> f64 {
    1e-3
}
fn leaky_alpha() -> f64 {
    0.3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_padding_matches_keras() {
        // 5 inputs, kernel 3, stride 2: out 3, total pad (3-1)*2+3-5 = 2 -> 1 + 1.
        let w = Padding::Same.resolve(5, 3, 2).unwrap();
        assert_eq!((w.out, w.pad_begin, w.pad_end), (3, 1, 1));
        // 6 inputs, kernel 2, stride 1: total 1, the odd one at the end.
        let w = Padding::Same.resolve(6, 2, 1).unwrap();
        assert_eq!((w.out, w.pad_begin, w.pad_end), (6, 0, 1));
        // Stride larger than the kernel needs no padding.
        let w = Padding::Same.resolve(7, 2, 2).unwrap();
        assert_eq!((w.out, w.pad_begin, w.pad_end), (4, 0, 1));
        let w = Padding::Valid.resolve(7, 2, 2).unwrap();
        assert_eq!(w.out, 3);
        assert!(Padding::Valid.resolve(2, 3, 1).is_none());
    }
}
