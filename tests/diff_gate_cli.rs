//! The egress gate (`--fail-on-new-host`, `--fail-on-new-communication`
//! and their configuration keys, with the `allowed_hosts` and
//! `allowed_services` allow-lists) and the pull-request comment.

use super::Repo;
use crate::common::egress_scan;

const BASE: &str =
    "export async function listItems() {\n  return fetch(\"https://api.one.example/v1/items\");\n}\n";
const NEW_HOST: &str =
    "export async function ping() {\n  return fetch(\"https://status.new.example/ping\");\n}\n";
const SLACK: &str = "import { WebClient } from \"@slack/web-api\";\n\nconst slack = new WebClient(process.env.SLACK_TOKEN);\n\nexport async function alert(text: string) {\n  await slack.chat.postMessage({ channel: \"#ops\", text });\n}\n";

/// A repository whose base commit `v1` holds `config` (if any) and one
/// endpoint; `v2` adds a new host and `v3` (on top) a Slack integration.
fn repo(config: Option<&str>) -> Repo {
    let repo = Repo::new();
    repo.write("src/items.ts", BASE);
    if let Some(config) = config {
        repo.write(".egress-scan.toml", config);
    }
    repo.commit("v1");
    repo.write("src/status.ts", NEW_HOST);
    repo.commit("v2");
    repo.write("src/alert.ts", SLACK);
    repo.commit("v3");
    repo
}

/// Exit code, stdout and stderr of `diff` with `args`.
fn run(repo: &Repo, args: &[&str]) -> (i32, String, String) {
    let out = egress_scan()
        .arg("diff")
        .args(args)
        .arg("--repo")
        .arg(repo.path())
        .output()
        .expect("runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_new_host_fails_the_host_gate_only_when_asked() {
    let repo = repo(None);
    assert_eq!(repo.diff(&["v1", "v2"]).0, 0);
    assert_eq!(repo.diff(&["v1", "v2", "--fail-on-new-communication"]).0, 0);
    let (code, out) = repo.diff(&["v1", "v2", "--fail-on-new-host", "-f", "json"]);
    assert_eq!(code, 1, "{out}");
    let d: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(d["gate"]["new_hosts"], serde_json::json!(["status.new.example"]));
    // Removing the host is no new host.
    assert_eq!(repo.diff(&["v2", "v1", "--fail-on-new-host"]).0, 0);
}

#[test]
fn allowed_hosts_of_the_base_configuration_silence_the_host_gate() {
    let repo = repo(Some("allowed_hosts = [\"*.new.example\"]\n"));
    assert_eq!(repo.diff(&["v1", "v2", "--fail-on-new-host"]).0, 0);
    let other = self::repo(Some("allowed_hosts = [\"*.other.example\"]\n"));
    assert_eq!(other.diff(&["v1", "v2", "--fail-on-new-host"]).0, 1);
}

#[test]
fn a_new_sdk_communication_fails_the_communication_gate() {
    let repo = repo(None);
    let (code, table) = repo.diff(&["v2", "v3", "--fail-on-new-communication"]);
    assert_eq!(code, 1, "{table}");
    assert!(
        table.contains("egress gate: FAILED: new communication Slack"),
        "{table}"
    );
    // The SDK adds no host of its own to the code: the host gate passes.
    assert_eq!(repo.diff(&["v2", "v3", "--fail-on-new-host"]).0, 0);
    let allowed = self::repo(Some("allowed_services = [\"slack\"]\n"));
    let (code, table) = allowed.diff(&["v2", "v3", "--fail-on-new-communication"]);
    assert_eq!(code, 0, "{table}");
    assert!(table.contains("egress gate: passed"), "{table}");
}

#[test]
fn the_gates_can_be_set_in_the_base_configuration() {
    let repo = repo(Some(
        "fail_on_new_host = true\nfail_on_new_communication = true\n",
    ));
    assert_eq!(repo.diff(&["v1", "v2"]).0, 1);
    assert_eq!(repo.diff(&["v2", "v3"]).0, 1);

    // A change that turns the gate off in its own configuration does not
    // escape it: the base revision's file applies.
    let off = Repo::new();
    off.write("src/items.ts", BASE);
    off.write(".egress-scan.toml", "fail_on_new_host = true\n");
    off.commit("v1");
    off.write("src/status.ts", NEW_HOST);
    off.write(
        ".egress-scan.toml",
        "fail_on_new_host = false\nallowed_hosts = [\"*.new.example\"]\n",
    );
    off.commit("v2");
    assert_eq!(off.diff(&["v1", "v2"]).0, 1);
    assert_eq!(off.diff(&["v1", "v2", "--config-from", "head"]).0, 0);
}

#[test]
fn a_bad_gate_setting_is_a_configuration_error() {
    let repo = repo(Some("fail_on_new_host = \"yes\"\n"));
    let (code, _, stderr) = run(&repo, &["v1", "v2"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("fail_on_new_host"), "{stderr}");
}

#[test]
fn markdown_comment_summarises_each_communication_then_folds_details() {
    let repo = repo(None);
    let (code, md) = repo.diff(&[
        "v1",
        "v3",
        "-f",
        "markdown",
        "--fail-on-new-communication",
        "--link-base",
        "https://github.com/acme/shop/blob/v3/",
    ]);
    assert_eq!(code, 1);
    // The summary comes before any folded section.
    let summary = md.find("+ Slack: 1 new call site in 1 file").expect("Slack line");
    let details = md.find("<details>").expect("details");
    assert!(summary < details, "{md}");
    assert!(
        md.contains("[src/alert.ts:6](https://github.com/acme/shop/blob/v3/src/alert.ts#L6)"),
        "{md}"
    );
    insta::assert_snapshot!("pr_comment", md);
}

#[test]
fn two_saved_reports_are_gated_with_the_given_configuration() {
    let repo = repo(None);
    let dir = tempfile::tempdir().expect("temp dir");
    let save = |rev: &str| {
        repo.git(&["checkout", "-q", rev]);
        let path = dir.path().join(format!("{rev}.json"));
        let out = egress_scan()
            .arg(repo.path())
            .args(["-f", "json", "-o"])
            .arg(&path)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        path.to_string_lossy().into_owned()
    };
    let (v2, v3) = (save("v2"), save("v3"));
    let gate = |extra: &[&str]| {
        let out = egress_scan()
            .args(["diff", &v2, &v3, "--fail-on-new-communication"])
            .args(extra)
            .output()
            .expect("runs");
        out.status.code().expect("exit code")
    };
    // The reports' communications are compared: Slack is new.
    assert_eq!(gate(&[]), 1);
    let config = dir.path().join("gate.toml");
    std::fs::write(&config, "allowed_services = [\"Slack\"]\n").expect("write");
    assert_eq!(gate(&["--config", &config.to_string_lossy()]), 0);
}
