//! Update planning: from a batch of document changes to the least work that
//! makes the layout equal to a fresh one. Each change names the widgets it
//! touched; those widgets' islands are rebuilt, the subtrees whose size or
//! structure changed are laid out again from the highest box affected, and
//! a widget that only moved is translated with its subtree.

use foldhash::{HashSet, HashSetExt};

use trellis_model::{Change, Document, LayoutMode, PropKey, WidgetId, WidgetKind};

use super::{Geometry, UpdateStats};
use crate::measure;

/// How many translated widgets ahead of the one placed have their node and
/// properties fetched into the cache.
const TRANSLATIONS_AHEAD: usize = trellis_model::FETCH_AHEAD;

/// The most widgets an update's translation lists keep room for between
/// updates.
const SPARE_TRANSLATIONS: usize = 4096;

impl Geometry {
    /// Reads the document's changes since the last update and re-lays out
    /// only what they affect.
    pub fn update(&mut self, doc: &Document) -> UpdateStats {
        // One vector, kept from update to update (a drag updates every frame).
        let mut changes = std::mem::take(&mut self.change_buffer);
        self.changes.drain_into(&mut changes);
        self.stats = UpdateStats { changes: changes.len(), ..UpdateStats::default() };
        if changes.is_empty() {
            self.change_buffer = changes;
            return self.stats;
        }
        self.version += 1;
        if changes.iter().any(|c| matches!(c, Change::Reset)) || doc.root() != self.root {
            self.root = doc.root();
            self.rebuild(doc);
            self.stats.changes = changes.len();
            changes.clear();
            self.change_buffer = changes;
            return self.stats;
        }
        let mut touched: Vec<WidgetId> = Vec::new();
        let mut sibling_parents: HashSet<WidgetId> = HashSet::new();
        let mut new_islands: Vec<WidgetId> = Vec::new();
        // Kept from update to update, as the changes are: a drag's every
        // frame translates its widgets.
        let mut translations = std::mem::take(&mut self.spare_translations);
        translations.clear();
        for change in changes.drain(..) {
            match change {
                Change::Inserted { id, parent, .. } => {
                    sibling_parents.insert(parent);
                    if doc.contains(id) && !self.boxes.contains_key(id) {
                        self.add_subtree(doc, id, &mut new_islands);
                    }
                    touched.push(id);
                    if self.arranges_children(doc, parent) {
                        touched.push(parent);
                    }
                }
                Change::Removed { parent, subtree, .. } => {
                    sibling_parents.insert(parent);
                    self.remove_boxes(&subtree);
                    if self.arranges_children(doc, parent) {
                        touched.push(parent);
                    }
                }
                Change::Moved { id, from, to, .. } => {
                    sibling_parents.extend([from, to]);
                    self.remove_boxes(&doc.descendants(id));
                    if doc.contains(id) {
                        self.add_subtree(doc, id, &mut new_islands);
                    }
                    touched.push(id);
                    if self.arranges_children(doc, from) {
                        touched.push(from);
                    }
                    if self.arranges_children(doc, to) {
                        touched.push(to);
                    }
                }
                Change::Props { id, keys } => {
                    // Changes arrive in a batch; the document is already in its final state.
                    if !doc.contains(id) {
                        continue;
                    }
                    let Some(b) = self.boxes.get(id) else { continue };
                    b.natural.set(None);
                    let mut layout = false;
                    // Once, for x and y both: each translation is a walk of the subtree.
                    // A drag sets x and y as two changes in a row (`Command::SetPosition`).
                    if (keys.contains(PropKey::X) || keys.contains(PropKey::Y))
                        && !b.flowed
                        && b.parent.is_some()
                        && translations.last() != Some(&id)
                    {
                        translations.push(id);
                    }
                    for key in keys.iter() {
                        match key {
                            PropKey::X | PropKey::Y => {}
                            PropKey::Layout => {
                                // The children change role: rebuild the subtree's state.
                                self.remove_boxes(&doc.descendants(id));
                                self.add_subtree(doc, id, &mut new_islands);
                                sibling_parents.insert(id);
                                if let Some(parent) = doc.parent(id) {
                                    sibling_parents.insert(parent);
                                }
                                layout = true;
                                break;
                            }
                            k if affects_layout(b.kind, k) => layout = true,
                            _ => {}
                        }
                    }
                    if layout {
                        if let Some(node) = self.boxes[id].node {
                            let style = self.style_for(doc, id);
                            self.taffy.set_style(node, style).expect("the node exists");
                        }
                        let wrap = doc.widget(id).is_some_and(|w| w.flag(PropKey::Wrap));
                        self.boxes[id].wrap = wrap;
                        touched.push(id);
                    }
                }
                Change::Renamed { .. } => {}
                Change::Reset => unreachable!("handled above"),
            }
        }
        self.change_buffer = changes;
        self.update_child_indexes(doc, &sibling_parents);
        for p in sibling_parents {
            if self.boxes.contains_key(p) && doc.contains(p) {
                self.order_children(doc, p);
            }
        }
        // Islands whose membership may have changed are rebuilt in taffy.
        let mut islands: HashSet<WidgetId> =
            new_islands.into_iter().filter(|id| self.boxes.contains_key(*id)).collect();
        for t in &touched {
            if let Some(b) = self.boxes.get(*t)
                && (b.flowed || b.is_flex_container())
            {
                islands.insert(self.island_root(*t));
            }
        }
        for island in islands {
            self.build_island(doc, island);
        }
        for t in &touched {
            if self.boxes.contains_key(*t) {
                self.forget_measured_ancestors(doc, *t);
            }
        }
        if !touched.is_empty() {
            // A widget moved in a container whose size follows its
            // children changes what the container measures; a layout of
            // the touched widgets that takes that container in (and so
            // the move, below) would otherwise lay it out at its old
            // measure (a card in a row, its row moved in the same batch
            // as a label deleted elsewhere in the row's island).
            for id in &translations {
                if let Some(parent) = self.boxes.get(*id).and_then(|b| b.parent)
                    && size_follows_children(doc, parent)
                {
                    self.forget_measured_ancestors(doc, *id);
                }
            }
        }
        let mut roots: Vec<WidgetId> =
            touched.into_iter().filter(|t| self.boxes.contains_key(*t)).map(|t| self.relayout_root(doc, t)).collect();
        roots.sort_by_key(|r| self.boxes[*r].depth);
        roots.dedup();
        let mut done: HashSet<WidgetId> = HashSet::new();
        for r in roots {
            if !self.under_any(r, &done) {
                let (rect, clip) = self.placement(doc, r);
                self.place(doc, r, rect, clip);
                done.insert(r);
            }
        }
        // Moving most of the design (a select-all nudge) updates the
        // indexes once rather than moving each box in them. Each moved
        // subtree is walked once, here: the translations below reuse it.
        let share = self.boxes.len() / BULK_SHARE;
        let mut subtrees = std::mem::take(&mut self.spare_subtrees);
        subtrees.clear();
        subtrees.reserve(translations.len());
        // Subtrees are slices of the paint order, where it is kept (from
        // a nudge of everything to the next); else walked in the document,
        // until past a quarter of the design, where the order is made.
        let mut in_order = self.paint_order_valid;
        let mut order_tried = false;
        let mut moving = std::mem::take(&mut self.subtree);
        moving.clear();
        if !in_order {
            let mut stack = std::mem::take(&mut self.walk_stack);
            for id in &translations {
                let start = moving.len();
                doc.extend_subtree_in_paint_order(*id, &mut moving, &mut stack);
                subtrees.push(start..moving.len());
                if moving.len() > share && !order_tried {
                    // More than a quarter of the design moves: the paint
                    // order, which a translation this large makes for the
                    // next one, is made now and gives the subtrees.
                    // Walking them all first walked the document twice in
                    // the first nudge of everything after a change of the
                    // tree. Tried once: it fails only where a widget has
                    // no box yet.
                    order_tried = true;
                    self.make_paint_order(doc);
                    if self.paint_order_valid {
                        in_order = true;
                        break;
                    }
                }
            }
            self.walk_stack = stack;
        }
        self.stats.walked_in_document = moving.len();
        let total = if in_order {
            self.subtree = moving;
            moving = std::mem::take(&mut self.paint_order);
            subtrees.clear();
            let mut total = 0;
            for id in &translations {
                let (start, len) = self.boxes.get(*id).map_or((0, 0), |b| (b.order.0 as usize, b.order.1 as usize));
                subtrees.push(start..start + len);
                total += len;
            }
            total
        } else {
            moving.len()
        };
        self.bulk = total > share;
        self.bulk_moves = super::indexing::BulkMoves::None;
        self.bulk_seen.clear();
        self.bulk_unproven.clear();
        let bulk = self.bulk;
        for (k, (&id, subtree)) in translations.iter().zip(subtrees.drain(..)).enumerate() {
            // Each translated widget's x and y are read from the document:
            // a wait on memory for each of the 5,556 a nudge of everything
            // moves at 100,000 widgets, unless fetched ahead.
            if let Some(ahead) = translations.get(k + TRANSLATIONS_AHEAD) {
                doc.prefetch(*ahead);
            }
            if !self.boxes.contains_key(id) || self.under_any(id, &done) {
                continue;
            }
            let parent = self.boxes[id].parent.expect("placed widgets have a parent");
            // A wrapping label's width follows the room left right of it;
            // a tab page's child of unset width or height fills the page
            // less its offset.
            // Only then are its width and height read from the document (a
            // nudge of everything at 100,000 widgets waited on memory for
            // the properties of each of the 5,556 moved there).
            let (wraps, in_tabs) = (measure::wraps(self.boxes[id].kind), self.boxes[parent].kind == WidgetKind::Tabs);
            let size_follows_position = (wraps || in_tabs)
                && doc.widget(id).is_some_and(|w| {
                    let (width, height) = (w.length(PropKey::Width), w.length(PropKey::Height));
                    (wraps && width.is_none()) || (in_tabs && (width.is_none() || height.is_none()))
                });
            if self.boxes[id].clip.is_some() || size_follows_children(doc, parent) || size_follows_position {
                // Taffy's measures of the containers between it and the
                // root laid out again are forgotten: an island nested in
                // that root's (a card in a row) keeps its nodes, and a
                // button nudged in a group of unset size (the group in a
                // card's row, the card in a row) left the group its old
                // width.
                self.forget_measured_ancestors(doc, id);
                let r = self.relayout_root(doc, id);
                if self.boxes[r].is_flex_container() {
                    // Taffy remembers what it measured of the moved
                    // widget's container: its nodes are made again.
                    self.build_island(doc, r);
                }
                let (rect, clip) = self.placement(doc, r);
                self.place(doc, r, rect, clip);
                done.insert(r);
            } else {
                self.translate(doc, id, &moving[subtree]);
            }
        }
        if in_order {
            self.paint_order = moving;
        } else {
            self.subtree = moving;
        }
        // A nudge of everything's lists are let go; a drag's are kept.
        if translations.capacity() <= SPARE_TRANSLATIONS {
            self.spare_translations = translations;
        }
        if subtrees.capacity() <= SPARE_TRANSLATIONS {
            self.spare_subtrees = subtrees;
        }
        if bulk {
            self.bulk = false;
            self.refill_index(doc);
            if !self.paint_order_valid && !order_tried {
                // For the next nudge of everything.
                self.make_paint_order(doc);
            }
        }
        self.stats
    }

    /// Lays out the whole document from nothing.
    pub(super) fn rebuild(&mut self, doc: &Document) {
        self.taffy.clear();
        self.boxes.clear();
        let mut islands = Vec::new();
        self.add_subtree(doc, doc.root(), &mut islands);
        for island in islands {
            self.build_island(doc, island);
        }
        self.bulk = true;
        let (rect, clip) = self.placement(doc, self.root);
        self.place(doc, self.root, rect, clip);
        self.bulk = false;
        self.load_index(doc);
        // The list of widgets in paint order, which a nudge of everything
        // takes its moved subtrees from: made now, with the rest of the
        // design, rather than in the first such nudge (4 ms of it at
        // 100,000 widgets). A change of the tree drops it again.
        self.make_paint_order(doc);
        self.stats.full = true;
        self.damage = None;
        self.moved.clear();
    }

    /// Whether a child arriving or leaving moves the container's other
    /// children or changes its size. An absolute container of fixed size
    /// is unaffected, however many children it holds.
    fn arranges_children(&self, doc: &Document, id: WidgetId) -> bool {
        self.boxes.get(id).is_some_and(|b| b.is_flex_container() || b.kind == WidgetKind::Tabs)
            || size_follows_children(doc, id)
    }

    fn under_any(&self, id: WidgetId, set: &HashSet<WidgetId>) -> bool {
        let mut at = Some(id);
        while let Some(a) = at {
            if set.contains(&a) {
                return true;
            }
            at = self.boxes.get(a).and_then(|b| b.parent);
        }
        false
    }

    /// Marks dirty in taffy the nodes of the containers whose size follows
    /// their children's, from `id` up (those `relayout_root` climbs
    /// through): taffy keeps what it measured of each, and a content that
    /// changed below one (a child hidden in a card that is an item of a
    /// column) was otherwise laid out at its old size.
    fn forget_measured_ancestors(&mut self, doc: &Document, id: WidgetId) {
        let mut at = self.island_root(id);
        while let Some(parent) = self.boxes[at].parent {
            if !size_follows_children(doc, parent) {
                break;
            }
            if let Some(node) = self.boxes[parent].node {
                self.taffy.mark_dirty(node).expect("the node exists");
            }
            at = self.island_root(parent);
        }
    }

    /// The widget whose subtree must be laid out again when `id` changes
    /// size or structure.
    fn relayout_root(&self, doc: &Document, id: WidgetId) -> WidgetId {
        let mut at = self.island_root(id);
        while let Some(parent) = self.boxes[at].parent {
            if size_follows_children(doc, parent) {
                at = self.island_root(parent);
            } else {
                break;
            }
        }
        at
    }
}

/// A translation moving more than the boxes over this updates the
/// spatial indexes once, at the end, instead of moving each box in them.
/// A refill touches every box, so a small move is cheaper box by box; the
/// share is a choice, not a measured break-even (the nudge of everything
/// it was made for moves all of them).
const BULK_SHARE: usize = 4;

/// Whether changing a property can move or resize anything.
fn affects_layout(kind: WidgetKind, key: PropKey) -> bool {
    match key {
        PropKey::Fill
        | PropKey::TextColor
        | PropKey::BorderColor
        | PropKey::CornerRadius
        | PropKey::Opacity
        | PropKey::Enabled
        | PropKey::Tooltip
        | PropKey::Checked
        | PropKey::Value
        | PropKey::Min
        | PropKey::Max
        | PropKey::Step
        | PropKey::Image
        | PropKey::TextAlign => false,
        // A tab's selection shows another page; elsewhere it is content.
        PropKey::Selected => kind == WidgetKind::Tabs,
        _ => true,
    }
}

/// Whether the container's size depends on its children: it is
/// auto-sized (the window too: one of unset width took the width of a
/// deleted last child on), or it is a flex or grid item (whatever its
/// size, its content is its automatic minimum there, as in CSS).
fn size_follows_children(doc: &Document, id: WidgetId) -> bool {
    doc.widget(id).is_some_and(|w| {
        let flowed = w.parent().and_then(|p| doc.widget(p)).is_some_and(|p| p.layout() != LayoutMode::Absolute);
        w.length(PropKey::Width).is_none() || w.length(PropKey::Height).is_none() || flowed
    })
}
