//! Text shaping shared by both backends: the same buffer for the same text
//! in the same box, so that the GPU and CPU place the same glyphs.

use cosmic_text::{Attrs, Buffer, Family, FontSystem, Metrics, Shaping};
use trellis_model::Rect;

use crate::display_list::TextAlign;

/// The font every backend uses, bundled so that text looks the same on
/// every machine.
pub const FONT_FAMILY: &str = "Ubuntu";

/// A text shaped for a box in device pixels, at `size` device pixels.
pub(crate) struct Shaped {
    pub buffer: Buffer,
    /// Offset from the box top that centres the lines vertically.
    pub centre_dy: f32,
}

pub(crate) fn shape(
    fonts: &mut FontSystem,
    text: &str,
    size: f32,
    device: &Rect,
    align: TextAlign,
    wrap: bool,
) -> Shaped {
    let line = size * 1.25;
    let mut buffer = Buffer::new(fonts, Metrics::new(size, line));
    buffer.set_size(Some(device.w.max(1.0)), Some(device.h.max(line)));
    buffer.set_wrap(if wrap { cosmic_text::Wrap::WordOrGlyph } else { cosmic_text::Wrap::None });
    let alignment = match align {
        TextAlign::Start => cosmic_text::Align::Left,
        TextAlign::Center => cosmic_text::Align::Center,
        TextAlign::End => cosmic_text::Align::Right,
    };
    buffer.set_text(text, &Attrs::new().family(Family::Name(FONT_FAMILY)), Shaping::Advanced, Some(alignment));
    buffer.shape_until_scroll(fonts, false);
    let lines = buffer.layout_runs().count().max(1) as f32;
    let centre_dy = ((device.h - lines * line) / 2.0).max(0.0);
    Shaped { buffer, centre_dy }
}
