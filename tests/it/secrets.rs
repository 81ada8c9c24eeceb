//! No secret-bearing value is ever echoed: settings errors name the key and the reason, and
//! no log level lets another crate print what mailroom keeps out of its logs.

use crate::helpers::{mailroom_with, root};

const SECRET: &str = "S3cretPassw0rd";

fn stderr_of(vars: &[(&str, &str)], args: &[&str]) -> (Option<i32>, String) {
    let work = tempfile::tempdir().unwrap();
    let out = mailroom_with(work.path(), args, vars, None);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_url_without_a_scheme_never_shows_its_password() {
    let cases = [
        ("MAILROOM_SMTP_URL", format!("user:{SECRET}@relay.test:25")),
        (
            "MAILROOM_SMTP_URL",
            format!("smtp//user:{SECRET}@relay.test"),
        ),
        (
            "MAILROOM_SMTP_URL",
            format!("ftp://user:{SECRET}@relay.test"),
        ),
        (
            "MAILROOM_AMQP_URL",
            format!("guest:{SECRET}@127.0.0.1:5672"),
        ),
        ("MAILROOM_AMQP_URL", format!("amqp://guest:{SECRET}@")),
        (
            "MAILROOM_DIRECTORY",
            format!("auth0:id:{SECRET}@tenant.test"),
        ),
        (
            "MAILROOM_DIRECTORY",
            format!("auth0https://id:{SECRET}@tenant.test"),
        ),
    ];
    for (key, value) in &cases {
        let (code, err) = stderr_of(&[(key, value.as_str())], &["check"]);
        assert_eq!(code, Some(2), "{key}={value}: {err}");
        assert!(err.contains(key), "{err}");
        assert!(
            !err.contains(SECRET),
            "{key}: the secret was printed: {err}"
        );
        // A URL that parsed with a host is shown redacted (`user:***@host`); any other is
        // not shown at all, since its user name could be taken for a scheme.
        if !err.contains(":***@") {
            assert!(
                !err.contains("user:"),
                "{key}: the user name was printed: {err}"
            );
        }
    }
}

#[test]
fn a_syntax_error_on_a_secrets_line_does_not_print_the_line() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("mailroom.toml");
    // The closing quote is missing.
    std::fs::write(
        &file,
        format!("queue = \"q\"\nsmtp_url = \"smtp://u:{SECRET}@relay.test\n"),
    )
    .unwrap();
    let (code, err) = stderr_of(&[], &["--config", file.to_str().unwrap(), "check"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("line 2, column"), "{err}");
    assert!(!err.contains(SECRET), "{err}");
}

#[test]
fn no_log_level_turns_on_other_crates_debug_output() {
    // `preview` parses and inlines HTML, where html5ever and selectors log every token at
    // debug and trace.
    let templates = root().join("templates");
    let locales = root().join("locales");
    for filter in [
        "trace",
        "debug",
        "html5ever=trace,selectors=trace",
        "info,html5ever=debug",
    ] {
        let (code, err) = stderr_of(
            &[
                ("RUST_LOG", filter),
                ("MAILROOM_LOG_FORMAT", "json"),
                ("MAILROOM_TEMPLATES", templates.to_str().unwrap()),
                ("MAILROOM_LOCALES", locales.to_str().unwrap()),
                ("MAILROOM_DIRECTORY", "none"),
            ],
            &["preview", "verify_email", "--format", "eml"],
        );
        assert_eq!(code, Some(0), "{err}");
        for line in err.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let target = v["target"].as_str().unwrap_or("");
            let level = v["level"].as_str().unwrap_or("");
            assert!(
                target.starts_with("mailroom") || matches!(level, "INFO" | "WARN" | "ERROR"),
                "{filter}: {line}"
            );
        }
    }
}
