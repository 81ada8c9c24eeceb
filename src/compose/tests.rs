//! Composing: the hand-written frame against lettre's builder, headers, dates and encodings.

use super::mime::unencoded;
use super::*;
use lettre::message::header::ContentType;
use lettre::message::{MultiPart, SinglePart};

/// How this module composed with lettre's `Message` builder, kept as the reference the
/// hand-written frame must match byte for byte.
fn compose_with_lettre_builder(
    email: &RenderedEmail,
    a: &Addressing<'_>,
    encoding: BodyEncoding,
) -> Result<lettre::Message, ComposeError> {
    let (from, to) = a.mailboxes();
    let message_id = a.message_id();
    let date = a.occurred_at.map_or_else(SystemTime::now, SystemTime::from);

    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(super::body(&email.text, encoding));
    let html = SinglePart::builder()
        .header(ContentType::TEXT_HTML)
        .body(super::body(&email.html, encoding));
    let boundary = super::boundary_for(a.event_id, &[text.raw_body(), html.raw_body()]);
    let body = MultiPart::alternative()
        .boundary(boundary)
        .singlepart(text)
        .singlepart(html);

    // Given rather than derived: lettre would parse the From and To headers back to find it.
    let envelope = Envelope::new(Some(from.email.clone()), vec![to.email.clone()])?;
    let message = lettre::Message::builder()
        .envelope(envelope)
        .from(from)
        .to(to)
        .subject(one_line(&email.subject))
        .date(date)
        .message_id(Some(message_id))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Content-Language"),
            email.locale.clone(),
        ))
        // RFC 3834: tells auto-responders (vacation replies) not to answer.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_owned(),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Feedback-ID"),
            super::feedback_id(a.template, a.client_id),
        ))
        .multipart(body)?;
    Ok(message)
}

/// Every kind of name and subject, both encodings: the same bytes as lettre's builder.
#[test]
fn the_frame_matches_lettres_builder_byte_for_byte() {
    let from: Mailbox = "Mailroom <no-reply@acme.test>".parse().unwrap();
    let to: lettre::Address = "ana@example.com".parse().unwrap();
    let names = [
        None,
        Some("Ana Lima"),
        Some("Zoë <script>alert(1)</script>"),
        Some("Tom & Jerry, \"the\" cat"),
        Some("متجر النخبة"),
        Some("山田 太郎"),
        Some("Eve\r\nBcc: victim@evil.test"),
    ];
    let subjects = [
        "Bienvenue chez Acme !",
        "Verify your email",
        "متجر النخبةへようこそ！ a subject long enough to need folding across more than one line of the header",
        "",
    ];
    let long_html = format!("<p>long</p>\n<p>{}</p>", "é".repeat(600));
    let long_text = "x".repeat(1200);
    let bodies = [
        ("<p>Bonjour</p>", "Bonjour\n"),
        ("<p>Привет, Zoë</p>", "Привет, Zoë\n.leading dot\n"),
        (long_html.as_str(), long_text.as_str()),
    ];
    let mut n = 0;
    for (i, name) in names.iter().enumerate() {
        for subject in subjects {
            for (html, text) in bodies {
                for encoding in [BodyEncoding::EightBit, BodyEncoding::SevenBit] {
                    let id = format!("evt_{i}_{n}");
                    n += 1;
                    let a = Addressing {
                        event_id: &id,
                        occurred_at: Some(
                            OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
                        ),
                        from: &from,
                        sender_name: name.map(|_| "Acme Notes"),
                        to: &to,
                        to_name: *name,
                        template: "welcome_email",
                        client_id: Some("AaiyAPdpYdesoKnqjj8HJqRn4T5titww"),
                    };
                    let e = RenderedEmail {
                        subject: subject.into(),
                        html: html.into(),
                        text: text.into(),
                        ..email()
                    };
                    let ours = compose(&e, &a, encoding).unwrap();
                    let theirs = compose_with_lettre_builder(&e, &a, encoding).unwrap();
                    assert_eq!(
                        String::from_utf8_lossy(ours.bytes()),
                        String::from_utf8_lossy(&theirs.formatted()),
                        "{name:?} {subject:?} {encoding:?}"
                    );
                    assert_eq!(ours.envelope(), theirs.envelope());
                    assert_eq!(
                        ours.headers().get::<header::To>(),
                        theirs.headers().get::<header::To>()
                    );
                }
            }
        }
    }
}

fn email() -> RenderedEmail {
    RenderedEmail {
        subject: "Bienvenue chez Acme !".into(),
        html: "<p>Bonjour</p>".into(),
        text: "Bonjour\n".into(),
        locale: "fr".into(),
        dir: "ltr",
    }
}

fn compose_to(name: &str, id: &str) -> String {
    let from: Mailbox = "Mailroom <no-reply@acme.test>".parse().unwrap();
    let to: lettre::Address = "ana@example.com".parse().unwrap();
    let a = Addressing {
        event_id: id,
        occurred_at: Some(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()),
        from: &from,
        sender_name: Some("Acme Notes"),
        to: &to,
        to_name: Some(name),
        template: "welcome_email",
        client_id: Some("AaiyAPdpYdesoKnqjj8HJqRn4T5titww"),
    };
    String::from_utf8(
        compose(&email(), &a, BodyEncoding::EightBit)
            .unwrap()
            .formatted(),
    )
    .unwrap()
}

fn headers(raw: &str) -> &str {
    raw.split("\r\n\r\n").next().unwrap()
}

#[test]
fn message_id_uses_the_event_id_or_its_hash() {
    assert_eq!(message_id_local("evt_01JD3K6R4M"), "evt_01JD3K6R4M");
    assert_eq!(message_id_local("a.b-c_d"), "a.b-c_d");
    let hashed = message_id_local("evt 1/<x>");
    let digest = hashed.strip_prefix("sha256=").unwrap();
    assert_eq!(digest.len(), 64);
    assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(message_id_local("..").starts_with("sha256="));
    // A plain id that looks like a digest stays itself and never meets a hashed one.
    assert_eq!(message_id_local(digest), digest);
    assert_ne!(message_id_local(digest), hashed);
}

#[test]
fn headers_carry_identity_language_and_date() {
    let raw = compose_to("Ana Lima", "evt_1");
    let h = headers(&raw);
    assert!(h.contains("Message-ID: <evt_1@acme.test>"), "{h}");
    assert!(h.contains("Content-Language: fr"), "{h}");
    assert!(
        h.contains("From: \"Acme Notes\" <no-reply@acme.test>"),
        "{h}"
    );
    assert!(h.contains("To: \"Ana Lima\" <ana@example.com>"), "{h}");
    assert!(h.contains("Date: Tue, 14 Nov 2023 22:13:20 +0000"), "{h}");
    assert!(h.contains("multipart/alternative"), "{h}");
}

#[test]
fn a_date_no_header_can_carry_is_an_error_not_a_panic() {
    let from: Mailbox = "no-reply@acme.test".parse().unwrap();
    let to: lettre::Address = "ana@example.com".parse().unwrap();
    let at =
        |s: &str| OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap();
    for (at, ok) in [
        (at("0001-01-01T00:00:00Z"), false), // Go's and .NET's zero time
        (at("1969-12-31T23:59:59Z"), false),
        (at("1970-01-01T00:00:00Z"), true),
        (at("9999-12-31T23:59:59Z"), true),
        (at("9999-12-31T23:59:59-23:59"), false),
    ] {
        let a = Addressing {
            event_id: "evt_date",
            occurred_at: Some(at),
            from: &from,
            sender_name: None,
            to: &to,
            to_name: None,
            template: "welcome_email",
            client_id: Some("AaiyAPdpYdesoKnqjj8HJqRn4T5titww"),
        };
        let result = compose(&email(), &a, BodyEncoding::EightBit);
        assert_eq!(result.is_ok(), ok, "{at}: {:?}", result.err());
    }
}

#[test]
fn crlf_in_a_name_never_makes_a_header() {
    let raw = compose_to("Eve\r\nBcc: victim@evil.test\r\nX-Evil: 1", "evt_2");
    let h = headers(&raw);
    for line in h.split("\r\n") {
        assert!(!line.starts_with("Bcc:"), "{h}");
        assert!(!line.starts_with("X-Evil:"), "{h}");
    }
}

fn parts(e: &RenderedEmail, encoding: BodyEncoding) -> String {
    let from: Mailbox = "no-reply@acme.test".parse().unwrap();
    let to: lettre::Address = "ana@example.com".parse().unwrap();
    let a = Addressing {
        event_id: "evt_enc",
        occurred_at: None,
        from: &from,
        sender_name: None,
        to: &to,
        to_name: None,
        template: "welcome_email",
        client_id: Some("AaiyAPdpYdesoKnqjj8HJqRn4T5titww"),
    };
    let raw = compose(e, &a, encoding).unwrap().formatted();
    String::from_utf8(raw).unwrap()
}

#[test]
fn bodies_are_8bit_when_allowed_and_7bit_safe_otherwise() {
    let e = RenderedEmail {
        html: "<p>Привет, Zoë</p>".into(),
        text: "Привет, Zoë\n".into(),
        ..email()
    };
    let eight = parts(&e, BodyEncoding::EightBit);
    assert_eq!(
        eight.matches("Content-Transfer-Encoding: 8bit").count(),
        2,
        "{eight}"
    );
    assert!(eight.contains("<p>Привет, Zoë</p>\r\n"), "{eight}");
    let seven = parts(&e, BodyEncoding::SevenBit);
    assert!(seven.is_ascii(), "{seven}");
    assert!(!seven.contains("8bit"), "{seven}");
    // lettre picks the shorter: base64 for Cyrillic, quoted-printable for mostly Latin.
    assert!(
        seven.contains("Content-Transfer-Encoding: base64"),
        "{seven}"
    );
}

#[test]
fn a_line_too_long_for_smtp_is_never_sent_8bit() {
    let e = RenderedEmail {
        html: format!("<p>{}</p>", "é".repeat(600)),
        ..email()
    };
    let raw = parts(&e, BodyEncoding::EightBit);
    // The text part is ASCII; the 1,207-byte HTML line is too long for 8bit.
    assert!(raw.contains("Content-Transfer-Encoding: 7bit"), "{raw}");
    assert!(raw.contains("Content-Transfer-Encoding: base64"), "{raw}");
    assert!(!raw.contains("8bit"), "{raw}");
    assert!(raw.lines().all(|l| l.len() <= 998));
    // Up to 998 bytes a line is fine, and lone CRs and NULs are not.
    let fits = format!("<p>{}</p>", "é".repeat(495));
    assert_eq!(fits.len(), 997);
    assert!(unencoded(&fits).is_some());
    assert!(unencoded(&format!("{fits}x")).is_some());
    assert!(unencoded(&format!("{fits}xy")).is_none());
    assert!(unencoded("a\rb").is_none());
    assert!(unencoded("a\0b").is_none());
    assert_eq!(
        unencoded("a\r\nb\nc\n").unwrap().into_vec(),
        b"a\r\nb\r\nc\r\n"
    );
}

#[test]
fn the_same_event_composes_to_the_same_bytes() {
    assert_eq!(compose_to("Ana", "evt_3"), compose_to("Ana", "evt_3"));
}

#[test]
fn feedback_id_names_template_and_client_in_three_safe_fields() {
    assert_eq!(
        feedback_id("verify_email", Some("AaiyAPdpYdesoKnqjj8HJqRn4T5titww")),
        "verify_email:AaiyAPdpYdesoKnqjj8HJqRn4T5titww:mailroom"
    );
    assert_eq!(
        feedback_id("welcome_email", None),
        "welcome_email:-:mailroom"
    );
    // A client id is the producer's: no field separator, line break or header gets through.
    assert_eq!(
        feedback_id("welcome_email", Some("a:b\r\nBcc: x@evil.test")),
        "welcome_email:abBccxevil.test:mailroom"
    );
    assert_eq!(
        feedback_id("welcome_email", Some("::ü")),
        "welcome_email:-:mailroom"
    );
    assert_eq!(
        feedback_id("t", Some(&"x".repeat(500))),
        format!("t:{}:mailroom", "x".repeat(64))
    );
}
