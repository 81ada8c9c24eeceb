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

use lapin::options::{
    BasicCancelOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{Channel, Connection, ConnectionProperties, Consumer};

use crate::config::SecretUrl;

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
mod incoming;
mod topology;
mod window;

pub use acks::{ACK_TICK, Acks};
pub use incoming::{Incoming, header_text};
pub use topology::Topology;
pub use window::{ACK_BATCH, AckWindow, Due};

/// A broker session: two connections, a consuming and a confirming publishing channel.
pub struct Broker {
    consume_conn: Connection,
    consume: Channel,
    publisher: Publisher,
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Broker")
            .field("topology", &self.publisher.topology)
            .finish()
    }
}

/// Why a publish did not happen.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("broker error: {0}")]
    Amqp(#[from] lapin::Error),
    #[error("the broker refused the message (nack)")]
    Nacked,
    #[error("the broker could not route the message to `{0}`")]
    Unroutable(String),
}

fn properties(name: &str, role: &str) -> ConnectionProperties {
    ConnectionProperties::default().with_connection_name(format!("{name}-{role}").into())
}

impl Broker {
    /// Connects twice (consume, publish), declares the topology idempotently and enables
    /// publisher confirms. `name` labels the connections in the management UI.
    pub async fn connect(
        url: &SecretUrl,
        topology: &Topology,
        name: &str,
    ) -> Result<Broker, lapin::Error> {
        let consume_conn =
            Connection::connect(&with_frame_max(url.expose()), properties(name, "consume")).await?;
        let consume = consume_conn.create_channel().await?;
        let publisher = Publisher::connect(url, topology, name).await?;
        Ok(Broker {
            consume_conn,
            consume,
            publisher,
        })
    }

    pub fn topology(&self) -> &Topology {
        &self.publisher.topology
    }

    /// Starts consuming the events queue with manual acks; `prefetch` bounds unacked
    /// deliveries (set before consuming, or it does not apply).
    pub async fn consume(&self, prefetch: u16, tag: &str) -> Result<Consumer, lapin::Error> {
        self.consume
            .basic_qos(prefetch, BasicQosOptions::default())
            .await?;
        self.consume
            .basic_consume(
                self.topology().queue.as_str().into(),
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

    /// Publishes to `queue` and waits for the broker's confirm (see [`Publisher::publish`]).
    pub async fn publish(
        &self,
        queue: &str,
        body: &[u8],
        properties: BasicProperties,
    ) -> Result<(), PublishError> {
        self.publisher.publish(queue, body, properties).await
    }

    /// Closes channels and connections; unacked deliveries go back to the queue.
    pub async fn close(&self) {
        let _ = self.consume.close(200, "shutdown".into()).await;
        let _ = self.consume_conn.close(200, "shutdown".into()).await;
        self.publisher.close().await;
    }
}

/// One connection with a confirming channel, the topology declared on it: the publishing
/// half of a [`Broker`], and all that `serve` and `publish` need.
pub struct Publisher {
    conn: Connection,
    channel: Channel,
    topology: Topology,
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publisher")
            .field("topology", &self.topology)
            .finish()
    }
}

impl Publisher {
    /// Connects, enables publisher confirms and declares the topology idempotently.
    pub async fn connect(
        url: &SecretUrl,
        topology: &Topology,
        name: &str,
    ) -> Result<Publisher, lapin::Error> {
        let conn =
            Connection::connect(&with_frame_max(url.expose()), properties(name, "publish")).await?;
        let channel = conn.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        let publisher = Publisher {
            conn,
            channel,
            topology: topology.clone(),
        };
        publisher.declare().await?;
        Ok(publisher)
    }

    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// Whether the connection and channel are still open (a broker that went away, or a
    /// channel it closed, makes every later publish fail).
    pub fn is_open(&self) -> bool {
        self.conn.status().connected() && self.channel.status().connected()
    }

    async fn declare(&self) -> Result<(), lapin::Error> {
        let t = &self.topology;
        let durable = QueueDeclareOptions {
            durable: true,
            ..QueueDeclareOptions::default()
        };
        self.channel
            .queue_declare(t.dlq.as_str().into(), durable, t.base_arguments())
            .await?;
        // A safety net: whatever the broker itself dead-letters (a quorum queue's delivery
        // limit, a rejected message) lands in the DLQ too, with the broker's x-death header.
        let events = t.dead_lettering_to(&t.dlq);
        self.channel
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
            self.channel
                .queue_declare(name.as_str().into(), durable, args)
                .await?;
        }
        Ok(())
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
            .channel
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

    pub async fn close(&self) {
        let _ = self.channel.close(200, "shutdown".into()).await;
        let _ = self.conn.close(200, "shutdown".into()).await;
    }
}

/// The properties of an event published to the events queue: JSON, persistent, and the
/// caller's W3C `traceparent` (already validated) as a header the worker reads back.
pub fn event_properties(traceparent: Option<&str>) -> BasicProperties {
    let properties = BasicProperties::default()
        .with_content_type("application/json".into())
        .with_delivery_mode(2);
    match traceparent {
        Some(tp) => {
            let mut headers = FieldTable::default();
            headers.insert(
                crate::trace::TRACEPARENT.into(),
                AMQPValue::LongString(tp.into()),
            );
            properties.with_headers(headers)
        }
        None => properties,
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
}
