//! Dragging a new widget in from the palette: the drag starts outside the
//! canvas, shows a ghost and the drop target while over it, and inserts on
//! a primary release over the canvas.

use trellis_geometry::{DropTarget, Point};
use trellis_model::{Command, WidgetKind, WidgetTree};

use super::Gesture;
use crate::editor::Editor;
use crate::input::Button;
use crate::output::{Cursor, Step};

#[derive(Debug)]
pub(in crate::editor) struct PaletteDrag {
    pub(in crate::editor) kind: WidgetKind,
    /// The pointer in design coordinates, while it is over the canvas.
    pub(in crate::editor) at: Option<Point>,
    pub(in crate::editor) target: Option<DropTarget>,
}

impl Editor {
    pub(in crate::editor) fn start_palette_drag(&mut self, kind: WidgetKind, step: &mut Step) {
        self.cancel();
        if kind.is_root_only() {
            step.status = "a window cannot be placed in a design: use a panel".into();
        } else {
            self.gesture = Gesture::Palette(PaletteDrag { kind, at: None, target: None });
            step.cursor = Some(Cursor::Copy);
        }
    }

    pub(super) fn palette_move(&mut self, kind: WidgetKind, x: f32, y: f32, p: Point, step: &mut Step) {
        let (at, target) = if self.on_canvas(x, y) {
            (Some(p), self.cache.drop_target(&self.geometry, &self.doc, p, &[]))
        } else {
            (None, None)
        };
        step.cursor = Some(if target.is_some() { Cursor::Copy } else { Cursor::NotAllowed });
        self.gesture = Gesture::Palette(PaletteDrag { kind, at, target });
    }

    pub(super) fn palette_release(&mut self, drag: &PaletteDrag, x: f32, y: f32, button: Button, step: &mut Step) {
        if button == Button::Primary && self.on_canvas(x, y) {
            let p = self.design(x, y);
            self.drop_new(drag.kind, p, step);
        } else {
            step.status = "nothing inserted: released outside the canvas".into();
        }
    }

    fn drop_new(&mut self, kind: WidgetKind, p: Point, step: &mut Step) {
        let Some(target) = self.geometry.drop_target(&self.doc, p, &[]) else {
            step.status = "nothing inserted: no container there".into();
            return;
        };
        let mut tree = WidgetTree::palette(kind);
        if target.index.is_none() {
            let (w, h) = kind.palette_size();
            let content = target.highlight;
            tree = tree.at((p.x - w / 2.0 - content.x).round(), (p.y - h / 2.0 - content.y).round());
        }
        match self.doc.execute(Command::Insert { parent: target.container, index: target.index, tree }) {
            Ok(out) => self.selection = out.created,
            Err(e) => step.status = format!("cannot insert a {kind} there: {e}"),
        }
    }
}
