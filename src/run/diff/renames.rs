//! Renamed files, with or without edits.
//!
//! A file moved to another folder and touched on the way (an import path
//! fixed, a line added) is the same code: reporting its call sites as
//! removed and added would bury the real changes of a pull request. As in
//! git, a deleted and an added path whose contents are similar enough are a
//! rename; the base side is then compared under the head's path.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::git::Side;
use crate::model::Grammar;

/// Share of lines two files must have in common to be a rename (git's
/// default rename threshold is 50 % too).
pub const MIN_SIMILARITY: u32 = 50;

/// Beyond this many (deleted, added) pairs, only exact renames are
/// detected: scoring every pair of a huge reorganisation would cost more
/// than the diff (git has a similar limit, `diff.renameLimit`).
const MAX_PAIRS: usize = 250_000;

/// A path of the base that is another path in the head.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rename {
    pub from: String,
    pub to: String,
    /// Percent of lines in common (100: same content).
    pub similarity: u32,
}

/// Blob contents by id (from the object database or the work tree).
pub(super) type ReadBlob<'a> = dyn Fn(&gix::ObjectId) -> Option<Vec<u8>> + Sync + 'a;

/// Renames from `base` to `head`: `exact` ones (same blob) and deleted/added
/// pairs of the same grammar whose contents are at least
/// [`MIN_SIMILARITY`] % alike, best pairs first. Sorted by `from`.
pub(super) fn renames(
    base: &Side,
    head: &Side,
    exact: &BTreeMap<String, String>,
    read: &ReadBlob<'_>,
) -> Vec<Rename> {
    let mut out: Vec<Rename> = exact
        .iter()
        .map(|(from, to)| Rename {
            from: from.clone(),
            to: to.clone(),
            similarity: 100,
        })
        .collect();
    let renamed_to: std::collections::BTreeSet<&String> = exact.values().collect();
    let deleted: Vec<(&String, Grammar, gix::ObjectId)> = base
        .files
        .iter()
        .filter(|(p, _)| !head.files.contains_key(*p) && !exact.contains_key(*p))
        .map(|(p, (g, id))| (p, *g, *id))
        .collect();
    let added: Vec<(&String, Grammar, gix::ObjectId)> = head
        .files
        .iter()
        .filter(|(p, _)| !base.files.contains_key(*p) && !renamed_to.contains(p))
        .map(|(p, (g, id))| (p, *g, *id))
        .collect();
    if deleted.is_empty() || added.is_empty() || deleted.len() * added.len() > MAX_PAIRS {
        out.sort();
        return out;
    }
    let lines: HashMap<gix::ObjectId, LineSet> = deleted
        .iter()
        .chain(&added)
        .map(|(_, _, id)| *id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_par_iter()
        .filter_map(|id| Some((id, LineSet::new(&read(&id)?))))
        .collect();
    let mut pairs: Vec<(u32, usize, usize)> = (0..deleted.len())
        .into_par_iter()
        .flat_map_iter(|d| {
            let (_, grammar, old_id) = deleted[d];
            let lines = &lines;
            let added = &added;
            (0..added.len()).filter_map(move |a| {
                let (_, g, new_id) = added[a];
                if g != grammar {
                    return None;
                }
                let score = lines.get(&old_id)?.similarity(lines.get(&new_id)?);
                (score >= MIN_SIMILARITY).then_some((score, d, a))
            })
        })
        .collect();
    pairs.sort_by(|x, y| {
        y.0.cmp(&x.0)
            .then_with(|| deleted[x.1].0.cmp(deleted[y.1].0))
            .then_with(|| added[x.2].0.cmp(added[y.2].0))
    });
    let (mut used_d, mut used_a) = (vec![false; deleted.len()], vec![false; added.len()]);
    for (score, d, a) in pairs {
        if used_d[d] || used_a[a] {
            continue;
        }
        used_d[d] = true;
        used_a[a] = true;
        out.push(Rename {
            from: deleted[d].0.clone(),
            to: added[a].0.clone(),
            similarity: score,
        });
    }
    out.sort();
    out
}

/// The non-blank lines of a file (trimmed, so re-indentation is no edit)
/// as a multiset of hashes.
struct LineSet {
    counts: HashMap<u64, u32>,
    total: u32,
}

impl LineSet {
    fn new(bytes: &[u8]) -> LineSet {
        let mut counts: HashMap<u64, u32> = HashMap::new();
        let mut total = 0;
        for line in bytes.split(|b| *b == b'\n') {
            let line = line.trim_ascii();
            if line.is_empty() {
                continue;
            }
            let mut h = std::collections::hash_map::DefaultHasher::new();
            line.hash(&mut h);
            *counts.entry(h.finish()).or_default() += 1;
            total += 1;
        }
        LineSet { counts, total }
    }

    /// Percent of lines in common, of the larger file.
    fn similarity(&self, other: &LineSet) -> u32 {
        let larger = self.total.max(other.total);
        if larger == 0 {
            return 0;
        }
        let common: u32 = self
            .counts
            .iter()
            .map(|(h, n)| (*n).min(other.counts.get(h).copied().unwrap_or(0)))
            .sum();
        (u64::from(common) * 100 / u64::from(larger)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_counts_shared_lines_of_the_larger_file() {
        let a = LineSet::new(b"a\nb\nc\nd\n");
        let b = LineSet::new(b"  a\nb\n\nc\nx\n");
        assert_eq!(a.similarity(&b), 75);
        assert_eq!(a.similarity(&LineSet::new(b"x\ny\n")), 0);
        assert_eq!(LineSet::new(b"").similarity(&LineSet::new(b"")), 0);
    }
}
