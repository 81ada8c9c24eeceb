//! A panic stays inside the one event that caused it.
//!
//! A bug that panics while one event is prepared or sent must not take a prefetch slot, a task
//! or the process with it: the caller turns [`Panicked`] into that event's failure (a `render`
//! dead letter, a line in `rejected.jsonl`, an error in `check`) and goes on with the next.
//!
//! Catching is sound here because a panic leaves nothing shared half-changed: the caches
//! behind locks (`BrandCache`, the mailer's pool, the ack window) recover from poisoning and
//! hold whole entries only, and the per-thread `t()` memo is a `RefCell` whose borrow ends as
//! the stack unwinds. This module owns catching and the test-only fault points; it does not
//! decide what a caught panic means for an event.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::FutureExt as _;

/// A caught panic, with its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("panic: {0}")]
pub struct Panicked(pub String);

/// Panics caught since the process started (logged with every one, until metrics exist).
static CAUGHT: AtomicU64 = AtomicU64::new(0);

/// How many panics this process has caught and survived.
pub fn caught() -> u64 {
    CAUGHT.load(Ordering::Relaxed)
}

/// The text a panic was raised with (`panic!("…")` gives a `&str` or a `String`).
pub fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}

fn caught_one(payload: Box<dyn Any + Send>) -> Panicked {
    CAUGHT.fetch_add(1, Ordering::Relaxed);
    Panicked(message(payload.as_ref()))
}

/// Runs `f`, turning a panic into [`Panicked`].
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Panicked> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(caught_one)
}

/// Awaits `f`, turning a panic in any of its polls into [`Panicked`].
pub async fn catch_async<F: Future>(f: F) -> Result<F::Output, Panicked> {
    AssertUnwindSafe(f).catch_unwind().await.map_err(caught_one)
}

/// A fault point for tests: with the `failpoints` feature (which `scripts/test.sh` enables and
/// release builds never have), an event whose id starts with `failpoint-panic-<stage>` panics
/// here, so the tests can prove that a panic at `stage` costs only that event. Without the
/// feature this is an empty function.
#[inline(always)]
pub fn fault_point(stage: &str, event_id: &str) {
    #[cfg(feature = "failpoints")]
    if event_id
        .strip_prefix("failpoint-panic-")
        .is_some_and(|rest| rest.starts_with(stage))
    {
        panic!("injected fault at `{stage}` for event `{event_id}`");
    }
    #[cfg(not(feature = "failpoints"))]
    let _ = (stage, event_id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_is_counted() {
        let before = caught();
        let r: Result<(), _> = catch(|| panic!("index {} out of range", 7));
        assert_eq!(r, Err(Panicked("index 7 out of range".to_owned())));
        let r: Result<(), _> = catch(|| std::panic::panic_any(5u8));
        assert_eq!(r, Err(Panicked("(a panic without a message)".to_owned())));
        assert!(caught() >= before + 2);
        assert_eq!(catch(|| 3), Ok(3));
    }

    #[tokio::test]
    async fn a_panic_in_a_later_poll_is_caught_too() {
        let r = catch_async(async {
            tokio::task::yield_now().await;
            panic!("after a yield");
        })
        .await;
        assert_eq!(r, Err::<(), _>(Panicked("after a yield".to_owned())));
    }
}
