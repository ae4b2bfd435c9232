//! The terminal table: endpoints grouped by host, then findings by severity.

use std::collections::BTreeMap;

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

use super::text::terminal_safe;
use super::Report;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let s = &report.stats;
    out.push_str(&format!(
        "egress-scan {} — {} files seen, {} parsed ({} without triggers; skipped: {} binary, {} too large, {} minified, {} unreadable, {} symlinks or special files, {} parse abandoned; {} with parse errors)\n\n",
        terminal_safe(&report.root),
        s.files_seen,
        s.files_parsed,
        s.files_without_triggers,
        s.files_skipped.binary,
        s.files_skipped.too_large,
        s.files_skipped.minified,
        s.files_skipped.unreadable,
        s.files_skipped.symlink_or_special,
        s.files_skipped.parse_abandoned,
        s.files_skipped.parse_error,
    ));

    // Hosts.
    let mut hosts: BTreeMap<&str, (usize, Vec<&str>, Option<&str>)> = BTreeMap::new();
    for e in &report.endpoints {
        let entry = hosts
            .entry(e.host.as_str())
            .or_insert((0, Vec::new(), e.service.as_deref()));
        entry.0 += e.locations.len();
        for l in &e.locations {
            if !entry.1.contains(&l.file.as_str()) {
                entry.1.push(&l.file);
            }
        }
    }
    if hosts.is_empty() {
        out.push_str("No endpoints found.\n\n");
    } else {
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(140)
            .set_header(vec!["Host", "Service", "Uses", "Files"]);
        for (host, (count, files, service)) in &hosts {
            let mut shown: Vec<String> = files.iter().take(3).map(|f| terminal_safe(f)).collect();
            if files.len() > 3 {
                shown.push(format!("… +{}", files.len() - 3));
            }
            table.add_row(vec![
                terminal_safe(host),
                service.map(terminal_safe).unwrap_or_else(|| "-".into()),
                count.to_string(),
                shown.join("\n"),
            ]);
        }
        out.push_str(&format!(
            "Endpoints ({} hosts, {} URLs)\n",
            hosts.len(),
            report.endpoints.len()
        ));
        out.push_str(&table.to_string());
        out.push_str("\n\n");
    }

    // Findings, most severe first.
    let active: Vec<_> = report.findings.iter().filter(|f| !f.suppressed).collect();
    if active.is_empty() {
        out.push_str("No findings.\n");
    } else {
        let mut sorted = active.clone();
        sorted.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| (&a.file, a.line).cmp(&(&b.file, b.line)))
        });
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(140)
            .set_header(vec!["Severity", "Rule", "Location", "Message"]);
        for f in sorted {
            table.add_row(vec![
                f.severity.as_str().to_string(),
                terminal_safe(&f.rule_id),
                format!("{}:{}", terminal_safe(&f.file), f.line),
                terminal_safe(&f.message),
            ]);
        }
        out.push_str(&format!("Findings ({})\n", active.len()));
        out.push_str(&table.to_string());
        out.push('\n');
    }
    let suppressed = report.findings.len() - active.len();
    if suppressed > 0 {
        out.push_str(&format!("{suppressed} suppressed finding(s) not shown.\n"));
    }
    out
}
