//! REST SDKs as npm and app projects ship them, over `fixtures/rest-sdk`:
//! base URLs handed to a domain class or a client constructor, and request
//! bodies built in a local object before they are sent.

use crate::common::{findings, scan_json, strings};

/// `file:line url` of every endpoint location.
fn endpoints(report: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for e in report["endpoints"].as_array().unwrap() {
        for l in e["locations"].as_array().unwrap() {
            out.push(format!(
                "{}:{} {}",
                l["file"].as_str().unwrap(),
                l["line"],
                e["url"].as_str().unwrap()
            ));
        }
    }
    out
}

#[test]
fn base_urls_passed_as_arguments_are_endpoints() {
    let report = scan_json(&["fixtures/rest-sdk"]);
    let endpoints = endpoints(&report);
    let hardcoded: Vec<String> = findings(&report, "egress/hardcoded-endpoint")
        .iter()
        .map(|f| format!("{}:{}", f["file"].as_str().unwrap(), f["line"]))
        .collect();
    let kotlin = "android/src/main/java/io/acme/voice/VoiceApi.kt";
    for expected in [
        // `super(twilio, "https://…")` in a compiled domain class.
        "lib/rest/Api.js:14 https://api.acme-voice.io".to_string(),
        // `new Domain(client, "https://…")`.
        "lib/rest/Conversations.js:8 https://chat.acme-corp.io".to_string(),
        // `this.useEdge("https://…")` with `useEdge(edgeUrl)`.
        "lib/index.js:11 https://edge.acme-voice.io".to_string(),
        // Kotlin `class VoiceApi(…) : Domain(client, "https://…")` and `RestClient("https://…")`.
        format!("{kotlin}:9 https://voice.acme-voice.io"),
        format!("{kotlin}:21 https://api.acme-voice.io/v2"),
        // Swift `VoiceAPI("https://…")` with `init(_ baseURL: String)`.
        "ios/Sources/Push/PushRegistrar.swift:18 https://api.acme-voice.io".to_string(),
    ] {
        assert!(endpoints.contains(&expected), "{expected} not in {endpoints:#?}");
        let place = expected.split(' ').next().unwrap().to_string();
        assert!(hardcoded.contains(&place), "{place} not in {hardcoded:#?}");
    }
}

#[test]
fn links_and_messages_passed_as_arguments_are_not_endpoints() {
    let report = scan_json(&["fixtures/rest-sdk"]);
    let hosts = strings(&report, "endpoints", "host");
    // `new Error(…)`, `console.log`, `Log.w`, `NSLog`, `IllegalStateException`,
    // `deprecated(name, notes)` and a user-agent's project link.
    for reference in ["docs.acme-voice.io", "status.acme-voice.io", "github.com"] {
        assert!(!hosts.contains(&reference), "{reference} in {hosts:#?}");
    }
}

/// `data_sent` of the communication whose hosts include `host`.
fn data_sent(report: &serde_json::Value, host: &str) -> Vec<String> {
    let communication = report["communications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["hosts"].as_array().unwrap().iter().any(|h| h == host))
        .unwrap_or_else(|| panic!("no communication with {host}"));
    communication["data_sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_body_built_before_the_request_is_data_sent() {
    let report = scan_json(&["fixtures/rest-sdk"]);
    let push = data_sent(&report, "exp.acme-push.io");
    for expected in [
        // `const body = {…}; fetch(url, { body: JSON.stringify(body) })`.
        "deviceId (device identifier)",
        // A push token is a device address, not a credential.
        "deviceToken (push token)",
        "appId",
        "projectId",
        // `axios.post(url, payload)` with a local `payload`.
        "email (personal data)",
    ] {
        assert!(
            push.contains(&expected.to_string()),
            "{expected} not in {push:#?}"
        );
    }
    // Swift `request.httpBody = try JSONEncoder().encode(body)`.
    let ios = data_sent(&report, "push.acme-voice.io");
    for expected in ["deviceId (device identifier)", "pushToken (push token)"] {
        assert!(ios.contains(&expected.to_string()), "{expected} not in {ios:#?}");
    }
    // Push tokens sent in a body are not auth.
    for host in ["exp.acme-push.io", "push.acme-voice.io"] {
        let communication = report["communications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["hosts"].as_array().unwrap().iter().any(|h| h == host))
            .unwrap();
        assert!(
            communication["auth"].is_null(),
            "{host}: {}",
            communication["auth"]
        );
    }
    // The call rows carry the same reading.
    let unregister = report["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["file"] == "src/notifications/receipts.ts" && c["line"] == 15)
        .expect("unregister call");
    assert_eq!(
        unregister["data_sent"],
        serde_json::json!(["deviceId (device identifier)"])
    );
}
