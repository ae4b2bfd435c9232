//! A progress line on stderr for long scans (SPEC §2): only on a terminal,
//! only once a stage has run for a second, and erased when it ends, so
//! short scans, pipes and CI logs never see it.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a stage runs before its progress is shown.
const DELAY: Duration = Duration::from_secs(1);
const REFRESH: Duration = Duration::from_millis(200);

struct Shared {
    done: AtomicUsize,
    stop: AtomicBool,
}

/// Counts work items of one stage; a background thread draws the line.
pub struct Progress {
    shared: Arc<Shared>,
    drawer: Option<JoinHandle<bool>>,
}

impl Progress {
    /// Starts counting `total` items of `label`; draws nothing unless
    /// `enabled` (the caller checks the terminal and the flags).
    pub fn start(label: &'static str, total: usize, enabled: bool) -> Progress {
        let shared = Arc::new(Shared {
            done: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let drawer = enabled.then(|| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || draw(&shared, label, total))
        });
        Progress { shared, drawer }
    }

    /// One item done.
    pub fn tick(&self) {
        self.shared.done.fetch_add(1, Ordering::Relaxed);
    }

    pub fn done(&self) -> usize {
        self.shared.done.load(Ordering::Relaxed)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(drawer) = self.drawer.take() {
            if drawer.join().unwrap_or(false) {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[K");
                let _ = err.flush();
            }
        }
    }
}

/// Draws until stopped; true when something was drawn (to erase it).
fn draw(shared: &Shared, label: &str, total: usize) -> bool {
    let started = Instant::now();
    let mut drawn = false;
    while !shared.stop.load(Ordering::Relaxed) {
        std::thread::sleep(REFRESH);
        if started.elapsed() < DELAY || shared.stop.load(Ordering::Relaxed) {
            continue;
        }
        let line = render(label, shared.done.load(Ordering::Relaxed), total);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K{line}");
        let _ = err.flush();
        drawn = true;
    }
    drawn
}

fn render(label: &str, done: usize, total: usize) -> String {
    let percent = (done * 100).checked_div(total).unwrap_or(100).min(100);
    format!("{label}: {done}/{total} files ({percent} %)")
}

/// True when progress may be drawn: stderr is a terminal and the user did
/// not ask for quiet output.
pub fn wanted(quiet: bool, no_progress: bool) -> bool {
    use std::io::IsTerminal;
    !quiet && !no_progress && std::io::stderr().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_counts_files_and_percent() {
        assert_eq!(render("parsing", 250, 1000), "parsing: 250/1000 files (25 %)");
        assert_eq!(render("parsing", 0, 0), "parsing: 0/0 files (100 %)");
    }

    #[test]
    fn a_disabled_progress_counts_and_draws_nothing() {
        let progress = Progress::start("parsing", 3, false);
        progress.tick();
        progress.tick();
        assert_eq!(progress.done(), 2);
        assert!(progress.drawer.is_none());
    }
}
