//! The reference workload (`scripts/gen_events.py`): a few thousand generated events, each
//! checked for language, escaping, parts, links and plural forms.

use std::process::Command;

use lettre::message::header;
use mailroom::pipeline::Prepared;
use serde_json::Value;

use crate::helpers::{root, shared_pipeline as pipeline};

const EVENTS: usize = 3_000;

fn generate() -> Vec<String> {
    let script = root().join("scripts/gen_events.py");
    let out = Command::new("python3")
        .arg(&script)
        .args([
            "--n",
            &EVENTS.to_string(),
            "--seed",
            "20261128",
            "--out",
            "-",
        ])
        .output()
        .expect("python3 runs the generator");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Text as the HTML serializer writes it in a text node (quotes need no escaping there).
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The expiry text the English email must show for `ttl` seconds.
fn english_duration(ttl: u64) -> String {
    // Days beyond 48 hours only, as the templates say it.
    let (n, unit) = if ttl > 48 * 3_600 && ttl.is_multiple_of(86_400) {
        (ttl / 86_400, "day")
    } else {
        (ttl / 3_600, "hour")
    };
    format!("expires in {n} {unit}{}.", if n == 1 { "" } else { "s" })
}

/// Arabic forms of "N hours" by CLDR category (the generator uses whole hours or days).
fn arabic_duration(ttl: u64) -> String {
    let (n, one, two, few, many, other) = if ttl > 48 * 3_600 && ttl.is_multiple_of(86_400) {
        (ttl / 86_400, "يوم واحد", "يومين", "أيام", "يومًا", "يوم")
    } else {
        (ttl / 3_600, "ساعة واحدة", "ساعتين", "ساعات", "ساعة", "ساعة")
    };
    match n % 100 {
        _ if n == 1 => one.to_owned(),
        _ if n == 2 => two.to_owned(),
        3..=10 => format!("{n} {few}"),
        11..=99 => format!("{n} {many}"),
        // 100, 101, 102, 200, …: CLDR's `other`.
        _ => format!("{n} {other}"),
    }
}

/// `html` is the HTML part as a mail client's parser sees it (re-serialized), so the checks
/// below do not depend on which of the equivalent escapes (`&quot;` or `"`) were sent.
fn check_event(line: &str, out: &Prepared, html: &str) {
    let ev: Value = serde_json::from_str(line).unwrap();
    let id = ev["id"].as_str().unwrap();
    let lang = ev["user"]["user_metadata"]["lang"].as_str().unwrap_or("");
    let expected = match lang {
        "en" | "fr" | "de" | "es" | "pt-BR" | "ja" | "ar" => lang,
        _ => "en",
    };
    assert_eq!(out.rendered.locale, expected, "{id}");
    let dir = if expected == "ar" { "rtl" } else { "ltr" };
    let text = &out.rendered.text;
    assert!(
        html.contains(&format!("<html lang=\"{expected}\" dir=\"{dir}\">")),
        "{id}"
    );

    // Escaping: the client's name is shown escaped, never raw when it has markup.
    let client = ev["client"]["name"].as_str().unwrap();
    assert!(html.contains(&escape(client)), "{id}: {client}");
    if client.contains('<') {
        // HTML5 serializers leave `<` unescaped inside quoted attribute values (the logo's
        // alt text), which is valid and inert; anywhere else it would be markup.
        let raw = html.matches(client).count();
        let in_alt = html.matches(&format!("alt=\"{client}\"")).count();
        assert_eq!(raw, in_alt, "{id}: raw {client} outside an attribute");
        // As sent, every `<` of the name is escaped, attributes included.
        assert!(!out.rendered.html.contains(client), "{id}: {client}");
    }
    // The greeting: the given name, or the full name where the language greets so (ja).
    let given = ev["user"]["given_name"].as_str().unwrap();
    let greeted = match ev["user"]["name"].as_str() {
        // As a profile's names are shown: inert, on one line.
        Some(full) if out.rendered.locale == "ja" && !full.trim().is_empty() => {
            mailroom::text::one_line(&mailroom::inert::inert(full))
                .trim()
                .to_owned()
        }
        _ => given.to_owned(),
    };
    assert!(
        text.contains(&greeted),
        "{id}: greeting by name: {greeted:?} in {:?}",
        text.lines().next()
    );

    // The recipient's display name is the name as typed, on one line.
    let to: lettre::message::Mailboxes = out.message.headers().get::<header::To>().unwrap().into();
    let to = to.into_iter().next().unwrap();
    let name = ev["user"]["name"].as_str().unwrap();
    let one_line: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(to.name.as_deref(), Some(one_line.as_str()), "{id}");
    assert_eq!(to.email.to_string(), ev["user"]["email"].as_str().unwrap());

    // Links: escaped in the HTML attribute, raw in the text part.
    if out.template == "verify_email" {
        let url = ev["data"]["url"].as_str().unwrap();
        assert!(
            html.contains(&format!("href=\"{}\"", url.replace('&', "&amp;"))),
            "{id}"
        );
        assert!(text.contains(url), "{id}");
        let ttl = ev["data"]["ttl_seconds"].as_u64().unwrap();
        match expected {
            "en" => assert!(text.contains(&english_duration(ttl)), "{id}: {ttl}\n{text}"),
            "ar" => assert!(
                text.contains(&format!("خلال {}.", arabic_duration(ttl))),
                "{id}: {ttl}\n{text}"
            ),
            _ => {}
        }
    } else {
        assert_eq!(out.template, "welcome_email", "{id}");
    }

    // Parts and headers.
    let raw = String::from_utf8(out.message.formatted()).unwrap();
    assert!(raw.contains("Content-Type: multipart/alternative;"), "{id}");
    assert!(
        raw.contains("Content-Type: text/plain; charset=utf-8"),
        "{id}"
    );
    assert!(
        raw.contains("Content-Type: text/html; charset=utf-8"),
        "{id}"
    );
    assert!(
        raw.contains(&format!("Content-Language: {expected}\r\n")),
        "{id}"
    );
    assert!(
        raw.contains(&format!("Message-ID: <{id}@acme.test>")),
        "{id}"
    );
    assert!(
        !out.rendered.subject.contains(['\r', '\n', '\u{2028}']),
        "{id}"
    );
    for s in [&out.rendered.subject, text, &out.rendered.html] {
        assert!(!s.contains("Unknown localization key"), "{id}");
        assert!(!s.contains('\u{2068}'), "{id}: isolation marks");
    }
}

#[test]
fn every_generated_event_renders_correctly() {
    let p = pipeline();
    let lines = generate();
    assert_eq!(lines.len(), EVENTS);
    for line in &lines {
        let out = p
            .prepare(line.as_bytes())
            .unwrap_or_else(|r| panic!("{r}\n{line}"));
        let html = p
            .renderer()
            .inline(&out.template, &out.rendered.html)
            .unwrap();
        check_event(line, &out, &html);
    }
}

/// CSS inlined once at load gives every email the same document as inlining it per email
/// (what the worker did before): compared after both pages go through the inliner again, so
/// `&#x27;` and `'` count as the same text.
#[test]
fn css_inlined_at_load_gives_the_same_emails_as_per_email() {
    use mailroom::pipeline::Overrides;
    use mailroom::render::CssPlan;

    let p = pipeline();
    for (name, plan) in p.renderer().css_plans() {
        assert_eq!(*plan, CssPlan::Preinlined, "{name}");
    }
    for line in generate() {
        let event = p.parse(line.as_bytes()).unwrap();
        let fast = p.prepare_event(&event, Overrides::default()).unwrap();
        let slow = p
            .prepare_event(
                &event,
                Overrides {
                    per_email_css: true,
                    ..Overrides::default()
                },
            )
            .unwrap();
        if let Some(why) = p.differs(&fast.template, &fast.rendered, &slow.rendered) {
            panic!("{why}\n{line}");
        }
    }
}
