//! From parsed configuration files to app targets: an Android module is
//! the folder holding `src/<variant>/AndroidManifest.xml` (its network
//! security configs are the `res/xml` files its manifests name, in any
//! variant), an Apple target the folder holding an `Info.plist`. Every
//! Android fact keeps its build variant, so a `src/debug` exemption reads
//! as a debug-build one.

use std::collections::BTreeMap;

use super::info_plist::InfoPlist;
use super::manifest::Manifest;
use super::nsc::{Block, Scope};
use crate::model::platform::{AppTarget, Pin, PolicyFact, TargetPlatform};

/// The resource name Android Studio gives a network security config; it is
/// read even when no manifest of the module names a config.
pub const CONVENTIONAL_CONFIG: &str = "network_security_config";

/// A configuration file's place in an Android module:
/// `<module>/src/<variant>/…` or, in the older layout, `<module>/…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AndroidPlace {
    pub module: String,
    pub variant: String,
}

impl AndroidPlace {
    /// The place of `rel` given the path of the file inside the variant
    /// folder (`AndroidManifest.xml`, `res/xml/<name>.xml`).
    pub fn of(rel: &str, inner: &str) -> AndroidPlace {
        let folder = rel.strip_suffix(inner).unwrap_or(rel).trim_end_matches('/');
        let segments: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [module @ .., "src", variant] => AndroidPlace {
                module: join_dir(module),
                variant: (*variant).to_string(),
            },
            module => AndroidPlace {
                module: join_dir(module),
                variant: "main".into(),
            },
        }
    }

    /// Debuggable builds only: `src/debug`, `src/<flavour>Debug`.
    pub fn debug_only(&self) -> bool {
        self.variant.to_ascii_lowercase().ends_with("debug")
    }
}

fn join_dir(segments: &[&str]) -> String {
    if segments.is_empty() {
        ".".into()
    } else {
        segments.join("/")
    }
}

/// The folder holding `rel` (`.` at the root).
pub fn parent_dir(rel: &str) -> String {
    rel.rsplit_once('/')
        .map_or_else(|| ".".into(), |(dir, _)| dir.to_string())
}

/// The folder of the Apple target whose `Info.plist` is at `rel`: the
/// folder holding it, or its parent when that folder only holds resources
/// (`App/Resources/Info.plist`, `App/Supporting Files/Info.plist`), where
/// the target's code is not.
pub fn apple_target_dir(rel: &str) -> String {
    let dir = parent_dir(rel);
    let resources = |name: &str| matches!(name, "Resources" | "Supporting Files" | "SupportingFiles");
    match dir.rsplit_once('/') {
        Some((parent, name)) if resources(name) => parent.to_string(),
        None if resources(&dir) => ".".into(),
        _ => dir,
    }
}

/// Builds the targets, sorted by folder and platform.
#[derive(Default)]
pub struct TargetsBuilder {
    targets: BTreeMap<(String, TargetPlatform), AppTarget>,
}

impl TargetsBuilder {
    fn target(&mut self, dir: &str, platform: TargetPlatform, file: &str) -> &mut AppTarget {
        let target = self
            .targets
            .entry((dir.to_string(), platform))
            .or_insert_with(|| AppTarget::new(platform, dir));
        target.files.push(file.to_string());
        target
    }

    pub fn manifest(&mut self, rel: &str, manifest: &Manifest) {
        let place = AndroidPlace::of(rel, "AndroidManifest.xml");
        let target = self.target(&place.module, TargetPlatform::Android, rel);
        target.target_sdk = target.target_sdk.or(manifest.target_sdk);
        if let Some((allowed, line)) = manifest.uses_cleartext {
            target.cleartext.push(android_fact(
                rel,
                line,
                "android:usesCleartextTraffic",
                None,
                allowed,
                &place,
                false,
            ));
        }
    }

    pub fn network_config(&mut self, rel: &str, name: &str, blocks: &[Block]) {
        let place = AndroidPlace::of(rel, &format!("res/xml/{name}.xml"));
        let target = self.target(&place.module, TargetPlatform::Android, rel);
        for block in blocks {
            let (setting, debug_overrides) = match block.scope {
                Scope::Base => ("base-config", false),
                Scope::Domains(_) => ("domain-config", false),
                Scope::DebugOverrides => ("debug-overrides", true),
            };
            let domains: Vec<(Option<String>, bool)> = match &block.scope {
                Scope::Domains(domains) => domains
                    .iter()
                    .map(|d| (Some(d.name.clone()), d.include_subdomains))
                    .collect(),
                _ => vec![(None, false)],
            };
            for (domain, include_subdomains) in domains {
                let fact = |line, allowed| PolicyFact {
                    include_subdomains,
                    ..android_fact(
                        rel,
                        line,
                        setting,
                        domain.clone(),
                        allowed,
                        &place,
                        debug_overrides,
                    )
                };
                if let Some((allowed, line)) = block.cleartext {
                    target.cleartext.push(fact(line, allowed));
                }
                if let Some(line) = block.user_cas {
                    target.user_cas.push(fact(line, true));
                }
                if let (Some((expiration, line)), Some(domain)) = (&block.pin_set, &domain) {
                    target.pins.push(Pin {
                        file: rel.to_string(),
                        line: *line,
                        domain: domain.clone(),
                        include_subdomains,
                        expiration: expiration.clone(),
                        expired: false,
                        variant: Some(place.variant.clone()),
                    });
                }
            }
        }
    }

    pub fn info_plist(&mut self, rel: &str, info: &InfoPlist) {
        let dir = apple_target_dir(rel);
        let target = self.target(&dir, TargetPlatform::Apple, rel);
        let fact = |setting: &str, line, allowed, domain: Option<&str>, include_subdomains| PolicyFact {
            file: rel.to_string(),
            line,
            setting: setting.to_string(),
            domain: domain.map(str::to_string),
            include_subdomains,
            allowed,
            variant: None,
            debug_only: false,
        };
        for (setting, switch) in [
            ("NSAllowsArbitraryLoads", info.arbitrary_loads),
            (
                "NSAllowsArbitraryLoadsInWebContent",
                info.arbitrary_loads_in_web_content,
            ),
            ("NSAllowsArbitraryLoadsForMedia", info.arbitrary_loads_for_media),
            ("NSAllowsLocalNetworking", info.local_networking),
        ] {
            if let Some((allowed, line)) = switch {
                target.cleartext.push(fact(setting, line, allowed, None, false));
            }
        }
        for d in &info.exception_domains {
            if let Some((allowed, line)) = d.insecure_http {
                target.cleartext.push(fact(
                    "NSExceptionAllowsInsecureHTTPLoads",
                    line,
                    allowed,
                    Some(&d.name),
                    d.include_subdomains,
                ));
            }
        }
        for d in &info.pinned_domains {
            target.pins.push(Pin {
                file: rel.to_string(),
                line: d.line,
                domain: d.name.clone(),
                include_subdomains: d.include_subdomains,
                expiration: None,
                expired: false,
                variant: None,
            });
        }
        target
            .bonjour_services
            .extend(info.bonjour_services.iter().cloned());
        if target.local_network_usage.is_none() {
            target.local_network_usage = info.local_network_usage.clone();
        }
    }

    /// The targets, each list sorted, pins marked expired before `as_of`.
    pub fn build(self, as_of: Option<&str>) -> Vec<AppTarget> {
        self.targets
            .into_values()
            .map(|mut t| {
                t.files.sort();
                t.files.dedup();
                t.cleartext.sort();
                t.cleartext.dedup();
                t.user_cas.sort();
                t.user_cas.dedup();
                for pin in &mut t.pins {
                    pin.expired = match (&pin.expiration, as_of) {
                        // ISO dates compare as text.
                        (Some(expiration), Some(as_of)) => expiration.as_str() < as_of,
                        _ => false,
                    };
                }
                t.pins.sort();
                t.pins.dedup();
                t.bonjour_services.sort();
                t.bonjour_services.dedup();
                t
            })
            .collect()
    }
}

fn android_fact(
    rel: &str,
    line: usize,
    setting: &str,
    domain: Option<String>,
    allowed: bool,
    place: &AndroidPlace,
    debug_overrides: bool,
) -> PolicyFact {
    PolicyFact {
        file: rel.to_string(),
        line,
        setting: setting.to_string(),
        domain,
        include_subdomains: false,
        allowed,
        variant: Some(place.variant.clone()),
        debug_only: debug_overrides || place.debug_only(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn android_places() {
        let place = AndroidPlace::of("app/src/debug/AndroidManifest.xml", "AndroidManifest.xml");
        assert_eq!(place.module, "app");
        assert_eq!(place.variant, "debug");
        assert!(place.debug_only());
        let place = AndroidPlace::of("android/app/src/freeDebug/res/xml/nsc.xml", "res/xml/nsc.xml");
        assert_eq!(
            (place.module.as_str(), place.variant.as_str()),
            ("android/app", "freeDebug")
        );
        assert!(place.debug_only());
        let place = AndroidPlace::of("src/release/AndroidManifest.xml", "AndroidManifest.xml");
        assert_eq!((place.module.as_str(), place.variant.as_str()), (".", "release"));
        assert!(!place.debug_only());
        let place = AndroidPlace::of("legacy/AndroidManifest.xml", "AndroidManifest.xml");
        assert_eq!(
            (place.module.as_str(), place.variant.as_str()),
            ("legacy", "main")
        );
        assert_eq!(parent_dir("Info.plist"), ".");
        assert_eq!(parent_dir("ios/App/Info.plist"), "ios/App");
        assert_eq!(
            apple_target_dir("Sources/App/Resources/Info.plist"),
            "Sources/App"
        );
        assert_eq!(apple_target_dir("App/Supporting Files/App-Info.plist"), "App");
        assert_eq!(apple_target_dir("Resources/Info.plist"), ".");
        assert_eq!(apple_target_dir("ios/App/Info.plist"), "ios/App");
    }
}
