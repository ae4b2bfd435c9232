//! The inventory: groups endpoints into communications using the service
//! catalog (`rules/services.yaml`).

mod catalog;

use std::collections::BTreeMap;

pub use catalog::{Catalog, Service};

use crate::analysis::host;
use crate::report::{Communication, Endpoint};

/// One communication per catalog service; unknown hosts one each; loopback
/// and LAN hosts together as "Local services".
pub fn communications(endpoints: &[Endpoint], catalog: &Catalog) -> Vec<Communication> {
    let mut groups: BTreeMap<String, Communication> = BTreeMap::new();
    for e in endpoints {
        let (key, title, category, purpose, note) = match catalog.service_for_host(&e.host) {
            Some(s) => (
                s.name.clone(),
                s.name.clone(),
                s.category.clone(),
                s.purpose.clone(),
                s.privacy.clone(),
            ),
            None if host::is_loopback(&e.host) || host::is_private(&e.host) => (
                "~local".into(),
                "Local and LAN services".into(),
                "local".into(),
                "Services on this machine or the local network".into(),
                None,
            ),
            None => (
                format!("~host:{}", e.host),
                e.host.clone(),
                "unknown".into(),
                "Not in the service catalog".into(),
                None,
            ),
        };
        let entry = groups.entry(key).or_insert_with(|| Communication {
            title,
            category,
            purpose,
            files: Vec::new(),
            hosts: Vec::new(),
            auth: None,
            data_sent: Vec::new(),
            notes: note.into_iter().collect(),
        });
        if !entry.hosts.contains(&e.host) {
            entry.hosts.push(e.host.clone());
        }
        for l in &e.locations {
            if !entry.files.contains(&l.file) {
                entry.files.push(l.file.clone());
            }
        }
    }
    let mut out: Vec<Communication> = groups.into_values().collect();
    for c in &mut out {
        c.files.sort();
        c.hosts.sort();
    }
    out
}
