//! The weight-sharing supernet.

use crate::backend::TrainBackend;
use burn::tensor::activation::softmax;
use burn::tensor::{Tensor, TensorData};

use super::kinds;
pub(crate) use super::kinds::{BnIds, KernelIds};
use super::params::{Bound, Group, ParamStore, to_vec};
use super::quant::{fake_quant_mix, fake_quant_train, integer_bits_for};
use crate::fixed::FixedType;
use crate::ir::Activation;
use crate::rng::{Random, SplitMix64};
use crate::space::{Choice, DecisionKind, LayerKind, SearchSpace, SpaceSpec};
use crate::{Error, Result};

/// Probabilities over the options of one decision.
#[derive(Debug, Clone)]
pub(crate) struct Probs<B: TrainBackend> {
    /// One value per option (sums to 1).
    pub t: Tensor<B, 1>,
    /// `Some(i)` when `t` is exactly the one-hot vector of option `i` and needs no gradient:
    /// the supernet then computes only that option.
    pub hot: Option<usize>,
}

/// Per-forward state: training mode, BatchNorm statistic updates, observed ranges.
#[derive(Debug)]
pub(crate) struct Ctx<B: TrainBackend> {
    /// BatchNorm uses batch statistics and records running-statistic updates.
    pub train: bool,
    /// `(entry id, new value)` of BatchNorm running statistics.
    pub bn_updates: Vec<(usize, Tensor<B::InnerBackend, 1>)>,
    /// Per space layer: largest |weight| seen (kernel layers).
    pub weight_range: Vec<f32>,
    /// Per space layer: largest |result| seen (kernel layers, before result quantisation).
    pub result_range: Vec<f32>,
}

impl<B: TrainBackend> Ctx<B> {
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

/// What one forward pass carries from layer to layer.
pub(super) struct Pass<'a, B: TrainBackend> {
    /// The autodiff leaves of the stored tensors.
    pub bound: &'a Bound<B>,
    /// One probability vector per decision.
    pub probs: &'a [Probs<B>],
    /// Training mode, BatchNorm updates and observed ranges.
    pub ctx: &'a mut Ctx<B>,
    /// The channel mask of the last width decision (unselected channels are zero), which
    /// BatchNorm applies again after its shift; cleared by layers that end it.
    pub mask: Option<Tensor<B, 1>>,
}

/// An activation between two layers.
pub(super) enum Act<B: TrainBackend> {
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
pub struct Supernet<B: TrainBackend> {
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
    pub(super) masks: Vec<Option<Tensor<B, 2>>>,
}

impl<B: TrainBackend> Supernet<B> {
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
            ids.push(kinds::tensors(l, &s.input, &mut store, &mut rng));
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
        let x = fake_quant_train(x, &self.spec.input_type);
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

    pub(super) fn dec(&self, li: usize, kind: DecisionKind) -> Option<usize> {
        self.spec.decision_of(li, kind)
    }

    fn layer(&self, li: usize, act: Act<B>, pass: &mut Pass<'_, B>) -> Act<B> {
        kinds::forward(self, li, act, pass)
    }

    /// Records the output range of kernel layer `li` (derive chooses integer bits from it) and
    /// fake-quantises `y` with the layer's result bits, if it has any.
    pub(super) fn quantize_result(
        &self,
        li: usize,
        y: Act<B>,
        probs: &[Probs<B>],
        ctx: &mut Ctx<B>,
    ) -> Act<B> {
        let l = &self.spec.layers[li];
        let r = match &y {
            Act::Flat(t) => B::max_abs(t.clone()),
            Act::Map(t) => B::max_abs(t.clone()),
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
    pub(super) fn quant_mix<const D: usize>(
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
        let q =
            |b: u32, x: Tensor<B, D>| fake_quant_train(x, &self.quant_type(b as usize, integer));
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

pub(super) fn bcast4<B: TrainBackend>(p: Tensor<B, 1>) -> Tensor<B, 4> {
    p.reshape([1, 1, 1, 1])
}

pub(super) fn bcast2<B: TrainBackend>(p: Tensor<B, 1>) -> Tensor<B, 2> {
    p.reshape([1, 1])
}

/// One value per channel of an `[n, c, h, w]` map, laid out as `[n, c, 1]` against the map
/// viewed as `[n, c, h*w]`: the per-row-scalar broadcast that burn-flex runs as one SIMD pass.
/// (A `[1, c, 1, 1]` operand is walked element by element with a strided iterator, an order of
/// magnitude slower; the values, and so the maths, are the same.)
fn per_channel<B: TrainBackend>(v: Tensor<B, 1>, n: usize) -> Tensor<B, 3> {
    let c = v.dims()[0];
    v.reshape([1, c]).repeat_dim(0, n).reshape([n, c, 1])
}

/// `t * v` with `v` one value per channel of the map `t`.
pub(super) fn mul_channels<B: TrainBackend>(t: Tensor<B, 4>, v: Tensor<B, 1>) -> Tensor<B, 4> {
    let [n, c, h, w] = t.dims();
    (t.reshape([n, c, h * w]) * per_channel(v, n)).reshape([n, c, h, w])
}

/// `t + v` with `v` one value per channel of the map `t`.
pub(super) fn add_channels<B: TrainBackend>(t: Tensor<B, 4>, v: Tensor<B, 1>) -> Tensor<B, 4> {
    let [n, c, h, w] = t.dims();
    (t.reshape([n, c, h * w]) + per_channel(v, n)).reshape([n, c, h, w])
}

/// Nearest-neighbour upsampling of `[n, c, h, w]` to `[n, c, h * size[0], w * size[1]]`.
pub(super) fn upsample<B: TrainBackend>(t: Tensor<B, 4>, size: [usize; 2]) -> Tensor<B, 4> {
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
pub(super) fn flatten_hwc<B: TrainBackend>(t: Tensor<B, 4>) -> Tensor<B, 2> {
    let [n, c, h, w] = t.dims();
    t.permute([0, 2, 3, 1]).reshape([n, h * w * c])
}
