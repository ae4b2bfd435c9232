//! Analysis: from per-file facts to endpoints, outbound calls and findings.
//!
//! Runs per file (in parallel) over a [`Project`] that resolves constants
//! across files. Each detector lives in its own module and produces
//! [`RawFinding`]s that the scan driver turns into reported findings.

pub mod host;
pub mod names;
pub mod origin;
pub mod scope;
pub mod url;

mod calls;
mod detectors;
mod literals;
mod swift_checks;

use serde::{Deserialize, Serialize};

use crate::model::Span;
use crate::rules::{RuleSet, SinkKind};

pub use origin::Origin;
pub use scope::Project;

/// Analysis settings that come from configuration.
#[derive(Debug, Clone, Default)]
pub struct AnalysisOptions {
    /// Hosts (exact or `*.suffix`) that are intended destinations.
    pub allowed_hosts: Vec<String>,
}

/// A network call site with its reconstructed URL.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct OutboundCall {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub api: String,
    pub kind: SinkKind,
    /// The URL with `{placeholders}`; `None` when nothing of it is known.
    pub url: Option<String>,
    pub host: Option<String>,
    pub origin: Origin,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
}

/// One occurrence of an endpoint URL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EndpointHit {
    pub url: String,
    pub scheme: String,
    pub host: String,
    pub origin: Origin,
    pub file: String,
    pub span: Span,
    /// True when the URL literal is written at `span` itself (not reached
    /// through a constant), so it is reported as hard-coded there.
    pub literal_site: bool,
}

/// A finding before suppression, fingerprinting and severity overrides.
#[derive(Debug, Clone)]
pub struct RawFinding {
    pub rule_id: String,
    pub message: String,
    pub file: String,
    pub span: Span,
    pub host: Option<String>,
    pub function: Option<String>,
    /// The text the fingerprint is computed from (normalised later).
    pub matched: String,
}

#[derive(Debug, Default)]
pub struct FileAnalysis {
    pub calls: Vec<OutboundCall>,
    pub endpoints: Vec<EndpointHit>,
    pub findings: Vec<RawFinding>,
}

/// Analyses one file of the project.
pub fn analyse_file(
    project: &Project,
    file: usize,
    rules: &RuleSet,
    options: &AnalysisOptions,
) -> FileAnalysis {
    let mut out = FileAnalysis::default();
    let sinks = calls::find_sinks(project, file, rules);
    for sink in &sinks {
        out.calls.push(sink.call.clone());
        if let Some(hit) = &sink.endpoint {
            out.endpoints.push(hit.clone());
        }
    }
    out.endpoints
        .extend(literals::endpoint_literals(project, file, &sinks));
    out.endpoints.sort();
    out.endpoints.dedup();
    detectors::run(project, file, rules, options, &sinks, &mut out);
    out
}

/// True when `host` matches an allow-list entry (`api.x.com` or `*.x.com`).
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let h = host::hostname(host);
    allowed.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        match a.strip_prefix("*.") {
            Some(suffix) => h == suffix || h.ends_with(&format!(".{suffix}")),
            None => h == a,
        }
    })
}
