//! The layers tree: the design's widgets as an outline, virtualised (only
//! the rows in view are built, so a 100,000-widget design scrolls as a
//! small one does). Selection follows the canvas both ways; rows can be
//! renamed in place, locked, hidden, and dragged to reorder or reparent,
//! with a line where they would land. A search filter keeps matching rows
//! and their ancestors.

use std::collections::HashSet;

use egui::{Sense, Stroke, Vec2};
use trellis_editor::{Input, SelectMode};
use trellis_model::{Document, PropKey, WidgetId, WidgetKind};

use super::palette::PaletteKind;
use super::{kind_icon, send};
use crate::workbench::Workbench;

const ROW_HEIGHT: f32 = 20.0;

/// The tree flattened into rows, rebuilt when the design, the expansion
/// or the filter changes.
#[derive(Debug, Default)]
pub struct Rows {
    rows: Vec<(WidgetId, u16)>,
    /// The design revision, expansion count and filter the rows show.
    key: Option<(u64, usize, String)>,
}

/// A widget name dragged in the layers tree.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DraggedRow(String);

/// Where a drop on a row puts what is dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DropAt {
    Before,
    Into,
    After,
}

fn rebuild(doc: &Document, expanded: &HashSet<WidgetId>, filter: &str) -> Vec<(WidgetId, u16)> {
    let filter = filter.trim().to_lowercase();
    let mut rows = Vec::new();
    if filter.is_empty() {
        let mut stack = vec![(doc.root(), 0u16)];
        while let Some((id, depth)) = stack.pop() {
            rows.push((id, depth));
            if id == doc.root() || expanded.contains(&id) {
                for c in doc.children(id).iter().rev() {
                    stack.push((*c, depth + 1));
                }
            }
        }
        return rows;
    }
    // Matching widgets and the path to each, in tree order.
    let mut keep = HashSet::new();
    for w in doc.iter() {
        if w.name().to_lowercase().contains(&filter) || w.kind().label().to_lowercase().contains(&filter) {
            let mut at = Some(w.id());
            while let Some(id) = at {
                if !keep.insert(id) {
                    break;
                }
                at = doc.parent(id);
            }
        }
    }
    let mut stack = vec![(doc.root(), 0u16)];
    while let Some((id, depth)) = stack.pop() {
        if !keep.contains(&id) {
            continue;
        }
        rows.push((id, depth));
        for c in doc.children(id).iter().rev() {
            stack.push((*c, depth + 1));
        }
    }
    rows
}

pub(super) fn show(ui: &mut egui::Ui, wb: &mut Workbench) {
    ui.heading("Layers");
    ui.add(egui::TextEdit::singleline(&mut wb.panel.layers_filter).hint_text("Filter layers"))
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Filter layers"));
    if wb.panel.reveal_selection || wb.panels_stale {
        expand_to_selection(wb);
    }
    let key = (wb.editor().doc().revision(), wb.panel.expanded.len(), wb.panel.layers_filter.clone());
    if wb.panel.rows.key.as_ref() != Some(&key) {
        wb.panel.rows.rows = rebuild(wb.editor().doc(), &wb.panel.expanded, &wb.panel.layers_filter);
        wb.panel.rows.key = Some(key);
    }
    // F2 renames the selected widget in place, as file managers do.
    if wb.panel.renaming.is_none()
        && !ui.ctx().egui_wants_keyboard_input()
        && ui.input(|i| i.key_pressed(egui::Key::F2))
        && let [id] = wb.editor().selection()
        && let Some(w) = wb.editor().doc().widget(*id)
    {
        wb.panel.renaming = Some((*id, w.name().to_owned()));
    }
    let total = wb.panel.rows.rows.len();
    // Rows come and go (expand, filter, reveal): past its end, the tree
    // would spring back and then coast for seconds of sub-pixel frames.
    ui.spacing_mut().scroll.kinetic.rubber_band = false;
    let mut area = egui::ScrollArea::vertical().id_salt("layers").auto_shrink([false, false]);
    if std::mem::take(&mut wb.panel.reveal_selection)
        && let Some(first) = wb.editor().selection().first()
        && let Some(i) = wb.panel.rows.rows.iter().position(|(id, _)| id == first)
    {
        let spacing = ui.spacing().item_spacing.y;
        let end = (total as f32 * (ROW_HEIGHT + spacing) - spacing - ui.available_height()).max(0.0);
        area = area.vertical_scroll_offset((i as f32 * (ROW_HEIGHT + spacing) - 60.0).clamp(0.0, end));
    }
    area.show_rows(ui, ROW_HEIGHT, total, |ui, range| {
        for i in range {
            let (id, depth) = wb.panel.rows.rows[i];
            row(ui, wb, id, depth);
        }
    });
}

/// Opens every ancestor of the selection, so the selected rows are in the tree.
fn expand_to_selection(wb: &mut Workbench) {
    let doc = wb.canvas.editor().doc();
    let mut opened = Vec::new();
    for id in wb.canvas.editor().selection() {
        let mut at = doc.parent(*id);
        while let Some(p) = at {
            opened.push(p);
            at = doc.parent(p);
        }
    }
    let before = wb.panel.expanded.len();
    wb.panel.expanded.extend(opened);
    if wb.panel.expanded.len() != before {
        wb.panel.reveal_selection = true;
    }
}

fn row(ui: &mut egui::Ui, wb: &mut Workbench, id: WidgetId, depth: u16) {
    let Some(w) = wb.editor().doc().widget(id) else { return };
    let (name, kind) = (w.name().to_owned(), w.kind());
    let (locked, hidden) = (w.flag(PropKey::Locked), !w.flag(PropKey::Visible));
    let has_children = !w.children().is_empty();
    let selected = wb.is_selected(id);
    let is_root = id == wb.editor().doc().root();
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(Vec2::new(width, ROW_HEIGHT), Sense::click_and_drag());
    if selected {
        ui.painter().rect_filled(rect, 2.0, ui.visuals().selection.bg_fill);
    } else if response.hovered() {
        ui.painter().rect_filled(rect, 2.0, ui.visuals().widgets.hovered.weak_bg_fill);
    }
    // Lock and hide toggles sit at the row's right end; the rest is the outline.
    let toggles = egui::Rect::from_min_max(egui::pos2(rect.right() - 76.0, rect.top()), rect.right_bottom());
    let mut child = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(egui::Rect::from_min_max(rect.min, egui::pos2(toggles.left(), rect.bottom())))
            .layout(egui::Layout::left_to_right(egui::Align::Center)),
    );
    child.add_space(4.0 + f32::from(depth) * 12.0);
    if has_children && !is_root {
        let open = wb.panel.expanded.contains(&id);
        if child.add(egui::Button::new(if open { "-" } else { "+" }).frame(false).small()).clicked() {
            if open {
                wb.panel.expanded.remove(&id);
            } else {
                wb.panel.expanded.insert(id);
            }
        }
    } else {
        child.add_space(14.0);
    }
    kind_icon(&mut child, kind);
    let renaming = wb.panel.renaming.as_ref().is_some_and(|(r, _)| *r == id);
    if renaming {
        let mut text = wb.panel.renaming.as_ref().map(|(_, t)| t.clone()).unwrap_or_default();
        let edit = child.add(egui::TextEdit::singleline(&mut text).desired_width(width * 0.5).hint_text("New name"));
        edit.request_focus();
        let enter = child.input(|i| i.key_pressed(egui::Key::Enter));
        let escape = child.input(|i| i.key_pressed(egui::Key::Escape));
        if escape {
            wb.panel.renaming = None;
        } else if enter || edit.lost_focus() {
            wb.panel.renaming = None;
            if text != name {
                send(wb, Input::Rename { name: name.clone(), to: text });
            }
        } else {
            wb.panel.renaming = Some((id, text));
        }
    } else {
        let label = if hidden { egui::RichText::new(&name).weak().italics() } else { egui::RichText::new(&name) };
        child.add(egui::Label::new(label).selectable(false).truncate());
    }
    if !is_root {
        let lock_rect = egui::Rect::from_min_size(toggles.min, Vec2::new(36.0, rect.height()));
        let hide_rect = egui::Rect::from_min_size(toggles.min + Vec2::new(38.0, 0.0), Vec2::new(36.0, rect.height()));
        let lock = ui.put(lock_rect, egui::Button::selectable(locked, egui::RichText::new("lock").small()));
        if lock.on_hover_text(if locked { "Unlock" } else { "Lock" }).clicked() {
            send(wb, Input::SetProperty { names: vec![name.clone()], key: "locked".into(), value: (!locked).into() });
        }
        let hide = ui.put(hide_rect, egui::Button::selectable(hidden, egui::RichText::new("hide").small()));
        if hide.on_hover_text(if hidden { "Show" } else { "Hide" }).clicked() {
            // Hidden is visible=false; showing resets it to the default.
            let value = if hidden { serde_json::Value::Null } else { false.into() };
            send(wb, Input::SetProperty { names: vec![name.clone()], key: "visible".into(), value });
        }
    }

    if response.double_clicked() && !is_root {
        wb.panel.renaming = Some((id, name.clone()));
    } else if response.clicked() && !is_root {
        let m = ui.input(|i| i.modifiers);
        let mode = if m.command || m.ctrl {
            SelectMode::Toggle
        } else if m.shift {
            SelectMode::Add
        } else {
            SelectMode::Replace
        };
        send(wb, Input::Select { names: vec![name.clone()], mode });
    }

    // Rows are dragged by their body; the drop line shows where they land.
    if !is_root && response.drag_started() {
        egui::DragAndDrop::set_payload(ui.ctx(), DraggedRow(name.clone()));
    }
    let pointer = ui.input(|i| i.pointer.interact_pos());
    let hovering_drag = egui::DragAndDrop::has_payload_of_type::<DraggedRow>(ui.ctx())
        || egui::DragAndDrop::has_payload_of_type::<PaletteKind>(ui.ctx());
    if hovering_drag && let Some(p) = pointer.filter(|p| rect.contains(*p)) {
        let at = drop_at(rect, p.y, kind.is_container(), is_root);
        let stroke = Stroke::new(2.0, ui.visuals().selection.stroke.color);
        match at {
            DropAt::Before => {
                ui.painter().hline(rect.x_range(), rect.top(), stroke);
            }
            DropAt::After => {
                ui.painter().hline(rect.x_range(), rect.bottom(), stroke);
            }
            DropAt::Into => {
                ui.painter().rect_stroke(rect, 2.0, stroke, egui::StrokeKind::Inside);
            }
        }
        if ui.input(|i| i.pointer.any_released()) {
            drop_on(ui, wb, id, at);
        }
    }
}

fn drop_at(rect: egui::Rect, y: f32, container: bool, root: bool) -> DropAt {
    let f = (y - rect.top()) / rect.height();
    if root || (container && (0.25..0.75).contains(&f)) {
        DropAt::Into
    } else if f < 0.5 {
        DropAt::Before
    } else {
        DropAt::After
    }
}

/// Moves the dragged row, or inserts the palette kind, where the drop says.
fn drop_on(ui: &egui::Ui, wb: &mut Workbench, target: WidgetId, at: DropAt) {
    let doc = wb.editor().doc();
    let (parent, index) = match at {
        DropAt::Into => (target, None),
        DropAt::Before | DropAt::After => {
            let Some(parent) = doc.parent(target) else { return };
            let i = doc.index_in_parent(target).unwrap_or(0);
            (parent, Some(if at == DropAt::After { i + 1 } else { i }))
        }
    };
    let Some(parent_name) = doc.widget(parent).map(|w| w.name().to_owned()) else { return };
    if let Some(row) = egui::DragAndDrop::take_payload::<DraggedRow>(ui.ctx()) {
        let names = if wb.selected_names().contains(&row.0) { wb.selected_names() } else { vec![row.0.clone()] };
        // An index among the siblings after the moved ones leave.
        let index = index.map(|i| {
            let before = doc.children(parent)[..i.min(doc.children(parent).len())]
                .iter()
                .filter(|c| doc.widget(**c).is_some_and(|w| names.iter().any(|n| n == w.name())))
                .count();
            i - before
        });
        send(wb, Input::MoveTo { names, parent: parent_name, index });
    } else if let Some(kind) = egui::DragAndDrop::take_payload::<PaletteKind>(ui.ctx()) {
        let kind: WidgetKind = kind.0;
        send(wb, Input::Insert { kind, parent: Some(parent_name), index });
    }
}
