//! Placement: from a parent's box to its children's final rectangles.
//! Children of absolute containers, of the window and of tab pages are put
//! at their `x`/`y` in the parent's content box; children of rows, columns
//! and grids where their island's computation put them. Scroll areas clip
//! what is inside them, and a tabs widget shows only its selected page.

use taffy::prelude::{AvailableSpace, Size};
use trellis_model::{Document, PropKey, Rect, WidgetId, WidgetKind};

use super::indexing::Reindex;
use super::{Geometry, WidgetBox};
use crate::measure::{self, TAB_BAR_HEIGHT, natural_size_within};
use crate::spatial::exact_rect;

impl Geometry {
    /// Where the parent puts `id`: its border box and inherited clip.
    pub(super) fn placement(&mut self, doc: &Document, id: WidgetId) -> (Rect, Option<Rect>) {
        let w = doc.widget(id).expect("placed widgets are in the document");
        let Some(parent) = w.parent() else {
            let (width, height) = self.own_size(doc, id, AvailableSpace::MaxContent);
            return (Rect::new(0.0, 0.0, width, height), None);
        };
        let pb = &self.boxes[parent];
        let clip = child_clip(pb);
        if pb.is_flex_container() {
            // Flowed: its island root placed it already.
            return (self.boxes[id].rect, clip);
        }
        let (content, tabs) = (pb.content(), pb.kind == WidgetKind::Tabs);
        let (x, y) = (w.number(PropKey::X), w.number(PropKey::Y));
        self.boxes[id].at = (x, y);
        if tabs {
            // The page's height may be negative (a tabs widget lower than
            // its bar): CSS subtracts the child's offset from it as it is
            // and only then keeps the result from going below zero.
            let page = Rect::new(content.x, content.y + TAB_BAR_HEIGHT, content.w, content.h - TAB_BAR_HEIGHT);
            let size = measure::clamp_size(
                &w,
                (w.length(PropKey::Width).unwrap_or(page.w - x), w.length(PropKey::Height).unwrap_or(page.h - y)),
            );
            let floor = if w.kind().is_container() { 2.0 * measure::inset(&w) } else { 0.0 };
            let size = (size.0.max(floor), size.1.max(floor));
            return (placed_at(&self.boxes[parent], (x, y), size), clip);
        }
        // What CSS gives an absolutely placed box that shrinks to fit: the
        // containing block's width from where it starts. That block is the
        // parent's padding box, so a label may wrap into the right padding.
        let padding = doc.widget(parent).map_or(0.0, |p| p.number(PropKey::Padding));
        let available = AvailableSpace::Definite((content.w + padding - x).max(0.0));
        let size = self.own_size(doc, id, available);
        (placed_at(&self.boxes[parent], (x, y), size), clip)
    }

    /// The size of a placed widget: explicit, or its content's.
    fn own_size(&mut self, doc: &Document, id: WidgetId, available: AvailableSpace) -> (f32, f32) {
        let (width, height) = self.own_size_unfloored(doc, id, available);
        let w = doc.widget(id).expect("sized widgets are in the document");
        // As in CSS, a container is never smaller than its padding and
        // border, whatever its width and height say.
        let floor = if w.kind().is_container() { 2.0 * measure::inset(&w) } else { 0.0 };
        (width.max(floor), height.max(floor))
    }

    fn own_size_unfloored(&mut self, doc: &Document, id: WidgetId, available: AvailableSpace) -> (f32, f32) {
        let w = doc.widget(id).expect("sized widgets are in the document");
        let (ew, eh) = (w.length(PropKey::Width), w.length(PropKey::Height));
        if let (Some(width), Some(height)) = (ew, eh) {
            return measure::clamp_size(&w, (width, height));
        }
        if self.boxes[id].is_flex_container() && !self.boxes[id].flowed {
            // An island root sized by its content: ask taffy for max-content.
            let node = self.ensure_nodes(doc, id);
            // Sized with the intrinsic sizes taffy needs handed (see
            // `Intrinsic`), as it is then laid out: without them, a root
            // holding such a member was sized as taffy alone sizes it
            // (random design 216: a column 15 px too wide around a
            // wrapping column).
            let members = self.island_members(doc, id);
            self.intrinsics(doc, &members, &[]);
            let available = Size {
                width: ew.map_or(AvailableSpace::MaxContent, AvailableSpace::Definite),
                height: eh.map_or(AvailableSpace::MaxContent, AvailableSpace::Definite),
            };
            // A grid measured at its max-content width as Chromium
            // measures it (see `grid_max_content_width`).
            if ew.is_none() {
                self.at_max_content(doc, id, |g| g.compute(doc, node, available));
            } else {
                self.compute(doc, node, available);
            }
            let l = self.taffy.layout(node).expect("laid out");
            return (l.size.width, l.size.height);
        }
        natural_size_within(doc, id, &*self.measurer, &self.boxes, available)
    }

    /// Lays out the subtree at `id`, whose border box is `rect`.
    pub(super) fn place(&mut self, doc: &Document, id: WidgetId, rect: Rect, clip: Option<Rect>) {
        self.place_one(doc, id, rect, clip);
        self.place_children(doc, id);
    }

    /// Sets one widget's box, flags and index entry.
    fn place_one(&mut self, doc: &Document, id: WidgetId, rect: Rect, clip: Option<Rect>) {
        let w = doc.widget(id).expect("placed widgets are in the document");
        let (parent_hidden, parent_locked, page_hidden) = match w.parent().and_then(|p| self.boxes.get(p)) {
            Some(pb) => {
                let page_hidden = pb.kind == WidgetKind::Tabs && {
                    let shown =
                        doc.widget(w.parent().expect("has a parent")).map_or(0, |t| t.int(PropKey::Selected).max(0));
                    doc.index_in_parent(id).map_or(0, |i| i as i32) != shown
                };
                (pb.hidden, pb.locked, page_hidden)
            }
            None => (false, false, false),
        };
        let b = &mut self.boxes[id];
        let old = std::mem::replace(&mut b.rect, rect);
        let old_clip = std::mem::replace(&mut b.clip, clip);
        if old != rect {
            self.moved(id, old, rect);
        }
        let b = &mut self.boxes[id];
        b.inset = measure::inset(&w);
        let hidden = parent_hidden || page_hidden || !w.flag(PropKey::Visible);
        let shown_or_hidden = b.hidden != hidden;
        b.hidden = hidden;
        b.locked = parent_locked || w.flag(PropKey::Locked);
        if old == rect && (shown_or_hidden || old_clip != clip) {
            // Where it stands, shown or hidden (a page put before the tab
            // shown, which then shows another page) or clipped otherwise
            // (a scroll area around it resized by its row): its drawing
            // changed as a move's does, and its item is made again.
            self.moved(id, rect, rect);
        }
        self.sync_index(id, Reindex::Placed);
        self.stats.relaid_out += 1;
    }

    fn place_children(&mut self, doc: &Document, id: WidgetId) {
        let b = &self.boxes[id];
        if !b.kind.is_container() || doc.children(id).is_empty() {
            return;
        }
        if b.is_flex_container() {
            if b.flowed {
                // Its island root places it and its children.
                return;
            }
            let origin = self.boxes[id].rect;
            for (member, rel) in self.solve_island(doc, id) {
                let parent = self.boxes[member].parent.expect("members have a parent");
                let clip = child_clip(&self.boxes[parent]);
                self.boxes[member].rel = rel;
                self.place_one(doc, member, offset(rel, origin), clip);
                if !self.boxes[member].is_flex_container() {
                    self.place_children(doc, member);
                }
            }
            return;
        }
        for child in doc.children(id) {
            let (r, c) = self.placement(doc, *child);
            self.place(doc, *child, r, c);
        }
    }

    /// Moves the subtree at `id` to where its parent now puts it; nothing
    /// else is touched. Positions are recomputed with the same formulas a
    /// full layout uses (not shifted by a delta), so they match it exactly;
    /// sizes and island layouts are reused as they are. `subtree` is the
    /// subtree's widgets, parents before children.
    pub(super) fn translate(&mut self, doc: &Document, id: WidgetId, subtree: &[WidgetId]) {
        let old = self.boxes[id].rect;
        // Where `placement` puts it, without sizing it again: the caller
        // translates only widgets whose size does not follow their place.
        let parent = self.boxes[id].parent.expect("translated widgets have a parent");
        let w = doc.widget(id).expect("translated widgets are in the document");
        let at = (w.number(PropKey::X), w.number(PropKey::Y));
        self.boxes[id].at = at;
        let pb = &self.boxes[parent];
        let (rect, clip) = (placed_at(pb, at, (old.w, old.h)), child_clip(pb));
        if rect.x == old.x && rect.y == old.y {
            return;
        }
        // Parents before children, as positions below read the parent's.
        for &at in subtree {
            let b = &self.boxes[at];
            let (rect, clip) = if at == id {
                (rect, clip)
            } else {
                let parent = b.parent.expect("a descendant has a parent");
                let clip = child_clip(&self.boxes[parent]);
                if b.flowed {
                    (offset(b.rel, self.boxes[self.island_root(at)].rect), clip)
                } else {
                    // At the x and y it was placed at: nothing it holds
                    // changed, or it is in the batch's translations and
                    // placed again from its properties after this.
                    (placed_at(&self.boxes[parent], b.at, (b.rect.w, b.rect.h)), clip)
                }
            };
            let before = std::mem::replace(&mut self.boxes[at].rect, rect);
            let clip_before = std::mem::replace(&mut self.boxes[at].clip, clip);
            self.moved(at, before, rect);
            // Whether the clip cut it is known from its place now where no
            // clip did before, or box and clip were exact.
            let from_exact = clip_before.is_none_or(|c| exact_rect(&before) && exact_rect(&c));
            self.sync_index(at, Reindex::Translated { from_exact });
            self.stats.translated += 1;
        }
    }
}

/// Where a parent that places its children at their `x` and `y` puts
/// one of the size given: the one statement of those sums, which a full
/// layout and a translation both make, so they agree to the bit.
fn placed_at(parent: &WidgetBox, (x, y): (f32, f32), (w, h): (f32, f32)) -> Rect {
    let content = parent.content();
    if parent.kind == WidgetKind::Tabs {
        return Rect::new(content.x + x, content.y + TAB_BAR_HEIGHT + y, w, h);
    }
    Rect::new(content.x + x, content.y + y, w, h)
}

fn offset(r: Rect, origin: Rect) -> Rect {
    Rect::new(origin.x + r.x, origin.y + r.y, r.w, r.h)
}

fn child_clip(parent: &WidgetBox) -> Option<Rect> {
    if parent.kind == WidgetKind::ScrollArea {
        let content = parent.content();
        Some(match parent.clip {
            Some(c) => intersect(c, content).unwrap_or(Rect::new(content.x, content.y, 0.0, 0.0)),
            None => content,
        })
    } else {
        parent.clip
    }
}

/// The overlap of two rectangles, if they overlap (touching counts).
pub(crate) fn intersect(a: Rect, b: Rect) -> Option<Rect> {
    let x = a.x.max(b.x);
    let y = a.y.max(b.y);
    let r = a.right().min(b.right());
    let bottom = a.bottom().min(b.bottom());
    (r >= x && bottom >= y).then(|| Rect::new(x, y, r - x, bottom - y))
}
