//! Layout: where every widget lands, kept up to date incrementally.
//!
//! Children of absolute containers (and of the window, and tab pages) are
//! *placed*: their rectangle is the parent's content origin plus their
//! `x`/`y`, so moving one translates its own subtree and nothing else.
//! Rows, columns and grids lay out their children through taffy: each such
//! container whose own box is placed is the root of an *island*, one taffy
//! computation covering it and every container nested in it by flex or
//! grid. A change inside an island re-lays out that island only.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use slotmap::SecondaryMap;
use taffy::prelude::{
    AlignContent, AlignItems, AvailableSpace, Dimension, Display, FlexDirection, FlexWrap, GridPlacement,
    GridTemplateComponent, LengthPercentage, LengthPercentageAuto, Line, NodeId, Size, Style, TaffyTree, line, span,
};
use taffy::style::CheapCloneStr;
use trellis_model::{
    Align, Change, Document, Justify, LayoutMode, PropKey, PropValue, Rect, Subscription, Track, WidgetId, WidgetKind,
};

use crate::measure::{self, TAB_BAR_HEIGHT, TextMeasurer, natural_size};
use crate::spatial::{Entry, SpatialGrid};

/// Most island layouts remembered; the memo starts over when full.
const MEMO_CAPACITY: usize = 16_384;

/// The properties [`Geometry::style_for`] gives taffy.
const TAFFY_KEYS: &[PropKey] = &[
    PropKey::Width,
    PropKey::Height,
    PropKey::MinWidth,
    PropKey::MinHeight,
    PropKey::MaxWidth,
    PropKey::MaxHeight,
    PropKey::Gap,
    PropKey::Padding,
    PropKey::BorderWidth,
    PropKey::AlignItems,
    PropKey::JustifyContent,
    PropKey::Wrap,
    PropKey::GridColumns,
    PropKey::GridRows,
    PropKey::Grow,
    PropKey::Shrink,
    PropKey::AlignSelf,
    PropKey::GridColumn,
    PropKey::GridRow,
    PropKey::ColumnSpan,
    PropKey::RowSpan,
    PropKey::Visible,
];

fn encode(v: &PropValue, key: &mut Vec<u32>) {
    match v {
        PropValue::Number(n) => key.push(n.to_bits()),
        PropValue::Int(i) => key.push(*i as u32),
        PropValue::Bool(b) => key.push(u32::from(*b)),
        PropValue::Layout(l) => key.push(*l as u32),
        PropValue::Align(a) => key.push(*a as u32),
        PropValue::Justify(j) => key.push(*j as u32),
        PropValue::Tracks(tracks) => {
            key.push(tracks.len() as u32);
            for t in tracks {
                match t {
                    Track::Px(v) => key.extend([1, v.to_bits()]),
                    Track::Fr(v) => key.extend([2, v.to_bits()]),
                    Track::Auto => key.push(3),
                }
            }
        }
        PropValue::Color(_) | PropValue::Text(_) | PropValue::Items(_) => {}
    }
}

fn offset(r: Rect, origin: Rect) -> Rect {
    Rect::new(origin.x + r.x, origin.y + r.y, r.w, r.h)
}

/// The spacing of fresh order keys: room for many inserts between two siblings.
const Z_GAP: u64 = 1 << 24;
/// The order key of a widget not yet placed among its siblings.
const UNORDERED: u64 = u64::MAX;

/// Containers with more children than this get an index of their own.
const CROWDED: usize = 64;

/// What the geometry knows of one widget.
#[derive(Clone, Debug)]
pub(crate) struct WidgetBox {
    pub(crate) parent: Option<WidgetId>,
    /// Order among siblings (the z-order: greater is on top). Keys have
    /// gaps, so removing a sibling changes no other key and inserting one
    /// labels only the newcomer; [`UNORDERED`] until labelled.
    pub(crate) z: u64,
    pub(crate) depth: u16,
    pub(crate) kind: WidgetKind,
    pub(crate) layout: LayoutMode,
    pub(crate) wrap: bool,
    /// Laid out by its parent's flex or grid layout (it has a taffy node).
    pub(crate) flowed: bool,
    pub(crate) node: Option<NodeId>,
    /// The border box, in design coordinates.
    pub(crate) rect: Rect,
    /// Padding plus border: the offset of the content box.
    pub(crate) inset: f32,
    /// The region scroll-area ancestors leave visible (`None`: unclipped).
    pub(crate) clip: Option<Rect>,
    /// Hidden itself, under a hidden ancestor, or on a tab page not shown.
    pub(crate) hidden: bool,
    /// Locked itself or under a locked ancestor.
    pub(crate) locked: bool,
    /// The rectangle the spatial index holds for it (its visible part).
    pub(crate) indexed: Option<Rect>,
    /// For island members: the box relative to the island root's origin, as
    /// the island computation gave it (a translation reuses it exactly).
    pub(crate) rel: Rect,
}

impl WidgetBox {
    fn is_flex_container(&self) -> bool {
        self.kind.is_container() && self.kind != WidgetKind::Tabs && self.layout != LayoutMode::Absolute
    }

    pub(crate) fn entry(&self, id: WidgetId) -> Entry {
        Entry {
            id,
            parent: self.parent,
            depth: self.depth,
            z: self.z,
            selectable: !self.hidden && !self.locked,
            hidden: self.hidden,
            clipped: self.clip.is_some_and(|c| intersect(self.rect, c) != Some(self.rect)),
            container: self.kind.is_container(),
        }
    }

    pub(crate) fn content(&self) -> Rect {
        let r = self.rect;
        Rect::new(
            r.x + self.inset,
            r.y + self.inset,
            (r.w - 2.0 * self.inset).max(0.0),
            (r.h - 2.0 * self.inset).max(0.0),
        )
    }
}

/// What one [`Geometry::update`] did, for tests and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpdateStats {
    /// Model changes read.
    pub changes: usize,
    /// Widgets whose rectangle was computed again.
    pub relaid_out: usize,
    /// Widgets moved by a translation of their subtree.
    pub translated: usize,
    /// Taffy computations (one per island re-laid out).
    pub islands: usize,
    /// Islands whose layout came from the memo instead of taffy.
    pub memo_hits: usize,
    /// Whether everything was rebuilt (first layout, or after a reset).
    pub full: bool,
}

/// The laid-out design and its spatial index.
pub struct Geometry {
    changes: Subscription,
    pub(crate) boxes: SecondaryMap<WidgetId, WidgetBox>,
    taffy: TaffyTree<WidgetId>,
    pub(crate) index: SpatialGrid,
    /// Indexes of the children of crowded containers (the window holding
    /// thousands of cards), for queries about one container's children.
    pub(crate) child_index: HashMap<WidgetId, SpatialGrid>,
    measurer: Arc<dyn TextMeasurer>,
    /// Island layouts by everything that determines them: designs repeat
    /// (cards, list rows, form rows), so most islands need no taffy run.
    memo: HashMap<Vec<u32>, Vec<Rect>>,
    memo_enabled: bool,
    pub(crate) root: WidgetId,
    version: u64,
    stats: UpdateStats,
    /// During a full rebuild the index is bulk-loaded at the end.
    bulk: bool,
    /// Old and new rectangles of boxes that moved, resized or went away
    /// since [`Geometry::take_damage`]; `None` after a full rebuild.
    damage: Option<Vec<Rect>>,
    /// The widgets behind `damage` (moved or resized; removed ones are not
    /// listed, they have nothing left to draw).
    moved: Vec<WidgetId>,
}

impl fmt::Debug for Geometry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Geometry")
            .field("widgets", &self.boxes.len())
            .field("indexed", &self.index.len())
            .field("version", &self.version)
            .finish()
    }
}

impl Geometry {
    /// Lays out `doc` and subscribes to its changes.
    pub fn new(doc: &Document, measurer: Arc<dyn TextMeasurer>) -> Self {
        Self::with_memo(doc, measurer, true)
    }

    /// Like [`Geometry::new`], but every island is computed by taffy: the
    /// reference that tests and benchmarks compare the memo against.
    pub fn without_memo(doc: &Document, measurer: Arc<dyn TextMeasurer>) -> Self {
        Self::with_memo(doc, measurer, false)
    }

    fn with_memo(doc: &Document, measurer: Arc<dyn TextMeasurer>, memo_enabled: bool) -> Self {
        let mut taffy = TaffyTree::new();
        taffy.disable_rounding();
        let mut geometry = Self {
            changes: doc.subscribe(),
            boxes: SecondaryMap::new(),
            taffy,
            index: SpatialGrid::new(Rect::new(0.0, 0.0, 1.0, 1.0), 1),
            child_index: HashMap::new(),
            measurer,
            memo: HashMap::new(),
            memo_enabled,
            root: doc.root(),
            version: 0,
            stats: UpdateStats::default(),
            bulk: false,
            damage: Some(Vec::new()),
            moved: Vec::new(),
        };
        geometry.rebuild(doc);
        geometry
    }

    /// Increments whenever the layout changes; caches compare it.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// What the last update did.
    pub fn last_update(&self) -> UpdateStats {
        self.stats
    }

    /// The border box of a widget in design coordinates.
    pub fn rect(&self, id: WidgetId) -> Option<Rect> {
        self.boxes.get(id).map(|b| b.rect)
    }

    /// The content box (inside padding and border) of a widget.
    pub fn content_rect(&self, id: WidgetId) -> Option<Rect> {
        self.boxes.get(id).map(WidgetBox::content)
    }

    /// The part of a widget that scroll areas leave visible; `None` when
    /// it is entirely clipped away or unknown.
    pub fn visible_rect(&self, id: WidgetId) -> Option<Rect> {
        let b = self.boxes.get(id)?;
        match b.clip {
            None => Some(b.rect),
            Some(c) => intersect(b.rect, c),
        }
    }

    /// Whether the widget is hidden (itself, by an ancestor, or on a tab page not shown).
    pub fn is_hidden(&self, id: WidgetId) -> bool {
        self.boxes.get(id).is_none_or(|b| b.hidden)
    }

    pub fn is_locked(&self, id: WidgetId) -> bool {
        self.boxes.get(id).is_none_or(|b| b.locked)
    }

    /// The window's rectangle: the whole design.
    pub fn bounds(&self) -> Rect {
        self.boxes[self.root].rect
    }

    /// Widgets laid out (the window included).
    pub fn len(&self) -> usize {
        self.boxes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.boxes.is_empty()
    }

    /// Reads the document's changes since the last update and re-lays out
    /// only what they affect.
    pub fn update(&mut self, doc: &Document) -> UpdateStats {
        let changes = self.changes.drain();
        self.stats = UpdateStats { changes: changes.len(), ..UpdateStats::default() };
        if changes.is_empty() {
            return self.stats;
        }
        self.version += 1;
        if changes.iter().any(|c| matches!(c, Change::Reset)) || doc.root() != self.root {
            self.root = doc.root();
            self.rebuild(doc);
            self.stats.changes = changes.len();
            return self.stats;
        }
        let mut touched: Vec<WidgetId> = Vec::new();
        let mut sibling_parents: HashSet<WidgetId> = HashSet::new();
        let mut new_islands: Vec<WidgetId> = Vec::new();
        let mut translations: Vec<WidgetId> = Vec::new();
        for change in changes {
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
                    let mut layout = false;
                    for key in keys {
                        match key {
                            PropKey::X | PropKey::Y if !b.flowed && b.parent.is_some() => translations.push(id),
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
        for p in &sibling_parents {
            let crowded = doc.contains(*p) && doc.children(*p).len() > CROWDED;
            match (crowded, self.child_index.contains_key(p)) {
                (true, false) => self.index_children(doc, *p),
                (false, true) if doc.children(*p).len() <= CROWDED / 2 || !doc.contains(*p) => {
                    self.child_index.remove(p);
                }
                _ => {}
            }
        }
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
        for id in translations {
            if !self.boxes.contains_key(id) || self.under_any(id, &done) {
                continue;
            }
            let parent = self.boxes[id].parent.expect("placed widgets have a parent");
            if self.boxes[id].clip.is_some() || size_follows_children(doc, parent) {
                let r = self.relayout_root(doc, id);
                let (rect, clip) = self.placement(doc, r);
                self.place(doc, r, rect, clip);
                done.insert(r);
            } else {
                self.translate(doc, id);
            }
        }
        self.stats
    }

    /// Whether a child arriving or leaving moves the container's other
    /// children or changes its size. An absolute container of fixed size
    /// is unaffected, however many children it holds.
    fn arranges_children(&self, doc: &Document, id: WidgetId) -> bool {
        self.boxes.get(id).is_some_and(|b| b.is_flex_container() || b.kind == WidgetKind::Tabs)
            || size_follows_children(doc, id)
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

    fn rebuild(&mut self, doc: &Document) {
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
        // Size the grid for the design now that its extent is known.
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
        self.stats.full = true;
        self.damage = None;
        self.moved.clear();
    }

    /// The regions whose pixels may have changed since the last call, in
    /// design coordinates: the old and new rectangles of every widget that
    /// moved, resized, appeared or went away. `None` means everything (after
    /// a full layout).
    pub fn take_damage(&mut self) -> Option<Vec<Rect>> {
        self.damage.replace(Vec::new())
    }

    /// The widgets whose rectangles changed since the last call (what a
    /// renderer must repaint). Empty after a full layout, where
    /// [`Geometry::take_damage`] says everything.
    pub fn take_moved(&mut self) -> Vec<WidgetId> {
        std::mem::take(&mut self.moved)
    }

    fn moved(&mut self, id: WidgetId, old: Rect, new: Rect) {
        if let Some(d) = &mut self.damage {
            d.push(old);
            d.push(new);
            self.moved.push(id);
        }
    }

    /// Creates boxes for the subtree at `id` (its parent's box exists),
    /// listing the island roots in it.
    fn add_subtree(&mut self, doc: &Document, id: WidgetId, islands: &mut Vec<WidgetId>) {
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
    fn order_children(&mut self, doc: &Document, parent: WidgetId) {
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
                    self.sync_index(*c);
                }
                return;
            }
            for (n, c) in children[i..j].iter().enumerate() {
                if let Some(b) = self.boxes.get_mut(*c) {
                    b.z = prev + step * (n as u64 + 1);
                }
                self.sync_index(*c);
            }
            prev += step * (j - i) as u64;
            i = j;
        }
    }

    fn remove_boxes(&mut self, ids: &[WidgetId]) {
        for id in ids {
            if let Some(b) = self.boxes.remove(*id) {
                if let Some(d) = &mut self.damage {
                    d.push(b.rect);
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

    /// The island (flex or grid layout) root that lays out `id`.
    fn island_root(&self, id: WidgetId) -> WidgetId {
        let mut at = id;
        loop {
            let b = &self.boxes[at];
            if b.flowed {
                at = b.parent.expect("a flowed widget has a parent");
            } else {
                return at;
            }
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

    /// Rebuilds the taffy nodes of the island rooted at `root`.
    fn build_island(&mut self, doc: &Document, root: WidgetId) {
        // Drop the old nodes of every member.
        let mut stack = vec![root];
        while let Some(at) = stack.pop() {
            let Some(b) = self.boxes.get_mut(at) else { continue };
            if let Some(node) = b.node.take() {
                let _ = self.taffy.remove(node);
            }
            if b.is_flex_container() {
                stack.extend(doc.children(at).iter().copied());
            }
        }
        // Nodes are made again when the island is next computed (if the
        // memo cannot answer for it).
    }

    fn ensure_nodes(&mut self, doc: &Document, root: WidgetId) -> NodeId {
        match self.boxes[root].node {
            Some(node) => node,
            None => self.create_node(doc, root),
        }
    }

    fn create_node(&mut self, doc: &Document, id: WidgetId) -> NodeId {
        let style = self.style_for(doc, id);
        let node = if self.boxes[id].is_flex_container() {
            let children: Vec<NodeId> = doc.children(id).iter().map(|c| self.create_node(doc, *c)).collect();
            self.taffy.new_with_children(style, &children).expect("taffy accepts new nodes")
        } else {
            self.taffy.new_leaf_with_context(style, id).expect("taffy accepts new nodes")
        };
        self.boxes[id].node = Some(node);
        node
    }

    fn style_for(&self, doc: &Document, id: WidgetId) -> Style {
        let w = doc.widget(id).expect("styled widgets are in the document");
        let b = &self.boxes[id];
        let mut s = Style::default();
        let dim = |v: Option<f32>| v.map_or(Dimension::auto(), Dimension::length);
        let lpa = |v: Option<f32>| v.map_or(LengthPercentageAuto::auto(), LengthPercentageAuto::length);
        s.size = Size { width: dim(w.length(PropKey::Width)), height: dim(w.length(PropKey::Height)) };
        s.min_size = Size { width: lpa(w.length(PropKey::MinWidth)), height: lpa(w.length(PropKey::MinHeight)) };
        s.max_size = Size { width: lpa(w.length(PropKey::MaxWidth)), height: lpa(w.length(PropKey::MaxHeight)) };
        if b.flowed {
            s.flex_grow = w.number(PropKey::Grow);
            s.flex_shrink = w.number(PropKey::Shrink);
            s.align_self = align_items(w.align(PropKey::AlignSelf));
            let placement = |start: i32, cells: i32| Line::<GridPlacement> {
                start: if start > 0 { line(start as i16) } else { GridPlacement::Auto },
                end: span(cells.max(1) as u16),
            };
            s.grid_column = placement(w.int(PropKey::GridColumn), w.int(PropKey::ColumnSpan));
            s.grid_row = placement(w.int(PropKey::GridRow), w.int(PropKey::RowSpan));
            if !w.flag(PropKey::Visible) {
                s.display = Display::None;
                return s;
            }
        }
        if b.is_flex_container() {
            let gap = LengthPercentage::length(w.number(PropKey::Gap));
            let padding = LengthPercentage::length(w.number(PropKey::Padding));
            let border = LengthPercentage::length(w.number(PropKey::BorderWidth));
            s.gap = Size { width: gap, height: gap };
            s.padding = taffy::Rect { left: padding, right: padding, top: padding, bottom: padding };
            s.border = taffy::Rect { left: border, right: border, top: border, bottom: border };
            s.align_items = align_items(w.align(PropKey::AlignItems)).unwrap_or(AlignItems::STRETCH);
            s.justify_content = justify(w.justify());
            match b.layout {
                LayoutMode::Grid => {
                    s.display = Display::Grid;
                    s.grid_template_columns = tracks(w.tracks(PropKey::GridColumns));
                    s.grid_template_rows = tracks(w.tracks(PropKey::GridRows));
                    // Items in a grid cell fill it horizontally unless told otherwise.
                    s.justify_items = AlignItems::STRETCH;
                    // Rows are sized to content and packed at the top, as a form
                    // expects; an `fr` row template stretches them instead.
                    s.align_content = AlignContent::FLEX_START;
                }
                mode => {
                    s.display = Display::Flex;
                    s.flex_direction = if mode == LayoutMode::Row { FlexDirection::Row } else { FlexDirection::Column };
                    s.flex_wrap = if w.flag(PropKey::Wrap) { FlexWrap::Wrap } else { FlexWrap::NoWrap };
                    s.align_content = AlignContent::FLEX_START;
                }
            }
        }
        s
    }

    /// Where the parent puts `id`: its border box and inherited clip.
    fn placement(&mut self, doc: &Document, id: WidgetId) -> (Rect, Option<Rect>) {
        let w = doc.widget(id).expect("placed widgets are in the document");
        let Some(parent) = w.parent() else {
            let (width, height) = self.own_size(doc, id);
            return (Rect::new(0.0, 0.0, width, height), None);
        };
        let pb = &self.boxes[parent];
        let clip = child_clip(pb);
        if pb.is_flex_container() {
            // Flowed: its island root placed it already.
            return (self.boxes[id].rect, clip);
        }
        let content = pb.content();
        let (x, y) = (w.number(PropKey::X), w.number(PropKey::Y));
        if pb.kind == WidgetKind::Tabs {
            let page =
                Rect::new(content.x, content.y + TAB_BAR_HEIGHT, content.w, (content.h - TAB_BAR_HEIGHT).max(0.0));
            let size = measure::clamp_size(
                &w,
                (w.length(PropKey::Width).unwrap_or(page.w - x), w.length(PropKey::Height).unwrap_or(page.h - y)),
            );
            return (Rect::new(page.x + x, page.y + y, size.0.max(0.0), size.1.max(0.0)), clip);
        }
        let (width, height) = self.own_size(doc, id);
        (Rect::new(content.x + x, content.y + y, width, height), clip)
    }

    /// Where the parent puts a placed widget whose size is already known.
    fn placement_at(&mut self, doc: &Document, id: WidgetId, size: (f32, f32)) -> (Rect, Option<Rect>) {
        let w = doc.widget(id).expect("placed widgets are in the document");
        let parent = w.parent().expect("placed widgets have a parent");
        let pb = &self.boxes[parent];
        let clip = child_clip(pb);
        let content = pb.content();
        let (x, y) = (w.number(PropKey::X), w.number(PropKey::Y));
        if pb.kind == WidgetKind::Tabs {
            return (Rect::new(content.x + x, content.y + TAB_BAR_HEIGHT + y, size.0, size.1), clip);
        }
        (Rect::new(content.x + x, content.y + y, size.0, size.1), clip)
    }

    /// The size of a placed widget: explicit, or its content's.
    fn own_size(&mut self, doc: &Document, id: WidgetId) -> (f32, f32) {
        let w = doc.widget(id).expect("sized widgets are in the document");
        let (ew, eh) = (w.length(PropKey::Width), w.length(PropKey::Height));
        if let (Some(width), Some(height)) = (ew, eh) {
            return measure::clamp_size(&w, (width, height));
        }
        if self.boxes[id].is_flex_container() && !self.boxes[id].flowed {
            // An island root sized by its content: ask taffy for max-content.
            let node = self.ensure_nodes(doc, id);
            let available = Size {
                width: ew.map_or(AvailableSpace::MaxContent, AvailableSpace::Definite),
                height: eh.map_or(AvailableSpace::MaxContent, AvailableSpace::Definite),
            };
            self.compute(doc, node, available);
            let l = self.taffy.layout(node).expect("laid out");
            return (l.size.width, l.size.height);
        }
        natural_size(doc, id, &*self.measurer)
    }

    fn compute(&mut self, doc: &Document, node: NodeId, available: Size<AvailableSpace>) {
        let measurer = &*self.measurer;
        self.taffy
            .compute_layout_with_measure(node, available, |inputs, _, context, style| {
                let id = context.map(|c| *c);
                taffy::compute_leaf_layout(
                    inputs,
                    style,
                    |_, _| 0.0,
                    |known, _| {
                        let natural = id.map_or((0.0, 0.0), |id| natural_size(doc, id, measurer));
                        Size { width: known.width.unwrap_or(natural.0), height: known.height.unwrap_or(natural.1) }
                    },
                )
            })
            .expect("taffy lays out its own nodes");
        self.stats.islands += 1;
    }

    /// Lays out the subtree at `id`, whose border box is `rect`.
    fn place(&mut self, doc: &Document, id: WidgetId, rect: Rect, clip: Option<Rect>) {
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
        b.clip = clip;
        if old != rect {
            self.moved(id, old, rect);
        }
        let b = &mut self.boxes[id];
        b.inset = measure::inset(&w);
        b.hidden = parent_hidden || page_hidden || !w.flag(PropKey::Visible);
        b.locked = parent_locked || w.flag(PropKey::Locked);
        self.sync_index(id);
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

    /// Lays out the island rooted at `root` (whose box is set): the
    /// rectangle of every member below the root, relative to the root's
    /// origin, in depth-first order.
    fn solve_island(&mut self, doc: &Document, root: WidgetId) -> Vec<(WidgetId, Rect)> {
        let origin = self.boxes[root].rect;
        let mut members: Vec<(WidgetId, usize)> = Vec::new();
        let mut key: Vec<u32> = vec![origin.w.to_bits(), origin.h.to_bits()];
        self.island_key(doc, root, usize::MAX, &mut members, &mut key);
        if self.memo_enabled
            && let Some(rels) = self.memo.get(&key)
        {
            self.stats.memo_hits += 1;
            return members[1..].iter().zip(rels).map(|((m, _), r)| (*m, *r)).collect();
        }
        let node = self.ensure_nodes(doc, root);
        let mut style = self.taffy.style(node).expect("the node exists").clone();
        style.size = Size { width: Dimension::length(origin.w), height: Dimension::length(origin.h) };
        self.taffy.set_style(node, style).expect("the node exists");
        self.compute(
            doc,
            node,
            Size { width: AvailableSpace::Definite(origin.w), height: AvailableSpace::Definite(origin.h) },
        );
        // Taffy places each node relative to its parent: accumulate from the root.
        let mut rels = vec![Rect::new(0.0, 0.0, origin.w, origin.h)];
        for (m, parent) in &members[1..] {
            let l = self.taffy.layout(self.boxes[*m].node.expect("members have nodes")).expect("laid out");
            let p = rels[*parent];
            rels.push(Rect::new(p.x + l.location.x, p.y + l.location.y, l.size.width, l.size.height));
        }
        let out = members[1..].iter().zip(&rels[1..]).map(|((m, _), r)| (*m, *r)).collect();
        if self.memo_enabled {
            if self.memo.len() >= MEMO_CAPACITY {
                self.memo.clear();
            }
            self.memo.insert(key, rels[1..].to_vec());
        }
        out
    }

    /// Everything taffy reads for an island, in a fixed order: equal keys
    /// give equal layouts. Lists the members with their parent's position.
    fn island_key(
        &self,
        doc: &Document,
        id: WidgetId,
        parent: usize,
        members: &mut Vec<(WidgetId, usize)>,
        key: &mut Vec<u32>,
    ) {
        let w = doc.widget(id).expect("members are in the document");
        let b = &self.boxes[id];
        members.push((id, parent));
        let me = members.len() - 1;
        key.extend([w.kind() as u32, b.layout as u32]);
        for (k, v) in w.props().iter() {
            if TAFFY_KEYS.contains(&k) {
                key.push(k as u32);
                encode(v, key);
            }
        }
        if b.is_flex_container() {
            key.push(u32::MAX - w.children().len() as u32);
            for c in w.children() {
                self.island_key(doc, *c, me, members, key);
            }
        } else {
            // A leaf's content reaches taffy only through its natural size.
            let (nw, nh) = natural_size(doc, id, &*self.measurer);
            key.extend([u32::MAX, nw.to_bits(), nh.to_bits()]);
        }
    }

    /// Moves the subtree at `id` to where its parent now puts it; nothing
    /// else is touched. Positions are recomputed with the same formulas a
    /// full layout uses (not shifted by a delta), so they match it exactly;
    /// sizes and island layouts are reused as they are.
    fn translate(&mut self, doc: &Document, id: WidgetId) {
        let old = self.boxes[id].rect;
        let (rect, clip) = self.placement(doc, id);
        if rect.x == old.x && rect.y == old.y {
            return;
        }
        for at in doc.descendants(id) {
            let b = &self.boxes[at];
            let (rect, clip) = if at == id {
                (Rect::new(rect.x, rect.y, old.w, old.h), clip)
            } else {
                let parent = b.parent.expect("a descendant has a parent");
                let clip = child_clip(&self.boxes[parent]);
                if b.flowed {
                    (offset(b.rel, self.boxes[self.island_root(at)].rect), clip)
                } else {
                    let size = (b.rect.w, b.rect.h);
                    let (r, _) = self.placement_at(doc, at, size);
                    (r, clip)
                }
            };
            let before = std::mem::replace(&mut self.boxes[at].rect, rect);
            self.boxes[at].clip = clip;
            self.moved(at, before, rect);
            self.sync_index(at);
            self.stats.translated += 1;
        }
    }

    /// Makes the spatial index hold the widget's visible rectangle and what
    /// queries need to know of it.
    fn sync_index(&mut self, id: WidgetId) {
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
}

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

/// Whether the container's size depends on its children (auto-sized).
fn size_follows_children(doc: &Document, id: WidgetId) -> bool {
    doc.widget(id).is_some_and(|w| {
        w.parent().is_some() && (w.length(PropKey::Width).is_none() || w.length(PropKey::Height).is_none())
    })
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

fn align_items(a: Align) -> Option<AlignItems> {
    match a {
        Align::Auto => None,
        Align::Start => Some(AlignItems::FLEX_START),
        Align::Center => Some(AlignItems::CENTER),
        Align::End => Some(AlignItems::FLEX_END),
        Align::Stretch => Some(AlignItems::STRETCH),
    }
}

fn justify(j: Justify) -> AlignContent {
    match j {
        Justify::Start => AlignContent::FLEX_START,
        Justify::Center => AlignContent::CENTER,
        Justify::End => AlignContent::FLEX_END,
        Justify::SpaceBetween => AlignContent::SPACE_BETWEEN,
        Justify::SpaceAround => AlignContent::SPACE_AROUND,
        Justify::SpaceEvenly => AlignContent::SPACE_EVENLY,
    }
}

fn tracks<S: CheapCloneStr>(tracks: &[Track]) -> Vec<GridTemplateComponent<S>> {
    tracks
        .iter()
        .map(|t| {
            GridTemplateComponent::Single(match t {
                Track::Px(v) => taffy::prelude::length(*v),
                Track::Fr(v) => taffy::prelude::fr(*v),
                Track::Auto => taffy::prelude::auto(),
            })
        })
        .collect()
}
