//! `mailroom preview`: render without sending, exactly as the worker would.
//!
//! `--event FILE` runs the full core (routing, negotiation) on one event; `TEMPLATE --locale L`
//! renders a template with its own sample data in a chosen locale. `--format eml` prints the
//! very bytes `run --outbox` writes for the same event.

use std::io::Write;

use anyhow::{anyhow, bail};

use crate::cli::PreviewArgs;
use crate::compose::BodyEncoding;
use crate::config::Settings;
use crate::directory::Directory;
use crate::intake::Unprepared;
use crate::pipeline::Pipeline;
use crate::preview::{format, preview_sample};

pub fn run(args: PreviewArgs, settings: Settings) -> anyhow::Result<i32> {
    if let Some(addr) = args.serve {
        return crate::gallery::serve_blocking(settings, addr);
    }
    if let Some(dir) = &args.out {
        return crate::gallery::export(settings, dir);
    }
    let directory = Directory::open(&settings.directory)?;
    let (pipeline, warnings) = Pipeline::load_strict(settings)?;
    crate::diagnostic::log_warnings(&warnings);
    let prepared = match (&args.event, &args.template) {
        (Some(path), _) => {
            let body = crate::input::read_event_file(path)?;
            let runtime = crate::runtime::build(crate::runtime::Threads::One)?;
            runtime
                .block_on(crate::intake::prepare(
                    &pipeline,
                    &directory,
                    body.trim_ascii(),
                    BodyEncoding::EightBit,
                ))
                .map_err(|e| match e {
                    Unprepared::Rejected(r) => anyhow!("the worker would reject this event ({r})"),
                    Unprepared::Lookup { error, .. } => anyhow!("{error}"),
                })?
        }
        (None, Some(template)) => preview_sample(
            &pipeline,
            template,
            args.locale.as_deref(),
            args.sample.as_deref(),
            args.set.as_deref(),
        )?,
        (None, None) => bail!("give a TEMPLATE or --event FILE"),
    };
    for note in &prepared.notes {
        tracing::warn!("{note}");
    }
    let out = std::io::stdout();
    let mut out = out.lock();
    out.write_all(&format(&prepared, args.format)?)?;
    out.flush()?;
    Ok(0)
}
