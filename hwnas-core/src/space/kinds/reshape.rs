//! Flatten, UpSampling1D/2D and ZeroPadding1D/2D: layers that move values without arithmetic.

use super::{At, KindRules, Setting};
use crate::ir::{NoParams, Op, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D};
use crate::space::layer::{LayerKind, LayerSpec};

pub(super) struct Reshape;

impl LayerSpec {
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
}

/// The layer of a Flatten, UpSampling or ZeroPadding op.
pub(super) fn from_op(n: &str, op: &Op) -> LayerSpec {
    match op {
        Op::UpSampling1D(u) => LayerSpec::upsampling1d(n, u.size),
        Op::UpSampling2D(u) => LayerSpec::upsampling2d(n, u.size),
        Op::ZeroPadding1D(z) => LayerSpec::zero_padding1d(n, [z.left, z.right]),
        Op::ZeroPadding2D(z) => LayerSpec::zero_padding2d(n, [z.top, z.bottom, z.left, z.right]),
        _ => LayerSpec::flatten(n),
    }
}

impl KindRules for Reshape {
    fn op(&self, l: &LayerSpec, _at: At) -> Op {
        match l.kind {
            LayerKind::UpSampling1D => Op::UpSampling1D(UpSampling1D { size: l.size[1] }),
            LayerKind::UpSampling2D => Op::UpSampling2D(UpSampling2D { size: l.size }),
            LayerKind::ZeroPadding1D => Op::ZeroPadding1D(ZeroPadding1D {
                left: l.pad[2],
                right: l.pad[3],
            }),
            LayerKind::ZeroPadding2D => Op::ZeroPadding2D(ZeroPadding2D {
                top: l.pad[0],
                bottom: l.pad[1],
                left: l.pad[2],
                right: l.pad[3],
            }),
            _ => Op::Flatten(NoParams {}),
        }
    }

    fn settings(&self, l: &LayerSpec) -> &'static [Setting] {
        match l.kind {
            LayerKind::UpSampling1D | LayerKind::UpSampling2D => &[Setting::Size],
            LayerKind::ZeroPadding1D | LayerKind::ZeroPadding2D => &[Setting::Pad],
            _ => &[],
        }
    }

    fn check(&self, l: &LayerSpec) -> std::result::Result<(), String> {
        match l.kind {
            LayerKind::UpSampling1D if l.size[0] != 1 || l.size[1] == 0 => Err(format!(
                "upsampling size {} is invalid; the repetition factor must be at least 1",
                l.size[1]
            )),
            LayerKind::UpSampling2D if l.size.contains(&0) => Err(format!(
                "upsampling size {:?} is invalid; both repetition factors must be at least 1",
                l.size
            )),
            LayerKind::ZeroPadding1D if l.pad[..2] != [0, 0] => Err(format!(
                "ZeroPadding1D pads only the length: pad must be [0, 0, left, right], got {:?}",
                l.pad
            )),
            _ => Ok(()),
        }
    }
}
