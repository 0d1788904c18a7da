//! Menu and shortcut actions on the selection, and the clipboard.
//!
//! The clipboard holds a whole `.trellis` design whose window holds the
//! copied widgets at their positions on the canvas, so a copy can be pasted
//! into another document, or another program, as plain text.
//!
//! Actions see the editor's state through a [`Scope`], never the editor
//! itself: the editor runs actions, so actions must not reach back into it.

use trellis_geometry::Geometry;
use trellis_model::{Command, Document, ModelError, Outcome, PropKey, PropValue, Rect, WidgetId, WidgetKind, ZOrder};

use crate::input::{Action, AlignTo};
use crate::output::Step;
use crate::placement::{is_flowed, lays_out_children, top_level};
use crate::settings::Settings;
use crate::viewport::Viewport;

/// What an action works on: the editor's document and the state that hangs
/// off it, borrowed for one action.
pub(crate) struct Scope<'a> {
    pub(crate) doc: &'a mut Document,
    /// Kept up to date after every command: later steps of the same action
    /// (and the next gesture) read where widgets now are.
    pub(crate) geometry: &'a mut Geometry,
    pub(crate) selection: &'a mut Vec<WidgetId>,
    pub(crate) viewport: &'a mut Viewport,
    pub(crate) settings: &'a mut Settings,
    pub(crate) clipboard: &'a mut Option<Clipboard>,
    /// Pasted designs are read as a session before design format 2 read them.
    pub(crate) pastes_before_v2: bool,
}

impl Scope<'_> {
    /// Runs `commands` as one undo step and lays the design out after
    /// them, while the saved file's parts of the widgets they made or
    /// edited are written on another thread when there are many: a paste
    /// or a duplicate of 1,000 widgets at 10,000 writes its parts in about
    /// 0.6 ms, during a layout of 1.0 to 1.6 ms.
    fn execute_laid_out(&mut self, label: &str, commands: Vec<Command>) -> Result<Outcome, ModelError> {
        let geometry = &mut *self.geometry;
        let (done, _) = self.doc.execute_all_alongside(label, commands, |doc| geometry.update(doc));
        done
    }
}

/// What the editor last copied: the text the system clipboard gets, and
/// the design that text was written from, so that pasting the same text
/// back (a copy and paste within the editor) does not read it again: at
/// 1,000 widgets reading it was 5 ms of a paste. Reading the text gives
/// this design (a save and a load are the identity, which the model's
/// property tests check).
pub(crate) struct Clipboard {
    pub(crate) text: String,
    design: Document,
}

/// Where pasted and duplicated widgets land, relative to the originals.
const OFFSET: f32 = 16.0;

pub(crate) fn run(s: &mut Scope<'_>, action: &Action, step: &mut Step) {
    let selected = top_level(s.doc, s.selection);
    let result: Result<(), String> = match action {
        Action::SelectAll => {
            let root = s.doc.root();
            *s.selection = s.doc.children(root).iter().copied().filter(|id| !s.geometry.is_locked(*id)).collect();
            Ok(())
        }
        Action::ClearSelection => {
            s.selection.clear();
            Ok(())
        }
        Action::Delete => command(s, Command::Delete { ids: selected }).map(|_| s.selection.clear()),
        Action::Duplicate => command(s, Command::Duplicate { ids: selected, offset: (OFFSET, OFFSET) })
            .map(|created| *s.selection = created),
        Action::Copy => copy(s, &selected, step),
        Action::Cut => copy(s, &selected, step)
            .and_then(|_| {
                // The clipboard has them: say so, as the design is unchanged.
                command(s, Command::Delete { ids: selected })
                    .map_err(|e| format!("copied, but the widgets could not be removed: {e}"))
            })
            .map(|_| s.selection.clear()),
        Action::Paste => match s.clipboard.as_ref().map(|c| c.text.clone()) {
            Some(text) => {
                paste(s, &text, step);
                Ok(())
            }
            None => Err("the clipboard is empty".into()),
        },
        Action::Group => {
            command(s, Command::Group { ids: selected, kind: WidgetKind::Panel }).map(|created| *s.selection = created)
        }
        Action::Ungroup => {
            let children: Vec<WidgetId> = selected.iter().flat_map(|id| s.doc.children(*id).to_vec()).collect();
            let commands = selected.iter().map(|id| Command::Ungroup { id: *id }).collect();
            many(s, "Ungroup", commands).map(|_| *s.selection = children)
        }
        Action::Align(to) => align(s, &selected, *to),
        Action::DistributeHorizontally => distribute(s, &selected, true),
        Action::DistributeVertically => distribute(s, &selected, false),
        Action::BringForward => reorder(s, selected, ZOrder::Forward),
        Action::SendBackward => reorder(s, selected, ZOrder::Backward),
        Action::BringToFront => reorder(s, selected, ZOrder::ToFront),
        Action::SendToBack => reorder(s, selected, ZOrder::ToBack),
        Action::ToggleLock => toggle(s, selected, PropKey::Locked, false),
        Action::ToggleHidden => toggle(s, selected, PropKey::Visible, true),
        Action::ZoomToFit => {
            s.viewport.fit(s.geometry.bounds());
            step.damage.view();
            Ok(())
        }
        Action::ZoomTo100 => {
            let v = *s.viewport;
            s.viewport.zoom_around(v.width / 2.0, v.height / 2.0, 1.0 / v.zoom);
            step.damage.view();
            Ok(())
        }
        Action::Undo => s
            .doc
            .undo()
            .map_err(|e| e.to_string())
            .and_then(|done| if done { Ok(()) } else { Err("nothing to undo".into()) }),
        Action::Redo => s
            .doc
            .redo()
            .map_err(|e| e.to_string())
            .and_then(|done| if done { Ok(()) } else { Err("nothing to redo".into()) }),
        Action::SetSnapping(on) => {
            s.settings.snapping = *on;
            Ok(())
        }
        Action::SetGrid(size) => {
            s.settings.grid = size.filter(|g| g.is_finite() && *g > 0.0);
            Ok(())
        }
    };
    // An action that could not do what it names (nothing to undo, an
    // empty clipboard, nothing selected to group) changed nothing: the
    // status line says why, and a scenario's run names the step.
    if let Err(message) = result {
        step.refuse(message);
    }
}

fn command(s: &mut Scope<'_>, command: Command) -> Result<Vec<WidgetId>, String> {
    s.execute_laid_out(&command.label(), vec![command]).map(|o| o.created).map_err(|e| e.to_string())
}

fn many(s: &mut Scope<'_>, label: &str, commands: Vec<Command>) -> Result<(), String> {
    if commands.is_empty() {
        return Err("select widgets first".into());
    }
    s.execute_laid_out(label, commands).map(|_| ()).map_err(|e| e.to_string())
}

fn reorder(s: &mut Scope<'_>, ids: Vec<WidgetId>, to: ZOrder) -> Result<(), String> {
    command(s, Command::Reorder { ids, to }).map(|_| ())
}

fn toggle(s: &mut Scope<'_>, ids: Vec<WidgetId>, key: PropKey, default: bool) -> Result<(), String> {
    let any_default = ids.iter().filter_map(|id| s.doc.widget(*id)).any(|w| w.flag(key) == default);
    command(
        s,
        Command::SetProperty { ids, key, value: Some(PropValue::Bool(if any_default { !default } else { default })) },
    )
    .map(|_| ())
}

/// Widgets that align and distribute: placed absolutely (a layout places the others).
fn placed(s: &Scope<'_>, ids: &[WidgetId]) -> Vec<(WidgetId, Rect)> {
    ids.iter().filter(|id| !is_flowed(s.doc, **id)).filter_map(|id| s.geometry.rect(*id).map(|r| (*id, r))).collect()
}

/// Moves `id` so its border box starts at design `(x, y)`.
fn move_to(doc: &Document, id: WidgetId, from: Rect, x: f32, y: f32) -> Command {
    let w = doc.widget(id).expect("placed widgets are in the document");
    Command::SetProperties {
        id,
        values: vec![
            (PropKey::X, Some(PropValue::Number(w.number(PropKey::X) + x - from.x))),
            (PropKey::Y, Some(PropValue::Number(w.number(PropKey::Y) + y - from.y))),
        ],
    }
}

fn align(s: &mut Scope<'_>, ids: &[WidgetId], to: AlignTo) -> Result<(), String> {
    let items = placed(s, ids);
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
            move_to(s.doc, *id, *r, x, y)
        })
        .collect();
    many(s, "Align", commands)
}

fn distribute(s: &mut Scope<'_>, ids: &[WidgetId], horizontal: bool) -> Result<(), String> {
    let mut items = placed(s, ids);
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
        commands.push(move_to(s.doc, *id, *r, x, y));
        at += size(r) + gap;
    }
    many(s, "Distribute", commands)
}

fn copy(s: &mut Scope<'_>, ids: &[WidgetId], step: &mut Step) -> Result<(), String> {
    if ids.is_empty() {
        return Err("select widgets to copy".into());
    }
    let mut clip = Document::new();
    let root = clip.root();
    clip.execute(Command::Rename { id: root, name: "clipboard".into() }).map_err(|e| e.to_string())?;
    for id in ids {
        let mut tree = s.doc.extract(*id).map_err(|e| e.to_string())?;
        let r = s.geometry.rect(*id).unwrap_or_default();
        tree.props.set(PropKey::X, Some(PropValue::Number(r.x)));
        tree.props.set(PropKey::Y, Some(PropValue::Number(r.y)));
        clip.execute(Command::Insert { parent: root, index: None, tree }).map_err(|e| e.to_string())?;
    }
    clip.clear_history();
    let text = clip.to_json_string();
    step.clipboard = Some(text.clone());
    *s.clipboard = Some(Clipboard { text, design: clip });
    Ok(())
}

/// Pastes a `.trellis` design's top-level widgets into the selected
/// container, or beside the selection, or on the window.
pub(crate) fn paste(s: &mut Scope<'_>, text: &str, step: &mut Step) {
    let copied = s.clipboard.as_ref().filter(|c| c.text == text && !s.pastes_before_v2);
    let read;
    let clip = match copied {
        Some(c) => &c.design,
        None => {
            let parsed = if s.pastes_before_v2 {
                Document::from_json_bytes_before_v2(text.as_bytes())
            } else {
                Document::from_json_bytes(text.as_bytes())
            };
            read = match parsed {
                Ok(doc) => doc,
                Err(e) => {
                    step.refuse(format!("cannot paste: the clipboard is not a Trellis design ({e})"));
                    return;
                }
            };
            &read
        }
    };
    let doc = &*s.doc;
    let target = match s.selection.as_slice() {
        [one] if doc.widget(*one).is_some_and(|w| w.kind().is_container()) => *one,
        [first, ..] => doc.parent(*first).unwrap_or(doc.root()),
        [] => doc.root(),
    };
    let flowed_target = lays_out_children(doc, target);
    let content = s.geometry.content_rect(target).unwrap_or_default();
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
        step.refuse("the clipboard holds no widgets");
        return;
    }
    match s.execute_laid_out("Paste", commands) {
        Ok(out) => *s.selection = out.created,
        Err(e) => step.refuse(format!("cannot paste here: {e}")),
    }
}
