//! The built-in rules' checks: one module per rule id, each holding the
//! rule's parts for every language, and one registry ([`check_of`]) mapping
//! a rule file's `detector:` to its check.
//!
//! A check runs once per file for each enabled rule naming its detector
//! (enabled: loaded, and the file's language among the rule's `languages`),
//! so a user rule sharing a built-in detector gets results of its own, with
//! its own id, message and severity.

mod hardcoded_endpoint;
mod insecure_transport;
mod lan_discovery;
mod outbound_call;
mod redirect_without_host_check;
mod shared;
mod subprocess_network;
mod token_in_url;
mod unvalidated_url_fetch;
mod user_query;

use std::cell::OnceCell;

use super::calls::Sink;
use super::scope::Project;
use super::sink_guards::{self, SinkRisk};
use super::AnalysisOptions;
use crate::catalog::rules::{Detector, Rule, RuleSet};
use crate::model::{FileAnalysis, FileFacts};

/// A rule's check: adds the rule's results for one file to `out`.
pub type Check = fn(&FileContext, &Rule, &mut FileAnalysis);

/// The registry: the check of each built-in detector.
pub fn check_of(detector: Detector) -> Check {
    match detector {
        Detector::OutboundCall => outbound_call::check,
        Detector::HardcodedEndpoint => hardcoded_endpoint::check,
        Detector::TokenInUrl => token_in_url::check,
        Detector::RedirectWithoutHostCheck => redirect_without_host_check::check,
        Detector::UnvalidatedUrlFetch => unvalidated_url_fetch::check,
        Detector::InsecureTransport => insecure_transport::check,
        Detector::LanDiscovery => lan_discovery::check,
        Detector::SubprocessNetwork => subprocess_network::check,
    }
}

/// One file under analysis, with what its checks share.
pub struct FileContext<'a> {
    pub project: &'a Project<'a>,
    pub file: usize,
    pub facts: &'a FileFacts,
    pub rules: &'a RuleSet,
    pub options: &'a AnalysisOptions,
    /// The file's network calls, with their URLs, guards and redirect modes.
    pub sinks: &'a [Sink],
    risks: OnceCell<Vec<SinkRisk>>,
}

impl<'a> FileContext<'a> {
    /// The rules of `detector` that apply to this file's language.
    pub fn enabled(&self, detector: Detector) -> impl Iterator<Item = &'a Rule> + 'a {
        let lang = self.facts.lang;
        self.rules
            .with_detector(detector)
            .filter(move |r| r.languages.contains(&lang))
    }

    /// The SSRF verdict of each sink (in `sinks` order), computed once.
    pub fn risks(&self) -> &[SinkRisk] {
        self.risks.get_or_init(|| sink_guards::risks(self.sinks))
    }
}

/// Runs every enabled rule over one file: the built-in detectors in
/// registry order, then the user rules written as queries.
pub fn run(
    project: &Project,
    file: usize,
    rules: &RuleSet,
    options: &AnalysisOptions,
    sinks: &[Sink],
    out: &mut FileAnalysis,
) {
    let cx = FileContext {
        project,
        file,
        facts: project.facts(file),
        rules,
        options,
        sinks,
        risks: OnceCell::new(),
    };
    // Framework routes are outbound calls whichever rules are loaded, as
    // the sinks found by `calls` are.
    outbound_call::framework_routes(&cx, out);
    for detector in Detector::ALL {
        let check = check_of(detector);
        for rule in cx.enabled(detector) {
            check(&cx, rule, out);
        }
    }
    user_query::check_all(&cx, out);
}
