//! The GPU backend: the display list drawn by wgpu into a persistent canvas
//! texture, with the overlay layer composed over it into a frame texture.
//!
//! Shapes (rounded rectangles with borders, shadows, lines, images) are
//! instances of one antialiased quad (`shapes.wgsl`, `instances.rs`, images
//! from `atlas.rs`); text goes through glyphon (`text.rs`). Each
//! display-list item owns a range of the instance buffer, so that moving a
//! widget rewrites its few instances, not the list. A frame redraws only
//! the damaged part of the canvas (`damage.rs`), scissored, in batches that
//! keep paint order between shapes and text (`batching.rs`); a change of
//! view or of the whole list redraws it all. When the device is lost,
//! everything made from it (`device.rs`) is rebuilt from what is retained
//! here (`recovery.rs`), and the next frame looks as the last one did. GPU
//! time comes from timestamp queries read back frames later
//! (`timestamps.rs`); `readback.rs` copies a frame to the CPU.
//!
//! This file ties them together: the renderer, its frame, and what a frame
//! reports.

mod atlas;
mod batching;
mod compose;
mod damage;
mod device;
mod instances;
mod planted;
mod readback;
mod recovery;
mod refine;
mod text;
mod timestamps;

use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cosmic_text::{FontSystem, SwashCache};
use trellis_diag::GpuLibraryCall;
use trellis_model::{Color, Rect};

use self::atlas::AtlasImage;
use self::device::{DeviceState, Globals};
use self::instances::{Instance, Pipe};
use self::text::ShapedText;
use self::timestamps::Timer;
use crate::adapter::{BackendKind, Gpu};
use crate::display_list::DisplayList;
use crate::overlay::OverlayLayer;
use crate::view::View;

pub use self::device::{FALLBACK_TEXTURE_FORMAT, TEXTURE_FORMAT, preferred_target_format};
pub use self::planted::GpuPlantedLeak;
pub use self::recovery::Recoveries;

/// Why the GPU backend could not draw.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GpuError {
    /// The view asks for a target the device cannot make.
    #[error("a target of {width}x{height} pixels cannot be made: both sides must be from 1 to {max}")]
    Size {
        /// The width asked for, in device pixels.
        width: u32,
        /// The height asked for, in device pixels.
        height: u32,
        /// The largest side this device allows.
        max: u32,
    },
    /// The device was lost and no adapter could open a new one; the CPU
    /// backend is what is left.
    #[error("the GPU device was lost and could not be opened again ({reason}); draw with the CPU backend instead")]
    Lost {
        /// Why no device could be opened, as the backend policy says it.
        reason: String,
    },
    /// Copying the frame back to the CPU failed; the frame itself may be fine.
    #[error("reading the frame back from the GPU failed: {0}")]
    Readback(String),
}

/// What a frame redraws of the canvas.
#[derive(Clone, Debug, PartialEq)]
pub enum Redraw {
    /// Nothing changed on the canvas (the overlays may have).
    Nothing,
    /// These design regions changed: old and new places of what moved.
    Regions(Vec<Rect>),
    /// These design regions changed because every item but the first (the
    /// window under everything) moved by `by`, design units, from within
    /// `from` (a select-all nudge): where redrawing them would cost more
    /// than [`GpuRenderer::refine_budget`], the GPU backend moves their
    /// pixels by a copy, draws exactly only the strips the move uncovers,
    /// and brings the moved part back to an exact drawing over the next
    /// frames, as after a zoom. Anywhere else it means `Regions`.
    Translated {
        /// Old and new places of every item moved.
        regions: Vec<Rect>,
        /// Where the moved items were, all of them.
        from: Rect,
        /// How far they moved.
        by: trellis_geometry::Point,
    },
    /// New items were added over everything else, within these design
    /// regions: the items from `first` on, the last of the list (a paste,
    /// a duplicate, a widget dropped on the window). What lies under them
    /// is drawn already, so the GPU backend draws only them, over the
    /// canvas as it is, where the canvas is exact (no zoom still being
    /// drawn exactly, no pan this frame). Anywhere else it means `Regions`.
    /// The result is a full redraw's to the bit while the region's plan
    /// keeps paint order; past the cap on a region's batches (256) a full
    /// redraw gives up the order between shapes and text, and drawn over,
    /// the new items keep it among themselves.
    Over {
        /// Where the new items are.
        regions: Vec<Rect>,
        /// The first new item; every item after it is new too.
        first: usize,
    },
    /// Everything.
    All,
}

impl Redraw {
    /// The design regions to redraw, if not everything (nor nothing).
    pub fn regions(&self) -> Option<&[Rect]> {
        match self {
            Redraw::Regions(r) | Redraw::Translated { regions: r, .. } | Redraw::Over { regions: r, .. } => Some(r),
            Redraw::Nothing | Redraw::All => None,
        }
    }

    /// The design regions to redraw, taken out with their room; empty for
    /// everything or nothing.
    pub fn into_regions(self) -> Vec<Rect> {
        match self {
            Redraw::Regions(r) | Redraw::Translated { regions: r, .. } | Redraw::Over { regions: r, .. } => r,
            Redraw::Nothing | Redraw::All => Vec::new(),
        }
    }
}

/// What one frame did, for statistics and tests.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameReport {
    /// The canvas region redrawn, in device pixels (x, y, w, h); `None`
    /// when the canvas was kept as it was.
    pub redrawn: Option<(u32, u32, u32, u32)>,
    /// The whole canvas was redrawn (a new view, target size or list).
    pub full: bool,
    /// Device pixels redrawn, over every region.
    pub redrawn_pixels: u64,
    /// Shape instances drawn on the canvas.
    pub instances: usize,
    /// Text runs drawn on the canvas.
    pub texts: usize,
    /// Render batches: a batch starts where a shape would cover text drawn before it.
    pub batches: usize,
    /// Instances rewritten in the retained buffer by patches.
    pub patched_instances: usize,
    /// Spans of rewritten instances, places and looks, uploaded by copies
    /// from one staging buffer: many, far apart in the buffer (0 where
    /// each span was written by the queue, or one span around them all).
    pub copied_spans: usize,
    /// The same, of instances only moved: their places alone.
    pub copied_place_spans: usize,
    /// CPU time to prepare buffers, record and submit, in nanoseconds.
    pub encode_ns: u64,
    /// The device was lost and rebuilt before this frame, taking this long.
    pub recovered: Option<Duration>,
    /// The view panned by these whole device pixels (what the canvas
    /// showed moved right and down), and the canvas was moved by a copy.
    pub scrolled: Option<(i32, i32)>,
    /// Everything over the window moved by these whole device pixels
    /// ([`Redraw::Translated`]) and its pixels were moved by a copy: only
    /// the strips the move uncovered were drawn exactly, the rest is
    /// brought back to an exact drawing over the next frames.
    pub translated: Option<(i32, i32)>,
    /// The view changed by more than a pan and the whole view would cost
    /// more than [`GpuRenderer::refine_budget`] to draw: the last frame
    /// was scaled to the new view, to be drawn exactly tile by tile.
    pub resampled: bool,
    /// The canvas, kept as it was while a zoom's steps were resampled
    /// from it straight into the frame, was resampled to the view shown
    /// before anything else was drawn: the first frame after the steps
    /// that is not one (a pan, an edit, the frames that bring the view
    /// back). Like a resampling, it is the frame's work: it draws no tiles.
    pub caught_up: bool,
    /// Only the items added over everything else were drawn, over the
    /// canvas as it was ([`Redraw::Over`]).
    pub drawn_over: bool,
    /// Stale tiles drawn exactly this frame.
    pub refined_tiles: usize,
    /// Items in view counted to cost stale tiles (in cells), once a view
    /// and list structure: by the first frame with a budget for tiles,
    /// which then draws less by what counting cost (up to half its
    /// budget), or to weigh moving everything by a copy against drawing
    /// it; never by a frame that only resamples.
    pub counted_items: usize,
    /// Device pixels still showing a resampled drawing after this frame:
    /// while any are, [`GpuRenderer::is_refining`] asks for more frames.
    pub stale_pixels: u64,
    /// Device pixels of the frame composed again (the canvas copied and
    /// the overlays drawn over it): where the canvas was redrawn or an
    /// overlay changed, or all of them. A copy that moved the canvas's
    /// pixels moved the frame's too, overlays and all, unless this is all
    /// of them.
    pub composed_pixels: u64,
    /// Device pixels copied to move the canvas's and the frame's pixels
    /// (a pan, a nudge of everything): none where the move rounds to no
    /// pixel (still `translated`, by none).
    pub copied_pixels: u64,
}

/// Live GPU objects, as wgpu counts them, and the renderer's own caches:
/// what leak checks watch. Counts, for comparing over time; not a budget.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct GpuObjects {
    /// Live buffers.
    pub buffers: isize,
    /// Bytes of buffer memory.
    pub buffer_bytes: isize,
    /// Bytes of texture memory: a count of textures is not kept reliably
    /// by every wgpu backend (Vulkan counts only imported ones), their
    /// memory is.
    pub texture_bytes: isize,
    /// Live texture views.
    pub texture_views: isize,
    /// Live bind groups.
    pub bind_groups: isize,
    /// Live render pipelines.
    pub pipelines: isize,
    /// Texts kept shaped for drawing.
    pub shaped_texts: usize,
    /// Image files placed in the atlas (or known not to load).
    pub atlas_images: usize,
    /// glyphon renderers, one per batch of the busiest frame so far.
    pub text_renderers: usize,
}

/// Draws display lists on an opened GPU device.
pub struct GpuRenderer {
    gpu: Gpu,
    backend: BackendKind,
    state: DeviceState,
    lost: Arc<AtomicBool>,
    errors: Arc<Mutex<Vec<String>>>,
    fonts: FontSystem,
    glyphs: SwashCache,
    texts: crate::image_file::FastMap<u64, ShapedText>,
    /// Keys a shaped text by its content and box (seeded per run). A key
    /// found is checked against the text, so a collision shapes again;
    /// two colliding texts in one frame would share the later one's
    /// shaping (64-bit keys: about one chance in 10^11 for a million texts).
    text_keys: foldhash::quality::RandomState,
    greek: crate::text::GreekCache,
    images: crate::image_file::ImageTable<Option<AtlasImage>>,
    image_allocator: etagere::AtlasAllocator,
    /// The retained instances, a range per display-list item.
    instances: Vec<Instance>,
    ranges: Vec<Range<u32>>,
    /// Each item's bounds, in paint order as `ranges`, kept as the
    /// instances are: finding a frame's items walks these 16 bytes an item
    /// rather than the items themselves (a cache line or two each: 10 MB
    /// at 100,000 widgets, walked by every frame of several regions).
    item_bounds: Vec<Rect>,
    /// Each item's texts (`Item::texts`), in paint order as `ranges`, kept
    /// as the bounds are: what the cost estimate charges for them
    /// (`refine::Items`).
    item_texts: Vec<u32>,
    /// What each item's instances were made from, in paint order as
    /// `ranges` (`instances::Made`).
    made_from: Vec<instances::Made>,
    /// The items whose instances lag behind them, rewritten when drawn.
    stale: instances::Stale,
    /// Items whose instances were moved in place (`items_moved_in_place`).
    moved_in_place: u64,
    /// Each widget's instances, wherever they are in the buffer.
    by_widget: slotmap::SecondaryMap<trellis_model::WidgetId, Range<u32>>,
    /// Scratch for an item's instances and the items made again.
    fresh: Vec<Instance>,
    remade: Vec<bool>,
    /// Instances rewritten in place, to upload at the end of the update.
    dirty: Vec<Range<u32>>,
    /// Instances only moved in place: their places alone go up.
    dirty_places: Vec<Range<u32>>,
    /// Where the frame's updates began appending instances, to upload.
    appended_from: Option<usize>,
    /// The last frame's own instances and batches, emptied, their room kept
    /// for the next frame's (a drag frame made them anew every time).
    frame_scratch: Vec<Instance>,
    frame_batches: batching::BatchPool,
    /// The texts each frame places, kept.
    placed_texts: text::PlacedTexts,
    /// The buffers each frame works out its regions in, kept.
    damage_scratch: damage::DamageScratch,
    /// The parts of the frame composed again, each with its overlays'
    /// instances: kept from frame to frame while small.
    compose_parts: Vec<(compose::Scissor, Range<u32>)>,
    /// The list structure (`DisplayList::revision`) the ranges follow.
    revision: Option<u64>,
    /// The list epoch and view the canvas texture shows.
    epoch: Option<u64>,
    shown: Option<View>,
    /// The view the canvas texture was last drawn for, where a zoom's
    /// steps were resampled from it straight into the frame since (the
    /// canvas is then not `shown`); `None` when it is `shown`. The first
    /// frame of another kind resamples the canvas once to catch up.
    canvas_view: Option<View>,
    frames: u64,
    last_gpu_ns: Option<u64>,
    /// The timestamp slot of a frame recorded into a caller's encoder,
    /// mapped once the caller has submitted it.
    pending_timer: Option<usize>,
    recoveries: Recoveries,
    /// What of the canvas shows a resampled drawing, to bring back.
    refinement: refine::Refinement,
    /// What the frame texture shows over the canvas.
    composed: compose::Composed,
    /// What a frame draws, at most, to bring a resampled canvas back, in
    /// instances (128 device pixels of widget boxes, or of the tiles
    /// redrawn, count as one); a new view whose widgets cost more than
    /// this to draw whole is resampled first (see `refine.rs`). By default
    /// 4,000 on a software adapter (about 5 ms on lavapipe) and 1,000,000
    /// on a GPU, where a view would need about a million widgets in it
    /// to be resampled. 0 draws every view whole.
    pub refine_budget: usize,
    /// Tint each redrawn region in the frame (not the canvas), to see what a frame redrew.
    pub tint_redraws: bool,
    /// Draw a large opaque rectangle as its inside, unblended, and four
    /// strips around it (`instances.rs`); on by default. Off, each is
    /// drawn whole and blended, as before: the same picture, for
    /// comparisons. Read whenever an item's instances are made: set it
    /// before the first frame, or items made before the change keep theirs.
    pub opaque_insides: bool,
    /// Draw a large translucent rectangle (a faded widget, a translucent
    /// fill) as its inside, by a shader that returns the fill, and four
    /// strips around it (`instances.rs`); on by default. Off, it is drawn
    /// whole: the same picture (to a level on lavapipe, which interpolates
    /// the inside's flat colour in 8 bits), for comparisons. Set it before
    /// the first frame, as `opaque_insides`.
    pub translucent_insides: bool,
    /// Draw rectangles and lines with the common pipeline's lean shader
    /// (fewer varyings, less work a pixel: `shapes.wgsl`); on by default.
    /// Off, they are drawn by the full shader that draws every kind: the
    /// same picture, for comparisons. Insides drawn apart and region clears
    /// keep their own pipelines either way.
    pub lean_shapes: bool,
    /// The fewest overlay instances (selection outlines and handles; a
    /// large outline is four) for which a copy that moves the canvas's
    /// pixels (a nudge of everything) moves the frame's too, overlays and
    /// all, rather than composing the frame again whole. Moving costs two
    /// more copies of the moved pixels (through the canvas's twin);
    /// composing, one copy of the whole canvas and every overlay drawn
    /// again. On lavapipe a copy of most of a 1280x800 frame costs about
    /// what 500 outline strips do: at 10,000 widgets (2,224 strips)
    /// moving saved 2.5 ms of GPU time a nudge; in the demo (a dozen
    /// overlays) it cost 0.2 to 0.3 ms more. By default 512; `usize::MAX`
    /// never moves the frame.
    pub min_overlays_moved: usize,
    /// The directory image paths are relative to (the design file's).
    pub base_dir: PathBuf,
}

impl std::fmt::Debug for GpuRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuRenderer")
            .field("adapter", &self.gpu.info.name)
            .field("backend", &self.backend)
            .field("frames", &self.frames)
            .finish_non_exhaustive()
    }
}

impl GpuRenderer {
    /// A renderer on an opened device, drawing in the format it prefers
    /// there ([`preferred_target_format`]: [`TEXTURE_FORMAT`] but on OpenGL).
    pub fn new(gpu: Gpu) -> Self {
        let format = preferred_target_format(&gpu.adapter);
        Self::with_target_format(gpu, format)
    }

    /// A renderer whose canvas and frame textures are in `format`: the
    /// app asks for its window surface's format (without sRGB) so that a
    /// frame reaches the window by a copy, with no shading pass. Either
    /// [`TEXTURE_FORMAT`] or [`FALLBACK_TEXTURE_FORMAT`], as asked where
    /// the adapter can draw and blend in it, else the other; any other
    /// format means [`preferred_target_format`]. The values are
    /// sRGB-encoded either way ([`GpuRenderer::target_format`] says which).
    pub fn with_target_format(gpu: Gpu, format: wgpu::TextureFormat) -> Self {
        let format = device::target_format(&gpu.adapter, format);
        let lost = Arc::new(AtomicBool::new(false));
        let errors = Arc::new(Mutex::new(Vec::new()));
        recovery::watch_device(&gpu.device, &lost, &errors);
        let state = DeviceState::new(&gpu, format);
        let backend = crate::adapter::backend_of(&gpu.info);
        let refine_budget = if gpu.info.device_type == wgpu::DeviceType::Cpu { 4_000 } else { 1_000_000 };
        GpuRenderer {
            gpu,
            backend,
            state,
            lost,
            errors,
            fonts: trellis_text::font_system(),
            glyphs: SwashCache::new(),
            texts: Default::default(),
            text_keys: Default::default(),
            greek: crate::text::GreekCache::default(),
            images: Default::default(),
            image_allocator: atlas::allocator(),
            instances: Vec::new(),
            ranges: Vec::new(),
            item_bounds: Vec::new(),
            item_texts: Vec::new(),
            made_from: Vec::new(),
            stale: instances::Stale::default(),
            moved_in_place: 0,
            by_widget: slotmap::SecondaryMap::new(),
            fresh: Vec::new(),
            remade: Vec::new(),
            dirty: Vec::new(),
            dirty_places: Vec::new(),
            appended_from: None,
            frame_scratch: Vec::new(),
            frame_batches: batching::BatchPool::default(),
            damage_scratch: damage::DamageScratch::default(),
            placed_texts: text::PlacedTexts::default(),
            compose_parts: Vec::new(),
            revision: None,
            epoch: None,
            shown: None,
            canvas_view: None,
            frames: 0,
            last_gpu_ns: None,
            pending_timer: None,
            recoveries: Recoveries::default(),
            refinement: refine::Refinement::default(),
            composed: compose::Composed::default(),
            refine_budget,
            tint_redraws: false,
            opaque_insides: true,
            translucent_insides: true,
            lean_shapes: true,
            min_overlays_moved: 512,
            base_dir: PathBuf::from("."),
        }
    }

    /// The adapter drawing, as wgpu describes it.
    pub fn adapter(&self) -> &wgpu::AdapterInfo {
        &self.gpu.info
    }

    /// The backend the adapter runs on.
    pub fn backend(&self) -> BackendKind {
        self.backend
    }

    /// Whether some of the canvas still shows a resampled drawing: the
    /// next frames bring it back to an exact one, so draw them even when
    /// nothing changed.
    pub fn is_refining(&self) -> bool {
        self.refinement.is_stale()
    }

    /// How many display-list items have instances not yet rewritten since
    /// they changed: an item's instances are brought up to date when a
    /// frame draws it, so after a nudge of everything moved by a copy
    /// most wait for the tiles that redraw them.
    pub fn stale_items(&self) -> usize {
        self.stale.len()
    }

    /// How many items have had their instances moved in place since the
    /// renderer was made, rather than made again from their primitives
    /// (an item only moved once since its instances were made).
    pub fn items_moved_in_place(&self) -> u64 {
        self.moved_in_place
    }

    /// The device drawing, for a presenter to share (copying the frame
    /// texture to a surface). It changes when a lost device is rebuilt, so
    /// do not keep it across frames.
    pub fn device(&self) -> &wgpu::Device {
        &self.gpu.device
    }

    /// The canvas texture: the design, without overlays (during a zoom
    /// gesture whose steps are resampled straight into the frame, as drawn
    /// for the view the gesture began from). It is drawn into frame after
    /// frame: read it, never write to it. A pan, a zoom or a
    /// move of everything swaps it with its twin, so do not keep it
    /// across frames.
    pub fn canvas_texture(&self) -> Option<&wgpu::Texture> {
        self.state.canvas.as_ref().map(|t| &t.canvas.texture)
    }

    /// The format of the canvas and frame textures.
    pub fn target_format(&self) -> wgpu::TextureFormat {
        self.state.format
    }

    /// The last frame: the canvas with the overlays over it, in
    /// [`GpuRenderer::target_format`]. It is another texture after a frame
    /// that moved its pixels (a nudge of everything moves them into the
    /// spare, which becomes the frame), when the size changes and when the
    /// device is rebuilt: ask for it after each frame, and do not keep it.
    pub fn frame_texture(&self) -> Option<&wgpu::Texture> {
        self.state.canvas.as_ref().map(|t| &t.frame.texture)
    }

    /// GPU time of the newest frame whose timestamps have been read back;
    /// `None` where the adapter has no timestamp queries.
    pub fn gpu_time_ns(&self) -> Option<u64> {
        self.last_gpu_ns
    }

    /// Live GPU objects (wgpu's counters) and the renderer's caches.
    pub fn live_objects(&self) -> GpuObjects {
        let c = self.gpu.device.get_internal_counters();
        let hal = &c.hal;
        GpuObjects {
            buffers: hal.buffers.read(),
            buffer_bytes: hal.buffer_memory.read(),
            texture_bytes: hal.texture_memory.read(),
            texture_views: hal.texture_views.read(),
            bind_groups: hal.bind_groups.read(),
            pipelines: hal.render_pipelines.read(),
            shaped_texts: self.texts.len() + self.greek.len(),
            atlas_images: self.images.len(),
            text_renderers: self.state.text_renderers.len(),
        }
    }

    /// Draws a frame: brings the canvas up to date with `list` (only
    /// `redraw` of it when nothing else changed), then composes `overlays`
    /// over it into the frame texture. `changed` are the items patched
    /// since the last frame (`DisplayList::take_changed`). `time` animates
    /// pulsing feedback. The GPU work is submitted, not waited for: see
    /// [`GpuRenderer::finish`].
    pub fn draw(
        &mut self,
        list: &DisplayList,
        changed: &[usize],
        view: &View,
        redraw: &Redraw,
        overlays: &OverlayLayer,
        time: f32,
    ) -> Result<FrameReport, GpuError> {
        self.check_size(view)?;
        let mut report = FrameReport::default();
        let _ = GpuLibraryCall::run(|| self.gpu.device.poll(wgpu::PollType::Poll));
        if self.is_lost() {
            report.recovered = Some(self.recover()?);
        }
        let start = Instant::now();
        let mut encoder = GpuLibraryCall::run(|| {
            self.gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("trellis frame") })
        });
        self.encode(&mut encoder, list, changed, view, redraw, overlays, time, &mut report);
        GpuLibraryCall::run(|| self.gpu.queue.submit([encoder.finish()]));
        self.submitted();
        report.encode_ns = start.elapsed().as_nanos() as u64;
        Ok(report)
    }

    /// Records a frame, as [`GpuRenderer::draw`] draws it, into `encoder`
    /// (made on this renderer's device): the app records the canvas and
    /// its own passes in one command buffer and submits once. Call
    /// [`GpuRenderer::submitted`] after submitting it. A lost device is
    /// not recovered here (the encoder belongs to it): the error says so,
    /// and the device's owner opens a new one.
    pub fn record(
        &mut self,
        encoder: &mut wgpu::CommandEncoder,
        list: &DisplayList,
        changed: &[usize],
        view: &View,
        redraw: &Redraw,
        overlays: &OverlayLayer,
        time: f32,
    ) -> Result<FrameReport, GpuError> {
        self.check_size(view)?;
        let _ = GpuLibraryCall::run(|| self.gpu.device.poll(wgpu::PollType::Poll));
        if self.is_lost() {
            return Err(GpuError::Lost { reason: "the device was lost; its owner opens a new one".into() });
        }
        let start = Instant::now();
        let mut report = FrameReport::default();
        self.encode(encoder, list, changed, view, redraw, overlays, time, &mut report);
        report.encode_ns = start.elapsed().as_nanos() as u64;
        Ok(report)
    }

    /// The frame recorded by [`GpuRenderer::record`] was submitted: its
    /// GPU timing can be read back.
    pub fn submitted(&mut self) {
        if let (Some(slot), Some(t)) = (self.pending_timer.take(), self.state.timer.as_ref()) {
            t.map(slot);
        }
    }

    fn check_size(&self, view: &View) -> Result<(), GpuError> {
        let max = self.gpu.device.limits().max_texture_dimension_2d.min(16_384);
        if !(1..=max).contains(&view.width) || !(1..=max).contains(&view.height) {
            return Err(GpuError::Size { width: view.width, height: view.height, max });
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn encode(
        &mut self,
        encoder: &mut wgpu::CommandEncoder,
        list: &DisplayList,
        changed: &[usize],
        view: &View,
        redraw: &Redraw,
        overlays: &OverlayLayer,
        time: f32,
        report: &mut FrameReport,
    ) {
        if let Some(t) = self.state.timer.as_mut().and_then(Timer::collect) {
            self.last_gpu_ns = Some(t);
        }
        let resized = self.state.target(&self.gpu.device, view.width, view.height);

        // Bring the retained instances up to date.
        if self.epoch != Some(list.epoch()) {
            self.rebuild_instances(list);
        } else if self.revision != Some(list.revision()) || self.ranges.len() != list.items.len() {
            report.patched_instances = self.restructure_instances(list, changed);
        } else {
            self.patch_instances(list, changed);
        }
        self.revision = Some(list.revision());
        debug_assert_eq!(self.item_bounds.len(), list.items.len(), "item bounds kept with the instances");
        debug_assert_eq!(self.item_texts.len(), list.items.len(), "item texts kept with the instances");
        if self.item_bounds.len() != list.items.len() || self.item_texts.len() != list.items.len() {
            // Kept with the instances, so never expected; cheap to mend,
            // before the cost estimate and the regions read them.
            self.item_bounds.clear();
            self.item_bounds.extend(list.items.iter().map(|i| i.bounds));
            self.item_texts.clear();
            self.item_texts.extend(list.items.iter().map(|i| i.texts));
        }

        // A rebuilt list lays the instances out again but redraws only what
        // the caller says changed. A pan by whole device pixels moves what
        // the canvas shows by a copy and draws only the strips it uncovers.
        // Any other new view redraws everything, unless that costs more
        // than the budget: then the last frame is scaled to it and drawn
        // exactly a few tiles a frame (`refine.rs`).
        let new_view = self.shown.as_ref() != Some(view);
        let scroll =
            if resized || *redraw == Redraw::All { None } else { self.shown.and_then(|old| scroll(&old, view)) };
        // The canvas as a zoom's steps left it, when they were drawn
        // straight into the frame: the next zoom step is resampled from it
        // too, a redraw of everything replaces it, and anything else (a
        // pan, an edit, the tiles that bring the view back) brings it to
        // the view shown first.
        let mut lagging = self.canvas_view.take().filter(|_| !resized && *redraw != Redraw::All);
        let mut caught_up = false;
        if let (Some(old), Some(shown)) = (lagging, self.shown)
            && (!new_view || scroll.is_some())
        {
            // Back where it began, the canvas is the view already.
            if old != shown {
                self.resample(encoder, &old, &shown, false);
                (caught_up, report.caught_up) = (true, true);
            }
            lagging = None;
        }
        let mut resample = None;
        if scroll.is_none() && !resized && *redraw != Redraw::All && new_view {
            let old = lagging.or(self.shown).filter(|old| {
                (old.width, old.height) == (view.width, view.height) && old.background == view.background
            });
            // A budget of 0 would never bring the canvas back: draw whole.
            if let Some(old) = old
                && self.refine_budget > 0
                && refine::Refinement::exceeds(
                    &refine::Items { bounds: &self.item_bounds, texts: &self.item_texts, ranges: &self.ranges },
                    view,
                    self.refine_budget,
                )
            {
                resample = Some(old);
            }
        }
        let full = resample.is_none() && scroll.is_none() && (resized || new_view || *redraw == Redraw::All);
        // A step of a zoom that draws nothing else is resampled straight
        // into the frame, leaving the canvas as it was: composing the
        // frame from a resampled canvas copied every pixel once more
        // (on lavapipe, a copy on one thread of the queue), and each step
        // scaled the last one's nearest texels again.
        let straight = resample.is_some() && redraw.regions().is_none_or(<[Rect]>::is_empty);
        // Catching the canvas up is a resampling too: this frame's work.
        let mut budget = if caught_up { 0 } else { self.refine_budget.max(1) };
        if let Some(old) = resample {
            self.resample(encoder, &old, view, straight);
            if straight {
                self.canvas_view = Some(old);
            }
            // Every overlay is somewhere else over the canvas now.
            self.composed.forget();
            self.refinement.mark_all(view.width, view.height);
            report.resampled = true;
            // The resampling is this frame's work: during a zoom gesture
            // the next view comes before tiles drawn now would be seen;
            // the frames after it bring the canvas back.
            budget = 0;
        } else if full {
            self.refinement.clear();
        }
        let scrolled;
        let redraw = match scroll {
            Some((dx, dy)) => {
                // Under a hundredth of a pixel apart, the views show the same.
                if (dx, dy) != (0, 0) {
                    let target = self.state.canvas.as_mut().expect("made above");
                    report.copied_pixels += scroll_canvas(encoder, target, dx, dy);
                    // Every overlay is somewhere else over the canvas now.
                    self.composed.forget();
                    report.scrolled = Some((dx, dy));
                    self.refinement.shift(dx, dy, view.width, view.height);
                }
                let mut damaged = redraw.regions().map(<[Rect]>::to_vec).unwrap_or_default();
                damaged.extend(uncovered(view, dx, dy));
                scrolled = Redraw::Regions(damaged);
                &scrolled
            }
            None => redraw,
        };
        // New items over everything else go over the canvas as it is,
        // where it shows the list without them exactly. One region around
        // them all: overlapping regions would blend an item twice.
        let mut over = None;
        let mut regions = self.damage_scratch.take_regions();
        match redraw {
            Redraw::Over { regions: added, first }
                if !full && resample.is_none() && scroll.is_none() && !self.refinement.is_stale() =>
            {
                over = Some(*first);
                regions.extend(Rect::around(added).and_then(|r| damage::region(view, r)));
                report.drawn_over = !regions.is_empty();
            }
            Redraw::Translated { regions: moved, from, by } if !full && resample.is_none() => {
                match self.translate_canvas(encoder, list, view, moved, *from, *by, &mut report.counted_items) {
                    Some((exact, by, copied)) => {
                        report.translated = Some(by);
                        report.copied_pixels += copied;
                        // The copy is this frame's work, as a resampling is.
                        budget = 0;
                        regions = exact;
                    }
                    None => damage::regions(view, redraw, full, &mut self.damage_scratch, &mut regions),
                }
            }
            _ => damage::regions(view, redraw, full, &mut self.damage_scratch, &mut regions),
        }
        if !full
            && over.is_none()
            && let Some(inside) = list.items.first().and_then(|root| batching::opaque_inside(root, view.factor(), 0.5))
        {
            damage::split_at(&mut regions, &inside, view, &mut self.damage_scratch.split);
        }
        if !full && self.refinement.is_stale() {
            // A frame that takes no tile (a resampling's or a copy's own)
            // counts nothing: a zoom gesture's steps each counted the
            // cells of a view the next step replaced.
            let mut spent = 0;
            if budget > 0 && !self.refinement.counted_for(view, list) {
                // Counting a view of many widgets is work of its own: the
                // frame that counts draws that much less, though never
                // less than half its budget, so that frames that each
                // count (a pan, a view a frame) still bring tiles back.
                let items = refine::Items { bounds: &self.item_bounds, texts: &self.item_texts, ranges: &self.ranges };
                report.counted_items = self.refinement.count(list, &items, view);
                spent = (report.counted_items / refine::ITEMS_COUNTED_PER_INSTANCE).min(budget / 2);
            }
            // Each tile its own region: merged with others, a tile's box
            // could take in one the budget left for a later frame.
            let tiles = self.refinement.take(budget, spent as f64, view);
            report.refined_tiles = tiles.len();
            regions.extend(tiles.into_iter().filter_map(|t| damage::region(view, t)));
            // What this frame draws anyway (damage, strips) is exact too.
            let drawn: Vec<_> = regions.iter().map(|r| r.scissor).collect();
            self.refinement.drop_covered(&drawn);
        }
        report.stale_pixels = self.refinement.stale_pixels();
        report.full = full;
        report.redrawn = damage::extent(&regions);
        report.redrawn_pixels = regions.iter().map(|r| u64::from(r.scissor.2) * u64::from(r.scissor.3)).sum();

        GpuLibraryCall::run(|| {
            self.gpu.queue.write_buffer(&self.state.globals, 0, bytemuck::bytes_of(&Globals::new(view, time)));
        });

        let tint = (self.tint_redraws && !full).then(|| {
            [
                Color::rgba(255, 0, 128, 70),
                Color::rgba(0, 160, 255, 70),
                Color::rgba(255, 200, 0, 70),
                Color::rgba(0, 220, 120, 70),
            ][(self.frames % 4) as usize]
        });
        let mut scratch = std::mem::take(&mut self.frame_scratch);
        let overlay_range = instances::frame_instances(&regions, view, overlays, tint, &mut scratch);
        // Where the frame is composed again, if not whole, and the
        // overlays that meet each part (copied after the frame's others).
        let overlays_now = overlay_range.start as usize..overlay_range.end as usize;
        let recompose =
            !full && self.composed.damage(&scratch[overlays_now.clone()], view, &regions, &mut self.damage_scratch);
        let mut compose_parts = std::mem::take(&mut self.compose_parts);
        compose_parts.clear();
        let parts_again = if recompose { &self.damage_scratch.compose[..] } else { &[] };
        for part in parts_again {
            let start = scratch.len() as u32;
            for k in overlays_now.clone() {
                let instance = scratch[k];
                if compose::meets(*part, &view.to_device(&compose::painted(&instance, view))) {
                    scratch.push(instance);
                }
            }
            compose_parts.push((*part, start..scratch.len() as u32));
        }

        let timer_slot = self.state.timer.as_ref().and_then(Timer::free);

        // Each region's batches, one after the other; a batch remembers its region.
        let mut pool = std::mem::take(&mut self.frame_batches);
        let mut draws = pool.take_list();
        let meets = pool.sort_items(&self.item_bounds, &regions);
        report.patched_instances += self.bring_up_to_date(list, &meets, regions.len());
        (report.copied_spans, report.copied_place_spans) = self.upload_changes(encoder);
        for (k, region) in regions.iter().enumerate() {
            let budget = batching::frame_budget(draws.len(), regions.len() - k - 1);
            self.plan(list, (k, region), meets.of(k), over, view, budget, &mut pool, &mut draws);
        }
        pool.give_back_items(meets);
        self.gather_greeked(list, view.factor(), &mut draws, &mut scratch);
        self.upload_scratch(&scratch);
        report.instances = draws.iter().map(batching::Batch::instances).sum();
        report.texts = draws.iter().map(|b| b.texts.len()).sum();
        report.batches = draws.len();
        if !draws.is_empty() {
            self.prepare_texts(list, view, &draws);
        }
        {
            // The pass and every command recorded in it are wgpu's work
            // (each command is pushed onto its list); the loop itself walks
            // the batches planned above and allocates nothing.
            let _wgpu = GpuLibraryCall::enter();
            let target = self.state.canvas.as_ref().expect("made above");
            let timer = timer_slot.and(self.state.timer.as_ref()).map(|t| t.writes(Timer::CANVAS));
            // A full redraw clears the canvas as the pass begins, which
            // costs a software rasteriser less than a quad over every pixel.
            // Premultiplied, as the shader's clear quad writes it.
            let clear = full.then(|| clear_colour(view.background));
            let mut pass = begin_pass(encoder, &target.canvas.view, "trellis canvas", timer, clear);
            let mut region = None;
            for (i, batch) in draws.iter().enumerate() {
                if region != Some((batch.region, batch.scissor)) {
                    // A new region (or part of one): scissor to it and
                    // clear it with its region's quad.
                    let (x, y, w, h) = batch.scissor;
                    pass.set_scissor_rect(x, y, w, h);
                    if clear.is_none() && !batch.covered {
                        let k = batch.region as u32;
                        pass.set_pipeline(self.state.pipeline_for(scratch[k as usize].pipe(), self.lean_shapes));
                        pass.set_bind_group(0, &self.state.bind_group, &[]);
                        self.state.scratch.bind(&mut pass);
                        pass.draw(0..4, k..k + 1);
                    }
                    region = Some((batch.region, batch.scissor));
                }
                if !batch.gathered.is_empty() {
                    pass.set_bind_group(0, &self.state.bind_group, &[]);
                    self.state.scratch.bind(&mut pass);
                    draw_runs(&mut pass, &self.state, self.lean_shapes, batch.gathered.iter().cloned());
                } else if !batch.shapes.is_empty() {
                    pass.set_bind_group(0, &self.state.bind_group, &[]);
                    self.state.instances.bind(&mut pass);
                    let runs = batch.shapes.iter().filter_map(|r| match r {
                        batching::Run::Shapes(r, pipe) => Some((r.clone(), *pipe)),
                        batching::Run::Greeked(..) => None,
                    });
                    draw_runs(&mut pass, &self.state, self.lean_shapes, runs);
                }
                if !batch.texts.is_empty() {
                    let renderer = &self.state.text_renderers[i];
                    // A text that failed to prepare is left out, never a panic.
                    let _ = renderer.render(&self.state.text_atlas, &self.state.text_viewport, &mut pass);
                }
            }
        }

        let target = self.state.canvas.as_ref().expect("made above");
        let wgpu_call = GpuLibraryCall::enter();
        if !recompose && !straight {
            encoder.copy_texture_to_texture(
                target.canvas.texture.as_image_copy(),
                target.frame.texture.as_image_copy(),
                wgpu::Extent3d { width: target.width, height: target.height, depth_or_array_layers: 1 },
            );
            report.composed_pixels = u64::from(target.width) * u64::from(target.height);
        }
        for ((x, y, w, h), _) in &compose_parts {
            let at = |texture| wgpu::TexelCopyTextureInfo {
                texture,
                mip_level: 0,
                origin: wgpu::Origin3d { x: *x, y: *y, z: 0 },
                aspect: wgpu::TextureAspect::All,
            };
            encoder.copy_texture_to_texture(
                at(&target.canvas.texture),
                at(&target.frame.texture),
                wgpu::Extent3d { width: *w, height: *h, depth_or_array_layers: 1 },
            );
            report.composed_pixels += u64::from(*w) * u64::from(*h);
        }
        {
            let timer = timer_slot.and(self.state.timer.as_ref()).map(|t| t.writes(Timer::OVERLAYS));
            let mut pass = begin_pass(encoder, &target.frame.view, "trellis overlays", timer, None);
            if !recompose {
                draw_overlays(&mut pass, &self.state, self.lean_shapes, &scratch, overlay_range.clone());
            }
            for ((x, y, w, h), run) in &compose_parts {
                pass.set_scissor_rect(*x, *y, *w, *h);
                draw_overlays(&mut pass, &self.state, self.lean_shapes, &scratch, run.clone());
            }
        }
        drop(wgpu_call);
        self.composed.record(&scratch[overlays_now], view);
        self.frame_scratch = scratch;
        self.damage_scratch.give_back(regions);
        if compose_parts.capacity() <= MAX_KEPT_COMPOSE_PARTS {
            self.compose_parts = compose_parts;
        }
        pool.give_back(draws);
        self.frame_batches = pool;
        if let (Some(slot), Some(t)) = (timer_slot, self.state.timer.as_mut()) {
            GpuLibraryCall::run(|| t.resolve(encoder, slot));
        }
        self.pending_timer = timer_slot;
        GpuLibraryCall::run(|| self.state.text_atlas.trim());
        self.trim_texts();
        self.epoch = Some(list.epoch());
        self.shown = Some(*view);
        self.frames += 1;
    }

    /// Draws what the canvas shows for `old` scaled and moved to `new`,
    /// over the background: into the frame (`into_frame`), the canvas
    /// kept as it is, or into the canvas's twin, which then becomes the
    /// canvas (a texture cannot be sampled while drawn into). Both draw
    /// the same pixels.
    fn resample(&mut self, encoder: &mut wgpu::CommandEncoder, old: &View, new: &View, into_frame: bool) {
        let uniform = refine::ResampleUniform::new(old, new);
        // Written before the frame's commands run: a frame resamples once
        // at most (to catch the canvas up, or to a new view).
        let _wgpu = GpuLibraryCall::enter();
        self.gpu.queue.write_buffer(&self.state.resampler.uniform, 0, bytemuck::bytes_of(&uniform));
        let target = self.state.canvas.as_mut().expect("made before");
        {
            // Where the old canvas leaves pixels of the new one, the background.
            let clear = (!uniform.covers_target()).then(|| clear_colour(new.background));
            let into = if into_frame { &target.frame.view } else { &target.spare.view };
            let mut pass = begin_pass(encoder, into, "trellis resample", None, clear);
            pass.set_pipeline(&self.state.resampler.pipeline);
            pass.set_bind_group(0, &target.canvas.resample_bind, &[]);
            pass.draw(0..4, 0..1);
        }
        if !into_frame {
            target.swap_canvas();
        }
    }

    /// Moves the pixels of everything over the window by a copy, when
    /// drawing its old and new places (`moved`, design) exactly would cost
    /// more than [`GpuRenderer::refine_budget`]: the moved part is marked
    /// stale, and the regions returned (the strips around it that the move
    /// uncovered) are drawn exactly now. `None`, having done nothing, where
    /// an exact drawing fits the budget or nothing of the move is in view.
    fn translate_canvas(
        &mut self,
        encoder: &mut wgpu::CommandEncoder,
        list: &DisplayList,
        view: &View,
        moved: &[Rect],
        from: Rect,
        by: trellis_geometry::Point,
        counted_items: &mut usize,
    ) -> Option<(Vec<damage::Region>, (i32, i32), u64)> {
        if self.refine_budget == 0 {
            return None;
        }
        let damaged = Rect::around(moved)?;
        let damaged = view.device_pixels(&damaged)?;
        if !self.refinement.counted_for(view, list) {
            let items = refine::Items { bounds: &self.item_bounds, texts: &self.item_texts, ranges: &self.ranges };
            *counted_items = self.refinement.count(list, &items, view);
        }
        if self.refinement.cost(damaged) <= self.refine_budget as f64 {
            return None;
        }
        let f = view.factor();
        let (dx, dy) = ((by.x * f).round() as i64, (by.y * f).round() as i64);
        let (sx, sy, sw, sh) = view.device_pixels(&from)?;
        let (w, h) = (i64::from(view.width), i64::from(view.height));
        // Where the old pixels land, cut to the target.
        let x0 = (i64::from(sx) + dx).clamp(0, w);
        let y0 = (i64::from(sy) + dy).clamp(0, h);
        let x1 = (i64::from(sx) + i64::from(sw) + dx).clamp(0, w);
        let y1 = (i64::from(sy) + i64::from(sh) + dy).clamp(0, h);
        if x1 <= x0 || y1 <= y0 {
            return None;
        }
        let to = (x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32);
        let from = ((x0 - dx) as u32, (y0 - dy) as u32);
        let target = self.state.canvas.as_mut().expect("made before");
        let mut copied = move_canvas(encoder, target, from, to);
        let exact = refine::after_copy(damaged, to);
        // Drawn exactly over the next frames, edges and all.
        let stale = to;
        // The frame's pixels move with the canvas's, overlays and all, where
        // drawing its overlays again would cost more than the copy.
        if self.composed.worth_moving(view, self.min_overlays_moved)
            && let Some(painted) = self.composed.painted_extent(view)
        {
            // The overlays reach past the moved widgets (a selection's
            // outline lies around its box): the frame's copy takes them
            // in. Past the canvas's copy, the canvas shows the background
            // at both ends of the move, or the strips drawn exactly now,
            // over which the frame is composed again.
            let fx0 = (painted.x.floor() as i64).min(i64::from(sx));
            let fy0 = (painted.y.floor() as i64).min(i64::from(sy));
            let fx1 = (painted.right().ceil() as i64).max(i64::from(sx) + i64::from(sw));
            let fy1 = (painted.bottom().ceil() as i64).max(i64::from(sy) + i64::from(sh));
            let x0 = (fx0 + dx).max(dx).max(0);
            let y0 = (fy0 + dy).max(dy).max(0);
            let x1 = (fx1 + dx).min(w + dx).min(w);
            let y1 = (fy1 + dy).min(h + dy).min(h);
            if x1 > x0 && y1 > y0 {
                let to = (x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32);
                let from = ((x0 - dx) as u32, (y0 - dy) as u32);
                // The spare holds the canvas as it was: the new frame
                // past the moved pixels.
                copied += move_frame(encoder, target, from, to);
                let pixels = (dx as i32, dy as i32);
                self.composed.moved(compose::Moved { from: (from.0, from.1, to.2, to.3), to, pixels, by });
                // Moved by a fraction of a pixel more or less than the
                // copy, the overlays it carried past the canvas's stale
                // part are off by that much: the frame is composed there
                // again, exactly, as the canvas is brought back.
                let tol = 1.0 / 64.0;
                if (by.x * f - dx as f32).abs() > tol || (by.y * f - dy as f32).abs() > tol {
                    for r in refine::subtract(to, stale) {
                        self.refinement.mark(r);
                    }
                }
            } else {
                self.composed.forget();
            }
        } else {
            self.composed.forget();
        }
        self.refinement.mark(stale);
        let exact = exact.into_iter().map(|s| damage::piece(view, s)).collect();
        Some((exact, (dx as i32, dy as i32), copied))
    }

    /// Waits until the GPU has finished every frame submitted, and reads the
    /// GPU time of the newest one.
    pub fn finish(&mut self) {
        let _ = GpuLibraryCall::run(|| self.gpu.device.poll(wgpu::PollType::wait_indefinitely()));
        if let Some(t) = self.state.timer.as_mut().and_then(Timer::collect) {
            self.last_gpu_ns = Some(t);
        }
    }
}

/// The most parts of a frame composed again whose room
/// [`GpuRenderer::compose_parts`] keeps between frames.
const MAX_KEPT_COMPOSE_PARTS: usize = 256;

/// How far, in whole device pixels, what `old` showed moves on the target
/// of `new`: `Some` when `new` only pans `old` by whole pixels (so the
/// canvas can be moved by a copy and look as a fresh drawing would) and
/// some of it stays in view.
fn scroll(old: &View, new: &View) -> Option<(i32, i32)> {
    if old == new
        || old.zoom != new.zoom
        || old.scale != new.scale
        || (old.width, old.height) != (new.width, new.height)
        || old.background != new.background
    {
        return None;
    }
    let f = new.factor();
    let dx = (old.origin.x - new.origin.x) * f;
    let dy = (old.origin.y - new.origin.y) * f;
    let (rx, ry) = (dx.round(), dy.round());
    let whole = (dx - rx).abs() < 0.01 && (dy - ry).abs() < 0.01;
    let stays = rx.abs() < new.width as f32 && ry.abs() < new.height as f32;
    (whole && stays).then_some((rx as i32, ry as i32))
}

/// Moves the canvas's pixels by (`dx`, `dy`), as a pan does. Returns the
/// pixels copied.
fn scroll_canvas(encoder: &mut wgpu::CommandEncoder, target: &mut device::Target, dx: i32, dy: i32) -> u64 {
    let (w, h) = (target.width as i32, target.height as i32);
    let (sx, dx0) = if dx >= 0 { (0, dx) } else { (-dx, 0) };
    let (sy, dy0) = if dy >= 0 { (0, dy) } else { (-dy, 0) };
    let to = (dx0 as u32, dy0 as u32, (w - dx.abs()) as u32, (h - dy.abs()) as u32);
    move_canvas(encoder, target, (sx as u32, sy as u32), to)
}

/// Gives the canvas at `to` (device pixels) the pixels it had at `from`
/// (top-left), keeping the rest: copied into its twin, which becomes the
/// canvas. Every pixel is copied once, where a copy within one texture
/// goes through a scratch texture and copies each moved pixel twice.
/// Returns the pixels copied.
fn move_canvas(
    encoder: &mut wgpu::CommandEncoder,
    target: &mut device::Target,
    from: (u32, u32),
    to: refine::PixelRect,
) -> u64 {
    if from == (to.0, to.1) {
        // Moved by no pixel (a nudge of under half a pixel: 10 units of a
        // 100,000-widget design zoomed to fit): the twin would get every
        // pixel where it is, 4 MB copied at 1280x800 for nothing.
        return 0;
    }
    let (canvas, spare) = (&target.canvas.texture, &target.spare.texture);
    copy_pixels(encoder, canvas, from, spare, to);
    for kept in refine::subtract((0, 0, target.width, target.height), to) {
        copy_pixels(encoder, canvas, (kept.0, kept.1), spare, kept);
    }
    target.swap_canvas();
    u64::from(target.width) * u64::from(target.height)
}

/// Copies `from`'s pixels at `at` (top-left) to `into` at `to`.
fn copy_pixels(
    encoder: &mut wgpu::CommandEncoder,
    from: &wgpu::Texture,
    at: (u32, u32),
    into: &wgpu::Texture,
    to: refine::PixelRect,
) {
    if to.2 == 0 || to.3 == 0 {
        return;
    }
    let place = |texture, x, y| wgpu::TexelCopyTextureInfo {
        texture,
        mip_level: 0,
        origin: wgpu::Origin3d { x, y, z: 0 },
        aspect: wgpu::TextureAspect::All,
    };
    let size = wgpu::Extent3d { width: to.2, height: to.3, depth_or_array_layers: 1 };
    GpuLibraryCall::run(|| encoder.copy_texture_to_texture(place(from, at.0, at.1), place(into, to.0, to.1), size));
}

/// Gives the frame at `to` (device pixels) the pixels it had at `from`
/// (top-left), copied into the spare, which becomes the frame: each pixel
/// moved is copied once, where moving them within the frame went through
/// the spare and back (half a millisecond of lavapipe's in a nudge of
/// everything at 1280x800).
///
/// Past `to` the new frame shows what the spare holds: the canvas as it
/// was before this frame moved it, so this must follow [`move_canvas`]
/// in the same frame with nothing drawn into the spare between. That is
/// what the frame must show there. The old frame was that canvas with
/// the overlays recorded over it, and `to` holds the canvas's own move;
/// past `to` the canvas is as it was but for the strips drawn exactly
/// now, and every pixel an old overlay covered there is composed again
/// (`Composed::damage`: what the copy read but did not write over, and
/// both places of an overlay that did not move as far).
///
/// Moved by no pixel, the frame is kept as it is, as [`move_canvas`] then
/// keeps the canvas (the spare holds neither): past `to`, which holds
/// every overlay the frame showed, the frame is the canvas already.
/// Returns the pixels copied.
fn move_frame(
    encoder: &mut wgpu::CommandEncoder,
    target: &mut device::Target,
    from: (u32, u32),
    to: refine::PixelRect,
) -> u64 {
    if from == (to.0, to.1) {
        return 0;
    }
    copy_pixels(encoder, &target.frame.texture, from, &target.spare.texture, to);
    target.swap_frame();
    u64::from(to.2) * u64::from(to.3)
}

/// Draws the overlay instances in `range` of the frame's scratch buffer,
/// in order: runs of common and special shapes, each with its pipeline.
fn draw_overlays(
    pass: &mut wgpu::RenderPass<'_>,
    state: &DeviceState,
    lean: bool,
    scratch: &[Instance],
    range: Range<u32>,
) {
    if range.is_empty() {
        return;
    }
    pass.set_bind_group(0, &state.bind_group, &[]);
    state.scratch.bind(pass);
    let mut start = range.start;
    while start < range.end {
        let pipe = scratch[start as usize].pipe();
        let mut end = start + 1;
        while end < range.end && scratch[end as usize].pipe() == pipe {
            end += 1;
        }
        pass.set_pipeline(state.pipeline_for(pipe, lean));
        pass.draw(0..4, start..end);
        start = end;
    }
}

/// The design regions a pan by (`dx`, `dy`) device pixels uncovers in
/// `view`: a strip along each edge the canvas moved away from.
fn uncovered(view: &View, dx: i32, dy: i32) -> Vec<Rect> {
    let f = view.factor();
    let v = view.visible();
    let (sx, sy) = (dx.unsigned_abs() as f32 / f, dy.unsigned_abs() as f32 / f);
    let mut strips = Vec::new();
    if dx > 0 {
        strips.push(Rect::new(v.x, v.y, sx, v.h));
    } else if dx < 0 {
        strips.push(Rect::new(v.right() - sx, v.y, sx, v.h));
    }
    if dy > 0 {
        strips.push(Rect::new(v.x, v.y, v.w, sy));
    } else if dy < 0 {
        strips.push(Rect::new(v.x, v.bottom() - sy, v.w, sy));
    }
    strips
}

/// Draws instance ranges of the bound buffer, each with the pipeline it
/// needs, switching pipelines only between runs that differ.
fn draw_runs(
    pass: &mut wgpu::RenderPass<'_>,
    state: &device::DeviceState,
    lean: bool,
    runs: impl Iterator<Item = (Range<u32>, Pipe)>,
) {
    let mut current = None;
    for (r, pipe) in runs {
        if current != Some(pipe) {
            pass.set_pipeline(state.pipeline_for(pipe, lean));
            current = Some(pipe);
        }
        pass.draw(0..4, r);
    }
}

/// `background` as a pass clears to it: premultiplied, as the shader's
/// clear quad writes it.
fn clear_colour(background: Color) -> wgpu::Color {
    let a = f64::from(background.a) / 255.0;
    let channel = |c: u8| f64::from(c) / 255.0 * a;
    wgpu::Color { r: channel(background.r), g: channel(background.g), b: channel(background.b), a }
}

/// A render pass that draws over what `view` holds (or over `clear`),
/// with `timestamps` at its ends where the frame is timed.
fn begin_pass<'e>(
    encoder: &'e mut wgpu::CommandEncoder,
    view: &wgpu::TextureView,
    label: &str,
    timestamps: Option<wgpu::RenderPassTimestampWrites<'_>>,
    clear: Option<wgpu::Color>,
) -> wgpu::RenderPass<'e> {
    encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
        label: Some(label),
        color_attachments: &[Some(wgpu::RenderPassColorAttachment {
            view,
            depth_slice: None,
            resolve_target: None,
            ops: wgpu::Operations {
                load: clear.map_or(wgpu::LoadOp::Load, wgpu::LoadOp::Clear),
                store: wgpu::StoreOp::Store,
            },
        })],
        depth_stencil_attachment: None,
        timestamp_writes: timestamps,
        occlusion_query_set: None,
        multiview_mask: None,
    })
}
