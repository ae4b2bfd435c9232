//! Walking the scan root: `.gitignore`-aware, parallel, with default
//! exclusions for dependencies, build output and test code ([`policy`]).

mod ignore_files;
pub mod policy;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use crate::model::platform::ConfigFileKind;
use crate::model::Grammar;
use crate::pipeline::tracked;
pub use policy::PathPolicy;

/// Walk settings.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub root: PathBuf,
    pub excludes: Vec<String>,
    pub include_tests: bool,
    pub langs: Vec<crate::model::Lang>,
    pub max_file_size: u64,
    pub threads: usize,
}

/// A file to analyse.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    pub path: PathBuf,
    pub grammar: Grammar,
}

#[derive(Debug, Default)]
pub struct WalkOutput {
    pub files: Vec<Candidate>,
    pub too_large: usize,
    pub unreadable: usize,
    /// Folders that could not be listed.
    pub unreadable_dirs: usize,
    /// Relative paths of the files counted in `too_large` and, where the
    /// path is known, `unreadable` (so `--shard` can partition the counts).
    pub too_large_paths: Vec<String>,
    pub unreadable_paths: Vec<String>,
    /// Relative paths of symlinks and special files named like source.
    pub special_paths: Vec<String>,
    /// Ignore files not read because one of them is unsafe to read (see
    /// [`ignore_files`]), with why; when any is listed, no ignore file was
    /// read.
    pub refused_ignore_files: Vec<(String, &'static str)>,
    /// Source files in languages egress-scan does not analyse, as
    /// (relative path, language): a report must not read "no egress" where
    /// the code is only out of reach.
    pub unsupported_paths: Vec<(String, &'static str)>,
    /// Platform configuration files (AndroidManifest.xml, `res/xml`
    /// resources, Info.plist): not source, read by the platform stage.
    pub platform: PlatformFiles,
}

/// The platform configuration files the walk found, sorted by path.
#[derive(Debug, Default)]
pub struct PlatformFiles {
    pub files: Vec<PlatformCandidate>,
    pub too_large: Vec<String>,
    pub unreadable: Vec<String>,
}

/// A platform configuration file to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlatformCandidate {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    pub path: PathBuf,
    pub kind: ConfigFileKind,
}

/// Whether a file of this name may be a platform configuration file (the
/// cheap test before its relative path is built).
fn may_be_platform_file(name: &str) -> bool {
    name.ends_with(".xml") || name.ends_with(".plist")
}

/// Source languages commonly found next to TypeScript, Swift and Kotlin
/// (native modules, backends) that egress-scan does not analyse.
const UNSUPPORTED_LANGUAGES: &[(&str, &str)] = &[
    ("m", "Objective-C"),
    ("mm", "Objective-C++"),
    ("c", "C"),
    ("cc", "C++"),
    ("cpp", "C++"),
    ("cs", "C#"),
    ("dart", "Dart"),
    ("go", "Go"),
    ("php", "PHP"),
    ("py", "Python"),
    ("rb", "Ruby"),
    ("rs", "Rust"),
];

/// The language of a source file egress-scan does not analyse, by extension.
pub fn unsupported_language(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?;
    UNSUPPORTED_LANGUAGES
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, lang)| *lang)
}

impl Ord for Grammar {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (*self as u8).cmp(&(*other as u8))
    }
}

impl PartialOrd for Grammar {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

pub fn walk(options: &WalkOptions) -> Result<WalkOutput, ignore::Error> {
    let root = &options.root;
    let overrides = policy::exclude_overrides(root, &options.excludes)?;
    let policy = PathPolicy::new(root, options.include_tests, options.langs.clone());
    let entry_policy = policy.clone();
    let refused_ignore_files = ignore_files::refused(root, &policy);
    let read_ignore_files = refused_ignore_files.is_empty();
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(true)
        .git_ignore(read_ignore_files)
        .ignore(read_ignore_files)
        .parents(read_ignore_files)
        .git_global(false)
        .git_exclude(read_ignore_files)
        .require_git(false)
        .follow_links(false)
        .overrides(overrides)
        .threads(options.threads.max(1))
        .filter_entry(move |entry| {
            if entry.depth() == 0 {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_some_and(|t| t.is_dir()) {
                entry_policy.enters_dir(&name)
            } else {
                entry_policy.keeps_file(&name)
            }
        });

    let out = Mutex::new(WalkOutput::default());
    builder.build_parallel().run(|| {
        let (out, policy) = (&out, &policy);
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let mut guard = lock(out);
                    match error_path(&e) {
                        // A folder that cannot be listed is not a file.
                        Some(path) if path.is_dir() => guard.unreadable_dirs += 1,
                        Some(path) => {
                            guard.unreadable += 1;
                            guard.unreadable_paths.push(relative(root, path));
                        }
                        None => guard.unreadable += 1,
                    }
                    return WalkState::Continue;
                }
            };
            let path = entry.path();
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if !is_dir && may_be_platform_file(&entry.file_name().to_string_lossy()) {
                let rel = relative(root, path);
                if let Some(kind) = ConfigFileKind::of_path(&rel) {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    let size = entry.metadata().map(|m| m.len());
                    let mut guard = lock(out);
                    add_platform_file(&mut guard.platform, rel, path, kind, is_file, size, options);
                    return WalkState::Continue;
                }
            }
            let Some(grammar) = Grammar::for_path(path) else {
                if let Some(lang) = unsupported_language(path) {
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        lock(out).unsupported_paths.push((relative(root, path), lang));
                    }
                }
                return WalkState::Continue;
            };
            if !policy.analyses(grammar, &entry.file_name().to_string_lossy()) {
                return WalkState::Continue;
            }
            // Regular files only: a symlink may point outside the root or
            // loop, and FIFOs, sockets and devices would block or lie.
            let file_type = entry.file_type();
            if file_type.is_some_and(|t| t.is_dir()) {
                return WalkState::Continue;
            }
            if !file_type.is_some_and(|t| t.is_file()) {
                lock(out).special_paths.push(relative(root, path));
                return WalkState::Continue;
            }
            let size = entry.metadata().map(|m| m.len());
            let mut guard = lock(out);
            match size {
                Ok(len) if len > options.max_file_size => {
                    guard.too_large += 1;
                    guard.too_large_paths.push(relative(root, path));
                }
                Ok(_) => guard.files.push(Candidate {
                    rel: relative(root, path),
                    path: path.to_path_buf(),
                    grammar,
                }),
                Err(_) => {
                    guard.unreadable += 1;
                    guard.unreadable_paths.push(relative(root, path));
                }
            }
            WalkState::Continue
        })
    });
    let mut output = out.into_inner().unwrap_or_else(|e| e.into_inner());
    output.refused_ignore_files = refused_ignore_files;
    if let Some(tracked) = tracked::tracked_files(root) {
        add_tracked(&mut output, &tracked, &policy, options)?;
    }
    output.files.sort();
    output.platform.files.sort();
    output.platform.too_large.sort();
    output.platform.unreadable.sort();
    output.special_paths.sort();
    output.unsupported_paths.sort();
    Ok(output)
}

/// Adds the tracked files that ignore rules kept from the walk: in a git
/// repository every tracked file the path policy accepts is scanned,
/// whatever the ignore files (which the change under review controls) say.
fn add_tracked(
    output: &mut WalkOutput,
    tracked: &[String],
    policy: &PathPolicy,
    options: &WalkOptions,
) -> Result<(), ignore::Error> {
    let excludes = policy::exclude_overrides("", &options.excludes)?;
    let seen: std::collections::HashSet<&str> = output
        .files
        .iter()
        .map(|c| c.rel.as_str())
        .chain(output.special_paths.iter().map(String::as_str))
        .chain(output.too_large_paths.iter().map(String::as_str))
        .chain(output.unreadable_paths.iter().map(String::as_str))
        .chain(output.platform.files.iter().map(|c| c.rel.as_str()))
        .chain(output.platform.too_large.iter().map(String::as_str))
        .chain(output.platform.unreadable.iter().map(String::as_str))
        .collect();
    let mut added = WalkOutput::default();
    for rel in tracked {
        if seen.contains(rel.as_str()) {
            continue;
        }
        if let Some(kind) = ConfigFileKind::of_path(rel) {
            if policy.tree_name(rel, &excludes).is_some() {
                let path = options.root.join(rel);
                match std::fs::symlink_metadata(&path) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    meta => {
                        let is_file = meta.as_ref().is_ok_and(|m| m.is_file());
                        let size = meta.map(|m| m.len());
                        add_platform_file(
                            &mut added.platform,
                            rel.clone(),
                            &path,
                            kind,
                            is_file,
                            size,
                            options,
                        );
                    }
                }
            }
            continue;
        }
        let Some(grammar) = policy.tree_path(rel, &excludes) else {
            continue;
        };
        let path = options.root.join(rel);
        match std::fs::symlink_metadata(&path) {
            // Deleted from the work tree since it was staged.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => {
                added.unreadable += 1;
                added.unreadable_paths.push(rel.clone());
            }
            Ok(m) if !m.is_file() => added.special_paths.push(rel.clone()),
            Ok(m) if m.len() > options.max_file_size => {
                added.too_large += 1;
                added.too_large_paths.push(rel.clone());
            }
            Ok(_) => added.files.push(Candidate {
                rel: rel.clone(),
                path,
                grammar,
            }),
        }
    }
    output.files.append(&mut added.files);
    output.platform.files.append(&mut added.platform.files);
    output.platform.too_large.append(&mut added.platform.too_large);
    output.platform.unreadable.append(&mut added.platform.unreadable);
    output.special_paths.append(&mut added.special_paths);
    output.too_large += added.too_large;
    output.too_large_paths.append(&mut added.too_large_paths);
    output.unreadable += added.unreadable;
    output.unreadable_paths.append(&mut added.unreadable_paths);
    Ok(())
}

/// Records a platform configuration file: read later when it is a regular
/// file within the size cap (a link could point outside the root), else
/// counted as unreadable or too large.
fn add_platform_file(
    into: &mut PlatformFiles,
    rel: String,
    path: &Path,
    kind: ConfigFileKind,
    is_file: bool,
    size: Result<u64, impl std::fmt::Debug>,
    options: &WalkOptions,
) {
    match size {
        Ok(_) if !is_file => into.unreadable.push(rel),
        Ok(len) if len > options.max_file_size => into.too_large.push(rel),
        Ok(_) => into.files.push(PlatformCandidate {
            rel,
            path: path.to_path_buf(),
            kind,
        }),
        Err(_) => into.unreadable.push(rel),
    }
}

/// The path a walk error is about, if it names one.
fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        _ => None,
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `/`-separated path relative to the root (lossy for non-UTF-8 names).
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        path.file_name()
            .map_or_else(|| ".".into(), |n| n.to_string_lossy().into_owned())
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_languages_are_named_by_extension() {
        assert_eq!(unsupported_language(Path::new("ios/X.mm")), Some("Objective-C++"));
        assert_eq!(unsupported_language(Path::new("x.ts")), None);
        assert_eq!(unsupported_language(Path::new("x.h")), None);
        assert_eq!(unsupported_language(Path::new("Makefile")), None);
    }
}
