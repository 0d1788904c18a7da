//! Trellis's desktop editor: a winit window with egui panels (menu bar,
//! toolbar, palette, layers tree, inspector, status bar, HUD) around the
//! canvas, all drawn on one wgpu device shared by the renderer, egui-wgpu
//! and the window surface. The canvas texture reaches the window by a
//! copy (or, under egui's popups, as a native egui texture), never
//! through the CPU.
//!
//! The app adapts the operating system to the editor and applies its
//! steps; it holds no editing logic. Every change the panels make to the
//! document, the selection or the settings is an editor input event
//! ([`Workbench::send`]), so the session journal, written continuously,
//! replays any session exactly and recovers it after a crash.
//!
//! This is the only crate that depends on winit and egui; the editor core,
//! the canvas and the renderer must never depend on it.

#![warn(missing_docs)]

pub mod exports;
mod file_watch;
mod native_dialog;
mod panel_damage;
mod present;
mod sessions;
pub mod ui;
mod window;
mod window_bench;
mod window_leaks;
mod workbench;

use std::path::PathBuf;

pub use native_dialog::{DialogProgram, NativeDialogTool};
pub use present::{PresentError, Presenter};
pub use sessions::{SessionDir, SessionInfo};
use trellis_model::Document;
use trellis_render::BackendKind;
pub use window::{Driver, PANEL_REFRESH, Shell, Wake};
pub use window_bench::{BenchFrame, BenchPlan, WindowBenchReport, bench_window};
pub use window_leaks::{APP_SCENARIOS, AppPlant, LeakWindow};
pub use workbench::{Notice, Pending, Workbench};

/// Why the editor could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// There is no display to open a window on.
    #[error(
        "no display to open the editor's window on ({0}). Run it under a virtual display (`xvfb-run -a trellis edit FILE`), \
         or use the headless commands instead (`trellis run SCENARIO --design FILE`, `trellis render FILE -o out.png`)"
    )]
    NoDisplay(String),
    /// The window could not be drawn into.
    #[error(transparent)]
    Present(#[from] PresentError),
    /// A driven window (the leak check's) did not do what it was asked.
    #[error(
        "the editor window did not respond as expected: {0}. Run it alone on an idle display, and check `trellis edit` by hand"
    )]
    Driven(String),
    /// The design could not be opened.
    #[error("could not open {path}: {reason}")]
    Open {
        /// The file.
        path: PathBuf,
        /// The loader's reason.
        reason: String,
    },
}

/// What `trellis edit` opens.
#[derive(Clone, Debug)]
pub struct EditOptions {
    /// The design file; `None` opens the bundled demo.
    pub file: Option<PathBuf>,
    /// The window's size in pixels.
    pub size: (u32, u32),
    /// The backend to draw with (`None`: the policy's choice).
    pub backend: Option<BackendKind>,
    /// Where sessions and recent files are kept (`None`: from the environment).
    pub state_dir: Option<PathBuf>,
    /// Open in the live preview (`trellis preview`): the design running
    /// as real widgets; ctrl+P goes to editing.
    pub preview: bool,
}

impl Default for EditOptions {
    fn default() -> Self {
        EditOptions { file: None, size: (1280, 800), backend: None, state_dir: None, preview: false }
    }
}

/// Checks that a display exists before winit is asked for one (its
/// failure without a display can be a panic on some platforms).
pub fn check_display() -> Result<(), AppError> {
    if cfg!(target_os = "linux")
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
    {
        return Err(AppError::NoDisplay("neither DISPLAY nor WAYLAND_DISPLAY is set".into()));
    }
    Ok(())
}

/// The design `options` name: the file, or the bundled demo.
pub fn load_design(options: &EditOptions) -> Result<Document, AppError> {
    match &options.file {
        Some(path) => load_regular(path).map_err(|reason| AppError::Open { path: path.clone(), reason }),
        None => Ok(trellis_model::demo_design()),
    }
}

/// Loads a design the editor can own: a regular file. A FIFO would block
/// the window until something wrote to it, and neither a FIFO nor a device
/// can be saved back or watched.
pub(crate) fn load_regular(path: &std::path::Path) -> Result<Document, String> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => {
            Err("not a regular file (a folder, device or FIFO): the editor opens .trellis.json files".to_owned())
        }
        _ => Document::load(path).map_err(|e| e.to_string()),
    }
}

/// Told of every presented frame, with the window's state: what feeds the
/// performance lab's debug endpoint from the live app.
pub type FrameObserver = Box<dyn FnMut(&trellis_canvas::FrameRecord, &Shell)>;

/// Opens the editor window on `options`' design and runs until the user
/// quits, telling `observer` of every frame. A design file that does not
/// load is an error before any window.
pub fn run_editor(options: &EditOptions, observer: Option<FrameObserver>) -> Result<(), AppError> {
    check_display()?;
    let doc = load_design(options)?;
    let sessions = options.state_dir.clone().map(SessionDir::at).or_else(SessionDir::from_env);
    let mut wb = Workbench::new(doc, options.file.clone(), None, sessions);
    if options.file.is_none() {
        wb.use_bundled_assets();
    }
    wb.set_preview(options.preview);
    let mut shell = Shell::new(wb, options.backend, options.size, None);
    shell.observer = observer;
    run_shell(shell)
}

/// Runs `shell`'s event loop to its end.
pub(crate) fn run_shell(mut shell: Shell) -> Result<(), AppError> {
    let event_loop = winit::event_loop::EventLoop::<Wake>::with_user_event()
        .build()
        .map_err(|e| AppError::NoDisplay(e.to_string()))?;
    shell.set_proxy(event_loop.create_proxy());
    event_loop.run_app(&mut shell).map_err(|e| AppError::NoDisplay(e.to_string()))?;
    match shell.take_error() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
