//! What `back_heap_with_huge_pages` asks of the kernel, checked in a process
//! of its own, on its main thread: the heap grown after it is advised as
//! transparent huge pages (the `hg` flag of its mappings in
//! `/proc/self/smaps`), and the resident memory is read. Whether the
//! kernel then gives huge pages depends on the machine, so that is not
//! asserted; the advice is.

use trellis_diag::CountingAllocator;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

fn main() {
    #[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
    {
        the_heap_grown_after_start_is_advised_as_huge_pages();
        println!("test the_heap_grown_after_start_is_advised_as_huge_pages ... ok");
    }
}

/// The `VmFlags` of the mapping that holds `address`, from `/proc/self/smaps`.
#[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
fn flags_of_mapping_at(address: usize) -> String {
    let smaps = std::fs::read_to_string("/proc/self/smaps").expect("Linux has /proc/self/smaps");
    let mut inside = false;
    for line in smaps.lines() {
        if let Some((range, _)) = line.split_once(' ')
            && let Some((start, end)) = range.split_once('-')
            && let (Ok(start), Ok(end)) = (usize::from_str_radix(start, 16), usize::from_str_radix(end, 16))
        {
            inside = (start..end).contains(&address);
        } else if inside && let Some(flags) = line.strip_prefix("VmFlags:") {
            return flags.trim().to_owned();
        }
    }
    panic!("no mapping holds {address:#x}");
}

#[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
fn the_heap_grown_after_start_is_advised_as_huge_pages() {
    trellis_diag::keep_freed_memory();
    trellis_diag::back_heap_with_huge_pages();
    if !std::path::Path::new("/sys/kernel/mm/transparent_hugepage").exists() {
        println!("this kernel has no transparent huge pages: the advice is refused, and nothing is checked");
        return;
    }
    // Small blocks past the pad the heap grows by, as a large design's
    // widgets are: the heap must grow, and each growth be advised.
    let blocks: Vec<Vec<u8>> =
        (0..(trellis_diag::HEAP_GROWTH_PAD_BYTES * 3) / 4096).map(|i| vec![i as u8; 4000]).collect();
    for block in [&blocks[blocks.len() / 2], blocks.last().expect("blocks were made")] {
        let flags = flags_of_mapping_at(block.as_ptr() as usize);
        assert!(
            flags.split(' ').any(|f| f == "hg"),
            "a block of the grown heap is in a mapping not advised as huge pages (flags: {flags})"
        );
    }
    // What `bench drag` reports: the blocks, written, are resident.
    let resident = trellis_diag::resident_memory().expect("Linux has /proc/self/smaps_rollup");
    assert!(resident.bytes >= (blocks.len() * 4000) as u64, "the blocks are resident: {resident:?}");
    drop(blocks);
}
