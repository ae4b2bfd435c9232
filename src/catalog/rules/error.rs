//! Rule and sink file errors, rendered by miette with the offending span.

use std::path::Path;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use super::RuleSource;
use crate::input;

#[derive(Debug, Error, Diagnostic)]
pub enum RuleError {
    #[error("cannot read rules from {path}: {message}")]
    #[diagnostic(code(egress_scan::rules::io))]
    Io { path: String, message: String },

    #[error("invalid rule file {name}: {message}")]
    #[diagnostic(
        code(egress_scan::rules::yaml),
        help("check the field names and types against `egress-scan explain` and README.md")
    )]
    Yaml {
        name: String,
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: Option<SourceSpan>,
    },

    #[error("invalid `{field}` in {name}: {message}")]
    #[diagnostic(code(egress_scan::rules::invalid))]
    Invalid {
        name: String,
        field: String,
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("this field")]
        span: Option<SourceSpan>,
    },

    #[error("tree-sitter query in {name} does not compile: {message}")]
    #[diagnostic(code(egress_scan::rules::query))]
    Query {
        name: String,
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("query error")]
        span: Option<SourceSpan>,
    },

    #[error("duplicate rule id `{id}` in {name} (first defined in {first})")]
    #[diagnostic(
        code(egress_scan::rules::duplicate),
        help("rule ids must be unique; a user rule may replace a built-in one")
    )]
    Duplicate { name: String, id: String, first: String },

    #[error("{name}: services files are not read from --rules")]
    #[diagnostic(
        code(egress_scan::rules::services),
        help(
            "the service catalog is built in (rules/services.yaml); remove this file from the \
             --rules directory, or propose the services upstream"
        )
    )]
    ServicesInRuleDir { name: String },
}

impl RuleError {
    pub fn io(path: &Path, err: std::io::Error) -> Self {
        RuleError::Io {
            path: path.display().to_string(),
            message: err.to_string(),
        }
    }

    pub fn yaml(source: &RuleSource, err: serde_yaml::Error) -> Self {
        let (src, span) = excerpt(source, err.location().map(|l| SourceSpan::from((l.index(), 1))));
        RuleError::Yaml {
            name: source.name.clone(),
            message: input::message(&err.to_string()),
            src,
            span,
        }
    }

    pub fn invalid(source: &RuleSource, field: &str, message: &str) -> Self {
        let (src, span) = excerpt(source, field_span(&source.text, field));
        RuleError::Invalid {
            name: source.name.clone(),
            field: field.to_string(),
            message: input::message(message),
            src,
            span,
        }
    }

    /// A file nested deeper than [`MAX_NESTING`] flow collections: refused
    /// before parsing, which would take seconds per level on crafted input.
    pub fn too_deep(source: &RuleSource) -> Self {
        RuleError::Yaml {
            name: source.name.clone(),
            message: format!("nested deeper than {MAX_NESTING} `[`/`{{` levels"),
            src: NamedSource::new(&source.name, String::new()),
            span: None,
        }
    }

    pub fn query(source: &RuleSource, query: &str, err: tree_sitter::QueryError) -> Self {
        // Locate the query text in the file; fall back to the `query:` key.
        let span = locate(&source.text, query, err.offset).or_else(|| field_span(&source.text, "query"));
        let (src, span) = excerpt(source, span);
        RuleError::Query {
            name: source.name.clone(),
            message: input::message(&format!(
                "{:?} at row {}, column {}: {}",
                err.kind, err.row, err.column, err.message
            )),
            src,
            span,
        }
    }

    pub fn duplicate(source: &RuleSource, id: &str, first: &str) -> Self {
        RuleError::Duplicate {
            name: source.name.clone(),
            id: id.to_string(),
            first: first.to_string(),
        }
    }

    pub fn services_in_rule_dir(source: &RuleSource) -> Self {
        RuleError::ServicesInRuleDir {
            name: source.name.clone(),
        }
    }

    /// Byte offset of the error in its file, when known.
    pub fn offset(&self) -> Option<usize> {
        match self {
            RuleError::Yaml { span, .. }
            | RuleError::Invalid { span, .. }
            | RuleError::Query { span, .. } => span.map(|s| s.offset()),
            _ => None,
        }
    }
}

/// Deepest nesting of flow collections (`[`, `{`) a rule or sink file may
/// have; real files use a handful.
pub const MAX_NESTING: usize = 64;

/// Whether `text` nests `[`/`{` deeper than [`MAX_NESTING`] (counting
/// brackets inside strings too: a conservative, linear check).
pub fn too_deep(text: &str) -> bool {
    let mut depth = 0usize;
    for b in text.bytes() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// What a diagnostic shows of `source`: the line of `span` alone (see
/// [`input::excerpt`]); the file may hold anything.
fn excerpt(source: &RuleSource, span: Option<SourceSpan>) -> (NamedSource<String>, Option<SourceSpan>) {
    input::excerpt(&source.name, &source.text, span.map(|s| (s.offset(), s.len())))
}

/// Span of `field:` at the start of a line.
fn field_span(text: &str, field: &str) -> Option<SourceSpan> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with(&format!("{field}:")) {
            let start = offset + (line.len() - trimmed.len());
            return Some(SourceSpan::from((start, field.len())));
        }
        offset += line.len();
    }
    None
}

/// Span of the first line of `query` inside `text`, shifted by `offset`.
fn locate(text: &str, query: &str, offset: usize) -> Option<SourceSpan> {
    let first_line = query.lines().find(|l| !l.trim().is_empty())?.trim();
    let start = text.find(first_line)?;
    let within = offset.min(first_line.len());
    Some(SourceSpan::from((start + within, 1)))
}
