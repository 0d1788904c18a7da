//! The frame texture is the canvas with the overlays drawn over it. Made
//! whole, that is a copy of every pixel and every overlay instance drawn
//! again each frame, whatever changed: with everything selected at 100,000
//! widgets, 22,000 outline strokes cost 17 ms a frame on lavapipe with
//! nothing else to do. A frame composes again only where the canvas was
//! redrawn or an overlay changed, came or went (or pulses). Where a copy
//! moved the canvas's pixels (a nudge of everything), it moves the frame's
//! with them, overlays included: selection outlines that moved the same
//! distance are then not drawn again.

use trellis_geometry::Point;
use trellis_model::Rect;

use super::damage::{self, Region};
use super::instances::Instance;
use crate::view::View;

/// What the frame texture shows over the canvas.
#[derive(Debug, Default)]
pub(super) struct Composed {
    /// The overlay instances drawn, in order.
    instances: Vec<Instance>,
    /// The view they were drawn in; `None` when the frame texture holds
    /// something else (nothing yet, or a scratch copy a pan or a resample
    /// made).
    view: Option<View>,
    /// A copy that moved the frame's pixels since they were drawn.
    moved: Option<Moved>,
}

/// A move of part of the frame's pixels: copied into the spare texture,
/// which became the frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Moved {
    /// The device pixels copied.
    pub(super) from: Scissor,
    /// Where they went: `from` moved by `pixels`, cut to the target.
    pub(super) to: Scissor,
    /// The move in device pixels.
    pub(super) pixels: (i32, i32),
    /// The move the copy stands for, in design units (`pixels` is it
    /// rounded to whole device pixels).
    pub(super) by: Point,
}

impl Composed {
    /// The frame texture no longer shows a composed frame.
    pub(super) fn forget(&mut self) {
        self.view = None;
        self.moved = None;
    }

    /// Whether the frame texture shows a frame composed in `view` with at
    /// least `overlays` overlay instances, none of them pulsing: then
    /// moving its pixels with the canvas's costs less than composing it
    /// again whole.
    pub(super) fn worth_moving(&self, view: &View, overlays: usize) -> bool {
        self.view.as_ref() == Some(view)
            && self.moved.is_none()
            && self.instances.len() >= overlays
            && !self.instances.iter().any(Instance::pulses)
    }

    /// The device pixels the overlays drawn paint, at most.
    pub(super) fn painted_extent(&self, view: &View) -> Option<Rect> {
        self.instances.iter().map(|i| view.to_device(&painted(i, view))).reduce(|a, b| a.union(&b))
    }

    /// A copy moved the frame's pixels (see [`Composed::worth_moving`]).
    pub(super) fn moved(&mut self, moved: Moved) {
        self.moved = Some(moved);
    }

    /// Records what the frame now shows, keeping the vector's room.
    pub(super) fn record(&mut self, instances: &[Instance], view: &View) {
        self.instances.clear();
        self.instances.extend_from_slice(instances);
        self.view = Some(*view);
        self.moved = None;
    }

    /// The regions of the frame to compose again, into `scratch.compose`
    /// (`true`), or `false` for all of it: the canvas regions redrawn, and the bounds of the overlays
    /// that differ from those drawn (the run between the first and the
    /// last that differ) or pulse, as boxes of device pixels that do not
    /// overlap. Past half of the frame, all of it.
    ///
    /// After a copy moved the frame's pixels, an overlay that moved as far
    /// as everything counts as the same where the copy carried all of it:
    /// its pixels are where it is drawn now, or, where the move was a
    /// fraction of a pixel, within half a pixel of it, as the canvas's are,
    /// and the renderer has then marked every pixel the copy wrote stale
    /// or drew it exactly now (the frame is composed again, exactly,
    /// wherever the canvas is). Any other old overlay is damage where it
    /// was, where the copy put it and where it is now; so is what the copy
    /// read but did not write over.
    pub(super) fn damage(
        &self,
        now: &[Instance],
        view: &View,
        canvas: &[Region],
        scratch: &mut damage::DamageScratch,
    ) -> bool {
        if self.view.as_ref() != Some(view) {
            return false;
        }
        let old = &self.instances[..];
        // Where the canvas was drawn; `region` below grows it by the pixel
        // of antialiasing (a region's own design box has that pixel already).
        let rects = &mut scratch.rects;
        rects.clear();
        rects.extend(canvas.iter().map(|r| view.covered_by_pixels(r.scissor)));
        if let Some(m) = self.moved {
            let f = view.factor();
            let (dx, dy) = (m.pixels.0 as f32 / f, m.pixels.1 as f32 / f);
            // What the copy read but did not write over shows the canvas
            // as it was before the move (the spare's pixels): the old
            // overlays are gone from there, the new may lie over it.
            rects.extend(super::refine::subtract(m.from, m.to).map(|s| damage::piece(view, s).design));
            let paired = old.len() == now.len();
            for (k, o) in old.iter().enumerate() {
                let p = painted(o, view);
                // Only its pixels on the target need to have been carried.
                if paired
                    && on_target(&view.to_device(&p), view).is_none_or(|d| within(&d, m.from))
                    && o.moved_to(&now[k], m.by, 1.0 / (64.0 * f))
                {
                    continue;
                }
                rects.push(p);
                rects.push(Rect::new(p.x + dx, p.y + dy, p.w, p.h));
                if paired {
                    rects.push(painted(&now[k], view));
                }
            }
            if !paired {
                rects.extend(now.iter().map(|i| painted(i, view)));
            }
        } else {
            let same_start = old.iter().zip(now).take_while(|(a, b)| a == b).count();
            let same_end =
                old[same_start..].iter().rev().zip(now[same_start..].iter().rev()).take_while(|(a, b)| a == b).count();
            let changed = old[same_start..old.len() - same_end].iter().chain(&now[same_start..now.len() - same_end]);
            rects.extend(changed.map(|i| painted(i, view)));
        }
        rects.extend(now.iter().filter(|i| i.pulses()).map(|i| painted(i, view)));
        damage::cluster_into(rects, &mut scratch.clustered);
        let parts = &mut scratch.compose;
        parts.clear();
        parts.extend(scratch.clustered.iter().filter_map(|r| damage::region(view, *r)).map(|r| r.scissor));
        disjoin(parts);
        let pixels: u64 = parts.iter().map(|s| u64::from(s.2) * u64::from(s.3)).sum();
        pixels * 2 < u64::from(view.width) * u64::from(view.height)
    }
}

/// A box of device pixels: x, y, width, height.
pub(super) type Scissor = (u32, u32, u32, u32);

/// Merges overlapping boxes until none overlap: an overlay meeting two
/// parts is drawn in each, and where they overlapped its alpha would be
/// laid on twice.
fn disjoin(parts: &mut Vec<Scissor>) {
    let overlap = |a: &Scissor, b: &Scissor| a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3;
    'again: loop {
        for i in 0..parts.len() {
            for j in i + 1..parts.len() {
                if overlap(&parts[i], &parts[j]) {
                    let (a, b) = (parts[i], parts.swap_remove(j));
                    let (x0, y0) = (a.0.min(b.0), a.1.min(b.1));
                    let (x1, y1) = ((a.0 + a.2).max(b.0 + b.2), (a.1 + a.3).max(b.1 + b.3));
                    let area = |s: Scissor| u64::from(s.2) * u64::from(s.3);
                    let union = (x0, y0, x1 - x0, y1 - y0);
                    if area(union) <= area(a) + area(b) {
                        parts[i] = union;
                    } else {
                        // Strips that cross at a corner (a copy's edges)
                        // stay strips: the second loses what the first has.
                        parts.extend(super::refine::subtract(b, a));
                    }
                    continue 'again;
                }
            }
        }
        return;
    }
}

/// Everything an overlay instance may paint, in design units: its shape,
/// its reach, and a device pixel more for the antialiased edge (which a
/// shape of no width, a marquee dragged straight down, paints too).
pub(super) fn painted(i: &Instance, view: &View) -> Rect {
    let px = 1.0 / view.factor();
    // A strip of a large hollow outline paints its part of the edge only.
    if let Some(s) = i.strip(px) {
        return Rect::new(s.x - px, s.y - px, s.w + 2.0 * px, s.h + 2.0 * px);
    }
    let (x0, y0, x1, y1, reach) = i.extent();
    let reach = reach + px;
    Rect::new(x0.min(x1) - reach, y0.min(y1) - reach, (x1 - x0).abs() + 2.0 * reach, (y1 - y0).abs() + 2.0 * reach)
}

/// The part of a device rectangle on the target, if any.
fn on_target(device: &Rect, view: &View) -> Option<Rect> {
    let (x0, y0) = (device.x.max(0.0), device.y.max(0.0));
    let (x1, y1) = (device.right().min(view.width as f32), device.bottom().min(view.height as f32));
    (x1 > x0 && y1 > y0).then(|| Rect::new(x0, y0, x1 - x0, y1 - y0))
}

/// Whether a device rectangle lies wholly within a scissor box.
fn within(device: &Rect, scissor: Scissor) -> bool {
    let (x, y, w, h) = (scissor.0 as f32, scissor.1 as f32, scissor.2 as f32, scissor.3 as f32);
    device.x >= x && device.y >= y && device.right() <= x + w && device.bottom() <= y + h
}

/// Whether a scissor box and a device rectangle meet.
pub(super) fn meets(scissor: Scissor, device: &Rect) -> bool {
    let (x, y, w, h) = (scissor.0 as f32, scissor.1 as f32, scissor.2 as f32, scissor.3 as f32);
    device.x < x + w && device.right() > x && device.y < y + h && device.bottom() > y
}

#[cfg(test)]
mod tests {
    use trellis_model::Theme;

    use super::super::instances::overlay_instances;
    use super::*;
    use crate::overlay::OverlayLayer;

    /// The parts composed again, or `None` for the whole frame.
    fn damage_of(composed: &Composed, now: &[Instance], view: &View) -> Option<Vec<Scissor>> {
        let mut scratch = damage::DamageScratch::default();
        composed.damage(now, view, &[], &mut scratch).then_some(scratch.compose)
    }

    fn outlines(boxes: &[Rect]) -> Vec<Instance> {
        let mut layer = OverlayLayer::new(&Theme::LIGHT, 1.0);
        for b in boxes {
            layer.selection(*b);
        }
        let mut out = Vec::new();
        overlay_instances(&layer, 1.0, &mut out);
        out
    }

    /// Whether every pixel a device rectangle meets is in one of `parts`.
    fn covers(parts: &[Scissor], device: &Rect) -> bool {
        (device.x.floor() as u32..device.right().ceil() as u32)
            .flat_map(|x| (device.y.floor() as u32..device.bottom().ceil() as u32).map(move |y| (x, y)))
            .all(|(x, y)| parts.iter().any(|s| x >= s.0 && x < s.0 + s.2 && y >= s.1 && y < s.1 + s.3))
    }

    /// A nudge of everything selected, moved by a copy: the frame's pixels
    /// moved with the canvas's, outlines and all, so the outlines that
    /// moved as far are not drawn again over the whole frame (3 ms of a
    /// nudge at 10,000 widgets on lavapipe). One that did not move is
    /// damage where it was, where the copy put it, and where it is now.
    #[test]
    fn outlines_moved_as_far_as_the_frames_copy_are_not_composed_again() {
        let view = View::at_design_origin(1280, 800);
        let boxes: Vec<Rect> = (0..40)
            .map(|k| Rect::new(100.0 + (k % 8) as f32 * 120.0, 100.0 + (k / 8) as f32 * 110.0, 100.0, 90.0))
            .collect();
        // A move of 10.4 units, copied as 10 pixels.
        let by = Point::new(10.4, 0.0);
        let moved: Vec<Rect> = boxes.iter().map(|r| Rect::new(r.x + by.x, r.y, r.w, r.h)).collect();
        let copy = Moved { from: (80, 80, 1020, 580), to: (90, 80, 1020, 580), pixels: (10, 0), by };

        let mut composed = Composed::default();
        composed.record(&outlines(&boxes), &view);
        assert!(composed.worth_moving(&view, 1));
        composed.moved(copy);
        // What the copy read but did not write over: ten pixels, and the
        // two either side a region takes in.
        let trail = |parts: &[Scissor]| parts.iter().filter(|s| s.0 + s.2 <= 92).map(|s| s.2 * s.3).sum::<u32>();
        let parts = damage_of(&composed, &outlines(&moved), &view).expect("a few parts");
        assert!(trail(&parts) >= 10 * 580 && trail(&parts) <= 14 * 584, "{parts:?}");
        assert_eq!(parts.iter().filter(|s| s.0 + s.2 > 92).count(), 0, "no outline composed again: {parts:?}");

        // An outline the copy did not carry whole (cut at the target's
        // edge) is composed again where it is now.
        let top = view.to_device(&painted(&outlines(&boxes)[0], &view));
        let cut = (top.x as u32 + 2, 80, 1000, 580);
        composed.moved(Moved { from: cut, to: (cut.0 + 10, 80, 1000, 580), ..copy });
        let parts = damage_of(&composed, &outlines(&moved), &view).expect("a few parts");
        let now = view.to_device(&painted(&outlines(&moved)[0], &view));
        assert!(covers(&parts, &now), "{now:?} composed again: {parts:?}");
        composed.moved(copy);

        let mut one_stays = moved.clone();
        one_stays[9] = boxes[9];
        let parts = damage_of(&composed, &outlines(&one_stays), &view).expect("a few parts");
        // Every pixel of its outline, where it was, where the copy put it
        // and where it is.
        let outline = |r: Rect| outlines(&[r]).iter().all(|i| covers(&parts, &view.to_device(&painted(i, &view))));
        assert!(outline(boxes[9]), "where it was and is: {parts:?}");
        assert!(outline(Rect::new(boxes[9].x + 10.0, boxes[9].y, 100.0, 90.0)), "where the copy put it: {parts:?}");
        let pixels: u32 = parts.iter().map(|s| s.2 * s.3).sum();
        assert!(pixels < 200 * 120, "only around that one: {parts:?}");

        // Not moved by a copy, every outline moved is damage.
        composed.record(&outlines(&boxes), &view);
        assert_ne!(damage_of(&composed, &outlines(&moved), &view), Some(vec![]));
        // A frame not composed in this view is composed whole.
        composed.forget();
        assert!(!composed.worth_moving(&view, 1));
    }

    #[test]
    fn parts_that_overlap_are_merged_or_cut_until_none_do() {
        let overlap =
            |a: &Scissor, b: &Scissor| a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3;
        let inside = |s: &Scissor, x: u32, y: u32| x >= s.0 && x < s.0 + s.2 && y >= s.1 && y < s.1 + s.3;
        // Boxes that overlap much merge; the four strips around a copy,
        // which cross at the corners, stay strips (merged, they would be
        // the whole box they surround).
        let cases: [Vec<Scissor>; 2] = [
            vec![(0, 0, 10, 10), (20, 0, 10, 10), (8, 8, 14, 4), (100, 100, 5, 5), (10, 0, 10, 10)],
            vec![(0, 0, 400, 3), (0, 297, 400, 3), (0, 0, 3, 300), (397, 0, 3, 300)],
        ];
        for input in cases {
            let mut parts = input.clone();
            disjoin(&mut parts);
            for (i, a) in parts.iter().enumerate() {
                assert!(parts[i + 1..].iter().all(|b| !overlap(a, b)), "{parts:?}");
            }
            for s in &input {
                for (x, y) in (s.0..s.0 + s.2).flat_map(|x| (s.1..s.1 + s.3).map(move |y| (x, y))) {
                    assert!(parts.iter().any(|p| inside(p, x, y)), "({x}, {y}) of {s:?} kept: {parts:?}");
                }
            }
            let area = |v: &[Scissor]| v.iter().map(|s| s.2 * s.3).sum::<u32>();
            assert!(area(&parts) <= 2 * area(&input), "{input:?} -> {parts:?}");
        }
    }
}
