//! What `keep_freed_memory` asks of glibc's allocator, checked in a process
//! of its own (the setting is the whole process's). `mallinfo2` needs glibc
//! 2.33 or later (Debian 12 has 2.36).
#![cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]

/// The counters glibc's `mallinfo2` reports, in its field order.
#[repr(C)]
#[derive(Default)]
struct MallInfo2 {
    arena: usize,
    ordblks: usize,
    smblks: usize,
    /// Blocks that have a mapping of their own.
    hblks: usize,
    /// Bytes in those mappings.
    hblkhd: usize,
    usmblks: usize,
    fsmblks: usize,
    uordblks: usize,
    fordblks: usize,
    keepcost: usize,
}

unsafe extern "C" {
    fn mallinfo2() -> MallInfo2;
}

fn own_mapping_bytes() -> usize {
    // SAFETY: mallinfo2 only reads the allocator's counters.
    unsafe { mallinfo2() }.hblkhd
}

/// A block of megabytes (a vector of every widget moved in a nudge at
/// 100,000 widgets, a display list's items) comes from the heap that keeps
/// freed memory, not from a mapping of its own: glibc maps every block of
/// 128 KiB or more afresh once `M_TRIM_THRESHOLD` is set, and unmaps it
/// when freed, so each such block faulted in page by page every frame.
#[test]
fn a_block_of_megabytes_comes_from_the_kept_heap_not_a_mapping_of_its_own() {
    trellis_diag::keep_freed_memory();
    let before = own_mapping_bytes();
    let block = std::hint::black_box(vec![1u8; 8 << 20]);
    let during = own_mapping_bytes();
    assert!(
        during < before + (1 << 20),
        "an 8 MiB block was given a mapping of its own: {before} then {during} bytes mapped"
    );
    drop(block);
    // Past the threshold a block still gets its own mapping, so that a
    // huge one is given back to the kernel as soon as it is freed.
    let huge = std::hint::black_box(vec![1u8; trellis_diag::OWN_MAPPING_BYTES + (1 << 20)]);
    assert!(own_mapping_bytes() >= before + trellis_diag::OWN_MAPPING_BYTES, "a huge block has a mapping of its own");
    drop(huge);
}
