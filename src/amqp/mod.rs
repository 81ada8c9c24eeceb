//! RabbitMQ: the only module that knows lapin.
//!
//! Owns the topology (events queue, `<queue>.dlq`, one `<queue>.retry.<delay>` per tier with a
//! queue-level TTL that dead-letters back to the events queue), the two connections (consuming
//! and publishing are separate so a blocked publisher cannot stall acks), publishing with
//! confirms, and acknowledgements. It decides nothing: the worker says what to do with a
//! delivery and this module does it.
//!
//! Acks are batched ([`Acks`], in `acks.rs`): a settled delivery is marked done, and every few
//! milliseconds (or as soon as [`ACK_BATCH`] are ready) one `basic.ack` with `multiple` covers
//! the run of done deliveries at the front. Which acks are due is decided by the pure
//! [`AckWindow`] (`window.rs`), tested without a broker; nothing is acked before the worker
//! settled it.

use std::time::Duration;

use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicNackOptions,
    BasicPublishOptions, BasicQosOptions, ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{Channel, Connection, ConnectionProperties, Consumer};

use crate::config::{QueueType, SecretUrl};

/// Header carrying how many attempts an event has had.
pub const ATTEMPTS_HEADER: &str = "x-mailroom-attempts";
/// Header carrying a human-readable reason on dead-lettered and retried messages.
pub const ERROR_HEADER: &str = "x-mailroom-error";
/// Header carrying the dead-letter kind (`malformed`, `unroutable`, `render`, `rejected`,
/// `retries_exhausted`).
pub const ERROR_KIND_HEADER: &str = "x-mailroom-error-kind";

pub use lapin::BasicProperties;
pub use lapin::Error as AmqpError;

mod acks;
mod window;

pub use acks::{ACK_TICK, Acks};
pub use window::{ACK_BATCH, AckWindow, Due};

/// Queue names and arguments, derived from the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    pub queue: String,
    pub dlq: String,
    /// (delay, queue name), in the order attempts use them.
    pub retry: Vec<(Duration, String)>,
    pub queue_type: QueueType,
}

impl Topology {
    pub fn new(queue: &str, delays: &[Duration], queue_type: QueueType) -> Topology {
        Topology {
            queue: queue.to_owned(),
            dlq: format!("{queue}.dlq"),
            retry: delays
                .iter()
                .map(|d| (*d, crate::config::retry_queue_name(queue, *d)))
                .collect(),
            queue_type,
        }
    }

    fn base_arguments(&self) -> FieldTable {
        let mut args = FieldTable::default();
        if self.queue_type == QueueType::Quorum {
            args.insert(
                "x-queue-type".into(),
                AMQPValue::LongString("quorum".into()),
            );
        }
        args
    }

    /// Arguments of a queue that dead-letters into `target`. Quorum queues dead-letter
    /// at-most-once unless told otherwise, which could lose a retry in a leader change.
    fn dead_lettering_to(&self, target: &str) -> FieldTable {
        let mut args = self.base_arguments();
        args.insert(
            "x-dead-letter-exchange".into(),
            AMQPValue::LongString("".into()),
        );
        args.insert(
            "x-dead-letter-routing-key".into(),
            AMQPValue::LongString(target.into()),
        );
        if self.queue_type == QueueType::Quorum {
            args.insert(
                "x-dead-letter-strategy".into(),
                AMQPValue::LongString("at-least-once".into()),
            );
            args.insert(
                "x-overflow".into(),
                AMQPValue::LongString("reject-publish".into()),
            );
        }
        args
    }
}

/// A broker session: two connections, a consuming and a confirming publishing channel.
pub struct Broker {
    consume_conn: Connection,
    publish_conn: Connection,
    consume: Channel,
    publish: Channel,
    topology: Topology,
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Broker")
            .field("topology", &self.topology)
            .finish()
    }
}

/// Why a republish did not happen.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("broker error: {0}")]
    Amqp(#[from] lapin::Error),
    #[error("the broker refused the message (nack)")]
    Nacked,
    #[error("the broker could not route the message to `{0}`")]
    Unroutable(String),
}

impl Broker {
    /// Connects twice (consume, publish), declares the topology idempotently and enables
    /// publisher confirms. `name` labels the connections in the management UI.
    pub async fn connect(
        url: &SecretUrl,
        topology: &Topology,
        name: &str,
    ) -> Result<Broker, lapin::Error> {
        let props = |role: &str| {
            ConnectionProperties::default().with_connection_name(format!("{name}-{role}").into())
        };
        let url = with_frame_max(url.expose());
        let consume_conn = Connection::connect(&url, props("consume")).await?;
        let publish_conn = Connection::connect(&url, props("publish")).await?;
        let consume = consume_conn.create_channel().await?;
        let publish = publish_conn.create_channel().await?;
        publish
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        let broker = Broker {
            consume_conn,
            publish_conn,
            consume,
            publish,
            topology: topology.clone(),
        };
        broker.declare().await?;
        Ok(broker)
    }

    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    async fn declare(&self) -> Result<(), lapin::Error> {
        let t = &self.topology;
        let durable = QueueDeclareOptions {
            durable: true,
            ..QueueDeclareOptions::default()
        };
        self.publish
            .queue_declare(t.dlq.as_str().into(), durable, t.base_arguments())
            .await?;
        // A safety net: whatever the broker itself dead-letters (a quorum queue's delivery
        // limit, a rejected message) lands in the DLQ too, with the broker's x-death header.
        let events = t.dead_lettering_to(&t.dlq);
        self.publish
            .queue_declare(t.queue.as_str().into(), durable, events)
            .await?;
        for (delay, name) in &t.retry {
            // Queue-level TTL: every message in a tier waits the same time, so none blocks
            // behind a longer one (per-message TTLs only expire at the head of a queue).
            let mut args = t.dead_lettering_to(&t.queue);
            args.insert(
                "x-message-ttl".into(),
                AMQPValue::LongLongInt(delay.as_millis().min(i64::MAX as u128) as i64),
            );
            self.publish
                .queue_declare(name.as_str().into(), durable, args)
                .await?;
        }
        Ok(())
    }

    /// Starts consuming the events queue with manual acks; `prefetch` bounds unacked
    /// deliveries (set before consuming, or it does not apply).
    pub async fn consume(&self, prefetch: u16, tag: &str) -> Result<Consumer, lapin::Error> {
        self.consume
            .basic_qos(prefetch, BasicQosOptions::default())
            .await?;
        self.consume
            .basic_consume(
                self.topology.queue.as_str().into(),
                tag.into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
    }

    /// Stops the broker from sending more deliveries; in-flight ones can still be acked.
    pub async fn cancel(&self, tag: &str) -> Result<(), lapin::Error> {
        self.consume
            .basic_cancel(tag.into(), BasicCancelOptions::default())
            .await
    }

    /// Publishes to `queue` through the default exchange and waits for the broker's confirm.
    /// `mandatory` turns "no such queue" into an error instead of a silent drop.
    pub async fn publish(
        &self,
        queue: &str,
        body: &[u8],
        properties: BasicProperties,
    ) -> Result<(), PublishError> {
        let confirm = self
            .publish
            .basic_publish(
                "".into(),
                queue.into(),
                BasicPublishOptions {
                    mandatory: true,
                    ..BasicPublishOptions::default()
                },
                body,
                properties,
            )
            .await?
            .await?;
        if confirm.is_nack() {
            return Err(PublishError::Nacked);
        }
        if confirm.take_message().is_some() {
            return Err(PublishError::Unroutable(queue.to_owned()));
        }
        Ok(())
    }

    /// Closes channels and connections; unacked deliveries go back to the queue.
    pub async fn close(&self) {
        let _ = self.consume.close(200, "shutdown".into()).await;
        let _ = self.publish.close(200, "shutdown".into()).await;
        let _ = self.consume_conn.close(200, "shutdown".into()).await;
        let _ = self.publish_conn.close(200, "shutdown".into()).await;
    }
}

/// One delivery from the events queue.
pub struct Incoming {
    delivery: lapin::message::Delivery,
    /// The session's batcher; `None` acks at once (deliveries not obtained through `track`).
    acks: Option<Acks>,
}

impl From<lapin::message::Delivery> for Incoming {
    fn from(delivery: lapin::message::Delivery) -> Self {
        Incoming {
            delivery,
            acks: None,
        }
    }
}

impl Incoming {
    pub fn body(&self) -> &[u8] {
        &self.delivery.data
    }

    /// Attempts made before this delivery (`x-mailroom-attempts`, 0 when absent or unusable).
    ///
    /// The count is trusted only on a message that came back from one of our retry queues
    /// (the broker's `x-death` names the queue it expired in): a producer that copies headers
    /// around, or sets `x-mailroom-attempts: 999`, must not send an event's first transient
    /// failure straight to the dead-letter queue. A dead letter moved back to the events queue
    /// (it carries `x-mailroom-error-kind`) is a replay after a fix and starts afresh.
    pub fn attempts(&self, topology: &Topology) -> u32 {
        let Some(headers) = self.delivery.properties.headers() else {
            return 0;
        };
        if headers.contains_key(ERROR_KIND_HEADER) || !came_back_from_retry(headers, topology) {
            return 0;
        }
        match headers.inner().get(ATTEMPTS_HEADER) {
            Some(AMQPValue::LongLongInt(n)) => u32::try_from(*n).unwrap_or(0),
            Some(AMQPValue::LongInt(n)) => u32::try_from(*n).unwrap_or(0),
            Some(AMQPValue::LongUInt(n)) => *n,
            Some(AMQPValue::ShortInt(n)) => u32::try_from(*n).unwrap_or(0),
            Some(AMQPValue::LongString(s)) => s.to_string().parse().unwrap_or(0),
            _ => 0,
        }
    }

    /// The original properties with our headers added (and the broker's `x-death` left as
    /// is), persistent: what a retry or dead-letter copy carries.
    ///
    /// `kind` is set only on dead letters; a retry copy never carries one (an old one from a
    /// replayed dead letter is dropped), so its attempts keep counting.
    pub fn properties_with(
        &self,
        attempts: u32,
        kind: Option<&str>,
        reason: Option<&str>,
    ) -> BasicProperties {
        let mut headers: FieldTable = self
            .delivery
            .properties
            .headers()
            .as_ref()
            .map(|h| {
                h.inner()
                    .iter()
                    .filter(|(k, _)| k.as_str() != ERROR_KIND_HEADER)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<std::collections::BTreeMap<_, _>>()
                    .into()
            })
            .unwrap_or_default();
        headers.insert(
            ATTEMPTS_HEADER.into(),
            AMQPValue::LongLongInt(i64::from(attempts)),
        );
        if let Some(kind) = kind {
            headers.insert(
                ERROR_KIND_HEADER.into(),
                AMQPValue::LongString(LongString::from(kind)),
            );
        }
        if let Some(reason) = reason {
            headers.insert(
                ERROR_HEADER.into(),
                AMQPValue::LongString(LongString::from(reason)),
            );
        }
        self.delivery
            .properties
            .clone()
            .with_headers(headers)
            .with_delivery_mode(2)
    }

    /// Acknowledges: at once, or (through [`Acks`]) within [`ACK_TICK`], in which case
    /// `Ok(true)` means "scheduled" and a failed batch is logged by the batcher. `Ok(false)`
    /// means the ack did not happen (the channel was recovered or closed): the broker will
    /// redeliver, and the sent-id record absorbs the duplicate.
    pub async fn ack(&self) -> Result<bool, lapin::Error> {
        match &self.acks {
            Some(acks) => {
                acks.done(self.delivery.delivery_tag, self.delivery.acker.clone());
                Ok(true)
            }
            None => self.delivery.acker.ack(BasicAckOptions::default()).await,
        }
    }

    /// Gives the delivery back to the queue (used when a republish failed).
    pub async fn requeue(&self) -> Result<bool, lapin::Error> {
        let result = self
            .delivery
            .acker
            .nack(BasicNackOptions {
                requeue: true,
                ..BasicNackOptions::default()
            })
            .await;
        // Only now stop holding back the batch: until the nack is on the wire, a `multiple`
        // ack passing over this tag would ack (and lose) the delivery instead.
        if let Some(acks) = &self.acks {
            acks.forget(self.delivery.delivery_tag);
        }
        result
    }
}

/// When the broker refused us for a reason no retry will fix, the setting to blame and the
/// broker's words: credentials (ACCESS_REFUSED at login), a vhost we may not use
/// (NOT_ALLOWED), a reserved or forbidden queue name (ACCESS_REFUSED on a declare), or a
/// queue that exists with other arguments (PRECONDITION_FAILED).
pub fn refusal(e: &AmqpError) -> Option<(&'static str, String)> {
    use lapin::protocol::{AMQPErrorKind, AMQPHardError, AMQPSoftError};
    let lapin::ErrorKind::ProtocolError(amqp) = e.kind() else {
        return None;
    };
    let text = amqp.get_message().to_string();
    let about_a_queue = text.contains("queue");
    match amqp.kind() {
        AMQPErrorKind::Soft(AMQPSoftError::ACCESSREFUSED) if about_a_queue => {
            Some(("MAILROOM_QUEUE", text))
        }
        AMQPErrorKind::Soft(AMQPSoftError::ACCESSREFUSED)
        | AMQPErrorKind::Hard(AMQPHardError::NOTALLOWED) => Some(("MAILROOM_AMQP_URL", text)),
        AMQPErrorKind::Soft(AMQPSoftError::PRECONDITIONFAILED) => {
            let key = if text.contains("x-message-ttl") {
                "MAILROOM_RETRY_DELAYS"
            } else if text.contains("x-queue-type") {
                "MAILROOM_QUEUE_TYPE"
            } else {
                "MAILROOM_QUEUE"
            };
            Some((key, text))
        }
        _ => None,
    }
}

/// Whether the broker dead-lettered this message out of one of `topology`'s retry queues.
fn came_back_from_retry(headers: &FieldTable, topology: &Topology) -> bool {
    let Some(AMQPValue::FieldArray(deaths)) = headers.inner().get("x-death") else {
        return false;
    };
    deaths.as_slice().iter().any(|death| {
        let AMQPValue::FieldTable(death) = death else {
            return false;
        };
        let queue = match death.inner().get("queue") {
            Some(AMQPValue::LongString(s)) => s.to_string(),
            Some(AMQPValue::ShortString(s)) => s.to_string(),
            _ => return false,
        };
        topology.retry.iter().any(|(_, name)| *name == queue)
    })
}

/// Reads a header as text (for tests and tools inspecting dead-lettered messages).
pub fn header_text(props: &BasicProperties, name: &str) -> Option<String> {
    let value = props.headers().as_ref()?.inner().get(name)?.clone();
    Some(match value {
        AMQPValue::LongString(s) => s.to_string(),
        AMQPValue::ShortString(s) => s.to_string(),
        AMQPValue::LongLongInt(n) => n.to_string(),
        AMQPValue::LongInt(n) => n.to_string(),
        other => format!("{other:?}"),
    })
}

/// Frame size proposed to the broker unless the URL sets `frame_max`. lapin keeps a receive
/// and a send buffer of 32 frames per connection, zero-filled: at RabbitMQ's default 128 KiB
/// frames that is 16 MiB resident for our two connections. Events are about 1 KB (64 KiB at
/// most), so 8 KiB frames lose nothing (a larger message is split into several frames) and
/// keep 1 MiB; at 32 KiB the peak RSS at a concurrency of 256 was about 2 MB higher.
pub const FRAME_MAX: u32 = 8 * 1024;

/// `url` with `frame_max=FRAME_MAX` added to its query unless it sets one.
pub fn with_frame_max(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if !u.query_pairs().any(|(k, _)| k == "frame_max") => {
            u.query_pairs_mut()
                .append_pair("frame_max", &FRAME_MAX.to_string());
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Connection-level building blocks for tests and tools: a plain connection and channel.
pub async fn connect_plain(
    url: &SecretUrl,
    name: &str,
) -> Result<(Connection, Channel), lapin::Error> {
    let conn = Connection::connect(
        &with_frame_max(url.expose()),
        ConnectionProperties::default().with_connection_name(LongString::from(name)),
    )
    .await?;
    let ch = conn.create_channel().await?;
    Ok((conn, ch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_ask_for_small_frames_unless_the_url_says_otherwise() {
        assert_eq!(
            with_frame_max("amqp://guest:guest@127.0.0.1:5672/%2f"),
            "amqp://guest:guest@127.0.0.1:5672/%2f?frame_max=8192"
        );
        assert_eq!(
            with_frame_max("amqp://h/%2f?heartbeat=10"),
            "amqp://h/%2f?heartbeat=10&frame_max=8192"
        );
        assert_eq!(
            with_frame_max("amqp://h/%2f?frame_max=131072"),
            "amqp://h/%2f?frame_max=131072"
        );
    }

    #[test]
    fn retry_queues_are_named_after_their_delays() {
        let t = Topology::new(
            "mail",
            &[
                Duration::from_secs(10),
                Duration::from_secs(60),
                Duration::from_secs(5400),
            ],
            QueueType::Classic,
        );
        let names: Vec<&str> = t.retry.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(
            names,
            ["mail.retry.10s", "mail.retry.1m", "mail.retry.1h30m"]
        );
        assert_eq!(t.dlq, "mail.dlq");
    }
}
