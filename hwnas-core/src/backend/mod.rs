//! The backends the search trains on, and the kernels hwnas brings to them.
//!
//! Training needs automatic differentiation, so the search, the supernet and the trainers are
//! generic over [`TrainBackend`]: burn's [`Autodiff`] over any backend that implements
//! [`Kernels`]. burn's CPU backend (`Flex`) gets hwnas's own convolution (the whole batch as
//! one matrix product, with both gradients), pooling, quantised copies and range reads, and runs
//! its steps on rayon's pool (see `benches/README.md` for why); other backends (CUDA) keep
//! burn's kernels.
//!
//! ```
//! use burn::tensor::{Tensor, ops::ConvOptions};
//! use hwnas_core::backend::TrainBackend;
//!
//! type B = burn::backend::Autodiff<burn::backend::Flex>;
//! let device = Default::default();
//! let x = Tensor::<B, 4>::ones([2, 1, 3, 3], &device).require_grad();
//! let w = Tensor::<B, 4>::ones([1, 1, 3, 3], &device).require_grad();
//! let y = B::conv2d_no_bias(x, w.clone(), ConvOptions::new([1, 1], [1, 1], [1, 1], 1));
//! // The centre pixel sees all nine inputs.
//! assert_eq!(y.clone().slice([0..1, 0..1, 1..2, 1..2]).into_scalar(), 9.0);
//! let grads = y.sum().backward();
//! // Each tap sees the 4 (corner), 6 (edge) or 9 (centre) pixels it reaches, in 2 images.
//! assert_eq!(w.grad(&grads).unwrap().into_data().to_vec::<f32>().unwrap()[4], 18.0);
//! ```

mod cpu_conv;
mod cpu_pool;
mod cpu_quant;

use burn::backend::Autodiff;
use burn::backend::autodiff::NodeId;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::ops::{ConvOptions, FloatTensor, ModuleOps};
use burn::tensor::{DType, Shape, Tensor, TensorData, TensorMetadata, TensorPrimitive};

use crate::fixed::FixedType;
use crate::space::PoolKind;

/// A backend the search can train on: automatic differentiation plus the kernels hwnas
/// provides ([`Kernels`]).
///
/// Implemented for `burn::backend::Autodiff<B>` over every `B: Kernels` (burn's CPU backend
/// and, with the `cuda` feature, its CUDA backend).
pub trait TrainBackend: AutodiffBackend {
    /// [`Kernels::max_abs`] of the inner backend, of any tensor (no gradient).
    fn max_abs<const D: usize>(x: Tensor<Self, D>) -> f32;

    /// [`Kernels::run_step`] of the inner backend: where a step's work runs.
    fn run_step<R: Send>(f: impl FnOnce() -> R + Send) -> R;

    /// [`Kernels::quantized_copies`] of the inner backend.
    fn quantized_copies(
        x: Tensor<Self::InnerBackend, 1>,
        types: &[FixedType],
    ) -> [Tensor<Self::InnerBackend, 2>; 2];

    /// 2-D convolution without bias of `x` `[n, c, h, w]` with `weight` `[c_out, c, kh, kw]`,
    /// differentiable in both.
    fn conv2d_no_bias(
        x: Tensor<Self, 4>,
        weight: Tensor<Self, 4>,
        options: ConvOptions<2>,
    ) -> Tensor<Self, 4>;

    /// Max or average pooling of `x` `[n, c, h, w]` over non-overlapping `kernel` windows
    /// (stride = kernel, no padding; rows and columns that do not fill a window are dropped),
    /// differentiable.
    fn pool2d(x: Tensor<Self, 4>, kernel: [usize; 2], kind: PoolKind) -> Tensor<Self, 4>;
}

/// The kernels the supernet's training spends its time in: burn's by default, hwnas's own where
/// they are faster (burn's CPU backend).
pub trait Kernels: Backend {
    /// The largest magnitude in `x` (0 for an empty tensor), read back to the host.
    fn max_abs(x: FloatTensor<Self>) -> f32 {
        burn_max_abs::<Self>(x)
    }

    /// Runs one training or prediction step `f`: in place by default; on burn's CPU backend on
    /// a thread of rayon's pool ([`on_pool`]).
    fn run_step<R: Send>(f: impl FnOnce() -> R + Send) -> R {
        f()
    }

    /// The quantised copies of `x` (`[numel]`) for each of `types`, and where `x` lies inside
    /// each type's range (1 or 0): two `[types.len(), numel]` tensors. Values are those of
    /// [`fake_quant`](crate::supernet::fake_quant), bit for bit.
    fn quantized_copies(x: FloatTensor<Self>, types: &[FixedType]) -> [FloatTensor<Self>; 2] {
        burn_copies::<Self>(x, types)
    }

    /// [`TrainBackend::pool2d`]'s forward pass.
    fn pool2d_forward(
        x: FloatTensor<Self>,
        kernel: [usize; 2],
        kind: PoolKind,
    ) -> FloatTensor<Self> {
        burn_pool_forward::<Self>(x, kernel, kind)
    }

    /// [`TrainBackend::pool2d`]'s input gradient, given the output's.
    fn pool2d_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        kernel: [usize; 2],
        kind: PoolKind,
    ) -> FloatTensor<Self> {
        burn_pool_backward::<Self>(x, grad, kernel, kind)
    }

    /// Forward convolution without bias.
    fn conv2d_forward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        Self::conv2d(x, weight, None, options)
    }

    /// The gradients of [`conv2d_forward`](Self::conv2d_forward) with respect to its input and
    /// its weight (each only when asked for), given the output's gradient.
    fn conv2d_gradients(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        options: ConvOptions<2>,
        want: [bool; 2],
    ) -> [Option<FloatTensor<Self>>; 2] {
        burn_gradients::<Self>(x, weight, grad, options, want)
    }
}

/// burn's own quantised copies ([`copies_with_burn`](crate::supernet::quant::copies_with_burn)).
fn burn_copies<B: Backend>(x: FloatTensor<B>, types: &[FixedType]) -> [FloatTensor<B>; 2] {
    let x = Tensor::<B, 1>::from_primitive(TensorPrimitive::Float(x));
    crate::supernet::quant::copies_with_burn(x, types).map(|t| t.into_primitive().tensor())
}

/// burn's own largest magnitude (`abs`, then `max`, read back).
fn burn_max_abs<B: Backend>(x: FloatTensor<B>) -> f32 {
    let t = Tensor::<B, 1>::from_primitive(TensorPrimitive::Float(x));
    let n = t.dims()[0];
    if n == 0 {
        return 0.0;
    }
    let v = t.abs().max().into_data().convert::<f32>();
    v.to_vec::<f32>().map(|v| v[0]).unwrap_or(0.0)
}

/// burn's own pooling.
fn burn_pool_forward<B: Backend>(
    x: FloatTensor<B>,
    kernel: [usize; 2],
    kind: PoolKind,
) -> FloatTensor<B> {
    match kind {
        PoolKind::Max => B::max_pool2d(x, kernel, kernel, [0, 0], [1, 1], false),
        PoolKind::Avg => B::avg_pool2d(x, kernel, kernel, [0, 0], true, false),
    }
}

/// burn's own pooling gradient (the maximum's indices recomputed from `x`).
fn burn_pool_backward<B: Backend>(
    x: FloatTensor<B>,
    grad: FloatTensor<B>,
    kernel: [usize; 2],
    kind: PoolKind,
) -> FloatTensor<B> {
    match kind {
        PoolKind::Max => {
            let i = B::max_pool2d_with_indices(x.clone(), kernel, kernel, [0, 0], [1, 1], false);
            B::max_pool2d_with_indices_backward(
                x,
                kernel,
                kernel,
                [0, 0],
                [1, 1],
                false,
                grad,
                i.indices,
            )
            .x_grad
        }
        PoolKind::Avg => B::avg_pool2d_backward(x, grad, kernel, kernel, [0, 0], true, false),
    }
}

/// burn's own convolution gradients.
fn burn_gradients<B: Backend>(
    x: FloatTensor<B>,
    weight: FloatTensor<B>,
    grad: FloatTensor<B>,
    options: ConvOptions<2>,
    want: [bool; 2],
) -> [Option<FloatTensor<B>>; 2] {
    let dx = want[0]
        .then(|| B::conv2d_x_backward(x.clone(), weight.clone(), grad.clone(), options.clone()));
    let dw = want[1].then(|| B::conv2d_weight_backward(x, weight, grad, options));
    [dx, dw]
}

impl Kernels for burn::backend::Flex {
    fn max_abs(x: FloatTensor<Self>) -> f32 {
        match x.as_slice::<f32>() {
            // One pass, no intermediate tensor; NaNs are skipped (`f32::max`).
            Some(v) => v.iter().fold(0.0f32, |m, x| m.max(x.abs())),
            None => burn_max_abs::<Self>(x),
        }
    }

    fn run_step<R: Send>(f: impl FnOnce() -> R + Send) -> R {
        on_pool(f)
    }

    fn pool2d_forward(
        x: FloatTensor<Self>,
        kernel: [usize; 2],
        kind: PoolKind,
    ) -> FloatTensor<Self> {
        let Some(w) = pool_windows(&x, kernel) else {
            return burn_pool_forward::<Self>(x, kernel, kind);
        };
        let (oh, ow) = w.output();
        let x = x.to_contiguous();
        let s = x.shape();
        let y = cpu_pool::forward(f32s(&x), &w, kind);
        host_tensor(y, [s[0], s[1], oh, ow])
    }

    fn pool2d_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        kernel: [usize; 2],
        kind: PoolKind,
    ) -> FloatTensor<Self> {
        let Some(w) = pool_windows(&x, kernel) else {
            return burn_pool_backward::<Self>(x, grad, kernel, kind);
        };
        let (x, dy) = (x.to_contiguous(), grad.to_contiguous());
        let s = x.shape();
        let dx = cpu_pool::backward(f32s(&x), f32s(&dy), &w, kind);
        host_tensor(dx, [s[0], s[1], s[2], s[3]])
    }

    fn quantized_copies(x: FloatTensor<Self>, types: &[FixedType]) -> [FloatTensor<Self>; 2] {
        if x.dtype() != DType::F32 {
            return burn_copies::<Self>(x, types);
        }
        let x = x.to_contiguous();
        let numel = x.shape().num_elements();
        let [q, inside] = cpu_quant::copies(f32s(&x), types);
        let shape = Shape::new([types.len(), numel]);
        [
            burn_flex::FlexTensor::from_data(TensorData::new(q, shape.clone())),
            burn_flex::FlexTensor::from_data(TensorData::new(inside, shape)),
        ]
    }

    fn conv2d_forward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        let Some(g) = host_geometry(&x, &weight, &options) else {
            return Self::conv2d(x, weight, None, options);
        };
        let (oh, ow) = g.output().expect("host_geometry checked it");
        let (x, w) = (host_input(x, &g), weight.to_contiguous());
        let y = cpu_conv::forward(x.view(), f32s(&w), &g);
        host_tensor(y, [g.n, g.co, oh, ow])
    }

    fn conv2d_gradients(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        options: ConvOptions<2>,
        want: [bool; 2],
    ) -> [Option<FloatTensor<Self>>; 2] {
        let Some(g) = host_geometry(&x, &weight, &options) else {
            return burn_gradients::<Self>(x, weight, grad, options, want);
        };
        let (x, w, dy) = (
            host_input(x, &g),
            weight.to_contiguous(),
            grad.to_contiguous(),
        );
        let [dx, dw] = cpu_conv::backward(x.view(), f32s(&w), f32s(&dy), &g, want);
        [
            dx.map(|v| host_tensor(v, [g.n, g.c, g.h, g.w])),
            dw.map(|v| host_tensor(v, [g.co, g.c, g.kh, g.kw])),
        ]
    }
}

#[cfg(feature = "cuda")]
impl Kernels for burn::backend::Cuda {}

/// The windows of a pooling the host kernels handle (`f32`, rank 4, a window of at least one
/// element); `None` sends it to burn's own kernels.
fn pool_windows(x: &burn_flex::FlexTensor, kernel: [usize; 2]) -> Option<cpu_pool::Windows> {
    let s = x.shape();
    if x.dtype() != DType::F32 || s.num_dims() != 4 || kernel.contains(&0) {
        return None;
    }
    Some(cpu_pool::Windows {
        planes: s[0] * s[1],
        h: s[2],
        w: s[3],
        k: kernel,
    })
}

/// The geometry of a convolution the host kernels handle (`f32`, groups 1, dilation 1, a
/// kernel that fits the padded input); `None` sends it to burn's own kernels.
fn host_geometry(
    x: &burn_flex::FlexTensor,
    w: &burn_flex::FlexTensor,
    options: &ConvOptions<2>,
) -> Option<cpu_conv::Geometry> {
    if x.dtype() != DType::F32 || w.dtype() != DType::F32 {
        return None;
    }
    if options.groups != 1 || options.dilation != [1, 1] {
        return None;
    }
    let (xs, ws) = (x.shape(), w.shape());
    if xs.num_dims() != 4 || ws.num_dims() != 4 || xs[1] != ws[1] {
        return None;
    }
    let g = cpu_conv::Geometry {
        n: xs[0],
        c: xs[1],
        h: xs[2],
        w: xs[3],
        co: ws[0],
        kh: ws[2],
        kw: ws[3],
        stride: options.stride,
        pad: options.padding,
    };
    g.output().map(|_| g)
}

/// A convolution input as the kernels read it: its own strided layout when every stride is
/// non-negative (the data's channels-last input, permuted to NCHW, is such a view), else a
/// contiguous copy.
struct HostInput {
    tensor: burn_flex::FlexTensor,
    offset: usize,
    strides: [usize; 4],
}

fn host_input(x: burn_flex::FlexTensor, g: &cpu_conv::Geometry) -> HostInput {
    let layout = x.layout();
    let strides: Option<Vec<usize>> = layout
        .strides()
        .iter()
        .map(|&s| usize::try_from(s).ok())
        .collect();
    match strides {
        Some(s) => HostInput {
            offset: layout.start_offset(),
            strides: [s[0], s[1], s[2], s[3]],
            tensor: x,
        },
        None => {
            let plane = g.h * g.w;
            HostInput {
                tensor: x.to_contiguous(),
                offset: 0,
                strides: [g.c * plane, plane, g.w, 1],
            }
        }
    }
}

impl HostInput {
    fn view(&self) -> cpu_conv::Strided<'_> {
        cpu_conv::Strided {
            data: self.tensor.storage::<f32>(),
            offset: self.offset,
            strides: self.strides,
        }
    }
}

fn f32s(t: &burn_flex::FlexTensor) -> &[f32] {
    t.as_slice::<f32>()
        .expect("a contiguous f32 tensor (checked by host_geometry)")
}

fn host_tensor(values: Vec<f32>, shape: [usize; 4]) -> burn_flex::FlexTensor {
    burn_flex::FlexTensor::from_data(TensorData::new(values, Shape::new(shape)))
}

/// Runs `f` on a thread of rayon's pool, not on the calling thread.
///
/// The CPU kernels (hwnas's and burn-flex's) split their work over rayon's pool, whose threads
/// spin for a while after each piece before they sleep. Called from outside the pool, a training
/// step runs its serial parts on one more thread than there are cores, against the spinning
/// workers; run inside the pool, the step's thread is one of the workers.
///
/// One step at a time enters the pool (steps of other threads wait here, outside it): a worker
/// that waits for a piece of its own step may run other queued jobs meanwhile, and a whole step
/// of another thread run that way, inside the first step's autodiff pass, would wait for locks
/// the first one holds.
pub fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static ONE_STEP: std::sync::Mutex<()> = std::sync::Mutex::new(());
    if rayon::current_thread_index().is_some() {
        return f();
    }
    // A step that panicked (and poisoned the lock) left nothing half-done behind it here.
    let _one = ONE_STEP.lock().unwrap_or_else(|e| e.into_inner());
    let mut out = None;
    rayon::scope(|_| out = Some(f()));
    out.expect("the scope ran its closure")
}

/// The backward step of [`TrainBackend::conv2d_no_bias`].
#[derive(Debug)]
struct Conv2dBackward;

impl<B: Kernels> Backward<B, 2> for Conv2dBackward {
    type State = (NodeId, NodeId, ConvOptions<2>);

    fn backward(
        self,
        ops: Ops<Self::State, 2>,
        grads: &mut Gradients,
        checkpointer: &mut Checkpointer,
    ) {
        let [node_x, node_w] = ops.parents;
        let grad = grads.consume::<B>(&ops.node);
        let (x_state, w_state, options) = ops.state;
        let x = checkpointer.retrieve_node_output::<FloatTensor<B>>(x_state);
        let w = checkpointer.retrieve_node_output::<FloatTensor<B>>(w_state);
        let want = [node_x.is_some(), node_w.is_some()];
        let [dx, dw] = B::conv2d_gradients(x, w, grad, options, want);
        if let (Some(node), Some(dx)) = (node_x, dx) {
            grads.register::<B>(node.id, dx);
        }
        if let (Some(node), Some(dw)) = (node_w, dw) {
            grads.register::<B>(node.id, dw);
        }
    }
}

/// The backward step of [`TrainBackend::pool2d`].
#[derive(Debug)]
struct Pool2dBackward;

impl<B: Kernels> Backward<B, 1> for Pool2dBackward {
    type State = (NodeId, [usize; 2], PoolKind);

    fn backward(
        self,
        ops: Ops<Self::State, 1>,
        grads: &mut Gradients,
        checkpointer: &mut Checkpointer,
    ) {
        let [node_x] = ops.parents;
        let grad = grads.consume::<B>(&ops.node);
        let (x_state, kernel, kind) = ops.state;
        let x = checkpointer.retrieve_node_output::<FloatTensor<B>>(x_state);
        if let Some(node) = node_x {
            grads.register::<B>(node.id, B::pool2d_backward(x, grad, kernel, kind));
        }
    }
}

impl<B: Kernels, C: CheckpointStrategy> TrainBackend for Autodiff<B, C> {
    fn max_abs<const D: usize>(x: Tensor<Self, D>) -> f32 {
        let n = x.shape().num_elements();
        B::max_abs(x.inner().reshape([n]).into_primitive().tensor())
    }

    fn run_step<R: Send>(f: impl FnOnce() -> R + Send) -> R {
        B::run_step(f)
    }

    fn pool2d(x: Tensor<Self, 4>, kernel: [usize; 2], kind: PoolKind) -> Tensor<Self, 4> {
        let x = x.into_primitive().tensor();
        let out = match Pool2dBackward
            .prepare::<C>([x.node.clone()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(mut prep) => {
                let x_state = prep.checkpoint(&x);
                let y = B::pool2d_forward(x.primitive, kernel, kind);
                prep.finish((x_state, kernel, kind), y)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::pool2d_forward(x.primitive, kernel, kind)),
        };
        Tensor::from_primitive(TensorPrimitive::Float(out))
    }

    fn quantized_copies(x: Tensor<B, 1>, types: &[FixedType]) -> [Tensor<B, 2>; 2] {
        B::quantized_copies(x.into_primitive().tensor(), types)
            .map(|t| Tensor::from_primitive(TensorPrimitive::Float(t)))
    }

    fn conv2d_no_bias(
        x: Tensor<Self, 4>,
        weight: Tensor<Self, 4>,
        options: ConvOptions<2>,
    ) -> Tensor<Self, 4> {
        let x = x.into_primitive().tensor();
        let w = weight.into_primitive().tensor();
        let out = match Conv2dBackward
            .prepare::<C>([x.node.clone(), w.node.clone()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(mut prep) => {
                let x_state = prep.checkpoint(&x);
                let w_state = prep.checkpoint(&w);
                let y = B::conv2d_forward(x.primitive, w.primitive, options.clone());
                prep.finish((x_state, w_state, options), y)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(B::conv2d_forward(x.primitive, w.primitive, options))
            }
        };
        Tensor::from_primitive(TensorPrimitive::Float(out))
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::module::conv2d;
    use burn::tensor::{Distribution, Tensor};

    use super::*;

    type B = Autodiff<burn::backend::Flex>;

    fn close(a: Tensor<burn::backend::Flex, 4>, b: Tensor<burn::backend::Flex, 4>) {
        let (a, b) = (
            a.into_data().to_vec::<f32>().unwrap(),
            b.into_data().to_vec::<f32>().unwrap(),
        );
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() <= 1e-4 * (1.0 + y.abs()), "{x} vs {y}");
        }
    }

    /// Values and both gradients equal burn's own convolution, strided and padded, also when
    /// the input is a non-contiguous view.
    #[test]
    fn matches_burns_convolution() {
        let device = Default::default();
        for (xs, ws, stride, pad) in [
            ([3, 4, 14, 7], [8, 4, 3, 3], [1, 1], [1, 1]),
            ([2, 3, 9, 8], [5, 3, 5, 5], [2, 3], [2, 1]),
            ([4, 2, 1, 11], [3, 2, 1, 3], [1, 2], [0, 1]),
        ] {
            // Channels-last data viewed as NCHW, as the network's input is: a strided layout.
            let [n, c, h, w] = xs;
            let x0 = Tensor::<B, 4>::random([n, h, w, c], Distribution::Default, &device)
                .permute([0, 3, 1, 2]);
            let w0 = Tensor::<B, 4>::random(ws, Distribution::Default, &device);
            let opts = ConvOptions::new(stride, pad, [1, 1], 1);
            let y_dims = conv2d(x0.clone(), w0.clone(), None, opts.clone()).dims();
            let dy = Tensor::<B, 4>::random(y_dims, Distribution::Default, &device);
            let run = |ours: bool| {
                let x = x0.clone().require_grad();
                let w = w0.clone().require_grad();
                let y = if ours {
                    <B as TrainBackend>::conv2d_no_bias(x.clone(), w.clone(), opts.clone())
                } else {
                    conv2d(x.clone(), w.clone(), None, opts.clone())
                };
                let g = (y.clone() * dy.clone()).sum().backward();
                (y.inner(), x.grad(&g).unwrap(), w.grad(&g).unwrap())
            };
            let (ya, xa, wa) = run(true);
            let (yb, xb, wb) = run(false);
            close(ya, yb);
            close(xa, xb);
            close(wa, wb);
        }
    }

    /// The host's quantised copies and masks equal burn's, bit for bit, for every rounding
    /// and overflow mode, signed and unsigned, on ties, saturating values, zeros and values
    /// beyond the `f32`-exact range of the scaled grid.
    #[test]
    fn quantized_copies_match_burns_ops() {
        use crate::fixed::{FixedType, Overflow, Rounding};
        let device = Default::default();
        let mut values: Vec<f32> = vec![0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 7.99, -8.0];
        values.extend((0..2000).map(|i| (i as f32 - 1000.0) * 0.013_7));
        values.extend((0..64).map(|i| (i as f32 - 32.0) * 0.125 + 0.0625));
        let x = Tensor::<burn::backend::Flex, 1>::from_floats(values.as_slice(), &device);
        let roundings = [
            Rounding::Trn,
            Rounding::TrnZero,
            Rounding::Rnd,
            Rounding::RndZero,
            Rounding::RndInf,
            Rounding::RndMinInf,
            Rounding::RndConv,
        ];
        let overflows = [
            Overflow::Wrap,
            Overflow::Sat,
            Overflow::SatZero,
            Overflow::SatSym,
        ];
        let mut types = Vec::new();
        for &r in &roundings {
            for &o in &overflows {
                for (w, i, signed) in [(8, 3, true), (4, 1, true), (6, 2, false), (16, 6, true)] {
                    types.push(
                        FixedType::new(w, i, signed)
                            .unwrap()
                            .with_rounding(r)
                            .with_overflow(o),
                    );
                }
            }
        }
        let ours = <burn::backend::Flex as Kernels>::quantized_copies(
            x.clone().into_primitive().tensor(),
            &types,
        );
        let theirs = crate::supernet::quant::copies_with_burn(x, &types);
        for (a, b) in ours.into_iter().zip(theirs) {
            let a = Tensor::<burn::backend::Flex, 2>::from_primitive(TensorPrimitive::Float(a));
            let (a, b) = (
                a.into_data().to_vec::<f32>().unwrap(),
                b.into_data().to_vec::<f32>().unwrap(),
            );
            assert_eq!(a.len(), b.len());
            for (i, (p, q)) in a.iter().zip(&b).enumerate() {
                let t = &types[i / values.len()];
                let v = values[i % values.len()];
                assert_eq!(p.to_bits(), q.to_bits(), "{t} at {v}: {p} vs {q}");
            }
        }
    }

    /// Pooling's values and gradient equal burn's, on odd sizes (dropped rows and columns),
    /// on ties (a ReLU's zeros: the gradient goes to the same element) and on a strided view.
    #[test]
    fn pooling_matches_burns() {
        use burn::tensor::module::{avg_pool2d, max_pool2d};
        let device = Default::default();
        for (shape, k) in [
            ([3, 4, 7, 3], [2, 2]),
            ([2, 3, 9, 8], [3, 2]),
            ([2, 2, 1, 11], [1, 3]),
        ] {
            let [n, c, h, w] = shape;
            // Half the values are exact zeros, so windows tie.
            let x0 = Tensor::<B, 4>::random([n, h, w, c], Distribution::Default, &device)
                .sub_scalar(0.5)
                .clamp_min(0.0)
                .permute([0, 3, 1, 2]);
            for kind in [PoolKind::Max, PoolKind::Avg] {
                let y_dims = <B as TrainBackend>::pool2d(x0.clone(), k, kind).dims();
                let dy = Tensor::<B, 4>::random(y_dims, Distribution::Default, &device);
                let run = |ours: bool| {
                    let x = x0.clone().require_grad();
                    let y = match (ours, kind) {
                        (true, _) => <B as TrainBackend>::pool2d(x.clone(), k, kind),
                        (false, PoolKind::Max) => {
                            max_pool2d(x.clone(), k, k, [0, 0], [1, 1], false)
                        }
                        (false, PoolKind::Avg) => avg_pool2d(x.clone(), k, k, [0, 0], true, false),
                    };
                    let g = (y.clone() * dy.clone()).sum().backward();
                    (y.inner(), x.grad(&g).unwrap())
                };
                let (ya, ga) = run(true);
                let (yb, gb) = run(false);
                assert_eq!(ya.into_data(), yb.into_data(), "{kind:?} {shape:?}");
                assert_eq!(ga.into_data(), gb.into_data(), "{kind:?} {shape:?}");
            }
        }
    }

    /// The largest magnitude equals burn's `abs().max()`, on a strided view too, and is 0 for
    /// an empty tensor.
    #[test]
    fn max_abs_matches_burns() {
        let device = Default::default();
        let x = Tensor::<B, 4>::random([3, 5, 4, 2], Distribution::Default, &device)
            .sub_scalar(0.7)
            .permute([0, 3, 1, 2]);
        let want = x.clone().abs().max().into_scalar();
        assert_eq!(<B as TrainBackend>::max_abs(x.clone()), want);
        assert_eq!(<B as TrainBackend>::max_abs(x.neg()), want);
        let empty = Tensor::<B, 2>::zeros([0, 3], &device);
        assert_eq!(<B as TrainBackend>::max_abs(empty), 0.0);
    }
}
