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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Grammar;

    #[test]
    fn builtin_queries_compile_for_every_grammar() {
        for grammar in [Grammar::TypeScript, Grammar::Tsx, Grammar::Swift, Grammar::Kotlin] {
            let source = builtin_query_source(grammar.lang());
            if let Err(e) = tree_sitter::Query::new(&grammar.language(), &source) {
                panic!("{grammar:?}: {e}");
            }
        }
    }
}
