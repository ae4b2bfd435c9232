//! The inventory: groups endpoints and SDK imports into communications using
//! the service catalog (`rules/services.yaml`).
//!
//! - an endpoint whose host is in the catalog joins that service's group;
//! - loopback and LAN hosts join "Local and LAN services";
//! - other hosts are grouped by the module (top source folder) calling them;
//! - requests to URLs known only at run time (no endpoint at the call, no
//!   host) form one "Requests to runtime-determined URLs" group;
//! - importing a catalog client library is a communication "via library",
//!   even when no URL appears in the code.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::Catalog;
use crate::catalog::Service;
use crate::model::host;
use crate::model::FileFacts;
use crate::model::InventoryFacts;
use crate::model::LibraryImport;
use crate::model::OutboundCall;
use crate::model::RequestDetail;
use crate::model::SinkKind;
use crate::model::{Communication, Endpoint, Finding};
use crate::pipeline::analysis::payload;

/// Title of the communication of requests whose URL is only known at run
/// time.
pub const RUNTIME_URLS_TITLE: &str = "Requests to runtime-determined URLs";

/// Group key; the order of the variants is the order of sections.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Service(String),
    Local,
    Module(String),
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
    /// URL templates of requests to runtime-determined URLs.
    runtime_urls: BTreeSet<String>,
    /// Auth and data of requests without a host (those with one are in
    /// the request facts).
    auth: Vec<String>,
    data_sent: BTreeSet<String>,
}

/// The module of a file: its top source folder (`src/channels/x.ts` →
/// `channels`, `lib/a.js` → `lib`, `packages/api/src/x.ts` → `packages/api`).
///
/// Build output mirrors the source tree, so its folders (`dist`, `build`,
/// `esm`, `cjs`, `lib/commonjs`, `lib/module`, `lib/typescript`…) do not
/// define a module: `lib/commonjs/internal/x.js` is in `internal`, like
/// `src/internal/x.ts`, and a file at the top of a build folder is in `src`,
/// where it was compiled from.
pub fn module_of(file: &str) -> String {
    let dirs: Vec<&str> = file.split('/').collect();
    let dirs = &dirs[..dirs.len().saturating_sub(1)];
    if dirs.is_empty() {
        return "(root)".into();
    }
    if matches!(dirs[0], "packages" | "apps" | "libs" | "modules") && dirs.len() >= 2 {
        return format!("{}/{}", dirs[0], dirs[1]);
    }
    let generic = [
        "src", "source", "Sources", "lib", "app", "main", "java", "kotlin", "swift",
    ];
    let sources: Vec<&str> = dirs
        .iter()
        .enumerate()
        .filter(|&(i, d)| !is_build_output(d, i.checked_sub(1).map(|p| dirs[p])))
        .map(|(_, d)| *d)
        .collect();
    if sources.len() < dirs.len() && sources.iter().all(|d| generic.contains(d)) {
        return "src".into();
    }
    sources
        .iter()
        .find(|d| !generic.contains(d))
        .or(sources.first())
        .map(|d| d.to_string())
        .unwrap_or_else(|| "(root)".into())
}

/// Folders that hold compiled copies of the sources: bundler and compiler
/// output anywhere, and the per-format folders react-native-builder-bob and
/// similar tools write under `lib/`.
fn is_build_output(dir: &str, parent: Option<&str>) -> bool {
    matches!(dir, "dist" | "build" | "esm" | "cjs" | "umd")
        || parent == Some("lib") && matches!(dir, "commonjs" | "module" | "typescript")
}

/// The calls that no endpoint accounts for: no endpoint of the report is
/// located at the call's file and line. Mostly requests to URLs known only
/// at run time (`{configuration.updateUrl}`), plus calls whose destination
/// is written elsewhere or is not a URL (service discovery). In report order.
pub fn calls_without_endpoint<'a>(
    endpoints: &[Endpoint],
    calls: &'a [OutboundCall],
) -> Vec<&'a OutboundCall> {
    let listed: BTreeSet<(&str, usize)> = endpoints
        .iter()
        .flat_map(|e| e.locations.iter().map(|l| (l.file.as_str(), l.line)))
        .collect();
    calls
        .iter()
        .filter(|c| !listed.contains(&(c.file.as_str(), c.line)))
        .collect()
}

/// Whether a call that no endpoint accounts for is a request to a URL only
/// known at run time (`{config.url}`, `{location}`): its host is unknown.
/// Service discovery is not a request to a URL and stays in the local/LAN
/// view.
pub fn is_runtime_url(call: &OutboundCall) -> bool {
    call.host.is_none() && call.kind != SinkKind::Discovery
}

/// The requests whose destination is only known at run time: the calls
/// without an endpoint that [`is_runtime_url`] accepts.
pub fn runtime_url_calls<'a>(endpoints: &[Endpoint], calls: &'a [OutboundCall]) -> Vec<&'a OutboundCall> {
    calls_without_endpoint(endpoints, calls)
        .into_iter()
        .filter(|c| is_runtime_url(c))
        .collect()
}

/// The findings that belong to a communication: those in its files whose
/// host, when they name one, is one of its hosts (port and scheme aside).
pub struct FindingScope<'a> {
    files: BTreeSet<&'a str>,
    hostnames: BTreeSet<String>,
}

impl<'a> FindingScope<'a> {
    pub fn new(
        files: impl IntoIterator<Item = &'a String>,
        hosts: impl IntoIterator<Item = &'a String>,
    ) -> Self {
        FindingScope {
            files: files.into_iter().map(String::as_str).collect(),
            hostnames: hosts.into_iter().map(|h| host::hostname(h)).collect(),
        }
    }

    pub fn of(c: &'a Communication) -> Self {
        FindingScope::new(&c.files, &c.hosts)
    }

    pub fn contains(&self, f: &Finding) -> bool {
        self.files.contains(f.file.as_str())
            && f.host
                .as_ref()
                .is_none_or(|h| self.hostnames.contains(&host::hostname(h)))
    }
}

/// The [`InventoryFacts`] of one parsed file: the catalog client libraries
/// it imports, and the auth and data of its requests to each host. `calls`
/// are outbound calls (those of other files are ignored) and `hosts_at`
/// the lines of the file at which its endpoints are (line, host).
pub fn file_facts(
    facts: &FileFacts,
    calls: &[OutboundCall],
    hosts_at: &[(usize, &str)],
    catalog: &Catalog,
) -> InventoryFacts {
    let libraries = facts
        .imports
        .iter()
        .filter_map(|import| {
            let (service, _) = catalog.service_for_library(&import.source)?;
            Some(LibraryImport {
                file: facts.path.clone(),
                library: library_name(&import.source, &service.name, catalog),
            })
        })
        .collect();
    let requests = request_details(facts, calls, hosts_at)
        .into_iter()
        .map(|(host, (auth, data_sent))| RequestDetail {
            file: facts.path.clone(),
            host,
            auth,
            data_sent,
        })
        .collect();
    let mut out = InventoryFacts { libraries, requests };
    out.sort();
    out
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
        g.library_hosts.extend(s.hosts.iter().cloned());
    }

    for c in runtime_url_calls(endpoints, calls) {
        let g = groups
            .entry(Key::RuntimeUrls)
            .or_insert_with(|| new_group(&Key::RuntimeUrls, None));
        g.files.insert(c.file.clone());
        g.runtime_urls.extend(c.url.clone());
        if let Some(a) = &c.auth {
            if !g.auth.contains(a) {
                g.auth.push(a.clone());
            }
        }
        g.data_sent.extend(c.data_sent.iter().cloned());
    }

    let requests: Requests = facts
        .requests
        .iter()
        .map(|r| {
            (
                (r.file.clone(), r.host.clone()),
                (r.auth.clone(), r.data_sent.clone()),
            )
        })
        .collect();
    groups
        .into_values()
        .map(|g| finish(g, findings, &requests))
        .collect()
}

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

/// The name a library import is listed under: its npm package
/// (`@sentry/browser` for `@sentry/browser/build/npm/esm/index.js`,
/// `firebase` for `firebase/app`), so a communication lists packages, not
/// every module path of them; the whole import when the package alone
/// would name another service of the catalog (`firebase/messaging`).
fn library_name(source: &str, service: &str, catalog: &Catalog) -> String {
    let parts: Vec<&str> = source.split('/').collect();
    let package = match parts.as_slice() {
        [scope, name, _, ..] if scope.starts_with('@') => format!("{scope}/{name}"),
        [name, _, ..] if !name.starts_with('.') && !name.starts_with('@') => name.to_string(),
        _ => return source.to_string(),
    };
    match catalog.service_for_library(&package) {
        Some((s, _)) if s.name == service => package,
        _ => source.to_string(),
    }
}

/// Auth and body details per (file, host), from the calls that reach a host.
type Requests = BTreeMap<(String, String), (Vec<String>, Vec<String>)>;

/// Auth and body details per host of one file's requests.
fn request_details(
    facts: &FileFacts,
    calls: &[OutboundCall],
    hosts_at: &[(usize, &str)],
) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let mut out: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    // Lines at which each host is reached.
    let calls: Vec<&OutboundCall> = calls.iter().filter(|c| c.file == facts.path).collect();
    let mut lines: Vec<(usize, &str)> = calls
        .iter()
        .filter_map(|c| Some((c.line, c.host.as_deref()?)))
        .collect();
    lines.extend(hosts_at.iter().copied());
    if lines.is_empty() {
        return out;
    }
    for site in &facts.calls {
        let hosts: BTreeSet<&str> = lines
            .iter()
            .filter(|(line, _)| (site.span.line..=site.span.end_line).contains(line))
            .map(|(_, h)| *h)
            .collect();
        if hosts.is_empty() {
            continue;
        }
        let info = payload::describe(&site.call);
        // A call that only names the host, such as an SDK's set-up
        // (`posthog.init(key, { api_host })`), passes options, not data:
        // only its credentials count.
        let sends = calls
            .iter()
            .any(|c| (site.span.line..=site.span.end_line).contains(&c.line));
        for h in hosts {
            let entry = out.entry(h.to_string()).or_default();
            entry.0.extend(info.auth.iter().cloned());
            if sends {
                entry.1.extend(info.data_sent.iter().cloned());
            }
        }
    }
    // What each call sends as the analysis read it: it follows the names at
    // the call's place (`body: JSON.stringify(body)` with a local `body`
    // object), which reading the call's own text above cannot.
    for c in calls {
        let Some(host) = &c.host else { continue };
        if c.data_sent.is_empty() && c.auth.is_none() {
            continue;
        }
        let (auth, data) = out.entry(host.clone()).or_default();
        if let Some(a) = c.auth.as_ref().filter(|a| !auth.contains(a)) {
            auth.push(a.clone());
        }
        for d in &c.data_sent {
            if !data.contains(d) {
                data.push(d.clone());
            }
        }
    }
    out
}

fn finish(g: Group, findings: &[Finding], requests: &Requests) -> Communication {
    let mut auth: Vec<String> = g.auth;
    let mut data: BTreeSet<String> = g.data_sent;
    for ((file, h), (a, d)) in requests {
        if g.files.contains(file) && g.hosts.contains(h) {
            for x in a {
                if !auth.contains(x) {
                    auth.push(x.clone());
                }
            }
            data.extend(d.iter().cloned());
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
            let a = "Credential in the URL (see findings)".to_string();
            if !auth.contains(&a) {
                auth.push(a);
            }
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
    Communication {
        title: g.title,
        category: g.category,
        purpose: g.purpose,
        files: g.files.into_iter().collect(),
        hosts,
        auth: (!auth.is_empty()).then(|| auth.join("; ")),
        data_sent: data.into_iter().collect(),
        notes,
        via_library: g.libraries.into_iter().collect(),
        runtime_urls: g.runtime_urls.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules() {
        assert_eq!(module_of("src/channels/telegram.ts"), "channels");
        assert_eq!(module_of("src/daemon.ts"), "src");
        assert_eq!(module_of("lib/forward.js"), "lib");
        assert_eq!(module_of("routes/hooks.js"), "routes");
        assert_eq!(module_of("packages/api/src/x.ts"), "packages/api");
        assert_eq!(module_of("index.ts"), "(root)");
    }

    #[test]
    fn libraries_are_listed_by_package_unless_a_subpath_names_another_service() {
        let catalog = Catalog::builtin();
        let name = |source: &str| {
            let (service, _) = catalog.service_for_library(source).expect("catalog library");
            library_name(source, &service.name, &catalog)
        };
        assert_eq!(name("@sentry/browser/build/npm/esm/index.js"), "@sentry/browser");
        assert_eq!(name("@sentry/browser"), "@sentry/browser");
        assert_eq!(name("posthog-js/lib/src/request"), "posthog-js");
        assert_eq!(name("firebase/app"), "firebase");
        assert_eq!(name("firebase/messaging"), "firebase/messaging");
        assert_eq!(
            name("com.google.firebase.messaging.FirebaseMessaging"),
            "com.google.firebase.messaging.FirebaseMessaging"
        );
    }

    #[test]
    fn build_output_folders_are_not_modules() {
        for copy in [
            "src/internal/x.ts",
            "lib/commonjs/internal/x.js",
            "lib/module/internal/x.js",
            "lib/typescript/internal/x.d.ts",
            "dist/internal/x.js",
            "dist/esm/internal/x.js",
            "build/cjs/internal/x.js",
            "esm/internal/x.js",
        ] {
            assert_eq!(module_of(copy), "internal", "{copy}");
        }
        // The top of a build folder is the top of the sources.
        for copy in [
            "src/index.ts",
            "lib/commonjs/index.js",
            "dist/index.js",
            "dist/cjs/index.js",
        ] {
            assert_eq!(module_of(copy), "src", "{copy}");
        }
        assert_eq!(module_of("packages/api/dist/x.js"), "packages/api");
        // Only right under `lib/` are these names build output.
        assert_eq!(module_of("src/module/x.ts"), "module");
        assert_eq!(module_of("lib/forward.js"), "lib");
    }

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
}
