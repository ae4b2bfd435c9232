//! Finds network sinks among a file's calls and reconstructs their URLs:
//! direct API calls (`fetch`, `axios.get`) and methods of clients created
//! with a base URL (`axios.create({ baseURL })`).

use std::collections::HashMap;

use super::scope::Project;
use super::url::{resolve, Piece, Value};
use crate::catalog::rules::{RuleSet, UrlSpec};
use crate::model::host;
use crate::model::SinkKind;
use crate::model::{Binding, CallSite, Expr, FileFacts, Span};
use crate::model::{EndpointHit, Origin, OutboundCall};

/// A sink call with its resolved URL.
/// Sinks outlive the pass that found them, while a file's facts are only
/// open during a pass: a sink refers to its call site by position.
pub struct Sink {
    /// Index of the call site in its file's `calls`.
    pub call_index: usize,
    pub span: Span,
    pub value: Option<Value>,
    pub call: OutboundCall,
    pub endpoint: Option<EndpointHit>,
    /// The call hands a project wrapper the route it sends to
    /// (`sdk.post("users.forgotPassword", …)`): its function defines a
    /// request of the app's API layer (see `wrappers::wrappers_from`).
    pub defines_route: bool,
}

impl Sink {
    /// The call site, in the facts of the sink's file.
    pub fn site<'f>(&self, facts: &'f FileFacts) -> &'f CallSite {
        &facts.calls[self.call_index]
    }
}

/// A client created by a factory, by the name it is bound to.
#[derive(Clone)]
struct Client {
    api: String,
    kind: SinkKind,
    base: Option<Value>,
    methods: Vec<String>,
    callable: bool,
}

/// The network functions a called name may hold when it is a value bound
/// to one: `const fetcher = opts.fetchImpl ?? globalThis.fetch`,
/// `const doFetch = fetch.bind(globalThis)`, `const impl = resolveFetch()`
/// with a helper returning `globalThis.fetch`. Their callers call the
/// function the value holds.
fn function_alias(callee: &str, scope: &super::scope::Scope) -> Vec<String> {
    if callee.is_empty() || callee.contains(['.', '(']) {
        return Vec::new();
    }
    let Some((expr, inner)) = scope.lookup(callee) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    held_functions(expr, &inner, 0, &mut out);
    out.retain(|target| target != callee);
    out
}

fn held_functions(expr: &Expr, scope: &super::scope::Scope, depth: usize, out: &mut Vec<String>) {
    if depth > 4 {
        return;
    }
    match expr {
        Expr::Ident(_) | Expr::Member(..) => out.extend(expr.path()),
        Expr::Fallback(first, second) => {
            held_functions(first, scope, depth + 1, out);
            held_functions(second, scope, depth + 1, out);
        }
        Expr::Call(call) => {
            let Some(callee) = call.callee.path() else { return };
            if let Some(bound) = callee.strip_suffix(".bind") {
                out.push(bound.to_string());
            } else if let Some((returned, inner)) = super::url::returned_value(&callee, scope) {
                held_functions(returned, &inner, depth + 1, out);
            }
        }
        _ => {}
    }
}

impl Client {
    /// An object of a client package, named `api` in reports.
    fn of_package(
        api: String,
        package: &crate::catalog::rules::ClientPackage,
        base: Option<Value>,
    ) -> Client {
        Client {
            api,
            kind: package.kind,
            base,
            methods: package.methods.clone(),
            callable: false,
        }
    }
}

/// Names bound to a known client (`const http = this.client`, a getter
/// `get current() { return this.sdk; }`) are that client too.
fn client_aliases(facts: &FileFacts, clients: &mut HashMap<String, Client>) {
    for binding in &facts.bindings {
        if clients.contains_key(&binding.name) {
            continue;
        }
        let Some(target) = binding.value.path() else {
            continue;
        };
        if let Some(client) = clients.get(&target).cloned() {
            clients.insert(binding.name.clone(), client);
        }
    }
}

/// Objects of the catalog's client packages, by the names they are bound
/// to: constructed from a class one of them exports (`this.sdk = new
/// Rocketchat({ host })`) or declared with one (`private http:
/// HttpClientApi`, a parameter `client: ApiClient`). Factory clients
/// already known keep their entry.
fn package_clients(project: &Project, file: usize, rules: &RuleSet, clients: &mut HashMap<String, Client>) {
    let facts = project.facts(file);
    let catalog = &rules.sinks;
    // A Swift `import Apollo` names no types: a type named after the
    // module (`ApolloClient`) is taken to come from it.
    let names_class = |import: &crate::model::Import, class: &str| {
        import.names.iter().any(|n| n == class)
            || (facts.lang == crate::model::Lang::Swift && class.starts_with(import.source.as_str()))
    };
    let package_of = |class: &str| {
        facts
            .imports
            .iter()
            .filter(|i| names_class(i, class))
            .find_map(|i| {
                // Kotlin imports name the class: the API is its package.
                let api = i.source.strip_suffix(&format!(".{class}")).unwrap_or(&i.source);
                catalog
                    .client_package(facts.lang, &i.source)
                    .map(|p| (api.to_string(), p))
            })
    };
    let implicit_self = facts.lang != crate::model::Lang::Typescript;
    let mut add = |name: &str, client: Client| {
        let short = name.trim_start_matches("this.").trim_start_matches("self.");
        if name != short {
            clients
                .entry(format!("this.{short}"))
                .or_insert_with(|| client.clone());
            clients
                .entry(format!("self.{short}"))
                .or_insert_with(|| client.clone());
            // Swift and Kotlin read a field without `self.`.
            if implicit_self {
                clients.entry(short.to_string()).or_insert_with(|| client.clone());
            }
        }
        clients.entry(name.to_string()).or_insert(client);
    };
    for site in &facts.calls {
        let (Expr::Ident(class), Some(name)) = (&site.call.callee, &site.assigned_to) else {
            continue;
        };
        if !site.call.is_new && facts.lang == crate::model::Lang::Typescript {
            continue;
        }
        let Some((api, package)) = package_of(class) else {
            continue;
        };
        let scope = project.scope(file, site.function.as_deref());
        let base = site.call.args.first().and_then(|a| match &a.value {
            Expr::Object(_) => ["baseURL", "baseUrl", "host", "url", "uri", "server", "endpoint"]
                .iter()
                .find_map(|k| a.value.field(k)),
            other => Some(other),
        });
        add(
            name,
            Client::of_package(api, package, base.map(|e| resolve(e, &scope, 0))),
        );
    }
    for typed in &facts.typed {
        let Some((api, package)) = package_of(&typed.type_name) else {
            continue;
        };
        let client = Client::of_package(api, package, None);
        // A field is reached through `this.`; a parameter, a local or a
        // module-level constant by its name.
        let name = match (&typed.function, &typed.class) {
            (None, Some(_)) => format!("this.{}", typed.name),
            _ => typed.name.clone(),
        };
        add(&name, client);
    }
}

pub fn find_sinks(project: &Project, file: usize, rules: &RuleSet) -> Vec<Sink> {
    let facts = project.facts(file);
    let imports: Vec<String> = facts.imports.iter().map(|i| i.source.clone()).collect();
    let catalog = &rules.sinks;

    // Clients: `const api = axios.create({...})`, `this.http = got.extend(...)`.
    let mut clients: HashMap<String, Client> = HashMap::new();
    for site in &facts.calls {
        let Some(factory) = catalog.match_factory(facts.lang, &site.callee, &imports) else {
            continue;
        };
        let Some(name) = &site.assigned_to else { continue };
        let scope = project.scope(file, site.function.as_deref());
        let base = url_expr(&factory.base, site).map(|e| resolve(e, &scope, 0));
        let client = Client {
            api: factory.api.clone(),
            kind: factory.kind,
            base,
            methods: factory.methods.clone(),
            callable: factory.callable,
        };
        let short = name
            .trim_start_matches("this.")
            .trim_start_matches("self.")
            .to_string();
        clients.insert(format!("this.{short}"), client.clone());
        clients.insert(name.clone(), client);
    }

    package_clients(project, file, rules, &mut clients);
    client_aliases(facts, &mut clients);

    let mut sinks = Vec::new();
    let mut builders = Vec::new();
    for (index, site) in facts.calls.iter().enumerate() {
        let scope = project.scope(file, site.function.as_deref());
        let spec = catalog
            .match_call(facts.lang, &site.callee, &site.call, &imports)
            .or_else(|| {
                function_alias(&site.callee, &scope)
                    .iter()
                    .find_map(|target| catalog.match_call(facts.lang, target, &site.call, &imports))
            });
        if let Some(spec) = spec {
            if calls_own_method(project, file, site) {
                continue;
            }
            let value = spec.url.as_ref().and_then(|u| url_value(u, site, &scope));
            if value.as_ref().is_some_and(is_local_url) {
                continue;
            }
            if spec.remote_url_only && !value.as_ref().is_some_and(may_be_remote) {
                continue;
            }
            if !receiver_allowed(&spec.receivers, &site.callee)
                && !value.as_ref().is_some_and(starts_with_scheme)
            {
                continue;
            }
            let sink = make_sink(index, site, &facts.path, &spec.api, spec.kind, value, &scope);
            if spec.builder {
                builders.push(sink);
            } else {
                sinks.push(sink);
            }
            continue;
        }
        // Methods of known clients, and callable clients themselves.
        let method_call = site.callee.rsplit_once('.').and_then(|(object, method)| {
            clients
                .get(object)
                .filter(|client| client.methods.iter().any(|m| m == method))
        });
        let direct_call = clients.get(&site.callee).filter(|client| client.callable);
        if let Some(client) = method_call.or(direct_call) {
            let path = site.call.args.first().and_then(|a| request_url(&a.value, &scope));
            let value = match (&client.base, path) {
                (Some(base), Some(path)) if !starts_with_scheme(&path) => Some(join_base(base, path)),
                (_, Some(path)) => Some(path),
                (base, None) => base.clone(),
            };
            let mut sink = make_sink(index, site, &facts.path, &client.api, client.kind, value, &scope);
            // The literal part is the client's base, reported at the factory.
            if let Some(e) = sink.endpoint.as_mut() {
                e.literal_site = false;
            }
            sinks.push(sink);
        }
    }
    // Elements the browser loads as soon as their `src` is set.
    if facts.lang == crate::model::Lang::Typescript {
        for (index, site) in facts.calls.iter().enumerate() {
            let Some((api, kind)) = element_load(site) else {
                continue;
            };
            let Some(src) = src_assignment(facts, site) else {
                continue;
            };
            let scope = project.scope(file, site.function.as_deref());
            let value = resolve(&src.value, &scope, 0);
            let rendered = value.render();
            if rendered.is_empty() || rendered.starts_with(['/', '.']) || is_local_url(&value) {
                continue;
            }
            sinks.push(make_sink(
                index,
                site,
                &facts.path,
                api,
                kind,
                Some(value),
                &scope,
            ));
        }
    }
    // Client factories with a literal base are endpoints too.
    for (index, site) in facts.calls.iter().enumerate() {
        if let Some(factory) = catalog.match_factory(facts.lang, &site.callee, &imports) {
            let scope = project.scope(file, site.function.as_deref());
            let value = url_expr(&factory.base, site).map(|e| resolve(e, &scope, 0));
            if value.as_ref().is_some_and(|v| host_of(v).is_some()) {
                sinks.push(make_sink(
                    index,
                    site,
                    &facts.path,
                    &factory.api,
                    factory.kind,
                    value,
                    &scope,
                ));
            }
        }
    }
    // A request builder whose URL a sending call of the same function
    // carries is that call's request.
    let sent: std::collections::HashSet<(Option<&str>, Option<&str>)> = sinks
        .iter()
        .map(|s| (s.call.function.as_deref(), s.call.url.as_deref()))
        .collect();
    builders.retain(|b| {
        b.call.url.is_none() || !sent.contains(&(b.call.function.as_deref(), b.call.url.as_deref()))
    });
    sinks.extend(builders);
    sinks
}

fn starts_with_scheme(value: &Value) -> bool {
    matches!(value.pieces.first(), Some(Piece::Lit { text, .. }) if text.contains("://"))
}

fn join_base(base: &Value, path: Value) -> Value {
    let base_text = base.render();
    let path_text = path.render();
    let mut pieces = base.pieces.clone();
    if !base_text.ends_with('/') && !path_text.starts_with('/') && !path_text.is_empty() {
        pieces.push(Piece::Lit {
            text: "/".into(),
            name: None,
        });
    }
    pieces.extend(path.pieces);
    Value {
        pieces,
        origin: base.origin,
    }
}

/// The expression holding the URL per the sink's [`UrlSpec`].
fn url_expr<'e>(spec: &UrlSpec, site: &'e CallSite) -> Option<&'e Expr> {
    if spec.receiver {
        return match &site.call.callee {
            Expr::Member(object, _) => Some(object),
            _ => None,
        };
    }
    let arg = site.call.arg(spec.label.as_deref(), spec.arg)?;
    match (arg, &spec.field) {
        // `field: source.uri` reads nested objects; a part that is not an
        // object is the URL itself (expo-image's `source={url}`).
        (Expr::Object(_), Some(field)) => field.split('.').try_fold(arg, |object, key| match object {
            Expr::Object(_) => object.field(key),
            // `source={require("./logo.png")}` is a bundled file.
            Expr::Call(call) if call.callee.path().as_deref() == Some("require") => None,
            url => Some(url),
        }),
        (Expr::Object(_), None) => None,
        _ => Some(arg),
    }
}

fn url_value(spec: &UrlSpec, site: &CallSite, scope: &super::scope::Scope) -> Option<Value> {
    if let (Some(arg @ Expr::Object(_)), Some(host_field)) =
        (site.call.arg(spec.label.as_deref(), spec.arg), &spec.host_field)
    {
        // `http.request({ hostname, path })`, `net.connect({ host, port })`.
        let host = arg.field(host_field).or_else(|| arg.field("host"))?;
        let mut value = resolve(host, scope, 0);
        let proto = match arg.field("protocol") {
            Some(Expr::Str(p)) => p.trim_end_matches(':').to_string(),
            _ => {
                if site.callee.starts_with("http.") {
                    "http".into()
                } else {
                    "https".into()
                }
            }
        };
        value.pieces.insert(
            0,
            Piece::Lit {
                text: format!("{proto}://"),
                name: None,
            },
        );
        if let Some(path) = spec.path_field.as_ref().and_then(|f| arg.field(f)) {
            let path = resolve(path, scope, 0);
            value.pieces.extend(path.pieces);
        }
        return Some(value);
    }
    if let Some(port_index) = spec.port_arg {
        // `Socket(host, port)`: shown as `tcp://host:port`.
        let host = site.call.arg(spec.label.as_deref(), spec.arg)?;
        let mut value = resolve(host, scope, 0);
        value.pieces.insert(
            0,
            Piece::Lit {
                text: "tcp://".into(),
                name: None,
            },
        );
        if let Some(port) = site.call.arg(None, port_index) {
            value.pieces.push(Piece::Lit {
                text: ":".into(),
                name: None,
            });
            value.pieces.extend(resolve(port, scope, 0).pieces);
        }
        return Some(value);
    }
    let mut value = url_expr(spec, site).map(|e| resolve(e, scope, 0))?;
    if let Some(scheme) = &spec.scheme {
        // `NWConnection(host: "h", port: 443)` → `tcp://h:443`.
        if !value.render().contains("://") {
            value.pieces.insert(
                0,
                Piece::Lit {
                    text: format!("{scheme}://"),
                    name: None,
                },
            );
            if let Some(port) = spec
                .port_label
                .as_deref()
                .and_then(|l| site.call.args.iter().find(|a| a.label.as_deref() == Some(l)))
            {
                let port = resolve(&port.value, scope, 0);
                value.pieces.push(Piece::Lit {
                    text: ":".into(),
                    name: None,
                });
                value.pieces.extend(port.pieces);
            }
        }
    }
    Some(value)
}

fn host_of(value: &Value) -> Option<(String, String)> {
    let rendered = value.render();
    let parts = host::split(&rendered)?;
    if parts.host.starts_with('{') {
        return None;
    }
    Some((parts.scheme.to_ascii_lowercase(), parts.host.to_ascii_lowercase()))
}

/// The URL a client call's first argument carries: a path, or the `url` of
/// a request config object (`api({ url, method })`, `api(options)`).
fn request_url(arg: &Expr, scope: &super::scope::Scope) -> Option<Value> {
    match arg {
        Expr::Object(_) => arg.field("url").map(|u| resolve(u, scope, 0)),
        Expr::Ident(name) => match scope.lookup(name) {
            Some((config @ Expr::Object(_), inner)) => config.field("url").map(|u| resolve(u, &inner, 0)),
            _ => Some(resolve(arg, scope, 0)),
        },
        _ => Some(resolve(arg, scope, 0)),
    }
}

/// `this.fetch(id)` inside a class that defines `fetch` calls that method,
/// not the network API the catalog names the same way.
fn calls_own_method(project: &Project, file: usize, site: &CallSite) -> bool {
    // A parameterless helper with the sink's bare name, declared in the
    // calling function or called without arguments (`const fetch = async
    // () => { … }` in a component), shadows the global one. A top-level
    // `function fetch(url, opts)` is itself a fetch implementation and does
    // not.
    if !site.callee.contains('.') && !site.callee.is_empty() {
        let facts = project.facts(file);
        let caller = site
            .function
            .as_deref()
            .and_then(|f| project.scope(file, Some(f)).function());
        return facts.functions.iter().any(|f| {
            let nested = caller.is_some_and(|caller| {
                caller.span.start_byte < f.span.start_byte && f.span.end_byte <= caller.span.end_byte
            });
            // Called without arguments: no URL, so not the global API.
            f.name == site.callee && f.params.is_empty() && (nested || site.call.args.is_empty())
        });
    }
    let Some(method) = site.callee.strip_prefix("this.").filter(|m| !m.contains('.')) else {
        return false;
    };
    let Some((class, _)) = site.function.as_deref().and_then(|f| f.rsplit_once('.')) else {
        return false;
    };
    let own = format!("{class}.{method}");
    project.scope(file, Some(&own)).function().is_some()
}

/// True when the sink names no receiver words, or the callee's receiver
/// (`this.httpClient` of `this.httpClient.get`) contains one.
fn receiver_allowed(words: &[String], callee: &str) -> bool {
    if words.is_empty() {
        return true;
    }
    let receiver = callee
        .rsplit_once('.')
        .map_or("", |(r, _)| r)
        .to_ascii_lowercase();
    words.iter().any(|w| receiver.contains(&w.to_ascii_lowercase()))
}

/// An element whose `src` the browser fetches when it is set: an image
/// (`new Image()`, `document.createElement("img")`; a tracking pixel sends
/// its data in the query) or a script (third-party code loaded at run time).
fn element_load(site: &CallSite) -> Option<(&'static str, SinkKind)> {
    match site.callee.as_str() {
        "Image" | "window.Image" if site.call.is_new => Some(("Image", SinkKind::Beacon)),
        "document.createElement" | "window.document.createElement" => {
            match site.call.args.first().map(|a| &a.value) {
                Some(Expr::Str(tag)) if tag.eq_ignore_ascii_case("img") => Some(("Image", SinkKind::Beacon)),
                Some(Expr::Str(tag)) if tag.eq_ignore_ascii_case("script") => {
                    Some(("script element", SinkKind::Http))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The assignment of the element's `src` in the function that creates it:
/// `new Image().src = u`, or `img.src = u` after `const img = …`.
fn src_assignment<'f>(facts: &'f FileFacts, site: &CallSite) -> Option<&'f Binding> {
    facts.bindings.iter().find(|b| {
        let Some(target) = b.name.strip_suffix(".src") else {
            return false;
        };
        if b.function != site.function {
            return false;
        }
        let on_the_call = b.span.start_byte <= site.span.start_byte
            && site.span.end_byte <= b.span.start_byte + target.len();
        let on_its_name =
            site.assigned_to.as_deref() == Some(target) && b.span.start_byte > site.span.end_byte;
        on_the_call || on_its_name
    })
}

/// `fetch("data:,")`, `blob:` and `file:` URLs are read locally: a feature
/// probe or a file read, not an outbound request.
/// A URL that may name a remote resource: a written `scheme://` or `//`
/// prefix, or a value decided at run time.
fn may_be_remote(value: &Value) -> bool {
    match value.pieces.first() {
        Some(Piece::Lit { text, .. }) => text.contains("://") || text.starts_with("//"),
        Some(Piece::Hole { .. }) => true,
        None => false,
    }
}

fn is_local_url(value: &Value) -> bool {
    let rendered = value.render().to_ascii_lowercase();
    ["data:", "blob:", "file:", "about:", "javascript:"]
        .iter()
        .any(|scheme| rendered.starts_with(scheme))
}

pub fn make_sink<'a>(
    call_index: usize,
    site: &'a CallSite,
    file: &str,
    api: &str,
    kind: SinkKind,
    value: Option<Value>,
    scope: &super::scope::Scope<'a>,
) -> Sink {
    let rendered = value.as_ref().map(Value::render).filter(|r| !r.is_empty());
    let origin = value.as_ref().map_or(Origin::Unknown, |v| v.origin);
    let host_parts = value.as_ref().and_then(host_of);
    let payload = super::payload::describe_site(site, scope);
    let mut data_sent = payload.data_sent;
    for key in super::query::keys(rendered.as_deref(), site, scope) {
        if !data_sent.contains(&key) {
            data_sent.push(key);
        }
    }
    let endpoint = match (&rendered, &host_parts) {
        (Some(url), Some((scheme, host))) => Some(EndpointHit {
            url: url.clone(),
            scheme: scheme.clone(),
            host: host.clone(),
            origin,
            file: file.to_string(),
            span: site.span,
            literal_site: origin == Origin::Literal,
        }),
        _ => None,
    };
    Sink {
        call_index,
        span: site.span,
        call: OutboundCall {
            file: file.to_string(),
            line: site.span.line,
            column: site.span.column,
            api: api.to_string(),
            kind,
            url: rendered,
            host: host_parts.map(|(_, h)| h),
            origin,
            function: site.function.clone(),
            via: Vec::new(),
            guard: None,
            redirects: None,
            auth: payload.auth.or_else(|| super::auth::set_around(site, scope)),
            headers: payload.headers,
            data_sent,
        },
        value,
        endpoint,
        defines_route: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receiver_words_tell_clients_from_lookups() {
        let words = vec!["client".to_string(), "http".to_string()];
        assert!(receiver_allowed(&words, "httpClient.get"));
        assert!(receiver_allowed(&words, "this.apiClient.post"));
        assert!(receiver_allowed(&words, "HttpClient().get"));
        assert!(!receiver_allowed(&words, "response.headers.get"));
        assert!(!receiver_allowed(&words, "etags.get"));
        assert!(receiver_allowed(&[], "etags.get"));
    }
}
