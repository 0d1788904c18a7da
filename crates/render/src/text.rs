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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use trellis_geometry::{FontMeasurer, Geometry};
    use trellis_model::{Command, Document, PropKey, PropValue, WidgetKind, WidgetTree};

    use super::*;

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
