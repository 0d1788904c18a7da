//! Where every Trellis widget lands, and the questions a drag asks about it.
//!
//! [`Geometry`] lays a [`trellis_model::Document`] out (absolute placement,
//! and rows, columns and grids through `taffy`), keeps the result up to date
//! from the document's change stream, and answers spatial queries through a
//! bucket grid: hit tests, drop targets, marquee selection and snapping.
//!
//! This crate depends on the model and on nothing that draws or handles
//! input: no GPU, no window, no UI toolkit. Text is measured through
//! [`TextMeasurer`]; [`FontMeasurer`] shapes it with `trellis-text`, the
//! same shaping the renderers draw with.

#![warn(missing_docs)]

pub mod benchmark;
mod hot_cache;
mod layout;
mod measure;
mod query;
mod spatial;

pub use hot_cache::QueryCache;
pub use layout::{
    CssDeclaration, DrawnBox, DrawnBoxes, Geometry, MAX_DAMAGE_REGIONS, PAINT_ORDER_WIDGETS_A_CALL, UpdateStats,
    css_border, css_px, grid_cells,
};
pub use measure::{
    FixedAdvanceMeasurer, FontMeasurer, IMAGE_NATURAL_SIZE, LEGACY_FIXED_ADVANCE_ID, TAB_BAR_HEIGHT, TextMeasurer,
    measurer_for_id,
};
pub use query::{
    Axis, DropTarget, Guide, Marquee, Point, QueryScratch, SNAP_NEIGHBOURHOOD_PX, Snap, SnapKind, SnapQuery,
    SpacingGuide, contains,
};
/// The layout engine, for exporters that write its styles out.
pub use taffy;
