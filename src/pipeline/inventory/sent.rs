//! What requests send: auth and data. Reading a call is the job of
//! [`payload`] alone (the literal objects written in a call, and, for the
//! outbound calls, the names followed from the call's place, which the
//! analysis records on each [`OutboundCall`]); here those readings are only
//! gathered, per host of one file ([`request_details`]) and per
//! communication ([`Sent`]), with one rule for order and repeats.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{FileFacts, OutboundCall};
use crate::pipeline::analysis::payload;

/// The auth and data of a communication's requests: auth descriptions in
/// the order first seen, data items sorted, each once.
#[derive(Default)]
pub(super) struct Sent {
    auth: Vec<String>,
    data: BTreeSet<String>,
}

impl Sent {
    /// Adds one auth description unless it repeats one already seen:
    /// header names compare without case (`X-Auth-Token`, `x-auth-token`),
    /// and a description with its source in parentheses (`… (set by the
    /// Retrofit client's request hooks)`) covers the same one without.
    pub(super) fn add_auth(&mut self, auth: &str) {
        let base = |a: &str| a.split(" (").next().unwrap_or(a).to_ascii_lowercase();
        let new = base(auth);
        match self.auth.iter().position(|a| base(a) == new) {
            // The more specific description replaces the bare one in place.
            Some(i) if auth.len() > self.auth[i].len() && !self.auth[i].contains(" (") => {
                self.auth[i] = auth.to_string();
            }
            Some(_) => {}
            None => self.auth.push(auth.to_string()),
        }
    }

    /// What one call sends, as the analysis read it.
    pub(super) fn add_call(&mut self, call: &OutboundCall) {
        if let Some(a) = &call.auth {
            self.add_auth(a);
        }
        self.data.extend(call.data_sent.iter().cloned());
    }

    /// What one file's requests to one host send ([`request_details`]).
    pub(super) fn add_requests(&mut self, auth: &[String], data: &[String]) {
        for a in auth {
            self.add_auth(a);
        }
        self.data.extend(data.iter().cloned());
    }

    /// The auth cell (descriptions joined with `; `) and the data items.
    pub(super) fn finish(self) -> (Option<String>, Vec<String>) {
        let auth = (!self.auth.is_empty()).then(|| self.auth.join("; "));
        (auth, self.data.into_iter().collect())
    }
}

/// Auth and body details per host of one file's requests.
pub(super) fn request_details(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_descriptions_repeat_neither_by_case_nor_by_source() {
        let mut sent = Sent::default();
        for a in [
            "`x-auth-token` header",
            "Bearer in Authorization header",
            "`X-Auth-Token` header",
            "Bearer in Authorization header (set by the Retrofit client's request hooks)",
            "Bearer in Authorization header",
            "`token` in the request body",
        ] {
            sent.add_auth(a);
        }
        assert_eq!(
            sent.finish().0.as_deref(),
            Some(
                "`x-auth-token` header; Bearer in Authorization header (set by the Retrofit client's request hooks); `token` in the request body"
            )
        );
    }
}
