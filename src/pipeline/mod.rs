//! The scan pipeline, one stage per module, each depending only on the
//! stages before it: walk → prefilter → parse and extract → analyse →
//! inventory (SPEC §3). `engine` runs the per-file stages; `cache` and
//! `spill` keep extracted facts on disk.

pub mod analysis;
pub mod cache;
pub mod declarations;
pub mod engine;
pub mod extract;
pub mod inventory;
pub mod lang;
pub mod platform;
pub mod prefilter;
pub mod spill;
pub mod tracked;
pub mod walk;
