//! Comparing two reports: findings by fingerprint, endpoints by URL and
//! hosts by name, and the egress surface ([`super::surface`]).

use std::collections::{BTreeMap, BTreeSet};

use super::renames::Rename;
use super::sites::report_sites;
use super::surface::{compare_surface, Change, SideModel};
use super::{DiffReport, HostChange, Summary, DIFF_SCHEMA_VERSION};
use crate::model::{Endpoint, Finding, Report};

/// Compares two reports (two saved JSON reports: the call sites are the
/// reports' calls; there is no rename information).
pub fn compare(base: &Report, head: &Report) -> DiffReport {
    let model = |report| SideModel {
        report,
        sites: report_sites(report),
    };
    compare_models(model(base), model(head), &[])
}

/// Compares two sides. The base side must already use head-side paths for
/// renamed files (see [`super::relabel`]); `renames` are listed.
pub(super) fn compare_models(base: SideModel<'_>, head: SideModel<'_>, renames: &[Rename]) -> DiffReport {
    let mut report = compare_lists(base.report, head.report);
    let (communications, added, removed) = compare_surface(base, head);
    let s = &mut report.summary;
    let count = |c: Change| communications.iter().filter(|x| x.change == c).count();
    s.added_communications = count(Change::Added);
    s.changed_communications = count(Change::Changed);
    s.removed_communications = count(Change::Removed);
    s.added_call_sites = communications.iter().map(|c| c.call_sites_added.len()).sum();
    s.removed_call_sites = communications.iter().map(|c| c.call_sites_removed.len()).sum();
    s.changed_call_sites = communications.iter().map(|c| c.call_sites_changed.len()).sum();
    s.renamed_files = renames.len();
    report.communications = communications;
    report.added_configurable_destinations = added;
    report.removed_configurable_destinations = removed;
    report.renamed_files = renames.to_vec();
    report
}

/// Findings, endpoints and hosts.
fn compare_lists(base: &Report, head: &Report) -> DiffReport {
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

    // Suppressions the change adds: a suppressed head finding whose
    // fingerprint no base finding has suppressed.
    let base_suppressed: BTreeSet<&str> = base
        .findings
        .iter()
        .filter(|f| f.suppressed)
        .map(|f| f.fingerprint.as_str())
        .collect();
    let mut new_suppressions: Vec<Finding> = head
        .findings
        .iter()
        .filter(|f| f.suppressed && !base_suppressed.contains(f.fingerprint.as_str()))
        .cloned()
        .collect();
    new_suppressions.sort_by(order);

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
            ..Summary::default()
        },
        new_findings,
        resolved_findings,
        added_endpoints,
        removed_endpoints,
        added_hosts,
        removed_hosts,
        new_suppressions,
        unanalysed: Vec::new(),
        files: None,
        communications: Vec::new(),
        renamed_files: Vec::new(),
        added_configurable_destinations: Vec::new(),
        removed_configurable_destinations: Vec::new(),
        gate: None,
    }
}
