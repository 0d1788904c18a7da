//! `trellis bench drag`: the end-to-end stress benchmark. A scripted
//! session (a palette drop, a long move-drag across the canvas over
//! containers, a resize, a marquee selection, undo and redo) runs through
//! the editor core and the renderer offscreen, one frame per input, each
//! frame waited for until the GPU has finished; every phase is timed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;
use trellis_canvas::{Canvas, FrameRecord};
use trellis_diag::{CountingAllocator, Frame, FrameStats};
use trellis_editor::journal::{DesignSource, JournalWriter};
use trellis_editor::scenario::{Scenario, ScenarioStep, Target};
use trellis_editor::{Action, Editor, Event, Handle, Input};
use trellis_geometry::Point;
use trellis_geometry::benchmark::Summary;
use trellis_model::limits::MAX_REPORT_BYTES;
use trellis_model::{Document, WidgetId, WidgetKind};
use trellis_render::{Renderer, Theme};

use crate::bench_commands::{Machine, progress_bar};
use crate::render_command::{check_output, forced_backend, open_renderer, parse_size};
use crate::report::{self, Verdict, say};

/// What the benchmark runs on.
#[derive(Debug)]
pub enum DesignChoice {
    Generated { widgets: usize, seed: u64 },
    Bundled,
    File(PathBuf),
}

/// Every option of `bench drag`.
#[derive(Debug)]
pub struct DragOptions<'a> {
    pub design: DesignChoice,
    pub size: &'a str,
    pub backend: Option<&'a str>,
    pub no_render: bool,
    pub frames: usize,
    pub vsync: bool,
    pub budget_ms: Option<f64>,
    pub min_fps: Option<f64>,
    pub json: Option<&'a Path>,
    pub svg: Option<&'a Path>,
    pub trace: Option<&'a Path>,
    pub compare: Option<&'a Path>,
    /// Only these parts of the session (all when `None`).
    pub parts: Option<Vec<&'static str>>,
    pub lab: &'a crate::lab::Lab,
}

/// One phase over the run.
#[derive(Debug, Serialize)]
struct PhaseFigures {
    phase: &'static str,
    median_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    /// Share of the total frame time, over the run.
    share: f64,
}

/// One part of the session (the drag, the drop, undo...).
#[derive(Debug, Serialize)]
struct PartFigures {
    part: &'static str,
    frames: usize,
    median_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    /// Heap allocations per frame, over the part's frames after its first
    /// (a gesture's first frame sets up what the rest reuse): median and
    /// most. A count, the same every run: tests gate on it.
    allocations_median: u64,
    allocations_max: u64,
    /// Heap allocations of each of the part's frames, in order.
    allocations: Vec<u64>,
    /// As `allocations_median` and `allocations_max`, of Trellis's own:
    /// the allocations made outside the renderer's calls into wgpu (see
    /// `trellis_diag::GpuLibraryCall`), which a frame recording a command
    /// buffer through wgpu 30 cannot avoid.
    own_allocations_median: u64,
    own_allocations_max: u64,
    /// Trellis's own allocations in each of the part's frames, in order.
    own_allocations: Vec<u64>,
    /// Where the part's slowest frame spent its time.
    slowest: SlowestFrame,
}

/// A part's slowest frame, phase by phase: what its max is made of, and
/// its p99 where the part has under a hundred frames (the GPU's own time
/// overlaps the wait for it).
#[derive(Debug, Serialize)]
struct SlowestFrame {
    /// The frame's number, as its record says (`records[].index`: the
    /// canvas counts the frames that set the session up too).
    index: u64,
    total_ms: f64,
    phases: Vec<PhaseTime>,
    /// The pixels the GPU renderer copied from texture to texture in it,
    /// counted once a copy (a pixel moved and then composed counts
    /// twice): the canvas moved by a copy (a pan, a nudge of everything),
    /// the frame moved with it (a nudge), and the canvas composed into
    /// the frame (its record's `copied_pixels` plus `composed_pixels`).
    /// On a software adapter copies are the CPU's work within the wait,
    /// which the GPU's timer does not see. `None` where the CPU
    /// rasteriser draws, or nothing does (`--no-render`).
    texture_copy_pixels: Option<u64>,
}

#[derive(Debug, Serialize)]
struct PhaseTime {
    phase: &'static str,
    /// `None` for the GPU's time where the adapter cannot time it.
    ms: Option<f64>,
}

/// The target for a drag frame, end to end, at 10,000 widgets on lavapipe.
const DRAG_FRAME_P99_TARGET_MS: f64 = 8.0;

/// Frame times with every phase timed, against the total alone.
#[derive(Debug, Serialize)]
struct Instrumentation {
    median_with_ms: f64,
    median_without_ms: f64,
    /// (with - without) / without; noise can make it negative.
    overhead: f64,
    /// What the timing adds by construction: clock reads per frame, what
    /// one costs here, and their share of the median frame.
    clock_reads_per_frame: u32,
    clock_read_ns: f64,
    estimated_overhead: f64,
}

/// Clock reads an instrumented frame adds over an uninstrumented one (the
/// canvas's three phase boundaries, the heap sample).
const CLOCK_READS_PER_FRAME: u32 = 4;

/// The median cost of reading the monotonic clock, in nanoseconds.
fn clock_read_ns() -> f64 {
    let mut samples: Vec<u64> = (0..2001)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..100 {
                std::hint::black_box(Instant::now());
            }
            t.elapsed().as_nanos() as u64
        })
        .collect();
    samples.sort_unstable();
    samples[samples.len() / 2] as f64 / 100.0
}

/// What recording the session's commits in its journal cost: the design's
/// content hash and the record handed to the writer thread.
#[derive(Debug, Serialize)]
struct JournalCommits {
    commits: usize,
    median_us: f64,
    max_us: f64,
    /// Their time over the whole session's frame time.
    share_of_frames: f64,
    /// One hash of the whole file text, what each commit cost before
    /// journal version 3.
    full_text_hash_us: f64,
}

#[derive(Debug, Serialize)]
struct DragReport {
    machine: Machine,
    design: String,
    /// What laid text out (`TextMeasurer::id`): the real measurer.
    text_measurer: String,
    widgets: usize,
    width: u32,
    height: u32,
    backend: String,
    adapter: String,
    accelerated: bool,
    reason: String,
    vsync: bool,
    stats: FrameStats,
    phases: Vec<PhaseFigures>,
    parts: Vec<PartFigures>,
    instrumentation: Instrumentation,
    /// Heap bytes in use at the end, and the peak during the run (the
    /// journal's closing write included).
    heap_bytes: usize,
    heap_peak_bytes: usize,
    /// Heap bytes in use once the design was loaded, laid out, drawn and
    /// its journal started (before the first measured frame), and the peak
    /// over the measured frames alone.
    heap_after_load_bytes: usize,
    heap_frames_peak_bytes: usize,
    /// The process's memory in RAM at the end of the measured frames, and
    /// its part in transparent huge pages (Linux only).
    resident: Option<trellis_diag::ResidentMemory>,
    allocations_per_frame: f64,
    commits: usize,
    journal_commits: JournalCommits,
    records: Vec<FrameRecord>,
}

pub(crate) fn load(choice: &DesignChoice) -> anyhow::Result<(Document, String)> {
    Ok(match choice {
        DesignChoice::Generated { widgets, seed } => {
            if *widgets == 0 || *widgets > trellis_model::limits::MAX_WIDGETS {
                bail!("--widgets {widgets}: must be from 1 to {}", trellis_model::limits::MAX_WIDGETS);
            }
            (trellis_model::generate(*widgets, *seed), format!("generated, {widgets} widgets, seed {seed}"))
        }
        DesignChoice::Bundled => (trellis_model::demo_design(), "the bundled demo".to_owned()),
        DesignChoice::File(path) => {
            (Document::load(path).with_context(|| format!("--design {}", path.display()))?, path.display().to_string())
        }
    })
}

/// The widget the drag moves: not the root, not locked, at most a
/// sixteenth of the design (a card, a control, not a whole panel), nearest
/// the middle, among the top three levels.
fn subject(editor: &Editor) -> Option<(WidgetId, String)> {
    let doc = editor.doc();
    let g = editor.geometry();
    let bounds = g.bounds();
    let centre = Point::new(bounds.x + bounds.w / 2.0, bounds.y + bounds.h / 2.0);
    let mut candidates: Vec<WidgetId> = doc.children(doc.root()).to_vec();
    for _ in 0..2 {
        let deeper: Vec<WidgetId> = candidates.iter().flat_map(|c| doc.children(*c).to_vec()).collect();
        candidates.extend(deeper);
    }
    candidates.sort_unstable();
    candidates.dedup();
    candidates
        .into_iter()
        .filter(|id| !g.is_locked(*id) && !g.is_hidden(*id))
        .filter_map(|id| g.rect(id).map(|r| (id, r)))
        .filter(|(_, r)| r.w * r.h <= bounds.w * bounds.h / 16.0)
        .min_by(|(_, a), (_, b)| {
            let d = |r: &trellis_model::Rect| {
                let (dx, dy) = (r.x + r.w / 2.0 - centre.x, r.y + r.h / 2.0 - centre.y);
                dx * dx + dy * dy
            };
            d(a).total_cmp(&d(b))
        })
        .and_then(|(id, _)| doc.widget(id).map(|w| (id, w.name().to_owned())))
}

/// The session's input events, made against a scratch editor's live
/// layout (the canvas replays them exactly: the editor is deterministic).
/// The events that set the view up (unmeasured), then the session's.
pub(crate) struct Session {
    setup: Vec<Event>,
    pub(crate) events: Vec<Event>,
    /// Which part of the session each event belongs to.
    pub(crate) labels: Vec<&'static str>,
    /// The name of the widget dragged and resized.
    subject: String,
}

/// The parts of the session, in the order they run.
pub(crate) const PARTS: [&str; 13] = [
    "palette drop",
    "drag",
    "resize",
    "marquee",
    "undo",
    "redo",
    "click",
    "pan",
    "zoom",
    "select-all-move",
    "set-property-1000",
    "paste-1000",
    "delete-1000",
];

/// How many widgets the bulk parts edit, at least (whole top-level
/// widgets, first in paint order, until they hold this many).
const BULK_WIDGETS: usize = 1000;

/// The bulk parts: select everything and nudge it; set a property on, copy
/// and paste, and delete about [`BULK_WIDGETS`] widgets.
fn bulk_parts(doc: &Document) -> Vec<(&'static str, Vec<ScenarioStep>)> {
    use trellis_editor::{Key, Modifiers, SelectMode};
    let name = |id: WidgetId| doc.widget(id).map(|w| w.name().to_owned()).unwrap_or_default();
    let (mut roots, mut all) = (Vec::new(), Vec::new());
    let mut widgets = 0;
    for &top in doc.children(doc.root()) {
        if widgets >= BULK_WIDGETS {
            break;
        }
        roots.push(name(top));
        for id in doc.descendants(top) {
            widgets += 1;
            if doc.widget(id).is_some_and(|w| w.kind().has(trellis_model::PropKey::Opacity)) {
                all.push(name(id));
            }
        }
    }
    let select = || ScenarioStep::Panel(Input::Select { names: roots.clone(), mode: SelectMode::Replace });
    let nudge = ScenarioStep::Key { key: Key::Right, modifiers: Modifiers { shift: true, ..Modifiers::NONE } };
    let mut select_all_move = vec![ScenarioStep::Action(Action::SelectAll)];
    select_all_move.extend(std::iter::repeat_n(nudge, 10));
    vec![
        ("select-all-move", select_all_move),
        (
            "set-property-1000",
            vec![ScenarioStep::Panel(Input::SetProperty {
                names: all,
                key: "opacity".into(),
                value: serde_json::json!(0.8),
            })],
        ),
        ("paste-1000", vec![select(), ScenarioStep::Action(Action::Copy), ScenarioStep::Action(Action::Paste)]),
        ("delete-1000", vec![select(), ScenarioStep::Action(Action::Delete)]),
    ]
}

/// The parts `--parts` names (comma-separated), checked against [`PARTS`].
pub(crate) fn parse_parts(text: &str) -> anyhow::Result<Vec<&'static str>> {
    let mut chosen = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let Some(part) = PARTS.iter().find(|p| p.eq_ignore_ascii_case(name) || p.replace(' ', "-") == name) else {
            anyhow::bail!("--parts {text}: there is no part '{name}'; the parts are {}", PARTS.join(", "));
        };
        if chosen.contains(part) {
            anyhow::bail!("--parts {text}: '{name}' is named twice; name each part once");
        }
        chosen.push(*part);
    }
    if chosen.is_empty() {
        anyhow::bail!("--parts {text}: name at least one part, among {}", PARTS.join(", "));
    }
    Ok(chosen)
}

/// Where the marquee starts: on empty canvas (the window's background or
/// none), since pressed on a widget the same gesture moves it (from 5 % into
/// the design, as it started before, it did in every design measured).
/// Half the fit's margin up and left of the design's corner where that is
/// empty and in view; else the empty point of the view nearest it, looked
/// for every 8 pixels (a widget may reach past the window's corner).
fn marquee_start(editor: &Editor) -> Option<Point> {
    let (view, geometry, root) = (editor.viewport(), editor.geometry(), editor.doc().root());
    let b = geometry.bounds();
    let corner = view.to_screen(Point::new(b.x, b.y));
    let (w, h) = (view.width.max(1.0), view.height.max(1.0));
    let wanted = ((corner.x - 16.0).clamp(0.0, w - 1.0), (corner.y - 16.0).clamp(0.0, h - 1.0));
    let empty = |(x, y): (f32, f32)| geometry.hit_test(view.to_design(x, y)).is_none_or(|id| id == root);
    if empty(wanted) {
        return Some(view.to_design(wanted.0, wanted.1));
    }
    let (cols, rows) = ((w / 8.0) as u32, (h / 8.0) as u32);
    (0..rows)
        .flat_map(|r| (0..cols).map(move |c| (4.0 + 8.0 * c as f32, 4.0 + 8.0 * r as f32)))
        .filter(|&p| empty(p))
        .min_by(|a, b| {
            let d = |p: &(f32, f32)| (p.0 - wanted.0).hypot(p.1 - wanted.1);
            d(a).total_cmp(&d(b))
        })
        .map(|(x, y)| view.to_design(x, y))
}

pub(crate) fn session_events(
    design: &str,
    width: f32,
    height: f32,
    frames: usize,
    only: Option<&[&'static str]>,
) -> anyhow::Result<(Session, usize)> {
    let mut scratch = Editor::new(Document::from_json_bytes(design.as_bytes())?);
    let mut events = vec![Event { t: 0.0, input: Input::Viewport { width, height, scale: 1.0 } }];
    scratch.handle(&events[0]);
    let fit = Event { t: 1.0, input: Input::Action(Action::ZoomToFit) };
    scratch.handle(&fit);
    events.push(fit);
    let (_, name) = subject(&scratch).context("the design has no widget the drag could move")?;
    let subject_name = name.clone();
    let b = scratch.geometry().bounds();
    let at = |fx: f32, fy: f32| Point::new(b.x + b.w * fx, b.y + b.h * fy);
    let marquee_start = match only {
        Some(only) if !only.contains(&"marquee") => at(0.0, 0.0),
        _ => marquee_start(&scratch).context(
            "the design leaves no empty canvas in view to start the marquee from; leave it out with --parts",
        )?,
    };
    let steps = vec![
        ScenarioStep::Palette { kind: WidgetKind::Button, at: at(0.3, 0.3), steps: 10 },
        ScenarioStep::DragBy {
            name: name.clone(),
            dx: b.w / 3.0,
            dy: b.h / 4.0,
            steps: frames,
            alt: false,
            nosnap: false,
        },
        ScenarioStep::Resize {
            name,
            handle: Handle::BottomRight,
            dx: 40.0,
            dy: 30.0,
            steps: 10,
            shift: false,
            alt: false,
        },
        ScenarioStep::Marquee { from: marquee_start, to: at(0.3, 0.3), touching: true, shift: false },
        ScenarioStep::Action(Action::Undo),
        ScenarioStep::Action(Action::Redo),
        ScenarioStep::Click { at: Target::At(at(0.999, 0.999)), shift: false },
    ];
    let centre = at(0.5, 0.5);
    // 60 wheel steps of 6 by 4 pixels (a brisk trackpad pan), out and back.
    let pan: Vec<ScenarioStep> = (0..60)
        .map(|i| {
            let sign = if i < 30 { -1.0 } else { 1.0 };
            ScenarioStep::Wheel { at: centre, dx: 6.0 * sign, dy: 4.0 * sign, ctrl: false }
        })
        .collect();
    // 30 notches of the wheel with ctrl (10% each) around the centre: in, then out.
    let notch = 1.1f32.ln() / 0.002;
    let zoom: Vec<ScenarioStep> = (0..30)
        .map(|i| ScenarioStep::Wheel { at: centre, dx: 0.0, dy: if i < 15 { notch } else { -notch }, ctrl: true })
        .collect();
    let mut parts: Vec<(&'static str, Vec<ScenarioStep>)> =
        PARTS[..7].iter().copied().zip(steps.into_iter().map(|s| vec![s])).collect();
    parts.push(("pan", pan));
    parts.push(("zoom", zoom));
    parts.extend(bulk_parts(scratch.doc()));
    if let Some(only) = only {
        parts.retain(|(name, _)| only.contains(name));
    }
    let mut clock = 2.0;
    let mut commits = 0;
    // The first two events set the view up; they are not measured.
    let setup = events.len();
    let mut labels = Vec::new();
    for (name, steps) in parts {
        let before = events.len();
        Scenario { steps }.run(&mut scratch, &mut clock, &mut |e, s| {
            events.push(e.clone());
            commits += usize::from(s.committed.is_some());
        })?;
        labels.extend(std::iter::repeat_n(name, events.len() - before));
    }
    let session = events.split_off(setup);
    Ok((Session { setup: events, events: session, labels, subject: subject_name }, commits))
}

/// Runs the events through a canvas; returns the records and the renderer.
/// What one pass through the session gave.
struct Pass {
    records: Vec<FrameRecord>,
    /// The part of the session each record belongs to.
    labels: Vec<&'static str>,
    renderer: Option<Renderer>,
    commits: usize,
    /// What each commit cost to journal, in nanoseconds.
    commit_ns: Vec<u64>,
}

/// The most frames drawn with no input at the end of a part, bringing the
/// canvas up to date; each is bounded by the renderer's budget.
const MAX_SETTLING_FRAMES: usize = 600;

/// Runs the events through a canvas whose editor keeps a journal in
/// `journal`, as the app's sessions do.
#[allow(clippy::too_many_arguments)]
fn run_pass(
    design: &str,
    renderer: Option<Renderer>,
    session: &Session,
    journal: &Path,
    instrumented: bool,
    vsync: bool,
    bar: Option<&indicatif::ProgressBar>,
    lab: &crate::lab::Lab,
    ready: impl FnOnce(),
    mut heap: impl FnMut(&FrameRecord),
) -> anyhow::Result<Pass> {
    let mut canvas = Canvas::new(Editor::new(Document::from_json_bytes(design.as_bytes())?), renderer, Theme::LIGHT);
    let mut last = None;
    for e in &session.setup {
        last = Some(canvas.frame(e)?.0);
    }
    // The view the setup zoomed to, drawn exactly before the session starts.
    let mut settling = 0;
    while let Some(step) = last.as_ref().filter(|_| canvas.has_pending_redraw() && settling < MAX_SETTLING_FRAMES) {
        canvas.draw(step, 0.0, true)?;
        settling += 1;
    }
    let editor = canvas.editor_mut();
    let writer = JournalWriter::create(
        journal,
        DesignSource::Embedded { json: design.to_owned() },
        *editor.viewport(),
        editor.settings().clone(),
        editor.measurer_id(),
    )
    .with_context(|| format!("creating the benchmark's journal {}", journal.display()))?;
    // The header (the whole design) is written before the frames start,
    // so that neither its writing nor its memory falls on them.
    writer.flush();
    editor.set_journal(writer);
    ready();
    let mut commit_ns = Vec::new();
    canvas.instrumented = instrumented;
    let events = &session.events;
    let mut records = Vec::with_capacity(events.len());
    let mut commits = 0;
    let tick = Duration::from_secs_f64(1.0 / 60.0);
    let started = Instant::now();
    let mut labels = Vec::with_capacity(events.len());
    let mut shown = |mut record: FrameRecord, canvas: &Canvas| {
        if vsync {
            // Present at the next 60 Hz tick, as a swap chain with vsync would.
            let since = started.elapsed();
            let next = tick * (since.as_nanos() / tick.as_nanos() + 1) as u32;
            let wait = next.saturating_sub(since);
            std::thread::sleep(wait);
            record.wait_ns += wait.as_nanos() as u64;
            record.total_ns += wait.as_nanos() as u64;
        }
        heap(&record);
        // The counts first: a request that sees a frame sees them too.
        if lab.is_serving() {
            lab.live(&crate::lab::live_objects(canvas.editor(), canvas.renderer()));
        }
        lab.frame(&record);
        records.push(record);
    };
    for (i, e) in events.iter().enumerate() {
        let (step, record) = canvas.frame(e)?;
        if step.committed.is_some() {
            commits += 1;
            commit_ns.push(canvas.editor().last_commit_ns());
        }
        shown(record, &canvas);
        let label = session.labels[i];
        labels.push(label);
        // At the end of a part, the frames the app would go on drawing
        // with no input (a zoomed canvas drawn exactly, tile by tile)
        // count in that part.
        if session.labels.get(i + 1) != Some(&label) {
            let mut settling = 0;
            while canvas.has_pending_redraw() && settling < MAX_SETTLING_FRAMES {
                let record = canvas.draw(&step, (e.t / 1000.0) as f32, true)?;
                shown(record, &canvas);
                labels.push(label);
                settling += 1;
            }
        }
        canvas.recycle(step);
        if let Some(b) = bar {
            b.inc(1);
        }
    }
    if let Some(writer) = canvas.editor_mut().take_journal() {
        writer.finish(canvas.editor().doc()).context("finishing the benchmark's journal")?;
    }
    let (_, renderer) = canvas.into_parts();
    Ok(Pass { records, labels, renderer, commits, commit_ns })
}

fn summary_ms(mut v: Vec<u64>) -> (f64, f64, f64, f64) {
    let mut d: Vec<Duration> = v.drain(..).map(Duration::from_nanos).collect();
    let s = Summary::of(&mut d);
    let p95 = if d.is_empty() { 0.0 } else { d[((d.len() - 1) as f64 * 0.95).round() as usize].as_secs_f64() * 1e3 };
    (s.median_ns / 1e6, p95, s.p99_ns / 1e6, s.max_ns / 1e6)
}

pub fn drag(o: &DragOptions<'_>) -> anyhow::Result<Verdict> {
    if !(2..=100_000).contains(&o.frames) {
        bail!("--frames {}: use from 2 to 100000 drag steps", o.frames);
    }
    let (width, height) = parse_size(o.size)?;
    // Read before the run, so that a bad file fails at once, not after it.
    let earlier = o.compare.map(read_report).transpose()?;
    let (doc, design) = load(&o.design)?;
    let widgets = doc.len();
    // Each pass starts from the same design, loaded afresh from its text.
    let text = doc.to_json_string();
    drop(doc);
    let (renderer, probe) = if o.no_render {
        (None, None)
    } else {
        let (r, p) = open_renderer(forced_backend(o.backend)?)?;
        check_output(width, height, &format!("--size {}", o.size), &r)?;
        (Some(r), Some(p))
    };
    // Images load relative to the design's folder; the bundled demo's and a
    // generated design's come from a temporary one holding what ships.
    let demo_images = match o.design {
        DesignChoice::Bundled | DesignChoice::Generated { .. } if renderer.is_some() => Some(bundled_demo_folder()?),
        _ => None,
    };
    let mut renderer = renderer;
    if let Some(r) = renderer.as_mut() {
        match (&o.design, &demo_images) {
            (DesignChoice::File(path), _) => r.set_base_dir(path.parent().map(Path::to_owned).unwrap_or_default()),
            (_, Some(folder)) => r.set_base_dir(folder.path().to_owned()),
            _ => {}
        }
    }
    // Only the GPU renderer copies from texture to texture.
    let on_gpu = matches!(renderer, Some(Renderer::Gpu(_)));
    let (backend, adapter) = match &renderer {
        Some(r) => (r.backend().to_string(), r.adapter_name()),
        None => ("none".to_owned(), "none (--no-render: the editor core alone)".to_owned()),
    };
    o.lab.set_renderer(&adapter, &backend);
    let (session, expected_commits) = session_events(&text, width as f32, height as f32, o.frames, o.parts.as_deref())?;
    let quiet = o.json.is_some_and(|p| p.as_os_str() == "-");
    let bar = progress_bar(session.events.len() as u64 * 5);
    bar.set_message(format!("{widgets} widgets on {backend}"));
    if quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }

    // A warm-up pass (pipelines, glyphs, caches), then passes with every
    // phase timed and passes timing only the total, alternated so that the
    // machine's noise falls on both; the faster pass of each kind gives
    // what the instrumentation costs.
    // Every pass keeps a journal, as the app's sessions do, so that the
    // figures include what journaling costs.
    let journals = tempfile::tempdir().context("creating a temporary folder for the benchmark's journals")?;
    let journal = |n: usize| journals.path().join(format!("pass-{n}.journal"));
    let warm = run_pass(&text, renderer, &session, &journal(0), false, false, Some(&bar), o.lab, || {}, |_| {})?;
    let mut before = CountingAllocator::snapshot();
    let mut heap_series = Vec::with_capacity(session.events.len());
    let mut allocation_series = Vec::with_capacity(session.events.len());
    let mut own_series = Vec::with_capacity(session.events.len());
    let mut frames_peak = 0;
    let ready = || {
        CountingAllocator::reset_peak();
        before = CountingAllocator::snapshot();
    };
    let measured =
        run_pass(&text, warm.renderer, &session, &journal(1), true, o.vsync, Some(&bar), o.lab, ready, |_| {
            let now = CountingAllocator::snapshot();
            heap_series.push(now.bytes_in_use);
            allocation_series.push(now.allocations);
            own_series.push(now.allocations - now.gpu_library_allocations);
            frames_peak = now.peak_bytes;
        })?;
    // Allocations made by each frame: each count less the one before it.
    let frame_allocations: Vec<u64> = std::iter::once(before.allocations)
        .chain(allocation_series.iter().copied())
        .collect::<Vec<u64>>()
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    let frame_own_allocations: Vec<u64> = std::iter::once(before.allocations - before.gpu_library_allocations)
        .chain(own_series.iter().copied())
        .collect::<Vec<u64>>()
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    let after = CountingAllocator::snapshot();
    let resident = trellis_diag::resident_memory();
    let (records, commits, commit_ns) = (measured.records, measured.commits, measured.commit_ns);
    let labels = measured.labels;
    let median = |r: &[FrameRecord]| summary_ms(r.iter().map(|r| r.total_ns).collect()).0;
    let bare =
        run_pass(&text, measured.renderer, &session, &journal(2), false, o.vsync, Some(&bar), o.lab, || {}, |_| {})?;
    let again = run_pass(&text, bare.renderer, &session, &journal(3), true, o.vsync, Some(&bar), o.lab, || {}, |_| {})?;
    let bare_again =
        run_pass(&text, again.renderer, &session, &journal(4), false, o.vsync, Some(&bar), o.lab, || {}, |_| {})?;
    bar.finish_and_clear();
    crate::render_command::check_drawn(bare_again.renderer.as_ref())?;
    let (bare, again, bare_again) = (bare.records, again.records, bare_again.records);
    let journal_commits = {
        let (median_ms, _, _, max_ms) = summary_ms(commit_ns.clone());
        // What a commit cost when journals hashed the whole file text
        // (version 2), timed here for the ratio.
        let doc = Document::from_json_bytes(text.as_bytes())?;
        let started = Instant::now();
        std::hint::black_box(doc.full_text_hash());
        let full_text_hash_us = started.elapsed().as_secs_f64() * 1e6;
        JournalCommits {
            full_text_hash_us,
            commits: commit_ns.len(),
            median_us: median_ms * 1e3,
            max_us: max_ms * 1e3,
            share_of_frames: commit_ns.iter().sum::<u64>() as f64
                / records.iter().map(|r| r.total_ns).sum::<u64>().max(1) as f64,
        }
    };
    let with = median(&records).min(median(&again));
    let without = median(&bare).min(median(&bare_again));

    let frames: Vec<Frame> =
        records.iter().map(|r| Frame { start_ms: r.start_ms, duration_ms: r.total_ns as f64 / 1e6 }).collect();
    let stats = FrameStats::of(&frames, 60.0);
    let total: u64 = records.iter().map(|r| r.total_ns).sum::<u64>().max(1);
    let phase_names = records.first().map(|r| r.phases().map(|(n, _)| n)).unwrap_or_default();
    let mut phases = Vec::new();
    for (i, name) in phase_names.iter().enumerate() {
        let values: Vec<u64> = records.iter().map(|r| r.phases()[i].1).collect();
        let sum: u64 = values.iter().sum();
        let (median_ms, p95_ms, p99_ms, max_ms) = summary_ms(values);
        phases.push(PhaseFigures { phase: name, median_ms, p95_ms, p99_ms, max_ms, share: sum as f64 / total as f64 });
    }
    let mut parts: Vec<PartFigures> = Vec::new();
    for label in labels.iter().copied() {
        if parts.iter().any(|p| p.part == label) {
            continue;
        }
        let own: Vec<&FrameRecord> =
            records.iter().zip(&labels).filter(|(_, l)| **l == label).map(|(r, _)| r).collect();
        let times: Vec<u64> = own.iter().map(|r| r.total_ns).collect();
        let (median_ms, _, p99_ms, max_ms) = summary_ms(times.clone());
        let slowest = own.iter().max_by_key(|r| r.total_ns).map_or(
            SlowestFrame { index: 0, total_ms: 0.0, phases: Vec::new(), texture_copy_pixels: None },
            |r| SlowestFrame {
                index: r.index,
                total_ms: r.total_ns as f64 / 1e6,
                phases: r
                    .phases()
                    .into_iter()
                    .map(|(phase, ns)| PhaseTime {
                        phase,
                        ms: (phase != "gpu" || r.gpu_ns.is_some()).then_some(ns as f64 / 1e6),
                    })
                    .collect(),
                texture_copy_pixels: on_gpu.then_some(r.copied_pixels + r.composed_pixels),
            },
        );
        let of_part = |series: &[u64]| -> (Vec<u64>, u64, u64) {
            let each: Vec<u64> = series.iter().zip(&labels).filter(|(_, l)| **l == label).map(|(a, _)| *a).collect();
            let mut after_first: Vec<u64> = each.iter().skip(1).copied().collect();
            after_first.sort_unstable();
            let median = after_first.get(after_first.len() / 2).copied().unwrap_or(0);
            let most = after_first.last().copied().unwrap_or(0);
            (each, median, most)
        };
        let (each, allocations_median, allocations_max) = of_part(&frame_allocations);
        let (own_allocations, own_allocations_median, own_allocations_max) = of_part(&frame_own_allocations);
        parts.push(PartFigures {
            part: label,
            frames: times.len(),
            median_ms,
            p99_ms,
            max_ms,
            allocations_median,
            allocations_max,
            allocations: each,
            own_allocations_median,
            own_allocations_max,
            own_allocations,
            slowest,
        });
    }
    let clock = clock_read_ns();
    let instrumentation = Instrumentation {
        median_with_ms: with,
        median_without_ms: without,
        overhead: (with - without) / without.max(1e-9),
        clock_reads_per_frame: CLOCK_READS_PER_FRAME,
        clock_read_ns: clock,
        estimated_overhead: CLOCK_READS_PER_FRAME as f64 * clock / (with * 1e6).max(1.0),
    };
    let machine = Machine::here();

    if !quiet {
        say!("Drag benchmark, end to end: {design}, {width}x{height}, whole design in view, on {}", machine.describe());
        say!(
            "{} frames: a palette drop, a {}-step drag of '{}' across the canvas, its resize, a marquee, undo and redo; drawn by {adapter} ({backend}){}; each frame waited for until finished{}.",
            records.len(),
            o.frames,
            session.subject,
            if probe.as_ref().is_some_and(|p| !p.accelerated) { ", GPU acceleration not active" } else { "" },
            if o.vsync { ", presented at 60 Hz" } else { "" }
        );
        say!(
            "Text laid out as drawn, by the real measurer ({}).",
            trellis_geometry::TextMeasurer::id(&*trellis_geometry::FontMeasurer::shared())
        );
    }
    let mut t = report::table(&[
        "frames",
        "FPS",
        "p50",
        "p90",
        "p95",
        "p99",
        "max",
        "jitter",
        "janky (>16.7 ms)",
        "janky (>33.3 ms)",
    ]);
    t.add_row(vec![
        stats.frames.to_string(),
        format!("{:.0}", stats.fps),
        format!("{:.2} ms", stats.p50_ms),
        format!("{:.2} ms", stats.p90_ms),
        format!("{:.2} ms", stats.p95_ms),
        format!("{:.2} ms", stats.p99_ms),
        format!("{:.2} ms", stats.max_ms),
        format!("{:.2} ms", stats.jitter_ms),
        stats.janky.to_string(),
        stats.janky_2x.to_string(),
    ]);
    report::print_table(&t, o.json);
    let mut t = report::table(&["phase", "median", "p95", "p99", "max", "share of frame time"]);
    for p in &phases {
        t.add_row(vec![
            p.phase.to_owned(),
            format!("{:.3} ms", p.median_ms),
            format!("{:.3} ms", p.p95_ms),
            format!("{:.3} ms", p.p99_ms),
            format!("{:.3} ms", p.max_ms),
            format!("{:.1}%", p.share * 100.0),
        ]);
    }
    report::print_table(&t, o.json);
    let mut t = report::table(&[
        "part of the session",
        "frames",
        "median",
        "p99",
        "max",
        "allocations per frame (median / most, after the first)",
        "of them Trellis's own (outside wgpu)",
    ]);
    for p in &parts {
        t.add_row(vec![
            p.part.to_owned(),
            p.frames.to_string(),
            format!("{:.2} ms", p.median_ms),
            format!("{:.2} ms", p.p99_ms),
            format!("{:.2} ms", p.max_ms),
            format!("{} / {}", p.allocations_median, p.allocations_max),
            format!("{} / {}", p.own_allocations_median, p.own_allocations_max),
        ]);
    }
    report::print_table(&t, o.json);
    // Where each part's slowest frame went: what to work on to bring its
    // p99 down.
    if !quiet {
        say!(
            "Each part's slowest frame, phase by phase (the GPU's own time is within the wait), and the pixels it copied from texture to texture (on a software adapter, some of the work within the wait that the GPU's timer does not see):"
        );
    }
    let mut header = vec!["part", "slowest frame", "total"];
    header.extend(phase_names.iter().copied());
    header.push("copied (M px)");
    let mut t = report::table(&header);
    if let Some(names) = t.column_mut(0) {
        // The part's name whole; the phases' headers wrap instead.
        names.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
    }
    for p in &parts {
        let mut row = vec![p.part.to_owned(), p.slowest.index.to_string(), format!("{:.2} ms", p.slowest.total_ms)];
        row.extend(p.slowest.phases.iter().map(|ph| ph.ms.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.2} ms"))));
        row.push(p.slowest.texture_copy_pixels.map_or_else(|| "-".to_owned(), |px| format!("{:.2}", px as f64 / 1e6)));
        t.add_row(row);
    }
    report::print_table(&t, o.json);
    if !quiet {
        if let Some(d) = parts.iter().find(|p| p.part == "drag") {
            if o.no_render {
                say!("Drag frames: p99 {:.3} ms (the editor core alone).", d.p99_ms);
            } else {
                say!(
                    "Drag frames: p99 {:.2} ms; the target is {DRAG_FRAME_P99_TARGET_MS} ms at 10,000 widgets, 1280x800, on lavapipe.",
                    d.p99_ms
                );
            }
        }
        say!(
            "Instrumentation: frame median {:.3} ms with every phase timed, {:.3} ms with the total alone ({:+.1}%; the faster of two passes each, so noise shows). By construction it adds {} clock reads of {:.0} ns a frame: {:.3}% of the median frame.",
            instrumentation.median_with_ms,
            instrumentation.median_without_ms,
            instrumentation.overhead * 100.0,
            instrumentation.clock_reads_per_frame,
            instrumentation.clock_read_ns,
            instrumentation.estimated_overhead * 100.0
        );
        say!(
            "Journal: {} commits recorded (content hash and record) at {:.1} us median, {:.1} us max: {:.3}% of the session's frame time; hashing the whole file text, as journals did before version 3, takes {:.0} us here.",
            journal_commits.commits,
            journal_commits.median_us,
            journal_commits.max_us,
            journal_commits.share_of_frames * 100.0,
            journal_commits.full_text_hash_us
        );
        say!(
            "Heap: {:.1} MiB after load, peak {:.1} MiB during the frames ({:.2}x after load), {:.1} MiB at the end \
             (peak {:.1} MiB with the journal's closing write); {:.0} allocations per frame.",
            before.bytes_in_use as f64 / 1048576.0,
            frames_peak as f64 / 1048576.0,
            frames_peak as f64 / (before.bytes_in_use as f64).max(1.0),
            after.bytes_in_use as f64 / 1048576.0,
            after.peak_bytes as f64 / 1048576.0,
            after.allocations.saturating_sub(before.allocations) as f64 / records.len().max(1) as f64
        );
        if let Some(r) = resident {
            say!(
                "Resident: {:.1} MiB after the measured frames, {:.1} MiB of it in transparent huge pages \
                 (a design's heap in 4 KiB pages runs slower at scale: see README, \"Huge pages for the heap\").",
                r.bytes as f64 / 1048576.0,
                r.in_huge_pages_bytes as f64 / 1048576.0
            );
        }
    }

    let mut verdict = Verdict::Pass;
    if commits != expected_commits {
        verdict = Verdict::Fail;
        say!("FAIL: the session committed {commits} edits through the canvas, {expected_commits} when made");
    }
    if let Some(budget) = o.budget_ms {
        if stats.p99_ms > budget {
            verdict = Verdict::Fail;
            say!("FAIL: frame p99 {:.2} ms is over the budget of {budget} ms", stats.p99_ms);
        } else if !quiet {
            say!("Budget met: frame p99 {:.2} ms <= {budget} ms", stats.p99_ms);
        }
    }
    if let Some(min) = o.min_fps {
        if stats.fps < min {
            verdict = Verdict::Fail;
            say!("FAIL: {:.1} FPS is under the minimum of {min}", stats.fps);
        } else if !quiet {
            say!("Minimum FPS met: {:.1} >= {min}", stats.fps);
        }
    }
    let report = DragReport {
        machine,
        design,
        text_measurer: trellis_geometry::TextMeasurer::id(&*trellis_geometry::FontMeasurer::shared()),
        widgets,
        width,
        height,
        backend,
        adapter,
        accelerated: probe.as_ref().is_some_and(|p| p.accelerated),
        reason: probe.map(|p| p.reason).unwrap_or_default(),
        vsync: o.vsync,
        stats,
        phases,
        parts,
        instrumentation,
        heap_bytes: after.bytes_in_use,
        heap_peak_bytes: after.peak_bytes,
        heap_after_load_bytes: before.bytes_in_use,
        heap_frames_peak_bytes: frames_peak,
        resident,
        allocations_per_frame: after.allocations.saturating_sub(before.allocations) as f64
            / records.len().max(1) as f64,
        commits,
        journal_commits,
        records,
    };
    if let Some(old) = earlier {
        compare(&old, &report, o.json);
    }
    if let Some(path) = o.svg {
        let svg = crate::frame_chart::svg(
            &report.records,
            report.stats.budget_ms,
            &format!("{} on {}", report.design, report.adapter),
        );
        crate::report::write_output(path, |out| out.write_all(svg.as_bytes()))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = o.trace {
        let trace = crate::chrome_trace::of_frames(&report.records, &heap_series);
        crate::report::write_output(path, |out| serde_json::to_writer(out, &trace).map_err(std::io::Error::other))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = o.json {
        report::write_json(path, &report)?;
    }
    Ok(verdict)
}

/// Parses a flag's pass/fail gate (`--budget-ms`, `--min-fps`): a gate of
/// NaN compares false both ways and would pass any run, and a gate of 0 or
/// less, or infinite, says nothing; clap names the flag in the error.
pub fn parse_gate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("{text:?} is not a gate: expected a finite number above 0, like 8")),
    }
}

/// Reads an earlier `bench drag --json` report for `--compare`: only a
/// regular file (a FIFO would block, `/dev/zero` never ends), only up to
/// [`MAX_REPORT_BYTES`] (read at most that, in case the file grows while it
/// is read).
fn read_report(path: &Path) -> anyhow::Result<serde_json::Value> {
    let name = path.display();
    // `metadata` does not open the file: opening a FIFO would wait for a writer.
    let meta = std::fs::metadata(path).with_context(|| format!("--compare {name}: cannot read it"))?;
    if !meta.is_file() {
        bail!("--compare {name}: not a regular file; pass the path of an earlier `bench drag --json` report");
    }
    let too_big = |len: u64| {
        anyhow::anyhow!(
            "--compare {name}: {len} bytes or more, over the limit of {MAX_REPORT_BYTES} bytes (64 MiB, MAX_REPORT_BYTES) \
             for a report; pass an earlier `bench drag --json` report"
        )
    };
    if meta.len() > MAX_REPORT_BYTES {
        return Err(too_big(meta.len()));
    }
    let file = std::fs::File::open(path).with_context(|| format!("--compare {name}: cannot read it"))?;
    let mut bytes = Vec::new();
    file.take(MAX_REPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("--compare {name}: cannot read it"))?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    let parsed: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("--compare {name}: not a `bench drag --json` report"))?;
    if parsed["stats"].is_null() {
        bail!("--compare {name}: not a `bench drag --json` report (it has no frame statistics)");
    }
    Ok(parsed)
}

/// Prints each metric against an earlier run's report, as new / old.
fn compare(old: &serde_json::Value, new: &DragReport, json: Option<&Path>) {
    let stat = |k: &str| old["stats"][k].as_f64();
    let mut rows: Vec<(String, Option<f64>, f64)> = vec![
        ("FPS".into(), stat("fps"), new.stats.fps),
        ("frame p50 (ms)".into(), stat("p50_ms"), new.stats.p50_ms),
        ("frame p95 (ms)".into(), stat("p95_ms"), new.stats.p95_ms),
        ("frame p99 (ms)".into(), stat("p99_ms"), new.stats.p99_ms),
        ("frame max (ms)".into(), stat("max_ms"), new.stats.max_ms),
        ("jitter (ms)".into(), stat("jitter_ms"), new.stats.jitter_ms),
    ];
    for p in &new.phases {
        let before = old["phases"]
            .as_array()
            .and_then(|v| v.iter().find(|q| q["phase"] == p.phase).and_then(|q| q["median_ms"].as_f64()));
        rows.push((format!("{} median (ms)", p.phase), before, p.median_ms));
    }
    rows.push(("heap peak (bytes)".into(), old["heap_peak_bytes"].as_f64(), new.heap_peak_bytes as f64));
    let mut t = report::table(&["metric", "before", "now", "now / before"]);
    for (name, before, now) in rows {
        let ratio = before.filter(|b| *b != 0.0).map_or("n/a".to_owned(), |b| format!("{:.2}x", now / b));
        t.add_row(vec![name, before.map_or("n/a".to_owned(), |b| format!("{b:.3}")), format!("{now:.3}"), ratio]);
    }
    report::print_table(&t, json);
}

/// A temporary folder holding the bundled demo's images, for drawing the
/// demo from memory.
pub(crate) fn bundled_demo_folder() -> anyhow::Result<tempfile::TempDir> {
    let folder = tempfile::tempdir().context("creating a temporary folder for the demo's images")?;
    write_bundled_images(folder.path())?;
    Ok(folder)
}

/// Writes the images that ship with Trellis (the demo's, which generated
/// designs use too) into `folder`, a temporary one of the caller's.
pub(crate) fn write_bundled_images(folder: &Path) -> anyhow::Result<()> {
    for (name, bytes) in trellis_model::DEMO_IMAGES {
        std::fs::write(folder.join(name), bytes).context("writing the demo's images")?;
    }
    Ok(())
}
