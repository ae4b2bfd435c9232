//! `egress/insecure-transport`: plaintext `http://`/`ws://` to a
//! non-loopback host, and TLS verification turned off: `rejectUnauthorized:
//! false`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, a Swift `URLSessionDelegate`
//! accepting any server trust, a Kotlin or Java trust-all `X509TrustManager`
//! or accept-all `HostnameVerifier`.

use super::shared::{function_at, has_label, last_segment, Finding};
use super::FileContext;
use crate::catalog::rules::Rule;
use crate::model::host;
use crate::model::{CallSite, Expr, FileAnalysis, FileFacts, Lang, Span};
use crate::pipeline::analysis::host_allowed;

pub fn check(cx: &FileContext, rule: &Rule, out: &mut FileAnalysis) {
    plaintext_and_tls_options(cx, rule, out);
    match cx.facts.lang {
        Lang::Swift => trust_all_delegates(rule, cx.facts, out),
        Lang::Kotlin | Lang::Java => trust_all_managers(rule, cx.facts, out),
        _ => {}
    }
}

/// `http://`/`ws://` literals to a non-loopback host, and TLS verification
/// turned off in options (`rejectUnauthorized: false`) or by
/// `NODE_TLS_REJECT_UNAUTHORIZED=0`.
fn plaintext_and_tls_options(cx: &FileContext, rule: &Rule, out: &mut FileAnalysis) {
    let (facts, options) = (cx.facts, cx.options);
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for hit in &out.endpoints {
        let plaintext = matches!(hit.scheme.as_str(), "http" | "ws");
        if !plaintext
            || !hit.literal_site
            || host::is_loopback(&hit.host)
            || host::is_metadata_service(&hit.host)
            || host::is_documentation(&hit.host)
            || host_allowed(&hit.host, &options.allowed_hosts)
            || !seen.insert((hit.host.clone(), hit.span.line))
        {
            continue;
        }
        let detail = format!("Plaintext {} to {} ({})", hit.scheme, hit.host, hit.url);
        found.push(
            Finding::new(rule, facts, hit.span)
                .fields(&[("detail", &detail), ("host", &hit.host), ("url", &hit.url)])
                .host(Some(hit.host.clone()))
                .function(function_at(facts, hit.span))
                .matched(hit.url.clone())
                .build(),
        );
    }
    // rejectUnauthorized: false in any options object.
    let mut tls_off: Vec<(Span, Option<String>)> = Vec::new();
    for site in &facts.calls {
        if site.call.args.iter().any(|a| disables_tls(&a.value, 0)) {
            tls_off.push((site.span, site.function.clone()));
        }
    }
    for b in &facts.bindings {
        let env_off = b.name.contains("NODE_TLS_REJECT_UNAUTHORIZED")
            && matches!(&b.value, Expr::Str(v) | Expr::Number(v) if v == "0");
        if env_off || (!matches!(b.value, Expr::Call(_)) && disables_tls(&b.value, 0)) {
            tls_off.push((b.span, b.function.clone()));
        }
    }
    for lit in &facts.strings {
        if lit.value.contains("NODE_TLS_REJECT_UNAUTHORIZED=0") {
            tls_off.push((lit.span, lit.function.clone()));
        }
    }
    tls_off.sort_by_key(|(s, _)| s.start_byte);
    tls_off.dedup_by_key(|(s, _)| s.line);
    for (span, function) in tls_off {
        let detail = "TLS certificate verification is disabled".to_string();
        found.push(
            Finding::new(rule, facts, span)
                .fields(&[("detail", &detail), ("host", "any host"), ("url", "")])
                .function(function)
                .matched("tls-verification-off")
                .build(),
        );
    }
    out.findings.extend(found);
}

fn disables_tls(expr: &Expr, depth: usize) -> bool {
    if depth > 6 {
        return false;
    }
    match expr {
        Expr::Object(fields) => fields.iter().any(|(k, v)| {
            (k == "rejectUnauthorized" && *v == Expr::Bool(false)) || disables_tls(v, depth + 1)
        }),
        Expr::Call(call) => call.args.iter().any(|a| disables_tls(&a.value, depth + 1)),
        _ => false,
    }
}

// --- Kotlin and Java: trust-all managers and verifiers ------------------------

/// Trust-all `X509TrustManager` and accept-all `HostnameVerifier`: a lambda
/// answering `true` (`{ _, _ -> true }`, Java `(host, session) -> true`) or
/// a `verify` method that does (a class or anonymous class implementing
/// the interface).
fn trust_all_managers(rule: &Rule, facts: &FileFacts, out: &mut FileAnalysis) {
    let source_of = |span: Span| -> String {
        let end = span.end_line.min(span.line + 40);
        (span.line..=end)
            .map(|l| facts.snippet(l))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut report = |span: Span, function: Option<String>, detail: &str, matched: &str| {
        out.findings.push(
            Finding::new(rule, facts, span)
                .fields(&[("detail", detail), ("host", "any host"), ("url", "")])
                .function(function)
                .matched(matched)
                .build(),
        );
    };
    let implements_trust_manager = facts.lines.iter().any(|l| l.contains("X509TrustManager"));
    if implements_trust_manager {
        for f in &facts.functions {
            if f.name.rsplit('.').next() != Some("checkServerTrusted") {
                continue;
            }
            if body_is_empty(&source_of(f.span)) {
                report(
                    f.span,
                    Some(f.name.clone()),
                    "TLS certificate verification is disabled: `checkServerTrusted` accepts every certificate (trust-all X509TrustManager)",
                    "trust-all-x509",
                );
            }
        }
    }
    if facts.lines.iter().any(|l| l.contains("HostnameVerifier")) {
        for f in &facts.functions {
            if f.name.rsplit('.').next() == Some("verify") && body_returns_true(&source_of(f.span)) {
                report(
                    f.span,
                    Some(f.name.clone()),
                    "TLS hostname verification is disabled: the HostnameVerifier accepts every host",
                    "accept-all-hostname-verifier",
                );
            }
        }
    }
    for site in &facts.calls {
        let last = site.callee.rsplit('.').next().unwrap_or("");
        if !matches!(
            last,
            "hostnameVerifier" | "HostnameVerifier" | "setHostnameVerifier" | "setDefaultHostnameVerifier"
        ) {
            continue;
        }
        let accepts_all = site.call.has_closure && {
            let text: String = source_of(site.span).split_whitespace().collect();
            text.contains("->true}") || text.contains("->true)")
        };
        let allow_all_constant = site.call.args.iter().any(|a| {
            a.value
                .path()
                .is_some_and(|p| p.contains("ALLOW_ALL") || p.contains("NoopHostnameVerifier"))
        });
        if accepts_all || allow_all_constant {
            report(
                site.span,
                site.function.clone(),
                "TLS hostname verification is disabled: the HostnameVerifier accepts every host",
                "accept-all-hostname-verifier",
            );
        }
    }
}

/// True when a function's source has an empty body (`{}` or comments only).
fn body_is_empty(source: &str) -> bool {
    // `…) {}`, `…) = Unit`, `…): Unit {}`, Java `…) throws E {}`.
    body_text(source).is_some_and(|body| matches!(body.as_str(), "{}" | "=Unit" | ":Unit{}" | ":Unit=Unit"))
}

/// True when a function's source does nothing but answer `true`.
fn body_returns_true(source: &str) -> bool {
    // Java `…) { return true; }`, Kotlin `…) = true`, `…): Boolean = true`,
    // `…): Boolean { return true }`.
    body_text(source).is_some_and(|body| {
        matches!(
            body.as_str(),
            "{returntrue;}" | "=true" | ":Boolean=true" | ":Boolean{returntrue}"
        )
    })
}

/// A function's text after its parameter list and any Java `throws`
/// clause, without comments or whitespace.
fn body_text(source: &str) -> Option<String> {
    let without_comments: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    // The body starts after the parameter list closes.
    let close = without_comments.rfind(')')?;
    let body: String = without_comments[close + 1..].split_whitespace().collect();
    Some(match body.strip_prefix("throws") {
        Some(rest) => rest
            .find('{')
            .map_or(body.clone(), |open| rest[open..].to_string()),
        None => body,
    })
}

// --- Swift: trust-all URLSession delegates ----------------------------------

const TRUST_EVALUATION: &[&str] = &[
    "SecTrustEvaluateWithError",
    "SecTrustEvaluate",
    "SecTrustEvaluateAsyncWithError",
    "SecTrustEvaluateAsync",
    "SecTrustCopyCertificateChain",
    "SecTrustGetCertificateAtIndex",
    "SecCertificateCopyData",
    "SecTrustCopyKey",
    "SecCertificateCopyKey",
    "SecKeyCopyExternalRepresentation",
    "SecTrustCopyPublicKey",
    "evaluate",
    "performDefaultHandling",
];

fn is_use_credential(expr: &Expr) -> bool {
    matches!(expr, Expr::Ident(name) | Expr::Member(_, name)
        if name.trim_start_matches('.') == "useCredential")
}

fn trusts_server(expr: &Expr) -> bool {
    match expr {
        Expr::Call(call) => {
            call.callee
                .path()
                .is_some_and(|p| last_segment(&p) == "URLCredential")
                && has_label(call, "trust")
        }
        _ => false,
    }
}

fn trust_all_delegates(rule: &Rule, facts: &FileFacts, out: &mut FileAnalysis) {
    for function in &facts.functions {
        if last_segment(&function.name) != "urlSession" {
            continue;
        }
        let inside =
            |s: &Span| function.span.start_byte <= s.start_byte && s.end_byte <= function.span.end_byte;
        let calls: Vec<&CallSite> = facts.calls.iter().filter(|c| inside(&c.span)).collect();
        let accepts = calls.iter().find(|c| {
            c.call.args.iter().any(|a| is_use_credential(&a.value))
                && c.call.args.iter().any(|a| trusts_server(&a.value))
        });
        let Some(accept) = accepts else { continue };
        let evaluates = calls
            .iter()
            .any(|c| TRUST_EVALUATION.contains(&last_segment(&c.callee)));
        if evaluates {
            // Trust is evaluated or the certificate pinned: not a finding.
            continue;
        }
        let debug_only = inside_debug_block(facts, function.span.line);
        let detail = format!(
            "URLSessionDelegate `{}` accepts any server certificate (URLCredential(trust:) without evaluating the trust){}",
            function.name,
            if debug_only { " in an #if DEBUG block" } else { "" }
        );
        out.findings.push(
            Finding::new(rule, facts, accept.span)
                .fields(&[("detail", &detail), ("host", ""), ("url", "")])
                .function(Some(function.name.clone()))
                .matched("swift-trust-all")
                .build(),
        );
    }
}

/// True when `line` sits after an `#if DEBUG` that is not yet closed.
fn inside_debug_block(facts: &FileFacts, line: usize) -> bool {
    let mut depth_debug: Vec<bool> = Vec::new();
    for text in facts.lines.iter().take(line.saturating_sub(1)) {
        let t = text.trim();
        if let Some(cond) = t.strip_prefix("#if ") {
            depth_debug.push(cond.contains("DEBUG") && !cond.contains('!'));
        } else if t.starts_with("#endif") {
            depth_debug.pop();
        } else if t.starts_with("#else") || t.starts_with("#elseif") {
            if let Some(last) = depth_debug.last_mut() {
                *last = false;
            }
        }
    }
    depth_debug.iter().any(|d| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_bodies() {
        assert!(body_is_empty(
            "override fun checkServerTrusted(chain: Array<X509Certificate>?, authType: String?) {}"
        ));
        assert!(body_is_empty(
            "override fun checkServerTrusted(c: Array<X509Certificate>, a: String) {\n// trust\n}"
        ));
        assert!(!body_is_empty(
            "override fun checkServerTrusted(c: Array<X509Certificate>, a: String) {\ndefault.checkServerTrusted(c, a)\n}"
        ));
    }
}
