//! The keyboard: shortcuts to actions, arrows to nudge, escape to cancel
//! or deselect, and space held to pan.

use trellis_model::{Command, WidgetId};

use super::Editor;
use crate::input::{Action, Key, Modifiers};
use crate::output::{Cursor, Step};
use crate::placement::{is_flowed, top_level};

impl Editor {
    pub(super) fn key_down(&mut self, key: Key, m: Modifiers, step: &mut Step) {
        let action = match (key, m.ctrl, m.shift) {
            (Key::Space, ..) => {
                self.space = true;
                step.cursor = Some(Cursor::Grab);
                return;
            }
            (Key::Escape, ..) => {
                if self.is_busy() {
                    self.cancel();
                    step.status = "cancelled".into();
                } else {
                    self.selection.clear();
                }
                return;
            }
            (Key::Delete | Key::Backspace, ..) => Action::Delete,
            (Key::Left | Key::Right | Key::Up | Key::Down, ..) => {
                let d = if m.shift { 10.0 } else { 1.0 };
                let (dx, dy) = match key {
                    Key::Left => (-d, 0.0),
                    Key::Right => (d, 0.0),
                    Key::Up => (0.0, -d),
                    _ => (0.0, d),
                };
                self.nudge(dx, dy, step);
                return;
            }
            (Key::Char('a'), true, _) => Action::SelectAll,
            (Key::Char('c'), true, _) => Action::Copy,
            (Key::Char('x'), true, _) => Action::Cut,
            (Key::Char('v'), true, _) => Action::Paste,
            (Key::Char('d'), true, _) => Action::Duplicate,
            (Key::Char('g'), true, false) => Action::Group,
            (Key::Char('g'), true, true) => Action::Ungroup,
            (Key::Char('z'), true, false) => Action::Undo,
            (Key::Char('z'), true, true) | (Key::Char('y'), true, _) => Action::Redo,
            (Key::Char(']'), true, false) => Action::BringForward,
            (Key::Char('['), true, false) => Action::SendBackward,
            (Key::Char(']'), true, true) => Action::BringToFront,
            (Key::Char('['), true, true) => Action::SendToBack,
            (Key::Char('l'), true, true) => Action::ToggleLock,
            (Key::Char('h'), true, true) => Action::ToggleHidden,
            (Key::Char('0'), true, _) => Action::ZoomTo100,
            (Key::Char('1'), false, true) => Action::ZoomToFit,
            _ => return,
        };
        self.action(&action, step);
    }

    /// Moves the placed widgets of the selection by `(dx, dy)` design
    /// pixels; a layout places the others, so arrows leave them be.
    fn nudge(&mut self, dx: f32, dy: f32, step: &mut Step) {
        if self.is_busy() {
            return;
        }
        // A widget gone from the document is passed over, as the command
        // would refuse the whole nudge for it.
        let ids: Vec<WidgetId> = top_level(&self.doc, &self.selection)
            .into_iter()
            .filter(|id| self.doc.contains(*id) && !is_flowed(&self.doc, *id))
            .collect();
        if ids.is_empty() || (dx == 0.0 && dy == 0.0) {
            return;
        }
        // One command for them all: a command a widget, each with its own
        // list of values, allocated twice a widget (5,556 widgets in a
        // nudge of everything at 100,000).
        let commands = vec![Command::Shift { ids, by: (dx, dy) }];
        // The layout follows the nudge while the saved file's parts of
        // the widgets moved are written on another thread: a nudge of
        // everything at 100,000 widgets moves 5,556 of them.
        let geometry = &mut self.geometry;
        let (done, laid_out_ns) = self.doc.execute_all_alongside("Nudge", commands, |doc| {
            let started = std::time::Instant::now();
            geometry.update(doc);
            started.elapsed().as_nanos() as u64
        });
        self.layout_ns += laid_out_ns;
        if let Err(e) = done {
            step.status = format!("cannot nudge: {e}");
        }
    }
}
