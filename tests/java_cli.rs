//! Java support over `fixtures/java-android` (a Java and Kotlin Android
//! app) and inline snippets: the JVM sinks, the rules, and wrappers across
//! the two languages of one module.

use crate::common::{call_lines, egress_scan, findings, located, scan_json};

const APP: &str = "app/src/main/java/com/acme/fieldnotes";

fn call<'a>(report: &'a serde_json::Value, file: &str, line: u64) -> &'a serde_json::Value {
    report["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["file"] == file && c["line"] == line)
        .unwrap_or_else(|| panic!("no call at {file}:{line} in {:#?}", call_lines(report)))
}

/// Writes `files` (path, text) into a fresh temporary folder.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn java_network_calls_are_found() {
    let report = scan_json(&["fixtures/java-android"]);
    let calls = call_lines(&report);
    let want = [
        format!("{APP}/net/AssetDownloader.java:12 HttpURLConnection https://cdn.fieldnotes.example-cloud.io/assets/{{assetPath}}"),
        format!("{APP}/net/AssetDownloader.java:18 HttpURLConnection http://tiles.legacymaps-cdn.io/{{zoom}}/{{x}}/{{y}}.png"),
        format!("{APP}/net/HttpHelper.java:30 OkHttp https://api.fieldnotes.example-cloud.io/v3{{path}}"),
        format!("{APP}/net/Backend.java:11 Retrofit https://api.fieldnotes.example-cloud.io/v3/"),
        format!("{APP}/net/NotesApi.java:15 Retrofit https://api.fieldnotes.example-cloud.io/v3/notes/{{id}}"),
        format!("{APP}/lan/PeerAdvertiser.java:23 NsdManager dns-sd:_fieldnotes._tcp"),
    ];
    for w in &want {
        assert!(calls.contains(w), "missing {w} in {calls:#?}");
    }
    // One request is one call: the builder on line 22 is what line 25 sends.
    assert!(
        !calls
            .iter()
            .any(|c| c.starts_with(&format!("{APP}/net/HttpHelper.java:22 "))),
        "{calls:#?}"
    );
    assert_eq!(report["stats"]["files_skipped"]["parse_error"], 0);
}

#[test]
fn kotlin_calls_a_java_helper_and_java_calls_kotlin_wrappers() {
    let report = scan_json(&["fixtures/java-android"]);
    // Kotlin → Java: `HttpHelper.postJson(ApiConfig.BASE_URL + …)`, with the
    // Java constant resolved.
    let push = call(&report, &format!("{APP}/sync/SyncWorker.kt"), 9);
    assert_eq!(
        push["url"],
        "https://api.fieldnotes.example-cloud.io/v3/sync/notes"
    );
    assert_eq!(push["via"], serde_json::json!(["HttpHelper.postJson", "OkHttp"]));
    let pull = call(&report, &format!("{APP}/sync/SyncWorker.kt"), 12);
    assert_eq!(pull["via"], serde_json::json!(["HttpHelper.getText", "OkHttp"]));
    // Java → Kotlin: an `object`'s method through `INSTANCE`, and a
    // top-level function through its file class.
    let event = call(&report, &format!("{APP}/ui/NoteScreen.java"), 9);
    assert_eq!(
        event["url"],
        "https://events.fieldnotes-analytics.example.com/v1/screens/note"
    );
    assert_eq!(event["via"], serde_json::json!(["Telemetry.sendEvent", "OkHttp"]));
    let crash = call(&report, &format!("{APP}/ui/NoteScreen.java"), 13);
    assert_eq!(
        crash["url"],
        "https://crash.fieldnotes-analytics.example.com/v1/reports"
    );
    assert_eq!(crash["via"], serde_json::json!(["uploadCrashReport", "OkHttp"]));
}

#[test]
fn java_retrofit_interface_routes_carry_the_client_auth_and_body_fields() {
    let report = scan_json(&["fixtures/java-android"]);
    let create = call(&report, &format!("{APP}/net/NotesApi.java"), 18);
    assert_eq!(create["url"], "https://api.fieldnotes.example-cloud.io/v3/notes");
    // The interceptor of the OkHttp client adds the bearer token.
    assert_eq!(
        create["auth"],
        "Bearer in Authorization header (set by the Retrofit client's request hooks)"
    );
    // `@Body Note note`: the fields of the project's `Note`.
    assert_eq!(
        create["data_sent"],
        serde_json::json!([
            "title",
            "body (message text)",
            "latitude (location)",
            "longitude (location)"
        ])
    );
}

#[test]
fn java_findings() {
    let report = scan_json(&["fixtures/java-android"]);
    let tokens = located(&report, "egress/token-in-url");
    for want in [
        format!("{APP}/net/HttpHelper.java:38 Credential `accessToken` is placed in the URL query"),
        format!("{APP}/net/NotesApi.java:22 Credential `apiKey` is placed in the URL query"),
    ] {
        assert!(
            tokens.iter().any(|t| t.starts_with(&want)),
            "{want} in {tokens:#?}"
        );
    }
    assert_eq!(tokens.len(), 2, "{tokens:#?}");

    let tls = located(&report, "egress/insecure-transport");
    for want in [
        format!("{APP}/debug/UnsafeTls.java:18 TLS certificate verification is disabled"),
        format!("{APP}/debug/UnsafeTls.java:30 TLS hostname verification is disabled"),
        format!("{APP}/net/AssetDownloader.java:18 Plaintext http to tiles.legacymaps-cdn.io"),
    ] {
        assert!(tls.iter().any(|t| t.starts_with(&want)), "{want} in {tls:#?}");
    }
    // The empty `checkClientTrusted` (line 16) is not the problem.
    assert_eq!(tls.len(), 3, "{tls:#?}");

    let lan = located(&report, "egress/lan-discovery");
    assert_eq!(
        lan,
        [
            format!("{APP}/lan/PeerAdvertiser.java:23 Bonjour/mDNS: NsdManager advertises `_fieldnotes._tcp` on the local network; TXT record keys: owner, appVersion"),
            format!("{APP}/lan/PeerAdvertiser.java:27 Bonjour/mDNS: NsdManager browses for `_fieldnotes._tcp` on the local network"),
        ]
    );
}

#[test]
fn java_test_sources_are_excluded_unless_asked_for() {
    let staging = "staging.fieldnotes.example-cloud.io";
    let report = scan_json(&["fixtures/java-android"]);
    assert!(!report["endpoints"].to_string().contains(staging));
    let with_tests = scan_json(&["fixtures/java-android", "--include-tests"]);
    assert!(with_tests["endpoints"].to_string().contains(staging));
}

#[test]
fn java_fixture_report_is_the_same_without_the_prefilter() {
    let comparable = |args: &[&str]| {
        let mut report = scan_json(args);
        let stats = report["stats"].as_object_mut().unwrap();
        stats.remove("files_without_triggers");
        stats.remove("files_parsed");
        report
    };
    let a = comparable(&["fixtures/java-android", "--include-tests"]);
    let b = comparable(&["fixtures/java-android", "--include-tests", "--no-prefilter"]);
    assert_eq!(a, b);
    let markdown = |extra: &[&str]| {
        let out = egress_scan()
            .args(["fixtures/java-android", "-f", "markdown"])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let (with, without) = (markdown(&[]), markdown(&["--no-prefilter"]));
    // The markdown states how many files were parsed; nothing else differs.
    let strip = |md: &str| -> String {
        md.lines()
            .filter(|l| !l.contains("parsed"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&with), strip(&without));
}

#[test]
fn json_snapshot_java_android() {
    let out = egress_scan()
        .args(["fixtures/java-android", "-f", "json"])
        .output()
        .unwrap();
    insta::assert_snapshot!("java_android_json", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn kotlin_constants_reach_java_and_java_constants_reach_kotlin() {
    let dir = project(&[
        (
            "src/Hosts.kt",
            "package acme\n\nobject Hosts {\n    const val API = \"https://api.mixed-module.io/v1\"\n}\n",
        ),
        (
            "src/Config.java",
            "package acme;\n\npublic final class Config {\n    public static final String UPLOADS = \"https://uploads.mixed-module.io\";\n}\n",
        ),
        (
            "src/Client.java",
            "package acme;\n\nimport okhttp3.OkHttpClient;\nimport okhttp3.Request;\n\nclass Client {\n    private final OkHttpClient http = new OkHttpClient();\n\n    void me() throws Exception {\n        http.newCall(new Request.Builder().url(Hosts.API + \"/me\").build()).execute();\n    }\n}\n",
        ),
        (
            "src/Uploader.kt",
            "package acme\n\nimport java.net.URL\n\nfun upload(name: String) = URL(Config.UPLOADS + \"/files/\" + name).openConnection()\n",
        ),
    ]);
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    let calls = call_lines(&report);
    assert!(
        calls.contains(&"src/Client.java:10 OkHttp https://api.mixed-module.io/v1/me".to_string()),
        "{calls:#?}"
    );
    assert!(
        calls.contains(
            &"src/Uploader.kt:5 HttpURLConnection https://uploads.mixed-module.io/files/{name}".to_string()
        ),
        "{calls:#?}"
    );
}

#[test]
fn java_calls_a_kotlin_companion_method() {
    let dir = project(&[
        (
            "src/ApiClient.kt",
            "package acme\n\nimport okhttp3.OkHttpClient\nimport okhttp3.Request\n\nclass ApiClient {\n    companion object {\n        private val http = OkHttpClient()\n\n        @JvmStatic\n        fun get(path: String) = http.newCall(Request.Builder().url(\"https://api.companion-kt.io$path\").build()).execute()\n    }\n}\n",
        ),
        (
            "src/Screen.java",
            "package acme;\n\nclass Screen {\n    void load() {\n        ApiClient.Companion.get(\"/v1/profile\");\n    }\n}\n",
        ),
    ]);
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    let calls = call_lines(&report);
    assert!(
        calls.contains(&"src/Screen.java:5 OkHttp https://api.companion-kt.io/v1/profile".to_string()),
        "{calls:#?}"
    );
}

#[test]
fn a_java_retrofit_dynamic_url_takes_the_callers_argument() {
    let dir = project(&[(
        "Files.java",
        r#"import okhttp3.ResponseBody;
import retrofit2.Call;
import retrofit2.Retrofit;
import retrofit2.http.GET;
import retrofit2.http.Url;

interface FilesApi {
    @GET
    Call<ResponseBody> download(@Url String fileUrl);
}

class Files {
    private final FilesApi api = new Retrofit.Builder().baseUrl("https://files.retro-java.io/").build().create(FilesApi.class);

    void terms() {
        api.download("https://cdn.retro-java.io/terms.pdf");
    }
}
"#,
    )]);
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(
        call_lines(&report),
        [
            "Files.java:13 Retrofit https://files.retro-java.io/",
            "Files.java:16 Retrofit https://cdn.retro-java.io/terms.pdf",
        ]
    );
}

#[test]
fn lang_java_selects_java_files_only() {
    let dir = project(&[
        (
            "A.java",
            "import okhttp3.Request;\nclass A { Request r = new Request.Builder().url(\"https://a.java-only.io/x\").build(); }\n",
        ),
        (
            "B.kt",
            "import okhttp3.Request\nval r = Request.Builder().url(\"https://b.kotlin-only.io/x\").build()\n",
        ),
    ]);
    let root = dir.path().to_str().unwrap();
    let java = scan_json(&[root, "--lang", "java"]);
    let hosts = java["endpoints"].to_string();
    assert!(
        hosts.contains("a.java-only.io") && !hosts.contains("b.kotlin-only.io"),
        "{hosts}"
    );
    let kotlin = scan_json(&[root, "--lang", "kotlin"]);
    let hosts = kotlin["endpoints"].to_string();
    assert!(
        !hosts.contains("a.java-only.io") && hosts.contains("b.kotlin-only.io"),
        "{hosts}"
    );
    // Java is analysed, so it is no longer listed as out of reach.
    let all = scan_json(&[root]);
    assert!(!all.to_string().contains("\"Java\""), "{all:#}");
}

#[test]
fn broken_binary_and_deep_java_files_never_stop_the_scan() {
    let depth = 3_000;
    let dir = project(&[
        (
            "Broken.java",
            "import okhttp3.Request;\n\nclass Broken {\n    Request ok(String apiKey) {\n        return new Request.Builder().url(\"https://api.broken-java.io/v1/speak?key=\" + apiKey).build();\n    }\n\n    void broken( {\n        int x = = 3;\n    }\n",
        ),
        ("Deep.java", ""),
        ("Ok.java", "import okhttp3.Request;\nclass Ok { Request r = new Request.Builder().url(\"https://ok.after-hostile.io/x\").build(); }\n"),
    ]);
    let deep = format!(
        "class Deep {{\n    String s = {};\n    Object o = {}1{};\n}}\n",
        vec!["\"a\""; depth].join(" +\n"),
        "f(\n".repeat(depth),
        ")\n".repeat(depth)
    );
    std::fs::write(dir.path().join("Deep.java"), deep).unwrap();
    let mut binary: Vec<u8> = b"class Bin { String u = \"https://bin.hostile-java.io/\"; }\n".to_vec();
    binary.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
    std::fs::write(dir.path().join("Bin.java"), binary).unwrap();
    std::fs::write(
        dir.path().join("Latin1.java"),
        b"class L { String s = \"caf\xe9\"; }\n".as_slice(),
    )
    .unwrap();
    let report = scan_json(&[dir.path().to_str().unwrap()]);
    let tokens = findings(&report, "egress/token-in-url");
    assert_eq!(tokens.len(), 1, "{report:#}");
    assert_eq!(tokens[0]["file"], "Broken.java");
    assert!(report["endpoints"].to_string().contains("ok.after-hostile.io"));
}
