//! `mailroom run`: the broker worker, or the embedded mode (`--events FILE --outbox DIR`).
//!
//! Without arguments it consumes RabbitMQ and sends through SMTP (see `worker`) until SIGTERM
//! or SIGINT, then drains and exits 0. With `--events/--outbox` it reads newline-delimited JSON
//! and hands each line to the same core ([`crate::intake::prepare`]); the outbox folder stands in for
//! SMTP and `rejected.jsonl` for the dead-letter queue. A bad line is reported with its number
//! and reason and processing goes on; the exit status is 0 when every line was handled. Thin
//! events are resolved through the configured directory in both modes; in the embedded mode a
//! directory that cannot answer stops the run at that line (there is no retry queue to wait in).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::Context as _;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::cli::RunArgs;
use crate::compose::BodyEncoding;
use crate::config::Settings;
use crate::directory::Directory;
use crate::intake::Unprepared;
use crate::mailer::Mailer;
use crate::observe::{Observed, emit};
use crate::outbox::{Outbox, REJECTED_FILE};
use crate::pipeline::{DeadKind, Pipeline};
use crate::store::Store;
use crate::worker::Worker;

/// Counts of one embedded run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub lines: usize,
    pub written: usize,
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
    let directory = Directory::open(&settings.directory)?;
    let (pipeline, warnings) = Pipeline::load_strict(settings)?;
    super::log_warnings(&warnings);
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
    eprintln!(
        "{} events: {} written to {}{rejected}",
        summary.written + summary.rejected(),
        summary.written,
        outbox.dir().display()
    );
    Ok(0)
}

/// Processes every line of `input`. Fails only when the outbox cannot be written or the
/// directory cannot answer: a bad event is a rejection, not an error.
pub fn process(
    pipeline: &Pipeline,
    directory: &Directory,
    mut input: impl BufRead,
    outbox: &mut Outbox,
) -> anyhow::Result<Summary> {
    // Directory lookups are async (the API source); the files of this mode are not.
    let runtime = crate::runtime::build(crate::runtime::Threads::One)?;
    let mut summary = Summary::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = input
            .read_until(b'\n', &mut line)
            .context("cannot read the events")?;
        if n == 0 {
            break;
        }
        summary.lines += 1;
        let number = summary.lines;
        let body = trim_line_end(&line);
        if body.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        // Files show what a server with 8BITMIME (nearly all) receives.
        let encoding = BodyEncoding::EightBit;
        let prepared =
            runtime.block_on(crate::intake::prepare(pipeline, directory, body, encoding));
        match prepared {
            Ok(prepared) => {
                let path = outbox
                    .deliver(&prepared)
                    .with_context(|| format!("line {number}: cannot write to the outbox"))?;
                summary.written += 1;
                emit(Observed::Notes {
                    event_id: &prepared.event_id,
                    line: Some(number),
                    notes: &prepared.notes,
                });
                emit(Observed::Written {
                    line: number,
                    prepared: &prepared,
                    file: &path,
                });
            }
            Err(Unprepared::Lookup { error: e, .. }) => {
                anyhow::bail!(
                    "line {number}: {e}; stopped here: lines {number} and after were not processed"
                );
            }
            Err(Unprepared::Rejected(rejection)) => {
                *summary.rejected.entry(rejection.kind).or_default() += 1;
                emit(Observed::RejectedLine {
                    line: number,
                    rejection: &rejection,
                });
                outbox
                    .reject(number, body, &rejection)
                    .with_context(|| format!("line {number}: cannot append to {REJECTED_FILE}"))?;
            }
        }
    }
    Ok(summary)
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
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
    let directory = Arc::new(Directory::open(&settings.directory)?);
    let (pipeline, warnings) = Pipeline::load_strict(settings)?;
    super::log_warnings(&warnings);
    let mailer = Mailer::new(
        &w.smtp_url,
        &hello,
        w.smtp_timeout,
        usize::from(w.concurrency),
    )?;
    let store = Store::for_worker(&w.state_dir, w.smtp_timeout)?;
    let runtime = crate::runtime::build(crate::runtime::Threads::Pool(None))?;
    runtime.block_on(async move {
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
        tokio::spawn(watch_signals(shutdown.clone()));
        let worker = Arc::new(
            Worker::new(Arc::new(pipeline), mailer, store, w, "mailroom")
                .with_directory(directory)
                .started_at(started),
        );
        worker.run(shutdown).await
    })?;
    tracing::info!("stopped");
    Ok(0)
}

/// Cancels `token` on SIGTERM or SIGINT.
async fn watch_signals(token: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("cannot listen for SIGTERM: {e}");
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT: stopping"),
        _ = term.recv() => tracing::info!("SIGTERM: stopping"),
    }
    token.cancel();
}
