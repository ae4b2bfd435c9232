//! Grouping into communications: endpoints by the service of their host
//! (or the module calling it), client-library imports by their service,
//! and requests to runtime-determined URLs into one group.

use std::collections::{BTreeMap, BTreeSet};

use super::modules::module_of;
use super::runtime::{runtime_url_calls, RUNTIME_URLS_TITLE};
use super::scope::FindingScope;
use super::sent::Sent;
use crate::catalog::{Catalog, Service};
use crate::model::host;
use crate::model::{
    Communication, Endpoint, Finding, InventoryFacts, LibraryCall, OutboundCall, RequestDetail,
};
use crate::pipeline::walk::policy::is_tooling_path;

/// Group key; the order of the variants is the order of sections.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Service(String),
    Local,
    Module(String),
    /// The requests sharing a runtime base URL (`{serverUrl}/api/…`).
    RuntimeBase(String),
    RuntimeUrls,
}

#[derive(Default)]
struct Group {
    title: String,
    category: String,
    purpose: String,
    privacy: Option<String>,
    files: BTreeSet<String>,
    hosts: BTreeSet<String>,
    library_hosts: BTreeSet<String>,
    libraries: BTreeSet<String>,
    library_calls: BTreeSet<LibraryCall>,
    /// URL templates of requests to runtime-determined URLs.
    runtime_urls: BTreeSet<String>,
    /// Auth and data of requests without a host (those with one are in
    /// the request facts).
    sent: Sent,
}

/// Communications from report data plus [`InventoryFacts`]; `merge` uses it
/// to rebuild the inventory of merged shard reports.
pub fn communications_from(
    endpoints: &[Endpoint],
    findings: &[Finding],
    calls: &[OutboundCall],
    facts: &InventoryFacts,
    catalog: &Catalog,
) -> Vec<Communication> {
    let mut groups: BTreeMap<Key, Group> = BTreeMap::new();

    for e in endpoints {
        let service = catalog.service_for_host(&e.host);
        let local = host::is_loopback(&e.host) || host::is_private(&e.host);
        for l in &e.locations {
            let key = match service {
                Some(s) => Key::Service(s.name.clone()),
                None if local => Key::Local,
                None => Key::Module(module_of(&l.file)),
            };
            let g = groups
                .entry(key.clone())
                .or_insert_with(|| new_group(&key, service));
            g.hosts.insert(e.host.clone());
            g.files.insert(l.file.clone());
        }
    }

    for l in &facts.libraries {
        let Some((s, _)) = catalog.service_for_library(&l.library) else {
            continue;
        };
        let key = Key::Service(s.name.clone());
        let g = groups
            .entry(key.clone())
            .or_insert_with(|| new_group(&key, Some(s)));
        g.files.insert(l.file.clone());
        g.libraries.insert(l.library.clone());
        g.library_calls.extend(l.calls.iter().cloned());
        g.sent.add_requests(&l.auth, &l.data_sent);
        g.library_hosts.extend(s.hosts.iter().cloned());
    }

    let runtime = runtime_url_calls(endpoints, calls);
    let shared_bases = shared_bases(&runtime);
    for c in runtime {
        let key = match c.url.as_deref().and_then(runtime_base) {
            Some(base) if shared_bases.contains(base) => Key::RuntimeBase(base.to_string()),
            _ => Key::RuntimeUrls,
        };
        let g = groups.entry(key.clone()).or_insert_with(|| new_group(&key, None));
        g.files.insert(c.file.clone());
        g.runtime_urls.extend(c.url.clone());
        g.sent.add_call(c);
    }

    let requests: Requests = facts
        .requests
        .iter()
        .map(|r| ((r.file.as_str(), r.host.as_str()), r))
        .collect();
    let mut out: Vec<Communication> = groups
        .into_values()
        .map(|g| finish(g, findings, &requests))
        .collect();
    // What ships first; development and CI tooling after it.
    out.sort_by_key(|c| c.scope == TOOLING);
    out
}

/// The scope of a communication made only by development and CI tooling.
pub const TOOLING: &str = "tooling";

fn new_group(key: &Key, service: Option<&Service>) -> Group {
    match (key, service) {
        (Key::Service(_), Some(s)) => Group {
            title: s.name.clone(),
            category: s.category.clone(),
            purpose: s.purpose.clone(),
            privacy: s.privacy.clone(),
            ..Group::default()
        },
        (Key::Local, _) => Group {
            title: "Local and LAN services".into(),
            category: "local".into(),
            purpose: "Services on this machine or the local network".into(),
            ..Group::default()
        },
        (Key::RuntimeBase(base), _) => Group {
            title: format!("Configured server {base}"),
            category: "unknown".into(),
            purpose: format!(
                "Requests to the server whose base URL `{base}` is only known at run time (configuration, \
                 sign-in or the user's choice)"
            ),
            ..Group::default()
        },
        (Key::RuntimeUrls, _) => Group {
            title: RUNTIME_URLS_TITLE.into(),
            category: "unknown".into(),
            purpose: "Requests to URLs that come from configuration, parameters, responses or user input; \
                      the destination is only known at run time"
                .into(),
            ..Group::default()
        },
        (Key::Module(m), _) | (Key::Service(m), None) => Group {
            title: format!("Other hosts called from {m}"),
            category: "unknown".into(),
            purpose: format!("Hosts not in the service catalog, called from code in {m}"),
            ..Group::default()
        },
    }
}

/// How many requests must share a runtime base URL for it to be a
/// communication of its own: the app's main destination (its own server),
/// not a leftover among the runtime URLs.
const MIN_BASE_REQUESTS: usize = 5;

/// The base URL a runtime URL template starts with: its leading
/// placeholder when a path follows (`{serverUrl}` of
/// `{serverUrl}/api/v4/users`), or `scheme://{host}`. `None` for a whole
/// URL from one value (`{url}`).
fn runtime_base(url: &str) -> Option<&str> {
    let end = if url.starts_with('{') {
        url.find('}')? + 1
    } else {
        let (_, after) = url.split_once("://")?;
        if !after.starts_with('{') {
            return None;
        }
        let start = url.len() - after.len();
        start + after.find('}')? + 1
    };
    url[end..].starts_with('/').then(|| &url[..end])
}

/// The runtime base URLs at least [`MIN_BASE_REQUESTS`] requests share.
fn shared_bases<'a>(runtime: &[&'a OutboundCall]) -> BTreeSet<&'a str> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for c in runtime {
        if let Some(base) = c.url.as_deref().and_then(runtime_base) {
            *counts.entry(base).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= MIN_BASE_REQUESTS)
        .map(|(base, _)| base)
        .collect()
}

/// What each file's requests to each host send, by (file, host).
type Requests<'a> = BTreeMap<(&'a str, &'a str), &'a RequestDetail>;

/// The communication of a group: its hosts, what its requests send, and
/// the catalog's privacy note and its findings as notes.
fn finish(g: Group, findings: &[Finding], requests: &Requests) -> Communication {
    let mut sent = g.sent;
    for ((file, h), r) in requests {
        if g.files.contains(*file) && g.hosts.contains(*h) {
            sent.add_requests(&r.auth, &r.data_sent);
        }
    }
    let scope = FindingScope::new(&g.files, &g.hosts);
    let mut notes: Vec<String> = g.privacy.iter().cloned().collect();
    let mut seen = BTreeSet::new();
    for f in findings {
        if f.suppressed || !scope.contains(f) {
            continue;
        }
        if f.rule_id == "egress/token-in-url" {
            sent.add_auth("Credential in the URL (see findings)");
        }
        if seen.insert(f.fingerprint.clone()) {
            notes.push(format!(
                "{} ({}): {} — {}:{}",
                f.rule_id,
                f.severity.as_str(),
                f.message,
                f.file,
                f.line
            ));
        }
    }
    let hosts: Vec<String> = if g.hosts.is_empty() {
        g.library_hosts.into_iter().collect()
    } else {
        g.hosts.into_iter().collect()
    };
    let (auth, data_sent) = sent.finish();
    let scope = if !g.files.is_empty() && g.files.iter().all(|f| is_tooling_path(f)) {
        TOOLING.into()
    } else {
        "app".into()
    };
    Communication {
        title: g.title,
        category: g.category,
        purpose: g.purpose,
        files: g.files.into_iter().collect(),
        hosts,
        auth,
        data_sent,
        notes,
        via_library: g.libraries.into_iter().collect(),
        runtime_urls: g.runtime_urls.into_iter().collect(),
        library_calls: g.library_calls.into_iter().collect(),
        scope,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SinkKind;
    use crate::pipeline::inventory::{calls_without_endpoint, runtime_url_calls};

    #[test]
    fn unknown_hosts_of_build_copies_share_one_communication() {
        let endpoint = |file: &str| Endpoint {
            url: "https://api.vendor.example/v1".into(),
            host: "api.vendor.example".into(),
            scheme: "https".into(),
            origin: crate::model::Origin::Literal,
            service: None,
            locations: vec![crate::model::Location {
                file: file.into(),
                line: 3,
                column: 1,
            }],
        };
        let endpoints = [
            endpoint("src/internal/x.ts"),
            endpoint("lib/commonjs/internal/x.js"),
            endpoint("lib/module/internal/x.js"),
        ];
        let comms = communications_from(
            &endpoints,
            &[],
            &[],
            &InventoryFacts::default(),
            &Catalog::builtin(),
        );
        assert_eq!(comms.len(), 1, "{comms:#?}");
        assert_eq!(comms[0].title, "Other hosts called from internal");
        assert_eq!(
            comms[0].purpose,
            "Hosts not in the service catalog, called from code in internal"
        );
        assert_eq!(comms[0].files.len(), 3);
    }

    #[test]
    fn requests_to_runtime_urls_are_one_communication() {
        use crate::model::testing::{call, endpoint};
        use crate::model::Origin;
        let endpoints = vec![endpoint("https://api.x.io/v1", "api.x.io", "src/a.ts", 3)];
        let mut config = call(
            "ios/Update.swift",
            25,
            Some("{configuration.updateUrl}"),
            None,
            Origin::Config,
        );
        config.auth = Some("Bearer in Authorization header".into());
        let mut param = call(
            "android/Update.kt",
            23,
            Some("{packageUrl}"),
            None,
            Origin::Parameter,
        );
        param.data_sent = vec!["deviceId (device identifier)".into()];
        let mut discovery = call("src/lan.ts", 7, Some("dns-sd:_hub._tcp"), None, Origin::Literal);
        discovery.kind = SinkKind::Discovery;
        let calls = vec![
            // At an endpoint: accounted for by it.
            call(
                "src/a.ts",
                3,
                Some("https://api.x.io/v1"),
                Some("api.x.io"),
                Origin::Literal,
            ),
            // Host known, destination written elsewhere: not runtime.
            call(
                "src/b.ts",
                9,
                Some("scp://api.x.io"),
                Some("api.x.io"),
                Origin::Constant,
            ),
            config,
            param,
            call("android/Update.kt", 30, None, None, Origin::Unknown),
            discovery,
        ];
        assert_eq!(calls_without_endpoint(&endpoints, &calls).len(), 5);
        let runtime: Vec<(&str, usize)> = runtime_url_calls(&endpoints, &calls)
            .iter()
            .map(|c| (c.file.as_str(), c.line))
            .collect();
        assert_eq!(
            runtime,
            vec![
                ("ios/Update.swift", 25),
                ("android/Update.kt", 23),
                ("android/Update.kt", 30)
            ]
        );

        let comms = communications_from(
            &endpoints,
            &[],
            &calls,
            &InventoryFacts::default(),
            &Catalog::builtin(),
        );
        let titles: Vec<&str> = comms.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, vec!["Other hosts called from src", RUNTIME_URLS_TITLE]);
        let c = &comms[1];
        assert_eq!(c.files, vec!["android/Update.kt", "ios/Update.swift"]);
        assert!(c.hosts.is_empty());
        assert_eq!(c.runtime_urls, vec!["{configuration.updateUrl}", "{packageUrl}"]);
        assert_eq!(c.auth.as_deref(), Some("Bearer in Authorization header"));
        assert_eq!(c.data_sent, vec!["deviceId (device identifier)"]);
        assert_eq!(c.category, "unknown");

        // No such calls, no such communication.
        let comms = communications_from(
            &endpoints,
            &[],
            &calls[..2],
            &InventoryFacts::default(),
            &Catalog::builtin(),
        );
        assert!(comms.iter().all(|c| c.title != RUNTIME_URLS_TITLE));
    }

    #[test]
    fn runtime_bases_shared_by_requests_are_communications_of_their_own() {
        assert_eq!(runtime_base("{serverUrl}/api/v4/users"), Some("{serverUrl}"));
        assert_eq!(runtime_base("https://{host}/v1/ping"), Some("https://{host}"));
        assert_eq!(runtime_base("{url}"), None);
        assert_eq!(runtime_base("https://api.x.io/{path}"), None);
        let calls: Vec<OutboundCall> = (0..6)
            .map(|i| {
                let url = if i < MIN_BASE_REQUESTS {
                    format!("{{server}}/api/v1/m{i}")
                } else {
                    "{downloadUrl}".to_string()
                };
                crate::model::testing::call(
                    &format!("src/f{i}.ts"),
                    3,
                    Some(&url),
                    None,
                    crate::model::Origin::Config,
                )
            })
            .collect();
        let comms = communications_from(&[], &[], &calls, &InventoryFacts::default(), &Catalog::builtin());
        let titles: Vec<(&str, usize)> = comms.iter().map(|c| (c.title.as_str(), c.files.len())).collect();
        assert_eq!(
            titles,
            vec![
                ("Configured server {server}", MIN_BASE_REQUESTS),
                (RUNTIME_URLS_TITLE, 1)
            ]
        );
    }
}
