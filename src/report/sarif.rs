//! SARIF 2.1.0 (SPEC §8), as accepted by GitHub code scanning: one run,
//! every loaded rule in `tool.driver.rules`, one result per finding.
//! Suppressed findings are kept with an `inSource` suppression.

use serde::Serialize;

use crate::catalog::rules::{Rule, RuleSet};
use crate::model::Severity;
use crate::model::{Finding, Report};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const FINGERPRINT_KEY: &str = "egressScan/v1";

#[derive(Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    pub results: Vec<SarifResult>,
    pub column_kind: &'static str,
}

#[derive(Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: String,
    pub version: String,
    pub semantic_version: String,
    pub rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    pub id: String,
    pub name: String,
    pub short_description: Message,
    pub full_description: Message,
    pub help: MultiformatMessage,
    pub default_configuration: Configuration,
    pub properties: RuleProperties,
}

#[derive(Serialize)]
pub struct Message {
    pub text: String,
}

#[derive(Serialize)]
pub struct MultiformatMessage {
    pub text: String,
    pub markdown: String,
}

#[derive(Serialize)]
pub struct Configuration {
    pub level: &'static str,
}

#[derive(Serialize)]
pub struct RuleProperties {
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    pub security_severity: Option<String>,
    pub tags: Vec<String>,
    pub precision: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    pub level: &'static str,
    pub message: Message,
    pub locations: Vec<Location>,
    pub partial_fingerprints: std::collections::BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    pub uri: String,
    pub uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<Message>,
}

#[derive(Serialize)]
pub struct Suppression {
    pub kind: &'static str,
    pub justification: String,
}

/// GitHub's numeric scale: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9,
/// low 0.1–3.9.
pub fn security_severity(s: Severity) -> Option<&'static str> {
    match s {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
    }
}

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

pub fn build(report: &Report, rules: &RuleSet) -> Log {
    // The platform rules are always built in (see `pipeline::platform::rules`).
    let platform = crate::pipeline::platform::rules::builtin()
        .iter()
        .filter(|p| rules.get(&p.id).is_none());
    let mut sorted: Vec<&Rule> = rules.rules.iter().chain(platform).collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let descriptors: Vec<ReportingDescriptor> = sorted.iter().map(|r| descriptor(r)).collect();
    let results = report
        .findings
        .iter()
        .map(|f| result(f, sorted.iter().position(|r| r.id == f.rule_id)))
        .collect();
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: report.tool.name.clone(),
                    version: report.tool.version.clone(),
                    semantic_version: report.tool.version.clone(),
                    rules: descriptors,
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    }
}

pub fn render(report: &Report, rules: &RuleSet) -> String {
    super::escape::json_document(&build(report, rules))
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let mut tags = vec!["security".to_string()];
    for t in &rule.tags {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    let help = rule.help.trim_end().to_string();
    ReportingDescriptor {
        id: rule.id.clone(),
        name: rule_name(&rule.id),
        short_description: Message {
            text: rule.title.clone(),
        },
        full_description: Message {
            text: first_paragraph(&help).unwrap_or_else(|| rule.title.clone()),
        },
        help: MultiformatMessage {
            text: help.clone(),
            markdown: help,
        },
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            security_severity: security_severity(rule.severity).map(str::to_string),
            tags,
            precision: "medium",
        },
    }
}

/// `egress/token-in-url` → `TokenInUrl`.
fn rule_name(id: &str) -> String {
    id.rsplit('/')
        .next()
        .unwrap_or(id)
        .split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn first_paragraph(help: &str) -> Option<String> {
    let p = help.split("\n\n").next()?.trim();
    (!p.is_empty()).then(|| p.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn result(f: &Finding, rule_index: Option<usize>) -> SarifResult {
    let start_line = f.line.max(1);
    let start_column = f.column.max(1);
    let (end_line, end_column) = if (f.end_line, f.end_column) > (start_line, start_column) {
        (f.end_line, f.end_column)
    } else {
        (start_line, start_column + 1)
    };
    SarifResult {
        rule_id: f.rule_id.clone(),
        rule_index,
        level: level(f.severity),
        message: Message {
            text: f.message.clone(),
        },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(&f.file),
                    uri_base_id: "%SRCROOT%",
                },
                region: Region {
                    start_line,
                    start_column,
                    end_line,
                    end_column,
                    snippet: (!f.snippet.is_empty()).then(|| Message {
                        text: f.snippet.clone(),
                    }),
                },
            },
        }],
        partial_fingerprints: [(FINGERPRINT_KEY, f.fingerprint.clone())].into_iter().collect(),
        suppressions: if f.suppressed {
            vec![Suppression {
                kind: "inSource",
                justification: f
                    .suppression_reason
                    .clone()
                    .unwrap_or_else(|| "egress-scan: ignore comment".into()),
            }]
        } else {
            Vec::new()
        },
    }
}

/// A relative URI reference: unreserved characters and `/` kept, the rest
/// percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_levels() {
        assert_eq!(rule_name("egress/token-in-url"), "TokenInUrl");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(security_severity(Severity::Critical), Some("9.5"));
        assert_eq!(uri("src/a b.ts"), "src/a%20b.ts");
    }
}
