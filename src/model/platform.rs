//! The platforms' network configuration as facts: what `AndroidManifest.xml`,
//! an Android network security config and an iOS/macOS `Info.plist` declare
//! about cleartext, trusted CAs, pinning and LAN discovery, per app target.
//!
//! These files decide whether the code's `http://` requests can leave the
//! device at all, so the report joins them with the code (additive
//! `platform` object of the JSON report).

use serde::{Deserialize, Serialize};

/// The kinds of platform configuration file the walk collects, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConfigFileKind {
    /// `AndroidManifest.xml`.
    AndroidManifest,
    /// An XML resource, `res/xml/<name>.xml`: a network security config
    /// when a manifest names it (`@xml/<name>`) or it is called
    /// `network_security_config.xml`.
    AndroidXmlResource,
    /// `Info.plist` or `<Target>-Info.plist`, XML or binary.
    InfoPlist,
}

impl ConfigFileKind {
    /// The kind of the file at `rel` (`/`-separated), or `None` when it is
    /// not a platform configuration file. `GoogleService-Info.plist` is a
    /// Firebase client configuration, not an app's `Info.plist`.
    pub fn of_path(rel: &str) -> Option<ConfigFileKind> {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        if name == "AndroidManifest.xml" {
            return Some(ConfigFileKind::AndroidManifest);
        }
        if name == "Info.plist" || (name.ends_with("-Info.plist") && name != "GoogleService-Info.plist") {
            return Some(ConfigFileKind::InfoPlist);
        }
        let in_res_xml = dir == "res/xml" || dir.ends_with("/res/xml");
        (in_res_xml && name.ends_with(".xml")).then_some(ConfigFileKind::AndroidXmlResource)
    }
}

/// The platform of an app target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetPlatform {
    Android,
    /// iOS, iPadOS, macOS, tvOS, watchOS, visionOS: App Transport Security.
    Apple,
}

impl TargetPlatform {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetPlatform::Android => "android",
            TargetPlatform::Apple => "apple",
        }
    }
}

/// The platform network configuration of the project.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlatformConfig {
    /// The date pin expirations were compared with (`--as-of`, `as_of` in
    /// the config, else the date of the HEAD commit); absent: not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// Sorted by folder, then platform.
    pub targets: Vec<AppTarget>,
}

impl PlatformConfig {
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
}

/// One app target: an Android module (the folder holding
/// `src/<variant>/AndroidManifest.xml`) or an Apple target (the folder
/// holding its `Info.plist`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppTarget {
    pub platform: TargetPlatform,
    /// The target's folder relative to the root (`app`, `ios/App`; `.`
    /// for the root itself).
    pub dir: String,
    /// The configuration files read for it, sorted.
    pub files: Vec<String>,
    /// `targetSdkVersion` when the manifest declares it (Android). From 28
    /// on, cleartext is blocked unless the app allows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_sdk: Option<u32>,
    /// Where cleartext is allowed or explicitly blocked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cleartext: Vec<PolicyFact>,
    /// Where user-installed CAs are trusted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_cas: Vec<PolicyFact>,
    /// Pinned domains.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<Pin>,
    /// Bonjour service types declared (`NSBonjourServices`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bonjour_services: Vec<String>,
    /// `NSLocalNetworkUsageDescription`: the reason shown before LAN access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_network_usage: Option<String>,
}

impl AppTarget {
    /// A target that declares nothing yet.
    pub fn new(platform: TargetPlatform, dir: &str) -> AppTarget {
        AppTarget {
            platform,
            dir: dir.to_string(),
            files: Vec::new(),
            target_sdk: None,
            cleartext: Vec::new(),
            user_cas: Vec::new(),
            pins: Vec::new(),
            bonjour_services: Vec::new(),
            local_network_usage: None,
        }
    }
}

/// One declaration of a transport setting.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PolicyFact {
    /// Where the declaration is (the file holding it).
    pub file: String,
    pub line: usize,
    /// What declares it: `android:usesCleartextTraffic`, `base-config`,
    /// `domain-config`, `debug-overrides`, `NSAllowsArbitraryLoads`,
    /// `NSExceptionAllowsInsecureHTTPLoads`, ….
    pub setting: String,
    /// The domain it is limited to; `None`: app-wide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub include_subdomains: bool,
    /// Whether the setting allows (cleartext, user CAs) or blocks.
    pub allowed: bool,
    /// The Android build variant folder (`main`, `debug`, `release`, a
    /// flavour); `None` on Apple platforms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Only debuggable builds get it (`src/debug`, `debug-overrides`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub debug_only: bool,
}

/// A pinned domain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Pin {
    pub file: String,
    pub line: usize,
    pub domain: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub include_subdomains: bool,
    /// `pin-set expiration` (`YYYY-MM-DD`): after it, the pins are not
    /// enforced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<String>,
    /// The expiration is before [`PlatformConfig::as_of`].
    #[serde(default, skip_serializing_if = "is_false")]
    pub expired: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_files_by_name() {
        use ConfigFileKind::*;
        assert_eq!(
            ConfigFileKind::of_path("app/src/main/AndroidManifest.xml"),
            Some(AndroidManifest)
        );
        assert_eq!(
            ConfigFileKind::of_path("AndroidManifest.xml"),
            Some(AndroidManifest)
        );
        assert_eq!(
            ConfigFileKind::of_path("app/src/main/res/xml/network_security_config.xml"),
            Some(AndroidXmlResource)
        );
        assert_eq!(
            ConfigFileKind::of_path("res/xml/nsc.xml"),
            Some(AndroidXmlResource)
        );
        assert_eq!(
            ConfigFileKind::of_path("app/src/main/res/values/strings.xml"),
            None
        );
        assert_eq!(ConfigFileKind::of_path("ios/App/Info.plist"), Some(InfoPlist));
        assert_eq!(ConfigFileKind::of_path("ios/App-Info.plist"), Some(InfoPlist));
        assert_eq!(ConfigFileKind::of_path("ios/GoogleService-Info.plist"), None);
        assert_eq!(ConfigFileKind::of_path("ios/Entitlements.plist"), None);
    }
}
