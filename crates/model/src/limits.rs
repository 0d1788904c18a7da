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

/// Largest side of a rendered image, in device pixels (`render --size`,
/// `bench render --size`, `bench drag --size`). A GPU device may allow less;
/// its own `max_texture_dimension_2d` is then the limit.
pub const MAX_RENDER_SIDE: u32 = 16_384;
/// Most pixels of an image drawn into memory: the CPU rasteriser's canvas,
/// and any frame read back from the GPU (`render`). 6144x4096 (24 Mi
/// pixels, room for 5K): 96 MiB an image at 4 bytes a pixel, and a command
/// holds about four (the canvas, the frame, the PNG encoder's copy, clip
/// masks), so `render --backend cpu` at this size peaks near 400 MB
/// (measured: 406 MB), under the ~512 MB a render may take.
pub const MAX_RENDER_PIXELS: u64 = 6144 * 4096;
/// Smallest device scale (`render --scale`), device pixels per logical pixel.
pub const MIN_RENDER_SCALE: f32 = 0.25;
/// Largest device scale (`render --scale`); the output must still fit
/// [`MAX_RENDER_PIXELS`].
pub const MAX_RENDER_SCALE: f32 = 8.0;
/// Largest earlier report `bench drag --compare` reads (64 MiB); a
/// 100,000-step run's report is well under it.
pub const MAX_REPORT_BYTES: u64 = 64 * 1024 * 1024;

/// Largest scenario `trellis run` reads (16 MiB): a scenario is a hand- or
/// tool-written script, and a million steps fit well under it.
pub const MAX_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;
/// Longest line of a session journal after the header (1 MiB, the newline
/// not counted): an event or commit record is well under 1 KiB.
pub const MAX_JOURNAL_LINE_BYTES: usize = 1024 * 1024;
/// Longest journal header line (129 MiB): the header embeds the starting
/// design as a JSON string, up to [`MAX_FILE_BYTES`] of text that
/// escaping at most doubles, plus room for the view and settings.
pub const MAX_JOURNAL_HEADER_BYTES: usize = 2 * MAX_FILE_BYTES as usize + 1024 * 1024;
/// Largest session journal `replay` and `recover` read (1 GiB). Journals
/// are read line by line, so memory stays near one line however large
/// the file is.
pub const MAX_JOURNAL_BYTES: u64 = 1024 * 1024 * 1024;

/// Largest image file (PNG) a design may reference, in bytes (32 MiB). The
/// renderer checks the size of the opened file before reading and reads no
/// more than this, so a sparse file or a device cannot make it read without
/// bound.
pub const MAX_IMAGE_BYTES: u64 = 32 * 1024 * 1024;
/// Largest width or height of an image a design references, in pixels,
/// read from the PNG header before anything is decoded.
pub const MAX_IMAGE_SIDE: u32 = 8192;
/// Largest decoded image, in bytes at 4 bytes a pixel (64 MiB: 4096x4096
/// RGBA). Checked from the PNG header before decoding, so a 69-byte file
/// claiming 100000x100000 pixels is refused instead of allocating 40 GB.
pub const MAX_IMAGE_DECODED_BYTES: u64 = 64 * 1024 * 1024;
