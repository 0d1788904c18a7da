//! The window: winit's event loop, input routed to the canvas or to egui,
//! and a frame drawn only when something changed.
//!
//! Pointer input over the canvas goes straight to the editor as its
//! events (egui does not run for it); everything else goes to egui, which
//! runs only when it has input or asked to repaint. During a canvas
//! gesture the panels refresh at most [`PANEL_REFRESH`] apart, and
//! exactly once when it ends. An idle editor draws nothing and sleeps.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Pos2, Rect};
use trellis_editor::{Button, Input, Key, Modifiers};
use trellis_render::{BackendKind, GpuRenderer, Renderer};
use winit::application::ApplicationHandler;
use winit::event::{ElementState, MouseButton, MouseScrollDelta, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoopProxy};
use winit::keyboard::{Key as WKey, NamedKey};
use winit::window::{CursorIcon, Window, WindowId};

use crate::AppError;
use crate::present::Presenter;
use crate::ui::{self, FrameSample, Hud, WindowRequest};
use crate::workbench::{Pending, Workbench};

/// The shortest time between two refreshes of the panels while a canvas
/// gesture is under way (the inspector follows a drag at this rate).
pub const PANEL_REFRESH: Duration = Duration::from_millis(250);

/// The refresh interval assumed where the display does not say (60 Hz).
const DEFAULT_FRAME_INTERVAL: Duration = Duration::from_micros(16_667);

/// What runs once when the event loop ends.
pub(crate) type AtEnd = Box<dyn FnOnce(&Shell)>;

/// Wakes the event loop from another thread (file watcher, egui).
#[derive(Clone, Copy, Debug)]
pub enum Wake {
    /// Something asked for a frame.
    Repaint,
    /// egui asked for a pass (an animation, a hover): due like its
    /// output's repaint delay, so a canvas gesture throttles it.
    Egui {
        /// From now.
        delay: Duration,
    },
}

/// Something that drives the window instead of a person (the window
/// benchmark, the leak check): called before each frame.
pub trait Driver {
    /// Feeds input due by now; returns when it next wants to run, or
    /// `None` when it is done (the window closes).
    fn drive(&mut self, shell: &mut Shell) -> Option<Instant>;
    /// A frame was presented. Returns a time sooner than the one
    /// [`Driver::drive`] last gave when the driver wants its turn earlier
    /// because of this frame (a replay that feeds one input per frame).
    fn presented(&mut self, _shell: &Shell, _sample: &FrameSample, _latency_ns: u64) -> Option<Instant> {
        None
    }
}

/// The window's state.
pub struct Shell {
    /// What the window edits.
    pub wb: Workbench,
    forced: Option<BackendKind>,
    size: (u32, u32),
    window: Option<Arc<Window>>,
    presenter: Option<Presenter>,
    egui_ctx: egui::Context,
    egui_state: Option<egui_winit::State>,
    /// The HUD's and the status bar's figures.
    pub hud: Hud,
    /// Where the canvas is, in points.
    pub canvas_rect: Rect,
    ppp: f32,
    egui_due: bool,
    egui_deadline: Option<Instant>,
    last_egui: Option<Instant>,
    /// The display's refresh interval: animations (egui's, the canvas's
    /// drop-target pulse) draw at most this often, as under vsync, even
    /// when the present does not wait for it (mailbox, Xvfb).
    frame_interval: Duration,
    last_frame: Option<Instant>,
    /// The canvas's next animation frame.
    animation_due: Option<Instant>,
    /// A canvas gesture owns the pointer (pressed on the canvas, not yet released).
    capture: bool,
    /// When the canvas last got a wheel step: scrolling and zooming are a
    /// gesture too, and hold the panels back as a drag does.
    wheeled_at: Option<Instant>,
    pointer: Option<Pos2>,
    pointer_in_egui: bool,
    modifiers: Modifiers,
    canvas_dirty: bool,
    overlap: bool,
    opened: Instant,
    /// Frames presented so far.
    pub frames: u64,
    /// Input handled since the last present: when the oldest arrived.
    oldest_input: Option<Instant>,
    proxy: Option<EventLoopProxy<Wake>>,
    error: Option<AppError>,
    driver: Option<Box<dyn Driver>>,
    driver_next: Option<Instant>,
    title: String,
    /// The display's refresh rate, when winit knows it.
    pub refresh_hz: Option<f64>,
    /// Called once when the event loop ends (the benchmark reads the shell).
    pub(crate) at_end: Option<AtEnd>,
    bare: Option<egui::Context>,
    ui_map: String,
    fitted: bool,
    /// Told of every presented frame (the debug endpoint).
    pub(crate) observer: Option<crate::FrameObserver>,
    /// egui's last accessibility tree, when asked for (what the leak
    /// check finds buttons and fields by, as a screen reader would).
    pub(crate) accesskit: Option<egui::accesskit::TreeUpdate>,
}

impl std::fmt::Debug for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shell").field("frames", &self.frames).finish_non_exhaustive()
    }
}

impl Shell {
    pub(crate) fn new(
        wb: Workbench,
        forced: Option<BackendKind>,
        size: (u32, u32),
        driver: Option<Box<dyn Driver>>,
    ) -> Self {
        Shell {
            wb,
            forced,
            size,
            window: None,
            presenter: None,
            egui_ctx: egui::Context::default(),
            egui_state: None,
            hud: Hud::default(),
            canvas_rect: Rect::NOTHING,
            ppp: 1.0,
            egui_due: true,
            egui_deadline: None,
            last_egui: None,
            frame_interval: DEFAULT_FRAME_INTERVAL,
            last_frame: None,
            animation_due: None,
            capture: false,
            wheeled_at: None,
            pointer: None,
            pointer_in_egui: true,
            modifiers: Modifiers::NONE,
            canvas_dirty: true,
            overlap: false,
            opened: Instant::now(),
            frames: 0,
            oldest_input: None,
            proxy: None,
            error: None,
            driver,
            driver_next: None,
            title: String::new(),
            refresh_hz: None,
            at_end: None,
            bare: None,
            ui_map: String::new(),
            fitted: false,
            observer: None,
            accesskit: None,
        }
    }

    pub(crate) fn set_proxy(&mut self, proxy: EventLoopProxy<Wake>) {
        let waker = proxy.clone();
        self.egui_ctx.set_request_repaint_callback(move |info| {
            let _ = waker.send_event(Wake::Egui { delay: info.delay });
        });
        let waker = std::sync::Mutex::new(proxy.clone());
        self.wb.set_waker(Arc::new(move || {
            if let Ok(w) = waker.lock() {
                let _ = w.send_event(Wake::Repaint);
            }
        }));
        self.proxy = Some(proxy);
    }

    pub(crate) fn take_error(&mut self) -> Option<AppError> {
        self.error.take()
    }

    /// The presenter (for the leak check's counts).
    pub fn presenter(&self) -> Option<&Presenter> {
        self.presenter.as_ref()
    }

    /// The presenter, to plant a leak in it.
    pub(crate) fn presenter_mut(&mut self) -> Option<&mut Presenter> {
        self.presenter.as_mut()
    }

    /// Runs egui on the next frame, and asks for that frame.
    pub(crate) fn egui_due_now(&mut self) {
        self.egui_due = true;
        self.request_redraw();
    }

    /// The window, once open.
    pub fn window(&self) -> Option<&Arc<Window>> {
        self.window.as_ref()
    }

    fn open(&mut self, event_loop: &ActiveEventLoop) -> Result<(), AppError> {
        let attrs = Window::default_attributes()
            .with_title(self.wb.title())
            .with_inner_size(winit::dpi::PhysicalSize::new(self.size.0, self.size.1));
        let window = Arc::new(event_loop.create_window(attrs).map_err(|e| AppError::NoDisplay(e.to_string()))?);
        self.refresh_hz =
            window.current_monitor().and_then(|m| m.refresh_rate_millihertz()).map(|mhz| f64::from(mhz) / 1000.0);
        let (presenter, gpu) = Presenter::new(&window, self.forced)?;
        let software = gpu.info.device_type == wgpu::DeviceType::Cpu;
        self.hud.adapter = format!("{} ({:?})", gpu.info.name, gpu.info.backend);
        self.hud.software = software;
        self.hud.backend = format!("{:?}", gpu.info.backend).to_lowercase();
        let renderer = GpuRenderer::with_target_format(gpu, presenter.canvas_format());
        self.wb.attach_renderer(Renderer::Gpu(Box::new(renderer)));
        let max_side = presenter.device.limits().max_texture_dimension_2d as usize;
        self.egui_state = Some(self.egui_input(&window, max_side));
        self.ppp = window.scale_factor() as f32;
        self.presenter = Some(presenter);
        self.frame_interval = window
            .current_monitor()
            .and_then(|m| m.refresh_rate_millihertz())
            .filter(|mhz| *mhz > 0)
            .map_or(DEFAULT_FRAME_INTERVAL, |mhz| Duration::from_secs_f64(1000.0 / f64::from(mhz)))
            .clamp(Duration::from_micros(4_000), Duration::from_millis(34));
        self.window = Some(window.clone());
        self.opened = Instant::now();
        window.request_redraw();
        Ok(())
    }

    /// egui's winit input state for `window`, on the current context.
    fn egui_input(&self, window: &Window, max_texture_side: usize) -> egui_winit::State {
        egui_winit::State::new(
            self.egui_ctx.clone(),
            egui::ViewportId::ROOT,
            window,
            Some(window.scale_factor() as f32),
            None,
            Some(max_texture_side),
        )
    }

    fn request_redraw(&self) {
        if let Some(w) = &self.window {
            w.request_redraw();
        }
    }

    /// Whether a point (in points) is on the canvas, with nothing of egui over it.
    fn on_canvas(&self, p: Pos2) -> bool {
        self.canvas_rect.contains(p)
            && !self.overlap
            && self.wb.panel.dialog.is_none()
            && !self.egui_ctx.egui_is_using_pointer()
    }

    fn canvas_xy(&self, p: Pos2) -> (f32, f32) {
        (p.x - self.canvas_rect.min.x, p.y - self.canvas_rect.min.y)
    }

    fn send_to_canvas(&mut self, input: Input) {
        self.wb.send(input);
        self.canvas_dirty = true;
        self.oldest_input.get_or_insert_with(Instant::now);
        self.request_redraw();
    }

    /// The pointer moved to `p` (points, window coordinates). The path
    /// both winit and the benchmark's replay take.
    pub fn pointer_moved(&mut self, p: Pos2) -> bool {
        self.pointer = Some(p);
        self.hud.pointer_design = self.canvas_rect.contains(p).then(|| {
            let (x, y) = self.canvas_xy(p);
            let d = self.wb.editor().viewport().to_design(x, y);
            (d.x, d.y)
        });
        if self.capture || self.on_canvas(p) {
            let (x, y) = self.canvas_xy(p);
            self.send_to_canvas(Input::PointerMove { x, y, modifiers: self.modifiers });
            // egui hears once that the pointer left its panels.
            let tell_egui = std::mem::replace(&mut self.pointer_in_egui, false);
            return tell_egui;
        }
        self.pointer_in_egui = true;
        true
    }

    /// A button went down or up at the pointer; returns whether egui gets it.
    pub fn pointer_button(&mut self, button: Button, down: bool) -> bool {
        let Some(p) = self.pointer else { return true };
        let (x, y) = self.canvas_xy(p);
        let modifiers = self.modifiers;
        if down && !self.capture && self.on_canvas(p) {
            self.capture = true;
            self.send_to_canvas(Input::PointerDown { x, y, button, modifiers });
            return false;
        }
        if !down && self.capture {
            self.capture = false;
            self.send_to_canvas(Input::PointerUp { x, y, button, modifiers });
            // The panels show the gesture's result exactly.
            self.egui_due = true;
            return false;
        }
        true
    }

    /// Scroll over the canvas (pan, or zoom with ctrl); returns whether egui gets it.
    pub fn wheel(&mut self, dx: f32, dy: f32) -> bool {
        let Some(p) = self.pointer else { return true };
        if !self.on_canvas(p) {
            return true;
        }
        let (x, y) = self.canvas_xy(p);
        self.send_to_canvas(Input::Wheel { x, y, dx, dy, modifiers: self.modifiers });
        // The panels (the zoom readout) follow at the throttled rate, and
        // exactly once the wheel has been still for a refresh interval.
        self.wheeled_at = Some(Instant::now());
        false
    }

    /// A key for the editor (when no text field has the keyboard).
    pub fn key(&mut self, key: Key, down: bool) {
        let modifiers = self.modifiers;
        if down && modifiers.ctrl && key == Key::Char('v') {
            // The system clipboard pastes, when it holds a design.
            let text = self.egui_state.as_mut().and_then(egui_winit::State::clipboard_text);
            if let Some(text) = text.filter(|t| t.trim_start().starts_with('{')) {
                self.send_to_canvas(Input::PasteText { text });
                self.egui_due = true;
                return;
            }
        }
        let input = if down { Input::KeyDown { key, modifiers } } else { Input::KeyUp { key, modifiers } };
        self.send_to_canvas(input);
        self.egui_due = true;
    }

    /// A key went down or up: a file or HUD shortcut, a key for the
    /// editor, or (returned `true`) one for egui. The path both winit and
    /// the leak check's input take.
    pub fn keyboard(&mut self, key: &WKey, pressed: bool, repeat: bool) -> bool {
        // In the live preview every key is the running design's: none
        // reaches the editor, so nothing typed there edits the document.
        let typing =
            self.egui_ctx.egui_wants_keyboard_input() || self.wb.panel.dialog.is_some() || self.wb.preview().is_some();
        if pressed && !repeat && self.app_shortcut(key) {
            // Files and the HUD work wherever the keyboard is.
            self.egui_due = true;
            self.request_redraw();
            return false;
        }
        if !typing
            && let Some(k) = editor_key(key)
            && !app_shortcut(k, self.modifiers)
            && !repeat
        {
            self.key(k, pressed);
        } else if !typing
            && repeat
            && pressed
            && let Some(k @ (Key::Left | Key::Right | Key::Up | Key::Down)) = editor_key(key)
        {
            // Held arrows nudge again.
            self.key(k, true);
        }
        true
    }

    /// Gives egui an input event as egui-winit would, with the window
    /// focused (the leak check's path into the panels).
    pub(crate) fn egui_event(&mut self, event: egui::Event) {
        if let Some(state) = self.egui_state.as_mut() {
            let raw = state.egui_input_mut();
            raw.focused = true;
            raw.events.push(event);
        }
        self.egui_due = true;
        self.request_redraw();
    }

    /// The modifier keys as egui names them.
    pub(crate) fn egui_modifiers(&self) -> egui::Modifiers {
        let m = self.modifiers;
        egui::Modifiers { alt: m.alt, ctrl: m.ctrl, shift: m.shift, mac_cmd: false, command: m.ctrl }
    }

    /// Why a frame is due or soon will be (input not yet shown, a canvas
    /// redraw, egui's own repaint request within `within`), if one is.
    pub(crate) fn frame_due(&self, within: Duration) -> Option<&'static str> {
        let soon = Instant::now() + within;
        if self.egui_due {
            Some("input for the panels")
        } else if self.canvas_dirty || self.wb.canvas().has_pending_redraw() {
            Some("a canvas redraw")
        } else if self.egui_deadline.is_some_and(|d| d <= soon) {
            Some("egui's repaint request (an animation)")
        } else if self.animation_due.is_some_and(|d| d <= soon) {
            Some("the canvas's animation")
        } else if self.wb.panels_stale {
            Some("the panels' refresh")
        } else if self.presenter.as_ref().is_some_and(Presenter::panels_pending) {
            Some("the rest of the panels' redraw")
        } else if !self.wb.panel.requests.is_empty() {
            Some("a window request")
        } else {
            None
        }
    }

    /// egui's context (the leak check reads its textures and plants one).
    pub(crate) fn egui_context(&self) -> &egui::Context {
        &self.egui_ctx
    }

    /// The modifier keys held (winit reports them; a replay sets them).
    pub fn set_modifiers(&mut self, m: Modifiers) {
        self.modifiers = m;
    }

    /// One frame of a bare egui window (a panel and a changing label,
    /// repainted whole into the surface, as an egui app does): what the
    /// window benchmark compares the editor with.
    pub fn bare_egui_frame(&mut self) {
        let (Some(window), Some(presenter)) = (self.window.clone(), self.presenter.as_mut()) else { return };
        let ctx = self.bare.get_or_insert_with(egui::Context::default).clone();
        let size = window.inner_size();
        let ppp = window.scale_factor() as f32;
        let raw = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(
                Pos2::ZERO,
                egui::vec2(size.width as f32 / ppp, size.height as f32 / ppp),
            )),
            ..Default::default()
        };
        let frames = self.frames;
        let output = ctx.run_ui(raw, |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.heading("A bare egui window");
                ui.label(format!("frame {frames}"));
            });
        });
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        presenter.present_direct(primitives, output.textures_delta, output.pixels_per_point);
        self.frames += 1;
    }

    /// Sends any input through the workbench, as a panel would.
    pub fn send(&mut self, input: Input) {
        self.send_to_canvas(input);
        self.egui_due = true;
    }

    fn egui_wants(&self, now: Instant) -> bool {
        if self.egui_due {
            // Input for the panels.
            return true;
        }
        // During a canvas gesture, the panels follow its changes and their
        // own animations at a throttled rate (and exactly on release).
        if self.panels_throttled_until().is_some_and(|t| now < t) {
            return false;
        }
        self.egui_deadline.is_some_and(|d| d <= now) || self.wb.panels_stale
    }

    /// Until when a canvas gesture holds the panels back, if one is under
    /// way: a drag, or wheel steps less than a refresh interval apart.
    fn panels_throttled_until(&self) -> Option<Instant> {
        let wheeling = self.wheeled_at.is_some_and(|t| t.elapsed() < PANEL_REFRESH);
        if self.capture || wheeling { self.last_egui.map(|t| t + PANEL_REFRESH) } else { None }
    }

    fn run_egui(&mut self, window: &Window) -> Duration {
        let started = Instant::now();
        let Some(state) = self.egui_state.as_mut() else { return Duration::ZERO };
        let raw = state.take_egui_input(window);
        let texture = self.presenter.as_mut().and_then(|p| {
            let frame = match self.wb.canvas().renderer() {
                Some(Renderer::Gpu(g)) => g.frame_texture().cloned(),
                _ => None,
            };
            p.canvas_texture(frame.as_ref())
        });
        let wb = &mut self.wb;
        let hud = &self.hud;
        let mut canvas = self.canvas_rect;
        let output = self.egui_ctx.run_ui(raw, |ui| {
            canvas = ui::show(ui, wb, texture, hud).canvas;
        });
        self.canvas_rect = canvas;
        wb.panels_stale = false;
        let mut platform = output.platform_output;
        if let Some(tree) = platform.accesskit_update.take() {
            self.accesskit = Some(tree);
        }
        if let Some(text) = self.wb.clipboard_out.take() {
            platform.commands.push(egui::OutputCommand::CopyText(text));
        }
        state.handle_platform_output(window, platform);
        if self.pointer.is_some_and(|p| self.canvas_rect.contains(p)) {
            window.set_cursor(canvas_cursor(self.wb.step().cursor));
        }
        self.ppp = output.pixels_per_point;
        let keys = crate::panel_damage::shape_keys(&output.shapes);
        let primitives = self.egui_ctx.tessellate(output.shapes, output.pixels_per_point);
        if let Some(p) = self.presenter.as_mut() {
            p.set_egui(primitives, keys, output.textures_delta, output.pixels_per_point);
        }
        self.egui_deadline = output
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .map(|v| v.repaint_delay)
            .filter(|d| *d < Duration::from_secs(3600))
            .map(|d| Instant::now() + d);
        self.overlap = self.egui_covers_canvas();
        self.write_ui_map();
        self.egui_due = false;
        self.last_egui = Some(Instant::now());
        self.sync_viewport();
        started.elapsed()
    }

    /// With `TRELLIS_UI_MAP=FILE`, writes where the canvas and the palette
    /// entries are (in pixels) and the canvas's view, whenever they move:
    /// what an end-to-end test aims OS-level input with.
    fn write_ui_map(&mut self) {
        let Some(path) = std::env::var_os("TRELLIS_UI_MAP") else { return };
        let px = |r: Rect| [r.min.x * self.ppp, r.min.y * self.ppp, r.width() * self.ppp, r.height() * self.ppp];
        let vp = self.wb.editor().viewport();
        let palette: serde_json::Map<String, serde_json::Value> =
            self.wb.panel.palette_rects.iter().map(|(k, r)| ((*k).to_owned(), serde_json::json!(px(*r)))).collect();
        let map = serde_json::json!({
            "canvas": px(self.canvas_rect),
            "scale": self.ppp,
            "origin": [vp.origin.x, vp.origin.y],
            "zoom": vp.zoom,
            "palette": palette,
        });
        let text = map.to_string();
        if text != self.ui_map {
            let _ = crate::sessions::write_own_file(std::path::Path::new(&path), text.as_bytes());
            self.ui_map = text;
        }
    }

    /// Whether an egui window, menu or popup lies over the canvas.
    fn egui_covers_canvas(&self) -> bool {
        let canvas = self.canvas_rect;
        self.egui_ctx.memory(|m| {
            m.areas()
                .visible_layer_ids()
                .into_iter()
                .filter(|l| l.order != egui::Order::Background)
                .any(|l| m.area_rect(l.id).is_some_and(|r| r.intersects(canvas)))
        })
    }

    /// Tells the editor the canvas's size when the panels moved it.
    fn sync_viewport(&mut self) {
        let vp = *self.wb.editor().viewport();
        let (w, h) = (self.canvas_rect.width().max(1.0).floor(), self.canvas_rect.height().max(1.0).floor());
        if (vp.width, vp.height, vp.scale) != (w, h, self.ppp) && self.canvas_rect.is_positive() {
            self.wb.send(Input::Viewport { width: w, height: h, scale: self.ppp });
            if !self.fitted {
                // The design opens whole in view.
                self.wb.send(Input::Action(trellis_editor::Action::ZoomToFit));
                self.fitted = true;
            }
            self.canvas_dirty = true;
        }
    }

    fn recover_device(&mut self) {
        let Some(window) = self.window.clone() else { return };
        let Some(presenter) = self.presenter.take() else { return };
        // The renderer's textures and the old device go before the new one opens.
        self.wb.canvas_mut().set_renderer(None);
        match presenter.rebuild(&window) {
            Ok((presenter, gpu)) => {
                let (format, max_side) =
                    (presenter.canvas_format(), presenter.device.limits().max_texture_dimension_2d as usize);
                self.presenter = Some(presenter);
                let renderer = GpuRenderer::with_target_format(gpu, format);
                self.wb.attach_renderer(Renderer::Gpu(Box::new(renderer)));
                // egui's textures went with the device: a new context sends them again.
                let memory = self.egui_ctx.memory(Clone::clone);
                let style = self.egui_ctx.global_style();
                self.egui_ctx = egui::Context::default();
                self.egui_ctx.memory_mut(|m| *m = memory);
                self.egui_ctx.set_global_style(style);
                if let Some(proxy) = self.proxy.clone() {
                    self.set_proxy(proxy);
                }
                self.egui_state = Some(self.egui_input(&window, max_side));
                self.hud.recoveries += 1;
                self.egui_due = true;
                self.canvas_dirty = true;
            }
            Err(e) => self.error = Some(e.into()),
        }
    }

    /// Runs a file or HUD shortcut; whether `key` was one.
    fn app_shortcut(&mut self, key: &WKey) -> bool {
        let m = self.modifiers;
        match (key, m.ctrl, m.shift) {
            (WKey::Named(NamedKey::F12), _, _) => self.wb.panel.hud_open = !self.wb.panel.hud_open,
            // Debug > Lose the GPU device.
            (WKey::Character(c), true, true) if m.alt && c.eq_ignore_ascii_case("l") => {
                self.wb.panel.requests.push(WindowRequest::LoseDevice);
            }
            (WKey::Character(c), true, shift) => match (c.to_lowercase().as_str(), shift) {
                ("s", false) => {
                    self.wb.save();
                }
                ("s", true) => self.wb.choose_file(ui::FileDialogMode::Save),
                ("o", _) => self.wb.choose_file(ui::FileDialogMode::Open),
                ("n", _) => self.wb.request(Pending::New),
                ("q", _) => self.wb.request(Pending::Quit),
                _ => return false,
            },
            _ => return false,
        }
        true
    }

    fn device_lost(&self) -> bool {
        matches!(self.wb.canvas().renderer(), Some(Renderer::Gpu(g)) if g.is_lost())
    }

    fn redraw(&mut self, event_loop: &ActiveEventLoop) {
        let Some(window) = self.window.clone() else { return };
        if self.device_lost() {
            self.recover_device();
        }
        for request in std::mem::take(&mut self.wb.panel.requests) {
            match request {
                WindowRequest::LoseDevice => {
                    if let Some(Renderer::Gpu(g)) = self.wb.canvas().renderer() {
                        g.destroy_device();
                    }
                    self.recover_device();
                }
                WindowRequest::Theme => {
                    self.wb.panel.dark = !self.wb.panel.dark;
                    let dark = self.wb.panel.dark;
                    self.egui_ctx.set_visuals(if dark { egui::Visuals::dark() } else { egui::Visuals::light() });
                    self.wb.canvas_mut().set_theme(if dark {
                        trellis_render::Theme::DARK
                    } else {
                        trellis_render::Theme::LIGHT
                    });
                    self.egui_due = true;
                    self.canvas_dirty = true;
                }
            }
        }
        if self.wb.poll_file_changes() {
            self.egui_due = true;
        }
        let started = Instant::now();
        // The inputs' own work (handling, layout) ran as the events came,
        // before this frame began: it is part of the frame that shows them.
        let before_frame_ns = self.wb.input_work_ns();
        let mut egui_time = Duration::ZERO;
        let egui_pass = self.egui_wants(started);
        if egui_pass {
            egui_time = self.run_egui(&window);
        }
        if self.wb.quit {
            event_loop.exit();
            return;
        }
        let title = self.wb.title();
        if title != self.title {
            window.set_title(&title);
            self.title = title;
        }
        self.last_frame = Some(started);
        let mut record = self.wb.take_record();
        let animating = {
            let o = &self.wb.step().overlays;
            o.drop_target.is_some() || o.ghost.as_ref().is_some_and(|g| g.lift < 1.0)
        };
        let tint = self.wb.panel.tint_redraws;
        if let Some(Renderer::Gpu(g)) = self.wb.canvas_mut().renderer_mut() {
            g.tint_redraws = tint;
        }
        // One command buffer a frame: the canvas's passes, then the window's.
        let mut encoder = self.presenter.as_ref().map(Presenter::encoder);
        if (self.canvas_dirty || animating || self.wb.canvas().has_pending_redraw()) && self.canvas_rect.is_positive() {
            let step = self.wb.step().clone();
            let time = self.opened.elapsed().as_secs_f32();
            let drawn = match encoder.as_mut() {
                Some(encoder) => self.wb.canvas_mut().draw_into(&step, time, encoder),
                None => self.wb.canvas_mut().draw(&step, time, false),
            };
            match drawn {
                Ok(r) => {
                    record.redrawn_pixels = r.redrawn_pixels;
                    record.resampled = r.resampled;
                    record.caught_up = r.caught_up;
                    record.stale_pixels = r.stale_pixels;
                    // What the drawing did, for the observer's record
                    // (the app's trace): the inputs' record knows none of it.
                    record.rebuilt |= r.rebuilt;
                    record.moved_by_copy = r.moved_by_copy;
                    record.drawn_over = r.drawn_over;
                    record.composed_pixels = r.composed_pixels;
                    record.copied_pixels = r.copied_pixels;
                    record.encode_ns += r.encode_ns;
                    record.display_list_ns += r.display_list_ns;
                    record.gpu_ns = r.gpu_ns;
                }
                // Lost while drawing: the next frame opens a new device and redraws.
                Err(_) if self.device_lost() => self.request_redraw(),
                Err(e) => self.wb.notices.push(crate::workbench::Notice {
                    title: "The canvas could not be drawn".into(),
                    body: e.to_string(),
                }),
            }
            self.canvas_dirty = self.device_lost();
        }
        // The live preview hides the canvas: nothing of it is copied.
        let frame_texture = match self.wb.canvas().renderer() {
            Some(Renderer::Gpu(g)) if self.canvas_rect.is_positive() => g.frame_texture().cloned(),
            _ => None,
        };
        let mut times = Default::default();
        let canvas_px = (
            (self.canvas_rect.min.x * self.ppp).round().max(0.0) as u32,
            (self.canvas_rect.min.y * self.ppp).round().max(0.0) as u32,
        );
        let allocations = trellis_diag::CountingAllocator::snapshot().allocations;
        if let Some(p) = self.presenter.as_mut() {
            // A new canvas texture (resized, or the frame's pixels moved
            // into the renderer's spare by a nudge of everything) is
            // re-pointed before egui samples it.
            let before = p.native_registered;
            let _ = p.canvas_texture(frame_texture.as_ref());
            if self.overlap || p.native_registered != before {
                p.invalidate_panels();
            }
            if let Some(encoder) = encoder.take() {
                // What the frame spent already (the inputs' own work, egui,
                // the canvas) leaves the panels less of it to shade in.
                let spent = started.elapsed() + Duration::from_nanos(before_frame_ns);
                times = p.present(encoder, frame_texture.as_ref(), canvas_px, self.overlap, spent);
            }
        }
        if let Some(Renderer::Gpu(g)) = self.wb.canvas_mut().renderer_mut() {
            g.submitted();
        }
        // Submitted: what a later gesture needs is made while the GPU draws
        // (a nudge of everything after a paste made it in its own frame).
        if let Some(took) =
            self.wb.canvas_mut().prepare_ahead(started.elapsed() + Duration::from_nanos(before_frame_ns))
        {
            record.layout_ns += took.as_nanos() as u64;
        }
        let total = started.elapsed();
        let sample = FrameSample {
            at_s: started.duration_since(self.opened).as_secs_f64(),
            event_ms: record.event_ns as f64 / 1e6,
            layout_ms: record.layout_ns as f64 / 1e6,
            display_list_ms: record.display_list_ns as f64 / 1e6,
            egui_ms: (egui_time.as_nanos() as u64 + times.egui_ns) as f64 / 1e6,
            encode_ms: (record.encode_ns + times.encode_ns) as f64 / 1e6,
            gpu_ms: record.gpu_ns.unwrap_or(0) as f64 / 1e6,
            present_ms: times.present_ns as f64 / 1e6,
            total_ms: total.as_secs_f64() * 1e3 + before_frame_ns as f64 / 1e6,
            allocations: trellis_diag::CountingAllocator::snapshot().allocations.saturating_sub(allocations),
            panel_pixels: self.presenter.as_ref().map_or(0, |p| p.egui_shaded_pixels),
            canvas_pixels: record.redrawn_pixels,
            egui_pass,
        };
        let latency = self.oldest_input.take().map_or(0, |t| t.elapsed().as_nanos() as u64);
        self.frames += 1;
        self.update_hud();
        if let Some(mut observer) = self.observer.take() {
            let ns = |ms: f64| (ms * 1e6) as u64;
            let frame = trellis_canvas::FrameRecord {
                index: self.frames - 1,
                start_ms: sample.at_s * 1e3,
                event_ns: record.event_ns,
                layout_ns: record.layout_ns,
                display_list_ns: record.display_list_ns,
                encode_ns: ns(sample.egui_ms + sample.encode_ms),
                gpu_ns: record.gpu_ns,
                wait_ns: ns(sample.present_ms),
                total_ns: ns(sample.total_ms),
                redrawn_pixels: record.redrawn_pixels,
                rebuilt: record.rebuilt,
                resampled: record.resampled,
                caught_up: record.caught_up,
                moved_by_copy: record.moved_by_copy,
                drawn_over: record.drawn_over,
                stale_pixels: record.stale_pixels,
                composed_pixels: record.composed_pixels,
                copied_pixels: record.copied_pixels,
            };
            observer(&frame, self);
            self.observer = Some(observer);
        }
        if let Some(mut driver) = self.driver.take() {
            if let Some(sooner) = driver.presented(self, &sample, latency) {
                self.driver_next = Some(self.driver_next.map_or(sooner, |t| t.min(sooner)));
            }
            self.driver = Some(driver);
        }
        self.hud.push(sample);
        self.animation_due = animating.then(|| started + self.frame_interval);
    }

    fn update_hud(&mut self) {
        if let Some(Renderer::Gpu(g)) = self.wb.canvas().renderer() {
            let o = g.live_objects();
            self.hud.gpu_objects = vec![
                ("gpu buffers", o.buffers as i64),
                ("gpu texture views", o.texture_views as i64),
                ("gpu bind groups", o.bind_groups as i64),
                ("shaped texts", o.shaped_texts as i64),
                ("atlas images", o.atlas_images as i64),
            ];
        }
        if let Some(p) = &self.presenter {
            self.hud.egui_textures = (self.egui_ctx.tex_manager().read().num_allocated(), p.native_textures_live());
        }
    }

    fn schedule(&mut self, event_loop: &ActiveEventLoop) {
        // Animations draw at the display's rate, not as fast as frames go.
        let paced = |t: Instant| self.last_frame.map_or(t, |f| t.max(f + self.frame_interval));
        let mut next: Option<Instant> = match (self.egui_deadline.map(paced), self.panels_throttled_until()) {
            (Some(d), Some(t)) => Some(d.max(t)),
            (d, _) => d,
        };
        if let Some(a) = self.animation_due {
            next = Some(next.map_or(a, |n| n.min(a)));
        }
        if self.wb.panels_stale
            && let Some(t) = self.last_egui
        {
            let due = t + PANEL_REFRESH;
            next = Some(next.map_or(due, |n| n.min(due)));
        }
        if self.presenter.as_ref().is_some_and(Presenter::panels_pending) {
            next = Some(Instant::now());
        }
        // A zoomed canvas still being drawn exactly, tile by tile: each
        // frame is bounded by the renderer's budget, so draw the next now.
        if self.wb.canvas().renderer().is_some_and(Renderer::is_refining) {
            next = Some(Instant::now());
        }
        let now = Instant::now();
        if next.is_some_and(|t| t <= now) {
            event_loop.set_control_flow(ControlFlow::Poll);
            self.request_redraw();
            return;
        }
        // The driver's turn needs no frame of its own: the input it feeds
        // asks for one. A frame presented before that input came would show
        // nothing new and cost a whole present.
        if let Some(d) = self.driver_next {
            next = Some(next.map_or(d, |n| n.min(d)));
        }
        match next {
            Some(t) if t <= now => event_loop.set_control_flow(ControlFlow::Poll),
            Some(t) => event_loop.set_control_flow(ControlFlow::WaitUntil(t)),
            None => event_loop.set_control_flow(ControlFlow::Wait),
        }
    }
}

fn canvas_cursor(cursor: Option<trellis_editor::Cursor>) -> CursorIcon {
    use trellis_editor::{Cursor, Handle};
    match cursor {
        None | Some(Cursor::Default) => CursorIcon::Default,
        Some(Cursor::Move) => CursorIcon::Move,
        Some(Cursor::Grab) => CursorIcon::Grab,
        Some(Cursor::Grabbing) => CursorIcon::Grabbing,
        Some(Cursor::Crosshair) => CursorIcon::Crosshair,
        Some(Cursor::Copy) => CursorIcon::Copy,
        Some(Cursor::NotAllowed) => CursorIcon::NotAllowed,
        Some(Cursor::Resize(h)) => match h {
            Handle::Top | Handle::Bottom => CursorIcon::NsResize,
            Handle::Left | Handle::Right => CursorIcon::EwResize,
            Handle::TopLeft | Handle::BottomRight => CursorIcon::NwseResize,
            Handle::TopRight | Handle::BottomLeft => CursorIcon::NeswResize,
        },
    }
}

fn editor_button(b: MouseButton) -> Option<Button> {
    match b {
        MouseButton::Left => Some(Button::Primary),
        MouseButton::Middle => Some(Button::Middle),
        MouseButton::Right => Some(Button::Secondary),
        _ => None,
    }
}

fn editor_key(key: &WKey) -> Option<Key> {
    Some(match key {
        WKey::Named(NamedKey::Escape) => Key::Escape,
        WKey::Named(NamedKey::Delete) => Key::Delete,
        WKey::Named(NamedKey::Backspace) => Key::Backspace,
        WKey::Named(NamedKey::Enter) => Key::Enter,
        WKey::Named(NamedKey::Space) => Key::Space,
        WKey::Named(NamedKey::ArrowLeft) => Key::Left,
        WKey::Named(NamedKey::ArrowRight) => Key::Right,
        WKey::Named(NamedKey::ArrowUp) => Key::Up,
        WKey::Named(NamedKey::ArrowDown) => Key::Down,
        WKey::Character(c) => {
            let mut chars = c.chars();
            match (chars.next(), chars.next()) {
                (Some(ch), None) => Key::Char(ch.to_ascii_lowercase()),
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// Shortcuts the panels handle (files, HUD): never sent to the editor.
fn app_shortcut(key: Key, m: Modifiers) -> bool {
    matches!((key, m.ctrl), (Key::Char('s' | 'o' | 'n' | 'q'), true))
}

impl ApplicationHandler<Wake> for Shell {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.window.is_some() {
            return;
        }
        if let Err(e) = self.open(event_loop) {
            self.error = Some(e);
            event_loop.exit();
        }
    }

    fn user_event(&mut self, _event_loop: &ActiveEventLoop, event: Wake) {
        match event {
            Wake::Repaint => {
                self.egui_due = true;
                self.request_redraw();
            }
            // The schedule (next, in `about_to_wait`) asks for the frame
            // when it is due: a frame now would show nothing new.
            Wake::Egui { delay } => {
                let at = Instant::now() + delay.min(Duration::from_secs(3600));
                self.egui_deadline = Some(self.egui_deadline.map_or(at, |d| d.min(at)));
            }
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        let Some(window) = self.window.clone() else { return };
        let mut to_egui = true;
        match &event {
            WindowEvent::RedrawRequested => {
                self.redraw(event_loop);
                self.schedule(event_loop);
                return;
            }
            WindowEvent::CloseRequested => {
                self.wb.request(Pending::Quit);
                if self.wb.quit {
                    event_loop.exit();
                    return;
                }
            }
            WindowEvent::Resized(size) => {
                if let Some(p) = self.presenter.as_mut() {
                    p.resize(size.width, size.height);
                }
            }
            WindowEvent::DroppedFile(path) => self.wb.request(Pending::Open(path.clone())),
            WindowEvent::ModifiersChanged(m) => {
                let s = m.state();
                self.modifiers =
                    Modifiers { shift: s.shift_key(), ctrl: s.control_key() || s.super_key(), alt: s.alt_key() };
            }
            WindowEvent::CursorMoved { position, .. } => {
                let p = Pos2::new(position.x as f32 / self.ppp, position.y as f32 / self.ppp);
                to_egui = self.pointer_moved(p);
            }
            WindowEvent::CursorLeft { .. } => {
                self.pointer = None;
                self.pointer_in_egui = true;
            }
            WindowEvent::MouseInput { state, button, .. } => {
                if let Some(b) = editor_button(*button) {
                    to_egui = self.pointer_button(b, *state == ElementState::Pressed);
                }
            }
            WindowEvent::MouseWheel { delta, .. } => {
                let (dx, dy) = match delta {
                    MouseScrollDelta::LineDelta(x, y) => (x * 40.0, y * 40.0),
                    MouseScrollDelta::PixelDelta(p) => (p.x as f32 / self.ppp, p.y as f32 / self.ppp),
                };
                to_egui = self.wheel(dx, dy);
            }
            WindowEvent::PinchGesture { delta, .. } => {
                if let Some(p) = self.pointer.filter(|p| self.on_canvas(*p)) {
                    let (x, y) = self.canvas_xy(p);
                    let modifiers = Modifiers::CTRL;
                    self.send_to_canvas(Input::Wheel { x, y, dx: 0.0, dy: (*delta as f32) * 300.0, modifiers });
                    self.wheeled_at = Some(Instant::now());
                    to_egui = false;
                }
            }
            WindowEvent::KeyboardInput { event: key_event, .. } => {
                let pressed = key_event.state == ElementState::Pressed;
                to_egui = self.keyboard(&key_event.logical_key, pressed, key_event.repeat);
            }
            _ => {}
        }
        if to_egui && let Some(state) = self.egui_state.as_mut() {
            let response = state.on_window_event(&window, &event);
            if response.repaint {
                self.egui_due = true;
            }
        }
        if self.egui_due || self.canvas_dirty {
            self.request_redraw();
        }
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        if let Some(mut driver) = self.driver.take() {
            let now = Instant::now();
            if self.window.is_some() && self.driver_next.is_none_or(|t| t <= now) {
                self.driver_next = driver.drive(self);
                if self.driver_next.is_none() {
                    self.wb.end_session();
                    event_loop.exit();
                    return;
                }
                // What it fed (through the panels' path too) is drawn next.
                if self.egui_due || self.canvas_dirty {
                    self.request_redraw();
                }
            }
            self.driver = Some(driver);
        }
        self.schedule(event_loop);
    }

    fn exiting(&mut self, _event_loop: &ActiveEventLoop) {
        if let Some(at_end) = self.at_end.take() {
            at_end(self);
        }
        if let Some(p) = self.presenter.as_mut() {
            p.release_canvas_texture();
        }
    }
}
