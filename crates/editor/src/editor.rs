//! The interaction engine: a state machine from input events to commands
//! on the document, with the overlays and damage of every step.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use trellis_geometry::{
    DropTarget, FixedAdvanceMeasurer, Geometry, Marquee, Point, QueryCache, SnapQuery, TextMeasurer,
};
use trellis_model::{
    Change, Command, Document, LayoutMode, PropKey, PropValue, Rect, Subscription, WidgetId, WidgetKind, WidgetTree,
};

use crate::input::{Action, Button, Event, Input, Key, Modifiers};
use crate::journal::JournalWriter;
use crate::output::{Cursor, Damage, Ghost, Handle, Overlays, Step};
use crate::viewport::Viewport;

/// User settings the engine follows.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    /// Snap to edges, centres and spacing while moving (alt disables it for a move).
    pub snapping: bool,
    /// Grid size in design pixels; `None` turns grid snapping off.
    pub grid: Option<f32>,
    /// Snapping distance in screen pixels.
    pub snap_threshold_px: f32,
    /// How far the pointer travels before a press becomes a drag, in screen pixels.
    pub drag_threshold_px: f32,
    /// How long a cursor trail point lives, in milliseconds.
    pub trail_ms: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Self { snapping: true, grid: None, snap_threshold_px: 6.0, drag_threshold_px: 3.0, trail_ms: 250.0 }
    }
}

/// How close to a handle (in screen pixels) a press grabs it.
const HANDLE_REACH_PX: f32 = 6.0;
/// How long a picked-up widget takes to lift fully, in milliseconds.
const LIFT_MS: f64 = 150.0;

#[derive(Debug)]
struct MoveState {
    ids: Vec<WidgetId>,
    /// Border boxes at the start, in design coordinates.
    starts: Vec<Rect>,
    /// `x`/`y` properties at the start.
    origins: Vec<(f32, f32)>,
    /// Whether each moves live (its parent places it absolutely).
    live: Vec<bool>,
    grab: Point,
    /// The widget under the pointer: snapping aligns it.
    primary: usize,
    target: Option<DropTarget>,
    snap: Option<trellis_geometry::Snap>,
    started: f64,
    duplicate: bool,
    delta: (f32, f32),
}

#[derive(Debug)]
struct ResizeState {
    id: WidgetId,
    handle: Handle,
    start: Rect,
    grab: Point,
    flowed: bool,
}

#[derive(Debug)]
enum Gesture {
    Idle,
    /// The primary button is down and has not moved far yet.
    Pressed {
        x: f32,
        y: f32,
        target: Option<WidgetId>,
        was_selected: bool,
        modifiers: Modifiers,
    },
    Moving(Box<MoveState>),
    Resizing(ResizeState),
    Marquee {
        start: Point,
        end: Point,
        base: Vec<WidgetId>,
        touching: bool,
    },
    Panning {
        x: f32,
        y: f32,
    },
    Palette {
        kind: WidgetKind,
        at: Option<Point>,
        target: Option<DropTarget>,
    },
}

/// The editor: a document, its layout, the selection, the view, and the
/// gesture in progress. Feed it [`Event`]s; read the [`Step`]s.
pub struct Editor {
    doc: Document,
    geometry: Geometry,
    changes: Subscription,
    selection: Vec<WidgetId>,
    viewport: Viewport,
    pub settings: Settings,
    gesture: Gesture,
    space: bool,
    pointer: Option<(f32, f32)>,
    clipboard: Option<String>,
    trail: VecDeque<(Point, f64)>,
    now: f64,
    cache: QueryCache,
    journal: Option<JournalWriter>,
    status: String,
    /// How long the last step's layout update took.
    layout_ns: u64,
}

impl std::fmt::Debug for Editor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Editor")
            .field("widgets", &self.doc.len())
            .field("selection", &self.selection.len())
            .field("gesture", &self.gesture)
            .finish()
    }
}

impl Editor {
    /// An editor on `doc` with a fixed-advance text measurer (headless use).
    pub fn new(doc: Document) -> Self {
        Self::with_measurer(doc, Arc::new(FixedAdvanceMeasurer::default()))
    }

    pub fn with_measurer(doc: Document, measurer: Arc<dyn TextMeasurer>) -> Self {
        let geometry = Geometry::new(&doc, measurer);
        let changes = doc.subscribe();
        Self {
            doc,
            geometry,
            changes,
            selection: Vec::new(),
            viewport: Viewport::default(),
            settings: Settings::default(),
            gesture: Gesture::Idle,
            space: false,
            pointer: None,
            clipboard: None,
            trail: VecDeque::new(),
            now: 0.0,
            cache: QueryCache::new(),
            journal: None,
            status: String::new(),
            layout_ns: 0,
        }
    }

    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// Ends the session, handing back the document.
    pub fn into_document(self) -> Document {
        let Editor { doc, .. } = self;
        doc
    }

    pub fn geometry(&self) -> &Geometry {
        &self.geometry
    }

    pub fn selection(&self) -> &[WidgetId] {
        &self.selection
    }

    pub fn viewport(&self) -> &Viewport {
        &self.viewport
    }

    /// Nanoseconds the last [`Editor::handle`] spent updating the layout
    /// (a frame phase of its own in the performance lab).
    pub fn last_layout_ns(&self) -> u64 {
        self.layout_ns
    }

    /// The editor's own clipboard (a `.trellis` design as text).
    pub fn clipboard(&self) -> Option<&str> {
        self.clipboard.as_deref()
    }

    /// Whether a gesture (drag, resize, marquee...) is in progress.
    pub fn is_busy(&self) -> bool {
        !matches!(self.gesture, Gesture::Idle)
    }

    /// Records every following event and commit to `journal`.
    pub fn set_journal(&mut self, journal: JournalWriter) {
        self.journal = Some(journal);
    }

    /// The journal being written, if any.
    pub fn journal(&self) -> Option<&JournalWriter> {
        self.journal.as_ref()
    }

    pub fn take_journal(&mut self) -> Option<JournalWriter> {
        self.journal.take()
    }

    /// Replaces the selection (the layer tree and tests use this).
    pub fn select(&mut self, ids: &[WidgetId]) {
        self.selection = ids.iter().copied().filter(|id| self.doc.contains(*id) && *id != self.doc.root()).collect();
    }

    /// Cancels the gesture in progress, if any; the document is as before it.
    pub fn cancel(&mut self) {
        if self.doc.in_transaction() {
            self.doc.rollback();
        }
        self.gesture = Gesture::Idle;
        self.geometry.update(&self.doc);
    }

    /// Handles one event and reports what changed.
    pub fn handle(&mut self, event: &Event) -> Step {
        if let Some(j) = &self.journal {
            j.event(event);
        }
        self.now = event.t;
        let commits = self.doc.commits();
        let view = self.viewport;
        let mut step = Step::default();
        self.input(&event.input, &mut step);
        if self.doc.commits() != commits {
            step.committed = self.doc.undo_label().map(str::to_owned);
            if let Some(j) = &self.journal {
                j.commit(step.committed.as_deref().unwrap_or(""), self.doc.content_hash());
            }
        }
        // Timed for the performance lab's frame phases; nothing depends on it.
        let layout_started = std::time::Instant::now();
        self.geometry.update(&self.doc);
        self.layout_ns = layout_started.elapsed().as_nanos() as u64;
        self.selection.retain(|id| self.doc.contains(*id));
        match self.geometry.take_damage() {
            None => step.damage.all(),
            Some(regions) => regions.into_iter().for_each(|r| step.damage.add(r)),
        }
        step.repaint = self.geometry.take_moved();
        for change in self.changes.drain() {
            match change {
                // Restyled widgets repaint where they are, with their
                // subtrees (visibility and enabled state reach children).
                Change::Props { id, .. } | Change::Renamed { id } => {
                    if let Some(r) = self.geometry.rect(id) {
                        step.damage.add(r);
                    }
                    if self.doc.contains(id) {
                        step.repaint.extend(self.doc.descendants(id));
                    }
                }
                Change::Inserted { id, .. } | Change::Removed { id, .. } | Change::Moved { id, .. } => {
                    step.restructured.push(id);
                }
                Change::Reset => step.damage.all(),
            }
        }
        if self.viewport != view {
            step.damage.all();
        }
        step.overlays = self.overlays();
        if step.status.is_empty() {
            step.status = self.status_text();
        }
        step
    }

    fn input(&mut self, input: &Input, step: &mut Step) {
        match input {
            Input::PointerDown { x, y, button, modifiers } => self.pointer_down(*x, *y, *button, *modifiers, step),
            Input::PointerMove { x, y, modifiers } => self.pointer_move(*x, *y, *modifiers, step),
            Input::PointerUp { x, y, button, .. } => self.pointer_up(*x, *y, *button, step),
            Input::Wheel { x, y, dx, dy, .. } if ![x, y, dx, dy].iter().all(|v| v.is_finite()) => {
                step.status = "ignored a wheel event with a non-finite value".into();
            }
            Input::Wheel { x, y, dx, dy, modifiers } => {
                if modifiers.ctrl {
                    self.viewport.zoom_around(*x, *y, (dy * 0.002).exp());
                } else {
                    self.viewport.pan(*dx, *dy);
                }
            }
            Input::KeyDown { key, modifiers } => self.key_down(*key, *modifiers, step),
            Input::KeyUp { key: Key::Space, .. } => self.space = false,
            Input::KeyUp { .. } | Input::Text { .. } => {}
            Input::Viewport { width, height, scale } => {
                self.viewport.width = width.max(1.0);
                self.viewport.height = height.max(1.0);
                self.viewport.scale = scale.max(0.1);
            }
            Input::PaletteDrag { kind } => {
                self.cancel();
                if kind.is_root_only() {
                    step.status = "a window cannot be placed in a design: use a panel".into();
                } else {
                    self.gesture = Gesture::Palette { kind: *kind, at: None, target: None };
                    step.cursor = Some(Cursor::Copy);
                }
            }
            Input::PasteText { text } => self.paste(text, step),
            Input::Action(action) => self.action(action, step),
        }
    }

    fn design(&self, x: f32, y: f32) -> Point {
        self.viewport.to_design(x, y)
    }

    fn on_canvas(&self, x: f32, y: f32) -> bool {
        x >= 0.0 && y >= 0.0 && x <= self.viewport.width && y <= self.viewport.height
    }

    fn handle_at(&self, x: f32, y: f32) -> Option<(WidgetId, Handle)> {
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

    fn pointer_down(&mut self, x: f32, y: f32, button: Button, modifiers: Modifiers, step: &mut Step) {
        self.pointer = Some((x, y));
        if !matches!(self.gesture, Gesture::Idle | Gesture::Palette { .. }) {
            return;
        }
        if button == Button::Middle || (button == Button::Primary && self.space) {
            self.gesture = Gesture::Panning { x, y };
            step.cursor = Some(Cursor::Grabbing);
            return;
        }
        if button != Button::Primary || matches!(self.gesture, Gesture::Palette { .. }) {
            return;
        }
        if let Some((id, handle)) = self.handle_at(x, y) {
            let start = self.geometry.rect(id).expect("selected widgets are laid out");
            let flowed = self
                .doc
                .parent(id)
                .and_then(|p| self.doc.widget(p))
                .is_some_and(|p| p.kind() != WidgetKind::Tabs && p.layout() != LayoutMode::Absolute);
            // Gestures start only when idle, so no other transaction is open.
            let _ = self.doc.begin("Resize");
            self.gesture = Gesture::Resizing(ResizeState { id, handle, start, grab: self.design(x, y), flowed });
            step.cursor = Some(Cursor::Resize(handle));
            return;
        }
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
        self.gesture = Gesture::Pressed { x, y, target: hit, was_selected, modifiers };
    }

    fn pointer_move(&mut self, x: f32, y: f32, modifiers: Modifiers, step: &mut Step) {
        self.pointer = Some((x, y));
        let p = self.design(x, y);
        self.trail.push_back((p, self.now));
        while self.trail.front().is_some_and(|(_, t)| self.now - t > f64::from(self.settings.trail_ms)) {
            self.trail.pop_front();
        }
        match std::mem::replace(&mut self.gesture, Gesture::Idle) {
            Gesture::Idle => {
                let over = self.cache.hit_test(&self.geometry, p).filter(|id| *id != self.doc.root());
                step.cursor = Some(if over.is_some() { Cursor::Move } else { Cursor::Default });
                if let Some((_, h)) = self.handle_at(x, y) {
                    step.cursor = Some(Cursor::Resize(h));
                }
            }
            Gesture::Pressed { x: sx, y: sy, target, was_selected, modifiers: down } => {
                let far = (x - sx).hypot(y - sy) >= self.settings.drag_threshold_px;
                if !far {
                    self.gesture = Gesture::Pressed { x: sx, y: sy, target, was_selected, modifiers: down };
                    return;
                }
                match target {
                    Some(id) if !self.selection.is_empty() => {
                        self.start_move(id, self.design(sx, sy), down.alt, step);
                        self.drag_to(p, modifiers, step);
                    }
                    _ => {
                        let base = if down.shift { self.selection.clone() } else { Vec::new() };
                        let start = self.design(sx, sy);
                        self.gesture = Gesture::Marquee { start, end: p, base, touching: modifiers.alt };
                        self.update_marquee();
                        step.cursor = Some(Cursor::Crosshair);
                    }
                }
            }
            Gesture::Moving(state) => {
                self.gesture = Gesture::Moving(state);
                self.drag_to(p, modifiers, step);
            }
            Gesture::Resizing(state) => {
                step.cursor = Some(Cursor::Resize(state.handle));
                self.resize_to(&state, p, modifiers);
                self.gesture = Gesture::Resizing(state);
            }
            Gesture::Marquee { start, base, .. } => {
                self.gesture = Gesture::Marquee { start, end: p, base, touching: modifiers.alt };
                self.update_marquee();
                step.cursor = Some(Cursor::Crosshair);
            }
            Gesture::Panning { x: px, y: py } => {
                self.viewport.pan(x - px, y - py);
                self.gesture = Gesture::Panning { x, y };
                step.cursor = Some(Cursor::Grabbing);
            }
            Gesture::Palette { kind, .. } => {
                let (at, target) = if self.on_canvas(x, y) {
                    (Some(p), self.cache.drop_target(&self.geometry, &self.doc, p, &[]))
                } else {
                    (None, None)
                };
                step.cursor = Some(if target.is_some() { Cursor::Copy } else { Cursor::NotAllowed });
                self.gesture = Gesture::Palette { kind, at, target };
            }
        }
    }

    fn pointer_up(&mut self, x: f32, y: f32, button: Button, step: &mut Step) {
        self.pointer = Some((x, y));
        match std::mem::replace(&mut self.gesture, Gesture::Idle) {
            Gesture::Pressed { target, was_selected, modifiers: down, .. } => {
                // A click: select what is under the pointer; shift-click on a
                // selected widget takes it out of the selection.
                match target {
                    Some(id) if down.shift && was_selected => self.selection.retain(|s| *s != id),
                    Some(_) if down.shift => {}
                    Some(id) => self.selection = vec![id],
                    None if !down.shift => self.selection.clear(),
                    None => {}
                }
            }
            Gesture::Moving(state) => self.finish_move(&state, step),
            Gesture::Resizing(_) => {
                self.doc.commit();
            }
            Gesture::Marquee { .. } | Gesture::Idle => {}
            Gesture::Panning { .. } => step.cursor = Some(if self.space { Cursor::Grab } else { Cursor::Default }),
            Gesture::Palette { kind, .. } if button == Button::Primary && self.on_canvas(x, y) => {
                let p = self.design(x, y);
                self.drop_new(kind, p, step);
            }
            Gesture::Palette { .. } => step.status = "nothing inserted: released outside the canvas".into(),
        }
    }

    fn start_move(&mut self, under: WidgetId, grab: Point, duplicate: bool, step: &mut Step) {
        let mut ids = self.top_level(&self.selection);
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
        let live = ids.iter().map(|id| !self.is_flowed(*id)).collect();
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
            started: self.now,
            duplicate,
            delta: (0.0, 0.0),
        }));
        step.cursor = Some(if duplicate { Cursor::Copy } else { Cursor::Grabbing });
    }

    fn is_flowed(&self, id: WidgetId) -> bool {
        self.doc
            .parent(id)
            .and_then(|p| self.doc.widget(p))
            .is_some_and(|p| p.kind() != WidgetKind::Tabs && p.layout() != LayoutMode::Absolute)
    }

    fn drag_to(&mut self, p: Point, modifiers: Modifiers, step: &mut Step) {
        let Gesture::Moving(state) = &mut self.gesture else { return };
        let mut delta = (p.x - state.grab.x, p.y - state.grab.y);
        let target = self.cache.drop_target(&self.geometry, &self.doc, p, &state.ids);
        state.snap = None;
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
            let snap = self.geometry.snap(&self.doc, &query);
            delta = (snap.rect.x - r.x, snap.rect.y - r.y);
            state.snap = Some(snap);
        }
        state.target = target;
        state.delta = delta;
        let mut values = Vec::new();
        for (i, id) in state.ids.iter().enumerate() {
            if state.live[i] {
                let (x, y) = state.origins[i];
                values.push((*id, x + delta.0, y + delta.1));
            }
        }
        step.cursor = Some(if state.duplicate { Cursor::Copy } else { Cursor::Grabbing });
        for (id, x, y) in values {
            let moved = self.doc.execute(Command::SetProperties {
                id,
                values: vec![(PropKey::X, Some(PropValue::Number(x))), (PropKey::Y, Some(PropValue::Number(y)))],
            });
            if let Err(e) = moved {
                step.status = format!("cannot move there: {e}");
            }
        }
    }

    fn finish_move(&mut self, state: &MoveState, step: &mut Step) {
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

    fn resize_to(&mut self, s: &ResizeState, p: Point, modifiers: Modifiers) {
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
        if let Err(e) = self.doc.execute(Command::SetProperties { id: s.id, values }) {
            self.status = format!("cannot resize: {e}");
        }
    }

    fn update_marquee(&mut self) {
        let Gesture::Marquee { start, end, base, touching } = &self.gesture else { return };
        let rect = rect_between(*start, *end);
        let found = self.geometry.marquee(rect, if *touching { Marquee::Touching } else { Marquee::Inside });
        let mut selection = base.clone();
        for id in self.top_level(&found) {
            if !selection.contains(&id) {
                selection.push(id);
            }
        }
        self.selection = selection;
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

    /// The widgets of `ids` whose ancestors are not also listed, in order.
    fn top_level(&self, ids: &[WidgetId]) -> Vec<WidgetId> {
        let set: HashSet<WidgetId> = ids.iter().copied().collect();
        ids.iter()
            .copied()
            .filter(|id| {
                let mut at = self.doc.parent(*id);
                while let Some(a) = at {
                    if set.contains(&a) {
                        return false;
                    }
                    at = self.doc.parent(a);
                }
                true
            })
            .collect()
    }

    fn key_down(&mut self, key: Key, m: Modifiers, step: &mut Step) {
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

    fn nudge(&mut self, dx: f32, dy: f32, step: &mut Step) {
        if self.is_busy() {
            return;
        }
        let ids: Vec<WidgetId> =
            self.top_level(&self.selection).into_iter().filter(|id| !self.is_flowed(*id)).collect();
        let commands = ids
            .iter()
            .filter_map(|id| self.doc.widget(*id))
            .map(|w| Command::SetProperties {
                id: w.id(),
                values: vec![
                    (PropKey::X, Some(PropValue::Number(w.number(PropKey::X) + dx))),
                    (PropKey::Y, Some(PropValue::Number(w.number(PropKey::Y) + dy))),
                ],
            })
            .collect::<Vec<_>>();
        if !commands.is_empty()
            && let Err(e) = self.doc.execute_all("Nudge", commands)
        {
            step.status = format!("cannot nudge: {e}");
        }
    }

    fn status_text(&self) -> String {
        match &self.gesture {
            Gesture::Moving(s) => match &s.target {
                Some(t) => {
                    let name = self.doc.widget(t.container).map_or("?", |w| w.name());
                    match t.index {
                        Some(i) => format!("drop into '{name}' at position {i}"),
                        None => format!("move by {:.0}, {:.0} in '{name}'", s.delta.0, s.delta.1),
                    }
                }
                None => "no container here".into(),
            },
            Gesture::Resizing(s) => {
                let r = self.geometry.rect(s.id).unwrap_or_default();
                format!("{:.0} x {:.0}", r.w, r.h)
            }
            Gesture::Marquee { .. } => format!("{} selected", self.selection.len()),
            Gesture::Palette { kind, target: Some(t), .. } => {
                format!("insert a {} into '{}'", kind.label(), self.doc.widget(t.container).map_or("?", |w| w.name()))
            }
            _ if !self.status.is_empty() => self.status.clone(),
            _ => match self.selection.as_slice() {
                [] => format!("{} widgets", self.doc.len()),
                [one] => {
                    self.doc.widget(*one).map_or(String::new(), |w| format!("{} '{}'", w.kind().label(), w.name()))
                }
                many => format!("{} selected", many.len()),
            },
        }
    }

    fn overlays(&self) -> Overlays {
        let mut o = Overlays {
            selection: self.selection.iter().filter_map(|id| self.geometry.visible_rect(*id)).collect(),
            trail: self.trail.iter().map(|(p, t)| (*p, (self.now - t) as f32)).collect(),
            ..Overlays::default()
        };
        if let [one] = self.selection[..]
            && !self.geometry.is_locked(one)
            && matches!(self.gesture, Gesture::Idle | Gesture::Resizing(_) | Gesture::Pressed { .. })
            && let Some(r) = self.geometry.rect(one)
        {
            o.handles = Handle::ALL.iter().map(|h| (*h, h.anchor(&r))).collect();
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
            Gesture::Marquee { start, end, .. } => o.marquee = Some(rect_between(*start, *end)),
            Gesture::Moving(s) => {
                // The canvas itself takes any drop: highlighting all of it says nothing.
                if let Some(t) = s.target.as_ref().filter(|t| t.container != self.doc.root()) {
                    o.drop_target = Some(t.highlight);
                    o.insertion = t.marker;
                }
                if let Some(snap) = &s.snap {
                    o.guides = snap.guides.clone();
                    o.spacing = snap.spacing.clone();
                }
                let r = s.starts[s.primary];
                let kind = self.doc.widget(s.ids[s.primary]).map_or(WidgetKind::Panel, |w| w.kind());
                let lift = ((self.now - s.started) / LIFT_MS).clamp(0.0, 1.0) as f32;
                o.ghost = Some(Ghost { rect: Rect::new(r.x + s.delta.0, r.y + s.delta.1, r.w, r.h), kind, lift });
            }
            Gesture::Palette { kind, at: Some(p), target } => {
                let (w, h) = kind.palette_size();
                o.ghost = Some(Ghost { rect: Rect::new(p.x - w / 2.0, p.y - h / 2.0, w, h), kind: *kind, lift: 1.0 });
                if let Some(t) = target.as_ref().filter(|t| t.container != self.doc.root()) {
                    o.drop_target = Some(t.highlight);
                    o.insertion = t.marker;
                }
            }
            _ => {}
        }
        o
    }

    /// Runs a menu or shortcut action.
    pub fn action(&mut self, action: &Action, step: &mut Step) {
        if self.is_busy() && !matches!(action, Action::SetSnapping(_) | Action::SetGrid(_)) {
            step.status = "finish the gesture first".into();
            return;
        }
        crate::actions::run(self, action, step);
    }

    // Accessors for the actions module.
    pub(crate) fn doc_mut(&mut self) -> &mut Document {
        &mut self.doc
    }

    pub(crate) fn selection_mut(&mut self) -> &mut Vec<WidgetId> {
        &mut self.selection
    }

    pub(crate) fn viewport_mut(&mut self) -> &mut Viewport {
        &mut self.viewport
    }

    pub(crate) fn set_clipboard(&mut self, text: String) {
        self.clipboard = Some(text);
    }

    pub(crate) fn top_level_selection(&self) -> Vec<WidgetId> {
        self.top_level(&self.selection)
    }

    pub(crate) fn flowed(&self, id: WidgetId) -> bool {
        self.is_flowed(id)
    }

    pub(crate) fn refresh_geometry(&mut self) {
        self.geometry.update(&self.doc);
    }

    fn paste(&mut self, text: &str, step: &mut Step) {
        if self.is_busy() {
            return;
        }
        crate::actions::paste(self, text, step);
    }
}

fn rect_between(a: Point, b: Point) -> Rect {
    Rect::new(a.x.min(b.x), a.y.min(b.y), (a.x - b.x).abs(), (a.y - b.y).abs())
}

pub(crate) fn damage_all(step: &mut Step) {
    step.damage = Damage::All;
}
