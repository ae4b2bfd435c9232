//! What a request sends: auth placement, header names and body keys.
//!
//! Read from the options/body objects of a call (`fetch(url, { headers,
//! body: JSON.stringify({...}) })`, `axios.post(url, data)`, `got(url, {
//! json })`). Body values are also classified by name, so the inventory can
//! say a request carries message text (`text`, `message`, `content`,
//! `prompt`…), file contents (`file`, `buffer`, `blob`, `audio`, `image`…)
//! device identifiers (`deviceId`, `idfa`, `androidId`, `advertisingId`…)
//! or push tokens (`deviceToken`, `fcmToken`, `expoPushToken`…: device
//! addresses, not credentials, so they never count as auth). Code builds the body first and sends it by name
//! (`const body = {...}; fetch(url, { body: JSON.stringify(body) })`, Swift
//! `request.httpBody = try JSONEncoder().encode(body)`), so with the call's
//! scope names are followed to the object literal, dictionary or memberwise
//! initialiser they are bound to. Nothing is guessed from objects whose keys
//! are not written in the code.

use super::names;
use super::scope::Scope;
use super::url::returned_value;
use crate::model::Lang;
use crate::model::{Arg, CallExpr, CallSite, Expr, Span};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Payload {
    pub auth: Option<String>,
    pub headers: Vec<String>,
    pub data_sent: Vec<String>,
}

/// What `call` sends, from the literal objects written in the call.
pub fn describe(call: &CallExpr) -> Payload {
    describe_at(call, None)
}

/// What `call` sends, following names to the objects they are bound to as
/// seen from `scope`, the call's place.
pub fn describe_in<'a>(call: &'a CallExpr, scope: &Scope<'a>) -> Payload {
    describe_at(call, Some(*scope))
}

/// What the call at `site` sends, seen from `scope`: [`describe_in`] plus
/// the body a Kotlin Ktor call sets in its trailing lambda
/// (`client.post(u) { setBody(x) }`).
pub fn describe_site<'a>(site: &'a CallSite, scope: &Scope<'a>) -> Payload {
    let mut out = describe_at(&site.call, Some(*scope));
    let facts = scope.facts();
    if facts.lang != Lang::Kotlin || !site.call.has_closure {
        return out;
    }
    let inside = |span: Span| span.start_byte > site.span.start_byte && span.end_byte <= site.span.end_byte;
    for inner in facts
        .calls
        .iter()
        .filter(|c| c.callee == "setBody" && inside(c.span))
    {
        if let Some(arg) = inner.call.args.first() {
            let inner_scope = scope.project.scope(scope.file, inner.function.as_deref());
            add_body_keys(&arg.value, Some(inner_scope), &mut out);
        }
    }
    out.data_sent.sort();
    out.data_sent.dedup();
    out
}

fn describe_at<'a>(call: &'a CallExpr, scope: Option<Scope<'a>>) -> Payload {
    let mut out = Payload::default();
    for (index, arg) in call.args.iter().enumerate() {
        // Swift `session.data(for: request)` after `request.httpBody = …`.
        if let (Expr::Ident(name), Some(s)) = (&arg.value, scope) {
            if let Some((body, inner)) = s.lookup(&format!("{name}.httpBody")) {
                add_body_keys(body, Some(inner), &mut out);
            }
        }
        let (value, scope) = through(&arg.value, scope);
        // OkHttp `client.newCall(request)` with a built `request`.
        if let Some(body) = builder_body(value) {
            add_body_keys(body, scope, &mut out);
            continue;
        }
        // Swift `session.upload(for: request, from: data)`; other `from:`
        // labels (`string.data(from: range)`) are no body.
        if arg.label.as_deref() == Some("from") && call.callee.last_name() == Some("upload") {
            add_body_keys(value, scope, &mut out);
            continue;
        }
        // `navigator.sendBeacon(url, data)`: the data, often `JSON.stringify(…)`.
        if index == 1 && call.callee.last_name() == Some("sendBeacon") {
            add_body_keys(value, scope, &mut out);
            continue;
        }
        let Expr::Object(fields) = value else {
            continue;
        };
        let is_options = fields.iter().any(|(k, _)| is_request_option(k));
        // `new FileUpload(url, headers, data)`: a headers object handed
        // over by position is auth and metadata, never data sent.
        let named_headers = arg
            .value
            .last_name()
            .is_some_and(|n| n.to_ascii_lowercase().contains("header"));
        if !is_options && index > 0 && (named_headers || are_header_names(fields)) {
            add_headers(value, scope, &mut out);
            continue;
        }
        if !is_options && index > 0 {
            // `axios.post(url, { ...body })`: a plain data object.
            add_body_keys(value, scope, &mut out);
            continue;
        }
        for (key, value) in fields {
            match key.as_str() {
                "headers" => add_headers(value, scope, &mut out),
                "body" | "json" | "data" | "form" => add_body_keys(value, scope, &mut out),
                "auth" => {
                    out.auth
                        .get_or_insert_with(|| "HTTP basic auth (client option)".into());
                }
                _ => {}
            }
        }
    }
    out.headers.sort();
    out.headers.dedup();
    out.data_sent.sort();
    out.data_sent.dedup();
    out
}

/// What a route-builder value handed to a URL-building wrapper carries:
/// the labelled arguments of an enum case or request struct of the project
/// (`client.post(endpoint: Statuses.report(accountId: id, comment: text))`,
/// `RoomsRequest(roomId: rid)`), and the fields of a body value among them
/// (`Statuses.postStatus(json: data)` with `data: StatusData`). Labels that
/// name a piece of the URL (`path:`, `endpoint:`) are where it goes.
pub fn builder_args<'a>(value: &'a Expr, scope: &Scope<'a>) -> Vec<String> {
    let (value, inner) = through(value, Some(*scope));
    let Expr::Call(call) = value else {
        return Vec::new();
    };
    let types = scope.types();
    let builder_type = match &call.callee {
        Expr::Member(owner, _) => owner.path(),
        Expr::Ident(name) => Some(name.clone()),
        _ => None,
    };
    if !builder_type.is_some_and(|t| types.defines(&t)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for arg in &call.args {
        let Some(label) = arg.label.as_deref() else {
            continue;
        };
        if names::is_url_piece(label) {
            continue;
        }
        let fields = body_fields(&arg.value, inner, 0);
        if fields.is_empty() || !is_body_label(label) {
            out.push(data_item(label, &arg.value).0);
        } else {
            out.extend(fields.into_iter().map(|(k, v)| data_item(k, v).0));
        }
    }
    out
}

/// Labels under which a request's body is handed over.
fn is_body_label(label: &str) -> bool {
    matches!(
        label,
        "json" | "body" | "data" | "payload" | "form" | "params" | "parameters"
    )
}

/// How many names are followed from one expression: `body` →
/// `JSON.stringify(payload)` → `payload` → `{…}` and a little more.
const MAX_HOPS: usize = 4;

/// `expr`, or the value the name it is bound to holds as seen from `scope`
/// (with the scope that value is written in), following a few names.
fn through<'a>(expr: &'a Expr, scope: Option<Scope<'a>>) -> (&'a Expr, Option<Scope<'a>>) {
    let (mut expr, mut scope) = (expr, scope);
    for _ in 0..MAX_HOPS {
        let Some(s) = scope else { break };
        let name = match expr {
            Expr::Ident(_) | Expr::Member(..) => expr.path(),
            _ => None,
        };
        let Some((value, inner)) = name.filter(|n| !n.contains('(')).and_then(|n| s.lookup(&n)) else {
            break;
        };
        expr = value;
        scope = Some(inner);
    }
    (expr, scope)
}

fn add_headers<'a>(value: &'a Expr, scope: Option<Scope<'a>>, out: &mut Payload) {
    let Expr::Object(headers) = through(value, scope).0 else {
        return;
    };
    for (name, value) in headers {
        out.headers.push(name.clone());
        add_header_auth(name, value, &mut out.auth);
    }
}

/// Records in `auth` the credential a header `name: value` carries, with
/// its source when the code shows one (`Bearer in Authorization header
/// (env `API_TOKEN`)`). An `Authorization` header wins over other
/// credential-named headers.
pub(super) fn add_header_auth(name: &str, value: &Expr, auth: &mut Option<String>) {
    let lower = name.to_ascii_lowercase();
    // The credential: the interpolated part of `Bearer ${token}`.
    let credential = match value {
        Expr::Concat(parts) => parts.iter().find(|p| !matches!(p, Expr::Str(_))),
        other => Some(other),
    };
    // A local, a parameter or the object's own field (`this.token`) says
    // nothing about where the credential comes from.
    let own_field = |c: &Expr| {
        c.path().is_some_and(
            |p| matches!(p.split_once('.'), Some(("this" | "self", rest)) if !rest.contains('.')),
        )
    };
    let source = credential
        .filter(|c| !matches!(c, Expr::Ident(_)) && !own_field(c))
        .and_then(credential_source)
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    if lower == "authorization" || lower == "proxy-authorization" {
        let scheme = match value {
            Expr::Concat(parts) => parts.first().and_then(Expr::as_str).map(|s| s.trim().to_string()),
            Expr::Str(s) => s.split_whitespace().next().map(str::to_string),
            _ => None,
        };
        let scheme = scheme
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "credential".into());
        *auth = Some(format!("{scheme} in {name} header{source}"));
    } else if auth.is_none() && (names::is_credential_name(name) || lower == "cookie") {
        *auth = Some(format!("`{name}` header{source}"));
    }
}

/// Where a credential comes from, when the code shows it: an environment
/// variable or a named setting (`from `settings.apiKey``). A bare local
/// or parameter name says nothing and is left to the caller.
pub(crate) fn credential_source(value: &Expr) -> Option<String> {
    let path = match value {
        // `process.env.X ?? ""`, `process.env.X!`.
        Expr::Fallback(first, _) => return credential_source(first),
        Expr::Call(call) => {
            // `Deno.env.get("X")`, `System.getenv("X")`.
            let callee = call.callee.path()?;
            let name = call.args.first()?.value.as_str()?;
            return (callee.ends_with("env.get") || callee.ends_with("getenv"))
                .then(|| format!("env `{name}`"));
        }
        _ => value.path()?,
    };
    if let Some(name) = path
        .strip_prefix("process.env.")
        .or_else(|| path.strip_prefix("import.meta.env."))
    {
        return Some(format!("env `{name}`"));
    }
    (!path.contains('(')).then(|| format!("from `{path}`"))
}

/// Do these keys name HTTP headers (`Content-Type`, `X-Auth-Token`,
/// `Authorization`)? All of them must, so a data object with one
/// hyphenated key stays data.
fn are_header_names(fields: &[(String, Expr)]) -> bool {
    !fields.is_empty()
        && fields.iter().all(|(k, _)| {
            let lower = k.to_ascii_lowercase();
            let hyphenated = lower.contains('-')
                && k.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase() || lower.starts_with("x-"));
            hyphenated
                || matches!(
                    lower.as_str(),
                    "authorization" | "accept" | "cookie" | "origin" | "referer"
                )
        })
}

/// Keys of a request-options object (fetch, axios, got, ky, undici), as
/// opposed to a plain data object passed as the body.
fn is_request_option(key: &str) -> bool {
    matches!(
        key,
        "headers"
            | "body"
            | "json"
            | "data"
            | "method"
            | "form"
            | "searchParams"
            | "params"
            | "redirect"
            | "maxRedirects"
            | "maxRedirections"
            | "followRedirect"
            | "timeout"
            | "signal"
            | "agent"
            | "dispatcher"
            | "credentials"
            | "mode"
            | "cache"
            | "keepalive"
            | "responseType"
            | "retry"
    )
}

fn add_body_keys<'a>(value: &'a Expr, scope: Option<Scope<'a>>, out: &mut Payload) {
    let fields = body_fields(value, scope, 0);
    for (key, value) in fields {
        let (shown, push_token) = data_item(key, value);
        out.data_sent.push(shown);
        if out.auth.is_none() && !push_token && names::is_credential_name(key) {
            out.auth = Some(format!("`{key}` in the request body"));
        }
    }
}

/// How a key sent with `value` is listed under data sent (`text (message
/// text)`), and whether it is a push token.
pub(crate) fn data_item(key: &str, value: &Expr) -> (String, bool) {
    let value_name = value.last_name();
    // `{ token: expoPushToken }`: the value says what the generic key holds.
    let push_token = names::is_push_token_name(key) || value_name.is_some_and(names::is_push_token_name);
    let kind = if push_token {
        Some("push token")
    } else if key.len() <= 2 {
        // `q: text`: a short key says less than the value's name.
        value_name.and_then(classify).or_else(|| classify(key))
    } else {
        classify(key).or_else(|| value_name.and_then(classify))
    };
    let shown = match kind {
        Some(kind) => format!("{key} ({kind})"),
        None => key.to_string(),
    };
    (shown, push_token)
}

/// The literal keys of a request body and their values: an object literal
/// or dictionary, a memberwise initialiser, or what a call encodes
/// (`JSON.stringify(x)`, `JSONEncoder().encode(x)`, `gson.toJson(x)`,
/// `RequestBody.create(type, json)`). Kotlin bodies are built by chains and
/// statements: `JSONObject().put("k", v)`, `FormBody.Builder().add("k",
/// v).build()`, `json.toString().toRequestBody(type)`, `obj.put("k", v)` on
/// a local `obj`.
fn body_fields<'a>(value: &'a Expr, scope: Option<Scope<'a>>, depth: usize) -> Vec<(&'a str, &'a Expr)> {
    if depth > MAX_HOPS {
        return Vec::new();
    }
    let mut fields = statement_puts(value, scope);
    let (value, scope) = through(value, scope);
    match value {
        Expr::Object(object) => fields.extend(object.iter().map(|(k, v)| (k.as_str(), v))),
        // A memberwise initialiser, `Body(deviceId: id, token: t)` (Swift,
        // Kotlin named arguments): its labels are the encoded keys.
        Expr::Call(call) if is_memberwise_init(call) => {
            fields.extend(
                call.args
                    .iter()
                    .filter_map(|a| Some((a.label.as_deref()?, &a.value))),
            );
        }
        // A value of one of the project's types (`@Body order: NewOrder`,
        // `JSONEncoder().encode(order)`): the encoder writes its fields.
        Expr::Ident(name) => {
            if let Some(s) = scope {
                let types = s.types();
                if let Some(ty) = s.param_type(name) {
                    fields.extend(types.members(&ty).into_iter().map(|f| (f, &FIELD_VALUE)));
                }
            }
        }
        Expr::Call(call) => {
            // A body built by a project function (`JSON.stringify(payload(x))`,
            // `body = makeBody(order)`): what it returns, one hop.
            if let Some((returned, inner)) = call
                .callee
                .path()
                .zip(scope)
                .and_then(|(callee, s)| returned_value(&callee, &s))
            {
                fields.extend(body_fields(returned, Some(inner), depth + 1));
                return fields;
            }
            // Down a builder chain to its root, keeping `put("k", v)` keys.
            let mut root = value;
            while let Expr::Call(link) = root {
                let Expr::Member(object, method) = &link.callee else {
                    break;
                };
                if is_put_method(method) {
                    fields.extend(put_pair(&link.args));
                } else if !matches!(
                    method.as_str(),
                    "build" | "toString" | "toRequestBody" | "toByteArray" | "toJSONString"
                ) {
                    break;
                }
                root = object;
            }
            if !std::ptr::eq(root, value) {
                fields.extend(body_fields(root, scope, depth + 1));
                return fields;
            }
            // `JSON.stringify({...})`, `JSONObject(mapOf(…))`: the first
            // argument; `RequestBody.create(type, json)`: any argument.
            let tries = if call.callee.last_name() == Some("create") {
                call.args.len()
            } else {
                1
            };
            for arg in call.args.iter().take(tries) {
                let found = body_fields(&arg.value, scope, depth + 1);
                if !found.is_empty() {
                    fields.extend(found);
                    break;
                }
            }
        }
        _ => {}
    }
    fields
}

/// The value of a field read from a type's declaration: it has no
/// expression, the field's name says what it holds.
static FIELD_VALUE: Expr = Expr::Unknown(String::new());

/// Methods that add one key to a body being built: `JSONObject.put`,
/// `FormBody.Builder.add`, Gson `addProperty`, multipart parts, `FormData`
/// and `URLSearchParams` `append`.
fn is_put_method(method: &str) -> bool {
    matches!(
        method,
        "put" | "add" | "addEncoded" | "addProperty" | "addFormDataPart" | "append"
    )
}

/// `val obj = JSONObject(); obj.put("k", v)`: keys put by statements on a
/// local name in the function `scope` is at.
fn statement_puts<'a>(value: &'a Expr, scope: Option<Scope<'a>>) -> Vec<(&'a str, &'a Expr)> {
    let (Some(scope), Expr::Ident(name)) = (scope, value) else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    for site in &scope.facts().calls {
        let Some(method) = site
            .callee
            .strip_prefix(name.as_str())
            .and_then(|m| m.strip_prefix('.'))
        else {
            continue;
        };
        if site.function.as_deref() == scope.function && is_put_method(method) {
            fields.extend(put_pair(&site.call.args));
        }
    }
    fields
}

/// The key and value a `put("k", v)`-like call adds, when the key is a
/// literal.
fn put_pair(args: &[Arg]) -> Option<(&str, &Expr)> {
    match args {
        [Arg {
            value: Expr::Str(key),
            ..
        }, Arg { value, .. }, ..] => Some((key.as_str(), value)),
        _ => None,
    }
}

/// The body of a request built with OkHttp's builder:
/// `Request.Builder().url(u).post(body).build()`, `.method("PUT", body)`.
fn builder_body(expr: &Expr) -> Option<&Expr> {
    let mut link = expr;
    let mut body = None;
    while let Expr::Call(call) = link {
        let (object, method) = match &call.callee {
            Expr::Member(object, method) => (object.as_ref(), method.as_str()),
            Expr::Ident(name) if name == "Builder" => return body,
            _ => return None,
        };
        match (method, call.args.as_slice()) {
            ("Builder" | "newBuilder", _) => return body,
            ("post" | "put" | "patch" | "delete", [arg]) | ("method", [_, arg]) => {
                body = body.or(Some(&arg.value));
            }
            _ => {}
        }
        link = object;
    }
    None
}

/// `Body(deviceId: id, token: t)`: a type's initialiser with every argument
/// labelled.
fn is_memberwise_init(call: &CallExpr) -> bool {
    call.callee
        .last_name()
        .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_uppercase()))
        && !call.args.is_empty()
        && call.args.iter().all(|a| a.label.is_some())
}

/// Last words of a name that describe a text or file rather than hold it.
const ABOUT_WORDS: &[&str] = &[
    "id", "ids", "type", "name", "names", "count", "size", "length", "url", "uri", "path", "format",
    "status", "mime", "encoding", "hash", "version", "index",
];

/// Reviewer categories of data, recognised by name: what a privacy review
/// lists (message and prompt text, search queries, files and media, audio,
/// personal and location data, device identifiers, credentials,
/// telemetry).
fn classify(name: &str) -> Option<&'static str> {
    let words = names::words(name);
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    // `messageId`, `fileName`, `contentType`, `imageUrl`: about the text or
    // file, not the text or file itself.
    let about = words.last().is_some_and(|w| ABOUT_WORDS.contains(&w.as_str()));
    let is = |list: &[&str]| !about && has(list);
    // Text and queries are what the name ends with: `messageText`,
    // `searchQuery`, but not `perMessageDeflate` or `queryTimeout`.
    let ends = |list: &[&str]| words.last().is_some_and(|w| list.contains(&w.as_str()));
    if name == "q" || ends(&["query", "term", "keyword", "keywords"]) || is(&["search"]) {
        Some("search query")
    } else if ends(&[
        "text",
        "message",
        "messages",
        "msg",
        "content",
        "prompt",
        "caption",
        "body",
        "transcript",
        "input",
        "comment",
        "reply",
    ]) {
        Some("message text")
    } else if is(&["audio", "voice", "speech", "recording"]) {
        Some("audio")
    } else if is(&[
        "file",
        "files",
        "buffer",
        "blob",
        "image",
        "photo",
        "video",
        "document",
        "attachment",
    ]) {
        Some("file contents")
    } else if has(&[
        "device",
        "idfa",
        "idfv",
        "advertising",
        "android",
        "imei",
        "serial",
        "fingerprint",
    ]) {
        Some("device identifier")
    } else if has(&[
        "location",
        "latitude",
        "longitude",
        "lat",
        "lng",
        "coordinates",
        "geo",
    ]) {
        Some("location")
    } else if has(&["email", "phone", "address", "birthday", "birthdate"])
        || (words.last().is_some_and(|w| w == "name") && has(&["first", "last", "full", "display", "user"]))
    {
        Some("personal data")
    } else if names::is_credential_name(name) && words != ["key"] {
        // A bare `key` is more often an object or cache key than a secret.
        Some("credential")
    } else if is(&[
        "event",
        "events",
        "properties",
        "metrics",
        "breadcrumbs",
        "spans",
        "traces",
        "logs",
    ]) {
        Some("telemetry")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(fields: Vec<(&str, Expr)>) -> Expr {
        Expr::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn bearer_header_and_body_keys() {
        let call = CallExpr {
            callee: Expr::Ident("fetch".into()),
            args: vec![
                Arg {
                    label: None,
                    value: Expr::Str("https://x.io".into()),
                },
                Arg {
                    label: None,
                    value: obj(vec![
                        (
                            "headers",
                            obj(vec![(
                                "Authorization",
                                Expr::Concat(vec![Expr::Str("Bearer ".into()), Expr::Ident("key".into())]),
                            )]),
                        ),
                        (
                            "body",
                            Expr::Call(Box::new(CallExpr {
                                callee: Expr::Member(
                                    Box::new(Expr::Ident("JSON".into())),
                                    "stringify".into(),
                                ),
                                args: vec![Arg {
                                    label: None,
                                    value: obj(vec![
                                        ("chat_id", Expr::Ident("id".into())),
                                        ("text", Expr::Ident("t".into())),
                                    ]),
                                }],
                                is_new: false,
                                has_closure: false,
                            })),
                        ),
                    ]),
                },
            ],
            is_new: false,
            has_closure: false,
        };
        let p = describe(&call);
        assert_eq!(p.auth.as_deref(), Some("Bearer in Authorization header"));
        assert_eq!(p.headers, vec!["Authorization"]);
        assert_eq!(p.data_sent, vec!["chat_id", "text (message text)"]);
    }

    #[test]
    fn names_about_a_text_or_file_are_not_its_contents() {
        assert_eq!(classify("message"), Some("message text"));
        assert_eq!(classify("imageData"), Some("file contents"));
        for about in [
            "messageId",
            "fileName",
            "contentType",
            "imageUrl",
            "attachmentSize",
        ] {
            assert_eq!(classify(about), None, "{about}");
        }
        assert_eq!(classify("deviceId"), Some("device identifier"));
    }

    #[test]
    fn data_keys_fall_into_reviewer_categories() {
        for (key, category) in [
            ("q", Some("search query")),
            ("searchTerm", Some("search query")),
            ("prompt", Some("message text")),
            ("voiceNote", Some("audio")),
            ("attachment", Some("file contents")),
            ("latitude", Some("location")),
            ("firstName", Some("personal data")),
            ("phoneNumber", Some("personal data")),
            ("advertisingId", Some("device identifier")),
            ("password", Some("credential")),
            ("events", Some("telemetry")),
            ("messageId", None),
            ("fileName", None),
            ("model", None),
            ("perMessageDeflate", None),
            ("queryTimeout", None),
            ("userMessage", Some("message text")),
            ("msg", Some("message text")),
        ] {
            assert_eq!(classify(key), category, "{key}");
        }
    }

    #[test]
    fn beacon_data_is_data_sent() {
        let src = "function track(name, userId) {\n\
            navigator.sendBeacon(\"https://collect.x.io/e\", JSON.stringify({ event: name, distinct_id: userId }));\n}\n";
        assert_eq!(
            sent("a.ts", src, "navigator.sendBeacon").data_sent,
            vec!["distinct_id", "event (telemetry)"]
        );
    }

    #[test]
    fn api_key_header() {
        let call = CallExpr {
            callee: Expr::Ident("fetch".into()),
            args: vec![
                Arg {
                    label: None,
                    value: Expr::Str("https://x.io".into()),
                },
                Arg {
                    label: None,
                    value: obj(vec![(
                        "headers",
                        obj(vec![("x-api-key", Expr::Ident("k".into()))]),
                    )]),
                },
            ],
            is_new: false,
            has_closure: false,
        };
        assert_eq!(describe(&call).auth.as_deref(), Some("`x-api-key` header"));
    }

    #[test]
    fn header_auth_names_the_credential_s_source_when_the_code_shows_it() {
        let member = |root: &str, name: &str| Expr::Member(Box::new(Expr::Ident(root.into())), name.into());
        let env = Expr::Member(Box::new(member("process", "env")), "API_TOKEN".into());
        let bearer = |credential: Expr| Expr::Concat(vec![Expr::Str("Bearer ".into()), credential]);
        for (value, wanted) in [
            (bearer(env), "Bearer in Authorization header (env `API_TOKEN`)"),
            (
                bearer(member("Keychain", "token")),
                "Bearer in Authorization header (from `Keychain.token`)",
            ),
            // A parameter or the object's own field says nothing more.
            (
                bearer(Expr::Ident("token".into())),
                "Bearer in Authorization header",
            ),
            (bearer(member("this", "token")), "Bearer in Authorization header"),
        ] {
            let mut auth = None;
            add_header_auth("Authorization", &value, &mut auth);
            assert_eq!(auth.as_deref(), Some(wanted));
        }
    }

    #[test]
    fn request_options_are_not_data_sent() {
        let call = |options: Expr| CallExpr {
            callee: Expr::Ident("fetch".into()),
            args: vec![
                Arg {
                    label: None,
                    value: Expr::Ident("url".into()),
                },
                Arg {
                    label: None,
                    value: options,
                },
            ],
            is_new: false,
            has_closure: false,
        };
        let options = obj(vec![("redirect", Expr::Str("manual".into()))]);
        assert!(describe(&call(options)).data_sent.is_empty());
        let options = obj(vec![("maxRedirections", Expr::Number("0".into()))]);
        assert!(describe(&call(options)).data_sent.is_empty());
        // A plain data object as the second argument is the body.
        let data = obj(vec![("email", Expr::Ident("email".into()))]);
        assert_eq!(describe(&call(data)).data_sent.len(), 1);
    }

    /// What the call to `callee` in `src` sends, read in its scope.
    fn sent(path: &str, src: &str, callee: &str) -> Payload {
        crate::pipeline::analysis::testing::at_call(path, src, callee, describe_site)
    }

    #[test]
    fn a_headers_object_handed_over_by_position_is_auth_not_data() {
        let src = "export function upload(url: string, token: string, form: FormData) {\n\
            const headers = { 'Content-Type': 'multipart/form-data', 'X-Auth-Token': token };\n\
            return new FileUpload(url, headers, { file: form });\n}\n\
            export function send(url: string, token: string) {\n\
            return post(url, { 'X-Api-Key': token, Accept: 'application/json' });\n}\n";
        let p = sent("a.ts", src, "FileUpload");
        assert_eq!(p.auth.as_deref(), Some("`X-Auth-Token` header"));
        assert_eq!(p.data_sent, vec!["file (file contents)"]);
        let posted = sent("a.ts", src, "post");
        assert_eq!(posted.auth.as_deref(), Some("`X-Api-Key` header"));
        assert!(posted.data_sent.is_empty(), "{:?}", posted.data_sent);
        // A data object with one hyphenated key stays data.
        let order = "export function order(url: string, id: string) {\n\
            return post(url, { 'order-id': id, note: 'x' });\n}\n";
        assert_eq!(sent("a.ts", order, "post").data_sent, vec!["note", "order-id"]);
    }

    #[test]
    fn kotlin_okhttp_bodies() {
        let src = "fun report(text: String) {\n\
            val payload = JSONObject(mapOf(\"message\" to text, \"level\" to \"info\"))\n\
            val request = Request.Builder().url(u)\n\
                .method(\"PUT\", RequestBody.create(\"application/json\".toMediaType(), payload.toString()))\n\
                .build()\n\
            client.newCall(request).execute()\n}\n";
        assert_eq!(
            sent("A.kt", src, "client.newCall").data_sent,
            vec!["level", "message (message text)"]
        );
        let src = "fun login(email: String, password: String) {\n\
            client.newCall(Request.Builder().url(u).post(FormBody.Builder().add(\"email\", email).add(\"password\", password).build()).build())\n}\n";
        let p = sent("A.kt", src, "client.newCall");
        assert_eq!(
            p.data_sent,
            vec!["email (personal data)", "password (credential)"]
        );
        assert_eq!(p.auth.as_deref(), Some("`password` in the request body"));
        // A GET has no body; a key that is not a literal is not guessed.
        for request in [
            "Request.Builder().url(u).get().build()",
            "Request.Builder().url(u).post(JSONObject().put(key, 1).toString().toRequestBody()).build()",
        ] {
            let src = format!("fun get(key: String) {{\n    client.newCall({request})\n}}\n");
            assert!(
                sent("A.kt", &src, "client.newCall").data_sent.is_empty(),
                "{request}"
            );
        }
    }

    #[test]
    fn kotlin_ktor_set_body_in_the_request_lambda() {
        let src = "suspend fun sync(deviceId: String) {\n\
            client.post(u) {\n\
                contentType(ContentType.Application.Json)\n\
                setBody(Registration(deviceId = deviceId, locale = \"en\"))\n\
            }\n}\n";
        assert_eq!(
            sent("A.kt", src, "client.post").data_sent,
            vec!["deviceId (device identifier)", "locale"]
        );
    }

    #[test]
    fn form_data_appended_by_statements() {
        let src = "async function upload(blob, caption) {\n\
            const form = new FormData();\n\
            form.append(\"file\", blob);\n\
            form.append(\"caption\", caption);\n\
            await fetch(url, { method: \"POST\", body: form });\n}\n";
        assert_eq!(
            sent("a.ts", src, "fetch").data_sent,
            vec!["caption (message text)", "file (file contents)"]
        );
    }

    #[test]
    fn a_body_built_first_is_read_through_its_name() {
        let src = "async function register(deviceId, token) {\n\
            const body = { type: \"apns\", deviceId: deviceId.toLowerCase(), deviceToken: getToken(token) };\n\
            await fetch(url, { method: \"POST\", body: JSON.stringify(body) });\n}\n";
        assert_eq!(
            sent("a.ts", src, "fetch").data_sent,
            vec!["deviceId (device identifier)", "deviceToken (push token)", "type"]
        );
        // Without the scope, only literal objects are read.
        let facts_free = describe(&CallExpr {
            callee: Expr::Ident("fetch".into()),
            args: vec![Arg {
                label: None,
                value: obj(vec![("body", Expr::Ident("body".into()))]),
            }],
            is_new: false,
            has_closure: false,
        });
        assert!(facts_free.data_sent.is_empty());
    }

    #[test]
    fn a_body_returned_by_a_helper_or_typed_by_the_project_sends_its_fields() {
        let src = "interface Feedback { message: string; email?: string }\n\
            function body(f: Feedback) { return { message: f.message, locale: lang }; }\n\
            export async function send(f: Feedback) { await fetch(u, { body: JSON.stringify(body(f)) }); }\n\
            export async function rate(f: Feedback) { await fetch(u, { body: JSON.stringify(f) }); }\n\
            export async function raw(f: string) { await fetch(u, { body: JSON.stringify(f) }); }\n";
        let by_function = |function: &str| {
            crate::pipeline::analysis::testing::at_call_in("a.ts", src, "fetch", function, |site, scope| {
                describe_site(site, scope).data_sent
            })
        };
        assert_eq!(by_function("send"), vec!["locale", "message (message text)"]);
        assert_eq!(
            by_function("rate"),
            vec!["email (personal data)", "message (message text)"]
        );
        // A value of a type the project does not define says nothing.
        assert!(by_function("raw").is_empty());
        let kotlin = "data class NewOrder(val note: String, val phone: String)\n\
            class Api(private val client: OkHttpClient) {\n\
              fun place(order: NewOrder) {\n\
                val body = gson.toJson(order).toRequestBody(JSON)\n\
                client.newCall(Request.Builder().url(u).post(body).build()).execute()\n\
              }\n}\n";
        assert_eq!(
            sent("Api.kt", kotlin, "client.newCall").data_sent,
            vec!["note", "phone (personal data)"]
        );
    }

    #[test]
    fn a_route_builder_value_sends_its_labelled_arguments() {
        let src = "enum Notes { case create(path: String, text: String, json: Draft) }\n\
            struct Draft { let title: String }\n\
            func save(client: Client, draft: Draft, body: String) async {\n\
              await client.post(endpoint: Notes.create(path: p, text: body, json: draft))\n\
              await client.post(endpoint: URLRequest(url: u, timeoutInterval: 5))\n\
            }\n";
        let built = |index: usize| {
            crate::pipeline::analysis::testing::at_call_where(
                "N.swift",
                src,
                |c| c.callee == "client.post" && c.span.line == 4 + index,
                |site, scope| builder_args(&site.call.args[0].value, scope),
            )
        };
        assert_eq!(built(0), vec!["text (message text)", "title"]);
        // Labels of a type the project does not define are no route's data.
        assert!(built(1).is_empty());
    }

    #[test]
    fn push_tokens_are_data_sent_not_auth() {
        for (body, key) in [
            ("{ deviceToken: t, platform: \"ios\" }", "deviceToken"),
            ("{ pushToken: t }", "pushToken"),
            ("{ fcmToken: t }", "fcmToken"),
            ("{ apnsToken: t }", "apnsToken"),
            ("{ registrationToken: t }", "registrationToken"),
            ("{ expoPushToken: t }", "expoPushToken"),
            ("{ token: expoPushToken }", "token"),
        ] {
            let src = format!(
                "async function register(t, expoPushToken) {{\n\
                 await fetch(url, {{ method: \"POST\", body: JSON.stringify({body}) }});\n}}\n"
            );
            let p = sent("a.ts", &src, "fetch");
            assert_eq!(p.auth, None, "{body}");
            assert!(
                p.data_sent.contains(&format!("{key} (push token)")),
                "{body}: {:?}",
                p.data_sent
            );
        }
        for key in ["accessToken", "authToken", "apiToken", "token", "refreshToken"] {
            let src = format!(
                "async function f(t) {{ await fetch(url, {{ body: JSON.stringify({{ {key}: t }}) }}); }}\n"
            );
            assert_eq!(
                sent("a.ts", &src, "fetch").auth,
                Some(format!("`{key}` in the request body")),
                "{key}"
            );
        }
    }

    #[test]
    fn options_data_and_headers_by_name() {
        let src = "async function unregister(deviceId, key) {\n\
            const headers = { Authorization: `Bearer ${key}` };\n\
            const init = { method: \"DELETE\", headers, body: JSON.stringify({ deviceId }) };\n\
            await fetch(url, init);\n}\n";
        let p = sent("a.ts", src, "fetch");
        assert_eq!(p.data_sent, vec!["deviceId (device identifier)"]);
        assert_eq!(p.auth.as_deref(), Some("Bearer in Authorization header"));
        let src = "async function receipts(ids, email) {\n\
            const payload = { ids, email };\n\
            await axios.post(\"https://r.acme.io\", payload);\n}\n";
        assert_eq!(
            sent("a.ts", src, "axios.post").data_sent,
            vec!["email (personal data)", "ids"]
        );
        // A parameter's keys are not written in the code: nothing is guessed.
        let src = "async function send(input) { await fetch(url, { method: \"POST\", body: JSON.stringify(input) }); }\n";
        assert!(sent("a.ts", src, "fetch").data_sent.is_empty());
    }

    #[test]
    fn swift_http_body_of_an_encoded_value() {
        let src = "func register(deviceId: String, token: String) async throws {\n\
            var request = URLRequest(url: endpoint)\n\
            let body = RegistrationBody(deviceId: deviceId, pushToken: token)\n\
            request.httpBody = try JSONEncoder().encode(body)\n\
            let (_, _) = try await URLSession.shared.data(for: request)\n}\n";
        assert_eq!(
            sent("A.swift", src, "URLSession.shared.data").data_sent,
            vec!["deviceId (device identifier)", "pushToken (push token)"]
        );
        let src = "func send(email: String) async throws {\n\
            var request = URLRequest(url: endpoint)\n\
            request.httpBody = try JSONSerialization.data(withJSONObject: [\"email\": email])\n\
            let (_, _) = try await URLSession.shared.data(for: request)\n}\n";
        assert_eq!(
            sent("A.swift", src, "URLSession.shared.data").data_sent,
            vec!["email (personal data)"]
        );
        let src = "func send(deviceId: String) async throws {\n\
            let data = try JSONEncoder().encode(Report(deviceId: deviceId))\n\
            let (_, _) = try await URLSession.shared.upload(for: request, from: data)\n\
            let (_, _) = try await URLSession.shared.data(from: NSRange(location: 0, length: 1))\n}\n";
        assert_eq!(
            sent("A.swift", src, "URLSession.shared.upload").data_sent,
            vec!["deviceId (device identifier)"]
        );
        assert!(sent("A.swift", src, "URLSession.shared.data")
            .data_sent
            .is_empty());
    }
}
