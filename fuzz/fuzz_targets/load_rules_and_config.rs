//! Rule YAML and config TOML parsing: errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    egress_scan::fuzzing::load_rule_and_config(data);
});
