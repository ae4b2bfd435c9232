//! egress-scan: a static auditor of outbound network communications.
//!
//! The pipeline runs in one direction — walk, prefilter, parse, extract,
//! analyse, inventory, report — with one module per stage (SPEC §3).

// Diagnostics carry their source text for miette; they are built once per
// failed run, so their size on the error path does not matter.
#![allow(clippy::result_large_err)]

pub mod analysis;
pub mod cache;
pub mod cli;
pub mod config;
pub mod diff;
mod embedded;
pub mod engine;
pub mod extract;
pub mod fuzzing;
pub mod inventory;
pub mod lang;
pub mod merge;
pub mod model;
pub mod prefilter;
pub mod progress;
pub mod report;
pub mod rules;
pub mod rules_test;
pub mod scan;
pub mod shard;
pub mod spill;
pub mod timings;
pub mod walk;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use miette::Diagnostic;
use thiserror::Error;

use cli::{Cli, Command, RulesCommand, ScanArgs};
use config::Config;
use lang::Lang;
use report::Format;
use rules::RuleSet;

/// Errors that stop a run; rendered by miette, exit status 2.
#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rules(#[from] rules::RuleError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] config::ConfigError),
    #[error("{0}")]
    #[diagnostic(code(egress_scan::usage))]
    Usage(String),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Baseline(#[from] report::baseline::BaselineError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Merge(#[from] merge::MergeError),
    #[error("{0}")]
    #[diagnostic(code(egress_scan::error))]
    Other(String),
}

/// How a run ended: 0 = ran clean, 1 = findings at/above `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    FindingsAboveThreshold,
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
        Some(Command::Scan(args)) => run_scan(&args),
        None => run_scan(&cli.scan),
        Some(Command::Diff(args)) => run_diff(&args),
        Some(Command::Merge(args)) => run_merge(&args),
        Some(Command::Rules(RulesCommand::List { rules })) => {
            let set = RuleSet::load(rules.as_deref())?;
            let mut out = String::new();
            for r in &set.rules {
                let langs: Vec<&str> = r.languages.iter().map(|l| l.name()).collect();
                out.push_str(&format!(
                    "{:<40} {:<8} {:<24} {}\n",
                    r.id,
                    r.severity.as_str(),
                    langs.join(","),
                    r.title
                ));
            }
            write_stdout(&out)?;
            Ok(Outcome::Clean)
        }
        Some(Command::Rules(RulesCommand::Test { dir })) => {
            let set = RuleSet::load(dir.as_deref())?;
            let results = rules_test::run_examples(&set);
            let mut out = String::new();
            let mut failed = 0;
            for r in &results {
                if !r.passed {
                    failed += 1;
                }
                out.push_str(&format!(
                    "{} {} {}\n",
                    if r.passed { "ok  " } else { "FAIL" },
                    r.rule_id,
                    r.describe()
                ));
            }
            out.push_str(&format!("{} passed, {} failed\n", results.len() - failed, failed));
            write_stdout(&out)?;
            if failed > 0 {
                Err(Error::Other(format!("{failed} rule example(s) failed")))
            } else {
                Ok(Outcome::Clean)
            }
        }
        Some(Command::Explain { rule_id, rules }) => {
            let set = RuleSet::load(rules.as_deref())?;
            let rule = set.get(&rule_id).ok_or_else(|| {
                Error::Usage(format!("unknown rule `{rule_id}`; see `egress-scan rules list`"))
            })?;
            let langs: Vec<&str> = rule.languages.iter().map(|l| l.name()).collect();
            write_stdout(&format!(
                "{} — {}\nseverity: {}\nlanguages: {}\n\n{}\n",
                rule.id,
                rule.title,
                rule.severity.as_str(),
                langs.join(", "),
                rule.help.trim_end()
            ))?;
            Ok(Outcome::Clean)
        }
    }
}

fn run_scan(args: &ScanArgs) -> Result<Outcome, Error> {
    let root = &args.path;
    if !root.is_dir() {
        return Err(Error::Usage(format!("{} is not a directory", root.display())));
    }
    let config = Config::discover(root, args.config.as_deref())?;
    let rules = RuleSet::load(args.rules.as_deref())?;
    let langs = parse_langs(&args.lang)?;
    let options = scan::ScanOptions {
        root: root.clone(),
        root_label: display_root(root),
        excludes: args.exclude.clone(),
        include_tests: args.include_tests,
        langs,
        threads: args.threads.unwrap_or_else(default_threads).max(1),
        prefilter: !args.no_prefilter,
        max_file_size: args.max_file_size,
        shard: args.shard,
        cache: cache_root(args.no_cache),
        progress: progress::wanted(args.quiet, args.no_progress),
    };
    // Read the baseline before scanning so a bad file fails fast.
    let baseline = args
        .baseline
        .as_deref()
        .map(report::baseline::Baseline::load)
        .transpose()?;
    if args.timings {
        timings::enable();
    }
    let mut report = scan::scan(&options, &rules, &config)?;
    report.repository = args.repo_name.clone();
    if let (Some(info), Some(name)) = (&mut report.shard, &args.repo_name) {
        info.repository = name.clone();
    }
    let rendered = timings::stage("render", || match args.format {
        Format::Json => report::json::render(&report),
        Format::Table => report::table::render(&report),
        Format::Sarif => report::sarif::render(&report, &rules),
        Format::Markdown => report::markdown::render(&report, config.report.title.as_deref()),
    });
    timings::stage("write", || match &args.output {
        Some(path) => write_file(path, &rendered),
        None => write_stdout(&rendered),
    })?;
    if args.timings {
        eprint!("{}", timings::render());
    }
    if spill::failed_reads() > 0 {
        eprintln!(
            "warning: the facts of {} parsed file(s) could not be read back from the scan's temporary file; \
             their own calls and findings are missing from this report",
            spill::failed_reads()
        );
    }
    let failing = args.fail_on.severity().map_or(0, |level| match &baseline {
        Some(b) => b.new_failing(&report, level),
        None => report.failing(level),
    });
    Ok(if failing > 0 {
        Outcome::FindingsAboveThreshold
    } else {
        Outcome::Clean
    })
}

fn run_merge(args: &cli::MergeArgs) -> Result<Outcome, Error> {
    let rendered = match merge::merge_files(&args.reports)? {
        merge::Merged::Repository(report) => match args.format {
            Format::Json => report::json::render(&report),
            Format::Table => report::table::render(&report),
            Format::Sarif => report::sarif::render(&report, &RuleSet::load(args.rules.as_deref())?),
            Format::Markdown => report::markdown::render(&report, args.title.as_deref()),
        },
        merge::Merged::Organisation(org) => match args.format {
            Format::Json => report::org::render_json(&org),
            Format::Table => report::org::render_table(&org),
            Format::Markdown => report::org::render_markdown(&org, args.title.as_deref()),
            Format::Sarif => {
                return Err(Error::Usage(format!(
                    "SARIF describes one repository; these reports are of {} repositories (merge each repository's shards separately, or use -f json|markdown|table)",
                    org.repositories.len()
                )))
            }
        },
    };
    match &args.output {
        Some(path) => write_file(path, &rendered)?,
        None => write_stdout(&rendered)?,
    }
    Ok(Outcome::Clean)
}

fn run_diff(args: &cli::DiffArgs) -> Result<Outcome, Error> {
    let rules = RuleSet::load(args.rules.as_deref())?;
    let report = match &args.head {
        // Two saved JSON reports.
        Some(head) if Path::new(&args.base).is_file() && Path::new(head).is_file() => {
            let read = |p: &str| -> Result<report::Report, Error> {
                let text =
                    std::fs::read_to_string(p).map_err(|e| Error::Usage(format!("cannot read {p}: {e}")))?;
                report::json::parse(&text)
                    .map_err(|e| Error::Usage(format!("{p} is not an egress-scan JSON report: {e}")))
            };
            let mut report = diff::compare(&read(&args.base)?, &read(head)?);
            report.base = args.base.clone();
            report.head = head.clone();
            report
        }
        _ => {
            let config = match args.config.as_deref() {
                Some(path) => Config::discover(&gix_root(&args.repo), Some(path))?,
                None => diff::revision_config(&args.repo, &args.base)?,
            };
            let options = diff::DiffOptions {
                repo: args.repo.clone(),
                base: args.base.clone(),
                head: args.head.clone(),
                excludes: args.exclude.clone(),
                include_tests: args.include_tests,
                langs: parse_langs(&args.lang)?,
                threads: args.threads.unwrap_or_else(default_threads).max(1),
                max_file_size: args.max_file_size,
                cache: cache_root(args.no_cache),
            };
            diff::diff_revisions(&options, &rules, &config)?
        }
    };
    let rendered = match args.format {
        diff::DiffFormat::Json => diff::render::json(&report),
        diff::DiffFormat::Table => diff::render::table(&report),
        diff::DiffFormat::Markdown => diff::render::markdown(&report),
    };
    match &args.output {
        Some(path) => write_file(path, &rendered)?,
        None => write_stdout(&rendered)?,
    }
    let failing = args.fail_on.severity().map_or(0, |level| report.failing(level));
    Ok(if failing > 0 {
        Outcome::FindingsAboveThreshold
    } else {
        Outcome::Clean
    })
}

/// The facts cache folder unless `--no-cache`.
fn cache_root(no_cache: bool) -> Option<std::path::PathBuf> {
    if no_cache {
        None
    } else {
        cache::default_root()
    }
}

/// The work tree root of the repository at `path` (for config discovery),
/// or `path` itself.
fn gix_root(path: &Path) -> std::path::PathBuf {
    gix::discover(path)
        .ok()
        .and_then(|r| r.workdir().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

fn parse_langs(names: &[String]) -> Result<Vec<Lang>, Error> {
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

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The root as given, `/`-separated, without a trailing slash.
fn display_root(root: &Path) -> String {
    let s = root.to_string_lossy().replace('\\', "/");
    let trimmed = s.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        trimmed.to_string()
    }
}

fn write_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Other(format!("cannot write output: {e}"))),
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|e| Error::Other(format!("cannot write {}: {e}", path.display())))
}
