//! The transport policy in force for a request: which app targets a source
//! file belongs to, and whether a target lets cleartext reach a host in a
//! release build.

use crate::model::host;
use crate::model::platform::{AppTarget, PolicyFact, TargetPlatform};

/// What a target's policy does to a cleartext request to one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// A declaration allows it.
    Allowed(&'a PolicyFact),
    /// A declaration blocks it.
    Blocked(&'a PolicyFact),
    /// Nothing is declared: the platform default applies (`true`: the
    /// default allows cleartext, an Android app targeting SDK 27 or lower).
    Default { allowed: bool },
}

impl Verdict<'_> {
    pub fn allows(&self) -> bool {
        match self {
            Verdict::Allowed(_) => true,
            Verdict::Blocked(_) => false,
            Verdict::Default { allowed } => *allowed,
        }
    }
}

/// Loopback, private ranges, `.local`: hosts only reachable on the device
/// or the LAN (the emulator's `10.0.2.2` included).
pub fn is_local(domain: &str) -> bool {
    host::is_loopback(domain) || host::is_private(domain) || !domain.contains('.')
}

/// Whether a target declares anything about transport. An Android
/// library module's manifest usually declares nothing: it is merged into
/// the app's, whose policy then applies to the library's code.
pub fn declares_policy(t: &AppTarget) -> bool {
    !(t.cleartext.is_empty() && t.user_cas.is_empty() && t.pins.is_empty())
}

/// The targets whose policy applies to the source file `file`: the target
/// whose folder holds it (the deepest) — for an Android module that
/// declares nothing (a library), the Android modules that do, whose
/// manifests it is merged into —, else the targets of its platform (Kotlin
/// and Java: Android; Swift and Objective-C: Apple), else every target
/// (shared code such as React Native's TypeScript).
pub fn targets_for<'a>(targets: &'a [AppTarget], file: &str) -> Vec<&'a AppTarget> {
    let holding = targets
        .iter()
        .filter(|t| t.dir == "." || file.starts_with(&format!("{}/", t.dir)))
        .max_by_key(|t| if t.dir == "." { 0 } else { t.dir.len() });
    if let Some(target) = holding.filter(|t| t.dir != ".") {
        if target.platform == TargetPlatform::Android && !declares_policy(target) {
            let apps: Vec<&AppTarget> = targets
                .iter()
                .filter(|t| t.platform == TargetPlatform::Android && declares_policy(t))
                .collect();
            if !apps.is_empty() {
                return apps;
            }
        }
        return vec![target];
    }
    let ext = file
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let platform = match ext.as_str() {
        "kt" | "kts" | "java" => Some(TargetPlatform::Android),
        "swift" | "m" | "mm" => Some(TargetPlatform::Apple),
        _ => None,
    };
    let of_platform: Vec<&AppTarget> = targets
        .iter()
        .filter(|t| platform.is_none_or(|p| t.platform == p))
        .collect();
    if of_platform.is_empty() {
        holding.into_iter().collect()
    } else {
        of_platform
    }
}

/// Whether `domain` (with `include_subdomains`) covers `host`.
fn covers(domain: &str, include_subdomains: bool, host: &str) -> bool {
    host == domain || (include_subdomains && host.ends_with(&format!(".{domain}")))
}

/// The release-build policy of `target` for cleartext to `host`: the most
/// specific domain declaration, then the app-wide ones, then the default.
pub fn cleartext_to<'a>(target: &'a AppTarget, host: &str) -> Verdict<'a> {
    let host = host::hostname(host).to_ascii_lowercase();
    let release: Vec<&PolicyFact> = target.cleartext.iter().filter(|f| !f.debug_only).collect();
    let by_domain = release
        .iter()
        .filter(|f| {
            f.domain
                .as_deref()
                .is_some_and(|d| covers(d, f.include_subdomains, &host))
        })
        .max_by_key(|f| (f.domain.as_ref().map_or(0, String::len), f.allowed));
    if let Some(fact) = by_domain {
        return if fact.allowed {
            Verdict::Allowed(fact)
        } else {
            Verdict::Blocked(fact)
        };
    }
    let app_wide = |setting: &str| {
        release
            .iter()
            .find(|f| f.domain.is_none() && f.setting == setting)
            .copied()
    };
    match target.platform {
        TargetPlatform::Android => {
            let declared = app_wide("base-config").or_else(|| app_wide("android:usesCleartextTraffic"));
            match declared {
                Some(fact) if fact.allowed => Verdict::Allowed(fact),
                Some(fact) => Verdict::Blocked(fact),
                None => Verdict::Default {
                    allowed: target.target_sdk.is_some_and(|sdk| sdk < 28),
                },
            }
        }
        TargetPlatform::Apple => {
            if let Some(local) = app_wide("NSAllowsLocalNetworking").filter(|f| f.allowed && is_local(&host))
            {
                return Verdict::Allowed(local);
            }
            match arbitrary_loads(target) {
                Some(fact) => Verdict::Allowed(fact),
                None => Verdict::Default { allowed: false },
            }
        }
    }
}

/// `NSAllowsArbitraryLoads` when it is in force: iOS 10 and later ignore it
/// when a finer key (`NSAllowsArbitraryLoadsInWebContent`,
/// `NSAllowsArbitraryLoadsForMedia`, `NSAllowsLocalNetworking`) is set.
pub fn arbitrary_loads(target: &AppTarget) -> Option<&PolicyFact> {
    let fact = target
        .cleartext
        .iter()
        .find(|f| f.setting == "NSAllowsArbitraryLoads" && f.allowed)?;
    overriding_key(target).is_none().then_some(fact)
}

/// The finer ATS key that makes iOS 10 and later ignore `NSAllowsArbitraryLoads`.
pub fn overriding_key(target: &AppTarget) -> Option<&PolicyFact> {
    target.cleartext.iter().find(|f| {
        f.allowed
            && matches!(
                f.setting.as_str(),
                "NSAllowsArbitraryLoadsInWebContent"
                    | "NSAllowsArbitraryLoadsForMedia"
                    | "NSAllowsLocalNetworking"
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(setting: &str, domain: Option<&str>, allowed: bool, debug_only: bool) -> PolicyFact {
        PolicyFact {
            file: "f".into(),
            line: 1,
            setting: setting.into(),
            domain: domain.map(str::to_string),
            include_subdomains: true,
            allowed,
            variant: None,
            debug_only,
        }
    }

    fn target(platform: TargetPlatform, dir: &str, cleartext: Vec<PolicyFact>) -> AppTarget {
        AppTarget {
            cleartext,
            ..AppTarget::new(platform, dir)
        }
    }

    #[test]
    fn android_domain_then_base_then_default() {
        let t = target(
            TargetPlatform::Android,
            "app",
            vec![
                fact("base-config", None, false, false),
                fact("domain-config", Some("example.com"), true, false),
                fact("domain-config", Some("secure.example.com"), false, false),
                fact("domain-config", Some("debug.example.com"), true, true),
            ],
        );
        assert!(cleartext_to(&t, "api.example.com").allows());
        assert!(!cleartext_to(&t, "secure.example.com").allows());
        // A debug-only exemption does not count for release builds.
        assert_eq!(
            cleartext_to(&t, "debug.example.com"),
            Verdict::Allowed(&t.cleartext[1])
        );
        assert!(matches!(cleartext_to(&t, "other.org"), Verdict::Blocked(_)));
        let mut bare = target(TargetPlatform::Android, "app", Vec::new());
        assert_eq!(cleartext_to(&bare, "x.org"), Verdict::Default { allowed: false });
        bare.target_sdk = Some(27);
        assert_eq!(cleartext_to(&bare, "x.org"), Verdict::Default { allowed: true });
    }

    #[test]
    fn ats_arbitrary_loads_and_its_overrides() {
        let t = target(
            TargetPlatform::Apple,
            "ios",
            vec![fact("NSAllowsArbitraryLoads", None, true, false)],
        );
        assert!(cleartext_to(&t, "x.org").allows());
        let t = target(
            TargetPlatform::Apple,
            "ios",
            vec![
                fact("NSAllowsArbitraryLoads", None, true, false),
                fact("NSAllowsLocalNetworking", None, true, false),
            ],
        );
        assert!(!cleartext_to(&t, "x.org").allows());
        assert!(cleartext_to(&t, "printer.local").allows());
        assert_eq!(
            cleartext_to(&target(TargetPlatform::Apple, "ios", Vec::new()), "x.org"),
            Verdict::Default { allowed: false }
        );
    }

    #[test]
    fn files_belong_to_the_deepest_target_or_their_platform() {
        let targets = vec![
            target(TargetPlatform::Android, "android/app", Vec::new()),
            target(TargetPlatform::Apple, "ios/App", Vec::new()),
        ];
        let dirs = |file| {
            targets_for(&targets, file)
                .iter()
                .map(|t| t.dir.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(dirs("android/app/src/main/java/A.kt"), ["android/app"]);
        assert_eq!(dirs("ios/App/Api.swift"), ["ios/App"]);
        assert_eq!(dirs("ios/Shared/Api.swift"), ["ios/App"]);
        assert_eq!(dirs("src/api.ts"), ["android/app", "ios/App"]);
        // A library module declaring nothing takes the app module's policy.
        let targets = vec![
            target(
                TargetPlatform::Android,
                "app",
                vec![fact("android:usesCleartextTraffic", None, true, false)],
            ),
            target(TargetPlatform::Android, "lib/net", Vec::new()),
        ];
        let dirs = |file| {
            targets_for(&targets, file)
                .iter()
                .map(|t| t.dir.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(dirs("lib/net/src/main/java/Http.kt"), ["app"]);
        assert_eq!(dirs("app/src/main/java/Main.kt"), ["app"]);
        assert!(is_local("10.0.2.2") && is_local("printer.local") && is_local("localhost"));
        assert!(!is_local("api.example.com"));
    }
}
