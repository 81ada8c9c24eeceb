//! Rendering the shipped templates: language, direction, plurals, branding, parts, fallback.

use serde_json::{Value, json};

use crate::helpers::{base_event, pipeline, prepared, with};

#[test]
fn every_locale_renders_with_its_lang_and_direction() {
    let p = pipeline();
    for (lang, dir) in [
        ("en", "ltr"),
        ("fr", "ltr"),
        ("de", "ltr"),
        ("es", "ltr"),
        ("pt-BR", "ltr"),
        ("ja", "ltr"),
        ("ar", "rtl"),
    ] {
        let e = with(base_event(), "user.user_metadata.lang", json!(lang));
        let out = prepared(&p, &e);
        assert_eq!(out.rendered.locale, lang);
        assert!(
            out.rendered
                .html
                .contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")),
            "{lang}"
        );
        let raw = String::from_utf8(out.message.formatted()).unwrap();
        assert!(
            raw.contains(&format!("Content-Language: {lang}\r\n")),
            "{lang}"
        );
    }
}

#[test]
fn the_subject_and_body_are_in_the_negotiated_language() {
    let p = pipeline();
    let e = with(base_event(), "user.user_metadata.lang", json!("fr-CA"));
    let out = prepared(&p, &e);
    assert_eq!(out.rendered.locale, "fr");
    assert_eq!(
        out.rendered.subject,
        "Confirmez votre adresse e-mail pour Acme Notes"
    );
    assert!(
        out.rendered.text.starts_with("Bonjour Ana,\n"),
        "{}",
        out.rendered.text
    );
}

/// (locale, ttl in seconds, expected duration text)
fn check_duration(lang: &str, ttl: u64, want: &str) {
    let p = pipeline();
    let e = with(base_event(), "user.user_metadata.lang", json!(lang));
    let e = with(e, "data.ttl_seconds", json!(ttl));
    let out = prepared(&p, &e);
    assert!(
        out.rendered.text.contains(want),
        "{lang} {ttl}s: `{want}` not in\n{}",
        out.rendered.text
    );
}

#[test]
fn lifetimes_follow_each_locales_plural_rules() {
    let h = 3_600;
    let cases: &[(&str, u64, &str)] = &[
        ("en", h, "expires in 1 hour."),
        ("en", 5 * h, "expires in 5 hours."),
        ("en", 24 * h, "expires in 24 hours."),
        ("en", 48 * h, "expires in 48 hours."),
        ("en", 72 * h, "expires in 3 days."),
        ("en", 90 * 60, "expires in 90 minutes."),
        ("en", 60, "expires in 1 minute."),
        ("fr", h, "expire dans 1 heure."),
        ("fr", 3 * 24 * h, "expire dans 3 jours."),
        ("de", 3 * 24 * h, "läuft in 3 Tagen ab."),
        ("de", h, "läuft in 1 Stunde ab."),
        ("es", 3 * h, "vence en 3 horas."),
        ("pt-BR", h, "expira em 1 hora."),
        ("ja", 24 * h, "有効期限は24時間です。"),
        ("ja", 3 * 24 * h, "有効期限は3日間です。"),
        // Arabic has six plural categories.
        ("ar", h, "خلال ساعة واحدة."),
        ("ar", 2 * h, "خلال ساعتين."),
        ("ar", 3 * h, "خلال 3 ساعات."),
        ("ar", 10 * h, "خلال 10 ساعات."),
        ("ar", 11 * h, "خلال 11 ساعة."),
        ("ar", 48 * h, "خلال 48 ساعة."),
        ("ar", 3 * 24 * h, "خلال 3 أيام."),
        ("ar", 11 * 24 * h, "خلال 11 يومًا."),
        ("ar", 100 * 24 * h, "خلال 100 يوم."),
    ];
    for (lang, ttl, want) in cases {
        check_duration(lang, *ttl, want);
    }
}

#[test]
fn numbers_in_lifetimes_carry_the_locales_digit_grouping() {
    // 1,439 minutes: a day less one minute, which reads in minutes.
    let ttl = 1_439 * 60;
    for (lang, want) in [
        ("en", "expires in 1,439 minutes."),
        ("fr", "expire dans 1\u{202f}439 minutes."),
        ("de", "läuft in 1.439 Minuten ab."),
        ("pt-BR", "expira em 1.439 minutos."),
    ] {
        check_duration(lang, ttl, want);
    }
}

#[test]
fn right_to_left_output_isolates_left_to_right_values() {
    let p = pipeline();
    let e = with(base_event(), "user.user_metadata.lang", json!("ar"));
    let out = prepared(&p, &e);
    assert!(out.rendered.html.contains("مرحبًا <bdi>Ana</bdi>،"));
    assert!(out.rendered.html.contains("<bdi>help@acme.test</bdi>"));
    // Links keep left-to-right order inside right-to-left text.
    assert!(out.rendered.html.contains("dir=\"ltr\""));
    // The text part has no markup and no isolation characters.
    assert!(out.rendered.text.contains("مرحبًا Ana،"));
    assert!(!out.rendered.text.contains('\u{2068}'));
    assert!(!out.rendered.subject.contains('\u{2068}'));
}

#[test]
fn css_is_inlined_into_style_attributes() {
    let p = pipeline();
    let out = prepared(&p, &base_event());
    let html = &out.rendered.html;
    assert!(html.contains("<h1 style=\""), "{html}");
    assert!(
        html.contains("background-color: #4f46e5"),
        "brand colour on the button"
    );
    // Only @media rules stay in <style>.
    let style = html
        .split("<style>")
        .nth(1)
        .unwrap()
        .split("</style>")
        .next()
        .unwrap();
    assert!(style.trim_start().starts_with("@media"), "{style}");
}

#[test]
fn branding_comes_from_client_metadata_with_defaults_when_absent() {
    let p = pipeline();
    let branded = prepared(&p, &base_event());
    assert!(
        branded
            .rendered
            .html
            .contains("href=\"https://notes.acme.test/\"")
    );
    let raw = String::from_utf8(branded.message.formatted()).unwrap();
    assert!(
        raw.contains("From: \"Acme Notes\" <no-reply@acme.test>"),
        "{raw}"
    );

    let bare = with(base_event(), "client", serde_json::Value::Null);
    let out = prepared(&p, &bare);
    // The configured sender's name stands in for the client's, and the default colour is used.
    assert!(
        out.rendered.subject.ends_with("for Acme"),
        "{}",
        out.rendered.subject
    );
    assert!(out.rendered.html.contains("#2563eb"));
    assert!(
        !out.rendered.html.contains("<img"),
        "no logo without a logo_url"
    );

    let partial = with(
        base_event(),
        "client.client_metadata",
        json!({"brand_color": "#ffcc00"}),
    );
    let out = prepared(&p, &partial);
    assert!(
        out.rendered
            .html
            .contains("color: #111827;background-color: #ffcc00")
    );
    assert!(
        !out.rendered.text.contains("help@acme.test"),
        "no support line without an address"
    );
}

#[test]
fn the_code_email_shows_the_code_in_subject_and_body() {
    let p = pipeline();
    let e = with(
        base_event(),
        "type",
        json!("user.verification_code_requested"),
    );
    let e = with(e, "data", json!({"code": "482913", "ttl_seconds": 600}));
    let out = prepared(&p, &e);
    assert_eq!(out.template, "verify_email_by_code");
    assert!(out.rendered.subject.starts_with("482913"));
    assert!(out.rendered.html.contains(">482913</td>"));
    assert!(out.rendered.text.contains("10 minutes"));
}

#[test]
fn the_welcome_email_links_to_data_url_or_the_home_page() {
    let p = pipeline();
    let e = with(base_event(), "type", json!("user.signed_up"));
    let e = with(e, "data", json!({}));
    let out = prepared(&p, &e);
    assert!(
        out.rendered
            .html
            .contains("class=\"button\" href=\"https://notes.acme.test/\"")
    );
    let e = with(
        e,
        "data",
        json!({"url": "https://notes.acme.test/start?a=1&b=2"}),
    );
    let out = prepared(&p, &e);
    assert!(
        out.rendered
            .html
            .contains("class=\"button\" href=\"https://notes.acme.test/start?a=1&amp;b=2\"")
    );
    assert!(
        out.rendered
            .text
            .contains("https://notes.acme.test/start?a=1&b=2")
    );
}

#[test]
fn the_message_is_multipart_alternative_with_stable_identity() {
    let p = pipeline();
    let out = prepared(&p, &base_event());
    let raw = String::from_utf8(out.message.formatted()).unwrap();
    let headers = raw.split("\r\n\r\n").next().unwrap();
    assert!(headers.contains("Message-ID: <evt_test_1@acme.test>"));
    assert!(headers.contains("Date: Sat, 28 Nov 2026 10:00:00 +0000"));
    assert!(headers.contains("Content-Type: multipart/alternative;"));
    assert!(raw.contains("Content-Type: text/plain; charset=utf-8"));
    assert!(raw.contains("Content-Type: text/html; charset=utf-8"));
    let text_at = raw.find("text/plain").unwrap();
    let html_at = raw.find("text/html").unwrap();
    assert!(text_at < html_at, "the preferred (HTML) part comes last");
    let again = prepared(&p, &base_event());
    assert_eq!(out.message.formatted(), again.message.formatted());
}

/// `Feedback-ID: <template>:<client_id>:mailroom` on every email, for Gmail's feedback loop;
/// an email with no client says `-` in its place.
#[test]
fn every_email_carries_a_feedback_id_naming_its_template_and_client() {
    let p = pipeline();
    let header = |e: &Value| {
        let raw = String::from_utf8(prepared(&p, e).message.formatted()).unwrap();
        raw.lines()
            .find(|l| l.starts_with("Feedback-ID:"))
            .map(str::to_owned)
    };
    let e = base_event();
    let template = p.settings().routes[e["type"].as_str().unwrap()].clone();
    let client = e["client"]["client_id"].as_str().unwrap().to_owned();
    assert_eq!(
        header(&e).as_deref(),
        Some(format!("Feedback-ID: {template}:{client}:mailroom").as_str())
    );
    let mut no_client = e.clone();
    no_client.as_object_mut().unwrap().remove("client");
    assert_eq!(
        header(&no_client).as_deref(),
        Some(format!("Feedback-ID: {template}:-:mailroom").as_str())
    );
}

#[test]
fn an_unusual_event_id_is_hashed_into_the_message_id() {
    let p = pipeline();
    let e = with(base_event(), "id", json!("evt 1/<x>@y"));
    let raw = String::from_utf8(prepared(&p, &e).message.formatted()).unwrap();
    let line = raw.lines().find(|l| l.starts_with("Message-ID:")).unwrap();
    let local = line
        .trim_start_matches("Message-ID: <")
        .trim_end_matches("@acme.test>");
    // `sha256=` marks the hash, so it can never equal another event's plain (hex) id.
    let digest = local.strip_prefix("sha256=").expect(line);
    assert_eq!(digest.len(), 64, "{line}");
    assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()), "{line}");
}

/// A stylesheet a template cannot be inlined with at load (a selector that needs an ancestor
/// from the layout, Tera code inside `<style>`) is still applied: that template is inlined per
/// email, `check` says which and why, and the others stay inlined at load.
#[test]
fn templates_that_cannot_be_inlined_at_load_are_inlined_per_email_and_named() {
    use mailroom::render::CssPlan;

    let d = crate::helpers::scratch_copy();
    let templates = d.path().join("templates");
    let edit = |file: &str, from: &str, to: &str| {
        let path = templates.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} holds {from:?}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    // `.content strong` matches only once the body sits inside the layout's `.content` cell.
    edit(
        "layouts/base.html",
        "</style>",
        "  .content strong { color: #b91c1c; }\n</style>",
    );
    edit(
        "welcome_email/body.html",
        "<p>{{ t(id=\"welcome-intro\") }}</p>",
        "<p><strong>{{ t(id=\"welcome-intro\") }}</strong></p>",
    );
    // Tera code in a <style> of its own: the CSS depends on values.
    edit(
        "verify_email_by_code/body.html",
        "{% block content %}",
        "{% block content %}<style>.code { color: {{ brand.color }}; }</style>",
    );
    let settings = mailroom::config::Settings {
        templates_dir: templates.clone(),
        locales_dir: d.path().join("locales"),
        ..mailroom::config::Settings::default()
    };

    let report = mailroom::cmd::check::check(settings.clone());
    let printed = mailroom::cmd::check::render_report(&report);
    assert_eq!(report.exit_code(), 0, "{printed}");
    assert!(
        printed.contains(
            "CSS inlined at load: blocked_account, change_email, enrollment_email, mfa_oob_code, passwordless_email, provider_test, reset_email, reset_email_by_code, stolen_credentials, user_invitation, verify_email\n"
        ),
        "{printed}"
    );
    assert!(
        printed.contains("CSS inlined per email (slower): welcome_email: inlined at load,"),
        "{printed}"
    );
    assert!(
        printed.contains("CSS inlined per email (slower): verify_email_by_code: verify_email_by_code/body.html: line 4: Tera code inside <style>"),
        "{printed}"
    );

    let p = mailroom::pipeline::Pipeline::load_strict(settings)
        .unwrap()
        .0;
    assert_eq!(
        p.renderer().css_plans()["verify_email"],
        CssPlan::Preinlined
    );
    let out = prepared(&p, &with(base_event(), "type", json!("user.signed_up")));
    assert_eq!(out.template, "welcome_email");
    assert!(
        out.rendered
            .html
            .contains("<strong style=\"color: #b91c1c;\">"),
        "{}",
        out.rendered.html
    );
}

/// `t()` remembers formatted messages per thread (most arguments are a client's brand, the
/// same in every email of that client). With far more distinct clients and users than the
/// memo has slots, interleaved, every email still carries its own values, escaped in HTML and
/// plain in text, and a second pass gives the same bytes as the first.
#[test]
fn remembered_messages_never_leak_between_emails() {
    let p = pipeline();
    let mut first = Vec::new();
    for pass in 0..2 {
        for i in 0..600 {
            let client = format!("Client {i} <b>&</b>");
            let e = with(base_event(), "client.name", json!(client));
            let e = with(e, "user.given_name", json!(format!("Ana{i}")));
            // Japanese greets by the full name: it carries the same mark.
            let e = with(e, "user.name", json!(format!("Ana{i} Lima")));
            let lang = ["en", "fr", "ar", "ja"][i % 4];
            let e = with(e, "user.user_metadata.lang", json!(lang));
            let out = prepared(&p, &e);
            let r = &out.rendered;
            assert!(r.subject.contains(&client), "{i}: {}", r.subject);
            let escaped = format!("Client {i} &lt;b&gt;&amp;&lt;/b&gt;");
            assert!(r.html.contains(&escaped), "{i}: the escaped name");
            assert!(!r.html.contains(&client), "{i}: never raw in HTML");
            assert!(r.text.contains(&format!("Ana{i}")), "{i}: {}", r.text);
            // No other email's values: client `{i}1` contains `{i}`, so look for the
            // neighbours' exact isolated forms instead.
            for other in [i.wrapping_sub(1), i + 1] {
                assert!(
                    !r.text.contains(&format!("Client {other} <b>")),
                    "{i}: holds client {other}"
                );
                assert!(
                    !r.text.contains(&format!("Ana{other} "))
                        && !r.text.contains(&format!("Ana{other},")),
                    "{i}: holds user {other}"
                );
            }
            if pass == 0 {
                first.push(out.message.formatted());
            } else {
                assert_eq!(
                    out.message.formatted(),
                    first[i],
                    "{i}: the same bytes again"
                );
            }
        }
    }
}

/// Whether `word` (no spaces) runs a sentence into the next: two lowercase letters, a full
/// stop, `!` or `?`, then an uppercase letter (`account.Confirm`; `z.B.` is an abbreviation).
/// Links and addresses are not sentences.
fn glued(word: &str) -> bool {
    if word.contains("://") || word.contains('@') || word.starts_with("www.") {
        return false;
    }
    let c: Vec<char> = word.chars().collect();
    c.windows(4).any(|w| {
        w[0].is_lowercase()
            && w[1].is_lowercase()
            && matches!(w[2], '.' | '!' | '?')
            && w[3].is_uppercase()
    })
}

#[test]
fn no_text_part_glues_two_sentences_or_a_sentence_and_a_label() {
    assert!(glued("account.Confirm"));
    assert!(!glued("https://acme.test/Verify") && !glued("e.g.") && !glued("z.B."));
    let p = pipeline();
    let catalog = p.renderer().catalog().clone();
    let mut checked = 0;
    for (name, info) in p.renderer().templates() {
        for sample in &info.samples {
            let sample = sample.file_stem().unwrap().to_string_lossy().into_owned();
            for (index, locale) in catalog.locales().iter().enumerate() {
                let tag = locale.tag.clone();
                let out =
                    mailroom::preview::preview_sample(&p, name, Some(&tag), Some(&sample), None)
                        .unwrap_or_else(|e| panic!("{name}/{sample}/{tag}: {e}"));
                let text = &out.rendered.text;
                // Template syntax in a default sample's text is a template's, not the data's.
                let syntax: &[&str] = if sample == "default" {
                    &["{#", "#}", "{{", "}}", "{%", "%}"]
                } else {
                    &[]
                };
                for syntax in syntax {
                    assert!(
                        !text.contains(syntax),
                        "{name}/{sample}/{tag}: `{syntax}` in\n{text}"
                    );
                }
                for word in text.split_whitespace() {
                    assert!(!glued(word), "{name}/{sample}/{tag}: `{word}` in\n{text}");
                }
                // A button's label stands on a line of its own, in every script.
                let button = match name.as_str() {
                    "verify_email" => Some("verify-email-action"),
                    "welcome_email" => Some("welcome-action"),
                    _ => None,
                };
                if let Some(id) = button
                    && let Ok(label) = catalog.format(index, id, None, mailroom::i18n::Markup::Text)
                    && text.contains(&label.text)
                {
                    assert!(
                        text.lines().any(|l| l.trim() == label.text),
                        "{name}/{sample}/{tag}: `{}` is not on its own line in\n{text}",
                        label.text
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 3 * 7, "{checked} renders checked");
}

/// The direction the first strong character gives (what `dir=auto` decides): Arabic letters
/// and the right-to-left mark are right to left, Latin letters left to right; digits,
/// punctuation and spaces decide nothing.
fn first_strong_is_rtl(s: &str) -> Option<bool> {
    s.chars().find_map(|c| match c {
        '\u{200F}' | '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' => Some(true),
        '\u{200E}' => Some(false),
        c if c.is_alphabetic() => Some(false),
        _ => None,
    })
}

#[test]
fn arabic_subjects_read_right_to_left_even_when_a_code_leads() {
    let p = pipeline();
    let catalog = p.renderer().catalog().clone();
    let ar = catalog.index_of("ar").expect("ar is shipped");
    let tag = catalog.locale(ar).tag.clone();
    for (name, info) in p.renderer().templates() {
        for sample in &info.samples {
            let sample = sample.file_stem().unwrap().to_string_lossy().into_owned();
            let out = mailroom::preview::preview_sample(&p, name, Some(&tag), Some(&sample), None)
                .unwrap_or_else(|e| panic!("{name}/{sample}: {e}"));
            let subject = &out.rendered.subject;
            assert_eq!(
                first_strong_is_rtl(subject),
                Some(true),
                "{name}/{sample}: `{subject}` would show left to right"
            );
        }
    }
}

#[test]
fn pseudo_locales_render_every_template_longer_or_right_to_left_and_are_never_negotiated() {
    let p = crate::helpers::shared_pipeline();
    let (mut en_len, mut xa_len) = (0, 0);
    for name in p.renderer().templates().keys() {
        let render = |tag: &str| {
            mailroom::preview::preview_sample(p, name, Some(tag), None, None)
                .unwrap_or_else(|e| panic!("{name} in {tag}: {e:#}"))
        };
        let en = render("en");
        let xa = render("en-XA");
        let xb = render("ar-XB");
        assert_eq!(
            (xa.rendered.locale.as_str(), xa.rendered.dir),
            ("en-XA", "ltr")
        );
        assert_eq!(
            (xb.rendered.locale.as_str(), xb.rendered.dir),
            ("ar-XB", "rtl")
        );
        assert!(xb.rendered.html.contains("dir=\"rtl\""), "{name}");
        assert!(
            xb.rendered.subject.contains('\u{202e}'),
            "{name}: {}",
            xb.rendered.subject
        );
        assert_ne!(
            xa.rendered.subject, en.rendered.subject,
            "{name}: hard-coded subject?"
        );
        en_len += en.rendered.text.chars().count();
        xa_len += xa.rendered.text.chars().count();
    }
    // Longer, to show where a translation will not fit (the URLs and names are not).
    assert!(
        xa_len * 100 >= en_len * 120,
        "en-XA is {xa_len} chars against {en_len}"
    );
    // A user asking for a pseudo-locale gets the real language.
    for (asked, got) in [("en-XA", "en"), ("ar-XB", "ar")] {
        let e = with(base_event(), "user.user_metadata.lang", json!(asked));
        assert_eq!(prepared(p, &e).rendered.locale, got, "{asked}");
    }
}
