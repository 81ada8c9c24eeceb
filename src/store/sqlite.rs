//! The SQLite backend of the sent-id record: one file (WAL) under `MAILROOM_STATE_DIR`,
//! written by one thread with group commit; durable across restarts and shared by the
//! workers of one host.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};

use super::{Claim, Marked, RETENTION, StoreError, Token};

/// File name of the store inside the state folder.
pub const STORE_FILE: &str = "sent.sqlite3";

/// What a request asks of the writer thread.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Claim,
    MarkSent,
    Release,
    IsSent,
}

/// What a request produced inside its transaction.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Claim(Claim),
    Marked(Marked),
    Done,
    Sent(bool),
}

/// One request to the writer thread, with where to send its answer.
struct Op {
    kind: Kind,
    id: String,
    /// The claim's fencing token, for marks and releases.
    token: i64,
    reply: tokio::sync::oneshot::Sender<Result<Answer, StoreError>>,
}

/// Requests handled in one transaction at most: bounds the latency a burst adds.
const MAX_BATCH: usize = 256;

/// How long the writer lets requests gather before a transaction, when they come in a stream.
///
/// Without it a transaction held 1.2 requests on average at 8,000 emails/s: each commit
/// (file locks, WAL frames and their checksums) served about one request, and the store
/// thread took a sixth of the worker's CPU. A request waits at most this much longer.
///
/// It applies only to a stream: when the first request came within this time of the last
/// commit, more are likely within it too. A request after a quiet spell is committed at once.
const LINGER: Duration = Duration::from_micros(300);

/// The SQLite record; cheap to clone, safe to share between tasks.
///
/// One thread owns the SQLite connection and commits the requests that arrived together in
/// one transaction (group commit): a commit is the expensive part of a write, and under load
/// hundreds of claims and marks share one. Each request still gets its own answer, after its
/// transaction committed.
#[derive(Clone)]
pub struct SqliteStore {
    ops: std::sync::mpsc::Sender<Op>,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl SqliteStore {
    /// Opens (creating) the store in `dir`. `lease` is how long a claim holds before another
    /// delivery may take over: longer than one whole send can take.
    pub fn open(dir: &Path, lease: Duration) -> Result<SqliteStore, StoreError> {
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
             );
             -- The last fencing token handed out, shared by every process on the file.
             CREATE TABLE IF NOT EXISTS fence (
                 one  INTEGER PRIMARY KEY CHECK (one = 1),
                 last INTEGER NOT NULL
             );
             INSERT OR IGNORE INTO fence (one, last) VALUES (1, 0);",
        )
        .map_err(sqlite)?;
        // A record from before fencing tokens: its claims get token 0, which no new claim
        // has, and marks carry the token from now on. In one write transaction, so that two
        // workers starting on the same file at once add the column once.
        conn.execute_batch("BEGIN IMMEDIATE;").map_err(sqlite)?;
        let has_token = conn
            .prepare("SELECT 1 FROM pragma_table_info('sent') WHERE name = 'token'")
            .and_then(|mut s| s.exists([]));
        let migrated = match has_token {
            Ok(true) => Ok(()),
            Ok(false) => {
                conn.execute_batch("ALTER TABLE sent ADD COLUMN token INTEGER NOT NULL DEFAULT 0;")
            }
            Err(e) => Err(e),
        };
        match migrated {
            Ok(()) => conn.execute_batch("COMMIT;").map_err(sqlite)?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK;");
                return Err(sqlite(e));
            }
        }
        conn.execute(
            "DELETE FROM sent WHERE state = 'sent' AND updated_at < ?1",
            params![now_secs() - RETENTION.as_secs() as i64],
        )
        .map_err(sqlite)?;
        // Checkpoints (copying the WAL into the database, with an fsync) run on their own
        // thread: done by the writer, each one would stall every claim of its batch for as
        // long as the disk takes to sync, tens of milliseconds on a busy disk.
        conn.execute_batch("PRAGMA wal_autocheckpoint=0;")
            .map_err(sqlite)?;
        let checkpointer = Connection::open(&path).map_err(sqlite)?;
        checkpointer
            .busy_timeout(Duration::from_secs(5))
            .map_err(sqlite)?;
        // Dropped by the writer when it ends, which ends the checkpoint thread too.
        let (alive, writer_gone) = std::sync::mpsc::channel::<()>();
        let spawn_failed = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        std::thread::Builder::new()
            .name("mailroom-store-checkpoint".into())
            .spawn(move || checkpoints(checkpointer, writer_gone))
            .map_err(spawn_failed)?;
        let (ops, rx) = std::sync::mpsc::channel();
        let writer_path = path.clone();
        let lease = lease.as_secs() as i64;
        std::thread::Builder::new()
            .name("mailroom-store".into())
            .spawn(move || {
                writer(conn, rx, writer_path, lease);
                drop(alive);
            })
            .map_err(spawn_failed)?;
        Ok(SqliteStore { ops, path })
    }

    async fn ask(&self, kind: Kind, id: &str) -> Result<Answer, StoreError> {
        self.ask_with(kind, id, 0).await
    }

    async fn ask_with(&self, kind: Kind, id: &str, token: i64) -> Result<Answer, StoreError> {
        let (reply, rx) = tokio::sync::oneshot::channel();
        let gone = || StoreError::Failed {
            path: self.path.clone(),
            message: "the writer thread is gone".into(),
        };
        self.ops
            .send(Op {
                kind,
                id: id.to_owned(),
                token,
                reply,
            })
            .map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }

    /// Claims `id` for sending.
    pub async fn claim(&self, id: &str) -> Result<Claim, StoreError> {
        match self.ask(Kind::Claim, id).await? {
            Answer::Claim(c) => Ok(c),
            other => Err(self.mismatch(other)),
        }
    }

    /// Records that the server accepted the email for `id`, if `token` still holds the claim.
    pub async fn mark_sent(&self, id: &str, token: Token) -> Result<Marked, StoreError> {
        match self.ask_with(Kind::MarkSent, id, token.0).await? {
            Answer::Marked(m) => Ok(m),
            other => Err(self.mismatch(other)),
        }
    }

    /// Gives up a claim after a failed send, so a retry (or a replay from the dead-letter
    /// queue) may send; a stale `token` releases nothing.
    pub async fn release(&self, id: &str, token: Token) -> Result<(), StoreError> {
        self.ask_with(Kind::Release, id, token.0).await.map(drop)
    }

    /// Whether `id` is recorded as sent (for tests and tools).
    pub async fn is_sent(&self, id: &str) -> Result<bool, StoreError> {
        match self.ask(Kind::IsSent, id).await? {
            Answer::Sent(b) => Ok(b),
            other => Err(self.mismatch(other)),
        }
    }

    /// `run_batch` answers each request with its own kind; this is the error if it did not.
    fn mismatch(&self, answer: Answer) -> StoreError {
        StoreError::Failed {
            path: self.path.clone(),
            message: format!("unexpected answer {answer:?}"),
        }
    }
}

/// How often the WAL is copied into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// The checkpoint thread: a passive checkpoint every [`CHECKPOINT_EVERY`] (it never blocks the
/// writer), and a last one when the writer has ended.
fn checkpoints(conn: Connection, writer_gone: std::sync::mpsc::Receiver<()>) {
    use std::sync::mpsc::RecvTimeoutError;
    loop {
        let last = !matches!(
            writer_gone.recv_timeout(CHECKPOINT_EVERY),
            Err(RecvTimeoutError::Timeout)
        );
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!("sent-id record: checkpoint failed: {e}");
        }
        if last {
            break;
        }
    }
}

/// The writer thread: takes what is queued, runs it in one transaction, answers each request.
/// Ends when every `SqliteStore` handle is gone.
fn writer(mut conn: Connection, rx: std::sync::mpsc::Receiver<Op>, path: PathBuf, lease: i64) {
    let mut idle_since = std::time::Instant::now();
    while let Ok(first) = rx.recv() {
        // Sleeping, not waiting on the channel: a sender wakes a thread blocked in `recv`
        // (a futex call per request), not one that sleeps.
        if idle_since.elapsed() < LINGER {
            std::thread::sleep(LINGER);
        }
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        match run_batch(&mut conn, &batch, lease) {
            Ok(answers) => {
                for (op, answer) in batch.into_iter().zip(answers) {
                    // A requester that stopped waiting (its task was cancelled) is no error.
                    let _ = op.reply.send(Ok(answer));
                }
            }
            // Nothing of a failed transaction took effect: every request in it fails.
            Err(e) => {
                for op in batch {
                    let _ = op.reply.send(Err(StoreError::Failed {
                        path: path.clone(),
                        message: e.to_string(),
                    }));
                }
            }
        }
        idle_since = std::time::Instant::now();
    }
}

fn run_batch(conn: &mut Connection, batch: &[Op], lease: i64) -> rusqlite::Result<Vec<Answer>> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let now = now_secs();
    let mut answers = Vec::with_capacity(batch.len());
    // The batch's tokens, reserved at once: one write for all its claims, and unique across
    // the processes sharing the file (the transaction holds the write lock).
    let claims = batch
        .iter()
        .filter(|op| matches!(op.kind, Kind::Claim))
        .count() as i64;
    let mut next_token = if claims == 0 {
        0
    } else {
        tx.prepare_cached("UPDATE fence SET last = last + ?1 WHERE one = 1 RETURNING last")?
            .query_row([claims], |r| r.get::<_, i64>(0))?
            - claims
    };
    for op in batch {
        let id = &op.id;
        answers.push(match op.kind {
            Kind::Claim => {
                next_token += 1;
                let changed = tx
                    .prepare_cached(
                        "INSERT INTO sent (event_id, state, lease_until, updated_at, token)
                         VALUES (?1, 'sending', ?2, ?3, ?4)
                         ON CONFLICT (event_id) DO UPDATE
                           SET state = 'sending', lease_until = excluded.lease_until,
                               updated_at = excluded.updated_at, token = excluded.token
                           WHERE sent.state = 'sending' AND sent.lease_until < ?3",
                    )?
                    .execute(params![id, now + lease, now, next_token])?;
                if changed == 1 {
                    Answer::Claim(Claim::Claimed(Token(next_token)))
                } else {
                    let state: Option<String> = tx
                        .prepare_cached("SELECT state FROM sent WHERE event_id = ?1")?
                        .query_row([id], |r| r.get(0))
                        .optional()?;
                    Answer::Claim(match state.as_deref() {
                        Some("sent") => Claim::AlreadySent,
                        _ => Claim::Busy,
                    })
                }
            }
            // Only the current claim's holder writes: a late worker's token is stale.
            Kind::MarkSent => {
                let changed = tx
                    .prepare_cached(
                        "UPDATE sent SET state = 'sent', updated_at = ?2
                         WHERE event_id = ?1 AND state = 'sending' AND token = ?3",
                    )?
                    .execute(params![id, now, op.token])?;
                Answer::Marked(if changed == 1 {
                    Marked::Recorded
                } else {
                    Marked::Fenced
                })
            }
            Kind::Release => {
                tx.prepare_cached(
                    "DELETE FROM sent WHERE event_id = ?1 AND state = 'sending' AND token = ?2",
                )?
                .execute(params![id, op.token])?;
                Answer::Done
            }
            Kind::IsSent => Answer::Sent(
                tx.prepare_cached("SELECT 1 FROM sent WHERE event_id = ?1 AND state = 'sent'")?
                    .query_row([id], |_| Ok(()))
                    .optional()?
                    .is_some(),
            ),
        });
    }
    tx.commit()?;
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Marked, Store};

    #[tokio::test]
    async fn the_log_reaches_the_database_file_without_the_writer_checkpointing() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path(), Duration::from_secs(60)).unwrap();
        for i in 0..100 {
            s.claim(&format!("id-{i}")).await.unwrap();
        }
        // `immutable=1` reads the database file alone, ignoring the WAL: rows show up there
        // only once a checkpoint copied them.
        let uri = format!("file:{}?immutable=1", d.path().join(STORE_FILE).display());
        let mut seen = 0;
        for _ in 0..50 {
            let ro = Connection::open_with_flags(
                &uri,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
            )
            .unwrap();
            seen = ro
                .query_row("SELECT count(*) FROM sent", [], |r| r.get::<_, i64>(0))
                .unwrap_or(0);
            if seen == 100 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(seen, 100, "the checkpoint thread copied the log within 5 s");
    }

    /// Many callers on several threads at once, so requests arrive while the writer lingers
    /// and while it commits: every request is answered, each exactly as if alone.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_callers_are_all_answered_correctly() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path(), Duration::from_secs(60)).unwrap();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..2000 {
            let s = s.clone();
            tasks.spawn(async move {
                let id = format!("id-{}", i / 2); // two deliveries of each id
                let claim = s.claim(&id).await.unwrap();
                if let Claim::Claimed(token) = claim {
                    tokio::task::yield_now().await;
                    assert_eq!(s.mark_sent(&id, token).await.unwrap(), Marked::Recorded);
                }
                claim
            });
        }
        let all = tokio::time::timeout(Duration::from_secs(60), tasks.join_all())
            .await
            .expect("every request answered");
        let claimed = all
            .iter()
            .filter(|c| matches!(c, Claim::Claimed(_)))
            .count();
        assert_eq!(claimed, 1000, "exactly one delivery of each id may send");
        for i in 0..1000 {
            assert!(s.is_sent(&format!("id-{i}")).await.unwrap());
        }
    }

    #[tokio::test]
    async fn claim_send_mark_and_release() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path(), Duration::from_secs(60)).unwrap();
        let Claim::Claimed(a) = s.claim("a").await.unwrap() else {
            panic!("a is new")
        };
        assert_eq!(s.claim("a").await.unwrap(), Claim::Busy);
        assert_eq!(s.mark_sent("a", a).await.unwrap(), Marked::Recorded);
        assert_eq!(s.claim("a").await.unwrap(), Claim::AlreadySent);
        let Claim::Claimed(b) = s.claim("b").await.unwrap() else {
            panic!("b is new")
        };
        s.release("b", b).await.unwrap();
        let Claim::Claimed(b2) = s.claim("b").await.unwrap() else {
            panic!("b was released")
        };
        assert_ne!(b, b2, "each claim has its own token");
    }

    #[tokio::test]
    async fn the_record_survives_a_restart_and_expired_leases_are_taken_over() {
        let d = tempfile::tempdir().unwrap();
        {
            let s = Store::open(d.path(), Duration::from_secs(60)).unwrap();
            let Claim::Claimed(a) = s.claim("a").await.unwrap() else {
                panic!("a is new")
            };
            s.mark_sent("a", a).await.unwrap();
            // A lease of zero seconds expires at once: a crashed sender's claim.
            let short = Store::open(d.path(), Duration::ZERO).unwrap();
            short.claim("b").await.unwrap();
        }
        let s = Store::open(d.path(), Duration::from_secs(60)).unwrap();
        assert!(s.is_sent("a").await.unwrap());
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert!(matches!(s.claim("b").await.unwrap(), Claim::Claimed(_)));
    }

    /// A worker that stalls past its lease (a send slower than the timeout, a paused VM)
    /// comes back to find the id claimed by another delivery: its mark and its release are
    /// fenced off and change nothing of the new holder's claim.
    #[tokio::test]
    async fn a_worker_whose_lease_ran_out_can_never_mark_or_release_the_new_holders_claim() {
        let d = tempfile::tempdir().unwrap();
        let late = Store::open(d.path(), Duration::ZERO).unwrap();
        let Claim::Claimed(stale) = late.claim("x").await.unwrap() else {
            panic!("x is new")
        };
        tokio::time::sleep(Duration::from_millis(1100)).await;
        // A second worker (another process on the same file) takes over the expired claim.
        let other = Store::open(d.path(), Duration::from_secs(60)).unwrap();
        let Claim::Claimed(current) = other.claim("x").await.unwrap() else {
            panic!("the lease ran out")
        };
        assert_ne!(stale, current);
        assert_eq!(late.mark_sent("x", stale).await.unwrap(), Marked::Fenced);
        late.release("x", stale).await.unwrap();
        assert!(
            !other.is_sent("x").await.unwrap(),
            "the stale mark wrote nothing"
        );
        assert_eq!(
            other.claim("x").await.unwrap(),
            Claim::Busy,
            "nor did the release"
        );
        assert_eq!(
            other.mark_sent("x", current).await.unwrap(),
            Marked::Recorded
        );
        assert_eq!(late.claim("x").await.unwrap(), Claim::AlreadySent);
    }

    /// A record written before fencing tokens (no `token` column) opens, gains the column,
    /// and keeps what it held.
    #[tokio::test]
    async fn a_record_from_before_fencing_tokens_is_migrated_in_place() {
        let d = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(d.path().join(STORE_FILE)).unwrap();
            conn.execute_batch(
                "CREATE TABLE sent (
                     event_id TEXT PRIMARY KEY,
                     state TEXT NOT NULL CHECK (state IN ('sending', 'sent')),
                     lease_until INTEGER NOT NULL,
                     updated_at INTEGER NOT NULL
                 );
                 INSERT INTO sent VALUES ('old', 'sent', 0, strftime('%s', 'now'));",
            )
            .unwrap();
        }
        let s = Store::open(d.path(), Duration::from_secs(60)).unwrap();
        assert_eq!(s.claim("old").await.unwrap(), Claim::AlreadySent);
        let Claim::Claimed(t) = s.claim("new").await.unwrap() else {
            panic!("new is new")
        };
        assert_eq!(s.mark_sent("new", t).await.unwrap(), Marked::Recorded);
        // Opening again finds the column there.
        drop(s);
        let again = Store::open(d.path(), Duration::from_secs(60)).unwrap();
        assert_eq!(again.claim("new").await.unwrap(), Claim::AlreadySent);
    }
}
