//! CLI tests over `fixtures/`, built as one test binary.

mod common;
mod kotlin_cli;
mod scan_cli;
