//! What a request sends: auth placement, header names and body keys.
//!
//! Read from the literal options/body objects of a call (`fetch(url, {
//! headers, body: JSON.stringify({...}) })`, `axios.post(url, data)`,
//! `got(url, { json })`). Body values are also classified by name, so the
//! inventory can say a request carries message text (`text`, `message`,
//! `content`, `prompt`…), file contents (`file`, `buffer`, `blob`, `audio`,
//! `image`…) or device identifiers (`deviceId`, `idfa`, `androidId`,
//! `advertisingId`…). Nothing is guessed from non-literal objects.

use super::names;
use crate::model::{CallExpr, Expr};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Payload {
    pub auth: Option<String>,
    pub headers: Vec<String>,
    pub data_sent: Vec<String>,
}

pub fn describe(call: &CallExpr) -> Payload {
    let mut out = Payload::default();
    for (index, arg) in call.args.iter().enumerate() {
        let Expr::Object(fields) = &arg.value else {
            continue;
        };
        let is_options = fields.iter().any(|(k, _)| is_request_option(k));
        if !is_options && index > 0 {
            // `axios.post(url, { ...body })`: a plain data object.
            add_body_keys(&arg.value, &mut out);
            continue;
        }
        for (key, value) in fields {
            match key.as_str() {
                "headers" => add_headers(value, &mut out),
                "body" | "json" | "data" | "form" => add_body_keys(value, &mut out),
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

fn add_headers(value: &Expr, out: &mut Payload) {
    let Expr::Object(headers) = value else { return };
    for (name, value) in headers {
        out.headers.push(name.clone());
        let lower = name.to_ascii_lowercase();
        if lower == "authorization" || lower == "proxy-authorization" {
            let scheme = match value {
                Expr::Concat(parts) => parts.first().and_then(Expr::as_str).map(|s| s.trim().to_string()),
                Expr::Str(s) => s.split_whitespace().next().map(str::to_string),
                _ => None,
            };
            let scheme = scheme
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "credential".into());
            out.auth = Some(format!("{scheme} in {name} header"));
        } else if out.auth.is_none() && (names::is_credential_name(name) || lower == "cookie") {
            out.auth = Some(format!("`{name}` header"));
        }
    }
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

fn add_body_keys(value: &Expr, out: &mut Payload) {
    let object = match value {
        // JSON.stringify({...}) / new URLSearchParams({...})
        Expr::Call(call) => match call.args.first().map(|a| &a.value) {
            Some(inner @ Expr::Object(_)) => inner,
            _ => return,
        },
        other => other,
    };
    let Expr::Object(fields) = object else { return };
    for (key, value) in fields {
        let shown = match classify(key).or_else(|| value.last_name().and_then(classify)) {
            Some(kind) => format!("{key} ({kind})"),
            None => key.clone(),
        };
        out.data_sent.push(shown);
        if out.auth.is_none() && names::is_credential_name(key) {
            out.auth = Some(format!("`{key}` in the request body"));
        }
    }
}

/// Sensitive kinds of data recognised by name.
fn classify(name: &str) -> Option<&'static str> {
    let words = names::words(name);
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    if has(&[
        "text",
        "message",
        "messages",
        "content",
        "prompt",
        "caption",
        "body",
        "transcript",
        "query",
        "input",
    ]) {
        Some("message text")
    } else if has(&[
        "file",
        "files",
        "buffer",
        "blob",
        "audio",
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
        "email",
        "phone",
        "location",
        "latitude",
        "longitude",
        "lat",
        "lng",
        "address",
    ]) {
        Some("personal data")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Arg;

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
}
