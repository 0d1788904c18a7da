//! Trellis's text: the bundled font, and the one way a string becomes
//! lines. The layout measures text with [`shape`] and both renderers draw
//! what [`shape`] gives, so a label is exactly as wide on the canvas as the
//! layout made room for, on every machine (no system font is ever used).
//!
//! This crate knows strings, sizes and widths. It must never depend on the
//! document model, the GPU, a window or a UI toolkit: the geometry crate
//! (which must not draw) and the renderer (which must not lay out) both
//! depend on it.

#![warn(missing_docs)]

use std::sync::Arc;

use cosmic_text::{Attrs, Buffer, Family, FontSystem, Metrics, Shaping};

pub use cosmic_text;

/// The family name of the bundled font, as `@font-face` and cosmic-text
/// name it.
pub const FONT_FAMILY: &str = "Ubuntu";

/// The bundled font: Ubuntu Light, as egui ships it. Exporters copy these
/// bytes next to the code they write, so that a browser measures text as
/// Trellis does.
pub const FONT_BYTES: &[u8] = epaint_default_fonts::UBUNTU_LIGHT;

/// The height of one line, in ems (CSS `line-height: 1.25`).
pub const LINE_HEIGHT: f32 = 1.25;

/// How the shaper sets glyphs: from the font's advances alone, with no
/// kerning or ligatures, so that a line's width is the sum of its glyphs'
/// advances, the same in every renderer and in a browser told
/// `font-kerning: none; font-variant-ligatures: none`.
pub const SHAPING: Shaping = Shaping::Basic;

/// A font system that knows the bundled font and nothing else.
///
/// `FontSystem::new_with_fonts` would also load the machine's fonts, and
/// a glyph missing from the bundled font would then be drawn, and
/// measured, with whatever the machine has: another machine's layout.
/// Without them a missing glyph is the font's own `.notdef` box
/// everywhere. The locale is fixed for the same reason.
pub fn font_system() -> FontSystem {
    let mut db = cosmic_text::fontdb::Database::new();
    db.load_font_source(cosmic_text::fontdb::Source::Binary(Arc::new(FONT_BYTES)));
    db.set_sans_serif_family(FONT_FAMILY);
    FontSystem::new_with_locale_and_db("en-US".to_owned(), db)
}

/// Where lines may break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Wrap {
    /// Only at `\n`: one line per paragraph.
    None,
    /// At word boundaries; a word longer than the line breaks between
    /// glyphs (CSS `overflow-wrap: break-word`).
    WordsOrGlyphs,
}

/// Where a line sits across the width it was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Align {
    /// At the start (left).
    Start,
    /// Centred.
    Center,
    /// At the end (right).
    End,
}

/// How much wider than its width a wrapping line may be, in ems. A
/// text is given exactly the width it measured, and that width comes back
/// through float arithmetic (padding, zoom) a hair narrower at times, which
/// must not push its last word onto another line. In ems, so it scales
/// with zoom as the text does; a browser has the same slack in its 1/64 px
/// layout units.
pub const WRAP_SLACK_EM: f32 = 1.0 / 64.0;

/// Shapes `text` at `size` pixels into lines of at most `width` pixels
/// (`None`: as wide as its longest paragraph). `visible_height` bounds the
/// lines laid out, for a renderer that will clip the rest; measuring passes
/// `None` and gets them all.
pub fn shape(
    fonts: &mut FontSystem,
    text: &str,
    size: f32,
    width: Option<f32>,
    visible_height: Option<f32>,
    wrap: Wrap,
    align: Align,
) -> Buffer {
    let line = size * LINE_HEIGHT;
    let mut buffer = Buffer::new(fonts, Metrics::new(size, line));
    let slack = if wrap == Wrap::WordsOrGlyphs { size * WRAP_SLACK_EM } else { 0.0 };
    buffer.set_size(width.map(|w| (w + slack).max(1.0)), visible_height.map(|h| h.max(line)));
    buffer.set_wrap(match wrap {
        Wrap::None => cosmic_text::Wrap::None,
        Wrap::WordsOrGlyphs => cosmic_text::Wrap::WordOrGlyph,
    });
    let alignment = match align {
        Align::Start => cosmic_text::Align::Left,
        Align::Center => cosmic_text::Align::Center,
        Align::End => cosmic_text::Align::Right,
    };
    buffer.set_text(text, &Attrs::new().family(Family::Name(FONT_FAMILY)), SHAPING, Some(alignment));
    buffer.shape_until_scroll(fonts, false);
    buffer
}

/// The extent of shaped text: its widest line and how many lines it has
/// (an empty text has one, empty, line).
pub fn extent(buffer: &Buffer) -> (f32, usize) {
    buffer.layout_runs().fold((0.0f32, 0usize), |(w, n), run| (w.max(run.line_w), n + 1))
}

/// Measures text as [`shape`] lays it out, quickly: a line that needs no
/// breaking is as wide as its glyphs' advances add up to ([`SHAPING`] sets
/// glyphs from the font's advances alone), so it is summed from a table of
/// advances, and only text that must wrap is shaped.
#[derive(Debug)]
pub struct Measurer {
    fonts: FontSystem,
    /// Each character's advance in ems, as the shaper gives it.
    advances: std::collections::HashMap<char, f32>,
}

impl Default for Measurer {
    fn default() -> Self {
        Self { fonts: font_system(), advances: std::collections::HashMap::new() }
    }
}

impl Measurer {
    /// The width and height of `text` at `size` pixels when its lines break
    /// at `width` (`None`: only at `\n`); what [`measure`] answers.
    pub fn measure(&mut self, text: &str, size: f32, width: Option<f32>) -> (f32, f32) {
        if let Some(w) = self.one_line(text, size)
            && width.is_none_or(|max| w <= max + size * WRAP_SLACK_EM)
        {
            return (w, size * LINE_HEIGHT);
        }
        measure(&mut self.fonts, text, size, width)
    }

    /// The width of the widest word of `text`; what [`widest_word`] answers.
    pub fn widest_word(&mut self, text: &str, size: f32) -> f32 {
        unbreakable(text).map(|word| self.measure(word, size, None).0).fold(0.0, f32::max)
    }

    /// The width of `text` on one line, summed from advances; `None` for
    /// text the table does not answer for (several lines, tabs, control
    /// characters), which is shaped instead.
    fn one_line(&mut self, text: &str, size: f32) -> Option<f32> {
        let mut width = 0.0f32;
        for c in text.chars() {
            // Control characters, and the line and paragraph separators
            // the shaper breaks lines at.
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                return None;
            }
            let em = match self.advances.get(&c) {
                Some(em) => *em,
                None => {
                    let mut utf8 = [0u8; 4];
                    let em = measure(&mut self.fonts, c.encode_utf8(&mut utf8), 1.0, None).0;
                    self.advances.insert(c, em);
                    em
                }
            };
            width += em * size;
        }
        Some(width)
    }

    /// Characters whose advance is known.
    pub fn advances_known(&self) -> usize {
        self.advances.len()
    }
}

/// Measures `text` at `size` pixels: its width and height when its lines
/// break at `width` (`None`: only at `\n`).
pub fn measure(fonts: &mut FontSystem, text: &str, size: f32, width: Option<f32>) -> (f32, f32) {
    let wrap = if width.is_some() { Wrap::WordsOrGlyphs } else { Wrap::None };
    let buffer = shape(fonts, text, size, width, None, wrap, Align::Start);
    let (w, lines) = extent(&buffer);
    (w, lines.max(1) as f32 * size * LINE_HEIGHT)
}

/// The width of the widest word of `text` at `size` pixels: the narrowest
/// its lines can get without breaking a word (CSS min-content).
pub fn widest_word(fonts: &mut FontSystem, text: &str, size: f32) -> f32 {
    unbreakable(text).map(|word| measure(fonts, word, size, None).0).fold(0.0, f32::max)
}

/// The pieces of `text` no line may break inside: from one line-break
/// opportunity to the next (UAX #14, where the shaper wraps: at spaces, and
/// after a hyphen or a dash too), without the spaces a line may end with.
fn unbreakable(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    unicode_linebreak::linebreaks(text).filter_map(move |(end, _)| {
        let piece = text[start..end].trim_end();
        start = end;
        (!piece.is_empty()).then_some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_is_the_only_font() {
        let fonts = font_system();
        let families: Vec<String> =
            fonts.db().faces().flat_map(|f| f.families.iter().map(|(n, _)| n.clone())).collect();
        assert_eq!(families, vec![FONT_FAMILY.to_owned()]);
    }

    #[test]
    fn a_line_is_as_wide_as_its_glyphs_advances_add_up_to() {
        let mut fonts = font_system();
        let (ab, h) = measure(&mut fonts, "AV", 20.0, None);
        let (a, _) = measure(&mut fonts, "A", 20.0, None);
        let (v, _) = measure(&mut fonts, "V", 20.0, None);
        // No kerning: "AV" is exactly "A" then "V".
        assert!((ab - (a + v)).abs() < 1e-3, "{ab} vs {a} + {v}");
        assert_eq!(h, 25.0);
        let (double, _) = measure(&mut fonts, "AV", 40.0, None);
        assert!((double - 2.0 * ab).abs() < 1e-3, "widths scale with the size");
    }

    #[test]
    fn text_wraps_at_words_within_the_width_and_glyphs_only_when_a_word_is_too_long() {
        let mut fonts = font_system();
        let text = "the quick brown fox jumps over the lazy dog";
        let (one_line, h1) = measure(&mut fonts, text, 14.0, None);
        assert_eq!(h1, 14.0 * LINE_HEIGHT);
        let narrow = one_line / 3.0;
        let (w, h) = measure(&mut fonts, text, 14.0, Some(narrow));
        assert!(w <= narrow + 14.0 * WRAP_SLACK_EM, "{w} fits {narrow}");
        assert!(h >= 3.0 * h1, "{h}: at least three lines");
        let word = widest_word(&mut fonts, text, 14.0);
        assert_eq!(
            word,
            measure(&mut fonts, "quick", 14.0, None)
                .0
                .max(measure(&mut fonts, "brown", 14.0, None).0)
                .max(measure(&mut fonts, "jumps", 14.0, None).0)
        );
        // At the widest word's width no word is broken: as many lines as words at most.
        let (w, h) = measure(&mut fonts, text, 14.0, Some(word));
        let slack = 14.0 * WRAP_SLACK_EM;
        assert!(w <= word + slack);
        assert!(h <= 9.0 * h1);
        // A single long word narrower than its width breaks between glyphs.
        let (w, h) = measure(&mut fonts, "Supercalifragilistic", 14.0, Some(30.0));
        assert!(w <= 30.0 + slack && h > h1, "{w} x {h}");
    }

    #[test]
    fn the_widest_word_ends_where_the_shaper_may_break_a_line() {
        let mut fonts = font_system();
        let m = |fonts: &mut FontSystem, t: &str| measure(fonts, t, 14.0, None).0;
        // A line may break after the hyphen: "well-" and "known" are the pieces.
        let hyphenated = widest_word(&mut fonts, "well-known", 14.0);
        assert_eq!(hyphenated, m(&mut fonts, "well-").max(m(&mut fonts, "known")));
        assert!(hyphenated < m(&mut fonts, "well-known"));
        // At that width the shaper breaks it there, and breaks no glyphs apart.
        let (w, h) = measure(&mut fonts, "well-known", 14.0, Some(hyphenated));
        assert!(w <= hyphenated + 14.0 * WRAP_SLACK_EM && h == 2.0 * 14.0 * LINE_HEIGHT, "{w} x {h}");
        // Spaces a line ends with do not count; a non-breaking space joins.
        assert_eq!(widest_word(&mut fonts, "  ab   c ", 14.0), m(&mut fonts, "ab"));
        assert_eq!(widest_word(&mut fonts, "ab\u{a0}cd e", 14.0), m(&mut fonts, "ab\u{a0}cd"));
        assert_eq!(widest_word(&mut fonts, "", 14.0), 0.0);
    }

    #[test]
    fn summed_advances_measure_what_shaping_measures() {
        let mut fonts = font_system();
        let mut fast = Measurer::default();
        for text in [
            "Card 12345",
            "  leading and trailing  ",
            "Ünïcödé façade – “quotes” …",
            "AVAWAY To. fi fl ffi",
            "Ελληνικά и кириллица",
            "中文 emoji 🎉 and bidi עברית",
            "a\u{0301}e\u{0300} combining",
            "x",
            " ",
        ] {
            for size in [9.0, 14.0, 33.5] {
                let (shaped, h) = measure(&mut fonts, text, size, None);
                let (summed, fh) = fast.measure(text, size, None);
                assert!((shaped - summed).abs() < 1e-3, "{text:?} at {size}: shaped {shaped}, summed {summed}");
                assert_eq!(h, fh);
                // Wrapped or not, the answers agree.
                let (ws, hs) = measure(&mut fonts, text, size, Some(shaped / 2.0));
                let (wf, hf) = fast.measure(text, size, Some(shaped / 2.0));
                assert!((ws - wf).abs() < 1e-3 && hs == hf, "{text:?}");
                assert!((widest_word(&mut fonts, text, size) - fast.widest_word(text, size)).abs() < 1e-3);
            }
        }
        // Text over several lines is shaped.
        for text in ["a\nbb", "a\u{2029}bb", "a\u{2028}bb", "a\r\nbb"] {
            assert_eq!(fast.measure(text, 10.0, None), measure(&mut fonts, text, 10.0, None), "{text:?}");
        }
    }

    #[test]
    fn paragraphs_are_lines_and_empty_text_is_one_empty_line() {
        let mut fonts = font_system();
        assert_eq!(measure(&mut fonts, "", 10.0, None), (0.0, 12.5));
        let (_, h) = measure(&mut fonts, "a\nb\nc", 10.0, None);
        assert_eq!(h, 37.5);
    }
}
