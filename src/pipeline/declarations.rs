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

/// A byte of an identifier token as every language here writes one:
/// letters, digits, `_`, `$` and any non-ASCII byte (a UTF-8 letter).
pub fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// The keywords that say what a declaration of `grammar` declares: the
/// last of them before the declared name is its kind.
fn keywords(grammar: Grammar) -> &'static [&'static [u8]] {
    match grammar {
        Grammar::TypeScript | Grammar::Tsx => &[
            b"function",
            b"class",
            b"interface",
            b"type",
            b"enum",
            b"const",
            b"let",
            b"var",
            b"namespace",
        ],
        Grammar::Swift => &[
            b"class",
            b"struct",
            b"enum",
            b"protocol",
            b"actor",
            b"extension",
            b"func",
            b"let",
            b"var",
            b"typealias",
        ],
        Grammar::Kotlin => &[
            b"class",
            b"interface",
            b"object",
            b"fun",
            b"val",
            b"var",
            b"typealias",
        ],
        Grammar::Java => &[b"class", b"interface", b"enum", b"record"],
    }
}

/// The names `bytes` declares for other files (see [`TYPESCRIPT`]), in
/// order of appearance, with repeats.
///
/// Each match is read by hand rather than through the pattern's groups:
/// resolving groups cost most of the search. A match ends with the
/// declared name (or a TypeScript export list's `}`); the keyword before
/// it gives the kind, a `private` before that leaves it out.
pub fn declared_names(grammar: Grammar, bytes: &[u8]) -> Vec<(&[u8], Declared)> {
    let keywords = keywords(grammar);
    let mut out = Vec::new();
    for m in declarations(grammar).find_iter(bytes) {
        let text = m.as_bytes();
        if matches!(grammar, Grammar::TypeScript | Grammar::Tsx) && text.ends_with(b"}") {
            let list = &text[text.iter().position(|&b| b == b'{').map_or(0, |i| i + 1)..text.len() - 1];
            out.extend(
                list.split(|&b| !is_identifier_byte(b))
                    .filter(|t| !t.is_empty() && *t != b"as" && *t != b"type" && *t != b"default")
                    .map(|t| (t, Declared::Listed)),
            );
            continue;
        }
        let words: Vec<&[u8]> = text
            .split(|&b| !is_identifier_byte(b))
            .filter(|w| !w.is_empty())
            .collect();
        let Some((&name, before)) = words.split_last() else {
            continue;
        };
        let keyword = before.iter().rposition(|w| keywords.contains(w));
        let modifiers = &before[..keyword.unwrap_or(0)];
        if modifiers.iter().any(|w| *w == b"private" || *w == b"fileprivate") {
            continue;
        }
        let kind = match keyword.map(|k| before[k]) {
            // The Java pattern names no kind: its classes count as values.
            _ if grammar == Grammar::Java => Declared::Value,
            Some(b"func" | b"fun" | b"function") => Declared::Function,
            Some(b"const" | b"let" | b"var" | b"val") | None => Declared::Value,
            Some(_) => Declared::Type,
        };
        out.push((name, kind));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(grammar: Grammar, src: &str) -> Vec<(String, Declared)> {
        declared_names(grammar, src.as_bytes())
            .into_iter()
            .map(|(name, kind)| (String::from_utf8_lossy(name).into_owned(), kind))
            .collect()
    }

    fn owned(expected: &[(&str, Declared)]) -> Vec<(String, Declared)> {
        expected.iter().map(|(n, k)| (n.to_string(), *k)).collect()
    }

    #[test]
    fn typescript_declarations_with_their_kind() {
        let src = "export default async function* load(u) {}\nexport const type = 1;\nexport abstract class Api {}\n\
                   export { a, b as c, type D }\nmodule.exports.legacy = f;\nexports.other = g;\n  export const nested = 1;\n";
        use Declared::*;
        assert_eq!(
            names(Grammar::TypeScript, src),
            owned(&[
                ("load", Function),
                ("type", Value),
                ("Api", Type),
                ("a", Listed),
                ("b", Listed),
                ("c", Listed),
                ("D", Listed),
                ("legacy", Value),
                ("other", Value),
            ])
        );
    }

    #[test]
    fn swift_kotlin_and_java_declarations_with_their_kind() {
        use Declared::*;
        let swift = "@MainActor\nfinal class Http {}\nprivate struct Row {}\nfileprivate func hidden() {}\n\
                     public func send() {}\nextension URLSession {}\nlet shared = 1\n";
        assert_eq!(
            names(Grammar::Swift, swift),
            owned(&[
                ("Http", Type),
                ("send", Function),
                ("URLSession", Type),
                ("shared", Value)
            ])
        );
        let kotlin =
            "fun interface Listener {}\nsuspend fun <T> Call<T>.await(): T = TODO()\nval Foo.bar get() = 1\n\
                      private class Hidden\n@Keep data class Order(val id: String)\n";
        assert_eq!(
            names(Grammar::Kotlin, kotlin),
            owned(&[
                ("Listener", Type),
                ("await", Function),
                ("bar", Value),
                ("Order", Type)
            ])
        );
        let java =
            "public class Api {\n  private static class Hidden {}\n  public interface Callback {}\n}\n";
        assert_eq!(
            names(Grammar::Java, java),
            owned(&[("Api", Value), ("Callback", Value)])
        );
    }

    #[test]
    fn adopted_types_are_read_from_declaration_heads() {
        let src = b"enum Timelines: Endpoint, Sendable {\nclass Api extends compose(ApiBase, Orders) {\nstruct Plain;";
        let found: Vec<&[u8]> = adopted_types(src);
        assert_eq!(found, [&b"Endpoint"[..], b"Sendable", b"ApiBase", b"Orders"]);
    }
}
