//! The design as a flat list of primitives, in paint order: what every
//! backend draws. Each widget kind has its own look, in a light and a dark
//! theme; widget properties (fill, colours, border, radius, font size,
//! opacity, enabled) override the theme.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::ops::Range;

use serde::Serialize;
use slotmap::SecondaryMap;
use trellis_geometry::{Geometry, Point};
use trellis_model::{Align, Color, Document, PropKey, Rect, WidgetId, WidgetKind, WidgetRef};

use trellis_model::Theme;

/// Horizontal placement of text in its box.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum TextAlign {
    /// Against the left edge.
    Start,
    /// Centred.
    Center,
    /// Against the right edge.
    End,
}

/// One thing to draw, in design coordinates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Primitive {
    /// A rounded rectangle with a fill and an optional border inside its edge.
    Rect {
        /// Where it is.
        rect: Rect,
        /// The corners' radius.
        radius: f32,
        /// The fill (may be transparent).
        fill: Color,
        /// The border's width and colour, if any.
        border: Option<(f32, Color)>,
    },
    /// The faint outline the canvas draws around a layout container or a
    /// scroll area whose design gives it no border and no fill (or a
    /// transparent one), to aim drops at: editor chrome, not part of the
    /// design. Drawn as a rectangle with no fill and this border, except
    /// where the border would be narrower than [`LAYOUT_GUIDE_MIN_PX`]
    /// device pixels (`layout_guide_shown`): zoomed that far out its ink is
    /// a few levels of a faint colour, and shading the empty inside of
    /// every container cost a software rasteriser about a fifth of a full
    /// redraw of 10,000 widgets zoomed to fit.
    LayoutGuide {
        /// Where it is.
        rect: Rect,
        /// The corners' radius.
        radius: f32,
        /// The outline's width, inside the edge.
        width: f32,
        /// Its colour.
        color: Color,
    },
    /// A soft shadow under a rounded rectangle.
    Shadow {
        /// The rectangle that casts it.
        rect: Rect,
        /// That rectangle's corner radius.
        radius: f32,
        /// How far past the rectangle the shadow fades out.
        blur: f32,
        /// The shadow's colour where it is darkest.
        color: Color,
    },
    /// A straight line with round ends.
    Line {
        /// One end.
        from: Point,
        /// The other end.
        to: Point,
        /// Its width.
        width: f32,
        /// Its colour.
        color: Color,
    },
    /// Text laid out in a box: one line unless `wrap`, centred vertically
    /// unless `top`.
    Text {
        /// The box; text outside it is cut off.
        rect: Rect,
        /// What it says.
        text: Box<str>,
        /// The font size, in design units.
        size: f32,
        /// The text's colour.
        color: Color,
        /// Where lines sit across the box.
        align: TextAlign,
        /// Lines wrap at the box's width (at words where they can).
        wrap: bool,
        /// Lines start at the box's top rather than centred in it.
        top: bool,
    },
    /// An image file (relative to the design file).
    Image {
        /// The box the image is stretched to fill.
        rect: Rect,
        /// The PNG file, relative to the renderer's `base_dir`.
        path: Box<str>,
        /// The image widget's name, for the warning when the file cannot
        /// be drawn.
        widget: Box<str>,
    },
}

/// The narrowest a [`Primitive::LayoutGuide`] is drawn, in device pixels.
pub const LAYOUT_GUIDE_MIN_PX: f32 = 0.25;

/// The zoom factor (device pixels per design unit: zoom times device
/// scale) below which a layout guide of `width` design units is not drawn.
/// Every backend compares the factor with this same value, so that they
/// agree at the threshold.
pub fn layout_guide_hidden_below(width: f32) -> f32 {
    LAYOUT_GUIDE_MIN_PX / width
}

/// Whether a layout guide of `width` design units is drawn at `factor`
/// device pixels per design unit: hidden only below, as the shader tests
/// it. (The guides the list makes are one unit wide; a width of 0 or NaN
/// would draw nothing on either backend.)
pub(crate) fn layout_guide_shown(width: f32, factor: f32) -> bool {
    let hidden = factor < layout_guide_hidden_below(width);
    !hidden
}

/// A widget's primitives and how they are composed.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// The widget drawn.
    #[serde(skip)]
    pub widget: WidgetId,
    /// What it draws, in paint order.
    pub primitives: Vec<Primitive>,
    /// The region scroll areas leave visible.
    pub clip: Option<Rect>,
    /// Multiplies the alpha of every primitive.
    pub opacity: f32,
    /// Everything the widget paints (its box, shadows, a knob or a track
    /// reaching past it), two units more: what a change redraws, and what
    /// an opaque shape must hold to hide it.
    pub bounds: Rect,
    /// The widget's box when the item was made (or last moved): a widget
    /// that only moved is moved by the difference (`DisplayList::follow`).
    #[serde(skip)]
    pub at: Rect,
    /// Which making of an item this is, unique in the process, kept by
    /// moves and clones: what the GPU renderer made instances from is this
    /// item moved `moves` times less, so that it can move them likewise.
    #[serde(skip)]
    pub(crate) made: u64,
    /// Moves since it was made.
    #[serde(skip)]
    pub(crate) moves: u32,
    /// How many of `primitives` are texts, counted when it was made: what
    /// the frames that count texts read instead of the primitives, which
    /// sit elsewhere on the heap (a cache miss an item: counting the
    /// 100,000 widgets of a view for the GPU renderer's cost estimate took
    /// 7 to 11 ms). Primitives changed by hand afterwards are not counted.
    #[serde(skip)]
    pub(crate) texts: u32,
}

impl Item {
    /// An item drawing nothing, holding a place while a splice rewrites
    /// the items around it.
    fn vacant() -> Self {
        Item {
            widget: WidgetId::default(),
            primitives: Vec::new(),
            clip: None,
            opacity: 0.0,
            bounds: Rect::default(),
            at: Rect::default(),
            made: 0,
            moves: 0,
            texts: 0,
        }
    }
}

/// Two items draw the same whenever they were made. Their counts of
/// texts are compared too: a list kept up to date edit by edit must count
/// them as one built afresh does.
impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        (self.widget, &self.primitives, self.clip, self.opacity, self.bounds, self.at, self.texts)
            == (other.widget, &other.primitives, other.clip, other.opacity, other.bounds, other.at, other.texts)
    }
}

/// How many of `primitives` are texts.
fn texts_among(primitives: &[Primitive]) -> u32 {
    primitives.iter().filter(|p| matches!(p, Primitive::Text { .. })).count() as u32
}

/// The next [`Item::made`].
fn next_made() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Item {
    /// How many of its primitives are texts, as counted when it was made
    /// (what the frames that charge texts read).
    pub fn texts(&self) -> u32 {
        self.texts
    }

    /// Moves everything the item paints to the box `to` (its clip is the
    /// caller's). Shapes that are the box itself land on it exactly; the
    /// others move by the difference, which rounds.
    pub(crate) fn translate(&mut self, to: Rect) {
        let (from, d) = (self.at, Point::new(to.x - self.at.x, to.y - self.at.y));
        let shift = |r: &mut Rect| {
            if *r == from {
                *r = to;
            } else {
                r.x += d.x;
                r.y += d.y;
            }
        };
        for p in &mut self.primitives {
            match p {
                Primitive::Rect { rect, .. }
                | Primitive::LayoutGuide { rect, .. }
                | Primitive::Shadow { rect, .. }
                | Primitive::Text { rect, .. }
                | Primitive::Image { rect, .. } => shift(rect),
                Primitive::Line { from, to, .. } => {
                    *from = Point::new(from.x + d.x, from.y + d.y);
                    *to = Point::new(to.x + d.x, to.y + d.y);
                }
            }
        }
        self.bounds.x += d.x;
        self.bounds.y += d.y;
        self.at = to;
        self.moves = self.moves.wrapping_add(1);
    }
}

/// How [`DisplayList::follow`] brought a moved widget's item up to date.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Followed {
    /// Moved by this much, design units, and otherwise as it was.
    Translated(Point),
    /// Made again (its size changed, or it shows otherwise), or shown or
    /// hidden by the move.
    Remade,
    /// Nothing of it is drawn, before or after (a hidden tab page, say):
    /// nothing to redraw.
    Unseen,
}

/// What [`DisplayList::follow_many`] did: the moves it followed as
/// translations, and the widgets left to [`DisplayList::follow`] one by one.
#[derive(Clone, Debug, Default)]
pub struct FollowedMany {
    /// Items translated.
    pub translated: usize,
    /// The distance the first translated item moved, and the extremes of
    /// the old bounds of those that moved by it (of every translated item
    /// unless `mixed`).
    pub shift: Option<(Point, trellis_model::Extremes)>,
    /// Whether any translated item moved by another distance.
    pub mixed: bool,
    /// The widgets left to [`DisplayList::follow`], in the order given:
    /// those whose items were not simply translated (resized, shown or
    /// hidden, not drawn, or not in the list), and, split in two, those
    /// whose item is in the other half of the list.
    pub rest: Vec<WidgetId>,
    /// The item the two threads split the list at, when they did.
    pub split_at: Option<usize>,
}

impl FollowedMany {
    /// Takes in a translation by `by` of an item whose bounds were `from`.
    fn translated(&mut self, by: Point, from: &Rect) {
        self.translated += 1;
        match &mut self.shift {
            None => {
                let mut extremes = trellis_model::Extremes::default();
                extremes.hold(from);
                self.shift = Some((by, extremes));
            }
            Some((d, extremes)) if *d == by => extremes.hold(from),
            Some(_) => self.mixed = true,
        }
    }

    /// Takes in what another part of the list followed (items after
    /// this one's).
    fn merge(&mut self, other: &FollowedMany) {
        self.translated += other.translated;
        self.mixed |= other.mixed;
        match (&mut self.shift, other.shift) {
            (_, None) => {}
            (None, shift) => self.shift = shift,
            (Some((d, extremes)), Some((by, theirs))) if *d == by => extremes.hold_all(&theirs),
            (Some(_), Some(_)) => self.mixed = true,
        }
    }
}

/// From how many moved widgets the canvas has [`DisplayList::follow_many`]
/// follow them on two threads: a thread costs tens of microseconds to
/// start, and following is about 40 ns a widget (a nudge of everything at
/// 100,000 widgets took 4 to 5 ms on one thread, waiting on memory; 2.5 to
/// 3 on two).
pub const FOLLOW_ON_TWO_THREADS: usize = 16_384;

/// How many widgets ahead of the one followed have their item, its
/// primitives and their box fetched into the cache (in
/// [`DisplayList::follow_many`]); the item twice as far ahead, so that
/// finding the primitives reads an item already fetched. Following a
/// nudge of everything at 100,000 widgets waited on memory at its first
/// read of each item's primitives: fetched 8 ahead, the phase took 4.0 to
/// 4.2 ms instead of 5.6 to 5.9 (16 ahead measured the same as 8).
const PREFETCH_AHEAD: usize = trellis_model::FETCH_AHEAD;

/// Past this many regions, a part of [`DisplayList::follow_many`] keeps
/// them as the one rectangle around them, as the canvas does.
const MAX_FOLLOWED_REGIONS: usize = 2 * trellis_geometry::MAX_DAMAGE_REGIONS;

/// The whole design, in paint order.
#[derive(Clone, Debug, Default)]
pub struct DisplayList {
    /// Every visible widget's item, in paint order. Read it; change it only
    /// through [`DisplayList::patch`] and [`DisplayList::rebuild`], which
    /// record what changed: the GPU backend would not see an edit made here.
    pub items: Vec<Item>,
    index: SecondaryMap<WidgetId, usize>,
    /// Which build this list is: a new one means every item changed.
    epoch: u64,
    /// Which structure (order and membership of items) this is: a new one
    /// within the same build means items moved in paint order, came or
    /// went, and those made again are in `changed`; the others are as
    /// they were, wherever they now are.
    revision: u64,
    /// Items patched since the last `take_changed`.
    changed: Vec<usize>,
    /// Each item's depth in the widget tree (the root's is 0): a widget's
    /// subtree is the run of items after its own that are deeper, which is
    /// how a change of the tree finds what to cut without walking it.
    depths: Vec<u32>,
    /// Items drawn whose parent is not (a widget scrolled out of view, its
    /// child reaching into view): the run of deeper items after an item
    /// then takes in such a child, which is not in its subtree, and a
    /// change of the tree is merged rather than spliced while any is.
    orphans: usize,
    /// The items from the first a splice changes to the last, moved out
    /// while they are put back together in place (kept while small, so
    /// that such a splice allocates nothing).
    spare_window: Vec<(Item, u32)>,
    /// What [`DisplayList::follow_many`] gathers on one thread, kept
    /// between calls while small: a drag follows its widgets every frame,
    /// and made afresh each time these cost a drag frame five allocations.
    spare_follow: FollowedPart,
}

/// The most items [`DisplayList::spare_window`] keeps room for between
/// splices: a move from one end of the list to the other moves them all.
const MAX_SPARE_WINDOW: usize = 4096;

/// A subtree's new items, to insert in the list.
struct InsertedRun {
    /// Before the old item at this index.
    at: usize,
    /// The depth of its root: at one place, deeper runs come first (they
    /// end a subtree the shallower ones follow).
    depth: u32,
    /// Its root's place among its siblings.
    order: usize,
    /// The items and their depths, in paint order.
    items: Vec<(Item, u32)>,
}

/// Tells builds apart, across every list in the process.
static EPOCHS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_epoch() -> u64 {
    EPOCHS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl DisplayList {
    /// Builds the list of every visible widget, in paint order.
    pub fn build(doc: &Document, geometry: &Geometry, theme: &Theme) -> Self {
        let mut list = DisplayList { epoch: next_epoch(), ..DisplayList::default() };
        walk(doc, doc.root(), 0, |w, depth| {
            if let Some(item) = item(doc, geometry, theme, w) {
                if w.parent().is_some_and(|p| !list.index.contains_key(p)) {
                    list.orphans += 1;
                }
                list.index.insert(w.id(), list.items.len());
                list.items.push(item);
                list.depths.push(depth);
            }
        });
        list
    }

    /// Rebuilds one widget's primitives in place (a move, a restyle);
    /// returns the regions to redraw (old and new bounds), or `None` when
    /// the widget's place in the list changed and the list must be rebuilt.
    pub fn patch(&mut self, doc: &Document, geometry: &Geometry, theme: &Theme, id: WidgetId) -> Option<Vec<Rect>> {
        let mut regions = Vec::new();
        self.patch_into(doc, geometry, theme, id, &mut regions).then_some(regions)
    }

    /// [`DisplayList::patch`], adding the regions to redraw to `regions`;
    /// `false` when the list must be rebuilt.
    pub fn patch_into(
        &mut self,
        doc: &Document,
        geometry: &Geometry,
        theme: &Theme,
        id: WidgetId,
        regions: &mut Vec<Rect>,
    ) -> bool {
        let w = doc.widget(id);
        let fresh = w.as_ref().and_then(|w| item(doc, geometry, theme, w));
        match (self.index.get(id).copied(), fresh) {
            (Some(i), Some(new)) => {
                let old = std::mem::replace(&mut self.items[i], new);
                self.record_change(i);
                regions.extend([old.bounds, self.items[i].bounds]);
                true
            }
            (None, None) => true,
            _ => false,
        }
    }

    /// Brings the item of a widget whose box moved or resized (and whose
    /// look did not otherwise change) up to date, adding the regions to
    /// redraw to `regions`: a widget of the same size that is drawn before
    /// and after is moved by the difference, which costs a fraction of
    /// making it again (a select-all nudge at 10,000 widgets made every
    /// item again). `None` when the widget's place in the list changed (it
    /// came into view or left it): the list must be rebuilt.
    pub fn follow(
        &mut self,
        doc: &Document,
        geometry: &Geometry,
        theme: &Theme,
        id: WidgetId,
        regions: &mut Vec<Rect>,
    ) -> Option<Followed> {
        let Some(&i) = self.index.get(id) else {
            // Not drawn before: if it is not drawn now either, `patch_into`
            // agrees and adds nothing; if it is, the list is rebuilt.
            return self.patch_into(doc, geometry, theme, id, regions).then_some(Followed::Unseen);
        };
        let Some(placed) = geometry.drawn_box(id) else {
            return self.patch_into(doc, geometry, theme, id, regions).then_some(Followed::Remade);
        };
        let (r, at) = (placed.rect, self.items[i].at);
        let still_drawn = !placed.hidden && placed.visible.is_some();
        if (r.w, r.h) != (at.w, at.h) || !still_drawn || !placed.has_parent {
            return self.patch_into(doc, geometry, theme, id, regions).then_some(Followed::Remade);
        }
        let d = Point::new(r.x - at.x, r.y - at.y);
        let item = &mut self.items[i];
        regions.push(item.bounds);
        item.translate(r);
        item.clip = clip_from(&placed);
        regions.push(item.bounds);
        self.record_change(i);
        Some(Followed::Translated(d))
    }

    /// Follows the moves of `ids` (no widget twice) that only translated
    /// their items, as [`DisplayList::follow`] would, pushing each one's
    /// old and new bounds to `regions` (past twice
    /// `MAX_DAMAGE_REGIONS` of them, the one rectangle around them). With
    /// `in_two`, each half of `ids` is followed on its own thread, over the
    /// items of its half of the list (split at the item of the first
    /// widget of the second half): that pays where `ids` come in paint
    /// order, as a nudge of everything's do. A widget whose item is in the
    /// other half is left to [`DisplayList::follow`], as is one that did
    /// more than move (it changed size, was shown or hidden, or is not in
    /// the list). The other half is given to a helper thread
    /// ([`trellis_model::alongside`]), or followed after this one's where
    /// none can be had.
    /// Returns what it did, and the widgets it left, in the order given.
    /// The canvas splits from [`FOLLOW_ON_TWO_THREADS`] widgets.
    pub fn follow_many(
        &mut self,
        boxes: trellis_geometry::DrawnBoxes<'_>,
        ids: &[WidgetId],
        in_two: bool,
        regions: &mut Vec<Rect>,
    ) -> FollowedMany {
        let half = ids.len() / 2;
        let split = if in_two && half > 0 { self.index.get(ids[half]).copied() } else { None };
        let index = &self.index;
        let items = &mut self.items;
        let mut spare = std::mem::take(&mut self.spare_follow);
        let halves = split.map(|mid| {
            let (low, high) = items.split_at_mut(mid);
            let (low_ids, high_ids) = ids.split_at(half);
            let (high, mut low) = trellis_model::alongside(
                move || {
                    let mut part = FollowedPart::default();
                    follow_part(high, mid, high_ids, half, index, boxes, &mut part);
                    part
                },
                || {
                    let mut part = FollowedPart::default();
                    follow_part(low, 0, low_ids, 0, index, boxes, &mut part);
                    part
                },
            );
            low.merge(high);
            low
        });
        let mut results = match halves {
            Some(mut both) => {
                both.followed.split_at = split;
                both
            }
            None => {
                follow_part(items, 0, ids, 0, index, boxes, &mut spare);
                std::mem::take(&mut spare)
            }
        };
        // Collecting none allocates nothing: most calls leave no widget.
        results.followed.rest = results.slow.iter().map(|&k| ids[k as usize]).collect();
        self.record_changes(&results.changed);
        regions.append(&mut results.regions);
        if regions.len() >= MAX_FOLLOWED_REGIONS {
            fold_regions(regions);
        }
        let followed = std::mem::take(&mut results.followed);
        // The larger buffers of a nudge of everything are let go (the
        // spare, unused by two threads, is kept instead).
        if results.changed.capacity() <= MAX_SPARE_FOLLOWED && results.slow.capacity() <= MAX_SPARE_FOLLOWED {
            results.clear();
            self.spare_follow = results;
        } else {
            self.spare_follow = spare;
        }
        followed
    }

    /// [`DisplayList::record_change`] of each of `changed`, in order.
    fn record_changes(&mut self, mut changed: &[u32]) {
        while !changed.is_empty() {
            let room = self.items.len().saturating_sub(self.changed.len());
            if room == 0 {
                // What `record_change` does when the list is full.
                self.record_change(changed[0] as usize);
                changed = &changed[1..];
                continue;
            }
            let (now, later) = changed.split_at(room.min(changed.len()));
            self.changed.extend(now.iter().map(|&i| i as usize));
            changed = later;
        }
    }

    /// Records that item `i` changed, for [`DisplayList::take_changed`].
    fn record_change(&mut self, i: usize) {
        if self.changed.len() >= self.items.len() {
            // Nobody is reading the changes one by one: call it all.
            self.changed.clear();
            self.epoch = next_epoch();
        } else {
            self.changed.push(i);
        }
    }

    /// Brings the list up to date after the tree changed (inserts,
    /// removals, reparenting, reordering) and returns the regions to
    /// redraw: the old and new bounds of every item that changed, appeared
    /// or went away, and of the `moved` widgets' subtrees (their paint
    /// order changed even where their look did not). `moved` names every
    /// widget inserted, removed or moved since the list was last brought
    /// up to date (the root of each subtree, as the model's changes name
    /// them): a removed subtree not named keeps its items. The items of
    /// the `moved` subtrees and of the `changed` widgets (moved or
    /// restyled in place) are made again; every other widget keeps its
    /// item, taken into the new paint order (making every item again cost
    /// most of a frame at 10,000 widgets).
    pub fn rebuild(
        &mut self,
        doc: &Document,
        geometry: &Geometry,
        theme: &Theme,
        moved: &[WidgetId],
        changed: &[WidgetId],
    ) -> Vec<Rect> {
        self.rebuild_noting_additions(doc, geometry, theme, moved, changed).0
    }

    /// [`DisplayList::rebuild`], and where the change only added items
    /// after every other one (a paste, a duplicate or a palette drop on
    /// the window, nothing else changed): the index of the first new item.
    /// What lies under them is then drawn as it was, and they can be drawn
    /// over it ([`Redraw::Over`]).
    ///
    /// [`Redraw::Over`]: crate::Redraw::Over
    pub fn rebuild_noting_additions(
        &mut self,
        doc: &Document,
        geometry: &Geometry,
        theme: &Theme,
        moved: &[WidgetId],
        changed: &[WidgetId],
    ) -> (Vec<Rect>, Option<usize>) {
        match self.splice(doc, geometry, theme, moved, changed) {
            Some(spliced) => spliced,
            None => (self.merge(doc, geometry, theme, moved, changed), None),
        }
    }

    /// [`DisplayList::rebuild`] by walking the whole tree: every widget
    /// outside the `moved` subtrees and the `changed` ones keeps its item.
    fn merge(
        &mut self,
        doc: &Document,
        geometry: &Geometry,
        theme: &Theme,
        moved: &[WidgetId],
        changed: &[WidgetId],
    ) -> Vec<Rect> {
        let mut stale: HashSet<WidgetId> = changed.iter().copied().collect();
        for id in moved {
            stale.extend(doc.descendants(*id));
        }
        // Items patched or made again since the last `take_changed` are
        // made again here too: their indices are about to mean nothing, and
        // a renderer keeps the instances of every item not listed.
        for &i in &self.changed {
            if let Some(item) = self.items.get(i) {
                stale.insert(item.widget);
            }
        }
        let old_index = std::mem::take(&mut self.index);
        let mut old_items: Vec<Option<Item>> = std::mem::take(&mut self.items).into_iter().map(Some).collect();
        // The same build, in a new structure: the items made again below
        // are the changes (earlier patches' indices meant the old order).
        self.revision = next_epoch();
        self.changed.clear();
        let mut regions = Vec::new();
        self.depths.clear();
        self.orphans = 0;
        walk(doc, doc.root(), 0, |w, depth| {
            let id = w.id();
            let before = old_index.get(id).copied();
            let kept = before.filter(|_| !stale.contains(&id)).and_then(|i| old_items[i].take());
            let now = match kept {
                Some(item) => Some(item),
                None => {
                    let fresh = item(doc, geometry, theme, w);
                    if fresh.is_some() {
                        self.changed.push(self.items.len());
                    }
                    match (before.and_then(|i| old_items[i].take()), &fresh) {
                        (Some(b), Some(n)) if b == *n => {}
                        (Some(b), Some(n)) => regions.extend([b.bounds, n.bounds]),
                        (Some(b), None) => regions.push(b.bounds),
                        (None, Some(n)) => regions.push(n.bounds),
                        (None, None) => {}
                    }
                    fresh
                }
            };
            if let Some(item) = now {
                if w.parent().is_some_and(|p| !self.index.contains_key(p)) {
                    self.orphans += 1;
                }
                self.index.insert(id, self.items.len());
                self.items.push(item);
                self.depths.push(depth);
            }
        });
        // The items of widgets no longer in the design.
        regions.extend(old_items.into_iter().flatten().map(|i| i.bounds));
        for id in moved {
            for w in doc.descendants(*id) {
                if let Some(i) = self.index.get(w) {
                    regions.push(self.items[*i].bounds);
                }
            }
        }
        regions
    }

    /// [`DisplayList::rebuild`] where the tree changed: cuts the old runs
    /// of the `moved` subtrees, inserts their new ones after the items
    /// that now precede them, and patches the `changed` widgets in place,
    /// touching only the items after the first change (a paste at 100,000
    /// widgets walked the whole tree: 5 to 11 ms). `None`, having changed
    /// nothing, where the list alone cannot say exactly where things are
    /// (a widget drawn where it was not, or a subtree gone with nothing of
    /// it drawn but perhaps its descendants): the caller then merges.
    fn splice(
        &mut self,
        doc: &Document,
        geometry: &Geometry,
        theme: &Theme,
        moved: &[WidgetId],
        changed: &[WidgetId],
    ) -> Option<(Vec<Rect>, Option<usize>)> {
        if self.orphans > 0 {
            return None;
        }
        let moved_set: HashSet<WidgetId> = moved.iter().copied().collect();
        // The old runs of the moved subtrees.
        let mut cuts: Vec<Range<usize>> = Vec::new();
        for &r in &moved_set {
            match self.index.get(r) {
                Some(&i) => cuts.push(i..self.run_end(i)),
                None => {
                    // Not drawn; a descendant may have been (a widget
                    // scrolled out of view, its child overflowing into it).
                    let subtree = doc.descendants(r);
                    if subtree.is_empty() || subtree.iter().any(|d| self.index.contains_key(*d)) {
                        return None;
                    }
                }
            }
        }
        // The subtrees to insert: those of moved widgets in the document
        // whose ancestors did not move, grouped by parent.
        let mut by_parent: HashMap<WidgetId, Vec<WidgetId>> = HashMap::new();
        for &r in &moved_set {
            if !doc.contains(r) {
                continue;
            }
            let mut above = doc.parent(r);
            let mut top = true;
            while let Some(a) = above {
                if moved_set.contains(&a) {
                    top = false;
                    break;
                }
                above = doc.parent(a);
            }
            if top {
                by_parent.entry(doc.parent(r)?).or_default().push(r);
            }
        }
        let mut runs: Vec<InsertedRun> = Vec::new();
        let mut inserted: HashSet<WidgetId> = HashSet::new();
        for (parent, tops) in &by_parent {
            let tops: HashSet<WidgetId> = tops.iter().copied().collect();
            let depth = doc.depth(*parent) as u32 + 1;
            let mut at = self.index.get(*parent).map(|i| i + 1);
            for (order, &child) in doc.children(*parent).iter().enumerate() {
                if tops.contains(&child) {
                    let mut fresh = Vec::new();
                    let mut drawn = HashSet::new();
                    let mut orphaned = false;
                    walk(doc, child, depth, |w, d| {
                        inserted.insert(w.id());
                        if let Some(item) = item(doc, geometry, theme, w) {
                            // Its parent drawn: in the list already, or in this subtree.
                            let parent = w.parent().expect("a moved widget is not the root");
                            orphaned |= if w.id() == child {
                                !self.index.contains_key(parent)
                            } else {
                                !drawn.contains(&parent)
                            };
                            drawn.insert(w.id());
                            fresh.push((item, d));
                        }
                    });
                    if orphaned {
                        // Drawn under a parent that is not: merged instead.
                        return None;
                    }
                    if !fresh.is_empty() {
                        runs.push(InsertedRun { at: at?, depth, order, items: fresh });
                    }
                } else if let Some(&i) = self.index.get(child) {
                    at = Some(self.run_end(i));
                } else if !doc.children(child).is_empty() {
                    let subtree = doc.descendants(child);
                    if subtree.iter().any(|d| self.index.contains_key(*d)) {
                        return None;
                    }
                }
            }
        }
        runs.sort_unstable_by_key(|run| (run.at, std::cmp::Reverse(run.depth), run.order));
        let cuts = merge_ranges(cuts);
        let cut_at = |cuts: &[Range<usize>], i: usize| {
            let k = cuts.partition_point(|c| c.start <= i);
            k > 0 && cuts[k - 1].end > i
        };
        // The changed widgets that stay where they are: made again in
        // place, or cut where they no longer show.
        let mut patches: Vec<(usize, Item)> = Vec::new();
        let mut hidden: Vec<Range<usize>> = Vec::new();
        for &id in changed {
            if inserted.contains(&id) {
                continue;
            }
            let before = self.index.get(id).copied().filter(|i| !cut_at(&cuts, *i));
            let fresh = doc.widget(id).and_then(|w| item(doc, geometry, theme, &w));
            match (before, fresh) {
                (Some(i), Some(new)) => patches.push((i, new)),
                (Some(i), None) => hidden.push(i..i + 1),
                (None, Some(_)) => return None,
                (None, None) => {}
            }
        }
        let cuts = merge_ranges(cuts.into_iter().chain(hidden).collect());
        // An item kept after a cut whose parent was in it (a widget no
        // longer drawn, its child still drawn) would be an orphan: in a
        // list without orphans, an item's parent is the nearest item
        // before it that is less deep.
        for c in &cuts {
            let least = self.depths[c.clone()].iter().min().copied();
            if self.depths.get(c.end).is_some_and(|d| least.is_some_and(|m| m < *d)) {
                return None;
            }
        }

        // Only additions, after every item: nothing drawn before changed.
        let end = self.items.len();
        let added = (patches.is_empty() && cuts.is_empty() && !runs.is_empty() && runs.iter().all(|r| r.at == end))
            .then_some(end);

        // From here on the list changes. Items patched since the last
        // `take_changed`, and those patched now, are listed by widget and
        // found again at the end: their indices may move.
        let mut remade: Vec<WidgetId> =
            self.changed.iter().filter_map(|&i| self.items.get(i)).map(|i| i.widget).collect();
        self.changed.clear();
        self.revision = next_epoch();
        let mut regions = Vec::new();
        for (i, new) in patches {
            let old = std::mem::replace(&mut self.items[i], new);
            if old != self.items[i] {
                regions.extend([old.bounds, self.items[i].bounds]);
            }
            remade.push(old.widget);
        }
        let first = cuts.first().map(|c| c.start).into_iter().chain(runs.first().map(|r| r.at)).min();
        if let Some(first) = first {
            for c in &cuts {
                for item in &self.items[c.clone()] {
                    self.index.remove(item.widget);
                    regions.push(item.bounds);
                }
            }
            // Only the old items from the first change to the last are put
            // together again. Those after it keep their order, and where
            // the changes add as many items as they take (a widget moved to
            // another parent, its undo and redo) their places too: the
            // window is rewritten in place. An undo of such a move near the
            // start of the list at 100,000 widgets moved every later item
            // out and back and wrote its place again (8 ms). Where the list
            // grows or shrinks, the changes are made within the vector.
            let inserted: usize = runs.iter().map(|r| r.items.len()).sum();
            let taken: usize = cuts.iter().map(|c| c.len()).sum();
            if inserted != taken {
                self.cut_and_insert(first, &cuts, runs, &mut regions);
                self.changed.extend(remade.iter().filter_map(|w| self.index.get(*w).copied()));
                return Some((regions, added.filter(|&k| k < self.items.len())));
            }
            let last = cuts.iter().map(|c| c.end).chain(runs.iter().map(|r| r.at)).max().unwrap_or(first);
            let mut window = std::mem::take(&mut self.spare_window);
            window.clear();
            window
                .extend((first..last).map(|i| (std::mem::replace(&mut self.items[i], Item::vacant()), self.depths[i])));
            let mut at = first;
            let mut runs = runs.into_iter().peekable();
            let mut cuts = cuts.iter().peekable();
            for (k, (item, depth)) in window.drain(..).enumerate() {
                let old = first + k;
                while let Some(run) = runs.next_if(|run| run.at <= old) {
                    self.insert_run(&mut at, run.items, &mut regions);
                }
                while cuts.next_if(|c| c.end <= old).is_some() {}
                if cuts.peek().is_some_and(|c| c.start <= old) {
                    continue;
                }
                self.place(at, item, depth);
                at += 1;
            }
            for run in runs {
                self.insert_run(&mut at, run.items, &mut regions);
            }
            debug_assert_eq!(at, last, "a window rewritten in place keeps its length");
            if window.capacity() <= MAX_SPARE_WINDOW {
                self.spare_window = window;
            }
        }
        self.changed.extend(remade.iter().filter_map(|w| self.index.get(*w).copied()));
        Some((regions, added.filter(|&k| k < self.items.len())))
    }

    /// [`DisplayList::splice`] where the list grows or shrinks (a delete,
    /// a drop into a container, a paste among siblings, their undo), made
    /// within the vector: the cuts closed in one pass from the first on,
    /// then the runs opened in one pass from the last back, so that each
    /// later item moves at most twice however many places change (a
    /// marquee over a grid takes a run of widgets from each row); then the
    /// places from the first change on are written again.
    fn cut_and_insert(&mut self, first: usize, cuts: &[Range<usize>], runs: Vec<InsertedRun>, regions: &mut Vec<Rect>) {
        // Where each run goes once the cuts are closed: before as many
        // fewer items as the cuts before it took, and a run placed inside
        // a cut where the cut ends (all between goes).
        let (mut taken, mut passed_to) = (0, 0);
        let mut next_cut = cuts.iter().peekable();
        let runs: Vec<(usize, Vec<(Item, u32)>)> = runs
            .into_iter()
            .map(|r| {
                // The cuts up to the run's place, and the one it is in.
                while let Some(c) = next_cut.next_if(|c| c.end <= r.at || c.start < r.at) {
                    taken += c.len();
                    passed_to = c.end;
                }
                (r.at.max(passed_to) - taken, r.items)
            })
            .collect();
        // The cuts: each kept stretch is swapped down, item by item, over
        // what the cuts before it took, which goes up to be dropped at the
        // end; no item is moved more than once. One cut is closed by a
        // drain, which moves the items after it down in one copy (swapped,
        // a delete of 1,000 widgets at the start of 100,000 took 2.5 ms of
        // splice, drained 1.4 ms).
        if let [c] = cuts {
            self.items.drain(c.clone());
            self.depths.drain(c.clone());
        } else if let Some(c) = cuts.first() {
            let mut kept_to = c.start;
            for (k, c) in cuts.iter().enumerate() {
                let stretch_end = cuts.get(k + 1).map_or(self.items.len(), |n| n.start);
                for from in c.end..stretch_end {
                    self.items.swap(kept_to, from);
                    self.depths.swap(kept_to, from);
                    kept_to += 1;
                }
            }
            self.items.truncate(kept_to);
            self.depths.truncate(kept_to);
        }
        // The runs, from the last back: the items from a run's place to the
        // next run's are swapped up, from the top, past the room still to
        // fill, which comes down to the run's place; the run is written into
        // its end. Runs at one place only are put in by a splice.
        let room: usize = runs.iter().map(|r| r.1.len()).sum();
        let mut inserted = Vec::with_capacity(room);
        if let Some(&(at, _)) = runs.first()
            && runs.iter().all(|r| r.0 == at)
        {
            let group: Vec<(Item, u32)> = runs.into_iter().flat_map(|r| r.1).collect();
            for (item, _) in &group {
                regions.push(item.bounds);
                inserted.push(item.widget);
            }
            self.depths.splice(at..at, group.iter().map(|(_, d)| *d));
            self.items.splice(at..at, group.into_iter().map(|(item, _)| item));
        } else if room > 0 {
            let old_len = self.items.len();
            self.items.resize_with(old_len + room, Item::vacant);
            self.depths.resize(old_len + room, 0);
            let (mut filled_from, mut moved_from) = (old_len + room, old_len);
            for (at, items) in runs.into_iter().rev() {
                for from in (at..moved_from).rev() {
                    filled_from -= 1;
                    self.items.swap(from, filled_from);
                    self.depths.swap(from, filled_from);
                }
                moved_from = at;
                filled_from -= items.len();
                for (k, (item, depth)) in items.into_iter().enumerate() {
                    regions.push(item.bounds);
                    inserted.push(item.widget);
                    self.items[filled_from + k] = item;
                    self.depths[filled_from + k] = depth;
                }
            }
            debug_assert_eq!(filled_from, moved_from, "the room is filled");
        }
        for (k, item) in self.items[first..].iter().enumerate() {
            self.index.insert(item.widget, first + k);
        }
        let made = self.changed.len();
        self.changed.extend(inserted.iter().filter_map(|w| self.index.get(*w).copied()));
        self.changed[made..].sort_unstable();
    }

    /// Appends a run of new items (a subtree, in paint order), as changes.
    fn insert_run(&mut self, at: &mut usize, run: Vec<(Item, u32)>, regions: &mut Vec<Rect>) {
        for (item, depth) in run {
            regions.push(item.bounds);
            self.changed.push(*at);
            self.place(*at, item, depth);
            *at += 1;
        }
    }

    /// Puts `item` at index `at`: over the vacant item there, or at the end.
    fn place(&mut self, at: usize, item: Item, depth: u32) {
        self.index.insert(item.widget, at);
        if at < self.items.len() {
            self.items[at] = item;
            self.depths[at] = depth;
        } else {
            debug_assert_eq!(at, self.items.len(), "items are put in order");
            self.items.push(item);
            self.depths.push(depth);
        }
    }

    /// The end of the run of items that is the subtree of the item at `i`.
    fn run_end(&self, i: usize) -> usize {
        let depth = self.depths[i];
        i + 1 + self.depths[i + 1..].iter().take_while(|d| **d > depth).count()
    }

    /// Which build of the list this is; it changes when every item may have.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Which structure of the list this is: it changes when items are
    /// inserted, removed or reordered ([`DisplayList::rebuild`]); the items
    /// made again then are in [`DisplayList::take_changed`], and every
    /// other item is as it was, at its new index.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// How many text primitives the items in `range` hold (the part of it
    /// within the list).
    pub fn text_count_in(&self, range: std::ops::Range<usize>) -> usize {
        let end = range.end.min(self.items.len());
        let start = range.start.min(end);
        self.items[start..end].iter().map(|i| i.texts as usize).sum()
    }

    /// The items patched since the last call, in the order they were.
    pub fn take_changed(&mut self) -> Vec<usize> {
        std::mem::take(&mut self.changed)
    }

    /// [`DisplayList::take_changed`] into `out` (emptied first), whose
    /// room the list keeps for the next changes: a caller drawing frame
    /// after frame swaps two vectors rather than growing a new one each
    /// frame (100,000 entries, pushed one by one, in a nudge of everything).
    pub fn take_changed_into(&mut self, out: &mut Vec<usize>) {
        out.clear();
        std::mem::swap(&mut self.changed, out);
    }

    /// The first item (by index) where `other` differs from this list in
    /// any coordinate by more than `tolerance` times the coordinate (or
    /// than `tolerance` units, under one unit), or by anything else;
    /// `None` when they agree. A moved item's shapes other than its box
    /// are moved by a difference, not placed anew, and each move rounds
    /// in the last bits: a list kept up to date agrees with one built
    /// anew to a few parts in ten million per move, not to the bit.
    pub fn first_difference(&self, other: &DisplayList, tolerance: f32) -> Option<usize> {
        let close = |a: f32, b: f32| (a - b).abs() <= tolerance * a.abs().max(b.abs()).max(1.0);
        let rect = |a: &Rect, b: &Rect| close(a.x, b.x) && close(a.y, b.y) && close(a.w, b.w) && close(a.h, b.h);
        let point = |a: &Point, b: &Point| close(a.x, b.x) && close(a.y, b.y);
        let primitive = |a: &Primitive, b: &Primitive| match (a, b) {
            (
                Primitive::Rect { rect: ra, radius: a, fill: fa, border: ba },
                Primitive::Rect { rect: rb, radius: b, fill: fb, border: bb },
            ) => rect(ra, rb) && a == b && fa == fb && ba == bb,
            (
                Primitive::LayoutGuide { rect: ra, radius: a, width: wa, color: ca },
                Primitive::LayoutGuide { rect: rb, radius: b, width: wb, color: cb },
            ) => rect(ra, rb) && a == b && wa == wb && ca == cb,
            (
                Primitive::Shadow { rect: ra, radius: a, blur: la, color: ca },
                Primitive::Shadow { rect: rb, radius: b, blur: lb, color: cb },
            ) => rect(ra, rb) && a == b && la == lb && ca == cb,
            (
                Primitive::Line { from: fa, to: ta, width: wa, color: ca },
                Primitive::Line { from: fb, to: tb, width: wb, color: cb },
            ) => point(fa, fb) && point(ta, tb) && wa == wb && ca == cb,
            (Primitive::Text { rect: ra, .. }, Primitive::Text { rect: rb, .. }) => {
                let moved = |p: &Primitive| match p {
                    Primitive::Text { text, size, color, align, wrap, top, .. } => {
                        Some((text.clone(), *size, *color, *align, *wrap, *top))
                    }
                    _ => None,
                };
                rect(ra, rb) && moved(a) == moved(b)
            }
            (
                Primitive::Image { rect: ra, path: pa, widget: wa },
                Primitive::Image { rect: rb, path: pb, widget: wb },
            ) => rect(ra, rb) && pa == pb && wa == wb,
            _ => false,
        };
        let item = |a: &Item, b: &Item| {
            a.widget == b.widget
                && a.opacity == b.opacity
                && rect(&a.bounds, &b.bounds)
                && rect(&a.at, &b.at)
                && match (&a.clip, &b.clip) {
                    (Some(x), Some(y)) => rect(x, y),
                    (None, None) => true,
                    _ => false,
                }
                && a.primitives.len() == b.primitives.len()
                && a.primitives.iter().zip(&b.primitives).all(|(x, y)| primitive(x, y))
        };
        let differs = self.items.iter().zip(&other.items).position(|(a, b)| !item(a, b));
        differs.or_else(|| (self.items.len() != other.items.len()).then(|| self.items.len().min(other.items.len())))
    }

    /// Primitives over every item, for statistics.
    pub fn primitive_count(&self) -> usize {
        self.items.iter().map(|i| i.primitives.len()).sum()
    }
}

fn text_color(w: &WidgetRef<'_>, theme: &Theme) -> Color {
    let base = w.color(PropKey::TextColor).unwrap_or(theme.text);
    if w.flag(PropKey::Enabled) { base } else { with_alpha(base, 0.45) }
}

fn with_alpha(c: Color, f: f32) -> Color {
    Color::rgba(c.r, c.g, c.b, (f32::from(c.a) * f).round() as u8)
}

/// The text alignment the widget asks for (kinds without the property
/// use `default`).
fn align_of(w: &WidgetRef<'_>, default: TextAlign) -> TextAlign {
    if !w.kind().has(PropKey::TextAlign) {
        return default;
    }
    match w.align(PropKey::TextAlign) {
        Align::Center => TextAlign::Center,
        Align::End => TextAlign::End,
        _ => TextAlign::Start,
    }
}

fn inset(r: Rect, dx: f32, dy: f32) -> Rect {
    Rect::new(r.x + dx, r.y + dy, (r.w - 2.0 * dx).max(0.0), (r.h - 2.0 * dy).max(0.0))
}

/// The outline of a layout container or a scroll area with no fill and no
/// border of its own ([`Primitive::LayoutGuide`]).
fn layout_guide(rect: Rect, radius: f32, theme: &Theme) -> Primitive {
    Primitive::LayoutGuide { rect, radius, width: 1.0, color: theme.border }
}

/// What `prim` paints, in design coordinates (a line's round ends and a
/// shadow's fade included).
fn extent(prim: &Primitive) -> Rect {
    match prim {
        Primitive::Rect { rect, .. }
        | Primitive::LayoutGuide { rect, .. }
        | Primitive::Text { rect, .. }
        | Primitive::Image { rect, .. } => *rect,
        Primitive::Shadow { rect, blur, .. } => inset(*rect, -blur, -blur),
        Primitive::Line { from, to, width, .. } => {
            let half = width / 2.0;
            let (x0, y0) = (from.x.min(to.x) - half, from.y.min(to.y) - half);
            Rect::new(x0, y0, from.x.max(to.x) + half - x0, from.y.max(to.y) + half - y0)
        }
    }
}

/// Ranges sorted by start, those that overlap or touch made one.
fn merge_ranges(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_unstable_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Every widget of the subtree at `root` in paint order (pre-order,
/// siblings in z-order), with its depth in the tree (`depth` at `root`).
fn walk(doc: &Document, root: WidgetId, depth: u32, mut visit: impl FnMut(&WidgetRef<'_>, u32)) {
    let mut stack = vec![(root, depth)];
    while let Some((id, d)) = stack.pop() {
        let Some(w) = doc.widget(id) else { continue };
        visit(&w, d);
        stack.extend(w.children().iter().rev().map(|c| (*c, d + 1)));
    }
}

/// The primitives of one widget, or `None` when nothing of it shows.
fn item(doc: &Document, geometry: &Geometry, theme: &Theme, w: &WidgetRef<'_>) -> Option<Item> {
    let id = w.id();
    if geometry.is_hidden(id) {
        return None;
    }
    let r = geometry.rect(id)?;
    if w.parent().is_some() && geometry.visible_rect(id).is_none() {
        // Scrolled entirely out of view.
        return None;
    }
    let clip = if w.parent().is_some() { clip_of(geometry, id) } else { None };
    let mut p = Vec::new();
    let font = w.number(PropKey::FontSize);
    let radius = w.number(PropKey::CornerRadius);
    let border_width = w.number(PropKey::BorderWidth);
    let border_color = w.color(PropKey::BorderColor).unwrap_or(theme.border);
    let border = (border_width > 0.0).then_some((border_width, border_color));
    let fill = w.color(PropKey::Fill);
    let text = text_color(w, theme);
    let label = |p: &mut Vec<Primitive>, rect: Rect, s: &str, color: Color, align: TextAlign| {
        if !s.is_empty() {
            p.push(Primitive::Text { rect, text: s.into(), size: font, color, align, wrap: false, top: false });
        }
    };
    match w.kind() {
        WidgetKind::Window => {
            p.push(Primitive::Shadow { rect: r, radius: 8.0, blur: 24.0, color: theme.shadow });
            p.push(Primitive::Rect { rect: r, radius: 0.0, fill: fill.unwrap_or(theme.window), border });
        }
        WidgetKind::Panel | WidgetKind::ScrollArea => {
            let fill =
                fill.unwrap_or(if w.kind() == WidgetKind::Panel { theme.panel } else { Color::rgba(0, 0, 0, 0) });
            // A panel has a frame; a scroll area an outline, like layout
            // containers (a guide where it has neither fill nor border).
            match border {
                None if fill.a == 0 => p.push(layout_guide(r, radius, theme)),
                _ => p.push(Primitive::Rect { rect: r, radius, fill, border: border.or(Some((1.0, theme.border))) }),
            }
            if w.kind() == WidgetKind::ScrollArea && r.h > 24.0 {
                let bar = Rect::new(r.right() - 6.0, r.y + 4.0, 3.0, (r.h * 0.3).max(16.0));
                p.push(Primitive::Rect { rect: bar, radius: 1.5, fill: theme.muted, border: None });
            }
        }
        WidgetKind::Row | WidgetKind::Column | WidgetKind::Grid => {
            // Layout containers are invisible in the finished UI; on the
            // canvas a faint outline shows where they are, to aim drops at.
            match border {
                None if fill.is_none_or(|f| f.a == 0) => p.push(layout_guide(r, radius, theme)),
                _ => p.push(Primitive::Rect {
                    rect: r,
                    radius,
                    fill: fill.unwrap_or(Color::rgba(0, 0, 0, 0)),
                    border: border.or(Some((1.0, theme.border))),
                }),
            }
        }
        WidgetKind::Tabs => {
            p.push(Primitive::Rect {
                rect: r,
                radius,
                fill: fill.unwrap_or(theme.window),
                border: Some(border.unwrap_or((1.0, theme.border))),
            });
            let bar = Rect::new(r.x, r.y, r.w, trellis_geometry::TAB_BAR_HEIGHT);
            p.push(Primitive::Line {
                from: Point::new(bar.x, bar.bottom()),
                to: Point::new(bar.right(), bar.bottom()),
                width: 1.0,
                color: theme.border,
            });
            let items = w.items();
            let selected = w.int(PropKey::Selected).max(0) as usize;
            let tab_w = if items.is_empty() { 0.0 } else { (r.w / items.len() as f32).min(160.0) };
            for (i, title) in items.iter().enumerate() {
                let tab = Rect::new(bar.x + i as f32 * tab_w, bar.y, tab_w, bar.h);
                let color = if i == selected { theme.accent } else { theme.muted };
                label(&mut p, tab, title, color, TextAlign::Center);
                if i == selected {
                    p.push(Primitive::Line {
                        from: Point::new(tab.x + 8.0, tab.bottom() - 1.0),
                        to: Point::new(tab.right() - 8.0, tab.bottom() - 1.0),
                        width: 2.0,
                        color: theme.accent,
                    });
                }
            }
        }
        WidgetKind::Label => {
            if let Some(f) = fill {
                p.push(Primitive::Rect { rect: r, radius, fill: f, border });
            }
            // Labels wrap, as the layout measured them.
            let s = w.text(PropKey::Text);
            if !s.is_empty() {
                let align = align_of(w, TextAlign::Start);
                p.push(Primitive::Text {
                    rect: r,
                    text: s.into(),
                    size: font,
                    color: text,
                    align,
                    wrap: true,
                    top: false,
                });
            }
        }
        WidgetKind::Button => {
            let radius = if w.get(PropKey::CornerRadius).is_some() { radius } else { 6.0 };
            p.push(Primitive::Rect {
                rect: r,
                radius,
                fill: fill.unwrap_or(theme.control),
                border: Some(border.unwrap_or((1.0, theme.border))),
            });
            label(&mut p, inset(r, 8.0, 0.0), w.text(PropKey::Text), text, align_of(w, TextAlign::Center));
        }
        WidgetKind::TextInput | WidgetKind::TextArea | WidgetKind::Dropdown => {
            let radius = if w.get(PropKey::CornerRadius).is_some() { radius } else { 4.0 };
            p.push(Primitive::Rect {
                rect: r,
                radius,
                fill: fill.unwrap_or(theme.field),
                border: Some(border.unwrap_or((1.0, theme.border))),
            });
            let value = match w.kind() {
                WidgetKind::Dropdown => usize::try_from(w.int(PropKey::Selected))
                    .ok()
                    .and_then(|i| w.items().get(i))
                    .map_or("", String::as_str),
                _ => w.text(PropKey::Text),
            };
            let (shown, color) =
                if value.is_empty() { (w.text(PropKey::Placeholder), theme.muted) } else { (value, text) };
            let area = Rect::new(
                r.x + 8.0,
                r.y + 4.0,
                (r.w - if w.kind() == WidgetKind::Dropdown { 32.0 } else { 16.0 }).max(0.0),
                (r.h - 8.0).max(0.0),
            );
            if w.kind() == WidgetKind::TextArea {
                if !shown.is_empty() {
                    p.push(Primitive::Text {
                        rect: area,
                        text: shown.into(),
                        size: font,
                        color,
                        align: TextAlign::Start,
                        wrap: true,
                        top: true,
                    });
                }
            } else {
                label(&mut p, area, shown, color, align_of(w, TextAlign::Start));
            }
            if w.kind() == WidgetKind::Dropdown {
                let (cx, cy) = (r.right() - 14.0, r.y + r.h / 2.0);
                for (dx, dy) in [(-4.0, -2.0), (4.0, -2.0)] {
                    p.push(Primitive::Line {
                        from: Point::new(cx + dx, cy + dy),
                        to: Point::new(cx, cy + 2.0),
                        width: 1.5,
                        color: theme.muted,
                    });
                }
            }
        }
        WidgetKind::Checkbox => {
            let mark = Rect::new(r.x, r.y + (r.h - 16.0) / 2.0, 16.0, 16.0);
            let checked = w.flag(PropKey::Checked);
            p.push(Primitive::Rect {
                rect: mark,
                radius: 3.0,
                fill: if checked { theme.accent } else { theme.field },
                border: Some((1.0, if checked { theme.accent } else { theme.border })),
            });
            if checked {
                let (x, y) = (mark.x, mark.y);
                p.push(Primitive::Line {
                    from: Point::new(x + 3.5, y + 8.0),
                    to: Point::new(x + 6.5, y + 11.0),
                    width: 2.0,
                    color: theme.on_accent,
                });
                p.push(Primitive::Line {
                    from: Point::new(x + 6.5, y + 11.0),
                    to: Point::new(x + 12.5, y + 4.5),
                    width: 2.0,
                    color: theme.on_accent,
                });
            }
            label(
                &mut p,
                Rect::new(r.x + 24.0, r.y, (r.w - 24.0).max(0.0), r.h),
                w.text(PropKey::Text),
                text,
                TextAlign::Start,
            );
        }
        WidgetKind::Toggle => {
            let on = w.flag(PropKey::Checked);
            let track = Rect::new(r.x, r.y + (r.h - 18.0) / 2.0, 32.0, 18.0);
            p.push(Primitive::Rect {
                rect: track,
                radius: 9.0,
                fill: if on { theme.accent } else { theme.track },
                border: None,
            });
            let knob_x = if on { track.right() - 16.0 } else { track.x + 2.0 };
            p.push(Primitive::Rect {
                rect: Rect::new(knob_x, track.y + 2.0, 14.0, 14.0),
                radius: 7.0,
                fill: theme.on_accent,
                border: None,
            });
            label(
                &mut p,
                Rect::new(r.x + 40.0, r.y, (r.w - 40.0).max(0.0), r.h),
                w.text(PropKey::Text),
                text,
                TextAlign::Start,
            );
        }
        WidgetKind::RadioGroup => {
            let items = w.items();
            let row = if items.is_empty() { r.h } else { r.h / items.len() as f32 };
            let selected = w.int(PropKey::Selected);
            for (i, item) in items.iter().enumerate() {
                let y = r.y + i as f32 * row;
                let dot = Rect::new(r.x, y + (row - 16.0) / 2.0, 16.0, 16.0);
                p.push(Primitive::Rect {
                    rect: dot,
                    radius: 8.0,
                    fill: theme.field,
                    border: Some((1.0, theme.border)),
                });
                if selected == i as i32 {
                    p.push(Primitive::Rect {
                        rect: inset(dot, 4.0, 4.0),
                        radius: 4.0,
                        fill: theme.accent,
                        border: None,
                    });
                }
                label(&mut p, Rect::new(r.x + 24.0, y, (r.w - 24.0).max(0.0), row), item, text, TextAlign::Start);
            }
        }
        WidgetKind::Slider | WidgetKind::ProgressBar => {
            let (min, max, value) = (w.number(PropKey::Min), w.number(PropKey::Max), w.number(PropKey::Value));
            let t = if max > min { ((value - min) / (max - min)).clamp(0.0, 1.0) } else { 0.0 };
            let h = if w.kind() == WidgetKind::Slider { 4.0 } else { r.h.min(8.0) };
            let track = Rect::new(r.x, r.y + (r.h - h) / 2.0, r.w, h);
            p.push(Primitive::Rect { rect: track, radius: h / 2.0, fill: theme.track, border: None });
            p.push(Primitive::Rect {
                rect: Rect::new(track.x, track.y, track.w * t, h),
                radius: h / 2.0,
                fill: fill.unwrap_or(theme.accent),
                border: None,
            });
            if w.kind() == WidgetKind::Slider {
                let knob = Rect::new(track.x + track.w * t - 8.0, r.y + (r.h - 16.0) / 2.0, 16.0, 16.0);
                p.push(Primitive::Rect {
                    rect: knob,
                    radius: 8.0,
                    fill: theme.on_accent,
                    border: Some((1.0, theme.border)),
                });
            }
        }
        WidgetKind::List => {
            p.push(Primitive::Rect {
                rect: r,
                radius: 4.0,
                fill: fill.unwrap_or(theme.field),
                border: Some(border.unwrap_or((1.0, theme.border))),
            });
            let line = font * 1.25 + 6.0;
            let selected = w.int(PropKey::Selected);
            for (i, item) in w.items().iter().enumerate() {
                let row = Rect::new(r.x + 1.0, r.y + 1.0 + i as f32 * line, (r.w - 2.0).max(0.0), line);
                if row.bottom() > r.bottom() {
                    break;
                }
                let color = if selected == i as i32 {
                    p.push(Primitive::Rect { rect: row, radius: 0.0, fill: theme.accent, border: None });
                    theme.on_accent
                } else {
                    text
                };
                label(&mut p, inset(row, 8.0, 0.0), item, color, TextAlign::Start);
            }
        }
        WidgetKind::Image => {
            p.push(Primitive::Rect { rect: r, radius, fill: theme.control, border: Some((1.0, theme.border)) });
            let path = w.text(PropKey::Image);
            if !path.is_empty() {
                p.push(Primitive::Image { rect: r, path: path.into(), widget: w.name().into() });
            }
        }
        WidgetKind::Separator => {
            let (from, to) = if r.w >= r.h {
                (Point::new(r.x, r.y + r.h / 2.0), Point::new(r.right(), r.y + r.h / 2.0))
            } else {
                (Point::new(r.x + r.w / 2.0, r.y), Point::new(r.x + r.w / 2.0, r.bottom()))
            };
            p.push(Primitive::Line {
                from,
                to,
                width: 1.0,
                color: w.color(PropKey::BorderColor).unwrap_or(theme.border),
            });
        }
        WidgetKind::Spacer => {}
    }
    // Everything the item paints, not only its box: a slider's knob at
    // either end, a toggle's track and a checkbox's mark can reach past a
    // small widget's box, and what these bounds leave out a redraw misses
    // and an opaque shape over them is wrongly taken to hide.
    let spread = p.iter().fold(r, |acc, prim| acc.union(&extent(prim)));
    let bounds = inset(spread, -2.0, -2.0);
    let texts = texts_among(&p);
    Some(Item {
        widget: id,
        primitives: p,
        clip,
        opacity: opacity(doc, w),
        bounds,
        at: r,
        made: next_made(),
        moves: 0,
        texts,
    })
}

/// A widget's opacity times its ancestors': a container's opacity fades
/// everything inside it, as CSS, egui and Slint fade a container's
/// children (each shape by the product, not the group as one layer). A
/// change of a container's opacity repaints its subtree (the editor
/// repaints a restyled widget's descendants).
fn opacity(doc: &Document, w: &WidgetRef<'_>) -> f32 {
    let mut opacity = w.number(PropKey::Opacity);
    let mut parent = w.parent();
    while let Some(p) = parent.and_then(|p| doc.widget(p)) {
        opacity *= p.number(PropKey::Opacity);
        parent = p.parent();
    }
    opacity
}

fn clip_of(geometry: &Geometry, id: WidgetId) -> Option<Rect> {
    clip_from(&geometry.drawn_box(id)?)
}

/// The most widgets whose buffers [`DisplayList::spare_follow`] keeps
/// room for between calls.
const MAX_SPARE_FOLLOWED: usize = 4096;

/// What one part of [`DisplayList::follow_many`] did.
#[derive(Clone, Debug, Default)]
struct FollowedPart {
    followed: FollowedMany,
    regions: Vec<Rect>,
    /// Items translated, by index in the whole list.
    changed: Vec<u32>,
    /// Positions (in the widgets given) of those left to follow one by one.
    slow: Vec<u32>,
}

impl FollowedPart {
    /// Empties it, keeping its buffers.
    fn clear(&mut self) {
        self.followed = FollowedMany::default();
        self.regions.clear();
        self.changed.clear();
        self.slow.clear();
    }

    fn merge(&mut self, mut other: FollowedPart) {
        self.followed.merge(&other.followed);
        self.regions.append(&mut other.regions);
        if self.regions.len() >= MAX_FOLLOWED_REGIONS {
            fold_regions(&mut self.regions);
        }
        self.changed.append(&mut other.changed);
        self.slow.append(&mut other.slow);
    }
}

/// Translates the items of `items` (those from index `base` of the list)
/// of the widgets `ids` (from position `first` of those given) that only
/// moved; notes the others, in `part` (empty, its buffers kept).
fn follow_part(
    items: &mut [Item],
    base: usize,
    ids: &[WidgetId],
    first: usize,
    index: &SecondaryMap<WidgetId, usize>,
    boxes: trellis_geometry::DrawnBoxes<'_>,
    part: &mut FollowedPart,
) {
    part.changed.reserve(ids.len());
    let range = base..base + items.len();
    let local = |id: WidgetId| index.get(id).filter(|i| range.contains(i)).map(|i| i - base);
    for (k, id) in ids.iter().enumerate() {
        if let Some(&far) = ids.get(k + 2 * PREFETCH_AHEAD) {
            // By address, which reads nothing (the item's place reads the index).
            boxes.prefetch(far);
            if let Some(far) = local(far) {
                trellis_model::fetch_into_cache(std::ptr::from_ref(&items[far]) as usize, std::mem::size_of::<Item>());
            }
        }
        if let Some(ahead) = ids.get(k + PREFETCH_AHEAD).and_then(|&a| local(a)) {
            let item = &items[ahead];
            let primitives = item.primitives.as_ptr() as usize;
            trellis_model::fetch_into_cache(primitives, std::mem::size_of_val(item.primitives.as_slice()));
        }
        let slow = (first + k) as u32;
        let Some(j) = local(*id) else {
            part.slow.push(slow);
            continue;
        };
        let item = &mut items[j];
        let Some(placed) = boxes.get(*id) else {
            part.slow.push(slow);
            continue;
        };
        let (r, was) = (placed.rect, item.at);
        let still_drawn = !placed.hidden && placed.visible.is_some();
        if (r.w, r.h) != (was.w, was.h) || !still_drawn || !placed.has_parent {
            part.slow.push(slow);
            continue;
        }
        let from = item.bounds;
        part.regions.push(from);
        item.translate(r);
        item.clip = clip_from(&placed);
        part.regions.push(item.bounds);
        part.followed.translated(Point::new(r.x - was.x, r.y - was.y), &from);
        part.changed.push((base + j) as u32);
        if part.regions.len() >= MAX_FOLLOWED_REGIONS {
            fold_regions(&mut part.regions);
        }
    }
}

/// Replaces `regions` by the one rectangle around them (rectangles of no
/// number, NaN, hold nothing). The old and new places of each item a
/// nudge of everything moves are 200,000 rectangles at 100,000 widgets,
/// which the renderer read again only to find the area around them (a
/// millisecond): past twice `MAX_DAMAGE_REGIONS` the canvas and
/// [`DisplayList::follow_many`] keep them as that area, as the layout
/// keeps its damage.
pub fn fold_regions(regions: &mut Vec<Rect>) {
    let all = Rect::around(regions);
    regions.clear();
    regions.extend(all);
}

/// What scroll areas leave of a box, where they cut it.
fn clip_from(placed: &trellis_geometry::DrawnBox) -> Option<Rect> {
    placed.visible.filter(|v| *v != placed.rect)
}
