//! Trellis's performance lab: the numbers Trellis proves its health with.
//! So far: frame statistics defined as the diagnostic tools people know
//! define them (Android's gfxinfo and JankStats, Flutter's timeline
//! summary), a counting global allocator (which also keeps the system
//! allocator's freed memory and asks the kernel for huge pages as the heap
//! grows: [`keep_freed_memory`], [`back_heap_with_huge_pages`]), and leak
//! checks by cycles of an action and its undo (as MemLab does them).
//!
//! Leak verdicts judge the heap by its floor over quarters of a run (see
//! [`check_cycles`]), and when the heap grows, `surviving_sites` names the call sites
//! whose allocations outlived their cycle (with the `heap-profile` feature).
//!
//! This crate measures; it depends on nothing Trellis draws or edits with,
//! so every other crate (and the binary) can use it without cycles.

#![warn(missing_docs)]

mod alloc;
mod frames;
mod leaks;
#[cfg(feature = "heap-profile")]
mod survivors;

#[cfg(feature = "heap-profile")]
pub use alloc::HeapProfile;
pub use alloc::{
    AllocSnapshot, CountingAllocator, GpuLibraryCall, HEAP_GROWTH_PAD_BYTES, KEPT_FREED_BYTES, OWN_MAPPING_BYTES,
    ResidentMemory, back_heap_with_huge_pages, keep_freed_memory, resident_memory,
};
pub use frames::{DEFAULT_REFRESH_HZ, FROZEN_MS, Frame, FrameStats, HistogramBucket, bucket_bounds, percentile};
pub use leaks::{
    Growth, HEAP_TOLERANCE_BYTES_PER_CYCLE, HeapFloor, KindGrowth, MIN_HEAP_CYCLES, assert_no_leaks, check_cycles,
    least_squares_slope,
};
#[cfg(feature = "heap-profile")]
pub use survivors::{AttributionError, SurvivingSite, surviving_sites};
