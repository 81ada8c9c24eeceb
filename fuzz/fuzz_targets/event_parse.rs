//! Any bytes as an event body: parsing never panics, and a refusal's reason (it goes into
//! a dead-letter header and a log line) stays bounded whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailroom::event::{MAX_EVENT_BYTES, ParseOptions, parse_detailed};

fuzz_target!(|data: &[u8]| {
    for allow_http_links in [false, true] {
        match parse_detailed(data, ParseOptions { allow_http_links }) {
            Ok(event) => {
                assert!(data.len() <= MAX_EVENT_BYTES);
                assert!(!event.id.is_empty());
            }
            Err(invalid) => {
                let reason = invalid.error.to_string();
                assert!(reason.len() <= 1024, "a {}-byte reason", reason.len());
            }
        }
    }
});
