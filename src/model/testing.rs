//! Hand-built report parts for unit tests.

use super::*;

pub fn report(endpoints: Vec<Endpoint>, calls: Vec<OutboundCall>, findings: Vec<Finding>) -> Report {
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "egress-scan".into(),
            version: "0.0.0".into(),
        },
        root: "app".into(),
        repository: None,
        stats: Stats::default(),
        endpoints,
        communications: Vec::new(),
        findings,
        calls,
        shard: None,
        platform: None,
    }
}

/// An HTTP call; `url` is a template such as `{config.url}`.
pub fn call(file: &str, line: usize, url: Option<&str>, host: Option<&str>, origin: Origin) -> OutboundCall {
    OutboundCall {
        file: file.into(),
        line,
        column: 5,
        api: "fetch".into(),
        kind: SinkKind::Http,
        url: url.map(String::from),
        host: host.map(String::from),
        origin,
        function: None,
        via: Vec::new(),
        guard: None,
        redirects: None,
        auth: None,
        headers: Vec::new(),
        data_sent: Vec::new(),
    }
}

pub fn endpoint(url: &str, host: &str, file: &str, line: usize) -> Endpoint {
    Endpoint {
        url: url.into(),
        host: host.into(),
        scheme: "https".into(),
        origin: Origin::Literal,
        service: None,
        locations: vec![Location {
            file: file.into(),
            line,
            column: 5,
        }],
    }
}

pub fn finding(rule_id: &str, severity: Severity, message: &str, file: &str, line: usize) -> Finding {
    Finding {
        rule_id: rule_id.into(),
        severity,
        message: message.into(),
        file: file.into(),
        line,
        column: 1,
        end_line: line,
        end_column: 2,
        host: None,
        snippet: String::new(),
        fingerprint: format!("{rule_id}:{file}:{line}:{message}"),
        suppressed: false,
        suppression_reason: None,
    }
}
