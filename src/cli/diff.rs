//! `egress-scan diff BASE [HEAD]`: the change to the network surface
//! between two revisions or two JSON reports.

use std::path::Path;

use super::args::{ConfigFrom, DiffArgs};
use super::{cache_root, gix_root, parse_langs, threads, write_file, write_stdout, Outcome};
use crate::catalog::RuleSet;
use crate::config::Config;
use crate::error::Error;
use crate::pipeline::platform::rules as platform_rules;
use crate::run::diff::{self, DiffReport};
use crate::run::{merge, timings};

pub(super) fn run(args: &DiffArgs) -> Result<Outcome, Error> {
    if args.timings {
        timings::enable();
    }
    // The configuration's gates and allow-lists apply to the diff.
    let (mut report, config) = match &args.head {
        Some(head) if Path::new(&args.base).is_file() && Path::new(head).is_file() => {
            RuleSet::load(args.files.rules.as_deref())?;
            // Only `--config` sets gates for two saved reports; it cannot
            // let the change's own inline suppressions silence the gate:
            // only a configuration read from the repository can.
            let config = match args.config.as_deref() {
                Some(path) => Config {
                    allow_new_suppressions: false,
                    ..Config::discover(Path::new("."), Some(path))?
                },
                None => Config::default(),
            };
            (compare_reports(&args.base, head)?, config)
        }
        _ => diff_repository(args)?,
    };
    let gate = diff::EgressGate::new(args.fail_on_new_host, args.fail_on_new_communication, &config);
    if gate.enabled() {
        report.gate = Some(gate.judge(&report));
    }
    let allow_new_suppressions = config.allow_new_suppressions;
    let rendered = timings::stage("render", || match args.format {
        diff::DiffFormat::Json => diff::render::json(&report),
        diff::DiffFormat::Table => diff::render::table(&report),
        diff::DiffFormat::Markdown => {
            diff::render::markdown(&report, args.link_base.as_deref().unwrap_or(""))
        }
    });
    if args.timings {
        eprint!("{}", timings::render());
    }
    match &args.output {
        Some(path) => write_file(path, &rendered)?,
        None => write_stdout(&rendered)?,
    }
    let failing = args
        .fail_on
        .severity()
        .map_or(0, |level| report.failing(level, allow_new_suppressions));
    let unanalysed = if args.fail_on_unanalysed {
        report.unanalysed.len()
    } else {
        0
    };
    let egress = report.gate.as_ref().map_or(0, |g| g.failing());
    Ok(Outcome::gate(failing + unanalysed + egress))
}

/// The diff of two saved JSON reports of whole scans.
fn compare_reports(base: &str, head: &str) -> Result<DiffReport, Error> {
    let read = |p: &str| -> Result<crate::model::Report, Error> {
        let report = merge::read_report(Path::new(p))?;
        match &report.shard {
            Some(info) => Err(Error::Usage(format!(
                "{p} is the report of shard {} of {}; merge the shards first (`egress-scan merge`)",
                info.index, info.count
            ))),
            None => Ok(report),
        }
    };
    let mut report = diff::compare(&read(base)?, &read(head)?);
    report.base = base.to_string();
    report.head = head.to_string();
    Ok(report)
}

/// The diff of two revisions (or a revision and the work tree), and the
/// configuration `--config-from` names, whose gates and allow-lists apply.
fn diff_repository(args: &DiffArgs) -> Result<(DiffReport, Config), Error> {
    let config_rev = match (args.config_from, &args.head) {
        (ConfigFrom::Base, _) => Some(args.base.as_str()),
        (ConfigFrom::Head, head) => head.as_deref(),
    };
    // A rules folder of the repository is read from the same revision as
    // the configuration; any other folder from disk.
    let in_revision = match (args.files.rules.as_deref(), config_rev) {
        (Some(dir), Some(rev)) => diff::revision_rule_files(&args.repo, rev, dir)?,
        _ => None,
    };
    let rules = &match in_revision {
        Some(files) => RuleSet::with_user_files(files)?,
        None => RuleSet::load(args.files.rules.as_deref())?,
    };
    let config = match (args.config.as_deref(), config_rev) {
        (Some(path), _) => Config::discover(&gix_root(&args.repo), Some(path))?,
        (None, Some(rev)) => diff::revision_config(&args.repo, rev)?,
        // The work tree's own file.
        (None, None) => Config::discover(&gix_root(&args.repo), None)?,
    };
    let config_name = args.config.as_deref().map_or_else(
        || format!("{}:.egress-scan.toml", config_rev.unwrap_or("work tree")),
        |p| p.display().to_string(),
    );
    config.check_rule_ids(&config_name, |id| {
        rules.get(id).is_some() || platform_rules::is_builtin_id(id)
    })?;
    let options = diff::DiffOptions {
        repo: args.repo.clone(),
        base: args.base.clone(),
        head: args.head.clone(),
        excludes: args.files.exclude.clone(),
        include_tests: args.files.include_tests,
        langs: parse_langs(&args.files.lang)?,
        threads: threads(args.files.threads),
        max_file_size: args.files.max_file_size,
        cache: cache_root(args.files.no_cache),
        whole: args.whole,
    };
    Ok((diff::diff_revisions(&options, rules, &config)?, config))
}
