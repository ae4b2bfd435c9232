//! `egress-scan scan` over the fixtures.

use predicates::prelude::*;

use crate::common::{egress_scan, findings, fixture, scan_json, strings, LONG_POLLING_RULE};

#[test]
fn chatbot_token_in_url_is_high_with_location() {
    let report = scan_json(&["fixtures/chatbot"]);
    let tokens = findings(&report, "egress/token-in-url");
    let locations: Vec<String> = tokens
        .iter()
        .map(|f| format!("{}:{}", f["file"].as_str().unwrap(), f["line"]))
        .collect();
    assert!(
        locations.contains(&"src/channels/telegram.ts:13".to_string()),
        "{locations:?}"
    );
    // The request sending the URL, not also the template building it a
    // line earlier: one leak, one finding.
    assert!(
        locations.contains(&"src/channels/telegram.ts:20".to_string()),
        "{locations:?}"
    );
    assert!(
        !locations.contains(&"src/channels/telegram.ts:19".to_string()),
        "{locations:?}"
    );
    assert!(
        locations.contains(&"src/providers/search.ts:20".to_string()),
        "{locations:?}"
    );
    assert!(tokens.iter().all(|f| f["severity"] == "high"));
    // The key sent as a header must not be reported.
    assert!(!tokens
        .iter()
        .any(|f| f["message"].as_str().unwrap().contains("braveKey")));
}

#[test]
fn chatbot_endpoints_resolve_constants_across_files() {
    let report = scan_json(&["fixtures/chatbot"]);
    let urls: Vec<&str> = strings(&report, "endpoints", "url");
    assert!(
        urls.contains(&"https://api.telegram.org/bot{this.botToken}/sendMessage"),
        "{urls:?}"
    );
    assert!(
        urls.contains(&"https://api.openai.com/v1/chat/completions"),
        "{urls:?}"
    );
    assert!(
        urls.contains(&"https://api.search.brave.com/res/v1/web/search"),
        "{urls:?}"
    );
    // References (help text, docs links) are not endpoints.
    assert!(!urls.iter().any(|u| u.contains("docs.example.dev")), "{urls:?}");
    // Test code is excluded by default.
    assert_eq!(report["stats"]["files_seen"], 7);
}

#[test]
fn include_tests_brings_test_files_back() {
    let report = scan_json(&["fixtures/chatbot", "--include-tests"]);
    assert_eq!(report["stats"]["files_seen"], 8);
}

#[test]
fn relay_suppression_and_tls() {
    let report = scan_json(&["fixtures/webhook-relay"]);
    let insecure = findings(&report, "egress/insecure-transport");
    assert!(insecure.iter().any(|f| f["message"]
        .as_str()
        .unwrap()
        .contains("TLS certificate verification")));
    let plaintext: Vec<_> = insecure
        .iter()
        .filter(|f| f["message"].as_str().unwrap().starts_with("Plaintext"))
        .collect();
    assert_eq!(plaintext.len(), 1);
    assert_eq!(plaintext[0]["suppressed"], true);
    assert_eq!(report["stats"]["files_skipped"]["parse_error"], 1);
    // What parsed in the broken file is still reported.
    let urls: Vec<&str> = strings(&report, "endpoints", "url");
    assert!(urls.contains(&"https://api.partner-platform.com/v2/ok"));
}

#[test]
fn fail_on_sets_exit_code() {
    egress_scan()
        .args(["fixtures/chatbot", "--fail-on", "high"])
        .assert()
        .code(1);
    egress_scan()
        .args(["fixtures/chatbot", "--fail-on", "critical"])
        .assert()
        .code(0);
    egress_scan().args(["fixtures/chatbot"]).assert().code(0);
}

#[test]
fn json_is_identical_across_thread_counts() {
    for fixture_name in ["chatbot", "webhook-relay"] {
        let path = format!("fixtures/{fixture_name}");
        let run = |threads: &str| {
            let out = egress_scan()
                .args([path.as_str(), "-f", "json", "-j", threads])
                .output()
                .unwrap();
            // A crash prints nothing twice: only a report that ran counts.
            assert_eq!(out.status.code(), Some(0), "{fixture_name} -j {threads}: {out:?}");
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
            assert!(
                report["stats"]["files_parsed"].as_u64() > Some(0),
                "{fixture_name}"
            );
            out.stdout
        };
        assert_eq!(run("1"), run("4"), "{fixture_name}");
    }
}

#[test]
fn json_snapshot_chatbot() {
    let out = egress_scan()
        .args(["fixtures/chatbot", "-f", "json"])
        .output()
        .unwrap();
    insta::assert_snapshot!("chatbot_json", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn table_snapshot_relay() {
    let out = egress_scan().args(["fixtures/webhook-relay"]).output().unwrap();
    insta::assert_snapshot!("relay_table", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn table_lists_calls_to_runtime_urls() {
    // A self-updating app: every request goes to a URL read from
    // configuration, so there is no fixed endpoint at all.
    let report = scan_json(&["fixtures/ota-updater"]);
    assert!(strings(&report, "endpoints", "url").is_empty());
    let urls = strings(&report, "calls", "url");
    assert_eq!(
        urls,
        vec![
            "{configuration.updateUrl}",
            "{packageUrl}",
            "{configuration.updateUrl}"
        ]
    );
    assert_eq!(
        strings(&report, "calls", "origin"),
        vec!["config", "parameter", "config"]
    );

    let out = egress_scan().args(["fixtures/ota-updater"]).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(!table.contains("No endpoints found."), "{table}");
    assert!(
        table.contains("Outbound calls without a listed endpoint (3)"),
        "{table}"
    );
    insta::assert_snapshot!("ota_updater_table", table);
}

#[test]
fn output_file_and_scan_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    egress_scan()
        .args(["scan", "fixtures/chatbot", "-f", "json", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\"schema_version\": 1"));
}

#[test]
fn missing_directory_is_usage_error() {
    egress_scan()
        .args(["no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a directory"));
}

#[test]
fn broken_rule_file_is_exit_2_with_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        "id: team/x\nseverity: loud\nlanguages: [typescript]\n",
    )
    .unwrap();
    egress_scan()
        .args(["fixtures/chatbot", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml").and(predicate::str::contains("severity")));
}

#[test]
fn user_query_rule_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("no-get-updates.yaml"), LONG_POLLING_RULE).unwrap();
    let report = scan_json(&["fixtures/chatbot", "--rules", dir.path().to_str().unwrap()]);
    assert!(!findings(&report, "team/no-long-polling").is_empty());
    egress_scan()
        .args(["rules", "test"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("0 failed"));
}

#[test]
fn bad_input_is_counted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("latin1.ts"),
        b"const s = \"caf\xe9\";\nfetch(\"https://api.vendor-one.com/x\");\n",
    )
    .unwrap();
    std::fs::write(root.join("binary.js"), b"\x00\x01\x02fetch").unwrap();
    std::fs::write(root.join("empty.ts"), b"").unwrap();
    std::fs::write(
        root.join("broken.ts"),
        b"function ( { fetch(\"https://api.vendor-two.com\"",
    )
    .unwrap();
    let big = "// padding line for a large file\n".repeat(100_000);
    std::fs::write(root.join("big.ts"), big).unwrap();
    let minified = format!("var a=1;{}", "fetch(\"https://cdn.vendor.io\");".repeat(400));
    std::fs::write(root.join("bundle.js"), minified).unwrap();
    let report = scan_json(&[root.to_str().unwrap()]);
    let skipped = &report["stats"]["files_skipped"];
    // Source files are never skipped for their bytes or for being minified.
    assert_eq!(skipped["binary"], 0);
    assert_eq!(skipped["too_large"], 1);
    assert_eq!(skipped["minified"], 0);
    assert!(skipped["parse_error"].as_u64().unwrap() >= 1);
    let hosts: Vec<&str> = strings(&report, "endpoints", "host");
    assert!(hosts.contains(&"api.vendor-one.com"), "{hosts:?}");
    assert!(
        hosts.contains(&"cdn.vendor.io"),
        "the minified file is scanned: {hosts:?}"
    );
}

#[test]
fn explain_and_list() {
    egress_scan()
        .args(["explain", "egress/token-in-url"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Authorization"));
    egress_scan()
        .args(["rules", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("egress/hardcoded-endpoint"));
    egress_scan().args(["explain", "nope"]).assert().code(2);
}

#[test]
fn fixture_paths_exist() {
    assert!(fixture("chatbot").is_dir());
}

#[test]
fn webrtc_ice_servers_are_endpoints() {
    let report = scan_json(&["fixtures/chatbot"]);
    let hosts: Vec<&str> = strings(&report, "endpoints", "host");
    assert!(hosts.contains(&"stun.l.google.com:19302"), "{hosts:?}");
    assert!(hosts.contains(&"turn.voice-relay.net:3478"), "{hosts:?}");
}

#[test]
fn destructured_option_defaults_are_endpoints() {
    // Shaped like `@slack/web-api`: the base URL is a destructured default.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("client.js"),
        "class WebClient {\n  constructor(token, { slackApiUrl = 'https://slack.com/api/', timeout = 0 } = {}) {\n    this.axios = axios.create({ baseURL: slackApiUrl, timeout });\n  }\n}\nmodule.exports = { WebClient };\n",
    )
    .unwrap();
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    let hosts: Vec<&str> = strings(&report, "endpoints", "host");
    assert_eq!(hosts, vec!["slack.com"]);
}

#[test]
fn one_token_in_url_finding_per_leak() {
    // A URL built on one line and sent on the next is one leak (Swift
    // `URL(string:)` then `dataTask`, a TS template then `fetch`).
    for name in crate::common::fixture_names() {
        let report = scan_json(&[&format!("fixtures/{name}")]);
        let tokens = findings(&report, "egress/token-in-url");
        let mut fingerprints: Vec<&str> = tokens
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap())
            .collect();
        let all = fingerprints.len();
        fingerprints.sort();
        fingerprints.dedup();
        assert_eq!(fingerprints.len(), all, "{name}: {tokens:#?}");
    }
}

/// A disk scan spills each file's facts to a temporary file and reads them
/// back per analysis pass; in-memory sources (`diff`) keep them in memory.
/// Both must give the same report on every fixture.
#[test]
fn spilled_and_in_memory_facts_give_the_same_report() {
    use egress_scan::catalog::rules::RuleSet;
    use egress_scan::config::Config;
    use egress_scan::pipeline::engine::Engine;
    use egress_scan::run::scan::{self, ScanOptions, SourceFile};

    let rules = RuleSet::builtin().expect("built-in rules");
    let config = Config::default();
    let engine = Engine::new(&rules, true).expect("engine");
    for name in crate::common::fixture_names() {
        let root = crate::common::fixture(&name);
        let options = ScanOptions {
            root_label: name.clone(),
            include_tests: true,
            ..ScanOptions::new(root.clone())
        };
        let spilled = scan::scan(&options, &rules, &config).expect("scan");
        let walked = egress_scan::pipeline::walk::walk(&egress_scan::pipeline::walk::WalkOptions {
            root,
            excludes: Vec::new(),
            include_tests: true,
            langs: egress_scan::model::Lang::ALL.to_vec(),
            max_file_size: scan::DEFAULT_MAX_FILE_SIZE,
            threads: 2,
        })
        .expect("walk");
        let sources: Vec<SourceFile> = walked
            .files
            .iter()
            .map(|c| SourceFile {
                rel: c.rel.clone(),
                grammar: c.grammar,
                bytes: std::fs::read(&c.path).expect("readable fixture"),
            })
            .collect();
        let platform = scan::scan_platform(&walked.platform, &options, &config);
        let held =
            scan::scan_sources_with_platform(name.clone(), &sources, &platform, &engine, &rules, &config);
        assert!(
            !spilled.calls.is_empty() || !spilled.endpoints.is_empty() || !spilled.communications.is_empty(),
            "{name}: nothing found"
        );
        let json = |r: &egress_scan::model::Report| {
            let mut v = serde_json::to_value(r).expect("json");
            v.as_object_mut().expect("object").remove("stats");
            v
        };
        assert_eq!(json(&spilled), json(&held), "{name}");
    }
}

/// `--timings` lists the stages on stderr and leaves the report as it is.
#[test]
fn timings_go_to_stderr_and_leave_the_report_unchanged() {
    let root = crate::common::fixture("chatbot");
    let run = |extra: &[&str]| {
        crate::common::egress_scan()
            .arg(&root)
            .args(["-f", "json", "--no-cache"])
            .args(extra)
            .output()
            .expect("runs")
    };
    let plain = run(&[]);
    let timed = run(&["--timings"]);
    assert!(plain.status.success() && timed.status.success());
    assert_eq!(plain.stdout, timed.stdout);
    let stderr = String::from_utf8_lossy(&timed.stderr);
    for stage in [
        "walk",
        "read, parse and extract",
        "analysis",
        "report",
        "render",
        "total",
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.trim_start().starts_with(stage) && l.ends_with(" s")),
            "{stage} missing in:\n{stderr}"
        );
    }
    assert!(!String::from_utf8_lossy(&plain.stderr).contains("timings"));
}

/// Without a writable temp folder (a read-only container) the scan keeps
/// parsed facts in memory and gives the same report.
#[test]
fn no_temp_folder_gives_the_same_report() {
    let root = crate::common::fixture("chatbot");
    let run = |tmp: Option<&std::path::Path>| {
        let mut cmd = crate::common::egress_scan();
        cmd.arg(&root).args(["-f", "json", "--no-cache"]);
        if let Some(tmp) = tmp {
            cmd.env("TMPDIR", tmp);
        }
        let out = cmd.output().expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let missing = tempfile::tempdir().unwrap().path().join("gone");
    assert_eq!(run(Some(&missing)), run(None));
}

/// Files with syntax errors are named in the JSON stats, sorted.
#[test]
fn files_with_syntax_errors_are_named() {
    let report = scan_json(&["fixtures/webhook-relay"]);
    assert_eq!(report["stats"]["files_skipped"]["parse_error"], 1);
    assert_eq!(
        report["stats"]["parse_error_files"],
        serde_json::json!(["lib/broken.js"])
    );
}
