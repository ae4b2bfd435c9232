//! Escaping of scanned text for terminals: control characters (ANSI escape
//! sequences among them) are replaced, so a crafted string in a scanned file
//! cannot rewrite the reviewer's screen.

pub fn terminal_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences() {
        assert_eq!(terminal_safe("a\u{1b}[31mb\nc"), "a\u{FFFD}[31mb\u{FFFD}c");
    }
}
