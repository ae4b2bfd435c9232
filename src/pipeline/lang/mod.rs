//! Supported languages: file detection, grammars, per-thread parsers and the
//! lowering of each grammar's nodes into [`crate::model::Expr`].

mod kotlin;
mod parents;
mod swift;
mod typescript;

use std::cell::RefCell;

use tree_sitter::{Node, Parser, Tree};

use crate::model::{Arg, Expr, Param, Span};

pub use parents::{parent, ParentIndex};

use crate::model::{Grammar, Lang};

/// The lowering of `lang`'s syntax nodes.
pub fn syntax(lang: Lang) -> &'static dyn Syntax {
    match lang {
        Lang::Typescript => &typescript::TypeScript,
        Lang::Swift => &swift::Swift,
        Lang::Kotlin => &kotlin::Kotlin,
    }
}

thread_local! {
    /// One parser per grammar per thread: parsers are not `Sync` and are
    /// expensive enough to create that reuse matters on large repositories.
    static PARSERS: RefCell<[Option<Parser>; 4]> = const { RefCell::new([None, None, None, None]) };
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

/// Resolves the common escapes of a quoted string body.
pub fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
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
    fn unescape_simple() {
        assert_eq!(unescape(r"a\/b\n"), "a/b\n");
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
