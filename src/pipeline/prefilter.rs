//! The prefilter: one Aho-Corasick automaton over the trigger words of the
//! loaded rules and sinks. A file containing none of them cannot produce a
//! result and is never parsed, unless the second phase admits it. False
//! positives are fine; false negatives are bugs.
//!
//! The automaton holds the *strong* tier of trigger words only (see
//! [`strong_words`]): URL schemes, global network APIs, imports of the
//! modules the sink and service catalogs name, subprocess APIs and
//! credential-in-URL shapes. Generic method names (`get`, `send`, `key`)
//! start an identifier word in almost every file; they are the weak tier,
//! which decides nothing here.
//!
//! Short words (`io`, `ws`, `got`) would match inside almost
//! every identifier (`function`, `rows`, `target`), so a word of at most
//! [`SHORT`] bytes only counts where an identifier word starts: after a byte
//! that is not a letter or digit, or at an upper-case letter (`apiKey`,
//! `baseURL`). Identifier words are how every consumer of these words splits
//! names (callee segments, camelCase and snake_case words), so this never
//! drops a file the analysis could report on.
//!
//! A second phase (see [`crate::run::scan`]) re-checks files that had no trigger
//! against the names of functions found in the parsed files, so a call to a
//! project wrapper (`loadRemote(path)`) in a file that names no network API
//! still reaches the analysis. That phase compares words, not bytes: a
//! file's identifier tokens and their camelCase/snake_case words
//! ([`file_words`]), hashed, against the wrapper names. A call to a wrapper
//! always names it as a token, and the hashed words of a file are small
//! enough to cache (`diff` then never reads an unchanged trigger-less blob).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::catalog::rules::RuleSet;

/// Words up to this length must start an identifier word to count.
const SHORT: usize = 4;

pub struct Prefilter {
    /// `None`: everything passes (`--no-prefilter`).
    matchers: Option<Matchers>,
}

/// Long words match anywhere: a plain "is there a match" search, the
/// fastest an automaton does. Short words need the identifier-start check
/// on each hit, so they get their own overlapping search. Each of the two
/// comes case-insensitive (the catalogs' words) and case-sensitive (the
/// built-in rules' capitalised words, see [`strong_words`]).
struct Matchers {
    /// `(automaton, short)`: a short word's hit must start a word.
    automata: Vec<(AhoCorasick, bool)>,
}

impl Prefilter {
    pub fn new(rules: &RuleSet) -> Prefilter {
        Prefilter::with_words(rules, Vec::new())
    }

    /// Also lets through files containing any of `extra` (the service
    /// catalog's client library names, so SDK imports reach the inventory).
    /// Only the strong tier of trigger words counts (see [`strong_words`]).
    pub fn with_words(rules: &RuleSet, extra: Vec<String>) -> Prefilter {
        let (mut words, exact) = strong_words(rules);
        words.extend(extra);
        Prefilter::from_tiers(words, exact)
    }

    /// A prefilter over exactly `words`, matched case-insensitively; none
    /// lets nothing through.
    pub fn from_words(words: Vec<String>) -> Prefilter {
        Prefilter::from_tiers(words, Vec::new())
    }

    /// `words` matched case-insensitively, `exact` case-sensitively.
    fn from_tiers(mut words: Vec<String>, mut exact: Vec<String>) -> Prefilter {
        for w in &mut words {
            if is_word(w) {
                w.make_ascii_lowercase();
            }
        }
        let mut automata = Vec::new();
        for (mut words, insensitive) in [(words, true), (std::mem::take(&mut exact), false)] {
            words.retain(|w| !w.is_empty());
            words.sort();
            words.dedup();
            let (short, long): (Vec<String>, Vec<String>) =
                words.into_iter().partition(|w| w.len() <= SHORT && is_word(w));
            for (words, short, kind) in [
                (long, false, MatchKind::LeftmostFirst),
                (short, true, MatchKind::Standard),
            ] {
                if words.is_empty() {
                    continue;
                }
                if let Ok(ac) = AhoCorasickBuilder::new()
                    .ascii_case_insensitive(insensitive)
                    .match_kind(kind)
                    .build(&words)
                {
                    automata.push((ac, short));
                }
            }
        }
        Prefilter {
            matchers: Some(Matchers { automata }),
        }
    }

    /// A prefilter that lets everything through (`--no-prefilter`).
    pub fn disabled() -> Prefilter {
        Prefilter { matchers: None }
    }

    pub fn is_enabled(&self) -> bool {
        self.matchers.is_some()
    }

    pub fn may_match(&self, bytes: &[u8]) -> bool {
        let Some(m) = &self.matchers else {
            return true;
        };
        m.automata.iter().any(|(ac, short)| {
            if *short {
                ac.find_overlapping_iter(bytes)
                    .any(|hit| starts_word(bytes, hit.start()))
            } else {
                ac.is_match(bytes)
            }
        })
    }
}

/// The strong tier of trigger words: a file holding one is parsed.
///
/// - a URL scheme (`://`) and the credential-in-URL shapes of
///   [`CREDENTIAL_IN_URL`];
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
/// Returns the words matched case-insensitively, then those matched
/// case-sensitively: a built-in rule's trigger holding a capital letter is
/// a type or member name of a case-sensitive language (`Process`,
/// `Runtime`, `NetService`), which its lower-case homonym (`process.env`,
/// a `runtime` variable) is not.
pub fn strong_words(rules: &RuleSet) -> (Vec<String>, Vec<String>) {
    let mut words: Vec<String> = vec!["://".into()];
    let mut exact: Vec<String> = Vec::new();
    words.extend(
        CREDENTIAL_IN_URL
            .iter()
            .flat_map(|name| ["?", "&"].map(|sep| format!("{sep}{name}="))),
    );
    for rule in &rules.rules {
        if !rule_triggers_are_strong(rule) {
            continue;
        }
        for word in &rule.triggers {
            if rule.query.is_empty() && word.bytes().any(|b| b.is_ascii_uppercase()) {
                exact.push(word.clone());
            } else {
                words.push(word.clone());
            }
        }
    }
    words.extend(rules.sinks.strong_trigger_words());
    (words, exact)
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
pub fn word_hash(word: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in word.bytes() {
        hash ^= u32::from(b.to_ascii_lowercase());
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// The sorted, distinct word hashes of a file: every identifier token
/// (letters, digits, `_`, `$`, non-ASCII), and the words it splits into.
pub fn file_words(bytes: &[u8]) -> Vec<u32> {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let mut tokens: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
    for token in bytes.split(|&b| !is_ident(b)) {
        if !token.is_empty() && !token[0].is_ascii_digit() {
            tokens.insert(token);
        }
    }
    let mut out = Vec::with_capacity(tokens.len() * 2);
    for token in tokens {
        let token = String::from_utf8_lossy(token);
        out.push(word_hash(&token));
        let multiword = token
            .bytes()
            .any(|b| b.is_ascii_uppercase() || b == b'_' || b == b'$');
        if multiword {
            out.extend(crate::model::words::words(&token).iter().map(|w| word_hash(w)));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Wrapper names to look for in [`file_words`]. A plain name (`loadRemote`)
/// counts as it is; a `Class.method` name (a method with a one-word name,
/// `ApiClient.get`) counts by its class: the class's name or one of its
/// words longer than two letters (`api`, `client`), since a call reaching
/// it goes through a receiver that names the class, shares a word with it,
/// or is declared with a related type, and a wrapper of that wrapper in the
/// same class is found by the analysis, not here.
pub struct WordSet(std::collections::HashSet<u32>);

impl WordSet {
    pub fn new(words: &[String]) -> WordSet {
        let mut set = std::collections::HashSet::new();
        for word in words {
            match word.rsplit_once('.') {
                Some((class, _method)) => {
                    set.insert(word_hash(class));
                    set.extend(
                        crate::model::words::words(class)
                            .iter()
                            .filter(|w| w.len() > 2)
                            .map(|w| word_hash(w)),
                    );
                }
                None => {
                    set.insert(word_hash(word));
                }
            }
        }
        WordSet(set)
    }

    pub fn admits(&self, file_words: &[u32]) -> bool {
        file_words.iter().any(|w| self.0.contains(w))
    }
}

fn is_word(w: &str) -> bool {
    w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Does an identifier word start at `at`?
fn starts_word(bytes: &[u8], at: usize) -> bool {
    at == 0 || !bytes[at - 1].is_ascii_alphanumeric() || bytes[at].is_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_only_count_at_identifier_starts() {
        let p = Prefilter::from_words(vec!["io".into(), "key".into(), "fetch".into()]);
        assert!(!p.may_match(b"function render(rows) { return target; }"));
        assert!(p.may_match(b"const s = io(addr);"));
        assert!(p.may_match(b"const apiKey = load();"));
        assert!(p.may_match(b"const API_KEY = load();"));
        assert!(!p.may_match(b"const monkey = 1;"));
        // Long words match anywhere.
        assert!(p.may_match(b"return prefetched;"));
    }

    #[test]
    fn file_words_hold_tokens_and_their_words() {
        let words = file_words(b"const x = apiClient.loadRemote(path); // HTTPServer user_id $ref 42abc");
        let set = |names: &[&str]| WordSet::new(&names.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert!(set(&["loadRemote"]).admits(&words));
        assert!(set(&["LOADREMOTE"]).admits(&words), "case-insensitive");
        assert!(set(&["client"]).admits(&words), "camelCase word");
        assert!(set(&["server"]).admits(&words), "acronym split");
        assert!(set(&["user"]).admits(&words), "snake_case word");
        assert!(set(&["remote"]).admits(&words), "camelCase word");
        assert!(
            !set(&["loadRemo", "emote"]).admits(&words),
            "substrings do not count"
        );
        assert!(!set(&["abc"]).admits(&words), "tokens start with a non-digit");
        let mut sorted = words.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(words, sorted);
    }

    #[test]
    fn empty_word_list_lets_nothing_through() {
        let p = Prefilter::from_words(Vec::new());
        assert!(!p.may_match(b"fetch(url)"));
    }
}
