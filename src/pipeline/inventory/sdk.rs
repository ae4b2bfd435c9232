//! What a file sends through a service's library, and with which
//! credential. A communication "via library" has no request of its own in
//! the code: its data are the arguments of the library's data-carrying
//! methods (the catalog's `sends`: `client.chat.completions.create({ model,
//! messages })`, `bot.api.sendMessage(chatId, text)`), and its auth is the
//! credential its client is constructed with (`new OpenAI({ apiKey })`,
//! `new Bot(process.env.TELEGRAM_TOKEN)`), which the library sends.

use crate::catalog::Service;
use crate::model::{CallExpr, Expr, FileFacts, Import, LibraryCall};
use crate::pipeline::analysis::{names, payload};

/// What `facts`' use of `service`'s library (imported by `import`) sends:
/// the credentials given to its clients, the data of all its
/// data-carrying calls, and each of those calls.
pub(super) struct LibrarySent {
    pub auth: Vec<String>,
    pub data_sent: Vec<String>,
    pub calls: Vec<LibraryCall>,
}

pub(super) fn library_sent(facts: &FileFacts, service: &Service, import: &Import) -> LibrarySent {
    let mut out = LibrarySent {
        auth: Vec::new(),
        data_sent: Vec::new(),
        calls: Vec::new(),
    };
    for site in &facts.calls {
        let callee = site.callee.as_str();
        if let Some(send) = service.sends.iter().find(|s| s.matches(callee)) {
            let mut data = send.always.clone();
            for (arg, what) in site.call.args.iter().zip(&send.args) {
                if arg.label.is_none() && !matches!(arg.value, Expr::Object(_)) {
                    push(&mut data, what.clone());
                }
            }
            for (key, value) in sent_fields(&site.call, |name| local_value(facts, site, name)) {
                let shown = match send.keys.get(key) {
                    Some(what) => format!("{key} ({what})"),
                    None => payload::data_item(key, value).0,
                };
                push(&mut data, shown);
            }
            for item in &data {
                push(&mut out.data_sent, item.clone());
            }
            out.calls.push(LibraryCall {
                file: facts.path.clone(),
                line: site.span.line,
                method: callee.to_string(),
                data_sent: data,
            });
        } else if let Some(a) = client_credential(site, import) {
            push(&mut out.auth, a);
        }
    }
    out
}

/// The keyed values a call hands over: object arguments' keys, labelled
/// arguments, and the labels of a request built in the argument (Swift
/// `chats(query: ChatQuery(messages: m, model: .gpt4))`, Kotlin
/// `chatCompletion(ChatCompletionRequest(model = id, messages = m))`).
fn sent_fields<'a>(call: &'a CallExpr, local: impl Fn(&str) -> Option<&'a Expr>) -> Vec<(&'a str, &'a Expr)> {
    let mut out = Vec::new();
    for arg in &call.args {
        // `let query = ChatQuery(…); chats(query: query)`.
        let value = match &arg.value {
            Expr::Ident(name) => local(name).unwrap_or(&arg.value),
            value => value,
        };
        match (value, &arg.label) {
            (Expr::Object(fields), _) => out.extend(fields.iter().map(|(k, v)| (k.as_str(), v))),
            (Expr::Call(inner), _)
                if !inner.args.is_empty() && inner.args.iter().all(|a| a.label.is_some()) =>
            {
                out.extend(
                    inner
                        .args
                        .iter()
                        .filter_map(|a| Some((a.label.as_deref()?, &a.value))),
                );
            }
            (value, Some(label)) => out.push((label.as_str(), value)),
            _ => {}
        }
    }
    out
}

/// The value `name` is bound to in the function of `site`, if any.
fn local_value<'a>(facts: &'a FileFacts, site: &crate::model::CallSite, name: &str) -> Option<&'a Expr> {
    facts
        .bindings
        .iter()
        .find(|b| b.name == name && b.function == site.function && b.span.start_byte < site.span.start_byte)
        .map(|b| &b.value)
}

fn push(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// A client constructed with a credential: `new OpenAI({ apiKey })`,
/// `new Bot(token)`, Swift `OpenAI(apiToken: key)`. Read only on
/// constructions of a class the library's import names (see
/// [`names_client`]), and only for credential-named keys, labels or values.
fn client_credential(site: &crate::model::CallSite, import: &Import) -> Option<String> {
    let callee = site.callee.as_str();
    let constructs = site.call.is_new || callee.starts_with(|c: char| c.is_ascii_uppercase());
    if !constructs || callee.contains('.') || !names_client(import, callee) {
        return None;
    }
    for arg in &site.call.args {
        let named = match (&arg.label, &arg.value) {
            (Some(label), value) if names::is_credential_name(label) => Some((label.as_str(), value)),
            (None, Expr::Object(fields)) => fields
                .iter()
                .find(|(k, _)| names::is_credential_name(k))
                .map(|(k, v)| (k.as_str(), v)),
            (None, value) => positional_name(value)
                .filter(|n| names::is_credential_name(n))
                .map(|_| ("", value)),
            _ => None,
        };
        if let Some((key, value)) = named {
            let what = if key.is_empty() {
                "Credential".to_string()
            } else {
                format!("`{key}`")
            };
            let source = payload::credential_source(value)
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            return Some(format!(
                "{what} given to the `{callee}` client{source}; the library sends it"
            ));
        }
    }
    None
}

/// Does `import` bring the class `callee` constructs? A name it binds
/// (`import OpenAI from "openai"`, `import { Bot } from "grammy"`), the
/// class a Kotlin import names (`com.aallam.openai.client.OpenAI`), or a
/// class named after a Swift module (`OpenAI`, `SupabaseClient` of `import
/// Supabase`). Classes of the library's own code are not its client.
fn names_client(import: &Import, callee: &str) -> bool {
    let source = import.source.as_str();
    let capitalised = callee.starts_with(|c: char| c.is_ascii_uppercase());
    import.names.iter().any(|n| n == callee)
        || (capitalised && source.rsplit('.').next() == Some(callee))
        || (capitalised && !source.contains(['.', '/', '@']) && callee.starts_with(source))
}

/// The name a positional argument's value goes by: `token`,
/// `TELEGRAM_TOKEN` of `process.env.TELEGRAM_TOKEN!`.
fn positional_name(value: &Expr) -> Option<&str> {
    match value {
        Expr::Fallback(first, _) => positional_name(first),
        Expr::Call(call) => call.args.first()?.value.as_str(),
        _ => value.last_name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn sent(path: &str, src: &str, service: &str) -> (Vec<String>, Vec<String>) {
        let facts = crate::pipeline::extract::facts_of(path, src);
        let catalog = Catalog::builtin();
        let service = catalog
            .services
            .iter()
            .find(|s| s.name == service)
            .expect("service");
        let import = facts
            .imports
            .iter()
            .find(|i| {
                catalog
                    .service_for_library(&i.source)
                    .is_some_and(|(s, _)| s.name == service.name)
            })
            .expect("library import");
        let sent = library_sent(&facts, service, import);
        // Every data-carrying call is listed with its own data, and the
        // file's data is what its calls send.
        let mut of_calls: Vec<String> = Vec::new();
        for call in &sent.calls {
            for d in &call.data_sent {
                if !of_calls.contains(d) {
                    of_calls.push(d.clone());
                }
            }
        }
        assert_eq!(of_calls, sent.data_sent);
        (sent.auth, sent.data_sent)
    }

    #[test]
    fn llm_prompts_and_the_api_key_given_to_the_client() {
        let src = "import OpenAI from 'openai';\n\
            const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });\n\
            export async function answer(prompt: string) {\n\
              return client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: prompt }] });\n}\n";
        let (auth, data) = sent("a.ts", src, "OpenAI");
        assert_eq!(
            auth,
            vec!["`apiKey` given to the `OpenAI` client (env `OPENAI_API_KEY`); the library sends it"]
        );
        assert_eq!(data, vec!["model", "messages (message text)"]);
    }

    #[test]
    fn chat_messages_by_position_and_by_key() {
        let src = "import { Bot } from 'grammy';\n\
            const bot = new Bot(process.env.TELEGRAM_TOKEN!);\n\
            export const reply = (chatId: number, text: string) => bot.api.sendMessage(chatId, text);\n";
        let (auth, data) = sent("a.ts", src, "Telegram Bot API");
        assert_eq!(auth.len(), 1, "{auth:?}");
        assert!(auth[0].contains("env `TELEGRAM_TOKEN`"), "{auth:?}");
        assert_eq!(data, vec!["chat id", "message text"]);
        let src = "import { WebClient } from '@slack/web-api';\n\
            const slack = new WebClient(token);\n\
            export const post = (text: string) => slack.chat.postMessage({ channel: '#ops', text });\n";
        let (auth, data) = sent("a.ts", src, "Slack");
        assert_eq!(
            auth,
            vec!["Credential given to the `WebClient` client (from `token`); the library sends it"]
        );
        assert_eq!(data, vec!["channel", "text (message text)"]);
    }

    #[test]
    fn constructors_without_credentials_and_local_classes_are_not_auth() {
        let src = "import OpenAI from 'openai';\n\
            import { Cache } from './cache';\n\
            const cache = new Cache({ apiKey: 'local' });\n\
            const client = new OpenAI({ baseURL: 'https://proxy.internal/v1' });\n";
        assert_eq!(sent("a.ts", src, "OpenAI"), (vec![], vec![]));
        // A set-up function, not a construction: LaunchDarkly's `key` is
        // the user's key.
        let src = "import { initialize } from 'launchdarkly-js-client-sdk';\n\
            const client = initialize('client-side-id', { key: userKey });\n";
        assert_eq!(sent("a.ts", src, "LaunchDarkly").0, Vec::<String>::new());
    }
}
