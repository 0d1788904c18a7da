//! Intrinsic sizes: how big a widget wants to be when its width or height
//! is `auto`. Text metrics come from a [`TextMeasurer`]: [`FontMeasurer`]
//! shapes with the bundled font, as the renderers draw; unit tests use
//! [`FixedAdvanceMeasurer`] for round numbers.

use std::hash::BuildHasher;

use foldhash::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use taffy::prelude::AvailableSpace;
use trellis_model::{Document, LayoutMode, PropKey, WidgetId, WidgetKind, WidgetRef};

/// Measures text. Implementations must be deterministic: the same text and
/// size always give the same answer (layout caches rely on it).
pub trait TextMeasurer: Send + Sync {
    /// The size of `text` set at `font_size`: the widest line and the
    /// lines' height. Lines break at `\n`, and, when `wrap_width` is given,
    /// at words so that no line is wider than it (a word wider than the
    /// whole line breaks between glyphs: CSS `overflow-wrap: break-word`).
    fn measure(&self, text: &str, font_size: f32, wrap_width: Option<f32>) -> (f32, f32);

    /// The width of the widest word: the narrowest a wrapping text gets
    /// without breaking a word (CSS min-content).
    fn widest_word(&self, text: &str, font_size: f32) -> f32;

    /// What this measurer computes, as `name/version` followed by any
    /// parameters that change its numbers: two measurers with the same id
    /// must measure every text alike. A session journal records it, so a
    /// replay can refuse to lay text out differently from the session it
    /// replays; bump the version whenever the numbers change.
    fn id(&self) -> String;

    /// Measurements remembered, for the live-object registry (0 for a
    /// measurer that remembers nothing).
    fn remembered(&self) -> usize {
        0
    }

    /// The height of one line at `font_size`.
    fn line_height(&self, font_size: f32) -> f32 {
        self.measure("", font_size, None).1
    }
}

/// Every character advances the same fraction of the font size: exact,
/// portable numbers for unit tests. Nothing a user runs measures with it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixedAdvanceMeasurer {
    /// Advance of one character, in ems.
    pub advance: f32,
    /// Height of one line, in ems.
    pub line_height: f32,
}

impl Default for FixedAdvanceMeasurer {
    fn default() -> Self {
        Self { advance: 0.5, line_height: 1.25 }
    }
}

/// The id the fixed-advance measurer had before labels wrapped: journals
/// recorded with it laid labels out on one line, so they replay with no
/// measurer of this build.
pub const LEGACY_FIXED_ADVANCE_ID: &str = "fixed-advance/1 advance=0.5 line_height=1.25";

impl TextMeasurer for FixedAdvanceMeasurer {
    fn measure(&self, text: &str, font_size: f32, wrap_width: Option<f32>) -> (f32, f32) {
        let em = self.advance * font_size;
        let mut lines = 0usize;
        let mut widest = 0usize;
        for paragraph in text.split('\n') {
            let Some(width) = wrap_width else {
                lines += 1;
                widest = widest.max(paragraph.chars().count());
                continue;
            };
            // Greedy word wrap in whole characters, as a browser would with
            // a monospace font; words too long for a line break anywhere.
            let fits = ((width / em).floor() as usize).max(1);
            let mut line = 0usize;
            lines += 1;
            for word in paragraph.split(' ') {
                let mut n = word.chars().count();
                let needed = if line == 0 { n } else { line + 1 + n };
                if needed <= fits {
                    line = needed;
                    continue;
                }
                if line > 0 {
                    widest = widest.max(line);
                    lines += 1;
                }
                while n > fits {
                    widest = widest.max(fits);
                    lines += 1;
                    n -= fits;
                }
                line = n;
            }
            widest = widest.max(line);
        }
        (widest as f32 * em, lines as f32 * self.line_height * font_size)
    }

    fn widest_word(&self, text: &str, font_size: f32) -> f32 {
        let longest = text.split(char::is_whitespace).map(|w| w.chars().count()).max().unwrap_or(0);
        longest as f32 * self.advance * font_size
    }

    fn id(&self) -> String {
        // `{:?}` prints an f32 so that it parses back to the same value.
        format!("fixed-advance/2 advance={:?} line_height={:?}", self.advance, self.line_height)
    }
}

/// Measures text as the renderers draw it: shaped by cosmic-text with the
/// bundled font ([`trellis_text`]), wrapping as they wrap. What the editor,
/// the app, every command, the benchmarks and replays lay text out with.
///
/// Measurements are remembered by (text, size, wrap width): designs
/// repeat their texts (a thousand cards saying "OK"), so most widgets cost
/// a lookup. The memory is bounded: it keeps two generations of at most
/// [`FontMeasurer::GENERATION`] entries each, and a measurement not asked
/// for during a whole generation (a deleted widget's, an old text's) is
/// forgotten when the next one starts.
pub struct FontMeasurer {
    text: Mutex<trellis_text::Measurer>,
    remembered: Mutex<Remembered>,
    /// Hashes a measurement's (text, size, width) to its key: foldhash,
    /// not SipHash, which was most of a remembered measurement's lookup (a
    /// paste of 1,000 labels looks up three each). A key only finds its
    /// entry; the entry's own text and numbers are compared before use.
    keys: foldhash::fast::RandomState,
}

#[derive(Default)]
struct Remembered {
    current: HashMap<u64, Measured>,
    previous: HashMap<u64, Measured>,
}

struct Measured {
    text: Box<str>,
    size: u32,
    width: u32,
    result: (f32, f32),
}

/// The `width` of a remembered widest word (no wrap width is NaN's bits).
const WIDEST_WORD: u32 = u32::MAX;
const NO_WRAP: u32 = u32::MAX - 1;

impl std::fmt::Debug for FontMeasurer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontMeasurer").field("remembered", &self.remembered()).finish()
    }
}

impl Default for FontMeasurer {
    fn default() -> Self {
        Self {
            text: Mutex::new(trellis_text::Measurer::default()),
            remembered: Mutex::new(Remembered::default()),
            keys: foldhash::fast::RandomState::default(),
        }
    }
}

impl FontMeasurer {
    /// Measurements in one generation of the memory.
    pub const GENERATION: usize = 65_536;

    /// The measurer the whole process shares: one font system, and one
    /// memory of measurements for every document open.
    pub fn shared() -> Arc<FontMeasurer> {
        static SHARED: OnceLock<Arc<FontMeasurer>> = OnceLock::new();
        SHARED.get_or_init(|| Arc::new(FontMeasurer::default())).clone()
    }

    fn remember(
        &self,
        text: &str,
        size: f32,
        width: u32,
        compute: impl FnOnce(&mut trellis_text::Measurer) -> (f32, f32),
    ) -> (f32, f32) {
        let size_bits = size.to_bits();
        let key = self.keys.hash_one((text, size_bits, width));
        let same = |m: &Measured| m.size == size_bits && m.width == width && *m.text == *text;
        {
            let mut memory = self.remembered.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(m) = memory.current.get(&key).filter(|m| same(m)) {
                return m.result;
            }
            if let Some(m) = memory.previous.remove(&key)
                && same(&m)
            {
                // Asked for again: it lives on into the current generation.
                let result = m.result;
                memory.insert(key, m);
                return result;
            }
        }
        let result = {
            let mut text = self.text.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            compute(&mut text)
        };
        let mut memory = self.remembered.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        memory.insert(key, Measured { text: text.into(), size: size_bits, width, result });
        result
    }
}

impl Remembered {
    fn insert(&mut self, key: u64, m: Measured) {
        if self.current.len() >= FontMeasurer::GENERATION {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(key, m);
    }
}

impl TextMeasurer for FontMeasurer {
    fn measure(&self, text: &str, font_size: f32, wrap_width: Option<f32>) -> (f32, f32) {
        if text.is_empty() {
            return (0.0, self.line_height(font_size));
        }
        let width = wrap_width.map_or(NO_WRAP, |w| w.max(0.0).to_bits());
        self.remember(text, font_size, width, |m| {
            let (w, h) = m.measure(text, font_size, wrap_width);
            (layout_unit_ceil(w), h)
        })
    }

    fn widest_word(&self, text: &str, font_size: f32) -> f32 {
        self.remember(text, font_size, WIDEST_WORD, |m| (layout_unit_ceil(m.widest_word(text, font_size)), 0.0)).0
    }

    fn id(&self) -> String {
        format!(
            "cosmic-text-0.19/2 font={}-light shaping=basic line_height={:?} widths=1/64-up",
            trellis_text::FONT_FAMILY,
            trellis_text::LINE_HEIGHT
        )
    }

    fn line_height(&self, font_size: f32) -> f32 {
        font_size * trellis_text::LINE_HEIGHT
    }

    fn remembered(&self) -> usize {
        let memory = self.remembered.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        memory.current.len() + memory.previous.len()
    }
}

/// A text's width as a browser lays it out: in whole 1/64 px (Chromium's
/// layout unit), rounded up. A box sized to a text's exact width then
/// holds it in Chromium too, where it would otherwise be a fraction of a
/// layout unit short, and a wrapping row there moved the text to its own
/// line (random design 20).
fn layout_unit_ceil(width: f32) -> f32 {
    (width * 64.0).ceil() / 64.0
}

/// The measurer a journal names by its [`TextMeasurer::id`], if this build
/// has it: the real one, or a fixed-advance one with the parameters the
/// id gives.
pub fn measurer_for_id(id: &str) -> Option<Arc<dyn TextMeasurer>> {
    let real = FontMeasurer::shared();
    if real.id() == id {
        return Some(real);
    }
    let rest = id.strip_prefix("fixed-advance/2 advance=")?;
    let (advance, line_height) = rest.split_once(" line_height=")?;
    let m = FixedAdvanceMeasurer { advance: advance.parse().ok()?, line_height: line_height.parse().ok()? };
    // A journal is input: NaN, infinite, negative or absurd ems would lay
    // every text out at sizes no design can hold.
    let sane = |v: f32| (0.01..=10.0).contains(&v);
    (sane(m.advance) && sane(m.line_height) && m.id() == id).then(|| Arc::new(m) as Arc<dyn TextMeasurer>)
}

/// Space around a control's text (buttons, inputs), in design pixels.
const CONTROL_PAD_X: f32 = 12.0;
const CONTROL_PAD_Y: f32 = 6.0;
/// Size of a checkbox or radio mark, and the gap to its label.
const MARK: f32 = 16.0;
const MARK_GAP: f32 = 8.0;
/// Height of the tab bar above a tabs widget's pages.
pub const TAB_BAR_HEIGHT: f32 = 32.0;

/// The width and height of an image whose size is auto, whatever its
/// picture: a design lays out the same before its image loads.
pub const IMAGE_NATURAL_SIZE: f32 = 64.0;

/// The intrinsic size of a widget that is not a container laid out by
/// its children (leaves, and containers as a fallback).
pub(crate) fn leaf_size(w: &WidgetRef<'_>, measurer: &dyn TextMeasurer) -> (f32, f32) {
    let font = w.number(PropKey::FontSize);
    let text = |t: &str| measurer.measure(t, font, None);
    let line = measurer.line_height(font).max(font);
    let widest_item = || w.items().iter().map(|i| text(i).0).fold(0.0, f32::max);
    match w.kind() {
        WidgetKind::Label => {
            let (tw, th) = text(w.text(PropKey::Text));
            (tw, th.max(line))
        }
        WidgetKind::Button => {
            let (tw, th) = text(w.text(PropKey::Text));
            (tw + 2.0 * CONTROL_PAD_X, th.max(line) + 2.0 * CONTROL_PAD_Y)
        }
        WidgetKind::TextInput | WidgetKind::Dropdown => {
            let content = text(w.text(PropKey::Text)).0.max(text(w.text(PropKey::Placeholder)).0).max(widest_item());
            (
                content.max(8.0 * font)
                    + 2.0 * CONTROL_PAD_X
                    + if w.kind() == WidgetKind::Dropdown { MARK } else { 0.0 },
                line + 2.0 * CONTROL_PAD_Y,
            )
        }
        WidgetKind::TextArea => {
            let (tw, th) = text(w.text(PropKey::Text));
            (tw.max(12.0 * font) + 2.0 * CONTROL_PAD_X, th.max(4.0 * line) + 2.0 * CONTROL_PAD_Y)
        }
        WidgetKind::Checkbox | WidgetKind::Toggle => {
            let mark = if w.kind() == WidgetKind::Toggle { 2.0 * MARK } else { MARK };
            let (tw, th) = text(w.text(PropKey::Text));
            (mark + if tw > 0.0 { MARK_GAP + tw } else { 0.0 }, th.max(line).max(MARK))
        }
        WidgetKind::RadioGroup => {
            let rows = w.items().len().max(1) as f32;
            (MARK + MARK_GAP + widest_item(), rows * line.max(MARK) + (rows - 1.0) * 4.0)
        }
        WidgetKind::List => {
            let rows = w.items().len().clamp(1, 8) as f32;
            (widest_item().max(6.0 * font) + 2.0 * CONTROL_PAD_X, rows * (line + 4.0))
        }
        WidgetKind::Slider => (10.0 * font, MARK + 4.0),
        WidgetKind::ProgressBar => (10.0 * font, 8.0),
        WidgetKind::Image => (IMAGE_NATURAL_SIZE, IMAGE_NATURAL_SIZE),
        WidgetKind::Separator => (32.0, 1.0),
        WidgetKind::Spacer => (0.0, 0.0),
        WidgetKind::Window => (640.0, 480.0),
        WidgetKind::Panel
        | WidgetKind::Row
        | WidgetKind::Column
        | WidgetKind::Grid
        | WidgetKind::ScrollArea
        | WidgetKind::Tabs => (0.0, 0.0),
    }
}

/// Whether a widget's text wraps to the width it is given (so that its
/// height depends on its width): labels, as a paragraph in CSS. Controls
/// keep their text on one line (`white-space: nowrap` in CSS).
pub(crate) fn wraps(kind: WidgetKind) -> bool {
    kind == WidgetKind::Label
}

/// The size of a label: each dimension as `known` gives it, its width
/// otherwise from the `available` width as CSS sizes a block that shrinks
/// to fit (the space, but no wider than its text on one line and no
/// narrower than its widest word), and its height what its lines take at
/// that width.
pub(crate) fn label_size(
    w: &WidgetRef<'_>,
    measurer: &dyn TextMeasurer,
    known: (Option<f32>, Option<f32>),
    available: AvailableSpace,
) -> (f32, f32) {
    let font = w.number(PropKey::FontSize);
    let text = w.text(PropKey::Text);
    let line = measurer.line_height(font).max(font);
    let one_line = measurer.measure(text, font, None);
    let width = known.0.unwrap_or_else(|| match available {
        AvailableSpace::MinContent => measurer.widest_word(text, font),
        AvailableSpace::MaxContent => one_line.0,
        AvailableSpace::Definite(space) => space.min(one_line.0).max(measurer.widest_word(text, font)),
    });
    let height = known.1.unwrap_or_else(|| {
        // At its one-line width (or wider) a text is on one line, whatever
        // the last bit of float rounding of a wrap would say.
        let (_, h) = if width >= one_line.0 { one_line } else { measurer.measure(text, font, Some(width)) };
        h.max(line)
    });
    (width, height)
}

/// The inset from a container's border box to its content box.
pub(crate) fn inset(w: &WidgetRef<'_>) -> f32 {
    w.number(PropKey::Padding) + w.number(PropKey::BorderWidth)
}

/// Clamps a length to the widget's min and max.
pub(crate) fn clamp_size(w: &WidgetRef<'_>, size: (f32, f32)) -> (f32, f32) {
    let clamp = |v: f32, min: PropKey, max: PropKey| {
        let v = w.length(max).map_or(v, |m| v.min(m));
        w.length(min).map_or(v, |m| v.max(m))
    };
    (clamp(size.0, PropKey::MinWidth, PropKey::MaxWidth), clamp(size.1, PropKey::MinHeight, PropKey::MaxHeight))
}

/// The size a widget takes when its width or height is auto and nothing
/// stretches it: its explicit size where given, its content's otherwise.
/// Containers sum or enclose their visible children.
/// `boxes` holds what earlier passes measured of each leaf.
pub(crate) fn natural_size(doc: &Document, id: WidgetId, measurer: &dyn TextMeasurer, boxes: &Boxes) -> (f32, f32) {
    natural_size_within(doc, id, measurer, boxes, AvailableSpace::MaxContent)
}

/// The geometry's boxes, where leaves keep their measured size.
pub(crate) type Boxes = slotmap::SecondaryMap<WidgetId, crate::layout::WidgetBox>;

/// [`natural_size`] of a widget given `available` width: a label wraps
/// to fit it (CSS shrink-to-fit), everything else ignores it.
pub(crate) fn natural_size_within(
    doc: &Document,
    id: WidgetId,
    measurer: &dyn TextMeasurer,
    boxes: &Boxes,
    available: AvailableSpace,
) -> (f32, f32) {
    let w = doc.widget(id).expect("measured widgets are in the document");
    let (ew, eh) = (w.length(PropKey::Width), w.length(PropKey::Height));
    if let (Some(width), Some(height)) = (ew, eh) {
        return clamp_size(&w, (width, height));
    }
    if w.kind() == WidgetKind::Label {
        // CSS: the width first (clamped), then the height its lines need at it.
        let width = ew.unwrap_or_else(|| label_size(&w, measurer, (None, None), available).0);
        let width = clamp_size(&w, (width, 0.0)).0;
        let height = eh.unwrap_or_else(|| label_size(&w, measurer, (Some(width), None), available).1);
        return clamp_size(&w, (width, height));
    }
    let content = content_size(doc, id, measurer, boxes);
    clamp_size(&w, (ew.unwrap_or(content.0), eh.unwrap_or(content.1)))
}

/// What a widget's content needs, whatever size it is given: a leaf's
/// text and marks (its size on one line), an absolute container's
/// children's extent plus its padding and border. This is CSS's content
/// size (a flex or grid item's automatic minimum comes from it, not from
/// an explicit width), where [`natural_size`] is the widget's own size.
pub(crate) fn content_size(doc: &Document, id: WidgetId, measurer: &dyn TextMeasurer, boxes: &Boxes) -> (f32, f32) {
    let w = doc.widget(id).expect("measured widgets are in the document");
    if w.kind().is_container() {
        container_content(doc, &w, measurer, boxes)
    } else if let Some(b) = boxes.get(id) {
        b.natural.get().unwrap_or_else(|| {
            let size = leaf_size(&w, measurer);
            b.natural.set(Some(size));
            size
        })
    } else {
        leaf_size(&w, measurer)
    }
}

pub(crate) fn container_content(
    doc: &Document,
    w: &WidgetRef<'_>,
    measurer: &dyn TextMeasurer,
    boxes: &Boxes,
) -> (f32, f32) {
    let pad = 2.0 * inset(w);
    let gap = w.number(PropKey::Gap);
    let children: Vec<(f32, f32, f32, f32)> = w
        .children()
        .iter()
        .filter_map(|c| doc.widget(*c))
        .filter(|c| c.flag(PropKey::Visible))
        .map(|c| {
            let (cw, ch) = natural_size(doc, c.id(), measurer, boxes);
            (c.number(PropKey::X), c.number(PropKey::Y), cw, ch)
        })
        .collect();
    let n = children.len() as f32;
    let gaps = (n - 1.0).max(0.0) * gap;
    let (cw, ch) = match (w.kind(), w.layout()) {
        (WidgetKind::Tabs, _) => {
            // Each page's children sit at their offset below the bar, as
            // in an absolute container.
            let (pw, ph) = children.iter().fold((0.0f32, 0.0f32), |(a, b), c| (a.max(c.0 + c.2), b.max(c.1 + c.3)));
            (pw, ph + TAB_BAR_HEIGHT)
        }
        (_, LayoutMode::Absolute) => {
            children.iter().fold((0.0f32, 0.0f32), |(a, b), c| (a.max(c.0 + c.2), b.max(c.1 + c.3)))
        }
        (_, LayoutMode::Row) => {
            (children.iter().map(|c| c.2).sum::<f32>() + gaps, children.iter().map(|c| c.3).fold(0.0, f32::max))
        }
        (_, LayoutMode::Column) => {
            (children.iter().map(|c| c.2).fold(0.0, f32::max), children.iter().map(|c| c.3).sum::<f32>() + gaps)
        }
        (_, LayoutMode::Grid) => {
            let columns = w.tracks(PropKey::GridColumns).len().max(1);
            let rows = children.len().div_ceil(columns) as f32;
            let widest = children.iter().map(|c| c.2).fold(0.0, f32::max);
            let tallest = children.iter().map(|c| c.3).fold(0.0, f32::max);
            (columns as f32 * widest + (columns as f32 - 1.0) * gap, rows * tallest + (rows - 1.0).max(0.0) * gap)
        }
    };
    (cw + pad, ch + pad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use trellis_model::{Command, PropValue, WidgetTree};

    #[test]
    fn fixed_advance_measures_lines_and_width() {
        let m = FixedAdvanceMeasurer::default();
        assert_eq!(m.measure("abcd", 10.0, None), (20.0, 12.5));
        assert_eq!(m.measure("ab\nabcdef", 10.0, None), (30.0, 25.0));
        // Wrapped at 6 characters: "ab cd" then "efgh", and "ijklmnop" broken.
        assert_eq!(m.measure("ab cd efgh", 10.0, Some(30.0)), (25.0, 25.0));
        assert_eq!(m.measure("ijklmnop", 10.0, Some(30.0)), (30.0, 25.0));
        assert_eq!(m.widest_word("ab cdef g", 10.0), 20.0);
    }

    #[test]
    fn fixed_advance_ids_differ_exactly_when_the_numbers_do() {
        let m = FixedAdvanceMeasurer::default();
        assert_eq!(m.id(), "fixed-advance/2 advance=0.5 line_height=1.25");
        assert_eq!(m.id(), FixedAdvanceMeasurer::default().id());
        assert_ne!(m.id(), FixedAdvanceMeasurer { advance: 0.6, ..m }.id());
        assert_ne!(m.id(), FixedAdvanceMeasurer { line_height: 1.5, ..m }.id());
    }

    /// Random design 20: a label exactly as wide as its wrapping row went
    /// to the next line in Chromium, which counts a text's width in whole
    /// 1/64 px, rounded up.
    #[test]
    fn the_font_measurer_gives_widths_in_whole_layout_units_rounded_up() {
        let m = FontMeasurer::default();
        let mut raw = trellis_text::Measurer::default();
        for text in ["over Settings Settings long-hyphenated-word brown", "Back", "Ünïcödé il il", "WWW"] {
            for (size, wrap) in [(14.0, None), (13.5, Some(60.0)), (17.25, None)] {
                let (w, h) = m.measure(text, size, wrap);
                let (exact, exact_h) = raw.measure(text, size, wrap);
                assert_eq!((w * 64.0).fract(), 0.0, "{text:?} at {size}: {w}");
                assert!(w >= exact && w - exact < 1.0 / 64.0, "{text:?}: {w} for {exact}");
                assert_eq!(h, exact_h, "heights as measured");
            }
            let word = m.widest_word(text, 14.0);
            assert_eq!((word * 64.0).fract(), 0.0, "{text:?}: widest word {word}");
        }
    }

    #[test]
    fn the_font_measurer_remembers_each_text_once_and_forgets_a_generation_later() {
        let m = FontMeasurer::default();
        let a = m.measure("Remember me", 14.0, None);
        assert_eq!(m.remembered(), 1);
        assert_eq!(m.measure("Remember me", 14.0, None), a);
        assert_eq!(m.remembered(), 1, "a second ask is a lookup");
        let wrapped = m.measure("Remember me", 14.0, Some(a.0 / 2.0));
        assert!(wrapped.1 > a.1, "{wrapped:?} wraps");
        assert_eq!(m.remembered(), 2, "another width is another measurement");
        for i in 0..FontMeasurer::GENERATION {
            m.measure(&format!("text {i}"), 14.0, None);
        }
        // A generation later "Remember me" is in the older generation, then gone.
        for i in 0..FontMeasurer::GENERATION {
            m.measure(&format!("other {i}"), 14.0, None);
        }
        assert!(m.remembered() <= 2 * FontMeasurer::GENERATION);
        let fresh = FontMeasurer::default();
        assert_eq!(m.measure("Remember me", 14.0, None), fresh.measure("Remember me", 14.0, None));
    }

    #[test]
    fn a_journal_names_the_measurer_it_replays_with() {
        let real = FontMeasurer::shared();
        assert_eq!(measurer_for_id(&real.id()).unwrap().id(), real.id());
        let wide = FixedAdvanceMeasurer { advance: 0.75, line_height: 1.5 };
        assert_eq!(measurer_for_id(&wide.id()).unwrap().measure("ab", 10.0, None), (15.0, 15.0));
        // Labels did not wrap under the first fixed-advance measurer.
        assert!(measurer_for_id(LEGACY_FIXED_ADVANCE_ID).is_none());
        assert!(measurer_for_id("fixed-advance/2 advance=x line_height=1").is_none());
        for hostile in ["NaN", "inf", "-0.5", "0.0", "1e30"] {
            let id = format!("fixed-advance/2 advance={hostile} line_height=1.25");
            assert!(measurer_for_id(&id).is_none(), "{id}");
        }
        assert!(measurer_for_id("cosmic-text/0").is_none());
    }

    #[test]
    fn real_text_is_proportional() {
        let m = FontMeasurer::shared();
        let (narrow, h) = m.measure("iiii", 14.0, None);
        let (wide, _) = m.measure("WWWW", 14.0, None);
        assert!(wide > 2.0 * narrow, "{wide} vs {narrow}");
        assert_eq!(h, 17.5);
        assert!(m.widest_word("a Wide word", 14.0) < m.measure("a Wide word", 14.0, None).0);
    }

    #[test]
    fn auto_sizes_follow_text_and_respect_min_and_max() {
        let mut doc = Document::new();
        let root = doc.root();
        let id = doc
            .execute(Command::Insert {
                parent: root,
                index: None,
                tree: WidgetTree::bare(WidgetKind::Button).with(PropKey::Text, PropValue::Text("Save".into())),
            })
            .unwrap()
            .created[0];
        let m = FixedAdvanceMeasurer::default();
        // 4 chars * 7 px + 24 padding; 17.5 line + 12 padding.
        assert_eq!(natural_size(&doc, id, &m, &Boxes::new()), (52.0, 29.5));
        doc.execute(Command::SetProperty {
            ids: vec![id],
            key: PropKey::MaxWidth,
            value: Some(PropValue::Number(40.0)),
        })
        .unwrap();
        assert_eq!(natural_size(&doc, id, &m, &Boxes::new()).0, 40.0);
    }
}
