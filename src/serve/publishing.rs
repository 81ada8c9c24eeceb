//! The broker side of `serve`: one confirming [`Publisher`], kept connected by a supervisor
//! task. A request publishes through whatever publisher is up; when none is, or the broker
//! does not confirm within [`CONFIRM_TIMEOUT`], the request is answered 503 and the caller
//! retries. Nothing is answered 202 that the broker did not confirm.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::amqp::{AmqpError, BasicProperties, PublishError, Publisher, Topology};
use crate::config::SecretUrl;
use crate::ingest::{Refusal, RefusalKind};

/// How long a request waits for the broker's confirm before it is answered 503.
pub const CONFIRM_TIMEOUT: Duration = Duration::from_secs(5);
/// Bound on one connection attempt (a broker that accepts TCP and never speaks).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the supervisor looks at the connection when nothing reported a failure.
const CHECK_EVERY: Duration = Duration::from_millis(250);
/// Longest wait between connection attempts: short, since `/readyz` and every request wait
/// on it.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// The publisher in service, if any, and its supervisor's signals.
pub struct Publishing {
    current: ArcSwapOption<Publisher>,
    /// Set by a request whose publish failed: the supervisor replaces the publisher.
    stale: AtomicBool,
    wake: Notify,
    url: SecretUrl,
    topology: Topology,
    name: String,
}

impl std::fmt::Debug for Publishing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publishing")
            .field("queue", &self.topology.queue)
            .field("up", &self.is_up())
            .finish()
    }
}

fn unavailable(message: String) -> Refusal {
    Refusal::new(RefusalKind::Unavailable, message)
}

impl Publishing {
    pub fn new(url: SecretUrl, topology: Topology, name: &str) -> Arc<Publishing> {
        Arc::new(Publishing {
            current: ArcSwapOption::empty(),
            stale: AtomicBool::new(false),
            wake: Notify::new(),
            url,
            topology,
            name: name.to_owned(),
        })
    }

    pub fn queue(&self) -> &str {
        &self.topology.queue
    }

    /// Whether a publisher is connected now (`/readyz`).
    pub fn is_up(&self) -> bool {
        self.current.load().as_ref().is_some_and(|p| p.is_open())
    }

    /// Connects once, for start-up: `Err` only for a refusal no retry will fix (wrong
    /// credentials, a queue declared with other arguments), naming the setting. A broker
    /// that is merely down is a warning: the supervisor keeps trying and `/readyz` says so.
    pub async fn start(&self) -> Result<(), crate::config::ConfigError> {
        match self.connect().await {
            Ok(p) => {
                self.install(p);
                Ok(())
            }
            Err(Some(e)) => match crate::amqp::refusal(&e) {
                Some((key, why)) => Err(crate::config::ConfigError::Value {
                    key: key.to_owned(),
                    message: format!("the broker refuses it: {why}"),
                }),
                None => {
                    tracing::warn!(
                        broker = %self.url.redacted(),
                        "cannot reach the broker ({e}); answering 503 until it is back"
                    );
                    Ok(())
                }
            },
            Err(None) => {
                tracing::warn!(
                    broker = %self.url.redacted(),
                    "the broker did not answer within {}s; answering 503 until it does",
                    CONNECT_TIMEOUT.as_secs()
                );
                Ok(())
            }
        }
    }

    /// `Err(None)`: the attempt timed out.
    async fn connect(&self) -> Result<Publisher, Option<AmqpError>> {
        match tokio::time::timeout(
            CONNECT_TIMEOUT,
            Publisher::connect(&self.url, &self.topology, &self.name),
        )
        .await
        {
            Ok(Ok(p)) => Ok(p),
            Ok(Err(e)) => Err(Some(e)),
            Err(_) => Err(None),
        }
    }

    fn install(&self, p: Publisher) {
        self.stale.store(false, Ordering::Relaxed);
        self.current.store(Some(Arc::new(p)));
        crate::metrics::ready(true);
        tracing::info!(
            queue = %self.topology.queue,
            broker = %self.url.redacted(),
            "publishing"
        );
    }

    /// Publishes `body` to the events queue and waits for the confirm: `Ok` only once the
    /// broker has the event.
    pub async fn publish(&self, body: &[u8], properties: BasicProperties) -> Result<(), Refusal> {
        let Some(p) = self.current.load_full().filter(|p| p.is_open()) else {
            self.wake.notify_one();
            return Err(unavailable(
                "the broker is unreachable; the event was not queued (retry)".to_owned(),
            ));
        };
        match tokio::time::timeout(
            CONFIRM_TIMEOUT,
            p.publish(&self.topology.queue, body, properties),
        )
        .await
        {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                // A closed channel, a nack, a queue deleted under us: a new publisher
                // (which declares the queues again) is the cure for all of them.
                if !matches!(e, PublishError::Nacked) {
                    self.stale.store(true, Ordering::Relaxed);
                    self.wake.notify_one();
                }
                tracing::warn!("publish failed: {e}");
                Err(unavailable(format!(
                    "the broker did not take the event ({e}); retry"
                )))
            }
            Err(_) => Err(unavailable(format!(
                "the broker did not confirm within {}s; the event may not be queued (retry)",
                CONFIRM_TIMEOUT.as_secs()
            ))),
        }
    }

    /// Keeps a publisher connected until `shutdown`, then closes it.
    pub async fn supervise(self: Arc<Self>, shutdown: CancellationToken) {
        let mut delay = Duration::from_millis(200);
        let mut failures = 0u32;
        loop {
            let up = self.current.load_full();
            match up {
                Some(p) if p.is_open() && !self.stale.load(Ordering::Relaxed) => {
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = self.wake.notified() => {}
                        () = tokio::time::sleep(CHECK_EVERY) => {}
                    }
                }
                Some(p) => {
                    self.current.store(None);
                    crate::metrics::ready(false);
                    tracing::warn!(
                        broker = %self.url.redacted(),
                        "the broker connection was lost; answering 503 until it is back"
                    );
                    // Closing waits on the broker; it must not hold up reconnecting.
                    tokio::spawn(async move {
                        let _ = tokio::time::timeout(CONNECT_TIMEOUT, p.close()).await;
                    });
                }
                None => {
                    let attempt = tokio::select! {
                        () = shutdown.cancelled() => break,
                        r = self.connect() => r,
                    };
                    match attempt {
                        Ok(p) => {
                            self.install(p);
                            delay = Duration::from_millis(200);
                            failures = 0;
                        }
                        Err(e) => {
                            failures += 1;
                            // The first failure and then one line a minute or so, not one per attempt.
                            if failures == 1 || failures.is_multiple_of(12) {
                                let why = e.map_or_else(
                                    || format!("no answer within {}s", CONNECT_TIMEOUT.as_secs()),
                                    |e| e.to_string(),
                                );
                                tracing::warn!(
                                    broker = %self.url.redacted(),
                                    attempts = failures,
                                    "cannot reach the broker ({why}); retrying every {}",
                                    humantime::format_duration(delay)
                                );
                            }
                            tokio::select! {
                                () = shutdown.cancelled() => break,
                                () = tokio::time::sleep(delay) => {}
                            }
                            delay = (delay * 2).min(MAX_BACKOFF);
                        }
                    }
                }
            }
        }
        if let Some(p) = self.current.swap(None) {
            let _ = tokio::time::timeout(CONNECT_TIMEOUT, p.close()).await;
        }
        crate::metrics::ready(false);
    }
}
