//! `trellis leakcheck --app`: the editor window, real panels and all,
//! put through cycles of what people do in it (open and close a design,
//! resize the window, open and close the HUD and the dialogs, select in
//! the layers tree, edit in the inspector), each cycle ending where it
//! started, so that the leak check can count what outlives it.
//!
//! Input takes the window's own paths: pointer and keys go through the
//! routing winit's events take (canvas or egui, shortcuts), and buttons
//! and fields are found in egui's accessibility tree by their labels, as
//! a screen reader or a test harness finds them. The event loop is pumped
//! between steps, so each step is shown in a presented frame before the
//! next one starts.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::accesskit::{Node, NodeId, TreeUpdate};
use egui::{Pos2, Rect};
use trellis_editor::Editor;
use trellis_render::{BackendKind, Renderer};
use winit::event_loop::EventLoop;
use winit::keyboard::{Key as WKey, NamedKey};
use winit::platform::pump_events::{EventLoopExtPumpEvents, PumpStatus};

use crate::sessions::SessionDir;
use crate::window::{Shell, Wake};
use crate::workbench::{Pending, Workbench};
use crate::{AppError, check_display};

/// The app's scenarios: each a cycle of user actions in the window.
pub const APP_SCENARIOS: &[&str] = &["open-close", "resize", "hud-dialogs", "layers-select", "inspector-edit"];

/// The longest a step may take to show in a presented frame.
const STEP_LIMIT: Duration = Duration::from_secs(20);

/// A leak the self-test plants in the window's own registries, once per cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppPlant {
    /// Nothing: the app as it is.
    None,
    /// The canvas texture registered with egui-wgpu and never freed.
    NativeRegistration,
    /// An egui texture whose handle is forgotten.
    EguiTexture,
    /// A file watch never dropped.
    FileWatch,
}

/// The editor window driven through the leak check's cycles.
pub struct LeakWindow {
    event_loop: EventLoop<Wake>,
    shell: Shell,
    design: PathBuf,
    malformed: PathBuf,
    size: (u32, u32),
    /// Steps taken, for the error that names a step the window did not show.
    steps: u64,
    /// Where the sessions (and the crashed one the cycle leaves) are kept.
    state_dir: PathBuf,
}

/// A copy of the running session's journal under a process that has ended,
/// as a crash leaves it; the copy's journal path.
fn crashed_session(journal: &Path, design: &Path) -> Result<PathBuf, AppError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| AppError::Driven(format!("{what}: {e}"));
    // A process that has ended: its id names no running process (one
    // reused within this cycle would only hide the session from this step).
    let mut ended = std::process::Command::new("true").spawn().map_err(|e| fail("starting `true`", &e))?;
    let _ = ended.wait();
    let pid = ended.id();
    let dir = journal.parent().unwrap_or(Path::new("."));
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let copy = dir.join(format!("{pid}-{nanos}.journal"));
    std::fs::copy(journal, &copy).map_err(|e| fail("copying the session journal", &e))?;
    let info = crate::SessionInfo { pid, file: Some(design.to_owned()), journal: copy.clone(), commits: 0 };
    let text = serde_json::to_string(&info).map_err(|e| fail("writing the crashed session", &e))?;
    std::fs::write(copy.with_extension("json"), text).map_err(|e| fail("writing the crashed session", &e))?;
    Ok(copy)
}

impl std::fmt::Debug for LeakWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeakWindow").field("design", &self.design).finish_non_exhaustive()
    }
}

impl LeakWindow {
    /// Opens the editor on `design` at `size` pixels, with its sessions
    /// (journal, recent files) kept in `state_dir`, which also takes a
    /// malformed design for the error dialog.
    pub fn open(
        design: &Path,
        size: (u32, u32),
        backend: Option<BackendKind>,
        state_dir: &Path,
    ) -> Result<LeakWindow, AppError> {
        check_display()?;
        let doc = crate::load_regular(design).map_err(|reason| AppError::Open { path: design.to_owned(), reason })?;
        let malformed = state_dir.join("malformed.trellis.json");
        std::fs::write(&malformed, br#"{"format": "trellis", "version": 1, "root": {"kind": "nope"}}"#)
            .map_err(|e| AppError::Driven(format!("writing {}: {e}", malformed.display())))?;
        let event_loop =
            EventLoop::<Wake>::with_user_event().build().map_err(|e| AppError::NoDisplay(e.to_string()))?;
        let mut wb = Workbench::new(doc, Some(design.to_owned()), None, Some(SessionDir::at(state_dir.to_owned())));
        // The cycles drive the in-app file dialog, whatever the desktop offers.
        wb.set_native_dialog(None);
        let mut shell = Shell::new(wb, backend, size, None);
        shell.set_proxy(event_loop.create_proxy());
        shell.egui_context().enable_accesskit();
        let mut window = LeakWindow {
            event_loop,
            shell,
            design: design.to_owned(),
            malformed,
            size,
            steps: 0,
            state_dir: state_dir.to_owned(),
        };
        window.settle("opening the window")?;
        if window.shell.presenter().is_none() {
            return Err(AppError::Driven("the window opened without a GPU device".into()));
        }
        Ok(window)
    }

    /// The editor (the engine's live objects are counted from it).
    pub fn editor(&self) -> &Editor {
        self.shell.wb.editor()
    }

    /// The renderer, drawing on the window's device.
    pub fn renderer(&self) -> Option<&Renderer> {
        self.shell.wb.canvas().renderer()
    }

    /// The adapter and backend the window draws with.
    pub fn adapter(&self) -> (String, String) {
        (self.shell.hud.adapter.clone(), self.shell.hud.backend.clone())
    }

    /// Surface reconfigurations so far (each resize makes one).
    pub fn reconfigurations(&self) -> u64 {
        self.shell.presenter().map_or(0, |p| p.reconfigurations)
    }

    /// The window's own live objects: egui's textures, egui-wgpu's
    /// registered native textures, file watches.
    pub fn live(&self) -> Vec<(String, usize)> {
        let egui_textures = self.shell.egui_context().tex_manager().read().num_allocated();
        let native = self.shell.presenter().map_or(0, crate::Presenter::native_textures_live);
        vec![
            ("egui textures".to_owned(), egui_textures),
            ("egui native textures".to_owned(), native),
            ("file watches".to_owned(), crate::file_watch::live_watches()),
        ]
    }

    /// Runs one cycle of `scenario` (one of [`APP_SCENARIOS`]), then plants `plant`.
    pub fn cycle(&mut self, scenario: &str, plant: AppPlant) -> Result<(), AppError> {
        match scenario {
            "open-close" => {
                // Closed by File > New, opened again as a file dropped on the window.
                self.shortcut("n", false)?;
                self.act("opening the design", |s, d| s.wb.request(Pending::Open(d.to_owned())))?;
            }
            "resize" => {
                let (w, h) = self.size;
                self.resize(w + 160, h + 96)?;
                self.resize(w, h)?;
            }
            "hud-dialogs" => self.hud_and_dialogs()?,
            "layers-select" => {
                self.click("card_1", Find::Text)?;
                self.click("card_2", Find::Text)?;
            }
            "inspector-edit" => {
                self.click("card_3", Find::Text)?;
                // The Name field: everything selected, a new name typed, Enter.
                self.click("Name", Find::LabelledBy)?;
                self.key(egui::Key::A, egui::Modifiers::COMMAND)?;
                self.type_text("card_3_renamed")?;
                self.key(egui::Key::Enter, egui::Modifiers::NONE)?;
                if self.shell.wb.editor().doc().find("card_3_renamed").is_none() {
                    return Err(AppError::Driven("the inspector's Name field did not rename card_3".into()));
                }
                self.shortcut("z", false)?;
            }
            other => return Err(AppError::Driven(format!("no app scenario {other}"))),
        }
        self.plant(plant);
        // Objects in flight (staging buffers of queued writes) are freed
        // when the GPU finishes: counts are taken with it idle.
        if let Some(p) = self.shell.presenter() {
            let _ = p.device.poll(wgpu::PollType::wait_indefinitely());
        }
        Ok(())
    }

    fn hud_and_dialogs(&mut self) -> Result<(), AppError> {
        // The HUD, on and off.
        self.named_key(NamedKey::F12)?;
        self.named_key(NamedKey::F12)?;
        // The open dialog, closed by Escape; the save dialog, by its Cancel button.
        self.shortcut("o", false)?;
        self.key(egui::Key::Escape, egui::Modifiers::NONE)?;
        self.shortcut("s", true)?;
        self.click("Cancel", Find::Text)?;
        // A malformed file's error, dismissed.
        let bad = self.malformed.clone();
        self.act("opening a malformed design", |s, _| s.wb.request(Pending::Open(bad)))?;
        self.click("OK", Find::Text)?;
        // Unsaved changes: an edit (select all, nudge), New asks, Cancel, undo.
        self.shortcut("a", false)?;
        self.named_key(NamedKey::ArrowRight)?;
        self.shortcut("n", false)?;
        self.click("Cancel", Find::Text)?;
        self.shortcut("z", false)?;
        self.named_key(NamedKey::Escape)?;
        // The file changed on disk: another program rewrites it, the user keeps theirs.
        let text = std::fs::read(&self.design).map_err(|e| AppError::Driven(format!("reading the design: {e}")))?;
        let mut touched = text.clone();
        touched.push(b'\n');
        std::fs::write(&self.design, &touched).map_err(|e| AppError::Driven(format!("touching the design: {e}")))?;
        self.wait_for("the file-changed dialog", |s| s.wb.changed_on_disk)?;
        self.click("Keep mine", Find::Text)?;
        std::fs::write(&self.design, &text).map_err(|e| AppError::Driven(format!("restoring the design: {e}")))?;
        self.wait_for("the second file-changed dialog", |s| s.wb.changed_on_disk)?;
        self.click("Keep mine", Find::Text)?;
        self.recover_dialog()
    }

    /// The recover dialog: a session of this design left by a crash (an
    /// edit it journaled, under a process that has ended) is found,
    /// recovered from its journal, and the design opened again.
    fn recover_dialog(&mut self) -> Result<(), AppError> {
        self.shortcut("a", false)?;
        self.named_key(NamedKey::ArrowRight)?;
        let journal = self.shell.wb.session_journal().map(Path::to_owned);
        let Some(journal) = journal else {
            return Err(AppError::Driven("the window keeps no session journal to recover from".into()));
        };
        let crashed = crashed_session(&journal, &self.design)?;
        self.shortcut("z", false)?;
        self.named_key(NamedKey::Escape)?;
        let found = SessionDir::at(self.state_dir.clone()).orphans();
        if !found.iter().any(|o| o.journal == crashed) {
            return Err(AppError::Driven(format!("the crashed session {} was not found", crashed.display())));
        }
        self.act("finding the crashed session", |s, _| s.wb.orphans = found)?;
        self.click("Recover", Find::Text)?;
        if crashed.exists() || !self.shell.wb.orphans.is_empty() {
            return Err(AppError::Driven("Recover left the crashed session behind".into()));
        }
        // The recovered design is unsaved; it is closed without asking.
        self.act("opening the design again", |s, d| s.wb.perform(Pending::Open(d.to_owned())))
    }

    fn plant(&mut self, plant: AppPlant) {
        match plant {
            AppPlant::None => {}
            AppPlant::NativeRegistration => {
                if let Some(p) = self.shell.presenter_mut() {
                    p.plant_native_registration();
                }
            }
            AppPlant::EguiTexture => std::mem::forget(self.shell.egui_context().load_texture(
                "planted leak",
                egui::ColorImage::filled([4, 4], egui::Color32::RED),
                egui::TextureOptions::default(),
            )),
            AppPlant::FileWatch => {
                if let Ok(w) = crate::file_watch::FileWatch::new(&self.design, None) {
                    std::mem::forget(w);
                }
            }
        }
    }

    /// Pumps the event loop once, for up to `timeout`.
    fn pump(&mut self, timeout: Duration) -> Result<(), AppError> {
        let status = self.event_loop.pump_app_events(Some(timeout), &mut self.shell);
        // The window's own error (no adapter, no display) says more than its closing.
        if let Some(e) = self.shell.take_error() {
            return Err(e);
        }
        if let PumpStatus::Exit(_) = status {
            return Err(AppError::Driven("the window closed during the leak check".into()));
        }
        Ok(())
    }

    /// Runs the window until a frame has been presented since now and no
    /// other is due (egui's animations have ended).
    fn settle(&mut self, what: &str) -> Result<(), AppError> {
        let from = self.shell.frames;
        self.settle_since(what, from)
    }

    /// As [`Self::settle`], for a step whose frames count from `from`.
    fn settle_since(&mut self, what: &str, from: u64) -> Result<(), AppError> {
        self.steps += 1;
        let limit = Instant::now() + STEP_LIMIT;
        loop {
            self.pump(Duration::from_millis(1))?;
            let due = self.shell.frame_due(Duration::from_millis(100));
            if self.shell.frames > from && due.is_none() {
                return Ok(());
            }
            if Instant::now() > limit {
                return Err(AppError::Driven(format!(
                    "step {} ({what}) was not shown within {} s: {} frames since it began, {}",
                    self.steps,
                    STEP_LIMIT.as_secs(),
                    self.shell.frames - from,
                    due.map_or_else(|| "none due".to_owned(), |d| format!("still due: {d}"))
                )));
            }
        }
    }

    /// Runs the window until one frame has been presented since now.
    fn one_frame(&mut self, what: &str) -> Result<(), AppError> {
        let (from, limit) = (self.shell.frames, Instant::now() + STEP_LIMIT);
        while self.shell.frames == from {
            self.pump(Duration::from_millis(1))?;
            if Instant::now() > limit {
                return Err(AppError::Driven(format!("{what} was not shown within {} s", STEP_LIMIT.as_secs())));
            }
        }
        Ok(())
    }

    /// Does `f` to the window and waits for it to show.
    fn act(&mut self, what: &str, f: impl FnOnce(&mut Shell, &Path)) -> Result<(), AppError> {
        let design = self.design.clone();
        f(&mut self.shell, &design);
        self.shell.egui_due_now();
        self.settle(what)
    }

    /// Runs the window until `done` holds, then until it settles.
    fn wait_for(&mut self, what: &str, done: impl Fn(&Shell) -> bool) -> Result<(), AppError> {
        let limit = Instant::now() + STEP_LIMIT;
        let from = self.shell.frames;
        while !done(&self.shell) {
            self.pump(Duration::from_millis(5))?;
            if Instant::now() > limit {
                return Err(AppError::Driven(format!("{what} did not come within {} s", STEP_LIMIT.as_secs())));
            }
        }
        self.settle_since(what, from)
    }

    fn resize(&mut self, width: u32, height: u32) -> Result<(), AppError> {
        let Some(window) = self.shell.window().cloned() else { return Ok(()) };
        let _ = window.request_inner_size(winit::dpi::PhysicalSize::new(width, height));
        self.wait_for(&format!("the window at {width}x{height}"), |s| {
            s.window().is_some_and(|w| w.inner_size() == winit::dpi::PhysicalSize::new(width, height))
                && s.presenter().is_some_and(|p| p.surface_size() == (width, height))
        })
    }

    /// Presses and releases ctrl(+shift)+`c`.
    fn shortcut(&mut self, c: &str, shift: bool) -> Result<(), AppError> {
        self.shell.set_modifiers(trellis_editor::Modifiers { ctrl: true, shift, alt: false });
        let key = WKey::Character(c.into());
        let to_egui = self.shell.keyboard(&key, true, false);
        if to_egui && let Some(k) = egui::Key::from_name(c) {
            // A shortcut of egui's own (select all in a text field).
            let modifiers = self.shell.egui_modifiers();
            for pressed in [true, false] {
                self.shell.egui_event(egui::Event::Key {
                    key: k,
                    physical_key: None,
                    pressed,
                    repeat: false,
                    modifiers,
                });
            }
        }
        self.shell.keyboard(&key, false, false);
        self.shell.set_modifiers(trellis_editor::Modifiers::NONE);
        self.shell.egui_due_now();
        self.settle(&format!("ctrl+{}{c}", if shift { "shift+" } else { "" }))
    }

    /// Presses and releases a named key through the window's keyboard path.
    fn named_key(&mut self, key: NamedKey) -> Result<(), AppError> {
        let k = WKey::Named(key);
        for pressed in [true, false] {
            if self.shell.keyboard(&k, pressed, false)
                && let Some(ek) = egui_named(key)
            {
                let modifiers = self.shell.egui_modifiers();
                self.shell.egui_event(egui::Event::Key {
                    key: ek,
                    physical_key: None,
                    pressed,
                    repeat: false,
                    modifiers,
                });
            }
        }
        self.shell.egui_due_now();
        self.settle(&format!("{key:?}"))
    }

    /// A key to egui (the focused text field), pressed and released.
    fn key(&mut self, key: egui::Key, modifiers: egui::Modifiers) -> Result<(), AppError> {
        for pressed in [true, false] {
            self.shell.egui_event(egui::Event::Key { key, physical_key: None, pressed, repeat: false, modifiers });
        }
        self.settle(&format!("{key:?}"))
    }

    fn type_text(&mut self, text: &str) -> Result<(), AppError> {
        self.shell.egui_event(egui::Event::Text(text.to_owned()));
        self.settle("typing")
    }

    /// Moves the pointer onto what `label` names, presses and releases
    /// the primary button there, then moves it off to the status bar.
    fn click(&mut self, label: &str, how: Find) -> Result<(), AppError> {
        let Some(rect) = self.shell.accesskit.as_ref().and_then(|t| find(t, label, how)) else {
            return Err(AppError::Driven(format!("no \"{label}\" in the window's panels (step {})", self.steps)));
        };
        let at = rect.center();
        self.pointer_to(at)?;
        for down in [true, false] {
            if self.shell.pointer_button(trellis_editor::Button::Primary, down) {
                let modifiers = self.shell.egui_modifiers();
                self.shell.egui_event(egui::Event::PointerButton {
                    pos: at,
                    button: egui::PointerButton::Primary,
                    pressed: down,
                    modifiers,
                });
            }
            if down {
                // egui repaints while a button is held: one frame shows the press.
                self.one_frame(&format!("pressing {label}"))?;
            } else {
                self.settle(&format!("clicking {label}"))?;
            }
        }
        // Off the button, so that no hover or tooltip is left animating.
        let height = self.shell.window().map_or(0.0, |w| w.inner_size().height as f64 / w.scale_factor()) as f32;
        self.pointer_to(Pos2::new(4.0, height - 4.0))
    }

    fn pointer_to(&mut self, at: Pos2) -> Result<(), AppError> {
        if self.shell.pointer_moved(at) {
            self.shell.egui_event(egui::Event::PointerMoved(at));
        }
        self.settle("moving the pointer")
    }
}

/// How a label names what to click.
#[derive(Clone, Copy, Debug)]
enum Find {
    /// The widget whose own text it is (a button, a tree row's name).
    Text,
    /// The field a label with that text names (an inspector editor).
    LabelledBy,
}

fn text_of(node: &Node) -> Option<&str> {
    node.label().or(node.value())
}

/// Where the node `how` finds by `label` is, in points.
fn find(tree: &TreeUpdate, label: &str, how: Find) -> Option<Rect> {
    let named: Vec<NodeId> = tree.nodes.iter().filter(|(_, n)| text_of(n) == Some(label)).map(|(id, _)| *id).collect();
    let node = match how {
        // A widget's own label first (a tree row, a button), then a value
        // (a field showing the same text, like the inspector's Name).
        Find::Text => tree
            .nodes
            .iter()
            .find(|(_, n)| n.label() == Some(label))
            .or_else(|| tree.nodes.iter().find(|(id, _)| named.contains(id))),
        Find::LabelledBy => tree.nodes.iter().find(|(_, n)| n.labelled_by().iter().any(|l| named.contains(l))),
    }?;
    let b = node.1.bounds()?;
    Some(Rect::from_min_max(Pos2::new(b.x0 as f32, b.y0 as f32), Pos2::new(b.x1 as f32, b.y1 as f32)))
}

fn egui_named(key: NamedKey) -> Option<egui::Key> {
    Some(match key {
        NamedKey::Escape => egui::Key::Escape,
        NamedKey::Enter => egui::Key::Enter,
        NamedKey::F12 => egui::Key::F12,
        NamedKey::ArrowRight => egui::Key::ArrowRight,
        _ => return None,
    })
}
