//! egress-scan: a static auditor of outbound network communications.
//!
//! Modules are layered and import only downward (SPEC §11), which
//! `tests/layers.rs` checks:
//!
//! - [`model`] and [`input`]: leaf data and the safe reading of input files;
//!   [`model`]: leaf data (languages, facts, analysis results, the report format);
//! - [`catalog`] and [`config`]: what is loaded from `rules/` and `.egress-scan.toml`;
//! - [`pipeline`]: the scan stages, walk → prefilter → parse → extract → analyse → inventory;
//! - [`report`]: one renderer per output format;
//! - [`error`] and [`run`]: the commands' work (scan, shards, diff, merge, rule examples);
//! - [`cli`]: the command line, one module per subcommand.

// Diagnostics carry their source text for miette; they are built once per
// failed run, so their size on the error path does not matter.
#![allow(clippy::result_large_err)]

pub mod catalog;
pub mod cli;
pub mod config;
pub mod error;
pub mod fuzzing;
pub mod input;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod run;

pub use cli::{main_with_args, run, Outcome};
pub use error::Error;
