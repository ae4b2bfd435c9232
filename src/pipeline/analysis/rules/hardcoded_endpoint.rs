//! `egress/hardcoded-endpoint`: a literal URL or host used for network
//! access. The endpoints themselves are found by `literals` and the sinks;
//! this rule reports each literal one once per line, leaving out loopback,
//! documentation and allow-listed hosts.

use super::shared::{function_at, Finding};
use super::FileContext;
use crate::catalog::rules::Rule;
use crate::model::host;
use crate::model::FileAnalysis;
use crate::pipeline::analysis::host_allowed;

pub fn check(cx: &FileContext, rule: &Rule, out: &mut FileAnalysis) {
    let facts = cx.facts;
    let mut seen = std::collections::HashSet::new();
    let mut found = Vec::new();
    for hit in &out.endpoints {
        if !hit.literal_site
            || host::is_loopback(&hit.host)
            || host::is_documentation(&hit.host)
            || host_allowed(&hit.host, &cx.options.allowed_hosts)
            || !seen.insert((hit.url.clone(), hit.span.line))
        {
            continue;
        }
        found.push(
            Finding::new(rule, facts, hit.span)
                .fields(&[("url", &hit.url), ("host", &hit.host)])
                .host(Some(hit.host.clone()))
                .function(function_at(facts, hit.span))
                .matched(hit.url.clone())
                .build(),
        );
    }
    out.findings.extend(found);
}
