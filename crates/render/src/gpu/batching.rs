//! Paint order between shapes and text. Shapes are instanced and text goes
//! through glyphon, each in one draw, so a region's items are split into
//! batches: a batch draws its shapes, then its text, and a shape that would
//! cover text of the current batch starts the next one. Greeked text (too
//! small to read, drawn as bars) is instanced like the shapes: it keeps its
//! place among them and never starts a batch; a batch holding some is
//! gathered, shapes and bars in paint order, into the frame's instances.

use std::ops::Range;

use trellis_model::Rect;

use super::GpuRenderer;
use super::damage::{self, Region};
use super::instances::{Pipe, joined};
use crate::display_list::{DisplayList, Item, Primitive};
use crate::view::View;

/// The most render batches a region splits into (each has a text renderer).
/// A region that needs more is cut in two, and each half planned on its
/// own ([`GpuRenderer::plan`]): fewer items meet a half, so fewer of its
/// shapes cover its text.
const MAX_BATCHES: usize = 256;

/// The most render batches a frame plans, and so the most text renderers
/// the pool ever holds, where a frame has fewer regions (each region has
/// a batch at least). Past it, a region's paint order between shapes and
/// text is given up (text drawn over later shapes) rather than the pool
/// growing without bound: a design stacking over a thousand cards of
/// readable text in one view, every card over the text of the one before.
const MAX_FRAME_BATCHES: usize = 1024;

/// A region is cut in two only while its scissor is at least this many
/// device pixels on its longer side: each level of cuts plans the
/// region's items again, so this bounds the levels (six for a 1280-pixel
/// view), and a strip narrower than this is met by about the same items
/// as its halves.
const MIN_SPLIT_PIXELS: u32 = 16;

/// How many batches the plan of a frame's region may make: what is left
/// of [`MAX_FRAME_BATCHES`] after the `planned` batches, less one for
/// each of the `regions_left` after it, and one at least.
pub(super) fn frame_budget(planned: usize, regions_left: usize) -> usize {
    MAX_FRAME_BATCHES.saturating_sub(planned + regions_left).max(1)
}

/// The draws of one batch: shapes and greeked text in paint order, then
/// texts (item, primitive).
#[derive(Debug, Default)]
pub(super) struct Batch {
    /// Which of the frame's regions this batch draws in (the instance
    /// that clears it).
    pub(super) region: usize,
    /// The scissor it draws under: its region's, or a part of it, where
    /// the region needed more batches than [`MAX_BATCHES`].
    pub(super) scissor: (u32, u32, u32, u32),
    /// Ranges of the retained instances, whether a range needs the
    /// special pipeline, and greeked texts between them.
    pub(super) shapes: Vec<Run>,
    pub(super) texts: Vec<(usize, usize)>,
    /// Where the batch holds greeked text: its shapes and bars copied, in
    /// order, into the frame's instances, as runs of one pipeline each.
    /// Empty otherwise: the shapes are drawn from the retained instances.
    pub(super) gathered: Vec<(Range<u32>, Pipe)>,
    /// Whether the region needs no clear: an opaque shape it draws covers
    /// every pixel of it (nothing under that shape is drawn), or what it
    /// draws goes over the canvas as it is ([`super::Redraw::Over`]).
    pub(super) covered: bool,
}

/// The items each of a frame's regions meets ([`BatchPool::sort_items`]).
pub(super) struct RegionItems {
    /// A list a region, in paint order; spare ones after.
    lists: Vec<Vec<u32>>,
}

impl RegionItems {
    /// The items region `k` meets, in paint order.
    pub(super) fn of(&self, k: usize) -> &[u32] {
        &self.lists[k]
    }
}

/// A part of a batch's shapes.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Run {
    /// Retained instances, and the pipeline that draws them.
    Shapes(Range<u32>, Pipe),
    /// A text drawn as bars: item and primitive.
    Greeked(usize, usize),
}

impl Batch {
    /// Whether the batch's shapes are gathered into the frame's instances.
    pub(super) fn has_greeked(&self) -> bool {
        self.shapes.iter().any(|r| matches!(r, Run::Greeked(..)))
    }

    /// Instances the batch draws: retained shapes, or gathered ones.
    pub(super) fn instances(&self) -> usize {
        if self.gathered.is_empty() {
            self.shapes.iter().map(|r| if let Run::Shapes(r, _) = r { r.len() } else { 0 }).sum()
        } else {
            self.gathered.iter().map(|(r, _)| r.len()).sum()
        }
    }
}

/// Batches emptied for reuse, with the room of their runs, and the list
/// that held them: planning makes and drops a few vectors a region
/// otherwise, every frame.
#[derive(Debug, Default)]
pub(super) struct BatchPool {
    spare: Vec<Batch>,
    list: Vec<Batch>,
    /// The cells of a region's [`CoverGrid`].
    cells: Vec<bool>,
    /// The items each of the frame's regions meets ([`BatchPool::sort_items`]).
    meets: Vec<Vec<u32>>,
    /// The regions each cell of a coarse grid over them meets.
    cells_regions: Vec<Vec<u32>>,
}

/// Appends the index of every rectangle of `bounds` that meets each of
/// `regions` (edges count) to that region's list in `out`, in order.
///
/// The rectangles are read a block at a time. Items in paint order lie
/// together (a card's widgets follow one another), so a block's bounding
/// box is small and most regions miss it: those test none of its items.
/// A region that meets it tests the block while it is in the cache, into
/// a block of flags (a loop the compiler makes of vector compares). A test
/// of every item against each of the six thin strips a nudge of everything
/// leaves to draw took over a millisecond of its encoding at 100,000
/// widgets.
fn push_meeting(bounds: &[Rect], regions: &[Region], out: &mut [Vec<u32>]) {
    const BLOCK: usize = 64;
    for (b, block) in bounds.chunks(BLOCK).enumerate() {
        // Comparisons, not `f32::min`: a NaN side is left out of the box,
        // as it meets no region below either.
        let (mut left, mut top, mut right, mut bottom) =
            (f32::INFINITY, f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY);
        for item in block {
            let (item_right, item_bottom) = (item.right(), item.bottom());
            left = if item.x < left { item.x } else { left };
            top = if item.y < top { item.y } else { top };
            right = if item_right > right { item_right } else { right };
            bottom = if item_bottom > bottom { item_bottom } else { bottom };
        }
        for (region, list) in regions.iter().zip(out.iter_mut()) {
            let r = region.design;
            let (x0, x1, y0, y1) = (r.x, r.right(), r.y, r.bottom());
            if !((left <= x1) & (x0 <= right) & (top <= y1) & (y0 <= bottom)) {
                continue;
            }
            let mut meets = [0u8; BLOCK];
            for (m, item) in meets.iter_mut().zip(block) {
                *m = u8::from((item.x <= x1) & (x0 <= item.right()) & (item.y <= y1) & (y0 <= item.bottom()));
            }
            for (w, word) in meets.chunks_exact(8).enumerate() {
                let mut flags = u64::from_le_bytes(word.try_into().expect("eight flags"));
                // One set byte an item met (its lowest bit, 8 bits an item).
                while flags != 0 {
                    let k = flags.trailing_zeros() as usize / 8;
                    list.push((b * BLOCK + w * 8 + k) as u32);
                    flags &= flags - 1;
                }
            }
        }
    }
}

impl BatchPool {
    /// Batches kept for reuse, at most: a frame of many regions, once,
    /// should not keep its room for ever.
    const KEEP: usize = 1024;

    /// An empty list to plan a frame's batches into.
    pub(super) fn take_list(&mut self) -> Vec<Batch> {
        std::mem::take(&mut self.list)
    }

    /// A batch with nothing in it.
    fn batch(&mut self) -> Batch {
        self.spare.pop().unwrap_or_default()
    }

    /// Finds the items each of `regions` meets, in paint order, in one walk
    /// over the list. Planning a region walked the whole list (down to
    /// what hides the rest, then up for what to draw), so the dozen
    /// regions of a frame bringing a canvas back tile by tile, at 100,000
    /// widgets, walked over a million items a frame. A lone region's items
    /// are listed too: planning walks them twice (what hides the rest,
    /// then what to draw), and testing each item's bounds in the list
    /// itself, a few cache lines an item, took a tenth of the encoding of
    /// a nudge of everything at 100,000 widgets for the one thin strip it
    /// draws. Give the lists back with [`BatchPool::give_back_items`].
    pub(super) fn sort_items(&mut self, bounds: &[Rect], regions: &[Region]) -> RegionItems {
        let mut lists = std::mem::take(&mut self.meets);
        // Lists beyond this frame's regions are kept, with their room, for
        // a later frame of more.
        if lists.len() < regions.len() {
            lists.resize_with(regions.len(), Vec::new);
        }
        for m in &mut lists[..regions.len()] {
            m.clear();
        }
        // Few regions are each tested in one pass over the items: most
        // items of a large design miss a region, and a loop testing one
        // rectangle against them all costs a fraction of one testing each
        // item against every region in turn (the six thin strips around a
        // design nudged whole, whose union is all of it: 1.4 ms at 100,000
        // widgets through the grid). Many (tiles across the canvas) are
        // found through a coarse grid over them, so that an item is tested
        // against the few near it.
        const FEW: usize = 8;
        if regions.len() <= FEW {
            push_meeting(bounds, regions, &mut lists[..regions.len()]);
            return RegionItems { lists };
        }
        let all = regions.iter().map(|r| r.design).reduce(|a, b| a.union(&b)).expect("more than a few regions");
        const SIDE: usize = 16;
        let grid = RegionGrid::new(all, SIDE);
        let mut cells = std::mem::take(&mut self.cells_regions);
        cells.resize_with(SIDE * SIDE, Vec::new);
        for c in &mut cells {
            c.clear();
        }
        for (k, region) in regions.iter().enumerate() {
            let (xs, ys) = grid.span(&region.design);
            for y in ys {
                for x in xs.clone() {
                    cells[y * SIDE + x].push(k as u32);
                }
            }
        }
        for (i, item) in bounds.iter().enumerate() {
            if !overlaps(item, &all) {
                continue;
            }
            let (xs, ys) = grid.span(item);
            for y in ys {
                for x in xs.clone() {
                    for &k in &cells[y * SIDE + x] {
                        let m = &mut lists[k as usize];
                        // An item over several cells meets a region once.
                        if m.last() != Some(&(i as u32)) && overlaps(item, &regions[k as usize].design) {
                            m.push(i as u32);
                        }
                    }
                }
            }
        }
        self.cells_regions = cells;
        RegionItems { lists }
    }

    /// Takes back the lists [`BatchPool::sort_items`] gave.
    pub(super) fn give_back_items(&mut self, items: RegionItems) {
        // A full redraw of a large design lists every item once: room kept
        // for the next; the lists of a frame of many regions, not for ever.
        const KEEP: usize = 64;
        let mut lists = items.lists;
        lists.truncate(KEEP);
        self.meets = lists;
    }

    /// Takes back a frame's batches, emptied, and the list that held them.
    pub(super) fn give_back(&mut self, mut list: Vec<Batch>) {
        for b in list.drain(..) {
            self.give_back_batch(b);
        }
        if list.capacity() <= Self::KEEP {
            self.list = list;
        }
    }

    /// Takes back one batch, emptied, while the spare ones are few.
    fn give_back_batch(&mut self, mut b: Batch) {
        if self.spare.len() < Self::KEEP {
            b.shapes.clear();
            b.texts.clear();
            b.gathered.clear();
            b.region = 0;
            b.scissor = (0, 0, 0, 0);
            b.covered = false;
            self.spare.push(b);
        }
    }
}

impl GpuRenderer {
    /// Which items to draw for region `index`, in batches that keep paint
    /// order, seen through `view` (its zoom says which text is greeked).
    ///
    /// What opaque shapes hide is left out. An item whose opaque shape
    /// covers every pixel of the region hides everything painted before it
    /// there: the plan starts at it, and the region is not cleared. A few
    /// large opaque shapes nearest the top also hide every earlier item
    /// lying wholly inside them. When a damaged region lies inside a window
    /// or an opaque panel (a reflow, a bulk edit), or a pasted panel lies
    /// over the original, the clear and the layers underneath were pixels
    /// shaded for nothing.
    /// `meets` lists, in paint order, the items that meet the region
    /// ([`BatchPool::sort_items`]). The batches are appended to `batches`,
    /// taken from `pool`.
    ///
    /// At most `budget` batches are appended (one at least). A region that
    /// needs more than [`MAX_BATCHES`], or than its budget, is cut in two
    /// across its longer side and each half planned alone, down to
    /// [`MIN_SPLIT_PIXELS`]; the halves' plans replace the region's only
    /// where both keep paint order within the budget. (A full redraw of a
    /// design whose cards were duplicated over one another needed 293
    /// batches in one region, and past the old cap the text of a card was
    /// drawn over the card above it.) Returns whether the plan keeps paint
    /// order.
    ///
    /// With `over`, only the items from that index on are drawn, over the
    /// region as the canvas shows it, which is not cleared: they were added
    /// over everything else ([`Redraw::Over`]).
    ///
    /// [`Redraw::Over`]: super::Redraw::Over
    #[allow(clippy::too_many_arguments)]
    pub(super) fn plan(
        &self,
        list: &DisplayList,
        (index, region): (usize, &Region),
        meets: &[u32],
        over: Option<usize>,
        view: &View,
        budget: usize,
        pool: &mut BatchPool,
        batches: &mut Vec<Batch>,
    ) -> bool {
        let first = over.unwrap_or(0);
        let from = batches.len();
        let items = meets.iter().map(|i| *i as usize).filter(move |i| *i >= first);
        let room = MAX_BATCHES.min(budget.max(1));
        let in_order = self.plan_items(list, region, items, over.is_some(), view, room, pool, batches);
        for b in &mut batches[from..] {
            b.region = index;
            b.scissor = region.scissor;
        }
        let (x, y, w, h) = region.scissor;
        // The halves share the budget left after this plan's batches are
        // dropped; each needs one at least.
        if in_order || w.max(h) < MIN_SPLIT_PIXELS || budget < 2 {
            return in_order;
        }
        // Cut across whichever side leaves its larger half met by fewer
        // items (a stack along a diagonal is cut as well either way; a
        // row of cards, only across the row).
        let across =
            [[(x, y, w / 2, h), (x + w / 2, y, w - w / 2, h)], [(x, y, w, h / 2), (x, y + h / 2, w, h - h / 2)]];
        let mut best: Option<[(Region, Vec<u32>); 2]> = None;
        for cut in across {
            if cut.iter().any(|&(_, _, w, h)| w == 0 || h == 0) {
                continue;
            }
            // A rare frame's work: each half's items listed anew.
            let halves = cut.map(|s| {
                let half = damage::piece(view, s);
                let met =
                    meets.iter().copied().filter(|&i| overlaps(&self.item_bounds[i as usize], &half.design)).collect();
                (half, met)
            });
            let most = |h: &[(Region, Vec<u32>); 2]| h[0].1.len().max(h[1].1.len());
            if best.as_ref().is_none_or(|b| most(&halves) < most(b)) {
                best = Some(halves);
            }
        }
        // Met by every item the region is, a half cannot do better.
        let Some(halves) = best.filter(|h| h[0].1.len().max(h[1].1.len()) < meets.len()) else {
            return false;
        };
        // This plan stays until both halves keep paint order: a half that
        // could not (its items crossing the cut, or the budget spent)
        // would draw worse than the region's first 256 batches in order.
        let mid = batches.len();
        let mut left_over = budget;
        let mut halves_in_order = true;
        for (k, (half, met)) in halves.iter().enumerate() {
            let share = if k == 0 { left_over - 1 } else { left_over };
            let before = batches.len();
            halves_in_order = self.plan(list, (index, half), met, over, view, share, pool, batches);
            left_over -= batches.len() - before;
            if !halves_in_order {
                break;
            }
        }
        let dropped: Vec<Batch> =
            if halves_in_order { batches.drain(from..mid) } else { batches.drain(mid..) }.collect();
        for b in dropped {
            pool.give_back_batch(b);
        }
        halves_in_order
    }

    /// [`GpuRenderer::plan`] over `meets`, the indices of the items that
    /// meet the region, in paint order.
    #[allow(clippy::too_many_arguments)]
    fn plan_items(
        &self,
        list: &DisplayList,
        region: &Region,
        meets: impl DoubleEndedIterator<Item = usize> + Clone,
        over: bool,
        view: &View,
        room: usize,
        pool: &mut BatchPool,
        batches: &mut Vec<Batch>,
    ) -> bool {
        let factor = view.factor();
        let pixels = scissor_in_design(region, view);
        let region = &region.design;
        let hidden = Occlusion::find(list, meets.clone(), &pixels, region, factor);
        let first = batches.len();
        batches.push(Batch { covered: over || hidden.from.is_some(), ..pool.batch() });
        // Coarse cells covered by the current batch's text.
        let mut covered = CoverGrid::new(*region, std::mem::take(&mut pool.cells));
        let from = hidden.from.unwrap_or(0);
        let mut in_order = true;
        for i in meets.skip_while(|i| *i < from) {
            let item = &list.items[i];
            if hidden.hides(i, item, factor) {
                continue;
            }
            let has_shapes = !self.ranges[i].is_empty();
            // Past the room, paint order between shapes and text is given
            // up (the caller cuts the region in two, where it can) rather
            // than the pool of text renderers growing without bound.
            if has_shapes && covered.any(&item.bounds) {
                if batches.len() - first < room {
                    batches.push(pool.batch());
                    covered.clear();
                } else {
                    in_order = false;
                }
            }
            let batch = batches.last_mut().expect("never empty");
            if has_shapes {
                // Runs of one pipeline each: a window's shadow needs the
                // dear one, its full-canvas fill does not.
                let r = self.ranges[i].clone();
                let mut start = r.start;
                while start < r.end {
                    let pipe = self.instances[start as usize].pipe_at(factor);
                    let mut end = start + 1;
                    while end < r.end && self.instances[end as usize].pipe_at(factor) == pipe {
                        end += 1;
                    }
                    let with_last = match batch.shapes.last_mut() {
                        Some(Run::Shapes(last, p)) => joined(last, *p, &(start..end), pipe, factor).map(|both| {
                            last.end = end;
                            *p = both;
                        }),
                        _ => None,
                    };
                    if with_last.is_none() {
                        batch.shapes.push(Run::Shapes(start..end, pipe));
                    }
                    start = end;
                }
            }
            for (j, prim) in item.primitives.iter().enumerate() {
                if let Primitive::Text { rect, size, .. } = prim {
                    if crate::text::greeked(*size, factor) {
                        batch.shapes.push(Run::Greeked(i, j));
                    } else {
                        batch.texts.push((i, j));
                        covered.mark(rect);
                    }
                }
            }
        }
        pool.cells = covered.cells;
        in_order
    }
}

/// What opaque shapes hide in one region.
struct Occlusion {
    /// The last item covering the whole region, if one does.
    from: Option<usize>,
    /// Large opaque insides above it, topmost first, with their items.
    above: [(usize, Rect); Occlusion::MOST],
    count: usize,
}

impl Occlusion {
    /// Insides kept: each costs every item of the region a test.
    const MOST: usize = 4;

    /// Walks the region's items (`meets`, in paint order) from the top
    /// down to the first that covers it, keeping the first few opaque
    /// insides of at least a sixteenth of the region on the way.
    fn find(
        list: &DisplayList,
        meets: impl DoubleEndedIterator<Item = usize>,
        pixels: &Rect,
        region: &Rect,
        factor: f32,
    ) -> Occlusion {
        let mut o = Occlusion { from: None, above: [(0, Rect::default()); Self::MOST], count: 0 };
        let least = region.w * region.h / 16.0;
        for i in meets.rev() {
            let item = &list.items[i];
            // Bounds first: most items are far smaller than the region.
            if contains(&item.bounds, pixels, 0.0) && covers(item, pixels, factor) {
                o.from = Some(i);
                break;
            }
            if o.count < Self::MOST
                && item.bounds.w * item.bounds.h >= least
                && let Some(inside) = opaque_inside(item, factor, 1.0)
                && inside.w * inside.h >= least
            {
                o.above[o.count] = (i, inside);
                o.count += 1;
            }
        }
        o
    }

    /// Whether item `i` lies wholly inside the opaque inside of a later
    /// item, its antialiased edge included.
    fn hides(&self, i: usize, item: &Item, factor: f32) -> bool {
        let edge = 1.0 / factor;
        self.above[..self.count].iter().any(|(j, inside)| *j > i && contains(inside, &item.bounds, edge))
    }
}

/// The design-space box of a region's scissor: every pixel it draws has
/// its centre inside.
fn scissor_in_design(region: &Region, view: &View) -> Rect {
    let f = view.factor();
    let (x, y, w, h) = region.scissor;
    Rect::new(view.origin.x + x as f32 / f, view.origin.y + y as f32 / f, w as f32 / f, h as f32 / f)
}

/// Whether one of `item`'s rectangles sets every pixel of `pixels` (a
/// design-space box) to its own colour: opaque, the item not faded, and
/// `pixels` inside its clip and a device pixel inside the rectangle's edge
/// past its corner radius (every pixel centre half a pixel further in). There the shader's
/// coverage is exactly 1 and the fill's alpha exactly 1, so blending keeps
/// nothing of what was under it, and a border over it stays opaque.
fn covers(item: &Item, pixels: &Rect, factor: f32) -> bool {
    if item.opacity < 1.0 {
        return false;
    }
    if let Some(clip) = item.clip
        && !contains(&clip, pixels, 0.0)
    {
        return false;
    }
    // Half a pixel for the coverage ramp, half more for rounding.
    let edge = 1.0 / factor;
    item.primitives.iter().any(|p| {
        matches!(p, Primitive::Rect { rect, radius, fill, .. }
            if fill.a == 255 && contains(rect, pixels, radius.max(0.0) + edge))
    })
}

/// The box inside `item`'s first opaque rectangle, and inside its clip,
/// where [`covers`] holds; `slack` device pixels further in.
pub(super) fn opaque_inside(item: &Item, factor: f32, slack: f32) -> Option<Rect> {
    if item.opacity < 1.0 {
        return None;
    }
    let inside = item.primitives.iter().find_map(|p| match p {
        Primitive::Rect { rect, radius, fill, .. } if fill.a == 255 => {
            let inset = radius.max(0.0) + (1.0 + slack) / factor;
            Some(Rect::new(rect.x + inset, rect.y + inset, rect.w - 2.0 * inset, rect.h - 2.0 * inset))
        }
        _ => None,
    })?;
    let inside = match item.clip {
        Some(clip) => {
            let (x0, y0) = (inside.x.max(clip.x), inside.y.max(clip.y));
            let (x1, y1) = (inside.right().min(clip.right()), inside.bottom().min(clip.bottom()));
            Rect::new(x0, y0, x1 - x0, y1 - y0)
        }
        None => inside,
    };
    (inside.w > 0.0 && inside.h > 0.0).then_some(inside)
}

/// Whether `inner` lies inside `outer` shrunk by `inset` on every side.
fn contains(outer: &Rect, inner: &Rect, inset: f32) -> bool {
    inner.x >= outer.x + inset
        && inner.y >= outer.y + inset
        && inner.right() <= outer.right() - inset
        && inner.bottom() <= outer.bottom() - inset
}

fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.x <= b.right() && b.x <= a.right() && a.y <= b.bottom() && b.y <= a.bottom()
}

/// A coarse grid of `side` by `side` cells over an area, for finding which
/// of a frame's regions an item meets.
struct RegionGrid {
    x: f32,
    y: f32,
    /// Cells per design unit, across and down.
    per_x: f32,
    per_y: f32,
    last: f32,
}

impl RegionGrid {
    fn new(area: Rect, side: usize) -> Self {
        let per = |length: f32| side as f32 / length.max(f32::MIN_POSITIVE);
        RegionGrid { x: area.x, y: area.y, per_x: per(area.w), per_y: per(area.h), last: (side - 1) as f32 }
    }

    /// The columns and rows `r` meets, clamped to the grid (a NaN to the
    /// first): monotonic, so two boxes that meet share a cell.
    fn span(&self, r: &Rect) -> (Range<usize>, Range<usize>) {
        // Clamped first, the truncation is a floor.
        let cell = |v: f32, per: f32| (v * per).max(0.0).min(self.last) as usize;
        let (x0, x1) = (cell(r.x - self.x, self.per_x), cell(r.right() - self.x, self.per_x));
        let (y0, y1) = (cell(r.y - self.y, self.per_y), cell(r.bottom() - self.y, self.per_y));
        (x0..x1 + 1, y0..y1 + 1)
    }
}

/// Which coarse cells of a region some text covers.
struct CoverGrid {
    region: Rect,
    cell: f32,
    columns: usize,
    rows: usize,
    cells: Vec<bool>,
}

impl CoverGrid {
    const SIDE: usize = 48;

    /// A grid over `region`, in `cells` (emptied; its room is reused).
    fn new(region: Rect, mut cells: Vec<bool>) -> Self {
        let cell = (region.w.max(region.h) / Self::SIDE as f32).max(1.0);
        let columns = ((region.w / cell).ceil() as usize).clamp(1, Self::SIDE);
        let rows = ((region.h / cell).ceil() as usize).clamp(1, Self::SIDE);
        cells.clear();
        cells.resize(columns * rows, false);
        CoverGrid { region, cell, columns, rows, cells }
    }

    fn span(&self, r: &Rect) -> Option<(Range<usize>, Range<usize>)> {
        let x0 = ((r.x - self.region.x) / self.cell).floor().max(0.0) as usize;
        let y0 = ((r.y - self.region.y) / self.cell).floor().max(0.0) as usize;
        let x1 = (((r.right() - self.region.x) / self.cell).floor().max(0.0) as usize).min(self.columns - 1);
        let y1 = (((r.bottom() - self.region.y) / self.cell).floor().max(0.0) as usize).min(self.rows - 1);
        (x0 <= x1 && y0 <= y1).then_some((x0..x1 + 1, y0..y1 + 1))
    }

    fn mark(&mut self, r: &Rect) {
        if let Some((xs, ys)) = self.span(r) {
            for y in ys {
                for x in xs.clone() {
                    self.cells[y * self.columns + x] = true;
                }
            }
        }
    }

    fn any(&self, r: &Rect) -> bool {
        self.span(r)
            .is_some_and(|(xs, ys)| ys.into_iter().any(|y| xs.clone().any(|x| self.cells[y * self.columns + x])))
    }

    fn clear(&mut self) {
        self.cells.fill(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a frame's batches held must never reach the next frame's: a
    /// text or a run left in a reused batch would be drawn again.
    #[test]
    fn batches_given_back_come_out_empty_with_their_room() {
        let mut pool = BatchPool::default();
        let mut list = pool.take_list();
        list.push(Batch {
            region: 3,
            scissor: (1, 2, 3, 4),
            shapes: vec![Run::Shapes(0..4, Pipe::Special), Run::Greeked(1, 0)],
            texts: vec![(1, 2)],
            gathered: vec![(0..2, Pipe::Common)],
            covered: true,
        });
        pool.give_back(list);
        let b = pool.batch();
        assert!(b.shapes.is_empty() && b.texts.is_empty() && b.gathered.is_empty(), "{b:?}");
        assert!(!b.covered && b.region == 0 && b.scissor == (0, 0, 0, 0), "{b:?}");
        assert!(b.shapes.capacity() >= 2 && b.texts.capacity() >= 1 && b.gathered.capacity() >= 1);
        assert!(pool.take_list().capacity() >= 1, "the list keeps its room");
        assert_eq!(pool.batch().shapes.capacity(), 0, "one batch was given back");
    }

    /// Blocks are passed over by their bounding box: exact for items
    /// scattered at random (boxes as large as the design), for rectangles
    /// and regions with a NaN or infinite side (they meet nothing, or
    /// everything), and for a last block that is not full.
    #[test]
    fn items_meeting_a_region_are_those_a_test_of_each_finds() {
        let mut seed = 5u64;
        let mut next = |m: f32| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 40) as f32 / (1u64 << 24) as f32 * m
        };
        let mut bounds: Vec<Rect> = (0..1000)
            .map(|k| {
                if k < 500 {
                    // Paint order: neighbours, as in a card.
                    Rect::new((k / 20) as f32 * 40.0 + next(30.0), next(2000.0), next(20.0), next(20.0))
                } else {
                    Rect::new(next(2000.0), next(2000.0), next(300.0), next(300.0))
                }
            })
            .collect();
        bounds[70] = Rect::new(f32::NAN, 10.0, 5.0, 5.0);
        bounds[71] = Rect::new(10.0, 10.0, f32::NAN, 5.0);
        bounds[72] = Rect::new(f32::NEG_INFINITY, 10.0, f32::INFINITY, 5.0);
        bounds[600] = Rect::new(f32::NEG_INFINITY, f32::NEG_INFINITY, f32::INFINITY, f32::INFINITY);
        bounds[601] = Rect::new(5.0, 5.0, f32::INFINITY, 1.0);
        let regions: Vec<Region> = [
            Rect::new(0.0, 0.0, 10.0, 2000.0),
            Rect::new(0.0, 1990.0, 2000.0, 10.0),
            Rect::new(300.0, 300.0, 0.0, 0.0),
            Rect::new(-50.0, -50.0, 3000.0, 3000.0),
            Rect::new(5000.0, 5000.0, 10.0, 10.0),
            Rect::new(f32::NAN, 0.0, 10.0, 10.0),
            Rect::new(0.0, 0.0, 100.0, f32::INFINITY),
        ]
        .into_iter()
        .map(|design| Region { design, scissor: (0, 0, 1, 1) })
        .collect();
        for len in [1000, 999, 64, 63, 1, 0] {
            let mut out = vec![Vec::new(); regions.len()];
            push_meeting(&bounds[..len], &regions, &mut out);
            for (k, r) in regions.iter().enumerate() {
                let want: Vec<u32> = (0..len as u32).filter(|i| overlaps(&bounds[*i as usize], &r.design)).collect();
                assert_eq!(out[k], want, "region {k}, {len} items");
            }
        }
    }

    /// Finding every region's items in one walk over the list (through a
    /// grid over the regions, when there are many) must list exactly the
    /// items each region meets, in paint order, as testing each item
    /// against each region does: an item left out is a widget missing
    /// from the canvas until it is redrawn.
    #[test]
    fn the_items_each_region_meets_are_found_in_one_walk_over_the_list() {
        use std::sync::Arc;
        use trellis_geometry::{FixedAdvanceMeasurer, Geometry};
        let doc = trellis_model::generate(2000, 7);
        let geometry = Geometry::new(&doc, Arc::new(FixedAdvanceMeasurer::default()));
        let list = DisplayList::build(&doc, &geometry, &trellis_model::Theme::LIGHT);
        let bounds: Vec<Rect> = list.items.iter().map(|i| i.bounds).collect();
        let all = list.items.iter().map(|i| i.bounds).reduce(|a, b| a.union(&b)).expect("items");
        let region = |x: f32, y: f32, w: f32, h: f32| Region {
            design: Rect::new(all.x + x * all.w, all.y + y * all.h, w * all.w, h * all.h),
            scissor: (0, 0, 1, 1),
        };
        let mut pool = BatchPool::default();
        // Fewer regions after more: the spare lists must not leak in.
        for count in [1usize, 2, 3, 64, 5, 8, 9, 12, 2, 40] {
            // A lone region over everything lists everything.
            let lone = pool.sort_items(&bounds, &[region(0.0, 0.0, 1.0, 1.0)]);
            assert_eq!(lone.of(0).len(), list.items.len());
            pool.give_back_items(lone);
            // Tiles of a grid sharing their edges, a few larger ones over
            // them, one of no area, one past the design.
            let side = (count as f32).sqrt().ceil();
            let mut regions: Vec<Region> = (0..count)
                .map(|k| {
                    let (col, row) = ((k as f32 % side), (k as f32 / side).floor());
                    region(col / side * 0.9, row / side * 0.9, 0.9 / side, 0.9 / side)
                })
                .collect();
            if count > 3 {
                regions[1] = region(0.3, 0.3, 0.5, 0.4);
                regions[2] = region(0.5, 0.5, 0.0, 0.0);
                regions[3] = region(1.2, -0.5, 0.3, 0.3);
            }
            let meets = pool.sort_items(&bounds, &regions);
            let mut met = 0;
            for (k, r) in regions.iter().enumerate() {
                let want: Vec<u32> = (0..list.items.len() as u32)
                    .filter(|i| overlaps(&list.items[*i as usize].bounds, &r.design))
                    .collect();
                let found = meets.of(k);
                assert_eq!(found, &want[..], "region {k} of {count}");
                met += found.len();
            }
            assert!(met > 0, "the regions meet some items");
            pool.give_back_items(meets);
        }
    }
}
