//! The command line (SPEC §2): clap definitions in [`args`], one module
//! per subcommand, and the exit-status contract (0 clean, 1 findings at or
//! above `--fail-on`, 2 error).

pub mod args;
mod diff;
mod merge;
mod rules;
mod scan;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use crate::error::Error;
use crate::model::Lang;
use crate::pipeline::cache;
use args::{Cli, Command, RulesCommand};

/// How a run ended: 0 = ran clean, 1 = findings at/above `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    FindingsAboveThreshold,
}

impl Outcome {
    /// `FindingsAboveThreshold` when any finding counts for the gate.
    fn gate(failing: usize) -> Outcome {
        if failing > 0 {
            Outcome::FindingsAboveThreshold
        } else {
            Outcome::Clean
        }
    }
}

/// Entry point for the binary and for in-process tests.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::FindingsAboveThreshold) => ExitCode::from(1),
        Err(err) => {
            eprintln!("{:?}", miette::Report::new(err));
            ExitCode::from(2)
        }
    }
}

pub fn run(cli: Cli) -> Result<Outcome, Error> {
    match cli.command {
        Some(Command::Scan(args)) => scan::run(&args),
        None => scan::run(&cli.scan),
        Some(Command::Diff(args)) => diff::run(&args),
        Some(Command::Merge(args)) => merge::run(&args),
        Some(Command::Rules(RulesCommand::List { rules })) => rules::list(rules.as_deref()),
        Some(Command::Rules(RulesCommand::Test { dir, update })) => rules::test(dir.as_deref(), update),
        Some(Command::Explain { rule_id, rules }) => rules::explain(&rule_id, rules.as_deref()),
    }
}

/// The facts cache folder unless `--no-cache`.
pub(crate) fn cache_root(no_cache: bool) -> Option<std::path::PathBuf> {
    if no_cache {
        None
    } else {
        cache::default_root()
    }
}

/// The work tree root of the repository at `path` (for config discovery),
/// or `path` itself.
pub(crate) fn gix_root(path: &Path) -> std::path::PathBuf {
    gix::discover(path)
        .ok()
        .and_then(|r| r.workdir().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

pub(crate) fn parse_langs(names: &[String]) -> Result<Vec<Lang>, Error> {
    if names.is_empty() {
        return Ok(Lang::ALL.to_vec());
    }
    names
        .iter()
        .map(|n| {
            Lang::parse_name(n)
                .ok_or_else(|| Error::Usage(format!("unknown language `{n}` (use ts, swift, kotlin)")))
        })
        .collect()
}

/// `-j N`, or the CPU count; at most four threads per CPU, since more only
/// adds start-up cost (`-j 1000` on a small tree spent its time starting
/// threads).
pub(crate) fn threads(requested: Option<usize>) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    requested.unwrap_or(cpus).clamp(1, cpus.saturating_mul(4))
}

/// The root as reports name it: a relative path as given (`/`-separated,
/// without `./` or a trailing slash), and for an absolute path or `.` the
/// folder's name. A report handed to an auditor must not carry the layout
/// of the machine that made it.
pub(crate) fn display_root(root: &Path) -> String {
    let s = root.to_string_lossy().replace('\\', "/");
    let trimmed = s.trim_end_matches('/');
    let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
    if !root.is_absolute() && !trimmed.is_empty() && trimmed != "." {
        return trimmed.to_string();
    }
    let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    canonical
        .file_name()
        .map_or_else(|| "scan root".to_string(), |n| n.to_string_lossy().into_owned())
}

pub(crate) fn write_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Error::Write {
            target: "output".into(),
            source,
        }),
    }
}

pub(crate) fn write_file(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|source| Error::Write {
        target: path.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_count_is_capped_at_four_per_cpu() {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(threads(Some(1000)), (4 * cpus).min(1000));
        assert_eq!(threads(Some(0)), 1);
        assert_eq!(threads(None), cpus);
    }

    #[test]
    fn reports_name_a_root_without_the_machine_s_layout() {
        assert_eq!(display_root(Path::new("fixtures/chatbot/")), "fixtures/chatbot");
        assert_eq!(display_root(Path::new("./app")), "app");
        let dir = std::env::temp_dir().join("egress-scan-root-name");
        std::fs::create_dir_all(&dir).expect("temp dir");
        assert_eq!(display_root(&dir), "egress-scan-root-name");
        assert_eq!(display_root(Path::new("/")), "scan root");
        let here = std::env::current_dir().expect("cwd");
        let name = here
            .file_name()
            .expect("named cwd")
            .to_string_lossy()
            .into_owned();
        assert_eq!(display_root(Path::new(".")), name);
    }
}
