//! `diff` over a small history (issue #17): each commit makes one kind of
//! change, and each adjacent diff must show exactly that change — an SDK
//! integration without any literal URL, a call site reached through a
//! project wrapper, a change of the data a call sends — while a rename
//! with edits is a rename and a moved call is nothing at all.

use serde_json::Value;

use super::Repo;

const HTTP: &str = "const API = \"https://api.shop.example\";\n\nexport async function apiPost(path: string, body: unknown) {\n  return fetch(`${API}${path}`, { method: \"POST\", body: JSON.stringify(body) });\n}\n";
const ORDERS: &str = "import { apiPost } from \"./http\";\n\nexport async function placeOrder(orderId: string, amount: number) {\n  return apiPost(\"/orders\", { orderId, amount });\n}\n";
const EVENTS_V1: &str = "export async function track(event: string, userId: string) {\n  return fetch(\"https://metrics.shop.example/v1/events\", { method: \"POST\", body: JSON.stringify({ event }) });\n}\n";
const EVENTS_V2: &str = "export async function track(event: string, userId: string) {\n  return fetch(\"https://metrics.shop.example/v1/events\", { method: \"POST\", body: JSON.stringify({ event, userId, email: userId }) });\n}\n";
const REPOS: &str = "/** Lists the public repositories of a user. */\nexport async function listRepos(user: string) {\n  const res = await fetch(`https://api.github.com/users/${user}/repos`);\n  return res.json();\n}\n\nexport function repoNames(list: { name: string }[]) {\n  return list.map((r) => r.name);\n}\n\nexport function count(list: unknown[]) {\n  return list.length;\n}\n";

/// A Slack notifier of one team: the SDK's hosts live in the library.
fn notifier(team: &str) -> String {
    format!(
        "import {{ WebClient }} from \"@slack/web-api\";\n\nconst slack = new WebClient(process.env.SLACK_TOKEN);\n\nexport async function notify{team}(text: string, user: string) {{\n  await slack.chat.postMessage({{ channel: \"#{team}\", text, user }});\n}}\n"
    )
}

/// The history: base, then one commit per kind of change.
fn history() -> Repo {
    let repo = Repo::new();
    repo.write("src/http.ts", HTTP);
    repo.write("src/orders.ts", ORDERS);
    repo.write("src/events.ts", EVENTS_V1);
    repo.write("src/repos.ts", REPOS);
    repo.commit("base");
    for team in ["ops", "sales", "support", "billing"] {
        repo.write(&format!("src/notify/{team}.ts"), &notifier(team));
    }
    repo.commit("sdk");
    repo.write(
        "src/checkout.ts",
        "import { apiPost } from \"./http\";\n\nexport async function checkout(cartId: string) {\n  return apiPost(\"/checkout\", { cartId });\n}\n",
    );
    repo.commit("wrapper");
    repo.write("src/events.ts", EVENTS_V2);
    repo.commit("data");
    std::fs::create_dir_all(repo.path().join("src/github")).expect("mkdir");
    repo.git(&["mv", "src/repos.ts", "src/github/repos.ts"]);
    let edited = REPOS.replace("return list.length;", "return list.length + 0;");
    repo.write(
        "src/github/repos.ts",
        &format!("// GitHub REST client.\n{edited}"),
    );
    repo.commit("rename");
    let filler = "// The order flow: validate, price, place.\n".repeat(12);
    repo.write(
        "src/orders.ts",
        &ORDERS.replace(
            "export async function",
            &format!("{filler}\nexport async function"),
        ),
    );
    repo.commit("move");
    repo
}

fn titles(d: &Value) -> Vec<(String, String)> {
    d["communications"]
        .as_array()
        .expect("communications")
        .iter()
        .map(|c| {
            (
                c["title"].as_str().expect("title").to_string(),
                c["change"].as_str().expect("change").to_string(),
            )
        })
        .collect()
}

fn list<'a>(c: &'a Value, key: &str) -> &'a [Value] {
    c[key].as_array().map_or(&[], Vec::as_slice)
}

/// Nothing but the egress surface asked about changed: no findings,
/// endpoints or renames beyond those the caller checks.
fn assert_no_findings_change(d: &Value) {
    assert_eq!(d["summary"]["new_findings"], 0, "{d:#}");
    assert_eq!(d["summary"]["resolved_findings"], 0, "{d:#}");
}

#[test]
fn an_sdk_integration_without_a_url_is_a_new_communication() {
    let repo = history();
    let d = repo.diff_json(&["base", "sdk"]);
    // What `diff` compared before: nothing of this change is visible there.
    assert_eq!(d["summary"]["added_endpoints"], 0, "{d:#}");
    assert_eq!(d["summary"]["added_hosts"], 0, "{d:#}");
    assert_no_findings_change(&d);
    assert_eq!(titles(&d), [("Slack".to_string(), "added".to_string())], "{d:#}");
    let slack = &d["communications"][0];
    let sites = list(slack, "call_sites_added");
    assert_eq!(sites.len(), 4, "{slack:#}");
    for (site, team) in sites.iter().zip(["billing", "ops", "sales", "support"]) {
        assert_eq!(site["file"], format!("src/notify/{team}.ts"));
        assert_eq!(site["line"], 6);
        assert_eq!(site["api"], "chat.postMessage");
        assert_eq!(site["origin"], "library");
        assert!(site.get("url").is_none(), "{site:#}");
        // Each library call carries what it sends.
        assert!(
            list(site, "data_sent")
                .iter()
                .any(|d| d.as_str().is_some_and(|d| d.contains("message text"))),
            "{site:#}"
        );
    }
    assert_eq!(list(slack, "files_added").len(), 4);
    assert_eq!(list(slack, "libraries_added"), [Value::from("@slack/web-api")]);
    assert!(!list(slack, "data_sent_added").is_empty(), "{slack:#}");
    assert!(repo_table(&repo, "base", "sdk").contains("+ Slack: 4 new call sites in 4 files"));
}

#[test]
fn a_call_site_reached_through_a_wrapper_is_added_to_its_communication() {
    let repo = history();
    let d = repo.diff_json(&["sdk", "wrapper"]);
    assert_no_findings_change(&d);
    let changes = titles(&d);
    assert_eq!(changes.len(), 1, "{d:#}");
    assert_eq!(changes[0].1, "changed", "{d:#}");
    let c = &d["communications"][0];
    let added = list(c, "call_sites_added");
    assert_eq!(added.len(), 1, "{c:#}");
    assert_eq!(added[0]["file"], "src/checkout.ts");
    assert_eq!(added[0]["function"], "checkout");
    assert_eq!(added[0]["url"], "https://api.shop.example/checkout");
    assert!(list(&added[0], "via").iter().any(|v| v == "apiPost"), "{c:#}");
    assert!(list(c, "call_sites_removed").is_empty(), "{c:#}");
    assert!(list(c, "call_sites_changed").is_empty(), "{c:#}");
}

#[test]
fn a_change_of_the_data_a_call_sends_is_a_changed_call_site() {
    let repo = history();
    let d = repo.diff_json(&["wrapper", "data"]);
    assert_no_findings_change(&d);
    assert_eq!(titles(&d).len(), 1, "{d:#}");
    let c = &d["communications"][0];
    assert!(list(c, "call_sites_added").is_empty(), "{c:#}");
    assert!(list(c, "call_sites_removed").is_empty(), "{c:#}");
    let changed = list(c, "call_sites_changed");
    assert_eq!(changed.len(), 1, "{c:#}");
    assert_eq!(changed[0]["head"]["file"], "src/events.ts");
    let sent = |side: &str| list(&changed[0][side], "data_sent").len();
    assert!(sent("head") > sent("base"), "{c:#}");
    assert!(!list(c, "data_sent_added").is_empty(), "{c:#}");
}

#[test]
fn a_rename_with_edits_is_a_rename_and_nothing_else() {
    let repo = history();
    let d = repo.diff_json(&["data", "rename"]);
    assert_no_findings_change(&d);
    assert_eq!(titles(&d), [] as [(String, String); 0], "{d:#}");
    let renamed = d["renamed_files"].as_array().expect("renamed_files");
    assert_eq!(renamed.len(), 1, "{d:#}");
    assert_eq!(renamed[0]["from"], "src/repos.ts");
    assert_eq!(renamed[0]["to"], "src/github/repos.ts");
    let similarity = renamed[0]["similarity"].as_u64().expect("similarity");
    assert!((50..100).contains(&similarity), "{similarity}");
    assert_eq!(d["summary"]["added_endpoints"], 0, "{d:#}");
    assert_eq!(d["files"]["changed"], 1, "{d:#}");
}

#[test]
fn a_moved_call_is_no_change() {
    let repo = history();
    let d = repo.diff_json(&["rename", "move"]);
    assert_no_findings_change(&d);
    assert_eq!(titles(&d), [] as [(String, String); 0], "{d:#}");
    assert_eq!(d["renamed_files"].as_array().map(Vec::len), Some(0), "{d:#}");
    assert_eq!(d["summary"]["added_endpoints"], 0, "{d:#}");
    assert_eq!(d["summary"]["removed_endpoints"], 0, "{d:#}");
    assert_eq!(d["files"]["changed"], 1, "{d:#}");
    let (code, table) = repo.diff(&["rename", "move"]);
    assert_eq!(code, 0);
    assert!(
        table.contains(
            "communications: 0 added, 0 changed, 0 removed; call sites: 0 added, 0 removed, 0 changed"
        ),
        "{table}"
    );
}

fn repo_table(repo: &Repo, base: &str, head: &str) -> String {
    repo.diff(&[base, head]).1
}

#[test]
fn a_rename_into_another_module_changes_no_communication() {
    // Unknown hosts are grouped by module ("Other hosts called from
    // src"): moving the file to another folder must not read as a
    // communication removed and another added.
    let repo = Repo::new();
    let weather = "export async function forecast(city: string) {\n  return fetch(`https://api.weather.example/v1/forecast?city=${city}`);\n}\n\nexport function celsius(f: number) {\n  return (f - 32) / 1.8;\n}\n";
    repo.write("src/weather.ts", weather);
    repo.write("src/alerts.ts", &notifier("ops"));
    repo.commit("flat");
    std::fs::create_dir_all(repo.path().join("src/services")).expect("mkdir");
    repo.git(&["mv", "src/weather.ts", "src/services/weather.ts"]);
    repo.git(&["mv", "src/alerts.ts", "src/services/alerts.ts"]);
    repo.write(
        "src/services/weather.ts",
        &weather.replace("(f - 32) / 1.8", "((f - 32) * 5) / 9"),
    );
    repo.commit("nested");
    let d = repo.diff_json(&["flat", "nested", "--fail-on-new-communication"]);
    assert_no_findings_change(&d);
    assert_eq!(titles(&d), [] as [(String, String); 0], "{d:#}");
    assert_eq!(d["renamed_files"].as_array().map(Vec::len), Some(2), "{d:#}");
    assert_eq!(repo.diff(&["flat", "nested", "--fail-on-new-communication"]).0, 0);
    // The same move without the rename detection's help (a new file and a
    // deleted one with nothing in common) is a change.
    let control = Repo::new();
    control.write("src/weather.ts", weather);
    control.commit("flat");
    control.git(&["rm", "-q", "src/weather.ts"]);
    control.write(
        "src/services/other.ts",
        "export const ping = () => fetch(\"https://api.weather.example/v1/forecast?city=x\");\n",
    );
    control.commit("nested");
    assert_eq!(
        control.diff(&["flat", "nested", "--fail-on-new-communication"]).0,
        1
    );
}

#[test]
fn swift_and_kotlin_sdk_calls_are_call_sites_of_their_service() {
    let repo = Repo::new();
    repo.write("Sources/App/Model.swift", "struct Model {}\n");
    repo.commit("before");
    repo.write(
        "Sources/App/Ask.swift",
        "import OpenAI\n\nlet openAI = OpenAI(apiToken: \"x\")\n\nfunc ask(_ q: String) async throws {\n    let r = try await openAI.chats(query: ChatQuery(messages: [.user(q)], model: .gpt4))\n    print(r)\n}\n",
    );
    repo.write(
        "app/src/main/kotlin/Ask.kt",
        "import com.aallam.openai.client.OpenAI\n\nclass Asker(private val openAI: OpenAI) {\n    suspend fun ask(q: String) {\n        openAI.chatCompletion(ChatCompletionRequest(model = ModelId(\"gpt-4\"), messages = listOf(q)))\n    }\n}\n",
    );
    repo.commit("after");
    let d = repo.diff_json(&["before", "after"]);
    assert_eq!(titles(&d), [("OpenAI".to_string(), "added".to_string())], "{d:#}");
    let sites: Vec<String> = list(&d["communications"][0], "call_sites_added")
        .iter()
        .map(|s| {
            format!(
                "{}:{} {}",
                s["file"].as_str().unwrap_or(""),
                s["line"],
                s["api"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        sites,
        [
            "Sources/App/Ask.swift:6 chats",
            "app/src/main/kotlin/Ask.kt:5 chatCompletion"
        ],
        "{d:#}"
    );
}
