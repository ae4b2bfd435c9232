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
