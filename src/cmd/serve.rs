//! `mailroom serve`: the HTTP front door (see [`crate::serve`]).
//!
//! Start-up refuses what would be unsafe or could never work: an address beyond loopback
//! without `MAILROOM_INGEST_TOKEN`, a Supabase secret without the project's URL, templates
//! with errors, a broker that refuses the credentials. A broker that is merely down is not a
//! reason to stop: requests are answered 503 (retry) and `/readyz` fails until it is back.
//! SIGTERM or SIGINT stops accepting, lets requests in flight finish, exits 0; SIGHUP and
//! changes under the folders reload the templates as `run` does.

use std::sync::Arc;

use anyhow::Context as _;
use tokio_util::sync::CancellationToken;

use crate::amqp::Topology;
use crate::cli::ServeArgs;
use crate::config::{ConfigError, Settings};
use crate::directory::Directory;
use crate::outbox::Outbox;
use crate::pipeline::Pipeline;
use crate::reload::Live;
use crate::serve::{Ingest, Publishing, Sink};

pub fn run(args: ServeArgs, settings: Settings) -> anyhow::Result<i32> {
    let s = settings.serve.clone();
    if s.token.is_none() && !s.addr.ip().is_loopback() {
        return Err(ConfigError::Value {
            key: "MAILROOM_INGEST_TOKEN".to_owned(),
            message: format!(
                "unset, and MAILROOM_HTTP_ADDR `{}` is reachable beyond this machine: anyone who reaches it could send email; set a token or listen on loopback",
                s.addr
            ),
        }
        .into());
    }
    let supabase = match (s.supabase_secret, s.supabase_url) {
        (Some(key), Some(url)) => Some((crate::ingest::auth::WebhookKey::new(&key), url)),
        (Some(_), None) => {
            return Err(ConfigError::Value {
                key: "MAILROOM_SUPABASE_URL".to_owned(),
                message: "unset, but MAILROOM_SUPABASE_HOOK_SECRET is set: Supabase's links need the project's URL, e.g. `https://PROJECT.supabase.co`".to_owned(),
            }
            .into());
        }
        (None, _) => None,
    };
    let w = settings.worker.clone();
    let dirs = [settings.templates_dir.clone(), settings.locales_dir.clone()];
    let sink_dir = args.outbox.clone();
    let directory = match &sink_dir {
        Some(_) => Some(Arc::new(Directory::open_checked(&settings.directory)?)),
        None => None,
    };
    let (pipeline, warnings) = Pipeline::load_strict(settings)?;
    crate::diagnostic::log_warnings(&warnings);
    let live = Live::new(pipeline);
    let _watching = super::reload_on_change(&live, &dirs);
    let runtime = crate::runtime::build(crate::runtime::Threads::Pool(None))?;
    runtime.block_on(async move {
        tokio::spawn(super::reload_on_hangup(live.clone()));
        let publisher_stop = CancellationToken::new();
        let (sink, supervisor) = match (sink_dir, directory) {
            (Some(dir), Some(directory)) => {
                let outbox = Outbox::open(&dir)
                    .with_context(|| format!("cannot create the outbox {}", dir.display()))?;
                tracing::info!(outbox = %dir.display(), "accepted events are written, not queued");
                let sink = Sink::Outbox {
                    outbox,
                    directory,
                    writing: tokio::sync::Mutex::new(()),
                };
                (sink, None)
            }
            _ => {
                let topology = Topology::new(&w.queue, &w.retry_delays, w.queue_type);
                let publishing = Publishing::new(w.amqp_url.clone(), topology, "mailroom-serve");
                publishing.start().await?;
                let supervisor =
                    tokio::spawn(publishing.clone().supervise(publisher_stop.clone()));
                (Sink::Queue(publishing), Some(supervisor))
            }
        };
        let token = if s.token.is_some() {
            "required"
        } else {
            "not required (loopback only)"
        };
        let ingest = Ingest::new(live, sink, s.token, supabase, s.max_in_flight);
        let listener = crate::serve::listen::bind(s.addr).map_err(|e| ConfigError::Value {
            key: "MAILROOM_HTTP_ADDR".to_owned(),
            message: format!("cannot listen on {}: {e}", s.addr),
        })?;
        let bound = listener.local_addr()?;
        tracing::info!(
            addr = %bound,
            token,
            "serving /v1/events, /v1/auth0/custom-email-provider, /v1/supabase/send-email, /healthz, /readyz, /metrics"
        );
        let shutdown = CancellationToken::new();
        tokio::spawn(super::watch_signals(shutdown.clone()));
        crate::serve::listen::serve(
            listener,
            crate::serve::router(ingest),
            shutdown,
            w.shutdown_timeout,
        )
        .await;
        // Only now: the requests that were in flight needed the publisher for their confirms.
        publisher_stop.cancel();
        if let Some(supervisor) = supervisor {
            let _ = supervisor.await;
        }
        Ok::<_, anyhow::Error>(())
    })?;
    tracing::info!("stopped");
    Ok(0)
}
