//! The service catalog: host patterns and client libraries → named services.

use serde::Deserialize;

/// Categories a catalog entry may use: SPEC §5 plus `email` and `cloud`.
pub const CATEGORIES: &[&str] = &[
    "llm",
    "chat",
    "search",
    "media",
    "payments",
    "analytics",
    "telemetry",
    "auth",
    "storage",
    "vcs",
    "local",
    "email",
    "cloud",
    "push",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    pub category: String,
    pub purpose: String,
    #[serde(default)]
    pub privacy: Option<String>,
    /// Host patterns: exact, `host:port`, `*.suffix` (also matching the bare
    /// suffix), or with a `*` label (`s3.*.amazonaws.com`).
    pub hosts: Vec<String>,
    /// Client libraries that talk to this service (npm, Swift, Kotlin/Java).
    /// npm names may end in `*` (`@sentry/*`, `@aws-sdk/client-*`); dotted
    /// Kotlin/Java names match as package prefixes.
    #[serde(default)]
    pub libraries: Vec<String>,
    /// Query parameters carrying the service's public client key (shipped
    /// in every client build): a "token in URL" there exposes no secret.
    #[serde(default)]
    pub public_keys: Vec<String>,
    /// The library's methods that send data, and what their arguments
    /// carry: a communication "via library" lists these as data sent.
    #[serde(default)]
    pub sends: Vec<SdkSend>,
}

/// One data-carrying call of a service's library.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SdkSend {
    /// The end of the callee's path (`chat.completions.create` matches
    /// `client.chat.completions.create(…)`), or a class whose construction
    /// describes the request (`PutObjectCommand`).
    pub call: String,
    /// What the positional arguments carry, in order (`[chat id, message
    /// text]`); an object argument's keys are listed as written.
    #[serde(default)]
    pub args: Vec<String>,
    /// What an object argument's keys carry when their names do not tell
    /// (`Body: file contents`).
    #[serde(default)]
    pub keys: std::collections::BTreeMap<String, String>,
    /// What the call sends whatever its arguments: a registration that
    /// hands the service the device's push token (`getToken()`,
    /// `getExpoPushTokenAsync()`).
    #[serde(default)]
    pub always: Vec<String>,
}

impl SdkSend {
    /// Does a call of `callee` (a name path) match? A bare call matches
    /// only a constructed class (`PutObjectCommand`) or a whole path: a
    /// bare `purchase(…)` is the project's own function, not the SDK's
    /// `Purchases.shared.purchase(…)`.
    pub fn matches(&self, callee: &str) -> bool {
        let bare_ok = self.call.contains('.') || self.call.starts_with(|c: char| c.is_ascii_uppercase());
        (callee == self.call && bare_ok)
            || callee
                .strip_suffix(self.call.as_str())
                .is_some_and(|before| before.ends_with('.'))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub services: Vec<Service>,
}

const BUILTIN: &str = include_str!("../../rules/services.yaml");

impl Catalog {
    /// The built-in catalog. It is validated by a unit test, so a parse
    /// failure here can only come from a broken build and yields an empty one.
    pub fn builtin() -> Catalog {
        serde_yaml::from_str(BUILTIN).unwrap_or_default()
    }

    pub fn service_for_host(&self, host: &str) -> Option<&Service> {
        let h = crate::model::host::hostname(host);
        let with_port = host.trim().to_ascii_lowercase();
        // Most specific pattern wins: `host:port` beats the bare host, longer
        // patterns beat shorter ones.
        self.services
            .iter()
            .flat_map(|s| s.hosts.iter().map(move |p| (s, p)))
            .filter(|(_, p)| {
                if p.contains(':') {
                    p.as_str() == with_port
                } else {
                    host_matches(p, &h)
                }
            })
            .max_by_key(|(_, p)| (p.contains(':'), !p.starts_with('*'), p.len()))
            .map(|(s, _)| s)
    }

    /// The service whose client library `import_source` names, with the
    /// matching library pattern. The longest (most specific) pattern wins.
    pub fn service_for_library(&self, import_source: &str) -> Option<(&Service, &str)> {
        let source = import_source.trim();
        self.services
            .iter()
            .flat_map(|s| s.libraries.iter().map(move |l| (s, l.as_str())))
            .filter(|(_, l)| library_matches(l, source))
            .max_by_key(|(_, l)| (!l.ends_with('*'), l.len()))
    }

    /// Words for the prefilter, so a file that only imports an SDK is still
    /// parsed: npm names with their opening quote (`"@sentry/`), Swift
    /// modules as `import X`, Kotlin/Java packages as written.
    pub fn library_words(&self) -> Vec<String> {
        let mut words = Vec::new();
        for lib in self.services.iter().flat_map(|s| s.libraries.iter()) {
            let stem = lib.trim_end_matches('*');
            let first = stem.chars().next().unwrap_or(' ');
            if stem.contains('.') && !stem.contains('/') && !stem.starts_with('@') {
                words.push(stem.to_string());
            } else if first.is_ascii_uppercase() {
                words.push(format!("import {stem}"));
            } else {
                words.push(format!("\"{stem}"));
                words.push(format!("'{stem}"));
            }
        }
        words.sort();
        words.dedup();
        words
    }
}

fn host_matches(pattern: &str, host: &str) -> bool {
    if let Some(suffix) = pattern.strip_prefix("*.") {
        if !suffix.contains('*') {
            return host == suffix || host.ends_with(&format!(".{suffix}"));
        }
    }
    if pattern.contains('*') {
        let p: Vec<&str> = pattern.split('.').collect();
        let h: Vec<&str> = host.split('.').collect();
        return p.len() == h.len() && p.iter().zip(&h).all(|(p, h)| *p == "*" || p == h);
    }
    host == pattern
}

/// npm: exact name, a deep import of it (`firebase/app`), or a `*` prefix.
/// Swift: the module name. Kotlin/Java: the package or a class inside it.
fn library_matches(pattern: &str, source: &str) -> bool {
    let source = source.strip_prefix("node:").unwrap_or(source);
    if let Some(prefix) = pattern.strip_suffix('*') {
        return source.starts_with(prefix) && source.len() > prefix.len();
    }
    source == pattern
        || source
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn catalog() -> Catalog {
        serde_yaml::from_str(BUILTIN).expect("rules/services.yaml is valid")
    }

    #[test]
    fn a_send_matches_the_end_of_a_path_or_a_constructed_class() {
        let send = |call: &str| SdkSend {
            call: call.into(),
            args: Vec::new(),
            keys: Default::default(),
            always: Vec::new(),
        };
        assert!(send("purchase").matches("Purchases.shared.purchase"));
        assert!(
            !send("purchase").matches("purchase"),
            "the project's own function"
        );
        assert!(!send("purchase").matches("repurchase"));
        assert!(send("chat.postMessage").matches("slack.chat.postMessage"));
        assert!(send("chat.postMessage").matches("chat.postMessage"));
        assert!(send("PutObjectCommand").matches("PutObjectCommand"));
    }

    #[test]
    fn builtin_catalog_parses_and_is_consistent() {
        let c = catalog();
        assert!(c.services.len() >= 100, "{} services", c.services.len());
        let mut names = BTreeSet::new();
        for s in &c.services {
            assert!(names.insert(s.name.as_str()), "duplicate service {}", s.name);
            assert!(
                CATEGORIES.contains(&s.category.as_str()),
                "{}: unknown category {}",
                s.name,
                s.category
            );
            assert!(!s.purpose.is_empty(), "{}: empty purpose", s.name);
            assert!(
                !s.hosts.is_empty() || !s.libraries.is_empty(),
                "{}: neither hosts nor libraries",
                s.name
            );
            for h in &s.hosts {
                assert!(!h.contains('/'), "{}: host pattern with a path: {h}", s.name);
                assert_eq!(h, &h.to_ascii_lowercase(), "{}: host not lower-case", s.name);
            }
        }
    }

    #[test]
    fn hosts_map_to_services() {
        let c = catalog();
        let name = |h: &str| c.service_for_host(h).map(|s| s.name.clone());
        assert_eq!(name("api.openai.com").as_deref(), Some("OpenAI"));
        assert_eq!(name("api.telegram.org").as_deref(), Some("Telegram Bot API"));
        assert_eq!(name("o123.ingest.sentry.io").as_deref(), Some("Sentry"));
        assert_eq!(name("localhost:11434").as_deref(), Some("Ollama"));
        assert_eq!(name("127.0.0.1:1234").as_deref(), Some("LM Studio"));
        assert_eq!(name("localhost:9999"), None);
        assert_eq!(
            name("bedrock-runtime.us-east-1.amazonaws.com").as_deref(),
            Some("AWS Bedrock")
        );
        assert_eq!(name("my-bucket.s3.amazonaws.com").as_deref(), Some("AWS S3"));
        assert_eq!(
            name("sqs.eu-west-1.amazonaws.com").as_deref(),
            Some("AWS (other services)")
        );
        // A specific Google API beats the `*.googleapis.com` catch-all.
        assert_eq!(
            name("translation.googleapis.com").as_deref(),
            Some("Google Translate")
        );
        assert_eq!(name("api.search.brave.com").as_deref(), Some("Brave Search"));
        // Telemetry and analytics SDKs' default hosts, beyond the ingestion API.
        for (host, service) in [
            ("us.i.posthog.com", "PostHog"),
            ("cdn.mxpnl.com", "Mixpanel"),
            ("mixpanel.com", "Mixpanel"),
            ("sr-client-cfg.amplitude.com", "Amplitude"),
            ("browser-intake-datadoghq.com", "Datadog"),
            ("browser-intake-us5-datadoghq.com", "Datadog"),
            ("browser.sentry-cdn.com", "Sentry"),
            ("sessions.bugsnag.smartbear.com", "Bugsnag"),
            ("events.launchdarkly.com", "LaunchDarkly"),
            ("clientstream.launchdarkly.com", "LaunchDarkly"),
        ] {
            assert_eq!(name(host).as_deref(), Some(service), "{host}");
        }
        assert!(c.service_for_host("unknown.invalid-host.zz").is_none());
    }

    #[test]
    fn libraries_map_to_services() {
        let c = catalog();
        let lib = |l: &str| c.service_for_library(l).map(|(s, _)| s.name.clone());
        assert_eq!(lib("@slack/web-api").as_deref(), Some("Slack"));
        assert_eq!(lib("grammy").as_deref(), Some("Telegram Bot API"));
        assert_eq!(lib("@sentry/node").as_deref(), Some("Sentry"));
        assert_eq!(lib("@aws-sdk/client-s3").as_deref(), Some("AWS S3"));
        assert_eq!(
            lib("@aws-sdk/client-sqs").as_deref(),
            Some("AWS (other services)")
        );
        assert_eq!(
            lib("@opentelemetry/exporter-trace-otlp-http").as_deref(),
            Some("OpenTelemetry collector (OTLP)")
        );
        assert_eq!(lib("firebase/app").as_deref(), Some("Firebase"));
        // Each Firebase product is its own service: a messaging-only app is
        // not an analytics client.
        assert_eq!(
            lib("FirebaseCrashlytics").as_deref(),
            Some("Firebase Crashlytics")
        );
        assert_eq!(
            lib("com.google.firebase.messaging.FirebaseMessaging").as_deref(),
            Some("Firebase Cloud Messaging")
        );
        assert_eq!(
            lib("@react-native-firebase/messaging").as_deref(),
            Some("Firebase Cloud Messaging")
        );
        assert_eq!(
            lib("@react-native-firebase/firestore").as_deref(),
            Some("Firebase")
        );
        assert_eq!(
            lib("com.google.firebase.analytics.FirebaseAnalytics").as_deref(),
            Some("Firebase Analytics")
        );
        assert_eq!(lib("io.sentry.Sentry").as_deref(), Some("Sentry"));
        assert_eq!(lib("@homebridge/ciao").as_deref(), Some("Apple Bonjour / mDNS"));
        for (library, service) in [
            ("@amplitude/analytics-core", "Amplitude"),
            ("@posthog/core", "PostHog"),
            ("@bugsnag/browser", "Bugsnag"),
            ("@datadog/browser-core", "Datadog"),
            ("@segment/analytics-react-native", "Segment"),
            ("launchdarkly-js-client-sdk", "LaunchDarkly"),
            ("@launchdarkly/node-server-sdk", "LaunchDarkly"),
            (
                "@opentelemetry/otlp-exporter-base",
                "OpenTelemetry collector (OTLP)",
            ),
        ] {
            assert_eq!(lib(library).as_deref(), Some(service), "{library}");
        }
        // Generic HTTP clients and look-alike names are not services.
        assert_eq!(lib("axios"), None);
        assert_eq!(lib("Alamofire"), None);
        assert_eq!(lib("openai-helpers"), None);
        assert_eq!(lib("com.google.firebaseextra"), None);
    }
}
