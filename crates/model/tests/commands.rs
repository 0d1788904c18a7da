//! Commands, undo/redo, gestures, ids, notification and live counts, driven
//! through the public API as the editor will drive them.

use trellis_model::{
    Change, Command, ConflictError, Document, LayoutMode, ModelError, NameError, PropError, PropKey, PropKeys,
    PropValue, Rect, SelectionError, WidgetCache, WidgetId, WidgetKind, WidgetTree, ZOrder, limits,
};

fn insert(doc: &mut Document, parent: trellis_model::WidgetId, tree: WidgetTree) -> trellis_model::WidgetId {
    doc.execute(Command::Insert { parent, index: None, tree }).unwrap().created[0]
}

fn button(doc: &mut Document, x: f32, y: f32) -> trellis_model::WidgetId {
    let root = doc.root();
    insert(doc, root, WidgetTree::palette(WidgetKind::Button).at(x, y))
}

#[test]
fn palette_insert_gives_unique_names_and_sensible_content() {
    let mut doc = Document::new();
    let a = button(&mut doc, 10.0, 10.0);
    let b = button(&mut doc, 10.0, 60.0);
    let (a, b) = (doc.widget(a).unwrap(), doc.widget(b).unwrap());
    assert_eq!(a.name(), "button");
    assert_eq!(b.name(), "button_1");
    assert_eq!(a.text(PropKey::Text), "Button");
    assert_eq!(a.frame(), Rect::new(10.0, 10.0, 96.0, 32.0));
    for kind in WidgetKind::ALL.iter().filter(|k| !k.is_root_only()) {
        let root = doc.root();
        doc.execute(Command::Insert { parent: root, index: None, tree: WidgetTree::palette(*kind) })
            .unwrap_or_else(|e| panic!("palette {kind}: {e}"));
    }
    assert_eq!(doc.len(), 3 + WidgetKind::ALL.len() - 1);
}

#[test]
fn delete_then_undo_brings_back_the_same_widget_with_the_same_id() {
    let mut doc = Document::new();
    let id = button(&mut doc, 0.0, 0.0);
    doc.execute(Command::Delete { ids: vec![id] }).unwrap();
    assert!(doc.widget(id).is_none());
    assert_eq!(doc.live_counts().detached_widgets, 1, "kept for undo");
    doc.undo().unwrap();
    assert_eq!(doc.widget(id).unwrap().name(), "button");
    doc.redo().unwrap();
    assert!(!doc.contains(id));
}

#[test]
fn a_freed_id_never_resolves_to_another_widget() {
    let mut doc = Document::new();
    let old = button(&mut doc, 0.0, 0.0);
    doc.execute(Command::Delete { ids: vec![old] }).unwrap();
    doc.clear_history();
    assert_eq!(doc.live_counts().detached_widgets, 0, "history let go, so the widget is freed");
    // New widgets may reuse the arena slot; the old id must stay dead.
    for _ in 0..10 {
        button(&mut doc, 0.0, 0.0);
    }
    assert!(doc.widget(old).is_none());
    let err = doc.execute(Command::SetProperty { ids: vec![old], key: PropKey::X, value: None }).unwrap_err();
    assert!(matches!(err, ModelError::UnknownWidget(_)));
}

#[test]
fn a_drag_gesture_of_120_moves_is_one_undo_step_holding_one_restore() {
    let mut doc = Document::new();
    let id = button(&mut doc, 0.0, 0.0);
    let before = doc.to_json_string();
    let undo_before = doc.live_counts().undo_entries;
    doc.begin("Move").unwrap();
    for step in 0..120 {
        let f = step as f32;
        doc.execute(Command::SetFrame { id, frame: Rect::new(f, f * 0.5, 96.0, 32.0) }).unwrap();
    }
    assert!(doc.commit());
    let counts = doc.live_counts();
    assert_eq!(counts.undo_entries, undo_before + 1);
    assert_eq!(counts.history_ops, 2, "the insert and one coalesced restore, not 120");
    assert_eq!(doc.undo_label(), Some("Move"));
    doc.undo().unwrap();
    assert_eq!(doc.to_json_string(), before);
    doc.redo().unwrap();
    assert_eq!(doc.widget(id).unwrap().frame(), Rect::new(119.0, 59.5, 96.0, 32.0));
}

#[test]
fn cancelling_a_gesture_restores_the_document_and_records_nothing() {
    let mut doc = Document::new();
    let id = button(&mut doc, 5.0, 5.0);
    let before = doc.to_json_string();
    doc.begin("Drag from palette").unwrap();
    let root = doc.root();
    let new = insert(&mut doc, root, WidgetTree::palette(WidgetKind::Slider));
    doc.execute(Command::SetFrame { id, frame: Rect::new(50.0, 50.0, 10.0, 10.0) }).unwrap();
    doc.rollback();
    assert_eq!(doc.to_json_string(), before);
    assert!(!doc.contains(new));
    assert_eq!(doc.live_counts().detached_widgets, 0, "the cancelled insert is freed at once");
    assert_eq!(doc.undo_label(), Some("Insert Button"));
}

#[test]
fn a_command_on_many_widgets_is_all_or_nothing() {
    let mut doc = Document::new();
    let a = button(&mut doc, 0.0, 0.0);
    let root = doc.root();
    let label = insert(&mut doc, root, WidgetTree::palette(WidgetKind::Label));
    let slider = insert(&mut doc, root, WidgetTree::palette(WidgetKind::Slider));
    let before = doc.to_json_string();
    // The slider has no text: the whole command is refused.
    let err = doc
        .execute(Command::SetProperty {
            ids: vec![a, label, slider],
            key: PropKey::Text,
            value: Some(PropValue::Text("x".into())),
        })
        .unwrap_err();
    assert!(err.to_string().contains("slider has no property 'text'"), "{err}");
    assert_eq!(doc.to_json_string(), before);
    // Out of range: refused with the reason.
    let err = doc
        .execute(Command::SetProperty { ids: vec![a], key: PropKey::Opacity, value: Some(PropValue::Number(2.0)) })
        .unwrap_err();
    assert!(matches!(err, ModelError::InvalidValue { reason: PropError::NumberOutOfRange { .. }, .. }), "{err:?}");
    assert!(err.to_string().contains("outside the allowed range 0 to 1"), "{err}");
    // A combination that breaks an invariant is refused too.
    let err = doc
        .execute(Command::SetProperty { ids: vec![slider], key: PropKey::Max, value: Some(PropValue::Number(10.0)) })
        .unwrap_err();
    assert!(matches!(err, ModelError::Conflict { reason: ConflictError::ValueOutOfBounds { .. }, .. }), "{err:?}");
    assert!(err.to_string().contains("outside min 0 to max 10"), "{err}");
    assert_eq!(doc.to_json_string(), before);
}

#[test]
fn a_failing_command_inside_a_gesture_leaves_the_gesture_intact() {
    let mut doc = Document::new();
    let id = button(&mut doc, 0.0, 0.0);
    doc.begin("Edit").unwrap();
    doc.execute(Command::SetProperty { ids: vec![id], key: PropKey::X, value: Some(PropValue::Number(5.0)) }).unwrap();
    let err = doc.execute(Command::SetProperties {
        id,
        values: vec![(PropKey::X, Some(PropValue::Number(9.0))), (PropKey::FontSize, Some(PropValue::Number(-1.0)))],
    });
    assert!(err.is_err());
    assert_eq!(doc.widget(id).unwrap().number(PropKey::X), 5.0, "the failed command changed nothing");
    doc.commit();
    doc.undo().unwrap();
    assert_eq!(doc.widget(id).unwrap().number(PropKey::X), 0.0);
}

#[test]
fn move_reparents_reorders_and_refuses_cycles() {
    let mut doc = Document::new();
    let root = doc.root();
    let panel = insert(&mut doc, root, WidgetTree::palette(WidgetKind::Panel));
    let row = insert(&mut doc, panel, WidgetTree::palette(WidgetKind::Row));
    let b: Vec<_> =
        (0..3).map(|i| insert(&mut doc, row, WidgetTree::palette(WidgetKind::Button).named(format!("b{i}")))).collect();
    // Move b0 to the end of the row.
    doc.execute(Command::Move { ids: vec![b[0]], parent: row, index: None }).unwrap();
    assert_eq!(doc.children(row), &[b[1], b[2], b[0]]);
    // Move two of them, together, to the front of the row.
    doc.execute(Command::Move { ids: vec![b[2], b[0]], parent: row, index: Some(0) }).unwrap();
    assert_eq!(doc.children(row), &[b[2], b[0], b[1]]);
    // Out of the layout into the panel.
    doc.execute(Command::Move { ids: vec![b[1]], parent: panel, index: Some(0) }).unwrap();
    assert_eq!(doc.children(panel), &[b[1], row]);
    let err = doc.execute(Command::Move { ids: vec![panel], parent: row, index: None }).unwrap_err();
    assert!(matches!(err, ModelError::WouldCycle { .. }), "{err}");
    let err = doc.execute(Command::Move { ids: vec![row], parent: b[1], index: None }).unwrap_err();
    assert!(err.to_string().contains("cannot hold children"), "{err}");
    let err = doc.execute(Command::Move { ids: vec![root], parent: panel, index: None }).unwrap_err();
    assert_eq!(err, ModelError::RootIsFixed);
    for _ in 0..3 {
        doc.undo().unwrap();
    }
    assert_eq!(doc.children(row), &[b[0], b[1], b[2]]);
}

#[test]
fn reorder_changes_z_order_among_siblings() {
    let mut doc = Document::new();
    let ids: Vec<_> = (0..4).map(|i| button(&mut doc, i as f32, 0.0)).collect();
    let root = doc.root();
    doc.execute(Command::Reorder { ids: vec![ids[0]], to: ZOrder::ToFront }).unwrap();
    assert_eq!(doc.children(root), &[ids[1], ids[2], ids[3], ids[0]]);
    doc.execute(Command::Reorder { ids: vec![ids[0]], to: ZOrder::Backward }).unwrap();
    assert_eq!(doc.children(root), &[ids[1], ids[2], ids[0], ids[3]]);
    doc.execute(Command::Reorder { ids: vec![ids[2], ids[0]], to: ZOrder::ToBack }).unwrap();
    assert_eq!(doc.children(root), &[ids[2], ids[0], ids[1], ids[3]]);
    doc.execute(Command::Reorder { ids: vec![ids[2], ids[0]], to: ZOrder::Forward }).unwrap();
    assert_eq!(doc.children(root), &[ids[1], ids[2], ids[0], ids[3]]);
}

#[test]
fn group_keeps_widgets_in_place_and_ungroup_restores_them() {
    let mut doc = Document::new();
    let a = button(&mut doc, 100.0, 50.0);
    let b = button(&mut doc, 300.0, 200.0);
    let c = button(&mut doc, 0.0, 0.0);
    let root = doc.root();
    let before = doc.to_json_string();
    let group = doc.execute(Command::Group { ids: vec![b, a], kind: WidgetKind::Panel }).unwrap().created[0];
    let g = doc.widget(group).unwrap();
    assert_eq!(g.frame(), Rect::new(100.0, 50.0, 296.0, 182.0));
    assert_eq!(g.children(), &[a, b], "z-order is kept");
    assert_eq!(doc.children(root), &[group, c]);
    assert_eq!(doc.widget(b).unwrap().frame(), Rect::new(200.0, 150.0, 96.0, 32.0));
    doc.execute(Command::Ungroup { id: group }).unwrap();
    assert!(!doc.contains(group));
    assert_eq!(doc.children(root), &[a, b, c]);
    assert_eq!(doc.widget(b).unwrap().frame(), Rect::new(300.0, 200.0, 96.0, 32.0));
    doc.undo().unwrap();
    doc.undo().unwrap();
    assert_eq!(doc.to_json_string(), before);
    let err = doc.execute(Command::Group { ids: vec![], kind: WidgetKind::Panel }).unwrap_err();
    assert_eq!(err, ModelError::Selection(SelectionError::NothingToGroup));
    let err = doc.execute(Command::Ungroup { id: c }).unwrap_err();
    assert!(matches!(err, ModelError::Selection(SelectionError::NotAGroup { kind: WidgetKind::Button, .. })));
    let panel = insert(&mut doc, root, WidgetTree::palette(WidgetKind::Panel));
    let inner = insert(&mut doc, panel, WidgetTree::palette(WidgetKind::Label));
    let err = doc.execute(Command::Group { ids: vec![a, inner], kind: WidgetKind::Panel }).unwrap_err();
    assert_eq!(err, ModelError::Selection(SelectionError::DifferentParents));
}

#[test]
fn duplicate_copies_subtrees_with_fresh_names_beside_the_original() {
    let mut doc = Document::new();
    let root = doc.root();
    let row = insert(&mut doc, root, WidgetTree::palette(WidgetKind::Row).named("toolbar").at(10.0, 10.0));
    insert(&mut doc, row, WidgetTree::palette(WidgetKind::Button).named("ok"));
    let copy = doc.execute(Command::Duplicate { ids: vec![row], offset: (16.0, 16.0) }).unwrap().created[0];
    let c = doc.widget(copy).unwrap();
    assert_eq!(c.name(), "toolbar_1");
    assert_eq!((c.number(PropKey::X), c.number(PropKey::Y)), (26.0, 26.0));
    assert_eq!(doc.widget(c.children()[0]).unwrap().name(), "ok_1");
    assert_eq!(doc.children(root), &[row, copy]);
    assert_eq!(doc.len(), 5);
}

#[test]
fn rename_checks_identifiers_and_uniqueness_and_undo_gives_names_back() {
    let mut doc = Document::new();
    let a = button(&mut doc, 0.0, 0.0);
    let b = button(&mut doc, 0.0, 0.0);
    doc.execute(Command::Rename { id: a, name: "save".into() }).unwrap();
    assert_eq!(doc.find("save"), Some(a));
    let err = doc.execute(Command::Rename { id: b, name: "save".into() }).unwrap_err();
    assert_eq!(err, ModelError::DuplicateName("save".into()));
    let err = doc.execute(Command::Rename { id: b, name: "two words".into() }).unwrap_err();
    assert!(
        matches!(err, ModelError::InvalidName { reason: NameError::BadCharacter { found: ' ', position: 3 }, .. }),
        "{err:?}"
    );
    doc.execute(Command::Delete { ids: vec![a] }).unwrap();
    assert!(doc.find("save").is_none());
    // The name of a deleted widget is free again; undo steps back through valid states.
    doc.execute(Command::Rename { id: b, name: "save".into() }).unwrap();
    assert_eq!(doc.find("save"), Some(b));
    doc.undo().unwrap();
    doc.undo().unwrap();
    assert_eq!(doc.find("save"), Some(a));
    assert_ne!(doc.widget(b).unwrap().name(), "save");
}

#[test]
fn structure_rules_refuse_windows_leaf_children_and_excess_depth() {
    let mut doc = Document::new();
    let root = doc.root();
    let err = doc
        .execute(Command::Insert { parent: root, index: None, tree: WidgetTree::palette(WidgetKind::Window) })
        .unwrap_err();
    assert_eq!(err, ModelError::WindowNotRoot);
    let leaf_with_child = WidgetTree::palette(WidgetKind::Button).child(WidgetTree::palette(WidgetKind::Label));
    assert!(doc.execute(Command::Insert { parent: root, index: None, tree: leaf_with_child }).is_err());
    let mut deep = WidgetTree::bare(WidgetKind::Label);
    for _ in 0..limits::MAX_DEPTH {
        deep = WidgetTree::bare(WidgetKind::Panel).child(deep);
    }
    let err = doc.execute(Command::Insert { parent: root, index: None, tree: deep }).unwrap_err();
    assert_eq!(err, ModelError::TooDeep { limit: limits::MAX_DEPTH });
    assert_eq!(doc.len(), 1);
    assert_eq!(doc.live_counts().detached_widgets, 0, "nothing from the refused inserts lingers");
}

#[test]
fn the_history_bound_drops_the_oldest_steps_and_frees_what_they_held() {
    let mut doc = Document::new();
    doc.set_history_limit(5);
    for i in 0..20 {
        let id = button(&mut doc, i as f32, 0.0);
        doc.execute(Command::Delete { ids: vec![id] }).unwrap();
    }
    let counts = doc.live_counts();
    assert_eq!(counts.undo_entries, 5);
    assert!(counts.detached_widgets <= 5, "{counts:?}");
    let mut undone = 0;
    while doc.undo().unwrap() {
        undone += 1;
    }
    assert_eq!(undone, 5);
}

#[test]
fn a_new_edit_after_undo_drops_the_redo_branch_and_frees_its_widgets() {
    let mut doc = Document::new();
    let id = button(&mut doc, 0.0, 0.0);
    doc.undo().unwrap();
    assert_eq!(doc.live_counts().detached_widgets, 1);
    button(&mut doc, 1.0, 1.0);
    assert!(!doc.can_redo());
    assert_eq!(doc.live_counts().detached_widgets, 0);
    assert!(doc.widget(id).is_none());
}

#[test]
fn subscriptions_see_changes_and_dropping_the_handle_unsubscribes() {
    let mut doc = Document::new();
    let sub = doc.subscribe();
    let id = button(&mut doc, 0.0, 0.0);
    doc.execute(Command::SetProperty { ids: vec![id], key: PropKey::X, value: Some(PropValue::Number(3.0)) }).unwrap();
    let changes = sub.drain();
    assert!(matches!(changes[0], Change::Inserted { id: i, .. } if i == id));
    assert_eq!(changes[1], Change::Props { id, keys: PropKeys::from([PropKey::X]) });
    assert_eq!(doc.live_counts().subscriptions, 1);
    drop(sub);
    assert_eq!(doc.live_counts().subscriptions, 0);
}

/// A batch of commands tells its changes together when it ends, in the
/// order they were made: a failed one its changes and then their undoing,
/// an undo and a redo theirs; an unread subscription still stays bounded
/// when one batch makes more changes than it holds.
#[test]
fn a_batch_tells_its_changes_in_order_when_it_ends() {
    let mut doc = Document::new();
    let (a, b) = (button(&mut doc, 0.0, 0.0), button(&mut doc, 50.0, 0.0));
    let sub = doc.subscribe();
    let set = |id, x: f32| Command::SetProperties { id, values: vec![(PropKey::X, Some(PropValue::Number(x)))] };
    let x = |id| Change::Props { id, keys: PropKeys::from([PropKey::X]) };
    doc.execute_all("Nudge", vec![set(a, 1.0), set(b, 51.0), set(a, 2.0)]).unwrap();
    assert_eq!(sub.drain(), vec![x(a), x(b), x(a)]);
    let nan_x = Command::SetProperties { id: a, values: vec![(PropKey::X, Some(PropValue::Number(f32::NAN)))] };
    assert!(doc.execute_all("Nudge", vec![set(b, 60.0), nan_x]).is_err());
    assert_eq!(sub.drain(), vec![x(b), x(b)], "made, then undone");
    assert_eq!(doc.widget(b).unwrap().number(PropKey::X), 51.0);
    // The step restores each property once, last changed first.
    doc.undo().unwrap();
    assert_eq!(sub.drain(), vec![x(b), x(a)]);
    doc.redo().unwrap();
    assert_eq!(sub.drain(), vec![x(a), x(b)]);
    let many: Vec<Command> = (0..trellis_model::MAX_PENDING_CHANGES + 10).map(|i| set(a, (i % 100) as f32)).collect();
    doc.execute_all("Many", many).unwrap();
    assert!(sub.pending() <= trellis_model::MAX_PENDING_CHANGES);
    assert!(sub.drain().contains(&Change::Reset));
}

/// A batch editing each widget once (a nudge of everything) keeps its
/// inverses as they come, without looking each property up among those
/// already recorded: its undo restores every widget, last edited first,
/// its redo edits them again, and the saved file follows both ways.
#[test]
fn a_batch_editing_each_widget_once_undoes_and_redoes_every_widget() {
    let mut doc = Document::new();
    let ids: Vec<WidgetId> = (0..300).map(|i| button(&mut doc, i as f32, 0.0)).collect();
    let before = doc.to_json_string();
    let sub = doc.subscribe();
    let nudge: Vec<Command> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| Command::SetProperties {
            id: *id,
            values: vec![
                (PropKey::X, Some(PropValue::Number(i as f32 + 0.5))),
                (PropKey::Y, Some(PropValue::Number(-2.0))),
            ],
        })
        .collect();
    doc.execute_all("Nudge", nudge).unwrap();
    let after = doc.to_json_string();
    assert_eq!(sub.drain().len(), ids.len());
    doc.undo().unwrap();
    assert_eq!(doc.to_json_string(), before);
    let undone: Vec<WidgetId> = sub
        .drain()
        .into_iter()
        .map(|c| match c {
            Change::Props { id, keys } => {
                assert_eq!(keys, PropKeys::from([PropKey::X, PropKey::Y]));
                id
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(undone, ids.iter().rev().copied().collect::<Vec<_>>(), "each restored once, last edited first");
    doc.redo().unwrap();
    assert_eq!(doc.to_json_string(), after);
    assert_eq!(doc.content_hash(), Document::from_json_bytes(after.as_bytes()).unwrap().content_hash());
}

/// Regression: a command setting one property twice, in a gesture,
/// recorded the value between the two for undo, not the one before.
#[test]
fn a_property_set_twice_by_one_command_in_a_gesture_undoes_to_its_value_before() {
    let mut doc = Document::new();
    let id = button(&mut doc, 5.0, 0.0);
    let twice = |a: f32, b: f32| Command::SetProperties {
        id,
        values: vec![(PropKey::X, Some(PropValue::Number(a))), (PropKey::X, Some(PropValue::Number(b)))],
    };
    doc.begin("Drag").unwrap();
    doc.execute(twice(10.0, 20.0)).unwrap();
    doc.execute(twice(30.0, 40.0)).unwrap();
    doc.commit();
    assert_eq!(doc.widget(id).unwrap().number(PropKey::X), 40.0);
    doc.undo().unwrap();
    assert_eq!(doc.widget(id).unwrap().number(PropKey::X), 5.0);
    doc.execute_all("Nudge", vec![twice(50.0, 60.0)]).unwrap();
    doc.undo().unwrap();
    assert_eq!(doc.widget(id).unwrap().number(PropKey::X), 5.0);
}

#[test]
fn an_unread_subscription_cannot_grow_without_bound() {
    let mut doc = Document::new();
    let sub = doc.subscribe();
    let id = button(&mut doc, 0.0, 0.0);
    for i in 0..(trellis_model::MAX_PENDING_CHANGES + 10) {
        doc.execute(Command::SetProperty {
            ids: vec![id],
            key: PropKey::X,
            value: Some(PropValue::Number((i % 100) as f32)),
        })
        .unwrap();
    }
    assert!(sub.pending() <= trellis_model::MAX_PENDING_CHANGES);
    assert!(sub.drain().contains(&Change::Reset));
}

#[test]
fn widget_caches_are_purged_when_their_widget_leaves_the_document() {
    let mut doc = Document::new();
    let cache: WidgetCache<String> = WidgetCache::new(&doc);
    let root = doc.root();
    let panel = insert(&mut doc, root, WidgetTree::palette(WidgetKind::Panel));
    let inner = insert(&mut doc, panel, WidgetTree::palette(WidgetKind::Label));
    assert!(cache.insert(&doc, panel, "panel".into()));
    assert!(cache.insert(&doc, inner, "label".into()));
    assert_eq!(doc.live_counts().cache_entries, 2);
    doc.execute(Command::Delete { ids: vec![panel] }).unwrap();
    assert_eq!(cache.len(), 0, "the subtree's entries went with it");
    assert!(!cache.insert(&doc, inner, "stale".into()), "no entries for widgets that are gone");
    // Through a batch, whose changes are told when it ends, and an undo.
    doc.undo().unwrap();
    assert!(cache.insert(&doc, inner, "back".into()));
    let other = insert(&mut doc, root, WidgetTree::palette(WidgetKind::Label));
    assert!(cache.insert(&doc, other, "other".into()));
    doc.execute_all("Delete", vec![Command::Delete { ids: vec![panel] }, Command::Delete { ids: vec![other] }])
        .unwrap();
    assert_eq!(cache.len(), 0, "both subtrees' entries went with them");
    doc.undo().unwrap();
    assert!(cache.insert(&doc, other, "again".into()));
    doc.undo().unwrap();
    assert_eq!(cache.len(), 0, "undoing the insert took it out again");
    drop(cache);
    assert_eq!(doc.live_counts().caches, 0);
}

#[test]
fn layout_mode_comes_from_the_kind_or_the_property() {
    let mut doc = Document::new();
    let root = doc.root();
    let row = insert(&mut doc, root, WidgetTree::palette(WidgetKind::Row));
    let panel = insert(&mut doc, root, WidgetTree::palette(WidgetKind::Panel));
    assert_eq!(doc.widget(row).unwrap().layout(), LayoutMode::Row);
    assert_eq!(doc.widget(panel).unwrap().layout(), LayoutMode::Absolute);
    doc.execute(Command::SetProperty {
        ids: vec![panel],
        key: PropKey::Layout,
        value: Some(PropValue::Layout(LayoutMode::Grid)),
    })
    .unwrap();
    assert_eq!(doc.widget(panel).unwrap().layout(), LayoutMode::Grid);
    let err = doc.execute(Command::SetProperty {
        ids: vec![row],
        key: PropKey::Layout,
        value: Some(PropValue::Layout(LayoutMode::Grid)),
    });
    assert!(err.is_err(), "a row's layout is its kind");
}

#[test]
fn setting_a_property_to_its_current_value_is_not_reported_and_not_an_undo_step() {
    let mut doc = Document::new();
    let id = button(&mut doc, 10.0, 10.0);
    let steps = doc.live_counts().undo_entries;
    let sub = doc.subscribe();
    doc.execute(Command::SetFrame { id, frame: Rect::new(20.0, 10.0, 96.0, 32.0) }).unwrap();
    assert_eq!(sub.drain(), vec![Change::Props { id, keys: PropKeys::from([PropKey::X]) }], "only x changed");
    doc.execute(Command::SetFrame { id, frame: Rect::new(20.0, 10.0, 96.0, 32.0) }).unwrap();
    assert!(sub.drain().is_empty());
    assert_eq!(doc.live_counts().undo_entries, steps + 1);
}

#[test]
fn modified_flag_follows_edits_saves_and_undo() {
    let mut doc = Document::new();
    assert!(!doc.is_modified());
    let id = button(&mut doc, 0.0, 0.0);
    assert!(doc.is_modified());
    doc.mark_saved();
    assert!(!doc.is_modified());
    doc.execute(Command::Delete { ids: vec![id] }).unwrap();
    assert!(doc.is_modified());
}

/// A session of pastes once saved a 78 MB design that the loader then
/// refused. Every command now keeps the saved file within the limit.
#[test]
fn an_edit_that_would_outgrow_the_file_limit_is_refused_and_changes_nothing() {
    let mut doc = Document::new();
    let root = doc.root();
    let text = "x".repeat(limits::MAX_STRING_BYTES);
    let label = |i: usize| {
        WidgetTree::palette(WidgetKind::Label).named(format!("l{i}")).with(PropKey::Text, PropValue::Text(text.clone()))
    };
    let mut inserted = 0;
    let refusal = loop {
        match doc.execute(Command::Insert { parent: root, index: None, tree: label(inserted) }) {
            Ok(_) => inserted += 1,
            Err(e) => break e,
        }
        assert!(inserted < 2_000, "64 MiB should be reached after about 1,000 labels");
    };
    let ModelError::FileTooLarge { size, limit } = refusal else { panic!("refused for another reason: {refusal}") };
    assert_eq!(limit, limits::MAX_FILE_BYTES);
    assert!(size > limit);
    assert!(refusal.to_string().contains("more than the 67108864 bytes a design file may hold"), "{refusal}");
    // Nothing of the refused insert stayed, and what is there loads again.
    assert_eq!(doc.len(), inserted + 1);
    let saved = doc.to_json_string();
    assert!(saved.len() as u64 <= limits::MAX_FILE_BYTES);
    assert_eq!(doc.saved_size(), saved.len() as u64);
    Document::from_json_bytes(saved.as_bytes()).expect("the design at the limit loads");
    // Duplicating is refused the same way, all or nothing.
    let some = doc.children(root)[..3].to_vec();
    assert!(matches!(
        doc.execute(Command::Duplicate { ids: some, offset: (10.0, 10.0) }),
        Err(ModelError::FileTooLarge { .. })
    ));
    assert_eq!(doc.len(), inserted + 1);
    // An edit run alongside a reader (the editor's nudge, laying the design
    // out as the file's parts are written) is refused the same way: the
    // reader saw the edit, observers are told of it and of its undoing.
    let changes = doc.subscribe();
    let window_text = PropValue::Text("w".repeat(limits::MAX_STRING_BYTES));
    let undo_label = doc.undo_label().map(str::to_owned);
    let (done, seen) = doc.execute_all_alongside(
        "Retitle",
        vec![Command::SetProperties { id: root, values: vec![(PropKey::Text, Some(window_text.clone()))] }],
        |doc| doc.widget(doc.root()).unwrap().props().get(PropKey::Text) == Some(&window_text),
    );
    assert!(matches!(done, Err(ModelError::FileTooLarge { .. })), "{done:?}");
    assert!(seen, "the reader ran after the edit");
    assert_eq!(changes.drain().len(), 2, "the edit and its undoing");
    assert_ne!(doc.widget(root).unwrap().props().get(PropKey::Text), Some(&window_text));
    assert_eq!(doc.undo_label().map(str::to_owned), undo_label);
    assert_eq!(doc.saved_size(), doc.to_json_string().len() as u64);
    // Making room makes the edit possible again.
    let two = doc.children(root)[..2].to_vec();
    doc.execute(Command::Delete { ids: two }).unwrap();
    doc.execute(Command::Insert { parent: root, index: None, tree: label(inserted) }).unwrap();
}

/// Regression test for a reader's change vector keeping the room of the
/// largest batch it ever read (a paste of 100,000 widgets kept megabytes
/// for the rest of the session): each read keeps at most `KEPT_CHANGES`.
#[test]
fn a_readers_change_vector_keeps_room_for_a_gesture_not_the_largest_batch() {
    let mut doc = Document::new();
    let id = button(&mut doc, 10.0, 10.0);
    let sub = doc.subscribe();
    let mut out = Vec::new();
    for i in 0..2 * trellis_model::KEPT_CHANGES {
        doc.execute(Command::SetFrame { id, frame: Rect::new(20.0 + i as f32, 10.0, 96.0, 32.0) }).unwrap();
    }
    sub.drain_into(&mut out);
    assert_eq!(out.len(), 2 * trellis_model::KEPT_CHANGES, "every change read");
    doc.execute(Command::SetFrame { id, frame: Rect::new(0.0, 10.0, 96.0, 32.0) }).unwrap();
    sub.drain_into(&mut out);
    assert_eq!(out, vec![Change::Props { id, keys: PropKeys::from([PropKey::X]) }], "only the new change");
    assert!(out.capacity() <= trellis_model::KEPT_CHANGES, "room kept: {}", out.capacity());
}

/// A shift moves each widget along the axes it is given, tells only the
/// properties it changed, and undoes as one step to the exact places from
/// before (not the places moved back, which rounding could miss). A
/// shift that fails part way (a widget past the coordinate limit, or
/// deleted) leaves every widget where it was.
#[test]
fn a_shift_moves_each_widget_and_undoes_to_its_exact_place() {
    let mut doc = Document::new();
    let (a, b) = (button(&mut doc, 0.1, 7.0), button(&mut doc, 50.3, 9.0));
    let sub = doc.subscribe();
    let at = |doc: &Document, id| {
        let w = doc.widget(id).unwrap();
        (w.number(PropKey::X), w.number(PropKey::Y))
    };
    // In f32, 0.1 + 1000.7 - 1000.7 is not 0.1, nor is 50.3's: an undo
    // that moved them back by the distance would miss.
    let by = (1000.7, 0.0);
    assert_ne!(0.1f32 + by.0 - by.0, 0.1);
    assert_eq!(Command::Shift { ids: vec![a, b], by }.label(), "Move 2 widgets");
    doc.execute(Command::Shift { ids: vec![a, b], by }).unwrap();
    assert_eq!(at(&doc, a), (0.1 + 1000.7, 7.0));
    assert_eq!(at(&doc, b), (50.3 + 1000.7, 9.0));
    let x = |id| Change::Props { id, keys: PropKeys::from([PropKey::X]) };
    assert_eq!(sub.drain(), vec![x(a), x(b)], "only x changed");
    doc.undo().unwrap();
    assert_eq!((at(&doc, a), at(&doc, b)), ((0.1, 7.0), (50.3, 9.0)), "exactly as before");
    doc.redo().unwrap();
    assert_eq!(at(&doc, b), (50.3 + 1000.7, 9.0));
    doc.undo().unwrap();
    sub.drain();

    // Both axes; a widget listed twice moves twice.
    doc.execute(Command::Shift { ids: vec![a, b, a], by: (2.0, -3.0) }).unwrap();
    assert_eq!((at(&doc, a), at(&doc, b)), ((4.1, 1.0), (52.3, 6.0)));
    doc.undo().unwrap();
    assert_eq!((at(&doc, a), at(&doc, b)), ((0.1, 7.0), (50.3, 9.0)), "one step undoes both moves of a");

    // Nothing to move: no undo step.
    let steps = doc.commits();
    doc.execute(Command::Shift { ids: vec![a], by: (0.0, 0.0) }).unwrap();
    assert_eq!(doc.commits(), steps);

    // Past the limit for b: a is put back too, and the error names b's x.
    let far = limits::MAX_COORDINATE - 50.0;
    let err = doc.execute(Command::Shift { ids: vec![a, b], by: (far, 0.0) }).unwrap_err();
    assert!(err.to_string().contains(doc.widget(b).unwrap().name()), "{err}");
    assert_eq!((at(&doc, a), at(&doc, b)), ((0.1, 7.0), (50.3, 9.0)));
    // A distance of no number, or none finite: refused, naming the widget.
    for by in [(f32::NAN, 0.0), (0.0, f32::INFINITY)] {
        let err = doc.execute(Command::Shift { ids: vec![a, b], by }).unwrap_err();
        assert!(err.to_string().contains(doc.widget(a).unwrap().name()), "{err}");
        assert_eq!((at(&doc, a), at(&doc, b)), ((0.1, 7.0), (50.3, 9.0)));
    }
    // A widget deleted since: an error, and a stays.
    doc.execute(Command::Delete { ids: vec![b] }).unwrap();
    assert!(doc.execute(Command::Shift { ids: vec![a, b], by: (1.0, 0.0) }).is_err());
    assert_eq!(at(&doc, a), (0.1, 7.0));
}
