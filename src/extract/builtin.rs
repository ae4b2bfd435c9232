//! The built-in `.scm` queries, embedded so an installed binary works alone.

use crate::lang::Lang;

const TYPESCRIPT: &[&str] = &[
    include_str!("../../queries/typescript/calls.scm"),
    include_str!("../../queries/typescript/bindings.scm"),
    include_str!("../../queries/typescript/functions.scm"),
    include_str!("../../queries/typescript/strings.scm"),
    include_str!("../../queries/typescript/imports.scm"),
    include_str!("../../queries/typescript/comments.scm"),
];

const SWIFT: &[&str] = &[];

const KOTLIN: &[&str] = &[];

/// All built-in query files of a language, concatenated.
pub fn builtin_query_source(lang: Lang) -> String {
    let files = match lang {
        Lang::Typescript => TYPESCRIPT,
        Lang::Swift => SWIFT,
        Lang::Kotlin => KOTLIN,
    };
    files.join("\n")
}
