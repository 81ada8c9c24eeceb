//! `mailroom run`: the embedded mode (`--events FILE --outbox DIR`).
//!
//! Reads newline-delimited JSON events and hands each line to the same core the broker worker
//! uses ([`Pipeline::prepare`]); the outbox folder stands in for SMTP and `rejected.jsonl` for
//! the dead-letter queue. A bad line is reported with its number and reason and processing
//! goes on; the exit status is 0 when every line was handled.

use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::Context as _;

use crate::cli::RunArgs;
use crate::config::Settings;
use crate::outbox::{Outbox, REJECTED_FILE};
use crate::pipeline::{Pipeline, RejectKind};

/// Counts of one embedded run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub lines: usize,
    pub written: usize,
    pub malformed: usize,
    pub unroutable: usize,
    pub render: usize,
}

impl Summary {
    pub fn rejected(&self) -> usize {
        self.malformed + self.unroutable + self.render
    }
}

pub fn run(args: RunArgs, settings: Settings) -> anyhow::Result<i32> {
    let (Some(events), Some(outbox)) = (args.events, args.outbox) else {
        anyhow::bail!(
            "the broker worker is not part of this build yet; run the embedded mode with \
             `mailroom run --events FILE --outbox DIR`"
        );
    };
    let (pipeline, warnings) = Pipeline::load_strict(settings)?;
    super::log_warnings(&warnings);
    let mut outbox = Outbox::open(&outbox)
        .with_context(|| format!("cannot create the outbox {}", outbox.display()))?;
    let summary = if events == Path::new("-") {
        process(&pipeline, std::io::stdin().lock(), &mut outbox)?
    } else {
        let file = std::fs::File::open(&events)
            .with_context(|| format!("cannot open {}", events.display()))?;
        process(&pipeline, BufReader::new(file), &mut outbox)?
    };
    let rejected = if summary.rejected() > 0 {
        format!(
            ", {} rejected ({} malformed, {} unroutable, {} render; see {})",
            summary.rejected(),
            summary.malformed,
            summary.unroutable,
            summary.render,
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

/// Processes every line of `input`. Fails only when the outbox cannot be written: a bad event
/// is a rejection, not an error.
pub fn process(
    pipeline: &Pipeline,
    mut input: impl BufRead,
    outbox: &mut Outbox,
) -> anyhow::Result<Summary> {
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
        match pipeline.prepare(body) {
            Ok(prepared) => {
                let path = outbox
                    .deliver(&prepared)
                    .with_context(|| format!("line {number}: cannot write to the outbox"))?;
                summary.written += 1;
                for note in &prepared.notes {
                    tracing::warn!(line = number, event_id = %prepared.event_id, "{note}");
                }
                tracing::info!(
                    line = number,
                    event_id = %prepared.event_id,
                    event_type = %prepared.event_type,
                    template = %prepared.template,
                    locale = %prepared.rendered.locale,
                    lang_source = %prepared.lang_source,
                    file = %path.display(),
                    "written"
                );
            }
            Err(rejection) => {
                match rejection.kind {
                    RejectKind::Malformed => summary.malformed += 1,
                    RejectKind::Unroutable => summary.unroutable += 1,
                    RejectKind::Render => summary.render += 1,
                }
                tracing::warn!(
                    line = number,
                    kind = %rejection.kind,
                    event_id = rejection.event_id.as_deref().unwrap_or("-"),
                    "rejected: {}",
                    rejection.reason
                );
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
