//! The Trellis interaction engine. Everything a user does on the canvas
//! comes in as an [`Event`] (pointer, wheel, keys, palette drags, actions)
//! and goes out as a [`Step`]: the commands applied to the document, the
//! regions to redraw, the overlays to draw (selection, handles, marquee,
//! snap guides, insertion marker, drop target, drag ghost, cursor trail),
//! the cursor and the status line.
//!
//! No window, no GPU, no UI toolkit: this crate must never depend on egui,
//! winit or wgpu. Tests, benchmarks, leak checks, replays and the desktop
//! app all run this same code. Every event and commit can be written to a
//! [`journal`] and replayed deterministically; [`scenario`]s script
//! gestures for tests and benchmarks.

mod actions;
mod editor;
mod input;
pub mod journal;
mod output;
pub mod scenario;
mod viewport;

pub use editor::{Editor, Settings};
pub use input::{Action, AlignTo, Button, Event, Input, Key, Modifiers};
pub use output::{Cursor, Damage, Ghost, Handle, Overlays, Step};
pub use viewport::{MAX_ZOOM, MIN_ZOOM, Viewport};
