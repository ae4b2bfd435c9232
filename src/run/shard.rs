//! `scan --shard K/N`: one of N deterministic slices of a repository.
//!
//! **Partition.** A file belongs to shard `K` (1-based) when the 64-bit
//! FNV-1a hash of its `/`-separated path relative to the root, modulo `N`,
//! is `K - 1`. The hash is fixed (not std's randomised hasher), so every job
//! of a CI matrix computes the same partition on any machine. Walk errors
//! that carry no path are counted in shard 1.
//!
//! **Cross-file facts.** Exported constants, project wrappers (transitive,
//! across files), auto-detected guards and the Retrofit base URL are
//! project-wide facts. To keep them exact, every shard walks, prefilters,
//! parses and extracts *all* candidate files and finds sinks and wrappers in
//! all of them; only the last per-file stage (endpoint literals and the
//! detectors) runs for the shard's own files. It then *reports* only what is
//! located in its own files: endpoint locations, calls, findings, the
//! per-file inventory facts and the file statistics. The union of the N
//! shard reports is therefore exactly the single-run report (the tests
//! compare them byte for byte). Parsing dominates a scan, so a shard job
//! costs about as much as a full scan: sharding splits the output (and the
//! review) of a huge repository across jobs, not its parse time. See the
//! README for measurements.
//!
//! A shard report carries a `shard` object: its index and count, the
//! repository name, a hash of everything that changes results (rules,
//! config, scan settings) and the inventory facts `merge` needs to rebuild
//! the communications. `merge` refuses shards whose identity differs.

use std::path::Path;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::catalog::rules::RuleSet;
use crate::config::Config;
use crate::error::Error;
use crate::input::{self, Links};
use crate::model::ShardInfo;
use crate::model::{Report, Skipped, Stats};
use crate::pipeline::engine::Outcome;
use crate::pipeline::platform::PlatformScan;
use crate::pipeline::walk::WalkOutput;
use crate::run::scan::{self, ScanOptions};

/// `K/N`: shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("invalid shard `{s}`: expected K/N with 1 <= K <= N (e.g. 2/5)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// 64-bit FNV-1a: tiny, stable across platforms and releases.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

impl Shard {
    /// True when `rel` (a root-relative, `/`-separated path) is this shard's.
    pub fn owns(&self, rel: &str) -> bool {
        fnv1a(rel.as_bytes()) % self.count as u64 == (self.index - 1) as u64
    }

    /// The statistics of this shard's files only; the N shards' statistics
    /// add up to the single run's.
    pub fn stats(&self, walked: &WalkOutput, outcomes: &[Outcome], platform: &PlatformScan) -> Stats {
        let mut stats = Stats {
            platform_files: scan::platform_counts(&walked.platform, platform, &|f| self.owns(f)),
            ..Stats::default()
        };
        let own_large = walked.too_large_paths.iter().filter(|p| self.owns(p)).count();
        let own_unreadable = walked.unreadable_paths.iter().filter(|p| self.owns(p)).count();
        // Walk errors without a path are counted once, in shard 1.
        let pathless = walked.unreadable.saturating_sub(walked.unreadable_paths.len());
        stats.files_skipped = Skipped {
            too_large: own_large,
            unreadable: own_unreadable + if self.index == 1 { pathless } else { 0 },
            symlink_or_special: walked.special_paths.iter().filter(|p| self.owns(p)).count(),
            unreadable_dirs: if self.index == 1 {
                walked.unreadable_dirs
            } else {
                0
            },
            ..Skipped::default()
        };
        stats.files_seen =
            own_large + stats.files_skipped.unreadable + stats.files_skipped.symlink_or_special;
        // Not files of any one shard: shard 1 reports them, as the single
        // run does once.
        if self.index == 1 {
            stats.ignore_files_refused = scan::refused_ignore_files(walked);
        }
        stats.count_not_analysed(
            walked
                .unsupported_paths
                .iter()
                .filter(|(path, _)| self.owns(path))
                .map(|(_, lang)| *lang),
        );
        for (candidate, outcome) in walked.files.iter().zip(outcomes) {
            if !self.owns(&candidate.rel) {
                continue;
            }
            stats.files_seen += 1;
            scan::count_outcome(&mut stats, &candidate.rel, outcome);
        }
        stats
    }

    /// Analyses the whole project and reports this shard's files.
    pub fn report(
        &self,
        options: &ScanOptions,
        stats: Stats,
        files: &[crate::pipeline::analysis::ParsedFile],
        platform: &PlatformScan,
        rules: &RuleSet,
        config: &Config,
    ) -> Report {
        let files: Vec<&crate::pipeline::analysis::ParsedFile> = files.iter().collect();
        let keep = |file: &str| self.owns(file);
        // Every shard holds the whole platform configuration (the policy
        // of its plaintext requests) and the findings of its own files.
        let (mut report, inventory) = scan::ReportBuilder::new(rules, config)
            .keeping(&keep)
            .with_platform(platform)
            .build_with_inventory(options.root_label.clone(), stats, &files);
        report.shard = Some(ShardInfo {
            index: self.index,
            count: self.count,
            repository: default_repo_name(&options.root),
            settings: settings_hash(options, rules, config),
            inventory,
        });
        report
    }
}

/// For each of `counts`, every shard report of that partition, from one walk
/// and extraction: what N `scan --shard K/N` jobs would write, `K` = 1..=N.
/// For tests and for checking partitions locally.
/// Scans `options.root` and reports `shard`'s files (`scan --shard K/N`).
pub fn scan_shard(
    options: &ScanOptions,
    shard: Shard,
    rules: &RuleSet,
    config: &Config,
) -> Result<Report, Error> {
    scan::in_pool(options.threads, || {
        let (walked, outcomes) = scan::walk_and_process(options, rules, config)?;
        let platform = scan::scan_platform(&walked.platform, options, config);
        let stats = shard.stats(&walked, &outcomes, &platform);
        let (_, files) = scan::collect_outcomes(Stats::default(), outcomes);
        Ok(shard.report(options, stats, &files, &platform, rules, config))
    })
}

pub fn scan_shards(
    options: &ScanOptions,
    rules: &RuleSet,
    config: &Config,
    counts: &[usize],
) -> Result<Vec<Vec<Report>>, Error> {
    scan::in_pool(options.threads, || {
        let (walked, outcomes) = scan::walk_and_process(options, rules, config)?;
        let platform = scan::scan_platform(&walked.platform, options, config);
        let partitions: Vec<Vec<(Shard, Stats)>> = counts
            .iter()
            .map(|&count| {
                (1..=count.max(1))
                    .map(|index| {
                        let shard = Shard {
                            index,
                            count: count.max(1),
                        };
                        (shard, shard.stats(&walked, &outcomes, &platform))
                    })
                    .collect()
            })
            .collect();
        let (_, files) = scan::collect_outcomes(Stats::default(), outcomes);
        Ok(partitions
            .into_iter()
            .map(|shards| {
                shards
                    .into_iter()
                    .map(|(shard, stats)| shard.report(options, stats, &files, &platform, rules, config))
                    .collect()
            })
            .collect())
    })
}

/// Hash of what changes a scan's results besides the files: rules (with
/// their sink catalog), config, and the walk/prefilter settings. Thread
/// count, root and output options are left out.
pub fn settings_hash(options: &ScanOptions, rules: &RuleSet, config: &Config) -> String {
    let text = format!(
        "{rules:?}\n{config:?}\n{:?}\n{}\n{:?}\n{}\n{}",
        options.excludes, options.include_tests, options.langs, options.prefilter, options.max_file_size
    );
    Sha256::digest(text.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The default repository name of a scan root: the last path segment of the
/// `origin` remote URL in `ROOT/.git/config` when there is one (without
/// `.git`), else the root folder's name.
pub fn default_repo_name(root: &Path) -> String {
    // `.git` and its config are the repository's own files: never followed
    // as links, never read past a small cap.
    let git = root.join(".git");
    let git_is_dir = std::fs::symlink_metadata(&git).is_ok_and(|m| m.is_dir());
    if let Some(name) = git_is_dir
        .then(|| input::read_text(&git.join("config"), Links::Refuse, input::SMALL_FILE_CAP).ok())
        .flatten()
        .and_then(|text| origin_name(&text))
    {
        return name;
    }
    let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repository".into())
}

/// `name` of `url = git@github.com:org/name.git` under `[remote "origin"]`.
fn origin_name(git_config: &str) -> Option<String> {
    let mut in_origin = false;
    for line in git_config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_origin = line == "[remote \"origin\"]";
            continue;
        }
        if !in_origin {
            continue;
        }
        let Some(url) = line.strip_prefix("url").map(str::trim_start) else {
            continue;
        };
        let url = url.strip_prefix('=')?.trim().trim_end_matches('/');
        let last = url.rsplit(['/', ':']).next()?;
        let name = last.strip_suffix(".git").unwrap_or(last);
        return (!name.is_empty()).then(|| name.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n() {
        assert_eq!("2/5".parse::<Shard>(), Ok(Shard { index: 2, count: 5 }));
        assert!("0/5".parse::<Shard>().is_err());
        assert!("6/5".parse::<Shard>().is_err());
        assert!("1/0".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }

    #[test]
    fn every_path_is_in_exactly_one_shard() {
        for count in [1, 2, 3, 7] {
            for i in 0..200 {
                let path = format!("src/module{i}/file{i}.ts");
                let owners = (1..=count)
                    .filter(|&index| Shard { index, count }.owns(&path))
                    .count();
                assert_eq!(owners, 1, "{path} in {count} shards");
            }
        }
    }

    #[test]
    fn hash_is_stable() {
        // Pinned: a changed hash would re-partition every CI matrix.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn origin_remote_names() {
        let cfg =
            "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:acme/payments-api.git\n";
        assert_eq!(origin_name(cfg).as_deref(), Some("payments-api"));
        let cfg = "[remote \"upstream\"]\n\turl = https://x/y/z\n";
        assert_eq!(origin_name(cfg), None);
        let cfg = "[remote \"origin\"]\n url = https://github.com/acme/web/\n";
        assert_eq!(origin_name(cfg).as_deref(), Some("web"));
    }
}
