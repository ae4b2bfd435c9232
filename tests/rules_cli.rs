//! Rule and sink files from `--rules DIR`: rules sharing a built-in
//! detector, every section of a user sinks file, services files refused.

use std::path::Path;

use crate::common::{egress_scan, findings, scan_json};

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

const TELEGRAM: &str = "export async function send(botToken: string, text: string) {\n  return fetch(`https://api.telegram.org/bot${botToken}/sendMessage?text=${text}`);\n}\n";

const ACME_TOKEN_RULE: &str = "id: acme/token-in-url\nseverity: critical\nlanguages: [typescript]\ntitle: ACME credential policy\nmessage: \"ACME policy: {credential} must not travel in the {detail}\"\nhelp: Our own wording of the built-in check.\ndetector: token-in-url\n";

#[test]
fn user_rule_sharing_a_builtin_detector_gets_its_own_findings() {
    let project = tempfile::tempdir().unwrap();
    let rules = tempfile::tempdir().unwrap();
    write(project.path(), "src/send.ts", TELEGRAM);
    write(rules.path(), "acme-token.yaml", ACME_TOKEN_RULE);
    let report = scan_json(&[
        project.path().to_str().unwrap(),
        "--rules",
        rules.path().to_str().unwrap(),
    ]);
    let builtin = findings(&report, "egress/token-in-url");
    let acme = findings(&report, "acme/token-in-url");
    assert_eq!(builtin.len(), 1, "{report:#}");
    assert_eq!(acme.len(), 1, "{report:#}");
    assert_eq!(acme[0]["severity"], "critical");
    let message = acme[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("ACME policy: botToken must not travel in the path"),
        "{message}"
    );
    assert_eq!(acme[0]["line"], builtin[0]["line"]);
}

#[test]
fn unknown_detector_lists_the_known_ones() {
    let rules = tempfile::tempdir().unwrap();
    write(
        rules.path(),
        "typo.yaml",
        &ACME_TOKEN_RULE.replace("detector: token-in-url", "detector: token-in-uri"),
    );
    egress_scan()
        .args(["fixtures/chatbot", "--rules"])
        .arg(rules.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown detector"))
        .stderr(predicates::str::contains("known: outbound-call"))
        .stderr(predicates::str::contains("detector: token-in-uri"));
}

#[test]
fn services_file_in_rules_dir_is_an_error() {
    let rules = tempfile::tempdir().unwrap();
    write(rules.path(), "services.yaml", "services: []\n");
    egress_scan()
        .args(["fixtures/chatbot", "--rules"])
        .arg(rules.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "services files are not read from --rules",
        ));
}

/// A client of our own that follows redirects, checked by a guard on the
/// first URL only.
const ACME_CLIENT: &str = "import { acme } from \"acme-http\";\nexport async function proxy(target: string) {\n  if (!isAllowedHost(target)) throw new Error(\"blocked\");\n  return acme.get(target);\n}\n";

const ACME_SINKS: &str = "sinks:\n  - lang: typescript\n    api: acme-http\n    kind: http\n    follows_redirects: FOLLOWS\n    callees: [acme.get]\n    url: { arg: 0 }\n    imports: [acme-http]\n";

/// A Swift SDK's redirect delegate that passes every redirect on.
const ACME_DELEGATE: &str = "import AcmeKit\nimport Foundation\n\nfinal class Hooks: AcmeClientDelegate {\n    func client(_ client: AcmeClient,\n                willFollowRedirect response: HTTPURLResponse,\n                newRequest request: URLRequest,\n                completionHandler: @escaping (URLRequest?) -> Void) {\n        completionHandler(request)\n    }\n}\n\nfunc load() { URLSession.shared.dataTask(with: URL(string: \"https://api.acme.io\")!).resume() }\n";

/// A Retrofit-like framework: annotated routes against one base URL.
const ACME_ROUTES: &str = "import io.acme.rest.AcmeRest\nimport io.acme.rest.GET\nimport io.acme.rest.Query\n\ninterface Weather {\n    @GET(\"v1/forecast\")\n    suspend fun forecast(@Query(\"api_key\") apiKey: String): String\n}\n\nval rest = AcmeRest.Builder().endpoint(\"https://weather.acme.io/\").build()\n";

const ACME_FRAMEWORK: &str = "redirect_delegates:\n  - lang: swift\n    api: AcmeKit\n    marker: willFollowRedirect\n    request_params: [request]\n    completion: completionHandler\nframeworks:\n  - lang: kotlin\n    api: AcmeRest\n    kind: http\n    imports: [\"io.acme.rest*\"]\n    base_url_setters: [endpoint]\n    routes:\n      - annotations: [GET]\n        path: { label: path, arg: 0 }\n    url_params:\n      query: [Query]\n";

#[test]
fn user_sinks_file_extends_redirects_delegates_and_frameworks() {
    let project = tempfile::tempdir().unwrap();
    write(project.path(), "src/proxy.ts", ACME_CLIENT);
    write(project.path(), "ios/Hooks.swift", ACME_DELEGATE);
    write(project.path(), "android/Weather.kt", ACME_ROUTES);
    let root = project.path().to_str().unwrap();
    let scan_with = |follows: &str, framework: bool| {
        let rules = tempfile::tempdir().unwrap();
        write(
            rules.path(),
            "sinks-acme.yaml",
            &ACME_SINKS.replace("FOLLOWS", follows),
        );
        if framework {
            write(rules.path(), "sinks-acme-frameworks.yaml", ACME_FRAMEWORK);
        }
        scan_json(&[root, "--rules", rules.path().to_str().unwrap()])
    };

    let plain = scan_with("false", false);
    let extended = scan_with("true", true);

    // follows_redirects: the guard on the first URL no longer covers the call.
    let redirects = |report: &serde_json::Value, file: &str| -> Vec<String> {
        findings(report, "egress/redirect-without-host-check")
            .into_iter()
            .filter(|f| f["file"].as_str().unwrap().ends_with(file))
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(redirects(&plain, "proxy.ts").is_empty(), "{plain:#}");
    let proxy = redirects(&extended, "proxy.ts");
    assert!(
        proxy.len() == 1 && proxy[0].contains("acme-http follows redirects"),
        "{proxy:?}"
    );

    // redirect_delegates: the SDK's delegate is read like URLSession's.
    assert!(redirects(&plain, "Hooks.swift").is_empty(), "{plain:#}");
    let hooks = redirects(&extended, "Hooks.swift");
    assert!(
        hooks.len() == 1 && hooks[0].contains("the AcmeKit redirect delegate"),
        "{hooks:?}"
    );

    // frameworks: routes become calls joined with the base URL, and their
    // URL parameters are read by token-in-url.
    let route_urls = |report: &serde_json::Value| -> Vec<String> {
        report["calls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["api"] == "AcmeRest")
            .map(|c| c["url"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert!(route_urls(&plain).is_empty(), "{plain:#}");
    assert_eq!(
        route_urls(&extended),
        vec!["https://weather.acme.io/v1/forecast".to_string()]
    );
    let tokens = findings(&extended, "egress/token-in-url");
    assert!(
        tokens
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("the AcmeRest base URL")),
        "{extended:#}"
    );
}

#[test]
fn the_repositorys_own_rules_folder_passes_its_tests() {
    // The "Adding a rule" workflow: `rules test rules` (with --update) in
    // egress-scan's own repository, whose folder also holds the built-in
    // service catalog.
    egress_scan()
        .args(["rules", "test", "rules"])
        .assert()
        .success()
        .stdout(predicates::str::contains(" 0 failed"));
}
