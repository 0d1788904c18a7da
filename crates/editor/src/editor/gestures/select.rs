//! Pressing and clicking: a press selects what is under it at once (so a
//! drag moves it); on release it is a click, and once the pointer travels
//! past the drag threshold it becomes a move or a marquee.

use trellis_geometry::Point;
use trellis_model::WidgetId;

use super::Gesture;
use crate::editor::Editor;
use crate::input::Modifiers;
use crate::output::Step;

/// A primary press that has not moved far yet.
#[derive(Debug)]
pub(in crate::editor) struct Press {
    /// Where it went down, in screen pixels.
    x: f32,
    y: f32,
    target: Option<WidgetId>,
    /// Whether `target` was selected before the press (shift-click on it deselects).
    was_selected: bool,
    modifiers: Modifiers,
}

impl Editor {
    pub(super) fn press(&mut self, x: f32, y: f32, modifiers: Modifiers) {
        let p = self.design(x, y);
        let hit = self.cache.hit_test(&self.geometry, p).filter(|id| *id != self.doc.root());
        let was_selected = hit.is_some_and(|id| self.selection.contains(&id));
        if let Some(id) = hit
            && !was_selected
        {
            if modifiers.shift {
                self.selection.push(id);
            } else {
                self.selection = vec![id];
            }
        }
        self.gesture = Gesture::Pressed(Press { x, y, target: hit, was_selected, modifiers });
    }

    /// Past the drag threshold, a press on a widget moves the selection and
    /// a press elsewhere draws a marquee.
    pub(super) fn pressed_move(
        &mut self,
        press: Press,
        x: f32,
        y: f32,
        p: Point,
        modifiers: Modifiers,
        step: &mut Step,
    ) {
        let far = (x - press.x).hypot(y - press.y) >= self.settings.drag_threshold_px;
        if !far {
            self.gesture = Gesture::Pressed(press);
            return;
        }
        let start = self.design(press.x, press.y);
        match press.target {
            Some(id) if !self.selection.is_empty() => {
                self.start_move(id, start, press.modifiers.alt, step);
                self.drag_to(p, modifiers, step);
            }
            _ => self.start_marquee(start, p, press.modifiers.shift, modifiers.alt, step),
        }
    }

    /// A click: select what is under the pointer; shift-click on a selected
    /// widget takes it out of the selection.
    pub(super) fn click(&mut self, press: &Press) {
        match press.target {
            Some(id) if press.modifiers.shift && press.was_selected => self.selection.retain(|s| *s != id),
            Some(_) if press.modifiers.shift => {}
            Some(id) => self.selection = vec![id],
            None if !press.modifiers.shift => self.selection.clear(),
            None => {}
        }
    }
}
