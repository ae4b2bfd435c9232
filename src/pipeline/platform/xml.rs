//! What the Android parsers share: parsing with roxmltree (no DTD, so no
//! entity expansion from an untrusted file), Android attributes and the
//! line of a node.

use roxmltree::{Document, Node};

/// The `android:` attribute namespace.
pub const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";

/// Parses `text`; the error names the line and column of the fault.
pub fn parse(text: &str) -> Result<Document<'_>, String> {
    Document::parse(text).map_err(|e| e.to_string())
}

/// The 1-based line of `node` in its document.
pub fn line_of(doc: &Document, node: Node) -> usize {
    doc.text_pos_at(node.range().start).row as usize
}

/// The line of the attribute `name` in namespace `ns` of `node` (the
/// node's line when the attribute is missing).
pub fn attribute_line(doc: &Document, node: Node, ns: Option<&str>, name: &str) -> usize {
    node.attributes()
        .find(|a| a.namespace() == ns && a.name() == name)
        .map_or_else(
            || line_of(doc, node),
            |a| doc.text_pos_at(a.range().start).row as usize,
        )
}

/// `true`/`false` as Android and the network security config write them.
pub fn boolean(value: &str) -> Option<bool> {
    match value.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// The element children of `node` named `name`.
pub fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}
