//! The platform stage: the network configuration the platforms read from
//! outside the code (SPEC §3, §4) — `AndroidManifest.xml`, the network
//! security configs it names and iOS/macOS `Info.plist` — parsed into
//! per-target policy facts ([`crate::model::platform`]) and findings, then
//! joined with the code's plaintext requests ([`join`]).
//!
//! These files are not source: they never reach the parser or the engine.
//! A malformed file is a counted skip with a diagnostic, never a panic.

pub mod date;
mod findings;
mod info_plist;
pub mod join;
mod manifest;
mod nsc;
pub mod policy;
pub mod rules;
mod targets;
mod xml;

use std::collections::{BTreeMap, BTreeSet};

use miette::Diagnostic;
use thiserror::Error;

pub use findings::{PlatformFinding, CLEARTEXT_ALLOWED, PIN_EXPIRED, USER_CA_TRUSTED};

use crate::model::platform::{ConfigFileKind, PlatformConfig};
use crate::model::{Lines, Suppression};
use targets::{AndroidPlace, TargetsBuilder, CONVENTIONAL_CONFIG};

/// A platform configuration file read from the tree.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    pub kind: ConfigFileKind,
    pub bytes: Vec<u8>,
}

/// A configuration file that could not be parsed; the scan goes on without
/// its settings.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq, Eq)]
#[error("{file} is not a well-formed {what}: {message}")]
#[diagnostic(
    code(egress_scan::platform::malformed),
    severity(Warning),
    help("its network settings are missing from the report; check the file with the platform's tools (aapt2, plutil -lint)")
)]
pub struct Malformed {
    pub file: String,
    pub what: &'static str,
    pub message: String,
}

/// The text of a configuration file as findings need it: its lines
/// (snippets, trimmed and capped as a source file's) and the
/// `<!-- egress-scan: ignore[rule] reason -->` comments.
#[derive(Debug, Clone, Default)]
pub struct FileText {
    lines: Lines,
    pub suppressions: Vec<Suppression>,
}

impl FileText {
    fn new(bytes: &[u8]) -> FileText {
        // A binary plist has no lines: its findings are at line 1.
        if bytes.starts_with(b"bplist") {
            return FileText::default();
        }
        let suppressions = String::from_utf8_lossy(bytes)
            .lines()
            .enumerate()
            .filter(|(_, line)| line.contains("egress-scan: ignore["))
            // An XML comment closes with `-->`, not part of the reason.
            .flat_map(|(i, line)| {
                crate::pipeline::extract::parse_suppressions(line.trim_end().trim_end_matches("-->"), i + 1)
            })
            .collect();
        FileText {
            lines: Lines::new(bytes),
            suppressions,
        }
    }

    /// The trimmed text of 1-based `line` (empty when there is none).
    pub fn snippet(&self, line: usize) -> String {
        self.lines.get(line).unwrap_or_default().to_string()
    }
}

/// What the platform stage learned.
#[derive(Debug, Default)]
pub struct PlatformScan {
    pub config: PlatformConfig,
    pub findings: Vec<PlatformFinding>,
    /// Files parsed.
    pub read: usize,
    pub malformed: Vec<Malformed>,
    /// The parsed files' text, by path.
    pub texts: BTreeMap<String, FileText>,
    /// Files the walk found that could not be read (set by the caller,
    /// which reads them).
    pub unreadable: Vec<String>,
}

/// Parses the configuration files and derives the targets and findings.
/// `as_of` (`YYYY-MM-DD`) dates the pin expiry check; `None` skips it.
/// `res/xml` files are read only when a manifest of their module names
/// them as its network security config, or, when none names one, under the
/// conventional name.
pub fn analyse(files: &[ConfigFile], as_of: Option<&str>) -> PlatformScan {
    let mut scan = PlatformScan::default();
    let mut builder = TargetsBuilder::default();
    // Network security configs named by the manifests, by module.
    let mut named: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files.iter().filter(|f| f.kind == ConfigFileKind::AndroidManifest) {
        let parsed = std::str::from_utf8(&file.bytes)
            .map_err(|e| e.to_string())
            .and_then(manifest::parse);
        match parsed {
            Ok(m) => {
                let module = AndroidPlace::of(&file.rel, "AndroidManifest.xml").module;
                let names = named.entry(module).or_default();
                names.extend(m.network_security_config.iter().map(|(name, _)| name.clone()));
                builder.manifest(&file.rel, &m);
                scan.parsed(file);
            }
            Err(message) => scan.malformed(file, "AndroidManifest.xml", message),
        }
    }
    for file in files
        .iter()
        .filter(|f| f.kind == ConfigFileKind::AndroidXmlResource)
    {
        let Some(name) = file.rel.rsplit('/').next().and_then(|n| n.strip_suffix(".xml")) else {
            continue;
        };
        let module = AndroidPlace::of(&file.rel, &format!("res/xml/{name}.xml")).module;
        let in_effect = match named.get(&module).filter(|names| !names.is_empty()) {
            Some(names) => names.contains(name),
            None => name == CONVENTIONAL_CONFIG,
        };
        if !in_effect {
            continue;
        }
        let parsed = std::str::from_utf8(&file.bytes)
            .map_err(|e| e.to_string())
            .and_then(nsc::parse);
        match parsed {
            Ok(blocks) => {
                builder.network_config(&file.rel, name, &blocks);
                scan.parsed(file);
            }
            Err(message) => scan.malformed(file, "network security config", message),
        }
    }
    for file in files.iter().filter(|f| f.kind == ConfigFileKind::InfoPlist) {
        match info_plist::parse(&file.bytes) {
            Ok(info) => {
                builder.info_plist(&file.rel, &info);
                scan.parsed(file);
            }
            Err(message) => scan.malformed(file, "property list", message),
        }
    }
    scan.config = PlatformConfig {
        as_of: as_of.map(str::to_string),
        targets: builder.build(as_of),
    };
    scan.findings = scan
        .config
        .targets
        .iter()
        .flat_map(|t| findings::of_target(t, as_of))
        .collect();
    scan.malformed.sort_by(|a, b| a.file.cmp(&b.file));
    scan
}

impl PlatformScan {
    fn parsed(&mut self, file: &ConfigFile) {
        self.read += 1;
        self.texts.insert(file.rel.clone(), FileText::new(&file.bytes));
    }

    fn malformed(&mut self, file: &ConfigFile, what: &'static str, message: String) {
        self.malformed.push(Malformed {
            file: file.rel.clone(),
            what,
            message,
        });
    }
}
