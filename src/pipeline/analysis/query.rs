//! Query parameters: data that rides in the URL. A web-search request's query
//! is its most telling data (`?q=${query}`), and code adds it in three ways:
//! written in the URL template, set on a URL object in the sending function
//! (`url.searchParams.set("q", query)`, Swift `URLQueryItem(name: "q",
//! value: query)`, OkHttp `HttpUrl.Builder().addQueryParameter("q", query)`,
//! Ktor `parameter("q", query)`), or put in a `URLSearchParams({ q })`
//! object. Retrofit's `@Query("q")` parameters are already in the route's URL
//! template. Keys named as credentials are left out: a credential in a URL
//! is auth ("Credential in the URL") and `egress/token-in-url`'s finding.

use super::names;
use super::payload::data_item;
use super::scope::Scope;
use crate::model::{CallSite, Expr, FileFacts};

/// The query keys of the request sent at `site` to `url` (the rendered
/// template), as data-sent items.
pub fn keys(url: Option<&str>, site: &CallSite, scope: &Scope) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(url) = url {
        path_keys(url, &mut out);
    }
    if let Some(query) = url.and_then(|u| u.split_once('?')).map(|(_, q)| q) {
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            // `{param}` stands for the value; name the key after it when the
            // key itself is a placeholder.
            let value = match value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
                Some(name) => Expr::Ident(name.to_string()),
                None => Expr::Str(value.to_string()),
            };
            push(key, &value, &mut out);
        }
    }
    if let Some(function) = site.function.as_deref() {
        let facts = scope.facts();
        for call in facts
            .calls
            .iter()
            .filter(|c| c.function.as_deref() == Some(function))
        {
            set_by_call(call, &mut out);
        }
    }
    out
}

/// The query keys a route builder type adds in its own methods (`enum
/// Statuses: Endpoint` whose `queryItems()` returns `[.init(name: "lang",
/// value: lang)]` for one case): the data of the requests it defines.
pub fn builder_keys(facts: &FileFacts, type_name: &str) -> Vec<String> {
    let prefix = format!("{type_name}.");
    let mut out = Vec::new();
    for call in facts
        .calls
        .iter()
        .filter(|c| c.function.as_deref().is_some_and(|f| f.starts_with(&prefix)))
    {
        set_by_call(call, &mut out);
    }
    out
}

/// Path parameters: the values a URL template puts in its path
/// (`/users/{userId}/posts`), named after their expression. The base a
/// template starts with (`{baseUrl}/…`) and placeholders that stand for a
/// piece of URL (`{path}`, `{endpoint}`) are where the request goes, not
/// what it carries.
pub(crate) fn path_keys(url: &str, out: &mut Vec<String>) {
    // After the authority (`{scheme}://{host}/…` too), or after the base.
    let path = if let Some((_, after)) = url.split_once("://") {
        after.find('/').map_or("", |end| &after[end..])
    } else if url.starts_with('{') {
        url.find('}').map_or("", |end| &url[end + 1..])
    } else {
        url
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + len];
        rest = &rest[open + len + 1..];
        let name = name
            .strip_prefix("this.")
            .or_else(|| name.strip_prefix("self."))
            .unwrap_or(name);
        let plain = name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        let last = name.rsplit('.').next().unwrap_or(name);
        if !plain || !last.starts_with(|c: char| c.is_alphabetic() || c == '_') || names::is_url_piece(last) {
            continue;
        }
        push(name, &Expr::Ident(last.to_string()), out);
    }
}

fn push(key: &str, value: &Expr, out: &mut Vec<String>) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']'));
    if !plain || names::is_credential_name(key) {
        return;
    }
    let (shown, _) = data_item(key, value);
    if !out.contains(&shown) {
        out.push(shown);
    }
}

/// A call that adds a query parameter to the URL being built.
fn set_by_call(site: &CallSite, out: &mut Vec<String>) {
    let (receiver, method) = match site.callee.rsplit_once('.') {
        Some((r, m)) => (r, m),
        None => ("", site.callee.as_str()),
    };
    // A chain on a literal (`"https://…".toHttpUrl().newBuilder()
    // .addQueryParameter(…)`) has no name path: its method is the member.
    let method = match &site.call.callee {
        Expr::Member(_, name) if method.is_empty() => name.as_str(),
        _ => method,
    };
    let args = &site.call.args;
    let pair = || Some((args.first()?.value.as_str()?, &args.get(1)?.value));
    let key_value = match method {
        "set" | "append" if receiver.ends_with("searchParams") => pair(),
        "addQueryParameter" | "addEncodedQueryParameter" | "setQueryParameter" | "appendQueryParameter" => {
            pair()
        }
        // Ktor's request builder.
        "parameter" if receiver.is_empty() => pair(),
        // Swift `URLQueryItem(name: "q", value: query)`, or `.init(name:
        // value:)` in an array of them.
        "URLQueryItem" | "init" if receiver.is_empty() => {
            let name = site.call.arg(Some("name"), 0).and_then(Expr::as_str);
            name.zip(site.call.arg(Some("value"), 1))
        }
        // `new URLSearchParams({ q, count })`.
        "URLSearchParams" => {
            if let Some(Expr::Object(fields)) = args.first().map(|a| &a.value) {
                for (key, value) in fields {
                    push(key, value, out);
                }
            }
            None
        }
        _ => None,
    };
    if let Some((key, value)) = key_value {
        push(key, value, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::analysis::testing::at_call;

    fn keys_of(path: &str, src: &str, callee: &str, url: Option<&str>) -> Vec<String> {
        at_call(path, src, callee, |site, scope| keys(url, site, scope))
    }

    #[test]
    fn keys_written_in_the_template_without_credentials() {
        let src = "export function search(query: string) { return fetch(u); }\n";
        assert_eq!(
            keys_of(
                "a.ts",
                src,
                "fetch",
                Some("https://api.search.io/v1?q={query}&count=10&api_key={key}")
            ),
            vec!["q (search query)", "count"]
        );
    }

    #[test]
    fn path_parameters_are_data_but_bases_and_url_pieces_are_not() {
        let mut out = Vec::new();
        for url in [
            "https://api.example.com/users/{userId}/posts/{post.id}?page={page}",
            "{baseUrl}/v{apiVersion}/devices/{deviceToken}",
            "{this.server}/{path}/search/{query}",
            "/accounts/{this.accountId}/{…}",
            "{url}/{location}",
            "{scheme}://{cleaned}/websocket",
            "{server.url}/{request.path}/{request.queryItems}",
        ] {
            path_keys(url, &mut out);
        }
        assert_eq!(
            out,
            vec![
                "userId",
                "post.id",
                "deviceToken (push token)",
                "query (search query)",
                "accountId"
            ]
        );
    }

    #[test]
    fn keys_a_route_builder_type_adds() {
        let src = "enum Statuses: Endpoint {\n\
            case translate(lang: String?)\n\
            case report(comment: String)\n\
            func queryItems() -> [URLQueryItem]? {\n\
              switch self {\n\
              case .translate(let lang): return [.init(name: \"lang\", value: lang)]\n\
              case .report(let comment): return [URLQueryItem(name: \"comment\", value: comment)]\n\
              }\n\
            }\n}\n\
            enum Other { func items() -> [URLQueryItem] { [.init(name: \"page\", value: \"1\")] } }\n";
        let facts = crate::pipeline::extract::facts_of("S.swift", src);
        assert_eq!(
            builder_keys(&facts, "Statuses"),
            vec!["lang", "comment (message text)"]
        );
    }

    #[test]
    fn keys_set_on_the_url_in_the_sending_function() {
        let ts = "export async function search(query: string, country: string) {\n\
            const url = new URL('https://api.search.io/v1');\n\
            url.searchParams.set('q', query);\n\
            url.searchParams.append('country', country);\n\
            cache.set('recent', query);\n\
            return fetch(url);\n}\n";
        assert_eq!(
            keys_of("a.ts", ts, "fetch", None),
            vec!["q (search query)", "country"]
        );
        let swift = "func search(_ searchText: String) async throws {\n\
            var components = URLComponents(string: base)!\n\
            components.queryItems = [URLQueryItem(name: \"q\", value: searchText), URLQueryItem(name: \"limit\", value: \"20\")]\n\
            _ = try await URLSession.shared.data(from: components.url!)\n}\n";
        assert_eq!(
            keys_of("S.swift", swift, "URLSession.shared.data", None),
            vec!["q (search query)", "limit"]
        );
        let kotlin = "fun search(term: String) {\n\
            val url = base.toHttpUrl().newBuilder().addQueryParameter(\"term\", term).build()\n\
            client.newCall(Request.Builder().url(url).build()).execute()\n}\n";
        assert_eq!(
            keys_of("A.kt", kotlin, "client.newCall", None),
            vec!["term (search query)"]
        );
    }
}
