//! `egress/subprocess-network`, shared by the languages: given a child
//! process's argument vector, decide whether it runs a network tool, find the
//! host it talks to, and record the call and the finding.

use super::detectors::{finding_at, message};
use crate::catalog::rules::Rule;
use crate::model::host;
use crate::model::SinkKind;
use crate::model::{EndpointHit, FileAnalysis, Origin, OutboundCall};
use crate::model::{FileFacts, Span};

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
    let msg = message(
        rule,
        &[
            ("detail", &detail),
            ("tool", &tool),
            ("host", host.as_deref().unwrap_or("an unknown host")),
            ("url", ""),
        ],
    );
    out.findings.push(finding_at(
        rule,
        facts,
        span,
        host.clone(),
        function,
        msg,
        format!("{tool}:{}", host.unwrap_or_default()),
    ));
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
