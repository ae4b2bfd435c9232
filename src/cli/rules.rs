//! `egress-scan rules list|test` and `egress-scan explain RULE_ID`.

use std::path::Path;

use super::{write_stdout, Outcome};
use crate::catalog::rules::Rule;
use crate::catalog::RuleSet;
use crate::error::Error;
use crate::pipeline::platform::rules as platform_rules;
use crate::run::rules_test;

/// The rule's languages, or `platform` for a rule of the platform
/// configuration files.
fn languages(rule: &Rule, separator: &str) -> String {
    if platform_rules::is_platform_rule(rule) {
        return "platform".into();
    }
    let langs: Vec<&str> = rule.languages.iter().map(|l| l.name()).collect();
    langs.join(separator)
}

pub(super) fn list(rules: Option<&Path>) -> Result<Outcome, Error> {
    let set = platform_rules::load(rules)?;
    let mut out = String::new();
    for r in &set.rules {
        out.push_str(&format!(
            "{:<40} {:<8} {:<24} {}\n",
            r.id,
            r.severity.as_str(),
            languages(r, ","),
            r.title
        ));
    }
    write_stdout(&out)?;
    Ok(Outcome::Clean)
}

pub(super) fn test(dir: Option<&Path>, update: bool) -> Result<Outcome, Error> {
    let set = RuleSet::load(dir)?;
    let mut results = rules_test::run_tests(&set, dir);
    if let (true, Some(dir)) = (update, dir) {
        let written = rules_test::update_snapshots(dir, &results).map_err(|source| Error::Write {
            target: format!("snapshots under {}", dir.display()),
            source,
        })?;
        for path in &written {
            eprintln!("updated {}", path.display());
        }
        results = rules_test::run_tests(&set, Some(dir));
    }
    let mut out = String::new();
    let mut failed = 0;
    for r in &results {
        if !r.passed() {
            failed += 1;
        }
        out.push_str(&format!(
            "{} {} {}\n",
            if r.passed() { "ok  " } else { "FAIL" },
            r.rule_id,
            r.describe()
        ));
    }
    out.push_str(&format!("{} passed, {} failed\n", results.len() - failed, failed));
    write_stdout(&out)?;
    if failed > 0 {
        Err(Error::RuleExamples { failed })
    } else {
        Ok(Outcome::Clean)
    }
}

pub(super) fn explain(rule_id: &str, rules: Option<&Path>) -> Result<Outcome, Error> {
    let set = platform_rules::load(rules)?;
    let rule = set
        .get(rule_id)
        .ok_or_else(|| Error::Usage(format!("unknown rule `{rule_id}`; see `egress-scan rules list`")))?;
    write_stdout(&format!(
        "{} — {}\nseverity: {}\nlanguages: {}\n\n{}\n",
        rule.id,
        rule.title,
        rule.severity.as_str(),
        languages(rule, ", "),
        rule.help.trim_end()
    ))?;
    Ok(Outcome::Clean)
}
