//! The markdown inventory document (SPEC §7): title, scope and contents
//! ([`header`]), one section per communication ([`communication`]), then
//! the issue summary ([`summary`]), the SSRF/redirect table ([`ssrf`]),
//! local/LAN exposure ([`local`]) and a mermaid map of modules → hosts
//! ([`map`]).
//!
//! Everything taken from scanned code (paths, URLs, messages, snippets) is
//! escaped ([`crate::report::escape`]) so a crafted string cannot inject
//! links or HTML or break a table. Output is sorted and has no timestamps.

mod cells;
mod communication;
mod header;
mod local;
mod map;
mod platform;
mod ssrf;
mod summary;

use crate::model::{OutboundCall, Report};
use crate::pipeline::inventory::{calls_without_endpoint, is_runtime_url, TOOLING};

/// The sections after the communications, in order; the contents link
/// to them and sections link to each other by these headings.
const TRAILER_SECTIONS: [&str; 4] = [
    "Summary of major security and privacy issues",
    "SSRF and redirect handling",
    "Local and LAN exposure",
    "Communication map",
];

pub fn render(report: &Report, title: Option<&str>) -> String {
    let mut out = String::new();
    // Calls no endpoint accounts for, and among them the requests to
    // runtime-determined URLs.
    let unlisted = calls_without_endpoint(&report.endpoints, &report.calls);
    let runtime: Vec<&OutboundCall> = unlisted.iter().copied().filter(|c| is_runtime_url(c)).collect();
    header::title_and_scope(&mut out, report, title, runtime.len());
    header::coverage_notes(&mut out, &report.stats);
    let headings = header::contents(&mut out, report);
    let mut tooling_part = false;
    for (c, heading) in report.communications.iter().zip(&headings) {
        if c.scope == TOOLING && !tooling_part {
            tooling_part = true;
            out.push_str(
                "**Development and CI tooling.** The sections below are communications made only by \
                 scripts, CI, build files and bundler configuration, not by the shipped software.\n\n",
            );
        }
        communication::section(&mut out, report, c, heading, &runtime);
    }
    summary::section(&mut out, report);
    ssrf::section(&mut out, report);
    local::section(&mut out, report);
    platform::section(&mut out, report);
    map::section(&mut out, report, &unlisted);
    out
}

#[cfg(test)]
mod tests {
    use super::cells::slug;
    use super::*;
    use crate::catalog::Catalog;
    use crate::model::testing::{call, endpoint, finding, report};
    use crate::model::InventoryFacts;
    use crate::model::{Origin, Severity};
    use crate::pipeline::inventory::communications_from;

    #[test]
    fn heading_anchors() {
        assert_eq!(slug("1. Feishu / Lark"), "1-feishu--lark");
    }

    /// A report with its communications built as a scan builds them.
    fn inventoried(mut r: Report) -> Report {
        r.communications = communications_from(
            &r.endpoints,
            &r.findings,
            &r.calls,
            &InventoryFacts::default(),
            &Catalog::builtin(),
        );
        r
    }

    #[test]
    fn runtime_url_requests_are_counted_listed_and_drawn() {
        let calls = vec![
            call(
                "android/Update.kt",
                16,
                Some("{configuration.updateUrl}"),
                None,
                Origin::Config,
            ),
            call(
                "android/Update.kt",
                23,
                Some("{packageUrl}"),
                None,
                Origin::Parameter,
            ),
            call(
                "ios/Update.swift",
                25,
                Some("{configuration.updateUrl}"),
                None,
                Origin::Config,
            ),
        ];
        let md = render(&inventoried(report(Vec::new(), calls, Vec::new())), None);
        assert!(
            md.contains(
                "3 outbound calls (3 to runtime-determined URLs); 0 endpoints on 0 hosts in 1 communication;"
            ),
            "{md}"
        );
        assert!(md.contains("## 1. Requests to runtime-determined URLs"), "{md}");
        assert!(
            md.contains("| Endpoints | `{configuration.updateUrl}` (config), `{packageUrl}` (parameter) |"),
            "{md}"
        );
        assert!(
            md.contains("| Main code | [android/Update.kt](android/Update.kt#L16), [ios/Update.swift](ios/Update.swift#L25) |"),
            "{md}"
        );
        assert!(md.contains("| URL origin | config, parameter |"), "{md}");
        assert!(
            md.contains("- The destination of these 3 requests is decided at run time"),
            "{md}"
        );
        assert!(!md.contains("No outbound communications to draw"), "{md}");
        assert!(md.contains("(\"(runtime-determined URL)\")"), "{md}");
        assert!(md.contains("m0 --> h2\n  m1 --> h2\n"), "{md}");
    }

    #[test]
    fn map_of_discovery_only_points_to_the_lan_section() {
        let mut discovery = call("src/lan.ts", 7, Some("dns-sd:_hub._tcp"), None, Origin::Literal);
        discovery.kind = crate::model::SinkKind::Discovery;
        let md = render(
            &inventoried(report(Vec::new(), vec![discovery], Vec::new())),
            None,
        );
        assert!(md.contains("1 outbound call; 0 endpoints"), "{md}");
        assert!(
            md.contains("No host to draw: the 1 outbound call(s) are service discovery on the local network"),
            "{md}"
        );
        let md = render(&inventoried(report(Vec::new(), Vec::new(), Vec::new())), None);
        assert!(md.contains("No outbound communications to draw."), "{md}");
    }

    fn summary(r: &Report) -> String {
        let md = render(&inventoried(r.clone()), None);
        let start = md.find("## Summary of major").expect("summary");
        let end = md.find("## SSRF and redirect").expect("SSRF section");
        md[start..end].to_string()
    }

    #[test]
    fn summary_keeps_medium_and_above_and_groups_repeats() {
        let tls = "TLS certificate verification is disabled";
        let copies = ["lib/commonjs/net/x.js", "lib/module/net/x.js", "src/net/x.ts"];
        let endpoints: Vec<_> = copies
            .iter()
            .map(|f| endpoint("https://api.x.io/v1", "api.x.io", f, 3))
            .collect();
        let mut findings: Vec<_> = copies
            .iter()
            .map(|f| finding("egress/insecure-transport", Severity::Medium, tls, f, 9))
            .collect();
        findings.push(finding(
            "egress/token-in-url",
            Severity::High,
            "Credential in URL",
            "src/net/x.ts",
            4,
        ));
        for f in copies {
            findings.push(finding(
                "egress/hardcoded-endpoint",
                Severity::Low,
                "Hard-coded endpoint https://api.x.io/v1",
                f,
                3,
            ));
        }
        let s = summary(&report(endpoints, Vec::new(), findings));
        let lines: Vec<&str> = s.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            vec![
                "## Summary of major security and privacy issues",
                "1. **HIGH** — Credential in URL — [src/net/x.ts:4](src/net/x.ts#L4) (`egress/token-in-url`)",
                "2. **MEDIUM** — TLS certificate verification is disabled — in 3 files: \
                 [lib/commonjs/net/x.js:9](lib/commonjs/net/x.js#L9), [lib/module/net/x.js:9](lib/module/net/x.js#L9), \
                 [src/net/x.ts:9](src/net/x.ts#L9) (`egress/insecure-transport`)",
                "3 low-severity findings are listed with their communications.",
            ]
        );
    }

    #[test]
    fn summary_of_low_findings_only_is_one_line() {
        let endpoints = vec![endpoint("https://api.x.io/v1", "api.x.io", "src/a.ts", 3)];
        let findings = vec![
            finding(
                "egress/hardcoded-endpoint",
                Severity::Low,
                "Hard-coded endpoint",
                "src/a.ts",
                3,
            ),
            finding(
                "egress/hardcoded-endpoint",
                Severity::Low,
                "Hard-coded endpoint",
                "src/a.ts",
                8,
            ),
        ];
        let s = summary(&report(endpoints.clone(), Vec::new(), findings.clone()));
        assert_eq!(
            s.trim_end(),
            "## Summary of major security and privacy issues\n\n\
             No major issues (medium severity or above). 2 low-severity findings are listed with their communications."
        );
        // A low finding that no communication lists stays in the summary.
        let mut stray = finding(
            "egress/subprocess-network",
            Severity::Low,
            "Subprocess `ssh`",
            "src/b.ts",
            2,
        );
        stray.host = Some("vault.x.io".into());
        let s = summary(&report(endpoints, Vec::new(), vec![findings[0].clone(), stray]));
        assert!(
            s.contains(
                "1. **LOW** — Subprocess `ssh` — [src/b.ts:2](src/b.ts#L2) (`egress/subprocess-network`)"
            ),
            "{s}"
        );
        assert!(
            s.contains("\n1 low-severity finding is listed with its communication.\n"),
            "{s}"
        );
        let s = summary(&report(Vec::new(), Vec::new(), Vec::new()));
        assert_eq!(
            s.trim_end(),
            "## Summary of major security and privacy issues\n\nNo findings."
        );
    }
}
