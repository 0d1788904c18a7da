//! The gesture state machine: which gesture is under way, and where each
//! pointer event goes. A press starts a gesture only from idle, except that
//! a pan press takes over from a palette drag; every gesture ends on
//! release or on [`Editor::cancel`].

mod drag;
mod marquee;
mod palette;
mod pan;
mod resize;
mod select;

use self::drag::MoveState;
use self::marquee::MarqueeState;
use self::palette::PaletteDrag;
use self::resize::ResizeState;
use self::select::Press;
use super::Editor;
use crate::input::{Button, Modifiers};
use crate::output::Step;

#[derive(Debug)]
pub(super) enum Gesture {
    Idle,
    /// The primary button is down and has not moved far yet.
    Pressed(Press),
    Moving(Box<MoveState>),
    Resizing(ResizeState),
    Marquee(MarqueeState),
    /// Where the pointer was at the last pan step, in screen pixels.
    Panning {
        x: f32,
        y: f32,
    },
    Palette(PaletteDrag),
}

impl Editor {
    pub(super) fn pointer_down(&mut self, x: f32, y: f32, button: Button, modifiers: Modifiers, step: &mut Step) {
        self.pointer = Some((x, y));
        if !matches!(self.gesture, Gesture::Idle | Gesture::Palette(_)) {
            return;
        }
        if button == Button::Middle || (button == Button::Primary && self.space) {
            self.start_pan(x, y, step);
            return;
        }
        if button != Button::Primary || matches!(self.gesture, Gesture::Palette(_)) {
            return;
        }
        if let Some((id, handle)) = self.handle_at(x, y) {
            self.start_resize(id, handle, x, y, step);
            return;
        }
        self.press(x, y, modifiers);
    }

    pub(super) fn pointer_move(&mut self, x: f32, y: f32, modifiers: Modifiers, step: &mut Step) {
        self.pointer = Some((x, y));
        let p = self.design(x, y);
        self.record_trail(p);
        match std::mem::replace(&mut self.gesture, Gesture::Idle) {
            Gesture::Idle => self.hover(x, y, p, step),
            Gesture::Pressed(press) => self.pressed_move(press, x, y, p, modifiers, step),
            Gesture::Moving(state) => {
                self.gesture = Gesture::Moving(state);
                self.drag_to(p, modifiers, step);
            }
            Gesture::Resizing(state) => self.resize_move(state, p, modifiers, step),
            Gesture::Marquee(state) => self.marquee_move(state, p, modifiers, step),
            Gesture::Panning { x: from_x, y: from_y } => self.pan_move(from_x, from_y, x, y, step),
            Gesture::Palette(drag) => self.palette_move(drag.kind, x, y, p, step),
        }
    }

    pub(super) fn pointer_up(&mut self, x: f32, y: f32, button: Button, step: &mut Step) {
        self.pointer = Some((x, y));
        match std::mem::replace(&mut self.gesture, Gesture::Idle) {
            Gesture::Pressed(press) => self.click(&press),
            Gesture::Moving(state) => self.finish_move(&state, step),
            Gesture::Resizing(_) => {
                self.doc.commit();
            }
            Gesture::Marquee(_) | Gesture::Idle => {}
            Gesture::Panning { .. } => self.finish_pan(step),
            Gesture::Palette(drag) => self.palette_release(&drag, x, y, button, step),
        }
    }
}
