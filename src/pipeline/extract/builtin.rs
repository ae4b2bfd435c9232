//! The built-in `.scm` queries, embedded so an installed binary works alone.

use crate::catalog::embedded::{QUERIES_KOTLIN, QUERIES_SWIFT, QUERIES_TYPESCRIPT};
use crate::model::Lang;

/// All built-in query files of a language, concatenated.
pub fn builtin_query_source(lang: Lang) -> String {
    let files = match lang {
        Lang::Typescript => QUERIES_TYPESCRIPT,
        Lang::Swift => QUERIES_SWIFT,
        Lang::Kotlin => QUERIES_KOTLIN,
    };
    files.iter().map(|(_, text)| *text).collect::<Vec<_>>().join("\n")
}
