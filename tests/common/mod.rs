//! Helpers shared by the CLI tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

pub fn egress_scan() -> Command {
    let mut cmd = Command::cargo_bin("egress-scan").expect("binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    // One facts cache for the whole suite, never the user's.
    cmd.env("EGRESS_SCAN_CACHE_DIR", test_cache_dir());
    cmd
}

pub fn test_cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("facts-cache")
}

/// Runs a scan with `-f json` and returns the parsed report.
pub fn scan_json(args: &[&str]) -> serde_json::Value {
    let out = egress_scan()
        .args(args)
        .args(["-f", "json"])
        .output()
        .expect("runs");
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

pub fn findings<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

/// The findings of `rule` as `file:line message`.
pub fn located(report: &serde_json::Value, rule: &str) -> Vec<String> {
    findings(report, rule)
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["file"].as_str().unwrap(),
                f["line"],
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// Every directory under fixtures/, sorted, so new fixtures are covered too.
pub fn fixture_names() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures/ exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 3, "{names:?}");
    names
}

/// The string `field` of every entry of a report section (`endpoints`, `calls`…).
pub fn strings<'a>(report: &'a serde_json::Value, section: &str, field: &str) -> Vec<&'a str> {
    report[section]
        .as_array()
        .expect("report section is an array")
        .iter()
        .map(|e| e[field].as_str().unwrap_or(""))
        .collect()
}

/// Every file under `dir` with its modification time and size.
pub fn files_with_mtimes(dir: &Path) -> std::collections::BTreeMap<PathBuf, (std::time::SystemTime, u64)> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let meta = entry.metadata().expect("metadata");
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                out.insert(entry.path(), (meta.modified().expect("mtime"), meta.len()));
            }
        }
    }
    out
}

/// A valid user query rule with examples, for tests of `--rules`.
pub const LONG_POLLING_RULE: &str = r#"id: team/no-long-polling
severity: medium
languages: [typescript]
title: Long polling
message: "Long polling call: {match}"
help: Use webhooks.
triggers: [getUpdates]
query:
  typescript: |
    ((string_fragment) @match (#match? @match "getUpdates"))
examples:
  bad:
    - lang: typescript
      code: 'fetch(`https://x.io/getUpdates`)'
  good:
    - lang: typescript
      code: 'fetch("https://x.io/send")'
"#;

/// `file:line api url` of every outbound call of a JSON report.
pub fn call_lines(report: &serde_json::Value) -> Vec<String> {
    report["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}:{} {} {}",
                c["file"].as_str().unwrap(),
                c["line"],
                c["api"].as_str().unwrap(),
                c["url"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

/// Runs git in `dir` with a fixed identity and no user or system config;
/// returns its trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=egress", "-c", "user.email=egress@example.com"])
        .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
