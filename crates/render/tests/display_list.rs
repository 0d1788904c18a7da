//! The display list kept up to date edit by edit is the list built from
//! scratch, and every item it does not report as changed is exactly the
//! item it was (the GPU backend keeps those items' instances as they are).

use std::collections::HashMap;
use std::sync::Arc;

use proptest::prelude::*;
use trellis_geometry::{FixedAdvanceMeasurer, Geometry};
use trellis_model::{
    Change, Command, Document, PropKey, PropValue, Rect, Subscription, Theme, WidgetId, WidgetKind, WidgetTree, ZOrder,
    generate,
};
use trellis_render::{DisplayList, Item, Primitive};

#[derive(Clone, Debug)]
enum Action {
    Insert {
        parent: usize,
        kind: usize,
        index: usize,
    },
    /// A widget put after every other child (a paste, a palette drop).
    Append {
        parent: usize,
        kind: usize,
    },
    Delete(Vec<usize>),
    Move {
        what: usize,
        parent: usize,
        index: usize,
    },
    Reorder {
        what: usize,
        to: u8,
    },
    Duplicate(Vec<usize>),
    Group(Vec<usize>),
    Ungroup(usize),
    Show {
        what: usize,
        visible: bool,
    },
    Frame {
        what: usize,
        x: i16,
        y: i16,
    },
    /// Moves widgets by the same distance in thirds of a unit, whose sums
    /// round (a nudge of several, or of everything).
    Nudge {
        what: Vec<usize>,
        dx: i16,
        dy: i16,
    },
    Undo,
    Redo,
}

fn action() -> impl Strategy<Value = Action> {
    let ix = 0usize..400;
    prop_oneof![
        (ix.clone(), 0usize..WidgetKind::ALL.len(), 0usize..6).prop_map(|(parent, kind, index)| Action::Insert {
            parent,
            kind,
            index
        }),
        (ix.clone(), 0usize..WidgetKind::ALL.len()).prop_map(|(parent, kind)| Action::Append { parent, kind }),
        prop::collection::vec(ix.clone(), 1..4).prop_map(Action::Delete),
        (ix.clone(), ix.clone(), 0usize..6).prop_map(|(what, parent, index)| Action::Move { what, parent, index }),
        (ix.clone(), 0u8..4).prop_map(|(what, to)| Action::Reorder { what, to }),
        prop::collection::vec(ix.clone(), 1..3).prop_map(Action::Duplicate),
        prop::collection::vec(ix.clone(), 1..3).prop_map(Action::Group),
        ix.clone().prop_map(Action::Ungroup),
        (ix.clone(), any::<bool>()).prop_map(|(what, visible)| Action::Show { what, visible }),
        (ix.clone(), -50i16..50, -50i16..50).prop_map(|(what, x, y)| Action::Frame { what, x, y }),
        (prop::collection::vec(ix, 1..40), -90i16..90, -90i16..90).prop_map(|(what, dx, dy)| Action::Nudge {
            what,
            dx,
            dy
        }),
        Just(Action::Undo),
        Just(Action::Redo),
    ]
}

/// Runs one action; the model refuses what makes no sense.
fn run(doc: &mut Document, action: &Action) {
    let ids: Vec<WidgetId> = doc.iter().map(|w| w.id()).filter(|id| *id != doc.root()).collect();
    let containers: Vec<WidgetId> = doc.iter().filter(|w| w.kind().is_container()).map(|w| w.id()).collect();
    if ids.is_empty() {
        return;
    }
    let pick = |i: usize| ids[i % ids.len()];
    let container = |i: usize| containers[i % containers.len()];
    let _ = match action.clone() {
        Action::Insert { parent, kind, index } => doc.execute(Command::Insert {
            parent: container(parent),
            index: Some(index),
            tree: WidgetTree::palette(WidgetKind::ALL[kind]),
        }),
        Action::Append { parent, kind } => {
            // The root half the time: there the widget is over everything.
            let parent = if parent % 2 == 0 { doc.root() } else { container(parent) };
            doc.execute(Command::Insert { parent, index: None, tree: WidgetTree::palette(WidgetKind::ALL[kind]) })
        }
        Action::Delete(what) => doc.execute(Command::Delete { ids: what.into_iter().map(pick).collect() }),
        Action::Move { what, parent, index } => {
            doc.execute(Command::Move { ids: vec![pick(what)], parent: container(parent), index: Some(index) })
        }
        Action::Reorder { what, to } => doc.execute(Command::Reorder {
            ids: vec![pick(what)],
            to: [ZOrder::Forward, ZOrder::Backward, ZOrder::ToFront, ZOrder::ToBack][to as usize],
        }),
        Action::Duplicate(what) => {
            doc.execute(Command::Duplicate { ids: what.into_iter().map(pick).collect(), offset: (8.0, 8.0) })
        }
        Action::Group(what) => {
            doc.execute(Command::Group { ids: what.into_iter().map(pick).collect(), kind: WidgetKind::Panel })
        }
        Action::Ungroup(i) => doc.execute(Command::Ungroup { id: pick(i) }),
        Action::Show { what, visible } => doc.execute(Command::SetProperty {
            ids: vec![pick(what)],
            key: PropKey::Visible,
            value: Some(PropValue::Bool(visible)),
        }),
        Action::Frame { what, x, y } => {
            doc.execute(Command::SetFrame { id: pick(what), frame: Rect::new(x.into(), y.into(), 60.0, 30.0) })
        }
        Action::Nudge { what, dx, dy } => {
            let mut moved: Vec<WidgetId> = what.into_iter().map(pick).collect();
            moved.sort_unstable();
            moved.dedup();
            let commands = moved
                .iter()
                .map(|id| {
                    let w = doc.widget(*id).expect("picked from the document");
                    let at = |k: PropKey, d: i16| (k, Some(PropValue::Number(w.number(k) + f32::from(d) / 3.0)));
                    Command::SetProperties { id: *id, values: vec![at(PropKey::X, dx), at(PropKey::Y, dy)] }
                })
                .collect();
            doc.execute_all("Nudge", commands)
        }
        Action::Undo => doc.undo().map(|_| Default::default()),
        Action::Redo => doc.redo().map(|_| Default::default()),
    };
}

/// A layout whose updates say what they damaged, the document's changes
/// from here on, and the list built: what the canvas keeps up to date.
fn kept_up_to_date(doc: &Document, theme: &Theme) -> (Geometry, Subscription, DisplayList) {
    let mut geometry = Geometry::new(doc, Arc::new(FixedAdvanceMeasurer::default()));
    geometry.take_damage();
    let changes = doc.subscribe();
    let list = DisplayList::build(doc, &geometry, theme);
    (geometry, changes, list)
}

/// Brings the list up to date as the canvas does: the widgets the tree
/// changed around rebuild it, else each restyled widget is patched and
/// the moved ones followed (all at once, on two threads when `in_two`,
/// then those that did more than move one by one). The first item added
/// over every other, where the tree changed by that alone.
fn update(
    doc: &Document,
    geometry: &mut Geometry,
    changes: &Subscription,
    list: &mut DisplayList,
    theme: &Theme,
    in_two: bool,
) -> Option<usize> {
    geometry.update(doc);
    let mut restructured = Vec::new();
    let mut repaint = Vec::new();
    let mut moved = geometry.take_moved();
    let full = geometry.take_damage().is_none();
    for change in changes.drain() {
        match change {
            // The geometry lists what a new position moved.
            Change::Props { keys, .. } if keys.iter().all(|k| matches!(k, PropKey::X | PropKey::Y)) => {}
            Change::Props { id, .. } | Change::Renamed { id } => {
                if doc.contains(id) {
                    repaint.extend(doc.descendants(id));
                }
            }
            Change::Inserted { id, .. } | Change::Removed { id, .. } | Change::Moved { id, .. } => {
                restructured.push(id);
            }
            Change::Reset => {}
        }
    }
    if full {
        *list = DisplayList::build(doc, geometry, theme);
        return None;
    }
    restructured.sort_unstable();
    restructured.dedup();
    repaint.sort_unstable();
    repaint.dedup();
    moved.sort_unstable();
    moved.dedup();
    let changed: Vec<WidgetId> = repaint.iter().chain(&moved).copied().collect();
    if !restructured.is_empty() {
        return list.rebuild_noting_additions(doc, geometry, theme, &restructured, &changed).1;
    }
    for id in &repaint {
        if list.patch(doc, geometry, theme, *id).is_none() {
            list.rebuild(doc, geometry, theme, &[], &changed);
            return None;
        }
    }
    let mut regions = Vec::new();
    let moved: Vec<WidgetId> = moved.into_iter().filter(|id| repaint.binary_search(id).is_err()).collect();
    let many = list.follow_many(geometry.drawn_boxes(), &moved, in_two, &mut regions);
    for id in &many.rest {
        if list.follow(doc, geometry, theme, *id, &mut regions).is_none() {
            list.rebuild(doc, geometry, theme, &[], &changed);
            return None;
        }
    }
    None
}

proptest! {
    // `PROPTEST_CASES` where set: a hunt for rarer cases by hand.
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000), ..ProptestConfig::default() })]

    #[test]
    fn a_list_kept_up_to_date_is_the_list_built_anew(
        widgets in 20usize..300,
        seed in any::<u64>(),
        steps in prop::collection::vec(prop::collection::vec(action(), 1..4), 1..24),
    ) {
        let theme = Theme::LIGHT;
        let mut doc = generate(widgets, seed);
        let (mut geometry, changes, mut list) = kept_up_to_date(&doc, &theme);
        for (k, actions) in steps.iter().enumerate() {
            let before: HashMap<WidgetId, Item> = list.items.iter().map(|i| (i.widget, i.clone())).collect();
            let in_order = list.items.clone();
            let epoch = list.epoch();
            // Several inputs between two frames, as the canvas gathers them.
            for a in actions {
                run(&mut doc, a);
            }
            // Items said to be added over every other are drawn over the
            // canvas as it is: every item before them must be as it was.
            // Moves followed on two threads every other step.
            if let Some(first) = update(&doc, &mut geometry, &changes, &mut list, &theme, k % 2 == 1) {
                prop_assert_eq!(first, in_order.len(), "step {}: {:?}", k, actions);
                prop_assert!(first < list.items.len(), "step {}: {:?}: nothing added", k, actions);
                prop_assert!(list.items[..first] == in_order[..], "step {}: {:?}: an item under the new ones changed", k, actions);
            }
            let fresh = DisplayList::build(&doc, &geometry, &theme);
            // Moved items are moved by a sum, which rounds.
            let differs = list.first_difference(&fresh, 1e-5);
            prop_assert!(
                differs.is_none(),
                "step {}: {:?}: item {:?} is {:?}, built anew {:?}",
                k, actions, differs, differs.and_then(|i| list.items.get(i)), differs.and_then(|i| fresh.items.get(i))
            );
            if list.epoch() == epoch {
                let changed: std::collections::HashSet<usize> = list.take_changed().into_iter().collect();
                for (i, item) in list.items.iter().enumerate() {
                    if !changed.contains(&i) {
                        prop_assert_eq!(
                            before.get(&item.widget), Some(item),
                            "step {}: item {} changed without being reported: {:?}", k, i, actions
                        );
                    }
                }
            } else {
                list.take_changed();
            }
        }
    }
}

/// Two subtrees inserted at one place in the old list: the one ending the
/// deeper subtree comes first, whatever their places among siblings.
#[test]
fn insertions_at_one_place_go_deepest_first() {
    let theme = Theme::LIGHT;
    let mut doc = Document::new();
    let root = doc.root();
    let insert = |doc: &mut Document, parent: WidgetId, index: usize, kind: WidgetKind| {
        doc.execute(Command::Insert { parent, index: Some(index), tree: WidgetTree::palette(kind) }).unwrap().created[0]
    };
    let a = insert(&mut doc, root, 0, WidgetKind::Panel);
    let b = insert(&mut doc, a, 0, WidgetKind::Panel);
    let hidden: Vec<WidgetId> = (0..2).map(|i| insert(&mut doc, b, i, WidgetKind::Label)).collect();
    doc.execute(Command::SetProperty { ids: hidden, key: PropKey::Visible, value: Some(PropValue::Bool(false)) })
        .unwrap();
    let (mut geometry, changes, mut list) = kept_up_to_date(&doc, &theme);
    // The third child of the inner panel, then the second of the outer one.
    insert(&mut doc, b, 2, WidgetKind::Button);
    insert(&mut doc, a, 1, WidgetKind::Button);
    update(&doc, &mut geometry, &changes, &mut list, &theme, true);
    assert_eq!(list.items, DisplayList::build(&doc, &geometry, &theme).items);
}

/// A delete of widgets scattered over the list (a marquee across a grid
/// of cards takes a run of them from each row), its undo and redo, and a
/// duplicate of them among their siblings, then cuts and copies in one
/// frame: each cuts or inserts at a dozen places or more, in one pass
/// each way, and the list is the one built anew (each step finds its
/// items by the index the last one left).
#[test]
fn edits_at_many_places_at_once_keep_the_list_built_anew() {
    let theme = Theme::LIGHT;
    let mut doc = generate(2_000, 11);
    let (mut geometry, changes, mut list) = kept_up_to_date(&doc, &theme);
    let cards = doc.children(doc.root()).to_vec();
    // Three cards every twelve, and the first child of every fifth card.
    let mut scattered: Vec<WidgetId> = cards.iter().enumerate().filter(|(k, _)| k % 12 < 3).map(|(_, c)| *c).collect();
    scattered.extend(cards.iter().skip(1).step_by(5).filter_map(|c| doc.children(*c).first().copied()));
    let places = {
        let mut at: Vec<usize> =
            scattered.iter().filter_map(|w| list.items.iter().position(|i| i.widget == *w)).collect();
        at.sort_unstable();
        at.windows(2).filter(|w| w[1] > w[0] + 1).count() + 1
    };
    assert!(places >= 12, "the case this test is about: {places} places");
    let agrees = |list: &mut DisplayList, geometry: &Geometry, doc: &Document, step: &str| {
        assert_eq!(list.items, DisplayList::build(doc, geometry, &theme).items, "{step}");
        list.take_changed();
    };
    doc.execute(Command::Delete { ids: scattered.clone() }).unwrap();
    update(&doc, &mut geometry, &changes, &mut list, &theme, true);
    agrees(&mut list, &geometry, &doc, "deleted");
    doc.undo().unwrap();
    update(&doc, &mut geometry, &changes, &mut list, &theme, true);
    agrees(&mut list, &geometry, &doc, "undone");
    doc.redo().unwrap();
    update(&doc, &mut geometry, &changes, &mut list, &theme, true);
    agrees(&mut list, &geometry, &doc, "redone");
    doc.undo().unwrap();
    update(&doc, &mut geometry, &changes, &mut list, &theme, true);
    let kept: Vec<WidgetId> = scattered.iter().copied().filter(|w| doc.contains(*w)).collect();
    doc.execute(Command::Duplicate { ids: kept, offset: (8.0, 8.0) }).unwrap();
    update(&doc, &mut geometry, &changes, &mut list, &theme, true);
    agrees(&mut list, &geometry, &doc, "duplicated where they are");
    // Cuts and insertions in one splice: a run lands after several cuts.
    let cards = doc.children(doc.root()).to_vec();
    let cut: Vec<WidgetId> = cards.iter().step_by(4).copied().collect();
    let copied: Vec<WidgetId> = cards.iter().skip(2).step_by(9).copied().filter(|c| !cut.contains(c)).collect();
    doc.execute(Command::Delete { ids: cut }).unwrap();
    doc.execute(Command::Duplicate { ids: copied, offset: (8.0, 8.0) }).unwrap();
    update(&doc, &mut geometry, &changes, &mut list, &theme, true);
    agrees(&mut list, &geometry, &doc, "cut and duplicated at once");
}

/// Inserts `tree` as the last child of `parent`.
fn insert(doc: &mut Document, parent: WidgetId, tree: WidgetTree) -> WidgetId {
    doc.execute(Command::Insert { parent, index: None, tree }).unwrap().created[0]
}

/// A widget of `kind` at (`x`, `y`), `w` by `h`.
fn sized(kind: WidgetKind, x: f32, y: f32, w: f32, h: f32) -> WidgetTree {
    let n = |v: f32| PropValue::Number(v);
    WidgetTree::palette(kind).at(x, y).with(PropKey::Width, n(w)).with(PropKey::Height, n(h))
}

/// A panel scrolled out of view draws nothing, yet its child reaching
/// back into view does: the items after a widget's that are deeper are
/// then not all its subtree. Deleting the button before the panel, and
/// inserting one there, keep that child where a fresh list has it.
#[test]
fn a_child_drawn_under_a_parent_scrolled_out_of_view_stays_in_place() {
    let theme = Theme::LIGHT;
    let mut doc = Document::new();
    let root = doc.root();
    let scroll = insert(&mut doc, root, sized(WidgetKind::ScrollArea, 0.0, 0.0, 300.0, 200.0));
    let button = insert(&mut doc, scroll, sized(WidgetKind::Button, 10.0, 10.0, 80.0, 30.0));
    let panel = insert(&mut doc, scroll, sized(WidgetKind::Panel, 10.0, 400.0, 100.0, 100.0));
    let child = insert(&mut doc, panel, sized(WidgetKind::Button, 0.0, -300.0, 80.0, 30.0));
    let (mut geometry, changes, mut list) = kept_up_to_date(&doc, &theme);
    let drawn: Vec<WidgetId> = list.items.iter().map(|i| i.widget).collect();
    assert!(drawn.contains(&child) && !drawn.contains(&panel), "the case this test is about");
    doc.execute(Command::Delete { ids: vec![button] }).unwrap();
    update(&doc, &mut geometry, &changes, &mut list, &theme, true);
    assert_eq!(list.items, DisplayList::build(&doc, &geometry, &theme).items);
    doc.execute(Command::Insert {
        parent: scroll,
        index: Some(0),
        tree: sized(WidgetKind::Button, 10.0, 10.0, 80.0, 30.0),
    })
    .unwrap();
    update(&doc, &mut geometry, &changes, &mut list, &theme, true);
    assert_eq!(list.items, DisplayList::build(&doc, &geometry, &theme).items);
}

/// A page put before the tab shown takes its index, so the tabs show it
/// and hide the page they showed, which did not move: the hidden page and
/// its child leave the list, as a fresh list has it (they stayed drawn).
#[test]
fn a_page_put_before_the_tab_shown_hides_the_page_it_showed() {
    let theme = Theme::LIGHT;
    let mut doc = Document::new();
    let root = doc.root();
    let tabs = insert(&mut doc, root, sized(WidgetKind::Tabs, 0.0, 0.0, 300.0, 200.0));
    let shown = insert(&mut doc, tabs, sized(WidgetKind::Panel, 0.0, 0.0, 280.0, 150.0));
    let button = insert(&mut doc, shown, sized(WidgetKind::Button, 10.0, 10.0, 80.0, 30.0));
    let (mut geometry, changes, mut list) = kept_up_to_date(&doc, &theme);
    let drawn = |list: &DisplayList, id: WidgetId| list.items.iter().any(|i| i.widget == id);
    assert!(drawn(&list, shown) && drawn(&list, button), "the case this test is about");
    doc.execute(Command::Insert {
        parent: tabs,
        index: Some(0),
        tree: sized(WidgetKind::Panel, 0.0, 0.0, 280.0, 150.0),
    })
    .unwrap();
    update(&doc, &mut geometry, &changes, &mut list, &theme, true);
    assert_eq!(list.items, DisplayList::build(&doc, &geometry, &theme).items);
    assert!(!drawn(&list, shown) && !drawn(&list, button));
}

/// A scroll area in a row, grown by its row when a sibling shrinks, clips
/// its children less without moving them: their items are made again
/// with the new clip, as a fresh list has it (they kept the old one).
#[test]
fn a_scroll_area_resized_by_its_row_clips_its_children_anew() {
    let theme = Theme::LIGHT;
    let mut doc = Document::new();
    let root = doc.root();
    let row = insert(&mut doc, root, sized(WidgetKind::Row, 0.0, 0.0, 400.0, 60.0));
    let scroll = insert(
        &mut doc,
        row,
        WidgetTree::palette(WidgetKind::ScrollArea)
            .with(PropKey::Height, PropValue::Number(40.0))
            .with(PropKey::Grow, PropValue::Number(1.0)),
    );
    let wide = insert(&mut doc, scroll, sized(WidgetKind::Button, 0.0, 0.0, 380.0, 30.0));
    let sibling = insert(&mut doc, row, sized(WidgetKind::Button, 0.0, 0.0, 200.0, 30.0));
    let (mut geometry, changes, mut list) = kept_up_to_date(&doc, &theme);
    let item = |list: &DisplayList| list.items.iter().find(|i| i.widget == wide).cloned().expect("drawn");
    let clip_before = item(&list).clip;
    doc.execute(Command::SetProperty { ids: vec![sibling], key: PropKey::Width, value: Some(PropValue::Number(60.0)) })
        .unwrap();
    update(&doc, &mut geometry, &changes, &mut list, &theme, true);
    assert_eq!(list.items, DisplayList::build(&doc, &geometry, &theme).items);
    assert_ne!(item(&list).clip, clip_before, "the case this test is about: the clip changed");
}

/// A button half out of a scroll area's view, nudged further out: its
/// item is moved, not made again, and its clip (what of it the scroll
/// area shows) is the new one, as a fresh list has it.
#[test]
fn a_widget_nudged_under_a_scroll_area_edge_is_moved_with_its_new_clip() {
    let theme = Theme::LIGHT;
    let mut doc = Document::new();
    let root = doc.root();
    let scroll = insert(&mut doc, root, sized(WidgetKind::ScrollArea, 0.0, 0.0, 300.0, 200.0));
    let button = insert(&mut doc, scroll, sized(WidgetKind::Button, 250.0, 10.0, 80.0, 30.0));
    let (mut geometry, changes, mut list) = kept_up_to_date(&doc, &theme);
    let before = list.items.iter().find(|i| i.widget == button).and_then(|i| i.clip);
    doc.execute(Command::SetProperty { ids: vec![button], key: PropKey::X, value: Some(PropValue::Number(260.0)) })
        .unwrap();
    geometry.update(&doc);
    changes.drain();
    let mut regions = Vec::new();
    for id in geometry.take_moved() {
        let followed = list.follow(&doc, &geometry, &theme, id, &mut regions);
        assert_eq!(followed, Some(trellis_render::Followed::Translated(trellis_geometry::Point::new(10.0, 0.0))));
    }
    let after = list.items.iter().find(|i| i.widget == button).and_then(|i| i.clip);
    assert_ne!(before, after, "the case this test is about: the clip changes");
    assert_eq!(list.first_difference(&DisplayList::build(&doc, &geometry, &theme), 1e-5), None);
}

/// What following each of `ids` one by one does to `list`: the damage,
/// and how each was followed.
fn follow_each(
    doc: &Document,
    geometry: &Geometry,
    theme: &Theme,
    list: &mut DisplayList,
    ids: &[WidgetId],
) -> (Vec<Rect>, Vec<Option<trellis_render::Followed>>) {
    let mut regions = Vec::new();
    let followed = ids.iter().map(|id| list.follow(doc, geometry, theme, *id, &mut regions)).collect();
    (regions, followed)
}

/// A nudge of everything, in the frame a card grew and a button scrolled
/// half out of a scroll area, followed all at once (on one
/// thread, and split between two) and then the widgets left one by one:
/// the same items, changes and damage as following each one by one, and
/// the list built anew. The widgets the split leaves (an item in the
/// other half of the list) and those that did more than move are left.
#[test]
fn a_large_move_followed_on_two_threads_is_what_following_each_widget_gives() {
    let theme = Theme::LIGHT;
    let mut doc = generate(3_000, 7);
    let root = doc.root();
    let cards: Vec<WidgetId> = doc.children(root).to_vec();
    let scroll = insert(&mut doc, cards[5], sized(WidgetKind::ScrollArea, 0.0, 0.0, 60.0, 40.0));
    let button = insert(&mut doc, scroll, sized(WidgetKind::Button, 30.0, 5.0, 40.0, 20.0));
    let (mut geometry, changes, list) = kept_up_to_date(&doc, &theme);
    let mut nudge: Vec<Command> = cards
        .iter()
        .map(|c| {
            let w = doc.widget(*c).unwrap();
            let (x, y) = (w.number(PropKey::X), w.number(PropKey::Y));
            Command::SetProperties {
                id: *c,
                values: vec![
                    (PropKey::X, Some(PropValue::Number(x + 1.0 / 3.0))),
                    (PropKey::Y, Some(PropValue::Number(y - 2.0))),
                ],
            }
        })
        .collect();
    nudge.push(Command::SetProperty { ids: vec![button], key: PropKey::X, value: Some(PropValue::Number(45.0)) });
    doc.execute_all("Nudge", nudge).unwrap();
    doc.execute(Command::SetProperty {
        ids: vec![cards[10]],
        key: PropKey::Width,
        value: Some(PropValue::Number(500.0)),
    })
    .unwrap();
    geometry.update(&doc);
    changes.drain();
    let mut moved = geometry.take_moved();
    moved.sort_unstable();
    moved.dedup();
    assert!(moved.len() > doc.len() / 2, "everything moved: {} of {}", moved.len(), doc.len());
    let built = DisplayList::build(&doc, &geometry, &theme);
    let mut each = list.clone();
    let (each_regions, each_followed) = follow_each(&doc, &geometry, &theme, &mut each, &moved);
    assert_eq!(each.first_difference(&built, 1e-5), None);
    let translated =
        each_followed.iter().filter(|f| matches!(f, Some(trellis_render::Followed::Translated(_)))).count();
    let each_changed: std::collections::BTreeSet<usize> = each.take_changed().into_iter().collect();
    for in_two in [false, true] {
        let mut many = list.clone();
        let mut regions = Vec::new();
        let followed = many.follow_many(geometry.drawn_boxes(), &moved, in_two, &mut regions);
        let positions: Vec<usize> =
            followed.rest.iter().map(|id| moved.iter().position(|m| m == id).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "in_two {in_two}: left in the order given");
        // Those that did more than move, as following one by one found.
        let more: Vec<WidgetId> = moved
            .iter()
            .zip(&each_followed)
            .filter(|(_, f)| !matches!(f, Some(trellis_render::Followed::Translated(_))))
            .map(|(id, _)| *id)
            .collect();
        assert!(more.contains(&cards[10]), "the case this test is about: a card grew");
        if in_two {
            let mid = followed.split_at.expect("split in two");
            let half = moved.len() / 2;
            let at = |id: &WidgetId| list.items.iter().position(|i| i.widget == *id);
            for (k, id) in moved.iter().enumerate() {
                // Left: those that did more than move, and those whose item
                // is in the other thread's half of the list.
                let across = at(id).is_some_and(|i| (i < mid) != (k < half));
                assert_eq!(followed.rest.contains(id), more.contains(id) || across, "{id:?}");
            }
        } else {
            assert_eq!(followed.split_at, None);
            assert_eq!(followed.rest, more, "on one thread, only those are left");
        }
        let (rest_regions, rest_followed) = follow_each(&doc, &geometry, &theme, &mut many, &followed.rest);
        assert!(rest_followed.iter().all(Option::is_some), "in_two {in_two}: nothing asks for a rebuild");
        let rest_translated =
            rest_followed.iter().filter(|f| matches!(f, Some(trellis_render::Followed::Translated(_)))).count();
        assert_eq!(followed.translated + rest_translated, translated, "in_two {in_two}");
        assert!(followed.translated > moved.len() / 2, "in_two {in_two}: {followed:?}");
        assert!(followed.mixed, "in_two {in_two}: the button moved by another distance");
        assert_eq!(many.first_difference(&each, 0.0), None, "in_two {in_two}: the very same sums");
        let changed: std::collections::BTreeSet<usize> = many.take_changed().into_iter().collect();
        assert_eq!(changed, each_changed, "in_two {in_two}");
        regions.extend(rest_regions);
        assert_eq!(Rect::around(&regions), Rect::around(&each_regions), "in_two {in_two}");
    }
    // A nudge of everything alone: one distance, and the old places'
    // extremes exactly those following one by one finds.
    let mut doc = generate(3_000, 8);
    let (mut geometry, changes, list) = kept_up_to_date(&doc, &theme);
    let nudge: Vec<Command> = doc
        .children(doc.root())
        .iter()
        .map(|c| {
            let x = doc.widget(*c).unwrap().number(PropKey::X);
            Command::SetProperties { id: *c, values: vec![(PropKey::X, Some(PropValue::Number(x + 0.25)))] }
        })
        .collect();
    doc.execute_all("Nudge", nudge).unwrap();
    geometry.update(&doc);
    changes.drain();
    let moved = geometry.take_moved();
    let mut each = list.clone();
    let (each_regions, each_followed) = follow_each(&doc, &geometry, &theme, &mut each, &moved);
    assert!(each_followed.iter().all(|f| matches!(f, Some(trellis_render::Followed::Translated(_)))));
    let mut expected = trellis_model::Extremes::default();
    for old in each_regions.iter().step_by(2) {
        expected.hold(old);
    }
    for in_two in [false, true] {
        let mut many = list.clone();
        let followed = many.follow_many(geometry.drawn_boxes(), &moved, in_two, &mut Vec::new());
        assert!(!followed.mixed && followed.rest.is_empty(), "in_two {in_two}: {followed:?}");
        assert_eq!(followed.translated, moved.len());
        let (_, extremes) = followed.shift.expect("moved");
        assert_eq!(extremes.rect(), expected.rect(), "in_two {in_two}: to the bit");
        assert_eq!(many.first_difference(&each, 0.0), None);
    }
}

/// A nudge of everything moves every primitive of every item: at 100,000
/// widgets the display list's phase is a walk over their memory, so a
/// primitive stays small (a text's or an image's strings boxed, not three
/// growable strings widening every rectangle to the largest kind).
#[test]
fn a_primitive_stays_small() {
    let size = std::mem::size_of::<trellis_render::Primitive>();
    assert!(size <= 56, "a primitive takes {size} bytes");
}

/// Layout containers and scroll areas whose design sets no fill and no
/// border are outlined by a guide (editor chrome, which backends leave
/// out when zoomed far out); a fill or a border of the design's own makes
/// them a rectangle, drawn at any zoom, and a panel is always one.
#[test]
fn containers_are_outlined_by_a_guide_only_where_the_design_sets_no_fill_or_border() {
    let theme = Theme::LIGHT;
    let mut doc = Document::new();
    let root = doc.root();
    let colour = |c: trellis_model::Color| PropValue::Color(c);
    let fill = |t: WidgetTree| t.with(PropKey::Fill, colour(trellis_model::Color::rgb(250, 250, 210)));
    let clear = |t: WidgetTree| t.with(PropKey::Fill, colour(trellis_model::Color::rgba(250, 250, 210, 0)));
    let border = |t: WidgetTree| t.with(PropKey::BorderWidth, PropValue::Number(2.0));
    // A border colour with no width is no border.
    let tinted = |t: WidgetTree| t.with(PropKey::BorderColor, colour(trellis_model::Color::rgb(200, 0, 0)));
    let mut cases = Vec::new();
    for (k, kind) in
        [WidgetKind::Row, WidgetKind::Column, WidgetKind::Grid, WidgetKind::ScrollArea].into_iter().enumerate()
    {
        let y = 130.0 * k as f32;
        let plain = insert(&mut doc, root, sized(kind, 10.0, y, 100.0, 120.0));
        let filled = insert(&mut doc, root, fill(sized(kind, 120.0, y, 100.0, 120.0)));
        let bordered = insert(&mut doc, root, border(sized(kind, 230.0, y, 100.0, 120.0)));
        let see_through = insert(&mut doc, root, clear(sized(kind, 340.0, y, 100.0, 120.0)));
        let coloured = insert(&mut doc, root, tinted(sized(kind, 450.0, y, 100.0, 120.0)));
        cases.extend([(plain, true), (filled, false), (bordered, false), (see_through, true), (coloured, true)]);
    }
    cases.push((insert(&mut doc, root, sized(WidgetKind::Panel, 560.0, 0.0, 100.0, 120.0)), false));
    let geometry = Geometry::new(&doc, Arc::new(FixedAdvanceMeasurer::default()));
    let list = DisplayList::build(&doc, &geometry, &theme);
    for (id, guided) in cases {
        let item = list.items.iter().find(|i| i.widget == id).expect("every case is drawn");
        let kind = doc.widget(id).map(|w| w.kind());
        let placed = geometry.drawn_box(id).map(|b| b.rect);
        match &item.primitives[0] {
            trellis_render::Primitive::LayoutGuide { rect, radius, width, color } => {
                assert!(guided, "{kind:?} {id:?}: a guide where the design sets a fill or a border");
                assert_eq!((*width, *color), (1.0, theme.border), "{kind:?}: the theme's faint outline");
                assert_eq!((Some(*rect), *radius), (placed, 0.0), "{kind:?}: around the widget's box");
            }
            trellis_render::Primitive::Rect { border, .. } => {
                assert!(!guided, "{kind:?} {id:?}: a rectangle where the design sets neither fill nor border");
                assert!(border.is_some(), "{kind:?}: still outlined");
            }
            other => panic!("{kind:?}: drawn first as {other:?}"),
        }
    }
}

/// The frames that charge texts (the GPU renderer's cost estimate, the
/// greeked-bar cache) read each item's count of its texts, not its
/// primitives, which sit elsewhere on the heap: the count is the
/// primitives' own, and a label's text emptied or written again is
/// counted again.
#[test]
fn each_item_counts_its_texts_as_its_primitives_hold_them() {
    let theme = Theme::LIGHT;
    let held = |item: &Item| item.primitives.iter().filter(|p| matches!(p, Primitive::Text { .. })).count() as u32;
    let mut doc = generate(2_000, 5);
    let (mut geometry, changes, mut list) = kept_up_to_date(&doc, &theme);
    for item in &list.items {
        assert_eq!(item.texts(), held(item), "{item:?}");
    }
    assert!(list.items.iter().filter(|i| i.texts() > 0).count() > 500, "a generated design has labels");
    let label = doc
        .iter()
        .find(|w| w.kind() == WidgetKind::Label && !w.text(PropKey::Text).is_empty())
        .map(|w| w.id())
        .expect("a label with a text");
    for (text, texts) in [("", 0), ("Written again", 1)] {
        let value = Some(PropValue::Text(text.into()));
        doc.execute(Command::SetProperty { ids: vec![label], key: PropKey::Text, value }).unwrap();
        update(&doc, &mut geometry, &changes, &mut list, &theme, false);
        let item = list.items.iter().find(|i| i.widget == label).expect("the label is drawn");
        assert_eq!((item.texts(), held(item)), (texts, texts), "the text {text:?}");
    }
    assert_eq!(list.items, DisplayList::build(&doc, &geometry, &theme).items);
}
