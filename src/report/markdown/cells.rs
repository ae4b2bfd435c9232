//! Cell and line builders shared by the sections: links to code, heading
//! anchors, capped lists and finding lines.

use std::fmt::Write as _;

use crate::model::Finding;
use crate::report::escape::{code, rich, text, url_path};

/// Rows listed per cell before "… and N more".
const MAX_ITEMS: usize = 12;

/// A repo-relative link to a file (and line).
pub(super) fn link(file: &str, line: Option<usize>) -> String {
    let target = match line {
        Some(l) => format!("{}#L{l}", url_path(file)),
        None => url_path(file),
    };
    format!("[{}]({target})", text(file))
}

pub(super) fn link_label(file: &str, line: usize) -> String {
    format!("[{}:{line}]({}#L{line})", text(file), url_path(file))
}

/// GitHub's heading anchor: lower case, spaces to `-`, punctuation dropped.
pub(super) fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The items joined with commas, at most [`MAX_ITEMS`] of them.
pub(super) fn limited(items: Vec<String>) -> String {
    let n = items.len();
    let mut shown: Vec<String> = items.into_iter().take(MAX_ITEMS).collect();
    if n > MAX_ITEMS {
        shown.push(format!("… and {} more", n - MAX_ITEMS));
    }
    shown.join(", ")
}

pub(super) fn or_dash(s: String) -> String {
    if s.is_empty() {
        "—".into()
    } else {
        s
    }
}

/// A finding as one line: severity, rule, message and location, and why it
/// is suppressed when it is.
pub(super) fn finding_line(f: &Finding) -> String {
    let mut line = format!(
        "**{}** {}: {} ({})",
        f.severity.as_str(),
        code(&f.rule_id),
        rich(&f.message),
        link_label(&f.file, f.line)
    );
    if f.suppressed {
        let _ = write!(
            line,
            " — suppressed: {}",
            text(f.suppression_reason.as_deref().unwrap_or("no reason given"))
        );
    }
    line
}

/// Most severe first, then by place and rule.
pub(super) fn by_severity(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| (&a.file, a.line, &a.rule_id).cmp(&(&b.file, b.line, &b.rule_id)))
}

/// Reviewer categories of data, in the order a privacy review reads them.
const DATA_CATEGORIES: &[&str] = &[
    "message text",
    "search query",
    "audio",
    "file contents",
    "personal data",
    "location",
    "purchase receipt",
    "device identifier",
    "push token",
    "credential",
    "telemetry",
];

/// One data-sent item: a key with its category (`q (search query)`), a
/// bare key (`count`), or a category alone (`chat id`, what an SDK
/// argument carries).
fn split_item(item: &str) -> (Option<&str>, Option<&str>) {
    match item.strip_suffix(')').and_then(|s| s.split_once(" (")) {
        Some((key, category)) => (Some(key), Some(category)),
        None if item.contains(' ') => (None, Some(item)),
        None => (Some(item), None),
    }
}

/// The categories of `items`, in the order a privacy review reads them,
/// each with the keys that carry it.
fn categories(items: &[String]) -> Vec<(&str, Vec<&str>)> {
    let mut out: Vec<(&str, Vec<&str>)> = Vec::new();
    for (key, category) in items.iter().map(|i| split_item(i)) {
        let Some(category) = category else { continue };
        let at = match out.iter().position(|(c, _)| *c == category) {
            Some(at) => at,
            None => {
                out.push((category, Vec::new()));
                out.len() - 1
            }
        };
        out[at].1.extend(key);
    }
    let rank = |c: &str| {
        DATA_CATEGORIES
            .iter()
            .position(|d| *d == c)
            .unwrap_or(DATA_CATEGORIES.len())
    };
    out.sort_by_key(|(c, _)| (rank(c), *c));
    out
}

/// The "Data sent" cell: the categories first (`message text, search
/// query`), then the keys as written (`` keys: `q`, `count` ``).
pub(super) fn data_cell(items: &[String]) -> String {
    let keys: Vec<String> = items.iter().filter_map(|i| split_item(i).0).map(code).collect();
    let categories = categories(items);
    if categories.is_empty() {
        return limited(keys);
    }
    let named = categories
        .iter()
        .map(|(c, _)| text(c))
        .collect::<Vec<_>>()
        .join(", ");
    if keys.is_empty() {
        named
    } else {
        format!("{named} — keys: {}", limited(keys))
    }
}

/// The personal and content data among `items`, for the section's privacy
/// note: ``message text (`text`), personal data (`email`, `phone`)``.
/// Credentials are auth, not a privacy matter of the data; `None` when the
/// code shows no such data.
pub(super) fn privacy_data(items: &[String]) -> Option<String> {
    let named: Vec<String> = categories(items)
        .into_iter()
        // Every reviewer category but credentials: personal or content data.
        .filter(|(c, _)| DATA_CATEGORIES.contains(c) && *c != "credential")
        .map(|(c, keys)| {
            if keys.is_empty() {
                text(c)
            } else {
                let keys: Vec<String> = keys.iter().map(|k| code(k)).collect();
                format!("{} ({})", text(c), limited(keys))
            }
        })
        .collect();
    (!named.is_empty()).then(|| named.join(", "))
}

#[cfg(test)]
mod data_cell_tests {
    use super::{data_cell, privacy_data};

    #[test]
    fn categories_come_first_then_the_keys() {
        let items: Vec<String> = ["count", "q (search query)", "text (message text)", "chat id"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            data_cell(&items),
            "message text, search query, chat id — keys: `count`, `q`, `text`"
        );
        let keys: Vec<String> = vec!["model".into(), "temperature".into()];
        assert_eq!(data_cell(&keys), "`model`, `temperature`");
        assert_eq!(data_cell(&["message text".to_string()]), "message text");
    }

    #[test]
    fn privacy_data_names_personal_and_content_data_with_their_keys() {
        let items: Vec<String> = [
            "phone (personal data)",
            "message text",
            "email (personal data)",
            "password (credential)",
            "count",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            privacy_data(&items).as_deref(),
            Some("message text, personal data (`phone`, `email`)")
        );
        let plain: Vec<String> = vec!["count".into(), "password (credential)".into()];
        assert_eq!(privacy_data(&plain), None);
    }
}
