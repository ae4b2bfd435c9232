//! Routes of the catalog's `frameworks` (Retrofit's `@GET("v1/items")` on an
//! interface method): each is an outbound call whose URL is the route joined
//! with the project's base URL, and the interface method is a wrapper whose
//! callers (`ordersApi.cancelOrder(id)` in a repository that was handed the
//! interface) are call sites too.

use crate::catalog::rules::{Framework, RuleSet};
use crate::model::host;
use crate::model::{CallSite, Expr, FileAnalysis, FileFacts, Origin, OutboundCall};
use crate::pipeline::analysis::scope::{Project, ProjectIndex};
use crate::pipeline::analysis::types::simple;
use crate::pipeline::analysis::url::{resolve, Piece, Value};
use crate::pipeline::analysis::wrappers::{substitute, Wrapper};

/// The base URL of framework `fi` (of the catalog's `frameworks`) in this
/// project: the value given to its base URL setters (`.baseUrl(…)`) when
/// exactly one distinct value is configured. Computed once per analysis,
/// for every framework, on first use.
pub fn base_url(project: &Project, frameworks: &[Framework], fi: usize) -> Option<Value> {
    let index = project.project_index();
    index
        .framework_bases
        .get_or_init(|| frameworks.iter().map(|f| find_base_url(index, f)).collect())
        .get(fi)
        .cloned()
        .flatten()
}

/// The auth that the request hooks of framework `fi`'s client set on every
/// route (an OkHttp interceptor adding `Authorization`). Computed once per
/// analysis, for every framework, on first use.
pub fn client_auth(project: &Project, frameworks: &[Framework], fi: usize) -> Option<String> {
    project
        .project_index()
        .framework_auth
        .get_or_init(|| {
            frameworks
                .iter()
                .map(|f| super::auth::client_hook_auth(project, f))
                .collect()
        })
        .get(fi)
        .cloned()
        .flatten()
}

/// What a route's method sends: the keys of its data parameters
/// (`@Query("q") query`, `@Field("status") text`, `@Body body`), named by
/// the annotation or else the parameter. Credential-named keys are auth, not
/// data (`egress/token-in-url` reports those in the URL).
pub fn route_data(
    project: &Project,
    file: usize,
    function: Option<&str>,
    framework: &Framework,
) -> Vec<String> {
    let Some(function) = function else {
        return Vec::new();
    };
    let facts = project.facts(file);
    let scope = project.scope(file, Some(function));
    let types = scope.types();
    let mut keys: Vec<(String, String)> = Vec::new();
    for site in facts
        .calls
        .iter()
        .filter(|c| c.function.as_deref() == Some(function))
    {
        if !framework.data_params.contains(&site.callee) {
            continue;
        }
        let param = site.assigned_to.clone().unwrap_or_default();
        let named = site.call.arg(Some("value"), 0).and_then(Expr::as_str);
        if let Some(key) = named
            .map(str::to_string)
            .or_else(|| (!param.is_empty()).then(|| param.clone()))
        {
            keys.push((key, param));
        }
    }
    // Annotations without arguments (`@Body order: NewOrder`, Java `@Body
    // NewOrder order`) are no calls: read from the method's lines, as
    // `dynamic_url` is (see `annotated_param`).
    if let Some(f) = facts.functions.iter().find(|f| f.name == function) {
        let text = method_text(facts, f);
        for annotation in &framework.data_params {
            let marker = format!("@{annotation} ");
            let mut rest = text.as_str();
            while let Some(at) = rest.find(&marker) {
                rest = &rest[at + marker.len()..];
                let Some(name) = annotated_param(rest, &f.params) else {
                    continue;
                };
                // A body of one of the project's types sends its fields
                // (`@Body order: NewOrder`, `data class NewOrder(val note:
                // String)`).
                let fields = scope
                    .param_type(&name)
                    .map(|ty| types.members(&ty))
                    .unwrap_or_default();
                if fields.is_empty() {
                    keys.push((name.clone(), name));
                } else {
                    keys.extend(fields.into_iter().map(|f| (f.to_string(), f.to_string())));
                }
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    for (key, param) in &keys {
        let key = key.as_str();
        if crate::pipeline::analysis::names::is_credential_name(key) {
            continue;
        }
        let value = Expr::Ident(param.clone());
        let (shown, _) = crate::pipeline::analysis::payload::data_item(key, &value);
        if !out.contains(&shown) {
            out.push(shown);
        }
    }
    out
}

fn find_base_url(index: &ProjectIndex, framework: &Framework) -> Option<Value> {
    let mut found: Vec<Value> = Vec::new();
    for fi in 0..index.len() {
        let summary = &index.file(fi).summary;
        let imports: Vec<String> = summary.imports.iter().map(|i| i.source.clone()).collect();
        if !framework.lang.contains(summary.lang) || !framework.imported_by(&imports) {
            continue;
        }
        let facts = index.file(fi).facts();
        let project = index.open(fi, &facts);
        for site in facts.calls.iter().filter(|s| framework.sets_base_url(&s.callee)) {
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

/// The route sites of framework `fi` in `file`, with the URL of each.
pub fn route_sites<'p>(
    project: &Project<'p>,
    file: usize,
    (frameworks, fi): (&[Framework], usize),
) -> Vec<(&'p CallSite, Value)> {
    let framework = &frameworks[fi];
    let facts = project.facts(file);
    let imports: Vec<String> = facts.imports.iter().map(|i| i.source.clone()).collect();
    if !framework.lang.contains(facts.lang) || !framework.imported_by(&imports) {
        return Vec::new();
    }
    let routes: Vec<_> = facts
        .calls
        .iter()
        .filter_map(|s| framework.route(&s.callee).map(|r| (s, r)))
        .collect();
    if routes.is_empty() {
        return Vec::new();
    }
    let base = base_url(project, frameworks, fi);
    let mut out = Vec::new();
    for (site, route) in routes {
        let path = match site.call.arg(route.path.label.as_deref(), route.path.arg) {
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
                        origin: Origin::Unknown,
                    },
                    Piece::Lit {
                        text: format!("/{}", path.trim_start_matches('/')),
                        name: None,
                    },
                ],
                origin: Origin::Unknown,
            }
        };
        out.push((site, value));
    }
    out
}

/// Does a file with this summary import one of the catalog's frameworks?
/// Only such files are opened to look for routes.
pub fn may_define_routes(summary: &crate::model::FileFacts, rules: &RuleSet) -> bool {
    let imports: Vec<String> = summary.imports.iter().map(|i| i.source.clone()).collect();
    rules
        .sinks
        .frameworks
        .iter()
        .any(|f| f.lang.contains(summary.lang) && f.imported_by(&imports))
}

/// The interface methods of every framework route in `file`, as wrappers
/// with a fixed URL: their callers are call sites of the route.
pub fn route_wrappers(project: &Project, file: usize, rules: &RuleSet) -> Vec<Wrapper> {
    let frameworks = &rules.sinks.frameworks;
    let mut out = Vec::new();
    for (fi, framework) in frameworks.iter().enumerate() {
        for mut wrapper in dynamic_url_methods(project, file, framework) {
            wrapper.auth = client_auth(project, frameworks, fi);
            out.push(wrapper);
        }
    }
    for fi in 0..frameworks.len() {
        for (site, value) in route_sites(project, file, (frameworks, fi)) {
            let Some(function) = site.function.as_deref() else {
                continue;
            };
            let framework = &frameworks[fi];
            let mut wrapper = Wrapper::fixed(file, function, value, &framework.api, framework.kind);
            wrapper.auth = client_auth(project, frameworks, fi);
            wrapper.data_sent = route_data(project, file, Some(function), framework);
            out.push(wrapper);
        }
    }
    out
}

/// Route builders: the project's types that adopt the declared type of a
/// wrapper's URL parameter. `func get(endpoint: Endpoint)` in the client
/// makes every `enum Accounts: Endpoint` (Moya's `TargetType`, Alamofire's
/// `URLRequestConvertible` routers alike) a definition of the requests it
/// lists, recorded as an outbound call at the type's declaration.
pub struct RouteBuilders<'w> {
    /// (language, adopting type) → the wrapper whose parameter it fills,
    /// and that parameter's type.
    by_type: std::collections::HashMap<(crate::model::Lang, String), (&'w Wrapper, &'w str)>,
    index: &'w ProjectIndex<'w>,
}

impl<'w> RouteBuilders<'w> {
    pub fn new(index: &'w ProjectIndex, wrappers: &'w [Wrapper]) -> RouteBuilders<'w> {
        let mut by_type = std::collections::HashMap::new();
        for wrapper in wrappers {
            let Some(param_type) = wrapper.param_type.as_deref() else {
                continue;
            };
            let lang = index.file(wrapper.file).summary.lang;
            let types = index.types(lang);
            if !types.defines(param_type) {
                continue;
            }
            for adopter in types.descendants(param_type).into_iter().skip(1) {
                by_type.entry((lang, adopter)).or_insert((wrapper, param_type));
            }
        }
        RouteBuilders { by_type, index }
    }

    /// Records the route builders `facts` declares.
    pub fn record(&self, facts: &FileFacts, out: &mut FileAnalysis) {
        if self.by_type.is_empty() {
            return;
        }
        for decl in &facts.types {
            let Some(&(wrapper, bound)) = self.by_type.get(&(facts.lang, simple(&decl.name).to_string()))
            else {
                continue;
            };
            // Types are indexed by simple name: this declaration itself must
            // adopt the bound (a nested `Instance.Statuses: Codable` is not
            // the `Statuses: Endpoint` of another file).
            let adopts = decl.supertypes.iter().any(|s| {
                self.index
                    .types(facts.lang)
                    .ancestors(s)
                    .iter()
                    .any(|t| t == bound)
            });
            if !adopts {
                continue;
            }
            let Some((_, param)) = &wrapper.param else {
                continue;
            };
            let routes = Value {
                pieces: vec![Piece::Hole {
                    label: decl.name.clone(),
                    origin: Origin::Constant,
                }],
                origin: Origin::Constant,
            };
            let value = substitute(&wrapper.template, param, routes);
            let mut call = OutboundCall::new(
                facts,
                decl.span,
                &wrapper.api,
                wrapper.kind,
                Some(decl.name.clone()),
            );
            let rendered = value.render();
            call.host = host::split(&rendered)
                .filter(|p| !p.host.starts_with('{'))
                .map(|p| p.host.to_ascii_lowercase());
            call.url = Some(rendered);
            call.origin = value.origin;
            call.via = wrapper.via.clone();
            call.auth = wrapper.auth.clone();
            call.data_sent = super::query::builder_keys(facts, &decl.name);
            out.record_call(call);
        }
    }
}

/// Interface methods with a dynamic URL parameter (`@GET suspend fun
/// download(@Url url: String)`, `@PUT fun upload(@Url url: String, @Body
/// body: RequestBody)`): wrappers whose callers send to their argument.
/// Parameter annotations are not calls, so they are read from the method's
/// lines.
fn dynamic_url_methods(project: &Project, file: usize, framework: &Framework) -> Vec<Wrapper> {
    let Some(annotation) = &framework.dynamic_url else {
        return Vec::new();
    };
    let facts = project.facts(file);
    let imports: Vec<String> = facts.imports.iter().map(|i| i.source.clone()).collect();
    if !framework.lang.contains(facts.lang) || !framework.imported_by(&imports) {
        return Vec::new();
    }
    let marker = format!("@{annotation} ");
    let mut out = Vec::new();
    for function in &facts.functions {
        let text = method_text(facts, function);
        let Some(at) = text.find(&marker) else { continue };
        let Some(name) = annotated_param(&text[at + marker.len()..], &function.params) else {
            continue;
        };
        let Some(index) = function.params.iter().position(|p| p.name == name) else {
            continue;
        };
        let url = Value {
            pieces: vec![Piece::Hole {
                label: name.clone(),
                origin: Origin::Parameter,
            }],
            origin: Origin::Parameter,
        };
        let mut wrapper = Wrapper::fixed(file, &function.name, url, &framework.api, framework.kind);
        wrapper.param = Some((index, name));
        out.push(wrapper);
    }
    out
}

/// The parameter an annotation without arguments marks, read from the text
/// after it: the first of the next few words that names a parameter
/// (`@Url url: String` in Kotlin, `@Url String url` in Java, which writes
/// the type first).
fn annotated_param(after: &str, params: &[crate::model::Param]) -> Option<String> {
    after
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .take(3)
        .find(|w| params.iter().any(|p| p.name == *w))
        .map(str::to_string)
}

/// The first lines of a method, joined: where its parameter annotations
/// without arguments (`@Url url`, `@Body order`) are read, since those are
/// no calls.
fn method_text(facts: &FileFacts, function: &crate::model::Function) -> String {
    (function.span.line..=function.span.end_line.min(function.span.line + 12))
        .filter_map(|l| facts.lines.get(l))
        .collect::<Vec<_>>()
        .join(" ")
}
