//! One box per widget, mirroring the document's tree: boxes are made for
//! subtrees that arrive, dropped (with their taffy nodes and index entries)
//! for subtrees that leave, and given order keys among their siblings.

use trellis_model::{Document, LayoutMode, PropKey, Rect, WidgetId};

use super::indexing::Reindex;
use super::{Geometry, WidgetBox};
use crate::measure;

/// The spacing of fresh order keys: room for many inserts between two siblings.
const Z_GAP: u64 = 1 << 24;
/// The order key of a widget not yet placed among its siblings.
const UNORDERED: u64 = u64::MAX;

impl Geometry {
    /// Creates boxes for the subtree at `id` (its parent's box exists),
    /// listing the island roots in it.
    pub(super) fn add_subtree(&mut self, doc: &Document, id: WidgetId, islands: &mut Vec<WidgetId>) {
        self.paint_order_valid = false;
        let mut stack = vec![id];
        while let Some(at) = stack.pop() {
            let w = doc.widget(at).expect("added widgets are in the document");
            let parent = w.parent();
            let (flowed, depth) = match parent.and_then(|p| self.boxes.get(p)) {
                Some(pb) => (pb.is_flex_container(), pb.depth + 1),
                None => (false, 0),
            };
            let b = WidgetBox {
                parent,
                z: UNORDERED,
                depth,
                kind: w.kind(),
                layout: if w.kind().is_container() { w.layout() } else { LayoutMode::Absolute },
                wrap: w.flag(PropKey::Wrap),
                flowed,
                node: None,
                rect: Rect::default(),
                inset: measure::inset(&w),
                clip: None,
                hidden: false,
                locked: false,
                indexed: None,
                rel: Rect::default(),
                at: (0.0, 0.0),
                order: (0, 0),
                natural: super::NaturalSize::unknown(),
                intrinsic: None,
            };
            if b.is_flex_container() && !flowed {
                islands.push(at);
            }
            // A box made earlier in the same batch is replaced, releasing what it held.
            self.remove_boxes(&[at]);
            self.boxes.insert(at, b);
            stack.extend(w.children().iter().rev().copied());
        }
        // Order keys for everything below `id`; `id` itself is ordered among
        // its siblings by the caller (or is the root).
        let mut stack = vec![id];
        while let Some(at) = stack.pop() {
            for (i, c) in doc.children(at).iter().enumerate() {
                if let Some(b) = self.boxes.get_mut(*c) {
                    b.z = (i as u64 + 1) * Z_GAP;
                }
                stack.push(*c);
            }
        }
    }

    /// Gives unordered children of `parent` keys between their neighbours',
    /// relabelling all the children only when a gap is used up.
    pub(super) fn order_children(&mut self, doc: &Document, parent: WidgetId) {
        let children = doc.children(parent);
        let key = |s: &Self, c: &WidgetId| s.boxes.get(*c).map_or(UNORDERED, |b| b.z);
        let mut prev = 0u64;
        let mut i = 0;
        while i < children.len() {
            let k = key(self, &children[i]);
            if k != UNORDERED && k > prev {
                prev = k;
                i += 1;
                continue;
            }
            // A run of children needing keys, up to the next one in order.
            let mut j = i;
            while j < children.len() && {
                let k = key(self, &children[j]);
                k == UNORDERED || k <= prev
            } {
                j += 1;
            }
            let next = if j < children.len() {
                key(self, &children[j])
            } else {
                prev.saturating_add((j - i + 1) as u64 * Z_GAP)
            };
            let step = (next - prev) / (j - i + 1) as u64;
            if step == 0 {
                // No room: label every child afresh.
                for (n, c) in children.iter().enumerate() {
                    if let Some(b) = self.boxes.get_mut(*c) {
                        b.z = (n as u64 + 1) * Z_GAP;
                    }
                    self.sync_index(*c, Reindex::Placed);
                }
                return;
            }
            for (n, c) in children[i..j].iter().enumerate() {
                if let Some(b) = self.boxes.get_mut(*c) {
                    b.z = prev + step * (n as u64 + 1);
                }
                self.sync_index(*c, Reindex::Placed);
            }
            prev += step * (j - i) as u64;
            i = j;
        }
    }

    /// Lists every widget in paint order (`paint_order`), each box
    /// learning its place in it and its subtree's length. Not valid if a
    /// widget of the document has no box (never once laid out).
    pub(super) fn make_paint_order(&mut self, doc: &Document) {
        let mut order = std::mem::take(&mut self.paint_order);
        order.clear();
        // Each widget is visited twice: to list it, then, after its
        // subtree, to learn the subtree's length.
        let mut stack = vec![(self.root, false)];
        let mut valid = true;
        while let Some((id, done)) = stack.pop() {
            let Some(b) = self.boxes.get_mut(id) else {
                valid = false;
                break;
            };
            if done {
                b.order.1 = order.len() as u32 - b.order.0;
                continue;
            }
            b.order = (order.len() as u32, 1);
            order.push(id);
            stack.push((id, true));
            stack.extend(doc.children(id).iter().rev().map(|c| (*c, false)));
        }
        self.paint_order = order;
        self.paint_order_valid = valid && self.paint_order.len() == doc.len();
    }

    /// Drops the boxes of `ids` and everything they held: index entries,
    /// a child index, taffy nodes. Their rectangles count as damage.
    pub(super) fn remove_boxes(&mut self, ids: &[WidgetId]) {
        self.paint_order_valid = false;
        for id in ids {
            if let Some(b) = self.boxes.remove(*id) {
                if let Some(d) = &mut self.damage {
                    super::add_damage(d, b.rect);
                }
                if b.indexed.is_some() {
                    self.index.set(*id, None);
                }
                if let Some(grid) = b.parent.and_then(|p| self.child_index.get_mut(&p)) {
                    grid.set(*id, None);
                }
                self.child_index.remove(id);
                if let Some(node) = b.node {
                    let _ = self.taffy.remove(node);
                }
            }
        }
    }
}
