//! Layers that only move data: Flatten, UpSampling1D/2D, ZeroPadding1D/2D.

use serde::{Deserialize, Serialize};

use super::rules::{OpRules, ShapeResult, TypeCx, need_rank, padded, positive, upsampled};
use crate::ir::analysis::{LayerTypes, check_elements};

/// The rules of Flatten (reshape to 1-D in `h, w, c` order), which has no hyper-parameters.
pub(super) struct Flatten;

impl OpRules for Flatten {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        Ok((vec![check_elements(s)?], vec![]))
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        cx.result_only("this layer only moves data and has only a result type")?;
        let input = cx.input;
        if cx.precision.result.is_some_and(|r| r != input) {
            return Err(format!(
                "Flatten cannot change the type (its output is an alias of its input {input}); \
                 remove `precision.result` or set the type on the layer before"
            ));
        }
        // An alias of its input in the firmware, whatever the preset.
        Ok(cx.plain(input))
    }
}

/// Nearest-neighbour upsampling of `[length][channels]`: each element repeated `size` times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpSampling1D {
    /// Repetition factor.
    pub size: usize,
}

impl OpRules for UpSampling1D {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        positive(&[("size", self.size)])?;
        need_rank(s, 2, "2-D [length, channels]")?;
        Ok((vec![upsampled("length", s[0], self.size)?, s[1]], vec![]))
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        cx.moved_types()
    }
}

/// Nearest-neighbour upsampling of `[height][width][channels]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpSampling2D {
    /// Repetition factors `[vertical, horizontal]`.
    pub size: [usize; 2],
}

impl OpRules for UpSampling2D {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        positive(&[("size", self.size[0].min(self.size[1]))])?;
        need_rank(s, 3, "3-D [height, width, channels]")?;
        let h = upsampled("height", s[0], self.size[0])?;
        let w = upsampled("width", s[1], self.size[1])?;
        Ok((vec![h, w, s[2]], vec![]))
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        cx.moved_types()
    }
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

impl OpRules for ZeroPadding1D {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        need_rank(s, 2, "2-D [length, channels]")?;
        let n = padded("length", s[0], self.left, self.right, "left`/`right")?;
        Ok((vec![n, s[1]], vec![]))
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        cx.moved_types()
    }
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

impl OpRules for ZeroPadding2D {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        need_rank(s, 3, "3-D [height, width, channels]")?;
        let h = padded("height", s[0], self.top, self.bottom, "top`/`bottom")?;
        let w = padded("width", s[1], self.left, self.right, "left`/`right")?;
        Ok((vec![h, w, s[2]], vec![]))
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        cx.moved_types()
    }
}
