//! `egress-scan diff` (SPEC §9): what a change did to the egress surface.
//!
//! Both sides are read straight from the git object database with gix (no
//! checkout, nothing written to the repository); the head side may also be
//! the work tree. Per-file facts are extracted once per blob id, so a file
//! present on both sides with the same content is parsed once, and are
//! looked up in the facts cache ([`crate::pipeline::cache`]) by that id first, so a
//! blob seen by an earlier scan or diff is neither read nor parsed again.
//! Cross-file analysis then runs on the whole project of each side (it works
//! on facts, not trees, and is cheap), which keeps cross-file facts exact.
//!
//! The two reports are then compared as a whole model: findings by
//! fingerprint, endpoints and hosts ([`compare`]), and the egress surface
//! ([`surface`]): communications, their call sites ([`sites`]: identity
//! without the line), hosts, libraries, auth and data sent. A renamed file,
//! with or without edits ([`renames`]), is compared under its new path.
//! [`gate`] judges new hosts and communications; [`render`] and
//! [`comment`] print the result.

mod comment;
mod compare;
mod context;
mod extract;
mod gate;
mod git;
mod relabel;
mod renames;
pub mod render;
mod scope;
mod sites;
mod summary;
mod surface;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::rules::RuleSet;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::error::Error;
use crate::model::Lang;
use crate::model::Severity;
use crate::model::{Endpoint, Finding, Location, Skipped, Stats};
use crate::pipeline::analysis::ParsedFile;
use crate::pipeline::engine::{Engine, Outcome};
use crate::pipeline::platform::{self, date, ConfigFile, PlatformScan};
use crate::pipeline::walk::policy::{exclude_overrides, PathPolicy};
use crate::run::{scan, timings};
pub use compare::compare;
use extract::Extracted;
pub use gate::{EgressGate, GateVerdict};
use git::Side;
pub use git::{revision_config, revision_rule_files};
pub use renames::Rename;
use scope::Scope;
pub use sites::CallSite;
pub use surface::{AuthChange, CallSiteChange, Change, CommunicationChange, Destination};

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
    /// Analyse every file of both sides instead of the changed files and
    /// their neighbours (see [`scope`]).
    pub whole: bool,
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
    /// Findings the change suppresses with an inline comment (new in the
    /// head, or suppressed there and not in the base). They count for
    /// `--fail-on` unless the base configuration sets
    /// `allow_new_suppressions`: a change may not silence its own gate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_suppressions: Vec<Finding>,
    /// Added or modified files of the head that were not analysed (too
    /// large, a link, unreadable, or abandoned by the parser), with why:
    /// their calls are missing from this diff (`--fail-on-unanalysed`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unanalysed: Vec<Unanalysed>,
    /// Work done (git mode only): files per side, changed files, files extracted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<FileCounts>,
    /// Communications added, removed or changed: files, call sites, hosts,
    /// client libraries, auth and data sent (sorted by title).
    #[serde(default)]
    pub communications: Vec<CommunicationChange>,
    /// Files renamed, with or without edits (git mode only); their call
    /// sites and findings are compared under the new path.
    #[serde(default)]
    pub renamed_files: Vec<Rename>,
    /// URL templates only known at run time (configuration, parameters,
    /// responses) that the change adds or removes.
    #[serde(default)]
    pub added_configurable_destinations: Vec<Destination>,
    #[serde(default)]
    pub removed_configurable_destinations: Vec<Destination>,
    /// What tripped the egress gate, when `--fail-on-new-host` or
    /// `--fail-on-new-communication` (or their configuration keys) is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<GateVerdict>,
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
    #[serde(default)]
    pub added_communications: usize,
    #[serde(default)]
    pub changed_communications: usize,
    #[serde(default)]
    pub removed_communications: usize,
    #[serde(default)]
    pub added_call_sites: usize,
    #[serde(default)]
    pub removed_call_sites: usize,
    #[serde(default)]
    pub changed_call_sites: usize,
    #[serde(default)]
    pub renamed_files: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HostChange {
    pub host: String,
    pub service: Option<String>,
    pub locations: Vec<Location>,
}

/// A changed file the diff could not analyse.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unanalysed {
    pub file: String,
    pub reason: String,
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
    /// Paths analysed when the diff read only the changed files and their
    /// neighbours (see `--whole`); absent when it read the whole tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysed: Option<usize>,
}

impl DiffReport {
    /// Findings at or above `level` that fail `--fail-on`: new unsuppressed
    /// ones, and the change's new suppressions unless `allow_new_suppressions`.
    pub fn failing(&self, level: Severity, allow_new_suppressions: bool) -> usize {
        let new = self
            .new_findings
            .iter()
            .filter(|f| !f.suppressed && f.severity >= level)
            .count();
        let suppressed = if allow_new_suppressions {
            0
        } else {
            self.new_suppressions
                .iter()
                .filter(|f| f.severity >= level)
                .count()
        };
        new + suppressed
    }
}

/// Diffs two revisions of the repository containing `options.repo`.
pub fn diff_revisions(options: &DiffOptions, rules: &RuleSet, config: &Config) -> Result<DiffReport, Error> {
    scan::in_pool(options.threads, || diff_in_pool(options, rules, config))
}

fn diff_in_pool(options: &DiffOptions, rules: &RuleSet, config: &Config) -> Result<DiffReport, Error> {
    let repo = git::open_repository(&options.repo)?;
    let mut excludes = options.excludes.clone();
    excludes.extend(config.exclude.iter().cloned());
    let include_tests = options.include_tests || config.include_tests.unwrap_or(false);
    // The work tree is the root a scan would walk: the same paths are
    // taken from a revision's tree as from the disk.
    let policy = PathPolicy::new(
        repo.workdir().unwrap_or(Path::new("")),
        include_tests,
        options.langs.clone(),
    );
    let overrides = exclude_overrides("", &excludes)
        .map_err(|e| Error::Usage(format!("invalid exclude pattern: {e}")))?;

    // Work-tree contents by blob id; revision blobs are read from the
    // object database when needed.
    let mut disk: HashMap<gix::ObjectId, Vec<u8>> = HashMap::new();
    let sync = repo.clone().into_sync();
    // The two trees are read side by side, each with its own handle.
    let (base, head) = timings::stage("read trees", || {
        let (base, head) = rayon::join(
            || {
                let repo = sync.to_thread_local();
                git::read_revision(&repo, &options.base, &policy, &overrides, options.max_file_size)
            },
            || {
                let repo = sync.to_thread_local();
                match &options.head {
                    Some(rev) => git::read_revision(&repo, rev, &policy, &overrides, options.max_file_size),
                    None => git::read_work_tree(&repo, options, &excludes, include_tests, &mut disk),
                }
            },
        );
        Ok::<_, Error>((base?, head?))
    })?;
    let engine = Engine::new(rules, true)?.with_cache(options.cache.as_deref(), rules);
    let exact = git::detect_renames(&base, &head);
    let read = |id: &gix::ObjectId| -> Option<Vec<u8>> {
        git::read_blob(&sync.to_thread_local(), &disk, id).map(Cow::into_owned)
    };
    let renamed = timings::stage("renames", || renames::renames(&base, &head, &exact, &read));
    let renames: BTreeMap<String, String> = renamed.iter().map(|r| (r.from.clone(), r.to.clone())).collect();
    let changed = {
        let paths: BTreeSet<&String> = base.files.keys().chain(head.files.keys()).collect();
        let differing = paths
            .into_iter()
            .filter(|p| base.files.get(*p).map(|v| v.1) != head.files.get(*p).map(|v| v.1))
            .count();
        // An exact rename is no change; an edited one is one changed file.
        differing.saturating_sub(2 * exact.len() + (renamed.len().saturating_sub(exact.len())))
    };

    // Each side's platform configuration, its pins dated by its own commit
    // (the work tree by HEAD's) unless the config gives the date.
    let platform_of = |side: &Side, rev: &str| {
        let files: Vec<ConfigFile> = side
            .platform
            .iter()
            .filter_map(|(rel, kind, id)| {
                Some(ConfigFile {
                    rel: rel.clone(),
                    kind: *kind,
                    bytes: read(id)?,
                })
            })
            .collect();
        let as_of = config.as_of.clone().or_else(|| date::commit_date(&repo, rev));
        platform::analyse(&files, as_of.as_deref())
    };
    let base_platform = platform_of(&base, &options.base);
    let head_platform = platform_of(&head, options.head.as_deref().unwrap_or("HEAD"));
    // The files to analyse (see `scope`): `None` reads the whole tree.
    let build_index = || {
        timings::stage("scope", || {
            let store = engine.segment_store::<scope::Blob>("diff-scope");
            // The changed files are parsed next: their grammars' queries
            // compile while the blobs are indexed.
            let parsed_grammars = extract::grammars_to_parse(&engine, [&base, &head], |id| {
                git::read_blob(&sync.to_thread_local(), &disk, id)
            });
            let (index, ()) = rayon::join(
                || {
                    Scope::index(
                        &base,
                        &head,
                        engine.prefilter(),
                        store.as_ref(),
                        || sync.to_thread_local(),
                        |repo, id, buffer| git::read_blob_into(repo, &disk, id, buffer),
                    )
                },
                || parsed_grammars.into_iter().for_each(|g| engine.prepare(g)),
            );
            if let Some(store) = store {
                store.flush();
            }
            index
        })
    };
    // When no source file differs (a change to docs, CI or tests only),
    // nothing is analysed and the blobs are indexed only if the comparison
    // of the platform configuration asks for context.
    let sources_differ = base.files.len() != head.files.len()
        || base
            .files
            .iter()
            .any(|(p, (_, id))| head.files.get(p).map(|v| v.1) != Some(*id));
    let mut index: Option<Scope> = (!options.whole && sources_differ).then(build_index);
    let mut analysed = match &index {
        Some(index) => index.plan(&index.changed()),
        None if options.whole => None,
        None => Some(BTreeSet::new()),
    };
    let mut extracted = Extracted::new();
    let sides = Sides {
        base: &base,
        head: &head,
        renames: &renames,
        platform: [&base_platform, &head_platform],
    };
    let mut report = loop {
        let (base_part, head_part) = (
            base.restricted(analysed.as_ref()),
            head.restricted(analysed.as_ref()),
        );
        extracted = timings::stage("read, parse and extract", || {
            extract::extract(&engine, rules, &repo, &disk, [&base_part, &head_part], extracted)
        });
        let report = timings::stage("compare", || {
            compare_sides(
                &extracted,
                [&base_part, &head_part],
                &sides,
                options,
                rules,
                config,
                &renamed,
            )
        });
        let Some(scope) = &analysed else {
            break report;
        };
        let talks = context::Signals::of(&report);
        if talks.is_empty() {
            break report;
        }
        let index = index.get_or_insert_with(build_index);
        let grown = timings::stage("scope", || {
            index.context_for(scope, |path, id, tokens| {
                talks.heard_in(path, tokens, || read(id))
            })
        });
        // The scope only grows, or turns into the whole tree: this ends.
        match grown {
            Some(grown) if grown.len() == scope.len() => break report,
            grown => analysed = grown,
        }
    };
    report.unanalysed = unanalysed(&base, &head, &extracted);
    report.files = Some(FileCounts {
        base: base.files.len(),
        head: head.files.len(),
        changed,
        renamed: renamed.len(),
        extracted: extracted.len(),
        analysed: analysed.map(|paths| paths.len()),
    });
    // The process ends with this diff: freeing the engine's caches and
    // both trees' tables one allocation at a time cost a tenth of a warm
    // diff. Nothing in them is flushed on drop.
    std::mem::forget((engine, index, extracted, base, head));
    Ok(report)
}

/// Both sides in full, the renames between them and each side's platform
/// configuration.
struct Sides<'a> {
    base: &'a Side,
    head: &'a Side,
    renames: &'a BTreeMap<String, String>,
    platform: [&'a PlatformScan; 2],
}

/// Builds the report and call sites of each side from the facts of `parts`
/// (each side's analysed files) and compares them.
fn compare_sides(
    extracted: &Extracted,
    parts: [&Side; 2],
    sides: &Sides<'_>,
    options: &DiffOptions,
    rules: &RuleSet,
    config: &Config,
    renamed: &[Rename],
) -> DiffReport {
    let Sides {
        base,
        head,
        renames,
        platform,
    } = *sides;
    let catalog = Catalog::builtin();
    // A library call site depends on its file alone: files with the same
    // content on both sides (under the same or a renamed path) give the
    // same sites, so only the others are opened.
    let back: BTreeMap<&String, &String> = renames.iter().map(|(from, to)| (to, from)).collect();
    let base_changed = |rel: &str| {
        let now = renames.get(rel).map_or(rel, String::as_str);
        head.files.get(now).map(|v| v.1) != base.files.get(rel).map(|v| v.1)
    };
    let head_changed = |rel: &str| {
        let was = back.get(&rel.to_string()).map_or(rel, |p| p.as_str());
        base.files.get(was).map(|v| v.1) != head.files.get(rel).map(|v| v.1)
    };
    let side_report = |side: &Side,
                       label: String,
                       platform: &PlatformScan,
                       renames: &BTreeMap<String, String>,
                       changed: &(dyn Fn(&str) -> bool + Sync)| {
        let (stats, facts) = side_facts(extracted, side);
        let facts: Vec<&ParsedFile> = facts.iter().map(|f| f.as_ref()).collect();
        let (mut report, inventory) = scan::ReportBuilder::new(rules, config)
            .renamed(renames)
            .with_platform(platform)
            .build_with_inventory(label, stats, &facts);
        relabel::under_head_paths(&mut report, inventory, renames, &catalog);
        let mut sites = sites::report_sites(&report);
        let changed_files: Vec<&ParsedFile> = facts.iter().copied().filter(|f| changed(f.path())).collect();
        // What each library call sends, as the report lists it.
        let library_data: BTreeMap<(&str, usize), &Vec<String>> = report
            .communications
            .iter()
            .flat_map(|c| &c.library_calls)
            .map(|l| ((l.file.as_str(), l.line), &l.data_sent))
            .collect();
        for mut site in sites::library_sites(&changed_files, &catalog) {
            // The report is under head paths already (see `relabel`).
            if let Some(new) = renames.get(&site.file) {
                site.file = new.clone();
            }
            if let Some(data) = library_data.get(&(site.file.as_str(), site.line)) {
                site.data_sent = (*data).clone();
            }
            sites.push(site);
        }
        (report, sites)
    };
    let head_label = options.head.clone().unwrap_or_else(|| "work tree".into());
    let no_renames = BTreeMap::new();
    let ((base_report, base_sites), (head_report, head_sites)) = rayon::join(
        || {
            side_report(
                parts[0],
                options.base.clone(),
                platform[0],
                renames,
                &base_changed,
            )
        },
        || side_report(parts[1], head_label, platform[1], &no_renames, &head_changed),
    );
    let side = |report, sites| surface::SideModel { report, sites };
    compare::compare_models(
        side(&base_report, base_sites),
        side(&head_report, head_sites),
        renamed,
    )
}

/// The head's added or modified files that were not analysed, with why.
fn unanalysed(base: &Side, head: &Side, extracted: &Extracted) -> Vec<Unanalysed> {
    let mut out: Vec<Unanalysed> = head
        .skipped
        .iter()
        // A work-tree file skipped unread has no id: it may have changed.
        .filter(|(rel, skip)| skip.1.is_none() || base.skipped.get(*rel) != Some(*skip))
        .map(|(rel, (why, _))| Unanalysed {
            file: rel.clone(),
            reason: (*why).to_string(),
        })
        .collect();
    for (rel, (grammar, id)) in &head.files {
        if base.files.get(rel).map(|v| v.1) == Some(*id) {
            continue;
        }
        let reason = match extracted.get(&(*id, *grammar)) {
            Some(Outcome::ParseAbandoned) => "abandoned by the parser (work allowance used up)",
            Some(Outcome::Unreadable) | None => "unreadable",
            _ => continue,
        };
        out.push(Unanalysed {
            file: rel.clone(),
            reason: reason.to_string(),
        });
    }
    out.sort();
    out
}

/// The statistics and parsed files of one side, taken from the blobs'
/// outcomes under the side's paths.
fn side_facts<'a>(extracted: &'a Extracted, side: &Side) -> (Stats, Vec<Cow<'a, ParsedFile>>) {
    let mut stats = Stats {
        files_seen: side.files.len() + side.too_large + side.unreadable + side.special,
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
    let mut facts: Vec<Cow<'a, ParsedFile>> = Vec::new();
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
    (stats, facts)
}
