//! Entry points for the `cargo fuzz` targets in `fuzz/`, and the replay of
//! their saved crash inputs (`tests/fuzz_regressions/<target>/*`) under
//! `cargo test`, which needs no nightly toolchain.

use std::sync::OnceLock;

use crate::catalog::rules::{parse_rule, RuleSet, RuleSource, SinkCatalog};
use crate::config::Config;
use crate::model::Grammar;
use crate::pipeline::engine::Engine;
use crate::report::baseline::Baseline;
use crate::report::{self, Format};
use crate::run::scan::{scan_sources, SourceFile};
use crate::run::{diff, merge};

fn engine() -> &'static (RuleSet, Engine) {
    static ENGINE: OnceLock<(RuleSet, Engine)> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let rules = RuleSet::load(None).expect("built-in rules load");
        // No prefilter: every input is parsed.
        let engine = Engine::new(&rules, false).expect("built-in queries compile");
        (rules, engine)
    })
}

/// Parses, extracts and analyses one in-memory file, then renders every
/// output format.
pub fn analyse_one(file: &str, grammar: Grammar, data: &[u8]) {
    let (rules, engine) = engine();
    let sources = [SourceFile {
        rel: file.to_string(),
        grammar,
        bytes: data.to_vec(),
    }];
    let report = scan_sources(".".into(), &sources, engine, rules, &Config::default());
    for format in [Format::Json, Format::Sarif, Format::Markdown, Format::Table] {
        let _ = report::render(&report, format, rules, None);
    }
}

/// Parses `data` as a rule file, a sink catalog and a config file; only
/// errors may come out.
pub fn load_rule_and_config(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let source = RuleSource {
        name: "fuzz.yaml".into(),
        text: text.clone(),
    };
    if let Ok(rule) = parse_rule(&source) {
        for (lang, query) in &rule.query {
            for grammar in lang.grammars() {
                let _ = tree_sitter::Query::new(&grammar.language(), query);
            }
        }
    }
    let _ = SinkCatalog::parse(&source);
    let _ = Config::parse("fuzz.toml", &text);
}

/// Parses `data` as a JSON report the way `--baseline`, `merge` and `diff`
/// read one, and merges or compares it with itself; only errors may come out.
pub fn load_report(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = Baseline::parse("fuzz.json", &text);
    if let Ok(report) = merge::parse_report("fuzz.json", &text) {
        let _ = diff::compare(&report, &report);
        let dir = std::env::temp_dir().join(format!("egress-scan-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("report.json");
        if std::fs::write(&path, data).is_ok() {
            let _ = merge::merge_files(&[path.clone(), path]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Target = (&'static str, &'static dyn Fn(&[u8]));

    /// Replays every saved fuzz input of every target.
    #[test]
    fn fuzz_regressions_replay() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
        let targets: [Target; 6] = [
            ("analyse_typescript", &|d| {
                analyse_one("example.ts", Grammar::TypeScript, d)
            }),
            ("analyse_swift", &|d| {
                analyse_one("Example.swift", Grammar::Swift, d)
            }),
            ("analyse_kotlin", &|d| {
                analyse_one("Example.kt", Grammar::Kotlin, d)
            }),
            ("analyse_java", &|d| analyse_one("Example.java", Grammar::Java, d)),
            ("load_rules_and_config", &load_rule_and_config),
            ("load_report", &load_report),
        ];
        let mut replayed = 0;
        for (target, run) in targets {
            let Ok(entries) = std::fs::read_dir(root.join(target)) else {
                continue;
            };
            for entry in entries {
                let path = entry.expect("readable entry").path();
                run(&std::fs::read(&path).expect("readable input"));
                replayed += 1;
            }
        }
        assert!(replayed > 0, "no inputs under {}", root.display());
    }
}
