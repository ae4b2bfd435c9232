//! The inventory: groups endpoints and SDK imports into communications using
//! the service catalog (`rules/services.yaml`).
//!
//! - an endpoint whose host is in the catalog joins that service's group;
//! - loopback and LAN hosts join "Local and LAN services";
//! - other hosts are grouped by the module (top source folder) calling them;
//! - requests to URLs known only at run time (no endpoint at the call, no
//!   host) form one "Requests to runtime-determined URLs" group;
//! - importing a catalog client library is a communication "via library",
//!   even when no URL appears in the code.
//!
//! One job per module: [`modules`] names the module of a file, [`runtime`]
//! picks the requests to runtime-determined URLs, [`facts`] takes a file's
//! inventory facts, [`sent`] gathers what requests send, [`scope`] says
//! which findings belong to a communication and [`communications`] groups
//! it all.

mod communications;
mod facts;
mod modules;
mod runtime;
mod scope;
mod sdk;
mod sent;

pub use communications::{communications_from, TOOLING};
pub use facts::file_facts;
pub use modules::module_of;
pub use runtime::{
    calls_without_endpoint, holds_runtime_call, is_runtime_url, runtime_url_calls, RUNTIME_URLS_TITLE,
};
pub use scope::FindingScope;
