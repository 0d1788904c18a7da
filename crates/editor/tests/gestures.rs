//! Every gesture, driven by input events as a user's hand would, checked
//! on the document and on the overlays.

use trellis_editor::scenario::Scenario;
use trellis_editor::{Action, Button, Cursor, Damage, Editor, Event, Input, Key, Modifiers, SelectMode, Step};
use trellis_geometry::Point;
use trellis_model::{Command, Document, LayoutMode, PropKey, PropValue, Rect, WidgetId, WidgetKind, WidgetTree};

fn n(v: f32) -> PropValue {
    PropValue::Number(v)
}

fn sized(kind: WidgetKind, name: &str, x: f32, y: f32, w: f32, h: f32) -> WidgetTree {
    WidgetTree::palette(kind).named(name).at(x, y).with(PropKey::Width, n(w)).with(PropKey::Height, n(h))
}

/// A window with: a panel (absolute), a row (flex) of three buttons, and two loose buttons.
fn design() -> Document {
    let mut doc = Document::new();
    let root = doc.root();
    let insert = |doc: &mut Document, parent, tree| {
        doc.execute(Command::Insert { parent, index: None, tree }).unwrap().created[0]
    };
    insert(&mut doc, root, sized(WidgetKind::Panel, "panel", 400.0, 100.0, 300.0, 300.0));
    let row =
        insert(&mut doc, root, sized(WidgetKind::Row, "row", 100.0, 500.0, 400.0, 50.0).with(PropKey::Gap, n(10.0)));
    for name in ["r0", "r1", "r2"] {
        insert(
            &mut doc,
            row,
            WidgetTree::palette(WidgetKind::Button)
                .named(name)
                .with(PropKey::Width, n(80.0))
                .with(PropKey::Height, n(40.0)),
        );
    }
    insert(&mut doc, root, sized(WidgetKind::Button, "a", 100.0, 100.0, 100.0, 40.0));
    insert(&mut doc, root, sized(WidgetKind::Button, "b", 100.0, 300.0, 100.0, 40.0));
    doc.clear_history();
    doc
}

fn run(editor: &mut Editor, script: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut clock = 0.0;
    Scenario::parse(script).unwrap().run(editor, &mut clock, &mut |_, s| steps.push(s.clone())).unwrap();
    steps
}

fn id(editor: &Editor, name: &str) -> WidgetId {
    editor.doc().find(name).unwrap_or_else(|| panic!("no {name}"))
}

fn rect(editor: &Editor, name: &str) -> Rect {
    editor.geometry().rect(id(editor, name)).unwrap()
}

/// Runs an action as a menu sends it.
fn act(editor: &mut Editor, action: Action) -> Step {
    editor.handle(&Event { t: 0.0, input: Input::Action(action) })
}

/// Selects widgets by name, as the layers tree does.
fn select(editor: &mut Editor, names: &[&str]) {
    let names = names.iter().map(|n| (*n).to_owned()).collect();
    let step = editor.handle(&Event { t: 0.0, input: Input::Select { names, mode: SelectMode::Replace } });
    assert!(step.status.is_empty() || !step.status.starts_with("no widget"), "{}", step.status);
}

fn names(editor: &Editor) -> Vec<String> {
    editor.selection().iter().map(|i| editor.doc().widget(*i).unwrap().name().to_owned()).collect()
}

fn event(input: Input) -> Event {
    Event { t: 0.0, input }
}

#[test]
fn click_shift_click_and_empty_click_select() {
    let mut e = Editor::new(design());
    run(&mut e, "click a");
    assert_eq!(names(&e), ["a"]);
    run(&mut e, "click b shift");
    assert_eq!(names(&e), ["a", "b"]);
    run(&mut e, "click a shift");
    assert_eq!(names(&e), ["b"], "shift-click on a selected widget deselects it");
    run(&mut e, "click 1000,700");
    assert!(e.selection().is_empty());
    run(&mut e, "key ctrl+a");
    assert_eq!(e.selection().len(), 4, "select all takes the window's children");
    run(&mut e, "key escape");
    assert!(e.selection().is_empty());
}

#[test]
fn marquee_selects_inside_or_touching_and_shows_its_rectangle() {
    let mut e = Editor::new(design());
    let steps = run(&mut e, "marquee 50,50 250,400");
    assert_eq!(names(&e), ["a", "b"]);
    let during = &steps[steps.len() - 2];
    assert_eq!(during.overlays.marquee, Some(Rect::new(50.0, 50.0, 200.0, 350.0)));
    run(&mut e, "marquee 50,50 450,130 touching");
    assert_eq!(names(&e), ["panel", "a"], "touching takes the panel it grazes");
    run(&mut e, "click 1000,700\nmarquee 50,50 250,200\nmarquee 50,250 250,400 shift");
    assert_eq!(names(&e), ["a", "b"], "shift adds to the selection");
}

#[test]
fn dragging_moves_live_as_one_undo_step_with_a_ghost() {
    let mut e = Editor::new(design());
    let before = e.doc().to_json_string();
    let steps = run(&mut e, "drag a by 137,43 steps 120 nosnap");
    assert_eq!(rect(&e, "a"), Rect::new(237.0, 143.0, 100.0, 40.0));
    let mid = &steps[60];
    let ghost = mid.overlays.ghost.as_ref().expect("a ghost follows the pointer");
    assert_eq!(ghost.kind, WidgetKind::Button);
    assert_eq!(mid.cursor, Some(Cursor::Grabbing));
    assert!(matches!(mid.damage, Damage::Regions(_)), "a drag frame redraws regions, not everything");
    assert_eq!(steps.last().unwrap().committed.as_deref(), Some("Move"));
    assert_eq!(e.doc().live_counts().undo_entries, 1);
    run(&mut e, "action undo");
    assert_eq!(e.doc().to_json_string(), before);
}

#[test]
fn escape_cancels_a_drag_and_leaves_the_document_as_it_was() {
    let mut e = Editor::new(design());
    let before = e.doc().to_json_string();
    let r = rect(&e, "a");
    let (x, y) = (r.x + 5.0, r.y + 5.0);
    e.handle(&event(Input::PointerDown { x, y, button: Button::Primary, modifiers: Modifiers::NONE }));
    for i in 1..20 {
        e.handle(&event(Input::PointerMove { x: x + i as f32 * 10.0, y, modifiers: Modifiers::NONE }));
    }
    assert_ne!(e.doc().to_json_string(), before);
    let step = e.handle(&event(Input::KeyDown { key: Key::Escape, modifiers: Modifiers::NONE }));
    assert_eq!(step.status, "cancelled");
    e.handle(&event(Input::PointerUp { x: 500.0, y, button: Button::Primary, modifiers: Modifiers::NONE }));
    assert_eq!(e.doc().to_json_string(), before);
    assert!(!e.doc().can_undo());
}

#[test]
fn snapping_aligns_with_guides_and_alt_turns_it_off() {
    let mut e = Editor::new(design());
    // a's left edge is 100; drag b so its left edge lands 3 px off it.
    let steps = run(&mut e, "drag b by 3,-100 steps 10");
    assert_eq!(rect(&e, "b").x, 100.0, "snapped back onto a's edge");
    let last_move = &steps[steps.len() - 2];
    assert!(last_move.overlays.guides.iter().any(|g| g.at == 100.0), "{:?}", last_move.overlays.guides);
    run(&mut e, "drag b by 3,0 steps 10 nosnap");
    assert_eq!(rect(&e, "b").x, 103.0);
    // Grid snapping where nothing is near.
    run(&mut e, "action undo\naction undo");
    act(&mut e, Action::SetGrid(Some(25.0)));
    run(&mut e, "drag b by 611,350 steps 10");
    let r = rect(&e, "b");
    assert_eq!((r.x % 25.0, r.y % 25.0), (0.0, 0.0), "{r:?}");
}

#[test]
fn arrows_nudge_by_one_or_ten_pixels() {
    let mut e = Editor::new(design());
    run(&mut e, "click a\nkey right\nkey right\nkey shift+down");
    assert_eq!(rect(&e, "a"), Rect::new(102.0, 110.0, 100.0, 40.0));
    assert_eq!(e.doc().live_counts().undo_entries, 3, "one step per key press");
}

/// An arrow moves along one axis and leaves the other as it was: a widget
/// with no `y` of its own keeps none, and a nudge right then left gives
/// back the very design (the saved file's hash), not one with `y: 0`.
/// (Nudges set only the axis moved along; the model already took setting
/// an unset `y` to its default as no change.)
#[test]
fn a_nudge_along_one_axis_leaves_the_other_as_it_was() {
    let mut doc = design();
    let root = doc.root();
    let tree = WidgetTree::bare(WidgetKind::Button)
        .named("c")
        .with(PropKey::X, n(600.0))
        .with(PropKey::Width, n(60.0))
        .with(PropKey::Height, n(30.0));
    doc.execute(Command::Insert { parent: root, index: None, tree }).unwrap();
    let mut e = Editor::new(doc);
    let before = e.doc().content_hash();
    run(&mut e, "click c\nkey right");
    let c = e.doc().widget(id(&e, "c")).unwrap();
    assert_eq!((c.get(PropKey::X), c.get(PropKey::Y)), (Some(&n(601.0)), None));
    run(&mut e, "key left");
    assert_eq!(e.doc().content_hash(), before, "right then left is no change");
    run(&mut e, "key shift+down");
    assert_eq!(rect(&e, "c").y, 10.0);
    assert_eq!(e.doc().widget(id(&e, "c")).unwrap().get(PropKey::X), Some(&n(600.0)));
}

#[test]
fn resize_handles_follow_shift_for_aspect_and_alt_for_centre() {
    let mut e = Editor::new(design());
    let steps = run(&mut e, "resize a se by 50,20");
    assert_eq!(rect(&e, "a"), Rect::new(100.0, 100.0, 150.0, 60.0));
    assert!(steps.iter().any(|s| s.overlays.handles.len() == 8));
    assert_eq!(steps.last().unwrap().committed.as_deref(), Some("Resize"));
    run(&mut e, "action undo\nresize a se by 100,0 shift");
    assert_eq!(rect(&e, "a"), Rect::new(100.0, 100.0, 200.0, 80.0), "shift keeps 5:2");
    run(&mut e, "action undo\nresize a e by 20,0 alt");
    assert_eq!(rect(&e, "a"), Rect::new(80.0, 100.0, 140.0, 40.0), "alt grows both sides");
    run(&mut e, "action undo\nresize a nw by 30,10");
    assert_eq!(rect(&e, "a"), Rect::new(130.0, 110.0, 70.0, 30.0));
}

#[test]
fn a_palette_drag_shows_where_it_lands_and_inserts_on_release() {
    let mut e = Editor::new(design());
    let steps = run(&mut e, "palette slider at 550,250");
    let during = &steps[steps.len() - 2];
    assert_eq!(during.overlays.ghost.as_ref().unwrap().kind, WidgetKind::Slider);
    assert_eq!(during.overlays.drop_target, e.geometry().content_rect(id(&e, "panel")));
    let slider = e.selection()[0];
    let w = e.doc().widget(slider).unwrap();
    assert_eq!(w.kind(), WidgetKind::Slider);
    assert_eq!(w.parent(), Some(id(&e, "panel")));
    let r = e.geometry().rect(slider).unwrap();
    assert_eq!((r.x + r.w / 2.0, r.y + r.h / 2.0), (550.0, 250.0), "centred under the pointer");
    // Into a row: at the insertion index, with a marker.
    // 195 is left of r1's middle (230): the checkbox goes before r1.
    let steps = run(&mut e, "palette checkbox at 195,520");
    assert!(steps[steps.len() - 2].overlays.insertion.is_some());
    let row = id(&e, "row");
    assert_eq!(e.doc().widget(e.doc().children(row)[1]).unwrap().kind(), WidgetKind::Checkbox);
    // Released outside the canvas: nothing happens.
    let count = e.doc().len();
    e.handle(&event(Input::PaletteDrag { kind: WidgetKind::Label }));
    e.handle(&event(Input::PointerMove { x: -50.0, y: 100.0, modifiers: Modifiers::NONE }));
    let step =
        e.handle(&event(Input::PointerUp { x: -50.0, y: 100.0, button: Button::Primary, modifiers: Modifiers::NONE }));
    assert!(step.status.contains("outside"));
    assert_eq!(e.doc().len(), count);
}

#[test]
fn dragging_into_and_out_of_containers_reparents_keeping_the_place() {
    let mut e = Editor::new(design());
    let panel = id(&e, "panel");
    run(&mut e, "drag a to 550,250 steps 30 nosnap");
    let a = id(&e, "a");
    assert_eq!(e.doc().parent(a), Some(panel));
    let r = rect(&e, "a");
    assert_eq!((r.x + r.w / 2.0, r.y + r.h / 2.0), (550.0, 250.0));
    // Into the row, between r0 and r1.
    run(&mut e, "drag a to 190,520 steps 30");
    let row = id(&e, "row");
    assert_eq!(e.doc().children(row)[1], a);
    assert!(e.doc().widget(a).unwrap().get(PropKey::X).is_none(), "a flowed widget keeps no position");
    // Out of the row onto the window.
    run(&mut e, "drag r2 to 900,650 steps 30 nosnap");
    assert_eq!(e.doc().parent(id(&e, "r2")), Some(e.doc().root()));
    assert_eq!(e.doc().children(row).len(), 3);
}

#[test]
fn reordering_inside_a_row_moves_by_the_insertion_marker() {
    let mut e = Editor::new(design());
    let steps = run(&mut e, "drag r0 to 400,520 steps 30");
    let row = id(&e, "row");
    let order: Vec<_> = e.doc().children(row).iter().map(|c| e.doc().widget(*c).unwrap().name().to_owned()).collect();
    assert_eq!(order, ["r1", "r2", "r0"]);
    assert!(steps[steps.len() - 2].overlays.insertion.is_some());
    assert!(
        steps[steps.len() - 2].status.contains("drop into 'row' at position 2"),
        "{}",
        steps[steps.len() - 2].status
    );
}

#[test]
fn duplicate_by_shortcut_and_by_alt_drag() {
    let mut e = Editor::new(design());
    run(&mut e, "click a\nkey ctrl+d");
    assert_eq!(names(&e), ["a_1"]);
    assert_eq!(rect(&e, "a_1"), Rect::new(116.0, 116.0, 100.0, 40.0));
    let steps = run(&mut e, "drag b by 0,200 steps 20 alt");
    assert_eq!(rect(&e, "b").y, 300.0, "the original stays");
    assert_eq!(rect(&e, "b_1").y, 500.0, "the copy moved");
    assert_eq!(steps.last().unwrap().committed.as_deref(), Some("Duplicate"));
    run(&mut e, "action undo");
    assert!(e.doc().find("b_1").is_none(), "one undo removes the alt-drag copy");
}

#[test]
fn copy_cut_and_paste_through_trellis_text() {
    let mut e = Editor::new(design());
    let steps = run(&mut e, "click a\nkey ctrl+c");
    let text = steps.iter().find_map(|s| s.clipboard.clone()).expect("copy hands text to the system clipboard");
    let clip = Document::from_json_bytes(text.as_bytes()).expect("the clipboard is a .trellis design");
    assert_eq!(clip.len(), 2);
    run(&mut e, "key ctrl+v");
    assert_eq!(rect(&e, "a_1"), Rect::new(116.0, 116.0, 100.0, 40.0));
    run(&mut e, "click b\nkey ctrl+x");
    assert!(e.doc().find("b").is_none());
    // The app pastes what the system clipboard holds, into the selected panel.
    run(&mut e, "click panel");
    e.handle(&event(Input::PasteText { text: text.clone() }));
    let pasted = e.selection()[0];
    assert_eq!(e.doc().parent(pasted), Some(id(&e, "panel")));
    let step = e.handle(&event(Input::PasteText { text: "not a design".into() }));
    assert!(step.status.contains("not a Trellis design"));
}

/// Pasting what the editor itself copied uses the design it wrote the
/// text from, not the text read again: the result is the same as pasting
/// that text from the system clipboard into an editor that never copied.
#[test]
fn pasting_the_editors_own_copy_equals_pasting_its_text() {
    let mut own = Editor::new(design());
    let steps = run(&mut own, "select a row panel\nkey ctrl+c\nclick panel\nkey ctrl+v\nkey ctrl+v");
    let text = steps.iter().find_map(|s| s.clipboard.clone()).unwrap();
    let mut read = Editor::new(design());
    run(&mut read, "click panel");
    read.handle(&event(Input::PasteText { text: text.clone() }));
    read.handle(&event(Input::PasteText { text }));
    assert_eq!(own.doc().to_json_string(), read.doc().to_json_string());
    assert_eq!(own.doc().len(), design().len() + 2 * 6);
}

#[test]
fn delete_group_ungroup_align_distribute_order_lock_and_hide() {
    let mut e = Editor::new(design());
    run(&mut e, "select a b\nkey ctrl+g");
    let group = e.selection()[0];
    assert_eq!(e.doc().widget(group).unwrap().kind(), WidgetKind::Panel);
    assert_eq!(e.doc().children(group).len(), 2);
    run(&mut e, "key ctrl+shift+g");
    assert_eq!(names(&e), ["a", "b"]);
    assert_eq!(rect(&e, "b"), Rect::new(100.0, 300.0, 100.0, 40.0), "ungroup keeps places");
    // Align right and distribute.
    run(&mut e, "resize b e by 50,0");
    select(&mut e, &["a", "b"]);
    act(&mut e, Action::Align(trellis_editor::AlignTo::Right));
    assert_eq!(rect(&e, "a").right(), rect(&e, "b").right());
    run(&mut e, "palette button at 300,700");
    let inserted = e.doc().widget(e.selection()[0]).unwrap().name().to_owned();
    select(&mut e, &["a", "b", &inserted]);
    act(&mut e, Action::DistributeVertically);
    let (a, b, c) = (rect(&e, "a"), rect(&e, "b"), e.geometry().rect(e.selection()[2]).unwrap());
    assert!(((b.y - a.bottom()) - (c.y - b.bottom())).abs() < 0.01, "{a:?} {b:?} {c:?}");
    // Z-order.
    run(&mut e, "click a\nkey ctrl+shift+]");
    assert_eq!(*e.doc().children(e.doc().root()).last().unwrap(), id(&e, "a"));
    // Lock: the canvas no longer selects it.
    run(&mut e, "key ctrl+shift+l\nclick 1000,700\nclick a");
    assert!(e.selection().is_empty(), "a locked widget is not selected by a click: {:?}", names(&e));
    // Hide and delete.
    run(&mut e, "click b\nkey ctrl+shift+h");
    assert!(e.geometry().is_hidden(id(&e, "b")));
    run(&mut e, "click panel\nkey delete");
    assert!(e.doc().find("panel").is_none());
}

#[test]
fn zoom_and_pan_change_the_view_and_redraw_everything() {
    let mut e = Editor::new(design());
    // The first step lays everything out: all of it is new.
    let first = e.handle(&event(Input::PointerMove { x: 1.0, y: 1.0, modifiers: Modifiers::NONE }));
    assert_eq!(first.damage, Damage::All);
    let anchor = e.viewport().to_design(300.0, 200.0);
    let step = e.handle(&event(Input::Wheel { x: 300.0, y: 200.0, dx: 0.0, dy: 300.0, modifiers: Modifiers::CTRL }));
    assert!(e.viewport().zoom > 1.5);
    let after = e.viewport().to_design(300.0, 200.0);
    assert!(
        (anchor.x - after.x).abs() < 0.01 && (anchor.y - after.y).abs() < 0.01,
        "zoom keeps the point under the pointer"
    );
    assert_eq!(step.damage, Damage::View, "a new view redraws all of the canvas without rebuilding what draws it");
    run(&mut e, "key ctrl+0");
    assert_eq!(e.viewport().zoom, 1.0);
    let origin = e.viewport().origin;
    e.handle(&event(Input::Wheel { x: 0.0, y: 0.0, dx: 0.0, dy: 100.0, modifiers: Modifiers::NONE }));
    assert_eq!(e.viewport().origin.y, origin.y - 100.0);
    // Space-drag pans.
    e.handle(&event(Input::KeyDown { key: Key::Space, modifiers: Modifiers::NONE }));
    e.handle(&event(Input::PointerDown { x: 100.0, y: 100.0, button: Button::Primary, modifiers: Modifiers::NONE }));
    e.handle(&event(Input::PointerMove { x: 150.0, y: 100.0, modifiers: Modifiers::NONE }));
    e.handle(&event(Input::PointerUp { x: 150.0, y: 100.0, button: Button::Primary, modifiers: Modifiers::NONE }));
    e.handle(&event(Input::KeyUp { key: Key::Space, modifiers: Modifiers::NONE }));
    assert_eq!(e.viewport().origin.x, origin.x - 50.0);
    // Middle button pans too, and nothing was edited.
    e.handle(&event(Input::PointerDown { x: 100.0, y: 100.0, button: Button::Middle, modifiers: Modifiers::NONE }));
    e.handle(&event(Input::PointerMove { x: 100.0, y: 130.0, modifiers: Modifiers::NONE }));
    e.handle(&event(Input::PointerUp { x: 100.0, y: 130.0, button: Button::Middle, modifiers: Modifiers::NONE }));
    assert!(!e.doc().can_undo());
    // A broken wheel event cannot poison the view.
    let view = *e.viewport();
    e.handle(&event(Input::Wheel { x: f32::NAN, y: 0.0, dx: 0.0, dy: 1.0, modifiers: Modifiers::CTRL }));
    assert_eq!(*e.viewport(), view);
    run(&mut e, "key shift+1");
    let seen = e.viewport().visible();
    let b = e.geometry().bounds();
    assert!(seen.x <= b.x && seen.right() >= b.right(), "zoom to fit shows the whole design");
}

#[test]
fn a_drag_frame_reports_damage_around_the_old_and_new_places() {
    let mut e = Editor::new(design());
    let before = rect(&e, "a");
    let steps = run(&mut e, "drag a by 40,0 steps 4 nosnap");
    let frame = &steps[2];
    let bounds = frame.damage.bounds().expect("regions");
    assert!(bounds.x <= before.x + 10.0 && bounds.right() >= before.right() + 10.0, "{bounds:?}");
    assert!(bounds.w < 400.0, "only around what moved: {bounds:?}");
}

#[test]
fn hover_highlights_the_widget_under_the_pointer() {
    let mut e = Editor::new(design());
    let r = rect(&e, "b");
    let step = e.handle(&event(Input::PointerMove { x: r.x + 3.0, y: r.y + 3.0, modifiers: Modifiers::NONE }));
    assert_eq!(step.overlays.hover, Some(r));
    assert_eq!(step.cursor, Some(Cursor::Move));
    let _ = Point::new(0.0, 0.0);
    let _ = LayoutMode::Absolute;
}

#[test]
fn a_failed_resize_does_not_leave_its_error_in_the_status() {
    let mut e = Editor::new(design());
    // Wider than the model allows any widget to be: every step is refused.
    let steps = run(&mut e, "resize a e by 5000000,0 steps 3");
    let statuses: Vec<&str> = steps.iter().map(|s| s.status.as_str()).collect();
    assert!(statuses.iter().any(|s| s.contains("cannot resize")), "the refusal is shown when it happens: {statuses:?}");
    assert_eq!(rect(&e, "a").w, 100.0, "the refused size is not applied");
    let released = statuses.last().unwrap();
    assert!(!released.contains("cannot resize"), "the release says what is, not what failed: {released}");
    let clicked = run(&mut e, "click b");
    let status = &clicked.last().unwrap().status;
    assert!(status.contains("'b'") && !status.contains("cannot resize"), "{status}");
}

/// Replays and scripts can send many moves with one timestamp; the trail
/// ages by time, so it must also be capped by count, or every step copies
/// all the moves before it (100,000 such moves took 4.5 s to replay).
#[test]
fn pointer_moves_at_one_instant_keep_a_bounded_trail() {
    let mut editor = Editor::new(design());
    let mut longest = 0;
    for i in 0..5_000 {
        let x = 10.0 + (i % 700) as f32;
        let step = editor
            .handle(&Event { t: 1_000.0, input: Input::PointerMove { x, y: 20.0, modifiers: Modifiers::default() } });
        longest = longest.max(step.overlays.trail.len());
    }
    assert!(longest > 1, "the trail still follows the pointer");
    assert!(longest <= 64, "the trail kept {longest} points");
}

#[test]
fn palette_insert_goes_into_the_named_or_selected_container_and_is_selected() {
    let mut editor = Editor::new(design());
    // Named container, at an index: the new widget lands there, selected.
    run(&mut editor, "insert checkbox into row at 1");
    let row = id(&editor, "row");
    let inserted = editor.selection()[0];
    assert_eq!(editor.doc().parent(inserted), Some(row));
    assert_eq!(editor.doc().index_in_parent(inserted), Some(1));
    assert_eq!(editor.doc().widget(inserted).unwrap().kind(), WidgetKind::Checkbox);
    // No container named: the selected widget's container takes it.
    select(&mut editor, &["r0"]);
    editor.handle(&event(Input::Insert { kind: WidgetKind::Label, parent: None, index: None }));
    assert_eq!(editor.doc().parent(editor.selection()[0]), Some(row));
    // A placed container cascades new widgets instead of stacking them.
    select(&mut editor, &["panel"]);
    editor.handle(&event(Input::Insert { kind: WidgetKind::Button, parent: None, index: None }));
    let first = rect(&editor, &names(&editor)[0]);
    select(&mut editor, &["panel"]);
    editor.handle(&event(Input::Insert { kind: WidgetKind::Button, parent: None, index: None }));
    assert_ne!(rect(&editor, &names(&editor)[0]), first);
    // A leaf is not a container: refused, nothing changes.
    let len = editor.doc().len();
    let step = editor.handle(&event(Input::Insert { kind: WidgetKind::Label, parent: Some("a".into()), index: None }));
    assert!(step.status.contains("holds no widgets"), "{}", step.status);
    assert_eq!(editor.doc().len(), len);
    // One undo step per insert.
    act(&mut editor, Action::Undo);
    assert_eq!(editor.doc().len(), len - 1);
}
