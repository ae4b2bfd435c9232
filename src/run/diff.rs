//! `egress-scan diff` (SPEC §9): what a change did to the egress surface.
//!
//! Both sides are read straight from the git object database with gix (no
//! checkout, nothing written to the repository); the head side may also be
//! the work tree. Per-file facts are extracted once per blob id, so a file
//! present on both sides with the same content is parsed once, and are
//! looked up in the facts cache ([`crate::pipeline::cache`]) by that id first, so a
//! blob seen by an earlier scan or diff is neither read nor parsed again.
//! Cross-file analysis then runs on the whole project of each side (it works
//! on facts, not trees, and is cheap), which keeps cross-file facts exact. Findings are matched by fingerprint; findings
//! of a file renamed without content change keep their identity because the
//! base side is reported under the new path.

pub mod render;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use gix::bstr::ByteSlice;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::{Override, OverrideBuilder};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::catalog::rules::RuleSet;
use crate::config::Config;
use crate::error::Error;
use crate::model::Severity;
use crate::model::{Endpoint, Finding, Location, Report, Skipped, Stats};
use crate::model::{Grammar, Lang};
use crate::pipeline::analysis::ParsedFile;
use crate::pipeline::cache::{Verdict, VerdictStore};
use crate::pipeline::engine::{Engine, Outcome};
use crate::pipeline::walk::{self, WalkOptions};
use crate::run::scan;

pub const DIFF_SCHEMA_VERSION: u32 = 1;

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    Markdown,
}

/// Settings for a diff between two revisions (or a revision and the work tree).
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// A path inside the repository.
    pub repo: PathBuf,
    pub base: String,
    /// `None`: the work tree.
    pub head: Option<String>,
    pub excludes: Vec<String>,
    pub include_tests: bool,
    pub langs: Vec<Lang>,
    pub threads: usize,
    pub max_file_size: u64,
    /// Facts cache folder (see [`crate::pipeline::cache`]); `None`: no cache.
    pub cache: Option<PathBuf>,
}

/// The result of comparing two reports. Everything is sorted; no timings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DiffReport {
    pub schema_version: u32,
    pub base: String,
    pub head: String,
    pub summary: Summary,
    pub new_findings: Vec<Finding>,
    pub resolved_findings: Vec<Finding>,
    pub added_endpoints: Vec<Endpoint>,
    pub removed_endpoints: Vec<Endpoint>,
    pub added_hosts: Vec<HostChange>,
    pub removed_hosts: Vec<HostChange>,
    /// Work done (git mode only): files per side, changed files, files extracted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<FileCounts>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub new_findings: usize,
    pub resolved_findings: usize,
    pub unchanged_findings: usize,
    pub added_endpoints: usize,
    pub removed_endpoints: usize,
    pub added_hosts: usize,
    pub removed_hosts: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HostChange {
    pub host: String,
    pub service: Option<String>,
    pub locations: Vec<Location>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FileCounts {
    /// Source files selected on each side.
    pub base: usize,
    pub head: usize,
    /// Added, removed or modified source files (renames without content
    /// change not counted).
    pub changed: usize,
    pub renamed: usize,
    /// Distinct blobs run through prefilter/parse/extract (each once).
    pub extracted: usize,
}

impl DiffReport {
    /// New, unsuppressed findings at or above `level` (for `--fail-on`).
    pub fn failing(&self, level: Severity) -> usize {
        self.new_findings
            .iter()
            .filter(|f| !f.suppressed && f.severity >= level)
            .count()
    }
}

/// Compares two reports. `base` must already use head-side paths for renamed
/// files (see [`diff_revisions`]) for renamed findings to match.
pub fn compare(base: &Report, head: &Report) -> DiffReport {
    // Findings: multiset match by fingerprint; when a fingerprint occurs more
    // often on one side, the extra occurrences (by position) are new/resolved.
    let group = |findings: &[Finding]| {
        let mut map: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
        for f in findings {
            map.entry(f.fingerprint.clone()).or_default().push(f.clone());
        }
        map
    };
    let base_groups = group(&base.findings);
    let head_groups = group(&head.findings);
    let empty = Vec::new();
    let mut new_findings = Vec::new();
    let mut resolved_findings = Vec::new();
    let mut unchanged = 0;
    for (fp, head_list) in &head_groups {
        let base_list = base_groups.get(fp).unwrap_or(&empty);
        unchanged += head_list.len().min(base_list.len());
        new_findings.extend(head_list.iter().skip(base_list.len()).cloned());
    }
    for (fp, base_list) in &base_groups {
        let head_list = head_groups.get(fp).unwrap_or(&empty);
        resolved_findings.extend(base_list.iter().skip(head_list.len()).cloned());
    }
    let order = |a: &Finding, b: &Finding| {
        (
            std::cmp::Reverse(a.severity),
            &a.file,
            a.line,
            a.column,
            &a.rule_id,
            &a.fingerprint,
        )
            .cmp(&(
                std::cmp::Reverse(b.severity),
                &b.file,
                b.line,
                b.column,
                &b.rule_id,
                &b.fingerprint,
            ))
    };
    new_findings.sort_by(order);
    resolved_findings.sort_by(order);

    let key = |e: &Endpoint| (e.host.clone(), e.url.clone());
    let base_eps: BTreeSet<_> = base.endpoints.iter().map(key).collect();
    let head_eps: BTreeSet<_> = head.endpoints.iter().map(key).collect();
    let added_endpoints: Vec<Endpoint> = head
        .endpoints
        .iter()
        .filter(|e| !base_eps.contains(&key(e)))
        .cloned()
        .collect();
    let removed_endpoints: Vec<Endpoint> = base
        .endpoints
        .iter()
        .filter(|e| !head_eps.contains(&key(e)))
        .cloned()
        .collect();

    let hosts = |r: &Report| -> BTreeMap<String, HostChange> {
        let mut map: BTreeMap<String, HostChange> = BTreeMap::new();
        for e in &r.endpoints {
            let entry = map.entry(e.host.clone()).or_insert_with(|| HostChange {
                host: e.host.clone(),
                service: e.service.clone(),
                locations: Vec::new(),
            });
            entry.locations.extend(e.locations.iter().cloned());
        }
        for h in map.values_mut() {
            h.locations.sort();
            h.locations.dedup();
        }
        map
    };
    let base_hosts = hosts(base);
    let head_hosts = hosts(head);
    let added_hosts: Vec<HostChange> = head_hosts
        .iter()
        .filter(|(h, _)| !base_hosts.contains_key(*h))
        .map(|(_, c)| c.clone())
        .collect();
    let removed_hosts: Vec<HostChange> = base_hosts
        .iter()
        .filter(|(h, _)| !head_hosts.contains_key(*h))
        .map(|(_, c)| c.clone())
        .collect();

    DiffReport {
        schema_version: DIFF_SCHEMA_VERSION,
        base: base.root.clone(),
        head: head.root.clone(),
        summary: Summary {
            new_findings: new_findings.len(),
            resolved_findings: resolved_findings.len(),
            unchanged_findings: unchanged,
            added_endpoints: added_endpoints.len(),
            removed_endpoints: removed_endpoints.len(),
            added_hosts: added_hosts.len(),
            removed_hosts: removed_hosts.len(),
        },
        new_findings,
        resolved_findings,
        added_endpoints,
        removed_endpoints,
        added_hosts,
        removed_hosts,
        files: None,
    }
}

/// The cached or computed [`crate::pipeline::prefilter::file_words`] of a blob.
type FileWords<'a> = Option<Cow<'a, [u32]>>;

/// One side's selected source files: path → (grammar, blob id).
#[derive(Default)]
struct Side {
    files: BTreeMap<String, (Grammar, gix::ObjectId)>,
    too_large: usize,
    unreadable: usize,
    /// Symlinks named like source files (not followed, as in `scan`).
    special: usize,
}

/// Diffs two revisions of the repository containing `options.repo`.
pub fn diff_revisions(options: &DiffOptions, rules: &RuleSet, config: &Config) -> Result<DiffReport, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .build()?;
    pool.install(|| diff_in_pool(options, rules, config))
}

fn diff_in_pool(options: &DiffOptions, rules: &RuleSet, config: &Config) -> Result<DiffReport, Error> {
    let repo = open_repository(&options.repo)?;
    let mut excludes = options.excludes.clone();
    excludes.extend(config.exclude.iter().cloned());
    let filter = PathFilter {
        overrides: build_overrides(&excludes)?,
        include_tests: options.include_tests || config.include_tests.unwrap_or(false),
        langs: options.langs.clone(),
    };

    // Work-tree contents by blob id; revision blobs are read from the
    // object database when needed (never for blobs with a known verdict).
    let mut disk: HashMap<gix::ObjectId, Vec<u8>> = HashMap::new();
    let base = read_revision(&repo, &options.base, &filter, options.max_file_size)?;
    let head = match &options.head {
        Some(rev) => read_revision(&repo, rev, &filter, options.max_file_size)?,
        None => read_work_tree(&repo, options, &excludes, &filter, &mut disk)?,
    };

    // Process each distinct (blob, grammar) once.
    let mut work: BTreeMap<(gix::ObjectId, Grammar), &str> = BTreeMap::new();
    for side in [&base, &head] {
        for (rel, (grammar, id)) in &side.files {
            work.entry((*id, *grammar)).or_insert(rel.as_str());
        }
    }
    let engine = Engine::new(rules, true)?.with_cache(options.cache.as_deref(), rules);
    let work: Vec<_> = work.into_iter().collect();
    let sync = repo.clone().into_sync();
    let read = |repo: &gix::Repository, id: &gix::ObjectId| -> Option<Cow<'_, [u8]>> {
        match disk.get(id) {
            Some(bytes) => Some(Cow::Borrowed(&bytes[..])),
            None => Some(Cow::Owned(repo.find_object(*id).ok()?.detach().data)),
        }
    };
    let verdicts = engine.verdict_store();
    // Facts go to a spill file as in a disk scan: both sides of a large
    // repository would otherwise hold every parsed file's facts.
    let spill = crate::pipeline::spill::Spill::new().map(std::sync::Arc::new);
    let (mut outcomes, words) =
        process_blobs(&engine, &work, verdicts.as_ref(), &sync, &read, spill.as_ref());
    let source = |i: usize| {
        let ((id, grammar), rel) = &work[i];
        Some((
            *rel,
            *grammar,
            Cow::Owned(read(&sync.to_thread_local(), id)?.into_owned()),
        ))
    };
    engine.recheck_untriggered(
        &mut outcomes,
        |i| match &words[i] {
            Some(words) => Some(Cow::Borrowed(&words[..])),
            None => Some(Cow::Owned(crate::pipeline::prefilter::file_words(&source(i)?.2))),
        },
        source,
    );
    drop(words);
    let outcomes: Vec<Outcome> = outcomes
        .into_par_iter()
        .map(|o| o.spilled_to(spill.as_ref()))
        .collect();
    if let Some(store) = verdicts {
        store.flush();
    }
    let extracted: HashMap<(gix::ObjectId, Grammar), Outcome> =
        work.iter().map(|(key, _)| *key).zip(outcomes).collect();

    let renames = detect_renames(&base, &head);
    let changed = {
        let paths: BTreeSet<&String> = base.files.keys().chain(head.files.keys()).collect();
        paths
            .into_iter()
            .filter(|p| base.files.get(*p).map(|v| v.1) != head.files.get(*p).map(|v| v.1))
            .count()
            - 2 * renames.len()
    };
    let side_report = |side: &Side, label: String, renames: &BTreeMap<String, String>| {
        let mut stats = Stats {
            files_seen: side.files.len() + side.too_large,
            files_skipped: Skipped {
                too_large: side.too_large,
                unreadable: side.unreadable,
                symlink_or_special: side.special,
                ..Skipped::default()
            },
            ..Stats::default()
        };
        // Facts are shared with the other side; only a blob whose facts
        // carry another path (a renamed or duplicated file) is copied.
        let mut facts: Vec<Cow<'_, ParsedFile>> = Vec::new();
        for (rel, (grammar, id)) in &side.files {
            let outcome = extracted.get(&(*id, *grammar)).unwrap_or(&Outcome::Unreadable);
            scan::count_outcome(&mut stats, rel, outcome);
            if let Outcome::Facts(shared) = outcome {
                facts.push(if shared.path() == rel {
                    Cow::Borrowed(&**shared)
                } else {
                    let mut own = (**shared).clone();
                    own.relabel(rel);
                    Cow::Owned(own)
                });
            }
        }
        let facts: Vec<&ParsedFile> = facts.iter().map(|f| f.as_ref()).collect();
        scan::ReportBuilder::new(rules, config)
            .renamed(renames)
            .build(label, stats, &facts)
    };
    let head_label = options.head.clone().unwrap_or_else(|| "work tree".into());
    let no_renames = BTreeMap::new();
    let (base_report, head_report) = rayon::join(
        || side_report(&base, options.base.clone(), &renames),
        || side_report(&head, head_label, &no_renames),
    );
    let mut report = compare(&base_report, &head_report);
    report.files = Some(FileCounts {
        base: base.files.len(),
        head: head.files.len(),
        changed,
        renamed: renames.len(),
        extracted: work.len(),
    });
    Ok(report)
}

/// Blob contents by id, from the work tree or the object database.
type ReadBlob<'a> = dyn Fn(&gix::Repository, &gix::ObjectId) -> Option<Cow<'a, [u8]>> + Sync + 'a;

/// The prefilter/parse outcome of every distinct blob, and the words of
/// trigger-less blobs for the prefilter's second phase. A blob with a known
/// verdict (no trigger, binary, minified, abandoned) is not read; what is
/// learned about the others is added to `verdicts`.
fn process_blobs<'a>(
    engine: &Engine,
    work: &[((gix::ObjectId, Grammar), &str)],
    verdicts: Option<&'a VerdictStore>,
    sync: &gix::ThreadSafeRepository,
    read: &ReadBlob<'_>,
    spill: Option<&std::sync::Arc<crate::pipeline::spill::Spill>>,
) -> (Vec<Outcome>, Vec<FileWords<'a>>) {
    work.par_iter()
        .map_init(
            || sync.to_thread_local(),
            |repo, ((id, grammar), rel)| {
                if let Some(verdict) = verdicts.and_then(|v| v.get(id, *grammar)) {
                    return match verdict {
                        Verdict::NoTrigger(words) => (Outcome::NoTrigger, Some(Cow::Borrowed(&words[..]))),
                        Verdict::Binary => (Outcome::Binary, None),
                        Verdict::Minified => (Outcome::Minified, None),
                        Verdict::ParseAbandoned => (Outcome::ParseAbandoned, None),
                    };
                }
                let Some(bytes) = read(repo, id) else {
                    return (Outcome::Unreadable, None);
                };
                let outcome = engine.process_blob(rel, *grammar, id, &bytes).spilled_to(spill);
                let Some(store) = verdicts else {
                    return (outcome, None);
                };
                let (verdict, words) = match outcome {
                    Outcome::NoTrigger => {
                        let words = crate::pipeline::prefilter::file_words(&bytes);
                        (Verdict::NoTrigger(words.clone()), Some(Cow::Owned(words)))
                    }
                    Outcome::Binary => (Verdict::Binary, None),
                    Outcome::Minified => (Verdict::Minified, None),
                    Outcome::ParseAbandoned => (Verdict::ParseAbandoned, None),
                    _ => return (outcome, None),
                };
                store.learn(id, *grammar, verdict);
                (outcome, words)
            },
        )
        .unzip()
}

fn open_repository(path: &Path) -> Result<gix::Repository, Error> {
    gix::discover(path)
        .map_err(|e| Error::Usage(format!("{} is not in a git repository: {e}", path.display())))
}

/// The tree of revision `rev` (a branch, tag, sha or `HEAD~3`).
fn revision_tree<'r>(repo: &'r gix::Repository, rev: &str) -> Result<gix::Tree<'r>, Error> {
    repo.rev_parse_single(rev)
        .map_err(|e| Error::Usage(format!("unknown revision `{rev}`: {e}")))?
        .object()
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| Error::Usage(format!("revision `{rev}` has no tree: {e}")))
}

/// The `.egress-scan.toml` at the root of revision `rev` of the repository
/// containing `repo_path` (default settings when it has none). `diff` uses
/// the *base* revision's file for both sides: the reviewed configuration
/// decides, so a change cannot exclude or downgrade its own findings by
/// editing the configuration it brings.
pub fn revision_config(repo_path: &Path, rev: &str) -> Result<Config, Error> {
    let repo = open_repository(repo_path)?;
    let tree = revision_tree(&repo, rev)?;
    let entry = tree
        .lookup_entry_by_path(".egress-scan.toml")
        .map_err(|e| Error::Git(format!("cannot read the tree of `{rev}`: {e}")))?;
    let Some(entry) = entry.filter(|e| e.mode().is_blob()) else {
        return Ok(Config::default());
    };
    let blob = entry
        .object()
        .map_err(|e| Error::Git(format!("cannot read {rev}:.egress-scan.toml: {e}")))?;
    let text = String::from_utf8_lossy(&blob.data);
    Ok(Config::parse(&format!("{rev}:.egress-scan.toml"), &text)?)
}

/// Deleted and added paths with the same blob id (and grammar) are renames.
fn detect_renames(base: &Side, head: &Side) -> BTreeMap<String, String> {
    let mut added: BTreeMap<(gix::ObjectId, Grammar), Vec<&String>> = BTreeMap::new();
    for (rel, (grammar, id)) in &head.files {
        if !base.files.contains_key(rel) {
            added.entry((*id, *grammar)).or_default().push(rel);
        }
    }
    let mut renames = BTreeMap::new();
    for (rel, (grammar, id)) in &base.files {
        if head.files.contains_key(rel) {
            continue;
        }
        if let Some(candidates) = added.get_mut(&(*id, *grammar)) {
            if !candidates.is_empty() {
                renames.insert(rel.clone(), candidates.remove(0).clone());
            }
        }
    }
    renames
}

fn read_revision(
    repo: &gix::Repository,
    rev: &str,
    filter: &PathFilter,
    max_file_size: u64,
) -> Result<Side, Error> {
    let tree = revision_tree(repo, rev)?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut recorder)
        .map_err(|e| Error::Git(format!("cannot read tree of `{rev}`: {e}")))?;

    let read = |id: gix::ObjectId| -> Option<Vec<u8>> { repo.find_object(id).ok().map(|o| o.detach().data) };

    // .gitignore files of this revision, by directory ("" = root).
    let mut ignores = Vec::new();
    for entry in &recorder.records {
        let path = entry.filepath.to_str_lossy();
        if entry.mode.is_blob() && (path == ".gitignore" || path.ends_with("/.gitignore")) {
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            if let Some(data) = read(entry.oid) {
                ignores.push((dir.clone(), gitignore_from(&dir, &data)));
            }
        }
    }
    ignores.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));

    let mut side = Side::default();
    for entry in &recorder.records {
        if !entry.mode.is_blob() && !entry.mode.is_link() {
            continue;
        }
        let rel = entry.filepath.to_str_lossy().into_owned();
        let Some(grammar) = filter.accept(&rel) else {
            continue;
        };
        if is_git_ignored(&ignores, &rel) {
            continue;
        }
        if entry.mode.is_link() {
            side.special += 1;
            continue;
        }
        let Ok(header) = repo.find_header(entry.oid) else {
            side.unreadable += 1;
            continue;
        };
        if header.size() > max_file_size {
            side.too_large += 1;
            continue;
        }
        side.files.insert(rel, (grammar, entry.oid));
    }
    Ok(side)
}

/// The work tree, walked from disk exactly as `scan` does; blob ids are
/// computed from the content so unchanged files hit the cache.
fn read_work_tree(
    repo: &gix::Repository,
    options: &DiffOptions,
    excludes: &[String],
    filter: &PathFilter,
    disk: &mut HashMap<gix::ObjectId, Vec<u8>>,
) -> Result<Side, Error> {
    let root = repo
        .workdir()
        .ok_or_else(|| Error::Usage("the repository has no work tree; give a HEAD revision".into()))?;
    let walked = walk::walk(&WalkOptions {
        root: root.to_path_buf(),
        excludes: excludes.to_vec(),
        include_tests: filter.include_tests,
        langs: filter.langs.clone(),
        max_file_size: options.max_file_size,
        threads: options.threads,
    })
    .map_err(|e| Error::Usage(format!("invalid exclude pattern: {e}")))?;
    let hash_kind = repo.object_hash();
    let read: Vec<_> = walked
        .files
        .par_iter()
        .map(|c| {
            let bytes = std::fs::read(&c.path).ok()?;
            let id = gix::objs::compute_hash(hash_kind, gix::objs::Kind::Blob, &bytes).ok()?;
            Some((c.rel.clone(), c.grammar, id, bytes))
        })
        .collect();
    let mut side = Side {
        too_large: walked.too_large,
        unreadable: walked.unreadable,
        special: walked.special_paths.len(),
        ..Side::default()
    };
    for item in read {
        match item {
            Some((rel, grammar, id, bytes)) => {
                disk.entry(id).or_insert(bytes);
                side.files.insert(rel, (grammar, id));
            }
            None => side.unreadable += 1,
        }
    }
    Ok(side)
}

/// The path rules of the walker, applied to paths from a tree.
struct PathFilter {
    overrides: Override,
    include_tests: bool,
    langs: Vec<Lang>,
}

impl PathFilter {
    /// The grammar of a file that `scan` would analyse, or `None`.
    fn accept(&self, rel: &str) -> Option<Grammar> {
        let mut parts: Vec<&str> = rel.split('/').collect();
        let name = parts.pop()?;
        if name.starts_with('.') || walk::is_skipped_name(name) {
            return None;
        }
        if !self.include_tests && walk::is_test_file(name) {
            return None;
        }
        let mut prefix = String::new();
        for dir in &parts {
            if dir.starts_with('.') || walk::DEFAULT_EXCLUDED_DIRS.contains(dir) {
                return None;
            }
            if !self.include_tests && walk::TEST_DIRS.contains(dir) {
                return None;
            }
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(dir);
            if self.overrides.matched(&prefix, true).is_ignore() {
                return None;
            }
        }
        if self.overrides.matched(rel, false).is_ignore() {
            return None;
        }
        let grammar = Grammar::for_path(Path::new(rel))?;
        self.langs.contains(&grammar.lang()).then_some(grammar)
    }
}

fn build_overrides(excludes: &[String]) -> Result<Override, Error> {
    let mut builder = OverrideBuilder::new("");
    for glob in excludes {
        builder
            .add(&format!("!{glob}"))
            .map_err(|e| Error::Usage(format!("invalid exclude pattern: {e}")))?;
    }
    builder
        .build()
        .map_err(|e| Error::Usage(format!("invalid exclude pattern: {e}")))
}

fn gitignore_from(dir: &str, data: &[u8]) -> Gitignore {
    let mut builder = GitignoreBuilder::new(dir);
    for line in String::from_utf8_lossy(data).lines() {
        // A bad line is skipped, as git does.
        let _ = builder.add_line(None, line);
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// Deepest applicable `.gitignore` first; a whitelist (`!x`) there wins.
fn is_git_ignored(ignores: &[(String, Gitignore)], rel: &str) -> bool {
    for (dir, gi) in ignores {
        let applies = dir.is_empty() || rel.strip_prefix(dir.as_str()).is_some_and(|r| r.starts_with('/'));
        if !applies {
            continue;
        }
        let m = gi.matched_path_or_any_parents(rel, false);
        if m.is_ignore() {
            return true;
        }
        if m.is_whitelist() {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(excludes: &[&str], include_tests: bool) -> PathFilter {
        let excludes: Vec<String> = excludes.iter().map(|s| s.to_string()).collect();
        PathFilter {
            overrides: build_overrides(&excludes).expect("valid globs"),
            include_tests,
            langs: Lang::ALL.to_vec(),
        }
    }

    #[test]
    fn path_filter_matches_walker_rules() {
        let f = filter(&["generated/**", "*.gen.ts"], false);
        assert_eq!(f.accept("src/a.ts"), Some(Grammar::TypeScript));
        assert!(f.accept("src/a.tsx").is_some());
        assert!(f.accept("README.md").is_none());
        assert!(f.accept("node_modules/x/index.js").is_none());
        assert!(f.accept("src/__tests__/a.ts").is_none());
        assert!(f.accept("src/a.test.ts").is_none());
        assert!(f.accept("types/a.d.ts").is_none());
        assert!(f.accept(".github/x.js").is_none());
        assert!(f.accept("generated/x.ts").is_none());
        assert!(f.accept("src/x.gen.ts").is_none());
        let with_tests = filter(&[], true);
        assert!(with_tests.accept("src/__tests__/a.ts").is_some());
        assert!(with_tests.accept("src/a.test.ts").is_some());
    }

    #[test]
    fn gitignore_from_tree_blobs() {
        let mut ignores = vec![
            ("pkg".to_string(), gitignore_from("pkg", b"gen/\n!keep.ts\n")),
            (String::new(), gitignore_from("", b"*.ts\n!src/**\nout/\n")),
        ];
        ignores.sort_by_key(|a| std::cmp::Reverse(a.0.len()));
        assert!(is_git_ignored(&ignores, "a.ts"));
        assert!(!is_git_ignored(&ignores, "src/a.ts"));
        assert!(is_git_ignored(&ignores, "out/x.js"));
        assert!(is_git_ignored(&ignores, "pkg/gen/x.js"));
        assert!(!is_git_ignored(&ignores, "pkg/keep.ts"));
        assert!(!is_git_ignored(&ignores, "pkg/other.js"));
    }
}
