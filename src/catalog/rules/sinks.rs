//! The sink catalog (`rules/sinks-<lang>.yaml`): which calls reach the
//! network, which argument carries the URL, and what else the analysis
//! knows about network APIs by name: which follow redirects, which packages
//! are imported under another name, which delegate methods see a redirect,
//! which frameworks declare routes against a base URL. Data, so a user's
//! `--rules DIR/sinks-*.yaml` extends every part of it.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::{RuleError, RuleSource};
use crate::model::Lang;
use crate::model::SinkKind;
use crate::model::{CallExpr, Expr};

/// The languages a catalog entry applies to: `lang: kotlin`, or a list
/// (`lang: [kotlin, java]`) for the libraries that several languages call
/// the same way, so the JVM's network APIs are one catalog for Kotlin and
/// Java rather than two copies that drift apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Langs(Vec<Lang>);

impl Langs {
    pub fn contains(&self, lang: Lang) -> bool {
        self.0.contains(&lang)
    }

    pub fn iter(&self) -> impl Iterator<Item = Lang> + '_ {
        self.0.iter().copied()
    }
}

impl From<Lang> for Langs {
    fn from(lang: Lang) -> Langs {
        Langs(vec![lang])
    }
}

impl Serialize for Langs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(serializer),
            many => many.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Langs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Langs;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a language (`kotlin`) or a list of languages (`[kotlin, java]`)")
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Langs, E> {
                Lang::deserialize(serde::de::value::StrDeserializer::<E>::new(name)).map(Langs::from)
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Langs, A::Error> {
                let mut langs = Vec::new();
                while let Some(lang) = seq.next_element::<Lang>()? {
                    if !langs.contains(&lang) {
                        langs.push(lang);
                    }
                }
                if langs.is_empty() {
                    return Err(serde::de::Error::invalid_length(0, &self));
                }
                Ok(Langs(langs))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

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
    pub lang: Langs,
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
    /// Prefilter words, when the callee names are too generic to serve:
    /// the strong tier, enough on its own to parse a file.
    #[serde(default)]
    pub triggers: Vec<String>,
    /// Weak-tier prefilter words: names that start identifiers in almost
    /// every file (`session`, `window`). They never make a file parsed on
    /// their own; they only tell, in parsed files, which functions call a
    /// network API (the prefilter's second phase looks for those wrappers).
    #[serde(default)]
    pub weak_triggers: Vec<String>,
    /// Minimum number of arguments: tells the setter `.url(u)` from the getter `.url()`.
    #[serde(default)]
    pub min_args: usize,
    /// The call loads from the network only with a remote URL: an image
    /// component given a bundled asset (`source={require("./logo.png")}`,
    /// `{ uri: "splash" }`) reads a local file. Without a URL, or with a
    /// written one that has no `scheme://`, it is not a call.
    #[serde(default)]
    pub remote_url_only: bool,
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
    /// The API follows HTTP redirects unless the call turns it off
    /// (`redirect: "manual"`, `maxRedirects: 0`): a guard on the first URL
    /// does not cover the later hops. Read by API name (see
    /// [`SinkCatalog::follows_redirects`]).
    #[serde(default)]
    pub follows_redirects: bool,
}

/// A call that creates a client bound to a base URL (`axios.create`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientFactory {
    pub lang: Langs,
    pub api: String,
    pub kind: SinkKind,
    pub factories: Vec<String>,
    pub base: UrlSpec,
    /// Methods of the created client that send requests; their first
    /// argument is a path relative to the base.
    pub methods: Vec<String>,
    #[serde(default)]
    pub imports: Vec<String>,
    /// As [`SinkSpec::weak_triggers`]; when given, the strong tier is the
    /// imports' module names, else the factories' names less these.
    #[serde(default)]
    pub weak_triggers: Vec<String>,
    /// The client itself sends a request when called (`api(config)`,
    /// `client(url)`), with a path or a config object holding `url`.
    #[serde(default)]
    pub callable: bool,
    /// As [`SinkSpec::follows_redirects`].
    #[serde(default)]
    pub follows_redirects: bool,
}

/// Packages whose exported classes are network clients (`acme-http-client`,
/// `@rocket.chat/sdk`): an object constructed from one of their exports
/// (`new Client({ host })`) or a field, parameter or local typed with one
/// (`private http: HttpClientApi`) sends a request when one of `methods` is
/// called on it, whatever the object is named.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientPackage {
    pub lang: Langs,
    pub kind: SinkKind,
    /// Package names; `*` matches any run of characters (`*-http-client`,
    /// `@*/sdk`).
    pub packages: Vec<String>,
    pub methods: Vec<String>,
}

impl ClientPackage {
    pub fn matches(&self, package: &str) -> bool {
        self.packages.iter().any(|p| glob_matches(p, package))
    }
}

/// `*` in `pattern` matches any run of characters, including none.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// A package whose default export is conventionally imported under another
/// name than the package's (`import fetch from "node-fetch"`): compiled
/// CommonJS calls it as `node_fetch_1.default(u)`, which is read as `fetch(u)`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultExport {
    pub lang: Langs,
    pub package: String,
    /// The name the sink catalog's callees use for the default export.
    pub name: String,
}

/// A delegate method that sees each redirect and hands the new request on
/// (URLSession's `urlSession(_:task:willPerformHTTPRedirection:newRequest:
/// completionHandler:)`); passing the request on without a host check is a
/// `redirect-without-host-check` result.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectDelegate {
    pub lang: Langs,
    /// The API named in results (`URLSession`).
    pub api: String,
    /// A word of the method's signature that marks it (looked for in its
    /// first lines).
    pub marker: String,
    /// Names of the parameter holding the redirect's new request.
    pub request_params: Vec<String>,
    /// The callback that continues with a request: `completionHandler(request)`.
    pub completion: String,
}

/// A framework that declares requests as annotated routes resolved against a
/// base URL configured elsewhere (Retrofit: `@GET("v1/items")` on an
/// interface, `Retrofit.Builder().baseUrl(…)` in the app).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub lang: Langs,
    pub api: String,
    pub kind: SinkKind,
    /// The file must import one of these modules (`retrofit2*`).
    pub imports: Vec<String>,
    /// Builder methods that set the base URL (`baseUrl`): the project's base
    /// URL is theirs when exactly one distinct value is configured.
    pub base_url_setters: Vec<String>,
    pub routes: Vec<Route>,
    /// Parameter annotations that put the argument into the URL.
    #[serde(default)]
    pub url_params: UrlParams,
    /// The parameter annotation that makes the argument the whole URL
    /// (Retrofit's `@Url`): the method's callers send to their argument.
    #[serde(default)]
    pub dynamic_url: Option<String>,
    /// Where the framework's client rewrites every request (OkHttp
    /// interceptors): an auth header set there is the auth of every route.
    #[serde(default)]
    pub request_hooks: Option<RequestHooks>,
    /// Parameter annotations whose argument is sent as data (`@Query("q")`,
    /// `@Field`, `@Part`, `@Body`): the annotation's name, or the
    /// parameter's, is a data-sent key of the route.
    #[serde(default)]
    pub data_params: Vec<String>,
}

/// Hooks a client runs on every request it sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestHooks {
    /// The file must import one of these modules (`okhttp3*`).
    pub imports: Vec<String>,
    /// Builder methods whose lambda runs per request (`addInterceptor`).
    #[serde(default)]
    pub calls: Vec<String>,
    /// Types whose adopters' methods run per request (`Interceptor`).
    #[serde(default)]
    pub types: Vec<String>,
}

impl RequestHooks {
    /// True when a file with these imports may install a hook.
    pub fn imported_by(&self, imports: &[String]) -> bool {
        imports_ok(&self.imports, imports)
    }
}

/// Route annotations and the argument holding the route's path.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub annotations: Vec<String>,
    /// Only `label` and `arg` are read.
    pub path: UrlSpec,
}

/// `@Query("api_key") key` puts `key` into the query, `@Path("id") id` into the path.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlParams {
    #[serde(default)]
    pub query: Vec<String>,
    #[serde(default)]
    pub path: Vec<String>,
}

impl Framework {
    /// True when a file with these imports uses the framework.
    pub fn imported_by(&self, imports: &[String]) -> bool {
        imports_ok(&self.imports, imports)
    }

    /// The route whose annotation is `callee`.
    pub fn route(&self, callee: &str) -> Option<&Route> {
        self.routes
            .iter()
            .find(|r| r.annotations.iter().any(|a| a == callee))
    }

    /// True when `callee` sets the base URL (`….baseUrl`).
    pub fn sets_base_url(&self, callee: &str) -> bool {
        self.base_url_setters.iter().any(|m| {
            callee
                .strip_suffix(m.as_str())
                .is_some_and(|before| before.ends_with('.'))
        })
    }

    /// `query` or `path` when the annotation `callee` puts its parameter into the URL.
    pub fn url_param_place(&self, callee: &str) -> Option<&'static str> {
        if self.url_params.query.iter().any(|a| a == callee) {
            Some("query")
        } else if self.url_params.path.iter().any(|a| a == callee) {
            Some("path")
        } else {
            None
        }
    }
}

#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinkCatalog {
    #[serde(default)]
    pub sinks: Vec<SinkSpec>,
    #[serde(default)]
    pub clients: Vec<ClientFactory>,
    #[serde(default)]
    pub client_packages: Vec<ClientPackage>,
    #[serde(default)]
    pub default_exports: Vec<DefaultExport>,
    #[serde(default)]
    pub redirect_delegates: Vec<RedirectDelegate>,
    #[serde(default)]
    pub frameworks: Vec<Framework>,
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
            .field("client_packages", &self.client_packages)
            .field("default_exports", &self.default_exports)
            .field("redirect_delegates", &self.redirect_delegates)
            .field("frameworks", &self.frameworks)
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
            for (pattern, lang) in sink
                .callees
                .iter()
                .flat_map(|p| sink.lang.iter().map(move |l| (p, l)))
            {
                let last = last_segment(pattern);
                let list = if last == "*" {
                    index.any_last.entry(lang).or_default()
                } else {
                    index
                        .by_last
                        .entry(lang)
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
        if super::error::too_deep(&source.text) {
            return Err(RuleError::too_deep(source));
        }
        serde_yaml::from_str(&source.text).map_err(|e| RuleError::yaml(source, e))
    }

    pub fn extend(&mut self, other: SinkCatalog) {
        self.sinks.extend(other.sinks);
        self.clients.extend(other.clients);
        self.client_packages.extend(other.client_packages);
        self.default_exports.extend(other.default_exports);
        self.redirect_delegates.extend(other.redirect_delegates);
        self.frameworks.extend(other.frameworks);
        self.index = OnceLock::new();
    }

    /// True when a sink or client entry of the API `api` says it follows
    /// redirects by default.
    pub fn follows_redirects(&self, api: &str) -> bool {
        self.sinks.iter().any(|s| s.follows_redirects && s.api == api)
            || self.clients.iter().any(|c| c.follows_redirects && c.api == api)
    }

    /// The conventional name of `package`'s default export, when it differs
    /// from the package's name.
    pub fn default_export_name(&self, lang: Lang, package: &str) -> Option<&str> {
        self.default_exports
            .iter()
            .find(|d| d.lang.contains(lang) && d.package == package)
            .map(|d| d.name.as_str())
    }

    /// The redirect delegates and frameworks of one language.
    pub fn redirect_delegates(&self, lang: Lang) -> impl Iterator<Item = &RedirectDelegate> {
        self.redirect_delegates
            .iter()
            .filter(move |d| d.lang.contains(lang))
    }

    pub fn frameworks(&self, lang: Lang) -> impl Iterator<Item = &Framework> {
        self.frameworks.iter().filter(move |f| f.lang.contains(lang))
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
            s.lang.contains(lang)
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

    /// The client-package entry that `package` (an import source) matches.
    pub fn client_package(&self, lang: Lang, package: &str) -> Option<&ClientPackage> {
        self.client_packages
            .iter()
            .find(|c| c.lang.contains(lang) && c.matches(package))
    }

    pub fn match_factory<'a>(
        &'a self,
        lang: Lang,
        callee: &str,
        imports: &[String],
    ) -> Option<&'a ClientFactory> {
        self.clients.iter().find(|c| {
            c.lang.contains(lang)
                && c.factories.iter().any(|p| path_matches(p, callee))
                && imports_ok(&c.imports, imports)
        })
    }

    /// The prefilter's strong trigger words: a file holding one of these is
    /// parsed. They are a sink's explicit `triggers`, else its required
    /// imports, else the first literal segment of each callee (`axios` of
    /// `axios.get`); a client factory's first segments, less its
    /// `weak_triggers`, and imports. A required import counts in the shape a
    /// file writes it (`"undici`, `'node:http` for TypeScript; Swift and
    /// Kotlin module names are distinctive as they are), so `import http
    /// from "http"` lets a file through but a variable named `request` does
    /// not. A sink's `weak_triggers` (`window`, `session`) never do.
    pub fn strong_trigger_words(&self) -> Vec<(Lang, String)> {
        let mut words: Vec<(Lang, String)> = Vec::new();
        let mut add = |langs: &Langs, list: Vec<String>| {
            for lang in langs.iter() {
                words.extend(list.iter().map(|w| (lang, w.clone())));
            }
        };
        let first_segment = |p: &String| {
            p.split('.')
                .find(|seg| *seg != "*" && *seg != "**" && !seg.is_empty())
                .map(|w| w.trim_end_matches("()").to_string())
        };
        // The shapes of an import in each of the entry's languages.
        let imported = |langs: &Langs, imports: &[String]| -> Vec<(Lang, String)> {
            imports
                .iter()
                .flat_map(|import| {
                    langs
                        .iter()
                        .flat_map(move |lang| import_shapes(lang, import).into_iter().map(move |w| (lang, w)))
                })
                .collect()
        };
        let mut shaped = Vec::new();
        for sink in &self.sinks {
            if !sink.triggers.is_empty() || !sink.weak_triggers.is_empty() {
                add(&sink.lang, sink.triggers.clone());
            } else if !sink.imports.is_empty() {
                shaped.extend(imported(&sink.lang, &sink.imports));
            } else {
                add(
                    &sink.lang,
                    sink.callees.iter().filter_map(first_segment).collect(),
                );
            }
        }
        for client in &self.clients {
            if client.imports.is_empty() {
                add(
                    &client.lang,
                    client
                        .factories
                        .iter()
                        .filter_map(first_segment)
                        .filter(|w| !client.weak_triggers.contains(w))
                        .collect(),
                );
            }
            shaped.extend(imported(&client.lang, &client.imports));
        }
        // A client package is imported by name: an exact package name in
        // its import shape; a pattern (`*-http-client`, `@*/sdk`) by its
        // longest literal part, as the end of an import (`/sdk"`) or a
        // part of one.
        for package in &self.client_packages {
            for p in &package.packages {
                let longest = p
                    .split('*')
                    .map(|part| part.trim_matches(|c: char| !c.is_alphanumeric()))
                    .max_by_key(|part| part.len())
                    .filter(|part| !part.is_empty());
                match longest {
                    Some(_) if !p.contains('*') => {
                        shaped.extend(imported(&package.lang, std::slice::from_ref(p)));
                    }
                    Some(word) => add(&package.lang, vec![word.to_string()]),
                    None => {}
                }
            }
        }
        words.extend(shaped);
        words
    }
}

/// How a file names an imported module: TypeScript and JavaScript write it
/// quoted (`from "undici"`, `require('node:http')`, `` import(`ws`) ``);
/// Swift, Kotlin and Java module and package names are written bare (and
/// whole, see the prefilter), and a module prefix (`Nuke*` for `NukeUI`)
/// after `import`.
fn import_shapes(lang: Lang, import: &str) -> Vec<String> {
    let stem = import.trim_end_matches('*');
    match lang {
        Lang::Typescript => ["\"", "'", "`"].iter().map(|q| format!("{q}{stem}")).collect(),
        _ if import.ends_with('*') => vec![stem.to_string(), format!("import {stem}")],
        _ => vec![stem.to_string()],
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
    fn an_entry_names_one_language_or_several() {
        let one: SinkCatalog =
            serde_yaml::from_str("sinks:\n  - { lang: kotlin, api: A, kind: http, callees: [a] }\n")
                .expect("one");
        assert!(one.sinks[0].lang.contains(Lang::Kotlin) && !one.sinks[0].lang.contains(Lang::Java));
        let two: SinkCatalog = serde_yaml::from_str(
            "sinks:\n  - { lang: [kotlin, java, kotlin], api: A, kind: http, callees: [a] }\n",
        )
        .expect("two");
        assert_eq!(
            two.sinks[0].lang.iter().collect::<Vec<_>>(),
            [Lang::Kotlin, Lang::Java]
        );
        assert_eq!(
            serde_yaml::to_string(&two.sinks[0].lang)
                .expect("serialises")
                .trim(),
            "- kotlin\n- java"
        );
        for bad in ["[]", "cobol", "[kotlin, cobol]", "3"] {
            let text = format!("sinks:\n  - {{ lang: {bad}, api: A, kind: http, callees: [a] }}\n");
            assert!(serde_yaml::from_str::<SinkCatalog>(&text).is_err(), "{bad}");
        }
        let rules = crate::catalog::rules::RuleSet::builtin().expect("built-in rules load");
        let call = CallExpr {
            callee: Expr::Member(Box::new(Expr::Ident("client".into())), "newCall".into()),
            args: vec![crate::model::Arg {
                label: None,
                value: Expr::Ident("request".into()),
            }],
            is_new: false,
            has_closure: false,
        };
        let imports = ["okhttp3.OkHttpClient".to_string()];
        for lang in [Lang::Kotlin, Lang::Java] {
            let sink = rules.sinks.match_call(lang, "client.newCall", &call, &imports);
            assert_eq!(sink.map(|s| s.api.as_str()), Some("OkHttp"), "{lang:?}");
        }
        assert!(rules
            .sinks
            .match_call(Lang::Swift, "client.newCall", &call, &imports)
            .is_none());
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

    #[test]
    fn client_packages_match_by_name_pattern() {
        for (pattern, name, expected) in [
            ("*-http-client", "acme-http-client", true),
            ("*-http-client", "acme-http-client-extra", false),
            ("@*/sdk", "@rocket.chat/sdk", true),
            ("@*/sdk", "@rocket.chat/sdk-core", false),
            ("axios", "axios", true),
            ("axios", "axios-retry", false),
        ] {
            assert_eq!(glob_matches(pattern, name), expected, "{pattern} {name}");
        }
        let rules = crate::catalog::rules::RuleSet::builtin().expect("built-in rules load");
        assert!(rules
            .sinks
            .client_package(Lang::Typescript, "acme-http-client")
            .is_some());
        assert!(rules.sinks.client_package(Lang::Typescript, "lodash").is_none());
    }
}
