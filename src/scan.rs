//! The scan driver: walk → prefilter → parse → extract → analyse → report.
//! Each stage is called through its typed interface; this module only wires
//! them and gathers statistics.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::analysis::{
    self, AnalysisOptions, EndpointHit, FileAnalysis, OutboundCall, ParsedFile, RawFinding,
};
use crate::config::Config;
use crate::engine::{Engine, Outcome};
use crate::lang::{Grammar, Lang};
use crate::model::FileFacts;
use crate::progress::Progress;
use crate::report::{Endpoint, Finding, Location, Report, Skipped, Stats, Tool, SCHEMA_VERSION};
use crate::rules::{RuleSet, Severity};
use crate::spill::Spill;
use crate::timings;
use crate::walk::{self, WalkOptions};
use crate::{inventory, Error};

/// Default maximum file size (bytes); larger files are counted as too large.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub root: PathBuf,
    /// The root as the user wrote it, shown in reports.
    pub root_label: String,
    pub excludes: Vec<String>,
    pub include_tests: bool,
    pub langs: Vec<Lang>,
    pub threads: usize,
    pub prefilter: bool,
    pub max_file_size: u64,
    /// Scan only this shard's files (`--shard K/N`); see [`crate::shard`].
    pub shard: Option<crate::shard::Shard>,
    /// Facts cache folder (see [`crate::cache`]); `None`: no cache.
    pub cache: Option<PathBuf>,
    /// Draw a progress line on stderr during long scans (see
    /// [`crate::progress`]).
    pub progress: bool,
}

impl ScanOptions {
    /// A scan of `root` with the command line's defaults: every language,
    /// test code excluded, prefilter on, no cache, no shard, no progress.
    pub fn new(root: PathBuf) -> ScanOptions {
        ScanOptions {
            root_label: root.display().to_string(),
            root,
            excludes: Vec::new(),
            include_tests: false,
            langs: Lang::ALL.to_vec(),
            threads: 2,
            prefilter: true,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            shard: None,
            cache: None,
            progress: false,
        }
    }
}

/// Runs a scan and returns the report.
pub fn scan(options: &ScanOptions, rules: &RuleSet, config: &Config) -> Result<Report, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|e| Error::Other(format!("cannot start worker threads: {e}")))?;
    pool.install(|| scan_in_pool(options, rules, config))
}

fn scan_in_pool(options: &ScanOptions, rules: &RuleSet, config: &Config) -> Result<Report, Error> {
    let (walked, outcomes) = walk_and_process(options, rules, config)?;
    if let Some(shard) = options.shard {
        let stats = shard.stats(&walked, &outcomes);
        let (_, files) = collect_outcomes(Stats::default(), outcomes);
        return Ok(shard.report(options, stats, &files, rules, config));
    }
    let mut stats = Stats {
        files_seen: walked.files.len() + walked.too_large,
        files_skipped: Skipped {
            too_large: walked.too_large,
            unreadable: walked.unreadable,
            symlink_or_special: walked.special_paths.len(),
            ..Skipped::default()
        },
        ..Stats::default()
    };
    stats.count_not_analysed(walked.unsupported_paths.iter().map(|(_, lang)| *lang));
    let (stats, files) = collect_outcomes(stats, outcomes);
    Ok(build_report(
        options.root_label.clone(),
        stats,
        &files.iter().collect::<Vec<_>>(),
        rules,
        config,
    ))
}

/// Walks the root and processes every candidate file, in walk order (one
/// outcome per `walked.files` entry). Call inside the scan's thread pool.
pub fn walk_and_process(
    options: &ScanOptions,
    rules: &RuleSet,
    config: &Config,
) -> Result<(walk::WalkOutput, Vec<Outcome>), Error> {
    let mut excludes = options.excludes.clone();
    excludes.extend(config.exclude.iter().cloned());
    let walked = timings::stage("walk", || {
        walk::walk(&WalkOptions {
            root: options.root.clone(),
            excludes,
            include_tests: options.include_tests || config.include_tests.unwrap_or(false),
            langs: options.langs.clone(),
            max_file_size: options.max_file_size,
            threads: options.threads,
        })
    })
    .map_err(|e| Error::Other(format!("invalid exclude pattern: {e}")))?;

    let engine = Engine::new(rules, options.prefilter)?.with_cache(options.cache.as_deref(), rules);
    // Each file's full facts go to the spill file as soon as they are
    // extracted, so memory holds summaries only (see `ParsedFile`).
    let spill = Spill::new().map(Arc::new);
    let progress = Progress::start("scanning", walked.files.len(), options.progress);
    let mut outcomes: Vec<Outcome> = timings::stage("read, parse and extract", || {
        walked
            .files
            .par_iter()
            .map(|candidate| {
                let outcome = match std::fs::read(&candidate.path) {
                    Ok(bytes) => engine
                        .process(&candidate.rel, candidate.grammar, &bytes)
                        .spilled_to(spill.as_ref()),
                    Err(_) => Outcome::Unreadable,
                };
                progress.tick();
                outcome
            })
            .collect()
    });
    drop(progress);
    let read = |i: usize| {
        let candidate = &walked.files[i];
        let bytes = std::fs::read(&candidate.path).ok()?;
        Some((candidate.rel.as_str(), candidate.grammar, Cow::Owned(bytes)))
    };
    timings::stage("prefilter, second phase", || {
        engine.recheck_untriggered(
            &mut outcomes,
            |i| Some(Cow::Owned(crate::prefilter::file_words(&read(i)?.2))),
            read,
        );
        // The files it admitted.
        outcomes = std::mem::take(&mut outcomes)
            .into_par_iter()
            .map(|o| o.spilled_to(spill.as_ref()))
            .collect();
    });

    Ok((walked, outcomes))
}

/// A source file held in memory (e.g. a git blob).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    pub grammar: Grammar,
    pub bytes: Vec<u8>,
}

/// Scans in-memory sources (already filtered by path) with the same
/// per-file processing as [`scan`].
pub fn scan_sources(
    root_label: String,
    sources: &[SourceFile],
    engine: &Engine,
    rules: &RuleSet,
    config: &Config,
) -> Report {
    let mut outcomes: Vec<Outcome> = sources
        .par_iter()
        .map(|s| engine.process(&s.rel, s.grammar, &s.bytes))
        .collect();
    engine.recheck_untriggered(
        &mut outcomes,
        |i| Some(Cow::Owned(crate::prefilter::file_words(&sources[i].bytes))),
        |i| {
            let s = &sources[i];
            Some((s.rel.as_str(), s.grammar, Cow::Borrowed(&s.bytes[..])))
        },
    );
    let stats = Stats {
        files_seen: sources.len(),
        ..Stats::default()
    };
    let (stats, files) = collect_outcomes(stats, outcomes);
    build_report(
        root_label,
        stats,
        &files.iter().collect::<Vec<_>>(),
        rules,
        config,
    )
}

/// Counts outcomes into `stats` and keeps the extracted facts, in order.
pub fn collect_outcomes(mut stats: Stats, outcomes: Vec<Outcome>) -> (Stats, Vec<ParsedFile>) {
    let parsed = outcomes.iter().filter(|o| matches!(o, Outcome::Facts(_))).count();
    let mut files: Vec<ParsedFile> = Vec::with_capacity(parsed);
    for outcome in outcomes {
        let rel = match &outcome {
            Outcome::Facts(facts) => facts.path(),
            _ => "",
        };
        count_outcome(&mut stats, rel, &outcome);
        if let Outcome::Facts(facts) = outcome {
            files.push(*facts);
        }
    }
    (stats, files)
}

/// Adds the outcome of the file at `rel` to `stats`.
pub fn count_outcome(stats: &mut Stats, rel: &str, outcome: &Outcome) {
    match outcome {
        Outcome::Facts(facts) => {
            stats.files_parsed += 1;
            if facts.summary.parse_error {
                stats.files_skipped.parse_error += 1;
                stats.add_parse_error_file(rel);
            }
        }
        Outcome::NoTrigger => stats.files_without_triggers += 1,
        Outcome::Binary => stats.files_skipped.binary += 1,
        Outcome::Minified => stats.files_skipped.minified += 1,
        Outcome::Unreadable => stats.files_skipped.unreadable += 1,
        Outcome::ParseAbandoned => stats.files_skipped.parse_abandoned += 1,
    }
}

/// Analyses extracted facts and assembles the sorted report.
pub fn build_report(
    root: String,
    stats: Stats,
    files: &[&ParsedFile],
    rules: &RuleSet,
    config: &Config,
) -> Report {
    build_report_renamed(root, stats, files, rules, config, &BTreeMap::new())
}

/// [`build_report`], with findings of the files in `renames` (old path →
/// new path) reported, and fingerprinted, under their new path. `diff` uses
/// it so a renamed file's findings keep their identity.
pub fn build_report_renamed(
    root: String,
    stats: Stats,
    files: &[&ParsedFile],
    rules: &RuleSet,
    config: &Config,
    renames: &BTreeMap<String, String>,
) -> Report {
    build_report_of(root, stats, files, rules, config, renames, &|_| true).0
}

/// [`build_report_renamed`] reporting only the endpoints, calls, findings
/// and inventory facts located in files `keep` accepts; the whole project
/// is still analysed so cross-file facts stay exact. Also returns the kept
/// files' inventory facts (for shard reports).
pub fn build_report_of(
    root: String,
    stats: Stats,
    files: &[&ParsedFile],
    rules: &RuleSet,
    config: &Config,
    renames: &BTreeMap<String, String>,
    keep: &(dyn Fn(&str) -> bool + Sync),
) -> (Report, inventory::InventoryFacts) {
    let analysis_options = AnalysisOptions {
        allowed_hosts: config.allowed_hosts.clone(),
        guards: config.guards.clone(),
    };
    let catalog = inventory::Catalog::builtin();
    // What the report needs of a file's facts (snippets, suppressions,
    // request details) is taken while the analysis has them open.
    let finish = |facts: &FileFacts, analysis: FileAnalysis| {
        let FileAnalysis {
            mut calls,
            endpoints: mut hits,
            findings,
        } = analysis;
        calls.retain(|c| keep(&c.file));
        hits.retain(|h| keep(&h.file));
        let hosts_at: Vec<(usize, &str)> = hits
            .iter()
            .filter(|h| h.file == facts.path)
            .map(|h| (h.span.line, h.host.as_str()))
            .collect();
        let inventory = inventory::file_facts(facts, &calls, &hosts_at, &catalog);
        let findings: Vec<Finding> = findings
            .into_iter()
            .filter(|f| keep(&f.file))
            .filter_map(|raw| to_finding(raw, facts, rules, config, &catalog, renames))
            .collect();
        FileResults {
            calls,
            hits,
            findings,
            inventory,
        }
    };
    let results = timings::stage("analysis", || {
        analysis::analyse_project(
            files,
            rules,
            &analysis_options,
            &|i| keep(files[i].path()),
            &finish,
        )
    });
    timings::stage("report", || assemble(root, stats, results, &catalog))
}

/// What one file adds to the report, taken while its facts were open.
struct FileResults {
    calls: Vec<OutboundCall>,
    hits: Vec<EndpointHit>,
    findings: Vec<Finding>,
    inventory: inventory::InventoryFacts,
}

/// Sorts and merges the per-file results of [`build_report_of`] into the
/// report and its inventory facts.
fn assemble(
    root: String,
    stats: Stats,
    results: Vec<FileResults>,
    catalog: &inventory::Catalog,
) -> (Report, inventory::InventoryFacts) {
    let mut calls = Vec::new();
    let mut hits = Vec::new();
    let mut findings = Vec::new();
    let mut inventory_facts = inventory::InventoryFacts::default();
    for file in results {
        calls.extend(file.calls);
        hits.extend(file.hits);
        findings.extend(file.findings);
        inventory_facts.extend(file.inventory);
    }
    inventory_facts.sort();
    calls.sort();
    calls.dedup();

    let mut by_url: BTreeMap<(String, String), Endpoint> = BTreeMap::new();
    for hit in hits {
        let entry = by_url
            .entry((hit.host.clone(), hit.url.clone()))
            .or_insert_with(|| Endpoint {
                url: hit.url.clone(),
                host: hit.host.clone(),
                scheme: hit.scheme.clone(),
                origin: hit.origin,
                service: catalog.service_for_host(&hit.host).map(|s| s.name.clone()),
                locations: Vec::new(),
            });
        entry.origin = entry.origin.min(hit.origin);
        entry.locations.push(Location {
            file: hit.file,
            line: hit.span.line,
            column: hit.span.column,
        });
    }
    let mut endpoints: Vec<Endpoint> = by_url.into_values().collect();
    for e in &mut endpoints {
        e.locations.sort();
        e.locations.dedup();
    }

    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule_id, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.rule_id, &b.message))
    });
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.line == b.line);

    let communications =
        inventory::communications_from(&endpoints, &findings, &calls, &inventory_facts, catalog);
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "egress-scan".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        root,
        repository: None,
        stats,
        endpoints,
        communications,
        findings,
        calls,
        shard: None,
    };
    (report, inventory_facts)
}

fn to_finding(
    mut raw: RawFinding,
    facts: &FileFacts,
    rules: &RuleSet,
    config: &Config,
    catalog: &inventory::Catalog,
    renames: &BTreeMap<String, String>,
) -> Option<Finding> {
    let rule = rules.get(&raw.rule_id)?;
    let public_key = public_key_service(&raw, catalog);
    if let Some(service) = public_key {
        raw.message.push_str(&format!(
            " (`{}` is {service}'s public client key, shipped in every client: it names the project but grants no account access)",
            raw.url_param.as_deref().unwrap_or_default()
        ));
    }
    let severity = config
        .severity
        .get(&raw.rule_id)
        .copied()
        .or(public_key.map(|_| Severity::Low))
        .unwrap_or(rule.severity);
    if severity == Severity::Info {
        return None;
    }
    let facts = Some(facts).filter(|f| f.path == raw.file);
    let snippet = facts.map(|f| f.snippet(raw.span.line)).unwrap_or_default();
    let suppression = facts.and_then(|f| {
        f.suppressions.iter().find(|s| {
            (s.line == raw.span.line || s.line + 1 == raw.span.line)
                && (s.rule == raw.rule_id || s.rule == "*" || s.rule == "all")
        })
    });
    if let Some(new_path) = renames.get(&raw.file) {
        raw.file = new_path.clone();
    }
    Some(Finding {
        fingerprint: fingerprint(&raw),
        rule_id: raw.rule_id,
        severity,
        message: raw.message,
        file: raw.file,
        line: raw.span.line,
        column: raw.span.column,
        end_line: raw.span.end_line,
        end_column: raw.span.end_column,
        host: raw.host,
        snippet,
        suppressed: suppression.is_some(),
        suppression_reason: suppression.map(|s| s.reason.clone()),
    })
}

/// The catalog service whose public client key a finding's URL parameter
/// carries (see `public_keys` in rules/services.yaml).
fn public_key_service<'c>(raw: &RawFinding, catalog: &'c inventory::Catalog) -> Option<&'c str> {
    let param = raw.url_param.as_deref()?;
    let service = catalog.service_for_host(raw.host.as_deref()?)?;
    service
        .public_keys
        .iter()
        .any(|k| k == param)
        .then_some(service.name.as_str())
}

/// Stable across line moves and unrelated edits: rule, file, enclosing
/// function and the whitespace-normalised matched text.
pub fn fingerprint(raw: &RawFinding) -> String {
    let normalized: String = raw.matched.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut hasher = Sha256::new();
    for part in [
        raw.rule_id.as_str(),
        raw.file.as_str(),
        raw.function.as_deref().unwrap_or(""),
        normalized.as_str(),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_line_and_whitespace() {
        let raw = |line, matched: &str| RawFinding {
            rule_id: "egress/token-in-url".into(),
            message: "m".into(),
            file: "a.ts".into(),
            span: crate::model::Span {
                line,
                ..Default::default()
            },
            host: None,
            function: Some("send".into()),
            matched: matched.into(),
            url_param: None,
        };
        assert_eq!(fingerprint(&raw(3, "a  b")), fingerprint(&raw(40, "a b")));
        assert_ne!(fingerprint(&raw(3, "a b")), fingerprint(&raw(3, "a c")));
    }
}
