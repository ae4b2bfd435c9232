//! Embeds the data files (`rules/*.yaml`, `rules/tests/*/*`, `queries/<lang>/*.scm`) into the
//! binary, so an installed egress-scan works alone and adding a rule or query
//! file needs no Rust change.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().and_then(|e| e.to_str()) == Some(ext))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// A hash of the sources, data files and locked dependency versions.
fn build_id(root: &Path) -> String {
    use std::hash::Hasher;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let mut stack = vec![root.join("src"), root.join("rules"), root.join("queries")];
    let mut paths = vec![root.join("Cargo.lock")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                paths.push(path);
            }
        }
    }
    paths.sort();
    for path in paths {
        hasher.write(
            path.strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .as_bytes(),
        );
        hasher.write(&fs::read(&path).unwrap_or_default());
    }
    format!("{}-{:016x}", env!("CARGO_PKG_VERSION"), hasher.finish())
}

fn entry(path: &Path, root: &Path) -> String {
    let rel = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    format!("    ({rel:?}, include_str!({:?})),\n", path.display().to_string())
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut code = String::new();

    code.push_str("/// `(path, text)` of every built-in rule file (`rules/*.yaml`).\n");
    code.push_str("pub const RULE_FILES: &[(&str, &str)] = &[\n");
    for path in files(&root.join("rules"), "yaml") {
        code.push_str(&entry(&path, &root));
    }
    code.push_str("];\n\n");

    code.push_str("/// `(path, text)` of the rule tests and their snapshots\n");
    code.push_str("/// (`rules/tests/<rule>/<lang>.yaml` and `.snap`).\n");
    code.push_str("pub const RULE_TEST_FILES: &[(&str, &str)] = &[\n");
    let mut test_dirs: Vec<PathBuf> = fs::read_dir(root.join("rules/tests"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    test_dirs.sort();
    for dir in &test_dirs {
        let mut paths = files(dir, "yaml");
        paths.extend(files(dir, "snap"));
        paths.sort();
        for path in paths {
            code.push_str(&entry(&path, &root));
        }
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    code.push_str("];\n\n");

    for lang in ["typescript", "swift", "kotlin", "java"] {
        let _ = writeln!(
            code,
            "pub const QUERIES_{}: &[(&str, &str)] = &[",
            lang.to_uppercase()
        );
        for path in files(&root.join("queries").join(lang), "scm") {
            code.push_str(&entry(&path, &root));
        }
        code.push_str("];\n\n");
    }
    // Identity of this build's analysis code and data: the facts cache is
    // keyed by it, so facts extracted by another build are never reused.
    let _ = writeln!(code, "pub const BUILD_ID: &str = {:?};", build_id(&root));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=rules/tests");
    println!("cargo:rerun-if-changed=queries");
    for lang in ["typescript", "swift", "kotlin", "java"] {
        println!("cargo:rerun-if-changed=queries/{lang}");
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    fs::write(out, code).expect("write embedded.rs");
}
