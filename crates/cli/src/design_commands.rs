//! `new`, `demo`, `validate` and `info`: creating, checking and describing designs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use serde::Serialize;
use trellis_geometry::{FontMeasurer, Geometry};
use trellis_model::{Document, PropKey, demo_design, generate};

use crate::report::{self, Verdict, say};

pub fn new(file: &Path, force: bool) -> anyhow::Result<Verdict> {
    if file.exists() && !force {
        bail!("{} already exists: pass --force to overwrite it", file.display());
    }
    report::save_design(&mut Document::new(), file)?;
    say!("created {} (an empty 1280x800 window)", file.display());
    Ok(Verdict::Pass)
}

/// What `info` reports about a design.
#[derive(Debug, Serialize)]
pub struct DesignInfo {
    #[serde(serialize_with = "report::optional_path_text")]
    pub file: Option<PathBuf>,
    pub format_version: u32,
    pub widgets: usize,
    pub containers: usize,
    pub max_depth: usize,
    pub by_kind: BTreeMap<&'static str, usize>,
    /// The root window's size in design pixels.
    pub window_size: [f32; 2],
    /// The laid-out extent of every visible widget: `[x, y, width, height]`
    /// (wider than the window when widgets stick out of it).
    pub bounds: [f32; 4],
    pub file_bytes: Option<u64>,
    /// Stable across machines; equal designs hash equal.
    pub content_hash: String,
    pub model_heap_bytes: usize,
}

impl DesignInfo {
    pub fn of(doc: &Document, file: Option<&Path>, format_version: u32) -> Self {
        let mut by_kind = BTreeMap::new();
        let mut max_depth = 0;
        let mut containers = 0;
        for w in doc.iter() {
            *by_kind.entry(w.kind().as_str()).or_insert(0) += 1;
            max_depth = max_depth.max(doc.depth(w.id()));
            containers += usize::from(w.kind().is_container());
        }
        let root = doc.widget(doc.root()).expect("a document has its root");
        let geometry = Geometry::new(doc, FontMeasurer::shared());
        let bounds = doc
            .iter()
            .filter(|w| !geometry.is_hidden(w.id()))
            .filter_map(|w| geometry.rect(w.id()))
            .reduce(|a, b| a.union(&b))
            .unwrap_or_default();
        Self {
            file: file.map(Path::to_owned),
            format_version,
            widgets: doc.len(),
            containers,
            max_depth,
            by_kind,
            window_size: [root.length(PropKey::Width).unwrap_or(0.0), root.length(PropKey::Height).unwrap_or(0.0)],
            bounds: [bounds.x, bounds.y, bounds.w, bounds.h],
            file_bytes: file.and_then(|f| std::fs::metadata(f).ok()).map(|m| m.len()),
            content_hash: format!("{:016x}", doc.content_hash()),
            model_heap_bytes: doc.heap_bytes(),
        }
    }

    /// The summary as rows of (what, value).
    pub fn rows(&self) -> Vec<(String, String)> {
        let mut rows = Vec::new();
        if let Some(f) = &self.file {
            rows.push(("file".to_owned(), f.display().to_string()));
        }
        rows.push(("format version".to_owned(), self.format_version.to_string()));
        rows.push(("widgets".to_owned(), format!("{} ({} containers)", self.widgets, self.containers)));
        rows.push(("deepest nesting".to_owned(), format!("{} levels below the window", self.max_depth)));
        rows.push(("window size".to_owned(), format!("{} x {}", self.window_size[0], self.window_size[1])));
        let [x, y, w, h] = self.bounds;
        rows.push(("laid-out bounds".to_owned(), format!("{w} x {h} at {x}, {y}")));
        if let Some(b) = self.file_bytes {
            rows.push(("file size".to_owned(), bytes(b as usize)));
        }
        rows.push((
            "model memory".to_owned(),
            format!(
                "{} ({} bytes per widget)",
                bytes(self.model_heap_bytes),
                self.model_heap_bytes / self.widgets.max(1)
            ),
        ));
        rows.push(("content hash".to_owned(), self.content_hash.clone()));
        rows
    }

    /// Widgets by kind, most common first.
    pub fn kind_table(&self) -> comfy_table::Table {
        let mut kinds: Vec<_> = self.by_kind.iter().collect();
        kinds.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut t = report::table(&["kind", "widgets", "share"]);
        for (kind, n) in kinds {
            t.add_row(vec![
                kind.to_string(),
                n.to_string(),
                format!("{:.1}%", 100.0 * *n as f64 / self.widgets as f64),
            ]);
        }
        t
    }
}

pub fn bytes(n: usize) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

pub fn info(file: &Path, json: Option<&Path>) -> anyhow::Result<Verdict> {
    let (doc, version) = Document::load_versioned(file).with_context(|| format!("the design {}", file.display()))?;
    let info = DesignInfo::of(&doc, Some(file), version);
    report::print_table(&report::key_values(info.rows()), json);
    report::print_table(&info.kind_table(), json);
    if let Some(path) = json {
        report::write_json(path, &info)?;
    }
    Ok(Verdict::Pass)
}

#[derive(Serialize)]
struct FileVerdict {
    #[serde(serialize_with = "report::path_text")]
    file: PathBuf,
    valid: bool,
    widgets: Option<usize>,
    format_version: Option<u32>,
    problems: Vec<String>,
}

/// The image widgets of `doc` (read from `file`) whose image is a link
/// leading out of the design's folder: the design names a path inside it,
/// so only the file system shows it (`..` and absolute paths are refused
/// as the design loads).
fn images_leaving_folder(doc: &Document, file: &Path) -> Vec<String> {
    let folder = file.parent().unwrap_or(Path::new(""));
    doc.iter()
        .filter(|w| {
            let path = w.text(PropKey::Image);
            !path.is_empty() && trellis_render::image_leaves_folder(folder, path)
        })
        .map(|w| {
            report::bounded_lines(&format!(
                "widget '{}': image path {} leads out of the design's folder through a link; keep images in the \
                 design's folder or below it",
                w.name(),
                w.text(PropKey::Image)
            ))
        })
        .collect()
}

pub fn validate(files: &[PathBuf], json: Option<&Path>) -> anyhow::Result<Verdict> {
    let quiet = json.is_some_and(|p| p.as_os_str() == "-");
    let mut verdicts = Vec::new();
    for file in files {
        let verdict = match Document::load_versioned(file) {
            Ok((doc, version)) => {
                let problems = images_leaving_folder(&doc, file);
                FileVerdict {
                    file: file.clone(),
                    valid: problems.is_empty(),
                    widgets: Some(doc.len()),
                    format_version: Some(version),
                    problems,
                }
            }
            Err(e) => FileVerdict {
                file: file.clone(),
                valid: false,
                widgets: None,
                format_version: None,
                problems: e.problems().iter().map(|p| report::bounded_lines(p)).collect(),
            },
        };
        if !quiet {
            match (verdict.valid, verdict.widgets) {
                (true, Some(n)) => say!("{}: valid ({n} widgets)", file.display()),
                _ => {
                    for p in &verdict.problems {
                        say!("{}: {}", file.display(), report::printable(p, false));
                    }
                }
            }
        }
        verdicts.push(verdict);
    }
    let invalid = verdicts.iter().filter(|v| !v.valid).count();
    if !quiet {
        say!("{} file{} checked, {invalid} invalid", files.len(), if files.len() == 1 { "" } else { "s" });
    }
    if let Some(path) = json {
        report::write_json(path, &verdicts)?;
    }
    Ok(if invalid == 0 { Verdict::Pass } else { Verdict::Fail })
}

#[derive(Serialize)]
struct DemoReport {
    design: DesignInfo,
    session: Option<DemoSession>,
    round_trip: RoundTrip,
    heap: trellis_diag::AllocSnapshot,
}

/// A short editing session on the bundled demo, through the editor.
const DEMO_SESSION: &str = "\
palette button at 700,420 steps 20
drag save_button by -60,0 steps 30
resize search_input e by 60,0 steps 10
click nav_about
key ctrl+d
drag back_button to sidebar steps 20
key ctrl+z
";

#[derive(Serialize)]
struct DemoSession {
    events: usize,
    commits: Vec<String>,
    frame_median_us: f64,
    frame_max_us: f64,
}

fn demo_session(doc: Document) -> anyhow::Result<(Document, DemoSession)> {
    let script = trellis_editor::scenario::Scenario::parse(DEMO_SESSION)?;
    let mut editor = trellis_editor::Editor::new(doc);
    let mut times = Vec::new();
    let mut commits = Vec::new();
    let mut clock = 0.0;
    let mut last = Instant::now();
    script.run(&mut editor, &mut clock, &mut |_, step| {
        times.push(last.elapsed());
        if let Some(label) = &step.committed {
            commits.push(label.clone());
        }
        last = Instant::now();
    })?;
    let frames = trellis_geometry::benchmark::Summary::of(&mut times);
    let session = DemoSession {
        events: frames.samples,
        commits,
        frame_median_us: frames.median_ns / 1e3,
        frame_max_us: frames.max_ns / 1e3,
    };
    Ok((editor.into_document(), session))
}

#[derive(Serialize)]
struct RoundTrip {
    bytes: usize,
    save_ms: f64,
    load_ms: f64,
    identical: bool,
}

pub fn demo(out: Option<&Path>, widgets: Option<usize>, seed: u64, json: Option<&Path>) -> anyhow::Result<Verdict> {
    let mut doc = match widgets {
        Some(0) => bail!("--widgets must be at least 1 (the window)"),
        Some(n) if n > trellis_model::limits::MAX_WIDGETS => {
            bail!("--widgets {n} is more than a design may hold ({})", trellis_model::limits::MAX_WIDGETS)
        }
        Some(n) => generate(n, seed),
        None => demo_design(),
    };
    if let Some(out) = out {
        report::save_design(&mut doc, out)?;
        say!("wrote {} ({} widgets)", out.display(), doc.len());
        // A generated design shows the demo's images too.
        write_demo_images(out)?;
        return Ok(Verdict::Pass);
    }
    let quiet = json.is_some_and(|p| p.as_os_str() == "-");
    if !quiet {
        match widgets {
            Some(n) => say!("Trellis headless demo: a generated design of {n} widgets (seed {seed})"),
            None => say!("Trellis headless demo: the bundled settings screen, edited through the editor core"),
        }
    }
    // The bundled demo is edited as a user would, through the editor core.
    let session = if widgets.is_none() {
        let (edited, session) = demo_session(doc)?;
        doc = edited;
        Some(session)
    } else {
        None
    };
    let dir = tempfile::tempdir().context("creating a temporary directory for the round trip")?;
    let path = dir.path().join("demo.trellis.json");
    let started = Instant::now();
    doc.save(&path)?;
    let save_ms = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let loaded = Document::load(&path)?;
    let load_ms = started.elapsed().as_secs_f64() * 1e3;
    let identical = loaded.to_json_string() == doc.to_json_string() && loaded.content_hash() == doc.content_hash();
    let design = DesignInfo::of(&doc, None, trellis_model::FORMAT_VERSION);
    let round_trip = RoundTrip { bytes: std::fs::metadata(&path)?.len() as usize, save_ms, load_ms, identical };
    let mut rows = design.rows();
    if let Some(s) = &session {
        rows.push((
            "editing session".to_owned(),
            format!(
                "{} events, {} commands ({}); frames {:.0} µs median, {:.0} µs max",
                s.events,
                s.commits.len(),
                s.commits.join(", "),
                s.frame_median_us,
                s.frame_max_us
            ),
        ));
    }
    rows.push((
        "save / load round trip".to_owned(),
        format!(
            "{} saved in {:.1} ms, loaded in {:.1} ms: {}",
            bytes(round_trip.bytes),
            save_ms,
            load_ms,
            if identical { "identical" } else { "DIFFERENT" }
        ),
    ));
    let heap = trellis_diag::CountingAllocator::snapshot();
    rows.push((
        "heap".to_owned(),
        format!(
            "{} in use, {} at the peak, {} allocations",
            bytes(heap.bytes_in_use),
            bytes(heap.peak_bytes),
            heap.allocations
        ),
    ));
    report::print_table(&report::key_values(rows), json);
    report::print_table(&design.kind_table(), json);
    if let Some(path) = json {
        report::write_json(path, &DemoReport { design, session, round_trip, heap })?;
    }
    Ok(if identical { Verdict::Pass } else { Verdict::Fail })
}

/// Writes the bundled demo's images beside a demo or a generated design
/// written to `design` (both show them), so that it opens with them. An image already there is left alone (it may
/// be the user's), with a note when it differs.
fn write_demo_images(design: &Path) -> anyhow::Result<()> {
    let folder = design.parent().filter(|f| !f.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !design.is_file() || !folder.is_dir() {
        // Written to a device or a stream: there is no folder to put images in.
        return Ok(());
    }
    for (name, bytes) in trellis_model::DEMO_IMAGES {
        let path = folder.join(name);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                report::write_output(&path, |out| out.write_all(bytes))?;
                say!("wrote {}", path.display());
            }
            Err(e) => report::note(format_args!("{} was left as it is: it could not be checked ({e})", path.display())),
            Ok(_) if !holds_exactly(&path, bytes) => report::note(format_args!(
                "{} exists and was left as it is: the design's image widgets show it",
                path.display()
            )),
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Whether `path` is a regular file (or a link to one) holding exactly
/// `bytes`. Anything else there is never read: a FIFO would block the
/// open, a device or a file of another size would be read for nothing
/// (`/dev/zero` without end).
fn holds_exactly(path: &Path, bytes: &[u8]) -> bool {
    let Ok((file, len)) = trellis_editor::journal::open_regular(path) else { return false };
    if len != bytes.len() as u64 {
        return false;
    }
    use std::io::Read;
    let mut existing = Vec::with_capacity(bytes.len());
    // One byte more than expected shows a file that grew since.
    file.take(len + 1).read_to_end(&mut existing).is_ok() && existing == bytes
}
