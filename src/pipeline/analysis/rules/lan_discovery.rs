//! `egress/lan-discovery`: mDNS/Bonjour/NSD advertisements and browses. The
//! service type and TXT record keys are reported (they leak metadata on the
//! LAN), and each registration or browse is an outbound call of the
//! inventory. One message shape for every language; the languages' parts
//! find the calls: `@homebridge/ciao`, `bonjour-service`/`bonjour`,
//! `multicast-dns`, `mdns` (TypeScript), `NetService`, `NWListener`,
//! `NWBrowser`, `NetServiceBrowser` (Swift), `NsdManager` (Kotlin).

use super::shared::Finding;
use super::FileContext;
use crate::catalog::rules::Rule;
use crate::model::SinkKind;
use crate::model::{FileAnalysis, Origin, OutboundCall};
use crate::model::{FileFacts, Lang, Span};

pub fn check(cx: &FileContext, rule: &Rule, out: &mut FileAnalysis) {
    match cx.facts.lang {
        Lang::Typescript => typescript::check(rule, cx.project, cx.file, out),
        Lang::Swift => swift::check(rule, cx.project, cx.file, out),
        Lang::Kotlin | Lang::Java => kotlin::check(rule, cx.project, cx.file, out),
    }
}

/// What a discovery call announces or looks for.
pub struct Announcement<'a> {
    /// The API used (`NetService`, `NsdManager`, `ciao`).
    pub api: &'a str,
    /// `advertises`, `browses for`, `answers queries for`, …
    pub action: &'a str,
    /// Service type (`_myapp._tcp`) when literal.
    pub service: Option<String>,
    pub port: Option<String>,
    /// TXT record keys when literal (values are never reported).
    pub keys: Vec<String>,
}

/// Records the discovery call for the inventory and reports it.
pub fn report(
    rule: &Rule,
    facts: &FileFacts,
    out: &mut FileAnalysis,
    span: Span,
    function: Option<String>,
    a: Announcement,
) {
    let service = a
        .service
        .clone()
        .unwrap_or_else(|| "an unknown service type".into());
    let mut detail = format!(
        "Bonjour/mDNS: {} {} `{service}` on the local network",
        a.api, a.action
    );
    if let Some(port) = &a.port {
        detail.push_str(&format!(", port {port}"));
    }
    if !a.keys.is_empty() {
        detail.push_str(&format!("; TXT record keys: {}", a.keys.join(", ")));
    }
    let mut call = OutboundCall::new(facts, span, a.api, SinkKind::Discovery, function.clone());
    call.url = a.service.as_ref().map(|t| format!("dns-sd:{t}"));
    call.origin = if a.service.is_some() {
        Origin::Literal
    } else {
        Origin::Unknown
    };
    out.record_call(call);
    out.findings.push(
        Finding::new(rule, facts, span)
            .fields(&[
                ("detail", &detail),
                ("service", &service),
                ("keys", &a.keys.join(", ")),
                ("host", "the local network"),
                ("url", ""),
            ])
            .function(function)
            .matched(format!("{}:{}:{service}", a.api, a.action))
            .build(),
    );
}

/// TypeScript/JavaScript: ciao, bonjour, multicast-dns, mdns.
mod typescript {
    use super::Announcement;
    use crate::catalog::rules::Rule;
    use crate::model::FileAnalysis;
    use crate::model::{CallSite, Expr};
    use crate::pipeline::analysis::rules::shared::imports;
    use crate::pipeline::analysis::scope::Project;
    use crate::pipeline::analysis::url::resolve;

    /// A literal `_service._tcp` type in an expression (string or `{ type }`).
    fn service_type(expr: &Expr) -> Option<String> {
        match expr {
            Expr::Str(s) if s.starts_with('_') && (s.contains("._tcp") || s.contains("._udp")) => {
                Some(s.clone())
            }
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

    pub fn check(rule: &Rule, project: &Project, file: usize, out: &mut FileAnalysis) {
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
        let announcement = Announcement {
            api,
            action,
            service,
            port,
            keys,
        };
        super::report(rule, facts, out, site.span, site.function.clone(), announcement);
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
}

/// Swift: Bonjour registration and browsing.
mod swift {
    use super::Announcement;
    use crate::catalog::rules::Rule;
    use crate::model::FileAnalysis;
    use crate::model::{CallExpr, CallSite, Expr};
    use crate::pipeline::analysis::rules::shared::{has_label, last_segment};
    use crate::pipeline::analysis::scope::Project;
    use crate::pipeline::analysis::url::resolve;

    /// Text of an argument resolved through constants, or `{name}` holes.
    fn resolved_text(project: &Project, file: usize, site: &CallSite, expr: &Expr) -> String {
        let scope = project.scope(file, site.function.as_deref());
        resolve(expr, &scope, 0).render()
    }

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

    pub fn check(rule: &Rule, project: &Project, file: usize, out: &mut FileAnalysis) {
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
            let announcement = Announcement {
                api: d.api,
                action: d.action,
                service: d.service_type.clone(),
                port: None,
                keys,
            };
            super::report(
                rule,
                facts,
                out,
                d.site.span,
                d.site.function.clone(),
                announcement,
            );
        }
    }
}

/// Kotlin/Android: NSD (DNS-SD) registration and browsing.
mod kotlin {
    use super::Announcement;
    use crate::catalog::rules::Rule;
    use crate::model::CallSite;
    use crate::model::Expr;
    use crate::model::FileAnalysis;
    use crate::pipeline::analysis::scope::Project;
    use crate::pipeline::analysis::url::resolve;

    fn arg_str(project: &Project, file: usize, site: &CallSite, expr: &Expr) -> Option<String> {
        let scope = project.scope(file, site.function.as_deref());
        let value = resolve(expr, &scope, 0);
        value.is_literal().then(|| value.render())
    }

    /// NSD (DNS-SD) registration and browsing on the local network.
    pub fn check(rule: &Rule, project: &Project, file: usize, out: &mut FileAnalysis) {
        let facts = project.facts(file);
        for site in &facts.calls {
            let last = site.callee.rsplit('.').next().unwrap_or("");
            let action = match last {
                "registerService" => "advertises",
                "discoverServices" => "browses for",
                _ => continue,
            };
            // NsdManager(info, protocol, listener) / discoverServices(type, protocol, listener).
            if site.call.args.len() < 2 {
                continue;
            }
            let function = site.function.as_deref();
            let same_fn = |f: Option<&str>| f == function;
            let service_type = if last == "discoverServices" {
                site.call
                    .args
                    .first()
                    .and_then(|a| arg_str(project, file, site, &a.value))
            } else {
                // `serviceType = "_x._tcp"` / `setServiceType("_x._tcp")` in the same function.
                facts
                    .bindings
                    .iter()
                    .filter(|b| same_fn(b.function.as_deref()))
                    .find(|b| b.name == "serviceType" || b.name.ends_with(".serviceType"))
                    .and_then(|b| match &b.value {
                        Expr::Str(s) => Some(s.clone()),
                        _ => None,
                    })
                    .or_else(|| {
                        facts
                            .calls
                            .iter()
                            .filter(|c| {
                                same_fn(c.function.as_deref()) && c.callee.ends_with("setServiceType")
                            })
                            .find_map(|c| {
                                c.call
                                    .args
                                    .first()
                                    .and_then(|a| a.value.as_str().map(str::to_string))
                            })
                    })
            };
            let mut keys: Vec<String> = Vec::new();
            if last == "registerService" {
                for c in facts.calls.iter().filter(|c| {
                    same_fn(c.function.as_deref()) && c.callee.rsplit('.').next() == Some("setAttribute")
                }) {
                    if let Some(Expr::Str(k)) = c.call.args.first().map(|a| &a.value) {
                        if !keys.contains(k) {
                            keys.push(k.clone());
                        }
                    }
                }
            }
            let announcement = Announcement {
                api: "NsdManager",
                action,
                service: service_type,
                port: None,
                keys,
            };
            super::report(rule, facts, out, site.span, site.function.clone(), announcement);
        }
    }
}
