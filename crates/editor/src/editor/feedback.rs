//! What the editor shows besides the design: the overlays (selection,
//! handles, hover, marquee, guides, drop target, ghost, cursor trail), the
//! cursor over an idle canvas, and the status line.

use trellis_geometry::Point;
use trellis_model::{Rect, WidgetKind};

use super::Editor;
use super::gestures::Gesture;
use crate::output::{Cursor, Ghost, Handle, Overlays, Step};

/// How long a picked-up widget takes to lift fully, in milliseconds.
const LIFT_MS: f64 = 150.0;

/// Most points the cursor trail keeps, however fast the pointer moves.
/// The trail is copied into every step's overlays, so without a cap a
/// stream of moves with one timestamp (a replayed or scripted session)
/// made each step cost as much as all the moves before it.
pub(crate) const MAX_TRAIL_POINTS: usize = 64;

impl Editor {
    /// Adds `p` to the cursor trail and forgets the points older than it lasts.
    pub(super) fn record_trail(&mut self, p: Point) {
        self.trail.push_back((p, self.now));
        while self.trail.len() > MAX_TRAIL_POINTS
            || self.trail.front().is_some_and(|(_, t)| self.now - t > f64::from(self.settings.trail_ms))
        {
            self.trail.pop_front();
        }
    }

    /// The cursor over an idle canvas: what a press at screen `(x, y)`
    /// (design `p`) would do.
    pub(super) fn hover(&mut self, x: f32, y: f32, p: Point, step: &mut Step) {
        let over = self.cache.hit_test(&self.geometry, p).filter(|id| *id != self.doc.root());
        step.cursor = Some(if over.is_some() { Cursor::Move } else { Cursor::Default });
        if let Some((_, h)) = self.handle_at(x, y) {
            step.cursor = Some(Cursor::Resize(h));
        }
    }

    /// Writes the standing status line into `out` (empty): what the
    /// gesture under way would do, or else what is selected. A step's own
    /// message replaces it for that step. Written into the last step's
    /// text, it allocates nothing once that is long enough.
    pub(super) fn status_text(&self, out: &mut String) {
        use std::fmt::Write as _;
        // Writing into a String cannot fail.
        let _ = match &self.gesture {
            Gesture::Moving(s) => match &s.target {
                Some(t) => {
                    let name = self.doc.widget(t.container).map_or("?", |w| w.name());
                    match t.index {
                        Some(i) => write!(out, "drop into '{name}' at position {i}"),
                        None => write!(out, "move by {:.0}, {:.0} in '{name}'", s.delta.0, s.delta.1),
                    }
                }
                None => out.write_str("no container here"),
            },
            Gesture::Resizing(s) => {
                let r = self.geometry.rect(s.id).unwrap_or_default();
                write!(out, "{:.0} x {:.0}", r.w, r.h)
            }
            Gesture::Marquee(_) => write!(out, "{} selected", self.selection.len()),
            Gesture::Palette(drag) if drag.target.is_some() => {
                let name = drag.target.as_ref().and_then(|t| self.doc.widget(t.container)).map_or("?", |w| w.name());
                write!(out, "insert a {} into '{name}'", drag.kind.label())
            }
            _ => match self.selection.as_slice() {
                [] => write!(out, "{} widgets", self.doc.len()),
                [one] => self.doc.widget(*one).map_or(Ok(()), |w| write!(out, "{} '{}'", w.kind().label(), w.name())),
                many => write!(out, "{} selected", many.len()),
            },
        };
    }

    /// Fills `o` (empty, its lists' room kept from the last step) with
    /// what to draw over the design now.
    pub(super) fn overlays(&self, o: &mut Overlays) {
        o.selection.extend(self.selection.iter().filter_map(|id| self.geometry.visible_rect(*id)));
        o.trail.extend(self.trail.iter().map(|(p, t)| (*p, (self.now - t) as f32)));
        if let [one] = self.selection[..]
            && !self.geometry.is_locked(one)
            && matches!(self.gesture, Gesture::Idle | Gesture::Resizing(_) | Gesture::Pressed(_))
            && let Some(r) = self.geometry.rect(one)
        {
            o.handles.extend(Handle::ALL.iter().map(|h| (*h, h.anchor(&r))));
        }
        match &self.gesture {
            Gesture::Idle => {
                if let Some((x, y)) = self.pointer {
                    let p = self.design(x, y);
                    o.hover = self
                        .geometry
                        .hit_test(p)
                        .filter(|id| *id != self.doc.root() && !self.selection.contains(id))
                        .and_then(|id| self.geometry.visible_rect(id));
                }
            }
            Gesture::Marquee(m) => o.marquee = Some(m.rect()),
            Gesture::Moving(s) => {
                // The canvas itself takes any drop: highlighting all of it says nothing.
                if let Some(t) = s.target.as_ref().filter(|t| t.container != self.doc.root()) {
                    o.drop_target = Some(t.highlight);
                    o.insertion = t.marker;
                }
                if let Some(snap) = &s.snap {
                    o.guides.extend_from_slice(&snap.guides);
                    o.spacing.extend_from_slice(&snap.spacing);
                }
                let r = s.starts[s.primary];
                let kind = self.doc.widget(s.ids[s.primary]).map_or(WidgetKind::Panel, |w| w.kind());
                let lift = ((self.now - s.started) / LIFT_MS).clamp(0.0, 1.0) as f32;
                o.ghost = Some(Ghost { rect: Rect::new(r.x + s.delta.0, r.y + s.delta.1, r.w, r.h), kind, lift });
            }
            Gesture::Palette(drag) => {
                if let Some(p) = drag.at {
                    let (w, h) = drag.kind.palette_size();
                    let rect = Rect::new(p.x - w / 2.0, p.y - h / 2.0, w, h);
                    o.ghost = Some(Ghost { rect, kind: drag.kind, lift: 1.0 });
                    if let Some(t) = drag.target.as_ref().filter(|t| t.container != self.doc.root()) {
                        o.drop_target = Some(t.highlight);
                        o.insertion = t.marker;
                    }
                }
            }
            _ => {}
        }
    }
}
