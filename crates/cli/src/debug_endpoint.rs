//! The debug endpoint: a small HTTP server on loopback that answers while
//! Trellis runs. `/debug/stats` (JSON: frame statistics, heap, live objects,
//! adapter), `/debug/pprof/profile?seconds=N` (a CPU profile as pprof
//! protobuf), `/debug/trace?seconds=N` (the frames of the next N seconds as
//! a Chrome trace) and `/metrics` (Prometheus text). It listens on loopback
//! only: another address is refused unless explicitly allowed, because
//! anyone who can reach it can profile the process.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// The most bytes a request's head (its request line and headers) may
/// take; past them it is answered `431` and the connection closed. The
/// server this replaced read a header line of any length into memory.
pub const MAX_REQUEST_HEAD_BYTES: usize = 16 * 1024;
/// Headers a request may carry; past them it is answered `431`.
const MAX_HEADERS: usize = 64;
/// How long a connection may take to send its request's head, in all
/// (however it trickles in), holding one of the [`MAX_REQUESTS_IN_FLIGHT`]
/// slots; then it is answered `408` and closed.
pub const REQUEST_HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long an answer may take to be read by the client, in all.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections answered `503` at once, each on a thread of its own for at
/// most [`BUSY_TIMEOUT`]; past them a connection is closed unanswered.
pub const MAX_BUSY_ANSWERS: usize = 8;
/// How long a connection answered `503` may take, in all: to send its
/// request, read the answer and close.
const BUSY_TIMEOUT: Duration = Duration::from_secs(1);
/// How long, after an answer, what the client still sends is read and
/// dropped ([`close_after_answer`]).
const LINGER: Duration = Duration::from_secs(1);

/// Starts serving on `addr`; returns the address bound (port 0 picks one).
pub fn serve(addr: SocketAddr, shared: Shared) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).map_err(|e| anyhow::anyhow!("--debug-addr {addr}: cannot listen: {e}"))?;
    let bound = listener.local_addr().context("the debug endpoint has no address")?;
    let started = Instant::now();
    let (in_flight, busy) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    std::thread::Builder::new()
        .name("trellis-debug".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else {
                    // Out of file descriptors, say: wait rather than spin.
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                };
                // Each connection on a thread of its own, so that nothing
                // a client does (send slowly, never read) holds up the
                // loop that accepts the next; a slot is given back however
                // its thread ends (a panic in `answer` too), and even if
                // no thread starts.
                if in_flight.load(Ordering::Acquire) < MAX_REQUESTS_IN_FLIGHT {
                    let (slot, shared) = (InFlight::take(&in_flight), Arc::clone(&shared));
                    let _ = std::thread::Builder::new().name("trellis-debug-request".into()).spawn(move || {
                        let _slot = slot;
                        let deadline = Instant::now() + REQUEST_HEAD_TIMEOUT;
                        let response = match read_request_head(&mut stream, deadline) {
                            Ok(request) => answer(&request.target, &shared, started).for_method(request.head_only),
                            Err(HeadError::Answer(response)) => response,
                            Err(HeadError::Gone) => return,
                        };
                        if response.write_to(&mut stream, Instant::now() + ANSWER_TIMEOUT).is_ok() {
                            close_after_answer(&mut stream, LINGER);
                        }
                    });
                } else if busy.load(Ordering::Acquire) < MAX_BUSY_ANSWERS {
                    let slot = InFlight::take(&busy);
                    let _ = std::thread::Builder::new().name("trellis-debug-busy".into()).spawn(move || {
                        let _slot = slot;
                        let deadline = Instant::now() + BUSY_TIMEOUT;
                        let head_only = match read_request_head(&mut stream, deadline) {
                            Ok(request) => request.head_only,
                            Err(HeadError::Answer(_)) => false,
                            Err(HeadError::Gone) => return,
                        };
                        let why =
                            format!("{MAX_REQUESTS_IN_FLIGHT} requests are being answered; ask again when one is done");
                        if text(503, &why).for_method(head_only).write_to(&mut stream, deadline).is_ok() {
                            close_after_answer(&mut stream, deadline.saturating_duration_since(Instant::now()));
                        }
                    });
                }
                // Else the connection is closed unanswered: a flood.
            }
        })
        .context("starting the debug endpoint")?;
    Ok(bound)
}

/// A connection as the endpoint uses it: a stream whose reads and writes
/// can each be given a time limit (a `TcpStream`; in tests, a double).
trait Connection: Read + Write {
    fn limit_reads(&mut self, time: Duration);
    fn limit_writes(&mut self, time: Duration);
    fn end_writes(&mut self) {}
}

impl Connection for TcpStream {
    fn limit_reads(&mut self, time: Duration) {
        let _ = self.set_read_timeout(Some(time.max(Duration::from_millis(1))));
    }

    fn limit_writes(&mut self, time: Duration) {
        let _ = self.set_write_timeout(Some(time.max(Duration::from_millis(1))));
    }

    fn end_writes(&mut self) {
        let _ = self.shutdown(Shutdown::Write);
    }
}

/// Ends a connection after its answer: nothing more is sent, and what the
/// client still sends (the rest of a request too large) is read and
/// dropped for up to `time` and 1 MiB. A socket closed with input unread
/// is reset, and the reset can drop the answer before the client reads it.
fn close_after_answer(stream: &mut impl Connection, time: Duration) {
    stream.end_writes();
    let until = Instant::now() + time;
    let (mut sink, mut dropped) = ([0u8; 4096], 0);
    while dropped < (1 << 20) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        stream.limit_reads(left);
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => dropped += n,
        }
    }
}

/// A request's head, read.
#[derive(Debug, PartialEq)]
struct RequestHead {
    /// Its path and query.
    target: String,
    /// A `HEAD` request: the answer's head alone is sent.
    head_only: bool,
}

/// Why a request's head was not read.
#[derive(Debug)]
enum HeadError {
    /// It is answered so (malformed, too large, too slow, not a GET).
    Answer(Response),
    /// The client left, or the connection failed: no one to answer.
    Gone,
}

/// Reads a request's head, at most [`MAX_REQUEST_HEAD_BYTES`], by
/// `deadline` (each read is limited to the time left). Only `GET` and
/// `HEAD` are answered; a body is never read.
fn read_request_head(stream: &mut impl Connection, deadline: Instant) -> Result<RequestHead, HeadError> {
    let too_slow = || {
        HeadError::Answer(text(
            408,
            &format!("the request was not sent within {} seconds", REQUEST_HEAD_TIMEOUT.as_secs()),
        ))
    };
    let mut head = vec![0u8; MAX_REQUEST_HEAD_BYTES];
    let mut filled = 0;
    loop {
        if filled == head.len() {
            return Err(HeadError::Answer(text(
                431,
                &format!(
                    "the request's line and headers are over {MAX_REQUEST_HEAD_BYTES} bytes; send a shorter request"
                ),
            )));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(too_slow());
        }
        stream.limit_reads(left);
        filled += match stream.read(&mut head[filled..]) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => n,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return Err(too_slow());
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => 0,
            Err(_) => return Err(HeadError::Gone),
        };
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&head[..filled]) {
            Ok(httparse::Status::Partial) => {}
            Ok(httparse::Status::Complete(_)) => {
                let method = request.method.unwrap_or_default();
                if method != "GET" && method != "HEAD" {
                    let mut refused = text(405, &format!("{method} is not answered here: use GET"));
                    refused.allow = true;
                    return Err(HeadError::Answer(refused));
                }
                return Ok(RequestHead { target: request.path.unwrap_or("/").to_owned(), head_only: method == "HEAD" });
            }
            Err(httparse::Error::TooManyHeaders) => {
                return Err(HeadError::Answer(text(
                    431,
                    &format!("the request has over {MAX_HEADERS} headers; send fewer"),
                )));
            }
            Err(e) => return Err(HeadError::Answer(text(400, &format!("not an HTTP request: {e}")))),
        }
    }
}

/// One of the slots of a count ([`MAX_REQUESTS_IN_FLIGHT`],
/// [`MAX_BUSY_ANSWERS`]), given back when dropped.
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn take(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        InFlight(Arc::clone(count))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
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

/// An answer: sent whole, then the connection is closed.
#[derive(Debug)]
struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    /// For a `HEAD` request: its head alone, with the body's length.
    head_only: bool,
    /// A `405`: says which methods are answered.
    allow: bool,
}

impl Response {
    fn for_method(mut self, head_only: bool) -> Self {
        self.head_only = head_only;
        self
    }

    /// Sends the answer by `deadline` (each write limited to the time left).
    fn write_to(&self, out: &mut impl Connection, deadline: Instant) -> std::io::Result<()> {
        let reason = match self.status {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            408 => "Request Timeout",
            409 => "Conflict",
            431 => "Request Header Fields Too Large",
            503 => "Service Unavailable",
            _ => "Internal Server Error",
        };
        let mut bytes = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}Connection: close\r\n\r\n",
            self.status,
            self.content_type,
            self.body.len(),
            if self.allow { "Allow: GET, HEAD\r\n" } else { "" }
        )
        .into_bytes();
        if !self.head_only {
            bytes.extend_from_slice(&self.body);
        }
        let mut sent = 0;
        while sent < bytes.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(std::io::ErrorKind::TimedOut.into());
            }
            out.limit_writes(left);
            match out.write(&bytes[sent..]) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => sent += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        out.flush()
    }
}

fn reply(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
    Response { status, content_type, body, head_only: false, allow: false }
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

    /// A client: bytes from `data`, a few at a time (each after `pause`),
    /// then `endless` bytes of its own, or a wait past every time limit; what
    /// the endpoint sends is kept in `sent`.
    struct Client {
        data: std::io::Cursor<Vec<u8>>,
        endless: Option<u8>,
        pause: Duration,
        sent: Vec<u8>,
        limit: Duration,
    }

    impl Client {
        fn sending(text: &str) -> Self {
            Client {
                data: std::io::Cursor::new(text.as_bytes().to_vec()),
                endless: None,
                pause: Duration::ZERO,
                sent: Vec::new(),
                limit: Duration::MAX,
            }
        }
    }

    impl Read for Client {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.pause > self.limit {
                std::thread::sleep(self.limit);
                return Err(std::io::ErrorKind::WouldBlock.into());
            }
            std::thread::sleep(self.pause);
            let few = buf.len().min(7);
            let n = self.data.read(&mut buf[..few])?;
            if n == 0
                && let Some(b) = self.endless
            {
                let n = buf.len().min(1000);
                buf[..n].fill(b);
                return Ok(n);
            }
            Ok(n)
        }
    }

    impl Write for Client {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.sent.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Connection for Client {
        fn limit_reads(&mut self, time: Duration) {
            self.limit = time;
        }

        fn limit_writes(&mut self, _: Duration) {}
    }

    fn head_of(mut client: Client) -> Result<RequestHead, HeadError> {
        read_request_head(&mut client, Instant::now() + REQUEST_HEAD_TIMEOUT)
    }

    fn status_of(result: Result<RequestHead, HeadError>) -> u16 {
        match result {
            Err(HeadError::Answer(r)) => r.status,
            other => panic!("expected an answer, got {other:?}"),
        }
    }

    /// Regression: the server before read a header line of any length into
    /// memory; a client sending one without end grew the process without
    /// bound.
    #[test]
    fn a_header_line_without_end_is_answered_431_after_the_limit() {
        let mut endless = Client::sending("GET /metrics HTTP/1.1\r\nX-Long: ");
        endless.endless = Some(b'a');
        assert_eq!(status_of(head_of(endless)), 431);
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X-{i}: 1\r\n")).collect();
        assert_eq!(status_of(head_of(Client::sending(&format!("GET / HTTP/1.1\r\n{many}\r\n")))), 431);
    }

    #[test]
    fn a_get_or_head_gives_its_target_and_anything_else_is_answered_with_why() {
        let head = head_of(Client::sending("GET /debug/trace?seconds=2 HTTP/1.1\r\nHost: x\r\n\r\n")).unwrap();
        assert_eq!(head, RequestHead { target: "/debug/trace?seconds=2".into(), head_only: false });
        let head = head_of(Client::sending("HEAD /metrics HTTP/1.0\r\n\r\n")).unwrap();
        assert_eq!(head, RequestHead { target: "/metrics".into(), head_only: true });
        assert_eq!(status_of(head_of(Client::sending("POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"))), 405);
        assert_eq!(status_of(head_of(Client::sending("\u{1}\u{2} nonsense\r\n\r\n"))), 400);
        assert!(matches!(head_of(Client::sending("GET /metrics HTTP/1.1\r\nHost")), Err(HeadError::Gone)));
    }

    /// The review of the first version: each read had its own ten seconds,
    /// so a client sending a byte every nine held its slot for hours. The
    /// time limit is the whole head's.
    #[test]
    fn a_request_trickling_in_is_answered_408_at_its_deadline_not_read_on() {
        let mut trickle = Client::sending("GET /metrics HTTP/1.1\r\nX-A: 1\r\nX-B: 2\r\nX-C: 3\r\n\r\n");
        trickle.pause = Duration::from_millis(40);
        let started = Instant::now();
        let result = read_request_head(&mut trickle, started + Duration::from_millis(150));
        assert_eq!(status_of(result), 408);
        assert!(started.elapsed() < Duration::from_millis(600), "answered at its deadline: {:?}", started.elapsed());
        // A client that sends nothing is answered at the deadline too.
        let mut silent = Client::sending("");
        silent.pause = Duration::from_secs(3600);
        let started = Instant::now();
        assert_eq!(status_of(read_request_head(&mut silent, started + Duration::from_millis(100))), 408);
        assert!(started.elapsed() < Duration::from_millis(600), "{:?}", started.elapsed());
    }

    #[test]
    fn an_answer_says_its_status_length_and_that_the_connection_closes() {
        let mut client = Client::sending("");
        text(404, "not here").write_to(&mut client, Instant::now() + ANSWER_TIMEOUT).unwrap();
        let out = String::from_utf8(client.sent).unwrap();
        assert!(out.starts_with("HTTP/1.1 404 Not Found\r\n"), "{out}");
        assert!(out.contains("Content-Length: 8\r\n") && out.contains("Connection: close\r\n"), "{out}");
        assert!(out.ends_with("\r\n\r\nnot here"), "{out}");
        // A HEAD request's answer: the same head, no body.
        let mut client = Client::sending("");
        text(200, "body").for_method(true).write_to(&mut client, Instant::now() + ANSWER_TIMEOUT).unwrap();
        let out = String::from_utf8(client.sent).unwrap();
        assert!(out.contains("Content-Length: 4\r\n") && out.ends_with("\r\n\r\n"), "{out}");
        // A 405 says what is answered.
        let refused = match head_of(Client::sending("PUT / HTTP/1.1\r\n\r\n")) {
            Err(HeadError::Answer(r)) => r,
            other => panic!("{other:?}"),
        };
        let mut client = Client::sending("");
        refused.write_to(&mut client, Instant::now() + ANSWER_TIMEOUT).unwrap();
        assert!(String::from_utf8(client.sent).unwrap().contains("Allow: GET, HEAD\r\n"));
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
