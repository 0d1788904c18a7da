//! Which parts of the canvas a frame redraws: the damage the caller reports,
//! merged into a few regions and grown to whole device pixels.

use trellis_model::Rect;

use super::Redraw;
use crate::view::View;

/// A part of the canvas one frame redraws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Region {
    /// In design units: what is drawn.
    pub(super) design: Rect,
    /// In device pixels (x, y, w, h): the scissor it is drawn under.
    pub(super) scissor: (u32, u32, u32, u32),
}

/// The regions a frame redraws: the whole view when `full`, else the
/// clustered damage of `redraw`.
pub(super) fn regions(view: &View, redraw: &Redraw, full: bool) -> Vec<Region> {
    let damage = if full {
        vec![view.visible()]
    } else {
        match redraw {
            Redraw::Regions(r) => cluster(r),
            _ => Vec::new(),
        }
    };
    damage.into_iter().filter_map(|r| region(view, r)).collect()
}

/// The region redrawing design rectangle `r`: one device pixel more, for
/// antialiased edges that reach past bounds, in whole device pixels cut
/// to the target; `None` off the target.
pub(super) fn region(view: &View, r: Rect) -> Option<Region> {
    let m = 1.0 / view.factor();
    let design = Rect::new(r.x - m, r.y - m, r.w + 2.0 * m, r.h + 2.0 * m);
    view.device_pixels(&design).map(|scissor| Region { design, scissor })
}

/// The device-pixel box around every region's scissor.
pub(super) fn extent(regions: &[Region]) -> Option<(u32, u32, u32, u32)> {
    regions.iter().map(|r| r.scissor).reduce(|a, b| {
        let (x0, y0) = (a.0.min(b.0), a.1.min(b.1));
        let (x1, y1) = ((a.0 + a.2).max(b.0 + b.2), (a.1 + a.3).max(b.1 + b.3));
        (x0, y0, x1 - x0, y1 - y0)
    })
}

/// Merges damage rectangles into a few regions to redraw: two merge when
/// their union is not much larger than both together (a widget's old and
/// new places a step apart), and stay apart when far from each other (a
/// widget dropped across the canvas), so that the space between them is
/// not redrawn for nothing.
fn cluster(rects: &[Rect]) -> Vec<Rect> {
    const MAX_REGIONS: usize = 8;
    let area = |r: &Rect| r.w.max(0.0) * r.h.max(0.0);
    let mut out: Vec<Rect> = Vec::new();
    for r in rects.iter().filter(|r| r.w > 0.0 && r.h > 0.0) {
        out.push(*r);
        // Merge until no pair is worth merging.
        loop {
            let mut best = None;
            for i in 0..out.len() {
                for j in i + 1..out.len() {
                    let u = out[i].union(&out[j]);
                    let worth = area(&u) <= 1.5 * (area(&out[i]) + area(&out[j])) || out.len() > MAX_REGIONS;
                    if worth && best.is_none_or(|(_, _, a)| area(&u) < a) {
                        best = Some((i, j, area(&u)));
                    }
                }
            }
            let Some((i, j, _)) = best else { break };
            let merged = out[i].union(&out[j]);
            out.swap_remove(j);
            out[i] = merged;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damage_next_to_each_other_merges_and_far_apart_stays_apart() {
        let a = Rect::new(0.0, 0.0, 100.0, 50.0);
        let step = Rect::new(4.0, 2.0, 100.0, 50.0);
        assert_eq!(cluster(&[a, step]), vec![a.union(&step)]);
        let far = Rect::new(900.0, 700.0, 100.0, 50.0);
        assert_eq!(cluster(&[a, far]).len(), 2, "the space between a drag's start and end is not redrawn");
        // However many rectangles, a bounded number of regions.
        let many: Vec<Rect> = (0..40).map(|i| Rect::new(i as f32 * 300.0, 0.0, 10.0, 10.0)).collect();
        assert!(cluster(&many).len() <= 8);
        assert!(cluster(&[]).is_empty());
    }
}
