//! The call sites of one side of a diff, each assigned to the
//! communication it belongs to, with an identity that survives moved lines
//! and reformatting.
//!
//! A reviewer asks "which code starts talking to what": a call site is the
//! unit of that answer. Its identity is file, enclosing function, API and
//! URL template plus its rank among the sites sharing those four (the
//! *occurrence*), never the line: inserting lines above a call or
//! reformatting it must not make it new.
//!
//! Two sources: the report's network calls (`fetch`, `URLSession`, OkHttp,
//! wrappers of them), and the data-carrying calls of a catalog client
//! library (`slack.chat.postMessage(…)`), which have no URL in the code and
//! are not network calls of the report, but are how an SDK integration
//! talks to its service.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::model::{Communication, OutboundCall, Report};
use crate::pipeline::analysis::ParsedFile;
use crate::pipeline::inventory::{holds_runtime_call, is_runtime_url};

/// Title under which call sites that no communication of the report
/// accounts for (service discovery with no host, a call whose endpoint the
/// report lists elsewhere) are compared.
pub const OTHER_CALL_SITES: &str = "Other call sites";

/// The `origin` of a call site made through a client library.
pub const LIBRARY_ORIGIN: &str = "library";

/// One place in the code that talks to the network, or hands data to a
/// client library that does.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct CallSite {
    /// Title of the communication the site belongs to (the enclosing
    /// communication change in JSON, so not repeated there).
    #[serde(skip)]
    pub communication: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// The network API or the library method (`fetch`, `chat.postMessage`).
    pub api: String,
    /// URL template with `{placeholders}`; none for a library call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Where the URL comes from (`literal`, `config`, …), `library` for a
    /// library call.
    pub origin: String,
    /// Project wrappers between this site and the network API.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
    /// The client library called (library sites only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_sent: Vec<String>,
}

/// What identifies a call site across revisions, without its rank.
pub(super) type SiteKey = (String, Option<String>, String, Option<String>);

impl CallSite {
    pub(super) fn key(&self) -> SiteKey {
        (
            self.file.clone(),
            self.function.clone(),
            self.api.clone(),
            self.url.clone(),
        )
    }

    /// What may change at a site that keeps its identity.
    pub(super) fn details(&self) -> (&Option<String>, &str, &[String], &Option<String>, &[String]) {
        (&self.host, &self.origin, &self.via, &self.auth, &self.data_sent)
    }
}

/// Call sites keyed by identity: the `n`-th site (in line order) of a key
/// is `(key, n)`.
pub(super) fn by_identity(sites: Vec<CallSite>) -> BTreeMap<(SiteKey, usize), CallSite> {
    let mut groups: BTreeMap<SiteKey, Vec<CallSite>> = BTreeMap::new();
    for site in sites {
        groups.entry(site.key()).or_default().push(site);
    }
    let mut out = BTreeMap::new();
    for (key, mut list) in groups {
        list.sort_by_key(|s| (s.line, s.column));
        for (n, site) in list.into_iter().enumerate() {
            out.insert((key.clone(), n), site);
        }
    }
    out
}

/// The report's network calls as call sites, each under its communication.
pub fn report_sites(report: &Report) -> Vec<CallSite> {
    report
        .calls
        .iter()
        .map(|call| CallSite {
            communication: communication_of(call, &report.communications),
            file: call.file.clone(),
            line: call.line,
            column: call.column,
            function: call.function.clone(),
            api: call.api.clone(),
            url: call.url.clone(),
            host: call.host.clone(),
            origin: call.origin.as_str().to_string(),
            via: call.via.clone(),
            library: None,
            auth: call.auth.clone(),
            data_sent: call.data_sent.clone(),
        })
        .collect()
}

/// The communication a call belongs to: the one listing its host for its
/// file (as the inventory groups endpoints), else the runtime-URL group for
/// a request without a host.
fn communication_of(call: &OutboundCall, communications: &[Communication]) -> String {
    let has_file = |c: &&Communication| c.files.contains(&call.file);
    let found = match &call.host {
        Some(host) => {
            let lists = |c: &&Communication| c.hosts.contains(host);
            communications
                .iter()
                .filter(lists)
                .find(has_file)
                .or_else(|| communications.iter().find(lists))
        }
        None if is_runtime_url(call) => communications
            .iter()
            .filter(|c| holds_runtime_call(c, call))
            .find(has_file),
        None => None,
    };
    found.map_or_else(|| OTHER_CALL_SITES.to_string(), |c| c.title.clone())
}

/// The calls of catalog client libraries' data-carrying methods (the
/// catalog's `sends`) in files importing the library. Only files whose
/// summary imports a catalog library are opened.
pub fn library_sites(files: &[&ParsedFile], catalog: &Catalog) -> Vec<CallSite> {
    let mut out = BTreeSet::new();
    for file in files {
        let imports_library = file
            .summary
            .imports
            .iter()
            .any(|i| catalog.service_for_library(&i.source).is_some());
        if !imports_library {
            continue;
        }
        let facts = file.facts();
        for import in &facts.imports {
            let Some((service, _)) = catalog.service_for_library(&import.source) else {
                continue;
            };
            for site in &facts.calls {
                let Some(send) = service.sends.iter().find(|s| s.matches(&site.callee)) else {
                    continue;
                };
                out.insert(CallSite {
                    communication: service.name.clone(),
                    file: file.path().to_string(),
                    line: site.span.line,
                    column: site.span.column,
                    function: site.function.clone(),
                    api: send.call.clone(),
                    url: None,
                    host: None,
                    origin: LIBRARY_ORIGIN.to_string(),
                    via: Vec::new(),
                    library: Some(import.source.clone()),
                    auth: None,
                    data_sent: Vec::new(),
                });
            }
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(line: usize, function: &str) -> CallSite {
        CallSite {
            communication: "X".into(),
            file: "a.ts".into(),
            line,
            column: 3,
            function: Some(function.into()),
            api: "fetch".into(),
            url: Some("https://x.example/a".into()),
            host: Some("x.example".into()),
            origin: "literal".into(),
            via: Vec::new(),
            library: None,
            auth: None,
            data_sent: Vec::new(),
        }
    }

    #[test]
    fn identity_ignores_lines_and_ranks_equal_keys_by_line() {
        let base = by_identity(vec![site(10, "f"), site(4, "f"), site(7, "g")]);
        let head = by_identity(vec![site(40, "f"), site(30, "f"), site(1, "g")]);
        let keys = |m: &BTreeMap<(SiteKey, usize), CallSite>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&base), keys(&head));
        let first_f = base
            .keys()
            .find(|(k, n)| k.1.as_deref() == Some("f") && *n == 0)
            .expect("f #0");
        assert_eq!(base[first_f].line, 4);
        assert_eq!(head[first_f].line, 30);
    }
}
