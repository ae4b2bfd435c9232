//! Calls no endpoint accounts for, and among them the requests to URLs
//! only known at run time, which form one communication of their own.

use std::collections::BTreeSet;

use crate::model::{Communication, Endpoint, OutboundCall, SinkKind};

/// Title of the communication of requests whose URL is only known at run
/// time.
pub const RUNTIME_URLS_TITLE: &str = "Requests to runtime-determined URLs";

/// The calls that no endpoint accounts for: no endpoint of the report is
/// located at the call's file and line. Mostly requests to URLs known only
/// at run time (`{configuration.updateUrl}`), plus calls whose destination
/// is written elsewhere or is not a URL (service discovery). In report order.
pub fn calls_without_endpoint<'a>(
    endpoints: &[Endpoint],
    calls: &'a [OutboundCall],
) -> Vec<&'a OutboundCall> {
    let listed: BTreeSet<(&str, usize)> = endpoints
        .iter()
        .flat_map(|e| e.locations.iter().map(|l| (l.file.as_str(), l.line)))
        .collect();
    calls
        .iter()
        .filter(|c| !listed.contains(&(c.file.as_str(), c.line)))
        .collect()
}

/// Whether a call that no endpoint accounts for is a request to a URL only
/// known at run time (`{config.url}`, `{location}`): its host is unknown.
/// Service discovery is not a request to a URL and stays in the local/LAN
/// view.
pub fn is_runtime_url(call: &OutboundCall) -> bool {
    call.host.is_none() && call.kind != SinkKind::Discovery
}

/// The requests whose destination is only known at run time: the calls
/// without an endpoint that [`is_runtime_url`] accepts.
pub fn runtime_url_calls<'a>(endpoints: &[Endpoint], calls: &'a [OutboundCall]) -> Vec<&'a OutboundCall> {
    calls_without_endpoint(endpoints, calls)
        .into_iter()
        .filter(|c| is_runtime_url(c))
        .collect()
}

/// Does communication `c` hold `call`, a request to a runtime-determined
/// URL? Requests sharing a base URL form their own communication
/// ("Configured server {serverUrl}"), the others (and those without a URL
/// template) are in [`RUNTIME_URLS_TITLE`].
pub fn holds_runtime_call(c: &Communication, call: &OutboundCall) -> bool {
    match &call.url {
        Some(url) => c.runtime_urls.contains(url),
        None => c.title == RUNTIME_URLS_TITLE,
    }
}
