//! Moving the selection: widgets their parent places absolutely follow the
//! pointer live, snapped to edges, centres, spacing and the grid (alt turns
//! snapping off); a drop into another container, or between the children of
//! a row or column, reparents or reorders. Alt at the press duplicates
//! first. The whole move is one transaction: one undo step.

use trellis_geometry::{DropTarget, Point, Snap, SnapQuery};
use trellis_model::{Command, PropKey, PropValue, Rect, WidgetId};

use super::Gesture;
use crate::editor::Editor;
use crate::input::Modifiers;
use crate::output::{Cursor, Step};
use crate::placement::{is_flowed, top_level};

#[derive(Debug)]
pub(in crate::editor) struct MoveState {
    pub(in crate::editor) ids: Vec<WidgetId>,
    /// Border boxes at the start, in design coordinates.
    pub(in crate::editor) starts: Vec<Rect>,
    /// `x`/`y` properties at the start.
    origins: Vec<(f32, f32)>,
    /// Whether each moves live (its parent places it absolutely).
    live: Vec<bool>,
    grab: Point,
    /// The widget under the pointer: snapping aligns it.
    pub(in crate::editor) primary: usize,
    pub(in crate::editor) target: Option<DropTarget>,
    pub(in crate::editor) snap: Option<Snap>,
    /// The room of a snap the last step did not make, kept for the next.
    pub(in crate::editor) spare_snap: Snap,
    /// When the widgets were picked up (the ghost lifts from then).
    pub(in crate::editor) started: f64,
    duplicate: bool,
    /// How far the pointer has taken the widgets, in design pixels.
    pub(in crate::editor) delta: (f32, f32),
}

impl Editor {
    pub(super) fn start_move(&mut self, under: WidgetId, grab: Point, duplicate: bool, step: &mut Step) {
        let mut ids = top_level(&self.doc, &self.selection);
        ids.retain(|id| !self.geometry.is_locked(*id) && *id != self.doc.root());
        if ids.is_empty() {
            return;
        }
        // Gestures start only when idle, so no other transaction is open.
        let _ = self.doc.begin(if duplicate { "Duplicate" } else { "Move" });
        if duplicate {
            match self.doc.execute(Command::Duplicate { ids: ids.clone(), offset: (0.0, 0.0) }) {
                Ok(out) => {
                    ids = out.created;
                    self.geometry.update(&self.doc);
                    self.selection = ids.clone();
                }
                Err(e) => {
                    self.doc.rollback();
                    step.status = format!("cannot duplicate: {e}");
                    return;
                }
            }
        }
        let starts: Vec<Rect> = ids.iter().map(|id| self.geometry.rect(*id).unwrap_or_default()).collect();
        let origins = ids
            .iter()
            .map(|id| self.doc.widget(*id).map_or((0.0, 0.0), |w| (w.number(PropKey::X), w.number(PropKey::Y))))
            .collect();
        let live = ids.iter().map(|id| !is_flowed(&self.doc, *id)).collect();
        let primary = ids.iter().position(|id| self.doc.is_ancestor_or_self(*id, under)).unwrap_or(0);
        self.gesture = Gesture::Moving(Box::new(MoveState {
            ids,
            starts,
            origins,
            live,
            grab,
            primary,
            target: None,
            snap: None,
            spare_snap: Snap::default(),
            started: self.now,
            duplicate,
            delta: (0.0, 0.0),
        }));
        step.cursor = Some(if duplicate { Cursor::Copy } else { Cursor::Grabbing });
    }

    pub(super) fn drag_to(&mut self, p: Point, modifiers: Modifiers, step: &mut Step) {
        let Gesture::Moving(state) = &mut self.gesture else { return };
        let mut delta = (p.x - state.grab.x, p.y - state.grab.y);
        let target = self.cache.drop_target(&self.geometry, &self.doc, p, &state.ids);
        // The last step's snap, its guides' room kept for this one's.
        let mut snap = state.snap.take().unwrap_or_else(|| std::mem::take(&mut state.spare_snap));
        if self.settings.snapping
            && !modifiers.alt
            && let Some(t) = target.as_ref().filter(|t| t.index.is_none())
        {
            let r = state.starts[state.primary];
            let query = SnapQuery {
                rect: Rect::new(r.x + delta.0, r.y + delta.1, r.w, r.h),
                moving: &state.ids,
                parent: t.container,
                threshold_px: self.settings.snap_threshold_px,
                zoom: self.viewport.zoom,
                grid: self.settings.grid,
            };
            self.cache.snap(&self.geometry, &self.doc, &query, &mut snap);
            delta = (snap.rect.x - r.x, snap.rect.y - r.y);
            state.snap = Some(snap);
        } else {
            state.spare_snap = snap;
        }
        state.target = target;
        state.delta = delta;
        step.cursor = Some(if state.duplicate { Cursor::Copy } else { Cursor::Grabbing });
        for (i, id) in state.ids.iter().enumerate() {
            if !state.live[i] {
                continue;
            }
            let (x, y) = state.origins[i];
            let moved = self.doc.execute(Command::SetPosition { id: *id, x: x + delta.0, y: y + delta.1 });
            if let Err(e) = moved {
                step.status = format!("cannot move there: {e}");
            }
        }
    }

    pub(super) fn finish_move(&mut self, state: &MoveState, step: &mut Step) {
        let Some(target) = state.target.clone() else {
            self.doc.commit();
            return;
        };
        let same_parent = state.ids.iter().all(|id| self.doc.parent(*id) == Some(target.container));
        let absolute = target.index.is_none();
        let result = if same_parent && absolute {
            Ok(())
        } else {
            let moved = self.doc.execute(Command::Move {
                ids: state.ids.clone(),
                parent: target.container,
                index: target.index,
            });
            moved.and_then(|_| {
                // Keep each widget where it was dropped, in its new parent's coordinates.
                let content = self.geometry.content_rect(target.container).unwrap_or_default();
                for (i, id) in state.ids.iter().enumerate() {
                    let values = if absolute {
                        let r = state.starts[i];
                        vec![
                            (PropKey::X, Some(PropValue::Number((r.x + state.delta.0 - content.x).round()))),
                            (PropKey::Y, Some(PropValue::Number((r.y + state.delta.1 - content.y).round()))),
                        ]
                    } else {
                        vec![(PropKey::X, None), (PropKey::Y, None)]
                    };
                    self.doc.execute(Command::SetProperties { id: *id, values })?;
                }
                Ok(())
            })
        };
        match result {
            Ok(()) => {
                self.doc.commit();
            }
            Err(e) => {
                self.doc.rollback();
                step.status = format!("cannot drop there: {e}");
            }
        }
    }
}
