//! The organisation inventory: what `merge` produces from the reports of
//! several repositories.
//!
//! JSON shape (additive to schema version 1; `kind` tells it from a report):
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "kind": "organisation",
//!   "tool": {"name": "egress-scan", "version": "x.y.z"},
//!   "repositories": [{"name": "chatbot", "root": "…", "tool_version": "x.y.z",
//!                     "stats": {…}, "endpoints": 3,
//!                     "hosts": [{"host": "api.x.com", "service": "X"}],
//!                     "services": [{"name": "X", "category": "llm"}],
//!                     "findings": {"critical": 0, "high": 1, "medium": 0, "low": 2, "suppressed": 0},
//!                     "major_issues": [{"rule_id": "…", "severity": "high", "message": "…",
//!                                       "file": "…", "line": 3, "host": "…"}]}],
//!   "hosts": [{"host": "api.x.com", "service": "X", "repositories": ["chatbot"]}],
//!   "services": [{"name": "X", "category": "llm", "repositories": ["chatbot"]}]
//! }
//! ```
//!
//! `major_issues` holds each repository's unsuppressed findings of medium
//! severity or above, most severe first, at most [`MAX_ISSUES`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::escape::{code, rich, text};
use crate::model::Severity;
use crate::model::{Report, Stats, Tool, SCHEMA_VERSION};

/// Major issues kept per repository.
pub const MAX_ISSUES: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgInventory {
    pub schema_version: u32,
    pub kind: String,
    pub tool: Tool,
    pub repositories: Vec<RepoSummary>,
    pub hosts: Vec<HostUse>,
    pub services: Vec<ServiceUse>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepoSummary {
    pub name: String,
    pub root: String,
    pub tool_version: String,
    pub stats: Stats,
    pub endpoints: usize,
    pub hosts: Vec<RepoHost>,
    pub services: Vec<RepoService>,
    pub findings: FindingCounts,
    pub major_issues: Vec<Issue>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RepoHost {
    pub host: String,
    pub service: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RepoService {
    pub name: String,
    pub category: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub suppressed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    pub rule_id: String,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub line: usize,
    pub host: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostUse {
    pub host: String,
    pub service: Option<String>,
    pub repositories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceUse {
    pub name: String,
    pub category: String,
    pub repositories: Vec<String>,
}

impl RepoSummary {
    /// The summary of one repository's (merged) report.
    pub fn of(name: &str, report: &Report) -> RepoSummary {
        let hosts: BTreeSet<RepoHost> = report
            .endpoints
            .iter()
            .map(|e| RepoHost {
                host: e.host.clone(),
                service: e.service.clone(),
            })
            .collect();
        // Catalog services and local services; "Other hosts called from …"
        // groups are hosts, not services.
        let services: BTreeSet<RepoService> = report
            .communications
            .iter()
            .filter(|c| c.category != "unknown")
            .map(|c| RepoService {
                name: c.title.clone(),
                category: c.category.clone(),
            })
            .collect();
        let mut counts = FindingCounts::default();
        for f in &report.findings {
            if f.suppressed {
                counts.suppressed += 1;
                continue;
            }
            match f.severity {
                Severity::Critical => counts.critical += 1,
                Severity::High => counts.high += 1,
                Severity::Medium => counts.medium += 1,
                Severity::Low => counts.low += 1,
                Severity::Info => {}
            }
        }
        let mut issues: Vec<&crate::model::Finding> = report
            .findings
            .iter()
            .filter(|f| !f.suppressed && f.severity >= Severity::Medium)
            .collect();
        // Stable: the report's file/line order within a severity.
        issues.sort_by_key(|f| std::cmp::Reverse(f.severity));
        RepoSummary {
            name: name.to_string(),
            root: report.root.clone(),
            tool_version: report.tool.version.clone(),
            stats: report.stats.clone(),
            endpoints: report.endpoints.len(),
            hosts: hosts.into_iter().collect(),
            services: services.into_iter().collect(),
            findings: counts,
            major_issues: issues
                .into_iter()
                .take(MAX_ISSUES)
                .map(|f| Issue {
                    rule_id: f.rule_id.clone(),
                    severity: f.severity,
                    message: f.message.clone(),
                    file: f.file.clone(),
                    line: f.line,
                    host: f.host.clone(),
                })
                .collect(),
        }
    }
}

impl OrgInventory {
    /// Builds the cross-repository tables; `repositories` in any order.
    pub fn new(mut repositories: Vec<RepoSummary>) -> OrgInventory {
        repositories.sort_by(|a, b| a.name.cmp(&b.name));
        let mut hosts: BTreeMap<&str, (Option<String>, BTreeSet<&str>)> = BTreeMap::new();
        let mut services: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
        for r in &repositories {
            for h in &r.hosts {
                let entry = hosts
                    .entry(&h.host)
                    .or_insert((h.service.clone(), BTreeSet::new()));
                entry.1.insert(&r.name);
            }
            for s in &r.services {
                services
                    .entry((&s.name, &s.category))
                    .or_default()
                    .insert(&r.name);
            }
        }
        let hosts = hosts
            .into_iter()
            .map(|(host, (service, repos))| HostUse {
                host: host.to_string(),
                service,
                repositories: repos.into_iter().map(String::from).collect(),
            })
            .collect();
        let services = services
            .into_iter()
            .map(|((name, category), repos)| ServiceUse {
                name: name.to_string(),
                category: category.to_string(),
                repositories: repos.into_iter().map(String::from).collect(),
            })
            .collect();
        OrgInventory {
            schema_version: SCHEMA_VERSION,
            kind: "organisation".into(),
            tool: Tool {
                name: "egress-scan".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            repositories,
            hosts,
            services,
        }
    }
}

/// Repositories shown as columns of the hosts table; beyond this the table
/// lists repository names in one column instead.
const MAX_COLUMNS: usize = 12;

pub fn render_json(org: &OrgInventory) -> String {
    super::escape::json_document(org)
}

pub fn render_markdown(org: &OrgInventory, title: Option<&str>) -> String {
    let mut out = String::new();
    let title = title.map_or_else(|| "Organisation egress inventory".to_string(), text);
    let _ = writeln!(out, "# {title}\n");
    let _ = writeln!(
        out,
        "Scope: {} repositories; {} hosts; {} services. Generated by egress-scan {}.\n",
        org.repositories.len(),
        org.hosts.len(),
        org.services.len(),
        text(&org.tool.version)
    );

    out.push_str("## Repositories\n\n");
    out.push_str("| Repository | Root | Files seen | Endpoints | Hosts | Critical | High | Medium | Low | Suppressed |\n");
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in &org.repositories {
        let f = &r.findings;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            text(&r.name),
            code(&r.root),
            r.stats.files_seen,
            r.endpoints,
            r.hosts.len(),
            f.critical,
            f.high,
            f.medium,
            f.low,
            f.suppressed
        );
    }

    out.push_str("\n## Hosts × repositories\n\n");
    if org.hosts.is_empty() {
        out.push_str("No endpoints found.\n");
    } else if org.repositories.len() <= MAX_COLUMNS {
        out.push_str("| Host | Service |");
        for r in &org.repositories {
            let _ = write!(out, " {} |", text(&r.name));
        }
        out.push_str("\n|---|---|");
        out.push_str(&":---:|".repeat(org.repositories.len()));
        out.push('\n');
        for h in &org.hosts {
            let _ = write!(out, "| {} | {} |", code(&h.host), service_cell(&h.service));
            for r in &org.repositories {
                let used = h.repositories.binary_search(&r.name).is_ok();
                out.push_str(if used { " ✓ |" } else { "  |" });
            }
            out.push('\n');
        }
    } else {
        out.push_str("| Host | Service | Repositories |\n|---|---|---|\n");
        for h in &org.hosts {
            let names: Vec<String> = h.repositories.iter().map(|n| text(n)).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                code(&h.host),
                service_cell(&h.service),
                names.join(", ")
            );
        }
    }

    out.push_str("\n## Services\n\n");
    if org.services.is_empty() {
        out.push_str("No catalogued services.\n");
    } else {
        out.push_str("| Service | Category | Repositories |\n|---|---|---|\n");
        for s in &org.services {
            let names: Vec<String> = s.repositories.iter().map(|n| text(n)).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                text(&s.name),
                text(&s.category),
                names.join(", ")
            );
        }
    }

    out.push_str("\n## Major issues per repository\n");
    for r in &org.repositories {
        let _ = writeln!(out, "\n### {}\n", text(&r.name));
        if r.major_issues.is_empty() {
            out.push_str("No unsuppressed findings of medium severity or above.\n");
            continue;
        }
        for (i, issue) in r.major_issues.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. **{}** {} — {} ({})",
                i + 1,
                issue.severity.as_str(),
                code(&issue.rule_id),
                rich(&issue.message),
                code(&format!("{}:{}", issue.file, issue.line))
            );
        }
        let total = r.findings.critical + r.findings.high + r.findings.medium;
        if total > r.major_issues.len() {
            let _ = writeln!(out, "\n… and {} more.", total - r.major_issues.len());
        }
    }
    out
}

fn service_cell(service: &Option<String>) -> String {
    service.as_deref().map_or_else(|| "—".into(), text)
}

pub fn render_table(org: &OrgInventory) -> String {
    use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
    let safe = super::escape::terminal_safe;
    let mut out = format!(
        "egress-scan organisation inventory — {} repositories, {} hosts, {} services\n\n",
        org.repositories.len(),
        org.hosts.len(),
        org.services.len()
    );
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec![
            "repository",
            "endpoints",
            "hosts",
            "critical",
            "high",
            "medium",
            "low",
        ]);
    for r in &org.repositories {
        let f = &r.findings;
        t.add_row(vec![
            safe(&r.name),
            r.endpoints.to_string(),
            r.hosts.len().to_string(),
            f.critical.to_string(),
            f.high.to_string(),
            f.medium.to_string(),
            f.low.to_string(),
        ]);
    }
    let _ = writeln!(out, "{t}\n");
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec!["host", "service", "repositories"]);
    for h in &org.hosts {
        t.add_row(vec![
            safe(&h.host),
            safe(h.service.as_deref().unwrap_or("—")),
            safe(&h.repositories.join(", ")),
        ]);
    }
    let _ = writeln!(out, "{t}");
    out
}
