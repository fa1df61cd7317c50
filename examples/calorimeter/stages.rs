//! The training stages: baseline, search, fine-tune. Each one checkpoints after every epoch
//! and saves its result atomically, so `--resume` skips what is finished and continues what was
//! interrupted without training a finished epoch again.

use std::path::{Path, PathBuf};

use hwnas::backend::TrainBackend;
use hwnas::core::cost::{CostModel, IoType};
use hwnas::ir::Network;
use hwnas::progress::ProgressBars;
use hwnas::search::{
    Budget, Loss, Metric, Search, SearchConfig, SearchResult, TrainConfig, checkpoint_epochs,
    derive, supernet_from_network, train_fixed_observed,
};
use hwnas::space::{Arch, SpaceSpec};
use hwnas::supernet::Supernet;

use crate::data::Data;

/// The task loss (the MAE of the correction factor).
pub const LOSS: Loss = Loss::Mae;

/// Epoch counts and other knobs of one run.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Epochs of baseline training.
    pub baseline_epochs: usize,
    /// Epochs of the search (warm-up included).
    pub search_epochs: usize,
    /// Warm-up epochs of the search (weights only).
    pub warmup_epochs: usize,
    /// Epochs of fine-tuning the searched network.
    pub finetune_epochs: usize,
    /// Samples per step.
    pub batch_size: usize,
    /// Calibration events for the fixed-point ranges.
    pub calibration_events: usize,
}

/// Where the stages keep their files.
pub struct Files {
    root: PathBuf,
}

impl Files {
    /// Files under `root`.
    pub fn new(root: &Path) -> Self {
        Files {
            root: root.to_path_buf(),
        }
    }

    /// A path under the output directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }
}

/// One training stage of a fixed network.
struct Stage<'a> {
    /// File stem of its checkpoint and result (`baseline` → `baseline.json`).
    file: &'a str,
    /// Name of the derived network (and of its HLS project).
    network: &'a str,
    /// Epochs.
    epochs: usize,
    /// Learning rate at the first and the last step (cosine decay).
    lr: (f64, f64),
    /// Shuffling seed.
    seed: u64,
}

/// What every stage of one run shares: the data, the schedule, where the files go, the seed,
/// whether to resume, and the device.
pub struct Run<'a, B: TrainBackend> {
    /// The events.
    pub data: &'a Data,
    /// Epoch counts and batch size.
    pub schedule: &'a Schedule,
    /// The output directory.
    pub files: &'a Files,
    /// Seed of weights, shuffling and search.
    pub seed: u64,
    /// Continue from checkpoints and saved results.
    pub resume: bool,
    /// Where to train.
    pub device: &'a B::Device,
}

impl<B: TrainBackend> Run<'_, B> {
    /// Prints how far a checkpoint got when this run resumes from it.
    fn report_resume(&self, checkpoint: &Path, what: &str, epochs: usize) -> hwnas::Result<()> {
        if self.resume
            && let Some(done) = checkpoint_epochs(checkpoint)?
        {
            println!("      resuming {what}: {done} of {epochs} epochs already done");
        }
        Ok(())
    }

    /// Trains the fixed network that `make` builds (all decisions made) for `stage.epochs`,
    /// resuming from its checkpoint, and returns the derived IR network (integer bits
    /// calibrated on the training events where the network does not fix them); loads the saved
    /// result instead when a previous run finished the stage.
    fn train_or_load(
        &self,
        stage: Stage<'_>,
        make: impl FnOnce() -> hwnas::core::Result<Supernet<B>>,
    ) -> hwnas::Result<Network> {
        let saved = self.files.path(&format!("{}.json", stage.file));
        if self.resume && saved.exists() {
            return Ok(Network::load(&saved)?);
        }
        let checkpoint = self.files.path(&format!("{}.ckpt.safetensors", stage.file));
        self.report_resume(&checkpoint, stage.file, stage.epochs)?;
        let mut net = make()?;
        let cfg = TrainConfig {
            epochs: stage.epochs,
            batch_size: self.schedule.batch_size,
            lr: stage.lr.0,
            lr_final: Some(stage.lr.1),
            seed: stage.seed,
            loss: LOSS,
            checkpoint: Some(checkpoint),
            resume: self.resume,
        };
        let (train, val) = (&self.data.train.net, &self.data.val.net);
        train_fixed_observed(&mut net, &[], train, val, &cfg, &mut ProgressBars::new())?;
        let mut ir = derive(&net, &[], &train.head(self.schedule.calibration_events))?;
        ir.name = stage.network.into();
        ir.save(&saved)?;
        Ok(ir)
    }

    /// The baseline: the widest, most precise member of `space`, trained from scratch.
    pub fn baseline(&self, space: &SpaceSpec, widest: &Arch) -> hwnas::Result<Network> {
        let stage = Stage {
            file: "baseline",
            network: "calo_baseline",
            epochs: self.schedule.baseline_epochs,
            lr: (3e-3, 1e-4),
            seed: self.seed,
        };
        let make = || Supernet::<B>::new(&space.restricted_to(widest)?, self.device, self.seed);
        self.train_or_load(stage, make)
    }

    /// The search, its supernet warm-started from the baseline's weights (the baseline is the
    /// widest member, so every shared tensor has the baseline's shape).
    pub fn search(
        &self,
        space: &SpaceSpec,
        baseline: &Network,
        model: &dyn CostModel,
        objective: Metric,
        budgets: Vec<Budget>,
    ) -> hwnas::Result<(Search<B>, SearchResult)> {
        let checkpoint = self.files.path("search.ckpt.safetensors");
        self.report_resume(&checkpoint, "the search", self.schedule.search_epochs)?;
        let cfg = SearchConfig {
            epochs: self.schedule.search_epochs,
            warmup_epochs: self.schedule.warmup_epochs,
            batch_size: self.schedule.batch_size,
            lr_weights: 1e-3,
            lr_arch: 5e-2,
            tau_start: 2.0,
            tau_end: 0.3,
            cost_weight: 0.001,
            rho: 2.0,
            seed: self.seed,
            loss: LOSS,
            io: IoType::IoStream,
            checkpoint: Some(checkpoint),
            resume: self.resume,
            history: Some(self.files.path("search_history.json")),
            ..SearchConfig::default()
        };
        let mut search = Search::<B>::new(space, model, objective, budgets, cfg, self.device)?;
        let base = supernet_from_network::<B>(baseline, self.device)?;
        search.net.copy_matching(&base);
        let (train, val) = (&self.data.train.net, &self.data.val.net);
        let result = search.run_observed(train, val, &mut ProgressBars::new())?;
        Ok((search, result))
    }

    /// The searched network: derived from the supernet, fine-tuned with quantisation-aware
    /// training at its own bit-widths and integer bits.
    pub fn finetune(&self, search: &Search<B>, result: &SearchResult) -> hwnas::Result<Network> {
        self.finetune_as(search, result, "searched", "calo_searched")
    }

    /// [`Run::finetune`] of another architecture of the same search (a point of the Pareto
    /// front), saved as `file.json` and named `network`.
    pub fn finetune_as(
        &self,
        search: &Search<B>,
        result: &SearchResult,
        file: &str,
        network: &str,
    ) -> hwnas::Result<Network> {
        let stage = Stage {
            file,
            network,
            epochs: self.schedule.finetune_epochs,
            lr: (2e-3, 5e-5),
            seed: self.seed.wrapping_add(7),
        };
        let make = || {
            let calib = self.data.train.net.head(self.schedule.calibration_events);
            let derived = derive(&search.net, &result.indices, &calib)?;
            supernet_from_network::<B>(&derived, self.device)
        };
        self.train_or_load(stage, make)
    }
}
