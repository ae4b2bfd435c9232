//! The platform network configuration in the document: a "Transport
//! policy" row in each communication's table, and a section listing, per
//! app target, cleartext, exempt domains, pins, user CAs and the Bonjour
//! service types declared next to the ones the code uses. Both appear only
//! when the project has platform configuration files.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::cells::{limited, link, link_label};
use crate::model::platform::{AppTarget, Pin, PlatformConfig, PolicyFact, TargetPlatform};
use crate::model::{Communication, Report};
use crate::pipeline::inventory::TOOLING;
use crate::pipeline::platform::policy::{arbitrary_loads, declares_policy, targets_for};
use crate::report::escape::{code, text};

pub(super) const HEADING: &str = "Platform network configuration";

/// The "Transport policy" cell of a communication: the policy of each
/// target its files run in; `None` when the project has no platform files
/// or the communication is development tooling, which no app runs.
pub(super) fn policy_cell(report: &Report, c: &Communication) -> Option<String> {
    let platform = report.platform.as_ref()?;
    if c.scope == TOOLING {
        return None;
    }
    let mut targets: Vec<&AppTarget> = c
        .files
        .iter()
        .flat_map(|f| targets_for(&platform.targets, f))
        .collect();
    targets.sort_by(|a, b| (&a.dir, a.platform).cmp(&(&b.dir, b.platform)));
    targets.dedup_by(|a, b| a.dir == b.dir && a.platform == b.platform);
    if targets.is_empty() {
        return Some("no app target holds this code".into());
    }
    let several = targets.len() > 1;
    let parts: Vec<String> = targets
        .iter()
        .map(|t| {
            let summary = summary(t).join("; ");
            if several {
                format!("{}: {summary}", target_name(t))
            } else {
                summary
            }
        })
        .collect();
    Some(parts.join(" · "))
}

/// `android `app``, `apple `ios/App``.
fn target_name(t: &AppTarget) -> String {
    format!("{} {}", t.platform.as_str(), code(&t.dir))
}

/// The release-build transport policy of a target, a few phrases.
fn summary(t: &AppTarget) -> Vec<String> {
    let release: Vec<&PolicyFact> = t
        .cleartext
        .iter()
        .filter(|f| !f.debug_only && f.allowed)
        .collect();
    let mut out = Vec::new();
    match t.platform {
        TargetPlatform::Android => {
            let app_wide: Vec<&PolicyFact> = release.iter().copied().filter(|f| f.domain.is_none()).collect();
            if !app_wide.is_empty() {
                out.push(format!("cleartext allowed app-wide ({})", fact_links(&app_wide)));
            } else if t.target_sdk.is_some_and(|sdk| sdk < 28) {
                out.push(format!(
                    "cleartext allowed by default (`targetSdkVersion` {})",
                    t.target_sdk.unwrap_or_default()
                ));
            } else if let Some(fact) = t
                .cleartext
                .iter()
                .find(|f| !f.debug_only && !f.allowed && f.domain.is_none())
            {
                out.push(format!("cleartext blocked app-wide ({})", fact_links(&[fact])));
            } else {
                out.push("cleartext blocked by default".into());
            }
        }
        TargetPlatform::Apple => match arbitrary_loads(t) {
            Some(fact) => out.push(format!("ATS: arbitrary loads allowed ({})", fact_links(&[fact]))),
            None => out.push("ATS: HTTPS required by default".into()),
        },
    }
    let domains: Vec<&PolicyFact> = release.iter().copied().filter(|f| f.domain.is_some()).collect();
    if !domains.is_empty() {
        out.push(format!(
            "cleartext allowed for {} ({})",
            domain_list(&domains),
            fact_links(&domains)
        ));
    }
    let finer: Vec<&PolicyFact> = release
        .iter()
        .copied()
        .filter(|f| {
            f.domain.is_none() && f.setting.starts_with("NSAllows") && f.setting != "NSAllowsArbitraryLoads"
        })
        .collect();
    for f in finer {
        out.push(format!("{} ({})", code(&f.setting), fact_links(&[f])));
    }
    let user_cas: Vec<&PolicyFact> = t.user_cas.iter().filter(|f| !f.debug_only).collect();
    if !user_cas.is_empty() {
        out.push(format!("user-installed CAs trusted ({})", fact_links(&user_cas)));
    }
    if !t.pins.is_empty() {
        out.push(format!("pinned: {}", pin_list(&t.pins)));
    }
    out
}

fn fact_links(facts: &[&PolicyFact]) -> String {
    let mut places: Vec<(&str, usize)> = facts.iter().map(|f| (f.file.as_str(), f.line)).collect();
    places.dedup();
    limited(
        places
            .into_iter()
            .map(|(file, line)| link_label(file, line))
            .collect(),
    )
}

fn domain_list(facts: &[&PolicyFact]) -> String {
    let domains: BTreeSet<String> = facts
        .iter()
        .filter_map(|f| {
            let d = f.domain.as_deref()?;
            Some(if f.include_subdomains {
                format!("{} (and subdomains)", code(d))
            } else {
                code(d)
            })
        })
        .collect();
    limited(domains.into_iter().collect())
}

fn pin_list(pins: &[Pin]) -> String {
    limited(
        pins.iter()
            .map(|p| {
                let when = match (&p.expiration, p.expired) {
                    (Some(e), true) => format!(" (expired {})", text(e)),
                    (Some(e), false) => format!(" (expires {})", text(e)),
                    (None, _) => String::new(),
                };
                format!("{}{when}", code(&p.domain))
            })
            .collect(),
    )
}

/// The section: one table per target.
pub(super) fn section(out: &mut String, report: &Report) {
    let Some(platform) = &report.platform else {
        return;
    };
    let _ = writeln!(out, "## {HEADING}\n");
    intro(out, platform);
    // Targets that declare nothing network-related read as one line.
    let (listed, quiet): (Vec<&AppTarget>, Vec<&AppTarget>) = platform.targets.iter().partition(|t| {
        declares_policy(t)
            || t.target_sdk.is_some()
            || !t.bonjour_services.is_empty()
            || t.local_network_usage.is_some()
    });
    if !quiet.is_empty() {
        let names: Vec<String> = quiet.iter().map(|t| target_name(t)).collect();
        let _ = writeln!(
            out,
            "Declaring nothing about transport (platform defaults; an Android library module's manifest is merged into the app's): {}.\n",
            limited(names)
        );
    }
    for t in listed {
        let _ = writeln!(out, "### {}\n", target_name(t));
        out.push_str("| Setting | Details |\n|---|---|\n");
        let files: Vec<String> = t.files.iter().map(|f| link(f, None)).collect();
        let _ = writeln!(out, "| Configuration | {} |", limited(files));
        if t.platform == TargetPlatform::Android {
            let sdk = t.target_sdk.map_or_else(
                || "not in the manifest (assumed 28 or later)".into(),
                |s| s.to_string(),
            );
            let _ = writeln!(out, "| Target SDK | {sdk} |");
        }
        let _ = writeln!(out, "| Release policy | {} |", summary(t).join("; "));
        let _ = writeln!(
            out,
            "| Cleartext declarations | {} |",
            declarations(&t.cleartext, ("allowed", "blocked"))
        );
        let _ = writeln!(
            out,
            "| User-installed CAs | {} |",
            declarations(&t.user_cas, ("trusted", "not trusted"))
        );
        let pins = if t.pins.is_empty() {
            "none".into()
        } else {
            pin_list(&t.pins)
        };
        let _ = writeln!(out, "| Pinned domains | {pins} |");
        if t.platform == TargetPlatform::Apple {
            let _ = writeln!(out, "| Bonjour services | {} |", bonjour(report, platform, t));
            let usage = t
                .local_network_usage
                .as_deref()
                .map_or_else(|| "not declared".into(), text);
            let _ = writeln!(out, "| Local network usage | {usage} |");
        }
        out.push('\n');
    }
}

fn intro(out: &mut String, platform: &PlatformConfig) {
    out.push_str(
        "What AndroidManifest.xml, the network security configs and Info.plist declare about the app's \
         connections, per app target. Android blocks cleartext by default from `targetSdkVersion` 28 and \
         App Transport Security on Apple platforms; these settings change that.",
    );
    match &platform.as_of {
        Some(date) => {
            let _ = write!(out, " Pin expirations are checked as of {}.", text(date));
        }
        None => out.push_str(" Pin expirations are not checked (no `--as-of` date and no commit)."),
    }
    out.push_str("\n\n");
}

/// Each declaration with its scope, build variant and place; `verbs` say
/// what an allowing and a blocking one do.
fn declarations(facts: &[PolicyFact], verbs: (&str, &str)) -> String {
    if facts.is_empty() {
        return "none".into();
    }
    limited(
        facts
            .iter()
            .map(|f| {
                let scope = match &f.domain {
                    Some(d) if f.include_subdomains => format!("{} and subdomains", code(d)),
                    Some(d) => code(d),
                    None => "app-wide".into(),
                };
                let verb = if f.allowed { verbs.0 } else { verbs.1 };
                let variant = match f.variant.as_deref() {
                    _ if f.debug_only => ", debug builds only".to_string(),
                    Some("main") | None => String::new(),
                    Some(v) => format!(", variant {}", code(v)),
                };
                format!(
                    "{verb} {scope} by {}{variant} ({})",
                    code(&f.setting),
                    link_label(&f.file, f.line)
                )
            })
            .collect(),
    )
}

/// The declared service types joined with those the code browses or
/// advertises (`dns-sd:` calls): iOS 14 and later refuse undeclared ones.
fn bonjour(report: &Report, platform: &PlatformConfig, t: &AppTarget) -> String {
    let used: BTreeSet<&str> = report
        .calls
        .iter()
        .filter(|c| {
            targets_for(&platform.targets, &c.file)
                .iter()
                .any(|x| std::ptr::eq(*x, t))
        })
        .filter_map(|c| c.url.as_deref()?.strip_prefix("dns-sd:"))
        .map(|s| s.trim_end_matches('.'))
        .collect();
    let declared: BTreeSet<&str> = t
        .bonjour_services
        .iter()
        .map(|s| s.trim_end_matches('.'))
        .collect();
    if used.is_empty() && declared.is_empty() {
        return "none".into();
    }
    let mut parts: Vec<String> = declared
        .iter()
        .map(|s| {
            let note = if used.contains(s) {
                "used by the code"
            } else {
                "declared, not used by the code"
            };
            format!("{} ({note})", code(s))
        })
        .collect();
    parts.extend(used.difference(&declared).map(|s| {
        format!(
            "{} (used by the code, not declared: iOS 14 and later refuse it)",
            code(s)
        )
    }));
    limited(parts)
}
