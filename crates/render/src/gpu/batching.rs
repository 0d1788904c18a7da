//! Paint order between shapes and text. Shapes are instanced and text goes
//! through glyphon, each in one draw, so a region's items are split into
//! batches: a batch draws its shapes, then its text, and a shape that would
//! cover text of the current batch starts the next one.

use std::ops::Range;

use trellis_model::Rect;

use super::GpuRenderer;
use crate::display_list::{DisplayList, Primitive};

/// The most render batches a region splits into (each has a text renderer).
const MAX_BATCHES: usize = 256;

/// The draws of one batch: instance ranges, then texts (item, primitive).
#[derive(Debug, Default)]
pub(super) struct Batch {
    /// Which of the frame's regions this batch draws in.
    pub(super) region: usize,
    /// Instance ranges, and whether a range needs the special pipeline.
    pub(super) shapes: Vec<(Range<u32>, bool)>,
    pub(super) texts: Vec<(usize, usize)>,
    /// Greeked text, as bars in the frame's instances: drawn where the
    /// batch's text is.
    pub(super) bars: Range<u32>,
}

impl GpuRenderer {
    /// Which items to draw for `region`, in batches that keep paint order.
    pub(super) fn plan(&self, list: &DisplayList, region: &Rect) -> Vec<Batch> {
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
                        Some((last, s)) if last.end == start && *s == special => last.end = end,
                        _ => batch.shapes.push((start..end, special)),
                    }
                    start = end;
                }
            }
            for (j, prim) in item.primitives.iter().enumerate() {
                if let Primitive::Text { rect, .. } = prim {
                    batch.texts.push((i, j));
                    covered.mark(rect);
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
