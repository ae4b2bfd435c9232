//! The prefilter never hides a result: every fixture scanned with and without
//! it gives the same report, apart from the counters that say how many files
//! the prefilter skipped.

use crate::common::{fixture, scan_json};

/// The report without the two counters that legitimately differ.
fn comparable(mut report: serde_json::Value) -> serde_json::Value {
    let stats = report["stats"].as_object_mut().expect("stats");
    stats.remove("files_without_triggers");
    stats.remove("files_parsed");
    report
}

fn fixture_roots() -> Vec<String> {
    let mut roots: Vec<String> = std::fs::read_dir(fixture(""))
        .expect("fixtures/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| format!("fixtures/{}", e.file_name().to_string_lossy()))
        .collect();
    roots.sort();
    roots
}

#[test]
fn prefilter_does_not_change_any_fixture_report() {
    let roots = fixture_roots();
    assert!(roots.len() >= 5, "fixtures found: {roots:?}");
    for root in roots {
        // With test folders: every source file of the fixture.
        let a = comparable(scan_json(&["scan", &root, "--include-tests"]));
        let b = comparable(scan_json(&["scan", &root, "--include-tests", "--no-prefilter"]));
        assert_eq!(a, b, "prefilter changes the report of {root}");
    }
}

#[test]
fn prefilter_keeps_wrapper_call_sites_without_trigger_words() {
    let root = "tests/data/prefilter-wrapper";
    let a = comparable(scan_json(&["scan", root]));
    let b = comparable(scan_json(&["scan", root, "--no-prefilter"]));
    assert_eq!(a, b);
    // The call sites in orders.ts and reports.ts reach the wrappers defined
    // in backend.ts, although neither file names a network API.
    let files: Vec<String> = a["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .flat_map(|e| e["locations"].as_array().expect("locations").iter())
        .map(|l| l["file"].as_str().expect("file").to_string())
        .collect();
    for file in ["src/orders.ts", "src/reports.ts"] {
        assert!(files.iter().any(|f| f == file), "{file} in {files:?}");
    }
    assert_eq!(a["stats"]["files_seen"], 3);
}
