//! Language-neutral data passed between pipeline stages.
//!
//! Extraction lowers each language's syntax tree into the small expression
//! model below, so URL reconstruction, origin classification and the rules
//! are written once for TypeScript, Swift and Kotlin alike.

use serde::{Deserialize, Serialize};

use crate::model::Lang;

/// A source range. Lines and columns are 1-based; columns count Unicode
/// code points (see `extract::code_point_columns`), as SARIF and editors
/// expect, while `start_byte`/`end_byte` are byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    pub start_byte: usize,
    pub end_byte: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// A lowered expression. Anything the model does not represent becomes
/// `Unknown` with (truncated) source text, so nothing is silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Expr {
    /// A string literal without quotes, escapes resolved where simple.
    Str(String),
    /// Concatenation of parts: template literals, `+`, string interpolation.
    Concat(Vec<Expr>),
    Ident(String),
    /// `object.property`.
    Member(Box<Expr>, String),
    Call(Box<CallExpr>),
    /// Object literal / named arguments: key → value.
    Object(Vec<(String, Expr)>),
    Array(Vec<Expr>),
    /// `a ?? b`, `a || b`, Swift/Kotlin `?:`: the right side is a default.
    Fallback(Box<Expr>, Box<Expr>),
    Number(String),
    Bool(bool),
    /// A closure or function literal; its body is analysed as a function.
    Function,
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CallExpr {
    pub callee: Expr,
    pub args: Vec<Arg>,
    /// TypeScript `new X(...)`. Swift and Kotlin constructors are plain calls.
    pub is_new: bool,
    /// Kotlin/Swift trailing lambda or TS callback present.
    pub has_closure: bool,
}

/// A call argument; `label` is a Swift argument label or Kotlin named argument.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Arg {
    pub label: Option<String>,
    pub value: Expr,
}

impl Expr {
    /// Dotted path of a callee or member chain: `axios.get`, `this.http.post`,
    /// `URLSession.shared.data`. Calls in the chain appear as `name()`.
    pub fn path(&self) -> Option<String> {
        match self {
            Expr::Ident(name) => Some(name.clone()),
            Expr::Member(object, prop) => Some(format!("{}.{prop}", object.path()?)),
            Expr::Call(call) => Some(format!("{}()", call.callee.path()?)),
            _ => None,
        }
    }

    /// The last name of a member chain or identifier (`cfg.apiKey` → `apiKey`).
    pub fn last_name(&self) -> Option<&str> {
        match self {
            Expr::Ident(name) => Some(name),
            Expr::Member(_, prop) => Some(prop),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Value of `key` when this is an object literal.
    pub fn field(&self, key: &str) -> Option<&Expr> {
        match self {
            Expr::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl CallExpr {
    /// Argument by Swift/Kotlin label, or else by position among unlabelled ones.
    pub fn arg(&self, label: Option<&str>, index: usize) -> Option<&Expr> {
        if let Some(label) = label {
            if let Some(arg) = self.args.iter().find(|a| a.label.as_deref() == Some(label)) {
                return Some(&arg.value);
            }
        }
        self.args.get(index).map(|a| &a.value)
    }
}

/// A call site found in a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CallSite {
    pub call: CallExpr,
    /// `callee.path()` precomputed; empty when the callee is not a name chain.
    pub callee: String,
    pub span: Span,
    /// Qualified name of the enclosing function (`Client.send`), if any.
    pub function: Option<String>,
    /// Object key or binding name this call's value is assigned to.
    pub assigned_to: Option<String>,
}

/// `const NAME = value`, `static let name = value`, `const val NAME = value`,
/// `this.name = value`, class fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Binding {
    pub name: String,
    pub value: Expr,
    pub exported: bool,
    pub function: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    pub default: Option<Expr>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Function {
    /// Qualified name: `Class.method` or `name`.
    pub name: String,
    pub params: Vec<Param>,
    pub span: Span,
}

/// Where a string literal sits: the key or binding it is assigned to and the
/// call it is an argument of. Decides endpoint versus reference.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StringContext {
    pub key: Option<String>,
    pub in_call: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StringLit {
    pub value: String,
    pub span: Span,
    pub context: StringContext,
    pub function: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Import {
    /// Module specifier: `axios`, `node:https`, `Alamofire`, `okhttp3.OkHttpClient`.
    pub source: String,
    /// Local names bound by the import (empty for side-effect imports).
    pub names: Vec<String>,
    /// Renamed imports, local name → exported name (`import { getRoomInfo
    /// as getRoomInfoService }`): a call of the local name calls the
    /// exported function.
    #[serde(default)]
    pub renamed: Vec<(String, String)>,
    pub span: Span,
}

impl Import {
    /// The exported name a local name of this import stands for.
    pub fn exported_name<'a>(&'a self, local: &'a str) -> &'a str {
        self.renamed
            .iter()
            .find(|(l, _)| l == local)
            .map_or(local, |(_, exported)| exported.as_str())
    }
}

/// A class, struct, enum, interface, protocol, object or extension, with the
/// types it names as its supertypes (superclass, implemented interfaces,
/// adopted protocols, mixins composed into it). Calls on `this`/`self`, on
/// typed fields and on implicit `self` are linked through these to the
/// class that declares the called method.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TypeDecl {
    /// Qualified like method names (`Outer.Inner`); an extension carries
    /// the extended type's name.
    pub name: String,
    /// Simple names (`Base` of `com.acme.Base<T>`).
    pub supertypes: Vec<String>,
    /// A Swift extension: it adds conformances to a type that may be
    /// declared elsewhere, or by a library (`extension String`).
    pub extension: bool,
    pub span: Span,
}

impl TypeDecl {
    /// A class, interface, protocol or object declaration (not an extension).
    pub fn new(name: String, supertypes: Vec<String>, span: Span) -> TypeDecl {
        TypeDecl {
            name,
            supertypes,
            extension: false,
            span,
        }
    }
}

/// A name with a declared type: a field or property (`private http:
/// HttpClient`, `private val api: OrdersApi`, `let client: APIClient`), a
/// constructor or function parameter, or a typed local.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TypedName {
    pub name: String,
    /// The type's simple name, without generics, optionality or package.
    pub type_name: String,
    /// The enclosing type, for fields; `None` at top level.
    pub class: Option<String>,
    /// The enclosing function, for parameters and locals; `None` for fields
    /// (a TypeScript parameter property or a Kotlin `val` constructor
    /// parameter is a field).
    pub function: Option<String>,
}

/// A match of a user query rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueryMatch {
    pub rule_index: usize,
    pub span: Span,
    pub text: String,
    pub function: Option<String>,
}

/// An `egress-scan: ignore[rule] reason` comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    pub line: usize,
    pub rule: String,
    pub reason: String,
}

/// Everything extraction learned about one file. Trees are dropped once this
/// is built, so memory holds facts, not syntax trees.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileFacts {
    pub path: String,
    pub lang: Lang,
    pub calls: Vec<CallSite>,
    pub bindings: Vec<Binding>,
    pub functions: Vec<Function>,
    pub strings: Vec<StringLit>,
    pub imports: Vec<Import>,
    pub types: Vec<TypeDecl>,
    pub typed: Vec<TypedName>,
    pub query_matches: Vec<QueryMatch>,
    pub suppressions: Vec<Suppression>,
    pub parse_error: bool,
    /// Source lines (trimmed, length-capped) for snippets and textual checks.
    pub lines: Lines,
}

impl FileFacts {
    /// Facts of `path` with nothing found yet.
    pub fn empty(path: &str, lang: Lang) -> FileFacts {
        FileFacts {
            path: path.to_string(),
            lang,
            calls: Vec::new(),
            bindings: Vec::new(),
            functions: Vec::new(),
            strings: Vec::new(),
            imports: Vec::new(),
            types: Vec::new(),
            typed: Vec::new(),
            query_matches: Vec::new(),
            suppressions: Vec::new(),
            parse_error: false,
            lines: Lines::default(),
        }
    }

    /// Drops the spare capacity of every list: facts of all parsed files
    /// are held until the cross-file analysis ends, and growth by doubling
    /// leaves up to half of each list unused.
    pub fn shrink_to_fit(&mut self) {
        self.calls.shrink_to_fit();
        self.bindings.shrink_to_fit();
        self.functions.shrink_to_fit();
        self.strings.shrink_to_fit();
        self.imports.shrink_to_fit();
        self.types.shrink_to_fit();
        self.typed.shrink_to_fit();
        self.query_matches.shrink_to_fit();
        self.suppressions.shrink_to_fit();
    }

    pub fn snippet(&self, line: usize) -> String {
        self.lines.get(line).unwrap_or_default().to_string()
    }
}

/// A file's lines, trimmed and capped at [`Lines::MAX_LINE`] bytes, kept as
/// one string plus line ends: every parsed file's lines stay in memory until
/// the cross-file analysis is done, and a `String` per line costs more in
/// allocation overhead than the text itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lines {
    text: String,
    /// End offset in `text` of each line.
    ends: Vec<u32>,
}

impl Lines {
    pub const MAX_LINE: usize = 160;

    pub fn new(src: &[u8]) -> Lines {
        let source = String::from_utf8_lossy(src);
        let mut lines = Lines::default();
        for line in source.lines() {
            let line = line.trim();
            let mut end = line.len().min(Self::MAX_LINE);
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            lines.text.push_str(&line[..end]);
            // Files are at most a few MiB (`--max-file-size`), far below 4 GiB.
            lines
                .ends
                .push(u32::try_from(lines.text.len()).unwrap_or(u32::MAX));
        }
        lines.text.shrink_to_fit();
        lines.ends.shrink_to_fit();
        lines
    }

    /// Line `line` (1-based).
    pub fn get(&self, line: usize) -> Option<&str> {
        let index = line.checked_sub(1)?;
        let end = *self.ends.get(index)? as usize;
        let start = index.checked_sub(1).map_or(0, |i| self.ends[i] as usize);
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (1..=self.ends.len()).filter_map(|line| self.get(line))
    }
}

#[cfg(test)]
mod lines_tests {
    use super::Lines;

    #[test]
    fn lines_are_trimmed_capped_and_one_based() {
        let long = format!("x = \"{}\"", "é".repeat(200));
        let src = format!("  first\r\n\n\tthird  \n{long}\n");
        let lines = Lines::new(src.as_bytes());
        assert_eq!(lines.get(0), None);
        assert_eq!(lines.get(1), Some("first"));
        assert_eq!(lines.get(2), Some(""));
        assert_eq!(lines.get(3), Some("third"));
        let capped = lines.get(4).expect("fourth line");
        assert!(capped.len() <= Lines::MAX_LINE && capped.starts_with("x = \"é"));
        assert_eq!(lines.get(5), None);
        assert_eq!(lines.iter().count(), 4);
        assert_eq!(Lines::new(b"").iter().count(), 0);
        // Invalid UTF-8 is replaced, never dropped.
        assert_eq!(Lines::new(b"a\xffb").get(1), Some("a\u{fffd}b"));
    }
}
