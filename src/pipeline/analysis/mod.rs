//! Analysis: from per-file facts to endpoints, outbound calls and findings.
//!
//! Runs per file (in parallel) over a [`Project`] that resolves constants
//! across files. Each rule's check lives in its own module under [`rules`]
//! and produces `RawFinding`s that the scan driver turns into reported
//! findings.

pub mod names;

pub mod scope;
pub mod url;

mod auth;
mod calls;
mod guards;
mod literals;
mod parsed;
pub mod payload;
mod query;
mod routes;
mod rules;
mod sink_guards;
#[cfg(test)]
mod testing;
pub(crate) mod types;
pub(crate) mod wrappers;

use std::collections::BTreeSet;

use crate::catalog::rules::RuleSet;
use crate::model::FileFacts;
use crate::pipeline::prefilter::WrapperCall;

use crate::model::host;
use crate::model::FileAnalysis;
pub use parsed::ParsedFile;
pub use scope::{Project, ProjectIndex};

/// Analysis settings that come from configuration.
#[derive(Debug, Clone, Default)]
pub struct AnalysisOptions {
    /// Hosts (exact or `*.suffix`) that are intended destinations.
    pub allowed_hosts: Vec<String>,
    /// Configured guard function names.
    pub guards: Vec<String>,
}

/// Analyses every file of the project: direct sinks first, then call sites
/// of project wrappers (transitively), then endpoints and detectors per
/// file. Each pass opens one file's full facts at a time (see
/// [`ParsedFile`]).
///
/// The last, per-file stage (endpoint literals and detectors) runs only for
/// the files `keep` accepts; sinks and wrappers are still found in every
/// file, since they cross files (`scan --shard` relies on it). `finish`
/// gets each kept file's facts with its analysis, while the facts are
/// open, and its results are returned in file order.
pub fn analyse_project<T: Send>(
    files: &[&ParsedFile],
    rules: &RuleSet,
    options: &AnalysisOptions,
    keep: &(dyn Fn(usize) -> bool + Sync),
    finish: &(dyn Fn(&FileFacts, FileAnalysis) -> T + Sync),
) -> Vec<T> {
    use rayon::prelude::*;
    use std::collections::HashSet;

    let index = ProjectIndex::new(files);
    let guards = guards::Guards::new(
        files
            .iter()
            .flat_map(|f| f.detected_guards.iter().map(|g| (f.summary.lang, g.as_str()))),
        &options.guards,
    );
    let (sinks, wrappers) = sinks_and_wrappers(&index, rules, &guards);
    // Constants that some request's URL is built from: their literals are
    // endpoints wherever they are defined.
    let used: HashSet<String> = sinks
        .iter()
        .flatten()
        .filter_map(|s| s.value.as_ref())
        .flat_map(|v| v.pieces.iter())
        .filter_map(|p| match p {
            url::Piece::Lit { name: Some(n), .. } => Some(n.clone()),
            _ => None,
        })
        .collect();
    let builders = routes::RouteBuilders::new(&index, &wrappers);
    sinks
        .into_par_iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(i, file_sinks)| {
            let facts = index.file(i).facts();
            let project = index.open(i, &facts);
            let mut analysis = analyse_file(&project, i, rules, options, &file_sinks, &used);
            builders.record(&facts, &mut analysis);
            finish(&facts, analysis)
        })
        .collect()
}

/// What the analysis of some files asks of the files it has not got (see
/// [`demand`]).
#[derive(Debug, Default)]
pub struct Demand {
    /// The network wrappers found, as their callers reach them.
    pub calls: BTreeSet<WrapperCall>,
    /// Types a file taking part extends or adopts: the wrappers' classes
    /// (a mixin composition names its base; calls on `this` in a subclass
    /// may go through a field the base declares) and the types of the
    /// wrappers' URL parameters that the files define (a type adopting one
    /// builds routes: `enum Timelines: Endpoint`).
    pub supertypes: BTreeSet<String>,
    /// Names whose declaration the files may read from a file not parsed
    /// (as [`crate::pipeline::prefilter::declared_hash`]es): the names
    /// their expressions start from (the roots of `ApiConfig.BASE_URL`, an
    /// imported `BASE_PATH`; see [`ParsedFile::referenced`]), and the
    /// wrappers' parameter types they do not define.
    pub declared: Vec<u32>,
}

/// The wrappers earlier rounds of the prefilter's second phase found, so
/// that a round looks only at what its new files add (see [`demand`]).
#[derive(Default)]
pub struct DemandState {
    wrappers: Vec<wrappers::Wrapper>,
    seen: std::collections::HashSet<String>,
    /// How many files (the first ones of each round's list) were seen.
    files: usize,
}

/// Finds the wrappers of `files` as [`analyse_project`] does and says what
/// they ask of other files: the prefilter's second phase parses a file
/// without trigger words that meets this demand (see
/// [`crate::pipeline::engine::Engine::recheck_untriggered`]).
///
/// `files` starts with the files of the earlier rounds, in the same order:
/// only the new ones, and the earlier ones naming what a new one declares,
/// are searched for network calls; the other earlier ones only for calls of
/// the new wrappers.
pub fn demand(files: &[&ParsedFile], rules: &RuleSet, state: &mut DemandState) -> Demand {
    use crate::pipeline::prefilter::declared_hash;

    let index = ProjectIndex::new(files);
    let found = new_wrappers(&index, rules, state);
    state.wrappers.extend(found);
    state.files = files.len();
    let wrappers = &state.wrappers;
    let mut demand = Demand {
        declared: files.iter().flat_map(|f| f.referenced.iter().copied()).collect(),
        ..Demand::default()
    };
    for w in wrappers {
        let types = index.types(index.file(w.file).summary.lang);
        let generic = wrappers::is_generic_method(&w.simple);
        let call = match &w.class {
            Some(class) => {
                let class = types::simple(class).to_string();
                if types.defines(&class) {
                    demand.supertypes.insert(class.clone());
                }
                Some(if generic {
                    WrapperCall::Method {
                        class,
                        method: w.simple.clone(),
                    }
                } else {
                    WrapperCall::Named(w.simple.clone())
                })
            }
            // Swift, Kotlin and Java call a free function with a one-word
            // name from its own file only.
            None if generic && index.file(w.file).summary.lang != crate::model::Lang::Typescript => None,
            None if generic => {
                // Imported from its module or the folder's index.
                let path = index.file(w.file).path();
                let folder = path.rsplit_once('/').and_then(|(d, _)| d.rsplit('/').next());
                Some(WrapperCall::Free {
                    method: w.simple.clone(),
                    words: crate::pipeline::declarations::module_stem(path)
                        .into_iter()
                        .chain(folder)
                        .map(String::from)
                        .collect(),
                })
            }
            None => Some(WrapperCall::Named(w.simple.clone())),
        };
        demand.calls.extend(call);
        // A type the project defines is adopted by files naming it; one it
        // does not define yet may be declared by a file not parsed.
        match &w.param_type {
            Some(t) if types.defines(t) => {
                demand.supertypes.insert(t.clone());
            }
            Some(t) => demand.declared.push(declared_hash(
                crate::pipeline::prefilter::Declared::Type,
                t.as_bytes(),
            )),
            None => {}
        }
    }
    demand.declared.sort_unstable();
    demand.declared.dedup();
    demand
}

/// The wrappers the files from `state.files` on define, directly or
/// through the wrappers known so far, and those the earlier files define
/// through the new ones or through what the new files declare.
fn new_wrappers(index: &ProjectIndex, rules: &RuleSet, state: &mut DemandState) -> Vec<wrappers::Wrapper> {
    use rayon::prelude::*;

    let from = state.files;
    let n = index.len();
    // An earlier file whose calls start from what a new file declares may
    // read differently now (a call through `ContactPicture.getLoader()`
    // links once `ContactPicture` is parsed): it is searched again as a new
    // one.
    let declared_now: std::collections::HashSet<u32> = (from..n)
        .flat_map(|i| parsed::declared_names(&index.file(i).summary))
        .collect();
    let renewed: Vec<bool> = (0..n)
        .map(|i| i >= from || index.file(i).receivers.iter().any(|h| declared_now.contains(h)))
        .collect();
    let defined_by = |i: usize, pass: &dyn Fn(&Project) -> Vec<calls::Sink>| {
        let facts = index.file(i).facts();
        let project = index.open(i, &facts);
        wrappers::wrappers_from(&project, i, &pass(&project))
    };
    let mut found: Vec<wrappers::Wrapper> = (0..n)
        .into_par_iter()
        .filter(|&i| renewed[i])
        .flat_map_iter(|i| {
            // One opening of the file's facts for its sinks and routes.
            let facts = index.file(i).facts();
            let project = index.open(i, &facts);
            let mut defined = wrappers::wrappers_from(&project, i, &calls::find_sinks(&project, i, rules));
            if routes::may_define_routes(&index.file(i).summary, rules) {
                defined.extend(routes::route_wrappers(&project, i, rules));
            }
            defined
        })
        .collect();
    found.retain(|w| state.seen.insert(w.function.clone()));
    // New files may call any wrapper; earlier ones only the new wrappers.
    let mut fresh = found.clone();
    for depth in 0..wrappers::MAX_DEPTH {
        if depth > 0 && fresh.is_empty() {
            break;
        }
        let all: Vec<wrappers::Wrapper> = state.wrappers.iter().chain(&found).cloned().collect();
        let (all_names, all_hashes) = name_index(&all);
        let (fresh_names, fresh_hashes) = name_index(&fresh);
        let next: Vec<wrappers::Wrapper> = (0..n)
            .into_par_iter()
            .flat_map_iter(|i| {
                let (by_name, hashes) = if depth == 0 && renewed[i] {
                    (&all_names, &all_hashes)
                } else {
                    (&fresh_names, &fresh_hashes)
                };
                if hashes.is_empty() || !index.file(i).may_call_any(hashes) {
                    return Vec::new();
                }
                defined_by(i, &|project| {
                    wrappers::wrapper_calls(project, i, by_name, &Default::default())
                })
            })
            .collect();
        fresh = next
            .into_iter()
            .filter(|w| state.seen.insert(w.function.clone()))
            .collect();
        found.extend(fresh.iter().cloned());
    }
    found
}

/// Wrappers by simple name, and the hashes of those names.
fn name_index(
    wrappers: &[wrappers::Wrapper],
) -> (
    std::collections::HashMap<&str, Vec<&wrappers::Wrapper>>,
    rustc_hash::FxHashSet<u32>,
) {
    let by_name = wrappers::by_name(wrappers);
    let hashes = by_name.keys().map(|k| parsed::name_hash(k)).collect();
    (by_name, hashes)
}

/// The direct sinks of every file, then the call sites of project wrappers
/// (transitively), with every wrapper found. Sinks are annotated with the
/// guards around them.
fn sinks_and_wrappers(
    index: &ProjectIndex,
    rules: &RuleSet,
    guards: &guards::Guards,
) -> (Vec<Vec<calls::Sink>>, Vec<wrappers::Wrapper>) {
    use rayon::prelude::*;
    use std::collections::HashSet;

    let n = index.len();
    // Annotates the sinks found in file `i` and finds the wrappers they
    // define while the file's functions are at hand.
    let annotated = |project: &Project, i: usize, mut found: Vec<calls::Sink>| {
        for sink in &mut found {
            sink_guards::annotate(project, i, sink, guards, &rules.sinks);
        }
        let defined = wrappers::wrappers_from(project, i, &found);
        (found, defined)
    };
    // One opening of each file for its direct sinks and, when it may
    // declare a framework's routes, their interface methods (whose callers
    // send the route).
    let opened: Vec<(Vec<calls::Sink>, Vec<wrappers::Wrapper>, Vec<wrappers::Wrapper>)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let facts = index.file(i).facts();
            let project = index.open(i, &facts);
            let (found, defined) = annotated(&project, i, calls::find_sinks(&project, i, rules));
            let routes = if !rules.sinks.frameworks.is_empty()
                && routes::may_define_routes(&index.file(i).summary, rules)
            {
                routes::route_wrappers(&project, i, rules)
            } else {
                Vec::new()
            };
            (found, defined, routes)
        })
        .collect();
    let mut sinks = Vec::with_capacity(n);
    let mut wrappers: Vec<wrappers::Wrapper> = Vec::new();
    let mut routes: Vec<wrappers::Wrapper> = Vec::new();
    for (found, defined, routed) in opened {
        sinks.push(found);
        wrappers.extend(defined);
        routes.extend(routed);
    }
    // Route methods follow every directly defined wrapper.
    wrappers.extend(routes);
    let mut seen_wrappers: HashSet<String> = wrappers.iter().map(|w| w.function.clone()).collect();
    // A round opens only the files that may call a wrapper the previous
    // round found (the first: any wrapper). A call of an older one gives
    // the same sinks as before, which `known` already holds.
    let mut fresh = wrappers.len();
    for _ in 0..wrappers::MAX_DEPTH {
        if fresh == 0 {
            break;
        }
        let by_name = wrappers::by_name(&wrappers);
        let names: rustc_hash::FxHashSet<u32> = wrappers[wrappers.len() - fresh..]
            .iter()
            .map(|w| parsed::name_hash(&w.simple))
            .collect();
        let found: Vec<(Vec<calls::Sink>, Vec<wrappers::Wrapper>)> = (0..n)
            .into_par_iter()
            .map(|i| {
                if !index.file(i).may_call_any(&names) {
                    return Default::default();
                }
                let known: HashSet<usize> = sinks[i].iter().map(|s| s.span.start_byte).collect();
                let facts = index.file(i).facts();
                let project = index.open(i, &facts);
                annotated(
                    &project,
                    i,
                    wrappers::wrapper_calls(&project, i, &by_name, &known),
                )
            })
            .collect();
        let mut next = Vec::new();
        for (i, (new_sinks, defined)) in found.into_iter().enumerate() {
            for w in defined {
                if seen_wrappers.insert(w.function.clone()) {
                    next.push(w);
                }
            }
            sinks[i].extend(new_sinks);
        }
        fresh = next.len();
        wrappers.extend(next);
    }
    (sinks, wrappers)
}

/// Analyses one file given its sinks.
fn analyse_file(
    project: &Project,
    file: usize,
    rules: &RuleSet,
    options: &AnalysisOptions,
    sinks: &[calls::Sink],
    used_constants: &std::collections::HashSet<String>,
) -> FileAnalysis {
    let mut out = FileAnalysis::default();
    for sink in sinks {
        out.calls.push(sink.call.clone());
        if let Some(hit) = &sink.endpoint {
            out.endpoints.push(hit.clone());
        }
    }
    out.endpoints
        .extend(literals::endpoint_literals(project, file, sinks, used_constants));
    out.endpoints.sort();
    out.endpoints.dedup();
    rules::run(project, file, rules, options, sinks, &mut out);
    out
}

/// True when `host` matches an allow-list entry (`api.x.com` or `*.x.com`).
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let h = host::hostname(host);
    allowed.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        match a.strip_prefix("*.") {
            Some(suffix) => h == suffix || h.ends_with(&format!(".{suffix}")),
            None => h == a,
        }
    })
}
