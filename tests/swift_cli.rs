//! `egress-scan` over the Swift fixture `fixtures/ios-app`.

use crate::common::{egress_scan, findings, scan_json};

fn report() -> serde_json::Value {
    scan_json(&["fixtures/ios-app"])
}

fn calls_at<'a>(report: &'a serde_json::Value, file: &str, line: u64) -> Vec<&'a serde_json::Value> {
    report["calls"]
        .as_array()
        .expect("calls")
        .iter()
        .filter(|c| c["file"] == file && c["line"] == line)
        .collect()
}

fn at(f: &serde_json::Value) -> String {
    format!("{}:{}", f["file"].as_str().unwrap(), f["line"])
}

#[test]
fn api_client_resolves_static_base_url_from_another_file() {
    let report = report();
    let request = calls_at(&report, "Sources/App/APIClient.swift", 16);
    assert_eq!(request.len(), 1, "{request:?}");
    assert_eq!(request[0]["api"], "URLSession");
    assert_eq!(
        request[0]["url"],
        "https://api.notesync.example-corp.io/v1/folders/{folder}/notes"
    );
    assert_eq!(request[0]["host"], "api.notesync.example-corp.io");
    assert_eq!(request[0]["function"], "APIClient.fetchNotes");
    // `appendingPathComponent` joins the base and the component.
    let upload = calls_at(&report, "Sources/App/APIClient.swift", 24);
    assert_eq!(upload[0]["url"], "https://api.notesync.example-corp.io/v1/notes");
    // The Bearer header is not a token in the URL.
    assert!(findings(&report, "egress/token-in-url")
        .iter()
        .all(|f| !f["file"].as_str().unwrap().ends_with("APIClient.swift")));
}

#[test]
fn websocket_gateway_with_pinning_is_not_a_finding() {
    let report = report();
    let ws = calls_at(&report, "Sources/App/GatewayClient.swift", 10);
    assert_eq!(ws[0]["kind"], "websocket");
    assert_eq!(ws[0]["url"], "wss://gateway.notesync.example-corp.io/v2");
    let insecure: Vec<String> = findings(&report, "egress/insecure-transport")
        .iter()
        .map(|f| at(f))
        .collect();
    assert_eq!(insecure, vec!["Sources/App/DebugTrust.swift:8".to_string()]);
    let debug = findings(&report, "egress/insecure-transport")[0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        debug.contains("DebugTrustDelegate.urlSession") && debug.contains("#if DEBUG"),
        "{debug}"
    );
}

#[test]
fn bonjour_advertisement_reports_type_and_txt_keys() {
    let report = report();
    let lan = findings(&report, "egress/lan-discovery");
    assert_eq!(lan.len(), 1, "{lan:?}");
    assert_eq!(at(lan[0]), "Sources/App/BonjourAdvertiser.swift:8");
    assert_eq!(lan[0]["severity"], "low");
    let msg = lan[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("`_notesync._tcp.`") && msg.contains("user, ver"),
        "{msg}"
    );
    let call = calls_at(&report, "Sources/App/BonjourAdvertiser.swift", 8);
    assert_eq!(call[0]["kind"], "discovery");
    assert_eq!(call[0]["url"], "dns-sd:_notesync._tcp.");
}

#[test]
fn oauth_token_exchange_is_an_outbound_post() {
    let report = report();
    // The request built on line 8 is the one `URLSession.data(for:)` sends
    // on line 12: one call, reported where it is sent, redirects followed.
    assert!(calls_at(&report, "Sources/App/OAuth.swift", 8).is_empty());
    let send = calls_at(&report, "Sources/App/OAuth.swift", 12);
    assert_eq!(send.len(), 1, "{send:?}");
    assert_eq!(send[0]["api"], "URLSession");
    assert_eq!(
        send[0]["url"],
        "https://auth.notesync.example-corp.io/oauth/token"
    );
    assert_eq!(send[0]["redirects"], "follow (default)");
    // `"…".data(using: .utf8)` on line 11 is not a network call.
    assert!(calls_at(&report, "Sources/App/OAuth.swift", 11).is_empty());
}

#[test]
fn ssh_subprocess_reports_host() {
    let report = report();
    let sub = findings(&report, "egress/subprocess-network");
    assert_eq!(sub.len(), 1, "{sub:?}");
    assert_eq!(at(sub[0]), "Sources/App/Backup.swift:6");
    assert_eq!(sub[0]["host"], "vault.notesync.example-corp.io");
    let call = calls_at(&report, "Sources/App/Backup.swift", 6);
    assert_eq!(call[0]["kind"], "subprocess");
    assert_eq!(call[0]["url"], "ssh://vault.notesync.example-corp.io");
}

#[test]
fn token_interpolated_into_url_path() {
    let report = report();
    let tokens: Vec<String> = findings(&report, "egress/token-in-url")
        .iter()
        .map(|f| at(f))
        .collect();
    assert!(
        tokens.contains(&"Sources/App/Telemetry.swift:8".to_string()),
        "{tokens:?}"
    );
    assert!(
        tokens
            .iter()
            .all(|t| t.starts_with("Sources/App/Telemetry.swift")),
        "{tokens:?}"
    );
}

#[test]
fn swift_syntax_error_keeps_recovered_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Broken.swift"),
        concat!(
            "import Foundation\n",
            "func broken( {\n",
            "    let x = = 3\n",
            "}\n",
            "func send(token: String) async throws {\n",
            "    let url = URL(string: \"https://api.example-corp.io/bot\\(token)/send\")!\n",
            "    _ = try await URLSession.shared.data(from: url)\n",
            "}\n",
        ),
    )
    .unwrap();
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(report["stats"]["files_skipped"]["parse_error"], 1);
    let tokens: Vec<String> = findings(&report, "egress/token-in-url")
        .iter()
        .map(|f| at(f))
        .collect();
    assert!(tokens.contains(&"Broken.swift:7".to_string()), "{tokens:?}");
    let calls = report["calls"].as_array().unwrap();
    assert!(
        calls
            .iter()
            .any(|c| c["host"] == "api.example-corp.io" && c["line"] == 7),
        "{calls:?}"
    );
}

#[test]
fn ios_app_json_snapshot() {
    let out = egress_scan()
        .args(["fixtures/ios-app", "-f", "json"])
        .output()
        .expect("runs");
    insta::assert_snapshot!("ios_app_json", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn guard_let_computed_properties_and_nwconnection_resolve() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("API.swift"),
        concat!(
            "import Foundation\n",
            "enum API {\n",
            "    static var baseURLString: String {\n",
            "        return \"https://api.shapes.example-corp.io/v1/\"\n",
            "    }\n",
            "}\n",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Client.swift"),
        concat!(
            "import Foundation\n",
            "import Network\n",
            "func load(name: String) {\n",
            "    guard let url = URL(string: API.baseURLString + name) else { return }\n",
            "    URLSession.shared.dataTask(with: url) { _, _, _ in }.resume()\n",
            "    if let text = \"x\".data(using: .utf8) { print(text) }\n",
            "}\n",
            "func open(parts: Parts) {\n",
            "    let c = NWConnection(host: NWEndpoint.Host.name(parts.host, nil), port: NWEndpoint.Port(rawValue: UInt16(parts.port))!, using: .tcp)\n",
            "    c.start(queue: .main)\n",
            "}\n",
        ),
    )
    .unwrap();
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    let task = calls_at(&report, "Client.swift", 5);
    assert_eq!(task.len(), 1, "{report}");
    assert_eq!(task[0]["url"], "https://api.shapes.example-corp.io/v1/{name}");
    assert!(calls_at(&report, "Client.swift", 6).is_empty());
    let conn = calls_at(&report, "Client.swift", 9);
    assert_eq!(conn[0]["kind"], "socket");
    assert_eq!(conn[0]["url"], "tcp://{parts.host}:{parts.port}");
}

#[test]
fn nwlistener_txt_keys_and_process_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Peer.swift"),
        concat!(
            "import Network\n",
            "import Foundation\n",
            "func advertise(listener: NWListener, user: String) {\n",
            "    var txt = NWTXTRecord()\n",
            "    txt[\"user\"] = user\n",
            "    txt[\"ver\"] = \"2\"\n",
            "    listener.service = NWListener.Service(name: nil, type: \"_sync._tcp\", domain: nil, txtRecord: txt)\n",
            "}\n",
            "func sync() throws {\n",
            "    _ = try Process.run(URL(fileURLWithPath: \"/usr/bin/rsync\"), arguments: [\"-az\", \"out/\", \"ci@mirror.example-corp.io:/srv\"])\n",
            "}\n",
        ),
    )
    .unwrap();
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    let lan = findings(&report, "egress/lan-discovery");
    assert_eq!(lan.len(), 1, "{report}");
    assert_eq!(at(lan[0]), "Peer.swift:7");
    let msg = lan[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("NWListener advertises `_sync._tcp`") && msg.contains("user, ver"),
        "{msg}"
    );
    let sub = findings(&report, "egress/subprocess-network");
    assert_eq!(at(sub[0]), "Peer.swift:10");
    assert_eq!(sub[0]["host"], "mirror.example-corp.io");
}

#[test]
fn redirect_delegate_without_host_check() {
    let report = crate::common::scan_json(&["fixtures/ios-app"]);
    let hits: Vec<String> = crate::common::findings(&report, "egress/redirect-without-host-check")
        .iter()
        .map(|f| format!("{}:{}", f["file"].as_str().unwrap(), f["line"]))
        .collect();
    assert_eq!(hits, vec!["Sources/App/MediaDownloader.swift:12"]);
}
