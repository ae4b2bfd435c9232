//! An Android network security config (`res/xml/<name>.xml`, named by the
//! manifest's `android:networkSecurityConfig`): `base-config`,
//! `domain-config` (nested ones inherit what they do not set) and
//! `debug-overrides`, with their cleartext switch, trust anchors and pins.

use roxmltree::{Document, Node};

use super::xml;

/// Which connections a block of the config applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `base-config`: every connection no `domain-config` covers.
    Base,
    /// `domain-config`: the listed domains.
    Domains(Vec<Domain>),
    /// `debug-overrides`: only when the app is debuggable.
    DebugOverrides,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    pub name: String,
    pub include_subdomains: bool,
}

/// One block of the config with what it sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub scope: Scope,
    pub line: usize,
    /// `cleartextTrafficPermitted` (inherited by a nested `domain-config`)
    /// and the line that sets it.
    pub cleartext: Option<(bool, usize)>,
    /// The line of `<certificates src="user"/>` in its trust anchors.
    pub user_cas: Option<usize>,
    /// A `pin-set`: its `expiration` (`YYYY-MM-DD`, if any) and line.
    pub pin_set: Option<(Option<String>, usize)>,
}

/// The blocks of a network security config, in document order.
pub fn parse(text: &str) -> Result<Vec<Block>, String> {
    let doc = xml::parse(text)?;
    let root = doc.root_element();
    if root.tag_name().name() != "network-security-config" {
        return Err(format!(
            "the root element is <{}>, not <network-security-config>",
            root.tag_name().name()
        ));
    }
    let mut blocks = Vec::new();
    for node in root.children().filter(Node::is_element) {
        match node.tag_name().name() {
            "base-config" => blocks.push(block(&doc, node, Scope::Base, None)),
            "debug-overrides" => blocks.push(block(&doc, node, Scope::DebugOverrides, None)),
            "domain-config" => domain_configs(&doc, node, &mut blocks)?,
            _ => {}
        }
    }
    Ok(blocks)
}

/// Deepest `domain-config` nesting read: real configs nest two or three
/// levels, and a crafted file must not exhaust anything.
const MAX_NESTING: usize = 32;

/// A `domain-config` and the ones nested in it, in document order, each
/// inheriting the cleartext switch of its parent when it sets none.
fn domain_configs(doc: &Document, node: Node, out: &mut Vec<Block>) -> Result<(), String> {
    // An explicit stack, not recursion: the nesting comes from the file.
    let mut stack = vec![(node, None, 1)];
    while let Some((node, inherited, depth)) = stack.pop() {
        if depth > MAX_NESTING {
            return Err(format!("`domain-config` nested deeper than {MAX_NESTING} levels"));
        }
        let domains = xml::children(node, "domain")
            .filter_map(|d| {
                let name = d.text()?.trim().to_ascii_lowercase();
                (!name.is_empty()).then(|| Domain {
                    name,
                    include_subdomains: d.attribute("includeSubdomains").and_then(xml::boolean) == Some(true),
                })
            })
            .collect();
        let this = block(doc, node, Scope::Domains(domains), inherited);
        let cleartext = this.cleartext;
        out.push(this);
        let nested: Vec<Node> = xml::children(node, "domain-config").collect();
        stack.extend(nested.into_iter().rev().map(|n| (n, cleartext, depth + 1)));
    }
    Ok(())
}

fn block(doc: &Document, node: Node, scope: Scope, inherited: Option<(bool, usize)>) -> Block {
    let cleartext = node
        .attribute("cleartextTrafficPermitted")
        .and_then(xml::boolean)
        .map(|b| {
            (
                b,
                xml::attribute_line(doc, node, None, "cleartextTrafficPermitted"),
            )
        })
        .or(inherited);
    let user_cas = xml::children(node, "trust-anchors")
        .flat_map(|t| xml::children(t, "certificates"))
        .find(|c| c.attribute("src").map(str::trim) == Some("user"))
        .map(|c| xml::line_of(doc, c));
    let pin_set = xml::children(node, "pin-set").next().map(|p| {
        (
            p.attribute("expiration").map(|e| e.trim().to_string()),
            xml::line_of(doc, p),
        )
    });
    Block {
        scope,
        line: xml::line_of(doc, node),
        cleartext,
        user_cas,
        pin_set,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<network-security-config>
    <base-config cleartextTrafficPermitted="true">
        <trust-anchors>
            <certificates src="system"/>
            <certificates src="user"/>
        </trust-anchors>
    </base-config>
    <domain-config cleartextTrafficPermitted="false">
        <domain includeSubdomains="true">API.example.com</domain>
        <pin-set expiration="2024-01-01">
            <pin digest="SHA-256">7HIpactkIAq2Y49orFOOQKurWxmmSFZhBCoQYcRhJ3Y=</pin>
        </pin-set>
        <domain-config>
            <domain>legacy.example.com</domain>
        </domain-config>
    </domain-config>
    <debug-overrides>
        <trust-anchors>
            <certificates src="user"/>
        </trust-anchors>
    </debug-overrides>
</network-security-config>
"#;

    #[test]
    fn blocks_with_their_settings_and_lines() {
        let blocks = parse(CONFIG).expect("parses");
        assert_eq!(blocks.len(), 4);
        assert_eq!(blocks[0].scope, Scope::Base);
        assert_eq!(blocks[0].cleartext, Some((true, 3)));
        assert_eq!(blocks[0].user_cas, Some(6));
        let Scope::Domains(domains) = &blocks[1].scope else {
            panic!("a domain-config")
        };
        assert_eq!(domains[0].name, "api.example.com");
        assert!(domains[0].include_subdomains);
        assert_eq!(blocks[1].cleartext, Some((false, 9)));
        assert_eq!(blocks[1].pin_set, Some((Some("2024-01-01".into()), 11)));
        assert_eq!(blocks[1].user_cas, None);
        // The nested domain-config inherits its parent's switch.
        assert_eq!(blocks[2].cleartext, Some((false, 9)));
        assert_eq!(blocks[2].pin_set, None);
        assert_eq!(blocks[3].scope, Scope::DebugOverrides);
        assert_eq!(blocks[3].user_cas, Some(20));
    }

    #[test]
    fn a_strict_config_sets_nothing() {
        let blocks = parse(
            "<network-security-config><base-config cleartextTrafficPermitted=\"false\"><trust-anchors><certificates src=\"system\"/></trust-anchors></base-config></network-security-config>",
        )
        .expect("parses");
        assert_eq!(blocks[0].cleartext, Some((false, 1)));
        assert_eq!(blocks[0].user_cas, None);
    }

    #[test]
    fn deep_nesting_is_refused_not_recursed() {
        let n = 50_000;
        let text = format!(
            "<network-security-config>{}{}</network-security-config>",
            "<domain-config>".repeat(n),
            "</domain-config>".repeat(n)
        );
        let err = parse(&text).unwrap_err();
        assert!(err.contains("nested deeper than"), "{err}");
    }

    #[test]
    fn malformed_configs_are_errors() {
        assert!(parse("<network-security-config><base-config>").is_err());
        assert!(parse("<resources/>")
            .unwrap_err()
            .contains("network-security-config"));
        assert!(parse("").is_err());
    }
}
