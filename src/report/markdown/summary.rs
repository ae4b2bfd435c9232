//! The summary of major security and privacy issues: numbered, most
//! severe first, each with file:line links.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::cells::{by_severity, limited, link_label};
use super::TRAILER_SECTIONS;
use crate::model::{Finding, Report, Severity};
use crate::pipeline::inventory::FindingScope;
use crate::report::escape::{code, rich};

/// Findings of medium severity and above, most severe first, with repeats
/// of one rule and message (a file and its build copies, say) on one line.
/// Low findings are listed with their communications; only those that no
/// communication lists are repeated here, so none goes missing.
pub(super) fn section(out: &mut String, report: &Report) {
    let _ = writeln!(out, "## {}\n", TRAILER_SECTIONS[0]);
    let (groups, listed_low) = major_issues(report);
    let lows = match listed_low {
        1 => "1 low-severity finding is listed with its communication.".to_string(),
        n => format!("{n} low-severity findings are listed with their communications."),
    };
    if groups.is_empty() && listed_low == 0 {
        out.push_str("No findings.\n");
    } else if groups.is_empty() {
        let _ = writeln!(out, "No major issues (medium severity or above). {lows}");
    }
    for (i, group) in groups.iter().enumerate() {
        let f = group[0];
        let locations = limited(group.iter().map(|f| link_label(&f.file, f.line)).collect());
        let files: BTreeSet<&str> = group.iter().map(|f| f.file.as_str()).collect();
        let place = if files.len() > 1 {
            format!("in {} files: {locations}", files.len())
        } else {
            locations
        };
        let _ = writeln!(
            out,
            "{}. **{}** — {} — {} ({})",
            i + 1,
            f.severity.as_str().to_uppercase(),
            rich(&f.message),
            place,
            code(&f.rule_id)
        );
    }
    if !groups.is_empty() && listed_low > 0 {
        let _ = writeln!(out, "\n{lows}");
    }
    let suppressed = report.findings.iter().filter(|f| f.suppressed).count();
    if suppressed > 0 {
        let _ = writeln!(
            out,
            "\n{suppressed} suppressed finding(s) are listed in their sections."
        );
    }
    out.push('\n');
}

/// The unsuppressed findings of this section in groups of one rule and
/// message, most severe first, and the number of low findings left to
/// their communications.
fn major_issues(report: &Report) -> (Vec<Vec<&Finding>>, usize) {
    let scopes: Vec<FindingScope> = report.communications.iter().map(FindingScope::of).collect();
    let (mut major, mut listed_low) = (Vec::new(), 0);
    for f in report
        .findings
        .iter()
        .filter(|f| !f.suppressed && f.severity >= Severity::Low)
    {
        if f.severity >= Severity::Medium || !scopes.iter().any(|s| s.contains(f)) {
            major.push(f);
        } else {
            listed_low += 1;
        }
    }
    major.sort_by(|a, b| by_severity(a, b));
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    let mut index: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for f in major {
        match index.get(&(f.rule_id.as_str(), f.message.as_str())) {
            Some(&i) => groups[i].push(f),
            None => {
                index.insert((&f.rule_id, &f.message), groups.len());
                groups.push(vec![f]);
            }
        }
    }
    (groups, listed_low)
}
