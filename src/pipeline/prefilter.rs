//! The prefilter: per language, Aho-Corasick automata over the trigger
//! words of the loaded rules and sinks. A file containing none of its
//! language's words cannot produce a result and is never parsed, unless the
//! second phase admits it. False positives are fine; false negatives are
//! bugs.
//!
//! The automata hold the *strong* tier of trigger words only (see
//! [`strong_words`]): URL schemes, global network APIs, imports of the
//! modules the sink and service catalogs name, subprocess APIs and
//! credential-in-URL shapes. Generic method names (`get`, `send`, `key`)
//! are in almost every file; they are the weak tier, which decides nothing
//! here.
//!
//! A word that is an identifier (`fetch`, `AF`, `URLSession`, `exec`)
//! counts only as a whole identifier, as written: `prefetch`, `after`,
//! `executor` and `RuntimeException` are other names, and every consumer of
//! these words (a callee, an import) names them whole. Any other word (an
//! import shape `'react-native`, a package `com.squareup.okhttp3`, `://`)
//! counts anywhere, in any case.
//!
//! A second phase (see [`crate::pipeline::engine::Engine::recheck_untriggered`])
//! re-checks the files that had no trigger against what the analysis of
//! the parsed files asks of the others ([`Wanted`]): a call to one of the
//! project's network wrappers (`loadRemote(path)`, `api.get(route)`), a
//! type declaration adopting a wrapper's class or URL parameter type (a
//! route enum), or the declaration of a name the parsed files read (an
//! exported constant a URL is built from). That phase compares hashes, not
//! bytes: a file's identifier tokens and their words, its member accesses,
//! the names it declares and the supertypes its types name
//! ([`file_words`]), which are small enough to cache (`diff` then never
//! reads an unchanged trigger-less blob).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rustc_hash::FxHashSet;

use std::collections::{HashMap, HashSet};

use crate::catalog::rules::RuleSet;
use crate::model::{Grammar, Lang};
use crate::pipeline::declarations::is_identifier_byte;
pub use crate::pipeline::declarations::Declared;

pub struct Prefilter {
    /// Per language (see [`lang_index`]); `None`: everything passes
    /// (`--no-prefilter`).
    matchers: Option<Vec<Matchers>>,
}

/// One language's words.
#[derive(Default)]
struct Matchers {
    /// Identifier words, case-sensitively: a hit counts where it is a whole
    /// identifier.
    tokens: Option<AhoCorasick>,
    /// The same words' [`word_hash`]es, for [`Prefilter::may_match_tokens`].
    token_hashes: FxHashSet<u32>,
    /// Other words, anywhere, case-insensitively: a plain "is there a
    /// match" search, the fastest an automaton does.
    anywhere: Option<AhoCorasick>,
    /// Also lets through a bare host literal under a host-like name (see
    /// [`BARE_HOST`]).
    bare_hosts: bool,
}

fn lang_index(lang: Lang) -> usize {
    Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)
}

/// A quoted host without a scheme right after a name holding a host-like
/// word (`server: "me.dm"`, `API_HOST = 'api.example.com'`, `host =
/// "10.0.2.2"`): the hard-coded endpoint rule reports such a literal
/// wherever it stands.
static BARE_HOST: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
    regex::bytes::Regex::new(
        r#"(?i)(?:host|domain|server|endpoint|url|origin)[\w$]*["']?\s*[:=]\s*["'`][A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+"#,
    )
    .expect("bare host pattern")
});

impl Prefilter {
    /// The strong tier of `rules`' trigger words (see [`strong_words`]),
    /// plus files containing any of `extra` (the service catalog's client
    /// library names, so SDK imports reach the inventory), in the languages
    /// their shape says (see [`library_langs`]).
    pub fn with_words(rules: &RuleSet, extra: Vec<String>) -> Prefilter {
        let mut words = strong_words(rules);
        for word in extra {
            words.extend(library_langs(&word).iter().map(|&lang| (lang, word.clone())));
        }
        let mut prefilter = Prefilter::from_tiers(words);
        for m in prefilter.matchers.iter_mut().flatten() {
            m.bare_hosts = true;
        }
        prefilter
    }

    /// A prefilter over exactly `words`, in every language; none lets
    /// nothing through.
    pub fn from_words(words: Vec<String>) -> Prefilter {
        Prefilter::from_tiers(
            Lang::ALL
                .iter()
                .flat_map(|&lang| words.iter().map(move |w| (lang, w.clone())))
                .collect(),
        )
    }

    fn from_tiers(words: Vec<(Lang, String)>) -> Prefilter {
        let mut matchers: Vec<Matchers> = Lang::ALL.iter().map(|_| Matchers::default()).collect();
        for (i, &lang) in Lang::ALL.iter().enumerate() {
            let mut tokens: Vec<&str> = Vec::new();
            let mut anywhere: Vec<String> = Vec::new();
            for (_, word) in words.iter().filter(|(l, w)| *l == lang && !w.is_empty()) {
                if is_identifier(word) {
                    tokens.push(word);
                } else {
                    anywhere.push(word.to_ascii_lowercase());
                }
            }
            tokens.sort_unstable();
            tokens.dedup();
            anywhere.sort_unstable();
            anywhere.dedup();
            let build = |words: &[&str], insensitive: bool, kind: MatchKind| {
                (!words.is_empty())
                    .then(|| {
                        AhoCorasickBuilder::new()
                            .ascii_case_insensitive(insensitive)
                            .match_kind(kind)
                            .build(words)
                            .ok()
                    })
                    .flatten()
            };
            matchers[i].tokens = build(&tokens, false, MatchKind::LeftmostLongest);
            matchers[i].token_hashes = tokens.iter().map(word_hash).collect();
            let anywhere: Vec<&str> = anywhere.iter().map(String::as_str).collect();
            matchers[i].anywhere = build(&anywhere, true, MatchKind::LeftmostFirst);
        }
        Prefilter {
            matchers: Some(matchers),
        }
    }

    /// A prefilter that lets everything through (`--no-prefilter`).
    pub fn disabled() -> Prefilter {
        Prefilter { matchers: None }
    }

    pub fn is_enabled(&self) -> bool {
        self.matchers.is_some()
    }

    /// May a file of `grammar` with these bytes produce a result?
    pub fn may_match(&self, grammar: Grammar, bytes: &[u8]) -> bool {
        let Some(all) = &self.matchers else {
            return true;
        };
        let m = &all[lang_index(grammar.lang())];
        // Leftmost-longest hits do not overlap; a whole identifier cannot
        // start inside another hit, which is all identifier bytes.
        m.tokens.as_ref().is_some_and(|ac| {
            ac.find_iter(bytes)
                .any(|hit| whole_identifier(bytes, hit.start(), hit.end()))
        }) || m.other_words_match(bytes)
    }

    /// [`Self::may_match`] for a caller that already holds the file's
    /// identifier tokens as [`word_hash`]es (the diff's scope): an
    /// identifier word counts when its hash is among them, in any case. A
    /// superset of `may_match` that skips its search for identifier words.
    pub fn may_match_tokens(&self, grammar: Grammar, bytes: &[u8], tokens: &[u32]) -> bool {
        let Some(all) = &self.matchers else {
            return true;
        };
        let m = &all[lang_index(grammar.lang())];
        tokens.iter().any(|t| m.token_hashes.contains(t)) || m.other_words_match(bytes)
    }
}

impl Matchers {
    /// Does `bytes` hold one of the words that count anywhere, or a bare
    /// host literal?
    fn other_words_match(&self, bytes: &[u8]) -> bool {
        self.anywhere.as_ref().is_some_and(|ac| ac.is_match(bytes))
            || (self.bare_hosts && BARE_HOST.is_match(bytes))
    }
}

/// The languages a service catalog library word is written in: a dotted
/// package (`com.google.firebase`) by Kotlin and Java, `import Module` by
/// Swift, a quoted package by TypeScript.
fn library_langs(word: &str) -> &'static [Lang] {
    if word.starts_with(['"', '\'', '`']) {
        &[Lang::Typescript]
    } else if word.starts_with("import ") {
        &[Lang::Swift]
    } else if word.contains('.') {
        &[Lang::Kotlin, Lang::Java]
    } else {
        &Lang::ALL
    }
}

/// The strong tier of trigger words: a file holding one is parsed.
///
/// - a URL scheme (`://`) and the credential-in-URL shapes of
///   [`CREDENTIAL_IN_URL`] (and, outside these words, a bare host literal:
///   see [`BARE_HOST`]);
/// - the sink catalog's strong words (global network APIs, the import
///   shapes of the modules it names; see
///   [`crate::catalog::rules::SinkCatalog::strong_trigger_words`]);
/// - the triggers of every rule whose results can stand in a file of their
///   own (a subprocess, a TLS setting, a LAN service, a user rule's query).
///
/// The triggers of the rules that judge a network call (`token-in-url`,
/// `redirect-without-host-check`, `unvalidated-url-fetch`: `key`, `url`,
/// `location`) are weak: their results sit at a call site, which a strong
/// word or the second phase (a call to a project wrapper) already admits.
/// So are the sink catalog's weak words, such as `.get(` or `.send(`: a
/// member call is a sink only on an object that an import, a wrapper or a
/// client-typed field gives it.
///
/// Each word comes with the language whose files it triggers: a sink's or
/// a rule's languages.
pub fn strong_words(rules: &RuleSet) -> Vec<(Lang, String)> {
    let mut shared: Vec<String> = vec!["://".into()];
    shared.extend(
        CREDENTIAL_IN_URL
            .iter()
            .flat_map(|name| ["?", "&"].map(|sep| format!("{sep}{name}="))),
    );
    let mut words: Vec<(Lang, String)> = Lang::ALL
        .iter()
        .flat_map(|&lang| shared.iter().map(move |w| (lang, w.clone())))
        .collect();
    for rule in rules.rules.iter().filter(|r| rule_triggers_are_strong(r)) {
        for &lang in &rule.languages {
            words.extend(rule.triggers.iter().map(|w| (lang, w.clone())));
        }
    }
    words.extend(rules.sinks.strong_trigger_words());
    words
}

/// Query parameters that carry a credential (`?access_token=`, `&key=`).
const CREDENTIAL_IN_URL: &[&str] = &[
    "token",
    "access_token",
    "api_key",
    "apikey",
    "key",
    "secret",
    "client_secret",
    "password",
    "auth",
    "sig",
    "signature",
    "session",
];

/// Whether a rule's results can stand without a network call site of the
/// same file (see [`strong_words`]).
fn rule_triggers_are_strong(rule: &crate::catalog::rules::Rule) -> bool {
    use crate::catalog::rules::Detector;
    if !rule.query.is_empty() {
        return true;
    }
    !matches!(
        rule.detector,
        Some(Detector::TokenInUrl | Detector::RedirectWithoutHostCheck | Detector::UnvalidatedUrlFetch)
    )
}

/// Hash of a word, case-insensitively. A collision only lets a file through
/// the second phase (one more parse), the same way with or without a cache.
pub fn word_hash(word: impl AsRef<[u8]>) -> u32 {
    seeded_hash(0x811c_9dc5, word.as_ref(), true)
}

/// Hash of a type or value a file declares (see
/// [`crate::pipeline::declarations`]), distinct from the [`word_hash`] of
/// the same name (naming a constant is not declaring it) and by kind.
pub fn declared_hash(kind: Declared, name: &[u8]) -> u32 {
    let seed = match kind {
        Declared::Value => 0x050c_5d1f,
        Declared::Type => 0x6f4f_2a35,
        Declared::Function => 0x7a1b_93c3,
        Declared::Listed => 0x1b87_3593,
    };
    seeded_hash(seed, name, true)
}

/// Hash of a capitalised token, case-sensitively: type names are, and the
/// type `API` is not the variable `api`.
fn type_hash(name: &[u8]) -> u32 {
    seeded_hash(0x3b9a_ca07, name, false)
}

/// Hash of a type named in the head of a type declaration (see
/// [`crate::pipeline::declarations::adopted_types`]), case-sensitively.
fn adopted_hash(name: &[u8]) -> u32 {
    seeded_hash(0x1d87_2b41, name, false)
}

/// Hash of a member access `receiver.method` by one word of the receiver
/// (`client` of `this.mastodonClient.get`), case-insensitively.
fn member_hash(method: &[u8], receiver_word: &[u8]) -> u32 {
    let hash = seeded_hash(0x2545_f491, method, true);
    seeded_hash(hash ^ u32::from(b'.'), receiver_word, true)
}

fn seeded_hash(seed: u32, bytes: &[u8], fold_case: bool) -> u32 {
    let mut hash = seed;
    for &b in bytes {
        let b = if fold_case { b.to_ascii_lowercase() } else { b };
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Every `receiver.member` of `bytes`: the receiver's last name (a call in
/// between, `api().get`, and Swift/Kotlin optional chaining allowed) and
/// the member, whitespace around the dot allowed. A member is the next
/// access's receiver (`this.client.get` gives `this.client` and
/// `client.get`). Scanned by hand from each dot: a pattern for it tries
/// a match at every identifier of the file.
fn member_accesses(bytes: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let is_space = |b: &u8| b.is_ascii_whitespace();
    memchr::memchr_iter(b'.', bytes).filter_map(move |dot| {
        let after = &bytes[dot + 1..];
        let after = &after[after.iter().take_while(|b| is_space(b)).count()..];
        let member = identifier_at_start(after)?;
        let mut end = dot - bytes[..dot].iter().rev().take_while(|b| is_space(b)).count();
        // `a?.b`, Kotlin's `a!!.b`.
        end -= bytes[..end]
            .iter()
            .rev()
            .take(2)
            .take_while(|b| matches!(b, b'?' | b'!'))
            .count();
        if end > 0 && bytes[end - 1] == b')' {
            let inside = bytes[..end - 1].iter().rev().take_while(|b| is_space(b)).count();
            let open = end - 1 - inside;
            if open > 0 && bytes[open - 1] == b'(' {
                end = open - 1;
            }
        }
        let start = end
            - bytes[..end]
                .iter()
                .rev()
                .take_while(|&&b| is_identifier_byte(b))
                .count();
        let receiver = &bytes[start..end];
        let receiver = &receiver[receiver.iter().take_while(|b| b.is_ascii_digit()).count()..];
        (!receiver.is_empty()).then_some((receiver, member))
    })
}

/// The identifier `bytes` starts with, if any (not starting with a digit).
fn identifier_at_start(bytes: &[u8]) -> Option<&[u8]> {
    let len = bytes.iter().take_while(|&&b| is_identifier_byte(b)).count();
    (len > 0 && !bytes[0].is_ascii_digit()).then(|| &bytes[..len])
}

/// The sorted, distinct hashes of what a file holds, for the second phase
/// (see [`Wanted`]): every identifier token (letters, digits, `_`, `$`,
/// non-ASCII) and the words it splits into ([`word_hash`]), capitalised
/// tokens as written ([`type_hash`]), each member access by the words of
/// its receiver ([`member_hash`]), the types and values the file declares
/// for other files ([`declared_hash`]) and the types its type
/// declarations name as supertypes ([`adopted_hash`]). They depend on the bytes
/// only (they are cached by blob); the file's path counts in
/// [`Wanted::admits`].
pub fn file_words(grammar: Grammar, bytes: &[u8]) -> Vec<u32> {
    use crate::model::words::words;
    use crate::pipeline::declarations::{adopted_types, declared_names};
    // Functions are found by their calls; an export list binds nothing
    // the analysis reads.

    let mut tokens: FxHashSet<&[u8]> = FxHashSet::default();
    for token in bytes.split(|&b| !is_identifier_byte(b)) {
        if !token.is_empty() && !token[0].is_ascii_digit() {
            tokens.insert(token);
        }
    }
    let mut out = Vec::with_capacity(tokens.len() * 3);
    for token in tokens {
        if token[0].is_ascii_uppercase() {
            out.push(type_hash(token));
        }
        let token = String::from_utf8_lossy(token);
        out.push(word_hash(token.as_bytes()));
        let multiword = token
            .bytes()
            .any(|b| b.is_ascii_uppercase() || b == b'_' || b == b'$');
        if multiword {
            out.extend(words(&token).iter().map(word_hash));
        }
    }
    let accesses: FxHashSet<(&[u8], &[u8])> = member_accesses(bytes).collect();
    for (receiver, member) in accesses {
        out.push(member_hash(member, receiver));
        for word in words(&String::from_utf8_lossy(receiver)) {
            out.push(member_hash(member, word.as_bytes()));
        }
    }
    out.extend(
        declared_names(grammar, bytes)
            .into_iter()
            .filter(|(_, kind)| matches!(kind, Declared::Type | Declared::Value))
            .map(|(name, kind)| declared_hash(kind, name)),
    );
    out.extend(adopted_types(bytes).into_iter().map(adopted_hash));
    out.sort_unstable();
    out.dedup();
    out
}

/// A network wrapper as its callers reach it (the analysis links them the
/// same way, see `analysis::wrappers`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum WrapperCall {
    /// A name that says enough (`loadRemote`, `downloadToFile`): a caller
    /// holds it.
    Named(String),
    /// A method with a one-word name (`get`) of `class`: a caller reaches
    /// it on a receiver sharing a word longer than two letters with the
    /// class (`api.get`, `this.mastodonClient.get`), or one the file
    /// declares with the class, or on its own object in a subclass naming
    /// it.
    Method { class: String, method: String },
    /// A free function with a one-word name (`set`): a caller imports it,
    /// so its module path's words (`words`) are in the file too.
    Free { method: String, words: Vec<String> },
}

/// What the second phase looks for in a file's [`file_words`].
#[derive(Debug, Default)]
pub struct Wanted {
    /// Hashes one of which admits a file.
    any: HashSet<u32>,
    /// A one-word method name's [`word_hash`] → hashes one of which
    /// admits, with it, a file.
    with: HashMap<u32, Vec<u32>>,
}

impl Wanted {
    /// `calls`: the wrappers a file may call; `supertypes`: types one of
    /// its types may extend or adopt; `declared`: the [`declared_hash`]es
    /// of names it may declare.
    pub fn new<'n>(
        calls: impl IntoIterator<Item = &'n WrapperCall>,
        supertypes: impl IntoIterator<Item = &'n str>,
        declared: impl IntoIterator<Item = u32>,
    ) -> Wanted {
        let mut wanted = Wanted::default();
        for call in calls {
            match call {
                WrapperCall::Named(name) => {
                    wanted.any.insert(word_hash(name));
                }
                WrapperCall::Method { class, method } => {
                    let m = method.as_bytes();
                    wanted.any.insert(member_hash(m, class.as_bytes()));
                    wanted.any.extend(
                        crate::model::words::words(class)
                            .iter()
                            .filter(|w| w.len() > 2)
                            .map(|w| member_hash(m, w.as_bytes())),
                    );
                    wanted
                        .with
                        .entry(word_hash(method))
                        .or_default()
                        .push(type_hash(class.as_bytes()));
                }
                WrapperCall::Free { method, words } => {
                    wanted
                        .with
                        .entry(word_hash(method))
                        .or_default()
                        .extend(words.iter().map(word_hash));
                }
            }
        }
        wanted
            .any
            .extend(supertypes.into_iter().map(|t| adopted_hash(t.as_bytes())));
        wanted.any.extend(declared);
        wanted
    }

    pub fn is_empty(&self) -> bool {
        self.any.is_empty() && self.with.is_empty()
    }

    /// Does the file at `path`, with these (sorted) [`file_words`], hold
    /// what is wanted? Its module name counts as declared.
    pub fn admits(&self, path: &str, file_words: &[u32]) -> bool {
        // A TypeScript module is imported by its path.
        let script = Grammar::for_path(std::path::Path::new(path))
            .is_some_and(|g| matches!(g, Grammar::TypeScript | Grammar::Tsx));
        let stem = crate::pipeline::declarations::module_stem(path).filter(|_| script);
        stem.is_some_and(|s| self.any.contains(&declared_hash(Declared::Value, s.as_bytes())))
            || file_words.iter().any(|w| {
                self.any.contains(w)
                    || self
                        .with
                        .get(w)
                        .is_some_and(|also| also.iter().any(|a| file_words.binary_search(a).is_ok()))
            })
    }
}

fn is_identifier(w: &str) -> bool {
    w.bytes().all(is_identifier_byte)
}

/// Is `bytes[start..end]` a whole identifier?
fn whole_identifier(bytes: &[u8], start: usize, end: usize) -> bool {
    (start == 0 || !is_identifier_byte(bytes[start - 1]))
        && bytes.get(end).is_none_or(|&b| !is_identifier_byte(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_words_count_as_whole_identifiers_as_written() {
        let p = Prefilter::from_words(vec!["io".into(), "fetch".into(), "AF".into(), "exec".into()]);
        let ts = |src: &str| p.may_match(Grammar::TypeScript, src.as_bytes());
        assert!(ts("const s = io(addr);"));
        assert!(ts("await fetch(url)"));
        assert!(ts("const f = window.fetch;"));
        assert!(ts("AF.request(url)"));
        assert!(ts("exec"), "at the end of the file");
        assert!(!ts("function render(rows) { return target; }"));
        assert!(!ts("return prefetched; fetchData(); refetch()"), "other names");
        assert!(!ts("afterEach(() => {}); const af = 1;"), "other case");
        assert!(!ts("executor.execute(task); $exec()"), "other names");
    }

    #[test]
    fn other_words_count_anywhere_in_any_case() {
        let p = Prefilter::from_words(vec![
            "'react-native".into(),
            "://".into(),
            "com.squareup.okhttp3".into(),
        ]);
        let ts = |src: &str| p.may_match(Grammar::TypeScript, src.as_bytes());
        assert!(ts("import { Linking } from 'react-native';"));
        assert!(ts("const u = \"HTTPS://x\";"));
        assert!(p.may_match(Grammar::Kotlin, b"import com.squareup.okhttp3.OkHttpClient"));
    }

    #[test]
    fn words_trigger_their_languages_only() {
        let p = Prefilter::from_tiers(vec![
            (Lang::Typescript, "fetch".into()),
            (Lang::Swift, "URLSession".into()),
        ]);
        assert!(p.may_match(Grammar::Tsx, b"fetch(u)"));
        assert!(!p.may_match(Grammar::Swift, b"fetch(u)"));
        assert!(p.may_match(Grammar::Swift, b"URLSession.shared"));
        assert!(!p.may_match(Grammar::Kotlin, b"URLSession.shared"));
        assert_eq!(library_langs("\"@sentry/"), &[Lang::Typescript]);
        assert_eq!(library_langs("import Firebase"), &[Lang::Swift]);
        assert_eq!(library_langs("com.google.firebase"), &[Lang::Kotlin, Lang::Java]);
    }

    fn words_of(src: &str) -> Vec<u32> {
        file_words(Grammar::TypeScript, src.as_bytes())
    }

    fn named(names: &[&str]) -> Wanted {
        let calls: Vec<WrapperCall> = names.iter().map(|n| WrapperCall::Named(n.to_string())).collect();
        Wanted::new(&calls, [], [])
    }

    fn method(class: &str, method: &str) -> Wanted {
        let call = WrapperCall::Method {
            class: class.into(),
            method: method.into(),
        };
        Wanted::new([&call], [], [])
    }

    #[test]
    fn file_words_hold_tokens_and_their_words() {
        let words = words_of("const x = apiClient.loadRemote(path); // HTTPServer user_id $ref 42abc");
        assert!(named(&["loadRemote"]).admits("src/app.ts", &words));
        assert!(
            named(&["LOADREMOTE"]).admits("src/app.ts", &words),
            "case-insensitive"
        );
        assert!(named(&["client"]).admits("src/app.ts", &words), "camelCase word");
        assert!(named(&["server"]).admits("src/app.ts", &words), "acronym split");
        assert!(named(&["user"]).admits("src/app.ts", &words), "snake_case word");
        assert!(named(&["remote"]).admits("src/app.ts", &words), "camelCase word");
        assert!(
            !named(&["loadRemo", "emote"]).admits("src/app.ts", &words),
            "substrings do not count"
        );
        assert!(
            !named(&["abc"]).admits("src/app.ts", &words),
            "tokens start with a non-digit"
        );
        let mut sorted = words.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(words, sorted);
    }

    #[test]
    fn a_one_word_method_needs_a_receiver_sharing_a_word_with_its_class() {
        let wanted = method("MastodonClient", "get");
        assert!(wanted.admits("src/a.ts", &words_of("const r = await client.get(route);")));
        assert!(wanted.admits("src/a.ts", &words_of("this.mastodonClient\n  .get(route)")));
        assert!(wanted.admits("src/a.ts", &words_of("api().client?.get(x)")));
        assert!(
            wanted.admits(
                "src/a.ts",
                &words_of("function f(c: MastodonClient) { return c.get(x); }")
            ),
            "a receiver declared with the class"
        );
        assert!(
            wanted.admits(
                "src/a.ts",
                &words_of("class Sub extends MastodonClient { f() { get(x) } }")
            ),
            "a subclass calling its own method"
        );
        assert!(
            !wanted.admits(
                "src/a.ts",
                &words_of("const v = cache.get(key); const client = 1;")
            ),
            "`get` on another receiver, the class's word elsewhere"
        );
        assert!(
            !wanted.admits("src/a.ts", &words_of("const api = mastodonClient;")),
            "the class's word without the method"
        );
        let free = WrapperCall::Free {
            method: "set".into(),
            words: vec!["storage".into()],
        };
        let wanted = Wanted::new([&free], [], []);
        assert!(wanted.admits(
            "src/a.ts",
            &words_of("import { set } from \"./lib/storage\";\nset(k, v);")
        ));
        assert!(!wanted.admits("src/a.ts", &words_of("map.set(k, v);")));
    }

    #[test]
    fn supertypes_count_in_type_declarations_as_written() {
        let wanted = Wanted::new([], ["Endpoint", "ApiBase"], []);
        assert!(wanted.admits(
            "a.swift",
            &words_of("public enum Timelines: Endpoint {\n case home\n}")
        ));
        assert!(wanted.admits(
            "a.kt",
            &words_of("class Orders(\n  val id: Int,\n) : ApiBase() {}")
        ));
        assert!(wanted.admits(
            "a.ts",
            &words_of("export class Api extends compose(ApiBase, OrderEndpoints) {}")
        ));
        assert!(
            !wanted.admits("a.swift", &words_of("let e: Endpoint = .home; let apibase = 1")),
            "naming a type is not adopting it"
        );
    }

    #[test]
    fn member_accesses_take_the_receivers_last_name() {
        let src = b"this.client.get(u); api().post(x); a?.b; c!!.d; e ( ).f; g\n  .h(); ...rest; 1.5; 2x.y; o.\n  p";
        let found: Vec<(String, String)> = member_accesses(src)
            .map(|(r, m)| {
                (
                    String::from_utf8_lossy(r).into(),
                    String::from_utf8_lossy(m).into(),
                )
            })
            .collect();
        let expected = [
            ("this", "client"),
            ("client", "get"),
            ("api", "post"),
            ("a", "b"),
            ("c", "d"),
            ("g", "h"),
            ("x", "y"),
            ("o", "p"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(r, m)| (r.to_string(), m.to_string()))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn declared_names_count_only_where_declared() {
        let wanted = Wanted::new([], [], [declared_hash(Declared::Value, b"BASE_PATH")]);
        assert!(wanted.admits("src/app.ts", &words_of("export const BASE_PATH = \"/api/v2\";\n")));
        assert!(
            !wanted.admits(
                "src/app.ts",
                &words_of("import { BASE_PATH } from \"./config\";\nuse(BASE_PATH);\n")
            ),
            "naming a constant is not declaring it"
        );
        assert!(
            !Wanted::new([], [], [declared_hash(Declared::Value, b"post")])
                .admits("src/app.ts", &words_of("export function post(u) {}\n")),
            "functions are found by their calls"
        );
        let by_module = Wanted::new([], [], [declared_hash(Declared::Value, b"config")]);
        assert!(
            !Wanted::new([], [], [declared_hash(Declared::Value, b"Order")])
                .admits("a.kt", &words_of("export class Order {}\n")),
            "a value is not a type"
        );
        assert!(by_module.admits("src/config/index.ts", &words_of("export default { a: 1 };")));
    }

    #[test]
    fn empty_word_list_lets_nothing_through() {
        let p = Prefilter::from_words(Vec::new());
        assert!(!p.may_match(Grammar::TypeScript, b"fetch(url)"));
    }
}
