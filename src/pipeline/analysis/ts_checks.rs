//! TypeScript/JavaScript detectors: LAN service discovery
//! (`@homebridge/ciao`, `bonjour-service`/`bonjour`, `multicast-dns`, `mdns`)
//! and child processes running network tools (`child_process`, `execa`,
//! `Bun.spawn`).

use super::discovery;
use super::scope::Project;
use super::subprocess;
use super::url::resolve;
use crate::catalog::rules::{Rule, RuleSet};
use crate::model::FileAnalysis;
use crate::model::Lang;
use crate::model::{CallSite, Expr, FileFacts};

pub fn run(project: &Project, file: usize, rules: &RuleSet, out: &mut FileAnalysis) {
    let facts = project.facts(file);
    if facts.lang != Lang::Typescript {
        return;
    }
    let enabled = |d: &str| {
        rules
            .by_detector(d)
            .filter(|r| r.languages.contains(&Lang::Typescript))
    };
    if let Some(rule) = enabled("subprocess-network") {
        subprocesses(rule, project, file, out);
    }
    if let Some(rule) = enabled("lan-discovery") {
        discovery(rule, project, file, out);
    }
}

fn imports(facts: &FileFacts, modules: &[&str]) -> bool {
    facts.imports.iter().any(|i| modules.contains(&i.source.as_str()))
}

// --- subprocess-network ----------------------------------------------------

const CHILD_PROCESS: &[&str] = &["child_process", "node:child_process"];
const SPAWNERS: &[&str] = &["spawn", "spawnSync", "execFile", "execFileSync", "fork"];
const SHELL_EXEC: &[&str] = &["exec", "execSync"];

fn subprocesses(rule: &Rule, project: &Project, file: usize, out: &mut FileAnalysis) {
    let facts = project.facts(file);
    let has_child_process = imports(facts, CHILD_PROCESS);
    let has_execa = imports(facts, &["execa"]);
    for site in &facts.calls {
        let callee = site.callee.as_str();
        let last = callee.rsplit('.').next().unwrap_or(callee);
        let scope = project.scope(file, site.function.as_deref());
        let render = |e: &Expr| resolve(e, &scope, 0).render();
        let argv: Vec<String> = if matches!(callee, "Bun.spawn" | "Bun.spawnSync") {
            // Bun.spawn(["curl", url]) or Bun.spawn({ cmd: [...] }).
            let list = match site.call.args.first().map(|a| &a.value) {
                Some(obj @ Expr::Object(_)) => obj.field("cmd"),
                other => other,
            };
            match list {
                Some(Expr::Array(items)) => items.iter().map(render).collect(),
                _ => continue,
            }
        } else if (has_child_process && (SPAWNERS.contains(&last) || SHELL_EXEC.contains(&last)))
            || (has_execa && matches!(last, "execa" | "execaSync" | "execaCommand" | "$"))
        {
            let Some(command) = site.call.args.first().map(|a| render(&a.value)) else {
                continue;
            };
            let mut argv: Vec<String> = command.split_whitespace().map(str::to_string).collect();
            if let Some(Expr::Array(items)) = site.call.args.get(1).map(|a| &a.value) {
                argv.extend(items.iter().map(render));
            }
            argv
        } else {
            continue;
        };
        subprocess::report(rule, facts, out, &argv, site.span, site.function.clone());
    }
}

// --- lan-discovery -----------------------------------------------------------

/// A literal `_service._tcp` type in an expression (string or `{ type }`).
fn service_type(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Str(s) if s.starts_with('_') && (s.contains("._tcp") || s.contains("._udp")) => Some(s.clone()),
        Expr::Object(fields) => fields.iter().find_map(|(k, v)| match (k.as_str(), v) {
            ("type", Expr::Str(t)) => Some(if t.starts_with('_') {
                t.clone()
            } else {
                format!("_{t}._tcp")
            }),
            ("name", Expr::Str(t)) if t.starts_with('_') => Some(t.clone()),
            (_, inner) => service_type(inner),
        }),
        Expr::Array(items) => items.iter().find_map(service_type),
        // mdns.tcp("http")
        Expr::Call(call) => {
            let proto = call.callee.last_name()?;
            let name = call.args.first()?.value.as_str()?;
            matches!(proto, "tcp" | "udp").then(|| format!("_{name}._{proto}"))
        }
        _ => None,
    }
}

fn txt_keys(expr: &Expr) -> Vec<String> {
    let Expr::Object(fields) = expr else {
        return Vec::new();
    };
    fields
        .iter()
        .find(|(k, _)| matches!(k.as_str(), "txt" | "txtRecord"))
        .map(|(_, v)| match v {
            Expr::Object(txt) => txt.iter().map(|(k, _)| k.clone()).collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default()
}

fn discovery(rule: &Rule, project: &Project, file: usize, out: &mut FileAnalysis) {
    let facts = project.facts(file);
    let ciao = imports(facts, &["@homebridge/ciao"]);
    let bonjour = imports(facts, &["bonjour-service", "bonjour", "bonjour-hap"]);
    let mdns = imports(facts, &["multicast-dns"]);
    let mdns_js = imports(facts, &["mdns", "mdns-js"]);
    if !(ciao || bonjour || mdns || mdns_js) {
        return;
    }
    for site in &facts.calls {
        let last = site.callee.rsplit('.').next().unwrap_or("");
        let action = match last {
            "createService" if ciao => ("ciao", "advertises"),
            "publish" if bonjour => ("bonjour", "advertises"),
            "find" | "findOne" if bonjour => ("bonjour", "browses for"),
            "respond" if mdns => ("multicast-dns", "answers queries for"),
            "query" if mdns => ("multicast-dns", "queries for"),
            "createAdvertisement" if mdns_js => ("mdns", "advertises"),
            "createBrowser" if mdns_js => ("mdns", "browses for"),
            _ => continue,
        };
        report(rule, project, file, site, action, out);
    }
}

fn report(
    rule: &Rule,
    project: &Project,
    file: usize,
    site: &CallSite,
    (api, action): (&str, &str),
    out: &mut FileAnalysis,
) {
    let facts = project.facts(file);
    let scope = project.scope(file, site.function.as_deref());
    // Options objects may be constants: resolve identifiers to their value.
    let args: Vec<Expr> = site
        .call
        .args
        .iter()
        .map(|a| match &a.value {
            Expr::Ident(name) => scope.lookup(name).map_or(a.value.clone(), |(v, _)| v.clone()),
            other => other.clone(),
        })
        .collect();
    let service = args.iter().find_map(service_type);
    let mut keys: Vec<String> = args.iter().flat_map(txt_keys).collect();
    keys.dedup();
    let number = |e: &Expr| match resolve(e, &scope, 0).render() {
        n if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => Some(n),
        _ => None,
    };
    let port = args.iter().find_map(|a| match a {
        Expr::Object(_) => a.field("port").and_then(number),
        Expr::Number(_) => number(a),
        _ => None,
    });
    let announcement = discovery::Announcement {
        api,
        action,
        service,
        port,
        keys,
    };
    discovery::report(rule, facts, out, site.span, site.function.clone(), announcement);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_types() {
        let obj = Expr::Object(vec![("type".into(), Expr::Str("http".into()))]);
        assert_eq!(service_type(&obj).as_deref(), Some("_http._tcp"));
        assert_eq!(
            service_type(&Expr::Str("_hap._tcp".into())).as_deref(),
            Some("_hap._tcp")
        );
        assert_eq!(service_type(&Expr::Str("hello".into())), None);
    }
}
