//! Bad input: every kind of hostile or broken event, and what happens to it.

use mailroom::config::Settings;
use mailroom::pipeline::{DeadKind, Pipeline};
use serde_json::{Value, json};

use crate::helpers::{base_event, pipeline, prepare, prepared, scratch_copy, with};

fn rejected(event: &Value) -> (DeadKind, String) {
    let r = prepare(&pipeline(), event).expect_err("expected a rejection");
    (r.kind, r.reason)
}

#[test]
fn html_in_names_is_escaped_in_html_and_kept_as_typed_in_text() {
    let p = pipeline();
    let e = with(
        base_event(),
        "user.given_name",
        json!("<b>Eve</b> & <script>alert(1)</script>"),
    );
    let e = with(e, "user.name", json!("Ben &amp; Jerry"));
    let out = prepared(&p, &e);
    let html = &out.rendered.html;
    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("<b>Eve"), "{html}");
    assert!(html.contains("&lt;b&gt;Eve&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        out.rendered
            .text
            .contains("Hi <b>Eve</b> & <script>alert(1)</script>,")
    );
    // "Ben &amp; Jerry" must show as typed: the To header keeps the literal text.
    let to = out
        .message
        .headers()
        .get::<lettre::message::header::To>()
        .unwrap();
    let to: lettre::message::Mailboxes = to.into();
    let first = to.into_iter().next().unwrap();
    assert_eq!(first.name.as_deref(), Some("Ben &amp; Jerry"));
}

#[test]
fn html_in_a_nickname_is_escaped() {
    let p = pipeline();
    let e = with(base_event(), "user.given_name", Value::Null);
    let e = with(e, "user.name", Value::Null);
    let e = with(
        e,
        "user.nickname",
        json!("Mallory </td></tr><img src=x onerror=alert(1)>"),
    );
    let out = prepared(&p, &e);
    assert!(!out.rendered.html.contains("<img src=x"));
    assert!(
        out.rendered
            .html
            .contains("Mallory &lt;/td&gt;&lt;/tr&gt;&lt;img src=x onerror=alert(1)&gt;")
    );
}

#[test]
fn user_metadata_values_render_only_as_escaped_text() {
    // The shipped templates do not show user_metadata; a designer's template that does must
    // still get escaped output, through {{ }} and through t() arguments alike.
    let d = scratch_copy();
    std::fs::write(
        d.path().join("templates/welcome_email/body.html"),
        "{% extends \"layouts/base.html\" %}{% block content %}\
         <p id=\"direct\">{{ user.user_metadata.hobby }}</p>\
         <p id=\"via-t\">{{ t(id=\"greeting\", name=user.user_metadata.hobby) }}</p>\
         <p id=\"nested\">{{ user.user_metadata.deep.x }}</p>{% endblock content %}",
    )
    .unwrap();
    let settings = Settings {
        templates_dir: d.path().join("templates"),
        locales_dir: d.path().join("locales"),
        ..Settings::default()
    };
    let p = Pipeline::load_strict(settings).unwrap().0;
    let e = with(base_event(), "type", json!("user.signed_up"));
    let e = with(
        e,
        "user.user_metadata",
        json!({
            "hobby": "<img src=x onerror=alert(1)> & \"q\"",
            "deep": {"x": "<svg onload=alert(1)>"},
            "n": 12, "list": [1, "<a>"], "nothing": null
        }),
    );
    let sent = prepared(&p, &e).rendered.html;
    assert!(!sent.contains("<img src=x") && !sent.contains("<svg"));
    // As a mail client parses it (the escapes sent may be `&quot;` or `"`: the same text).
    let html = p.renderer().inline("welcome_email", &sent).unwrap();
    assert!(
        html.contains(">&lt;img src=x onerror=alert(1)&gt; &amp; \"q\"</p>"),
        "{html}"
    );
    assert!(
        html.contains("<bdi>&lt;img src=x onerror=alert(1)&gt; &amp; \"q\"</bdi>"),
        "{html}"
    );
    assert!(html.contains("&lt;svg onload=alert(1)&gt;"), "{html}");
    assert!(!html.contains("<img src=x") && !html.contains("<svg"));
}

#[test]
fn crlf_in_names_never_reaches_a_header() {
    let p = pipeline();
    let e = with(
        base_event(),
        "user.name",
        json!("Eve\r\nBcc: victim@example.net\r\nX-Evil: 1"),
    );
    let e = with(e, "client.name", json!("Acme\r\nX-Injected: yes"));
    let raw = String::from_utf8(prepared(&p, &e).message.formatted()).unwrap();
    let headers = raw.split("\r\n\r\n").next().unwrap();
    for line in headers.split("\r\n") {
        for bad in ["Bcc:", "X-Evil:", "X-Injected:"] {
            assert!(!line.starts_with(bad), "{headers}");
        }
    }
}

#[test]
fn very_long_names_are_cut_not_fatal() {
    let p = pipeline();
    let long = "Ω".repeat(10_000);
    let e = with(base_event(), "user.name", json!(long));
    let e = with(e, "user.given_name", json!(long));
    let out = prepared(&p, &e);
    assert!(
        out.rendered.html.len() < 40_000,
        "the name is cut before rendering"
    );
    let raw = String::from_utf8(out.message.formatted()).unwrap();
    assert!(raw.lines().all(|l| l.len() <= 998), "RFC 5322 line limit");
}

#[test]
fn unusable_lang_values_fall_through_the_chain() {
    let p = pipeline();
    let cases = [
        (json!(42), "de"),
        (json!({"lang": "fr"}), "de"),
        (json!(""), "de"),
        (json!("x".repeat(10_000)), "de"),
        (json!("../../etc/passwd"), "de"),
        (json!("FR"), "fr"),
        (json!("pt_br"), "pt-BR"),
        (json!("Pt-Br"), "pt-BR"),
    ];
    for (lang, want) in cases {
        let e = with(base_event(), "user.user_metadata.lang", lang.clone());
        let e = with(e, "client.client_metadata.default_lang", json!("de"));
        let out = prepared(&p, &e);
        assert_eq!(out.rendered.locale, want, "lang = {lang}");
    }
}

#[test]
fn dangerous_link_schemes_are_malformed() {
    for url in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "file:///etc/passwd",
        "http://acme.test/verify",
        "//acme.test/verify",
        "https://",
        "https://acme.test/a b",
    ] {
        let e = with(base_event(), "data.url", json!(url));
        let (kind, reason) = rejected(&e);
        assert_eq!(kind, DeadKind::Malformed, "{url}");
        assert!(reason.starts_with("data.url: "), "{url}: {reason}");
    }
}

#[test]
fn an_unknown_type_is_unroutable() {
    let e = with(base_event(), "type", json!("user.password_changed"));
    let (kind, reason) = rejected(&e);
    assert_eq!(kind, DeadKind::Unroutable);
    assert!(
        reason.contains("no route for `user.password_changed`"),
        "{reason}"
    );
}

#[test]
fn a_missing_user_is_malformed() {
    let e = with(base_event(), "user", Value::Null);
    assert_eq!(
        rejected(&e),
        (
            DeadKind::Malformed,
            "user: missing: the event needs a `user` object or a `user_id`".to_owned()
        )
    );
    let e = with(base_event(), "user.email", Value::Null);
    assert_eq!(
        rejected(&e),
        (DeadKind::Malformed, "user.email: missing".to_owned())
    );
}

#[test]
fn a_missing_link_for_the_link_template_is_malformed() {
    let e = with(base_event(), "data.url", Value::Null);
    assert_eq!(
        rejected(&e),
        (
            DeadKind::Malformed,
            "data.url: missing (template `verify_email` needs it)".to_owned()
        )
    );
}

#[test]
fn invalid_utf8_and_non_json_bodies_are_malformed() {
    let p = pipeline();
    for body in [
        &b"\xff\xfe{\"id\":1}"[..],
        b"{\"id\":\"e\",\"type\":\"t\",\"user\":{\"email\":\"a@b.c\",\"name\":\"\xc3\x28\"}}",
        b"not json",
        b"[1,2,3]",
        b"",
        b"{\"id\":",
    ] {
        let r = p.prepare(body).expect_err("rejected");
        assert_eq!(r.kind, DeadKind::Malformed, "{body:?}");
        assert!(r.reason.starts_with("not a JSON event"), "{}", r.reason);
    }
}

#[test]
fn a_thin_event_without_a_directory_is_unroutable_with_a_reason() {
    let e = with(base_event(), "user", Value::Null);
    let e = with(e, "user_id", json!("auth0|abc"));
    let (kind, reason) = rejected(&e);
    assert_eq!(kind, DeadKind::Unroutable);
    assert!(reason.contains("user_id `auth0|abc`"), "{reason}");
}

#[test]
fn a_template_using_an_unknown_message_fails_to_render_instead_of_showing_the_id() {
    let d = scratch_copy();
    let body = d.path().join("templates/verify_email/body.html");
    let src = std::fs::read_to_string(&body).unwrap();
    std::fs::write(
        &body,
        src.replace(
            "t(id=\"verify-email-heading\")",
            "t(id=\"verify-email-headline\")",
        ),
    )
    .unwrap();
    let settings = Settings {
        templates_dir: d.path().join("templates"),
        locales_dir: d.path().join("locales"),
        ..Settings::default()
    };
    let p = Pipeline::load_strict(settings).unwrap().0;
    let r = prepare(&p, &base_event()).expect_err("render error");
    assert_eq!(r.kind, DeadKind::Render);
    assert!(r.reason.contains("verify-email-headline"), "{}", r.reason);
    assert!(
        r.reason
            .contains("does not exist in the source locale `en`"),
        "{}",
        r.reason
    );
}

#[test]
fn an_oversized_event_is_refused() {
    let e = with(
        base_event(),
        "user.user_metadata.blob",
        json!("x".repeat(70_000)),
    );
    let (kind, reason) = rejected(&e);
    assert_eq!(kind, DeadKind::Malformed);
    assert!(reason.contains("over the 65536-byte limit"), "{reason}");
}

#[test]
fn a_malformed_event_keeps_its_id_for_the_record() {
    let e = with(base_event(), "user.email", json!("ana(at)example"));
    let r = prepare(&pipeline(), &e).unwrap_err();
    assert_eq!(r.event_id.as_deref(), Some("evt_test_1"));
    assert_eq!(
        r.reason,
        "user.email: `ana(at)example` is not an email address"
    );
}
