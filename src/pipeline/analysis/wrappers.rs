//! Project wrappers as sinks.
//!
//! Real code reaches the network through its own helpers (`client.doFetch(url)`,
//! `api.get(route)`). A function whose body sends a request whose URL contains
//! one of the function's parameters is a *wrapper*; its call sites are sinks
//! too, with the argument substituted into the wrapper's URL template. This
//! is applied transitively up to [`MAX_DEPTH`] levels and across files, and
//! the chain is recorded in `via` so a reviewer can follow it.
//!
//! Call sites are linked to wrappers by name and type: a bare `name(…)` call
//! to a function of the same file or an imported name, or (Swift, Kotlin, Java) to
//! a method of the caller's own object; `this.m(…)`/`self.m(…)` to a method
//! of the caller's class, its ancestors or the classes it is composed with
//! (see [`super::types`]); `obj.m(…)` to a method of `obj`'s declared or
//! constructed type, its ancestors or implementations. When the receiver's
//! type is unknown, `obj.m(…)` links only when `m` is a compound name
//! (`doFetch`) or the receiver's name shares a word with the class
//! (`client.get` → `ApiClient.get`), so `map.get(key)` or
//! `continuation.resume(v)` is never taken for a request.

use std::collections::{HashMap, HashSet};

use super::calls::{make_sink, Sink};
use super::names;
use super::scope::Project;
use super::url::{resolve, Piece, Value};
use crate::model::CallSite;
use crate::model::Expr;
use crate::model::Lang;
use crate::model::Origin;
use crate::model::SinkKind;

/// How many wrapper levels are followed.
pub const MAX_DEPTH: usize = 3;

#[derive(Debug, Clone)]
pub struct Wrapper {
    pub file: usize,
    /// Qualified name (`Client.doFetch`).
    pub function: String,
    pub simple: String,
    pub class: Option<String>,
    /// The parameter the URL is built from (index, name); `None` for a
    /// wrapper whose URL is fixed (a framework route).
    pub param: Option<(usize, String)>,
    /// The declared type of that parameter (`endpoint: Endpoint`): the
    /// project's types adopting it are route builders.
    pub param_type: Option<String>,
    pub template: Value,
    pub api: String,
    pub kind: SinkKind,
    /// Chain from this wrapper down to the network API.
    pub via: Vec<String>,
    /// Guard applied inside the wrapper and its redirect handling.
    pub guard: Option<String>,
    pub redirects: Option<String>,
    /// The credential the wrapper's request carries (set inside it or on
    /// its client), which its callers' requests inherit.
    pub auth: Option<String>,
    /// What the wrapper's request sends whatever the caller hands it (a
    /// body built inside it, a route's `@Query`/`@Body` parameters).
    pub data_sent: Vec<String>,
}

/// Wrappers defined by the given sinks: the sink's URL contains a parameter
/// of its enclosing function (or of its class's constructor), or the sink
/// hands a wrapper a route written at the call (an API-layer function,
/// whose wrapper has a fixed URL).
pub fn wrappers_from(project: &Project, file: usize, sinks: &[Sink]) -> Vec<Wrapper> {
    let mut out = Vec::new();
    for sink in sinks {
        let (Some(value), Some(function)) = (&sink.value, sink.call.function.as_deref()) else {
            continue;
        };
        let scope = project.scope(file, Some(function));
        let Some(func) = scope.function() else { continue };
        let param = url_param(value, &func.params);
        if param.is_none() {
            if let Some(wrapper) = constructor_wrapper(project, file, sink, value, function) {
                out.push(wrapper);
                continue;
            }
        }
        let Some((param_index, param_name)) = param else {
            // An API-layer function (`forgotPassword = (email) =>
            // sdk.post("users.forgotPassword", { email })`) defines a request
            // as a Retrofit interface method does: its callers send it.
            if sink.defines_route {
                out.push(Wrapper::around(
                    file,
                    function,
                    split(function),
                    sink,
                    value,
                    None,
                ));
            }
            continue;
        };
        // A constructor that sends (or sets up) the request is called by
        // its class's name: `new FileUpload(url, headers)`.
        let called_as = match function.rsplit_once('.') {
            Some((c, "constructor" | "init" | "<init>")) => (None, super::types::simple(c).to_string()),
            _ => split(function),
        };
        let param_type = scope.param_type(&param_name);
        let mut wrapper = Wrapper::around(
            file,
            function,
            called_as,
            sink,
            value,
            Some((param_index, param_name)),
        );
        wrapper.param_type = param_type;
        out.push(wrapper);
    }
    out
}

/// Is `expr`, handed to `wrapper`'s URL parameter, a route written at the
/// call: a string or template starting with text, or a route builder
/// constructed there (`dataTask(for: RoomsRequest(updatedSince: date))`
/// with `RoomsRequest: Request`), also through a local (`let request =
/// RoomsRequest(…); dataTask(for: request)`)?
fn is_route(scope: &super::scope::Scope, expr: &Expr, wrapper: &Wrapper, hops: usize) -> bool {
    match expr {
        Expr::Str(_) => true,
        Expr::Concat(parts) => matches!(parts.first(), Some(Expr::Str(_))),
        Expr::Call(call) => wrapper.param_type.as_deref().is_some_and(|bound| {
            call.callee.last_name().is_some_and(|built| {
                built != bound && scope.types().ancestors(built).iter().any(|t| t == bound)
            })
        }),
        Expr::Ident(name) if hops == 0 => match scope.lookup(name) {
            Some((Expr::Call(call), _)) => is_route(scope, &Expr::Call(call.clone()), wrapper, 1),
            _ => false,
        },
        _ => false,
    }
}

/// The first of `params` (index, name) that a parameter-derived part of
/// the URL `value` is rooted at (`path` of `{path}`, `payload` of
/// `{payload.callbackUrl}`).
fn url_param(value: &Value, params: &[crate::model::Param]) -> Option<(usize, String)> {
    value.pieces.iter().find_map(|p| match p {
        Piece::Hole {
            label,
            origin: Origin::Parameter,
        } => {
            let root = label.split('.').next().unwrap_or(label);
            params
                .iter()
                .position(|prm| prm.name == root)
                .map(|i| (i, root.to_string()))
        }
        _ => None,
    })
}

/// A class whose constructor takes the URL and whose method sends it
/// (`new FileUpload(url, headers).send()`, Swift `Uploader(url:)`): the
/// constructor call is where the URL is decided, so it is the wrapper.
fn constructor_wrapper(
    project: &Project,
    file: usize,
    sink: &Sink,
    value: &Value,
    function: &str,
) -> Option<Wrapper> {
    let (class, _) = function.rsplit_once('.')?;
    let (index, label) = ["constructor", "init", "<init>"].iter().find_map(|name| {
        let ctor = project.function_in(file, &format!("{class}.{name}"))?;
        url_param(value, &ctor.params)
    })?;
    let class_name = super::types::simple(class).to_string();
    let mut wrapper = Wrapper::around(
        file,
        &class_name,
        (None, class_name.clone()),
        sink,
        value,
        Some((index, label)),
    );
    // The chain goes through the method that sends.
    wrapper.via.insert(1, function.to_string());
    Some(wrapper)
}

/// `(Some("Client"), "doFetch")` of `Client.doFetch`, `(None, "get")` of `get`.
fn split(function: &str) -> (Option<String>, String) {
    match function.rsplit_once('.') {
        Some((c, s)) => (Some(c.to_string()), s.to_string()),
        None => (None, function.to_string()),
    }
}

impl Wrapper {
    /// `function` (called as `called_as`: class and simple name) around
    /// the request `sink` sends to `url`, with the sink's API, guard,
    /// redirect handling and chain.
    fn around(
        file: usize,
        function: &str,
        (class, simple): (Option<String>, String),
        sink: &Sink,
        url: &Value,
        param: Option<(usize, String)>,
    ) -> Wrapper {
        let mut via = vec![function.to_string()];
        if sink.call.via.is_empty() {
            via.push(sink.call.api.clone());
        } else {
            via.extend(sink.call.via.iter().cloned());
        }
        Wrapper {
            file,
            function: function.to_string(),
            simple,
            class,
            param,
            param_type: None,
            template: url.clone(),
            api: sink.call.api.clone(),
            kind: sink.call.kind,
            via,
            guard: sink.call.guard.clone(),
            redirects: sink.call.redirects.clone(),
            auth: sink.call.auth.clone(),
            data_sent: sink.call.data_sent.clone(),
        }
    }

    /// A function that defines one request: a framework route's interface
    /// method (`OrdersApi.cancelOrder`) or an API-layer function. Its
    /// callers send to `url`.
    pub fn fixed(file: usize, function: &str, url: Value, api: &str, kind: SinkKind) -> Wrapper {
        let (class, simple) = split(function);
        Wrapper {
            file,
            function: function.to_string(),
            simple,
            class,
            param: None,
            param_type: None,
            template: url,
            api: api.to_string(),
            kind,
            via: vec![function.to_string(), api.to_string()],
            guard: None,
            redirects: None,
            auth: None,
            data_sent: Vec::new(),
        }
    }
}

/// Wrappers by simple name: a call site is only compared with wrappers of
/// its own method name, so linking stays linear in the call sites. Built once
/// per round and shared by every file.
pub fn by_name(wrappers: &[Wrapper]) -> HashMap<&str, Vec<&Wrapper>> {
    let mut map: HashMap<&str, Vec<&Wrapper>> = HashMap::new();
    for w in wrappers {
        map.entry(w.simple.as_str()).or_default().push(w);
    }
    map
}

/// Call sites of `file` that call one of the indexed wrappers, as sinks.
pub fn wrapper_calls(
    project: &Project,
    file: usize,
    by_name: &HashMap<&str, Vec<&Wrapper>>,
    known: &HashSet<usize>,
) -> Vec<Sink> {
    let facts = project.facts(file);
    let mut out = Vec::new();
    for (index, site) in facts.calls.iter().enumerate() {
        if known.contains(&site.span.start_byte) {
            continue;
        }
        let method = site.callee.rsplit('.').next().unwrap_or(&site.callee);
        // `getRoomInfoService(rid)` with `import { getRoomInfo as
        // getRoomInfoService }` calls `getRoomInfo`.
        let name = if site.callee.contains('.') {
            method
        } else {
            facts
                .imports
                .iter()
                .find(|i| i.names.iter().any(|n| n == method))
                .map_or(method, |i| i.exported_name(method))
        };
        let candidates = by_name.get(name).map(Vec::as_slice).unwrap_or_default();
        let Some(wrapper) = candidates
            .iter()
            .copied()
            .find(|w| links(project, file, site, name, w))
        else {
            continue;
        };
        let scope = project.scope(file, site.function.as_deref());
        let (value, arg) = match &wrapper.param {
            Some((index, name)) => {
                let Some(arg) = site.call.args.get(*index) else {
                    continue;
                };
                let value = substitute(&wrapper.template, name, resolve(&arg.value, &scope, 0));
                (value, Some(arg))
            }
            None => (wrapper.template.clone(), None),
        };
        // A route written at the call (`"users.forgotPassword"`,
        // `` `rooms.info?roomId=${id}` `` without a parameter of the calling
        // function) handed to a URL-building wrapper.
        let route_literal = arg.is_some_and(|a| is_route(&scope, &a.value, wrapper, 0));
        let own_param = |label: &str| {
            let root = label.split('.').next().unwrap_or(label);
            scope.param(root).is_some()
        };
        let defines_route = route_literal
            && !value
                .pieces
                .iter()
                .any(|p| matches!(p, Piece::Hole { label, origin: Origin::Parameter } if own_param(label)));
        let mut sink = make_sink(
            index,
            site,
            &facts.path,
            &wrapper.api,
            wrapper.kind,
            Some(value),
            &scope,
        );
        if let Some(e) = sink.endpoint.as_mut() {
            // Literal parts come from the wrapper; reported there.
            e.literal_site =
                e.literal_site && arg.is_some_and(|a| matches!(a.value, crate::model::Expr::Str(_)));
        }
        sink.defines_route = defines_route;
        sink.call.via = wrapper.via.clone();
        sink.call.guard = wrapper.guard.clone();
        sink.call.redirects = wrapper.redirects.clone();
        if sink.call.auth.is_none() {
            sink.call.auth = wrapper.auth.clone();
        }
        let built = arg.map(|a| super::payload::builder_args(&a.value, &scope));
        for d in wrapper.data_sent.iter().chain(built.iter().flatten()) {
            if !sink.call.data_sent.contains(d) {
                sink.call.data_sent.push(d.clone());
            }
        }
        out.push(sink);
    }
    out
}

/// Does `site`, calling the function known as `name`, call `wrapper`?
fn links(project: &Project, file: usize, site: &CallSite, name: &str, wrapper: &Wrapper) -> bool {
    let facts = project.facts(file);
    let callee = site.callee.as_str();
    if callee.is_empty() {
        return false;
    }
    let (receiver, method) = match callee.rsplit_once('.') {
        Some((r, m)) => (Some(r), m),
        None => (None, callee),
    };
    if name != wrapper.simple {
        return false;
    }
    // Kotlin and Java call each other's classes within one module.
    if !project.facts(wrapper.file).lang.interoperates(facts.lang) {
        return false;
    }
    let types = project.project_index().types(facts.lang);
    let caller_class = site
        .function
        .as_deref()
        .and_then(|f| f.rsplit_once('.'))
        .map(|(c, _)| c);
    // `this`/`self` (or implicit `self`) in a method of `caller_class` is
    // an instance of the wrapper's class, a subclass, or a class it is
    // composed into.
    let on_own_object = || match (caller_class, &wrapper.class) {
        (Some(caller), Some(class)) => types.same_object(caller, class),
        _ => false,
    };
    match receiver {
        None => match &wrapper.class {
            // A free function: same file, imported, or (Swift/Kotlin)
            // module-wide when its name says enough: a one-word `set(…)` in
            // another file is more likely a method of an implicit receiver
            // (`calendar.apply { set(…) }`).
            None => {
                wrapper.file == file
                    || facts
                        .imports
                        .iter()
                        .filter(|i| i.names.iter().any(|n| n == method))
                        .any(|i| may_hold(project, file, &i.source, wrapper.file))
                    || (facts.lang != Lang::Typescript && !is_generic_method(method))
            }
            // Swift and Kotlin call their own methods without `self.`;
            // TypeScript cannot.
            Some(_) => facts.lang != Lang::Typescript && on_own_object(),
        },
        Some("this" | "self" | "super") => on_own_object(),
        // Inside the wrapper itself, `xhr.send(body)` or `transport.send(x)`
        // hands the request to another object: it is the API the wrapper
        // wraps, not a recursive call (which would go through `this`).
        Some(_) if wrapper.file == file && within_wrapper(project, file, site, wrapper) => false,
        Some(receiver) => {
            let Some(class) = &wrapper.class else {
                // `Module.fn` / namespace import of a free function, or a
                // Kotlin extension or top-level function (`client.getJson(url)`,
                // from Java `HttpKt.getJson(url)`) with a name that says enough.
                return facts
                    .imports
                    .iter()
                    .filter(|i| i.names.iter().any(|n| n == receiver))
                    .any(|i| may_hold(project, file, &i.source, wrapper.file))
                    || (facts.lang.is_jvm() && !is_generic_method(method));
            };
            let receiver_last = receiver.rsplit('.').next().unwrap_or(receiver);
            if receiver_last == class || receiver_last == super::types::simple(class) {
                return true;
            }
            // A receiver of known type runs that type's methods: decisive
            // both ways (`imageView.setImage(…)` on a `UIImageView` is not
            // `ImageLoader.setImage`).
            if let Some(ty) = receiver_type(project, file, site, receiver) {
                return types.related(&ty, class);
            }
            // Swift and Kotlin: a type the project does not declare
            // (`SecureRandom.getInstance()`, `Calendar.getInstance()`) is a
            // library's static API. (A capitalised TypeScript receiver is as
            // often an imported instance: `import SDK from "./sdk"`.)
            let first = receiver.split('.').next().unwrap_or(receiver);
            if facts.lang != Lang::Typescript
                && first.starts_with(|c: char| c.is_ascii_uppercase())
                && !types.declares(first)
            {
                return false;
            }
            let class_words: HashSet<String> = names::words(class).into_iter().collect();
            let receiver_words = names::words(receiver_last);
            let shares = receiver_words
                .iter()
                .any(|w| class_words.contains(w) && w.len() > 2);
            shares || !is_generic_method(method)
        }
    }
}

/// May the module `source` imported by `file` be (or re-export) the
/// wrapper's file? A relative import must resolve to it; a package import
/// (a workspace package of a monorepo) must name a folder on its path, so
/// `Platform.select(…)` from `react-native` never reaches the project's own
/// `select`.
fn may_hold(project: &Project, file: usize, source: &str, wrapper_file: usize) -> bool {
    let importer = &project.facts(file).path;
    if source.starts_with('.') {
        return match project.resolve_module(importer, source) {
            Some(target) => {
                target == wrapper_file
                    || project
                        .facts(target)
                        .path
                        .rsplit('/')
                        .next()
                        .is_some_and(|n| n.starts_with("index."))
            }
            None => true,
        };
    }
    let package = source.rsplit('/').next().unwrap_or(source);
    let wrapper_path = &project.facts(wrapper_file).path;
    project.facts(file).lang != Lang::Typescript || wrapper_path.split('/').any(|segment| segment == package)
}

/// Names whose value is the type's own shared instance (`ApiService.shared`;
/// from Java, a Kotlin `object`'s `Telemetry.INSTANCE` and a companion
/// object's `ApiClient.Companion`).
const SINGLETON_NAMES: &[&str] = &[
    "shared",
    "default",
    "instance",
    "current",
    "standard",
    "INSTANCE",
    "Companion",
];

/// The declared or constructed type of a call's receiver, when the project
/// tells: a parameter or local of the calling function, a field of the
/// calling class (`this.http`, `self.client`, Kotlin/Swift bare `api`), a
/// type itself (`ApiClient.get`), a singleton (`ApiService.shared`) or a
/// field of a typed owner (`AppEnvironment.client`, `this.deps.api`).
fn receiver_type(project: &Project, file: usize, site: &CallSite, receiver: &str) -> Option<String> {
    let facts = project.facts(file);
    let types = project.project_index().types(facts.lang);
    let caller_class = site
        .function
        .as_deref()
        .and_then(|f| f.rsplit_once('.'))
        .map(|(c, _)| c);
    let (on_self, path) = match receiver
        .strip_prefix("this.")
        .or_else(|| receiver.strip_prefix("self."))
    {
        Some(rest) => (true, rest),
        None => (false, receiver),
    };
    if path.contains('(') {
        return None;
    }
    let mut segments = path.split('.');
    let first = segments.next()?;
    let mut ty: String = if on_self {
        types.field_type(caller_class?, first)?.to_string()
    } else if let Some(local) = facts
        .typed
        .iter()
        .find(|t| t.name == first && t.function.is_some() && t.function == site.function)
    {
        local.type_name.clone()
    } else if types.declares(first) {
        first.to_string()
    } else if let Some(field) = caller_class
        .filter(|_| facts.lang != Lang::Typescript)
        .and_then(|c| types.field_type(c, first))
    {
        field.to_string()
    } else {
        // A module-level typed constant of this file.
        facts
            .typed
            .iter()
            .find(|t| t.name == first && t.function.is_none() && t.class.is_none())?
            .type_name
            .clone()
    };
    for segment in segments {
        ty = match types.field_type(&ty, segment) {
            Some(field) => field.to_string(),
            None if SINGLETON_NAMES.contains(&segment) => ty,
            None => return None,
        };
    }
    Some(ty)
}

fn within_wrapper(project: &Project, file: usize, site: &CallSite, wrapper: &Wrapper) -> bool {
    project
        .scope(file, Some(&wrapper.function))
        .function()
        .is_some_and(|f| f.span.start_byte <= site.span.start_byte && site.span.end_byte <= f.span.end_byte)
}

/// Is `method` too common to link `obj.method(…)` to a wrapper by name alone?
/// A one-word name (`get`, `send`, `resume`) is: `continuation.resume(v)` is
/// not `DownloadTask.resume(url)`. A compound name (`doFetch`,
/// `downloadToFile`) says enough.
pub(crate) fn is_generic_method(method: &str) -> bool {
    names::words(method).len() <= 1
}

/// The wrapper's template with the parameter's hole replaced by `arg`.
pub(crate) fn substitute(template: &Value, param: &str, arg: Value) -> Value {
    let mut pieces = Vec::new();
    let mut origin = template.origin;
    let mut replaced = false;
    for (i, piece) in template.pieces.iter().enumerate() {
        match piece {
            Piece::Hole {
                label,
                origin: Origin::Parameter,
            } if !replaced && (label == param || label.starts_with(&format!("{param}."))) => {
                if i == 0 {
                    origin = arg.origin;
                }
                // `payload.callbackUrl` with `payload` = `req.body` → `req.body.callbackUrl`.
                let field = &label[param.len()..];
                match arg.pieces.as_slice() {
                    [Piece::Hole {
                        label: arg_label,
                        origin: arg_origin,
                    }] if !field.is_empty() => {
                        pieces.push(Piece::Hole {
                            label: format!("{arg_label}{field}"),
                            origin: *arg_origin,
                        });
                    }
                    _ => pieces.extend(arg.pieces.clone()),
                }
                replaced = true;
            }
            other => pieces.push(other.clone()),
        }
    }
    Value { pieces, origin }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_word_methods_are_generic() {
        for m in ["get", "send", "resume", "close"] {
            assert!(is_generic_method(m), "{m}");
        }
        for m in ["doFetch", "downloadToFile", "send_message"] {
            assert!(!is_generic_method(m), "{m}");
        }
    }

    #[test]
    fn substitutes_parameter() {
        let template = Value {
            pieces: vec![
                Piece::Lit {
                    text: "https://api.x.com".into(),
                    name: None,
                },
                Piece::Hole {
                    label: "path".into(),
                    origin: Origin::Parameter,
                },
            ],
            origin: Origin::Constant,
        };
        let arg = Value {
            pieces: vec![Piece::Lit {
                text: "/v1/items".into(),
                name: None,
            }],
            origin: Origin::Literal,
        };
        let v = substitute(&template, "path", arg);
        assert_eq!(v.render(), "https://api.x.com/v1/items");
        assert_eq!(v.origin, Origin::Constant);
        let url_template = Value {
            pieces: vec![Piece::Hole {
                label: "url".into(),
                origin: Origin::Parameter,
            }],
            origin: Origin::Parameter,
        };
        let arg = Value {
            pieces: vec![Piece::Hole {
                label: "location".into(),
                origin: Origin::Response,
            }],
            origin: Origin::Response,
        };
        assert_eq!(substitute(&url_template, "url", arg).origin, Origin::Response);
    }
}
