//! The canvas: the editor core driving the renderer, one frame per input.
//! A frame is an input event handled by the editor (with its layout
//! update), the display list brought up to date (patched where widgets
//! moved or changed, rebuilt where the tree changed), and the renderer
//! drawing only the damaged part of the canvas, with the overlays over it.
//! Every phase is timed into a [`FrameRecord`]: the app shows these, the
//! benchmarks and traces report them.
//!
//! This crate joins the editor and the renderer, so it may depend on both;
//! it must never depend on a windowing or UI crate (winit, egui): the app
//! puts a window around it, benchmarks and tests run it headless.

#![warn(missing_docs)]

mod overlays;

use std::time::{Duration, Instant};

use serde::Serialize;
use trellis_editor::{Damage, Editor, Event, Step};
use trellis_geometry::{MAX_DAMAGE_REGIONS, Point};
use trellis_model::{Extremes, Rect};
use trellis_render::{
    DisplayList, FOLLOW_ON_TWO_THREADS, Followed, OverlayLayer, Redraw, RenderError, Renderer, Theme, View,
};

pub use overlays::paint as paint_overlays;

/// The phases of one frame, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct FrameRecord {
    /// Frame number since the canvas was made.
    pub index: u64,
    /// When the frame started, in milliseconds since the canvas was made.
    pub start_ms: f64,
    /// The editor handling the input, less its layout update.
    pub event_ns: u64,
    /// The layout update (geometry) of that input.
    pub layout_ns: u64,
    /// Bringing the display list and overlays up to date.
    pub display_list_ns: u64,
    /// Preparing, recording and submitting the GPU work (or rasterising, on the CPU).
    pub encode_ns: u64,
    /// GPU time by timestamp queries, where the adapter has them.
    pub gpu_ns: Option<u64>,
    /// Waiting for the GPU to finish (and for the display, with vsync).
    pub wait_ns: u64,
    /// The whole frame, start to finish.
    pub total_ns: u64,
    /// Device pixels redrawn on the canvas.
    pub redrawn_pixels: u64,
    /// The display list was rebuilt (the tree changed).
    pub rebuilt: bool,
    /// The view changed by more than a whole-pixel pan and drawing it
    /// whole would have cost more than the renderer's budget: the last
    /// frame was scaled to it, to be drawn exactly in the next frames.
    pub resampled: bool,
    /// The canvas, kept as a zoom's steps found it while they were
    /// resampled straight into the frame, was resampled to the view shown
    /// first (the first frame after the steps of another kind).
    pub caught_up: bool,
    /// Everything over the window moved by one distance (a select-all
    /// nudge) and drawing it exactly would have cost more than the
    /// renderer's budget: its pixels were moved by a copy, to be drawn
    /// exactly in the next frames.
    pub moved_by_copy: bool,
    /// Widgets were added over everything else and nothing else changed
    /// (a paste, a duplicate, a palette drop on the window): only they
    /// were drawn, over the canvas as it was.
    pub drawn_over: bool,
    /// Device pixels still showing a resampled drawing after this frame.
    pub stale_pixels: u64,
    /// Device pixels of the frame composed again over the canvas (the
    /// canvas copied, the overlays drawn over it); 0 on the CPU backend,
    /// which draws overlays over a copy of the whole canvas.
    pub composed_pixels: u64,
    /// Device pixels copied to move the canvas's and the frame's pixels
    /// (a pan, a nudge of everything): none where the move rounds to no
    /// pixel (still `moved_by_copy`, by none); 0 on the CPU backend.
    pub copied_pixels: u64,
}

impl FrameRecord {
    /// The phases by name, in order, for tables, charts and traces.
    pub fn phases(&self) -> [(&'static str, u64); 6] {
        [
            ("event", self.event_ns),
            ("layout", self.layout_ns),
            ("display list", self.display_list_ns),
            ("encode and submit", self.encode_ns),
            ("gpu", self.gpu_ns.unwrap_or(0)),
            ("wait", self.wait_ns),
        ]
    }
}

/// Why a frame could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CanvasError {
    /// The renderer, on the GPU or the CPU, failed to draw the frame.
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// The editor, its display list and a renderer (or none: the core alone).
#[derive(Debug)]
pub struct Canvas {
    editor: Editor,
    renderer: Option<Renderer>,
    list: DisplayList,
    theme: Theme,
    overlays: OverlayLayer,
    /// Time every phase (on by default); off, only the total is taken.
    pub instrumented: bool,
    /// How long a frame may have taken for it to make what a later
    /// gesture needs (`Canvas::prepare_ahead`); [`PREPARE_AHEAD_WITHIN_MS`]
    /// by default, `f64::INFINITY` in every frame, 0 never.
    pub prepare_ahead_within_ms: f64,
    frames: u64,
    created: Instant,
    /// What of the canvas the events handled since the last draw changed.
    pending: Redraw,
    /// What the events since the last draw changed in the design, for the
    /// display list: brought up to date once, when the frame is drawn.
    list_work: ListWork,
    /// The last frame's regions, empty, kept for the next: a nudge of
    /// everything lists two regions a widget, and a vector grown anew to
    /// that each frame took fresh pages from the system (200,000 regions
    /// and 3 MB a frame at 100,000 widgets).
    spare_regions: Vec<Rect>,
    /// The items the list changed for the frame being drawn, a vector
    /// swapped with the list's each frame (`take_changed_into`).
    changed: Vec<usize>,
    /// By widget slot, the id met last by `dedup_in_order` (`None` between calls).
    seen: Vec<Option<trellis_model::WidgetId>>,
    /// The moved widgets not repainted too, when some were.
    moved_scratch: Vec<trellis_model::WidgetId>,
    /// Threads the list may follow a large move on (asked of the system
    /// once: asking reads the process's cgroup files).
    threads: usize,
    /// Whether the last draw brought the list to a change of the tree:
    /// that frame leaves work ahead to the next (a paste at 10,000 widgets
    /// is near its 8 ms already).
    tree_changed: bool,
}

/// The most regions kept between frames (16 MB).
const MAX_SPARE_REGIONS: usize = 1 << 20;

/// Display-list work gathered from the steps handled since the last draw.
/// Several inputs shown by one frame (an undo, a redo and a click between
/// two frames) rebuild the list once, not once each.
#[derive(Debug, Default)]
struct ListWork {
    /// Everything is rebuilt (a full layout, a new theme or renderer).
    build: bool,
    /// The view changed: all of the kept list is drawn again.
    view: bool,
    /// Widgets inserted, removed or moved in the tree.
    restructured: Vec<trellis_model::WidgetId>,
    /// Widgets whose look changed: made again.
    repaint: Vec<trellis_model::WidgetId>,
    /// Widgets whose box moved or resized: moved, or made again.
    moved: Vec<trellis_model::WidgetId>,
}

/// Beyond this many widgets gathered between two draws, or four times the
/// widgets drawn if more, each named once, the list is rebuilt whole (and
/// the gathering stops growing): a nudge of everything at 100,000 widgets
/// names each once and is patched, many steps between two draws are
/// built anew.
const MAX_LIST_WORK: usize = 65_536;

impl ListWork {
    /// Gathers what `step` changed, `drawn` the widgets the list draws and
    /// `seen` the canvas's table for [`dedup_in_order`].
    fn add(&mut self, step: &Step, drawn: usize, seen: &mut Vec<Option<trellis_model::WidgetId>>) {
        match step.damage {
            Damage::All => self.build = true,
            Damage::View => self.view = true,
            Damage::None | Damage::Regions(_) => {}
        }
        if self.build {
            return;
        }
        self.restructured.extend_from_slice(&step.restructured);
        self.repaint.extend_from_slice(&step.repaint);
        self.moved.extend_from_slice(&step.moved);
        let most = MAX_LIST_WORK.max(4 * drawn);
        if self.len() > most {
            // Steps name the same widgets again: nudges of everything
            // between two draws (the app applies every input that came
            // since its last frame; key repeats at 100,000 widgets come
            // faster than frames) named each widget once a nudge, and
            // the list was rebuilt and the canvas redrawn whole, a 285 ms
            // frame in the window. Each once, as the draw takes them.
            for ids in [&mut self.restructured, &mut self.repaint] {
                ids.sort_unstable();
                ids.dedup();
            }
            dedup_in_order(&mut self.moved, seen);
        }
        if self.len() > most {
            self.build = true;
            self.restructured = Vec::new();
            self.repaint = Vec::new();
            self.moved = Vec::new();
        }
    }

    /// The widgets gathered, repeats counted.
    fn len(&self) -> usize {
        self.restructured.len() + self.repaint.len() + self.moved.len()
    }

    fn is_empty(&self) -> bool {
        !self.build && !self.view && self.restructured.is_empty() && self.repaint.is_empty() && self.moved.is_empty()
    }

    /// Done with: empty again, keeping the vectors' room for the next
    /// frame's work (their length stays within `MAX_LIST_WORK`, or four
    /// times the widgets drawn, and the one step that went past it).
    fn clear(&mut self) {
        self.build = false;
        self.view = false;
        self.restructured.clear();
        self.repaint.clear();
        self.moved.clear();
    }
}

impl Canvas {
    /// A canvas showing `editor`'s document with `theme`, drawn by
    /// `renderer` (or, with `None`, the editor core alone, for benchmarks).
    pub fn new(editor: Editor, renderer: Option<Renderer>, theme: Theme) -> Self {
        let list = DisplayList::build(editor.doc(), editor.geometry(), &theme);
        let overlays = OverlayLayer::new(&theme, editor.viewport().zoom * editor.viewport().scale);
        Canvas {
            editor,
            renderer,
            list,
            theme,
            overlays,
            instrumented: true,
            prepare_ahead_within_ms: PREPARE_AHEAD_WITHIN_MS,
            frames: 0,
            created: Instant::now(),
            pending: Redraw::All,
            list_work: ListWork::default(),
            spare_regions: Vec::new(),
            changed: Vec::new(),
            seen: Vec::new(),
            moved_scratch: Vec::new(),
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            tree_changed: false,
        }
    }

    /// Ends the canvas, handing back the editor and the renderer.
    pub fn into_parts(self) -> (Editor, Option<Renderer>) {
        (self.editor, self.renderer)
    }

    /// The editor: document, selection, viewport and gestures.
    pub fn editor(&self) -> &Editor {
        &self.editor
    }

    /// The editor, to change it outside a frame (another design, another viewport).
    pub fn editor_mut(&mut self) -> &mut Editor {
        &mut self.editor
    }

    /// The renderer, if the canvas draws.
    pub fn renderer(&self) -> Option<&Renderer> {
        self.renderer.as_ref()
    }

    /// The renderer, to read back a frame or reconfigure it.
    pub fn renderer_mut(&mut self) -> Option<&mut Renderer> {
        self.renderer.as_mut()
    }

    /// What the renderer draws, as of the last frame.
    pub fn display_list(&self) -> &DisplayList {
        &self.list
    }

    /// The colours the canvas is drawn in.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// What the renderer shows: the editor's viewport in device pixels.
    pub fn view(&self) -> View {
        let vp = self.editor.viewport();
        View {
            origin: Point::new(vp.origin.x, vp.origin.y),
            zoom: vp.zoom,
            scale: vp.scale,
            width: ((vp.width * vp.scale).round() as u32).max(1),
            height: ((vp.height * vp.scale).round() as u32).max(1),
            background: self.theme.canvas,
        }
    }

    /// One frame: `event` through the editor, then the display list and
    /// the renderer, waiting until the frame is finished.
    pub fn frame(&mut self, event: &Event) -> Result<(Step, FrameRecord), CanvasError> {
        let started = Instant::now();
        let mut record = self.begin_record(started);
        let step = self.apply(event, &mut record);
        self.draw_pending(&step, (event.t / 1000.0) as f32, true, &mut record)?;
        record.total_ns = started.elapsed().as_nanos() as u64;
        Ok((step, record))
    }

    /// A frame record starting now, numbered.
    fn begin_record(&mut self, started: Instant) -> FrameRecord {
        let record = FrameRecord {
            index: self.frames,
            start_ms: started.duration_since(self.created).as_secs_f64() * 1e3,
            ..FrameRecord::default()
        };
        self.frames += 1;
        record
    }

    /// Hands `event` to the editor, without drawing: the app applies every
    /// input that arrived since its last frame, then draws once with
    /// [`Canvas::draw`]. What the inputs changed accumulates until then,
    /// and the display list is brought up to date once, by that draw.
    /// Event and layout times add up in `record`.
    pub fn handle(&mut self, event: &Event, record: &mut FrameRecord) -> Step {
        self.apply(event, record)
    }

    /// Hands a step the caller is done with back to the editor
    /// ([`Editor::recycle`]): the next input's step reuses its room. The
    /// app and the benchmarks hand back every step, so that a drag's
    /// frames allocate none of its lists.
    pub fn recycle(&mut self, step: Step) {
        self.editor.recycle(step);
    }

    fn apply(&mut self, event: &Event, record: &mut FrameRecord) -> Step {
        let started = Instant::now();
        let step = self.editor.handle(event);
        let handled = self.instrumented.then(Instant::now);
        // With no renderer (the core alone), there is nothing to draw from a list.
        if self.renderer.is_some() {
            self.list_work.add(&step, self.list.items.len(), &mut self.seen);
        }
        if let Some(handled) = handled {
            let handling = handled.duration_since(started).as_nanos() as u64;
            let layout = self.editor.last_layout_ns().min(handling);
            record.layout_ns += layout;
            record.event_ns += handling - layout;
            record.display_list_ns += handled.elapsed().as_nanos() as u64;
        }
        step
    }

    /// Draws what the events handled since the last draw changed, with the
    /// overlays of `step` (the newest), at `time` seconds (pulses animate
    /// by it). With `wait`, blocks until the GPU has finished (benchmarks
    /// time the whole frame so); without, returns once the work is
    /// submitted, as an interactive app must.
    pub fn draw(&mut self, step: &Step, time: f32, wait: bool) -> Result<FrameRecord, CanvasError> {
        let started = Instant::now();
        let mut record = self.begin_record(started);
        self.draw_pending(step, time, wait, &mut record)?;
        record.total_ns = started.elapsed().as_nanos() as u64;
        Ok(record)
    }

    /// As [`Canvas::draw`], but a GPU renderer records into `encoder`
    /// (made on its device) instead of submitting: the app records the
    /// canvas and the window's own passes into one command buffer, submits
    /// it, then calls [`trellis_render::GpuRenderer::submitted`]. The CPU
    /// renderer draws as [`Canvas::draw`] does.
    pub fn draw_into(
        &mut self,
        step: &Step,
        time: f32,
        encoder: &mut trellis_render::wgpu::CommandEncoder,
    ) -> Result<FrameRecord, CanvasError> {
        let started = Instant::now();
        let mut record = self.begin_record(started);
        self.draw_pending_into(step, time, Some(encoder), &mut record)?;
        record.total_ns = started.elapsed().as_nanos() as u64;
        Ok(record)
    }

    /// Whether a draw has something to bring to the canvas: a change not
    /// drawn yet, or a zoomed canvas still being drawn exactly, tile by tile.
    pub fn has_pending_redraw(&self) -> bool {
        self.pending != Redraw::Nothing
            || !self.list_work.is_empty()
            || self.renderer.as_ref().is_some_and(Renderer::is_refining)
    }

    /// Draws in `theme` from now on: the display list is rebuilt in its colours.
    pub fn set_theme(&mut self, theme: Theme) {
        self.list = DisplayList::build(self.editor.doc(), self.editor.geometry(), &theme);
        self.overlays = OverlayLayer::new(&theme, self.editor.viewport().zoom * self.editor.viewport().scale);
        self.theme = theme;
        self.list_work = ListWork::default();
        self.pending = Redraw::All;
    }

    /// Replaces the renderer (after the app rebuilt a lost device, say):
    /// the next draw rebuilds the display list (inputs handled while there
    /// was no renderer did not reach it) and redraws everything.
    pub fn set_renderer(&mut self, renderer: Option<Renderer>) {
        self.renderer = renderer;
        // Inputs handled while there was none did not reach the list.
        self.list_work.build = true;
        self.pending = Redraw::All;
    }

    /// In a frame that has taken less than `prepare_ahead_within_ms` so
    /// far (`spent`) and did not itself change the tree, makes what a
    /// later gesture would otherwise make in its own frame
    /// ([`Editor::prepare_ahead`]): the first nudge of everything after a
    /// paste or an undo at 100,000 widgets made the layout's paint order
    /// in its frame, 4 ms of it. It is made a slice a frame
    /// ([`trellis_geometry::Geometry::prepare_bulk_moves`]): made whole in
    /// one frame it was 6 to 10 ms of that frame on a 2-core VM. Call it
    /// once the frame is submitted, so that the GPU draws meanwhile ([`Canvas::frame`] and [`Canvas::draw`]
    /// do; after [`Canvas::draw_into`] the app does). Returns how long it
    /// took, when it made anything.
    pub fn prepare_ahead(&mut self, spent: Duration) -> Option<Duration> {
        if self.tree_changed || spent.as_secs_f64() * 1e3 >= self.prepare_ahead_within_ms {
            return None;
        }
        let started = Instant::now();
        self.editor.prepare_ahead().then(|| started.elapsed())
    }

    fn draw_pending(
        &mut self,
        step: &Step,
        time: f32,
        wait: bool,
        record: &mut FrameRecord,
    ) -> Result<(), CanvasError> {
        self.draw_pending_into(step, time, None, record)?;
        // Submitted: the GPU draws the frame meanwhile. Timed as layout.
        let spent = self.created.elapsed().saturating_sub(Duration::from_secs_f64(record.start_ms / 1e3));
        if let Some(took) = self.prepare_ahead(spent)
            && self.instrumented
        {
            record.layout_ns += took.as_nanos() as u64;
        }
        if wait && let Some(r) = &mut self.renderer {
            let waited = Instant::now();
            r.finish();
            if self.instrumented {
                record.wait_ns = waited.elapsed().as_nanos() as u64;
                record.gpu_ns = r.gpu_time_ns();
            }
        }
        Ok(())
    }

    fn draw_pending_into(
        &mut self,
        step: &Step,
        time: f32,
        encoder: Option<&mut trellis_render::wgpu::CommandEncoder>,
        record: &mut FrameRecord,
    ) -> Result<(), CanvasError> {
        let start = self.instrumented.then(Instant::now);
        self.tree_changed = false;
        if !self.list_work.is_empty() {
            let redraw = self.update_list(record);
            self.pending = merge_redraw(std::mem::replace(&mut self.pending, Redraw::Nothing), redraw);
        }
        let view = self.view();
        self.overlays.set_factor(view.factor());
        paint_overlays(&step.overlays, &mut self.overlays);
        let mut changed = std::mem::take(&mut self.changed);
        self.list.take_changed_into(&mut changed);
        let redraw = std::mem::replace(&mut self.pending, Redraw::Nothing);
        let listed = self.instrumented.then(Instant::now);
        if let (Some(start), Some(listed)) = (start, listed) {
            record.display_list_ns += listed.duration_since(start).as_nanos() as u64;
        }
        if let Some(r) = &mut self.renderer {
            let drawn = match (r, encoder) {
                (Renderer::Gpu(g), Some(encoder)) => g
                    .record(encoder, &self.list, &changed, &view, &redraw, &self.overlays, time)
                    .map_err(RenderError::from),
                (r, _) => r.draw(&self.list, &changed, &view, &redraw, &self.overlays, time),
            };
            let report = match drawn {
                Ok(report) => report,
                Err(e) => {
                    // The changes taken for this draw never reached the
                    // renderer: the next draw starts from the whole list.
                    self.list_work.build = true;
                    self.pending = Redraw::All;
                    self.changed = changed;
                    return Err(e.into());
                }
            };
            record.redrawn_pixels = report.redrawn_pixels;
            record.resampled = report.resampled;
            record.caught_up = report.caught_up;
            record.moved_by_copy = report.translated.is_some();
            record.drawn_over = report.drawn_over;
            record.stale_pixels = report.stale_pixels;
            record.composed_pixels = report.composed_pixels;
            record.copied_pixels = report.copied_pixels;
            if let Some(listed) = listed {
                record.encode_ns = listed.elapsed().as_nanos() as u64;
            }
            if let Some(r) = &self.renderer {
                record.gpu_ns = r.gpu_time_ns();
            }
        }
        self.changed = changed;
        // The regions' room is kept for the next frame (none for
        // everything or nothing: the spare stays).
        let mut regions = redraw.into_regions();
        if regions.capacity() > 0 && regions.capacity() <= MAX_SPARE_REGIONS {
            regions.clear();
            self.spare_regions = regions;
        }
        Ok(())
    }

    /// Brings the display list up to date with the steps handled since the
    /// last draw and says what of the canvas to redraw.
    fn update_list(&mut self, record: &mut FrameRecord) -> Redraw {
        let mut work = std::mem::take(&mut self.list_work);
        self.tree_changed = work.build || !work.restructured.is_empty();
        let redraw = self.bring_list_up_to_date(&mut work, record);
        work.clear();
        self.list_work = work;
        redraw
    }

    fn bring_list_up_to_date(&mut self, work: &mut ListWork, record: &mut FrameRecord) -> Redraw {
        let (doc, geometry) = (self.editor.doc(), self.editor.geometry());
        if work.build {
            self.list = DisplayList::build(doc, geometry, &self.theme);
            record.rebuilt = true;
            return Redraw::All;
        }
        // Each widget once, as it is now (several steps may name it).
        for ids in [&mut work.restructured, &mut work.repaint] {
            ids.sort_unstable();
            ids.dedup();
        }
        if work.moved.len() <= FEW_MOVED {
            work.moved.sort_unstable();
            work.moved.dedup();
        } else {
            dedup_in_order(&mut work.moved, &mut self.seen);
        }
        // A new view rebuilds nothing (the design did not change; a full
        // rebuild at 10,000 widgets is most of a frame), and redraws what
        // the renderer sees it needs: it compares the view with the one it
        // last drew, moves the canvas by a copy for a pan by whole pixels
        // and redraws all of it for a zoom.
        self.patch_list(work, record)
    }

    /// Brings the list up to date with what the steps changed in the design.
    fn patch_list(&mut self, work: &ListWork, record: &mut FrameRecord) -> Redraw {
        let mut regions = std::mem::take(&mut self.spare_regions);
        let (doc, geometry) = (self.editor.doc(), self.editor.geometry());
        // `regions`: what was patched or followed before the rebuild, whose
        // old places the rebuild no longer knows (their items moved).
        let rebuild = |list: &mut DisplayList, record: &mut FrameRecord, mut regions: Vec<Rect>| {
            record.rebuilt = true;
            let changed: Vec<_> = work.repaint.iter().chain(&work.moved).copied().collect();
            let patched_before = !regions.is_empty();
            let (made, added) = list.rebuild_noting_additions(doc, geometry, &self.theme, &work.restructured, &changed);
            regions.extend(made);
            // Widgets added over everything else, and nothing else changed:
            // drawn over the canvas as it is (a paste of 1,000 widgets at
            // 10,000 redrew the originals under them too).
            match added {
                Some(first) if !patched_before => Redraw::Over { regions, first },
                _ => Redraw::Regions(regions),
            }
        };
        if !work.restructured.is_empty() {
            return rebuild(&mut self.list, record, regions);
        }
        for id in &work.repaint {
            if !self.list.patch_into(doc, geometry, &self.theme, *id, &mut regions) {
                // Shown or hidden: the paint order changed after all.
                return rebuild(&mut self.list, record, regions);
            }
        }
        // Whether every item over the window moved by one distance, and
        // from where: the renderer may then move their pixels by a copy.
        // Those moved that only translated their items are followed at
        // once (on two threads, when many); the rest one by one.
        let ids: &[trellis_model::WidgetId] = if work.repaint.is_empty() {
            &work.moved
        } else {
            let mut kept = std::mem::take(&mut self.moved_scratch);
            kept.clear();
            kept.extend(work.moved.iter().filter(|id| work.repaint.binary_search(id).is_err()));
            self.moved_scratch = kept;
            &self.moved_scratch
        };
        let in_two = self.threads >= 2 && ids.len() >= FOLLOW_ON_TWO_THREADS;
        let many = self.list.follow_many(geometry.drawn_boxes(), ids, in_two, &mut regions);
        let mut shift = many.shift;
        let mut uniform = work.repaint.is_empty() && !many.mixed;
        let mut translated = many.translated;
        for id in &many.rest {
            let old = regions.len();
            match self.list.follow(doc, geometry, &self.theme, *id, &mut regions) {
                None => return rebuild(&mut self.list, record, regions),
                Some(Followed::Translated(by)) => {
                    translated += 1;
                    let from = regions[old];
                    match &mut shift {
                        None => {
                            let mut extremes = Extremes::default();
                            extremes.hold(&from);
                            shift = Some((by, extremes));
                        }
                        Some((d, extremes)) if *d == by => extremes.hold(&from),
                        Some(_) => uniform = false,
                    }
                }
                Some(Followed::Remade) => uniform = false,
                // A hidden tab page moved with its tabs draws nothing.
                Some(Followed::Unseen) => {}
            }
            if regions.len() >= 2 * MAX_DAMAGE_REGIONS {
                trellis_render::fold_regions(&mut regions);
            }
        }
        let everything = uniform && translated + 1 == self.list.items.len();
        if regions.is_empty() {
            self.spare_regions = regions;
            return Redraw::Nothing;
        }
        match shift.and_then(|(by, extremes)| Some((by, extremes.rect()?))) {
            Some((by, from)) if everything && (by.x != 0.0 || by.y != 0.0) => Redraw::Translated { regions, from, by },
            _ => Redraw::Regions(regions),
        }
    }
}

/// How long a frame may have taken for [`Canvas::prepare_ahead`] to do
/// work ahead in it (a slice of the layout's paint order: about a
/// millisecond at 100,000 widgets, a third of one at 10,000): it then
/// stays well within a 60 Hz frame.
pub const PREPARE_AHEAD_WITHIN_MS: f64 = 6.0;

/// Up to this many moved widgets between two draws are sorted, which
/// orders most of them as they are painted (widgets are mostly made in
/// that order): an item whose number of instances changed gets new ones
/// at the end of the renderer's buffer, in the order followed, and in
/// paint order they draw in fewer runs (a demo session's marquee and redo
/// took 0.6 ms more of lavapipe's time otherwise). More (a nudge of
/// everything names each widget of each moved subtree in paint order)
/// are only rid of repeats, which costs a fraction of a sort.
const FEW_MOVED: usize = 4096;

/// Removes the repeats from `ids`, keeping the first of each, in one pass
/// over a table by slot (`seen`, left all `None` again): sorting them
/// instead took about 2 ms in a nudge of everything at 100,000 widgets.
/// Two ids of one slot (a widget freed, another made in its place) are
/// sorted as before.
fn dedup_in_order(ids: &mut Vec<trellis_model::WidgetId>, seen: &mut Vec<Option<trellis_model::WidgetId>>) {
    let mut kept = 0;
    let mut shared_slot = false;
    for k in 0..ids.len() {
        let id = ids[k];
        let slot = id.slot();
        if slot > 4 * trellis_model::limits::MAX_WIDGETS {
            shared_slot = true;
            break;
        }
        if seen.len() <= slot {
            seen.resize(slot + 1, None);
        }
        match seen[slot] {
            Some(other) if other == id => continue,
            Some(_) => {
                shared_slot = true;
                break;
            }
            None => {
                seen[slot] = Some(id);
                ids[kept] = id;
                kept += 1;
            }
        }
    }
    for id in &ids[..kept] {
        seen[id.slot()] = None;
    }
    if shared_slot {
        // What was kept is a prefix with repeats removed; all of it is
        // still in `ids` past `kept`, unsorted: sort the whole.
        ids.sort_unstable();
        ids.dedup();
    } else {
        ids.truncate(kept);
    }
}

/// Beyond this many damaged regions between two draws, the canvas is redrawn whole.
const MAX_PENDING_REGIONS: usize = 4096;

/// Two redraws as one: everything wins, regions add up (a translation
/// with anything else is regions: the copy would move what else changed;
/// additions over everything with anything else are regions too: what
/// else changed may be under them).
fn merge_redraw(a: Redraw, b: Redraw) -> Redraw {
    match (a, b) {
        (Redraw::All, _) | (_, Redraw::All) => Redraw::All,
        (Redraw::Nothing, x) | (x, Redraw::Nothing) => x,
        (a, b) => {
            let (mut a, b) = (a.into_regions(), b.into_regions());
            // Many small regions cost more to clip and draw than one pass.
            if a.len() + b.len() > MAX_PENDING_REGIONS {
                return Redraw::All;
            }
            a.extend(b);
            Redraw::Regions(a)
        }
    }
}

#[cfg(test)]
mod tests {
    use trellis_model::{Command, Document, WidgetId, WidgetKind, WidgetTree, generate};

    use super::dedup_in_order;

    /// Regression test for the repeats among the widgets several steps
    /// moved between two draws (sorted away, 2 ms at 100,000): each is
    /// kept once, in the order first met, and the table is left empty.
    #[test]
    fn moved_widgets_named_twice_are_followed_once_in_the_order_first_named() {
        let doc = generate(40, 3);
        let ids: Vec<WidgetId> = doc.iter().map(|w| w.id()).collect();
        let mut named = vec![ids[7], ids[3], ids[7], ids[20], ids[3], ids[3], ids[0], ids[20]];
        let mut seen = Vec::new();
        dedup_in_order(&mut named, &mut seen);
        assert_eq!(named, [ids[7], ids[3], ids[20], ids[0]]);
        assert!(seen.iter().all(Option::is_none), "the table is empty again");
        let mut again = vec![ids[3], ids[3]];
        dedup_in_order(&mut again, &mut seen);
        assert_eq!(again, [ids[3]], "nothing kept from the last call");
    }

    /// A freed widget's slot taken by a new one: the two ids differ and
    /// both are kept (as a sort keeps them), each once.
    #[test]
    fn two_widgets_of_one_slot_are_both_kept() {
        let mut doc = Document::new();
        let root = doc.root();
        let insert = |doc: &mut Document| {
            let tree = WidgetTree::bare(WidgetKind::Button);
            doc.execute(Command::Insert { parent: root, index: None, tree }).unwrap().created[0]
        };
        let (kept, freed) = (insert(&mut doc), insert(&mut doc));
        doc.execute(Command::Delete { ids: vec![freed] }).unwrap();
        doc.clear_history();
        let reused = insert(&mut doc);
        assert_eq!(reused.slot(), freed.slot(), "the arena reuses the freed slot");
        assert_ne!(reused, freed);
        let mut named = vec![kept, freed, kept, reused, freed, reused];
        let mut seen = Vec::new();
        dedup_in_order(&mut named, &mut seen);
        let mut want = vec![kept, freed, reused];
        want.sort_unstable();
        assert_eq!(named, want);
        assert!(seen.iter().all(Option::is_none));
    }
}
