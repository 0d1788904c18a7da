//! Frame statistics.
//!
//! - The frame budget is 1000 / refresh rate (16.67 ms at 60 Hz). Headless
//!   runs have no display, so the refresh rate is a setting (default 60).
//! - A frame is janky when it takes longer than the budget (Android's
//!   JankTracker), and counted again when it takes over twice the budget
//!   (JankStats's default heuristic). Frames over 700 ms are frozen.
//! - Percentiles are nearest-rank: the p-th percentile is the smallest
//!   frame time that at least p % of frames do not exceed.
//! - Jitter is the standard deviation of the intervals between frame starts.
//! - The histogram has gfxinfo's buckets: everything up to 5 ms, then 1 ms
//!   buckets to 32 ms, 2 ms to 48 ms, 4 ms to 133 ms, 50 ms to 950 ms, and
//!   the rest.

use serde::Serialize;

/// Refresh rate assumed when a run has no display.
pub const DEFAULT_REFRESH_HZ: f64 = 60.0;
/// Android's threshold for a frozen frame.
pub const FROZEN_MS: f64 = 700.0;

/// One frame: when it started and how long it took, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Frame {
    /// When the frame started, from the run's start.
    pub start_ms: f64,
    /// How long it took, from its input to its last phase.
    pub duration_ms: f64,
}

/// Frames whose time was above the previous bucket's bound and at most `up_to_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct HistogramBucket {
    /// `f64::INFINITY` for the last bucket.
    pub up_to_ms: f64,
    /// Frames in the bucket.
    pub frames: usize,
}

/// Statistics over a run (or a window) of frames.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FrameStats {
    /// Frames counted.
    pub frames: usize,
    /// The display's refresh rate the budget comes from.
    pub refresh_hz: f64,
    /// One refresh interval: `1000 / refresh_hz`.
    pub budget_ms: f64,
    /// Frames per second over the run's wall-clock span.
    pub fps: f64,
    /// Mean frame time.
    pub mean_ms: f64,
    /// Median frame time (nearest rank).
    pub p50_ms: f64,
    /// 90th percentile frame time.
    pub p90_ms: f64,
    /// 95th percentile frame time.
    pub p95_ms: f64,
    /// 99th percentile frame time.
    pub p99_ms: f64,
    /// The slowest frame.
    pub max_ms: f64,
    /// Standard deviation of the intervals between frame starts.
    pub jitter_ms: f64,
    /// Frames longer than the budget.
    pub janky: usize,
    /// Frames longer than twice the budget.
    pub janky_2x: usize,
    /// Frames longer than 700 ms.
    pub frozen: usize,
    /// Only the buckets that hold frames, in order.
    pub histogram: Vec<HistogramBucket>,
}

/// gfxinfo's bucket bounds, in milliseconds.
pub fn bucket_bounds() -> Vec<f64> {
    let mut b: Vec<f64> = (5..=32).map(f64::from).collect();
    b.extend((34..=48).step_by(2).map(f64::from));
    b.extend((53..=133).step_by(4).map(f64::from));
    b.extend((150..=950).step_by(50).map(f64::from));
    b.push(f64::INFINITY);
    b
}

/// The nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

impl FrameStats {
    /// Statistics of `frames` against a display refreshing at `refresh_hz`.
    pub fn of(frames: &[Frame], refresh_hz: f64) -> FrameStats {
        let refresh_hz = if refresh_hz.is_finite() && refresh_hz > 0.0 { refresh_hz } else { DEFAULT_REFRESH_HZ };
        let budget = 1000.0 / refresh_hz;
        let mut times: Vec<f64> = frames.iter().map(|f| f.duration_ms).filter(|d| d.is_finite()).collect();
        times.sort_by(f64::total_cmp);
        let n = times.len();
        let mean = if n == 0 { 0.0 } else { times.iter().sum::<f64>() / n as f64 };
        let intervals: Vec<f64> = frames.windows(2).map(|w| w[1].start_ms - w[0].start_ms).collect();
        let jitter = if intervals.is_empty() {
            0.0
        } else {
            let m = intervals.iter().sum::<f64>() / intervals.len() as f64;
            (intervals.iter().map(|i| (i - m) * (i - m)).sum::<f64>() / intervals.len() as f64).sqrt()
        };
        let span = match (frames.first(), frames.iter().map(|f| f.start_ms + f.duration_ms).reduce(f64::max)) {
            (Some(first), Some(end)) if end > first.start_ms => end - first.start_ms,
            _ => 0.0,
        };
        let bounds = bucket_bounds();
        let mut counts = vec![0usize; bounds.len()];
        for t in &times {
            let i = bounds.partition_point(|b| b < t);
            counts[i.min(bounds.len() - 1)] += 1;
        }
        FrameStats {
            frames: n,
            refresh_hz,
            budget_ms: budget,
            fps: if span > 0.0 { n as f64 * 1000.0 / span } else { 0.0 },
            mean_ms: mean,
            p50_ms: percentile(&times, 50.0),
            p90_ms: percentile(&times, 90.0),
            p95_ms: percentile(&times, 95.0),
            p99_ms: percentile(&times, 99.0),
            max_ms: times.last().copied().unwrap_or(0.0),
            jitter_ms: jitter,
            janky: times.iter().filter(|t| **t > budget).count(),
            janky_2x: times.iter().filter(|t| **t > 2.0 * budget).count(),
            frozen: times.iter().filter(|t| **t > FROZEN_MS).count(),
            histogram: bounds
                .into_iter()
                .zip(counts)
                .filter(|(_, c)| *c > 0)
                .map(|(up_to_ms, frames)| HistogramBucket { up_to_ms, frames })
                .collect(),
        }
    }
}
