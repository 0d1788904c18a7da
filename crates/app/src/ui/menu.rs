//! The menu bar and the toolbar: every action the editor has, reachable by
//! the mouse, each sent as the editor's own [`Action`].

use trellis_editor::{Action, AlignTo, Input};

use super::{FileDialogMode, WindowRequest, send};
use crate::workbench::{Pending, Workbench};

/// Grid sizes the View menu offers.
const GRIDS: [f32; 4] = [4.0, 8.0, 10.0, 16.0];

pub(super) fn bar(ui: &mut egui::Ui, wb: &mut Workbench) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu(ui, wb));
        // The live preview leaves the document as it is.
        let editing = wb.panel.preview.is_none();
        ui.add_enabled_ui(editing, |ui| {
            ui.menu_button("Edit", |ui| edit_menu(ui, wb));
            ui.menu_button("Arrange", |ui| arrange_menu(ui, wb));
        });
        ui.menu_button("View", |ui| view_menu(ui, wb));
        ui.menu_button("Debug", |ui| {
            if ui.button("Heads-up display (F12)").clicked() {
                wb.panel.hud_open = !wb.panel.hud_open;
            }
            let lose = egui::Button::new("Lose the GPU device").shortcut_text("Ctrl+Alt+Shift+L");
            if ui.add(lose).on_hover_text("As a driver reset would: the app rebuilds it").clicked() {
                wb.panel.requests.push(WindowRequest::LoseDevice);
            }
        });
    });
}

fn file_menu(ui: &mut egui::Ui, wb: &mut Workbench) {
    if ui.button("New").clicked() {
        wb.request(Pending::New);
    }
    if ui.button("Open…").clicked() {
        wb.choose_file(FileDialogMode::Open);
    }
    ui.menu_button("Open recent", |ui| {
        if wb.recent.is_empty() {
            ui.label("no recent files");
        }
        for path in wb.recent.clone() {
            if ui.button(path.display().to_string()).clicked() {
                wb.request(Pending::Open(path));
            }
        }
    });
    if ui.button("Open the demo").clicked() {
        wb.request(Pending::Demo);
    }
    ui.separator();
    if ui.button("Save").clicked() {
        wb.save();
    }
    if ui.button("Save as…").clicked() {
        wb.choose_file(FileDialogMode::Save);
    }
    ui.menu_button("Export", |ui| {
        for target in crate::exports::ExportTarget::ALL {
            if ui.button(format!("{}…", target.label())).clicked() {
                wb.choose_export(target);
            }
        }
        if let Some(last) = wb.last_export().cloned() {
            ui.separator();
            let again = format!("Export again: {} to {}", last.target.label(), last.out.display());
            if ui.button(again).on_hover_text("The same target and place as the last export of this design").clicked() {
                wb.export_to(last.target, &last.out);
            }
        }
    });
    ui.separator();
    if ui.button("Quit").clicked() {
        wb.request(Pending::Quit);
    }
}

fn action(ui: &mut egui::Ui, wb: &mut Workbench, label: &str, shortcut: &str, a: Action) {
    let button = egui::Button::new(label).shortcut_text(shortcut);
    if ui.add(button).clicked() {
        send(wb, Input::Action(a));
    }
}

fn edit_menu(ui: &mut egui::Ui, wb: &mut Workbench) {
    action(ui, wb, "Undo", "Ctrl+Z", Action::Undo);
    action(ui, wb, "Redo", "Ctrl+Shift+Z", Action::Redo);
    ui.separator();
    action(ui, wb, "Cut", "Ctrl+X", Action::Cut);
    action(ui, wb, "Copy", "Ctrl+C", Action::Copy);
    action(ui, wb, "Paste", "Ctrl+V", Action::Paste);
    action(ui, wb, "Duplicate", "Ctrl+D", Action::Duplicate);
    action(ui, wb, "Delete", "Del", Action::Delete);
    ui.separator();
    action(ui, wb, "Select all", "Ctrl+A", Action::SelectAll);
    action(ui, wb, "Select none", "Esc", Action::ClearSelection);
}

fn arrange_menu(ui: &mut egui::Ui, wb: &mut Workbench) {
    ui.menu_button("Align", |ui| {
        for (label, a) in [
            ("Left edges", AlignTo::Left),
            ("Horizontal centres", AlignTo::HorizontalCenter),
            ("Right edges", AlignTo::Right),
            ("Top edges", AlignTo::Top),
            ("Vertical centres", AlignTo::VerticalCenter),
            ("Bottom edges", AlignTo::Bottom),
        ] {
            action(ui, wb, label, "", Action::Align(a));
        }
    });
    action(ui, wb, "Distribute horizontally", "", Action::DistributeHorizontally);
    action(ui, wb, "Distribute vertically", "", Action::DistributeVertically);
    ui.separator();
    action(ui, wb, "Bring to front", "", Action::BringToFront);
    action(ui, wb, "Bring forward", "", Action::BringForward);
    action(ui, wb, "Send backward", "", Action::SendBackward);
    action(ui, wb, "Send to back", "", Action::SendToBack);
    ui.separator();
    action(ui, wb, "Group", "Ctrl+G", Action::Group);
    action(ui, wb, "Ungroup", "Ctrl+Shift+G", Action::Ungroup);
    ui.separator();
    action(ui, wb, "Lock / unlock", "", Action::ToggleLock);
    action(ui, wb, "Hide / show", "", Action::ToggleHidden);
}

fn view_menu(ui: &mut egui::Ui, wb: &mut Workbench) {
    action(ui, wb, "Zoom to fit", "Shift+1", Action::ZoomToFit);
    action(ui, wb, "Zoom to 100 %", "Ctrl+0", Action::ZoomTo100);
    zoom_buttons(ui, wb);
    ui.separator();
    let settings = wb.editor().settings().clone();
    let mut snapping = settings.snapping;
    if ui.checkbox(&mut snapping, "Snapping").changed() {
        send(wb, Input::Action(Action::SetSnapping(snapping)));
    }
    ui.menu_button("Grid", |ui| {
        if ui.radio(settings.grid.is_none(), "None").clicked() {
            send(wb, Input::Action(Action::SetGrid(None)));
        }
        for g in GRIDS {
            if ui.radio(settings.grid == Some(g), format!("{g} px")).clicked() {
                send(wb, Input::Action(Action::SetGrid(Some(g))));
            }
        }
    });
    ui.separator();
    let mut dark = wb.panel.dark;
    if ui.checkbox(&mut dark, "Dark theme").changed() {
        wb.panel.requests.push(WindowRequest::Theme);
    }
}

/// Zoom in and out around the canvas's centre, as ctrl+wheel does.
fn zoom_buttons(ui: &mut egui::Ui, wb: &mut Workbench) {
    let vp = *wb.editor().viewport();
    let (cx, cy) = (vp.width / 2.0, vp.height / 2.0);
    let ctrl = trellis_editor::Modifiers::CTRL;
    if ui.button("Zoom in").clicked() {
        send(wb, Input::Wheel { x: cx, y: cy, dx: 0.0, dy: 120.0, modifiers: ctrl });
    }
    if ui.button("Zoom out").clicked() {
        send(wb, Input::Wheel { x: cx, y: cy, dx: 0.0, dy: -120.0, modifiers: ctrl });
    }
}

pub(super) fn toolbar(ui: &mut egui::Ui, wb: &mut Workbench) {
    ui.horizontal(|ui| {
        let previewing = wb.panel.preview.is_some();
        let toggle = egui::Button::selectable(previewing, "Preview");
        if ui
            .add(toggle)
            .on_hover_text("Run the design as real widgets (Ctrl+P); again to go back to editing")
            .clicked()
        {
            super::toggle_preview(wb);
        }
        ui.separator();
        if wb.panel.preview.is_some() {
            // Only leaving the preview: the rest edits the design.
            return;
        }
        if ui.button("New").clicked() {
            wb.request(Pending::New);
        }
        if ui.button("Open").clicked() {
            wb.choose_file(FileDialogMode::Open);
        }
        if ui.button("Save").clicked() {
            wb.save();
        }
        ui.separator();
        let doc = wb.editor().doc();
        let (can_undo, can_redo) = (doc.undo_label().is_some(), doc.redo_label().is_some());
        if ui.add_enabled(can_undo, egui::Button::new("Undo")).clicked() {
            send(wb, Input::Action(Action::Undo));
        }
        if ui.add_enabled(can_redo, egui::Button::new("Redo")).clicked() {
            send(wb, Input::Action(Action::Redo));
        }
        ui.separator();
        ui.label("Align");
        for (label, a) in [("L", AlignTo::Left), ("R", AlignTo::Right), ("T", AlignTo::Top), ("B", AlignTo::Bottom)] {
            let hint = match a {
                AlignTo::Left => "Align left edges",
                AlignTo::Right => "Align right edges",
                AlignTo::Top => "Align top edges",
                _ => "Align bottom edges",
            };
            if ui.button(label).on_hover_text(hint).clicked() {
                send(wb, Input::Action(Action::Align(a)));
            }
        }
        if ui.button("Group").clicked() {
            send(wb, Input::Action(Action::Group));
        }
        ui.separator();
        if ui.button("-").on_hover_text("Zoom out").clicked() {
            zoom(wb, -120.0);
        }
        if ui.button("Fit").clicked() {
            send(wb, Input::Action(Action::ZoomToFit));
        }
        if ui.button("100 %").clicked() {
            send(wb, Input::Action(Action::ZoomTo100));
        }
        if ui.button("+").on_hover_text("Zoom in").clicked() {
            zoom(wb, 120.0);
        }
        ui.separator();
        let mut snapping = wb.editor().settings().snapping;
        if ui.toggle_value(&mut snapping, "Snap").changed() {
            send(wb, Input::Action(Action::SetSnapping(snapping)));
        }
        let grid = wb.editor().settings().grid;
        let mut on = grid.is_some();
        if ui.toggle_value(&mut on, "Grid").changed() {
            send(wb, Input::Action(Action::SetGrid(on.then_some(8.0))));
        }
    });
}

fn zoom(wb: &mut Workbench, dy: f32) {
    let vp = *wb.editor().viewport();
    let ctrl = trellis_editor::Modifiers::CTRL;
    send(wb, Input::Wheel { x: vp.width / 2.0, y: vp.height / 2.0, dx: 0.0, dy, modifiers: ctrl });
}
