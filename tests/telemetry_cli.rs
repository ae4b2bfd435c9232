//! Telemetry, analytics and error-reporting SDKs as app code uses them
//! (`fixtures/telemetry-web`): what a privacy reviewer reads first.

use crate::common::{scan_json, strings};

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
    let hosts = strings(&report, "endpoints", "host");
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

fn call_at<'a>(report: &'a serde_json::Value, file: &str, line: u64) -> &'a serde_json::Value {
    let calls = report["calls"].as_array().expect("calls");
    calls
        .iter()
        .find(|c| c["file"] == file && c["line"] == line)
        .unwrap_or_else(|| panic!("no call at {file}:{line} in {calls:#?}"))
}

#[test]
fn beacons_through_a_captured_navigator_are_sinks_with_their_data() {
    let report = report();
    let beacon = call_at(&report, "src/analytics/beacon.ts", 16);
    assert_eq!(beacon["api"], "sendBeacon");
    assert_eq!(beacon["kind"], "beacon");
    assert_eq!(beacon["url"], "https://collect.acme-metrics.io/v1/exit");
    assert_eq!(
        beacon["data_sent"],
        serde_json::json!(["distinct_id", "event (telemetry)", "path"])
    );
}

#[test]
fn image_pixels_and_injected_scripts_are_outbound_calls() {
    let report = report();
    for (line, url) in [
        (20, "https://pixel.acme-ads.io/p.gif?c={campaign}"),
        (24, "https://pixel.acme-ads.io/conversion.gif?order={orderId}"),
    ] {
        let pixel = call_at(&report, "src/analytics/beacon.ts", line);
        assert_eq!(pixel["api"], "Image");
        assert_eq!(pixel["kind"], "beacon");
        assert_eq!(pixel["url"], url);
    }
    let script = call_at(&report, "src/analytics/beacon.ts", 9);
    assert_eq!(script["api"], "script element");
    assert_eq!(script["host"], "cdn.mxpnl.com");
    let mixpanel = communication(&report, "Mixpanel");
    assert!(mixpanel["hosts"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("cdn.mxpnl.com")));
}

#[test]
fn a_transport_handing_its_body_to_the_xhr_is_not_a_request_to_the_body() {
    let report = report();
    let calls: Vec<(&str, u64, &str)> = report["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["file"] == "src/errors/xhrTransport.ts")
        .map(|c| {
            (
                c["file"].as_str().unwrap(),
                c["line"].as_u64().unwrap(),
                c["url"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(calls, vec![("src/errors/xhrTransport.ts", 8, "{url}")]);
    // Its callers still reach the network through it.
    let report_call = call_at(&report, "src/errors/reporter.ts", 9);
    assert_eq!(report_call["url"], "https://errors.acme-metrics.io/api/envelope");
}
