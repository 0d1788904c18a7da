//! The debug endpoint: a small HTTP server on loopback that answers while
//! Trellis runs. `/debug/stats` (JSON: frame statistics, heap, live objects,
//! adapter), `/debug/pprof/profile?seconds=N` (a CPU profile as pprof
//! protobuf), `/debug/trace?seconds=N` (the frames of the next N seconds as
//! a Chrome trace) and `/metrics` (Prometheus text). It listens on loopback
//! only: another address is refused unless explicitly allowed, because
//! anyone who can reach it can profile the process.

use std::collections::VecDeque;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;
use trellis_canvas::FrameRecord;
use trellis_diag::{CountingAllocator, Frame, FrameStats};

/// Frames kept for `/debug/stats` and `/debug/trace`: a minute at 60 FPS.
const KEPT_FRAMES: usize = 3600;
/// The longest profile or trace one request may ask for.
const MAX_SECONDS: u64 = 60;
/// Requests answered at once, each on a thread of its own; past them a
/// request is answered 503 at once (2,000 held trace requests made 4,000
/// threads).
pub const MAX_REQUESTS_IN_FLIGHT: usize = 8;

/// What the running command shares with the endpoint.
#[derive(Debug, Default)]
pub struct DebugState {
    pub command: String,
    pub adapter: String,
    pub backend: String,
    frames: VecDeque<(FrameRecord, usize)>,
    /// Counts of every live-object kind, as last reported.
    pub live: Vec<(String, usize)>,
}

impl DebugState {
    /// Records a frame and the heap after it (the oldest go past the limit).
    pub fn push_frame(&mut self, record: FrameRecord, heap: usize) {
        if self.frames.len() == KEPT_FRAMES {
            self.frames.pop_front();
        }
        self.frames.push_back((record, heap));
    }
}

pub type Shared = Arc<Mutex<DebugState>>;

/// The address to listen on; anything but loopback is refused unless
/// `allow_remote`.
pub fn parse_addr(text: &str, allow_remote: bool) -> anyhow::Result<SocketAddr> {
    let addr = text
        .to_socket_addrs()
        .with_context(|| format!("--debug-addr {text}: use HOST:PORT, e.g. 127.0.0.1:6060"))?
        .next()
        .with_context(|| format!("--debug-addr {text}: the name resolves to no address"))?;
    if !addr.ip().is_loopback() && !allow_remote {
        bail!(
            "--debug-addr {text}: {} is not a loopback address; the endpoint can profile the process, so it listens on 127.0.0.1 or ::1 unless --debug-allow-remote is given",
            addr.ip()
        );
    }
    Ok(addr)
}

#[derive(Serialize)]
struct Stats<'a> {
    command: &'a str,
    adapter: &'a str,
    backend: &'a str,
    uptime_s: f64,
    frames_kept: usize,
    stats: Option<FrameStats>,
    last_frame: Option<FrameRecord>,
    heap_bytes: usize,
    heap_peak_bytes: usize,
    allocations: u64,
    live_objects: std::collections::BTreeMap<&'a str, usize>,
}

/// Starts serving on `addr`; returns the address bound (port 0 picks one).
pub fn serve(addr: SocketAddr, shared: Shared) -> anyhow::Result<SocketAddr> {
    let server =
        tiny_http::Server::http(addr).map_err(|e| anyhow::anyhow!("--debug-addr {addr}: cannot listen: {e}"))?;
    let bound = server.server_addr().to_ip().context("the debug endpoint has no IP address")?;
    let started = Instant::now();
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    std::thread::Builder::new()
        .name("trellis-debug".into())
        .spawn(move || {
            use std::sync::atomic::Ordering;
            for request in server.incoming_requests() {
                if in_flight.load(Ordering::Acquire) >= MAX_REQUESTS_IN_FLIGHT {
                    let busy =
                        format!("{MAX_REQUESTS_IN_FLIGHT} requests are being answered; ask again when one is done");
                    let _ = request.respond(text(503, &busy));
                    continue;
                }
                // Each request in its own thread: a 30-second profile must
                // not hold up /metrics.
                let shared = Arc::clone(&shared);
                // The slot is given back however the request ends (a
                // panic in `answer` too), and even if no thread starts.
                let slot = InFlight::take(&in_flight);
                let _ = std::thread::Builder::new().name("trellis-debug-request".into()).spawn(move || {
                    let _slot = slot;
                    let response = answer(request.url(), &shared, started);
                    let _ = request.respond(response);
                });
            }
        })
        .context("starting the debug endpoint")?;
    Ok(bound)
}

/// One of the [`MAX_REQUESTS_IN_FLIGHT`] slots, given back when dropped.
struct InFlight(Arc<std::sync::atomic::AtomicUsize>);

impl InFlight {
    fn take(count: &Arc<std::sync::atomic::AtomicUsize>) -> Self {
        count.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        InFlight(Arc::clone(count))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

fn seconds(query: Option<&str>) -> Result<u64, String> {
    let value = query
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("seconds="))
        .map_or(Ok(5), |s| s.parse::<u64>().map_err(|_| format!("seconds={s} is not a whole number")))?;
    if (1..=MAX_SECONDS).contains(&value) {
        Ok(value)
    } else {
        Err(format!("seconds={value}: ask for 1 to {MAX_SECONDS}"))
    }
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let header = tiny_http::Header::from_bytes("Content-Type", content_type).expect("a valid header");
    tiny_http::Response::from_data(body).with_status_code(status).with_header(header)
}

fn text(status: u16, body: &str) -> Response {
    reply(status, "text/plain; charset=utf-8", body.as_bytes().to_vec())
}

fn answer(url: &str, shared: &Shared, started: Instant) -> Response {
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    };
    match path {
        "/debug/stats" => {
            let s = shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let heap = CountingAllocator::snapshot();
            let frames: Vec<Frame> = s
                .frames
                .iter()
                .map(|(r, _)| Frame { start_ms: r.start_ms, duration_ms: r.total_ns as f64 / 1e6 })
                .collect();
            let body = Stats {
                command: &s.command,
                adapter: &s.adapter,
                backend: &s.backend,
                uptime_s: started.elapsed().as_secs_f64(),
                frames_kept: frames.len(),
                stats: (!frames.is_empty()).then(|| FrameStats::of(&frames, 60.0)),
                last_frame: s.frames.back().map(|(r, _)| *r),
                heap_bytes: heap.bytes_in_use,
                heap_peak_bytes: heap.peak_bytes,
                allocations: heap.allocations,
                live_objects: s.live.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
            };
            reply(200, "application/json", serde_json::to_vec_pretty(&body).unwrap_or_default())
        }
        "/metrics" => {
            let s = shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let heap = CountingAllocator::snapshot();
            let mut out = String::new();
            let mut metric = |name: &str, help: &str, kind: &str, value: f64| {
                out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"));
            };
            metric("trellis_heap_bytes", "Heap bytes in use.", "gauge", heap.bytes_in_use as f64);
            metric("trellis_heap_peak_bytes", "Peak heap bytes in use.", "gauge", heap.peak_bytes as f64);
            metric("trellis_allocations_total", "Allocations since start.", "counter", heap.allocations as f64);
            metric(
                "trellis_uptime_seconds",
                "Seconds since the endpoint started.",
                "gauge",
                started.elapsed().as_secs_f64(),
            );
            let frames: Vec<Frame> = s
                .frames
                .iter()
                .map(|(r, _)| Frame { start_ms: r.start_ms, duration_ms: r.total_ns as f64 / 1e6 })
                .collect();
            if !frames.is_empty() {
                let st = FrameStats::of(&frames, 60.0);
                metric("trellis_fps", "Frames per second over the kept frames.", "gauge", st.fps);
                metric("trellis_janky_frames", "Kept frames over the 60 Hz budget.", "gauge", st.janky as f64);
                out.push_str("# HELP trellis_frame_seconds Frame time quantiles over the kept frames.\n# TYPE trellis_frame_seconds summary\n");
                for (q, v) in [(0.5, st.p50_ms), (0.9, st.p90_ms), (0.95, st.p95_ms), (0.99, st.p99_ms)] {
                    out.push_str(&format!("trellis_frame_seconds{{quantile=\"{q}\"}} {}\n", v / 1e3));
                }
                out.push_str(&format!("trellis_frame_seconds_count {}\n", st.frames));
            }
            out.push_str("# HELP trellis_live_objects Live objects by kind.\n# TYPE trellis_live_objects gauge\n");
            for (kind, n) in &s.live {
                out.push_str(&format!("trellis_live_objects{{kind=\"{}\"}} {n}\n", kind.replace('"', "'")));
            }
            reply(200, "text/plain; version=0.0.4", out.into_bytes())
        }
        "/debug/trace" => match seconds(query) {
            Err(e) => text(400, &e),
            Ok(n) => {
                let since_ms = {
                    let s = shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    s.frames.back().map_or(0.0, |(r, _)| r.start_ms + r.total_ns as f64 / 1e6)
                };
                std::thread::sleep(Duration::from_secs(n));
                let s = shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let (records, heap): (Vec<FrameRecord>, Vec<usize>) =
                    s.frames.iter().filter(|(r, _)| r.start_ms >= since_ms).copied().unzip();
                let trace = crate::chrome_trace::of_frames(&records, &heap);
                reply(200, "application/json", serde_json::to_vec(&trace).unwrap_or_default())
            }
        },
        "/debug/pprof/profile" => match seconds(query) {
            Err(e) => text(400, &e),
            Ok(n) => match crate::cpu_profile::CpuProfile::start() {
                Err(e) => text(409, &crate::report::error_chain(&e)),
                Ok(p) => {
                    std::thread::sleep(Duration::from_secs(n));
                    match p.protobuf() {
                        Ok((bytes, _)) => reply(200, "application/octet-stream", bytes),
                        Err(e) => text(500, &crate::report::error_chain(&e)),
                    }
                }
            },
        },
        "/" | "/debug" => text(
            200,
            "Trellis debug endpoint:\n  /debug/stats\n  /debug/pprof/profile?seconds=N\n  /debug/trace?seconds=N\n  /metrics\n",
        ),
        _ => {
            text(404, "not found: try /debug/stats, /debug/pprof/profile?seconds=N, /debug/trace?seconds=N or /metrics")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_accepted_and_other_addresses_refused_unless_allowed() {
        assert!(parse_addr("127.0.0.1:0", false).is_ok());
        assert!(parse_addr("[::1]:6060", false).is_ok());
        let e = parse_addr("0.0.0.0:6060", false).unwrap_err().to_string();
        assert!(e.contains("not a loopback address") && e.contains("--debug-allow-remote"), "{e}");
        assert!(parse_addr("0.0.0.0:6060", true).is_ok());
        assert!(parse_addr("nonsense", false).is_err());
    }

    #[test]
    fn seconds_are_bounded() {
        assert_eq!(seconds(None), Ok(5));
        assert_eq!(seconds(Some("seconds=2")), Ok(2));
        assert!(seconds(Some("seconds=0")).is_err());
        assert!(seconds(Some("seconds=9999")).is_err());
        assert!(seconds(Some("seconds=x")).is_err());
    }
}
