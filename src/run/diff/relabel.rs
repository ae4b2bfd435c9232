//! The base report under the head's paths.
//!
//! A renamed file must not look like code that stopped talking to a
//! service in one place and started in another. Findings of renamed files
//! are already reported under their new path (see
//! [`crate::run::scan::ReportBuilder::renamed`]); this moves the rest —
//! endpoint locations, calls, the per-file inventory facts — and groups
//! the communications again, since a communication of unknown hosts is
//! named after the module of its files ("Other hosts called from src"),
//! which a move to another folder changes.

use std::collections::BTreeMap;

use crate::catalog::Catalog;
use crate::model::{InventoryFacts, Report};
use crate::pipeline::inventory::communications_from;

/// Rewrites `report` (built with its findings already renamed) and its
/// inventory `facts` from base paths to head paths, and rebuilds its
/// communications.
pub(super) fn under_head_paths(
    report: &mut Report,
    mut facts: InventoryFacts,
    renames: &BTreeMap<String, String>,
    catalog: &Catalog,
) {
    if renames.is_empty() {
        return;
    }
    let rename = |file: &mut String| {
        if let Some(new) = renames.get(file.as_str()) {
            *file = new.clone();
        }
    };
    for e in &mut report.endpoints {
        e.locations.iter_mut().for_each(|l| rename(&mut l.file));
        e.locations.sort();
        e.locations.dedup();
    }
    for c in &mut report.calls {
        rename(&mut c.file);
    }
    report.calls.sort();
    report.calls.dedup();
    for l in &mut facts.libraries {
        rename(&mut l.file);
        l.calls.iter_mut().for_each(|c| rename(&mut c.file));
    }
    facts.requests.iter_mut().for_each(|r| rename(&mut r.file));
    facts.sort();
    report.communications = communications_from(
        &report.endpoints,
        &report.findings,
        &report.calls,
        &facts,
        catalog,
    );
}
