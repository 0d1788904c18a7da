//! `trellis edit` (the desktop editor) and `trellis bench window` (the
//! editor window measured end to end, to the screen).

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;
use trellis_app::{BenchPlan, EditOptions, WindowBenchReport};
use trellis_diag::{Frame, FrameStats};
use trellis_editor::{Action, Input};

use crate::drag_bench::{self, DesignChoice};
use crate::render_command::{forced_backend, parse_size};
use crate::report::{self, Verdict};

/// Opens the editor on `file` (or the bundled demo), with the performance
/// lab's profiles and debug endpoint on the live app when asked.
pub fn edit(
    file: Option<PathBuf>,
    size: &str,
    backend: Option<&str>,
    lab: &crate::lab::LabOptions,
    preview: bool,
) -> anyhow::Result<Verdict> {
    let size = parse_size(size).context("--size")?;
    let backend = forced_backend(backend)?;
    let options = EditOptions { file, size, backend, state_dir: None, preview };
    // A design that does not load, or no display, fails before the lab starts.
    trellis_app::check_display()?;
    trellis_app::load_design(&options)?;
    let lab = std::rc::Rc::new(crate::lab::Lab::start(lab, "edit")?);
    let observer: Option<trellis_app::FrameObserver> = lab.is_serving().then(|| {
        let lab = std::rc::Rc::clone(&lab);
        let mut last_counts: Option<std::time::Instant> = None;
        let mut named = false;
        Box::new(move |frame: &trellis_canvas::FrameRecord, shell: &trellis_app::Shell| {
            if !named {
                lab.set_renderer(&shell.hud.adapter, &shell.hud.backend);
                named = true;
            }
            lab.frame(frame);
            // Counting flushes the journal: once a second is enough.
            if last_counts.is_none_or(|t| t.elapsed().as_secs() >= 1) {
                let canvas = shell.wb.canvas();
                let mut live = crate::lab::live_objects(canvas.editor(), canvas.renderer());
                live.push(("device recoveries".to_owned(), shell.hud.recoveries as usize));
                lab.live(&live);
                last_counts = Some(std::time::Instant::now());
            }
        }) as trellis_app::FrameObserver
    });
    let result = trellis_app::run_editor(&options, observer);
    std::rc::Rc::try_unwrap(lab).map_err(|_| anyhow::anyhow!("the lab outlived the editor"))?.finish()?;
    result?;
    Ok(Verdict::Pass)
}

/// What `bench window` measures.
#[derive(Debug)]
pub struct WindowOptions<'a> {
    pub design: DesignChoice,
    pub size: &'a str,
    pub backend: Option<&'a str>,
    pub frames: usize,
    pub compare_bare: bool,
    pub budget_ms: Option<f64>,
    pub min_fps: Option<f64>,
    pub json: Option<&'a Path>,
}

#[derive(Serialize)]
struct PartFigures {
    part: &'static str,
    frames: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

#[derive(Serialize)]
struct PhaseFigures {
    phase: &'static str,
    p50_ms: f64,
    p99_ms: f64,
}

/// One presented frame, for `--json`.
#[derive(Serialize)]
struct WindowFrame {
    part: &'static str,
    start_ms: f64,
    total_ms: f64,
    event_ms: f64,
    layout_ms: f64,
    display_list_ms: f64,
    egui_ms: f64,
    encode_ms: f64,
    gpu_ms: f64,
    present_ms: f64,
    latency_ms: f64,
    panel_pixels: u64,
    canvas_pixels: u64,
    allocations: u64,
    /// egui ran the panels (else their last output was kept).
    egui_pass: bool,
}

#[derive(Serialize)]
struct WindowReport {
    design: String,
    widgets: usize,
    window: (u32, u32),
    canvas: (f32, f32),
    adapter: String,
    software: bool,
    composes_by_copy: bool,
    /// Times egui's registration of the canvas was pointed at another
    /// texture (a resize; a nudge of everything moving the frame's pixels
    /// into the renderer's spare).
    canvas_repoints: u64,
    stats: FrameStats,
    drag: Option<FrameStats>,
    parts: Vec<PartFigures>,
    phases: Vec<PhaseFigures>,
    latency_p50_ms: f64,
    latency_p99_ms: f64,
    idle_frames: u64,
    /// Waits for the editor to have nothing left to draw that ran out of
    /// time (a redraw the window never drew): should be 0.
    settle_timeouts: u64,
    bare_fps: Option<f64>,
    /// The editor's rate over the drag fed one input per frame: the rate
    /// compared with the bare window's (both repaint as fast as they can).
    capacity_fps: Option<f64>,
    capacity_frames: u64,
    /// Those frames' times (`p50_ms`, `p99_ms`, ...).
    capacity_stats: Option<FrameStats>,
    fps_ratio_to_bare: Option<f64>,
    machine: crate::bench_commands::Machine,
    frames: Vec<WindowFrame>,
    /// The frames of the drag fed one input per frame (`--compare-bare`).
    full_rate_frames: Vec<WindowFrame>,
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    trellis_diag::percentile(&v, p)
}

/// The parts of `bench drag`'s session the window plays: all but the edits
/// of a thousand widgets. A nudge of everything is among them: on a
/// software rasteriser it moves the frame's pixels into another texture,
/// which the window shows from then on.
const WINDOW_PARTS: &[&str] = drag_bench::PARTS.split_at(10).0;

/// Runs the window benchmark and reports it as `bench drag` does.
pub fn bench_window(o: &WindowOptions<'_>) -> anyhow::Result<Verdict> {
    if !(2..=100_000).contains(&o.frames) {
        anyhow::bail!("--frames {}: use from 2 to 100000 drag steps", o.frames);
    }
    let size = parse_size(o.size).context("--size")?;
    let backend = forced_backend(o.backend)?;
    let (doc, label) = drag_bench::load(&o.design)?;
    let widgets = doc.len();
    let base_dir = match &o.design {
        DesignChoice::File(f) => f.parent().map(Path::to_owned),
        _ => None,
    };
    let demo_assets = match &o.design {
        DesignChoice::Bundled | DesignChoice::Generated { .. } => Some(drag_bench::bundled_demo_folder()?),
        _ => None,
    };
    let base_dir = base_dir.or_else(|| demo_assets.as_ref().map(|d| d.path().to_owned()));
    let design = doc.to_json_string();
    let frames = o.frames;
    // A design the session cannot be played on (nothing to drag) is refused
    // before any window opens.
    drag_bench::session_events(&design, size.0 as f32, size.1 as f32, frames, Some(WINDOW_PARTS))?;
    let plan = Box::new(move |width: f32, height: f32, _: &trellis_editor::Editor| {
        // Checked above at the window's size; at the canvas's, a failure
        // plays nothing rather than stop the window.
        let events = match drag_bench::session_events(&design, width, height, frames, Some(WINDOW_PARTS)) {
            Ok((session, _)) => {
                session.labels.iter().copied().zip(session.events.into_iter().map(|e| e.input)).collect()
            }
            Err(_) => Vec::new(),
        };
        // The same drag, fed one input per frame for the ratio to the
        // bare window, then undone.
        let capacity = match drag_bench::session_events(&design, width, height, frames, Some(&["drag"])) {
            Ok((session, _)) => session.events.into_iter().map(|e| e.input).collect(),
            Err(_) => Vec::new(),
        };
        BenchPlan { setup: vec![Input::Action(Action::ZoomToFit)], events, rate_hz: 120.0, capacity }
    });
    report::note(format_args!(
        "bench window: {label}, {}x{} window, playing the drag session at 120 Hz",
        size.0, size.1
    ));
    let r = trellis_app::bench_window(doc, base_dir, size, backend, plan, o.compare_bare)?;
    let out = summarize(&r, label, widgets);
    print(&out);
    if let Some(path) = o.json {
        report::write_json(path, &out)?;
    }
    let mut verdict = Verdict::Pass;
    let drag_p99 = out.drag.as_ref().map_or(out.stats.p99_ms, |d| d.p99_ms);
    if let Some(budget) = o.budget_ms
        && drag_p99 > budget
    {
        report::note(format_args!("FAIL: drag p99 {drag_p99:.2} ms is over the {budget} ms budget"));
        verdict = Verdict::Fail;
    }
    if let Some(min) = o.min_fps
        && out.stats.fps < min
    {
        report::note(format_args!("FAIL: {:.1} fps is under {min}", out.stats.fps));
        verdict = Verdict::Fail;
    }
    if out.idle_frames > 0 {
        report::note(format_args!("FAIL: the idle editor drew {} frames in two seconds (must be 0)", out.idle_frames));
        verdict = Verdict::Fail;
    }
    if out.settle_timeouts > 0 {
        report::note(format_args!(
            "FAIL: {} wait(s) for the editor to finish drawing ran out of time: a redraw was pending that the window never drew",
            out.settle_timeouts
        ));
        verdict = Verdict::Fail;
    }
    Ok(verdict)
}

fn stats_of(frames: &[&trellis_app::BenchFrame]) -> FrameStats {
    let f: Vec<Frame> =
        frames.iter().map(|b| Frame { start_ms: b.sample.at_s * 1e3, duration_ms: b.sample.total_ms }).collect();
    FrameStats::of(&f, 60.0)
}

fn summarize(r: &WindowBenchReport, design: String, widgets: usize) -> WindowReport {
    let all: Vec<&trellis_app::BenchFrame> = r.frames.iter().collect();
    let stats = stats_of(&all);
    let mut parts = Vec::new();
    let mut names: Vec<&'static str> = Vec::new();
    for f in &r.frames {
        if !names.contains(&f.part) {
            names.push(f.part);
        }
    }
    let mut drag = None;
    for name in names {
        let of: Vec<&trellis_app::BenchFrame> = r.frames.iter().filter(|f| f.part == name).collect();
        let s = stats_of(&of);
        if name == "drag" {
            drag = Some(s.clone());
        }
        parts.push(PartFigures { part: name, frames: of.len(), p50_ms: s.p50_ms, p99_ms: s.p99_ms, max_ms: s.max_ms });
    }
    let phase = |name: &'static str, get: fn(&trellis_app::BenchFrame) -> f64| {
        let v: Vec<f64> = r.frames.iter().map(get).collect();
        PhaseFigures { phase: name, p50_ms: percentile(v.clone(), 50.0), p99_ms: percentile(v, 99.0) }
    };
    let phases = vec![
        phase("event", |f| f.sample.event_ms),
        phase("layout", |f| f.sample.layout_ms),
        phase("display list", |f| f.sample.display_list_ms),
        phase("egui", |f| f.sample.egui_ms),
        phase("encode", |f| f.sample.encode_ms),
        phase("gpu", |f| f.sample.gpu_ms),
        phase("present", |f| f.sample.present_ms),
    ];
    let latencies: Vec<f64> = r.frames.iter().map(|f| f.latency_ms).collect();
    WindowReport {
        design,
        widgets,
        window: r.window,
        canvas: r.canvas,
        adapter: r.adapter.clone(),
        software: r.software,
        composes_by_copy: r.composes_by_copy,
        canvas_repoints: r.canvas_repoints,
        fps_ratio_to_bare: r.bare_fps.zip(r.capacity_fps).map(|(b, c)| c / b.max(1e-9)),
        capacity_fps: r.capacity_fps,
        capacity_frames: r.capacity_frames,
        settle_timeouts: r.settle_timeouts,
        capacity_stats: (!r.capacity_samples.is_empty()).then(|| {
            let f: Vec<Frame> =
                r.capacity_samples.iter().map(|s| Frame { start_ms: s.at_s * 1e3, duration_ms: s.total_ms }).collect();
            FrameStats::of(&f, 60.0)
        }),
        stats,
        drag,
        parts,
        phases,
        latency_p50_ms: percentile(latencies.clone(), 50.0),
        latency_p99_ms: percentile(latencies, 99.0),
        idle_frames: r.idle_frames,
        bare_fps: r.bare_fps,
        machine: crate::bench_commands::Machine::here(),
        frames: r.frames.iter().map(|f| window_frame(f.part, &f.sample, f.latency_ms)).collect(),
        full_rate_frames: r.capacity_samples.iter().map(|s| window_frame(FULL_RATE, s, 0.0)).collect(),
    }
}

/// The part name of the frames of the drag fed one input per frame.
const FULL_RATE: &str = "full-rate drag";

fn window_frame(part: &'static str, s: &trellis_app::ui::FrameSample, latency_ms: f64) -> WindowFrame {
    WindowFrame {
        part,
        start_ms: s.at_s * 1e3,
        total_ms: s.total_ms,
        event_ms: s.event_ms,
        layout_ms: s.layout_ms,
        display_list_ms: s.display_list_ms,
        egui_ms: s.egui_ms,
        encode_ms: s.encode_ms,
        gpu_ms: s.gpu_ms,
        present_ms: s.present_ms,
        latency_ms,
        panel_pixels: s.panel_pixels,
        canvas_pixels: s.canvas_pixels,
        allocations: s.allocations,
        egui_pass: s.egui_pass,
    }
}

fn print(r: &WindowReport) {
    let mut t = report::table(&["part", "frames", "p50 ms", "p99 ms", "max ms"]);
    for p in &r.parts {
        t.add_row(vec![
            p.part.to_owned(),
            p.frames.to_string(),
            format!("{:.2}", p.p50_ms),
            format!("{:.2}", p.p99_ms),
            format!("{:.2}", p.max_ms),
        ]);
    }
    t.add_row(vec![
        "session".to_owned(),
        r.stats.frames.to_string(),
        format!("{:.2}", r.stats.p50_ms),
        format!("{:.2}", r.stats.p99_ms),
        format!("{:.2}", r.stats.max_ms),
    ]);
    report::print_table(&t, None);
    let mut phases = report::table(&["phase", "p50 ms", "p99 ms"]);
    for p in &r.phases {
        phases.add_row(vec![p.phase.to_owned(), format!("{:.2}", p.p50_ms), format!("{:.2}", p.p99_ms)]);
    }
    report::print_table(&phases, None);
    let mut kv = vec![
        ("design".to_owned(), format!("{} ({} widgets)", r.design, r.widgets)),
        ("window / canvas".to_owned(), format!("{}x{} / {:.0}x{:.0}", r.window.0, r.window.1, r.canvas.0, r.canvas.1)),
        ("adapter".to_owned(), format!("{}{}", r.adapter, if r.software { " (software)" } else { "" })),
        ("composition".to_owned(), if r.composes_by_copy { "texture copies" } else { "egui every frame" }.to_owned()),
        ("fps".to_owned(), format!("{:.1}", r.stats.fps)),
        ("janky frames".to_owned(), format!("{} of {}", r.stats.janky, r.stats.frames)),
        ("input to present".to_owned(), format!("p50 {:.2} ms, p99 {:.2} ms", r.latency_p50_ms, r.latency_p99_ms)),
        ("idle frames (2 s)".to_owned(), r.idle_frames.to_string()),
        ("machine".to_owned(), r.machine.describe()),
    ];
    if let (Some(b), Some(c), Some(ratio)) = (r.bare_fps, r.capacity_fps, r.fps_ratio_to_bare) {
        let times = r
            .capacity_stats
            .as_ref()
            .map(|s| format!(", p50 {:.2} ms, p99 {:.2} ms", s.p50_ms, s.p99_ms))
            .unwrap_or_default();
        kv.push(("drag at full rate".to_owned(), format!("{c:.1} fps over {} frames{times}", r.capacity_frames)));
        kv.push(("bare egui window".to_owned(), format!("{b:.1} fps; the editor draws {ratio:.1}x its rate")));
    } else if let Some(b) = r.bare_fps {
        kv.push(("bare egui window".to_owned(), format!("{b:.1} fps; no ratio: the drag could not be played here")));
    }
    report::print_table(&report::key_values(kv), None);
}
