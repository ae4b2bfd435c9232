//! Extracting the facts of both sides' files: each distinct (blob,
//! grammar) goes through prefilter, parse and extract once, with the
//! facts cache's verdicts looked up by blob id first.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::git::Side;
use crate::catalog::rules::RuleSet;
use crate::model::Grammar;
use crate::pipeline::cache::{Verdict, VerdictStore};
use crate::pipeline::engine::{Engine, Outcome};
use crate::pipeline::prefilter;
use crate::pipeline::spill::Spill;

/// The cached or computed [`crate::pipeline::prefilter::file_words`] of a blob.
type FileWords<'a> = Option<Cow<'a, [u32]>>;

/// The outcome of every distinct (blob, grammar) of both sides.
pub(super) type Extracted = HashMap<(gix::ObjectId, Grammar), Outcome>;

/// Runs every distinct blob of `sides` through `engine`. Work-tree blobs
/// are taken from `disk`, the others read from `repo`'s object database
/// when needed (never for blobs with a known verdict). The outcomes of an
/// earlier call (`previous`, for fewer files) are reused, except "no
/// trigger": the prefilter's second phase may admit such a blob now that
/// more files are parsed.
pub(super) fn extract(
    engine: &Engine,
    rules: &RuleSet,
    repo: &gix::Repository,
    disk: &HashMap<gix::ObjectId, Vec<u8>>,
    sides: [&Side; 2],
    mut previous: Extracted,
) -> Extracted {
    // Process each distinct (blob, grammar) once.
    let mut work: BTreeMap<(gix::ObjectId, Grammar), &str> = BTreeMap::new();
    for side in sides {
        for (rel, (grammar, id)) in &side.files {
            work.entry((*id, *grammar)).or_insert(rel.as_str());
        }
    }
    let work: Vec<_> = work.into_iter().collect();
    let sync = repo.clone().into_sync();
    let read = |repo: &gix::Repository, id: &gix::ObjectId| super::git::read_blob(repo, disk, id);
    let verdicts = engine.verdict_store();
    // Facts go to a spill file as in a disk scan: both sides of a large
    // repository would otherwise hold every parsed file's facts.
    let spill = Spill::new().map(Arc::new);
    let (mut outcomes, words) = process_blobs(
        engine,
        &work,
        &mut previous,
        verdicts.as_ref(),
        &sync,
        &read,
        spill.as_ref(),
    );
    let source = |i: usize| {
        let ((id, grammar), rel) = &work[i];
        Some((
            *rel,
            *grammar,
            Cow::Owned(read(&sync.to_thread_local(), id)?.into_owned()),
        ))
    };
    engine.recheck_untriggered(
        &mut outcomes,
        rules,
        |i| {
            let words = match &words[i] {
                Some(words) => Cow::Borrowed(&words[..]),
                None => {
                    let (_, grammar, bytes) = source(i)?;
                    Cow::Owned(prefilter::file_words(grammar, &bytes))
                }
            };
            Some((work[i].1, words))
        },
        source,
    );
    drop(words);
    let outcomes: Vec<Outcome> = outcomes
        .into_par_iter()
        .map(|o| o.spilled_to(spill.as_ref()))
        .collect();
    if let Some(store) = verdicts {
        store.flush();
    }
    work.iter().map(|(key, _)| *key).zip(outcomes).collect()
}

/// How many changed blobs [`grammars_to_parse`] reads at most: past that,
/// the change is large enough for every grammar it touches to be parsed.
const PROBED_CHANGES: usize = 32;

/// The grammars of the changed blobs (those differing between `sides`)
/// that will be parsed (see [`Engine::will_parse`]), so that their queries
/// can compile ahead of parsing.
pub(super) fn grammars_to_parse<B: AsRef<[u8]>>(
    engine: &Engine,
    sides: [&Side; 2],
    read: impl Fn(&gix::ObjectId) -> Option<B>,
) -> Vec<Grammar> {
    let mut parsed: Vec<Grammar> = Vec::new();
    let mut probed = 0;
    for (a, b) in [(sides[0], sides[1]), (sides[1], sides[0])] {
        for (rel, (grammar, id)) in &a.files {
            if parsed.contains(grammar) || b.files.get(rel).is_some_and(|(_, other)| other == id) {
                continue;
            }
            probed += 1;
            let parses = probed > PROBED_CHANGES
                || read(id).is_some_and(|bytes| engine.will_parse(id, *grammar, bytes.as_ref()));
            if parses {
                parsed.push(*grammar);
            }
        }
    }
    parsed
}

/// Blob contents by id, from the work tree or the object database.
type ReadBlob<'a> = dyn Fn(&gix::Repository, &gix::ObjectId) -> Option<Cow<'a, [u8]>> + Sync + 'a;

/// The prefilter/parse outcome of every distinct blob, and the words of
/// trigger-less blobs for the prefilter's second phase. A blob with a known
/// verdict (no trigger, binary, minified, abandoned) is not read; what is
/// learned about the others is added to `verdicts`.
fn process_blobs<'a>(
    engine: &Engine,
    work: &[((gix::ObjectId, Grammar), &str)],
    previous: &mut Extracted,
    verdicts: Option<&'a VerdictStore>,
    sync: &gix::ThreadSafeRepository,
    read: &ReadBlob<'_>,
    spill: Option<&Arc<Spill>>,
) -> (Vec<Outcome>, Vec<FileWords<'a>>) {
    let known: Vec<Option<Outcome>> = work
        .iter()
        .map(|(key, _)| previous.remove(key).filter(|o| !matches!(o, Outcome::NoTrigger)))
        .collect();
    work.par_iter()
        .zip(known)
        .map_init(
            || sync.to_thread_local(),
            |repo, (((id, grammar), rel), known)| {
                if let Some(outcome) = known {
                    return (outcome, None);
                }
                if let Some(verdict) = verdicts.and_then(|v| v.get(id, *grammar)) {
                    return match verdict {
                        Verdict::NoTrigger(words) => (Outcome::NoTrigger, Some(Cow::Borrowed(&words[..]))),
                        Verdict::Binary => (Outcome::Binary, None),
                        Verdict::Minified => (Outcome::Minified, None),
                        Verdict::ParseAbandoned => (Outcome::ParseAbandoned, None),
                    };
                }
                let Some(bytes) = read(repo, id) else {
                    return (Outcome::Unreadable, None);
                };
                let outcome = engine.process_blob(rel, *grammar, id, &bytes).spilled_to(spill);
                let Some(store) = verdicts else {
                    return (outcome, None);
                };
                let (verdict, words) = match outcome {
                    Outcome::NoTrigger => {
                        let words = prefilter::file_words(*grammar, &bytes);
                        (Verdict::NoTrigger(words.clone()), Some(Cow::Owned(words)))
                    }
                    Outcome::Binary => (Verdict::Binary, None),
                    Outcome::Minified => (Verdict::Minified, None),
                    Outcome::ParseAbandoned => (Verdict::ParseAbandoned, None),
                    _ => return (outcome, None),
                };
                store.learn(id, *grammar, verdict);
                (outcome, words)
            },
        )
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::cache::content_id;

    #[test]
    fn only_the_grammars_of_changed_blobs_that_parse_are_prepared() {
        let rules = RuleSet::builtin().expect("built-in rules");
        let engine = Engine::new(&rules, true).expect("engine");
        let blobs: HashMap<gix::ObjectId, &str> = [
            "export const load = () => fetch('https://api.example.com/v1');\n",
            "export const add = (a: number, b: number) => a + b;\n",
            "struct Row { let title: String }\n",
            "let unchanged = 1\n",
        ]
        .into_iter()
        .map(|src| (content_id(src.as_bytes()).expect("id"), src))
        .collect();
        let id = |src: &str| content_id(src.as_bytes()).expect("id");
        let mut base = Side::default();
        let mut head = Side::default();
        let unchanged = (Grammar::Swift, id("let unchanged = 1\n"));
        base.files.insert("Shared.swift".into(), unchanged);
        head.files.insert("Shared.swift".into(), unchanged);
        base.files.insert(
            "src/math.ts".into(),
            (
                Grammar::TypeScript,
                id("export const add = (a: number, b: number) => a + b;\n"),
            ),
        );
        head.files.insert(
            "src/api.ts".into(),
            (
                Grammar::TypeScript,
                id("export const load = () => fetch('https://api.example.com/v1');\n"),
            ),
        );
        head.files.insert(
            "Row.swift".into(),
            (Grammar::Swift, id("struct Row { let title: String }\n")),
        );
        let read = |id: &gix::ObjectId| blobs.get(id).map(|s| s.as_bytes());
        assert_eq!(
            grammars_to_parse(&engine, [&base, &head], read),
            [Grammar::TypeScript]
        );
        // Nothing changed: nothing to prepare.
        assert!(grammars_to_parse(&engine, [&base, &base], read).is_empty());
    }
}
