//! The broker worker: consume events, send through SMTP, and settle every delivery.
//!
//! [`Worker::handle`] is the one-step function: body in, [`Outcome`] out (render, claim, send,
//! record). [`decide`] is the one place that turns an outcome into a broker action (ack,
//! republish to a retry tier, republish to the dead-letter queue), and [`Worker::settle`]
//! carries the action out: republish with a confirm first, ack after. [`Worker::run`] is the
//! loop: it reconnects with backoff when the broker goes away and drains in-flight deliveries
//! on shutdown.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::amqp::{Acks, Broker, Incoming, Topology};
use crate::compose::BodyEncoding;
use crate::config::WorkerSettings;
use crate::directory::{Directory, LookupError};
use crate::intake::Unprepared;
pub use crate::kind::DeadKind;
use crate::locale::LangSource;
use crate::mailer::{Mailer, SendError};
use crate::pipeline::Pipeline;
use crate::store::{Claim, Store};

/// What became of one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The SMTP server accepted the email.
    Sent,
    /// The event id was sent before: nothing to do.
    Duplicate,
    /// Another delivery of the same id is being sent right now: look again later.
    Busy,
    /// A transient failure: try again after the next delay.
    Retry { reason: String },
    /// Never going to work: straight to the dead-letter queue.
    DeadLetter { kind: DeadKind, reason: String },
}

/// What to do with the delivery on the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Ack,
    /// Give the delivery back to the queue after a pause (a busy id with no retry tiers to
    /// wait in; the pause keeps it from spinning).
    RequeueLater,
    /// Publish a copy (confirmed) to `queue` with these headers, then ack the original.
    Republish {
        queue: String,
        attempts: u32,
        /// (kind, reason) for `x-mailroom-error-kind` / `x-mailroom-error`; the kind is
        /// `None` on retries, which are not dead letters.
        kind: Option<DeadKind>,
        reason: Option<String>,
    },
}

/// The one place where outcomes become broker actions. `before` is the number of attempts
/// the event had already had (`x-mailroom-attempts`).
pub fn decide(outcome: &Outcome, before: u32, topology: &Topology) -> Action {
    let attempt = before.saturating_add(1);
    match outcome {
        Outcome::Sent | Outcome::Duplicate => Action::Ack,
        Outcome::Busy => match topology.retry.first() {
            // Not an attempt of ours: the count stays.
            Some((_, queue)) => Action::Republish {
                queue: queue.clone(),
                attempts: before,
                kind: None,
                reason: Some("another delivery of this event is being sent".to_owned()),
            },
            None => Action::RequeueLater,
        },
        Outcome::Retry { reason } => match topology.retry.get(attempt as usize - 1) {
            Some((_, queue)) => Action::Republish {
                queue: queue.clone(),
                attempts: attempt,
                kind: None,
                reason: Some(reason.clone()),
            },
            None => Action::Republish {
                queue: topology.dlq.clone(),
                attempts: attempt,
                kind: Some(DeadKind::RetriesExhausted),
                reason: Some(format!("{attempt} attempts failed; last: {reason}")),
            },
        },
        Outcome::DeadLetter { kind, reason } => Action::Republish {
            queue: topology.dlq.clone(),
            attempts: attempt,
            kind: Some(*kind),
            reason: Some(reason.clone()),
        },
    }
}

/// How long connecting, declaring and starting to consume may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a broker session ended (other than shutdown).
#[derive(Debug, thiserror::Error)]
enum SessionError {
    #[error("{0}")]
    Amqp(#[from] lapin::Error),
    #[error("the broker did not complete the connection within 30 s")]
    ConnectTimeout,
    #[error("a republish failed, so the publishing connection is rebuilt")]
    PublishFailed,
    #[error("the broker ended the consumer")]
    ConsumerEnded,
}

/// What the logs say about a handled delivery.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub event_id: Option<String>,
    pub event_type: Option<String>,
    pub template: Option<String>,
    pub locale: Option<String>,
    pub lang_source: Option<LangSource>,
}

/// Everything a delivery needs, built once.
pub struct Worker {
    pipeline: Arc<Pipeline>,
    /// Loads the profiles of thin events (none unless [`Worker::with_directory`] sets one).
    directory: Arc<Directory>,
    mailer: Mailer,
    store: Store,
    settings: WorkerSettings,
    topology: Topology,
    /// Prefix of the AMQP connection names, so operators (and tests) can find them.
    name: String,
    /// When the process started loading, for the start-up time in the first "consuming" log.
    started: Instant,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("name", &self.name)
            .field("topology", &self.topology)
            .finish()
    }
}

impl Worker {
    pub fn new(
        pipeline: Arc<Pipeline>,
        mailer: Mailer,
        store: Store,
        settings: WorkerSettings,
        name: &str,
    ) -> Worker {
        let topology = Topology::new(&settings.queue, &settings.retry_delays, settings.queue_type);
        Worker {
            pipeline,
            directory: Arc::new(Directory::none()),
            mailer,
            store,
            settings,
            topology,
            name: name.to_owned(),
            started: Instant::now(),
        }
    }

    /// Sets where thin events' profiles are loaded from.
    pub fn with_directory(mut self, directory: Arc<Directory>) -> Worker {
        self.directory = directory;
        self
    }

    /// Sets the moment start-up began (default: when the worker was built).
    pub fn started_at(mut self, started: Instant) -> Worker {
        self.started = started;
        self
    }

    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The one-step function: render, claim, send, record.
    pub async fn handle(&self, body: &[u8]) -> (Outcome, Meta) {
        // Compose for the server we send to: 8bit unless it said it cannot take it.
        let encoding = match self.mailer.eight_bit_mime() {
            Some(false) => BodyEncoding::SevenBit,
            _ => BodyEncoding::EightBit,
        };
        if self.pipeline.body_encoding() != encoding {
            self.pipeline.set_body_encoding(encoding);
        }
        let prepared = match crate::intake::prepare(&self.pipeline, &self.directory, body).await {
            Ok(p) => p,
            Err(Unprepared::Rejected(r)) => {
                let meta = Meta {
                    event_id: r.event_id.clone(),
                    ..Meta::default()
                };
                let outcome = Outcome::DeadLetter {
                    kind: r.kind,
                    reason: r.reason,
                };
                return (outcome, meta);
            }
            Err(Unprepared::Lookup { error, event_id }) => {
                // Not the event's fault: it waits in the retry tiers while someone fixes the
                // directory. Refused credentials need a person, so they are logged as errors.
                if let LookupError::Refused(_) = &error {
                    tracing::error!(event_id = %event_id, "{error}");
                }
                let meta = Meta {
                    event_id: Some(event_id),
                    ..Meta::default()
                };
                let outcome = Outcome::Retry {
                    reason: error.to_string(),
                };
                return (outcome, meta);
            }
        };
        let meta = Meta {
            event_id: Some(prepared.event_id.clone()),
            event_type: Some(prepared.event_type.clone()),
            template: Some(prepared.template.clone()),
            locale: Some(prepared.rendered.locale.clone()),
            lang_source: Some(prepared.lang_source),
        };
        for note in &prepared.notes {
            tracing::warn!(event_id = %prepared.event_id, "{note}");
        }
        let id = &prepared.event_id;
        match self.store.claim(id).await {
            Ok(Claim::Claimed) => {}
            Ok(Claim::AlreadySent) => return (Outcome::Duplicate, meta),
            Ok(Claim::Busy) => return (Outcome::Busy, meta),
            Err(e) => {
                return (
                    Outcome::Retry {
                        reason: e.to_string(),
                    },
                    meta,
                );
            }
        }
        let sent = crate::unwind::catch_async(async {
            crate::unwind::fault_point("send", id);
            self.mailer.send(&prepared.message).await
        })
        .await;
        let sent = match sent {
            Ok(sent) => sent,
            Err(panicked) => {
                // Whether the server took it is unknown; a person looks at the dead letter
                // and can replay it (the claim is released so a replay is not held up).
                if let Err(se) = self.store.release(id).await {
                    tracing::error!(event_id = %id, "could not release the claim: {se}");
                }
                let outcome = Outcome::DeadLetter {
                    kind: DeadKind::Render,
                    reason: format!("internal error while sending the email ({panicked})"),
                };
                return (outcome, meta);
            }
        };
        let outcome = match sent {
            Ok(()) => {
                if let Err(e) = self.store.mark_sent(id).await {
                    // The email is out; not recording it only risks one duplicate later.
                    tracing::error!(event_id = %id, "sent, but not recorded: {e}");
                }
                Outcome::Sent
            }
            Err(e) => {
                if let Err(se) = self.store.release(id).await {
                    tracing::error!(event_id = %id, "could not release the claim: {se}");
                }
                match e {
                    SendError::Transient(reason) => Outcome::Retry { reason },
                    SendError::Permanent(reason) => Outcome::DeadLetter {
                        kind: DeadKind::Rejected,
                        reason,
                    },
                }
            }
        };
        (outcome, meta)
    }

    /// Handles one delivery and settles it on the broker.
    async fn process(&self, broker: &Broker, incoming: Incoming, lost: &CancellationToken) {
        let started = Instant::now();
        let before = incoming.attempts();
        // `handle` catches panics in preparing and sending; this catches the rest (a thin
        // event's directory lookup, the store), so no delivery is left unsettled.
        let (outcome, meta) = crate::unwind::catch_async(self.handle(incoming.body()))
            .await
            .unwrap_or_else(|panicked| {
                let outcome = Outcome::DeadLetter {
                    kind: DeadKind::Render,
                    reason: format!("internal error while handling the event ({panicked})"),
                };
                (outcome, Meta::default())
            });
        let action = decide(&outcome, before, &self.topology);
        let settled = self.settle(broker, &incoming, &action, lost).await;
        log_outcome(
            &outcome,
            &action,
            &meta,
            before + 1,
            started.elapsed(),
            settled,
        );
    }

    /// Carries out `action`: republish (confirmed) first, ack after, so a crash in between
    /// duplicates a message rather than losing it. Returns whether the ack happened. A failed
    /// republish ends the broker session (`lost`): the publishing side is broken, and a fresh
    /// session (reconnect, redeclare) is the cure, not a retry of the same publish.
    async fn settle(
        &self,
        broker: &Broker,
        incoming: &Incoming,
        action: &Action,
        lost: &CancellationToken,
    ) -> bool {
        match action {
            Action::Ack => {}
            Action::RequeueLater => {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let _ = incoming.requeue().await;
                return false;
            }
            Action::Republish {
                queue,
                attempts,
                kind,
                reason,
            } => {
                let props = incoming.properties_with(
                    *attempts,
                    kind.map(DeadKind::as_str),
                    reason.as_deref(),
                );
                if let Err(e) = broker.publish(queue, incoming.body(), props).await {
                    tracing::error!(
                        "could not republish to `{queue}`: {e}; reconnecting (the delivery returns to the queue)"
                    );
                    lost.cancel();
                    let _ = incoming.requeue().await;
                    return false;
                }
            }
        }
        match incoming.ack().await {
            Ok(true) => true,
            Ok(false) => {
                tracing::warn!(
                    "the ack did not happen (channel recovered); the broker will redeliver and the duplicate will be skipped"
                );
                false
            }
            Err(e) => {
                tracing::warn!(
                    "the ack failed ({e}); the broker will redeliver and the duplicate will be skipped"
                );
                false
            }
        }
    }

    /// Consumes until `shutdown` is cancelled, reconnecting with backoff whenever the broker
    /// connection is lost. Returns after in-flight deliveries finished (bounded wait).
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) -> anyhow::Result<()> {
        let mut delay = Duration::from_millis(200);
        loop {
            if shutdown.is_cancelled() {
                break;
            }
            match self.session(&shutdown, &mut delay).await {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(
                        "broker session ended: {e}; reconnecting in {}",
                        humantime::format_duration(delay)
                    );
                    tokio::select! {
                        _ = shutdown.cancelled() => break,
                        _ = tokio::time::sleep(delay) => {}
                    }
                    delay = (delay * 2).min(Duration::from_secs(30));
                }
            }
        }
        self.mailer.shutdown().await;
        Ok(())
    }

    /// One connection's lifetime. `Ok` means a clean shutdown; `Err`, a lost connection.
    async fn session(
        self: &Arc<Self>,
        shutdown: &CancellationToken,
        delay: &mut Duration,
    ) -> Result<(), SessionError> {
        let tag = format!("{}-{}", self.name, std::process::id());
        // A broker that accepts TCP and never speaks must neither hang start-up nor SIGTERM.
        let connect = async {
            let broker =
                Broker::connect(&self.settings.amqp_url, &self.topology, &self.name).await?;
            let consumer = broker.consume(self.settings.concurrency, &tag).await?;
            Ok::<_, lapin::Error>((broker, consumer))
        };
        let (broker, mut consumer) = tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            r = tokio::time::timeout(CONNECT_TIMEOUT, connect) => match r {
                Ok(r) => r?,
                Err(_) => return Err(SessionError::ConnectTimeout),
            },
        };
        let broker = Arc::new(broker);
        // Cancelled by a delivery whose republish failed: the session must be rebuilt.
        let lost = CancellationToken::new();
        tracing::info!(
            queue = %self.topology.queue,
            broker = %self.settings.amqp_url.redacted(),
            prefetch = self.settings.concurrency,
            since_start_ms = self.started.elapsed().as_millis() as u64,
            "consuming"
        );
        *delay = Duration::from_millis(200);
        // Tasks of this session: each holds one delivery until it is settled. Their number is
        // bounded by the prefetch, so no semaphore is needed here.
        let tracker = TaskTracker::new();
        let acks = Acks::new();
        // Stopped after the in-flight deliveries are settled, so their acks still go out.
        let acks_stop = CancellationToken::new();
        let acks_task = tokio::spawn(acks.clone().run(acks_stop.clone()));
        let result = loop {
            tokio::select! {
                _ = shutdown.cancelled() => {
                    if let Err(e) = broker.cancel(&tag).await {
                        tracing::warn!("could not cancel the consumer: {e}");
                    }
                    break Ok(());
                }
                _ = lost.cancelled() => break Err(SessionError::PublishFailed),
                next = consumer.next() => match next {
                    Some(Ok(delivery)) => {
                        let worker = self.clone();
                        let broker = broker.clone();
                        let lost = lost.clone();
                        let incoming = acks.track(delivery);
                        tracker.spawn(async move {
                            worker.process(&broker, incoming, &lost).await;
                        });
                    }
                    Some(Err(e)) => break Err(e.into()),
                    None => break Err(SessionError::ConsumerEnded),
                }
            }
        };
        tracker.close();
        if tokio::time::timeout(self.settings.shutdown_timeout, tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                "in-flight emails did not finish within {}; their deliveries return to the queue",
                humantime::format_duration(self.settings.shutdown_timeout)
            );
        }
        acks_stop.cancel();
        let _ = acks_task.await;
        broker.close().await;
        result
    }
}

fn log_outcome(
    outcome: &Outcome,
    action: &Action,
    meta: &Meta,
    attempt: u32,
    took: Duration,
    acked: bool,
) {
    let event_id = meta.event_id.as_deref().unwrap_or("-");
    let event_type = meta.event_type.as_deref().unwrap_or("-");
    let template = meta.template.as_deref().unwrap_or("-");
    let locale = meta.locale.as_deref().unwrap_or("-");
    let lang_source = meta.lang_source.map_or("-", LangSource::as_str);
    let ms = took.as_millis() as u64;
    match (outcome, action) {
        (Outcome::Sent, _) => tracing::info!(
            event_id = %event_id,
            event_type = %event_type,
            template = %template,
            locale = %locale,
            lang_source = %lang_source,
            attempt,
            ms,
            acked,
            "sent"
        ),
        (Outcome::Duplicate, _) => tracing::info!(
            event_id = %event_id,
            event_type = %event_type,
            template = %template,
            attempt,
            ms,
            acked,
            "already sent; skipped"
        ),
        (_, Action::Republish { queue, reason, .. }) => tracing::warn!(
            event_id = %event_id,
            event_type = %event_type,
            template = %template,
            locale = %locale,
            attempt,
            ms,
            acked,
            to = %queue,
            "{}",
            reason.as_deref().unwrap_or("republished")
        ),
        (_, Action::RequeueLater) => tracing::info!(
            event_id = %event_id,
            attempt,
            ms,
            "another delivery of this event is being sent; requeued"
        ),
        (_, Action::Ack) => tracing::info!(event_id = %event_id, attempt, ms, acked, "settled"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::QueueType;

    fn topology() -> Topology {
        Topology::new(
            "q",
            &[Duration::from_secs(10), Duration::from_secs(60)],
            QueueType::Classic,
        )
    }

    fn republish(
        queue: &str,
        attempts: u32,
        kind: Option<DeadKind>,
    ) -> (String, u32, Option<DeadKind>) {
        (queue.to_owned(), attempts, kind)
    }

    fn target(a: Action) -> (String, u32, Option<DeadKind>) {
        match a {
            Action::Republish {
                queue,
                attempts,
                kind,
                ..
            } => (queue, attempts, kind),
            other => panic!("expected a republish, got {other:?}"),
        }
    }

    #[test]
    fn transient_failures_climb_the_tiers_then_dead_letter() {
        let t = topology();
        let retry = Outcome::Retry {
            reason: "451".into(),
        };
        assert_eq!(
            target(decide(&retry, 0, &t)),
            republish("q.retry.10s", 1, None)
        );
        assert_eq!(
            target(decide(&retry, 1, &t)),
            republish("q.retry.1m", 2, None)
        );
        assert_eq!(
            target(decide(&retry, 2, &t)),
            republish("q.dlq", 3, Some(DeadKind::RetriesExhausted))
        );
    }

    #[test]
    fn permanent_and_invalid_go_straight_to_the_dead_letter_queue() {
        let t = topology();
        for kind in [
            DeadKind::Rejected,
            DeadKind::Malformed,
            DeadKind::Unroutable,
            DeadKind::Render,
        ] {
            let o = Outcome::DeadLetter {
                kind,
                reason: "x".into(),
            };
            assert_eq!(target(decide(&o, 0, &t)), republish("q.dlq", 1, Some(kind)));
        }
    }

    #[test]
    fn sent_and_duplicates_are_acked_and_busy_waits_without_counting() {
        let t = topology();
        assert_eq!(decide(&Outcome::Sent, 3, &t), Action::Ack);
        assert_eq!(decide(&Outcome::Duplicate, 0, &t), Action::Ack);
        assert_eq!(
            target(decide(&Outcome::Busy, 1, &t)),
            republish("q.retry.10s", 1, None)
        );
    }
}
