//! `egress/unvalidated-url-fetch`: a URL from a response or from user input
//! requested with no guard on the path. Parameter URLs are followed to the
//! call sites of the function instead (wrappers); config URLs are
//! operator-controlled and not reported. A sink that an enabled
//! `redirect-without-host-check` rule reports is not reported again here.

use super::shared::Finding;
use super::FileContext;
use crate::catalog::rules::{Detector, Rule};
use crate::model::{FileAnalysis, Origin};

pub fn check(cx: &FileContext, rule: &Rule, out: &mut FileAnalysis) {
    let redirects_reported = cx.enabled(Detector::RedirectWithoutHostCheck).next().is_some();
    for (sink, risk) in cx.sinks.iter().zip(cx.risks()) {
        let call = &sink.call;
        let reported = redirects_reported && risk.redirect.is_some();
        if reported || call.guard.is_some() || !matches!(call.origin, Origin::Response | Origin::User) {
            continue;
        }
        let detail = format!(
            "a URL from {} input ({}) is requested with {} without a host guard",
            call.origin.as_str(),
            risk.url,
            risk.via
        );
        out.findings.push(
            Finding::new(rule, cx.facts, sink.span)
                .fields(&[
                    ("detail", &detail),
                    ("url", &risk.url),
                    ("origin", call.origin.as_str()),
                ])
                .host(call.host.clone())
                .function(call.function.clone())
                .matched(format!("unvalidated:{}", risk.url))
                .build(),
        );
    }
}
