//! What kind of channel a network call opens.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SinkKind {
    Http,
    Websocket,
    Sse,
    Socket,
    Grpc,
    Beacon,
    Subprocess,
    Discovery,
}

impl SinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SinkKind::Http => "http",
            SinkKind::Websocket => "websocket",
            SinkKind::Sse => "sse",
            SinkKind::Socket => "socket",
            SinkKind::Grpc => "grpc",
            SinkKind::Beacon => "beacon",
            SinkKind::Subprocess => "subprocess",
            SinkKind::Discovery => "discovery",
        }
    }
}
