//! The marquee: dragging on empty canvas selects the widgets inside the
//! rectangle (with alt, those it touches); shift keeps the selection that
//! was there before.

use trellis_geometry::{Marquee, Point};
use trellis_model::{Rect, WidgetId};

use super::Gesture;
use crate::editor::Editor;
use crate::input::Modifiers;
use crate::output::{Cursor, Step};
use crate::placement::top_level;

#[derive(Debug)]
pub(in crate::editor) struct MarqueeState {
    /// The corners, in design coordinates.
    start: Point,
    end: Point,
    /// The selection the marquee adds to (empty unless shift was held).
    base: Vec<WidgetId>,
    touching: bool,
}

impl MarqueeState {
    /// The rectangle between the corners, whichever way it was drawn.
    pub(in crate::editor) fn rect(&self) -> Rect {
        let (a, b) = (self.start, self.end);
        Rect::new(a.x.min(b.x), a.y.min(b.y), (a.x - b.x).abs(), (a.y - b.y).abs())
    }
}

impl Editor {
    pub(super) fn start_marquee(&mut self, start: Point, end: Point, extend: bool, touching: bool, step: &mut Step) {
        let base = if extend { self.selection.clone() } else { Vec::new() };
        self.marquee_to(MarqueeState { start, end, base, touching }, step);
    }

    pub(super) fn marquee_move(&mut self, state: MarqueeState, p: Point, modifiers: Modifiers, step: &mut Step) {
        self.marquee_to(MarqueeState { end: p, touching: modifiers.alt, ..state }, step);
    }

    fn marquee_to(&mut self, state: MarqueeState, step: &mut Step) {
        let how = if state.touching { Marquee::Touching } else { Marquee::Inside };
        let found = self.geometry.marquee(state.rect(), how);
        let mut selection = state.base.clone();
        for id in top_level(&self.doc, &found) {
            if !selection.contains(&id) {
                selection.push(id);
            }
        }
        self.selection = selection;
        self.gesture = Gesture::Marquee(state);
        step.cursor = Some(Cursor::Crosshair);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rectangle_is_the_same_whichever_corner_the_drag_starts_from() {
        let state = |start, end| MarqueeState { start, end, base: Vec::new(), touching: false };
        let (a, b) = (Point::new(10.0, 50.0), Point::new(40.0, 20.0));
        assert_eq!(state(a, b).rect(), Rect::new(10.0, 20.0, 30.0, 30.0));
        assert_eq!(state(b, a).rect(), state(a, b).rect());
    }
}
