//! What a partial comparison found added or removed, as signals to look for
//! in the files it did not read (see [`super::scope`]): a host or a client
//! library is added to the software only if no unchanged file talks to it
//! already, and so is a communication of a module's unknown hosts or of a
//! configured base URL.

use std::collections::BTreeSet;

use aho_corasick::AhoCorasick;

use super::scope::identifier_tokens;
use super::surface::Change;
use super::DiffReport;
use crate::pipeline::inventory::module_of;
use crate::pipeline::prefilter::word_hash;

/// Title prefix of the communication of a module's hosts outside the catalog.
const MODULE_HOSTS: &str = "Other hosts called from ";

pub(super) struct Signals {
    /// Hosts and client-library names, searched in the text
    /// (case-insensitively)...
    texts: Option<AhoCorasick>,
    /// ...of the files holding every identifier token of one of them
    /// (`api`, `example`, `com` for `api.example.com`), so that few files
    /// are read again.
    text_tokens: Vec<Vec<u32>>,
    /// Identifiers naming a runtime base URL (`serverUrl` of
    /// `{serverUrl}/api`), searched among the tokens.
    names: BTreeSet<u32>,
    /// Modules whose unknown-hosts communication was added or removed: any
    /// file of theirs with a URL scheme may belong to it.
    modules: BTreeSet<String>,
}

impl Signals {
    /// The signals of `report`'s added and removed hosts and communications.
    pub(super) fn of(report: &DiffReport) -> Signals {
        let mut texts: BTreeSet<String> = report
            .added_hosts
            .iter()
            .chain(&report.removed_hosts)
            .map(|h| h.host.clone())
            .collect();
        let mut names = BTreeSet::new();
        let mut modules = BTreeSet::new();
        for c in &report.communications {
            if c.change == Change::Changed {
                continue;
            }
            texts.extend(c.hosts.iter().cloned());
            texts.extend(c.libraries_added.iter().chain(&c.libraries_removed).cloned());
            if let Some(module) = c.title.strip_prefix(MODULE_HOSTS) {
                modules.insert(module.to_string());
            }
            let sites = c.call_sites_added.iter().chain(&c.call_sites_removed);
            names.extend(sites.filter_map(|s| base_name(s.url.as_deref()?)).map(word_hash));
        }
        Signals::new(texts, names, modules)
    }

    fn new(texts: BTreeSet<String>, names: BTreeSet<u32>, modules: BTreeSet<String>) -> Signals {
        // Wildcard or very short hosts are no text to look for.
        let texts: Vec<String> = texts
            .into_iter()
            .filter(|t| t.len() > 2 && !t.contains('*'))
            .collect();
        let text_tokens = texts.iter().map(|t| identifier_tokens(t.as_bytes())).collect();
        let texts = (!texts.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&texts)
                    .ok()
            })
            .flatten();
        Signals {
            texts,
            text_tokens,
            names,
            modules,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.texts.is_none() && self.names.is_empty() && self.modules.is_empty()
    }

    /// Does the file at `path` (with its sorted identifier `tokens`, and
    /// contents `read` when the text must be searched) carry one of the
    /// signals?
    pub(super) fn heard_in(
        &self,
        path: &str,
        tokens: &[u32],
        read: impl FnOnce() -> Option<Vec<u8>>,
    ) -> bool {
        let has = |t: &u32| tokens.binary_search(t).is_ok();
        if self.names.iter().any(has) {
            return true;
        }
        // A module's unknown hosts: any file of it with a URL scheme.
        if !self.modules.is_empty()
            && URL_SCHEMES.iter().any(|s| has(&word_hash(s)))
            && self.modules.contains(&module_of(path))
        {
            return true;
        }
        let Some(texts) = &self.texts else {
            return false;
        };
        let maybe = self.text_tokens.iter().any(|needed| needed.iter().all(has));
        maybe && read().is_some_and(|bytes| texts.is_match(&bytes))
    }
}

const URL_SCHEMES: [&str; 4] = ["http", "https", "ws", "wss"];

/// The identifier a runtime URL template starts from: `serverUrl` for
/// `{serverUrl}/api/v4` or `{this.config.serverUrl}/x`; none for a literal
/// base.
fn base_name(url: &str) -> Option<&str> {
    let inner = url.strip_prefix('{')?.split('}').next()?;
    let name = inner.rsplit('.').next()?;
    let name = name.trim_end_matches("()");
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runtime_template_is_known_by_its_base_identifier() {
        assert_eq!(base_name("{serverUrl}/api/v4/users"), Some("serverUrl"));
        assert_eq!(base_name("{this.config.baseUrl}/x"), Some("baseUrl"));
        assert_eq!(base_name("https://api.example.com/{id}"), None);
    }

    #[test]
    fn hosts_are_found_in_the_text_and_names_among_the_tokens() {
        let signals = Signals::new(
            ["api.example.com".to_string()].into(),
            [word_hash("serverUrl")].into(),
            BTreeSet::new(),
        );
        let text = |s: &'static str| move || Some(s.as_bytes().to_vec());
        let mut tokens: Vec<u32> = ["fetch", "https", "api", "example", "com", "x", "other"]
            .map(word_hash)
            .to_vec();
        tokens.sort_unstable();
        assert!(signals.heard_in("src/a.ts", &tokens, text("fetch('https://api.example.com/x')")));
        assert!(!signals.heard_in("src/a.ts", &tokens, text("fetch('https://other.example.com/x')")));
        assert!(
            !signals.heard_in("src/a.ts", &[], || panic!(
                "a file without the host's tokens is not read"
            )),
            "{tokens:?}"
        );
        assert!(signals.heard_in("src/a.ts", &[word_hash("serverUrl")], text("")));
    }
}
