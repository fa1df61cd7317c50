//! Terminal progress bars for searches and training runs.
//!
//! [`ProgressBars`] is an [`Observer`]: pass it to
//! [`Search::run_observed`](crate::search::Search::run_observed) or
//! [`train_fixed_observed`](crate::search::train_fixed_observed). The bar shows the step, the
//! loss, the user's objective by its own name and the temperature; it draws on standard error
//! and hides itself when that is not a terminal.
//!
//! ```
//! use hwnas::progress::ProgressBars;
//! use hwnas::search::{Control, Observer, Stage, StepEvent};
//!
//! let mut bars = ProgressBars::new();
//! bars.start(Stage::Search, 0, 10);
//! let event = StepEvent {
//!     stage: Stage::Search, epoch: 0, step: 1, total_steps: 10, loss: 0.5,
//!     objective: Some(("lut + 55*dsp", 1234.0)), temperature: Some(2.0),
//! };
//! assert_eq!(bars.step(&event), Control::Continue);
//! assert_eq!(ProgressBars::message(&event), "search epoch 0 loss 0.5000 lut + 55*dsp 1234.0 tau 2.00");
//! bars.finish(Stage::Search);
//! ```

use hwnas_core::search::{Control, Observer, Stage, StepEvent};
use indicatif::{ProgressBar, ProgressStyle};

/// An [`Observer`] that draws one terminal progress bar per run.
#[derive(Debug, Default)]
pub struct ProgressBars {
    bar: Option<ProgressBar>,
}

impl ProgressBars {
    /// No bar yet; each run ([`Observer::start`]) opens one.
    pub fn new() -> Self {
        Self::default()
    }

    /// The text beside the bar for one step.
    pub fn message(event: &StepEvent<'_>) -> String {
        let stage = match event.stage {
            Stage::Search => "search",
            Stage::Train => "train",
        };
        let mut m = format!("{stage} epoch {} loss {:.4}", event.epoch, event.loss);
        if let Some((name, value)) = event.objective {
            m.push_str(&format!(" {name} {value:.1}"));
        }
        if let Some(tau) = event.temperature {
            m.push_str(&format!(" tau {tau:.2}"));
        }
        m
    }
}

impl Observer for ProgressBars {
    fn start(&mut self, _stage: Stage, done: u64, total: u64) {
        let bar = ProgressBar::new(total);
        if let Ok(style) =
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")
        {
            bar.set_style(style);
        }
        bar.set_position(done);
        self.bar = Some(bar);
    }

    fn step(&mut self, event: &StepEvent<'_>) -> Control {
        if let Some(bar) = &self.bar {
            bar.set_position(event.step);
            bar.set_message(Self::message(event));
        }
        Control::Continue
    }

    fn finish(&mut self, _stage: Stage) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
