//! JSON output: serde only, pretty-printed, with a trailing newline.

use crate::model::Report;

pub fn render(report: &Report) -> String {
    super::escape::json_document(report)
}

pub fn parse(text: &str) -> Result<Report, serde_json::Error> {
    serde_json::from_str(text)
}
