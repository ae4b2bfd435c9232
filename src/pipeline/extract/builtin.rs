//! The built-in `.scm` queries, embedded so an installed binary works alone.

use crate::catalog::embedded::{QUERIES_JAVA, QUERIES_KOTLIN, QUERIES_SWIFT, QUERIES_TYPESCRIPT};
use crate::model::{Grammar, Lang};

/// All built-in query files of a grammar's language, concatenated. A file
/// named `*.tsx.scm` uses node types only the TSX grammar has (JSX) and is
/// left out of the plain TypeScript grammar's query.
pub fn builtin_query_source(grammar: Grammar) -> String {
    let files = match grammar.lang() {
        Lang::Typescript => QUERIES_TYPESCRIPT,
        Lang::Swift => QUERIES_SWIFT,
        Lang::Kotlin => QUERIES_KOTLIN,
        Lang::Java => QUERIES_JAVA,
    };
    files
        .iter()
        .filter(|(name, _)| grammar == Grammar::Tsx || !name.ends_with(".tsx.scm"))
        .map(|(_, text)| *text)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_queries_compile_for_every_grammar() {
        for grammar in Grammar::ALL {
            let source = builtin_query_source(grammar);
            if let Err(e) = tree_sitter::Query::new(&grammar.language(), &source) {
                panic!("{grammar:?}: {e}");
            }
        }
    }
}
