//! Which paths are scanned: the one policy behind the walk of a folder
//! ([`super::walk`]) and the reading of a git tree (`diff`), so both sides
//! of a diff select the files a scan of them would.
//!
//! A path is scanned when its grammar is one of the languages asked for
//! and its name is not a bundle, declaration file or source map; when no
//! folder on the way is hidden, dependencies or build output (except that
//! a root inside `node_modules` keeps the build folders of the packages it
//! scans); and, unless test code is asked for, when it is not test code.

use std::path::Path;

use ignore::overrides::{Override, OverrideBuilder};

use crate::model::{Grammar, Lang};

/// Folders never scanned below the root: dependencies and build output.
pub const DEFAULT_EXCLUDED_DIRS: &[&str] = &[
    "node_modules",
    "bower_components",
    "dist",
    "build",
    ".build",
    "Pods",
    "Carthage",
    "DerivedData",
    "vendor",
    "coverage",
    ".next",
    ".nuxt",
    ".gradle",
    ".git",
];

/// Test folders, excluded unless `--include-tests`.
pub const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "__mocks__",
    "spec",
    "fixtures",
    "examples",
    "Tests",
    "androidTest",
    "testFixtures",
    "test-fixtures",
    "__fixtures__",
    // End-to-end harnesses: they drive the app, they are not the app.
    "e2e",
    "detox",
    "cypress",
    "playwright",
    "testHelpers",
    "test-helpers",
];

/// True for test and design-time file names: `x.test.ts`, `x.spec.ts`,
/// `test.ts`, `x_test.ts`, `test_x.ts`, `x.e2e.ts`, `x.cy.ts`,
/// `testHelpers.ts`, Storybook's `x.stories.tsx`, `FooTests.swift`,
/// `BarTest.kt`.
pub fn is_test_file(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    name.contains(".test.")
        || name.contains(".spec.")
        || name.contains(".e2e.")
        || name.contains(".cy.")
        || name.contains(".stories.")
        || matches!(
            stem,
            "test" | "tests" | "testHelpers" | "test-helpers" | "testUtils" | "test-utils" | "setupTests"
        )
        || stem.ends_with("_test")
        || stem.ends_with("_spec")
        || stem.starts_with("test_")
        || name.ends_with("Tests.swift")
        || name.ends_with("Test.swift")
        || name.ends_with("Test.kt")
        || name.ends_with("Tests.kt")
        || name.ends_with("Test.java")
        || name.ends_with("Tests.java")
}

/// Development and CI tooling, by path relative to the root: scripts, CI
/// and release automation (`scripts/`, `fastlane/`, `.github/`,
/// `buildSrc/`, a top-level `tools/`), build files (`Package.swift`,
/// `*.gradle(.kts)`, `Podfile`, `Fastfile`, `Dangerfile`) and bundler or
/// test-runner configuration (`webpack.config.js`, `metro.config.js`,
/// `vite.config.ts`). What they contact is not what the app ships with.
pub fn is_tooling_path(rel: &str) -> bool {
    let segments: Vec<&str> = rel.split('/').collect();
    let (dirs, name) = segments.split_at(segments.len().saturating_sub(1));
    let name = name.first().copied().unwrap_or("");
    let tooling_dir = dirs.iter().any(|d| {
        matches!(
            *d,
            "scripts" | "fastlane" | ".github" | ".circleci" | "buildSrc" | ".husky"
        )
    }) || matches!(dirs.first(), Some(&("tools" | "ci" | "bin")));
    let stem = name.split('.').next().unwrap_or(name);
    let build_file = matches!(
        name,
        "Package.swift"
            | "Podfile"
            | "Fastfile"
            | "Appfile"
            | "Gemfile"
            | "Gruntfile.js"
            | "Gulpfile.js"
            | "gulpfile.js"
    ) || stem == "Dangerfile"
        || stem == "dangerfile"
        || name.ends_with(".gradle")
        || name.ends_with(".gradle.kts");
    // `webpack.config.js`, `.eslintrc.cjs`, `jest.setup.ts`.
    let config_file = [".config.", "rc.js", "rc.cjs", "rc.mjs", ".setup."]
        .iter()
        .any(|p| name.contains(p));
    tooling_dir || build_file || config_file
}

/// Declaration files and source maps: they hold no code that runs, so they
/// are never analysed (case-insensitively, as the extension is matched).
/// Minified bundles (`*.min.js`) are analysed: SDK bundles are where
/// library traffic lives, and a name must not hide code from the gate.
pub fn is_skipped_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts") || name.ends_with(".map")
}

/// The `--exclude` globs as ignore overrides relative to `root` (`""` for
/// paths read from a git tree).
pub fn exclude_overrides(root: impl AsRef<Path>, excludes: &[String]) -> Result<Override, ignore::Error> {
    let mut builder = OverrideBuilder::new(root);
    for glob in excludes {
        builder.add(&format!("!{glob}"))?;
    }
    builder.build()
}

/// Which paths below one root are scanned (see the module documentation).
#[derive(Debug, Clone)]
pub struct PathPolicy {
    include_tests: bool,
    langs: Vec<Lang>,
    /// The root is inside a `node_modules` folder: installed packages are
    /// scanned on purpose (`egress-scan node_modules`), and their shipped
    /// code lives in `dist/`, `build/`, `lib/`, so only nested
    /// `node_modules` (and `.git`) stay excluded.
    scanning_dependencies: bool,
}

impl PathPolicy {
    pub fn new(root: &Path, include_tests: bool, langs: Vec<Lang>) -> PathPolicy {
        PathPolicy {
            include_tests,
            langs,
            scanning_dependencies: root.components().any(|c| c.as_os_str() == "node_modules"),
        }
    }

    /// Whether the folder `name` (below the root) is entered.
    pub fn enters_dir(&self, name: &str) -> bool {
        if DEFAULT_EXCLUDED_DIRS.contains(&name)
            && !(self.scanning_dependencies && name != "node_modules" && name != ".git")
        {
            return false;
        }
        self.include_tests || !TEST_DIRS.contains(&name)
    }

    /// Whether a file of this name is kept whatever its language: test
    /// files only when test code is asked for.
    pub fn keeps_file(&self, name: &str) -> bool {
        self.include_tests || !is_test_file(name)
    }

    /// Whether a file of `grammar` named `name` is analysed: its language
    /// is asked for and it is not a bundle, declaration file or source map.
    pub fn analyses(&self, grammar: Grammar, name: &str) -> bool {
        self.langs.contains(&grammar.lang()) && !is_skipped_name(name)
    }

    /// The grammar of the file at `rel` (a `/`-separated path read from a
    /// git tree) if a scan would analyse it, or `None`: hidden names are
    /// skipped as the walk skips them, and `excludes` are matched as the
    /// walk matches them, folder by folder.
    pub fn tree_path(&self, rel: &str, excludes: &Override) -> Option<Grammar> {
        let name = self.tree_name(rel, excludes)?;
        let grammar = Grammar::for_path(Path::new(rel))?;
        self.analyses(grammar, name).then_some(grammar)
    }

    /// The file name of `rel` (a `/`-separated path read from a git tree)
    /// if the walk would visit it whatever its language: no hidden name,
    /// no excluded or test folder on the way, not matched by `excludes`.
    pub fn tree_name<'r>(&self, rel: &'r str, excludes: &Override) -> Option<&'r str> {
        let mut parts: Vec<&str> = rel.split('/').collect();
        let name = parts.pop()?;
        if name.starts_with('.') || !self.keeps_file(name) {
            return None;
        }
        let mut prefix = String::new();
        for dir in &parts {
            if dir.starts_with('.') || !self.enters_dir(dir) {
                return None;
            }
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(dir);
            if excludes.matched(&prefix, true).is_ignore() {
                return None;
            }
        }
        if excludes.matched(rel, false).is_ignore() {
            return None;
        }
        Some(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(root: &str, excludes: &[&str], include_tests: bool) -> (PathPolicy, Override) {
        let excludes: Vec<String> = excludes.iter().map(|s| s.to_string()).collect();
        (
            PathPolicy::new(Path::new(root), include_tests, Lang::ALL.to_vec()),
            exclude_overrides("", &excludes).expect("valid globs"),
        )
    }

    #[test]
    fn tooling_paths() {
        for path in [
            "scripts/release.ts",
            "packages/app/scripts/upload.js",
            "fastlane/actions/notify.rb.ts",
            "tools/gen.ts",
            "ios/Package.swift",
            "android/app/build.gradle.kts",
            "metro.config.js",
            "apps/web/vite.config.ts",
            ".eslintrc.cjs",
        ] {
            assert!(is_tooling_path(path), "{path}");
        }
        for path in [
            "src/tools/format.ts",
            "src/api/client.ts",
            "app/src/main/java/Config.kt",
            "Sources/App/AppConfig.swift",
            "src/config.ts",
        ] {
            assert!(!is_tooling_path(path), "{path}");
        }
    }

    #[test]
    fn test_file_names() {
        assert!(is_test_file("client.test.ts"));
        assert!(is_test_file("ApiClientTests.swift"));
        assert!(is_test_file("ApiTest.kt"));
        assert!(is_test_file("HttpHelperTest.java"));
        assert!(is_test_file("UploadTests.java"));
        assert!(!is_test_file("Contest.java"));
        assert!(!is_test_file("client.ts"));
        assert!(!is_test_file("Contest.swift"));
        for name in [
            "test.ts",
            "api_test.ts",
            "test_api.js",
            "login.e2e.ts",
            "checkout.cy.ts",
            "Button.stories.tsx",
            "testHelpers.ts",
        ] {
            assert!(is_test_file(name), "{name}");
        }
        for name in ["latest.ts", "contest_entry.ts", "attestation.ts", "stories.ts"] {
            assert!(!is_test_file(name), "{name}");
        }
    }

    #[test]
    fn tree_paths_follow_the_walk_rules() {
        let (p, ex) = policy("repo", &["generated/**", "*.gen.ts"], false);
        assert_eq!(p.tree_path("src/a.ts", &ex), Some(Grammar::TypeScript));
        assert!(p.tree_path("src/a.tsx", &ex).is_some());
        assert!(p.tree_path("README.md", &ex).is_none());
        assert!(p.tree_path("node_modules/x/index.js", &ex).is_none());
        assert!(p.tree_path("dist/index.js", &ex).is_none());
        assert!(p.tree_path("src/__tests__/a.ts", &ex).is_none());
        assert!(p.tree_path("src/a.test.ts", &ex).is_none());
        assert!(p.tree_path("types/a.d.ts", &ex).is_none());
        assert!(p.tree_path("types/A.D.TS", &ex).is_none());
        assert!(p.tree_path("vendor-sdk/sdk.min.js", &ex).is_some());
        assert!(p.tree_path(".github/x.js", &ex).is_none());
        assert!(p.tree_path("generated/x.ts", &ex).is_none());
        assert!(p.tree_path("src/x.gen.ts", &ex).is_none());
        let (with_tests, ex) = policy("repo", &[], true);
        assert!(with_tests.tree_path("src/__tests__/a.ts", &ex).is_some());
        assert!(with_tests.tree_path("src/a.test.ts", &ex).is_some());
    }

    #[test]
    fn a_root_inside_node_modules_keeps_the_packages_build_output() {
        let (p, ex) = policy("app/node_modules/sdk", &[], false);
        assert!(p.tree_path("dist/index.js", &ex).is_some());
        assert!(p.tree_path("build/cjs/index.js", &ex).is_some());
        assert!(p.tree_path("node_modules/dep/index.js", &ex).is_none());
        assert!(p.tree_path("dist/index.test.js", &ex).is_none());
        assert!(p.enters_dir("vendor"));
        assert!(!p.enters_dir(".git"));
        assert!(!p.enters_dir("tests"));
    }
}
