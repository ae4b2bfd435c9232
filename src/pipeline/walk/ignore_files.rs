//! The ignore files a walk would read (`.gitignore`, `.ignore`,
//! `.git/info/exclude`), checked before the walk reads any of them.
//!
//! A pull request controls its ignore files: a `.gitignore` that is a link
//! to `/dev/zero` or `/etc/shadow`, a FIFO, or megabytes of patterns would
//! make the walk read without end, block, open a file outside the tree or
//! use hundreds of megabytes. The walk reads ignore files only when every
//! one of them is a regular file within the caps below; otherwise it reads
//! none and names the refused files. Reading none only adds untracked
//! files to the scan, never hides one.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

use super::PathPolicy;

/// Names of the ignore files the walk honours.
const IGNORE_FILE_NAMES: &[&str] = &[".gitignore", ".ignore"];
/// Largest ignore file read (GitHub's templates are a few KiB).
pub const IGNORE_FILE_CAP: u64 = 256 * 1024;
/// Largest total of all ignore files read.
pub const IGNORE_TOTAL_CAP: u64 = 1024 * 1024;

/// The ignore files below `root` (in folders the walk enters), above it up
/// to the repository's top, and the repository's `info/exclude`; with the
/// ones that must not be read, as paths relative to `root` (or absolute
/// outside it) and why.
pub fn refused(root: &Path, policy: &PathPolicy) -> Vec<(String, &'static str)> {
    let mut found: Vec<PathBuf> = Vec::new();
    let mut walk = WalkBuilder::new(root);
    let entry_policy = policy.clone();
    walk.standard_filters(false)
        .follow_links(false)
        .filter_entry(move |entry| {
            if entry.depth() == 0 {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_some_and(|t| t.is_dir()) {
                // The walk never enters hidden folders, so it reads no
                // ignore file inside one.
                !name.starts_with('.') && entry_policy.enters_dir(&name)
            } else {
                IGNORE_FILE_NAMES.contains(&name.as_ref())
            }
        });
    for entry in walk.build().flatten() {
        if entry.depth() > 0 && !entry.file_type().is_some_and(|t| t.is_dir()) {
            found.push(entry.into_path());
        }
    }
    // Parents up to the repository's top, and its exclude file.
    for dir in root.ancestors().skip(1) {
        for name in IGNORE_FILE_NAMES {
            let path = dir.join(name);
            if std::fs::symlink_metadata(&path).is_ok() {
                found.push(path);
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    for dir in root.ancestors() {
        let git = dir.join(".git");
        if git.is_dir() {
            let exclude = git.join("info").join("exclude");
            if std::fs::symlink_metadata(&exclude).is_ok() {
                found.push(exclude);
            }
            break;
        }
    }
    found.sort();
    let mut total: u64 = 0;
    let mut out = Vec::new();
    for path in found {
        let why = match std::fs::symlink_metadata(&path) {
            Err(_) => Some("unreadable"),
            Ok(m) if m.file_type().is_symlink() => Some("a symbolic link"),
            Ok(m) if !m.is_file() => Some("not a regular file"),
            Ok(m) if m.len() > IGNORE_FILE_CAP => Some("larger than 256 KiB"),
            Ok(m) => {
                total = total.saturating_add(m.len());
                (total > IGNORE_TOTAL_CAP).then_some("over the 1 MiB total of ignore files")
            }
        };
        if let Some(why) = why {
            out.push((super::relative(root, &path), why));
        }
    }
    out
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::model::Lang;

    fn policy(root: &Path) -> PathPolicy {
        PathPolicy::new(root, false, Lang::ALL.to_vec())
    }

    #[test]
    fn refuses_links_fifos_and_oversized_ignore_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/deep")).expect("mkdir");
        std::fs::create_dir_all(root.join("node_modules/x")).expect("mkdir");
        std::fs::write(root.join(".gitignore"), "dist/\n").expect("write");
        std::fs::write(root.join("node_modules/x/.gitignore"), "never read\n").expect("write");
        assert!(refused(root, &policy(root)).is_empty());

        std::os::unix::fs::symlink("/dev/zero", root.join("src/.gitignore")).expect("link");
        std::fs::write(root.join("src/deep/.ignore"), "x\n".repeat(200_000)).expect("write");
        let c = std::ffi::CString::new(root.join("src/deep/.gitignore").as_os_str().as_encoded_bytes())
            .expect("path");
        // SAFETY: a valid NUL-terminated path and mode.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(
            refused(root, &policy(root)),
            [
                ("src/.gitignore".to_string(), "a symbolic link"),
                ("src/deep/.gitignore".to_string(), "not a regular file"),
                ("src/deep/.ignore".to_string(), "larger than 256 KiB"),
            ]
        );
    }
}
