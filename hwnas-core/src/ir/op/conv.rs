//! Conv1D and Conv2D: convolutions over channels-last maps.

use serde::{Deserialize, Serialize};

use super::Padding;
use super::dense::{kernel_types, with_bias, yes};
use super::rules::{
    OpRules, ShapeResult, TypeCx, checked_terms, kernel_macs, need_rank, positive, window,
};
use crate::ir::analysis::LayerTypes;

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

impl Conv1D {
    /// Products summed per output (`kernel x c_in`), or why the count overflows.
    fn terms(&self, input: &[usize]) -> Result<usize, String> {
        checked_terms(self.kernel.checked_mul(input[1]))
    }
}

impl Conv2D {
    /// Products summed per output (`kh x kw x c_in`), or why the count overflows.
    fn terms(&self, input: &[usize]) -> Result<usize, String> {
        checked_terms(
            self.kernel[0]
                .checked_mul(self.kernel[1])
                .and_then(|n| n.checked_mul(input[2])),
        )
    }
}

impl OpRules for Conv1D {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        positive(&[
            ("filters", self.filters),
            ("kernel", self.kernel),
            ("stride", self.stride),
        ])?;
        need_rank(s, 2, "2-D [length, channels]")?;
        let w = window("length", s[0], self.kernel, self.stride, self.padding)?;
        Ok((vec![w.out, self.filters], vec![w]))
    }

    fn weight_shapes(&self, input: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        let shape = vec![self.kernel, input[1], self.filters];
        with_bias(shape, self.filters, self.use_bias)
    }

    fn macs(&self, input: &[usize], outputs: usize) -> Result<usize, String> {
        kernel_macs(outputs, self.terms(input)?)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        kernel_types(cx, self.use_bias, self.terms(cx.in_shape)?)
    }
}

impl OpRules for Conv2D {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        positive(&[
            ("filters", self.filters),
            ("kernel", self.kernel[0].min(self.kernel[1])),
            ("stride", self.stride[0].min(self.stride[1])),
        ])?;
        need_rank(s, 3, "3-D [height, width, channels]")?;
        let h = window("height", s[0], self.kernel[0], self.stride[0], self.padding)?;
        let w = window("width", s[1], self.kernel[1], self.stride[1], self.padding)?;
        Ok((vec![h.out, w.out, self.filters], vec![h, w]))
    }

    fn weight_shapes(&self, input: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        let shape = vec![self.kernel[0], self.kernel[1], input[2], self.filters];
        with_bias(shape, self.filters, self.use_bias)
    }

    fn macs(&self, input: &[usize], outputs: usize) -> Result<usize, String> {
        kernel_macs(outputs, self.terms(input)?)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        kernel_types(cx, self.use_bias, self.terms(cx.in_shape)?)
    }
}

fn one() -> usize {
    1
}

fn one_one() -> [usize; 2] {
    [1, 1]
}
