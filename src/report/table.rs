//! The terminal table: endpoints grouped by host, the communications (the
//! app's, then development and CI tooling's), the outbound calls no
//! endpoint accounts for (URLs known only at run time), then findings by
//! severity.

use std::collections::BTreeMap;

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

use super::escape::terminal_safe;
use crate::model::{Communication, OutboundCall, Report};
use crate::pipeline::inventory::{calls_without_endpoint, TOOLING};

/// Rows of the calls table before "… and N more".
const MAX_CALL_ROWS: usize = 50;

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
    if let Some(languages) = s.not_analysed_summary() {
        out.push_str(&format!(
            "Not analysed (languages egress-scan does not read): {languages} files. Their network calls are not in this report.\n\n"
        ));
    }
    if !s.platform_files.is_empty() {
        out.push_str(&format!(
            "Platform configuration: {} files read",
            s.platform_files.read
        ));
        match s.platform_files.gaps() {
            Some(gaps) => out.push_str(&format!(
                "; not read: {}. Their network settings are not in this report.\n\n",
                terminal_safe(&gaps)
            )),
            None => out.push_str(".\n\n"),
        }
    }
    if let Some(files) = s.parse_error_summary(str::to_string) {
        out.push_str(&format!(
            "Parsed with syntax errors: {files}. What the parser recovered is analysed; a call inside a broken region may be missing.\n\n"
        ));
    }
    if !s.ignore_files_refused.is_empty() {
        out.push_str(&format!(
            "Ignore files not read: {}. No ignore file was honoured, so untracked files they list were scanned.\n\n",
            terminal_safe(&s.ignore_files_refused.join(", "))
        ));
    }

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
    let calls = calls_without_endpoint(&report.endpoints, &report.calls);
    if hosts.is_empty() && calls.is_empty() {
        out.push_str("No endpoints found.\n\n");
    } else if hosts.is_empty() {
        out.push_str(&format!(
            "No fixed endpoints found; {} outbound call(s) without a listed endpoint follow.\n\n",
            calls.len()
        ));
    } else {
        let mut table = new_table(vec!["Host", "Service", "Uses", "Files"]);
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

    communications_table(&mut out, &report.communications);
    calls_table(&mut out, calls);

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
        let mut table = new_table(vec!["Severity", "Rule", "Location", "Message"]);
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

/// A table in the report's style: condensed borders, wrapped to 140 columns.
/// One row per communication, the app's first and development and CI
/// tooling's after (the inventory's order), with its part named.
fn communications_table(out: &mut String, communications: &[Communication]) {
    if communications.is_empty() {
        return;
    }
    let mut table = new_table(vec![
        "Communication",
        "Category",
        "Part",
        "Hosts",
        "Files",
        "Data sent",
    ]);
    for c in communications {
        let part = if c.scope == TOOLING { "tooling" } else { "app" };
        let mut data: Vec<String> = c.data_sent.iter().take(3).map(|d| terminal_safe(d)).collect();
        if c.data_sent.len() > 3 {
            data.push(format!("… +{}", c.data_sent.len() - 3));
        }
        table.add_row(vec![
            terminal_safe(&c.title),
            terminal_safe(&c.category),
            part.to_string(),
            c.hosts.len().to_string(),
            c.files.len().to_string(),
            data.join("\n"),
        ]);
    }
    let tooling = communications.iter().filter(|c| c.scope == TOOLING).count();
    out.push_str(&format!("Communications ({}", communications.len()));
    if tooling > 0 {
        out.push_str(&format!("; {tooling} of development and CI tooling, listed last"));
    }
    out.push_str(")\n");
    out.push_str(&table.to_string());
    out.push_str("\n\n");
}

fn new_table(header: Vec<&str>) -> Table {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(140)
        .set_header(header);
    table
}

/// Calls that no endpoint row accounts for, by location: where the code
/// reaches out to a URL only known at run time, or to a destination written
/// elsewhere. At most [`MAX_CALL_ROWS`] rows; the JSON report has them all.
fn calls_table(out: &mut String, mut calls: Vec<&OutboundCall>) {
    if calls.is_empty() {
        return;
    }
    calls.sort();
    let mut table = new_table(vec!["Location", "API", "URL", "Origin"]);
    for c in calls.iter().take(MAX_CALL_ROWS) {
        let api = if c.via.is_empty() {
            c.api.clone()
        } else {
            c.via.join(" → ")
        };
        table.add_row(vec![
            format!("{}:{}", terminal_safe(&c.file), c.line),
            terminal_safe(&api),
            c.url
                .as_deref()
                .map(terminal_safe)
                .unwrap_or_else(|| "(unknown)".into()),
            c.origin.as_str().to_string(),
        ]);
    }
    out.push_str(&format!(
        "Outbound calls without a listed endpoint ({})\n",
        calls.len()
    ));
    out.push_str(&table.to_string());
    out.push('\n');
    if calls.len() > MAX_CALL_ROWS {
        out.push_str(&format!(
            "… and {} more; see -f json (`calls`).\n",
            calls.len() - MAX_CALL_ROWS
        ));
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{call, endpoint, report};
    use crate::model::Origin;

    #[test]
    fn communications_name_their_part_and_count_the_tooling_ones() {
        let communication = |title: &str, scope: &str| -> Communication {
            serde_json::from_value(serde_json::json!({
                "title": title, "category": "vcs", "purpose": "", "files": ["a"], "hosts": ["h"],
                "auth": null, "data_sent": ["tag_name"], "notes": [], "scope": scope,
            }))
            .expect("communication")
        };
        let mut r = report(Vec::new(), Vec::new(), Vec::new());
        r.communications = vec![communication("Stripe", "app"), communication("GitHub", "tooling")];
        let out = render(&r);
        assert!(
            out.contains("Communications (2; 1 of development and CI tooling, listed last)"),
            "{out}"
        );
        let stripe = out.lines().find(|l| l.contains("Stripe")).expect("Stripe row");
        let github = out.lines().find(|l| l.contains("GitHub")).expect("GitHub row");
        assert!(stripe.contains(" app ") && github.contains(" tooling "), "{out}");
        assert!(out.find("Stripe") < out.find("GitHub"), "{out}");
    }

    #[test]
    fn runtime_url_calls_are_listed_not_hidden_behind_no_endpoints() {
        let calls = vec![
            call(
                "ios/Update.swift",
                25,
                Some("{configuration.updateUrl}"),
                None,
                Origin::Config,
            ),
            call(
                "android/Update.kt",
                16,
                Some("{configuration.updateUrl}"),
                None,
                Origin::Config,
            ),
            call("android/Update.kt", 23, None, None, Origin::Unknown),
        ];
        let out = render(&report(Vec::new(), calls, Vec::new()));
        assert!(!out.contains("No endpoints found."), "{out}");
        assert!(
            out.contains("No fixed endpoints found; 3 outbound call(s) without a listed endpoint follow."),
            "{out}"
        );
        assert!(
            out.contains("Outbound calls without a listed endpoint (3)"),
            "{out}"
        );
        assert!(out.contains("(unknown)"), "{out}");
        // Sorted by location.
        let at = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} in {out}"));
        assert!(at("android/Update.kt:16") < at("android/Update.kt:23"));
        assert!(at("android/Update.kt:23") < at("ios/Update.swift:25"));
    }

    #[test]
    fn calls_at_a_listed_endpoint_are_not_repeated() {
        let endpoints = vec![endpoint("https://api.x.io/v1", "api.x.io", "src/a.ts", 3)];
        let calls = vec![call(
            "src/a.ts",
            3,
            Some("https://api.x.io/v1"),
            Some("api.x.io"),
            Origin::Literal,
        )];
        let out = render(&report(endpoints.clone(), calls, Vec::new()));
        assert!(out.contains("Endpoints (1 hosts, 1 URLs)"), "{out}");
        assert!(!out.contains("Outbound calls"), "{out}");

        let calls = vec![
            call(
                "src/a.ts",
                3,
                Some("https://api.x.io/v1"),
                Some("api.x.io"),
                Origin::Literal,
            ),
            call("src/b.ts", 8, Some("{url}"), None, Origin::Parameter),
        ];
        let out = render(&report(endpoints, calls, Vec::new()));
        assert!(
            out.contains("Outbound calls without a listed endpoint (1)"),
            "{out}"
        );
        assert!(out.contains("src/b.ts:8"), "{out}");
        assert!(!out.contains("src/a.ts:3"), "{out}");
    }

    #[test]
    fn long_call_lists_are_capped() {
        let calls: Vec<_> = (1..=MAX_CALL_ROWS + 7)
            .map(|i| call("src/gen.ts", i, Some("{u}"), None, Origin::Parameter))
            .collect();
        let out = render(&report(Vec::new(), calls, Vec::new()));
        assert!(
            out.contains(&format!(
                "Outbound calls without a listed endpoint ({})",
                MAX_CALL_ROWS + 7
            )),
            "{out}"
        );
        assert!(out.contains(&format!("src/gen.ts:{MAX_CALL_ROWS} ")), "{out}");
        assert!(
            !out.contains(&format!("src/gen.ts:{} ", MAX_CALL_ROWS + 1)),
            "{out}"
        );
        assert!(out.contains("… and 7 more; see -f json (`calls`)."), "{out}");
    }
}
