//! One layer of a search space: its kind, fixed hyper-parameters, option lists and builders.

use serde::{Deserialize, Serialize};

use super::kinds::{Slot, rules};
use crate::ir::{Activation, NoParams, Padding, Strategy};

fn relu() -> Activation {
    Activation::ReLU(NoParams {})
}

/// The kind of a searchable layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LayerKind {
    /// Fully connected layer (input must be 1-D).
    Dense,
    /// 1-D convolution over `[length][channels]` (fixed stride, default 1).
    Conv1D,
    /// 2-D convolution over `[height][width][channels]` with square kernels and a fixed square
    /// stride (default 1).
    Conv2D,
    /// 1-D pooling (max or average, possibly a decision).
    Pool1D,
    /// 2-D pooling (max or average, possibly a decision).
    Pool2D,
    /// Batch normalisation over the channels.
    BatchNorm,
    /// An activation: [`LayerSpec::activation`] says which.
    Activation,
    /// Reshape to 1-D in `h, w, c` order.
    Flatten,
    /// Nearest-neighbour upsampling of `[length][channels]`: every element repeated
    /// [`LayerSpec::size`]`[1]` times.
    UpSampling1D,
    /// Nearest-neighbour upsampling of `[height][width][channels]`: every row repeated
    /// [`LayerSpec::size`]`[0]` times, every column [`LayerSpec::size`]`[1]` times.
    UpSampling2D,
    /// Zeros added around `[length][channels]`: [`LayerSpec::pad`]`[2]` before,
    /// [`LayerSpec::pad`]`[3]` after.
    ZeroPadding1D,
    /// Zeros added around `[height][width][channels]`: [`LayerSpec::pad`] is
    /// `[top, bottom, left, right]`.
    ZeroPadding2D,
}

/// Max or average pooling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PoolKind {
    /// Maximum over the window.
    Max,
    /// Mean over the window.
    Avg,
}

/// One layer of a space: fixed hyper-parameters and lists of options. A list with one element is
/// fixed; longer lists are decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerSpec {
    /// Unique name, a C identifier.
    pub name: String,
    /// The layer kind.
    pub kind: LayerKind,
    /// Units (Dense) or filters (Conv) options.
    pub widths: Vec<usize>,
    /// Kernel-size options (Conv; square for Conv2D).
    pub kernels: Vec<usize>,
    /// Border handling of convolutions (kernel decisions need `Same`).
    pub padding: Padding,
    /// Fixed stride of convolutions (square for Conv2D; default 1, must be >= 1).
    #[serde(default = "one")]
    pub stride: usize,
    /// Upsampling factors `[vertical, horizontal]` (`[1, s]` for UpSampling1D; default `[1, 1]`).
    #[serde(default = "one_one")]
    pub size: [usize; 2],
    /// Zero padding `[top, bottom, left, right]` (`[0, 0, left, right]` for ZeroPadding1D;
    /// default zeros).
    #[serde(default)]
    pub pad: [usize; 4],
    /// Pooling window `[h, w]` (`[1, p]` for Pool1D); the stride equals the window.
    pub pool: [usize; 2],
    /// Pooling operator options.
    pub pool_ops: Vec<PoolKind>,
    /// Weight bit-width options (empty: float weights, no quantisation).
    pub weight_bits: Vec<u32>,
    /// Result bit-width options (empty: float results).
    pub result_bits: Vec<u32>,
    /// Integer bits of the weight type; `None`: chosen from the observed range.
    pub weight_integer: Option<i32>,
    /// Integer bits of the result type; `None`: chosen from the observed range.
    pub result_integer: Option<i32>,
    /// Reuse-factor options (default `[1]`).
    pub reuse_factors: Vec<u32>,
    /// Strategy options (default `[Latency]`).
    pub strategies: Vec<Strategy>,
    /// Whether the layer may be switched off (identity); only where shapes allow.
    pub optional: bool,
    /// The activation of an [`LayerKind::Activation`] layer (ignored by other kinds).
    #[serde(default = "relu")]
    pub activation: Activation,
    /// BatchNorm epsilon.
    pub epsilon: f64,
}

impl LayerSpec {
    /// A layer of `kind` with every setting at its default; the kinds' constructors (in
    /// `space::kinds`) start from it.
    pub(crate) fn new(name: &str, kind: LayerKind) -> Self {
        LayerSpec {
            name: name.into(),
            kind,
            widths: Vec::new(),
            kernels: Vec::new(),
            padding: Padding::Same,
            stride: 1,
            size: [1, 1],
            pad: [0; 4],
            pool: [1, 1],
            pool_ops: Vec::new(),
            weight_bits: Vec::new(),
            result_bits: Vec::new(),
            weight_integer: None,
            result_integer: None,
            reuse_factors: vec![1],
            strategies: vec![Strategy::Latency],
            optional: false,
            activation: relu(),
            epsilon: 1e-3,
        }
    }

    /// The layer's kind as a user writes it: the activation's own name (`"Sigmoid"`) for
    /// activations, the [`LayerKind`] otherwise.
    pub fn kind_name(&self) -> String {
        rules(self.kind).name(self)
    }

    /// Whether the layer multiplies by weights.
    pub fn has_kernel(&self) -> bool {
        rules(self.kind).has_kernel()
    }

    /// Largest width option.
    pub fn max_width(&self) -> usize {
        self.widths.iter().copied().max().unwrap_or(0)
    }

    /// Largest kernel option.
    pub fn max_kernel(&self) -> usize {
        self.kernels.iter().copied().max().unwrap_or(1)
    }

    /// `(kind, options)` of every parameter of this layer, decisions or not, in decision order.
    pub(crate) fn slots(&self) -> Vec<Slot> {
        rules(self.kind).slots(self)
    }
}

fn one() -> usize {
    1
}

fn one_one() -> [usize; 2] {
    [1, 1]
}
