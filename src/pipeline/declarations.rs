//! The names a source file declares for other files, found without
//! parsing: one pattern per grammar over each line's start (top-level
//! classes, structs, objects, protocols, interfaces, functions, constants
//! and extensions), and the file's stem ([`module_stem`]), since a
//! TypeScript default import names the module, not the class. Private
//! declarations are left out: no other file can name them.
//!
//! `diff` links a changed file to its dependents and dependencies through
//! these names; the prefilter's second phase parses a file without trigger
//! words when it declares a name the analysis of the parsed files looked up
//! and did not find.

use std::sync::LazyLock;

use regex::bytes::Regex;

use crate::model::Grammar;

/// Top-level declarations other files can use, by grammar family: the
/// name is group `name` (or the names of an `export { … }` list are group
/// `list`), the modifiers group `mods`. Private ones are left out: no
/// other file can name them.
static TYPESCRIPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(?:export\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?P<kw>function\*?|class|interface|type|enum|const|let|var|namespace)\s+(?P<name>[A-Za-z_$][\w$]*)|export\s*\{(?P<list>[^}]*)\}|(?:module\.)?exports\.(?P<cjs>[A-Za-z_$][\w$]*))",
    )
    .expect("TypeScript declaration pattern")
});
static SWIFT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(?:@\w+(?:\([^)\n]*\))?\s+)*(?P<mods>(?:(?:public|private|fileprivate|internal|open|final|static|indirect|nonisolated)\s+)*)(?P<kw>class|struct|enum|protocol|actor|extension|func|let|var|typealias)\s+(?P<name>[A-Za-z_]\w*)",
    )
    .expect("Swift declaration pattern")
});
static KOTLIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(?:@\w+(?:\([^)\n]*\))?\s+)*(?P<mods>(?:(?:public|private|internal|protected|open|final|abstract|sealed|data|inline|value|enum|annotation|suspend|const|lateinit|fun|expect|actual)\s+)*)(?P<kw>class|interface|object|fun|val|var|typealias)\s+(?:<[^>\n]*>\s*)?(?:[A-Za-z_][\w.<>, ?]*\.)?(?P<name>[A-Za-z_]\w*)",
    )
    .expect("Kotlin declaration pattern")
});

/// Java: classes, interfaces, enums, records and annotation types, nested
/// ones too; other files reach a Java method or constant through its
/// class's name.
static JAVA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^[ \t]*(?:@\w+(?:\([^)\n]*\))?\s+)*(?P<mods>(?:(?:public|private|protected|static|final|abstract|sealed|non-sealed|strictfp)\s+)*)(?:class|interface|enum|record|@interface)\s+(?P<name>[A-Za-z_$][\w$]*)",
    )
    .expect("Java declaration pattern")
});

fn declarations(grammar: Grammar) -> &'static Regex {
    match grammar {
        Grammar::TypeScript | Grammar::Tsx => &TYPESCRIPT,
        Grammar::Swift => &SWIFT,
        Grammar::Kotlin => &KOTLIN,
        Grammar::Java => &JAVA,
    }
}

/// What a declaration declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declared {
    /// A function (`function`, `func`, `fun`).
    Function,
    /// A class, struct, enum, protocol, interface, object, extension, type
    /// alias or namespace.
    Type,
    /// A constant or variable.
    Value,
    /// A name in a TypeScript export list (`export { a, b as c }`): a
    /// declaration elsewhere, named again.
    Listed,
}

/// The names `bytes` declares for other files (see [`TYPESCRIPT`]), in
/// order of appearance, with repeats.
pub fn declared_names(grammar: Grammar, bytes: &[u8]) -> Vec<(&[u8], Declared)> {
    let mut out = Vec::new();
    for c in declarations(grammar).captures_iter(bytes) {
        if c.name("mods")
            .is_some_and(|m| m.as_bytes().windows(7).any(|w| w == b"private"))
        {
            continue;
        }
        let kind = match c.name("kw").map(|k| k.as_bytes()) {
            Some(b"func" | b"fun") => Declared::Function,
            Some(k) if k.starts_with(b"function") => Declared::Function,
            Some(b"const" | b"let" | b"var" | b"val") | None => Declared::Value,
            Some(_) => Declared::Type,
        };
        if let Some(name) = c.name("name").or(c.name("cjs")) {
            out.push((name.as_bytes(), kind));
        }
        if let Some(list) = c.name("list") {
            out.extend(
                list.as_bytes()
                    .split(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$'))
                    .filter(|t| !t.is_empty() && *t != b"as" && *t != b"type" && *t != b"default")
                    .map(|t| (t, Declared::Listed)),
            );
        }
    }
    out
}

/// The keyword and name of a type declaration, nested ones too; what
/// follows up to its body is read by [`declaration_head`].
static TYPE_DECLARATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:class|struct|enum|protocol|interface|object|extension|actor|record)\s+[A-Za-z_$][\w$.]*",
    )
    .expect("type declaration pattern")
});

/// The longest head [`declaration_head`] reads after a declared name.
const HEAD_LIMIT: usize = 400;

/// What follows a declared type's name up to its body or the end of the
/// statement (`{` or `;`), at most [`HEAD_LIMIT`] bytes: the types it
/// extends, adopts or is composed of. Scanned by hand: as a bounded
/// repetition in the pattern it made the regex engine's automaton
/// hundreds of times slower.
fn declaration_head(rest: &[u8]) -> &[u8] {
    let rest = &rest[..rest.len().min(HEAD_LIMIT)];
    let end = rest
        .iter()
        .position(|&b| b == b'{' || b == b';')
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The capitalised names in the heads of the type declarations of `bytes`
/// (`Endpoint` of `enum Timelines: Endpoint {`, `ApiBase` of `class Api
/// extends compose(ApiBase, OrderEndpoints) {`): the types a type of the
/// file may adopt. Parameter and generic types there count too; a name
/// too many only admits a file.
pub fn adopted_types(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(m) = TYPE_DECLARATION.find_at(bytes, at) {
        let head = declaration_head(&bytes[m.end()..]);
        at = m.end() + head.len();
        out.extend(
            head.split(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$'))
                .filter(|t| t.first().is_some_and(u8::is_ascii_uppercase)),
        );
    }
    out
}

/// The name a module is imported under by default: `import x from "./api"`
/// names `api` for `api.ts` and `api/index.ts`.
pub fn module_stem(path: &str) -> Option<&str> {
    let mut parts = path.rsplit('/');
    let name = parts.next().unwrap_or(path);
    let mut stem = name.split('.').next().unwrap_or(name);
    if stem == "index" {
        stem = parts.next().unwrap_or(stem);
    }
    (!stem.is_empty()).then_some(stem)
}
