//! Keeping the spatial indexes in step with the boxes: the design-wide grid
//! every query starts from, and a grid of its own for each crowded
//! container, for queries about one container's children.

use std::collections::HashSet;

use trellis_model::{Document, Rect, WidgetId};

use super::{Geometry, intersect};
use crate::spatial::SpatialGrid;

/// How the boxes indexed moved while `bulk` was on.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) enum BulkMoves {
    /// None yet.
    #[default]
    None,
    /// These many, each by this distance, indexed before and after.
    By((f32, f32), usize),
    /// By different distances, or into or out of the index.
    Mixed,
}

impl BulkMoves {
    fn add(&mut self, before: Option<Rect>, now: Option<Rect>) {
        let d = match (before, now) {
            (Some(b), Some(n)) if (b.w, b.h) == (n.w, n.h) => (n.x - b.x, n.y - b.y),
            (None, None) => return,
            _ => {
                *self = BulkMoves::Mixed;
                return;
            }
        };
        *self = match *self {
            BulkMoves::None => BulkMoves::By(d, 1),
            BulkMoves::By(e, n) if e == d => BulkMoves::By(e, n + 1),
            _ => BulkMoves::Mixed,
        };
    }
}

/// Containers with more children than this get an index of their own.
const CROWDED: usize = 64;

impl Geometry {
    /// Makes the spatial index hold the widget's visible rectangle and what
    /// queries need to know of it.
    pub(super) fn sync_index(&mut self, id: WidgetId) {
        let b = &self.boxes[id];
        let want = if id == self.root {
            None
        } else {
            match b.clip {
                None => Some(b.rect),
                Some(c) => intersect(b.rect, c),
            }
        };
        // The grid skips the update when nothing it holds changed.
        let value = want.map(|r| (r, b.entry(id)));
        let parent = b.parent;
        let before = std::mem::replace(&mut self.boxes[id].indexed, want);
        if self.bulk {
            self.bulk_moves.add(before, want);
        } else {
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
        if let BulkMoves::By(d, moved) = moves
            && moved == self.index.len()
            && self.index.shift_all(d, now)
            && self.child_index.values_mut().all(|grid| grid.shift_all(d, now))
        {
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
