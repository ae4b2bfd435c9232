//! The findings of the platform configuration: `egress/cleartext-allowed`,
//! `egress/user-ca-trusted` and `egress/pin-expired`, each with the
//! severity its scope deserves (a debug-only or local exemption is low).

use super::policy::{is_local, overriding_key};
use crate::model::platform::{AppTarget, PolicyFact, TargetPlatform};
use crate::model::{RawFinding, Severity, Span};

pub const CLEARTEXT_ALLOWED: &str = "egress/cleartext-allowed";
pub const USER_CA_TRUSTED: &str = "egress/user-ca-trusted";
pub const PIN_EXPIRED: &str = "egress/pin-expired";

/// A finding before finishing, with the severity its scope gives it.
#[derive(Debug, Clone)]
pub struct PlatformFinding {
    pub raw: RawFinding,
    pub severity: Severity,
}

/// The findings of one target, in declaration order.
pub fn of_target(target: &AppTarget, as_of: Option<&str>) -> Vec<PlatformFinding> {
    let mut out: Vec<PlatformFinding> = target
        .cleartext
        .iter()
        .filter(|f| f.allowed)
        .map(|f| cleartext(target, f))
        .collect();
    out.extend(target.user_cas.iter().filter(|f| !f.debug_only).map(|f| {
        let message = format!(
            "User-installed CAs are trusted by `{}`{}{}: anyone who gets a CA onto the device (a proxy app, an MDM profile) can read and change the app's HTTPS traffic",
            f.setting,
            scope_of(f),
            variant_of(f)
        );
        finding(USER_CA_TRUSTED, f, message, Severity::Medium, &format!("user-ca:{}", key(f)))
    }));
    if let Some(as_of) = as_of {
        let mut seen = std::collections::BTreeSet::new();
        for pin in target.pins.iter().filter(|p| p.expired) {
            // One finding per pin-set, naming its domains.
            if !seen.insert((&pin.file, pin.line)) {
                continue;
            }
            let domains: Vec<String> = target
                .pins
                .iter()
                .filter(|p| p.file == pin.file && p.line == pin.line)
                .map(|p| format!("`{}`", p.domain))
                .collect();
            let expiration = pin.expiration.as_deref().unwrap_or_default();
            let message = format!(
                "Certificate pins for {} expired on {expiration} (as of {as_of}): the app no longer enforces them, so the pinning protects nothing",
                domains.join(", ")
            );
            let fact = PolicyFact {
                file: pin.file.clone(),
                line: pin.line,
                setting: "pin-set".into(),
                domain: Some(pin.domain.clone()),
                include_subdomains: pin.include_subdomains,
                allowed: false,
                variant: pin.variant.clone(),
                debug_only: false,
            };
            out.push(finding(
                PIN_EXPIRED,
                &fact,
                message,
                Severity::Low,
                &format!("pin:{}", key(&fact)),
            ));
        }
    }
    out
}

/// A cleartext allowance: medium app-wide or for a public domain in
/// release builds, low when limited to local hosts, web content or debug
/// builds.
fn cleartext(target: &AppTarget, f: &PolicyFact) -> PlatformFinding {
    let local = f.setting == "NSAllowsLocalNetworking" || f.domain.as_deref().is_some_and(is_local);
    let web_only = matches!(
        f.setting.as_str(),
        "NSAllowsArbitraryLoadsInWebContent" | "NSAllowsArbitraryLoadsForMedia"
    );
    let ignored = (f.setting == "NSAllowsArbitraryLoads")
        .then(|| overriding_key(target))
        .flatten();
    let severity = if local || web_only || f.debug_only || ignored.is_some() {
        Severity::Low
    } else {
        Severity::Medium
    };
    let mut message = match (target.platform, f.setting.as_str()) {
        (TargetPlatform::Apple, "NSAllowsLocalNetworking") => {
            "ATS: cleartext allowed to local network hosts (`NSAllowsLocalNetworking`)".to_string()
        }
        (TargetPlatform::Apple, "NSAllowsArbitraryLoadsInWebContent") => {
            "ATS: arbitrary loads allowed in web views (`NSAllowsArbitraryLoadsInWebContent`)".to_string()
        }
        (TargetPlatform::Apple, "NSAllowsArbitraryLoadsForMedia") => {
            "ATS: arbitrary loads allowed for AV Foundation media (`NSAllowsArbitraryLoadsForMedia`)"
                .to_string()
        }
        (TargetPlatform::Apple, "NSAllowsArbitraryLoads") => {
            "ATS: arbitrary loads allowed app-wide (`NSAllowsArbitraryLoads`): cleartext HTTP to any host"
                .to_string()
        }
        (TargetPlatform::Apple, setting) => format!(
            "ATS: insecure HTTP loads allowed for `{}`{} (`{setting}`)",
            f.domain.as_deref().unwrap_or_default(),
            subdomains(f)
        ),
        (TargetPlatform::Android, setting) => match &f.domain {
            None => format!("Cleartext HTTP allowed app-wide by `{setting}`"),
            Some(domain) => format!(
                "Cleartext HTTP allowed for `{domain}`{} by `{setting}`",
                subdomains(f)
            ),
        },
    };
    if let Some(key) = ignored {
        message.push_str(&format!(
            "; ignored on iOS 10 and later because `{}` is also set",
            key.setting
        ));
    }
    if local && f.domain.is_some() {
        message.push_str(" (a local host)");
    }
    message.push_str(&variant_of(f));
    finding(
        CLEARTEXT_ALLOWED,
        f,
        message,
        severity,
        &format!("cleartext:{}", key(f)),
    )
}

fn subdomains(f: &PolicyFact) -> &'static str {
    if f.include_subdomains {
        " and its subdomains"
    } else {
        ""
    }
}

/// ` for `api.example.com``, or nothing for an app-wide setting.
fn scope_of(f: &PolicyFact) -> String {
    f.domain
        .as_ref()
        .map(|d| format!(" for `{d}`{}", subdomains(f)))
        .unwrap_or_default()
}

/// Where a declaration applies among build variants.
fn variant_of(f: &PolicyFact) -> String {
    match f.variant.as_deref() {
        _ if f.setting == "debug-overrides" => " in debug builds only (`debug-overrides`)".into(),
        Some(v) if f.debug_only => format!(" in debug builds only (`src/{v}`)"),
        Some("main") | None => String::new(),
        Some(v) => format!(" in the `{v}` variant (`src/{v}`)"),
    }
}

/// What the fingerprint hashes: the declaration, not its line.
fn key(f: &PolicyFact) -> String {
    format!(
        "{}:{}:{}",
        f.setting,
        f.domain.as_deref().unwrap_or("*"),
        f.variant.as_deref().unwrap_or("")
    )
}

fn finding(
    rule: &str,
    f: &PolicyFact,
    message: String,
    severity: Severity,
    matched: &str,
) -> PlatformFinding {
    PlatformFinding {
        raw: RawFinding {
            rule_id: rule.to_string(),
            message,
            file: f.file.clone(),
            span: Span {
                line: f.line,
                column: 1,
                end_line: f.line,
                end_column: 1,
                ..Span::default()
            },
            host: f.domain.clone(),
            function: None,
            matched: matched.to_string(),
            url_param: None,
        },
        severity,
    }
}
