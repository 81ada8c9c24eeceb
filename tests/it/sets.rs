//! Template sets (`client_metadata.template_set`): what a set changes, what falls through to
//! the defaults file by file and message by message, and what happens to bad values and
//! broken sets.

use std::path::Path;

use mailroom::config::Settings;
use mailroom::pipeline::{Overrides, Pipeline, SetChoice};
use serde_json::{Value, json};

use crate::helpers::{
    base_event, mailroom, mailroom_with, prepared, root, scratch_copy, shared_pipeline, with,
};

fn b2b(event: Value) -> Value {
    with(event, "client.client_metadata.template_set", json!("b2b"))
}

fn in_lang(lang: &str) -> Value {
    with(base_event(), "user.user_metadata.lang", json!(lang))
}

fn scratch_settings(d: &Path) -> Settings {
    Settings {
        templates_dir: d.join("templates"),
        locales_dir: d.join("locales"),
        ..crate::helpers::settings()
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The content cell of an HTML email: everything between the header and the footer.
fn content(html: &str) -> &str {
    let start = html.find("class=\"content\"").expect("a content cell");
    let end = html.find("class=\"footer\"").expect("a footer cell");
    &html[start..end]
}

#[test]
fn the_example_set_changes_the_footer_and_voice_and_nothing_else() {
    let p = shared_pipeline();
    for lang in ["en", "fr", "de", "es", "pt-BR", "ja", "ar"] {
        let default = prepared(p, &in_lang(lang));
        let set = prepared(p, &b2b(in_lang(lang)));
        assert_eq!(default.template_set, None);
        assert_eq!(set.template_set.as_deref(), Some("b2b"), "{lang}");
        assert_eq!(set.rendered.locale, default.rendered.locale);
        assert_eq!(set.rendered.subject, default.rendered.subject, "{lang}");
        // The set's own footer, in the email's language, in both parts.
        let reason = std::fs::read_to_string(root().join(format!("locales/{lang}/sets/b2b.ftl")))
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("b2b-footer-confidential = "))
            .unwrap()
            .to_owned();
        assert!(
            set.rendered.text.contains(&reason),
            "{lang}: {}",
            set.rendered.text
        );
        assert!(!default.rendered.text.contains(&reason), "{lang}");
        // The body between greeting and footer comes from the defaults.
        let body = |t: &str| {
            let from = t.find("\n\n").unwrap();
            let to = t.find("\n-- \n").unwrap();
            t[from..to].to_owned()
        };
        assert_eq!(
            body(&set.rendered.text),
            body(&default.rendered.text),
            "{lang}"
        );
    }
    // de overrides the greeting, fr does not: fr keeps its own, message by message.
    let de = prepared(p, &b2b(in_lang("de")));
    assert!(
        de.rendered.text.starts_with("Guten Tag Ana,"),
        "{}",
        de.rendered.text
    );
    let fr = prepared(p, &b2b(in_lang("fr")));
    let fr_default = prepared(p, &in_lang("fr"));
    assert_eq!(
        fr.rendered.text.lines().next(),
        fr_default.rendered.text.lines().next()
    );
    assert!(fr.rendered.text.contains("Cordialement, l’équipe"));
    // The HTML content cell is the default's; the footer is the set's, escaped like any other.
    let en = prepared(p, &b2b(in_lang("en")));
    let en_default = prepared(p, &in_lang("en"));
    assert_ne!(en.rendered.html, en_default.rendered.html);
    assert_eq!(
        content(&en.rendered.html).replace("Dear", "Hi"),
        content(&en_default.rendered.html).replace("Dear", "Hi")
    );
    assert!(
        en.rendered.html.contains("organization&#39;s account")
            || en.rendered.html.contains("organization's account")
    );
}

/// The count of `mailroom_template_set_fallbacks_total{reason=…}`.
fn fallbacks(reason: &str) -> u64 {
    let needle = format!("mailroom_template_set_fallbacks_total{{reason=\"{reason}\"}} ");
    mailroom::metrics::encode()
        .lines()
        .find_map(|l| l.strip_prefix(needle.as_str()))
        .map_or(0, |n| n.trim().parse().unwrap())
}

#[test]
fn a_template_set_that_is_not_a_loaded_set_renders_the_defaults_and_says_why() {
    let p = shared_pipeline();
    let default = prepared(p, &base_event());
    let cases: &[(Value, &str, &str)] = &[
        (
            json!("nope"),
            "unknown",
            "no such template set (loaded: b2b)",
        ),
        (json!("../b2b"), "invalid", "not a template set name"),
        (
            json!("../../etc/passwd"),
            "invalid",
            "not a template set name",
        ),
        (json!("B2B"), "invalid", "not a template set name"),
        (json!("b2b "), "invalid", "not a template set name"),
        (json!(""), "invalid", "not a template set name"),
        (json!("a".repeat(65)), "invalid", "not a template set name"),
        (
            json!("b2b\r\nBcc: x@evil.test"),
            "invalid",
            "not a template set name",
        ),
        (json!(42), "invalid", "not a string"),
        (json!(["b2b"]), "invalid", "not a string"),
        (json!({ "name": "b2b" }), "invalid", "not a string"),
        (json!(true), "invalid", "not a string"),
    ];
    for (value, reason, why) in cases {
        let before = fallbacks(reason);
        let event = with(
            base_event(),
            "client.client_metadata.template_set",
            value.clone(),
        );
        let got = prepared(p, &event);
        assert_eq!(got.template_set, None, "{value}");
        assert_eq!(got.rendered, default.rendered, "{value}");
        let note = got
            .notes
            .iter()
            .find(|n| n.starts_with("client_metadata.template_set"))
            .unwrap_or_else(|| panic!("{value}: no note in {:?}", got.notes));
        assert!(note.contains(why), "{value}: {note}");
        assert!(note.ends_with("default templates"), "{note}");
        assert!(!note.contains('\n') && !note.contains('\r'), "{note}");
        assert!(
            fallbacks(reason) > before,
            "{value}: not counted as {reason}"
        );
    }
    // null is the same as no set: no note.
    let mut event = base_event();
    event["client"]["client_metadata"]["template_set"] = Value::Null;
    let got = prepared(p, &event);
    assert_eq!(got.rendered, default.rendered);
    assert!(
        got.notes.iter().all(|n| !n.contains("template_set")),
        "{:?}",
        got.notes
    );
}

#[test]
fn a_set_of_messages_only_compiles_just_the_templates_that_use_them() {
    let d = scratch_copy();
    // A set with no template files: one message of the welcome email, in English only, and a
    // term that message uses through another message.
    write(
        &d.path().join("locales/en/sets/terse.ftl"),
        "welcome-intro = Your account is ready.\n",
    );
    let (p, warnings) = Pipeline::load_strict(scratch_settings(d.path())).expect("loads");
    assert!(warnings.iter().all(|w| !w.is_error()));
    let set = p.renderer().set_index("terse").expect("the set is loaded");
    let terse = &p.renderer().sets()[set];
    assert!(terse.covers("welcome_email"));
    assert!(
        !terse.covers("verify_email"),
        "verify_email does not use welcome-intro"
    );

    let welcome = |lang: &str, set: SetChoice| {
        let (event, _) =
            mailroom::preview::sample_event(&p, "welcome_email", Some("default")).unwrap();
        let locale = p.catalog().index_of(lang).unwrap();
        p.prepare_event(
            &event,
            Overrides {
                template: Some("welcome_email"),
                locale: Some(locale),
                set,
                ..Overrides::default()
            },
        )
        .unwrap()
    };
    // en: the set's message. fr: the locale's own message comes before the set's English one.
    assert!(
        welcome("en", SetChoice::Set(set))
            .rendered
            .text
            .contains("Your account is ready.")
    );
    let fr_set = welcome("fr", SetChoice::Set(set));
    let fr = welcome("fr", SetChoice::Defaults);
    assert_eq!(fr_set.rendered, fr.rendered);
    assert!(!fr.rendered.text.contains("Your account is ready."));
    // A template the set does not change renders exactly as the defaults.
    let verify = |set| {
        p.prepare_event(
            &p.parse(base_event().to_string().as_bytes()).unwrap(),
            Overrides {
                set,
                ..Overrides::default()
            },
        )
        .unwrap()
    };
    assert_eq!(
        verify(SetChoice::Set(set)).rendered,
        verify(SetChoice::Defaults).rendered
    );
}

#[test]
fn a_set_message_only_the_set_has_falls_back_to_the_sets_source_locale() {
    let d = scratch_copy();
    let footer = d.path().join("templates/sets/b2b/layouts/footer.txt");
    let text = std::fs::read_to_string(&footer).unwrap();
    write(
        &footer,
        &format!("{text}{{{{ t(id=\"b2b-footer-extra\") }}}}\n"),
    );
    let en = d.path().join("locales/en/sets/b2b.ftl");
    let text = std::fs::read_to_string(&en).unwrap();
    write(
        &en,
        &format!("{text}# Test line.\nb2b-footer-extra = Extra line in English.\n"),
    );
    let report = mailroom::check::check(scratch_settings(d.path()));
    let printed = mailroom::cmd::check::render_report(&report);
    assert_eq!(report.exit_code(), 0, "{printed}");
    assert!(
        printed.contains(
            "`fr` lacks message `b2b-footer-extra` of template set `b2b` (falls back to `en`)"
        ),
        "{printed}"
    );
    let p = Pipeline::load_strict(scratch_settings(d.path())).unwrap().0;
    let fr = prepared(&p, &b2b(in_lang("fr")));
    assert!(
        fr.rendered.text.contains("Extra line in English."),
        "{}",
        fr.rendered.text
    );
}

/// `check` on a scratch copy after `edit`: the report's text and its exit code.
fn check_after(edit: impl FnOnce(&Path)) -> (i32, String) {
    let d = scratch_copy();
    edit(d.path());
    let report = mailroom::check::check(scratch_settings(d.path()));
    (
        report.exit_code(),
        mailroom::cmd::check::render_report(&report),
    )
}

#[test]
fn a_set_with_a_template_the_defaults_lack_is_a_load_error_naming_the_folder() {
    let (code, printed) = check_after(|d| {
        write(
            &d.join("templates/sets/b2b/invoice_email/body.html"),
            "<p>{{ data.url }}</p>",
        );
    });
    assert_eq!(code, 1, "{printed}");
    assert!(
        printed.contains("templates/sets/b2b/invoice_email: template set `b2b` has a template `invoice_email` that the defaults do not have"),
        "{printed}"
    );
}

#[test]
fn a_set_layout_with_a_tera_error_is_a_load_error_naming_file_and_line() {
    let (code, printed) = check_after(|d| {
        let footer = d.join("templates/sets/b2b/layouts/footer.html");
        let text = std::fs::read_to_string(&footer).unwrap();
        write(&footer, &format!("{text}{{% if %}}oops\n"));
    });
    assert_eq!(code, 1, "{printed}");
    let lines = std::fs::read_to_string(root().join("templates/sets/b2b/layouts/footer.html"))
        .unwrap()
        .lines()
        .count();
    assert!(
        printed.contains(&format!(
            "templates/sets/b2b/layouts/footer.html:{}: template syntax error",
            lines + 1
        )),
        "{printed}"
    );
}

#[test]
fn a_set_file_that_fails_to_render_is_named_with_the_set_and_line() {
    let (code, printed) = check_after(|d| {
        let footer = d.join("templates/sets/b2b/layouts/footer.html");
        let text = std::fs::read_to_string(&footer).unwrap();
        write(
            &footer,
            &format!("{text}<p>{{{{ t(id=\"b2b-nowhere\") }}}}</p>\n"),
        );
    });
    assert_eq!(code, 1, "{printed}");
    assert!(
        printed.contains("message `b2b-nowhere` exists neither in the source locale `en` nor in its file for template set `b2b`"),
        "{printed}"
    );
    assert!(
        printed.contains("in template set `b2b` does not render in"),
        "{printed}"
    );
    assert!(
        printed.contains("sets/b2b/layouts/footer.html:"),
        "{printed}"
    );
}

#[test]
fn a_set_message_using_a_variable_its_default_does_not_is_an_error_naming_file_and_line() {
    let (code, printed) = check_after(|d| {
        let fr = d.join("locales/fr/sets/b2b.ftl");
        let text = std::fs::read_to_string(&fr).unwrap();
        write(
            &fr,
            &text.replace(
                "signature = Cordialement, l’équipe { $client }",
                "signature = Cordialement, { $name } et l’équipe { $client }",
            ),
        );
        let en = d.join("locales/en/sets/b2b.ftl");
        let text = std::fs::read_to_string(&en).unwrap();
        write(
            &en,
            &text.replace(
                "greeting-anonymous = Dear customer,",
                "greeting-anonymous = Dear { $client } customer,",
            ),
        );
    });
    assert_eq!(code, 1, "{printed}");
    assert!(
        printed.contains("locales/fr/sets/b2b.ftl:6: message `signature` uses $name, which the message it replaces in `en` does not (it has: $client)"),
        "{printed}"
    );
    assert!(
        printed.contains("locales/en/sets/b2b.ftl:8: message `greeting-anonymous` uses $client, which the message it replaces in `en` does not (it has: none)"),
        "{printed}"
    );
}

#[test]
fn a_set_name_that_could_be_a_path_is_a_load_error() {
    let (code, printed) = check_after(|d| {
        write(
            &d.join("templates/sets/B2B.old/layouts/footer.html"),
            "<p>x</p>",
        );
        write(
            &d.join("locales/en/sets/Bad Name.ftl"),
            "greeting = Yo { $name }\n",
        );
    });
    assert_eq!(code, 1, "{printed}");
    assert!(
        printed.contains("`B2B.old` is not a template set name"),
        "{printed}"
    );
    assert!(
        printed.contains("`Bad Name` is not a template set name"),
        "{printed}"
    );
}

#[test]
fn check_renders_every_sample_with_the_defaults_and_with_every_set() {
    let report = mailroom::check::check(crate::helpers::settings());
    let printed = mailroom::cmd::check::render_report(&report);
    assert_eq!(report.exit_code(), 0, "{printed}");
    let p = shared_pipeline();
    let samples: usize = p
        .renderer()
        .templates()
        .values()
        .map(|t| t.samples.len())
        .sum();
    let locales = p.catalog().locales().len();
    assert_eq!(
        report.renders,
        samples * locales * (1 + p.renderer().sets().len())
    );
    assert!(
        printed.contains("template set b2b: changes 13 of 13 template(s)"),
        "{printed}"
    );
}

#[test]
fn preview_says_which_set_was_used_and_takes_one() {
    let dir = root();
    let sample = root().join("templates/welcome_email/samples/set_b2b.json");
    let out = mailroom(
        &dir,
        &[
            "preview",
            "--event",
            sample.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["template_set"], "b2b");
    let out = mailroom(&dir, &["preview", "verify_email", "--format", "json"], None);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["template_set"], Value::Null);

    let out = mailroom(
        &dir,
        &["preview", "verify_email", "--set", "b2b", "--locale", "de"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("X-Preview: template verify_email, template set b2b, locale de (ltr)"),
        "{text}"
    );
    assert!(text.contains("Mit freundlichen Grüßen"), "{text}");

    let out = mailroom(&dir, &["preview", "verify_email", "--set", "../b2b"], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no template set `../b2b` (sets: b2b)"),
        "{err}"
    );
}

#[test]
fn a_set_template_file_replaces_the_defaults_one_and_gets_the_same_checks() {
    let d = scratch_copy();
    let default =
        std::fs::read_to_string(root().join("templates/welcome_email/subject.txt")).unwrap();
    // The set's own subject for one template; its HTML prints metadata without a default.
    write(
        &d.path()
            .join("templates/sets/b2b/welcome_email/subject.txt"),
        "Your Globex account: {{ client.name }}",
    );
    let body = std::fs::read_to_string(root().join("templates/welcome_email/body.html")).unwrap();
    write(
        &d.path().join("templates/sets/b2b/welcome_email/body.html"),
        &body.replace(
            "{% block content %}",
            "{% block content %}<p>{{ user.app_metadata.plan }}</p>",
        ),
    );
    let report = mailroom::check::check(scratch_settings(d.path()));
    let printed = mailroom::cmd::check::render_report(&report);
    // The same warning as for a default template, and the sample without that field fails
    // to render, named with the set's file and line.
    assert_eq!(report.exit_code(), 1, "{printed}");
    assert!(
        printed.contains("templates/sets/b2b/welcome_email/body.html:4: `user.app_metadata.plan` is printed without `| default(…)`"),
        "{printed}"
    );
    assert!(
        printed.contains("`welcome_email` in template set `b2b` does not render in en, ar, de, es, fr, ja, pt-BR, en-XA, ar-XB: sets/b2b/welcome_email/body.html:4: Field `plan` is not defined"),
        "{printed}"
    );
    let path = d.path().join("templates/sets/b2b/welcome_email/body.html");
    let text = std::fs::read_to_string(&path).unwrap();
    write(
        &path,
        &text.replace(
            "user.app_metadata.plan",
            "user.app_metadata.plan | default(value=\"-\")",
        ),
    );
    let p = Pipeline::load_strict(scratch_settings(d.path())).unwrap().0;
    let (event, _) = mailroom::preview::sample_event(&p, "welcome_email", Some("set_b2b")).unwrap();
    let got = p.prepare_event(&event, Overrides::default()).unwrap();
    assert_eq!(got.rendered.subject, "Your Globex account: Globex Portal");
    assert!(
        got.rendered.html.contains(">enterprise</p>"),
        "the set's body.html"
    );
    // The text part is still the default's (the set has no body.txt), with the set's footer.
    assert!(
        got.rendered.text.contains("Mit freundlichen Grüßen"),
        "{}",
        got.rendered.text
    );
    assert!(!default.is_empty());
}

#[test]
fn the_log_line_of_each_email_names_its_template_set() {
    let out = tempfile::tempdir().unwrap();
    let events = out.path().join("events.jsonl");
    let set = std::fs::read_to_string(root().join("templates/welcome_email/samples/set_b2b.json"))
        .unwrap();
    let set: Value = serde_json::from_str(&set).unwrap();
    let defaults = with(base_event(), "id", json!("evt_defaults"));
    std::fs::write(&events, format!("{set}\n{defaults}\n")).unwrap();
    let o = mailroom_with(
        &root(),
        &[
            "run",
            "--events",
            events.to_str().unwrap(),
            "--outbox",
            out.path().join("out").to_str().unwrap(),
        ],
        &[("RUST_LOG", "info")],
        None,
    );
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{log}");
    let line = |id: &str| {
        log.lines()
            .find(|l| l.contains(id) && l.contains("written"))
            .unwrap_or_else(|| panic!("no written line for {id}: {log}"))
            .to_owned()
    };
    assert!(
        line("evt_sample_welcome_b2b").contains("template_set=b2b"),
        "{log}"
    );
    assert!(line("evt_defaults").contains("template_set=-"), "{log}");
}
