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
//! [`journal`] and [`replay`]ed deterministically; [`scenario`]s script
//! gestures for tests and benchmarks.
//!
//! Modules depend one way: the [`Editor`] uses the journal writer, the
//! actions and the placement rules, none of which knows the editor;
//! replay and scenarios drive an editor, which knows neither.

#![warn(missing_docs)]

mod actions;
mod editor;
mod input;
pub mod journal;
mod output;
mod placement;
pub mod replay;
pub mod scenario;
mod settings;
mod viewport;

pub use editor::{Editor, PlantedLeak};
pub use input::{Action, AlignTo, Button, Event, Input, Key, Modifiers, SelectMode};
pub use output::{Cursor, Damage, Ghost, Handle, Overlays, Step};
pub use settings::Settings;
pub use viewport::{MAX_ZOOM, MIN_ZOOM, Viewport};
