//! CLI tests over `fixtures/`, built as one test binary.

mod common;
mod scan_cli;
mod swift_cli;
