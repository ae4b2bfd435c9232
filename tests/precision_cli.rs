//! Precision: shapes that look like a leak or a request and are not, over
//! `fixtures/companion-app` (TypeScript, Swift and Kotlin). A false high
//! finding fails a `--fail-on high` gate, so each shape has a must-not.

use crate::common::{call_lines, findings, scan_json};

#[test]
fn only_a_credential_sent_over_the_network_is_a_high_finding() {
    let report = scan_json(&["fixtures/companion-app"]);
    let leaks: Vec<String> = findings(&report, "egress/token-in-url")
        .iter()
        .map(|f| format!("{}:{}", f["file"].as_str().unwrap_or(""), f["line"]))
        .collect();
    // Not: the app's own `companion://agent?…&key=` link, an `otpauth://`
    // key URI, a file path with a session id, and account identifiers in
    // a REST path (`/Accounts/{accountSid}`, `/Account/{authId}`).
    // The token in a status request's query is reported once, not also
    // at the `URL(string:)` that built it.
    assert_eq!(leaks, ["ios/Companion/StatusClient.swift:7"]);
}

#[test]
fn a_map_read_and_a_built_request_are_not_extra_calls() {
    let report = scan_json(&["fixtures/companion-app"]);
    let calls = call_lines(&report);
    let in_file = |file: &str| calls.iter().filter(|c| c.contains(file)).count();
    // `cache.get(key)` in a file that imports Ktor reads a map.
    assert_eq!(in_file("PrefsCache.kt"), 1, "{calls:#?}");
    // `Request.Builder().url(…)` then `newCall(request)`: one request.
    assert_eq!(in_file("UploadClient.kt"), 1, "{calls:#?}");
    assert_eq!(in_file("sessions.ts"), 0, "{calls:#?}");
    assert_eq!(in_file("otp.ts"), 0, "{calls:#?}");
}

#[test]
fn end_to_end_harnesses_and_test_files_are_test_code() {
    let shipped = scan_json(&["fixtures/companion-app"]);
    let calls = call_lines(&shipped);
    assert!(
        calls
            .iter()
            .all(|c| !c.starts_with("e2e/") && !c.starts_with("src/test.ts")),
        "{calls:#?}"
    );
    let with_tests = scan_json(&["fixtures/companion-app", "--include-tests"]);
    let calls = call_lines(&with_tests);
    for file in ["e2e/helpers/login.ts", "src/test.ts"] {
        assert!(calls.iter().any(|c| c.starts_with(file)), "{file} in {calls:#?}");
    }
}

#[test]
fn tooling_communications_come_after_the_app_s() {
    let report = scan_json(&["fixtures/companion-app"]);
    let scopes: Vec<(String, String)> = report["communications"]
        .as_array()
        .expect("communications")
        .iter()
        .map(|c| {
            (
                c["title"].as_str().unwrap_or("").to_string(),
                c["scope"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let last = scopes.last().expect("a communication");
    assert_eq!(last, &("GitHub".to_string(), "tooling".to_string()), "{scopes:?}");
    assert!(
        scopes[..scopes.len() - 1].iter().all(|(_, s)| s == "app"),
        "{scopes:?}"
    );
    let md = crate::common::egress_scan()
        .args(["fixtures/companion-app", "-f", "markdown"])
        .output()
        .expect("runs")
        .stdout;
    let md = String::from_utf8(md).expect("UTF-8");
    let part = md.find("**Development and CI tooling.**").expect("tooling part");
    assert!(md[part..].contains(". GitHub\n"), "{md}");
}
