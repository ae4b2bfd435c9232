//! `.egress-scan.toml`: project settings, discovered at the scan root or
//! given with `--config`. Unknown keys and bad values are errors that point
//! at the TOML span.

use std::collections::BTreeMap;
use std::path::Path;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use thiserror::Error;

use crate::input::{self, Links};
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
    /// Intended destinations: `api.x.com` or `*.x.com`. No
    /// hardcoded-endpoint findings for them, and a `diff` adding one does
    /// not trip `fail_on_new_host`.
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    /// `diff`: communications (catalog service names, `Slack`) a change may
    /// add without tripping `fail_on_new_communication` / `fail_on_new_host`.
    #[serde(default)]
    pub allowed_services: Vec<String>,
    /// `diff`: exit 1 when the change adds a host that is not allow-listed
    /// (as `--fail-on-new-host`).
    #[serde(default)]
    pub fail_on_new_host: bool,
    /// `diff`: exit 1 when the change adds a communication that is not
    /// allow-listed (as `--fail-on-new-communication`).
    #[serde(default)]
    pub fail_on_new_communication: bool,
    /// Per-rule severity overrides.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// `diff`: whether inline suppressions a change adds may silence the
    /// gate (default: they count, so a change cannot silence itself).
    #[serde(default)]
    pub allow_new_suppressions: bool,
    #[serde(default)]
    pub report: ReportConfig,
    /// The date (`YYYY-MM-DD`) certificate pin expirations are compared
    /// with; `--as-of` overrides it. Default: the date of the HEAD commit.
    #[serde(default)]
    pub as_of: Option<String>,
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

    #[error("config {path}: `[severity]` names the unknown rule `{id}`")]
    #[diagnostic(
        code(egress_scan::config::unknown_rule),
        help("`egress-scan rules list` lists the loaded rule ids")
    )]
    UnknownRule { path: String, id: String },

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
        let (path, links) = match explicit {
            Some(p) => (p.to_path_buf(), Links::for_path(p, Some(root))),
            None => {
                let default = root.join(".egress-scan.toml");
                // Present means anything at that name, a link included:
                // it is refused below, not silently ignored.
                if std::fs::symlink_metadata(&default).is_err() {
                    return Ok(Config::default());
                }
                (default, Links::Refuse)
            }
        };
        let text = input::read_text(&path, links, input::SMALL_FILE_CAP).map_err(|e| ConfigError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Config::parse(&path.display().to_string(), &text)
    }

    /// Refuses a `[severity]` entry for a rule id that `is_rule` does not
    /// know: a typo would otherwise silently leave the rule's severity as it
    /// is.
    pub fn check_rule_ids(&self, name: &str, is_rule: impl Fn(&str) -> bool) -> Result<(), ConfigError> {
        match self.severity.keys().find(|id| !is_rule(id)) {
            Some(id) => Err(ConfigError::UnknownRule {
                path: name.to_string(),
                id: input::escape_controls(id),
            }),
            None => Ok(()),
        }
    }

    pub fn parse(name: &str, text: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let (src, span) = input::excerpt(name, text, e.span().map(|s| (s.start, s.len())));
            ConfigError::Invalid {
                path: name.to_string(),
                message: input::message(e.message()),
                src,
                span,
            }
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
            // The excerpt is the offending line alone.
            ConfigError::Invalid {
                span: Some(span),
                src,
                ..
            } => {
                assert_eq!(span.offset(), 1);
                assert_eq!(src.inner(), "\nbogus = 1");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
