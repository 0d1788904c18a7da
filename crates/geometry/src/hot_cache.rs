//! A cache for the queries a drag repeats every frame.
//!
//! A drag asks "what is under the pointer?" and "where would this land?"
//! dozens of times a second, with the pointer a few pixels from where it
//! was. On a miss the cache computes, beside the answer, a rectangle around
//! the point inside which the answer cannot change: no widget that could
//! decide it starts or ends there. Later queries strictly inside that
//! rectangle, while the layout version is the same, reuse the answer. Any
//! layout change invalidates it.

use trellis_model::{Document, LayoutMode, Rect, WidgetId, WidgetKind};

use crate::layout::Geometry;
use crate::query::{DropTarget, Point, QueryScratch, Snap, SnapQuery, contains};

/// How far from the query point a cached answer may reach, in design pixels.
const REGION_REACH: f32 = 96.0;

#[derive(Clone, Debug)]
struct Region {
    left: f32,
    top: f32,
    right: f32,
    bottom: f32,
}

impl Region {
    fn everything() -> Self {
        Self { left: f32::NEG_INFINITY, top: f32::NEG_INFINITY, right: f32::INFINITY, bottom: f32::INFINITY }
    }

    fn holds(&self, p: Point) -> bool {
        self.left < p.x && p.x < self.right && self.top < p.y && p.y < self.bottom
    }

    /// Shrinks to the inside of `r` (which contains the point).
    fn within(&mut self, r: &Rect) {
        self.left = self.left.max(r.x);
        self.top = self.top.max(r.y);
        self.right = self.right.min(r.right());
        self.bottom = self.bottom.min(r.bottom());
    }

    /// Shrinks to stay out of `r` (which does not contain the point),
    /// cutting along the side that keeps the most room.
    fn outside(&mut self, r: &Rect, p: Point) {
        let cuts = [
            (p.x < r.x).then(|| Region { right: self.right.min(r.x), ..self.clone() }),
            (p.x > r.right()).then(|| Region { left: self.left.max(r.right()), ..self.clone() }),
            (p.y < r.y).then(|| Region { bottom: self.bottom.min(r.y), ..self.clone() }),
            (p.y > r.bottom()).then(|| Region { top: self.top.max(r.bottom()), ..self.clone() }),
        ];
        let area = |c: &Region| (c.right - c.left) * (c.bottom - c.top);
        *self = cuts
            .into_iter()
            .flatten()
            .filter(|c| c.holds(p))
            .max_by(|a, b| area(a).total_cmp(&area(b)))
            .unwrap_or(Region { left: p.x, top: p.y, right: p.x, bottom: p.y });
    }

    fn as_rect(&self) -> Rect {
        Rect::new(self.left, self.top, self.right - self.left, self.bottom - self.top)
    }
}

#[derive(Clone, Debug)]
struct Cached<T> {
    version: u64,
    region: Region,
    answer: T,
}

/// Reuses hit-test and drop-target answers near the last query point.
#[derive(Debug, Default)]
pub struct QueryCache {
    hit: Option<Cached<Option<WidgetId>>>,
    drop: Option<(Vec<WidgetId>, Cached<Option<DropTarget>>)>,
    /// Queries answered from the cache.
    pub hits: u64,
    /// Queries computed.
    pub misses: u64,
    /// The buffers queries work in, kept from query to query: a drag
    /// asks for a drop target and a snap every frame.
    scratch: QueryScratch,
    others: Vec<Rect>,
}

impl QueryCache {
    /// An empty cache: the first query of each kind is computed.
    pub fn new() -> Self {
        Self::default()
    }

    /// [`Geometry::hit_test`], reusing the last answer where it still holds.
    pub fn hit_test(&mut self, geometry: &Geometry, p: Point) -> Option<WidgetId> {
        if let Some(c) = &self.hit
            && c.version == geometry.version()
            && c.region.holds(p)
        {
            self.hits += 1;
            return c.answer;
        }
        self.misses += 1;
        let answer = geometry.hit_test(p);
        // The answer depends only on which widgets contain the point.
        let region = region_of_candidates(geometry, p, |_| true, &mut self.others);
        self.hit = Some(Cached { version: geometry.version(), region, answer });
        answer
    }

    /// [`Geometry::snap`] into `out`, in the cache's buffers. Not cached:
    /// a snap moves with every step of a drag.
    pub fn snap(&mut self, geometry: &Geometry, doc: &Document, query: &SnapQuery<'_>, out: &mut Snap) {
        geometry.snap_into(doc, query, &mut self.scratch, out);
        self.scratch.trim();
    }

    /// [`Geometry::drop_target`], reusing the last answer where it still holds.
    pub fn drop_target(
        &mut self,
        geometry: &Geometry,
        doc: &Document,
        p: Point,
        dragged: &[WidgetId],
    ) -> Option<DropTarget> {
        if let Some((d, c)) = &self.drop
            && d == dragged
            && c.version == geometry.version()
            && c.region.holds(p)
        {
            self.hits += 1;
            return c.answer.clone();
        }
        self.misses += 1;
        let answer = geometry.drop_target_with(doc, p, dragged, &mut self.scratch);
        self.scratch.trim();
        // Only containers can decide the target.
        let mut region = region_of_candidates(geometry, p, |b| b.kind.is_container(), &mut self.others);
        if let Some(t) = &answer {
            let b = &geometry.boxes[t.container];
            match (b.kind, b.layout, b.wrap) {
                (WidgetKind::Tabs, _, _) | (_, LayoutMode::Absolute, _) => {}
                (_, LayoutMode::Row | LayoutMode::Column, false) => {
                    // The index changes where the pointer crosses a child's middle.
                    let row = b.layout == LayoutMode::Row;
                    let point = if row { p.x } else { p.y };
                    for c in doc.children(t.container) {
                        if dragged.contains(c) || geometry.is_hidden(*c) {
                            continue;
                        }
                        let r = geometry.boxes[*c].rect;
                        let mid = if row { r.x + r.w / 2.0 } else { r.y + r.h / 2.0 };
                        match (row, mid < point) {
                            (true, true) => region.left = region.left.max(mid),
                            (true, false) => region.right = region.right.min(mid),
                            (false, true) => region.top = region.top.max(mid),
                            (false, false) => region.bottom = region.bottom.min(mid),
                        }
                    }
                }
                // Nearest-child rules: not worth a region; recompute each time.
                _ => region = Region { left: p.x, top: p.y, right: p.x, bottom: p.y },
            }
        }
        // The dragged list's vector is kept from miss to miss: a drag misses
        // every few frames, and a fresh copy each time was an allocation.
        let mut kept = self.drop.take().map(|(d, _)| d).unwrap_or_default();
        kept.clear();
        kept.extend_from_slice(dragged);
        self.drop = Some((kept, Cached { version: geometry.version(), region, answer: answer.clone() }));
        answer
    }
}

/// A region around `p` where the set of widgets (that `matters`) containing
/// the point stays the same.
fn region_of_candidates(
    geometry: &Geometry,
    p: Point,
    matters: impl Fn(&crate::layout::WidgetBox) -> bool,
    others: &mut Vec<Rect>,
) -> Region {
    if !contains(&geometry.bounds(), p) {
        // Outside the design: nothing to reuse.
        return Region { left: p.x, top: p.y, right: p.x, bottom: p.y };
    }
    let mut region = Region::everything();
    region.within(&geometry.bounds());
    // Only a neighbourhood is worth describing: a miss must stay cheap even
    // in empty space, where the candidates alone would allow the whole design.
    region.within(&Rect::new(p.x - REGION_REACH, p.y - REGION_REACH, 2.0 * REGION_REACH, 2.0 * REGION_REACH));
    geometry.index.at_point(p.x, p.y, |r, e| {
        if matters(&geometry.boxes[e.id]) {
            region.within(r);
        }
    });
    others.clear();
    geometry.index.in_rect(region.as_rect(), false, |r, e| {
        if matters(&geometry.boxes[e.id]) && !contains(r, p) {
            others.push(*r);
        }
    });
    for r in others.iter() {
        region.outside(r, p);
    }
    region
}
