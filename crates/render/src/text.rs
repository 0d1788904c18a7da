//! Text shaping shared by both backends: the same buffer for the same text
//! in the same box, so that the GPU and CPU place the same glyphs.

use cosmic_text::{Buffer, FontSystem};
use trellis_model::Rect;

use crate::display_list::TextAlign;

/// The font every backend uses, bundled so that text looks the same on
/// every machine.
pub use trellis_text::FONT_FAMILY;

/// A text shaped for a box in device pixels, at `size` device pixels.
pub(crate) struct Shaped {
    pub buffer: Buffer,
    /// Offset from the box top that centres the lines vertically.
    pub centre_dy: f32,
}

/// Shapes a text for its box as the layout measured it ([`trellis_text::shape`]).
pub(crate) fn shape(
    fonts: &mut FontSystem,
    text: &str,
    size: f32,
    device: &Rect,
    align: TextAlign,
    wrap: bool,
) -> Shaped {
    let line = size * trellis_text::LINE_HEIGHT;
    // Wrapping text gets the shaper's slack (`WRAP_SLACK_EM`), as the layout did.
    let wrap = if wrap { trellis_text::Wrap::WordsOrGlyphs } else { trellis_text::Wrap::None };
    let align = match align {
        TextAlign::Start => trellis_text::Align::Start,
        TextAlign::Center => trellis_text::Align::Center,
        TextAlign::End => trellis_text::Align::End,
    };
    let buffer = trellis_text::shape(fonts, text, size, Some(device.w), Some(device.h), wrap, align);
    let lines = buffer.layout_runs().count().max(1) as f32;
    let centre_dy = ((device.h - lines * line) / 2.0).max(0.0);
    Shaped { buffer, centre_dy }
}

/// Text whose em is under this many device pixels is greeked: each line
/// drawn as a bar in the text's colour, as design tools draw text too
/// small to read. Its glyphs would be a pixel or two tall; a bar carries
/// the same ink at a fraction of the cost (thousands of glyph quads at
/// 10,000 widgets in view), and at that size looks the same.
pub const GREEK_BELOW_PX: f32 = 4.0;

/// The share of a line's x-height band that glyphs ink, about, in the
/// bundled font: the bar's alpha, so that greeked text is as dark as the
/// glyphs it stands for (see `greeked_text_carries_the_ink_of_its_glyphs`).
pub const GREEK_INK: f32 = 0.31;

/// How near a whole pixel, or a half, a device coordinate counts as on it
/// where text is placed and clipped. An item moved many times carries the
/// rounding of every move (a label's left edge at 227.00002 where one
/// made there says 227): placed or clipped to the pixel exactly, that
/// moved or cut a whole column of its glyphs.
const PIXEL_SLACK: f32 = 1.0 / 64.0;

/// Where a text is placed: device coordinate `v` to the nearest whole
/// pixel, ties (and a hair below them) up, alike on both sides of zero. A
/// pan by whole pixels then moves text as it moves every shape, so the
/// pixels it copies equal those drawn afresh; `f32::round` takes ties
/// away from zero (80.5 to 81, yet -1.5 to -2), and a label drawn half a
/// pixel off the canvas's edge and one drawn 82 pixels lower landed 83
/// pixels apart.
pub fn snap_to_pixel(v: f32) -> f32 {
    (v + 0.5 + PIXEL_SLACK).floor()
}

/// The first whole pixel at or after device coordinate `v` (a hair past
/// one counts as on it): where a text's clip starts or ends.
pub fn pixel_edge(v: f32) -> f32 {
    (v - PIXEL_SLACK).ceil()
}

/// Whether a text of `size` design units is greeked at `factor` device
/// pixels per design unit.
pub fn greeked(size: f32, factor: f32) -> bool {
    size * factor < GREEK_BELOW_PX
}

/// The greek bars of texts, in design units relative to each text's box,
/// kept between frames: shaped once at the design size (basic shaping
/// scales with the size, so the bars hold at any zoom and zooming never
/// shapes again), then only looked up. Bounded like the shaped-text
/// caches: entries not drawn for a while go, but only while the cache
/// holds more than twice the texts of the display list (and at least
/// [`Self::FLOOR`]). A retained canvas redraws only what changed, so "not
/// drawn for a while" says little about a text still on screen: at
/// 100,000 widgets a pan (60 frames of strips) left most texts undrawn for
/// 120 frames, and the zoom after it shaped 56 texts again a frame (2,000
/// heap allocations a frame).
#[derive(Debug, Default)]
pub(crate) struct GreekCache {
    bars: crate::image_file::FastMap<u64, (Vec<Rect>, u64)>,
    /// Keys a text by its content and box (seeded per run).
    keys: foldhash::quality::RandomState,
    frame: u64,
    /// The display list's texts, from the last whole count or the last
    /// pass finished (a pass takes the list's items / 2,048 frames).
    live_texts: usize,
    /// The count under way, a slice of the list a frame: the items counted
    /// so far, and the texts they hold.
    recount: (usize, usize),
    /// A whole count found the cache over twice the list's texts: until
    /// it is not, the list is counted a slice a frame again (counted
    /// whole, every frame until the stale bars went would walk it).
    found_over: bool,
    /// The bars of every entry: kept as entries come and go, since summing
    /// them each frame walked the whole cache.
    total_bars: usize,
}

impl GreekCache {
    const KEEP_FRAMES: u64 = 120;
    /// Items of the list counted a frame: walking all of them at once
    /// every 64 frames was 2.7 to 7.7 ms of one frame at 100,000 widgets
    /// (a 2-core VM), about 0.1 ms for this many.
    const RECOUNT_ITEMS: usize = 2048;
    const FLOOR: usize = 4096;
    /// About 16 MB of bars.
    const MAX_BARS: usize = 1 << 20;

    /// The bars of a text, relative to its box.
    pub(crate) fn bars(&mut self, fonts: &mut FontSystem, t: &GreekText<'_>) -> &[Rect] {
        use std::hash::BuildHasher;
        let key =
            self.keys.hash_one((t.text, t.size.to_bits(), t.w.to_bits(), t.h.to_bits(), t.align as u8, t.wrap, t.top));
        let frame = self.frame;
        let total = &mut self.total_bars;
        let entry = self.bars.entry(key).or_insert_with(|| {
            let bars = greek_bars(fonts, t);
            *total += bars.len();
            (bars, 0)
        });
        entry.1 = frame;
        &entry.0
    }

    /// A frame is done: forget bars not drawn for a while when there are
    /// more than twice `live_texts`, the texts of the display list of
    /// `items` items, which `count` gives for a range of them. The list is
    /// counted a slice of [`Self::RECOUNT_ITEMS`] items a frame, a whole
    /// count replacing the last at the end of each pass, and all at once
    /// when the cache may be over it (once: then in slices again until
    /// it is not). Past [`Self::MAX_BARS`] bars kept (a design of long
    /// wrapped texts), every text's but this frame's go.
    pub(crate) fn end_frame(&mut self, items: usize, mut count: impl FnMut(std::ops::Range<usize>) -> usize) {
        let now = self.frame;
        self.frame += 1;
        if self.total_bars > Self::MAX_BARS {
            self.retain(|used| used == now);
        }
        if self.bars.len() > Self::FLOOR {
            if self.bars.len() > 2 * self.live_texts && !self.found_over {
                self.live_texts = count(0..items);
                self.recount = (0, 0);
                self.found_over = self.bars.len() > 2 * self.live_texts;
            } else {
                // A list cut short under the pass's place: counted anew.
                let (from, texts) = if self.recount.0 > items { (0, 0) } else { self.recount };
                let to = (from + Self::RECOUNT_ITEMS).min(items);
                self.recount = (to, texts + count(from..to));
                if to == items {
                    self.live_texts = self.recount.1;
                    self.recount = (0, 0);
                }
            }
            if self.bars.len() > 2 * self.live_texts {
                let now = self.frame;
                self.retain(|used| now.saturating_sub(used) <= Self::KEEP_FRAMES);
            }
        }
        self.found_over &= self.bars.len() > Self::FLOOR && self.bars.len() > 2 * self.live_texts;
    }

    /// Keeps the entries last drawn in a frame `keep` accepts.
    fn retain(&mut self, keep: impl Fn(u64) -> bool) {
        let total = &mut self.total_bars;
        self.bars.retain(|_, (bars, used)| {
            let kept = keep(*used);
            if !kept {
                *total -= bars.len();
            }
            kept
        });
    }

    /// How many texts' bars are kept.
    pub(crate) fn len(&self) -> usize {
        self.bars.len()
    }
}

/// A text primitive as greeking sees it: what it says, its size, its box's
/// size (design units) and how it sits in the box.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GreekText<'a> {
    pub(crate) text: &'a str,
    pub(crate) size: f32,
    pub(crate) w: f32,
    pub(crate) h: f32,
    pub(crate) align: TextAlign,
    pub(crate) wrap: bool,
    pub(crate) top: bool,
}

impl<'a> GreekText<'a> {
    /// A text primitive's part in greeking; `None` for other primitives.
    pub(crate) fn of(primitive: &'a crate::display_list::Primitive) -> Option<Self> {
        match primitive {
            crate::display_list::Primitive::Text { rect, text, size, align, wrap, top, .. } => {
                Some(GreekText { text, size: *size, w: rect.w, h: rect.h, align: *align, wrap: *wrap, top: *top })
            }
            _ => None,
        }
    }
}

/// One bar per line over its x-height band, from its first glyph to its
/// end, cut to the box; relative to the box's top left, in design units.
fn greek_bars(fonts: &mut FontSystem, t: &GreekText<'_>) -> Vec<Rect> {
    let GreekText { text, size, w, h, align, wrap, top } = *t;
    let shaped = shape(fonts, text, size, &Rect::new(0.0, 0.0, w, h), align, wrap);
    let dy = if top { 0.0 } else { shaped.centre_dy };
    let x_height = 0.5 * size;
    let mut bars = Vec::new();
    for run in shaped.buffer.layout_runs() {
        let (Some(first), Some(last)) = (run.glyphs.first(), run.glyphs.last()) else { continue };
        let x0 = first.x.min(last.x).max(0.0);
        let x1 = (first.x + first.w).max(last.x + last.w).min(w);
        let y0 = (dy + run.line_y - x_height).max(0.0);
        let y1 = (dy + run.line_y).min(h);
        if y0 >= h {
            break;
        }
        if x1 > x0 && y1 > y0 {
            bars.push(Rect::new(x0, y0, x1 - x0, y1 - y0));
        }
    }
    bars
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use trellis_geometry::{FontMeasurer, Geometry};
    use trellis_model::{Command, Document, PropKey, PropValue, WidgetKind, WidgetTree};

    /// A text moved by a whole number of pixels is placed that many pixels
    /// away, on either side of the canvas's edge, ties included (what a
    /// pan's copy of the canvas assumes).
    #[test]
    fn text_placed_on_pixels_moves_by_whole_pixels_as_far_as_it_was_moved() {
        for quarter in -800i16..800 {
            let v = f32::from(quarter) / 4.0;
            for shift in [-83i16, -1, 1, 2, 41, 82, 500] {
                let moved = v + f32::from(shift);
                assert_eq!(
                    super::snap_to_pixel(moved),
                    super::snap_to_pixel(v) + f32::from(shift),
                    "{v} moved by {shift}"
                );
            }
        }
        assert_eq!((super::snap_to_pixel(-1.5), super::snap_to_pixel(80.5)), (-1.0, 81.0));
        // What moves leave of rounding changes nothing.
        assert_eq!((super::snap_to_pixel(80.49999), super::snap_to_pixel(80.50001)), (81.0, 81.0));
        assert_eq!((super::pixel_edge(227.00002), super::pixel_edge(226.99998)), (227.0, 227.0));
        assert_eq!((super::pixel_edge(227.1), super::pixel_edge(-0.5)), (228.0, 0.0));
    }

    use super::*;

    /// Regression test for a zoom after a pan at 100,000 widgets shaping 56
    /// greeked texts again every frame: a pan redraws strips, so the texts
    /// on screen went undrawn for more than `KEEP_FRAMES` frames and were
    /// dropped as stale. Texts are now dropped as stale only while the
    /// cache holds more than twice the display list's texts.
    #[test]
    fn greek_bars_of_a_design_on_screen_outlive_frames_that_redraw_only_part_of_it() {
        let many = 3 * GreekCache::FLOOR;
        let bar = || vec![Rect::new(0.0, 0.0, 4.0, 1.0)];
        let mut cache = GreekCache::default();
        // Frames draw every text of the design once (refinement tiles)...
        for key in 0..many as u64 {
            cache.bars.insert(key, (bar(), cache.frame));
            cache.total_bars += 1;
            if key % 1000 == 0 {
                cache.end_frame(many, |items| items.len());
            }
        }
        // ... then frames draw none of them (strips of a pan).
        for _ in 0..2 * GreekCache::KEEP_FRAMES {
            cache.end_frame(many, |items| items.len());
        }
        assert_eq!(cache.len(), many, "texts still in the list are kept");

        // Most widgets deleted: past twice the list's texts, stale ones go.
        let recounted = std::cell::Cell::new(0);
        for _ in 0..=GreekCache::KEEP_FRAMES {
            cache.end_frame(10, |items| {
                recounted.set(recounted.get() + 1);
                items.len()
            });
        }
        assert!(recounted.get() >= 1, "the list was counted again");
        assert_eq!(cache.len(), 0, "nothing drawn for a while, and far more than the list's texts");
        assert_eq!(cache.total_bars, 0, "the bars are counted as entries go");
    }

    /// Regression: every 64 frames the whole display list was walked to
    /// count its texts, 2.7 to 7.7 ms of that frame at 100,000 widgets
    /// (frames 119, 183 and 247 of `trellis bench drag --widgets 100000`,
    /// whatever they drew). A frame counts a slice of the list; each pass
    /// over it gives the count, so texts gone from the list are still
    /// noticed within a pass, and their stale bars forgotten.
    #[test]
    fn the_display_list_s_texts_are_counted_a_slice_a_frame() {
        let (items, texts_now) = (100_000, std::cell::Cell::new(100_000));
        let mut cache = GreekCache::default();
        for key in 0..3 * GreekCache::FLOOR as u64 {
            cache.bars.insert(key, (vec![Rect::new(0.0, 0.0, 4.0, 1.0)], cache.frame));
            cache.total_bars += 1;
        }
        // Each item holds a text while `texts_now` says the list has all.
        let (most, wholes) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        let counted = |r: std::ops::Range<usize>| {
            most.set(most.get().max(r.len()));
            wholes.set(wholes.get() + usize::from(r.len() == items));
            if texts_now.get() == items { r.len() } else { 0 }
        };
        // The first frame knows no count: it counts the list whole.
        cache.end_frame(items, counted);
        assert_eq!((cache.live_texts, wholes.get()), (items, 1));
        most.set(0);
        let pass = items.div_ceil(GreekCache::RECOUNT_ITEMS);
        for _ in 0..3 * pass {
            cache.end_frame(items, counted);
        }
        assert_eq!((most.get(), wholes.get()), (GreekCache::RECOUNT_ITEMS, 1), "a slice a frame");
        assert_eq!((cache.live_texts, cache.len()), (items, 3 * GreekCache::FLOOR), "every text kept");
        // The texts deleted just after all were drawn: a pass notices, and
        // one whole count confirms it, not one a frame until the bars are
        // stale and go.
        for entry in cache.bars.values_mut() {
            entry.1 = cache.frame;
        }
        texts_now.set(0);
        for _ in 0..pass + 2 * GreekCache::KEEP_FRAMES as usize {
            cache.end_frame(items, counted);
        }
        assert_eq!(wholes.get(), 2, "counted whole once more");
        assert_eq!((cache.live_texts, cache.len()), (0, 0), "the stale bars forgotten");
        assert_eq!(cache.total_bars, 0);
    }

    /// The renderer breaks a label's text into exactly the lines the layout
    /// measured for its box, at any zoom: no word pushed onto a line the
    /// box has no room for, no line left unused.
    #[test]
    fn labels_draw_in_the_lines_the_layout_measured() {
        let texts = [
            "Short",
            "A label long enough to wrap over several lines in a narrow column",
            "Supercalifragilisticexpialidocious is one word",
            "Numbers 1234567890 and punctuation: (a), [b], {c}!",
        ];
        for width in [60.0, 97.0, 143.5, 400.0] {
            let mut doc = Document::new();
            let root = doc.root();
            let column = doc
                .execute(Command::Insert {
                    parent: root,
                    index: None,
                    tree: WidgetTree::bare(WidgetKind::Column)
                        .with(PropKey::Width, PropValue::Number(width))
                        .with(PropKey::Height, PropValue::Number(800.0)),
                })
                .unwrap()
                .created[0];
            let mut labels = Vec::new();
            for t in texts {
                let tree = WidgetTree::bare(WidgetKind::Label).with(PropKey::Text, PropValue::Text(t.into()));
                labels.push(doc.execute(Command::Insert { parent: column, index: None, tree }).unwrap().created[0]);
            }
            let geometry = Geometry::new(&doc, FontMeasurer::shared() as Arc<dyn trellis_geometry::TextMeasurer>);
            let mut fonts = trellis_text::font_system();
            for (label, t) in labels.iter().zip(texts) {
                let r = geometry.rect(*label).unwrap();
                let measured_lines = (r.h / (14.0 * trellis_text::LINE_HEIGHT)).round() as usize;
                for zoom in [1.0f32, 1.5, 2.0] {
                    let device = Rect::new(0.0, 0.0, r.w * zoom, r.h * zoom);
                    let shaped = shape(&mut fonts, t, 14.0 * zoom, &device, TextAlign::Start, true);
                    let drawn = shaped.buffer.layout_runs().count();
                    assert_eq!(drawn, measured_lines, "{t:?} in {width} px at zoom {zoom}: box {r:?}");
                    assert_eq!(shaped.centre_dy, 0.0);
                }
            }
        }
    }
}
