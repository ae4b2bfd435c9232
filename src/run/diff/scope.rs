//! Which files a diff analyses.
//!
//! Everything outside the changed files is identical on both sides, so a
//! diff needs the facts of the changed files and of the files whose
//! analysis can depend on them, not of the whole tree. The same paths are
//! read on both sides, so whatever an unchanged file's analysis lacks, it
//! lacks on both, and cancels out; what must be exact is what the change
//! touches:
//!
//! - **dependents**: files that name something a changed file declares (an
//!   importer of its wrapper, a caller of its class), and the callers of
//!   those that can be wrappers themselves ([`DEPENDENT_DEPTH`]), since a
//!   change can make a function a network wrapper and its callers call
//!   sites;
//! - **dependencies** of the changed files: files declaring something they
//!   name (a body type, the wrapper a changed call goes through, the
//!   exported constant its URL is built from), then, to the wrapper depth,
//!   what those name among the files that can take part in a network call;
//! - **context** ([`Scope::context_for`]): unchanged files that talk to a
//!   host, a client library, a module's unknown hosts or a configured base
//!   that the partial comparison finds added or removed (with their
//!   importers), so that "added" means new to the software, not new to the
//!   files read.
//!
//! Declarations are found without parsing, by one pattern per grammar over
//! each line's start: top-level classes, structs, objects, protocols,
//! interfaces, functions, constants and extensions other files can see,
//! plus the file's stem (a TypeScript default import names the module, not
//! the class). Files link only within a language family. A name matched
//! too broadly only adds a file; when the scope grows past [`MAX_SHARE`] of
//! the files the diff reads the whole tree instead, which is exact.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::git::Side;
use crate::model::Grammar;
use crate::pipeline::cache::SegmentStore;
use crate::pipeline::declarations;
use crate::pipeline::prefilter::{word_hash, Prefilter};

/// Rounds of dependencies: the analysis's wrapper depth.
const DEPTH: usize = crate::pipeline::analysis::wrappers::MAX_DEPTH;

/// Rounds of dependents: the callers of a changed function, and theirs. A
/// third round reaches most of an app through its shared types (`AppView`,
/// `Router`) while a wrapper three files away from a change is rare.
const DEPENDENT_DEPTH: usize = 2;

/// A declared name found in more than this share of the files (in
/// percent) links no dependents (see [`Scope::specific`]).
const COMMON_SHARE: usize = 5;

/// Above this share of the files (in percent), a scoped diff would parse
/// most of the tree anyway: the whole tree is read instead.
pub(super) const MAX_SHARE: usize = 30;

/// Files of one family can name each other's declarations (Kotlin and
/// Java do); a TypeScript file naming a Kotlin class is no caller of it
/// (see [`crate::model::Lang::family`]).
fn family(grammar: Grammar) -> u8 {
    grammar.lang().family()
}

/// The identifier tokens of a blob and the names it declares, as the
/// prefilter's [`word_hash`]es (ASCII case-insensitive: a host written
/// `API.Example.com` is still found; two names differing in case only add
/// a file), kept in the facts cache by blob (see [`Scope::index`]).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Blob {
    /// Sorted, distinct.
    tokens: Vec<u32>,
    declared: Vec<u32>,
    /// May hold a strong prefilter trigger (see
    /// [`Prefilter::may_match_tokens`]: a wider test only adds files).
    strong: bool,
    /// See [`family`].
    family: u8,
}

impl Blob {
    fn new(path: &str, grammar: Grammar, bytes: &[u8], strong: &Prefilter) -> Blob {
        let mut tokens = identifier_tokens(bytes);
        tokens.sort_unstable();
        tokens.dedup();
        let mut declared: Vec<u32> = declarations::declared_names(grammar, bytes)
            .into_iter()
            .map(|(name, _)| name)
            .chain(declarations::module_stem(path).map(str::as_bytes))
            .map(word_hash)
            .collect();
        declared.sort_unstable();
        declared.dedup();
        Blob {
            strong: strong.may_match_tokens(grammar, bytes, &tokens),
            tokens,
            declared,
            family: family(grammar),
        }
    }

    fn names_any(&self, names: &FxHashSet<u32>) -> bool {
        self.tokens.iter().any(|t| names.contains(t))
    }

    /// Does this blob name one of `names`, declared in its family?
    fn names_any_of(&self, names: &Names) -> bool {
        names.get(&self.family).is_some_and(|n| self.names_any(n))
    }

    /// Does this blob declare one of `names`, named in its family?
    fn declares_any_of(&self, names: &Names) -> bool {
        names
            .get(&self.family)
            .is_some_and(|n| self.declared.iter().any(|d| n.contains(d)))
    }
}

/// Declared names by [`family`].
type Names = FxHashMap<u8, FxHashSet<u32>>;

/// The paths of both sides with their blobs, and what each blob names and
/// declares.
pub(super) struct Scope {
    /// Path → (base blob, head blob).
    paths: Vec<(String, [Option<gix::ObjectId>; 2])>,
    blobs: FxHashMap<gix::ObjectId, Blob>,
    /// The names files with a strong trigger declare, built on first use.
    network_names: OnceLock<FxHashSet<u32>>,
}

impl Scope {
    /// Reads every distinct blob of both sides once, on all threads, each
    /// with its own object-database handle (`local`) and a buffer `read`
    /// decodes into, reused from blob to blob; a blob `store` knows is not
    /// read.
    pub(super) fn index<R>(
        base: &Side,
        head: &Side,
        strong: &Prefilter,
        store: Option<&SegmentStore<Blob>>,
        local: impl Fn() -> R + Sync + Send,
        read: impl for<'b> Fn(&mut R, &gix::ObjectId, &'b mut Vec<u8>) -> Option<&'b [u8]> + Sync + Send,
    ) -> Scope {
        let mut by_path: std::collections::BTreeMap<&str, [Option<gix::ObjectId>; 2]> = Default::default();
        let mut work: FxHashMap<gix::ObjectId, (&str, Grammar)> = FxHashMap::default();
        for (i, side) in [base, head].into_iter().enumerate() {
            for (rel, (grammar, id)) in &side.files {
                by_path.entry(rel.as_str()).or_default()[i] = Some(*id);
                work.entry(*id).or_insert((rel.as_str(), *grammar));
            }
        }
        let blobs = work
            .into_par_iter()
            .map_init(
                || (local(), Vec::new()),
                |(handle, buffer), (id, (rel, grammar))| {
                    if let Some(known) = store.and_then(|s| s.get(&id, grammar)) {
                        return (id, known.clone());
                    }
                    let blob = match read(handle, &id, buffer) {
                        Some(bytes) => Blob::new(rel, grammar, bytes, strong),
                        None => Blob {
                            tokens: Vec::new(),
                            declared: Vec::new(),
                            strong: false,
                            family: family(grammar),
                        },
                    };
                    if let Some(store) = store {
                        store.learn(&id, grammar, blob.clone());
                    }
                    (id, blob)
                },
            )
            .collect();
        Scope {
            paths: by_path.into_iter().map(|(p, ids)| (p.to_string(), ids)).collect(),
            blobs,
            network_names: OnceLock::new(),
        }
    }

    /// Paths whose content differs between the sides (added, removed,
    /// modified; both paths of a rename).
    pub(super) fn changed(&self) -> BTreeSet<String> {
        self.paths
            .iter()
            .filter(|(_, [b, h])| b != h)
            .map(|(p, _)| p.clone())
            .collect()
    }

    fn blobs_of(&self, i: usize) -> impl Iterator<Item = &Blob> {
        self.paths[i]
            .1
            .iter()
            .flatten()
            .filter_map(|id| self.blobs.get(id))
    }

    /// The files to analyse for a change of `changed`: the changed files,
    /// their dependents and the dependencies of all of them. `None` when
    /// that is more than [`MAX_SHARE`] of the files.
    pub(super) fn plan(&self, changed: &BTreeSet<String>) -> Option<BTreeSet<String>> {
        let mut inside: Vec<bool> = self.paths.iter().map(|(p, _)| changed.contains(p)).collect();
        // Dependents, from the changed files outwards.
        let changed: Vec<usize> = (0..self.paths.len()).filter(|&i| inside[i]).collect();
        self.add_dependents(&mut inside, changed.clone())?;
        // A dependent's own calls cancel out (the same files are read on
        // both sides); its calls into the changed files need only those.
        self.add_dependencies(&mut inside, changed);
        self.small(&inside).then(|| self.selected(&inside))
    }

    /// `scope` grown by the files `talks_to` accepts (see the module
    /// documentation), their dependents (the importers of the constant
    /// holding a host) and the dependencies of all of them; `None` when
    /// that is more than [`MAX_SHARE`] of the files.
    pub(super) fn context_for(
        &self,
        scope: &BTreeSet<String>,
        talks_to: impl Fn(&str, &gix::ObjectId, &[u32]) -> bool + Sync,
    ) -> Option<BTreeSet<String>> {
        let mut inside: Vec<bool> = self.paths.iter().map(|(p, _)| scope.contains(p)).collect();
        let speakers: Vec<usize> = (0..self.paths.len())
            .into_par_iter()
            .filter(|&i| {
                let (path, ids) = &self.paths[i];
                ids.iter().flatten().any(|id| {
                    let tokens = self.blobs.get(id).map_or(&[][..], |b| &b.tokens[..]);
                    talks_to(path, id, tokens)
                })
            })
            .collect();
        let mut found: Vec<usize> = speakers.iter().copied().filter(|&i| !inside[i]).collect();
        for &i in &speakers {
            inside[i] = true;
        }
        found.extend(self.add_dependents(&mut inside, speakers)?);
        self.add_dependencies(&mut inside, found);
        self.small(&inside).then(|| self.selected(&inside))
    }

    /// Adds the files naming something `frontier` declares, to the wrapper
    /// depth (through files already inside too: the importers of a wrapper
    /// in the scope that imports a changed constant); returns the files
    /// added, or `None` when the scope grows too large.
    fn add_dependents(&self, inside: &mut [bool], mut frontier: Vec<usize>) -> Option<Vec<usize>> {
        let mut reached = vec![false; self.paths.len()];
        for &i in &frontier {
            reached[i] = true;
        }
        let mut added = Vec::new();
        for round in 0..DEPENDENT_DEPTH {
            let mut names = Names::default();
            for blob in frontier.iter().flat_map(|&i| self.blobs_of(i)) {
                names.entry(blob.family).or_default().extend(&blob.declared);
            }
            for set in names.values_mut() {
                *set = self.specific(std::mem::take(set));
            }
            frontier = self.not_inside(&reached, |blob| blob.names_any_of(&names));
            // A caller's callers matter when it can be a wrapper itself.
            if round + 1 < DEPENDENT_DEPTH {
                frontier.retain(|&i| self.relevant(i));
            }
            if frontier.is_empty() {
                break;
            }
            for &i in &frontier {
                reached[i] = true;
                if !inside[i] {
                    inside[i] = true;
                    added.push(i);
                }
            }
            if !self.small(inside) {
                return None;
            }
        }
        Some(added)
    }

    /// Adds the files declaring a name that `frontier` (and what it adds)
    /// names, to the wrapper depth.
    ///
    /// The first round takes every declaring file (a body type, a route
    /// enum); later ones only files that can take part in a network call
    /// (see [`Scope::relevant`]), the wrappers and constants a call goes
    /// through, not every screen an app's root view names.
    fn add_dependencies(&self, inside: &mut [bool], mut frontier: Vec<usize>) {
        for round in 0..DEPTH {
            let mut named = Names::default();
            for blob in frontier.iter().flat_map(|&i| self.blobs_of(i)) {
                named.entry(blob.family).or_default().extend(&blob.tokens);
            }
            // One pass over what every file declares: cheaper than a map
            // from each declared name to its files, built for a few lookups.
            let next: Vec<usize> = (0..self.paths.len())
                .into_par_iter()
                .filter(|&j| {
                    !inside[j]
                        && self.blobs_of(j).any(|b| b.declares_any_of(&named))
                        && (round == 0 || self.relevant(j))
                })
                .collect();
            if next.is_empty() {
                break;
            }
            for &j in &next {
                inside[j] = true;
            }
            frontier = next;
        }
    }

    /// `names` without those most files name (`index`, `Utils`, `TAG`):
    /// a caller names a wrapper's class, module or function with a specific
    /// name; a name in more than [`COMMON_SHARE`] % of the files links
    /// nothing but would pull in most of the tree.
    fn specific(&self, names: FxHashSet<u32>) -> FxHashSet<u32> {
        let limit = (self.blobs.len() * COMMON_SHARE / 100).max(20);
        let mut counts: FxHashMap<u32, usize> = names.iter().map(|n| (*n, 0)).collect();
        for token in self.blobs.values().flat_map(|b| &b.tokens) {
            if let Some(n) = counts.get_mut(token) {
                *n += 1;
            }
        }
        counts
            .into_iter()
            .filter(|(_, n)| *n <= limit)
            .map(|(name, _)| name)
            .collect()
    }

    /// Can the file at `i` take part in a network call: it holds a strong
    /// prefilter trigger (a URL, a network API or library) or names
    /// something a file holding one declares (a wrapper's wrapper).
    fn relevant(&self, i: usize) -> bool {
        let names = self.network_names.get_or_init(|| {
            self.blobs
                .values()
                .filter(|b| b.strong)
                .flat_map(|b| b.declared.iter().copied())
                .collect()
        });
        self.blobs_of(i).any(|b| b.strong || b.names_any(names))
    }

    fn not_inside(&self, inside: &[bool], accept: impl Fn(&Blob) -> bool + Sync) -> Vec<usize> {
        (0..self.paths.len())
            .into_par_iter()
            .filter(|&i| !inside[i] && self.blobs_of(i).any(&accept))
            .collect()
    }

    fn small(&self, inside: &[bool]) -> bool {
        let n = inside.iter().filter(|x| **x).count();
        n * 100 <= self.paths.len() * MAX_SHARE
    }

    fn selected(&self, inside: &[bool]) -> BTreeSet<String> {
        self.paths
            .iter()
            .zip(inside)
            .filter(|(_, x)| **x)
            .map(|((p, _), _)| p.clone())
            .collect()
    }
}

/// The identifier tokens of `bytes` (letters, digits, `_`, `$`, non-ASCII;
/// not starting with a digit), hashed: what a file names, and what a host or library name must all be among for a file
/// to hold it.
pub(super) fn identifier_tokens(bytes: &[u8]) -> Vec<u32> {
    let is_identifier = |i: usize| bytes.get(i).is_some_and(|&b| declarations::is_identifier_byte(b));
    let mut out = Vec::with_capacity(bytes.len() / 8);
    let mut i = 0;
    while i < bytes.len() {
        if !is_identifier(i) {
            i += 1;
            continue;
        }
        let start = i;
        while is_identifier(i) {
            i += 1;
        }
        if !bytes[start].is_ascii_digit() {
            out.push(word_hash(&bytes[start..i]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(path: &str, grammar: Grammar, src: &str) -> Vec<u32> {
        Blob::new(path, grammar, src.as_bytes(), &Prefilter::disabled()).declared
    }

    #[test]
    fn identifier_tokens_skip_numbers_and_ignore_case() {
        let found = identifier_tokens(b"const API_url = 42 + x9.$ref(3px, \xc3\xa9t\xc3\xa9);");
        let expected: Vec<u32> = ["const", "api_URL", "x9", "$ref", "\u{e9}t\u{e9}"]
            .iter()
            .map(word_hash)
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn strong_blobs_are_found_from_their_tokens() {
        let prefilter = Prefilter::from_words(vec!["fetch".into(), "://".into()]);
        let strong = |src: &str| Blob::new("a.ts", Grammar::TypeScript, src.as_bytes(), &prefilter).strong;
        assert!(strong("await fetch(u)"));
        assert!(strong("const u = 'https://a.example'"));
        assert!(!strong("prefetch(u)"), "a word counts as a whole identifier");
    }

    #[test]
    fn top_level_declarations_are_found_per_grammar() {
        let ts = declared(
            "src/api/client.ts",
            Grammar::TypeScript,
            "export async function postJson(u) {}\nexport default class Api {}\n  const local = 1;\n",
        );
        for name in ["postJson", "Api", "client"] {
            assert!(ts.contains(&word_hash(name)), "{name}");
        }
        assert!(
            !ts.contains(&word_hash("local")),
            "indented declarations are not top-level"
        );
        let swift = declared(
            "Sources/Net/Http.swift",
            Grammar::Swift,
            "@MainActor\nfinal class HttpClient {}\nextension URLSession {}\npublic func send() {}\nprivate struct Row: View {}\n",
        );
        for name in ["HttpClient", "URLSession", "send", "Http"] {
            assert!(swift.contains(&word_hash(name)), "{name}");
        }
        assert!(
            !swift.contains(&word_hash("Row")),
            "a private type is the file's own"
        );
        let kotlin = declared(
            "app/Api.kt",
            Grammar::Kotlin,
            "data class Order(val id: String)\ninternal object Backend {}\nsuspend fun <T> Call<T>.await(): T = TODO()\n",
        );
        for name in ["Order", "Backend", "await"] {
            assert!(kotlin.contains(&word_hash(name)), "{name}");
        }
    }
}
