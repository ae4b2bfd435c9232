//! Lowering for the Kotlin grammar (tree-sitter-kotlin-ng).
//!
//! Constructors are plain calls (`URL(u)`, `Request.Builder()`), named
//! arguments become labelled [`Arg`]s, trailing lambdas set `has_closure`,
//! string templates (`"$host/${path}"`) become [`Expr::Concat`] and `?:` a
//! [`Expr::Fallback`]. Annotations (`@GET("v1/items")`) are lowered as calls
//! of the annotation name so the analysis can read Retrofit routes.

use tree_sitter::Node;

use super::{concat, plus_operands, short_text, text, unescape_kotlin as unescape, Syntax, MAX_DEPTH};
use crate::model::{Arg, CallExpr, Expr, Param, TypeDecl};

pub struct Kotlin;

/// Splits literal string text on simple `$name` templates. The grammar does
/// not always produce an `interpolation` node for them (`"…/$id?key="`).
fn split_simple_templates(raw: &str, parts: &mut Vec<Expr>) {
    let bytes = raw.as_bytes();
    let mut lit = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_name = |b: u8| b.is_ascii_alphabetic() || b == b'_';
        if bytes[i] == b'$' && i + 1 < bytes.len() && starts_name(bytes[i + 1]) {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
                end += 1;
            }
            if !lit.is_empty() {
                parts.push(Expr::Str(std::mem::take(&mut lit)));
            }
            parts.push(Expr::Ident(raw[start..end].to_string()));
            i = end;
            continue;
        }
        // Push the whole UTF-8 character.
        let ch_len = raw[i..].chars().next().map_or(1, char::len_utf8);
        lit.push_str(&raw[i..i + ch_len]);
        i += ch_len;
    }
    if !lit.is_empty() {
        parts.push(Expr::Str(lit));
    }
}

/// True for the `foo(a)` part of `foo(a) { … }`: the grammar nests it as the
/// callee of an outer call that carries the trailing lambda. The outer call
/// stands for both.
fn is_inner_half(node: Node) -> bool {
    let Some(parent) = super::parent(node) else {
        return false;
    };
    if parent.kind() != "call_expression" || parent.named_child(0) != Some(node) {
        return false;
    }
    let mut walker = parent.walk();
    let children: Vec<&str> = parent.named_children(&mut walker).map(|c| c.kind()).collect();
    children.contains(&"annotated_lambda") && !children.contains(&"value_arguments") && {
        let mut w = node.walk();
        let has_args = node.named_children(&mut w).any(|c| c.kind() == "value_arguments");
        has_args
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

impl Kotlin {
    fn string(node: Node, src: &[u8], depth: usize) -> Expr {
        let raw_string = node.kind() == "multiline_string_literal";
        let mut parts = Vec::new();
        // Literal text so far, decoded (unless raw) and split into templates.
        let flush = |buffer: &mut String, parts: &mut Vec<Expr>| {
            let text = std::mem::take(buffer);
            let text = if raw_string { text } else { unescape(&text) };
            split_simple_templates(&text, parts);
        };
        // Literal text accumulated across content and escape nodes.
        let mut buffer = String::new();
        let mut walker = node.walk();
        for child in node.named_children(&mut walker) {
            match child.kind() {
                "string_content" => buffer.push_str(text(child, src)),
                "escape_sequence" => {
                    let t = text(child, src);
                    if t == "\\$" {
                        // An escaped dollar never starts a template.
                        flush(&mut buffer, &mut parts);
                        parts.push(Expr::Str("$".into()));
                    } else {
                        // Decoded with the content around it: the grammar
                        // leaves `\u` in string content.
                        buffer.push_str(t);
                    }
                }
                "interpolation" => {
                    flush(&mut buffer, &mut parts);
                    let inner = child
                        .named_child(0)
                        .map(|e| Kotlin.lower(e, src, depth + 1))
                        .unwrap_or(Expr::Unknown(String::new()));
                    parts.push(inner);
                }
                _ => {}
            }
        }
        flush(&mut buffer, &mut parts);
        if parts.is_empty() {
            return Expr::Str(String::new());
        }
        concat(parts)
    }

    fn call(&self, node: Node, src: &[u8], depth: usize) -> Expr {
        let mut callee = None;
        let mut args = Vec::new();
        let mut lambda = None;
        let mut inner = None;
        let mut walker = node.walk();
        for child in node.named_children(&mut walker) {
            match child.kind() {
                "value_arguments" => args = self.args(child, src, depth + 1),
                "annotated_lambda" => lambda = Some(child),
                "type_arguments" => {}
                // constructor_invocation: `GET` of `@GET("x")`.
                "user_type" if callee.is_none() => {
                    callee = child
                        .named_child(0)
                        .map(|n| Expr::Ident(text(n, src).to_string()))
                }
                // `foo(a) { … }` nests the argument list in an inner call.
                "call_expression" if callee.is_none() && is_inner_half(child) => {
                    inner = Some(self.call(child, src, depth + 1));
                }
                _ if callee.is_none() => callee = Some(self.lower(child, src, depth + 1)),
                _ => {}
            }
        }
        if let Some(Expr::Call(mut call)) = inner {
            call.has_closure = true;
            return Expr::Call(call);
        }
        let callee = callee.unwrap_or(Expr::Unknown(String::new()));
        // `mapOf("event" to name)`: a map with literal keys, like an object literal.
        if let Expr::Ident(name) = &callee {
            if matches!(
                name.as_str(),
                "mapOf" | "mutableMapOf" | "hashMapOf" | "linkedMapOf" | "sortedMapOf"
            ) && lambda.is_none()
            {
                if let Some(object) = self.map_of(node, src, depth) {
                    return object;
                }
            }
        }
        // `buildString { append("https://"); append(host) }`: the appended parts.
        if callee == Expr::Ident("buildString".into()) {
            if let Some(body) = lambda.and_then(|l| l.named_child(l.named_child_count().saturating_sub(1))) {
                return Self::built_string(body, src, depth);
            }
        }
        // Null checks and conversions that pass their value through.
        let pass_through = match &callee {
            Expr::Ident(name) if matches!(name.as_str(), "requireNotNull" | "checkNotNull") => {
                args.first().map(|a| a.value.clone())
            }
            // `StringBuilder(base)`: the builder's initial text.
            Expr::Ident(name) if name == "StringBuilder" && args.len() == 1 => {
                args.first().map(|a| a.value.clone())
            }
            Expr::Member(object, method)
                if args.is_empty()
                    && lambda.is_none()
                    && matches!(
                        method.as_str(),
                        "orEmpty" | "toHttpUrl" | "toHttpUrlOrNull" | "toUri" | "trim"
                    ) =>
            {
                Some((**object).clone())
            }
            _ => None,
        };
        if let Some(value) = pass_through {
            return value;
        }
        let has_closure = lambda.is_some() || args.iter().any(|a| a.value == Expr::Function);
        Expr::Call(Box::new(CallExpr {
            callee,
            args,
            is_new: false,
            has_closure,
        }))
    }

    /// The `"key" to value` pairs of a `mapOf(…)` call as an object, when
    /// every key is a string literal.
    fn map_of(&self, node: Node, src: &[u8], depth: usize) -> Option<Expr> {
        let mut walker = node.walk();
        let arguments = node
            .named_children(&mut walker)
            .find(|c| c.kind() == "value_arguments")?;
        let mut fields = Vec::new();
        let mut walker = arguments.walk();
        for arg in arguments.named_children(&mut walker) {
            if arg.kind() != "value_argument" {
                continue;
            }
            let pair = arg.named_child(arg.named_child_count().saturating_sub(1))?;
            if pair.kind() != "infix_expression" || pair.named_child_count() != 3 {
                return None;
            }
            let (key, op, value) = (pair.named_child(0)?, pair.named_child(1)?, pair.named_child(2)?);
            if text(op, src) != "to" {
                return None;
            }
            let Expr::Str(key) = self.lower(key, src, depth + 1) else {
                return None;
            };
            fields.push((key, self.lower(value, src, depth + 1)));
        }
        Some(Expr::Object(fields))
    }

    fn built_string(lambda: Node, src: &[u8], depth: usize) -> Expr {
        let mut parts = Vec::new();
        let mut walker = lambda.walk();
        for stmt in lambda.named_children(&mut walker) {
            if stmt.kind() != "call_expression" {
                continue;
            }
            if let Expr::Call(call) = Kotlin.call(stmt, src, depth + 1) {
                let name = call.callee.last_name().unwrap_or("");
                if matches!(name, "append" | "appendLine") {
                    if let Some(arg) = call.args.into_iter().next() {
                        parts.push(arg.value);
                    }
                }
            }
        }
        if parts.is_empty() {
            return Expr::Unknown("buildString".into());
        }
        concat(parts)
    }

    /// Name of the class, object or companion's class enclosing `node`.
    fn enclosing_type(&self, node: Node, src: &[u8]) -> Option<String> {
        let mut current = super::parent(node);
        while let Some(n) = current {
            match n.kind() {
                "class_declaration" | "object_declaration" => {
                    return n.child_by_field_name("name").map(|c| text(c, src).to_string());
                }
                k if self.is_function(n) && k != "lambda_literal" => return None,
                _ => {}
            }
            current = super::parent(n);
        }
        None
    }
}

impl Syntax for Kotlin {
    fn lower(&self, node: Node, src: &[u8], depth: usize) -> Expr {
        if depth > MAX_DEPTH || !super::spend() {
            return Expr::Unknown(short_text(node, src));
        }
        let lower = |n: Node| self.lower(n, src, depth + 1);
        match node.kind() {
            "string_literal" | "multiline_string_literal" => Self::string(node, src, depth),
            "identifier" | "simple_identifier" => match text(node, src) {
                "true" => Expr::Bool(true),
                "false" => Expr::Bool(false),
                name => Expr::Ident(name.to_string()),
            },
            "this_expression" => Expr::Ident("this".into()),
            "super_expression" => Expr::Ident("super".into()),
            "number_literal" | "float_literal" => Expr::Number(text(node, src).to_string()),
            "boolean_literal" => Expr::Bool(text(node, src) == "true"),
            "navigation_expression" => {
                let count = node.named_child_count();
                let object = node.named_child(0).map(lower);
                let prop = node
                    .named_child(count.saturating_sub(1))
                    .filter(|_| count >= 2)
                    .map(|p| text(p, src).to_string());
                match (object, prop) {
                    (Some(o), Some(p)) => Expr::Member(Box::new(o), p),
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
                    (Some("?:"), Some(l), Some(r)) => Expr::Fallback(Box::new(l), Box::new(r)),
                    _ => Expr::Unknown(short_text(node, src)),
                }
            }
            // Lowered as part of the outer call with the trailing lambda.
            "call_expression" if is_inner_half(node) => Expr::Unknown(short_text(node, src)),
            "call_expression" | "constructor_invocation" => self.call(node, src, depth),
            "parenthesized_expression" | "annotated_expression" | "labeled_expression" => {
                match node.named_child(node.named_child_count().saturating_sub(1)) {
                    Some(inner) => lower(inner),
                    None => Expr::Unknown(short_text(node, src)),
                }
            }
            "as_expression" => match node.child_by_field_name("left") {
                Some(inner) => lower(inner),
                None => Expr::Unknown(short_text(node, src)),
            },
            // `value!!`
            "unary_expression"
                if node
                    .child_by_field_name("operator")
                    .is_some_and(|o| text(o, src) == "!!") =>
            {
                match node.child_by_field_name("argument") {
                    Some(inner) => lower(inner),
                    None => Expr::Unknown(short_text(node, src)),
                }
            }
            "if_expression" => {
                // Either branch may be taken; keep both like a ternary.
                let mut walker = node.walk();
                let branches: Vec<Node> = node
                    .named_children(&mut walker)
                    .skip(1)
                    .filter(|c| c.kind() != "comment")
                    .collect();
                match branches.as_slice() {
                    [a, b] if a.kind() != "block" && b.kind() != "block" => {
                        Expr::Fallback(Box::new(lower(*a)), Box::new(lower(*b)))
                    }
                    _ => Expr::Unknown(short_text(node, src)),
                }
            }
            "collection_literal" => {
                let mut walker = node.walk();
                Expr::Array(node.named_children(&mut walker).map(lower).collect())
            }
            // `try { Request.Builder().url(u).build() } catch …`: the value of the try block.
            "try_expression" => {
                let block = node.named_child(0).filter(|b| b.kind() == "block");
                match block.and_then(|b| b.named_child(b.named_child_count().saturating_sub(1))) {
                    Some(last) => lower(last),
                    None => Expr::Unknown(short_text(node, src)),
                }
            }
            "lambda_literal" | "anonymous_function" => Expr::Function,
            _ => Expr::Unknown(short_text(node, src)),
        }
    }

    fn args(&self, node: Node, src: &[u8], depth: usize) -> Vec<Arg> {
        let mut out = Vec::new();
        let mut walker = node.walk();
        for arg in node.named_children(&mut walker) {
            if arg.kind() != "value_argument" {
                continue;
            }
            let named = {
                let mut w = arg.walk();
                let has_eq = arg.children(&mut w).any(|c| c.kind() == "=");
                has_eq
            };
            let count = arg.named_child_count();
            let Some(value) = arg.named_child(count.saturating_sub(1)) else {
                continue;
            };
            let label = if named && count >= 2 {
                arg.named_child(0).map(|l| text(l, src).to_string())
            } else {
                None
            };
            out.push(Arg {
                label,
                value: self.lower(value, src, depth),
            });
        }
        out
    }

    fn is_function(&self, node: Node) -> bool {
        matches!(
            node.kind(),
            "function_declaration"
                | "anonymous_function"
                | "lambda_literal"
                | "secondary_constructor"
                | "getter"
                | "setter"
        )
    }

    fn function_name(&self, node: Node, src: &[u8]) -> Option<String> {
        let own = match node.kind() {
            "function_declaration" => node.child_by_field_name("name").map(|n| text(n, src).to_string()),
            "secondary_constructor" => Some("constructor".to_string()),
            // `val handler = { … }` and `val client = fun(…) { … }`.
            "lambda_literal" | "anonymous_function" => self.assigned_name(node, src),
            _ => None,
        }?;
        match self.enclosing_type(node, src) {
            Some(class) => Some(format!("{class}.{own}")),
            None => Some(own),
        }
    }

    fn type_decl(&self, node: Node, src: &[u8]) -> Option<TypeDecl> {
        let name = text(node.child_by_field_name("name")?, src).to_string();
        let mut supertypes = Vec::new();
        let mut walker = node.walk();
        let specifiers = node
            .named_children(&mut walker)
            .find(|c| c.kind() == "delegation_specifiers");
        if let Some(specifiers) = specifiers {
            let mut walker = specifiers.walk();
            for spec in specifiers.named_children(&mut walker) {
                // `Base(cfg)`, `Iface`, `Iface by impl`: the first user type.
                let mut inner = spec.walk();
                let written = spec.named_children(&mut inner).find_map(|c| match c.kind() {
                    "user_type" => Some(c),
                    "constructor_invocation" | "explicit_delegation" => c.named_child(0),
                    _ => None,
                });
                if let Some(name) = written.and_then(|t| super::simple_type_name(text(t, src))) {
                    supertypes.push(name);
                }
            }
        }
        Some(TypeDecl::new(name, supertypes, super::span(node)))
    }

    fn owner_type(&self, node: Node, src: &[u8]) -> Option<String> {
        self.enclosing_type(node, src)
    }

    fn params(&self, node: Node, src: &[u8]) -> Vec<Param> {
        let mut out: Vec<Param> = Vec::new();
        let mut walker = node.walk();
        let list = node
            .named_children(&mut walker)
            .find(|c| matches!(c.kind(), "function_value_parameters" | "lambda_parameters"));
        let Some(list) = list else {
            return out;
        };
        let mut walker = list.walk();
        let mut after_eq = false;
        for child in list.children(&mut walker) {
            match child.kind() {
                "parameter" | "variable_declaration" => {
                    if let Some(name) = child.named_child(0) {
                        out.push(Param {
                            name: text(name, src).to_string(),
                            default: None,
                        });
                    }
                    after_eq = false;
                }
                "=" => after_eq = true,
                "parameter_modifiers" | "," | "(" | ")" => after_eq = false,
                _ if after_eq && child.is_named() => {
                    if let Some(last) = out.last_mut() {
                        last.default = Some(self.lower(child, src, 0));
                    }
                    after_eq = false;
                }
                _ => {}
            }
        }
        out
    }

    fn assigned_name(&self, node: Node, src: &[u8]) -> Option<String> {
        let mut current = node;
        for _ in 0..6 {
            let parent = super::parent(current)?;
            match parent.kind() {
                "property_declaration" => {
                    let mut walker = parent.walk();
                    let decl = parent
                        .named_children(&mut walker)
                        .find(|c| c.kind() == "variable_declaration")?;
                    return decl.named_child(0).map(|n| text(n, src).to_string());
                }
                "class_parameter" => {
                    let mut walker = parent.walk();
                    let name = parent
                        .named_children(&mut walker)
                        .find(|c| c.kind() == "identifier")?;
                    return Some(text(name, src).to_string());
                }
                "assignment" => {
                    return parent
                        .child_by_field_name("left")
                        .map(|l| text(l, src).to_string());
                }
                // A named argument: `baseUrl = "https://…"`.
                "value_argument" => {
                    if parent.named_child_count() >= 2 && parent.named_child(0) != Some(current) {
                        let mut walker = parent.walk();
                        if parent.children(&mut walker).any(|c| c.kind() == "=") {
                            return parent.named_child(0).map(|l| text(l, src).to_string());
                        }
                    }
                    return None;
                }
                // `@Query("api_key") key: String`: the annotated parameter.
                "annotation" => {
                    let modifiers = super::parent(parent)?;
                    if modifiers.kind() != "parameter_modifiers" {
                        return None;
                    }
                    let mut next = modifiers.next_named_sibling();
                    while let Some(n) = next {
                        if n.kind() == "parameter" {
                            return n.named_child(0).map(|p| text(p, src).to_string());
                        }
                        next = n.next_named_sibling();
                    }
                    return None;
                }
                "parenthesized_expression"
                | "as_expression"
                | "binary_expression"
                | "unary_expression"
                | "annotated_expression" => current = parent,
                _ => return None,
            }
        }
        None
    }

    fn is_exported(&self, node: Node, src: &[u8]) -> bool {
        // Private declarations stay in their file.
        let mut walker = node.walk();
        let private = node
            .named_children(&mut walker)
            .filter(|c| c.kind() == "modifiers")
            .any(|m| text(m, src).split_whitespace().any(|w| w == "private"));
        if private {
            return false;
        }
        // Top-level declarations and members of objects and companion
        // objects are visible module-wide.
        let mut current = super::parent(node);
        let mut in_companion = false;
        while let Some(n) = current {
            match n.kind() {
                "source_file" => return true,
                "companion_object" => in_companion = true,
                "object_declaration" | "class_body" => {}
                "class_declaration" if in_companion => in_companion = false,
                _ => return false,
            }
            current = super::parent(n);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Grammar;
    use crate::pipeline::lang::parse;

    fn first_of(src: &str, kind: &str) -> Expr {
        let tree = parse(Grammar::Kotlin, src.as_bytes()).unwrap();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            if n.kind() == kind {
                return Kotlin.lower(n, src.as_bytes(), 0);
            }
            let mut w = n.walk();
            let children: Vec<Node> = n.children(&mut w).collect();
            stack.extend(children.into_iter().rev());
        }
        panic!("no {kind}");
    }

    #[test]
    fn string_templates() {
        let e = first_of(
            "val u = \"https://api.x.com/v1/voices/$voiceId?key=${cfg.apiKey}\"",
            "string_literal",
        );
        assert_eq!(
            e,
            Expr::Concat(vec![
                Expr::Str("https://api.x.com/v1/voices/".into()),
                Expr::Ident("voiceId".into()),
                Expr::Str("?key=".into()),
                Expr::Member(Box::new(Expr::Ident("cfg".into())), "apiKey".into()),
            ])
        );
        let e = first_of("val p = \"cost \\$5\"", "string_literal");
        assert_eq!(e, Expr::Str("cost $5".into()));
        let e = first_of("val r = \"\"\"raw\\n $host\"\"\"", "multiline_string_literal");
        assert_eq!(
            e,
            Expr::Concat(vec![Expr::Str("raw\\n ".into()), Expr::Ident("host".into())])
        );
    }

    #[test]
    fn calls_with_named_args_and_lambdas() {
        let e = first_of(
            "fun f() { foo(url = \"https://a.io\", 1) { it } }",
            "call_expression",
        );
        let Expr::Call(call) = e else { panic!() };
        assert!(call.has_closure);
        assert_eq!(call.callee.path().as_deref(), Some("foo"));
        assert_eq!(call.args[0].label.as_deref(), Some("url"));
        assert_eq!(call.args[1].label, None);
        let e = first_of("val r = Request.Builder().url(u).build()", "call_expression");
        assert_eq!(e.path().as_deref(), Some("Request.Builder().url().build()"));
    }

    #[test]
    fn map_of_pairs_with_literal_keys_is_an_object() {
        let e = first_of("val m = mapOf(\"event\" to name, \"n\" to 1)", "call_expression");
        assert_eq!(
            e,
            Expr::Object(vec![
                ("event".into(), Expr::Ident("name".into())),
                ("n".into(), Expr::Number("1".into())),
            ])
        );
        let e = first_of("val m = mapOf(key to name)", "call_expression");
        assert!(matches!(e, Expr::Call(_)), "{e:?}");
    }

    #[test]
    fn elvis_plus_and_build_string() {
        let e = first_of("val h = a?.b ?: \"https://d.io\"", "binary_expression");
        assert!(matches!(e, Expr::Fallback(_, _)));
        let e = first_of("val h = base + \"/v1\"", "binary_expression");
        assert_eq!(
            e,
            Expr::Concat(vec![Expr::Ident("base".into()), Expr::Str("/v1".into())])
        );
        let e = first_of(
            "val u = buildString {\n append(\"https://\")\n append(host)\n append(\"/x\")\n}",
            "call_expression",
        );
        assert_eq!(
            e,
            Expr::Concat(vec![
                Expr::Str("https://".into()),
                Expr::Ident("host".into()),
                Expr::Str("/x".into())
            ])
        );
    }
}
