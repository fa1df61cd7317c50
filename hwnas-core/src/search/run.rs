//! The search loop: warm-up, alternating weight / logit steps, annealing, budgets, history,
//! checkpoints and resume.

use std::path::{Path, PathBuf};

use crate::backend::TrainBackend;
use burn::tensor::{Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::checkpoint::{self, Checkpoint};

use super::data::{self, Loss, Samples};
use super::metric::{Budget, Metric};
use super::observe::{Control, EpochEvent, Finishing, Observer, Stage, StepEvent};
use super::table::CostTable;
use super::train::{evaluate, weight_step};
use crate::cost::{CostModel, IoType, Resources};
use crate::rng::{Random, SplitMix64};
use crate::space::{Arch, SpaceSpec};
use crate::supernet::{Adam, Ctx, Group, Supernet, to_vec};
use crate::{Error, Result, fs};

/// Settings of a search. Serialisable; saved in checkpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchConfig {
    /// Total epochs (warm-up included).
    pub epochs: usize,
    /// Epochs that train only the weights (architectures sampled uniformly).
    pub warmup_epochs: usize,
    /// Samples per step (train and validation).
    pub batch_size: usize,
    /// Adam learning rate of the weights.
    pub lr_weights: f64,
    /// Adam learning rate of the logits.
    pub lr_arch: f64,
    /// Gumbel-softmax temperature at the first search epoch.
    pub tau_start: f64,
    /// Temperature at the last epoch (exponential annealing in between).
    pub tau_end: f64,
    /// Hard (straight-through one-hot) samples instead of soft mixtures.
    pub hard: bool,
    /// Weight of the objective (normalised by its expected value under uniform logits).
    pub cost_weight: f64,
    /// Penalty parameter of the augmented Lagrangian of the budgets.
    pub rho: f64,
    /// Seed of weights, shuffling and Gumbel noise.
    pub seed: u64,
    /// The task loss.
    pub loss: Loss,
    /// Data exchange assumed by the cost model.
    pub io: IoType,
    /// Checkpoint file (safetensors, written atomically after every epoch).
    pub checkpoint: Option<PathBuf>,
    /// Resume from `checkpoint` when it exists.
    pub resume: bool,
    /// Per-epoch history (`.json` or `.csv`), written after every epoch.
    pub history: Option<PathBuf>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            epochs: 20,
            warmup_epochs: 5,
            batch_size: 64,
            lr_weights: 1e-3,
            lr_arch: 3e-2,
            tau_start: 5.0,
            tau_end: 0.5,
            hard: false,
            cost_weight: 0.1,
            rho: 1.0,
            seed: 0,
            loss: Loss::Mse,
            io: IoType::IoParallel,
            checkpoint: None,
            resume: true,
            history: None,
        }
    }
}

/// One epoch of the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 0-based epoch.
    pub epoch: usize,
    /// Mean loss of the weight steps.
    pub train_loss: f64,
    /// Validation loss of the current argmax architecture (evaluation mode).
    pub val_loss: f64,
    /// The objective at the expected resources.
    pub metric: f64,
    /// Expected resources.
    pub expected: Resources,
    /// Gumbel-softmax temperature.
    pub temperature: f64,
    /// Budget multipliers after the epoch.
    pub lambdas: Vec<f64>,
    /// The argmax architecture.
    pub arch: String,
}

/// What a finished search returns.
#[derive(Debug, Clone)]
pub struct SearchResult {
    /// The argmax architecture.
    pub arch: Arch,
    /// Its option indices.
    pub indices: Vec<usize>,
    /// Its resources, from the cost table.
    pub resources: Resources,
    /// Every epoch.
    pub history: Vec<EpochRecord>,
}

/// Metadata key of search checkpoints.
pub(crate) const META_KEY: &str = "hwnas_search";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Meta {
    space: String,
    config: SearchConfig,
    epoch: usize,
    step: u64,
    rng: String,
    val_pos: usize,
    lambdas: Vec<f64>,
    adam_w_t: u64,
    adam_a_t: u64,
    history: Vec<EpochRecord>,
}

/// A search in progress: supernet, cost table, objective, budgets and optimiser state.
///
/// ```no_run
/// # use hwnas_core::search::*; use hwnas_core::space::*; use hwnas_core::cost::*;
/// # fn run<B: hwnas_core::backend::TrainBackend>(space: SpaceSpec, model: &dyn CostModel,
/// #   train: Dataset, val: Dataset, device: B::Device) -> hwnas_core::Result<()> {
/// let mut search = Search::<B>::new(&space, model, Metric::weighted(&[("lut", 1.0), ("dsp", 55.0)])?,
///     vec![Budget::max("dsp", 500.0)?], SearchConfig::default(), &device)?;
/// let result = search.run(&train, &val)?;
/// println!("{}", result.arch);
/// # Ok(()) }
/// ```
pub struct Search<B: TrainBackend> {
    /// The supernet (weights and logits).
    pub net: Supernet<B>,
    /// The precomputed costs.
    pub table: CostTable,
    /// The objective.
    pub objective: Metric,
    /// The budgets.
    pub budgets: Vec<Budget>,
    /// The settings.
    pub config: SearchConfig,
    metric_scale: f64,
    epoch: usize,
    step: u64,
    rng: SplitMix64,
    val_pos: usize,
    lambdas: Vec<f64>,
    adam_w: Adam<B::InnerBackend>,
    adam_a: Adam<B::InnerBackend>,
    history: Vec<EpochRecord>,
}

impl<B: TrainBackend> Search<B> {
    /// Prices the space, checks the budgets and builds the supernet.
    ///
    /// # Errors
    /// [`Error::InfeasibleBudget`] with the cheapest achievable value when no architecture meets
    /// a budget; [`Error::Search`] for settings that cannot work.
    pub fn new(
        spec: &SpaceSpec,
        model: &dyn CostModel,
        objective: Metric,
        budgets: Vec<Budget>,
        config: SearchConfig,
        device: &B::Device,
    ) -> Result<Self> {
        if config.batch_size == 0 || config.epochs == 0 {
            return Err(Error::Search(
                "epochs and batch_size must be at least 1".into(),
            ));
        }
        if !(config.tau_start > 0.0 && config.tau_end > 0.0) {
            return Err(Error::Search("temperatures must be positive".into()));
        }
        let table = CostTable::build(spec, model, config.io)?;
        for b in &budgets {
            let (cheapest, _, _) = table.minimum(spec, &b.metric);
            if cheapest > b.limit {
                return Err(Error::InfeasibleBudget {
                    budget: b.name.clone(),
                    limit: b.limit,
                    cheapest,
                });
            }
        }
        let uniform: Vec<Vec<f64>> = spec
            .decisions()
            .iter()
            .map(|d| vec![1.0 / d.options.len() as f64; d.options.len()])
            .collect();
        let scale = objective
            .eval(&table.expected_host(&uniform))
            .abs()
            .max(1e-12);
        let net = Supernet::new(spec, device, config.seed)?;
        let n = net.store.entries.len();
        Ok(Search {
            adam_w: Adam::new(config.lr_weights, n),
            adam_a: Adam::new(config.lr_arch, n),
            rng: SplitMix64::new(config.seed.wrapping_add(1)),
            lambdas: vec![0.0; budgets.len()],
            net,
            table,
            objective,
            budgets,
            metric_scale: scale,
            epoch: 0,
            step: 0,
            val_pos: 0,
            history: Vec::new(),
            config,
        })
    }

    /// Epochs finished so far.
    pub fn epochs_done(&self) -> usize {
        self.epoch
    }

    fn temperature(&self, epoch: usize) -> f64 {
        let c = &self.config;
        let span = c.epochs.saturating_sub(c.warmup_epochs).max(2) - 1;
        let t = epoch.saturating_sub(c.warmup_epochs) as f64 / span as f64;
        c.tau_start * (c.tau_end / c.tau_start).powf(t.min(1.0))
    }

    /// Expected resources under the current logits (softmax, no noise).
    pub fn expected(&self) -> Resources {
        let p: Vec<Vec<f64>> = self
            .net
            .logits()
            .iter()
            .map(|l| {
                let m = l.iter().fold(f32::MIN, |a, &b| a.max(b)) as f64;
                let e: Vec<f64> = l.iter().map(|&v| (v as f64 - m).exp()).collect();
                let s: f64 = e.iter().sum();
                e.into_iter().map(|v| v / s).collect()
            })
            .collect();
        self.table.expected_host(&p)
    }

    /// The differentiable cost term of the loss and its value: objective (normalised) plus the
    /// augmented-Lagrangian terms of the budgets, at the expected resources of `p`.
    pub fn cost_term(&self, p: &[Tensor<B, 1>]) -> (Tensor<B, 1>, f64) {
        let dev = self.net.device().clone();
        let e = self.table.expected::<B>(p, &dev);
        let host = Resources::from_array(
            to_vec(e.clone().detach())
                .iter()
                .map(|&v| v as f64)
                .collect::<Vec<_>>()
                .try_into()
                .expect("7 fields"),
        );
        let lin = |m: &Metric| -> (Tensor<B, 1>, f64) {
            let g = m.gradient(&host);
            let value = m.eval(&host);
            let gt =
                Tensor::<B, 1>::from_data(TensorData::new(g.map(|v| v as f32).to_vec(), [7]), &dev);
            let offset = value
                - g.iter()
                    .zip(host.to_array())
                    .map(|(a, b)| a * b)
                    .sum::<f64>();
            ((e.clone() * gt).sum().add_scalar(offset), value)
        };
        let (obj, value) = lin(&self.objective);
        let mut term = obj
            .div_scalar(self.metric_scale)
            .mul_scalar(self.config.cost_weight);
        for (b, &lambda) in self.budgets.iter().zip(&self.lambdas) {
            let (v, _) = lin(&b.metric);
            let c = v.sub_scalar(b.limit).div_scalar(b.limit.abs().max(1e-12));
            let s = c
                .mul_scalar(self.config.rho)
                .add_scalar(lambda)
                .clamp_min(0.0);
            term =
                term + (s.square().sub_scalar(lambda * lambda)).div_scalar(2.0 * self.config.rho);
        }
        (term, value)
    }

    /// Runs (or resumes) the search to `config.epochs`, silently.
    ///
    /// # Errors
    /// [`Error::Search`] for data that does not fit the space, [`Error::NonFinite`] when the loss
    /// becomes NaN (the last good checkpoint is kept), [`Error::Io`] / [`Error::Checkpoint`] for
    /// checkpoint problems.
    pub fn run(&mut self, train: &dyn Samples, val: &dyn Samples) -> Result<SearchResult> {
        self.run_observed(train, val, &mut ())
    }

    /// [`Search::run`], reporting every step and epoch to `observer` (progress bars, logs,
    /// early stopping: an observer that answers [`Control::Stop`] ends the run as if it had been
    /// killed, and a later run resumes from the last checkpoint).
    ///
    /// # Errors
    /// As [`Search::run`], and [`Error::Stopped`] when the observer stopped the run.
    pub fn run_observed(
        &mut self,
        train: &dyn Samples,
        val: &dyn Samples,
        observer: &mut dyn Observer,
    ) -> Result<SearchResult> {
        let mut finishing = Finishing::new(observer, Stage::Search);
        let observer = finishing.observer();
        self.net.check_data(train.features(), train.outputs())?;
        self.net.check_data(val.features(), val.outputs())?;
        if train.is_empty() || val.is_empty() {
            return Err(Error::Search(
                "the train and validation sets must not be empty".into(),
            ));
        }
        if let Some(path) = self.config.checkpoint.clone()
            && self.config.resume
            && path.exists()
        {
            self.load_checkpoint(&path)?;
        }
        let bs = self.config.batch_size;
        let steps = train.len().div_ceil(bs);
        let total = (self.config.epochs * steps) as u64;
        observer.start(Stage::Search, (self.epoch * steps) as u64, total);
        let objective = self.objective.to_string();
        while self.epoch < self.config.epochs {
            let epoch = self.epoch;
            let tau = self.temperature(epoch);
            let warm = epoch < self.config.warmup_epochs;
            let mut order: Vec<usize> = (0..train.len()).collect();
            self.rng.shuffle(&mut order);
            let mut sum = 0.0;
            for chunk in order.chunks(bs) {
                let l = self.sampled_weight_step(train, chunk, epoch, tau)?;
                sum += l as f64;
                let metric = if warm {
                    None
                } else {
                    Some((objective.as_str(), self.arch_step(val, tau)?))
                };
                self.step += 1;
                let event = StepEvent {
                    stage: Stage::Search,
                    epoch,
                    step: self.step,
                    total_steps: total,
                    loss: l,
                    objective: metric,
                    temperature: Some(tau),
                };
                if observer.step(&event) == Control::Stop {
                    return Err(Error::Stopped { step: self.step });
                }
            }
            // Epoch end: evaluate, update multipliers, record, checkpoint.
            let idx = self.net.argmax_indices();
            let val_loss = evaluate(&self.net, &idx, val, 256)?.of(self.config.loss);
            let expected = self.expected();
            if !warm {
                self.update_multipliers(&expected);
            }
            self.history.push(EpochRecord {
                epoch,
                train_loss: sum / steps as f64,
                val_loss,
                metric: self.objective.eval(&expected),
                expected,
                temperature: tau,
                lambdas: self.lambdas.clone(),
                arch: self.net.spec.arch_from_indices(&idx)?.to_string(),
            });
            self.epoch += 1;
            if let Some(path) = self.config.checkpoint.clone() {
                self.save_checkpoint(&path)?;
            }
            if let Some(path) = self.config.history.clone() {
                write_history(&path, &self.history)?;
            }
            if let Some(record) = self.history.last() {
                observer.epoch(&EpochEvent::Search(record));
            }
        }
        let indices = self.net.argmax_indices();
        Ok(SearchResult {
            arch: self.net.spec.arch_from_indices(&indices)?,
            resources: self.table.cost_of(&indices),
            indices,
            history: self.history.clone(),
        })
    }

    /// One search, many budgets: re-derives an architecture for `budgets` without retraining
    /// the supernet's weights. Starting from the searched architecture logits, it re-optimises
    /// them against the same objective under `budgets` with every weight frozen, for up to
    /// `passes` passes over `val` at the final temperature (stopping after the first pass whose
    /// argmax architecture meets every budget), updating the budgets' multipliers after each
    /// pass, and returns the argmax architecture with one history record per pass (its
    /// `train_loss` is 0: no weight step runs). The search itself is left as it was (logits,
    /// optimiser state, budgets, multipliers, random state), so several budgets can be
    /// re-derived one after another from the same search.
    ///
    /// # Errors
    /// As [`Search::run`]; [`Error::Search`] for an empty validation set or `passes == 0`.
    pub fn rederive(
        &mut self,
        budgets: Vec<Budget>,
        val: &dyn Samples,
        passes: usize,
    ) -> Result<SearchResult> {
        self.net.check_data(val.features(), val.outputs())?;
        if val.is_empty() || passes == 0 {
            return Err(Error::Search(
                "re-deriving needs a non-empty validation set and at least one pass".into(),
            ));
        }
        let lambdas = vec![0.0; budgets.len()];
        let saved = (
            self.net.store.clone(),
            self.adam_a.clone(),
            std::mem::replace(&mut self.budgets, budgets),
            std::mem::replace(&mut self.lambdas, lambdas),
            self.rng,
            self.val_pos,
            self.step,
        );
        let result = self.rederive_passes(val, passes);
        (
            self.net.store,
            self.adam_a,
            self.budgets,
            self.lambdas,
            self.rng,
            self.val_pos,
            self.step,
        ) = saved;
        result
    }

    fn rederive_passes(&mut self, val: &dyn Samples, passes: usize) -> Result<SearchResult> {
        let tau = self.config.tau_end;
        let steps = val
            .len()
            .div_ceil(self.config.batch_size.min(val.len()).max(1));
        let mut history = Vec::with_capacity(passes);
        for pass in 0..passes {
            for _ in 0..steps {
                self.arch_step(val, tau)?;
            }
            let expected = self.expected();
            self.update_multipliers(&expected);
            let idx = self.net.argmax_indices();
            let cost = self.table.cost_of(&idx);
            let feasible = self.budgets.iter().all(|b| b.metric.eval(&cost) <= b.limit);
            history.push(EpochRecord {
                epoch: pass,
                // No weight step ran.
                train_loss: 0.0,
                val_loss: evaluate(&self.net, &idx, val, 256)?.of(self.config.loss),
                metric: self.objective.eval(&expected),
                expected,
                temperature: tau,
                lambdas: self.lambdas.clone(),
                arch: self.net.spec.arch_from_indices(&idx)?.to_string(),
            });
            if feasible {
                break;
            }
        }
        let indices = self.net.argmax_indices();
        Ok(SearchResult {
            arch: self.net.spec.arch_from_indices(&indices)?,
            resources: self.table.cost_of(&indices),
            indices,
            history,
        })
    }

    /// The augmented-Lagrangian step of every budget's multiplier at the expected resources.
    fn update_multipliers(&mut self, expected: &Resources) {
        for (b, lambda) in self.budgets.iter().zip(self.lambdas.iter_mut()) {
            let c = (b.metric.eval(expected) - b.limit) / b.limit.abs().max(1e-12);
            *lambda = (*lambda + self.config.rho * c).max(0.0);
        }
    }

    /// One search step outside [`Search::run`] (benchmarks, custom loops): a weight step on the
    /// samples `batch` of `train` and, after the warm-up, a logit step on the next validation
    /// batch, at the temperature of the current epoch. Returns the weight-step loss.
    ///
    /// # Errors
    /// [`Error::NonFinite`] when a loss is NaN or infinite.
    pub fn step(&mut self, train: &dyn Samples, val: &dyn Samples, batch: &[usize]) -> Result<f32> {
        let epoch = self.epoch;
        let tau = self.temperature(epoch);
        let l = self.sampled_weight_step(train, batch, epoch, tau)?;
        if epoch >= self.config.warmup_epochs {
            self.arch_step(val, tau)?;
        }
        self.step += 1;
        Ok(l)
    }

    /// A weight step on the samples `batch` of `train` with architectures sampled at `tau`.
    fn sampled_weight_step(
        &mut self,
        train: &dyn Samples,
        batch: &[usize],
        epoch: usize,
        tau: f64,
    ) -> Result<f32> {
        let hard = self.config.hard;
        let xy = data::batch::<B>(train, batch, self.net.device())?;
        let rng = &mut self.rng;
        weight_step(
            &mut self.net,
            &mut self.adam_w,
            xy,
            self.config.loss,
            |n, b| n.probs_sampled(b, rng, tau, hard, false),
        )
        .map_err(|v| self.non_finite(v, epoch))
    }

    /// Skips the warm-up (as if it had run): the next steps also train the logits.
    pub fn skip_warmup(&mut self) {
        self.epoch = self.epoch.max(self.config.warmup_epochs);
    }

    fn non_finite(&self, value: f32, epoch: usize) -> Error {
        Error::NonFinite {
            value,
            epoch,
            step: self.step,
            checkpoint: match &self.config.checkpoint {
                Some(p) if p.exists() => p.display().to_string(),
                _ => "none".into(),
            },
        }
    }

    /// One Adam step on the logits, where the backend runs steps ([`TrainBackend::run_step`]).
    fn arch_step(&mut self, val: &dyn Samples, tau: f64) -> Result<f64> {
        B::run_step(|| {
            let bs = self.config.batch_size.min(val.len());
            let idx: Vec<usize> = (0..bs).map(|i| (self.val_pos + i) % val.len()).collect();
            self.val_pos = (self.val_pos + bs) % val.len();
            let bound = self.net.store.bind(&[Group::Arch]);
            let probs = self
                .net
                .probs_sampled(&bound, &mut self.rng, tau, self.config.hard, true);
            let (x, y) = data::batch::<B>(val, &idx, self.net.device())?;
            let mut ctx = Ctx::new(true, self.net.spec.layers.len());
            let pred = self.net.forward(&bound, x, &probs, &mut ctx);
            let task = self.config.loss.compute(pred, y);
            let p = self.net.probs_expected(&bound);
            let (cost, metric) = self.cost_term(&p);
            let total = task + cost;
            let v = to_vec(total.clone().detach())[0];
            if !v.is_finite() {
                return Err(self.non_finite(v, self.epoch));
            }
            let grads = total.backward();
            self.adam_a
                .step(&mut self.net.store, &bound, &grads, Group::Arch);
            Ok(metric)
        })
    }

    fn save_checkpoint(&self, path: &Path) -> Result<()> {
        let meta = Meta {
            space: self.net.spec.name.clone(),
            config: self.config.clone(),
            epoch: self.epoch,
            step: self.step,
            rng: self.rng.state.to_string(),
            val_pos: self.val_pos,
            lambdas: self.lambdas.clone(),
            adam_w_t: self.adam_w.t,
            adam_a_t: self.adam_a.t,
            history: self.history.clone(),
        };
        checkpoint::write(
            path,
            META_KEY,
            &meta,
            &self.net.store,
            &[("w", &self.adam_w), ("a", &self.adam_a)],
        )
    }

    fn load_checkpoint(&mut self, path: &Path) -> Result<()> {
        let ckpt = Checkpoint::read(path)?;
        let meta: Meta = ckpt.meta(META_KEY, "search")?;
        if meta.space != self.net.spec.name {
            return Err(ckpt.fail(format!(
                "it belongs to the space `{}`, not `{}`; delete it or choose another path",
                meta.space, self.net.spec.name
            )));
        }
        ckpt.restore(
            &mut self.net.store,
            &mut [("w", &mut self.adam_w), ("a", &mut self.adam_a)],
        )?;
        self.adam_w.t = meta.adam_w_t;
        self.adam_a.t = meta.adam_a_t;
        self.epoch = meta.epoch;
        self.step = meta.step;
        self.rng.state = meta
            .rng
            .parse()
            .map_err(|_| ckpt.fail("bad random-generator state"))?;
        self.val_pos = meta.val_pos;
        self.lambdas = meta.lambdas;
        self.history = meta.history;
        Ok(())
    }
}

/// Writes the history as JSON, or CSV when the path ends in `.csv`.
///
/// # Errors
/// [`Error::Io`] naming the file.
pub fn write_history(path: &Path, history: &[EpochRecord]) -> Result<()> {
    let csv = path.extension().is_some_and(|e| e == "csv");
    let text = if csv {
        let mut s = String::from("epoch,train_loss,val_loss,metric,temperature");
        for f in Resources::FIELDS {
            s.push_str(&format!(",expected_{f}"));
        }
        s.push_str(",arch\n");
        for r in history {
            s.push_str(&format!(
                "{},{},{},{},{}",
                r.epoch, r.train_loss, r.val_loss, r.metric, r.temperature
            ));
            for v in r.expected.to_array() {
                s.push_str(&format!(",{v}"));
            }
            s.push_str(&format!(",\"{}\"\n", r.arch));
        }
        s
    } else {
        serde_json::to_string_pretty(history).map_err(|e| Error::Search(e.to_string()))?
    };
    fs::write_atomic(path, text.as_bytes())
}
