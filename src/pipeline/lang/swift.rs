//! Lowering for the Swift grammar (tree-sitter-swift 0.7).
//!
//! Swift has no `new`: constructors are plain calls, arguments carry labels
//! (`URL(string:)`, `URLRequest(url:)`), and trailing closures follow the
//! argument list. Subscripts (`dict["k"]`) share the call node kind and are
//! told apart by their bracket.

use tree_sitter::Node;

use super::{concat, plus_operands, short_text, text, Syntax, MAX_DEPTH};
use crate::model::{Arg, CallExpr, Expr, Param, TypeDecl};

pub struct Swift;

/// Nodes that own a type's members: their names qualify methods and statics.
const TYPE_DECLS: &[&str] = &["class_declaration", "protocol_declaration"];

impl Swift {
    /// String literal of any flavour: pieces between interpolations, with
    /// escapes resolved and multi-line indentation removed.
    fn string(node: Node, src: &[u8], depth: usize) -> Expr {
        let mut parts: Vec<Expr> = Vec::new();
        let mut walker = node.walk();
        let raw = node.kind() == "raw_string_literal";
        for child in node.named_children(&mut walker) {
            match child.kind() {
                "interpolated_expression" => parts.push(interpolation(child, src, depth)),
                "raw_str_interpolation" => {
                    let mut w = child.walk();
                    let inner = child
                        .named_children(&mut w)
                        .find(|c| c.kind() == "interpolated_expression");
                    parts.push(match inner {
                        Some(i) => interpolation(i, src, depth),
                        None => Expr::Unknown(short_text(child, src)),
                    });
                }
                "str_escaped_char" => parts.push(Expr::Str(escape(text(child, src)))),
                _ if raw => parts.push(Expr::Str(strip_raw_delimiters(text(child, src)))),
                _ => parts.push(Expr::Str(text(child, src).to_string())),
            }
        }
        if node.kind() == "multi_line_string_literal" {
            dedent(&mut parts);
        }
        if parts.is_empty() {
            return Expr::Str(String::new());
        }
        concat(parts)
    }

    fn call(&self, node: Node, src: &[u8], depth: usize) -> Expr {
        let mut walker = node.walk();
        let children: Vec<Node> = node.named_children(&mut walker).collect();
        let Some(suffix) = children.iter().find(|c| c.kind() == "call_suffix") else {
            return Expr::Unknown(short_text(node, src));
        };
        let callee = children
            .iter()
            .find(|c| c.kind() != "call_suffix")
            .map(|c| self.lower(*c, src, depth + 1))
            .unwrap_or(Expr::Unknown(String::new()));
        let mut args = Vec::new();
        let mut has_closure = false;
        let mut closure_label: Option<String> = None;
        let mut w = suffix.walk();
        for part in suffix.named_children(&mut w) {
            match part.kind() {
                "value_arguments" => {
                    if text(part, src).starts_with('[') {
                        // Subscript: `headers["Location"]` reads a member.
                        let key = self.args(part, src, depth + 1).into_iter().next();
                        return match key {
                            Some(Arg {
                                value: Expr::Str(k), ..
                            }) => Expr::Member(Box::new(callee), k),
                            _ => Expr::Unknown(short_text(node, src)),
                        };
                    }
                    args.extend(self.args(part, src, depth + 1));
                }
                "lambda_literal" => {
                    has_closure = true;
                    args.push(Arg {
                        label: closure_label.take(),
                        value: Expr::Function,
                    });
                }
                // Label of a second or later trailing closure.
                "simple_identifier" => closure_label = Some(text(part, src).to_string()),
                _ => {}
            }
        }
        has_closure |= args.iter().any(|a| a.value == Expr::Function);
        Expr::Call(Box::new(CallExpr {
            callee,
            args,
            is_new: false,
            has_closure,
        }))
    }

    fn dictionary(&self, node: Node, src: &[u8], depth: usize) -> Expr {
        let mut fields = Vec::new();
        let mut key: Option<String> = None;
        let mut walker = node.walk();
        for (i, child) in node.children(&mut walker).enumerate() {
            match node.field_name_for_child(i as u32) {
                Some("key") => {
                    key = match self.lower(child, src, depth + 1) {
                        Expr::Str(s) => Some(s),
                        other => other.path(),
                    }
                }
                Some("value") => {
                    if let Some(k) = key.take() {
                        fields.push((k, self.lower(child, src, depth + 1)));
                    }
                }
                _ => {}
            }
        }
        Expr::Object(fields)
    }

    /// Names of the types enclosing `node`, outermost first, up to the
    /// nearest function.
    fn enclosing_types(&self, node: Node, src: &[u8]) -> Vec<String> {
        let mut names = Vec::new();
        let mut current = super::parent(node);
        while let Some(n) = current {
            if TYPE_DECLS.contains(&n.kind()) {
                if let Some(name) = n.child_by_field_name("name") {
                    names.push(text(name, src).trim().to_string());
                }
            } else if self.is_function(n) {
                break;
            }
            current = super::parent(n);
        }
        names.reverse();
        names
    }
}

fn interpolation(node: Node, src: &[u8], depth: usize) -> Expr {
    match node.child_by_field_name("value").or_else(|| node.named_child(0)) {
        Some(value) => Swift.lower(value, src, depth + 1),
        None => Expr::Unknown(short_text(node, src)),
    }
}

/// Resolves one Swift escape sequence (`\n`, `\"`, `\u{41}`).
fn escape(raw: &str) -> String {
    let body = raw.trim_start_matches('\\');
    match body {
        "n" => "\n".into(),
        "t" => "\t".into(),
        "r" => "\r".into(),
        "0" => "\0".into(),
        _ => {
            if let Some(hex) = body.strip_prefix("u{").and_then(|h| h.strip_suffix('}')) {
                return u32::from_str_radix(hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .map(String::from)
                    .unwrap_or_default();
            }
            body.to_string()
        }
    }
}

/// The operands of a `+` node.
fn plus<'t>(node: Node<'t>, src: &[u8]) -> Option<(Node<'t>, Node<'t>)> {
    if node.kind() != "additive_expression"
        || node.child_by_field_name("op").map(|o| text(o, src)) != Some("+")
    {
        return None;
    }
    Some((node.child_by_field_name("lhs")?, node.child_by_field_name("rhs")?))
}

/// `#"text"#` parts carry their delimiters: drop the hashes and quotes.
fn strip_raw_delimiters(raw: &str) -> String {
    let s = raw.trim_start_matches('#');
    let s = s.strip_prefix('"').unwrap_or(s);
    let s = s.trim_end_matches('#');
    let s = s.strip_suffix('"').unwrap_or(s);
    s.to_string()
}

/// Multi-line literal: drop the newline after the opening `"""`, the last line
/// before the closing one, and the closing delimiter's indentation.
fn dedent(parts: &mut [Expr]) {
    if let Some(Expr::Str(first)) = parts.first_mut() {
        if let Some(rest) = first.strip_prefix('\n') {
            *first = rest.to_string();
        }
    }
    let mut indent = String::new();
    if let Some(Expr::Str(last)) = parts.last_mut() {
        if let Some(pos) = last.rfind('\n') {
            let tail = &last[pos + 1..];
            if tail.chars().all(|c| c == ' ' || c == '\t') {
                indent = tail.to_string();
                last.truncate(pos);
            }
        } else if last.chars().all(|c| c == ' ' || c == '\t') {
            indent = last.clone();
            last.clear();
        }
    }
    if indent.is_empty() {
        return;
    }
    let with_newline = format!("\n{indent}");
    for (i, part) in parts.iter_mut().enumerate() {
        if let Expr::Str(s) = part {
            let mut out = s.replace(&with_newline, "\n");
            if i == 0 {
                if let Some(rest) = out.strip_prefix(indent.as_str()) {
                    out = rest.to_string();
                }
            }
            *s = out;
        }
    }
}

fn has_modifier(node: Node, src: &[u8], words: &[&str]) -> bool {
    let mut walker = node.walk();
    let found = node
        .named_children(&mut walker)
        .filter(|c| c.kind() == "modifiers")
        .any(|m| text(m, src).split_whitespace().any(|w| words.contains(&w)));
    found
}

/// The name a `property_declaration` binds (`let x = …`).
fn declared_name(node: Node, src: &[u8]) -> Option<String> {
    let pattern = node.child_by_field_name("name")?;
    let name = pattern.child_by_field_name("bound_identifier").unwrap_or(pattern);
    Some(text(name, src).trim().to_string())
}

impl Syntax for Swift {
    fn lower(&self, node: Node, src: &[u8], depth: usize) -> Expr {
        if depth > MAX_DEPTH || !super::spend() {
            return Expr::Unknown(short_text(node, src));
        }
        let lower = |n: Node| self.lower(n, src, depth + 1);
        let field = |name: &str| node.child_by_field_name(name).map(lower);
        match node.kind() {
            "line_string_literal" | "multi_line_string_literal" | "raw_string_literal" => {
                Self::string(node, src, depth)
            }
            "simple_identifier" | "type_identifier" | "user_type" => Expr::Ident(text(node, src).to_string()),
            "self_expression" => Expr::Ident("self".into()),
            "super_expression" => Expr::Ident("super".into()),
            "integer_literal" | "real_literal" | "hex_literal" | "oct_literal" | "bin_literal" => {
                Expr::Number(text(node, src).to_string())
            }
            "boolean_literal" => Expr::Bool(text(node, src) == "true"),
            "navigation_expression" => {
                let target = field("target");
                let prop = node
                    .child_by_field_name("suffix")
                    .and_then(|s| s.child_by_field_name("suffix"))
                    .map(|p| text(p, src).to_string());
                match (target, prop) {
                    (Some(t), Some(p)) => Expr::Member(Box::new(t), p),
                    _ => Expr::Unknown(short_text(node, src)),
                }
            }
            "call_expression" => self.call(node, src, depth),
            "prefix_expression" => {
                let op = node.child_by_field_name("operation").map(|o| text(o, src));
                let target = node.child_by_field_name("target");
                match (op, target) {
                    // Implicit member: `.shared`, `.bonjour(type:domain:)`.
                    (Some("."), Some(t)) => Expr::Ident(format!(".{}", text(t, src))),
                    (Some("-"), Some(t)) if t.kind().ends_with("_literal") => {
                        Expr::Number(format!("-{}", text(t, src)))
                    }
                    _ => Expr::Unknown(short_text(node, src)),
                }
            }
            "additive_expression" if plus(node, src).is_some() => concat(
                plus_operands(node, |n| plus(n, src))
                    .into_iter()
                    .map(lower)
                    .collect(),
            ),
            "nil_coalescing_expression" => match (field("value"), field("if_nil")) {
                (Some(v), Some(d)) => Expr::Fallback(Box::new(v), Box::new(d)),
                _ => Expr::Unknown(short_text(node, src)),
            },
            "ternary_expression" => match (field("if_true"), field("if_false")) {
                (Some(t), Some(f)) => Expr::Fallback(Box::new(t), Box::new(f)),
                _ => Expr::Unknown(short_text(node, src)),
            },
            "try_expression" | "await_expression" | "as_expression" => {
                match node.child_by_field_name("expr") {
                    Some(inner) => lower(inner),
                    None => Expr::Unknown(short_text(node, src)),
                }
            }
            // `return expr` as the single statement of a computed property.
            "control_transfer_statement" => match node.child_by_field_name("result") {
                Some(inner) => lower(inner),
                None => Expr::Unknown(short_text(node, src)),
            },
            "postfix_expression" => match node.child_by_field_name("target") {
                Some(inner) => lower(inner),
                None => Expr::Unknown(short_text(node, src)),
            },
            // `(expr)` and single-expression bodies (`var url: URL { … }`).
            "tuple_expression" | "statements" | "directly_assignable_expression" => {
                let mut walker = node.walk();
                let inner: Vec<Node> = node
                    .named_children(&mut walker)
                    .filter(|c| !matches!(c.kind(), "comment" | "multiline_comment"))
                    .collect();
                match inner.as_slice() {
                    [only] => lower(*only),
                    _ => Expr::Unknown(short_text(node, src)),
                }
            }
            "dictionary_literal" => self.dictionary(node, src, depth),
            "array_literal" => {
                let mut walker = node.walk();
                Expr::Array(node.named_children(&mut walker).map(lower).collect())
            }
            "lambda_literal" => Expr::Function,
            _ => Expr::Unknown(short_text(node, src)),
        }
    }

    fn args(&self, node: Node, src: &[u8], depth: usize) -> Vec<Arg> {
        let mut walker = node.walk();
        node.named_children(&mut walker)
            .filter(|c| c.kind() == "value_argument")
            .map(|arg| {
                let label = arg
                    .child_by_field_name("name")
                    .map(|l| text(l, src).trim().to_string());
                let value = arg
                    .child_by_field_name("value")
                    .map(|v| self.lower(v, src, depth + 1))
                    .unwrap_or_else(|| Expr::Unknown(short_text(arg, src)));
                Arg { label, value }
            })
            .collect()
    }

    fn is_function(&self, node: Node) -> bool {
        matches!(
            node.kind(),
            "function_declaration" | "init_declaration" | "deinit_declaration" | "lambda_literal"
        )
    }

    fn function_name(&self, node: Node, src: &[u8]) -> Option<String> {
        let own = match node.kind() {
            "function_declaration" => {
                let mut walker = node.walk();
                let name = node
                    .children_by_field_name("name", &mut walker)
                    .find(|n| n.kind() == "simple_identifier")
                    .map(|n| text(n, src).to_string());
                name?
            }
            "init_declaration" => "init".to_string(),
            "deinit_declaration" => "deinit".to_string(),
            // Closures take the name of the property they are bound to; a
            // closure passed as an argument belongs to the enclosing function.
            _ => match super::parent(node).map(|p| p.kind()) {
                Some("property_declaration" | "assignment") => self.assigned_name(node, src)?,
                _ => return None,
            },
        };
        let types = self.enclosing_types(node, src);
        if types.is_empty() {
            Some(own)
        } else {
            Some(format!("{}.{own}", types.join(".")))
        }
    }

    fn type_decl(&self, node: Node, src: &[u8]) -> Option<TypeDecl> {
        let own = super::simple_type_name(text(node.child_by_field_name("name")?, src))?;
        let mut names = self.enclosing_types(node, src);
        names.push(own);
        let mut supertypes = Vec::new();
        let mut walker = node.walk();
        for spec in node
            .named_children(&mut walker)
            .filter(|c| c.kind() == "inheritance_specifier")
        {
            if let Some(name) = spec
                .child_by_field_name("inherits_from")
                .and_then(|t| super::simple_type_name(text(t, src)))
            {
                supertypes.push(name);
            }
        }
        Some(TypeDecl {
            name: names.join("."),
            supertypes,
            extension: node
                .child_by_field_name("declaration_kind")
                .is_some_and(|k| text(k, src) == "extension"),
            span: super::span(node),
        })
    }

    fn owner_type(&self, node: Node, src: &[u8]) -> Option<String> {
        let types = self.enclosing_types(node, src);
        (!types.is_empty()).then(|| types.join("."))
    }

    fn params(&self, node: Node, src: &[u8]) -> Vec<Param> {
        let mut params: Vec<Param> = Vec::new();
        if node.kind() == "lambda_literal" {
            let Some(list) = node.child_by_field_name("type").and_then(|t| {
                t.named_children(&mut t.walk())
                    .find(|c| c.kind() == "lambda_function_type_parameters")
            }) else {
                return params;
            };
            let mut walker = list.walk();
            for p in list.named_children(&mut walker) {
                if let Some(name) = p.child_by_field_name("name") {
                    params.push(Param {
                        name: text(name, src).to_string(),
                        default: None,
                    });
                }
            }
            return params;
        }
        // Parameters and their `= default` values are siblings.
        let mut walker = node.walk();
        for (i, child) in node.children(&mut walker).enumerate() {
            if child.kind() == "parameter" {
                // `to path: String`: the body sees the internal name `path`.
                if let Some(name) = child.child_by_field_name("name") {
                    params.push(Param {
                        name: text(name, src).to_string(),
                        default: None,
                    });
                }
            } else if node.field_name_for_child(i as u32) == Some("default_value") {
                if let Some(last) = params.last_mut() {
                    last.default = Some(self.lower(child, src, 0));
                }
            }
        }
        params
    }

    fn assigned_name(&self, node: Node, src: &[u8]) -> Option<String> {
        let mut current = node;
        for _ in 0..5 {
            let parent = super::parent(current)?;
            match parent.kind() {
                "property_declaration" => {
                    let is_value = parent
                        .child_by_field_name("value")
                        .is_some_and(|v| v.id() == current.id());
                    return if is_value {
                        declared_name(parent, src)
                    } else {
                        None
                    };
                }
                "assignment" => {
                    return parent
                        .child_by_field_name("target")
                        .map(|t| text(t, src).trim().to_string());
                }
                "value_argument" => {
                    return parent
                        .child_by_field_name("name")
                        .map(|l| text(l, src).trim().to_string());
                }
                "dictionary_literal" => {
                    // The key is the named sibling before a value.
                    let key = current.prev_named_sibling()?;
                    return match self.lower(key, src, MAX_DEPTH - 1) {
                        Expr::Str(k) if key.id() != current.id() => Some(k),
                        _ => None,
                    };
                }
                "try_expression"
                | "await_expression"
                | "as_expression"
                | "postfix_expression"
                | "tuple_expression"
                | "nil_coalescing_expression"
                | "ternary_expression"
                | "additive_expression" => current = parent,
                _ => return None,
            }
        }
        None
    }

    fn binding_name(&self, binding: Node, name: Node, src: &[u8]) -> String {
        let plain = text(name, src).trim().to_string();
        // `static let base` in `enum API` is reached as `API.base`.
        if binding.kind() == "property_declaration" && has_modifier(binding, src, &["static", "class"]) {
            let types = self.enclosing_types(binding, src);
            if !types.is_empty() {
                return format!("{}.{plain}", types.join("."));
            }
        }
        plain
    }

    fn is_exported(&self, node: Node, src: &[u8]) -> bool {
        if node.kind() != "property_declaration" || has_modifier(node, src, &["private", "fileprivate"]) {
            return false;
        }
        match super::parent(node) {
            Some(p) if p.kind() == "source_file" => true,
            Some(_) => {
                has_modifier(node, src, &["static", "class"])
                    && !self.enclosing_types(node, src).is_empty()
                    && {
                        // Not inside a function body.
                        let mut current = super::parent(node);
                        let mut inside_function = false;
                        while let Some(n) = current {
                            if self.is_function(n) {
                                inside_function = true;
                                break;
                            }
                            current = super::parent(n);
                        }
                        !inside_function
                    }
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Grammar;
    use crate::pipeline::lang::parse;

    /// Lowers the value of the first `let` in `code`.
    fn value_of(code: &str) -> Expr {
        let tree = parse(Grammar::Swift, code.as_bytes()).expect("parse");
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            if n.kind() == "property_declaration" {
                if let Some(v) = n.child_by_field_name("value") {
                    return Swift.lower(v, code.as_bytes(), 0);
                }
            }
            let mut w = n.walk();
            let kids: Vec<Node> = n.named_children(&mut w).collect();
            stack.extend(kids.into_iter().rev());
        }
        panic!("no binding in {code}");
    }

    #[test]
    fn interpolated_string() {
        let e = value_of(r#"let u = "https://api.x.com/bot\(token)/send?x=\(API.base)""#);
        assert_eq!(
            e,
            Expr::Concat(vec![
                Expr::Str("https://api.x.com/bot".into()),
                Expr::Ident("token".into()),
                Expr::Str("/send?x=".into()),
                Expr::Member(Box::new(Expr::Ident("API".into())), "base".into()),
            ])
        );
    }

    #[test]
    fn escapes_raw_and_multiline() {
        assert_eq!(value_of(r#"let a = "a\"b\u{41}\n""#), Expr::Str("a\"bA\n".into()));
        assert_eq!(
            value_of(r##"let a = #"https://x.io/\d"#"##),
            Expr::Str(r"https://x.io/\d".into())
        );
        let code = "let m = \"\"\"\n    https://x.io/\\(p)\n    next\n    \"\"\"\n";
        assert_eq!(
            value_of(code),
            Expr::Concat(vec![
                Expr::Str("https://x.io/".into()),
                Expr::Ident("p".into()),
                Expr::Str("\nnext".into()),
            ])
        );
    }

    #[test]
    fn labelled_call_with_trailing_closure() {
        let e = value_of("let t = session.dataTask(with: URL(string: base + \"/v1\")!) { d, r, e in }");
        let Expr::Call(call) = e else { panic!("not a call") };
        assert_eq!(call.callee.path().as_deref(), Some("session.dataTask"));
        assert!(call.has_closure);
        assert_eq!(call.args[0].label.as_deref(), Some("with"));
        let Expr::Call(url) = &call.args[0].value else {
            panic!("url arg")
        };
        assert_eq!(url.args[0].label.as_deref(), Some("string"));
        assert_eq!(
            url.args[0].value,
            Expr::Concat(vec![Expr::Ident("base".into()), Expr::Str("/v1".into())])
        );
    }

    #[test]
    fn operators_and_literals() {
        assert_eq!(
            value_of(r#"let a = env ?? "https://d.io""#),
            Expr::Fallback(
                Box::new(Expr::Ident("env".into())),
                Box::new(Expr::Str("https://d.io".into()))
            )
        );
        assert_eq!(
            value_of(r#"let h = ["Authorization": "Bearer \(t)"]"#),
            Expr::Object(vec![(
                "Authorization".into(),
                Expr::Concat(vec![Expr::Str("Bearer ".into()), Expr::Ident("t".into())])
            )])
        );
        assert_eq!(
            value_of(r#"let l = r.allHeaderFields["Location"]"#),
            Expr::Member(
                Box::new(Expr::Member(
                    Box::new(Expr::Ident("r".into())),
                    "allHeaderFields".into()
                )),
                "Location".into()
            )
        );
        assert_eq!(
            value_of("let s = try await self.client.get(.shared)"),
            Expr::Call(Box::new(CallExpr {
                callee: Expr::Member(
                    Box::new(Expr::Member(
                        Box::new(Expr::Ident("self".into())),
                        "client".into()
                    )),
                    "get".into()
                ),
                args: vec![Arg {
                    label: None,
                    value: Expr::Ident(".shared".into())
                }],
                is_new: false,
                has_closure: false,
            }))
        );
    }

    #[test]
    fn closure_arguments_belong_to_the_enclosing_method() {
        let code = "struct C {\n  func send(token: String) {\n    run(completion: { x in\n      call(x)\n    })\n    let handler = { (y: Int) in y }\n  }\n}\n";
        let tree = parse(Grammar::Swift, code.as_bytes()).expect("parse");
        let mut names = Vec::new();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            if Swift.is_function(n) {
                names.push(Swift.function_name(n, code.as_bytes()));
            }
            let mut w = n.walk();
            stack.extend(n.named_children(&mut w));
        }
        names.sort();
        assert_eq!(names, vec![None, Some("C.send".into()), Some("handler".into())]);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let nested = |n: usize| value_of(&format!("let a = {}\"x\"{}", "(".repeat(n), ")".repeat(n)));
        // Shallow nesting is seen through; past the depth cap the value is
        // kept unresolved instead of overflowing the stack.
        assert_eq!(nested(10), Expr::Str("x".into()));
        assert!(matches!(nested(400), Expr::Unknown(text) if text.starts_with("((((")));
    }
}
