//! The security notices (`blocked_account`, `stolen_credentials`): when and where in the
//! reader's locale and time zone, the checks on `data.at`, `data.ip` and `data.location`, the
//! shared message variables (the Japanese greeting by full name) and `expires_at`.

use mailroom::config::Settings;
use mailroom::pipeline::{DeadKind, Pipeline};
use serde_json::{Value, json};

use crate::helpers::{base_event, prepare, scratch_copy, shared_pipeline, with};

/// A `user.blocked` event from Lyon at 10:05 UTC, in `lang`, the user in `zone` (if any).
fn blocked(lang: &str, zone: Option<&str>) -> Value {
    let e = with(base_event(), "type", json!("user.blocked"));
    let e = with(e, "user.user_metadata.lang", json!(lang));
    let e = with(e, "user.zoneinfo", zone.map_or(Value::Null, |z| json!(z)));
    with(
        e,
        "data",
        json!({
            "url": "https://acme.test/unblock?ticket=u1",
            "ip": "203.0.113.7",
            "location": "Lyon, France",
            "at": "2026-12-02T10:05:00Z",
        }),
    )
}

fn email(event: &Value) -> mailroom::pipeline::Prepared {
    prepare(shared_pipeline(), event).unwrap_or_else(|r| panic!("expected an email, got {r}"))
}

#[test]
fn when_and_where_are_written_for_the_reader_in_their_time_zone() {
    // (lang, user.zoneinfo, what the text part says): CLDR's patterns and zone names,
    // the wall time of the zone at that instant (Paris is UTC+1 in December).
    let cases = [
        (
            "en",
            None,
            "When: December 2, 2026 at 10:05\u{202f}AM Coordinated Universal Time",
        ),
        (
            "fr",
            Some("Europe/Paris"),
            "Date : 2 décembre 2026 à 11:05 heure normale d’Europe centrale",
        ),
        (
            "de",
            Some("Europe/Berlin"),
            "Wann: 2. Dezember 2026 um 11:05 Mitteleuropäische Normalzeit",
        ),
        (
            "ja",
            Some("Asia/Tokyo"),
            "日時：2026年12月2日 19:05 日本標準時",
        ),
        (
            "pt-BR",
            Some("America/Sao_Paulo"),
            "Quando: 2 de dezembro de 2026 às 07:05 Horário Padrão de Brasília",
        ),
        (
            "es",
            Some("America/Mexico_City"),
            "Cuándo: 2 de diciembre de 2026 a las 04:05 hora estándar central",
        ),
        (
            "ar",
            Some("Asia/Riyadh"),
            "التاريخ والوقت: 2 ديسمبر 2026 في 1:05 م التوقيت العربي الرسمي",
        ),
    ];
    for (lang, zone, want) in cases {
        let p = email(&blocked(lang, zone));
        assert_eq!(p.template, "blocked_account");
        assert!(
            p.rendered.text.contains(want),
            "{lang}: {}",
            p.rendered.text
        );
        assert!(p.rendered.html.contains("<bdi>203.0.113.7</bdi>"), "{lang}");
        assert!(p.notes.is_empty(), "{lang}: {:?}", p.notes);
    }
    let fr = email(&blocked("fr", Some("Europe/Paris")));
    assert!(
        fr.rendered
            .text
            .contains("Lieu : Lyon, France (adresse IP 203.0.113.7)"),
        "{}",
        fr.rendered.text
    );
    // Daylight saving time: the same zone in July is an hour ahead, and named so.
    let summer = with(
        blocked("en", Some("Europe/Paris")),
        "data.at",
        json!("2026-07-02T10:05:00Z"),
    );
    assert!(
        email(&summer)
            .rendered
            .text
            .contains("When: July 2, 2026 at 12:05\u{202f}PM Central European Summer Time")
    );
}

#[test]
fn a_zone_that_is_not_an_iana_name_falls_through_to_the_applications_then_utc_with_a_note() {
    for bad in [
        "Mars/Olympus",
        "../../../etc/passwd",
        "EST5EDT,M3.2.0,M11.1.0",
        "   ",
    ] {
        let e = with(
            blocked("en", Some(bad)),
            "client.client_metadata.default_timezone",
            json!("Asia/Tokyo"),
        );
        let p = email(&e);
        assert!(
            p.rendered
                .text
                .contains("When: December 2, 2026 at 7:05\u{202f}PM Japan Standard Time"),
            "{bad:?}: {}",
            p.rendered.text
        );
        if !bad.trim().is_empty() {
            assert!(
                p.notes.iter().any(|n| n.starts_with("user.zoneinfo: `")
                    && n.ends_with("is not an IANA time zone; using Asia/Tokyo")),
                "{bad:?}: {:?}",
                p.notes
            );
        }
    }
    // The application's own zone unusable too: UTC, and each bad value noted.
    let e = with(
        blocked("en", Some("Nowhere/Land")),
        "client.client_metadata.default_timezone",
        json!("Pacific/Atlantis"),
    );
    let p = email(&e);
    assert!(p.rendered.text.contains("Coordinated Universal Time"));
    assert_eq!(p.notes.len(), 2, "{:?}", p.notes);
    assert!(p.notes[0].starts_with("client_metadata.default_timezone: `Pacific/Atlantis`"));
    // An email that shows no time never looks the zone up: no note for it.
    let verify = with(base_event(), "user.zoneinfo", json!("Nowhere/Land"));
    assert!(email(&verify).notes.is_empty());
}

#[test]
fn security_data_is_checked_and_untrusted_text_stays_text_on_one_line() {
    let rejected = |e: &Value| {
        let r = prepare(shared_pipeline(), e).expect_err("expected a rejection");
        (r.kind, r.reason)
    };
    let base = blocked("en", None);
    for (field, value, reason) in [
        (
            "data.at",
            json!("2026-12-02 10:05"),
            "data.at: `2026-12-02 10:05` is not an RFC 3339 timestamp",
        ),
        (
            "data.at",
            json!(1_764_669_900),
            "data.at: expected an RFC 3339 timestamp, found number 1764669900",
        ),
        (
            "data.ip",
            json!(["203.0.113.7"]),
            "data.ip: expected a string, found an array",
        ),
        (
            "data.location",
            json!("\u{202e} "),
            "data.location: must not be empty",
        ),
    ] {
        assert_eq!(
            rejected(&with(base.clone(), field, value)),
            (DeadKind::Malformed, reason.to_owned())
        );
    }
    for event_type in ["user.blocked", "user.credentials_breached"] {
        let e = with(
            with(base.clone(), "type", json!(event_type)),
            "data.url",
            Value::Null,
        );
        let (kind, reason) = rejected(&e);
        assert_eq!(kind, DeadKind::Malformed, "{event_type}");
        assert!(reason.contains("data.url"), "{event_type}: {reason}");
    }
    // Markup, bidi overrides and line breaks from the provider: escaped and isolated in
    // HTML, one inert line in text, never a header.
    let hostile = with(
        with(
            base,
            "data.location",
            json!("\u{202e}<a href=\"https://evil.test\">x</a>\r\nBcc: all@evil.test"),
        ),
        "data.ip",
        json!("<script>alert(1)</script>"),
    );
    for event_type in ["user.blocked", "user.credentials_breached"] {
        let p = email(&with(hostile.clone(), "type", json!(event_type)));
        let html = &p.rendered.html;
        assert!(
            !html.contains("<a href=\"https://evil.test\""),
            "{event_type}"
        );
        assert!(!html.contains("<script>alert"), "{event_type}");
        assert!(
            html.contains(
                "&lt;a href=&quot;https://evil.test&quot;&gt;x&lt;/a&gt; Bcc: all@evil.test"
            ),
            "{event_type}"
        );
        assert!(!html.contains('\u{202e}') && !p.rendered.text.contains('\u{202e}'));
        assert!(
            p.rendered
                .text
                .contains("Where: <a href=\"https://evil.test\">x</a> Bcc: all@evil.test (IP address <script>alert(1)</script>)"),
            "{event_type}: {}",
            p.rendered.text
        );
        let raw = String::from_utf8_lossy(p.message.bytes()).to_string();
        assert!(!raw.lines().any(|l| l.starts_with("Bcc:")), "{event_type}");
    }
}

#[test]
fn without_when_or_where_the_notice_says_only_what_happened() {
    let e = with(
        with(
            with(blocked("en", None), "data.at", Value::Null),
            "data.ip",
            Value::Null,
        ),
        "data.location",
        Value::Null,
    );
    let p = email(&e);
    assert!(!p.rendered.text.contains("When:") && !p.rendered.text.contains("Where:"));
    assert!(!p.rendered.html.contains("class=\"details\""));
    // No sentence runs into the next, and the button label stays on its own line.
    assert!(
        p.rendered
            .text
            .contains("to keep it safe.\n\nIf it was you,"),
        "{}",
        p.rendered.text
    );
    assert!(
        p.rendered
            .text
            .contains("\n\nUnblock my account\nhttps://acme.test/unblock?ticket=u1\n")
    );
    let breach = email(&with(
        blocked("en", None),
        "type",
        json!("user.credentials_breached"),
    ));
    assert_eq!(breach.template, "stolen_credentials");
    assert_eq!(breach.rendered.subject, "Change your Acme Notes password");
    assert!(
        breach
            .rendered
            .text
            .contains("When: December 2, 2026 at 10:05\u{202f}AM")
    );
    assert!(
        breach
            .rendered
            .text
            .contains("If you need help, write to help@acme.test.")
    );
}

#[test]
fn japanese_greets_by_the_full_name_which_stays_escaped() {
    let p = email(&blocked("ja", Some("Asia/Tokyo")));
    assert!(
        p.rendered.text.starts_with("Ana Lima 様\n"),
        "{}",
        p.rendered.text
    );
    // English greets by the given name from the same profile.
    assert!(
        email(&blocked("en", None))
            .rendered
            .text
            .starts_with("Hi Ana,\n")
    );
    // Without a full name, the given name.
    let given_only = with(blocked("ja", None), "user.name", Value::Null);
    assert!(email(&given_only).rendered.text.starts_with("Ana 様\n"));
    let hostile = with(
        blocked("ja", None),
        "user.name",
        json!("<img src=x onerror=alert(1)>"),
    );
    let p = email(&hostile);
    assert!(
        p.rendered
            .html
            .contains("<bdi>&lt;img src=x onerror=alert(1)&gt;</bdi> 様")
    );
    assert!(!p.rendered.html.contains("<img src=x"));
}

fn scratch_pipeline(d: &std::path::Path) -> Pipeline {
    let settings = Settings {
        templates_dir: d.join("templates"),
        locales_dir: d.join("locales"),
        ..crate::helpers::settings()
    };
    Pipeline::load_strict(settings).expect("loads").0
}

#[test]
fn a_template_may_say_valid_until_a_time_counted_from_occurred_at() {
    let d = scratch_copy();
    let body = d.path().join("templates/reset_email/body.txt");
    let text = std::fs::read_to_string(&body).unwrap().replace(
        "{% if expires_in %}",
        "{% if expires_at %}Valid until {{ expires_at }}.\n{% endif %}{% if expires_in %}",
    );
    std::fs::write(&body, text).unwrap();
    let p = scratch_pipeline(d.path());
    let e = with(
        with(
            with(base_event(), "type", json!("user.password_reset_requested")),
            "data.ttl_seconds",
            json!(3600),
        ),
        "user.zoneinfo",
        json!("Europe/Paris"),
    );
    let email = prepare(&p, &with(e.clone(), "user.user_metadata.lang", json!("en"))).unwrap();
    // occurred_at 2026-11-28T10:00Z + 1 hour, in Paris.
    assert!(
        email.rendered.text.contains(
            "Valid until November 28, 2026 at 12:00\u{202f}PM Central European Standard Time."
        ),
        "{}",
        email.rendered.text
    );
    let de = prepare(&p, &with(e, "user.user_metadata.lang", json!("de"))).unwrap();
    assert!(
        de.rendered
            .text
            .contains("Valid until 28. November 2026 um 12:00 Mitteleuropäische Normalzeit."),
        "{}",
        de.rendered.text
    );
}
