//! Moving the view: a middle-button or space-held drag pans; the wheel
//! pans, or with ctrl zooms around the pointer.

use super::Gesture;
use crate::editor::Editor;
use crate::input::Modifiers;
use crate::output::{Cursor, Step};

impl Editor {
    pub(super) fn start_pan(&mut self, x: f32, y: f32, step: &mut Step) {
        self.gesture = Gesture::Panning { x, y };
        step.cursor = Some(Cursor::Grabbing);
    }

    pub(super) fn pan_move(&mut self, from_x: f32, from_y: f32, x: f32, y: f32, step: &mut Step) {
        self.viewport.pan(x - from_x, y - from_y);
        self.gesture = Gesture::Panning { x, y };
        step.cursor = Some(Cursor::Grabbing);
    }

    pub(super) fn finish_pan(&mut self, step: &mut Step) {
        step.cursor = Some(if self.space { Cursor::Grab } else { Cursor::Default });
    }

    pub(in crate::editor) fn wheel(&mut self, x: f32, y: f32, dx: f32, dy: f32, modifiers: Modifiers, step: &mut Step) {
        if ![x, y, dx, dy].iter().all(|v| v.is_finite()) {
            // One bad value would carry into the view and every later mapping.
            step.status = "ignored a wheel event with a non-finite value".into();
        } else if modifiers.ctrl {
            self.viewport.zoom_around(x, y, (dy * 0.002).exp());
        } else {
            self.viewport.pan(dx, dy);
        }
    }
}
