//! A counting global allocator: bytes in use, their peak, and how many
//! allocations were made. Two relaxed atomic updates per call keep it cheap
//! enough to stay on in every build of the `trellis` binary.
//!
//! Install it in a binary with
//! `#[global_allocator] static ALLOC: CountingAllocator = CountingAllocator;`
//! and read it with [`CountingAllocator::snapshot`].

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

/// The system allocator, counted.
#[derive(Clone, Copy, Debug, Default)]
pub struct CountingAllocator;

/// The counters at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct AllocSnapshot {
    /// Heap bytes allocated and not yet freed.
    pub bytes_in_use: usize,
    /// The most bytes in use at once since the start (or the last reset).
    pub peak_bytes: usize,
    /// Allocations made (reallocations included).
    pub allocations: u64,
}

impl CountingAllocator {
    /// The counters now. All zero if the allocator is not installed.
    pub fn snapshot() -> AllocSnapshot {
        AllocSnapshot {
            bytes_in_use: IN_USE.load(Ordering::Relaxed),
            peak_bytes: PEAK.load(Ordering::Relaxed),
            allocations: ALLOCATIONS.load(Ordering::Relaxed),
        }
    }

    /// Starts measuring a new peak from the bytes in use now.
    pub fn reset_peak() {
        PEAK.store(IN_USE.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    fn grew(by: usize) {
        let now = IN_USE.fetch_add(by, Ordering::Relaxed) + by;
        PEAK.fetch_max(now, Ordering::Relaxed);
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters only observe sizes.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, which we pass on.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            Self::grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            Self::grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with `layout`, as the caller promises.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as the caller promises for `realloc`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            Self::grew(new_size);
        }
        p
    }
}
