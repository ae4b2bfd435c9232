//! JSON reports as --baseline, merge and diff read them: errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    egress_scan::fuzzing::load_report(data);
});
