//! The prefilter: one Aho-Corasick automaton over every trigger word of the
//! loaded rules and sinks. A file containing none of them cannot produce a
//! result and is never parsed. False positives are fine; false negatives are
//! bugs, which is why URL schemes and every sink name are always triggers.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::rules::RuleSet;

pub struct Prefilter {
    matcher: Option<AhoCorasick>,
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
        words.retain(|w| !w.is_empty());
        words.sort();
        words.dedup();
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(&words)
            .ok();
        Prefilter { matcher }
    }

    /// A prefilter that lets everything through (`--no-prefilter`).
    pub fn disabled() -> Prefilter {
        Prefilter { matcher: None }
    }

    pub fn may_match(&self, bytes: &[u8]) -> bool {
        match &self.matcher {
            Some(m) => m.is_match(bytes),
            None => true,
        }
    }
}
