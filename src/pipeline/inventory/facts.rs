//! The inventory facts of one parsed file, taken while its facts are
//! open: the catalog client libraries it imports and what its requests to
//! each host send ([`super::sent`]). Shard reports carry them so `merge`
//! can rebuild the communications.

use crate::catalog::Catalog;
use crate::model::{FileFacts, InventoryFacts, LibraryImport, OutboundCall, RequestDetail};

use super::sent::request_details;

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
            let sent = super::sdk::library_sent(facts, service, import);
            Some(LibraryImport {
                file: facts.path.clone(),
                library: library_name(&import.source, &service.name, catalog),
                auth: sent.auth,
                data_sent: sent.data_sent,
                calls: sent.calls,
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
