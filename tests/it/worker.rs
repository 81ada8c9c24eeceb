//! The broker worker against a real RabbitMQ and a real SMTP conversation, faults injected.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use mailroom::amqp::{ATTEMPTS_HEADER, ERROR_HEADER, ERROR_KIND_HEADER, Topology, header_text};
use serde_json::{Value, json};

use crate::broker::{
    Reply, Rig, Smtp, TestWorker, cleanup, collect, consumers, depth, force_close_connection,
    free_port, publish, publisher, queue_name, state_dir, wait_depth, wait_until, worker_settings,
};
use crate::helpers::{base_event, pipeline, with};

fn event(id: &str, kind: &str, lang: &str) -> Value {
    let e = with(base_event(), "id", json!(id));
    let e = with(e, "user.user_metadata.lang", json!(lang));
    match kind {
        "code" => with(
            with(e, "type", json!("user.verification_code_requested")),
            "data",
            json!({"code": "123456", "ttl_seconds": 600}),
        ),
        "welcome" => with(with(e, "type", json!("user.signed_up")), "data", json!({})),
        _ => e,
    }
}

/// A worker driven through `handle` alone (no broker): the test settings for `url`, its
/// sent-id record in `state`.
fn direct_worker(url: &str, state: &std::path::Path, name: &str) -> mailroom::worker::Worker {
    use mailroom::mailer::Mailer;
    use mailroom::store::Store;
    let settings = worker_settings("unused", url, state);
    let mailer = Mailer::new(&settings.smtp_url, "w.test", settings.smtp_timeout, 2).unwrap();
    let store = Store::open(state, Duration::from_secs(60)).unwrap();
    mailroom::worker::Worker::new(
        mailroom::reload::Live::new(pipeline()),
        mailer,
        store,
        settings,
        name,
    )
}

fn one_hour_tier(s: &mut mailroom::config::WorkerSettings) {
    s.retry_delays = vec![Duration::from_secs(3600)];
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_template_is_delivered_in_three_locales() {
    let smtp = Smtp::start(Reply::Accept);
    let rig = Rig::start("happy", &smtp.url(), |_| {}).await;
    let cases = [
        ("verify", "en"),
        ("verify", "fr"),
        ("verify", "ar"),
        ("code", "de"),
        ("code", "ja"),
        ("code", "es"),
        ("welcome", "pt-BR"),
        ("welcome", "en"),
        ("welcome", "ar"),
    ];
    let p = pipeline();
    let mut expected = HashMap::new();
    for (i, (kind, lang)) in cases.iter().enumerate() {
        let id = format!("evt_happy_{i}");
        let e = event(&id, kind, lang);
        let prepared = p.prepare(e.to_string().as_bytes()).unwrap();
        expected.insert(format!("<{id}@acme.test>"), (lang.to_string(), prepared));
        rig.send(&e).await;
    }
    assert!(
        wait_until(Duration::from_secs(20), || smtp.count() == cases.len()).await,
        "{} of {}",
        smtp.count(),
        cases.len()
    );
    let subject = |raw: &str| {
        raw.split("\r\n")
            .find(|l| l.starts_with("Subject:"))
            .map(str::to_owned)
    };
    for r in smtp.received() {
        let id = r.header("Message-ID").unwrap();
        let (lang, prepared) = &expected[&id];
        assert_eq!(
            r.header("Content-Language").as_deref(),
            Some(lang.as_str()),
            "{id}"
        );
        let want = String::from_utf8(prepared.message.formatted()).unwrap();
        assert_eq!(subject(&r.text()), subject(&want), "{id}");
        assert!(r.text().contains("Content-Type: multipart/alternative;"));
        assert!(r.text().contains("Content-Type: text/plain; charset=utf-8"));
        assert!(r.text().contains("Content-Type: text/html; charset=utf-8"));
        assert_eq!(r.helo, "w.test", "hello_name is set");
    }
    assert_eq!(depth(&rig.topology.queue).await, 0);
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_events_are_dead_lettered_at_once_with_their_reason() {
    let smtp = Smtp::start(Reply::Accept);
    let rig = Rig::start("bad", &smtp.url(), |_| {}).await;
    let bodies: Vec<Vec<u8>> = vec![
        b"this is not JSON".to_vec(),
        with(base_event(), "user.email", json!("ana(at)example"))
            .to_string()
            .into_bytes(),
        with(base_event(), "type", json!("user.password_changed"))
            .to_string()
            .into_bytes(),
        b"\xff\xfe".to_vec(),
    ];
    for b in &bodies {
        publish(&rig.broker, b).await;
    }
    let dead = collect(&rig.topology.dlq, bodies.len(), Duration::from_secs(15)).await;
    assert_eq!(dead.len(), bodies.len());
    let by_body: HashMap<Vec<u8>, _> = dead.into_iter().collect();
    let kinds: Vec<String> = bodies
        .iter()
        .map(|b| header_text(&by_body[b], ERROR_KIND_HEADER).unwrap())
        .collect();
    assert_eq!(kinds, ["malformed", "malformed", "unroutable", "malformed"]);
    let props = &by_body[&bodies[1]];
    assert_eq!(header_text(props, ATTEMPTS_HEADER).as_deref(), Some("1"));
    assert_eq!(
        header_text(props, ERROR_HEADER).as_deref(),
        Some("user.email: `ana(at)example` is not an email address")
    );
    assert_eq!(
        props.content_type().as_ref().map(|c| c.as_str()),
        Some("application/json"),
        "original properties kept"
    );
    assert_eq!(smtp.count(), 0);
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_451_twice_then_accept_sends_one_email_on_the_third_attempt() {
    let smtp = Smtp::start(Reply::FailFirst {
        code: 451,
        times: 2,
    });
    let rig = Rig::start("451", &smtp.url(), |_| {}).await;
    rig.send(&event("evt_451", "verify", "en")).await;
    assert!(wait_until(Duration::from_secs(20), || smtp.count() == 1).await);
    assert_eq!(
        smtp.rcpt_attempts(),
        3,
        "two deferrals, then the accepted attempt"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.count(), 1);
    assert!(rig.worker.worker.store().is_sent("evt_451").await.unwrap());
    assert_eq!(depth(&rig.topology.dlq).await, 0);
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_550_is_dead_lettered_as_rejected() {
    let smtp = Smtp::start(Reply::Always(550));
    let rig = Rig::start("550", &smtp.url(), |_| {}).await;
    rig.send(&event("evt_550", "verify", "en")).await;
    let dead = collect(&rig.topology.dlq, 1, Duration::from_secs(10)).await;
    assert_eq!(dead.len(), 1);
    assert_eq!(
        header_text(&dead[0].1, ERROR_KIND_HEADER).as_deref(),
        Some("rejected")
    );
    let reason = header_text(&dead[0].1, ERROR_HEADER).unwrap();
    assert!(reason.contains("550"), "{reason}");
    assert!(
        !reason.contains("ana@example.com"),
        "no address in headers: {reason}"
    );
    assert_eq!(smtp.rcpt_attempts(), 1, "no retry for a permanent failure");
    assert!(!rig.worker.worker.store().is_sent("evt_550").await.unwrap());
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_smtp_server_that_was_down_gets_the_email_once_it_is_back() {
    let port = free_port();
    let rig = Rig::start("down", &format!("smtp://127.0.0.1:{port}"), |s| {
        s.retry_delays = vec![Duration::from_secs(1); 6];
    })
    .await;
    rig.send(&event("evt_down", "welcome", "fr")).await;
    // The first attempt meets a closed port and goes to a retry tier.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let smtp = Smtp::start_on(listener, Reply::Accept, Duration::ZERO);
    assert!(wait_until(Duration::from_secs(15), || smtp.count() == 1).await);
    assert_eq!(
        smtp.received()[0].header("Message-ID").as_deref(),
        Some("<evt_down@acme.test>")
    );
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_times_out_into_a_retry_tier() {
    // Accepts connections and says nothing: no greeting, ever.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = silent.accept().await {
            held.push(sock);
        }
    });
    let rig = Rig::start("stall", &format!("smtp://{addr}"), |s| {
        s.smtp_timeout = Duration::from_secs(1);
        one_hour_tier(s);
    })
    .await;
    rig.send(&event("evt_stall", "verify", "en")).await;
    let tier = rig.topology.retry[0].1.clone();
    let msgs = collect(&tier, 1, Duration::from_secs(10)).await;
    assert_eq!(msgs.len(), 1, "the event waits in {tier}");
    assert_eq!(
        header_text(&msgs[0].1, ATTEMPTS_HEADER).as_deref(),
        Some("1")
    );
    assert!(
        header_text(&msgs[0].1, ERROR_HEADER)
            .unwrap()
            .contains("timed out")
    );
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_event_published_twice_is_sent_once() {
    let smtp = Smtp::start(Reply::Accept);
    let rig = Rig::start("dup", &smtp.url(), |_| {}).await;
    let e = event("evt_dup", "verify", "de");
    rig.send(&e).await;
    rig.send(&e).await;
    assert!(wait_until(Duration::from_secs(10), || smtp.count() == 1).await);
    // Give the second copy time to come back from a retry tier if it was busy.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(smtp.count(), 1);
    for (_, tier) in &rig.topology.retry {
        assert_eq!(depth(tier).await, 0);
    }
    assert_eq!(depth(&rig.topology.queue).await, 0);
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forcibly_closed_broker_connection_loses_and_duplicates_nothing() {
    let smtp = Smtp::start_slow(Duration::from_millis(20));
    let rig = Rig::start("kill", &smtp.url(), |_| {}).await;
    const N: usize = 200;
    for i in 0..N {
        rig.send(&event(&format!("evt_kill_{i}"), "verify", "en"))
            .await;
    }
    assert!(wait_until(Duration::from_secs(20), || smtp.count() >= 20).await);
    assert!(
        force_close_connection(&format!("{}-consume", rig.name)),
        "the consume connection was found and closed"
    );
    assert!(
        wait_until(Duration::from_secs(60), || smtp.count() >= N).await,
        "{} of {N}",
        smtp.count()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let ids: Vec<String> = smtp
        .received()
        .iter()
        .map(|r| r.header("Message-ID").unwrap())
        .collect();
    let distinct: HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), N, "every event delivered");
    assert_eq!(ids.len(), N, "no event delivered twice");
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_publishing_connection_is_rebuilt_and_the_retry_still_happens() {
    let smtp = Smtp::start(Reply::Always(451));
    let rig = Rig::start("publost", &smtp.url(), one_hour_tier).await;
    let publisher_conn = format!("{}-publish", rig.name);
    assert!(
        wait_until(Duration::from_secs(10), || force_close_connection(
            &publisher_conn
        ))
        .await
    );
    rig.send(&event("evt_publost", "verify", "en")).await;
    let tier = rig.topology.retry[0].1.clone();
    assert_eq!(
        wait_depth(&tier, 1, Duration::from_secs(20)).await,
        1,
        "after reconnecting, the transient failure reached {tier}"
    );
    // One failed republish, one successful: no loop of SMTP attempts.
    assert!(
        smtp.rcpt_attempts() <= 3,
        "{} SMTP attempts",
        smtp.rcpt_attempts()
    );
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_dead_letter_starts_its_attempts_afresh() {
    let smtp = Smtp::start(Reply::Always(451));
    let rig = Rig::start("replay", &smtp.url(), one_hour_tier).await;
    // What an operator shovels back from the DLQ after fixing the SMTP relay.
    let mut headers = lapin::types::FieldTable::default();
    headers.insert(
        ATTEMPTS_HEADER.into(),
        lapin::types::AMQPValue::LongLongInt(2),
    );
    headers.insert(
        ERROR_KIND_HEADER.into(),
        lapin::types::AMQPValue::LongString("retries_exhausted".into()),
    );
    let props = lapin::BasicProperties::default().with_headers(headers);
    let body = event("evt_replay", "verify", "en").to_string();
    rig.broker
        .publish(&rig.topology.queue, body.as_bytes(), props)
        .await
        .unwrap();
    let tier = rig.topology.retry[0].1.clone();
    let msgs = collect(&tier, 1, Duration::from_secs(15)).await;
    assert_eq!(
        msgs.len(),
        1,
        "went to the first retry tier, not back to the DLQ"
    );
    assert_eq!(
        header_text(&msgs[0].1, ATTEMPTS_HEADER).as_deref(),
        Some("1")
    );
    assert_eq!(
        header_text(&msgs[0].1, ERROR_KIND_HEADER),
        None,
        "a retry is not a dead letter"
    );
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_share_500_events_and_send_each_once() {
    let smtp = Smtp::start(Reply::Accept);
    let state = state_dir();
    let queue = queue_name("two");
    let start = |hello: &str, suffix: &str| {
        TestWorker::start(
            worker_settings(&queue, &smtp.url(), state.path()),
            hello,
            &format!("{queue}-{suffix}"),
        )
    };
    let a = start("a.test", "a");
    let b = start("b.test", "b");
    let t = a.worker.topology().clone();
    let broker = publisher(&t).await;
    // Both consumers attached before the first event, so neither can drain the queue alone.
    assert!(
        wait_until_async(|| async { consumers(&t.queue).await == 2 }).await,
        "both workers consume"
    );
    const N: usize = 500;
    let langs = ["en", "fr", "de", "es", "pt-BR", "ja", "ar"];
    for i in 0..N {
        let kind = ["verify", "code", "welcome"][i % 3];
        let e = event(&format!("evt_two_{i}"), kind, langs[i % langs.len()]);
        publish(&broker, e.to_string().as_bytes()).await;
    }
    assert!(
        wait_until(Duration::from_secs(60), || smtp.count() >= N).await,
        "{} of {N}",
        smtp.count()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = smtp.received();
    let ids: HashSet<String> = received
        .iter()
        .map(|r| r.header("Message-ID").unwrap())
        .collect();
    assert_eq!((ids.len(), received.len()), (N, N));
    let by_a = received.iter().filter(|r| r.helo == "a.test").count();
    assert!(
        by_a > 0 && by_a < N,
        "both workers took a share (a: {by_a})"
    );
    a.stop().await;
    b.stop().await;
    cleanup(&t).await;
}

/// Polls an async condition every 50 ms for up to 5 s.
async fn wait_until_async<F, Fut>(mut cond: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if cond().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_stream_exits_zero_with_every_event_sent_or_still_queued() {
    let smtp = Smtp::start_slow(Duration::from_millis(20));
    let state = state_dir();
    let queue = queue_name("term");
    let delays = [Duration::from_secs(1), Duration::from_secs(1)];
    let t = Topology::new(&queue, &delays, mailroom::config::QueueType::Classic);
    let broker = publisher(&t).await;
    const N: usize = 300;
    for i in 0..N {
        let e = event(&format!("evt_term_{i}"), "verify", "en");
        publish(&broker, e.to_string().as_bytes()).await;
    }
    let log = state.path().join("worker.log");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mailroom"))
        .arg("run")
        .current_dir(crate::helpers::root())
        .env_remove("MAILROOM_CONFIG")
        .env("MAILROOM_QUEUE", &queue)
        .env("MAILROOM_SMTP_URL", smtp.url())
        .env("MAILROOM_STATE_DIR", state.path())
        .env("MAILROOM_RETRY_DELAYS", "1s,2s")
        .env("MAILROOM_CONCURRENCY", "8")
        .env("MAILROOM_FROM", "Acme <no-reply@acme.test>")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    assert!(wait_until(Duration::from_secs(20), || smtp.count() >= 30).await);
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    let stderr = std::fs::read_to_string(&log).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("SIGTERM: stopping"), "{stderr}");
    // Logs at info name events, never recipients or secrets.
    assert!(stderr.contains("event_id=evt_term_"), "{stderr}");
    assert!(
        !stderr.contains("ana@example.com"),
        "no recipient address at info"
    );
    assert!(!stderr.contains("guest:guest"), "no broker password");
    let sent = smtp.received();
    let ids: HashSet<String> = sent
        .iter()
        .map(|r| r.header("Message-ID").unwrap())
        .collect();
    assert_eq!(ids.len(), sent.len(), "nothing sent twice");
    assert!(sent.len() < N, "stopped mid-stream ({} sent)", sent.len());
    let mut queued = depth(&t.queue).await as usize;
    for (_, tier) in &t.retry {
        queued += depth(tier).await as usize;
    }
    assert_eq!(
        sent.len() + queued,
        N,
        "sent {} + queued {queued}",
        sent.len()
    );
    cleanup(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_spaces_events_at_the_given_rate_and_records_when_each_went_out() {
    let queue = queue_name("publish-rate");
    let t = Topology::new(
        &queue,
        &[Duration::from_secs(1)],
        mailroom::config::QueueType::Classic,
    );
    let dir = state_dir();
    let events: String = (0..20)
        .map(|i| format!("{}\n", event(&format!("evt_rate_{i}"), "verify", "en")))
        .collect();
    std::fs::write(dir.path().join("events.jsonl"), events + "\n").unwrap();
    let stamps = dir.path().join("stamps");
    let (q, d, s) = (queue.clone(), dir.path().to_owned(), stamps.clone());
    let o = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_mailroom"))
            .current_dir(&d)
            .env_remove("MAILROOM_CONFIG")
            .env("MAILROOM_QUEUE", &q)
            .env("MAILROOM_RETRY_DELAYS", "1s")
            .args(["publish", "--events", "events.jsonl", "--rate", "100"])
            .arg("--timestamps")
            .arg(&s)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(wait_depth(&t.queue, 20, Duration::from_secs(10)).await, 20);
    let mut at: Vec<(usize, u128)> = std::fs::read_to_string(&stamps)
        .unwrap()
        .lines()
        .map(|l| {
            let (i, ns) = l.split_once(' ').unwrap();
            (i.parse().unwrap(), ns.parse().unwrap())
        })
        .collect();
    at.sort();
    assert_eq!(
        at.iter().map(|a| a.0).collect::<Vec<_>>(),
        (0..20).collect::<Vec<_>>()
    );
    // 100 per second: the 20th event leaves about 190 ms after the first, not at once.
    let spread_ms = (at[19].1 - at[0].1) / 1_000_000;
    assert!(spread_ms >= 150, "published within {spread_ms} ms");
    cleanup(&t).await;
}

/// `n` deliveries of a fresh queue, held unacked and registered with a batcher.
struct Held {
    topology: Topology,
    broker: mailroom::amqp::Broker,
    consumer: lapin::Consumer,
    acks: mailroom::amqp::Acks,
    deliveries: Vec<mailroom::amqp::Incoming>,
}

impl Held {
    async fn take(test: &str, n: u16) -> Held {
        use futures_util::StreamExt;
        let queue = queue_name(test);
        let topology = Topology::new(&queue, &[], mailroom::config::QueueType::Classic);
        let publishing = publisher(&topology).await;
        for i in 0..n {
            publish(&publishing, format!("{{\"n\":{i}}}").as_bytes()).await;
        }
        let broker = mailroom::amqp::Broker::connect(
            &mailroom::config::SecretUrl::new(crate::broker::AMQP_URL),
            &topology,
            &queue,
        )
        .await
        .unwrap();
        let mut consumer = broker.consume(n, test).await.unwrap();
        let acks = mailroom::amqp::Acks::new();
        let mut deliveries = Vec::new();
        for _ in 0..n {
            let d = tokio::time::timeout(Duration::from_secs(10), consumer.next())
                .await
                .expect("a delivery within 10 s")
                .unwrap()
                .unwrap();
            deliveries.push(acks.track(d));
        }
        Held {
            topology,
            broker,
            consumer,
            acks,
            deliveries,
        }
    }

    /// Closes the channel (what was not acked returns to the queue); returns the queue depth
    /// once it reaches `expected` (or after 10 s).
    async fn close_and_count(self, expected: u32) -> u32 {
        drop(self.consumer);
        self.broker.close().await;
        let depth = wait_depth(&self.topology.queue, expected, Duration::from_secs(10)).await;
        cleanup(&self.topology).await;
        depth
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batched_acks_never_cover_a_delivery_in_flight_and_never_wait_for_it() {
    let held = Held::take("acks", 10).await;
    let (acks, deliveries) = (&held.acks, &held.deliveries);
    // The first delivery stays in flight; the other nine are settled.
    for d in &deliveries[1..] {
        assert!(d.ack().await.unwrap());
    }
    // First flush: nothing at the front is done, the nine are only marked as blocked.
    assert_eq!(acks.flush().await, 0);
    // Second flush: they are acked one by one rather than waiting for the first.
    assert_eq!(acks.flush().await, 9);
    // A requeue of the one in flight: it goes back to the queue, not acked.
    assert!(deliveries[0].requeue().await.unwrap());
    assert_eq!(acks.flush().await, 0);
    // Closing the channel returns whatever was not acked: exactly the requeued one.
    assert_eq!(held.close_and_count(1).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_settled_at_the_front_are_acked_together_and_the_rest_stay_unacked() {
    let held = Held::take("acks-multi", 40).await;
    for d in &held.deliveries[..30] {
        d.ack().await.unwrap();
    }
    // The 30 at the front in one flush; the last 10 are still in flight and stay unacked.
    assert_eq!(held.acks.flush().await, 30);
    assert_eq!(held.close_and_count(10).await, 10);
}

/// Bodies go out 8bit to a server that advertises 8BITMIME, and 7-bit (quoted-printable) to
/// one that does not. A message composed 8bit before the server was known is deferred, never
/// pushed at it, and goes out 7-bit on its next attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_are_8bit_only_for_servers_that_advertise_8bitmime() {
    use mailroom::mailer::Mailer;
    use mailroom::store::Store;
    use mailroom::worker::{Outcome, Worker};

    let smtp = Smtp::start(Reply::Accept);
    let old = crate::broker::without_8bitmime(smtp.addr).await;
    for (url, eight_bit) in [(smtp.url(), true), (format!("smtp://{old}"), false)] {
        let state = tempfile::tempdir().unwrap();
        let settings = worker_settings("unused", &url, state.path());
        let mailer = Mailer::new(&settings.smtp_url, "w.test", settings.smtp_timeout, 2).unwrap();
        assert_eq!(mailer.eight_bit_mime(), None);
        let store = Store::open(state.path(), Duration::from_secs(60)).unwrap();
        let worker = Worker::new(
            mailroom::reload::Live::new(pipeline()),
            mailer,
            store,
            settings,
            "encoding-test",
        );
        let id = format!("enc-{eight_bit}");
        let body = serde_json::to_vec(&event(&id, "welcome", "ja")).unwrap();
        let before = smtp.count();
        let (mut outcome, _) = worker.handle(&body).await;
        if !eight_bit {
            match outcome {
                Outcome::Retry { reason } => assert!(reason.contains("8BITMIME"), "{reason}"),
                other => panic!("expected a retry, got {other:?}"),
            }
            assert_eq!(smtp.count(), before, "nothing 8bit reached the old server");
            outcome = worker.handle(&body).await.0;
        }
        assert_eq!(outcome, Outcome::Sent);
        let mail = smtp.received().pop().unwrap();
        let text = mail.text();
        assert_eq!(
            text.matches("Content-Transfer-Encoding: 8bit").count(),
            if eight_bit { 2 } else { 0 },
            "{text}"
        );
        assert_eq!(mail.data.is_ascii(), !eight_bit);
        if eight_bit {
            assert!(text.contains("ようこそ"), "{text}");
        } else {
            assert!(text.contains("Content-Transfer-Encoding: quoted-printable"));
        }
    }
}

/// A recipient whose address is not ASCII (`zoë@…`) needs SMTPUTF8 (RFC 6531). To a server
/// without it the email is rejected at once, naming why, on either kind of server: before,
/// one without 8BITMIME deferred it "to send it 7-bit on retry", which cannot help (the
/// address is in the `To:` header), until the last retry tier. Found by fuzzing `compose`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_ascii_address_without_smtputf8_is_rejected_not_retried() {
    use mailroom::worker::{DeadKind, Outcome};

    let smtp = Smtp::start(Reply::Accept);
    let old = crate::broker::without_8bitmime(smtp.addr).await;
    for url in [smtp.url(), format!("smtp://{old}")] {
        let state = tempfile::tempdir().unwrap();
        let worker = direct_worker(&url, state.path(), "utf8-address-test");
        let e = with(
            event("utf8-addr", "welcome", "en"),
            "user.email",
            json!("zoë@example.com"),
        );
        let body = serde_json::to_vec(&e).unwrap();
        let before = smtp.count();
        // Twice: the second attempt is composed knowing the server (7-bit for the old one).
        for _ in 0..2 {
            match worker.handle(&body).await.0 {
                Outcome::DeadLetter { kind, reason } => {
                    assert_eq!(kind, DeadKind::Rejected);
                    assert!(reason.contains("SMTPUTF8"), "{reason}");
                    assert!(
                        !reason.contains("zoë"),
                        "the address stays out of the reason: {reason}"
                    );
                }
                other => panic!("{url}: expected a rejection, got {other:?}"),
            }
        }
        assert_eq!(smtp.count(), before, "nothing reached the server");
    }
}

/// What one delivery holds while it waits (on the claim, on the SMTP server) is bounded:
/// the handler's future stays a few kilobytes because its stages (preparing, sending,
/// connecting) are boxed and live only while they run. Unboxed it was 65 KB, and each
/// delivery's task 199 KB: at a prefetch of 256 the futures alone took 50 MB.
#[tokio::test]
async fn a_waiting_delivery_holds_kilobytes_not_its_largest_stage() {
    let state = tempfile::tempdir().unwrap();
    let worker = direct_worker("smtp://127.0.0.1:9", state.path(), "size-test");
    let body = serde_json::to_vec(&event("size-1", "welcome", "en")).unwrap();
    let handling = worker.handle(&body);
    let size = std::mem::size_of_val(&handling);
    assert!(
        size <= 8 * 1024,
        "one delivery's handler future is {size} bytes"
    );
}
