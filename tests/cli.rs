//! CLI tests over `fixtures/`, built as one test binary.

mod common;
mod diff_cli;
mod scan_cli;
