//! The scan driver: walk → prefilter → parse → extract → analyse → report.
//! Each stage is called through its typed interface; this module only wires
//! them and gathers statistics.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::OnceLock;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::analysis::{self, AnalysisOptions, Project, RawFinding};
use crate::cache::FactsCache;
use crate::config::Config;
use crate::extract::{self, CompiledQueries, RuleQuery};
use crate::lang::{self, Grammar, Lang};
use crate::model::FileFacts;
use crate::prefilter::Prefilter;
use crate::report::{Endpoint, Finding, Location, Report, Skipped, Stats, Tool, SCHEMA_VERSION};
use crate::rules::{RuleSet, Severity};
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
}

/// What per-file processing produced: facts, or why a file was not analysed.
#[derive(Debug, Clone)]
pub enum Outcome {
    Facts(Box<FileFacts>),
    NoTrigger,
    Binary,
    Minified,
    Unreadable,
    /// The parser used up its work allowance (see [`lang::parse`]).
    ParseAbandoned,
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
    let stats = Stats {
        files_seen: walked.files.len() + walked.too_large,
        files_skipped: Skipped {
            too_large: walked.too_large,
            unreadable: walked.unreadable,
            symlink_or_special: walked.special_paths.len(),
            ..Skipped::default()
        },
        ..Stats::default()
    };
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
    let walked = walk::walk(&WalkOptions {
        root: options.root.clone(),
        excludes,
        include_tests: options.include_tests || config.include_tests.unwrap_or(false),
        langs: options.langs.clone(),
        max_file_size: options.max_file_size,
        threads: options.threads,
    })
    .map_err(|e| Error::Other(format!("invalid exclude pattern: {e}")))?;

    let engine = Engine::new(rules, options.prefilter)?.with_cache(options.cache.as_deref(), rules);
    let mut outcomes: Vec<Outcome> = walked
        .files
        .par_iter()
        .map(|candidate| match std::fs::read(&candidate.path) {
            Ok(bytes) => engine.process(&candidate.rel, candidate.grammar, &bytes),
            Err(_) => Outcome::Unreadable,
        })
        .collect();
    let read = |i: usize| {
        let candidate = &walked.files[i];
        let bytes = std::fs::read(&candidate.path).ok()?;
        Some((candidate.rel.as_str(), candidate.grammar, Cow::Owned(bytes)))
    };
    engine.recheck_untriggered(
        &mut outcomes,
        |i| Some(Cow::Owned(crate::prefilter::file_words(&read(i)?.2))),
        read,
    );

    Ok((walked, outcomes))
}

/// Compiled queries, prefilter and facts cache: everything per-file
/// processing needs, shared by the disk scan and in-memory sources (`diff`).
pub struct Engine {
    /// Per grammar, compiled on first use: a TypeScript-only repository
    /// never pays for compiling the Swift and Kotlin queries.
    queries: [LazyQueries; 4],
    prefilter: Prefilter,
    /// Names of network APIs, for the prefilter's second phase.
    sink_words: Prefilter,
    cache: Option<FactsCache>,
}

/// One grammar's built-in query plus the user rules' queries for it.
struct LazyQueries {
    grammar: Grammar,
    /// `(rule index, query source)`.
    rules: Vec<(usize, String)>,
    compiled: OnceLock<Option<CompiledQueries>>,
}

impl LazyQueries {
    fn compile(&self) -> Result<CompiledQueries, String> {
        let mut rule_queries = Vec::new();
        for (index, text) in &self.rules {
            let query = tree_sitter::Query::new(&self.grammar.language(), text).map_err(|e| e.to_string())?;
            let Some(match_capture) = query.capture_index_for_name("match") else {
                continue;
            };
            rule_queries.push(RuleQuery {
                rule_index: *index,
                query,
                match_capture,
            });
        }
        CompiledQueries::new(self.grammar, rule_queries).map_err(|e| e.to_string())
    }

    fn get(&self) -> Option<&CompiledQueries> {
        self.compiled.get_or_init(|| self.compile().ok()).as_ref()
    }
}

const GRAMMARS: [Grammar; 4] = [Grammar::TypeScript, Grammar::Tsx, Grammar::Swift, Grammar::Kotlin];

impl Engine {
    /// An engine without a facts cache. User rule queries are checked here,
    /// so a broken rule is reported before any file is read.
    pub fn new(rules: &RuleSet, prefilter: bool) -> Result<Self, Error> {
        let queries = GRAMMARS.map(|grammar| LazyQueries {
            grammar,
            rules: rules
                .rules
                .iter()
                .enumerate()
                .filter_map(|(i, rule)| Some((i, rule.query.get(&grammar.lang())?.clone())))
                .collect(),
            compiled: OnceLock::new(),
        });
        for (lazy, rule) in queries.iter().flat_map(|q| q.rules.iter().map(move |r| (q, r))) {
            tree_sitter::Query::new(&lazy.grammar.language(), &rule.1)
                .map_err(|e| Error::Other(format!("rule {}: invalid query: {e}", rules.rules[rule.0].id)))?;
        }
        let libraries = inventory::Catalog::builtin().library_words();
        let mut sink_words = rules.sinks.trigger_words();
        sink_words.extend(libraries.iter().cloned());
        Ok(Engine {
            queries,
            prefilter: if prefilter {
                Prefilter::with_words(rules, libraries)
            } else {
                Prefilter::disabled()
            },
            sink_words: Prefilter::from_words(sink_words),
            cache: None,
        })
    }

    /// Uses the facts cache under `root` (see [`crate::cache`]); entries are
    /// keyed by this build, the rules and the prefilter setting.
    pub fn with_cache(mut self, root: Option<&std::path::Path>, rules: &RuleSet) -> Self {
        self.cache = root.and_then(|root| FactsCache::open(root, &self.cache_key(rules)));
        self
    }

    /// The verdicts of unparsed blobs kept beside the facts cache (`diff`).
    pub fn verdict_store(&self) -> Option<crate::cache::VerdictStore> {
        self.cache.as_ref().map(crate::cache::VerdictStore::open)
    }

    fn cache_key(&self, rules: &RuleSet) -> String {
        let mut hasher = Sha256::new();
        hasher.update(crate::embedded::BUILD_ID.as_bytes());
        hasher.update(format!("{rules:?}").as_bytes());
        hasher.update([u8::from(self.prefilter.is_enabled())]);
        let digest: String = hasher
            .finalize()
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("v1-{digest}")
    }

    fn compiled(&self, grammar: Grammar) -> Option<&CompiledQueries> {
        self.queries.get(grammar as usize)?.get()
    }

    /// Binary/minified checks, prefilter, parse and extract of one file.
    pub fn process(&self, rel: &str, grammar: Grammar, bytes: &[u8]) -> Outcome {
        self.process_identified(rel, grammar, bytes, None)
    }

    fn process_identified(
        &self,
        rel: &str,
        grammar: Grammar,
        bytes: &[u8],
        id: Option<gix::ObjectId>,
    ) -> Outcome {
        if is_binary(bytes) {
            return Outcome::Binary;
        }
        if is_minified(bytes) {
            return Outcome::Minified;
        }
        if !self.prefilter.may_match(bytes) {
            return Outcome::NoTrigger;
        }
        self.parse_cached(rel, grammar, bytes, id)
    }

    /// [`Self::process`] for a blob whose id is known (`diff`), which
    /// saves hashing it for the cache.
    pub fn process_blob(&self, rel: &str, grammar: Grammar, id: &gix::ObjectId, bytes: &[u8]) -> Outcome {
        self.process_identified(rel, grammar, bytes, Some(*id))
    }

    /// Parses and extracts (no prefilter), through the cache when there is
    /// one; `id` is computed from the bytes when not given.
    fn parse_cached(&self, rel: &str, grammar: Grammar, bytes: &[u8], id: Option<gix::ObjectId>) -> Outcome {
        let parse = || match self.compiled(grammar) {
            Some(compiled) => match analyse_source(rel, grammar, bytes, compiled) {
                Ok(facts) => Outcome::Facts(Box::new(facts)),
                Err(lang::ParseFailure::Abandoned) => Outcome::ParseAbandoned,
                Err(lang::ParseFailure::Failed) => Outcome::Unreadable,
            },
            None => Outcome::Unreadable,
        };
        let Some(cache) = &self.cache else {
            return parse();
        };
        let Some(id) = id.or_else(|| crate::cache::content_id(bytes)) else {
            return parse();
        };
        if let Some(facts) = cache.get(&id, grammar, rel) {
            return Outcome::Facts(Box::new(facts));
        }
        let outcome = parse();
        if let Outcome::Facts(facts) = &outcome {
            cache.put(&id, grammar, facts);
        }
        outcome
    }

    /// The prefilter's second phase: a file without trigger words that names
    /// a function of the parsed files (a call to a project wrapper) is
    /// parsed too; repeated for wrappers of wrappers. `words(i)` gives the
    /// [`crate::prefilter::file_words`] of `outcomes[i]`'s file and
    /// `source(i)` its path, grammar and bytes (read only for admitted files).
    pub fn recheck_untriggered<'a, W, F>(&self, outcomes: &mut [Outcome], words: W, source: F)
    where
        W: Fn(usize) -> Option<Cow<'a, [u32]>> + Sync,
        F: Fn(usize) -> Option<(&'a str, Grammar, Cow<'a, [u8]>)> + Sync,
    {
        if !self.prefilter.is_enabled() {
            return;
        }
        let mut fresh: Vec<usize> = (0..outcomes.len())
            .filter(|&i| matches!(outcomes[i], Outcome::Facts(_)))
            .collect();
        let mut known = std::collections::BTreeSet::new();
        // Words of the waiting files, computed once, on the first round
        // that has wrapper names to look for.
        let mut waiting: Option<Vec<(usize, Cow<'a, [u32]>)>> = None;
        for _ in 0..analysis::wrappers::MAX_DEPTH {
            let facts: Vec<&FileFacts> = fresh
                .iter()
                .filter_map(|&i| match &outcomes[i] {
                    Outcome::Facts(f) => Some(&**f),
                    _ => None,
                })
                .collect();
            let (names, simple) = crate::prefilter::wrapper_names(&facts, &self.sink_words, &known);
            if names.is_empty() {
                break;
            }
            known.extend(simple);
            let wanted = crate::prefilter::WordSet::new(&names);
            let waiting = waiting.get_or_insert_with(|| {
                (0..outcomes.len())
                    .filter(|&i| matches!(outcomes[i], Outcome::NoTrigger))
                    .collect::<Vec<_>>()
                    .into_par_iter()
                    .filter_map(|i| Some((i, words(i)?)))
                    .collect()
            });
            let admitted: Vec<(usize, Outcome)> = waiting
                .par_iter()
                .filter(|(i, file_words)| {
                    matches!(outcomes[*i], Outcome::NoTrigger) && wanted.admits(file_words)
                })
                .filter_map(|(i, _)| {
                    let (rel, grammar, bytes) = source(*i)?;
                    Some((*i, self.parse_cached(rel, grammar, &bytes, None)))
                })
                .collect();
            if admitted.is_empty() {
                break;
            }
            fresh = admitted.iter().map(|(i, _)| *i).collect();
            for (i, outcome) in admitted {
                outcomes[i] = outcome;
            }
        }
    }
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
pub fn collect_outcomes(mut stats: Stats, outcomes: Vec<Outcome>) -> (Stats, Vec<FileFacts>) {
    let mut files: Vec<FileFacts> = Vec::new();
    for outcome in outcomes {
        count_outcome(&mut stats, &outcome);
        if let Outcome::Facts(facts) = outcome {
            files.push(*facts);
        }
    }
    (stats, files)
}

/// Adds one file's outcome to `stats`.
pub fn count_outcome(stats: &mut Stats, outcome: &Outcome) {
    match outcome {
        Outcome::Facts(facts) => {
            stats.files_parsed += 1;
            if facts.parse_error {
                stats.files_skipped.parse_error += 1;
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
    files: &[&FileFacts],
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
    files: &[&FileFacts],
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
    files: &[&FileFacts],
    rules: &RuleSet,
    config: &Config,
    renames: &BTreeMap<String, String>,
    keep: &(dyn Fn(&str) -> bool + Sync),
) -> (Report, inventory::InventoryFacts) {
    let project = Project::new(files);
    let analysis_options = AnalysisOptions {
        allowed_hosts: config.allowed_hosts.clone(),
        guards: config.guards.clone(),
    };
    let results =
        analysis::analyse_project_for(&project, rules, &analysis_options, &|i| keep(&files[i].path));

    let mut calls = Vec::new();
    let mut hits = Vec::new();
    let mut raw_findings = Vec::new();
    for r in results {
        calls.extend(r.calls);
        hits.extend(r.endpoints);
        raw_findings.extend(r.findings);
    }
    calls.retain(|c| keep(&c.file));
    hits.retain(|h| keep(&h.file));
    raw_findings.retain(|f| keep(&f.file));
    calls.sort();
    calls.dedup();

    let catalog = inventory::Catalog::builtin();
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

    let by_path: HashMap<&str, &FileFacts> = files.iter().map(|f| (f.path.as_str(), *f)).collect();
    let mut findings: Vec<Finding> = raw_findings
        .into_iter()
        .filter_map(|raw| to_finding(raw, &by_path, rules, config, renames))
        .collect();
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule_id, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.rule_id, &b.message))
    });
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.line == b.line);

    let mut inventory_facts = inventory::facts(&inventory::InventoryInput {
        endpoints: &endpoints,
        findings: &findings,
        calls: &calls,
        files,
        catalog: &catalog,
    });
    inventory_facts.retain_files(keep);
    let communications = inventory::communications_from(&endpoints, &findings, &inventory_facts, &catalog);
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
    files: &HashMap<&str, &FileFacts>,
    rules: &RuleSet,
    config: &Config,
    renames: &BTreeMap<String, String>,
) -> Option<Finding> {
    let rule = rules.get(&raw.rule_id)?;
    let severity = config
        .severity
        .get(&raw.rule_id)
        .copied()
        .unwrap_or(rule.severity);
    if severity == Severity::Info {
        return None;
    }
    let facts = files.get(raw.file.as_str()).copied();
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

/// Parses and extracts one file's facts. The tree is dropped on return.
pub fn analyse_source(
    rel: &str,
    grammar: Grammar,
    bytes: &[u8],
    queries: &CompiledQueries,
) -> Result<FileFacts, lang::ParseFailure> {
    let tree = lang::parse(grammar, bytes)?;
    Ok(extract::extract(rel, grammar, &tree, bytes, queries))
}

/// NUL in the first 8 KiB, as git and ripgrep decide.
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// Bundled or minified code: long average lines in a file of some size.
pub fn is_minified(bytes: &[u8]) -> bool {
    if bytes.len() < 4096 {
        return false;
    }
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    bytes.len() / lines > 300
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_and_minified() {
        assert!(is_binary(b"abc\0def"));
        assert!(!is_binary(b"const a = 1;\n"));
        let long_line = "a".repeat(5000);
        assert!(is_minified(long_line.as_bytes()));
        let normal = "const x = 1;\n".repeat(1000);
        assert!(!is_minified(normal.as_bytes()));
    }

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
        };
        assert_eq!(fingerprint(&raw(3, "a  b")), fingerprint(&raw(40, "a b")));
        assert_ne!(fingerprint(&raw(3, "a b")), fingerprint(&raw(3, "a c")));
    }
}
