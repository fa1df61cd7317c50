//! The weight-sharing supernet.

use burn::tensor::activation::softmax;
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::module::{avg_pool2d, conv2d, max_pool2d};
use burn::tensor::ops::{ConvOptions, PadMode};
use burn::tensor::{Tensor, TensorData};

use super::params::{Bound, Group, ParamStore, to_vec};
use super::quant::{fake_quant, fake_quant_mix, integer_bits_for};
use crate::fixed::FixedType;
use crate::ir::Activation;
use crate::rng::{Random, SplitMix64};
use crate::space::{Choice, DecisionKind, LayerKind, PoolKind, SearchSpace, SpaceSpec};
use crate::{Error, Result};

/// Probabilities over the options of one decision.
#[derive(Debug, Clone)]
pub(crate) struct Probs<B: AutodiffBackend> {
    /// One value per option (sums to 1).
    pub t: Tensor<B, 1>,
    /// `Some(i)` when `t` is exactly the one-hot vector of option `i` and needs no gradient:
    /// the supernet then computes only that option.
    pub hot: Option<usize>,
}

/// Per-forward state: training mode, BatchNorm statistic updates, observed ranges.
#[derive(Debug)]
pub(crate) struct Ctx<B: AutodiffBackend> {
    /// BatchNorm uses batch statistics and records running-statistic updates.
    pub train: bool,
    /// `(entry id, new value)` of BatchNorm running statistics.
    pub bn_updates: Vec<(usize, Tensor<B::InnerBackend, 1>)>,
    /// Per space layer: largest |weight| seen (kernel layers).
    pub weight_range: Vec<f32>,
    /// Per space layer: largest |result| seen (kernel layers, before result quantisation).
    pub result_range: Vec<f32>,
}

impl<B: AutodiffBackend> Ctx<B> {
    /// A context for a space of `n` layers.
    pub fn new(train: bool, n: usize) -> Self {
        Ctx {
            train,
            bn_updates: Vec::new(),
            weight_range: vec![0.0; n],
            result_range: vec![0.0; n],
        }
    }
}

/// Stored-tensor ids of a Dense/Conv layer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KernelIds {
    pub weight: usize,
    pub bias: usize,
}

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

/// Stored-tensor ids of one layer, by what the layer stores.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LayerIds {
    /// Nothing (activations, pooling, reshapes).
    None,
    /// Weight and bias.
    Kernel(KernelIds),
    /// Scale, shift and running statistics.
    BatchNorm(BnIds),
    /// An activation's trained per-channel tensors (PReLU's slopes): `count` consecutive ids
    /// from `first`, in [`Activation::channel_params`] order.
    Channels { first: usize, count: usize },
}

impl LayerIds {
    /// The ids of an activation's per-channel tensors with their IR names.
    pub fn channel_params(self, a: &Activation) -> Vec<(&'static str, usize)> {
        match self {
            LayerIds::Channels { first, count } => a
                .channel_params()
                .iter()
                .zip(first..first + count)
                .map(|(&(name, _), id)| (name, id))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Weight of a batch's statistics in BatchNorm's running statistics (PyTorch's default).
const BN_MOMENTUM: f64 = 0.1;

/// What one forward pass carries from layer to layer.
struct Pass<'a, B: AutodiffBackend> {
    /// The autodiff leaves of the stored tensors.
    bound: &'a Bound<B>,
    /// One probability vector per decision.
    probs: &'a [Probs<B>],
    /// Training mode, BatchNorm updates and observed ranges.
    ctx: &'a mut Ctx<B>,
    /// The channel mask of the last width decision (unselected channels are zero), which
    /// BatchNorm applies again after its shift; cleared by layers that end it.
    mask: Option<Tensor<B, 1>>,
}

enum Act<B: AutodiffBackend> {
    /// `[n, c, h, w]` (1-D data has `h = 1`).
    Map(Tensor<B, 4>),
    /// `[n, features]`.
    Flat(Tensor<B, 2>),
}

/// A weight-sharing supernet over a [`SpaceSpec`] (DESIGN 2.3): the widest tensors of every
/// layer, width by channel masks, kernel size by centred sub-kernel masks, bit-widths by a
/// mixture of fake-quantised copies, pooling operator and on/off by weighted sums of candidate
/// outputs, and one logit vector per decision.
///
/// Integer bits of quantised tensors without a fixed setting follow the observed range of the
/// current weights / batch ([`integer_bits_for`]).
#[derive(Debug, Clone)]
pub struct Supernet<B: AutodiffBackend> {
    /// The space.
    pub spec: SpaceSpec,
    /// Every stored tensor (weights, logits, BatchNorm statistics).
    pub(crate) store: ParamStore<B>,
    pub(crate) ids: Vec<LayerIds>,
    /// Entry id of the logits of each decision.
    pub(crate) alpha: Vec<usize>,
    /// Per layer: `(input, output)` channels-last shapes at the widest options.
    pub(crate) shapes: Vec<(Vec<usize>, Vec<usize>)>,
    /// Per decision, rows of option masks (width: `[n, c]`, kernel: `[n, kh*kw]`).
    masks: Vec<Option<Tensor<B, 2>>>,
}

impl<B: AutodiffBackend> Supernet<B> {
    /// Builds the supernet with weights drawn from `seed` (Kaiming-uniform, zero biases) and
    /// zero logits.
    ///
    /// # Errors
    /// [`Error::InvalidSpace`] if the space's shapes do not flow.
    pub fn new(spec: &SpaceSpec, device: &B::Device, seed: u64) -> Result<Self> {
        let shapes = spec.shapes()?;
        let mut rng = SplitMix64::new(seed);
        let mut store = ParamStore::new(device);
        let mut ids = Vec::new();
        for (l, s) in spec.layers.iter().zip(&shapes) {
            let cin = *s.input.last().unwrap_or(&1);
            let cout = l.max_width();
            let mut uniform = |store: &mut ParamStore<B>, name: &str, shape: Vec<usize>, fan_in| {
                let a = (6.0 / fan_in as f64).sqrt();
                let n: usize = shape.iter().product();
                let data = (0..n)
                    .map(|_| ((rng.uniform_open() * 2.0 - 1.0) * a) as f32)
                    .collect();
                store.add(format!("{}.{name}", l.name), shape, data, Group::Weight)
            };
            let weight = match l.kind {
                LayerKind::Dense => {
                    let fan = s.input[0];
                    Some(uniform(&mut store, "weight", vec![fan, cout], fan))
                }
                LayerKind::Conv1D | LayerKind::Conv2D => {
                    let k = l.max_kernel();
                    let kh = if l.kind == LayerKind::Conv2D { k } else { 1 };
                    let shape = vec![cout, cin, kh, k];
                    Some(uniform(&mut store, "weight", shape, cin * kh * k))
                }
                _ => None,
            };
            let id = if let Some(weight) = weight {
                let bias = store.add(
                    format!("{}.bias", l.name),
                    vec![cout],
                    vec![0.0; cout],
                    Group::Weight,
                );
                LayerIds::Kernel(KernelIds { weight, bias })
            } else if l.kind == LayerKind::BatchNorm {
                let c = cin;
                let mut add = |n: &str, v: f32, g| {
                    store.add(format!("{}.{n}", l.name), vec![c], vec![v; c], g)
                };
                LayerIds::BatchNorm(BnIds {
                    gamma: add("gamma", 1.0, Group::Weight),
                    beta: add("beta", 0.0, Group::Weight),
                    mean: add("mean", 0.0, Group::Buffer),
                    var: add("variance", 1.0, Group::Buffer),
                })
            } else if l.kind == LayerKind::Activation && !l.activation.channel_params().is_empty() {
                let params = l.activation.channel_params();
                let mut first = None;
                for &(n, v) in params {
                    let id = store.add(
                        format!("{}.{n}", l.name),
                        vec![cin],
                        vec![v; cin],
                        Group::Weight,
                    );
                    first.get_or_insert(id);
                }
                LayerIds::Channels {
                    first: first.unwrap_or(0),
                    count: params.len(),
                }
            } else {
                LayerIds::None
            };
            ids.push(id);
        }
        let mut alpha = Vec::new();
        let mut masks = Vec::new();
        for d in spec.decisions() {
            let n = d.options.len();
            alpha.push(store.add(
                format!("alpha.{}", d.name),
                vec![n],
                vec![0.0; n],
                Group::Arch,
            ));
            let l = &spec.layers[d.layer];
            let rows: Option<(Vec<f32>, usize)> = match d.kind {
                DecisionKind::Width => {
                    let c = l.max_width();
                    let rows = d
                        .options
                        .iter()
                        .flat_map(|o| {
                            let w = choice_value(o);
                            (0..c).map(move |j| if j < w { 1.0 } else { 0.0 })
                        })
                        .collect();
                    Some((rows, c))
                }
                DecisionKind::Kernel => {
                    let k = l.max_kernel();
                    let kh = if l.kind == LayerKind::Conv2D { k } else { 1 };
                    let rows = d
                        .options
                        .iter()
                        .flat_map(|o| {
                            let s = choice_value(o);
                            let off = (k - s) / 2;
                            let offh = if kh == 1 { 0 } else { off };
                            let sh = if kh == 1 { 1 } else { s };
                            (0..kh * k).map(move |p| {
                                let (i, j) = (p / k, p % k);
                                let inside = i >= offh && i < offh + sh && j >= off && j < off + s;
                                if inside { 1.0 } else { 0.0 }
                            })
                        })
                        .collect();
                    Some((rows, kh * k))
                }
                _ => None,
            };
            masks.push(
                rows.map(|(data, cols)| {
                    Tensor::from_data(TensorData::new(data, [n, cols]), device)
                }),
            );
        }
        Ok(Supernet {
            spec: spec.clone(),
            store,
            ids,
            alpha,
            shapes: shapes.into_iter().map(|s| (s.input, s.output)).collect(),
            masks,
        })
    }

    /// The supernet of a `#[searchable]` space `S` (its [`SearchSpace::space`]), weights seeded
    /// by `seed`.
    ///
    /// # Errors
    /// As [`SearchSpace::space`] and [`Supernet::new`].
    pub fn of<S: SearchSpace>(device: &B::Device, seed: u64) -> Result<Self> {
        Self::new(&S::space()?, device, seed)
    }

    /// The supernet of one architecture alone ([`SearchSpace::fixed_space`]): a fixed network,
    /// ready for [`train_fixed`](crate::search::train_fixed) with the indices `&[]`, then
    /// [`derive`](crate::search::derive()) with `&[]` for the trained network.
    ///
    /// # Errors
    /// As [`SearchSpace::fixed_space`] and [`Supernet::new`].
    pub fn fixed<S: SearchSpace>(arch: &S, device: &B::Device, seed: u64) -> Result<Self> {
        Self::new(&arch.fixed_space()?, device, seed)
    }

    /// The device of the stored tensors.
    pub fn device(&self) -> &B::Device {
        &self.store.device
    }

    /// The architecture logits of every decision, on the host.
    pub fn logits(&self) -> Vec<Vec<f32>> {
        self.alpha.iter().map(|&id| self.store.values(id)).collect()
    }

    /// The most probable option of every decision.
    pub fn argmax_indices(&self) -> Vec<usize> {
        self.logits()
            .iter()
            .map(|l| {
                let mut best = 0;
                for (i, v) in l.iter().enumerate() {
                    if *v > l[best] {
                        best = i;
                    }
                }
                best
            })
            .collect()
    }

    /// Constant one-hot probabilities for the option indices `idx`.
    pub(crate) fn probs_fixed(&self, idx: &[usize]) -> Vec<Probs<B>> {
        self.spec
            .decisions()
            .iter()
            .zip(idx)
            .map(|(d, &i)| {
                let mut v = vec![0.0f32; d.options.len()];
                v[i] = 1.0;
                let n = v.len();
                Probs {
                    t: Tensor::from_data(TensorData::new(v, [n]), self.device()),
                    hot: Some(i),
                }
            })
            .collect()
    }

    /// `softmax(alpha)` per decision (no noise): the distribution of the Gumbel-max sample,
    /// used for the expected cost.
    pub(crate) fn probs_expected(&self, bound: &Bound<B>) -> Vec<Tensor<B, 1>> {
        self.alpha
            .iter()
            .map(|&id| softmax(bound.leaves[id].clone(), 0))
            .collect()
    }

    /// Gumbel-softmax samples `softmax((alpha + g) / tau)` per decision. With `hard`, the
    /// forward value is the one-hot argmax and the gradient that of the soft sample
    /// (straight-through). Without `grad`, logits are detached and hard samples take the cheap
    /// single-option path.
    pub(crate) fn probs_sampled(
        &self,
        bound: &Bound<B>,
        rng: &mut SplitMix64,
        tau: f64,
        hard: bool,
        grad: bool,
    ) -> Vec<Probs<B>> {
        self.alpha
            .iter()
            .map(|&id| {
                let mut a = bound.leaves[id].clone();
                if !grad {
                    a = a.detach();
                }
                let n = a.dims()[0];
                let g: Vec<f32> = (0..n).map(|_| rng.gumbel() as f32).collect();
                let g = Tensor::from_data(TensorData::new(g, [n]), self.device());
                let p = softmax((a + g).div_scalar(tau), 0);
                if !hard {
                    return Probs { t: p, hot: None };
                }
                let host = to_vec(p.clone().detach());
                let mut best = 0;
                for (i, v) in host.iter().enumerate() {
                    if *v > host[best] {
                        best = i;
                    }
                }
                let mut one = vec![0.0f32; n];
                one[best] = 1.0;
                let one = Tensor::from_data(TensorData::new(one, [n]), self.device());
                if grad {
                    Probs {
                        t: one + (p.clone() - p.detach()),
                        hot: None,
                    }
                } else {
                    Probs {
                        t: one,
                        hot: Some(best),
                    }
                }
            })
            .collect()
    }

    /// Runs a batch through the supernet.
    ///
    /// # Shapes
    /// `x`: `[batch, prod(input_shape)]`, each row a channels-last sample as in the IR; it is
    /// first quantised to the space's input type, as the firmware's `input_t` would.
    /// Returns `[batch, outputs]` (the last layer's output, flattened in `h, w, c` order).
    ///
    /// # Panics
    /// When `probs` does not have one entry per decision.
    #[track_caller]
    pub(crate) fn forward(
        &self,
        bound: &Bound<B>,
        x: Tensor<B, 2>,
        probs: &[Probs<B>],
        ctx: &mut Ctx<B>,
    ) -> Tensor<B, 2> {
        assert_eq!(probs.len(), self.alpha.len(), "one Probs per decision");
        let n = x.dims()[0];
        // The firmware receives the input as `input_t`: train on the same rounded values.
        let x = fake_quant(x, &self.spec.input_type);
        let s = &self.spec.input_shape;
        let mut act = match s.len() {
            1 => Act::Flat(x),
            2 => Act::Map(x.reshape([n, 1, s[0], s[1]]).permute([0, 3, 1, 2])),
            _ => Act::Map(x.reshape([n, s[0], s[1], s[2]]).permute([0, 3, 1, 2])),
        };
        let mut pass = Pass {
            bound,
            probs,
            ctx,
            mask: None,
        };
        for li in 0..self.spec.layers.len() {
            act = self.layer(li, act, &mut pass);
        }
        match act {
            Act::Flat(t) => t,
            Act::Map(t) => flatten_hwc(t),
        }
    }

    fn dec(&self, li: usize, kind: DecisionKind) -> Option<usize> {
        self.spec.decision_of(li, kind)
    }

    fn layer(&self, li: usize, act: Act<B>, pass: &mut Pass<'_, B>) -> Act<B> {
        let l = &self.spec.layers[li];
        let (bound, probs) = (pass.bound, pass.probs);
        match (l.kind, self.ids[li]) {
            (LayerKind::Dense | LayerKind::Conv1D | LayerKind::Conv2D, LayerIds::Kernel(ids)) => {
                let x_in = match &act {
                    Act::Map(t) => Act::Map(t.clone()),
                    Act::Flat(t) => Act::Flat(t.clone()),
                };
                let out = self.kernel_layer(li, ids, act, pass);
                match self.dec(li, DecisionKind::OnOff) {
                    None => out,
                    Some(d) => match (probs[d].hot, out, x_in) {
                        (Some(0), o, _) => o,
                        (Some(_), _, x) => x,
                        (None, Act::Map(o), Act::Map(x)) => {
                            let p = &probs[d].t;
                            Act::Map(
                                o * bcast4(p.clone().slice(0..1))
                                    + x * bcast4(p.clone().slice(1..2)),
                            )
                        }
                        (None, Act::Flat(o), Act::Flat(x)) => {
                            let p = &probs[d].t;
                            Act::Flat(
                                o * bcast2(p.clone().slice(0..1))
                                    + x * bcast2(p.clone().slice(1..2)),
                            )
                        }
                        _ => unreachable!("on/off layers keep the rank"),
                    },
                }
            }
            (LayerKind::Pool1D | LayerKind::Pool2D, _) => {
                let Act::Map(x) = act else {
                    unreachable!("validated: pooling needs a map")
                };
                let pool = |kind: PoolKind, x: Tensor<B, 4>| match kind {
                    PoolKind::Max => max_pool2d(x, l.pool, l.pool, [0, 0], [1, 1], false),
                    PoolKind::Avg => avg_pool2d(x, l.pool, l.pool, [0, 0], true, false),
                };
                match self.dec(li, DecisionKind::Operator) {
                    None => Act::Map(pool(l.pool_ops[0], x)),
                    Some(d) => match probs[d].hot {
                        Some(i) => Act::Map(pool(l.pool_ops[i], x)),
                        None => {
                            let mut acc: Option<Tensor<B, 4>> = None;
                            for (i, &k) in l.pool_ops.iter().enumerate() {
                                let p = bcast4(probs[d].t.clone().slice(i..i + 1));
                                let y = pool(k, x.clone()) * p;
                                acc = Some(match acc {
                                    Some(a) => a + y,
                                    None => y,
                                });
                            }
                            Act::Map(acc.expect("at least one operator"))
                        }
                    },
                }
            }
            (LayerKind::BatchNorm, LayerIds::BatchNorm(bn)) => {
                let c = *self.shapes[li].0.last().unwrap_or(&1);
                let y = match act {
                    Act::Map(x) => {
                        let [n, _, h, w] = x.dims();
                        let batch = || {
                            let xc = x.clone().permute([1, 0, 2, 3]).reshape([c, n * h * w]);
                            let (var, mean) = xc.var_mean_bias(1);
                            (mean.reshape([c]), var.reshape([c]))
                        };
                        let (scale, shift) = self.bn_affine(l.epsilon, bn, bound, pass.ctx, batch);
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
                        let (scale, shift) = self.bn_affine(l.epsilon, bn, bound, pass.ctx, batch);
                        let mut y = x * scale.unsqueeze_dim(0) + shift.unsqueeze_dim(0);
                        if let Some(m) = pass.mask.as_ref() {
                            y = y * m.clone().unsqueeze_dim(0);
                        }
                        Act::Flat(y)
                    }
                };
                // The searched result type of the layer before, applied after the
                // normalisation (the export folds this BatchNorm into that layer).
                if li > 0 && self.spec.result_after_batchnorm(li - 1) {
                    self.quantize_result(li - 1, y, probs, pass.ctx)
                } else {
                    y
                }
            }
            (LayerKind::Activation, ids) => {
                let params: Vec<Tensor<B, 1>> = ids
                    .channel_params(&l.activation)
                    .into_iter()
                    .map(|(_, id)| bound.leaves[id].clone())
                    .collect();
                // Masked channels stay zero (and out of a Softmax's sum).
                let mask = pass.mask.clone();
                match act {
                    Act::Map(x) => Act::Map(l.activation.forward(x, 1, &params, mask)),
                    Act::Flat(x) => Act::Flat(l.activation.forward(x, 1, &params, mask)),
                }
            }
            (LayerKind::UpSampling1D | LayerKind::UpSampling2D, _) => {
                let Act::Map(x) = act else {
                    unreachable!("validated: upsampling needs a map")
                };
                Act::Map(upsample(x, l.size))
            }
            (LayerKind::ZeroPadding1D | LayerKind::ZeroPadding2D, _) => {
                let Act::Map(x) = act else {
                    unreachable!("validated: zero padding needs a map")
                };
                let [top, bottom, left, right] = l.pad;
                Act::Map(x.pad([(top, bottom), (left, right)], PadMode::Constant(0.0)))
            }
            (LayerKind::Flatten, _) => {
                pass.mask = None;
                match act {
                    Act::Map(x) => Act::Flat(flatten_hwc(x)),
                    flat => flat,
                }
            }
            (kind, ids) => unreachable!("Supernet::new stores {ids:?} for a {kind:?} layer"),
        }
    }

    /// BatchNorm's per-channel `(scale, shift)`: from the batch statistics that `batch` computes
    /// (`(mean, var)`, each `[c]`) while training, which also updates the running statistics,
    /// else from the running statistics.
    fn bn_affine(
        &self,
        eps: f64,
        bn: BnIds,
        bound: &Bound<B>,
        ctx: &mut Ctx<B>,
        batch: impl FnOnce() -> (Tensor<B, 1>, Tensor<B, 1>),
    ) -> (Tensor<B, 1>, Tensor<B, 1>) {
        let gamma = bound.leaves[bn.gamma].clone();
        let beta = bound.leaves[bn.beta].clone();
        let run_mean = self.store.entries[bn.mean].value.clone();
        let run_var = self.store.entries[bn.var].value.clone();
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

    /// Records the output range of kernel layer `li` (derive chooses integer bits from it) and
    /// fake-quantises `y` with the layer's result bits, if it has any.
    fn quantize_result(
        &self,
        li: usize,
        y: Act<B>,
        probs: &[Probs<B>],
        ctx: &mut Ctx<B>,
    ) -> Act<B> {
        let l = &self.spec.layers[li];
        let r = match &y {
            Act::Flat(t) => max_abs(t.clone().unsqueeze::<4>()),
            Act::Map(t) => max_abs(t.clone()),
        };
        ctx.result_range[li] = ctx.result_range[li].max(r);
        if l.result_bits.is_empty() {
            return y;
        }
        let ri = l.result_integer.unwrap_or_else(|| integer_bits_for(r));
        match y {
            Act::Flat(t) => Act::Flat(self.quant_mix(li, DecisionKind::ResultBits, t, ri, probs)),
            Act::Map(t) => Act::Map(self.quant_mix(li, DecisionKind::ResultBits, t, ri, probs)),
        }
    }

    fn quant_type(&self, bits: usize, integer: i32) -> FixedType {
        FixedType::new(bits as u32, integer, true)
            .expect("bits validated in 1..=32")
            .with_rounding(self.spec.quant.rounding)
            .with_overflow(self.spec.quant.overflow)
    }

    /// Mixture of fake-quantised copies of `x` over the bit options of `(li, kind)`.
    fn quant_mix<const D: usize>(
        &self,
        li: usize,
        kind: DecisionKind,
        x: Tensor<B, D>,
        integer: i32,
        probs: &[Probs<B>],
    ) -> Tensor<B, D> {
        let l = &self.spec.layers[li];
        let opts = if kind == DecisionKind::WeightBits {
            &l.weight_bits
        } else {
            &l.result_bits
        };
        if opts.is_empty() {
            return x;
        }
        let q = |b: u32, x: Tensor<B, D>| fake_quant(x, &self.quant_type(b as usize, integer));
        match self.dec(li, kind) {
            None => q(opts[0], x),
            Some(d) => match probs[d].hot {
                Some(i) => q(opts[i], x),
                None => {
                    let types: Vec<FixedType> = opts
                        .iter()
                        .map(|&b| self.quant_type(b as usize, integer))
                        .collect();
                    fake_quant_mix(x, &types, &probs[d].t)
                }
            },
        }
    }

    fn kernel_layer(
        &self,
        li: usize,
        ids: KernelIds,
        act: Act<B>,
        pass: &mut Pass<'_, B>,
    ) -> Act<B> {
        let l = &self.spec.layers[li];
        let (bound, probs, ctx) = (pass.bound, pass.probs, &mut *pass.ctx);
        let wid = ids.weight;
        let shape = &self.store.entries[wid].shape;
        let bias = bound.leaves[ids.bias].clone();
        let w_range = |w: Tensor<B, 4>| max_abs(w);
        let mut y = match act {
            Act::Flat(x) => {
                let w: Tensor<B, 2> = bound.get(wid, [shape[0], shape[1]]);
                let r = max_abs(w.clone().unsqueeze::<4>());
                ctx.weight_range[li] = ctx.weight_range[li].max(r);
                let wi = l.weight_integer.unwrap_or_else(|| integer_bits_for(r));
                let w = self.quant_mix(li, DecisionKind::WeightBits, w, wi, probs);
                Act::Flat(x.matmul(w) + bias.unsqueeze_dim(0))
            }
            Act::Map(x) => {
                let (co, ci, kh, kw) = (shape[0], shape[1], shape[2], shape[3]);
                let mut w: Tensor<B, 4> = bound.get(wid, [co, ci, kh, kw]);
                let (mut kh_eff, mut kw_eff) = (kh, kw);
                if let Some(d) = self.dec(li, DecisionKind::Kernel) {
                    match probs[d].hot {
                        Some(i) => {
                            let s = choice_value(&self.spec.decisions()[d].options[i]);
                            let off = (kw - s) / 2;
                            let (offh, sh) = if kh == 1 { (0, 1) } else { (off, s) };
                            w = w.slice([0..co, 0..ci, offh..offh + sh, off..off + s]);
                            (kh_eff, kw_eff) = (sh, s);
                        }
                        None => {
                            let n = probs[d].t.dims()[0];
                            let m = probs[d]
                                .t
                                .clone()
                                .reshape([1, n])
                                .matmul(self.masks[d].clone().expect("kernel masks"))
                                .reshape([1, 1, kh, kw]);
                            w = w * m;
                        }
                    }
                }
                let r = w_range(w.clone());
                ctx.weight_range[li] = ctx.weight_range[li].max(r);
                let wi = l.weight_integer.unwrap_or_else(|| integer_bits_for(r));
                let w = self.quant_mix(li, DecisionKind::WeightBits, w, wi, probs);
                let [_, _, h, wd] = x.dims();
                // Keras `same`: the odd pixel of padding goes to the end; burn pads
                // symmetrically, so uneven padding is added to the input explicitly.
                let axis = |len: usize, k: usize| {
                    l.padding
                        .resolve(len, k, l.stride)
                        .map(|a| (a.pad_begin, a.pad_end))
                        .unwrap_or((0, 0))
                };
                let (sh, ph) = if kh == 1 {
                    (1, (0, 0))
                } else {
                    (l.stride, axis(h, kh_eff))
                };
                let pw = axis(wd, kw_eff);
                let (x, pad) = if ph.0 == ph.1 && pw.0 == pw.1 {
                    (x, [ph.0, pw.0])
                } else {
                    (x.pad([ph, pw], PadMode::Constant(0.0)), [0, 0])
                };
                let opts = ConvOptions::new([sh, l.stride], pad, [1, 1], 1);
                // The bias is added here, not by conv2d: burn's conv bias gradient sums a
                // transposed copy of the output gradient; this sum runs on it as laid out.
                Act::Map(add_channels(conv2d(x, w, None, opts), bias))
            }
        };
        // Result quantisation, unless it applies after the BatchNorm that follows.
        if !self.spec.result_after_batchnorm(li) {
            y = self.quantize_result(li, y, probs, ctx);
        }
        // Width mask.
        pass.mask = None;
        if let Some(d) = self.dec(li, DecisionKind::Width) {
            let m = match probs[d].hot {
                Some(i) => {
                    let c = l.max_width();
                    let w = choice_value(&self.spec.decisions()[d].options[i]);
                    let v: Vec<f32> = (0..c).map(|j| if j < w { 1.0 } else { 0.0 }).collect();
                    Tensor::from_data(TensorData::new(v, [c]), self.device())
                }
                None => {
                    let n = probs[d].t.dims()[0];
                    let c = l.max_width();
                    probs[d]
                        .t
                        .clone()
                        .reshape([1, n])
                        .matmul(self.masks[d].clone().expect("width masks"))
                        .reshape([c])
                }
            };
            y = match y {
                Act::Flat(t) => Act::Flat(t * m.clone().unsqueeze_dim(0)),
                Act::Map(t) => Act::Map(mul_channels(t, m.clone())),
            };
            pass.mask = Some(m);
        }
        y
    }

    /// Looks up a layer's stored tensors by name (`"conv1.weight"`).
    pub(crate) fn entry(&self, name: &str) -> Option<usize> {
        self.store.entries.iter().position(|e| e.name == name)
    }

    /// Names and shapes of every stored tensor, in storage order: weights
    /// (`<layer>.<parameter>`, burn layout), BatchNorm statistics and the architecture logits
    /// (`alpha.<decision>`).
    pub fn tensors(&self) -> impl Iterator<Item = (&str, &[usize])> {
        self.store
            .entries
            .iter()
            .map(|e| (e.name.as_str(), e.shape.as_slice()))
    }

    /// The values of the stored tensor `name` (flattened), or `None` when there is none.
    pub fn tensor(&self, name: &str) -> Option<Vec<f32>> {
        self.entry(name).map(|id| self.store.values(id))
    }

    /// Replaces the values of the stored tensor `name`.
    ///
    /// # Errors
    /// [`Error::Weights`] when there is no such tensor (the message lists them) or the number
    /// of values differs from its shape's.
    pub fn set_tensor(&mut self, name: &str, values: Vec<f32>) -> Result<()> {
        let Some(id) = self.entry(name) else {
            let names: Vec<&str> = self.tensors().map(|(n, _)| n).collect();
            return Err(Error::Weights(format!(
                "the supernet has no tensor `{name}`; it has {}",
                names.join(", ")
            )));
        };
        let shape = &self.store.entries[id].shape;
        let want: usize = shape.iter().product();
        if values.len() != want {
            return Err(Error::Weights(format!(
                "`{name}` has shape {shape:?} ({want} values), not {} values",
                values.len()
            )));
        }
        self.store.set_values(id, values);
        Ok(())
    }

    /// Copies every tensor of `other` that this supernet has under the same name and shape
    /// (a warm start: a search from a trained baseline); returns how many were copied.
    pub fn copy_matching(&mut self, other: &Supernet<B>) -> usize {
        let mut copied = 0;
        for (from, e) in other.store.entries.iter().enumerate() {
            if let Some(to) = self.entry(&e.name)
                && self.store.entries[to].shape == e.shape
            {
                self.store.set_values(to, other.store.values(from));
                copied += 1;
            }
        }
        copied
    }

    /// Checks that a batch matches the input shape.
    ///
    /// # Errors
    /// [`Error::Search`] naming the expected size.
    pub fn check_input(&self, features: usize) -> Result<()> {
        let want: usize = self.spec.input_shape.iter().product();
        if features != want {
            return Err(Error::Search(format!(
                "samples have {features} values but the space's input shape {:?} needs {want}",
                self.spec.input_shape
            )));
        }
        Ok(())
    }

    /// Checks that a data set's samples and targets fit the space: `features` input values and
    /// as many targets as the network has outputs (at its widest options).
    ///
    /// # Errors
    /// [`Error::Search`] naming the expected sizes and how to fix the space or the data.
    pub fn check_data(&self, features: usize, outputs: usize) -> Result<()> {
        self.check_input(features)?;
        let shape = self.shapes.last().map_or(&self.spec.input_shape, |s| &s.1);
        let want: usize = shape.iter().product();
        if outputs != want {
            return Err(Error::Search(format!(
                "samples have {outputs} targets but the space's output has {want} values (shape \
                 {shape:?}); give the last layer {outputs} units (one fixed width) or give \
                 {want} targets per sample"
            )));
        }
        Ok(())
    }
}

pub(crate) fn choice_value(c: &Choice) -> usize {
    match c {
        Choice::Value(v) => *v,
        _ => 0,
    }
}

fn max_abs<B: AutodiffBackend>(t: Tensor<B, 4>) -> f32 {
    let v = t.detach().abs().max().into_data().convert::<f32>();
    v.to_vec::<f32>().map(|v| v[0]).unwrap_or(0.0)
}

fn bcast4<B: AutodiffBackend>(p: Tensor<B, 1>) -> Tensor<B, 4> {
    p.reshape([1, 1, 1, 1])
}

fn bcast2<B: AutodiffBackend>(p: Tensor<B, 1>) -> Tensor<B, 2> {
    p.reshape([1, 1])
}

/// One value per channel of an `[n, c, h, w]` map, laid out as `[n, c, 1]` against the map
/// viewed as `[n, c, h*w]`: the per-row-scalar broadcast that burn-flex runs as one SIMD pass.
/// (A `[1, c, 1, 1]` operand is walked element by element with a strided iterator, an order of
/// magnitude slower; the values, and so the maths, are the same.)
fn per_channel<B: AutodiffBackend>(v: Tensor<B, 1>, n: usize) -> Tensor<B, 3> {
    let c = v.dims()[0];
    v.reshape([1, c]).repeat_dim(0, n).reshape([n, c, 1])
}

/// `t * v` with `v` one value per channel of the map `t`.
fn mul_channels<B: AutodiffBackend>(t: Tensor<B, 4>, v: Tensor<B, 1>) -> Tensor<B, 4> {
    let [n, c, h, w] = t.dims();
    (t.reshape([n, c, h * w]) * per_channel(v, n)).reshape([n, c, h, w])
}

/// `t + v` with `v` one value per channel of the map `t`.
fn add_channels<B: AutodiffBackend>(t: Tensor<B, 4>, v: Tensor<B, 1>) -> Tensor<B, 4> {
    let [n, c, h, w] = t.dims();
    (t.reshape([n, c, h * w]) + per_channel(v, n)).reshape([n, c, h, w])
}

/// Nearest-neighbour upsampling of `[n, c, h, w]` to `[n, c, h * size[0], w * size[1]]`.
fn upsample<B: AutodiffBackend>(t: Tensor<B, 4>, size: [usize; 2]) -> Tensor<B, 4> {
    if size == [1, 1] {
        return t;
    }
    let [n, c, h, w] = t.dims();
    let t: Tensor<B, 6> = t.reshape([n, c, h, 1, w, 1]);
    t.repeat_dim(3, size[0])
        .repeat_dim(5, size[1])
        .reshape([n, c, h * size[0], w * size[1]])
}

/// `[n, c, h, w]` to `[n, h*w*c]` in channels-last order.
fn flatten_hwc<B: AutodiffBackend>(t: Tensor<B, 4>) -> Tensor<B, 2> {
    let [n, c, h, w] = t.dims();
    t.permute([0, 2, 3, 1]).reshape([n, h * w * c])
}
