//! The renderers of the report model ([`crate::model::Report`]): one
//! module per output format.

pub mod baseline;
pub mod json;
pub mod markdown;
pub mod org;
pub mod sarif;
pub mod table;
pub mod text;

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Sarif,
    Markdown,
}
