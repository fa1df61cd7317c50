//! Progress of a search or a training, reported to an observer the caller supplies.
//!
//! The library draws nothing: [`Search::run_observed`](super::Search::run_observed) and
//! [`train_fixed_observed`](super::train_fixed_observed) call an [`Observer`] after every step
//! and epoch; the facade's `hwnas::progress::ProgressBars` draws terminal bars from it, a
//! notebook or a GUI can do anything else. `()` observes nothing.
//!
//! ```
//! use hwnas_core::search::{Control, Observer, StepEvent};
//!
//! /// Keeps the loss of every step; stops the run after 1,000 steps.
//! #[derive(Default)]
//! struct Losses(Vec<f32>);
//!
//! impl Observer for Losses {
//!     fn step(&mut self, event: &StepEvent<'_>) -> Control {
//!         self.0.push(event.loss);
//!         if event.step >= 1_000 { Control::Stop } else { Control::Continue }
//!     }
//! }
//! ```

use super::run::EpochRecord;
use super::train::TrainRecord;

/// Which loop reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// [`Search::run`](super::Search::run): weight and architecture steps.
    Search,
    /// [`train_fixed`](super::train_fixed): a fixed architecture (baseline or fine-tuning).
    Train,
}

/// One finished step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepEvent<'a> {
    /// The loop.
    pub stage: Stage,
    /// 0-based epoch.
    pub epoch: usize,
    /// Steps finished so far (resumed steps included).
    pub step: u64,
    /// Steps of the whole run.
    pub total_steps: u64,
    /// Loss of the weight step.
    pub loss: f32,
    /// The user's objective (its display name and its value at the expected resources), after
    /// the architecture step; `None` during warm-up and in training.
    pub objective: Option<(&'a str, f64)>,
    /// Gumbel-softmax temperature (search only).
    pub temperature: Option<f64>,
}

/// One finished epoch, with its record (the same one the history keeps).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EpochEvent<'a> {
    /// A search epoch.
    Search(&'a EpochRecord),
    /// A training epoch.
    Train(&'a TrainRecord),
}

/// What the run does after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Control {
    /// Go on.
    #[default]
    Continue,
    /// Stop now, as if the process had been killed: the run returns
    /// [`Error::Stopped`](crate::Error::Stopped) and the last epoch's checkpoint (if any) lets
    /// a later run resume.
    Stop,
}

/// Receives the progress of a run. Every method has a default that does nothing.
pub trait Observer {
    /// The run starts (or resumes with `done` of `total` steps finished).
    fn start(&mut self, _stage: Stage, _done: u64, _total: u64) {}
    /// A step finished; the answer may stop the run.
    fn step(&mut self, _event: &StepEvent<'_>) -> Control {
        Control::Continue
    }
    /// An epoch finished (after its evaluation and checkpoint).
    fn epoch(&mut self, _event: &EpochEvent<'_>) {}
    /// The run ended, successfully or not.
    fn finish(&mut self, _stage: Stage) {}
}

/// Observes nothing.
impl Observer for () {}

/// Calls [`Observer::finish`] when dropped, so that a run tells its observer it ended on every
/// path out of it (errors and `?` included).
pub(crate) struct Finishing<'a> {
    observer: &'a mut dyn Observer,
    stage: Stage,
}

impl<'a> Finishing<'a> {
    pub(crate) fn new(observer: &'a mut dyn Observer, stage: Stage) -> Self {
        Finishing { observer, stage }
    }

    /// The observer, for the run's body.
    pub(crate) fn observer(&mut self) -> &mut dyn Observer {
        &mut *self.observer
    }
}

impl Drop for Finishing<'_> {
    fn drop(&mut self) {
        self.observer.finish(self.stage);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Count {
        finished: Vec<Stage>,
    }

    impl Observer for Count {
        fn finish(&mut self, stage: Stage) {
            self.finished.push(stage);
        }
    }

    fn fails(observer: &mut dyn Observer) -> Result<(), ()> {
        let mut finishing = Finishing::new(observer, Stage::Train);
        let observer = finishing.observer();
        observer.start(Stage::Train, 0, 1);
        Err(())?;
        unreachable!("returned above");
    }

    #[test]
    fn finish_is_reported_on_the_error_path_too() {
        let mut count = Count::default();
        assert!(fails(&mut count).is_err());
        assert_eq!(count.finished, [Stage::Train]);
    }
}
