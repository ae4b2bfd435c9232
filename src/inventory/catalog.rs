//! The service catalog: host patterns → named services.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    pub category: String,
    pub purpose: String,
    #[serde(default)]
    pub privacy: Option<String>,
    /// Host patterns: exact, or `*.suffix` (also matching the bare suffix).
    pub hosts: Vec<String>,
    /// Client libraries that talk to this service (npm, Swift, Kotlin/Java).
    #[serde(default)]
    pub libraries: Vec<String>,
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
        let h = crate::analysis::host::hostname(host);
        // Most specific pattern wins.
        self.services
            .iter()
            .flat_map(|s| s.hosts.iter().map(move |p| (s, p)))
            .filter(|(_, p)| host_matches(p, &h))
            .max_by_key(|(_, p)| p.len())
            .map(|(s, _)| s)
    }
}

fn host_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(suffix) => host == suffix || host.ends_with(&format!(".{suffix}")),
        None => host == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_parses() {
        let c: Catalog = serde_yaml::from_str(BUILTIN).expect("rules/services.yaml is valid");
        assert!(!c.services.is_empty());
        assert_eq!(
            c.service_for_host("api.openai.com").map(|s| s.name.as_str()),
            Some("OpenAI")
        );
        assert!(c.service_for_host("unknown.invalid-host.zz").is_none());
    }
}
