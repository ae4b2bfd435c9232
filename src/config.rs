//! `.egress-scan.toml`: project settings, discovered at the scan root or
//! given with `--config`. Unknown keys and bad values are errors that point
//! at the TOML span.

use std::collections::BTreeMap;
use std::path::Path;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use thiserror::Error;

use crate::model::Severity;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Extra exclude globs (gitignore syntax), on top of the defaults.
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub include_tests: Option<bool>,
    /// Names of functions that validate a host before a request.
    #[serde(default)]
    pub guards: Vec<String>,
    /// Intended destinations: `api.x.com` or `*.x.com`.
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    /// Per-rule severity overrides.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default)]
    pub report: ReportConfig,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Error, Diagnostic)]
pub enum ConfigError {
    #[error("cannot read config {path}: {message}")]
    #[diagnostic(code(egress_scan::config::io))]
    Io { path: String, message: String },

    #[error("invalid config {path}: {message}")]
    #[diagnostic(
        code(egress_scan::config::invalid),
        help("see the Configuration section of README.md")
    )]
    Invalid {
        path: String,
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: Option<SourceSpan>,
    },
}

impl Config {
    /// Loads `explicit`, else `<root>/.egress-scan.toml` when present.
    pub fn discover(root: &Path, explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let default = root.join(".egress-scan.toml");
                if !default.is_file() {
                    return Ok(Config::default());
                }
                default
            }
        };
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Config::parse(&path.display().to_string(), &text)
    }

    pub fn parse(name: &str, text: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: name.to_string(),
            message: e.message().to_string(),
            src: NamedSource::new(name, text.to_string()),
            span: e.span().map(SourceSpan::from),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_settings() {
        let c = Config::parse(
            "c.toml",
            "allowed_hosts = [\"*.corp.io\"]\nguards = [\"assertPublicHost\"]\n[severity]\n\"egress/hardcoded-endpoint\" = \"medium\"\n[report]\ntitle = \"T\"\n",
        )
        .unwrap();
        assert_eq!(c.allowed_hosts, vec!["*.corp.io"]);
        assert_eq!(c.severity["egress/hardcoded-endpoint"], Severity::Medium);
        assert_eq!(c.report.title.as_deref(), Some("T"));
    }

    #[test]
    fn unknown_key_has_span() {
        let err = Config::parse("c.toml", "exclude = []\nbogus = 1\n").unwrap_err();
        match err {
            ConfigError::Invalid { span: Some(span), .. } => assert_eq!(span.offset(), 13),
            other => panic!("unexpected {other:?}"),
        }
    }
}
