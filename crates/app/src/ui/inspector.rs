//! The inspector: an editor for every property the selection carries,
//! generated from the property table and typed by it (numbers with their
//! range, lengths with `auto`, colours with a picker, enums as combo
//! boxes, text, flags, image paths, lists, grid templates). Several
//! widgets selected: shared properties only, mixed values shown as such,
//! and one edit sets all of them in one undo step. A value that differs
//! from the default is marked and can be reset. Every edit is one
//! [`Input::SetProperty`]; a refused one shows the validator's message and
//! changes nothing.

use egui::{Color32, RichText};
use trellis_editor::Input;
use trellis_model::{
    Align, Color, Group, Justify, LayoutMode, PropKey, PropSpec, PropType, PropValue, Track, WidgetId, value_to_json,
};

use super::send;
use crate::workbench::Workbench;

/// The selection's value of one property: the same everywhere, or mixed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Shared {
    /// Every selected widget has this value (`None`: the default).
    Same(Option<PropValue>),
    /// They differ.
    Mixed,
}

/// The properties every selected widget carries, in table order.
pub(crate) fn shared_properties(wb: &Workbench, ids: &[WidgetId]) -> Vec<(&'static PropSpec, Shared)> {
    let doc = wb.editor().doc();
    let widgets: Vec<_> = ids.iter().filter_map(|id| doc.widget(*id)).collect();
    let Some(first) = widgets.first() else { return Vec::new() };
    first
        .kind()
        .properties()
        .filter(|spec| widgets.iter().all(|w| w.kind().has(spec.key)))
        .map(|spec| {
            let v = first.get(spec.key).cloned();
            let shared =
                if widgets.iter().all(|w| w.get(spec.key) == v.as_ref()) { Shared::Same(v) } else { Shared::Mixed };
            (spec, shared)
        })
        .collect()
}

fn group_title(g: Group) -> &'static str {
    match g {
        Group::Geometry => "Position and size",
        Group::Child => "In its container",
        Group::Container | Group::LayoutChoice | Group::GridTemplate => "Layout",
        Group::Style => "Style",
        Group::Common => "Behaviour",
        Group::Text | Group::TextAlign | Group::Placeholder => "Text",
        Group::Checked | Group::Range | Group::Step | Group::Items | Group::ImageSource => "Content",
    }
}

pub(super) fn show(ui: &mut egui::Ui, wb: &mut Workbench) {
    ui.heading("Inspector");
    flush_pending(ui, wb);
    let ids = wb.editor().selection().to_vec();
    if ids.is_empty() {
        ui.label("Select a widget to edit its properties.");
        return;
    }
    let names = wb.selected_names();
    if ids.len() == 1 {
        name_field(ui, wb, &names[0]);
    } else {
        ui.label(format!("{} widgets selected: an edit sets all of them", ids.len()));
    }
    if let Some(error) = &wb.panel.inspector_error {
        ui.colored_label(Color32::from_rgb(200, 40, 40), error);
    }
    let props = shared_properties(wb, &ids);
    egui::ScrollArea::vertical().id_salt("inspector").auto_shrink([false, false]).show(ui, |ui| {
        let mut group = None;
        for (spec, shared) in props {
            let title = group_title(spec.group);
            if group != Some(title) {
                ui.add_space(4.0);
                ui.label(RichText::new(title).strong());
                group = Some(title);
            }
            ui.horizontal(|ui| property_row(ui, wb, &names, spec, &shared));
        }
    });
}

fn name_field(ui: &mut egui::Ui, wb: &mut Workbench, name: &str) {
    ui.horizontal(|ui| {
        let label = ui.label("Name");
        let key = "\u{0}name".to_owned();
        let mut text = match &wb.panel.inspector_text {
            Some((k, t)) if *k == key => t.clone(),
            _ => name.to_owned(),
        };
        let r = ui.add(egui::TextEdit::singleline(&mut text).desired_width(160.0)).labelled_by(label.id);
        if r.changed() || r.has_focus() {
            wb.panel.inspector_text = Some((key.clone(), text.clone()));
        }
        if r.lost_focus() {
            wb.panel.inspector_text = None;
            if text != name {
                let before = wb.editor().doc().revision();
                send(wb, Input::Rename { name: name.to_owned(), to: text });
                note_refusal(wb, before);
            }
        }
    });
}

/// Sends a value the user finished dragging (a number, a colour).
fn flush_pending(ui: &egui::Ui, wb: &mut Workbench) {
    if wb.panel.inspector_pending.is_some() && !ui.input(|i| i.pointer.any_down()) {
        let (key, value) = wb.panel.inspector_pending.take().expect("checked");
        let names = wb.selected_names();
        set(wb, &names, &key, value);
    }
}

fn set(wb: &mut Workbench, names: &[String], key: &str, value: serde_json::Value) {
    let before = wb.editor().doc().revision();
    send(wb, Input::SetProperty { names: names.to_vec(), key: key.to_owned(), value });
    note_refusal(wb, before);
}

/// Keeps the editor's reason when an edit changed nothing.
fn note_refusal(wb: &mut Workbench, before: u64) {
    wb.panel.inspector_error =
        if wb.editor().doc().revision() == before { Some(wb.step().status.clone()) } else { None };
}

/// A value to send now, or when the pointer is released (while dragging).
fn changed(ui: &egui::Ui, wb: &mut Workbench, names: &[String], key: &str, value: serde_json::Value) {
    if ui.input(|i| i.pointer.any_down()) {
        wb.panel.inspector_pending = Some((key.to_owned(), value));
    } else {
        set(wb, names, key, value);
    }
}

fn property_row(ui: &mut egui::Ui, wb: &mut Workbench, names: &[String], spec: &'static PropSpec, shared: &Shared) {
    let key = spec.name;
    // While dragged, the pending value is what the field shows.
    let pending = wb.panel.inspector_pending.as_ref().filter(|(k, _)| k == key).map(|(_, v)| v.clone());
    let value: Option<PropValue> = match (&pending, shared) {
        (Some(json), _) => trellis_model::value_from_file_json(spec.key, json).ok().flatten(),
        (None, Shared::Same(v)) => v.clone(),
        (None, Shared::Mixed) => None,
    };
    let mixed = pending.is_none() && *shared == Shared::Mixed;
    let non_default = !mixed && value.as_ref().is_some_and(|v| !spec.is_default(v));
    let text = if non_default { RichText::new(key).strong() } else { RichText::new(key) };
    let label = ui.add(egui::Label::new(text).selectable(false)).on_hover_text(spec.doc);
    if non_default {
        ui.label(RichText::new("*").strong()).on_hover_text("differs from the default");
    }
    if mixed {
        ui.label(RichText::new("mixed").italics().weak());
    }
    // The editor is named by its property, for screen readers and tests.
    let accessible = AccessibleName(label.id);
    editor_for(ui, wb, names, spec, value.as_ref(), mixed, accessible);
    if (non_default || mixed) && ui.small_button("reset").on_hover_text("Reset to the default").clicked() {
        set(wb, names, key, serde_json::Value::Null);
    }
}

fn editor_for(
    ui: &mut egui::Ui,
    wb: &mut Workbench,
    names: &[String],
    spec: &'static PropSpec,
    value: Option<&PropValue>,
    mixed: bool,
    name: AccessibleName,
) {
    let key = spec.name;
    let default = spec.default_value();
    let current = value.cloned().or(default);
    match spec.ty {
        PropType::Number { min, max } => {
            let mut v = match current {
                Some(PropValue::Number(v)) => v,
                _ => 0.0,
            };
            let r = ui.add(egui::DragValue::new(&mut v).range(min..=max).speed(1.0).suffix(unit(spec.key)));
            let r = name.on(r);
            if r.changed() {
                changed(ui, wb, names, key, value_to_json(&PropValue::Number(v)));
            }
        }
        PropType::Length { min, max } => {
            let mut auto = !matches!(current, Some(PropValue::Number(_)));
            if ui.checkbox(&mut auto, "auto").changed() {
                let json =
                    if auto { serde_json::Value::Null } else { value_to_json(&PropValue::Number(min.max(100.0))) };
                set(wb, names, key, json);
            }
            if !auto {
                let mut v = match current {
                    Some(PropValue::Number(v)) => v,
                    _ => 0.0,
                };
                if name.on(ui.add(egui::DragValue::new(&mut v).range(min..=max).suffix(" px"))).changed() {
                    changed(ui, wb, names, key, value_to_json(&PropValue::Number(v)));
                }
            }
        }
        PropType::Int { min, max } => {
            let mut v = match current {
                Some(PropValue::Int(v)) => v,
                _ => 0,
            };
            if name.on(ui.add(egui::DragValue::new(&mut v).range(min..=max))).changed() {
                changed(ui, wb, names, key, value_to_json(&PropValue::Int(v)));
            }
        }
        PropType::Bool => {
            let mut v = matches!(current, Some(PropValue::Bool(true)));
            if name.on(ui.checkbox(&mut v, "")).changed() {
                set(wb, names, key, v.into());
            }
        }
        PropType::Color => {
            let c = match value {
                Some(PropValue::Color(c)) => *c,
                _ => Color::rgba(0, 0, 0, 0),
            };
            let mut c32 = Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a);
            if value.is_none() && !mixed {
                ui.label(RichText::new("theme").weak());
            }
            let r = name.on(ui.color_edit_button_srgba(&mut c32));
            if r.changed() {
                let [r, g, b, a] = c32.to_srgba_unmultiplied();
                changed(ui, wb, names, key, value_to_json(&PropValue::Color(Color::rgba(r, g, b, a))));
            }
        }
        PropType::Text { .. } | PropType::RelativePath => {
            let text = match value {
                Some(PropValue::Text(t)) => t.clone(),
                _ => String::new(),
            };
            text_field(ui, wb, names, key, name, &text, false, |t| serde_json::Value::String(t.to_owned()));
        }
        PropType::Items => {
            let text = match value {
                Some(PropValue::Items(items)) => items.join("\n"),
                _ => String::new(),
            };
            text_field(ui, wb, names, key, name, &text, true, |t| {
                serde_json::Value::Array(t.lines().map(|l| serde_json::Value::String(l.to_owned())).collect())
            });
        }
        PropType::Tracks => {
            let text = match value {
                Some(PropValue::Tracks(t)) => Track::format_template(t),
                _ => String::new(),
            };
            text_field(ui, wb, names, key, name, &text, false, |t| serde_json::Value::String(t.to_owned()));
        }
        PropType::Layout => {
            let now = match current {
                Some(PropValue::Layout(l)) => Some(l),
                _ => None,
            };
            combo(ui, wb, names, key, name, now.map(LayoutMode::as_str), LayoutMode::ALL.iter().map(|l| l.as_str()));
        }
        PropType::Align { allow_auto, allow_stretch } => {
            let now = match current {
                Some(PropValue::Align(a)) => Some(a),
                _ => None,
            };
            let options = Align::ALL
                .iter()
                .filter(|a| (allow_auto || **a != Align::Auto) && (allow_stretch || **a != Align::Stretch))
                .map(|a| a.as_str());
            combo(ui, wb, names, key, name, now.map(Align::as_str), options);
        }
        PropType::Justify => {
            let now = match current {
                Some(PropValue::Justify(j)) => Some(j),
                _ => None,
            };
            combo(ui, wb, names, key, name, now.map(Justify::as_str), Justify::ALL.iter().map(|j| j.as_str()));
        }
    }
}

fn unit(key: PropKey) -> &'static str {
    match key {
        PropKey::Opacity => "",
        _ => " px",
    }
}

fn combo<'a>(
    ui: &mut egui::Ui,
    wb: &mut Workbench,
    names: &[String],
    key: &str,
    name: AccessibleName,
    now: Option<&'a str>,
    options: impl Iterator<Item = &'a str>,
) {
    let mut chosen = None;
    let combo = egui::ComboBox::from_id_salt(("inspector", key)).selected_text(now.unwrap_or("—")).show_ui(ui, |ui| {
        for option in options {
            if ui.selectable_label(now == Some(option), option).clicked() {
                chosen = Some(option.to_owned());
            }
        }
    });
    name.on(combo.response);
    if let Some(option) = chosen
        && now != Some(option.as_str())
    {
        set(wb, names, key, serde_json::Value::String(option));
    }
}

/// A text field sent when it loses focus (or on Enter, single-line).
fn text_field(
    ui: &mut egui::Ui,
    wb: &mut Workbench,
    names: &[String],
    key: &str,
    name: AccessibleName,
    value: &str,
    multiline: bool,
    to_json: impl Fn(&str) -> serde_json::Value,
) {
    let mut text = match &wb.panel.inspector_text {
        Some((k, t)) if k == key => t.clone(),
        _ => value.to_owned(),
    };
    let edit = if multiline {
        egui::TextEdit::multiline(&mut text).desired_rows(3).desired_width(170.0)
    } else {
        egui::TextEdit::singleline(&mut text).desired_width(170.0)
    };
    let r = name.on(ui.add(edit));
    if r.changed() || r.has_focus() {
        wb.panel.inspector_text = Some((key.to_owned(), text.clone()));
    }
    if r.lost_focus() {
        wb.panel.inspector_text = None;
        if text != value {
            set(wb, names, key, to_json(&text));
        }
    }
}

/// The property label an editor is named by.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AccessibleName(egui::Id);

impl AccessibleName {
    fn on(self, r: egui::Response) -> egui::Response {
        r.labelled_by(self.0)
    }
}
