//! Trellis's performance lab: the numbers Trellis proves its health with.
//! So far: frame statistics defined as the diagnostic tools people know
//! define them (Android's gfxinfo and JankStats, Flutter's timeline
//! summary), a counting global allocator, and leak checks by cycles of an
//! action and its undo (as MemLab does them).
//!
//! This crate measures; it depends on nothing Trellis draws or edits with,
//! so every other crate (and the binary) can use it without cycles.

pub mod alloc;
pub mod frames;
pub mod leaks;

#[cfg(feature = "heap-profile")]
pub use alloc::HeapProfile;
pub use alloc::{AllocSnapshot, CountingAllocator};
pub use frames::{Frame, FrameStats, HistogramBucket};
pub use leaks::{Growth, KindGrowth, assert_no_leaks, check_cycles};
