//! Properties over arbitrary input: no panic, no unescaped markup, no header injection.

use mailroom::locale::normalize;
use proptest::prelude::*;
use serde_json::json;

use crate::helpers::{base_event, shared_pipeline as pipeline, with};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic_the_core(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = pipeline().prepare(&body);
    }

    #[test]
    fn arbitrary_names_never_produce_markup_or_extra_headers(name in "\\PC{0,80}", nick in ".{0,40}") {
        // A marker before the name, so that a short name (`<`, `<p`) that the template's own
        // markup contains cannot pass for the name itself.
        let shown = format!("Zq{name}");
        let e = with(base_event(), "user.given_name", json!(shown));
        let e = with(e, "user.name", json!(format!("{name}\r\n{nick}")));
        let out = pipeline().prepare(e.to_string().as_bytes()).unwrap();
        if name.contains('<') {
            // As it would appear unescaped: names are kept on one line.
            prop_assert!(!out.rendered.html.contains(&mailroom::text::one_line(&shown)));
        }
        prop_assert!(!out.rendered.subject.contains(['\r', '\n']));
        let raw = String::from_utf8(out.message.formatted()).unwrap();
        let headers = raw.split("\r\n\r\n").next().unwrap();
        let names: Vec<&str> = headers
            .split("\r\n")
            .filter(|l| !l.starts_with(' ') && !l.starts_with('\t'))
            .filter_map(|l| l.split(':').next())
            .collect();
        prop_assert_eq!(
            names,
            vec!["From", "To", "Subject", "Date", "Message-ID", "Content-Language",
                 "Auto-Submitted", "Feedback-ID", "MIME-Version", "Content-Type"]
        );
    }

    #[test]
    fn arbitrary_lang_values_always_pick_a_shipped_locale(lang in ".{0,64}") {
        let e = with(base_event(), "user.user_metadata.lang", json!(lang));
        let out = pipeline().prepare(e.to_string().as_bytes()).unwrap();
        prop_assert!(["en", "fr", "de", "es", "pt-BR", "ja", "ar"].contains(&out.rendered.locale.as_str()));
        if let Some(tag) = normalize(&lang) {
            prop_assert!(!tag.to_string().contains(['/', '.', '\\']));
        }
    }
}
