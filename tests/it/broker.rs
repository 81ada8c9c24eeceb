//! Test harness for the worker: a real SMTP server in-process (mailin-embedded) with injected
//! failures, the real RabbitMQ on 127.0.0.1:5672 with a fresh queue per test, and helpers to
//! publish, wait and inspect queues.

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lapin::BasicProperties;
use lapin::options::{BasicGetOptions, QueueDeclareOptions, QueueDeleteOptions};
use lapin::types::FieldTable;
use mailin_embedded::response::{self, Response};
use mailin_embedded::{Handler, Server, SslConfig};
use mailroom::amqp::{Broker, Topology};
use mailroom::config::{SecretUrl, WorkerSettings};
use mailroom::mailer::Mailer;
use mailroom::store::Store;
use mailroom::worker::Worker;
use tokio_util::sync::CancellationToken;

pub const AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

/// How the SMTP server answers RCPT.
#[derive(Debug, Clone)]
pub enum Reply {
    Accept,
    /// Answer `code` to the next `times` recipients, then accept.
    FailFirst {
        code: u16,
        times: usize,
    },
    /// Always answer `code`.
    Always(u16),
}

/// One accepted message and the EHLO name of the client that sent it.
#[derive(Debug, Clone)]
pub struct Received {
    pub helo: String,
    pub data: Vec<u8>,
}

impl Received {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let text = self.text();
        let prefix = format!("{name}: ");
        text.split("\r\n")
            .take_while(|l| !l.is_empty())
            .find_map(|l| l.strip_prefix(&prefix).map(str::to_owned))
    }
}

#[derive(Clone)]
struct State {
    reply: Arc<Mutex<Reply>>,
    received: Arc<Mutex<Vec<Received>>>,
    rcpt_attempts: Arc<AtomicUsize>,
    /// Slows every accepted message down, to keep deliveries in flight.
    delay: Duration,
}

#[derive(Clone)]
struct SmtpHandler {
    state: State,
    helo: String,
    buf: Vec<u8>,
}

impl Handler for SmtpHandler {
    fn helo(&mut self, _ip: IpAddr, domain: &str) -> Response {
        self.helo = domain.to_owned();
        response::OK
    }

    fn rcpt(&mut self, _to: &str) -> Response {
        self.state.rcpt_attempts.fetch_add(1, Ordering::SeqCst);
        let mut reply = self.state.reply.lock().unwrap();
        match &mut *reply {
            Reply::Accept => response::OK,
            Reply::Always(code) => Response::custom(*code, "injected failure".to_owned()),
            Reply::FailFirst { code, times } => {
                if *times == 0 {
                    response::OK
                } else {
                    *times -= 1;
                    Response::custom(*code, "injected failure".to_owned())
                }
            }
        }
    }

    fn data_start(&mut self, _d: &str, _f: &str, _is8bit: bool, _to: &[String]) -> Response {
        self.buf.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if !self.state.delay.is_zero() {
            std::thread::sleep(self.state.delay);
        }
        self.state.received.lock().unwrap().push(Received {
            helo: self.helo.clone(),
            data: std::mem::take(&mut self.buf),
        });
        response::OK
    }
}

/// A running in-process SMTP server. Its thread lives until the test binary exits
/// (mailin-embedded has no shutdown), which is harmless: it only listens on loopback.
pub struct Smtp {
    pub addr: SocketAddr,
    state: State,
}

impl Smtp {
    pub fn start(reply: Reply) -> Smtp {
        Smtp::start_on(
            TcpListener::bind("127.0.0.1:0").unwrap(),
            reply,
            Duration::ZERO,
        )
    }

    pub fn start_slow(delay: Duration) -> Smtp {
        Smtp::start_on(
            TcpListener::bind("127.0.0.1:0").unwrap(),
            Reply::Accept,
            delay,
        )
    }

    pub fn start_on(listener: TcpListener, reply: Reply, delay: Duration) -> Smtp {
        let addr = listener.local_addr().unwrap();
        let state = State {
            reply: Arc::new(Mutex::new(reply)),
            received: Arc::default(),
            rcpt_attempts: Arc::default(),
            delay,
        };
        let handler = SmtpHandler {
            state: state.clone(),
            helo: String::new(),
            buf: Vec::new(),
        };
        let mut server = Server::new(handler);
        server
            .with_name("smtp.test")
            .with_num_threads(32)
            .with_ssl(SslConfig::None)
            .unwrap()
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Smtp { addr, state }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.state.received.lock().unwrap().len()
    }

    pub fn rcpt_attempts(&self) -> usize {
        self.state.rcpt_attempts.load(Ordering::SeqCst)
    }
}

/// A loopback port that nothing listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A queue name no other test uses.
pub fn queue_name(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("mailroom.test.{test}.{}.{nanos}", std::process::id())
}

pub fn worker_settings(queue: &str, smtp_url: &str, state: &std::path::Path) -> WorkerSettings {
    WorkerSettings {
        amqp_url: SecretUrl::new(AMQP_URL),
        queue: queue.to_owned(),
        smtp_url: SecretUrl::new(smtp_url),
        smtp_timeout: Duration::from_secs(5),
        concurrency: 8,
        retry_delays: vec![Duration::from_secs(1), Duration::from_secs(1)],
        state_dir: state.to_path_buf(),
        shutdown_timeout: Duration::from_secs(10),
        ..WorkerSettings::default()
    }
}

/// A worker running in this process until [`TestWorker::stop`].
pub struct TestWorker {
    token: CancellationToken,
    handle: tokio::task::JoinHandle<anyhow::Result<()>>,
    pub worker: Arc<Worker>,
}

impl TestWorker {
    pub fn start(settings: WorkerSettings, hello: &str, name: &str) -> TestWorker {
        TestWorker::start_with(crate::helpers::pipeline(), settings, hello, name)
    }

    /// [`TestWorker::start`] with a pipeline of the test's own (other templates, DKIM keys).
    pub fn start_with(
        pipeline: mailroom::pipeline::Pipeline,
        settings: WorkerSettings,
        hello: &str,
        name: &str,
    ) -> TestWorker {
        let mailer = Mailer::new(
            &settings.smtp_url,
            hello,
            settings.smtp_timeout,
            usize::from(settings.concurrency),
        )
        .unwrap();
        let store = Store::open(&settings.state_dir, Duration::from_secs(60)).unwrap();
        let worker = Arc::new(Worker::new(
            mailroom::reload::Live::new(pipeline),
            mailer,
            store,
            settings,
            name,
        ));
        let token = CancellationToken::new();
        let handle = tokio::spawn(worker.clone().run(token.clone()));
        TestWorker {
            token,
            handle,
            worker,
        }
    }

    pub async fn stop(self) {
        self.token.cancel();
        tokio::time::timeout(Duration::from_secs(30), self.handle)
            .await
            .expect("the worker stops within 30 s")
            .unwrap()
            .unwrap();
    }
}

/// A publisher that also declares the topology (so publishing works before a worker runs).
pub async fn publisher(topology: &Topology) -> Broker {
    Broker::connect(
        &SecretUrl::new(AMQP_URL),
        topology,
        "mailroom-test-publisher",
    )
    .await
    .expect("RabbitMQ is running on 127.0.0.1:5672 (scripts/setup-test-env.sh starts it)")
}

pub async fn publish(broker: &Broker, body: &[u8]) {
    let props = BasicProperties::default()
        .with_content_type("application/json".into())
        .with_delivery_mode(2);
    broker
        .publish(&broker.topology().queue, body, props)
        .await
        .unwrap();
}

/// Polls `cond` every 50 ms until it holds or `limit` passes; returns whether it held.
pub async fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if cond() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cond()
}

async fn channel() -> (lapin::Connection, lapin::Channel) {
    mailroom::amqp::connect_plain(&SecretUrl::new(AMQP_URL), "mailroom-test-inspector")
        .await
        .unwrap()
}

/// The broker's view of `queue` (messages ready, consumers), if it exists.
async fn inspect(queue: &str) -> Option<lapin::Queue> {
    let (conn, ch) = channel().await;
    let q = ch
        .queue_declare(
            queue.into(),
            QueueDeclareOptions {
                passive: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .ok();
    let _ = conn.close(200, "done".into()).await;
    q
}

/// Consumers attached to `queue`.
pub async fn consumers(queue: &str) -> u32 {
    inspect(queue).await.map_or(0, |q| q.consumer_count())
}

/// Messages ready in `queue`.
pub async fn depth(queue: &str) -> u32 {
    inspect(queue).await.map_or(0, |q| q.message_count())
}

/// Polls until `queue` holds `n` messages (or `limit` passes); returns the last depth seen.
pub async fn wait_depth(queue: &str, n: u32, limit: Duration) -> u32 {
    let start = Instant::now();
    loop {
        let d = depth(queue).await;
        if d == n || start.elapsed() >= limit {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One test's world: a fresh queue, a state folder, a running worker and a publisher.
pub struct Rig {
    pub worker: TestWorker,
    pub topology: Topology,
    pub broker: Broker,
    /// Also the prefix of the worker's connection names (`<name>-consume`, `<name>-publish`).
    pub name: String,
    _state: tempfile::TempDir,
}

impl Rig {
    /// Starts a worker for test `test` sending to `smtp_url`; `tweak` adjusts its settings.
    pub async fn start(test: &str, smtp_url: &str, tweak: impl FnOnce(&mut WorkerSettings)) -> Rig {
        let state = state_dir();
        let name = queue_name(test);
        let mut settings = worker_settings(&name, smtp_url, state.path());
        tweak(&mut settings);
        let worker = TestWorker::start(settings, "w.test", &name);
        let topology = worker.worker.topology().clone();
        let broker = publisher(&topology).await;
        Rig {
            worker,
            topology,
            broker,
            name,
            _state: state,
        }
    }

    /// Publishes one event (JSON) to the events queue.
    pub async fn send(&self, event: &serde_json::Value) {
        publish(&self.broker, event.to_string().as_bytes()).await;
    }

    /// Stops the worker and deletes the queues.
    pub async fn finish(self) {
        self.worker.stop().await;
        cleanup(&self.topology).await;
    }
}

/// Takes every message out of `queue`: (body, properties).
pub async fn drain(queue: &str) -> Vec<(Vec<u8>, BasicProperties)> {
    let (conn, ch) = channel().await;
    let mut out = Vec::new();
    while let Some(m) = ch
        .basic_get(queue.into(), BasicGetOptions { no_ack: true })
        .await
        .unwrap()
    {
        out.push((m.delivery.data.clone(), m.delivery.properties.clone()));
    }
    let _ = conn.close(200, "done".into()).await;
    out
}

/// Takes messages out of `queue` until `n` arrived or `limit` passed.
pub async fn collect(queue: &str, n: usize, limit: Duration) -> Vec<(Vec<u8>, BasicProperties)> {
    let start = Instant::now();
    let mut out = Vec::new();
    while out.len() < n && start.elapsed() < limit {
        out.extend(drain(queue).await);
        if out.len() < n {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    out
}

/// Deletes the test's queues.
pub async fn cleanup(topology: &Topology) {
    let (conn, ch) = channel().await;
    let mut names = vec![topology.queue.clone(), topology.dlq.clone()];
    names.extend(topology.retry.iter().map(|(_, n)| n.clone()));
    for n in names {
        let _ = ch
            .queue_delete(n.as_str().into(), QueueDeleteOptions::default())
            .await;
    }
    let _ = conn.close(200, "done".into()).await;
}

/// Closes the broker connection whose name is `name`, as an operator (or a network) would.
pub fn force_close_connection(name: &str) -> bool {
    let out = std::process::Command::new("rabbitmqctl")
        .args(["list_connections", "pid", "client_properties", "-q"])
        .output()
        .expect("rabbitmqctl runs");
    let listing = String::from_utf8_lossy(&out.stdout);
    let needle = format!("{{\"connection_name\",\"{name}\"}}");
    let Some(pid) = listing
        .lines()
        .find(|l| l.contains(&needle))
        .and_then(|l| l.split('\t').next())
    else {
        return false;
    };
    std::process::Command::new("rabbitmqctl")
        .args(["close_connection", pid, "closed by a test"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

pub fn state_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A relay in front of `smtp` that hides its 8BITMIME extension (renamed `XBITMIME` in the
/// EHLO reply), like an older server: everything else passes through both ways unchanged.
pub async fn without_8bitmime(smtp: SocketAddr) -> SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let server = tokio::net::TcpStream::connect(smtp).await.unwrap();
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = server.into_split();
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
            });
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                while let Ok(n) = server_read.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    let chunk = String::from_utf8_lossy(&buf[..n]).replace("8BITMIME", "XBITMIME");
                    if client_write.write_all(chunk.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    addr
}
