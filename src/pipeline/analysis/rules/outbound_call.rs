//! `egress/outbound-call`: not a finding; every call site that reaches the
//! network is recorded for the inventory. The sinks of the catalog are found
//! by `analysis::calls` (they cross files through wrappers); this module adds
//! the routes of the catalog's `frameworks` (Retrofit's `@GET("v1/items")`),
//! whose URL is the route joined with the project's one base URL.

use super::FileContext;
use crate::catalog::rules::{Framework, Route, Rule};
use crate::model::host;
use crate::model::{CallSite, EndpointHit, Expr, FileAnalysis, Origin, OutboundCall};
use crate::pipeline::analysis::scope::{Project, ProjectIndex};
use crate::pipeline::analysis::url::{resolve, Piece, Value};

/// The rule's results are the outbound calls themselves, recorded whichever
/// rules are loaded (see [`framework_routes`]); it adds no findings.
pub fn check(_cx: &FileContext, _rule: &Rule, _out: &mut FileAnalysis) {}

/// Records the routes of every framework of the catalog the file uses.
pub fn framework_routes(cx: &FileContext, out: &mut FileAnalysis) {
    let frameworks = &cx.rules.sinks.frameworks;
    for (fi, framework) in frameworks.iter().enumerate() {
        if framework.lang == cx.facts.lang {
            routes(cx.project, cx.file, (frameworks, fi), out);
        }
    }
}

/// The base URL of framework `fi` (of the catalog's `frameworks`) in this
/// project: the value given to its base URL setters (`.baseUrl(…)`) when
/// exactly one distinct value is configured. Computed once per analysis,
/// for every framework, on first use.
fn base_url(project: &Project, frameworks: &[Framework], fi: usize) -> Option<Value> {
    let index = project.project_index();
    index
        .framework_bases
        .get_or_init(|| frameworks.iter().map(|f| find_base_url(index, f)).collect())
        .get(fi)
        .cloned()
        .flatten()
}

fn find_base_url(index: &ProjectIndex, framework: &Framework) -> Option<Value> {
    let mut found: Vec<Value> = Vec::new();
    for fi in 0..index.len() {
        let summary = &index.file(fi).summary;
        let imports: Vec<String> = summary.imports.iter().map(|i| i.source.clone()).collect();
        if summary.lang != framework.lang || !framework.imported_by(&imports) {
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

/// `@GET("v1/items")` on an interface method: an outbound call whose URL is
/// the route joined with the project's base URL of that framework.
fn routes(project: &Project, file: usize, (frameworks, fi): (&[Framework], usize), out: &mut FileAnalysis) {
    let framework = &frameworks[fi];
    let facts = project.facts(file);
    let imports: Vec<String> = facts.imports.iter().map(|i| i.source.clone()).collect();
    if !framework.imported_by(&imports) {
        return;
    }
    let routes: Vec<(&CallSite, &Route)> = facts
        .calls
        .iter()
        .filter_map(|s| framework.route(&s.callee).map(|r| (s, r)))
        .collect();
    if routes.is_empty() {
        return;
    }
    let base = base_url(project, frameworks, fi);
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
            &framework.api,
            framework.kind,
            site.function.clone(),
        );
        call.url = Some(rendered);
        call.host = host_part.map(|(_, h)| h);
        call.origin = value.origin;
        out.record_call(call);
    }
}
