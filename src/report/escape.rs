//! Escaping of text taken from the scanned repository (paths, URLs,
//! messages, snippets, names) before it is put into human-facing output.
//! A pull request controls that text, so no renderer writes it raw:
//!
//! - [`text`] and [`code`] for markdown (the inventory document, the
//!   organisation inventory, the diff's pull-request comment): no links,
//!   HTML, emphasis or table breaks survive;
//! - [`mermaid_label`] for a node of a mermaid diagram;
//! - [`url_path`] for a repository path used as a link target;
//! - [`terminal_safe`] for terminal tables: no escape sequences or
//!   bidirectional overrides reach the reviewer's screen.

use std::fmt::Write as _;

/// Escapes scanned text for a markdown table cell or line: no links, HTML,
/// code spans or table breaks survive. Only what could do that is escaped
/// (`\\`, backticks, brackets, `|`, `*`, `~`, a leading `#`, `<`, `>`, an
/// `&` that would start an entity), so prose and identifiers such as
/// `OPENAI_API_KEY (see findings)` read as written.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            '\\' | '`' | '*' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '#' if out.is_empty() => out.push_str("\\#"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' if starts_entity(&s[i + 1..]) => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() || is_bidi_control(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Would `&` followed by `rest` be read as a character reference
/// (`&amp;`, `&#60;`, `&#x3c;`)?
fn starts_entity(rest: &str) -> bool {
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
        .collect();
    !name.is_empty() && rest[name.len()..].starts_with(';')
}

/// Text the tool writes itself, in which backticks mark identifiers
/// (`` `apiKey` given to the `OpenAI` client ``): each marked span becomes
/// a code span of its (possibly scanned) content, the rest is [`text`].
/// Unbalanced backticks leave the whole as plain text.
pub fn rich(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return text(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { code(part) } else { text(part) })
        .collect()
}

/// An inline code span that survives any content: newlines flattened,
/// pipes escaped for tables, fenced with more backticks than it contains.
pub fn code(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| {
            if c.is_control() || is_bidi_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .replace('|', "\\|");
    let longest = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if flat.starts_with('`') || flat.ends_with('`') || flat.starts_with(' ') && flat.ends_with(' ') {
        format!("{fence} {flat} {fence}")
    } else {
        format!("{fence}{flat}{fence}")
    }
}

/// A mermaid node label: quotes, angle brackets and backticks become
/// entity codes, control characters and fence-breaking text are removed.
pub fn mermaid_label(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().take(80) {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#38;"),
            c if c.is_control() || is_bidi_control(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `value` as pretty JSON with a trailing newline, with the characters a
/// JSON serializer leaves raw but a reader's terminal or editor would act
/// on — bidirectional overrides, C1 controls, line and paragraph
/// separators — written as `\uXXXX` escapes (they only occur inside
/// strings, where the escape means the same character).
pub fn json_document(value: &impl serde::Serialize) -> String {
    let json = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    let needs = |c: char| {
        is_bidi_control(c) || ('\u{80}'..='\u{9f}').contains(&c) || matches!(c, '\u{2028}' | '\u{2029}')
    };
    let mut out = String::with_capacity(json.len() + 1);
    if json.chars().any(needs) {
        for c in json.chars() {
            if needs(c) {
                let _ = write!(out, "\\u{:04x}", c as u32);
            } else {
                out.push(c);
            }
        }
    } else {
        out.push_str(&json);
    }
    out.push('\n');
    out
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn url_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Text for a terminal: control characters (ANSI escape sequences among
/// them) are replaced, so a crafted string in a scanned file cannot
/// rewrite the reviewer's screen. Bidirectional overrides are replaced
/// too, so text cannot be shown in an order other than its own ("Trojan
/// Source").
pub fn terminal_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\t' || is_bidi_control(c) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// Unicode bidirectional formatting characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_and_c1_controls_are_escaped_in_json_and_replaced_in_markdown() {
        let json = json_document(&serde_json::json!({"m": "a\u{202e}b\u{85}c\u{2028}", "ok": "é"}));
        assert!(json.contains(r#""a\u202eb\u0085c\u2028""#), "{json}");
        assert!(json.contains("é") && json.ends_with("}\n"), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).expect("still JSON");
        assert_eq!(back["m"], "a\u{202e}b\u{85}c\u{2028}");
        assert_eq!(text("x\u{202e}y"), "x\u{FFFD}y");
        assert!(!code("x\u{2066}y").contains('\u{2066}'));
        assert!(!mermaid_label("x\u{202e}y").contains('\u{202e}'));
    }

    #[test]
    fn markdown_text_and_code_spans_cannot_inject() {
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(text("[x](http://e)"), "\\[x\\](http://e)");
        assert_eq!(text("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(text("a\nb"), "a b");
        assert_eq!(
            text("a|b `c` [x](y) <img src=x>"),
            "a\\|b \\`c\\` \\[x\\](y) &lt;img src=x&gt;"
        );
        // Prose and identifiers read as written; entities cannot form.
        assert_eq!(
            text("OPENAI_API_KEY (see findings)"),
            "OPENAI_API_KEY (see findings)"
        );
        assert_eq!(text("R&D &amp; &#60;"), "R&D &amp;amp; &amp;#60;");
        assert_eq!(text("# heading"), "\\# heading");
        // Marked identifiers become code spans, scanned content and all.
        assert_eq!(
            rich("`apiKey` given to the `Open|AI` client (env `A_B`)"),
            "`apiKey` given to the `Open\\|AI` client (env `A_B`)"
        );
        assert_eq!(rich("odd ` tick"), "odd \\` tick");
        assert_eq!(text("a\u{1b}[31m"), "a\u{FFFD}\\[31m");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("main\nx"), "`main x`");
    }

    #[test]
    fn link_targets_and_mermaid_labels() {
        assert_eq!(url_path("src/a b(1).ts"), "src/a%20b%281%29.ts");
        assert_eq!(mermaid_label("a\"]-->x"), "a#quot;]--#gt;x");
    }

    #[test]
    fn terminal_text_loses_escape_sequences() {
        assert_eq!(terminal_safe("a\u{1b}[31mb\nc"), "a\u{FFFD}[31mb\u{FFFD}c");
        assert_eq!(terminal_safe("x\u{9b}2J\u{7}"), "x\u{FFFD}2J\u{FFFD}");
        assert_eq!(terminal_safe("a\u{202E}b\u{2066}c"), "a\u{FFFD}b\u{FFFD}c");
    }
}
