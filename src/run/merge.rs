//! `egress-scan merge REPORT.json...`: shard reports of one repository into
//! the single-run report; reports of several repositories into an
//! organisation inventory ([`crate::report::org`]).
//!
//! Reports are read and folded in one at a time, so memory holds the merged
//! result, not every input: endpoints, calls and findings of the repository
//! being merged, and a small summary per finished repository once more than
//! one repository is seen.
//!
//! Reports are grouped by repository: the shard's recorded name, else the
//! report's `repository`, else the name of its root. Within a repository the
//! shards must come from one scan — same schema and tool version, root,
//! settings hash and shard count — and each index 1..=N must appear once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::MergeError;
use crate::input::{self, Links};
use crate::model::InventoryFacts;
use crate::model::{Endpoint, Finding, Report, Stats, SCHEMA_VERSION};
use crate::pipeline::inventory::{self};
use crate::report::org::{OrgInventory, RepoSummary};
use crate::run::scan;

/// The result of a merge.
#[derive(Debug)]
pub enum Merged {
    /// One repository: exactly the report a single run gives.
    Repository(Box<Report>),
    /// Several repositories.
    Organisation(OrgInventory),
}

/// Merges the reports at `paths` (read one at a time).
pub fn merge_files(paths: &[PathBuf]) -> Result<Merged, MergeError> {
    let mut merger = Merger::default();
    for path in paths {
        let report = read_report(path)?;
        merger.add(&path.display().to_string(), report)?;
    }
    merger.finish()
}

/// Reads and checks one report.
pub fn read_report(path: &Path) -> Result<Report, MergeError> {
    let name = path.display().to_string();
    let text = input::read_text(path, Links::Follow, input::REPORT_CAP).map_err(|e| MergeError::Read {
        path: name.clone(),
        message: e.to_string(),
    })?;
    parse_report(&name, &text)
}

/// Parses one report, checking its schema version first.
pub fn parse_report(name: &str, text: &str) -> Result<Report, MergeError> {
    #[derive(Deserialize)]
    struct Probe {
        schema_version: Option<u64>,
    }
    let invalid = |e: serde_json::Error| MergeError::Invalid {
        path: name.to_string(),
        reason: e.to_string(),
    };
    let check = |version: u64| {
        if version == u64::from(SCHEMA_VERSION) {
            Ok(())
        } else {
            Err(MergeError::Schema {
                path: name.to_string(),
                found: version,
                expected: SCHEMA_VERSION,
            })
        }
    };
    match serde_json::from_str::<Report>(text) {
        Ok(report) => {
            check(u64::from(report.schema_version))?;
            Ok(report)
        }
        Err(e) => {
            // A report of another schema may not fit this one's shape:
            // report the version rather than the first unknown field.
            if let Ok(Probe {
                schema_version: Some(v),
            }) = serde_json::from_str::<Probe>(text)
            {
                check(v)?;
            }
            Err(invalid(e))
        }
    }
}

/// The repository a report belongs to.
pub fn repository_of(path: &str, report: &Report) -> String {
    if let Some(shard) = &report.shard {
        return shard.repository.clone();
    }
    if let Some(name) = &report.repository {
        return name.clone();
    }
    let root = Path::new(&report.root);
    if root.is_dir() {
        return crate::run::shard::default_repo_name(root);
    }
    root.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "." && n != "..")
        .unwrap_or_else(|| {
            Path::new(path)
                .file_stem()
                .map_or_else(|| path.to_string(), |s| s.to_string_lossy().into_owned())
        })
}

/// Shards of one repository folded so far.
struct Partial {
    first_path: String,
    template: Report,
    settings: String,
    count: usize,
    seen: BTreeSet<usize>,
    endpoints: BTreeMap<(String, String), Endpoint>,
    findings: Vec<Finding>,
    inventory: InventoryFacts,
}

#[derive(Default)]
struct Merger {
    /// Repositories still receiving shards.
    partial: BTreeMap<String, Partial>,
    /// The one complete repository while no other has been seen.
    complete: Option<(String, String, Box<Report>)>,
    /// Summaries of complete repositories once there are two or more.
    summaries: BTreeMap<String, (String, RepoSummary)>,
    /// Repository names seen (for the organisation decision).
    names: BTreeSet<String>,
}

impl Merger {
    fn add(&mut self, path: &str, mut report: Report) -> Result<(), MergeError> {
        let name = repository_of(path, &report);
        self.names.insert(name.clone());
        if self.names.len() > 1 {
            // An organisation: keep summaries only.
            if let Some((n, p, r)) = self.complete.take() {
                if n == name {
                    return Err(duplicate(path, &p, &name, &report));
                }
                self.summaries.insert(n.clone(), (p, RepoSummary::of(&n, &r)));
            }
        }
        if let Some((first, _)) = self.summaries.get(&name) {
            return Err(duplicate(path, first, &name, &report));
        }
        if let Some((n, first, _)) = &self.complete {
            if *n == name {
                return Err(duplicate(path, first, &name, &report));
            }
        }
        if let Some(info) = &report.shard {
            if info.count == 0 || info.index == 0 || info.index > info.count {
                return Err(MergeError::Invalid {
                    path: path.to_string(),
                    reason: format!("shard index {} is not within 1..={}", info.index, info.count),
                });
            }
        }
        let Some(info) = report.shard.take() else {
            if let Some(p) = self.partial.get(&name) {
                return Err(duplicate(path, &p.first_path, &name, &report));
            }
            return self.complete(path.to_string(), name, Box::new(report));
        };
        let partial = match self.partial.get_mut(&name) {
            Some(p) => {
                check_same(path, p, &name, &report, &info.settings, info.count)?;
                if !p.seen.insert(info.index) {
                    return Err(MergeError::Duplicate {
                        path: path.to_string(),
                        other: p.first_path.clone(),
                        repository: name,
                        what: format!("shard {} of {} given twice", info.index, info.count),
                    });
                }
                add_stats(&mut p.template.stats, &report.stats).ok_or_else(|| MergeError::Invalid {
                    path: path.to_string(),
                    reason: "its statistics overflow when added to the other shards'".into(),
                })?;
                p
            }
            None => {
                let mut template = report.clone();
                template.endpoints.clear();
                template.findings.clear();
                template.communications.clear();
                template.calls.clear();
                self.partial.insert(
                    name.clone(),
                    Partial {
                        first_path: path.to_string(),
                        template,
                        settings: info.settings.clone(),
                        count: info.count,
                        seen: BTreeSet::from([info.index]),
                        endpoints: BTreeMap::new(),
                        findings: Vec::new(),
                        inventory: InventoryFacts::default(),
                    },
                );
                self.partial.get_mut(&name).expect("just inserted")
            }
        };
        for e in std::mem::take(&mut report.endpoints) {
            match partial.endpoints.entry((e.host.clone(), e.url.clone())) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(e);
                }
                std::collections::btree_map::Entry::Occupied(mut o) => {
                    let have = o.get_mut();
                    have.origin = have.origin.min(e.origin);
                    have.locations.extend(e.locations);
                }
            }
        }
        partial.findings.append(&mut report.findings);
        partial.template.calls.append(&mut report.calls);
        partial.inventory.extend(info.inventory);
        if partial.seen.len() == partial.count {
            let p = self.partial.remove(&name).expect("present");
            let (first, merged) = finish_partial(p);
            return self.complete(first, name, Box::new(merged));
        }
        Ok(())
    }

    fn complete(&mut self, path: String, name: String, report: Box<Report>) -> Result<(), MergeError> {
        if self.names.len() == 1 && self.complete.is_none() && self.summaries.is_empty() {
            self.complete = Some((name, path, report));
            return Ok(());
        }
        if let Some((n, p, r)) = self.complete.take() {
            self.summaries.insert(n.clone(), (p, RepoSummary::of(&n, &r)));
        }
        self.summaries
            .insert(name.clone(), (path, RepoSummary::of(&name, &report)));
        Ok(())
    }

    fn finish(mut self) -> Result<Merged, MergeError> {
        if let Some((name, p)) = self.partial.iter().next() {
            let missing: Vec<String> = (1..=p.count)
                .filter(|i| !p.seen.contains(i))
                .map(|i| i.to_string())
                .collect();
            return Err(MergeError::Incomplete {
                repository: name.clone(),
                missing: missing.join(", "),
                count: p.count,
            });
        }
        if self.summaries.is_empty() {
            return match self.complete.take() {
                Some((_, _, report)) => Ok(Merged::Repository(report)),
                None => Err(MergeError::Empty),
            };
        }
        if let Some((n, p, r)) = self.complete.take() {
            self.summaries.insert(n.clone(), (p, RepoSummary::of(&n, &r)));
        }
        Ok(Merged::Organisation(OrgInventory::new(
            self.summaries.into_values().map(|(_, s)| s).collect(),
        )))
    }
}

fn duplicate(path: &str, first: &str, name: &str, report: &Report) -> MergeError {
    MergeError::Duplicate {
        path: path.to_string(),
        other: first.to_string(),
        repository: name.to_string(),
        what: match &report.shard {
            Some(s) => format!(
                "shard {} of {} after the repository was complete",
                s.index, s.count
            ),
            None => "a second report of the same repository".into(),
        },
    }
}

fn check_same(
    path: &str,
    p: &Partial,
    name: &str,
    report: &Report,
    settings: &str,
    count: usize,
) -> Result<(), MergeError> {
    let t = &p.template;
    let pairs: [(&'static str, String, String); 5] = [
        (
            "tool version",
            t.tool.version.clone(),
            report.tool.version.clone(),
        ),
        ("tool", t.tool.name.clone(), report.tool.name.clone()),
        ("root", t.root.clone(), report.root.clone()),
        (
            "settings hash (rules, config, scan options)",
            p.settings.clone(),
            settings.to_string(),
        ),
        ("shard count", p.count.to_string(), count.to_string()),
    ];
    for (what, a, b) in pairs {
        if a != b {
            return Err(MergeError::Mismatch {
                path: path.to_string(),
                other: p.first_path.clone(),
                repository: name.to_string(),
                what,
                a,
                b,
            });
        }
    }
    // Every shard reads the whole platform configuration.
    if t.platform != report.platform {
        return Err(MergeError::Mismatch {
            path: path.to_string(),
            other: p.first_path.clone(),
            repository: name.to_string(),
            what: "platform configuration",
            a: format!("{} targets", t.platform.as_ref().map_or(0, |c| c.targets.len())),
            b: format!(
                "{} targets",
                report.platform.as_ref().map_or(0, |c| c.targets.len())
            ),
        });
    }
    if t.repository != report.repository {
        return Err(MergeError::Mismatch {
            path: path.to_string(),
            other: p.first_path.clone(),
            repository: name.to_string(),
            what: "repository",
            a: format!("{:?}", t.repository),
            b: format!("{:?}", report.repository),
        });
    }
    Ok(())
}

/// Adds a shard's statistics; `None` when a count would overflow (a
/// forged report), which a sum of real scans never does.
fn add_stats(into: &mut Stats, s: &Stats) -> Option<()> {
    fn add(a: &mut usize, b: usize) -> Option<()> {
        *a = a.checked_add(b)?;
        Some(())
    }
    add(&mut into.files_seen, s.files_seen)?;
    add(&mut into.files_parsed, s.files_parsed)?;
    add(&mut into.files_without_triggers, s.files_without_triggers)?;
    for (lang, n) in &s.not_analysed {
        add(into.not_analysed.entry(lang.clone()).or_default(), *n)?;
    }
    for path in &s.parse_error_files {
        into.add_parse_error_file(path);
    }
    into.ignore_files_refused
        .extend(s.ignore_files_refused.iter().cloned());
    into.ignore_files_refused.sort();
    into.ignore_files_refused.dedup();
    let (a, b) = (&mut into.files_skipped, &s.files_skipped);
    add(&mut a.binary, b.binary)?;
    add(&mut a.too_large, b.too_large)?;
    add(&mut a.minified, b.minified)?;
    add(&mut a.parse_error, b.parse_error)?;
    add(&mut a.unreadable, b.unreadable)?;
    add(&mut a.symlink_or_special, b.symlink_or_special)?;
    add(&mut a.parse_abandoned, b.parse_abandoned)?;
    add(&mut a.unreadable_dirs, b.unreadable_dirs)?;
    let (a, b) = (&mut into.platform_files, &s.platform_files);
    add(&mut a.read, b.read)?;
    add(&mut a.too_large, b.too_large)?;
    add(&mut a.unreadable, b.unreadable)?;
    a.malformed.extend(b.malformed.iter().cloned());
    a.malformed.sort();
    a.malformed.dedup();
    Some(())
}

/// Sorts and rebuilds derived data exactly as a scan's report is built
/// ([`scan::ReportBuilder`]).
fn finish_partial(p: Partial) -> (String, Report) {
    let mut report = p.template;
    let mut endpoints: Vec<Endpoint> = p.endpoints.into_values().collect();
    let mut findings = p.findings;
    // Stable sort: ties share a file, hence a shard, and keep its order.
    scan::sort_lists(&mut endpoints, &mut findings);
    report.calls.sort();
    report.calls.dedup();
    let mut facts = p.inventory;
    facts.sort();
    let catalog = crate::catalog::Catalog::builtin();
    report.communications =
        inventory::communications_from(&endpoints, &findings, &report.calls, &facts, &catalog);
    report.endpoints = endpoints;
    report.findings = findings;
    report.shard = None;
    (p.first_path, report)
}
