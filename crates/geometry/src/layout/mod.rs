//! Layout: where every widget lands, kept up to date incrementally.
//!
//! Children of absolute containers (and of the window, and tab pages) are
//! *placed*: their rectangle is the parent's content origin plus their
//! `x`/`y`, so moving one translates its own subtree and nothing else.
//! Rows, columns and grids lay out their children through taffy: each such
//! container whose own box is placed is the root of an *island*, one taffy
//! computation covering it and every container nested in it by flex or
//! grid. A change inside an island re-lays out that island only.
//!
//! This file holds [`Geometry`], the per-widget [`WidgetBox`] it keeps and
//! the read-only questions about them. The work is split by concern:
//! `update` reads the change stream and decides what to lay out again;
//! `boxes` keeps one box per widget, in sibling order, as the tree changes;
//! `placement` turns parents' boxes into children's rectangles (absolute
//! placement, tab pages, scroll clipping); `islands` runs taffy over flex
//! and grid subtrees and remembers the results; `style` says what each
//! Trellis property means to taffy; `indexing` keeps the spatial index in
//! step with the boxes.

use foldhash::{HashMap, HashMapExt};
use std::fmt;
use std::sync::Arc;

use slotmap::SecondaryMap;
use taffy::prelude::{NodeId, TaffyTree};
use trellis_model::{Change, Document, LayoutMode, Rect, SlotAddresses, Subscription, WidgetId, WidgetKind};

use crate::measure::TextMeasurer;
use crate::spatial::{Entry, SpatialGrid};

mod boxes;
mod grid_cells;
mod indexing;
mod islands;
mod placement;
mod style;
mod update;

pub use grid_cells::grid_cells;
pub(crate) use placement::intersect;
pub use style::{CssDeclaration, css_border, css_px};

/// What the geometry knows of one widget.
#[derive(Clone, Debug)]
pub(crate) struct WidgetBox {
    pub(crate) parent: Option<WidgetId>,
    /// Order among siblings (the z-order: greater is on top). Keys have
    /// gaps, so removing a sibling changes no other key and inserting one
    /// labels only the newcomer; `UNORDERED` (in `boxes`) until labelled.
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
    /// For widgets placed at their `x` and `y` (children of absolute
    /// containers, tabs and the window): those, as last read for its
    /// placement. A translation of an ancestor places it again from them
    /// without reading the document (a cache miss a widget at 100,000).
    pub(crate) at: (f32, f32),
    /// Its place in `Geometry::paint_order` and its subtree's length there
    /// (while that is valid).
    pub(crate) order: (u32, u32),
    /// A leaf's size on one line, as its text measured (`None` until asked,
    /// and again after any of its properties changed): layout asks for it
    /// several times a pass, and it goes with the widget's box.
    pub(crate) natural: NaturalSize,
    /// An intrinsic size taffy would get wrong for this widget, which its
    /// taffy style then carries (`Intrinsic` in islands.rs).
    pub(crate) intrinsic: Option<islands::Intrinsic>,
}

/// What drawing reads of every widget's box ([`Geometry::drawn_boxes`]).
#[derive(Clone, Copy, Debug)]
pub struct DrawnBoxes<'a> {
    boxes: &'a SecondaryMap<WidgetId, WidgetBox>,
    /// Where each box is, for [`DrawnBoxes::prefetch`].
    at: Option<SlotAddresses>,
}

impl DrawnBoxes<'_> {
    /// [`Geometry::drawn_box`].
    pub fn get(&self, id: WidgetId) -> Option<DrawnBox> {
        self.boxes.get(id).map(WidgetBox::drawn)
    }

    /// Asks the processor to bring widget `id`'s box into the cache, for a
    /// [`DrawnBoxes::get`] of it soon after (a hint: nothing is read).
    pub fn prefetch(&self, id: WidgetId) {
        // By address: looking the box up would wait for it.
        if let Some(at) = &self.at {
            at.fetch(id, std::mem::size_of::<WidgetBox>());
        }
    }
}

// The display list reads boxes on two threads: a box that may not be
// shared (a `Cell` in it) fails the build here, not there.
const _: fn() = || {
    fn shared<T: Sync + Send>() {}
    shared::<DrawnBoxes<'static>>();
};

/// A leaf's measured size, kept with its box and filled in by layout
/// through a shared reference: a cell that threads may share, where a
/// `Cell` may not (the display list reads boxes on two threads to follow
/// a nudge of everything). Only layout, on one thread, writes it.
#[derive(Debug)]
pub(crate) struct NaturalSize(std::sync::atomic::AtomicU64);

impl NaturalSize {
    /// Not measured: both halves a NaN no measure makes.
    const UNKNOWN: u64 = u64::MAX;

    pub(crate) fn unknown() -> Self {
        Self(std::sync::atomic::AtomicU64::new(Self::UNKNOWN))
    }

    pub(crate) fn get(&self) -> Option<(f32, f32)> {
        let bits = self.0.load(std::sync::atomic::Ordering::Relaxed);
        (bits != Self::UNKNOWN).then(|| (f32::from_bits((bits >> 32) as u32), f32::from_bits(bits as u32)))
    }

    pub(crate) fn set(&self, size: Option<(f32, f32)>) {
        let bits = size.map_or(Self::UNKNOWN, |(w, h)| (u64::from(w.to_bits()) << 32) | u64::from(h.to_bits()));
        self.0.store(bits, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Clone for NaturalSize {
    fn clone(&self) -> Self {
        Self(std::sync::atomic::AtomicU64::new(self.0.load(std::sync::atomic::Ordering::Relaxed)))
    }
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

    /// What drawing reads of it ([`Geometry::drawn_box`]).
    fn drawn(&self) -> DrawnBox {
        let visible = match self.clip {
            None => Some(self.rect),
            Some(c) => intersect(self.rect, c),
        };
        DrawnBox { rect: self.rect, visible, hidden: self.hidden, has_parent: self.parent.is_some() }
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

/// Beyond this many damaged rectangles since the last
/// [`Geometry::take_damage`], they are kept as the one rectangle around them.
pub const MAX_DAMAGE_REGIONS: usize = 4096;

/// The most widgets one [`Geometry::prepare_bulk_moves`] lists: 0.7 to
/// 1.6 ms in a design of 100,000 widgets on a 2-core VM (16,384 took 1.1
/// to 1.9 ms), so that 100,000 take thirteen frames.
pub const PAINT_ORDER_WIDGETS_A_CALL: usize = 8_192;

/// Adds `r` to the damage, which past [`MAX_DAMAGE_REGIONS`] becomes the
/// one rectangle around it all (a nudge of everything at 100,000 widgets
/// wrote 200,000, 3 MB, a frame).
fn add_damage(d: &mut Vec<Rect>, r: Rect) {
    if d.len() >= MAX_DAMAGE_REGIONS {
        // Rectangles of no number (NaN) hold nothing.
        let all = Rect::around(d);
        d.clear();
        d.extend(all);
    }
    d.push(r);
}

/// A widget's box as drawing needs it ([`Geometry::drawn_box`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DrawnBox {
    /// The border box ([`Geometry::rect`]).
    pub rect: Rect,
    /// What scroll areas leave of it ([`Geometry::visible_rect`]).
    pub visible: Option<Rect>,
    /// Hidden, itself or by an ancestor ([`Geometry::is_hidden`]).
    pub hidden: bool,
    /// Not the root ([`Geometry::parent`] is some).
    pub has_parent: bool,
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
    /// Widgets of translated subtrees walked in the document: none when
    /// the paint order kept from one nudge of everything to the next gave
    /// them; otherwise up to a quarter of the design plus the subtree that
    /// crossed it, where the order is then made (unless a widget has no
    /// box).
    pub walked_in_document: usize,
    /// Taffy computations (one per island re-laid out).
    pub islands: usize,
    /// Islands whose layout came from the memo instead of taffy.
    pub memo_hits: usize,
    /// Whether everything was rebuilt (first layout, or after a reset).
    pub full: bool,
    /// Whether a move of everything moved the spatial indexes by arithmetic,
    /// reading only the items it could not prove moved exactly: every box
    /// translated once, by a distance that is a multiple of 1/8 pixel, and
    /// at most one in eight of them, or of the rectangles held, off the
    /// eighths or past 262,144 (README, "Layout and spatial queries").
    pub index_moved_by_arithmetic: bool,
}

/// The laid-out design and its spatial index: where every widget of one
/// [`Document`] is, and the hit tests, drop targets, marquee selection and
/// snapping a drag asks about it.
///
/// It follows one document through that document's change stream: call
/// [`Geometry::update`] after editing it, before asking anything. It never
/// edits the document, and answers for another document are meaningless.
pub struct Geometry {
    changes: Subscription,
    /// The changes one update reads, kept (empty) for the next.
    change_buffer: Vec<Change>,
    pub(crate) boxes: SecondaryMap<WidgetId, WidgetBox>,
    taffy: TaffyTree<WidgetId>,
    pub(crate) index: SpatialGrid,
    /// Indexes of the children of crowded containers (the window holding
    /// thousands of cards), for queries about one container's children.
    pub(crate) child_index: HashMap<WidgetId, SpatialGrid>,
    measurer: Arc<dyn TextMeasurer>,
    /// Island layouts by everything that determines them: designs repeat
    /// (cards, list rows, form rows), so most islands need no taffy run.
    memo: HashMap<Vec<u32>, islands::Remembered>,
    memo_enabled: bool,
    pub(crate) root: WidgetId,
    version: u64,
    stats: UpdateStats,
    /// During a full rebuild the index is bulk-loaded at the end, and
    /// after a translation of most boxes refilled or moved whole.
    bulk: bool,
    /// How the boxes indexed moved while `bulk` was on.
    bulk_moves: indexing::BulkMoves,
    /// The boxes indexed again during the bulk update under way.
    bulk_seen: crate::spatial::SlotSet,
    /// The boxes of the bulk update under way whose move is not proven
    /// exact: the indexes check those one by one.
    bulk_unproven: Vec<WidgetId>,
    /// Old and new rectangles of boxes that moved, resized or went away
    /// since [`Geometry::take_damage`]; `None` after a full rebuild.
    damage: Option<Vec<Rect>>,
    /// The widgets behind `damage` (moved or resized; removed ones are not
    /// listed, they have nothing left to draw).
    moved: Vec<WidgetId>,
    /// Lists handed back ([`Geometry::give_back`]), empty: what the next
    /// `take_damage` and `take_moved` leave in their place.
    spare_damage: Vec<Rect>,
    spare_moved: Vec<WidgetId>,
    /// An update's widgets to translate and their subtrees' spans, kept
    /// (empty) for the next while small.
    spare_translations: Vec<WidgetId>,
    spare_subtrees: Vec<std::ops::Range<usize>>,
    /// Scratch for a subtree's widgets, reused frame after frame.
    subtree: Vec<WidgetId>,
    /// Scratch for walking a subtree.
    walk_stack: Vec<WidgetId>,
    /// Every widget in paint order (the document's pre-order), each box
    /// knowing its place in it and its subtree's length, so that a
    /// subtree is a slice: made for a translation of more than a quarter
    /// of the design (a select-all nudge, whose walk of 100,000 widgets
    /// through the document was a quarter of its layout time), and
    /// dropped whenever a box is made or removed (`paint_order_valid`).
    paint_order: Vec<WidgetId>,
    paint_order_valid: bool,
    /// The paint order [`Geometry::prepare_bulk_moves`] is making, a
    /// slice a frame, or made last (it is not tried twice for one tree).
    paint_order_walk: Option<boxes::PaintOrderWalk>,
    /// Counts the changes of the tree (boxes made or removed): a walk of
    /// the paint order begun before the last is begun again. Not the
    /// document's revision, which every step of a drag changes.
    tree_changes: u64,
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
            change_buffer: Vec::new(),
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
            bulk_moves: indexing::BulkMoves::None,
            bulk_seen: crate::spatial::SlotSet::default(),
            bulk_unproven: Vec::new(),
            damage: Some(Vec::new()),
            moved: Vec::new(),
            spare_damage: Vec::new(),
            spare_moved: Vec::new(),
            spare_translations: Vec::new(),
            spare_subtrees: Vec::new(),
            subtree: Vec::new(),
            walk_stack: Vec::new(),
            paint_order: Vec::new(),
            paint_order_valid: false,
            paint_order_walk: None,
            tree_changes: 0,
        };
        geometry.rebuild(doc);
        geometry
    }

    /// Increments whenever the layout changes; caches compare it.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Makes ahead what a nudge of everything would otherwise make in its
    /// frame: the list of widgets in paint order that its translations
    /// take their subtrees from, which every change of the tree drops (4
    /// ms at 100,000 widgets, in the first nudge after a paste or an undo).
    /// For a frame with time to spare; `doc` must be the document the
    /// layout is up to date with. Each call lists at most
    /// [`PAINT_ORDER_WIDGETS_A_CALL`] widgets, and the list is the order
    /// once a call has listed the last (made in one call, it was 6 to 10
    /// ms of one frame at 100,000 widgets on a 2-core VM); a change of the
    /// tree between two calls begins it again (a widget inserted, deleted
    /// or moved among others; not a new place or property). Returns
    /// whether it did any work.
    pub fn prepare_bulk_moves(&mut self, doc: &Document) -> bool {
        if self.paint_order_valid {
            return false;
        }
        let tree = self.tree_changes;
        let mut walk = match self.paint_order_walk.take() {
            Some(walk) if walk.tree == tree => walk,
            earlier => boxes::PaintOrderWalk::begin(
                self.root,
                tree,
                earlier.map(boxes::PaintOrderWalk::into_order).unwrap_or_default(),
            ),
        };
        if walk.over {
            self.paint_order_walk = Some(walk);
            return false;
        }
        if self.walk_paint_order(doc, &mut walk, PAINT_ORDER_WIDGETS_A_CALL) {
            self.finish_paint_order(doc, &mut walk);
        }
        self.paint_order_walk = Some(walk);
        true
    }

    /// Whether a nudge of everything would take its moved subtrees from
    /// the paint order ([`Geometry::prepare_bulk_moves`]).
    pub fn ready_for_bulk_moves(&self) -> bool {
        self.paint_order_valid
    }

    /// What the last update did.
    pub fn last_update(&self) -> UpdateStats {
        self.stats
    }

    /// What drawing a widget needs of its box, read at once: following
    /// every item of a nudge of everything asked for each part apart, a
    /// lookup of the widget each.
    pub fn drawn_box(&self, id: WidgetId) -> Option<DrawnBox> {
        self.boxes.get(id).map(WidgetBox::drawn)
    }

    /// [`Geometry::drawn_box`] of every widget, through a reference that
    /// threads may share (the layout itself may not be: taffy's styles
    /// hold raw pointers).
    pub fn drawn_boxes(&self) -> DrawnBoxes<'_> {
        DrawnBoxes { boxes: &self.boxes, at: SlotAddresses::of_secondary(&self.boxes) }
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

    /// The widget's parent as laid out: the document's, once the layout is
    /// up to date; `None` for the root and for widgets not laid out. Read
    /// with its box, this costs no trip to the document's node (a cache
    /// miss a widget when following every item of a nudge of everything).
    pub fn parent(&self, id: WidgetId) -> Option<WidgetId> {
        self.boxes.get(id).and_then(|b| b.parent)
    }

    /// Whether the widget is hidden (itself, by an ancestor, or on a tab page not shown).
    pub fn is_hidden(&self, id: WidgetId) -> bool {
        self.boxes.get(id).is_none_or(|b| b.hidden)
    }

    /// Whether the widget is locked, itself or by an ancestor: locked
    /// widgets are drawn and laid out but cannot be selected. Unknown
    /// widgets count as locked.
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

    /// What this geometry measures text with.
    pub fn measurer(&self) -> &Arc<dyn TextMeasurer> {
        &self.measurer
    }

    /// Island layouts remembered by the memo: a live-object kind for leak
    /// checks (bounded by its capacity, so it must level off).
    pub fn memo_entries(&self) -> usize {
        self.memo.len()
    }

    /// For `trellis leakcheck --self-test` only: remembers a layout under a
    /// key no island will ever have again, as a memo that kept the entries of
    /// deleted widgets would. Never call it in a session.
    #[doc(hidden)]
    pub fn plant_memo_leak(&mut self) {
        let key = vec![u32::MAX, u32::MAX, self.memo.len() as u32];
        self.memo.insert(
            key,
            islands::Remembered { rels: vec![Rect::new(0.0, 0.0, 1.0, 1.0)], wrapped: false, intrinsics: Vec::new() },
        );
    }

    /// Whether no widget is laid out. The window is always laid out, so
    /// this is false for any geometry built from a document.
    pub fn is_empty(&self) -> bool {
        self.boxes.is_empty()
    }

    /// The regions whose pixels may have changed since the last call, in
    /// design coordinates: the old and new rectangles of every widget that
    /// moved, resized, appeared or went away, or, past
    /// [`MAX_DAMAGE_REGIONS`], one rectangle around them. `None` means
    /// everything (after a full layout).
    pub fn take_damage(&mut self) -> Option<Vec<Rect>> {
        // Sized as the last frame's, so that a gesture's frames allocate
        // once here rather than grow the vector step by step (or the list
        // handed back, where that has the room).
        let size = self.damage.as_ref().map_or(0, Vec::len);
        let next = if self.spare_damage.capacity() >= size {
            std::mem::take(&mut self.spare_damage)
        } else {
            Vec::with_capacity(size)
        };
        self.damage.replace(next)
    }

    /// The widgets whose rectangles changed since the last call (what a
    /// renderer must repaint). Empty after a full layout, where
    /// [`Geometry::take_damage`] says everything.
    pub fn take_moved(&mut self) -> Vec<WidgetId> {
        let size = self.moved.len();
        let next = if self.spare_moved.capacity() >= size {
            std::mem::take(&mut self.spare_moved)
        } else {
            Vec::with_capacity(size)
        };
        std::mem::replace(&mut self.moved, next)
    }

    /// Takes back lists [`Geometry::take_damage`] and
    /// [`Geometry::take_moved`] gave, once read: the next calls leave them
    /// (emptied) in their place, so that a drag's frames allocate neither.
    /// Lists of over 4,096 are let go (a nudge of everything fills them
    /// with 100,000 widgets once).
    pub fn give_back(&mut self, mut damage: Vec<Rect>, mut moved: Vec<WidgetId>) {
        const MAX_KEPT: usize = 4096;
        damage.clear();
        moved.clear();
        if damage.capacity() <= MAX_KEPT && damage.capacity() > self.spare_damage.capacity() {
            self.spare_damage = damage;
        }
        if moved.capacity() <= MAX_KEPT && moved.capacity() > self.spare_moved.capacity() {
            self.spare_moved = moved;
        }
    }

    fn moved(&mut self, id: WidgetId, old: Rect, new: Rect) {
        if let Some(d) = &mut self.damage {
            add_damage(d, old);
            add_damage(d, new);
            self.moved.push(id);
        }
    }
}
