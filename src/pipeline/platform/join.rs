//! The code's plaintext requests joined with the platform policy: an
//! `egress/insecure-transport` finding on `http://host` (or `ws://`) says
//! whether the app's configuration lets that request out in a release
//! build, and is lowered to low when every target it runs in blocks it.

use super::policy::{cleartext_to, targets_for, Verdict};
use crate::model::platform::{AppTarget, TargetPlatform};
use crate::model::{Finding, Severity};

const INSECURE_TRANSPORT: &str = "egress/insecure-transport";

/// Adds the policy to each plaintext `egress/insecure-transport` finding
/// of a file some target applies to; `lower` (no configured severity for
/// the rule) lowers the blocked ones to low.
pub fn insecure_transport(findings: &mut [Finding], targets: &[AppTarget], lower: bool) {
    for f in findings.iter_mut() {
        if f.rule_id != INSECURE_TRANSPORT || !f.message.starts_with("Plaintext ") {
            continue;
        }
        let Some(host) = f.host.clone() else { continue };
        let applying = targets_for(targets, &f.file);
        if applying.is_empty() {
            continue;
        }
        let verdicts: Vec<(&AppTarget, Verdict)> =
            applying.iter().map(|t| (*t, cleartext_to(t, &host))).collect();
        if let Some((target, verdict)) = verdicts.iter().find(|(_, v)| v.allows()) {
            f.message
                .push_str(&format!("; allowed by {}", allowed_by(target, verdict)));
            continue;
        }
        let blocked: Vec<String> = verdicts.iter().map(|(t, v)| blocked_by(t, v)).collect();
        f.message
            .push_str(&format!("; blocked by {}", blocked.join(" and by ")));
        if lower {
            f.severity = f.severity.min(Severity::Low);
        }
    }
}

/// `app/src/main/AndroidManifest.xml:12 (`android:usesCleartextTraffic`)`.
fn allowed_by(target: &AppTarget, verdict: &Verdict) -> String {
    match verdict {
        Verdict::Allowed(fact) => format!("{}:{} (`{}`)", fact.file, fact.line, fact.setting),
        _ => format!(
            "Android's default for `targetSdkVersion` {} (cleartext is blocked by default from 28)",
            target.target_sdk.unwrap_or_default()
        ),
    }
}

fn blocked_by(target: &AppTarget, verdict: &Verdict) -> String {
    match (target.platform, verdict) {
        (TargetPlatform::Android, Verdict::Blocked(fact)) => format!(
            "the app's network security config ({}:{}, `{}`) in release builds",
            fact.file, fact.line, fact.setting
        ),
        (TargetPlatform::Android, _) => format!(
            "Android's default in `{}` (no cleartext from `targetSdkVersion` 28) unless a network security config allows it",
            target.dir
        ),
        (TargetPlatform::Apple, _) => format!(
            "App Transport Security in `{}` unless an `NSExceptionDomains` entry allows it",
            target.dir
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::platform::PolicyFact;

    fn finding(file: &str, host: &str) -> Finding {
        Finding {
            rule_id: INSECURE_TRANSPORT.into(),
            severity: Severity::Medium,
            message: format!("Plaintext http to {host} (http://{host}/x)"),
            file: file.into(),
            line: 3,
            column: 1,
            end_line: 3,
            end_column: 9,
            host: Some(host.into()),
            snippet: String::new(),
            fingerprint: String::new(),
            suppressed: false,
            suppression_reason: None,
        }
    }

    fn android(cleartext: Vec<PolicyFact>) -> AppTarget {
        AppTarget {
            cleartext,
            ..AppTarget::new(TargetPlatform::Android, "app")
        }
    }

    #[test]
    fn blocked_requests_are_lowered_and_allowed_ones_cite_the_declaration() {
        let mut findings = vec![finding("app/src/main/java/A.kt", "api.example.com")];
        insecure_transport(&mut findings, &[android(Vec::new())], true);
        assert_eq!(findings[0].severity, Severity::Low);
        assert!(
            findings[0]
                .message
                .contains("blocked by Android's default in `app`"),
            "{}",
            findings[0].message
        );

        let allowing = PolicyFact {
            file: "app/src/main/AndroidManifest.xml".into(),
            line: 12,
            setting: "android:usesCleartextTraffic".into(),
            domain: None,
            include_subdomains: false,
            allowed: true,
            variant: Some("main".into()),
            debug_only: false,
        };
        let mut findings = vec![finding("app/src/main/java/A.kt", "api.example.com")];
        insecure_transport(&mut findings, &[android(vec![allowing])], true);
        assert_eq!(findings[0].severity, Severity::Medium);
        assert!(
            findings[0].message.ends_with(
                "; allowed by app/src/main/AndroidManifest.xml:12 (`android:usesCleartextTraffic`)"
            ),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn without_targets_or_with_a_configured_severity_nothing_is_lowered() {
        let mut findings = vec![finding("src/a.ts", "api.example.com")];
        insecure_transport(&mut findings, &[], true);
        assert_eq!(
            findings[0].message,
            "Plaintext http to api.example.com (http://api.example.com/x)"
        );
        insecure_transport(&mut findings, &[android(Vec::new())], false);
        assert_eq!(findings[0].severity, Severity::Medium);
        assert!(findings[0].message.contains("; blocked by"));
    }
}
