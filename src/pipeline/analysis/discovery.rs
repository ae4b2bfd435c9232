//! `egress/lan-discovery`, shared by the languages: one message shape and one
//! inventory record for every mDNS/DNS-SD advertisement or browse.

use super::detectors::{finding_at, message};
use crate::catalog::rules::Rule;
use crate::model::SinkKind;
use crate::model::{FileAnalysis, Origin, OutboundCall};
use crate::model::{FileFacts, Span};

/// What a discovery call announces or looks for.
pub struct Announcement<'a> {
    /// The API used (`NetService`, `NsdManager`, `ciao`).
    pub api: &'a str,
    /// `advertises`, `browses for`, `answers queries for`, …
    pub action: &'a str,
    /// Service type (`_myapp._tcp`) when literal.
    pub service: Option<String>,
    pub port: Option<String>,
    /// TXT record keys when literal (values are never reported).
    pub keys: Vec<String>,
}

pub fn report(
    rule: &Rule,
    facts: &FileFacts,
    out: &mut FileAnalysis,
    span: Span,
    function: Option<String>,
    a: Announcement,
) {
    let service = a
        .service
        .clone()
        .unwrap_or_else(|| "an unknown service type".into());
    let mut detail = format!(
        "Bonjour/mDNS: {} {} `{service}` on the local network",
        a.api, a.action
    );
    if let Some(port) = &a.port {
        detail.push_str(&format!(", port {port}"));
    }
    if !a.keys.is_empty() {
        detail.push_str(&format!("; TXT record keys: {}", a.keys.join(", ")));
    }
    let mut call = OutboundCall::new(facts, span, a.api, SinkKind::Discovery, function.clone());
    call.url = a.service.as_ref().map(|t| format!("dns-sd:{t}"));
    call.origin = if a.service.is_some() {
        Origin::Literal
    } else {
        Origin::Unknown
    };
    out.record_call(call);
    let msg = message(
        rule,
        &[
            ("detail", &detail),
            ("service", &service),
            ("keys", &a.keys.join(", ")),
            ("host", "the local network"),
            ("url", ""),
        ],
    );
    out.findings.push(finding_at(
        rule,
        facts,
        span,
        None,
        function,
        msg,
        format!("{}:{}:{service}", a.api, a.action),
    ));
}
