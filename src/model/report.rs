//! The report format (SPEC §6, schema version 1).
//!
//! The JSON shape is a contract: fields are only ever added. Everything is
//! sorted before rendering so output is byte-identical across runs and
//! thread counts; nothing time-dependent is stored.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::platform::PlatformConfig;
use super::{Origin, OutboundCall, Severity};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub root: String,
    /// Repository name (`--repo-name`); keys the organisation inventory of
    /// `merge` (additive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    pub stats: Stats,
    pub endpoints: Vec<Endpoint>,
    pub communications: Vec<Communication>,
    pub findings: Vec<Finding>,
    /// Every network call site (additive to SPEC §6).
    #[serde(default)]
    pub calls: Vec<OutboundCall>,
    /// Present in reports of `scan --shard K/N` only (additive); `merge`
    /// removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    /// The platforms' network configuration (AndroidManifest.xml, network
    /// security config, Info.plist) per app target; present only when the
    /// project has such files (additive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<PlatformConfig>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Stats {
    /// Source files of a supported language found by the walk. Every one
    /// is counted once more, in exactly one of `files_parsed`,
    /// `files_without_triggers` and the `files_skipped` counts other than
    /// `parse_error` (a subset of the parsed files) and `unreadable_dirs`
    /// (folders): see [`Stats::add_up`].
    pub files_seen: usize,
    /// Files parsed with tree-sitter.
    pub files_parsed: usize,
    pub files_skipped: Skipped,
    /// Files read but not parsed because no rule could match them.
    #[serde(default)]
    pub files_without_triggers: usize,
    /// Source files in languages egress-scan does not analyse (Java,
    /// Objective-C, …), by language: calls in them are not in the report.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub not_analysed: BTreeMap<String, usize>,
    /// Files with a syntax error (`files_skipped.parse_error` counts them),
    /// sorted: what the parser recovered is analysed, a call inside the
    /// broken region may be missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parse_error_files: Vec<String>,
    /// Ignore files that were not read because they are links, special
    /// files or too large (`path (why)`), sorted; when any is listed, no
    /// ignore file was honoured and untracked files they would have hidden
    /// are scanned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore_files_refused: Vec<String>,
    /// Platform configuration files (AndroidManifest.xml, network security
    /// configs, Info.plist): not source files, so counted apart from
    /// `files_seen` (additive).
    #[serde(default, skip_serializing_if = "PlatformFileStats::is_empty")]
    pub platform_files: PlatformFileStats,
}

/// What became of the platform configuration files the walk found.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PlatformFileStats {
    /// Files read and parsed.
    pub read: usize,
    pub too_large: usize,
    pub unreadable: usize,
    /// Files that are not well-formed XML or plist, sorted: their settings
    /// are missing from the report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub malformed: Vec<String>,
}

impl PlatformFileStats {
    pub fn is_empty(&self) -> bool {
        *self == PlatformFileStats::default()
    }

    /// `malformed: ios/App/Info.plist; 1 too large`: the configuration
    /// files whose settings are missing, or `None`.
    pub fn gaps(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.malformed.is_empty() {
            parts.push(format!("malformed: {}", self.malformed.join(", ")));
        }
        for (n, why) in [(self.too_large, "too large"), (self.unreadable, "unreadable")] {
            if n > 0 {
                parts.push(format!("{n} {why}"));
            }
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

impl Stats {
    /// Whether the counts add up: `files_seen` is the sum of the outcomes
    /// of the files seen (the identity documented on [`Stats::files_seen`]).
    pub fn add_up(&self) -> bool {
        let k = &self.files_skipped;
        self.files_seen
            == self.files_parsed
                + self.files_without_triggers
                + k.binary
                + k.too_large
                + k.minified
                + k.unreadable
                + k.symlink_or_special
                + k.parse_abandoned
    }

    /// Counts each language name into [`Stats::not_analysed`].
    pub fn count_not_analysed<'a>(&mut self, languages: impl IntoIterator<Item = &'a str>) {
        for lang in languages {
            *self.not_analysed.entry(lang.to_string()).or_default() += 1;
        }
    }

    /// What the report does not cover: skipped files and source files in
    /// other languages (`4 minified files`, `9 Java files`). Empty when every
    /// source file was analysed.
    pub fn coverage_gaps(&self) -> Vec<String> {
        let k = &self.files_skipped;
        let mut gaps: Vec<String> = [
            (k.minified, "minified"),
            (k.too_large, "too large"),
            (k.binary, "binary"),
            (k.unreadable, "unreadable"),
            (k.parse_abandoned, "abandoned by the parser"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, why)| format!("{n} {why}"))
        .collect();
        gaps.extend(self.languages_not_analysed());
        gaps
    }

    /// Records a file with a syntax error, keeping the list sorted.
    pub fn add_parse_error_file(&mut self, path: &str) {
        if let Err(at) = self.parse_error_files.binary_search_by(|p| p.as_str().cmp(path)) {
            self.parse_error_files.insert(at, path.to_string());
        }
    }

    /// `a.ts, b.swift (+3 more)`: the files with syntax errors, each
    /// written by `name`, at most [`PARSE_ERRORS_SHOWN`] of them; `None`
    /// when there are none.
    pub fn parse_error_summary(&self, name: impl Fn(&str) -> String) -> Option<String> {
        let files = &self.parse_error_files;
        if files.is_empty() {
            return None;
        }
        let shown: Vec<String> = files.iter().take(PARSE_ERRORS_SHOWN).map(|f| name(f)).collect();
        let mut text = shown.join(", ");
        if files.len() > PARSE_ERRORS_SHOWN {
            text.push_str(&format!(" (+{} more)", files.len() - PARSE_ERRORS_SHOWN));
        }
        Some(text)
    }

    /// `9 Java, 5 Objective-C`, or `None` when every source file was in reach.
    pub fn not_analysed_summary(&self) -> Option<String> {
        let parts: Vec<String> = self.languages_not_analysed().collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// `9 Java`, `5 Objective-C`: each language egress-scan did not read.
    fn languages_not_analysed(&self) -> impl Iterator<Item = String> + '_ {
        self.not_analysed.iter().map(|(lang, n)| format!("{n} {lang}"))
    }
}

/// How many files with syntax errors the table and markdown name.
pub const PARSE_ERRORS_SHOWN: usize = 10;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Skipped {
    pub binary: usize,
    pub too_large: usize,
    pub minified: usize,
    /// Files with a syntax error somewhere; what parsed is still analysed.
    pub parse_error: usize,
    pub unreadable: usize,
    /// Symlinks (never followed) and FIFOs, sockets or devices named like
    /// source files.
    #[serde(default)]
    pub symlink_or_special: usize,
    /// Files whose parse was stopped after using up the parser's work
    /// allowance (pathological input, typically crafted).
    #[serde(default)]
    pub parse_abandoned: usize,
    /// Folders the walk could not list (not files: not in `files_seen`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unreadable_dirs: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Endpoint {
    pub url: String,
    pub host: String,
    pub scheme: String,
    pub origin: Origin,
    pub service: Option<String>,
    pub locations: Vec<Location>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Communication {
    pub title: String,
    pub category: String,
    pub purpose: String,
    pub files: Vec<String>,
    pub hosts: Vec<String>,
    pub auth: Option<String>,
    pub data_sent: Vec<String>,
    pub notes: Vec<String>,
    /// Client libraries (catalog SDKs) imported by `files`: the communication
    /// happens "via library", possibly with no URL in the code (additive).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via_library: Vec<String>,
    /// URL templates (`{configuration.updateUrl}`) of the requests of the
    /// "Requests to runtime-determined URLs" communication, whose host is
    /// only known at run time (additive).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runtime_urls: Vec<String>,
    /// The calls of the client libraries' data-carrying methods, each with
    /// what it sends: the call sites of a communication "via library"
    /// (additive).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub library_calls: Vec<LibraryCall>,
    /// `app` for what the shipped software talks to, `tooling` when every
    /// file is development or CI tooling (scripts, CI, build files,
    /// bundler configuration) (additive).
    #[serde(default = "app_scope")]
    pub scope: String,
}

fn app_scope() -> String {
    "app".into()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub host: Option<String>,
    pub snippet: String,
    pub fingerprint: String,
    pub suppressed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression_reason: Option<String>,
}

impl Report {
    /// Findings that count for `--fail-on`: unsuppressed, at or above `level`.
    pub fn failing(&self, level: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| !f.suppressed && f.severity >= level)
            .count()
    }
}

/// What a shard report records about its scan (additive `shard` object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// 1-based.
    pub index: usize,
    pub count: usize,
    /// `--repo-name`, or the default name of the root.
    pub repository: String,
    /// SHA-256 (hex, 16 bytes) of the loaded rules, the config and the scan
    /// settings that change results; shards of one scan share it.
    pub settings: String,
    /// Per-file inventory facts of this shard's files.
    pub inventory: InventoryFacts,
}

/// The per-file facts communications need beyond endpoints and findings:
/// catalog client libraries imported and, per (file, host), the auth and
/// data the requests carry. Each entry belongs to one file, so the facts of
/// disjoint file sets (shards) concatenate into the facts of their union.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InventoryFacts {
    #[serde(default)]
    pub libraries: Vec<LibraryImport>,
    #[serde(default)]
    pub requests: Vec<RequestDetail>,
}

/// A file importing a client library of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LibraryImport {
    pub file: String,
    pub library: String,
    /// Credentials given to the library's client in this file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth: Vec<String>,
    /// What this file's calls of the library send (the catalog's `sends`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_sent: Vec<String>,
    /// This file's calls of the library's data-carrying methods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<LibraryCall>,
}

/// A call of a data-carrying method of a catalogued client library (the
/// catalog's `sends`: `client.chat.completions.create({ … })`): a request
/// the library makes, with what it sends.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LibraryCall {
    pub file: String,
    pub line: usize,
    /// The call as written (`bot.api.sendMessage`).
    pub method: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_sent: Vec<String>,
}

/// Auth and body details of the requests of one file to one host, in call
/// order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RequestDetail {
    pub file: String,
    pub host: String,
    pub auth: Vec<String>,
    pub data_sent: Vec<String>,
}

impl InventoryFacts {
    /// Keeps the entries of the files `keep` accepts.
    pub fn retain_files(&mut self, keep: &dyn Fn(&str) -> bool) {
        self.libraries.retain(|l| keep(&l.file));
        self.requests.retain(|r| keep(&r.file));
    }

    /// Appends another file set's facts (disjoint files).
    pub fn extend(&mut self, other: InventoryFacts) {
        self.libraries.extend(other.libraries);
        self.requests.extend(other.requests);
    }

    /// Sorted, for byte-stable output.
    pub fn sort(&mut self) {
        self.libraries.sort();
        self.libraries.dedup();
        self.requests.sort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_files_stay_sorted_and_are_summarised() {
        let mut stats = Stats::default();
        for i in (0..12).rev() {
            stats.add_parse_error_file(&format!("src/f{i:02}.ts"));
        }
        stats.add_parse_error_file("src/f03.ts");
        assert_eq!(stats.parse_error_files.len(), 12);
        assert!(stats.parse_error_files.windows(2).all(|w| w[0] < w[1]));
        let summary = stats.parse_error_summary(str::to_string).unwrap();
        assert!(summary.starts_with("src/f00.ts, src/f01.ts"), "{summary}");
        assert!(summary.ends_with("src/f09.ts (+2 more)"), "{summary}");
        assert_eq!(Stats::default().parse_error_summary(str::to_string), None);
    }

    #[test]
    fn coverage_gaps_name_skips_and_other_languages() {
        let mut stats = Stats::default();
        assert!(stats.coverage_gaps().is_empty());
        assert_eq!(stats.not_analysed_summary(), None);
        stats.files_skipped.minified = 4;
        stats.count_not_analysed(["Java", "Objective-C", "Java"]);
        assert_eq!(
            stats.coverage_gaps(),
            vec!["4 minified", "2 Java", "1 Objective-C"]
        );
        assert_eq!(
            stats.not_analysed_summary().as_deref(),
            Some("2 Java, 1 Objective-C")
        );
    }
}
