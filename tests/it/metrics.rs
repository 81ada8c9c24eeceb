//! `run`'s operator endpoints, scraped from the real binary while it consumes from RabbitMQ
//! and sends to an SMTP server: `/metrics` (the series PRODUCT.md names), `/healthz`,
//! `/readyz`; and an address in use stops start-up.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::broker::{Reply, Smtp, cleanup, free_port, publish, publisher, queue_name, state_dir};
use crate::helpers::{base_event, root, with};

/// `mailroom run` in the background with `env`.
fn worker(env: &[(&str, String)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_mailroom"))
        .current_dir(root())
        .arg("run")
        .env_remove("MAILROOM_CONFIG")
        .env("RUST_LOG", "warn")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

async fn get(url: &str) -> Option<(u16, String)> {
    let r = reqwest::get(url).await.ok()?;
    let status = r.status().as_u16();
    Some((status, r.text().await.ok()?))
}

/// The value of the sample `line_start` (name and labels) in `text`, if present.
fn sample(text: &str, line_start: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(line_start)?.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_health_and_readiness_are_served_while_the_worker_runs() {
    let smtp = Smtp::start(Reply::Accept);
    let state = state_dir();
    let queue = queue_name("metrics");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = worker(&[
        ("MAILROOM_QUEUE", queue.clone()),
        ("MAILROOM_SMTP_URL", smtp.url()),
        ("MAILROOM_STATE_DIR", state.path().display().to_string()),
        ("MAILROOM_DIRECTORY", "none".to_owned()),
        ("MAILROOM_METRICS_ADDR", format!("127.0.0.1:{port}")),
    ]);
    // Ready once it consumes.
    let mut ready = false;
    for _ in 0..100 {
        if let Some((200, _)) = get(&format!("{base}/readyz")).await {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "/readyz never became ready");
    assert_eq!(get(&format!("{base}/healthz")).await.unwrap().0, 200);

    let topology = mailroom::amqp::Topology::new(
        &queue,
        &mailroom::config::WorkerSettings::default().retry_delays,
        mailroom::config::QueueType::Classic,
    );
    let broker = publisher(&topology).await;
    let fr = with(
        with(base_event(), "id", json!("evt_metrics_1")),
        "user.user_metadata.lang",
        json!("fr"),
    );
    let ja = with(
        with(
            with(base_event(), "id", json!("evt_metrics_2")),
            "type",
            json!("user.verification_code_requested"),
        ),
        "data",
        json!({ "code": "482913" }),
    );
    let ja = with(ja, "user.user_metadata.lang", json!("ja"));
    for e in [&fr, &ja] {
        publish(&broker, e.to_string().as_bytes()).await;
    }
    publish(&broker, b"{not json").await;

    let mut text = String::new();
    for _ in 0..100 {
        text = get(&format!("{base}/metrics")).await.unwrap().1;
        let sent = sample(
            &text,
            "mailroom_emails_sent_total{template=\"verify_email\",locale=\"fr\"}",
        );
        let dead = sample(&text, "mailroom_dead_letters_total{kind=\"malformed\"}");
        if sent == Some(1.0) && dead == Some(1.0) && text.contains("locale=\"ja\"") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for (series, value) in [
        (
            "mailroom_emails_sent_total{template=\"verify_email\",locale=\"fr\"}",
            1.0,
        ),
        (
            "mailroom_emails_sent_total{template=\"verify_email_by_code\",locale=\"ja\"}",
            1.0,
        ),
        ("mailroom_dead_letters_total{kind=\"malformed\"}", 1.0),
        (
            "mailroom_lang_source_total{source=\"user_metadata.lang\"}",
            2.0,
        ),
        ("mailroom_smtp_send_seconds_count", 2.0),
        ("mailroom_store_seconds_count{op=\"claim\"}", 2.0),
        ("mailroom_store_seconds_count{op=\"mark_sent\"}", 2.0),
        ("mailroom_reloads_total{result=\"ok\"}", 0.0),
        ("mailroom_reloads_total{result=\"error\"}", 0.0),
        ("mailroom_deliveries_in_flight", 0.0),
        ("mailroom_ready", 1.0),
        ("mailroom_build_info{version=\"", f64::NAN),
    ] {
        if value.is_nan() {
            assert!(text.contains(series), "{series} missing:\n{text}");
        } else {
            assert_eq!(sample(&text, series), Some(value), "{series}:\n{text}");
        }
    }
    assert!(
        text.contains("# TYPE mailroom_smtp_send_seconds histogram"),
        "{text}"
    );
    // The pooled connection stays open between sends.
    assert!(
        sample(&text, "mailroom_smtp_connections").is_some_and(|n| n >= 1.0),
        "{text}"
    );
    assert!(text.trim_end().ends_with("# EOF"), "{text}");
    // No recipient, user or event in any label.
    for private in ["ana@example.com", "auth0|abc", "evt_metrics", "Ana"] {
        assert!(!text.contains(private), "{private} in /metrics");
    }

    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
    cleanup(&topology).await;
}

#[test]
fn a_metrics_address_in_use_stops_start_up_naming_it() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let state = state_dir();
    let o = crate::helpers::mailroom_with(
        &root(),
        &["run"],
        &[
            ("MAILROOM_METRICS_ADDR", addr.as_str()),
            ("MAILROOM_QUEUE", "mailroom.test.metrics-in-use"),
            ("MAILROOM_STATE_DIR", state.path().to_str().unwrap()),
            ("MAILROOM_DIRECTORY", "none"),
            ("MAILROOM_SMTP_URL", "smtp://127.0.0.1:1"),
        ],
        None,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("MAILROOM_METRICS_ADDR: cannot listen on {addr}")),
        "{err}"
    );
}
