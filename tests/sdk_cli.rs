//! Library code as npm ships it, over `fixtures/sdk-dist`: compiled
//! CommonJS, an injectable fetch, and Kotlin's two-step `openConnection`.

use crate::common::{call_lines, scan_json};

#[test]
fn compiled_commonjs_calls_match_their_package() {
    let calls = call_lines(&scan_json(&["fixtures/sdk-dist"]));
    for expected in [
        // tsc: `axios_1.default.get(…)` and `(0, axios_1.default)(…)`.
        "lib/index.js:14 axios https://api.acme-cloud.io/v2/projects",
        "lib/index.js:20 axios https://status.acme-cloud.io/ping",
        // esbuild: `(0, import_undici.request)(…)`.
        "lib/strategies/undiciRequest.js:4 undici {url}",
    ] {
        assert!(
            calls.contains(&expected.to_string()),
            "{expected} not in {calls:#?}"
        );
    }
}

#[test]
fn an_injectable_fetch_is_a_call_and_local_reads_are_not() {
    let calls = call_lines(&scan_json(&["fixtures/sdk-dist"]));
    assert!(
        calls.contains(&"lib/fetch-client.js:10 fetch https://api.acme-cloud.io/v2{path}".to_string()),
        "{calls:#?}"
    );
    // `fetch("data:,")` and the store's own `fetch(id)` method.
    let others: Vec<&String> = calls
        .iter()
        .filter(|c| c.starts_with("lib/fetch-client.js") && !c.starts_with("lib/fetch-client.js:10 "))
        .collect();
    assert!(others.is_empty(), "{others:#?}");
    // REST resources' own `fetch` methods (`this._proxy.fetch(cb)`).
    let resources: Vec<&String> = calls.iter().filter(|c| c.starts_with("lib/rest/")).collect();
    assert!(resources.is_empty(), "{resources:#?}");
}

#[test]
fn kotlin_url_connections_carry_their_url() {
    let calls = call_lines(&scan_json(&["fixtures/sdk-dist"]));
    let kotlin = "android/src/main/java/io/acme/sdk/ImageLoader.kt";
    for expected in [
        // `val url = URL(imageUrl); url.openConnection()`.
        format!("{kotlin}:11 HttpURLConnection {{imageUrl}}"),
        format!("{kotlin}:17 HttpURLConnection https://cdn.acme-cloud.io/logo.png"),
    ] {
        assert!(calls.contains(&expected), "{expected} not in {calls:#?}");
    }
}

#[test]
fn a_callable_client_instance_sends_its_config_url() {
    let calls = call_lines(&scan_json(&["fixtures/sdk-dist"]));
    // `this.axios = axios.create({ baseURL }); this.axios(options)`.
    assert!(
        calls.contains(&"lib/request-client.js:11 axios https://api.acme-cloud.io/{opts.uri}".to_string()),
        "{calls:#?}"
    );
}

#[test]
fn a_retry_of_the_sent_request_is_not_response_input() {
    let report = scan_json(&["fixtures/sdk-dist"]);
    // `axios(res.config)` re-sends the request's own config.
    let ssrf = crate::common::findings(&report, "egress/unvalidated-url-fetch");
    assert!(ssrf.is_empty(), "{ssrf:#?}");
    let calls = call_lines(&report);
    assert!(
        calls.contains(&"lib/request-client.js:21 axios {res.config}".to_string()),
        "{calls:#?}"
    );
}

#[test]
fn android_webview_and_download_manager_are_calls() {
    let calls = call_lines(&scan_json(&["fixtures/sdk-dist"]));
    let kotlin = "android/src/main/java/io/acme/sdk/HelpCenterView.kt";
    for expected in [
        format!("{kotlin}:12 Android WebView https://help.acme-cloud.io/articles/{{article}}"),
        // `DownloadManager.Request(Uri.parse(url))`.
        format!("{kotlin}:16 DownloadManager {{url}}"),
    ] {
        assert!(calls.contains(&expected), "{expected} not in {calls:#?}");
    }
}

#[test]
fn xhr_with_a_runtime_method_is_a_call() {
    let calls = call_lines(&scan_json(&["fixtures/sdk-dist"]));
    assert!(
        calls.contains(&"lib/polling-xhr.js:10 XMLHttpRequest {uri}".to_string()),
        "{calls:#?}"
    );
}

#[test]
fn module_declaration_files_are_not_scanned() {
    let report = scan_json(&["fixtures/sdk-dist"]);
    // lib/index.d.mts is type declarations only: every other source file
    // of the fixture is seen, that one is not.
    let sources = walk_sources(&crate::common::fixture("sdk-dist"));
    assert!(sources.iter().any(|p| p.ends_with(".d.mts")), "{sources:?}");
    let expected = sources.iter().filter(|p| !p.ends_with(".d.mts")).count();
    assert_eq!(report["stats"]["files_seen"], expected, "{:#}", report["stats"]);
}

/// Files of `dir` in the languages egress-scan reads, recursively.
fn walk_sources(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk_sources(&path));
        } else {
            let name = path.to_string_lossy().into_owned();
            if [".ts", ".mts", ".js", ".kt", ".java", ".swift"]
                .iter()
                .any(|e| name.ends_with(e))
            {
                out.push(name);
            }
        }
    }
    out
}

#[test]
fn source_files_in_other_languages_are_counted_and_reported() {
    let report = scan_json(&["fixtures/sdk-dist"]);
    assert_eq!(
        report["stats"]["not_analysed"],
        serde_json::json!({"Objective-C": 1}),
        "{:#}",
        report["stats"]
    );
    let out = crate::common::egress_scan()
        .args(["fixtures/sdk-dist", "-f", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("**Not analysed:** 1 Objective-C source files."),
        "{md}"
    );
    let out = crate::common::egress_scan()
        .arg("fixtures/sdk-dist")
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("Not analysed (languages egress-scan does not read): 1 Objective-C files."),
        "{table}"
    );
}

#[test]
fn ktor_requests_are_calls_and_map_lookups_are_not() {
    let calls = call_lines(&scan_json(&["fixtures/sdk-dist"]));
    let kotlin = "android/src/main/java/io/acme/sdk/ProjectSync.kt";
    let here: Vec<&String> = calls.iter().filter(|c| c.starts_with(kotlin)).collect();
    // `etags.get(id)` and `response.headers.get("ETag")` are not requests.
    assert_eq!(
        here,
        vec![&format!(
            "{kotlin}:13 Ktor https://api.acme-cloud.io/v2/projects/{{projectId}}/changes"
        )]
    );
}

#[test]
fn a_one_word_method_is_not_linked_to_a_wrapper_by_name_alone() {
    let calls = call_lines(&scan_json(&["fixtures/sdk-dist"]));
    let kotlin = "android/src/main/java/io/acme/sdk/AttachmentDownload.kt";
    let here: Vec<&String> = calls.iter().filter(|c| c.starts_with(kotlin)).collect();
    // The download itself; `continuation.resume(value)` is not a request.
    assert_eq!(here, vec![&format!("{kotlin}:12 OkHttp {{url}}")]);
}
