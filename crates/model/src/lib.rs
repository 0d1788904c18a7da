//! The Trellis document model: a design as a tree of widgets in an arena
//! with generational ids, typed properties, reversible commands with
//! undo/redo, change notification, and the `.trellis.json` file format.
//!
//! This crate is the foundation every other crate stands on. It must never
//! depend on a GPU, a window, a UI toolkit or the layout engine: it knows
//! what a design *is*, not how it looks or where things land.
//!
//! Invariants:
//! - Parent and child links are ids into one arena; there are no `Rc`
//!   cycles. A freed widget's id never resolves again.
//! - Every edit goes through [`Command`] (or a gesture of commands between
//!   [`Document::begin`] and [`Document::commit`]) and is reversible.
//! - A document never holds what the loader would refuse: commands check the
//!   same types, ranges and [`limits`] as the file format.
//!
//! Errors are typed, one enum per kind of refusal ([`ModelError`] for
//! commands, [`LoadError`] and [`SaveError`] for files, [`NameError`],
//! [`PropError`], [`ConflictError`], [`SelectionError`] and [`TrackError`]
//! for the checks), so the app can both show them and act on them.

#![warn(missing_docs)]

mod command;
mod demo;
mod digest;
mod document;
mod error;
mod file;
mod helper_threads;
mod history;
mod kind;
pub mod limits;
mod migrate;
mod name;
mod observe;
mod planted;
mod prefetch;
mod property;
mod theme;
mod validate;

pub use command::{Command, Outcome, WidgetTree, ZOrder};
pub use demo::{CARD_WIDGETS, DEMO_IMAGES, DEMO_JSON, demo_design, generate, try_demo_design};
pub use document::{Document, Extremes, LiveCounts, Rect, WidgetId, WidgetRef};
pub use error::{ModelError, SelectionError};
pub use file::{
    FORMAT_NAME, FORMAT_VERSION, LoadError, Problem, SaveError, SaveOptions, ValueError, check_output_path,
    value_from_file_json, value_to_json, write_atomically, write_file,
};
pub use helper_threads::{BesideTheFrame, alongside, work_beside_the_frame};
pub use history::DEFAULT_HISTORY_LIMIT;
pub use kind::WidgetKind;
pub use name::{NameError, check_name};
pub use observe::{Change, KEPT_CHANGES, MAX_PENDING_CHANGES, Subscription, WidgetCache};
pub use planted::PlantedLeak;
pub use prefetch::{FETCH_AHEAD, SlotAddresses, fetch_into_cache};
pub use property::{
    Align, Color, DefaultValue, Group, HexColor, Justify, LayoutMode, PropError, PropKey, PropKeys, PropSpec, PropType,
    PropValue, Props, Track, TrackError,
};
pub use theme::Theme;
pub use validate::ConflictError;
