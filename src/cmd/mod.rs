//! One file per subcommand. Each takes parsed arguments and settings, does its job, and returns
//! an exit code or an error for `main` to map.

pub mod check;
pub mod dkim_record;
pub mod preview;
pub mod publish;
pub mod run;
pub mod serve;

use std::io::Read;
use std::path::Path;

use anyhow::Context as _;

use crate::reload::Live;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Reads a whole file, or standard input for `-`.
pub(crate) fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        Ok(buf)
    } else {
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
    }
}

/// Reloads templates and translations on each burst of changes under `dirs` until the
/// returned watcher is dropped. Without a watcher (the system's limit on watches reached,
/// say) SIGHUP still works.
pub(crate) fn reload_on_change(
    live: &Arc<Live>,
    dirs: &[std::path::PathBuf],
) -> Option<notify::RecommendedWatcher> {
    let reloader = live.clone();
    match crate::watch::watch(dirs, "reload", move || {
        reloader.reload();
    }) {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::warn!("{e:#}; templates reload on SIGHUP only");
            None
        }
    }
}

/// Reloads templates and translations on each SIGHUP (off the async threads: the check
/// renders every sample). Listening starts before the first delivery.
pub(crate) async fn reload_on_hangup(live: Arc<Live>) {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangup = match signal(SignalKind::hangup()) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("cannot listen for SIGHUP: {e}");
            return;
        }
    };
    while hangup.recv().await.is_some() {
        tracing::info!("SIGHUP: reloading templates and translations");
        let live = live.clone();
        let _ = tokio::task::spawn_blocking(move || live.reload()).await;
    }
}

/// Cancels `token` on SIGTERM or SIGINT.
pub(crate) async fn watch_signals(token: CancellationToken) {
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
