//! Spatial queries: hit test, drop target, marquee and snapping.
//!
//! Each query gathers candidates from the spatial index (a bucket grid)
//! and then decides among
//! them. The `*_linear` twins gather the same candidates by scanning every
//! widget; they exist as the reference the index is tested and benchmarked
//! against, and share every line of the deciding code.

use std::cmp::Ordering;

use trellis_model::{Document, LayoutMode, Rect, WidgetId, WidgetKind};

use crate::layout::{Geometry, WidgetBox, intersect};
use crate::spatial::Entry;

/// A point in design coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Point {
    /// Design pixels from the window's left edge.
    pub x: f32,
    /// Design pixels from the window's top edge.
    pub y: f32,
}

impl Point {
    /// The point at `x`, `y` in design coordinates.
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }
}

/// Whether a point lies in a rectangle, edges included.
pub fn contains(r: &Rect, p: Point) -> bool {
    p.x >= r.x && p.x <= r.right() && p.y >= r.y && p.y <= r.bottom()
}

/// One of the two directions of the design, for guides and snapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    /// Horizontal positions (a guide along x is a vertical line).
    X,
    /// Vertical positions (a guide along y is a horizontal line).
    Y,
}

/// A line to draw: at `at` on `axis`, spanning `from..to` on the other axis.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Guide {
    /// The axis `at` is measured on (an [`Axis::X`] guide is a vertical line).
    pub axis: Axis,
    /// Where the line is, in design pixels on `axis`.
    pub at: f32,
    /// Where the line starts on the other axis.
    pub from: f32,
    /// Where the line ends on the other axis.
    pub to: f32,
}

/// Equal gaps to show: each rectangle is one gap between neighbours.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SpacingGuide {
    /// The axis along which the gaps are equal.
    pub axis: Axis,
    /// The two equal gaps, in design coordinates, to draw as markers.
    pub gaps: [Rect; 2],
}

/// The buffers the queries a drag asks every frame ([`Geometry::drop_target_with`],
/// [`Geometry::snap_into`]) work in: kept by the caller from frame to frame,
/// they leave those queries allocating nothing once warm (made afresh,
/// they were eight of a drag frame's allocations).
#[derive(Clone, Debug, Default)]
pub struct QueryScratch {
    candidates: Vec<WidgetId>,
    staying: Vec<(WidgetId, Rect)>,
    targets: Vec<Rect>,
}

impl QueryScratch {
    /// Lets go of a buffer a query over a crowded container grew past
    /// 65,536 entries (a window of 100,000 children), rather than keep it.
    /// Kept up to there: a drag over the 100,000-widget benchmark design,
    /// all of it in view, snaps against about 8,000 siblings in some
    /// frames, and a bound of 4,096 let that buffer go and grew it again
    /// (eleven allocations) every few frames. At most 3 MB are kept.
    pub fn trim(&mut self) {
        const MAX_KEPT: usize = 65_536;
        if self.candidates.capacity() > MAX_KEPT {
            self.candidates = Vec::new();
        }
        if self.staying.capacity() > MAX_KEPT {
            self.staying = Vec::new();
        }
        if self.targets.capacity() > MAX_KEPT {
            self.targets = Vec::new();
        }
    }
}

/// Where dragged widgets would land.
#[derive(Clone, Debug, PartialEq)]
pub struct DropTarget {
    /// The container that would receive the dragged widgets.
    pub container: WidgetId,
    /// Position among the children that stay (`None` for absolute
    /// containers, where the drop point decides).
    pub index: Option<usize>,
    /// The insertion marker to draw (row, column and grid containers).
    pub marker: Option<Guide>,
    /// The container's content box, to highlight.
    pub highlight: Rect,
}

/// Marquee selection mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marquee {
    /// Widgets entirely inside the rectangle.
    Inside,
    /// Widgets that touch the rectangle.
    Touching,
}

/// A snapping question: where should `rect` go?
#[derive(Clone, Debug, PartialEq)]
pub struct SnapQuery<'a> {
    /// The moving rectangle where the pointer puts it.
    pub rect: Rect,
    /// The widgets being moved (they and their subtrees are not targets).
    pub moving: &'a [WidgetId],
    /// The container it moves in: its children and itself are the targets.
    pub parent: WidgetId,
    /// Snapping distance in screen pixels.
    pub threshold_px: f32,
    /// Screen pixels per design pixel.
    pub zoom: f32,
    /// Grid size in design pixels, if grid snapping is on.
    pub grid: Option<f32>,
}

/// How far around the moving rectangle, in screen pixels, targets are sought.
pub const SNAP_NEIGHBOURHOOD_PX: f32 = 600.0;

/// The answer to a [`SnapQuery`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snap {
    /// The snapped rectangle (same size, maybe moved).
    pub rect: Rect,
    /// Alignment lines to draw for the edges and centres it snapped to.
    pub guides: Vec<Guide>,
    /// Equal gaps to draw, for each axis that snapped to spacing.
    pub spacing: Vec<SpacingGuide>,
    /// What decided the horizontal position.
    pub x: SnapKind,
    /// What decided the vertical position.
    pub y: SnapKind,
}

/// What decided where one axis of a [`Snap`] went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SnapKind {
    /// Nothing within reach: the position is the pointer's.
    #[default]
    None,
    /// An edge or centre of a sibling or of the parent's content box.
    Edge,
    /// Equal spacing with the neighbours.
    Spacing,
    /// The grid (only when no edge or spacing is within reach).
    Grid,
}

/// Where candidates come from.
#[derive(Clone, Copy)]
pub(crate) enum Source {
    Index,
    Scan,
}

impl Geometry {
    fn at_point(&self, p: Point, source: Source, out: &mut Vec<WidgetId>) {
        out.clear();
        match source {
            Source::Index => self.index.at_point(p.x, p.y, |_, e| out.push(e.id)),
            Source::Scan => out.extend(
                self.boxes.iter().filter(|(_, b)| b.indexed.is_some_and(|r| contains(&r, p))).map(|(id, _)| id),
            ),
        }
    }

    fn in_rect(&self, r: Rect, touching: bool, source: Source) -> Vec<WidgetId> {
        match source {
            Source::Index => {
                let mut out = Vec::new();
                self.index.in_rect(r, !touching, |_, e| out.push(e.id));
                out
            }
            Source::Scan => self
                .boxes
                .iter()
                .filter(|(_, b)| {
                    b.indexed.is_some_and(|i| if touching { intersect(i, r).is_some() } else { inside(&i, &r) })
                })
                .map(|(id, _)| id)
                .collect(),
        }
    }

    /// Paint order: `Greater` when `a` is drawn above `b` (later in a
    /// depth-first walk: descendants over ancestors, later siblings over
    /// earlier ones).
    pub fn paint_order(&self, a: WidgetId, b: WidgetId) -> Ordering {
        if a == b {
            return Ordering::Equal;
        }
        let (mut x, mut y) = (a, b);
        let (mut dx, mut dy) = (self.boxes[x].depth, self.boxes[y].depth);
        while dx > dy {
            x = self.boxes[x].parent.expect("deeper than another widget");
            dx -= 1;
        }
        while dy > dx {
            y = self.boxes[y].parent.expect("deeper than another widget");
            dy -= 1;
        }
        if x == y {
            // One is an ancestor of the other: the descendant is on top.
            return self.boxes[a].depth.cmp(&self.boxes[b].depth);
        }
        loop {
            let (px, py) = (self.boxes[x].parent, self.boxes[y].parent);
            if px == py {
                return self.boxes[x].z.cmp(&self.boxes[y].z);
            }
            x = px.expect("same depth, different parents");
            y = py.expect("same depth, different parents");
        }
    }

    fn topmost(&self, candidates: impl Iterator<Item = WidgetId>) -> Option<WidgetId> {
        candidates.fold(None, |best, c| match best {
            Some(b) if self.paint_order(c, b) != Ordering::Greater => Some(b),
            _ => Some(c),
        })
    }

    fn selectable(b: &WidgetBox) -> bool {
        !b.hidden && !b.locked
    }

    /// The topmost visible, unlocked widget at `p`; the window when nothing
    /// else is there; `None` outside the design.
    pub fn hit_test(&self, p: Point) -> Option<WidgetId> {
        self.hit(p, Source::Index)
    }

    /// [`Geometry::hit_test`] by scanning every widget: the reference.
    pub fn hit_test_linear(&self, p: Point) -> Option<WidgetId> {
        self.hit(p, Source::Scan)
    }

    fn hit(&self, p: Point, source: Source) -> Option<WidgetId> {
        let mut best: Option<Entry> = None;
        let mut consider = |e: &Entry| {
            if e.selectable && best.is_none_or(|b| self.above(e, &b)) {
                best = Some(*e);
            }
        };
        match source {
            // The hot path: no allocation, one pass over one bucket, and the
            // bucket holds all it needs.
            Source::Index => self.index.at_point(p.x, p.y, |_, e| consider(e)),
            Source::Scan => {
                for (id, b) in &self.boxes {
                    if b.indexed.is_some_and(|r| contains(&r, p)) {
                        consider(&b.entry(id));
                    }
                }
            }
        }
        best.map(|e| e.id).or_else(|| contains(&self.boxes[self.root].rect, p).then_some(self.root))
    }

    /// Whether `a` is painted above `b`, deciding siblings and parent and
    /// child from the entries alone.
    fn above(&self, a: &Entry, b: &Entry) -> bool {
        if a.parent == b.parent {
            a.z > b.z
        } else if a.parent == Some(b.id) {
            true
        } else if b.parent == Some(a.id) {
            false
        } else {
            self.paint_order(a.id, b.id) == Ordering::Greater
        }
    }

    /// Whether `id` is one of `dragged` or inside one of them.
    fn in_dragged(&self, id: WidgetId, dragged: &[WidgetId]) -> bool {
        let mut at = Some(id);
        while let Some(a) = at {
            if dragged.contains(&a) {
                return true;
            }
            at = self.boxes.get(a).and_then(|b| b.parent);
        }
        false
    }

    /// The deepest container at `p` that can take `dragged` (never one of
    /// them or inside them), with the insertion index and marker for rows,
    /// columns and grids.
    pub fn drop_target(&self, doc: &Document, p: Point, dragged: &[WidgetId]) -> Option<DropTarget> {
        self.drop_at(doc, p, dragged, Source::Index, &mut QueryScratch::default())
    }

    /// [`Geometry::drop_target`], working in `scratch`'s buffers.
    pub fn drop_target_with(
        &self,
        doc: &Document,
        p: Point,
        dragged: &[WidgetId],
        scratch: &mut QueryScratch,
    ) -> Option<DropTarget> {
        self.drop_at(doc, p, dragged, Source::Index, scratch)
    }

    /// [`Geometry::drop_target`] by scanning every widget: the reference.
    pub fn drop_target_linear(&self, doc: &Document, p: Point, dragged: &[WidgetId]) -> Option<DropTarget> {
        self.drop_at(doc, p, dragged, Source::Scan, &mut QueryScratch::default())
    }

    fn accepts(&self, id: WidgetId, dragged: &[WidgetId]) -> bool {
        let b = &self.boxes[id];
        b.kind.is_container() && Self::selectable(b) && !self.in_dragged(id, dragged)
    }

    fn container_at(
        &self,
        p: Point,
        dragged: &[WidgetId],
        source: Source,
        candidates: &mut Vec<WidgetId>,
    ) -> Option<WidgetId> {
        self.at_point(p, source, candidates);
        self.topmost(candidates.iter().copied().filter(|c| self.accepts(*c, dragged)))
            .or_else(|| contains(&self.boxes[self.root].rect, p).then_some(self.root))
    }

    fn drop_at(
        &self,
        doc: &Document,
        p: Point,
        dragged: &[WidgetId],
        source: Source,
        scratch: &mut QueryScratch,
    ) -> Option<DropTarget> {
        let container = self.container_at(p, dragged, source, &mut scratch.candidates)?;
        Some(self.insertion(doc, container, p, dragged, &mut scratch.staying))
    }

    /// Where in `container` a drop at `p` inserts.
    fn insertion(
        &self,
        doc: &Document,
        container: WidgetId,
        p: Point,
        dragged: &[WidgetId],
        staying: &mut Vec<(WidgetId, Rect)>,
    ) -> DropTarget {
        let b = &self.boxes[container];
        let content = b.content();
        let mut target = DropTarget { container, index: None, marker: None, highlight: content };
        if b.kind == WidgetKind::Tabs || b.layout == LayoutMode::Absolute {
            return target;
        }
        staying.clear();
        staying.extend(
            doc.children(container)
                .iter()
                .filter(|c| !dragged.contains(c))
                .filter_map(|c| self.boxes.get(*c).filter(|cb| !cb.hidden).map(|cb| (*c, cb.rect))),
        );
        let staying = &staying[..];
        let gap = doc.widget(container).map_or(0.0, |w| w.number(trellis_model::PropKey::Gap));
        let vertical = |x: f32| Guide { axis: Axis::X, at: x, from: content.y, to: content.bottom() };
        let horizontal = |y: f32| Guide { axis: Axis::Y, at: y, from: content.x, to: content.right() };
        if staying.is_empty() {
            target.index = Some(0);
            target.marker =
                Some(if b.layout == LayoutMode::Column { horizontal(content.y) } else { vertical(content.x) });
            return target;
        }
        let all = doc.children(container);
        // Index among the children that stay, whatever hidden ones sit between.
        let order_of = |id: WidgetId| all.iter().filter(|c| !dragged.contains(c)).position(|c| *c == id).unwrap_or(0);
        match (b.layout, b.wrap) {
            (LayoutMode::Row, false) | (LayoutMode::Column, false) => {
                let row = b.layout == LayoutMode::Row;
                type Edge = fn(&Rect) -> f32;
                let (start, end, point): (Edge, Edge, f32) =
                    if row { (|r| r.x, |r| r.right(), p.x) } else { (|r| r.y, |r| r.bottom(), p.y) };
                // Children are in order along the main axis: search, do not scan.
                let i = staying.partition_point(|(_, r)| (start(r) + end(r)) / 2.0 < point);
                let at = if i == 0 {
                    start(&staying[0].1) - gap / 2.0
                } else if i == staying.len() {
                    end(&staying[i - 1].1) + gap / 2.0
                } else {
                    (end(&staying[i - 1].1) + start(&staying[i].1)) / 2.0
                };
                target.index =
                    Some(if i == staying.len() { order_of(staying[i - 1].0) + 1 } else { order_of(staying[i].0) });
                target.marker = Some(if row { vertical(at) } else { horizontal(at) });
            }
            _ => {
                // Wrapped rows and grids: beside the nearest child.
                let (nearest, r) = staying
                    .iter()
                    .min_by(|a, b| {
                        distance(&a.1, p).total_cmp(&distance(&b.1, p)).then(order_of(a.0).cmp(&order_of(b.0)))
                    })
                    .copied()
                    .expect("not empty");
                let column_wrap = b.layout == LayoutMode::Column;
                let after = if column_wrap { p.y > r.y + r.h / 2.0 } else { p.x > r.x + r.w / 2.0 };
                target.index = Some(order_of(nearest) + usize::from(after));
                target.marker = Some(if column_wrap {
                    let y = if after { r.bottom() + gap / 2.0 } else { r.y - gap / 2.0 };
                    Guide { axis: Axis::Y, at: y, from: r.x, to: r.right() }
                } else {
                    let x = if after { r.right() + gap / 2.0 } else { r.x - gap / 2.0 };
                    Guide { axis: Axis::X, at: x, from: r.y, to: r.bottom() }
                });
            }
        }
        target
    }

    /// Visible, unlocked widgets inside (or touching) `rect`, in paint order.
    /// The window itself is never selected.
    pub fn marquee(&self, rect: Rect, mode: Marquee) -> Vec<WidgetId> {
        self.marquee_from(rect, mode, Source::Index)
    }

    /// [`Geometry::marquee`] by scanning every widget: the reference.
    pub fn marquee_linear(&self, rect: Rect, mode: Marquee) -> Vec<WidgetId> {
        self.marquee_from(rect, mode, Source::Scan)
    }

    fn marquee_from(&self, rect: Rect, mode: Marquee, source: Source) -> Vec<WidgetId> {
        let mut found: Vec<WidgetId> = self
            .in_rect(rect, mode == Marquee::Touching, source)
            .into_iter()
            .filter(|id| Self::selectable(&self.boxes[*id]))
            .collect();
        found.sort_by(|a, b| self.paint_order(*a, *b));
        found
    }

    /// Snaps a moving rectangle to the edges and centres of its future
    /// siblings and parent, to equal spacing, or to the grid.
    pub fn snap(&self, doc: &Document, query: &SnapQuery<'_>) -> Snap {
        let mut snap = Snap::default();
        self.snap_from(doc, query, Source::Index, &mut QueryScratch::default().targets, &mut snap);
        snap
    }

    /// [`Geometry::snap`] into `out` (its guides' room kept), working in
    /// `scratch`'s buffers.
    pub fn snap_into(&self, doc: &Document, query: &SnapQuery<'_>, scratch: &mut QueryScratch, out: &mut Snap) {
        self.snap_from(doc, query, Source::Index, &mut scratch.targets, out);
    }

    /// [`Geometry::snap`] by scanning every widget: the reference.
    pub fn snap_linear(&self, doc: &Document, query: &SnapQuery<'_>) -> Snap {
        let mut snap = Snap::default();
        self.snap_from(doc, query, Source::Scan, &mut Vec::new(), &mut snap);
        snap
    }

    fn snap_from(&self, doc: &Document, q: &SnapQuery<'_>, source: Source, targets: &mut Vec<Rect>, out: &mut Snap) {
        let zoom = if q.zoom.is_finite() && q.zoom > 0.0 { q.zoom } else { 1.0 };
        let threshold = q.threshold_px.max(0.0) / zoom;
        let reach = SNAP_NEIGHBOURHOOD_PX / zoom;
        let area = Rect::new(q.rect.x - reach, q.rect.y - reach, q.rect.w + 2.0 * reach, q.rect.h + 2.0 * reach);
        // Targets are children of the parent, so one of them is inside the
        // moving widgets only if it is one of them or the parent is inside.
        let parent_moving = self.in_dragged(q.parent, q.moving);
        targets.clear();
        let mut consider = |id: WidgetId, r: &Rect, e: &Entry| {
            if e.parent == Some(q.parent) && !e.hidden && !parent_moving && !q.moving.contains(&id) {
                targets.push(if e.clipped { self.boxes[id].rect } else { *r });
            }
        };
        match source {
            Source::Scan => {
                for (id, b) in &self.boxes {
                    if let Some(r) = b.indexed.filter(|r| intersect(*r, area).is_some()) {
                        consider(id, &r, &b.entry(id));
                    }
                }
            }
            // A crowded container has an index of its own children.
            Source::Index => match self.child_index.get(&q.parent) {
                Some(grid) => grid.in_rect(area, false, |r, e| consider(e.id, r, e)),
                None => {
                    for c in doc.children(q.parent) {
                        if let Some(b) = self.boxes.get(*c)
                            && let Some(r) = b.indexed.filter(|r| intersect(*r, area).is_some())
                        {
                            consider(*c, &r, &b.entry(*c));
                        }
                    }
                }
            },
        }
        // The same answer whatever order the candidates came in (rectangles
        // that compare equal are the same, so an unstable sort, which
        // needs no buffer, gives it too).
        targets.sort_unstable_by(|a, b| {
            (a.x, a.y, a.w, a.h).partial_cmp(&(b.x, b.y, b.w, b.h)).unwrap_or(Ordering::Equal)
        });
        let targets = &targets[..];
        let parent = self.boxes.get(q.parent).map(WidgetBox::content);
        let edges_x = targets.iter().chain(parent.iter()).flat_map(|r| [r.x, r.x + r.w / 2.0, r.right()]);
        let edges_y = targets.iter().chain(parent.iter()).flat_map(|r| [r.y, r.y + r.h / 2.0, r.bottom()]);
        let moving_x = [q.rect.x, q.rect.x + q.rect.w / 2.0, q.rect.right()];
        let moving_y = [q.rect.y, q.rect.y + q.rect.h / 2.0, q.rect.bottom()];
        let edge_dx = best_offset(&moving_x, edges_x, threshold);
        let edge_dy = best_offset(&moving_y, edges_y, threshold);
        let (space_dx, gaps_x) = spacing(&q.rect, targets, Axis::X, threshold);
        let (space_dy, gaps_y) = spacing(&q.rect, targets, Axis::Y, threshold);
        let grid_origin = parent.map_or((0.0, 0.0), |p| (p.x, p.y));
        let pick = |edge: Option<f32>, space: Option<f32>, pos: f32, origin: f32| -> (f32, SnapKind) {
            match (edge, space) {
                (Some(e), Some(s)) if (s.abs(), s) < (e.abs(), e) => (s, SnapKind::Spacing),
                (Some(e), _) => (e, SnapKind::Edge),
                (None, Some(s)) => (s, SnapKind::Spacing),
                (None, None) => match q.grid.filter(|g| g.is_finite() && *g > 0.0) {
                    Some(g) => (((pos - origin) / g).round() * g + origin - pos, SnapKind::Grid),
                    None => (0.0, SnapKind::None),
                },
            }
        };
        let (dx, kind_x) = pick(edge_dx, space_dx, q.rect.x, grid_origin.0);
        let (dy, kind_y) = pick(edge_dy, space_dy, q.rect.y, grid_origin.1);
        let rect = Rect::new(q.rect.x + dx, q.rect.y + dy, q.rect.w, q.rect.h);
        out.guides.clear();
        if kind_x == SnapKind::Edge {
            edge_guides(&rect, targets, parent, Axis::X, &mut out.guides);
        }
        if kind_y == SnapKind::Edge {
            edge_guides(&rect, targets, parent, Axis::Y, &mut out.guides);
        }
        out.spacing.clear();
        if kind_x == SnapKind::Spacing
            && let Some(gaps) = gaps_x
        {
            out.spacing.push(SpacingGuide { axis: Axis::X, gaps });
        }
        if kind_y == SnapKind::Spacing
            && let Some(gaps) = gaps_y
        {
            out.spacing.push(SpacingGuide { axis: Axis::Y, gaps });
        }
        (out.rect, out.x, out.y) = (rect, kind_x, kind_y);
    }
}

fn inside(inner: &Rect, outer: &Rect) -> bool {
    inner.x >= outer.x && inner.y >= outer.y && inner.right() <= outer.right() && inner.bottom() <= outer.bottom()
}

fn distance(r: &Rect, p: Point) -> f32 {
    let dx = (r.x - p.x).max(p.x - r.right()).max(0.0);
    let dy = (r.y - p.y).max(p.y - r.bottom()).max(0.0);
    dx * dx + dy * dy
}

/// The smallest move (ties: the more negative) that brings one of the
/// moving features onto a target feature, within `threshold`.
fn best_offset(moving: &[f32; 3], targets: impl IntoIterator<Item = f32>, threshold: f32) -> Option<f32> {
    let mut best: Option<f32> = None;
    for t in targets {
        for m in moving {
            let d = t - m;
            if d.abs() <= threshold && best.is_none_or(|b| (d.abs(), d) < (b.abs(), b)) {
                best = Some(d);
            }
        }
    }
    best
}

/// A move along one axis and the two equal gaps it makes (start, end).
type SpacingOption = (f32, [(f32, f32); 2]);

/// Offsets that make the gaps to the neighbours equal: centred between
/// the nearest neighbour on each side, or repeating a neighbour's gap.
/// Allocates nothing.
fn spacing(r: &Rect, targets: &[Rect], axis: Axis, threshold: f32) -> (Option<f32>, Option<[Rect; 2]>) {
    // Work along `axis`: (start, end) on it, and (start, end) across it.
    let along = |t: &Rect| if axis == Axis::X { (t.x, t.right()) } else { (t.y, t.bottom()) };
    let across = |t: &Rect| if axis == Axis::X { (t.y, t.bottom()) } else { (t.x, t.right()) };
    let (ms, me) = along(r);
    let (cs, ce) = across(r);
    let band = || targets.iter().filter(|t| across(t).0 < ce && across(t).1 > cs);
    let before = band().filter(|t| along(t).1 <= ms + threshold).max_by(|a, b| along(a).1.total_cmp(&along(b).1));
    let after = band().filter(|t| along(t).0 >= me - threshold).min_by(|a, b| along(a).0.total_cmp(&along(b).0));
    // The options in a fixed order; the first of the smallest moves wins.
    let mut options: [Option<SpacingOption>; 3] = [None; 3];
    if let (Some(a), Some(b)) = (before, after) {
        let len = me - ms;
        let start = (along(a).1 + along(b).0 - len) / 2.0;
        if start >= along(a).1 {
            options[0] = Some((start - ms, [(along(a).1, start), (start + len, along(b).0)]));
        }
    }
    if let Some(a) = before {
        let behind = band().filter(|t| along(t).1 <= along(a).0).max_by(|x, y| along(x).1.total_cmp(&along(y).1));
        if let Some(aa) = behind {
            let gap = along(a).0 - along(aa).1;
            let start = along(a).1 + gap;
            options[1] = Some((start - ms, [(along(aa).1, along(a).0), (along(a).1, start)]));
        }
    }
    if let Some(b) = after {
        let beyond = band().filter(|t| along(t).0 >= along(b).1).min_by(|x, y| along(x).0.total_cmp(&along(y).0));
        if let Some(bb) = beyond {
            let gap = along(bb).0 - along(b).1;
            let end = along(b).0 - gap;
            options[2] = Some((end - me, [(end, along(b).0), (along(b).1, along(bb).0)]));
        }
    }
    let best = options
        .into_iter()
        .flatten()
        .filter(|(d, _)| d.abs() <= threshold)
        .min_by(|a, b| (a.0.abs(), a.0).partial_cmp(&(b.0.abs(), b.0)).unwrap_or(Ordering::Equal));
    match best {
        Some((d, spans)) => {
            let gaps = spans.map(|(s, e)| {
                if axis == Axis::X { Rect::new(s, cs, e - s, ce - cs) } else { Rect::new(cs, s, ce - cs, e - s) }
            });
            (Some(d), Some(gaps))
        }
        None => (None, None),
    }
}

/// Guides for every target feature the snapped rectangle lines up with.
fn edge_guides(r: &Rect, targets: &[Rect], parent: Option<Rect>, axis: Axis, guides: &mut Vec<Guide>) {
    let features = |t: &Rect| {
        if axis == Axis::X { [t.x, t.x + t.w / 2.0, t.right()] } else { [t.y, t.y + t.h / 2.0, t.bottom()] }
    };
    let span = |t: &Rect| if axis == Axis::X { (t.y, t.bottom()) } else { (t.x, t.right()) };
    let mine = features(r);
    // The other axis's guides come first; a guide merges with its own axis's.
    let first = guides.len();
    for t in targets.iter().chain(parent.iter()) {
        for f in features(t) {
            if mine.iter().any(|m| (m - f).abs() < 0.01) {
                let (a0, a1) = span(r);
                let (b0, b1) = span(t);
                match guides[first..].iter_mut().find(|g| (g.at - f).abs() < 0.01) {
                    Some(g) => {
                        g.from = g.from.min(b0);
                        g.to = g.to.max(b1);
                    }
                    None => guides.push(Guide { axis, at: f, from: a0.min(b0), to: a1.max(b1) }),
                }
            }
        }
    }
}
