//! Keeping the spatial indexes in step with the boxes: the design-wide grid
//! every query starts from, and a grid of its own for each crowded
//! container, for queries about one container's children.

use foldhash::HashSet;

use trellis_model::{Document, Rect, WidgetId};

use super::{Geometry, intersect};
use crate::spatial::{SpatialGrid, exact, exact_rect};

/// How the boxes indexed moved while `bulk` was on.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) enum BulkMoves {
    /// None yet.
    #[default]
    None,
    /// These many, each by distance `d`, indexed before and after; each a
    /// different box while `distinct`.
    By { d: (f32, f32), count: usize, distinct: bool },
    /// By different distances, or into or out of the index.
    Mixed,
}

impl BulkMoves {
    /// Counts a box indexed again; whether it moved by the distance the
    /// others did, its size kept.
    #[inline(always)]
    fn add(&mut self, before: Option<Rect>, now: Option<Rect>, first_time: bool) -> bool {
        let d = match (before, now) {
            (Some(b), Some(n)) if (b.w, b.h) == (n.w, n.h) => (n.x - b.x, n.y - b.y),
            (None, None) => return true,
            _ => {
                *self = BulkMoves::Mixed;
                return false;
            }
        };
        *self = match *self {
            BulkMoves::None => BulkMoves::By { d, count: 1, distinct: first_time },
            BulkMoves::By { d: e, count, distinct } if e == d => {
                BulkMoves::By { d, count: count + 1, distinct: distinct && first_time }
            }
            _ => BulkMoves::Mixed,
        };
        matches!(self, BulkMoves::By { .. })
    }
}

/// Why a box is indexed again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reindex {
    /// Placed or ordered: anything it holds may have changed.
    Placed,
    /// Translated with its subtree: only its rectangle and clip moved,
    /// `from_exact` where no clip cut it before, or the rectangle and clip
    /// it had were [`exact`].
    Translated { from_exact: bool },
}

/// Containers with more children than this get an index of their own.
const CROWDED: usize = 64;

impl Geometry {
    /// Makes the spatial index hold the widget's visible rectangle and what
    /// queries need to know of it.
    pub(super) fn sync_index(&mut self, id: WidgetId, why: Reindex) {
        let b = &self.boxes[id];
        let want = if id == self.root {
            None
        } else {
            match b.clip {
                None => Some(b.rect),
                Some(c) => intersect(b.rect, c),
            }
        };
        if self.bulk {
            let first_time = self.bulk_seen.insert(id.slot());
            // A translation keeps the parent, depth, order and flags. The
            // entry's one other field, whether the clip cuts the box, is
            // kept too where box and clip were exact, or there was no
            // clip, and are exact, or there is none: the indexed
            // rectangle, their overlap, then has the box's size exactly
            // when it is the box, and the caller compares its size before
            // and after. A box moved from a corner on eighths to another
            // moved by the common distance to the bit.
            let proven = why == Reindex::Translated { from_exact: true }
                && b.clip.is_none_or(|c| exact_rect(&b.rect) && exact_rect(&c))
                && want.is_none_or(|r| exact(r.x) && exact(r.y));
            let before = std::mem::replace(&mut self.boxes[id].indexed, want);
            if self.bulk_moves.add(before, want, first_time) && !proven && want.is_some() {
                self.bulk_unproven.push(id);
            }
        } else {
            // The grid skips the update when nothing it holds changed.
            let value = want.map(|r| (r, b.entry(id)));
            let parent = b.parent;
            self.boxes[id].indexed = want;
            self.index.set(id, value);
            if let Some(grid) = parent.and_then(|p| self.child_index.get_mut(&p)) {
                grid.set(id, value);
            }
        }
    }

    /// Builds every index from the boxes after a full layout, sizing the
    /// grid for the design now that its extent is known.
    pub(super) fn load_index(&mut self, doc: &Document) {
        self.index = SpatialGrid::new(self.boxes[self.root].rect, self.boxes.len());
        for (id, b) in &self.boxes {
            if let Some(r) = b.indexed {
                self.index.set(id, Some((r, b.entry(id))));
            }
        }
        self.child_index.clear();
        for w in doc.iter() {
            if w.children().len() > CROWDED {
                self.index_children(doc, w.id());
            }
        }
    }

    /// Makes every index hold the boxes as they are now, after moves made
    /// with `bulk` on, keeping the indexes' memory: where every box
    /// indexed moved by one distance, each index moves with them;
    /// otherwise each is refilled.
    pub(super) fn refill_index(&mut self, doc: &Document) {
        let moves = std::mem::take(&mut self.bulk_moves);
        let boxes = &self.boxes;
        let held = |id: WidgetId| boxes.get(id).and_then(|b| b.indexed.map(|r| (id, r, b.entry(id))));
        let now = |id: WidgetId| held(id).map(|(_, r, e)| (r, e));
        let unproven = std::mem::take(&mut self.bulk_unproven);
        let kept = match moves {
            BulkMoves::By { d, count, distinct } if count == self.index.len() => {
                // Each box moved once, all but `unproven` proven exact: each
                // index moves by arithmetic, checking those and what it
                // holds inexact one by one; otherwise, or where that fails,
                // it checks every item (2 ms of a nudge of everything at
                // 100,000 widgets). Past one box in eight unproven, every
                // item is checked anyway.
                let few = distinct && unproven.len() <= count / 8;
                let mut by_arithmetic = few;
                let mut shift = |grid: &mut SpatialGrid| {
                    let exact = few && grid.shift_all_exact(d, &unproven, now);
                    by_arithmetic &= exact;
                    exact || grid.shift_all(d, now)
                };
                // Every grid is asked, even after one failed: each moves its
                // corner with the boxes, where its refill keeps it.
                let mut kept = shift(&mut self.index);
                for grid in self.child_index.values_mut() {
                    kept &= shift(grid);
                }
                self.stats.index_moved_by_arithmetic = kept && by_arithmetic;
                kept
            }
            _ => false,
        };
        self.bulk_unproven = unproven;
        self.bulk_unproven.clear();
        if kept {
            debug_assert!(
                self.index.holds(now) && self.child_index.values().all(|grid| grid.holds(now)),
                "the indexes moved with the boxes"
            );
            return;
        }
        self.index.refill(boxes.keys().filter_map(held));
        for (parent, grid) in &mut self.child_index {
            grid.refill(doc.children(*parent).iter().filter_map(|c| held(*c)));
        }
    }

    /// Gives the containers among `parents` that became crowded an index of
    /// their children, and drops the index of those well below the limit
    /// (the gap keeps a container near it from rebuilding on every edit).
    pub(super) fn update_child_indexes(&mut self, doc: &Document, parents: &HashSet<WidgetId>) {
        for p in parents {
            let crowded = doc.contains(*p) && doc.children(*p).len() > CROWDED;
            match (crowded, self.child_index.contains_key(p)) {
                (true, false) => self.index_children(doc, *p),
                (false, true) if doc.children(*p).len() <= CROWDED / 2 || !doc.contains(*p) => {
                    self.child_index.remove(p);
                }
                _ => {}
            }
        }
    }

    /// Gives a crowded container an index of its children.
    fn index_children(&mut self, doc: &Document, parent: WidgetId) {
        let Some(pb) = self.boxes.get(parent) else { return };
        let children = doc.children(parent);
        let mut grid = SpatialGrid::new(pb.rect, children.len());
        for c in children {
            if let Some(b) = self.boxes.get(*c)
                && let Some(r) = b.indexed
            {
                grid.set(*c, Some((r, b.entry(*c))));
            }
        }
        self.child_index.insert(parent, grid);
    }
}
