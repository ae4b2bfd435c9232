//! Everything loaded from `rules/`: the rules, the sink catalog and the
//! service catalog, built in and extended by `--rules DIR`.

pub mod embedded;
pub mod rules;
pub mod services;

pub use rules::{Detector, RuleError, RuleSet, SinkCatalog, SinkSpec};
pub use services::{Catalog, Service, CATEGORIES};
