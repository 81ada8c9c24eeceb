//! Watching the templates and locales folders: one call per burst of changes.
//!
//! Used by the worker's reload and the gallery. An editor saves in several steps (a temporary
//! file, a rename, an attribute change) and a `git pull` writes many files, so changes are
//! gathered until the folders have been quiet for [`QUIET`], then handed on once. A folder
//! that never goes quiet (something writing into it all the time) is still handed on every
//! [`LONGEST`], so a reload is never put off for ever.

use std::path::PathBuf;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use notify::event::{MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode, Watcher as _};

/// How long the folders must be still before a burst counts as over.
pub const QUIET: Duration = Duration::from_millis(250);

/// The longest a burst is gathered before it is handed on anyway.
pub const LONGEST: Duration = Duration::from_secs(5);

/// Calls `on_change` on a thread of its own after each burst of creations, writes, renames or
/// removals under `dirs` (not reads: loading reads every file, and must not trigger the next
/// load). Watching stops when the returned watcher is dropped.
pub fn watch(
    dirs: &[PathBuf],
    name: &str,
    mut on_change: impl FnMut() + Send + 'static,
) -> anyhow::Result<notify::RecommendedWatcher> {
    let (tx, rx) = channel::<()>();
    let label = name.to_owned();
    let mut watcher =
        notify::recommended_watcher(move |res: notify::Result<notify::Event>| match res {
            Ok(event) if changes(&event.kind) => {
                let _ = tx.send(());
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("{label}: watching files: {e}"),
        })
        .context("cannot start watching files")?;
    for dir in dirs {
        watcher
            .watch(dir, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {}", dir.display()))?;
    }
    // Ends when the watcher (and with it the sender) is dropped.
    std::thread::Builder::new()
        .name(format!("{name}-watch"))
        .spawn(move || {
            while rx.recv().is_ok() {
                let first = Instant::now();
                loop {
                    match rx.recv_timeout(QUIET) {
                        Ok(()) if first.elapsed() < LONGEST => {}
                        Ok(()) | Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                on_change();
            }
        })
        .context("cannot start the file-watching thread")?;
    Ok(watcher)
}

/// Whether an event changes what a load would read.
fn changes(kind: &EventKind) -> bool {
    match kind {
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}
