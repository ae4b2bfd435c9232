//! CLI tests over `fixtures/`, built as one test binary.

mod analysis_cli;
mod common;
mod scan_cli;
