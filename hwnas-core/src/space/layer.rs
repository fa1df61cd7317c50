//! One layer of a search space: its kind, fixed hyper-parameters, option lists and builders.

use serde::{Deserialize, Serialize};

use super::decision::{Choice, DecisionKind};
use crate::ir::{Activation, LeakyReLU, NoParams, Padding, Strategy};

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
    fn new(name: &str, kind: LayerKind) -> Self {
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

    /// A Dense layer with these unit options.
    pub fn dense(name: &str, units: &[usize]) -> Self {
        LayerSpec {
            widths: units.to_vec(),
            ..Self::new(name, LayerKind::Dense)
        }
    }

    /// A 2-D convolution (`same` padding, stride 1) with filter and square-kernel options.
    pub fn conv2d(name: &str, filters: &[usize], kernels: &[usize]) -> Self {
        LayerSpec {
            widths: filters.to_vec(),
            kernels: kernels.to_vec(),
            ..Self::new(name, LayerKind::Conv2D)
        }
    }

    /// A 1-D convolution (`same` padding, stride 1) with filter and kernel options.
    pub fn conv1d(name: &str, filters: &[usize], kernels: &[usize]) -> Self {
        LayerSpec {
            widths: filters.to_vec(),
            kernels: kernels.to_vec(),
            ..Self::new(name, LayerKind::Conv1D)
        }
    }

    /// 2-D max pooling (stride = window).
    pub fn max_pool2d(name: &str, pool: [usize; 2]) -> Self {
        Self::pool2d(name, pool, &[PoolKind::Max])
    }

    /// 2-D pooling whose operator (max or average) is a decision.
    pub fn max_or_avg_pool2d(name: &str, pool: [usize; 2]) -> Self {
        Self::pool2d(name, pool, &[PoolKind::Max, PoolKind::Avg])
    }

    /// 2-D pooling with these operator options.
    pub fn pool2d(name: &str, pool: [usize; 2], ops: &[PoolKind]) -> Self {
        LayerSpec {
            pool,
            pool_ops: ops.to_vec(),
            ..Self::new(name, LayerKind::Pool2D)
        }
    }

    /// 1-D pooling with these operator options.
    pub fn pool1d(name: &str, pool: usize, ops: &[PoolKind]) -> Self {
        LayerSpec {
            pool: [1, pool],
            pool_ops: ops.to_vec(),
            ..Self::new(name, LayerKind::Pool1D)
        }
    }

    /// Batch normalisation (epsilon 1e-3).
    pub fn batch_norm(name: &str) -> Self {
        Self::new(name, LayerKind::BatchNorm)
    }

    /// An activation layer: any [`Activation`] (its table settings included).
    ///
    /// ```
    /// use hwnas_core::ir::{Activation, Table};
    /// use hwnas_core::space::LayerSpec;
    ///
    /// let sigmoid = LayerSpec::activation("sig", Activation::Sigmoid(Table::default()));
    /// assert_eq!(sigmoid.activation.kind(), "Sigmoid");
    /// ```
    pub fn activation(name: &str, activation: Activation) -> Self {
        LayerSpec {
            activation,
            ..Self::new(name, LayerKind::Activation)
        }
    }

    /// The layer's kind as a user writes it: the activation's own name (`"Sigmoid"`) for
    /// activations, the [`LayerKind`] otherwise.
    pub fn kind_name(&self) -> String {
        match self.kind {
            LayerKind::Activation => self.activation.kind().to_string(),
            k => format!("{k:?}"),
        }
    }

    /// ReLU.
    pub fn relu(name: &str) -> Self {
        Self::activation(name, relu())
    }

    /// Leaky ReLU with slope `alpha`.
    pub fn leaky_relu(name: &str, alpha: f64) -> Self {
        Self::activation(name, Activation::LeakyReLU(LeakyReLU { alpha }))
    }

    /// Flatten (`h, w, c` order).
    pub fn flatten(name: &str) -> Self {
        Self::new(name, LayerKind::Flatten)
    }

    /// Nearest-neighbour upsampling of `[length][channels]` by `size` (IR `UpSampling1D`).
    pub fn upsampling1d(name: &str, size: usize) -> Self {
        LayerSpec {
            size: [1, size],
            ..Self::new(name, LayerKind::UpSampling1D)
        }
    }

    /// Nearest-neighbour upsampling of `[height][width][channels]` by `size = [vertical,
    /// horizontal]` (IR `UpSampling2D`).
    pub fn upsampling2d(name: &str, size: [usize; 2]) -> Self {
        LayerSpec {
            size,
            ..Self::new(name, LayerKind::UpSampling2D)
        }
    }

    /// Zeros around `[length][channels]`: `pad = [left, right]` (IR `ZeroPadding1D`).
    pub fn zero_padding1d(name: &str, pad: [usize; 2]) -> Self {
        LayerSpec {
            pad: [0, 0, pad[0], pad[1]],
            ..Self::new(name, LayerKind::ZeroPadding1D)
        }
    }

    /// Zeros around `[height][width][channels]`: `pad = [top, bottom, left, right]`
    /// (IR `ZeroPadding2D`).
    pub fn zero_padding2d(name: &str, pad: [usize; 4]) -> Self {
        LayerSpec {
            pad,
            ..Self::new(name, LayerKind::ZeroPadding2D)
        }
    }

    /// The same convolution with a fixed stride `s` (square for Conv2D: IR `stride = [s, s]`).
    /// With `same` padding the output length is `ceil(in / s)`, with `valid`
    /// `(in - k) / s + 1`. A stride of 0 is rejected by
    /// [`SpaceBuilder::build`](super::SpaceBuilder::build).
    pub fn stride(mut self, s: usize) -> Self {
        self.stride = s;
        self
    }

    /// The same layer with weight bit-width options.
    pub fn weight_bits(mut self, bits: &[u32]) -> Self {
        self.weight_bits = bits.to_vec();
        self
    }

    /// The same layer with result bit-width options.
    pub fn result_bits(mut self, bits: &[u32]) -> Self {
        self.result_bits = bits.to_vec();
        self
    }

    /// The same layer with reuse-factor options.
    pub fn reuse_factors(mut self, rf: &[u32]) -> Self {
        self.reuse_factors = rf.to_vec();
        self
    }

    /// The same layer with strategy options.
    pub fn strategies(mut self, s: &[Strategy]) -> Self {
        self.strategies = s.to_vec();
        self
    }

    /// The same layer with another convolution padding.
    pub fn padding(mut self, p: Padding) -> Self {
        self.padding = p;
        self
    }

    /// The same layer, switchable off (identity). Allowed for Dense and `same` convolutions whose
    /// width is fixed and equal to a fixed input width.
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// Whether the layer multiplies by weights.
    pub fn has_kernel(&self) -> bool {
        matches!(
            self.kind,
            LayerKind::Dense | LayerKind::Conv1D | LayerKind::Conv2D
        )
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
    pub(crate) fn slots(&self) -> Vec<(DecisionKind, Vec<Choice>)> {
        let vals = |v: &[usize]| v.iter().map(|&x| Choice::Value(x)).collect::<Vec<_>>();
        let bits = |v: &[u32]| v.iter().map(|&x| Choice::Value(x as usize)).collect();
        let mut out = Vec::new();
        if self.has_kernel() {
            out.push((DecisionKind::Width, vals(&self.widths)));
            if self.kind != LayerKind::Dense {
                out.push((DecisionKind::Kernel, vals(&self.kernels)));
            }
            out.push((DecisionKind::WeightBits, bits(&self.weight_bits)));
            out.push((DecisionKind::ResultBits, bits(&self.result_bits)));
        }
        if matches!(self.kind, LayerKind::Pool1D | LayerKind::Pool2D) {
            out.push((
                DecisionKind::Operator,
                self.pool_ops.iter().map(|&p| Choice::Pool(p)).collect(),
            ));
        }
        if self.optional {
            out.push((
                DecisionKind::OnOff,
                vec![Choice::On(true), Choice::On(false)],
            ));
        }
        if self.has_kernel() {
            out.push((DecisionKind::ReuseFactor, bits(&self.reuse_factors)));
            out.push((
                DecisionKind::Strategy,
                self.strategies
                    .iter()
                    .map(|&s| Choice::Strategy(s))
                    .collect(),
            ));
        }
        out
    }
}

fn one() -> usize {
    1
}

fn one_one() -> [usize; 2] {
    [1, 1]
}
