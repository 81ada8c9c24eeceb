//! Small fixed-size caches for hot paths: how a key is encoded, and a direct-mapped table.
//!
//! This module owns what every such cache in mailroom shares: the key encoding ([`Key`]: each
//! part self-delimiting, so two different lists of parts never give the same bytes) and the
//! slot a key lands in (FNV-1a over those bytes, in a [`DirectMapped`] table of a fixed number
//! of slots). A [`Slot`] keeps the whole key and answers only on an exact match, so a
//! collision costs a miss, never a wrong value; the fixed slot count bounds the memory.
//!
//! It does not know what is cached or how a table is shared between threads: the `t()` memo
//! (`render::translate`) keeps one table per thread, [`crate::brand::BrandCache`] locks each
//! slot.

use std::cell::Cell;

thread_local! {
    /// The buffer of the last [`Key`] this thread dropped, reused by the next one, so that
    /// building a key allocates nothing once the buffer has grown to the keys' size.
    static SPARE: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// The bytes that identify one cached value.
///
/// Every part is self-delimiting (strings carry their length first, numbers have a fixed
/// width), so two keys are equal only when their parts are, provided each caller writes its
/// parts in an order the earlier parts decide (a fixed list, or a kind byte before a value
/// whose encoding depends on it).
pub struct Key {
    bytes: Vec<u8>,
}

impl Key {
    pub fn new() -> Key {
        let mut bytes = SPARE.take();
        bytes.clear();
        Key { bytes }
    }

    /// A string, length first.
    pub fn str(&mut self, s: &str) -> &mut Key {
        self.u64(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
        self
    }

    /// A string or its absence (which differs from every string, the empty one included).
    pub fn opt_str(&mut self, s: Option<&str>) -> &mut Key {
        match s {
            Some(s) => self.byte(1).str(s),
            None => self.byte(0),
        }
    }

    /// One byte: a flag, or the kind of the part that follows.
    pub fn byte(&mut self, b: u8) -> &mut Key {
        self.bytes.push(b);
        self
    }

    pub fn u64(&mut self, n: u64) -> &mut Key {
        self.bytes.extend_from_slice(&n.to_le_bytes());
        self
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// FNV-1a: keys are short, and this runs on every lookup.
    fn hash(&self) -> u64 {
        self.bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        })
    }
}

impl Default for Key {
    fn default() -> Key {
        Key::new()
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        SPARE.set(std::mem::take(&mut self.bytes));
    }
}

/// `N` slots; a key has exactly one, chosen by its hash. `S` is a [`Slot`], or a lock around
/// one when the table is shared between threads.
pub struct DirectMapped<S, const N: usize> {
    slots: Box<[S]>,
}

impl<S: Default, const N: usize> Default for DirectMapped<S, N> {
    fn default() -> Self {
        DirectMapped {
            slots: (0..N).map(|_| S::default()).collect(),
        }
    }
}

impl<S, const N: usize> DirectMapped<S, N> {
    /// The slot `key` lives in, which may hold another key's value: see [`Slot::get`].
    pub fn slot(&self, key: &Key) -> &S {
        &self.slots[Self::index(key)]
    }

    pub fn slot_mut(&mut self, key: &Key) -> &mut S {
        &mut self.slots[Self::index(key)]
    }

    fn index(key: &Key) -> usize {
        (key.hash() % N as u64) as usize
    }
}

/// One remembered value, with the whole key it was stored under.
pub struct Slot<V> {
    key: Vec<u8>,
    value: Option<V>,
}

impl<V> Default for Slot<V> {
    fn default() -> Self {
        Slot {
            key: Vec::new(),
            value: None,
        }
    }
}

impl<V> Slot<V> {
    /// The value stored under exactly `key`, if this slot holds it.
    pub fn get(&self, key: &Key) -> Option<&V> {
        self.value.as_ref().filter(|_| self.key == key.bytes)
    }

    /// Stores `value` under `key`, replacing what the slot held. The slot's key buffer is
    /// reused, so once it has grown this allocates nothing for the key. The old value goes
    /// first: interrupted half-way, the slot is empty, never a key with another's value.
    pub fn put(&mut self, key: &Key, value: V) {
        self.value = None;
        self.key.clear();
        self.key.extend_from_slice(&key.bytes);
        self.value = Some(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(build: impl FnOnce(&mut Key)) -> Vec<u8> {
        let mut k = Key::new();
        build(&mut k);
        k.as_bytes().to_vec()
    }

    #[test]
    fn different_parts_never_share_a_key() {
        // Bytes moved from one string to the next, an absent string beside an empty or a
        // present one, the same number under two kinds: each changes the key.
        let keys = [
            key(|k| _ = k.str("ab").str("c")),
            key(|k| _ = k.str("a").str("bc")),
            key(|k| _ = k.str("abc").str("")),
            key(|k| _ = k.opt_str(None).opt_str(Some("x"))),
            key(|k| _ = k.opt_str(Some("")).opt_str(Some("x"))),
            key(|k| _ = k.opt_str(Some("x")).opt_str(None)),
            key(|k| _ = k.byte(b's').u64(1)),
            key(|k| _ = k.byte(b'i').u64(1)),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(
            key(|k| _ = k.str("ab").u64(7)),
            key(|k| _ = k.str("ab").u64(7))
        );
    }

    #[test]
    fn a_slot_answers_only_for_its_own_key() {
        // One slot: every key collides, so only the exact key may get the value.
        let mut table: DirectMapped<Slot<&str>, 1> = DirectMapped::default();
        let mut a = Key::new();
        a.str("a");
        let mut b = Key::new();
        b.str("b");
        assert_eq!(table.slot(&a).get(&a), None);
        table.slot_mut(&a).put(&a, "for a");
        assert_eq!(table.slot(&a).get(&a), Some(&"for a"));
        assert_eq!(table.slot(&b).get(&b), None, "a collision is a miss");
        table.slot_mut(&b).put(&b, "for b");
        assert_eq!(table.slot(&b).get(&b), Some(&"for b"));
        assert_eq!(table.slot(&a).get(&a), None, "b replaced a");
    }

    #[test]
    fn keys_spread_over_the_slots() {
        let mut used = std::collections::BTreeSet::new();
        for i in 0..64u64 {
            let mut k = Key::new();
            k.str("client").u64(i);
            used.insert(DirectMapped::<Slot<()>, 64>::index(&k));
        }
        // 64 keys into 64 slots: a working hash fills well over a third of them.
        assert!(used.len() > 24, "{} slots used", used.len());
    }

    #[test]
    fn a_key_reuses_the_buffer_of_the_last_one_dropped() {
        let mut first = Key::new();
        first.str(&"x".repeat(100));
        let buffer = first.bytes.as_ptr();
        drop(first);
        let mut second = Key::new();
        assert!(second.as_bytes().is_empty());
        second.str("y");
        assert_eq!(second.bytes.as_ptr(), buffer);
    }
}
