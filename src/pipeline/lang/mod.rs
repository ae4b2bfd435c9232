//! Supported languages: file detection, grammars, per-thread parsers and the
//! lowering of each grammar's nodes into [`crate::model::Expr`].

mod java;
mod kotlin;
mod parents;
mod swift;
mod typescript;

use std::cell::RefCell;

use tree_sitter::{Node, Parser, Tree};

use crate::model::{Arg, Expr, Param, Span, TypeDecl};

pub use parents::{parent, ParentIndex};

use crate::model::{Grammar, Lang};

/// The lowering of `lang`'s syntax nodes.
pub fn syntax(lang: Lang) -> &'static dyn Syntax {
    match lang {
        Lang::Typescript => &typescript::TypeScript,
        Lang::Swift => &swift::Swift,
        Lang::Kotlin => &kotlin::Kotlin,
        Lang::Java => &java::Java,
    }
}

thread_local! {
    /// One parser per grammar per thread: parsers are not `Sync` and are
    /// expensive enough to create that reuse matters on large repositories.
    static PARSERS: RefCell<[Option<Parser>; Grammar::ALL.len()]> = const { RefCell::new([None, None, None, None, None]) };
}

/// Parser work allowed per file, in progress checks (tree-sitter calls the
/// progress callback every 100 parse operations): a fixed allowance plus one
/// per byte. None of 13,000 real TypeScript, Swift and Kotlin files used
/// more than 1.1 % of its allowance; a grammar's
/// error recovery can loop on crafted input (a 1 KB Kotlin file found by
/// fuzzing kept tree-sitter-kotlin-ng busy for minutes). Counting operations
/// instead of measuring time keeps the decision the same on any machine.
const PARSE_CHECKS_BASE: usize = 500;
const PARSE_CHECKS_PER_BYTE: usize = 1;
/// A last resort for input where single operations get slow (a lexer
/// rescanning to the end of a large file): the one limit that depends on
/// the machine, reached only by input that would otherwise hang the scan.
const PARSE_WALL_CLOCK: std::time::Duration = std::time::Duration::from_secs(20);

/// Trees deeper than this are abandoned like a runaway parse: tree-sitter's
/// query cursor keeps node depths in 16 bits, and past 65,535 levels a
/// query pass turns quadratic (a 700 KB chain of 100,000 `+ "a"` terms kept
/// it busy for most of a minute). Real code stays below a few hundred levels.
pub const MAX_TREE_DEPTH: usize = 50_000;

/// Lowering steps allowed per file: a fixed allowance plus 64 per byte.
/// Each node is lowered at most once per enclosing captured expression
/// within [`MAX_DEPTH`] levels, so real files stay far below it.
const LOWERING_BASE: usize = 100_000;
const LOWERING_PER_BYTE: usize = 64;

thread_local! {
    /// Lowering steps left for the file being extracted on this thread, and
    /// whether the allowance ran out.
    static LOWERING: std::cell::Cell<(usize, bool)> = const { std::cell::Cell::new((usize::MAX, false)) };
}

/// The lowering allowance of one file, installed for this thread while the
/// guard lives (lowering outside an extraction is not limited).
pub struct LoweringAllowance(());

impl LoweringAllowance {
    pub fn for_source(len: usize) -> Self {
        let steps = LOWERING_BASE.saturating_add(len.saturating_mul(LOWERING_PER_BYTE));
        LOWERING.with(|cell| cell.set((steps, false)));
        LoweringAllowance(())
    }

    /// True once a lowering step was refused.
    pub fn exhausted(&self) -> bool {
        LOWERING.with(|cell| cell.get().1)
    }
}

impl Drop for LoweringAllowance {
    fn drop(&mut self) {
        LOWERING.with(|cell| cell.set((usize::MAX, false)));
    }
}

/// Spends one lowering step; false (and the allowance marked exhausted)
/// when the file's allowance is used up.
pub fn spend() -> bool {
    LOWERING.with(|cell| match cell.get() {
        (0, _) => {
            cell.set((0, true));
            false
        }
        (left, exhausted) => {
            cell.set((left - 1, exhausted));
            true
        }
    })
}

/// True when some node of `tree` is more than `limit` levels below the root
/// (one iterative cursor walk, stopping at the first such node).
pub fn deeper_than(tree: &Tree, limit: usize) -> bool {
    let mut cursor = tree.walk();
    let mut depth = 0usize;
    loop {
        if cursor.goto_first_child() {
            depth += 1;
            if depth > limit {
                return true;
            }
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
            depth -= 1;
        }
    }
}

/// Why a file has no syntax tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseFailure {
    /// The parser exceeded its work allowance and was stopped.
    Abandoned,
    /// The parser could not be set up or returned nothing.
    Failed,
}

/// Parses `source` with this thread's parser for `grammar`.
pub fn parse(grammar: Grammar, source: &[u8]) -> Result<Tree, ParseFailure> {
    let allowance = PARSE_CHECKS_BASE.saturating_add(source.len().saturating_mul(PARSE_CHECKS_PER_BYTE));
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let slot = &mut parsers[grammar as usize];
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&grammar.language())
                .map_err(|_| ParseFailure::Failed)?;
            *slot = Some(parser);
        }
        let parser = slot.as_mut().ok_or(ParseFailure::Failed)?;
        parser.reset();
        let mut checks = 0usize;
        let started = std::time::Instant::now();
        let mut progress = |_: &tree_sitter::ParseState| {
            checks += 1;
            checks > allowance || started.elapsed() > PARSE_WALL_CLOCK
        };
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
        let mut read = |offset: usize, _: tree_sitter::Point| source.get(offset..).unwrap_or_default();
        let tree = parser.parse_with_options(&mut read, None, Some(options));
        match tree {
            Some(tree) if deeper_than(&tree, MAX_TREE_DEPTH) => Err(ParseFailure::Abandoned),
            Some(tree) => Ok(tree),
            None if checks > allowance || started.elapsed() > PARSE_WALL_CLOCK => {
                parser.reset();
                Err(ParseFailure::Abandoned)
            }
            None => Err(ParseFailure::Failed),
        }
    })
}

/// Per-language knowledge the extractor needs beyond the `.scm` queries:
/// how to turn a captured node into the neutral expression model.
pub trait Syntax: Sync {
    /// Lowers an expression node. `depth` bounds recursion on hostile input.
    fn lower(&self, node: Node, src: &[u8], depth: usize) -> Expr;
    /// Lowers the arguments node captured as `@call.args`.
    fn args(&self, node: Node, src: &[u8], depth: usize) -> Vec<Arg>;
    /// True for nodes that start a function body (for enclosing-function names).
    fn is_function(&self, node: Node) -> bool;
    /// Qualified name of a function node (`Class.method`), when it has one.
    fn function_name(&self, node: Node, src: &[u8]) -> Option<String>;
    /// Parameters of a function node.
    fn params(&self, node: Node, src: &[u8]) -> Vec<Param>;
    /// The object key or binding name a value node is assigned to, if any.
    fn assigned_name(&self, node: Node, src: &[u8]) -> Option<String>;
    /// True when the binding node is exported/visible to other files.
    fn is_exported(&self, node: Node, src: &[u8]) -> bool;
    /// The name a binding is looked up by (Swift `static let base` in `enum
    /// API` is `API.base`); defaults to the captured name's text.
    fn binding_name(&self, _binding: Node, name: Node, src: &[u8]) -> String {
        text(name, src).trim().to_string()
    }
    /// The declaration captured as `@type`: its name, qualified as method
    /// names are, and its supertypes.
    fn type_decl(&self, node: Node, src: &[u8]) -> Option<TypeDecl>;
    /// The type a field or property node is declared in, named as
    /// [`Syntax::type_decl`] names it.
    fn owner_type(&self, node: Node, src: &[u8]) -> Option<String>;
}

/// The simple name of a written type: `HttpClient` of `HttpClient`,
/// `HttpClient?`, `okhttp3.OkHttpClient`, `Foo<Bar>`, `HttpClient |
/// undefined`, `implicitly unwrapped APIClient!`. `None` for what names no
/// class (function types, tuples, arrays, literals).
pub fn simple_type_name(written: &str) -> Option<String> {
    let first = written
        .split('|')
        .map(str::trim)
        .find(|t| !matches!(*t, "undefined" | "null"))?;
    let first = first.strip_prefix("typeof ").unwrap_or(first);
    let base = first
        .split('<')
        .next()?
        .trim()
        .trim_end_matches(['?', '!'])
        .trim();
    let name = base.rsplit('.').next()?.trim();
    let mut chars = name.chars();
    let starts = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
    (starts && chars.all(|c| c.is_alphanumeric() || c == '_')).then(|| name.to_string())
}

/// Maximum lowering depth: deeper expressions become `Unknown`.
pub const MAX_DEPTH: usize = 48;

pub fn text<'a>(node: Node, src: &'a [u8]) -> &'a str {
    std::str::from_utf8(&src[node.byte_range()]).unwrap_or("")
}

/// Source text capped to a readable length for `Expr::Unknown`.
pub fn short_text(node: Node, src: &[u8]) -> String {
    let text = text(node, src);
    let mut end = text.len().min(80);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

pub fn span(node: Node) -> Span {
    let start = node.start_position();
    let end = node.end_position();
    Span {
        start_byte: node.start_byte(),
        end_byte: node.end_byte(),
        line: start.row + 1,
        column: start.column + 1,
        end_line: end.row + 1,
        end_column: end.column + 1,
    }
}

/// Walks up from `node` to the nearest enclosing function and names it.
/// Iterative, so deep trees cannot overflow the stack.
pub fn enclosing_function(syntax: &dyn Syntax, node: Node, src: &[u8]) -> Option<String> {
    let mut current = parents::parent(node);
    while let Some(n) = current {
        if syntax.is_function(n) {
            if let Some(name) = syntax.function_name(n, src) {
                return Some(name);
            }
        }
        current = parents::parent(n);
    }
    None
}

/// The operands of a chain of `+` nodes, left to right, found iteratively:
/// `plus(node)` gives a `+` node's left and right operands. A chain of any
/// length lowers at one depth, so a long `"https://h/?k=" + t + "" + …`
/// keeps its literal prefix (the scheme and host).
pub fn plus_operands<'t>(
    node: Node<'t>,
    plus: impl Fn(Node<'t>) -> Option<(Node<'t>, Node<'t>)>,
) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match plus(n) {
            Some((left, right)) => {
                stack.push(right);
                stack.push(left);
            }
            None => out.push(n),
        }
    }
    out
}

/// Concatenation that folds adjacent literals and flattens nested concats.
pub fn concat(parts: Vec<Expr>) -> Expr {
    let mut out: Vec<Expr> = Vec::new();
    for part in parts {
        let items = match part {
            Expr::Concat(inner) => inner,
            other => vec![other],
        };
        for item in items {
            match (out.last_mut(), item) {
                (Some(Expr::Str(prev)), Expr::Str(s)) => prev.push_str(&s),
                (_, item) => out.push(item),
            }
        }
    }
    if out.len() == 1 {
        out.pop().unwrap_or(Expr::Str(String::new()))
    } else {
        Expr::Concat(out)
    }
}

/// Decodes the escapes of a JavaScript/TypeScript string or template body
/// as the engine does: `\n \t \r \b \f \v`, `\xHH`, `\uXXXX` (surrogate
/// pairs combined, a lone surrogate becomes U+FFFD), `\u{…}`, line
/// continuations, legacy octal (`\101`, sloppy-mode scripts; a syntax error
/// in strict code, which then never runs) and any other character as
/// itself. A URL is read only after this, so `\u005c` cannot hide a `\`.
pub fn unescape_js(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    // A high surrogate waiting for its low half.
    let mut pending: Option<u32> = None;
    let flush = |pending: &mut Option<u32>, out: &mut String| {
        if pending.take().is_some() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush(&mut pending, &mut out);
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else { break };
        let unit = match e {
            'u' => {
                if chars.peek() == Some(&'{') {
                    chars.next();
                    let mut value: u32 = 0;
                    let mut ok = false;
                    while let Some(&h) = chars.peek() {
                        chars.next();
                        if h == '}' {
                            break;
                        }
                        match h.to_digit(16) {
                            Some(d) => {
                                value = value.saturating_mul(16).saturating_add(d);
                                ok = true;
                            }
                            None => {
                                ok = false;
                                break;
                            }
                        }
                    }
                    if ok {
                        Some(value)
                    } else {
                        Some(0xFFFD)
                    }
                } else {
                    Some(hex_digits(&mut chars, 4).unwrap_or(0xFFFD))
                }
            }
            'x' => Some(hex_digits(&mut chars, 2).unwrap_or(0xFFFD)),
            '0'..='7' => {
                // Legacy octal: up to three digits, at most 0o377.
                let mut value = e.to_digit(8).unwrap_or(0);
                let max_digits = if e <= '3' { 3 } else { 2 };
                for _ in 1..max_digits {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                Some(value)
            }
            _ => None,
        };
        match unit {
            Some(unit) => {
                if (0xD800..0xDC00).contains(&unit) {
                    flush(&mut pending, &mut out);
                    pending = Some(unit);
                    continue;
                }
                if (0xDC00..0xE000).contains(&unit) {
                    if let Some(high) = pending.take() {
                        let code = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00);
                        out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    } else {
                        out.push(char::REPLACEMENT_CHARACTER);
                    }
                    continue;
                }
                flush(&mut pending, &mut out);
                out.push(char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            None => {
                flush(&mut pending, &mut out);
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'v' => out.push('\u{b}'),
                    // Line continuations: the backslash and the line break vanish.
                    '\r' => {
                        if chars.peek() == Some(&'\n') {
                            chars.next();
                        }
                    }
                    '\n' | '\u{2028}' | '\u{2029}' => {}
                    other => out.push(other),
                }
            }
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// Exactly `count` hex digits, consumed only when all are there.
fn hex_digits(chars: &mut std::iter::Peekable<std::str::Chars>, count: usize) -> Option<u32> {
    let ahead: String = chars.clone().take(count).collect();
    if ahead.chars().count() != count || !ahead.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    for _ in 0..count {
        chars.next();
    }
    u32::from_str_radix(&ahead, 16).ok()
}

/// Decodes the escapes of Kotlin string text (`\t \b \n \r \' \" \\ \$
/// \uXXXX`; the grammar leaves `\u` inside string content, so whole runs of
/// content are decoded, not single escape nodes).
pub fn unescape_kotlin(raw: &str) -> String {
    unescape_with(raw, |escaped, chars, out| match escaped {
        'u' => push_unicode(chars, out),
        other => out.push(control_escape(other).unwrap_or(other)),
    })
}

/// Decodes the escapes of Java string text: `\b \t \n \f \r \s \" \' \\`,
/// octal (`\101`, at most `\377`) and `\uXXXX` (which `javac` reads before
/// anything else, so `\u005c` is a backslash in a URL as well).
pub fn unescape_java(raw: &str) -> String {
    unescape_with(raw, |escaped, chars, out| match escaped {
        'f' => out.push('\u{c}'),
        's' => out.push(' '),
        'u' => {
            // `\uuuu0041` is as valid as `\u0041`.
            while chars.peek() == Some(&'u') {
                chars.next();
            }
            push_unicode(chars, out);
        }
        first @ '0'..='7' => {
            let mut value = first.to_digit(8).unwrap_or(0);
            let max_digits = if first <= '3' { 3 } else { 2 };
            for _ in 1..max_digits {
                match chars.peek().and_then(|d| d.to_digit(8)) {
                    Some(d) => {
                        value = value * 8 + d;
                        chars.next();
                    }
                    None => break,
                }
            }
            out.push(char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        // A line continuation in a text block: the break vanishes.
        '\n' => {}
        other => out.push(control_escape(other).unwrap_or(other)),
    })
}

/// The decoding loop the JVM languages share: text is copied up to a
/// backslash, the character after it goes to `escape` (with the rest of
/// the text, for escapes that read more), and a trailing backslash stays.
fn unescape_with(
    raw: &str,
    mut escape: impl FnMut(char, &mut std::iter::Peekable<std::str::Chars<'_>>, &mut String),
) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(escaped) => escape(escaped, &mut chars, &mut out),
            None => out.push('\\'),
        }
    }
    out
}

/// `\t \b \n \r`, the control escapes both JVM languages have.
fn control_escape(c: char) -> Option<char> {
    Some(match c {
        't' => '\t',
        'b' => '\u{8}',
        'n' => '\n',
        'r' => '\r',
        _ => return None,
    })
}

/// The character of the four hex digits after `\u`, or a plain `u` when
/// they are not there.
fn push_unicode(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) {
    match hex_digits(chars, 4) {
        Some(unit) => out.push(char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER)),
        None => out.push('u'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn concat_folds_literals() {
        let e = concat(vec![
            Expr::Str("https://".into()),
            Expr::Concat(vec![Expr::Str("a.com".into()), Expr::Ident("p".into())]),
            Expr::Str("/x".into()),
        ]);
        assert_eq!(
            e,
            Expr::Concat(vec![
                Expr::Str("https://a.com".into()),
                Expr::Ident("p".into()),
                Expr::Str("/x".into())
            ])
        );
    }

    #[test]
    fn simple_type_names() {
        for (written, name) in [
            ("HttpClient", Some("HttpClient")),
            ("HttpClient?", Some("HttpClient")),
            ("APIClient!", Some("APIClient")),
            ("okhttp3.OkHttpClient", Some("OkHttpClient")),
            ("Foo<Bar<Baz>>", Some("Foo")),
            ("HttpClient | undefined", Some("HttpClient")),
            ("null | Api", Some("Api")),
            ("typeof Rocketchat", Some("Rocketchat")),
            ("[String]", None),
            ("(String) -> Unit", None),
            ("'a' | 'b'", None),
        ] {
            assert_eq!(simple_type_name(written).as_deref(), name, "{written}");
        }
    }

    #[test]
    fn unescape_simple() {
        assert_eq!(unescape_js(r"a\/b\n"), "a/b\n");
    }

    #[test]
    fn js_escapes_are_decoded_as_the_engine_does() {
        assert_eq!(unescape_js(r"evil.net\u005c@a"), "evil.net\\@a");
        assert_eq!(unescape_js(r"\u{5C}\x5c\u002f"), "\\\\/");
        assert_eq!(unescape_js(r"\u0065vil"), "evil");
        assert_eq!(unescape_js("a\\\nb\\\r\nc"), "abc");
        assert_eq!(unescape_js(r"\uD83D\uDE00"), "\u{1F600}");
        assert_eq!(unescape_js(r"\uD83Dx"), "\u{FFFD}x");
        assert_eq!(unescape_js(r"\145vil\0"), "evil\0");
        assert_eq!(unescape_js(r"\xZZ\u12"), "\u{FFFD}ZZ\u{FFFD}12");
        assert_eq!(unescape_kotlin(r"\u005C"), "\\");
        assert_eq!(unescape_kotlin(r"\$"), "$");
        assert_eq!(unescape_java(r"evil.net\u005c@a"), "evil.net\\@a");
        assert_eq!(unescape_java(r"a\tb\101\s\\"), "a\tbA \\");
    }

    #[test]
    fn runaway_parse_is_abandoned_and_the_parser_stays_usable() {
        let input = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fuzz_regressions/analyse_kotlin/parse-loop-nsd.kt"),
        )
        .expect("regression input");
        assert_eq!(
            parse(Grammar::Kotlin, &input).err(),
            Some(ParseFailure::Abandoned)
        );
        // The same thread's parser parses the next file normally.
        let tree = parse(Grammar::Kotlin, b"fun main() { println(\"hi\") }\n").expect("parses");
        assert!(!tree.root_node().has_error());
    }
}
