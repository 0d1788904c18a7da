//! Property tests: the index answers exactly what a linear scan answers,
//! the incremental layout equals a full one, and the cache equals no cache,
//! for random designs, random edits and random queries.

use proptest::prelude::*;
use trellis_geometry::{FontMeasurer, Geometry, Marquee, Point, QueryCache, SnapQuery};
use trellis_model::{
    Command, Document, LayoutMode, PropKey, PropValue, Rect, WidgetId, WidgetKind, WidgetTree, generate,
};

#[derive(Clone, Debug)]
enum Edit {
    MoveBy {
        what: usize,
        dx: f32,
        dy: f32,
    },
    /// Every top-level widget by the same distance (a select-all nudge:
    /// the spatial indexes are refilled, or moved whole).
    MoveAll {
        dx: f32,
        dy: f32,
    },
    Resize {
        what: usize,
        w: u16,
        h: u16,
    },
    Insert {
        parent: usize,
        kind: usize,
    },
    Delete(usize),
    Reparent {
        what: usize,
        parent: usize,
        index: usize,
    },
    Toggle {
        what: usize,
        key: u8,
    },
    Layout {
        what: usize,
        mode: u8,
    },
    Text {
        what: usize,
        words: usize,
    },
    Undo,
}

fn edit() -> impl Strategy<Value = Edit> {
    let ix = 0usize..512;
    prop_oneof![
        3 => (ix.clone(), -300.0f32..300.0, -300.0f32..300.0).prop_map(|(what, dx, dy)| Edit::MoveBy { what, dx, dy }),
        1 => (-300.0f32..300.0, -300.0f32..300.0).prop_map(|(dx, dy)| Edit::MoveAll { dx, dy }),
        1 => (ix.clone(), 0u16..400, 0u16..300).prop_map(|(what, w, h)| Edit::Resize { what, w, h }),
        1 => (ix.clone(), 1usize..WidgetKind::ALL.len()).prop_map(|(parent, kind)| Edit::Insert { parent, kind }),
        1 => ix.clone().prop_map(Edit::Delete),
        1 => (ix.clone(), ix.clone(), 0usize..6).prop_map(|(what, parent, index)| Edit::Reparent { what, parent, index }),
        1 => (ix.clone(), 0u8..3).prop_map(|(what, key)| Edit::Toggle { what, key }),
        1 => (ix.clone(), 0u8..4).prop_map(|(what, mode)| Edit::Layout { what, mode }),
        2 => (ix, 0usize..40).prop_map(|(what, words)| Edit::Text { what, words }),
        1 => Just(Edit::Undo),
    ]
}

fn apply(doc: &mut Document, e: &Edit) {
    let ids: Vec<WidgetId> = doc.iter().map(|w| w.id()).collect();
    let pick = |i: usize| ids[i % ids.len()];
    let _ = match e.clone() {
        Edit::MoveBy { what, dx, dy } => {
            let w = doc.widget(pick(what)).unwrap();
            let (x, y) = (w.number(PropKey::X) + dx, w.number(PropKey::Y) + dy);
            doc.execute(Command::SetProperties {
                id: w.id(),
                values: vec![(PropKey::X, Some(PropValue::Number(x))), (PropKey::Y, Some(PropValue::Number(y)))],
            })
        }
        Edit::MoveAll { dx, dy } => {
            let commands = doc
                .children(doc.root())
                .iter()
                .filter_map(|id| doc.widget(*id))
                .map(|w| {
                    let at = |k: PropKey, d: f32| (k, Some(PropValue::Number(w.number(k) + d)));
                    Command::SetProperties { id: w.id(), values: vec![at(PropKey::X, dx), at(PropKey::Y, dy)] }
                })
                .collect();
            doc.execute_all("Nudge", commands)
        }
        Edit::Resize { what, w, h } => {
            let id = pick(what);
            let f = doc.widget(id).unwrap().frame();
            doc.execute(Command::SetFrame { id, frame: Rect::new(f.x, f.y, w.into(), h.into()) })
        }
        Edit::Insert { parent, kind } => doc.execute(Command::Insert {
            parent: pick(parent),
            index: None,
            tree: WidgetTree::palette(WidgetKind::ALL[kind]).at(f32::from((parent * 37 % 500) as u16), 20.0),
        }),
        Edit::Delete(i) => doc.execute(Command::Delete { ids: vec![pick(i)] }),
        Edit::Reparent { what, parent, index } => {
            doc.execute(Command::Move { ids: vec![pick(what)], parent: pick(parent), index: Some(index) })
        }
        Edit::Toggle { what, key } => {
            let id = pick(what);
            let key = [PropKey::Visible, PropKey::Locked, PropKey::Wrap][key as usize];
            let now = doc.widget(id).unwrap().flag(key);
            doc.execute(Command::SetProperty { ids: vec![id], key, value: Some(PropValue::Bool(!now)) })
        }
        Edit::Layout { what, mode } => doc.execute(Command::SetProperty {
            ids: vec![pick(what)],
            key: PropKey::Layout,
            value: Some(PropValue::Layout(LayoutMode::ALL[mode as usize])),
        }),
        Edit::Text { what, words } => {
            // Enough words to wrap in most boxes, on any widget with a text.
            let id = pick(what);
            if !doc.widget(id).unwrap().kind().has(PropKey::Text) {
                return;
            }
            let text = (0..words)
                .map(|i| ["a", "wrapping", "label", "Wide", "words", "i"][i % 6])
                .collect::<Vec<_>>()
                .join(" ");
            doc.execute(Command::SetProperty { ids: vec![id], key: PropKey::Text, value: Some(PropValue::Text(text)) })
        }
        Edit::Undo => doc.undo().map(|_| Default::default()),
    };
}

fn geometry(doc: &Document) -> Geometry {
    // The real measurer: labels wrap, so a width decides a height.
    Geometry::new(doc, FontMeasurer::shared())
}

fn points(bounds: Rect, seeds: &[(u16, u16)]) -> Vec<Point> {
    seeds
        .iter()
        .map(|(a, b)| {
            Point::new(
                bounds.x - 20.0 + f32::from(*a) / 65535.0 * (bounds.w + 40.0),
                bounds.y - 20.0 + f32::from(*b) / 65535.0 * (bounds.h + 40.0),
            )
        })
        .collect()
}

proptest! {
    // `PROPTEST_CASES` where set: a hunt for rarer cases by hand.
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48), ..ProptestConfig::default() })]

    #[test]
    fn incremental_layout_equals_a_full_layout(widgets in 2usize..1600, seed in any::<u64>(), edits in prop::collection::vec(edit(), 1..25), batch in 1usize..5) {
        let mut doc = generate(widgets, seed);
        let mut g = geometry(&doc);
        for (i, e) in edits.iter().enumerate() {
            apply(&mut doc, e);
            if i % batch == 0 {
                g.update(&doc);
            }
        }
        g.update(&doc);
        let fresh = Geometry::without_memo(&doc, FontMeasurer::shared());
        prop_assert_eq!(g.len(), doc.len());
        for w in doc.iter() {
            prop_assert_eq!(g.rect(w.id()), fresh.rect(w.id()), "{} {}", w.name(), w.kind());
            prop_assert_eq!(g.visible_rect(w.id()), fresh.visible_rect(w.id()));
            prop_assert_eq!(g.is_hidden(w.id()), fresh.is_hidden(w.id()));
            prop_assert_eq!(g.is_locked(w.id()), fresh.is_locked(w.id()));
        }
        // Z-order too: the same widget answers at every point.
        let seeds: Vec<(u16, u16)> = (0..64u32).map(|i| ((i * 7919 % 65536) as u16, (i * 104_729 % 65536) as u16)).collect();
        for p in points(g.bounds(), &seeds) {
            prop_assert_eq!(g.hit_test(p), fresh.hit_test(p));
        }
    }

    #[test]
    fn the_island_memo_never_changes_a_layout(widgets in 2usize..1200, seed in any::<u64>(), edits in prop::collection::vec(edit(), 0..25)) {
        let mut doc = generate(widgets, seed);
        let mut with_memo = geometry(&doc);
        for e in &edits {
            apply(&mut doc, e);
            with_memo.update(&doc);
        }
        let without = Geometry::without_memo(&doc, FontMeasurer::shared());
        for w in doc.iter() {
            prop_assert_eq!(with_memo.rect(w.id()), without.rect(w.id()), "{} {}", w.name(), w.kind());
        }
    }

    #[test]
    fn the_index_answers_what_a_linear_scan_answers(
        widgets in 2usize..1600,
        seed in any::<u64>(),
        edits in prop::collection::vec(edit(), 0..15),
        seeds in prop::collection::vec((any::<u16>(), any::<u16>()), 1..30),
        size in (1u16..600, 1u16..600),
    ) {
        let mut doc = generate(widgets, seed);
        let mut g = geometry(&doc);
        for e in &edits {
            apply(&mut doc, e);
            g.update(&doc);
        }
        let ids: Vec<WidgetId> = doc.iter().map(|w| w.id()).collect();
        for (i, p) in points(g.bounds(), &seeds).into_iter().enumerate() {
            prop_assert_eq!(g.hit_test(p), g.hit_test_linear(p));
            let dragged = [ids[(i * 7) % ids.len()]];
            prop_assert_eq!(g.drop_target(&doc, p, &dragged), g.drop_target_linear(&doc, p, &dragged));
            let rect = Rect::new(p.x, p.y, f32::from(size.0), f32::from(size.1));
            for mode in [Marquee::Inside, Marquee::Touching] {
                prop_assert_eq!(g.marquee(rect, mode), g.marquee_linear(rect, mode));
            }
            let moving = ids[(i * 13 + 1) % ids.len()];
            let parent = doc.parent(moving).unwrap_or(doc.root());
            let q = SnapQuery { rect, moving: &[moving], parent, threshold_px: 8.0, zoom: 0.5 + (i % 4) as f32 * 0.5, grid: (i % 3 == 0).then_some(8.0) };
            prop_assert_eq!(g.snap(&doc, &q), g.snap_linear(&doc, &q));
        }
    }

    #[test]
    fn cached_queries_answer_what_uncached_ones_do(
        widgets in 2usize..300,
        seed in any::<u64>(),
        start in (any::<u16>(), any::<u16>()),
        steps in prop::collection::vec((-12i8..12, -12i8..12), 1..80),
        edit_every in 5usize..40,
        edits in prop::collection::vec(edit(), 0..6),
    ) {
        let mut doc = generate(widgets, seed);
        let mut g = geometry(&doc);
        let mut cache = QueryCache::new();
        let mut p = points(g.bounds(), &[start])[0];
        let dragged = [doc.iter().nth(widgets / 2).unwrap().id()];
        let mut edits = edits.into_iter();
        for (i, (dx, dy)) in steps.into_iter().enumerate() {
            if i % edit_every == edit_every - 1 && let Some(e) = edits.next() {
                apply(&mut doc, &e);
                g.update(&doc);
            }
            p = Point::new(p.x + f32::from(dx) * 0.75, p.y + f32::from(dy) * 0.75);
            prop_assert_eq!(cache.hit_test(&g, p), g.hit_test(p));
            let dragged: Vec<_> = dragged.iter().copied().filter(|d| doc.contains(*d)).collect();
            prop_assert_eq!(cache.drop_target(&g, &doc, p, &dragged), g.drop_target(&doc, p, &dragged));
        }
    }
}

/// The shrunk case the property test found at 20,000 cases: the window
/// made a row, whose cards shrink to fit it, except as far as their
/// content holds them (their automatic minimum); a row moved within a card
/// in the same update as a label deleted in another card. The layout of
/// the deleted label's island took in the whole row, before the move was
/// seen to change what that card measures, and taffy kept its old
/// measure: the card came out 290 px wide where a fresh layout makes it
/// 300. Updated after each edit, it was right.
#[test]
fn a_move_in_the_same_update_as_a_layout_around_it_is_measured_again() {
    let edits = [
        Edit::Delete(219),
        Edit::Delete(231),
        Edit::Layout { what: 0, mode: 1 },
        Edit::Reparent { what: 217, parent: 37, index: 0 },
        Edit::Delete(113),
        Edit::MoveBy { what: 408, dx: 139.63557, dy: 0.0 },
    ];
    let mut doc = generate(420, 0);
    let mut g = geometry(&doc);
    for (i, e) in edits.iter().enumerate() {
        apply(&mut doc, e);
        if i % 3 == 0 {
            g.update(&doc);
        }
    }
    g.update(&doc);
    let fresh = Geometry::without_memo(&doc, FontMeasurer::shared());
    for w in doc.iter() {
        assert_eq!(g.rect(w.id()), fresh.rect(w.id()), "{} {}", w.name(), w.kind());
    }
}

/// The shrunk case the editor's session property test found at 21,000
/// cases: a card moved into another card's row, a button of it grouped
/// in a panel of unset size (the panel an item of the card's own row),
/// then the button nudged a pixel left. The nudge laid out again from the
/// outer row, whose island was built anew, but the card's island, nested
/// in it, kept what taffy had measured of the panel: 72 px wide where a
/// fresh layout makes it 71, and the button after it a pixel off.
#[test]
fn a_nudge_in_a_group_of_unset_size_nested_two_rows_deep_is_measured_again() {
    use trellis_model::{Command, PropKey, PropValue, WidgetKind};
    let mut doc = generate(110, 0);
    let mut g = geometry(&doc);
    let named = |doc: &Document, name: &str| doc.find(name).unwrap_or_else(|| panic!("{name} in the design"));
    let (card, row) = (named(&doc, "card_1"), named(&doc, "row"));
    doc.execute(Command::Move { ids: vec![card], parent: row, index: None }).unwrap();
    g.update(&doc);
    let button = named(&doc, "button_2");
    doc.execute(Command::Group { ids: vec![button], kind: WidgetKind::Panel }).unwrap();
    g.update(&doc);
    let x = doc.widget(button).unwrap().number(PropKey::X) - 1.0;
    doc.execute(Command::SetProperties { id: button, values: vec![(PropKey::X, Some(PropValue::Number(x)))] }).unwrap();
    g.update(&doc);
    let fresh = Geometry::without_memo(&doc, FontMeasurer::shared());
    for w in doc.iter() {
        assert_eq!(g.rect(w.id()), fresh.rect(w.id()), "{} {}", w.name(), w.kind());
    }
}
