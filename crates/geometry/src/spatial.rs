//! The spatial index: a uniform grid of buckets over the design.
//!
//! Widgets in a design are small next to the design and spread over it,
//! which is the case a grid serves best: a point query is one bucket lookup
//! and a handful of rectangle tests, an update touches the few buckets a
//! widget covers, and building is one pass. On the 100,000-widget benchmark
//! design an R-tree (`rstar`) took 0.68 µs for the point query alone; this
//! grid answers the whole hit test several times faster (README, Figures).
//!
//! Cells are sized so that there are about as many cells as widgets.
//! Rectangles outside the grid's area are clamped into its border cells, so
//! answers stay exact wherever widgets go; only speed depends on the area.
//! Widgets covering very many cells (a scroll area as large as the design)
//! are kept in a short list that every query checks.

use slotmap::SecondaryMap;
use trellis_model::{Rect, WidgetId};

/// Widgets covering more cells than this go to the list of big ones.
const MAX_CELLS_PER_ITEM: usize = 256;

/// At most this many widgets are held loose: in the list every query
/// checks (with the big ones) rather than in their cells, because they
/// moved onto a bucket with no free place ([`SpatialGrid::set`]). A
/// dragged card and its contents are a few dozen; the bound keeps what
/// every query and every removal from the list scan small.
const MAX_LOOSE: usize = 256;

/// What a query needs about a widget, stored beside its rectangle in every
/// bucket so that answering touches no other memory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Entry {
    pub(crate) id: WidgetId,
    pub(crate) parent: Option<WidgetId>,
    pub(crate) depth: u16,
    pub(crate) z: u64,
    /// Neither hidden nor locked.
    pub(crate) selectable: bool,
    pub(crate) hidden: bool,
    /// The rectangle held is cut by a scroll area (not the whole border box).
    pub(crate) clipped: bool,
    pub(crate) container: bool,
}

#[derive(Clone, Copy, Debug)]
struct Item {
    rect: Rect,
    entry: Entry,
    /// Cell range covered, inclusive; `None` for big items and loose ones.
    cells: Option<(u32, u32, u32, u32)>,
    /// Held in the list of big items though it is small ([`MAX_LOOSE`]).
    loose: bool,
}

/// Items per chunk of [`ItemStore`].
const CHUNK: usize = 4096;

/// The items by slot, grown a chunk at a time: a vector that doubles
/// copied every item in the frame that first went past its room (5 MB and
/// about 3 ms for a paste into a design of 100,000 widgets).
#[derive(Debug, Default)]
struct ItemStore {
    chunks: Vec<Box<[Option<Item>]>>,
    len: usize,
}

impl ItemStore {
    /// A new slot holding `item`.
    fn push(&mut self, item: Option<Item>) -> u32 {
        // A refilled store has its chunks already.
        if self.len / CHUNK == self.chunks.len() {
            self.chunks.push(vec![None; CHUNK].into_boxed_slice());
        }
        let slot = self.len;
        self.chunks[slot / CHUNK][slot % CHUNK] = item;
        self.len += 1;
        slot as u32
    }

    fn get(&self, slot: u32) -> Option<Item> {
        let slot = slot as usize;
        self.chunks.get(slot / CHUNK).and_then(|c| c[slot % CHUNK])
    }

    fn set(&mut self, slot: u32, item: Option<Item>) {
        let slot = slot as usize;
        self.chunks[slot / CHUNK][slot % CHUNK] = item;
    }
}

/// One bucket element: the slot (to find it on removal) and a copy of the item.
type Slot = (u32, Rect, Entry);

#[derive(Debug)]
pub(crate) struct SpatialGrid {
    ox: f32,
    oy: f32,
    cell: f32,
    cols: u32,
    rows: u32,
    cells: Vec<Vec<Slot>>,
    big: Vec<Slot>,
    /// How many of `big` are loose.
    loose: usize,
    items: ItemStore,
    free: Vec<u32>,
    slot: SecondaryMap<WidgetId, u32>,
    /// How far every item has moved since the rectangles held for it (in
    /// the items and in the buckets) were written: an item's rectangle is
    /// the one held moved by this much, exactly (checked when it moved).
    /// A nudge of everything then moves no bucket's copy: rewriting them
    /// all was most of a 10,000-widget nudge's layout time, one cache miss
    /// after another across the buckets.
    lag: (f32, f32),
    /// The slots of items whose held rectangle is not [`exact`] (a widget
    /// dragged to a fraction of a pixel at some zoom): a move of everything
    /// checks those one by one and the rest by arithmetic
    /// ([`SpatialGrid::shift_all_exact`]).
    inexact: SlotSet,
}

/// A set of slots (item slots, or widgets' arena slots), a bit each.
#[derive(Debug, Default)]
pub(crate) struct SlotSet {
    words: Vec<u64>,
    len: usize,
}

impl SlotSet {
    /// Adds `slot`; whether it was not in the set yet.
    pub(crate) fn insert(&mut self, slot: usize) -> bool {
        let was = self.contains(slot);
        self.set(slot, true);
        !was
    }

    fn contains(&self, slot: usize) -> bool {
        self.words.get(slot / 64).is_some_and(|w| w & (1u64 << (slot % 64)) != 0)
    }

    fn set(&mut self, slot: usize, on: bool) {
        let (word, bit) = (slot / 64, 1u64 << (slot % 64));
        if word >= self.words.len() {
            if !on {
                return;
            }
            self.words.resize(word + 1, 0);
        }
        let was = self.words[word] & bit != 0;
        if on != was {
            self.words[word] ^= bit;
            self.len = if on { self.len + 1 } else { self.len - 1 };
        }
    }

    /// Empties the set, keeping the room.
    pub(crate) fn clear(&mut self) {
        self.words.fill(0);
        self.len = 0;
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(w, word)| {
            let mut bits = *word;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let b = bits.trailing_zeros();
                    bits &= bits - 1;
                    w as u32 * 64 + b
                })
            })
        })
    }
}

/// Past one item in this many to check one by one (held inexact, or
/// unproven by the caller), [`SpatialGrid::shift_all_exact`] leaves every
/// item to [`SpatialGrid::shift_all`]'s check instead.
const MOST_UNPROVEN: usize = 8;

/// The largest coordinate [`exact`] admits. A held rectangle moved by the
/// lag, its right edge, and its distance from the grid's corner are sums
/// of at most three such values: multiples of 1/8 below 2^20 in size,
/// which need at most 23 of an `f32`'s 24 significant bits, so they are
/// computed without rounding.
const EXACT_LIMIT: f32 = 262_144.0;

/// Whether `v` is a multiple of 1/8 within [`EXACT_LIMIT`] (whole and
/// half pixels at any design size the builder makes; a coordinate near
/// the million limit or a third of a pixel is not, and is checked).
#[inline]
pub(crate) fn exact(v: f32) -> bool {
    // Scaling by 8 is exact, and so is the cast of a whole number of
    // eighths within the limit (not `fract`, a call into libm, in every
    // box of a nudge of everything); NaN fails the first test.
    let eighths = v * 8.0;
    eighths.abs() <= EXACT_LIMIT * 8.0 && (eighths as i32) as f32 == eighths
}

/// Whether every coordinate and side of `r` is [`exact`].
#[inline]
pub(crate) fn exact_rect(r: &Rect) -> bool {
    exact(r.x) && exact(r.y) && exact(r.w) && exact(r.h)
}

/// `r` moved by `by`, as every query and check computes it (the same sum,
/// so an item found exact when it moved is answered exactly).
fn moved(r: &Rect, by: (f32, f32)) -> Rect {
    Rect::new(r.x + by.0, r.y + by.1, r.w, r.h)
}

impl SpatialGrid {
    /// An empty grid over `area`, sized for about `expected` items.
    pub(crate) fn new(area: Rect, expected: usize) -> Self {
        let w = area.w.max(1.0);
        let h = area.h.max(1.0);
        let cell = (w * h / expected.max(1) as f32).sqrt().clamp(16.0, 4096.0);
        let cols = ((w / cell).ceil() as u32).clamp(1, 4096);
        let rows = ((h / cell).ceil() as u32).clamp(1, 4096);
        Self {
            ox: area.x,
            oy: area.y,
            cell,
            cols,
            rows,
            cells: vec![Vec::new(); (cols * rows) as usize],
            big: Vec::new(),
            loose: 0,
            items: ItemStore::default(),
            free: Vec::new(),
            slot: SecondaryMap::new(),
            lag: (0.0, 0.0),
            inexact: SlotSet::default(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.slot.len()
    }

    /// Every item moved by `d` (everything over the window nudged): the
    /// grid moves with them, so each stays in the cells it was in, and the
    /// rectangles held stay as they are, lagging one more step behind
    /// (`lag`). `false` where an item's rectangle `now` is not the one held
    /// moved by the new lag, exactly (a sum rounding), where its entry
    /// changed, or where it would change cells after all: the caller then
    /// refills the grid (nothing held was changed but the grid's place).
    pub(crate) fn shift_all(&mut self, d: (f32, f32), now: impl Fn(WidgetId) -> Option<(Rect, Entry)>) -> bool {
        self.ox += d.0;
        self.oy += d.1;
        let lag = (self.lag.0 + d.0, self.lag.1 + d.1);
        if !self.holds_with_lag(lag, now) {
            return false;
        }
        self.lag = lag;
        true
    }

    /// Whether every item's rectangle `now` is the one held moved by `lag`,
    /// exactly, in the cells it is listed in, with the entry held.
    fn holds_with_lag(&self, lag: (f32, f32), now: impl Fn(WidgetId) -> Option<(Rect, Entry)>) -> bool {
        (0..self.items.len as u32).filter_map(|slot| self.items.get(slot)).all(|item| self.item_holds(&item, lag, &now))
    }

    /// Whether the item's rectangle `now` is the one held moved by `lag`,
    /// exactly, in the cells it is listed in, with the entry held.
    fn item_holds(&self, item: &Item, lag: (f32, f32), now: impl Fn(WidgetId) -> Option<(Rect, Entry)>) -> bool {
        now(item.entry.id).is_some_and(|(rect, entry)| {
            entry == item.entry && moved(&item.rect, lag) == rect && item.cells.is_none_or(|c| c == self.range(&rect))
        })
    }

    /// Whether the grid holds exactly what `now` says of each item it
    /// holds: what [`SpatialGrid::shift_all_exact`]'s proof promises,
    /// checked in debug builds.
    pub(crate) fn holds(&self, now: impl Fn(WidgetId) -> Option<(Rect, Entry)>) -> bool {
        self.holds_with_lag(self.lag, now)
    }

    /// Every item moved by `d`, as [`SpatialGrid::shift_all`], where the
    /// caller has proved every item but those of `unproven` moved from a place
    /// [`exact`] to one exact, by `d` to the bit, its size and entry
    /// unchanged: those items are not read. When the lag, the grid's corner
    /// and `d` are exact too, each sum below and in every query is exact,
    /// so such an item's held rectangle, if exact, moves onto its place by
    /// the new lag, and its distance from the corner, hence its cells,
    /// stays the same. Items held inexact and those `unproven` are checked
    /// one by one. `false` (nothing changed) when a check fails or the
    /// distances are not exact: the caller checks every item.
    pub(crate) fn shift_all_exact(
        &mut self,
        d: (f32, f32),
        unproven: &[WidgetId],
        now: impl Fn(WidgetId) -> Option<(Rect, Entry)>,
    ) -> bool {
        let lag = (self.lag.0 + d.0, self.lag.1 + d.1);
        let corner = (self.ox + d.0, self.oy + d.1);
        let all_exact = [d.0, d.1, self.lag.0, self.lag.1, self.ox, self.oy, lag.0, lag.1, corner.0, corner.1];
        if !all_exact.into_iter().all(exact) {
            return false;
        }
        // Those the caller names that this grid holds (a container's grid
        // holds its children alone).
        let named_here = unproven.iter().filter(|id| self.slot.contains_key(**id)).count();
        if self.inexact.len + named_here > self.len() / MOST_UNPROVEN {
            return false;
        }
        // Cells are found from the new corner, as queries will.
        let old_corner = (self.ox, self.oy);
        (self.ox, self.oy) = corner;
        let slots = self.inexact.iter().chain(unproven.iter().filter_map(|id| self.slot.get(*id).copied()));
        let checked =
            slots.into_iter().all(|slot| self.items.get(slot).is_none_or(|item| self.item_holds(&item, lag, &now)));
        if !checked {
            (self.ox, self.oy) = old_corner;
            return false;
        }
        self.lag = lag;
        true
    }

    /// What to hold for an item at `rect`: the rectangle that the lag
    /// moves onto `rect` exactly. Where none does (a difference that
    /// rounds), every rectangle held is first brought up to date and the
    /// lag dropped.
    fn held_for(&mut self, rect: Rect) -> Rect {
        if self.lag == (0.0, 0.0) {
            return rect;
        }
        let held = Rect::new(rect.x - self.lag.0, rect.y - self.lag.1, rect.w, rect.h);
        if moved(&held, self.lag) == rect {
            return held;
        }
        let lag = std::mem::replace(&mut self.lag, (0.0, 0.0));
        for slot in 0..self.items.len as u32 {
            if let Some(mut item) = self.items.get(slot) {
                item.rect = moved(&item.rect, lag);
                self.inexact.set(slot as usize, !exact_rect(&item.rect));
                self.items.set(slot, Some(item));
            }
        }
        for s in self.cells.iter_mut().flatten().chain(&mut self.big) {
            s.1 = moved(&s.1, lag);
        }
        rect
    }

    /// Holds exactly `items` from now on, over the area it covers now
    /// (moved, after a `shift_all` that failed; items outside it are
    /// clamped into its border cells, so answers stay exact), keeping
    /// every bucket's memory: after a move of most of the design this is
    /// a fraction of taking each item out of its buckets and putting it
    /// back.
    pub(crate) fn refill(&mut self, items: impl Iterator<Item = (WidgetId, Rect, Entry)>) {
        for bucket in &mut self.cells {
            bucket.clear();
        }
        self.big.clear();
        self.loose = 0;
        self.free.clear();
        self.slot.clear();
        self.items.len = 0;
        self.lag = (0.0, 0.0);
        self.inexact.clear();
        for (id, rect, entry) in items {
            self.set(id, Some((rect, entry)));
        }
    }

    fn col(&self, x: f32) -> u32 {
        // The cast is the floor here: it saturates below at 0 (NaN too).
        (((x - self.ox) / self.cell) as u32).min(self.cols - 1)
    }

    fn row(&self, y: f32) -> u32 {
        (((y - self.oy) / self.cell) as u32).min(self.rows - 1)
    }

    fn range(&self, r: &Rect) -> (u32, u32, u32, u32) {
        (self.col(r.x), self.row(r.y), self.col(r.right()), self.row(r.bottom()))
    }

    /// Whether every bucket of the cell range has a free place.
    fn room_in(&self, (x0, y0, x1, y1): (u32, u32, u32, u32)) -> bool {
        (y0..=y1).all(|y| {
            let row = &self.cells[(y * self.cols + x0) as usize..=(y * self.cols + x1) as usize];
            row.iter().all(|bucket| bucket.len() < bucket.capacity())
        })
    }

    /// Puts a widget at `rect` with what queries need of it, or takes it
    /// out with `None`. Setting what it already holds costs a comparison.
    ///
    /// A widget that moves onto a bucket with no free place is held loose,
    /// with the big ones, while fewer than [`MAX_LOOSE`] are: a dragged
    /// widget and its contents enter new cells every frame, and a full
    /// bucket grew (a reallocation) as they entered, 3 to 24 times a drag
    /// frame at 100,000 widgets, nearly all of the frame's
    /// allocations. It goes back to its cells when it next moves onto
    /// buckets with room, or when the grid is refilled. A widget added
    /// (not moved) always goes to its cells.
    pub(crate) fn set(&mut self, id: WidgetId, value: Option<(Rect, Entry)>) {
        let moving = self.slot.contains_key(id);
        if let Some(slot) = self.slot.get(id).copied() {
            let item = self.items.get(slot).expect("a live slot");
            if value.is_some_and(|(r, e)| r == moved(&item.rect, self.lag) && e == item.entry) {
                return;
            }
            self.slot.remove(id);
            self.items.set(slot, None);
            self.inexact.set(slot as usize, false);
            match item.cells {
                None => {
                    let at = self.big.iter().position(|s| s.0 == slot).expect("listed among the big");
                    self.big.swap_remove(at);
                    self.loose -= usize::from(item.loose);
                }
                Some((x0, y0, x1, y1)) => {
                    for y in y0..=y1 {
                        for x in x0..=x1 {
                            let bucket = &mut self.cells[(y * self.cols + x) as usize];
                            let at = bucket.iter().position(|s| s.0 == slot).expect("listed in its cells");
                            bucket.swap_remove(at);
                        }
                    }
                }
            }
            self.free.push(slot);
        }
        let Some((rect, entry)) = value else { return };
        let (x0, y0, x1, y1) = self.range(&rect);
        let covered = (x1 - x0 + 1) as usize * (y1 - y0 + 1) as usize;
        let range = (x0, y0, x1, y1);
        let small = covered <= MAX_CELLS_PER_ITEM;
        let loose = small && moving && self.loose < MAX_LOOSE && !self.room_in(range);
        let cells = (small && !loose).then_some(range);
        self.loose += usize::from(loose);
        let rect = self.held_for(rect);
        let item = Some(Item { rect, entry, cells, loose });
        let slot = match self.free.pop() {
            Some(s) => {
                self.items.set(s, item);
                s
            }
            None => self.items.push(item),
        };
        self.inexact.set(slot as usize, !exact_rect(&rect));
        self.slot.insert(id, slot);
        match cells {
            None => self.big.push((slot, rect, entry)),
            Some(_) => {
                for y in y0..=y1 {
                    for x in x0..=x1 {
                        self.cells[(y * self.cols + x) as usize].push((slot, rect, entry));
                    }
                }
            }
        }
    }

    /// Calls `f` with every item whose rectangle contains `(x, y)`, edges included.
    pub(crate) fn at_point(&self, x: f32, y: f32, mut f: impl FnMut(&Rect, &Entry)) {
        let contains = |r: &Rect| x >= r.x && x <= r.right() && y >= r.y && y <= r.bottom();
        let bucket = &self.cells[(self.row(y) * self.cols + self.col(x)) as usize];
        for (_, held, entry) in bucket.iter().chain(self.big.iter()) {
            let rect = moved(held, self.lag);
            if contains(&rect) {
                f(&rect, entry);
            }
        }
    }

    /// Calls `f` once with every item that touches `r` (edges count) or,
    /// with `inside`, lies entirely within it.
    pub(crate) fn in_rect(&self, r: Rect, inside: bool, mut f: impl FnMut(&Rect, &Entry)) {
        let (qx0, qy0, qx1, qy1) = self.range(&r);
        let keep = |i: &Rect| {
            if inside {
                i.x >= r.x && i.y >= r.y && i.right() <= r.right() && i.bottom() <= r.bottom()
            } else {
                i.x <= r.right() && i.right() >= r.x && i.y <= r.bottom() && i.bottom() >= r.y
            }
        };
        for y in qy0..=qy1 {
            for x in qx0..=qx1 {
                for (_, held, entry) in &self.cells[(y * self.cols + x) as usize] {
                    let rect = moved(held, self.lag);
                    if !keep(&rect) {
                        continue;
                    }
                    // An item spans several cells: report it from the first one both share.
                    if (self.col(rect.x).max(qx0), self.row(rect.y).max(qy0)) == (x, y) {
                        f(&rect, entry);
                    }
                }
            }
        }
        for (_, held, entry) in &self.big {
            let rect = moved(held, self.lag);
            if keep(&rect) {
                f(&rect, entry);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotmap::SlotMap;

    fn entry(id: WidgetId) -> Entry {
        Entry { id, parent: None, depth: 1, z: 0, selectable: true, hidden: false, clipped: false, container: false }
    }

    #[test]
    fn every_query_matches_a_scan_including_items_outside_the_area_and_big_ones() {
        let mut keys: SlotMap<WidgetId, ()> = SlotMap::with_key();
        let mut grid = SpatialGrid::new(Rect::new(0.0, 0.0, 1000.0, 1000.0), 100);
        let mut all = Vec::new();
        let mut seed = 7u64;
        let mut next = |m: f32| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 40) as f32 / (1u64 << 24) as f32 * m
        };
        for i in 0..300 {
            let id = keys.insert(());
            let r = if i % 50 == 0 {
                Rect::new(-200.0, -200.0, 1500.0, 1500.0)
            } else {
                Rect::new(next(1400.0) - 200.0, next(1400.0) - 200.0, next(120.0), next(120.0))
            };
            grid.set(id, Some((r, entry(id))));
            all.push((id, r));
        }
        // Move and remove some.
        for (k, (id, r)) in all.iter_mut().enumerate() {
            if k % 3 == 0 {
                *r = Rect::new(r.x + 33.0, r.y - 17.0, r.w, r.h);
                grid.set(*id, Some((*r, entry(*id))));
            }
        }
        let removed: Vec<_> = all.iter().step_by(7).map(|(id, _)| *id).collect();
        for id in &removed {
            grid.set(*id, None);
        }
        all.retain(|(id, _)| !removed.contains(id));
        assert_eq!(grid.len(), all.len());
        assert_answers_as_a_scan(&grid, &all, &mut next);
    }

    /// A drag moves a widget and its contents onto new cells every frame.
    /// Those that would enter a bucket with no free place are held loose
    /// instead, so no bucket grows (a reallocation) during the drag, and
    /// every answer stays that of a scan; at most [`MAX_LOOSE`] are.
    #[test]
    fn widgets_dragged_onto_full_buckets_are_held_loose_so_no_bucket_grows() {
        let mut keys: SlotMap<WidgetId, ()> = SlotMap::with_key();
        let mut grid = SpatialGrid::new(Rect::new(0.0, 0.0, 1000.0, 1000.0), 2000);
        let mut seed = 5u64;
        let mut next = |m: f32| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 40) as f32 / (1u64 << 24) as f32 * m
        };
        let mut all = Vec::new();
        for _ in 0..2000 {
            let id = keys.insert(());
            let r = Rect::new(next(970.0).floor(), next(970.0).floor(), 30.0, 30.0);
            grid.set(id, Some((r, entry(id))));
            all.push((id, r));
        }
        let capacities = |grid: &SpatialGrid| grid.cells.iter().map(Vec::capacity).collect::<Vec<_>>();
        let before = capacities(&grid);
        let mut most_loose = 0;
        for _ in 0..40 {
            for (id, r) in all.iter_mut().take(50) {
                *r = Rect::new(r.x + 7.0, r.y + 5.0, r.w, r.h);
                grid.set(*id, Some((*r, entry(*id))));
            }
            most_loose = most_loose.max(grid.loose);
        }
        assert_eq!(capacities(&grid), before, "a bucket grew during the drag");
        assert!(most_loose > 0, "no dragged widget met a full bucket: the test proves nothing");
        assert!(grid.loose <= 50);
        assert_answers_as_a_scan(&grid, &all, &mut next);

        // Taken out while loose.
        for (id, _) in all.iter().take(10) {
            grid.set(*id, None);
        }
        all.drain(..10);
        assert_eq!(grid.len(), all.len());
        assert_answers_as_a_scan(&grid, &all, &mut next);

        // More widgets moving than may be loose: the rest go to their cells.
        for (id, r) in all.iter_mut() {
            *r = Rect::new(r.x - 3.0, r.y + 2.0, r.w, r.h);
            grid.set(*id, Some((*r, entry(*id))));
            assert!(grid.loose <= MAX_LOOSE);
        }
        assert_answers_as_a_scan(&grid, &all, &mut next);

        // A refill puts every widget in its cells.
        grid.refill(all.iter().map(|(id, r)| (*id, *r, entry(*id))));
        assert_eq!(grid.loose, 0);
        assert_eq!(grid.big.len(), 0);
        assert_answers_as_a_scan(&grid, &all, &mut next);
    }

    /// Every query, at 500 random places, against testing every item; the
    /// rectangles reported must be the items' own, bit for bit.
    fn assert_answers_as_a_scan(grid: &SpatialGrid, all: &[(WidgetId, Rect)], next: &mut impl FnMut(f32) -> f32) {
        let sorted = |mut v: Vec<(WidgetId, [u32; 4])>| {
            v.sort();
            v
        };
        let bits = |r: &Rect| [r.x.to_bits(), r.y.to_bits(), r.w.to_bits(), r.h.to_bits()];
        for _ in 0..500 {
            let (x, y) = (next(1600.0) - 300.0, next(1600.0) - 300.0);
            let mut got = Vec::new();
            grid.at_point(x, y, |r, e| got.push((e.id, bits(r))));
            let want = all
                .iter()
                .filter(|(_, r)| x >= r.x && x <= r.right() && y >= r.y && y <= r.bottom())
                .map(|(id, r)| (*id, bits(r)))
                .collect();
            assert_eq!(sorted(got), sorted(want));
            let q = Rect::new(x, y, next(400.0), next(400.0));
            for inside in [false, true] {
                let mut got = Vec::new();
                grid.in_rect(q, inside, |r, e| got.push((e.id, bits(r))));
                let want = all
                    .iter()
                    .filter(|(_, i)| {
                        if inside {
                            i.x >= q.x && i.y >= q.y && i.right() <= q.right() && i.bottom() <= q.bottom()
                        } else {
                            i.x <= q.right() && i.right() >= q.x && i.y <= q.bottom() && i.bottom() >= q.y
                        }
                    })
                    .map(|(id, r)| (*id, bits(r)))
                    .collect();
                assert_eq!(sorted(got), sorted(want), "inside: {inside}");
            }
        }
    }

    #[test]
    fn a_nudge_of_everything_rewrites_no_copy_and_every_answer_stays_exact() {
        let mut keys: SlotMap<WidgetId, ()> = SlotMap::with_key();
        let mut grid = SpatialGrid::new(Rect::new(0.0, 0.0, 1000.0, 1000.0), 100);
        let mut seed = 11u64;
        let mut next = |m: f32| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 40) as f32 / (1u64 << 24) as f32 * m
        };
        let mut all = Vec::new();
        for i in 0..300 {
            let id = keys.insert(());
            let r = if i % 50 == 0 {
                Rect::new(-200.0, -200.0, 1500.0, 1500.0)
            } else {
                let whole = |v: f32| v.floor();
                Rect::new(whole(next(1400.0)) - 200.0, whole(next(1400.0)) - 200.0, next(120.0), next(120.0))
            };
            grid.set(id, Some((r, entry(id))));
            all.push((id, r));
        }
        let shift = |grid: &mut SpatialGrid, all: &mut Vec<(WidgetId, Rect)>, d: (f32, f32)| {
            for (_, r) in all.iter_mut() {
                *r = Rect::new(r.x + d.0, r.y + d.1, r.w, r.h);
            }
            let now = |id| all.iter().find(|(i, _)| *i == id).map(|(_, r)| (*r, entry(id)));
            let kept = grid.shift_all(d, now);
            if !kept {
                // As the layout does when a shift cannot be kept.
                grid.refill(all.iter().map(|(id, r)| (*id, *r, entry(*id))));
            }
            kept
        };

        // Whole-pixel nudges: every copy stays as it was, the lag carries them.
        for d in [(1.0, 0.0), (0.0, -10.0), (3.0, 7.0), (-1.0, 0.0), (0.0, 1.0)] {
            assert!(shift(&mut grid, &mut all, d), "a whole-pixel nudge of {d:?} keeps every copy");
            assert_answers_as_a_scan(&grid, &all, &mut next);
        }
        assert_eq!(grid.lag, (3.0, -2.0));

        // Single items moved while the copies lag: held so that the lag
        // moves them onto their place exactly.
        for (k, (id, r)) in all.iter_mut().enumerate() {
            if k % 4 == 1 {
                *r = Rect::new(next(1400.0) - 200.0, next(1400.0) - 200.0, r.w, r.h);
                grid.set(*id, Some((*r, entry(*id))));
            }
        }
        assert_answers_as_a_scan(&grid, &all, &mut next);

        assert_eq!(grid.lag, (3.0, -2.0), "no single move above made everything catch up");
        // A place no held rectangle reaches through the lag (-0.001 - 3.0
        // rounds): everything held catches up first.
        let (id, r) = &mut all[2];
        *r = Rect::new(-0.001, 5.0, r.w, r.h);
        grid.set(*id, Some((*r, entry(*id))));
        assert_eq!(grid.lag, (0.0, 0.0));
        assert_answers_as_a_scan(&grid, &all, &mut next);

        // Nudges that round (a tenth of a pixel): caught, and refilled.
        let mut refilled = 0;
        for _ in 0..4 {
            if !shift(&mut grid, &mut all, (0.1, -0.3)) {
                refilled += 1;
            }
            assert_answers_as_a_scan(&grid, &all, &mut next);
        }
        assert!(refilled > 0, "some sum of tenths rounds");
        // A sum that rounds where no cell changes (a grid of one cell):
        // caught by comparing the rectangles alone.
        let mut one = SpatialGrid::new(Rect::new(0.0, 0.0, 1000.0, 1000.0), 1);
        let id = all[0].0;
        let mut truth = Rect::new(0.7, 0.7, 10.0, 10.0);
        one.set(id, Some((truth, entry(id))));
        let rounded = (0..20).any(|_| {
            truth = Rect::new(truth.x + 0.1, truth.y + 0.1, truth.w, truth.h);
            !one.shift_all((0.1, 0.1), |_| Some((truth, entry(id))))
        });
        assert!(rounded, "adding tenths one at a time and all at once differ somewhere");

        // A changed entry is caught too.
        let now = |id| all.iter().find(|(i, _)| *i == id).map(|(_, r)| (*r, Entry { depth: 9, ..entry(id) }));
        assert!(!grid.shift_all((0.0, 0.0), now), "an entry that changed is not kept");
    }

    /// A shift by arithmetic checks one by one the items held inexact
    /// (followed through every way one is written: put in, replaced, taken
    /// out, caught up with the lag) and those the caller names, and is
    /// refused where the distances are not exact or too many need a check.
    #[test]
    fn a_shift_by_arithmetic_checks_the_inexact_items_and_those_named() {
        let mut keys: SlotMap<WidgetId, ()> = SlotMap::with_key();
        let mut grid = SpatialGrid::new(Rect::new(0.0, 0.0, 1000.0, 1000.0), 100);
        let mut all: Vec<(WidgetId, Rect)> =
            (0..50).map(|k| (keys.insert(()), Rect::new(k as f32 * 19.0, k as f32 * 7.5, 30.0, 12.25))).collect();
        for (id, r) in &all {
            grid.set(*id, Some((*r, entry(*id))));
        }
        let ids: Vec<WidgetId> = all.iter().map(|(id, _)| *id).collect();
        // Every item moved by `d` but the one named, moved by `odd` more.
        let shift = |grid: &mut SpatialGrid, all: &mut Vec<(WidgetId, Rect)>, d: (f32, f32), unproven: &[WidgetId]| {
            let moved: Vec<(WidgetId, Rect)> =
                all.iter().map(|(id, r)| (*id, Rect::new(r.x + d.0, r.y + d.1, r.w, r.h))).collect();
            let now = |id| moved.iter().find(|(i, _)| *i == id).map(|(_, r)| (*r, entry(id)));
            let kept = grid.shift_all_exact(d, unproven, now);
            if kept {
                *all = moved;
            }
            kept
        };
        assert!(shift(&mut grid, &mut all, (1.0, -0.5), &[]), "whole and half pixels");
        assert_eq!(grid.lag, (1.0, -0.5));
        assert!(!shift(&mut grid, &mut all, (0.1, 0.0), &[]), "a tenth is not exact");
        assert_eq!(grid.lag, (1.0, -0.5), "a refusal changes nothing");

        // One held a third of a pixel off: checked, and found where it is.
        all[3].1 = Rect::new(100.0 / 3.0, 5.0, 10.0, 10.0);
        grid.set(ids[3], Some((all[3].1, entry(ids[3]))));
        assert!(shift(&mut grid, &mut all, (1.0, 0.0), &[]), "one inexact, checked");
        // ... and caught where it is not.
        let truth = |all: &Vec<(WidgetId, Rect)>, id: WidgetId| all.iter().find(|(i, _)| *i == id).map(|(_, r)| *r);
        let off = |all: &Vec<(WidgetId, Rect)>, id: WidgetId, odd: WidgetId| {
            let r = truth(all, id)?;
            Some((if id == odd { Rect::new(0.0, 0.0, 1.0, 1.0) } else { r }, entry(id)))
        };
        assert!(!grid.shift_all_exact((0.0, 0.0), &[], |id| off(&all, id, ids[3])), "the inexact item is read");
        all[3].1 = Rect::new(40.0, 5.0, 10.0, 10.0);
        grid.set(ids[3], Some((all[3].1, entry(ids[3]))));
        // An item held exact is read only when the caller names it.
        assert!(grid.shift_all_exact((0.0, 0.0), &[], |id| off(&all, id, ids[9])), "taken on trust");
        assert!(!grid.shift_all_exact((0.0, 0.0), &[ids[9]], |id| off(&all, id, ids[9])), "named, and read");
        let moved_entry = |id: WidgetId| truth(&all, id).map(|r| (r, Entry { hidden: id == ids[9], ..entry(id) }));
        assert!(!grid.shift_all_exact((0.0, 0.0), &[ids[9]], moved_entry), "named, its entry changed");
        assert!(grid.shift_all_exact((0.0, 0.0), &[ids[9]], |id| truth(&all, id).map(|r| (r, entry(id)))));
        all[4].1 = Rect::new(100.0 / 3.0, 5.0, 10.0, 10.0);
        grid.set(ids[4], Some((all[4].1, entry(ids[4]))));
        grid.set(ids[4], None);
        all.remove(4);
        assert_eq!(grid.inexact.len, 0, "replaced by an exact one, and taken out");

        // Too many to check one by one: left to the check of every item.
        for (k, (id, r)) in all.iter_mut().enumerate().take(20).skip(10) {
            *r = Rect::new(k as f32 + 0.3, 5.0, 10.0, 10.0);
            grid.set(*id, Some((*r, entry(*id))));
        }
        assert!(!shift(&mut grid, &mut all, (1.0, 0.0), &[]), "ten of 49 inexact");
        let named: Vec<WidgetId> = all[20..30].iter().map(|(id, _)| *id).collect();
        for (k, (id, r)) in all.iter_mut().enumerate().take(20).skip(10) {
            *r = Rect::new(k as f32, 5.0, 10.0, 10.0);
            grid.set(*id, Some((*r, entry(*id))));
        }
        assert!(!shift(&mut grid, &mut all, (1.0, 0.0), &named), "ten of 49 named");
        assert!(shift(&mut grid, &mut all, (1.0, 0.0), &named[..3]), "three named");
        assert!(!shift(&mut grid, &mut all, (300_000.0, 0.0), &[]), "a lag past the exact range");

        // A place the lag cannot reach exactly makes every held rectangle
        // catch up (the lag dropped), each counted again as it is rewritten.
        all[5].1 = Rect::new(-0.001, 5.0, 10.0, 10.0);
        grid.set(all[5].0, Some((all[5].1, entry(all[5].0))));
        assert_eq!(grid.lag, (0.0, 0.0));
        assert_eq!(grid.inexact.len, 1, "-0.001 is held");
        all[5].1 = Rect::new(2.0, 5.0, 10.0, 10.0);
        grid.set(all[5].0, Some((all[5].1, entry(all[5].0))));
        assert!(shift(&mut grid, &mut all, (1.0, 0.0), &[]));

        let mut far = SpatialGrid::new(Rect::new(300_000.0, 0.0, 1000.0, 1000.0), 1);
        assert!(!far.shift_all_exact((1.0, 0.0), &[], |_| None), "a grid corner past the exact range");
    }
}
