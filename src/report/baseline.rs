//! `--baseline REPORT.json`: a previous JSON report whose findings are
//! accepted; only findings with a fingerprint not in it count for
//! `--fail-on`.

use std::collections::BTreeSet;
use std::path::Path;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use crate::model::Report;
use crate::model::Severity;

#[derive(Debug, Error, Diagnostic)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {message}")]
    #[diagnostic(code(egress_scan::baseline::io))]
    Io { path: String, message: String },

    #[error("invalid baseline {path}: {message}")]
    #[diagnostic(
        code(egress_scan::baseline::invalid),
        help("--baseline takes a report written by `egress-scan -f json`")
    )]
    Invalid {
        path: String,
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: Option<SourceSpan>,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Baseline {
    fingerprints: BTreeSet<String>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Io {
            path: name.clone(),
            message: e.to_string(),
        })?;
        Baseline::parse(&name, &text)
    }

    pub fn parse(name: &str, text: &str) -> Result<Baseline, BaselineError> {
        let report: Report = super::json::parse(text).map_err(|e| BaselineError::Invalid {
            path: name.to_string(),
            message: e.to_string(),
            span: offset(text, e.line(), e.column()).map(|o| SourceSpan::from((o, 0))),
            src: NamedSource::new(name, text.to_string()),
        })?;
        Ok(Baseline {
            fingerprints: report.findings.into_iter().map(|f| f.fingerprint).collect(),
        })
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    /// Unsuppressed findings at or above `level` that are not in the baseline.
    pub fn new_failing(&self, report: &Report, level: Severity) -> usize {
        report
            .findings
            .iter()
            .filter(|f| !f.suppressed && f.severity >= level && !self.contains(&f.fingerprint))
            .count()
    }
}

/// Byte offset of a 1-based line and column (serde_json's convention).
fn offset(text: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let start: usize = text.split_inclusive('\n').take(line - 1).map(str::len).sum();
    Some((start + column.saturating_sub(1)).min(text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_baseline_points_at_the_error() {
        let err = Baseline::parse("b.json", "{\n  \"schema_version\": \"x\"\n}").unwrap_err();
        match err {
            BaselineError::Invalid { span: Some(span), .. } => assert!(span.offset() > 2),
            other => panic!("unexpected {other:?}"),
        }
    }
}
