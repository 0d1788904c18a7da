//! Paint order between shapes and text. Shapes are instanced and text goes
//! through glyphon, each in one draw, so a region's items are split into
//! batches: a batch draws its shapes, then its text, and a shape that would
//! cover text of the current batch starts the next one. Greeked text (too
//! small to read, drawn as bars) is instanced like the shapes: it keeps its
//! place among them and never starts a batch; a batch holding some is
//! gathered, shapes and bars in paint order, into the frame's instances.

use std::ops::Range;

use trellis_model::Rect;

use super::GpuRenderer;
use crate::display_list::{DisplayList, Primitive};

/// The most render batches a region splits into (each has a text renderer).
const MAX_BATCHES: usize = 256;

/// The draws of one batch: shapes and greeked text in paint order, then
/// texts (item, primitive).
#[derive(Debug, Default)]
pub(super) struct Batch {
    /// Which of the frame's regions this batch draws in.
    pub(super) region: usize,
    /// Ranges of the retained instances, whether a range needs the
    /// special pipeline, and greeked texts between them.
    pub(super) shapes: Vec<Run>,
    pub(super) texts: Vec<(usize, usize)>,
    /// Where the batch holds greeked text: its shapes and bars copied, in
    /// order, into the frame's instances, as runs of one pipeline each.
    /// Empty otherwise: the shapes are drawn from the retained instances.
    pub(super) gathered: Vec<(Range<u32>, bool)>,
}

/// A part of a batch's shapes.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Run {
    /// Retained instances, and whether they need the special pipeline.
    Shapes(Range<u32>, bool),
    /// A text drawn as bars: item and primitive.
    Greeked(usize, usize),
}

impl Batch {
    /// Whether the batch's shapes are gathered into the frame's instances.
    pub(super) fn has_greeked(&self) -> bool {
        self.shapes.iter().any(|r| matches!(r, Run::Greeked(..)))
    }

    /// Instances the batch draws: retained shapes, or gathered ones.
    pub(super) fn instances(&self) -> usize {
        if self.gathered.is_empty() {
            self.shapes.iter().map(|r| if let Run::Shapes(r, _) = r { r.len() } else { 0 }).sum()
        } else {
            self.gathered.iter().map(|(r, _)| r.len()).sum()
        }
    }
}

impl GpuRenderer {
    /// Which items to draw for `region`, in batches that keep paint order,
    /// at `factor` device pixels per design unit (which text is greeked).
    pub(super) fn plan(&self, list: &DisplayList, region: &Rect, factor: f32) -> Vec<Batch> {
        let mut batches = vec![Batch::default()];
        // Coarse cells covered by the current batch's text.
        let mut covered = CoverGrid::new(*region);
        for (i, item) in list.items.iter().enumerate() {
            if !overlaps(&item.bounds, region) {
                continue;
            }
            let has_shapes = !self.ranges[i].is_empty();
            // Past the cap, paint order between shapes and text is given up
            // rather than the pool of text renderers growing without bound.
            if has_shapes && batches.len() < MAX_BATCHES && covered.any(&item.bounds) {
                batches.push(Batch::default());
                covered.clear();
            }
            let batch = batches.last_mut().expect("never empty");
            if has_shapes {
                // Runs of one pipeline each: a window's shadow needs the
                // dear one, its full-canvas fill does not.
                let r = self.ranges[i].clone();
                let mut start = r.start;
                while start < r.end {
                    let special = self.instances[start as usize].is_special();
                    let mut end = start + 1;
                    while end < r.end && self.instances[end as usize].is_special() == special {
                        end += 1;
                    }
                    match batch.shapes.last_mut() {
                        Some(Run::Shapes(last, s)) if last.end == start && *s == special => last.end = end,
                        _ => batch.shapes.push(Run::Shapes(start..end, special)),
                    }
                    start = end;
                }
            }
            for (j, prim) in item.primitives.iter().enumerate() {
                if let Primitive::Text { rect, size, .. } = prim {
                    if crate::text::greeked(*size, factor) {
                        batch.shapes.push(Run::Greeked(i, j));
                    } else {
                        batch.texts.push((i, j));
                        covered.mark(rect);
                    }
                }
            }
        }
        batches
    }
}

fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.x <= b.right() && b.x <= a.right() && a.y <= b.bottom() && b.y <= a.bottom()
}

/// Which coarse cells of a region some text covers.
struct CoverGrid {
    region: Rect,
    cell: f32,
    columns: usize,
    rows: usize,
    cells: Vec<bool>,
}

impl CoverGrid {
    const SIDE: usize = 48;

    fn new(region: Rect) -> Self {
        let cell = (region.w.max(region.h) / Self::SIDE as f32).max(1.0);
        let columns = ((region.w / cell).ceil() as usize).clamp(1, Self::SIDE);
        let rows = ((region.h / cell).ceil() as usize).clamp(1, Self::SIDE);
        CoverGrid { region, cell, columns, rows, cells: vec![false; columns * rows] }
    }

    fn span(&self, r: &Rect) -> Option<(Range<usize>, Range<usize>)> {
        let x0 = ((r.x - self.region.x) / self.cell).floor().max(0.0) as usize;
        let y0 = ((r.y - self.region.y) / self.cell).floor().max(0.0) as usize;
        let x1 = (((r.right() - self.region.x) / self.cell).floor().max(0.0) as usize).min(self.columns - 1);
        let y1 = (((r.bottom() - self.region.y) / self.cell).floor().max(0.0) as usize).min(self.rows - 1);
        (x0 <= x1 && y0 <= y1).then_some((x0..x1 + 1, y0..y1 + 1))
    }

    fn mark(&mut self, r: &Rect) {
        if let Some((xs, ys)) = self.span(r) {
            for y in ys {
                for x in xs.clone() {
                    self.cells[y * self.columns + x] = true;
                }
            }
        }
    }

    fn any(&self, r: &Rect) -> bool {
        self.span(r)
            .is_some_and(|(xs, ys)| ys.into_iter().any(|y| xs.clone().any(|x| self.cells[y * self.columns + x])))
    }

    fn clear(&mut self) {
        self.cells.fill(false);
    }
}
