//! The record of sent event ids, so a redelivered or republished event is not sent twice.
//!
//! Claim → send → mark: an id is claimed (`sending`, with a lease) before the SMTP
//! conversation, marked `sent` after the server accepted, and released when the send failed.
//! A claim held by another delivery of the same id (a duplicate publish, another worker) is
//! `Busy` until its lease runs out; a crash between the server's `250` and the mark leaves a
//! lease that expires, after which one duplicate is possible: the `Message-ID` is stable, so it
//! is recognisable downstream.
//!
//! [`Store`] is an enum over backends with `match` dispatch (one folder per backend), so a
//! PostgreSQL backend, and cooldown or suppression tables, are added beside SQLite without
//! touching the worker. The lease policy lives here ([`lease_for`]), not with the callers.
//!
//! Each claim carries a fencing [`Token`]: marking and releasing take it, and do nothing when
//! another delivery has claimed the id since (a worker that stalled past its lease), so a late
//! worker can never overwrite the state of an id another worker holds.
//! This module knows nothing about AMQP or SMTP.

mod sqlite;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use sqlite::{STORE_FILE, SqliteStore};

/// Sent ids are kept this long, which bounds how late a duplicate is still recognised.
pub const RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

/// The fencing token of one claim: a new one each time an id is claimed, so that only the
/// holder of the current claim can mark the id sent or release it. A worker whose lease ran
/// out mid-send (another delivery claimed the id since) finds its token stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This delivery may send, holding `Token`.
    Claimed(Token),
    /// The id was sent already: acknowledge without sending.
    AlreadySent,
    /// Another delivery of the same id is sending right now.
    Busy,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("state store {path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("state store {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("state store {path}: {message}")]
    Failed { path: PathBuf, message: String },
}

/// What marking an id sent did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    /// The id is recorded as sent.
    Recorded,
    /// The claim was no longer this delivery's: its lease ran out during the send and another
    /// delivery claimed the id. Nothing was written; that delivery decides what is recorded
    /// (the documented duplicate window).
    Fenced,
}

/// Room for the store on top of the SMTP timeout: the claim is written before the send and
/// the mark after it, each a group commit of a few milliseconds, seconds when the disk stalls.
pub const LEASE_MARGIN: Duration = Duration::from_secs(10);

/// How long a claim holds before another delivery may take over: longer than any send that
/// could still succeed (`smtp_timeout` bounds one whole send, and a send cut off by it is
/// released at once), plus [`LEASE_MARGIN`]. A worker that dies mid-send holds its event back
/// no longer than that (it was twice the timeout plus a minute: 100 s by default, now 30 s).
pub fn lease_for(smtp_timeout: Duration) -> Duration {
    smtp_timeout + LEASE_MARGIN
}

/// The sent-id record, whichever backend holds it. Cheap to clone, safe to share.
#[derive(Debug, Clone)]
pub enum Store {
    /// One host: a file under the state folder.
    Sqlite(SqliteStore),
}

impl Store {
    /// Opens (creating) the SQLite record in `dir`, whose claims hold for `lease`.
    pub fn open(dir: &Path, lease: Duration) -> Result<Store, StoreError> {
        SqliteStore::open(dir, lease).map(Store::Sqlite)
    }

    /// The record the worker uses: in `state_dir`, with the lease [`lease_for`] its SMTP
    /// timeout.
    pub fn for_worker(state_dir: &Path, smtp_timeout: Duration) -> Result<Store, StoreError> {
        Store::open(state_dir, lease_for(smtp_timeout))
    }

    /// Claims `id` for sending.
    pub async fn claim(&self, id: &str) -> Result<Claim, StoreError> {
        let started = std::time::Instant::now();
        let result = match self {
            Store::Sqlite(s) => s.claim(id).await,
        };
        crate::metrics::store_op("claim", started.elapsed().as_secs_f64());
        result
    }

    /// Records that the server accepted the email for `id`, if `token` still holds the claim.
    pub async fn mark_sent(&self, id: &str, token: Token) -> Result<Marked, StoreError> {
        let started = std::time::Instant::now();
        let result = match self {
            Store::Sqlite(s) => s.mark_sent(id, token).await,
        };
        crate::metrics::store_op("mark_sent", started.elapsed().as_secs_f64());
        result
    }

    /// Gives up a claim after a failed send, so a retry (or a replay from the dead-letter
    /// queue) may send. A stale `token` releases nothing: the id is another delivery's now.
    pub async fn release(&self, id: &str, token: Token) -> Result<(), StoreError> {
        let started = std::time::Instant::now();
        let result = match self {
            Store::Sqlite(s) => s.release(id, token).await,
        };
        crate::metrics::store_op("release", started.elapsed().as_secs_f64());
        result
    }

    /// Whether `id` is recorded as sent (for tests and tools).
    pub async fn is_sent(&self, id: &str) -> Result<bool, StoreError> {
        match self {
            Store::Sqlite(s) => s.is_sent(id).await,
        }
    }
}

#[cfg(test)]
mod lease_tests {
    use super::*;

    #[test]
    fn a_lease_outlives_any_send_by_the_margin_only() {
        for timeout in [1, 20, 120].map(Duration::from_secs) {
            let lease = lease_for(timeout);
            assert!(lease > timeout);
            assert_eq!(lease - timeout, LEASE_MARGIN);
        }
        // With the default timeout, a crashed sender holds its event back for 30 s, not 100.
        assert_eq!(lease_for(Duration::from_secs(20)), Duration::from_secs(30));
    }
}
