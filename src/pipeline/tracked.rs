//! The files git tracks under the scan root, read from the repository's
//! index with gix.
//!
//! A pull request controls the ignore files it brings: `git add -f
//! helper.ts` plus `helper.ts` in `.gitignore` would hide a tracked file
//! from a walk that trusts `.gitignore`. So in a git repository every
//! tracked file is scanned whatever the ignore files say; ignore rules only
//! decide about untracked files.

use std::path::Path;

/// Root-relative, `/`-separated paths of the regular files (not links, not
/// submodules) that the index of the repository containing `root` tracks
/// below `root`; `None` outside a repository or when the index cannot be
/// read.
pub fn tracked_files(root: &Path) -> Option<Vec<String>> {
    let repo = gix::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    let prefix = root.strip_prefix(&workdir).ok()?;
    let prefix = prefix.to_string_lossy().replace('\\', "/");
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    let index = repo.open_index().ok()?;
    let mut out: Vec<String> = index
        .entries()
        .iter()
        .filter(|e| {
            e.stage_raw() == 0
                && matches!(
                    e.mode,
                    gix::index::entry::Mode::FILE | gix::index::entry::Mode::FILE_EXECUTABLE
                )
        })
        .filter_map(|e| {
            let path = e.path(&index).to_string();
            path.strip_prefix(&prefix).map(str::to_string)
        })
        .filter(|rel| !rel.is_empty())
        .collect();
    out.sort();
    out.dedup();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn lists_tracked_files_below_the_root_ignored_or_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        git(root, &["init", "-q"]);
        std::fs::create_dir_all(root.join("app/src")).expect("mkdir");
        std::fs::write(root.join("app/src/helper.ts"), "fetch('https://x.example')\n").expect("write");
        std::fs::write(root.join("app/main.ts"), "\n").expect("write");
        std::fs::write(root.join("top.ts"), "\n").expect("write");
        std::fs::write(root.join(".gitignore"), "helper.ts\n").expect("write");
        git(root, &["add", "-A"]);
        git(root, &["add", "-f", "app/src/helper.ts"]);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", root.join("app/link.ts")).expect("link");
            git(root, &["add", "app/link.ts"]);
        }
        assert_eq!(
            tracked_files(&root.join("app")).expect("a repository"),
            ["main.ts", "src/helper.ts"]
        );
        assert!(tracked_files(&std::env::temp_dir().join("no-such-egress-scan-dir")).is_none());
    }
}
