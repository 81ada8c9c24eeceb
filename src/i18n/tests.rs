//! Loading catalogs and looking messages up: fallback, escaping, and the load-time reports.

use fluent_bundle::FluentValue;

use super::*;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn en() -> LanguageIdentifier {
    "en".parse().unwrap()
}

#[test]
fn a_message_missing_in_a_locale_comes_from_the_source() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "en/a.ftl", "hello = Hello\nbye = Bye\n");
    write(d.path(), "fr/a.ftl", "hello = Bonjour\n");
    let (cat, diags) = Catalog::load(d.path(), &en());
    assert!(diags.is_empty(), "{diags:?}");
    let cat = cat.unwrap();
    let fr = cat.index_of("fr").unwrap();
    let got = cat.format(fr, "bye", None, Markup::Text).unwrap();
    assert_eq!(
        got,
        Formatted {
            text: "Bye".into(),
            fell_back: true
        }
    );
    assert_eq!(
        cat.format(fr, "nope", None, Markup::Text).unwrap_err(),
        I18nError::Missing {
            id: "nope".into(),
            source_locale: "en".into()
        }
    );
}

#[test]
fn html_bundle_escapes_translator_text_but_text_bundle_does_not() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "en/a.ftl",
        "terms = Terms & <Conditions> for { $x }\n",
    );
    let cat = Catalog::load(d.path(), &en()).0.unwrap();
    let mut args = FluentArgs::new();
    args.set("x", FluentValue::from("<b>"));
    let html = cat.format(0, "terms", Some(&args), Markup::Html).unwrap();
    assert_eq!(
        html.text,
        "Terms &amp; &lt;Conditions&gt; for <bdi>&lt;b&gt;</bdi>"
    );
    let text = cat.format(0, "terms", Some(&args), Markup::Text).unwrap();
    assert_eq!(text.text, "Terms & <Conditions> for <b>");
}

#[test]
fn string_selectors_match_in_html_too() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "en/a.ftl",
        "hi = { $gender ->\n    [female] Welcome, { $name }\n   *[other] Hello { $name }\n}\n",
    );
    let cat = Catalog::load(d.path(), &en()).0.unwrap();
    let mut args = FluentArgs::new();
    args.set("gender", FluentValue::from("female"));
    args.set("name", FluentValue::from("Ana & Bo"));
    let html = cat.format(0, "hi", Some(&args), Markup::Html).unwrap();
    assert_eq!(html.text, "Welcome, <bdi>Ana &amp; Bo</bdi>");
    let text = cat.format(0, "hi", Some(&args), Markup::Text).unwrap();
    assert_eq!(text.text, "Welcome, Ana & Bo");
}

#[test]
fn missing_variable_is_an_error_not_raw_text() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "en/a.ftl", "hi = Hi { $name }\n");
    let cat = Catalog::load(d.path(), &en()).0.unwrap();
    let err = cat.format(0, "hi", None, Markup::Text).unwrap_err();
    assert!(matches!(err, I18nError::Format { .. }), "{err}");
}

#[test]
fn syntax_errors_duplicates_and_stray_variables_are_reported_with_lines() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "en/a.ftl", "hi = Hi { $name }\nok = fine\n");
    write(d.path(), "en/b.ftl", "\n\nhi = again\n");
    write(
        d.path(),
        "fr/a.ftl",
        "ok = bien\nhi = Salut { $nom }\nbroken = {\n",
    );
    write(d.path(), "pt_br/a.ftl", "ok = ok\n");
    let (cat, diags) = Catalog::load(d.path(), &en());
    assert!(cat.is_some());
    let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
    let has = |needle: &str| shown.iter().any(|s| s.contains(needle));
    assert!(
        has("b.ftl:3: message `hi` is already defined in"),
        "{shown:#?}"
    );
    assert!(has("fr/a.ftl:3: Fluent syntax error"), "{shown:#?}");
    assert!(has("fr/a.ftl:2: message `hi` uses $nom"), "{shown:#?}");
    assert!(has("rename it to `pt-BR`"), "{shown:#?}");
}

#[test]
fn missing_source_locale_is_fatal() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "fr/a.ftl", "ok = bien\n");
    let (cat, diags) = Catalog::load(d.path(), &en());
    assert!(cat.is_none());
    assert!(diags[0].message.contains("source locale `en` is missing"));
}

#[test]
fn numbers_in_messages_carry_the_locales_digit_grouping() {
    let d = tempfile::tempdir().unwrap();
    let locales = ["en", "fr", "de", "es", "pt-BR", "ja", "ar"];
    for tag in locales {
        write(d.path(), &format!("{tag}/a.ftl"), "n = { $n } days\n");
    }
    let (cat, diags) = Catalog::load(d.path(), &en());
    assert!(diags.is_empty(), "{diags:?}");
    let cat = cat.unwrap();
    let show = |tag: &str, n: f64, markup: Markup| {
        let mut args = FluentArgs::new();
        args.set("n", FluentValue::from(n));
        let index = cat.index_of(tag).unwrap();
        cat.format(index, "n", Some(&args), markup).unwrap().text
    };
    // CLDR: French groups with a narrow no-break space, German and Brazilian Portuguese with a
    // dot; Spanish groups only from five digits; Arabic keeps Latin digits here.
    let cases = [
        ("en", 1439.0, "1,439 days"),
        ("fr", 1439.0, "1\u{202f}439 days"),
        ("de", 1439.0, "1.439 days"),
        ("pt-BR", 1439.0, "1.439 days"),
        ("es", 1439.0, "1439 days"),
        ("es", 14390.0, "14.390 days"),
        ("ja", 1439.0, "1,439 days"),
        ("ar", 1439.0, "1,439 days"),
        ("de", 7.0, "7 days"),
        ("fr", 1_000_000.0, "1\u{202f}000\u{202f}000 days"),
    ];
    for (tag, n, want) in cases {
        assert_eq!(show(tag, n, Markup::Text), want, "{tag} {n}");
        assert_eq!(show(tag, n, Markup::Html), want, "{tag} {n} in HTML");
    }
    // A fraction keeps Fluent's own writing.
    assert_eq!(show("de", 1.5, Markup::Text), "1.5 days");
}

#[test]
fn pseudo_locales_are_made_from_the_source_and_escaped_after_the_transform() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "en/a.ftl",
        "amp = Tom & Jerry <b>\nhi = Hello { $name }\n",
    );
    write(d.path(), "fr/a.ftl", "amp = Tom et Jerry\n");
    let (cat, diags) = Catalog::load(d.path(), &en());
    assert!(diags.is_empty(), "{diags:?}");
    let cat = cat.unwrap();
    let tags: Vec<&str> = cat.locales().iter().map(|l| l.tag.as_str()).collect();
    assert_eq!(
        tags,
        ["en", "fr", "en-XA", "ar-XB"],
        "after the shipped locales"
    );
    let xa = cat.index_of("en-XA").unwrap();
    let xb = cat.index_of("ar-XB").unwrap();
    assert!(cat.locale(xa).pseudo && cat.locale(xb).pseudo && !cat.locale(0).pseudo);
    assert_eq!(cat.locale(xb).dir, Direction::Rtl);
    let text = cat.format(xa, "amp", None, Markup::Text).unwrap().text;
    assert_eq!(text, "Ŧooḿ & Ĵeeřřẏ <ƀ>~~~~");
    let html = cat.format(xa, "amp", None, Markup::Html).unwrap().text;
    assert_eq!(html, "Ŧooḿ &amp; Ĵeeřřẏ &lt;ƀ&gt;~~~~");
    let html = cat.format(xb, "amp", None, Markup::Html).unwrap().text;
    assert!(
        html.starts_with('\u{202e}') && html.contains("&amp;") && !html.contains('<'),
        "{html}"
    );
    // Arguments are not transformed: a name stays legible.
    let mut args = FluentArgs::new();
    args.set("name", FluentValue::from("Ana"));
    let hi = cat
        .format(xa, "hi", Some(&args), Markup::Text)
        .unwrap()
        .text;
    assert_eq!(hi, "Ħeeŀŀoo~ Ana");
}

#[test]
fn a_locale_folder_named_like_a_pseudo_locale_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "en/a.ftl", "hello = Hello\n");
    write(d.path(), "en-XA/a.ftl", "hello = Ħeeŀŀoo\n");
    let (cat, diags) = Catalog::load(d.path(), &en());
    assert!(cat.is_some());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].message.contains("`en-XA` is a pseudo-locale"),
        "{diags:?}"
    );
}

#[test]
fn a_plural_selector_without_every_category_of_its_locale_is_a_warning_naming_them() {
    let d = tempfile::tempdir().unwrap();
    let plural = "days = { $count ->\n    [one] { $count } day\n   *[other] { $count } days\n}\n";
    let gender = "who = { $gender ->\n    [female] she\n   *[other] they\n}\n";
    write(d.path(), "en/a.ftl", &format!("{plural}{gender}"));
    write(d.path(), "fr/a.ftl", plural);
    write(
        d.path(),
        "ar/a.ftl",
        &format!("# Arabic.\n{gender}{plural}"),
    );
    let (cat, diags) = Catalog::load(d.path(), &en());
    assert!(cat.is_some());
    // English and French need only `one` and `other`; a select on anything but a plural
    // category is not a plural.
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d0 = &diags[0];
    assert!(!d0.is_error());
    assert!(d0.file.as_ref().unwrap().ends_with("ar/a.ftl"));
    assert_eq!(d0.line, Some(6));
    assert_eq!(
        d0.message,
        "message `days` selects a plural form on $count without `zero`, `two`, `few`, `many` (`ar` has `zero`, `one`, `two`, `few`, `many`, `other`); numbers of those categories get the default variant"
    );
}

/// CLDR's cardinal rules for the shipped languages, written out from CLDR's plurals.xml (v46)
/// for whole numbers (v = 0), as the oracle the selectors Fluent uses are held to.
fn cldr_integer_category(tag: &str, n: u64) -> &'static str {
    match tag {
        // one: i = 1 and v = 0.
        "en" | "de" => {
            if n == 1 {
                "one"
            } else {
                "other"
            }
        }
        // one: i = 0,1; many: e = 0 and i != 0 and i % 1000000 = 0 and v = 0 (or e != 0..5).
        "fr" | "pt-BR" => match n {
            0 | 1 => "one",
            n if n != 0 && n % 1_000_000 == 0 => "many",
            _ => "other",
        },
        // one: n = 1; many: e = 0 and i != 0 and i % 1000000 = 0 and v = 0.
        "es" => match n {
            1 => "one",
            n if n != 0 && n % 1_000_000 == 0 => "many",
            _ => "other",
        },
        "ja" => "other",
        // zero: n = 0; one: n = 1; two: n = 2; few: n % 100 = 3..10; many: n % 100 = 11..99.
        "ar" => match (n, n % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        other => panic!("no oracle for {other}"),
    }
}

#[test]
fn fluent_selects_the_cldr_plural_category_of_every_number_from_0_to_1000() {
    let d = tempfile::tempdir().unwrap();
    let locales = ["en", "fr", "de", "es", "pt-BR", "ja", "ar"];
    let message = "n = { $n ->\n    [zero] zero\n    [one] one\n    [two] two\n    [few] few\n    [many] many\n   *[other] other\n}\n";
    for tag in locales {
        write(d.path(), &format!("{tag}/a.ftl"), message);
    }
    let (cat, _) = Catalog::load(d.path(), &en());
    let cat = cat.unwrap();
    let mut wrong = Vec::new();
    for tag in locales {
        let index = cat.index_of(tag).unwrap();
        for n in (0..=1_000u64).chain([1_000_000, 2_000_000]) {
            let mut args = FluentArgs::new();
            args.set("n", FluentValue::from(n));
            let got = cat
                .format(index, "n", Some(&args), Markup::Text)
                .unwrap()
                .text;
            let want = cldr_integer_category(tag, n);
            if got != want {
                wrong.push(format!("{tag} {n}: {got}, CLDR {want}"));
            }
        }
    }
    // CLDR 37's rules (what fluent-bundle selected with before the patch) put Arabic 103 in
    // `other`: `103 يوم` instead of `103 أيام`.
    assert!(
        wrong.is_empty(),
        "{} wrong: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(20)]
    );
}

#[test]
fn every_message_may_use_the_shared_variables_and_no_other_stray_one() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "en/a.ftl", "greeting = Hi { $name },\n");
    write(
        d.path(),
        "ja/a.ftl",
        "greeting = { $full_name } 様（{ $client }）{ $nickname }\n",
    );
    let (_, diags) = Catalog::load(d.path(), &en());
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    // $full_name and $client are every message's; $nickname is not.
    assert_eq!(
        messages,
        [
            "message `greeting` uses $nickname, which the source message in `en` does not (it has: $name)"
        ]
    );
}
