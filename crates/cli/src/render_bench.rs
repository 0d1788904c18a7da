//! `trellis bench render`: frame times of a scripted drag on a large design,
//! full redraw against damage-limited redraw, in one run. Each step is
//! drawn both ways, one after the other, so that the machine's noise falls
//! on both alike and the ratio holds even when the absolute figures wander.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;
use trellis_geometry::benchmark::Summary;
use trellis_geometry::{FontMeasurer, Geometry, Point};
use trellis_model::{Command, LayoutMode, Rect, WidgetId};
use trellis_render::{DisplayList, FrameReport, OverlayLayer, Redraw, Theme, View};

use crate::bench_commands::{Machine, progress_bar};
use crate::drag_bench::{DesignChoice, bundled_demo_folder, load};
use crate::render_command::{check_output, forced_backend, open_renderer, parse_size};
use crate::report::{self, Verdict, say};

/// The targets for a damage-limited drag frame at 10,000 widgets,
/// 1280x800, on lavapipe on a 2-core machine.
const TARGET_MEDIAN_MS: f64 = 4.0;
const TARGET_P99_MS: f64 = 8.0;

#[derive(Debug, Serialize)]
struct Mode {
    /// Wall time from the start of drawing until the GPU has finished.
    frame: Summary,
    /// CPU time to prepare, record and submit.
    encode: Summary,
    /// GPU time by timestamp queries, where the adapter has them.
    gpu: Option<Summary>,
    /// Mean share of the canvas redrawn.
    redrawn_share: f64,
    mean_instances: f64,
}

#[derive(Debug, Serialize)]
struct RenderBenchReport {
    machine: Machine,
    adapter: String,
    backend: String,
    accelerated: bool,
    reason: String,
    /// The design: generated (with its size and seed), the bundled demo,
    /// or a file's path.
    design: String,
    widgets: usize,
    width: u32,
    height: u32,
    zoom: f32,
    steps: usize,
    /// What changed each step; with pan and zoom, `damage_limited` is the
    /// renderer's own choice of redraw (a copy and strips for a pan).
    view: Motion,
    /// Model, layout and display-list patch of each step (not drawing).
    update: Summary,
    damage_limited: Mode,
    /// With pan and zoom, the frames that draw a resampled step exactly
    /// (see `GpuRenderer::refine_budget`), when there were any.
    refining: Option<Mode>,
    /// How many such frames a step took (median).
    refining_frames_median: usize,
    full: Mode,
    /// Full-redraw median over damage-limited median.
    speedup: f64,
}

struct Samples {
    frame: Vec<Duration>,
    encode: Vec<Duration>,
    gpu: Vec<Duration>,
    share: f64,
    instances: f64,
}

impl Samples {
    fn new() -> Self {
        Samples { frame: Vec::new(), encode: Vec::new(), gpu: Vec::new(), share: 0.0, instances: 0.0 }
    }

    fn add(&mut self, wall: Duration, r: &FrameReport, gpu_ns: Option<u64>, view: &View) {
        self.frame.push(wall);
        self.encode.push(Duration::from_nanos(r.encode_ns));
        if let Some(ns) = gpu_ns {
            self.gpu.push(Duration::from_nanos(ns));
        }
        let area = r.redrawn_pixels as f64;
        self.share += area / (f64::from(view.width) * f64::from(view.height));
        self.instances += r.instances as f64;
    }

    fn mode(mut self) -> Mode {
        let n = self.frame.len().max(1) as f64;
        Mode {
            frame: Summary::of(&mut self.frame),
            encode: Summary::of(&mut self.encode),
            gpu: (!self.gpu.is_empty()).then(|| Summary::of(&mut self.gpu)),
            redrawn_share: self.share / n,
            mean_instances: self.instances / n,
        }
    }
}

fn ms(ns: f64) -> String {
    format!("{:.2} ms", ns / 1e6)
}

/// The widget the drag moves, and the frame it starts from (its `x` and
/// `y`, and its size as laid out). In a generated design, the top-level
/// card whose centre is nearest the design's: the drag crosses the
/// busiest part of the canvas, as it always has. In the demo or a file,
/// the nearest of the top-level widgets at most a sixteenth of the
/// design, or else the smallest (the demo's toolbar). Only a widget the
/// window places at its `x` and `y` moves when they change, so the drag
/// takes the window's children, and none of a window that lays them out.
fn dragged(doc: &trellis_model::Document, geometry: &Geometry, generated: bool) -> anyhow::Result<(WidgetId, Rect)> {
    let root = doc.root();
    if let Some(window) = doc.widget(root).filter(|w| w.layout() != LayoutMode::Absolute) {
        bail!(
            "the window '{}' lays out its widgets ({}), so the drag, which moves one by its x and y, would move nothing; measure this design with --view pan or --view zoom",
            window.name(),
            window.layout().as_str()
        );
    }
    let bounds = geometry.bounds();
    let centre = Point::new(bounds.x + bounds.w / 2.0, bounds.y + bounds.h / 2.0);
    let candidates: Vec<(WidgetId, Rect)> = doc
        .children(root)
        .iter()
        .filter(|id| !geometry.is_locked(**id) && !geometry.is_hidden(**id))
        .filter_map(|id| geometry.rect(*id).map(|r| (*id, r)))
        .collect();
    let distance = |r: &Rect| {
        let (dx, dy) = (r.x + r.w / 2.0 - centre.x, r.y + r.h / 2.0 - centre.y);
        dx * dx + dy * dy
    };
    let nearest = |(_, a): &&(WidgetId, Rect), (_, b): &&(WidgetId, Rect)| distance(a).total_cmp(&distance(b));
    let chosen = if generated {
        candidates.iter().min_by(nearest)
    } else {
        let area = |r: &Rect| r.w * r.h;
        let small = |(_, r): &&(WidgetId, Rect)| area(r) <= bounds.w * bounds.h / 16.0;
        candidates
            .iter()
            .filter(small)
            .min_by(nearest)
            .or_else(|| candidates.iter().min_by(|(_, a), (_, b)| area(a).total_cmp(&area(b))))
    };
    let Some(&(id, laid_out)) = chosen else {
        bail!(
            "the window holds no widget to drag (none, or each is locked or hidden); measure this design with --view pan or --view zoom"
        );
    };
    let frame = doc.widget(id).map(|w| w.frame()).unwrap_or(laid_out);
    Ok((id, Rect::new(frame.x, frame.y, laid_out.w, laid_out.h)))
}

#[allow(clippy::too_many_arguments)]
/// The most frames one step is drawn exactly over: each is bounded by the
/// renderer's budget, so this only stops a broken renderer.
const MAX_REFINING_FRAMES: usize = 1000;

/// What one step draws, whichever way it is redrawn.
struct Frame<'a> {
    list: &'a DisplayList,
    view: &'a View,
    overlays: &'a OverlayLayer,
    time: f32,
}

/// Draws `frame` with `redraw`, waits for the GPU, and adds the timing to `samples`.
fn timed(
    renderer: &mut trellis_render::Renderer,
    frame: &Frame<'_>,
    changed: &[usize],
    redraw: &Redraw,
    samples: &mut Samples,
) -> anyhow::Result<()> {
    let began = Instant::now();
    let r = renderer.draw(frame.list, changed, frame.view, redraw, frame.overlays, frame.time)?;
    renderer.finish();
    samples.add(began.elapsed(), &r, renderer.gpu_time_ns(), frame.view);
    Ok(())
}

/// What changes from one step of `bench render` to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Motion {
    /// A card is dragged across the design.
    Drag,
    /// The view pans diagonally by whole device pixels, then back.
    Pan,
    /// The view zooms in by wheel steps around the centre, then out.
    Zoom,
}

/// The view of `step` of `steps` for a pan or a zoom starting at `home`.
fn moved_view(home: &View, motion: Motion, step: usize, steps: usize) -> View {
    // Out and back, over and over: 30 steps out at most (a long --frames
    // run must not pan off to infinity or zoom past any float).
    let half = (steps / 2).min(30);
    let phase = step % (2 * half).max(1);
    let k = if phase <= half { phase } else { 2 * half - phase } as f32;
    match motion {
        Motion::Drag => *home,
        Motion::Pan => {
            // 6 by 4 device pixels a step: a brisk trackpad pan at 60 Hz.
            let f = home.factor();
            View { origin: Point::new(home.origin.x + 6.0 * k / f, home.origin.y + 4.0 * k / f), ..*home }
        }
        Motion::Zoom => {
            // A wheel notch is 10%; the design point at the centre stays put.
            let zoom = home.zoom * 1.1f32.powf(k);
            let (cx, cy) = (home.width as f32 / 2.0, home.height as f32 / 2.0);
            let centre = Point::new(home.origin.x + cx / home.factor(), home.origin.y + cy / home.factor());
            let f = zoom * home.scale;
            View { origin: Point::new(centre.x - cx / f, centre.y - cy / f), zoom, ..*home }
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub fn render(
    design: &DesignChoice,
    size: &str,
    backend: Option<&str>,
    steps: usize,
    json: Option<&Path>,
    check_targets: bool,
    motion: Motion,
) -> anyhow::Result<Verdict> {
    if !(2..=100_000).contains(&steps) {
        bail!("--frames {steps}: use from 2 to 100000 drag steps");
    }
    let (width, height) = parse_size(size)?;
    // Read before the adapter opens, so that a bad file fails at once.
    let (mut doc, described) = load(design)?;
    let widgets = doc.len();
    let (mut renderer, probe) = open_renderer(forced_backend(backend)?)?;
    check_output(width, height, &format!("--size {size}"), &renderer)?;
    // Images load relative to the design's folder; the bundled demo's and a
    // generated design's come from a temporary one holding what ships.
    let demo_images = match design {
        DesignChoice::Bundled | DesignChoice::Generated { .. } => Some(bundled_demo_folder()?),
        _ => None,
    };
    match (design, &demo_images) {
        (DesignChoice::File(path), _) => renderer.set_base_dir(path.parent().map(Path::to_owned).unwrap_or_default()),
        (_, Some(folder)) => renderer.set_base_dir(folder.path().to_owned()),
        _ => {}
    }
    let theme = Theme::LIGHT;
    let mut geometry = Geometry::new(&doc, FontMeasurer::shared());
    let bounds = geometry.bounds();
    // The whole design in view: the worst case for a full redraw.
    let zoom = (width as f32 / bounds.w.max(1.0)).min(height as f32 / bounds.h.max(1.0));
    let home =
        View { origin: Point::new(bounds.x, bounds.y), zoom, scale: 1.0, width, height, background: theme.canvas };
    let mut view = home;
    let mut list = DisplayList::build(&doc, &geometry, &theme);
    let generated = matches!(design, DesignChoice::Generated { .. });
    let subject = if motion == Motion::Drag {
        Some(dragged(&doc, &geometry, generated).with_context(|| format!("bench render on {described}"))?)
    } else {
        None
    };
    // Across a third of the design, diagonally, over its neighbours.
    let (span_x, span_y) = (bounds.w / 3.0, bounds.h / 3.0);
    let mut overlays = OverlayLayer::new(&theme, view.factor());

    // Warm-up: first frames build pipelines, shape text, fill atlases.
    for _ in 0..3 {
        renderer.draw(&list, &[], &view, &Redraw::All, &overlays, 0.0)?;
        renderer.finish();
    }

    let bar = progress_bar(steps as u64);
    bar.set_message(format!("{widgets} widgets on {}", renderer.backend()));
    let (mut damage, mut full, mut update) = (Samples::new(), Samples::new(), Vec::new());
    let (mut refining, mut refining_frames) = (Samples::new(), Vec::new());
    let clock = Instant::now();
    let mut trail: Vec<(Point, f32)> = Vec::new();
    for step in 1..=steps {
        if motion != Motion::Drag {
            // The design stays; only the view changes, drawn as the renderer
            // chooses (a copy and strips for a pan), then in full.
            view = moved_view(&home, motion, step, steps);
            let now = clock.elapsed().as_secs_f32();
            let frame = Frame { list: &list, view: &view, overlays: &overlays, time: now };
            timed(&mut renderer, &frame, &[], &Redraw::Nothing, &mut damage)?;
            // A step too dear to draw whole was shown resampled: the
            // frames that then draw it exactly, each timed.
            let mut frames = 0;
            while renderer.is_refining() && frames < MAX_REFINING_FRAMES {
                timed(&mut renderer, &frame, &[], &Redraw::Nothing, &mut refining)?;
                frames += 1;
            }
            refining_frames.push(frames);
            timed(&mut renderer, &frame, &[], &Redraw::All, &mut full)?;
            bar.set_position(step as u64);
            continue;
        }
        let (card, start) = subject.expect("chosen for a drag");
        let t = step as f32 / steps as f32;
        // Never past the coordinates a design may hold: a design reaching
        // them (a valid one) would have its widget dragged out of range.
        let limit = trellis_model::limits::MAX_COORDINATE;
        let along = |from: f32, span: f32| (from + span * t).clamp(-limit, limit);
        let frame = Rect::new(along(start.x, span_x), along(start.y, span_y), start.w, start.h);
        let began = Instant::now();
        doc.execute(Command::SetFrame { id: card, frame })?;
        geometry.update(&doc);
        // Where the window put it (its frame is within the window's content).
        let frame = geometry.rect(card).unwrap_or(frame);
        let mut regions = Vec::new();
        let mut rebuilt = false;
        for id in doc.descendants(card) {
            match list.patch(&doc, &geometry, &theme, id) {
                Some(r) => regions.extend(r),
                None => rebuilt = true,
            }
        }
        let redraw = if rebuilt {
            list = DisplayList::build(&doc, &geometry, &theme);
            Redraw::All
        } else {
            Redraw::Regions(regions)
        };
        let changed = list.take_changed();
        update.push(began.elapsed());

        // The editor's feedback while dragging: selection, ghost, trail.
        let now = clock.elapsed().as_secs_f32();
        let pointer = Point::new(frame.x + frame.w / 2.0, frame.y + frame.h / 2.0);
        trail.push((pointer, 0.0));
        if trail.len() > 12 {
            trail.remove(0);
        }
        let n = trail.len();
        for (i, p) in trail.iter_mut().enumerate() {
            p.1 = (n - 1 - i) as f32 * 16.0;
        }
        overlays.clear();
        overlays.selection(frame);
        overlays.ghost(frame, (t * 4.0).min(1.0));
        overlays.trail(&trail);
        // The overlays of the last frame and this one are redrawn every
        // frame anyway; the canvas only where the card was and is.
        let frame = Frame { list: &list, view: &view, overlays: &overlays, time: now };
        timed(&mut renderer, &frame, &changed, &redraw, &mut damage)?;
        timed(&mut renderer, &frame, &[], &Redraw::All, &mut full)?;
        bar.set_position(step as u64);
    }
    bar.finish_and_clear();
    crate::render_command::check_drawn(Some(&renderer))?;

    let damage = damage.mode();
    let full = full.mode();
    let refined = !refining.frame.is_empty();
    let refining = refined.then(|| refining.mode());
    refining_frames.sort_unstable();
    let refining_frames_median = refining_frames.get(refining_frames.len() / 2).copied().unwrap_or(0);
    let speedup = full.frame.median_ns / damage.frame.median_ns.max(1.0);
    let machine = Machine::here();
    let quiet = json.is_some_and(|p| p.as_os_str() == "-");
    if !quiet {
        let design = match design {
            DesignChoice::Generated { .. } => format!("a design of {widgets} widgets"),
            _ => format!("{described} ({widgets} widgets)"),
        };
        let what = match motion {
            Motion::Drag => format!("a widget dragged in {steps} steps across {design}"),
            Motion::Pan => format!("{design} panned in {steps} steps of 6x4 device pixels, out and back"),
            Motion::Zoom => format!("{design} zoomed in {steps} wheel steps of 10%, in and out"),
        };
        say!(
            "Render benchmark: {what}, {width}x{height}, whole design in view at first (zoom {zoom:.3}), on {}",
            machine.describe()
        );
        say!(
            "Drawn by {} ({}){}. Each step is drawn twice: damage-limited, then in full; a frame is timed until the GPU has finished.",
            renderer.adapter_name(),
            renderer.backend(),
            if probe.accelerated { "" } else { ": GPU acceleration not active" }
        );
    }
    let mut t = report::table(&[
        "redraw",
        "frame median",
        "frame p99",
        "frame max",
        "CPU encode median",
        "GPU median",
        "canvas redrawn",
        "instances",
    ]);
    let incremental = if motion == Motion::Drag { "damage-limited" } else { "incremental" };
    let rows = [(incremental, Some(&damage)), ("refining (each frame)", refining.as_ref()), ("full", Some(&full))];
    for (name, m) in rows.into_iter().filter_map(|(n, m)| m.map(|m| (n, m))) {
        t.add_row(vec![
            name.to_owned(),
            ms(m.frame.median_ns),
            ms(m.frame.p99_ns),
            ms(m.frame.max_ns),
            ms(m.encode.median_ns),
            m.gpu.as_ref().map_or("n/a".to_owned(), |g| ms(g.median_ns)),
            format!("{:.1}%", m.redrawn_share * 100.0),
            format!("{:.0}", m.mean_instances),
        ]);
    }
    report::print_table(&t, json);
    let update = Summary::of(&mut update);
    if !quiet && refined {
        say!(
            "A step the renderer resampled (too dear to draw whole) was then drawn exactly over {refining_frames_median} more frames (median), each within its budget: the refining row."
        );
    }
    if !quiet {
        say!(
            "Full redraw / {incremental} (median): {speedup:.1}x.{}",
            if motion == Motion::Drag {
                format!(" Model, layout and patch per step: {} median.", ms(update.median_ns))
            } else {
                String::new()
            }
        );
    }
    let mut verdict = Verdict::Pass;
    if check_targets {
        let mut t = report::table(&["target", "met", "measured"]);
        for (what, limit, measured) in [
            ("damage-limited frame median", TARGET_MEDIAN_MS, damage.frame.median_ns),
            ("damage-limited frame p99", TARGET_P99_MS, damage.frame.p99_ns),
        ] {
            let met = measured / 1e6 <= limit;
            t.add_row(vec![format!("{what} <= {limit} ms"), if met { "yes" } else { "NO" }.to_owned(), ms(measured)]);
            if !met {
                verdict = Verdict::Fail;
            }
        }
        report::print_table(&t, json);
    }
    if let Some(path) = json {
        report::write_json(
            path,
            &RenderBenchReport {
                machine,
                adapter: renderer.adapter_name(),
                backend: renderer.backend().to_string(),
                accelerated: probe.accelerated,
                reason: probe.reason,
                design: described,
                widgets,
                width,
                height,
                zoom,
                steps,
                view: motion,
                update,
                damage_limited: damage,
                refining,
                refining_frames_median,
                full,
                speedup,
            },
        )?;
    }
    Ok(verdict)
}
