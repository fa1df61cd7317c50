//! The layer operations of the IR and their hyper-parameters: one module per layer kind, each
//! with the kind's IR rules (shape, weights, MACs, types; [`rules`]).

mod activation;
mod batchnorm;
mod conv;
mod dense;
mod pool;
mod reshape;
mod rules;

pub use activation::{Activation, Elu, LeakyReLU, Softmax, Table};
pub use batchnorm::BatchNorm;
pub use conv::{Conv1D, Conv2D};
pub use dense::Dense;
pub use pool::{Pool1D, Pool2D};
pub use reshape::{UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D};
pub(crate) use rules::TypeCx;

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

/// Layers without hyper-parameters.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// Declares [`Op`] from its non-activation variants (written once): the enum with the
/// activations as one untagged variant, the enum that reads a non-activation layer on its own
/// (so that a wrong key is reported against the kind's keys), and the kind names.
macro_rules! ops {
    ($($(#[$doc:meta])* $variant:ident($ty:ty),)*) => {
        /// One layer operation. In JSON the variant is the `kind` key and its hyper-parameters
        /// sit beside it in the layer object (`{"kind": "Dense", "units": 64, ...}`).
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind")]
        pub enum Op {
            $($(#[$doc])* $variant($ty),)*
            /// An activation ([`Activation`]); in JSON its own `kind` (`"ReLU"`,
            /// `"Sigmoid"`, ...).
            #[serde(untagged)]
            Activation(Activation),
        }

        /// The non-activation layers, read by their `kind` tag alone.
        #[derive(Deserialize)]
        #[serde(tag = "kind")]
        pub(crate) enum Structural {
            $($variant($ty),)*
        }

        impl From<Structural> for Op {
            fn from(s: Structural) -> Op {
                match s {
                    $(Structural::$variant(x) => Op::$variant(x),)*
                }
            }
        }

        impl Op {
            /// The `kind` names of the layers that are not activations
            /// ([`Activation::KINDS`]).
            pub const STRUCTURAL_KINDS: &[&str] = &[$(stringify!($variant),)*];

            /// The `kind` name (`"Conv2D"`).
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Op::$variant(_) => stringify!($variant),)*
                    Op::Activation(a) => a.kind(),
                }
            }
        }
    };
}

ops! {
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
    /// Every `kind` name, for error messages.
    pub fn all_kinds() -> String {
        Op::STRUCTURAL_KINDS
            .iter()
            .chain(Activation::KINDS)
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The ReLU activation (`Op::Activation(Activation::ReLU(NoParams {}))`).
    pub fn relu() -> Self {
        Op::Activation(Activation::ReLU(NoParams {}))
    }

    /// A leaky ReLU with slope `alpha` for negative inputs.
    pub fn leaky_relu(alpha: f64) -> Self {
        Op::Activation(Activation::LeakyReLU(LeakyReLU { alpha }))
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
