//! The Trellis renderer: turns a laid-out design, plus the editor's
//! overlays, into pixels, on whatever the machine has. It draws into
//! textures (or a CPU pixmap) and never owns a window: the desktop app
//! presents what it draws.
//!
//! This crate may depend on the model, the geometry and wgpu; it must never
//! depend on a windowing crate (winit) or on the editor's interaction logic.

pub mod adapter;
pub mod cpu;
pub mod display_list;
pub mod gpu;
pub mod overlay;
pub mod renderer;
mod text;
pub mod view;

pub use adapter::{AdapterReport, BackendKind, Gpu, Probe, backend_override, open};
pub use cpu::{CpuRenderer, save_png};
pub use display_list::{DisplayList, Item, Primitive, TextAlign, Theme};
pub use gpu::{FrameReport, GpuError, GpuObjects, GpuRenderer, Recoveries, Redraw};
pub use overlay::{Effect, OverlayLayer};
pub use renderer::{CpuCanvas, RenderError, Renderer};
pub use view::View;
