//! Kotlin support over `fixtures/android-app` and inline snippets.

use crate::common::{call_lines, egress_scan, findings, located, scan_json};

const NET: &str = "app/src/main/java/com/example/voicebox/net";

#[test]
fn okhttp_calls_resolve_companion_constants_across_files() {
    let report = scan_json(&["fixtures/android-app"]);
    let calls = call_lines(&report);
    let want = [
        format!("{NET}/ApiClient.kt:28 OkHttp https://api.voicebox.example-cloud.io/v2/users/{{userId}}"),
        format!("{NET}/ApiClient.kt:33 OkHttp WebSocket wss://realtime.voicebox.example-cloud.io/v1/session"),
        format!("{NET}/TtsService.kt:8 OkHttp https://texttospeech.googleapis.com/v1/voices/{{voiceId}}?key={{apiKey}}"),
        format!("{NET}/KtorSync.kt:9 Ktor https://sync.voicebox.example-cloud.io/devices/{{deviceId}}"),
        format!("{NET}/WeatherApi.kt:21 Retrofit https://api.openweathermap.org/"),
        format!("{NET}/WeatherApi.kt:10 Retrofit https://api.openweathermap.org/data/2.5/weather"),
    ];
    for w in &want {
        assert!(calls.contains(w), "missing {w} in {calls:#?}");
    }
    // One request is one call: the `Request.Builder().url(..)` lines (25,
    // 32) are the requests `newCall`/`newWebSocket` send.
    for line in [25, 32] {
        let prefix = format!("{NET}/ApiClient.kt:{line} ");
        assert!(!calls.iter().any(|c| c.starts_with(&prefix)), "{calls:#?}");
    }
    let websocket = report["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["api"] == "OkHttp WebSocket")
        .unwrap();
    assert_eq!(websocket["kind"], "websocket");
    assert_eq!(websocket["host"], "realtime.voicebox.example-cloud.io");
    assert_eq!(websocket["function"], "ApiClient.openSession");
}

#[test]
fn kotlin_credentials_in_urls() {
    let report = scan_json(&["fixtures/android-app"]);
    let tokens = located(&report, "egress/token-in-url");
    let at = |loc: &str| tokens.iter().any(|t| t.starts_with(loc));
    assert!(
        at(&format!("{NET}/TtsService.kt:8 Credential `apiKey`")),
        "{tokens:#?}"
    );
    assert!(
        at(&format!("{NET}/WeatherApi.kt:13 Credential `key`")),
        "{tokens:#?}"
    );
    assert!(
        at("app/src/main/java/com/example/voicebox/diag/Diagnostics.kt:12 Credential `token`"),
        "{tokens:#?}"
    );
    // The interceptor's Bearer header and @Header parameters are fine.
    assert!(!tokens.iter().any(|t| t.contains("ApiClient.kt")), "{tokens:#?}");
    assert!(
        !tokens.iter().any(|t| t.contains("WeatherApi.kt:14")),
        "{tokens:#?}"
    );
    assert!(!tokens.iter().any(|t| t.contains("`city`")), "{tokens:#?}");
}

#[test]
fn kotlin_lan_discovery_subprocess_and_tls() {
    let report = scan_json(&["fixtures/android-app"]);
    let lan = located(&report, "egress/lan-discovery");
    assert!(
        lan.contains(&"app/src/main/java/com/example/voicebox/lan/LanDiscovery.kt:18 Bonjour/mDNS: NsdManager advertises `_voicebox._tcp` on the local network; TXT record keys: deviceId, version".to_string()),
        "{lan:#?}"
    );
    assert!(
        lan.contains(&"app/src/main/java/com/example/voicebox/lan/LanDiscovery.kt:22 Bonjour/mDNS: NsdManager browses for `_voicebox._tcp` on the local network".to_string()),
        "{lan:#?}"
    );
    let sub = findings(&report, "egress/subprocess-network");
    assert_eq!(sub.len(), 1, "{sub:#?}");
    assert_eq!(sub[0]["line"], 9);
    assert_eq!(sub[0]["host"], "status.voicebox.example-cloud.io");
    let tls = located(&report, "egress/insecure-transport");
    let debug = "app/src/main/java/com/example/voicebox/debug/TrustAll.kt";
    assert!(
        tls.iter()
            .any(|t| t.starts_with(&format!("{debug}:9 TLS certificate verification is disabled"))),
        "{tls:#?}"
    );
    assert!(
        tls.iter()
            .any(|t| t.starts_with(&format!("{debug}:13 TLS hostname verification is disabled"))),
        "{tls:#?}"
    );
    // checkClientTrusted (line 8) being empty is not the problem.
    assert!(
        !tls.iter().any(|t| t.starts_with(&format!("{debug}:8 "))),
        "{tls:#?}"
    );
}

#[test]
fn kotlin_hardcoded_endpoints_are_reported_where_written() {
    let report = scan_json(&["fixtures/android-app"]);
    let hard = located(&report, "egress/hardcoded-endpoint");
    let at = |loc: &str| hard.iter().any(|t| t.starts_with(loc));
    assert!(at(&format!("{NET}/ApiConfig.kt:5 ")), "{hard:#?}");
    assert!(at(&format!("{NET}/ApiConfig.kt:10 ")), "{hard:#?}");
    // Reached through a constant: reported at the constant, not the call.
    assert!(!at(&format!("{NET}/ApiClient.kt:")), "{hard:#?}");
}

#[test]
fn kotlin_parse_errors_keep_recovered_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Broken.kt"),
        r#"import okhttp3.Request

class Broken {
    fun ok(apiKey: String) = Request.Builder()
        .url("https://api.example-tts.com/v1/speak?key=$apiKey")
        .build()

    fun broken( {
        val x = = 3
    }
}
"#,
    )
    .unwrap();
    let report = scan_json(&[dir.path().to_str().unwrap(), "--lang", "kotlin"]);
    let tokens = findings(&report, "egress/token-in-url");
    assert_eq!(tokens.len(), 1, "{report:#}");
    // Builder chains are reported where the chain starts.
    assert_eq!(tokens[0]["line"], 4);
    assert_eq!(report["calls"][0]["host"], "api.example-tts.com");
}

#[test]
fn json_snapshot_android_app() {
    let out = egress_scan()
        .args(["fixtures/android-app", "-f", "json"])
        .output()
        .unwrap();
    insta::assert_snapshot!("android_app_json", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn kotlin_real_code_false_positives_stay_fixed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dev.kt"),
        r#"import okhttp3.OkHttpClient
import okhttp3.Request

object Dev {
    const val METRO_HOST_PROP_NAME: String = "metro.host"

    fun log(call: okhttp3.Call): String = call.request().url().toString()

    fun fetch(client: OkHttpClient, url: String?) {
        val request = try {
            Request.Builder().url(requireNotNull(url)).build()
        } catch (e: IllegalArgumentException) {
            null
        }
        client.newCall(request!!).execute()
    }

    fun exec(): Process = Runtime.getRuntime().exec(arrayOf("/system/bin/getprop", METRO_HOST_PROP_NAME))
}
"#,
    )
    .unwrap();
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    let calls = call_lines(&report);
    // The `.url()` getter (line 7) and a non-network subprocess are not
    // calls; the builder (line 11) is the request `newCall` sends.
    assert_eq!(calls, vec!["Dev.kt:15 OkHttp {url}"], "{calls:#?}");
    // A property *name* under a host-like key is not an endpoint.
    assert!(report["endpoints"].as_array().unwrap().is_empty(), "{report:#}");
    assert!(findings(&report, "egress/subprocess-network").is_empty());
}

#[test]
fn kotlin_wrapped_calls_are_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Wrap.kt"),
        r#"import okhttp3.OkHttpClient
import okhttp3.Request

fun send(client: OkHttpClient, request: Request) = requireNotNull(client.newCall(request)).execute()
"#,
    )
    .unwrap();
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(report["calls"].as_array().unwrap().len(), 1, "{report:#}");
}

#[test]
fn okhttp_and_ktor_request_bodies_are_data_sent() {
    let report = scan_json(&["fixtures/android-app"]);
    let sent = |line: u64| -> Vec<String> {
        let call = report["calls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["file"] == format!("{NET}/PushRegistry.kt") && c["line"] == line)
            .unwrap_or_else(|| panic!("no call at PushRegistry.kt:{line} in {report:#}"));
        assert!(call["auth"].is_null(), "{call:#}");
        call["data_sent"]
            .as_array()
            .unwrap_or_else(|| panic!("no data_sent in {call:#}"))
            .iter()
            .map(|d| d.as_str().unwrap().to_string())
            .collect()
    };
    // `JSONObject().put(…)` sent as `json.toString().toRequestBody(type)`.
    assert_eq!(
        sent(22),
        ["deviceId (device identifier)", "fcmToken (push token)"]
    );
    // `FormBody.Builder().add(…).build()`.
    assert_eq!(sent(28), ["email (personal data)", "text (message text)"]);
    // `val event = JSONObject(); event.put(…)` statements.
    assert_eq!(sent(38), ["campaignId", "opened"]);
    // Ktor `setBody(Registration(deviceId = …))` in the request lambda.
    assert_eq!(
        sent(42),
        ["deviceId (device identifier)", "fcmToken (push token)", "locale"]
    );
    // Ktor `setBody(body)` with `val body = mapOf("event" to name, …)`.
    assert_eq!(sent(49), ["event (telemetry)", "platform"]);
}

/// `client.newCall(Request.Builder().url(u).build())`: one request, to `u`;
/// the builder link folds into the sending call.
#[test]
fn an_inline_okhttp_request_is_one_call_with_its_url() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Sync.kt"),
        r#"import okhttp3.OkHttpClient
import okhttp3.Request

class Sync(private val client: OkHttpClient) {
    fun pull(id: String) {
        client.newCall(Request.Builder().url("https://sync.acme-notes.io/v2/notes/$id").build()).execute()
    }
}
"#,
    )
    .unwrap();
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(
        call_lines(&report),
        vec!["Sync.kt:6 OkHttp https://sync.acme-notes.io/v2/notes/{id}"]
    );
}
