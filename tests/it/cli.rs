//! The binary as a user runs it: `run --events --outbox`, `preview`, `check`.

use std::path::Path;

use serde_json::Value;

use crate::helpers::{mailroom, mailroom_with, root, scratch_copy};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn run_writes_one_eml_per_example_event() {
    let out = tempfile::tempdir().unwrap();
    let o = mailroom(
        &root(),
        &[
            "run",
            "--events",
            "examples/events.jsonl",
            "--outbox",
            out.path().to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = std::fs::read_to_string(root().join("examples/events.jsonl")).unwrap();
    let emls: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(emls.len(), lines.lines().count());
    assert!(!out.path().join("rejected.jsonl").exists());
    // Every template and every locale is covered by the examples.
    let all: String = emls
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for lang in ["en", "fr", "de", "es", "pt-BR", "ja", "ar"] {
        assert!(
            all.contains(&format!("Content-Language: {lang}\r\n")),
            "{lang}"
        );
    }
    assert!(
        stderr(&o).contains(&format!("{} written", emls.len())),
        "{}",
        stderr(&o)
    );
}

#[test]
fn run_reports_bad_lines_keeps_them_and_goes_on() {
    let out = tempfile::tempdir().unwrap();
    let mut input = std::fs::read(root().join("examples/bad-events.jsonl")).unwrap();
    input.extend_from_slice(b"\xff\xfe not utf-8\n\n");
    input.extend_from_slice(b"{\"id\":\"evt_last\",\"type\":\"user.signed_up\",\"user\":{\"email\":\"z@example.com\"}}\r\n");
    let o = mailroom(
        &root(),
        &[
            "run",
            "--events",
            "-",
            "--outbox",
            out.path().to_str().unwrap(),
        ],
        Some(&input),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rejected = std::fs::read_to_string(out.path().join("rejected.jsonl")).unwrap();
    let records: Vec<Value> = rejected
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let lines: Vec<u64> = records
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![1, 2, 3, 4, 5, 6, 8]);
    assert_eq!(records[1]["raw"], "this line is not JSON");
    assert_eq!(records[2]["kind"], "unroutable");
    assert_eq!(
        records[0]["error"],
        "user.email: `ana(at)example` is not an email address"
    );
    assert_eq!(records[0]["event_id"], "evt_bad_01");
    // The non-UTF-8 line is kept byte for byte.
    assert_eq!(records[6]["raw_base64"], "//4gbm90IHV0Zi04");
    // The good lines around the bad ones were written.
    assert!(out.path().join("evt_ok_07.eml").exists());
    assert!(out.path().join("evt_last.eml").exists());
    let err = stderr(&o);
    assert!(err.contains("line=2"), "{err}");
    assert!(err.contains("7 rejected"), "{err}");
}

#[test]
fn preview_eml_equals_what_run_writes() {
    let out = tempfile::tempdir().unwrap();
    let events = std::fs::read_to_string(root().join("examples/events.jsonl")).unwrap();
    let o = mailroom(
        &root(),
        &[
            "run",
            "--events",
            "examples/events.jsonl",
            "--outbox",
            out.path().to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success());
    for line in events.lines().take(5) {
        let id = serde_json::from_str::<Value>(line).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let p = mailroom(
            &root(),
            &["preview", "--event", "-", "--format", "eml"],
            Some(line.as_bytes()),
        );
        assert!(p.status.success(), "{}", stderr(&p));
        let written = std::fs::read(out.path().join(format!("{id}.eml"))).unwrap();
        assert_eq!(p.stdout, written, "{id}");
    }
}

#[test]
fn preview_of_a_template_sample_in_each_format() {
    let o = mailroom(
        &root(),
        &[
            "preview",
            "verify_email",
            "--locale",
            "ar",
            "--format",
            "json",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["locale"], "ar");
    assert_eq!(v["dir"], "rtl");
    assert_eq!(v["lang_source"], "explicit");
    assert!(v["subject"].as_str().unwrap().contains("Acme Notes"));
    assert!(v["html"].as_str().unwrap().contains("dir=\"rtl\""));
    assert!(
        v["headers"]["message_id"]
            .as_str()
            .unwrap()
            .starts_with('<')
    );

    let o = mailroom(
        &root(),
        &["preview", "welcome_email", "--locale", "fr-CA"],
        None,
    );
    let text = stdout(&o);
    assert!(text.contains("Content-Language: fr\n"), "{text}");
    assert!(text.contains("Subject: Bienvenue"), "{text}");

    let o = mailroom(
        &root(),
        &["preview", "welcome_email", "--locale", "zz"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .contains("no shipped locale serves `zz` (shipped: en, ar, de, es, fr, ja, pt-BR; pseudo-locales: en-XA, ar-XB)"),
        "{}",
        stderr(&o)
    );

    let o = mailroom(
        &root(),
        &["preview", "welcome_emial", "--locale", "en"],
        None,
    );
    assert!(stderr(&o).contains("unknown template `welcome_emial` (known: blocked_account, change_email, enrollment_email, mfa_oob_code, passwordless_email, provider_test, reset_email, reset_email_by_code, stolen_credentials, user_invitation, verify_email, verify_email_by_code, welcome_email)"), "{}", stderr(&o));
}

#[test]
fn preview_of_a_rejected_event_says_why() {
    let o = mailroom(
        &root(),
        &["preview", "--event", "-"],
        Some(br#"{"id":"e","type":"user.signed_up","user":{"email":"nope"}}"#),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("malformed: user.email: `nope` is not an email address"),
        "{}",
        stderr(&o)
    );
}

fn check(dir: &Path) -> std::process::Output {
    mailroom(dir, &["check"], None)
}

#[test]
fn check_passes_on_the_shipped_templates() {
    let o = check(&root());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("check ok: 0 error(s), 0 warning(s), 540 render(s), 0 failed"),
        "{out}"
    );
    assert!(out.contains("ar        113/113     100.0%"), "{out}");
    assert!(out.contains("en-XA     113/113     100.0%"), "{out}");
}

#[test]
fn check_reports_every_problem_with_file_and_line() {
    let d = scratch_copy();
    let t = d.path().join("templates");
    let l = d.path().join("locales");
    // A Tera syntax error on line 3 of a template.
    std::fs::write(
        t.join("welcome_email/body.txt"),
        "{% extends \"layouts/base.txt\" %}\n{% block content %}\n{{ t(id=\"welcome-intro\" }}\n{% endblock content %}\n",
    )
    .unwrap();
    // A Fluent syntax error on line 2.
    std::fs::write(
        l.join("de/welcome_email.ftl"),
        std::fs::read_to_string(l.join("de/welcome_email.ftl"))
            .unwrap()
            .replacen("\n", "\nbroken = {\n", 1),
    )
    .unwrap();
    let o = mailroom(d.path(), &["check"], None);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("welcome_email/body.txt:3: template syntax error"),
        "{out}"
    );
    assert!(
        out.contains("de/welcome_email.ftl:2: Fluent syntax error"),
        "{out}"
    );
}

#[test]
fn check_flags_missing_and_unused_messages() {
    let d = scratch_copy();
    let t = d.path().join("templates");
    let l = d.path().join("locales");
    // A template uses an id that en lacks (error), fr lacks a message (warning), and a message
    // nobody uses (warning).
    let body = t.join("verify_email/body.html");
    let src = std::fs::read_to_string(&body).unwrap();
    std::fs::write(
        &body,
        src.replace("verify-email-heading", "verify-email-headline"),
    )
    .unwrap();
    let fr = l.join("fr/welcome_email.ftl");
    let kept: String = std::fs::read_to_string(&fr)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with("welcome-next"))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(&fr, kept).unwrap();
    let en = l.join("en/common.ftl");
    let mut common = std::fs::read_to_string(&en).unwrap();
    let orphan_line = common.lines().count() + 1;
    common.push_str("orphan-message = Nobody uses me\n");
    std::fs::write(&en, common).unwrap();
    let o = mailroom(d.path(), &["check"], None);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("error: templates/verify_email/body.html:6: message `verify-email-headline` does not exist in the source locale `en`"), "{out}");
    assert!(out.contains("`verify_email` does not render in en, ar, de, es, fr, ja, pt-BR, en-XA, ar-XB: verify_email/body.html:6: message `verify-email-headline` does not exist"), "{out}");
    assert!(out.contains("warning: locales/fr/welcome_email.ftl: `fr` lacks message `welcome-next` (falls back to `en`)"), "{out}");
    assert!(
        out.contains(&format!(
            "locales/en/common.ftl:{orphan_line}: message `orphan-message` is not used by any template"
        )),
        "{out}"
    );
    assert!(out.contains("fr        112/113"), "{out}");
}

#[test]
fn check_speaks_json_and_github_annotations_for_ci() {
    let d = scratch_copy();
    let body = d.path().join("templates/verify_email/body.html");
    let src = std::fs::read_to_string(&body).unwrap();
    std::fs::write(
        &body,
        src.replace("verify-email-heading", "verify-email-headline"),
    )
    .unwrap();

    let o = mailroom(d.path(), &["check", "--format", "json"], None);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "failed");
    assert_eq!(v["exit_code"], 1);
    assert_eq!(v["renders"], 540);
    assert_eq!(
        v["template_sets"]["b2b"]["changes"]
            .as_array()
            .unwrap()
            .len(),
        13
    );
    assert!(v["errors"].as_u64().unwrap() >= 1);
    let first = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("verify-email-headline")
        })
        .unwrap();
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "templates/verify_email/body.html");
    assert_eq!(first["line"], 6);
    assert_eq!(v["coverage"]["fr"]["total"], 113);
    assert_eq!(v["css"]["welcome_email"]["inlined"], "at load");

    let o = mailroom(d.path(), &["check", "--format", "github"], None);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.lines().any(|l| l.starts_with(
            "::error file=templates/verify_email/body.html,line=6::message `verify-email-headline`"
        )),
        "{out}"
    );
    // Every line is a workflow command, but the verdict.
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("check failed:"), "{out}");
    assert!(
        out.lines().all(|l| l.starts_with("::") || l == last),
        "{out}"
    );

    let o = mailroom(&root(), &["check", "--format", "json"], None);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "ok");
    assert_eq!(v["diagnostics"], serde_json::json!([]));
}

#[test]
fn check_cannot_run_without_its_folders() {
    let d = tempfile::tempdir().unwrap();
    let o = mailroom(d.path(), &["check"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("the templates folder does not exist"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("check could not run"), "{}", stdout(&o));
}

#[test]
fn a_bad_configuration_value_stops_with_its_name() {
    let o = mailroom_with(
        &root(),
        &["check"],
        &[("MAILROOM_DEFAULT_LOCALE", "../x")],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("MAILROOM_DEFAULT_LOCALE: `../x` is not a language tag"),
        "{}",
        stderr(&o)
    );
}

/// Values RabbitMQ, lapin, an SMTP server or the logger would trip over stop start-up as
/// well (exit 2, the key named), before anything is loaded or connected.
#[test]
fn misconfigurations_stop_start_up_with_the_key_named() {
    let d = tempfile::tempdir().unwrap();
    let config = d.path().join("mailroom.toml");
    std::fs::write(&config, "[brand]\ncolor = \"red;background:url(x)\"\n").unwrap();
    let config = config.to_str().unwrap();
    let cases = [
        (
            "MAILROOM_LOG_FORMAT",
            "xml",
            "MAILROOM_LOG_FORMAT: `xml` is not a log format (use text or json)",
        ),
        (
            "RUST_LOG",
            "mailroom=loud",
            "RUST_LOG: `mailroom=loud` is not a log filter",
        ),
        (
            "MAILROOM_RETRY_DELAYS",
            "1m,10s",
            "MAILROOM_RETRY_DELAYS: `10s` is shorter than `1m` before it; each delay must be longer than the one before",
        ),
        (
            "MAILROOM_QUEUE",
            "amq.events",
            "MAILROOM_QUEUE: `amq.events` starts with `amq.`",
        ),
        (
            "MAILROOM_HELLO_NAME",
            "mx.test\r\nRSET",
            "MAILROOM_HELLO_NAME: `mx.test\\r\\nRSET` contains whitespace or control characters",
        ),
        (
            "MAILROOM_AMQP_URL",
            "amqp://guest:guest@127.0.0.1:5672/%2f?frame_max=abc",
            "MAILROOM_AMQP_URL: `frame_max=abc` is not 0 or a number from 4096 to 4294967295",
        ),
        (
            "MAILROOM_CONFIG",
            config,
            "brand.color: `red;background:url(x)` is not a #rgb or #rrggbb colour",
        ),
        (
            "MAILROOM_SMTP_CA_FILE",
            "README.md",
            "README.md` holds no certificate (expected `-----BEGIN CERTIFICATE-----`)",
        ),
    ];
    for (var, value, want) in cases {
        let o = mailroom_with(&root(), &["check"], &[(var, value)], None);
        assert_eq!(o.status.code(), Some(2), "{var}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{var}: {}", stderr(&o));
    }
}

#[test]
fn run_help_documents_every_configuration_variable() {
    let o = mailroom(&root(), &["run", "--help"], None);
    assert!(o.status.success());
    let help = stdout(&o);
    for key in mailroom::config::KEYS.iter().filter_map(|k| k.env) {
        assert!(help.contains(key), "{key} is missing from `run --help`");
    }
}

#[test]
fn run_resolves_thin_events_from_the_directory_folder() {
    let out = tempfile::tempdir().unwrap();
    let o = mailroom(
        &root(),
        &[
            "run",
            "--events",
            "examples/thin-events.jsonl",
            "--outbox",
            out.path().to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let eml = |id: &str| std::fs::read_to_string(out.path().join(format!("{id}.eml"))).unwrap();
    // user_id and client_id both loaded from directory/users.json and directory/clients.json.
    assert!(eml("evt_thin_01").contains("Content-Language: fr\r\n"));
    assert!(eml("evt_thin_01").contains("From: \"Acme Notes\""));
    assert!(eml("evt_thin_02").contains("Content-Language: ja\r\n"));
    // An unknown client: default branding, and a warning naming it.
    assert!(eml("evt_thin_04").contains("From: Mailroom <"));
    assert!(
        stderr(&o).contains("client_id `unknown-client-id`: no such client"),
        "{}",
        stderr(&o)
    );
    // An unknown user: unroutable, kept in rejected.jsonl.
    let rejected = std::fs::read_to_string(out.path().join("rejected.jsonl")).unwrap();
    assert!(
        rejected.contains("evt_thin_05") && rejected.contains("unroutable"),
        "{rejected}"
    );
    assert!(stderr(&o).contains("4 written"), "{}", stderr(&o));

    // With the directory turned off, the same thin users are unroutable.
    let out2 = tempfile::tempdir().unwrap();
    let o = mailroom_with(
        &root(),
        &[
            "run",
            "--events",
            "examples/thin-events.jsonl",
            "--outbox",
            out2.path().to_str().unwrap(),
        ],
        &[("MAILROOM_DIRECTORY", "none")],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 written"), "{}", stderr(&o));
}

#[test]
fn preview_resolves_a_thin_event() {
    let line = std::fs::read_to_string(root().join("examples/thin-events.jsonl")).unwrap();
    let first = line.lines().next().unwrap();
    let p = mailroom(
        &root(),
        &["preview", "--event", "-", "--format", "json"],
        Some(first.as_bytes()),
    );
    assert!(p.status.success(), "{}", stderr(&p));
    let v: Value = serde_json::from_str(&stdout(&p)).unwrap();
    assert_eq!(v["locale"], "fr", "{v}");
}
