//! Lowering for the Kotlin grammar.

use tree_sitter::Node;

use super::{short_text, Syntax};
use crate::model::{Arg, Expr, Param};

pub struct Kotlin;

impl Syntax for Kotlin {
    fn lower(&self, node: Node, src: &[u8], _depth: usize) -> Expr {
        Expr::Unknown(short_text(node, src))
    }

    fn args(&self, _node: Node, _src: &[u8], _depth: usize) -> Vec<Arg> {
        Vec::new()
    }

    fn is_function(&self, _node: Node) -> bool {
        false
    }

    fn function_name(&self, _node: Node, _src: &[u8]) -> Option<String> {
        None
    }

    fn params(&self, _node: Node, _src: &[u8]) -> Vec<Param> {
        Vec::new()
    }

    fn assigned_name(&self, _node: Node, _src: &[u8]) -> Option<String> {
        None
    }

    fn is_exported(&self, _node: Node, _src: &[u8]) -> bool {
        false
    }
}
