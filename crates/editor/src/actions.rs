//! Menu and shortcut actions on the selection, and the clipboard.
//!
//! The clipboard holds a whole `.trellis` design whose window holds the
//! copied widgets at their positions on the canvas, so a copy can be pasted
//! into another document, or another program, as plain text.

use trellis_model::{Command, Document, PropKey, PropValue, Rect, WidgetId, WidgetKind, ZOrder};

use crate::editor::{Editor, damage_all};
use crate::input::{Action, AlignTo};
use crate::output::Step;

/// Where pasted and duplicated widgets land, relative to the originals.
const OFFSET: f32 = 16.0;

pub(crate) fn run(editor: &mut Editor, action: &Action, step: &mut Step) {
    let selected = editor.top_level_selection();
    let result: Result<(), String> = match action {
        Action::SelectAll => {
            let root = editor.doc().root();
            let all: Vec<WidgetId> =
                editor.doc().children(root).iter().copied().filter(|id| !editor.geometry().is_locked(*id)).collect();
            *editor.selection_mut() = all;
            Ok(())
        }
        Action::ClearSelection => {
            editor.selection_mut().clear();
            Ok(())
        }
        Action::Delete => command(editor, Command::Delete { ids: selected }).map(|_| editor.selection_mut().clear()),
        Action::Duplicate => command(editor, Command::Duplicate { ids: selected, offset: (OFFSET, OFFSET) })
            .map(|created| *editor.selection_mut() = created),
        Action::Copy => copy(editor, &selected, step),
        Action::Cut => copy(editor, &selected, step)
            .and_then(|_| command(editor, Command::Delete { ids: selected }))
            .map(|_| editor.selection_mut().clear()),
        Action::Paste => match editor.clipboard().map(str::to_owned) {
            Some(text) => {
                paste(editor, &text, step);
                Ok(())
            }
            None => Err("the clipboard is empty".into()),
        },
        Action::Group => command(editor, Command::Group { ids: selected, kind: WidgetKind::Panel })
            .map(|created| *editor.selection_mut() = created),
        Action::Ungroup => {
            let children: Vec<WidgetId> = selected.iter().flat_map(|id| editor.doc().children(*id).to_vec()).collect();
            let commands = selected.iter().map(|id| Command::Ungroup { id: *id }).collect();
            many(editor, "Ungroup", commands).map(|_| *editor.selection_mut() = children)
        }
        Action::Align(to) => align(editor, &selected, *to),
        Action::DistributeHorizontally => distribute(editor, &selected, true),
        Action::DistributeVertically => distribute(editor, &selected, false),
        Action::BringForward => reorder(editor, selected, ZOrder::Forward),
        Action::SendBackward => reorder(editor, selected, ZOrder::Backward),
        Action::BringToFront => reorder(editor, selected, ZOrder::ToFront),
        Action::SendToBack => reorder(editor, selected, ZOrder::ToBack),
        Action::ToggleLock => toggle(editor, selected, PropKey::Locked, false),
        Action::ToggleHidden => toggle(editor, selected, PropKey::Visible, true),
        Action::ZoomToFit => {
            let bounds = editor.geometry().bounds();
            editor.viewport_mut().fit(bounds);
            damage_all(step);
            Ok(())
        }
        Action::ZoomTo100 => {
            let v = *editor.viewport();
            editor.viewport_mut().zoom_around(v.width / 2.0, v.height / 2.0, 1.0 / v.zoom);
            damage_all(step);
            Ok(())
        }
        Action::Undo => editor
            .doc_mut()
            .undo()
            .map_err(|e| e.to_string())
            .and_then(|done| if done { Ok(()) } else { Err("nothing to undo".into()) }),
        Action::Redo => editor
            .doc_mut()
            .redo()
            .map_err(|e| e.to_string())
            .and_then(|done| if done { Ok(()) } else { Err("nothing to redo".into()) }),
        Action::SetSnapping(on) => {
            editor.settings.snapping = *on;
            Ok(())
        }
        Action::SetGrid(size) => {
            editor.settings.grid = size.filter(|g| g.is_finite() && *g > 0.0);
            Ok(())
        }
    };
    if let Err(message) = result {
        step.status = message;
    }
}

fn command(editor: &mut Editor, command: Command) -> Result<Vec<WidgetId>, String> {
    let result = editor.doc_mut().execute(command).map(|o| o.created).map_err(|e| e.to_string());
    editor.refresh_geometry();
    result
}

fn many(editor: &mut Editor, label: &str, commands: Vec<Command>) -> Result<(), String> {
    if commands.is_empty() {
        return Err("select widgets first".into());
    }
    let result = editor.doc_mut().execute_all(label, commands).map(|_| ()).map_err(|e| e.to_string());
    editor.refresh_geometry();
    result
}

fn reorder(editor: &mut Editor, ids: Vec<WidgetId>, to: ZOrder) -> Result<(), String> {
    command(editor, Command::Reorder { ids, to }).map(|_| ())
}

fn toggle(editor: &mut Editor, ids: Vec<WidgetId>, key: PropKey, default: bool) -> Result<(), String> {
    let any_default = ids.iter().filter_map(|id| editor.doc().widget(*id)).any(|w| w.flag(key) == default);
    command(
        editor,
        Command::SetProperty { ids, key, value: Some(PropValue::Bool(if any_default { !default } else { default })) },
    )
    .map(|_| ())
}

/// Widgets that align and distribute: placed absolutely (a layout places the others).
fn placed(editor: &Editor, ids: &[WidgetId]) -> Vec<(WidgetId, Rect)> {
    ids.iter()
        .filter(|id| !editor.flowed(**id))
        .filter_map(|id| editor.geometry().rect(*id).map(|r| (*id, r)))
        .collect()
}

/// Moves `id` so its border box starts at design `(x, y)`.
fn move_to(editor: &Editor, id: WidgetId, from: Rect, x: f32, y: f32) -> Command {
    let w = editor.doc().widget(id).expect("placed widgets are in the document");
    Command::SetProperties {
        id,
        values: vec![
            (PropKey::X, Some(PropValue::Number(w.number(PropKey::X) + x - from.x))),
            (PropKey::Y, Some(PropValue::Number(w.number(PropKey::Y) + y - from.y))),
        ],
    }
}

fn align(editor: &mut Editor, ids: &[WidgetId], to: AlignTo) -> Result<(), String> {
    let items = placed(editor, ids);
    if items.len() < 2 {
        return Err("select two or more placed widgets to align".into());
    }
    let b = items.iter().map(|(_, r)| *r).reduce(|a, c| a.union(&c)).expect("two or more");
    let commands = items
        .iter()
        .map(|(id, r)| {
            let (x, y) = match to {
                AlignTo::Left => (b.x, r.y),
                AlignTo::HorizontalCenter => (b.x + (b.w - r.w) / 2.0, r.y),
                AlignTo::Right => (b.right() - r.w, r.y),
                AlignTo::Top => (r.x, b.y),
                AlignTo::VerticalCenter => (r.x, b.y + (b.h - r.h) / 2.0),
                AlignTo::Bottom => (r.x, b.bottom() - r.h),
            };
            move_to(editor, *id, *r, x, y)
        })
        .collect();
    many(editor, "Align", commands)
}

fn distribute(editor: &mut Editor, ids: &[WidgetId], horizontal: bool) -> Result<(), String> {
    let mut items = placed(editor, ids);
    if items.len() < 3 {
        return Err("select three or more placed widgets to distribute".into());
    }
    let start = |r: &Rect| if horizontal { r.x } else { r.y };
    let size = |r: &Rect| if horizontal { r.w } else { r.h };
    items.sort_by(|a, b| start(&a.1).total_cmp(&start(&b.1)));
    let first = start(&items[0].1);
    let last = items.last().expect("three or more").1;
    let span = start(&last) + size(&last) - first;
    let gap = (span - items.iter().map(|(_, r)| size(r)).sum::<f32>()) / (items.len() - 1) as f32;
    let mut at = first;
    let mut commands = Vec::new();
    for (id, r) in &items {
        let (x, y) = if horizontal { (at, r.y) } else { (r.x, at) };
        commands.push(move_to(editor, *id, *r, x, y));
        at += size(r) + gap;
    }
    many(editor, "Distribute", commands)
}

fn copy(editor: &mut Editor, ids: &[WidgetId], step: &mut Step) -> Result<(), String> {
    if ids.is_empty() {
        return Err("select widgets to copy".into());
    }
    let mut clip = Document::new();
    let root = clip.root();
    clip.execute(Command::Rename { id: root, name: "clipboard".into() }).map_err(|e| e.to_string())?;
    for id in ids {
        let mut tree = editor.doc().extract(*id).map_err(|e| e.to_string())?;
        let r = editor.geometry().rect(*id).unwrap_or_default();
        tree.props.set(PropKey::X, Some(PropValue::Number(r.x)));
        tree.props.set(PropKey::Y, Some(PropValue::Number(r.y)));
        clip.execute(Command::Insert { parent: root, index: None, tree }).map_err(|e| e.to_string())?;
    }
    let text = clip.to_json_string();
    step.clipboard = Some(text.clone());
    editor.set_clipboard(text);
    Ok(())
}

/// Pastes a `.trellis` design's top-level widgets into the selected
/// container, or beside the selection, or on the window.
pub(crate) fn paste(editor: &mut Editor, text: &str, step: &mut Step) {
    let clip = match Document::from_json_bytes(text.as_bytes()) {
        Ok(doc) => doc,
        Err(e) => {
            step.status = format!("cannot paste: the clipboard is not a Trellis design ({e})");
            return;
        }
    };
    let doc = editor.doc();
    let target = match editor.selection() {
        [one] if doc.widget(*one).is_some_and(|w| w.kind().is_container()) => *one,
        [first, ..] => doc.parent(*first).unwrap_or(doc.root()),
        [] => doc.root(),
    };
    let flowed_target = doc
        .widget(target)
        .is_some_and(|w| w.kind() != WidgetKind::Tabs && w.layout() != trellis_model::LayoutMode::Absolute);
    let content = editor.geometry().content_rect(target).unwrap_or_default();
    let mut commands = Vec::new();
    for id in clip.children(clip.root()) {
        let Ok(mut tree) = clip.extract(*id) else { continue };
        if flowed_target {
            tree.props.set(PropKey::X, None);
            tree.props.set(PropKey::Y, None);
        } else {
            let w = clip.widget(*id).expect("listed children exist");
            tree.props.set(PropKey::X, Some(PropValue::Number(w.number(PropKey::X) - content.x + OFFSET)));
            tree.props.set(PropKey::Y, Some(PropValue::Number(w.number(PropKey::Y) - content.y + OFFSET)));
        }
        commands.push(Command::Insert { parent: target, index: None, tree });
    }
    if commands.is_empty() {
        step.status = "the clipboard holds no widgets".into();
        return;
    }
    match editor.doc_mut().execute_all("Paste", commands) {
        Ok(out) => *editor.selection_mut() = out.created,
        Err(e) => step.status = format!("cannot paste here: {e}"),
    }
    editor.refresh_geometry();
}
