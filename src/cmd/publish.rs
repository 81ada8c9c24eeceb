//! `mailroom publish`: put newline-delimited JSON events on the events queue.
//!
//! For operators (replaying a file of events, smoke-testing a deployment) and for the
//! end-to-end benchmark. Declares the same topology as the worker, publishes every non-empty
//! line as a persistent `application/json` message, and waits for every broker confirm.
//! `--rate` spaces the events evenly; `--timestamps` records when each one was published (the
//! latency mode of `scripts/bench-e2e.sh` reads it).

use std::io::Write as _;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;
use futures_util::StreamExt;

use crate::amqp::{Publisher, Topology};
use crate::cli::PublishArgs;
use crate::config::Settings;

/// Confirms awaited at once: enough to keep the broker busy without unbounded memory.
const IN_FLIGHT: usize = 512;

pub fn run(args: PublishArgs, settings: Settings) -> anyhow::Result<i32> {
    let w = settings.worker;
    let input = super::read_input(&args.events)?;
    let lines: Vec<&[u8]> = input
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.trim_ascii().is_empty())
        .collect();
    let topology = Topology::new(&w.queue, &w.retry_delays, w.queue_type);
    let runtime = crate::runtime::build(crate::runtime::Threads::Pool(None))?;
    let started = Instant::now();
    let published = runtime.block_on(async {
        let broker = Publisher::connect(&w.amqp_url, &topology, "mailroom-publish-cmd")
            .await
            .with_context(|| format!("cannot connect to {}", w.amqp_url.redacted()))?;
        let props = crate::amqp::event_properties(None);
        let start = tokio::time::Instant::now();
        let spacing = args.rate.map(|r| Duration::from_secs(1) / r);
        let results: Vec<_> = futures_util::stream::iter(lines.iter().enumerate())
            .map(|(i, body)| {
                let broker = &broker;
                let props = props.clone();
                let queue = &topology.queue;
                async move {
                    if let Some(spacing) = spacing {
                        tokio::time::sleep_until(start + spacing * i as u32).await;
                    }
                    let at = SystemTime::now()
                        .duration_since(SystemTime::UNIX_EPOCH)
                        .unwrap_or_default()
                        .as_nanos();
                    broker.publish(queue, body, props).await.map(|()| (i, at))
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        broker.close().await;
        let failed = results.iter().filter(|r| r.is_err()).count();
        if let Some(Err(e)) = results.iter().find(|r| r.is_err()) {
            anyhow::bail!(
                "{failed} of {} events were not confirmed; first: {e}",
                results.len()
            );
        }
        if let Some(path) = &args.timestamps {
            let mut out = std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?,
            );
            for (i, at) in results.iter().flatten() {
                writeln!(out, "{i} {at}")?;
            }
            out.flush()?;
        }
        Ok::<_, anyhow::Error>(results.len())
    })?;
    eprintln!(
        "published {published} events to `{}` in {:.2}s",
        topology.queue,
        started.elapsed().as_secs_f64()
    );
    Ok(0)
}
