//! Which findings belong to a communication.

use std::collections::BTreeSet;

use crate::model::host;
use crate::model::{Communication, Finding};

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
