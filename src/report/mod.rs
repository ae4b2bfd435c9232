//! The renderers of the report model ([`crate::model::Report`]): one
//! module per output format, [`render`] to pick one, and [`escape`] for
//! every piece of scanned text they show.

pub mod baseline;
pub mod escape;
pub mod json;
pub mod markdown;
pub mod org;
pub mod sarif;
pub mod table;

use crate::catalog::RuleSet;
use crate::model::Report;

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Sarif,
    Markdown,
}

/// `report` in `format`. `rules` describe the findings' rules (SARIF);
/// `title` heads the markdown document (default: one naming the root).
/// `1 call site`, `4 call sites`: counts in prose read as written by hand.
pub fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

pub fn render(report: &Report, format: Format, rules: &RuleSet, title: Option<&str>) -> String {
    match format {
        Format::Json => json::render(report),
        Format::Table => table::render(report),
        Format::Sarif => sarif::render(report, rules),
        Format::Markdown => markdown::render(report, title),
    }
}
