//! The commands' work: scan (and its shards), finishing findings, diff,
//! merge and the rule examples, with the run-wide timings and progress line.

pub mod diff;
pub mod finalize;
pub mod merge;
pub mod progress;
pub mod rules_test;
pub mod scan;
pub mod shard;
pub mod timings;
