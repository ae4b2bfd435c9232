//! CLI tests over `fixtures/`, built as one test binary.

mod analysis_cli;
mod cache_cli;
mod client_layer_cli;
mod common;
mod data_sent_cli;
mod diff_cli;
mod gate_cli;
mod hostile;
mod java_cli;
mod kotlin_cli;
mod layers;
mod platform_cli;
mod precision_cli;
mod prefilter_cli;
mod reliability;
mod report_cli;
mod rest_sdk_cli;
mod rules_cli;
mod scan_cli;
mod sdk_cli;
mod shard_cli;
mod swift_cli;
mod telemetry_cli;
mod untrusted;
