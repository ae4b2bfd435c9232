//! The prefilter: one Aho-Corasick automaton over every trigger word of the
//! loaded rules and sinks. A file containing none of them cannot produce a
//! result and is never parsed. False positives are fine; false negatives are
//! bugs, which is why URL schemes and every sink name are always triggers.
//!
//! Short words (`io`, `ws`, `get`, `key`, `url`) would match inside almost
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
/// on each hit, so they get their own overlapping search.
struct Matchers {
    long: Option<AhoCorasick>,
    short: Option<AhoCorasick>,
}

impl Prefilter {
    pub fn new(rules: &RuleSet) -> Prefilter {
        Prefilter::with_words(rules, Vec::new())
    }

    /// Also lets through files containing any of `extra` (the service
    /// catalog's client library names, so SDK imports reach the inventory).
    pub fn with_words(rules: &RuleSet, extra: Vec<String>) -> Prefilter {
        let mut words: Vec<String> = extra;
        words.push("://".into());
        for rule in &rules.rules {
            words.extend(rule.triggers.iter().cloned());
        }
        words.extend(rules.sinks.trigger_words());
        Prefilter::from_words(words)
    }

    /// A prefilter over exactly `words`; none lets nothing through.
    pub fn from_words(mut words: Vec<String>) -> Prefilter {
        words.retain(|w| !w.is_empty());
        for w in &mut words {
            if is_word(w) {
                w.make_ascii_lowercase();
            }
        }
        words.sort();
        words.dedup();
        let (short, long): (Vec<String>, Vec<String>) =
            words.into_iter().partition(|w| w.len() <= SHORT && is_word(w));
        let build = |words: &[String], kind: MatchKind| {
            if words.is_empty() {
                return None;
            }
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(kind)
                .build(words)
                .ok()
        };
        Prefilter {
            matchers: Some(Matchers {
                long: build(&long, MatchKind::LeftmostFirst),
                short: build(&short, MatchKind::Standard),
            }),
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
        m.long.as_ref().is_some_and(|ac| ac.is_match(bytes))
            || m.short.as_ref().is_some_and(|ac| {
                ac.find_overlapping_iter(bytes)
                    .any(|hit| starts_word(bytes, hit.start()))
            })
    }
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

/// Wrapper names to look for in [`file_words`].
pub struct WordSet(std::collections::HashSet<u32>);

impl WordSet {
    pub fn new(words: &[String]) -> WordSet {
        WordSet(words.iter().map(|w| word_hash(w)).collect())
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
