//! Keeping the spatial indexes in step with the boxes: the design-wide grid
//! every query starts from, and a grid of its own for each crowded
//! container, for queries about one container's children.

use std::collections::HashSet;

use trellis_model::{Document, WidgetId};

use super::{Geometry, intersect};
use crate::spatial::SpatialGrid;

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
        self.boxes[id].indexed = want;
        if !self.bulk {
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
