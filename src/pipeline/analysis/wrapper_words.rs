//! The words a file must contain to call one of the project's possible
//! wrappers: the prefilter's second phase admits a file without a trigger
//! word when it has one of them (see [`crate::pipeline::engine`]).

use std::collections::BTreeSet;

use super::ParsedFile;
use crate::model::FileFacts;
use crate::pipeline::prefilter::Prefilter;

/// Names under which the parsed files' possible wrappers can be called (see
/// [`WordSet`](crate::pipeline::prefilter::WordSet)): a possible wrapper is
/// a function with parameters that calls a network API (`sinks` matches the
/// callee) or one of the `known` wrapper names of an earlier round. Returns
/// the names to match and the simple names found.
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

/// [`wrapper_names`] of one file. A method with a one-word name (`get`,
/// `send`) of a class is named `Class.method`: a call `api.get(route)`
/// links to `ApiClient.get` only through its receiver, so a file calling
/// it holds the method's name *and* the class's name or one of its words
/// (the analysis links the two the same way, see `analysis::wrappers`).
pub fn wrapper_names_in(facts: &FileFacts, sinks: &Prefilter, known: &BTreeSet<String>) -> WrapperNames {
    let mut names = WrapperNames::default();
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
        names.simple.insert(simple.to_string());
        match class {
            Some(class) if super::wrappers::is_generic_method(simple) => {
                let class = class.rsplit('.').next().unwrap_or(class);
                names.words.insert(format!("{class}.{simple}"));
            }
            _ => {
                names.words.insert(simple.to_string());
            }
        }
    }
    names
}
