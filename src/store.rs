//! The record of sent event ids, so a redelivered or republished event is not sent twice.
//!
//! Claim → send → mark: an id is claimed (`sending`, with a lease) before the SMTP
//! conversation, marked `sent` after the server accepted, and released when the send failed.
//! A claim held by another delivery of the same id (a duplicate publish, another worker) is
//! `Busy` until its lease runs out; a crash between the server's `250` and the mark leaves a
//! lease that expires, after which one duplicate is possible: the `Message-ID` is stable, so it
//! is recognisable downstream.
//!
//! SQLite (WAL) under `MAILROOM_STATE_DIR`: durable across restarts and shared by the workers of
//! one host. Workers on several hosts need a shared store (not built yet). This module knows
//! nothing about AMQP or SMTP.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};

/// File name of the store inside the state folder.
pub const STORE_FILE: &str = "sent.sqlite3";
/// Sent ids are kept this long, which bounds how late a duplicate is still recognised.
pub const RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This delivery may send.
    Claimed,
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
    #[error("state store task failed: {0}")]
    Join(String),
}

/// The store; cheap to clone, safe to share between tasks.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
    lease: Duration,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Store {
    /// Opens (creating) the store in `dir`. `lease` is how long a claim holds before another
    /// delivery may take over: longer than one whole send can take.
    pub fn open(dir: &Path, lease: Duration) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(STORE_FILE);
        let sqlite = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let conn = Connection::open(&path).map_err(sqlite)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(sqlite)?;
        // WAL + NORMAL survives a process crash (what redelivery is about); the last
        // transactions may be lost on power loss, which at worst re-sends an email.
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             PRAGMA synchronous=NORMAL;
             CREATE TABLE IF NOT EXISTS sent (
                 event_id    TEXT PRIMARY KEY,
                 state       TEXT NOT NULL CHECK (state IN ('sending', 'sent')),
                 lease_until INTEGER NOT NULL,
                 updated_at  INTEGER NOT NULL
             );",
        )
        .map_err(sqlite)?;
        conn.execute(
            "DELETE FROM sent WHERE state = 'sent' AND updated_at < ?1",
            params![now_secs() - RETENTION.as_secs() as i64],
        )
        .map_err(sqlite)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            path,
            lease,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn with<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            // A poisoned lock means a panic mid-statement; SQLite itself is still consistent.
            let guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&guard).map_err(|source| StoreError::Sqlite { path, source })
        })
        .await
        .map_err(|e| StoreError::Join(e.to_string()))?
    }

    /// Claims `id` for sending.
    pub async fn claim(&self, id: &str) -> Result<Claim, StoreError> {
        let id = id.to_owned();
        let lease = self.lease.as_secs() as i64;
        self.with(move |c| {
            let now = now_secs();
            let changed = c.execute(
                "INSERT INTO sent (event_id, state, lease_until, updated_at)
                 VALUES (?1, 'sending', ?2, ?3)
                 ON CONFLICT (event_id) DO UPDATE
                   SET state = 'sending', lease_until = excluded.lease_until,
                       updated_at = excluded.updated_at
                   WHERE sent.state = 'sending' AND sent.lease_until < ?3",
                params![id, now + lease, now],
            )?;
            if changed == 1 {
                return Ok(Claim::Claimed);
            }
            let state: Option<String> = c
                .query_row("SELECT state FROM sent WHERE event_id = ?1", [&id], |r| {
                    r.get(0)
                })
                .optional()?;
            Ok(match state.as_deref() {
                Some("sent") => Claim::AlreadySent,
                _ => Claim::Busy,
            })
        })
        .await
    }

    /// Records that the server accepted the email for `id`.
    pub async fn mark_sent(&self, id: &str) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.with(move |c| {
            c.execute(
                "UPDATE sent SET state = 'sent', updated_at = ?2 WHERE event_id = ?1",
                params![id, now_secs()],
            )
            .map(drop)
        })
        .await
    }

    /// Gives up a claim after a failed send, so a retry (or a replay from the dead-letter
    /// queue) may send.
    pub async fn release(&self, id: &str) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.with(move |c| {
            c.execute(
                "DELETE FROM sent WHERE event_id = ?1 AND state = 'sending'",
                [id],
            )
            .map(drop)
        })
        .await
    }

    /// Whether `id` is recorded as sent (for tests and tools).
    pub async fn is_sent(&self, id: &str) -> Result<bool, StoreError> {
        let id = id.to_owned();
        self.with(move |c| {
            c.query_row(
                "SELECT 1 FROM sent WHERE event_id = ?1 AND state = 'sent'",
                [id],
                |_| Ok(()),
            )
            .optional()
            .map(|r| r.is_some())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn claim_send_mark_and_release() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path(), Duration::from_secs(60)).unwrap();
        assert_eq!(s.claim("a").await.unwrap(), Claim::Claimed);
        assert_eq!(s.claim("a").await.unwrap(), Claim::Busy);
        s.mark_sent("a").await.unwrap();
        assert_eq!(s.claim("a").await.unwrap(), Claim::AlreadySent);
        assert_eq!(s.claim("b").await.unwrap(), Claim::Claimed);
        s.release("b").await.unwrap();
        assert_eq!(s.claim("b").await.unwrap(), Claim::Claimed);
    }

    #[tokio::test]
    async fn the_record_survives_a_restart_and_expired_leases_are_taken_over() {
        let d = tempfile::tempdir().unwrap();
        {
            let s = Store::open(d.path(), Duration::from_secs(60)).unwrap();
            s.claim("a").await.unwrap();
            s.mark_sent("a").await.unwrap();
            // A lease of zero seconds expires at once: a crashed sender's claim.
            let short = Store::open(d.path(), Duration::ZERO).unwrap();
            short.claim("b").await.unwrap();
        }
        let s = Store::open(d.path(), Duration::from_secs(60)).unwrap();
        assert!(s.is_sent("a").await.unwrap());
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert_eq!(s.claim("b").await.unwrap(), Claim::Claimed);
    }
}
