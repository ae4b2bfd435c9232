//! `scan --shard K/N` and `merge`: merged shards equal the single run byte
//! for byte; reports of several repositories make an organisation
//! inventory; bad inputs fail with exit 2 and write nothing.

use std::path::{Path, PathBuf};

use crate::common::{egress_scan, fixture_names};

/// Runs `scan ARGS -f json -o OUT` and returns OUT.
fn scan_to(out: PathBuf, args: &[&str]) -> PathBuf {
    let o = egress_scan()
        .args(args)
        .args(["-f", "json", "-o"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// `scan ARGS -f json`, run once per distinct ARGS for the whole test
/// binary (each CLI scan compiles every query: over a second in debug).
fn cached_scan(args: &[&str]) -> PathBuf {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Cache = Mutex<HashMap<String, Arc<OnceLock<PathBuf>>>>;
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("tempdir"));
    let key = args.join(" ");
    let (cell, n) = {
        let mut map = CACHE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let n = map.len();
        (
            map.entry(key)
                .or_insert_with(|| Arc::new(OnceLock::new()))
                .clone(),
            n,
        )
    };
    // Blocks other callers with the same ARGS until the file is written.
    cell.get_or_init(|| scan_to(dir.path().join(format!("cached-{n}.json")), args))
        .clone()
}

fn merge(reports: &[PathBuf], extra: &[&str]) -> std::process::Output {
    egress_scan()
        .arg("merge")
        .args(reports)
        .args(extra)
        .output()
        .expect("runs")
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("report")).expect("JSON")
}

/// The shard reports `scan PATH --shard K/N` writes for K = 1..=N, built
/// in-process from one walk (each CLI scan compiles every query, which a
/// debug build takes over a second for; `cli_shards_match_the_library`
/// checks the two paths agree).
fn shard_reports(tmp: &Path, name: &str, counts: &[usize]) -> Vec<Vec<PathBuf>> {
    use egress_scan::{catalog::rules::RuleSet, config::Config, report::json, run::scan, run::shard};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
    let options = scan::ScanOptions {
        root_label: format!("fixtures/{name}"),
        ..scan::ScanOptions::new(root.clone())
    };
    let config = Config::discover(&root, None).expect("config");
    let rules = RuleSet::load(None).expect("rules");
    let partitions = shard::scan_shards(&options, &rules, &config, counts).expect("scan");
    partitions
        .iter()
        .map(|reports| {
            let n = reports.len();
            reports
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let out = tmp.join(format!("{name}-{}-of-{n}.json", i + 1));
                    std::fs::write(&out, json::render(r)).expect("write");
                    out
                })
                .collect()
        })
        .collect()
}

#[test]
fn merged_shards_equal_the_single_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for name in fixture_names() {
        let path = format!("fixtures/{name}");
        let single = cached_scan(&[&path]);
        let single_bytes = std::fs::read(&single).expect("single");
        let single_files = json(&single)["stats"]["files_seen"].as_u64().expect("stats");
        let mut split = false;
        let counts = [1usize, 2, 3, 7];
        let partitions = shard_reports(tmp.path(), &name, &counts);
        for (n, shards) in counts.into_iter().zip(partitions) {
            // Shards are real slices: each records its index, and their
            // file counts add up.
            let mut seen = Vec::new();
            for (k, s) in shards.iter().enumerate() {
                let report = json(s);
                assert_eq!(report["shard"]["index"], k + 1);
                assert_eq!(report["shard"]["count"], n);
                assert_eq!(report["shard"]["repository"], name.as_str());
                seen.push(report["stats"]["files_seen"].as_u64().expect("stats"));
            }
            assert_eq!(seen.iter().sum::<u64>(), single_files, "{name} {n}");
            split |= seen.iter().filter(|&&s| s > 0).count() > 1;
            // Shard order on the command line does not matter.
            let mut reversed = shards.clone();
            reversed.reverse();
            let merged = tmp.path().join(format!("{name}-merged-{n}.json"));
            let o = merge(&reversed, &["-o", merged.to_str().expect("utf-8")]);
            assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
            let merged_bytes = std::fs::read(&merged).expect("merged");
            assert!(
                merged_bytes == single_bytes,
                "{name}, {n} shards: merged report differs from the single run"
            );
        }
        // A single report merges into itself.
        let o = merge(std::slice::from_ref(&single), &[]);
        assert_eq!(o.stdout, single_bytes, "{name}");
        if single_files >= 3 {
            assert!(split, "{name}: no partition spread its files over two shards");
        }
    }
}

#[test]
fn cli_shards_match_the_library() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let lib = shard_reports(tmp.path(), "chatbot", &[2]).remove(0);
    for (k, expected) in lib.iter().enumerate() {
        let cli = cached_scan(&["fixtures/chatbot", "--shard", &format!("{}/2", k + 1)]);
        assert_eq!(
            std::fs::read(&cli).expect("cli"),
            std::fs::read(expected).expect("lib"),
            "shard {}",
            k + 1
        );
    }
    // The other formats of the merged report equal the single run's too.
    for format in ["sarif", "markdown"] {
        let o = merge(&lib, &["-f", format]);
        assert_eq!(o.status.code(), Some(0));
        let single = egress_scan()
            .args(["fixtures/chatbot", "-f", format])
            .output()
            .expect("runs");
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&single.stdout),
            "{format}"
        );
    }
}

#[test]
fn repo_name_is_kept_through_shards() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let single = scan_to(
        tmp.path().join("single.json"),
        &["fixtures/chatbot", "--repo-name", "acme/assistant"],
    );
    let shards: Vec<PathBuf> = (1..=2)
        .map(|k| {
            scan_to(
                tmp.path().join(format!("s{k}.json")),
                &[
                    "fixtures/chatbot",
                    "--repo-name",
                    "acme/assistant",
                    "--shard",
                    &format!("{k}/2"),
                ],
            )
        })
        .collect();
    let o = merge(&shards, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.stdout, std::fs::read(&single).expect("single"));
    assert_eq!(json(&single)["repository"], "acme/assistant");
    // Without --repo-name the single-run report has no repository field.
    let plain = cached_scan(&["fixtures/chatbot"]);
    assert!(json(&plain).get("repository").is_none());
}

const ORG: [&str; 3] = ["chatbot", "ios-app", "webhook-relay"];

fn org_reports() -> Vec<PathBuf> {
    ORG.iter()
        .map(|n| cached_scan(&[&format!("fixtures/{n}")]))
        .collect()
}

#[test]
fn organisation_inventory_of_three_repositories() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let reports = org_reports();
    let o = merge(&reports, &["-f", "markdown"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let md = String::from_utf8(o.stdout).expect("UTF-8");
    insta::assert_snapshot!("org_markdown", md);

    let o = merge(&reports, &["-f", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let org: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(org["kind"], "organisation");
    let names: Vec<&str> = org["repositories"]
        .as_array()
        .expect("repositories")
        .iter()
        .map(|r| r["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ORG);
    // Every host of every input report is attributed to its repository.
    for (name, path) in ORG.iter().zip(&reports) {
        for e in json(path)["endpoints"].as_array().expect("endpoints") {
            let row = org["hosts"]
                .as_array()
                .expect("hosts")
                .iter()
                .find(|h| h["host"] == e["host"])
                .expect("host row");
            assert!(
                row["repositories"]
                    .as_array()
                    .expect("repos")
                    .iter()
                    .any(|r| r == name),
                "{} not attributed to {name}",
                e["host"]
            );
        }
    }
    let openai = org["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["name"] == "OpenAI")
        .expect("OpenAI");
    assert_eq!(openai["repositories"], serde_json::json!(["chatbot"]));

    // A repository given as shards summarises like its single-run report.
    let shards = shard_reports(tmp.path(), "chatbot", &[3]).remove(0);
    let mut mixed = vec![reports[1].clone(), shards[2].clone(), reports[2].clone()];
    mixed.extend_from_slice(&shards[..2]);
    let o = merge(&mixed, &["-f", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let again: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(again, org);

    // SARIF is per repository.
    let out = tmp.path().join("org.sarif");
    let o = merge(&reports, &["-f", "sarif", "-o", out.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
}

/// Merges `reports` into `-o FILE`; expects exit 2, `message` on stderr and
/// no FILE.
fn assert_refused(tmp: &Path, reports: &[PathBuf], message: &str) {
    let out = tmp.join("merged.json");
    let o = merge(reports, &["-o", out.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(message), "expected `{message}` in:\n{stderr}");
    assert!(!out.exists(), "nothing is written on error");
}

fn edit(path: &Path, to: &Path, f: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let mut v = json(path);
    f(&mut v);
    std::fs::write(to, serde_json::to_string_pretty(&v).expect("JSON")).expect("write");
    to.to_path_buf()
}

#[test]
fn bad_inputs_are_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = tmp.path();
    let shard = |k: usize, extra: &[&str]| {
        let mut args = vec!["fixtures/chatbot", "--shard"];
        let spec = format!("{k}/2");
        args.push(&spec);
        args.extend_from_slice(extra);
        cached_scan(&args)
    };
    let s1 = shard(1, &[]);
    let s2 = shard(2, &[]);

    // Another schema version.
    let v2 = edit(&s2, &t.join("v2.json"), |v| v["schema_version"] = 2.into());
    assert_refused(t, &[s1.clone(), v2], "has schema_version 2");
    let v2_shape = t.join("v2-shape.json");
    std::fs::write(&v2_shape, r#"{"schema_version": 2, "inventory": []}"#).expect("write");
    assert_refused(t, &[v2_shape], "has schema_version 2");

    // A truncated upload.
    let text = std::fs::read_to_string(&s2).expect("read");
    let truncated = t.join("truncated.json");
    std::fs::write(&truncated, &text[..text.len() / 2]).expect("write");
    assert_refused(t, &[s1.clone(), truncated], "is not an egress-scan JSON report");

    // Not readable at all.
    assert_refused(t, &[s1.clone(), t.join("missing.json")], "cannot read");

    // Shards of different scans.
    let other_version = edit(&s2, &t.join("version.json"), |v| {
        v["tool"]["version"] = "9.9.9".into()
    });
    assert_refused(t, &[s1.clone(), other_version], "tool version differs");
    let other_root = scan_to(
        t.join("root.json"),
        &["fixtures/../fixtures/chatbot", "--shard", "2/2"],
    );
    assert_refused(t, &[s1.clone(), other_root], "root differs");
    let other_settings = shard(2, &["--include-tests"]);
    assert_refused(t, &[s1.clone(), other_settings], "settings hash");
    let other_count = edit(&s2, &t.join("count.json"), |v| v["shard"]["count"] = 3.into());
    assert_refused(t, &[s1.clone(), other_count], "shard count differs");

    // Missing and repeated shards.
    assert_refused(t, std::slice::from_ref(&s1), "shard(s) 2 of 2 missing");
    assert_refused(
        t,
        &[s1.clone(), s1.clone(), s2.clone()],
        "shard 1 of 2 given twice",
    );
    let single = cached_scan(&["fixtures/chatbot"]);
    assert_refused(
        t,
        &[single.clone(), single],
        "a second report of the same repository",
    );

    // The good pair still merges.
    let o = merge(&[s1, s2], &[]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn bad_shard_specs_are_usage_errors() {
    for spec in ["0/3", "4/3", "1/0", "a/b", "3"] {
        let o = egress_scan()
            .args(["fixtures/chatbot", "--shard", spec])
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(2), "{spec}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("expected K/N"));
    }
}
