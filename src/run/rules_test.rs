//! `egress-scan rules test`: runs the rules' test cases, as `sg test` does.
//!
//! A rule's cases live in `rules/tests/<rule>/<lang>.yaml` (`<rule>` is the
//! id without its `egress/`-style prefix): `valid` snippets must give no
//! result of the rule, `invalid` snippets must give one or more, and the
//! results of every invalid case must equal the snapshot kept beside it in
//! `<lang>.snap`. Built-in cases are embedded in the binary; `rules test DIR`
//! adds (or replaces, by path) the cases under `DIR/tests/`, and inline
//! `examples:` of a rule file are run as cases too.
//!
//! Nothing passes by default: a test file that does not load, a case whose
//! snippet does not parse, a case of an unknown rule and a missing snapshot
//! are all failures.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalog::embedded::RULE_TEST_FILES;
use crate::catalog::rules::{Detector, Example, Rule, RuleSet};
use crate::config::Config;
use crate::model::{Grammar, Lang, Report, Stats};
use crate::pipeline::analysis::ParsedFile;
use crate::pipeline::engine::analyse_source;
use crate::pipeline::extract::{CompiledQueries, RuleQuery};
use crate::run::scan::ReportBuilder;

/// How one case went (ast-grep's terms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A valid case with no result.
    Validated,
    /// An invalid case whose results match its snapshot.
    Reported,
    /// A valid case with results.
    Noisy,
    /// An invalid case without results.
    Missing,
    /// An invalid case whose results differ from its snapshot (or that has none).
    Wrong { expected: Option<String> },
    /// The case could not be run: its file did not load, its snippet did not parse.
    Error(String),
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub rule_id: String,
    /// Where the case is written (`rules/tests/token-in-url/swift.yaml`).
    pub source: String,
    pub lang: Option<Lang>,
    /// `valid` or `invalid`.
    pub kind: &'static str,
    /// 1-based position among the cases of its kind.
    pub index: usize,
    /// The rule's results, one line each (see [`result_lines`]).
    pub results: Vec<String>,
    pub verdict: Verdict,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        matches!(self.verdict, Verdict::Validated | Verdict::Reported)
    }

    pub fn describe(&self) -> String {
        let case = format!("{} {} #{}", self.source, self.kind, self.index);
        match &self.verdict {
            Verdict::Validated | Verdict::Reported => format!("{case}: {} result(s)", self.results.len()),
            Verdict::Noisy => format!("{case}: expected no result, got:\n{}", indent(&self.results)),
            Verdict::Missing => format!("{case}: expected a result, got none"),
            Verdict::Wrong { expected: None } => format!(
                "{case}: no snapshot (run `egress-scan rules test DIR --update`); results:\n{}",
                indent(&self.results)
            ),
            Verdict::Wrong {
                expected: Some(expected),
            } => format!(
                "{case}: results differ from the snapshot\n  expected:\n{}\n  got:\n{}",
                indent_text(expected),
                indent(&self.results)
            ),
            Verdict::Error(why) => format!("{case}: {why}"),
        }
    }
}

fn indent(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn indent_text(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A test file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    id: String,
    #[serde(default)]
    valid: Vec<Case>,
    #[serde(default)]
    invalid: Vec<Case>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    code: String,
    /// File name to give the snippet (decides the grammar, e.g. `.tsx`).
    #[serde(default)]
    file: Option<String>,
}

/// Test files by path relative to their rules folder
/// (`tests/<rule>/<lang>.yaml` and `.snap`): the built-in ones, replaced or
/// extended by those of `dir`.
pub fn test_files(dir: Option<&Path>) -> BTreeMap<String, (PathBuf, String)> {
    let mut files: BTreeMap<String, (PathBuf, String)> = RULE_TEST_FILES
        .iter()
        .map(|(path, text)| {
            let rel = path.strip_prefix("rules/").unwrap_or(path).to_string();
            (rel, (PathBuf::from(path), text.to_string()))
        })
        .collect();
    if let Some(dir) = dir {
        let Ok(entries) = std::fs::read_dir(dir.join("tests")) else {
            return files;
        };
        let mut rule_dirs: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        rule_dirs.sort();
        for rule_dir in rule_dirs {
            let Ok(entries) = std::fs::read_dir(&rule_dir) else {
                continue;
            };
            for path in entries.filter_map(Result::ok).map(|e| e.path()) {
                let ext = path.extension().and_then(|e| e.to_str());
                if !matches!(ext, Some("yaml" | "snap")) || !path.is_file() {
                    continue;
                }
                let rel = format!(
                    "tests/{}/{}",
                    rule_dir.file_name().unwrap_or_default().to_string_lossy(),
                    path.file_name().unwrap_or_default().to_string_lossy()
                );
                // An unreadable file is kept with empty text: it fails to load.
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                files.insert(rel, (path, text));
            }
        }
    }
    // A snapshot belongs to the test file beside it: a user's test file
    // never pairs with the built-in snapshot it replaces.
    let parents: BTreeMap<String, Option<PathBuf>> = files
        .iter()
        .filter_map(|(rel, (path, _))| {
            Some((
                rel.strip_suffix(".yaml")?.to_string(),
                path.parent().map(Path::to_path_buf),
            ))
        })
        .collect();
    files.retain(|rel, (path, _)| match rel.strip_suffix(".snap") {
        Some(stem) => parents
            .get(stem)
            .is_none_or(|parent| *parent == path.parent().map(Path::to_path_buf)),
        None => true,
    });
    files
}

/// Runs every test case: the test files of [`test_files`], then the inline
/// `examples` of the loaded rules.
pub fn run_tests(rules: &RuleSet, dir: Option<&Path>) -> Vec<CaseResult> {
    let files = test_files(dir);
    let mut runner = Runner::new(rules);
    let mut out = Vec::new();
    for (rel, (path, text)) in &files {
        let Some(stem) = rel.strip_suffix(".yaml") else {
            continue;
        };
        let source = path.display().to_string();
        let snapshot = files.get(&format!("{stem}.snap")).map(|(_, t)| parse_snapshot(t));
        out.extend(run_file(&mut runner, &source, stem, text, snapshot.as_ref()));
    }
    for rule in &rules.rules {
        for (kind, examples) in [("invalid", &rule.examples.bad), ("valid", &rule.examples.good)] {
            for (i, example) in examples.iter().enumerate() {
                let results = runner.results(rule, example);
                out.push(judge(
                    rule,
                    format!("{} (inline examples)", rule.id),
                    Some(example.lang),
                    kind,
                    i + 1,
                    results,
                    Expected::AnyResult,
                ));
            }
        }
    }
    out
}

/// Runs the cases of one test file; `stem` is `tests/<rule>/<lang>`.
fn run_file(
    runner: &mut Runner,
    source: &str,
    stem: &str,
    text: &str,
    snapshot: Option<&BTreeMap<usize, String>>,
) -> Vec<CaseResult> {
    let error = |lang, why: String| CaseResult {
        rule_id: String::new(),
        source: source.to_string(),
        lang,
        kind: "file",
        index: 1,
        results: Vec::new(),
        verdict: Verdict::Error(why),
    };
    let lang_name = stem.rsplit('/').next().unwrap_or("");
    let Some(lang) = Lang::parse_name(lang_name) else {
        return vec![error(
            None,
            format!("`{lang_name}` is not a language (typescript, swift, kotlin)"),
        )];
    };
    let file: TestFile = match serde_yaml::from_str(text) {
        Ok(file) => file,
        Err(e) => return vec![error(Some(lang), format!("does not load: {e}"))],
    };
    let Some(rule) = runner.rules.get(&file.id) else {
        return vec![error(Some(lang), format!("no loaded rule `{}`", file.id))];
    };
    let mut out = Vec::new();
    for (kind, cases) in [("valid", &file.valid), ("invalid", &file.invalid)] {
        for (i, case) in cases.iter().enumerate() {
            let example = Example {
                lang,
                code: case.code.clone(),
                file: case.file.clone(),
            };
            let results = runner.results(rule, &example);
            let expected = Expected::Snapshot(snapshot.and_then(|s| s.get(&(i + 1)).cloned()));
            out.push(judge(
                rule,
                source.to_string(),
                Some(lang),
                kind,
                i + 1,
                results,
                expected,
            ));
        }
    }
    out
}

/// What the results of an invalid case must be.
enum Expected {
    /// Any result: inline `examples` of a rule file keep no snapshot.
    AnyResult,
    /// Equal to the case's snapshot; `None` when none was kept.
    Snapshot(Option<String>),
}

/// The verdict of a case of `kind` (`valid` or `invalid`).
fn judge(
    rule: &Rule,
    source: String,
    lang: Option<Lang>,
    kind: &'static str,
    index: usize,
    results: Result<Vec<String>, String>,
    expected: Expected,
) -> CaseResult {
    let (results, verdict) = match results {
        Err(why) => (Vec::new(), Verdict::Error(why)),
        Ok(results) => {
            let verdict = match (kind, results.is_empty(), expected) {
                ("valid", true, _) => Verdict::Validated,
                ("valid", false, _) => Verdict::Noisy,
                (_, true, _) => Verdict::Missing,
                (_, false, Expected::AnyResult) => Verdict::Reported,
                (_, false, Expected::Snapshot(Some(snap))) if snap == results.join("\n") => Verdict::Reported,
                (_, false, Expected::Snapshot(expected)) => Verdict::Wrong { expected },
            };
            (results, verdict)
        }
    };
    CaseResult {
        rule_id: rule.id.clone(),
        source,
        lang,
        kind,
        index,
        results,
        verdict,
    }
}

/// Scans snippets as one-file projects, compiling each grammar's queries
/// once (the Swift queries alone take a quarter of a second to compile).
pub struct Runner<'a> {
    rules: &'a RuleSet,
    queries: HashMap<Grammar, Result<CompiledQueries, String>>,
}

impl<'a> Runner<'a> {
    pub fn new(rules: &'a RuleSet) -> Self {
        Runner {
            rules,
            queries: HashMap::new(),
        }
    }

    /// The rule's results on one snippet; an error when the snippet cannot
    /// be parsed cleanly.
    fn results(&mut self, rule: &Rule, example: &Example) -> Result<Vec<String>, String> {
        Ok(result_lines(rule, &self.scan(example)?))
    }

    /// Scans one snippet as a single-file project.
    pub fn scan(&mut self, example: &Example) -> Result<Report, String> {
        let file = example.file.clone().unwrap_or_else(|| {
            match example.lang {
                Lang::Typescript => "example.ts",
                Lang::Swift => "Example.swift",
                Lang::Kotlin => "Example.kt",
                Lang::Java => "Example.java",
            }
            .to_string()
        });
        let grammar =
            Grammar::for_path(Path::new(&file)).ok_or_else(|| format!("`{file}` has no known extension"))?;
        if grammar.lang() != example.lang {
            return Err(format!("`{file}` is not a {} file", example.lang.name()));
        }
        let rules = self.rules;
        let queries = self
            .queries
            .entry(grammar)
            .or_insert_with(|| compile(rules, grammar))
            .as_ref()
            .map_err(Clone::clone)?;
        let facts = analyse_source(&file, grammar, example.code.as_bytes(), queries)
            .map_err(|e| format!("the snippet does not parse: {e:?}"))?;
        if facts.parse_error {
            return Err("the snippet has a syntax error; fix the case".into());
        }
        let config = Config::default();
        Ok(
            ReportBuilder::new(rules, &config).build(
                ".".into(),
                Stats::default(),
                &[&ParsedFile::new(facts)],
            ),
        )
    }
}

/// The built-in and rule queries of `grammar`.
fn compile(rules: &RuleSet, grammar: Grammar) -> Result<CompiledQueries, String> {
    let mut rule_queries = Vec::new();
    for (index, rule) in rules.rules.iter().enumerate() {
        if let Some(text) = rule.query.get(&grammar.lang()) {
            let query = tree_sitter::Query::new(&grammar.language(), text)
                .map_err(|e| format!("rule {}: query does not compile: {e}", rule.id))?;
            let match_capture = query
                .capture_index_for_name("match")
                .ok_or_else(|| format!("rule {}: query has no @match capture", rule.id))?;
            rule_queries.push(RuleQuery {
                rule_index: index,
                query,
                match_capture,
            });
        }
    }
    CompiledQueries::new(grammar, rule_queries).map_err(|e| format!("queries do not compile: {e}"))
}

/// One line per result of `rule` in `report`: `line:column severity
/// message` for findings; `line:column api url` for the call sites of
/// `egress/outbound-call`, which feeds the inventory instead.
pub fn result_lines(rule: &Rule, report: &Report) -> Vec<String> {
    if rule.detector == Some(Detector::OutboundCall) {
        return report
            .calls
            .iter()
            .map(|c| {
                format!(
                    "{}:{} {} {}",
                    c.line,
                    c.column,
                    c.api,
                    c.url.as_deref().unwrap_or("-")
                )
            })
            .collect();
    }
    report
        .findings
        .iter()
        .filter(|f| f.rule_id == rule.id)
        .map(|f| format!("{}:{} {} {}", f.line, f.column, f.severity.as_str(), f.message))
        .collect()
}

/// Snapshot text: `invalid #N` headers, each followed by its result lines
/// indented by two spaces; `#` lines are comments.
fn parse_snapshot(text: &str) -> BTreeMap<usize, String> {
    let mut out: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("invalid #") {
            current = n.trim().parse::<usize>().ok();
            if let Some(n) = current {
                out.entry(n).or_default();
            }
        } else if let (Some(n), Some(result)) = (current, line.strip_prefix("  ")) {
            out.entry(n).or_default().push(result);
        }
    }
    out.into_iter().map(|(n, lines)| (n, lines.join("\n"))).collect()
}

/// The snapshot text of one test file's invalid cases.
pub fn render_snapshot(source: &str, results: &[&CaseResult]) -> String {
    let mut out = format!(
        "# Results of the invalid cases of {source}, written by `egress-scan rules test DIR --update`.\n"
    );
    for r in results.iter().filter(|r| r.kind == "invalid") {
        out.push_str(&format!("invalid #{}\n", r.index));
        for line in &r.results {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

/// Writes the snapshots of the test files under `dir` from `results`;
/// returns the files written.
pub fn update_snapshots(dir: &Path, results: &[CaseResult]) -> std::io::Result<Vec<PathBuf>> {
    let mut by_source: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
    for r in results {
        by_source.entry(r.source.as_str()).or_default().push(r);
    }
    let mut written = Vec::new();
    for (source, results) in by_source {
        let path = Path::new(source);
        if !path.starts_with(dir) || path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        if results.iter().any(|r| matches!(r.verdict, Verdict::Error(_))) {
            continue;
        }
        let snap = path.with_extension("snap");
        std::fs::write(&snap, render_snapshot(&display(dir, path), &results))?;
        written.push(snap);
    }
    Ok(written)
}

fn display(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{name}/{}", rel.display()).replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin_results() -> Vec<CaseResult> {
        let rules = RuleSet::builtin().expect("built-in rules load");
        run_tests(&rules, None)
    }

    #[test]
    fn builtin_rule_tests_pass() {
        let results = builtin_results();
        assert!(results.len() >= 60, "too few cases: {}", results.len());
        let failed: Vec<String> = results
            .iter()
            .filter(|r| !r.passed())
            .map(|r| format!("{} {}", r.rule_id, r.describe()))
            .collect();
        assert!(failed.is_empty(), "failing cases:\n{}", failed.join("\n"));
    }

    #[test]
    fn every_rule_has_valid_and_invalid_cases_in_each_of_its_languages() {
        let rules = RuleSet::builtin().expect("built-in rules load");
        let results = builtin_results();
        for rule in &rules.rules {
            for lang in &rule.languages {
                for kind in ["valid", "invalid"] {
                    assert!(
                        results
                            .iter()
                            .any(|r| r.rule_id == rule.id && r.lang == Some(*lang) && r.kind == kind),
                        "{} has no {kind} case in {}",
                        rule.id,
                        lang.name()
                    );
                }
            }
        }
    }

    /// "Add a sink" is a catalog entry plus a case: every API the built-in
    /// sink catalogs name is found by some `egress/outbound-call` case of
    /// its language.
    #[test]
    fn every_catalog_api_has_an_outbound_call_case() {
        let rules = RuleSet::builtin().expect("built-in rules load");
        let results = builtin_results();
        let found: std::collections::BTreeSet<(Lang, String)> = results
            .iter()
            .filter(|r| r.rule_id == "egress/outbound-call" && r.kind == "invalid")
            .flat_map(|r| {
                r.results
                    .iter()
                    // `line:column api url`; an API name may hold spaces.
                    .filter_map(move |line| {
                        let api = line.split_once(' ')?.1.rsplit_once(' ')?.0;
                        Some((r.lang?, api.to_string()))
                    })
            })
            .collect();
        let sinks = &rules.sinks;
        let apis = sinks
            .sinks
            .iter()
            .flat_map(|s| s.lang.iter().map(|lang| (lang, s.api.clone())))
            .chain(
                sinks
                    .clients
                    .iter()
                    .flat_map(|c| c.lang.iter().map(|lang| (lang, c.api.clone()))),
            );
        let missing: std::collections::BTreeSet<String> = apis
            .filter(|(lang, api)| !found.iter().any(|(l, a)| l == lang && a == api))
            .map(|(lang, api)| format!("{} {api}", lang.name()))
            .collect();
        assert!(
            missing.is_empty(),
            "sink APIs without an outbound-call case: {missing:?}"
        );
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn user_results(files: &[(&str, &str)]) -> Vec<CaseResult> {
        let dir = tempfile::tempdir().expect("tempdir");
        for (rel, text) in files {
            write(dir.path(), rel, text);
        }
        let rules = RuleSet::builtin().expect("built-in rules load");
        run_tests(&rules, Some(dir.path()))
            .into_iter()
            .filter(|r| r.source.starts_with(&dir.path().display().to_string()))
            .collect()
    }

    const LEAK: &str = "const k = process.env.API_KEY;\nfetch(`https://api.example.io/v1?api_key=${k}`);\n";

    #[test]
    fn a_test_file_that_does_not_load_fails() {
        let results = user_results(&[(
            "tests/token-in-url/typescript.yaml",
            "id: egress/token-in-url\nvalid: [oops\n",
        )]);
        assert_eq!(results.len(), 1);
        assert!(matches!(results[0].verdict, Verdict::Error(_)), "{results:?}");
        let unknown = user_results(&[("tests/nope/typescript.yaml", "id: egress/nope\nvalid: []\n")]);
        assert!(matches!(unknown[0].verdict, Verdict::Error(_)), "{unknown:?}");
        let no_lang = user_results(&[("tests/token-in-url/cobol.yaml", "id: egress/token-in-url\n")]);
        assert!(matches!(no_lang[0].verdict, Verdict::Error(_)), "{no_lang:?}");
    }

    #[test]
    fn a_valid_case_with_a_leak_is_noisy_and_an_unparsable_case_fails() {
        let text = format!(
            "id: egress/token-in-url\nvalid:\n  - code: |\n{}\n  - code: 'fetch((('\n",
            LEAK.lines()
                .map(|l| format!("      {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let results = user_results(&[("tests/token-in-url/typescript.yaml", &text)]);
        assert_eq!(results.len(), 2, "{results:?}");
        assert_eq!(results[0].verdict, Verdict::Noisy, "{results:?}");
        assert!(matches!(results[1].verdict, Verdict::Error(_)), "{results:?}");
    }

    #[test]
    fn invalid_cases_need_a_matching_snapshot() {
        let case = format!(
            "id: egress/token-in-url\ninvalid:\n  - code: |\n{}\n",
            LEAK.lines()
                .map(|l| format!("      {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let rel = "tests/token-in-url/typescript.yaml";
        let none = user_results(&[(rel, &case)]);
        assert_eq!(none[0].verdict, Verdict::Wrong { expected: None }, "{none:?}");

        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), rel, &case);
        let rules = RuleSet::builtin().expect("built-in rules load");
        let first: Vec<CaseResult> = run_tests(&rules, Some(dir.path()))
            .into_iter()
            .filter(|r| r.source.starts_with(&dir.path().display().to_string()))
            .collect();
        let written = update_snapshots(dir.path(), &first).expect("writes");
        assert_eq!(written.len(), 1);
        let snap = std::fs::read_to_string(&written[0]).expect("snapshot");
        assert!(snap.contains("invalid #1\n  2:"), "{snap}");
        let again: Vec<CaseResult> = run_tests(&rules, Some(dir.path()))
            .into_iter()
            .filter(|r| r.source.starts_with(&dir.path().display().to_string()))
            .collect();
        assert_eq!(again[0].verdict, Verdict::Reported, "{again:?}");

        write(
            dir.path(),
            "tests/token-in-url/typescript.snap",
            "invalid #1\n  9:9 high something else\n",
        );
        let wrong: Vec<CaseResult> = run_tests(&rules, Some(dir.path()))
            .into_iter()
            .filter(|r| r.source.starts_with(&dir.path().display().to_string()))
            .collect();
        assert!(
            matches!(wrong[0].verdict, Verdict::Wrong { expected: Some(_) }),
            "{wrong:?}"
        );
    }

    #[test]
    fn snapshots_round_trip() {
        let parsed = parse_snapshot("# comment\ninvalid #1\n  1:2 high a\n  3:4 high b\ninvalid #2\n");
        assert_eq!(parsed.get(&1).map(String::as_str), Some("1:2 high a\n3:4 high b"));
        assert_eq!(parsed.get(&2).map(String::as_str), Some(""));
    }
}
