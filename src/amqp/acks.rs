//! The acknowledgements of one consume channel, sent in batches: the lapin side of the
//! [`AckWindow`]. Deliveries are registered here as they arrive; the worker's settle marks
//! them done through [`Incoming::ack`]; [`Acks::run`] sends what the window says is due.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lapin::options::BasicAckOptions;

use super::Incoming;
use super::window::AckWindow;

/// Longest a settled delivery waits for its ack when fewer than [`super::ACK_BATCH`] are ready.
pub const ACK_TICK: Duration = Duration::from_millis(5);

/// The acks of one broker session. Cheap to clone; [`Acks::run`] is the task that sends them.
#[derive(Clone)]
pub struct Acks {
    /// Every delivery of the session not acked yet.
    window: Arc<Mutex<AckWindow<lapin::Acker>>>,
    /// Woken when a full batch is ready, so busy workers do not wait for the tick.
    ready: Arc<tokio::sync::Notify>,
}

impl Default for Acks {
    fn default() -> Self {
        Acks::new()
    }
}

impl Acks {
    pub fn new() -> Acks {
        Acks {
            window: Arc::new(Mutex::new(AckWindow::default())),
            ready: Arc::new(tokio::sync::Notify::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, AckWindow<lapin::Acker>> {
        // The window holds whole entries only: a panic elsewhere never leaves it half-changed.
        self.window.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a delivery as it arrives (before it is handled), so a later `multiple` ack
    /// can never cover it while it is in flight.
    pub fn track(&self, delivery: lapin::message::Delivery) -> Incoming {
        self.lock().track(delivery.delivery_tag);
        Incoming {
            delivery,
            acks: Some(self.clone()),
        }
    }

    pub(super) fn done(&self, tag: u64, acker: lapin::Acker) {
        if self.lock().done(tag, acker) {
            self.ready.notify_one();
        }
    }

    pub(super) fn forget(&self, tag: u64) {
        self.lock().forget(tag);
    }

    /// Sends the acks that are due; returns how many deliveries they covered.
    pub async fn flush(&self) -> usize {
        let due = self.lock().take_due();
        let covered = due.covered();
        let mut failed = 0;
        if let Some((acker, n)) = due.front {
            let multiple = BasicAckOptions { multiple: n > 1 };
            if !matches!(acker.ack(multiple).await, Ok(true)) {
                failed += n;
            }
        }
        for acker in due.singles {
            if !matches!(acker.ack(BasicAckOptions::default()).await, Ok(true)) {
                failed += 1;
            }
        }
        if failed > 0 {
            tracing::warn!(
                deliveries = failed,
                "acks did not happen (the channel is gone); the broker will redeliver and the sent-id record skips the duplicates"
            );
        }
        covered
    }

    /// Sends acks every [`ACK_TICK`] (sooner when a batch is full) until `stop`, then a last
    /// time, so everything settled before a shutdown is acked before the channel closes.
    pub async fn run(self, stop: tokio_util::sync::CancellationToken) {
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = self.ready.notified() => {}
                _ = tokio::time::sleep(ACK_TICK) => {}
            }
            self.flush().await;
        }
        // Twice: the second pass sends what the first found blocked behind in-flight ones.
        self.flush().await;
        self.flush().await;
    }
}
