//! The one-step handler: one event body in, what became of it ([`Outcome`]) out. Prepare
//! (through the intake), claim the id, send, record. No broker here: the consume loop and
//! the tests call it alike.

use std::sync::Arc;

use crate::compose::{BodyEncoding, Composed};
use crate::directory::{Directory, LookupError};
use crate::intake::Unprepared;
use crate::mailer::{Mailer, SendError};
use crate::observe::{Meta, Observed, emit};
use crate::reload::Live;
use crate::store::{Claim, Marked, Store};

use super::{DeadKind, Outcome};

/// Everything one delivery needs.
pub struct Handler {
    /// The template set in service; each delivery takes it once (see `reload`).
    pub(super) live: Arc<Live>,
    /// Loads the profiles of thin events.
    pub(super) directory: Arc<Directory>,
    pub(super) mailer: Mailer,
    pub(super) store: Store,
}

impl Handler {
    pub fn new(live: Arc<Live>, mailer: Mailer, store: Store) -> Handler {
        Handler {
            live,
            directory: Arc::new(Directory::none()),
            mailer,
            store,
        }
    }

    /// The one-step function: prepare, then deliver (claim, send, record).
    pub async fn handle(&self, body: &[u8]) -> (Outcome, Meta) {
        let _in_flight = crate::metrics::in_flight();
        // Compose for the server we send to: 8bit unless it said it cannot take it.
        let encoding = match self.mailer.eight_bit_mime() {
            Some(false) => BodyEncoding::SevenBit,
            _ => BodyEncoding::EightBit,
        };
        // Boxed, like the send below: a task then holds only the stage it is in (see
        // `Worker::process`).
        // One set for the whole email, even if a reload swaps in another meanwhile.
        let pipeline = self.live.current();
        let prepared = crate::intake::prepare(&pipeline, &self.directory, body, encoding);
        let prepared = match Box::pin(prepared).await {
            Ok(p) => p,
            Err(unprepared) => return not_prepared(unprepared),
        };
        // An old set is freed once no email being prepared holds it.
        drop(pipeline);
        let meta = Meta::of(&prepared);
        emit(Observed::Notes {
            event_id: &prepared.event_id,
            line: None,
            notes: &prepared.notes,
        });
        // Only the composed message goes on: the rendered parts (larger than the message)
        // are freed here rather than held through the claim and the SMTP conversation.
        drop(prepared.rendered);
        let outcome = self.deliver(&prepared.event_id, &prepared.message).await;
        (outcome, meta)
    }

    /// Claims the id, sends, and records it sent; a failed or panicking send releases the
    /// claim so a retry or a replay is not held up.
    async fn deliver(&self, id: &str, message: &Composed) -> Outcome {
        let token = match self.store.claim(id).await {
            Ok(Claim::Claimed(token)) => token,
            Ok(Claim::AlreadySent) => return Outcome::Duplicate,
            Ok(Claim::Busy) => return Outcome::Busy,
            Err(e) => {
                return Outcome::Retry {
                    reason: e.to_string(),
                };
            }
        };
        let started = std::time::Instant::now();
        let sent = crate::unwind::catch_async(Box::pin(async {
            crate::unwind::fault_point("send", id);
            self.mailer.send(message).await
        }))
        .await;
        crate::metrics::smtp_send(started.elapsed().as_secs_f64());
        let outcome = match sent {
            Ok(Ok(())) => {
                match self.store.mark_sent(id, token).await {
                    Ok(Marked::Recorded) => {}
                    // The send outlasted the lease and another delivery claimed the id: it
                    // may send too (the duplicate window the README documents).
                    Ok(Marked::Fenced) => tracing::warn!(
                        event_id = %id,
                        "sent, but the claim had passed to another delivery (the send outlasted the lease); that delivery may send it again"
                    ),
                    // The email is out; not recording it only risks one duplicate later.
                    Err(e) => tracing::error!(event_id = %id, "sent, but not recorded: {e}"),
                }
                return Outcome::Sent;
            }
            Ok(Err(SendError::Transient(reason))) => Outcome::Retry { reason },
            Ok(Err(SendError::Permanent(reason))) => Outcome::DeadLetter {
                kind: DeadKind::Rejected,
                reason,
            },
            // Whether the server took it is unknown; a person looks at the dead letter and
            // can replay it.
            Err(panicked) => Outcome::DeadLetter {
                kind: DeadKind::Render,
                reason: format!("internal error while sending the email ({panicked})"),
            },
        };
        if let Err(se) = self.store.release(id, token).await {
            tracing::error!(event_id = %id, "could not release the claim: {se}");
        }
        outcome
    }
}

/// What became of an event that could not be prepared: a dead letter, or a retry when the
/// directory failed (not the event's fault: it waits in the retry tiers while someone fixes
/// the directory; refused credentials need a person, so they are logged as errors).
fn not_prepared(unprepared: Unprepared) -> (Outcome, Meta) {
    match unprepared {
        Unprepared::Rejected(r) => {
            let meta = Meta::id(r.event_id.as_deref());
            let outcome = Outcome::DeadLetter {
                kind: r.kind,
                reason: r.reason,
            };
            (outcome, meta)
        }
        Unprepared::Lookup { error, event_id } => {
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
            (outcome, meta)
        }
    }
}
