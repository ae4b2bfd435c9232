//! Rules are data: `rules/*.yaml`, embedded at build time and merged with
//! `--rules DIR`. This module holds the raw (serde) shapes, validation with
//! source-pointing diagnostics, and the compiled registry.

mod builtin;
mod error;
mod sinks;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::Lang;

use crate::model::Severity;
pub use error::RuleError;
pub use sinks::{ClientFactory, SinkCatalog, SinkSpec, UrlSpec};

/// One example snippet of a rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub lang: Lang,
    pub code: String,
    /// File name to give the snippet (decides grammar, e.g. `.tsx`); optional.
    #[serde(default)]
    pub file: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default)]
    pub bad: Vec<Example>,
    #[serde(default)]
    pub good: Vec<Example>,
}

/// A rule as written in YAML. Every field is user documentation as well:
/// `message` is the one-line result text, `help` the markdown shown by
/// `explain` and in SARIF.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    pub languages: Vec<Lang>,
    /// Short description (SARIF `shortDescription`, table titles).
    pub title: String,
    /// Result message; `{host}`, `{url}`, `{credential}`, `{detail}` are filled in.
    pub message: String,
    pub help: String,
    /// Words whose presence lets a file through the prefilter.
    #[serde(default)]
    pub triggers: Vec<String>,
    /// A built-in analysis that produces this rule's results.
    #[serde(default)]
    pub detector: Option<String>,
    /// Per-language tree-sitter queries; each must capture `@match`.
    #[serde(default)]
    pub query: std::collections::BTreeMap<Lang, String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub examples: Examples,
}

/// Built-in detectors a rule may name in `detector:`.
pub const DETECTORS: &[&str] = &[
    "outbound-call",
    "hardcoded-endpoint",
    "token-in-url",
    "redirect-without-host-check",
    "unvalidated-url-fetch",
    "insecure-transport",
    "lan-discovery",
    "subprocess-network",
];

/// Where a rule file came from, for diagnostics.
#[derive(Debug, Clone)]
pub struct RuleSource {
    pub name: String,
    pub text: String,
}

/// All loaded rules plus the sink catalog.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub sinks: SinkCatalog,
}

impl RuleSet {
    /// Built-in rules and sinks only.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        Self::load(None)
    }

    /// Built-ins merged with the `*.yaml`/`*.yml` files of `extra`. A user rule
    /// with a built-in id replaces it; two user files with one id are an error.
    pub fn load(extra: Option<&Path>) -> Result<RuleSet, RuleError> {
        let mut rules: Vec<Rule> = Vec::new();
        for (name, text) in builtin::rule_files() {
            rules.push(parse_rule(&RuleSource {
                name: name.into(),
                text: text.into(),
            })?);
        }
        let mut sinks = SinkCatalog::default();
        for (name, text) in builtin::sink_files() {
            sinks.extend(SinkCatalog::parse(&RuleSource {
                name: name.into(),
                text: text.into(),
            })?);
        }
        if let Some(dir) = extra {
            let mut user_ids: Vec<(String, String)> = Vec::new();
            for source in read_rule_dir(dir)? {
                let file_name = Path::new(&source.name)
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("");
                if file_name.starts_with("sinks") {
                    sinks.extend(SinkCatalog::parse(&source)?);
                    continue;
                }
                if builtin::is_catalog(file_name) {
                    continue;
                }
                let rule = parse_rule(&source)?;
                if let Some((_, first)) = user_ids.iter().find(|(id, _)| *id == rule.id) {
                    return Err(RuleError::duplicate(&source, &rule.id, first));
                }
                user_ids.push((rule.id.clone(), source.name.clone()));
                rules.retain(|r| r.id != rule.id);
                rules.push(rule);
            }
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(RuleSet { rules, sinks })
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The rule implementing a built-in detector, if one is loaded.
    pub fn by_detector(&self, detector: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.detector.as_deref() == Some(detector))
    }
}

fn read_rule_dir(dir: &Path) -> Result<Vec<RuleSource>, RuleError> {
    let entries = std::fs::read_dir(dir).map_err(|e| RuleError::io(dir, e))?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|e| RuleError::io(&path, e))?;
            Ok(RuleSource {
                name: path.display().to_string(),
                text,
            })
        })
        .collect()
}

pub fn parse_rule(source: &RuleSource) -> Result<Rule, RuleError> {
    let rule: Rule = serde_yaml::from_str(&source.text).map_err(|e| RuleError::yaml(source, e))?;
    validate(&rule, source)?;
    Ok(rule)
}

fn validate(rule: &Rule, source: &RuleSource) -> Result<(), RuleError> {
    let id_ok = !rule.id.is_empty()
        && rule
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'));
    if !id_ok {
        return Err(RuleError::invalid(
            source,
            "id",
            "rule ids use letters, digits and `/ - _ .`",
        ));
    }
    if rule.languages.is_empty() {
        return Err(RuleError::invalid(
            source,
            "languages",
            "a rule needs at least one language",
        ));
    }
    match (&rule.detector, rule.query.is_empty()) {
        (Some(d), _) if !DETECTORS.contains(&d.as_str()) => {
            return Err(RuleError::invalid(
                source,
                "detector",
                &format!("unknown detector `{d}`; known: {}", DETECTORS.join(", ")),
            ));
        }
        (None, true) => {
            return Err(RuleError::invalid(
                source,
                "id",
                "a rule needs a `detector` or a `query`",
            ));
        }
        _ => {}
    }
    if rule.detector.is_none() && rule.triggers.is_empty() {
        return Err(RuleError::invalid(
            source,
            "triggers",
            "query rules need `triggers` so the prefilter can let their files through",
        ));
    }
    for (lang, query) in &rule.query {
        for grammar in lang.grammars() {
            let compiled = tree_sitter::Query::new(&grammar.language(), query)
                .map_err(|e| RuleError::query(source, query, e))?;
            if compiled.capture_index_for_name("match").is_none() {
                return Err(RuleError::invalid(
                    source,
                    "query",
                    "the query must capture `@match`",
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load() {
        let set = RuleSet::builtin().expect("built-in rules are valid");
        assert!(set.get("egress/token-in-url").is_some());
        assert!(set.get("egress/outbound-call").is_some());
        assert!(!set.sinks.sinks.is_empty());
    }

    #[test]
    fn unknown_field_points_at_line() {
        let source = RuleSource {
            name: "bad.yaml".into(),
            text: "id: x/y\nseverity: low\nlanguages: [typescript]\ntitle: t\nmessage: m\nhelp: h\ndetector: token-in-url\nbogus: 1\n".into(),
        };
        let err = parse_rule(&source).unwrap_err();
        let text = format!("{err:?}");
        assert!(text.contains("bogus"), "{text}");
        assert!(err.offset().is_some());
    }

    #[test]
    fn invalid_query_is_an_error() {
        let source = RuleSource {
            name: "q.yaml".into(),
            text: "id: x/q\nseverity: low\nlanguages: [typescript]\ntitle: t\nmessage: m\nhelp: h\ntriggers: [a]\nquery:\n  typescript: \"(call_expression @match\"\n".into(),
        };
        assert!(matches!(parse_rule(&source), Err(RuleError::Query { .. })));
    }

    #[test]
    fn unknown_detector_is_an_error() {
        let source = RuleSource {
            name: "d.yaml".into(),
            text:
                "id: x/d\nseverity: low\nlanguages: [swift]\ntitle: t\nmessage: m\nhelp: h\ndetector: nope\n"
                    .into(),
        };
        assert!(matches!(parse_rule(&source), Err(RuleError::Invalid { .. })));
    }
}
