//! Name heuristics: credentials, URL-ish keys and origins by name.
//!
//! Names are split into lower-case words (`botToken` → `bot`, `token`;
//! `API_KEY` → `api`, `key`) before matching, so `authorId` or `monkey` are
//! not credentials while `authToken` and `api_key` are.

pub use crate::model::words::words;

const CREDENTIAL_WORDS: &[&str] = &[
    "token",
    "tokens",
    "secret",
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "auth",
    "sig",
    "signature",
    "session",
    "credential",
    "credentials",
    "jwt",
    "bearer",
    "apikey",
    "accesstoken",
    "authtoken",
    "privatekey",
    "secretkey",
    "accesskey",
];

/// Words that make a following `key` a credential (`apiKey`, `secret_key`).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "secret",
    "private",
    "client",
    "app",
    "auth",
    "subscription",
    "license",
    "dev",
    "developer",
    "master",
    "service",
    "account",
    "x",
];

/// Words that make a following `token` a push-notification address
/// (`deviceToken`, `fcmToken`, `expoPushToken`) rather than a credential.
const PUSH_QUALIFIERS: &[&str] = &[
    "push",
    "device",
    "fcm",
    "gcm",
    "apns",
    "apn",
    "voip",
    "registration",
    "notification",
    "notifications",
];

/// True when a name denotes a push token: the address a push service
/// delivers to on one device. It identifies the device (data sent, a
/// privacy matter) but grants no access, so it is not a credential.
pub fn is_push_token_name(name: &str) -> bool {
    let words = words(name);
    words.iter().enumerate().any(|(i, w)| {
        matches!(w.as_str(), "token" | "tokens") && i > 0 && PUSH_QUALIFIERS.contains(&words[i - 1].as_str())
    })
}

/// True when a variable, field or parameter name denotes a credential.
pub fn is_credential_name(name: &str) -> bool {
    let words = words(name);
    if words.is_empty() || is_push_token_name(name) {
        return false;
    }
    // `accountSid`, `authId`, `sessionId`, `messageIds`: an identifier of
    // the account, session or resource, not a secret.
    if words
        .last()
        .is_some_and(|w| matches!(w.as_str(), "id" | "ids" | "sid" | "uuid" | "guid" | "identifier"))
    {
        return false;
    }
    if words.len() == 1 && words[0] == "key" {
        return true;
    }
    words.iter().enumerate().any(|(i, w)| {
        CREDENTIAL_WORDS.contains(&w.as_str())
            || (w == "key" && i > 0 && KEY_QUALIFIERS.contains(&words[i - 1].as_str()))
    }) && !words.iter().any(|w| {
        matches!(
            w.as_str(),
            "url" | "uri" | "endpoint" | "expires" | "expiry" | "type" | "count" | "length"
        )
    })
}

/// Keys and binding names that hold a network destination.
pub fn is_url_key(name: &str) -> bool {
    let words = words(name);
    words.iter().any(|w| {
        matches!(
            w.as_str(),
            "url"
                | "uri"
                | "urls"
                | "endpoint"
                | "endpoints"
                | "host"
                | "hostname"
                | "baseurl"
                | "server"
                | "origin"
                | "webhook"
                | "api"
                | "base"
                | "proxy"
                | "gateway"
                | "upstream"
                | "remote"
                | "socket"
                | "ws"
                | "wss"
                | "href"
                | "link"
                | "domain"
        )
    })
}

/// A name that holds a piece of the URL itself: a base, path or version,
/// or a redirect's `location` resolved against the request URL.
pub fn is_url_piece(name: &str) -> bool {
    let words = words(name);
    // `queryItems`, `queryString`: the whole query, not one search query.
    let whole_query = words.len() > 1 && words.iter().any(|w| w == "query");
    whole_query
        || is_url_key(name)
        || words.iter().any(|w| {
            matches!(
                w.as_str(),
                "path" | "route" | "prefix" | "version" | "segment" | "suffix" | "location" | "redirect"
            )
        })
}

/// Roots of member chains that hold configuration.
pub fn is_config_root(name: &str) -> bool {
    let words = words(name);
    words.iter().any(|w| {
        matches!(
            w.as_str(),
            "config"
                | "cfg"
                | "conf"
                | "settings"
                | "options"
                | "opts"
                | "env"
                | "environment"
                | "preferences"
                | "prefs"
                | "defaults"
                | "props"
                | "params"
                | "args"
                | "flags"
                | "argv"
                | "configuration"
                | "buildconfig"
        )
    })
}

/// Roots of member chains that hold data from a response.
pub fn is_response_root(name: &str) -> bool {
    matches!(
        words(name).last().map(String::as_str),
        Some(
            "response"
                | "res"
                | "resp"
                | "json"
                | "data"
                | "payload"
                | "result"
                | "body"
                | "location"
                | "redirect"
        )
    )
}

/// Roots that hold end-user input (request bodies, chat messages, CLI input).
pub fn is_user_root(name: &str) -> bool {
    matches!(
        words(name).first().map(String::as_str),
        Some(
            "req"
                | "request"
                | "ctx"
                | "message"
                | "msg"
                | "input"
                | "user"
                | "query"
                | "form"
                | "event"
                | "update"
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("botToken"), vec!["bot", "token"]);
        assert_eq!(words("API_KEY"), vec!["api", "key"]);
        assert_eq!(words("OAuthState"), vec!["oauth", "state"]);
        assert_eq!(words("x-api-key"), vec!["x", "api", "key"]);
    }

    #[test]
    fn credentials() {
        for yes in [
            "token",
            "botToken",
            "apiKey",
            "API_KEY",
            "key",
            "client_secret",
            "password",
            "session",
            "accessToken",
            "sig",
        ] {
            assert!(is_credential_name(yes), "{yes}");
        }
        for no in [
            "cacheKey",
            "authorId",
            "sessionId",
            "accountSid",
            "authId",
            "sid",
            "monkey",
            "keyword",
            "sortKey",
            "oauthState",
            "tokenUrl",
            "model",
            "id",
            "deviceToken",
            "pushToken",
            "fcmToken",
            "FCM_TOKEN",
            "apnsToken",
            "APNSToken",
            "registrationToken",
            "expoPushToken",
            "voipPushToken",
        ] {
            assert!(!is_credential_name(no), "{no}");
        }
    }

    #[test]
    fn push_tokens() {
        for yes in [
            "deviceToken",
            "expoPushToken",
            "fcm_token",
            "APNSToken",
            "registrationTokens",
        ] {
            assert!(is_push_token_name(yes), "{yes}");
        }
        // Credentials stay credentials.
        let credentials = [
            "token",
            "accessToken",
            "authToken",
            "apiToken",
            "refreshToken",
            "pushAuthToken",
        ];
        for no in credentials.iter().chain(&["deviceId"]) {
            assert!(!is_push_token_name(no), "{no}");
        }
        for still in credentials {
            assert!(is_credential_name(still), "{still}");
        }
    }

    #[test]
    fn url_keys() {
        assert!(is_url_key("baseURL"));
        assert!(is_url_key("API_BASE"));
        assert!(is_url_key("webhookUrl"));
        assert!(!is_url_key("message"));
    }
}
