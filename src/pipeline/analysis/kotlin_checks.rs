//! Kotlin/Android-specific checks: Retrofit routes and their query/path
//! parameters, LAN service discovery (NSD), network tools run as
//! subprocesses, and TLS verification turned off (trust-all
//! `X509TrustManager`, a `HostnameVerifier` that accepts every host).

use super::detectors::{finding_at, message};
use super::discovery;
use super::names;
use super::scope::{Project, ProjectIndex};
use super::subprocess;
use super::url::{resolve, Piece, Value};
use crate::catalog::rules::{Rule, RuleSet};
use crate::model::host;
use crate::model::Lang;
use crate::model::SinkKind;
use crate::model::{CallSite, Expr, FileFacts, Span};
use crate::model::{EndpointHit, FileAnalysis, OutboundCall};

pub fn run(project: &Project, file: usize, rules: &RuleSet, out: &mut FileAnalysis) {
    let facts = project.facts(file);
    if facts.lang != Lang::Kotlin {
        return;
    }
    let enabled = |d: &str| rules.by_detector(d).filter(|r| r.languages.contains(&facts.lang));
    retrofit_routes(project, file, out);
    if let Some(rule) = enabled("token-in-url") {
        retrofit_credentials(rule, facts, out);
    }
    if let Some(rule) = enabled("lan-discovery") {
        lan_discovery(rule, project, file, out);
    }
    if let Some(rule) = enabled("subprocess-network") {
        subprocess_network(rule, project, file, out);
    }
    if let Some(rule) = enabled("insecure-transport") {
        tls_off(rule, facts, out);
    }
}

fn imports_any(facts: &FileFacts, prefix: &str) -> bool {
    facts.imports.iter().any(|i| i.source.starts_with(prefix))
}

const RETROFIT_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "HTTP"];

/// The base URL of the project's Retrofit builders (`.baseUrl(…)`), when
/// exactly one distinct literal host is configured. Computed once per
/// analysis, on first use.
fn retrofit_base(project: &Project) -> Option<Value> {
    let index = project.project_index();
    index
        .retrofit_base
        .get_or_init(|| find_retrofit_base(index))
        .clone()
}

fn find_retrofit_base(index: &ProjectIndex) -> Option<Value> {
    let mut found: Vec<Value> = Vec::new();
    for fi in 0..index.len() {
        let summary = &index.file(fi).summary;
        if summary.lang != Lang::Kotlin || !imports_any(summary, "retrofit2") {
            continue;
        }
        let facts = index.file(fi).facts();
        let project = index.open(fi, &facts);
        for site in facts.calls.iter().filter(|s| s.callee.ends_with(".baseUrl")) {
            let Some(arg) = site.call.args.first() else {
                continue;
            };
            let scope = project.scope(fi, site.function.as_deref());
            let value = resolve(&arg.value, &scope, 0);
            if !found.iter().any(|v| v.render() == value.render()) {
                found.push(value);
            }
        }
    }
    if found.len() == 1 {
        found.pop()
    } else {
        None
    }
}

/// `@GET("v1/items")` on an interface method: an outbound call whose URL is
/// the route joined with the project's Retrofit base URL.
fn retrofit_routes(project: &Project, file: usize, out: &mut FileAnalysis) {
    let facts = project.facts(file);
    if !imports_any(facts, "retrofit2") {
        return;
    }
    let routes: Vec<&CallSite> = facts
        .calls
        .iter()
        .filter(|s| RETROFIT_METHODS.contains(&s.callee.as_str()))
        .collect();
    if routes.is_empty() {
        return;
    }
    let base = retrofit_base(project);
    for site in routes {
        let path = match site
            .call
            .arg(Some("path"), if site.callee == "HTTP" { 1 } else { 0 })
        {
            Some(Expr::Str(p)) => p.clone(),
            _ => continue,
        };
        let scope = project.scope(file, site.function.as_deref());
        let value = if path.contains("://") {
            resolve(&Expr::Str(path.clone()), &scope, 0)
        } else if let Some(base) = &base {
            let mut v = base.clone();
            let joint = if base.render().ends_with('/') || path.starts_with('/') {
                ""
            } else {
                "/"
            };
            v.pieces.push(Piece::Lit {
                text: format!("{joint}{}", path.trim_start_matches('/')),
                name: None,
            });
            if path.starts_with('/') {
                // An absolute route replaces the base path.
                if let Some(parts) = host::split(&base.render()) {
                    v = Value {
                        pieces: vec![Piece::Lit {
                            text: format!("{}://{}{path}", parts.scheme, parts.host),
                            name: None,
                        }],
                        origin: base.origin,
                    };
                }
            }
            v
        } else {
            Value {
                pieces: vec![
                    Piece::Hole {
                        label: "baseUrl".into(),
                        origin: crate::model::Origin::Unknown,
                    },
                    Piece::Lit {
                        text: format!("/{}", path.trim_start_matches('/')),
                        name: None,
                    },
                ],
                origin: crate::model::Origin::Unknown,
            }
        };
        let rendered = value.render();
        let host_part = host::split(&rendered)
            .filter(|p| !p.host.starts_with('{'))
            .map(|p| (p.scheme.to_ascii_lowercase(), p.host.to_ascii_lowercase()));
        if let Some((scheme, h)) = &host_part {
            out.endpoints.push(EndpointHit {
                url: rendered.clone(),
                scheme: scheme.clone(),
                host: h.clone(),
                origin: value.origin,
                file: facts.path.clone(),
                span: site.span,
                literal_site: false,
            });
        }
        let mut call = OutboundCall::new(
            facts,
            site.span,
            "Retrofit",
            SinkKind::Http,
            site.function.clone(),
        );
        call.url = Some(rendered);
        call.host = host_part.map(|(_, h)| h);
        call.origin = value.origin;
        out.record_call(call);
    }
}

/// `@Query("api_key") key: String`, `@Path("token") token: String`: the
/// credential goes into the URL. `@Header`, `@Field` and `@Body` do not.
fn retrofit_credentials(rule: &Rule, facts: &FileFacts, out: &mut FileAnalysis) {
    if !imports_any(facts, "retrofit2") {
        return;
    }
    for site in &facts.calls {
        let place = match site.callee.as_str() {
            "Query" | "QueryName" => "query",
            "Path" => "path",
            _ => continue,
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
        let msg = message(
            rule,
            &[
                ("credential", shown),
                ("detail", &detail),
                ("host", "the Retrofit base URL"),
                ("url", ""),
            ],
        );
        out.findings.push(finding_at(
            rule,
            facts,
            site.span,
            None,
            site.function.clone(),
            msg,
            format!("{shown}@retrofit:{annotation}"),
        ));
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

fn arg_str(project: &Project, file: usize, site: &CallSite, expr: &Expr) -> Option<String> {
    let scope = project.scope(file, site.function.as_deref());
    let value = resolve(expr, &scope, 0);
    value.is_literal().then(|| value.render())
}

/// NSD (DNS-SD) registration and browsing on the local network.
fn lan_discovery(rule: &Rule, project: &Project, file: usize, out: &mut FileAnalysis) {
    let facts = project.facts(file);
    for site in &facts.calls {
        let last = site.callee.rsplit('.').next().unwrap_or("");
        let action = match last {
            "registerService" => "advertises",
            "discoverServices" => "browses for",
            _ => continue,
        };
        // NsdManager(info, protocol, listener) / discoverServices(type, protocol, listener).
        if site.call.args.len() < 2 {
            continue;
        }
        let function = site.function.as_deref();
        let same_fn = |f: Option<&str>| f == function;
        let service_type = if last == "discoverServices" {
            site.call
                .args
                .first()
                .and_then(|a| arg_str(project, file, site, &a.value))
        } else {
            // `serviceType = "_x._tcp"` / `setServiceType("_x._tcp")` in the same function.
            facts
                .bindings
                .iter()
                .filter(|b| same_fn(b.function.as_deref()))
                .find(|b| b.name == "serviceType" || b.name.ends_with(".serviceType"))
                .and_then(|b| match &b.value {
                    Expr::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .or_else(|| {
                    facts
                        .calls
                        .iter()
                        .filter(|c| same_fn(c.function.as_deref()) && c.callee.ends_with("setServiceType"))
                        .find_map(|c| {
                            c.call
                                .args
                                .first()
                                .and_then(|a| a.value.as_str().map(str::to_string))
                        })
                })
        };
        let mut keys: Vec<String> = Vec::new();
        if last == "registerService" {
            for c in facts.calls.iter().filter(|c| {
                same_fn(c.function.as_deref()) && c.callee.rsplit('.').next() == Some("setAttribute")
            }) {
                if let Some(Expr::Str(k)) = c.call.args.first().map(|a| &a.value) {
                    if !keys.contains(k) {
                        keys.push(k.clone());
                    }
                }
            }
        }
        let announcement = discovery::Announcement {
            api: "NsdManager",
            action,
            service: service_type,
            port: None,
            keys,
        };
        discovery::report(rule, facts, out, site.span, site.function.clone(), announcement);
    }
}

/// `ProcessBuilder("curl", url)`, `Runtime.getRuntime().exec("ssh host")`.
fn subprocess_network(rule: &Rule, project: &Project, file: usize, out: &mut FileAnalysis) {
    let facts = project.facts(file);
    for site in &facts.calls {
        let is_spawn = matches!(
            site.callee.as_str(),
            "ProcessBuilder" | "java.lang.ProcessBuilder"
        ) || site.callee.ends_with("getRuntime().exec");
        if !is_spawn {
            continue;
        }
        // Flatten `listOf(...)`/`arrayOf(...)` and split a single command line.
        let mut argv: Vec<String> = Vec::new();
        for arg in &site.call.args {
            let items: Vec<&Expr> = match &arg.value {
                Expr::Call(c)
                    if matches!(
                        c.callee.path().as_deref(),
                        Some("listOf" | "arrayOf" | "mutableListOf")
                    ) =>
                {
                    c.args.iter().map(|a| &a.value).collect()
                }
                other => vec![other],
            };
            for item in items {
                let scope = project.scope(file, site.function.as_deref());
                let rendered = resolve(item, &scope, 0).render();
                argv.extend(rendered.split_whitespace().map(str::to_string));
            }
        }
        subprocess::report(rule, facts, out, &argv, site.span, site.function.clone());
    }
}

/// Trust-all `X509TrustManager` and accept-all `HostnameVerifier`.
fn tls_off(rule: &Rule, facts: &FileFacts, out: &mut FileAnalysis) {
    let source_of = |span: Span| -> String {
        let end = span.end_line.min(span.line + 40);
        (span.line..=end)
            .map(|l| facts.snippet(l))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut report = |span: Span, function: Option<String>, detail: &str, matched: &str| {
        let msg = message(rule, &[("detail", detail), ("host", "any host"), ("url", "")]);
        out.findings.push(finding_at(
            rule,
            facts,
            span,
            None,
            function,
            msg,
            matched.to_string(),
        ));
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
            text.contains("->true}")
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
    let without_comments: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    // The body starts after the parameter list closes.
    let Some(close) = without_comments.rfind(')') else {
        return false;
    };
    let body: String = without_comments[close + 1..].split_whitespace().collect();
    // `…) {}`, `…) = Unit`, `…): Unit {}`.
    body == "{}" || body == "=Unit" || body == ":Unit{}" || body == ":Unit=Unit"
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

    #[test]
    fn url_credentials() {
        assert!(is_url_credential("api_key"));
        assert!(is_url_credential("accessCode"));
        assert!(is_url_credential("code"));
        assert!(!is_url_credential("q"));
        assert!(!is_url_credential("zipCode"));
    }
}
