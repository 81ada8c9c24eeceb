//! Queue names and their arguments: the events queue, `<queue>.dlq`, and one
//! `<queue>.retry.<delay>` per tier (see the module doc of `amqp`).

use std::time::Duration;

use lapin::types::{AMQPValue, FieldTable};

use crate::config::QueueType;

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

    pub(super) fn base_arguments(&self) -> FieldTable {
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
    pub(super) fn dead_lettering_to(&self, target: &str) -> FieldTable {
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

#[cfg(test)]
mod tests {
    use super::*;

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
