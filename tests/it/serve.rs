//! `mailroom serve`, the real binary, over real HTTP against the real RabbitMQ: every row of
//! PRODUCT.md's error table (each time showing that nothing was published), the identity
//! providers' payloads, Auth0's retries giving one email, a broker outage (through a proxy
//! this test can cut), the body limits and timeouts, the in-flight cap, SIGTERM, start-up
//! refusals, `--outbox`, and the Auth0 Action run under Node against the running server.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use mailroom::amqp::Topology;
use mailroom::config::{QueueType, WorkerSettings};
use mailroom::ingest::auth::WebhookKey;
use serde_json::{Value, json};

use crate::broker::{
    Reply, Rig, Smtp, cleanup, collect, depth, free_port, publisher, queue_name, wait_until,
};
use crate::helpers::{base_event, root, with};

const TOKEN: &str = "test-token-0123456789abcdef";
const HOOK_SECRET: &str = "v1,whsec_c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ==";
const SUPABASE_URL: &str = "https://abcd.supabase.co";

/// A `mailroom serve` process, stopped (SIGTERM) when dropped.
struct Serve {
    child: Option<Child>,
    base: String,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Serve {
    /// Starts `serve` (with `args`) on a free port with `env`, and waits for `/healthz`.
    fn start(args: &[&str], env: &[(&str, String)]) -> Serve {
        Serve::start_in(&root(), args, env)
    }

    /// [`Serve::start`] in `dir` (its templates and locales).
    fn start_in(dir: &std::path::Path, args: &[&str], env: &[(&str, String)]) -> Serve {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_mailroom"))
            .current_dir(dir)
            .arg("serve")
            .args(args)
            .env_remove("MAILROOM_CONFIG")
            .env("RUST_LOG", "info")
            .env("MAILROOM_HTTP_ADDR", format!("127.0.0.1:{port}"))
            .env("MAILROOM_DIRECTORY", "none")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut pipe = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = pipe.read_to_string(&mut s);
            s
        });
        let serve = Serve {
            child: Some(child),
            base: format!("http://127.0.0.1:{port}"),
            stderr: Some(stderr),
        };
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if raw(
                addr,
                b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            )
            .is_some_and(|r| r.starts_with("HTTP/1.1 200"))
            {
                return serve;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let log = serve.stop();
        panic!("serve did not start:\n{log}");
    }

    fn addr(&self) -> SocketAddr {
        self.base.trim_start_matches("http://").parse().unwrap()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// SIGTERM, wait (bounded), and the log.
    fn stop(mut self) -> String {
        self.terminate();
        self.stderr
            .take()
            .map(|h| h.join().unwrap())
            .unwrap_or_default()
    }

    /// SIGTERM and the exit status.
    fn terminate(&mut self) -> Option<std::process::ExitStatus> {
        let mut child = self.child.take()?;
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Some(status) = child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        child.wait().ok()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// One request over a fresh connection; the whole answer as text.
fn raw(addr: SocketAddr, request: &[u8]) -> Option<String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    s.write_all(request).ok()?;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// An answer: status and JSON body.
#[derive(Debug)]
struct Answer {
    status: u16,
    body: Value,
}

async fn post(url: &str, headers: &[(&str, &str)], body: impl Into<reqwest::Body>) -> Answer {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let mut req = client.post(url).body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let r = req.send().await.expect("serve answers");
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer { status, body }
}

const JSON: (&str, &str) = ("content-type", "application/json");
const BEARER: (&str, &str) = ("authorization", "Bearer test-token-0123456789abcdef");

fn auth0_event() -> Value {
    let text = std::fs::read_to_string(root().join("deploy/auth0/test/event.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn supabase_body(action: &str) -> Value {
    json!({
        "user": {
            "id": "8ccaa7af-909f-44e7-84cb-67cdccb56be6",
            "email": "ana@example.com",
            "user_metadata": {"lang": "fr", "full_name": "Ana Lima"},
            "app_metadata": {"provider": "email"}
        },
        "email_data": {
            "token": "305805",
            "token_hash": "7d5b7b1964cf5d388340a7f04f1dbb5eeb6c7b52ef8270e1737a58d0",
            "redirect_to": "https://app.acme.test/welcome?x=1",
            "email_action_type": action,
            "site_url": "https://app.acme.test",
            "token_new": "",
            "token_hash_new": ""
        }
    })
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn env_for(queue: &str) -> Vec<(&'static str, String)> {
    vec![
        ("MAILROOM_QUEUE", queue.to_owned()),
        ("MAILROOM_INGEST_TOKEN", TOKEN.to_owned()),
        ("MAILROOM_SUPABASE_HOOK_SECRET", HOOK_SECRET.to_owned()),
        ("MAILROOM_SUPABASE_URL", SUPABASE_URL.to_owned()),
    ]
}

fn topology(queue: &str) -> Topology {
    Topology::new(
        queue,
        &WorkerSettings::default().retry_delays,
        QueueType::Classic,
    )
}

/// A request of the error table: what is sent and what must come back.
struct Case {
    what: &'static str,
    path: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    status: u16,
    kind: &'static str,
}

fn case(
    what: &'static str,
    path: &'static str,
    headers: &[(&str, &str)],
    body: impl Into<Vec<u8>>,
    status: u16,
    kind: &'static str,
) -> Case {
    Case {
        what,
        path,
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.into(),
        status,
        kind,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_has_its_status_and_kind_and_publishes_nothing() {
    let queue = queue_name("serve-errors");
    let t = topology(&queue);
    let serve = Serve::start(&[], &env_for(&queue));
    let key = WebhookKey::parse(HOOK_SECRET).unwrap();
    let events = "/v1/events";
    let auth0 = "/v1/auth0/custom-email-provider";
    let supabase = "/v1/supabase/send-email";
    let good = base_event().to_string();
    let with_html = |html: &str| with(auth0_event(), "notification.html", json!(html)).to_string();
    let sb = supabase_body("signup").to_string();
    let ts = now().to_string();
    let signed = key.sign("msg_1", now(), sb.as_bytes());
    let stale_ts = (now() - 600).to_string();
    let stale = key.sign("msg_1", now() - 600, sb.as_bytes());
    let other_key = WebhookKey::parse("v1,whsec_b3RoZXIta2V5LW90aGVyLWtleS1vdGhlcg==").unwrap();
    let wrong_sig = other_key.sign("msg_1", now(), sb.as_bytes());
    let tampered = key.sign("msg_1", now(), b"{}");
    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(70 * 1024));
    let unknown_type = with(base_event(), "type", json!("user.no_such_thing")).to_string();
    let no_id = {
        let mut e = base_event();
        e.as_object_mut().unwrap().remove("id");
        e.to_string()
    };
    let js_link = with_html("<p>mailroom-url: javascript:alert(1)</p>");
    let sig_headers = |ts: &str, sig: &str| -> Vec<(String, String)> {
        vec![
            ("content-type".into(), "application/json".into()),
            ("webhook-id".into(), "msg_1".into()),
            ("webhook-timestamp".into(), ts.to_owned()),
            ("webhook-signature".into(), sig.to_owned()),
        ]
    };
    let mut cases = vec![
        case(
            "not JSON",
            events,
            &[JSON, BEARER],
            "{not json",
            400,
            "malformed",
        ),
        case(
            "a JSON array",
            events,
            &[JSON, BEARER],
            "[1,2]",
            400,
            "malformed",
        ),
        case(
            "an event without an id",
            events,
            &[JSON, BEARER],
            no_id,
            400,
            "malformed",
        ),
        case(
            "an event whose link is javascript:",
            events,
            &[JSON, BEARER],
            with(base_event(), "data.url", json!("javascript:alert(1)")).to_string(),
            400,
            "malformed",
        ),
        case(
            "an unroutable event type",
            events,
            &[JSON, BEARER],
            unknown_type,
            422,
            "unroutable",
        ),
        case(
            "an event without the link its template needs",
            events,
            &[JSON, BEARER],
            with(base_event(), "data", json!({})).to_string(),
            400,
            "malformed",
        ),
        case(
            "an event whose recipient is not an address",
            events,
            &[JSON, BEARER],
            with(base_event(), "user.email", json!("not-an-address")).to_string(),
            400,
            "malformed",
        ),
        case(
            "a key given twice",
            events,
            &[JSON, BEARER],
            good.replacen('{', "{\"id\":\"evt_twice\",", 1),
            400,
            "malformed",
        ),
        case(
            "no token",
            events,
            &[JSON],
            good.clone(),
            401,
            "unauthorized",
        ),
        case(
            "a wrong token",
            events,
            &[JSON, ("authorization", "Bearer not-the-token-at-all")],
            good.clone(),
            401,
            "unauthorized",
        ),
        case(
            "Basic instead of Bearer",
            auth0,
            &[JSON, ("authorization", "Basic dGVzdDp0ZXN0")],
            auth0_event().to_string(),
            401,
            "unauthorized",
        ),
        case(
            "text/plain",
            events,
            &[("content-type", "text/plain"), BEARER],
            good.clone(),
            415,
            "unsupported_media_type",
        ),
        case(
            "no content type",
            events,
            &[BEARER],
            good.clone(),
            415,
            "unsupported_media_type",
        ),
        case(
            "a 70 KiB body",
            events,
            &[JSON, BEARER],
            big.clone(),
            413,
            "too_large",
        ),
        case(
            "an Auth0 notification without its marker",
            auth0,
            &[JSON, BEARER],
            with_html("<p>Click here: https://acme.test/verify</p>"),
            400,
            "malformed",
        ),
        case(
            "an Auth0 javascript: link",
            auth0,
            &[JSON, BEARER],
            js_link,
            400,
            "malformed",
        ),
        case(
            "an unknown Auth0 message_type",
            auth0,
            &[JSON, BEARER],
            with(
                auth0_event(),
                "notification.message_type",
                json!("fax_email"),
            )
            .to_string(),
            422,
            "unroutable",
        ),
        case(
            "Auth0's breach alert from the shipped stub, which has no link (stolen_credentials needs one)",
            auth0,
            &[JSON, BEARER],
            with(
                with(
                    auth0_event(),
                    "notification.message_type",
                    json!("stolen_credentials"),
                ),
                "notification.html",
                json!("<p>mailroom: stolen_credentials</p>"),
            )
            .to_string(),
            400,
            "malformed",
        ),
        case(
            "Auth0: no token",
            auth0,
            &[JSON],
            auth0_event().to_string(),
            401,
            "unauthorized",
        ),
        case(
            "Auth0: not JSON",
            auth0,
            &[JSON, BEARER],
            "<xml/>",
            400,
            "malformed",
        ),
    ];
    // Supabase: its own error body; its signature instead of the token.
    let mut sb_cases = vec![
        (
            "no signature headers",
            vec![("content-type".to_owned(), "application/json".to_owned())],
            sb.clone(),
            401,
        ),
        (
            "a wrong key's signature",
            sig_headers(&ts, &wrong_sig),
            sb.clone(),
            401,
        ),
        (
            "a signature of another body",
            sig_headers(&ts, &tampered),
            sb.clone(),
            401,
        ),
        (
            "a stale timestamp",
            sig_headers(&stale_ts, &stale),
            sb.clone(),
            401,
        ),
        (
            "a garbled signature",
            sig_headers(&ts, "v1,!!!"),
            sb.clone(),
            401,
        ),
    ];
    let unknown_action = supabase_body("sms_otp").to_string();
    let unknown_sig = key.sign("msg_2", now(), unknown_action.as_bytes());
    let mut h = sig_headers(&ts, &unknown_sig);
    h[1].1 = "msg_2".to_owned();
    sb_cases.push(("an unknown email_action_type", h, unknown_action, 422));
    let no_token = {
        let mut b = supabase_body("signup");
        b["email_data"]
            .as_object_mut()
            .unwrap()
            .remove("token_hash");
        b.to_string()
    };
    let no_token_sig = key.sign("msg_3", now(), no_token.as_bytes());
    let mut h = sig_headers(&ts, &no_token_sig);
    h[1].1 = "msg_3".to_owned();
    sb_cases.push(("a signup without token_hash", h, no_token, 400));
    for (what, headers, body, status) in sb_cases {
        cases.push(Case {
            what,
            path: supabase,
            headers,
            body: body.into_bytes(),
            status,
            kind: "",
        });
    }

    for c in &cases {
        let headers: Vec<(&str, &str)> = c
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let a = post(&serve.url(c.path), &headers, c.body.clone()).await;
        assert_eq!(a.status, c.status, "{}: {a:?}", c.what);
        let error = &a.body["error"];
        let message = error["message"].as_str().unwrap_or("");
        assert!(!message.is_empty(), "{}: no message in {a:?}", c.what);
        if c.path == supabase {
            assert_eq!(error["http_code"], json!(c.status), "{}: {a:?}", c.what);
        } else {
            assert_eq!(error["kind"], json!(c.kind), "{}: {a:?}", c.what);
        }
        assert!(
            !message.contains(TOKEN) && !message.contains("not-the-token"),
            "{}",
            c.what
        );
    }
    // Nothing was published by any of them...
    assert_eq!(depth(&queue).await, 0, "a refused request was queued");
    // ...while the same server queues a good one on each endpoint (so the queue is real).
    let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let a = post(
        &serve.url(events),
        &[JSON, BEARER, ("traceparent", traceparent)],
        good.clone(),
    )
    .await;
    assert_eq!(a.status, 202, "{a:?}");
    assert_eq!(a.body, json!({"id": "evt_test_1", "status": "queued"}));
    let a = post(
        &serve.url(auth0),
        &[JSON, BEARER],
        auth0_event().to_string(),
    )
    .await;
    assert_eq!(a.status, 202, "{a:?}");
    assert_eq!(a.body["status"], "queued");
    assert_eq!(a.body["template"], "verify_email");
    let auth0_id = a.body["id"].as_str().unwrap().to_owned();
    assert!(
        auth0_id.starts_with("auth0-") && auth0_id.len() == 6 + 64,
        "{auth0_id}"
    );
    let headers = sig_headers(
        &now().to_string(),
        &key.sign("msg_ok", now(), sb.as_bytes()),
    );
    let mut headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    headers[1].1 = "msg_ok";
    let a = post(&serve.url(supabase), &headers, sb.clone()).await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.body, json!({}));

    let queued = collect(&queue, 3, Duration::from_secs(10)).await;
    assert_eq!(queued.len(), 3);
    let bodies: Vec<Value> = queued
        .iter()
        .map(|(b, _)| serde_json::from_slice(b).unwrap())
        .collect();
    let sb_event = bodies
        .iter()
        .find(|e| e["id"] == "supabase-msg_ok")
        .expect("the Supabase event");
    assert_eq!(sb_event["type"], "user.verification_requested");
    assert_eq!(
        sb_event["data"]["url"],
        "https://abcd.supabase.co/auth/v1/verify?token=7d5b7b1964cf5d388340a7f04f1dbb5eeb6c7b52ef8270e1737a58d0&type=signup&redirect_to=https%3A%2F%2Fapp.acme.test%2Fwelcome%3Fx%3D1"
    );
    assert_eq!(sb_event["user"]["user_metadata"]["lang"], "fr");
    let a0 = bodies
        .iter()
        .find(|e| e["id"] == json!(auth0_id))
        .expect("the Auth0 event");
    assert_eq!(
        a0["data"]["url"],
        "https://acme.eu.auth0.com/u/email-verification?ticket=Zx8&lang=fr#"
    );
    assert_eq!(a0["notification"]["locale"], "fr-CA");
    // The request's traceparent travels with the event, for the worker's log lines.
    let (_, v1_props) = queued
        .iter()
        .find(|(b, _)| serde_json::from_slice::<Value>(b).unwrap()["id"] == "evt_test_1")
        .unwrap();
    assert_eq!(
        mailroom::amqp::header_text(v1_props, "traceparent").as_deref(),
        Some(traceparent)
    );
    for (_, props) in &queued {
        assert_eq!(props.delivery_mode(), &Some(2), "persistent");
        assert_eq!(
            props.content_type().as_ref().map(|c| c.as_str()),
            Some("application/json")
        );
    }

    // Counted by endpoint and status.
    let metrics = reqwest::get(serve.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for series in [
        "mailroom_ingest_requests_total{endpoint=\"events\",status=\"202\"} 1",
        "mailroom_ingest_requests_total{endpoint=\"events\",status=\"401\"} 2",
        "mailroom_ingest_requests_total{endpoint=\"supabase\",status=\"401\"} 5",
        "mailroom_ingest_requests_total{endpoint=\"auth0\",status=\"422\"} 1",
    ] {
        assert!(metrics.contains(series), "{series} missing:\n{metrics}");
    }
    let log = serve.stop();
    for secret in [
        TOKEN,
        "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ",
        &wrong_sig,
        &signed,
    ] {
        assert!(!log.contains(secret), "a secret reached the log:\n{log}");
    }
    assert!(log.contains("refused"), "{log}");
    // serve's own line for the request names its trace id.
    assert!(
        log.lines()
            .any(|l| l.contains("accepted") && l.contains("0af7651916cd43dd8448eb211c80319c")),
        "{log}"
    );
    cleanup(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_auth0_notification_twice_gives_one_email_in_the_users_language() {
    let smtp = Smtp::start(Reply::Accept);
    let rig = Rig::start("serve-auth0", &smtp.url(), |_| {}).await;
    let serve = Serve::start(&[], &env_for(&rig.topology.queue));
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let mut ids = Vec::new();
    for _ in 0..2 {
        let a = post(
            &serve.url("/v1/auth0/custom-email-provider"),
            &[JSON, BEARER, ("traceparent", traceparent)],
            auth0_event().to_string(),
        )
        .await;
        assert_eq!(a.status, 202, "{a:?}");
        ids.push(a.body["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids[0], ids[1], "Auth0's retry has the same id");
    assert!(wait_until(Duration::from_secs(20), || smtp.count() >= 1).await);
    // Both deliveries were handled: the queue is empty, and still one email.
    assert_eq!(
        crate::broker::wait_depth(&rig.topology.queue, 0, Duration::from_secs(10)).await,
        0
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.count(), 1, "Auth0's retry sent a second email");
    let mail = &smtp.received()[0];
    let text = mail.text();
    assert!(
        text.contains("To: \"Ana Lima\" <ana@example.com>"),
        "{text}"
    );
    // user_metadata.lang (pt-BR) wins over notification.locale (fr-CA).
    assert!(text.contains("Content-Language: pt-BR"), "{text}");
    assert!(
        text.contains("https://acme.eu.auth0.com/u/email-verification?ticket=Zx8&amp;lang=fr#")
            || text.contains("ticket=Zx8"),
        "{text}"
    );
    drop(serve);
    // serve declared the queue's retry tiers with the default delays, the rig's worker its own.
    let declared_by_serve = topology(&rig.topology.queue);
    rig.finish().await;
    cleanup(&declared_by_serve).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notification_locale_chooses_the_language_when_the_profile_has_none() {
    let queue = queue_name("serve-locale");
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(
        &["--outbox", dir.path().to_str().unwrap()],
        &[("MAILROOM_QUEUE", queue.clone())],
    );
    let mut e = auth0_event();
    e["user"]["user_metadata"] = json!({});
    e["notification"]["locale"] = json!("fr-CA");
    let a = post(
        &serve.url("/v1/auth0/custom-email-provider"),
        &[JSON],
        e.to_string(),
    )
    .await;
    assert_eq!(a.status, 202, "{a:?}");
    assert_eq!(a.body["status"], "written");
    let id = a.body["id"].as_str().unwrap();
    let eml = std::fs::read_to_string(dir.path().join(format!("{id}.eml"))).unwrap();
    assert!(eml.contains("Content-Language: fr"), "{eml}");
    // Posted again: the same file, not a second one.
    let a = post(
        &serve.url("/v1/auth0/custom-email-provider"),
        &[JSON],
        e.to_string(),
    )
    .await;
    assert_eq!(a.status, 202, "{a:?}");
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|f| f.ok())
        .filter(|f| f.path().extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(files.len(), 1);
    // Without a token on loopback, /v1/events needs none either; and nothing reached a queue.
    let a = post(&serve.url("/v1/events"), &[JSON], base_event().to_string()).await;
    assert_eq!(a.body, json!({"id": "evt_test_1", "status": "written"}));
    assert_eq!(depth(&queue).await, 0);
    let status = {
        let mut serve = serve;
        serve.terminate()
    };
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}

/// A TCP proxy to RabbitMQ that the test can cut (closing every connection and refusing
/// new ones) and restore: a broker outage that no other test sees.
struct Proxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    /// Connections stay open but nothing is forwarded: a broker that stopped answering.
    frozen: Arc<AtomicBool>,
    generation: Arc<std::sync::atomic::AtomicU64>,
}

impl Proxy {
    fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let frozen = Arc::new(AtomicBool::new(false));
        let generation = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (u, g, f) = (up.clone(), generation.clone(), frozen.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if !u.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let Ok(server) = TcpStream::connect("127.0.0.1:5672") else {
                    continue;
                };
                let born = g.load(Ordering::SeqCst);
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    let (u, g, f) = (u.clone(), g.clone(), f.clone());
                    std::thread::spawn(move || {
                        from.set_read_timeout(Some(Duration::from_millis(100)))
                            .unwrap();
                        let mut buf = [0u8; 16 * 1024];
                        loop {
                            if !u.load(Ordering::SeqCst) || g.load(Ordering::SeqCst) != born {
                                let _ = from.shutdown(std::net::Shutdown::Both);
                                let _ = to.shutdown(std::net::Shutdown::Both);
                                return;
                            }
                            if f.load(Ordering::SeqCst) {
                                std::thread::sleep(Duration::from_millis(50));
                                continue;
                            }
                            match from.read(&mut buf) {
                                Ok(0) => {
                                    let _ = to.shutdown(std::net::Shutdown::Both);
                                    return;
                                }
                                Ok(n) => {
                                    if to.write_all(&buf[..n]).is_err() {
                                        return;
                                    }
                                }
                                Err(e)
                                    if matches!(
                                        e.kind(),
                                        std::io::ErrorKind::WouldBlock
                                            | std::io::ErrorKind::TimedOut
                                    ) => {}
                                Err(_) => return,
                            }
                        }
                    });
                }
            }
        });
        Proxy {
            addr,
            up,
            frozen,
            generation,
        }
    }

    fn url(&self) -> String {
        format!("amqp://guest:guest@{}/%2f", self.addr)
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

async fn ready(serve: &Serve) -> u16 {
    match reqwest::get(serve.url("/readyz")).await {
        Ok(r) => r.status().as_u16(),
        Err(_) => 0,
    }
}

async fn wait_ready(serve: &Serve, want: u16, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if ready(serve).await == want {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_outage_answers_503_and_readyz_fails_until_it_is_back() {
    let queue = queue_name("serve-outage");
    let t = topology(&queue);
    let proxy = Proxy::start();
    let mut env = env_for(&queue);
    env.push(("MAILROOM_AMQP_URL", proxy.url()));
    let serve = Serve::start(&[], &env);
    assert!(wait_ready(&serve, 200, Duration::from_secs(10)).await);
    let event = |id: &str| with(base_event(), "id", json!(id)).to_string();
    let a = post(
        &serve.url("/v1/events"),
        &[JSON, BEARER],
        event("evt_before"),
    )
    .await;
    assert_eq!(a.status, 202, "{a:?}");

    proxy.cut();
    // The lost connection is noticed: /readyz fails (load balancers stop sending), and a
    // request is answered 503 (retry) at once, never 202.
    assert!(
        wait_ready(&serve, 503, Duration::from_secs(5)).await,
        "/readyz still ready"
    );
    let started = Instant::now();
    let a = post(
        &serve.url("/v1/events"),
        &[JSON, BEARER],
        event("evt_during"),
    )
    .await;
    assert_eq!(a.status, 503, "{a:?}");
    assert_eq!(a.body["error"]["kind"], "unavailable");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let health = reqwest::get(serve.url("/healthz")).await.unwrap();
    assert_eq!(
        health.status().as_u16(),
        200,
        "alive while the broker is away"
    );

    proxy.restore();
    assert!(
        wait_ready(&serve, 200, Duration::from_secs(15)).await,
        "never ready again"
    );
    let a = post(
        &serve.url("/v1/events"),
        &[JSON, BEARER],
        event("evt_after"),
    )
    .await;
    assert_eq!(a.status, 202, "{a:?}");

    // Exactly what was confirmed is queued.
    let queued = collect(&queue, 2, Duration::from_secs(10)).await;
    let ids: Vec<Value> = queued
        .iter()
        .map(|(b, _)| serde_json::from_slice::<Value>(b).unwrap()["id"].clone())
        .collect();
    assert_eq!(ids, [json!("evt_before"), json!("evt_after")]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(depth(&queue).await, 0);

    // A broker that keeps the connection and stops answering: no confirm, so 503 once the
    // confirm timeout (5 s) has passed, not 202 and not a request hanging.
    proxy.freeze();
    // Every forwarding thread sees the flag within its 100 ms read timeout.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let a = post(
        &serve.url("/v1/events"),
        &[JSON, BEARER],
        event("evt_frozen"),
    )
    .await;
    assert_eq!(a.status, 503, "{a:?}");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did not confirm within 5s"),
        "{a:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    let log = serve.stop();
    assert!(log.contains("answering 503"), "{log}");
    cleanup(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_that_stops_answering_gets_a_503_within_the_confirm_timeout() {
    // A "broker" that accepts TCP and says nothing: start-up goes on (not ready), requests
    // are refused at once rather than hanging.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let _hold = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in silent.incoming().take(16) {
            held.push(s);
        }
    });
    let queue = queue_name("serve-silent");
    let mut env = env_for(&queue);
    env.push((
        "MAILROOM_AMQP_URL",
        format!("amqp://guest:guest@{addr}/%2f"),
    ));
    let serve = Serve::start(&[], &env);
    assert_eq!(ready(&serve).await, 503);
    let started = Instant::now();
    let a = post(
        &serve.url("/v1/events"),
        &[JSON, BEARER],
        base_event().to_string(),
    )
    .await;
    assert_eq!(a.status, 503, "{a:?}");
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    let status = {
        let mut serve = serve;
        serve.terminate()
    };
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}

/// Headers and the first part of a body; the rest is the caller's to send (or not).
fn partial(addr: SocketAddr, path: &str, body: &str, sent: usize) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&body.as_bytes()[..sent]).unwrap();
    s
}

fn answer(mut s: TcpStream) -> String {
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_bodies_the_in_flight_cap_and_sigterm() {
    let queue = queue_name("serve-slow");
    let t = topology(&queue);
    let mut env = env_for(&queue);
    env.push(("MAILROOM_HTTP_MAX_IN_FLIGHT", "1".to_owned()));
    let mut serve = Serve::start(&[], &env);
    let addr = serve.addr();
    let body = with(base_event(), "id", json!("evt_slow")).to_string();

    // A client that never finishes its body: 408 after the body timeout, nothing queued.
    let started = Instant::now();
    let s = partial(addr, "/v1/events", &body, 10);
    let reply = tokio::task::spawn_blocking(move || answer(s))
        .await
        .unwrap();
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("\"kind\":\"timeout\""), "{reply}");
    assert!(
        started.elapsed() >= Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );

    // One request in flight (its body still coming) holds the only permit: the next is 503.
    let mut first = partial(addr, "/v1/events", &body, 10);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let a = post(
        &serve.url("/v1/events"),
        &[JSON, BEARER],
        base_event().to_string(),
    )
    .await;
    assert_eq!(a.status, 503, "{a:?}");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("in flight"),
        "{a:?}"
    );

    // SIGTERM while it is in flight: it still finishes and is queued; then the process exits 0.
    let _ = Command::new("kill")
        .args(["-TERM", &serve.child.as_ref().unwrap().id().to_string()])
        .status();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // No new connections are taken once shutdown began.
    assert!(
        raw(addr, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").is_none_or(|r| r.is_empty()),
        "a new connection was served after SIGTERM"
    );
    first.write_all(&body.as_bytes()[10..]).unwrap();
    let reply = tokio::task::spawn_blocking(move || answer(first))
        .await
        .unwrap();
    assert!(reply.starts_with("HTTP/1.1 202"), "{reply}");
    let status = serve.terminate();
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
    let queued = collect(&queue, 1, Duration::from_secs(10)).await;
    assert_eq!(queued.len(), 1);
    cleanup(&t).await;
}

#[test]
fn start_up_refuses_what_cannot_be_safe_or_work() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let in_use = taken.local_addr().unwrap().to_string();
    for (env, names) in [
        (
            vec![("MAILROOM_HTTP_ADDR", "0.0.0.0:0")],
            "MAILROOM_INGEST_TOKEN",
        ),
        (
            vec![
                ("MAILROOM_SUPABASE_HOOK_SECRET", HOOK_SECRET),
                ("MAILROOM_HTTP_ADDR", "127.0.0.1:0"),
            ],
            "MAILROOM_SUPABASE_URL",
        ),
        (
            vec![("MAILROOM_HTTP_ADDR", in_use.as_str())],
            "MAILROOM_HTTP_ADDR",
        ),
        (
            vec![("MAILROOM_INGEST_TOKEN", "short")],
            "MAILROOM_INGEST_TOKEN",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let dir_arg = dir.path().to_str().unwrap().to_owned();
        let o =
            crate::helpers::mailroom_with(&root(), &["serve", "--outbox", &dir_arg], &env, None);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{env:?}: {err}");
        assert!(err.contains(names), "{env:?}: {err}");
        assert!(!err.contains("whsec_c2Vj"), "the secret was shown: {err}");
    }
    drop(taken);
}

/// The Auth0 Action of `deploy/auth0/action.js`, run under Node against this server.
fn action(serve: &Serve, token: &str) -> Value {
    let o = Command::new("node")
        .current_dir(root())
        .args([
            "deploy/auth0/test/run-action.mjs",
            "--url",
            &serve.base,
            "--token",
            token,
        ])
        .output()
        .expect("node runs (scripts/setup-test-env.sh installs it)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_auth0_action_under_node_sends_drops_and_retries_by_what_serve_answers() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(
        &["--outbox", dir.path().to_str().unwrap()],
        &[("MAILROOM_INGEST_TOKEN", TOKEN.to_owned())],
    );
    let sent = tokio::task::block_in_place(|| action(&serve, TOKEN));
    assert_eq!(sent["outcome"], "sent", "{sent}");
    let emails = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(emails, 1, "the Action's email was written");
    let dropped = tokio::task::block_in_place(|| action(&serve, "wrong-token-wrong-token"));
    assert_eq!(dropped["outcome"], "drop", "{dropped}");
    assert!(
        !dropped.to_string().contains("wrong-token-wrong-token"),
        "the token reached the Action's logs: {dropped}"
    );
    drop(serve);

    // A server whose broker is unreachable answers 503: the Action asks Auth0 to retry.
    let queue = queue_name("serve-action");
    let dead = free_port();
    let serve = Serve::start(
        &[],
        &[
            ("MAILROOM_INGEST_TOKEN", TOKEN.to_owned()),
            ("MAILROOM_QUEUE", queue.clone()),
            (
                "MAILROOM_AMQP_URL",
                format!("amqp://guest:guest@127.0.0.1:{dead}/%2f"),
            ),
        ],
    );
    let retried = tokio::task::block_in_place(|| action(&serve, TOKEN));
    assert_eq!(retried["outcome"], "retry", "{retried}");
    drop(serve);
    // Nothing was declared or queued anywhere for it.
    let _ = publisher(&topology(&queue)).await;
    assert_eq!(depth(&queue).await, 0);
    cleanup(&topology(&queue)).await;
}

async fn reloads(serve: &Serve, result: &str) -> f64 {
    let text = reqwest::get(serve.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let series = format!("mailroom_reloads_total{{result=\"{result}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&series)?.trim().parse().ok())
        .unwrap_or(-1.0)
}

async fn wait_reloads(serve: &Serve, result: &str, n: f64) -> f64 {
    let started = Instant::now();
    loop {
        let got = reloads(serve, result).await;
        if got >= n || started.elapsed() > Duration::from_secs(15) {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn subject_of(dir: &std::path::Path, id: &str) -> String {
    let eml = std::fs::read_to_string(dir.join(format!("{id}.eml"))).unwrap();
    eml.lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_reloads_templates_on_change_and_sighup_and_keeps_the_last_good_set() {
    let scratch = crate::helpers::scratch_copy();
    let d = scratch.path();
    let out = tempfile::tempdir().unwrap();
    let mut serve = Serve::start_in(d, &["--outbox", out.path().to_str().unwrap()], &[]);
    let send = async |serve: &Serve, id: &str| {
        let a = post(
            &serve.url("/v1/events"),
            &[JSON],
            with(base_event(), "id", json!(id)).to_string(),
        )
        .await;
        assert_eq!(a.status, 202, "{a:?}");
        subject_of(out.path(), id)
    };
    assert!(
        send(&serve, "evt_r1")
            .await
            .starts_with("Confirm your email address for")
    );

    let en = d.join("locales/en/verify_email.ftl");
    let text = std::fs::read_to_string(&en).unwrap();
    std::fs::write(
        &en,
        text.replace(
            "Confirm your email address for",
            "Please confirm your address for",
        ),
    )
    .unwrap();
    assert_eq!(wait_reloads(&serve, "ok", 1.0).await, 1.0);
    assert!(
        send(&serve, "evt_r2")
            .await
            .starts_with("Please confirm your address for")
    );

    // A template broken: refused, and serve goes on with the last good set.
    let body = d.join("templates/verify_email/body.html");
    let good = std::fs::read_to_string(&body).unwrap();
    std::fs::write(&body, format!("{good}\n{{% if %}}")).unwrap();
    assert_eq!(wait_reloads(&serve, "error", 1.0).await, 1.0);
    assert!(
        send(&serve, "evt_r3")
            .await
            .starts_with("Please confirm your address for")
    );

    // SIGHUP reloads too (the set fixed again).
    std::fs::write(&body, &good).unwrap();
    assert_eq!(wait_reloads(&serve, "ok", 2.0).await, 2.0);
    let _ = Command::new("kill")
        .args(["-HUP", &serve.child.as_ref().unwrap().id().to_string()])
        .status();
    assert_eq!(wait_reloads(&serve, "ok", 3.0).await, 3.0);
    assert_eq!(serve.terminate().map(|s| s.success()), Some(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_password_resets_and_the_provider_test_become_emails() {
    let out = tempfile::tempdir().unwrap();
    let serve = Serve::start(&["--outbox", out.path().to_str().unwrap()], &[]);
    let url = serve.url("/v1/auth0/custom-email-provider");
    let reset = with(
        auth0_event(),
        "notification.message_type",
        json!("reset_email"),
    );
    let a = post(&url, &[JSON], reset.to_string()).await;
    assert_eq!(a.status, 202, "{a:?}");
    assert_eq!(a.body["template"], "reset_email");
    let id = a.body["id"].as_str().unwrap();
    // pt-BR from user_metadata.lang; Auth0's link from the stub.
    assert_eq!(subject_of(out.path(), id), "Redefina sua senha do Acme");

    let mut code = with(
        auth0_event(),
        "notification.message_type",
        json!("reset_email_by_code"),
    );
    code["notification"]["html"] = json!("<p>mailroom-code: 739215</p>");
    let a = post(&url, &[JSON], code.to_string()).await;
    assert_eq!(a.status, 202, "{a:?}");
    let subject = subject_of(out.path(), a.body["id"].as_str().unwrap());
    assert!(subject.starts_with("739215 "), "{subject}");

    let mut test = with(
        auth0_event(),
        "notification.message_type",
        json!("try_provider_configuration_email"),
    );
    test["notification"]["html"] = json!("<p>mailroom: try_provider_configuration_email</p>");
    let a = post(&url, &[JSON], test.to_string()).await;
    assert_eq!(a.status, 202, "{a:?}");
    assert_eq!(a.body["template"], "provider_test");
}
