//! A progress bar for long imports and generations, on a terminal only.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// A progress bar on standard error for work that takes more than a second, shown only on a
/// terminal (a pipe or a log gets nothing). A thread redraws it while the steps run.
pub struct Progress {
    state: Arc<Shared>,
    painter: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    pub fn new(steps: usize) -> Self {
        let state = Arc::new(Shared::default());
        let painter = std::io::stderr().is_terminal().then(|| {
            let state = Arc::clone(&state);
            std::thread::spawn(move || paint(&state, steps))
        });
        Progress { state, painter }
    }

    /// Marks the start of the next step.
    pub fn step(&mut self, label: &str) {
        if let Ok(mut s) = self.state.now.lock() {
            s.step += 1;
            s.label = label.to_string();
        }
    }

    /// Stops and clears the bar.
    pub fn done(&mut self) {
        if let Ok(mut s) = self.state.now.lock() {
            s.finished = true;
        }
        self.state.wake.notify_all();
        if let Some(p) = self.painter.take() {
            let _ = p.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done();
    }
}

/// What the painter thread reads: the current step, and a signal to stop.
#[derive(Default)]
struct Shared {
    now: Mutex<Now>,
    wake: Condvar,
}

#[derive(Default)]
struct Now {
    step: usize,
    label: String,
    finished: bool,
}

fn paint(state: &Shared, steps: usize) {
    let start = Instant::now();
    let mut shown = false;
    let Ok(mut s) = state.now.lock() else { return };
    while !s.finished {
        s = match state.wake.wait_timeout(s, Duration::from_millis(100)) {
            Ok((s, _)) => s,
            Err(_) => return,
        };
        let secs = start.elapsed().as_secs_f64();
        if secs > 1.0 && !s.finished {
            let filled = (20 * s.step.saturating_sub(1) / steps.max(1)).min(20);
            let bar = format!("{}{}", "#".repeat(filled), "-".repeat(20 - filled));
            let _ = write!(std::io::stderr(), "\r[{bar}] {}/{steps} {:<10} {secs:5.1}s", s.step, s.label);
            shown = true;
        }
    }
    if shown {
        let _ = write!(std::io::stderr(), "\r{}\r", " ".repeat(50));
    }
}
