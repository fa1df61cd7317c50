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

    /// The real-range test of the straight-through mask: 1 inside, 0 outside.
    #[inline(always)]
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
#[inline(always)]
fn round_ties_even(x: f32) -> f32 {
    if x == -0.5 { 0.0 } else { x.round_ties_even() }
}

/// burn's `sign`: -1, 0 or 1 (0 for ±0).
#[inline(always)]
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

/// One block of one type's copies and masks, compiled for the widest vector instructions the
/// CPU has (without SSE4.1, `floor`, `ceil` and `round_ties_even` are library calls).
fn fill(g: &Grid, x: &[f32], q: &mut [f32], inside: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { fill_avx2(g, x, q, inside) };
            return;
        }
        if std::arch::is_x86_feature_detected!("sse4.1") {
            // SAFETY: the CPU has SSE4.1 (checked just above).
            unsafe { fill_sse41(g, x, q, inside) };
            return;
        }
    }
    fill_rounding(g, x, q, inside);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn fill_avx2(g: &Grid, x: &[f32], q: &mut [f32], inside: &mut [f32]) {
    fill_rounding(g, x, q, inside);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse4.1")]
unsafe fn fill_sse41(g: &Grid, x: &[f32], q: &mut [f32], inside: &mut [f32]) {
    fill_rounding(g, x, q, inside);
}

/// Picks the rounding outside the loop, so that each loop is one straight vectorisable body.
#[inline(always)]
fn fill_rounding(g: &Grid, x: &[f32], q: &mut [f32], inside: &mut [f32]) {
    match g.rounding {
        Rounding::Trn => fill_overflow(g, x, q, inside, |s| s.floor()),
        Rounding::TrnZero => fill_overflow(g, x, q, inside, |s| s.trunc()),
        Rounding::Rnd => fill_overflow(g, x, q, inside, |s| (s + 0.5).floor()),
        Rounding::RndMinInf => fill_overflow(g, x, q, inside, |s| (s - 0.5).ceil()),
        Rounding::RndConv => fill_overflow(g, x, q, inside, round_ties_even),
        Rounding::RndZero => fill_overflow(g, x, q, inside, |s| sign(s) * (s.abs() - 0.5).ceil()),
        Rounding::RndInf => fill_overflow(g, x, q, inside, |s| sign(s) * (s.abs() + 0.5).floor()),
    }
}

/// Picks the overflow outside the loop.
#[inline(always)]
fn fill_overflow(
    g: &Grid,
    x: &[f32],
    q: &mut [f32],
    inside: &mut [f32],
    round: impl Fn(f32) -> f32,
) {
    let (lo, hi) = (g.lo, g.hi);
    match g.overflow {
        Overflow::Sat => fill_loop(g, x, q, inside, &round, |r| r.clamp(lo, hi)),
        Overflow::SatSym if g.signed => fill_loop(g, x, q, inside, &round, |r| r.clamp(-hi, hi)),
        Overflow::SatSym => fill_loop(g, x, q, inside, &round, |r| r.clamp(lo, hi)),
        Overflow::SatZero => fill_loop(g, x, q, inside, &round, |r| {
            if r < lo || r > hi { 0.0 } else { r }
        }),
        Overflow::Wrap => {
            let span = (hi - lo) + 1.0;
            fill_loop(g, x, q, inside, &round, |r| {
                r - ((r - lo) / span).floor() * span
            })
        }
    }
}

/// The `quantized_value` of `supernet::quant` (scale, round, overflow, rescale) and the
/// straight-through mask, element by element, in the same `f32` operations.
#[inline(always)]
fn fill_loop(
    g: &Grid,
    x: &[f32],
    q: &mut [f32],
    inside: &mut [f32],
    round: impl Fn(f32) -> f32,
    overflow: impl Fn(f32) -> f32,
) {
    let lsb = g.lsb;
    for ((qv, iv), &v) in q.iter_mut().zip(inside.iter_mut()).zip(x) {
        *qv = overflow(round(v / lsb)) * lsb;
        *iv = g.inside(v);
    }
}
