//! One line per changed communication — what a reviewer reads first:
//! `+ Slack: 4 new call sites in 4 files, data sent: message text, user id`.
//! Shared by the terminal table and the pull-request comment; the caller
//! escapes the line for its medium.

use std::collections::BTreeSet;

use super::{CallSite, Change, CommunicationChange};

/// Hosts named on a line before "+N more".
const HOSTS_SHOWN: usize = 3;

/// `+`, `-` or `!` (the marks of a `diff` block: added, removed, changed).
pub fn mark(change: Change) -> char {
    match change {
        Change::Added => '+',
        Change::Removed => '-',
        Change::Changed => '!',
    }
}

pub use crate::report::count;

/// `4 new call sites in 4 files`.
fn new_sites(added: &[CallSite]) -> String {
    let n = added.len();
    let s = if n == 1 { "" } else { "s" };
    format!("{n} new call site{s} in {}", count(files_of(added), "file"))
}

fn files_of(sites: &[CallSite]) -> usize {
    sites
        .iter()
        .map(|s| s.file.as_str())
        .collect::<BTreeSet<_>>()
        .len()
}

fn hosts(list: &[String]) -> String {
    let mut shown: Vec<&str> = list.iter().take(HOSTS_SHOWN).map(String::as_str).collect();
    let more = list.len().saturating_sub(HOSTS_SHOWN);
    let tail = (more > 0).then(|| format!("+{more} more"));
    shown.extend(tail.as_deref());
    shown.join(", ")
}

/// The summary line of one communication change, with its mark.
pub fn line(c: &CommunicationChange) -> String {
    let mut parts: Vec<String> = Vec::new();
    let added = &c.call_sites_added;
    let removed = &c.call_sites_removed;
    match c.change {
        Change::Added => {
            if added.is_empty() {
                parts.push(format!("new in {}", count(c.files_added.len(), "file")));
            } else {
                parts.push(new_sites(added));
            }
            // The hosts the new code names; a library's own hosts (catalog
            // patterns) are in the details.
            let named: Vec<String> = added
                .iter()
                .filter_map(|s| s.host.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            if !named.is_empty() {
                parts.push(format!("hosts: {}", hosts(&named)));
            }
            if !c.libraries_added.is_empty() {
                parts.push(format!("via library: {}", c.libraries_added.join(", ")));
            }
            if !c.data_sent_added.is_empty() {
                parts.push(format!("data sent: {}", c.data_sent_added.join(", ")));
            }
        }
        Change::Removed => {
            let files = files_of(removed).max(c.files_removed.len());
            parts.push(format!(
                "no longer used ({} in {} removed)",
                count(removed.len(), "call site"),
                count(files, "file")
            ));
        }
        Change::Changed => {
            if !added.is_empty() {
                parts.push(new_sites(added));
            }
            if !removed.is_empty() {
                parts.push(format!("{} removed", count(removed.len(), "call site")));
            }
            if !c.call_sites_changed.is_empty() {
                parts.push(format!(
                    "{} changed",
                    count(c.call_sites_changed.len(), "call site")
                ));
            }
            if added.is_empty() && removed.is_empty() {
                if !c.files_added.is_empty() {
                    parts.push(format!("{} added", count(c.files_added.len(), "file")));
                }
                if !c.files_removed.is_empty() {
                    parts.push(format!("{} removed", count(c.files_removed.len(), "file")));
                }
            }
            if !c.hosts_added.is_empty() {
                parts.push(format!("new hosts: {}", hosts(&c.hosts_added)));
            }
            if !c.hosts_removed.is_empty() {
                parts.push(format!("hosts removed: {}", hosts(&c.hosts_removed)));
            }
            if !c.libraries_added.is_empty() {
                parts.push(format!("via library: {}", c.libraries_added.join(", ")));
            }
            let sent: Vec<String> = c
                .data_sent_added
                .iter()
                .map(|d| format!("+{d}"))
                .chain(c.data_sent_removed.iter().map(|d| format!("-{d}")))
                .collect();
            if !sent.is_empty() {
                parts.push(format!("data sent: {}", sent.join(", ")));
            }
            if let Some(a) = &c.auth {
                let none = "none";
                parts.push(format!(
                    "auth: {} → {}",
                    a.before.as_deref().unwrap_or(none),
                    a.after.as_deref().unwrap_or(none)
                ));
            }
        }
    }
    format!("{} {}: {}", mark(c.change), c.title, parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slack() -> CommunicationChange {
        let site = |file: &str| CallSite {
            communication: "Slack".into(),
            file: file.into(),
            line: 3,
            column: 1,
            function: None,
            api: "chat.postMessage".into(),
            url: None,
            host: None,
            origin: "library".into(),
            via: Vec::new(),
            library: Some("@slack/web-api".into()),
            auth: None,
            data_sent: Vec::new(),
        };
        CommunicationChange {
            title: "Slack".into(),
            category: "chat".into(),
            change: Change::Added,
            files_added: vec!["a.ts".into(), "b.ts".into()],
            files_removed: Vec::new(),
            call_sites_added: vec![site("a.ts"), site("a.ts"), site("b.ts")],
            call_sites_removed: Vec::new(),
            call_sites_changed: Vec::new(),
            hosts_added: Vec::new(),
            hosts_removed: Vec::new(),
            libraries_added: vec!["@slack/web-api".into()],
            libraries_removed: Vec::new(),
            auth: None,
            data_sent_added: vec!["message text".into(), "user id".into()],
            data_sent_removed: Vec::new(),
            hosts: Vec::new(),
        }
    }

    #[test]
    fn an_added_communication_counts_sites_and_files() {
        assert_eq!(
            line(&slack()),
            "+ Slack: 3 new call sites in 2 files, via library: @slack/web-api, data sent: message text, user id"
        );
    }

    #[test]
    fn a_changed_communication_lists_what_changed() {
        let mut c = slack();
        c.change = Change::Changed;
        c.call_sites_added.truncate(1);
        c.libraries_added.clear();
        c.data_sent_removed = vec!["email".into()];
        assert_eq!(
            line(&c),
            "! Slack: 1 new call site in 1 file, data sent: +message text, +user id, -email"
        );
    }
}
