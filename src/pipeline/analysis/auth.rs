//! Credentials set away from the call that sends the request.
//!
//! Code rarely writes the `Authorization` header into the sending call: it
//! sets it on the request being built (`request.setValue("Bearer \(t)",
//! forHTTPHeaderField: "Authorization")`, OkHttp `.header(…)`, XHR
//! `setRequestHeader(…)`, `headers.set(…)`, Ktor `bearerAuth(token)`), on a
//! session configuration (`httpAdditionalHeaders = [...]`), in a helper of
//! the same class that builds the request (`makeURLRequest()`), or in a hook
//! installed on the client (an OkHttp `Interceptor`, `Authenticator` or
//! `callFactory`). The first three give the auth of the requests sent from
//! that function; a client hook gives the auth of every route of the
//! framework built on that client ([`client_hook_auth`]).
//!
//! Only header names are read, never values: a header is a credential by its
//! name (`Authorization`, `X-Api-Key`, `Cookie`…), and its scheme (`Bearer`)
//! when the value starts with one.

use super::payload::add_header_auth;
use super::scope::{Project, Scope};
use crate::catalog::rules::Framework;
use crate::model::{Binding, CallSite, Expr};

/// The auth set in the function that sends from `site`, or in a helper of
/// its own class or file that this function calls (one hop).
pub fn set_around(site: &CallSite, scope: &Scope) -> Option<String> {
    let function = site.function.as_deref()?;
    let facts = scope.facts();
    let class = function.rsplit_once('.').map(|(c, _)| c);
    let mut helpers: Vec<String> = vec![function.to_string()];
    for call in facts
        .calls
        .iter()
        .filter(|c| c.function.as_deref() == Some(function))
    {
        let name = match call.callee.split_once('.') {
            Some(("self" | "this", name)) if !name.contains('.') => name,
            None => call.callee.as_str(),
            _ => continue,
        };
        let qualified = match class {
            Some(class) => format!("{class}.{name}"),
            None => name.to_string(),
        };
        if !helpers.contains(&qualified) {
            helpers.push(qualified);
        }
    }
    let within = |f: &Option<String>| f.as_deref().is_some_and(|f| helpers.iter().any(|h| h == f));
    let mut auth = None;
    for call in facts.calls.iter().filter(|c| within(&c.function)) {
        add_call_auth(call, &mut auth);
    }
    for binding in facts.bindings.iter().filter(|b| within(&b.function)) {
        add_binding_auth(binding, &mut auth);
    }
    auth
}

/// The auth that the hooks of `framework`'s client (`request_hooks` in the
/// catalog) set on every request: headers set inside a hook call's lambda
/// (`addInterceptor { chain -> … }`, `callFactory { … }`) or in a method of
/// a class adopting a hook type (`class AuthInterceptor : Interceptor`).
/// Read over the whole project, as the framework's base URL is.
pub fn client_hook_auth(project: &Project, framework: &Framework) -> Option<String> {
    let hooks = framework.request_hooks.as_ref()?;
    let index = project.project_index();
    let mut found: Vec<String> = Vec::new();
    for fi in 0..index.len() {
        let summary = &index.file(fi).summary;
        let imports: Vec<String> = summary.imports.iter().map(|i| i.source.clone()).collect();
        if !framework.lang.contains(summary.lang) || !hooks.imported_by(&imports) {
            continue;
        }
        let facts = index.file(fi).facts();
        let hook_spans: Vec<_> = facts
            .calls
            .iter()
            .filter(|c| {
                hooks
                    .calls
                    .iter()
                    .any(|h| c.callee.rsplit('.').next() == Some(h.as_str()))
            })
            .map(|c| c.span)
            .collect();
        let in_hook_type = |function: Option<&str>| {
            let Some((class, _)) = function.and_then(|f| f.rsplit_once('.')) else {
                return false;
            };
            index
                .types(summary.lang)
                .ancestors(class)
                .iter()
                .any(|t| hooks.types.iter().any(|h| h == t))
        };
        for call in &facts.calls {
            let in_lambda = hook_spans
                .iter()
                .any(|s| s.start_byte < call.span.start_byte && call.span.end_byte <= s.end_byte);
            if !in_lambda && !in_hook_type(call.function.as_deref()) {
                continue;
            }
            let mut auth = None;
            add_call_auth(call, &mut auth);
            if let Some(a) = auth.filter(|a| !found.contains(a)) {
                found.push(a);
            }
        }
    }
    (!found.is_empty()).then(|| {
        format!(
            "{} (set by the {} client's request hooks)",
            found.join("; "),
            framework.api
        )
    })
}

/// A call that sets a header on the request being built.
fn add_call_auth(site: &CallSite, auth: &mut Option<String>) {
    let (receiver, method) = match site.callee.rsplit_once('.') {
        Some((r, m)) => (r, m),
        None => ("", site.callee.as_str()),
    };
    let args = &site.call.args;
    let literal = |i: usize| args.get(i).and_then(|a| a.value.as_str());
    match method {
        // Ktor's request builders.
        "bearerAuth" => *auth = Some("Bearer in Authorization header".into()),
        "basicAuth" if auth.is_none() => *auth = Some("Basic in Authorization header".into()),
        // Swift `request.setValue(value, forHTTPHeaderField: "Authorization")`.
        "setValue" | "addValue" => {
            let name = args
                .iter()
                .find(|a| a.label.as_deref() == Some("forHTTPHeaderField"))
                .and_then(|a| a.value.as_str());
            if let (Some(name), Some(value)) = (name, args.first()) {
                add_header_auth(name, &value.value, auth);
            }
        }
        // OkHttp and Ktor builders, XHR, Node's `request.setHeader`.
        "header" | "addHeader" | "setHeader" | "setRequestHeader" => {
            if let (Some(name), Some(value)) = (literal(0), args.get(1)) {
                add_header_auth(name, &value.value, auth);
            }
        }
        // `headers.set(…)`, `headers.append(…)` on a headers object only:
        // `params.set("token", t)` puts the token in the URL instead.
        "set" | "append" if receiver.to_ascii_lowercase().contains("header") => {
            if let (Some(name), Some(value)) = (literal(0), args.get(1)) {
                add_header_auth(name, &value.value, auth);
            }
        }
        _ => {}
    }
}

/// An assignment that sets headers: `config.httpAdditionalHeaders = [...]`,
/// `request.allHTTPHeaderFields = [...]`, `config.headers.Authorization = …`.
fn add_binding_auth(binding: &Binding, auth: &mut Option<String>) {
    let mut segments = binding.name.rsplit('.');
    let Some(last) = segments.next() else { return };
    if matches!(last, "httpAdditionalHeaders" | "allHTTPHeaderFields" | "headers") {
        if let Expr::Object(headers) = &binding.value {
            for (name, value) in headers {
                add_header_auth(name, value, auth);
            }
        }
    } else if segments
        .next()
        .is_some_and(|s| s.eq_ignore_ascii_case("headers") || s == "common")
    {
        add_header_auth(last, &binding.value, auth);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::analysis::testing::at_call;

    /// The auth [`set_around`] gives the call to `callee` in `src`.
    fn auth_of(path: &str, src: &str, callee: &str) -> Option<String> {
        at_call(path, src, callee, set_around)
    }

    #[test]
    fn swift_header_set_on_the_request_or_in_a_helper_of_the_class() {
        let src = "final class Client {\n\
            func get(_ url: URL) async throws -> Data {\n\
                var request = URLRequest(url: url)\n\
                request.setValue(\"Bearer \\(token)\", forHTTPHeaderField: \"Authorization\")\n\
                return try await session.data(for: request).0\n\
            }\n\
            func post(_ url: URL) async throws -> Data {\n\
                let request = makeRequest(url)\n\
                return try await session.upload(for: request, from: body).0\n\
            }\n\
            private func makeRequest(_ url: URL) -> URLRequest {\n\
                var request = URLRequest(url: url)\n\
                request.addValue(apiKey, forHTTPHeaderField: \"X-Api-Key\")\n\
                return request\n\
            }\n\
        }\n";
        assert_eq!(
            auth_of("C.swift", src, "session.data").as_deref(),
            Some("Bearer in Authorization header")
        );
        assert_eq!(
            auth_of("C.swift", src, "session.upload").as_deref(),
            Some("`X-Api-Key` header")
        );
        let config = "func make() -> URLSession {\n\
            let config = URLSessionConfiguration.default\n\
            config.httpAdditionalHeaders = [\"Authorization\": \"Basic \\(creds)\"]\n\
            return URLSession(configuration: config)\n}\n";
        assert_eq!(
            auth_of("S.swift", config, "URLSession").as_deref(),
            Some("Basic in Authorization header")
        );
    }

    #[test]
    fn kotlin_request_builders() {
        let src = "fun load(url: String): Response {\n\
            val request = Request.Builder().url(url).header(\"Authorization\", \"Bearer $token\").build()\n\
            return client.newCall(request).execute()\n}\n\
            suspend fun ktor(url: String) = http.get(url) { bearerAuth(token) }\n";
        assert_eq!(
            auth_of("A.kt", src, "client.newCall").as_deref(),
            Some("Bearer in Authorization header")
        );
        assert_eq!(
            auth_of("A.kt", src, "http.get").as_deref(),
            Some("Bearer in Authorization header")
        );
    }

    #[test]
    fn typescript_headers_objects_and_xhr() {
        let src = "export function send(url: string, key: string) {\n\
            const headers = new Headers();\n\
            headers.set('x-api-key', key);\n\
            return fetch(url, { headers });\n}\n\
            export function legacy(url: string) {\n\
            const xhr = new XMLHttpRequest();\n\
            xhr.open('GET', url);\n\
            xhr.setRequestHeader('Authorization', 'Token ' + token);\n\
            xhr.send();\n}\n";
        assert_eq!(
            auth_of("a.ts", src, "fetch").as_deref(),
            Some("`x-api-key` header")
        );
        assert_eq!(
            auth_of("a.ts", src, "xhr.send").as_deref(),
            Some("Token in Authorization header")
        );
    }

    #[test]
    fn query_parameters_maps_and_other_functions_are_not_header_auth() {
        let src = "export function search(url: URL, token: string) {\n\
            url.searchParams.set('token', token);\n\
            cache.set('apiKey', token);\n\
            return fetch(url);\n}\n\
            export function other() {\n\
            headers.set('Authorization', 'Bearer x');\n}\n";
        assert_eq!(auth_of("a.ts", src, "fetch"), None);
    }
}
