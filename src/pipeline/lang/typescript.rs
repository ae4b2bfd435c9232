//! Lowering for the TypeScript and TSX grammars (also used for JavaScript).

use tree_sitter::Node;

use super::{concat, plus_operands, short_text, text, unescape_js as unescape, Syntax, MAX_DEPTH};
use crate::model::{Arg, CallExpr, Expr, Param, TypeDecl};

pub struct TypeScript;

/// Nodes that declare a class or interface.
const CLASS_KINDS: &[&str] = &[
    "class_declaration",
    "class",
    "abstract_class_declaration",
    "interface_declaration",
];

/// A class's name; an anonymous class takes the name its factory or
/// expression is bound to, so a mixin (`const OrderEndpoints = (Base) =>
/// class extends Base { … }`) is known as `OrderEndpoints`.
fn class_name(node: Node, src: &[u8]) -> Option<String> {
    if let Some(name) = node.child_by_field_name("name") {
        return Some(text(name, src).to_string());
    }
    let mut current = super::parent(node);
    for _ in 0..6 {
        let n = current?;
        match n.kind() {
            "variable_declarator" | "public_field_definition" => {
                return n.child_by_field_name("name").map(|c| text(c, src).to_string());
            }
            "arrow_function"
            | "function_expression"
            | "parenthesized_expression"
            | "statement_block"
            | "return_statement" => current = super::parent(n),
            "function_declaration" => {
                return n.child_by_field_name("name").map(|c| text(c, src).to_string());
            }
            _ => return None,
        }
    }
    None
}

/// The names a heritage clause composes: `Base`, `ns.Base`, and every
/// class or mixin of `compose(ApiBase, OrderEndpoints)` or
/// `OrderEndpoints(InvoiceEndpoints(ApiBase))`.
fn heritage_names(node: Node, src: &[u8], depth: usize, out: &mut Vec<String>) {
    if depth > 8 {
        return;
    }
    match node.kind() {
        "identifier"
        | "type_identifier"
        | "member_expression"
        | "nested_type_identifier"
        | "generic_type" => {
            if let Some(name) = super::simple_type_name(text(node, src)) {
                out.push(name);
            }
        }
        "call_expression" => {
            if let Some(callee) = node.child_by_field_name("function") {
                heritage_names(callee, src, depth + 1, out);
            }
            if let Some(args) = node.child_by_field_name("arguments") {
                let mut walker = args.walk();
                for arg in args.named_children(&mut walker) {
                    heritage_names(arg, src, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

impl TypeScript {
    fn string_value(node: Node, src: &[u8]) -> String {
        let raw = text(node, src);
        let inner = raw.get(1..raw.len().saturating_sub(1).max(1)).unwrap_or("");
        unescape(inner)
    }

    fn jsx_element(node: Node, src: &[u8], depth: usize) -> Expr {
        let Some(name) = node.child_by_field_name("name") else {
            return Expr::Unknown(short_text(node, src));
        };
        let callee = match Self.lower(name, src, depth + 1) {
            callee @ (Expr::Ident(_) | Expr::Member(..)) => callee,
            _ => Expr::Ident(text(name, src).to_string()),
        };
        let mut attributes = Vec::new();
        let mut walker = node.walk();
        for attribute in node.children_by_field_name("attribute", &mut walker) {
            if attribute.kind() != "jsx_attribute" {
                continue;
            }
            let Some(key) = attribute.named_child(0) else {
                continue;
            };
            let value = match attribute.named_child(1) {
                Some(v) => Self.lower(v, src, depth + 1),
                None => Expr::Bool(true),
            };
            attributes.push((text(key, src).to_string(), value));
        }
        Expr::Call(Box::new(CallExpr {
            callee,
            args: vec![Arg {
                label: None,
                value: Expr::Object(attributes),
            }],
            is_new: false,
            has_closure: false,
        }))
    }

    /// Template literal: literal text between substitutions, taken by byte
    /// ranges so it does not depend on how the grammar names fragments.
    fn template(node: Node, src: &[u8], depth: usize) -> Expr {
        let start = node.start_byte() + 1;
        let end = node.end_byte().saturating_sub(1).max(start);
        let mut parts = Vec::new();
        let mut cursor = start;
        let mut walker = node.walk();
        for child in node.named_children(&mut walker) {
            if child.kind() != "template_substitution" {
                continue;
            }
            if child.start_byte() > cursor {
                parts.push(Expr::Str(unescape(&String::from_utf8_lossy(
                    &src[cursor..child.start_byte()],
                ))));
            }
            let inner = child
                .named_child(0)
                .map(|e| TypeScript.lower(e, src, depth + 1))
                .unwrap_or(Expr::Unknown(String::new()));
            parts.push(inner);
            cursor = child.end_byte();
        }
        if end > cursor {
            parts.push(Expr::Str(unescape(&String::from_utf8_lossy(&src[cursor..end]))));
        }
        if parts.is_empty() {
            return Expr::Str(String::new());
        }
        concat(parts)
    }

    fn object(node: Node, src: &[u8], depth: usize) -> Expr {
        let mut fields = Vec::new();
        let mut walker = node.walk();
        for child in node.named_children(&mut walker) {
            match child.kind() {
                "pair" => {
                    let (Some(key), Some(value)) = (
                        child.child_by_field_name("key"),
                        child.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    let key = property_key(key, src);
                    fields.push((key, TypeScript.lower(value, src, depth + 1)));
                }
                "shorthand_property_identifier" => {
                    let name = text(child, src).to_string();
                    fields.push((name.clone(), Expr::Ident(name)));
                }
                "method_definition" => {
                    if let Some(name) = child.child_by_field_name("name") {
                        fields.push((property_key(name, src), Expr::Function));
                    }
                }
                _ => {}
            }
        }
        Expr::Object(fields)
    }
}

/// The operands of a `+` node.
fn plus<'t>(node: Node<'t>, src: &[u8]) -> Option<(Node<'t>, Node<'t>)> {
    if node.kind() != "binary_expression"
        || node.child_by_field_name("operator").map(|o| text(o, src)) != Some("+")
    {
        return None;
    }
    Some((
        node.child_by_field_name("left")?,
        node.child_by_field_name("right")?,
    ))
}

fn property_key(node: Node, src: &[u8]) -> String {
    match node.kind() {
        "string" => TypeScript::string_value(node, src),
        _ => text(node, src).to_string(),
    }
}

thread_local! {
    /// `(file, answer)` memo for [`mentions_exports`].
    static EXPORTS: std::cell::Cell<Option<(u64, bool)>> = const { std::cell::Cell::new(None) };
}

/// True when the file mentions `exports`; memoised per extracted file, as
/// scanning the whole source for every binding is quadratic.
fn mentions_exports(src: &[u8]) -> bool {
    let compute = || src.windows(7).any(|w| w == b"exports");
    let Some(file) = super::parents::current_file() else {
        return compute();
    };
    EXPORTS.with(|memo| match memo.get() {
        Some((f, answer)) if f == file => answer,
        _ => {
            let answer = compute();
            memo.set(Some((file, answer)));
            answer
        }
    })
}

impl Syntax for TypeScript {
    fn lower(&self, node: Node, src: &[u8], depth: usize) -> Expr {
        if depth > MAX_DEPTH || !super::spend() {
            return Expr::Unknown(short_text(node, src));
        }
        let lower = |n: Node| self.lower(n, src, depth + 1);
        match node.kind() {
            "string" => Expr::Str(Self::string_value(node, src)),
            "template_string" => Self::template(node, src, depth),
            "identifier"
            | "property_identifier"
            | "shorthand_property_identifier"
            | "this"
            | "private_property_identifier"
            | "super" => Expr::Ident(text(node, src).to_string()),
            "number" => Expr::Number(text(node, src).to_string()),
            "true" => Expr::Bool(true),
            "false" => Expr::Bool(false),
            "member_expression" => {
                let object = node.child_by_field_name("object").map(lower);
                let prop = node
                    .child_by_field_name("property")
                    .map(|p| text(p, src).to_string());
                match (object, prop) {
                    (Some(o), Some(p)) => Expr::Member(Box::new(o), p),
                    _ => Expr::Unknown(short_text(node, src)),
                }
            }
            "subscript_expression" => {
                let object = node.child_by_field_name("object").map(lower);
                let index = node.child_by_field_name("index").map(lower);
                match (object, index) {
                    (Some(o), Some(Expr::Str(key))) => Expr::Member(Box::new(o), key),
                    _ => Expr::Unknown(short_text(node, src)),
                }
            }
            "binary_expression" if plus(node, src).is_some() => concat(
                plus_operands(node, |n| plus(n, src))
                    .into_iter()
                    .map(lower)
                    .collect(),
            ),
            "binary_expression" => {
                let op = node.child_by_field_name("operator").map(|o| text(o, src));
                let left = node.child_by_field_name("left").map(lower);
                let right = node.child_by_field_name("right").map(lower);
                match (op, left, right) {
                    (Some("??" | "||"), Some(l), Some(r)) => Expr::Fallback(Box::new(l), Box::new(r)),
                    _ => Expr::Unknown(short_text(node, src)),
                }
            }
            "ternary_expression" => {
                // Either branch may be taken; prefer the one that is a literal.
                let cons = node.child_by_field_name("consequence").map(lower);
                let alt = node.child_by_field_name("alternative").map(lower);
                match (cons, alt) {
                    (Some(c), Some(a)) => Expr::Fallback(Box::new(c), Box::new(a)),
                    _ => Expr::Unknown(short_text(node, src)),
                }
            }
            "call_expression" | "new_expression" => {
                let is_new = node.kind() == "new_expression";
                let callee = node
                    .child_by_field_name(if is_new { "constructor" } else { "function" })
                    .map(lower)
                    .unwrap_or(Expr::Unknown(String::new()));
                let args_node = node.child_by_field_name("arguments");
                let args = match args_node {
                    Some(a) if a.kind() == "template_string" => {
                        vec![Arg {
                            label: None,
                            value: lower(a),
                        }]
                    }
                    Some(a) => self.args(a, src, depth + 1),
                    None => Vec::new(),
                };
                let has_closure = args.iter().any(|a| a.value == Expr::Function);
                Expr::Call(Box::new(CallExpr {
                    callee,
                    args,
                    is_new,
                    has_closure,
                }))
            }
            // `(0, import_undici.request)(url)`: compiled CommonJS calls an
            // import through a comma expression, whose value is its last part.
            "sequence_expression" => {
                let mut cursor = node.walk();
                let last = node.named_children(&mut cursor).last();
                match last {
                    Some(last) => lower(last),
                    None => Expr::Unknown(short_text(node, src)),
                }
            }
            "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
            | "type_assertion"
            | "expression_statement"
            | "spread_element" => match node.named_child(0) {
                Some(inner) => lower(inner),
                None => Expr::Unknown(short_text(node, src)),
            },
            "object" => Self::object(node, src, depth),
            // `<WebView source={{ uri }} />`: a call of the component with its
            // attributes as one object argument, so sinks read `source.uri`.
            "jsx_self_closing_element" | "jsx_opening_element" => Self::jsx_element(node, src, depth),
            "jsx_expression" => match node.named_child(0) {
                Some(inner) => lower(inner),
                None => Expr::Unknown(short_text(node, src)),
            },
            "array" => {
                let mut walker = node.walk();
                Expr::Array(node.named_children(&mut walker).map(lower).collect())
            }
            "arrow_function" | "function_expression" | "function" | "generator_function" => Expr::Function,
            _ => Expr::Unknown(short_text(node, src)),
        }
    }

    fn args(&self, node: Node, src: &[u8], depth: usize) -> Vec<Arg> {
        let mut walker = node.walk();
        node.named_children(&mut walker)
            .filter(|c| c.kind() != "comment")
            .map(|c| Arg {
                label: None,
                value: self.lower(c, src, depth),
            })
            .collect()
    }

    fn is_function(&self, node: Node) -> bool {
        matches!(
            node.kind(),
            "function_declaration"
                | "generator_function_declaration"
                | "method_definition"
                | "arrow_function"
                | "function_expression"
                | "function"
        )
    }

    fn function_name(&self, node: Node, src: &[u8]) -> Option<String> {
        let own = match node.kind() {
            "function_declaration" | "generator_function_declaration" | "method_definition" => {
                node.child_by_field_name("name").map(|n| text(n, src).to_string())
            }
            // Anonymous functions take the name they are bound to.
            _ => self.assigned_name(node, src),
        }?;
        // Methods are qualified by their class so `this.x` calls can be linked.
        match self.owner_type(node, src) {
            Some(class) => Some(format!("{class}.{own}")),
            None => Some(own),
        }
    }

    fn type_decl(&self, node: Node, src: &[u8]) -> Option<TypeDecl> {
        let name = class_name(node, src)?;
        let mut supertypes = Vec::new();
        let mut walker = node.walk();
        for child in node.named_children(&mut walker) {
            match child.kind() {
                "class_heritage" => {
                    let mut clauses = child.walk();
                    for clause in child.named_children(&mut clauses) {
                        let mut types = clause.walk();
                        for t in clause.named_children(&mut types) {
                            heritage_names(t, src, 0, &mut supertypes);
                        }
                    }
                }
                "extends_type_clause" => {
                    let mut types = child.walk();
                    for t in child.named_children(&mut types) {
                        heritage_names(t, src, 0, &mut supertypes);
                    }
                }
                _ => {}
            }
        }
        Some(TypeDecl::new(name, supertypes, super::span(node)))
    }

    fn owner_type(&self, node: Node, src: &[u8]) -> Option<String> {
        let mut current = super::parent(node);
        while let Some(n) = current {
            if CLASS_KINDS.contains(&n.kind()) {
                if let Some(name) = class_name(n, src) {
                    return Some(name);
                }
            }
            if self.is_function(n) {
                return None;
            }
            current = super::parent(n);
        }
        None
    }

    fn params(&self, node: Node, src: &[u8]) -> Vec<Param> {
        let Some(params) = node
            .child_by_field_name("parameters")
            .or_else(|| node.child_by_field_name("parameter"))
        else {
            return Vec::new();
        };
        if params.kind() == "identifier" {
            return vec![Param {
                name: text(params, src).to_string(),
                default: None,
            }];
        }
        let mut walker = params.walk();
        params
            .named_children(&mut walker)
            .map(|p| {
                let pattern = p.child_by_field_name("pattern").unwrap_or(p);
                let name = match pattern.kind() {
                    "identifier" => text(pattern, src).to_string(),
                    // Destructured options objects: keep the source text so the
                    // origin is still `parameter`.
                    _ => short_text(pattern, src),
                };
                let default = p.child_by_field_name("value").map(|v| self.lower(v, src, 0));
                Param { name, default }
            })
            .collect()
    }

    fn assigned_name(&self, node: Node, src: &[u8]) -> Option<String> {
        let mut current = node;
        // Look through wrappers such as `await`, parentheses and casts.
        for _ in 0..4 {
            let parent = super::parent(current)?;
            match parent.kind() {
                "variable_declarator" | "public_field_definition" | "field_definition" => {
                    return parent
                        .child_by_field_name("name")
                        .map(|n| text(n, src).to_string());
                }
                // The value's key; a key string (`{ "server.address": h }`)
                // names a property and is bound to nothing.
                "pair" => {
                    let key = parent.child_by_field_name("key")?;
                    return (key.id() != current.id()).then(|| property_key(key, src));
                }
                // `constructor(private baseUrl = "https://…")`, `fn(host = "…")`.
                "required_parameter" | "optional_parameter" => {
                    return parent
                        .child_by_field_name("pattern")
                        .map(|n| text(n, src).to_string());
                }
                // `{ slackApiUrl = "https://slack.com/api/" } = {}` defaults.
                "object_assignment_pattern" | "assignment_pattern" => {
                    return parent
                        .child_by_field_name("left")
                        .map(|n| text(n, src).to_string());
                }
                "assignment_expression" => {
                    return parent
                        .child_by_field_name("left")
                        .map(|l| text(l, src).to_string());
                }
                "await_expression"
                | "parenthesized_expression"
                | "as_expression"
                | "non_null_expression"
                | "satisfies_expression"
                | "binary_expression"
                | "ternary_expression" => current = parent,
                _ => return None,
            }
        }
        None
    }

    fn binding_name(&self, binding: Node, name: Node, src: &[u8]) -> String {
        let plain = text(name, src).trim().to_string();
        // A getter is read as a field of its object.
        if binding.kind() == "method_definition" {
            return format!("this.{plain}");
        }
        plain
    }

    fn is_exported(&self, node: Node, src: &[u8]) -> bool {
        // CommonJS modules export through `module.exports`; any module-level
        // binding may be reached, and importers must still name it.
        if mentions_exports(src) {
            return true;
        }
        let mut current = super::parent(node);
        for _ in 0..4 {
            match current {
                Some(n) if n.kind() == "export_statement" => return true,
                Some(n) if n.kind() == "program" => return false,
                Some(n) => current = super::parent(n),
                None => return false,
            }
        }
        false
    }
}
