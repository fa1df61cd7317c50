//! Training of a fixed architecture: the plain trainer, fine-tuning with quantisation-aware
//! training, evaluation. The search loop uses the same weight step.

use std::path::PathBuf;

use crate::backend::TrainBackend;
use serde::{Deserialize, Serialize};

use super::checkpoint::{self, Checkpoint};
use burn::tensor::Tensor;

use super::data::{self, Loss, Metrics, Samples};
use super::observe::{Control, EpochEvent, Finishing, Observer, Stage, StepEvent};
use crate::rng::{Random, SplitMix64};
use crate::supernet::{Adam, Bound, Ctx, Group, Probs, Supernet, to_vec};
use crate::{Error, Result};

/// Settings of [`train_fixed`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Passes over the training set.
    pub epochs: usize,
    /// Samples per step.
    pub batch_size: usize,
    /// Adam learning rate (at the first step).
    pub lr: f64,
    /// Learning rate at the last step, reached by cosine decay from `lr`; `None`: constant.
    #[serde(default)]
    pub lr_final: Option<f64>,
    /// Seed of the shuffling.
    pub seed: u64,
    /// The loss.
    pub loss: Loss,
    /// Checkpoint file (safetensors: weights, optimiser, shuffling state and history), written
    /// atomically after every epoch.
    #[serde(default)]
    pub checkpoint: Option<PathBuf>,
    /// Resume from `checkpoint` when it exists: finished epochs are not trained again.
    #[serde(default)]
    pub resume: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 10,
            batch_size: 64,
            lr: 1e-3,
            lr_final: None,
            seed: 0,
            loss: Loss::Mse,
            checkpoint: None,
            resume: false,
        }
    }
}

/// One epoch of [`train_fixed`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainRecord {
    /// 0-based epoch.
    pub epoch: usize,
    /// Mean training loss.
    pub train_loss: f64,
    /// Validation metrics (evaluation mode).
    pub val: Metrics,
}

/// Metadata key of training checkpoints.
pub(crate) const TRAIN_KEY: &str = "hwnas_train";

/// What a training checkpoint records besides the tensors.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TrainMeta {
    space: String,
    indices: Vec<usize>,
    step: u64,
    rng: String,
    adam_t: u64,
    history: Vec<TrainRecord>,
}

/// One Adam step on the weights; returns the loss, or `Err(loss)` when it is not finite (then
/// nothing was updated). Runs where the backend runs steps ([`TrainBackend::run_step`]).
pub(crate) fn weight_step<B: TrainBackend>(
    net: &mut Supernet<B>,
    adam: &mut Adam<B::InnerBackend>,
    xy: (Tensor<B, 2>, Tensor<B, 2>),
    loss: Loss,
    probs: impl FnOnce(&Supernet<B>, &Bound<B>) -> Vec<Probs<B>> + Send,
) -> std::result::Result<f32, f32> {
    B::run_step(move || {
        let (x, y) = xy;
        let bound = net.store.bind(&[Group::Weight]);
        let p = probs(net, &bound);
        let mut ctx = Ctx::new(true, net.spec.layers.len());
        let pred = net.forward(&bound, x, &p, &mut ctx);
        let l = loss.compute(pred, y);
        let value = to_vec(l.clone().detach())[0];
        if !value.is_finite() {
            return Err(value);
        }
        let grads = l.backward();
        adam.step(&mut net.store, &bound, &grads, Group::Weight);
        for (id, v) in ctx.bn_updates {
            net.store.entries[id].value = v;
        }
        Ok(value)
    })
}

/// Step-by-step training of one fixed architecture, for benchmarks and custom loops
/// ([`train_fixed`] runs whole epochs with checkpoints).
///
/// ```no_run
/// # use hwnas_core::search::*; use hwnas_core::supernet::Supernet;
/// # fn go<B: hwnas_core::backend::TrainBackend>(net: Supernet<B>, data: &dyn Samples) -> hwnas_core::Result<()> {
/// let mut trainer = FixedTrainer::new(net, &[], 1e-3, Loss::Mse)?;
/// let loss = trainer.step(data, &[0, 1, 2, 3])?;
/// # Ok(()) }
/// ```
pub struct FixedTrainer<B: TrainBackend> {
    /// The network being trained.
    pub net: Supernet<B>,
    idx: Vec<usize>,
    adam: Adam<B::InnerBackend>,
    loss: Loss,
    steps: u64,
}

impl<B: TrainBackend> FixedTrainer<B> {
    /// A trainer of the architecture `idx` of `net` (`&[]` for a space without decisions) with
    /// Adam at learning rate `lr`.
    ///
    /// # Errors
    /// [`Error::Search`] when `idx` is not an architecture of the space.
    pub fn new(net: Supernet<B>, idx: &[usize], lr: f64, loss: Loss) -> Result<Self> {
        net.spec.arch_from_indices(idx)?;
        let adam = Adam::new(lr, net.store.entries.len());
        Ok(FixedTrainer {
            net,
            idx: idx.to_vec(),
            adam,
            loss,
            steps: 0,
        })
    }

    /// One Adam step on the samples `batch` of `data`; returns the batch loss before the step.
    ///
    /// # Errors
    /// [`Error::NonFinite`] (epoch 0) when the loss is NaN or infinite; nothing is updated.
    ///
    /// [`Error::Io`] / [`Error::Data`] when streamed samples cannot be read.
    pub fn step(&mut self, data: &dyn Samples, batch: &[usize]) -> Result<f32> {
        let idx = &self.idx;
        let xy = data::batch::<B>(data, batch, self.net.device())?;
        let loss = weight_step(&mut self.net, &mut self.adam, xy, self.loss, |n, _| {
            n.probs_fixed(idx)
        })
        .map_err(|value| Error::NonFinite {
            value,
            epoch: 0,
            step: self.steps,
            checkpoint: "none".into(),
        })?;
        self.steps += 1;
        Ok(loss)
    }
}

/// Predictions of the architecture `idx` (evaluation mode: BatchNorm running statistics) and
/// the per-layer observed ranges `(weight, result)`.
///
/// # Errors
/// [`Error::Io`] / [`Error::Data`] when streamed samples cannot be read.
pub fn predict<B: TrainBackend>(
    net: &Supernet<B>,
    idx: &[usize],
    data: &dyn Samples,
    batch_size: usize,
) -> Result<(Vec<f32>, Vec<f32>, Vec<f32>)> {
    let (pred, _, ranges) = predict_with_targets(net, idx, data, batch_size)?;
    Ok((pred, ranges.0, ranges.1))
}

/// [`predict`], also returning the targets read with the samples.
#[allow(clippy::type_complexity)]
fn predict_with_targets<B: TrainBackend>(
    net: &Supernet<B>,
    idx: &[usize],
    data: &dyn Samples,
    batch_size: usize,
) -> Result<(Vec<f32>, Vec<f32>, (Vec<f32>, Vec<f32>))> {
    B::run_step(|| {
        let bound = net.store.bind(&[]);
        let probs = net.probs_fixed(idx);
        let mut ctx = Ctx::new(false, net.spec.layers.len());
        let mut out = Vec::with_capacity(data.len() * data.outputs());
        let mut targets = Vec::with_capacity(data.len() * data.outputs());
        let all: Vec<usize> = (0..data.len()).collect();
        for chunk in all.chunks(batch_size.max(1)) {
            let (x, y) = data::batch::<B>(data, chunk, net.device())?;
            targets.extend(to_vec(y));
            out.extend(to_vec(net.forward(&bound, x, &probs, &mut ctx)));
        }
        Ok((out, targets, (ctx.weight_range, ctx.result_range)))
    })
}

/// Metrics of the architecture `idx` on `data` (evaluation mode).
///
/// # Errors
/// As [`predict`].
pub fn evaluate<B: TrainBackend>(
    net: &Supernet<B>,
    idx: &[usize],
    data: &dyn Samples,
    batch_size: usize,
) -> Result<Metrics> {
    let (pred, targets, _) = predict_with_targets(net, idx, data, batch_size)?;
    Ok(Metrics::compute(&pred, &targets, data.outputs()))
}

/// Trains the weights of one architecture of a supernet (option indices `idx`; `&[]` for a space
/// without decisions): the plain trainer for a fixed network, and the fine-tune after a search
/// (quantisation-aware: weights and results are fake-quantised at the chosen bit-widths).
///
/// # Errors
/// [`Error::Search`] for an empty data set or a batch size of 0, [`Error::NonFinite`] when the
/// loss becomes NaN.
pub fn train_fixed<B: TrainBackend>(
    net: &mut Supernet<B>,
    idx: &[usize],
    train: &dyn Samples,
    val: &dyn Samples,
    cfg: &TrainConfig,
) -> Result<Vec<TrainRecord>> {
    train_fixed_observed(net, idx, train, val, cfg, &mut ())
}

/// [`train_fixed`], reporting every step and epoch to `observer` (see
/// [`Search::run_observed`](super::Search::run_observed)).
///
/// # Errors
/// As [`train_fixed`], and [`Error::Stopped`] when the observer stopped the run.
pub fn train_fixed_observed<B: TrainBackend>(
    net: &mut Supernet<B>,
    idx: &[usize],
    train: &dyn Samples,
    val: &dyn Samples,
    cfg: &TrainConfig,
    observer: &mut dyn Observer,
) -> Result<Vec<TrainRecord>> {
    let mut finishing = Finishing::new(observer, Stage::Train);
    let observer = finishing.observer();
    if cfg.batch_size == 0 || train.is_empty() {
        return Err(Error::Search(
            "training needs a batch size of at least 1 and a non-empty training set".into(),
        ));
    }
    net.check_data(train.features(), train.outputs())?;
    net.check_data(val.features(), val.outputs())?;
    net.spec.arch_from_indices(idx)?;
    let mut adam = Adam::new(cfg.lr, net.store.entries.len());
    let mut rng = SplitMix64::new(cfg.seed);
    let mut history = Vec::new();
    let mut step = 0u64;
    let mut first_epoch = 0;
    if let Some(path) = cfg.checkpoint.as_deref()
        && cfg.resume
        && path.exists()
    {
        let ckpt = Checkpoint::read(path)?;
        let meta: TrainMeta = ckpt.meta(TRAIN_KEY, "training")?;
        if meta.space != net.spec.name || meta.indices != idx {
            return Err(ckpt.fail(format!(
                "it trains architecture {:?} of `{}`, not {idx:?} of `{}`; delete it or \
                 choose another path",
                meta.indices, meta.space, net.spec.name
            )));
        }
        ckpt.restore(&mut net.store, &mut [("w", &mut adam)])?;
        adam.t = meta.adam_t;
        rng.state = meta
            .rng
            .parse()
            .map_err(|_| ckpt.fail("bad random-generator state"))?;
        step = meta.step;
        first_epoch = meta.history.len();
        history = meta.history;
    }
    let steps = train.len().div_ceil(cfg.batch_size);
    let total_steps = (cfg.epochs * steps) as u64;
    observer.start(Stage::Train, step, total_steps);
    let total = total_steps.max(1) as f64;
    for epoch in first_epoch..cfg.epochs {
        let mut order: Vec<usize> = (0..train.len()).collect();
        rng.shuffle(&mut order);
        let mut sum = 0.0;
        for chunk in order.chunks(cfg.batch_size) {
            adam.lr = cosine_lr(cfg.lr, cfg.lr_final, step as f64 / total);
            let xy = data::batch::<B>(train, chunk, net.device())?;
            let l = weight_step(net, &mut adam, xy, cfg.loss, |n, _| n.probs_fixed(idx)).map_err(
                |value| Error::NonFinite {
                    value,
                    epoch,
                    step,
                    checkpoint: match cfg.checkpoint.as_deref() {
                        Some(p) if p.exists() => p.display().to_string(),
                        _ => "none".into(),
                    },
                },
            )?;
            sum += l as f64;
            step += 1;
            let event = StepEvent {
                stage: Stage::Train,
                epoch,
                step,
                total_steps,
                loss: l,
                objective: None,
                temperature: None,
            };
            if observer.step(&event) == Control::Stop {
                return Err(Error::Stopped { step });
            }
        }
        let val_m = evaluate(net, idx, val, 256)?;
        history.push(TrainRecord {
            epoch,
            train_loss: sum / steps as f64,
            val: val_m,
        });
        if let Some(path) = cfg.checkpoint.as_deref() {
            let meta = TrainMeta {
                space: net.spec.name.clone(),
                indices: idx.to_vec(),
                step,
                rng: rng.state.to_string(),
                adam_t: adam.t,
                history: history.clone(),
            };
            checkpoint::write(path, TRAIN_KEY, &meta, &net.store, &[("w", &adam)])?;
        }
        if let Some(record) = history.last() {
            observer.epoch(&EpochEvent::Train(record));
        }
    }
    Ok(history)
}

/// The learning rate at `progress` (0 at the first step, 1 after the last) of a cosine decay
/// from `lr` to `lr_final`.
pub(crate) fn cosine_lr(lr: f64, lr_final: Option<f64>, progress: f64) -> f64 {
    match lr_final {
        None => lr,
        Some(end) => end + 0.5 * (lr - end) * (1.0 + (std::f64::consts::PI * progress).cos()),
    }
}
