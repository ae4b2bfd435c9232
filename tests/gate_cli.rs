//! The CI gate: --fail-on levels, --baseline and suppressions.

use predicates::prelude::*;

use crate::common::egress_scan;

fn code(args: &[&str]) -> i32 {
    egress_scan()
        .args(args)
        .output()
        .expect("runs")
        .status
        .code()
        .expect("exit code")
}

#[test]
fn fail_on_each_level() {
    // chatbot: high, medium and low findings, no critical.
    for (level, expected) in [
        ("none", 0),
        ("low", 1),
        ("medium", 1),
        ("high", 1),
        ("critical", 0),
    ] {
        assert_eq!(
            code(&["fixtures/chatbot", "--fail-on", level]),
            expected,
            "{level}"
        );
    }
}

#[test]
fn suppressed_findings_do_not_fail() {
    // webhook-relay's only plaintext finding is suppressed; its TLS finding
    // is not, so medium fails while a file with only the suppressed one passes.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.js"),
        "// egress-scan: ignore[egress/insecure-transport] VPC only\nfetch(\"http://collector.vendor-x.io/v1\");\n",
    )
    .unwrap();
    let root = dir.path().to_str().unwrap();
    assert_eq!(code(&[root, "--fail-on", "medium"]), 0);
    std::fs::write(
        dir.path().join("a.js"),
        "fetch(\"http://collector.vendor-x.io/v1\");\n",
    )
    .unwrap();
    assert_eq!(code(&[root, "--fail-on", "medium"]), 1);
}

#[test]
fn baseline_accepts_known_findings_only() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    egress_scan()
        .args(["fixtures/chatbot", "-f", "json", "-o"])
        .arg(&baseline)
        .assert()
        .success();
    // Everything is in the baseline: nothing new fails.
    egress_scan()
        .args(["fixtures/chatbot", "--fail-on", "low", "--baseline"])
        .arg(&baseline)
        .assert()
        .code(0);

    // Drop one high finding from the baseline: it counts again.
    let mut report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    let findings = report["findings"].as_array_mut().unwrap();
    let i = findings.iter().position(|f| f["severity"] == "high").unwrap();
    findings.remove(i);
    std::fs::write(&baseline, serde_json::to_string(&report).unwrap()).unwrap();
    egress_scan()
        .args(["fixtures/chatbot", "--fail-on", "high", "--baseline"])
        .arg(&baseline)
        .assert()
        .code(1);
    egress_scan()
        .args(["fixtures/chatbot", "--fail-on", "critical", "--baseline"])
        .arg(&baseline)
        .assert()
        .code(0);
}

#[test]
fn bad_baseline_is_exit_2_with_location() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("bad.json");
    std::fs::write(
        &baseline,
        "{\n  \"schema_version\": 1,\n  \"findings\": [oops]\n}\n",
    )
    .unwrap();
    egress_scan()
        .args(["fixtures/chatbot", "--fail-on", "high", "--baseline"])
        .arg(&baseline)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid baseline").and(predicate::str::contains("bad.json")));
    egress_scan()
        .args(["fixtures/chatbot", "--baseline", "no/such/baseline.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read baseline"));
}
