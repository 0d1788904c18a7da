//! Shapes as the shader sees them: every rectangle, shadow, line and image
//! is one instance of an antialiased quad (`shapes.wgsl`). Each display-list
//! item owns a range of the retained instance buffer, so that moving a
//! widget rewrites its few instances, not the list.

use std::ops::Range;

use trellis_geometry::Point;
use trellis_model::{Color, Rect, WidgetId};

use super::GpuRenderer;
use super::batching::RegionItems;
use super::damage::Region;
use super::device::InstanceBuffers;
use crate::display_list::{DisplayList, Item, Primitive};
use crate::overlay::{Effect, OverlayLayer, PULSE};
use crate::view::View;

/// One shape as the shader sees it (see `shapes.wgsl`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
pub(super) struct Instance {
    rect: [f32; 4],
    fill: [f32; 4],
    border: [f32; 4],
    clip: [f32; 4],
    params: [f32; 4],
    extra: [f32; 4],
}

/// Where an instance draws: its box (or a line's ends) and its clip, all
/// that moving it changes (`InstanceBuffers`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
pub(super) struct Place {
    rect: [f32; 4],
    clip: [f32; 4],
}

/// What an instance draws: the rest of it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
pub(super) struct Look {
    fill: [f32; 4],
    border: [f32; 4],
    params: [f32; 4],
    extra: [f32; 4],
}

/// Which pipeline draws an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pipe {
    /// Rectangles and lines, blended, by a lean shader (`vs_common` in
    /// `shapes.wgsl`).
    Common,
    /// Shadows, images and pulsing highlights, blended.
    Special,
    /// The opaque inside of a rectangle (strip 5), replacing what is
    /// under it.
    Opaque,
    /// The translucent inside of a rectangle (strip 6): its fill alone,
    /// blended.
    Flat,
}

/// Zoomed out below this many device pixels a design unit, short runs
/// of the common pipeline join the special runs beside them
/// ([`joined`]); at 100% and near it they stay lean.
const JOIN_BELOW_FACTOR: f32 = 0.5;

/// The most instances a run of the common pipeline may hold (an item's
/// rectangles and lines are a run of their own) to be drawn, zoomed out
/// ([`JOIN_BELOW_FACTOR`]), by the special pipeline's full shader (which
/// draws every kind, as [`GpuRenderer::lean_shapes`] off shows) with a
/// special run beside it, in one draw. A card's shadow is a special run:
/// the cards after it join it, one after another, until an item with
/// more common instances or an inside drawn apart ends the run. Shapes a
/// few device pixels across cost a software rasteriser more a draw than
/// the full shader's extra work on their pixels: full redraws with the
/// whole benchmark design in view (`trellis bench render --design F`,
/// this 2-core VM, lavapipe), joined against not, 12.3 to 12.7 ms
/// against 13.3 to 13.6 ms at 10,000 widgets (zoom 0.128), 78 ms against
/// 85 ms at 100,000 (0.041). At 100% (the demo) joining cost 3%
/// (5.85 ms against 5.6 to 5.7), so it is left out there.
const JOINED_COMMON: usize = 16;

/// The pipeline that draws a run of `pipe` just after `last` (of
/// `last_pipe`) and `last` together, in one draw, at `factor` device
/// pixels a design unit: the same pipeline, or, zoomed out, the special
/// one where the new run or `last` is a short common run. `None` where
/// they are drawn apart (not adjacent, or another pipeline).
pub(super) fn joined(last: &Range<u32>, last_pipe: Pipe, next: &Range<u32>, pipe: Pipe, factor: f32) -> Option<Pipe> {
    if last.end != next.start {
        return None;
    }
    let zoomed_out = factor < JOIN_BELOW_FACTOR;
    match (last_pipe, pipe) {
        (a, b) if a == b => Some(a),
        (Pipe::Special, Pipe::Common) if zoomed_out && next.len() <= JOINED_COMMON => Some(Pipe::Special),
        (Pipe::Common, Pipe::Special) if zoomed_out && last.len() <= JOINED_COMMON => Some(Pipe::Special),
        _ => None,
    }
}

impl Instance {
    pub(super) fn place(&self) -> Place {
        Place { rect: self.rect, clip: self.clip }
    }

    pub(super) fn look(&self) -> Look {
        Look { fill: self.fill, border: self.border, params: self.params, extra: self.extra }
    }

    /// Whether `other` draws what this does wherever it is: the same look,
    /// bit for bit (a radius of -0 is not one of 0).
    fn looks_as(&self, other: &Instance) -> bool {
        bytemuck::bytes_of(&self.look()) == bytemuck::bytes_of(&other.look())
    }

    /// Shadows, images and pulsing highlights need the pipeline that can
    /// draw them.
    pub(super) fn is_special(&self) -> bool {
        self.params[0] == KIND_SHADOW || self.params[0] == KIND_IMAGE || self.extra[0] > 0.0
    }

    /// The pipeline that draws this instance at `factor` device pixels a
    /// design unit: an image too small to show its pixels is drawn as its
    /// mean colour, a rectangle of the common pipeline.
    pub(super) fn pipe_at(&self, factor: f32) -> Pipe {
        if self.params[0] == KIND_IMAGE
            && crate::image_file::drawn_as_mean_colour(self.rect[2] * factor, self.rect[3] * factor)
        {
            return Pipe::Common;
        }
        self.pipe()
    }

    /// The pipeline that draws this instance.
    pub(super) fn pipe(&self) -> Pipe {
        if self.is_special() {
            Pipe::Special
        } else if self.params[0] == KIND_RECT && self.extra[3] == OPAQUE_INSIDE {
            Pipe::Opaque
        } else if self.params[0] == KIND_RECT && self.extra[3] == TRANSLUCENT_INSIDE {
            Pipe::Flat
        } else {
            Pipe::Common
        }
    }

    /// An overlay whose alpha changes with time (an image's `extra` is its
    /// place in the atlas; overlays draw no images).
    pub(super) fn pulses(&self) -> bool {
        self.params[0] != KIND_IMAGE && self.extra[0] > 0.0
    }

    /// Whether `now` is this instance moved by `by` (design units) and
    /// otherwise the same, each coordinate to within `tol`: a copy of its
    /// pixels moved by `by` shows it, give or take a fraction of a pixel.
    pub(super) fn moved_to(&self, now: &Instance, by: Point, tol: f32) -> bool {
        // Far coordinates (a clip's "unclipped") carry their own rounding.
        let close = |a: f32, d: f32, b: f32| (a + d - b).abs() <= tol + a.abs() * 1.0e-6;
        let [x, y, z, w] = self.rect;
        let [nx, ny, nz, nw] = now.rect;
        let rect = if self.params[0] == KIND_LINE {
            close(x, by.x, nx) && close(y, by.y, ny) && close(z, by.x, nz) && close(w, by.y, nw)
        } else {
            close(x, by.x, nx) && close(y, by.y, ny) && close(z, 0.0, nz) && close(w, 0.0, nw)
        };
        let [cx0, cy0, cx1, cy1] = self.clip;
        let [nx0, ny0, nx1, ny1] = now.clip;
        let clip = close(cx0, by.x, nx0) && close(cy0, by.y, ny0) && close(cx1, by.x, nx1) && close(cy1, by.y, ny1);
        rect && clip
            && (self.fill, self.border, self.params, self.extra) == (now.fill, now.border, now.params, now.extra)
    }

    /// For one of the four strips of a rectangle drawn hollow, the part of
    /// it that strip covers, as `shapes.wgsl` cuts it, with `px` design
    /// units to a device pixel; `None` for a shape drawn whole.
    pub(super) fn strip(&self, px: f32) -> Option<Rect> {
        let strip = (self.extra[3] + 0.5) as u32;
        if self.params[0] != KIND_RECT || !(1..=4).contains(&strip) {
            return None;
        }
        let [x, y, w, h] = self.rect;
        let inset = self.params[1].max(self.params[2]) + px;
        let (ix0, iy0, ix1, iy1) = (x + inset, y + inset, x + w - inset, y + h - inset);
        if ix0 >= ix1 || iy0 >= iy1 {
            // No inside: the shader draws the whole shape in one strip.
            return None;
        }
        let (lx, ly, hx, hy) = (x - px, y - px, x + w + px, y + h + px);
        let (x0, y0, x1, y1) = match strip {
            1 => (lx, ly, hx, iy0),
            2 => (lx, iy1, hx, hy),
            3 => (lx, iy0, ix0, iy1),
            _ => (ix1, iy0, hx, iy1),
        };
        Some(Rect::new(x0, y0, x1 - x0, y1 - y0))
    }

    /// The shape's corners (a line's ends) and how far past them it may
    /// paint (a line's width, a shadow's blur), in design units.
    pub(super) fn extent(&self) -> (f32, f32, f32, f32, f32) {
        let [a, b, c, d] = self.rect;
        if self.params[0] == KIND_LINE {
            (a, b, c, d, self.params[2].max(0.0))
        } else {
            (a, b, a + c, b + d, self.params[3].max(0.0))
        }
    }
}

/// `extra[3]` of a rectangle drawn as its opaque inside alone (strip 5 in
/// `shapes.wgsl`), by [`Pipe::Opaque`].
const OPAQUE_INSIDE: f32 = 5.0;

/// `extra[3]` of a rectangle drawn as its translucent inside alone (placed
/// as strip 5 is), by [`Pipe::Flat`].
const TRANSLUCENT_INSIDE: f32 = 6.0;

/// Which large rectangles are drawn as their inside and four strips around
/// it ([`Outline`]); the others are drawn whole. The picture is the same
/// either way (a translucent inside to a level on lavapipe, which
/// interpolates its flat colour in 8 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Insides {
    /// Opaque fills: the inside unblended ([`Pipe::Opaque`]).
    pub(super) opaque: bool,
    /// Translucent fills (a fill colour's alpha, or the widget's
    /// opacity): the inside by a shader that returns the fill
    /// ([`Pipe::Flat`]).
    pub(super) translucent: bool,
}

impl Insides {
    /// Both kinds drawn apart: the renderer's default.
    #[cfg(test)]
    pub(super) const APART: Insides = Insides { opaque: true, translucent: true };

    /// Every rectangle drawn whole, as before insides were drawn apart.
    #[cfg(test)]
    pub(super) const WHOLE: Insides = Insides { opaque: false, translucent: false };

    /// The `extra[3]` a rectangle of this outline is drawn with whole or
    /// as its inside (not a strip): 0, or the inside's.
    fn strip_of(self, outline: &Outline) -> f32 {
        match outline {
            Outline::OpaqueInside if self.opaque => OPAQUE_INSIDE,
            Outline::TranslucentInside if self.translucent => TRANSLUCENT_INSIDE,
            _ => 0.0,
        }
    }
}

const KIND_RECT: f32 = 0.0;
const KIND_SHADOW: f32 = 1.0;
const KIND_LINE: f32 = 2.0;
const KIND_IMAGE: f32 = 3.0;

/// No clip: far beyond any design.
const UNCLIPPED: [f32; 4] = [-1.0e9, -1.0e9, 1.0e9, 1.0e9];

/// A colour as the shader takes it: straight alpha, with `opacity` applied
/// and rounded to a byte as the CPU rasteriser rounds it.
pub(super) fn rgba(c: Color, opacity: f32) -> [f32; 4] {
    // Whole opacity (most shapes) rounds nothing; `round` is a call into
    // libm here, two a rectangle, 100,000 rectangles in a nudge of everything.
    let alpha =
        if opacity >= 1.0 { f32::from(c.a) } else { (f32::from(c.a) * opacity.clamp(0.0, 1.0)).round() } / 255.0;
    [f32::from(c.r) / 255.0, f32::from(c.g) / 255.0, f32::from(c.b) / 255.0, alpha]
}

fn clip_of(clip: Option<Rect>) -> [f32; 4] {
    clip.map_or(UNCLIPPED, |c| [c.x, c.y, c.right(), c.bottom()])
}

/// The items whose retained instances lag behind them, in paint order as
/// the renderer's ranges: patched items are rewritten only when a frame
/// draws them (`GpuRenderer::bring_up_to_date`).
#[derive(Default)]
pub(super) struct Stale {
    /// Whether each item is stale.
    flags: Vec<bool>,
    /// The stale items and their widgets (some no longer stale until
    /// [`Stale::forget_taken`]).
    items: Vec<(u32, WidgetId)>,
    /// Room for what stale items were made from, by widget, while the
    /// list's order changes (`Stale::carry`).
    carried: slotmap::SecondaryMap<WidgetId, Made>,
}

impl Stale {
    /// No item stale, in a list of `len` items.
    pub(super) fn reset(&mut self, len: usize) {
        self.flags.clear();
        self.flags.resize(len, false);
        self.items.clear();
    }

    pub(super) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many items are stale.
    pub(super) fn len(&self) -> usize {
        self.items.iter().filter(|(i, _)| self.flags[*i as usize]).count()
    }

    fn mark(&mut self, i: usize, widget: WidgetId) {
        // The flags follow the renderer's ranges, one per item of the list
        // drawn: an item past them would be drawn stale, unnoticed.
        debug_assert!(i < self.flags.len(), "item {i} of {} marked stale", self.flags.len());
        if let Some(flag) = self.flags.get_mut(i)
            && !*flag
        {
            *flag = true;
            self.items.push((i as u32, widget));
        }
    }

    /// Whether item `i` was stale; it no longer is.
    fn take(&mut self, i: usize) -> bool {
        self.flags.get_mut(i).is_some_and(|f| std::mem::replace(f, false))
    }

    /// Drops the items taken from the list of stale ones.
    fn forget_taken(&mut self) {
        let flags = &self.flags;
        self.items.retain(|(i, _)| flags[*i as usize]);
    }

    /// What each stale item's instances were made from (`made_from`, in
    /// the old order), by widget; then no item is stale, in a list of
    /// `len` items. The caller marks the kept ones again at their new
    /// places, and gives the map back emptied.
    fn carry(&mut self, made_from: &[Made], len: usize) -> slotmap::SecondaryMap<WidgetId, Made> {
        let mut carried = std::mem::take(&mut self.carried);
        carried.clear();
        for &(i, widget) in &self.items {
            if self.flags[i as usize]
                && let Some(made) = made_from.get(i as usize)
            {
                carried.insert(widget, *made);
            }
        }
        self.reset(len);
        carried
    }
}

/// What an item's retained instances were made from: which making of it
/// (`Item::made`), moved how many times, at which box; and whether moving
/// its primitives moves its instances alike (`move_instances`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Made {
    made: u64,
    moves: u32,
    at: Rect,
    movable: bool,
}

impl Made {
    /// Not known (an item kept over a change of the list's structure): its
    /// next change makes its instances again.
    const UNKNOWN: Made = Made { made: 0, moves: 0, at: Rect::new(0.0, 0.0, 0.0, 0.0), movable: false };

    fn of(item: &Item, movable: bool) -> Made {
        Made { made: item.made, moves: item.moves, at: item.at, movable }
    }

    /// Whether `item` is what these instances were made from, moved once
    /// more: then moving them as `Item::translate` moved its primitives
    /// gives what making them again would, to the bit.
    fn moved_once_to(&self, item: &Item) -> bool {
        self.movable && self.made == item.made && item.moves == self.moves.wrapping_add(1)
    }
}

/// Moves an item's instances as `Item::translate` moved its primitives,
/// from box `from` to box `to` (the same sums, so the same floats), and
/// gives them `clip`. A shape that is the box lands on it; the rest, and
/// both ends of a line, move by the difference. Only for a `movable` item
/// (`Made`: no missing image, whose cross is drawn from its box's corners).
/// `false`, with the instances half moved, where a large filled shape's
/// new clip draws it otherwise (its inside apart or not, `Outline::of`,
/// as `insides` allows): the item's instances must be made again.
fn move_instances(shapes: &mut [Instance], from: Rect, to: Rect, clip: [f32; 4], insides: Insides) -> bool {
    let d = Point::new(to.x - from.x, to.y - from.y);
    for s in shapes {
        let [x, y, w, h] = s.rect;
        s.rect = if s.params[0] == KIND_LINE {
            [x + d.x, y + d.y, w + d.x, h + d.y]
        } else if Rect::new(x, y, w, h) == from {
            [to.x, to.y, to.w, to.h]
        } else {
            [x + d.x, y + d.y, w, h]
        };
        s.clip = clip;
        // A rectangle drawn whole or as its inside (not a strip).
        let strip = s.extra[3];
        if s.params[0] == KIND_RECT && (strip == 0.0 || strip == OPAQUE_INSIDE || strip == TRANSLUCENT_INSIDE) {
            let outline = Outline::of(&Instance { extra: [0.0; 4], ..*s });
            if insides.strip_of(&outline) != strip {
                return false;
            }
        }
    }
    true
}

pub(super) fn rect_instance(
    rect: Rect,
    radius: f32,
    fill: Color,
    border: Option<(f32, Color)>,
    opacity: f32,
    clip: Option<Rect>,
) -> Instance {
    let (bw, bc) = border.unwrap_or((0.0, Color::rgba(0, 0, 0, 0)));
    Instance {
        rect: [rect.x, rect.y, rect.w, rect.h],
        fill: rgba(fill, opacity),
        border: rgba(bc, opacity),
        clip: clip_of(clip),
        params: [KIND_RECT, radius, bw, 0.0],
        extra: [0.0; 4],
    }
}

/// A layout guide (`Primitive::LayoutGuide`): a rectangle with no fill,
/// and in `extra[2]` the zoom factor below which the shader leaves it out.
fn layout_guide_instance(
    rect: Rect,
    radius: f32,
    width: f32,
    color: Color,
    opacity: f32,
    clip: Option<Rect>,
) -> Instance {
    let mut guide = rect_instance(rect, radius, Color::rgba(0, 0, 0, 0), Some((width, color)), opacity, clip);
    guide.extra[2] = crate::display_list::layout_guide_hidden_below(width);
    guide
}

fn line_instance(
    from: Point,
    to: Point,
    width: f32,
    color: Color,
    opacity: f32,
    clip: Option<Rect>,
    pulse: f32,
) -> Instance {
    Instance {
        rect: [from.x, from.y, to.x, to.y],
        fill: rgba(color, opacity),
        clip: clip_of(clip),
        params: [KIND_LINE, 0.0, width, 0.0],
        extra: [pulse, 0.0, 0.0, 0.0],
        ..Instance::default()
    }
}

/// This frame's instances beyond the retained ones, into `scratch`
/// (emptied first), in the order they are drawn: a clear of each redrawn
/// region, then the overlays, then `tint` over each region. Returns the
/// range the overlays and tint take.
pub(super) fn frame_instances(
    regions: &[Region],
    view: &View,
    overlays: &OverlayLayer,
    tint: Option<Color>,
    scratch: &mut Vec<Instance>,
) -> Range<u32> {
    scratch.clear();
    for region in regions {
        let (x, y, w, h) = region.scissor;
        let s = view.factor();
        // Wider than the scissor, so that its antialiased edge is cut off.
        let r = Rect::new(
            view.origin.x + (x as f32 - 2.0) / s,
            view.origin.y + (y as f32 - 2.0) / s,
            (w as f32 + 4.0) / s,
            (h as f32 + 4.0) / s,
        );
        let clear = rect_instance(r, 0.0, view.background, None, 1.0, None);
        // An opaque background is written as it is, not blended (the
        // quad's inside, a pixel in from its edge, still covers the scissor).
        let strip = if view.background.a == 255 { OPAQUE_INSIDE } else { 0.0 };
        scratch.push(Instance { extra: [0.0, 0.0, 0.0, strip], ..clear });
    }
    let overlay_start = scratch.len() as u32;
    overlay_instances(overlays, view.factor(), scratch);
    if let Some(hue) = tint {
        // Exactly each region's pixels, so that the pieces of a split
        // region tint alike, without darker seams where they meet.
        let s = view.factor();
        for region in regions {
            let (x, y, w, h) = region.scissor;
            let r = Rect::new(view.origin.x + x as f32 / s, view.origin.y + y as f32 / s, w as f32 / s, h as f32 / s);
            scratch.push(rect_instance(r, 0.0, hue, None, 1.0, None));
        }
    }
    let overlay_end = scratch.len() as u32;
    overlay_start..overlay_end
}

/// What a rectangle's pixels hold. A layout container's outline (a
/// border over no fill) covers a few pixels along its edge, yet drawn as
/// one quad it shades every pixel inside too, each blending nothing: on a
/// software rasteriser those empty insides were about a quarter of the
/// demo's full redraw. Those pixels are left out exactly: inside the
/// border and the corners, a rectangle with no fill adds zero, and
/// blending zero leaves a pixel as it was.
#[derive(Debug, PartialEq)]
enum Outline {
    /// Nothing shows: no fill and no border that shows.
    Invisible,
    /// A large border over no fill: drawn as the strips around the inside.
    Hollow,
    /// Drawn whole.
    Filled,
    /// Filled opaque over a large inside: the inside drawn apart, with
    /// no blending, and four strips around it.
    OpaqueInside,
    /// Filled translucent over a large inside: the inside drawn apart by
    /// a shader that returns the fill, blended, and four strips around
    /// it. Inside the border and the corners the full shader's coverage
    /// is 1 and the border adds 0, so it returns the fill there too, and
    /// most of such a rectangle's pixels cost a blend alone (a design
    /// whose widgets are faded, or a translucent page or overlay).
    TranslucentInside,
}

/// The area of a rectangle's inside (what strip 5 draws) within its clip,
/// in square design units.
fn clipped_inside(shape: &Instance) -> f32 {
    let [x, y, w, h] = shape.rect;
    let inset = shape.params[1].max(shape.params[2]);
    let [cx0, cy0, cx1, cy1] = shape.clip;
    let (x0, y0) = ((x + inset).max(cx0), (y + inset).max(cy0));
    let (x1, y1) = ((x + w - inset).min(cx1), (y + h - inset).min(cy1));
    (x1 - x0).max(0.0) * (y1 - y0).max(0.0)
}

/// The least inside, in square design units, for which a border over no
/// fill is drawn as four strips. Each instance costs a software
/// rasteriser about as much as a hundred pixels whatever its size, and
/// instances do not change with the zoom: four strips pay off only where
/// the inside skipped is large at any zoom a user works at (a page or a
/// sidebar, not a card's row: at 10,000 widgets zoomed to fit, strips for
/// every row and grid made a full redraw 15% slower).
const MIN_HOLLOW_INSIDE: f32 = 256.0 * 256.0;

/// The least inside, in square device pixels, for which an overlay's
/// border over no fill (a selection outline) is drawn as four strips: an
/// overlay is drawn at the zoom it is seen at, so its pixels are known.
/// Selecting everything at 10,000 widgets zoomed to fit shaded every
/// pixel of the design under the outlines, 10 ms on lavapipe.
const MIN_HOLLOW_OVERLAY_INSIDE: f32 = 32.0 * 32.0;

impl Outline {
    /// The outline of a display-list shape: `MIN_HOLLOW_INSIDE` applies.
    fn of(shape: &Instance) -> Outline {
        Outline::at_least(shape, MIN_HOLLOW_INSIDE, 1.0)
    }

    /// The outline of a shape whose inside, times `area_factor`, must be
    /// at least `least` to be skipped.
    fn at_least(shape: &Instance, least: f32, area_factor: f32) -> Outline {
        let border = shape.params[2];
        let border_shows = border > 0.0 && shape.border[3] > 0.0;
        let inset = shape.params[1].max(border);
        let inside = (shape.rect[2] - 2.0 * inset).max(0.0) * (shape.rect[3] - 2.0 * inset).max(0.0);
        match (shape.fill[3] > 0.0, border_shows) {
            (false, false) => Outline::Invisible,
            (false, true) if inside * area_factor >= least => Outline::Hollow,
            // Opaque, a clip that leaves a large inside, and a plain look.
            _ if shape.fill[3] >= 1.0
                && shape.extra == [0.0; 4]
                && inside * area_factor >= least
                && clipped_inside(shape) * area_factor >= least / 2.0 =>
            {
                Outline::OpaqueInside
            }
            // Translucent, under the same conditions.
            _ if shape.fill[3] > 0.0
                && shape.extra == [0.0; 4]
                && inside * area_factor >= least
                && clipped_inside(shape) * area_factor >= least / 2.0 =>
            {
                Outline::TranslucentInside
            }
            _ => Outline::Filled,
        }
    }
}

/// Whether the primitive after the shadow at `k` is its caster, opaque:
/// then the shadow's inside is painted over, and only the strips around it
/// are drawn (a window's shadow spans the whole canvas, and its layered
/// edge is the dearest pixel the renderer draws).
fn covered_by_next(primitives: &[Primitive], k: usize, opacity: f32) -> bool {
    let Some(Primitive::Shadow { rect, radius, .. }) = primitives.get(k) else { return false };
    matches!(
        primitives.get(k + 1),
        Some(Primitive::Rect { rect: caster, radius: r, fill, .. })
            if caster == rect && r <= radius && fill.a == 255 && opacity >= 1.0
    )
}

pub(super) fn overlay_instances(overlays: &OverlayLayer, factor: f32, out: &mut Vec<Instance>) {
    for (prim, effect) in &overlays.primitives {
        let pulse = match effect {
            Effect::None => [0.0, 0.0],
            Effect::Pulse => [PULSE.0, PULSE.1],
        };
        let mut instance = match prim {
            Primitive::Rect { rect, radius, fill, border } => rect_instance(*rect, *radius, *fill, *border, 1.0, None),
            Primitive::Shadow { rect, radius, blur, color } => Instance {
                rect: [rect.x, rect.y, rect.w, rect.h],
                fill: rgba(*color, 1.0),
                clip: UNCLIPPED,
                params: [KIND_SHADOW, *radius, 0.0, *blur],
                ..Instance::default()
            },
            Primitive::Line { from, to, width, color } => line_instance(*from, *to, *width, *color, 1.0, None, 0.0),
            // The overlay layer draws shapes only, and no layout guides
            // (those are the list's).
            Primitive::Text { .. } | Primitive::Image { .. } | Primitive::LayoutGuide { .. } => continue,
        };
        instance.extra[0] = pulse[0];
        instance.extra[1] = pulse[1];
        if instance.params[0] == KIND_RECT
            && Outline::at_least(&instance, MIN_HOLLOW_OVERLAY_INSIDE, factor * factor) == Outline::Hollow
        {
            // Four strips around the inside (`shapes.wgsl`).
            for strip in 1..=4 {
                out.push(Instance { extra: [pulse[0], pulse[1], 0.0, strip as f32], ..instance });
            }
            continue;
        }
        out.push(instance);
    }
}

/// Beyond this many instances no item uses (left behind by items made
/// again elsewhere, or by widgets gone), on top of as many as are used,
/// the retained buffer is laid out again from the list. Small, so that a
/// small design's buffer stops growing within a few edits (the leak check
/// sees a buffer that grows for hundreds of cycles as a leak); a large
/// design's allowance is its own size.
const MAX_DEAD_INSTANCES: usize = 256;

impl GpuRenderer {
    /// Lays every item's instances out again, in paint order.
    pub(super) fn rebuild_instances(&mut self, list: &DisplayList) {
        self.instances.clear();
        self.ranges.clear();
        self.item_bounds.clear();
        self.item_texts.clear();
        self.made_from.clear();
        self.by_widget.clear();
        self.stale.reset(list.items.len());
        // Everything goes up below: nothing of an earlier update is left.
        self.dirty.clear();
        self.dirty_places.clear();
        self.appended_from = None;
        for item in &list.items {
            let start = self.instances.len() as u32;
            let movable = self.item_instances(item);
            let range = start..self.instances.len() as u32;
            self.by_widget.insert(item.widget, range.clone());
            self.ranges.push(range);
            self.item_bounds.push(item.bounds);
            self.item_texts.push(item.texts);
            self.made_from.push(Made::of(item, movable));
        }
        self.upload_instances();
    }

    fn upload_instances(&mut self) {
        let needed = (self.instances.len() as u64).max(1);
        if needed > self.state.instances.capacity() {
            self.state.instances =
                InstanceBuffers::new(&self.gpu.device, "trellis canvas instances", needed + needed / 2);
        }
        self.state.instances.write(&self.gpu.queue, 0, &self.instances, false);
    }

    /// The instances of one item, made into the reused scratch vector, and
    /// what they were made from.
    fn fresh_instances(&mut self, item: &Item) -> (Vec<Instance>, Made) {
        let mut fresh = std::mem::take(&mut self.fresh);
        fresh.clear();
        let keep = std::mem::replace(&mut self.instances, fresh);
        let movable = self.item_instances(item);
        (std::mem::replace(&mut self.instances, keep), Made::of(item, movable))
    }

    /// Puts `fresh` as `widget`'s instances: over its old ones when it has
    /// as many (the range kept to upload), else appended (the old ones
    /// left unused; appended ones go up together in the frame's upload).
    /// Returns their range.
    fn place_instances(&mut self, widget: WidgetId, fresh: &[Instance], old: Option<Range<u32>>) -> Range<u32> {
        let range = match old {
            Some(r) if r.len() == fresh.len() => {
                let old = &mut self.instances[r.start as usize..r.end as usize];
                // An item made again only to move it (a missing image's
                // cross, an item moved twice since it was made, or after a
                // change of the tree) looks as it did: its places alone go up.
                let same_looks = old.iter().zip(fresh).all(|(o, n)| o.looks_as(n));
                old.copy_from_slice(fresh);
                if !fresh.is_empty() {
                    if same_looks { &mut self.dirty_places } else { &mut self.dirty }.push(r.clone());
                }
                // Where it already was: a nudge of everything rewrites every
                // item's instances in place, and finding each widget in the
                // map again was a cache miss an item.
                debug_assert_eq!(self.by_widget.get(widget), Some(&r), "the map names the range replaced");
                return r;
            }
            _ => {
                let start = self.instances.len() as u32;
                self.instances.extend_from_slice(fresh);
                start..self.instances.len() as u32
            }
        };
        self.by_widget.insert(widget, range.clone());
        range
    }

    /// Uploads the instances the frame's updates rewrote in place and
    /// those they appended (growing the buffer, and uploading everything,
    /// when they no longer fit). Many rewrites close together (a bulk
    /// edit) go up as one span: a write per item costs more than the bytes
    /// between them. Many far apart (the items a nudge of everything
    /// uncovers at the design's edges, strewn through paint order) go up
    /// through one staging buffer that `encoder` copies from span by span.
    /// Returns how many spans went up that way: of whole instances, and
    /// of places only.
    pub(super) fn upload_changes(&mut self, encoder: &mut wgpu::CommandEncoder) -> (usize, usize) {
        let from = self.appended_from.take();
        let mut copied = (0, 0);
        let mut dirty = std::mem::take(&mut self.dirty);
        let mut moved = std::mem::take(&mut self.dirty_places);
        if self.instances.len() as u64 > self.state.instances.capacity() {
            self.upload_instances();
        } else {
            if let Some(from) = from
                && self.instances.len() > from
            {
                dirty.push(from as u32..self.instances.len() as u32);
            }
            for (spans, places_only) in [(&mut dirty, false), (&mut moved, true)] {
                match plan_writes(spans) {
                    Writes::EachSpan => {
                        for r in spans.iter() {
                            let shapes = &self.instances[r.start as usize..r.end as usize];
                            self.state.instances.write(&self.gpu.queue, r.start, shapes, places_only);
                        }
                    }
                    Writes::Copied => {
                        if places_only {
                            copied.1 += spans.len();
                        } else {
                            copied.0 += spans.len();
                        }
                        self.state.instances.write_spans(
                            &self.gpu.device,
                            encoder,
                            &self.instances,
                            spans,
                            places_only,
                        );
                    }
                }
            }
        }
        dirty.clear();
        moved.clear();
        self.dirty = dirty;
        self.dirty_places = moved;
        copied
    }

    /// After the list's tree changed (items inserted, removed or
    /// reordered; the same build otherwise): every item keeps the
    /// instances it had, wherever it now is in paint order, and only the
    /// items made again (`changed`) get new ones. Paint order lives in
    /// `ranges`, so nothing is moved or uploaded for an item that only
    /// changed its place. Returns how many instances were written.
    pub(super) fn restructure_instances(&mut self, list: &DisplayList, changed: &[usize]) -> usize {
        let mut remade = std::mem::take(&mut self.remade);
        remade.clear();
        remade.resize(list.items.len(), false);
        for &i in changed {
            if let Some(r) = remade.get_mut(i) {
                *r = true;
            }
        }
        let appended_from = self.instances.len();
        let mut written = 0;
        // Stale items keep what their instances were made from, by widget,
        // across the new order: they are brought up to date when drawn.
        let mut carried = self.stale.carry(&self.made_from, list.items.len());
        self.ranges.clear();
        self.item_bounds.clear();
        self.item_texts.clear();
        self.made_from.clear();
        for (i, item) in list.items.iter().enumerate() {
            self.item_bounds.push(item.bounds);
            self.item_texts.push(item.texts);
            let old = self.by_widget.get(item.widget).cloned();
            let (range, made) = match old {
                Some(r) if !remade[i] => match carried.remove(item.widget) {
                    Some(made) => {
                        self.stale.mark(i, item.widget);
                        (r, made)
                    }
                    // What a kept item's instances were made from is kept
                    // by its old place in the list, gone now.
                    None => (r, Made::UNKNOWN),
                },
                old => {
                    let (fresh, made) = self.fresh_instances(item);
                    written += fresh.len();
                    let r = self.place_instances(item.widget, &fresh, old);
                    self.fresh = fresh;
                    (r, made)
                }
            };
            self.ranges.push(range);
            self.made_from.push(made);
        }
        self.remade = remade;
        carried.clear();
        self.stale.carried = carried;
        self.finish_update(list, appended_from, written)
    }

    /// Takes the patched items' new bounds (what finds a frame's items)
    /// and marks their instances stale: they are rewritten when a frame
    /// draws them ([`GpuRenderer::bring_up_to_date`]). A nudge of
    /// everything at 100,000 widgets is drawn by a copy of the canvas and
    /// the strips it uncovers; rewriting and uploading every item's
    /// instances for it was 3 ms of its frame, for instances the next
    /// frames draw a few tiles at a time, and a key held down moves again
    /// before most are drawn.
    pub(super) fn patch_instances(&mut self, list: &DisplayList, changed: &[usize]) {
        for &i in changed {
            let Some(item) = list.items.get(i) else { continue };
            if let Some(b) = self.item_bounds.get_mut(i) {
                *b = item.bounds;
            }
            if let Some(t) = self.item_texts.get_mut(i) {
                *t = item.texts;
            }
            self.stale.mark(i, item.widget);
        }
    }

    /// Rewrites the stale instances of the items this frame's regions
    /// meet (`meets`), for the frame's one upload
    /// ([`GpuRenderer::upload_changes`]). Returns how many instances were
    /// written.
    pub(super) fn bring_up_to_date(&mut self, list: &DisplayList, meets: &RegionItems, regions: usize) -> usize {
        if self.stale.is_empty() {
            return 0;
        }
        let appended_from = self.instances.len();
        let (mut written, mut patched) = (0, false);
        for k in 0..regions {
            for &i in meets.of(k) {
                let i = i as usize;
                if self.stale.take(i) {
                    written += self.rewrite_item(list, i);
                    patched = true;
                }
            }
        }
        if !patched {
            return 0;
        }
        self.stale.forget_taken();
        self.finish_update(list, appended_from, written)
    }

    /// Rewrites item `i`'s instances: in place, or, where it now has a
    /// different number of them, appended. An item only moved since its
    /// instances were made has them moved where they are, without reading
    /// its primitives: most of a nudge of everything at 100,000 widgets
    /// was making each item's instances again. Returns how many instances
    /// were written.
    fn rewrite_item(&mut self, list: &DisplayList, i: usize) -> usize {
        let Some(item) = list.items.get(i) else { return 0 };
        let old = self.ranges[i].clone();
        let was = self.made_from.get(i).copied().unwrap_or(Made::UNKNOWN);
        let insides = self.insides();
        let shapes = &mut self.instances[old.start as usize..old.end as usize];
        let written;
        let made = if was.moved_once_to(item) && move_instances(shapes, was.at, item.at, clip_of(item.clip), insides) {
            written = shapes.len();
            if !old.is_empty() {
                self.dirty_places.push(old);
            }
            self.moved_in_place += 1;
            Made::of(item, true)
        } else {
            let (fresh, made) = self.fresh_instances(item);
            written = fresh.len();
            self.ranges[i] = self.place_instances(item.widget, &fresh, Some(old));
            self.fresh = fresh;
            made
        };
        if let Some(m) = self.made_from.get_mut(i) {
            *m = made;
        }
        written
    }

    /// Ends an update that wrote `written` instances: lays the buffer out
    /// again when unused instances (left by items that grew, shrank or
    /// went) have piled up, else keeps what changed for the frame's one
    /// upload ([`GpuRenderer::upload_changes`]). Returns how many instances
    /// were written.
    fn finish_update(&mut self, list: &DisplayList, appended_from: usize, written: usize) -> usize {
        let live: usize = self.ranges.iter().map(|r| r.len()).sum();
        if self.instances.len() > 2 * live + MAX_DEAD_INSTANCES {
            self.rebuild_instances(list);
            return self.instances.len();
        }
        self.appended_from = Some(self.appended_from.map_or(appended_from, |a| a.min(appended_from)));
        written
    }

    pub(super) fn upload_scratch(&mut self, scratch: &[Instance]) {
        let needed = (scratch.len() as u64).max(1);
        if needed > self.state.scratch.capacity() {
            self.state.scratch = InstanceBuffers::new(&self.gpu.device, "trellis frame instances", needed);
        }
        self.state.scratch.write(&self.gpu.queue, 0, scratch, false);
    }

    /// Which large rectangles' insides are drawn apart, as set.
    fn insides(&self) -> Insides {
        Insides { opaque: self.opaque_insides, translucent: self.translucent_insides }
    }

    /// The shapes of one item, appended to the retained instances. Returns
    /// whether they move as its primitives do (`move_instances`).
    fn item_instances(&mut self, item: &Item) -> bool {
        let mut out = std::mem::take(&mut self.instances);
        let insides = self.insides();
        let movable = item_shapes(item, insides, |path, widget| self.image(path, widget), &mut out);
        self.instances = out;
        movable
    }
}

/// A rectangle's instances, appended to `out`: drawn whole, as strips
/// around an inside that adds nothing, as its inside and strips (where
/// `insides` allows), or not at all (`Outline`).
fn push_rect(shape: Instance, insides: Insides, out: &mut Vec<Instance>) {
    // What a strip keeps of `extra`: a layout guide's zoom factor.
    let strip = |strip: f32| Instance { extra: [0.0, 0.0, shape.extra[2], strip], ..shape };
    let outline = Outline::of(&shape);
    match outline {
        Outline::Invisible => {}
        // Four strips around the inside (`shapes.wgsl`).
        Outline::Hollow => out.extend([1.0, 2.0, 3.0, 4.0].map(strip)),
        // The inside first: an opaque one replaces what is under it, and
        // the strips share its edges (no pixel is drawn twice).
        Outline::OpaqueInside | Outline::TranslucentInside => {
            let inside = insides.strip_of(&outline);
            if inside == 0.0 {
                out.push(shape);
            } else {
                out.extend([inside, 1.0, 2.0, 3.0, 4.0].map(strip));
            }
        }
        Outline::Filled => out.push(shape),
    }
}

/// The shapes of one item, appended to `out`, its images placed by
/// `image`, and large rectangles' insides drawn apart where `insides`
/// allows. Returns whether they move as its primitives do
/// (`move_instances`).
fn item_shapes(
    item: &Item,
    insides: Insides,
    mut image: impl FnMut(&str, &str) -> Option<super::AtlasImage>,
    out: &mut Vec<Instance>,
) -> bool {
    let clip = item.clip;
    let o = item.opacity;
    let mut movable = true;
    for (k, prim) in item.primitives.iter().enumerate() {
        match prim {
            Primitive::Rect { rect, radius, fill, border } => {
                push_rect(rect_instance(*rect, *radius, *fill, *border, o, clip), insides, out);
            }
            Primitive::LayoutGuide { rect, radius, width, color } => {
                push_rect(layout_guide_instance(*rect, *radius, *width, *color, o, clip), insides, out);
            }
            Primitive::Shadow { rect, radius, blur, color } => {
                // Whether the shadow is drawn as strips depends on its
                // caster's box being its own (`covered_by_next`): two boxes
                // a rounding apart could meet after a move.
                if matches!(item.primitives.get(k + 1), Some(Primitive::Rect { rect: caster, .. }) if caster != rect) {
                    movable = false;
                }
                let shadow = Instance {
                    rect: [rect.x, rect.y, rect.w, rect.h],
                    fill: rgba(*color, o),
                    clip: clip_of(clip),
                    params: [KIND_SHADOW, *radius, 0.0, *blur],
                    ..Instance::default()
                };
                if covered_by_next(&item.primitives, k, o) {
                    // Four strips around the caster's inside (`shapes.wgsl`).
                    for strip in 1..=4 {
                        out.push(Instance { extra: [0.0, 0.0, 0.0, strip as f32], ..shadow });
                    }
                } else {
                    out.push(shadow);
                }
            }
            // A line of a negative width draws nothing, as on the CPU.
            Primitive::Line { width, .. } if width.is_nan() || *width < 0.0 => {}
            Primitive::Line { from, to, width, color } => {
                out.push(line_instance(*from, *to, *width, *color, o, clip, 0.0));
            }
            Primitive::Text { .. } => {}
            Primitive::Image { rect, path, widget } => {
                match image(path, widget) {
                    Some(img) => out.push(Instance {
                        rect: [rect.x, rect.y, rect.w, rect.h],
                        fill: [1.0, 1.0, 1.0, o.clamp(0.0, 1.0)],
                        clip: clip_of(clip),
                        params: [KIND_IMAGE, 0.0, 0.0, 0.0],
                        extra: img.uv,
                        // What it is drawn as too small to show its pixels.
                        border: img.mean,
                    }),
                    // A missing or unreadable image shows as a crossed box, as on the CPU.
                    None => {
                        // Its corners are sums of the box, which a move
                        // by the difference rounds otherwise.
                        movable = false;
                        let grey = Color::rgba(128, 128, 128, 160);
                        for (a, b) in [
                            ((rect.x, rect.y), (rect.right(), rect.bottom())),
                            ((rect.right(), rect.y), (rect.x, rect.bottom())),
                        ] {
                            out.push(line_instance(
                                Point::new(a.0, a.1),
                                Point::new(b.0, b.1),
                                1.0,
                                grey,
                                o,
                                clip,
                                0.0,
                            ));
                        }
                    }
                }
            }
        }
    }
    movable
}

/// Instances between two rewritten spans that are sent again rather than
/// start another write: each write of a stream makes its own staging buffer
/// (a dozen heap allocations in wgpu and a driver call), while 128
/// instances are 12 KiB of copying. A dragged card's items sit next to
/// each other in the buffer, so their rewrites go up as one write.
const WRITE_GAP: u32 = 128;

/// Beyond this many writes a frame, the instances go up as one span, or
/// through one staging buffer (`Writes::Copied`).
const MAX_WRITES: usize = 32;

/// How a frame's spans of rewritten instances go up.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Writes {
    /// A queue write each: what few spans cost least.
    EachSpan,
    /// Packed into one staging buffer, then copied into place span by
    /// span by the frame's encoder: many spans that cover little of the
    /// stretch between the first and the last.
    Copied,
}

/// Turns the spans of instances rewritten (in any order) into the writes
/// that upload them: merged where close (`WRITE_GAP`). Where that leaves
/// more than `MAX_WRITES`, one span around them all where they cover half
/// of it or more, else the spans as they are, copied from one staging
/// buffer. That half is first looked for without sorting: sorting the
/// 100,000 spans of a nudge of everything, in the order the items moved,
/// took about 2 ms.
fn plan_writes(spans: &mut Vec<Range<u32>>) -> Writes {
    // One span around them all, where they cover half of it or more.
    let around_if_dense = |spans: &mut Vec<Range<u32>>| {
        let (start, end, covered) = spans.iter().fold((u32::MAX, 0, 0u64), |(s, e, c), r| {
            (s.min(r.start), e.max(r.end), c + u64::from(r.end.saturating_sub(r.start)))
        });
        let dense = 2 * covered >= u64::from(end.saturating_sub(start));
        if dense {
            spans.clear();
            spans.push(start..end);
        }
        dense
    };
    if spans.len() > MAX_WRITES && around_if_dense(spans) {
        return Writes::EachSpan;
    }
    coalesce_spans(spans, WRITE_GAP);
    if spans.len() <= MAX_WRITES || around_if_dense(spans) {
        return Writes::EachSpan;
    }
    Writes::Copied
}

/// Sorts `spans` and merges those that overlap or lie within `gap` of each
/// other, in place (no allocation: the vector is the renderer's own, kept
/// from frame to frame).
fn coalesce_spans(spans: &mut Vec<Range<u32>>, gap: u32) {
    if spans.len() < 2 {
        return;
    }
    spans.sort_unstable_by_key(|r| r.start);
    let mut kept = 0;
    for i in 1..spans.len() {
        let next = spans[i].clone();
        let last = &mut spans[kept];
        if next.start <= last.end.saturating_add(gap) {
            last.end = last.end.max(next.end);
        } else {
            kept += 1;
            spans[kept] = next;
        }
    }
    spans.truncate(kept + 1);
}

#[cfg(test)]
mod tests {
    use trellis_model::Theme;

    use super::*;

    /// Zoomed out, a card's shadow, its few common shapes and its image
    /// are one draw by the full shader; a long common run keeps the lean
    /// one, insides drawn apart keep theirs, and at 100% nothing joins.
    #[test]
    fn short_common_runs_join_the_special_runs_beside_them_zoomed_out() {
        let (s, c) = (Pipe::Special, Pipe::Common);
        let out = JOIN_BELOW_FACTOR / 4.0;
        assert_eq!(joined(&(0..1), s, &(1..11), c, out), Some(s), "a shadow, then a card's shapes");
        assert_eq!(joined(&(0..11), s, &(11..12), s, out), Some(s), "then its image");
        assert_eq!(joined(&(0..10), c, &(10..11), s, out), Some(s), "shapes, then an image");
        assert_eq!(joined(&(0..5), c, &(5..9), c, out), Some(c), "one pipeline stays lean");
        let long = JOINED_COMMON as u32 + 1;
        assert_eq!(joined(&(0..1), s, &(1..1 + long), c, out), None, "a long common run is drawn lean");
        assert_eq!(joined(&(0..long), c, &(long..long + 1), s, out), None);
        assert_eq!(joined(&(0..1), s, &(2..3), c, out), None, "not adjacent");
        assert_eq!(joined(&(0..1), s, &(1..2), Pipe::Opaque, out), None, "an inside keeps its pipeline");
        assert_eq!(joined(&(0..1), Pipe::Flat, &(1..2), c, out), None);
        assert_eq!(joined(&(0..1), s, &(1..11), c, 1.0), None, "at 100% the card's shapes stay lean");
        assert_eq!(joined(&(0..5), c, &(5..9), c, 1.0), Some(c));
    }

    /// The two vertex streams hold every field of an instance, once, each
    /// where its vertex attribute reads it (`shapes.wgsl`'s locations).
    #[test]
    fn an_instance_is_its_place_and_its_look() {
        use super::super::device::{LOOK_ATTRIBUTES, PLACE_ATTRIBUTES};
        assert_eq!(std::mem::size_of::<Place>() + std::mem::size_of::<Look>(), std::mem::size_of::<Instance>());
        let shape = Instance {
            rect: [1.0, 2.0, 3.0, 4.0],
            fill: [5.0, 6.0, 7.0, 8.0],
            border: [9.0, 10.0, 11.0, 12.0],
            clip: [13.0, 14.0, 15.0, 16.0],
            params: [17.0, 18.0, 19.0, 20.0],
            extra: [21.0, 22.0, 23.0, 24.0],
        };
        // Location by location, what the shader reads from each stream.
        let read = |bytes: &[u8], attributes: &[wgpu::VertexAttribute]| -> Vec<(u32, [f32; 4])> {
            attributes
                .iter()
                .map(|a| {
                    let at = a.offset as usize;
                    (a.shader_location, bytemuck::pod_read_unaligned(&bytes[at..at + 16]))
                })
                .collect()
        };
        let mut seen = read(bytemuck::bytes_of(&shape.place()), &PLACE_ATTRIBUTES);
        seen.extend(read(bytemuck::bytes_of(&shape.look()), &LOOK_ATTRIBUTES));
        seen.sort_by_key(|(location, _)| *location);
        let fields = [shape.rect, shape.fill, shape.border, shape.clip, shape.params, shape.extra];
        assert_eq!(seen, fields.into_iter().enumerate().map(|(k, f)| (k as u32, f)).collect::<Vec<_>>());
        assert!(shape.looks_as(&Instance { rect: [0.0; 4], clip: [0.0; 4], ..shape }));
        assert!(!shape.looks_as(&Instance { fill: [5.0, 6.0, 7.0, 0.5], ..shape }));
        let zero = Instance { params: [17.0, 0.0, 19.0, 20.0], ..shape };
        assert!(!zero.looks_as(&Instance { params: [17.0, -0.0, 19.0, 20.0], ..shape }), "bit for bit");
    }

    /// The instances of an item moved where they are equal, to the bit,
    /// those made again from its primitives moved by `Item::translate`
    /// (which a settled canvas must equal: a full redraw makes them so),
    /// for every kind of item of a generated design, by whole and by
    /// fractional distances, at fractional places.
    #[test]
    fn moving_an_items_instances_makes_what_making_them_again_does() {
        use std::sync::Arc;
        use trellis_geometry::{FixedAdvanceMeasurer, Geometry};
        let mut items = Vec::new();
        for doc in [trellis_model::generate(600, 5), trellis_model::demo_design()] {
            let geometry = Geometry::new(&doc, Arc::new(FixedAdvanceMeasurer::default()));
            items.extend(DisplayList::build(&doc, &geometry, &Theme::LIGHT).items);
        }
        let (mut moved, mut lines, mut shadows, mut unmovable, mut images) = (0, 0, 0, 0, 0);
        // Images missing (a crossed box) and found in the atlas.
        for found in [None, Some(super::super::AtlasImage { uv: [0.25, 0.5, 0.75, 1.0], mean: [0.5; 4] })] {
            let image = |_: &str, _: &str| found;
            for item in &items {
                let mut shapes = Vec::new();
                let movable = item_shapes(item, Insides::APART, image, &mut shapes);
                let has_image = item.primitives.iter().any(|p| matches!(p, Primitive::Image { .. }));
                if has_image {
                    assert_eq!(movable, found.is_some(), "a missing image's cross is drawn from its corners");
                }
                if !movable {
                    unmovable += 1;
                    continue;
                }
                let at = item.at;
                for (k, by) in [(10.0, 0.0), (0.3, -7.1), (-0.125, 1.0e-3), (1234.567, -89.01)].into_iter().enumerate()
                {
                    // Off the whole grid: sums that round.
                    let base = Rect::new(at.x + 0.1 * k as f32, at.y - 0.7, at.w, at.h);
                    let mut before = item.clone();
                    before.translate(base);
                    let mut old = Vec::new();
                    item_shapes(&before, Insides::APART, image, &mut old);
                    let was = Made::of(&before, true);
                    let mut after = before.clone();
                    after.translate(Rect::new(base.x + by.0, base.y + by.1, at.w, at.h));
                    after.clip = after.clip.map(|c| Rect::new(c.x + by.0, c.y + by.1, c.w, c.h));
                    assert!(was.moved_once_to(&after) && !was.moved_once_to(&before), "one move since");
                    let mut fresh = Vec::new();
                    assert!(item_shapes(&after, Insides::APART, image, &mut fresh));
                    assert!(move_instances(&mut old, was.at, after.at, clip_of(after.clip), Insides::APART));
                    assert_eq!(
                        bytemuck::cast_slice::<_, u8>(&old),
                        bytemuck::cast_slice::<_, u8>(&fresh),
                        "{item:?} by {by:?}"
                    );
                    moved += 1;
                }
                lines += usize::from(shapes.iter().any(|s| s.params[0] == KIND_LINE));
                shadows += usize::from(shapes.iter().any(|s| s.params[0] == KIND_SHADOW));
                images += usize::from(shapes.iter().any(|s| s.params[0] == KIND_IMAGE));
            }
        }
        assert!(
            moved > 400 && lines > 0 && shadows > 0 && unmovable > 0 && images > 0,
            "{moved} {lines} {shadows} {unmovable} {images}"
        );
        // Moved twice, or made again, it is made again.
        let item =
            items.iter().find(|i| item_shapes(i, Insides::APART, |_, _| None, &mut Vec::new())).expect("movable");
        let was = Made::of(item, true);
        let mut twice = item.clone();
        twice.translate(Rect::new(item.at.x + 1.0, item.at.y, item.at.w, item.at.h));
        twice.translate(Rect::new(item.at.x + 2.0, item.at.y, item.at.w, item.at.h));
        assert!(!was.moved_once_to(&twice));
        assert!(!Made::UNKNOWN.moved_once_to(item) && !Made::of(item, false).moved_once_to(item));
    }

    /// A large filled shape is drawn as its inside and four strips where
    /// its clip leaves most of that inside: moved mostly out of a clip that
    /// stays, it is drawn whole, one instance, and moving its five cannot
    /// make that. Opaque, with a translucent fill colour, and faded by the
    /// widget's opacity alike.
    #[test]
    fn a_large_filled_shape_moved_out_of_its_clip_is_made_again() {
        let square = Rect::new(0.0, 0.0, 400.0, 400.0);
        for (fill, opacity, inside) in [
            (Color::rgba(255, 255, 255, 255), 1.0, OPAQUE_INSIDE),
            (Color::rgba(255, 255, 255, 128), 1.0, TRANSLUCENT_INSIDE),
            (Color::rgba(255, 255, 255, 255), 0.5, TRANSLUCENT_INSIDE),
        ] {
            let item = Item {
                widget: WidgetId::default(),
                primitives: vec![Primitive::Rect { rect: square, radius: 0.0, fill, border: None }],
                clip: Some(square),
                opacity,
                bounds: square,
                at: square,
                made: 1,
                moves: 0,
                texts: 0,
            };
            let mut shapes = Vec::new();
            assert!(item_shapes(&item, Insides::APART, |_, _| None, &mut shapes));
            assert_eq!(shapes.len(), 5, "inside apart");
            assert_eq!(shapes[0].extra[3], inside, "{fill:?} at {opacity}");
            for (by, still) in [(300.0, true), (350.0, false)] {
                let mut after = item.clone();
                after.translate(Rect::new(by, 0.0, 400.0, 400.0));
                let mut moved = shapes.clone();
                let done = move_instances(&mut moved, item.at, after.at, clip_of(after.clip), Insides::APART);
                let mut fresh = Vec::new();
                item_shapes(&after, Insides::APART, |_, _| None, &mut fresh);
                assert_eq!(done, still, "moved by {by}");
                assert_eq!(fresh.len(), if still { 5 } else { 1 });
                if still {
                    assert_eq!(moved, fresh);
                }
            }
            // Without insides apart it is one instance either way.
            let mut whole = Vec::new();
            item_shapes(&item, Insides::WHOLE, |_, _| None, &mut whole);
            assert_eq!(whole.len(), 1);
            let mut after = item.clone();
            after.translate(Rect::new(350.0, 0.0, 400.0, 400.0));
            assert!(move_instances(&mut whole, item.at, after.at, clip_of(after.clip), Insides::WHOLE));
            // Made with insides apart, moved by a renderer that draws its
            // kind whole: made again.
            let other = if inside == OPAQUE_INSIDE {
                Insides { opaque: false, translucent: true }
            } else {
                Insides { opaque: true, translucent: false }
            };
            let mut moved = shapes.clone();
            let mut after = item.clone();
            after.translate(Rect::new(10.0, 0.0, 400.0, 400.0));
            assert!(!move_instances(&mut moved, item.at, after.at, clip_of(after.clip), other));
        }
    }

    /// Regression test for a drag frame's uploads at 100,000 widgets: each
    /// rewritten item went up as its own `write_buffer`, a dozen a frame for
    /// a dragged card and its children, about 40 of the frame's 200 heap
    /// allocations. Spans that touch or lie within the gap go up as one.
    #[test]
    fn rewritten_spans_close_together_go_up_as_one_write() {
        let mut spans = vec![40..44, 0..4, 4..9, 9..10, 300..302, 12..20, 30..41, 600..601];
        let room = spans.capacity();
        coalesce_spans(&mut spans, 8);
        assert_eq!(spans, [0..20, 30..44, 300..302, 600..601]);
        assert_eq!(spans.capacity(), room, "merged in place");

        let mut apart = vec![10..12, 0..2];
        coalesce_spans(&mut apart, 7);
        assert_eq!(apart, [0..2, 10..12], "a gap wider than allowed keeps two writes");
        coalesce_spans(&mut apart, 8);
        assert_eq!(apart, std::slice::from_ref(&(0..12)));

        let mut inside = vec![0..100, 10..20];
        coalesce_spans(&mut inside, 0);
        assert_eq!(inside, std::slice::from_ref(&(0..100)), "a span within another adds nothing");
        let mut none: Vec<Range<u32>> = Vec::new();
        coalesce_spans(&mut none, 8);
        assert!(none.is_empty());
    }

    /// Regression test for a nudge of everything at 100,000 widgets, whose
    /// 100,000 rewritten spans were sorted to be merged (2 ms): spans
    /// covering half their extent or more go up as that extent, as found
    /// without sorting; sparse ones are merged as before. More than
    /// `MAX_WRITES` left go up as one span where they cover half of it,
    /// else as they are, copied from one staging buffer: the items a nudge
    /// of everything uncovers at the design's edges are strewn through
    /// paint order, and a span around them uploaded every place again.
    #[test]
    fn many_rewrites_covering_most_of_their_extent_go_up_as_it_unsorted() {
        let mut dense: Vec<Range<u32>> = (0..1000u32).rev().map(|i| i * 10..i * 10 + 6).collect();
        assert_eq!(plan_writes(&mut dense), Writes::EachSpan);
        assert_eq!(dense, std::slice::from_ref(&(0..9996)));

        let mut sparse: Vec<Range<u32>> = (0..40u32).rev().map(|i| i * 1000..i * 1000 + 2).collect();
        sparse.push(500..501);
        assert_eq!(plan_writes(&mut sparse), Writes::Copied, "41 apart, covering little: copied");
        assert_eq!(sparse.len(), 41, "each span kept, sorted: {sparse:?}");
        assert!(sparse.windows(2).all(|w| w[0].end < w[1].start));
        assert_eq!((sparse[0].clone(), sparse[1].clone()), (0..2, 500..501));

        // Merged down to more than MAX_WRITES, covering half their extent
        // after merging: one span.
        let mut merged: Vec<Range<u32>> =
            (0..40u32).rev().flat_map(|i| (0..6u32).map(move |j| i * 1000 + j * 100..i * 1000 + j * 100 + 2)).collect();
        assert_eq!(plan_writes(&mut merged), Writes::EachSpan);
        assert_eq!(merged, std::slice::from_ref(&(0..39_502)));

        let mut few: Vec<Range<u32>> = (0..31u32).rev().map(|i| i * 1000..i * 1000 + 2).collect();
        few.extend([5..9, 20..30]);
        assert_eq!(plan_writes(&mut few), Writes::EachSpan);
        assert_eq!(few.len(), 31, "merged where close, sorted: {few:?}");
        assert_eq!(few[0], 0..30);
        assert!(few.windows(2).all(|w| w[0].end < w[1].start));

        let mut one: Vec<Range<u32>> = std::iter::once(7..9).collect();
        assert_eq!(plan_writes(&mut one), Writes::EachSpan);
        assert_eq!(one, std::slice::from_ref(&(7..9)));
    }

    /// Regression test for selection outlines drawn as four line shapes:
    /// with everything selected at 100,000 widgets (5,556 outlines of about
    /// 16x13 device pixels), lavapipe spent 44 ms a frame on them. An
    /// outline is one framed rectangle just outside the widget: one shape
    /// where it is small on screen, four strips around its inside where
    /// that inside is large.
    #[test]
    fn a_selection_outline_is_one_shape_where_small_on_screen_and_four_strips_where_large() {
        let instances = |o: &OverlayLayer, factor: f32| {
            let mut out = Vec::new();
            overlay_instances(o, factor, &mut out);
            out
        };
        let mut o = OverlayLayer::new(&Theme::LIGHT, 1.0);
        let widget = Rect::new(10.0, 20.0, 300.0, 240.0);
        o.selection(widget);
        let [(Primitive::Rect { rect, fill, border: Some((width, _)), .. }, Effect::None)] = &o.primitives[..] else {
            panic!("one framed rectangle: {:?}", o.primitives);
        };
        assert_eq!((*rect, *width, fill.a), (Rect::new(9.0, 19.0, 302.0, 242.0), 1.0, 0), "a frame just outside");

        let strips = instances(&o, 1.0);
        assert_eq!(strips.len(), 4, "a large inside is skipped");
        assert_eq!(strips.iter().map(|i| i.extra[3]).collect::<Vec<_>>(), [1.0, 2.0, 3.0, 4.0]);

        // Zoomed to fit 100,000 widgets: 16 by 13 device pixels.
        let factor = 0.053;
        o.set_factor(factor);
        o.clear();
        o.selection(widget);
        let small = instances(&o, factor);
        assert_eq!(small.len(), 1, "a small outline is one shape");
        assert_eq!(small[0].extra[3], 0.0, "drawn whole");
    }

    /// A large opaque rectangle is drawn as its inside, with no blending,
    /// and four blended strips around it (the demo's pages and panels
    /// cost lavapipe three to five blended layers a pixel); a small, a
    /// pulsing or a mostly clipped one is drawn whole.
    #[test]
    fn a_large_opaque_rectangle_is_drawn_as_its_inside_and_four_strips() {
        let white = Color::rgb(255, 255, 255);
        let page = Rect::new(0.0, 0.0, 900.0, 600.0);
        let border = Some((2.0, Color::rgb(200, 200, 200)));
        assert_eq!(Outline::of(&rect_instance(page, 12.0, white, border, 1.0, None)), Outline::OpaqueInside);
        let inside =
            Instance { extra: [0.0, 0.0, 0.0, OPAQUE_INSIDE], ..rect_instance(page, 12.0, white, None, 1.0, None) };
        assert_eq!(inside.pipe(), Pipe::Opaque);
        assert_eq!(Instance { extra: [0.0, 0.0, 0.0, 1.0], ..inside }.pipe(), Pipe::Common, "a strip is blended");

        let card = rect_instance(Rect::new(0.0, 0.0, 240.0, 180.0), 8.0, white, None, 1.0, None);
        assert_eq!(Outline::of(&card), Outline::Filled, "a card's inside is under the least");
        let clipped = rect_instance(page, 12.0, white, None, 1.0, Some(Rect::new(0.0, 0.0, 900.0, 40.0)));
        assert_eq!(Outline::of(&clipped), Outline::Filled, "a strip of it shows");
        let pulsing = Instance { extra: [0.3, 4.0, 0.0, 0.0], ..rect_instance(page, 0.0, white, None, 1.0, None) };
        assert_eq!(Outline::of(&pulsing), Outline::Filled);
    }

    /// A large translucent rectangle (a translucent fill colour, or a
    /// widget faded by its opacity) is drawn as its inside, by a shader
    /// that returns the fill, blended, and four strips around it; under
    /// the same conditions as an opaque one. One whose fill shows nothing
    /// is an outline, or nothing.
    #[test]
    fn a_large_translucent_rectangle_is_drawn_as_its_inside_and_four_strips() {
        let page = Rect::new(0.0, 0.0, 900.0, 600.0);
        let border = Some((2.0, Color::rgb(200, 200, 200)));
        let white = Color::rgb(255, 255, 255);
        let glass = Color::rgba(255, 255, 255, 96);
        for shape in
            [rect_instance(page, 12.0, white, border, 0.9, None), rect_instance(page, 12.0, glass, None, 1.0, None)]
        {
            assert_eq!(Outline::of(&shape), Outline::TranslucentInside);
            let inside = Instance { extra: [0.0, 0.0, 0.0, TRANSLUCENT_INSIDE], ..shape };
            assert_eq!(inside.pipe(), Pipe::Flat);
            assert_eq!(Instance { extra: [0.0, 0.0, 0.0, 1.0], ..inside }.pipe(), Pipe::Common, "a strip");
            let mut out = Vec::new();
            push_rect(shape, Insides::APART, &mut out);
            assert_eq!(out.iter().map(|s| s.extra[3]).collect::<Vec<_>>(), [TRANSLUCENT_INSIDE, 1.0, 2.0, 3.0, 4.0]);
            out.clear();
            push_rect(shape, Insides { opaque: true, translucent: false }, &mut out);
            assert_eq!(out, [shape], "drawn whole where translucent insides are off");
        }
        let card = rect_instance(Rect::new(0.0, 0.0, 240.0, 180.0), 8.0, white, None, 0.5, None);
        assert_eq!(Outline::of(&card), Outline::Filled, "a card's inside is under the least");
        let clipped = rect_instance(page, 12.0, glass, None, 1.0, Some(Rect::new(0.0, 0.0, 900.0, 40.0)));
        assert_eq!(Outline::of(&clipped), Outline::Filled, "a strip of it shows");
        let faded_out = rect_instance(page, 12.0, white, border, 0.0, None);
        assert_eq!(Outline::of(&faded_out), Outline::Invisible, "fully faded: nothing shows");
        let clear = rect_instance(page, 12.0, Color::rgba(255, 255, 255, 0), border, 1.0, None);
        assert_eq!(Outline::of(&clear), Outline::Hollow);
    }

    /// Regression test for a large outline composed again over its whole
    /// inside: the frame is composed again where an overlay changed or
    /// pulses, and a pulsing drop target over a large container made that
    /// the container's whole box every frame (past half the view, the
    /// whole frame and every overlay), where it paints only along its edge.
    #[test]
    fn a_large_outline_is_composed_again_along_its_edge_not_over_its_inside() {
        let view = View::at_design_origin(1280, 800);
        let mut o = OverlayLayer::new(&Theme::LIGHT, 1.0);
        let container = Rect::new(100.0, 100.0, 1000.0, 600.0);
        o.drop_target(container);
        let mut strips = Vec::new();
        overlay_instances(&o, 1.0, &mut strips);
        assert_eq!(strips.len(), 4);
        assert!(strips.iter().all(Instance::pulses));
        let painted: Vec<Rect> = strips.iter().map(|i| crate::gpu::compose::painted(i, &view)).collect();
        let area: f32 = painted.iter().map(|r| r.w * r.h).sum();
        assert!(area < 0.05 * container.w * container.h, "only the edge: {painted:?}");
        // Every pixel the frame paints is inside one of them: the frame's
        // edge (2 units wide, just outside the container) and a pixel of
        // antialiasing either side.
        let inside = |x: f32, y: f32| painted.iter().any(|r| x >= r.x && x <= r.right() && y >= r.y && y <= r.bottom());
        for t in [0.0, 0.3, 0.5, 0.9, 1.0] {
            let (x, y) = (container.x + t * container.w, container.y + t * container.h);
            for d in [-3.0, -2.0, -0.5, 0.0, 1.0] {
                assert!(inside(x, container.y + d) && inside(x, container.bottom() - d), "x {x}, {d} from an edge");
                assert!(inside(container.x + d, y) && inside(container.right() - d, y), "y {y}, {d} from an edge");
            }
        }
        assert!(!inside(container.x + 500.0, container.y + 300.0), "not the middle");
    }
}
