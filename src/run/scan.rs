//! The scan driver: walk → prefilter → parse → extract → analyse → report.
//! Each stage is called through its typed interface; this module only wires
//! them and gathers statistics.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::catalog::rules::RuleSet;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::error::Error;
use crate::input::{self, Links};
use crate::model::platform::PlatformConfig;
use crate::model::FileFacts;
use crate::model::InventoryFacts;
use crate::model::PlatformFileStats;
use crate::model::{Endpoint, Finding, Location, Report, Skipped, Stats, Tool, SCHEMA_VERSION};
use crate::model::{EndpointHit, FileAnalysis, OutboundCall};
use crate::model::{Grammar, Lang};
use crate::pipeline::analysis::{self, AnalysisOptions, ParsedFile};
use crate::pipeline::engine::{Engine, Outcome};
use crate::pipeline::inventory;
use crate::pipeline::platform::{self, ConfigFile, PlatformScan};
use crate::pipeline::spill::Spill;
use crate::pipeline::walk::{self, WalkOptions};
use crate::run::finalize::Finisher;
use crate::run::progress::Progress;
use crate::run::timings;

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
    /// Facts cache folder (see [`crate::pipeline::cache`]); `None`: no cache.
    pub cache: Option<PathBuf>,
    /// Draw a progress line on stderr during long scans (see
    /// [`crate::run::progress`]).
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
            cache: None,
            progress: false,
        }
    }
}

/// Runs a scan and returns the report.
pub fn scan(options: &ScanOptions, rules: &RuleSet, config: &Config) -> Result<Report, Error> {
    in_pool(options.threads, || scan_in_pool(options, rules, config))
}

/// Runs `work` in a rayon pool of `threads` workers (the scan's `-j`).
pub fn in_pool<T: Send>(threads: usize, work: impl FnOnce() -> Result<T, Error> + Send) -> Result<T, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()?
        .install(work)
}

fn scan_in_pool(options: &ScanOptions, rules: &RuleSet, config: &Config) -> Result<Report, Error> {
    let (walked, outcomes) = walk_and_process(options, rules, config)?;
    let mut stats = Stats {
        files_seen: walked.files.len() + walked.too_large + walked.unreadable + walked.special_paths.len(),
        files_skipped: Skipped {
            too_large: walked.too_large,
            unreadable: walked.unreadable,
            symlink_or_special: walked.special_paths.len(),
            unreadable_dirs: walked.unreadable_dirs,
            ..Skipped::default()
        },
        ..Stats::default()
    };
    stats.count_not_analysed(walked.unsupported_paths.iter().map(|(_, lang)| *lang));
    stats.ignore_files_refused = refused_ignore_files(&walked);
    let platform = timings::stage("platform configuration", || {
        scan_platform(&walked.platform, options, config)
    });
    stats.platform_files = platform_counts(&walked.platform, &platform, &|_| true);
    let (stats, files) = collect_outcomes(stats, outcomes);
    Ok(ReportBuilder::new(rules, config).with_platform(&platform).build(
        options.root_label.clone(),
        stats,
        &files.iter().collect::<Vec<_>>(),
    ))
}

/// Reads and analyses the platform configuration files the walk found.
/// The as-of date is the configured one (`--as-of` lands in the config),
/// else the HEAD commit's. A malformed file is reported on stderr.
pub fn scan_platform(found: &walk::PlatformFiles, options: &ScanOptions, config: &Config) -> PlatformScan {
    let mut files = Vec::with_capacity(found.files.len());
    let mut unreadable = Vec::new();
    for candidate in &found.files {
        match input::read_bytes(&candidate.path, Links::Refuse, options.max_file_size) {
            Ok(bytes) => files.push(ConfigFile {
                rel: candidate.rel.clone(),
                kind: candidate.kind,
                bytes,
            }),
            Err(_) => unreadable.push(candidate.rel.clone()),
        }
    }
    if files.is_empty() {
        return PlatformScan {
            unreadable,
            ..PlatformScan::default()
        };
    }
    let as_of = config
        .as_of
        .clone()
        .or_else(|| platform::date::head_commit_date(&options.root));
    let mut scan = platform::analyse(&files, as_of.as_deref());
    scan.unreadable = unreadable;
    // A warning, not an error: the scan goes on without the file.
    for malformed in &scan.malformed {
        eprintln!("{:?}", miette::Report::new(malformed.clone()));
    }
    scan
}

/// The counts of the platform configuration files `keep` accepts (all of
/// them, or one shard's).
pub fn platform_counts(
    found: &walk::PlatformFiles,
    scan: &PlatformScan,
    keep: &dyn Fn(&str) -> bool,
) -> PlatformFileStats {
    PlatformFileStats {
        read: scan.texts.keys().filter(|f| keep(f)).count(),
        too_large: found.too_large.iter().filter(|f| keep(f)).count(),
        unreadable: found
            .unreadable
            .iter()
            .chain(&scan.unreadable)
            .filter(|f| keep(f))
            .count(),
        malformed: scan
            .malformed
            .iter()
            .map(|m| m.file.clone())
            .filter(|f| keep(f))
            .collect(),
    }
}

/// The walk's refused ignore files as report lines (`path (why)`).
pub fn refused_ignore_files(walked: &walk::WalkOutput) -> Vec<String> {
    walked
        .refused_ignore_files
        .iter()
        .map(|(path, why)| format!("{path} ({why})"))
        .collect()
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
    .map_err(|e| Error::Exclude(e.to_string()))?;

    // Each file's full facts go to the spill file as soon as they are
    // extracted, so memory holds summaries only (see `ParsedFile`).
    let spill = Spill::new().map(Arc::new);
    let engine = Engine::new(rules, options.prefilter)?
        .with_cache(options.cache.as_deref(), rules)
        .with_spill(spill.clone());
    let progress = Progress::start("scanning", walked.files.len(), options.progress);
    // With a cache, each file's content id is computed once here: the
    // cache keys facts by it and the second phase's outcome is kept under
    // all of them (see `tree_key`).
    let identify = engine.has_cache();
    let (mut outcomes, ids): (Vec<Outcome>, Vec<Option<gix::ObjectId>>) =
        timings::stage("read, parse and extract", || {
            walked
                .files
                .par_iter()
                .map(|candidate| {
                    let read = input::read_bytes(&candidate.path, Links::Refuse, options.max_file_size);
                    let (outcome, id) = match read {
                        Ok(bytes) => {
                            let id = identify
                                .then(|| crate::pipeline::cache::content_id(&bytes))
                                .flatten();
                            let outcome = match &id {
                                Some(id) => {
                                    engine.process_blob(&candidate.rel, candidate.grammar, id, &bytes)
                                }
                                None => engine.process(&candidate.rel, candidate.grammar, &bytes),
                            };
                            (outcome.spilled_to(spill.as_ref()), id)
                        }
                        Err(_) => (Outcome::Unreadable, None),
                    };
                    progress.tick();
                    (outcome, id)
                })
                .unzip()
        });
    drop(progress);
    let read = |i: usize| {
        let candidate = &walked.files[i];
        let bytes = input::read_bytes(&candidate.path, Links::Refuse, options.max_file_size).ok()?;
        Some((candidate.rel.as_str(), candidate.grammar, Cow::Owned(bytes)))
    };
    timings::stage("prefilter, second phase", || {
        // An unchanged tree admits the same files: the outcome of an
        // earlier scan is kept with the facts, under the tree's contents.
        let store = engine.segment_store::<Vec<usize>>("second-phase");
        let key = store.as_ref().and_then(|_| tree_key(&walked, &ids, &outcomes));
        if let (Some(store), Some(key)) = (&store, &key) {
            if let Some(admitted) = store.get(key, Grammar::TypeScript) {
                engine.admit(&mut outcomes, admitted, read);
                return;
            }
        }
        let waiting: Vec<usize> = (0..outcomes.len())
            .filter(|&i| matches!(outcomes[i], Outcome::NoTrigger))
            .collect();
        engine.recheck_untriggered(
            &mut outcomes,
            rules,
            |i| {
                let (rel, grammar, bytes) = read(i)?;
                Some((
                    rel,
                    Cow::Owned(crate::pipeline::prefilter::file_words(grammar, &bytes)),
                ))
            },
            read,
        );
        if let (Some(store), Some(key)) = (store, key) {
            let admitted = waiting
                .into_iter()
                .filter(|&i| !matches!(outcomes[i], Outcome::NoTrigger))
                .collect();
            store.learn(&key, Grammar::TypeScript, admitted);
            store.flush();
        }
    });

    Ok((walked, outcomes))
}

/// The identity of a walked tree after the prefilter's first phase: every
/// file's path, content id (`ids`, from the first phase) and outcome,
/// hashed. `None` when a file's content id is unknown (it was unreadable).
fn tree_key(
    walked: &walk::WalkOutput,
    ids: &[Option<gix::ObjectId>],
    outcomes: &[Outcome],
) -> Option<gix::ObjectId> {
    let mut listing = Vec::new();
    for ((candidate, id), outcome) in walked.files.iter().zip(ids).zip(outcomes) {
        listing.extend_from_slice(candidate.rel.as_bytes());
        listing.push(0);
        listing.extend_from_slice((*id)?.as_bytes());
        listing.push(u8::from(matches!(outcome, Outcome::NoTrigger)));
    }
    crate::pipeline::cache::content_id(&listing)
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
    scan_sources_with_platform(
        root_label,
        sources,
        &PlatformScan::default(),
        engine,
        rules,
        config,
    )
}

/// [`scan_sources`] with the project's platform configuration (see
/// [`scan_platform`]).
pub fn scan_sources_with_platform(
    root_label: String,
    sources: &[SourceFile],
    platform: &PlatformScan,
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
        rules,
        |i| {
            let s = &sources[i];
            Some((
                s.rel.as_str(),
                Cow::Owned(crate::pipeline::prefilter::file_words(s.grammar, &s.bytes)),
            ))
        },
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
    ReportBuilder::new(rules, config).with_platform(platform).build(
        root_label,
        stats,
        &files.iter().collect::<Vec<_>>(),
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

/// Builds the report of a set of parsed files: analysis, finished findings
/// and the inventory. `diff` reports renamed files under their new path,
/// and a shard reports only its own files.
pub struct ReportBuilder<'a> {
    rules: &'a RuleSet,
    config: &'a Config,
    renames: Option<&'a BTreeMap<String, String>>,
    keep: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
    platform: Option<&'a PlatformScan>,
}

impl<'a> ReportBuilder<'a> {
    pub fn new(rules: &'a RuleSet, config: &'a Config) -> Self {
        ReportBuilder {
            rules,
            config,
            renames: None,
            keep: None,
            platform: None,
        }
    }

    /// Adds the platform configuration: its findings, its policy joined
    /// with the code's plaintext requests, and the `platform` object.
    pub fn with_platform(mut self, platform: &'a PlatformScan) -> Self {
        self.platform = Some(platform);
        self
    }

    /// Findings of the files in `renames` (old path → new path) are
    /// reported, and fingerprinted, under their new path, so a renamed
    /// file's findings keep their identity.
    pub fn renamed(mut self, renames: &'a BTreeMap<String, String>) -> Self {
        self.renames = Some(renames);
        self
    }

    /// Reports only the endpoints, calls, findings and inventory facts
    /// located in files `keep` accepts; the whole project is still analysed
    /// so cross-file facts stay exact.
    pub fn keeping(mut self, keep: &'a (dyn Fn(&str) -> bool + Sync)) -> Self {
        self.keep = Some(keep);
        self
    }

    /// Analyses `files` and assembles the sorted report.
    pub fn build(&self, root: String, stats: Stats, files: &[&ParsedFile]) -> Report {
        self.build_with_inventory(root, stats, files).0
    }

    /// [`ReportBuilder::build`], also returning the kept files' inventory
    /// facts (for shard reports).
    pub fn build_with_inventory(
        &self,
        root: String,
        stats: Stats,
        files: &[&ParsedFile],
    ) -> (Report, InventoryFacts) {
        let keep = |file: &str| self.keep.is_none_or(|keep| keep(file));
        let analysis_options = AnalysisOptions {
            allowed_hosts: self.config.allowed_hosts.clone(),
            guards: self.config.guards.clone(),
        };
        let catalog = Catalog::builtin();
        let no_renames = BTreeMap::new();
        let finisher = Finisher {
            rules: self.rules,
            config: self.config,
            catalog: &catalog,
            renames: self.renames.unwrap_or(&no_renames),
        };
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
                .filter_map(|raw| finisher.finding(raw, facts))
                .collect();
            FileResults {
                calls,
                hits,
                findings,
                inventory,
            }
        };
        let mut results = timings::stage("analysis", || {
            analysis::analyse_project(
                files,
                self.rules,
                &analysis_options,
                &|i| keep(files[i].path()),
                &finish,
            )
        });
        let platform = self.platform.filter(|p| !p.config.is_empty());
        if let Some(platform) = platform {
            results.push(FileResults {
                calls: Vec::new(),
                hits: Vec::new(),
                findings: platform
                    .findings
                    .iter()
                    .filter(|f| keep(&f.raw.file))
                    .filter_map(|f| finisher.platform_finding(f, platform.texts.get(&f.raw.file)))
                    .collect(),
                inventory: InventoryFacts::default(),
            });
        }
        // Without a configured severity, a plaintext request every target
        // blocks is lowered.
        let policy = platform.map(|p| {
            let lower = !self.config.severity.contains_key("egress/insecure-transport");
            (&p.config, lower)
        });
        timings::stage("report", || assemble(root, stats, results, &catalog, policy))
    }
}

/// What one file adds to the report, taken while its facts were open.
struct FileResults {
    calls: Vec<OutboundCall>,
    hits: Vec<EndpointHit>,
    findings: Vec<Finding>,
    inventory: crate::model::InventoryFacts,
}

/// Sorts and merges the per-file results of [`ReportBuilder::build`] into
/// the report and its inventory facts.
fn assemble(
    root: String,
    stats: Stats,
    results: Vec<FileResults>,
    catalog: &crate::catalog::Catalog,
    platform: Option<(&PlatformConfig, bool)>,
) -> (Report, crate::model::InventoryFacts) {
    let mut calls = Vec::new();
    let mut hits = Vec::new();
    let mut findings = Vec::new();
    let mut inventory_facts = crate::model::InventoryFacts::default();
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
    if let Some((config, lower)) = platform {
        platform::join::insecure_transport(&mut findings, &config.targets, lower);
    }
    sort_lists(&mut endpoints, &mut findings);

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
        platform: platform.map(|(config, _)| config.clone()),
    };
    (report, inventory_facts)
}

/// The report's order: each endpoint's locations sorted, once each;
/// findings by place, a finding repeated at one line (same fingerprint)
/// kept once. The sort is stable: `merge` relies on ties keeping the
/// order of the shard they come from.
pub fn sort_lists(endpoints: &mut [Endpoint], findings: &mut Vec<Finding>) {
    for e in endpoints {
        e.locations.sort();
        e.locations.dedup();
    }
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule_id, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.rule_id, &b.message))
    });
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.line == b.line);
}
