//! What every rule's check uses: a builder for its findings, the message
//! placeholders, and the function enclosing a position.

use crate::catalog::rules::Rule;
use crate::model::RawFinding;
use crate::model::{FileFacts, Span};

/// Fills `{placeholders}` of a rule message.
pub fn message(rule: &Rule, fields: &[(&str, &str)]) -> String {
    let mut text = rule.message.clone();
    for (key, value) in fields {
        text = text.replace(&format!("{{{key}}}"), value);
    }
    text
}

/// One finding of one rule:
/// `Finding::new(rule, facts, span).fields(&[("detail", d)]).matched(m).build()`.
/// The message is the rule's, with `fields` filled in; the fingerprint is
/// computed later from `matched`.
pub struct Finding<'a> {
    rule: &'a Rule,
    raw: RawFinding,
}

impl<'a> Finding<'a> {
    pub fn new(rule: &'a Rule, facts: &FileFacts, span: Span) -> Finding<'a> {
        Finding {
            rule,
            raw: RawFinding {
                rule_id: rule.id.clone(),
                message: rule.message.clone(),
                file: facts.path.clone(),
                span,
                host: None,
                function: None,
                matched: String::new(),
                url_param: None,
            },
        }
    }

    /// The message's `{placeholder}` values.
    pub fn fields(mut self, fields: &[(&str, &str)]) -> Self {
        self.raw.message = message(self.rule, fields);
        self
    }

    pub fn host(mut self, host: Option<String>) -> Self {
        self.raw.host = host;
        self
    }

    /// The enclosing function's name.
    pub fn function(mut self, function: Option<String>) -> Self {
        self.raw.function = function;
        self
    }

    /// The text the fingerprint is computed from.
    pub fn matched(mut self, matched: impl Into<String>) -> Self {
        self.raw.matched = matched.into();
        self
    }

    pub fn url_param(mut self, param: Option<String>) -> Self {
        self.raw.url_param = param;
        self
    }

    pub fn build(self) -> RawFinding {
        self.raw
    }
}

/// The innermost function containing `span`.
pub fn function_at(facts: &FileFacts, span: Span) -> Option<String> {
    facts
        .functions
        .iter()
        .filter(|f| f.span.start_byte <= span.start_byte && span.end_byte <= f.span.end_byte)
        .min_by_key(|f| f.span.end_byte - f.span.start_byte)
        .map(|f| f.name.clone())
}

/// The last segment of a dotted callee (`get` of `axios.get`).
pub fn last_segment(callee: &str) -> &str {
    callee.rsplit('.').next().unwrap_or(callee)
}

/// True when the file imports one of `modules` exactly.
pub fn imports(facts: &FileFacts, modules: &[&str]) -> bool {
    facts.imports.iter().any(|i| modules.contains(&i.source.as_str()))
}

/// True when a Swift/Kotlin call has an argument labelled `label`.
pub fn has_label(call: &crate::model::CallExpr, label: &str) -> bool {
    call.args.iter().any(|a| a.label.as_deref() == Some(label))
}
