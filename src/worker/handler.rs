//! The one-step handler: one event body in, what became of it ([`Outcome`]) out. Prepare
//! (through the intake), claim the id, send, record. No broker here: the consume loop and
//! the tests call it alike.

use std::sync::Arc;

use crate::compose::BodyEncoding;
use crate::directory::{Directory, LookupError};
use crate::intake::Unprepared;
use crate::mailer::{Mailer, SendError};
use crate::observe::{Meta, Observed, emit};
use crate::pipeline::Pipeline;
use crate::store::{Claim, Store};

use super::{DeadKind, Outcome};

/// Everything one delivery needs.
pub struct Handler {
    pub(super) pipeline: Arc<Pipeline>,
    /// Loads the profiles of thin events.
    pub(super) directory: Arc<Directory>,
    pub(super) mailer: Mailer,
    pub(super) store: Store,
}

impl Handler {
    pub fn new(pipeline: Arc<Pipeline>, mailer: Mailer, store: Store) -> Handler {
        Handler {
            pipeline,
            directory: Arc::new(Directory::none()),
            mailer,
            store,
        }
    }

    /// The one-step function: render, claim, send, record.
    pub async fn handle(&self, body: &[u8]) -> (Outcome, Meta) {
        // Compose for the server we send to: 8bit unless it said it cannot take it.
        let encoding = match self.mailer.eight_bit_mime() {
            Some(false) => BodyEncoding::SevenBit,
            _ => BodyEncoding::EightBit,
        };
        // Boxed, like the send below: a task then holds only the stage it is in (see
        // `Worker::process`).
        let prepared = crate::intake::prepare(&self.pipeline, &self.directory, body, encoding);
        let prepared = match Box::pin(prepared).await {
            Ok(p) => p,
            Err(Unprepared::Rejected(r)) => {
                let meta = Meta::id(r.event_id.as_deref());
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
                    emit(Observed::DirectoryRefused {
                        event_id: &event_id,
                        error: &error.to_string(),
                    });
                }
                let meta = Meta::id(Some(&event_id));
                let outcome = Outcome::Retry {
                    reason: error.to_string(),
                };
                return (outcome, meta);
            }
        };
        let meta = Meta::of(&prepared);
        emit(Observed::Notes {
            event_id: &prepared.event_id,
            line: None,
            notes: &prepared.notes,
        });
        // Only the composed message goes on: the rendered parts (larger than the message)
        // are freed here rather than held through the claim and the SMTP conversation.
        drop(prepared.rendered);
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
        let sent = crate::unwind::catch_async(Box::pin(async {
            crate::unwind::fault_point("send", id);
            self.mailer.send(&prepared.message).await
        }))
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
}
