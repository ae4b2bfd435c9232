//! Endpoint literals: URLs and hosts written in the code that are network
//! destinations rather than references.
//!
//! A URL literal is an **endpoint** when it is the whole string (not prose),
//! sits in a destination position — bound to a URL-ish name (`baseUrl`,
//! `API_ENDPOINT`, `host`, `urls`…) or to a constant that some request in the
//! project uses — and is not an argument of a logging, error or UI-text call,
//! nor bound to a documentation-like name (`docsUrl`, `helpLink`, `homepage`).
//! URLs passed straight to a network call are endpoints of that call. A bare host
//! (`api.x.com`) counts only under a host-like key (`host`, `hostname`,
//! `baseURL`…). Documentation hosts (`example.com`, `schema.org`, XML
//! namespaces) are never endpoints. Everything else is a *reference* and is
//! left out of the inventory.

use std::collections::HashSet;

use super::calls::Sink;
use super::host;
use super::names;
use super::scope::Project;
use super::{EndpointHit, Origin};
use crate::model::StringLit;

pub fn endpoint_literals(
    project: &Project,
    file: usize,
    sinks: &[Sink],
    used: &HashSet<String>,
) -> Vec<EndpointHit> {
    let facts = project.files[file];
    let mut out = Vec::new();
    for lit in &facts.strings {
        let inside_sink = sinks.iter().any(|s| {
            s.site.span.start_byte <= lit.span.start_byte && lit.span.end_byte <= s.site.span.end_byte
        });
        if inside_sink {
            continue;
        }
        // Inside the definition of a constant that some request uses.
        let used_here = facts.bindings.iter().any(|b| {
            b.span.start_byte <= lit.span.start_byte
                && lit.span.end_byte <= b.span.end_byte
                && (used.contains(&b.name) || b.name.rsplit('.').next().is_some_and(|n| used.contains(n)))
        });
        if let Some((url, scheme, host)) = classify(lit, used_here) {
            let origin = if lit.context.key.is_some() && lit.function.is_none() {
                Origin::Constant
            } else {
                Origin::Literal
            };
            out.push(EndpointHit {
                url,
                scheme,
                host,
                origin,
                file: facts.path.clone(),
                span: lit.span,
                literal_site: true,
            });
        }
    }
    out
}

/// `(url, scheme, host)` when the literal is an endpoint.
pub fn classify(lit: &StringLit, used_here: bool) -> Option<(String, String, String)> {
    let value = lit.value.trim();
    if value.is_empty() || value.len() > 2048 || value.chars().any(char::is_whitespace) {
        return None;
    }
    if lit.context.in_call.as_deref().is_some_and(is_reference_call) {
        return None;
    }
    if lit.context.key.as_deref().is_some_and(is_reference_name) {
        return None;
    }
    if let Some(parts) = host::split(value) {
        // A destination position: a URL-ish name, or a constant some request uses.
        let positioned = used_here
            || lit.context.key.as_deref().is_some_and(|k| {
                names::is_url_key(k) && !names::words(k).iter().any(|w| w == "href" || w == "link")
            });
        if !positioned {
            return None;
        }
        let hostname = parts.host.to_ascii_lowercase();
        if host::is_documentation(&hostname) || hostname.starts_with('{') || !plausible_host(&hostname) {
            return None;
        }
        return Some((value.to_string(), parts.scheme.to_ascii_lowercase(), hostname));
    }
    // A bare host under a host-like key.
    let key = lit.context.key.as_deref()?;
    let key_words = names::words(key);
    let host_key = key_words.iter().any(|w| {
        matches!(
            w.as_str(),
            "host" | "hostname" | "domain" | "server" | "endpoint" | "baseurl" | "url" | "origin"
        )
    });
    // `METRO_HOST_PROP_NAME = "metro.host"`: the name of a host setting, not a host.
    let names_a_setting = key_words
        .iter()
        .any(|w| matches!(w.as_str(), "name" | "prop" | "property" | "key" | "env" | "pref"));
    if host_key
        && !names_a_setting
        && plausible_host(value)
        && !host::is_documentation(value)
        && value.contains('.')
    {
        return Some((value.to_string(), String::new(), value.to_ascii_lowercase()));
    }
    None
}

/// Host-name characters, a letter somewhere, and a dotted name or a port-style
/// local name.
fn plausible_host(host: &str) -> bool {
    let name = host::hostname(host);
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']' | '{' | '}'))
        && (name.contains('.') || name == "localhost" || name.contains(':'))
        && !name.ends_with('.')
        && !name.starts_with('.')
        && !name
            .split('.')
            .next_back()
            .is_some_and(|tld| FILE_EXTENSIONS.contains(&tld))
}

const FILE_EXTENSIONS: &[&str] = &[
    "js", "ts", "json", "png", "jpg", "svg", "html", "css", "md", "txt", "swift", "kt", "xml",
];

/// Calls whose string arguments are messages, not destinations.
fn is_reference_call(callee: &str) -> bool {
    let last = callee.rsplit('.').next().unwrap_or(callee);
    let root = callee.split('.').next().unwrap_or(callee);
    matches!(
        root,
        "console"
            | "logger"
            | "log"
            | "Log"
            | "Logger"
            | "os_log"
            | "NSLog"
            | "print"
            | "println"
            | "Timber"
            | "debug"
            | "i18n"
            | "chalk"
            | "core"
    ) || matches!(
        last,
        "log"
            | "info"
            | "warn"
            | "warning"
            | "error"
            | "debug"
            | "trace"
            | "fatal"
            | "print"
            | "println"
            | "printf"
            | "Error"
            | "TypeError"
            | "RangeError"
            | "alert"
            | "confirm"
            | "t"
            | "translate"
            | "localized"
            | "NSLocalizedString"
            | "describe"
            | "it"
            | "test"
            | "require"
            | "import"
            | "addHelpText"
            | "description"
            | "usage"
            | "option"
            | "notify"
            | "toast"
            | "reply"
            | "sendMessage"
            | "setText"
            | "Text"
            | "openURL"
            | "open"
            | "openExternal"
            | "Exception"
            | "IllegalStateException"
            | "IllegalArgumentException"
            | "RuntimeException"
    )
}

/// Binding or key names of links shown to people.
fn is_reference_name(name: &str) -> bool {
    names::words(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "doc"
                | "docs"
                | "documentation"
                | "help"
                | "homepage"
                | "website"
                | "repo"
                | "repository"
                | "license"
                | "licence"
                | "support"
                | "learn"
                | "guide"
                | "readme"
                | "issues"
                | "bugs"
                | "changelog"
                | "privacy"
                | "terms"
                | "tos"
                | "faq"
                | "schema"
                | "namespace"
                | "xmlns"
                | "description"
                | "message"
                | "msg"
                | "hint"
                | "tutorial"
                | "author"
                | "funding"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Span, StringContext};

    fn lit(value: &str, key: Option<&str>, in_call: Option<&str>) -> StringLit {
        StringLit {
            value: value.into(),
            span: Span::default(),
            context: StringContext {
                key: key.map(Into::into),
                in_call: in_call.map(Into::into),
            },
            function: None,
        }
    }

    #[test]
    fn endpoints_and_references() {
        assert!(classify(&lit("https://api.openai.com/v1", Some("BASE_URL"), None), false).is_some());
        // A URL in no destination position is a reference…
        assert!(classify(&lit("https://api.openai.com/v1", None, None), false).is_none());
        assert!(classify(&lit("https://crbug.com/1", Some("href"), None), false).is_none());
        // …unless a request uses the constant it is bound to.
        assert!(classify(&lit("https://api.telegram.org", Some("TELEGRAM"), None), true).is_some());
        assert!(classify(&lit("See https://docs.x.dev/setup", None, None), false).is_none());
        assert!(classify(&lit("https://docs.x.dev/setup", None, Some("console.log")), false).is_none());
        assert!(classify(&lit("https://docs.x.dev/setup", Some("docsUrl"), None), false).is_none());
        assert!(classify(&lit("http://www.w3.org/2000/svg", Some("xmlns"), None), false).is_none());
        assert!(classify(&lit("https://example.com/a", None, None), false).is_none());
        let host = classify(&lit("api.slack.com", Some("host"), None), false).unwrap();
        assert_eq!(host.2, "api.slack.com");
        assert!(classify(&lit("index.js", Some("host"), None), false).is_none());
        assert!(classify(&lit("hello.world", Some("message"), None), false).is_none());
    }
}
