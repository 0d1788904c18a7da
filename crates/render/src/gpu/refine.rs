//! Zooming a large design without drawing all of it in one frame. A new
//! view that is not a pan by whole device pixels first shows the last frame
//! resampled to it (one textured quad, `resample.wgsl`); the canvas is then
//! brought back to an exact drawing a few tiles a frame, nearest the middle
//! first, each frame within a budget of instances and area, until no tile
//! is left stale. This is chosen only where drawing the whole view would
//! cost more than that budget: a small design is drawn again whole, sharp
//! at once.
//!
//! Costs are counted in instances, and pixels as instances: on lavapipe an
//! instance costs about 0.7 µs to draw however small it is, and a region's
//! pixels and its widgets' boxes cost by their area (a full redraw of
//! 10,000 widgets: 14,700 instances over 4 M pixels of boxes, 22 ms; of
//! 100,000: 147,000 instances, 112 ms). 128 pixels count as one instance,
//! as measured by the frames `trellis bench drag` times. Widgets are
//! counted in cells of 32 pixels, each shared among the cells its box
//! covers, and a stale rectangle costs the widgets within it grown by half
//! their mean size: a widget that reaches into a region is drawn whole.
//!
//! The resampled frame samples the nearest texel: bilinear filtering of the
//! whole canvas cost lavapipe 2.5 ms more a frame (6.6 against 4.2 ms
//! median for a zoom step at 10,000 widgets), for a picture shown a frame
//! or two.

use trellis_model::Rect;

use crate::display_list::DisplayList;
use crate::view::View;

/// The side of a tile, in device pixels.
pub(super) const TILE: u32 = 256;

/// What the cost estimate reads of the display list's items, in paint
/// order: each item's bounds, its texts and its instances, kept compact by
/// the GPU renderer with the retained instances. Read from the items
/// themselves (10 MB at 100,000 widgets, each item's primitives elsewhere
/// on the heap), counting a view of 100,000 widgets took 7 to 11 ms.
pub(super) struct Items<'a> {
    pub(super) bounds: &'a [Rect],
    pub(super) texts: &'a [u32],
    pub(super) ranges: &'a [std::ops::Range<u32>],
}

/// The side of a cell widgets are counted in, in device pixels: a
/// tile's widgets are seldom spread evenly over it (a generated design's
/// columns fill a quarter of one and leave the rest empty), and a stale
/// rectangle a quarter of a tile wide could hold most of them.
const COUNT_CELL: u32 = 32;

/// Stale rectangles are split down to this side, in device pixels, at
/// the least, until each costs less than the budget.
const MIN_SIDE: u32 = 32;

/// Device pixels of a widget's box that cost about as much as an instance.
const PIXELS_PER_INSTANCE: f32 = 128.0;

/// Items in view that counting ([`Refinement::count`]) goes through in
/// about the time lavapipe draws an instance: 100,000 widgets in view took
/// 3 to 5 ms to count, the time of some 4,000 to 6,000 instances.
pub(super) const ITEMS_COUNTED_PER_INSTANCE: usize = 16;

/// A device-pixel rectangle: x, y, width, height.
pub(super) type PixelRect = (u32, u32, u32, u32);

/// What of the canvas shows a resampled, not an exact, drawing.
#[derive(Debug, Default)]
pub(super) struct Refinement {
    /// Stale rectangles, in device pixels: tiles, moved by pans since.
    stale: Vec<PixelRect>,
    /// The instances of the widgets in each cell of the target
    /// ([`COUNT_CELL`] square), in rows.
    cells: Vec<f32>,
    /// The pixels of widgets' boxes in each cell, as instances.
    cell_pixels: Vec<f32>,
    columns: u32,
    rows: u32,
    /// The size of the target counted, in device pixels: the last
    /// column's and row's cells are cut to it.
    width: u32,
    height: u32,
    /// Half the mean size of the widgets counted (weighted by their
    /// instances), in device pixels.
    reach: (f64, f64),
    /// The view, list epoch and list structure `cells` were counted for.
    counted: Option<(View, u64, u64)>,
}

impl Refinement {
    /// Whether some of the canvas is still stale.
    pub(super) fn is_stale(&self) -> bool {
        !self.stale.is_empty()
    }

    /// Device pixels still stale.
    pub(super) fn stale_pixels(&self) -> u64 {
        self.stale.iter().map(|r| u64::from(r.2) * u64::from(r.3)).sum()
    }

    /// The canvas shows an exact drawing again (a full redraw).
    pub(super) fn clear(&mut self) {
        self.stale.clear();
    }

    /// All of a `width` by `height` canvas is stale: it was just resampled.
    pub(super) fn mark_all(&mut self, width: u32, height: u32) {
        self.stale.clear();
        for y in (0..height).step_by(TILE as usize) {
            for x in (0..width).step_by(TILE as usize) {
                self.stale.push((x, y, TILE.min(width - x), TILE.min(height - y)));
            }
        }
    }

    /// The canvas moved by (`dx`, `dy`) device pixels by a copy: what was
    /// stale moved with it, and what left the canvas is gone (the strips
    /// uncovered are drawn exactly).
    pub(super) fn shift(&mut self, dx: i32, dy: i32, width: u32, height: u32) {
        let moved = |(x, y, w, h): PixelRect| {
            let x0 = (i64::from(x) + i64::from(dx)).clamp(0, i64::from(width));
            let y0 = (i64::from(y) + i64::from(dy)).clamp(0, i64::from(height));
            let x1 = (i64::from(x) + i64::from(w) + i64::from(dx)).clamp(0, i64::from(width));
            let y1 = (i64::from(y) + i64::from(h) + i64::from(dy)).clamp(0, i64::from(height));
            (x1 > x0 && y1 > y0).then(|| (x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32))
        };
        self.stale = self.stale.iter().filter_map(|r| moved(*r)).collect();
    }

    /// `r` shows an inexact drawing (pixels moved by a copy by a whole
    /// pixel where the move was not): stale, in pieces cut at the tiles.
    pub(super) fn mark(&mut self, r: PixelRect) {
        // What was stale around it stays stale, and no pixel is listed twice.
        let before = std::mem::take(&mut self.stale);
        self.stale.extend(before.into_iter().flat_map(|s| subtract(s, r)));
        let (x1, y1) = (r.0 + r.2, r.1 + r.3);
        let mut y = r.1;
        while y < y1 {
            let next_y = ((y / TILE + 1) * TILE).min(y1);
            let mut x = r.0;
            while x < x1 {
                let next_x = ((x / TILE + 1) * TILE).min(x1);
                self.stale.push((x, y, next_x - x, next_y - y));
                x = next_x;
            }
            y = next_y;
        }
    }

    /// Counts what drawing each cell of `view` would cost (`items` are
    /// `list`'s). Returns how many items it counted, those in view:
    /// counting costs about an instance's drawing for every
    /// [`ITEMS_COUNTED_PER_INSTANCE`] of them.
    pub(super) fn count(&mut self, list: &DisplayList, items: &Items<'_>, view: &View) -> usize {
        self.counted = Some((*view, list.epoch(), list.revision()));
        let mut seen = 0;
        let boxes = visible_boxes(items, view).inspect(|_| seen += 1);
        self.count_boxes(view.width, view.height, boxes);
        seen
    }

    /// Whether drawing all of `view` would cost more than `budget`: what
    /// its widgets cost together, as the cells count them (a full redraw
    /// clears the canvas by its render pass, nearly free, so unlike a
    /// tile's, `cost`, the view's own pixels are not counted: an empty
    /// design is always drawn whole), summed only until it passes, and no
    /// cell counted. Each step of a zoom gesture asks, and at 100,000
    /// widgets in view counting every cell was most of each step's
    /// encoding (2.8 to 3.1 ms median, up to 8 ms with the whole design
    /// in view); the cells are counted by the first frame with a budget
    /// for tiles of the view the gesture settled on.
    pub(super) fn exceeds(items: &Items<'_>, view: &View, budget: usize) -> bool {
        passes(view.width, view.height, visible_boxes(items, view), budget)
    }

    /// Counts widgets, each its device box and instances, over a `width` by
    /// `height` target; returns what they cost together.
    fn count_boxes(&mut self, width: u32, height: u32, boxes: impl Iterator<Item = (Rect, f32)>) -> f32 {
        self.reset(width, height);
        let mut total = 0.0;
        let (mut n_sum, mut w_sum, mut h_sum) = (0.0, 0.0, 0.0);
        // A box that is not a number covers nothing it could be charged to.
        for (d, n) in boxes.filter(countable) {
            total += self.add(&d, n);
            n_sum += f64::from(n);
            w_sum += f64::from(n * d.w.clamp(0.0, TILE as f32));
            h_sum += f64::from(n * d.h.clamp(0.0, TILE as f32));
        }
        self.reach = if n_sum > 0.0 { (w_sum / n_sum / 2.0, h_sum / n_sum / 2.0) } else { (0.0, 0.0) };
        total
    }

    /// No cells counted yet for a `width` by `height` target.
    fn reset(&mut self, width: u32, height: u32) {
        self.columns = width.div_ceil(COUNT_CELL);
        self.rows = height.div_ceil(COUNT_CELL);
        (self.width, self.height) = (width, height);
        self.cells.clear();
        self.cells.resize((self.columns * self.rows) as usize, 0.0);
        self.cell_pixels.clear();
        self.cell_pixels.resize((self.columns * self.rows) as usize, 0.0);
    }

    /// Counts a widget of `n` instances over the cells its device box `d`
    /// covers, shared by area, so that a box over several cells counts
    /// once in all of them (a box under a pixel counts as a pixel); and its
    /// pixels. Returns what it costs.
    fn add(&mut self, d: &Rect, n: f32) -> f32 {
        let (width, height) = (self.width as f32, self.height as f32);
        let (x0, y0) = (d.x.clamp(0.0, width), d.y.clamp(0.0, height));
        let (x1, y1) = (d.right().clamp(0.0, width), d.bottom().clamp(0.0, height));
        let pixels = pixels_as_instances(d, width, height);
        let (w, h) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
        let (x1, y1) = ((x0 + w).min(width), (y0 + h).min(height));
        let cell = COUNT_CELL as f32;
        let last = |v: f32, count: u32| ((v / cell) as u32).min(count.saturating_sub(1));
        for row in last(y0, self.rows)..=last(y1, self.rows) {
            let oy = (y1.min((row + 1) as f32 * cell) - y0.max(row as f32 * cell)).max(0.0);
            for column in last(x0, self.columns)..=last(x1, self.columns) {
                let ox = (x1.min((column + 1) as f32 * cell) - x0.max(column as f32 * cell)).max(0.0);
                let share = ox * oy / (w * h);
                let k = (row * self.columns + column) as usize;
                if let (Some(c), Some(p)) = (self.cells.get_mut(k), self.cell_pixels.get_mut(k)) {
                    *c += n * share;
                    *p += pixels * share;
                }
            }
        }
        n + pixels
    }

    /// Whether the counts are for `view` and `list` as it is.
    pub(super) fn counted_for(&self, view: &View, list: &DisplayList) -> bool {
        self.counted == Some((*view, list.epoch(), list.revision()))
    }

    /// Forgets the stale rectangles inside one of `drawn` (device-pixel
    /// scissors this frame redraws exactly anyway).
    pub(super) fn drop_covered(&mut self, drawn: &[PixelRect]) {
        let inside =
            |r: &PixelRect, d: &PixelRect| r.0 >= d.0 && r.1 >= d.1 && r.0 + r.2 <= d.0 + d.2 && r.1 + r.3 <= d.1 + d.3;
        self.stale.retain(|r| !drawn.iter().any(|d| inside(r, d)));
    }

    /// The instances drawing `r` would cost, from the cells it overlaps,
    /// and its own pixels (each is cleared, then drawn over).
    pub(super) fn cost(&self, r: PixelRect) -> f64 {
        let own = f64::from(r.2) * f64::from(r.3) / f64::from(PIXELS_PER_INSTANCE);
        let (x0, y0, x1, y1) = (f64::from(r.0), f64::from(r.1), f64::from(r.0 + r.2), f64::from(r.1 + r.3));
        // The widgets' pixels are cut to the region; a widget reaching
        // into it is drawn whole: its instances are counted within `r`
        // grown by half the widgets' mean size (a stale strip a pixel wide
        // costs every widget across it).
        let (gx, gy) = self.reach;
        own + self.sum(&self.cell_pixels, (x0, y0, x1, y1))
            + self.sum(&self.cells, (x0 - gx, y0 - gy, x1 + gx, y1 + gy))
    }

    /// What of `cells` lies within device pixels `x0, y0, x1, y1`, each
    /// cell's by the share of its area there.
    fn sum(&self, cells: &[f32], (x0, y0, x1, y1): (f64, f64, f64, f64)) -> f64 {
        let (width, height) = (f64::from(self.width), f64::from(self.height));
        let (x0, y0, x1, y1) = (x0.max(0.0), y0.max(0.0), x1.min(width), y1.min(height));
        let cell = f64::from(COUNT_CELL);
        let mut sum = 0.0;
        for row in (y0 / cell) as u32..((y1 / cell).ceil() as u32).min(self.rows) {
            let cy = f64::from(row) * cell;
            let oy = y1.min(cy + cell) - y0.max(cy);
            for column in (x0 / cell) as u32..((x1 / cell).ceil() as u32).min(self.columns) {
                let cx = f64::from(column) * cell;
                let ox = x1.min(cx + cell) - x0.max(cx);
                // A cell at the last column or row is cut to the target:
                // its count is of that much area.
                let area = (width - cx).min(cell) * (height - cy).min(cell);
                if ox > 0.0 && oy > 0.0 && area > 0.0 {
                    sum += f64::from(cells[(row * self.columns + column) as usize]) * ox * oy / area;
                }
            }
        }
        sum
    }

    /// Takes the stale rectangles this frame brings back, nearest the
    /// middle of `view` first, in that order until the next would pass
    /// `budget` with what the frame `spent` of it already (at least one,
    /// unless the budget is 0), as design rectangles to redraw. They are
    /// split against the whole budget: pieces cut for what one frame had
    /// left would stay that small for every frame after.
    ///
    /// None further out is taken past one that does not fit: filling what
    /// the budget left with small rectangles from anywhere on the canvas
    /// drew a dozen or more regions a frame, each meeting its own widgets'
    /// edges, and at 100,000 widgets such frames took 14 to 20 ms (12 to
    /// 15 regions, about 4,700 instances drawn) against 9 to 10 ms for
    /// three neighbouring ones (about 3,500).
    pub(super) fn take(&mut self, budget: usize, spent: f64, view: &View) -> Vec<Rect> {
        if budget == 0 {
            return Vec::new();
        }
        let (mx, my) = (f64::from(view.width) / 2.0, f64::from(view.height) / 2.0);
        let distance = |r: &PixelRect| {
            let (x, y) = (f64::from(r.0) + f64::from(r.2) / 2.0 - mx, f64::from(r.1) + f64::from(r.3) / 2.0 - my);
            x * x + y * y
        };
        // A tile dearer than the budget is drawn a quarter at a time: a
        // dense design's tiles hold thousands of widgets.
        let mut k = 0;
        while k < self.stale.len() {
            let r = self.stale[k];
            if r.2 > MIN_SIDE && r.3 > MIN_SIDE && self.cost(r) > budget as f64 {
                let (w0, h0) = (r.2 / 2, r.3 / 2);
                self.stale[k] = (r.0, r.1, w0, h0);
                self.stale.push((r.0 + w0, r.1, r.2 - w0, h0));
                self.stale.push((r.0, r.1 + h0, w0, r.3 - h0));
                self.stale.push((r.0 + w0, r.1 + h0, r.2 - w0, r.3 - h0));
            } else {
                k += 1;
            }
        }
        self.stale.sort_by(|a, b| distance(a).total_cmp(&distance(b)).then(a.cmp(b)));
        let mut spent = spent;
        let f = view.factor();
        let mut taken = 0;
        for r in &self.stale {
            let cost = self.cost(*r);
            if taken > 0 && spent + cost > budget as f64 {
                break;
            }
            spent += cost;
            taken += 1;
        }
        self.stale
            .drain(..taken)
            .map(|r| {
                Rect::new(
                    view.origin.x + r.0 as f32 / f,
                    view.origin.y + r.1 as f32 / f,
                    r.2 as f32 / f,
                    r.3 as f32 / f,
                )
            })
            .collect()
    }
}

/// The device box and instances of each of `items` that `view` shows, in
/// paint order, made as they are read.
fn visible_boxes<'a>(items: &'a Items<'_>, view: &'a View) -> impl Iterator<Item = (Rect, f32)> + 'a {
    let visible = view.visible();
    let each = items.bounds.iter().zip(items.texts).zip(items.ranges);
    each.filter_map(move |((b, texts), range)| {
        if b.right() < visible.x || b.x > visible.right() || b.bottom() < visible.y || b.y > visible.bottom() {
            return None;
        }
        // A text is drawn too, as about one instance (greeked, a bar a line).
        Some((view.to_device(b), (range.len() + *texts as usize).max(1) as f32))
    })
}

/// Whether a box can be charged to the cells: one that is not a number
/// covers nothing.
fn countable((d, n): &(Rect, f32)) -> bool {
    [d.x, d.y, d.w, d.h, *n].iter().all(|v| v.is_finite())
}

/// The pixels of device box `d` within a `width` by `height` target, as
/// instances (none for a box of negative width or height, so that a sum
/// of them never goes down).
fn pixels_as_instances(d: &Rect, width: f32, height: f32) -> f32 {
    let (x0, y0) = (d.x.clamp(0.0, width), d.y.clamp(0.0, height));
    let (x1, y1) = (d.right().clamp(0.0, width), d.bottom().clamp(0.0, height));
    (x1 - x0).max(0.0) * (y1 - y0).max(0.0) / PIXELS_PER_INSTANCE
}

/// Whether `boxes` over a `width` by `height` target cost more than
/// `budget`, as [`Refinement::count_boxes`] sums them (in the same order,
/// so to the same bits), stopping as soon as they do.
fn passes(width: u32, height: u32, boxes: impl Iterator<Item = (Rect, f32)>, budget: usize) -> bool {
    let (width, height) = (width as f32, height as f32);
    let mut total = 0.0_f32;
    for (d, n) in boxes.filter(countable) {
        total += n + pixels_as_instances(&d, width, height);
        if total as usize > budget {
            return true;
        }
    }
    false
}

/// After pixels were copied to `to` by a move rounded to whole pixels,
/// with `damaged` the old and new places of what moved: the rectangles to
/// draw exactly now, what the move uncovered (which shows the old pixels
/// there). The copy itself, all of it, is marked stale.
///
/// The copy's edges are stale with the rest, as every pixel of it is
/// where the move was a fraction of a pixel: a pixel in from an edge
/// shows what was beside the old pixels, and the copy can land a pixel
/// past the damage where the move rounds up. They were drawn exactly in
/// the move's own frame: a ring a pixel wide around the whole design, at
/// 100,000 widgets zoomed out a few thousand instances, which lavapipe
/// draws at about 0.7 µs each whatever their size, for a picture a
/// fraction of a pixel off, as the inside of the copy is.
pub(super) fn after_copy(damaged: PixelRect, to: PixelRect) -> Pieces {
    let (x0, y0) = (damaged.0.min(to.0), damaged.1.min(to.1));
    let (x1, y1) = ((damaged.0 + damaged.2).max(to.0 + to.2), (damaged.1 + damaged.3).max(to.1 + to.3));
    subtract((x0, y0, x1 - x0, y1 - y0), to)
}

/// At most four rectangles, in place: what [`subtract`] gives.
pub(super) type Pieces = std::iter::Flatten<std::array::IntoIter<Option<PixelRect>, 4>>;

/// The parts of `a` outside `b`: at most four rectangles (above, below,
/// left and right of `b`). Allocates nothing: the frames of a drag
/// subtract boxes from one another.
pub(super) fn subtract(a: PixelRect, b: PixelRect) -> Pieces {
    let (ax1, ay1, bx1, by1) = (a.0 + a.2, a.1 + a.3, b.0 + b.2, b.1 + b.3);
    if b.2 == 0 || b.3 == 0 || bx1 <= a.0 || by1 <= a.1 || b.0 >= ax1 || b.1 >= ay1 {
        return [Some(a), None, None, None].into_iter().flatten();
    }
    let (mx0, my0, mx1, my1) = (a.0.max(b.0), a.1.max(b.1), ax1.min(bx1), ay1.min(by1));
    [(a.0, a.1, ax1, my0), (a.0, my1, ax1, ay1), (a.0, my0, mx0, my1), (mx1, my0, ax1, my1)]
        .map(|(x0, y0, x1, y1)| (x1 > x0 && y1 > y0).then_some((x0, y0, x1 - x0, y1 - y0)))
        .into_iter()
        .flatten()
}

/// Where the old canvas lands on the new one (see `resample.wgsl`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, bytemuck::Pod, bytemuck::Zeroable)]
pub(super) struct ResampleUniform {
    lo: [f32; 2],
    size: [f32; 2],
    target: [f32; 2],
    pad: [f32; 2],
}

impl ResampleUniform {
    /// What `old` showed, placed where it is in `new`: design point
    /// `old.origin` is at the old canvas's top-left corner.
    pub(super) fn new(old: &View, new: &View) -> Self {
        let f = new.factor();
        let scale = f / old.factor();
        ResampleUniform {
            lo: [(old.origin.x - new.origin.x) * f, (old.origin.y - new.origin.y) * f],
            size: [old.width as f32 * scale, old.height as f32 * scale],
            target: [new.width as f32, new.height as f32],
            pad: [0.0; 2],
        }
    }

    /// Whether the old canvas, placed so, covers every pixel of the new
    /// one (a zoom in): no pixel then needs the background first. Clearing
    /// a 1280x800 canvas before the quad cost lavapipe about half a
    /// millisecond of a resampled frame's 3 to 5.
    pub(super) fn covers_target(&self) -> bool {
        let [x, y] = self.lo;
        let [w, h] = self.size;
        x <= 0.0 && y <= 0.0 && x + w >= self.target[0] && y + h >= self.target[1]
    }
}

/// The resampling pipeline and what it binds, made from the device.
pub(super) struct Resampler {
    pub(super) pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
    pub(super) uniform: wgpu::Buffer,
    sampler: wgpu::Sampler,
}

impl Resampler {
    pub(super) fn new(device: &wgpu::Device, format: wgpu::TextureFormat) -> Self {
        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("trellis resample"),
            source: wgpu::ShaderSource::Wgsl(include_str!("../resample.wgsl").into()),
        });
        let layout =
            super::device::uniform_texture_sampler_layout(device, "trellis resample", wgpu::ShaderStages::VERTEX);
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("trellis resample"),
            bind_group_layouts: &[Some(&layout)],
            ..Default::default()
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("trellis resample"),
            layout: Some(&pipeline_layout),
            vertex: wgpu::VertexState {
                module: &shader,
                entry_point: Some("vs_main"),
                buffers: &[],
                compilation_options: wgpu::PipelineCompilationOptions::default(),
            },
            fragment: Some(wgpu::FragmentState {
                module: &shader,
                entry_point: Some("fs_main"),
                // Replaces what is under it: the old canvas was opaque
                // where it showed anything, over the cleared background.
                targets: &[Some(wgpu::ColorTargetState { format, blend: None, write_mask: wgpu::ColorWrites::ALL })],
                compilation_options: wgpu::PipelineCompilationOptions::default(),
            }),
            primitive: wgpu::PrimitiveState { topology: wgpu::PrimitiveTopology::TriangleStrip, ..Default::default() },
            depth_stencil: None,
            multisample: wgpu::MultisampleState::default(),
            multiview_mask: None,
            cache: None,
        });
        let uniform = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("trellis resample"),
            size: std::mem::size_of::<ResampleUniform>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let sampler = device.create_sampler(&wgpu::SamplerDescriptor {
            label: Some("trellis resample"),
            mag_filter: wgpu::FilterMode::Nearest,
            min_filter: wgpu::FilterMode::Nearest,
            ..Default::default()
        });
        Resampler { pipeline, layout, uniform, sampler }
    }

    /// The bind group sampling `source` (one of a target's two canvas textures).
    pub(super) fn bind(&self, device: &wgpu::Device, source: &wgpu::TextureView) -> wgpu::BindGroup {
        device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("trellis resample"),
            layout: &self.layout,
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: self.uniform.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 1, resource: wgpu::BindingResource::TextureView(source) },
                wgpu::BindGroupEntry { binding: 2, resource: wgpu::BindingResource::Sampler(&self.sampler) },
            ],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a move of 0.6 pixels rounded up to 1 copies the old
    /// pixels' last column to column 11, past the damage (ending at 11):
    /// it was neither drawn exactly nor marked stale, and kept what the
    /// copy put there. Every pixel of the damage and of the copy is now
    /// drawn exactly or stale, and none is both.
    #[test]
    fn every_pixel_a_copy_reaches_is_drawn_exactly_or_stale() {
        let inside = |r: &PixelRect, x: u32, y: u32| x >= r.0 && x < r.0 + r.2 && y >= r.1 && y < r.1 + r.3;
        let cases = [
            ((0, 0, 11, 10), (1, 0, 11, 10)),
            ((5, 5, 20, 20), (4, 4, 21, 21)),
            ((0, 0, 100, 50), (0, 0, 100, 50)),
            ((3, 7, 2, 2), (4, 8, 2, 2)),
        ];
        for (damaged, to) in cases {
            let exact: Vec<_> = after_copy(damaged, to).collect();
            for y in 0..40 {
                for x in 0..120 {
                    let drawn = exact.iter().filter(|r| inside(r, x, y)).count();
                    let stale = inside(&to, x, y);
                    if inside(&damaged, x, y) || inside(&to, x, y) {
                        assert!(drawn + usize::from(stale) == 1, "{damaged:?} {to:?}: pixel {x},{y}");
                    }
                }
            }
        }
    }

    /// A generated design's columns over 1280x800: 60 pixels wide, one a
    /// tile, of widgets 6 by 4 pixels every 8 by 6, of 2 instances each.
    fn columns() -> Vec<(Rect, f32)> {
        let mut boxes = Vec::new();
        for column in (0..1280).step_by(256) {
            for x in (column + 190..column + 250).step_by(8) {
                for y in (0..800).step_by(6) {
                    boxes.push((Rect::new(x as f32, y as f32, 6.0, 4.0), 2.0_f32));
                }
            }
        }
        boxes
    }

    /// Regression: a stale rectangle cost its share, by area, of its
    /// tiles' counts, as if a tile's widgets were spread evenly over it and
    /// none reached past the rectangle. A generated design's columns fill
    /// a quarter of a tile: a strip 67 pixels wide over one held 3.4 times
    /// the instances counted, and a refinement frame at 100,000 widgets
    /// took 18 ms of GPU time. Every rectangle's estimate now stays near
    /// what drawing it draws: the instances of each widget that meets it,
    /// and the pixels of both.
    #[test]
    fn a_stale_rectangles_cost_counts_the_widgets_that_meet_it() {
        let boxes = columns();
        let mut r = Refinement::default();
        // Boxes that are not numbers change nothing.
        let nan = (Rect::new(f32::NAN, 10.0, 5.0, f32::INFINITY), 3.0);
        r.count_boxes(1280, 800, boxes.iter().copied().chain([nan]));
        let drawn = |p: PixelRect| {
            let area = Rect::new(p.0 as f32, p.1 as f32, p.2 as f32, p.3 as f32);
            let widgets: f32 = boxes
                .iter()
                .filter_map(|(b, n)| {
                    let w = b.right().min(area.right()) - b.x.max(area.x);
                    let h = b.bottom().min(area.bottom()) - b.y.max(area.y);
                    (w > 0.0 && h > 0.0).then(|| n + w * h / PIXELS_PER_INSTANCE)
                })
                .sum();
            f64::from(widgets + area.w * area.h / PIXELS_PER_INSTANCE)
        };
        let rects = [
            (190, 254, 67, 259),
            (1023, 254, 73, 259),
            (200, 300, 1, 256),
            (0, 0, 256, 256),
            (0, 768, 256, 32),
            (640, 0, 640, 800),
            (0, 0, 150, 800),
        ];
        for p in rects {
            let (estimated, drawn) = (r.cost(p), drawn(p));
            assert!(
                (0.75 * drawn..=1.5 * drawn).contains(&estimated),
                "{p:?}: estimated {estimated:.0}, drawn {drawn:.0}"
            );
        }
    }

    /// Regression: after the rectangles nearest the middle, a frame went
    /// on taking any further out that fitted what the budget left (the
    /// canvas's cheap bottom strips, small pieces of dense tiles). At
    /// 100,000 widgets such frames drew 12 to 15 regions of pieces a few
    /// dozen pixels wide, each with every widget across its edges: 14 to
    /// 20 ms, where three neighbouring pieces took 9 to 10. A frame now
    /// takes them in order and stops at the first that would pass the
    /// budget.
    #[test]
    fn a_frame_takes_stale_rectangles_nearest_the_middle_in_order_within_its_budget() {
        let view = View::at_design_origin(1280, 800);
        let middle = |r: &Rect| {
            let (x, y) = (r.x + r.w / 2.0 - 640.0, r.y + r.h / 2.0 - 400.0);
            x * x + y * y
        };
        let stale_distance = |r: &PixelRect| {
            let (x, y) = (r.0 as f32 + r.2 as f32 / 2.0 - 640.0, r.1 as f32 + r.3 as f32 / 2.0 - 400.0);
            x * x + y * y
        };
        // An empty design, where a whole tile costs 512 and a strip of the
        // bottom row 64; and one of dense columns, whose tiles (about
        // 1,260 where a column is) are split against a budget of 1,000.
        let columns = columns();
        for (boxes, budget) in [(Vec::new(), 600), (columns, 1_000)] {
            let mut r = Refinement::default();
            r.count_boxes(1280, 800, boxes.iter().copied());
            r.mark_all(1280, 800);
            let mut frames = 0;
            let mut split = false;
            while r.is_stale() {
                frames += 1;
                assert!(frames < 10_000, "the canvas is never brought back");
                let taken = r.take(budget, 0.0, &view);
                split |= taken.iter().any(|t| t.w < TILE as f32 && t.h < TILE as f32);
                assert!(!taken.is_empty(), "a frame takes at least one");
                let pixels = |t: &Rect| (t.x as u32, t.y as u32, t.w as u32, t.h as u32);
                let spent: f64 = taken.iter().map(|t| r.cost(pixels(t))).sum();
                assert!(taken.len() == 1 || spent <= budget as f64, "{} taken, {spent:.0} spent", taken.len());
                let farthest = taken.iter().map(middle).fold(0.0, f32::max);
                let nearest_left = r.stale.iter().map(stale_distance).fold(f32::INFINITY, f32::min);
                assert!(
                    nearest_left >= farthest,
                    "frame {frames}: left a rectangle {nearest_left} from the middle, took one {farthest} away"
                );
            }
            assert_eq!(split, !boxes.is_empty(), "only the columns' tiles are split");
        }
    }

    /// A frame that spent some of its budget before taking tiles (counting
    /// the cells) takes fewer, but splits them against the whole budget:
    /// pieces cut for what was left would stay that small, each a region
    /// with every widget across its edges, for every frame after.
    #[test]
    fn a_frame_that_spent_some_of_its_budget_takes_less_but_splits_against_all_of_it() {
        let view = View::at_design_origin(1280, 800);
        let columns = columns();
        let fresh = || {
            let mut r = Refinement::default();
            r.count_boxes(1280, 800, columns.iter().copied());
            r.mark_all(1280, 800);
            r
        };
        let (mut whole, mut after_counting) = (fresh(), fresh());
        let all = whole.take(4_000, 0.0, &view);
        let some = after_counting.take(4_000, 3_000.0, &view);
        assert!(!some.is_empty() && some.len() < all.len(), "{} against {}", some.len(), all.len());
        // Every rectangle is still a whole tile (or the target's edge).
        assert_eq!(after_counting.stale.len() + some.len(), 20, "{:?}", after_counting.stale);
        assert!(some.iter().chain(&all).all(|t| t.w == TILE as f32 || t.h == TILE as f32), "{some:?}");
    }

    /// Whether a new view is too dear to draw whole is asked at every step
    /// of a zoom, and answered without counting the cells: it must be the
    /// answer the full count gives, at every budget, boxes that are not
    /// numbers, of negative size and past the target included.
    #[test]
    fn whether_a_view_passes_the_budget_is_what_counting_it_says() {
        let mut boxes = vec![
            (Rect::new(f32::NAN, 10.0, 5.0, 5.0), 3.0_f32),
            (Rect::new(-50.0, -20.0, 2000.0, 900.0), 1.0),
            (Rect::new(10.0, 10.0, 5.0, f32::INFINITY), 2.0),
            (Rect::new(1270.0, 795.0, 40.0, 40.0), 4.0),
            // Of negative width: it adds its instance, never less.
            (Rect::new(200.0, 0.0, -100.0, 100.0), 1.0),
        ];
        for x in (0..1280).step_by(37) {
            for y in (0..800).step_by(29) {
                boxes.push((Rect::new(x as f32 + 0.3, y as f32, 13.0 + (x % 7) as f32, 9.5), (1 + y % 3) as f32));
            }
        }
        let mut r = Refinement::default();
        let total = r.count_boxes(1280, 800, boxes.iter().copied()) as usize;
        assert!(total > 2_000, "a design dear enough to pass small budgets: {total}");
        for budget in [0, 1, 7, 100, 999, total / 2, total - 1, total, total + 1, 10 * total] {
            assert_eq!(passes(1280, 800, boxes.iter().copied(), budget), total > budget, "budget {budget} of {total}");
        }
    }

    #[test]
    fn stale_tiles_cover_the_canvas_once_and_move_with_a_pan() {
        let mut r = Refinement::default();
        r.mark_all(1280, 800);
        assert_eq!(r.stale.len(), 20);
        assert_eq!(r.stale_pixels(), 1280 * 800);
        r.shift(-300, 100, 1280, 800);
        // The left column of tiles and a part of the next left the canvas
        // on the left; the bottom 100 rows on the bottom.
        assert_eq!(r.stale_pixels(), (1280 - 300) * (800 - 100));
        r.shift(5000, 0, 1280, 800);
        assert!(!r.is_stale());
        // What a frame redraws anyway is no longer stale: a region over the
        // first tile and a half drops the first tile only.
        r.mark_all(1280, 800);
        r.drop_covered(&[(0, 0, 384, 300)]);
        assert_eq!(r.stale.len(), 19);
        assert!(!r.stale.contains(&(0, 0, 256, 256)));
    }

    /// A zoom in around a point on the canvas places the old canvas over
    /// all of the new one; a zoom out, a pan by a fraction of a pixel, or a
    /// zoom in around a point off it, leaves some of the new canvas to the
    /// background.
    #[test]
    fn only_a_zoom_in_resamples_over_the_whole_canvas() {
        use trellis_geometry::Point;
        use trellis_model::Color;
        let old = View {
            origin: Point::new(100.0, 50.0),
            zoom: 0.5,
            scale: 1.0,
            width: 1280,
            height: 800,
            background: Color::rgb(240, 240, 240),
        };
        // Around the design point under the canvas pixel `at`, by `k`.
        let zoomed = |k: f32, at: (f32, f32)| {
            let (zoom, f) = (old.zoom * k, old.factor());
            let centre = Point::new(old.origin.x + at.0 / f, old.origin.y + at.1 / f);
            View { origin: Point::new(centre.x - at.0 / (f * k), centre.y - at.1 / (f * k)), zoom, ..old }
        };
        for at in [(640.0, 400.0), (1.0, 1.0), (1279.0, 799.0), (17.0, 795.0)] {
            assert!(ResampleUniform::new(&old, &zoomed(1.1, at)).covers_target(), "in around {at:?}");
            assert!(!ResampleUniform::new(&old, &zoomed(1.0 / 1.1, at)).covers_target(), "out around {at:?}");
        }
        assert!(!ResampleUniform::new(&old, &zoomed(1.1, (-300.0, 400.0))).covers_target(), "in around a point off it");
        let panned = View { origin: Point::new(100.5, 50.0), ..old };
        assert!(!ResampleUniform::new(&old, &panned).covers_target(), "a pan by a quarter of a pixel");
        assert!(ResampleUniform::new(&old, &old).covers_target(), "the same view");
    }
}
