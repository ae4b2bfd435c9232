//! `egress/redirect-without-host-check`: a redirect target fetched without
//! the host guard applied to *that* URL.
//!
//! - A `Location`-derived URL needs a guard call in the same function whose
//!   argument is that URL, or must go through a wrapper that guards its own
//!   URL parameter (a recursive downloader that validates at the top).
//! - A guard on the first URL does not protect later hops: a guarded request
//!   to a non-literal URL with a client that follows redirects (sinks with
//!   `follows_redirects` in the catalog) is reported, unless `redirect:
//!   "manual"`/`"error"`, `maxRedirects: 0` or `followRedirect: false` is set.
//! - A redirect delegate of the catalog (Swift's URLSession
//!   `willPerformHTTPRedirection`) that hands the new request on without
//!   looking at its host.
//!
//! The guard and redirect facts of each sink are computed once per file
//! (`sink_guards`); `unvalidated-url-fetch` reads the same verdicts.

use super::shared::Finding;
use super::FileContext;
use crate::catalog::rules::{RedirectDelegate, Rule};
use crate::model::FileAnalysis;
use crate::pipeline::analysis::guards;

pub fn check(cx: &FileContext, rule: &Rule, out: &mut FileAnalysis) {
    for delegate in cx.rules.sinks.redirect_delegates(cx.facts.lang) {
        redirect_delegates(cx, rule, delegate, out);
    }
    for (sink, risk) in cx.sinks.iter().zip(cx.risks()) {
        let Some(detail) = &risk.redirect else { continue };
        let call = &sink.call;
        out.findings.push(
            Finding::new(rule, cx.facts, sink.span)
                .fields(&[
                    ("detail", detail),
                    ("url", &risk.url),
                    ("host", call.host.as_deref().unwrap_or("an unchecked host")),
                ])
                .host(call.host.clone())
                .function(call.function.clone())
                .matched(format!("redirect:{}", risk.url))
                .build(),
        );
    }
}

/// Delegate methods (`urlSession(_:task:willPerformHTTPRedirection:newRequest:completionHandler:)`)
/// that hand the new request back without looking at its host.
fn redirect_delegates(cx: &FileContext, rule: &Rule, delegate: &RedirectDelegate, out: &mut FileAnalysis) {
    let facts = cx.facts;
    for function in &facts.functions {
        let first = function.span.line;
        let last = function.span.end_line.min(first + 60);
        let lines: Vec<String> = (first..=last).map(|l| facts.snippet(l)).collect();
        if !lines.iter().take(3).any(|l| l.contains(&delegate.marker)) {
            continue;
        }
        let request = function
            .params
            .iter()
            .find(|p| delegate.request_params.contains(&p.name))
            .map(|p| p.name.clone());
        let Some(request) = request else { continue };
        let passes_through = lines
            .iter()
            .any(|l| l.contains(&format!("{}({request})", delegate.completion)));
        let checks_host = lines
            .iter()
            .any(|l| l.contains(".host") || l.contains("allowed") || l.contains("Allowed"))
            || facts.calls.iter().any(|c| {
                c.span.line >= first
                    && c.span.line <= last
                    && guards::name_reads_as_guard(c.callee.rsplit('.').next().unwrap_or(""))
            });
        if passes_through && !checks_host {
            let detail = format!(
                "the {} redirect delegate `{}` passes `{request}` on without checking its host",
                delegate.api, function.name
            );
            out.findings.push(
                Finding::new(rule, facts, function.span)
                    .fields(&[("detail", &detail), ("url", ""), ("host", "an unchecked host")])
                    .function(Some(function.name.clone()))
                    .matched(format!("redirect-delegate:{}", function.name))
                    .build(),
            );
        }
    }
}
