//! Splitting URLs into scheme and host, and classifying hosts.
//!
//! URLs are split as a WHATWG URL parser (Node's `fetch`, `new URL`,
//! browsers) splits them, so that the host reported is the host connected
//! to: `\\` ends the authority like `/`, user-info before the last `@` is
//! dropped, and the host is percent-decoded and IDNA-mapped (`url` crate).
//! A host holding a `{placeholder}` (an unknown part rendered by the
//! analysis) is kept as written.

use std::borrow::Cow;

/// Scheme, host (with port) and the rest of a rendered URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts<'a> {
    pub scheme: &'a str,
    /// The host as a WHATWG parser reads it (lower case, punycode, IPv4
    /// numbers in dotted form), with `:port` when one is written; a
    /// placeholder host is kept as written.
    pub host: Cow<'a, str>,
    pub rest: &'a str,
}

const SCHEMES: &[&str] = &[
    "https", "http", "wss", "ws", "grpc", "grpcs", "stun", "stuns", "turn", "turns", "tcp", "udp", "tls",
];

/// Does `url` start with a scheme that does not reach the network: an
/// app's own deep link (`myapp://agent?…`), a key URI handed to another app
/// (`otpauth://totp/…`), a file, `mailto:`/`tel:`/`data:`? A credential in
/// such a URL is not sent over the network by this request.
pub fn has_local_scheme(url: &str) -> bool {
    let Some((scheme, after)) = url.split_once(':') else {
        return false;
    };
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return false;
    }
    let scheme = scheme.to_ascii_lowercase();
    if SCHEMES.contains(&scheme.as_str()) || matches!(scheme.as_str(), "ftp" | "ftps") {
        return false;
    }
    // `host:8080/path` has no `//`: a port, not a scheme.
    after.starts_with("//")
        || matches!(
            scheme.as_str(),
            "mailto" | "tel" | "sms" | "data" | "javascript" | "blob" | "about" | "intent" | "file"
        )
}

/// Schemes a WHATWG parser treats as special: any run of `/` and `\\`
/// follows the scheme.
const SPECIAL: &[&str] = &["https", "http", "wss", "ws"];

/// Splits `scheme://host[:port]/rest`. Returns `None` for non-network
/// schemes and for URLs whose host a URL parser rejects.
pub fn split(url: &str) -> Option<UrlParts<'_>> {
    // Leading C0 controls and spaces are ignored by URL parsers.
    let url = url.trim_start_matches(|c: char| c <= ' ');
    let (scheme, after) = url.split_once(':')?;
    if !SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
        return None;
    }
    // WebRTC ICE servers: `stun:host:port`, `turn:host:port?transport=tcp`.
    if ["stun", "stuns", "turn", "turns"]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(scheme))
        && !after.starts_with("//")
    {
        let end = after.find(['?', '/']).unwrap_or(after.len());
        let host = &after[..end];
        return (!host.is_empty()).then_some(UrlParts {
            scheme,
            host: Cow::Borrowed(host),
            rest: &after[end..],
        });
    }
    let after = if SPECIAL.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
        let slashes = after.len() - after.trim_start_matches(['/', '\\']).len();
        if slashes < 2 {
            return None;
        }
        &after[slashes..]
    } else {
        after.strip_prefix("//")?
    };
    // `\\` ends the authority of special URLs; for the other schemes it is
    // taken as a separator too, so the host reported is never one written
    // after it.
    let mut end = after.find(['/', '\\', '?', '#']).unwrap_or(after.len());
    // `{API}{path}` with `API = "https://api.example.com"`: a placeholder
    // right after a whole host name starts the path (a port has its `:`).
    if let Some(brace) = after[..end].find('{').filter(|&at| at > 0) {
        let before = &after[..brace];
        let whole_host = !before.contains('{')
            && before
                .rsplit_once('.')
                .is_some_and(|(_, tld)| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
        if whole_host {
            end = brace;
        }
    }
    let authority = &after[..end];
    let rest = &after[end..];
    // Drop user-info: everything up to the last `@`.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.is_empty() {
        return None;
    }
    let host = if host_port.contains('{') {
        Cow::Borrowed(host_port)
    } else {
        Cow::Owned(parse_host_port(host_port)?)
    };
    Some(UrlParts { scheme, host, rest })
}

/// `host[:port]` as a WHATWG parser reads it; `None` when it rejects it.
fn parse_host_port(host_port: &str) -> Option<String> {
    // Tabs and line breaks are removed before parsing.
    let cleaned: Cow<str> = if host_port.contains(['\t', '\n', '\r']) {
        Cow::Owned(host_port.replace(['\t', '\n', '\r'], ""))
    } else {
        Cow::Borrowed(host_port)
    };
    let (host, port) = if cleaned.starts_with('[') {
        let close = cleaned.find(']')?;
        let (host, tail) = cleaned.split_at(close + 1);
        match tail {
            "" => (host, None),
            _ => (host, Some(tail.strip_prefix(':')?)),
        }
    } else {
        match cleaned.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (&*cleaned, None),
        }
    };
    let parsed = url::Host::parse(host).ok()?;
    let mut out = match parsed {
        url::Host::Domain(domain) => domain,
        url::Host::Ipv4(address) => address.to_string(),
        url::Host::Ipv6(address) => format!("[{address}]"),
    };
    if out.is_empty() {
        return None;
    }
    match port {
        None | Some("") => {}
        Some(port) if port.bytes().all(|b| b.is_ascii_digit()) => {
            let digits = port.trim_start_matches('0');
            let number: u16 = if digits.is_empty() {
                0
            } else {
                digits.parse().ok()?
            };
            out.push(':');
            out.push_str(&number.to_string());
        }
        Some(_) => return None,
    }
    Some(out)
}

/// Host without port, lower-cased.
pub fn hostname(host: &str) -> String {
    let host = host.trim();
    let bare = if let Some(inner) = host.strip_prefix('[') {
        inner.split(']').next().unwrap_or(inner)
    } else {
        host.rsplit_once(':')
            .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit() || c == '{' || c == '}'))
            .map_or(host, |(h, _)| h)
    };
    bare.to_ascii_lowercase()
}

/// Loopback and unspecified addresses: never reported as plaintext or
/// hard-coded third parties.
pub fn is_loopback(host: &str) -> bool {
    let h = hostname(host);
    h == "localhost"
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || h == "::1"
        || h == "0.0.0.0"
        || h == "[::1]"
        || h == "host.docker.internal"
}

/// Cloud instance-metadata services: reachable only from the host itself and
/// served over plain HTTP by design, so not a plaintext-transport finding.
pub fn is_metadata_service(host: &str) -> bool {
    let h = hostname(host);
    h == "169.254.169.254" || h == "metadata.google.internal" || h == "169.254.170.2" || h == "fd00:ec2::254"
}

/// RFC 1918 / link-local / mDNS names: category `local` in the inventory.
pub fn is_private(host: &str) -> bool {
    let h = hostname(host);
    h.starts_with("10.")
        || h.starts_with("192.168.")
        || h.starts_with("169.254.")
        || h.ends_with(".local")
        || h.ends_with(".lan")
        || h.ends_with(".internal")
        || (h.starts_with("172.")
            && h.split('.')
                .nth(1)
                .and_then(|o| o.parse::<u8>().ok())
                .is_some_and(|o| (16..=31).contains(&o)))
}

/// Documentation and namespace hosts that are references, never endpoints.
pub fn is_documentation(host: &str) -> bool {
    let h = hostname(host);
    const DOC_HOSTS: &[&str] = &[
        "example.com",
        "example.org",
        "example.net",
        "schema.org",
        "www.w3.org",
        "w3.org",
        "json-schema.org",
        "xmlns.com",
        "purl.org",
        "www.apache.org",
        "opensource.org",
        "spdx.org",
        "creativecommons.org",
        "developer.mozilla.org",
        "www.gnu.org",
        "docs.oracle.com",
        "tools.ietf.org",
        "datatracker.ietf.org",
        "www.rfc-editor.org",
        "ns.adobe.com",
        "schemas.android.com",
        "schemas.microsoft.com",
        "schemas.xmlsoap.org",
        "www.apple.com/dtds",
    ];
    DOC_HOSTS.iter().any(|d| h == *d || h.ends_with(&format!(".{d}")))
        || h.ends_with(".example")
        || h.ends_with(".test")
        || h.ends_with(".invalid")
        || h == "example"
        || h.contains('{') && h.len() < 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls() {
        let p = split("https://api.x.com:8443/v1?q=1").unwrap();
        assert_eq!(
            (p.scheme, &*p.host, p.rest),
            ("https", "api.x.com:8443", "/v1?q=1")
        );
        assert!(split("mailto:a@b.c").is_none());
        assert!(split("file:///etc").is_none());
        let ice = split("turn:turn.media-vendor.io:3478?transport=tcp").unwrap();
        assert_eq!((ice.scheme, &*ice.host), ("turn", "turn.media-vendor.io:3478"));
        assert_eq!(split("wss://user:pw@gw.x.io").unwrap().host, "gw.x.io");
    }

    #[test]
    fn a_placeholder_after_a_whole_host_starts_the_path() {
        let parts = |url: &str| split(url).map(|p| (p.host.into_owned(), p.rest.to_string()));
        assert_eq!(
            parts("https://api.shop.example{path}"),
            Some(("api.shop.example".into(), "{path}".into()))
        );
        assert_eq!(
            parts("https://{region}.api.example.com/v1").unwrap().0,
            "{region}.api.example.com"
        );
        assert_eq!(parts("https://api.{domain}/v1").unwrap().0, "api.{domain}");
        assert_eq!(
            parts("https://api.example.com:{port}/v1").unwrap().0,
            "api.example.com:{port}"
        );
    }

    #[test]
    fn splits_as_a_whatwg_parser() {
        let host = |url: &str| split(url).map(|p| p.host.into_owned());
        // A backslash ends the authority: Node connects to evil.net.
        assert_eq!(
            host(r"https://evil.net\@api.openai.com/v1").as_deref(),
            Some("evil.net")
        );
        assert_eq!(
            host("https://evil.net/@api.openai.com/").as_deref(),
            Some("evil.net")
        );
        assert_eq!(host(r"https:\\evil.net/x").as_deref(), Some("evil.net"));
        assert_eq!(
            host("https://u:p@Evil.NET:0443/").as_deref(),
            Some("evil.net:443")
        );
        assert_eq!(
            host("https://api.openai.com%2eevil.net/").as_deref(),
            Some("api.openai.com.evil.net")
        );
        assert_eq!(host("http://0x7f.1/").as_deref(), Some("127.0.0.1"));
        assert_eq!(
            host("https://b\u{fc}cher.de/").as_deref(),
            Some("xn--bcher-kva.de")
        );
        assert_eq!(host("http://[::1]:8080/").as_deref(), Some("[::1]:8080"));
        assert_eq!(host("https://evil.net:x/"), None);
        // Placeholders are kept as written.
        assert_eq!(host("https://{host}:8443/v1").as_deref(), Some("{host}:8443"));
        assert_eq!(
            host("https://{sub}.Api.x.com/").as_deref(),
            Some("{sub}.Api.x.com")
        );
        assert_eq!(
            host("https://api.x.com:{port}/").as_deref(),
            Some("api.x.com:{port}")
        );
        assert_eq!(split("https://api.x.com/v1?q=1").unwrap().rest, "/v1?q=1");
    }

    #[test]
    fn host_classes() {
        assert!(is_loopback("127.0.0.1:8080"));
        assert!(is_loopback("localhost"));
        assert!(!is_loopback("api.x.com"));
        assert!(is_private("192.168.1.4"));
        assert!(is_private("172.20.0.1"));
        assert!(!is_private("172.32.0.1"));
        assert!(is_documentation("www.example.com"));
        assert!(is_documentation("schema.org"));
        assert!(!is_documentation("api.openai.com"));
        assert_eq!(hostname("API.X.com:443"), "api.x.com");
    }

    #[test]
    fn local_schemes_do_not_reach_the_network() {
        for url in [
            "companion://agent?key={key}",
            "otpauth://totp/A?secret={s}",
            "file:///tmp/x",
            "mailto:a@b.c",
            "data:text/plain,x",
        ] {
            assert!(has_local_scheme(url), "{url}");
        }
        for url in [
            "https://api.x.io/?token={t}",
            "WSS://x.io",
            "ftp://files.x.io",
            "localhost:8080/a",
            "{base}/a?token={t}",
            "/bot{token}/send",
        ] {
            assert!(!has_local_scheme(url), "{url}");
        }
    }
}
