//! `egress-scan diff` over git repositories built in temp dirs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::{egress_scan, files_with_mtimes};

struct Repo {
    _dir: tempfile::TempDir,
    /// The work tree: the temp dir, or a folder inside it.
    root: PathBuf,
}

impl Repo {
    fn new() -> Repo {
        Repo::inside("")
    }

    /// A repository whose work tree is the folder `sub` of a temp dir.
    fn inside(sub: &str) -> Repo {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join(sub);
        std::fs::create_dir_all(&root).expect("mkdir");
        let repo = Repo { _dir: dir, root };
        repo.git(&["init", "-q"]);
        repo
    }

    fn path(&self) -> &Path {
        &self.root
    }

    fn git(&self, args: &[&str]) -> String {
        crate::common::git(self.path(), args)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn commit(&self, tag: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", tag]);
        self.git(&["tag", tag]);
    }

    /// Runs `diff` with extra args; returns (exit code, stdout).
    fn diff(&self, args: &[&str]) -> (i32, String) {
        let out = egress_scan()
            .arg("diff")
            .args(args)
            .arg("--repo")
            .arg(self.path())
            .output()
            .expect("runs");
        let code = out.status.code().expect("exit code");
        assert!(code == 0 || code == 1, "{}", String::from_utf8_lossy(&out.stderr));
        (code, String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// `diff BASE HEAD -f json` with the facts cache in `cache`.
    fn diff_with_cache(&self, base: &str, head: &str, cache: &Path, extra: &[&str]) -> Vec<u8> {
        let out = egress_scan()
            .args(["diff", base, head, "-f", "json", "--repo"])
            .arg(self.path())
            .args(extra)
            .env("EGRESS_SCAN_CACHE_DIR", cache)
            .output()
            .expect("runs");
        assert!(matches!(out.status.code(), Some(0 | 1)));
        out.stdout
    }

    fn diff_json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["-f", "json"]);
        serde_json::from_str(&self.diff(&all).1).expect("valid JSON")
    }
}

const CONFIG_V1: &str = "export const API_BASE = \"https://api.one.example\";\n";
const CLIENT: &str = "import { API_BASE } from \"./config\";\n\nexport async function listItems() {\n  return fetch(`${API_BASE}/v1/items`);\n}\n";
const BOT_TOKEN: &str = "export async function notify(token: string, text: string) {\n  return fetch(`https://api.telegram.org/bot${token}/sendMessage?text=${text}`);\n}\n";
const BOT_FIXED: &str = "export async function notify(token: string, text: string) {\n  return fetch(\"https://api.chat.example/send\", { method: \"POST\", headers: { Authorization: `Bearer ${token}` }, body: text });\n}\n";

fn base_repo() -> Repo {
    let repo = Repo::new();
    repo.write("src/config.ts", CONFIG_V1);
    repo.write("src/client.ts", CLIENT);
    repo.write("src/bot.ts", BOT_TOKEN);
    repo.write(
        "src/util.ts",
        "export function add(a: number, b: number) {\n  return a + b;\n}\n",
    );
    repo.commit("v1");
    repo
}

fn urls(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|e| e["url"].as_str().expect("url").to_string())
        .collect()
}

fn hosts(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|e| e["host"].as_str().expect("host").to_string())
        .collect()
}

fn rules(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|f| f["rule_id"].as_str().expect("rule").to_string())
        .collect()
}

#[test]
fn endpoint_added_and_removed() {
    let repo = base_repo();
    repo.write(
        "src/client.ts",
        "export async function listItems() {\n  return fetch(\"https://api.two.example/v2/items\");\n}\n",
    );
    repo.commit("v2");
    let d = repo.diff_json(&["v1", "v2"]);
    assert_eq!(urls(&d["added_endpoints"]), ["https://api.two.example/v2/items"]);
    assert_eq!(
        urls(&d["removed_endpoints"]),
        ["https://api.one.example/v1/items"]
    );
    assert_eq!(hosts(&d["added_hosts"]), ["api.two.example"]);
    assert_eq!(hosts(&d["removed_hosts"]), ["api.one.example"]);
    assert_eq!(d["added_endpoints"][0]["locations"][0]["file"], "src/client.ts");
    assert_eq!(d["added_endpoints"][0]["locations"][0]["line"], 2);
    // The token-in-url finding in bot.ts is untouched.
    assert!(
        !rules(&d["new_findings"]).contains(&"egress/token-in-url".to_string()),
        "{d:#}"
    );
    assert!(
        !rules(&d["resolved_findings"]).contains(&"egress/token-in-url".to_string()),
        "{d:#}"
    );
    assert!(d["summary"]["unchanged_findings"].as_u64().expect("n") >= 1);
}

#[test]
fn token_in_url_introduced_then_fixed() {
    let repo = Repo::new();
    repo.write(
        "src/bot.ts",
        "export async function notify(text: string) {\n  return text;\n}\n",
    );
    repo.commit("clean");
    repo.write("src/bot.ts", BOT_TOKEN);
    repo.commit("leak");
    repo.write("src/bot.ts", BOT_FIXED);
    repo.commit("fixed");

    let d = repo.diff_json(&["clean", "leak"]);
    assert!(
        rules(&d["new_findings"]).contains(&"egress/token-in-url".to_string()),
        "{d:#}"
    );
    assert_eq!(d["summary"]["resolved_findings"], 0);
    let new = &d["new_findings"][0];
    assert_eq!(new["severity"], "high");
    assert_eq!(new["file"], "src/bot.ts");
    assert_eq!(new["line"], 2);
    assert_eq!(repo.diff(&["clean", "leak", "--fail-on", "high"]).0, 1);

    let d = repo.diff_json(&["leak", "fixed"]);
    assert!(
        rules(&d["resolved_findings"]).contains(&"egress/token-in-url".to_string()),
        "{d:#}"
    );
    assert!(!rules(&d["new_findings"]).contains(&"egress/token-in-url".to_string()));
    // --fail-on only counts new findings: the fix passes the gate.
    assert_eq!(repo.diff(&["leak", "fixed", "--fail-on", "high"]).0, 0);
    assert_eq!(d["summary"]["new_findings"], 0, "{d:#}");
    // Reversed, the leak is new and fails the gate.
    assert_eq!(repo.diff(&["fixed", "leak", "--fail-on", "high"]).0, 1);
}

#[test]
fn moving_a_function_down_changes_nothing() {
    let repo = base_repo();
    let filler = "// filler\n".repeat(40);
    repo.write("src/bot.ts", &format!("{filler}{BOT_TOKEN}"));
    repo.commit("moved");
    let d = repo.diff_json(&["v1", "moved"]);
    assert_eq!(d["summary"]["new_findings"], 0, "{d:#}");
    assert_eq!(d["summary"]["resolved_findings"], 0, "{d:#}");
    assert!(d["summary"]["unchanged_findings"].as_u64().expect("n") >= 1);
    assert_eq!(d["summary"]["added_endpoints"], 0);
    assert_eq!(d["files"]["changed"], 1);
}

#[test]
fn renamed_file_keeps_finding_identity() {
    let repo = base_repo();
    std::fs::create_dir_all(repo.path().join("src/notify")).expect("mkdir");
    repo.git(&["mv", "src/bot.ts", "src/notify/telegram.ts"]);
    repo.commit("renamed");
    let d = repo.diff_json(&["v1", "renamed"]);
    assert_eq!(d["summary"]["new_findings"], 0, "{d:#}");
    assert_eq!(d["summary"]["resolved_findings"], 0, "{d:#}");
    assert!(d["summary"]["unchanged_findings"].as_u64().expect("n") >= 1);
    assert_eq!(d["files"]["renamed"], 1);
    assert_eq!(d["files"]["changed"], 0);
    // Nothing was extracted twice: the renamed blob is the same.
    assert_eq!(d["files"]["extracted"], 4);
}

#[test]
fn exported_constant_change_moves_the_importers_endpoint() {
    let repo = base_repo();
    repo.write(
        "src/config.ts",
        "export const API_BASE = \"https://api.two.example\";\n",
    );
    repo.commit("exporter");
    let d = repo.diff_json(&["v1", "exporter"]);
    assert_eq!(
        urls(&d["added_endpoints"]),
        ["https://api.two.example/v1/items"],
        "{d:#}"
    );
    assert_eq!(
        urls(&d["removed_endpoints"]),
        ["https://api.one.example/v1/items"]
    );
    assert_eq!(d["added_endpoints"][0]["locations"][0]["file"], "src/client.ts");
    assert_eq!(d["files"]["changed"], 1);
    // Only the changed blob is new work: 4 base blobs + 1.
    assert_eq!(d["files"]["extracted"], 5);

    // Only the importer changes: it still resolves the unchanged export.
    repo.write(
        "src/client.ts",
        "import { API_BASE } from \"./config\";\n\nexport async function listItems() {\n  return fetch(`${API_BASE}/v3/items`);\n}\n",
    );
    repo.commit("importer");
    let d = repo.diff_json(&["exporter", "importer"]);
    assert_eq!(
        urls(&d["added_endpoints"]),
        ["https://api.two.example/v3/items"],
        "{d:#}"
    );
    assert_eq!(
        urls(&d["removed_endpoints"]),
        ["https://api.two.example/v1/items"]
    );
    assert_eq!(d["summary"]["added_hosts"], 0);
}

#[test]
fn same_output_for_one_and_four_threads() {
    let repo = base_repo();
    repo.write("src/bot.ts", BOT_FIXED);
    repo.write(
        "src/extra.ts",
        "export const u = fetch(\"http://plain.example/a\");\n",
    );
    repo.commit("v2");
    for format in ["json", "markdown", "table"] {
        let one = repo.diff(&["v1", "v2", "-j", "1", "-f", format]).1;
        let four = repo.diff(&["v1", "v2", "-j", "4", "-f", format]).1;
        assert_eq!(one, four, "{format}");
        assert!(!one.is_empty());
    }
}

fn hash_tree(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read");
                out.insert(path, format!("{:x}", Sha256::digest(&bytes)));
            }
        }
    }
    out
}

#[test]
fn diff_writes_nothing_into_the_repository() {
    let repo = base_repo();
    repo.write("src/bot.ts", BOT_FIXED);
    repo.commit("v2");
    repo.write(
        "src/client.ts",
        "export const x = fetch(\"https://wt.example/a\");\n",
    );
    let before = hash_tree(repo.path());
    repo.diff(&["v1", "v2"]);
    repo.diff(&["v1"]);
    repo.diff(&["v1", "-f", "markdown"]);
    assert_eq!(before, hash_tree(repo.path()));
}

#[test]
fn work_tree_is_the_default_head() {
    let repo = base_repo();
    repo.write("src/bot.ts", BOT_FIXED);
    let d = repo.diff_json(&["v1"]);
    assert_eq!(d["head"], "work tree");
    assert!(
        rules(&d["resolved_findings"]).contains(&"egress/token-in-url".to_string()),
        "{d:#}"
    );
    assert_eq!(hosts(&d["added_hosts"]), ["api.chat.example"]);
    // Unchanged work-tree files hit the blob cache.
    assert_eq!(d["files"]["extracted"], 5);
}

#[test]
fn excludes_apply_but_a_revisions_gitignore_does_not_hide_tracked_files() {
    let repo = base_repo();
    repo.write(".gitignore", "generated/\n");
    repo.git(&["add", ".gitignore"]);
    repo.write(
        "generated/api.ts",
        "export const g = fetch(\"https://generated.example/x\");\n",
    );
    repo.git(&["add", "-f", "generated/api.ts"]);
    repo.write(
        "src/tests/api.ts",
        "export const t = fetch(\"https://tests.example/x\");\n",
    );
    repo.write(
        "src/skip/api.ts",
        "export const s = fetch(\"https://skipped.example/x\");\n",
    );
    repo.write(
        "src/new.ts",
        "export const n = fetch(\"https://new.example/x\");\n",
    );
    repo.commit("v2");
    // `generated/api.ts` is tracked: the change's own .gitignore cannot
    // hide it from the review.
    let d = repo.diff_json(&["v1", "v2", "--exclude", "src/skip/**"]);
    assert_eq!(
        hosts(&d["added_hosts"]),
        ["generated.example", "new.example"],
        "{d:#}"
    );
    let d = repo.diff_json(&["v1", "v2", "--include-tests", "--exclude", "generated/**"]);
    assert_eq!(
        hosts(&d["added_hosts"]),
        ["new.example", "skipped.example", "tests.example"],
        "{d:#}"
    );
}

#[test]
fn markdown_is_a_pr_comment_with_escaped_content() {
    let repo = base_repo();
    repo.write(
        "src/inject.ts",
        "export const a = fetch(\"https://evil.example/a|b/<img src=x>/[x](y)/`z`\");\n",
    );
    for i in 0..7 {
        repo.write(
            &format!("src/svc{i}.ts"),
            &format!("export const a = fetch(\"https://svc{i}.example/x\");\n"),
        );
    }
    repo.commit("v2");
    let (code, md) = repo.diff(&["v1", "v2", "-f", "markdown"]);
    assert_eq!(code, 0);
    assert!(md.starts_with("### egress-scan:"), "{md}");
    assert!(md.contains("a\\|b/&lt;img src=x&gt;/\\[x\\](y)/\\`z\\`"), "{md}");
    assert!(!md.contains("<img"), "{md}");
    assert!(md.contains("<details><summary>Added hosts (8)</summary>"), "{md}");
}

/// A repository inside `node_modules` (an installed package checked out
/// on purpose) is scanned as `scan` scans it: the package's shipped code
/// in `dist/` and `build/` is read, nested `node_modules` are not.
#[test]
fn a_package_inside_node_modules_keeps_its_build_output() {
    let repo = Repo::inside("app/node_modules/sdk");
    repo.write("src/index.ts", "export const v = 1;\n");
    repo.commit("v1");
    repo.write(
        "dist/index.js",
        "export const a = fetch(\"https://api.sdk.example/v1\");\n",
    );
    repo.write(
        "node_modules/dep/index.js",
        "export const a = fetch(\"https://api.dep.example/v1\");\n",
    );
    repo.commit("v2");
    let d = repo.diff_json(&["v1", "v2"]);
    assert_eq!(hosts(&d["added_hosts"]), ["api.sdk.example"], "{d:#}");
    // The work tree is walked by the same policy.
    let d = repo.diff_json(&["v1"]);
    assert_eq!(hosts(&d["added_hosts"]), ["api.sdk.example"], "{d:#}");
}

#[test]
fn two_json_reports() {
    let repo = base_repo();
    let dir = tempfile::tempdir().expect("temp dir");
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    let scan = |out: &Path| {
        let run = egress_scan()
            .arg("scan")
            .arg(repo.path())
            .args(["-f", "json", "-o"])
            .arg(out)
            .output()
            .expect("runs");
        assert!(run.status.success());
    };
    scan(&old);
    repo.write("src/bot.ts", BOT_FIXED);
    scan(&new);
    let out = egress_scan()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["-f", "json", "--fail-on", "high"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let d: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(
        rules(&d["resolved_findings"]).contains(&"egress/token-in-url".to_string()),
        "{d:#}"
    );
    assert_eq!(hosts(&d["added_hosts"]), ["api.chat.example"]);
    assert!(d.get("files").is_none());
    // Reversed: the leak is new and fails the gate.
    let out = egress_scan()
        .arg("diff")
        .arg(&new)
        .arg(&old)
        .args(["--fail-on", "high"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unknown_revision_is_a_usage_error() {
    let repo = base_repo();
    let out = egress_scan()
        .args(["diff", "no-such-rev", "v1", "--repo"])
        .arg(repo.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-rev"));
}

#[test]
fn cache_does_not_change_the_diff() {
    let repo = base_repo();
    repo.write("src/bot.ts", BOT_FIXED);
    repo.write(
        "src/config.ts",
        "export const API_BASE = \"https://api.two.example\";\n",
    );
    repo.commit("v2");
    let cache = tempfile::tempdir().expect("temp dir");
    let run = |extra: &[&str]| repo.diff_with_cache("v1", "v2", cache.path(), extra);
    let uncached = run(&["--no-cache"]);
    assert_eq!(std::fs::read_dir(cache.path()).expect("dir").count(), 0);
    let cold = run(&[]);
    let warm = run(&[]);
    assert_eq!(uncached, cold);
    assert_eq!(uncached, warm);
    // A scan of the work tree (v2) hits the entries the diff stored (it
    // only adds its second phase's outcome, which a diff does not keep).
    let facts = |dir: &std::path::Path| {
        let mut all = files_with_mtimes(dir);
        all.retain(|path, _| !path.components().any(|c| c.as_os_str() == "second-phase"));
        all
    };
    let before = facts(cache.path());
    let scanned = egress_scan()
        .arg(repo.path())
        .args(["-f", "json"])
        .env("EGRESS_SCAN_CACHE_DIR", cache.path())
        .output()
        .expect("runs");
    assert!(!scanned.stdout.is_empty());
    assert_eq!(before, facts(cache.path()));
}

#[test]
fn wrapper_calls_in_trigger_less_files_survive_the_verdict_cache() {
    let repo = Repo::new();
    repo.write(
        "src/remote.ts",
        "export async function loadRemote(path: string) {\n  return fetch(`https://api.wrap.example${path}`);\n}\n",
    );
    let caller = |version: &str| {
        format!("import {{ loadRemote }} from \"./remote\";\n\nexport const items = () => loadRemote(\"/{version}/items\");\n")
    };
    repo.write("src/feature.ts", &caller("v1"));
    repo.write(
        "src/plain.ts",
        "export const add = (a: number, b: number) => a + b;\n",
    );
    repo.commit("v1");
    repo.write("src/feature.ts", &caller("v2"));
    repo.commit("v2");
    let cache = tempfile::tempdir().expect("temp dir");
    let run = |extra: &[&str]| repo.diff_with_cache("v1", "v2", cache.path(), extra);
    let uncached = run(&["--no-cache"]);
    let d: Value = serde_json::from_slice(&uncached).expect("JSON");
    assert_eq!(
        urls(&d["added_endpoints"]),
        ["https://api.wrap.example/v2/items"],
        "{d:#}"
    );
    assert_eq!(d["added_endpoints"][0]["locations"][0]["file"], "src/feature.ts");
    assert_eq!(run(&[]), uncached, "cold cache");
    assert_eq!(
        run(&[]),
        uncached,
        "warm cache: verdicts and words from the store"
    );
}

#[test]
fn the_base_revisions_config_decides() {
    let repo = base_repo();
    repo.write(".egress-scan.toml", "exclude = [\"generated/**\"]\n");
    repo.commit("configured");
    // The change adds an endpoint in an excluded folder, a token in a URL,
    // and a config that would hide the token and downgrade everything.
    repo.write(
        "generated/api.ts",
        "export const g = fetch(\"https://generated.example/x\");\n",
    );
    repo.write("src/leak.ts", BOT_TOKEN.replace("notify", "leak").as_str());
    repo.write(
        ".egress-scan.toml",
        "exclude = [\"generated/**\", \"src/leak.ts\"]\n[severity]\n\"egress/token-in-url\" = \"info\"\n",
    );
    repo.commit("sneaky");
    let d = repo.diff_json(&["configured", "sneaky"]);
    assert!(hosts(&d["added_hosts"]).is_empty(), "{d:#}");
    assert_eq!(
        rules(&d["new_findings"]),
        ["egress/token-in-url", "egress/hardcoded-endpoint"],
        "{d:#}"
    );
    assert_eq!(d["new_findings"][0]["file"], "src/leak.ts");
    assert_eq!(d["new_findings"][0]["severity"], "high");
    // An explicit --config still wins.
    let explicit = repo.path().join(".egress-scan.toml");
    let d = repo.diff_json(&[
        "configured",
        "sneaky",
        "--config",
        explicit.to_str().expect("utf-8"),
    ]);
    assert!(rules(&d["new_findings"]).is_empty(), "{d:#}");
    // So does the head's own file when the user opts in.
    let d = repo.diff_json(&["configured", "sneaky", "--config-from", "head"]);
    assert!(rules(&d["new_findings"]).is_empty(), "{d:#}");
}

#[test]
fn broken_config_in_the_base_revision_is_a_diagnostic() {
    let repo = base_repo();
    repo.write(".egress-scan.toml", "exclude = [\n");
    repo.commit("broken");
    repo.write("src/extra.ts", "export const x = 1;\n");
    repo.commit("next");
    let out = egress_scan()
        .args(["diff", "broken", "next", "--repo"])
        .arg(repo.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken:.egress-scan.toml"), "{stderr}");
}

#[test]
fn a_suppression_the_change_adds_does_not_silence_the_gate() {
    let repo = base_repo();
    let leak = BOT_TOKEN.replace("notify", "leak").replace(
        "  return fetch",
        "  // egress-scan: ignore[egress/token-in-url] reviewed, fine\n  return fetch",
    );
    repo.write("src/leak.ts", &leak);
    repo.commit("suppressed");
    let d = repo.diff_json(&["v1", "suppressed"]);
    assert_eq!(rules(&d["new_suppressions"]), ["egress/token-in-url"], "{d:#}");
    let (code, _) = repo.diff(&["v1", "suppressed", "--fail-on", "high"]);
    assert_eq!(code, 1, "a new suppression counts for the gate");
    let (_, table) = repo.diff(&["v1", "suppressed"]);
    assert!(table.contains("new suppressions"), "{table}");

    // The base configuration may allow it; the change's own config may not.
    let repo = base_repo();
    repo.write(".egress-scan.toml", "allow_new_suppressions = true\n");
    repo.commit("allowed");
    repo.write("src/leak.ts", &leak);
    repo.commit("suppressed");
    let (code, _) = repo.diff(&["allowed", "suppressed", "--fail-on", "high"]);
    assert_eq!(code, 0);
    let repo = base_repo();
    repo.write("src/leak.ts", &leak);
    repo.write(".egress-scan.toml", "allow_new_suppressions = true\n");
    repo.commit("self-allowed");
    let (code, _) = repo.diff(&["v1", "self-allowed", "--fail-on", "high"]);
    assert_eq!(code, 1);
}

#[cfg(unix)]
#[test]
fn changed_files_that_are_not_analysed_are_listed_and_can_fail_the_gate() {
    let repo = base_repo();
    std::os::unix::fs::symlink("client.ts", repo.path().join("src/alias.ts")).expect("link");
    repo.write("src/huge.ts", &"// padding\n".repeat(2_000));
    repo.commit("skipped");
    let d = repo.diff_json(&["v1", "skipped", "--max-file-size", "10000"]);
    let listed: Vec<(String, String)> = d["unanalysed"]
        .as_array()
        .expect("unanalysed")
        .iter()
        .map(|u| {
            (
                u["file"].as_str().unwrap().to_string(),
                u["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("src/alias.ts".to_string(), "a symbolic link".to_string()),
            ("src/huge.ts".to_string(), "too large".to_string()),
        ],
        "{d:#}"
    );
    let (code, _) = repo.diff(&["v1", "skipped", "--max-file-size", "10000"]);
    assert_eq!(code, 0);
    let (code, md) = repo.diff(&[
        "v1",
        "skipped",
        "--max-file-size",
        "10000",
        "--fail-on-unanalysed",
        "-f",
        "markdown",
    ]);
    assert_eq!(code, 1);
    assert!(md.contains("Changed files not analysed"), "{md}");
    // Unchanged skipped files are not the change's.
    repo.write("src/other.ts", "export const y = 2;\n");
    repo.commit("later");
    let d = repo.diff_json(&["skipped", "later", "--max-file-size", "10000"]);
    assert!(d.get("unanalysed").is_none(), "{d:#}");
}

#[test]
fn a_rules_folder_of_the_repository_is_read_from_the_base_revision() {
    let repo = base_repo();
    std::fs::create_dir_all(repo.path().join("egress-rules")).expect("mkdir");
    repo.write("egress-rules/README.yaml.txt", "team rules\n");
    repo.commit("with-rules");
    // The change adds a leak and a rule file that downgrades the rule.
    let builtin =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/token-in-url.yaml"))
            .expect("built-in rule");
    repo.write(
        "egress-rules/token-in-url.yaml",
        &builtin.replace("severity: high", "severity: low"),
    );
    repo.write("src/leak.ts", BOT_TOKEN.replace("notify", "leak").as_str());
    repo.commit("downgraded");
    let rules = repo.path().join("egress-rules");
    let rules = rules.to_str().expect("utf-8");
    let (code, _) = repo.diff(&["with-rules", "downgraded", "--rules", rules, "--fail-on", "high"]);
    assert_eq!(code, 1, "the base revision's rules judge the change");
    let (code, _) = repo.diff(&[
        "with-rules",
        "downgraded",
        "--rules",
        rules,
        "--fail-on",
        "high",
        "--config-from",
        "head",
    ]);
    assert_eq!(code, 0, "the head's rules only when asked");
}

/// The egress surface over a small history (issue #17).
#[path = "diff_history_cli.rs"]
mod history;

/// The egress gate and the pull-request comment (issue #17).
#[path = "diff_gate_cli.rs"]
mod gate;

/// Reading only the changed files and their neighbours (issue #17).
#[path = "diff_scope_cli.rs"]
mod scope;

#[test]
fn timings_go_to_stderr_and_leave_the_diff_unchanged() {
    let repo = base_repo();
    repo.write("src/bot.ts", BOT_FIXED);
    repo.commit("v2");
    let plain = repo.diff(&["v1", "v2", "-f", "json"]).1;
    let out = egress_scan()
        .args(["diff", "v1", "v2", "-f", "json", "--timings", "--repo"])
        .arg(repo.path())
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), plain);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for stage in [
        "read trees",
        "read, parse and extract",
        "analysis",
        "compare",
        "render",
    ] {
        assert!(stderr.contains(stage), "{stage}: {stderr}");
    }
}
