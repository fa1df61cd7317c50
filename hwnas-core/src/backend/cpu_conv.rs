//! 2-D convolution and its two gradients on the host, for `f32` NCHW tensors: the whole batch
//! as one matrix product over an im2col buffer.
//!
//! burn-flex convolves each batch item with its own small product and takes both gradients
//! through generic paths (a convolution over transposed copies, a transposed convolution with
//! direct loops). The search's layers are small images (a few pixels to a few hundred) in large
//! batches, where one product over all of the batch's output pixels is several times faster.
//! The im2col buffer is column-major (`[k][row]`, one output pixel per row), so that building it
//! and scattering its gradient back both walk contiguous runs of pixels.

use rayon::prelude::*;

/// Geometry of one convolution (groups 1, dilation 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Geometry {
    /// Batch size.
    pub n: usize,
    /// Input channels, height, width.
    pub c: usize,
    pub h: usize,
    pub w: usize,
    /// Output channels and kernel height, width.
    pub co: usize,
    pub kh: usize,
    pub kw: usize,
    /// Stride and symmetric zero padding, `[h, w]`.
    pub stride: [usize; 2],
    pub pad: [usize; 2],
}

/// Largest im2col buffer, in elements, built at once (16 MiB): larger batches are convolved in
/// chunks of batch items so memory stays bounded on the full-size spaces.
const MAX_COLUMN_ELEMENTS: usize = 1 << 22;

impl Geometry {
    /// Output height and width; `None` when the kernel does not fit the padded input.
    pub fn output(&self) -> Option<(usize, usize)> {
        let oh = (self.h + 2 * self.pad[0]).checked_sub(self.kh)? / self.stride[0] + 1;
        let ow = (self.w + 2 * self.pad[1]).checked_sub(self.kw)? / self.stride[1] + 1;
        Some((oh, ow))
    }

    /// Padded input height and width.
    fn padded(&self) -> (usize, usize) {
        (self.h + 2 * self.pad[0], self.w + 2 * self.pad[1])
    }

    fn pixels(&self) -> usize {
        let (oh, ow) = self.output().expect("checked by the caller");
        oh * ow
    }

    /// Length of an im2col row: one weight per input channel and kernel tap.
    fn taps(&self) -> usize {
        self.c * self.kh * self.kw
    }

    /// Batch items per chunk.
    fn chunk(&self) -> usize {
        (MAX_COLUMN_ELEMENTS / (self.pixels() * self.taps()).max(1)).clamp(1, self.n.max(1))
    }
}

fn parallelism(work: usize) -> gemm::Parallelism {
    // gemm splits its own work; below ~1 MFLOP a second thread costs more than it saves.
    if work >= 1 << 20 && rayon::current_num_threads() > 1 {
        gemm::Parallelism::Rayon(rayon::current_num_threads())
    } else {
        gemm::Parallelism::None
    }
}

/// `dst (m x n) = [dst +] lhs (m x k) · rhs (k x n)`, each matrix given as its first element
/// and its column and row strides (in elements), on gemm's kernels.
///
/// # Safety
/// Every element `ptr + i * rs + j * cs` of each matrix's extent must lie in its buffer, and
/// `dst` must not overlap `lhs` or `rhs`.
unsafe fn product(
    [m, n, k]: [usize; 3],
    dst: (*mut f32, usize, usize),
    accumulate: bool,
    lhs: (*const f32, usize, usize),
    rhs: (*const f32, usize, usize),
) {
    // SAFETY: the caller's contract is gemm's.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.0,
            dst.1 as isize,
            dst.2 as isize,
            accumulate,
            lhs.0,
            lhs.1 as isize,
            lhs.2 as isize,
            rhs.0,
            rhs.1 as isize,
            rhs.2 as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            parallelism(m * n * k),
        );
    }
}

/// A strided view of an NCHW input: element `(b, c, y, x)` at
/// `offset + b * strides[0] + c * strides[1] + y * strides[2] + x * strides[3]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Strided<'a> {
    pub data: &'a [f32],
    pub offset: usize,
    pub strides: [usize; 4],
}

impl<'a> Strided<'a> {
    /// A contiguous NCHW buffer of geometry `g`'s input.
    #[cfg(test)]
    pub fn contiguous(data: &'a [f32], g: &Geometry) -> Self {
        let plane = g.h * g.w;
        Strided {
            data,
            offset: 0,
            strides: [g.c * plane, plane, g.w, 1],
        }
    }
}

/// Batch items `b0..b0 + nb` of `x` as zero-padded NHWC: each kernel row then reads
/// `kw * c` contiguous values, whatever the image's width. The data's own channels-last input
/// (an NCHW view of NHWC data) is read as it lies.
fn padded_nhwc(x: Strided<'_>, g: &Geometry, b0: usize, nb: usize, xp: &mut [f32]) {
    let (hp, wp) = g.padded();
    let [sb, sc, sy, sx] = x.strides;
    for_each_chunk(&mut xp[..nb * hp * wp * g.c], hp * wp * g.c, |b, dst| {
        dst.fill(0.0);
        let base = x.offset + (b0 + b) * sb;
        for y in 0..g.h {
            for xx in 0..g.w {
                let d = &mut dst[((y + g.pad[0]) * wp + xx + g.pad[1]) * g.c..][..g.c];
                let at = base + y * sy + xx * sx;
                if sc == 1 {
                    copy_short(d, &x.data[at..at + g.c]);
                } else {
                    for (ci, v) in d.iter_mut().enumerate() {
                        *v = x.data[at + ci * sc];
                    }
                }
            }
        }
    });
}

/// `dst.copy_from_slice(src)` for the short runs of im2col (a few to a few hundred values):
/// a libc `memcpy` call per run costs more than the copy itself at these lengths.
#[inline]
fn copy_short(dst: &mut [f32], src: &[f32]) {
    assert_eq!(dst.len(), src.len());
    let mut d = dst.chunks_exact_mut(8);
    let mut s = src.chunks_exact(8);
    for (a, b) in (&mut d).zip(&mut s) {
        let v: [f32; 8] = b.try_into().expect("chunks of 8");
        a.copy_from_slice(&v);
    }
    for (a, b) in d.into_remainder().iter_mut().zip(s.remainder()) {
        *a = *b;
    }
}

/// Runs `f(i, chunk)` over the `len`-sized chunks of `buf`, on the thread pool when the buffer
/// is large enough to pay for waking it.
pub(crate) fn for_each_chunk(
    buf: &mut [f32],
    len: usize,
    f: impl Fn(usize, &mut [f32]) + Sync + Send,
) {
    const PARALLEL_ELEMENTS: usize = 1 << 15;
    if buf.len() >= PARALLEL_ELEMENTS && rayon::current_num_threads() > 1 {
        let min = (buf.len() / len / (4 * rayon::current_num_threads())).max(1);
        buf.par_chunks_mut(len)
            .with_min_len(min)
            .enumerate()
            .for_each(|(i, c)| f(i, c));
    } else {
        buf.chunks_mut(len).enumerate().for_each(|(i, c)| f(i, c));
    }
}

/// The im2col rows of `nb` items of padded NHWC input `xp`: row = item * pixels + output
/// pixel, `taps` values each, tap = (i * kw + j) * c + channel.
fn im2col(xp: &[f32], g: &Geometry, nb: usize, col: &mut [f32]) {
    let (oh, ow) = g.output().expect("checked by the caller");
    let (hp, wp) = g.padded();
    let taps = g.taps();
    let run = g.kw * g.c;
    for_each_chunk(&mut col[..nb * oh * ow * taps], oh * ow * taps, |b, dst| {
        for oy in 0..oh {
            for ox in 0..ow {
                let row = &mut dst[(oy * ow + ox) * taps..][..taps];
                for i in 0..g.kh {
                    let iy = oy * g.stride[0] + i;
                    let src = &xp[((b * hp + iy) * wp + ox * g.stride[1]) * g.c..][..run];
                    row[i * run..(i + 1) * run].copy_from_slice(src);
                }
            }
        }
    });
}

/// Adds im2col-shaped gradients `col` of `nb` items into padded NHWC `dxp` (zeroed first).
fn col2im(col: &[f32], g: &Geometry, nb: usize, dxp: &mut [f32]) {
    let (oh, ow) = g.output().expect("checked by the caller");
    let (hp, wp) = g.padded();
    let taps = g.taps();
    let run = g.kw * g.c;
    for_each_chunk(&mut dxp[..nb * hp * wp * g.c], hp * wp * g.c, |b, dst| {
        dst.fill(0.0);
        let src = &col[b * oh * ow * taps..][..oh * ow * taps];
        for oy in 0..oh {
            for ox in 0..ow {
                let row = &src[(oy * ow + ox) * taps..][..taps];
                for i in 0..g.kh {
                    let iy = oy * g.stride[0] + i;
                    let d = &mut dst[(iy * wp + ox * g.stride[1]) * g.c..][..run];
                    for (a, v) in d.iter_mut().zip(&row[i * run..(i + 1) * run]) {
                        *a += v;
                    }
                }
            }
        }
    });
}

/// Padded NHWC gradients of `nb` items written back to NCHW `dx` at item `b0`.
fn unpad_nchw(dxp: &[f32], g: &Geometry, b0: usize, nb: usize, dx: &mut [f32]) {
    let (hp, wp) = g.padded();
    let plane = g.h * g.w;
    for_each_chunk(
        &mut dx[b0 * g.c * plane..(b0 + nb) * g.c * plane],
        g.c * plane,
        |b, dst| {
            let src = &dxp[b * hp * wp * g.c..][..hp * wp * g.c];
            for y in 0..g.h {
                for xx in 0..g.w {
                    let s = &src[((y + g.pad[0]) * wp + xx + g.pad[1]) * g.c..][..g.c];
                    for (ci, &v) in s.iter().enumerate() {
                        dst[ci * plane + y * g.w + xx] = v;
                    }
                }
            }
        },
    );
}

/// `[co][c][kh][kw]` weights as `[co][kh][kw][c]` (the im2col tap order), or back.
fn permute_taps(w: &[f32], g: &Geometry, to_taps: bool) -> Vec<f32> {
    let k2 = g.kh * g.kw;
    let mut out = vec![0.0f32; w.len()];
    for o in 0..g.co {
        for ci in 0..g.c {
            for t in 0..k2 {
                let natural = (o * g.c + ci) * k2 + t;
                let tapped = (o * k2 + t) * g.c + ci;
                if to_taps {
                    out[tapped] = w[natural];
                } else {
                    out[natural] = w[tapped];
                }
            }
        }
    }
    out
}

/// Scratch buffers of one chunk of batch items, kept between calls: every step convolves the
/// same shapes, and fresh buffers would be zeroed on each call for nothing (each use
/// overwrites what it reads).
#[derive(Default)]
struct Scratch {
    xp: Vec<f32>,
    col: Vec<f32>,
    out: Vec<f32>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

impl Scratch {
    /// Runs `f` with buffers of at least the sizes one chunk of `g` needs.
    fn with<R>(g: &Geometry, chunk: usize, f: impl FnOnce(&mut Scratch) -> R) -> R {
        let (hp, wp) = g.padded();
        let grow = |v: &mut Vec<f32>, n: usize| {
            if v.len() < n {
                v.resize(n, 0.0);
            }
        };
        SCRATCH.with(|cell| {
            // A re-entrant call (none today) gets its own buffers instead of a borrow panic.
            let mut own = Scratch::default();
            let mut guard = cell.try_borrow_mut();
            let s = match guard.as_deref_mut() {
                Ok(s) => s,
                Err(_) => &mut own,
            };
            grow(&mut s.xp, chunk * hp * wp * g.c);
            grow(&mut s.col, chunk * g.pixels() * g.taps());
            grow(&mut s.out, chunk * g.pixels() * g.co);
            f(s)
        })
    }
}

/// `y = conv(x, w)`: `x` `[n, c, h, w]`, `w` `[co, c, kh, kw]`, `y` `[n, co, oh, ow]`.
pub(crate) fn forward(x: Strided<'_>, w: &[f32], g: &Geometry) -> Vec<f32> {
    let chunk = g.chunk();
    Scratch::with(g, chunk, |s| forward_with(x, w, g, chunk, s))
}

fn forward_with(
    x: Strided<'_>,
    w: &[f32],
    g: &Geometry,
    chunk: usize,
    s: &mut Scratch,
) -> Vec<f32> {
    let pixels = g.pixels();
    let taps = g.taps();
    let wt = permute_taps(w, g, true);
    let mut y = vec![0.0f32; g.n * g.co * pixels];
    for b0 in (0..g.n).step_by(chunk) {
        let nb = chunk.min(g.n - b0);
        let rows = nb * pixels;
        padded_nhwc(x, g, b0, nb, &mut s.xp);
        im2col(&s.xp, g, nb, &mut s.col);
        // out[o * rows + r] = sum_k col[r * taps + k] * wt[o * taps + k]
        // SAFETY: out is rows x co (column-major), col rows x taps (row-major), wt taps x co
        // (column-major), each inside its buffer; out overlaps neither.
        unsafe {
            product(
                [rows, g.co, taps],
                (s.out.as_mut_ptr(), rows, 1),
                false,
                (s.col.as_ptr(), 1, taps),
                (wt.as_ptr(), taps, 1),
            );
        }
        // [co][item][pixel] -> [item][co][pixel]
        let out = &s.out;
        for_each_chunk(
            &mut y[b0 * g.co * pixels..(b0 + nb) * g.co * pixels],
            pixels,
            |bo, dst| {
                let (b, o) = (bo / g.co, bo % g.co);
                dst.copy_from_slice(&out[o * rows + b * pixels..][..pixels]);
            },
        );
    }
    y
}

/// The gradients of [`forward`] with respect to its input (when `want_x`) and its weight (when
/// `want_w`), given the output's gradient `dy` `[n, co, oh, ow]`.
pub(crate) fn backward(
    x: Strided<'_>,
    w: &[f32],
    dy: &[f32],
    g: &Geometry,
    want: [bool; 2],
) -> [Option<Vec<f32>>; 2] {
    let chunk = g.chunk();
    Scratch::with(g, chunk, |s| backward_with(x, w, dy, g, want, chunk, s))
}

fn backward_with(
    x: Strided<'_>,
    w: &[f32],
    dy: &[f32],
    g: &Geometry,
    want: [bool; 2],
    chunk: usize,
    s: &mut Scratch,
) -> [Option<Vec<f32>>; 2] {
    let pixels = g.pixels();
    let taps = g.taps();
    let wt = permute_taps(w, g, true);
    let mut dx = want[0].then(|| vec![0.0f32; g.n * g.c * g.h * g.w]);
    let mut dwt = want[1].then(|| vec![0.0f32; g.co * taps]);
    for b0 in (0..g.n).step_by(chunk) {
        let nb = chunk.min(g.n - b0);
        let rows = nb * pixels;
        // [item][co][pixel] -> [co][item][pixel]
        for_each_chunk(&mut s.out[..g.co * rows], rows, |o, dst| {
            for b in 0..nb {
                dst[b * pixels..(b + 1) * pixels]
                    .copy_from_slice(&dy[((b0 + b) * g.co + o) * pixels..][..pixels]);
            }
        });
        if let Some(dwt) = dwt.as_mut() {
            padded_nhwc(x, g, b0, nb, &mut s.xp);
            im2col(&s.xp, g, nb, &mut s.col);
            // dwt[o * taps + k] (+)= sum_r out[o * rows + r] * col[r * taps + k]
            // SAFETY: dwt is co x taps row-major, out co x rows row-major, col rows x taps
            // row-major, each inside its buffer; dwt overlaps neither.
            unsafe {
                product(
                    [g.co, taps, rows],
                    (dwt.as_mut_ptr(), 1, taps),
                    b0 > 0,
                    (s.out.as_ptr(), 1, rows),
                    (s.col.as_ptr(), 1, taps),
                );
            }
        }
        if let Some(dx) = dx.as_mut() {
            // col[r * taps + k] = sum_o out[o * rows + r] * wt[o * taps + k]
            // SAFETY: col is rows x taps row-major, out rows x co column-major, wt co x taps
            // row-major, each inside its buffer; col overlaps neither.
            unsafe {
                product(
                    [rows, taps, g.co],
                    (s.col.as_mut_ptr(), 1, taps),
                    false,
                    (s.out.as_ptr(), rows, 1),
                    (wt.as_ptr(), 1, taps),
                );
            }
            col2im(&s.col, g, nb, &mut s.xp);
            unpad_nchw(&s.xp, g, b0, nb, dx);
        }
    }
    [dx, dwt.map(|d| permute_taps(&d, g, false))]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct definition of the convolution, for reference.
    fn naive(x: &[f32], w: &[f32], g: &Geometry) -> Vec<f32> {
        let (oh, ow) = g.output().unwrap();
        let mut y = vec![0.0f32; g.n * g.co * oh * ow];
        for b in 0..g.n {
            for o in 0..g.co {
                for oy in 0..oh {
                    for ox in 0..ow {
                        let mut s = 0.0f64;
                        for ci in 0..g.c {
                            for i in 0..g.kh {
                                for j in 0..g.kw {
                                    let iy = (oy * g.stride[0] + i) as isize - g.pad[0] as isize;
                                    let ix = (ox * g.stride[1] + j) as isize - g.pad[1] as isize;
                                    if iy < 0 || ix < 0 || iy >= g.h as isize || ix >= g.w as isize
                                    {
                                        continue;
                                    }
                                    let xv =
                                        x[((b * g.c + ci) * g.h + iy as usize) * g.w + ix as usize];
                                    let wv = w[((o * g.c + ci) * g.kh + i) * g.kw + j];
                                    s += f64::from(xv) * f64::from(wv);
                                }
                            }
                        }
                        y[((b * g.co + o) * oh + oy) * ow + ox] = s as f32;
                    }
                }
            }
        }
        y
    }

    fn values(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s % 2001) as f32 / 1000.0 - 1.0
            })
            .collect()
    }

    fn geometries() -> Vec<Geometry> {
        let g = |n, c, h, w, co, kh, kw, stride, pad| Geometry {
            n,
            c,
            h,
            w,
            co,
            kh,
            kw,
            stride,
            pad,
        };
        vec![
            g(3, 4, 14, 7, 8, 3, 3, [1, 1], [1, 1]),
            g(2, 3, 9, 8, 5, 5, 5, [2, 3], [2, 1]),
            g(4, 2, 1, 11, 3, 1, 3, [1, 2], [0, 1]),
            g(2, 6, 4, 4, 7, 1, 1, [1, 1], [0, 0]),
            g(1, 2, 3, 1, 4, 3, 3, [1, 1], [1, 1]),
        ]
    }

    fn close(a: &[f32], b: &[f32]) {
        assert_eq!(a.len(), b.len());
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert!(
                (x - y).abs() <= 1e-4 * (1.0 + y.abs()),
                "element {i}: {x} vs {y}"
            );
        }
    }

    #[test]
    fn forward_is_the_convolution() {
        for g in geometries() {
            let x = values(g.n * g.c * g.h * g.w, 1);
            let w = values(g.co * g.c * g.kh * g.kw, 2);
            close(
                &forward(Strided::contiguous(&x, &g), &w, &g),
                &naive(&x, &w, &g),
            );
        }
    }

    /// The gradients are the adjoints of the (linear) convolution: <dy, conv(x, w)> equals
    /// <dx, x> and <dw, w> for every x and w, which pins dx and dw down uniquely.
    #[test]
    fn gradients_are_the_adjoints() {
        for g in geometries() {
            let x = values(g.n * g.c * g.h * g.w, 3);
            let w = values(g.co * g.c * g.kh * g.kw, 4);
            let (oh, ow) = g.output().unwrap();
            let dy = values(g.n * g.co * oh * ow, 5);
            let [dx, dw] = backward(Strided::contiguous(&x, &g), &w, &dy, &g, [true, true]);
            let (dx, dw) = (dx.unwrap(), dw.unwrap());
            // Each gradient element is the convolution's response to a unit input.
            for (idx, &got) in dx.iter().enumerate() {
                let mut e = vec![0.0; x.len()];
                e[idx] = 1.0;
                let y = naive(&e, &w, &g);
                let want: f32 = y.iter().zip(&dy).map(|(a, b)| a * b).sum();
                assert!((got - want).abs() <= 1e-4 * (1.0 + want.abs()), "dx[{idx}]");
            }
            for (idx, &got) in dw.iter().enumerate() {
                let mut e = vec![0.0; w.len()];
                e[idx] = 1.0;
                let y = naive(&x, &e, &g);
                let want: f32 = y.iter().zip(&dy).map(|(a, b)| a * b).sum();
                assert!((got - want).abs() <= 1e-4 * (1.0 + want.abs()), "dw[{idx}]");
            }
        }
    }

    #[test]
    fn chunked_batches_give_the_same_result() {
        // A batch larger than one chunk: the weight gradient accumulates over chunks.
        let g = Geometry {
            n: 300,
            c: 64,
            h: 16,
            w: 16,
            co: 2,
            kh: 3,
            kw: 3,
            stride: [1, 1],
            pad: [1, 1],
        };
        assert!(g.chunk() < g.n);
        let x = values(g.n * g.c * g.h * g.w, 6);
        let w = values(g.co * g.c * g.kh * g.kw, 7);
        let dy = values(g.n * g.co * 16 * 16, 8);
        let [_, dw] = backward(Strided::contiguous(&x, &g), &w, &dy, &g, [false, true]);
        let single = Geometry { n: 1, ..g };
        let per_item = single.c * single.h * single.w;
        let mut want = vec![0.0f32; w.len()];
        for b in 0..g.n {
            let x1 = &x[b * per_item..(b + 1) * per_item];
            let dy1 = &dy[b * 2 * 256..(b + 1) * 2 * 256];
            let [_, d] = backward(
                Strided::contiguous(x1, &single),
                &w,
                dy1,
                &single,
                [false, true],
            );
            for (a, v) in want.iter_mut().zip(d.unwrap()) {
                *a += v;
            }
        }
        close(&dw.unwrap(), &want);
    }
}
