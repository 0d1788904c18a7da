//! The panels driven as a user drives them, through egui_kittest: clicks,
//! typing and keys on the accessibility tree. Every edit they make must
//! reach the design as an editor event, and undo must take it back.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use trellis_app::Workbench;
use trellis_app::ui::{self, Hud};
use trellis_editor::{Input, SelectMode};
use trellis_model::{Document, PropKey, WidgetKind};

fn bench_on(doc: Document) -> Harness<'static, Workbench> {
    let mut wb = Workbench::new(doc, None, None, None);
    // Trellis's own dialog, on a developer's desktop too.
    wb.set_native_dialog(None);
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

    // Reorder by a pointer drag: the renamed row, dropped on the top edge
    // of the first row, goes before it.
    // The rows' labels (the inspector's Name field and the status bar show
    // the selected name too): the first row's, then its sibling's nearest to it.
    let rows = |h: &Harness<'_, Workbench>, name: &str| -> Vec<egui::Rect> {
        h.get_all_by_label(name).map(|n| n.rect()).filter(|r| r.center().x < ui::LEFT_PANEL).collect()
    };
    let target = rows(&h, &first)[0];
    let from = rows(&h, "renamed_row")
        .into_iter()
        .min_by(|a, b| (a.center().y - target.center().y).abs().total_cmp(&(b.center().y - target.center().y).abs()))
        .expect("the renamed row is shown")
        .center();
    let to = egui::pos2(from.x, target.top() + 0.5);
    let button = |pos: egui::Pos2, pressed: bool| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(from));
    h.run();
    h.event(button(from, true));
    h.run();
    for i in 1..=6 {
        h.event(egui::Event::PointerMoved(from + (to - from) * (i as f32 / 6.0)));
        h.run();
    }
    assert!(egui::DragAndDrop::has_any_payload(&h.ctx), "the row is being dragged");
    h.event(button(to, false));
    h.run();
    let doc = h.state().editor().doc();
    assert_eq!(doc.widget(doc.parent(doc.find("renamed_row").unwrap()).unwrap()).unwrap().name(), parent);
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

/// What the canvas test's harness holds: the workbench, the canvas's
/// texture as egui knows it, and where the panels put the canvas.
struct CanvasShown {
    wb: Workbench,
    texture: Option<egui::TextureId>,
    canvas: egui::Rect,
}

/// The canvas in the picture: kittest renders with egui-wgpu on the
/// renderer's own device, our frame texture registered with it as a native
/// texture, as the window does under egui's popups. egui-wgpu samples a
/// native texture as gamma-space values; the canvas texture holds
/// sRGB-encoded values in a linear format, so what egui shows must be what
/// `trellis render` reads back, colour for colour.
#[test]
fn the_canvas_shown_through_egui_wgpu_has_the_colours_of_trellis_render() {
    let (gpu, probe) = trellis_render::open(trellis_render::backend_override().unwrap());
    let Some(gpu) = gpu else {
        let required = std::env::var("TRELLIS_REQUIRE_GPU").is_ok_and(|v| v == "1");
        assert!(!required, "TRELLIS_REQUIRE_GPU=1 but no adapter works: {}", probe.reason);
        eprintln!("skipped: no GPU adapter ({})", probe.reason);
        return;
    };
    let target = wgpu::TextureFormat::Rgba8Unorm;
    let render_state = egui_wgpu::RenderState {
        adapter: gpu.adapter.clone(),
        available_adapters: Vec::new(),
        instance: gpu.instance.clone(),
        device: gpu.device.clone(),
        queue: gpu.queue.clone(),
        target_format: target,
        renderer: std::sync::Arc::new(egui::mutex::RwLock::new(egui_wgpu::Renderer::new(
            &gpu.device,
            target,
            egui_wgpu::RendererOptions::PREDICTABLE,
        ))),
    };
    let renderer = trellis_render::Renderer::Gpu(Box::new(trellis_render::GpuRenderer::new(gpu)));
    let mut wb = Workbench::new(trellis_model::demo_design(), None, Some(renderer), None);
    wb.use_bundled_assets();
    let state = CanvasShown { wb, texture: None, canvas: egui::Rect::NOTHING };
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .renderer(egui_kittest::wgpu::WgpuTestRenderer::from_render_state(render_state.clone()))
        .build_ui_state(
            |ui, s: &mut CanvasShown| {
                let hud = Hud::default();
                s.canvas = ui::show(ui, &mut s.wb, s.texture, &hud).canvas;
            },
            state,
        );
    h.run();
    let canvas = h.state().canvas;
    let (width, height) = (canvas.width().floor(), canvas.height().floor());
    let s = h.state_mut();
    s.wb.send(Input::Viewport { width, height, scale: 1.0 });
    s.wb.send(Input::Action(trellis_editor::Action::ZoomToFit));
    let step = s.wb.step().clone();
    s.wb.canvas_mut().draw(&step, 0.0, true).expect("the canvas draws");
    let Some(trellis_render::Renderer::Gpu(g)) = s.wb.canvas().renderer() else { unreachable!() };
    let frame = g.frame_texture().expect("a frame was drawn").clone();
    let view = frame.create_view(&wgpu::TextureViewDescriptor::default());
    let id =
        render_state.renderer.write().register_native_texture(&render_state.device, &view, wgpu::FilterMode::Nearest);
    s.texture = Some(id);
    h.run();
    assert_eq!(h.state().canvas, canvas, "the canvas stayed where it was");
    let shown = h.render().expect("kittest renders with egui-wgpu");
    let expected = h.state_mut().wb.canvas_mut().renderer_mut().unwrap().read_frame().expect("the frame reads back");
    assert_eq!((expected.width(), expected.height()), (width as u32, height as u32));

    // Mean difference per channel over the canvas, and the share of pixels
    // off by more than a rounding step.
    let (x0, y0) = (canvas.min.x.round() as u32, canvas.min.y.round() as u32);
    let (mut sum, mut off, mut n) = (0u64, 0u64, 0u64);
    for y in 0..expected.height() {
        for x in 0..expected.width() {
            let e = expected.pixel(x, y).unwrap().demultiply();
            let s = shown.get_pixel(x0 + x, y0 + y).0;
            let d = [e.red().abs_diff(s[0]), e.green().abs_diff(s[1]), e.blue().abs_diff(s[2])];
            sum += d.iter().map(|v| u64::from(*v)).sum::<u64>();
            off += u64::from(d.iter().any(|v| *v > 2));
            n += 1;
        }
    }
    let mean = sum as f64 / (3 * n) as f64;
    let share = off as f64 / n as f64;
    assert!(mean < 1.0, "the canvas egui shows differs from trellis render by {mean:.2} per channel on average");
    assert!(share < 0.01, "{:.1} % of the canvas's pixels differ by more than 2", share * 100.0);
}

/// A stand-in for the desktop's `zenity`: it writes its arguments to
/// `args.txt` beside it, prints `answer` and exits with `code`.
fn fake_zenity(dir: &std::path::Path, name: &str, answer: &str, code: i32) -> trellis_app::NativeDialogTool {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    let args = dir.join("args.txt");
    let script =
        format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nprintf '%s\\n' '{answer}'\nexit {code}\n", args.display());
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    trellis_app::NativeDialogTool { program: trellis_app::DialogProgram::Zenity, path }
}

/// Runs the panels until `done` holds (the dialog answers from its own thread).
fn run_until(h: &mut Harness<'_, Workbench>, what: &str, done: impl Fn(&Workbench) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !done(h.state()) {
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.run();
    }
}

#[test]
fn the_desktops_file_dialog_opens_the_chosen_design_cancel_keeps_it_and_a_broken_one_falls_back() {
    let dir = tempfile::tempdir().unwrap();
    let start = dir.path().join("start.trellis.json");
    Document::new().save(&start).unwrap();
    let picked = dir.path().join("picked.trellis.json");
    trellis_model::demo_design().save(&picked).unwrap();
    let wb = Workbench::new(Document::load(&start).unwrap(), Some(start.clone()), None, None);
    let mut h = Harness::builder().with_size([1280.0, 800.0]).build_ui_state(
        |ui, wb: &mut Workbench| {
            ui::show(ui, wb, None, &Hud::default());
        },
        wb,
    );
    h.state_mut().set_native_dialog(Some(fake_zenity(dir.path(), "zenity", &picked.display().to_string(), 0)));
    h.run();

    // File > Open… asks the desktop's dialog, which starts in the open file's folder.
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Open…").click();
    h.run();
    assert!(h.state().builtin_dialog().is_none(), "no in-app dialog while the desktop's asks");
    run_until(&mut h, "the chosen design to open", |wb| wb.file() == Some(picked.as_path()));
    let args = std::fs::read_to_string(dir.path().join("args.txt")).unwrap();
    assert!(args.contains("--file-selection"), "{args}");
    assert!(args.contains(&format!("--filename={}/", dir.path().display())), "{args}");
    assert!(args.contains("*.trellis.json"), "{args}");
    assert!(h.state().editor().doc().len() > 10, "the demo was loaded");

    // Cancelled: the open design stays, and nothing else opens.
    h.state_mut().set_native_dialog(Some(fake_zenity(dir.path(), "zenity-cancel", "", 1)));
    h.state_mut().choose_file(ui::FileDialogMode::Open);
    run_until(&mut h, "the cancel", |wb| !wb.native_dialog_open());
    assert_eq!(h.state().file(), Some(picked.as_path()));
    assert!(h.state().builtin_dialog().is_none());

    // A dialog program that fails: Trellis's own dialog asks instead, with a notice.
    h.state_mut().set_native_dialog(Some(fake_zenity(dir.path(), "zenity-broken", "", 5)));
    h.state_mut().choose_file(ui::FileDialogMode::Save);
    run_until(&mut h, "the fallback", |wb| !wb.native_dialog_open());
    let dialog = h.state().builtin_dialog().expect("the in-app dialog opened instead");
    assert_eq!(dialog.mode, ui::FileDialogMode::Save);
    h.run();
    assert!(h.query_by_label("The desktop's file dialog did not open").is_some(), "the notice says why");
}

/// A stand-in dialog that stays open: it writes its process id to
/// `pid.txt` beside it and waits, as a user who has not answered yet.
fn waiting_zenity(dir: &std::path::Path) -> (trellis_app::NativeDialogTool, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("zenity-waiting");
    let pid = dir.join("pid.txt");
    // `exec`: the process Trellis started is the one that waits.
    let script = format!("#!/bin/sh\necho $$ > '{}'\nexec sleep 60\n", pid.display());
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    (trellis_app::NativeDialogTool { program: trellis_app::DialogProgram::Zenity, path }, pid)
}

#[test]
fn quitting_closes_the_desktops_file_dialog_that_is_still_open() {
    let dir = tempfile::tempdir().unwrap();
    // A saved design: quitting asks nothing.
    let file = dir.path().join("saved.trellis.json");
    Document::new().save(&file).unwrap();
    let mut wb = Workbench::new(Document::load(&file).unwrap(), Some(file), None, None);
    let (tool, pid_file) = waiting_zenity(dir.path());
    wb.set_native_dialog(Some(tool));
    wb.choose_file(ui::FileDialogMode::Open);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let pid = loop {
        if let Some(pid) = std::fs::read_to_string(&pid_file).ok().and_then(|s| s.trim().parse::<u32>().ok()) {
            break pid;
        }
        assert!(std::time::Instant::now() < deadline, "the dialog program did not start");
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let proc_dir = std::path::PathBuf::from(format!("/proc/{pid}"));
    assert!(proc_dir.exists(), "the dialog is open");
    wb.request(trellis_app::Pending::Quit);
    assert!(!wb.native_dialog_open());
    // Killed, then reaped by its thread: its process entry goes away.
    while proc_dir.exists() {
        assert!(std::time::Instant::now() < deadline, "the dialog {pid} is still running after quit");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    drop(wb);
}

#[test]
fn a_save_as_answer_is_not_used_for_a_design_opened_while_the_dialog_was_open() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("meant-for-the-first.trellis.json");
    // The dialog answers after a moment, as a user would.
    let slow = dir.path().join("zenity-slow");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(&slow, format!("#!/bin/sh\nsleep 0.5\nprintf '%s\\n' '{}'\n", target.display())).unwrap();
        std::fs::set_permissions(&slow, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // A saved design: opening another asks nothing.
    let file = dir.path().join("saved.trellis.json");
    Document::new().save(&file).unwrap();
    let wb = Workbench::new(Document::load(&file).unwrap(), Some(file), None, None);
    let mut h = Harness::builder().with_size([1280.0, 800.0]).build_ui_state(
        |ui, wb: &mut Workbench| {
            ui::show(ui, wb, None, &Hud::default());
        },
        wb,
    );
    h.state_mut().set_native_dialog(Some(trellis_app::NativeDialogTool {
        program: trellis_app::DialogProgram::Zenity,
        path: slow,
    }));
    h.state_mut().choose_file(ui::FileDialogMode::Save);
    // While it is open, another design replaces the first (File > Open Demo).
    h.state_mut().request(trellis_app::Pending::Demo);
    assert!(h.state().editor().doc().len() > 10, "the demo replaced the empty design");
    run_until(&mut h, "the dialog's answer", |wb| !wb.native_dialog_open());
    assert!(!target.exists(), "the demo was saved under the name chosen for the first design");
    assert_eq!(h.state().file(), None);
    h.run();
    assert!(h.query_by_label("The design was not saved").is_some(), "the notice says why");
}

#[test]
fn the_preview_runs_the_design_as_widgets_and_leaves_the_document_untouched() {
    let mut h = demo();
    h.run();
    let revision = h.state().editor().doc().revision();
    let json = h.state().editor().doc().to_json_string();
    h.get_by_label("Preview").click();
    h.run();
    assert!(h.state().preview().is_some(), "the toolbar's Preview turns it on");
    // The design's own Back button, clicked in the running design.
    h.get_by_label("Back").click();
    h.run();
    let preview = h.state().preview().expect("still previewing");
    assert!(preview.events.iter().any(|e| e.widget == "back_button" && e.what == "clicked"), "{:?}", preview.events);
    // A tab of the design, chosen: its value changes in the preview only.
    let doc = h.state().editor().doc();
    assert_eq!(preview.value(doc, "settings_tabs"), Some(&trellis_preview::Value::Tab(0)));
    assert!(h.query_by_label("Display name").is_some(), "the Profile page shows first");
    h.get_by_label("Preferences").click();
    h.run();
    let wb = h.state();
    let shown = wb.preview().and_then(|p| p.value(wb.editor().doc(), "settings_tabs")).cloned();
    assert_eq!(shown, Some(trellis_preview::Value::Tab(1)), "the tab switches in the preview");
    assert!(h.query_by_label("Display name").is_none(), "the Profile page gives way to the Preferences page");
    assert!(h.query_by_label("Values").is_some(), "the side panel lists the values");
    // The layers tree is disabled meanwhile: a click selects nothing.
    let selected = h.state().editor().selection().len();
    h.get_by_label("toolbar").click();
    h.run();
    assert_eq!(h.state().editor().selection().len(), selected, "the preview cannot select or edit");
    // ctrl+P leaves the preview: the document is as it was.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::P);
    h.run();
    let wb = h.state();
    assert!(wb.preview().is_none());
    assert_eq!(wb.editor().doc().revision(), revision);
    assert_eq!(wb.editor().doc().to_json_string(), json);
}

#[test]
fn file_export_writes_each_target_and_remembers_the_last_one_per_design() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("settings.trellis.json");
    let mut doc = trellis_model::demo_design();
    doc.save(&design).unwrap();
    for (name, bytes) in trellis_model::DEMO_IMAGES {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let state = dir.path().join("state");
    let open = |state: &std::path::Path| {
        let doc = Document::load(&design).unwrap();
        let mut wb =
            Workbench::new(doc, Some(design.clone()), None, Some(trellis_app::SessionDir::at(state.to_owned())));
        wb.set_native_dialog(None);
        Harness::builder().with_size([1280.0, 800.0]).build_ui_state(
            |ui, wb: &mut Workbench| {
                ui::show(ui, wb, None, &Hud::default());
            },
            wb,
        )
    };
    let mut h = open(&state);
    h.run();
    assert!(h.state().last_export().is_none());
    // File > Export > Slint component…: the in-app dialog proposes a name
    // beside the design; Export writes it.
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Export").click();
    h.run();
    h.get_by_label("Slint component (.slint)…").click();
    h.run();
    assert_eq!(h.state().builtin_dialog().map(|d| d.name.as_str()), Some("settings.slint"));
    h.get_by_label("Export").click();
    h.run();
    let slint = dir.path().join("settings.slint");
    let text = std::fs::read_to_string(&slint).expect("the component is written");
    assert!(text.starts_with("// Generated by Trellis") && text.contains("export component Settings inherits Window"));
    assert!(h.query_by_label_contains("50 widgets exported to").is_some(), "a notice says what was written");
    let last = h.state().last_export().cloned().expect("remembered");
    assert_eq!(last.target, trellis_app::exports::ExportTarget::Slint);

    // The egui module, then the page: the last one is what "Export again" repeats.
    h.state_mut().export_to(trellis_app::exports::ExportTarget::Egui, &dir.path().join("ui.rs"));
    let page = dir.path().join("site");
    h.state_mut().export_to(trellis_app::exports::ExportTarget::Html, &page);
    assert!(std::fs::read_to_string(dir.path().join("ui.rs")).unwrap().contains("pub struct Settings"));
    assert!(page.join("index.html").is_file() && page.join("images/1-avatar.png").is_file());
    std::fs::remove_dir_all(&page).unwrap();

    // A new window on the same design remembers, across runs.
    let mut h = open(&state);
    h.run();
    assert_eq!(h.state().last_export().map(|l| l.target), Some(trellis_app::exports::ExportTarget::Html));
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Export").click();
    h.run();
    h.get_by_label_contains("Export again").click();
    h.run();
    assert!(page.join("index.html").is_file(), "Export again wrote the page where it went last");
    h.get_by_label("OK").click();
    h.run();
    // An export that cannot be written says why, and nothing is remembered of it.
    std::fs::write(dir.path().join("taken"), "mine").unwrap();
    h.state_mut().export_to(trellis_app::exports::ExportTarget::Html, &dir.path().join("taken"));
    h.run();
    assert!(h.query_by_label("The design was not exported").is_some());
    assert_eq!(std::fs::read_to_string(dir.path().join("taken")).unwrap(), "mine");
}

#[test]
fn the_preview_shows_the_designs_pictures_from_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("demo.trellis.json");
    trellis_model::demo_design().save(&design).unwrap();
    for (name, bytes) in trellis_model::DEMO_IMAGES {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let mut wb = Workbench::new(Document::load(&design).unwrap(), Some(design.clone()), None, None);
    wb.set_preview(true);
    let mut h = Harness::builder().with_size([1800.0, 1000.0]).build_ui_state(
        |ui, wb: &mut Workbench| {
            ui::show(ui, wb, None, &Hud::default());
        },
        wb,
    );
    h.run();
    assert_eq!(h.state().preview().map(trellis_preview::Preview::loaded_images), Some(1), "the avatar is shown");
}

/// Regression: selecting a widget deep in a long design opens its
/// ancestors in the layers tree and scrolls the tree to its row. The
/// offset asked for could lie past the tree's end, so the tree sprang back
/// and then coasted at sub-pixel speed for seconds, and the idle editor
/// drew about a hundred frames a second (`trellis bench window --widgets
/// 2000` counted 180 to 320 frames in its two idle seconds).
#[test]
fn revealing_a_row_near_the_trees_end_settles_without_frames_after() {
    let doc = trellis_model::generate(2000, 1);
    let names: Vec<String> = doc.iter().map(|w| w.name().to_owned()).collect();
    let mut h = bench_on(doc);
    h.run();
    for name in names.iter().rev().take(3) {
        h.state_mut().send(Input::Select { names: vec![name.clone()], mode: SelectMode::Replace });
        assert!(h.try_run().is_ok(), "selecting {name}: egui still asks for frames");
        assert_eq!(h.state().selected_names(), vec![name.clone()]);
        let roles: Vec<Role> = h.query_all_by_label(name).map(|n| n.accesskit_node().role()).collect();
        assert!(roles.iter().any(|r| *r != Role::TextInput), "{name}'s row is shown in the tree: {roles:?}");
    }
}
