//! The one place the tokio runtimes of the commands are built, so every command gets the same
//! drivers (I/O and time) and the same error when a runtime cannot start.

use anyhow::Context as _;
use tokio::runtime::{Builder, Runtime};

/// How many threads a command's runtime runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// The calling thread only: commands that handle one thing at a time (the embedded mode,
    /// `preview --event`).
    One,
    /// A worker pool: tokio's default (one per core) or the given number.
    Pool(Option<usize>),
}

pub fn build(threads: Threads) -> anyhow::Result<Runtime> {
    let mut builder = match threads {
        Threads::One => Builder::new_current_thread(),
        Threads::Pool(n) => {
            let mut b = Builder::new_multi_thread();
            if let Some(n) = n {
                b.worker_threads(n);
            }
            b
        }
    };
    builder
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
