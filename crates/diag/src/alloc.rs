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
/// Of [`ALLOCATIONS`], those made while a thread was inside a call into
/// the GPU library (see [`GpuLibraryCall`]).
static GPU_LIBRARY_ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// How many [`GpuLibraryCall`]s this thread is inside. A constant
    /// initialiser and no destructor: read from the allocator, it never
    /// allocates or registers anything itself.
    static IN_GPU_LIBRARY: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}
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
    /// Of `allocations`, those made inside a call into the GPU library
    /// (wgpu, and glyphon on it), as the renderer marks its calls with [`GpuLibraryCall`]:
    /// the rest are Trellis's own.
    pub gpu_library_allocations: u64,
}

impl CountingAllocator {
    /// The counters now. All zero if the allocator is not installed.
    pub fn snapshot() -> AllocSnapshot {
        AllocSnapshot {
            bytes_in_use: IN_USE.load(Ordering::Relaxed),
            peak_bytes: PEAK.load(Ordering::Relaxed),
            allocations: ALLOCATIONS.load(Ordering::Relaxed),
            gpu_library_allocations: GPU_LIBRARY_ALLOCATIONS.load(Ordering::Relaxed),
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
        // `try_with`: a thread being torn down has no slot left to read.
        if IN_GPU_LIBRARY.try_with(|depth| depth.get() > 0).unwrap_or(false) {
            GPU_LIBRARY_ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// While alive, the allocations this thread makes are counted as the GPU
/// library's ([`AllocSnapshot::gpu_library_allocations`]) as well as in
/// the total. The renderer holds one around each call into wgpu (and
/// glyphon, the text renderer drawing through it) in a frame, so that
/// `bench drag` can tell Trellis's own allocations a frame (which it can
/// avoid) from wgpu's (a command encoder, its passes and a submission
/// allocate about a hundred times in wgpu 30, whatever the caller does). Nests; costs a thread-local increment, and one read per
/// allocation while the [`CountingAllocator`] is installed.
#[derive(Debug)]
#[must_use = "allocations are counted as the GPU library's only while the guard is alive"]
pub struct GpuLibraryCall(std::marker::PhantomData<*const ()>);

impl GpuLibraryCall {
    /// Counts this thread's allocations as the GPU library's until dropped.
    pub fn enter() -> Self {
        IN_GPU_LIBRARY.with(|depth| depth.set(depth.get() + 1));
        GpuLibraryCall(std::marker::PhantomData)
    }

    /// Runs `f`, its allocations counted as the GPU library's.
    pub fn run<R>(f: impl FnOnce() -> R) -> R {
        let _call = Self::enter();
        f()
    }
}

impl Drop for GpuLibraryCall {
    fn drop(&mut self) {
        IN_GPU_LIBRARY.with(|depth| depth.set(depth.get().saturating_sub(1)));
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
            heap_pages::note_block();
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { inner().alloc_zeroed(layout) };
        if !p.is_null() {
            Self::grew(layout.size());
            heap_pages::note_block();
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
            heap_pages::note_block();
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

/// How much the heap grows by at least, each time it grows, while
/// [`back_heap_with_huge_pages`] is on: a huge page is given only to a
/// whole aligned 2 MiB of a mapping, so the heap grown in steps of a few
/// pages (glibc's default pad is 128 KiB) would be touched while each
/// such 2 MiB was still partly outside it, and get small pages anyway.
/// Untouched, the pad is address space, not memory.
pub const HEAP_GROWTH_PAD_BYTES: usize = 32 << 20;

/// Asks the kernel to back the heap with transparent huge pages (2 MiB
/// on x86-64, where it allows them only where asked, its usual setting):
/// each time the heap grows, the grown part is advised (`MADV_HUGEPAGE`),
/// as glibc itself would with `GLIBC_TUNABLES=glibc.malloc.hugetlb=1`.
///
/// Why: a 100,000-widget design is hundreds of megabytes of small blocks,
/// and a nudge of everything walks all of them. With 4 KiB pages, nearly
/// every widget is on a page of its own whose address the processor must
/// look up, and in a virtual machine each lookup it misses is a walk of
/// two sets of page tables: selecting every top-level widget of the design
/// took 5 ms in one check that each was still in the document, one
/// microsecond a widget. Blocks must come through [`CountingAllocator`]
/// for their growth to be seen (glibc's heap; other allocators' memory is
/// left as it is). Where the kernel has no huge pages, or they are off,
/// the advice does nothing. Call it once, first thing in `main`, after
/// [`keep_freed_memory`].
pub fn back_heap_with_huge_pages() {
    heap_pages::start();
}

/// The process's memory in RAM, and how much of it is in transparent huge
/// pages: what [`back_heap_with_huge_pages`] achieved, which the kernel
/// decides (a machine that has them off, or too fragmented a memory to
/// find 2 MiB at once, gives none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ResidentMemory {
    /// Bytes in RAM (the resident set).
    pub bytes: u64,
    /// Of those, bytes of anonymous memory in transparent huge pages.
    pub in_huge_pages_bytes: u64,
}

/// The process's [`ResidentMemory`] now, from `/proc/self/smaps_rollup`;
/// `None` where there is no such file (not Linux, or a kernel before 4.14).
pub fn resident_memory() -> Option<ResidentMemory> {
    let text = std::fs::read_to_string("/proc/self/smaps_rollup").ok()?;
    let kib = |field: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().strip_suffix("kB"))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|k| k * 1024)
    };
    Some(ResidentMemory { bytes: kib("Rss")?, in_huge_pages_bytes: kib("AnonHugePages").unwrap_or(0) })
}

/// Advising the heap as it grows: a look at the heap's end (glibc's
/// `sbrk(0)`, a read of a variable it keeps) per block allocated, a call
/// to the kernel only when the heap has grown.
mod heap_pages {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Where the heap ended when last seen (page-aligned): advised up to
    /// there. Zero while off.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    static SEEN_END: AtomicUsize = AtomicUsize::new(0);

    /// The page size less one, as a mask (4 KiB on x86-64; 16 or 64 KiB on
    /// some ARM systems), read once at the start: `madvise` needs a start
    /// on a page.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    static PAGE_MASK: AtomicUsize = AtomicUsize::new(4095);

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    pub(super) fn start() {
        // From glibc's <malloc.h>.
        const M_TOP_PAD: i32 = -2;
        unsafe extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        // SAFETY: mallopt only sets a tuning parameter of glibc's allocator.
        unsafe { mallopt(M_TOP_PAD, super::HEAP_GROWTH_PAD_BYTES as i32) };
        // SAFETY: sysconf only reads a system setting.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if page > 0 && (page as usize).is_power_of_two() {
            PAGE_MASK.store(page as usize - 1, Ordering::Relaxed);
        }
        if let Some(end) = heap_end() {
            SEEN_END.store(end, Ordering::Relaxed);
        }
    }

    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    pub(super) fn start() {}

    /// Called after each block is allocated, before its owner touches it:
    /// where the heap grew to make room, the grown part is advised.
    #[inline(always)]
    pub(super) fn note_block() {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        {
            let seen = SEEN_END.load(Ordering::Relaxed);
            if seen != 0
                && let Some(end) = heap_end()
                && end != seen
            {
                moved(seen, end);
            }
        }
    }

    /// The heap's end moved from `seen` to `end`: grown, the new part is
    /// advised; trimmed (glibc gives back freed memory past its threshold),
    /// the growth that follows is advised from the new end.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[cold]
    fn moved(seen: usize, end: usize) {
        // One thread takes each move; another that saw it too finds the
        // end changed and leaves it.
        if SEEN_END.compare_exchange(seen, end, Ordering::Relaxed, Ordering::Relaxed).is_ok() && end > seen {
            // SAFETY: the range is the heap's grown part, mapped by the
            // allocator; the advice changes how it is backed, never what
            // it holds. A kernel without huge pages refuses it, harmlessly;
            // the caller's `errno` is kept, as an allocation must not
            // change it (code reads it after a failed call that allocated).
            unsafe {
                let errno = *libc::__errno_location();
                libc::madvise(seen as *mut libc::c_void, end - seen, libc::MADV_HUGEPAGE);
                *libc::__errno_location() = errno;
            }
        }
    }

    /// The heap's end (the program break), aligned down to a page.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[inline(always)]
    fn heap_end() -> Option<usize> {
        // SAFETY: `sbrk(0)` moves nothing; it returns the break glibc keeps.
        let end = unsafe { libc::sbrk(0) } as usize;
        (end != usize::MAX && end != 0).then_some(end & !PAGE_MASK.load(Ordering::Relaxed))
    }
}
