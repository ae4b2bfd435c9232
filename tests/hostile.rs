//! A hostile repository, generated at test time (most of it cannot live in
//! git): encodings, binary and huge files, deep nesting, symlinks, special
//! files and odd names. The scan must finish, count what it skipped and
//! still find the real endpoint. See issue 8.

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::time::Duration;

use crate::common::{egress_scan, strings};

/// A hang guard, not a timed assertion: debug builds on a loaded machine
/// take a few seconds for this corpus.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// The endpoint of the one ordinary file; it must always be found.
const REAL: &str = "https://real.example.com/v1/ping";

const KOTLIN_IMPORTS: &str = "import okhttp3.OkHttpClient\nimport okhttp3.Request\n";

pub struct Corpus {
    pub dir: tempfile::TempDir,
    /// Holds the target of the outward symlink; must outlive the scan.
    _outside: tempfile::TempDir,
    /// False when running as root, where mode 000 files stay readable.
    pub unreadable_is_unreadable: bool,
}

fn deep_call(n: usize) -> String {
    format!(
        "fetch(\"https://deep-call.example.com/x\");\nconst x = {}1{};\n",
        "f(\n".repeat(n),
        ")\n".repeat(n)
    )
}

fn deep_template(n: usize) -> String {
    format!(
        "fetch(\"https://deep-template.example.com/x\");\nconst t = {}1{};\n",
        "`a${\n".repeat(n),
        "}`\n".repeat(n)
    )
}

/// The corpus, with expressions nested `depth` levels deep.
pub fn hostile_corpus(depth: usize) -> Corpus {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let outside = tempfile::tempdir().expect("temp dir");

    // The ordinary file.
    fs::write(
        root.join("client.ts"),
        format!("export const ping = () => fetch(\"{REAL}\");\n"),
    )
    .unwrap();

    // Encodings: Latin-1 bytes inside a string, mixed with UTF-8.
    let mut latin1 =
        b"const caf\xe9 = \"na\xefve \xc3\xa9\";\nfetch(\"https://latin1.example.com/a\");\n".to_vec();
    latin1.extend_from_slice(b"// \xff\xfe\xfd broken tail\n");
    fs::write(root.join("latin1.ts"), latin1).unwrap();
    // UTF-16 LE with BOM: NUL bytes everywhere, counted as binary.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "fetch(\"https://utf16.example.com/\");\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    fs::write(root.join("utf16.ts"), utf16).unwrap();
    fs::write(
        root.join("nul.ts"),
        b"fetch(\"https://nul.example.com/\");\0\0\0\n",
    )
    .unwrap();

    // 50 MB, sparse: skipped by size, never read.
    let big = fs::File::create(root.join("huge.ts")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();
    // 5 MB on one line: a minified bundle (under a raised size limit below).
    let mut bundle = String::from("fetch(\"https://bundle.example.com/\");");
    while bundle.len() < 5 * 1024 * 1024 {
        bundle.push_str("var a=function(b){return b+1};");
    }
    fs::write(root.join("bundle.js"), bundle).unwrap();

    // Deep nesting.
    fs::write(root.join("deep_call.ts"), deep_call(depth)).unwrap();
    fs::write(root.join("deep_template.ts"), deep_template(depth)).unwrap();
    fs::write(
        root.join("deep_plus.ts"),
        format!(
            "fetch(\"https://deep-plus.example.com/x\");\nconst s = {};\n",
            vec!["\"a\""; depth].join(" +\n")
        ),
    )
    .unwrap();
    fs::write(
        root.join("Deep.kt"),
        format!(
            "{}fun main() {{\n    OkHttpClient().newCall(Request.Builder().url(\"https://deep-kotlin.example.com/x\").build()).execute()\n    val x = {}1{}\n}}\n",
            KOTLIN_IMPORTS,
            "f(\n".repeat(depth.min(3_000)),
            ")\n".repeat(depth.min(3_000))
        ),
    )
    .unwrap();

    // Symlinks: a loop and one leaving the root (not followed).
    fs::create_dir(root.join("loop")).unwrap();
    symlink("..", root.join("loop/up")).unwrap();
    symlink(root.join("loop"), root.join("loop/self")).unwrap();
    fs::write(
        outside.path().join("secret.ts"),
        "fetch(\"https://outside.example.com/\");\n",
    )
    .unwrap();
    symlink(outside.path().join("secret.ts"), root.join("escape.ts")).unwrap();
    symlink(outside.path(), root.join("escape_dir")).unwrap();

    // Unreadable file.
    let locked = root.join("locked.ts");
    fs::write(&locked, "fetch(\"https://locked.example.com/\");\n").unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads mode 000 files anyway: then there is nothing to count.
    let unreadable_is_unreadable = fs::File::open(&locked).is_err();

    // A FIFO named like source: opening it would block forever.
    let fifo = root.join("pipe.ts");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());

    // Odd names.
    fs::write(
        root.join("new\nline.ts"),
        "fetch(\"https://newline-name.example.com/\");\n",
    )
    .unwrap();
    let bad_name = std::ffi::OsStr::from_bytes(b"bad\xffname.ts");
    fs::write(root.join(bad_name), "fetch(\"https://bad-name.example.com/\");\n").unwrap();

    // 200 levels of empty directories.
    let mut deep_dir = root.to_path_buf();
    for i in 0..200 {
        deep_dir.push(format!("d{i}"));
    }
    fs::create_dir_all(&deep_dir).unwrap();

    Corpus {
        dir,
        _outside: outside,
        unreadable_is_unreadable,
    }
}

impl Drop for Corpus {
    fn drop(&mut self) {
        // Let the temp dir be removed when not running as root.
        let _ = fs::set_permissions(
            self.dir.path().join("locked.ts"),
            fs::Permissions::from_mode(0o644),
        );
    }
}

/// Runs `scan` on `root` with extra args; returns stdout.
pub fn run_scan(root: &Path, args: &[&str]) -> Vec<u8> {
    let out = egress_scan()
        .arg("scan")
        .arg(root)
        .args(["--max-file-size", "8000000"])
        .args(args)
        .timeout(HANG_GUARD)
        .output()
        .expect("runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "status {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn hostile_repository_is_scanned_without_panic_or_hang() {
    let corpus = hostile_corpus(10_000);
    let stdout = run_scan(corpus.dir.path(), &["-f", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&stdout).expect("valid JSON");
    let urls: Vec<&str> = strings(&report, "endpoints", "url");
    let has = |needle: &str| urls.iter().any(|u| u.contains(needle));

    // The rest of the repository is still scanned.
    assert!(has("real.example.com"), "{urls:?}");
    assert!(has("latin1.example.com"), "{urls:?}");
    assert!(has("deep-call.example.com"), "{urls:?}");
    assert!(has("deep-template.example.com"), "{urls:?}");
    assert!(has("deep-plus.example.com"), "{urls:?}");
    assert!(has("deep-kotlin.example.com"), "{urls:?}");
    assert!(has("newline-name.example.com"), "{urls:?}");
    assert!(has("bad-name.example.com"), "{urls:?}");
    // Symlinks are not followed, so nothing outside the root is read.
    assert!(!has("outside.example.com"), "{urls:?}");
    // Skipped files contribute nothing.
    for skipped in ["utf16", "nul.example", "bundle.example", "locked.example"] {
        if skipped == "locked.example" && !corpus.unreadable_is_unreadable {
            continue;
        }
        assert!(!has(skipped), "{skipped}: {urls:?}");
    }

    let skipped = &report["stats"]["files_skipped"];
    assert_eq!(skipped["binary"], 2, "UTF-16 and NUL files: {skipped}");
    assert_eq!(skipped["too_large"], 1, "the 50 MB file: {skipped}");
    assert_eq!(skipped["minified"], 1, "the 5 MB bundle: {skipped}");
    assert_eq!(
        skipped["symlink_or_special"], 2,
        "escape.ts (symlink) and pipe.ts (FIFO): {skipped}"
    );
    if corpus.unreadable_is_unreadable {
        assert_eq!(skipped["unreadable"], 1, "the mode 000 file: {skipped}");
    } else {
        // Running as root: mode 000 does not stop reads, the file is scanned.
        eprintln!("running as root: mode 000 file is readable, unreadable count not asserted");
    }

    // Names are reported (lossily for non-UTF-8) and survive the JSON round trip.
    let files: Vec<&str> = report["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["locations"].as_array().unwrap())
        .map(|l| l["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"new\nline.ts"), "{files:?}");
    assert!(files.contains(&"bad\u{fffd}name.ts"), "{files:?}");
}

#[test]
fn deep_nesting_in_every_language_finishes() {
    // Kotlin and Swift at the depth that used to hang (issue 8).
    let dir = tempfile::tempdir().unwrap();
    let n = 3_000;
    fs::write(
        dir.path().join("Deep.kt"),
        format!(
            "{}fun main() {{\n    OkHttpClient().newCall(Request.Builder().url(\"https://kt.example.com/x\").build()).execute()\n    val s = {}\n}}\n",
            KOTLIN_IMPORTS,
            vec!["\"a\""; n].join(" +\n")
        ),
    )
    .unwrap();
    fs::write(
        dir.path().join("Deep.swift"),
        format!(
            "let u = URL(string: \"https://swift.example.com/x\")!\nURLSession.shared.dataTask(with: u)\nlet x = {}1{}\n",
            "f(\n".repeat(n),
            ")\n".repeat(n)
        ),
    )
    .unwrap();
    let chain: String = (0..200).map(|i| format!("\n  .m{i}(\"x\")")).collect();
    fs::write(
        dir.path().join("chain.ts"),
        format!("fetch(\"https://chain.example.com/x\");\nconst b = a{chain};\n"),
    )
    .unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&run_scan(dir.path(), &["-f", "json"])).expect("valid JSON");
    let text = report["endpoints"].to_string();
    for host in ["kt.example.com", "chain.example.com"] {
        assert!(text.contains(host), "{host}: {text}");
    }
    assert_eq!(report["stats"]["files_parsed"], 3, "{}", report["stats"]);
}

#[test]
fn runaway_parse_is_abandoned_and_counted() {
    // Found by fuzzing: tree-sitter-kotlin-ng's error recovery loops on it.
    let dir = tempfile::tempdir().unwrap();
    let input =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions/analyse_kotlin/parse-loop-nsd.kt");
    fs::copy(&input, dir.path().join("Loop.kt")).unwrap();
    fs::write(
        dir.path().join("Client.kt"),
        format!(
            "{}fun main() {{\n    OkHttpClient().newCall(Request.Builder().url(\"https://after-loop.example.com/x\").build()).execute()\n}}\n",
            KOTLIN_IMPORTS
        ),
    )
    .unwrap();
    let stdout = run_scan(dir.path(), &["-f", "json", "--no-cache"]);
    let report: serde_json::Value = serde_json::from_slice(&stdout).expect("valid JSON");
    assert_eq!(
        report["stats"]["files_skipped"]["parse_abandoned"], 1,
        "{}",
        report["stats"]
    );
    let urls: Vec<&str> = strings(&report, "endpoints", "url");
    assert!(
        urls.iter().any(|u| u.contains("after-loop.example.com")),
        "{urls:?}"
    );
}
