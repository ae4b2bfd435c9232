//! Comparing the egress surface of two sides: communications added,
//! removed or changed, and per communication its files, call sites, hosts,
//! client libraries, auth and data sent; the configurable
//! (runtime-determined) destinations.
//!
//! This is what a pull-request reviewer needs beyond findings: a change
//! that starts using a chat SDK adds no finding, endpoint or host, but it
//! adds a communication with call sites and data sent.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::sites::{by_identity, CallSite};
use crate::model::{Communication, Location, Report};

/// How a communication changed.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Changed,
    Removed,
}

/// What a change did to one communication. Lists are sorted; empty ones
/// are left out of the JSON.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CommunicationChange {
    pub title: String,
    pub category: String,
    pub change: Change,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files_added: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files_removed: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub call_sites_added: Vec<CallSite>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub call_sites_removed: Vec<CallSite>,
    /// Sites with the same identity whose host, origin, wrappers, auth or
    /// data sent changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub call_sites_changed: Vec<CallSiteChange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts_added: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts_removed: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub libraries_added: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub libraries_removed: Vec<String>,
    /// Where the credential goes, before and after, when that changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthChange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_sent_added: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_sent_removed: Vec<String>,
    /// Every host of the communication on the head side (for a removed one,
    /// the base side): what the gates and the summary line name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuthChange {
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One call site on both sides.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CallSiteChange {
    pub base: CallSite,
    pub head: CallSite,
}

/// A URL template only known at run time (configuration, parameter,
/// response) added or removed, with the head's (or base's) call sites.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Destination {
    pub url: String,
    pub locations: Vec<Location>,
}

/// One side's model: its report, and its call sites (report calls plus
/// library calls), with paths already those of the head for renamed files.
pub struct SideModel<'a> {
    pub report: &'a Report,
    pub sites: Vec<CallSite>,
}

/// The communications' changes and the configurable destinations added
/// and removed.
pub fn compare_surface(
    base: SideModel<'_>,
    head: SideModel<'_>,
) -> (Vec<CommunicationChange>, Vec<Destination>, Vec<Destination>) {
    let (added_dest, removed_dest) = destinations(base.report, head.report, &base.sites, &head.sites);
    let base_sites = by_identity(base.sites);
    let head_sites = by_identity(head.sites);

    // Site changes by communication title: (added, removed, changed).
    let mut per_title: BTreeMap<String, SiteChanges> = BTreeMap::new();
    for (id, site) in &head_sites {
        match base_sites.get(id) {
            None => per_title
                .entry(site.communication.clone())
                .or_default()
                .added
                .push(site.clone()),
            Some(old) if old.communication != site.communication => {
                per_title
                    .entry(site.communication.clone())
                    .or_default()
                    .added
                    .push(site.clone());
                per_title
                    .entry(old.communication.clone())
                    .or_default()
                    .removed
                    .push(old.clone());
            }
            Some(old) if old.details() != site.details() => {
                per_title
                    .entry(site.communication.clone())
                    .or_default()
                    .changed
                    .push(CallSiteChange {
                        base: old.clone(),
                        head: site.clone(),
                    });
            }
            Some(_) => {}
        }
    }
    for (id, site) in &base_sites {
        if !head_sites.contains_key(id) {
            per_title
                .entry(site.communication.clone())
                .or_default()
                .removed
                .push(site.clone());
        }
    }

    let base_comms: BTreeMap<&str, &Communication> = base
        .report
        .communications
        .iter()
        .map(|c| (c.title.as_str(), c))
        .collect();
    let head_comms: BTreeMap<&str, &Communication> = head
        .report
        .communications
        .iter()
        .map(|c| (c.title.as_str(), c))
        .collect();
    let titles: BTreeSet<&str> = base_comms
        .keys()
        .copied()
        .chain(head_comms.keys().copied())
        .chain(per_title.keys().map(String::as_str))
        .collect();
    let mut out = Vec::new();
    for title in titles {
        let sites = per_title.get(title).cloned().unwrap_or_default();
        let (old, new) = (base_comms.get(title).copied(), head_comms.get(title).copied());
        if let Some(change) = communication_change(title, old, new, sites) {
            out.push(change);
        }
    }
    (out, added_dest, removed_dest)
}

#[derive(Debug, Clone, Default)]
struct SiteChanges {
    added: Vec<CallSite>,
    removed: Vec<CallSite>,
    changed: Vec<CallSiteChange>,
}

/// The change of one communication, `None` when nothing a reviewer cares
/// about changed (notes drawn from findings are compared as findings).
fn communication_change(
    title: &str,
    base: Option<&Communication>,
    head: Option<&Communication>,
    mut sites: SiteChanges,
) -> Option<CommunicationChange> {
    let empty: Vec<String> = Vec::new();
    let list = |c: Option<&Communication>, f: fn(&Communication) -> &Vec<String>| -> BTreeSet<String> {
        c.map_or(&empty, f).iter().cloned().collect()
    };
    let minus = |a: &BTreeSet<String>, b: &BTreeSet<String>| a.difference(b).cloned().collect::<Vec<_>>();
    let (bf, hf) = (list(base, |c| &c.files), list(head, |c| &c.files));
    let (bh, hh) = (list(base, |c| &c.hosts), list(head, |c| &c.hosts));
    let (bl, hl) = (list(base, |c| &c.via_library), list(head, |c| &c.via_library));
    let (bd, hd) = (list(base, |c| &c.data_sent), list(head, |c| &c.data_sent));
    let before = base.and_then(|c| c.auth.clone());
    let after = head.and_then(|c| c.auth.clone());
    let auth = (before != after).then_some(AuthChange { before, after });
    let change = match (base, head) {
        (None, Some(_)) => Change::Added,
        (Some(_), None) => Change::Removed,
        _ => Change::Changed,
    };
    for list in [&mut sites.added, &mut sites.removed] {
        list.sort_by(|a, b| (&a.file, a.line, a.column, &a.api).cmp(&(&b.file, b.line, b.column, &b.api)));
    }
    sites
        .changed
        .sort_by(|a, b| (&a.head.file, a.head.line).cmp(&(&b.head.file, b.head.line)));
    let reference = head.or(base);
    let out = CommunicationChange {
        title: title.to_string(),
        category: reference.map_or_else(|| "unknown".to_string(), |c| c.category.clone()),
        change,
        files_added: minus(&hf, &bf),
        files_removed: minus(&bf, &hf),
        call_sites_added: sites.added,
        call_sites_removed: sites.removed,
        call_sites_changed: sites.changed,
        hosts_added: minus(&hh, &bh),
        hosts_removed: minus(&bh, &hh),
        libraries_added: minus(&hl, &bl),
        libraries_removed: minus(&bl, &hl),
        auth,
        data_sent_added: minus(&hd, &bd),
        data_sent_removed: minus(&bd, &hd),
        hosts: if head.is_some() { hh } else { bh }.into_iter().collect(),
    };
    let unchanged = out.files_added.is_empty()
        && out.files_removed.is_empty()
        && out.call_sites_added.is_empty()
        && out.call_sites_removed.is_empty()
        && out.call_sites_changed.is_empty()
        && out.hosts_added.is_empty()
        && out.hosts_removed.is_empty()
        && out.libraries_added.is_empty()
        && out.libraries_removed.is_empty()
        && out.auth.is_none()
        && out.data_sent_added.is_empty()
        && out.data_sent_removed.is_empty();
    (!unchanged || change != Change::Changed).then_some(out)
}

/// Runtime-determined URL templates added and removed, with the call
/// sites requesting them.
fn destinations(
    base: &Report,
    head: &Report,
    base_sites: &[CallSite],
    head_sites: &[CallSite],
) -> (Vec<Destination>, Vec<Destination>) {
    let urls = |r: &Report| -> BTreeSet<String> {
        r.communications
            .iter()
            .flat_map(|c| c.runtime_urls.iter().cloned())
            .collect()
    };
    let (b, h) = (urls(base), urls(head));
    let with_locations = |list: Vec<&String>, sites: &[CallSite]| -> Vec<Destination> {
        list.into_iter()
            .map(|url| {
                let mut locations: Vec<Location> = sites
                    .iter()
                    .filter(|s| s.url.as_ref() == Some(url))
                    .map(|s| Location {
                        file: s.file.clone(),
                        line: s.line,
                        column: s.column,
                    })
                    .collect();
                locations.sort();
                locations.dedup();
                Destination {
                    url: url.clone(),
                    locations,
                }
            })
            .collect()
    };
    (
        with_locations(h.difference(&b).collect(), head_sites),
        with_locations(b.difference(&h).collect(), base_sites),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::diff::sites::report_sites;

    /// A report with one call of `fetch(url)` in `file` at `line`, in the
    /// communication `title`.
    fn report(title: &str, file: &str, line: usize, url: &str, data: &[&str]) -> Report {
        let host = url.split('/').nth(2).unwrap_or_default();
        serde_json::from_value(serde_json::json!({
            "schema_version": 1,
            "tool": {"name": "egress-scan", "version": "0"},
            "root": ".",
            "stats": {"files_seen": 1, "files_parsed": 1, "files_skipped": {"binary": 0, "too_large": 0,
                      "minified": 0, "parse_error": 0, "unreadable": 0}},
            "endpoints": [],
            "communications": [{"title": title, "category": "chat", "purpose": "", "files": [file],
                                "hosts": [host], "auth": null, "data_sent": data, "notes": []}],
            "findings": [],
            "calls": [{"file": file, "line": line, "column": 3, "api": "fetch", "kind": "http",
                       "url": url, "host": host, "origin": "literal", "function": "send", "data_sent": data}]
        }))
        .expect("report")
    }

    fn compare(base: &Report, head: &Report) -> Vec<CommunicationChange> {
        let side = |report| SideModel {
            report,
            sites: report_sites(report),
        };
        compare_surface(side(base), side(head)).0
    }

    #[test]
    fn a_moved_call_is_no_change_and_a_call_in_another_file_is() {
        let base = report("Chat", "a.ts", 3, "https://chat.example/send", &["text"]);
        let moved = report("Chat", "a.ts", 30, "https://chat.example/send", &["text"]);
        assert!(compare(&base, &moved).is_empty());
        let elsewhere = report("Chat", "b.ts", 9, "https://chat.example/send", &["text"]);
        let changes = compare(&base, &elsewhere);
        assert_eq!(changes.len(), 1);
        let c = &changes[0];
        assert_eq!((c.call_sites_added.len(), c.call_sites_removed.len()), (1, 1));
        assert_eq!(c.files_added, ["b.ts"]);
    }

    #[test]
    fn new_data_is_a_changed_site_and_a_new_service_an_added_communication() {
        let base = report("Chat", "a.ts", 3, "https://chat.example/send", &["text"]);
        let more = report("Chat", "a.ts", 3, "https://chat.example/send", &["text", "email"]);
        let changes = compare(&base, &more);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].change, Change::Changed);
        assert_eq!(changes[0].call_sites_changed.len(), 1);
        assert_eq!(changes[0].data_sent_added, ["email"]);

        let other = report("Mail", "a.ts", 3, "https://mail.example/send", &["text"]);
        let changes = compare(&base, &other);
        let kinds: Vec<(&str, Change)> = changes.iter().map(|c| (c.title.as_str(), c.change)).collect();
        assert_eq!(kinds, [("Chat", Change::Removed), ("Mail", Change::Added)]);
        assert_eq!(changes[1].call_sites_added[0].communication, "Mail");
    }
}
