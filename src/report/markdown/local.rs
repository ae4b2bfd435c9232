//! Local and LAN exposure: loopback and private-network endpoints,
//! client libraries of local services, and mDNS / service discovery.

use std::fmt::Write as _;

use super::cells::{finding_line, limited, link, link_label, or_dash};
use super::TRAILER_SECTIONS;
use crate::model::host;
use crate::model::{Communication, Finding, Report};
use crate::report::escape::{code, text};

pub(super) fn section(out: &mut String, report: &Report) {
    let _ = writeln!(out, "## {}\n", TRAILER_SECTIONS[2]);
    let local: Vec<_> = report
        .endpoints
        .iter()
        .filter(|e| host::is_loopback(&e.host) || host::is_private(&e.host))
        .collect();
    let mdns: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "egress/lan-discovery")
        .collect();
    let local_comms: Vec<&Communication> = report
        .communications
        .iter()
        .filter(|c| c.category == "local" && !c.via_library.is_empty())
        .collect();
    if local.is_empty() && mdns.is_empty() && local_comms.is_empty() {
        out.push_str("No loopback or LAN endpoints, listeners or service advertisements found.\n\n");
        return;
    }
    if !local.is_empty() {
        out.push_str("| Host | URL | Scheme | Code |\n|---|---|---|---|\n");
        for e in local {
            let locs = limited(e.locations.iter().map(|l| link_label(&l.file, l.line)).collect());
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                code(&e.host),
                code(&e.url),
                or_dash(text(&e.scheme)),
                locs
            );
        }
        out.push('\n');
    }
    let bullets = !local_comms.is_empty() || !mdns.is_empty();
    for c in local_comms {
        let _ = writeln!(
            out,
            "- {} via library {} in {}",
            text(&c.title),
            c.via_library
                .iter()
                .map(|l| code(l))
                .collect::<Vec<_>>()
                .join(", "),
            limited(c.files.iter().map(|f| link(f, None)).collect())
        );
    }
    for f in mdns {
        let _ = writeln!(out, "- mDNS / service discovery: {}", finding_line(f));
    }
    if bullets {
        out.push('\n');
    }
}
