//! `egress/outbound-call`: not a finding; every call site that reaches the
//! network is recorded for the inventory. The sinks of the catalog are found
//! by `analysis::calls` (they cross files through wrappers); this module adds
//! the routes of the catalog's `frameworks` (Retrofit's `@GET("v1/items")`),
//! whose URL is the route joined with the project's one base URL.

use super::FileContext;
use crate::catalog::rules::{Framework, Rule};
use crate::model::host;
use crate::model::{EndpointHit, FileAnalysis, OutboundCall};
use crate::pipeline::analysis::routes::{client_auth, route_data, route_sites};
use crate::pipeline::analysis::scope::Project;

/// The rule's results are the outbound calls themselves, recorded whichever
/// rules are loaded (see [`framework_routes`]); it adds no findings.
pub fn check(_cx: &FileContext, _rule: &Rule, _out: &mut FileAnalysis) {}

/// Records the routes of every framework of the catalog the file uses.
pub fn framework_routes(cx: &FileContext, out: &mut FileAnalysis) {
    let frameworks = &cx.rules.sinks.frameworks;
    for (fi, framework) in frameworks.iter().enumerate() {
        if framework.lang.contains(cx.facts.lang) {
            routes(cx.project, cx.file, (frameworks, fi), out);
        }
    }
}

/// `@GET("v1/items")` on an interface method: an outbound call whose URL is
/// the route joined with the project's base URL of that framework.
fn routes(project: &Project, file: usize, (frameworks, fi): (&[Framework], usize), out: &mut FileAnalysis) {
    let framework = &frameworks[fi];
    let facts = project.facts(file);
    for (site, value) in route_sites(project, file, (frameworks, fi)) {
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
        call.host = host_part.map(|(_, h)| h);
        call.origin = value.origin;
        call.auth = client_auth(project, frameworks, fi);
        call.data_sent = route_data(project, file, site.function.as_deref(), framework);
        crate::pipeline::analysis::query::path_keys(&rendered, &mut call.data_sent);
        call.url = Some(rendered);
        out.record_call(call);
    }
}
