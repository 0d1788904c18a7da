//! The editor's overlays, as the renderer's overlay layer draws them.

use trellis_editor::Overlays;
use trellis_geometry::{Axis, Guide, Point};
use trellis_render::OverlayLayer;

fn line(g: &Guide) -> (Point, Point) {
    match g.axis {
        // A guide on x is a vertical line.
        Axis::X => (Point::new(g.at, g.from), Point::new(g.at, g.to)),
        Axis::Y => (Point::new(g.from, g.at), Point::new(g.to, g.at)),
    }
}

/// Fills `layer` (emptied first) with what `o` shows, in paint order:
/// hover under selection, guides over both, drag feedback on top.
pub fn paint(o: &Overlays, layer: &mut OverlayLayer) {
    layer.clear();
    if let Some(r) = o.hover {
        layer.hover(r);
    }
    if let Some(r) = o.drop_target {
        layer.drop_target(r);
    }
    for r in &o.selection {
        layer.selection(*r);
    }
    for (_, p) in &o.handles {
        layer.handle(*p);
    }
    for g in &o.guides {
        let (a, b) = line(g);
        layer.guide(a, b);
    }
    for s in &o.spacing {
        for gap in &s.gaps {
            // Equal gaps show as a bar across the middle of each gap.
            let (a, b) = match s.axis {
                Axis::X => (Point::new(gap.x, gap.y + gap.h / 2.0), Point::new(gap.right(), gap.y + gap.h / 2.0)),
                Axis::Y => (Point::new(gap.x + gap.w / 2.0, gap.y), Point::new(gap.x + gap.w / 2.0, gap.bottom())),
            };
            layer.spacing(a, b);
        }
    }
    if let Some(g) = &o.insertion {
        let (a, b) = line(g);
        layer.insertion(a, b);
    }
    if let Some(m) = o.marquee {
        layer.marquee(m);
    }
    if let Some(g) = &o.ghost {
        layer.ghost(g.rect, g.lift);
    }
    layer.trail(&o.trail);
}
