//! Leak checks by cycles, as MemLab does them: run an action and its undo
//! over and over, sample heap bytes and the count of every live-object kind
//! after each cycle, and call a leak what keeps growing once a warm-up has
//! filled the caches that are meant to fill.
//!
//! A live-object kind leaks when its count after the last cycle is higher
//! than after the warm-up: counts are exact, so one extra object is a leak.
//!
//! The heap is judged by its floor, not by its samples. Work that finishes
//! on its own time (a writer thread's buffers, a driver's staging pools,
//! blocks a channel has not handed back yet) only ever adds to a sample,
//! and how much depends on how loaded the machine is; the least bytes in
//! use over a stretch of cycles does not. The measured cycles are cut into
//! four quarters and the floor of each is taken. The heap leaks when
//!
//! - its floor rises from the first quarter to the last by more than
//!   [`HEAP_TOLERANCE_BYTES_PER_CYCLE`] per cycle, and
//! - it rises from every quarter to the next, each time by at least half
//!   that rate: a leak keeps climbing, while a table that doubles once
//!   under churn makes one step. Hash tables seeded at random double at a
//!   random cycle (wgpu's GPU memory allocator keeps one, 21 KiB on a
//!   300-widget design), so up to two such steps anywhere in a run never
//!   make a leak.
//!
//! So the verdict does not depend on the run length: a step is a step at
//! 100 cycles and at 5,000, and a leak of twice the tolerance climbs in every
//! quarter of any run. Runs shorter than [`MIN_HEAP_CYCLES`] judge counts only.
//!
//! The allocator counts the whole process: a leak check must be the only
//! thing running, or another thread's allocations count as its growth.

use serde::Serialize;

use crate::alloc::CountingAllocator;

/// Growth of the heap's floor per cycle at or below which the heap is flat:
/// half the smallest leak the check must catch (32 bytes per cycle).
pub const HEAP_TOLERANCE_BYTES_PER_CYCLE: f64 = 16.0;

/// The fewest measured cycles the heap is judged over: each quarter needs
/// ten samples, so that at least one of them catches the heap at rest even
/// when most are taken with work in flight.
pub const MIN_HEAP_CYCLES: usize = 40;

/// How one kind of live object behaved over the measured cycles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindGrowth {
    /// The kind's name, as the live-object registry gives it.
    pub kind: String,
    /// The count after the warm-up.
    pub after_warmup: usize,
    /// The count after the last cycle.
    pub at_end: usize,
    /// `(at_end - after_warmup) / cycles`.
    pub per_cycle: f64,
}

/// The result of a leak check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Growth {
    /// Measured cycles (after the warm-up).
    pub cycles: usize,
    /// Warm-up cycles, not measured.
    pub warmup: usize,
    /// Growth of the heap's floor per cycle, from the first quarter of the
    /// measured cycles to the last (see the module's notes).
    pub heap_bytes_per_cycle: f64,
    /// The least heap bytes in use in each quarter of the measured cycles
    /// (empty when there were fewer than [`MIN_HEAP_CYCLES`]).
    pub heap_floors: Vec<usize>,
    /// Least-squares slope of the raw samples per cycle, for reference: it
    /// includes whatever was in flight when each sample was taken.
    pub heap_sample_slope: f64,
    /// Heap bytes in use after the warm-up.
    pub heap_after_warmup: usize,
    /// Heap bytes in use after the last cycle.
    pub heap_at_end: usize,
    /// Every live-object kind's counts.
    pub kinds: Vec<KindGrowth>,
    /// What leaks: `"heap"` and the names of growing kinds.
    pub leaking: Vec<String>,
}

impl Growth {
    /// Whether nothing leaks.
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
    let mut base_kinds = live();
    let base_heap = CountingAllocator::snapshot().bytes_in_use;
    let mut heap = Vec::with_capacity(cycles);
    let mut last_kinds = base_kinds.clone();
    for i in 0..cycles {
        cycle(warmup + i);
        last_kinds = live();
        if warmup == 0 && i == 0 {
            // With no warm-up the kinds are counted from the first cycle
            // on: what it sets up once (a redo entry, a cache's first
            // entry) is there after every cycle, and is no leak.
            base_kinds.clone_from(&last_kinds);
        }
        heap.push(CountingAllocator::snapshot().bytes_in_use as f64);
    }
    // The cycles the kinds grew over.
    let measured = if warmup == 0 { cycles.saturating_sub(1) } else { cycles };
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
            per_cycle: (*at_end as f64 - after_warmup as f64) / measured.max(1) as f64,
        });
    }
    let floor = HeapFloor::of(&heap);
    if floor.climbs() {
        leaking.push("heap".into());
    }
    Growth {
        cycles,
        warmup,
        heap_bytes_per_cycle: floor.per_cycle,
        heap_floors: floor.floors.iter().map(|f| *f as usize).collect(),
        heap_sample_slope: least_squares_slope(&heap),
        heap_after_warmup: base_heap,
        heap_at_end: heap.last().copied().unwrap_or(base_heap as f64) as usize,
        kinds,
        leaking,
    }
}

/// The heap's floor over the quarters of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct HeapFloor {
    /// The least sample in each quarter; empty for a run too short to judge.
    pub floors: Vec<f64>,
    /// Cycles from one quarter's start to the next.
    pub quarter: usize,
    /// Rise of the floor per cycle from the first quarter to the last.
    pub per_cycle: f64,
}

impl HeapFloor {
    /// The floors of `samples`, one per cycle.
    pub fn of(samples: &[f64]) -> HeapFloor {
        if samples.len() < MIN_HEAP_CYCLES {
            return HeapFloor { floors: Vec::new(), quarter: 0, per_cycle: 0.0 };
        }
        let quarter = samples.len() / 4;
        // The last quarter takes the remainder, so every sample is seen.
        let floors: Vec<f64> = (0..4)
            .map(|q| {
                let end = if q == 3 { samples.len() } else { (q + 1) * quarter };
                samples[q * quarter..end].iter().copied().fold(f64::INFINITY, f64::min)
            })
            .collect();
        let per_cycle = (floors[3] - floors[0]) / (3 * quarter) as f64;
        HeapFloor { floors, quarter, per_cycle }
    }

    /// Whether the floor keeps climbing: faster than the tolerance overall,
    /// and by at least half of it from each quarter to the next.
    pub fn climbs(&self) -> bool {
        if self.floors.len() < 4 {
            return false;
        }
        let step = HEAP_TOLERANCE_BYTES_PER_CYCLE / 2.0 * self.quarter as f64;
        self.per_cycle > HEAP_TOLERANCE_BYTES_PER_CYCLE && self.floors.windows(2).all(|w| w[1] - w[0] >= step)
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
            lines.push(format!(
                "the heap's floor grows {:.1} bytes per cycle (floors by quarter: {:?})",
                growth.heap_bytes_per_cycle, growth.heap_floors
            ));
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

    /// Regression: with no warm-up the kinds were counted before the first
    /// cycle, so a redo entry every cycle leaves (one, from the first on)
    /// was reported as a leak by `leakcheck --warmup 0`.
    #[test]
    fn with_no_warm_up_what_the_first_cycle_sets_up_once_is_no_leak() {
        let (once, grows) = (std::cell::Cell::new(0usize), std::cell::Cell::new(0usize));
        let g = check_cycles(
            10,
            0,
            |i| {
                once.set(1);
                grows.set(i + 1);
            },
            || vec![("redo entries".into(), once.get()), ("growing".into(), grows.get())],
        );
        assert_eq!(g.leaking, vec!["growing".to_owned()]);
        let growing = g.kinds.iter().find(|k| k.kind == "growing").unwrap();
        assert_eq!((growing.after_warmup, growing.at_end), (1, 10));
        assert!((growing.per_cycle - 1.0).abs() < 1e-9, "{growing:?}");
    }

    /// A clean heap with spikes of work in flight on some samples, as a
    /// loaded machine gives: `seed` picks which.
    fn noisy(n: usize, seed: u64, per_cycle: f64) -> Vec<f64> {
        let mut x = seed;
        (0..n)
            .map(|i| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let spike = if (x >> 33).is_multiple_of(3) { ((x >> 40) % 40_000) as f64 } else { 0.0 };
                1_000_000.0 + per_cycle * i as f64 + spike
            })
            .collect()
    }

    #[test]
    fn work_in_flight_on_a_loaded_machine_is_not_a_leak_at_any_run_length() {
        for n in [40, 60, 100, 200, 1_000, 5_000] {
            for seed in 0..20 {
                let f = HeapFloor::of(&noisy(n, seed, 0.0));
                assert!(!f.climbs(), "{n} cycles, seed {seed}: {f:?}");
            }
        }
    }

    #[test]
    fn a_cache_that_grows_once_and_stops_is_not_a_leak() {
        for n in [100, 200, 1_000, 5_000] {
            for at in [1, n / 4, n / 2, 3 * n / 4, n - 1] {
                // A map doubling its capacity once: 64 KiB at cycle `at`.
                let y: Vec<f64> = (0..n).map(|i| if i >= at { 65_536.0 } else { 0.0 }).collect();
                assert!(!HeapFloor::of(&y).climbs(), "{n} cycles, step at {at}");
            }
        }
    }

    #[test]
    fn two_tables_doubling_at_random_cycles_are_not_a_leak() {
        for n in [100, 200, 1_000, 5_000] {
            for (a, b) in [(1, n / 2), (n / 4 + 1, 3 * n / 4 + 1), (n / 3, n - 1), (n / 2, n / 2 + 1)] {
                let y: Vec<f64> =
                    (0..n).map(|i| if i >= a { 13_568.0 } else { 0.0 } + if i >= b { 21_696.0 } else { 0.0 }).collect();
                assert!(!HeapFloor::of(&y).climbs(), "{n} cycles, steps at {a} and {b}");
            }
        }
    }

    #[test]
    fn a_leak_of_32_bytes_per_cycle_is_caught_at_every_run_length_even_when_noisy() {
        for n in [100, 200, 1_000, 5_000] {
            for seed in 0..20 {
                let f = HeapFloor::of(&noisy(n, seed, 32.0));
                assert!(f.climbs(), "{n} cycles, seed {seed}: {f:?}");
                assert!((f.per_cycle - 32.0).abs() < 8.0, "{f:?}");
            }
        }
        // Below the tolerance is not.
        assert!(!HeapFloor::of(&noisy(1_000, 1, 8.0)).climbs());
        // Too short to judge.
        assert!(!HeapFloor::of(&noisy(39, 1, 1e6)).climbs());
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
