//! Command-line definition (SPEC §2).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "egress-scan",
    version,
    about = "Inventory and audit every outbound network communication of a TypeScript/JavaScript, Swift, Kotlin and Java codebase",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a directory (the default command).
    Scan(ScanArgs),
    /// List or test rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Compare two git revisions (or a revision and the work tree, or two
    /// JSON reports): new/resolved findings, added/removed endpoints and hosts.
    Diff(DiffArgs),
    /// Merge JSON reports: the shards of one scan into the single-run
    /// report, or reports of several repositories into an organisation
    /// inventory.
    Merge(MergeArgs),
    /// Show a rule's documentation.
    Explain {
        rule_id: String,
        #[arg(long)]
        rules: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the loaded rules.
    List {
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Run the rules' test cases (`rules/tests/<rule>/<lang>.yaml`): valid
    /// cases must give no result, invalid ones results equal to their snapshot.
    Test {
        /// Extra rules directory to load and test (with its `tests/` folder).
        dir: Option<PathBuf>,
        /// Rewrite the snapshots of DIR's test files from the current results.
        #[arg(long, requires = "dir")]
        update: bool,
    },
}

#[derive(Debug, Args, Clone)]
pub struct ScanArgs {
    /// Directory to scan.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (default: PATH/.egress-scan.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub files: FileArgs,
    /// Exit with status 1 when a finding at or above this severity is present.
    #[arg(long, value_name = "LEVEL", default_value = "none")]
    pub fail_on: FailOn,
    /// A previous JSON report: only findings whose fingerprint is not in it
    /// count for --fail-on.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// Parse every file, even those without any trigger word (for benchmarks
    /// and for checking the prefilter).
    #[arg(long)]
    pub no_prefilter: bool,
    /// Print nothing but the report and errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Never draw the progress line (drawn on stderr for long scans, only
    /// on a terminal).
    #[arg(long)]
    pub no_progress: bool,
    /// Print the wall-clock time of each stage (walk, parse, analysis,
    /// report, render) to stderr.
    #[arg(long)]
    pub timings: bool,
    /// Scan shard K of N (1-based): files are partitioned by a stable hash
    /// of their path; merge the N JSON reports with `egress-scan merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::run::shard::Shard>,
    /// Repository name recorded in the report (organisation inventories
    /// of `merge`); default: the `origin` remote or the root folder's name.
    #[arg(long, value_name = "NAME")]
    pub repo_name: Option<String>,
    /// The date (YYYY-MM-DD) certificate pin-set expirations are compared
    /// with (default: `as_of` in the config, else the HEAD commit's date;
    /// never the clock).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
}

/// Which files are read and how: shared by `scan` and `diff`.
#[derive(Debug, Args, Clone)]
pub struct FileArgs {
    /// Extra or overriding rule files (merged with the built-ins).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Scan test code too (test folders and *.test.* / *Tests.swift files).
    #[arg(long)]
    pub include_tests: bool,
    /// Exclude paths matching GLOB (gitignore syntax). Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Languages to scan: ts,swift,kotlin.
    #[arg(long, value_delimiter = ',', value_name = "LANGS")]
    pub lang: Vec<String>,
    /// Worker threads (default: number of CPUs; at most 4 per CPU).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Maximum file size in bytes; larger files are skipped and counted.
    #[arg(long, value_name = "BYTES", default_value_t = crate::run::scan::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Do not read or write the facts cache (per-file parse results kept by
    /// content hash in $EGRESS_SCAN_CACHE_DIR, else ~/.cache/egress-scan).
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args, Clone)]
pub struct MergeArgs {
    /// JSON reports written by `scan -f json` (shards and/or repositories).
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<PathBuf>,
    /// Output format (`sarif` needs a single repository).
    #[arg(short, long, value_enum, default_value = "json")]
    pub format: Format,
    /// Write the result to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rules directory used by the scans (SARIF rule metadata).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Title of the markdown document.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct DiffArgs {
    /// Base revision (branch, tag, sha, `HEAD~3`) or a saved JSON report.
    pub base: String,
    /// Head revision or JSON report (default: the work tree).
    pub head: Option<String>,
    /// A path inside the git repository.
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub repo: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: crate::run::diff::DiffFormat,
    /// Write the diff to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub files: FileArgs,
    /// Exit with status 1 when a *new* unsuppressed finding is at or above this severity.
    #[arg(long, value_name = "LEVEL", default_value = "none")]
    pub fail_on: FailOn,
    /// Exit with status 1 when a changed source file could not be analysed
    /// (too large, a link, unreadable, abandoned by the parser).
    #[arg(long)]
    pub fail_on_unanalysed: bool,
    /// Exit with status 1 when the change adds a host that is not in the
    /// configuration's `allowed_hosts` (or a service of `allowed_services`).
    #[arg(long)]
    pub fail_on_new_host: bool,
    /// Exit with status 1 when the change adds a communication (a service,
    /// a module's unknown hosts, runtime-determined URLs) that is not in
    /// `allowed_services` and whose hosts are not all in `allowed_hosts`.
    #[arg(long)]
    pub fail_on_new_communication: bool,
    /// Analyse every file of both sides, not only the changed files and
    /// the files their analysis depends on: slower, and the count of
    /// unchanged findings covers the whole tree.
    #[arg(long)]
    pub whole: bool,
    /// Print the wall-clock time of each stage (read trees, renames, scope,
    /// parse, analysis, compare, render) to stderr.
    #[arg(long)]
    pub timings: bool,
    /// Prefix of the `path#Lline` links of `-f markdown` (e.g.
    /// `https://github.com/OWNER/REPO/blob/SHA/`); default: relative links.
    #[arg(long, value_name = "URL")]
    pub link_base: Option<String>,
    /// Configuration file (default: .egress-scan.toml of the revision
    /// `--config-from` names).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Which revision's .egress-scan.toml applies to both sides: `base` (the
    /// default: a change cannot relax its own gate) or `head`.
    #[arg(long, value_enum, value_name = "SIDE", default_value = "base")]
    pub config_from: ConfigFrom,
}

/// The side of a diff whose configuration applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ConfigFrom {
    Base,
    Head,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl FailOn {
    pub fn severity(self) -> Option<crate::model::Severity> {
        use crate::model::Severity;
        match self {
            FailOn::None => None,
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
        }
    }
}
