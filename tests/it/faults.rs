//! Faults a producer or a bug can cause: each costs only its own event, in every mode.
//!
//! Dates no email can carry are refused as `malformed`. Panics are provoked through the
//! `failpoints` feature (`scripts/test.sh` builds with it): an event whose id starts with
//! `failpoint-panic-<stage>` panics at that stage of the real code path.

use std::collections::HashMap;
use std::time::Duration;

use mailroom::amqp::{ERROR_HEADER, ERROR_KIND_HEADER, header_text};
use serde_json::{Value, json};

use crate::broker::{Reply, Rig, Smtp, collect, depth, wait_until};
use crate::helpers::{base_event, mailroom, mailroom_with, root, scratch_copy, with};

/// What Go's and .NET's zero times, and other careless producers, put in `occurred_at`.
const POISON_DATES: [&str; 4] = [
    "0001-01-01T00:00:00Z",
    "1969-12-31T23:59:59Z",
    "1970-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-23:59",
];

fn dated(id: &str, at: &str) -> Value {
    with(
        with(base_event(), "id", json!(id)),
        "occurred_at",
        json!(at),
    )
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn records(dir: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("rejected.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A copy of the templates and locales whose `welcome_email` default sample has `key` = `value`.
fn scratch_with_sample(key: &str, value: &str) -> tempfile::TempDir {
    let d = scratch_copy();
    let sample = d
        .path()
        .join("templates/welcome_email/samples/default.json");
    let mut event: Value = serde_json::from_slice(&std::fs::read(&sample).unwrap()).unwrap();
    event[key] = json!(value);
    std::fs::write(&sample, event.to_string()).unwrap();
    d
}

fn run_embedded(input: &[u8]) -> (std::process::Output, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let o = mailroom(
        &root(),
        &[
            "run",
            "--events",
            "-",
            "--outbox",
            out.path().to_str().unwrap(),
        ],
        Some(input),
    );
    (o, out)
}

/// Broker messages far over the event limit (a producer bug, or someone's upload) are
/// dead-lettered `malformed` with their whole body and the size named, and the event behind
/// them is sent. What they cost in memory is measured by `scripts/bench-big-messages.sh`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_over_the_limit_are_dead_lettered_whole_and_the_event_behind_is_sent() {
    let smtp = Smtp::start(Reply::Accept);
    let rig = Rig::start("oversized", &smtp.url(), |s| s.concurrency = 4).await;
    let bodies: Vec<Vec<u8>> = (0..6u8)
        .map(|i| {
            let mut b = vec![b'"'];
            b.resize(2 * 1024 * 1024 + usize::from(i), b'a' + i);
            b.push(b'"');
            b
        })
        .collect();
    for b in &bodies {
        crate::broker::publish(&rig.broker, b).await;
    }
    rig.send(&dated("evt_after_oversized", "2026-11-28T10:00:00Z"))
        .await;
    assert!(
        wait_until(Duration::from_secs(30), || smtp.count() == 1).await,
        "the good event behind the oversized messages was never sent"
    );
    let dead = collect(&rig.topology.dlq, bodies.len(), Duration::from_secs(20)).await;
    assert_eq!(dead.len(), bodies.len());
    for (body, props) in &dead {
        assert!(bodies.contains(body), "a dead letter's body was changed");
        assert_eq!(
            header_text(props, ERROR_KIND_HEADER).as_deref(),
            Some("malformed")
        );
        assert_eq!(
            header_text(props, ERROR_HEADER).unwrap(),
            format!("event is {} bytes, over the 65536-byte limit", body.len())
        );
    }
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_poison_dates_ahead_of_a_good_event_are_dead_lettered_and_it_is_sent() {
    let smtp = Smtp::start(Reply::Accept);
    // Fewer prefetch slots than poison messages: each one must be settled to make room.
    let rig = Rig::start("poison", &smtp.url(), |s| s.concurrency = 4).await;
    let mut expected = HashMap::new();
    for i in 0..40 {
        let at = POISON_DATES[i % POISON_DATES.len()];
        let e = dated(&format!("evt_poison_{i}"), at);
        expected.insert(e.to_string().into_bytes(), at);
        rig.send(&e).await;
    }
    rig.send(&dated("evt_after_poison", "2026-11-28T10:00:00Z"))
        .await;
    assert!(
        wait_until(Duration::from_secs(30), || smtp.count() == 1).await,
        "the good event behind the poison was never sent"
    );
    assert_eq!(
        smtp.received()[0].header("Message-ID").as_deref(),
        Some("<evt_after_poison@acme.test>")
    );
    let dead = collect(&rig.topology.dlq, 40, Duration::from_secs(20)).await;
    assert_eq!(dead.len(), 40);
    for (body, props) in &dead {
        let at = expected[body];
        assert_eq!(
            header_text(props, ERROR_KIND_HEADER).as_deref(),
            Some("malformed")
        );
        assert_eq!(
            header_text(props, ERROR_HEADER).unwrap(),
            format!(
                "occurred_at: `{at}` is outside the dates an email can carry (1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z)"
            )
        );
    }
    assert_eq!(depth(&rig.topology.queue).await, 0);
    rig.finish().await;
}

#[test]
fn the_embedded_mode_rejects_poison_dates_and_goes_on() {
    let mut input = Vec::new();
    for (i, at) in POISON_DATES.iter().enumerate() {
        input.extend_from_slice(dated(&format!("evt_p{i}"), at).to_string().as_bytes());
        input.push(b'\n');
    }
    input.extend_from_slice(
        dated("evt_fine", "2026-11-28T10:00:00Z")
            .to_string()
            .as_bytes(),
    );
    let (o, out) = run_embedded(&input);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rejected = records(out.path());
    assert_eq!(rejected.len(), POISON_DATES.len());
    for (r, at) in rejected.iter().zip(POISON_DATES) {
        assert_eq!(r["kind"], "malformed");
        assert!(r["error"].as_str().unwrap().contains(at), "{r}");
    }
    assert!(out.path().join("evt_fine.eml").exists());
}

#[test]
fn preview_and_check_report_a_poison_date_with_exit_1() {
    for at in POISON_DATES {
        let o = mailroom(
            &root(),
            &["preview", "--event", "-"],
            Some(dated("evt_p", at).to_string().as_bytes()),
        );
        assert_eq!(o.status.code(), Some(1), "{at}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!(
                "malformed: occurred_at: `{at}` is outside the dates an email can carry"
            )),
            "{}",
            stderr(&o)
        );
    }
    let d = scratch_with_sample("occurred_at", "0001-01-01T00:00:00Z");
    let o = mailroom(d.path(), &["check"], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("sample is not a valid event: occurred_at: `0001-01-01T00:00:00Z`"),
        "{out}"
    );
    let o = mailroom(
        d.path(),
        &["preview", "welcome_email", "--locale", "en"],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0001-01-01T00:00:00Z"),
        "{}",
        stderr(&o)
    );
}

#[cfg(feature = "failpoints")]
mod panics {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panic_while_preparing_or_sending_dead_letters_that_event_only() {
        let smtp = Smtp::start(Reply::Accept);
        let rig = Rig::start("panic", &smtp.url(), |s| s.concurrency = 2).await;
        let mut ids = Vec::new();
        for i in 0..6 {
            let stage = if i % 2 == 0 { "prepare" } else { "send" };
            let id = format!("failpoint-panic-{stage}-{i}");
            rig.send(&with(base_event(), "id", json!(id))).await;
            ids.push(id);
        }
        rig.send(&with(base_event(), "id", json!("evt_after_panics")))
            .await;
        assert!(
            wait_until(Duration::from_secs(20), || smtp.count() == 1).await,
            "the event after the panics was never sent"
        );
        let dead = collect(&rig.topology.dlq, ids.len(), Duration::from_secs(20)).await;
        assert_eq!(dead.len(), ids.len());
        for (_, props) in &dead {
            assert_eq!(
                header_text(props, ERROR_KIND_HEADER).as_deref(),
                Some("render")
            );
            let reason = header_text(props, ERROR_HEADER).unwrap();
            assert!(
                reason.starts_with("internal error while ")
                    && reason.contains("(panic: injected fault at `"),
                "{reason}"
            );
        }
        // A panic mid-send releases the claim: a replay of the dead letter is not held up.
        let store = rig.worker.worker.store();
        assert!(!store.is_sent("failpoint-panic-send-1").await.unwrap());
        assert!(matches!(
            store.claim("failpoint-panic-send-1").await.unwrap(),
            mailroom::store::Claim::Claimed(_)
        ));
        assert_eq!(depth(&rig.topology.queue).await, 0);
        rig.finish().await;
    }

    /// A bug that panics while loading templates (the loader's fuzzing found one) is an
    /// error in `check` (exit 1, the panic named) and stops `run`, never a crash (101).
    #[test]
    fn a_panic_while_loading_is_an_error_not_a_crash() {
        let d = scratch_copy();
        std::fs::create_dir(d.path().join("templates/failpoint-panic-load")).unwrap();
        for args in [
            &["check"][..],
            &["run", "--events", "-", "--outbox", "out"][..],
        ] {
            let o = mailroom_with(d.path(), args, &[], Some(b""));
            assert_ne!(o.status.code(), Some(101), "{args:?}: {}", stderr(&o));
            assert!(o.status.code().unwrap_or(0) >= 1, "{args:?}");
            // `check` reports on stdout, `run` on stderr.
            let said = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
            assert!(
                said.contains(
                    "internal error while loading templates and catalogs (panic: injected fault at `load`"
                ),
                "{args:?}: {said}"
            );
        }
    }

    #[test]
    fn a_panic_in_the_embedded_mode_is_a_rejected_line_and_the_run_goes_on() {
        let mut input = Vec::new();
        input.extend_from_slice(
            with(base_event(), "id", json!("failpoint-panic-prepare-a"))
                .to_string()
                .as_bytes(),
        );
        input.push(b'\n');
        input.extend_from_slice(
            with(base_event(), "id", json!("evt_after"))
                .to_string()
                .as_bytes(),
        );
        let (o, out) = run_embedded(&input);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let rejected = records(out.path());
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0]["kind"], "render");
        assert_eq!(rejected[0]["line"], 1);
        assert_eq!(rejected[0]["event_id"], "failpoint-panic-prepare-a");
        assert!(
            rejected[0]["error"]
                .as_str()
                .unwrap()
                .contains("panic: injected fault at `prepare`"),
            "{}",
            rejected[0]
        );
        assert!(out.path().join("evt_after.eml").exists());
        assert!(stderr(&o).contains("1 render"), "{}", stderr(&o));
    }

    #[test]
    fn preview_and_check_report_a_panic_as_an_error_with_exit_1() {
        let o = mailroom(
            &root(),
            &["preview", "--event", "-"],
            Some(
                with(base_event(), "id", json!("failpoint-panic-prepare-p"))
                    .to_string()
                    .as_bytes(),
            ),
        );
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("render: internal error while preparing the email (panic: injected fault at `prepare`"),
            "{}",
            stderr(&o)
        );
        let d = scratch_with_sample("id", "failpoint-panic-prepare-sample");
        let o = mailroom(d.path(), &["check"], None);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains("`welcome_email` does not render in")
                && out.contains("internal error while preparing the email (panic: injected fault"),
            "{out}"
        );
    }
}

#[test]
fn an_over_long_line_is_recorded_by_prefix_size_and_hash_and_the_run_goes_on() {
    use sha2::{Digest, Sha256};
    // 20 MiB on one line (a JSON string, so it is valid JSON but over the limit).
    let mut long = b"{\"id\":\"evt_huge\",\"pad\":\"".to_vec();
    long.resize(20 << 20, b'a');
    long.extend_from_slice(b"\"}");
    let mut input = long.clone();
    input.push(b'\n');
    input.extend_from_slice(
        dated("evt_after_huge", "2026-11-28T10:00:00Z")
            .to_string()
            .as_bytes(),
    );
    let (o, out) = run_embedded(&input);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rejected = records(out.path());
    assert_eq!(rejected.len(), 1);
    let r = &rejected[0];
    assert_eq!(r["line"], 1);
    assert_eq!(r["kind"], "malformed");
    assert_eq!(
        r["error"],
        format!("event is {} bytes, over the 65536-byte limit", long.len())
    );
    assert_eq!(r["size"], long.len());
    let digest = Sha256::digest(&long);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(r["sha256"], hex);
    assert_eq!(
        r["raw_prefix"].as_str().unwrap().as_bytes(),
        &long[..mailroom::input::PREFIX_BYTES]
    );
    assert!(r.get("raw").is_none());
    let size = std::fs::metadata(out.path().join("rejected.jsonl"))
        .unwrap()
        .len();
    assert!(
        size < 2048,
        "rejected.jsonl holds only a prefix: {size} bytes"
    );
    assert!(out.path().join("evt_after_huge.eml").exists());
}

#[test]
fn preview_refuses_an_event_file_over_the_limit_without_reading_it_all() {
    let o = mailroom(&root(), &["preview", "--event", "/dev/zero"], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("/dev/zero: the event is over the 65536-byte limit"),
        "{}",
        stderr(&o)
    );
    let big = vec![b' '; 70_000];
    let o = mailroom(&root(), &["preview", "--event", "-"], Some(&big));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("standard input: the event is over the 65536-byte limit"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_duplicate_id_in_the_embedded_mode_keeps_the_first_and_is_counted() {
    let first = with(
        with(base_event(), "id", json!("evt_twice")),
        "user.given_name",
        json!("First"),
    );
    let second = with(
        with(base_event(), "id", json!("evt_twice")),
        "user.given_name",
        json!("Second"),
    );
    let input = format!("{first}\n{second}\n");
    let (o, out) = run_embedded(input.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let eml = std::fs::read_to_string(out.path().join("evt_twice.eml")).unwrap();
    assert!(
        eml.contains("First") && !eml.contains("Second"),
        "the first line wins"
    );
    let err = stderr(&o);
    assert!(
        err.contains("2 events: 1 written to") && err.contains("1 duplicate id(s) skipped"),
        "{err}"
    );
    assert!(err.contains("already written by line 1; skipped"), "{err}");
}

#[test]
fn a_hashed_message_id_never_equals_another_events_plain_id() {
    use sha2::{Digest, Sha256};
    let hashed_id = "evt with spaces";
    let digest: String = Sha256::digest(hashed_id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let input = format!(
        "{}\n{}\n",
        with(base_event(), "id", json!(hashed_id)),
        with(base_event(), "id", json!(digest))
    );
    let (o, out) = run_embedded(input.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.path().join(format!("sha256={digest}.eml")).exists());
    assert!(out.path().join(format!("{digest}.eml")).exists());
    assert!(
        stderr(&o).contains("2 events: 2 written to"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_attempt_count_is_ignored_and_real_retries_still_count() {
    use mailroom::amqp::{ATTEMPTS_HEADER, BasicProperties};
    let smtp = Smtp::start(Reply::Always(451));
    let rig = Rig::start("forged", &smtp.url(), |s| {
        s.retry_delays = vec![Duration::from_millis(500)];
    })
    .await;
    // A producer that copies headers around, or means harm: 999 attempts already.
    let mut headers = lapin::types::FieldTable::default();
    headers.insert(
        ATTEMPTS_HEADER.into(),
        lapin::types::AMQPValue::LongLongInt(999),
    );
    let body = with(base_event(), "id", json!("evt_forged")).to_string();
    rig.broker
        .publish(
            &rig.topology.queue,
            body.as_bytes(),
            BasicProperties::default().with_headers(headers),
        )
        .await
        .unwrap();
    // Attempt 1 fails and waits in the tier, comes back, attempt 2 fails: only then is it
    // dead-lettered, with the count the worker itself kept.
    let dead = collect(&rig.topology.dlq, 1, Duration::from_secs(20)).await;
    assert_eq!(dead.len(), 1);
    assert_eq!(
        header_text(&dead[0].1, ERROR_KIND_HEADER).as_deref(),
        Some("retries_exhausted")
    );
    assert_eq!(
        header_text(&dead[0].1, ATTEMPTS_HEADER).as_deref(),
        Some("2")
    );
    assert_eq!(smtp.rcpt_attempts(), 2, "one try, one retry");
    rig.finish().await;
}

#[test]
fn a_broker_that_refuses_the_credentials_stops_start_up_naming_the_url() {
    let state = tempfile::tempdir().unwrap();
    let o = mailroom_with(
        &root(),
        &["run"],
        &[
            (
                "MAILROOM_AMQP_URL",
                "amqp://guest:wrong-password@127.0.0.1:5672/%2f",
            ),
            ("MAILROOM_STATE_DIR", state.path().to_str().unwrap()),
            ("MAILROOM_QUEUE", "mailroom.test.refused"),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("mailroom: MAILROOM_AMQP_URL: the broker refuses it: ACCESS_REFUSED"),
        "{err}"
    );
    assert!(
        !err.contains("wrong-password"),
        "the password never reaches the log: {err}"
    );
}

#[test]
fn a_directory_folder_that_is_missing_or_broken_at_start_up_stops_it() {
    let out = tempfile::tempdir().unwrap();
    let outbox = out.path().to_str().unwrap();
    let args = [
        "run",
        "--events",
        "examples/events.jsonl",
        "--outbox",
        outbox,
    ];
    let o = mailroom_with(
        &root(),
        &args,
        &[("MAILROOM_DIRECTORY", "file:/nonexistent/mailroom")],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("`file:/nonexistent/mailroom`: the folder does not exist"),
        "{}",
        stderr(&o)
    );
    let broken = tempfile::tempdir().unwrap();
    std::fs::write(broken.path().join("users.json"), "[{\"user_id\": ").unwrap();
    let spec = format!("file:{}", broken.path().display());
    let o = mailroom_with(&root(), &args, &[("MAILROOM_DIRECTORY", &spec)], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("users.json is not valid"),
        "{}",
        stderr(&o)
    );
}

/// The scripted server's side of a session after the greeting: `ehlo` to EHLO, `reply` to
/// every RCPT, 354 to DATA and 250 to its end, 250 to anything else.
async fn answer_session<R, W>(mut lines: tokio::io::Lines<R>, mut w: W, ehlo: &[u8], reply: &[u8])
where
    R: tokio::io::AsyncBufRead + Unpin,
    W: tokio::io::AsyncWrite + Unpin,
{
    use tokio::io::AsyncWriteExt;
    let mut in_data = false;
    while let Ok(Some(line)) = lines.next_line().await {
        if in_data {
            in_data = line != ".";
            if in_data {
                continue;
            }
        }
        let verb = line
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => ehlo,
            "RCPT" => reply,
            "DATA" if !in_data => {
                in_data = true;
                b"354 go ahead\r\n"
            }
            "QUIT" => b"221 bye\r\n",
            _ => b"250 ok\r\n",
        };
        // Flushed: under TLS a write is buffered until then.
        if w.write_all(answer).await.is_err() || w.flush().await.is_err() {
            break;
        }
    }
}

/// An SMTP server that answers every RCPT with `reply`, byte for byte.
async fn scripted_smtp(reply: Vec<u8>) -> std::net::SocketAddr {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let reply = reply.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let lines = BufReader::new(r).lines();
                w.write_all(b"220 scripted.test ESMTP\r\n").await.unwrap();
                answer_session(lines, w, b"250 scripted.test\r\n", &reply).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn a_5xx_reply_that_is_not_utf8_or_has_an_endless_line_is_still_permanent() {
    use mailroom::mailer::{Mailer, SendError};
    let p = crate::helpers::pipeline();
    let prepared = p.prepare(base_event().to_string().as_bytes()).unwrap();
    let mut long = b"550 5.1.1 ".to_vec();
    long.extend(std::iter::repeat_n(b'x', 5000));
    long.extend_from_slice(b"\r\n");
    for reply in [
        b"550 5.1.1 Usu\xe1rio desconhecido\r\n".to_vec(),
        long,
        b"550-5.1.1 first line \xff\xfe\r\n550 5.1.1 second line\r\n".to_vec(),
    ] {
        let addr = scripted_smtp(reply.clone()).await;
        let url = mailroom::config::SecretUrl::new(format!("smtp://{addr}"));
        let mailer = Mailer::new(&url, "w.test", Duration::from_secs(5), 1).unwrap();
        match mailer.send(&prepared.message).await {
            Err(SendError::Permanent(reason)) => {
                assert!(reason.contains("550"), "{reason}");
                assert!(
                    reason.len() < 2000,
                    "the reason is bounded: {} bytes",
                    reason.len()
                );
            }
            other => panic!(
                "{:?}: {other:?}",
                String::from_utf8_lossy(&reply[..reply.len().min(40)])
            ),
        }
    }
}

#[tokio::test]
async fn a_reply_with_escape_bytes_or_a_quoted_address_is_inert_in_the_reason() {
    use mailroom::mailer::{Mailer, SendError};
    let p = crate::helpers::pipeline();
    let prepared = p.prepare(base_event().to_string().as_bytes()).unwrap();
    let reply = b"550 5.1.1 <\"ana lima\"@example.com> \x1b[31mrejected\x1b[0m \x07\r\n".to_vec();
    let addr = scripted_smtp(reply).await;
    let url = mailroom::config::SecretUrl::new(format!("smtp://{addr}"));
    let mailer = Mailer::new(&url, "w.test", Duration::from_secs(5), 1).unwrap();
    match mailer.send(&prepared.message).await {
        Err(SendError::Permanent(reason)) => {
            assert!(
                !reason.contains('\x1b') && !reason.contains('\x07'),
                "{reason:?}"
            );
            assert!(
                !reason.contains("ana") && !reason.contains("lima"),
                "{reason}"
            );
            assert!(
                reason.contains("<address>") && reason.contains("rejected"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// What the test server's certificate is like.
#[derive(Clone, Copy, Debug)]
enum Leaf {
    /// For 127.0.0.1, signed by the test CA, valid now.
    Good,
    /// Signed by the test CA, for another name.
    OtherName,
    /// For 127.0.0.1, signed by the test CA, expired in 2020.
    Expired,
    /// For 127.0.0.1, signed by its own key.
    SelfSigned,
}

/// A test CA and a certificate for 127.0.0.1 signed by it, as a TLS acceptor, with the CA's
/// certificate to trust.
fn test_tls() -> (
    tokio_rustls::TlsAcceptor,
    rustls::pki_types::CertificateDer<'static>,
) {
    test_tls_with(Leaf::Good)
}

fn test_tls_with(
    kind: Leaf,
) -> (
    tokio_rustls::TlsAcceptor,
    rustls::pki_types::CertificateDer<'static>,
) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "mailroom test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let name = match kind {
        Leaf::OtherName => "relay.example.com",
        _ => "127.0.0.1",
    };
    let mut params = CertificateParams::new(vec![name.to_owned()]).unwrap();
    if let Leaf::Expired = kind {
        params.not_before = rcgen::date_time_ymd(2019, 1, 1);
        params.not_after = rcgen::date_time_ymd(2020, 1, 1);
    }
    let leaf = match kind {
        Leaf::SelfSigned => params.self_signed(&leaf_key).unwrap(),
        _ => params
            .signed_by(&leaf_key, &Issuer::new(ca_params, ca_key))
            .unwrap(),
    };
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    (acceptor, ca.der().clone())
}

/// `scripted_smtp` under TLS: implicit (TLS from the first byte, as on port 465) or after
/// STARTTLS, which it offers in plain text and nothing else.
async fn scripted_tls_smtp(
    reply: Vec<u8>,
    implicit: bool,
    acceptor: tokio_rustls::TlsAcceptor,
) -> std::net::SocketAddr {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (reply, acceptor) = (reply.clone(), acceptor.clone());
            tokio::spawn(async move {
                if !implicit {
                    sock.write_all(b"220 scripted.test ESMTP\r\n")
                        .await
                        .unwrap();
                    // The client says nothing after STARTTLS until our 220, so this reader
                    // cannot have read into the handshake when it is dropped.
                    let mut plain = BufReader::new(&mut sock);
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if plain.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let answer: &[u8] = match line.trim_end().to_ascii_uppercase().as_str() {
                            "STARTTLS" => break,
                            l if l.starts_with("EHLO") => b"250-scripted.test\r\n250 STARTTLS\r\n",
                            _ => b"503 5.5.1 STARTTLS first\r\n",
                        };
                        plain.get_mut().write_all(answer).await.unwrap();
                    }
                    drop(plain);
                    sock.write_all(b"220 2.0.0 go ahead\r\n").await.unwrap();
                }
                let Ok(tls) = acceptor.accept(sock).await else {
                    return; // the client refused our certificate
                };
                let (r, mut w) = tokio::io::split(tls);
                let lines = BufReader::new(r).lines();
                if implicit {
                    w.write_all(b"220 scripted.test ESMTP\r\n").await.unwrap();
                    w.flush().await.unwrap();
                }
                answer_session(lines, w, b"250-scripted.test\r\n250 8BITMIME\r\n", &reply).await;
            });
        }
    });
    addr
}

/// The same replies under TLS (`smtps://` and STARTTLS with `tls=required`): TLS is inside
/// the stream that rewrites replies, so a Latin-1 or endless `550` is still permanent.
#[tokio::test]
async fn a_5xx_reply_under_tls_that_is_not_utf8_or_has_an_endless_line_is_still_permanent() {
    use mailroom::mailer::{Mailer, SendError};
    let p = crate::helpers::pipeline();
    let prepared = p.prepare(base_event().to_string().as_bytes()).unwrap();
    let (acceptor, ca) = test_tls();
    let mut long = b"550 5.1.1 ".to_vec();
    long.extend(std::iter::repeat_n(b'x', 5000));
    long.extend_from_slice(b"\r\n");
    for implicit in [true, false] {
        for reply in [
            b"550 5.1.1 Usu\xe1rio desconhecido\r\n".to_vec(),
            long.clone(),
        ] {
            let addr = scripted_tls_smtp(reply.clone(), implicit, acceptor.clone()).await;
            let url = if implicit {
                format!("smtps://{addr}")
            } else {
                format!("smtp://{addr}?tls=required")
            };
            let mailer = Mailer::new(
                &mailroom::config::SecretUrl::new(url.clone()),
                "w.test",
                Duration::from_secs(5),
                1,
            )
            .unwrap()
            .trusting(vec![ca.clone()]);
            match mailer.send(&prepared.message).await {
                Err(SendError::Permanent(reason)) => {
                    assert!(reason.contains("(550): 5.1.1"), "{url}: {reason}");
                    assert!(reason.len() < 2000, "{url}: {} bytes", reason.len());
                }
                other => panic!("{url}: {other:?}"),
            }
        }
    }
}

/// A certificate that does not verify is a transient error naming the host and why, and
/// `tls=required` to a server without STARTTLS never falls back to plain text.
#[tokio::test]
async fn tls_that_does_not_verify_or_is_not_offered_is_a_transient_error_that_says_why() {
    use mailroom::mailer::{Mailer, SendError};
    let p = crate::helpers::pipeline();
    let prepared = p.prepare(base_event().to_string().as_bytes()).unwrap();
    let (acceptor, _ca) = test_tls();
    let plain = scripted_smtp(b"250 ok\r\n".to_vec()).await;
    let cases = [
        (
            format!(
                "smtps://{}",
                scripted_tls_smtp(b"250 ok\r\n".to_vec(), true, acceptor.clone()).await
            ),
            "TLS handshake with 127.0.0.1",
        ),
        (
            format!(
                "smtp://{}?tls=required",
                scripted_tls_smtp(b"250 ok\r\n".to_vec(), false, acceptor).await
            ),
            "TLS handshake with 127.0.0.1",
        ),
        (
            format!("smtp://{plain}?tls=required"),
            "does not offer STARTTLS",
        ),
    ];
    for (url, want) in cases {
        let mailer = Mailer::new(
            &mailroom::config::SecretUrl::new(url.clone()),
            "w.test",
            Duration::from_secs(5),
            1,
        )
        .unwrap();
        match mailer.send(&prepared.message).await {
            Err(SendError::Transient(reason)) => {
                eprintln!("{url}: {reason}");
                assert!(reason.contains(want), "{url}: {reason}");
                if want.starts_with("TLS") {
                    assert!(
                        reason.to_ascii_lowercase().contains("certificate")
                            || reason.contains("UnknownIssuer"),
                        "{url}: says why: {reason}"
                    );
                }
            }
            other => panic!("{url}: {other:?}"),
        }
    }
    // Opportunistic to a server without STARTTLS: plain text, and the email goes.
    let url = mailroom::config::SecretUrl::new(format!("smtp://{plain}?tls=opportunistic"));
    let mailer = Mailer::new(&url, "w.test", Duration::from_secs(5), 1).unwrap();
    assert_eq!(mailer.send(&prepared.message).await, Ok(()));
}

/// With the CA trusted, a certificate for another name, an expired one and a self-signed one
/// are each refused, as a transient error that says which (and the email is not sent over an
/// unverified connection); the good one carries the email.
#[tokio::test]
async fn a_relay_certificate_for_another_name_expired_or_self_signed_is_refused() {
    use mailroom::mailer::{Mailer, SendError};
    let p = crate::helpers::pipeline();
    let prepared = p.prepare(base_event().to_string().as_bytes()).unwrap();
    for (kind, want) in [
        (Leaf::OtherName, "not valid for name"),
        (Leaf::Expired, "certificate expired"),
        (Leaf::SelfSigned, "UnknownIssuer"),
        (Leaf::Good, ""),
    ] {
        let (acceptor, ca) = test_tls_with(kind);
        let addr = scripted_tls_smtp(b"250 ok\r\n".to_vec(), true, acceptor).await;
        let url = mailroom::config::SecretUrl::new(format!("smtps://{addr}"));
        let mailer = Mailer::new(&url, "w.test", Duration::from_secs(5), 1)
            .unwrap()
            .trusting(vec![ca]);
        match (kind, mailer.send(&prepared.message).await) {
            (Leaf::Good, sent) => assert_eq!(sent, Ok(()), "{kind:?}"),
            (_, Err(SendError::Transient(reason))) => {
                assert!(
                    reason.contains("TLS handshake with 127.0.0.1") && reason.contains(want),
                    "{kind:?}: {reason}"
                );
            }
            (_, other) => panic!("{kind:?}: {other:?}"),
        }
    }
}
