//! The egress gate: fail a pull request that makes the software talk to
//! something new (`--fail-on-new-host`, `--fail-on-new-communication`, or
//! `fail_on_new_host` / `fail_on_new_communication` in `.egress-scan.toml`),
//! so that a new destination is reviewed before it ships.
//!
//! Expected destinations are allow-listed in the configuration:
//! `allowed_hosts` (`api.x.com` or `*.x.com`) and `allowed_services`
//! (communication titles, which are the catalog's service names: `Slack`).
//! Like every policy of `diff`, the lists come from the base revision by
//! default, so a change cannot allow-list its own new destination.

use serde::{Deserialize, Serialize};

use super::{Change, DiffReport};
use crate::config::Config;
use crate::pipeline::analysis::host_allowed;

/// Which egress gates apply and what they let through.
#[derive(Debug, Clone, Default)]
pub struct EgressGate {
    pub new_host: bool,
    pub new_communication: bool,
    pub allowed_hosts: Vec<String>,
    pub allowed_services: Vec<String>,
}

/// What tripped the gate (listed in the diff output when a gate is on).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct GateVerdict {
    /// Added hosts that are not allow-listed (with `--fail-on-new-host`).
    #[serde(default)]
    pub new_hosts: Vec<String>,
    /// Added communications that are not allow-listed (with
    /// `--fail-on-new-communication`).
    #[serde(default)]
    pub new_communications: Vec<String>,
}

impl GateVerdict {
    /// How many things trip the gate.
    pub fn failing(&self) -> usize {
        self.new_hosts.len() + self.new_communications.len()
    }
}

impl EgressGate {
    /// The gate the flags and the configuration ask for (either turns a
    /// gate on).
    pub fn new(fail_on_new_host: bool, fail_on_new_communication: bool, config: &Config) -> EgressGate {
        EgressGate {
            new_host: fail_on_new_host || config.fail_on_new_host,
            new_communication: fail_on_new_communication || config.fail_on_new_communication,
            allowed_hosts: config.allowed_hosts.clone(),
            allowed_services: config.allowed_services.clone(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.new_host || self.new_communication
    }

    fn service_allowed(&self, name: &str) -> bool {
        self.allowed_services
            .iter()
            .any(|s| s.trim().eq_ignore_ascii_case(name.trim()))
    }

    /// The added hosts and communications not allow-listed, for the gates
    /// that are on.
    pub fn judge(&self, report: &DiffReport) -> GateVerdict {
        let mut verdict = GateVerdict::default();
        if self.new_host {
            verdict.new_hosts = report
                .added_hosts
                .iter()
                .filter(|h| {
                    !host_allowed(&h.host, &self.allowed_hosts)
                        && !h.service.as_deref().is_some_and(|s| self.service_allowed(s))
                })
                .map(|h| h.host.clone())
                .collect();
        }
        if self.new_communication {
            verdict.new_communications = report
                .communications
                .iter()
                .filter(|c| c.change == Change::Added)
                .filter(|c| {
                    let hosts_allowed =
                        !c.hosts.is_empty() && c.hosts.iter().all(|h| host_allowed(h, &self.allowed_hosts));
                    !self.service_allowed(&c.title) && !hosts_allowed
                })
                .map(|c| c.title.clone())
                .collect();
        }
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::diff::{CommunicationChange, HostChange};

    fn report() -> DiffReport {
        let mut report: DiffReport = serde_json::from_value(serde_json::json!({
            "schema_version": 1, "base": "a", "head": "b", "summary": {
                "new_findings": 0, "resolved_findings": 0, "unchanged_findings": 0,
                "added_endpoints": 0, "removed_endpoints": 0, "added_hosts": 2, "removed_hosts": 0},
            "new_findings": [], "resolved_findings": [], "added_endpoints": [], "removed_endpoints": [],
            "added_hosts": [], "removed_hosts": []
        }))
        .expect("diff report");
        let host = |host: &str, service: Option<&str>| HostChange {
            host: host.into(),
            service: service.map(str::to_string),
            locations: Vec::new(),
        };
        report.added_hosts = vec![
            host("api.stripe.com", Some("Stripe")),
            host("status.acme.example", None),
        ];
        let communication = |title: &str, change: Change, hosts: &[&str]| -> CommunicationChange {
            serde_json::from_value(serde_json::json!({
                "title": title, "category": "x", "change": change,
                "hosts": hosts,
            }))
            .expect("communication")
        };
        report.communications = vec![
            communication(
                "Other hosts called from src",
                Change::Added,
                &["status.acme.example"],
            ),
            communication("Slack", Change::Added, &["slack.com", "*.slack.com"]),
            communication("Stripe", Change::Changed, &["api.stripe.com"]),
        ];
        report
    }

    fn gate(allowed_hosts: &[&str], allowed_services: &[&str]) -> EgressGate {
        EgressGate {
            new_host: true,
            new_communication: true,
            allowed_hosts: allowed_hosts.iter().map(|s| s.to_string()).collect(),
            allowed_services: allowed_services.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn everything_new_trips_without_allow_lists() {
        let v = gate(&[], &[]).judge(&report());
        assert_eq!(v.new_hosts, ["api.stripe.com", "status.acme.example"]);
        // A changed communication is not new.
        assert_eq!(v.new_communications, ["Other hosts called from src", "Slack"]);
        assert_eq!(v.failing(), 4);
    }

    #[test]
    fn allow_lists_match_domains_and_service_names() {
        let v = gate(&["*.acme.example"], &["slack", "STRIPE"]).judge(&report());
        assert_eq!(v, GateVerdict::default());
        // `*.example` covers every subdomain; a bare host only itself.
        let v = gate(&["*.example"], &[]).judge(&report());
        assert_eq!(v.new_hosts, ["api.stripe.com"]);
        let v = gate(&["acme.example"], &[]).judge(&report());
        assert_eq!(v.new_hosts, ["api.stripe.com", "status.acme.example"]);
        // A library's catalog patterns are allowed by the domain they name.
        let v = gate(&["*.slack.com"], &[]).judge(&report());
        assert_eq!(v.new_communications, ["Other hosts called from src"]);
    }
}
