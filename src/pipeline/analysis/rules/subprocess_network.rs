//! `egress/subprocess-network`: a child process that reaches the network
//! (ssh, scp, curl, wget, git clone, …), with the host when known. The
//! argument vector decides (see [`report`]); the languages' parts find it:
//! `child_process`, `execa`, `Bun.spawn` (TypeScript), `Process` (Swift),
//! `ProcessBuilder`, `Runtime.exec` (Kotlin, Java). Each such process is an
//! outbound call of the inventory, and a URL argument an endpoint.

use super::shared::Finding;
use super::FileContext;
use crate::catalog::rules::Rule;
use crate::model::host;
use crate::model::SinkKind;
use crate::model::{EndpointHit, FileAnalysis, Origin, OutboundCall};
use crate::model::{FileFacts, Lang, Span};

pub fn check(cx: &FileContext, rule: &Rule, out: &mut FileAnalysis) {
    match cx.facts.lang {
        Lang::Typescript => typescript::check(rule, cx.project, cx.file, out),
        Lang::Swift => swift::check(rule, cx.project, cx.file, out),
        Lang::Kotlin | Lang::Java => kotlin::check(rule, cx.project, cx.file, out),
    }
}

/// Tools whose child processes reach the network.
pub const NETWORK_TOOLS: &[&str] = &[
    "ssh", "scp", "sftp", "curl", "wget", "rsync", "git", "nc", "ncat", "netcat", "telnet", "ftp",
];

/// `git` is a network tool only for the subcommands that talk to a remote.
const GIT_NETWORK_SUBCOMMANDS: &[&str] = &["clone", "fetch", "pull", "push", "ls-remote", "submodule"];

/// The host of a URL, `user@host:path` or a bare `host.name` argument.
pub fn target_host(arg: &str) -> Option<String> {
    if let Some(parts) = host::split(arg) {
        return (!parts.host.starts_with('{')).then(|| host::hostname(&parts.host));
    }
    if let Some((_, after)) = arg.split_once("://") {
        // ssh://, git:// and other tool schemes.
        let h = after.split(['/', ':']).next().unwrap_or(after);
        let h = h.rsplit_once('@').map_or(h, |(_, h)| h);
        return (!h.is_empty() && !h.starts_with('{')).then(|| h.to_ascii_lowercase());
    }
    let after_user = arg.rsplit_once('@').map_or(arg, |(_, h)| h);
    let h = after_user.split(':').next().unwrap_or("");
    let templated = h.starts_with('{') && h.ends_with('}') && arg.contains([':', '@']);
    let plausible = h.contains('.')
        && !h.starts_with('{')
        && !h.contains('/')
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && h.chars().any(|c| c.is_ascii_alphabetic())
        && !h
            .rsplit('.')
            .next()
            .is_some_and(|ext| matches!(ext, "txt" | "json" | "tar" | "gz" | "zip" | "sh" | "log"));
    // `${remoteHost}:${path}` keeps the placeholder: the host is configured.
    (plausible || templated).then(|| h.to_ascii_lowercase())
}

/// Records `argv` when it runs a network tool. `argv[0]` may be a path or
/// `env`; a single command line is split on whitespace by the caller.
pub fn report(
    rule: &Rule,
    facts: &FileFacts,
    out: &mut FileAnalysis,
    argv: &[String],
    span: Span,
    function: Option<String>,
) {
    let Some(tool_index) = argv.iter().position(|a| {
        let name = a.rsplit('/').next().unwrap_or(a);
        NETWORK_TOOLS.contains(&name)
    }) else {
        return;
    };
    // Only `env` or a shell may come before the tool.
    if argv[..tool_index].iter().any(|a| {
        let name = a.rsplit('/').next().unwrap_or(a);
        !matches!(name, "env" | "sh" | "bash" | "zsh" | "-c" | "sudo" | "exec")
    }) {
        return;
    }
    let tool = argv[tool_index].rsplit('/').next().unwrap_or("").to_string();
    let rest = &argv[tool_index + 1..];
    if tool == "git" && !rest.iter().any(|a| GIT_NETWORK_SUBCOMMANDS.contains(&a.as_str())) {
        return;
    }
    let host = rest
        .iter()
        .filter(|a| !a.starts_with('-'))
        .find_map(|a| target_host(a));
    let url = rest.iter().find(|a| host::split(a).is_some()).cloned();
    let origin = match &host {
        Some(h) if h.contains('{') => Origin::Config,
        Some(_) => Origin::Literal,
        None => Origin::Unknown,
    };
    // A URL argument is an endpoint of the inventory like any other.
    if let Some(parts) = url.as_deref().and_then(host::split) {
        if !parts.host.starts_with('{') {
            out.endpoints.push(EndpointHit {
                url: url.clone().unwrap_or_default(),
                scheme: parts.scheme.to_ascii_lowercase(),
                host: host::hostname(&parts.host),
                origin,
                file: facts.path.clone(),
                span,
                literal_site: false,
            });
        }
    }
    let mut call = OutboundCall::new(facts, span, &tool, SinkKind::Subprocess, function.clone());
    call.url = url.or_else(|| host.as_ref().map(|h| format!("{tool}://{h}")));
    call.host = host.clone();
    call.origin = origin;
    out.record_call(call);
    let detail = match &host {
        Some(h) => format!("Subprocess `{tool}` reaches the network (host {h})"),
        None => format!("Subprocess `{tool}` reaches the network"),
    };
    let finding = Finding::new(rule, facts, span)
        .fields(&[
            ("detail", &detail),
            ("tool", &tool),
            ("host", host.as_deref().unwrap_or("an unknown host")),
            ("url", ""),
        ])
        .host(host.clone())
        .function(function)
        .matched(format!("{tool}:{}", host.unwrap_or_default()));
    out.findings.push(finding.build());
}

/// TypeScript/JavaScript: `child_process`, `execa`, `Bun.spawn`.
mod typescript {
    use crate::catalog::rules::Rule;
    use crate::model::Expr;
    use crate::model::FileAnalysis;
    use crate::pipeline::analysis::rules::shared::imports;
    use crate::pipeline::analysis::scope::Project;
    use crate::pipeline::analysis::url::resolve;

    const CHILD_PROCESS: &[&str] = &["child_process", "node:child_process"];
    const SPAWNERS: &[&str] = &["spawn", "spawnSync", "execFile", "execFileSync", "fork"];
    const SHELL_EXEC: &[&str] = &["exec", "execSync"];

    pub fn check(rule: &Rule, project: &Project, file: usize, out: &mut FileAnalysis) {
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
            super::report(rule, facts, out, &argv, site.span, site.function.clone());
        }
    }
}

/// Swift: `Process` with an executable URL or launch path.
mod swift {
    use crate::catalog::rules::Rule;
    use crate::model::FileAnalysis;
    use crate::model::{Expr, FileFacts, Span};
    use crate::pipeline::analysis::scope::Project;
    use crate::pipeline::analysis::url::resolve;

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

    pub fn check(rule: &Rule, project: &Project, file: usize, out: &mut FileAnalysis) {
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
        super::report(rule, facts, out, &argv, span, function);
    }
}

/// Kotlin and Java: `ProcessBuilder`, `Runtime.getRuntime().exec`.
mod kotlin {
    use crate::catalog::rules::Rule;
    use crate::model::Expr;
    use crate::model::FileAnalysis;
    use crate::pipeline::analysis::scope::Project;
    use crate::pipeline::analysis::url::resolve;

    /// `ProcessBuilder("curl", url)`, `Runtime.getRuntime().exec("ssh host")`,
    /// Java `new ProcessBuilder(Arrays.asList("git", "push", remote))` and
    /// `exec(new String[] {"curl", url})`.
    pub fn check(rule: &Rule, project: &Project, file: usize, out: &mut FileAnalysis) {
        let facts = project.facts(file);
        for site in &facts.calls {
            let is_spawn = matches!(
                site.callee.as_str(),
                "ProcessBuilder" | "java.lang.ProcessBuilder"
            ) || site.callee.ends_with("getRuntime().exec");
            if !is_spawn {
                continue;
            }
            // Flatten `listOf(...)`/`arrayOf(...)` (Java `Arrays.asList(...)`,
            // `List.of(...)`, `new String[] {...}`) and split a single command line.
            let mut argv: Vec<String> = Vec::new();
            for arg in &site.call.args {
                let items: Vec<&Expr> = match &arg.value {
                    Expr::Call(c)
                        if matches!(
                            c.callee.path().as_deref(),
                            Some("listOf" | "arrayOf" | "mutableListOf" | "Arrays.asList" | "List.of")
                        ) =>
                    {
                        c.args.iter().map(|a| &a.value).collect()
                    }
                    Expr::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                for item in items {
                    let scope = project.scope(file, site.function.as_deref());
                    let rendered = resolve(item, &scope, 0).render();
                    argv.extend(rendered.split_whitespace().map(str::to_string));
                }
            }
            super::report(rule, facts, out, &argv, site.span, site.function.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_tool_arguments() {
        assert_eq!(
            target_host("deploy@build.corp.io:/srv").as_deref(),
            Some("build.corp.io")
        );
        assert_eq!(target_host("https://x.io/a.tar.gz").as_deref(), Some("x.io"));
        assert_eq!(
            target_host("git@github.com:org/repo.git").as_deref(),
            Some("github.com")
        );
        assert_eq!(
            target_host("{remoteHost}:{path}").as_deref(),
            Some("{remotehost}")
        );
        assert_eq!(target_host("notes.txt"), None);
        assert_eq!(target_host("-v"), None);
        assert_eq!(target_host("22"), None);
        assert_eq!(target_host("/tmp/file"), None);
    }
}
