//! Walking the scan root: `.gitignore`-aware, parallel, with default
//! exclusions for dependencies, build output and test code ([`policy`]).

pub mod policy;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use crate::model::Grammar;
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
    /// Relative paths of the files counted in `too_large` and, where the
    /// path is known, `unreadable` (so `--shard` can partition the counts).
    pub too_large_paths: Vec<String>,
    pub unreadable_paths: Vec<String>,
    /// Relative paths of symlinks and special files named like source.
    pub special_paths: Vec<String>,
    /// Source files in languages egress-scan does not analyse, as
    /// (relative path, language): a report must not read "no egress" where
    /// the code is only out of reach.
    pub unsupported_paths: Vec<(String, &'static str)>,
}

/// Source languages commonly found next to TypeScript, Swift and Kotlin
/// (native modules, backends) that egress-scan does not analyse.
const UNSUPPORTED_LANGUAGES: &[(&str, &str)] = &[
    ("java", "Java"),
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
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
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
                Err(_) => {
                    lock(out).unreadable += 1;
                    return WalkState::Continue;
                }
            };
            let path = entry.path();
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
    output.files.sort();
    output.special_paths.sort();
    output.unsupported_paths.sort();
    Ok(output)
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
        assert_eq!(unsupported_language(Path::new("a/B.java")), Some("Java"));
        assert_eq!(unsupported_language(Path::new("ios/X.mm")), Some("Objective-C++"));
        assert_eq!(unsupported_language(Path::new("x.ts")), None);
        assert_eq!(unsupported_language(Path::new("x.h")), None);
        assert_eq!(unsupported_language(Path::new("Makefile")), None);
    }
}
