//! Checking an exported page in a real browser: headless Chromium opens
//! it, reports every widget element's box once the bundled font has
//! loaded, and [`verify`] compares those boxes with Trellis's geometry.
//! It can also take a screenshot of the page.
//!
//! The browser runs as a separate process (`--headless --dump-dom`),
//! given a fresh profile, a deadline, and a bounded read of its output.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;
use trellis_geometry::Geometry;
use trellis_model::{Document, WidgetId};

/// An edge may be this far (CSS pixels) from where Trellis puts it.
pub const TOLERANCE_PX: f64 = 1.0;
/// The longest a browser run may take before it is stopped.
pub const DEADLINE: Duration = Duration::from_secs(180);
/// The most output read from the browser.
const MAX_OUTPUT_BYTES: u64 = 1 << 30;
/// The verification page, written beside `index.html` while it runs.
const VERIFY_PAGE: &str = ".trellis-verify.html";
/// Where the verification script leaves the boxes.
const BOXES_ID: &str = "trellis-boxes";

/// Why the browser could not check a page. Each message says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BrowserError {
    /// No Chromium was found.
    #[error(
        "no Chromium found (looked for {looked}); install it (Debian: apt-get install chromium) or set TRELLIS_CHROMIUM to its path"
    )]
    NotFound {
        /// The names tried.
        looked: String,
    },
    /// The browser could not be started, or failed.
    #[error("{exe}: {reason}")]
    Failed {
        /// The browser run.
        exe: PathBuf,
        /// What went wrong, with the end of its error output.
        reason: String,
    },
    /// The browser did not finish in time.
    #[error("{exe}: no answer in {seconds} s; the page may be too large for this machine")]
    Timeout {
        /// The browser run.
        exe: PathBuf,
        /// The deadline.
        seconds: u64,
    },
    /// The page's elements are not one per widget of the design.
    #[error("the page has {elements} widget elements and the design {widgets} widgets; export the design again")]
    ElementCount {
        /// Elements with `data-trellis-id`.
        elements: usize,
        /// Widgets in the design.
        widgets: usize,
    },
    /// The page was written or read wrongly.
    #[error("{path}: {reason}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// What the file system said.
        reason: String,
    },
}

/// What a verification script reports of one page.
#[derive(serde::Deserialize)]
struct Report {
    fonts: Vec<String>,
    boxes: Vec<[f64; 4]>,
}

/// A headless Chromium on this machine.
#[derive(Clone, Debug)]
pub struct Browser {
    exe: PathBuf,
}

/// The names looked for on `PATH`, in order.
const NAMES: &[&str] = &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

impl Browser {
    /// The browser `TRELLIS_CHROMIUM` names, or the first of Chromium's
    /// usual names on `PATH`.
    pub fn find() -> Result<Browser, BrowserError> {
        if let Some(exe) = std::env::var_os("TRELLIS_CHROMIUM").filter(|v| !v.is_empty()) {
            return Ok(Browser { exe: PathBuf::from(exe) });
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        for name in NAMES {
            for dir in std::env::split_paths(&path) {
                let exe = dir.join(name);
                if exe.is_file() {
                    return Ok(Browser { exe });
                }
            }
        }
        Err(BrowserError::NotFound { looked: NAMES.join(", ") })
    }

    /// For test suites: the browser [`Browser::find`] finds, or `None`
    /// after saying on standard error that the test is skipped. When
    /// `TRELLIS_REQUIRE_BROWSER=1` (CI), a missing browser panics instead,
    /// so that a skip cannot hide a failure there.
    pub fn find_or_skip() -> Option<Browser> {
        match Browser::find() {
            Ok(b) => Some(b),
            Err(e) if std::env::var("TRELLIS_REQUIRE_BROWSER").is_ok_and(|v| v == "1") => {
                panic!("TRELLIS_REQUIRE_BROWSER=1 but {e}")
            }
            Err(e) => {
                eprintln!("skipped: {e}");
                None
            }
        }
    }

    /// The browser's path.
    pub fn exe(&self) -> &Path {
        &self.exe
    }

    /// The border box (left, top, width, height, in CSS pixels) of every
    /// element with `data-trellis-id` of the page `dir/index.html`, in
    /// document order, measured after the page's fonts loaded.
    pub fn boxes(&self, dir: &Path, window: (u32, u32)) -> Result<Vec<[f64; 4]>, BrowserError> {
        let page = dir.join("index.html");
        let io = |path: &Path, e: std::io::Error| BrowserError::Io { path: path.to_owned(), reason: e.to_string() };
        let html = std::fs::read_to_string(&page).map_err(|e| io(&page, e))?;
        let script = format!(
            "<script>\ndocument.fonts.ready.then(() => {{\n  const boxes = [];\n  \
             for (const e of document.querySelectorAll('[data-trellis-id]')) {{\n    \
             const r = e.getBoundingClientRect();\n    boxes.push([r.left, r.top, r.width, r.height]);\n  }}\n  \
             const fonts = [...document.fonts].map(f => f.status);\n  \
             const out = document.createElement('pre');\n  out.id = '{BOXES_ID}';\n  \
             out.textContent = JSON.stringify({{ fonts, boxes }});\n  document.body.appendChild(out);\n}});\n</script>\n"
        );
        let Some(end) = html.rfind("</body>") else {
            return Err(BrowserError::Io { path: page, reason: "not a page Trellis exported (no </body>)".into() });
        };
        let verify = dir.join(VERIFY_PAGE);
        std::fs::write(&verify, format!("{}{script}{}", &html[..end], &html[end..])).map_err(|e| io(&verify, e))?;
        let out = self.run(&verify, window, &["--dump-dom"]);
        let _ = std::fs::remove_file(&verify);
        let report = self.report(&out?)?;
        self.fonts_loaded(report)
    }

    /// [`Browser::boxes`] of many exported pages in one browser run: each
    /// page in a frame of its window's size. For test suites, where one
    /// start of the browser per page would dominate.
    pub fn boxes_of_pages(&self, pages: &[(PathBuf, (u32, u32))]) -> Result<Vec<Vec<[f64; 4]>>, BrowserError> {
        let batch = tempfile::tempdir().map_err(|e| BrowserError::Io {
            path: std::env::temp_dir(),
            reason: format!("no temporary folder: {e}"),
        })?;
        let mut html =
            String::from("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body style=\"margin:0\">\n");
        for (dir, (w, h)) in pages {
            let page = std::path::absolute(dir.join("index.html"))
                .map_err(|e| BrowserError::Io { path: dir.clone(), reason: e.to_string() })?;
            html.push_str(&format!(
                "<iframe src=\"{}\" style=\"display:block;border:0;width:{w}px;height:{h}px\"></iframe>\n",
                file_url(&page)
            ));
        }
        html.push_str(&format!(
            "<script>\nwindow.addEventListener('load', async () => {{\n  const pages = [];\n  \
             for (const f of document.querySelectorAll('iframe')) {{\n    const d = f.contentDocument;\n    \
             await d.fonts.ready;\n    const boxes = [];\n    \
             for (const e of d.querySelectorAll('[data-trellis-id]')) {{\n      \
             const r = e.getBoundingClientRect();\n      boxes.push([r.left, r.top, r.width, r.height]);\n    }}\n    \
             pages.push({{ fonts: [...d.fonts].map(x => x.status), boxes }});\n  }}\n  \
             const out = document.createElement('pre');\n  out.id = '{BOXES_ID}';\n  \
             out.textContent = JSON.stringify(pages);\n  document.body.appendChild(out);\n}});\n</script>\n</body></html>\n"
        ));
        let page = batch.path().join("batch.html");
        std::fs::write(&page, html).map_err(|e| BrowserError::Io { path: page.clone(), reason: e.to_string() })?;
        let out = self.run(&page, (800, 600), &["--dump-dom", "--allow-file-access-from-files"])?;
        let reports: Vec<Report> = self.report(&out)?;
        reports.into_iter().map(|r| self.fonts_loaded(r)).collect()
    }

    fn report<T: serde::de::DeserializeOwned>(&self, out: &str) -> Result<T, BrowserError> {
        let open = format!("<pre id=\"{BOXES_ID}\">");
        let found = out.rfind(&open).and_then(|at| {
            let rest = &out[at + open.len()..];
            rest.find("</pre>").map(|end| &rest[..end])
        });
        let Some(json) = found else {
            return Err(self.failed("the page reported no boxes (did it load?)".into()));
        };
        serde_json::from_str(&json.replace("&amp;", "&"))
            .map_err(|e| self.failed(format!("the page's report is not readable: {e}")))
    }

    fn fonts_loaded(&self, report: Report) -> Result<Vec<[f64; 4]>, BrowserError> {
        // "unloaded": no text asked for it (a page without text).
        if let Some(bad) = report.fonts.iter().find(|s| *s != "loaded" && *s != "unloaded") {
            return Err(self.failed(format!("the bundled font did not load ({bad}); is fonts/ beside the page?")));
        }
        Ok(report.boxes)
    }

    /// A PNG of the page `dir/index.html` in a window of `size` CSS pixels.
    pub fn screenshot(&self, dir: &Path, size: (u32, u32), png: &Path) -> Result<(), BrowserError> {
        let arg = format!("--screenshot={}", png.display());
        self.run(&dir.join("index.html"), size, &[&arg, "--hide-scrollbars"]).map(|_| ())
    }

    fn failed(&self, reason: String) -> BrowserError {
        BrowserError::Failed { exe: self.exe.clone(), reason }
    }

    /// Runs the browser on a page; returns what it printed.
    fn run(&self, page: &Path, window: (u32, u32), extra: &[&str]) -> Result<String, BrowserError> {
        let profile = tempfile::tempdir().map_err(|e| BrowserError::Io {
            path: std::env::temp_dir(),
            reason: format!("no temporary profile: {e}"),
        })?;
        let page =
            std::path::absolute(page).map_err(|e| BrowserError::Io { path: page.to_owned(), reason: e.to_string() })?;
        let mut command = Command::new(&self.exe);
        if no_sandbox() {
            command.arg("--no-sandbox");
        }
        // Its own process group: on a deadline, every process it started
        // is stopped with it (and nothing keeps our pipes open).
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .args([
                "--headless",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--force-device-scale-factor=1",
                "--virtual-time-budget=30000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--window-size={},{}", window.0.max(1), window.1.max(1)))
            .args(extra)
            .arg(file_url(&page))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.failed(format!("cannot start: {e}")))?;
        let mut stdout = child.stdout.take().expect("piped");
        let mut stderr = child.stderr.take().expect("piped");
        // Read up to a bound, then drain the rest unread: a browser that
        // prints more must not block on a full pipe.
        let reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = (&mut stdout).take(MAX_OUTPUT_BYTES).read_to_end(&mut out);
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
            out
        });
        let errors = std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = (&mut stderr).take(1 << 20).read_to_end(&mut out);
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
            out
        });
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if start.elapsed() > DEADLINE => {
                    // The whole group: the renderer and GPU processes too.
                    let _ = Command::new("kill").arg("-KILL").arg(format!("-{}", child.id())).status();
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(BrowserError::Timeout { exe: self.exe.clone(), seconds: DEADLINE.as_secs() });
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(self.failed(e.to_string())),
            }
        };
        let out = reader.join().unwrap_or_default();
        let err = errors.join().unwrap_or_default();
        if !status.success() {
            let err = String::from_utf8_lossy(&err);
            let tail: Vec<&str> = err.lines().rev().take(5).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(self.failed(format!("exited with {status}: {}", tail.join(" | "))));
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

/// Whether to run Chromium without its sandbox: as root it refuses to
/// start otherwise (CI containers run as root); elsewhere only when
/// `TRELLIS_CHROMIUM_NO_SANDBOX=1` asks (a container without user
/// namespaces).
fn no_sandbox() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
        || std::env::var("TRELLIS_CHROMIUM_NO_SANDBOX").is_ok_and(|v| v == "1")
}

/// A `file://` URL for an absolute path, every byte outside the safe set
/// percent-encoded.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// One widget's box in the browser against Trellis's.
#[derive(Clone, Debug, Serialize)]
pub struct Deviation {
    /// The widget's name.
    pub widget: String,
    /// Its kind.
    pub kind: String,
    /// Trellis's box: x, y, width, height.
    pub trellis: [f64; 4],
    /// The browser's box.
    pub browser: [f64; 4],
    /// The largest distance between corresponding edges, in CSS pixels.
    pub deviation_px: f64,
}

/// What the comparison found.
#[derive(Clone, Debug, Serialize)]
pub struct Verification {
    /// The largest edge distance over every widget checked.
    pub max_deviation_px: f64,
    /// Widgets compared (every shown widget).
    pub widgets_checked: usize,
    /// Widgets with an edge more than [`TOLERANCE_PX`] off.
    pub over_tolerance: usize,
    /// Every widget over tolerance, worst first.
    pub widgets: Vec<Deviation>,
    /// The worst widget, over tolerance or not.
    pub worst: Option<Deviation>,
}

impl Verification {
    /// Whether every edge is within [`TOLERANCE_PX`].
    pub fn passed(&self) -> bool {
        self.over_tolerance == 0
    }
}

/// The widgets in the order the exporter writes their elements.
pub fn document_order(doc: &Document) -> Vec<WidgetId> {
    let mut out = Vec::with_capacity(doc.len());
    let mut stack = vec![doc.root()];
    while let Some(id) = stack.pop() {
        out.push(id);
        stack.extend(doc.children(id).iter().rev().copied());
    }
    out
}

/// Compares the browser's boxes (in document order) with the geometry.
/// Hidden widgets (and those on tab pages not shown) have no box to
/// compare.
pub fn verify(doc: &Document, geometry: &Geometry, boxes: &[[f64; 4]]) -> Result<Verification, BrowserError> {
    let order = document_order(doc);
    if order.len() != boxes.len() {
        return Err(BrowserError::ElementCount { elements: boxes.len(), widgets: order.len() });
    }
    let mut all = Vec::new();
    for (id, b) in order.iter().zip(boxes) {
        if geometry.is_hidden(*id) {
            continue;
        }
        let (Some(w), Some(r)) = (doc.widget(*id), geometry.rect(*id)) else { continue };
        let t = [f64::from(r.x), f64::from(r.y), f64::from(r.w), f64::from(r.h)];
        let edges = |v: [f64; 4]| [v[0], v[1], v[0] + v[2], v[1] + v[3]];
        let (te, be) = (edges(t), edges(*b));
        let deviation_px = te.iter().zip(be).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        all.push(Deviation {
            widget: w.name().to_owned(),
            kind: w.kind().as_str().to_owned(),
            trellis: t,
            browser: *b,
            deviation_px,
        });
    }
    all.sort_by(|a, b| b.deviation_px.total_cmp(&a.deviation_px));
    let widgets_checked = all.len();
    let worst = all.first().cloned();
    let over: Vec<Deviation> = all.into_iter().take_while(|d| d.deviation_px > TOLERANCE_PX).collect();
    Ok(Verification {
        max_deviation_px: worst.as_ref().map_or(0.0, |d| d.deviation_px),
        widgets_checked,
        over_tolerance: over.len(),
        widgets: over,
        worst,
    })
}
