//! Endpoint literals: URLs and hosts written in the code that are network
//! destinations rather than references.
//!
//! A URL literal is an **endpoint** when it is the whole string (not prose),
//! sits in a destination position — bound to a URL-ish name (`baseUrl`,
//! `API_ENDPOINT`, `host`, `urls`…) or to a constant that some request in the
//! project uses — and is not an argument of a logging, error or UI-text call,
//! nor bound to a documentation-like name (`docsUrl`, `helpLink`, `homepage`).
//! URLs passed straight to a network call are endpoints of that call. A URL
//! passed as a positional argument has no name of its own; it is an endpoint
//! when the call takes it as a destination (see [`positional_destination`]).
//! A bare host
//! (`api.x.com`) counts only under a host-like key (`host`, `hostname`,
//! `baseURL`…). Documentation hosts (`example.com`, `schema.org`, XML
//! namespaces) are never endpoints. Everything else is a *reference* and is
//! left out of the inventory.

use std::collections::HashSet;

use super::calls::Sink;
use super::names;
use super::scope::Project;
use crate::model::host;
use crate::model::Lang;
use crate::model::{CallSite, FileFacts, StringLit};
use crate::model::{EndpointHit, Origin};

pub fn endpoint_literals(
    project: &Project,
    file: usize,
    sinks: &[Sink],
    used: &HashSet<String>,
) -> Vec<EndpointHit> {
    let facts = project.facts(file);
    let mut out = Vec::new();
    // The file's calls by start, built for the first positional URL only.
    let mut calls: Option<Vec<&CallSite>> = None;
    for lit in &facts.strings {
        let inside_sink = sinks
            .iter()
            .any(|s| s.span.start_byte <= lit.span.start_byte && lit.span.end_byte <= s.span.end_byte);
        if inside_sink {
            continue;
        }
        // Inside the definition of a constant that some request uses.
        let used_here = facts.bindings.iter().any(|b| {
            b.span.start_byte <= lit.span.start_byte
                && lit.span.end_byte <= b.span.end_byte
                && (used.contains(&b.name) || b.name.rsplit('.').next().is_some_and(|n| used.contains(n)))
        });
        let positional = !used_here
            && lit.context.key.is_none()
            && is_web_url(&lit.value)
            && positional_destination(
                project,
                file,
                calls.get_or_insert_with(|| calls_by_start(facts)),
                lit,
            );
        if let Some((url, scheme, host)) = classify(lit, used_here || positional) {
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

/// `(url, scheme, host)` when the literal is an endpoint. `positioned`: the
/// literal sits in a destination position its key does not show (a constant
/// some request uses, a URL argument of a constructor).
pub fn classify(lit: &StringLit, positioned: bool) -> Option<(String, String, String)> {
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
        // A destination position: a URL-ish name, or a constant some request
        // uses. A STUN/TURN URI has no other use than naming an ICE server,
        // wherever it is written (`RTCIceServer(urlStrings: Ice.servers)`).
        let ice = matches!(
            parts.scheme.to_ascii_lowercase().as_str(),
            "stun" | "stuns" | "turn" | "turns"
        );
        let positioned = positioned
            || ice
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
        && has_host_suffix(value)
        && !host::is_documentation(value)
        && value.contains('.')
    {
        return Some((value.to_string(), String::new(), value.to_ascii_lowercase()));
    }
    None
}

/// An http(s) or ws(s) URL written whole, the kind of URL an SDK passes
/// around as a base.
fn is_web_url(value: &str) -> bool {
    let value = value.trim();
    !value.chars().any(char::is_whitespace)
        && host::split(value).is_some_and(|p| {
            ["http", "https", "ws", "wss"]
                .iter()
                .any(|s| p.scheme.eq_ignore_ascii_case(s))
        })
}

/// The calls of a file by start, outer calls before the calls they start with.
fn calls_by_start(facts: &FileFacts) -> Vec<&CallSite> {
    let mut calls: Vec<&CallSite> = facts.calls.iter().collect();
    calls.sort_by_key(|c| (c.span.start_byte, std::cmp::Reverse(c.span.end_byte)));
    calls
}

/// The innermost call whose span holds `lit`. Calls that hold it are nested,
/// so it is the holding call that starts last; the walk back from the
/// literal is bounded, as an argument list of hundreds of calls is no SDK's.
fn innermost_call<'c>(calls: &[&'c CallSite], lit: &StringLit) -> Option<&'c CallSite> {
    let before = calls.partition_point(|c| c.span.start_byte <= lit.span.start_byte);
    calls[..before]
        .iter()
        .rev()
        .take(256)
        .find(|c| lit.span.end_byte <= c.span.end_byte)
        .copied()
}

/// A URL written as a positional argument is a destination when the call
/// takes it as one. SDKs hand their hosts to a base class or a client
/// constructor (`super(client, "https://api.x.com")`, `new Domain(client,
/// "https://…")`, Kotlin `Api(…) : Domain(client, "https://…")`, Swift
/// `Client("https://…")`) or to a project function whose parameter at that
/// position is URL-named (`useEdge(edgeUrl)`); without this, the SDK's
/// real hosts are missing from the inventory. A constructor's parameter,
/// when the project defines it, decides (`docsUrl` no, `baseUrl` yes); when
/// it does not, a documentation or code-hosting link (`github.com`,
/// `docs.…`) stays a reference. Messages, errors and URL values (`new
/// URL(…)`, whose own position decides) are never destinations.
fn positional_destination(project: &Project, file: usize, calls: &[&CallSite], lit: &StringLit) -> bool {
    let facts = project.facts(file);
    let Some(site) = innermost_call(calls, lit) else {
        return false;
    };
    let Some(index) = site
        .call
        .args
        .iter()
        .position(|a| a.label.is_none() && a.value.as_str() == Some(lit.value.as_str()))
    else {
        return false;
    };
    let callee = site.callee.as_str();
    let last = callee.rsplit('.').next().unwrap_or(callee);
    if callee.is_empty() || is_reference_call(callee) || is_reference_callee(last) {
        return false;
    }
    let hostname = host::split(lit.value.trim())
        .map(|p| host::hostname(&p.host))
        .unwrap_or_default();
    let class = if callee == "super" || callee == "super.init" {
        let own = site
            .function
            .as_deref()
            .and_then(|f| f.rsplit_once('.'))
            .map(|(c, _)| c.rsplit('.').next().unwrap_or(c));
        Some(own.and_then(|c| superclass(facts, c)))
    } else if site.call.is_new
        || (facts.lang != Lang::Typescript && last.starts_with(|c: char| c.is_ascii_uppercase()))
    {
        Some(Some(class_name(callee)))
    } else {
        None
    };
    let Some(class) = class else {
        // A project function taking a URL-named parameter at this position.
        return project
            .functions_named(last)
            .filter(|(fi, _)| project.facts(*fi).lang.interoperates(facts.lang))
            .any(|(_, f)| f.params.get(index).is_some_and(|p| is_destination_name(&p.name)));
    };
    if class.as_deref().is_some_and(is_value_or_message_type) {
        return false;
    }
    let param = class
        .as_deref()
        .and_then(|c| constructor_param(project, facts.lang, c, index));
    match param {
        Some(p) if is_reference_name(p) => false,
        Some(p) if is_destination_name(p) => true,
        _ => !is_reference_host(&hostname),
    }
}

/// A parameter or key name that holds where requests go (`baseUrl`,
/// `endpoint`, `host`), not a link shown to people (`href`, `helpLink`).
fn is_destination_name(name: &str) -> bool {
    names::is_url_key(name)
        && !is_reference_name(name)
        && !names::words(name).iter().any(|w| w == "href" || w == "link")
}

/// The name of the `index`-th parameter of the project's constructor of `class`.
fn constructor_param<'p>(project: &'p Project, lang: Lang, class: &str, index: usize) -> Option<&'p str> {
    let ctor = if lang == Lang::Swift {
        "init"
    } else {
        "constructor"
    };
    let own = format!("{class}.{ctor}");
    let nested = format!(".{own}");
    project
        .functions_named(ctor)
        .filter(|(fi, f)| {
            project.facts(*fi).lang.interoperates(lang) && (f.name == own || f.name.ends_with(&nested))
        })
        .find_map(|(_, f)| f.params.get(index))
        .map(|p| p.name.as_str())
}

/// The class a constructor callee names: `Domain` of `Domain`, `sdk.Domain`,
/// compiled CommonJS `Domain_1.default` (tsc) and `import_Domain.default`
/// (esbuild).
fn class_name(callee: &str) -> String {
    let name = callee.rsplit('.').find(|s| *s != "default").unwrap_or(callee);
    let name = name.strip_prefix("import_").unwrap_or(name);
    let name = match name.rsplit_once('_') {
        Some((stem, n)) if !stem.is_empty() && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => stem,
        _ => name,
    };
    name.to_string()
}

/// The superclass of `class` as its declaration in this file names it:
/// `class Api extends Domain_1.default {` (TypeScript/JavaScript, Java),
/// `class Api: Domain {` (Swift). Read from the source lines, which is what the
/// facts keep of a class header.
fn superclass(facts: &FileFacts, class: &str) -> Option<String> {
    let header = format!("class {class}");
    facts.lines.iter().find_map(|line| {
        let start = line.find(&header)? + header.len();
        let rest = &line[start..];
        if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
            return None;
        }
        let after = match facts.lang {
            Lang::Typescript | Lang::Java => &rest[rest.find(" extends ")? + " extends ".len()..],
            Lang::Swift => rest.split_once(':')?.1,
            // Kotlin names its superclass by a constructor call, a call of its own.
            Lang::Kotlin => return None,
        };
        let name: String = after
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'))
            .collect();
        (!name.is_empty()).then(|| class_name(&name))
    })
}

/// Constructed values whose text argument is not where requests go: URL
/// values (their own position decides), patterns, and errors or warnings,
/// whose argument is a message.
fn is_value_or_message_type(class: &str) -> bool {
    matches!(
        class,
        "URL" | "URI" | "Uri" | "NSURL" | "HttpUrl" | "URLComponents" | "RegExp" | "Regex" | "Date"
    ) || ["Error", "Exception", "Warning", "Throwable"]
        .iter()
        .any(|suffix| class.ends_with(suffix))
}

/// Functions and constructors by whose name their argument is shown to a
/// person or written to a log (`openInNewTab`, `openUrl`, `showInBrowser`,
/// `logWarning`, `deprecate`). `openConnection` and `openSocket` do open
/// network connections, so `open` alone says nothing.
fn is_reference_callee(name: &str) -> bool {
    let words = names::words(name);
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    has(&[
        "browser",
        "tab",
        "window",
        "external",
        "navigate",
        "show",
        "display",
        "share",
        "log",
        "warn",
        "warning",
        "print",
        "help",
        "deprecate",
        "deprecated",
        "deprecation",
    ]) || has(&["open"]) && has(&["url", "uri", "link", "page"])
}

/// Documentation and code-hosting links: what a URL argument without a
/// destination name usually is. API hosts of the same services
/// (`api.github.com`) are not among them.
fn is_reference_host(hostname: &str) -> bool {
    const HOSTS: &[&str] = &[
        "github.com",
        "www.github.com",
        "gist.github.com",
        "gitlab.com",
        "www.gitlab.com",
        "bitbucket.org",
        "npmjs.com",
        "www.npmjs.com",
        "stackoverflow.com",
        "medium.com",
        "youtube.com",
        "www.youtube.com",
    ];
    let first = hostname.split('.').next().unwrap_or("");
    HOSTS.contains(&hostname)
        || hostname.ends_with(".readthedocs.io")
        || hostname.ends_with(".wikipedia.org")
        || matches!(
            first,
            "docs" | "doc" | "help" | "support" | "developer" | "developers" | "learn" | "wiki"
        )
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

/// A bare host (no scheme to say it is one) must end in a top-level domain
/// real hosts use, an IPv4 octet or a placeholder: dotted identifiers under
/// host-like names are attribute and metric names (`server.address`,
/// `url.full`, `http.server.request.duration`) or span origins
/// (`auto.http.browser`), never destinations.
fn has_host_suffix(host: &str) -> bool {
    let name = host::hostname(host);
    let Some(tld) = name.rsplit('.').next() else {
        return false;
    };
    tld.contains('{')
        || is_ipv4(&name)
        || (tld.len() == 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
        || HOST_SUFFIXES.contains(&tld)
}

/// Four dotted octets: `7.0.0` under `serverVersion` is a version.
fn is_ipv4(name: &str) -> bool {
    let octets: Vec<&str> = name.split('.').collect();
    octets.len() == 4
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.len() <= 3 && o.parse::<u16>().is_ok_and(|n| n <= 255))
}

/// Generic top-level domains seen in hosts written in code, and the private
/// suffixes of LAN names. Two-letter country codes are all accepted.
const HOST_SUFFIXES: &[&str] = &[
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "mil",
    "int",
    "info",
    "biz",
    "name",
    "pro",
    "mobi",
    "asia",
    "io",
    "ai",
    "app",
    "dev",
    "cloud",
    "tech",
    "online",
    "site",
    "website",
    "store",
    "shop",
    "page",
    "xyz",
    "one",
    "run",
    "host",
    "hosting",
    "zone",
    "space",
    "live",
    "link",
    "network",
    "systems",
    "services",
    "software",
    "digital",
    "global",
    "world",
    "media",
    "news",
    "blog",
    "email",
    "chat",
    "team",
    "tools",
    "codes",
    "works",
    "build",
    "wiki",
    "social",
    "studio",
    "design",
    "agency",
    "company",
    "solutions",
    "support",
    "finance",
    "money",
    "health",
    "games",
    "fun",
    "art",
    "ninja",
    "rocks",
    "events",
    "engineering",
    "security",
    "onion",
    "aws",
    "google",
    "microsoft",
    "azure",
    "apple",
    "amazon",
    "local",
    "localhost",
    "lan",
    "internal",
    "home",
    "corp",
    "arpa",
    // Service-discovery names: Kubernetes `api.default.svc`, Consul `db.service.consul`.
    "svc",
    "consul",
];

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
        // ICE servers in a constants array, with no key to tell.
        let stun = classify(&lit("stun:stun.l.google.com:19302", None, None), false).unwrap();
        assert_eq!(
            (stun.1.as_str(), stun.2.as_str()),
            ("stun", "stun.l.google.com:19302")
        );
        assert!(classify(
            &lit("turn:turn.acme-rtc.io:3478?transport=tcp", None, None),
            false
        )
        .is_some());
        assert!(classify(&lit("stun:{host}", None, None), false).is_none());
    }

    #[test]
    fn a_bare_numeric_host_is_a_whole_ipv4_address() {
        assert!(classify(&lit("10.0.2.2", Some("host"), None), false).is_some());
        assert!(classify(&lit("7.0.0", Some("serverVersion"), None), false).is_none());
        assert!(classify(&lit("300.1.1.1", Some("host"), None), false).is_none());
    }

    #[test]
    fn dotted_identifiers_under_host_names_are_not_hosts() {
        // OpenTelemetry attribute and metric names, Sentry span origins.
        for (value, key) in [
            ("server.address", "ATTR_SERVER_ADDRESS"),
            ("url.full", "ATTR_URL_FULL"),
            (
                "http.server.request.duration",
                "HTTP_SERVER_REQUEST_DURATION_METRIC",
            ),
            ("auto.http.browser", "origin"),
            ("view.url", "url"),
            ("long_task.scripts[].source_url", "url"),
        ] {
            assert!(classify(&lit(value, Some(key), None), false).is_none(), "{value}");
        }
        for (value, key) in [
            ("api.slack.com", "host"),
            ("collector.acme.io:4318", "endpoint"),
            ("10.0.0.12", "serverHost"),
            ("printer.local", "hostname"),
            ("api.eu.amplitude.com", "serverUrl"),
            ("{region}.ingest.{domain}", "host"),
            ("billing.payments.svc", "serviceHost"),
            ("vault.service.consul", "host"),
        ] {
            assert!(classify(&lit(value, Some(key), None), false).is_some(), "{value}");
        }
    }

    #[test]
    fn a_property_key_string_is_bound_to_nothing() {
        // Keys name properties: a table keyed by host is not a destination,
        // while the value under a host key still is.
        let found = endpoints(&[(
            "src/limits.ts",
            "export const limits = { \"server.acme.io\": 100 };\n\
             export const primary = { host: \"edge.acme.io\" };\n",
        )]);
        assert_eq!(found, vec!["edge.acme.io".to_string()]);
    }

    /// Endpoint URLs of the first file of a project of `(path, source)` files.
    fn endpoints(files: &[(&str, &str)]) -> Vec<String> {
        let facts: Vec<FileFacts> = files
            .iter()
            .map(|(path, src)| crate::pipeline::extract::facts_of(path, src))
            .collect();
        let parsed: Vec<crate::pipeline::analysis::ParsedFile> = facts
            .iter()
            .cloned()
            .map(crate::pipeline::analysis::ParsedFile::new)
            .collect();
        let refs: Vec<&crate::pipeline::analysis::ParsedFile> = parsed.iter().collect();
        let index = crate::pipeline::analysis::ProjectIndex::new(&refs);
        endpoint_literals(&index.open(0, &facts[0]), 0, &[], &HashSet::new())
            .into_iter()
            .map(|e| e.url)
            .collect()
    }

    #[test]
    fn base_urls_handed_to_a_base_class_or_constructor() {
        let domain = (
            "lib/base/Domain.js",
            "class Domain {\n  constructor(twilio, baseUrl) { this.baseUrl = baseUrl; }\n}\nexports.default = Domain;\n",
        );
        let api = "const Domain_1 = require(\"../base/Domain\");\n\
            class Api extends Domain_1.default {\n  constructor(twilio) { super(twilio, \"https://api.twilio.com\"); }\n}\n";
        assert_eq!(
            endpoints(&[("lib/rest/Api.js", api), domain]),
            vec!["https://api.twilio.com"]
        );
        // Without the base class in the project, `super(…)` still takes a base URL.
        assert_eq!(
            endpoints(&[("lib/rest/Api.js", api)]),
            vec!["https://api.twilio.com"]
        );
        let chat = "const chat = new Domain(client, \"https://chat.acme-corp.io\");\n";
        assert_eq!(
            endpoints(&[("chat.js", chat), domain]),
            vec!["https://chat.acme-corp.io"]
        );
        let kotlin = "class VoiceApi(c: Client) : Domain(c, \"https://voice.acme.io\")\nval rest = RestClient(\"https://api.acme.io\")\n";
        assert_eq!(
            endpoints(&[("Api.kt", kotlin)]),
            vec!["https://voice.acme.io", "https://api.acme.io"]
        );
        let swift = "final class Push {\n  private let api = VoiceAPI(\"https://api.acme.io\")\n}\n";
        assert_eq!(endpoints(&[("Push.swift", swift)]), vec!["https://api.acme.io"]);
    }

    #[test]
    fn url_named_parameters_of_project_functions() {
        let src = "class Client {\n  useEdge(edgeUrl) { this.edge = edgeUrl; }\n  note(name, text) {}\n\
            init() { this.useEdge(\"https://edge.acme.io\"); this.note(\"x\", \"https://status.acme.io\"); }\n}\n";
        assert_eq!(endpoints(&[("client.js", src)]), vec!["https://edge.acme.io"]);
        // A function the project does not define says nothing of its parameter.
        assert!(endpoints(&[("a.js", "track(\"https://edge.acme.io\");\n")]).is_empty());
    }

    #[test]
    fn messages_links_and_url_values_stay_references() {
        for src in [
            "throw new Error(\"https://docs.acme.io/errors/20003\");",
            "class E extends Error { constructor() { super(\"https://acme.io/e/1\"); } }",
            "console.log(\"https://status.acme.io\");",
            "logger.warn(\"https://status.acme.io\");",
            "const u = new URL(\"https://api.acme.io/v1\");",
            "const ua = new UserAgent(\"sdk/1.0\", \"https://github.com/acme/sdk\");",
            "const h = new Hint(\"https://docs.acme.io/setup\");",
            "showInBrowser(\"https://acme.io/pricing\");",
            "class Ui { openInNewTab(url) {} }\nhost.openInNewTab(\"https://accounts.acme.io\");",
        ] {
            assert!(endpoints(&[("a.js", src)]).is_empty(), "{src}");
        }
        // A project constructor's parameter decides.
        let src = "class Notice { constructor(docsUrl) {} }\nnew Notice(\"https://acme.io/upgrade\");\n";
        assert!(endpoints(&[("a.js", src)]).is_empty());
        let kotlin = "fun f() { throw IllegalStateException(\"https://docs.acme.io/e\") }\n";
        assert!(endpoints(&[("A.kt", kotlin)]).is_empty());
    }

    #[test]
    fn class_names_of_compiled_constructors() {
        assert_eq!(class_name("Domain_1.default"), "Domain");
        assert_eq!(class_name("import_Domain.default"), "Domain");
        assert_eq!(class_name("sdk.Domain"), "Domain");
        assert_eq!(class_name("V2_API"), "V2_API");
    }
}
