//! The built-in detectors named by rules' `detector:` field.

use super::calls::Sink;
use super::names;
use super::scope::Project;
use super::url::{resolve, Piece, Value};
use super::{host_allowed, AnalysisOptions};
use crate::catalog::rules::{Rule, RuleSet};
use crate::model::host;
use crate::model::{Expr, FileFacts, Span};
use crate::model::{FileAnalysis, Origin, RawFinding};

pub fn run(
    project: &Project,
    file: usize,
    rules: &RuleSet,
    options: &AnalysisOptions,
    sinks: &[Sink],
    out: &mut FileAnalysis,
) {
    let facts = project.facts(file);
    let enabled = |d: &str| rules.by_detector(d).filter(|r| r.languages.contains(&facts.lang));
    if let Some(rule) = enabled("hardcoded-endpoint") {
        hardcoded_endpoints(rule, facts, options, out);
    }
    if let Some(rule) = enabled("token-in-url") {
        token_in_url(rule, project, file, sinks, out);
    }
    if let Some(rule) = enabled("insecure-transport") {
        insecure_transport(rule, facts, options, out);
    }
    super::ssrf::run(
        rules,
        &|r: &Rule| r.languages.contains(&facts.lang),
        project,
        file,
        sinks,
        out,
    );
    user_queries(rules, facts, out);
    super::kotlin_checks::run(project, file, rules, out);
    super::swift_checks::run(project, file, rules, out);
    super::ts_checks::run(project, file, rules, out);
}

/// Fills `{placeholders}` of a rule message.
pub fn message(rule: &Rule, fields: &[(&str, &str)]) -> String {
    let mut text = rule.message.clone();
    for (key, value) in fields {
        text = text.replace(&format!("{{{key}}}"), value);
    }
    text
}

pub fn finding_at(
    rule: &Rule,
    facts: &FileFacts,
    span: Span,
    host: Option<String>,
    function: Option<String>,
    message: String,
    matched: String,
) -> RawFinding {
    RawFinding {
        rule_id: rule.id.clone(),
        message,
        file: facts.path.clone(),
        span,
        host,
        function,
        matched,
        url_param: None,
    }
}

fn function_at(facts: &FileFacts, span: Span) -> Option<String> {
    facts
        .functions
        .iter()
        .filter(|f| f.span.start_byte <= span.start_byte && span.end_byte <= f.span.end_byte)
        .min_by_key(|f| f.span.end_byte - f.span.start_byte)
        .map(|f| f.name.clone())
}

fn hardcoded_endpoints(rule: &Rule, facts: &FileFacts, options: &AnalysisOptions, out: &mut FileAnalysis) {
    let mut seen = std::collections::HashSet::new();
    let mut found = Vec::new();
    for hit in &out.endpoints {
        if !hit.literal_site
            || host::is_loopback(&hit.host)
            || host::is_documentation(&hit.host)
            || host_allowed(&hit.host, &options.allowed_hosts)
            || !seen.insert((hit.url.clone(), hit.span.line))
        {
            continue;
        }
        let msg = message(rule, &[("url", &hit.url), ("host", &hit.host)]);
        found.push(finding_at(
            rule,
            facts,
            hit.span,
            Some(hit.host.clone()),
            function_at(facts, hit.span),
            msg,
            hit.url.clone(),
        ));
    }
    out.findings.extend(found);
}

/// Where in a URL a credential sits.
fn credential_place(value: &Value) -> Option<(String, &'static str)> {
    let mut text = String::new();
    // `${baseUrl}/bot${token}`: an unresolved base URL, then a path.
    let url_base =
        matches!(value.pieces.first(), Some(Piece::Hole { label, .. }) if names::is_url_key(label));
    for piece in &value.pieces {
        // Before the scheme or inside scheme://authority: not path or query.
        let in_authority = match text.split_once("://") {
            Some((_, after)) => !after.contains(['/', '?', '#']),
            None => !(url_base && text.contains(['/', '?'])),
        };
        let place = if text.contains('?') { "query" } else { "path" };
        match piece {
            Piece::Hole { label, .. } => {
                if !in_authority {
                    let param = query_param_before(&text);
                    let short = label.rsplit('.').next().unwrap_or(label);
                    if names::is_credential_name(short) || param.is_some_and(names::is_credential_name) {
                        return Some((label.clone(), place));
                    }
                }
                text.push('{');
                text.push_str(label);
                text.push('}');
            }
            Piece::Lit { text: t, name } => {
                if !in_authority {
                    if let Some(n) = name {
                        if names::is_credential_name(n) {
                            return Some((n.clone(), place));
                        }
                    }
                }
                text.push_str(t);
            }
        }
        // A literal credential written straight into the query string.
        if let Some(query) = text.split_once('?').map(|(_, q)| q) {
            for pair in query.split('&') {
                if let Some((k, v)) = pair.split_once('=') {
                    if names::is_credential_name(k) && v.len() >= 16 && !v.contains('{') {
                        return Some((k.to_string(), "query"));
                    }
                }
            }
        }
    }
    None
}

/// True when an argument (or a part of a concatenated argument) is the
/// variable or field named `credential`.
fn passes_name(args: &[crate::model::Arg], credential: &str) -> bool {
    let wanted = credential.rsplit('.').next().unwrap_or(credential);
    args.iter().any(|a| match &a.value {
        Expr::Concat(parts) => parts.iter().any(|p| p.last_name() == Some(wanted)),
        other => other.last_name() == Some(wanted),
    })
}

/// The query parameter of `url` (rendered with `{placeholders}`) whose
/// value is `credential`, or which is itself named `credential`.
fn query_param_of(url: &str, credential: &str) -> Option<String> {
    let hole = format!("{{{credential}}}");
    let (_, query) = url.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == credential || value.contains(&hole)).then(|| key.to_string())
    })
}

/// `…?api_key=` or `…&token=` immediately before an interpolation.
fn query_param_before(text: &str) -> Option<&str> {
    let before = text.strip_suffix('=')?;
    let start = before.rfind(['?', '&', ';'])?;
    Some(&before[start + 1..])
}

fn token_in_url(rule: &Rule, project: &Project, file: usize, sinks: &[Sink], out: &mut FileAnalysis) {
    let facts = project.facts(file);
    let mut seen_lines = std::collections::HashSet::new();
    // One finding per credential and URL in a function: the request that
    // sends a URL and the `URL(string:)`/template that built it a line
    // earlier are one leak (the request, checked first, is reported).
    let mut seen_urls = std::collections::HashSet::new();
    let mut report = |span: Span,
                      function: Option<&str>,
                      value: &Value,
                      credential: String,
                      place: &str,
                      out: &mut FileAnalysis| {
        let rendered = value.render();
        if !seen_lines.insert((span.line, credential.clone()))
            || !seen_urls.insert((function.map(str::to_string), credential.clone(), rendered.clone()))
        {
            return;
        }
        let host = host::split(&rendered).map(|p| host::hostname(&p.host));
        let detail = format!("{place} ({rendered})");
        let msg = message(
            rule,
            &[
                ("credential", &credential),
                ("detail", &detail),
                ("host", host.as_deref().unwrap_or("an unknown host")),
                ("url", &rendered),
            ],
        );
        let mut finding = finding_at(
            rule,
            facts,
            span,
            host,
            function.map(str::to_string),
            msg,
            format!("{credential}@{rendered}"),
        );
        finding.url_param = query_param_of(&rendered, &credential);
        out.findings.push(finding);
    };

    let check = |expr: &Expr, function: Option<&str>| -> Option<(Value, String, &'static str)> {
        if !matches!(expr, Expr::Concat(_) | Expr::Call(_)) {
            return None;
        }
        let scope = project.scope(file, function);
        let value = resolve(expr, &scope, 0);
        let (credential, place) = credential_place(&value)?;
        Some((value, credential, place))
    };

    // Sink URLs joined with a client's base URL.
    for sink in sinks {
        let Some(value) = &sink.value else { continue };
        let Some((credential, place)) = credential_place(value) else {
            continue;
        };
        // Through a wrapper, report only credentials this call site passes in;
        // the wrapper's own URL template is reported inside the wrapper.
        if !sink.call.via.is_empty() && !passes_name(&sink.site(facts).call.args, &credential) {
            continue;
        }
        report(
            sink.span,
            sink.call.function.as_deref(),
            value,
            credential,
            place,
            out,
        );
    }
    for site in &facts.calls {
        for arg in &site.call.args {
            if let Some((value, credential, place)) = check(&arg.value, site.function.as_deref()) {
                report(
                    site.span,
                    site.function.as_deref(),
                    &value,
                    credential,
                    place,
                    out,
                );
            }
        }
        // url.searchParams.set("key", apiKey), URLQueryItem(name: "token", value: t),
        // HttpUrl.Builder().addQueryParameter("api_key", key).
        let last = site.callee.rsplit('.').next().unwrap_or("");
        let is_query_setter = (matches!(last, "set" | "append") && site.callee.contains("searchParams"))
            || matches!(
                last,
                "URLQueryItem"
                    | "addQueryParameter"
                    | "addEncodedQueryParameter"
                    | "appendQueryParameter"
                    | "queryParam"
                    | "parameter"
            );
        if is_query_setter {
            let name = site.call.arg(Some("name"), 0);
            let value = site.call.arg(Some("value"), 1);
            if let (Some(Expr::Str(param)), Some(v)) = (name, value) {
                let value_name = v.last_name().unwrap_or("");
                if names::is_credential_name(param) || names::is_credential_name(value_name) {
                    let shown = if value_name.is_empty() {
                        param.clone()
                    } else {
                        value_name.to_string()
                    };
                    let url = Value {
                        pieces: vec![
                            Piece::Lit {
                                text: format!("?{param}="),
                                name: None,
                            },
                            Piece::Hole {
                                label: shown.clone(),
                                origin: Origin::Unknown,
                            },
                        ],
                        origin: Origin::Unknown,
                    };
                    report(site.span, site.function.as_deref(), &url, shown, "query", out);
                }
            }
        }
    }
    for binding in &facts.bindings {
        if let Some((value, credential, place)) = check(&binding.value, binding.function.as_deref()) {
            report(
                binding.span,
                binding.function.as_deref(),
                &value,
                credential,
                place,
                out,
            );
        }
    }
}

fn insecure_transport(rule: &Rule, facts: &FileFacts, options: &AnalysisOptions, out: &mut FileAnalysis) {
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
        let msg = message(
            rule,
            &[("detail", &detail), ("host", &hit.host), ("url", &hit.url)],
        );
        found.push(finding_at(
            rule,
            facts,
            hit.span,
            Some(hit.host.clone()),
            function_at(facts, hit.span),
            msg,
            hit.url.clone(),
        ));
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
        let msg = message(rule, &[("detail", &detail), ("host", "any host"), ("url", "")]);
        found.push(finding_at(
            rule,
            facts,
            span,
            None,
            function,
            msg,
            "tls-verification-off".into(),
        ));
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

/// Results of user rules written as tree-sitter queries.
fn user_queries(rules: &RuleSet, facts: &FileFacts, out: &mut FileAnalysis) {
    for m in &facts.query_matches {
        let Some(rule) = rules.rules.get(m.rule_index) else {
            continue;
        };
        let msg = message(
            rule,
            &[("match", &m.text), ("detail", &m.text), ("host", ""), ("url", "")],
        );
        out.findings.push(finding_at(
            rule,
            facts,
            m.span,
            None,
            m.function.clone(),
            msg,
            m.text.clone(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(t: &str) -> Piece {
        Piece::Lit {
            text: t.into(),
            name: None,
        }
    }
    fn hole(l: &str) -> Piece {
        Piece::Hole {
            label: l.into(),
            origin: Origin::Parameter,
        }
    }

    #[test]
    fn query_param_of_a_credential() {
        let url = "https://api.x.io/track?v=2&token={cfg.token}&sentry_key=abc";
        assert_eq!(query_param_of(url, "cfg.token").as_deref(), Some("token"));
        assert_eq!(query_param_of(url, "sentry_key").as_deref(), Some("sentry_key"));
        assert_eq!(query_param_of("https://api.x.io/bot{token}/send", "token"), None);
    }

    #[test]
    fn credential_in_path_and_query() {
        let v = Value {
            pieces: vec![
                lit("https://api.telegram.org/bot"),
                hole("botToken"),
                lit("/send"),
            ],
            origin: Origin::Literal,
        };
        assert_eq!(credential_place(&v), Some(("botToken".into(), "path")));
        let v = Value {
            pieces: vec![lit("https://x.io/v1?key="), hole("k")],
            origin: Origin::Literal,
        };
        assert_eq!(credential_place(&v), Some(("k".into(), "query")));
        let v = Value {
            pieces: vec![lit("https://"), hole("tokenHost"), lit("/a")],
            origin: Origin::Literal,
        };
        assert_eq!(credential_place(&v), None);
        let v = Value {
            pieces: vec![lit("https://x.io/items/"), hole("cacheKey")],
            origin: Origin::Literal,
        };
        assert_eq!(credential_place(&v), None);
    }
}
