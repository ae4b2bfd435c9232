//! Source languages and the grammar variant each file is parsed with.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// A source language. TypeScript covers JavaScript as well; `.tsx`/`.jsx`
/// and plain `.js` files use the TSX grammar, which accepts JSX.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[serde(alias = "ts", alias = "javascript", alias = "js")]
    Typescript,
    Swift,
    #[serde(alias = "kt")]
    Kotlin,
}

/// The grammar variant a file is parsed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grammar {
    TypeScript,
    Tsx,
    Swift,
    Kotlin,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Typescript, Lang::Swift, Lang::Kotlin];

    pub fn name(self) -> &'static str {
        match self {
            Lang::Typescript => "typescript",
            Lang::Swift => "swift",
            Lang::Kotlin => "kotlin",
        }
    }

    pub fn parse_name(name: &str) -> Option<Lang> {
        match name.trim().to_ascii_lowercase().as_str() {
            "ts" | "typescript" | "js" | "javascript" | "tsx" | "jsx" => Some(Lang::Typescript),
            "swift" => Some(Lang::Swift),
            "kotlin" | "kt" | "kts" => Some(Lang::Kotlin),
            _ => None,
        }
    }

    pub fn grammars(self) -> &'static [Grammar] {
        match self {
            Lang::Typescript => &[Grammar::TypeScript, Grammar::Tsx],
            Lang::Swift => &[Grammar::Swift],
            Lang::Kotlin => &[Grammar::Kotlin],
        }
    }
}

impl Grammar {
    /// A short stable name, part of facts-cache entry names.
    pub fn cache_tag(self) -> &'static str {
        match self {
            Grammar::TypeScript => "ts",
            Grammar::Tsx => "tsx",
            Grammar::Swift => "swift",
            Grammar::Kotlin => "kt",
        }
    }

    /// Detects the grammar from a file extension, case-insensitively
    /// (`x.JS` runs like `x.js`).
    pub fn for_path(path: &Path) -> Option<Grammar> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "ts" | "mts" | "cts" => Grammar::TypeScript,
            "tsx" | "jsx" | "js" | "mjs" | "cjs" => Grammar::Tsx,
            "swift" => Grammar::Swift,
            "kt" | "kts" => Grammar::Kotlin,
            _ => return None,
        })
    }

    /// The tree-sitter language (a leaf fact: the grammar crates' tables).
    pub fn language(self) -> tree_sitter::Language {
        match self {
            Grammar::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Grammar::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Grammar::Swift => tree_sitter_swift::LANGUAGE.into(),
            Grammar::Kotlin => tree_sitter_kotlin_ng::LANGUAGE.into(),
        }
    }

    pub fn lang(self) -> Lang {
        match self {
            Grammar::TypeScript | Grammar::Tsx => Lang::Typescript,
            Grammar::Swift => Lang::Swift,
            Grammar::Kotlin => Lang::Kotlin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar_from_extension() {
        assert_eq!(Grammar::for_path(Path::new("a/b.ts")), Some(Grammar::TypeScript));
        assert_eq!(Grammar::for_path(Path::new("a/b.mjs")), Some(Grammar::Tsx));
        assert_eq!(Grammar::for_path(Path::new("App.swift")), Some(Grammar::Swift));
        assert_eq!(
            Grammar::for_path(Path::new("build.gradle.kts")),
            Some(Grammar::Kotlin)
        );
        assert_eq!(Grammar::for_path(Path::new("README.md")), None);
        assert_eq!(Grammar::for_path(Path::new("x.JS")), Some(Grammar::Tsx));
        assert_eq!(Grammar::for_path(Path::new("x.Ts")), Some(Grammar::TypeScript));
        assert_eq!(Grammar::for_path(Path::new("A.SWIFT")), Some(Grammar::Swift));
    }
}
