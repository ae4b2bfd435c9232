//! Escaping of scanned text for terminals: control characters (ANSI escape
//! sequences among them) are replaced, so a crafted string in a scanned file
//! cannot rewrite the reviewer's screen. Bidirectional overrides are
//! replaced too, so text cannot be shown in an order other than its own
//! ("Trojan Source").

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
    fn strips_escape_sequences() {
        assert_eq!(terminal_safe("a\u{1b}[31mb\nc"), "a\u{FFFD}[31mb\u{FFFD}c");
        assert_eq!(terminal_safe("x\u{9b}2J\u{7}"), "x\u{FFFD}2J\u{FFFD}");
        assert_eq!(terminal_safe("a\u{202E}b\u{2066}c"), "a\u{FFFD}b\u{FFFD}c");
    }
}
