//! The broker worker: consume events, send through SMTP, and settle every delivery.
//!
//! Three parts, each in its own file:
//! - [`Handler::handle`] (`handler.rs`) is the one-step function: body in, [`Outcome`] out
//!   (prepare through the intake, claim, send, record). Tests drive it without a broker.
//! - [`decide`] (here) is the one place that turns an outcome into a broker action: ack,
//!   republish to a retry tier, republish to the dead-letter queue.
//! - The consume loop (`consume.rs`, [`Worker::run`]) is only the RabbitMQ adapter: it
//!   reconnects with backoff when the broker goes away, hands each delivery to the handler,
//!   carries out the action (republish with a confirm first, ack after), reports what became
//!   of it through `observe`, and drains in-flight deliveries on shutdown.

mod consume;
mod handler;

use std::sync::Arc;
use std::time::Instant;

use crate::amqp::Topology;
use crate::config::WorkerSettings;
use crate::directory::Directory;
use crate::mailer::Mailer;
use crate::reload::Live;
use crate::store::Store;

pub use crate::kind::DeadKind;
pub use crate::observe::Meta;
pub use handler::Handler;

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

/// The handler and what its consume loop needs, built once.
pub struct Worker {
    handler: Handler,
    settings: WorkerSettings,
    topology: Topology,
    /// Prefix of the AMQP connection names, so operators (and tests) can find them.
    name: String,
    /// When the process started loading, for the start-up time in the first "consuming" log.
    started: Instant,
    /// One permit: a body over the event limit is dead-lettered whole, and republishing
    /// copies it, so such copies are made one at a time (see `Worker::settle`).
    oversized: tokio::sync::Semaphore,
    /// Whether the worker is consuming now (a broker session is up): `/readyz`.
    ready: Arc<std::sync::atomic::AtomicBool>,
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
        live: Arc<Live>,
        mailer: Mailer,
        store: Store,
        settings: WorkerSettings,
        name: &str,
    ) -> Worker {
        let topology = Topology::new(&settings.queue, &settings.retry_delays, settings.queue_type);
        Worker {
            handler: Handler::new(live, mailer, store),
            settings,
            topology,
            name: name.to_owned(),
            started: Instant::now(),
            oversized: tokio::sync::Semaphore::new(1),
            ready: Arc::default(),
        }
    }

    /// `true` while a broker session is consuming; shared with `/readyz`.
    pub fn readiness(&self) -> Arc<std::sync::atomic::AtomicBool> {
        self.ready.clone()
    }

    /// Sets where thin events' profiles are loaded from (default: nowhere).
    pub fn with_directory(mut self, directory: Arc<Directory>) -> Worker {
        self.handler.directory = directory;
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
        &self.handler.store
    }

    /// The one-step function (see [`Handler::handle`]).
    pub async fn handle(&self, body: &[u8]) -> (Outcome, Meta) {
        self.handler.handle(body).await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

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
