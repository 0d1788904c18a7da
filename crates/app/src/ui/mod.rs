//! The egui panels around the canvas: menu bar and toolbar, palette,
//! layers tree, inspector, status bar, dialogs and the HUD. They read the
//! workbench and change the design only through [`Workbench::send`].

mod dialogs;
mod file_dialog;
mod hud;
mod inspector;
mod layers;
mod menu;
mod palette;

use std::collections::HashSet;

use egui::{Color32, Rect, Sense, Vec2};
use trellis_editor::{Input, Modifiers};
use trellis_model::{WidgetId, WidgetKind};

use crate::workbench::Workbench;
pub use file_dialog::{FileDialog, FileDialogMode};
pub use hud::{FrameSample, Hud};
pub(crate) use palette::PaletteDrag;

/// What the panels keep between frames.
#[derive(Debug, Default)]
pub struct PanelState {
    /// The palette's search text.
    pub palette_search: String,
    /// The layers tree's search filter.
    pub layers_filter: String,
    /// Containers expanded in the layers tree.
    pub expanded: HashSet<WidgetId>,
    /// The row being renamed, and the text typed so far.
    pub renaming: Option<(WidgetId, String)>,
    /// The open file dialog.
    pub dialog: Option<FileDialog>,
    /// Whether the HUD is shown (F12).
    pub hud_open: bool,
    /// The running design while the preview is on (ctrl+P): its values
    /// and events, never the document's.
    pub preview: Option<trellis_preview::Preview>,
    /// Whether redrawn regions are tinted (the HUD's switch).
    pub tint_redraws: bool,
    /// A value being dragged in the inspector, sent when the button is released.
    pub(crate) inspector_pending: Option<(String, serde_json::Value)>,
    /// Text fields of the inspector being edited: property and text.
    pub(crate) inspector_text: Option<(String, String)>,
    /// The last refusal of an inspector edit.
    pub(crate) inspector_error: Option<String>,
    /// The layers tree scrolls to the selection on its next frame.
    pub(crate) reveal_selection: bool,
    /// The flattened rows of the layers tree and the revision they show.
    pub(crate) rows: layers::Rows,
    /// The palette drag over the canvas, if any.
    pub(crate) palette_drag: Option<PaletteDrag>,
    /// Dark panels and canvas.
    pub dark: bool,
    /// Requests the window carries out.
    pub requests: Vec<WindowRequest>,
    /// Where each palette entry was drawn this frame, in points (the UI map).
    pub(crate) palette_rects: Vec<(&'static str, Rect)>,
}

/// What the panels ask of the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowRequest {
    /// Lose the GPU device, as a driver reset would (a debug action).
    LoseDevice,
    /// Switch the light and dark theme.
    Theme,
}

/// What a pass of the panels found: where the canvas is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PanelsOutput {
    /// The canvas image's rectangle in points.
    pub canvas: Rect,
}

/// Lays out every panel and the canvas (shown by `canvas_texture`, if
/// drawn by a GPU); returns where the canvas went.
pub fn show(ui: &mut egui::Ui, wb: &mut Workbench, canvas_texture: Option<egui::TextureId>, hud: &Hud) -> PanelsOutput {
    shortcuts(ui.ctx(), wb);
    wb.panel.palette_rects.clear();
    egui::Panel::top("menu").show(ui, |ui| menu::bar(ui, wb));
    egui::Panel::top("toolbar").show(ui, |ui| menu::toolbar(ui, wb));
    egui::Panel::bottom("status").show(ui, |ui| status_bar(ui, wb, hud));
    // Fixed widths: a panel that grew with its content would resize the
    // canvas, and a new canvas size redraws all of it.
    let editing = wb.panel.preview.is_none();
    egui::Panel::left("palette_and_layers").exact_size(LEFT_PANEL).resizable(false).show(ui, |ui| {
        ui.set_max_width(ui.available_width());
        // The live preview shows the design as it is: nothing here may
        // change it meanwhile.
        if !editing {
            ui.disable();
        }
        let half = (ui.available_height() * 0.45).max(120.0);
        ui.allocate_ui(Vec2::new(ui.available_width(), half), |ui| palette::show(ui, wb));
        ui.separator();
        layers::show(ui, wb);
    });
    if wb.panel.preview.is_some() {
        // The design runs as real widgets: no canvas, and the inspector
        // gives way to the running design's values.
        egui::Panel::right("preview_values").exact_size(RIGHT_PANEL).resizable(false).show(ui, |ui| {
            ui.set_max_width(ui.available_width());
            preview_values(ui, wb);
        });
        egui::CentralPanel::default().show(ui, |ui| preview_view(ui, wb));
        dialogs::show(ui.ctx(), wb);
        if wb.panel.hud_open {
            hud.show(ui.ctx(), wb, Rect::NOTHING);
        }
        return PanelsOutput { canvas: Rect::NOTHING };
    }
    egui::Panel::right("inspector").exact_size(RIGHT_PANEL).resizable(false).show(ui, |ui| {
        ui.set_max_width(ui.available_width());
        inspector::show(ui, wb);
    });
    let canvas =
        egui::CentralPanel::default().frame(egui::Frame::NONE).show(ui, |ui| canvas_view(ui, wb, canvas_texture)).inner;
    dialogs::show(ui.ctx(), wb);
    if wb.panel.hud_open {
        hud.show(ui.ctx(), wb, canvas);
    }
    PanelsOutput { canvas }
}

/// The design running as real widgets (the live preview), scrolled when
/// larger than the area.
fn preview_view(ui: &mut egui::Ui, wb: &mut Workbench) {
    let Some(mut preview) = wb.panel.preview.take() else { return };
    let theme = if wb.panel.dark { trellis_model::Theme::DARK } else { trellis_model::Theme::LIGHT };
    let editor = wb.editor();
    let (doc, geometry) = (editor.doc(), editor.geometry());
    let bounds = geometry.bounds();
    egui::ScrollArea::both().id_salt("preview").show(ui, |ui| {
        let size = Vec2::new(bounds.right().max(1.0), bounds.bottom().max(1.0));
        let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
        ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
            preview.show(ui, doc, geometry, theme);
        });
    });
    wb.panel.preview = Some(preview);
}

/// The running design's values and its latest events, beside the preview.
fn preview_values(ui: &mut egui::Ui, wb: &Workbench) {
    let Some(preview) = &wb.panel.preview else { return };
    ui.heading("Preview");
    ui.label("The design runs as real widgets. Its values live here, not in the design: leaving the preview (ctrl+P) keeps the document as it was.");
    ui.separator();
    ui.strong("Values");
    let doc = wb.editor().doc();
    egui::Grid::new("preview_values_grid").num_columns(2).striped(true).show(ui, |ui| {
        for (name, value) in preview.values(doc) {
            ui.label(name);
            ui.add(egui::Label::new(value.to_string()).truncate());
            ui.end_row();
        }
    });
    ui.separator();
    ui.strong("Events");
    egui::ScrollArea::vertical().id_salt("preview_events").stick_to_bottom(true).show(ui, |ui| {
        for e in preview.events.iter().rev().take(40) {
            ui.label(format!("{} {}", e.widget, e.what));
        }
    });
}

/// Turns the live preview on (from the document as it is now) or off.
pub(crate) fn toggle_preview(wb: &mut Workbench) {
    let on = wb.panel.preview.is_none();
    wb.set_preview(on);
}

/// The palette and layers panel's width, in points.
pub const LEFT_PANEL: f32 = 250.0;
/// The inspector's width, in points.
pub const RIGHT_PANEL: f32 = 320.0;

/// Width of the rulers along the canvas's top and left edges, in points.
pub const RULER: f32 = 18.0;

fn canvas_view(ui: &mut egui::Ui, wb: &mut Workbench, texture: Option<egui::TextureId>) -> Rect {
    let full = ui.available_rect_before_wrap();
    ui.allocate_rect(full, Sense::hover());
    let canvas = Rect::from_min_max(full.min + Vec2::splat(RULER), full.max);
    rulers(ui, wb, full, canvas);
    match texture {
        Some(id) => {
            // The canvas texture is exactly the canvas's size in pixels.
            let uv = Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
            ui.painter().image(id, canvas, uv, Color32::WHITE);
        }
        None => {
            ui.painter().rect_filled(canvas, 0.0, Color32::from_gray(235));
        }
    }
    palette::canvas_drop(ui, wb, canvas);
    canvas
}

/// Rulers in design units along the canvas's edges.
fn rulers(ui: &egui::Ui, wb: &Workbench, full: Rect, canvas: Rect) {
    let painter = ui.painter();
    let visuals = ui.visuals();
    let bg = visuals.faint_bg_color;
    let ink = visuals.weak_text_color();
    painter.rect_filled(Rect::from_min_max(full.min, egui::pos2(full.max.x, canvas.min.y)), 0.0, bg);
    painter.rect_filled(Rect::from_min_max(full.min, egui::pos2(canvas.min.x, full.max.y)), 0.0, bg);
    let vp = wb.editor().viewport();
    let zoom = vp.zoom.max(1e-3);
    // A tick every 10, 50, 100... design units, whichever keeps them 50+ points apart.
    let step = [10.0f32, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0]
        .into_iter()
        .find(|s| s * zoom >= 50.0)
        .unwrap_or(10_000.0);
    let font = egui::FontId::monospace(9.0);
    let origin = vp.origin;
    let first_x = (origin.x / step).floor() * step;
    let mut x = first_x;
    while (x - origin.x) * zoom < canvas.width() {
        let sx = canvas.min.x + (x - origin.x) * zoom;
        if sx >= canvas.min.x {
            painter.line_segment([egui::pos2(sx, full.min.y + 8.0), egui::pos2(sx, canvas.min.y)], (1.0, ink));
            painter.text(egui::pos2(sx + 2.0, full.min.y), egui::Align2::LEFT_TOP, format!("{x}"), font.clone(), ink);
        }
        x += step;
    }
    let mut y = (origin.y / step).floor() * step;
    while (y - origin.y) * zoom < canvas.height() {
        let sy = canvas.min.y + (y - origin.y) * zoom;
        if sy >= canvas.min.y {
            painter.line_segment([egui::pos2(full.min.x + 8.0, sy), egui::pos2(canvas.min.x, sy)], (1.0, ink));
            painter.text(egui::pos2(full.min.x, sy + 2.0), egui::Align2::LEFT_TOP, format!("{y}"), font.clone(), ink);
        }
        y += step;
    }
}

fn status_bar(ui: &mut egui::Ui, wb: &Workbench, hud: &Hud) {
    ui.horizontal(|ui| {
        let vp = wb.editor().viewport();
        ui.label(format!("{:.0} %", vp.zoom * 100.0));
        ui.separator();
        let selected = wb.editor().selection().len();
        match selected {
            0 => ui.label("nothing selected"),
            1 => ui.label(wb.selected_names().join("")),
            n => ui.label(format!("{n} selected")),
        };
        ui.separator();
        if let Some(p) = hud.pointer_design {
            ui.label(format!("x {:.0}  y {:.0}", p.0, p.1));
            ui.separator();
        }
        ui.add(egui::Label::new(&wb.step().status).truncate());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(format!("{:.0} fps", hud.fps()));
            ui.separator();
            ui.label(&hud.adapter);
            if hud.software {
                ui.colored_label(Color32::from_rgb(200, 120, 0), "software rendering: GPU acceleration not active")
                    .on_hover_text("No hardware adapter opened a device; a software rasteriser draws.");
            }
        });
    });
}

/// Application shortcuts the panels own (files, view); the editor's own
/// (undo, delete, nudge...) reach it from the window's key routing.
fn shortcuts(ctx: &egui::Context, wb: &mut Workbench) {
    use egui::{Key as K, KeyboardShortcut as S, Modifiers as M};
    let pressed = |s: S| ctx.input_mut(|i| i.consume_shortcut(&s));
    if pressed(S::new(M::COMMAND | M::SHIFT, K::S)) {
        wb.choose_file(FileDialogMode::Save);
    } else if pressed(S::new(M::COMMAND, K::S)) {
        wb.save();
    }
    if pressed(S::new(M::COMMAND, K::O)) {
        wb.choose_file(FileDialogMode::Open);
    }
    if pressed(S::new(M::COMMAND, K::N)) {
        wb.request(crate::workbench::Pending::New);
    }
    if pressed(S::new(M::COMMAND, K::Q)) {
        wb.request(crate::workbench::Pending::Quit);
    }
    if pressed(S::new(M::NONE, K::F12)) {
        wb.panel.hud_open = !wb.panel.hud_open;
    }
    if pressed(S::new(M::COMMAND, K::P)) {
        toggle_preview(wb);
    }
}

/// A small drawing of what a kind is, for the palette and the layers tree.
pub(crate) fn kind_icon(ui: &mut egui::Ui, kind: WidgetKind) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(16.0), Sense::hover());
    let p = ui.painter();
    let ink = ui.visuals().text_color();
    let stroke = egui::Stroke::new(1.2, ink);
    let r = rect.shrink(2.0);
    match kind {
        WidgetKind::Window | WidgetKind::Panel => {
            p.rect_stroke(r, 2.0, stroke, egui::StrokeKind::Inside);
            if kind == WidgetKind::Window {
                p.line_segment([r.left_top() + Vec2::new(0.0, 3.0), r.right_top() + Vec2::new(0.0, 3.0)], stroke);
            }
        }
        WidgetKind::Row => {
            for i in 0..3 {
                let x = r.min.x + i as f32 * r.width() / 3.0;
                p.rect_stroke(
                    Rect::from_min_size(egui::pos2(x, r.min.y + 3.0), Vec2::new(3.0, 6.0)),
                    0.0,
                    stroke,
                    egui::StrokeKind::Inside,
                );
            }
        }
        WidgetKind::Column => {
            for i in 0..3 {
                let y = r.min.y + i as f32 * r.height() / 3.0;
                p.rect_stroke(
                    Rect::from_min_size(egui::pos2(r.min.x + 2.0, y), Vec2::new(8.0, 3.0)),
                    0.0,
                    stroke,
                    egui::StrokeKind::Inside,
                );
            }
        }
        WidgetKind::Grid => {
            p.rect_stroke(r, 0.0, stroke, egui::StrokeKind::Inside);
            p.line_segment([r.center_top(), r.center_bottom()], stroke);
            p.line_segment([r.left_center(), r.right_center()], stroke);
        }
        WidgetKind::ScrollArea | WidgetKind::List => {
            p.rect_stroke(r, 1.0, stroke, egui::StrokeKind::Inside);
            p.line_segment([r.right_top() + Vec2::new(-3.0, 2.0), r.right_top() + Vec2::new(-3.0, 6.0)], stroke);
        }
        WidgetKind::Tabs => {
            p.rect_stroke(
                Rect::from_min_max(r.min + Vec2::new(0.0, 4.0), r.max),
                0.0,
                stroke,
                egui::StrokeKind::Inside,
            );
            p.rect_stroke(Rect::from_min_size(r.min, Vec2::new(5.0, 4.0)), 0.0, stroke, egui::StrokeKind::Inside);
        }
        WidgetKind::Label => {
            p.text(r.center(), egui::Align2::CENTER_CENTER, "A", egui::FontId::proportional(11.0), ink);
        }
        WidgetKind::Button => {
            p.rect_filled(r.shrink2(Vec2::new(0.0, 3.0)), 3.0, ink.gamma_multiply(0.6));
        }
        WidgetKind::TextInput | WidgetKind::TextArea | WidgetKind::Dropdown => {
            let h = if kind == WidgetKind::TextArea { r } else { r.shrink2(Vec2::new(0.0, 3.0)) };
            p.rect_stroke(h, 1.0, stroke, egui::StrokeKind::Inside);
            if kind == WidgetKind::Dropdown {
                let c = h.right_center() - Vec2::new(4.0, 0.0);
                let arrow = vec![c + Vec2::new(-2.5, -1.5), c + Vec2::new(2.5, -1.5), c + Vec2::new(0.0, 1.5)];
                p.add(egui::Shape::convex_polygon(arrow, ink, egui::Stroke::NONE));
            }
        }
        WidgetKind::Checkbox => {
            p.rect_stroke(r.shrink(2.0), 1.0, stroke, egui::StrokeKind::Inside);
            p.line_segment([r.left_center() + Vec2::new(3.0, 0.0), r.center_bottom() - Vec2::new(0.0, 3.0)], stroke);
            p.line_segment([r.center_bottom() - Vec2::new(0.0, 3.0), r.right_top() + Vec2::new(-2.0, 3.0)], stroke);
        }
        WidgetKind::RadioGroup => {
            p.circle_stroke(r.center(), 5.0, stroke);
            p.circle_filled(r.center(), 2.0, ink);
        }
        WidgetKind::Toggle => {
            p.rect_stroke(r.shrink2(Vec2::new(0.0, 3.0)), 4.0, stroke, egui::StrokeKind::Inside);
            p.circle_filled(r.right_center() - Vec2::new(4.0, 0.0), 2.5, ink);
        }
        WidgetKind::Slider | WidgetKind::ProgressBar => {
            p.line_segment([r.left_center(), r.right_center()], stroke);
            p.circle_filled(r.center(), 3.0, ink);
        }
        WidgetKind::Image => {
            p.rect_stroke(r, 1.0, stroke, egui::StrokeKind::Inside);
            p.line_segment([r.left_bottom(), r.center()], stroke);
            p.line_segment([r.center(), r.right_bottom()], stroke);
        }
        WidgetKind::Separator => {
            p.line_segment([r.left_center(), r.right_center()], stroke);
        }
        WidgetKind::Spacer => {
            p.line_segment([r.left_center(), r.right_center()], egui::Stroke::new(1.0, ink.gamma_multiply(0.5)));
            p.line_segment([r.left_top(), r.left_bottom()], stroke);
            p.line_segment([r.right_top(), r.right_bottom()], stroke);
        }
    }
    response
}

/// The editor's modifiers for egui's.
pub(crate) fn editor_modifiers(m: egui::Modifiers) -> Modifiers {
    Modifiers { shift: m.shift, ctrl: m.command || m.ctrl, alt: m.alt }
}

/// Sends an input; for the panels' use.
pub(crate) fn send(wb: &mut Workbench, input: Input) {
    wb.send(input);
}
