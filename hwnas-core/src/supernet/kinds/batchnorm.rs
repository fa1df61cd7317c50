//! BatchNorm in the supernet: scale and shift trained, running statistics updated after each
//! step (PyTorch's momentum), the width mask of the layer before applied again after the shift,
//! and that layer's result bits applied after the normalisation (the export folds it).

use crate::backend::TrainBackend;
use burn::tensor::Tensor;

use crate::space::LayerSpec;
use crate::supernet::net::{Act, Ctx, LayerIds, Pass, Supernet, add_channels, mul_channels};
use crate::supernet::params::{Bound, Group, ParamStore};

/// Weight of a batch's statistics in BatchNorm's running statistics (PyTorch's default).
const BN_MOMENTUM: f64 = 0.1;

/// Stored-tensor ids of a BatchNorm layer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BnIds {
    pub gamma: usize,
    pub beta: usize,
    pub mean: usize,
    pub var: usize,
}

impl BnIds {
    /// The ids with the IR's parameter names.
    pub fn named(self) -> [(&'static str, usize); 4] {
        [
            ("gamma", self.gamma),
            ("beta", self.beta),
            ("mean", self.mean),
            ("variance", self.var),
        ]
    }
}

/// `gamma = 1`, `beta = 0` (trained) and the running statistics `mean = 0`, `variance = 1`.
pub(super) fn tensors<B: TrainBackend>(
    l: &LayerSpec,
    input: &[usize],
    store: &mut ParamStore<B>,
) -> LayerIds {
    let c = *input.last().unwrap_or(&1);
    let mut add = |n: &str, v: f32, g| store.add(format!("{}.{n}", l.name), vec![c], vec![v; c], g);
    LayerIds::BatchNorm(BnIds {
        gamma: add("gamma", 1.0, Group::Weight),
        beta: add("beta", 0.0, Group::Weight),
        mean: add("mean", 0.0, Group::Buffer),
        var: add("variance", 1.0, Group::Buffer),
    })
}

pub(super) fn forward<B: TrainBackend>(
    net: &Supernet<B>,
    li: usize,
    bn: BnIds,
    act: Act<B>,
    pass: &mut Pass<'_, B>,
) -> Act<B> {
    let l = &net.spec.layers[li];
    let (bound, probs) = (pass.bound, pass.probs);
    let c = *net.shapes[li].0.last().unwrap_or(&1);
    let y = match act {
        Act::Map(x) => {
            let [n, _, h, w] = x.dims();
            let batch = || {
                let xc = x.clone().permute([1, 0, 2, 3]).reshape([c, n * h * w]);
                let (var, mean) = xc.var_mean_bias(1);
                (mean.reshape([c]), var.reshape([c]))
            };
            let (scale, shift) = affine(net, l.epsilon, bn, bound, pass.ctx, batch);
            let mut y = add_channels(mul_channels(x, scale), shift);
            if let Some(m) = pass.mask.as_ref() {
                y = mul_channels(y, m.clone());
            }
            Act::Map(y)
        }
        Act::Flat(x) => {
            let batch = || {
                let (var, mean) = x.clone().var_mean_bias(0);
                (mean.reshape([c]), var.reshape([c]))
            };
            let (scale, shift) = affine(net, l.epsilon, bn, bound, pass.ctx, batch);
            let mut y = x * scale.unsqueeze_dim(0) + shift.unsqueeze_dim(0);
            if let Some(m) = pass.mask.as_ref() {
                y = y * m.clone().unsqueeze_dim(0);
            }
            Act::Flat(y)
        }
    };
    // The searched result type of the layer before, applied after the
    // normalisation (the export folds this BatchNorm into that layer).
    if li > 0 && net.spec.result_after_batchnorm(li - 1) {
        net.quantize_result(li - 1, y, probs, pass.ctx)
    } else {
        y
    }
}

/// BatchNorm's per-channel `(scale, shift)`: from the batch statistics that `batch` computes
/// (`(mean, var)`, each `[c]`) while training, which also updates the running statistics,
/// else from the running statistics.
fn affine<B: TrainBackend>(
    net: &Supernet<B>,
    eps: f64,
    bn: BnIds,
    bound: &Bound<B>,
    ctx: &mut Ctx<B>,
    batch: impl FnOnce() -> (Tensor<B, 1>, Tensor<B, 1>),
) -> (Tensor<B, 1>, Tensor<B, 1>) {
    let gamma = bound.leaves[bn.gamma].clone();
    let beta = bound.leaves[bn.beta].clone();
    let run_mean = net.store.entries[bn.mean].value.clone();
    let run_var = net.store.entries[bn.var].value.clone();
    let (mean, var) = if ctx.train {
        let (mean, var) = batch();
        // Running statistics: the batch's weighed in by BN_MOMENTUM, applied after the step.
        let blend = |run: Tensor<B::InnerBackend, 1>, batch: &Tensor<B, 1>| {
            run.mul_scalar(1.0 - BN_MOMENTUM) + batch.clone().inner().mul_scalar(BN_MOMENTUM)
        };
        ctx.bn_updates.push((bn.mean, blend(run_mean, &mean)));
        ctx.bn_updates.push((bn.var, blend(run_var, &var)));
        (mean, var)
    } else {
        (Tensor::from_inner(run_mean), Tensor::from_inner(run_var))
    };
    let scale = gamma / var.add_scalar(eps).sqrt();
    let shift = beta - mean * scale.clone();
    (scale, shift)
}
