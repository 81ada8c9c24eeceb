//! The consume loop: the RabbitMQ adapter around the handler. One broker session at a time,
//! reconnecting with backoff; each delivery is handled in its own task (their number bounded
//! by the prefetch), settled as [`decide`] says, and reported through `observe`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument as _;

use crate::amqp::{Acks, AmqpError, Broker, Incoming};
use crate::observe::{Fate, Meta, Observed, emit};

use super::{Action, DeadKind, Outcome, Worker, decide};

/// How long connecting, declaring and starting to consume may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a broker session ended (other than shutdown).
#[derive(Debug, thiserror::Error)]
enum SessionError {
    #[error("{0}")]
    Amqp(#[from] AmqpError),
    #[error("the broker did not complete the connection within 30 s")]
    ConnectTimeout,
    #[error("a republish failed, so the publishing connection is rebuilt")]
    PublishFailed,
    #[error("the broker ended the consumer")]
    ConsumerEnded,
}

impl Worker {
    /// Handles one delivery and settles it on the broker, every log line of it in a span
    /// that names the event's trace id when it came with a `traceparent` header.
    async fn process(&self, broker: &Broker, incoming: Incoming, lost: &CancellationToken) {
        let traceparent = incoming.header(crate::trace::TRACEPARENT);
        let span = crate::trace::span(traceparent.as_deref().and_then(crate::trace::trace_id));
        self.process_in_span(broker, incoming, lost)
            .instrument(span)
            .await;
    }

    async fn process_in_span(&self, broker: &Broker, incoming: Incoming, lost: &CancellationToken) {
        let started = Instant::now();
        let before = incoming.attempts(&self.topology);
        // `handle` catches panics in preparing and sending; this catches the rest (a thin
        // event's directory lookup, the store), so no delivery is left unsettled.
        // The stages are boxed so each task holds only the stage it is in: unboxed, one
        // delivery's future was 199 KB (the largest states of every stage side by side), and
        // at a prefetch of 256 the futures alone took 50 MB.
        let (outcome, meta) = crate::unwind::catch_async(Box::pin(self.handle(incoming.body())))
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
        emit(Observed::Delivery {
            meta: &meta,
            fate: fate(&outcome, &action),
            attempt: before + 1,
            took: started.elapsed(),
            acked: settled,
        });
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
                // What the worker holds of large messages is the prefetch's deliveries (the
                // broker's `max_message_size` bounds each) plus one copy being republished:
                // a body over the event limit can only be a dead letter, and a 50 MB one
                // copied by every task at once took the memory of all of them twice.
                let _one_copy = if incoming.body().len() > crate::event::MAX_EVENT_BYTES {
                    self.oversized.acquire().await.ok()
                } else {
                    None
                };
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
    ///
    /// A refusal no retry can fix (wrong credentials, a vhost or queue the broker will not
    /// give us, a queue declared with other arguments) ends start-up with an error naming
    /// the setting, as long as no session has started yet: before that it is a
    /// misconfiguration, not an outage. Once running, the same refusal is retried (a
    /// password being rotated, say).
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) -> anyhow::Result<()> {
        let mut delay = Duration::from_millis(200);
        let mut connected = false;
        loop {
            if shutdown.is_cancelled() {
                break;
            }
            let ended = self.session(&shutdown, &mut delay, &mut connected).await;
            self.ready
                .store(false, std::sync::atomic::Ordering::Relaxed);
            crate::metrics::ready(false);
            match ended {
                Ok(()) => break,
                Err(SessionError::Amqp(e)) if !connected && crate::amqp::refusal(&e).is_some() => {
                    self.handler.mailer.shutdown().await;
                    let (key, why) = crate::amqp::refusal(&e).unwrap_or_default();
                    return Err(crate::config::ConfigError::Value {
                        key: key.to_owned(),
                        message: format!("the broker refuses it: {why}"),
                    }
                    .into());
                }
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
        self.handler.mailer.shutdown().await;
        Ok(())
    }

    /// One connection's lifetime. `Ok` means a clean shutdown; `Err`, a lost connection.
    async fn session(
        self: &Arc<Self>,
        shutdown: &CancellationToken,
        delay: &mut Duration,
        connected: &mut bool,
    ) -> Result<(), SessionError> {
        let tag = format!("{}-{}", self.name, std::process::id());
        // A broker that accepts TCP and never speaks must neither hang start-up nor SIGTERM.
        let connect = async {
            let broker =
                Broker::connect(&self.settings.amqp_url, &self.topology, &self.name).await?;
            let consumer = broker.consume(self.settings.concurrency, &tag).await?;
            Ok::<_, AmqpError>((broker, consumer))
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
        *connected = true;
        self.ready.store(true, std::sync::atomic::Ordering::Relaxed);
        crate::metrics::ready(true);
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

/// How the log names what became of a delivery.
fn fate<'a>(outcome: &Outcome, action: &'a Action) -> Fate<'a> {
    match (outcome, action) {
        (Outcome::Sent, _) => Fate::Sent,
        (Outcome::Duplicate, _) => Fate::Duplicate,
        (
            _,
            Action::Republish {
                queue,
                kind,
                reason,
                ..
            },
        ) => Fate::Republished {
            to: queue,
            kind: *kind,
            reason: reason.as_deref().unwrap_or("republished"),
        },
        (_, Action::RequeueLater) => Fate::Requeued,
        (_, Action::Ack) => Fate::Settled,
    }
}
