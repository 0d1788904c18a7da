//! What the editor window works on, without the window: the canvas (editor
//! and renderer), the open file, the session journal, and the panels'
//! own state. Panels read the editor and change it only by sending input
//! events through [`Workbench::send`], so the journal holds every edit;
//! the window (or a test harness) draws what results.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use trellis_canvas::{Canvas, FrameRecord};
use trellis_editor::journal::{DesignSource, JournalWriter};
use trellis_editor::{Editor, Event, Input, Step};
use trellis_model::{Document, SaveOptions, WidgetId};
use trellis_render::{Renderer, Theme};

use crate::file_watch::FileWatch;
use crate::sessions::{SessionDir, SessionInfo};
use crate::ui::PanelState;
use crate::ui::{FileDialog, FileDialogMode};

/// A problem to show the user in a dialog: what failed and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The dialog's title.
    pub title: String,
    /// The message, with the validator's field names and reasons.
    pub body: String,
}

/// What a request to close or open would throw away, waiting for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    /// Open a new, empty design.
    New,
    /// Open the bundled demo.
    Demo,
    /// Open this file.
    Open(PathBuf),
    /// Quit the app.
    Quit,
}

/// The editor window's state, headless.
pub struct Workbench {
    pub(crate) canvas: Canvas,
    file: Option<PathBuf>,
    saved_hash: u64,
    started: Instant,
    step: Step,
    record: FrameRecord,
    /// Set when the document, the selection or the view changed since the
    /// panels last showed them.
    pub(crate) panels_stale: bool,
    pub(crate) panel: PanelState,
    pub(crate) notices: Vec<Notice>,
    /// A destructive request waiting for "save / discard / cancel".
    pub(crate) confirm: Option<Pending>,
    /// Sessions a crash left unsaved, offered for recovery.
    pub(crate) orphans: Vec<SessionInfo>,
    pub(crate) recent: Vec<PathBuf>,
    /// Where each design was last exported.
    last_exports: Vec<crate::exports::LastExport>,
    sessions: Option<SessionDir>,
    session: Option<SessionInfo>,
    watch: Option<FileWatch>,
    /// Wakes the window when the watched file changes or a native dialog answers.
    pub(crate) waker: Option<crate::file_watch::Waker>,
    /// The desktop's file dialog program, if it offers one (else the in-app dialog).
    native_dialog_tool: Option<crate::native_dialog::NativeDialogTool>,
    /// A native file dialog that is open, and which design it was asked
    /// for (the count of designs opened before it).
    native_dialog: Option<(crate::native_dialog::NativeDialog, u64)>,
    /// How many times the design was replaced (new, open, recover).
    designs_opened: u64,
    /// The file changed on disk since it was opened or saved here.
    pub(crate) changed_on_disk: bool,
    /// Text for the system clipboard (copy, cut).
    pub(crate) clipboard_out: Option<String>,
    /// The user asked to quit and nothing stands in the way.
    pub(crate) quit: bool,
    /// Where a design without a file finds its images (the bundled demo's
    /// written out, or a benchmark's folder).
    images_dir: Option<PathBuf>,
    /// The bundled demo's images where there is no state folder: removed
    /// with the workbench (a folder was left behind by every run).
    demo_images: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for Workbench {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workbench").field("file", &self.file).finish_non_exhaustive()
    }
}

impl Workbench {
    /// A workbench on `doc` (from `file`, if it was read from one), drawn
    /// by `renderer` (none: the editor core alone, for panel tests).
    /// `sessions` is where the session journal goes (none: not journaled).
    pub fn new(doc: Document, file: Option<PathBuf>, renderer: Option<Renderer>, sessions: Option<SessionDir>) -> Self {
        let saved_hash = if file.is_some() { doc.content_hash() } else { u64::MAX };
        let canvas = Canvas::new(Editor::new(doc), renderer, Theme::LIGHT);
        let recent = sessions.as_ref().map(SessionDir::recent_files).unwrap_or_default();
        let last_exports = sessions.as_ref().map(SessionDir::last_exports).unwrap_or_default();
        let orphans = sessions.as_ref().map(SessionDir::orphans).unwrap_or_default();
        let orphans = orphans.into_iter().filter(SessionInfo::holds_unsaved_work).collect();
        let mut bench = Workbench {
            canvas,
            file,
            saved_hash,
            started: Instant::now(),
            step: Step::default(),
            record: FrameRecord::default(),
            panels_stale: true,
            panel: PanelState::default(),
            notices: Vec::new(),
            confirm: None,
            orphans,
            recent,
            last_exports,
            sessions,
            session: None,
            watch: None,
            waker: None,
            native_dialog_tool: crate::native_dialog::NativeDialogTool::from_env(),
            native_dialog: None,
            designs_opened: 0,
            changed_on_disk: false,
            clipboard_out: None,
            quit: false,
            images_dir: None,
            demo_images: None,
        };
        bench.apply_image_base();
        bench.start_session();
        bench.watch_file();
        bench
    }

    /// The running design while the live preview is on.
    pub fn preview(&self) -> Option<&trellis_preview::Preview> {
        self.panel.preview.as_ref()
    }

    /// Turns the live preview on (from the document as it is now: the
    /// saved values) or off. It never changes the document.
    pub fn set_preview(&mut self, on: bool) {
        // Pictures come from the design's folder under the renderer's own
        // rules (inside the folder, bounded, PNG only).
        let base = self.file.as_deref().map(parent_dir).or_else(|| self.images_dir.clone());
        self.panel.preview = on.then(|| {
            let preview = trellis_preview::Preview::new(self.editor().doc());
            match base {
                Some(base) => preview.with_images(std::sync::Arc::new(move |path: &str| {
                    let pixmap = trellis_render::load_image(&base, path).ok()?;
                    let size = [pixmap.width() as usize, pixmap.height() as usize];
                    Some(egui::ColorImage::from_rgba_premultiplied(size, pixmap.data()))
                })),
                None => preview,
            }
        });
    }

    /// The editor: document, selection, viewport.
    pub fn editor(&self) -> &Editor {
        self.canvas.editor()
    }

    /// The canvas (editor, display list, renderer).
    pub fn canvas(&self) -> &Canvas {
        &self.canvas
    }

    /// The canvas, for the window to draw it.
    pub fn canvas_mut(&mut self) -> &mut Canvas {
        &mut self.canvas
    }

    /// The newest step: overlays, status, cursor.
    pub fn step(&self) -> &Step {
        &self.step
    }

    /// Milliseconds since the workbench was made: every event's time.
    pub fn now_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1e3
    }

    /// Sends one input to the editor, as the user's: the one way anything
    /// in the window changes the document, the selection or the settings.
    pub fn send(&mut self, input: Input) -> &Step {
        let event = Event { t: self.now_ms(), input };
        self.send_event(&event)
    }

    /// Sends an event with its own time (the window benchmark's replay).
    pub fn send_event(&mut self, event: &Event) -> &Step {
        let before = (self.editor().doc().revision(), self.editor().selection().len(), self.editor().viewport().zoom);
        let step = self.canvas.handle(event, &mut self.record);
        if let Some(text) = &step.clipboard {
            self.clipboard_out = Some(text.clone());
        }
        let after = (self.editor().doc().revision(), self.editor().selection().len(), self.editor().viewport().zoom);
        if before != after || step.committed.is_some() {
            self.panels_stale = true;
        }
        let shown = std::mem::replace(&mut self.step, step);
        self.canvas.recycle(shown);
        &self.step
    }

    /// Time the events since the last frame took to handle and lay out
    /// (and to note what the display list must redo), in nanoseconds.
    pub(crate) fn input_work_ns(&self) -> u64 {
        self.record.event_ns + self.record.layout_ns + self.record.display_list_ns
    }

    /// The phases of the events handled since the last call, reset.
    pub fn take_record(&mut self) -> FrameRecord {
        std::mem::take(&mut self.record)
    }

    /// The open file, if the design has one.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Whether the design differs from what was last saved or opened.
    pub fn is_dirty(&self) -> bool {
        self.editor().doc().content_hash() != self.saved_hash
    }

    /// The window title: file name and an unsaved marker.
    pub fn title(&self) -> String {
        let name = self
            .file
            .as_ref()
            .and_then(|f| f.file_name())
            .map_or_else(|| "Untitled".to_owned(), |n| n.to_string_lossy().into_owned());
        let marker = if self.is_dirty() { "● " } else { "" };
        format!("{marker}{name} — Trellis")
    }

    /// Names of the selected widgets, in selection order.
    pub fn selected_names(&self) -> Vec<String> {
        let doc = self.editor().doc();
        self.editor().selection().iter().filter_map(|id| doc.widget(*id).map(|w| w.name().to_owned())).collect()
    }

    /// Whether `id` is selected.
    pub fn is_selected(&self, id: WidgetId) -> bool {
        self.editor().selection().contains(&id)
    }

    /// Saves to the open file, or asks where (`false`: nothing saved yet).
    pub fn save(&mut self) -> bool {
        match self.file.clone() {
            Some(path) => self.save_as(&path),
            None => {
                self.choose_file(FileDialogMode::Save);
                false
            }
        }
    }

    /// Saves to `path` (atomically: a crash leaves the old file or the
    /// new one) and makes it the open file. A failure is shown, and the
    /// design stays unsaved.
    pub fn save_as(&mut self, path: &Path) -> bool {
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
        {
            self.notices.push(Notice {
                title: "The design was not saved".into(),
                body: format!(
                    "{} is not a regular file (a folder, device or FIFO): choose a file name",
                    path.display()
                ),
            });
            return false;
        }
        let doc = self.canvas.editor().doc();
        let result = trellis_model::write_file(path, SaveOptions::default(), |w| doc.write_json(w));
        match result {
            Ok(()) => {
                self.saved_hash = doc.content_hash();
                let changed_file = self.file.as_deref() != Some(path);
                self.file = Some(path.to_owned());
                self.changed_on_disk = false;
                self.apply_image_base();
                self.remember_recent(path);
                // The journal goes on: it records the whole session from
                // the open (a replay needs the selection and the clipboard
                // the session built up), and says where it is saved now.
                if changed_file && let Some(s) = &mut self.session {
                    s.retarget(path);
                }
                if changed_file {
                    self.watch_file();
                } else if let Some(w) = &mut self.watch {
                    w.saved_now();
                }
                true
            }
            Err(e) => {
                self.notices.push(Notice { title: "The design was not saved".into(), body: e.to_string() });
                false
            }
        }
    }

    /// Asks the user for a file to open or to save to: in the desktop's
    /// own dialog where it offers one, else in the in-app dialog. One
    /// dialog at a time.
    pub fn choose_file(&mut self, mode: FileDialogMode) {
        if self.native_dialog.is_some() || self.panel.dialog.is_some() {
            return;
        }
        match &self.native_dialog_tool {
            Some(tool) => {
                let dialog = tool.ask(mode, &self.start_dir(), self.waker.clone());
                self.native_dialog = Some((dialog, self.designs_opened));
            }
            None => self.open_builtin_dialog(mode),
        }
    }

    fn open_builtin_dialog(&mut self, mode: FileDialogMode) {
        self.panel.dialog = Some(match mode {
            FileDialogMode::Open => FileDialog::open(self.start_dir()),
            FileDialogMode::Save => FileDialog::save(self.start_dir()),
            FileDialogMode::Export(target) => {
                let proposed = self.proposed_export(target);
                let name = proposed.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                FileDialog::export(parent_dir(&proposed), target, name)
            }
        });
    }

    /// Where an export to `target` is proposed: where this design last
    /// went to that target, else beside the design with a name from it.
    fn proposed_export(&self, target: crate::exports::ExportTarget) -> PathBuf {
        if let Some(last) = self.last_export().filter(|l| l.target == target) {
            return last.out.clone();
        }
        let folder = self.last_export().map_or_else(|| self.start_dir(), |l| parent_dir(&l.out));
        let stem = self
            .file
            .as_deref()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().split('.').next().unwrap_or_default().to_owned())
            .unwrap_or_else(|| "design".into());
        folder.join(target.default_name(&stem))
    }

    /// Where the open design was last exported (a design never saved has
    /// none remembered).
    pub fn last_export(&self) -> Option<&crate::exports::LastExport> {
        let design = std::fs::canonicalize(self.file.as_deref()?).ok()?;
        self.last_exports.iter().find(|l| l.design == design)
    }

    /// Asks where to export the design as `target`, starting where it
    /// went last time.
    pub fn choose_export(&mut self, target: crate::exports::ExportTarget) {
        if self.native_dialog.is_some() || self.panel.dialog.is_some() {
            return;
        }
        match &self.native_dialog_tool {
            Some(tool) => {
                let proposed = self.proposed_export(target);
                let dialog = tool.ask(FileDialogMode::Export(target), &proposed, self.waker.clone());
                self.native_dialog = Some((dialog, self.designs_opened));
            }
            None => self.open_builtin_dialog(FileDialogMode::Export(target)),
        }
    }

    /// Exports the design as `target` to `out`, as `trellis export` does,
    /// says how it went in a notice, and remembers where for this design.
    pub fn export_to(&mut self, target: crate::exports::ExportTarget, out: &Path) {
        let theme = *self.canvas.theme();
        let images = self.file.as_deref().map(parent_dir).or_else(|| self.images_dir.clone());
        let editor = self.canvas.editor();
        let result = crate::exports::export(
            editor.doc(),
            editor.geometry(),
            self.file.as_deref(),
            images.as_deref(),
            target,
            out,
            theme,
        );
        match result {
            Ok(summary) => {
                self.notices.push(Notice { title: "Exported".into(), body: summary });
                if let Some(design) = self.file.as_deref().and_then(|f| std::fs::canonicalize(f).ok()) {
                    let out = std::fs::canonicalize(out).unwrap_or_else(|_| out.to_owned());
                    self.last_exports.retain(|l| l.design != design);
                    self.last_exports.insert(0, crate::exports::LastExport { design, target, out });
                    self.last_exports.truncate(crate::exports::MAX_REMEMBERED);
                    if let Some(dir) = &self.sessions {
                        dir.save_last_exports(&self.last_exports);
                    }
                }
            }
            Err(why) => self.notices.push(Notice { title: "The design was not exported".into(), body: why }),
        }
    }

    /// Uses `tool` for file dialogs (`None`: the in-app dialog), whatever
    /// the environment says: for tests, and for the leak check, which
    /// drives the in-app dialog.
    pub fn set_native_dialog(&mut self, tool: Option<crate::native_dialog::NativeDialogTool>) {
        self.native_dialog_tool = tool;
    }

    /// Trellis's own file dialog, when it is open.
    pub fn builtin_dialog(&self) -> Option<&FileDialog> {
        self.panel.dialog.as_ref()
    }

    /// Whether a native file dialog is open.
    pub fn native_dialog_open(&self) -> bool {
        self.native_dialog.is_some()
    }

    /// Acts on the native dialog's answer, if it came.
    pub(crate) fn poll_native_dialog(&mut self) {
        let Some((dialog, design)) = &mut self.native_dialog else { return };
        let Some(answer) = dialog.answer() else { return };
        let (mode, asked_for) = (dialog.mode, *design);
        self.native_dialog = None;
        match answer {
            // Another design replaced the one a Save As was asked for (a
            // reload, a recovery): it is not saved under the name meant for
            // the other.
            crate::native_dialog::Answer::Chosen(path)
                if mode == FileDialogMode::Save && asked_for != self.designs_opened =>
            {
                // What waited for that save (new, open, quit) was meant for
                // the other design too.
                self.confirm = None;
                self.notices.push(Notice {
                    title: "The design was not saved".into(),
                    body: format!(
                        "Another design was opened while the save dialog was open, so it was not saved as {}. Save again to choose a file for it.",
                        path.display()
                    ),
                });
            }
            crate::native_dialog::Answer::Chosen(path)
                if matches!(mode, FileDialogMode::Export(_)) && asked_for != self.designs_opened =>
            {
                self.notices.push(Notice {
                    title: "The design was not exported".into(),
                    body: format!(
                        "Another design was opened while the export dialog was open, so nothing was written to {}. Export again to choose a place for this one.",
                        path.display()
                    ),
                });
            }
            crate::native_dialog::Answer::Chosen(path) => self.chosen(mode, &path),
            crate::native_dialog::Answer::Cancelled => {}
            crate::native_dialog::Answer::Failed(why) => {
                // The desktop's dialog is broken here: Trellis's own asks instead.
                self.native_dialog_tool = None;
                self.notices.push(Notice {
                    title: "The desktop's file dialog did not open".into(),
                    body: format!("{why}. Trellis's own file dialog is used instead."),
                });
                self.open_builtin_dialog(mode);
            }
        }
    }

    /// The user chose `path` in a file dialog.
    pub(crate) fn chosen(&mut self, mode: FileDialogMode, path: &Path) {
        match mode {
            FileDialogMode::Open => self.request(Pending::Open(path.to_owned())),
            FileDialogMode::Export(target) => self.export_to(target, path),
            FileDialogMode::Save => {
                if self.save_as(path)
                    && let Some(next) = self.confirm.take()
                {
                    self.perform(next);
                }
            }
        }
    }

    /// Asks to do `what`; if unsaved changes would be lost, asks the user first.
    pub fn request(&mut self, what: Pending) {
        if self.is_dirty() {
            self.confirm = Some(what);
        } else {
            self.perform(what);
        }
    }

    /// Does `what` now, whatever is unsaved.
    pub(crate) fn perform(&mut self, what: Pending) {
        match what {
            Pending::New => self.replace_document(Document::new(), None),
            Pending::Demo => self.replace_document(trellis_model::demo_design(), None),
            Pending::Open(path) => {
                self.open_now(&path);
            }
            Pending::Quit => {
                // The desktop's dialog, if open, closes with the editor.
                self.native_dialog = None;
                self.end_session();
                self.quit = true;
            }
        }
    }

    /// Opens `path`; a malformed file is refused with the validator's
    /// messages, and the open design stays as it was.
    pub fn open_now(&mut self, path: &Path) -> bool {
        match crate::load_regular(path) {
            Ok(doc) => {
                self.replace_document(doc, Some(path.to_owned()));
                self.remember_recent(path);
                true
            }
            Err(e) => {
                self.notices.push(Notice { title: format!("Could not open {}", path.display()), body: e });
                false
            }
        }
    }

    /// Reloads the open file from disk (it changed there).
    pub fn reload(&mut self) {
        if let Some(path) = self.file.clone() {
            self.open_now(&path);
        }
        self.changed_on_disk = false;
    }

    fn replace_document(&mut self, doc: Document, file: Option<PathBuf>) {
        self.end_session();
        self.designs_opened += 1;
        let viewport = *self.editor().viewport();
        self.saved_hash = if file.is_some() { doc.content_hash() } else { u64::MAX };
        if file.is_none() && doc.len() <= 1 {
            // An empty new design has nothing to lose yet.
            self.saved_hash = doc.content_hash();
        }
        let renderer =
            std::mem::replace(&mut self.canvas, Canvas::new(Editor::new(Document::new()), None, Theme::LIGHT))
                .into_parts()
                .1;
        self.canvas = Canvas::new(Editor::new(doc), renderer, Theme::LIGHT);
        self.file = file;
        self.apply_image_base();
        self.changed_on_disk = false;
        self.panel = PanelState::default();
        self.panels_stale = true;
        self.start_session();
        // The new editor starts at the old view's size and fits the design.
        self.send(Input::Viewport { width: viewport.width, height: viewport.height, scale: viewport.scale });
        self.send(Input::Action(trellis_editor::Action::ZoomToFit));
        self.watch_file();
    }

    /// Recovers a session a crash left: its committed edits are replayed
    /// from the journal into a new, unsaved design of the same file.
    pub fn recover(&mut self, orphan: &SessionInfo) {
        match orphan.rebuild() {
            Ok(doc) => {
                let file = orphan.file.clone();
                self.replace_document(doc, file);
                // Recovered work is not on disk yet.
                self.saved_hash = u64::MAX;
                orphan.remove();
            }
            Err(e) => self.notices.push(Notice { title: "The session could not be recovered".into(), body: e }),
        }
        self.orphans.retain(|o| o.journal != orphan.journal);
    }

    /// Throws a crashed session's journal away.
    pub fn discard_orphan(&mut self, orphan: &SessionInfo) {
        orphan.remove();
        self.orphans.retain(|o| o.journal != orphan.journal);
    }

    /// The running session's journal, flushed to disk (the leak check
    /// copies it as a crashed session).
    pub(crate) fn session_journal(&self) -> Option<&Path> {
        if let Some(j) = self.editor().journal() {
            j.flush();
        }
        self.session.as_ref().map(|s| s.journal.as_path())
    }

    /// Ends the session cleanly (the journal is removed: nothing to recover).
    pub fn end_session(&mut self) {
        if let Some(j) = self.canvas.editor_mut().take_journal() {
            let _ = j.finish(self.canvas.editor().doc());
        }
        if let Some(s) = self.session.take() {
            s.remove();
        }
    }

    /// Starts journaling from the design as it is now.
    fn start_session(&mut self) {
        self.end_session();
        let Some(dir) = &self.sessions else { return };
        let editor = self.canvas.editor();
        let json = editor.doc().to_json_string();
        match dir.create(self.file.as_deref()) {
            Ok(info) => {
                let writer = JournalWriter::create(
                    &info.journal,
                    DesignSource::Embedded { json },
                    *editor.viewport(),
                    editor.settings().clone(),
                    editor.measurer_id(),
                );
                match writer {
                    Ok(w) => {
                        self.canvas.editor_mut().set_journal(w);
                        self.session = Some(info);
                    }
                    Err(e) => self.notices.push(Notice {
                        title: "Edits are not journaled".into(),
                        body: format!("{}: {e}; a crash would lose unsaved work", info.journal.display()),
                    }),
                }
            }
            Err(e) => self.notices.push(Notice { title: "Edits are not journaled".into(), body: e }),
        }
    }

    fn watch_file(&mut self) {
        // The old watch goes first: one thread and descriptor at a time.
        self.watch = None;
        self.watch = self.file.as_deref().and_then(|f| FileWatch::new(f, self.waker.clone()).ok());
    }

    /// Sets what wakes the window when the open file changes on disk.
    pub(crate) fn set_waker(&mut self, waker: crate::file_watch::Waker) {
        self.waker = Some(waker);
        // A change the old watch had not reported yet is still news.
        let known = self.watch.as_ref().map(FileWatch::known);
        self.watch_file();
        if let (Some(w), Some(k)) = (&mut self.watch, known) {
            w.carry(k);
        }
    }

    /// Checks whether another program changed the open file.
    pub fn poll_file_changes(&mut self) -> bool {
        if let Some(w) = &mut self.watch
            && w.changed()
        {
            self.changed_on_disk = true;
            return true;
        }
        false
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(10);
        if let Some(dir) = &self.sessions {
            dir.save_recent_files(&self.recent);
        }
    }

    /// Where the file dialog starts: the open file's folder, or the current one.
    pub(crate) fn start_dir(&self) -> PathBuf {
        self.file
            .as_deref()
            .map(parent_dir)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// Draws the canvas with `renderer` from now on (the window opened, or
    /// rebuilt a lost device); everything is drawn again.
    pub fn attach_renderer(&mut self, renderer: Renderer) {
        self.canvas.set_renderer(Some(renderer));
        self.apply_image_base();
    }

    /// Where a design without a file finds its relative image paths (a
    /// benchmark's design folder); a design with a file uses its folder.
    pub fn set_base_dir(&mut self, dir: PathBuf) {
        self.images_dir = Some(dir);
        self.apply_image_base();
    }

    /// Points the renderer at the folder image paths start from: the
    /// design file's, else the one set for a design without a file.
    fn apply_image_base(&mut self) {
        let base = self.file.as_deref().map(parent_dir).or_else(|| self.images_dir.clone());
        if let (Some(r), Some(dir)) = (self.canvas.renderer_mut(), base) {
            r.set_base_dir(dir);
        }
    }

    /// For the bundled demo (which has no file): writes its images into
    /// the state folder (or a temporary one, removed with the workbench)
    /// and draws them from there. Where no folder can be made, the images
    /// are drawn as missing.
    pub fn use_bundled_assets(&mut self) {
        let dir = match &self.sessions {
            Some(s) => s.demo_assets(),
            None => {
                if self.demo_images.is_none() {
                    self.demo_images = tempfile::Builder::new().prefix("trellis-demo-").tempdir().ok();
                }
                match &self.demo_images {
                    Some(folder) => folder.path().to_owned(),
                    None => return,
                }
            }
        };
        if std::fs::create_dir_all(&dir).is_ok() {
            for (name, bytes) in trellis_model::DEMO_IMAGES {
                let _ = crate::sessions::write_own_file(&dir.join(name), bytes);
            }
        }
        self.images_dir = Some(dir);
        self.apply_image_base();
    }

    /// The live object counts the HUD and the leak check read.
    pub fn live_objects(&self) -> Arc<[(&'static str, usize)]> {
        let c = self.editor().doc().live_counts();
        Arc::from(vec![
            ("widgets", c.widgets),
            ("detached widgets", c.detached_widgets),
            ("undo entries", c.undo_entries),
            ("redo entries", c.redo_entries),
            ("subscriptions", c.subscriptions),
            ("layout memo entries", self.editor().geometry().memo_entries()),
            ("text measurements", self.editor().geometry().measurer().remembered()),
        ])
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without a state folder the bundled demo's images go to a temporary
    /// folder, which leaves with the workbench: every run left one behind.
    #[test]
    fn the_demo_images_folder_without_a_state_folder_leaves_with_the_workbench() {
        let mut wb = Workbench::new(trellis_model::demo_design(), None, None, None);
        wb.use_bundled_assets();
        let folder = wb.images_dir.clone().expect("the images have a folder");
        for (name, bytes) in trellis_model::DEMO_IMAGES {
            assert_eq!(std::fs::read(folder.join(name)).unwrap(), *bytes, "{name}");
        }
        // Asked again (File > New on the demo), the same folder serves.
        wb.use_bundled_assets();
        assert_eq!(wb.images_dir.as_ref(), Some(&folder));
        drop(wb);
        assert!(!folder.exists(), "{} is left behind", folder.display());
    }
}
