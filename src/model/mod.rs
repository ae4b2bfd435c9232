//! Leaf data shared by every stage: languages, the facts extracted from a
//! file, what the analysis finds, and the report format. Nothing here
//! imports another module of the crate, so every stage can depend on it.

mod analysis;
mod facts;
pub mod host;
mod lang;
mod origin;
pub mod platform;
pub mod report;
mod severity;
mod sink_kind;
pub mod words;

#[cfg(test)]
pub(crate) mod testing;

pub use analysis::{EndpointHit, FileAnalysis, OutboundCall, RawFinding};
pub use facts::*;
pub use lang::{Grammar, Lang};
pub use origin::Origin;
pub use report::{
    Communication, Endpoint, Finding, InventoryFacts, LibraryCall, LibraryImport, Location,
    PlatformFileStats, Report, RequestDetail, ShardInfo, Skipped, Stats, Tool, SCHEMA_VERSION,
};
pub use severity::Severity;
pub use sink_kind::SinkKind;
