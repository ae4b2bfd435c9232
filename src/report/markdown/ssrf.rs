//! SSRF and redirect handling: a table of the calls whose URL is not
//! fixed in the code, with the guard, redirect handling and verdict.

use std::fmt::Write as _;

use super::cells::link_label;
use super::TRAILER_SECTIONS;
use crate::model::{Finding, Origin, Report};
use crate::pipeline::inventory::module_of;
use crate::report::escape::{code, text};

/// Calls whose URL is not fixed, each with its guard, redirect handling
/// and the most severe finding at it.
pub(super) fn section(out: &mut String, report: &Report) {
    let _ = writeln!(out, "## {}\n", TRAILER_SECTIONS[1]);
    let variable: Vec<_> = report.calls.iter().filter(|c| !c.origin.is_fixed()).collect();
    if variable.is_empty() {
        out.push_str("No call fetches a URL from a parameter, response, user input or configuration.\n\n");
        return;
    }
    out.push_str(
        "Calls whose URL is not fixed in the code, with the host guard applied to that URL in the \
         calling function (or inside the wrapper it goes through) and how redirects are handled.\n\n",
    );
    out.push_str("| Component | URL source | Guard used | Redirects | Verdict |\n|---|---|---|---|---|\n");
    for call in variable {
        let here: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.file == call.file && f.line == call.line)
            .collect();
        let guard = match &call.guard {
            Some(g) => code(g),
            None => "none found".to_string(),
        };
        let redirects = call
            .redirects
            .as_deref()
            .map(text)
            .unwrap_or_else(|| "unknown".into());
        let verdict = match here.iter().filter(|f| !f.suppressed).max_by_key(|f| f.severity) {
            Some(f) => format!("{} ({})", code(&f.rule_id), f.severity.as_str()),
            None if call.origin == Origin::Config => "configured URL: review the configuration source".into(),
            None => "review".into(),
        };
        let component = format!(
            "{} {} ({})",
            text(&module_of(&call.file)),
            call.function.as_deref().map(code).unwrap_or_default(),
            link_label(&call.file, call.line)
        );
        let source = match &call.url {
            Some(u) => format!("{}: {}", call.origin.as_str(), code(u)),
            None => call.origin.as_str().to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            component.replace("  ", " "),
            source,
            guard,
            redirects,
            verdict
        );
    }
    out.push('\n');
}
