//! Renderers of a [`DiffReport`]: plain text, JSON and a pull-request
//! comment in GitHub markdown.

use std::fmt::Write;

use super::{DiffReport, HostChange};
use crate::model::{Endpoint, Finding, Location};
use crate::report::escape::{code, terminal_safe as safe, text};

/// Lists longer than this are folded into `<details>` in markdown.
const FOLD_AFTER: usize = 5;
/// Locations shown per endpoint/host before "+N more".
const MAX_LOCATIONS: usize = 3;

pub fn json(report: &DiffReport) -> String {
    crate::report::escape::json_document(report)
}

pub fn table(report: &DiffReport) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "egress-scan diff {} → {}",
        safe(&report.base),
        safe(&report.head)
    );
    let _ = writeln!(
        out,
        "findings: {} new, {} resolved, {} unchanged",
        s.new_findings, s.resolved_findings, s.unchanged_findings
    );
    let _ = writeln!(
        out,
        "endpoints: {} added, {} removed; hosts: {} added, {} removed",
        s.added_endpoints, s.removed_endpoints, s.added_hosts, s.removed_hosts
    );
    let findings = |out: &mut String, title: &str, list: &[Finding]| {
        if list.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title}:");
        for f in list {
            let _ = writeln!(
                out,
                "  {:<8} {:<36} {}:{}  {}{}",
                f.severity.as_str(),
                safe(&f.rule_id),
                safe(&f.file),
                f.line,
                safe(&f.message),
                if f.suppressed { " (suppressed)" } else { "" }
            );
        }
    };
    findings(&mut out, "new findings", &report.new_findings);
    findings(
        &mut out,
        "new suppressions (count for --fail-on)",
        &report.new_suppressions,
    );
    if !report.unanalysed.is_empty() {
        let _ = writeln!(
            out,
            "\nchanged files not analysed (their calls are missing from this diff):"
        );
        for u in &report.unanalysed {
            let _ = writeln!(out, "  {}  ({})", safe(&u.file), safe(&u.reason));
        }
    }
    findings(&mut out, "resolved findings", &report.resolved_findings);
    let endpoints = |out: &mut String, title: &str, sign: char, list: &[Endpoint]| {
        if list.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title}:");
        for e in list {
            let _ = writeln!(out, "  {sign} {}  {}", safe(&e.url), locations(&e.locations));
        }
    };
    endpoints(&mut out, "added endpoints", '+', &report.added_endpoints);
    endpoints(&mut out, "removed endpoints", '-', &report.removed_endpoints);
    let hosts = |out: &mut String, title: &str, sign: char, list: &[HostChange]| {
        if list.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title}:");
        for h in list {
            let service = h
                .service
                .as_deref()
                .map(|s| format!(" ({})", safe(s)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {sign} {}{service}  {}",
                safe(&h.host),
                locations(&h.locations)
            );
        }
    };
    hosts(&mut out, "added hosts", '+', &report.added_hosts);
    hosts(&mut out, "removed hosts", '-', &report.removed_hosts);
    out
}

/// A short pull-request comment: a summary line and table, then each list,
/// folded into `<details>` when long. Scanned content is escaped.
pub fn markdown(report: &DiffReport) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(out, "### egress-scan: {}\n", headline(report));
    let _ = writeln!(
        out,
        "Comparing {} → {}.\n",
        code(&report.base),
        code(&report.head)
    );
    let _ = writeln!(out, "| | new / added | resolved / removed | unchanged |");
    let _ = writeln!(out, "|---|---:|---:|---:|");
    let _ = writeln!(
        out,
        "| Findings | {} | {} | {} |",
        s.new_findings, s.resolved_findings, s.unchanged_findings
    );
    let _ = writeln!(
        out,
        "| Endpoints | {} | {} | |",
        s.added_endpoints, s.removed_endpoints
    );
    let _ = writeln!(out, "| Hosts | {} | {} | |", s.added_hosts, s.removed_hosts);

    if !report.new_findings.is_empty() {
        let rows = finding_rows(&report.new_findings);
        section(&mut out, "New findings", report.new_findings.len(), &rows);
    }
    if !report.new_suppressions.is_empty() {
        let rows = finding_rows(&report.new_suppressions);
        section(
            &mut out,
            "New suppressions (they count for the gate unless the base config allows them)",
            report.new_suppressions.len(),
            &rows,
        );
    }
    if !report.unanalysed.is_empty() {
        let rows: String = report
            .unanalysed
            .iter()
            .map(|u| format!("- {}: {}\n", code(&u.file), text(&u.reason)))
            .collect();
        section(
            &mut out,
            "Changed files not analysed (their calls are missing from this diff)",
            report.unanalysed.len(),
            &rows,
        );
    }
    if !report.added_hosts.is_empty() {
        let rows = host_rows(&report.added_hosts);
        section(&mut out, "Added hosts", report.added_hosts.len(), &rows);
    }
    if !report.removed_hosts.is_empty() {
        let rows = host_rows(&report.removed_hosts);
        section(&mut out, "Removed hosts", report.removed_hosts.len(), &rows);
    }
    if !report.added_endpoints.is_empty() {
        let rows = endpoint_rows(&report.added_endpoints);
        section(&mut out, "Added endpoints", report.added_endpoints.len(), &rows);
    }
    if !report.removed_endpoints.is_empty() {
        let rows = endpoint_rows(&report.removed_endpoints);
        section(
            &mut out,
            "Removed endpoints",
            report.removed_endpoints.len(),
            &rows,
        );
    }
    if !report.resolved_findings.is_empty() {
        let rows = finding_rows(&report.resolved_findings);
        // Good news is always folded: it needs no action.
        let _ = writeln!(
            out,
            "\n<details><summary>Resolved findings ({})</summary>\n\n{rows}\n</details>",
            report.resolved_findings.len()
        );
    }
    out
}

fn headline(report: &DiffReport) -> String {
    let s = &report.summary;
    if s.new_findings == 0 && s.added_hosts == 0 && s.added_endpoints == 0 {
        if s.resolved_findings == 0 && s.removed_endpoints == 0 {
            return "no change to outbound communications".into();
        }
        return format!(
            "no new findings ({} resolved, {} endpoint(s) removed)",
            s.resolved_findings, s.removed_endpoints
        );
    }
    let high = report
        .new_findings
        .iter()
        .filter(|f| !f.suppressed && f.severity >= crate::model::Severity::High)
        .count();
    let mut parts = vec![format!("{} new finding(s)", s.new_findings)];
    if high > 0 {
        parts[0].push_str(&format!(" ({high} high or critical)"));
    }
    parts.push(format!("{} new host(s)", s.added_hosts));
    parts.push(format!("{} resolved", s.resolved_findings));
    parts.join(", ")
}

fn section(out: &mut String, title: &str, count: usize, rows: &str) {
    if count > FOLD_AFTER {
        let _ = write!(
            out,
            "\n<details><summary>{title} ({count})</summary>\n\n{rows}\n</details>\n"
        );
    } else {
        let _ = write!(out, "\n**{title}**\n\n{rows}");
    }
}

fn finding_rows(list: &[Finding]) -> String {
    let mut rows = String::from("| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
    for f in list {
        let suppressed = if f.suppressed { " (suppressed)" } else { "" };
        let _ = writeln!(
            rows,
            "| {}{suppressed} | {} | {}:{} | {} |",
            f.severity.as_str(),
            text(&f.rule_id),
            text(&f.file),
            f.line,
            text(&f.message)
        );
    }
    rows
}

fn endpoint_rows(list: &[Endpoint]) -> String {
    let mut rows = String::from("| URL | Origin | Location |\n|---|---|---|\n");
    for e in list {
        let _ = writeln!(
            rows,
            "| {} | {} | {} |",
            text(&e.url),
            text(&format!("{:?}", e.origin).to_lowercase()),
            text(&locations(&e.locations))
        );
    }
    rows
}

fn host_rows(list: &[HostChange]) -> String {
    let mut rows = String::from("| Host | Service | Location |\n|---|---|---|\n");
    for h in list {
        let _ = writeln!(
            rows,
            "| {} | {} | {} |",
            text(&h.host),
            text(h.service.as_deref().unwrap_or("")),
            text(&locations(&h.locations))
        );
    }
    rows
}

fn locations(list: &[Location]) -> String {
    let mut parts: Vec<String> = list
        .iter()
        .take(MAX_LOCATIONS)
        .map(|l| format!("{}:{}", safe(&l.file), l.line))
        .collect();
    if list.len() > MAX_LOCATIONS {
        parts.push(format!("+{} more", list.len() - MAX_LOCATIONS));
    }
    parts.join(", ")
}
