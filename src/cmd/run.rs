//! `mailroom run`: the broker worker, or the embedded mode (`--events FILE --outbox DIR`).
//!
//! Without arguments it consumes RabbitMQ and sends through SMTP (see `worker`) until SIGTERM
//! or SIGINT, then drains and exits 0. With `--events/--outbox` it reads newline-delimited JSON
//! and hands each line to the same core ([`crate::intake::prepare`]); the outbox folder stands in for
//! SMTP and `rejected.jsonl` for the dead-letter queue. A bad line is reported with its number
//! and reason and processing goes on; the exit status is 0 when every line was handled. Thin
//! events are resolved through the configured directory in both modes; in the embedded mode a
//! directory that cannot answer stops the run at that line (there is no retry queue to wait in).

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::Context as _;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::cli::RunArgs;
use sha2::{Digest, Sha256};

use crate::compose::{BodyEncoding, message_id_local};
use crate::config::Settings;
use crate::directory::Directory;
use crate::event::{EventError, MAX_EVENT_BYTES};
use crate::input::Line;
use crate::intake::Unprepared;
use crate::mailer::Mailer;
use crate::observe::{Observed, emit};
use crate::outbox::{Outbox, REJECTED_FILE, Raw};
use crate::pipeline::{DeadKind, Pipeline, Prepared, Rejection};
use crate::reload::Live;
use crate::store::Store;
use crate::worker::Worker;

/// Counts of one embedded run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub lines: usize,
    /// Emails written: one file each.
    pub written: usize,
    /// Lines whose event id was written by an earlier line (the first one wins).
    pub duplicates: usize,
    /// Rejected lines by kind (the pipeline's kinds: there is no SMTP server here).
    pub rejected: BTreeMap<DeadKind, usize>,
}

impl Summary {
    pub fn rejected(&self) -> usize {
        self.rejected.values().sum()
    }

    fn count(&self, kind: DeadKind) -> usize {
        self.rejected.get(&kind).copied().unwrap_or(0)
    }
}

pub fn run(args: RunArgs, settings: Settings) -> anyhow::Result<i32> {
    let (Some(events), Some(outbox)) = (args.events, args.outbox) else {
        return run_worker(settings);
    };
    let directory = Directory::open_checked(&settings.directory)?;
    let (pipeline, warnings) = Pipeline::load_strict(settings)?;
    crate::diagnostic::log_warnings(&warnings);
    let mut outbox = Outbox::open(&outbox)
        .with_context(|| format!("cannot create the outbox {}", outbox.display()))?;
    let summary = if events == Path::new("-") {
        process(&pipeline, &directory, std::io::stdin().lock(), &mut outbox)?
    } else {
        let file = std::fs::File::open(&events)
            .with_context(|| format!("cannot open {}", events.display()))?;
        process(&pipeline, &directory, BufReader::new(file), &mut outbox)?
    };
    let rejected = if summary.rejected() > 0 {
        format!(
            ", {} rejected ({} malformed, {} unroutable, {} render; see {})",
            summary.rejected(),
            summary.count(DeadKind::Malformed),
            summary.count(DeadKind::Unroutable),
            summary.count(DeadKind::Render),
            outbox.dir().join(REJECTED_FILE).display()
        )
    } else {
        String::new()
    };
    let duplicates = if summary.duplicates > 0 {
        format!(
            ", {} duplicate id(s) skipped (the first line wins)",
            summary.duplicates
        )
    } else {
        String::new()
    };
    eprintln!(
        "{} events: {} written to {}{duplicates}{rejected}",
        summary.written + summary.duplicates + summary.rejected(),
        summary.written,
        outbox.dir().display()
    );
    Ok(0)
}

/// Processes every line of `input`. Fails only when the input cannot be read, the outbox
/// cannot be written or the directory cannot answer: a bad event is a rejection, not an error.
pub fn process(
    pipeline: &Pipeline,
    directory: &Directory,
    mut input: impl BufRead,
    outbox: &mut Outbox,
) -> anyhow::Result<Summary> {
    // Directory lookups are async (the API source); the files of this mode are not.
    let runtime = crate::runtime::build(crate::runtime::Threads::One)?;
    let mut run = Embedded {
        pipeline,
        directory,
        outbox,
        runtime,
        summary: Summary::default(),
        seen: HashMap::new(),
    };
    // The limit plus the `\r` of a CRLF line: the event limit applies to the event itself.
    let limit = MAX_EVENT_BYTES + 1;
    let mut line = Vec::new();
    loop {
        let read = crate::input::read_line(&mut input, &mut line, limit)
            .context("cannot read the events")?;
        if read == Line::End {
            break;
        }
        run.summary.lines += 1;
        let number = run.summary.lines;
        match read {
            Line::TooLong {
                size,
                sha256,
                prefix,
            } => run.too_long(number, size, &sha256, &prefix)?,
            _ => run.line(number, trim_cr(&line))?,
        }
    }
    Ok(run.summary)
}

/// The state of one embedded run.
struct Embedded<'a> {
    pipeline: &'a Pipeline,
    directory: &'a Directory,
    outbox: &'a mut Outbox,
    runtime: tokio::runtime::Runtime,
    summary: Summary,
    /// The line that wrote each email, by the SHA-256 of its file name (16 bytes each, so a
    /// long input stays small): a later line with the same id is skipped, as the worker
    /// skips an id it sent.
    seen: HashMap<[u8; 16], usize>,
}

impl Embedded<'_> {
    fn line(&mut self, number: usize, body: &[u8]) -> anyhow::Result<()> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        // Files show what a server with 8BITMIME (nearly all) receives.
        let encoding = BodyEncoding::EightBit;
        let prepared = self.runtime.block_on(crate::intake::prepare(
            self.pipeline,
            self.directory,
            body,
            encoding,
        ));
        match prepared {
            Ok(prepared) => self.write(number, &prepared),
            Err(Unprepared::Lookup { error: e, .. }) => {
                anyhow::bail!(
                    "line {number}: {e}; stopped here: lines {number} and after were not processed"
                );
            }
            Err(Unprepared::Rejected(rejection)) => {
                self.reject(number, Raw::Whole(body), &rejection)
            }
        }
    }

    fn write(&mut self, number: usize, prepared: &Prepared) -> anyhow::Result<()> {
        let key = file_key(&prepared.event_id);
        if let Some(&first) = self.seen.get(&key) {
            self.summary.duplicates += 1;
            emit(Observed::DuplicateLine {
                line: number,
                first,
                event_id: &prepared.event_id,
            });
            return Ok(());
        }
        let path = self
            .outbox
            .deliver(prepared)
            .with_context(|| format!("line {number}: cannot write to the outbox"))?;
        self.seen.insert(key, number);
        self.summary.written += 1;
        emit(Observed::Notes {
            event_id: &prepared.event_id,
            line: Some(number),
            notes: &prepared.notes,
        });
        emit(Observed::Written {
            line: number,
            prepared,
            file: &path,
        });
        Ok(())
    }

    fn too_long(
        &mut self,
        number: usize,
        size: u64,
        sha256: &str,
        prefix: &[u8],
    ) -> anyhow::Result<()> {
        let error = EventError::TooLarge {
            size: usize::try_from(size).unwrap_or(usize::MAX),
            limit: MAX_EVENT_BYTES,
        };
        let rejection = Rejection::new(DeadKind::Malformed, error.to_string(), None);
        self.reject(
            number,
            Raw::Prefix {
                prefix,
                size,
                sha256,
            },
            &rejection,
        )
    }

    fn reject(&mut self, number: usize, raw: Raw<'_>, rejection: &Rejection) -> anyhow::Result<()> {
        *self.summary.rejected.entry(rejection.kind).or_default() += 1;
        emit(Observed::RejectedLine {
            line: number,
            rejection,
        });
        self.outbox
            .reject(number, raw, rejection)
            .with_context(|| format!("line {number}: cannot append to {REJECTED_FILE}"))
    }
}

/// The key under which an email's file is remembered.
fn file_key(event_id: &str) -> [u8; 16] {
    let digest = Sha256::digest(message_id_local(event_id).as_bytes());
    let mut key = [0; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The broker worker: load everything, connect, consume until a signal, drain, exit 0.
fn run_worker(settings: Settings) -> anyhow::Result<i32> {
    let started = std::time::Instant::now();
    let w = settings.worker.clone();
    let hello = w
        .hello_name
        .clone()
        .unwrap_or_else(|| settings.from.email.domain().to_owned());
    let directory = Arc::new(Directory::open_checked(&settings.directory)?);
    let dirs = [settings.templates_dir.clone(), settings.locales_dir.clone()];
    let (pipeline, warnings) = Pipeline::load_strict(settings)?;
    crate::diagnostic::log_warnings(&warnings);
    if let Some(dkim) = &pipeline.settings().dkim {
        for r in dkim.records() {
            tracing::info!(record = %r.name, key = %r.path.display(), algorithm = %r.algorithm, "DKIM signing");
        }
    }
    let mailer = Mailer::new(
        &w.smtp_url,
        &hello,
        w.smtp_timeout,
        usize::from(w.concurrency),
    )?
    .trusting(w.smtp_ca.clone());
    let store = Store::for_worker(&w.state_dir, w.smtp_timeout)?;
    let live = Live::new(pipeline);
    // A change under the folders reloads (SIGHUP too, below).
    let _watching = super::reload_on_change(&live, &dirs);
    let runtime = crate::runtime::build(crate::runtime::Threads::Pool(None))?;
    runtime.block_on(async move {
        tokio::spawn(super::reload_on_hangup(live.clone()));
        // Wrong API credentials would fail every thin event; better to refuse to start.
        // An API that is merely down is only a warning: inline events still go out.
        match directory.verify().await {
            Ok(()) => {}
            Err(e @ crate::directory::LookupError::Refused(_)) => return Err(e.into()),
            Err(e) => tracing::warn!("{e}; thin events will wait in the retry tiers"),
        }
        tracing::info!(directory = %directory.label(), "directory");
        // Learns whether the server takes 8bit bodies before the first email is composed.
        if let Err(e) = mailer.probe().await {
            tracing::warn!("{e}; sends will retry the connection");
        }
        let shutdown = CancellationToken::new();
        tokio::spawn(super::watch_signals(shutdown.clone()));
        let metrics_addr = w.metrics_addr;
        let worker = Arc::new(
            Worker::new(live.clone(), mailer, store, w, "mailroom")
                .with_directory(directory)
                .started_at(started),
        );
        // Bound before consuming: an address in use stops start-up, naming it.
        if let Some(addr) = metrics_addr {
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
                crate::config::ConfigError::Value {
                    key: "MAILROOM_METRICS_ADDR".to_owned(),
                    message: format!("cannot listen on {addr}: {e}"),
                }
            })?;
            tracing::info!(%addr, "serving /metrics, /healthz and /readyz");
            let stop = shutdown.clone();
            tokio::spawn(crate::health::serve(
                listener,
                worker.readiness(),
                async move { stop.cancelled().await },
            ));
        }
        worker.run(shutdown).await
    })?;
    tracing::info!("stopped");
    Ok(0)
}
