//! The editor: the state a session keeps (document, layout, selection,
//! view) and the routing of each input to the gesture, key or action that
//! handles it. Each gesture lives in a file of its own under `gestures/`;
//! keys, actions and the feedback drawn over the canvas have theirs.

mod feedback;
mod gestures;
mod keys;
mod panels;
mod planted;

pub use planted::PlantedLeak;

use std::collections::VecDeque;
use std::sync::Arc;

use trellis_geometry::{FontMeasurer, Geometry, Point, QueryCache, TextMeasurer};
use trellis_model::{Change, Document, PropKey, Subscription, WidgetId};

use self::gestures::Gesture;
use crate::actions::{self, Scope};
use crate::input::{Action, Event, Input, Key};
use crate::journal::JournalWriter;
use crate::output::{Damage, Step};
use crate::settings::Settings;
use crate::viewport::Viewport;

/// The editor: a document, its layout, the selection, the view, and the
/// gesture in progress. Feed it [`Event`]s; read the [`Step`]s.
pub struct Editor {
    doc: Document,
    geometry: Geometry,
    /// What the geometry measures text with, as [`TextMeasurer::id`] names it:
    /// a journal records it so a replay can refuse to measure differently.
    measurer_id: String,
    changes: Subscription,
    /// The changes one step reads, kept (empty) for the next step.
    change_buffer: Vec<Change>,
    selection: Vec<WidgetId>,
    viewport: Viewport,
    /// The settings the gestures follow; changed only by events.
    pub(crate) settings: Settings,
    gesture: Gesture,
    space: bool,
    pointer: Option<(f32, f32)>,
    clipboard: Option<actions::Clipboard>,
    /// Replaying a journal recorded before design format 2: pasted designs
    /// are read as that session read them (`Document::from_json_bytes_before_v2`).
    pub(crate) pastes_before_v2: bool,
    trail: VecDeque<(Point, f64)>,
    now: f64,
    cache: QueryCache,
    journal: Option<JournalWriter>,
    /// How long the last step's layout update took, the part run
    /// alongside the digest of a nudge included (`Document::execute_all_alongside`);
    /// an action's layout (`Scope::execute_laid_out`) counts as its event.
    layout_ns: u64,
    commit_ns: u64,
    /// A step handed back ([`Editor::recycle`]), emptied: the next input's.
    spare_step: Option<Step>,
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
    /// An editor on `doc` that measures text with the bundled font, as
    /// the renderers draw it ([`FontMeasurer::shared`]): what the app,
    /// every command and the benchmarks use.
    pub fn new(doc: Document) -> Self {
        Self::with_measurer(doc, FontMeasurer::shared())
    }

    /// An editor on `doc` that lays text out with `measurer` (unit tests
    /// pass a [`trellis_geometry::FixedAdvanceMeasurer`] for round numbers).
    /// Journals of this editor record the measurer's id, and only replay
    /// with the same measurer.
    pub fn with_measurer(doc: Document, measurer: Arc<dyn TextMeasurer>) -> Self {
        let measurer_id = measurer.id();
        let geometry = Geometry::new(&doc, measurer);
        let changes = doc.subscribe();
        Self {
            doc,
            geometry,
            measurer_id,
            changes,
            change_buffer: Vec::new(),
            selection: Vec::new(),
            viewport: Viewport::default(),
            settings: Settings::default(),
            gesture: Gesture::Idle,
            space: false,
            pointer: None,
            clipboard: None,
            pastes_before_v2: false,
            trail: VecDeque::new(),
            now: 0.0,
            cache: QueryCache::new(),
            journal: None,
            layout_ns: 0,
            commit_ns: 0,
            spare_step: None,
        }
    }

    /// Takes back a step the caller is done with: the next input's step
    /// reuses the room of its lists and status text, and the layout the
    /// room of its damage and moved widgets, so that a drag's frames
    /// allocate none of them. Optional: a step not handed back is dropped.
    pub fn recycle(&mut self, mut step: Step) {
        let regions = match std::mem::take(&mut step.damage) {
            Damage::Regions(regions) => regions,
            _ => Vec::new(),
        };
        self.geometry.give_back(regions, std::mem::take(&mut step.moved));
        step.empty();
        self.spare_step = Some(step);
    }

    /// The document being edited. Change it through events and actions, so
    /// that undo, the journal and the layout follow.
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// Ends the session, handing back the document.
    pub fn into_document(self) -> Document {
        let Editor { doc, .. } = self;
        doc
    }

    /// Where every widget is, as of the last handled event.
    pub fn geometry(&self) -> &Geometry {
        &self.geometry
    }

    /// The id of the text measurer this editor lays text out with
    /// (see [`TextMeasurer::id`]).
    pub fn measurer_id(&self) -> &str {
        &self.measurer_id
    }

    /// The selected widgets, in the order they were selected.
    pub fn selection(&self) -> &[WidgetId] {
        &self.selection
    }

    /// The current zoom and pan.
    pub fn viewport(&self) -> &Viewport {
        &self.viewport
    }

    /// Makes what a later gesture would otherwise make in its own frame
    /// (the layout's paint order, for a nudge of everything:
    /// [`Geometry::prepare_bulk_moves`], a slice a call); for a frame with
    /// time to spare. Returns whether it made anything.
    pub fn prepare_ahead(&mut self) -> bool {
        self.geometry.prepare_bulk_moves(&self.doc)
    }

    /// Nanoseconds the last [`Editor::handle`] spent updating the layout
    /// (a frame phase of its own in the performance lab).
    pub fn last_layout_ns(&self) -> u64 {
        self.layout_ns
    }

    /// Nanoseconds the last [`Editor::handle`] spent recording a commit in
    /// the journal (the design's content hash and the record handed to the
    /// writer thread); 0 when it committed nothing or no journal is kept.
    pub fn last_commit_ns(&self) -> u64 {
        self.commit_ns
    }

    /// The editor's own clipboard (a `.trellis` design as text).
    pub fn clipboard(&self) -> Option<&str> {
        self.clipboard.as_ref().map(|c| c.text.as_str())
    }

    /// Whether a gesture (drag, resize, marquee...) is in progress.
    pub fn is_busy(&self) -> bool {
        !matches!(self.gesture, Gesture::Idle)
    }

    /// Records every following event and commit to `journal`.
    ///
    /// # Panics
    ///
    /// If `journal` was created for another text measurer than this
    /// editor's: its replays would lay text out differently from this
    /// session, so recording it would be a journal that lies.
    pub fn set_journal(&mut self, journal: JournalWriter) {
        assert_eq!(
            journal.measurer(),
            self.measurer_id,
            "a journal must be created with the measurer of the editor it records (Editor::measurer_id)"
        );
        self.journal = Some(journal);
    }

    /// The journal being written, if any.
    pub fn journal(&self) -> Option<&JournalWriter> {
        self.journal.as_ref()
    }

    /// Stops recording and hands the journal back (to finish it).
    pub fn take_journal(&mut self) -> Option<JournalWriter> {
        self.journal.take()
    }

    /// The settings the gestures follow ([`Input::Settings`] changes them).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Cancels the gesture in progress, if any; the document is as before
    /// it. A replay's recovery ends with it (a gesture cut off by a crash
    /// was never committed); a session sends Escape.
    pub(crate) fn cancel(&mut self) {
        if self.doc.in_transaction() {
            self.doc.rollback();
        }
        self.gesture = Gesture::Idle;
        self.geometry.update(&self.doc);
    }

    /// Handles one event and reports what changed.
    pub fn handle(&mut self, event: &Event) -> Step {
        self.layout_ns = 0;
        self.commit_ns = 0;
        if !event.is_finite() {
            // Not journaled either: it could not be read back.
            let mut step = Step::default();
            step.refuse("ignored an input with a number that is not finite");
            return step;
        }
        if let Some(j) = &self.journal {
            j.event(event);
        }
        self.now = event.t;
        let commits = self.doc.commits();
        let view = self.viewport;
        let mut step = self.spare_step.take().unwrap_or_default();
        self.input(&event.input, &mut step);
        if self.doc.commits() != commits {
            step.committed = self.doc.undo_label().map(str::to_owned);
            if let Some(j) = &self.journal {
                // Timed for `bench drag`: a commit must cost what it changed.
                let started = std::time::Instant::now();
                j.commit(step.committed.as_deref().unwrap_or(""), self.doc.content_hash());
                self.commit_ns = started.elapsed().as_nanos() as u64;
            }
        }
        // Timed for the performance lab's frame phases; nothing depends on it.
        let layout_started = std::time::Instant::now();
        self.geometry.update(&self.doc);
        self.layout_ns += layout_started.elapsed().as_nanos() as u64;
        self.selection.retain(|id| self.doc.contains(*id));
        match self.geometry.take_damage() {
            None => step.damage.all(),
            Some(regions) => step.damage.extend(regions),
        }
        step.moved = self.geometry.take_moved();
        let mut changes = std::mem::take(&mut self.change_buffer);
        self.changes.drain_into(&mut changes);
        for change in changes.drain(..) {
            match change {
                // A new place is all a position changes: the geometry
                // lists what moved (a nudge of everything made every
                // widget again, twice over).
                Change::Props { keys, .. } if keys.iter().all(|k| matches!(k, PropKey::X | PropKey::Y)) => {}
                // Restyled widgets repaint where they are, with their
                // subtrees (visibility and enabled state reach children).
                Change::Props { id, .. } | Change::Renamed { id } => {
                    if let Some(r) = self.geometry.rect(id) {
                        step.damage.add(r);
                    }
                    if self.doc.contains(id) {
                        self.doc.extend_subtree(id, &mut step.repaint);
                    }
                }
                Change::Inserted { id, .. } | Change::Removed { id, .. } | Change::Moved { id, .. } => {
                    step.restructured.push(id);
                }
                Change::Reset => step.damage.all(),
            }
        }
        self.change_buffer = changes;
        if self.viewport != view {
            step.damage.view();
        }
        self.overlays(&mut step.overlays);
        // A message this step reported (a refusal, a cancel) wins over the
        // standing status for this one step only: the next step says what is.
        if step.status.is_empty() {
            self.status_text(&mut step.status);
        }
        step
    }

    fn input(&mut self, input: &Input, step: &mut Step) {
        match input {
            Input::PointerDown { x, y, button, modifiers } => self.pointer_down(*x, *y, *button, *modifiers, step),
            Input::PointerMove { x, y, modifiers } => self.pointer_move(*x, *y, *modifiers, step),
            Input::PointerUp { x, y, button, .. } => self.pointer_up(*x, *y, *button, step),
            Input::Wheel { x, y, dx, dy, modifiers } => self.wheel(*x, *y, *dx, *dy, *modifiers, step),
            Input::KeyDown { key, modifiers } => self.key_down(*key, *modifiers, step),
            Input::KeyUp { key: Key::Space, .. } => self.space = false,
            Input::KeyUp { .. } | Input::Text { .. } => {}
            Input::Viewport { width, height, scale } => {
                self.viewport.width = width.max(1.0);
                self.viewport.height = height.max(1.0);
                self.viewport.scale = scale.max(crate::viewport::MIN_SCALE);
            }
            Input::PaletteDrag { kind } => self.start_palette_drag(*kind, step),
            Input::PasteText { text } => self.paste(text, step),
            Input::Action(action) => self.action(action, step),
            Input::Select { names, mode } => self.select_names(names, *mode, step),
            Input::SetProperty { names, key, value } => self.set_property(names, key, value, step),
            Input::Rename { name, to } => self.rename(name, to, step),
            Input::MoveTo { names, parent, index } => self.move_to(names, parent, *index, step),
            Input::Settings(settings) => self.set_settings(settings, step),
            Input::Insert { kind, parent, index } => self.insert(*kind, parent.as_deref(), *index, step),
        }
    }

    /// Runs a menu or shortcut action.
    fn action(&mut self, action: &Action, step: &mut Step) {
        if self.is_busy() && !matches!(action, Action::SetSnapping(_) | Action::SetGrid(_)) {
            step.status = "finish the gesture first".into();
            return;
        }
        actions::run(&mut self.scope(), action, step);
    }

    fn paste(&mut self, text: &str, step: &mut Step) {
        if self.is_busy() {
            return;
        }
        actions::paste(&mut self.scope(), text, step);
    }

    fn scope(&mut self) -> Scope<'_> {
        Scope {
            doc: &mut self.doc,
            geometry: &mut self.geometry,
            selection: &mut self.selection,
            viewport: &mut self.viewport,
            settings: &mut self.settings,
            clipboard: &mut self.clipboard,
            pastes_before_v2: self.pastes_before_v2,
        }
    }

    /// Puts the view where a journal's header says it was (replay starts there).
    pub(crate) fn set_viewport(&mut self, viewport: Viewport) {
        self.viewport = viewport;
    }

    fn design(&self, x: f32, y: f32) -> Point {
        self.viewport.to_design(x, y)
    }

    fn on_canvas(&self, x: f32, y: f32) -> bool {
        x >= 0.0 && y >= 0.0 && x <= self.viewport.width && y <= self.viewport.height
    }
}
