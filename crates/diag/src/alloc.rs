//! A counting global allocator: bytes in use, their peak, and how many
//! allocations were made. Two relaxed atomic updates per call (three at a
//! new peak) keep it cheap enough to stay on in every build of the
//! `trellis` binary.
//!
//! Install it in a binary with
//! `#[global_allocator] static ALLOC: CountingAllocator = CountingAllocator;`
//! and read it with [`CountingAllocator::snapshot`].

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
/// While a heap profile runs, calls go through dhat's allocator (which
/// records them, then calls the system allocator); otherwise straight to
/// the system's. Both end in the same allocator, so a block allocated
/// before the switch may be freed after it.
#[cfg_attr(not(feature = "heap-profile"), allow(dead_code))]
static PROFILING: AtomicBool = AtomicBool::new(false);

/// The allocator calls forward to: dhat's while a heap profile runs.
fn inner() -> &'static dyn GlobalAlloc {
    #[cfg(feature = "heap-profile")]
    if PROFILING.load(Ordering::Relaxed) {
        return &dhat::Alloc;
    }
    &System
}

/// A dhat heap profile of the process, from `start` until dropped, when
/// the file is written (it opens in dh_view). Needs the
/// [`CountingAllocator`] installed and the `heap-profile` feature.
#[cfg(feature = "heap-profile")]
pub struct HeapProfile {
    profiler: Option<dhat::Profiler>,
}

#[cfg(feature = "heap-profile")]
impl std::fmt::Debug for HeapProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeapProfile")
    }
}

#[cfg(feature = "heap-profile")]
impl HeapProfile {
    /// Starts recording every allocation with its backtrace into `path`.
    /// Only one profile records at a time: check [`HeapProfile::is_recording`].
    pub fn start(path: &std::path::Path) -> Self {
        Self::start_with_depth(path, 16)
    }

    /// As [`HeapProfile::start`], keeping up to `frames` frames of each backtrace.
    pub fn start_with_depth(path: &std::path::Path, frames: usize) -> Self {
        let profiler = dhat::Profiler::builder().file_name(path).trim_backtraces(Some(frames)).build();
        PROFILING.store(true, Ordering::SeqCst);
        HeapProfile { profiler: Some(profiler) }
    }

    /// Whether a heap profile is recording now.
    pub fn is_recording() -> bool {
        PROFILING.load(Ordering::SeqCst)
    }
}

#[cfg(feature = "heap-profile")]
impl Drop for HeapProfile {
    fn drop(&mut self) {
        // Dropping the profiler writes the file; allocations stop being recorded after.
        self.profiler.take();
        PROFILING.store(false, Ordering::SeqCst);
    }
}

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
        // A read first: few allocations make a new peak, and a read costs
        // far less than a locked update (a paste of 1,000 widgets allocates
        // about 15,000 times, each counted).
        if now > PEAK.load(Ordering::Relaxed) {
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator (through
// dhat's while a heap profile runs, which forwards to it too); the counters
// only observe sizes.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, which we pass on.
        let p = unsafe { inner().alloc(layout) };
        if !p.is_null() {
            Self::grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { inner().alloc_zeroed(layout) };
        if !p.is_null() {
            Self::grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with `layout`, as the caller promises.
        unsafe { inner().dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as the caller promises for `realloc`.
        let p = unsafe { inner().realloc(ptr, layout, new_size) };
        if !p.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            Self::grew(new_size);
        }
        p
    }
}

/// Freed memory the system allocator keeps for reuse rather than handing
/// back to the kernel, per arena: see [`keep_freed_memory`].
pub const KEPT_FREED_BYTES: usize = 64 << 20;

/// Blocks at least this large get a mapping of their own from the kernel,
/// returned to it when freed (see [`keep_freed_memory`]): glibc's largest
/// threshold on 64-bit systems.
pub const OWN_MAPPING_BYTES: usize = 32 << 20;

/// Tells the system allocator (glibc's) to keep up to [`KEPT_FREED_BYTES`]
/// of freed memory at the top of each arena instead of returning it at
/// once. A software rasteriser running in the process (Mesa's lavapipe)
/// allocates its binned scene, megabytes for a full redraw, and frees it
/// every frame; returned to the kernel each time, every page faults back
/// in as zeroes the next frame, and a full redraw of 10,000 widgets spent
/// a third of its time there.
///
/// Setting that threshold also stops glibc from raising the size past
/// which a block gets a mapping of its own (128 KiB) as programs free such
/// blocks, so every block of 128 KiB or more was mapped afresh, faulted in
/// page by page and unmapped when freed: the vectors of a nudge of
/// everything at 100,000 widgets (the widgets moved, the display list's
/// items, the undo step) faulted in every nudge. Blocks under
/// [`OWN_MAPPING_BYTES`] now come from the heap, and are kept with it
/// (on 64-bit systems): freed memory a process keeps is then up to
/// [`KEPT_FREED_BYTES`] at the top of each of glibc's arenas, plus what
/// is free between blocks still in use. Call it once, first thing in
/// `main`. Elsewhere (other C libraries) it does nothing.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // From glibc's <malloc.h>.
        const M_TRIM_THRESHOLD: i32 = -1;
        const M_MMAP_THRESHOLD: i32 = -3;
        unsafe extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        // SAFETY: mallopt only sets a tuning parameter of glibc's
        // allocator; it is called before any thread is started.
        unsafe {
            mallopt(M_TRIM_THRESHOLD, KEPT_FREED_BYTES as i32);
            // 32 MiB is over glibc's largest threshold on 32-bit systems,
            // which refuse it and keep their own.
            #[cfg(target_pointer_width = "64")]
            mallopt(M_MMAP_THRESHOLD, OWN_MAPPING_BYTES as i32);
        }
    }
}
