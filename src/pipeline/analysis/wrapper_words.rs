//! The words a file must contain to call one of the project's possible
//! wrappers: the prefilter's second phase admits a file without a trigger
//! word when it has one of them (see [`crate::pipeline::engine`]).

use std::collections::BTreeSet;

use super::ParsedFile;
use crate::model::FileFacts;
use crate::pipeline::prefilter::Prefilter;

/// Names under which the parsed files' possible wrappers can be called: the
/// words a file that calls one of them contains. A possible wrapper is a
/// function with parameters that calls a network API (`sinks` matches the
/// callee) or one of the `known` wrapper names of an earlier round. Methods
/// with a common name (`get`, `send`) add the words of their class instead,
/// since a call `api.get(route)` only links to `ApiClient.get` through the
/// receiver. Returns the names to match and the simple names found.
pub fn wrapper_names(
    files: &[&ParsedFile],
    sinks: &Prefilter,
    known: &BTreeSet<String>,
) -> (Vec<String>, BTreeSet<String>) {
    use rayon::prelude::*;
    let all = files
        .par_iter()
        .map(|file| {
            if known.is_empty() {
                file.possible_wrappers.clone()
            } else {
                wrapper_names_in(&file.facts(), sinks, known)
            }
        })
        .reduce(WrapperNames::default, |mut all, one| {
            all.words.extend(one.words);
            all.simple.extend(one.simple);
            all
        });
    (all.words.into_iter().collect(), all.simple)
}

/// One file's share of [`wrapper_names`].
#[derive(Debug, Clone, Default)]
pub struct WrapperNames {
    pub words: BTreeSet<String>,
    pub simple: BTreeSet<String>,
}

/// [`wrapper_names`] of one file.
pub fn wrapper_names_in(facts: &FileFacts, sinks: &Prefilter, known: &BTreeSet<String>) -> WrapperNames {
    let mut words = BTreeSet::new();
    let mut simple_names = BTreeSet::new();
    let calling: BTreeSet<&str> = facts
        .calls
        .iter()
        .filter(|site| {
            let last = site.callee.rsplit('.').next().unwrap_or("");
            sinks.may_match(site.callee.as_bytes()) || known.contains(last)
        })
        .filter_map(|site| site.function.as_deref())
        .collect();
    for function in &facts.functions {
        if function.params.is_empty() || !calling.contains(function.name.as_str()) {
            continue;
        }
        let (class, simple) = match function.name.rsplit_once('.') {
            Some((c, s)) => (Some(c), s),
            None => (None, function.name.as_str()),
        };
        simple_names.insert(simple.to_string());
        match class {
            Some(class) if super::wrappers::is_generic_method(simple) => {
                let class = class.rsplit('.').next().unwrap_or(class);
                words.insert(class.to_string());
                let class_words = crate::model::words::words(class);
                words.extend(class_words.into_iter().filter(|w| w.len() > 2));
            }
            _ => {
                words.insert(simple.to_string());
            }
        }
    }
    WrapperNames {
        words,
        simple: simple_names,
    }
}
