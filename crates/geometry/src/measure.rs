//! Intrinsic sizes: how big a widget wants to be when its width or height
//! is `auto`. Text metrics come from a [`TextMeasurer`] so that the renderer
//! can plug in real font metrics; tests use [`FixedAdvanceMeasurer`].

use trellis_model::{Document, LayoutMode, PropKey, WidgetId, WidgetKind, WidgetRef};

/// Measures text. Implementations must be deterministic: the same text and
/// size always give the same answer (layout caches rely on it).
pub trait TextMeasurer: Send + Sync {
    /// The size of `text` set at `font_size`, on one line per `\n`.
    fn measure(&self, text: &str, font_size: f32) -> (f32, f32);

    /// What this measurer computes, as `name/version` followed by any
    /// parameters that change its numbers: two measurers with the same id
    /// must measure every text alike. A session journal records it, so a
    /// replay can refuse to lay text out differently from the session it
    /// replays; bump the version whenever the numbers change.
    fn id(&self) -> String;
}

/// Every character advances the same fraction of the font size: exact,
/// portable numbers for tests and benchmarks.
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

impl TextMeasurer for FixedAdvanceMeasurer {
    fn measure(&self, text: &str, font_size: f32) -> (f32, f32) {
        let mut lines = 0usize;
        let mut widest = 0usize;
        for line in text.split('\n') {
            lines += 1;
            widest = widest.max(line.chars().count());
        }
        (widest as f32 * self.advance * font_size, lines as f32 * self.line_height * font_size)
    }

    fn id(&self) -> String {
        // `{:?}` prints an f32 so that it parses back to the same value.
        format!("fixed-advance/1 advance={:?} line_height={:?}", self.advance, self.line_height)
    }
}

/// Space around a control's text (buttons, inputs), in design pixels.
const CONTROL_PAD_X: f32 = 12.0;
const CONTROL_PAD_Y: f32 = 6.0;
/// Size of a checkbox or radio mark, and the gap to its label.
const MARK: f32 = 16.0;
const MARK_GAP: f32 = 8.0;
/// Height of the tab bar above a tabs widget's pages.
pub const TAB_BAR_HEIGHT: f32 = 32.0;

/// The intrinsic size of a widget that is not a container laid out by
/// its children (leaves, and containers as a fallback).
pub(crate) fn leaf_size(w: &WidgetRef<'_>, measurer: &dyn TextMeasurer) -> (f32, f32) {
    let font = w.number(PropKey::FontSize);
    let text = |t: &str| measurer.measure(t, font);
    let line = text("").1.max(font);
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
        WidgetKind::Image => (64.0, 64.0),
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
pub(crate) fn natural_size(doc: &Document, id: WidgetId, measurer: &dyn TextMeasurer) -> (f32, f32) {
    let w = doc.widget(id).expect("measured widgets are in the document");
    let (ew, eh) = (w.length(PropKey::Width), w.length(PropKey::Height));
    if let (Some(width), Some(height)) = (ew, eh) {
        return clamp_size(&w, (width, height));
    }
    let content = if w.kind().is_container() { container_content(doc, &w, measurer) } else { leaf_size(&w, measurer) };
    clamp_size(&w, (ew.unwrap_or(content.0), eh.unwrap_or(content.1)))
}

fn container_content(doc: &Document, w: &WidgetRef<'_>, measurer: &dyn TextMeasurer) -> (f32, f32) {
    let pad = 2.0 * inset(w);
    let gap = w.number(PropKey::Gap);
    let children: Vec<(f32, f32, f32, f32)> = w
        .children()
        .iter()
        .filter_map(|c| doc.widget(*c))
        .filter(|c| c.flag(PropKey::Visible))
        .map(|c| {
            let (cw, ch) = natural_size(doc, c.id(), measurer);
            (c.number(PropKey::X), c.number(PropKey::Y), cw, ch)
        })
        .collect();
    let n = children.len() as f32;
    let gaps = (n - 1.0).max(0.0) * gap;
    let (cw, ch) = match (w.kind(), w.layout()) {
        (WidgetKind::Tabs, _) => {
            let (pw, ph) = children.iter().fold((0.0f32, 0.0f32), |(a, b), c| (a.max(c.2), b.max(c.3)));
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
        assert_eq!(m.measure("abcd", 10.0), (20.0, 12.5));
        assert_eq!(m.measure("ab\nabcdef", 10.0), (30.0, 25.0));
    }

    #[test]
    fn fixed_advance_ids_differ_exactly_when_the_numbers_do() {
        let m = FixedAdvanceMeasurer::default();
        assert_eq!(m.id(), "fixed-advance/1 advance=0.5 line_height=1.25");
        assert_eq!(m.id(), FixedAdvanceMeasurer::default().id());
        assert_ne!(m.id(), FixedAdvanceMeasurer { advance: 0.6, ..m }.id());
        assert_ne!(m.id(), FixedAdvanceMeasurer { line_height: 1.5, ..m }.id());
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
        assert_eq!(natural_size(&doc, id, &m), (52.0, 29.5));
        doc.execute(Command::SetProperty {
            ids: vec![id],
            key: PropKey::MaxWidth,
            value: Some(PropValue::Number(40.0)),
        })
        .unwrap();
        assert_eq!(natural_size(&doc, id, &m).0, 40.0);
    }
}
