//! With what data, under which credential: the auth and data sent of
//! communications "via library" (SDK clients and their data-carrying
//! methods, from the catalog's `sends`), over `fixtures/assistant-bot`
//! (TypeScript) and the OpenAI clients of `fixtures/ledger-ios` (Swift) and
//! `fixtures/orders-android` (Kotlin).

use crate::common::scan_json;

/// `(auth, data sent)` of the communication titled `title`.
fn communication(fixture: &str, title: &str) -> (String, Vec<String>) {
    let report = scan_json(&[fixture]);
    let c = report["communications"]
        .as_array()
        .expect("communications")
        .iter()
        .find(|c| c["title"] == title)
        .unwrap_or_else(|| panic!("no {title} communication in {fixture}"))
        .clone();
    let data = c["data_sent"]
        .as_array()
        .map(|d| d.iter().filter_map(|x| x.as_str().map(String::from)).collect())
        .unwrap_or_default();
    (c["auth"].as_str().unwrap_or("").to_string(), data)
}

#[test]
fn sdk_methods_send_their_arguments_and_clients_carry_their_credential() {
    let bot = "fixtures/assistant-bot";
    let (auth, data) = communication(bot, "OpenAI");
    assert_eq!(
        auth,
        "`apiKey` given to the `OpenAI` client (env `OPENAI_API_KEY`); the library sends it"
    );
    assert_eq!(data, ["messages (message text)", "model"]);
    let (auth, data) = communication(bot, "Telegram Bot API");
    assert_eq!(
        auth,
        "Credential given to the `Bot` client (env `TELEGRAM_BOT_TOKEN`); the library sends it"
    );
    assert_eq!(data, ["chat id", "message text"]);
    let (auth, data) = communication(bot, "Slack");
    assert!(auth.contains("`settings.slackBotToken`"), "{auth}");
    assert_eq!(data, ["channel", "text (message text)"]);
    // `new PutObjectCommand({ Bucket, Key, Body })` handed to `s3.send`.
    let (auth, data) = communication(bot, "AWS S3");
    assert_eq!(
        auth, "",
        "an S3 client without credentials uses the default chain"
    );
    assert_eq!(data, ["Body (file contents)", "Bucket", "Key (object name)"]);
}

#[test]
fn swift_and_kotlin_sdk_clients_send_the_request_they_are_handed() {
    for (fixture, key) in [
        ("fixtures/ledger-ios", "apiToken"),
        ("fixtures/orders-android", "token"),
    ] {
        let (auth, data) = communication(fixture, "OpenAI");
        assert!(
            auth.starts_with(&format!("`{key}` given to the `OpenAI` client")),
            "{auth}"
        );
        assert_eq!(data, ["messages (message text)", "model"], "{fixture}");
    }
}

#[test]
fn a_local_class_constructed_with_an_api_key_is_not_an_sdk_credential() {
    let report = scan_json(&["fixtures/assistant-bot"]);
    let auth: Vec<&str> = report["communications"]
        .as_array()
        .expect("communications")
        .iter()
        .filter_map(|c| c["auth"].as_str())
        .collect();
    assert!(auth.iter().all(|a| !a.contains("MemoryCache")), "{auth:?}");
}

#[test]
fn analytics_and_error_reporting_sdks_send_events_users_and_errors() {
    let web = "fixtures/telemetry-web";
    let (_, data) = communication(web, "PostHog");
    for wanted in ["user id", "event name", "step", "cart_value", "plan"] {
        assert!(data.iter().any(|d| d == wanted), "missing {wanted} in {data:?}");
    }
    let (_, data) = communication(web, "Sentry");
    assert!(data.iter().any(|d| d == "error report"), "{data:?}");
}

#[test]
fn each_data_carrying_sdk_call_is_listed_with_what_it_sends() {
    let report = scan_json(&["fixtures/assistant-bot"]);
    let calls: Vec<String> = report["communications"]
        .as_array()
        .expect("communications")
        .iter()
        .flat_map(|c| c["library_calls"].as_array().cloned().unwrap_or_default())
        .map(|call| {
            let data: Vec<&str> = call["data_sent"]
                .as_array()
                .map(|d| d.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            format!(
                "{}:{} {} — {}",
                call["file"].as_str().unwrap_or(""),
                call["line"],
                call["method"].as_str().unwrap_or(""),
                data.join(", ")
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            "src/archive.ts:7 PutObjectCommand — Bucket, Key (object name), Body (file contents)",
            "src/llm.ts:7 openai.chat.completions.create — model, messages (message text)",
            "src/slack.ts:8 slack.chat.postMessage — channel, text (message text)",
            "src/telegram.ts:9 bot.api.sendMessage — chat id, message text",
        ]
    );
}

#[test]
fn a_purchase_sdk_sends_the_user_and_the_receipt_whatever_its_arguments() {
    let report = scan_json(&["fixtures/ledger-ios"]);
    let revenuecat = report["communications"]
        .as_array()
        .expect("communications")
        .iter()
        .find(|c| c["title"] == "RevenueCat")
        .expect("RevenueCat communication")
        .clone();
    let calls: Vec<String> = revenuecat["library_calls"]
        .as_array()
        .expect("library calls")
        .iter()
        .map(|c| format!("{} {}", c["line"], c["method"].as_str().unwrap_or("")))
        .collect();
    // The bare `purchase(product)` is the project's own method.
    assert_eq!(
        calls,
        ["7 Purchases.shared.logIn", "11 Purchases.shared.purchase"]
    );
    let data: Vec<&str> = revenuecat["data_sent"]
        .as_array()
        .expect("data sent")
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert_eq!(data, ["product", "purchase receipt", "user id"]);
}
