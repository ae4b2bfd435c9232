//! Reading the two sides of a diff from git: a revision's tree straight
//! from the object database (no checkout, nothing written), or the work
//! tree as `scan` walks it; the base revision's configuration; renames.
//! Which paths are taken is the walk's [`PathPolicy`], so a side holds the
//! files a scan of it would analyse.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use gix::bstr::ByteSlice;
use ignore::overrides::Override;
use rayon::prelude::*;

use super::DiffOptions;
use crate::catalog::rules::RuleSource;
use crate::config::Config;
use crate::error::Error;
use crate::input::{self, Links};
use crate::model::platform::ConfigFileKind;
use crate::model::Grammar;
use crate::pipeline::walk::{self, PathPolicy, WalkOptions};

/// One side's selected source files: path → (grammar, blob id).
#[derive(Default)]
pub(super) struct Side {
    pub(super) files: BTreeMap<String, (Grammar, gix::ObjectId)>,
    pub(super) too_large: usize,
    pub(super) unreadable: usize,
    /// Symlinks named like source files (not followed, as in `scan`).
    pub(super) special: usize,
    /// Paths not analysed, with why (`too large`, `a symbolic link`,
    /// `unreadable`) and their blob id when known.
    pub(super) skipped: BTreeMap<String, (&'static str, Option<gix::ObjectId>)>,
    /// Platform configuration files (AndroidManifest.xml, network security
    /// configs, Info.plist) with their blob ids, sorted by path.
    pub(super) platform: Vec<(String, ConfigFileKind, gix::ObjectId)>,
}

impl Side {
    /// This side restricted to `paths` (the whole side when `None`): the
    /// skipped files and counts stay, they are the side's.
    pub(super) fn restricted(&self, paths: Option<&std::collections::BTreeSet<String>>) -> Side {
        Side {
            files: self
                .files
                .iter()
                .filter(|(rel, _)| paths.is_none_or(|p| p.contains(*rel)))
                .map(|(rel, v)| (rel.clone(), *v))
                .collect(),
            too_large: self.too_large,
            unreadable: self.unreadable,
            special: self.special,
            skipped: self.skipped.clone(),
            // Configuration files are small and always read whole.
            platform: self.platform.clone(),
        }
    }
}

/// A blob's bytes: the work tree's copy from `disk`, else read from the
/// object database with `repo` (a handle of the calling thread).
pub(super) fn read_blob<'a>(
    repo: &gix::Repository,
    disk: &'a HashMap<gix::ObjectId, Vec<u8>>,
    id: &gix::ObjectId,
) -> Option<std::borrow::Cow<'a, [u8]>> {
    match disk.get(id) {
        Some(bytes) => Some(std::borrow::Cow::Borrowed(&bytes[..])),
        None => Some(std::borrow::Cow::Owned(repo.find_object(*id).ok()?.detach().data)),
    }
}

/// [`read_blob`] into `buffer` (a caller's, reused from blob to blob: the
/// object database then decodes without allocating).
pub(super) fn read_blob_into<'b>(
    repo: &gix::Repository,
    disk: &HashMap<gix::ObjectId, Vec<u8>>,
    id: &gix::ObjectId,
    buffer: &'b mut Vec<u8>,
) -> Option<&'b [u8]> {
    use gix::objs::FindExt;
    if let Some(bytes) = disk.get(id) {
        buffer.clear();
        buffer.extend_from_slice(bytes);
        return Some(&buffer[..]);
    }
    repo.objects.find_blob(id, buffer).ok().map(|blob| blob.data)
}

pub(super) fn open_repository(path: &Path) -> Result<gix::Repository, Error> {
    gix::discover(path)
        .map_err(|e| Error::Usage(format!("{} is not in a git repository: {e}", path.display())))
}

/// The tree of revision `rev` (a branch, tag, sha or `HEAD~3`).
fn revision_tree<'r>(repo: &'r gix::Repository, rev: &str) -> Result<gix::Tree<'r>, Error> {
    repo.rev_parse_single(rev)
        .map_err(|e| Error::Usage(format!("unknown revision `{rev}`: {e}")))?
        .object()
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| Error::Usage(format!("revision `{rev}` has no tree: {e}")))
}

/// The rule and sink files (`*.yaml`, `*.yml`) of the folder `dir` as it is
/// in revision `rev`, when `dir` is inside the repository's work tree:
/// `diff` takes a rules folder of the repository from the base revision,
/// so a change cannot weaken the rules that judge it. `None` when `dir` is
/// outside the repository (read from disk as usual); an empty list when the
/// base has no such folder.
pub fn revision_rule_files(
    repo_path: &Path,
    rev: &str,
    dir: &Path,
) -> Result<Option<Vec<RuleSource>>, Error> {
    let repo = open_repository(repo_path)?;
    let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
        return Ok(None);
    };
    let Ok(dir) = dir.canonicalize() else {
        return Ok(None);
    };
    let Ok(rel) = dir.strip_prefix(&workdir) else {
        return Ok(None);
    };
    let rel = rel.to_string_lossy().replace('\\', "/");
    let tree = revision_tree(&repo, rev)?;
    let folder = if rel.is_empty() {
        Some(tree)
    } else {
        match tree
            .lookup_entry_by_path(&rel)
            .map_err(|e| Error::Git(format!("cannot read the tree of `{rev}`: {e}")))?
        {
            Some(entry) if entry.mode().is_tree() => Some(
                entry
                    .object()
                    .map_err(|e| Error::Git(format!("cannot read {rev}:{rel}: {e}")))?
                    .into_tree(),
            ),
            _ => None,
        }
    };
    let Some(folder) = folder else {
        return Ok(Some(Vec::new()));
    };
    let mut out = Vec::new();
    for entry in folder.iter() {
        let entry = entry.map_err(|e| Error::Git(format!("cannot read {rev}:{rel}: {e}")))?;
        let file = entry.filename().to_str_lossy().into_owned();
        if !(file.ends_with(".yaml") || file.ends_with(".yml")) {
            continue;
        }
        let name = if rel.is_empty() {
            format!("{rev}:{file}")
        } else {
            format!("{rev}:{rel}/{file}")
        };
        if !entry.mode().is_blob() {
            return Err(Error::Git(format!(
                "{name} is not a regular file (a link or a folder)"
            )));
        }
        let blob = repo
            .find_object(entry.oid())
            .map_err(|e| Error::Git(format!("cannot read {name}: {e}")))?;
        if blob.data.len() as u64 > input::SMALL_FILE_CAP {
            return Err(Error::Git(format!(
                "{name} is larger than {} bytes",
                input::SMALL_FILE_CAP
            )));
        }
        out.push(RuleSource {
            name,
            text: String::from_utf8_lossy(&blob.data).into_owned(),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Some(out))
}

/// The `.egress-scan.toml` at the root of revision `rev` of the repository
/// containing `repo_path` (default settings when it has none). `diff` uses
/// the *base* revision's file for both sides: the reviewed configuration
/// decides, so a change cannot exclude or downgrade its own findings by
/// editing the configuration it brings.
pub fn revision_config(repo_path: &Path, rev: &str) -> Result<Config, Error> {
    let repo = open_repository(repo_path)?;
    let tree = revision_tree(&repo, rev)?;
    let entry = tree
        .lookup_entry_by_path(".egress-scan.toml")
        .map_err(|e| Error::Git(format!("cannot read the tree of `{rev}`: {e}")))?;
    let Some(entry) = entry else {
        return Ok(Config::default());
    };
    let name = format!("{rev}:.egress-scan.toml");
    if !entry.mode().is_blob() {
        return Err(Error::Git(format!(
            "{name} is not a regular file (a link or a folder)"
        )));
    }
    let size = repo
        .find_header(entry.oid())
        .map_err(|e| Error::Git(format!("cannot read {name}: {e}")))?
        .size();
    if size > input::SMALL_FILE_CAP {
        return Err(Error::Git(format!(
            "{name} is larger than {} bytes",
            input::SMALL_FILE_CAP
        )));
    }
    let blob = entry
        .object()
        .map_err(|e| Error::Git(format!("cannot read {rev}:.egress-scan.toml: {e}")))?;
    let text = String::from_utf8_lossy(&blob.data);
    Ok(Config::parse(&name, &text)?)
}

/// Deleted and added paths with the same blob id (and grammar) are renames.
pub(super) fn detect_renames(base: &Side, head: &Side) -> BTreeMap<String, String> {
    let mut added: BTreeMap<(gix::ObjectId, Grammar), Vec<&String>> = BTreeMap::new();
    for (rel, (grammar, id)) in &head.files {
        if !base.files.contains_key(rel) {
            added.entry((*id, *grammar)).or_default().push(rel);
        }
    }
    let mut renames = BTreeMap::new();
    for (rel, (grammar, id)) in &base.files {
        if head.files.contains_key(rel) {
            continue;
        }
        if let Some(candidates) = added.get_mut(&(*id, *grammar)) {
            if !candidates.is_empty() {
                renames.insert(rel.clone(), candidates.remove(0).clone());
            }
        }
    }
    renames
}

/// The files of revision `rev` that a scan of it would analyse: `policy`
/// and `excludes` as in the walk. Ignore files play no part: every file of
/// a revision is tracked, and a change must not hide its own files by
/// listing them in a `.gitignore` it brings.
pub(super) fn read_revision(
    repo: &gix::Repository,
    rev: &str,
    policy: &PathPolicy,
    excludes: &Override,
    max_file_size: u64,
) -> Result<Side, Error> {
    let tree = revision_tree(repo, rev)?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut recorder)
        .map_err(|e| Error::Git(format!("cannot read tree of `{rev}`: {e}")))?;

    let mut side = Side::default();
    for entry in &recorder.records {
        if !entry.mode.is_blob() && !entry.mode.is_link() {
            continue;
        }
        let rel = entry.filepath.to_str_lossy().into_owned();
        if let Some(kind) = ConfigFileKind::of_path(&rel) {
            // Read as a scan reads them: regular files within the size cap.
            let small = repo
                .find_header(entry.oid)
                .is_ok_and(|h| h.size() <= max_file_size);
            if entry.mode.is_blob() && small && policy.tree_name(&rel, excludes).is_some() {
                side.platform.push((rel, kind, entry.oid));
            }
            continue;
        }
        let Some(grammar) = policy.tree_path(&rel, excludes) else {
            continue;
        };
        if entry.mode.is_link() {
            side.special += 1;
            side.skipped.insert(rel, ("a symbolic link", Some(entry.oid)));
            continue;
        }
        let Ok(header) = repo.find_header(entry.oid) else {
            side.unreadable += 1;
            side.skipped.insert(rel, ("unreadable", Some(entry.oid)));
            continue;
        };
        if header.size() > max_file_size {
            side.too_large += 1;
            side.skipped.insert(rel, ("too large", Some(entry.oid)));
            continue;
        }
        side.files.insert(rel, (grammar, entry.oid));
    }
    side.platform.sort();
    Ok(side)
}

/// The work tree, walked from disk exactly as `scan` does; blob ids are
/// computed from the content so unchanged files hit the cache.
pub(super) fn read_work_tree(
    repo: &gix::Repository,
    options: &DiffOptions,
    excludes: &[String],
    include_tests: bool,
    disk: &mut HashMap<gix::ObjectId, Vec<u8>>,
) -> Result<Side, Error> {
    let root = repo
        .workdir()
        .ok_or_else(|| Error::Usage("the repository has no work tree; give a HEAD revision".into()))?;
    let walked = walk::walk(&WalkOptions {
        root: root.to_path_buf(),
        excludes: excludes.to_vec(),
        include_tests,
        langs: options.langs.clone(),
        max_file_size: options.max_file_size,
        threads: options.threads,
    })
    .map_err(|e| Error::Usage(format!("invalid exclude pattern: {e}")))?;
    let hash_kind = repo.object_hash();
    let read: Vec<_> = walked
        .files
        .par_iter()
        .map(|c| {
            let bytes = input::read_bytes(&c.path, Links::Refuse, options.max_file_size).ok()?;
            let id = gix::objs::compute_hash(hash_kind, gix::objs::Kind::Blob, &bytes).ok()?;
            Some((c.rel.clone(), c.grammar, id, bytes))
        })
        .collect();
    let mut side = Side {
        too_large: walked.too_large,
        unreadable: walked.unreadable,
        special: walked.special_paths.len(),
        ..Side::default()
    };
    let skipped = [
        (&walked.too_large_paths, "too large"),
        (&walked.special_paths, "a symbolic link or special file"),
        (&walked.unreadable_paths, "unreadable"),
    ];
    for (paths, why) in skipped {
        for rel in paths {
            side.skipped.insert(rel.clone(), (why, None));
        }
    }
    for candidate in &walked.platform.files {
        let Ok(bytes) = input::read_bytes(&candidate.path, Links::Refuse, options.max_file_size) else {
            continue;
        };
        let Ok(id) = gix::objs::compute_hash(hash_kind, gix::objs::Kind::Blob, &bytes) else {
            continue;
        };
        disk.entry(id).or_insert(bytes);
        side.platform.push((candidate.rel.clone(), candidate.kind, id));
    }
    for (candidate, item) in walked.files.iter().zip(read) {
        match item {
            Some((rel, grammar, id, bytes)) => {
                disk.entry(id).or_insert(bytes);
                side.files.insert(rel, (grammar, id));
            }
            None => {
                side.unreadable += 1;
                side.skipped.insert(candidate.rel.clone(), ("unreadable", None));
            }
        }
    }
    Ok(side)
}
