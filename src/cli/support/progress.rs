//! A progress bar for long imports and generations, on a terminal only (indicatif).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar on standard error, shown only when standard error is a terminal (a pipe, a log
/// or a test's capture gets nothing). It counts the steps done and names the current one; a tick
/// keeps the elapsed time moving while a step runs.
pub struct Progress {
    bar: ProgressBar,
    started: u64,
}

impl Progress {
    pub fn new(steps: usize) -> Self {
        let bar = if std::io::stderr().is_terminal() {
            ProgressBar::with_draw_target(Some(steps as u64), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        // The template is a constant known to parse; the default bar is the fallback anyway.
        let style = ProgressStyle::with_template("[{bar:20}] {pos}/{len} {msg:10} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("#-");
        bar.set_style(style);
        if !bar.is_hidden() {
            bar.enable_steady_tick(Duration::from_millis(100));
        }
        Progress { bar, started: 0 }
    }

    /// Marks the start of the next step: the ones before it are done.
    pub fn step(&mut self, label: &str) {
        self.bar.set_position(self.started);
        self.started += 1;
        self.bar.set_message(label.to_string());
    }

    /// Stops and clears the bar.
    pub fn done(&mut self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done();
    }
}
