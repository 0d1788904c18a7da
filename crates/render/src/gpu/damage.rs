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

/// The buffers a frame works out its regions in, kept by the renderer
/// from frame to frame so that a frame allocates none of them (a drag
/// frame made eight such vectors). Each is emptied before use.
#[derive(Debug, Default)]
pub(super) struct DamageScratch {
    /// The frame's regions, handed out with [`DamageScratch::take_regions`]
    /// and given back at the end of the frame.
    pub(super) regions: Vec<Region>,
    /// Regions being split ([`split_at`]).
    pub(super) split: Vec<Region>,
    /// Damage rectangles before clustering, and after.
    pub(super) rects: Vec<Rect>,
    pub(super) clustered: Vec<Rect>,
    /// Where the frame is composed again ([`super::compose::Composed::damage`]).
    pub(super) compose: Vec<(u32, u32, u32, u32)>,
}

/// Past this many elements, a buffer of [`DamageScratch`] is not kept: a
/// frame of many regions is rare, and its room would be held for good.
const MAX_KEPT: usize = 1024;

impl DamageScratch {
    /// The regions buffer, emptied, for a frame to fill.
    pub(super) fn take_regions(&mut self) -> Vec<Region> {
        let mut regions = std::mem::take(&mut self.regions);
        regions.clear();
        regions
    }

    /// Takes back a frame's regions buffer (and lets go of any buffer
    /// grown past [`MAX_KEPT`]).
    pub(super) fn give_back(&mut self, regions: Vec<Region>) {
        if regions.capacity() <= MAX_KEPT {
            self.regions = regions;
        }
        for capacity in [self.split.capacity(), self.rects.capacity(), self.clustered.capacity()] {
            if capacity > MAX_KEPT {
                (self.split, self.rects, self.clustered) = Default::default();
                break;
            }
        }
        if self.compose.capacity() > MAX_KEPT {
            self.compose = Vec::new();
        }
    }
}

/// The regions a frame redraws, into `out` (emptied first): the whole
/// view when `full`, else the clustered damage of `redraw`.
pub(super) fn regions(view: &View, redraw: &Redraw, full: bool, scratch: &mut DamageScratch, out: &mut Vec<Region>) {
    out.clear();
    if full {
        out.extend(region(view, view.visible()));
        return;
    }
    if let Some(rects) = redraw.regions() {
        cluster_into(rects, &mut scratch.clustered);
        out.extend(scratch.clustered.iter().filter_map(|r| region(view, *r)));
    }
}

/// The region redrawing design rectangle `r`: one device pixel more, for
/// antialiased edges that reach past bounds, in whole device pixels cut
/// to the target; `None` off the target. What it draws is taken from the
/// scissor, not from `r`: the scissor's edge, rounded out from a design
/// edge that lands a hair short of a whole pixel, can hold a pixel more
/// than `r` grown by one, and an item ending in that pixel was left out
/// while the pixel was cleared and drawn without it.
pub(super) fn region(view: &View, r: Rect) -> Option<Region> {
    view.device_pixels(&view.grown_by_a_pixel(&r)).map(|scissor| piece(view, scissor))
}

/// Splits each region that crosses the edge of `inside` (a design box some
/// item paints opaque, the root window's) into the part within it and the
/// strips around that part, when that part is most of the region. The part
/// within needs no clear and nothing under that item drawn (`plan`): a
/// bulk edit or a reflow that reaches the window's edge damages a region
/// just past it, and drawn whole that region's clear and the layers under
/// the window were pixels shaded for nothing.
pub(super) fn split_at(regions: &mut Vec<Region>, inside: &Rect, view: &View, out: &mut Vec<Region>) {
    let f = view.factor();
    let to_device = |v: f32, o: f32| (v - o) * f;
    let (ix0, iy0) = (to_device(inside.x, view.origin.x).ceil(), to_device(inside.y, view.origin.y).ceil());
    let (ix1, iy1) =
        (to_device(inside.right(), view.origin.x).floor(), to_device(inside.bottom(), view.origin.y).floor());
    out.clear();
    for region in regions.drain(..) {
        let (x, y, w, h) = region.scissor;
        let (x0, y0, x1, y1) = (x as f32, y as f32, (x + w) as f32, (y + h) as f32);
        let (mx0, my0, mx1, my1) = (x0.max(ix0), y0.max(iy0), x1.min(ix1), y1.min(iy1));
        let middle = (mx1 - mx0).max(0.0) * (my1 - my0).max(0.0);
        let whole = (x1 - x0) * (y1 - y0);
        if middle >= whole || middle < whole / 2.0 {
            out.push(region);
            continue;
        }
        let pieces =
            [(mx0, my0, mx1, my1), (x0, y0, x1, my0), (x0, my1, x1, y1), (x0, my0, mx0, my1), (mx1, my0, x1, my1)];
        for (a, b, c, d) in pieces {
            if c > a && d > b {
                out.push(piece(view, (a as u32, b as u32, (c - a) as u32, (d - b) as u32)));
            }
        }
    }
    std::mem::swap(regions, out);
}

/// The region drawn under scissor `s`, with a device pixel of design
/// around it, as [`region`] gives it.
pub(super) fn piece(view: &View, s: (u32, u32, u32, u32)) -> Region {
    Region { design: view.grown_by_a_pixel(&view.covered_by_pixels(s)), scissor: s }
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
#[cfg(test)]
pub(super) fn cluster(rects: &[Rect]) -> Vec<Rect> {
    let mut out = Vec::new();
    cluster_into(rects, &mut out);
    out
}

/// As [`cluster`], into `out` (emptied first).
pub(super) fn cluster_into(rects: &[Rect], out: &mut Vec<Rect>) {
    const MAX_REGIONS: usize = 8;
    let area = |r: &Rect| r.w.max(0.0) * r.h.max(0.0);
    out.clear();
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

    /// Regression: a region culled items by the damage grown by a pixel,
    /// while its scissor, rounded out from that, could start a pixel
    /// further (a tile's edge a hair short of a whole pixel): an item
    /// ending in that pixel was left out where the pixel was drawn. Over
    /// views of many origins, zooms and scales, every tile's region culls
    /// by a design box holding its whole scissor.
    #[test]
    fn a_region_culls_by_a_design_box_holding_its_whole_scissor() {
        for k in 0..3000u16 {
            let view = View {
                origin: trellis_geometry::Point::new(
                    -200.0 + f32::from(k % 401) * 1.37,
                    -100.0 + f32::from(k % 307) * 0.93,
                ),
                zoom: 0.05 + f32::from(k % 97) * 0.0413,
                scale: [1.0, 1.25, 2.0][usize::from(k % 3)],
                width: 640,
                height: 400,
                background: trellis_model::Color::rgb(0, 0, 0),
            };
            let f = view.factor();
            for (px, py) in (0..640u16).step_by(32).map(|x| (x, (x * 3) % 400)) {
                let (px, py) = (f32::from(px), f32::from(py));
                let tile = Rect::new(view.origin.x + px / f, view.origin.y + py / f, 32.0 / f, 32.0 / f);
                let Some(region) = region(&view, tile) else { continue };
                let d = view.to_device(&region.design);
                let (x, y, w, h) = region.scissor;
                let (x0, y0, x1, y1) = (x as f32, y as f32, (x + w) as f32, (y + h) as f32);
                assert!(
                    d.x <= x0 && d.y <= y0 && d.right() >= x1 && d.bottom() >= y1,
                    "view {view:?}, tile at ({px}, {py}): scissor {:?} culled by {d:?}",
                    region.scissor
                );
            }
        }
    }
}
