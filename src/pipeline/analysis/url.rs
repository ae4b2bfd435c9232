//! URL reconstruction: turns a lowered expression into a URL template with
//! `{placeholders}` for the parts that cannot be resolved, and classifies
//! where the URL comes from.

use super::names;
use super::scope::Scope;
use crate::model::Origin;
use crate::model::{CallExpr, Expr};

/// One part of a reconstructed URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text; `name` is the constant it came from, if any.
    Lit { text: String, name: Option<String> },
    /// An unresolved part, shown as `{label}`.
    Hole { label: String, origin: Origin },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub pieces: Vec<Piece>,
    /// Origin of the part that decides the host (the first piece).
    pub origin: Origin,
}

impl Value {
    fn lit(text: String, origin: Origin, name: Option<String>) -> Value {
        Value {
            pieces: vec![Piece::Lit { text, name }],
            origin,
        }
    }

    fn hole(label: &str, origin: Origin) -> Value {
        Value {
            pieces: vec![Piece::Hole {
                label: clean_label(label),
                origin,
            }],
            origin,
        }
    }

    /// The URL with placeholders, e.g. `https://api.x.com/v1/{model}`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Lit { text, .. } => out.push_str(text),
                Piece::Hole { label, .. } => {
                    out.push('{');
                    out.push_str(label);
                    out.push('}');
                }
            }
        }
        out
    }

    /// A path component is appended below its base even when written `/x`.
    fn trim_leading_slash(mut self) -> Value {
        if let Some(Piece::Lit { text, .. }) = self.pieces.first_mut() {
            if let Some(rest) = text.strip_prefix('/') {
                *text = rest.to_string();
            }
        }
        self
    }

    /// True when every piece is literal text.
    pub fn is_literal(&self) -> bool {
        self.pieces.iter().all(|p| matches!(p, Piece::Lit { .. }))
    }

    fn concat(values: Vec<Value>) -> Value {
        let origin = values.first().map_or(Origin::Unknown, |v| v.origin);
        let mut pieces: Vec<Piece> = Vec::new();
        for value in values {
            for piece in value.pieces {
                match (pieces.last_mut(), piece) {
                    (Some(Piece::Lit { text, name }), Piece::Lit { text: t, name: n })
                        if n.is_none() && name.is_none() =>
                    {
                        text.push_str(&t);
                    }
                    (_, piece) => pieces.push(piece),
                }
            }
        }
        Value { pieces, origin }
    }
}

fn clean_label(label: &str) -> String {
    let label: String = label
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
        .take(40)
        .collect();
    if label.is_empty() {
        "…".into()
    } else {
        label
    }
}

/// Maximum number of constant hops followed while resolving one expression.
const MAX_HOPS: usize = 12;

/// Reconstructs `expr` as seen from `scope`.
pub fn resolve(expr: &Expr, scope: &Scope, hops: usize) -> Value {
    if hops > MAX_HOPS {
        return Value::hole("…", Origin::Unknown);
    }
    match expr {
        Expr::Str(s) => Value::lit(s.clone(), Origin::Literal, None),
        Expr::Number(n) => Value::lit(n.clone(), Origin::Literal, None),
        Expr::Concat(parts) => Value::concat(parts.iter().map(|p| resolve(p, scope, hops + 1)).collect()),
        Expr::Ident(name) => resolve_name(name, scope, hops),
        Expr::Member(object, prop) => resolve_member(expr, object, prop, scope, hops),
        Expr::Fallback(primary, default) => {
            let first = resolve(primary, scope, hops + 1);
            if has_literal_host(&first) {
                return first;
            }
            let second = resolve(default, scope, hops + 1);
            if has_literal_host(&second) {
                // `opts.baseUrl ?? "https://…"`: the default host, but an
                // operator can change it.
                let mut value = second;
                value.origin = Origin::Config;
                return value;
            }
            first
        }
        Expr::Call(call) => resolve_call(call, scope, hops),
        Expr::Object(_) | Expr::Array(_) | Expr::Bool(_) | Expr::Function => {
            Value::hole("…", Origin::Unknown)
        }
        Expr::Unknown(text) => Value::hole(text, Origin::Unknown),
    }
}

/// A URL, an absolute path, or a bare host name (`api.x.com`) at the start.
fn has_literal_host(value: &Value) -> bool {
    matches!(value.pieces.first(), Some(Piece::Lit { text, .. })
        if text.contains("://") || text.starts_with('/') || is_bare_host(text))
}

fn is_bare_host(text: &str) -> bool {
    let labels: Vec<&str> = text.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()) && tld.len() >= 2)
}

fn resolve_name(name: &str, scope: &Scope, hops: usize) -> Value {
    if let Some(param) = scope.param(name) {
        if let Some(default) = &param.default {
            let mut value = resolve(default, scope, hops + 1);
            if has_literal_host(&value) {
                value.origin = Origin::Config;
                return value;
            }
        }
        return Value::hole(name, Origin::Parameter);
    }
    if let Some((value_expr, inner_scope)) = scope.lookup(name) {
        let mut value = resolve(value_expr, &inner_scope, hops + 1);
        if value.origin == Origin::Literal {
            value.origin = Origin::Constant;
        }
        // `let token = store.string(forKey: k)`: the variable names the
        // unknown value better than the call that produced it.
        // Known origins (a parameter, a `Location` header) keep their label.
        if let (Expr::Call(_), [Piece::Hole { label, origin }]) = (value_expr, value.pieces.as_mut_slice()) {
            if *origin == Origin::Unknown {
                *label = clean_label(name);
            }
        }
        for piece in &mut value.pieces {
            if let Piece::Lit { name: n @ None, .. } = piece {
                *n = Some(name.to_string());
            }
        }
        return value;
    }
    Value::hole(name, name_origin(name))
}

fn resolve_member(expr: &Expr, object: &Expr, prop: &str, scope: &Scope, hops: usize) -> Value {
    let path = expr.path().unwrap_or_default();
    // Environment variables.
    if path.starts_with("process.env.")
        || path.starts_with("import.meta.env.")
        || path.starts_with("Deno.env.")
    {
        return Value::hole(prop, Origin::Config);
    }
    // `this.baseUrl`, `Config.API_BASE`, `self.endpoint`, `obj.field` of a constant object.
    if let Some((value_expr, inner)) = scope.lookup(&path) {
        let mut value = resolve(value_expr, &inner, hops + 1);
        if value.origin == Origin::Literal {
            value.origin = Origin::Constant;
        }
        for piece in &mut value.pieces {
            if let Piece::Lit { name: n @ None, .. } = piece {
                *n = Some(path.clone());
            }
        }
        return value;
    }
    if let Some(root) = object.path() {
        if let Some((Expr::Object(fields), inner)) = scope.lookup(&root) {
            if let Some((_, field)) = fields.iter().find(|(k, _)| k == prop) {
                let mut value = resolve(field, &inner, hops + 1);
                if value.origin == Origin::Literal {
                    value.origin = Origin::Constant;
                }
                return value;
            }
        }
    }
    if matches!(object, Expr::Ident(o) if o == "this" || o == "self") {
        if let Some((default, inner)) = scope.constructor_default(prop) {
            let mut value = resolve(default, &inner, hops + 1);
            if has_literal_host(&value) {
                value.origin = Origin::Config;
                return value;
            }
        }
    }
    // Swift `url.absoluteString` is the URL itself.
    if prop == "absoluteString" || prop == "absoluteURL" {
        return resolve(object, scope, hops + 1);
    }
    if prop.eq_ignore_ascii_case("location") && path.contains("headers") {
        return Value::hole("location", Origin::Response);
    }
    let root = root_name(object);
    let origin = match root.as_deref() {
        Some("this" | "self") => {
            if names::is_config_root(prop) || names::is_url_key(prop) {
                Origin::Config
            } else {
                Origin::Unknown
            }
        }
        Some(r) if scope.param(r).is_some() => {
            // A parameter typed with a protocol or base class the project's
            // own types adopt (`request: R` with `R: APIRequest` and
            // `struct BalanceRequest: APIRequest`) is one of the app's
            // request descriptions, not user input.
            let types = scope.types();
            let own_type = scope
                .param_type(r)
                .is_some_and(|t| types.defines(&t) && types.descendants(&t).len() > 1);
            if own_type {
                Origin::Parameter
            } else if names::is_config_root(r) {
                Origin::Config
            } else if names::is_user_root(r) {
                Origin::User
            } else {
                Origin::Parameter
            }
        }
        Some(r) => name_origin(r),
        None => Origin::Unknown,
    };
    let origin = if origin == Origin::Response && echoes_request(&path) {
        Origin::Unknown
    } else {
        origin
    };
    Value::hole(&path_label(&path, prop), origin)
}

/// `res.config` and `res.request` (axios, got) hold the request that was
/// sent, not data the server chose: re-sending them is a retry.
fn echoes_request(path: &str) -> bool {
    matches!(path.split('.').nth(1), Some("config" | "request"))
}

fn path_label(path: &str, prop: &str) -> String {
    if path.is_empty() || path.len() > 40 {
        prop.to_string()
    } else {
        path.to_string()
    }
}

fn root_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Ident(name) => Some(name.clone()),
        Expr::Member(object, _) => root_name(object),
        Expr::Call(call) => root_name(&call.callee),
        _ => None,
    }
}

/// Is `call` a call of a function of this project (by its simple name,
/// `last`) on the caller's own object or a free function, with an argument
/// that is a parameter of the calling function?
fn builds_from_parameter(call: &CallExpr, last: &str, scope: &Scope) -> bool {
    let own = match &call.callee {
        Expr::Ident(_) => true,
        Expr::Member(object, _) => matches!(&**object, Expr::Ident(o) if o == "this" || o == "self"),
        _ => false,
    };
    if !own || last.is_empty() || call.args.is_empty() {
        return false;
    }
    let declared = scope
        .facts()
        .functions
        .iter()
        .any(|f| f.name.rsplit('.').next() == Some(last))
        || scope.project.functions_named(last).next().is_some();
    declared
        && call
            .args
            .iter()
            .any(|a| root_name(&a.value).is_some_and(|root| scope.param(&root).is_some()))
}

/// The first value the function `callee` names returns, looked up as the
/// binding `Name()` that extraction records for it: `apiBase()`,
/// `Urls.api()`, and for `this.m()`/`self.m()`/bare `m()` in a method, `m`
/// of the caller's class, its ancestors and the classes composed with it.
pub(crate) fn returned_value<'s>(callee: &str, scope: &Scope<'s>) -> Option<(&'s Expr, Scope<'s>)> {
    if callee.is_empty() || callee.contains('(') {
        return None;
    }
    if let Some(found) = scope.lookup(&format!("{callee}()")) {
        return Some(found);
    }
    let (receiver, method) = match callee.rsplit_once('.') {
        Some((r, m)) => (Some(r), m),
        None => (None, callee),
    };
    if !matches!(receiver, None | Some("this" | "self" | "Self")) {
        return None;
    }
    let class = scope.function?.rsplit_once('.')?.0;
    let types = scope.types();
    let mut classes = types.ancestors(class);
    for below in types.descendants(class) {
        classes.extend(types.ancestors(&below));
    }
    let mut seen = std::collections::HashSet::new();
    classes
        .into_iter()
        .filter(|c| seen.insert(c.clone()))
        .take(64)
        .find_map(|c| scope.lookup(&format!("{c}.{method}()")))
}

/// Is `call` a method call on a parameter of the calling function?
fn method_of_parameter(call: &CallExpr, scope: &Scope) -> bool {
    let Expr::Member(object, _) = &call.callee else {
        return false;
    };
    matches!(&**object, Expr::Ident(name) if scope.param(name).is_some())
}

/// `path:`/`route:` labels name the part of a URL a builder is given.
fn is_url_path_label(arg: &crate::model::Arg) -> bool {
    matches!(arg.label.as_deref(), Some("path" | "route" | "url" | "endpoint"))
}

/// Origin guessed from a free name that resolved to nothing.
fn name_origin(name: &str) -> Origin {
    if names::is_config_root(name) {
        Origin::Config
    } else if names::is_user_root(name) {
        Origin::User
    } else if names::is_response_root(name) {
        Origin::Response
    } else {
        Origin::Unknown
    }
}

/// The URL that java.net's multi-part constructors build, as an
/// expression: `URL(protocol, host, [port,] file)`, `URI(scheme, host,
/// path, fragment)`, `URI(scheme, authority, path, query, fragment)` and
/// `URI(scheme, userInfo, host, port, path, query, fragment)`. A port of
/// `-1` (none) and `null` parts are left out.
fn url_from_parts(class: &str, call: &CallExpr) -> Option<Expr> {
    let arg = |i: usize| call.args.get(i).map(|a| &a.value);
    let (scheme, host, port, path, query) = match (class, call.args.len()) {
        ("URL", 3) => (arg(0)?, arg(1)?, None, arg(2), None),
        ("URL", 4) => (arg(0)?, arg(1)?, arg(2), arg(3), None),
        ("URI", 4) => (arg(0)?, arg(1)?, None, arg(2), None),
        ("URI", 5) => (arg(0)?, arg(1)?, None, arg(2), arg(3)),
        ("URI", 7) => (arg(0)?, arg(2)?, arg(3), arg(4), arg(5)),
        _ => return None,
    };
    let is_null = |e: &Expr| matches!(e, Expr::Unknown(t) if t == "null");
    let mut parts = vec![scheme.clone(), Expr::Str("://".into()), host.clone()];
    if let Some(Expr::Number(n)) = port {
        if n != "-1" {
            parts.push(Expr::Str(format!(":{n}")));
        }
    }
    if let Some(path) = path.filter(|p| !is_null(p)) {
        parts.push(path.clone());
    }
    if let Some(query) = query.filter(|q| !is_null(q)) {
        parts.push(Expr::Str("?".into()));
        parts.push(query.clone());
    }
    Some(Expr::Concat(parts))
}

/// `String.format(FORMAT, a, b)` (Java, Kotlin): the format's text, written
/// at the call or read from a constant, with each plain conversion (`%s`,
/// `%d`, `%x`) replaced by its argument; `%%` and `%n` are text. Any other
/// conversion (`%.2f`, `%1$s`) leaves the call unresolved.
fn format_call(call: &CallExpr, scope: &Scope, hops: usize) -> Option<Value> {
    let format = resolve(&call.args.first()?.value, scope, hops + 1);
    if !format.is_literal() {
        return None;
    }
    let text = format.render();
    let mut values = Vec::new();
    let mut lit = String::new();
    let mut args = call.args.iter().skip(1);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        match chars.next()? {
            '%' => lit.push('%'),
            'n' => lit.push('\n'),
            's' | 'S' | 'd' | 'x' | 'X' => {
                if !lit.is_empty() {
                    values.push(Value::lit(std::mem::take(&mut lit), format.origin, None));
                }
                values.push(resolve(&args.next()?.value, scope, hops + 1));
            }
            _ => return None,
        }
    }
    if !lit.is_empty() {
        values.push(Value::lit(lit, format.origin, None));
    }
    Some(Value::concat(values))
}

fn resolve_call(call: &CallExpr, scope: &Scope, hops: usize) -> Value {
    let callee = call.callee.path().unwrap_or_default();
    let last = callee.rsplit('.').next().unwrap_or("");
    let first_arg = call.args.first().map(|a| &a.value);
    match last {
        // java.net `new URL(protocol, host, port, file)`, `new URI(scheme,
        // userInfo, host, port, path, query, fragment)`: the parts of a URL.
        "URL" | "URI" if call.args.len() >= 3 && call.args.iter().all(|a| a.label.is_none()) => {
            match url_from_parts(last, call) {
                Some(expr) => resolve(&expr, scope, hops + 1),
                None => Value::hole("url", Origin::Unknown),
            }
        }
        "format" if callee == "String.format" => {
            format_call(call, scope, hops).unwrap_or_else(|| Value::hole("format", Origin::Unknown))
        }
        // new URL(path, base) / URL(string:relativeTo:)
        "URL" | "URI" | "HttpUrl" => {
            let path = call.arg(Some("string"), 0).map(|e| resolve(e, scope, hops + 1));
            let base = call
                .arg(Some("relativeTo"), 1)
                .map(|e| resolve(e, scope, hops + 1));
            match (path, base) {
                (Some(p), Some(b)) if !has_literal_host(&p) || p.render().starts_with('/') => join(b, p),
                (Some(p), _) => p,
                _ => Value::hole("url", Origin::Unknown),
            }
        }
        // Android `Uri.parse(u)` is the URL itself.
        "parse" if callee == "Uri.parse" || callee.ends_with(".Uri.parse") => match first_arg {
            Some(arg) => resolve(arg, scope, hops + 1),
            None => Value::hole("uri", Origin::Unknown),
        },
        // Builder chains (OkHttp, Retrofit, Ktor): the URL set on the chain.
        "url" | "baseUrl" if matches!(call.callee, Expr::Member(ref o, _) if matches!(**o, Expr::Call(_))) => {
            match first_arg {
                Some(arg) => resolve(arg, scope, hops + 1),
                None => Value::hole(last, Origin::Unknown),
            }
        }
        "build"
        | "header"
        | "addHeader"
        | "removeHeader"
        | "post"
        | "put"
        | "patch"
        | "delete"
        | "get"
        | "method"
        | "cacheControl"
        | "tag"
        | "openConnection"
        | "toHttpUrl"
        | "toURL"
        | "newBuilder"
        | "addConverterFactory"
        | "client"
        | "addCallAdapterFactory"
            if matches!(call.callee, Expr::Member(ref o, _) if chain_sets_url(o)) =>
        {
            match &call.callee {
                Expr::Member(object, _) => resolve(object, scope, hops + 1),
                _ => Value::hole(last, Origin::Unknown),
            }
        }
        // Swift `base.appendingPathComponent("v1")`: base + "/" + component.
        "appendingPathComponent" | "appending" if first_arg.is_some() => match &call.callee {
            Expr::Member(object, _) => {
                let base = resolve(object, scope, hops + 1);
                let component = call.arg(Some("path"), 0).or(first_arg).map_or_else(
                    || Value::hole("path", Origin::Unknown),
                    |e| resolve(e, scope, hops + 1),
                );
                join(base, component.trim_leading_slash())
            }
            _ => Value::hole(last, Origin::Unknown),
        },
        // Swift `URLRequest(url: u)` passed on to `session.data(for:)`.
        "URLRequest" | "NSMutableURLRequest" | "NSURLRequest" => match call.arg(Some("url"), 0) {
            Some(url) => resolve(url, scope, hops + 1),
            None => Value::hole(last, Origin::Unknown),
        },
        // `NWEndpoint.Host("h")`, `NWEndpoint.Port(rawValue: 443)!`.
        "Host" | "Port" | "UInt16" | "Int" | "Int32" if first_arg.is_some() => match first_arg {
            Some(arg) => resolve(arg, scope, hops + 1),
            None => Value::hole(last, Origin::Unknown),
        },
        // `NWEndpoint.Host.name(host, nil)`.
        "name" if callee.ends_with("Host.name") => match first_arg {
            Some(arg) => resolve(arg, scope, hops + 1),
            None => Value::hole(last, Origin::Unknown),
        },
        "encodeURIComponent" | "encodeURI" | "String" | "toString" | "trim" | "toLowerCase"
        | "String.valueOf" | "decodeURIComponent" => match first_arg {
            Some(arg) => resolve(arg, scope, hops + 1),
            None => match &call.callee {
                Expr::Member(object, _) => resolve(object, scope, hops + 1),
                _ => Value::hole(last, Origin::Unknown),
            },
        },
        // OkHttp `response.header("Location")`, HttpURLConnection
        // `getHeaderField("Location")`, Swift `value(forHTTPHeaderField:)`.
        "header" | "getHeaderField" | "value"
            if call
                .arg(Some("forHTTPHeaderField"), 0)
                .and_then(Expr::as_str)
                .is_some_and(|h| h.eq_ignore_ascii_case("location")) =>
        {
            Value::hole("location", Origin::Response)
        }
        "get" if callee.contains("headers") => match first_arg {
            Some(Expr::Str(h)) if h.eq_ignore_ascii_case("location") => {
                Value::hole("location", Origin::Response)
            }
            _ => Value::hole("header", Origin::Response),
        },
        "getenv" | "getEnv" | "env" => {
            let label = first_arg.and_then(Expr::as_str).unwrap_or("env");
            Value::hole(label, Origin::Config)
        }
        "get" if callee.ends_with("env.get") => {
            let label = first_arg.and_then(Expr::as_str).unwrap_or("env");
            Value::hole(label, Origin::Config)
        }
        // `endpoint.path()`, `route.asURL()`: a value the parameter computes.
        _ if method_of_parameter(call, scope) => Value::hole(&callee, Origin::Parameter),
        _ if builds_from_parameter(call, last, scope) => {
            // A project URL or request builder (`makeURL(endpoint:
            // endpoint)`, `buildRequest(path)`) handed a parameter: the
            // URL derives from that parameter, so the enclosing function
            // is a wrapper its callers reach the network through.
            let url_arg = call
                .args
                .iter()
                .find(|a| a.label.as_deref().is_some_and(names::is_url_key) || is_url_path_label(a))
                .into_iter()
                .chain(call.args.iter());
            url_arg
                .map(|a| resolve(&a.value, scope, hops + 1))
                .find(|v| v.origin == Origin::Parameter)
                .unwrap_or_else(|| Value::hole(last, Origin::Unknown))
        }
        _ => {
            // A project function or method that returns a value (after the
            // builders handed a parameter, whose parameter matters more)
            // (`this.ordersPath()`, `Urls.api()`, `apiBase()`).
            if let Some((expr, inner)) = returned_value(&callee, scope) {
                let mut value = resolve(expr, &inner, hops + 1);
                // Named after the function (`apiBase()`), as a constant's
                // literals are after the constant: every literal its returns
                // can produce (`production ? "https://a" : "https://b"`) is
                // then an endpoint where it is written.
                let name = format!("{}()", callee.rsplit('.').next().unwrap_or(&callee));
                for piece in &mut value.pieces {
                    if let Piece::Lit { name: n @ None, .. } = piece {
                        *n = Some(name.clone());
                    }
                }
                return value;
            }
            let origin = root_name(&call.callee).map_or(Origin::Unknown, |r| {
                if names::is_config_root(&r) || names::is_config_root(last) {
                    Origin::Config
                } else {
                    Origin::Unknown
                }
            });
            Value::hole(if last.is_empty() { "…" } else { last }, origin)
        }
    }
}

/// True when a builder chain below `expr` sets a URL (`.url(u)`, `URL(u)`).
fn chain_sets_url(expr: &Expr) -> bool {
    let mut current = expr;
    for _ in 0..16 {
        let Expr::Call(call) = current else { return false };
        match &call.callee {
            Expr::Member(object, method) => {
                if matches!(method.as_str(), "url" | "baseUrl") {
                    return true;
                }
                current = object;
            }
            Expr::Ident(name) => return matches!(name.as_str(), "URL" | "URI"),
            _ => return false,
        }
    }
    false
}

/// `new URL(path, base)`: the base's scheme and host with the path appended.
fn join(base: Value, path: Value) -> Value {
    let base_text = base.render();
    let path_text = path.render();
    let origin = base.origin;
    let mut joined = if path_text.starts_with('/') {
        // An absolute path replaces the base path.
        match crate::model::host::split(&base_text) {
            Some(parts) => {
                let mut value = Value::lit(format!("{}://{}", parts.scheme, parts.host), base.origin, None);
                value.pieces.extend(path.pieces);
                value
            }
            None => Value::concat(vec![base, path]),
        }
    } else if base_text.ends_with('/') || path_text.is_empty() {
        Value::concat(vec![base, path])
    } else {
        Value::concat(vec![base, Value::lit("/".into(), Origin::Literal, None), path])
    };
    joined.origin = origin;
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_with_placeholders() {
        let v = Value::concat(vec![
            Value::lit("https://api.x.com/v1/".into(), Origin::Literal, None),
            Value::hole("model", Origin::Parameter),
        ]);
        assert_eq!(v.render(), "https://api.x.com/v1/{model}");
        assert_eq!(v.origin, Origin::Literal);
        assert!(!v.is_literal());
    }

    #[test]
    fn java_net_constructors_from_parts() {
        let src = r#"import java.net.URI;
import java.net.URL;
class C {
    void f(String host, String user) throws Exception {
        URL a = new URI("https", null, host, -1, "/api/2/" + user + ".json", null, null).toURL();
        URL b = new URL("http", "tiles.example-maps.io", 8080, "/t.png");
        URI c = new URI("https", "auth.example-id.io", "/token", "grant=1", null);
        URL d = new URL("https://plain.example-cdn.io/x");
        String e = String.format(SEARCH, user, 10);
        String f = String.format("https://%s/v1?p=100%%", host);
        String g = String.format("%.2f", 1.0);
    }
    static final String SEARCH = "https://api.example-search.io/search?q=%s&count=%d";
}
"#;
        let facts = crate::pipeline::extract::facts_of("C.java", src);
        let parsed = super::super::ParsedFile::new(facts.clone());
        let files = [&parsed];
        let index = super::super::scope::ProjectIndex::new(&files);
        let project = index.open(0, &facts);
        let scope = project.scope(0, Some("C.f"));
        let url_of = |name: &str| {
            let binding = facts.bindings.iter().find(|b| b.name == name).expect("binding");
            resolve(&binding.value, &scope, 0).render()
        };
        assert_eq!(url_of("a"), "https://{host}/api/2/{user}.json");
        assert_eq!(url_of("b"), "http://tiles.example-maps.io:8080/t.png");
        assert_eq!(url_of("c"), "https://auth.example-id.io/token?grant=1");
        assert_eq!(url_of("d"), "https://plain.example-cdn.io/x");
        assert_eq!(
            url_of("e"),
            "https://api.example-search.io/search?q={user}&count=10"
        );
        assert_eq!(url_of("f"), "https://{host}/v1?p=100%");
        assert_eq!(url_of("g"), "{format}");
    }
}
