//! The counting allocator, installed in this test binary.

use trellis_diag::CountingAllocator;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

#[test]
fn bytes_in_use_rise_and_fall_and_the_peak_remembers() {
    let before = CountingAllocator::snapshot();
    let block = vec![7u8; 4 << 20];
    let during = CountingAllocator::snapshot();
    assert!(during.bytes_in_use >= before.bytes_in_use + (4 << 20));
    assert!(during.peak_bytes >= during.bytes_in_use);
    assert!(during.allocations > before.allocations);
    drop(block);
    let after = CountingAllocator::snapshot();
    // Other test threads allocate too: compare with a margin far below 4 MiB.
    assert!(after.bytes_in_use < during.bytes_in_use - (3 << 20));
    assert!(after.peak_bytes >= during.bytes_in_use);
    let mut grow = Vec::<u64>::with_capacity(1);
    for i in 0..100_000 {
        grow.push(i);
    }
    assert!(CountingAllocator::snapshot().bytes_in_use >= 800_000, "reallocations are counted");
    // A peak measured afresh rises with the next block, read before it is
    // raised or not.
    drop(grow);
    CountingAllocator::reset_peak();
    let from = CountingAllocator::snapshot().peak_bytes;
    let big = vec![1u8; 8 << 20];
    let peak = CountingAllocator::snapshot().peak_bytes;
    assert!(peak >= from + (7 << 20), "the peak follows a new high: {from} then {peak}");
    drop(big);
}
