//! Telemetry, analytics and error-reporting SDKs as app code uses them
//! (`fixtures/telemetry-web`): what a privacy reviewer reads first.

use crate::common::scan_json;

fn report() -> serde_json::Value {
    scan_json(&["fixtures/telemetry-web"])
}

fn communication<'a>(report: &'a serde_json::Value, title: &str) -> &'a serde_json::Value {
    let comms = report["communications"].as_array().expect("communications");
    comms
        .iter()
        .find(|c| c["title"] == title)
        .unwrap_or_else(|| panic!("no {title} in {comms:#?}"))
}

#[test]
fn telemetry_sdks_are_catalogued_services() {
    let report = report();
    let flags = communication(&report, "LaunchDarkly");
    assert_eq!(flags["category"], "analytics");
    assert_eq!(
        flags["via_library"],
        serde_json::json!(["launchdarkly-js-client-sdk"])
    );
    assert!(flags["hosts"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("events.launchdarkly.com")));
    for (title, category) in [
        ("PostHog", "analytics"),
        ("Mixpanel", "analytics"),
        ("Sentry", "telemetry"),
        ("OpenTelemetry collector (OTLP)", "telemetry"),
    ] {
        assert_eq!(communication(&report, title)["category"], category, "{title}");
    }
}

#[test]
fn span_attribute_names_are_not_endpoints() {
    let report = report();
    let hosts: Vec<&str> = report["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["host"].as_str().unwrap())
        .collect();
    for name in [
        "server.address",
        "server.port",
        "url.full",
        "url.scheme",
        "auto.http.browser",
    ] {
        assert!(!hosts.contains(&name), "{name} in {hosts:?}");
    }
}
