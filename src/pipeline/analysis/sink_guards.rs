//! Guards and redirects on each sink, and what the two SSRF rules
//! (`egress/redirect-without-host-check`, `egress/unvalidated-url-fetch`)
//! read from them, computed once per file.
//!
//! Decisions, in the reviewer's terms:
//! - A redirect is safe only when a guard is applied to the redirect target
//!   itself: a `Location`-derived URL needs a guard call in the same function
//!   whose argument is that URL, or must go through a wrapper that guards its
//!   own URL parameter (a recursive downloader that validates at the top).
//! - A guard on the first URL does not protect later hops: a guarded request
//!   to a non-literal URL with a client that follows redirects (fetch, axios,
//!   got and ky do by default) is reported, unless `redirect: "manual"` /
//!   `"error"`, `maxRedirects: 0` or `followRedirect: false` is set.
//! - URLs from a response or from user input fetched with no guard are
//!   `unvalidated-url-fetch`. Parameter URLs are followed to the call sites of
//!   the function instead (wrappers); config URLs are operator-controlled and
//!   not reported.

use super::calls::Sink;
use super::guards::Guards;
use super::scope::Project;
use super::url::{resolve, Piece, Value};
use crate::catalog::rules::SinkCatalog;
use crate::model::Origin;
use crate::model::{CallSite, Expr};

/// Fills `guard` and `redirects` of a sink's call.
pub fn annotate(project: &Project, file: usize, sink: &mut Sink, guards: &Guards, catalog: &SinkCatalog) {
    if sink.call.redirects.is_none() {
        let mut mode = redirect_mode(sink.site(project.facts(file)), &sink.call.api, catalog);
        if mode.starts_with("follow") && client_disables_redirects(project.facts(file)) {
            mode = "manual (client setting)".into();
        }
        sink.call.redirects = Some(mode);
    }
    if sink.call.guard.is_none() {
        sink.call.guard = guard_for(
            project,
            file,
            sink.site(project.facts(file)),
            sink.value.as_ref(),
            guards,
        );
    }
}

fn redirect_mode(site: &CallSite, api: &str, catalog: &SinkCatalog) -> String {
    for arg in &site.call.args {
        let Expr::Object(fields) = &arg.value else {
            continue;
        };
        for (key, value) in fields {
            match (key.as_str(), value) {
                ("redirect", Expr::Str(mode)) => return mode.clone(),
                ("maxRedirects" | "maxRedirections", Expr::Number(n)) if n == "0" => return "manual".into(),
                ("followRedirect" | "followRedirects" | "follow", Expr::Bool(false)) => {
                    return "manual".into()
                }
                ("follow", Expr::Number(n)) if n == "0" => return "manual".into(),
                _ => {}
            }
        }
    }
    if catalog.follows_redirects(api) {
        "follow (default)".into()
    } else {
        "not followed".into()
    }
}

/// OkHttp `followRedirects(false)`, `HttpURLConnection.instanceFollowRedirects
/// = false` / `setFollowRedirects(false)` in the same file.
fn client_disables_redirects(facts: &crate::model::FileFacts) -> bool {
    let off = |e: &Expr| matches!(e, Expr::Bool(false));
    facts.calls.iter().any(|c| {
        let last = c.callee.rsplit('.').next().unwrap_or("");
        matches!(
            last,
            "followRedirects" | "setFollowRedirects" | "setInstanceFollowRedirects" | "followSslRedirects"
        ) && c.call.args.first().is_some_and(|a| off(&a.value))
    }) || facts.bindings.iter().any(|b| {
        (b.name.ends_with("instanceFollowRedirects") || b.name.ends_with("followRedirects")) && off(&b.value)
    })
}

fn has_response_hole(value: &Value) -> bool {
    value.pieces.iter().any(|p| {
        matches!(
            p,
            Piece::Hole {
                origin: Origin::Response,
                ..
            }
        )
    })
}

/// The guard applied to this sink's URL in its function, if any.
fn guard_for(
    project: &Project,
    file: usize,
    site: &CallSite,
    value: Option<&Value>,
    guards: &Guards,
) -> Option<String> {
    let facts = project.facts(file);
    let needs_target = value.is_some_and(has_response_hole);
    let scope = project.scope(file, site.function.as_deref());
    facts
        .calls
        .iter()
        .filter(|c| c.function == site.function && guards.is_guard(&c.callee, facts.lang))
        // A guard is handed what it checks: `config.apply { … }` is a
        // scope function, not a function named `apply` that checks hosts.
        .filter(|c| c.call.args.iter().any(|a| !matches!(a.value, Expr::Function)))
        .find(|c| {
            if !needs_target {
                return true;
            }
            // The guard must see the redirect target itself.
            c.call
                .args
                .iter()
                .any(|a| has_response_hole(&resolve(&a.value, &scope, 0)))
        })
        .map(|c| c.callee.rsplit('.').next().unwrap_or(&c.callee).to_string())
}

/// What the SSRF rules read from one sink.
pub struct SinkRisk {
    /// The URL as reported (`an unknown URL` when unresolved).
    pub url: String,
    /// The API, or the chain of wrappers the call went through.
    pub via: String,
    /// Why the redirect this sink follows or requests is unchecked, if it is.
    pub redirect: Option<String>,
}

/// The verdict of each sink, in order.
pub fn risks(sinks: &[Sink]) -> Vec<SinkRisk> {
    sinks.iter().map(risk).collect()
}

fn risk(sink: &Sink) -> SinkRisk {
    let call = &sink.call;
    let url = call.url.clone().unwrap_or_else(|| "an unknown URL".into());
    let follows = call.redirects.as_deref().is_some_and(|m| m.starts_with("follow"));
    let location = sink.value.as_ref().is_some_and(|v| {
        v.pieces.iter().any(|p| matches!(p, Piece::Hole { origin: Origin::Response, label } if label.to_ascii_lowercase().contains("location")))
    });
    let via = if call.via.is_empty() {
        call.api.clone()
    } else {
        call.via.join(" → ")
    };
    let redirect = if location && call.guard.is_none() {
        Some(format!(
            "the redirect target {url} from a Location header is requested with {via} without a host check"
        ))
    } else if follows
        && call.via.is_empty()
        && matches!(
            call.origin,
            Origin::Parameter | Origin::Response | Origin::User | Origin::Unknown
        )
    {
        call.guard.as_ref().map(|g| {
            format!("`{g}` checks only the first URL; {via} follows redirects ({}) to hosts that are never checked", call.redirects.as_deref().unwrap_or("follow"))
        })
    } else {
        None
    };
    SinkRisk { url, via, redirect }
}
