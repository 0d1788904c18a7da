//! One box per widget, mirroring the document's tree: boxes are made for
//! subtrees that arrive, dropped (with their taffy nodes and index entries)
//! for subtrees that leave, and given order keys among their siblings.

use trellis_model::{Document, LayoutMode, PropKey, Rect, WidgetId};

use super::indexing::Reindex;
use super::{Geometry, WidgetBox};
use crate::measure;

/// The paint order being made a slice at a time
/// ([`Geometry::prepare_bulk_moves`]): the widgets listed so far, and the
/// walk's place in the document.
#[derive(Debug, Default)]
pub(super) struct PaintOrderWalk {
    /// The tree it walks ([`Geometry::tree_changes`]); any other begins it again.
    pub(super) tree: u64,
    stack: Vec<(WidgetId, bool)>,
    order: Vec<WidgetId>,
    /// No widget met lacked a box.
    valid: bool,
    /// Every widget was listed (the order made, if valid).
    pub(super) over: bool,
}

impl PaintOrderWalk {
    /// A walk of the tree `tree` from `root`, listing into `order`
    /// (emptied first).
    pub(super) fn begin(root: WidgetId, tree: u64, mut order: Vec<WidgetId>) -> Self {
        order.clear();
        PaintOrderWalk { tree, stack: vec![(root, false)], order, valid: true, over: false }
    }

    /// The memory of its list, for the next walk.
    pub(super) fn into_order(self) -> Vec<WidgetId> {
        self.order
    }
}

/// The spacing of fresh order keys: room for many inserts between two siblings.
const Z_GAP: u64 = 1 << 24;
/// The order key of a widget not yet placed among its siblings.
const UNORDERED: u64 = u64::MAX;

impl Geometry {
    /// Creates boxes for the subtree at `id` (its parent's box exists),
    /// listing the island roots in it.
    pub(super) fn add_subtree(&mut self, doc: &Document, id: WidgetId, islands: &mut Vec<WidgetId>) {
        self.drop_paint_order();
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
        let order = std::mem::take(&mut self.paint_order);
        let mut walk = PaintOrderWalk::begin(self.root, self.tree_changes, order);
        self.walk_paint_order(doc, &mut walk, usize::MAX);
        self.finish_paint_order(doc, &mut walk);
        self.paint_order_walk = None;
    }

    /// The paint order no longer holds: a box was made or removed (a
    /// widget inserted, deleted or moved among others).
    pub(super) fn drop_paint_order(&mut self) {
        self.paint_order_valid = false;
        self.tree_changes += 1;
    }

    /// Lists up to `budget` more widgets of `walk`; whether it is over.
    pub(super) fn walk_paint_order(&mut self, doc: &Document, walk: &mut PaintOrderWalk, budget: usize) -> bool {
        // Each widget is visited twice: to list it, then, after its
        // subtree, to learn the subtree's length.
        let mut listed = 0;
        while let Some((id, done)) = walk.stack.pop() {
            let Some(b) = self.boxes.get_mut(id) else {
                walk.valid = false;
                walk.stack.clear();
                break;
            };
            if done {
                b.order.1 = walk.order.len() as u32 - b.order.0;
                continue;
            }
            if listed == budget {
                walk.stack.push((id, false));
                return false;
            }
            listed += 1;
            b.order = (walk.order.len() as u32, 1);
            walk.order.push(id);
            walk.stack.push((id, true));
            walk.stack.extend(doc.children(id).iter().rev().map(|c| (*c, false)));
        }
        true
    }

    /// Makes a walk that is over the paint order, if it listed the whole
    /// document; its list then keeps the old order's memory.
    pub(super) fn finish_paint_order(&mut self, doc: &Document, walk: &mut PaintOrderWalk) {
        walk.over = true;
        self.paint_order_valid = walk.valid && walk.order.len() == doc.len();
        if self.paint_order_valid {
            std::mem::swap(&mut self.paint_order, &mut walk.order);
        }
        walk.order.clear();
    }

    /// Drops the boxes of `ids` and everything they held: index entries,
    /// a child index, taffy nodes. Their rectangles count as damage.
    pub(super) fn remove_boxes(&mut self, ids: &[WidgetId]) {
        self.drop_paint_order();
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
