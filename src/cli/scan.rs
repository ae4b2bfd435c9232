//! `egress-scan [scan] PATH`: scan a tree and render its report.

use super::args::ScanArgs;
use super::{cache_root, display_root, parse_langs, threads, write_file, write_stdout, Outcome};
use crate::catalog::RuleSet;
use crate::config::Config;
use crate::error::Error;
use crate::input::Links;
use crate::pipeline::platform::{date, rules as platform_rules};
use crate::pipeline::spill;
use crate::report;
use crate::run::{progress, scan, shard, timings};

pub(super) fn run(args: &ScanArgs) -> Result<Outcome, Error> {
    let root = &args.path;
    if !root.is_dir() {
        return Err(Error::Usage(format!("{} is not a directory", root.display())));
    }
    let mut config = Config::discover(root, args.config.as_deref())?;
    config.as_of = as_of(args.as_of.as_deref(), config.as_of.take())?;
    let rules = RuleSet::load(args.files.rules.as_deref())?;
    let config_name = args
        .config
        .as_deref()
        .map_or_else(|| ".egress-scan.toml".into(), |p| p.display().to_string());
    config.check_rule_ids(&config_name, |id| {
        rules.get(id).is_some() || platform_rules::is_builtin_id(id)
    })?;
    let langs = parse_langs(&args.files.lang)?;
    let options = scan::ScanOptions {
        root: root.clone(),
        root_label: display_root(root),
        excludes: args.files.exclude.clone(),
        include_tests: args.files.include_tests,
        langs,
        threads: threads(args.files.threads),
        prefilter: !args.no_prefilter,
        max_file_size: args.files.max_file_size,
        cache: cache_root(args.files.no_cache),
        progress: progress::wanted(args.quiet, args.no_progress),
    };
    // Read the baseline before scanning so a bad file fails fast.
    let baseline = args
        .baseline
        .as_deref()
        .map(|path| report::baseline::Baseline::load(path, Links::for_path(path, Some(root))))
        .transpose()?;
    if args.timings {
        timings::enable();
    }
    let mut report = match args.shard {
        Some(k_of_n) => shard::scan_shard(&options, k_of_n, &rules, &config)?,
        None => scan::scan(&options, &rules, &config)?,
    };
    report.repository = args.repo_name.clone();
    if let (Some(info), Some(name)) = (&mut report.shard, &args.repo_name) {
        info.repository = name.clone();
    }
    let rendered = timings::stage("render", || {
        report::render(&report, args.format, &rules, config.report.title.as_deref())
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
    Ok(Outcome::gate(failing))
}

/// The as-of date: `--as-of`, else the config's `as_of`, checked.
fn as_of(flag: Option<&str>, configured: Option<String>) -> Result<Option<String>, Error> {
    match (flag, configured) {
        (Some(flag), _) => date::parse(flag)
            .map(Some)
            .map_err(|e| Error::Usage(format!("--as-of: {e}"))),
        (None, Some(configured)) => date::parse(&configured)
            .map(Some)
            .map_err(|e| Error::Usage(format!("`as_of` in the config: {e}"))),
        (None, None) => Ok(None),
    }
}
