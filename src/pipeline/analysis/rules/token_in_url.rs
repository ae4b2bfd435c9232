//! `egress/token-in-url`: a credential (token, key, secret, password, an
//! auth-like identifier, or an env/config value with such a name) put into a
//! URL's path or query: in a sink's URL (joined with its client's base URL),
//! in any URL built by a call or a binding, through a query-parameter setter
//! (`searchParams.set`, `URLQueryItem`, `addQueryParameter`), or as a
//! framework's URL parameter (Retrofit `@Query`/`@Path`, from the catalog).

use super::shared::Finding;
use super::FileContext;
use crate::catalog::rules::{Framework, Rule};
use crate::model::host;
use crate::model::{Expr, FileFacts, Span};
use crate::model::{FileAnalysis, Origin};
use crate::pipeline::analysis::names;
use crate::pipeline::analysis::url::{resolve, Piece, Value};

pub fn check(cx: &FileContext, rule: &Rule, out: &mut FileAnalysis) {
    let (project, file, facts) = (cx.project, cx.file, cx.facts);
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
        let finding = Finding::new(rule, facts, span)
            .fields(&[
                ("credential", &credential),
                ("detail", &detail),
                ("host", host.as_deref().unwrap_or("an unknown host")),
                ("url", &rendered),
            ])
            .url_param(query_param_of(&rendered, &credential))
            .host(host)
            .function(function.map(str::to_string))
            .matched(format!("{credential}@{rendered}"));
        out.findings.push(finding.build());
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
    for sink in cx.sinks {
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
    for framework in cx.rules.sinks.frameworks(facts.lang) {
        framework_params(rule, framework, facts, out);
    }
}

/// Where in a URL a credential sits.
fn credential_place(value: &Value) -> Option<(String, &'static str)> {
    if host::has_local_scheme(&value.render()) {
        return None;
    }
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

/// A framework's URL parameters (Retrofit's `@Query("api_key") key: String`,
/// `@Path("token") token: String`): the credential goes into the URL.
/// `@Header`, `@Field` and `@Body` do not.
fn framework_params(rule: &Rule, framework: &Framework, facts: &FileFacts, out: &mut FileAnalysis) {
    let imports: Vec<String> = facts.imports.iter().map(|i| i.source.clone()).collect();
    if !framework.imported_by(&imports) {
        return;
    }
    let base = format!("the {} base URL", framework.api);
    let tag = framework.api.to_ascii_lowercase();
    for site in &facts.calls {
        let Some(place) = framework.url_param_place(&site.callee) else {
            continue;
        };
        let annotation = site
            .call
            .arg(Some("value"), 0)
            .and_then(Expr::as_str)
            .unwrap_or("");
        let param = site.assigned_to.as_deref().unwrap_or("");
        if !is_url_credential(annotation) && !is_url_credential(param) {
            continue;
        }
        let shown = if param.is_empty() { annotation } else { param };
        let detail = if place == "query" {
            format!("query (?{annotation}={{{shown}}})")
        } else {
            format!("path ({{{annotation}}})")
        };
        out.findings.push(
            Finding::new(rule, facts, site.span)
                .fields(&[
                    ("credential", shown),
                    ("detail", &detail),
                    ("host", &base),
                    ("url", ""),
                ])
                .function(site.function.clone())
                .matched(format!("{shown}@{tag}:{annotation}"))
                .build(),
        );
    }
}

/// Credential names, plus one-time access codes (`code`, `accessCode`, `otp`).
fn is_url_credential(name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    if names::is_credential_name(name) {
        return true;
    }
    let words = names::words(name);
    let has = |w: &str| words.iter().any(|x| x == w);
    (has("code") && (words.len() == 1 || has("access") || has("auth") || has("verification")))
        || has("otp")
        || (has("pin") && words.len() == 1)
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

    #[test]
    fn url_credentials() {
        assert!(is_url_credential("api_key"));
        assert!(is_url_credential("accessCode"));
        assert!(is_url_credential("code"));
        assert!(!is_url_credential("q"));
        assert!(!is_url_credential("zipCode"));
    }
}
