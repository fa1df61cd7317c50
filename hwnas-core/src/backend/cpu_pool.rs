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

    /// The flat in-plane index of the largest element of window `(oy, ox)`: the first in
    /// row-major order on ties, and the first element when the window holds a NaN there.
    #[inline(always)]
    fn argmax(&self, plane: &[f32], oy: usize, ox: usize) -> usize {
        let [kh, kw] = self.k;
        let top = oy * kh * self.w + ox * kw;
        if self.k == [2, 2] {
            let (r0, r1) = (&plane[top..top + 2], &plane[top + self.w..top + self.w + 2]);
            let (mut best, mut at) = (r0[0], top);
            if r0[1] > best {
                (best, at) = (r0[1], top + 1);
            }
            if r1[0] > best {
                (best, at) = (r1[0], top + self.w);
            }
            if r1[1] > best {
                at = top + self.w + 1;
            }
            return at;
        }
        let (mut best, mut at) = (plane[top], top);
        for i in 0..kh {
            let start = top + i * self.w;
            for (j, &v) in plane[start..start + kw].iter().enumerate() {
                if v > best {
                    (best, at) = (v, start + j);
                }
            }
        }
        at
    }

    /// The sum of window `(oy, ox)` in row-major order.
    #[inline(always)]
    fn sum(&self, plane: &[f32], oy: usize, ox: usize) -> f32 {
        let [kh, kw] = self.k;
        let top = oy * kh * self.w + ox * kw;
        let mut sum = 0.0f32;
        for i in 0..kh {
            let start = top + i * self.w;
            for &v in &plane[start..start + kw] {
                sum += v;
            }
        }
        sum
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
    let plane_len = s.h * s.w;
    match kind {
        PoolKind::Max => for_each_chunk(&mut y, oh * ow, |p, out| {
            let plane = &x[p * plane_len..][..plane_len];
            for oy in 0..oh {
                for ox in 0..ow {
                    out[oy * ow + ox] = plane[s.argmax(plane, oy, ox)];
                }
            }
        }),
        PoolKind::Avg => for_each_chunk(&mut y, oh * ow, |p, out| {
            let plane = &x[p * plane_len..][..plane_len];
            for oy in 0..oh {
                for ox in 0..ow {
                    out[oy * ow + ox] = s.sum(plane, oy, ox) / area;
                }
            }
        }),
    }
    y
}

/// The input's gradient `[n, c, h, w]` given the output's `dy`.
pub(crate) fn backward(x: &[f32], dy: &[f32], s: &Windows, kind: PoolKind) -> Vec<f32> {
    let (oh, ow) = s.output();
    let area = (s.k[0] * s.k[1]) as f32;
    let mut dx = vec![0.0f32; s.planes * s.h * s.w];
    let plane_len = s.h * s.w;
    if plane_len == 0 {
        return dx;
    }
    match kind {
        PoolKind::Max => for_each_chunk(&mut dx, plane_len, |p, d| {
            let plane = &x[p * plane_len..][..plane_len];
            let g = &dy[p * oh * ow..][..oh * ow];
            for oy in 0..oh {
                for ox in 0..ow {
                    d[s.argmax(plane, oy, ox)] += g[oy * ow + ox];
                }
            }
        }),
        PoolKind::Avg => for_each_chunk(&mut dx, plane_len, |p, d| {
            let g = &dy[p * oh * ow..][..oh * ow];
            for oy in 0..oh {
                for ox in 0..ow {
                    let v = g[oy * ow + ox] / area;
                    for i in 0..s.k[0] {
                        let start = (oy * s.k[0] + i) * s.w + ox * s.k[1];
                        for a in &mut d[start..start + s.k[1]] {
                            *a += v;
                        }
                    }
                }
            }
        }),
    }
    dx
}
