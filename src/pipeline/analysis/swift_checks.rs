//! Swift-only detectors: Bonjour advertisement and browsing
//! (`egress/lan-discovery`), `Process` running network tools
//! (`egress/subprocess-network`), and `URLSessionDelegate` methods that
//! accept any server trust (`egress/insecure-transport`).

use super::detectors::{finding_at, message};
use super::discovery;
use super::scope::Project;
use super::subprocess;
use super::url::resolve;
use crate::catalog::rules::{Rule, RuleSet};
use crate::model::FileAnalysis;
use crate::model::Lang;
use crate::model::{CallExpr, CallSite, Expr, FileFacts, Span};

pub fn run(project: &Project, file: usize, rules: &RuleSet, out: &mut FileAnalysis) {
    let facts = project.facts(file);
    if facts.lang != Lang::Swift {
        return;
    }
    let enabled = |d: &str| {
        rules
            .by_detector(d)
            .filter(|r| r.languages.contains(&Lang::Swift))
    };
    if let Some(rule) = enabled("lan-discovery") {
        lan_discovery(rule, project, file, out);
    }
    if let Some(rule) = enabled("subprocess-network") {
        subprocess_network(rule, project, file, out);
    }
    if let Some(rule) = enabled("insecure-transport") {
        trust_all_delegates(rule, facts, out);
    }
}

#[allow(clippy::too_many_arguments)]
fn push(
    out: &mut FileAnalysis,
    rule: &Rule,
    facts: &FileFacts,
    span: Span,
    host: Option<String>,
    function: Option<String>,
    detail: String,
    matched: String,
) {
    let msg = message(
        rule,
        &[
            ("detail", &detail),
            ("host", host.as_deref().unwrap_or("")),
            ("url", ""),
        ],
    );
    out.findings
        .push(finding_at(rule, facts, span, host, function, msg, matched));
}

fn last_segment(callee: &str) -> &str {
    callee.rsplit('.').next().unwrap_or(callee)
}

fn has_label(call: &CallExpr, label: &str) -> bool {
    call.args.iter().any(|a| a.label.as_deref() == Some(label))
}

/// Text of an argument resolved through constants, or `{name}` holes.
fn resolved_text(project: &Project, file: usize, site: &CallSite, expr: &Expr) -> String {
    let scope = project.scope(file, site.function.as_deref());
    resolve(expr, &scope, 0).render()
}

// --- lan-discovery ---------------------------------------------------------

/// A Bonjour registration or browse found in the file.
struct Discovery<'a> {
    site: &'a CallSite,
    action: &'static str,
    api: &'static str,
    service_type: Option<String>,
}

fn discovery<'a>(project: &Project, file: usize, site: &'a CallSite) -> Option<Discovery<'a>> {
    let call = &site.call;
    let last = last_segment(&site.callee);
    let type_of = |c: &CallExpr| {
        c.arg(Some("type"), usize::MAX)
            .map(|e| resolved_text(project, file, site, e))
    };
    let found = match last {
        // NetService(domain:type:name:port:) publishes; without a port it resolves.
        "NetService" if has_label(call, "type") => Discovery {
            site,
            action: if has_label(call, "port") {
                "advertises"
            } else {
                "resolves"
            },
            api: "NetService",
            service_type: type_of(call),
        },
        // NWListener.Service(name:type:domain:txtRecord:) assigned to `listener.service`.
        "Service" if site.callee.contains("NWListener") && has_label(call, "type") => Discovery {
            site,
            action: "advertises",
            api: "NWListener",
            service_type: type_of(call),
        },
        "NWBrowser" => {
            let descriptor = call.arg(Some("for"), 0);
            let service_type = match descriptor {
                Some(Expr::Call(inner)) => type_of(inner),
                _ => None,
            };
            Discovery {
                site,
                action: "browses for",
                api: "NWBrowser",
                service_type,
            }
        }
        "searchForServices" => Discovery {
            site,
            action: "browses for",
            api: "NetServiceBrowser",
            service_type: call
                .arg(Some("ofType"), 0)
                .map(|e| resolved_text(project, file, site, e)),
        },
        _ => return None,
    };
    Some(found)
}

/// TXT record keys written in the file: `NetService.data(fromTXTRecord: [...])`,
/// `NWTXTRecord([...])`, `record["key"] = …`.
fn txt_keys(project: &Project, file: usize) -> Vec<String> {
    let facts = project.facts(file);
    let mut keys: Vec<String> = Vec::new();
    let add_object = |expr: &Expr, site: &CallSite, keys: &mut Vec<String>| {
        let scope = project.scope(file, site.function.as_deref());
        let object = match expr {
            Expr::Ident(name) => scope.lookup(name).map(|(e, _)| e),
            other => Some(other),
        };
        if let Some(Expr::Object(fields)) = object {
            keys.extend(fields.iter().map(|(k, _)| k.clone()));
        }
    };
    let mut records: Vec<&str> = Vec::new();
    for site in &facts.calls {
        let last = last_segment(&site.callee);
        let record_arg = match last {
            "data" if has_label(&site.call, "fromTXTRecord") => site.call.arg(Some("fromTXTRecord"), 0),
            "NWTXTRecord" => {
                if let Some(name) = &site.assigned_to {
                    records.push(name);
                }
                site.call.args.first().map(|a| &a.value)
            }
            "setTXTRecord" => None,
            _ => None,
        };
        if let Some(arg) = record_arg {
            add_object(arg, site, &mut keys);
        }
    }
    for b in &facts.bindings {
        if let Some((record, rest)) = b.name.split_once("[\"") {
            if records.contains(&record.trim()) {
                if let Some(key) = rest.strip_suffix("\"]") {
                    keys.push(key.to_string());
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    keys.retain(|k| seen.insert(k.clone()));
    keys
}

fn lan_discovery(rule: &Rule, project: &Project, file: usize, out: &mut FileAnalysis) {
    let facts = project.facts(file);
    let found: Vec<Discovery> = facts
        .calls
        .iter()
        .filter_map(|site| discovery(project, file, site))
        .collect();
    if found.is_empty() {
        return;
    }
    let keys = txt_keys(project, file);
    for d in found {
        let keys = if d.action == "advertises" {
            keys.clone()
        } else {
            Vec::new()
        };
        let announcement = discovery::Announcement {
            api: d.api,
            action: d.action,
            service: d.service_type.clone(),
            port: None,
            keys,
        };
        discovery::report(
            rule,
            facts,
            out,
            d.site.span,
            d.site.function.clone(),
            announcement,
        );
    }
}

// --- subprocess-network ----------------------------------------------------

/// The executable path written to `p.executableURL` / `p.launchPath`.
fn executable(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Str(path) => Some(path),
        Expr::Call(call) => match call.arg(Some("fileURLWithPath"), usize::MAX) {
            Some(Expr::Str(path)) => Some(path),
            _ => match call.arg(Some("string"), 0) {
                Some(Expr::Str(url)) => Some(url.trim_start_matches("file://")),
                _ => None,
            },
        },
        _ => None,
    }
}

fn subprocess_network(rule: &Rule, project: &Project, file: usize, out: &mut FileAnalysis) {
    let facts = project.facts(file);
    // `Process.run(URL(fileURLWithPath: "/usr/bin/curl"), arguments: [...])`.
    for site in &facts.calls {
        if !matches!(site.callee.as_str(), "Process.run" | "Process.launchedProcess") {
            continue;
        }
        let exe = site.call.arg(Some("launchPath"), 0).and_then(executable);
        let Some(path) = exe else { continue };
        let scope = project.scope(file, site.function.as_deref());
        let args: Vec<String> = match site.call.arg(Some("arguments"), 1) {
            Some(Expr::Array(items)) => items.iter().map(|e| resolve(e, &scope, 0).render()).collect(),
            _ => Vec::new(),
        };
        report_tool(rule, facts, out, path, &args, site.span, site.function.clone());
    }
    for b in &facts.bindings {
        let Some(process) = b
            .name
            .strip_suffix(".executableURL")
            .or_else(|| b.name.strip_suffix(".launchPath"))
        else {
            continue;
        };
        let Some(path) = executable(&b.value) else {
            continue;
        };
        let scope = project.scope(file, b.function.as_deref());
        let args: Vec<String> = facts
            .bindings
            .iter()
            .find(|a| a.name == format!("{process}.arguments") && a.function == b.function)
            .map(|a| match &a.value {
                Expr::Array(items) => items.iter().map(|e| resolve(e, &scope, 0).render()).collect(),
                _ => Vec::new(),
            })
            .unwrap_or_default();
        report_tool(rule, facts, out, path, &args, b.span, b.function.clone());
    }
}

/// Reports `path args…` when the tool reaches the network.
fn report_tool(
    rule: &Rule,
    facts: &FileFacts,
    out: &mut FileAnalysis,
    path: &str,
    args: &[String],
    span: Span,
    function: Option<String>,
) {
    let mut argv = vec![path.to_string()];
    argv.extend(args.iter().cloned());
    subprocess::report(rule, facts, out, &argv, span, function);
}

// --- insecure-transport: trust-all URLSession delegates ---------------------

const TRUST_EVALUATION: &[&str] = &[
    "SecTrustEvaluateWithError",
    "SecTrustEvaluate",
    "SecTrustEvaluateAsyncWithError",
    "SecTrustEvaluateAsync",
    "SecTrustCopyCertificateChain",
    "SecTrustGetCertificateAtIndex",
    "SecCertificateCopyData",
    "SecTrustCopyKey",
    "SecCertificateCopyKey",
    "SecKeyCopyExternalRepresentation",
    "SecTrustCopyPublicKey",
    "evaluate",
    "performDefaultHandling",
];

fn is_use_credential(expr: &Expr) -> bool {
    matches!(expr, Expr::Ident(name) | Expr::Member(_, name)
        if name.trim_start_matches('.') == "useCredential")
}

fn trusts_server(expr: &Expr) -> bool {
    match expr {
        Expr::Call(call) => {
            call.callee
                .path()
                .is_some_and(|p| last_segment(&p) == "URLCredential")
                && has_label(call, "trust")
        }
        _ => false,
    }
}

fn trust_all_delegates(rule: &Rule, facts: &FileFacts, out: &mut FileAnalysis) {
    for function in &facts.functions {
        if last_segment(&function.name) != "urlSession" {
            continue;
        }
        let inside =
            |s: &Span| function.span.start_byte <= s.start_byte && s.end_byte <= function.span.end_byte;
        let calls: Vec<&CallSite> = facts.calls.iter().filter(|c| inside(&c.span)).collect();
        let accepts = calls.iter().find(|c| {
            c.call.args.iter().any(|a| is_use_credential(&a.value))
                && c.call.args.iter().any(|a| trusts_server(&a.value))
        });
        let Some(accept) = accepts else { continue };
        let evaluates = calls
            .iter()
            .any(|c| TRUST_EVALUATION.contains(&last_segment(&c.callee)));
        if evaluates {
            // Trust is evaluated or the certificate pinned: not a finding.
            continue;
        }
        let debug_only = inside_debug_block(facts, function.span.line);
        let detail = format!(
            "URLSessionDelegate `{}` accepts any server certificate (URLCredential(trust:) without evaluating the trust){}",
            function.name,
            if debug_only { " in an #if DEBUG block" } else { "" }
        );
        push(
            out,
            rule,
            facts,
            accept.span,
            None,
            Some(function.name.clone()),
            detail,
            "swift-trust-all".into(),
        );
    }
}

/// True when `line` sits after an `#if DEBUG` that is not yet closed.
fn inside_debug_block(facts: &FileFacts, line: usize) -> bool {
    let mut depth_debug: Vec<bool> = Vec::new();
    for text in facts.lines.iter().take(line.saturating_sub(1)) {
        let t = text.trim();
        if let Some(cond) = t.strip_prefix("#if ") {
            depth_debug.push(cond.contains("DEBUG") && !cond.contains('!'));
        } else if t.starts_with("#endif") {
            depth_debug.pop();
        } else if t.starts_with("#else") || t.starts_with("#elseif") {
            if let Some(last) = depth_debug.last_mut() {
                *last = false;
            }
        }
    }
    depth_debug.iter().any(|d| *d)
}
