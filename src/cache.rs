//! Small fixed-size caches for hot paths: how a key is encoded, and a direct-mapped table.
//!
//! This module owns what every such cache in mailroom shares: the key encoding ([`Key`]: each
//! part self-delimiting, so two different lists of parts never give the same bytes) and the
//! slot a key lands in (FNV-1a over those bytes, in a [`Table`] of a fixed number of slots,
//! two candidates a key). A [`Slot`] keeps the whole key and answers only on an exact match, so a
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

    /// FNV-1a (keys are short, and this runs on every lookup), then a finalizer: FNV's low
    /// bits depend only on the low bits of each step, so without mixing, the slot (the hash
    /// modulo a power of two) of keys that differ in a long argument spread badly.
    fn hash(&self) -> u64 {
        let h = self.bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
        let h = (h ^ (h >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^ (h >> 29)
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

/// `N` slots; a key may live in either of two, both chosen by its hash (two-way, "two
/// choices"). With one slot a key, two keys of one email that share it evict each other on
/// every email: with 30 keys an email and 256 slots that happens in most emails (the
/// birthday bound), and it cost the `t()` memo a tenth of its hits. With two, both keep a
/// place unless three keys share their pairs. `S` is a [`Slot`], or a lock around one when
/// the table is shared between threads.
pub struct Table<S, const N: usize> {
    slots: Box<[S]>,
}

impl<S: Default, const N: usize> Default for Table<S, N> {
    fn default() -> Self {
        Table {
            slots: (0..N).map(|_| S::default()).collect(),
        }
    }
}

impl<S, const N: usize> Table<S, N> {
    /// The two slots `key` may live in, in the order they are tried (see [`Slot::get`]).
    pub fn slots(&self, key: &Key) -> [&S; 2] {
        let (a, b) = Self::indices(key);
        [&self.slots[a], &self.slots[b]]
    }

    /// The two slots, to store into with [`Slot::put_either`].
    pub fn slots_mut(&mut self, key: &Key) -> (&mut S, &mut S) {
        let (a, b) = Self::indices(key);
        let (low, high) = (a.min(b), a.max(b));
        let (head, tail) = self.slots.split_at_mut(high);
        let (first, second) = (&mut head[low], &mut tail[0]);
        if a < b {
            (first, second)
        } else {
            (second, first)
        }
    }

    /// Two different slots from one hash: its low and its high half.
    fn indices(key: &Key) -> (usize, usize) {
        let h = key.hash();
        let a = (h % N as u64) as usize;
        let b = ((h >> 32) % N as u64) as usize;
        (a, if b == a { (a + 1) % N } else { b })
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

    pub fn is_empty(&self) -> bool {
        self.value.is_none()
    }

    /// Whether this slot is where `key` should go: it is free or already holds `key`.
    pub fn fits(&self, key: &Key) -> bool {
        self.is_empty() || self.key == key.bytes
    }

    /// Stores `value` under `key` in the first of the two slots that [`Slot::fits`] it, else
    /// in the first (evicting its key).
    pub fn put_either(first: &mut Slot<V>, second: &mut Slot<V>, key: &Key, value: V) {
        if !first.fits(key) && second.fits(key) {
            second.put(key, value);
        } else {
            first.put(key, value);
        }
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

    fn get<'t>(table: &'t Table<Slot<&'static str>, 2>, key: &Key) -> Option<&'t &'static str> {
        table.slots(key).into_iter().find_map(|s| s.get(key))
    }

    fn put(table: &mut Table<Slot<&'static str>, 2>, key: &Key, value: &'static str) {
        let (first, second) = table.slots_mut(key);
        Slot::put_either(first, second, key, value);
    }

    #[test]
    fn a_slot_answers_only_for_its_own_key() {
        // Two slots: every key may use both, so only the exact key may get a value.
        let mut table: Table<Slot<&str>, 2> = Table::default();
        let keys: Vec<Key> = ["a", "b", "c"]
            .iter()
            .map(|s| {
                let mut k = Key::new();
                k.str(s);
                k
            })
            .collect();
        let [a, b, c] = &keys[..] else { unreachable!() };
        assert_eq!(get(&table, a), None);
        put(&mut table, a, "for a");
        assert_eq!(get(&table, a), Some(&"for a"));
        assert_eq!(get(&table, b), None, "a collision is a miss");
        put(&mut table, b, "for b");
        assert_eq!(get(&table, b), Some(&"for b"));
        assert_eq!(get(&table, a), Some(&"for a"), "two keys keep their places");
        put(&mut table, c, "for c");
        assert_eq!(get(&table, c), Some(&"for c"));
        let left = [get(&table, a), get(&table, b)].iter().flatten().count();
        assert_eq!(left, 1, "a third key evicts one of them");
    }

    #[test]
    fn keys_spread_over_the_slots() {
        let mut used = std::collections::BTreeSet::new();
        for i in 0..64u64 {
            let mut k = Key::new();
            k.str("client").u64(i);
            let (a, b) = Table::<Slot<()>, 64>::indices(&k);
            assert_ne!(a, b, "two different slots");
            used.insert(a);
        }
        // 64 keys into 64 slots: a working hash fills well over a third of them.
        assert!(used.len() > 24, "{} slots used", used.len());
    }

    /// The keys of one email's messages keep their places: with one slot a key, about one
    /// pair of 30 keys shares a slot in 256 (the birthday bound) and the two evict each other
    /// on every email; with two, at most a rare third key is left out.
    #[test]
    fn thirty_keys_in_256_slots_keep_their_places() {
        let mut table: Table<Slot<u64>, 256> = Table::default();
        let keys: Vec<Key> = (0..30u64)
            .map(|i| {
                let mut k = Key::new();
                k.str("message").u64(i);
                k
            })
            .collect();
        // Twice, as two emails would: what stays after the second pass stays for good.
        for _ in 0..2 {
            for (i, k) in keys.iter().enumerate() {
                let (first, second) = table.slots_mut(k);
                Slot::put_either(first, second, k, i as u64);
            }
        }
        let kept = keys
            .iter()
            .enumerate()
            .filter(|(i, k)| {
                table.slots(k).into_iter().find_map(|s| s.get(k)) == Some(&(*i as u64))
            })
            .count();
        assert!(kept >= 29, "{kept} of 30 kept");
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
