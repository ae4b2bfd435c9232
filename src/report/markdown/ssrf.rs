//! SSRF and redirect handling: one row per component (a module and the
//! wrapper family its requests go through) whose URLs are not fixed in the
//! code, with where the URLs come from, the guards, the redirect handling
//! and a verdict. Rows with a finding come first, then those whose URL
//! comes from a response or user input, then guarded ones; components that
//! only request configured URLs are folded into one line per module, so
//! the rows that matter are not buried under every request to the app's
//! own server.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::cells::{limited, link_label};
use super::TRAILER_SECTIONS;
use crate::model::{Finding, Origin, OutboundCall, Report, Severity};
use crate::pipeline::inventory::module_of;
use crate::report::escape::{code, text};

/// The requests of one component.
struct Component<'a> {
    module: String,
    /// The wrapper its requests go through (`MastodonClient.get`), or the
    /// network API when they call it directly.
    family: String,
    calls: Vec<&'a OutboundCall>,
    /// The most severe active finding at one of its calls.
    worst: Option<&'a Finding>,
}

impl Component<'_> {
    fn origins(&self) -> BTreeSet<Origin> {
        self.calls.iter().map(|c| c.origin).collect()
    }

    fn guards(&self) -> BTreeSet<&str> {
        self.calls.iter().filter_map(|c| c.guard.as_deref()).collect()
    }

    fn guarded(&self) -> usize {
        self.calls.iter().filter(|c| c.guard.is_some()).count()
    }

    /// From a response or user input: a URL an attacker may choose.
    fn untrusted(&self) -> bool {
        self.origins()
            .iter()
            .any(|o| matches!(o, Origin::Response | Origin::User))
    }

    /// Worth a row: a finding, a guard, or a URL an attacker may choose.
    /// The rest is folded into a line per module.
    fn notable(&self) -> bool {
        self.worst.is_some() || self.guarded() > 0 || self.untrusted()
    }

    /// Findings first (most severe first), then untrusted URLs, then
    /// guarded components, then the rest.
    fn rank(&self) -> (u8, std::cmp::Reverse<Option<Severity>>) {
        let tier = if self.worst.is_some() {
            0
        } else if self.untrusted() {
            1
        } else if self.guarded() > 0 {
            2
        } else {
            3
        };
        (tier, std::cmp::Reverse(self.worst.map(|f| f.severity)))
    }

    fn verdict(&self) -> String {
        if let Some(f) = self.worst {
            return format!("{} ({})", code(&f.rule_id), f.severity.as_str());
        }
        let guards: Vec<String> = self.guards().into_iter().map(code).collect();
        let n = self.calls.len();
        match self.guarded() {
            g if g == n => format!("guarded by {}", guards.join(", ")),
            0 if self.untrusted() => "URLs from a response or user input without a host check: review".into(),
            0 => "review where the URLs come from".into(),
            g => format!("{g} of {n} guarded by {}: review the others", guards.join(", ")),
        }
    }
}

/// The wrapper family a request goes through: the class of the project
/// wrapper nearest the network API (`RocketChatClient` for `getRooms` →
/// `RocketChatClient.dataTask` → `URLSession`), the wrapper function when
/// it has no class, or the API itself for a direct call.
fn family_of(call: &OutboundCall) -> String {
    match call.via.len() {
        0 | 1 => call.api.clone(),
        n => {
            let wrapper = &call.via[n - 2];
            wrapper
                .split_once('.')
                .map_or(wrapper.as_str(), |(class, _)| class)
                .to_string()
        }
    }
}

/// Groups the calls whose URL is not fixed by component.
fn components<'a>(report: &'a Report) -> Vec<Component<'a>> {
    let mut by_key: BTreeMap<(String, String), Component<'a>> = BTreeMap::new();
    for call in report.calls.iter().filter(|c| !c.origin.is_fixed()) {
        let module = module_of(&call.file);
        let family = family_of(call);
        let worst = report
            .findings
            .iter()
            .filter(|f| !f.suppressed && f.file == call.file && f.line == call.line)
            .max_by_key(|f| f.severity);
        let c = by_key
            .entry((module.clone(), family.clone()))
            .or_insert_with(|| Component {
                module,
                family,
                calls: Vec::new(),
                worst: None,
            });
        c.calls.push(call);
        if worst.map(|f| f.severity) > c.worst.map(|f| f.severity) {
            c.worst = worst;
        }
    }
    let mut out: Vec<Component> = by_key.into_values().collect();
    // The rank reads every call of a component: computed once each.
    out.sort_by_cached_key(|c| (c.rank(), c.module.clone(), c.family.clone()));
    out
}

pub(super) fn section(out: &mut String, report: &Report) {
    let _ = writeln!(out, "## {}\n", TRAILER_SECTIONS[1]);
    let all = components(report);
    if all.is_empty() {
        out.push_str("No call fetches a URL from a parameter, response, user input or configuration.\n\n");
        return;
    }
    let (rows, folded): (Vec<&Component>, Vec<&Component>) = all.iter().partition(|c| c.notable());
    if !rows.is_empty() {
        out.push_str(
            "Requests whose URL is not fixed in the code, one row per component (module and the \
             wrapper its requests go through), with the host guard applied to the URL in the \
             calling function or inside the wrapper, and how redirects are handled.\n\n",
        );
        out.push_str("| Component | Requests | URL source | Guard used | Redirects | Verdict |\n|---|---|---|---|---|---|\n");
        for c in &rows {
            row(out, c);
        }
        out.push('\n');
    }
    let mut by_module: BTreeMap<&str, Vec<&Component>> = BTreeMap::new();
    for c in folded {
        by_module.entry(c.module.as_str()).or_default().push(c);
    }
    if !by_module.is_empty() {
        out.push_str(
            "Other requests whose URL is not fixed (no finding, no guard, not from a response or user \
             input), by module:\n\n",
        );
    }
    for (module, list) in by_module {
        let calls: usize = list.iter().map(|c| c.calls.len()).sum();
        let files: BTreeSet<&str> = list
            .iter()
            .flat_map(|c| c.calls.iter().map(|call| call.file.as_str()))
            .collect();
        let families: Vec<String> = list.iter().map(|c| code(&c.family)).collect();
        let origins: BTreeSet<Origin> = list.iter().flat_map(|c| c.origins()).collect();
        let advice = if origins.iter().all(|o| *o == Origin::Config) {
            "review the configuration source"
        } else {
            "review where the URLs come from"
        };
        let _ = writeln!(
            out,
            "- {}: {calls} request{} in {} file{} through {}; URLs from {}: {advice}.",
            code(module),
            if calls == 1 { "" } else { "s" },
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            limited(families),
            origins.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    out.push('\n');
}

fn row(out: &mut String, c: &Component) {
    let n = c.calls.len();
    let files: BTreeSet<&str> = c.calls.iter().map(|call| call.file.as_str()).collect();
    // The calls with a finding first, then in file order.
    let mut shown: Vec<&&OutboundCall> = c.calls.iter().collect();
    shown.sort_by_key(|call| {
        let at_worst = c
            .worst
            .is_some_and(|f| f.file == call.file && f.line == call.line);
        (!at_worst, call.file.as_str(), call.line)
    });
    let places: Vec<String> = shown
        .iter()
        .take(3)
        .map(|call| link_label(&call.file, call.line))
        .collect();
    let more = if n > 3 {
        format!(", … {} more", n - 3)
    } else {
        String::new()
    };
    let component = format!("{} via {}", code(&c.module), code(&c.family));
    let requests = format!(
        "{n} in {} file{}: {}{more}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        places.join(", ")
    );
    let origins: Vec<&str> = c.origins().iter().map(|o| o.as_str()).collect();
    let templates: BTreeSet<&str> = c.calls.iter().filter_map(|call| call.url.as_deref()).collect();
    let examples: Vec<String> = templates.iter().take(2).map(|u| code(u)).collect();
    let source = if examples.is_empty() {
        origins.join(", ")
    } else {
        let more = if templates.len() > 2 { ", …" } else { "" };
        format!("{}: {}{more}", origins.join(", "), examples.join(", "))
    };
    let guard = match (c.guarded(), c.guards()) {
        (0, _) => "none found".to_string(),
        (g, names) => {
            let names: Vec<String> = names.into_iter().map(code).collect();
            if g == n {
                names.join(", ")
            } else {
                format!("{} ({g} of {n})", names.join(", "))
            }
        }
    };
    let redirects: BTreeSet<&str> = c
        .calls
        .iter()
        .map(|call| call.redirects.as_deref().unwrap_or("unknown"))
        .collect();
    let redirects: Vec<String> = redirects.into_iter().map(text).collect();
    let _ = writeln!(
        out,
        "| {component} | {requests} | {source} | {guard} | {} | {} |",
        redirects.join(", "),
        c.verdict()
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{call, finding, report};

    #[test]
    fn one_row_per_component_with_findings_first_and_the_rest_folded_by_module() {
        let through = |file: &str, line: usize, origin: Origin, via: &[&str]| {
            let mut c = call(file, line, Some("{server}/api"), None, origin);
            c.via = via.iter().map(|v| v.to_string()).collect();
            c
        };
        let client = ["getRooms", "ChatClient.dataTask", "fetch"];
        let mut guarded = through("src/media/get.ts", 3, Origin::Parameter, &["fetch"]);
        guarded.guard = Some("assertPublicHost".into());
        let calls = vec![
            through("src/rooms/list.ts", 4, Origin::Config, &client),
            through(
                "src/rooms/info.ts",
                9,
                Origin::Config,
                &["getInfo", "ChatClient.send", "fetch"],
            ),
            through("src/hooks/redirect.ts", 7, Origin::Response, &["fetch"]),
            guarded,
            through("src/hooks/relay.ts", 2, Origin::User, &["fetch"]),
        ];
        let findings = vec![finding(
            "egress/unvalidated-url-fetch",
            Severity::Medium,
            "x",
            "src/hooks/relay.ts",
            2,
        )];
        let mut out = String::new();
        section(&mut out, &report(Vec::new(), calls, findings));
        let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("| `")).collect();
        assert_eq!(rows.len(), 2, "{out}");
        // The finding first; the response URL's request shares its component.
        assert!(
            rows[0].starts_with("| `hooks` via `fetch` | 2 in 2 files"),
            "{out}"
        );
        assert!(
            rows[0].ends_with("| `egress/unvalidated-url-fetch` (medium) |"),
            "{out}"
        );
        assert!(rows[1].ends_with("| guarded by `assertPublicHost` |"), "{out}");
        // Both `ChatClient` wrappers are one family, folded: configured URLs.
        assert!(
            out.contains(
                "- `rooms`: 2 requests in 2 files through `ChatClient`; URLs from config: review the \
                 configuration source."
            ),
            "{out}"
        );
    }
}
