//! Renderers of a [`DiffReport`]: plain text and JSON; the pull-request
//! comment in GitHub markdown is [`super::comment`].

use std::fmt::Write;

use super::{summary, CallSite, DiffReport, HostChange};
use crate::model::{Endpoint, Finding, Location};
use crate::report::escape::terminal_safe as safe;

pub use super::comment::markdown;

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
    let _ = writeln!(
        out,
        "communications: {} added, {} changed, {} removed; call sites: {} added, {} removed, {} changed; files renamed: {}",
        s.added_communications,
        s.changed_communications,
        s.removed_communications,
        s.added_call_sites,
        s.removed_call_sites,
        s.changed_call_sites,
        s.renamed_files
    );
    if let Some(gate) = &report.gate {
        let mut tripped: Vec<String> = gate
            .new_hosts
            .iter()
            .map(|h| format!("new host {}", safe(h)))
            .collect();
        tripped.extend(
            gate.new_communications
                .iter()
                .map(|c| format!("new communication {}", safe(c))),
        );
        if tripped.is_empty() {
            let _ = writeln!(out, "egress gate: passed");
        } else {
            let _ = writeln!(out, "egress gate: FAILED: {}", tripped.join(", "));
        }
    }
    if !report.communications.is_empty() {
        let _ = writeln!(out, "\ncommunications:");
        for c in &report.communications {
            let _ = writeln!(out, "  {}", safe(&summary::line(c)));
            for site in &c.call_sites_added {
                let _ = writeln!(out, "      + {}", site_text(site));
            }
            for site in &c.call_sites_removed {
                let _ = writeln!(out, "      - {}", site_text(site));
            }
            for change in &c.call_sites_changed {
                let _ = writeln!(out, "      ! {}", site_text(&change.head));
                if change.base.data_sent != change.head.data_sent {
                    let _ = writeln!(
                        out,
                        "          data sent: [{}] → [{}]",
                        safe(&change.base.data_sent.join(", ")),
                        safe(&change.head.data_sent.join(", "))
                    );
                }
            }
        }
    }
    if !report.renamed_files.is_empty() {
        let _ = writeln!(out, "\nrenamed files:");
        for r in &report.renamed_files {
            let _ = writeln!(out, "  {} → {} ({} %)", safe(&r.from), safe(&r.to), r.similarity);
        }
    }
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
    let destinations = |out: &mut String, title: &str, sign: char, list: &[super::Destination]| {
        if list.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title}:");
        for d in list {
            let _ = writeln!(out, "  {sign} {}  {}", safe(&d.url), locations(&d.locations));
        }
    };
    destinations(
        &mut out,
        "added configurable destinations",
        '+',
        &report.added_configurable_destinations,
    );
    destinations(
        &mut out,
        "removed configurable destinations",
        '-',
        &report.removed_configurable_destinations,
    );
    out
}

/// `src/a.ts:12  notify  fetch https://x.example/a (literal)`.
fn site_text(site: &CallSite) -> String {
    let mut out = format!("{}:{}", site.file, site.line);
    if let Some(f) = &site.function {
        out.push_str(&format!("  {f}"));
    }
    // Through wrappers: the chain from the outermost to the network API.
    if site.via.is_empty() {
        out.push_str(&format!("  {}", site.api));
    } else {
        out.push_str(&format!("  {}", site.via.join(" → ")));
    }
    if let Some(url) = &site.url {
        out.push_str(&format!(" {url}"));
    }
    match &site.library {
        Some(lib) => out.push_str(&format!(" (library {lib})")),
        None => out.push_str(&format!(" ({})", site.origin)),
    }
    if !site.data_sent.is_empty() {
        out.push_str(&format!("  data sent: {}", site.data_sent.join(", ")));
    }
    safe(&out)
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
