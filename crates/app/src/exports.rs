//! File > Export: the open design written as an HTML page, an egui module
//! or a Slint component, exactly as `trellis export` writes it; the last
//! target and place are remembered per design (in the state folder, beside
//! the recent files), so "Export again" needs no dialog.

use std::path::{Path, PathBuf};

use trellis_codegen::{EguiSource, ExportSource, SlintSource};
use trellis_geometry::Geometry;
use trellis_model::{Document, Theme};

/// What an export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportTarget {
    /// A folder: `index.html`, `style.css`, the font and the images.
    Html,
    /// One Rust module for egui and egui_taffy.
    Egui,
    /// One `.slint` file.
    Slint,
}

impl ExportTarget {
    /// Every target, in menu order.
    pub const ALL: [ExportTarget; 3] = [ExportTarget::Html, ExportTarget::Egui, ExportTarget::Slint];

    /// The menu's words for it.
    pub fn label(self) -> &'static str {
        match self {
            ExportTarget::Html => "HTML page (a folder)",
            ExportTarget::Egui => "egui module (.rs)",
            ExportTarget::Slint => "Slint component (.slint)",
        }
    }

    /// What the dialog proposes for a design called `stem`.
    pub fn default_name(self, stem: &str) -> String {
        let stem = stem.replace(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'), "_");
        let stem = if stem.is_empty() { "design".to_owned() } else { stem };
        match self {
            ExportTarget::Html => format!("{stem}-html"),
            ExportTarget::Egui => format!("{}.rs", stem.replace('-', "_")),
            ExportTarget::Slint => format!("{stem}.slint"),
        }
    }
}

/// Where a design was last exported.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LastExport {
    /// The design file (canonical).
    pub design: PathBuf,
    /// What was written.
    pub target: ExportTarget,
    /// Where.
    pub out: PathBuf,
}

/// The most designs whose last export is remembered.
pub(crate) const MAX_REMEMBERED: usize = 100;

/// Exports `doc` (laid out as `geometry`, read from `file` if it was) to
/// `out`; says what was written, or why nothing was.
pub(crate) fn export(
    doc: &Document,
    geometry: &Geometry,
    file: Option<&Path>,
    images: Option<&Path>,
    target: ExportTarget,
    out: &Path,
    theme: Theme,
) -> Result<String, String> {
    let file_name =
        file.and_then(Path::file_name).map_or("design.trellis.json".into(), |n| n.to_string_lossy().into_owned());
    let design_dir = images.map(Path::to_owned);
    let out_dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    match target {
        ExportTarget::Html => {
            let source = ExportSource { file_name, design_dir, theme };
            let page = trellis_codegen::export_html(doc, geometry, &source).map_err(|e| e.to_string())?;
            trellis_codegen::write_export(&page.files, out, |_| ()).map_err(|e| e.to_string())?;
            Ok(summary(page.widgets, out, &page.warnings, &[]))
        }
        ExportTarget::Egui | ExportTarget::Slint => {
            let (source, widgets, warnings, approximations) = if target == ExportTarget::Slint {
                let source = SlintSource { file_name, component: None, design_dir, out_dir: Some(out_dir), theme };
                let e = trellis_codegen::export_slint(doc, geometry, &source);
                (e.source, e.widgets, e.warnings, e.approximations)
            } else {
                let source = EguiSource { file_name, type_name: None, design_dir, out_dir: Some(out_dir), theme };
                let e = trellis_codegen::export_egui(doc, geometry, &source).map_err(|e| e.to_string())?;
                (e.source, e.widgets, e.warnings, e.approximations)
            };
            trellis_codegen::output_dir::write_code_file(out, &source).map_err(|e| e.to_string())?;
            let approximated: Vec<String> =
                approximations.iter().map(|a| format!("{}: {} ({})", a.widget, a.property, a.note)).collect();
            Ok(summary(widgets, out, &warnings, &approximated))
        }
    }
}

fn summary(widgets: usize, out: &Path, warnings: &[String], approximated: &[String]) -> String {
    let mut text = format!("{widgets} widgets exported to {}.", out.display());
    for w in warnings.iter().take(5) {
        text.push_str(&format!("\nWarning: {w}"));
    }
    if !approximated.is_empty() {
        text.push_str(&format!("\n{} properties approximated, for example {}", approximated.len(), approximated[0]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_are_safe_file_names_for_each_target() {
        assert_eq!(ExportTarget::Html.default_name("settings"), "settings-html");
        assert_eq!(ExportTarget::Egui.default_name("my-form"), "my_form.rs");
        assert_eq!(ExportTarget::Slint.default_name("../x y"), "___x_y.slint");
        assert_eq!(ExportTarget::Slint.default_name(""), "design.slint");
    }
}
