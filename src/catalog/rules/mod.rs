//! Rules are data: `rules/*.yaml`, embedded at build time and merged with
//! `--rules DIR`. This module holds the raw (serde) shapes, validation with
//! source-pointing diagnostics, and the compiled registry.

mod builtin;
mod detector;
mod error;
mod sinks;

use std::path::Path;

use crate::input::{self, Links};

use serde::{Deserialize, Serialize};

use crate::model::Lang;

use crate::model::Severity;
pub use detector::Detector;
pub use error::RuleError;
pub use sinks::{
    ClientFactory, ClientPackage, DefaultExport, Framework, RedirectDelegate, Route, SinkCatalog, SinkSpec,
    UrlParams, UrlSpec,
};

/// One example snippet of a rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub lang: Lang,
    pub code: String,
    /// File name to give the snippet (decides grammar, e.g. `.tsx`); optional.
    #[serde(default)]
    pub file: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default)]
    pub bad: Vec<Example>,
    #[serde(default)]
    pub good: Vec<Example>,
}

/// A rule as written in YAML. Every field is user documentation as well:
/// `message` is the one-line result text, `help` the markdown shown by
/// `explain` and in SARIF.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    pub languages: Vec<Lang>,
    /// Short description (SARIF `shortDescription`, table titles).
    pub title: String,
    /// Result message; `{host}`, `{url}`, `{credential}`, `{detail}` are filled in.
    pub message: String,
    pub help: String,
    /// Words whose presence lets a file through the prefilter.
    #[serde(default)]
    pub triggers: Vec<String>,
    /// A built-in analysis that produces this rule's results; several
    /// rules may name one detector, each gets its own results.
    #[serde(default)]
    pub detector: Option<Detector>,
    /// Per-language tree-sitter queries; each must capture `@match`.
    #[serde(default)]
    pub query: std::collections::BTreeMap<Lang, String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub examples: Examples,
}

/// Where a rule file came from, for diagnostics.
#[derive(Debug, Clone)]
pub struct RuleSource {
    pub name: String,
    pub text: String,
}

/// All loaded rules plus the sink catalog.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub sinks: SinkCatalog,
}

impl RuleSet {
    /// Built-in rules and sinks only.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        Self::load(None)
    }

    /// Built-ins merged with the `*.yaml`/`*.yml` files of `extra`. A user rule
    /// with a built-in id replaces it; two user files with one id are an error.
    pub fn load(extra: Option<&Path>) -> Result<RuleSet, RuleError> {
        let user = match extra {
            Some(dir) => read_rule_dir(dir)?,
            None => Vec::new(),
        };
        Self::with_user_files(user)
    }

    /// Built-ins merged with user rule and sink files already read (from a
    /// folder, or from a git revision by `diff`).
    pub fn with_user_files(user: Vec<RuleSource>) -> Result<RuleSet, RuleError> {
        let mut rules: Vec<Rule> = Vec::new();
        for (name, text) in builtin::rule_files() {
            rules.push(parse_rule(&RuleSource {
                name: name.into(),
                text: text.into(),
            })?);
        }
        let mut sinks = SinkCatalog::default();
        for (name, text) in builtin::sink_files() {
            sinks.extend(SinkCatalog::parse(&RuleSource {
                name: name.into(),
                text: text.into(),
            })?);
        }
        {
            let mut user_ids: Vec<(String, String)> = Vec::new();
            for source in user {
                let file_name = Path::new(&source.name)
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("");
                if file_name.starts_with("sinks") {
                    sinks.extend(SinkCatalog::parse(&source)?);
                    continue;
                }
                if builtin::is_services(file_name) {
                    // The built-in catalog itself adds nothing; any other
                    // services file would be ignored, which must not pass
                    // silently.
                    if builtin::is_builtin_services(file_name, &source.text) {
                        continue;
                    }
                    return Err(RuleError::services_in_rule_dir(&source));
                }
                let rule = parse_rule(&source)?;
                if let Some((_, first)) = user_ids.iter().find(|(id, _)| *id == rule.id) {
                    return Err(RuleError::duplicate(&source, &rule.id, first));
                }
                user_ids.push((rule.id.clone(), source.name.clone()));
                rules.retain(|r| r.id != rule.id);
                rules.push(rule);
            }
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(RuleSet { rules, sinks })
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Every rule that a built-in detector produces results for, in id order.
    pub fn with_detector(&self, detector: Detector) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(move |r| r.detector == Some(detector))
    }
}

/// The built-in sink catalogs alone, parsed once. For the stages that run
/// before a rule set reaches them: extraction reads the catalog's
/// `default_exports` from here, so a `--rules DIR` sinks file does not
/// extend those.
pub fn builtin_sinks() -> &'static SinkCatalog {
    static SINKS: std::sync::OnceLock<SinkCatalog> = std::sync::OnceLock::new();
    SINKS.get_or_init(|| {
        let mut sinks = SinkCatalog::default();
        for (name, text) in builtin::sink_files() {
            let source = RuleSource {
                name: name.into(),
                text: text.into(),
            };
            sinks.extend(SinkCatalog::parse(&source).expect("the built-in sink catalogs are valid"));
        }
        sinks
    })
}

fn read_rule_dir(dir: &Path) -> Result<Vec<RuleSource>, RuleError> {
    let entries = std::fs::read_dir(dir).map_err(|e| RuleError::io(dir, e))?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            // Rule folders may sit in the scanned repository: a link there
            // could point at any file of the machine running the scan.
            let text =
                input::read_text(&path, Links::Refuse, input::SMALL_FILE_CAP).map_err(|e| RuleError::Io {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?;
            Ok(RuleSource {
                name: path.display().to_string(),
                text,
            })
        })
        .collect()
}

pub fn parse_rule(source: &RuleSource) -> Result<Rule, RuleError> {
    if error::too_deep(&source.text) {
        return Err(RuleError::too_deep(source));
    }
    let rule: Rule = serde_yaml::from_str(&source.text).map_err(|e| {
        // An unknown detector name points at the `detector:` field.
        let text = e.to_string();
        match text.find("unknown detector") {
            Some(at) => {
                let message = text[at..].split(" at line ").next().unwrap_or(&text[at..]);
                RuleError::invalid(source, "detector", message)
            }
            None => RuleError::yaml(source, e),
        }
    })?;
    validate(&rule, source)?;
    Ok(rule)
}

fn validate(rule: &Rule, source: &RuleSource) -> Result<(), RuleError> {
    let id_ok = !rule.id.is_empty()
        && rule
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'));
    if !id_ok {
        return Err(RuleError::invalid(
            source,
            "id",
            "rule ids use letters, digits and `/ - _ .`",
        ));
    }
    if rule.languages.is_empty() {
        return Err(RuleError::invalid(
            source,
            "languages",
            "a rule needs at least one language",
        ));
    }
    if rule.detector.is_none() && rule.query.is_empty() {
        return Err(RuleError::invalid(
            source,
            "id",
            "a rule needs a `detector` or a `query`",
        ));
    }
    if rule.detector.is_none() && rule.triggers.is_empty() {
        return Err(RuleError::invalid(
            source,
            "triggers",
            "query rules need `triggers` so the prefilter can let their files through",
        ));
    }
    for (lang, query) in &rule.query {
        for grammar in lang.grammars() {
            let compiled = tree_sitter::Query::new(&grammar.language(), query)
                .map_err(|e| RuleError::query(source, query, e))?;
            if compiled.capture_index_for_name("match").is_none() {
                return Err(RuleError::invalid(
                    source,
                    "query",
                    "the query must capture `@match`",
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load() {
        let set = RuleSet::builtin().expect("built-in rules are valid");
        assert!(set.get("egress/token-in-url").is_some());
        assert!(set.get("egress/outbound-call").is_some());
        assert!(!set.sinks.sinks.is_empty());
    }

    #[test]
    fn unknown_field_points_at_line() {
        let source = RuleSource {
            name: "bad.yaml".into(),
            text: "id: x/y\nseverity: low\nlanguages: [typescript]\ntitle: t\nmessage: m\nhelp: h\ndetector: token-in-url\nbogus: 1\n".into(),
        };
        let err = parse_rule(&source).unwrap_err();
        let text = format!("{err:?}");
        assert!(text.contains("bogus"), "{text}");
        assert!(err.offset().is_some());
    }

    #[test]
    fn invalid_query_is_an_error() {
        let source = RuleSource {
            name: "q.yaml".into(),
            text: "id: x/q\nseverity: low\nlanguages: [typescript]\ntitle: t\nmessage: m\nhelp: h\ntriggers: [a]\nquery:\n  typescript: \"(call_expression @match\"\n".into(),
        };
        assert!(matches!(parse_rule(&source), Err(RuleError::Query { .. })));
    }

    #[test]
    fn unknown_detector_is_an_error() {
        let source = RuleSource {
            name: "d.yaml".into(),
            text:
                "id: x/d\nseverity: low\nlanguages: [swift]\ntitle: t\nmessage: m\nhelp: h\ndetector: nope\n"
                    .into(),
        };
        let err = parse_rule(&source).unwrap_err();
        assert!(matches!(err, RuleError::Invalid { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.ends_with("unknown detector `nope`; known: outbound-call, hardcoded-endpoint, token-in-url, redirect-without-host-check, unvalidated-url-fetch, insecure-transport, lan-discovery, subprocess-network"),
            "{text}"
        );
        assert!(text.contains("subprocess-network"), "{text}");
        assert!(err.offset().is_some());
    }

    fn user_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        dir
    }

    #[test]
    fn rules_share_a_detector() {
        let dir = user_dir(&[(
            "mine.yaml",
            "id: team/token\nseverity: critical\nlanguages: [kotlin]\ntitle: t\nmessage: m\nhelp: h\ndetector: token-in-url\n",
        )]);
        let set = RuleSet::load(Some(dir.path())).expect("loads");
        let ids: Vec<&str> = set
            .with_detector(Detector::TokenInUrl)
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["egress/token-in-url", "team/token"]);
    }

    #[test]
    fn services_files_are_not_read_from_the_rule_dir() {
        let dir = user_dir(&[("services-team.yaml", "services: []\n")]);
        let err = RuleSet::load(Some(dir.path())).unwrap_err();
        assert!(matches!(err, RuleError::ServicesInRuleDir { .. }), "{err:?}");
        assert!(err
            .to_string()
            .contains("services files are not read from --rules"));
    }

    /// The redirect-following APIs, formerly a list in the analysis, are
    /// the catalog entries marked `follows_redirects`.
    #[test]
    fn builtin_redirect_following_apis() {
        let set = RuleSet::builtin().expect("loads");
        let mut apis: Vec<&str> = set
            .sinks
            .sinks
            .iter()
            .map(|s| s.api.as_str())
            .filter(|api| set.sinks.follows_redirects(api))
            .collect();
        apis.sort_unstable();
        apis.dedup();
        assert_eq!(
            apis,
            [
                "AVFoundation",
                "Alamofire",
                "Android WebView",
                "Coil",
                "DownloadManager",
                "EventSource",
                "Glide",
                "HttpURLConnection",
                "Kingfisher",
                "Ktor",
                "Nuke",
                "OkHttp",
                "Picasso",
                "React Native Image",
                "React Native video",
                "SDWebImage",
                "SwiftUI AsyncImage",
                "URLRequest",
                "URLSession",
                "Volley",
                "XMLHttpRequest",
                "axios",
                "expo-file-system",
                "fetch",
                "got",
                "ky",
                "needle/superagent",
                "react-native-blob-util",
                "react-native-webview",
            ]
        );
        // An API's entries agree, so reading the field by API is exact.
        for sink in &set.sinks.sinks {
            assert_eq!(
                sink.follows_redirects,
                set.sinks.follows_redirects(&sink.api),
                "{}",
                sink.api
            );
        }
    }

    #[test]
    fn builtin_catalog_sections() {
        let sinks = builtin_sinks();
        assert_eq!(
            sinks.default_export_name(Lang::Typescript, "node-fetch"),
            Some("fetch")
        );
        assert_eq!(sinks.default_export_name(Lang::Typescript, "axios"), None);
        assert_eq!(sinks.redirect_delegates(Lang::Swift).count(), 1);
        let retrofit = sinks.frameworks(Lang::Kotlin).next().expect("Retrofit");
        // One JVM entry serves both languages.
        assert_eq!(
            sinks.frameworks(Lang::Java).next().map(|f| &f.lang),
            Some(&retrofit.lang)
        );
        assert_eq!(retrofit.api, "Retrofit");
        assert!(retrofit.imported_by(&["retrofit2.http.GET".to_string()]));
        assert!(retrofit.sets_base_url("Retrofit.Builder().baseUrl"));
        assert!(!retrofit.sets_base_url("Retrofit.Builder().mybaseUrl"));
        assert_eq!(retrofit.route("HTTP").map(|r| r.path.arg), Some(1));
        assert_eq!(retrofit.url_param_place("QueryName"), Some("query"));
        assert_eq!(retrofit.url_param_place("Header"), None);
    }

    #[test]
    fn user_sinks_file_extends_every_section() {
        let dir = user_dir(&[(
            "sinks-team.yaml",
            "sinks:\n  - { lang: typescript, api: teamhttp, kind: http, callees: [teamhttp.get], follows_redirects: true }\nclients:\n  - { lang: typescript, api: teamclient, kind: http, factories: [team.create], base: { arg: 0 }, methods: [get], follows_redirects: true }\ndefault_exports:\n  - { lang: typescript, package: team-fetch, name: fetch }\nredirect_delegates:\n  - { lang: swift, api: TeamKit, marker: willRedirect, request_params: [request], completion: done }\nframeworks:\n  - lang: kotlin\n    api: TeamRest\n    kind: http\n    imports: [\"team.rest*\"]\n    base_url_setters: [endpoint]\n    routes:\n      - { annotations: [GET], path: { arg: 0 } }\n",
        )]);
        let set = RuleSet::load(Some(dir.path())).expect("loads");
        let builtin = RuleSet::builtin().expect("loads");
        assert!(set.sinks.follows_redirects("teamhttp") && set.sinks.follows_redirects("teamclient"));
        assert!(!builtin.sinks.follows_redirects("teamhttp"));
        assert_eq!(
            set.sinks.default_export_name(Lang::Typescript, "team-fetch"),
            Some("fetch")
        );
        assert_eq!(set.sinks.redirect_delegates(Lang::Swift).count(), 2);
        assert_eq!(set.sinks.frameworks(Lang::Kotlin).count(), 2);
        // A field the catalog does not know is an error, not ignored.
        let bad = user_dir(&[("sinks-bad.yaml", "frameworks:\n  - { lang: kotlin, api: X, kind: http, imports: [], base_url_setters: [], routes: [], bogus: 1 }\n")]);
        assert!(matches!(
            RuleSet::load(Some(bad.path())),
            Err(RuleError::Yaml { .. })
        ));
    }
}
