//! The platforms' network configuration: `fixtures/platform-android`
//! (manifests in `src/main` and `src/debug`, a network security config, a
//! second module) and `fixtures/platform-ios` (two targets' Info.plist),
//! plus temporary projects for binary and malformed files and the as-of
//! date.

use std::path::Path;
use std::process::Command as StdCommand;

use crate::common::{egress_scan, findings, scan_json};

/// `severity file:line` of each finding of `rule`, in report order.
fn places(report: &serde_json::Value, rule: &str) -> Vec<String> {
    findings(report, rule)
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["severity"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect()
}

fn message_at<'a>(report: &'a serde_json::Value, rule: &str, file: &str, line: u64) -> &'a str {
    findings(report, rule)
        .into_iter()
        .find(|f| f["file"] == file && f["line"] == line)
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {rule} finding at {file}:{line}"))
}

fn write(dir: &Path, rel: &str, text: &[u8]) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const MANIFEST_NAMING_NSC: &str = r#"<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="x">
    <application android:networkSecurityConfig="@xml/nsc" />
</manifest>
"#;

const NSC_WITH_PIN: &str = r#"<network-security-config>
    <domain-config>
        <domain>api.weather-svc.io</domain>
        <pin-set expiration="2021-06-30">
            <pin digest="SHA-256">7HIpactkIAq2Y49orFOOQKurWxmmSFZhBCoQYcRhJ3Y=</pin>
        </pin-set>
    </domain-config>
</network-security-config>
"#;

#[test]
fn android_cleartext_by_scope_and_variant() {
    let report = scan_json(&["fixtures/platform-android"]);
    assert_eq!(
        places(&report, "egress/cleartext-allowed"),
        [
            // src/debug: a debug-build exemption is not a release problem.
            "low app/src/debug/AndroidManifest.xml:4",
            // A public domain in release builds.
            "medium app/src/main/res/xml/network_security_config.xml:11",
            // The emulator's host.
            "low app/src/main/res/xml/network_security_config.xml:16",
            // App-wide in the second module.
            "medium wear/src/main/AndroidManifest.xml:7",
        ]
    );
    let debug = message_at(
        &report,
        "egress/cleartext-allowed",
        "app/src/debug/AndroidManifest.xml",
        4,
    );
    assert!(debug.ends_with("in debug builds only (`src/debug`)"), "{debug}");
    let domain = message_at(
        &report,
        "egress/cleartext-allowed",
        "app/src/main/res/xml/network_security_config.xml",
        11,
    );
    assert!(
        domain.contains("`legacy.weather-svc.io` and its subdomains"),
        "{domain}"
    );
    // The fact list keeps every declaration, the blocking base-config too.
    let targets = report["platform"]["targets"].as_array().expect("targets");
    let dirs: Vec<&str> = targets.iter().map(|t| t["dir"].as_str().unwrap()).collect();
    assert_eq!(dirs, ["app", "wear"]);
    assert_eq!(targets[1]["target_sdk"], 33);
    let app_cleartext = targets[0]["cleartext"].as_array().unwrap();
    assert!(app_cleartext
        .iter()
        .any(|f| f["setting"] == "base-config" && f["allowed"] == false));
    assert_eq!(report["stats"]["platform_files"]["read"], 4);
    // Platform files are not source files.
    assert_eq!(report["stats"]["files_seen"], 1);
}

#[test]
fn user_cas_in_release_config_only() {
    let report = scan_json(&["fixtures/platform-android"]);
    // base-config trusts user CAs; debug-overrides does too, and is fine.
    assert_eq!(
        places(&report, "egress/user-ca-trusted"),
        ["medium app/src/main/res/xml/network_security_config.xml:6"]
    );
    let user_cas = report["platform"]["targets"][0]["user_cas"].as_array().unwrap();
    assert!(user_cas
        .iter()
        .any(|f| f["setting"] == "debug-overrides" && f["debug_only"] == true));
}

#[test]
fn pins_expire_relative_to_the_as_of_date() {
    let nsc = "app/src/main/res/xml/network_security_config.xml";
    // The fixture's config says 2025-06-01: one pin-set has expired.
    let report = scan_json(&["fixtures/platform-android"]);
    assert_eq!(places(&report, "egress/pin-expired"), [format!("low {nsc}:22")]);
    assert_eq!(report["platform"]["as_of"], "2025-06-01");
    // --as-of overrides the config.
    let before = scan_json(&["fixtures/platform-android", "--as-of", "2025-01-30"]);
    assert!(places(&before, "egress/pin-expired").is_empty());
    let later = scan_json(&["fixtures/platform-android", "--as-of", "2027-01-01"]);
    assert_eq!(
        places(&later, "egress/pin-expired"),
        [format!("low {nsc}:22"), format!("low {nsc}:30")]
    );
    let message = message_at(&later, "egress/pin-expired", nsc, 30);
    assert!(
        message.starts_with(
            "Certificate pins for `alerts.weather-svc.io` expired on 2026-12-31 (as of 2027-01-01)"
        ),
        "{message}"
    );
    let out = egress_scan()
        .args(["fixtures/platform-android", "--as-of", "2025-1-30"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = StdCommand::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_as_of_date_is_the_head_commit_date_never_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/src/main/AndroidManifest.xml",
        MANIFEST_NAMING_NSC.as_bytes(),
    );
    write(
        dir.path(),
        "app/src/main/res/xml/nsc.xml",
        NSC_WITH_PIN.as_bytes(),
    );
    let root = dir.path().to_str().unwrap();
    // Outside a repository and without --as-of: no pin check at all.
    let report = scan_json(&[root]);
    assert!(places(&report, "egress/pin-expired").is_empty());
    assert!(
        report["platform"].get("as_of").is_none(),
        "{}",
        report["platform"]
    );
    // Committed before the expiration: not expired.
    git(dir.path(), &["init", "-q"], "2020-01-01T12:00:00Z");
    git(dir.path(), &["add", "."], "2020-01-01T12:00:00Z");
    git(dir.path(), &["commit", "-q", "-m", "c"], "2020-01-01T12:00:00Z");
    let report = scan_json(&[root]);
    assert_eq!(report["platform"]["as_of"], "2020-01-01");
    assert!(places(&report, "egress/pin-expired").is_empty());
    // Committed after it: expired.
    git(
        dir.path(),
        &["commit", "-q", "--allow-empty", "-m", "c2"],
        "2022-03-04T12:00:00Z",
    );
    let report = scan_json(&[root]);
    assert_eq!(report["platform"]["as_of"], "2022-03-04");
    assert_eq!(
        places(&report, "egress/pin-expired"),
        ["low app/src/main/res/xml/nsc.xml:4"]
    );
}

#[test]
fn ats_keys_by_scope_and_suppression() {
    let report = scan_json(&["fixtures/platform-ios"]);
    assert_eq!(
        places(&report, "egress/cleartext-allowed"),
        [
            "low WeatherApp/Info.plist:9",
            "medium WeatherApp/Info.plist:17",
            "low WeatherApp/Info.plist:22",
            "medium WeatherWidget/Info.plist:8",
        ]
    );
    let exception = message_at(&report, "egress/cleartext-allowed", "WeatherApp/Info.plist", 17);
    assert!(
        exception.contains("`legacy.weather-svc.io` and its subdomains"),
        "{exception}"
    );
    // `<!-- egress-scan: ignore[egress/cleartext-allowed] … -->` above the key.
    let widget = findings(&report, "egress/cleartext-allowed")
        .into_iter()
        .find(|f| f["file"] == "WeatherWidget/Info.plist")
        .unwrap();
    assert_eq!(widget["suppressed"], true);
    assert_eq!(
        widget["suppression_reason"],
        "the widget only loads the public radar feed"
    );
    let app = &report["platform"]["targets"][0];
    assert_eq!(app["dir"], "WeatherApp");
    assert_eq!(app["pins"][0]["domain"], "api.weather-svc.io");
    assert_eq!(
        app["bonjour_services"],
        serde_json::json!(["_airplay._tcp", "_weatherstation._tcp"])
    );
    assert_eq!(
        app["local_network_usage"],
        "Finds weather stations on your network."
    );
}

#[test]
fn arbitrary_loads_is_low_when_a_finer_key_overrides_it() {
    let dir = tempfile::tempdir().unwrap();
    let plist = r#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>NSAppTransportSecurity</key>
	<dict>
		<key>NSAllowsArbitraryLoads</key>
		<true/>
		<key>NSAllowsLocalNetworking</key>
		<true/>
	</dict>
</dict>
</plist>
"#;
    write(dir.path(), "App/Info.plist", plist.as_bytes());
    write(
        dir.path(),
        "App/Client.swift",
        b"import Foundation\nlet a = URLSession.shared.dataTask(with: URL(string: \"http://cdn.weather-svc.io/x\")!)\n",
    );
    let report = scan_json(&[dir.path().to_str().unwrap(), "--as-of", "2025-01-01"]);
    assert_eq!(
        places(&report, "egress/cleartext-allowed"),
        ["low App/Info.plist:6", "low App/Info.plist:8"]
    );
    let message = message_at(&report, "egress/cleartext-allowed", "App/Info.plist", 6);
    assert!(
        message.contains("ignored on iOS 10 and later because `NSAllowsLocalNetworking`"),
        "{message}"
    );
    // So a request to a public host is blocked.
    let insecure = message_at(&report, "egress/insecure-transport", "App/Client.swift", 2);
    assert!(
        insecure.contains("; blocked by App Transport Security"),
        "{insecure}"
    );
}

#[test]
fn a_binary_info_plist_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut ats = plist::Dictionary::new();
    ats.insert("NSAllowsArbitraryLoads".into(), plist::Value::Boolean(true));
    let mut root = plist::Dictionary::new();
    root.insert("NSAppTransportSecurity".into(), plist::Value::Dictionary(ats));
    let mut bytes = Vec::new();
    plist::Value::Dictionary(root)
        .to_writer_binary(&mut bytes)
        .unwrap();
    write(dir.path(), "Mac/Info.plist", &bytes);
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(
        places(&report, "egress/cleartext-allowed"),
        ["medium Mac/Info.plist:1"]
    );
}

#[test]
fn plaintext_requests_name_the_policy_that_allows_or_blocks_them() {
    let report = scan_json(&["fixtures/platform-android"]);
    let kt = "app/src/main/java/com/example/weather/WeatherApi.kt";
    assert_eq!(
        places(&report, "egress/insecure-transport"),
        [format!("medium {kt}:8"), format!("low {kt}:11")]
    );
    let allowed = message_at(&report, "egress/insecure-transport", kt, 8);
    assert!(
        allowed
            .ends_with("; allowed by app/src/main/res/xml/network_security_config.xml:11 (`domain-config`)"),
        "{allowed}"
    );
    let blocked = message_at(&report, "egress/insecure-transport", kt, 11);
    assert!(
        blocked.contains("; blocked by the app's network security config (app/src/main/res/xml/network_security_config.xml:3, `base-config`)"),
        "{blocked}"
    );
    let ios = scan_json(&["fixtures/platform-ios"]);
    assert_eq!(
        places(&ios, "egress/insecure-transport"),
        [
            "medium WeatherApp/WeatherClient.swift:5",
            "low WeatherApp/WeatherClient.swift:11",
        ]
    );
    let allowed = message_at(
        &ios,
        "egress/insecure-transport",
        "WeatherApp/WeatherClient.swift",
        5,
    );
    assert!(
        allowed.ends_with("; allowed by WeatherApp/Info.plist:17 (`NSExceptionAllowsInsecureHTTPLoads`)"),
        "{allowed}"
    );
}

#[test]
fn a_configured_severity_is_not_lowered_by_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        "[severity]\n\"egress/insecure-transport\" = \"high\"\n\"egress/cleartext-allowed\" = \"high\"\n",
    )
    .unwrap();
    let report = scan_json(&["fixtures/platform-android", "--config", config.to_str().unwrap()]);
    let kt = "app/src/main/java/com/example/weather/WeatherApi.kt";
    assert_eq!(
        places(&report, "egress/insecure-transport"),
        [format!("high {kt}:8"), format!("high {kt}:11")]
    );
    assert!(places(&report, "egress/cleartext-allowed")
        .iter()
        .all(|p| p.starts_with("high ")));
    // --fail-on counts platform findings.
    let out = egress_scan()
        .args(["fixtures/platform-ios", "--fail-on", "medium", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_project_without_platform_files_is_unchanged() {
    let report = scan_json(&["fixtures/shop-web"]);
    assert!(report.get("platform").is_none());
    assert!(report["stats"].get("platform_files").is_none());
    for f in findings(&report, "egress/insecure-transport") {
        let message = f["message"].as_str().unwrap();
        assert!(
            !message.contains("allowed by") && !message.contains("blocked by"),
            "{message}"
        );
    }
    let md = String::from_utf8(
        egress_scan()
            .args(["fixtures/shop-web", "-f", "markdown"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(!md.contains("Transport policy") && !md.contains("Platform network configuration"));
}

#[test]
fn malformed_and_oversized_files_are_counted_skips() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/src/main/AndroidManifest.xml",
        MANIFEST_NAMING_NSC.as_bytes(),
    );
    write(
        dir.path(),
        "app/src/main/res/xml/nsc.xml",
        b"<network-security-config><base-config>",
    );
    write(
        dir.path(),
        "app/src/debug/AndroidManifest.xml",
        b"<manifest><application",
    );
    write(
        dir.path(),
        "ios/App/Info.plist",
        b"<plist><dict><key>x</key></plist>",
    );
    write(
        dir.path(),
        "ios/Ext/Info.plist",
        format!(
            "<plist version=\"1.0\"><dict><key>Pad</key><string>{}</string></dict></plist>",
            "x".repeat(4096)
        )
        .as_bytes(),
    );
    write(
        dir.path(),
        "src/api.ts",
        b"fetch(\"http://cdn.weather-svc.io/x\");\n",
    );
    let out = egress_scan()
        .args([
            dir.path().to_str().unwrap(),
            "-f",
            "json",
            "--max-file-size",
            "2048",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ios/App/Info.plist is not a well-formed property list"),
        "{stderr}"
    );
    assert!(
        stderr.contains("app/src/main/res/xml/nsc.xml is not a well-formed network security config"),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let counts = &report["stats"]["platform_files"];
    assert_eq!(
        counts["malformed"],
        serde_json::json!([
            "app/src/debug/AndroidManifest.xml",
            "app/src/main/res/xml/nsc.xml",
            "ios/App/Info.plist"
        ])
    );
    assert_eq!(counts["too_large"], 1);
    assert_eq!(counts["read"], 1);
    // The scan went on: the code's finding is there.
    assert_eq!(findings(&report, "egress/insecure-transport").len(), 1);
    let table = String::from_utf8(
        egress_scan()
            .args([dir.path().to_str().unwrap(), "--max-file-size", "2048"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        table.contains("Platform configuration: 1 files read; not read: malformed: "),
        "{table}"
    );
}

#[test]
fn the_walk_policy_applies_to_platform_files() {
    let dir = tempfile::tempdir().unwrap();
    let cleartext = br#"<manifest xmlns:android="http://schemas.android.com/apk/res/android"><application android:usesCleartextTraffic="true"/></manifest>"#;
    write(dir.path(), "app/src/main/AndroidManifest.xml", cleartext);
    write(dir.path(), "app/src/androidTest/AndroidManifest.xml", cleartext);
    write(dir.path(), "vendor/lib/src/main/AndroidManifest.xml", cleartext);
    write(dir.path(), "sample/src/main/AndroidManifest.xml", cleartext);
    let root = dir.path().to_str().unwrap();
    let report = scan_json(&[root, "--exclude", "sample/**"]);
    assert_eq!(
        places(&report, "egress/cleartext-allowed"),
        ["medium app/src/main/AndroidManifest.xml:1"]
    );
    let with_tests = scan_json(&[root, "--include-tests"]);
    assert_eq!(places(&with_tests, "egress/cleartext-allowed").len(), 3);
}

#[test]
fn platform_rules_are_listed_explained_and_in_sarif() {
    let out = egress_scan().args(["rules", "list"]).output().unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(
        list.lines()
            .any(|l| l.starts_with("egress/cleartext-allowed") && l.contains("platform")),
        "{list}"
    );
    let out = egress_scan()
        .args(["explain", "egress/user-ca-trusted"])
        .output()
        .unwrap();
    let explain = String::from_utf8(out.stdout).unwrap();
    assert!(explain.contains("debug-overrides"), "{explain}");
    let out = egress_scan()
        .args(["fixtures/platform-android", "-f", "sarif"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in [
        "egress/cleartext-allowed",
        "egress/pin-expired",
        "egress/user-ca-trusted",
    ] {
        assert!(rules.contains(&id), "{rules:?}");
    }
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "egress/pin-expired"));
}

#[test]
fn a_baseline_holds_platform_findings() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let out = egress_scan()
        .args([
            "fixtures/platform-ios",
            "-f",
            "json",
            "-o",
            baseline.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = egress_scan()
        .args([
            "fixtures/platform-ios",
            "--baseline",
            baseline.to_str().unwrap(),
            "--fail-on",
            "low",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn json_snapshots_of_the_platform_fixtures() {
    for name in ["platform-android", "platform-ios"] {
        let out = egress_scan()
            .args([&format!("fixtures/{name}"), "-f", "json"])
            .output()
            .unwrap();
        insta::assert_snapshot!(format!("{name}_json"), String::from_utf8(out.stdout).unwrap());
    }
}

#[test]
fn diff_reports_a_change_of_the_platform_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let strict = br#"<manifest xmlns:android="http://schemas.android.com/apk/res/android">
    <application android:label="x" />
</manifest>
"#;
    write(dir.path(), "app/src/main/AndroidManifest.xml", strict);
    write(
        dir.path(),
        "app/src/main/java/x/Api.kt",
        b"package x\nimport okhttp3.Request\nfun f() = Request.Builder().url(\"http://cdn.weather-svc.io/v1\").build()\n",
    );
    git(dir.path(), &["init", "-q"], "2024-01-01T12:00:00Z");
    git(dir.path(), &["add", "."], "2024-01-01T12:00:00Z");
    git(
        dir.path(),
        &["commit", "-q", "-m", "base"],
        "2024-01-01T12:00:00Z",
    );
    // The change allows cleartext app-wide.
    let open = br#"<manifest xmlns:android="http://schemas.android.com/apk/res/android">
    <application android:label="x" android:usesCleartextTraffic="true" />
</manifest>
"#;
    write(dir.path(), "app/src/main/AndroidManifest.xml", open);
    let out = egress_scan()
        .args(["diff", "HEAD", "-f", "json", "--fail-on", "medium", "--repo"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let new: Vec<String> = d["new_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule_id"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect();
    assert_eq!(
        new,
        ["egress/cleartext-allowed app/src/main/AndroidManifest.xml:2"]
    );
}

#[test]
fn build_variants_and_flavours_are_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let cleartext = br#"<manifest xmlns:android="http://schemas.android.com/apk/res/android">
    <application android:usesCleartextTraffic="true" />
</manifest>
"#;
    write(dir.path(), "app/src/release/AndroidManifest.xml", cleartext);
    write(dir.path(), "app/src/freeDebug/AndroidManifest.xml", cleartext);
    write(dir.path(), "app/src/beta/AndroidManifest.xml", cleartext);
    let report = scan_json(&[dir.path().to_str().unwrap(), "--as-of", "2025-01-01"]);
    assert_eq!(
        places(&report, "egress/cleartext-allowed"),
        [
            "medium app/src/beta/AndroidManifest.xml:2",
            "low app/src/freeDebug/AndroidManifest.xml:2",
            "medium app/src/release/AndroidManifest.xml:2",
        ]
    );
    let beta = message_at(
        &report,
        "egress/cleartext-allowed",
        "app/src/beta/AndroidManifest.xml",
        2,
    );
    assert!(beta.ends_with("in the `beta` variant (`src/beta`)"), "{beta}");
    let debug = message_at(
        &report,
        "egress/cleartext-allowed",
        "app/src/freeDebug/AndroidManifest.xml",
        2,
    );
    assert!(
        debug.ends_with("in debug builds only (`src/freeDebug`)"),
        "{debug}"
    );
    let variants: Vec<&str> = report["platform"]["targets"][0]["cleartext"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["variant"].as_str().unwrap())
        .collect();
    assert_eq!(variants, ["beta", "freeDebug", "release"]);
}

/// A pull request controls these files: nesting crafted to exhaust the
/// stack is a counted skip, not a crash.
#[test]
fn deeply_nested_configuration_files_do_not_crash_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let n = 60_000;
    write(
        dir.path(),
        "app/src/main/AndroidManifest.xml",
        MANIFEST_NAMING_NSC.as_bytes(),
    );
    let nsc = format!(
        "<network-security-config>{}{}</network-security-config>",
        "<domain-config>".repeat(n),
        "</domain-config>".repeat(n)
    );
    write(dir.path(), "app/src/main/res/xml/nsc.xml", nsc.as_bytes());
    let plist = format!(
        "<plist version=\"1.0\"><dict><key>a</key>{}{}</dict></plist>",
        "<array>".repeat(n),
        "</array>".repeat(n)
    );
    write(dir.path(), "ios/App/Info.plist", plist.as_bytes());
    let out = egress_scan()
        .args([dir.path().to_str().unwrap(), "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["stats"]["platform_files"]["malformed"],
        serde_json::json!(["app/src/main/res/xml/nsc.xml", "ios/App/Info.plist"])
    );
}
