//! What the Java queries (`queries/java/*.scm`) and lowering extract from
//! a file: imports, constants, functions, types and annotations.

use crate::model::Expr;

#[test]
fn extraction_of_a_java_file() {
    let src = r#"package com.acme;

import okhttp3.OkHttpClient;
import static com.acme.Config.BASE_URL;
import java.net.*;

public class Api extends Base implements Closeable, Client<String> {
public static final String HOST = "https://api.acme.io";
private static final String SECRET = "s3cret";
private final OkHttpClient http;
static final long TIMEOUT = 10;

public Api(OkHttpClient http) { this.http = http; }

public String send(String path, String... parts) {
    String cleared = null;
    String url = HOST + path;
    return url;
}

interface Routes {
    @GET("v1/items")
    Call<String> items(@Query("api_key") String key);
}
}
"#;
    let facts = super::facts_of("Api.java", src);
    let imports: Vec<(&str, Vec<&str>)> = facts
        .imports
        .iter()
        .map(|i| (i.source.as_str(), i.names.iter().map(String::as_str).collect()))
        .collect();
    assert!(
        imports.contains(&("okhttp3.OkHttpClient", vec!["OkHttpClient"])),
        "{imports:?}"
    );
    assert!(
        imports.contains(&("com.acme.Config.BASE_URL", vec!["BASE_URL"])),
        "{imports:?}"
    );
    assert!(imports.iter().any(|(s, _)| *s == "java.net"), "{imports:?}");
    let binding = |name: &str| facts.bindings.iter().find(|b| b.name == name);
    let host = binding("HOST").expect("HOST");
    assert!(host.exported && host.function.is_none());
    assert_eq!(host.value, Expr::Str("https://api.acme.io".into()));
    assert!(!binding("SECRET").expect("SECRET").exported);
    assert!(binding("TIMEOUT").expect("TIMEOUT").exported);
    // `x = null` says nothing about what `x` holds where it is used.
    assert!(binding("cleared").is_none());
    let this_http = binding("this.http").expect("this.http");
    assert_eq!(this_http.function.as_deref(), Some("Api.constructor"));
    assert_eq!(binding("url").expect("url").function.as_deref(), Some("Api.send"));
    // The first return of a method is read as its value.
    assert!(binding("Api.send()").is_some());
    let functions: Vec<(&str, Vec<&str>)> = facts
        .functions
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.params.iter().map(|p| p.name.as_str()).collect(),
            )
        })
        .collect();
    assert!(
        functions.contains(&("Api.constructor", vec!["http"])),
        "{functions:?}"
    );
    assert!(
        functions.contains(&("Api.send", vec!["path", "parts"])),
        "{functions:?}"
    );
    assert!(
        functions.contains(&("Routes.items", vec!["key"])),
        "{functions:?}"
    );
    let api = facts.types.iter().find(|t| t.name == "Api").expect("Api");
    assert_eq!(api.supertypes, ["Base", "Closeable", "Client"]);
    let http = facts
        .typed
        .iter()
        .find(|t| t.name == "http" && t.function.is_none());
    assert_eq!(
        http.map(|t| (t.type_name.as_str(), t.class.as_deref())),
        Some(("OkHttpClient", Some("Api")))
    );
    // `@Query("api_key") String key` is a call of `Query` bound to `key`.
    let query = facts.calls.iter().find(|c| c.callee == "Query").expect("@Query");
    assert_eq!(query.assigned_to.as_deref(), Some("key"));
    assert_eq!(query.function.as_deref(), Some("Routes.items"));
    let get = facts.calls.iter().find(|c| c.callee == "GET").expect("@GET");
    assert_eq!(get.function.as_deref(), Some("Routes.items"));
}
