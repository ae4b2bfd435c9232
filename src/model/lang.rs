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
    Java,
}

/// The grammar variant a file is parsed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grammar {
    TypeScript,
    Tsx,
    Swift,
    Kotlin,
    Java,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::Typescript, Lang::Swift, Lang::Kotlin, Lang::Java];

    pub fn name(self) -> &'static str {
        match self {
            Lang::Typescript => "typescript",
            Lang::Swift => "swift",
            Lang::Kotlin => "kotlin",
            Lang::Java => "java",
        }
    }

    pub fn parse_name(name: &str) -> Option<Lang> {
        match name.trim().to_ascii_lowercase().as_str() {
            "ts" | "typescript" | "js" | "javascript" | "tsx" | "jsx" => Some(Lang::Typescript),
            "swift" => Some(Lang::Swift),
            "kotlin" | "kt" | "kts" => Some(Lang::Kotlin),
            "java" => Some(Lang::Java),
            _ => None,
        }
    }

    pub fn grammars(self) -> &'static [Grammar] {
        match self {
            Lang::Typescript => &[Grammar::TypeScript, Grammar::Tsx],
            Lang::Swift => &[Grammar::Swift],
            Lang::Kotlin => &[Grammar::Kotlin],
            Lang::Java => &[Grammar::Java],
        }
    }

    /// True for the languages compiled for the JVM (Kotlin, Java): one
    /// module mixes them freely, calling each other's classes and
    /// constants, and they share the JVM's network libraries.
    pub fn is_jvm(self) -> bool {
        matches!(self, Lang::Kotlin | Lang::Java)
    }

    /// The family of languages whose code names each other's types,
    /// functions and constants: TypeScript (0), Swift (1), the JVM's Kotlin
    /// and Java (2).
    pub fn family(self) -> u8 {
        match self {
            Lang::Typescript => 0,
            Lang::Swift => 1,
            Lang::Kotlin | Lang::Java => 2,
        }
    }

    /// Can code in `self` call functions and read constants declared in
    /// `other` within one project? Same language, or both on the JVM.
    pub fn interoperates(self, other: Lang) -> bool {
        self.family() == other.family()
    }
}

impl Grammar {
    /// Every grammar, in the order of their parsers and compiled queries.
    pub const ALL: [Grammar; 5] = [
        Grammar::TypeScript,
        Grammar::Tsx,
        Grammar::Swift,
        Grammar::Kotlin,
        Grammar::Java,
    ];

    /// A short stable name, part of facts-cache entry names.
    pub fn cache_tag(self) -> &'static str {
        match self {
            Grammar::TypeScript => "ts",
            Grammar::Tsx => "tsx",
            Grammar::Swift => "swift",
            Grammar::Kotlin => "kt",
            Grammar::Java => "java",
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
            "java" => Grammar::Java,
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
            Grammar::Java => tree_sitter_java::LANGUAGE.into(),
        }
    }

    pub fn lang(self) -> Lang {
        match self {
            Grammar::TypeScript | Grammar::Tsx => Lang::Typescript,
            Grammar::Swift => Lang::Swift,
            Grammar::Kotlin => Lang::Kotlin,
            Grammar::Java => Lang::Java,
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
        assert_eq!(
            Grammar::for_path(Path::new("app/src/main/java/a/Http.java")),
            Some(Grammar::Java)
        );
    }

    #[test]
    fn kotlin_and_java_interoperate() {
        assert_eq!(Lang::parse_name("Java"), Some(Lang::Java));
        assert!(Lang::Kotlin.interoperates(Lang::Java));
        assert!(Lang::Java.interoperates(Lang::Kotlin));
        assert!(Lang::Java.interoperates(Lang::Java));
        assert!(!Lang::Java.interoperates(Lang::Swift));
        assert!(!Lang::Typescript.interoperates(Lang::Kotlin));
    }
}
