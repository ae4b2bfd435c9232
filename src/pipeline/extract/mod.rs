//! Extraction: runs the language's queries over a syntax tree and lowers the
//! captured nodes into [`FileFacts`]. One query pass per file.

mod builtin;
mod interop;
#[cfg(test)]
mod java_tests;

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor, Tree};

use crate::model::{
    Binding, CallSite, Expr, FileFacts, Function, Import, Lines, QueryMatch, StringContext, StringLit,
    Suppression, TypedName,
};
use crate::model::{Grammar, Lang};
use crate::pipeline::lang::{self, span, Syntax};

pub use builtin::builtin_query_source;

/// A user rule's query, compiled for one grammar.
pub struct RuleQuery {
    pub rule_index: usize,
    pub query: Query,
    pub match_capture: u32,
}

/// Queries compiled once per grammar and shared by all threads.
pub struct CompiledQueries {
    builtin: Query,
    rules: Vec<RuleQuery>,
}

impl CompiledQueries {
    pub fn new(grammar: Grammar, rules: Vec<RuleQuery>) -> Result<Self, tree_sitter::QueryError> {
        let source = builtin_query_source(grammar);
        let builtin = Query::new(&grammar.language(), &source)?;
        Ok(CompiledQueries { builtin, rules })
    }
}

/// Turns tree-sitter's byte columns into Unicode code point columns (what
/// SARIF's `unicodeCodePoints` and most editors count), so a finding on a
/// line with non-ASCII text before it is highlighted at the right place.
/// One sweep over the source for all spans (sorted offsets): a file of one
/// long line costs no more than any other.
fn code_point_columns(facts: &mut FileFacts, src: &[u8]) {
    if src.is_ascii() {
        return;
    }
    let mut offsets: Vec<usize> = Vec::new();
    {
        let mut add = |span: &crate::model::Span| {
            offsets.push(span.start_byte);
            offsets.push(span.end_byte);
        };
        facts.calls.iter().for_each(|c| add(&c.span));
        facts.bindings.iter().for_each(|b| add(&b.span));
        facts.functions.iter().for_each(|f| add(&f.span));
        facts.strings.iter().for_each(|s| add(&s.span));
        facts.imports.iter().for_each(|i| add(&i.span));
        facts.types.iter().for_each(|t| add(&t.span));
        facts.query_matches.iter().for_each(|q| add(&q.span));
    }
    offsets.sort_unstable();
    offsets.dedup();
    // Code points since the start of the line, at each offset.
    let mut columns = Vec::with_capacity(offsets.len());
    let mut pos = 0;
    let mut chars = 0usize;
    for &offset in &offsets {
        let end = offset.min(src.len());
        for &b in &src[pos.min(end)..end] {
            if b == b'\n' {
                chars = 0;
            } else if b & 0xC0 != 0x80 {
                chars += 1;
            }
        }
        pos = pos.max(end);
        columns.push(chars + 1);
    }
    let column_at = |byte: usize, column: usize| -> usize {
        match offsets.binary_search(&byte) {
            Ok(i) => columns[i],
            Err(_) => column,
        }
    };
    let fix = |span: &mut crate::model::Span| {
        span.column = column_at(span.start_byte, span.column);
        span.end_column = column_at(span.end_byte, span.end_column);
    };
    facts.calls.iter_mut().for_each(|c| fix(&mut c.span));
    facts.bindings.iter_mut().for_each(|b| fix(&mut b.span));
    facts.functions.iter_mut().for_each(|f| fix(&mut f.span));
    facts.strings.iter_mut().for_each(|s| fix(&mut s.span));
    facts.imports.iter_mut().for_each(|i| fix(&mut i.span));
    facts.types.iter_mut().for_each(|t| fix(&mut t.span));
    facts.query_matches.iter_mut().for_each(|q| fix(&mut q.span));
}

thread_local! {
    /// One query cursor per worker thread, reused for every file.
    static CURSOR: std::cell::RefCell<QueryCursor> = std::cell::RefCell::new(QueryCursor::new());
}

/// Runs `f` with this thread's query cursor (a fresh one if it is in use).
fn with_cursor<R>(f: impl FnOnce(&mut QueryCursor) -> R) -> R {
    CURSOR.with(|cell| match cell.try_borrow_mut() {
        Ok(mut cursor) => f(&mut cursor),
        Err(_) => f(&mut QueryCursor::new()),
    })
}

/// Query work allowed per file, in progress checks (tree-sitter calls the
/// progress callback every 100 cursor operations): a fixed allowance plus
/// one per byte, as for the parser. Query passes are linear on trees within
/// [`lang::MAX_TREE_DEPTH`]; this bounds anything else.
const QUERY_CHECKS_BASE: usize = 500;
const QUERY_CHECKS_PER_BYTE: usize = 1;

/// Extracts facts from a parsed file; `Err(Abandoned)` when a query pass or
/// the lowering uses up its work allowance.
pub fn extract(
    path: &str,
    grammar: Grammar,
    tree: &Tree,
    src: &[u8],
    queries: &CompiledQueries,
) -> Result<FileFacts, lang::ParseFailure> {
    let allowance = QUERY_CHECKS_BASE.saturating_add(src.len().saturating_mul(QUERY_CHECKS_PER_BYTE));
    // Shared by every query pass of this file.
    let mut checks = 0usize;
    let lowering = lang::LoweringAllowance::for_source(src.len());
    let mut call_names = CallNames::default();
    let lang = grammar.lang();
    let syntax = crate::pipeline::lang::syntax(lang);
    let root = tree.root_node();
    // Constant-time parent lookups for every walk up the tree below.
    let _parents = lang::ParentIndex::new(tree);
    let mut functions = FunctionNames::default();
    let mut facts = FileFacts {
        parse_error: root.has_error(),
        lines: Lines::new(src),
        ..FileFacts::empty(path, lang)
    };

    let query = &queries.builtin;
    let names = query.capture_names();
    let mut imports: BTreeMap<usize, Import> = BTreeMap::new();
    let mut module_objects = interop::ModuleObjects::default();
    let mut seen_types = FxHashSet::default();
    let mut seen_typed = FxHashSet::default();
    let mut returned = FxHashSet::default();
    with_cursor(|cursor| {
        let mut progress = |_: &tree_sitter::QueryCursorState| {
            checks += 1;
            checks > allowance
        };
        let options = tree_sitter::QueryCursorOptions::new().progress_callback(&mut progress);
        let mut matches = cursor.matches_with_options(query, root, src, options);
        while let Some(m) = matches.next() {
            if lowering.exhausted() {
                break;
            }
            let mut primary: Option<(&str, Node)> = None;
            let mut parts: Vec<(&str, Node)> = Vec::new();
            for capture in m.captures {
                let name = names[capture.index as usize];
                if name.starts_with('_') {
                    continue;
                }
                if name.contains('.') {
                    parts.push((name, capture.node));
                } else {
                    primary = Some((name, capture.node));
                }
            }
            let Some((kind, node)) = primary else { continue };
            let part = |wanted: &str| parts.iter().find(|(n, _)| *n == wanted).map(|(_, node)| *node);
            match kind {
                "call" => {
                    if let Expr::Call(call) = syntax.lower(node, src, 0) {
                        let callee = call.callee.path().unwrap_or_default();
                        facts.calls.push(CallSite {
                            call: *call,
                            callee,
                            span: span(node),
                            function: functions.enclosing(syntax, node, src),
                            assigned_to: syntax.assigned_name(node, src),
                        });
                    }
                }
                "binding" => {
                    let (Some(name), Some(value)) = (part("binding.name"), part("binding.value")) else {
                        continue;
                    };
                    let binding = Binding {
                        name: syntax.binding_name(node, name, src),
                        value: syntax.lower(value, src, 0),
                        exported: syntax.is_exported(node, src),
                        function: functions.enclosing(syntax, node, src),
                        span: span(node),
                    };
                    if let Some(typed) = inferred_type(&binding, lang, || syntax.owner_type(node, src)) {
                        if seen_typed.insert(typed.clone()) {
                            facts.typed.push(typed);
                        }
                    }
                    facts.bindings.push(binding);
                }
                "function" => {
                    if let Some(name) = syntax.function_name(node, src) {
                        facts.functions.push(Function {
                            name,
                            params: syntax.params(node, src),
                            span: span(node),
                        });
                    }
                }
                "string" => {
                    if let Expr::Str(value) | Expr::Unknown(value) = string_value(syntax.lower(node, src, 0))
                    {
                        facts.strings.push(StringLit {
                            value,
                            span: span(node),
                            context: StringContext {
                                key: syntax.assigned_name(node, src),
                                in_call: call_names.enclosing(syntax, node, src),
                            },
                            function: functions.enclosing(syntax, node, src),
                        });
                    }
                }
                "import" => {
                    let Some(source) = part("import.source") else {
                        continue;
                    };
                    let source_text = import_source(lang, lang::text(source, src));
                    let entry = imports.entry(node.start_byte()).or_insert_with(|| Import {
                        source: source_text,
                        names: Vec::new(),
                        renamed: Vec::new(),
                        span: span(node),
                    });
                    if let (Some(exported), Some(local)) = (part("import.exported"), part("import.name")) {
                        let pair = (
                            lang::text(local, src).to_string(),
                            lang::text(exported, src).to_string(),
                        );
                        if !entry.renamed.contains(&pair) {
                            entry.renamed.push(pair);
                        }
                    }
                    // Local names, each with whether it is the module object.
                    let captured = parts
                        .iter()
                        .filter(|(name, _)| *name == "import.name" || *name == "import.object")
                        .map(|(name, n)| (lang::text(*n, src).to_string(), *name == "import.object"));
                    let wrapped = interop::wrapped_require_binding(node, src).map(|local| (local, true));
                    for (local, is_object) in wrapped.into_iter().chain(captured) {
                        if is_object {
                            module_objects.insert(&local, &entry.source);
                        }
                        if !entry.names.contains(&local) {
                            entry.names.push(local);
                        }
                    }
                }
                "return" => {
                    let Some(value) = part("return.value") else {
                        continue;
                    };
                    // `throw x` shares Swift's node with `return x`.
                    if node.kind() == "control_transfer_statement"
                        && !lang::text(node, src).starts_with("return")
                    {
                        continue;
                    }
                    let Some(function) = functions.enclosing(syntax, node, src) else {
                        continue;
                    };
                    let name = format!("{function}()");
                    if !returned.insert(name.clone()) {
                        continue;
                    }
                    // Read as a constant named by the call (`ApiBase.ordersPath()`),
                    // visible wherever the function is.
                    facts.bindings.push(Binding {
                        name,
                        value: syntax.lower(value, src, 0),
                        exported: true,
                        function: None,
                        span: span(node),
                    });
                }
                "type" => {
                    if let Some(decl) = syntax.type_decl(node, src) {
                        if seen_types.insert(decl.clone()) {
                            facts.types.push(decl);
                        }
                    }
                }
                "typed" | "field" => {
                    let (Some(name), Some(written)) = (part("typed.name"), part("typed.type")) else {
                        continue;
                    };
                    let Some(type_name) = lang::simple_type_name(lang::text(written, src)) else {
                        continue;
                    };
                    let function = functions.enclosing(syntax, node, src);
                    // A parameter property belongs to its constructor's class.
                    let (class, function) = match (kind, function) {
                        ("field", Some(f)) => (f.rsplit_once('.').map(|(c, _)| c.to_string()), None),
                        (_, Some(f)) => (f.rsplit_once('.').map(|(c, _)| c.to_string()), Some(f)),
                        (_, None) => (syntax.owner_type(node, src), None),
                    };
                    let typed = TypedName {
                        name: lang::text(name, src).to_string(),
                        type_name,
                        class,
                        function,
                    };
                    if seen_typed.insert(typed.clone()) {
                        facts.typed.push(typed);
                    }
                }
                "comment" => {
                    let line = node.start_position().row + 1;
                    facts
                        .suppressions
                        .extend(parse_suppressions(lang::text(node, src), line));
                }
                _ => {}
            }
        }
    });
    dedup_wrapped_calls(&mut facts.calls);
    module_objects.canonicalise(&mut facts.calls);
    // Nested `require` patterns match twice: keep one import per statement.
    let mut seen = FxHashSet::default();
    facts.imports = imports
        .into_values()
        .filter(|i| seen.insert((i.source.clone(), i.span.line, i.names.clone())))
        .collect();

    if checks > allowance || lowering.exhausted() {
        return Err(lang::ParseFailure::Abandoned);
    }
    for rule in &queries.rules {
        with_cursor(|cursor| {
            let mut progress = |_: &tree_sitter::QueryCursorState| {
                checks += 1;
                checks > allowance
            };
            let options = tree_sitter::QueryCursorOptions::new().progress_callback(&mut progress);
            let mut matches = cursor.matches_with_options(&rule.query, root, src, options);
            while let Some(m) = matches.next() {
                for capture in m.captures.iter().filter(|c| c.index == rule.match_capture) {
                    facts.query_matches.push(QueryMatch {
                        rule_index: rule.rule_index,
                        span: span(capture.node),
                        text: lang::short_text(capture.node, src),
                        function: functions.enclosing(syntax, capture.node, src),
                    });
                }
            }
        });
    }
    if checks > allowance || lowering.exhausted() {
        return Err(lang::ParseFailure::Abandoned);
    }
    code_point_columns(&mut facts, src);
    facts.shrink_to_fit();
    Ok(facts)
}

/// The type a binding's value evidently has: `new ApiClient(…)`,
/// `ApiClient(…)` (Swift, Kotlin, Java `new`), `retrofit.create(OrdersApi::class.java)`
/// or `retrofit.create(OrdersApi.class)`,
/// `ApiService.shared`. `this.x`/`self.x` and bindings outside functions
/// are fields of the enclosing type (`owner` names it).
fn inferred_type(binding: &Binding, lang: Lang, owner: impl FnOnce() -> Option<String>) -> Option<TypedName> {
    let upper = |name: &str| name.starts_with(|c: char| c.is_ascii_uppercase());
    let type_name = match &binding.value {
        Expr::Call(call) => {
            let last = call.callee.last_name().unwrap_or_default();
            let class_arg = || {
                call.args.iter().find_map(|a| {
                    let written = match &a.value {
                        Expr::Unknown(t) => t.clone(),
                        other => other.path()?,
                    };
                    // Kotlin `OrdersApi::class.java`, Java `OrdersApi.class`.
                    let class = written
                        .split_once("::class")
                        .map(|(class, _)| class)
                        .or_else(|| written.strip_suffix(".class"))?;
                    Some(class.to_string())
                })
            };
            if (call.is_new || lang != Lang::Typescript) && upper(last) {
                Some(last.to_string())
            } else if last == "create" {
                class_arg()
            } else {
                None
            }
        }
        Expr::Member(object, member)
            if matches!(
                member.as_str(),
                "shared" | "default" | "instance" | "current" | "standard"
            ) =>
        {
            object.last_name().filter(|n| upper(n)).map(String::from)
        }
        _ => None,
    }
    .and_then(|t| crate::pipeline::lang::simple_type_name(&t))?;
    let (name, is_field) = match binding
        .name
        .strip_prefix("this.")
        .or_else(|| binding.name.strip_prefix("self."))
    {
        Some(field) => (field, true),
        None => (binding.name.as_str(), binding.function.is_none()),
    };
    if name.contains('.') {
        return None;
    }
    let function_class = || {
        binding
            .function
            .as_deref()
            .and_then(|f| f.rsplit_once('.'))
            .map(|(c, _)| c.to_string())
    };
    Some(TypedName {
        name: name.to_string(),
        type_name,
        class: if binding.function.is_some() {
            function_class()
        } else {
            owner()
        },
        function: if is_field { None } else { binding.function.clone() },
    })
}

/// Names of enclosing functions, memoised per node so that walking up from
/// every captured node stays linear in the tree size even when the tree is
/// thousands of levels deep. Same answers as [`lang::enclosing_function`].
#[derive(Default)]
struct FunctionNames {
    /// Node id → name of the nearest named function among the node and its
    /// ancestors.
    inclusive: FxHashMap<usize, Option<String>>,
}

impl FunctionNames {
    fn enclosing(&mut self, syntax: &dyn Syntax, node: Node, src: &[u8]) -> Option<String> {
        let start = lang::parent(node)?;
        let mut visited = Vec::new();
        let mut current = Some(start);
        let found = loop {
            let Some(n) = current else { break None };
            if let Some(name) = self.inclusive.get(&n.id()) {
                break name.clone();
            }
            visited.push(n.id());
            if syntax.is_function(n) {
                if let Some(name) = syntax.function_name(n, src) {
                    break Some(name);
                }
            }
            current = lang::parent(n);
        };
        for id in visited {
            self.inclusive.insert(id, found.clone());
        }
        found
    }
}

/// A wrapper that lowers to the call it wraps (Kotlin `requireNotNull(c.newCall(r))`)
/// yields the same call twice: keep the inner site.
fn dedup_wrapped_calls(calls: &mut Vec<CallSite>) {
    let mut groups: FxHashMap<&crate::model::CallExpr, Vec<usize>> = FxHashMap::default();
    for (i, site) in calls.iter().enumerate() {
        groups.entry(&site.call).or_default().push(i);
    }
    let mut drop = FxHashSet::default();
    for indices in groups.values_mut().filter(|g| g.len() > 1) {
        // By start, outermost first: the spans a site wraps follow it, so the
        // scan below stops early (thousands of nested identical calls stay
        // linear instead of quadratic).
        indices.sort_by_key(|&i| {
            (
                calls[i].span.start_byte,
                std::cmp::Reverse(calls[i].span.end_byte),
            )
        });
        for (k, &outer) in indices.iter().enumerate() {
            let o = calls[outer].span;
            let wraps = indices[k + 1..]
                .iter()
                .map(|&inner| calls[inner].span)
                .take_while(|s| s.start_byte <= o.end_byte)
                .any(|s| s.end_byte <= o.end_byte && s != o);
            if wraps {
                drop.insert(outer);
            }
        }
    }
    if !drop.is_empty() {
        let mut index = 0;
        calls.retain(|_| {
            let keep = !drop.contains(&index);
            index += 1;
            keep
        });
    }
}

/// A string fact keeps literal text only; template parts become `{…}`.
fn string_value(expr: Expr) -> Expr {
    match expr {
        Expr::Str(s) => Expr::Str(s),
        Expr::Concat(parts) => {
            let mut out = String::new();
            for part in parts {
                match part {
                    Expr::Str(s) => out.push_str(&s),
                    other => {
                        out.push('{');
                        out.push_str(other.last_name().unwrap_or("…"));
                        out.push('}');
                    }
                }
            }
            Expr::Str(out)
        }
        _ => Expr::Function,
    }
}

fn import_source(lang: Lang, raw: &str) -> String {
    match lang {
        Lang::Typescript => raw
            .trim_matches(|c| c == '"' || c == '\'' || c == '`')
            .to_string(),
        _ => raw.trim().to_string(),
    }
}

/// Callee names of call nodes, memoised per node: every literal argument of
/// a call with 100,000 arguments asks for the same call, which is lowered
/// once instead of once per argument.
#[derive(Default)]
struct CallNames {
    /// Node id → `Some(callee path)` for call nodes, `None` for others.
    calls: rustc_hash::FxHashMap<usize, Option<Option<String>>>,
}

impl CallNames {
    /// Name of the call a literal is a (possibly nested) argument of.
    fn enclosing(&mut self, syntax: &dyn Syntax, node: Node, src: &[u8]) -> Option<String> {
        let mut current = lang::parent(node);
        for _ in 0..5 {
            let n = current?;
            if syntax.is_function(n) {
                return None;
            }
            let callee = self
                .calls
                .entry(n.id())
                .or_insert_with(|| match shallow_call(syntax, n, src) {
                    Expr::Call(call) => Some(call.callee.path()),
                    _ => None,
                });
            if let Some(path) = callee {
                return path.clone();
            }
            current = lang::parent(n);
        }
        None
    }
}

/// Lowers only call nodes (cheap check by the kind names of the grammars).
fn shallow_call(syntax: &dyn crate::pipeline::lang::Syntax, node: Node, src: &[u8]) -> Expr {
    match node.kind() {
        "call_expression"
        | "new_expression"
        | "constructor_invocation"
        | "method_invocation"
        | "object_creation_expression" => syntax.lower(node, src, crate::pipeline::lang::MAX_DEPTH - 2),
        _ => Expr::Unknown(String::new()),
    }
}

/// Parses `egress-scan: ignore[rule-a, rule-b] reason` from a comment.
pub fn parse_suppressions(comment: &str, line: usize) -> Vec<Suppression> {
    let Some(pos) = comment.find("egress-scan: ignore[") else {
        return Vec::new();
    };
    let rest = &comment[pos + "egress-scan: ignore[".len()..];
    let Some(close) = rest.find(']') else {
        return Vec::new();
    };
    let reason = rest[close + 1..].trim().trim_end_matches("*/").trim().to_string();
    rest[..close]
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|rule| Suppression {
            line,
            rule: rule.to_string(),
            reason: reason.clone(),
        })
        .collect()
}

/// Facts of a source snippet, for tests across the crate.
#[cfg(test)]
pub(crate) fn facts_of(path: &str, src: &str) -> FileFacts {
    let grammar = Grammar::for_path(std::path::Path::new(path)).expect("a supported file name");
    let tree = lang::parse(grammar, src.as_bytes()).expect("parses");
    let queries = CompiledQueries::new(grammar, Vec::new()).expect("compiles");
    extract(path, grammar, &tree, src.as_bytes(), &queries).expect("within the allowances")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_code_points() {
        let src = "const s = \"héllo→\"; fetch(\"https://a.example/x\");\nfetch(\"https://b.example/y\");\n";
        let facts = facts_of("a.ts", src);
        let fetch = |line: usize| {
            facts
                .calls
                .iter()
                .find(|c| c.callee == "fetch" && c.span.line == line)
                .expect("fetch call")
                .span
        };
        // `fetch` follows 20 characters, 23 bytes (é is 2 bytes, → 3).
        let first = fetch(1);
        assert_eq!((first.column, first.start_byte), (21, 23));
        assert_eq!(
            first.end_column,
            first.column + "fetch(\"https://a.example/x\")".len()
        );
        // ASCII lines are unchanged.
        assert_eq!(fetch(2).column, 1);
    }

    #[test]
    fn suppression_comment() {
        let s = parse_suppressions("// egress-scan: ignore[egress/token-in-url] legacy API", 7);
        assert_eq!(
            s,
            vec![Suppression {
                line: 7,
                rule: "egress/token-in-url".into(),
                reason: "legacy API".into()
            }]
        );
        assert!(parse_suppressions("// nothing here", 1).is_empty());
    }
}
