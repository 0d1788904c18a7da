//! Code from a Trellis design: an HTML/CSS page that lays out as the
//! canvas does ([`html`]), written all at once or not at all
//! ([`output_dir`]), and checked in a real browser ([`browser`]); a
//! Slint component ([`slint`]); and an egui module ([`egui`]) laid out by
//! `egui_taffy` with the canvas's own taffy styles.
//!
//! Where a widget lands comes from [`trellis_geometry::Geometry::layout_css`],
//! the one statement of what Trellis layout means in CSS, so an exporter
//! never decides geometry on its own. A design's content (names, texts,
//! items, paths) only ever reaches the output escaped for where it goes,
//! and never changes the output's structure.
//!
//! This crate depends on the model, the geometry and the bundled font; it
//! never depends on the GPU, a window or a UI toolkit. The browser is a
//! separate process it starts, never a library it links.

#![warn(missing_docs)]

pub mod browser;
pub mod egui;
mod escaping;
pub mod html;
mod identifiers;
pub mod output_dir;
mod rust_format;
pub mod slint;

pub use browser::{Browser, BrowserError, Deviation, Verification};
pub use egui::{EguiExport, EguiExportError, EguiSource, export_egui};
pub use html::{ExportError, ExportFile, ExportSource, FileContents, HtmlExport, export_html};
pub use output_dir::{OutputError, write_export};
pub use slint::{Approximation, SlintExport, SlintSource, export_slint};
