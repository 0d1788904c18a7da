//! The palette: every widget kind, grouped, with a search box. A click
//! inserts into the selected container; a drag drops onto the canvas
//! (through the editor's own palette gesture, with its insertion marker
//! and drop-target pulse) or onto the layers tree.

use egui::{Rect, Sense};
use trellis_editor::{Button, Input, Key, Modifiers};
use trellis_model::WidgetKind;

use super::{kind_icon, send};
use crate::workbench::Workbench;

/// A kind being dragged out of the palette (egui's drag-and-drop payload).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PaletteKind(pub WidgetKind);

/// A palette drag that has reached the canvas: the editor's palette
/// gesture is under way.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PaletteDrag {
    /// What is dragged.
    pub kind: WidgetKind,
}

/// The width of a palette entry, in points.
const ENTRY_WIDTH: f32 = 112.0;

const CONTAINERS: &[WidgetKind] = &[
    WidgetKind::Panel,
    WidgetKind::Row,
    WidgetKind::Column,
    WidgetKind::Grid,
    WidgetKind::ScrollArea,
    WidgetKind::Tabs,
];
const CONTROLS: &[WidgetKind] = &[
    WidgetKind::Button,
    WidgetKind::TextInput,
    WidgetKind::TextArea,
    WidgetKind::Checkbox,
    WidgetKind::RadioGroup,
    WidgetKind::Toggle,
    WidgetKind::Slider,
    WidgetKind::Dropdown,
];

/// The palette's groups; every kind but the window is in exactly one.
pub(crate) fn groups() -> Vec<(&'static str, Vec<WidgetKind>)> {
    let display: Vec<WidgetKind> = WidgetKind::ALL
        .iter()
        .copied()
        .filter(|k| !k.is_root_only() && !CONTAINERS.contains(k) && !CONTROLS.contains(k))
        .collect();
    vec![("Containers", CONTAINERS.to_vec()), ("Controls", CONTROLS.to_vec()), ("Display", display)]
}

pub(super) fn show(ui: &mut egui::Ui, wb: &mut Workbench) {
    ui.heading("Palette");
    ui.add(egui::TextEdit::singleline(&mut wb.panel.palette_search).hint_text("Search widgets"))
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Search widgets"));
    let query = wb.panel.palette_search.trim().to_lowercase();
    egui::ScrollArea::vertical().id_salt("palette").auto_shrink([false, true]).show(ui, |ui| {
        for (group, kinds) in groups() {
            let kinds: Vec<WidgetKind> = kinds
                .into_iter()
                .filter(|k| {
                    query.is_empty() || k.label().to_lowercase().contains(&query) || k.as_str().contains(&query)
                })
                .collect();
            if kinds.is_empty() {
                continue;
            }
            ui.label(egui::RichText::new(group).small().weak());
            // As many columns as fit; entries keep one width.
            let columns = ((ui.available_width() + 4.0) / (ENTRY_WIDTH + 4.0)).floor().max(1.0) as usize;
            for row in kinds.chunks(columns) {
                ui.horizontal(|ui| {
                    for kind in row {
                        entry(ui, wb, *kind);
                    }
                });
            }
        }
    });
}

fn entry(ui: &mut egui::Ui, wb: &mut Workbench, kind: WidgetKind) {
    let id = egui::Id::unique(("palette", kind.as_str()));
    let response = ui
        .dnd_drag_source(id, PaletteKind(kind), |ui| {
            egui::Frame::group(ui.style()).inner_margin(4.0).show(ui, |ui| {
                ui.set_width(ENTRY_WIDTH - 10.0);
                ui.horizontal(|ui| {
                    kind_icon(ui, kind);
                    ui.add(egui::Label::new(kind.label()).selectable(false).truncate());
                });
            })
        })
        .response;
    wb.panel.palette_rects.push((kind.as_str(), response.rect));
    // A click (no drag) inserts into the selected container.
    let response = ui.interact(response.rect, id.with("click"), Sense::click());
    if response.clicked() {
        send(wb, Input::Insert { kind, parent: None, index: None });
    }
    response.on_hover_text(format!("{}: click to insert into the selected container, or drag", kind.label()));
}

/// Carries a palette drag onto the canvas as the editor's palette gesture:
/// entering the canvas starts it, moves follow, a release over the canvas
/// drops (the editor picks the container and index, as it shows).
pub(super) fn canvas_drop(ui: &egui::Ui, wb: &mut Workbench, canvas: Rect) {
    let ctx = ui.ctx();
    let payload = egui::DragAndDrop::payload::<PaletteKind>(ctx);
    let pointer = ctx.input(|i| i.pointer.latest_pos());
    let released = ctx.input(|i| i.pointer.any_released());
    let modifiers = super::editor_modifiers(ctx.input(|i| i.modifiers));
    let over = pointer.filter(|p| canvas.contains(*p));
    let local = |p: egui::Pos2| (p.x - canvas.min.x, p.y - canvas.min.y);
    match (payload, wb.panel.palette_drag) {
        (Some(kind), None) => {
            if let Some(p) = over
                && !released
            {
                wb.panel.palette_drag = Some(PaletteDrag { kind: kind.0 });
                send(wb, Input::PaletteDrag { kind: kind.0 });
                let (x, y) = local(p);
                send(wb, Input::PointerMove { x, y, modifiers });
            }
        }
        (Some(_), Some(_)) => {
            if let Some(p) = pointer {
                let (x, y) = local(p);
                if released {
                    send(wb, Input::PointerUp { x, y, button: Button::Primary, modifiers });
                    wb.panel.palette_drag = None;
                    if over.is_some() {
                        egui::DragAndDrop::clear_payload(ctx);
                    }
                } else {
                    send(wb, Input::PointerMove { x, y, modifiers });
                }
            }
        }
        (None, Some(_)) => {
            // Dropped elsewhere (the layers tree) or cancelled: the canvas
            // gesture ends without inserting.
            send(wb, Input::KeyDown { key: Key::Escape, modifiers: Modifiers::NONE });
            wb.panel.palette_drag = None;
        }
        (None, None) => {}
    }
}
