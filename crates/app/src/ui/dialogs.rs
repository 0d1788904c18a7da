//! The dialogs: errors, "save changes?", crashed sessions to recover, a
//! file changed on disk, and the file dialog.

use super::file_dialog::FileChoice;
use crate::workbench::Workbench;

pub(super) fn show(ctx: &egui::Context, wb: &mut Workbench) {
    wb.poll_native_dialog();
    if let Some(mut dialog) = wb.panel.dialog.take() {
        match dialog.show(ctx) {
            FileChoice::Open => wb.panel.dialog = Some(dialog),
            FileChoice::Cancelled => {}
            FileChoice::Chosen(path) => wb.chosen(dialog.mode, &path),
        }
    }

    if let Some(notice) = wb.notices.first().cloned() {
        egui::Window::new(&notice.title)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(&notice.body);
                if ui.button("OK").clicked() {
                    wb.notices.remove(0);
                }
            });
    }

    if let Some(pending) = wb.confirm.clone()
        && wb.panel.dialog.is_none()
        && !wb.native_dialog_open()
    {
        egui::Window::new("Unsaved changes")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                let name = wb
                    .file()
                    .and_then(|f| f.file_name())
                    .map_or("Untitled".into(), |n| n.to_string_lossy().into_owned());
                ui.label(format!("{name} has changes that are not saved."));
                ui.horizontal(|ui| {
                    // Without a file, the save dialog opens and the request waits.
                    if ui.button("Save").clicked() && wb.save() {
                        wb.confirm = None;
                        wb.perform(pending.clone());
                    }
                    if ui.button("Discard").clicked() {
                        wb.confirm = None;
                        wb.perform(pending.clone());
                    }
                    if ui.button("Cancel").clicked() {
                        wb.confirm = None;
                    }
                });
            });
    }

    if let Some(orphan) = wb.orphans.first().cloned() {
        egui::Window::new("Recover unsaved work?")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                let what = orphan.file.as_ref().map_or("an untitled design".into(), |f| f.display().to_string());
                ui.label(format!(
                    "A Trellis session editing {what} ended without saving. Its journal holds {} committed edit{}.",
                    orphan.commits,
                    if orphan.commits == 1 { "" } else { "s" }
                ));
                ui.horizontal(|ui| {
                    let recover = ui.button("Recover");
                    // The default: Enter or Space recovers.
                    if !recover.has_focus() && ui.memory(|m| m.focused().is_none()) {
                        recover.request_focus();
                    }
                    if recover.clicked() {
                        wb.recover(&orphan);
                    }
                    if ui.button("Discard").clicked() {
                        wb.discard_orphan(&orphan);
                    }
                });
            });
    }

    if wb.changed_on_disk {
        egui::Window::new("The file changed on disk")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
            .show(ctx, |ui| {
                ui.label("Another program changed the open file.");
                ui.horizontal(|ui| {
                    let reload = if wb.is_dirty() { "Reload (lose my changes)" } else { "Reload" };
                    if ui.button(reload).clicked() {
                        wb.reload();
                    }
                    if ui.button("Keep mine").clicked() {
                        wb.changed_on_disk = false;
                    }
                });
            });
    }
}
