//! MaxPool1D/2D and AvgPool1D/2D: window reductions, channel by channel.

use serde::{Deserialize, Serialize};

use super::Padding;
use super::rules::{OpRules, ShapeResult, TypeCx, need_rank, positive, window};
use crate::fixed::FixedType;
use crate::ir::analysis::LayerTypes;
use crate::ir::preset::TypePreset;

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

/// A pooling window of either rank.
pub(super) trait Window {
    /// Output shape and window geometry.
    fn shape(&self, input: &[usize]) -> ShapeResult;
    /// Elements per window, or why the count overflows.
    fn size(&self) -> Result<usize, String>;
}

impl Window for Pool1D {
    fn shape(&self, s: &[usize]) -> ShapeResult {
        let stride = self.stride.unwrap_or(self.pool);
        positive(&[("pool", self.pool), ("stride", stride)])?;
        need_rank(s, 2, "2-D [length, channels]")?;
        let w = window("length", s[0], self.pool, stride, self.padding)?;
        Ok((vec![w.out, s[1]], vec![w]))
    }

    fn size(&self) -> Result<usize, String> {
        Ok(self.pool)
    }
}

impl Window for Pool2D {
    fn shape(&self, s: &[usize]) -> ShapeResult {
        let stride = self.stride.unwrap_or(self.pool);
        positive(&[
            ("pool", self.pool[0].min(self.pool[1])),
            ("stride", stride[0].min(stride[1])),
        ])?;
        need_rank(s, 3, "3-D [height, width, channels]")?;
        let h = window("height", s[0], self.pool[0], stride[0], self.padding)?;
        let w = window("width", s[1], self.pool[1], stride[1], self.padding)?;
        Ok((vec![h.out, w.out, s[2]], vec![h, w]))
    }

    fn size(&self) -> Result<usize, String> {
        self.pool[0].checked_mul(self.pool[1]).ok_or_else(|| {
            format!(
                "the pool window {} x {} has more elements than usize holds; use a smaller \
                 `pool`",
                self.pool[0], self.pool[1]
            )
        })
    }
}

/// Maximum over each window: moves data, so its result is its input type unless set.
pub(super) struct Max<'a, P>(pub &'a P);

/// Mean over each window: sums into an accumulator wide enough for the window.
pub(super) struct Avg<'a, P>(pub &'a P);

impl<P: Window> OpRules for Max<'_, P> {
    fn infer_shape(&self, input: &[usize]) -> ShapeResult {
        self.0.shape(input)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        cx.moved_types()
    }
}

impl<P: Window> OpRules for Avg<'_, P> {
    fn infer_shape(&self, input: &[usize]) -> ShapeResult {
        self.0.shape(input)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        let p = cx.precision;
        cx.refuse(
            "weight/bias",
            p.weight.is_some() || p.bias.is_some(),
            "average pooling has no weights",
        )?;
        let pool = self.0.size()?;
        let accum = match (p.accum, cx.preset) {
            (Some(a), _) => a,
            (None, TypePreset::Hwnas) => {
                FixedType::avg_pool_accumulator(&cx.input, pool).map_err(|e| e.to_string())?
            }
            (None, _) => cx.default,
        };
        Ok(LayerTypes {
            accum: Some(accum),
            ..cx.plain(p.result.unwrap_or_else(|| cx.moved()))
        })
    }
}
