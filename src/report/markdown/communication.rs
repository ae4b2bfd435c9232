//! One communication's section: the **Aspect | Details** table (purpose,
//! main code, endpoints, auth, data sent, URL origin), then the
//! **Security / privacy** bullets drawn from the findings in its files.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::cells::{by_severity, data_cell, finding_line, limited, link, or_dash, privacy_data, slug};
use super::TRAILER_SECTIONS;
use crate::model::{Communication, Endpoint, Finding, Origin, OutboundCall, Report};
use crate::pipeline::inventory::{holds_runtime_call, FindingScope};
use crate::report::escape::{code, rich, text};

/// What a communication's section is drawn from.
struct Parts<'a> {
    c: &'a Communication,
    files: BTreeSet<&'a str>,
    /// The report's endpoints on the communication's hosts, in its files.
    endpoints: Vec<&'a Endpoint>,
    /// The requests of the runtime-URL communication: no endpoint, no host.
    runtime: Vec<&'a OutboundCall>,
}

/// `runtime`: the report's requests to runtime-determined URLs.
pub(super) fn section(
    out: &mut String,
    report: &Report,
    c: &Communication,
    heading: &str,
    runtime: &[&OutboundCall],
) {
    let _ = writeln!(out, "## {}\n", text(heading));
    let parts = Parts::of(report, c, runtime);
    out.push_str("| Aspect | Details |\n|---|---|\n");
    let _ = writeln!(
        out,
        "| Purpose | {} (category: {}) |",
        rich(&c.purpose),
        text(&c.category)
    );
    let _ = writeln!(out, "| Main code | {} |", or_dash(main_code(report, &parts)));
    let _ = writeln!(out, "| Endpoints | {} |", or_dash(endpoint_cell(&parts)));
    let _ = writeln!(
        out,
        "| Auth | {} |",
        c.auth
            .as_deref()
            .map(rich)
            .unwrap_or_else(|| "not detected".into())
    );
    let _ = writeln!(
        out,
        "| Data sent | {} |",
        if c.data_sent.is_empty() {
            "not detected".into()
        } else {
            data_cell(&c.data_sent)
        }
    );
    let _ = writeln!(out, "| URL origin | {} |", origin_cell(&parts));
    if let Some(policy) = super::platform::policy_cell(report, c) {
        let _ = writeln!(out, "| Transport policy | {policy} |");
    }
    out.push('\n');
    security_bullets(out, report, &parts);
}

impl<'a> Parts<'a> {
    fn of(report: &'a Report, c: &'a Communication, runtime: &[&'a OutboundCall]) -> Self {
        let files: BTreeSet<&str> = c.files.iter().map(String::as_str).collect();
        let hosts: BTreeSet<&str> = c.hosts.iter().map(String::as_str).collect();
        let endpoints = report
            .endpoints
            .iter()
            .filter(|e| {
                hosts.contains(e.host.as_str()) && e.locations.iter().any(|l| files.contains(l.file.as_str()))
            })
            .collect();
        // The requests to runtime-determined URLs this communication holds
        // (all of them, or those sharing its base URL).
        let runtime = runtime
            .iter()
            .copied()
            .filter(|call| files.contains(call.file.as_str()) && holds_runtime_call(c, call))
            .collect();
        Parts {
            c,
            files,
            endpoints,
            runtime,
        }
    }
}

/// Each file linked at its first use of one of the hosts (or its first
/// request to a runtime-determined URL).
fn main_code(report: &Report, p: &Parts) -> String {
    let hosts: BTreeSet<&str> = p.c.hosts.iter().map(String::as_str).collect();
    let mut first_line: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &p.endpoints {
        for l in e.locations.iter().filter(|l| p.files.contains(l.file.as_str())) {
            let line = first_line.entry(l.file.as_str()).or_insert(l.line);
            *line = (*line).min(l.line);
        }
    }
    let host_calls = report
        .calls
        .iter()
        .filter(|call| call.host.as_deref().is_some_and(|h| hosts.contains(h)));
    let call_lines = host_calls
        .chain(p.runtime.iter().copied())
        .map(|call| (call.file.as_str(), call.line))
        .chain(
            p.c.library_calls
                .iter()
                .map(|call| (call.file.as_str(), call.line)),
        );
    for (file, at) in call_lines {
        if p.files.contains(file) {
            let line = first_line.entry(file).or_insert(at);
            *line = (*line).min(at);
        }
    }
    limited(
        p.c.files
            .iter()
            .map(|f| match first_line.get(f.as_str()) {
                Some(line) => link(f, Some(*line)),
                None => link(f, None),
            })
            .collect(),
    )
}

/// The endpoint URLs, the runtime-determined URLs with their origin, and
/// the client libraries (with their default hosts when no URL is written).
fn endpoint_cell(p: &Parts) -> String {
    let c = p.c;
    let mut endpoint_items: Vec<String> = p.endpoints.iter().map(|e| code(&e.url)).collect();
    endpoint_items.dedup();
    let runtime_items: BTreeSet<String> = p
        .runtime
        .iter()
        .map(|call| match &call.url {
            Some(u) => format!("{} ({})", code(u), call.origin.as_str()),
            None => format!("URL not reconstructed ({})", call.origin.as_str()),
        })
        .collect();
    endpoint_items.extend(runtime_items);
    let mut cell = if endpoint_items.is_empty() && c.via_library.is_empty() {
        limited(c.hosts.iter().map(|h| code(h)).collect())
    } else {
        limited(endpoint_items)
    };
    if !c.via_library.is_empty() {
        let libs: Vec<String> = c.via_library.iter().map(|l| code(l)).collect();
        if !cell.is_empty() {
            cell.push_str("; ");
        }
        let _ = write!(cell, "via library {}", libs.join(", "));
        if p.endpoints.is_empty() && !c.hosts.is_empty() {
            let hs: Vec<String> = c.hosts.iter().map(|h| code(h)).collect();
            let _ = write!(cell, " (default hosts: {})", hs.join(", "));
        }
    }
    cell
}

fn origin_cell(p: &Parts) -> String {
    let origins: BTreeSet<Origin> = p
        .endpoints
        .iter()
        .map(|e| e.origin)
        .chain(p.runtime.iter().map(|call| call.origin))
        .collect();
    if origins.is_empty() {
        "none in code (library defaults)".to_string()
    } else {
        origins.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// The catalog's privacy note, a pointer to the SSRF section for
/// runtime-determined URLs, and the findings in the communication's scope.
fn security_bullets(out: &mut String, report: &Report, p: &Parts) {
    let c = p.c;
    out.push_str("**Security / privacy**\n\n");
    let mut bullets = 0;
    // What the code sends speaks first; the catalog's note about the
    // service only when the code shows no personal or content data.
    let catalog_note = c
        .notes
        .first()
        .filter(|_| c.category != "unknown" && c.category != "local");
    if let Some(data) = privacy_data(&c.data_sent) {
        let _ = writeln!(out, "- Privacy: the code sends {data}.");
        bullets += 1;
    } else if let Some(privacy) = catalog_note {
        let _ = writeln!(out, "- Privacy: {}", text(privacy));
        bullets += 1;
    }
    if !p.runtime.is_empty() {
        let _ = writeln!(
            out,
            "- The destination of {} is decided at run time: review where each URL comes from. \
             Guards and redirect handling are in [{}](#{}).",
            if p.runtime.len() == 1 {
                "this request".to_string()
            } else {
                format!("these {} requests", p.runtime.len())
            },
            TRAILER_SECTIONS[1],
            slug(TRAILER_SECTIONS[1])
        );
        bullets += 1;
    }
    let scope = FindingScope::of(c);
    let mut related: Vec<&Finding> = report.findings.iter().filter(|f| scope.contains(f)).collect();
    related.sort_by(|a, b| by_severity(a, b));
    for f in related {
        let _ = writeln!(out, "- {}", finding_line(f));
        bullets += 1;
    }
    if bullets == 0 {
        out.push_str("- No findings in these files.\n");
    }
    out.push('\n');
}
