//! Progress bars of the example's own stages (the trainer and the search report to
//! `hwnas::progress::ProgressBars`).

use indicatif::{ProgressBar, ProgressStyle};

/// A bar over `len` steps, labelled `what`.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")
    {
        bar.set_style(style);
    }
    bar.set_message(what.to_string());
    bar
}
