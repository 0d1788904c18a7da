//! The bundled demo design, and realistic designs of any size for benchmarks.

use crate::command::{Command, WidgetTree};
use crate::document::Document;
use crate::file::LoadError;
use crate::kind::WidgetKind;
use crate::property::{Align, Color, Justify, PropKey, PropValue, Track};

/// The bundled demo: a settings screen with a toolbar row, a sidebar
/// column, tabs and a form laid out in a grid (50 widgets).
pub const DEMO_JSON: &str = include_str!("../assets/demo.trellis.json");

/// The images the bundled demo refers to, by the relative path its image
/// widgets give: whoever writes the demo to a folder writes these beside
/// it, and whoever draws it from memory gives the renderer a folder
/// holding them.
pub const DEMO_IMAGES: &[(&str, &[u8])] = &[("avatar.png", include_bytes!("../assets/avatar.png"))];

/// Loads the bundled demo design.
pub fn demo_design() -> Document {
    Document::from_json_bytes(DEMO_JSON.as_bytes()).expect("the bundled demo design is valid (tested)")
}

/// Parses the bundled demo, reporting instead of panicking (for tests).
pub fn try_demo_design() -> Result<Document, LoadError> {
    Document::from_json_bytes(DEMO_JSON.as_bytes())
}

/// Widgets in one full card of a generated design.
pub const CARD_WIDGETS: usize = 18;
const CARD_W: f32 = 300.0;
const CARD_H: f32 = 240.0;
const CARD_GAP: f32 = 20.0;

/// A deterministic design of exactly `widgets` widgets (the root included,
/// at least 1): cards placed absolutely on a large window, each a panel
/// holding a header row, a form grid and a footer row, with a mix of kinds.
/// The same `widgets` and `seed` always give the same design.
pub fn generate(widgets: usize, seed: u64) -> Document {
    let widgets = widgets.clamp(1, crate::limits::MAX_WIDGETS);
    let mut doc = Document::new();
    let cards = (widgets - 1).div_ceil(CARD_WIDGETS);
    let columns = (cards as f64).sqrt().ceil().max(1.0) as usize;
    let rows = cards.div_ceil(columns).max(1);
    let size =
        |n: usize, cell: f32| (n as f32 * (cell + CARD_GAP) + CARD_GAP).clamp(400.0, crate::limits::MAX_COORDINATE);
    let root = doc.root();
    doc.execute(Command::SetProperties {
        id: root,
        values: vec![
            (PropKey::Width, Some(PropValue::Number(size(columns, CARD_W)))),
            (PropKey::Height, Some(PropValue::Number(size(rows, CARD_H)))),
            (PropKey::Text, Some(PropValue::Text(format!("Generated design ({widgets} widgets)")))),
        ],
    })
    .expect("valid window properties");
    let mut rng = Lcg(seed ^ 0x9e37_79b9_7f4a_7c15);
    let mut remaining = widgets - 1;
    let mut card = 0;
    while remaining > 0 {
        let budget = remaining.min(CARD_WIDGETS);
        let x = CARD_GAP + (card % columns) as f32 * (CARD_W + CARD_GAP);
        let y = CARD_GAP + (card / columns) as f32 * (CARD_H + CARD_GAP);
        let tree = card_tree(card, budget, &mut rng).at(x, y);
        debug_assert_eq!(tree.count(), budget);
        doc.execute(Command::Insert { parent: root, index: None, tree }).expect("generated cards are valid");
        remaining -= budget;
        card += 1;
    }
    doc.clear_history();
    doc.mark_saved();
    doc
}

/// A small deterministic generator: benchmarks need the same design every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn card_tree(card: usize, budget: usize, rng: &mut Lcg) -> WidgetTree {
    let n = |v: f32| PropValue::Number(v);
    let text = |t: String| PropValue::Text(t);
    let hue =
        [Color::rgb(255, 255, 255), Color::rgb(248, 250, 252), Color::rgb(240, 249, 255), Color::rgb(254, 252, 232)];
    let panel = WidgetTree::bare(WidgetKind::Panel)
        .named(format!("card_{card}"))
        .with(PropKey::Width, n(CARD_W))
        .with(PropKey::Height, n(CARD_H))
        .with(PropKey::Fill, PropValue::Color(hue[rng.pick(hue.len())]))
        .with(PropKey::BorderWidth, n(1.0))
        .with(PropKey::CornerRadius, n(8.0));
    let mut left = budget - 1;
    let take = |left: &mut usize, k: usize| {
        let t = k.min(*left);
        *left -= t;
        t
    };
    // Sections in order: header row (3 leaves), form grid (8), footer row (3);
    // a smaller budget cuts the card short.
    let mut sections = Vec::new();
    if left > 0 {
        let header_leaves = take(&mut left, 4) - 1;
        let mut row = WidgetTree::bare(WidgetKind::Row)
            .at(12.0, 12.0)
            .with(PropKey::Width, n(CARD_W - 24.0))
            .with(PropKey::Height, n(32.0))
            .with(PropKey::Gap, n(8.0))
            .with(PropKey::AlignItems, PropValue::Align(Align::Center));
        let leaves = [
            WidgetTree::bare(WidgetKind::Label)
                .with(PropKey::Text, text(format!("Card {card}")))
                .with(PropKey::Width, n(120.0)),
            WidgetTree::bare(WidgetKind::Spacer).with(PropKey::Grow, n(1.0)),
            WidgetTree::bare(WidgetKind::Toggle).with(PropKey::Width, n(48.0)).with(PropKey::Height, n(24.0)),
        ];
        row.children.extend(leaves.into_iter().take(header_leaves));
        sections.push(row);
    }
    if left > 0 {
        let form_leaves = take(&mut left, 9) - 1;
        let mut grid = WidgetTree::bare(WidgetKind::Grid)
            .at(12.0, 52.0)
            .with(PropKey::Width, n(CARD_W - 24.0))
            .with(PropKey::Height, n(128.0))
            .with(PropKey::Gap, n(6.0))
            .with(PropKey::GridColumns, PropValue::Tracks(vec![Track::Px(80.0), Track::Fr(1.0)]));
        let fields = ["Name", "Choice", "Level", "Option"];
        for i in 0..form_leaves {
            let leaf = if i % 2 == 0 {
                WidgetTree::bare(WidgetKind::Label)
                    .with(PropKey::Text, text(fields[i / 2].into()))
                    .with(PropKey::Height, n(24.0))
            } else {
                field_widget(i / 2, rng)
            };
            grid.children.push(leaf);
        }
        sections.push(grid);
    }
    if left > 0 {
        let footer_leaves = take(&mut left, 4) - 1;
        let mut row = WidgetTree::bare(WidgetKind::Row)
            .at(12.0, CARD_H - 48.0)
            .with(PropKey::Width, n(CARD_W - 24.0))
            .with(PropKey::Height, n(36.0))
            .with(PropKey::Gap, n(8.0))
            .with(PropKey::JustifyContent, PropValue::Justify(Justify::End))
            .with(PropKey::AlignItems, PropValue::Align(Align::Center));
        let leaves = [
            WidgetTree::bare(WidgetKind::ProgressBar)
                .with(PropKey::Grow, n(1.0))
                .with(PropKey::Height, n(8.0))
                .with(PropKey::Value, n(rng.pick(101) as f32)),
            WidgetTree::bare(WidgetKind::Button)
                .with(PropKey::Text, text("Cancel".into()))
                .with(PropKey::Width, n(72.0)),
            WidgetTree::bare(WidgetKind::Button).with(PropKey::Text, text("OK".into())).with(PropKey::Width, n(56.0)),
        ];
        row.children.extend(leaves.into_iter().take(footer_leaves));
        sections.push(row);
    }
    debug_assert_eq!(left, 0, "a card holds at most CARD_WIDGETS widgets");
    let mut panel = panel;
    panel.children = sections;
    panel
}

fn field_widget(field: usize, rng: &mut Lcg) -> WidgetTree {
    let n = |v: f32| PropValue::Number(v);
    let h = PropKey::Height;
    match (field, rng.pick(2)) {
        (0, 0) => WidgetTree::bare(WidgetKind::TextInput)
            .with(PropKey::Placeholder, PropValue::Text("Type here".into()))
            .with(h, n(28.0)),
        (0, _) => WidgetTree::bare(WidgetKind::TextArea).with(h, n(28.0)),
        (1, 0) => WidgetTree::bare(WidgetKind::Dropdown)
            .with(PropKey::Items, PropValue::Items(vec!["One".into(), "Two".into(), "Three".into()]))
            .with(PropKey::Selected, PropValue::Int(0))
            .with(h, n(28.0)),
        (1, _) => WidgetTree::bare(WidgetKind::List)
            .with(PropKey::Items, PropValue::Items(vec!["A".into(), "B".into()]))
            .with(h, n(28.0)),
        (2, 0) => WidgetTree::bare(WidgetKind::Slider).with(PropKey::Value, n(rng.pick(101) as f32)).with(h, n(20.0)),
        (2, _) => {
            WidgetTree::bare(WidgetKind::ProgressBar).with(PropKey::Value, n(rng.pick(101) as f32)).with(h, n(12.0))
        }
        (_, 0) => WidgetTree::bare(WidgetKind::Checkbox)
            .with(PropKey::Text, PropValue::Text("Enabled".into()))
            .with(h, n(20.0)),
        (_, _) => WidgetTree::bare(WidgetKind::Image)
            .with(PropKey::Image, PropValue::Text("avatar.png".into()))
            .with(h, n(28.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_designs_have_exactly_the_requested_size_and_are_deterministic() {
        for n in [1, 2, 3, 5, 18, 19, 20, 37, 100, 1000] {
            let doc = generate(n, 7);
            assert_eq!(doc.len(), n, "asked for {n}");
            assert_eq!(doc.live_counts().undo_entries, 0);
        }
        assert_eq!(generate(500, 1).content_hash(), generate(500, 1).content_hash());
        assert_ne!(generate(500, 1).content_hash(), generate(500, 2).content_hash());
    }

    /// The demo's images ship with it: no missing-image box in the demo.
    #[test]
    fn every_image_of_the_demo_is_bundled_and_is_a_png() {
        let demo = demo_design();
        let images: Vec<_> = demo.iter().filter(|w| w.kind() == WidgetKind::Image).collect();
        assert!(!images.is_empty());
        for w in images {
            let path = w.text(PropKey::Image);
            let bundled = DEMO_IMAGES.iter().find(|(p, _)| *p == path);
            let (_, bytes) = bundled.unwrap_or_else(|| panic!("{}: {path} is not bundled", w.name()));
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{path} is a PNG");
        }
    }

    /// A generated design's images are the demo's own, so that a benchmark
    /// or an editor on one draws them (it referred to an image nothing
    /// wrote, and every run on a generated design warned of it).
    #[test]
    fn every_image_of_a_generated_design_is_bundled() {
        let doc = generate(2000, 1);
        let images: Vec<_> = doc.iter().filter(|w| w.kind() == WidgetKind::Image).collect();
        assert!(!images.is_empty());
        for w in images {
            let path = w.text(PropKey::Image);
            assert!(DEMO_IMAGES.iter().any(|(p, _)| *p == path), "{}: {path} is not bundled", w.name());
        }
    }

    #[test]
    fn generated_designs_mix_kinds_and_nest() {
        let doc = generate(1000, 3);
        let kinds: std::collections::HashSet<_> = doc.iter().map(|w| w.kind()).collect();
        assert!(kinds.len() >= 12, "only {} kinds", kinds.len());
        assert_eq!(doc.iter().map(|w| doc.depth(w.id())).max(), Some(3));
    }
}
