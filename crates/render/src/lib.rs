//! The Trellis renderer: turns a laid-out design, plus the editor's
//! overlays, into pixels, on whatever the machine has. It draws into
//! textures (or a CPU pixmap) and never owns a window: the desktop app
//! presents what it draws.
//!
//! This crate may depend on the model, the geometry, wgpu and the lab's
//! allocation counter (`trellis_diag`, to tell wgpu's allocations in a
//! frame from its own); it must never depend on a windowing crate (winit)
//! or on the editor's interaction logic.
//!
//! Every public type is reached from the crate root (`trellis_render::X`);
//! the modules are how the code is arranged, not part of the interface.

#![warn(missing_docs)]

mod adapter;
mod cpu;
mod display_list;
mod gpu;
mod image_file;
mod overlay;
mod renderer;
mod text;
mod view;

pub use adapter::{
    AdapterReport, BackendKind, BackendOverrideError, DeviceOpenError, Gpu, Probe, backend_override, open,
};
pub use cpu::{CpuError, CpuRenderer, save_png};
pub use display_list::{
    DisplayList, FOLLOW_ON_TWO_THREADS, Followed, FollowedMany, Item, LAYOUT_GUIDE_MIN_PX, Primitive, TextAlign,
    fold_regions, layout_guide_hidden_below,
};
pub use gpu::{
    FALLBACK_TEXTURE_FORMAT, FrameReport, GpuError, GpuObjects, GpuPlantedLeak, GpuRenderer, Recoveries, Redraw,
    TEXTURE_FORMAT, preferred_target_format,
};
pub use image_file::{IMAGE_DETAIL_PX, ImageError, image_leaves_folder, load_image};
pub use overlay::{Effect, OverlayLayer, TRAIL_MS};
pub use renderer::{CpuCanvas, RenderError, Renderer};
pub use text::{FONT_FAMILY, GREEK_BELOW_PX, GREEK_INK};
pub use trellis_model::Theme;
pub use view::View;
/// The wgpu this crate draws with: callers record into its encoders.
pub use wgpu;
