//! Parse, extract and analyse one in-memory Java file.
#![no_main]

use egress_scan::fuzzing::analyse_one;
use egress_scan::model::Grammar;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    analyse_one("Example.java", Grammar::Java, data);
});
