//! The prefilter never hides a result: every fixture scanned with and without
//! it gives the same report, apart from the counters that say how many files
//! the prefilter skipped.

use crate::common::{fixture, scan_json, strings};

/// The report without the two counters that legitimately differ.
fn comparable(mut report: serde_json::Value) -> serde_json::Value {
    let stats = report["stats"].as_object_mut().expect("stats");
    stats.remove("files_without_triggers");
    stats.remove("files_parsed");
    report
}

/// Scans `root` with the prefilter, checks that the report is the one
/// without it, and returns it.
fn scan_same_without_prefilter(root: &str) -> serde_json::Value {
    let a = scan_json(&["scan", root]);
    let b = scan_json(&["scan", root, "--no-prefilter"]);
    assert_eq!(
        comparable(a.clone()),
        comparable(b),
        "prefilter changes the report of {root}"
    );
    a
}

fn fixture_roots() -> Vec<String> {
    let mut roots: Vec<String> = std::fs::read_dir(fixture(""))
        .expect("fixtures/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| format!("fixtures/{}", e.file_name().to_string_lossy()))
        .collect();
    roots.sort();
    roots
}

#[test]
fn prefilter_does_not_change_any_fixture_report() {
    let roots = fixture_roots();
    assert!(roots.len() >= 5, "fixtures found: {roots:?}");
    for root in roots {
        // With test folders: every source file of the fixture.
        let a = comparable(scan_json(&["scan", &root, "--include-tests"]));
        let b = comparable(scan_json(&["scan", &root, "--include-tests", "--no-prefilter"]));
        assert_eq!(a, b, "prefilter changes the report of {root}");
    }
}

#[test]
fn prefilter_keeps_wrapper_call_sites_without_trigger_words() {
    let root = "tests/data/prefilter-wrapper";
    let a = scan_same_without_prefilter(root);
    // The call sites in orders.ts and reports.ts reach the wrappers defined
    // in backend.ts, although neither file names a network API.
    let files: Vec<String> = a["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .flat_map(|e| e["locations"].as_array().expect("locations").iter())
        .map(|l| l["file"].as_str().expect("file").to_string())
        .collect();
    for file in ["src/orders.ts", "src/reports.ts"] {
        assert!(files.iter().any(|f| f == file), "{file} in {files:?}");
    }
    assert_eq!(a["stats"]["files_seen"], 3);
}

/// Writes `files` (path, text) under a fresh folder of the test target dir.
fn project(name: &str, files: &[(&str, &str)]) -> String {
    let root = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("prefilter-{name}"));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
    root.display().to_string()
}

#[test]
fn generic_member_calls_are_not_triggers_by_themselves() {
    // `.get(`, `.send(`, `key` and `url` start identifier words in almost
    // every file; none of them makes a file parsed.
    let root = project(
        "weak-words",
        &[
            ("src/cache.ts", "export function lookup(map: Map<string, string>, key: string) {\n  const url = map.get(key);\n  return url;\n}\n"),
            ("src/queue.ts", "export function push(queue: { send(x: string): void }, session: string) {\n  queue.send(session);\n}\n"),
            ("src/api.ts", "import axios from \"axios\";\nexport const load = () => axios.get(\"https://api.example.com/v1/items\");\n"),
        ],
    );
    let a = scan_same_without_prefilter(&root);
    assert_eq!(a["stats"]["files_without_triggers"], 2, "{}", a["stats"]);
    assert_eq!(a["stats"]["files_parsed"], 1);
}

#[test]
fn imports_count_in_the_shape_a_file_writes_them() {
    // `request` and `http` are generic words; `require("http")` is an
    // import of a module the sink catalog names.
    let root = project(
        "import-shapes",
        &[
            ("src/get.js", "const http = require(\"http\");\nfunction ping(host) {\n  return http.get({ hostname: host, path: \"/health\" });\n}\nmodule.exports = { ping };\n"),
            ("src/names.js", "function request(items) { return items.length; }\nconst httpish = request([]);\nmodule.exports = { httpish };\n"),
        ],
    );
    let a = scan_same_without_prefilter(&root);
    assert_eq!(a["stats"]["files_without_triggers"], 1, "{}", a["stats"]);
    assert!(
        a["calls"]
            .as_array()
            .expect("calls")
            .iter()
            .any(|c| c["file"] == "src/get.js"),
        "{}",
        a["calls"]
    );
}

#[test]
fn generic_methods_of_a_client_class_reach_files_naming_the_class() {
    // `ApiClient.get` wraps `fetch`; `orders.ts` calls it through a
    // receiver sharing a word with the class, `labels.ts` calls an
    // unrelated `.get` and is not parsed.
    let root = project(
        "client-class",
        &[
            ("src/client.ts", "export class ApiClient {\n  constructor(private base: string) {}\n  get(path: string) {\n    return fetch(this.base + path);\n  }\n}\nexport const api = new ApiClient(\"https://shop.example.com\");\n"),
            ("src/orders.ts", "import { api } from \"./client\";\nexport function orders(id: string) {\n  return api.get(`/orders/${id}`);\n}\n"),
            ("src/labels.ts", "export function label(map: Map<string, string>, id: string) {\n  return map.get(id);\n}\n"),
        ],
    );
    let a = scan_same_without_prefilter(&root);
    assert_eq!(a["stats"]["files_without_triggers"], 1, "{}", a["stats"]);
}

#[test]
fn a_call_that_links_through_a_file_parsed_later_is_found() {
    // `PhotoLoader.setPicture` loads a URL with Glide. `Rows.bindPhoto`
    // reaches it through `Pictures.loader()`, whose return type only the
    // trigger-less `Pictures.kt` tells, and `Screen.kt` calls `bindPhoto`:
    // `Rows.kt` becomes a wrapper once `Pictures.kt` is parsed, a round
    // after it was, and only then is `Screen.kt` a call site.
    let root = project(
        "later-link",
        &[
            ("app/PhotoLoader.kt", "package app\n\nimport com.bumptech.glide.Glide\nimport android.widget.ImageView\n\nclass PhotoLoader {\n  fun setPicture(view: ImageView, url: String) {\n    Glide.with(view).load(url).into(view)\n  }\n}\n"),
            ("app/Pictures.kt", "package app\n\nobject Pictures {\n  fun loader(): PhotoLoader = PhotoLoader()\n}\n"),
            ("app/Rows.kt", "package app\n\nimport android.widget.ImageView\n\nobject Rows {\n  fun bindPhoto(view: ImageView, avatar: String) {\n    Pictures.loader().setPicture(view, avatar)\n  }\n}\n"),
            ("app/Screen.kt", "package app\n\nimport android.widget.ImageView\n\nclass Screen(private val view: ImageView) {\n  fun show(profileImage: String) {\n    Rows.bindPhoto(view, profileImage)\n  }\n}\n"),
        ],
    );
    let a = scan_same_without_prefilter(&root);
    let files = strings(&a, "calls", "file");
    assert!(files.contains(&"app/Screen.kt"), "{files:?}");
}
