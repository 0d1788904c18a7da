//! Resizing the one selected widget by one of its eight handles: shift
//! keeps the aspect ratio, alt resizes from the centre, and the grid snaps
//! the moving edges. A widget its parent lays out keeps its place and only
//! changes size. The whole resize is one transaction: one undo step.

use trellis_geometry::Point;
use trellis_model::{Command, PropKey, PropValue, Rect, WidgetId};

use super::Gesture;
use crate::editor::Editor;
use crate::input::Modifiers;
use crate::output::{Cursor, Handle, Step};
use crate::placement::is_flowed;

/// How close to a handle (in screen pixels) a press grabs it.
const HANDLE_REACH_PX: f32 = 6.0;

#[derive(Debug)]
pub(in crate::editor) struct ResizeState {
    pub(in crate::editor) id: WidgetId,
    handle: Handle,
    /// The border box at the start, in design coordinates.
    start: Rect,
    grab: Point,
    /// Its parent lays it out, so only its size is the user's to set.
    flowed: bool,
}

impl Editor {
    /// The handle of the single, unlocked selected widget under screen `(x, y)`.
    pub(in crate::editor) fn handle_at(&self, x: f32, y: f32) -> Option<(WidgetId, Handle)> {
        let [id] = self.selection[..] else { return None };
        if self.geometry.is_locked(id) {
            return None;
        }
        let r = self.geometry.rect(id)?;
        Handle::ALL.into_iter().find_map(|h| {
            let s = self.viewport.to_screen(h.anchor(&r));
            ((s.x - x).abs() <= HANDLE_REACH_PX && (s.y - y).abs() <= HANDLE_REACH_PX).then_some((id, h))
        })
    }

    pub(super) fn start_resize(&mut self, id: WidgetId, handle: Handle, x: f32, y: f32, step: &mut Step) {
        let start = self.geometry.rect(id).expect("selected widgets are laid out");
        let flowed = is_flowed(&self.doc, id);
        // Gestures start only when idle, so no other transaction is open.
        let _ = self.doc.begin("Resize");
        self.gesture = Gesture::Resizing(ResizeState { id, handle, start, grab: self.design(x, y), flowed });
        step.cursor = Some(Cursor::Resize(handle));
    }

    pub(super) fn resize_move(&mut self, state: ResizeState, p: Point, modifiers: Modifiers, step: &mut Step) {
        step.cursor = Some(Cursor::Resize(state.handle));
        let values = self.resized(&state, p, modifiers);
        // Reported in this step only: the next step's status says what is,
        // so a refused size does not linger once the pointer moves on.
        if let Err(e) = self.doc.execute(Command::SetProperties { id: state.id, values }) {
            step.status = format!("cannot resize: {e}");
        }
        self.gesture = Gesture::Resizing(state);
    }

    /// The size (and, for a placed widget, the position) that the pointer
    /// at design `p` gives the widget.
    fn resized(&self, s: &ResizeState, p: Point, modifiers: Modifiers) -> Vec<(PropKey, Option<PropValue>)> {
        let (l, t, r, b) = s.handle.edges();
        let (dx, dy) = (p.x - s.grab.x, p.y - s.grab.y);
        let mut x0 = s.start.x + if l { dx } else { 0.0 };
        let mut y0 = s.start.y + if t { dy } else { 0.0 };
        let mut x1 = s.start.right() + if r { dx } else { 0.0 };
        let mut y1 = s.start.bottom() + if b { dy } else { 0.0 };
        if modifiers.alt {
            // From the centre: the opposite edge moves the other way.
            if l {
                x1 = s.start.right() - dx;
            }
            if r {
                x0 = s.start.x - dx;
            }
            if t {
                y1 = s.start.bottom() - dy;
            }
            if b {
                y0 = s.start.y - dy;
            }
        }
        if let Some(g) = self.settings.grid.filter(|g| self.settings.snapping && *g > 0.0) {
            let snap = |v: f32| (v / g).round() * g;
            if l {
                x0 = snap(x0);
            }
            if r {
                x1 = snap(x1);
            }
            if t {
                y0 = snap(y0);
            }
            if b {
                y1 = snap(y1);
            }
        }
        let (mut w, mut h) = ((x1 - x0).abs().max(1.0), (y1 - y0).abs().max(1.0));
        let (mut x, mut y) = (x0.min(x1), y0.min(y1));
        if modifiers.shift && s.start.w > 0.0 && s.start.h > 0.0 {
            // Keep the aspect ratio, anchored at the opposite corner (or the centre).
            let ratio = s.start.w / s.start.h;
            let (corner, sides) = ((l || r) && (t || b), l || r);
            if corner {
                if w / ratio > h { h = w / ratio } else { w = h * ratio }
            } else if sides {
                h = w / ratio;
            } else {
                w = h * ratio;
            }
            let centre = (s.start.x + s.start.w / 2.0, s.start.y + s.start.h / 2.0);
            x = if modifiers.alt || (!l && !r) {
                centre.0 - w / 2.0
            } else if l {
                s.start.right() - w
            } else {
                s.start.x
            };
            y = if modifiers.alt || (!t && !b) {
                centre.1 - h / 2.0
            } else if t {
                s.start.bottom() - h
            } else {
                s.start.y
            };
        }
        let mut values =
            vec![(PropKey::Width, Some(PropValue::Number(w))), (PropKey::Height, Some(PropValue::Number(h)))];
        if !s.flowed {
            let content = self.doc.parent(s.id).and_then(|p| self.geometry.content_rect(p)).unwrap_or_default();
            values.push((PropKey::X, Some(PropValue::Number(x - content.x))));
            values.push((PropKey::Y, Some(PropValue::Number(y - content.y))));
        }
        values
    }
}
