//! Where a URL comes from (SPEC §4 "URL origin").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Written in place.
    Literal,
    /// A named constant (same file or imported).
    Constant,
    /// Environment variable, settings object, CLI flag, or a default value.
    Config,
    /// A function parameter.
    Parameter,
    /// A response header or body field.
    Response,
    /// End-user input: request body, chat message, form field.
    User,
    /// Could not be determined; reported rather than guessed.
    Unknown,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Literal => "literal",
            Origin::Constant => "constant",
            Origin::Config => "config",
            Origin::Parameter => "parameter",
            Origin::Response => "response",
            Origin::User => "user",
            Origin::Unknown => "unknown",
        }
    }

    /// Literal and constant URLs are fixed by the code itself and need no guard.
    pub fn is_fixed(self) -> bool {
        matches!(self, Origin::Literal | Origin::Constant)
    }
}
