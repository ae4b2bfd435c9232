//! `--baseline REPORT.json`: a previous JSON report whose findings are
//! accepted; only findings with a fingerprint not in it count for
//! `--fail-on`.

use std::collections::BTreeSet;
use std::path::Path;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use crate::input::{self, Links};
use crate::model::Severity;
use crate::model::{Report, SCHEMA_VERSION};

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
    /// Reads the baseline at `path`; `links` is [`Links::Refuse`] when the
    /// path is inside the scanned tree.
    pub fn load(path: &Path, links: Links) -> Result<Baseline, BaselineError> {
        let name = path.display().to_string();
        let text = input::read_text(path, links, input::REPORT_CAP).map_err(|e| BaselineError::Io {
            path: name.clone(),
            message: e.to_string(),
        })?;
        Baseline::parse(&name, &text)
    }

    pub fn parse(name: &str, text: &str) -> Result<Baseline, BaselineError> {
        let report: Report = super::json::parse(text).map_err(|e| {
            let (src, span) = input::excerpt(name, text, offset(text, e.line(), e.column()).map(|o| (o, 0)));
            BaselineError::Invalid {
                path: name.to_string(),
                message: input::message(&e.to_string()),
                span,
                src,
            }
        })?;
        let refuse = |message: String| BaselineError::Invalid {
            path: name.to_string(),
            message,
            src: NamedSource::new(name, String::new()),
            span: None,
        };
        if report.schema_version != SCHEMA_VERSION {
            return Err(refuse(format!(
                "schema_version {} (this egress-scan reads {SCHEMA_VERSION})",
                report.schema_version
            )));
        }
        if let Some(info) = &report.shard {
            return Err(refuse(format!(
                "the report of shard {} of {} holds only that shard's findings; merge the shards first",
                info.index, info.count
            )));
        }
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
            // Only the offending line is shown.
            BaselineError::Invalid {
                span: Some(_), src, ..
            } => {
                assert_eq!(src.inner(), "\n  \"schema_version\": \"x\"")
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
