//! Lowering for the Java grammar (tree-sitter-java).
//!
//! Java shares the JVM's network libraries with Kotlin, so it is lowered
//! into the shapes the Kotlin sink catalog already names: `new X(…)` is a
//! plain call of `X` (`new Request.Builder().url(u)` reads as
//! `Request.Builder().url`), `+` and `StringBuilder` chains become
//! [`Expr::Concat`], the ternary operator an [`Expr::Fallback`], and
//! annotations with arguments (`@GET("v1/items")`) calls of the annotation
//! name, so the analysis reads Retrofit routes as it does in Kotlin.

use tree_sitter::Node;

use super::{concat, plus_operands, short_text, text, unescape_java as unescape, Syntax, MAX_DEPTH};
use crate::model::{Arg, CallExpr, Expr, Param, TypeDecl};

pub struct Java;

/// Declarations whose members are qualified by their name (`Api.send`).
const TYPE_DECLARATIONS: &[&str] = &[
    "class_declaration",
    "interface_declaration",
    "enum_declaration",
    "record_declaration",
    "annotation_type_declaration",
];

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

/// True when `modifiers` (a declaration's `modifiers` child) holds `word`.
fn has_modifier(node: Node, src: &[u8], word: &str) -> bool {
    let mut walker = node.walk();
    let found = node
        .named_children(&mut walker)
        .filter(|c| c.kind() == "modifiers")
        .any(|m| {
            let mut w = m.walk();
            let hit = m.children(&mut w).any(|c| text(c, src) == word);
            hit
        });
    found
}

/// A text block's content without the incidental indentation `javac`
/// strips: the smallest indentation of its non-blank lines (and of the
/// closing delimiter's line).
fn strip_indent(content: &str) -> String {
    let lines: Vec<&str> = content.split('\n').collect();
    let indent = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| !l.trim().is_empty() || *i == lines.len() - 1)
        .map(|(_, l)| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

impl Java {
    fn string(node: Node, src: &[u8]) -> Expr {
        let raw = text(node, src);
        let mut content = String::new();
        let mut walker = node.walk();
        for child in node.named_children(&mut walker) {
            match child.kind() {
                "string_fragment" | "multiline_string_fragment" | "escape_sequence" => {
                    content.push_str(text(child, src));
                }
                _ => {}
            }
        }
        if raw.starts_with("\"\"\"") {
            // A text block starts after the line break that follows `"""`.
            let body = content.strip_prefix('\n').unwrap_or(&content);
            return Expr::Str(unescape(&strip_indent(body)));
        }
        Expr::Str(unescape(&content))
    }

    /// The written type of `new X(…)`: `X`, `Request.Builder`, `List<String>`.
    fn type_name(node: Node, src: &[u8]) -> Expr {
        match node.kind() {
            "type_identifier" | "identifier" => Expr::Ident(text(node, src).to_string()),
            "scoped_type_identifier" | "scoped_identifier" => {
                let mut walker = node.walk();
                let parts: Vec<Node> = node
                    .named_children(&mut walker)
                    .filter(|c| !matches!(c.kind(), "annotation" | "marker_annotation"))
                    .collect();
                match parts.as_slice() {
                    [object, .., last] => Expr::Member(
                        Box::new(Self::type_name(*object, src)),
                        text(*last, src).to_string(),
                    ),
                    [only] => Self::type_name(*only, src),
                    [] => Expr::Unknown(short_text(node, src)),
                }
            }
            "generic_type" => match node.named_child(0) {
                Some(base) => Self::type_name(base, src),
                None => Expr::Unknown(short_text(node, src)),
            },
            _ => Expr::Unknown(short_text(node, src)),
        }
    }

    fn call(&self, node: Node, src: &[u8], depth: usize) -> Expr {
        let args = node
            .child_by_field_name("arguments")
            .map(|a| self.args(a, src, depth + 1))
            .unwrap_or_default();
        let (callee, class_body) = match node.kind() {
            "method_invocation" => {
                let name = node
                    .child_by_field_name("name")
                    .map_or_else(String::new, |n| text(n, src).to_string());
                let callee = match node.child_by_field_name("object") {
                    Some(object) => Expr::Member(Box::new(self.lower(object, src, depth + 1)), name),
                    None => Expr::Ident(name),
                };
                (callee, false)
            }
            "object_creation_expression" => {
                let callee = node
                    .child_by_field_name("type")
                    .map_or(Expr::Unknown(String::new()), |t| Self::type_name(t, src));
                let mut walker = node.walk();
                let body = node.named_children(&mut walker).any(|c| c.kind() == "class_body");
                (callee, body)
            }
            // `super(client, "https://…")`, `this(url)`.
            "explicit_constructor_invocation" => {
                let callee = node
                    .child_by_field_name("constructor")
                    .map_or(Expr::Unknown(String::new()), |c| {
                        Expr::Ident(text(c, src).to_string())
                    });
                (callee, false)
            }
            _ => (Expr::Unknown(short_text(node, src)), false),
        };
        // `sb.toString()` on `new StringBuilder(base).append(…)`: the text built.
        if let Expr::Member(object, method) = &callee {
            if method == "toString" && args.is_empty() {
                if let Some(built) = built_string(object) {
                    return built;
                }
            }
        }
        let has_closure = class_body || args.iter().any(|a| a.value == Expr::Function);
        Expr::Call(Box::new(CallExpr {
            callee,
            args,
            is_new: false,
            has_closure,
        }))
    }

    /// `@GET("v1/items")`, `@Headers(value = {…})`: a call of the annotation's
    /// simple name, with `key = value` pairs as labelled arguments.
    fn annotation(&self, node: Node, src: &[u8], depth: usize) -> Expr {
        let name = node
            .child_by_field_name("name")
            .map(|n| text(n, src).rsplit('.').next().unwrap_or("").to_string())
            .unwrap_or_default();
        let mut args = Vec::new();
        if let Some(list) = node.child_by_field_name("arguments") {
            let mut walker = list.walk();
            for arg in list.named_children(&mut walker) {
                if arg.kind() == "comment" || arg.kind().ends_with("_comment") {
                    continue;
                }
                if arg.kind() == "element_value_pair" {
                    let label = arg.child_by_field_name("key").map(|k| text(k, src).to_string());
                    let value = arg
                        .child_by_field_name("value")
                        .map_or(Expr::Unknown(String::new()), |v| self.lower(v, src, depth + 1));
                    args.push(Arg { label, value });
                } else {
                    args.push(Arg {
                        label: None,
                        value: self.lower(arg, src, depth + 1),
                    });
                }
            }
        }
        Expr::Call(Box::new(CallExpr {
            callee: Expr::Ident(name),
            args,
            is_new: false,
            has_closure: false,
        }))
    }

    /// The nearest class, interface, enum or record declaring `node`; `None`
    /// inside a function first (an anonymous class in a method).
    fn enclosing_type(&self, node: Node, src: &[u8]) -> Option<String> {
        let mut current = super::parent(node);
        while let Some(n) = current {
            if TYPE_DECLARATIONS.contains(&n.kind()) {
                return n.child_by_field_name("name").map(|c| text(c, src).to_string());
            }
            if self.is_function(n) && n.kind() != "lambda_expression" {
                return None;
            }
            current = super::parent(n);
        }
        None
    }
}

/// The text a `StringBuilder` chain builds: `new StringBuilder(base)
/// .append("/v1").append(id)` → `base + "/v1" + id`.
fn built_string(chain: &Expr) -> Option<Expr> {
    let mut appended = Vec::new();
    let mut current = chain;
    loop {
        let Expr::Call(call) = current else {
            return None;
        };
        match &call.callee {
            Expr::Member(object, method) if method == "append" && call.args.len() == 1 => {
                appended.push(call.args[0].value.clone());
                current = object;
            }
            Expr::Ident(class) if matches!(class.as_str(), "StringBuilder" | "StringBuffer") => {
                if let Some(Arg { value, .. }) = call.args.first() {
                    if !matches!(value, Expr::Number(_)) {
                        appended.push(value.clone());
                    }
                }
                break;
            }
            _ => return None,
        }
    }
    appended.reverse();
    (!appended.is_empty()).then(|| concat(appended))
}

impl Syntax for Java {
    fn lower(&self, node: Node, src: &[u8], depth: usize) -> Expr {
        if depth > MAX_DEPTH || !super::spend() {
            return Expr::Unknown(short_text(node, src));
        }
        let lower = |n: Node| self.lower(n, src, depth + 1);
        match node.kind() {
            "string_literal" => Self::string(node, src),
            "identifier" => Expr::Ident(text(node, src).to_string()),
            "this" => Expr::Ident("this".into()),
            "super" => Expr::Ident("super".into()),
            "true" => Expr::Bool(true),
            "false" => Expr::Bool(false),
            "decimal_integer_literal"
            | "hex_integer_literal"
            | "octal_integer_literal"
            | "binary_integer_literal"
            | "decimal_floating_point_literal"
            | "hex_floating_point_literal" => Expr::Number(text(node, src).to_string()),
            "field_access" => {
                let object = node.child_by_field_name("object").map(lower);
                let field = node
                    .child_by_field_name("field")
                    .map(|f| text(f, src).to_string());
                match (object, field) {
                    (Some(o), Some(f)) => Expr::Member(Box::new(o), f),
                    _ => Expr::Unknown(short_text(node, src)),
                }
            }
            // `com.acme.Config` written as a name.
            "scoped_identifier" => Self::type_name(node, src),
            "binary_expression" if plus(node, src).is_some() => concat(
                plus_operands(node, |n| plus(n, src))
                    .into_iter()
                    .map(lower)
                    .collect(),
            ),
            "ternary_expression" => {
                let consequence = node.child_by_field_name("consequence").map(lower);
                let alternative = node.child_by_field_name("alternative").map(lower);
                match (consequence, alternative) {
                    (Some(a), Some(b)) => Expr::Fallback(Box::new(a), Box::new(b)),
                    _ => Expr::Unknown(short_text(node, src)),
                }
            }
            "method_invocation" | "object_creation_expression" | "explicit_constructor_invocation" => {
                self.call(node, src, depth)
            }
            "annotation" => self.annotation(node, src, depth),
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => lower(inner),
                None => Expr::Unknown(short_text(node, src)),
            },
            "cast_expression" => match node.child_by_field_name("value") {
                Some(inner) => lower(inner),
                None => Expr::Unknown(short_text(node, src)),
            },
            "array_initializer" | "element_value_array_initializer" => {
                let mut walker = node.walk();
                Expr::Array(
                    node.named_children(&mut walker)
                        .filter(|c| !c.kind().ends_with("comment"))
                        .map(lower)
                        .collect(),
                )
            }
            // `new String[] {"curl", url}`.
            "array_creation_expression" => match node.child_by_field_name("value") {
                Some(init) => lower(init),
                None => Expr::Unknown(short_text(node, src)),
            },
            "lambda_expression" => Expr::Function,
            _ => Expr::Unknown(short_text(node, src)),
        }
    }

    fn args(&self, node: Node, src: &[u8], depth: usize) -> Vec<Arg> {
        let mut walker = node.walk();
        node.named_children(&mut walker)
            .filter(|c| !c.kind().ends_with("comment"))
            .map(|arg| Arg {
                label: None,
                value: self.lower(arg, src, depth),
            })
            .collect()
    }

    fn is_function(&self, node: Node) -> bool {
        matches!(
            node.kind(),
            "method_declaration"
                | "constructor_declaration"
                | "compact_constructor_declaration"
                | "lambda_expression"
        )
    }

    fn function_name(&self, node: Node, src: &[u8]) -> Option<String> {
        let own = match node.kind() {
            "method_declaration" => node.child_by_field_name("name").map(|n| text(n, src).to_string()),
            "constructor_declaration" | "compact_constructor_declaration" => Some("constructor".to_string()),
            // `Runnable task = () -> …`, `this.handler = (a, b) -> …`.
            "lambda_expression" => self.assigned_name(node, src),
            _ => None,
        }?;
        match self.enclosing_type(node, src) {
            Some(class) => Some(format!("{class}.{own}")),
            None => Some(own),
        }
    }

    fn params(&self, node: Node, src: &[u8]) -> Vec<Param> {
        let Some(list) = node.child_by_field_name("parameters") else {
            return Vec::new();
        };
        let param = |name: Node| Param {
            name: text(name, src).to_string(),
            default: None,
        };
        // `x -> …`: one bare name.
        if list.kind() == "identifier" {
            return vec![param(list)];
        }
        let mut out = Vec::new();
        let mut walker = list.walk();
        for child in list.named_children(&mut walker) {
            let name = match child.kind() {
                "formal_parameter" => child.child_by_field_name("name"),
                // `String... parts`
                "spread_parameter" => {
                    let mut w = child.walk();
                    let declarator = child
                        .named_children(&mut w)
                        .find(|c| c.kind() == "variable_declarator");
                    declarator.and_then(|d| d.child_by_field_name("name"))
                }
                // `(a, b) -> …`
                "identifier" => Some(child),
                _ => None,
            };
            if let Some(name) = name {
                out.push(param(name));
            }
        }
        out
    }

    fn assigned_name(&self, node: Node, src: &[u8]) -> Option<String> {
        let mut current = node;
        for _ in 0..6 {
            let parent = super::parent(current)?;
            match parent.kind() {
                "variable_declarator" => {
                    if parent.child_by_field_name("value") != Some(current) {
                        return None;
                    }
                    return parent
                        .child_by_field_name("name")
                        .map(|n| text(n, src).to_string());
                }
                "assignment_expression" => {
                    if parent.child_by_field_name("right") != Some(current) {
                        return None;
                    }
                    return parent
                        .child_by_field_name("left")
                        .map(|l| text(l, src).to_string());
                }
                // `@Headers(value = "…")`: the annotation element.
                "element_value_pair" => {
                    return parent
                        .child_by_field_name("key")
                        .map(|k| text(k, src).to_string());
                }
                // `@Query("api_key") String key`: the annotated parameter.
                "modifiers" if current.kind() == "annotation" => {
                    let declaration = super::parent(parent)?;
                    if declaration.kind() != "formal_parameter" {
                        return None;
                    }
                    return declaration
                        .child_by_field_name("name")
                        .map(|n| text(n, src).to_string());
                }
                "parenthesized_expression"
                | "cast_expression"
                | "binary_expression"
                | "ternary_expression" => current = parent,
                _ => return None,
            }
        }
        None
    }

    fn is_exported(&self, node: Node, src: &[u8]) -> bool {
        // Interface constants are implicitly `public static final`.
        let constant = node.kind() == "constant_declaration";
        let field = node.kind() == "field_declaration" && has_modifier(node, src, "static");
        if !(constant || field) || has_modifier(node, src, "private") {
            return false;
        }
        // Static members of types declared at any level, not in a method.
        let mut current = super::parent(node);
        while let Some(n) = current {
            match n.kind() {
                "program" => return true,
                k if TYPE_DECLARATIONS.contains(&k) => {}
                "class_body" | "interface_body" | "enum_body" | "enum_body_declarations" => {}
                _ => return false,
            }
            current = super::parent(n);
        }
        false
    }

    fn type_decl(&self, node: Node, src: &[u8]) -> Option<TypeDecl> {
        let name = text(node.child_by_field_name("name")?, src).to_string();
        let mut supertypes = Vec::new();
        let mut add = |written: Node| {
            if let Some(name) = super::simple_type_name(text(written, src)) {
                if !supertypes.contains(&name) {
                    supertypes.push(name);
                }
            }
        };
        if let Some(superclass) = node.child_by_field_name("superclass") {
            if let Some(written) = superclass.named_child(0) {
                add(written);
            }
        }
        // `implements A, B` (classes, enums, records), `extends A, B` (interfaces).
        let mut walker = node.walk();
        for clause in node.named_children(&mut walker) {
            if !matches!(clause.kind(), "super_interfaces" | "extends_interfaces") {
                continue;
            }
            let mut w = clause.walk();
            for list in clause.named_children(&mut w).filter(|c| c.kind() == "type_list") {
                let mut lw = list.walk();
                for written in list.named_children(&mut lw) {
                    add(written);
                }
            }
        }
        Some(TypeDecl::new(name, supertypes, super::span(node)))
    }

    fn owner_type(&self, node: Node, src: &[u8]) -> Option<String> {
        self.enclosing_type(node, src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Grammar;
    use crate::pipeline::lang::parse;

    fn first_of(src: &str, kind: &str) -> Expr {
        let tree = parse(Grammar::Java, src.as_bytes()).expect("parses");
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            if n.kind() == kind {
                return Java.lower(n, src.as_bytes(), 0);
            }
            let mut w = n.walk();
            let children: Vec<Node> = n.children(&mut w).collect();
            stack.extend(children.into_iter().rev());
        }
        panic!("no {kind}");
    }

    fn in_method(body: &str) -> String {
        format!("class A {{ void f() {{ {body} }} }}")
    }

    #[test]
    fn constructors_are_plain_calls_in_builder_chains() {
        let e = first_of(
            &in_method("Request r = new Request.Builder().url(u).build();"),
            "method_invocation",
        );
        assert_eq!(e.path().as_deref(), Some("Request.Builder().url().build()"));
        let e = first_of(
            &in_method("HttpURLConnection c = (HttpURLConnection) new URL(u).openConnection();"),
            "cast_expression",
        );
        assert_eq!(e.path().as_deref(), Some("URL().openConnection()"));
        let e = first_of(
            &in_method("List<String> l = new ArrayList<String>(3);"),
            "object_creation_expression",
        );
        let Expr::Call(call) = e else { panic!("{e:?}") };
        assert_eq!(call.callee, Expr::Ident("ArrayList".into()));
        assert!(!call.is_new && !call.has_closure);
    }

    #[test]
    fn strings_concatenation_and_string_builders() {
        let e = first_of(
            &in_method("String u = BASE + \"/v1/items?key=\" + key + \"\\t\";"),
            "binary_expression",
        );
        assert_eq!(
            e,
            Expr::Concat(vec![
                Expr::Ident("BASE".into()),
                Expr::Str("/v1/items?key=".into()),
                Expr::Ident("key".into()),
                Expr::Str("\t".into()),
            ])
        );
        let e = first_of(
            &in_method(
                "String u = new StringBuilder(\"https://a.example\").append(\"/x/\").append(id).toString();",
            ),
            "method_invocation",
        );
        assert_eq!(
            e,
            Expr::Concat(vec![
                Expr::Str("https://a.example/x/".into()),
                Expr::Ident("id".into())
            ])
        );
    }

    #[test]
    fn text_blocks_lose_their_incidental_indentation() {
        let src =
            "class A { String q = \"\"\"\n        https://api.example.com/\n          v1\n        \"\"\"; }";
        assert_eq!(
            first_of(src, "string_literal"),
            Expr::Str("https://api.example.com/\n  v1\n".into())
        );
    }

    #[test]
    fn ternaries_lambdas_and_annotations() {
        let e = first_of(
            &in_method("String h = debug ? \"http://10.0.2.2\" : PROD;"),
            "ternary_expression",
        );
        assert!(matches!(e, Expr::Fallback(_, _)), "{e:?}");
        let e = first_of(
            &in_method("b.hostnameVerifier((host, session) -> true);"),
            "method_invocation",
        );
        let Expr::Call(call) = e else { panic!("{e:?}") };
        assert!(call.has_closure);
        let e = first_of(
            "interface Api { @GET(value = \"v1/orders/{id}\") Call<Order> order(@Path(\"id\") String id); }",
            "annotation",
        );
        let Expr::Call(call) = e else { panic!("{e:?}") };
        assert_eq!(call.callee, Expr::Ident("GET".into()));
        assert_eq!(call.args[0].label.as_deref(), Some("value"));
        assert_eq!(call.args[0].value, Expr::Str("v1/orders/{id}".into()));
    }
}
