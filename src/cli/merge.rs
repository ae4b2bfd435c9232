//! `egress-scan merge REPORT.json...`: shards into one report, or
//! repositories into an organisation inventory.

use super::args::MergeArgs;
use super::{write_file, write_stdout, Outcome};
use crate::catalog::{RuleSet, SinkCatalog};
use crate::error::Error;
use crate::report::{self, Format};
use crate::run::merge;

pub(super) fn run(args: &MergeArgs) -> Result<Outcome, Error> {
    let rendered = match merge::merge_files(&args.reports)? {
        merge::Merged::Repository(report) => {
            // Only SARIF describes the rules: `--rules` is read for it alone.
            let rules = match args.format {
                Format::Sarif => RuleSet::load(args.rules.as_deref())?,
                _ => RuleSet {
                    rules: Vec::new(),
                    sinks: SinkCatalog::default(),
                },
            };
            report::render(&report, args.format, &rules, args.title.as_deref())
        }
        merge::Merged::Organisation(org) => match args.format {
            Format::Json => report::org::render_json(&org),
            Format::Table => report::org::render_table(&org),
            Format::Markdown => report::org::render_markdown(&org, args.title.as_deref()),
            Format::Sarif => {
                return Err(Error::Usage(format!(
                    "SARIF describes one repository; these reports are of {} repositories (merge each repository's shards separately, or use -f json|markdown|table)",
                    org.repositories.len()
                )))
            }
        },
    };
    match &args.output {
        Some(path) => write_file(path, &rendered)?,
        None => write_stdout(&rendered)?,
    }
    Ok(Outcome::Clean)
}
