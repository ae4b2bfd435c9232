//! `--timings`: wall-clock time per scan stage, printed to stderr.
//!
//! Reports carry no durations (they must be byte-identical between runs),
//! so stage times are collected here instead, and only when the command
//! line asks for them. A process-wide recorder keeps the stages' code free
//! of a parameter that only diagnostics need; when it is off, recording a
//! stage costs one atomic load.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

static ENABLED: AtomicBool = AtomicBool::new(false);
static STAGES: Mutex<Vec<(&'static str, Duration)>> = Mutex::new(Vec::new());

/// Starts recording stage times.
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Runs `f`, recording its wall-clock time under `stage` when enabled.
/// Stages recorded twice (both sides of a `diff`) add up.
pub fn stage<R>(stage: &'static str, f: impl FnOnce() -> R) -> R {
    if !ENABLED.load(Ordering::Relaxed) {
        return f();
    }
    let started = Instant::now();
    let out = f();
    let took = started.elapsed();
    if let Ok(mut stages) = STAGES.lock() {
        match stages.iter_mut().find(|(name, _)| *name == stage) {
            Some((_, total)) => *total += took,
            None => stages.push((stage, took)),
        }
    }
    out
}

/// The recorded stages as a table, in the order they first ran.
pub fn render() -> String {
    let stages = STAGES.lock().map(|s| s.clone()).unwrap_or_default();
    format_stages(&stages)
}

fn format_stages(stages: &[(&'static str, Duration)]) -> String {
    let width = stages
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0)
        .max(5);
    let mut out = String::from("timings (wall clock):\n");
    for (name, took) in stages {
        out.push_str(&format!("  {name:<width$}  {:>8.3} s\n", took.as_secs_f64()));
    }
    let total: Duration = stages.iter().map(|(_, t)| *t).sum();
    out.push_str(&format!(
        "  {:<width$}  {:>8.3} s\n",
        "total",
        total.as_secs_f64()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_listed_in_order_with_a_total() {
        let text = format_stages(&[
            ("walk", Duration::from_millis(120)),
            ("parse and extract", Duration::from_millis(2500)),
        ]);
        assert_eq!(
            text,
            "timings (wall clock):\n  \
             walk                  0.120 s\n  \
             parse and extract     2.500 s\n  \
             total                 2.620 s\n"
        );
    }

    #[test]
    fn a_disabled_recorder_still_runs_the_stage() {
        assert_eq!(stage("test stage", || 41 + 1), 42);
    }
}
