//! Per-file processing: the prefilter, parse and extract, through the
//! facts cache. A source file is never skipped for its bytes: NUL bytes and
//! invalid UTF-8 are decoded lossily (as the runtime reads them) and
//! minified files are parsed (the work allowances bound their cost). [`Engine`] holds what that needs
//! (compiled queries, prefilter automata, the cache) and is shared by every
//! worker thread of a scan or diff.

use std::borrow::Cow;
use std::sync::OnceLock;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::catalog::rules::RuleSet;
use crate::catalog::Catalog;
use crate::model::FileFacts;
use crate::model::Grammar;
use crate::pipeline::analysis;
use crate::pipeline::analysis::ParsedFile;
use crate::pipeline::cache::FactsCache;
use crate::pipeline::extract::{self, CompiledQueries, RuleQuery};
use crate::pipeline::lang::{self};
use crate::pipeline::prefilter::Prefilter;

/// A rule query that does not compile for one of its grammars (the rule
/// loader checks queries too; rule sets built in code reach this check).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EngineError {
    #[error("rule {rule}: invalid query: {message}")]
    #[diagnostic(code(egress_scan::rules::query))]
    InvalidQuery { rule: String, message: String },
}

/// What per-file processing produced: facts, or why a file was not analysed.
#[derive(Debug, Clone)]
pub enum Outcome {
    Facts(Box<ParsedFile>),
    NoTrigger,
    /// No longer produced for source files (kept for the stats and the
    /// verdicts of earlier caches).
    Binary,
    /// No longer produced for source files (see [`Outcome::Binary`]).
    Minified,
    Unreadable,
    /// The parser used up its work allowance (see [`lang::parse`]).
    ParseAbandoned,
}

impl Outcome {
    /// Moves parsed facts to `spill` (see [`crate::pipeline::spill`]); other outcomes,
    /// and facts when there is no spill file, are returned as they are.
    pub fn spilled_to(mut self, spill: Option<&std::sync::Arc<crate::pipeline::spill::Spill>>) -> Outcome {
        if let (Outcome::Facts(parsed), Some(spill)) = (&mut self, spill) {
            parsed.spill_to(spill);
        }
        self
    }
}

/// Compiled queries, prefilter and facts cache: everything per-file
/// processing needs, shared by the disk scan and in-memory sources (`diff`).
pub struct Engine {
    /// Per grammar, compiled on first use: a TypeScript-only repository
    /// never pays for compiling the Swift, Kotlin and Java queries.
    queries: [LazyQueries; Grammar::ALL.len()],
    prefilter: Prefilter,
    cache: Option<FactsCache>,
    /// Where the second phase puts the facts of the files it admits (see
    /// [`Self::with_spill`]).
    spill: Option<std::sync::Arc<crate::pipeline::spill::Spill>>,
}

/// One grammar's built-in query plus the user rules' queries for it.
struct LazyQueries {
    grammar: Grammar,
    /// `(rule index, query source)`.
    rules: Vec<(usize, String)>,
    compiled: OnceLock<Option<CompiledQueries>>,
}

impl LazyQueries {
    fn compile(&self) -> Result<CompiledQueries, String> {
        let mut rule_queries = Vec::new();
        for (index, text) in &self.rules {
            let query = tree_sitter::Query::new(&self.grammar.language(), text).map_err(|e| e.to_string())?;
            let Some(match_capture) = query.capture_index_for_name("match") else {
                continue;
            };
            rule_queries.push(RuleQuery {
                rule_index: *index,
                query,
                match_capture,
            });
        }
        CompiledQueries::new(self.grammar, rule_queries).map_err(|e| e.to_string())
    }

    fn get(&self) -> Option<&CompiledQueries> {
        self.compiled.get_or_init(|| self.compile().ok()).as_ref()
    }
}

impl Engine {
    /// An engine without a facts cache. User rule queries are checked here,
    /// so a broken rule is reported before any file is read.
    pub fn new(rules: &RuleSet, prefilter: bool) -> Result<Self, EngineError> {
        let queries = Grammar::ALL.map(|grammar| LazyQueries {
            grammar,
            rules: rules
                .rules
                .iter()
                .enumerate()
                .filter_map(|(i, rule)| Some((i, rule.query.get(&grammar.lang())?.clone())))
                .collect(),
            compiled: OnceLock::new(),
        });
        for (lazy, rule) in queries.iter().flat_map(|q| q.rules.iter().map(move |r| (q, r))) {
            tree_sitter::Query::new(&lazy.grammar.language(), &rule.1).map_err(|e| {
                EngineError::InvalidQuery {
                    rule: rules.rules[rule.0].id.clone(),
                    message: e.to_string(),
                }
            })?;
        }
        let libraries = Catalog::builtin().library_words();
        Ok(Engine {
            queries,
            prefilter: if prefilter {
                Prefilter::with_words(rules, libraries)
            } else {
                Prefilter::disabled()
            },
            cache: None,
            spill: None,
        })
    }

    /// Does this engine keep facts in a cache (which keys them by content)?
    pub fn has_cache(&self) -> bool {
        self.cache.is_some()
    }

    /// The prefilter deciding which files are parsed.
    pub fn prefilter(&self) -> &Prefilter {
        &self.prefilter
    }

    /// Uses the facts cache under `root` (see [`crate::pipeline::cache`]); entries are
    /// keyed by this build, the rules and the prefilter setting.
    pub fn with_cache(mut self, root: Option<&std::path::Path>, rules: &RuleSet) -> Self {
        self.cache = root.and_then(|root| FactsCache::open(root, &self.cache_key(rules)));
        self
    }

    /// The prefilter's second phase moves the facts of each file it admits
    /// to `spill` as soon as they are extracted, as the first pass does: with
    /// a strong-word-only first tier it may admit hundreds of files, whose
    /// full facts would otherwise be held together.
    pub fn with_spill(mut self, spill: Option<std::sync::Arc<crate::pipeline::spill::Spill>>) -> Self {
        self.spill = spill;
        self
    }

    /// The verdicts of unparsed blobs kept beside the facts cache (`diff`).
    pub fn verdict_store(&self) -> Option<crate::pipeline::cache::VerdictStore> {
        self.segment_store("verdicts")
    }

    /// A store of per-blob values in the folder `name` of this engine's
    /// facts cache (see [`crate::pipeline::cache::SegmentStore`]); `None`
    /// without a cache.
    pub fn segment_store<V>(&self, name: &str) -> Option<crate::pipeline::cache::SegmentStore<V>>
    where
        V: serde::Serialize + serde::de::DeserializeOwned,
    {
        self.cache
            .as_ref()
            .map(|cache| crate::pipeline::cache::SegmentStore::open(cache, name))
    }

    fn cache_key(&self, rules: &RuleSet) -> String {
        let mut hasher = Sha256::new();
        hasher.update(crate::catalog::embedded::BUILD_ID.as_bytes());
        hasher.update(format!("{rules:?}").as_bytes());
        hasher.update([u8::from(self.prefilter.is_enabled())]);
        let digest: String = hasher
            .finalize()
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("v1-{digest}")
    }

    fn compiled(&self, grammar: Grammar) -> Option<&CompiledQueries> {
        self.queries.get(grammar as usize)?.get()
    }

    /// Will this blob be parsed: its facts are not cached and it passes
    /// the prefilter? (The second phase may still admit one that does not.)
    pub fn will_parse(&self, id: &gix::ObjectId, grammar: Grammar, bytes: &[u8]) -> bool {
        !self.cache.as_ref().is_some_and(|c| c.contains(id, grammar))
            && self.prefilter.may_match(grammar, bytes)
    }

    /// Compiles `grammar`'s queries now, when the caller knows files of it
    /// will be parsed: ahead of that, on a thread that would otherwise
    /// wait, compiling does not hold up the parsing threads.
    pub fn prepare(&self, grammar: Grammar) {
        self.compiled(grammar);
    }

    /// Prefilter, parse and extract of one file.
    pub fn process(&self, rel: &str, grammar: Grammar, bytes: &[u8]) -> Outcome {
        self.process_identified(rel, grammar, bytes, None)
    }

    fn process_identified(
        &self,
        rel: &str,
        grammar: Grammar,
        bytes: &[u8],
        id: Option<gix::ObjectId>,
    ) -> Outcome {
        if !self.prefilter.may_match(grammar, bytes) {
            return Outcome::NoTrigger;
        }
        self.parse_cached(rel, grammar, bytes, id)
    }

    /// [`Self::process`] for a blob whose id is known (`diff`), which
    /// saves hashing it for the cache.
    pub fn process_blob(&self, rel: &str, grammar: Grammar, id: &gix::ObjectId, bytes: &[u8]) -> Outcome {
        self.process_identified(rel, grammar, bytes, Some(*id))
    }

    /// Parses and extracts (no prefilter), through the cache when there is
    /// one; `id` is computed from the bytes when not given.
    fn parse_cached(&self, rel: &str, grammar: Grammar, bytes: &[u8], id: Option<gix::ObjectId>) -> Outcome {
        let parse = || match self.compiled(grammar) {
            Some(compiled) => {
                analyse_source(rel, grammar, bytes, compiled).map_err(|failure| match failure {
                    lang::ParseFailure::Abandoned => Outcome::ParseAbandoned,
                    lang::ParseFailure::Failed => Outcome::Unreadable,
                })
            }
            None => Err(Outcome::Unreadable),
        };
        let cache = self
            .cache
            .as_ref()
            .and_then(|cache| Some((cache, id.or_else(|| crate::pipeline::cache::content_id(bytes))?)));
        let facts = match cache {
            None => parse(),
            Some((cache, id)) => match cache.get(&id, grammar, rel) {
                Some(facts) => Ok(facts),
                None => parse().inspect(|facts| cache.put(&id, grammar, facts)),
            },
        };
        match facts {
            Ok(facts) => Outcome::Facts(Box::new(ParsedFile::new(facts))),
            Err(outcome) => outcome,
        }
    }

    /// Parses the files at `which` (the second phase's outcome of an
    /// earlier, identical scan; see [`crate::run::scan`]).
    pub fn admit<'a, F>(&self, outcomes: &mut [Outcome], which: &[usize], source: F)
    where
        F: Fn(usize) -> Option<(&'a str, Grammar, Cow<'a, [u8]>)> + Sync,
    {
        let admitted: Vec<(usize, Outcome)> = which
            .par_iter()
            .filter(|&&i| i < outcomes.len())
            .filter_map(|&i| {
                let (rel, grammar, bytes) = source(i)?;
                let outcome = self.parse_cached(rel, grammar, &bytes, None);
                Some((i, outcome.spilled_to(self.spill.as_ref())))
            })
            .collect();
        for (i, outcome) in admitted {
            outcomes[i] = outcome;
        }
    }

    /// The prefilter's second phase: a file without trigger words is parsed
    /// when it meets what the analysis of the parsed files asks of the
    /// others ([`analysis::demand`]): it calls one of the network wrappers
    /// found, declares a type adopting a wrapper's class or URL parameter
    /// type, or declares a name the parsed files read. Repeated until
    /// nothing more is admitted (a wrapper of a wrapper, the constant a
    /// newly parsed file reads), at most [`ROUNDS`] times. `words(i)` gives
    /// the path and [`crate::pipeline::prefilter::file_words`] of
    /// `outcomes[i]`'s file, `source(i)` its path, grammar and bytes.
    pub fn recheck_untriggered<'a, W, F>(
        &self,
        outcomes: &mut [Outcome],
        rules: &RuleSet,
        words: W,
        source: F,
    ) where
        W: Fn(usize) -> Option<PathWords<'a>> + Sync,
        F: Fn(usize) -> Option<(&'a str, Grammar, Cow<'a, [u8]>)> + Sync,
    {
        if !self.prefilter.is_enabled() || !outcomes.iter().any(|o| matches!(o, Outcome::NoTrigger)) {
            return;
        }
        // Words of the waiting files, computed once, on the first round
        // that wants something.
        let mut waiting: Option<Vec<(usize, PathWords<'a>)>> = None;
        // The parsed files, earlier rounds' first (see `analysis::demand`).
        let mut order: Vec<usize> = (0..outcomes.len())
            .filter(|&i| matches!(outcomes[i], Outcome::Facts(_)))
            .collect();
        let mut state = analysis::DemandState::default();
        for _ in 0..ROUNDS {
            let parsed: Vec<&ParsedFile> = order
                .iter()
                .filter_map(|&i| match &outcomes[i] {
                    Outcome::Facts(f) => Some(&**f),
                    _ => None,
                })
                .collect();
            let demand = analysis::demand(&parsed, rules, &mut state);
            let wanted = crate::pipeline::prefilter::Wanted::new(
                &demand.calls,
                demand.supertypes.iter().map(String::as_str),
                demand.declared.iter().copied(),
            );
            if wanted.is_empty() {
                break;
            }
            let waiting = waiting.get_or_insert_with(|| {
                (0..outcomes.len())
                    .filter(|&i| matches!(outcomes[i], Outcome::NoTrigger))
                    .collect::<Vec<_>>()
                    .into_par_iter()
                    .filter_map(|i| Some((i, words(i)?)))
                    .collect()
            });
            let admitted: Vec<usize> = waiting
                .par_iter()
                .filter(|(i, (path, file_words))| {
                    matches!(outcomes[*i], Outcome::NoTrigger) && wanted.admits(path, file_words)
                })
                .map(|(i, _)| *i)
                .collect();
            if admitted.is_empty() {
                break;
            }
            self.admit(outcomes, &admitted, &source);
            order.extend(
                admitted
                    .into_iter()
                    .filter(|&i| matches!(outcomes[i], Outcome::Facts(_))),
            );
        }
    }
}

/// A file's path and its [`crate::pipeline::prefilter::file_words`].
pub type PathWords<'a> = (&'a str, Cow<'a, [u32]>);

/// Rounds of the prefilter's second phase: one per wrapper level, and one
/// for the constants the last level's files read.
const ROUNDS: usize = analysis::wrappers::MAX_DEPTH + 1;

/// Parses and extracts one file's facts. The tree is dropped on return.
/// Invalid UTF-8 is decoded lossily (U+FFFD), as a JavaScript, Swift,
/// Kotlin or Java runtime reads it, so a stray byte cannot hide a literal; valid
/// files are not copied.
pub fn analyse_source(
    rel: &str,
    grammar: Grammar,
    bytes: &[u8],
    queries: &CompiledQueries,
) -> Result<FileFacts, lang::ParseFailure> {
    let text = String::from_utf8_lossy(bytes);
    let bytes = text.as_bytes();
    let tree = lang::parse(grammar, bytes)?;
    extract::extract(rel, grammar, &tree, bytes, queries)
}
