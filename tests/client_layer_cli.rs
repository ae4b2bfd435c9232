//! Calls through an app's own client layer, over `fixtures/shop-web`
//! (TypeScript), `fixtures/ledger-ios` (Swift) and `fixtures/orders-android`
//! (Kotlin): class hierarchies, mixins, extensions with implicit `self`,
//! typed and injected fields, shared instances, Retrofit interfaces and
//! objects of network-client packages. Each fixture also holds the look-alike
//! that must not become a call (`Map.get`, `UIButton.setImage`, `HashMap.get`,
//! a view model that only calls a repository).

use crate::common::scan_json;

/// One line per call of the fixture, as `line` renders it (`None` skips
/// the call).
fn each_call(fixture: &str, line: impl Fn(&serde_json::Value) -> Option<String>) -> Vec<String> {
    let report = scan_json(&[fixture]);
    report["calls"]
        .as_array()
        .expect("calls")
        .iter()
        .filter_map(line)
        .collect()
}

/// `file:line api url function` of every call of the fixture.
fn calls(fixture: &str) -> Vec<String> {
    each_call(fixture, |c| {
        Some(format!(
            "{}:{} {} {} {}",
            c["file"].as_str().unwrap_or(""),
            c["line"],
            c["api"].as_str().unwrap_or(""),
            c["url"].as_str().unwrap_or(""),
            c["function"].as_str().unwrap_or("")
        ))
    })
}

fn has(calls: &[String], wanted: &str) -> bool {
    calls.iter().any(|c| c == wanted)
}

#[test]
fn typescript_mixins_subclasses_typed_fields_and_client_packages_are_call_sites() {
    let calls = calls("fixtures/shop-web");
    for wanted in [
        // Mixin methods reach `send` of the base they are composed with.
        "src/api/orders.ts:8 fetch https://api.shopfront.example/v2/orders/open OrderEndpoints.listOrders",
        "src/api/orders.ts:13 fetch https://api.shopfront.example/v2/orders/{orderId}/cancel OrderEndpoints.cancelOrder",
        // A route-builder method of the base class resolves into the URL.
        "src/api/orders.ts:10 fetch https://api.shopfront.example/v2/eu/orders/archived OrderEndpoints.listArchived",
        "src/api/invoices.ts:8 fetch https://api.shopfront.example/v2/invoices/{invoiceId}.pdf InvoiceEndpoints.downloadInvoice",
        // A field typed with an export of a network-client package.
        "src/http/client.ts:8 acme-http-client https://accounts.shopfront.example/users/{userId} AccountClient.profile",
        // A field whose declared type is the app's wrapper class, also from a subclass in another file.
        "src/services/loyalty.ts:7 fetch {this.baseUrl}/loyalty/{memberId}/points LoyaltyService.points",
        "src/services/premium-loyalty.ts:6 fetch {this.baseUrl}/loyalty/{memberId}/perks PremiumLoyaltyService.perks",
        // A package client reached through a getter (`get current() { return this.sdk }`).
        "src/api/sdk.ts:17 @acme/sdk {server}/{endpoint} Sdk.post",
        // Fetch held in a value: a fallback to a helper's return, and `fetch.bind`.
        "src/http/fetch-json.ts:10 fetch {url} fetchJson",
        "src/http/fetch-json.ts:18 fetch https://status.shopfront.example/ping ping",
        "src/services/stock.ts:4 fetch https://inventory.shopfront.example/stock/{sku} stockLevel",
        // A class whose constructor takes the URL: the construction is the call site.
        "src/services/avatar.ts:4 XMLHttpRequest https://uploads.shopfront.example/avatars uploadAvatar",
        // A constructor that sets the request up is called by its class's name.
        "src/services/media.ts:4 XMLHttpRequest https://media.shopfront.example/banners uploadBanner",
        // A WebSocket client class: opened in `connect`, called on a module-level instance.
        "src/realtime/live-feed.ts:6 WebSocket {url} LiveFeed.connect",
        "src/services/live.ts:6 WebSocket wss://live.shopfront.example/orders startLiveOrders",
        // The API layer: one function per route, and the screen calling it.
        "src/api/rest.ts:4 @acme/sdk {server}/users.forgotPassword forgotPassword",
        "src/screens/ForgotPasswordScreen.tsx:5 @acme/sdk {server}/users.forgotPassword submit",
        // The same through a renamed import (`markRead as markRoomRead`).
        "src/screens/RoomScreen.tsx:5 @acme/sdk {server}/subscriptions.read open",
    ] {
        assert!(has(&calls, wanted), "missing {wanted} in {calls:#?}");
    }
    assert!(
        calls.iter().all(|c| !c.starts_with("src/store/")),
        "Map.get is not a request: {calls:#?}"
    );
}

#[test]
fn swift_extensions_protocol_typed_properties_and_shared_instances_are_call_sites() {
    let calls = calls("fixtures/ledger-ios");
    for wanted in [
        // Implicit `self` in an extension declared in another file.
        "Sources/Ledger/Network/Backend+Invoices.swift:6 URLSession invoices Backend.loadInvoices",
        "Sources/Ledger/Network/Backend+Invoices.swift:10 URLSession invoices/{invoiceId}/archive Backend.archiveInvoice",
        // A property typed with a protocol the wrapper's class adopts.
        "Sources/Ledger/Features/InvoiceStore.swift:12 URLSession invoices/recent InvoiceStore.refresh",
        // The shared instance.
        "Sources/Ledger/Features/ReceiptsScreen.swift:6 URLSession receipts ReceiptsScreen.reload",
        // The URL builder `makeURL(endpoint:)` carries the parameter into the request.
        "Sources/Ledger/Network/Backend.swift:35 URLSession {endpoint} Backend.call",
        // A base URL returned by a static function.
        "Sources/Ledger/Network/StatusCheck.swift:15 URLSession https://status.ledger-app.io/summary.json StatusCheck.run",
        // A generic request method (`perform<R: APIRequest>(_ request: R)`): the
        // adopting struct is a route builder, the method handing one over
        // defines a request, and its caller is a call site.
        "Sources/Ledger/Network/LedgerClient.swift:7 URLSession https://api.ledger.example/v2/{BalanceRequest.path} BalanceRequest",
        "Sources/Ledger/Network/LedgerClient.swift:24 URLSession https://api.ledger.example/v2/{BalanceRequest.path} LedgerClient.balance",
        // The same with the request bound to a local first.
        "Sources/Ledger/Network/LedgerClient.swift:29 URLSession https://api.ledger.example/v2/{request.path} LedgerClient.history",
        "Sources/Ledger/Features/BalanceWidget.swift:8 URLSession https://api.ledger.example/v2/{BalanceRequest.path} BalanceWidget.refresh",
        // A route builder: an enum adopting the type of the wrapper's URL parameter.
        "Sources/Ledger/Network/Endpoint.swift:9 URLSession {Statements.path} Statements",
    ] {
        assert!(has(&calls, wanted), "missing {wanted} in {calls:#?}");
    }
    assert!(
        calls.iter().all(|c| !c.ends_with(" Currency")),
        "an enum with a String raw type is not a route builder: {calls:#?}"
    );
    assert!(
        calls.iter().all(|c| !c.contains("ThumbnailCell.clear")),
        "UIButton.setImage is not ImageLoader.setImage: {calls:#?}"
    );
}

#[test]
fn kotlin_injected_retrofit_interfaces_and_inherited_methods_are_call_sites() {
    let calls = calls("fixtures/orders-android");
    let root = "app/src/main/java/com/example/orders";
    for wanted in [
        // Callers of an injected Retrofit interface, with the route rebuilt.
        format!("{root}/data/OrderRepository.kt:9 Retrofit https://orders.example.com/api/orders/{{id}} OrderRepository.load"),
        format!("{root}/data/OrderRepository.kt:11 Retrofit https://orders.example.com/api/orders/{{id}}/cancel OrderRepository.cancel"),
        // A dynamic `@Url` parameter: the caller's argument is the URL.
        format!("{root}/data/OrderRepository.kt:17 Retrofit https://cdn.orders.example.com/terms.pdf OrderRepository.terms"),
        // A base URL from a property getter, through a function's return value.
        format!("{root}/net/Hosts.kt:15 OkHttp https://telemetry.staging.example.com/ping Pinger.ping"),
        // An inherited method called without a receiver.
        format!("{root}/net/Backend.kt:19 OkHttp https://reports.example.com/daily/{{day}} ReportsBackend.daily"),
    ] {
        assert!(has(&calls, &wanted), "missing {wanted} in {calls:#?}");
    }
    assert!(
        calls.iter().all(|c| !c.contains("/ui/")),
        "a view model calling a repository is not a network file: {calls:#?}"
    );
}

#[test]
fn a_redirect_followed_by_recursion_without_a_host_check_is_reported() {
    let findings = redirect_findings("fixtures/shop-web");
    assert_eq!(findings, ["src/tools/download-assets.js:7"], "{findings:?}");
}

/// The `file:line` of each `egress/redirect-without-host-check` of a fixture.
fn redirect_findings(fixture: &str) -> Vec<String> {
    let report = scan_json(&[fixture]);
    crate::common::findings(&report, "egress/redirect-without-host-check")
        .iter()
        .map(|f| format!("{}:{}", f["file"].as_str().unwrap_or(""), f["line"]))
        .collect()
}

#[test]
fn swift_and_kotlin_redirects_followed_by_recursion_are_reported() {
    assert_eq!(
        redirect_findings("fixtures/ledger-ios"),
        ["Sources/Ledger/Network/ReceiptDownloader.swift:12"]
    );
    assert_eq!(
        redirect_findings("fixtures/orders-android"),
        ["app/src/main/java/com/example/orders/net/AssetDownloader.kt:10"]
    );
}

/// `function: auth` of every call of the fixture that carries auth.
fn call_auth(fixture: &str) -> Vec<String> {
    each_call(fixture, |c| {
        Some(format!(
            "{}: {}",
            c["function"].as_str().unwrap_or(""),
            c["auth"].as_str()?
        ))
    })
}

#[test]
fn auth_set_on_the_request_in_a_helper_or_by_a_client_interceptor_reaches_every_caller() {
    // A header set on a `Headers` object before the call, and inherited by
    // the callers of the wrapper, with the credential's source.
    let web = call_auth("fixtures/shop-web");
    for wanted in [
        "Transport.get: `X-Api-Key` header (env `SHOP_API_KEY`)",
        "LoyaltyService.points: `X-Api-Key` header (env `SHOP_API_KEY`)",
    ] {
        assert!(web.iter().any(|a| a == wanted), "missing {wanted} in {web:#?}");
    }
    // A header set by a helper of the client class (`authorize(&request)`).
    let ios = call_auth("fixtures/ledger-ios");
    for wanted in [
        "Backend.call: Bearer in Authorization header (from `Keychain.token`)",
        "InvoiceStore.refresh: Bearer in Authorization header (from `Keychain.token`)",
    ] {
        assert!(ios.iter().any(|a| a == wanted), "missing {wanted} in {ios:#?}");
    }
    // An OkHttp interceptor installed on the client Retrofit uses signs the
    // routes and their callers.
    let android = call_auth("fixtures/orders-android");
    let hooked = "Bearer in Authorization header (set by the Retrofit client's request hooks)";
    for function in ["OrdersApi.cancelOrder", "OrderRepository.cancel"] {
        let wanted = format!("{function}: {hooked}");
        assert!(android.contains(&wanted), "missing {wanted} in {android:#?}");
    }
    // The requests of other clients do not inherit it.
    assert!(android.iter().all(|a| !a.starts_with("Backend.")), "{android:#?}");
}

#[test]
fn stun_and_turn_servers_handed_to_webrtc_are_endpoints() {
    for (fixture, wanted) in [
        (
            "fixtures/ledger-ios",
            &[
                "stun:stun.ledger-rtc.net:3478",
                "turns:turn.ledger-rtc.net:5349?transport=tcp",
            ][..],
        ),
        ("fixtures/orders-android", &["stun:stun.orders-rtc.net:3478"][..]),
    ] {
        let report = scan_json(&[fixture]);
        let urls: Vec<&str> = report["endpoints"]
            .as_array()
            .expect("endpoints")
            .iter()
            .filter_map(|e| e["url"].as_str())
            .collect();
        for url in wanted {
            assert!(urls.contains(url), "missing {url} in {urls:#?}");
        }
    }
}

#[test]
fn every_literal_a_base_url_function_returns_is_an_endpoint() {
    // `isProduction() ? "https://status.ledger-app.io/" : "https://status.staging.ledger-app.io/"`
    let report = scan_json(&["fixtures/ledger-ios"]);
    let hosts: Vec<&str> = report["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .filter_map(|e| e["host"].as_str())
        .collect();
    for host in ["status.ledger-app.io", "status.staging.ledger-app.io"] {
        assert!(hosts.contains(&host), "missing {host} in {hosts:#?}");
    }
}

/// `function: data sent` of every call of the fixture that sends data.
fn call_data(fixture: &str) -> Vec<String> {
    each_call(fixture, |c| {
        let data: Vec<&str> = c["data_sent"]
            .as_array()?
            .iter()
            .filter_map(|d| d.as_str())
            .collect();
        Some(format!(
            "{}: {}",
            c["function"].as_str().unwrap_or(""),
            data.join(", ")
        ))
    })
}

#[test]
fn query_path_and_body_data_are_data_sent() {
    for (fixture, wanted) in [
        // `url.searchParams.set("q", query)` before `fetch(url)`.
        ("fixtures/chatbot", "webSearch: q (search query), count"),
        // `URLQueryItem(name: "q", value: text)` on the components sent.
        (
            "fixtures/ledger-ios",
            "MerchantSearch.search: q (message text), city",
        ),
        // `HttpUrl.Builder().addQueryParameter("text", query)`.
        (
            "fixtures/orders-android",
            "AddressLookup.complete: postcode, text (message text)",
        ),
        // Retrofit `@Query("q") text`, and `@Body order: NewOrder`: the
        // fields of the project's data class.
        (
            "fixtures/orders-android",
            "OrdersApi.search: q (search query), status",
        ),
        (
            "fixtures/orders-android",
            "OrderRepository.place: items, note, deliveryAddress (personal data), phone (personal data)",
        ),
        // Path parameters of the URL template.
        ("fixtures/orders-android", "OrdersApi.order: id"),
        ("fixtures/ledger-ios", "Backend.archiveInvoice: invoiceId"),
        // A body a helper returns, and a value of an interface type.
        (
            "fixtures/shop-web",
            "sendFeedback: email (personal data), locale, message (message text), rating",
        ),
        (
            "fixtures/shop-web",
            "sendRating: email (personal data), message (message text), rating",
        ),
        // A route builder's case handed to the client: its labelled
        // arguments, and the fields of the body among them.
        ("fixtures/ledger-ios", "StatementsScreen.open: month"),
        (
            "fixtures/ledger-ios",
            "StatementsScreen.dispute: statementId, reason, contactEmail (personal data)",
        ),
        // `JSONEncoder().encode(report)` of an `Encodable` struct.
        (
            "fixtures/ledger-ios",
            "FeedbackSender.submit: appVersion, email (personal data), message (message text)",
        ),
        // A route builder enum's `queryItems()`.
        ("fixtures/ledger-ios", "Statements: format"),
        // The caller of a route sends what the route's parameters carry.
        (
            "fixtures/orders-android",
            "OrderRepository.find: q (search query), status",
        ),
    ] {
        let data = call_data(fixture);
        assert!(data.iter().any(|d| d == wanted), "missing {wanted} in {data:#?}");
    }
}
