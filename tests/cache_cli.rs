//! The facts cache: reports are byte-identical with a cold cache, a warm
//! cache, a corrupt cache and no cache; a warm run re-parses nothing.

use std::path::Path;

use crate::common::{egress_scan, files_with_mtimes as entries, fixture, fixture_names, LONG_POLLING_RULE};

fn scan(root: &Path, cache: &Path, extra: &[&str]) -> Vec<u8> {
    let out = egress_scan()
        .arg(root)
        .args(["-f", "json", "-q"])
        .args(extra)
        .env("EGRESS_SCAN_CACHE_DIR", cache)
        .output()
        .expect("runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn cold_warm_and_uncached_scans_are_identical() {
    for name in fixture_names() {
        let cache = tempfile::tempdir().expect("temp dir");
        let root = fixture(&name);
        let uncached = scan(&root, cache.path(), &["--no-cache"]);
        assert!(
            entries(cache.path()).is_empty(),
            "--no-cache wrote into the cache"
        );
        let cold = scan(&root, cache.path(), &[]);
        let filled = entries(cache.path());
        assert!(!filled.is_empty(), "{name}: nothing cached");
        let warm = scan(&root, cache.path(), &["-j", "1"]);
        assert_eq!(uncached, cold, "{name}: cold cache changed the report");
        assert_eq!(uncached, warm, "{name}: warm cache changed the report");
        assert_eq!(
            filled,
            entries(cache.path()),
            "{name}: a warm scan rewrote cache entries"
        );
    }
}

#[test]
fn corrupt_entries_are_misses() {
    let cache = tempfile::tempdir().expect("temp dir");
    let root = fixture("chatbot");
    let clean = scan(&root, cache.path(), &[]);
    let filled = entries(cache.path());
    for path in filled.keys() {
        std::fs::write(path, b"\x07not postcard").expect("overwrite");
    }
    assert_eq!(clean, scan(&root, cache.path(), &[]));
    // The corrupt entries were replaced by good ones.
    assert_eq!(clean, scan(&root, cache.path(), &[]));
    assert!(entries(cache.path())
        .keys()
        .all(|p| std::fs::read(p).is_ok_and(|b| !b.starts_with(b"\x07not"))));
}

#[test]
fn rule_changes_do_not_reuse_facts() {
    let cache = tempfile::tempdir().expect("temp dir");
    let rules = tempfile::tempdir().expect("temp dir");
    let root = fixture("chatbot");
    scan(&root, cache.path(), &[]);
    let folders = |p: &Path| std::fs::read_dir(p).expect("cache dir").count();
    assert_eq!(folders(cache.path()), 1);
    std::fs::write(rules.path().join("extra.yaml"), LONG_POLLING_RULE).expect("rule file");
    let rules_arg = rules.path().to_str().expect("utf-8 path");
    let with_rule = scan(&root, cache.path(), &["--rules", rules_arg]);
    assert!(String::from_utf8_lossy(&with_rule).contains("team/no-long-polling"));
    assert_eq!(
        folders(cache.path()),
        2,
        "a new rule set gets its own cache folder"
    );
    assert_eq!(
        with_rule,
        scan(&root, cache.path(), &["--rules", rules_arg, "--no-cache"])
    );
}
