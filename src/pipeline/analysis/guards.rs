//! Host guards: functions that validate or pin a hostname before a request
//! (SPEC §4 "Guards").
//!
//! A function is a guard when
//! - its name is configured (`guards = [...]` in `.egress-scan.toml`);
//! - its name reads as one: `ssrf` anywhere, or a checking verb (`assert`,
//!   `ensure`, `validate`, `verify`, `check`, `is`, `guard`, `pin`) with a
//!   destination noun (`url`, `host`, `origin`, `domain`, `ip`, `address`,
//!   `destination`, `target`) — `assertPublicHost`, `isAllowedUrl`;
//! - or it is auto-detected: a project function whose body resolves DNS
//!   (`dns.lookup`, `getaddrinfo`, `InetAddress.getByName`…) or checks IP
//!   ranges (`isPrivate`, `ipaddr.parse`, `net.isIP`…), or compares against at
//!   least two private-range literals (`127.`, `10.`, `192.168.`, `169.254.`,
//!   `localhost`, `::1`…). A detected guard guards calls from code that can
//!   call it (its language, or Kotlin and Java together): a Gradle plugin's
//!   `apply` is no guard of an app's Java `Glide….apply(options)`.

use std::collections::HashSet;

use super::names;
use crate::model::{FileFacts, Lang, Span};

pub struct Guards {
    configured: HashSet<String>,
    detected: HashSet<(Lang, String)>,
}

const DNS_CALLS: &[&str] = &[
    "lookup",
    "resolve",
    "resolve4",
    "resolve6",
    "getaddrinfo",
    "getByName",
    "getAllByName",
    "isPrivate",
    "isLoopback",
    "isPrivateIp",
    "isPrivateIP",
    "isSiteLocalAddress",
    "isLoopbackAddress",
    "isLinkLocalAddress",
    "isAnyLocalAddress",
    "isIP",
    "isIPv4",
    "isIPv6",
    "parse",
    "check",
];

const PRIVATE_MARKERS: &[&str] = &[
    "127.",
    "10.",
    "192.168.",
    "169.254.",
    "172.16.",
    "localhost",
    "::1",
    "fc00",
    "fe80",
    "0.0.0.0",
    "metadata.google.internal",
];

impl Guards {
    /// The guards of a project whose files detected `detected` (see
    /// [`detected_in`]).
    pub fn new<'a>(detected: impl IntoIterator<Item = (Lang, &'a str)>, configured: &[String]) -> Guards {
        Guards {
            configured: configured.iter().map(|g| simple(g).to_string()).collect(),
            detected: detected
                .into_iter()
                .map(|(lang, name)| (lang, name.to_string()))
                .collect(),
        }
    }

    /// True when a call to `callee` from code in `lang` validates a host.
    pub fn is_guard(&self, callee: &str, lang: Lang) -> bool {
        let name = simple(callee);
        self.configured.contains(name)
            || self
                .detected
                .iter()
                .any(|(from, guard)| guard == name && from.interoperates(lang))
            || name_reads_as_guard(name)
    }
}

/// The functions of `facts` whose body resolves DNS, classifies an address
/// or compares against private ranges (simple names). Runs once per file
/// while its full facts are at hand.
pub fn detected_in(facts: &FileFacts) -> Vec<String> {
    // The few DNS calls and private-range literals of the file first, then
    // which functions hold them: linear in the file's size, where testing
    // every call and string per function was not.
    let dns: Vec<Span> = facts
        .calls
        .iter()
        .filter(|c| is_dns_call(&c.callee, facts))
        .map(|c| c.span)
        .collect();
    let markers: Vec<Span> = facts
        .strings
        .iter()
        .filter(|s| PRIVATE_MARKERS.iter().any(|m| s.value.starts_with(m)))
        .map(|s| s.span)
        .collect();
    if dns.is_empty() && markers.len() < 2 {
        return Vec::new();
    }
    let mut detected: Vec<String> = Vec::new();
    // A guard is handed the address it checks: a closure without
    // parameters (`config.apply { … }`, named after its callee) is not one.
    for function in facts.functions.iter().filter(|f| !f.params.is_empty()) {
        let inside =
            |s: &&Span| function.span.start_byte <= s.start_byte && s.end_byte <= function.span.end_byte;
        if dns.iter().any(|s| inside(&s)) || markers.iter().filter(inside).count() >= 2 {
            let name = simple(&function.name).to_string();
            if !detected.contains(&name) {
                detected.push(name);
            }
        }
    }
    detected
}

/// A call that resolves or classifies an address (`dns.lookup`,
/// `ipaddr.parse`, `blockList.check`).
fn is_dns_call(callee: &str, facts: &FileFacts) -> bool {
    let last = callee.rsplit('.').next().unwrap_or("");
    DNS_CALLS.contains(&last)
        && (last != "parse" || callee.starts_with("ipaddr"))
        && (last != "check" || callee.to_ascii_lowercase().contains("block"))
        // Gradle's `signingConfigs.getByName("release")` is no lookup.
        && (!last.ends_with("ByName") || callee.contains("Inet"))
        && (last != "lookup" && last != "resolve"
            || callee.starts_with("dns")
            || facts.imports.iter().any(|i| i.source.contains("dns")))
}

fn simple(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

pub fn name_reads_as_guard(name: &str) -> bool {
    let words = names::words(name);
    if words.iter().any(|w| w == "ssrf") {
        return true;
    }
    let verb = words.first().is_some_and(|w| {
        matches!(
            w.as_str(),
            "assert" | "ensure" | "validate" | "verify" | "check" | "is" | "guard" | "pin" | "require"
        )
    });
    // A predicate (`isX`) is a guard only when it judges trust, not shape:
    // `isAllowedUrl`, `isPublicHost`, but not `isDomainOrSubdomain`.
    let judged = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "allowed"
                | "safe"
                | "public"
                | "private"
                | "internal"
                | "blocked"
                | "trusted"
                | "permitted"
                | "allowlisted"
                | "whitelisted"
                | "local"
                | "loopback"
        )
    });
    let verb = verb && (words.first().map(String::as_str) != Some("is") || judged);
    let noun = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "url"
                | "uri"
                | "host"
                | "hostname"
                | "origin"
                | "domain"
                | "ip"
                | "address"
                | "destination"
                | "target"
        )
    });
    verb && noun
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detected_guard_guards_calls_from_languages_that_can_call_it() {
        let guards = Guards::new([(Lang::Kotlin, "apply")], &[]);
        assert!(guards.is_guard("checker.apply", Lang::Kotlin));
        assert!(guards.is_guard("checker.apply", Lang::Java));
        assert!(!guards.is_guard("checker.apply", Lang::Swift));
        assert!(!guards.is_guard("apply", Lang::Typescript));
        let configured = Guards::new([], &["policy.allow".to_string()]);
        assert!(configured.is_guard("allow", Lang::Swift));
    }

    #[test]
    fn dns_calls_need_their_receiver() {
        let facts = FileFacts::empty("App.kt", crate::model::Lang::Kotlin);
        for yes in [
            "InetAddress.getByName",
            "java.net.InetAddress.getAllByName",
            "dns.lookup",
            "ipaddr.parse",
        ] {
            assert!(is_dns_call(yes, &facts), "{yes}");
        }
        for no in [
            "signingConfigs.getByName",
            "tasks.getByName",
            "lookup",
            "JSON.parse",
            "validator.check",
        ] {
            assert!(!is_dns_call(no, &facts), "{no}");
        }
    }

    #[test]
    fn guard_names() {
        for yes in [
            "assertPublicHost",
            "isAllowedUrl",
            "validateUrl",
            "ssrfGuard",
            "checkHostname",
            "ensureSafeUrl",
        ] {
            assert!(name_reads_as_guard(yes), "{yes}");
        }
        for no in [
            "fetchUrl",
            "buildUrl",
            "getHost",
            "parseUrl",
            "isReady",
            "isRedirect",
        ] {
            assert!(!name_reads_as_guard(no), "{no}");
        }
    }
}
