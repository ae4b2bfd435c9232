//! What a request call sends, read from its argument objects: the names of
//! credential headers and the fields of the body. Best effort, used by the
//! inventory to fill `auth` and `data_sent`; values are never reported.

use crate::model::{CallExpr, Expr};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestInfo {
    /// Human descriptions: "Bearer token in Authorization header",
    /// "`X-Subscription-Token` header".
    pub auth: Vec<String>,
    /// Body field names, or the name of the value sent as body.
    pub data: Vec<String>,
}

const BODY_KEYS: &[&str] = &["body", "json", "data", "form", "payload"];
const BODY_METHODS: &[&str] = &["post", "put", "patch", "sendBeacon"];

pub fn request_info(call: &CallExpr, callee: &str) -> RequestInfo {
    let mut info = RequestInfo::default();
    let method = callee.rsplit('.').next().unwrap_or(callee);
    for (i, arg) in call.args.iter().enumerate() {
        if let Expr::Object(_) = &arg.value {
            collect_object(&arg.value, &mut info);
        }
        // axios.post(url, data), got.post(url, {json}), sendBeacon(url, data)
        if i == 1 && BODY_METHODS.contains(&method) && !is_options(&arg.value) {
            body_fields(&arg.value, &mut info.data);
        }
    }
    info.auth.dedup();
    info.data.sort();
    info.data.dedup();
    info
}

/// An options object rather than a body: it has request-option keys.
fn is_options(e: &Expr) -> bool {
    matches!(e, Expr::Object(fields) if fields.iter().any(|(k, _)| k == "headers" || BODY_KEYS.contains(&k.as_str())))
}

fn collect_object(obj: &Expr, info: &mut RequestInfo) {
    if let Some(Expr::Object(headers)) = obj.field("headers") {
        for (key, value) in headers {
            if let Some(desc) = auth_header(key, value) {
                if !info.auth.contains(&desc) {
                    info.auth.push(desc);
                }
            }
        }
    }
    for key in BODY_KEYS {
        if let Some(v) = obj.field(key) {
            body_fields(v, &mut info.data);
        }
    }
}

fn body_fields(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Object(fields) => out.extend(fields.iter().map(|(k, _)| k.clone())),
        Expr::Call(c) if c.callee.path().as_deref() == Some("JSON.stringify") => {
            if let Some(inner) = c.arg(None, 0) {
                body_fields(inner, out);
            }
        }
        Expr::Ident(_) | Expr::Member(..) => {
            if let Some(p) = e.path() {
                out.push(p);
            }
        }
        _ => {}
    }
}

fn auth_header(key: &str, value: &Expr) -> Option<String> {
    let k = key.to_ascii_lowercase();
    if k == "authorization" || k == "proxy-authorization" {
        let prefix = match value {
            Expr::Concat(parts) => parts.first().and_then(Expr::as_str).unwrap_or(""),
            Expr::Str(s) => s.as_str(),
            _ => "",
        };
        let scheme = prefix.split_whitespace().next().unwrap_or("");
        return Some(match scheme.to_ascii_lowercase().as_str() {
            "bearer" => format!("Bearer token in {key} header"),
            "basic" => format!("Basic credentials in {key} header"),
            "bot" => format!("Bot token in {key} header"),
            _ => format!("{key} header"),
        });
    }
    let credential_like = ["key", "token", "secret", "auth", "signature", "password"]
        .iter()
        .any(|w| k.contains(w));
    credential_like.then(|| format!("{key} header"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Arg;

    fn arg(value: Expr) -> Arg {
        Arg { label: None, value }
    }

    #[test]
    fn reads_auth_headers_and_body_fields() {
        let call = CallExpr {
            callee: Expr::Ident("fetch".into()),
            args: vec![
                arg(Expr::Str("https://x.io".into())),
                arg(Expr::Object(vec![
                    (
                        "headers".into(),
                        Expr::Object(vec![
                            (
                                "Authorization".into(),
                                Expr::Concat(vec![Expr::Str("Bearer ".into()), Expr::Ident("k".into())]),
                            ),
                            ("X-Subscription-Token".into(), Expr::Ident("k".into())),
                            ("Content-Type".into(), Expr::Str("application/json".into())),
                        ]),
                    ),
                    (
                        "body".into(),
                        Expr::Call(Box::new(CallExpr {
                            callee: Expr::Member(Box::new(Expr::Ident("JSON".into())), "stringify".into()),
                            args: vec![arg(Expr::Object(vec![
                                ("chat_id".into(), Expr::Ident("id".into())),
                                ("text".into(), Expr::Ident("text".into())),
                            ]))],
                            is_new: false,
                            has_closure: false,
                        })),
                    ),
                ])),
            ],
            is_new: false,
            has_closure: false,
        };
        let info = request_info(&call, "fetch");
        assert_eq!(
            info.auth,
            vec![
                "Bearer token in Authorization header".to_string(),
                "X-Subscription-Token header".to_string()
            ]
        );
        assert_eq!(info.data, vec!["chat_id".to_string(), "text".to_string()]);
    }

    #[test]
    fn positional_body_of_post() {
        let call = CallExpr {
            callee: Expr::Ident("post".into()),
            args: vec![
                arg(Expr::Str("/chat".into())),
                arg(Expr::Object(vec![
                    ("model".into(), Expr::Ident("model".into())),
                    ("messages".into(), Expr::Ident("messages".into())),
                ])),
            ],
            is_new: false,
            has_closure: false,
        };
        let info = request_info(&call, "this.http.post");
        assert!(info.auth.is_empty());
        assert_eq!(info.data, vec!["messages".to_string(), "model".to_string()]);
    }
}
