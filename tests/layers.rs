//! The module layering of SPEC §11: imports point only downward. Reads every
//! `crate::` path in `src/` and fails on one that reaches a module of the
//! same or a higher layer; the pipeline's stages and the commands' modules
//! are ordered the same way among themselves. Run alone with
//! `cargo test --test cli layers`.

use std::collections::BTreeSet;
use std::path::Path;

/// Top-level modules, lowest layer first; a module may use the ones before
/// it. Modules on one line share a layer and do not use each other.
const LAYERS: &[&[&str]] = &[
    &["model", "input"],
    &["catalog", "config"],
    &["pipeline"],
    &["report"],
    &["error"],
    &["run"],
    &["cli", "fuzzing"],
];

/// Stages inside `pipeline`, in pipeline order.
const PIPELINE: &[&str] = &[
    "tracked",
    "walk",
    "lang",
    "extract",
    "declarations",
    "prefilter",
    "cache",
    "spill",
    "analysis",
    "engine",
    "inventory",
    "platform",
];

/// Modules inside `run`: the scan before what is built on it.
const RUN: &[&str] = &[
    "timings",
    "progress",
    "finalize",
    "scan",
    "shard",
    "diff",
    "merge",
    "rules_test",
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// `(path of the using file, used module path)` for every `crate::a::b`
/// in `src/`, with `use crate::{a::x, b}` groups expanded.
fn crate_paths() -> Vec<(String, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(&root)
                    .expect("under src")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path).expect("read source");
                for used in used_paths(&text) {
                    out.push((rel.clone(), used));
                }
            }
        }
    }
    out.sort();
    out
}

/// Code only: a doc link may point anywhere, an import may not.
fn used_paths(text: &str) -> Vec<Vec<String>> {
    let code: String = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let text = code.as_str();
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        // After `crate::` comes a path or a `{...}` group.
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let segs = segments(item.trim());
                if !segs.is_empty() {
                    out.push(segs);
                }
            }
        } else {
            let segs = segments(rest);
            if !segs.is_empty() {
                out.push(segs);
            }
        }
    }
    out
}

fn segments(path: &str) -> Vec<String> {
    let mut segs = Vec::new();
    let mut rest = path;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        segs.push(rest[..end].to_string());
        match rest[end..].strip_prefix("::") {
            Some(next) => rest = next,
            None => break,
        }
    }
    segs
}

/// Why `file` may not use `used`, if it may not.
fn violation(file: &str, used: &[String]) -> Option<String> {
    let parts: Vec<&str> = file.trim_end_matches(".rs").split('/').collect();
    let from = parts[0];
    if from == "lib" || from == "main" {
        return None;
    }
    let to = used[0].as_str();
    let (Some(a), Some(b)) = (layer(from), layer(to)) else {
        // A crate-root item (`crate::Error`) or an unknown module.
        return Some(format!("uses crate::{} (not a layered module)", used.join("::")));
    };
    if from != to {
        return (b >= a).then(|| format!("layer `{from}` uses `{to}`, which is not below it"));
    }
    let order = match from {
        "pipeline" => PIPELINE,
        "run" => RUN,
        _ => return None,
    };
    let (Some(s), Some(t)) = (parts.get(1), used.get(1)) else {
        return None;
    };
    let (Some(i), Some(j)) = (
        order.iter().position(|m| m == s),
        order.iter().position(|m| m == t),
    ) else {
        return Some(format!(
            "`{from}::{s}` or `{from}::{t}` is missing from the order in tests/layers.rs"
        ));
    };
    (s != t && j > i).then(|| format!("`{from}::{s}` uses `{from}::{t}`, a later stage"))
}

#[test]
fn imports_point_only_downward() {
    let mut problems = BTreeSet::new();
    for (file, used) in crate_paths() {
        if let Some(why) = violation(&file, &used) {
            problems.insert(format!("src/{file}: {why} (crate::{})", used.join("::")));
        }
    }
    assert!(
        problems.is_empty(),
        "imports against the layering:\n{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_layering_check_sees_a_violation() {
    assert!(violation("model/facts.rs", &["report".into(), "json".into()]).is_some());
    assert!(violation("pipeline/walk.rs", &["pipeline".into(), "engine".into()]).is_some());
    assert!(violation("report/json.rs", &["model".into(), "Report".into()]).is_none());
    assert!(violation("run/shard.rs", &["run".into(), "scan".into()]).is_none());
    assert_eq!(
        used_paths("use crate::{model::Lang, pipeline::walk};\nlet x = crate::report::json::render(r);"),
        vec![
            vec!["model".to_string(), "Lang".into()],
            vec!["pipeline".into(), "walk".into()],
            vec!["report".into(), "json".into(), "render".into()],
        ]
    );
}
