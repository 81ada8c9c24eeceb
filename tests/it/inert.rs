//! Untrusted text stays inert outside the HTML too: bidi controls and invisible characters
//! never reach a header, the text part or a log line; names are NFC and cut by grapheme; a
//! display name from metadata cannot pass for an address.

use lettre::message::header;
use serde_json::json;

use crate::helpers::{base_event, mailroom_with, pipeline, prepared, root, with};

/// Every character that changes how the text around it displays, or shows nothing.
fn has_invisible(s: &str) -> bool {
    s.chars().any(|c| {
        mailroom::inert::is_invisible(c)
            || (matches!(c, '\u{200C}' | '\u{200D}'))
            || c == '\u{0336}'
    })
}

fn from_name(p: &mailroom::pipeline::Prepared) -> Option<String> {
    let from: lettre::message::Mailboxes =
        p.message.headers().get::<header::From>().unwrap().into();
    from.into_iter().next().unwrap().name
}

fn to_name(p: &mailroom::pipeline::Prepared) -> Option<String> {
    let to: lettre::message::Mailboxes = p.message.headers().get::<header::To>().unwrap().into();
    to.into_iter().next().unwrap().name
}

#[test]
fn a_bidi_override_in_a_client_name_reaches_neither_subject_nor_from() {
    let p = pipeline();
    let spoof = "Ana \u{202E}moc.evil//:sptth\u{202C}";
    let e = with(base_event(), "client.name", json!(spoof));
    let out = prepared(&p, &e);
    assert!(
        !has_invisible(&out.rendered.subject),
        "{:?}",
        out.rendered.subject
    );
    let from = from_name(&out).unwrap();
    assert_eq!(from, "Ana moc.evil//:sptth");
    assert!(!has_invisible(&out.rendered.text));
    assert!(!has_invisible(&out.rendered.html));

    let e = with(
        base_event(),
        "client.client_metadata.sender_name",
        json!(spoof),
    );
    assert_eq!(
        from_name(&prepared(&p, &e)).unwrap(),
        "Ana moc.evil//:sptth"
    );
}

#[test]
fn invisible_characters_in_a_given_name_do_not_reach_the_text_part() {
    let p = pipeline();
    for name in [
        "Ana\u{202E} lives here",
        "A\u{200B}n\u{2060}a\u{FEFF}",
        "Ana\u{E0041}\u{E0042}",
        "Ana\u{061C}",
        &format!("Ana{}", "\u{0336}".repeat(300)),
    ] {
        let e = with(base_event(), "user.given_name", json!(name));
        let out = prepared(&p, &e);
        assert!(!out.rendered.text.contains('\u{202E}'), "{name:?}");
        for line in out.rendered.text.lines().filter(|l| l.contains("Ana")) {
            let marks = line.chars().filter(|c| *c == '\u{0336}').count();
            assert!(
                marks <= mailroom::inert::MAX_MARKS,
                "{marks} marks in {line:?}"
            );
            assert!(
                !line.chars().any(mailroom::inert::is_invisible),
                "{name:?} left {line:?}"
            );
        }
    }
}

#[test]
fn a_name_of_only_invisible_characters_is_no_name() {
    let p = pipeline();
    let e = with(base_event(), "user.name", json!("\u{200B}\u{200B}\u{2063}"));
    let e = with(e, "user.given_name", json!("\u{200B}"));
    let out = prepared(&p, &e);
    assert_eq!(to_name(&out), None);
    assert!(!has_invisible(&out.rendered.text));
}

#[test]
fn names_are_nfc_and_cut_by_grapheme() {
    let p = pipeline();
    let e = with(base_event(), "user.name", json!("Zoe\u{0308} Lima"));
    assert_eq!(to_name(&prepared(&p, &e)).unwrap(), "Zoë Lima");
    // 200 flags are 400 code points; the cut never splits one.
    let flags = "🇫🇷".repeat(200);
    let e = with(base_event(), "user.name", json!(flags));
    let kept = to_name(&prepared(&p, &e)).unwrap();
    assert_eq!(kept, "🇫🇷".repeat(mailroom::compose::MAX_DISPLAY_NAME_CHARS));
}

#[test]
fn a_sender_name_that_looks_like_an_address_is_not_used() {
    let p = pipeline();
    for spoof in [
        "\"Bank\" <security@bank.test>,",
        "security@bank.test",
        "Bank <x",
    ] {
        let e = with(
            base_event(),
            "client.client_metadata.sender_name",
            json!(spoof),
        );
        let out = prepared(&p, &e);
        // The client's name stands in.
        assert_eq!(from_name(&out).as_deref(), Some("Acme Notes"), "{spoof}");
        assert!(
            out.notes
                .iter()
                .any(|n| n.contains("could pass for an address")),
            "{:?}",
            out.notes
        );
        let from = out.message.headers().get_raw("From").unwrap();
        assert!(!from.contains("bank.test"), "{from}");
    }
    // A client name like that is not a sender name either: the configured one is used.
    let e = with(
        base_event(),
        "client.name",
        json!("Support <help@bank.test>"),
    );
    let out = prepared(&p, &e);
    assert_eq!(from_name(&out).as_deref(), Some("Acme"));
}

#[test]
fn values_from_events_cannot_forge_or_flood_log_lines() {
    let work = tempfile::tempdir().unwrap();
    let events = [
        with(base_event(), "id", json!("evt\u{202E}gnp.exe")),
        with(
            with(base_event(), "id", json!("evt_log_2")),
            "client.client_metadata.brand_color",
            json!(format!(
                "red\n2026-12-02T00:00:00Z  INFO sent event_id=forged{}",
                "x".repeat(5000)
            )),
        ),
        with(
            with(base_event(), "id", json!("evt_log_3")),
            "client.client_metadata.support_email",
            json!("nope\r\nERROR forged"),
        ),
    ];
    let input: String = events.iter().map(|e| format!("{e}\n")).collect();
    let templates = root().join("templates");
    let locales = root().join("locales");
    let out = mailroom_with(
        work.path(),
        &["run", "--events", "-", "--outbox", "out"],
        &[
            ("RUST_LOG", "info"),
            ("MAILROOM_TEMPLATES", templates.to_str().unwrap()),
            ("MAILROOM_LOCALES", locales.to_str().unwrap()),
            ("MAILROOM_DIRECTORY", "none"),
        ],
        Some(input.as_bytes()),
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{err}");
    assert!(!err.contains('\u{202E}'), "{err}");
    assert!(err.contains("evt\\u{202e}gnp.exe"), "{err}");
    for line in err.lines() {
        assert!(
            !line.contains("forged") || line.contains("WARN"),
            "a forged line: {line}"
        );
        assert!(line.len() < 2000, "a flooded line of {} bytes", line.len());
    }
    assert!(err.contains("red\\n2026-12-02"), "{err}");
}

#[test]
fn links_reach_the_email_as_parsed_not_as_written() {
    let p = pipeline();
    for (raw, shown) in [
        ("https://evil.com\\@good.com", "https://evil.com/@good.com"),
        ("https:///evil.com", "https://evil.com/"),
        ("https:evil.com", "https://evil.com/"),
        (
            "HTTPS://Bücher.Example/ä?x=1",
            "https://xn--bcher-kva.example/%C3%A4?x=1",
        ),
        (
            "https://acme.test/verify?ticket=a%2Fb+c==&source=email",
            "https://acme.test/verify?ticket=a%2Fb+c==&source=email",
        ),
    ] {
        let e = with(base_event(), "data.url", json!(raw));
        let out = prepared(&p, &e);
        let in_html = shown.replace('&', "&amp;");
        assert!(
            out.rendered.html.contains(&in_html),
            "{raw}: {shown} not in the HTML"
        );
        assert!(
            out.rendered.text.contains(shown),
            "{raw}: {shown} not in the text"
        );
        if raw != shown {
            assert!(
                !out.rendered.text.contains(raw),
                "{raw} reached the text as written"
            );
        }
    }
}

#[test]
fn links_with_a_user_name_are_refused_wherever_they_come_from() {
    let p = pipeline();
    let hidden = "https://good.com@evil.com/";
    let e = with(base_event(), "data.url", json!(hidden));
    let r = crate::helpers::prepare(&p, &e).unwrap_err();
    assert_eq!(r.kind, mailroom::pipeline::DeadKind::Malformed);
    assert!(r.reason.contains("user name or password"), "{}", r.reason);
    for key in ["logo_url", "home_page_url"] {
        let e = with(
            base_event(),
            &format!("client.client_metadata.{key}"),
            json!(hidden),
        );
        let out = prepared(&p, &e);
        assert!(!out.rendered.html.contains("evil.com"), "{key}");
        assert!(
            out.notes
                .iter()
                .any(|n| n.contains(key) && n.contains("user name"))
        );
    }
    // And in the [brand] defaults, at start-up.
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("m.toml");
    std::fs::write(&file, format!("[brand]\nhome_page_url = \"{hidden}\"\n")).unwrap();
    let e = mailroom::config::Settings::load(Some(&file), Vec::new()).unwrap_err();
    assert!(e.to_string().contains("user name or password"), "{e}");
}

#[test]
fn thin_event_ids_that_would_leave_their_path_segment_are_refused() {
    let p = pipeline();
    for (key, id, why) in [
        ("user_id", "..", "relative path segment"),
        ("user_id", ".", "relative path segment"),
        ("client_id", "..", "relative path segment"),
        ("user_id", "auth0|abc\n", "whitespace"),
        ("user_id", "auth0|\u{202E}abc", "control or invisible"),
        ("client_id", " ", "must not be empty"),
    ] {
        let mut e = with(base_event(), "user", serde_json::Value::Null);
        if key == "client_id" {
            e = with(base_event(), "client", serde_json::Value::Null);
        }
        let e = with(e, key, json!(id));
        let r = crate::helpers::prepare(&p, &e).unwrap_err();
        assert_eq!(
            r.kind,
            mailroom::pipeline::DeadKind::Malformed,
            "{key}={id:?}"
        );
        assert!(
            r.reason.starts_with(key) && r.reason.contains(why),
            "{key}={id:?}: {}",
            r.reason
        );
    }
}

#[test]
fn recipient_domains_go_out_as_a_labels_and_local_ones_are_refused() {
    let p = pipeline();
    let e = with(base_event(), "user.email", json!("ana@bücher.example"));
    let out = prepared(&p, &e);
    let rcpt: Vec<String> = out
        .message
        .envelope()
        .to()
        .iter()
        .map(|a| a.to_string())
        .collect();
    assert_eq!(rcpt, ["ana@xn--bcher-kva.example"]);
    assert!(
        out.message
            .headers()
            .get_raw("To")
            .unwrap()
            .contains("ana@xn--bcher-kva.example")
    );
    for (email, why) in [
        ("ana@[127.0.0.1]", "address literal"),
        ("ana@127.0.0.1", "IP address"),
        ("ana@localhost", "single label"),
        ("ana@my_host.example", "contains `_`"),
        ("ana@host.123", "all-digit"),
        ("ana@b\u{FF41}d.example\u{202E}", "is not"),
        ("ana@bu\u{0308}cher.example", "NFC"),
    ] {
        let e = with(base_event(), "user.email", json!(email));
        match crate::helpers::prepare(&p, &e) {
            Err(r) => {
                assert_eq!(r.kind, mailroom::pipeline::DeadKind::Malformed, "{email}");
                assert!(
                    r.reason.starts_with("user.email: ") && r.reason.contains(why),
                    "{email}: {}",
                    r.reason
                );
            }
            // lettre itself refuses some of these before us: also malformed.
            Ok(_) => panic!("{email} was accepted"),
        }
    }
    // A test set-up may allow them.
    let mut s = crate::helpers::settings();
    s.allow_local_addresses = true;
    let local = mailroom::pipeline::Pipeline::load_strict(s).unwrap().0;
    for email in ["ana@localhost", "ana@[127.0.0.1]", "ana@my_host.example"] {
        let e = with(base_event(), "user.email", json!(email));
        assert!(crate::helpers::prepare(&local, &e).is_ok(), "{email}");
    }
}

#[test]
fn duplicate_keys_a_byte_order_mark_and_bad_utf8_are_malformed_and_say_so() {
    let p = pipeline();
    let base = base_event().to_string();
    let twice = base.replacen(
        "\"id\":",
        "\"user\":{\"email\":\"eve@evil.test\"},\"id\":",
        1,
    );
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(base.as_bytes());
    let mut latin1 = base.clone().into_bytes();
    let at = base.find("Ana Lima").unwrap();
    latin1[at + 1] = 0xE1; // "A\xE1a Lima"
    for (body, why) in [
        (
            twice.into_bytes(),
            "the key `user` appears twice".to_owned(),
        ),
        (bom, "byte-order mark".to_owned()),
        (latin1, format!("not valid UTF-8 (at byte {})", at + 1)),
    ] {
        let r = p.prepare(&body).unwrap_err();
        assert_eq!(r.kind, mailroom::pipeline::DeadKind::Malformed);
        assert!(r.reason.contains(&why), "{}", r.reason);
    }
}

#[test]
fn check_warns_about_event_data_in_risky_attributes_and_scripts() {
    let d = crate::helpers::scratch_copy();
    let body = d.path().join("templates/welcome_email/body.html");
    let mut html = std::fs::read_to_string(&body).unwrap();
    html = html.replacen(
        "{% block content %}",
        "{% block content %}<a href=\"{{ user.user_metadata.site }}\">site</a>\n\
         <div style=\"color: {{ data.raw.color | default(value='red') }}\">x</div>\n\
         <span onclick=\"{{ brand.color }}\">y</span>\n\
         <a href=\"{{ data.url }}\">ok</a>\n\
         <script>alert(1)</script>\n",
        1,
    );
    std::fs::write(&body, &html).unwrap();
    let out = mailroom_with(
        d.path(),
        &["check", "--templates", "templates", "--locales", "locales"],
        &[("MAILROOM_DIRECTORY", "none")],
        None,
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let warnings: Vec<&str> = text.lines().filter(|l| l.contains("body.html:")).collect();
    assert!(
        warnings
            .iter()
            .any(|l| l.contains("user.user_metadata.site") && l.contains("`href=`")),
        "{text}"
    );
    assert!(
        warnings
            .iter()
            .any(|l| l.contains("data.raw.color") && l.contains("`style=`")),
        "{text}"
    );
    assert!(warnings.iter().any(|l| l.contains("`onclick=`")), "{text}");
    assert!(warnings.iter().any(|l| l.contains("`<script>`")), "{text}");
    assert!(
        !warnings.iter().any(|l| l.contains("{{ data.url }}")),
        "{text}"
    );
}

#[test]
fn a_metadata_field_printed_without_default_is_a_warning_and_with_it_renders_without_it() {
    let d = crate::helpers::scratch_copy();
    let body = d.path().join("templates/welcome_email/body.html");
    let html = std::fs::read_to_string(&body).unwrap();
    let check = |html: &str| {
        std::fs::write(&body, html).unwrap();
        let out = mailroom_with(
            d.path(),
            &["check", "--templates", "templates", "--locales", "locales"],
            &[("MAILROOM_DIRECTORY", "none")],
            None,
        );
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let bare = html.replacen(
        "{% block content %}",
        "{% block content %}<p>{{ user.user_metadata.plan }}</p>",
        1,
    );
    let text = check(&bare);
    assert!(
        text.lines().any(|l| l.contains("body.html:4")
            && l.contains("`user.user_metadata.plan` is printed without `| default(…)`")),
        "{text}"
    );
    let with_default = html.replacen(
        "{% block content %}",
        "{% block content %}<p>Plan: {{ user.user_metadata.plan | default(value=\"free\") }}</p>",
        1,
    );
    let text = check(&with_default);
    assert!(!text.contains("is printed without"), "{text}");
    assert!(text.contains("check ok"), "{text}");
    let out = mailroom_with(
        d.path(),
        &["preview", "welcome_email", "--format", "html"],
        &[
            ("MAILROOM_TEMPLATES", "templates"),
            ("MAILROOM_LOCALES", "locales"),
            ("MAILROOM_DIRECTORY", "none"),
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Plan: free"));
}
