//! Leak checks by cycles, as MemLab does them: run an action and its undo
//! over and over, sample heap bytes and the count of every live-object kind
//! after each cycle, and call a leak what keeps growing once a warm-up has
//! filled the caches that are meant to fill.
//!
//! A live-object kind leaks when its count after the last cycle is higher
//! than after the warm-up: counts are exact, so one extra object is a leak.
//! The heap leaks when its least-squares growth per cycle, after the
//! warm-up, exceeds a small tolerance (the allocator's own noise), and it
//! ends at least half that tolerance per cycle above where it started (a
//! swing that comes back is a cache trimming itself, not a leak).
//!
//! The allocator counts the whole process: a leak check must be the only
//! thing running, or another thread's allocations count as its growth.

use serde::Serialize;

use crate::alloc::CountingAllocator;

/// Heap growth per cycle below which the heap is considered flat.
pub const HEAP_TOLERANCE_BYTES_PER_CYCLE: f64 = 64.0;

/// How one kind of live object behaved over the measured cycles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindGrowth {
    pub kind: String,
    /// After the warm-up, and after the last cycle.
    pub after_warmup: usize,
    pub at_end: usize,
    pub per_cycle: f64,
}

/// The result of a leak check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Growth {
    pub cycles: usize,
    pub warmup: usize,
    /// Least-squares slope of heap bytes in use per cycle after the warm-up.
    pub heap_bytes_per_cycle: f64,
    pub heap_after_warmup: usize,
    pub heap_at_end: usize,
    pub kinds: Vec<KindGrowth>,
    /// What leaks: `"heap"` and the names of growing kinds.
    pub leaking: Vec<String>,
}

impl Growth {
    pub fn is_clean(&self) -> bool {
        self.leaking.is_empty()
    }
}

/// Runs `cycle(i)` `warmup + cycles` times, sampling after each one the
/// heap (from the [`CountingAllocator`], which must be the global allocator
/// for heap figures to mean anything) and `live()`, the count of each kind.
pub fn check_cycles(
    cycles: usize,
    warmup: usize,
    mut cycle: impl FnMut(usize),
    mut live: impl FnMut() -> Vec<(String, usize)>,
) -> Growth {
    for i in 0..warmup {
        cycle(i);
    }
    let base_kinds = live();
    let base_heap = CountingAllocator::snapshot().bytes_in_use;
    let mut heap = Vec::with_capacity(cycles);
    let mut last_kinds = base_kinds.clone();
    for i in 0..cycles {
        cycle(warmup + i);
        last_kinds = live();
        heap.push(CountingAllocator::snapshot().bytes_in_use as f64);
    }
    let slope = least_squares_slope(&heap);
    let mut kinds = Vec::new();
    let mut leaking = Vec::new();
    for (kind, at_end) in &last_kinds {
        let after_warmup = base_kinds.iter().find(|(k, _)| k == kind).map_or(0, |(_, n)| *n);
        if *at_end > after_warmup {
            leaking.push(kind.clone());
        }
        kinds.push(KindGrowth {
            kind: kind.clone(),
            after_warmup,
            at_end: *at_end,
            per_cycle: (*at_end as f64 - after_warmup as f64) / cycles.max(1) as f64,
        });
    }
    // Growth, not a swing: a cache trimming itself mid-run can tilt the
    // line over a short run and still end where it began. A leak does both:
    // a steady slope, and ending higher by most of it.
    let end = heap.last().copied().unwrap_or(base_heap as f64);
    let risen = end - base_heap as f64;
    if slope > HEAP_TOLERANCE_BYTES_PER_CYCLE && risen > HEAP_TOLERANCE_BYTES_PER_CYCLE * cycles as f64 / 2.0 {
        leaking.push("heap".into());
    }
    Growth {
        cycles,
        warmup,
        heap_bytes_per_cycle: slope,
        heap_after_warmup: base_heap,
        heap_at_end: heap.last().copied().unwrap_or(base_heap as f64) as usize,
        kinds,
        leaking,
    }
}

/// For tests: runs [`check_cycles`] and panics, naming every kind that
/// grew (with its counts) and the heap's growth, unless nothing leaks.
#[track_caller]
pub fn assert_no_leaks(
    what: &str,
    cycles: usize,
    warmup: usize,
    cycle: impl FnMut(usize),
    live: impl FnMut() -> Vec<(String, usize)>,
) -> Growth {
    let growth = check_cycles(cycles, warmup, cycle, live);
    if !growth.is_clean() {
        let mut lines = Vec::new();
        for k in growth.kinds.iter().filter(|k| growth.leaking.contains(&k.kind)) {
            lines.push(format!(
                "{} grew from {} to {} ({:+.2} per cycle)",
                k.kind, k.after_warmup, k.at_end, k.per_cycle
            ));
        }
        if growth.leaking.iter().any(|k| k == "heap") {
            lines.push(format!("the heap grows {:.1} bytes per cycle", growth.heap_bytes_per_cycle));
        }
        panic!("{what} leaks after {} cycles: {}", growth.cycles, lines.join("; "));
    }
    growth
}

/// The slope of the best straight line through `(i, y[i])`.
pub fn least_squares_slope(y: &[f64]) -> f64 {
    let n = y.len() as f64;
    if y.len() < 2 {
        return 0.0;
    }
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = y.iter().sum::<f64>() / n;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, v) in y.iter().enumerate() {
        let dx = i as f64 - mean_x;
        num += dx * (v - mean_y);
        den += dx * dx;
    }
    num / den
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slope_of_a_line_is_its_growth() {
        let y: Vec<f64> = (0..10).map(|i| 100.0 + 3.0 * f64::from(i)).collect();
        assert!((least_squares_slope(&y) - 3.0).abs() < 1e-9);
        assert_eq!(least_squares_slope(&[5.0; 7]), 0.0);
        assert_eq!(least_squares_slope(&[1.0]), 0.0);
    }

    #[test]
    fn a_growing_kind_is_named_and_a_steady_one_is_not() {
        let held = std::cell::Cell::new(0usize);
        let g = check_cycles(20, 5, |i| held.set(i), || vec![("steady".into(), 3), ("growing".into(), held.get())]);
        assert_eq!(g.leaking, vec!["growing".to_owned()]);
        let growing = g.kinds.iter().find(|k| k.kind == "growing").unwrap();
        assert_eq!((growing.after_warmup, growing.at_end), (4, 24));
        assert!((growing.per_cycle - 1.0).abs() < 1e-9);
    }

    #[test]
    fn assert_no_leaks_passes_flat_counts_and_names_a_growing_kind() {
        assert_no_leaks("flat", 20, 5, |_| {}, || vec![("things".to_owned(), 3)]);
        let grown = std::panic::catch_unwind(|| {
            let n = std::cell::Cell::new(0);
            assert_no_leaks("growing", 20, 5, |_| n.set(n.get() + 1), || vec![("things".to_owned(), n.get())]);
        });
        let message = grown.unwrap_err().downcast::<String>().unwrap();
        assert!(message.contains("growing leaks") && message.contains("things grew from 5 to 25"), "{message}");
    }
}
