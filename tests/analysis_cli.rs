//! Analysis depth over `fixtures/media-fetcher`: wrappers, guards, redirects.

use crate::common::{findings, scan_json};

fn lines(report: &serde_json::Value, rule: &str) -> Vec<String> {
    findings(report, rule)
        .iter()
        .map(|f| format!("{}:{}", f["file"].as_str().unwrap(), f["line"]))
        .collect()
}

#[test]
fn redirect_without_host_check_fires_only_on_unchecked_hops() {
    let report = scan_json(&["fixtures/media-fetcher"]);
    let hits = lines(&report, "egress/redirect-without-host-check");
    // Recursion on Location without a guard on the new URL.
    assert!(
        hits.contains(&"src/download/unsafe-downloader.ts:15".to_string()),
        "{hits:?}"
    );
    // node:https following `res.headers.location` by hand.
    assert!(
        hits.contains(&"src/download/unsafe-downloader.ts:23".to_string()),
        "{hits:?}"
    );
    // Allow-list on the first URL, then fetch follows redirects.
    assert!(
        hits.contains(&"src/media/fetch-media.ts:7".to_string()),
        "{hits:?}"
    );
    // The good twins: every hop re-validated, manual redirects.
    assert!(
        !hits
            .iter()
            .any(|h| h.starts_with("src/download/safe-downloader.ts")),
        "{hits:?}"
    );
    assert!(
        !hits.contains(&"src/media/fetch-media.ts:16".to_string()),
        "{hits:?}"
    );
    // Literal-URL fetches through the API client are never redirect findings.
    assert!(!hits.iter().any(|h| h.starts_with("src/services/")), "{hits:?}");
    assert_eq!(hits.len(), 3, "{hits:?}");
}

#[test]
fn unvalidated_fetch_of_user_url() {
    let report = scan_json(&["fixtures/media-fetcher"]);
    assert_eq!(
        lines(&report, "egress/unvalidated-url-fetch"),
        vec!["src/webhooks/notify.ts:7"]
    );
}

#[test]
fn wrapper_call_sites_are_outbound_calls_with_chain() {
    let report = scan_json(&["fixtures/media-fetcher"]);
    let calls = report["calls"].as_array().unwrap();
    let catalog: Vec<&serde_json::Value> = calls
        .iter()
        .filter(|c| c["file"] == "src/services/catalog.ts")
        .collect();
    assert_eq!(catalog.len(), 2, "{catalog:?}");
    let urls: Vec<&str> = catalog.iter().map(|c| c["url"].as_str().unwrap()).collect();
    assert!(
        urls.contains(&"https://api.media-vendor.com/v2/catalog"),
        "{urls:?}"
    );
    assert!(
        urls.contains(&"https://api.media-vendor.com/v2/catalog/{id}"),
        "{urls:?}"
    );
    let chain: Vec<&str> = catalog[0]["via"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(chain.last(), Some(&"fetch"));
    assert!(chain.contains(&"ApiClient.doFetch"), "{chain:?}");
    // The constructor default is the base URL, an operator can change it.
    assert_eq!(catalog[0]["origin"], "config");
}

#[test]
fn guards_are_recorded_per_call() {
    let report = scan_json(&["fixtures/media-fetcher"]);
    let calls = report["calls"].as_array().unwrap();
    let safe = calls
        .iter()
        .find(|c| c["file"] == "src/download/safe-downloader.ts" && c["line"] == 6)
        .unwrap();
    assert_eq!(safe["guard"], "assertPublicHost");
    assert_eq!(safe["redirects"], "manual");
    let follow = calls
        .iter()
        .find(|c| c["file"] == "src/media/fetch-media.ts" && c["line"] == 7)
        .unwrap();
    assert_eq!(follow["redirects"], "follow (default)");
}

#[test]
fn configured_guard_silences_unvalidated_fetch() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hook.ts"),
        "export async function relay(req: { body: { url: string } }) {\n  vetDestination(req.body.url);\n  return fetch(req.body.url, { redirect: \"error\" });\n}\n",
    )
    .unwrap();
    let root = dir.path().to_str().unwrap();
    let before = scan_json(&[root]);
    assert_eq!(findings(&before, "egress/unvalidated-url-fetch").len(), 1);
    std::fs::write(
        dir.path().join(".egress-scan.toml"),
        "guards = [\"vetDestination\"]\n",
    )
    .unwrap();
    let after = scan_json(&[root]);
    assert!(findings(&after, "egress/unvalidated-url-fetch").is_empty());
}

#[test]
fn typescript_lan_discovery_and_subprocesses() {
    let report = scan_json(&["fixtures/home-hub"]);
    let lan = findings(&report, "egress/lan-discovery");
    assert_eq!(lan.len(), 1);
    let msg = lan[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("_homehub._tcp") && msg.contains("port 51826"),
        "{msg}"
    );
    assert!(msg.contains("TXT record keys: id, model, fw"), "{msg}");
    assert_eq!(
        lines(&report, "egress/subprocess-network"),
        vec!["src/backup.ts:7", "src/backup.ts:12"]
    );
    let scp = findings(&report, "egress/subprocess-network")[0];
    // The default of `process.env.HUB_BACKUP_HOST ?? "…"` names the host.
    assert_eq!(scp["host"], "backup.hub-vendor.net");
    // `tar` is not a network tool.
    assert!(!lines(&report, "egress/subprocess-network").contains(&"src/backup.ts:18".to_string()));
}

/// A service's public client key in a URL (Mixpanel's project token,
/// Sentry's DSN key) is reported at low severity, saying why; the same
/// parameter name on another host stays high.
#[test]
fn public_client_keys_in_urls_are_low_severity() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("track.ts"),
        "export async function track(projectToken: string, secretToken: string, apiKey: string) {\n\
         \x20 await fetch(`https://api-js.mixpanel.com/track?token=${projectToken}`);\n\
         \x20 await fetch(`https://api.acme-billing.io/v1/charge?token=${secretToken}`);\n\
         \x20 await fetch(`https://o4507.ingest.sentry.io/api/42/envelope/?sentry_key=${apiKey}&sentry_version=7`);\n\
         }\n",
    )
    .unwrap();
    let report = crate::common::scan_json(&[dir.path().to_str().unwrap()]);
    let found: Vec<(u64, &str, bool)> = crate::common::findings(&report, "egress/token-in-url")
        .into_iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap().contains("public client key"),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![(2, "low", true), (3, "high", false), (4, "low", true)]
    );
}
