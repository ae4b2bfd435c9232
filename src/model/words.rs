//! Identifier words: how a name reads, for the prefilter and the name
//! heuristics alike.

/// Splits camelCase, snake_case, kebab-case and dotted names into words.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && i > 0
            && (chars[i - 1].is_lowercase()
                || (chars[i - 1].is_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_lowercase())));
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    // "OAuth" splits as o + auth; keep it one word so `oauthState` is not a credential.
    let mut merged: Vec<String> = Vec::with_capacity(out.len());
    for w in out {
        if w == "auth" && merged.last().is_some_and(|p| p == "o") {
            merged.pop();
            merged.push("oauth".into());
        } else {
            merged.push(w);
        }
    }
    merged
}
