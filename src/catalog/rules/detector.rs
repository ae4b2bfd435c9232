//! The built-in analyses a rule may name in `detector:`. Typed, so a rule
//! file naming an unknown detector fails to load with the list of known
//! ones, and the analysis maps each detector to its check in one table
//! (`pipeline::analysis::rules`) that the compiler keeps complete.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Detector {
    OutboundCall,
    HardcodedEndpoint,
    TokenInUrl,
    RedirectWithoutHostCheck,
    UnvalidatedUrlFetch,
    InsecureTransport,
    LanDiscovery,
    SubprocessNetwork,
}

impl Detector {
    /// Every detector, in the order `explain` and error messages list them.
    pub const ALL: [Detector; 8] = [
        Detector::OutboundCall,
        Detector::HardcodedEndpoint,
        Detector::TokenInUrl,
        Detector::RedirectWithoutHostCheck,
        Detector::UnvalidatedUrlFetch,
        Detector::InsecureTransport,
        Detector::LanDiscovery,
        Detector::SubprocessNetwork,
    ];

    /// The name written in rule files (`token-in-url`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Detector::OutboundCall => "outbound-call",
            Detector::HardcodedEndpoint => "hardcoded-endpoint",
            Detector::TokenInUrl => "token-in-url",
            Detector::RedirectWithoutHostCheck => "redirect-without-host-check",
            Detector::UnvalidatedUrlFetch => "unvalidated-url-fetch",
            Detector::InsecureTransport => "insecure-transport",
            Detector::LanDiscovery => "lan-discovery",
            Detector::SubprocessNetwork => "subprocess-network",
        }
    }

    pub fn from_name(name: &str) -> Option<Detector> {
        Detector::ALL.into_iter().find(|d| d.as_str() == name)
    }

    /// `unknown detector `x`; known: outbound-call, …`.
    pub fn unknown_message(name: &str) -> String {
        let known: Vec<&str> = Detector::ALL.iter().map(|d| d.as_str()).collect();
        format!("unknown detector `{name}`; known: {}", known.join(", "))
    }
}

impl std::fmt::Display for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Detector {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Detector {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Detector::from_name(&name).ok_or_else(|| serde::de::Error::custom(Detector::unknown_message(&name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in Detector::ALL {
            assert_eq!(Detector::from_name(d.as_str()), Some(d));
            let yaml = serde_yaml::to_string(&d).expect("serialises");
            assert_eq!(yaml.trim(), d.as_str());
            assert_eq!(serde_yaml::from_str::<Detector>(&yaml).expect("parses"), d);
        }
        assert_eq!(Detector::from_name("nope"), None);
    }
}
