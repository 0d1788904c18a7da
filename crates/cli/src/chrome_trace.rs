//! Chrome trace files (the JSON "Trace Event Format"), which Perfetto and
//! chrome://tracing open: a complete event per frame with one nested event
//! per phase, and counters for FPS and heap.

use serde::Serialize;
use trellis_canvas::FrameRecord;

#[derive(Debug, Serialize)]
pub struct Trace {
    #[serde(rename = "traceEvents")]
    pub events: Vec<TraceEvent>,
    #[serde(rename = "displayTimeUnit")]
    pub display_time_unit: &'static str,
}

#[derive(Debug, Serialize)]
pub struct TraceEvent {
    pub name: String,
    pub cat: &'static str,
    pub ph: &'static str,
    /// Microseconds.
    pub ts: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dur: Option<f64>,
    pub pid: u32,
    pub tid: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<serde_json::Value>,
}

fn event(name: &str, ts: f64, dur: f64) -> TraceEvent {
    TraceEvent { name: name.to_owned(), cat: "frame", ph: "X", ts, dur: Some(dur), pid: 1, tid: 1, args: None }
}

fn counter(name: &str, ts: f64, value: f64) -> TraceEvent {
    TraceEvent {
        name: name.to_owned(),
        cat: "counter",
        ph: "C",
        ts,
        dur: None,
        pid: 1,
        tid: 1,
        args: Some(serde_json::json!({ name: value })),
    }
}

/// The trace of `records`, with `heap[i]` bytes in use after frame `i`.
pub fn of_frames(records: &[FrameRecord], heap: &[usize]) -> Trace {
    let mut events = vec![TraceEvent {
        name: "thread_name".into(),
        cat: "__metadata",
        ph: "M",
        ts: 0.0,
        dur: None,
        pid: 1,
        tid: 1,
        args: Some(serde_json::json!({ "name": "trellis frames" })),
    }];
    for (i, r) in records.iter().enumerate() {
        let start = r.start_ms * 1e3;
        let mut frame = event(&format!("frame {}", r.index), start, r.total_ns as f64 / 1e3);
        frame.args = Some(serde_json::json!({
            "redrawn_pixels": r.redrawn_pixels,
            "rebuilt": r.rebuilt,
            "gpu_ns": r.gpu_ns,
        }));
        events.push(frame);
        let mut at = start;
        for (name, ns) in r.phases() {
            // GPU time overlaps the wait on the CPU timeline: shown as an argument.
            if name == "gpu" || ns == 0 {
                continue;
            }
            let dur = ns as f64 / 1e3;
            events.push(event(name, at, dur));
            at += dur;
        }
        // FPS over the last second of frames.
        let window_start = r.start_ms - 1000.0;
        let recent = records[..=i].iter().rev().take_while(|q| q.start_ms >= window_start).count();
        let span = (r.start_ms + r.total_ns as f64 / 1e6 - records[i + 1 - recent].start_ms).max(1e-3);
        let end = start + r.total_ns as f64 / 1e3;
        events.push(counter("fps", end, recent as f64 * 1000.0 / span));
        if let Some(bytes) = heap.get(i) {
            events.push(counter("heap_bytes", end, *bytes as f64));
        }
    }
    Trace { events, display_time_unit: "ms" }
}
