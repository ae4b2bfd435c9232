//! The pull-request comment (`diff -f markdown`): a headline, the egress
//! gate's verdict, one line per changed communication in a `diff` block
//! (green additions, red removals on GitHub), then folded `<details>` with
//! each communication's call sites and the findings, linking to
//! `path#Lline`. Everything taken from the scanned code is escaped: a pull
//! request controls it.

use std::fmt::Write;

use super::{summary, CallSite, Change, CommunicationChange, DiffReport, HostChange};
use crate::model::{Endpoint, Finding, Location, Severity};
use crate::report::escape::{code, rich, terminal_safe as safe, text, url_path};

/// Lists longer than this are folded into `<details>`.
const FOLD_AFTER: usize = 5;
/// Locations shown per endpoint/host before "+N more".
const MAX_LOCATIONS: usize = 3;
/// Call sites listed per communication before "+N more" (a comment has a
/// size limit; the JSON output has them all).
const MAX_SITES: usize = 50;

/// Where links point: `path#Lline` relative to `base` (empty: relative to
/// the comment, e.g. a blob URL of the head commit ending in `/`).
pub struct Links<'a> {
    pub base: &'a str,
}

impl Links<'_> {
    /// `[path:line](base/path#Lline)`, both parts escaped.
    fn to(&self, file: &str, line: usize) -> String {
        // The base is the user's own option, not scanned text; the path is
        // percent-encoded, so no `)` or space can end the link early.
        let base = self.base.replace([')', ' ', '\n', '\r'], "");
        format!("[{}:{line}]({base}{}#L{line})", text(file), url_path(file))
    }
}

/// GitHub refuses a comment longer than 65,536 characters; past this
/// size the folded details are left out (the JSON output has them).
pub const MAX_COMMENT: usize = 60_000;

/// The comment for `report`, links relative to `link_base` (may be empty);
/// at most [`MAX_COMMENT`] bytes unless the summary alone is longer.
pub fn markdown(report: &DiffReport, link_base: &str) -> String {
    let full = render(report, link_base, true);
    if full.len() <= MAX_COMMENT {
        return full;
    }
    let mut short = render(report, link_base, false);
    short.push_str("\n_The details are too long for a comment: see `egress-scan diff -f json`._\n");
    short
}

/// The comment, with or without the details after the summary.
fn render(report: &DiffReport, link_base: &str, details: bool) -> String {
    let links = Links { base: link_base };
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(out, "### egress-scan: {}\n", headline(report));
    let _ = writeln!(
        out,
        "Comparing {} → {}.\n",
        code(&report.base),
        code(&report.head)
    );
    gate(&mut out, report);
    if !report.communications.is_empty() {
        out.push_str("```diff\n");
        for c in &report.communications {
            // Inside a fenced block nothing renders; a line always starts
            // with its mark, so no scanned text can close the fence.
            let _ = writeln!(out, "{}", safe(&summary::line(c)).replace('\t', " "));
        }
        out.push_str("```\n");
    }
    let _ = writeln!(
        out,
        "\nFindings: {} new, {} resolved, {} unchanged. Endpoints: {} added, {} removed. Hosts: {} added, {} removed.",
        s.new_findings,
        s.resolved_findings,
        s.unchanged_findings,
        s.added_endpoints,
        s.removed_endpoints,
        s.added_hosts,
        s.removed_hosts
    );
    if !details {
        return out;
    }
    for c in &report.communications {
        communication_details(&mut out, c, &links);
    }
    if !report.renamed_files.is_empty() {
        let rows: String = report
            .renamed_files
            .iter()
            .map(|r| format!("- {} → {} ({} %)\n", code(&r.from), code(&r.to), r.similarity))
            .collect();
        folded(&mut out, "Renamed files", report.renamed_files.len(), &rows);
    }
    if !report.new_findings.is_empty() {
        let rows = finding_rows(&report.new_findings, &links);
        section(&mut out, "New findings", report.new_findings.len(), &rows);
    }
    if !report.new_suppressions.is_empty() {
        let rows = finding_rows(&report.new_suppressions, &links);
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
    host_sections(&mut out, "Added hosts", &report.added_hosts, &links);
    host_sections(&mut out, "Removed hosts", &report.removed_hosts, &links);
    endpoint_section(&mut out, "Added endpoints", &report.added_endpoints, &links);
    endpoint_section(&mut out, "Removed endpoints", &report.removed_endpoints, &links);
    destination_section(
        &mut out,
        "Added configurable destinations",
        &report.added_configurable_destinations,
        &links,
    );
    destination_section(
        &mut out,
        "Removed configurable destinations",
        &report.removed_configurable_destinations,
        &links,
    );
    if !report.resolved_findings.is_empty() {
        let rows = finding_rows(&report.resolved_findings, &links);
        // Good news is always folded: it needs no action.
        folded(
            &mut out,
            "Resolved findings",
            report.resolved_findings.len(),
            &rows,
        );
    }
    out
}

/// The egress gate's verdict, when a gate is on.
fn gate(out: &mut String, report: &DiffReport) {
    let Some(verdict) = &report.gate else {
        return;
    };
    if verdict.failing() == 0 {
        let _ = writeln!(
            out,
            "Egress gate: passed (no new host or communication outside the allow-lists).\n"
        );
        return;
    }
    let mut parts: Vec<String> = verdict
        .new_hosts
        .iter()
        .map(|h| format!("new host {}", code(h)))
        .collect();
    parts.extend(
        verdict
            .new_communications
            .iter()
            .map(|c| format!("new communication {}", code(c))),
    );
    let _ = writeln!(
        out,
        "**Egress gate: review required** — {} (not in `allowed_hosts` / `allowed_services` of the base configuration).\n",
        parts.join(", ")
    );
}

fn headline(report: &DiffReport) -> String {
    let s = &report.summary;
    let surface = s.added_communications + s.changed_communications + s.removed_communications;
    if s.new_findings == 0 && s.added_hosts == 0 && s.added_endpoints == 0 && surface == 0 {
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
        .filter(|f| !f.suppressed && f.severity >= Severity::High)
        .count();
    let mut parts = vec![format!("{} new finding(s)", s.new_findings)];
    if high > 0 {
        parts[0].push_str(&format!(" ({high} high or critical)"));
    }
    parts.push(format!("{} new host(s)", s.added_hosts));
    if surface > 0 {
        parts.push(format!(
            "{} communication(s) added, {} changed, {} removed",
            s.added_communications, s.changed_communications, s.removed_communications
        ));
    }
    parts.push(format!("{} resolved", s.resolved_findings));
    parts.join(", ")
}

/// A communication's call sites (added, removed, changed) and its other
/// changes, folded.
fn communication_details(out: &mut String, c: &CommunicationChange, links: &Links) {
    let mut rows = String::new();
    let sites = c.call_sites_added.len() + c.call_sites_removed.len() + c.call_sites_changed.len();
    if sites > 0 {
        rows.push_str(
            "| | Location | Function | API | URL | Origin | Data sent |\n|---|---|---|---|---|---|---|\n",
        );
        let listed = c
            .call_sites_added
            .iter()
            .map(|s| ('+', s, None))
            .chain(c.call_sites_removed.iter().map(|s| ('-', s, None)))
            .chain(c.call_sites_changed.iter().map(|x| ('!', &x.head, Some(&x.base))));
        for (mark, site, before) in listed.take(MAX_SITES) {
            site_row(&mut rows, mark, site, before, links);
        }
        if sites > MAX_SITES {
            let _ = writeln!(rows, "\n+{} more call sites (see `-f json`)", sites - MAX_SITES);
        }
    }
    let mut lists = String::new();
    for (what, list) in [
        ("Files added", &c.files_added),
        ("Files removed", &c.files_removed),
        ("Hosts added", &c.hosts_added),
        ("Hosts removed", &c.hosts_removed),
        ("Libraries added", &c.libraries_added),
        ("Libraries removed", &c.libraries_removed),
        ("Data sent added", &c.data_sent_added),
        ("Data sent removed", &c.data_sent_removed),
    ] {
        if !list.is_empty() {
            let items: Vec<String> = list.iter().map(|x| code(x)).collect();
            let _ = writeln!(lists, "- {what}: {}", items.join(", "));
        }
    }
    if let Some(a) = &c.auth {
        let show = |x: &Option<String>| x.as_deref().map_or_else(|| "none".to_string(), text);
        let _ = writeln!(lists, "- Auth: {} → {}", show(&a.before), show(&a.after));
    }
    if !lists.is_empty() {
        if !rows.is_empty() {
            rows.push('\n');
        }
        rows.push_str(&lists);
    }
    let verb = match c.change {
        Change::Added => "added",
        Change::Removed => "removed",
        Change::Changed => "changed",
    };
    let title = format!(
        "{} {} ({}): {}",
        summary::mark(c.change),
        text(&c.title),
        verb,
        summary::count(sites, "call site")
    );
    let _ = write!(
        out,
        "\n<details><summary>{title}</summary>\n\n{rows}\n</details>\n"
    );
}

fn site_row(rows: &mut String, mark: char, site: &CallSite, before: Option<&CallSite>, links: &Links) {
    // Through wrappers: the chain from the outermost to the network API.
    let mut api = if site.via.is_empty() {
        text(&site.api)
    } else {
        text(&site.via.join(" → "))
    };
    if let Some(lib) = &site.library {
        api.push_str(&format!(" ({})", text(lib)));
    }
    let mut sent = site
        .data_sent
        .iter()
        .map(|d| text(d))
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(old) = before {
        if old.data_sent != site.data_sent {
            let was = old
                .data_sent
                .iter()
                .map(|d| text(d))
                .collect::<Vec<_>>()
                .join(", ");
            sent = format!("{sent} (was: {was})");
        }
    }
    let _ = writeln!(
        rows,
        "| {mark} | {} | {} | {} | {} | {} | {} |",
        links.to(&site.file, site.line),
        site.function.as_deref().map(text).unwrap_or_default(),
        api,
        site.url.as_deref().map(text).unwrap_or_default(),
        text(&site.origin),
        sent
    );
}

fn section(out: &mut String, title: &str, count: usize, rows: &str) {
    if count > FOLD_AFTER {
        folded(out, title, count, rows);
    } else {
        let _ = write!(out, "\n**{title}**\n\n{rows}");
    }
}

fn folded(out: &mut String, title: &str, count: usize, rows: &str) {
    let _ = write!(
        out,
        "\n<details><summary>{title} ({count})</summary>\n\n{rows}\n</details>\n"
    );
}

fn finding_rows(list: &[Finding], links: &Links) -> String {
    let mut rows = String::from("| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
    for f in list {
        let suppressed = if f.suppressed { " (suppressed)" } else { "" };
        let _ = writeln!(
            rows,
            "| {}{suppressed} | {} | {} | {} |",
            f.severity.as_str(),
            text(&f.rule_id),
            links.to(&f.file, f.line),
            rich(&f.message)
        );
    }
    rows
}

fn endpoint_section(out: &mut String, title: &str, list: &[Endpoint], links: &Links) {
    if list.is_empty() {
        return;
    }
    let mut rows = String::from("| URL | Origin | Location |\n|---|---|---|\n");
    for e in list {
        let _ = writeln!(
            rows,
            "| {} | {} | {} |",
            text(&e.url),
            e.origin.as_str(),
            locations(&e.locations, links)
        );
    }
    section(out, title, list.len(), &rows);
}

fn host_sections(out: &mut String, title: &str, list: &[HostChange], links: &Links) {
    if list.is_empty() {
        return;
    }
    let mut rows = String::from("| Host | Service | Location |\n|---|---|---|\n");
    for h in list {
        let _ = writeln!(
            rows,
            "| {} | {} | {} |",
            text(&h.host),
            text(h.service.as_deref().unwrap_or("")),
            locations(&h.locations, links)
        );
    }
    section(out, title, list.len(), &rows);
}

fn destination_section(out: &mut String, title: &str, list: &[super::Destination], links: &Links) {
    if list.is_empty() {
        return;
    }
    let mut rows = String::from("| URL template | Location |\n|---|---|\n");
    for d in list {
        let _ = writeln!(rows, "| {} | {} |", text(&d.url), locations(&d.locations, links));
    }
    section(out, title, list.len(), &rows);
}

fn locations(list: &[Location], links: &Links) -> String {
    let mut parts: Vec<String> = list
        .iter()
        .take(MAX_LOCATIONS)
        .map(|l| links.to(&l.file, l.line))
        .collect();
    if list.len() > MAX_LOCATIONS {
        parts.push(format!("+{} more", list.len() - MAX_LOCATIONS));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Endpoint, Origin};

    #[test]
    fn a_comment_too_long_for_github_keeps_its_summary_only() {
        let mut report: DiffReport = serde_json::from_value(serde_json::json!({
            "schema_version": 1, "base": "a", "head": "b", "summary": {
                "new_findings": 0, "resolved_findings": 0, "unchanged_findings": 0,
                "added_endpoints": 3000, "removed_endpoints": 0, "added_hosts": 0, "removed_hosts": 0},
            "new_findings": [], "resolved_findings": [], "added_endpoints": [], "removed_endpoints": [],
            "added_hosts": [], "removed_hosts": []
        }))
        .expect("diff report");
        report.added_endpoints = (0..3000)
            .map(|i| Endpoint {
                url: format!("https://h{i}.example/some/long/path/for/the/test"),
                host: format!("h{i}.example"),
                scheme: "https".into(),
                origin: Origin::Literal,
                service: None,
                locations: Vec::new(),
            })
            .collect();
        let md = markdown(&report, "");
        assert!(md.len() <= MAX_COMMENT, "{}", md.len());
        assert!(md.starts_with("### egress-scan:"), "{md}");
        assert!(md.contains("see `egress-scan diff -f json`"), "{md}");
        assert!(!md.contains("h2999.example"), "{md}");
    }
}
