//! Splitting URLs into scheme and host, and classifying hosts.

/// Scheme, host (with port) and the rest of a rendered URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts<'a> {
    pub scheme: &'a str,
    pub host: &'a str,
    pub rest: &'a str,
}

const SCHEMES: &[&str] = &[
    "https", "http", "wss", "ws", "grpc", "grpcs", "stun", "stuns", "turn", "turns", "tcp", "udp", "tls",
];

/// Splits `scheme://host[:port]/rest`. Returns `None` for non-network schemes.
pub fn split(url: &str) -> Option<UrlParts<'_>> {
    // WebRTC ICE servers: `stun:host:port`, `turn:host:port?transport=tcp`.
    if let Some((scheme, after)) = url.split_once(':') {
        if matches!(scheme, "stun" | "stuns" | "turn" | "turns") && !after.starts_with("//") {
            let end = after.find(['?', '/']).unwrap_or(after.len());
            let host = &after[..end];
            return (!host.is_empty()).then_some(UrlParts {
                scheme,
                host,
                rest: &after[end..],
            });
        }
    }
    let (scheme, after) = url.split_once("://")?;
    if !SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
        return None;
    }
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..end];
    // Drop user-info.
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.is_empty() {
        return None;
    }
    Some(UrlParts {
        scheme,
        host,
        rest: &after[end..],
    })
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
        assert_eq!((p.scheme, p.host, p.rest), ("https", "api.x.com:8443", "/v1?q=1"));
        assert!(split("mailto:a@b.c").is_none());
        assert!(split("file:///etc").is_none());
        let ice = split("turn:turn.media-vendor.io:3478?transport=tcp").unwrap();
        assert_eq!((ice.scheme, ice.host), ("turn", "turn.media-vendor.io:3478"));
        assert_eq!(split("wss://user:pw@gw.x.io").unwrap().host, "gw.x.io");
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
}
