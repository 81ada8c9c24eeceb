//! The one intake: event bytes in, a [`Prepared`] email or an
//! [`Unprepared`] reason out, with the profiles of thin events loaded from the directory on the
//! way. Every way in calls it: the queue (`worker`), the file (`run --events`), `preview
//! --event`, and next the HTTP server. It decides nothing about acks or files; its callers
//! map [`Unprepared`] to their own actions.
//!
//! A panic anywhere in here (a bug, ours or a dependency's) is that event's `render`
//! rejection, never the caller's crash.

use crate::compose::BodyEncoding;
use crate::directory::{Directory, LookupError, Unresolved};
use crate::event::Event;
use crate::pipeline::{DeadKind, Overrides, Pipeline, Prepared, Rejection};

/// Why an event produced no email.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unprepared {
    /// The event can never become an email: dead-letter it with this kind.
    #[error("{0}")]
    Rejected(Rejection),
    /// A profile could not be loaded now; the event should be tried again later.
    #[error("{error}")]
    Lookup {
        error: LookupError,
        /// For the log line: which event waits.
        event_id: String,
    },
}

/// Body → email: parse, resolve thin references, prepare. `encoding` is what the transport
/// takes (8bit unless an SMTP server lacks 8BITMIME; files and previews show 8bit).
pub async fn prepare(
    pipeline: &Pipeline,
    directory: &Directory,
    body: &[u8],
    encoding: BodyEncoding,
) -> Result<Prepared, Unprepared> {
    guarded(async {
        let event = pipeline.parse(body).map_err(Unprepared::Rejected)?;
        prepare_parsed(pipeline, directory, event, encoding).await
    })
    .await
}

async fn prepare_parsed(
    pipeline: &Pipeline,
    directory: &Directory,
    mut event: Event,
    encoding: BodyEncoding,
) -> Result<Prepared, Unprepared> {
    let notes = if Directory::needs_lookup(&event) {
        directory.resolve(&mut event).await.map_err(|e| match e {
            Unresolved::Rejected(r) => Unprepared::Rejected(r),
            Unresolved::Lookup(error) => Unprepared::Lookup {
                error,
                event_id: event.id.clone(),
            },
        })?
    } else {
        Vec::new()
    };
    let mut prepared = pipeline
        .prepare_event(
            &event,
            Overrides {
                encoding,
                ..Overrides::default()
            },
        )
        .map_err(Unprepared::Rejected)?;
    prepared.notes.extend(notes);
    Ok(prepared)
}

/// The pipeline catches panics in parsing and rendering itself; this catches the rest (a
/// directory lookup), so no way in ever sees one.
async fn guarded(
    f: impl Future<Output = Result<Prepared, Unprepared>>,
) -> Result<Prepared, Unprepared> {
    crate::unwind::catch_async(f)
        .await
        .unwrap_or_else(|panicked| {
            Err(Unprepared::Rejected(Rejection::new(
                DeadKind::Render,
                format!("internal error while preparing the email ({panicked})"),
                None,
            )))
        })
}
