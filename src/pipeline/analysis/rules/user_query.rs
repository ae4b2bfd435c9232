//! Rules written as tree-sitter queries (`query:` in a rule file): each
//! `@match` capture is a finding of its rule. Extraction runs the queries;
//! this turns their matches into findings.

use super::shared::Finding;
use super::FileContext;
use crate::model::FileAnalysis;

pub fn check_all(cx: &FileContext, out: &mut FileAnalysis) {
    let facts = cx.facts;
    for m in &facts.query_matches {
        let Some(rule) = cx.rules.rules.get(m.rule_index) else {
            continue;
        };
        out.findings.push(
            Finding::new(rule, facts, m.span)
                .fields(&[("match", &m.text), ("detail", &m.text), ("host", ""), ("url", "")])
                .function(m.function.clone())
                .matched(m.text.clone())
                .build(),
        );
    }
}
