//! Data files embedded at build time by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
