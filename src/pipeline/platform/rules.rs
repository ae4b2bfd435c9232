//! The platform configuration rules (`rules/platform/*.yaml`): the same
//! rule format as the code rules, embedded here and added to a loaded rule
//! set, so their findings are finished (severity overrides, suppression,
//! fingerprints, baseline, SARIF, `--fail-on`) like any other.
//!
//! They are always built in (see [`builtin`]), and live apart from
//! `rules/*.yaml` because the code rule loader
//! requires source `languages` and a detector or query that the engine
//! runs on source files, and every code rule has test cases per language;
//! a platform rule has none of these: its findings come from this stage.
//! So a platform rule file must leave `languages`, `detector`, `query`,
//! `triggers` and `examples` empty; its cases are the unit and CLI tests
//! of this module.

use std::path::Path;

use crate::catalog::rules::{Rule, RuleError, RuleSet, RuleSource};

/// `(path, text)` of each platform rule file.
const FILES: [(&str, &str); 3] = [
    (
        "rules/platform/cleartext-allowed.yaml",
        include_str!("../../../rules/platform/cleartext-allowed.yaml"),
    ),
    (
        "rules/platform/pin-expired.yaml",
        include_str!("../../../rules/platform/pin-expired.yaml"),
    ),
    (
        "rules/platform/user-ca-trusted.yaml",
        include_str!("../../../rules/platform/user-ca-trusted.yaml"),
    ),
];

/// The platform rules, parsed once. Like the service catalog they are
/// always built in: a scan's rule set ([`RuleSet::load`]) does not hold
/// them, and the platform stage's findings are finished with them.
pub fn builtin() -> &'static [Rule] {
    static RULES: std::sync::OnceLock<Vec<Rule>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| platform_rules().expect("the built-in platform rules are valid"))
}

/// Whether `id` names a platform rule (for `[severity]` in the config).
pub fn is_builtin_id(id: &str) -> bool {
    builtin().iter().any(|r| r.id == id)
}

/// The built-in and `extra` rules ([`RuleSet::load`]) with the platform
/// rules added, for `rules list` and `explain`.
pub fn load(extra: Option<&Path>) -> Result<RuleSet, RuleError> {
    Ok(with_platform_rules(RuleSet::load(extra)?))
}

/// `set` with each platform rule whose id it does not hold yet, sorted by
/// id.
pub fn with_platform_rules(mut set: RuleSet) -> RuleSet {
    for rule in builtin() {
        if set.get(&rule.id).is_none() {
            set.rules.push(rule.clone());
        }
    }
    set.rules.sort_by(|a, b| a.id.cmp(&b.id));
    set
}

/// The platform rules, parsed and checked.
fn platform_rules() -> Result<Vec<Rule>, RuleError> {
    FILES
        .iter()
        .map(|(name, text)| {
            let source = RuleSource {
                name: (*name).to_string(),
                text: (*text).to_string(),
            };
            let rule: Rule = serde_yaml::from_str(text).map_err(|e| RuleError::yaml(&source, e))?;
            check(&rule, &source)?;
            Ok(rule)
        })
        .collect()
}

/// Whether `rule` is one of the platform rules (its findings come from
/// the configuration files, not from code).
pub fn is_platform_rule(rule: &Rule) -> bool {
    rule.languages.is_empty() && rule.detector.is_none() && rule.query.is_empty()
}

fn check(rule: &Rule, source: &RuleSource) -> Result<(), RuleError> {
    let field = if !rule.languages.is_empty() {
        Some("languages")
    } else if rule.detector.is_some() {
        Some("detector")
    } else if !rule.query.is_empty() {
        Some("query")
    } else if !rule.triggers.is_empty() {
        Some("triggers")
    } else if !(rule.examples.bad.is_empty() && rule.examples.good.is_empty()) {
        Some("examples")
    } else {
        None
    };
    match field {
        Some(field) => Err(RuleError::invalid(
            source,
            field,
            "a platform rule is not run on source code: leave this field empty",
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    #[test]
    fn platform_rules_load_beside_the_code_rules() {
        let set = load(None).expect("loads");
        let cleartext = set.get("egress/cleartext-allowed").expect("loaded");
        assert_eq!(cleartext.severity, Severity::Medium);
        assert!(is_platform_rule(cleartext));
        assert_eq!(
            set.get("egress/user-ca-trusted").map(|r| r.severity),
            Some(Severity::Medium)
        );
        assert_eq!(
            set.get("egress/pin-expired").map(|r| r.severity),
            Some(Severity::Low)
        );
        assert!(!is_platform_rule(
            set.get("egress/insecure-transport").expect("loaded")
        ));
        assert!(set.rules.windows(2).all(|w| w[0].id < w[1].id));
        assert!(is_builtin_id("egress/pin-expired") && !is_builtin_id("egress/insecure-transport"));
        for rule in builtin() {
            assert!(rule.help.contains("**Fix:**"), "{}", rule.id);
        }
    }

    #[test]
    fn a_platform_rule_may_not_name_a_language() {
        let source = RuleSource {
            name: "x.yaml".into(),
            text: "id: x/y\nseverity: low\nlanguages: [kotlin]\ntitle: t\nmessage: m\nhelp: h\n".into(),
        };
        let rule: Rule = serde_yaml::from_str(&source.text).expect("parses");
        let err = check(&rule, &source).unwrap_err();
        assert!(err.to_string().contains("`languages`"), "{err}");
    }
}
