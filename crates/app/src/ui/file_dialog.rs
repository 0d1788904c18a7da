//! An in-app file dialog: a folder listing with the design files in it,
//! a path field, and Open or Save. It works wherever egui does: on a
//! desktop without a native dialog, and in tests under Xvfb.

use std::path::{Path, PathBuf};

/// Whether the dialog opens, saves or exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileDialogMode {
    /// Choose an existing design.
    Open,
    /// Choose where to save.
    Save,
    /// Choose where to export (a folder's name for a page, a file's for code).
    Export(crate::exports::ExportTarget),
}

/// The dialog's state.
#[derive(Clone, Debug)]
pub struct FileDialog {
    /// Open or save.
    pub mode: FileDialogMode,
    /// The folder listed.
    pub folder: PathBuf,
    /// The file name typed or clicked.
    pub name: String,
    entries: Option<Vec<(String, bool)>>,
    error: Option<String>,
}

/// The most entries a folder listing shows (a folder of 100,000 files
/// must not stall the window).
const MAX_ENTRIES: usize = 2000;

/// What the user chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileChoice {
    /// Still choosing.
    Open,
    /// Cancelled.
    Cancelled,
    /// This path.
    Chosen(PathBuf),
}

impl FileDialog {
    /// A dialog to open a design, listing `folder`.
    pub fn open(folder: PathBuf) -> Self {
        FileDialog { mode: FileDialogMode::Open, folder, name: String::new(), entries: None, error: None }
    }

    /// A dialog to save the design, listing `folder`.
    pub fn save(folder: PathBuf) -> Self {
        FileDialog {
            mode: FileDialogMode::Save,
            folder,
            name: "design.trellis.json".into(),
            entries: None,
            error: None,
        }
    }

    /// A dialog to export the design, listing `folder`, proposing `name`.
    pub fn export(folder: PathBuf, target: crate::exports::ExportTarget, name: String) -> Self {
        FileDialog { mode: FileDialogMode::Export(target), folder, name, entries: None, error: None }
    }

    fn list(&mut self) -> &[(String, bool)] {
        if self.entries.is_none() {
            let mut entries = Vec::new();
            match std::fs::read_dir(&self.folder) {
                Ok(dir) => {
                    for e in dir.flatten().take(MAX_ENTRIES) {
                        let name = e.file_name().to_string_lossy().into_owned();
                        if name.starts_with('.') {
                            continue;
                        }
                        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                        // Designs, and in an export the code files it may replace.
                        let code = matches!(self.mode, FileDialogMode::Export(_))
                            && (name.ends_with(".rs") || name.ends_with(".slint"));
                        if is_dir || name.ends_with(".json") || code {
                            entries.push((name, is_dir));
                        }
                    }
                    self.error = None;
                }
                Err(e) => self.error = Some(format!("{}: {e}", self.folder.display())),
            }
            entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            self.entries = Some(entries);
        }
        self.entries.as_deref().unwrap_or_default()
    }

    fn enter(&mut self, folder: PathBuf) {
        self.folder = folder;
        self.entries = None;
    }

    /// The chosen path: the name typed, relative to the folder unless absolute.
    fn chosen(&self) -> PathBuf {
        let typed = Path::new(self.name.trim());
        if typed.is_absolute() { typed.to_owned() } else { self.folder.join(typed) }
    }

    /// Shows the dialog; says what the user chose.
    pub fn show(&mut self, ctx: &egui::Context) -> FileChoice {
        let mut choice = FileChoice::Open;
        let title = match self.mode {
            FileDialogMode::Open => "Open a design",
            FileDialogMode::Save => "Save the design as",
            FileDialogMode::Export(crate::exports::ExportTarget::Html) => "Export as an HTML page (a new folder)",
            FileDialogMode::Export(crate::exports::ExportTarget::Egui) => "Export as an egui module",
            FileDialogMode::Export(crate::exports::ExportTarget::Slint) => "Export as a Slint component",
        };
        egui::Window::new(title).collapsible(false).resizable(true).default_size([460.0, 360.0]).show(ctx, |ui| {
            ui.horizontal(|ui| {
                if ui.button("Up").clicked()
                    && let Some(parent) = self.folder.parent()
                {
                    self.enter(parent.to_owned());
                }
                ui.label(self.folder.display().to_string());
            });
            ui.separator();
            let mut enter = None;
            let mut pick = None;
            let mut open_now = None;
            egui::ScrollArea::vertical().max_height(220.0).auto_shrink([false, false]).show(ui, |ui| {
                let current = self.name.clone();
                for (name, is_dir) in self.list().to_vec() {
                    let label = if is_dir { format!("{name}/") } else { name.clone() };
                    let r = ui.selectable_label(!is_dir && current == name, label);
                    if r.double_clicked() && !is_dir {
                        open_now = Some(name.clone());
                    } else if r.clicked() {
                        if is_dir { enter = Some(name) } else { pick = Some(name) }
                    }
                }
            });
            if let Some(dir) = enter {
                self.enter(self.folder.join(dir));
            }
            if let Some(name) = pick {
                self.name = name;
            }
            if let Some(error) = &self.error {
                ui.colored_label(egui::Color32::from_rgb(200, 40, 40), error);
            }
            ui.horizontal(|ui| {
                let label = ui.label("File");
                let r = ui.add(egui::TextEdit::singleline(&mut self.name).desired_width(300.0)).labelled_by(label.id);
                if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    open_now = Some(self.name.clone());
                }
            });
            ui.horizontal(|ui| {
                let verb = match self.mode {
                    FileDialogMode::Open => "Open",
                    FileDialogMode::Save => "Save",
                    FileDialogMode::Export(_) => "Export",
                };
                if ui.button(verb).clicked() {
                    open_now = Some(self.name.clone());
                }
                if ui.button("Cancel").clicked() {
                    choice = FileChoice::Cancelled;
                }
            });
            if let Some(name) = open_now {
                self.name = name;
                let path = self.chosen();
                if path.is_dir() && self.mode != FileDialogMode::Export(crate::exports::ExportTarget::Html) {
                    self.enter(path);
                    self.name.clear();
                } else if self.name.trim().is_empty() {
                    self.error = Some("type a file name".into());
                } else {
                    choice = FileChoice::Chosen(path);
                }
            }
        });
        if ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            choice = FileChoice::Cancelled;
        }
        choice
    }
}
