//! Runs rules' embedded examples: every `bad` snippet must produce a result
//! of its rule, no `good` snippet may. Used by `egress-scan rules test` and by
//! `cargo test`.

use crate::catalog::rules::{Example, Rule, RuleSet};
use crate::config::Config;
use crate::model::{Grammar, Lang};
use crate::model::{Report, Stats};
use crate::pipeline::extract::{CompiledQueries, RuleQuery};
use crate::run::scan;

#[derive(Debug)]
pub struct ExampleResult {
    pub rule_id: String,
    pub kind: &'static str,
    pub index: usize,
    pub lang: Lang,
    pub passed: bool,
    pub results: usize,
}

impl ExampleResult {
    pub fn describe(&self) -> String {
        format!(
            "{} example #{} ({}): {} result(s)",
            self.kind,
            self.index + 1,
            self.lang.name(),
            self.results
        )
    }
}

/// Scans one snippet as a single-file project.
pub fn scan_snippet(rules: &RuleSet, example: &Example) -> Option<Report> {
    let file = example.file.clone().unwrap_or_else(|| {
        match example.lang {
            Lang::Typescript => "example.ts",
            Lang::Swift => "Example.swift",
            Lang::Kotlin => "Example.kt",
        }
        .to_string()
    });
    let grammar = Grammar::for_path(std::path::Path::new(&file))?;
    let mut rule_queries = Vec::new();
    for (index, rule) in rules.rules.iter().enumerate() {
        if let Some(text) = rule.query.get(&grammar.lang()) {
            let query = tree_sitter::Query::new(&grammar.language(), text).ok()?;
            let match_capture = query.capture_index_for_name("match")?;
            rule_queries.push(RuleQuery {
                rule_index: index,
                query,
                match_capture,
            });
        }
    }
    let queries = CompiledQueries::new(grammar, rule_queries).ok()?;
    let facts =
        crate::pipeline::engine::analyse_source(&file, grammar, example.code.as_bytes(), &queries).ok()?;
    let config = Config::default();
    Some(scan::ReportBuilder::new(rules, &config).build(
        ".".into(),
        Stats::default(),
        &[&crate::pipeline::analysis::ParsedFile::new(facts)],
    ))
}

fn results_for(rule: &Rule, report: &Report) -> usize {
    if rule.detector.as_deref() == Some("outbound-call") {
        return report.calls.len();
    }
    report.findings.iter().filter(|f| f.rule_id == rule.id).count()
}

pub fn run_examples(rules: &RuleSet) -> Vec<ExampleResult> {
    let mut out = Vec::new();
    for rule in &rules.rules {
        for (kind, examples) in [("bad", &rule.examples.bad), ("good", &rule.examples.good)] {
            for (index, example) in examples.iter().enumerate() {
                let results = scan_snippet(rules, example).map_or(0, |r| results_for(rule, &r));
                let passed = if kind == "bad" { results > 0 } else { results == 0 };
                out.push(ExampleResult {
                    rule_id: rule.id.clone(),
                    kind,
                    index,
                    lang: example.lang,
                    passed,
                    results,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rule_examples_pass() {
        let rules = RuleSet::builtin().expect("built-in rules load");
        let results = run_examples(&rules);
        assert!(results.len() >= 8, "too few examples: {}", results.len());
        let failed: Vec<String> = results
            .iter()
            .filter(|r| !r.passed)
            .map(|r| format!("{} {}", r.rule_id, r.describe()))
            .collect();
        assert!(failed.is_empty(), "failing examples:\n{}", failed.join("\n"));
    }

    #[test]
    fn every_rule_has_bad_and_good_examples() {
        let rules = RuleSet::builtin().expect("built-in rules load");
        for rule in &rules.rules {
            assert!(!rule.examples.bad.is_empty(), "{} has no bad example", rule.id);
            assert!(!rule.examples.good.is_empty(), "{} has no good example", rule.id);
        }
    }
}
