//! Unit-test helpers: one file's facts opened as a one-file project.

use super::scope::Scope;
use super::{ParsedFile, ProjectIndex};
use crate::model::CallSite;

/// Runs `f` on the first call to `callee` in `src` (a file at `path`), seen
/// from its own place.
pub fn at_call<R>(
    path: &str,
    src: &str,
    callee: &str,
    f: impl for<'a> FnOnce(&'a CallSite, &Scope<'a>) -> R,
) -> R {
    at_call_where(path, src, |c| c.callee == callee, f)
}

/// Runs `f` on the first call to `callee` in function `function`.
pub fn at_call_in<R>(
    path: &str,
    src: &str,
    callee: &str,
    function: &str,
    f: impl for<'a> FnOnce(&'a CallSite, &Scope<'a>) -> R,
) -> R {
    at_call_where(
        path,
        src,
        |c| c.callee == callee && c.function.as_deref() == Some(function),
        f,
    )
}

/// Runs `f` on the first call that `wanted` accepts.
pub fn at_call_where<R>(
    path: &str,
    src: &str,
    wanted: impl Fn(&CallSite) -> bool,
    f: impl for<'a> FnOnce(&'a CallSite, &Scope<'a>) -> R,
) -> R {
    let facts = crate::pipeline::extract::facts_of(path, src);
    let parsed = ParsedFile::new(facts.clone());
    let files = [&parsed];
    let index = ProjectIndex::new(&files);
    let project = index.open(0, &facts);
    let site = facts.calls.iter().find(|c| wanted(c)).expect("call");
    f(site, &project.scope(0, site.function.as_deref()))
}
