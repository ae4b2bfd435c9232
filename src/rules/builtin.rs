//! Built-in rule data, embedded so an installed binary works alone.

/// `(file name, YAML text)` of each built-in rule.
pub const BUILTIN_RULES: &[(&str, &str)] = &[
    (
        "outbound-call.yaml",
        include_str!("../../rules/outbound-call.yaml"),
    ),
    (
        "hardcoded-endpoint.yaml",
        include_str!("../../rules/hardcoded-endpoint.yaml"),
    ),
    ("token-in-url.yaml", include_str!("../../rules/token-in-url.yaml")),
    (
        "insecure-transport.yaml",
        include_str!("../../rules/insecure-transport.yaml"),
    ),
];

pub const BUILTIN_SINKS: &str = include_str!("../../rules/sinks.yaml");
