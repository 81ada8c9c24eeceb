//! The ack window: which settled deliveries of one channel can be acknowledged now, and how.
//!
//! Pure bookkeeping over delivery tags, generic over what acks (`lapin::Acker` in production,
//! a tag in the tests), so the rules are tested without a broker:
//!
//! - a delivery is registered as it arrives ([`AckWindow::track`]), so no ack passes over it
//!   while it is in flight;
//! - the run of settled deliveries at the front is acked with one `multiple` ack, carried by
//!   the last of them;
//! - a settled delivery stuck behind one in flight is acked on its own once it has waited a
//!   whole tick (one [`AckWindow::take_due`] that marked it, the next takes it), so a slow
//!   send never stalls the prefetch window;
//! - a delivery given back to the queue ([`AckWindow::forget`], after its nack is sent) stops
//!   holding the front.

use std::collections::BTreeMap;

/// Settled deliveries at the front that make a batch worth sending at once.
pub const ACK_BATCH: usize = 32;

#[derive(Debug)]
enum Slot<A> {
    InFlight,
    /// Settled; `blocked` is set when a pass found it behind an in-flight delivery.
    Done {
        acker: A,
        blocked: bool,
    },
}

/// The acks a pass found due.
#[derive(Debug, PartialEq, Eq)]
pub struct Due<A> {
    /// The acker of the last settled delivery of the front run, and how many deliveries its
    /// `multiple` ack covers (1: a plain ack).
    pub front: Option<(A, usize)>,
    /// Settled deliveries that waited behind an in-flight one for a whole pass: acked singly.
    pub singles: Vec<A>,
}

impl<A> Due<A> {
    /// How many deliveries these acks cover.
    pub fn covered(&self) -> usize {
        self.front.as_ref().map_or(0, |f| f.1) + self.singles.len()
    }
}

/// Every delivery of one channel that is not acked yet, by delivery tag (arrival order).
#[derive(Debug)]
pub struct AckWindow<A> {
    slots: BTreeMap<u64, Slot<A>>,
}

impl<A> Default for AckWindow<A> {
    fn default() -> Self {
        AckWindow {
            slots: BTreeMap::new(),
        }
    }
}

impl<A> AckWindow<A> {
    /// A delivery arrived and is being handled.
    pub fn track(&mut self, tag: u64) {
        self.slots.insert(tag, Slot::InFlight);
    }

    /// A delivery is settled and may be acked. Returns whether a full batch is now ready at
    /// the front (the sender should not wait for its tick).
    pub fn done(&mut self, tag: u64, acker: A) -> bool {
        self.slots.insert(
            tag,
            Slot::Done {
                acker,
                blocked: false,
            },
        );
        self.slots
            .values()
            .take_while(|s| matches!(s, Slot::Done { .. }))
            .take(ACK_BATCH)
            .count()
            >= ACK_BATCH
    }

    /// A delivery went back to the queue: it no longer holds anything back.
    pub fn forget(&mut self, tag: u64) {
        self.slots.remove(&tag);
    }

    /// Deliveries not acked yet (in flight or settled).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Takes the acks that are due now (see the module doc).
    pub fn take_due(&mut self) -> Due<A> {
        let mut front: Option<(A, usize)> = None;
        while let Some(entry) = self.slots.first_entry() {
            if !matches!(entry.get(), Slot::Done { .. }) {
                break;
            }
            if let Slot::Done { acker, .. } = entry.remove() {
                let n = front.as_ref().map_or(0, |f| f.1);
                front = Some((acker, n + 1));
            }
        }
        let waited: Vec<u64> = self
            .slots
            .iter_mut()
            .filter_map(|(tag, slot)| match slot {
                Slot::Done { blocked: true, .. } => Some(*tag),
                Slot::Done { blocked, .. } => {
                    *blocked = true;
                    None
                }
                Slot::InFlight => None,
            })
            .collect();
        let singles = waited
            .into_iter()
            .filter_map(|tag| match self.slots.remove(&tag) {
                Some(Slot::Done { acker, .. }) => Some(acker),
                _ => None,
            })
            .collect();
        Due { front, singles }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A window whose ackers are their own tags.
    fn window(tags: std::ops::RangeInclusive<u64>) -> AckWindow<u64> {
        let mut w = AckWindow::default();
        for t in tags {
            w.track(t);
        }
        w
    }

    #[test]
    fn the_settled_run_at_the_front_is_one_multiple_ack_by_its_last_delivery() {
        let mut w = window(1..=4);
        for t in [2, 1, 3] {
            w.done(t, t);
        }
        assert_eq!(
            w.take_due(),
            Due {
                front: Some((3, 3)),
                singles: vec![]
            }
        );
        assert_eq!(w.len(), 1, "4 is still in flight");
    }

    #[test]
    fn a_delivery_behind_one_in_flight_is_acked_alone_after_one_pass() {
        let mut w = window(1..=3);
        w.done(2, 2);
        w.done(3, 3);
        assert_eq!(w.take_due().covered(), 0, "first pass only marks them");
        assert_eq!(
            w.take_due(),
            Due {
                front: None,
                singles: vec![2, 3]
            }
        );
        w.done(1, 1);
        assert_eq!(
            w.take_due(),
            Due {
                front: Some((1, 1)),
                singles: vec![]
            }
        );
        assert!(w.is_empty());
    }

    #[test]
    fn a_requeued_delivery_stops_holding_the_front() {
        let mut w = window(1..=3);
        w.done(2, 2);
        w.done(3, 3);
        w.forget(1);
        assert_eq!(w.take_due().front, Some((3, 2)));
    }

    #[test]
    fn a_full_batch_at_the_front_is_reported_ready() {
        let mut w = window(1..=(ACK_BATCH as u64 + 1));
        w.done(ACK_BATCH as u64 + 1, 0);
        for t in 1..ACK_BATCH as u64 {
            assert!(!w.done(t, t), "{t}");
        }
        assert!(w.done(ACK_BATCH as u64, ACK_BATCH as u64));
    }

    /// Over many interleavings, no ack ever covers a delivery that is still in flight, and
    /// every settled delivery is acked exactly once.
    #[test]
    fn no_ack_ever_covers_a_delivery_in_flight() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..200 {
            let mut w = AckWindow::default();
            let mut in_flight: Vec<u64> = Vec::new();
            let mut acked: Vec<u64> = Vec::new();
            let mut settled = 0;
            let mut tag = 0;
            for _ in 0..60 {
                match next(4) {
                    0 | 1 => {
                        tag += 1;
                        w.track(tag);
                        in_flight.push(tag);
                    }
                    2 if !in_flight.is_empty() => {
                        let t = in_flight.remove(next(in_flight.len() as u64) as usize);
                        w.done(t, t);
                        settled += 1;
                    }
                    _ => {
                        let due = w.take_due();
                        if let Some((last, n)) = due.front {
                            // A multiple ack covers every unacked tag up to `last`.
                            assert!(in_flight.iter().all(|t| *t > last), "{in_flight:?} {last}");
                            let covered: Vec<u64> = (1..=last)
                                .filter(|t| !acked.contains(t) && !in_flight.contains(t))
                                .filter(|t| !due.singles.contains(t))
                                .collect();
                            assert_eq!(covered.len(), n);
                            acked.extend(covered);
                        }
                        for s in due.singles {
                            assert!(!in_flight.contains(&s) && !acked.contains(&s));
                            acked.push(s);
                        }
                    }
                }
            }
            // Settle the rest and drain: everything is acked once.
            for t in std::mem::take(&mut in_flight) {
                w.done(t, t);
                settled += 1;
            }
            let due = w.take_due();
            let n = due.covered();
            assert_eq!(acked.len() + n, settled);
            assert!(w.is_empty());
        }
    }
}
