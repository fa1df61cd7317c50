//! The supernet's fake-quantised copies on the host, in one pass over the tensor.
//!
//! burn builds each copy from six to ten whole-tensor operations (scale, round, clamp, rescale,
//! two comparisons for the straight-through mask, ...) and the mixture concatenates them; here
//! every element is read once and all its copies and masks are written in the same pass. The
//! arithmetic is the same `f32` operations in the same order, so the values are identical.

use rayon::prelude::*;

use crate::fixed::{FixedType, Overflow, Rounding};

/// One type's constants in `f32`.
#[derive(Debug, Clone, Copy)]
struct Grid {
    lsb: f32,
    /// Raw range.
    lo: f32,
    hi: f32,
    /// Real range (where the straight-through gradient is 1).
    real_lo: f32,
    real_hi: f32,
    rounding: Rounding,
    overflow: Overflow,
    signed: bool,
}

impl Grid {
    fn of(t: &FixedType) -> Grid {
        let lsb = t.lsb() as f32;
        let (lo, hi) = (t.min_raw() as f32, t.max_raw() as f32);
        Grid {
            lsb,
            lo,
            hi,
            real_lo: lo * lsb,
            real_hi: hi * lsb,
            rounding: t.rounding,
            overflow: t.overflow,
            signed: t.signed,
        }
    }

    /// `quantized_value` of `supernet::quant` for one element.
    #[inline]
    fn quantize(&self, x: f32) -> f32 {
        let s = x / self.lsb;
        let r = match self.rounding {
            Rounding::Trn => s.floor(),
            Rounding::TrnZero => s.trunc(),
            Rounding::Rnd => (s + 0.5).floor(),
            Rounding::RndMinInf => (s - 0.5).ceil(),
            Rounding::RndConv => round_ties_even(s),
            Rounding::RndZero => sign(s) * (s.abs() - 0.5).ceil(),
            Rounding::RndInf => sign(s) * (s.abs() + 0.5).floor(),
        };
        let r = match self.overflow {
            Overflow::Sat => r.clamp(self.lo, self.hi),
            Overflow::SatSym if self.signed => r.clamp(-self.hi, self.hi),
            Overflow::SatSym => r.clamp(self.lo, self.hi),
            Overflow::SatZero => {
                if r < self.lo || r > self.hi {
                    0.0
                } else {
                    r
                }
            }
            Overflow::Wrap => {
                let span = (self.hi - self.lo) + 1.0;
                r - ((r - self.lo) / span).floor() * span
            }
        };
        r * self.lsb
    }

    #[inline]
    fn inside(&self, x: f32) -> f32 {
        if x < self.real_lo || x > self.real_hi {
            0.0
        } else {
            1.0
        }
    }
}

/// Ties to even as burn-flex computes it, down to the sign of a zero result: burn steps an odd
/// tie back towards zero, so `-0.5` gives `+0` where `f32::round_ties_even` gives `-0`.
#[inline]
fn round_ties_even(x: f32) -> f32 {
    if x == -0.5 { 0.0 } else { x.round_ties_even() }
}

/// burn's `sign`: -1, 0 or 1 (0 for ±0).
#[inline]
fn sign(x: f32) -> f32 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// `[copies, inside]`, each `[types.len()][x.len()]` row-major.
pub(crate) fn copies(x: &[f32], types: &[FixedType]) -> [Vec<f32>; 2] {
    let grids: Vec<Grid> = types.iter().map(Grid::of).collect();
    let n = x.len();
    let mut q = vec![0.0f32; grids.len() * n];
    let mut inside = vec![0.0f32; grids.len() * n];
    const BLOCK: usize = 4096;
    if n == 0 {
        return [q, inside];
    }
    for (g, (qr, ir)) in grids.iter().zip(q.chunks_mut(n).zip(inside.chunks_mut(n))) {
        let blocks = qr.par_chunks_mut(BLOCK).zip(ir.par_chunks_mut(BLOCK));
        blocks.enumerate().for_each(|(bi, (qb, ib))| {
            fill(g, &x[bi * BLOCK..][..qb.len()], qb, ib);
        });
    }
    [q, inside]
}

/// One block of one type's copies and masks, with the CPU's rounding instructions where it has
/// them (SSE4.1; without it `floor`, `ceil` and `round_ties_even` are library calls).
fn fill(g: &Grid, x: &[f32], q: &mut [f32], inside: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("sse4.1") {
            // SAFETY: the CPU has SSE4.1 (checked just above).
            unsafe { fill_sse41(g, x, q, inside) };
            return;
        }
    }
    fill_portable(g, x, q, inside);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse4.1")]
unsafe fn fill_sse41(g: &Grid, x: &[f32], q: &mut [f32], inside: &mut [f32]) {
    fill_portable(g, x, q, inside);
}

#[inline(always)]
fn fill_portable(g: &Grid, x: &[f32], q: &mut [f32], inside: &mut [f32]) {
    for ((qv, iv), &v) in q.iter_mut().zip(inside.iter_mut()).zip(x) {
        *qv = g.quantize(v);
        *iv = g.inside(v);
    }
}
