//! Max and average pooling over non-overlapping windows (stride = window, no padding, windows
//! that do not fit are dropped) of `f32` NCHW tensors, and their gradients, on the host.
//!
//! burn-flex pools through its general 3-D path (dilation, padding and an index tensor); the
//! supernet's pools are small non-overlapping windows, a plain loop per plane. The maximum is
//! the first largest value of a window in row-major order, as burn-flex picks it, so the
//! gradient goes to the same element on ties (frequent after a ReLU).

use super::cpu_conv::for_each_chunk;
use crate::space::PoolKind;

/// Shape of one pooling: input `[n, c, h, w]`, window `[kh, kw]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Windows {
    pub planes: usize,
    pub h: usize,
    pub w: usize,
    pub k: [usize; 2],
}

impl Windows {
    pub fn output(&self) -> (usize, usize) {
        (self.h / self.k[0], self.w / self.k[1])
    }

    /// The flat in-plane index of the largest element of window `(oy, ox)` (the first on ties).
    #[inline]
    fn argmax(&self, plane: &[f32], oy: usize, ox: usize) -> usize {
        let mut best = oy * self.k[0] * self.w + ox * self.k[1];
        for i in 0..self.k[0] {
            for j in 0..self.k[1] {
                let at = (oy * self.k[0] + i) * self.w + ox * self.k[1] + j;
                if plane[at] > plane[best] {
                    best = at;
                }
            }
        }
        best
    }
}

/// The pooled tensor `[n, c, oh, ow]`.
pub(crate) fn forward(x: &[f32], s: &Windows, kind: PoolKind) -> Vec<f32> {
    let (oh, ow) = s.output();
    let area = (s.k[0] * s.k[1]) as f32;
    let mut y = vec![0.0f32; s.planes * oh * ow];
    if oh * ow == 0 {
        return y;
    }
    for_each_chunk(&mut y, oh * ow, |p, out| {
        let plane = &x[p * s.h * s.w..][..s.h * s.w];
        for oy in 0..oh {
            for ox in 0..ow {
                out[oy * ow + ox] = match kind {
                    PoolKind::Max => plane[s.argmax(plane, oy, ox)],
                    PoolKind::Avg => {
                        let mut sum = 0.0f32;
                        for i in 0..s.k[0] {
                            let row = (oy * s.k[0] + i) * s.w + ox * s.k[1];
                            for &v in &plane[row..row + s.k[1]] {
                                sum += v;
                            }
                        }
                        sum / area
                    }
                };
            }
        }
    });
    y
}

/// The input's gradient `[n, c, h, w]` given the output's `dy`.
pub(crate) fn backward(x: &[f32], dy: &[f32], s: &Windows, kind: PoolKind) -> Vec<f32> {
    let (oh, ow) = s.output();
    let area = (s.k[0] * s.k[1]) as f32;
    let mut dx = vec![0.0f32; s.planes * s.h * s.w];
    if s.h * s.w == 0 {
        return dx;
    }
    for_each_chunk(&mut dx, s.h * s.w, |p, d| {
        let plane = &x[p * s.h * s.w..][..s.h * s.w];
        let g = &dy[p * oh * ow..][..oh * ow];
        for oy in 0..oh {
            for ox in 0..ow {
                let v = g[oy * ow + ox];
                match kind {
                    PoolKind::Max => d[s.argmax(plane, oy, ox)] += v,
                    PoolKind::Avg => {
                        for i in 0..s.k[0] {
                            let row = (oy * s.k[0] + i) * s.w + ox * s.k[1];
                            for a in &mut d[row..row + s.k[1]] {
                                *a += v / area;
                            }
                        }
                    }
                }
            }
        }
    });
    dx
}
