//! Constant-time parent lookups for the tree being extracted.
//!
//! `tree_sitter::Node::parent` walks down from the root on every call
//! (tree-sitter keeps no parent pointers), so it costs O(depth × siblings).
//! Walking up from every captured node made extraction cubic on deeply
//! nested input (3,000 nested calls did not finish in a minute). While a
//! [`ParentIndex`] is alive, [`parent`] answers from a table built with one
//! iterative cursor pass over the tree instead.

use std::cell::RefCell;
use std::marker::PhantomData;

use rustc_hash::FxHashMap;
use tree_sitter::{Node, Tree};

struct Index {
    /// Node id of the indexed tree's root, to tell its nodes apart.
    root: usize,
    /// Child node id → parent node. Lifetimes are erased: see [`parent`].
    parents: FxHashMap<usize, Node<'static>>,
}

thread_local! {
    static INDEX: RefCell<Option<Index>> = const { RefCell::new(None) };
    /// Counts the indexes installed on this thread; identifies the file
    /// being extracted for per-file memos.
    static GENERATION: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Identifies the file whose extraction is running on this thread, if any:
/// per-file facts (e.g. "mentions `exports`") can be computed once per file
/// instead of once per node.
pub fn current_file() -> Option<u64> {
    let installed = INDEX.with(|cell| cell.borrow().is_some());
    installed.then(|| GENERATION.with(std::cell::Cell::get))
}

/// Keeps this thread's parent table for `tree` installed; dropping it
/// removes the table. Not `Send`: the table is per thread.
pub struct ParentIndex<'tree> {
    _tree: PhantomData<&'tree Tree>,
    _not_send: PhantomData<*const ()>,
}

impl<'tree> ParentIndex<'tree> {
    /// Indexes every node of `tree` (iteratively: deep trees cannot
    /// overflow the stack) and installs the table for this thread.
    pub fn new(tree: &'tree Tree) -> Self {
        let root = tree.root_node();
        let mut parents: FxHashMap<usize, Node<'static>> =
            FxHashMap::with_capacity_and_hasher(root.descendant_count(), Default::default());
        let mut cursor = root.walk();
        // One pre-order pass with the cursor; `ancestors` holds the path
        // from the root to the cursor's parent, so every node is visited
        // (and every sibling list walked) once.
        let mut ancestors: Vec<Node<'static>> = Vec::new();
        'walk: loop {
            // SAFETY: the erased lifetime never escapes: entries are only
            // handed out by `parent`, re-bound to the lifetime of a node of
            // the same tree, and the table is dropped with this guard, which
            // borrows `tree`.
            let node: Node<'static> =
                unsafe { std::mem::transmute::<Node<'tree>, Node<'static>>(cursor.node()) };
            if let Some(&parent) = ancestors.last() {
                parents.insert(node.id(), parent);
            }
            if cursor.goto_first_child() {
                ancestors.push(node);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    continue 'walk;
                }
                if !cursor.goto_parent() {
                    break 'walk;
                }
                ancestors.pop();
            }
        }
        GENERATION.with(|g| g.set(g.get().wrapping_add(1)));
        INDEX.with(|cell| {
            *cell.borrow_mut() = Some(Index {
                root: root.id(),
                parents,
            })
        });
        ParentIndex {
            _tree: PhantomData,
            _not_send: PhantomData,
        }
    }
}

impl Drop for ParentIndex<'_> {
    fn drop(&mut self) {
        INDEX.with(|cell| *cell.borrow_mut() = None);
    }
}

/// The parent of `node`: from this thread's [`ParentIndex`] when one is
/// installed for the node's tree, else from tree-sitter.
pub fn parent<'a>(node: Node<'a>) -> Option<Node<'a>> {
    let indexed = INDEX.with(|cell| {
        let index = cell.borrow();
        let index = index.as_ref()?;
        if node.id() == index.root {
            return Some(None);
        }
        // SAFETY: the table belongs to the tree whose extraction installed
        // it and outlives this call; nodes of that tree are the only ones
        // whose ids are keys (ids are addresses of live subtrees), and the
        // returned parent lives exactly as long as `node`'s tree.
        index
            .parents
            .get(&node.id())
            .map(|p| Some(unsafe { std::mem::transmute::<Node<'static>, Node<'a>>(*p) }))
    });
    match indexed {
        Some(found) => found,
        None => node.parent(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Grammar;
    use crate::pipeline::lang::parse;

    fn all_nodes(tree: &Tree) -> Vec<Node<'_>> {
        let mut out = Vec::new();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            out.push(n);
            let mut c = n.walk();
            stack.extend(n.children(&mut c));
        }
        out
    }

    #[test]
    fn indexed_parents_match_tree_sitter() {
        let src = b"class A { m() { return fetch(`https://x/${a + (b as any)}`, { k: [1, 2] }); } }";
        let tree = parse(Grammar::TypeScript, src).expect("parses");
        let expected: Vec<_> = all_nodes(&tree).iter().map(|n| n.parent()).collect();
        let _index = ParentIndex::new(&tree);
        let got: Vec<_> = all_nodes(&tree).iter().map(|n| parent(*n)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn deep_tree_is_indexed_without_recursion() {
        let n = 10_000;
        let src = format!("x = {}1{};", "f(\n".repeat(n), ")\n".repeat(n));
        let tree = parse(Grammar::TypeScript, src.as_bytes()).expect("parses");
        let _index = ParentIndex::new(&tree);
        let mut node = tree.root_node();
        let mut depth = 0;
        while let Some(child) = node.named_child(node.named_child_count().saturating_sub(1)) {
            assert_eq!(parent(child), Some(node));
            node = child;
            depth += 1;
        }
        assert!(depth > n);
    }
}
