//! Explicit limits on what a document may hold. The loader refuses input
//! beyond them with an error, and commands refuse to build a document that
//! would break them, so every document the model holds can be saved and
//! loaded again. README.md lists the same numbers.

/// Largest `.trellis.json` file the loader reads (64 MiB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Most widgets in one document, the root included.
pub const MAX_WIDGETS: usize = 250_000;
/// Deepest nesting: the root is at depth 0, its children at depth 1.
pub const MAX_DEPTH: usize = 32;
/// Longest string property (text, tooltip, placeholder, path, one item).
pub const MAX_STRING_BYTES: usize = 64 * 1024;
/// Most entries of an `items` list.
pub const MAX_ITEMS: usize = 10_000;
/// Longest widget name, in bytes.
pub const MAX_NAME_BYTES: usize = 64;
/// Most tracks in a grid template.
pub const MAX_GRID_TRACKS: usize = 256;
/// Largest absolute coordinate or size, in design pixels.
pub const MAX_COORDINATE: f32 = 1_000_000.0;
