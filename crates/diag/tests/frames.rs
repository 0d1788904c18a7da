//! Frame statistics on synthetic series whose answers are known.

use trellis_diag::{Frame, FrameStats};

fn frames(durations: &[f64], interval: f64) -> Vec<Frame> {
    durations.iter().enumerate().map(|(i, d)| Frame { start_ms: i as f64 * interval, duration_ms: *d }).collect()
}

#[test]
fn steady_frames_have_no_jank_and_no_jitter() {
    let s = FrameStats::of(&frames(&[10.0; 120], 1000.0 / 60.0), 60.0);
    assert_eq!((s.frames, s.janky, s.janky_2x, s.frozen), (120, 0, 0, 0));
    assert_eq!((s.p50_ms, s.p99_ms, s.max_ms), (10.0, 10.0, 10.0));
    assert!(s.jitter_ms < 1e-9);
    assert!((s.budget_ms - 16.666_666).abs() < 1e-3);
    // 120 frames over 119 intervals of 16.67 ms plus the last frame's 10 ms.
    assert!((s.fps - 120.0 * 1000.0 / (119.0 * 1000.0 / 60.0 + 10.0)).abs() < 1e-9);
}

#[test]
fn percentiles_are_nearest_rank() {
    let durations: Vec<f64> = (1..=100).map(f64::from).collect();
    let s = FrameStats::of(&frames(&durations, 200.0), 60.0);
    assert_eq!((s.p50_ms, s.p90_ms, s.p95_ms, s.p99_ms, s.max_ms), (50.0, 90.0, 95.0, 99.0, 100.0));
    assert_eq!(s.mean_ms, 50.5);
    let s = FrameStats::of(&frames(&[3.0, 1.0, 2.0], 16.0), 60.0);
    assert_eq!((s.p50_ms, s.p99_ms), (2.0, 3.0));
}

#[test]
fn jank_is_counted_over_one_and_over_two_budgets() {
    let s = FrameStats::of(&frames(&[10.0, 17.0, 20.0, 34.0, 40.0, 800.0], 50.0), 60.0);
    assert_eq!((s.janky, s.janky_2x, s.frozen), (5, 3, 1));
    // At 120 Hz the budget halves.
    let s = FrameStats::of(&frames(&[10.0, 17.0], 50.0), 120.0);
    assert_eq!((s.janky, s.janky_2x), (2, 1));
}

#[test]
fn jitter_is_the_standard_deviation_of_start_intervals() {
    let starts = [0.0, 10.0, 30.0, 40.0, 60.0];
    let f: Vec<Frame> = starts.iter().map(|s| Frame { start_ms: *s, duration_ms: 5.0 }).collect();
    // Intervals 10, 20, 10, 20: mean 15, standard deviation 5.
    assert!((FrameStats::of(&f, 60.0).jitter_ms - 5.0).abs() < 1e-9);
}

#[test]
fn the_histogram_uses_gfxinfos_buckets() {
    let s = FrameStats::of(&frames(&[1.0, 4.9, 5.0, 5.5, 31.0, 33.0, 47.0, 100.0, 2000.0], 50.0), 60.0);
    let buckets: Vec<(f64, usize)> = s.histogram.iter().map(|b| (b.up_to_ms, b.frames)).collect();
    assert_eq!(buckets, vec![(5.0, 3), (6.0, 1), (31.0, 1), (34.0, 1), (48.0, 1), (101.0, 1), (f64::INFINITY, 1)]);
    assert_eq!(s.histogram.iter().map(|b| b.frames).sum::<usize>(), 9);
}

#[test]
fn no_frames_give_zeros_not_a_panic() {
    let s = FrameStats::of(&[], f64::NAN);
    assert_eq!((s.frames, s.fps, s.p99_ms, s.refresh_hz), (0, 0.0, 0.0, 60.0));
}
