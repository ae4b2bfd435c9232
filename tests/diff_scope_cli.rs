//! A diff reads only the changed files and their neighbours (issue #17):
//! on a history whose changes each depend on unchanged code (a wrapper, an
//! exported constant, a service or module already talked to elsewhere,
//! a configured server), the scoped diff must say what `--whole` says, and
//! read a small part of the tree.

use serde_json::Value;

use super::Repo;

/// Unrelated code: what most files of a real repository are.
fn filler(i: usize) -> String {
    format!(
        "export function helper{i}(a: number, b: number): number {{\n  const values = [a, b].map((v) => v * {i});\n  return values.reduce((s, v) => s + v, 0);\n}}\n"
    )
}

const HTTP: &str = "import { API } from \"./config\";\n\nexport async function apiPost(path: string, body: unknown) {\n  return fetch(`${API}${path}`, { method: \"POST\", body: JSON.stringify(body) });\n}\n";
const CONFIG_V1: &str = "export const API = \"https://api.shop.example\";\n";
const CONFIG_V2: &str = "export const API = \"https://api.shop-eu.example\";\n";
const ORDERS: &str = "import { apiPost } from \"./http\";\n\nexport async function placeOrder(orderId: string, amount: number) {\n  return apiPost(\"/orders\", { orderId, amount });\n}\n";
const ALERTS: &str = "import { WebClient } from \"@slack/web-api\";\n\nconst slack = new WebClient(process.env.SLACK_TOKEN);\n\nexport async function alert(text: string) {\n  await slack.chat.postMessage({ channel: \"#alerts\", text });\n}\n";
const NOTIFY: &str = "import { WebClient } from \"@slack/web-api\";\n\nconst client = new WebClient(process.env.SLACK_BOT);\n\nexport async function notifySales(text: string, user: string) {\n  await client.chat.postMessage({ channel: \"#sales\", text, user });\n}\n";
const STATUS: &str =
    "export async function status() {\n  return fetch(\"https://status.vendor-one.example/health\");\n}\n";
const PING: &str =
    "export async function ping() {\n  return fetch(\"https://ping.vendor-two.example/up\");\n}\n";

/// A server the user configures, called from several files.
fn server_call(name: &str) -> String {
    format!(
        "import {{ settings }} from \"./settings\";\n\nexport async function {name}(id: string) {{\n  return fetch(`${{settings.serverUrl}}/api/v4/{name}/${{id}}`);\n}}\n"
    )
}

fn history() -> Repo {
    let repo = Repo::new();
    for i in 0..60 {
        repo.write(&format!("src/util/u{i}.ts"), &filler(i));
    }
    repo.write("src/shop/config.ts", CONFIG_V1);
    repo.write("src/shop/http.ts", HTTP);
    repo.write("src/shop/orders.ts", ORDERS);
    repo.write("src/ops/alerts.ts", ALERTS);
    repo.write("src/net/status.ts", STATUS);
    repo.write(
        "src/chat/settings.ts",
        "export const settings = { serverUrl: process.env.SERVER_URL ?? \"\" };\n",
    );
    for name in ["users", "rooms", "messages", "files", "emoji"] {
        repo.write(&format!("src/chat/{name}.ts"), &server_call(name));
    }
    repo.commit("base");
    // A new caller of an unchanged wrapper.
    repo.write(
        "src/shop/checkout.ts",
        "import { apiPost } from \"./http\";\n\nexport async function checkout(cartId: string) {\n  return apiPost(\"/checkout\", { cartId });\n}\n",
    );
    repo.commit("wrapper");
    // An exported constant that unchanged importers build URLs from.
    repo.write("src/shop/config.ts", CONFIG_V2);
    repo.commit("constant");
    // A second integration with a service an unchanged file already uses.
    repo.write("src/sales/notify.ts", NOTIFY);
    repo.commit("service");
    // A new unknown host in a module that already calls one.
    repo.write("src/net/ping.ts", PING);
    repo.commit("module");
    // A sixth call to the configured server.
    repo.write("src/chat/threads.ts", &server_call("threads"));
    repo.commit("server");
    repo
}

/// The diff without what only `--whole` can count: unchanged findings
/// (of the files read) and the work done.
fn comparable(mut d: Value) -> Value {
    d["summary"]["unchanged_findings"] = Value::Null;
    d["files"] = Value::Null;
    d
}

fn change_of<'a>(d: &'a Value, title: &str) -> &'a str {
    d["communications"]
        .as_array()
        .expect("communications")
        .iter()
        .find(|c| c["title"] == title)
        .and_then(|c| c["change"].as_str())
        .unwrap_or_else(|| panic!("no change of {title}: {d:#}"))
}

#[test]
fn a_scoped_diff_says_what_the_whole_diff_says_and_reads_less() {
    let repo = history();
    let steps = ["base", "wrapper", "constant", "service", "module", "server"];
    for pair in steps.windows(2) {
        let scoped = repo.diff_json(&[pair[0], pair[1]]);
        let whole = repo.diff_json(&[pair[0], pair[1], "--whole"]);
        let files = &scoped["files"];
        let analysed = files["analysed"]
            .as_u64()
            .unwrap_or_else(|| panic!("{pair:?} read the whole tree: {files:#}"));
        assert!(
            analysed * 4 < files["head"].as_u64().expect("head files"),
            "{pair:?}: {files:#}"
        );
        assert!(whole["files"].get("analysed").is_none(), "{:#}", whole["files"]);
        assert_eq!(comparable(scoped), comparable(whole), "{pair:?}");
    }
}

#[test]
fn unchanged_files_decide_whether_a_destination_is_new() {
    let repo = history();
    let d = repo.diff_json(&["wrapper", "constant"]);
    let hosts: Vec<&str> = d["added_hosts"]
        .as_array()
        .expect("hosts")
        .iter()
        .filter_map(|h| h["host"].as_str())
        .collect();
    assert_eq!(
        hosts,
        ["api.shop-eu.example"],
        "importers of the constant are read: {d:#}"
    );
    let d = repo.diff_json(&["constant", "service"]);
    assert_eq!(
        change_of(&d, "Slack"),
        "changed",
        "src/ops/alerts.ts already talks to Slack: {d:#}"
    );
    let d = repo.diff_json(&["service", "module"]);
    assert_eq!(change_of(&d, "Other hosts called from net"), "changed", "{d:#}");
    let d = repo.diff_json(&["module", "server"]);
    let server = d["communications"][0]["title"].as_str().expect("title");
    assert_eq!(change_of(&d, server), "changed", "{d:#}");
}

#[test]
fn a_scoped_diff_is_the_same_with_a_cold_and_a_warm_cache() {
    let repo = history();
    let cache = tempfile::tempdir().expect("cache dir");
    let cold = repo.diff_with_cache("base", "constant", cache.path(), &[]);
    let warm = repo.diff_with_cache("base", "constant", cache.path(), &[]);
    let uncached = repo.diff_with_cache("base", "constant", cache.path(), &["--no-cache"]);
    assert_eq!(String::from_utf8_lossy(&cold), String::from_utf8_lossy(&warm));
    assert_eq!(String::from_utf8_lossy(&cold), String::from_utf8_lossy(&uncached));
    let d: Value = serde_json::from_slice(&warm).expect("JSON");
    assert!(d["files"]["analysed"].is_u64(), "{:#}", d["files"]);
    assert!(
        cache.path().read_dir().expect("cache").next().is_some(),
        "the cache was written"
    );
}

#[test]
fn a_change_to_no_source_file_indexes_no_blob() {
    let repo = history();
    repo.write(
        "README.md",
        "# Shop\n\nCalls https://api.other.example for nothing.\n",
    );
    repo.write(
        "src/shop/orders.test.ts",
        "test(\"orders\", async () => { await fetch(\"https://api.test.example/orders\"); });\n",
    );
    repo.commit("docs");
    let scoped = repo.diff_json(&["server", "docs"]);
    let whole = repo.diff_json(&["server", "docs", "--whole"]);
    assert_eq!(scoped["files"]["analysed"], 0, "{:#}", scoped["files"]);
    assert_eq!(comparable(scoped), comparable(whole));
    let out = super::egress_scan()
        .args(["diff", "server", "docs", "-f", "json", "--timings", "--repo"])
        .arg(repo.path())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("read trees"), "{stderr}");
    assert!(!stderr.contains("scope"), "no blob is indexed: {stderr}");
}
