//! Module naming: the part of the code a file belongs to, for grouping
//! hosts outside the catalog and drawing the communication map. Build
//! output folders mirror the sources and name no module.

/// The module of a file: its top source folder (`src/channels/x.ts` →
/// `channels`, `lib/a.js` → `lib`, `packages/api/src/x.ts` → `packages/api`).
///
/// Build output mirrors the source tree, so its folders (`dist`, `build`,
/// `esm`, `cjs`, `lib/commonjs`, `lib/module`, `lib/typescript`…) do not
/// define a module: `lib/commonjs/internal/x.js` is in `internal`, like
/// `src/internal/x.ts`, and a file at the top of a build folder is in `src`,
/// where it was compiled from.
pub fn module_of(file: &str) -> String {
    let dirs: Vec<&str> = file.split('/').collect();
    let dirs = &dirs[..dirs.len().saturating_sub(1)];
    if dirs.is_empty() {
        return "(root)".into();
    }
    if matches!(dirs[0], "packages" | "apps" | "libs" | "modules") && dirs.len() >= 2 {
        return format!("{}/{}", dirs[0], dirs[1]);
    }
    let generic = [
        "src", "source", "Sources", "lib", "app", "main", "java", "kotlin", "swift",
    ];
    let sources: Vec<&str> = dirs
        .iter()
        .enumerate()
        .filter(|&(i, d)| !is_build_output(d, i.checked_sub(1).map(|p| dirs[p])))
        .map(|(_, d)| *d)
        .collect();
    if sources.len() < dirs.len() && sources.iter().all(|d| generic.contains(d)) {
        return "src".into();
    }
    sources
        .iter()
        .find(|d| !generic.contains(d))
        .or(sources.first())
        .map(|d| d.to_string())
        .unwrap_or_else(|| "(root)".into())
}

/// Folders that hold compiled copies of the sources: bundler and compiler
/// output anywhere, and the per-format folders react-native-builder-bob and
/// similar tools write under `lib/`.
fn is_build_output(dir: &str, parent: Option<&str>) -> bool {
    matches!(dir, "dist" | "build" | "esm" | "cjs" | "umd")
        || parent == Some("lib") && matches!(dir, "commonjs" | "module" | "typescript")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules() {
        assert_eq!(module_of("src/channels/telegram.ts"), "channels");
        assert_eq!(module_of("src/daemon.ts"), "src");
        assert_eq!(module_of("lib/forward.js"), "lib");
        assert_eq!(module_of("routes/hooks.js"), "routes");
        assert_eq!(module_of("packages/api/src/x.ts"), "packages/api");
        assert_eq!(module_of("index.ts"), "(root)");
    }

    #[test]
    fn build_output_folders_are_not_modules() {
        for copy in [
            "src/internal/x.ts",
            "lib/commonjs/internal/x.js",
            "lib/module/internal/x.js",
            "lib/typescript/internal/x.d.ts",
            "dist/internal/x.js",
            "dist/esm/internal/x.js",
            "build/cjs/internal/x.js",
            "esm/internal/x.js",
        ] {
            assert_eq!(module_of(copy), "internal", "{copy}");
        }
        // The top of a build folder is the top of the sources.
        for copy in [
            "src/index.ts",
            "lib/commonjs/index.js",
            "dist/index.js",
            "dist/cjs/index.js",
        ] {
            assert_eq!(module_of(copy), "src", "{copy}");
        }
        assert_eq!(module_of("packages/api/dist/x.js"), "packages/api");
        // Only right under `lib/` are these names build output.
        assert_eq!(module_of("src/module/x.ts"), "module");
        assert_eq!(module_of("lib/forward.js"), "lib");
    }
}
