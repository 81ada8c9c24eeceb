//! One delivery from the events queue: its body, the attempts it had (trusted only when it
//! came back from one of our retry queues), the headers of its next copy, and its ack.

use lapin::BasicProperties;
use lapin::options::{BasicAckOptions, BasicNackOptions};
use lapin::types::{AMQPValue, FieldTable, LongString};

use super::{ATTEMPTS_HEADER, Acks, ERROR_HEADER, ERROR_KIND_HEADER, Topology};

/// One delivery from the events queue.
pub struct Incoming {
    pub(super) delivery: lapin::message::Delivery,
    /// The session's batcher; `None` acks at once (deliveries not obtained through `track`).
    pub(super) acks: Option<Acks>,
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

    /// A header's value as text, when it is text (or a number).
    pub fn header(&self, name: &str) -> Option<String> {
        header_text(&self.delivery.properties, name)
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
                // One line, controls and invisible characters escaped, bounded: operators
                // read it in terminals and management UIs.
                AMQPValue::LongString(LongString::from(crate::text::clip(
                    reason,
                    crate::text::MAX_LOGGED_CHARS,
                ))),
            );
        }
        self.delivery
            .properties
            .clone()
            .with_headers(headers)
            .with_delivery_mode(2)
    }

    /// Acknowledges: at once, or (through [`Acks`]) within [`ACK_TICK`](super::ACK_TICK), in which case
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
