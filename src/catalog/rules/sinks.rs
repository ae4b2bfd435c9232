//! The sink catalog (`rules/sinks.yaml`): which calls reach the network and
//! which argument carries the URL. Data, so users can add their own clients.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::{RuleError, RuleSource};
use crate::model::Lang;
use crate::model::SinkKind;
use crate::model::{CallExpr, Expr};

/// Which argument holds the URL: by Swift/Kotlin label, else by index; when
/// the argument is an options object, its `field` (or `host_field` plus
/// `path_field`) holds it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlSpec {
    #[serde(default)]
    pub arg: usize,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub host_field: Option<String>,
    #[serde(default)]
    pub path_field: Option<String>,
    /// The URL is the receiver of the call: `URL(u).openConnection()`.
    #[serde(default)]
    pub receiver: bool,
    /// `arg` is a host and this argument its port: `Socket(host, port)`.
    #[serde(default)]
    pub port_arg: Option<usize>,
    /// For host-only arguments (`NWConnection(host:port:)`): the scheme put
    /// in front of the host, and the label of the port argument.
    #[serde(default)]
    pub scheme: Option<String>,
    #[serde(default)]
    pub port_label: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinkSpec {
    pub lang: Lang,
    /// Display name of the API (`fetch`, `axios`, `URLSession`).
    pub api: String,
    pub kind: SinkKind,
    /// Dotted callee paths; `*` matches any one segment.
    pub callees: Vec<String>,
    #[serde(default)]
    pub url: Option<UrlSpec>,
    /// When non-empty, the file must import one of these modules.
    #[serde(default)]
    pub imports: Vec<String>,
    /// When set, this argument must be a literal HTTP method (XMLHttpRequest.open).
    #[serde(default)]
    pub method_arg: Option<usize>,
    /// Prefilter words, when the callee names are too generic to serve.
    #[serde(default)]
    pub triggers: Vec<String>,
    /// Minimum number of arguments: tells the setter `.url(u)` from the getter `.url()`.
    #[serde(default)]
    pub min_args: usize,
    /// When non-empty, the call must have an argument with one of these
    /// labels (Swift `data(for:)` but not `"x".data(using:)`).
    #[serde(default)]
    pub labels: Vec<String>,
    /// The call must have no argument with one of these labels: AppKit's
    /// `attr.data(from: range, documentAttributes: [...])` is not
    /// URLSession's `data(from: url)`.
    #[serde(default)]
    pub unless_labels: Vec<String>,
    /// The call only configures a request that another call sends (OkHttp
    /// `Request.Builder().url(u)`): it is a sink so a request sent elsewhere
    /// is still found, and is dropped when a sending call in the same
    /// function carries the same URL, so one request is one call.
    #[serde(default)]
    pub builder: bool,
    /// For generic callees (`*.get`): the receiver's name must contain one
    /// of these words, case-insensitively, unless the URL is an absolute
    /// URL: `client.get(url)` is a request, `headers.get(name)` is not.
    #[serde(default)]
    pub receivers: Vec<String>,
}

/// A call that creates a client bound to a base URL (`axios.create`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientFactory {
    pub lang: Lang,
    pub api: String,
    pub kind: SinkKind,
    pub factories: Vec<String>,
    pub base: UrlSpec,
    /// Methods of the created client that send requests; their first
    /// argument is a path relative to the base.
    pub methods: Vec<String>,
    #[serde(default)]
    pub imports: Vec<String>,
    /// The client itself sends a request when called (`api(config)`,
    /// `client(url)`), with a path or a config object holding `url`.
    #[serde(default)]
    pub callable: bool,
}

#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinkCatalog {
    #[serde(default)]
    pub sinks: Vec<SinkSpec>,
    #[serde(default)]
    pub clients: Vec<ClientFactory>,
    /// Sinks by the last segment of their callee patterns, built on first
    /// use: every call of every file is matched against the catalog.
    #[serde(skip)]
    index: OnceLock<SinkIndex>,
}

/// The catalog's content only (the index is derived from it).
impl std::fmt::Debug for SinkCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SinkCatalog")
            .field("sinks", &self.sinks)
            .field("clients", &self.clients)
            .finish()
    }
}

/// Per language: sink indices by the last callee segment, and the sinks
/// with a pattern ending in `*` (candidates for every call).
#[derive(Clone, Default)]
struct SinkIndex {
    by_last: HashMap<Lang, HashMap<String, Vec<usize>>>,
    any_last: HashMap<Lang, Vec<usize>>,
}

impl SinkIndex {
    fn new(sinks: &[SinkSpec]) -> SinkIndex {
        let mut index = SinkIndex::default();
        for (i, sink) in sinks.iter().enumerate() {
            for pattern in &sink.callees {
                let last = last_segment(pattern);
                let list = if last == "*" {
                    index.any_last.entry(sink.lang).or_default()
                } else {
                    index
                        .by_last
                        .entry(sink.lang)
                        .or_default()
                        .entry(last.to_string())
                        .or_default()
                };
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        index
    }

    /// Indices of the sinks that may match `callee`, in catalog order.
    fn candidates(&self, lang: Lang, callee: &str) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .by_last
            .get(&lang)
            .and_then(|m| m.get(last_segment(callee)))
            .into_iter()
            .chain(self.any_last.get(&lang))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit_once('.').map_or(path, |(_, last)| last)
}

impl SinkCatalog {
    pub fn parse(source: &RuleSource) -> Result<SinkCatalog, RuleError> {
        serde_yaml::from_str(&source.text).map_err(|e| RuleError::yaml(source, e))
    }

    pub fn extend(&mut self, other: SinkCatalog) {
        self.sinks.extend(other.sinks);
        self.clients.extend(other.clients);
        self.index = OnceLock::new();
    }

    /// The first sink matching a call, given the file's imported modules.
    pub fn match_call<'a>(
        &'a self,
        lang: Lang,
        callee: &str,
        call: &CallExpr,
        imports: &[String],
    ) -> Option<&'a SinkSpec> {
        let index = self.index.get_or_init(|| SinkIndex::new(&self.sinks));
        let candidates = index.candidates(lang, callee);
        candidates.into_iter().map(|i| &self.sinks[i]).find(|s| {
            s.lang == lang
                && s.callees.iter().any(|p| path_matches(p, callee))
                && imports_ok(&s.imports, imports)
                && s.method_arg.is_none_or(|i| is_http_method(call.arg(None, i)))
                && call.args.len() >= s.min_args
                && (s.labels.is_empty()
                    || call
                        .args
                        .iter()
                        .any(|a| a.label.as_ref().is_some_and(|l| s.labels.contains(l))))
                && !call
                    .args
                    .iter()
                    .any(|a| a.label.as_ref().is_some_and(|l| s.unless_labels.contains(l)))
        })
    }

    pub fn match_factory<'a>(
        &'a self,
        lang: Lang,
        callee: &str,
        imports: &[String],
    ) -> Option<&'a ClientFactory> {
        self.clients.iter().find(|c| {
            c.lang == lang
                && c.factories.iter().any(|p| path_matches(p, callee))
                && imports_ok(&c.imports, imports)
        })
    }

    /// Prefilter words: explicit `triggers`, else required imports, else the
    /// first literal segment of each callee (`axios` of `axios.get`).
    pub fn trigger_words(&self) -> Vec<String> {
        let mut words = Vec::new();
        let first_segment = |p: &String| {
            p.split('.')
                .find(|seg| *seg != "*" && *seg != "**" && !seg.is_empty())
                .map(|w| w.trim_end_matches("()").to_string())
        };
        for sink in &self.sinks {
            if !sink.triggers.is_empty() {
                words.extend(sink.triggers.iter().cloned());
            } else if !sink.imports.is_empty() {
                words.extend(sink.imports.iter().map(|i| i.trim_end_matches('*').to_string()));
            } else {
                words.extend(sink.callees.iter().filter_map(first_segment));
            }
        }
        for client in &self.clients {
            words.extend(client.factories.iter().filter_map(first_segment));
            words.extend(client.imports.iter().map(|i| i.trim_end_matches('*').to_string()));
        }
        words
    }
}

fn imports_ok(required: &[String], imports: &[String]) -> bool {
    required.is_empty()
        || required.iter().any(|r| {
            imports
                .iter()
                .any(|i| i == r || (r.ends_with('*') && i.starts_with(r.trim_end_matches('*'))))
        })
}

fn is_http_method(expr: Option<&Expr>) -> bool {
    matches!(expr, Some(Expr::Str(m)) if matches!(m.to_ascii_uppercase().as_str(),
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"))
}

/// Matches a dotted callee against a pattern where `*` is one segment and a
/// leading `**.` matches any prefix.
pub fn path_matches(pattern: &str, callee: &str) -> bool {
    // Most calls fail on the last segment; check it before splitting.
    let pattern_last = last_segment(pattern);
    if pattern_last != "*" && pattern_last != last_segment(callee) {
        return false;
    }
    if let Some(suffix) = pattern.strip_prefix("**.") {
        let dotted_suffix = callee
            .strip_suffix(suffix)
            .is_some_and(|prefix| prefix.ends_with('.'));
        return callee == suffix || dotted_suffix || segments_match(suffix, last_segment(callee));
    }
    segments_match(pattern, callee)
}

fn segments_match(pattern: &str, callee: &str) -> bool {
    let mut p = pattern.split('.');
    let mut c = callee.split('.');
    loop {
        match (p.next(), c.next()) {
            (None, None) => return true,
            (Some("*"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_paths() {
        assert!(path_matches("axios.get", "axios.get"));
        assert!(path_matches("*.dataTask", "session.dataTask"));
        assert!(!path_matches("*.dataTask", "a.b.dataTask"));
        assert!(path_matches("**.dataTask", "URLSession.shared.dataTask"));
        assert!(!path_matches("fetch", "fetcher"));
        assert!(!path_matches("**.dataTask", "URLSession.shared.mydataTask"));
        assert!(path_matches("**.*", "a.b"));
        assert!(path_matches("http.*", "http.get"));
    }

    #[test]
    fn import_requirements() {
        assert!(imports_ok(&[], &[]));
        assert!(imports_ok(&["undici".into()], &["undici".into()]));
        assert!(!imports_ok(&["undici".into()], &["axios".into()]));
        assert!(imports_ok(&["@aws-sdk/*".into()], &["@aws-sdk/client-s3".into()]));
    }

    fn swift_call(receiver: &str, method: &str, labels: &[&str]) -> CallExpr {
        CallExpr {
            callee: Expr::Member(Box::new(Expr::Ident(receiver.into())), method.into()),
            args: labels
                .iter()
                .map(|l| crate::model::Arg {
                    label: Some(l.to_string()),
                    value: Expr::Ident("x".into()),
                })
                .collect(),
            is_new: false,
            has_closure: false,
        }
    }

    #[test]
    fn unless_labels_reject_attributed_string_data() {
        let rules = crate::catalog::rules::RuleSet::builtin().expect("built-in rules load");
        let matched = |receiver: &str, labels: &[&str]| {
            let call = swift_call(receiver, "data", labels);
            let callee = call.callee.path().expect("a name chain");
            rules
                .sinks
                .match_call(Lang::Swift, &callee, &call, &[])
                .map(|s| s.api.clone())
        };
        assert_eq!(matched("session", &["from"]).as_deref(), Some("URLSession"));
        assert_eq!(
            matched("session", &["for", "delegate"]).as_deref(),
            Some("URLSession")
        );
        assert_eq!(matched("attr", &["from", "documentAttributes"]), None);
        assert_eq!(matched("s", &["using"]), None);
    }
}
