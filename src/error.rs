//! The errors that stop a run (exit status 2), rendered by miette. Each
//! stage has its own typed error; this enum wraps them and names the
//! command-level failures, so no error is a bare string.

use miette::Diagnostic;
use thiserror::Error;

use crate::catalog::RuleError;
use crate::config::ConfigError;
use crate::pipeline::engine::EngineError;
use crate::report::baseline::BaselineError;

/// Errors that stop a run; rendered by miette, exit status 2.
#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rules(#[from] RuleError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    #[diagnostic(code(egress_scan::usage))]
    Usage(String),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Baseline(#[from] BaselineError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Merge(#[from] MergeError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Engine(#[from] EngineError),
    #[error("invalid exclude pattern: {0}")]
    #[diagnostic(
        code(egress_scan::exclude),
        help("--exclude and `exclude` in the config take gitignore-style globs")
    )]
    Exclude(String),
    #[error("cannot start worker threads: {0}")]
    #[diagnostic(code(egress_scan::threads))]
    Threads(#[from] rayon::ThreadPoolBuildError),
    #[error("cannot write {target}: {source}")]
    #[diagnostic(code(egress_scan::write))]
    Write { target: String, source: std::io::Error },
    #[error("{0}")]
    #[diagnostic(code(egress_scan::git))]
    Git(String),
    #[error("{failed} rule example(s) failed")]
    #[diagnostic(
        code(egress_scan::rules::examples),
        help("the lines marked FAIL above name each rule and example")
    )]
    RuleExamples { failed: usize },
}

/// Why reports cannot be merged; nothing is written.
#[derive(Debug, Error, Diagnostic)]
pub enum MergeError {
    #[error("{message}")]
    #[diagnostic(code(egress_scan::merge::read))]
    Read { path: String, message: String },
    #[error("{path} is not an egress-scan JSON report: {reason}")]
    #[diagnostic(
        code(egress_scan::merge::invalid),
        help("pass the files written by `egress-scan scan -f json` (a truncated upload fails here)")
    )]
    Invalid { path: String, reason: String },
    #[error("{path} has schema_version {found}; this egress-scan reads schema_version {expected}")]
    #[diagnostic(
        code(egress_scan::merge::schema),
        help("re-run the scan with the same egress-scan version as the merge")
    )]
    Schema { path: String, found: u64, expected: u32 },
    #[error(
        "{path} and {other} are shards of different scans of `{repository}`: {what} differs ({a} vs {b})"
    )]
    #[diagnostic(
        code(egress_scan::merge::mismatch),
        help("every shard must be scanned by the same egress-scan version, root, rules and config; re-run the matrix")
    )]
    Mismatch {
        path: String,
        other: String,
        repository: String,
        what: &'static str,
        a: String,
        b: String,
    },
    #[error("{path}: `{repository}` is already merged from {other} ({what})")]
    #[diagnostic(
        code(egress_scan::merge::duplicate),
        help("pass each shard once; reports of different repositories need distinct names (`scan --repo-name`)")
    )]
    Duplicate {
        path: String,
        other: String,
        repository: String,
        what: String,
    },
    #[error("`{repository}` is incomplete: shard(s) {missing} of {count} missing")]
    #[diagnostic(
        code(egress_scan::merge::incomplete),
        help("pass every shard report of the scan")
    )]
    Incomplete {
        repository: String,
        missing: String,
        count: usize,
    },
    #[error("no reports given")]
    #[diagnostic(code(egress_scan::merge::empty))]
    Empty,
}
