//! The facts cache: per-file extraction results keyed by content.
//!
//! Parsing and extraction are most of a scan's cost, and their result
//! depends only on a file's bytes, its grammar and the engine (this build's
//! code, queries and rules). The cache stores that result under the file's
//! git blob id, so `diff` parses only the blobs it has not seen before (a
//! scan of the base branch fills the cache for every pull request's diff)
//! and repeated scans of an unchanged tree parse nothing.
//!
//! `diff` also keeps a [`VerdictStore`]: which blobs were not parsed and
//! why (no trigger word, binary, minified), with the words the prefilter's
//! second phase needs. With it, a diff reads no unchanged blob at all. A
//! scan does not use it: it would have to hash every file to find its blob
//! id, which costs about as much as the prefilter it would save.
//!
//! Location: `$EGRESS_SCAN_CACHE_DIR`, else `$XDG_CACHE_HOME/egress-scan`,
//! else `$HOME/.cache/egress-scan`; never inside the scanned tree. Entries
//! live under a folder named by the engine key, so another build or another
//! rule set never reads them. A missing, unwritable or corrupt cache is a
//! miss, never an error: the cache only saves time, and reports are
//! byte-identical with or without it.
//!
//! Another process may write to the cache folder, so every entry carries a
//! SHA-256 of its content and is read only as a regular file (never through
//! a link, never a FIFO): an edited, truncated or swapped entry is a miss.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::input::{self, Links};
use crate::model::FileFacts;
use crate::model::Grammar;

/// Environment variable naming the cache folder.
pub const CACHE_DIR_ENV: &str = "EGRESS_SCAN_CACHE_DIR";

/// A cache folder for one engine key.
#[derive(Debug, Clone)]
pub struct FactsCache {
    dir: PathBuf,
}

/// The default cache folder, from the environment.
pub fn default_root() -> Option<PathBuf> {
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env(CACHE_DIR_ENV)
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("egress-scan")))
        .or_else(|| env("HOME").map(|d| d.join(".cache").join("egress-scan")))
}

/// The git blob id of `bytes`: the key shared by files read from disk and
/// blobs read from a repository.
pub fn content_id(bytes: &[u8]) -> Option<gix::ObjectId> {
    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes).ok()
}

impl FactsCache {
    /// Opens (creating) the folder for `engine_key` under `root`; `None`
    /// when it cannot be created.
    pub fn open(root: &Path, engine_key: &str) -> Option<FactsCache> {
        let dir = root.join(engine_key);
        std::fs::create_dir_all(&dir).ok()?;
        Some(FactsCache { dir })
    }

    fn entry_path(&self, id: &gix::ObjectId, grammar: Grammar) -> PathBuf {
        let hex = id.to_string();
        let (fan, rest) = hex.split_at(2);
        self.dir.join(fan).join(format!("{rest}.{}", grammar.cache_tag()))
    }

    /// Are facts of content `id` parsed as `grammar` cached?
    pub fn contains(&self, id: &gix::ObjectId, grammar: Grammar) -> bool {
        self.entry_path(id, grammar).is_file()
    }

    /// The cached facts of content `id` parsed as `grammar`, relabelled to
    /// the path `rel`.
    pub fn get(&self, id: &gix::ObjectId, grammar: Grammar, rel: &str) -> Option<FileFacts> {
        let bytes = read_entry(&self.entry_path(id, grammar))?;
        let mut facts: FileFacts = postcard::from_bytes(&bytes).ok()?;
        facts.path = rel.to_string();
        Some(facts)
    }

    /// Stores `facts` (see [`write_atomically`]).
    pub fn put(&self, id: &gix::ObjectId, grammar: Grammar, facts: &FileFacts) {
        let Ok(bytes) = postcard::to_stdvec(facts) else {
            return;
        };
        write_atomically(&self.entry_path(id, grammar), &bytes);
    }
}

/// Largest cache entry or verdict segment read.
const ENTRY_CAP: u64 = 256 * 1024 * 1024;

/// The payload of the entry at `path` when it is a regular file whose
/// checksum matches.
fn read_entry(path: &Path) -> Option<Vec<u8>> {
    let mut bytes = input::read_bytes(path, Links::Refuse, ENTRY_CAP).ok()?;
    if bytes.len() < CHECKSUM_LEN {
        return None;
    }
    let payload = bytes.split_off(CHECKSUM_LEN);
    (Sha256::digest(&payload).as_slice() == bytes.as_slice()).then_some(payload)
}

const CHECKSUM_LEN: usize = 32;

/// Writes `payload` behind its checksum to a temporary file beside `path`
/// and renames it into place, so a concurrent run never reads a
/// half-written file. False when anything failed (the cache is then simply
/// not updated).
fn write_atomically(path: &Path, payload: &[u8]) -> bool {
    let Some(parent) = path.parent() else {
        return false;
    };
    if std::fs::create_dir_all(parent).is_err() {
        return false;
    }
    let Ok(mut tmp) = tempfile::NamedTempFile::new_in(parent) else {
        return false;
    };
    let checksum = Sha256::digest(payload);
    std::io::Write::write_all(&mut tmp, &checksum).is_ok()
        && std::io::Write::write_all(&mut tmp, payload).is_ok()
        && tmp.persist(path).is_ok()
}

/// Why a blob was not parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// No trigger word; its [`crate::pipeline::prefilter::file_words`].
    NoTrigger(Vec<u32>),
    Binary,
    Minified,
    ParseAbandoned,
}

/// Key of a stored value: a SHA-1 blob id and the grammar's index.
type BlobKey = ([u8; 20], u8);

/// Verdicts by blob (see [`SegmentStore`]).
pub type VerdictStore = SegmentStore<Verdict>;

/// Small values by blob (prefilter verdicts, `diff`'s per-blob names), kept
/// as a few segment files under a folder of the engine's: each run that
/// learns something adds one segment (thousands of tiny files would cost
/// more to write than the values save), and once there are
/// [`MAX_SEGMENTS`] they are merged into one.
pub struct SegmentStore<V> {
    dir: PathBuf,
    known: HashMap<BlobKey, V>,
    segments: Vec<PathBuf>,
    learned: Mutex<Vec<(BlobKey, V)>>,
}

const MAX_SEGMENTS: usize = 16;

fn blob_key(id: &gix::ObjectId, grammar: Grammar) -> Option<BlobKey> {
    Some((id.as_bytes().try_into().ok()?, grammar as u8))
}

impl<V: Serialize + serde::de::DeserializeOwned> SegmentStore<V> {
    /// Loads the segments of the folder `name` under `cache`'s folder;
    /// unreadable or corrupt segments are ignored and removed.
    pub fn open(cache: &FactsCache, name: &str) -> SegmentStore<V> {
        let dir = cache.dir.join(name);
        let mut segments: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "seg"))
            .collect();
        segments.sort();
        let mut known = HashMap::new();
        // A corrupt segment is dropped, as a corrupt facts entry is
        // replaced: it would never be read.
        segments.retain(|path| {
            let entries =
                read_entry(path).and_then(|bytes| postcard::from_bytes::<Vec<(BlobKey, V)>>(&bytes).ok());
            match entries {
                Some(entries) => {
                    known.extend(entries);
                    true
                }
                None => {
                    let _ = std::fs::remove_file(path);
                    false
                }
            }
        });
        SegmentStore {
            dir,
            known,
            segments,
            learned: Mutex::new(Vec::new()),
        }
    }

    pub fn get(&self, id: &gix::ObjectId, grammar: Grammar) -> Option<&V> {
        self.known.get(&blob_key(id, grammar)?)
    }

    /// Remembers a value learned in this run (written by [`Self::flush`]).
    pub fn learn(&self, id: &gix::ObjectId, grammar: Grammar, value: V) {
        if let Some(key) = blob_key(id, grammar) {
            if let Ok(mut learned) = self.learned.lock() {
                learned.push((key, value));
            }
        }
    }

    /// Writes what this run learned as a new segment, or merges everything
    /// into one segment when there are too many.
    pub fn flush(self) {
        let mut learned = self.learned.into_inner().unwrap_or_default();
        if learned.is_empty() {
            return;
        }
        let merge = self.segments.len() + 1 >= MAX_SEGMENTS;
        if merge {
            learned.extend(self.known);
        }
        learned.sort_by_key(|entry| entry.0);
        learned.dedup_by(|a, b| a.0 == b.0);
        let Ok(bytes) = postcard::to_stdvec(&learned) else {
            return;
        };
        let name = format!(
            "{:020}-{}.seg",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
            std::process::id()
        );
        if write_atomically(&self.dir.join(name), &bytes) && merge {
            for old in &self.segments {
                let _ = std::fs::remove_file(old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(path: &str) -> FileFacts {
        let src = "const API = \"https://api.example.com/v1\";\nfetch(`${API}/items`);\n";
        crate::pipeline::extract::facts_of(path, src)
    }

    #[test]
    fn round_trip_keeps_facts_and_relabels_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = FactsCache::open(dir.path(), "key").expect("opens");
        let id = content_id(b"x").expect("hash");
        let original = facts("a.ts");
        cache.put(&id, Grammar::TypeScript, &original);
        let back = cache
            .get(&id, Grammar::TypeScript, "b/renamed.ts")
            .expect("cached facts");
        assert_eq!(back.path, "b/renamed.ts");
        assert_eq!(format!("{:?}", back.calls), format!("{:?}", original.calls));
        assert_eq!(format!("{:?}", back.bindings), format!("{:?}", original.bindings));
        assert_eq!(back.lines, original.lines);
        // Another grammar is another entry.
        assert!(cache.get(&id, Grammar::Tsx, "a.tsx").is_none());
    }

    #[test]
    fn corrupt_entry_is_a_miss() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = FactsCache::open(dir.path(), "key").expect("opens");
        let id = content_id(b"z").expect("hash");
        cache.put(&id, Grammar::TypeScript, &facts("a.ts"));
        assert!(cache.get(&id, Grammar::TypeScript, "a.ts").is_some());
        std::fs::write(cache.entry_path(&id, Grammar::TypeScript), b"\xff\xff\xff").expect("overwrite");
        assert!(cache.get(&id, Grammar::TypeScript, "a.ts").is_none());
    }

    #[test]
    fn an_edited_or_linked_entry_is_a_miss() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = FactsCache::open(dir.path(), "key").expect("opens");
        let id = content_id(b"y").expect("hash");
        let mut edited = facts("a.ts");
        cache.put(&id, Grammar::TypeScript, &edited);
        let path = cache.entry_path(&id, Grammar::TypeScript);
        // Same length, still decodable: only the checksum tells.
        edited.path = "b.ts".into();
        let mut bytes = std::fs::read(&path).expect("entry");
        let payload = postcard::to_stdvec(&edited).expect("encodes");
        bytes.truncate(CHECKSUM_LEN);
        bytes.extend(payload);
        std::fs::write(&path, &bytes).expect("edit");
        assert!(cache.get(&id, Grammar::TypeScript, "a.ts").is_none());

        #[cfg(unix)]
        {
            let other = content_id(b"x").expect("hash");
            cache.put(&other, Grammar::TypeScript, &facts("x.ts"));
            std::fs::remove_file(&path).expect("remove");
            std::os::unix::fs::symlink(cache.entry_path(&other, Grammar::TypeScript), &path).expect("link");
            assert!(cache.get(&id, Grammar::TypeScript, "a.ts").is_none());
        }
    }

    #[test]
    fn verdicts_survive_runs_and_segments_merge() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = FactsCache::open(dir.path(), "key").expect("opens");
        let segments = || std::fs::read_dir(cache.dir.join("verdicts")).map_or(0, |d| d.count());
        for n in 0..(MAX_SEGMENTS + 2) {
            let store = VerdictStore::open(&cache, "verdicts");
            for m in 0..n {
                let id = content_id(format!("{m}").as_bytes()).expect("hash");
                assert_eq!(
                    store.get(&id, Grammar::Swift),
                    Some(&Verdict::NoTrigger(vec![m as u32])),
                    "run {n}"
                );
            }
            let id = content_id(format!("{n}").as_bytes()).expect("hash");
            assert_eq!(store.get(&id, Grammar::Swift), None);
            assert_eq!(store.get(&id, Grammar::Kotlin), None);
            assert_eq!(store.get(&id, Grammar::Java), None);
            store.learn(&id, Grammar::Swift, Verdict::NoTrigger(vec![n as u32]));
            store.flush();
            assert!(segments() < MAX_SEGMENTS, "{} segments after run {n}", segments());
        }
        // Nothing learned: nothing written.
        let before = segments();
        VerdictStore::open(&cache, "verdicts").flush();
        assert_eq!(segments(), before);
        // A corrupt segment is ignored.
        std::fs::write(cache.dir.join("verdicts").join("0-bad.seg"), b"\xff\xff").expect("write");
        let id = content_id(b"0").expect("hash");
        assert!(VerdictStore::open(&cache, "verdicts")
            .get(&id, Grammar::Swift)
            .is_some());
    }

    #[test]
    fn content_id_is_the_git_blob_id() {
        // `printf 'hello\n' | git hash-object --stdin`
        let id = content_id(b"hello\n").expect("hash");
        assert_eq!(id.to_string(), "ce013625030ba8dba906f756967f9e9ca394464a");
    }
}
