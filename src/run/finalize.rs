//! Finishing a finding for the report: the configured severity, a service's
//! public client key, the suppression comment, the snippet and the
//! fingerprint (SPEC §4, §6).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::catalog::rules::RuleSet;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::model::{FileFacts, Finding, RawFinding, Severity, Suppression};
use crate::pipeline::platform::{FileText, PlatformFinding};

/// What finishing a finding needs: the rules (default severities), the
/// config (severity overrides), the service catalog (public keys) and the
/// renamed files of a diff (old path → new path).
#[derive(Clone, Copy)]
pub struct Finisher<'a> {
    pub rules: &'a RuleSet,
    pub config: &'a Config,
    pub catalog: &'a Catalog,
    pub renames: &'a BTreeMap<String, String>,
}

impl Finisher<'_> {
    /// The reported finding of `raw`, found in the file of `facts`; `None`
    /// when its rule is not loaded or configured to `info`.
    pub fn finding(&self, mut raw: RawFinding, facts: &FileFacts) -> Option<Finding> {
        let rule = self.rules.get(&raw.rule_id)?;
        let public_key = public_key_service(&raw, self.catalog);
        if let Some(service) = public_key {
            raw.message.push_str(&format!(
            " (`{}` is {service}'s public client key, shipped in every client: it names the project but grants no account access)",
            raw.url_param.as_deref().unwrap_or_default()
        ));
        }
        let default = public_key.map_or(rule.severity, |_| Severity::Low);
        let facts = Some(facts).filter(|f| f.path == raw.file);
        let snippet = facts.map(|f| f.snippet(raw.span.line)).unwrap_or_default();
        let suppressions = facts.map_or(&[][..], |f| &f.suppressions[..]);
        self.finish(raw, default, snippet, suppressions)
    }

    /// The reported finding of a platform configuration file (its rule is
    /// always built in, see `pipeline::platform::rules`): its scope gives
    /// the default severity (a debug-only exemption is low), the
    /// file's text the snippet and the suppression comments.
    pub fn platform_finding(&self, finding: &PlatformFinding, text: Option<&FileText>) -> Option<Finding> {
        let line = finding.raw.span.line;
        let snippet = text.map(|t| t.snippet(line)).unwrap_or_default();
        let suppressions = text.map_or(&[][..], |t| &t.suppressions[..]);
        self.finish(finding.raw.clone(), finding.severity, snippet, suppressions)
    }

    /// What every finding goes through: the configured severity (else
    /// `default`), the suppression comment on its line or the line above,
    /// the renamed path and the fingerprint.
    fn finish(
        &self,
        mut raw: RawFinding,
        default: Severity,
        snippet: String,
        suppressions: &[Suppression],
    ) -> Option<Finding> {
        let severity = self.config.severity.get(&raw.rule_id).copied().unwrap_or(default);
        if severity == Severity::Info {
            return None;
        }
        let suppression = suppressions.iter().find(|s| {
            (s.line == raw.span.line || s.line + 1 == raw.span.line)
                && (s.rule == raw.rule_id || s.rule == "*" || s.rule == "all")
        });
        if let Some(new_path) = self.renames.get(&raw.file) {
            raw.file = new_path.clone();
        }
        Some(Finding {
            fingerprint: fingerprint(&raw),
            rule_id: raw.rule_id,
            severity,
            message: raw.message,
            file: raw.file,
            line: raw.span.line,
            column: raw.span.column,
            end_line: raw.span.end_line,
            end_column: raw.span.end_column,
            host: raw.host,
            snippet,
            suppressed: suppression.is_some(),
            suppression_reason: suppression.map(|s| s.reason.clone()),
        })
    }
}

/// The catalog service whose public client key a finding's URL parameter
/// carries (see `public_keys` in rules/services.yaml).
fn public_key_service<'c>(raw: &RawFinding, catalog: &'c Catalog) -> Option<&'c str> {
    let param = raw.url_param.as_deref()?;
    let service = catalog.service_for_host(raw.host.as_deref()?)?;
    service
        .public_keys
        .iter()
        .any(|k| k == param)
        .then_some(service.name.as_str())
}

/// Stable across line moves and unrelated edits: rule, file, enclosing
/// function and the whitespace-normalised matched text.
pub fn fingerprint(raw: &RawFinding) -> String {
    let normalized: String = raw.matched.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut hasher = Sha256::new();
    for part in [
        raw.rule_id.as_str(),
        raw.file.as_str(),
        raw.function.as_deref().unwrap_or(""),
        normalized.as_str(),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_line_and_whitespace() {
        let raw = |line, matched: &str| RawFinding {
            rule_id: "egress/token-in-url".into(),
            message: "m".into(),
            file: "a.ts".into(),
            span: crate::model::Span {
                line,
                ..Default::default()
            },
            host: None,
            function: Some("send".into()),
            matched: matched.into(),
            url_param: None,
        };
        assert_eq!(fingerprint(&raw(3, "a  b")), fingerprint(&raw(40, "a b")));
        assert_ne!(fingerprint(&raw(3, "a b")), fingerprint(&raw(3, "a c")));
    }
}
