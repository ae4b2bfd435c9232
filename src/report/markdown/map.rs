//! The communication map: a mermaid diagram of modules → hosts.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::cells::slug;
use super::TRAILER_SECTIONS;
use crate::model::{OutboundCall, Report};
use crate::pipeline::inventory::{is_runtime_url, module_of};
use crate::report::escape::mermaid_label;

/// The map node of every request to a runtime-determined URL.
const RUNTIME_URL_NODE: &str = "(runtime-determined URL)";

/// `unlisted`: the calls no endpoint accounts for.
pub(super) fn section(out: &mut String, report: &Report, unlisted: &[&OutboundCall]) {
    let _ = writeln!(out, "## {}\n", TRAILER_SECTIONS[3]);
    let mut edges: BTreeSet<(String, String, bool)> = BTreeSet::new();
    for e in &report.endpoints {
        for l in &e.locations {
            edges.insert((module_of(&l.file), e.host.clone(), false));
        }
    }
    // Calls no endpoint accounts for: to their host when it is known, and
    // one node standing for every runtime-determined URL.
    for call in unlisted {
        if let Some(h) = &call.host {
            edges.insert((module_of(&call.file), h.clone(), false));
        } else if is_runtime_url(call) {
            edges.insert((module_of(&call.file), RUNTIME_URL_NODE.to_string(), false));
        }
    }
    for c in &report.communications {
        if c.via_library.is_empty() {
            continue;
        }
        for f in &c.files {
            edges.insert((module_of(f), c.title.clone(), true));
        }
    }
    if edges.is_empty() {
        if report.calls.is_empty() {
            out.push_str("No outbound communications to draw.\n");
        } else {
            let _ = writeln!(
                out,
                "No host to draw: the {} outbound call(s) are service discovery on the local network, \
                 listed under [{}](#{}).",
                report.calls.len(),
                TRAILER_SECTIONS[2],
                slug(TRAILER_SECTIONS[2])
            );
        }
        return;
    }
    let nodes: BTreeSet<(bool, String)> = edges
        .iter()
        .flat_map(|(m, h, _)| [(false, m.clone()), (true, h.clone())])
        .collect();
    let ids: BTreeMap<(bool, String), String> = nodes
        .into_iter()
        .enumerate()
        .map(|(i, node)| {
            let id = format!("{}{i}", if node.0 { "h" } else { "m" });
            (node, id)
        })
        .collect();
    out.push_str("```mermaid\ngraph LR\n");
    for ((is_host, label), id) in &ids {
        let (open, close) = if *is_host { ("((", "))") } else { ("[", "]") };
        let _ = writeln!(out, "  {id}{open}\"{}\"{close}", mermaid_label(label));
    }
    for (m, h, via) in &edges {
        let arrow = if *via { "-. library .->" } else { "-->" };
        let _ = writeln!(
            out,
            "  {} {arrow} {}",
            ids[&(false, m.clone())],
            ids[&(true, h.clone())]
        );
    }
    out.push_str("```\n");
}
