//! Templates and translations reloaded while the real worker consumes from RabbitMQ and sends
//! to an SMTP server: a good edit is in service for the next email; a template edited into a
//! syntax error, a deleted `.ftl` file and a renamed locale folder are refused, the worker
//! keeps sending from the last good set and the log says what is wrong (file and line); a
//! burst of 100 saves gives one reload; SIGHUP reloads. And the trace id of an event's
//! `traceparent` header is on every log line of its delivery.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use lapin::BasicProperties;
use lapin::types::{AMQPValue, FieldTable, ShortString};
use serde_json::{Value, json};

use crate::broker::{Received, Reply};
use crate::broker::{Smtp, cleanup, free_port, publish, publisher, queue_name, state_dir};
use crate::helpers::{base_event, root, scratch_copy, with};

/// `mailroom run` over `dir`'s templates and locales, its log in `dir/worker.log`.
fn worker(dir: &Path, env: &[(&str, String)]) -> Child {
    let log = std::fs::File::create(dir.join("worker.log")).unwrap();
    Command::new(env!("CARGO_BIN_EXE_mailroom"))
        .current_dir(root())
        .arg("run")
        .env_remove("MAILROOM_CONFIG")
        .env("RUST_LOG", "info")
        .env("MAILROOM_TEMPLATES", dir.join("templates"))
        .env("MAILROOM_LOCALES", dir.join("locales"))
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the binary runs")
}

fn log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("worker.log")).unwrap_or_default()
}

/// The value of `mailroom_reloads_total{result}` on the worker's `/metrics`.
async fn reloads(port: u16, result: &str) -> Option<f64> {
    let text = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    let start = format!("mailroom_reloads_total{{result=\"{result}\"}}");
    text.lines()
        .find_map(|l| l.strip_prefix(&start)?.trim().parse().ok())
}

/// Waits (bounded) until the counter of `result` reaches `n`; returns its last value.
async fn wait_reloads(port: u16, result: &str, n: f64) -> Option<f64> {
    let mut last = None;
    for _ in 0..200 {
        last = reloads(port, result).await;
        if last == Some(n) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    last
}

/// Waits (bounded) until the server holds `n` messages; returns them.
async fn wait_received(smtp: &Smtp, n: usize) -> Vec<Received> {
    for _ in 0..200 {
        if smtp.count() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    smtp.received()
}

fn event(id: &str, lang: &str) -> Value {
    with(
        with(base_event(), "id", json!(id)),
        "user.user_metadata.lang",
        json!(lang),
    )
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_reload_between_emails_and_broken_sets_are_refused_while_sending_goes_on() {
    let dir = scratch_copy();
    let d = dir.path();
    let smtp = Smtp::start(Reply::Accept);
    let state = state_dir();
    let queue = queue_name("reload");
    let port = free_port();
    let mut child = worker(
        d,
        &[
            ("MAILROOM_QUEUE", queue.clone()),
            ("MAILROOM_SMTP_URL", smtp.url()),
            ("MAILROOM_STATE_DIR", state.path().display().to_string()),
            ("MAILROOM_DIRECTORY", "none".to_owned()),
            ("MAILROOM_METRICS_ADDR", format!("127.0.0.1:{port}")),
        ],
    );
    assert_eq!(wait_reloads(port, "ok", 0.0).await, Some(0.0), "{}", log(d));
    let topology = mailroom::amqp::Topology::new(
        &queue,
        &mailroom::config::WorkerSettings::default().retry_delays,
        mailroom::config::QueueType::Classic,
    );
    let broker = publisher(&topology).await;
    let subject = |r: &Received| r.header("Subject").unwrap_or_default();
    let mut sent = 0;
    let mut send = async |event: Value| {
        let id = event["id"].as_str().unwrap().to_owned();
        publish(&broker, event.to_string().as_bytes()).await;
        sent += 1;
        let got = wait_received(&smtp, sent).await;
        assert_eq!(got.len(), sent, "{id} was not sent:\n{}", log(d));
        got.last().unwrap().clone()
    };
    let en = d.join("locales/en/verify_email.ftl");

    let first = send(event("evt_reload_1", "en")).await;
    assert_eq!(subject(&first), "Confirm your email address for Acme Notes");

    // A good edit: in service for the next email.
    edit(
        &en,
        "Confirm your email address for",
        "Please confirm your address for",
    );
    assert_eq!(wait_reloads(port, "ok", 1.0).await, Some(1.0), "{}", log(d));
    let second = send(event("evt_reload_2", "en")).await;
    assert_eq!(
        subject(&second),
        "Please confirm your address for Acme Notes"
    );

    // A burst of 100 saves (an editor, a `git pull`): one reload, with the last save.
    let original = std::fs::read_to_string(&en).unwrap();
    for i in 0..100 {
        let text = original.replace("Please confirm your address", &format!("Save {i}:"));
        std::fs::write(&en, text).unwrap();
    }
    assert_eq!(wait_reloads(port, "ok", 2.0).await, Some(2.0), "{}", log(d));
    tokio::time::sleep(mailroom::watch::QUIET * 4).await;
    assert_eq!(reloads(port, "ok").await, Some(2.0), "one reload per burst");
    let third = send(event("evt_reload_3", "en")).await;
    assert_eq!(subject(&third), "Save 99: for Acme Notes");

    // A template edited into a syntax error: refused, naming the file and line; the emails
    // still come from the last good set.
    let body = d.join("templates/verify_email/body.html");
    let good_body = std::fs::read_to_string(&body).unwrap();
    edit(
        &body,
        "<h1>{{ t(id=\"verify-email-heading\") }}</h1>",
        "<h1>{{ t(id= }}</h1>",
    );
    assert_eq!(
        wait_reloads(port, "error", 1.0).await,
        Some(1.0),
        "{}",
        log(d)
    );
    let text = log(d);
    assert!(
        text.contains("reload refused:") && text.contains("verify_email/body.html:6"),
        "{text}"
    );
    let fourth = send(event("evt_reload_4", "en")).await;
    assert_eq!(subject(&fourth), "Save 99: for Acme Notes");
    assert!(
        fourth.text().contains("Confirm your email address"),
        "{}",
        fourth.text()
    );
    std::fs::write(&body, &good_body).unwrap();
    assert_eq!(wait_reloads(port, "ok", 3.0).await, Some(3.0), "{}", log(d));

    // A deleted `.ftl` file: German would fall back to English, so it is refused.
    let de = d.join("locales/de/verify_email.ftl");
    let de_text = std::fs::read_to_string(&de).unwrap();
    std::fs::remove_file(&de).unwrap();
    assert_eq!(
        wait_reloads(port, "error", 2.0).await,
        Some(2.0),
        "{}",
        log(d)
    );
    assert!(
        log(d).contains("`de` no longer has message `verify-email-subject`"),
        "{}",
        log(d)
    );
    let german = send(event("evt_reload_5", "de")).await;
    assert!(
        german.text().contains("Content-Language: de") && german.text().contains("Vielen Dank"),
        "{}",
        german.text()
    );
    std::fs::write(&de, de_text).unwrap();
    assert_eq!(wait_reloads(port, "ok", 4.0).await, Some(4.0), "{}", log(d));

    // A locale folder renamed: refused, naming it; German still sent.
    std::fs::rename(d.join("locales/de"), d.join("locales/de-backup")).unwrap();
    assert_eq!(
        wait_reloads(port, "error", 3.0).await,
        Some(3.0),
        "{}",
        log(d)
    );
    assert!(log(d).contains("locale `de` is gone"), "{}", log(d));
    let german = send(event("evt_reload_6", "de")).await;
    assert!(german.text().contains("Vielen Dank"), "{}", german.text());
    std::fs::rename(d.join("locales/de-backup"), d.join("locales/de")).unwrap();
    assert_eq!(wait_reloads(port, "ok", 5.0).await, Some(5.0), "{}", log(d));

    // A template set reloads like everything else: an edit to its footer is picked up; a
    // broken one is refused, naming the set's file, and its emails keep the last good version.
    let b2b = |id: &str| {
        with(
            event(id, "fr"),
            "client.client_metadata.template_set",
            json!("b2b"),
        )
    };
    let footer = d.join("templates/sets/b2b/layouts/footer.txt");
    edit(
        &footer,
        "{{ t(id=\"footer-automated\") }}",
        "Edited set footer.\n{{ t(id=\"footer-automated\") }}",
    );
    assert_eq!(wait_reloads(port, "ok", 6.0).await, Some(6.0), "{}", log(d));
    let set = send(b2b("evt_reload_set_1")).await;
    assert!(set.text().contains("Edited set footer."), "{}", set.text());
    assert!(set.text().contains("Cordialement"), "{}", set.text());
    let html = d.join("templates/sets/b2b/layouts/footer.html");
    edit(
        &html,
        "<p class=\"footer-line\">",
        "{% if %}<p class=\"footer-line\">",
    );
    assert_eq!(
        wait_reloads(port, "error", 4.0).await,
        Some(4.0),
        "{}",
        log(d)
    );
    assert!(
        log(d).contains("templates/sets/b2b/layouts/footer.html:4"),
        "{}",
        log(d)
    );
    let set = send(b2b("evt_reload_set_2")).await;
    assert!(set.text().contains("Edited set footer."), "{}", set.text());
    edit(
        &html,
        "{% if %}<p class=\"footer-line\">",
        "<p class=\"footer-line\">",
    );
    assert_eq!(wait_reloads(port, "ok", 7.0).await, Some(7.0), "{}", log(d));

    // SIGHUP reloads too (with nothing changed: the same set again).
    let _ = Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status();
    assert_eq!(wait_reloads(port, "ok", 8.0).await, Some(8.0), "{}", log(d));
    let last = send(event("evt_reload_7", "en")).await;
    assert_eq!(subject(&last), "Save 99: for Acme Notes");
    assert!(
        child.try_wait().unwrap().is_none(),
        "SIGHUP must not stop it"
    );

    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
    cleanup(&topology).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trace_id_of_an_events_traceparent_is_on_every_log_line_of_its_delivery() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::os::unix::fs::symlink(root().join("templates"), d.join("templates")).unwrap();
    std::os::unix::fs::symlink(root().join("locales"), d.join("locales")).unwrap();
    let smtp = Smtp::start(Reply::Accept);
    let state = state_dir();
    let queue = queue_name("trace");
    let mut child = worker(
        d,
        &[
            ("MAILROOM_QUEUE", queue.clone()),
            ("MAILROOM_SMTP_URL", smtp.url()),
            ("MAILROOM_STATE_DIR", state.path().display().to_string()),
            ("MAILROOM_DIRECTORY", "none".to_owned()),
            ("MAILROOM_METRICS_ADDR", "none".to_owned()),
            ("MAILROOM_LOG_FORMAT", "json".to_owned()),
            ("RUST_LOG", "debug".to_owned()),
        ],
    );
    let topology = mailroom::amqp::Topology::new(
        &queue,
        &mailroom::config::WorkerSettings::default().retry_delays,
        mailroom::config::QueueType::Classic,
    );
    let broker = publisher(&topology).await;
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let publish_with = async |body: Value, traceparent: &str| {
        let mut headers = FieldTable::default();
        headers.insert(
            ShortString::from("traceparent"),
            AMQPValue::LongString(traceparent.into()),
        );
        let props = BasicProperties::default()
            .with_content_type("application/json".into())
            .with_headers(headers);
        broker
            .publish(&topology.queue, body.to_string().as_bytes(), props)
            .await
            .unwrap();
    };
    // A sent email with a note (an unusable color), and a dead letter.
    let noted = with(
        with(base_event(), "id", json!("evt_trace_sent")),
        "client.client_metadata.brand_color",
        json!("red; background:url(x)"),
    );
    publish_with(noted, &format!("00-{trace}-00f067aa0ba902b7-01")).await;
    let unroutable = with(
        with(base_event(), "id", json!("evt_trace_dead")),
        "type",
        json!("user.no_such_event"),
    );
    publish_with(unroutable, &format!("00-{trace}-00f067aa0ba902b8-01")).await;
    // A malformed traceparent is ignored, never logged as a trace id.
    publish_with(
        with(base_event(), "id", json!("evt_trace_bad")),
        "00-NOT-A-TRACE-ID-zz",
    )
    .await;
    publish(&broker, b"{}").await;
    let _ = wait_received(&smtp, 2).await;
    let mut lines = Vec::new();
    for _ in 0..100 {
        let text = log(d);
        lines = text
            .lines()
            .filter(|l| l.contains("evt_trace_"))
            .map(str::to_owned)
            .collect();
        if lines
            .iter()
            .filter(|l| l.contains("evt_trace_dead"))
            .count()
            >= 1
            && lines.iter().filter(|l| l.contains("evt_trace_bad")).count() >= 1
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (with_trace, without): (Vec<_>, Vec<_>) =
        lines.iter().partition(|l| !l.contains("evt_trace_bad"));
    // The sent event logs its note and its delivery; the dead letter its delivery.
    assert!(with_trace.len() >= 3, "{lines:#?}");
    for line in &with_trace {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(v["span"]["trace_id"], trace, "{line}");
    }
    assert!(!without.is_empty(), "{lines:#?}");
    for line in &without {
        assert!(!line.contains("trace_id"), "{line}");
    }

    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
    cleanup(&topology).await;
}
