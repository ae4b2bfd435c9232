//! What the analysis finds in a file: call sites, endpoint occurrences and
//! findings before the report's finishing touches.

use serde::{Deserialize, Serialize};

use super::{FileFacts, Origin, SinkKind, Span};

/// A network call site with its reconstructed URL.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct OutboundCall {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub api: String,
    pub kind: SinkKind,
    /// The URL with `{placeholders}`; `None` when nothing of it is known.
    pub url: Option<String>,
    pub host: Option<String>,
    pub origin: Origin,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Project wrappers between this call site and the network API,
    /// outermost first (`["Client.doFetch", "fetch"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
    /// The host guard applied to this URL, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<String>,
    /// How redirects are handled: `follow (default)`, `manual`, `error`, `not followed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirects: Option<String>,
    /// Where the credential goes: `Bearer in Authorization header`, `` `x-api-key` header ``.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<String>,
    /// Header names sent (literal options only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
    /// Body keys sent, with a sensitive kind when recognised by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_sent: Vec<String>,
}

impl OutboundCall {
    /// A call at `span` with nothing known about its URL yet.
    pub fn new(facts: &FileFacts, span: Span, api: &str, kind: SinkKind, function: Option<String>) -> Self {
        OutboundCall {
            file: facts.path.clone(),
            line: span.line,
            column: span.column,
            api: api.to_string(),
            kind,
            url: None,
            host: None,
            origin: Origin::Unknown,
            function,
            via: Vec::new(),
            guard: None,
            redirects: None,
            auth: None,
            headers: Vec::new(),
            data_sent: Vec::new(),
        }
    }
}

/// One occurrence of an endpoint URL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EndpointHit {
    pub url: String,
    pub scheme: String,
    pub host: String,
    pub origin: Origin,
    pub file: String,
    pub span: Span,
    /// True when the URL literal is written at `span` itself (not reached
    /// through a constant), so it is reported as hard-coded there.
    pub literal_site: bool,
}

/// A finding before suppression, fingerprinting and severity overrides.
#[derive(Debug, Clone)]
pub struct RawFinding {
    pub rule_id: String,
    pub message: String,
    pub file: String,
    pub span: Span,
    pub host: Option<String>,
    pub function: Option<String>,
    /// The text the fingerprint is computed from (normalised later).
    pub matched: String,
    /// The URL query parameter that carries the credential
    /// (`egress/token-in-url`), to tell a service's public client key.
    pub url_param: Option<String>,
}

#[derive(Debug, Default)]
pub struct FileAnalysis {
    pub calls: Vec<OutboundCall>,
    pub endpoints: Vec<EndpointHit>,
    pub findings: Vec<RawFinding>,
}

impl FileAnalysis {
    /// Records a call a detector found. When the sink catalog already
    /// recorded the same call (same place and API) without a URL, the
    /// detector's reading (an mDNS service type, say) completes that record
    /// instead of adding a second one: one call, one row.
    pub fn record_call(&mut self, call: OutboundCall) {
        let same = |c: &OutboundCall| {
            c.url.is_none()
                && c.file == call.file
                && c.line == call.line
                && c.column == call.column
                && c.api == call.api
        };
        match self.calls.iter_mut().find(|c| same(c)) {
            Some(existing) if call.url.is_some() => *existing = call,
            Some(_) => {}
            None => self.calls.push(call),
        }
    }
}
