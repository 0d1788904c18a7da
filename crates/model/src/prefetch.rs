//! Hints that bring memory into the processor's cache before a loop
//! reads it: a nudge of everything at 100,000 widgets waits on memory
//! more than it computes, in the model, the layout and the display list.

/// How many elements ahead of the one a loop works on it asks for: far
/// enough that the memory arrives in time, near enough that it is still
/// in the cache when read (following a nudge of everything at 100,000
/// widgets measured the same fetching 16 ahead as 8).
pub const FETCH_AHEAD: usize = 8;

/// Asks the processor to bring the `len` bytes at address `start` into
/// the cache: every line they touch, from the one they start in. A hint on
/// x86-64 (`_mm_prefetch`), nothing elsewhere.
pub fn fetch_into_cache(start: usize, len: usize) {
    // An empty vector's pointer points nowhere in particular.
    if len == 0 {
        return;
    }
    // An address worked out, not taken from a reference, may be anywhere.
    let Some(end) = start.checked_add(len) else { return };
    #[cfg(target_arch = "x86_64")]
    for line in (start & !63..end).step_by(64) {
        // SAFETY: SSE, all `_mm_prefetch` needs, is part of every x86-64
        // processor; a prefetch reads nothing it is given and never
        // faults, whatever the address.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(line as *const i8) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (start, end);
}

/// Where a slot map keeps each key's value, worked out from two of its
/// entries, so that a value can be fetched ahead without reading the map.
///
/// Looking a key up reads its slot (to check the key's version), and that
/// read is the very wait on memory the fetch was to spare: following a
/// nudge of everything at 100,000 widgets spent a third of its time in
/// such "fetches". A `SlotMap` or a `SecondaryMap` keeps its slots in one
/// vector indexed by the key's slot number, so each value lies a fixed
/// stride from another's. Were that ever not so, the addresses would be
/// wrong and the fetches wasted, never harmful: a fetch reads nothing and
/// never faults. The addresses hold until the map grows (its vector may
/// move); after that, likewise, fetches are wasted.
#[derive(Clone, Copy, Debug)]
pub struct SlotAddresses {
    /// The address of the value of the key in slot `first_slot`.
    first: usize,
    first_slot: usize,
    /// Bytes from one slot's value to the next slot's.
    stride: usize,
}

impl SlotAddresses {
    /// The addresses of `map`'s values; `None` for a map of fewer than
    /// two values, where a stride cannot be known.
    pub fn of_map<K: slotmap::Key, V>(map: &slotmap::SlotMap<K, V>) -> Option<Self> {
        Self::of(map.iter())
    }

    /// [`SlotAddresses::of_map`] of a secondary map.
    pub fn of_secondary<K: slotmap::Key, V>(map: &slotmap::SecondaryMap<K, V>) -> Option<Self> {
        Self::of(map.iter())
    }

    /// From two entries of a map, in slot order (as its `iter` gives
    /// them): a map that keeps its values in slot order, which only the
    /// two constructors above are known to.
    fn of<'a, K: slotmap::Key, V: 'a>(mut entries: impl Iterator<Item = (K, &'a V)>) -> Option<Self> {
        let (k0, v0) = entries.next()?;
        let (k1, v1) = entries.next()?;
        let (s0, s1) = (slot_of(k0), slot_of(k1));
        let (a0, a1) = (std::ptr::from_ref(v0) as usize, std::ptr::from_ref(v1) as usize);
        if s1 <= s0 || a1 <= a0 || (a1 - a0) % (s1 - s0) != 0 {
            return None;
        }
        Some(SlotAddresses { first: a0, first_slot: s0, stride: (a1 - a0) / (s1 - s0) })
    }

    /// Where the value of `key` would be, had the map a slot for it.
    pub fn address(&self, key: impl slotmap::Key) -> usize {
        let slots = slot_of(key).wrapping_sub(self.first_slot);
        self.first.wrapping_add(slots.wrapping_mul(self.stride))
    }

    /// Asks for the first `len` bytes of `key`'s value to be brought into
    /// the cache ([`fetch_into_cache`]).
    pub fn fetch(&self, key: impl slotmap::Key, len: usize) {
        fetch_into_cache(self.address(key), len);
    }
}

/// The slot number of `key`: the low half of its FFI form, as slotmap
/// 1.x makes it (it promises nothing of that form; a change would show in
/// `slot_addresses_are_where_the_map_keeps_each_value`).
fn slot_of(key: impl slotmap::Key) -> usize {
    (key.data().as_ffi() & 0xffff_ffff) as usize
}

#[cfg(test)]
mod tests {
    use slotmap::{SecondaryMap, SlotMap};

    use super::*;
    use crate::WidgetId;

    #[test]
    fn slot_addresses_are_where_the_map_keeps_each_value() {
        let mut primary: SlotMap<WidgetId, [u64; 5]> = SlotMap::with_key();
        let keys: Vec<WidgetId> = (0..300).map(|i| primary.insert([i; 5])).collect();
        // Slots freed and taken again, with a new version.
        for k in keys.iter().step_by(7) {
            primary.remove(*k);
        }
        for i in 0..20 {
            primary.insert([1000 + i; 5]);
        }
        let mut secondary: SecondaryMap<WidgetId, (f32, u8)> = SecondaryMap::new();
        for (i, (k, _)) in primary.iter().enumerate().filter(|(i, _)| i % 3 != 1) {
            secondary.insert(k, (i as f32, 1));
        }
        let at = SlotAddresses::of_map(&primary).expect("two entries or more");
        for (k, v) in &primary {
            assert_eq!(at.address(k), std::ptr::from_ref(v) as usize);
        }
        let at = SlotAddresses::of_secondary(&secondary).expect("two entries or more");
        for (k, v) in &secondary {
            assert_eq!(at.address(k), std::ptr::from_ref(v) as usize);
        }
        // Worked out from two entries past the first: slots before them too.
        let at = SlotAddresses::of(primary.iter().skip(5)).expect("two entries or more");
        for (k, v) in &primary {
            assert_eq!(at.address(k), std::ptr::from_ref(v) as usize);
        }
        // A key the map has no slot for gives an address, and its fetch
        // reads nothing: never a panic, nor an address past the end.
        let mut other: SlotMap<WidgetId, ()> = SlotMap::with_key();
        let mut far = other.insert(());
        for _ in 0..100_000 {
            far = other.insert(());
        }
        at.fetch(far, 64);
        fetch_into_cache(usize::MAX - 8, 64);
        let mut one: SlotMap<WidgetId, u8> = SlotMap::with_key();
        one.insert(1);
        assert!(SlotAddresses::of_map(&one).is_none(), "one entry gives no stride");
    }
}
