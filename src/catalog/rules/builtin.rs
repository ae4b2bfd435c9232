//! Built-in rule data, embedded so an installed binary works alone.
//!
//! `rules/*.yaml` holds rules, the sink catalogs (`sinks-<lang>.yaml`) and the
//! service catalog (`services.yaml`). The rules' test cases,
//! `rules/tests/<rule>/<lang>.yaml`, are run by [`crate::run::rules_test`].

pub use crate::catalog::embedded::RULE_FILES;

/// Rule files: everything in `rules/` but the catalogs.
pub fn rule_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    RULE_FILES.iter().copied().filter(|(p, _)| !is_catalog(p))
}

/// Sink catalogs: `rules/sinks*.yaml`.
pub fn sink_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    RULE_FILES
        .iter()
        .copied()
        .filter(|(p, _)| file_name(p).starts_with("sinks"))
}

pub fn is_catalog(path: &str) -> bool {
    file_name(path).starts_with("sinks") || is_services(path)
}

/// The service catalog, `rules/services*.yaml`: built in only (see
/// `catalog::services`), so `--rules DIR` may not hold one.
pub fn is_services(path: &str) -> bool {
    file_name(path).starts_with("services")
}

/// Whether `text` is the built-in service catalog file of that name
/// (`--rules rules/` in egress-scan's own repository holds it unchanged).
pub fn is_builtin_services(path: &str, text: &str) -> bool {
    RULE_FILES
        .iter()
        .any(|(p, t)| file_name(p) == file_name(path) && *t == text)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
