//! Migrations of older file versions to the current one, on JSON values.
//!
//! Version 0 was the prototype's format:
//! `{"trellis_version": 0, "root": {"type": "TextInput", "id": "email",
//! "rect": [x, y, w, h], "props": {...}, "children": [...]}}`.
//! Version 1 renamed `type` to `kind` (in snake_case), `id` to `name`, and
//! moved the rectangle into the `x`, `y`, `width` and `height` properties.
//!
//! Version 2 lays out as CSS does: a flex or grid item's automatic minimum
//! size comes from its content. In version 1 it came from the item's
//! explicit size, so an item with a width in a row too narrow for its items
//! kept that width where CSS shrinks it. `v1_to_v2` keeps version-1
//! files looking the same by writing that minimum out.

use serde_json::{Map, Value, json};

use crate::document::{Document, WidgetId};
use crate::file::{FORMAT_NAME, LoadError};
use crate::kind::WidgetKind;
use crate::property::{LayoutMode, PropKey, PropValue};

pub(crate) fn v0_to_v1(value: Value) -> Result<Value, LoadError> {
    let Value::Object(mut top) = value else { return Err(LoadError::NotTrellis) };
    let root = top.remove("root").ok_or(LoadError::Structure { path: "root".into(), message: "missing".into() })?;
    Ok(json!({ "format": FORMAT_NAME, "version": 1, "root": widget_v0_to_v1(root, "root")? }))
}

fn widget_v0_to_v1(value: Value, path: &str) -> Result<Value, LoadError> {
    let structure = |message: String| LoadError::Structure { path: path.to_owned(), message };
    let Value::Object(mut old) = value else { return Err(structure("a widget must be an object".into())) };
    let mut new = Map::new();
    let kind = old
        .remove("type")
        .and_then(|t| t.as_str().map(snake_case))
        .ok_or_else(|| structure("missing \"type\"".into()))?;
    new.insert("kind".into(), Value::String(kind));
    new.insert("name".into(), old.remove("id").ok_or_else(|| structure("missing \"id\"".into()))?);
    let mut props = match old.remove("props") {
        Some(Value::Object(p)) => p,
        None => Map::new(),
        Some(_) => return Err(structure("\"props\" must be an object".into())),
    };
    if let Some(rect) = old.remove("rect") {
        let numbers = rect.as_array().filter(|a| a.len() == 4 && a.iter().all(Value::is_number));
        let Some(numbers) = numbers else { return Err(structure("\"rect\" must be [x, y, width, height]".into())) };
        for (key, v) in ["x", "y", "width", "height"].into_iter().zip(numbers) {
            props.insert(key.into(), v.clone());
        }
    }
    if !props.is_empty() {
        new.insert("props".into(), Value::Object(props));
    }
    if let Some(children) = old.remove("children") {
        let Value::Array(children) = children else { return Err(structure("\"children\" must be a list".into())) };
        let migrated: Result<Vec<Value>, LoadError> = children
            .into_iter()
            .enumerate()
            .map(|(i, c)| widget_v0_to_v1(c, &format!("{path}.children[{i}]")))
            .collect();
        new.insert("children".into(), Value::Array(migrated?));
    }
    if let Some(extra) = old.keys().next() {
        return Err(structure(format!("unknown field \"{extra}\" in a version 0 widget")));
    }
    Ok(Value::Object(new))
}

/// `TextInput` → `text_input`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Version 1 to 2, on the design as read: every flowed item that version 1
/// did not let shrink below its explicit size gets that size as its
/// minimum, on the main axis of its parent's row or column, unless it has
/// a minimum there already. A version-1 item's minimum was its explicit
/// size clamped by its maximum. Those items are the ones Trellis sizes from
/// their content: leaves other than labels (which wrap instead), and
/// containers that place their children (absolute containers, scroll
/// areas, tabs). A grid sizes an item with an explicit size by that size
/// under both versions (taffy's track sizing takes it as the item's
/// minimum contribution), so grid items are left alone. Returns the
/// widgets it changed; their digests are the caller's to refresh.
pub(crate) fn v1_to_v2(doc: &mut Document) -> Vec<WidgetId> {
    let mut changed = Vec::new();
    let ids: Vec<WidgetId> = doc.iter().map(|w| w.id()).collect();
    for id in ids {
        let minimums: Vec<(PropKey, f32)> = {
            let w = doc.widget(id).expect("listed from the document");
            let Some(parent) = w.parent().and_then(|p| doc.widget(p)) else { continue };
            let arranges = |k: WidgetKind, layout: LayoutMode| k.is_container() && layout != LayoutMode::Absolute;
            if !arranges(parent.kind(), parent.layout())
                || arranges(w.kind(), w.layout())
                || w.kind() == WidgetKind::Label
            {
                continue;
            }
            let axes: &[(PropKey, PropKey, PropKey)] = match parent.layout() {
                LayoutMode::Row => &[(PropKey::Width, PropKey::MinWidth, PropKey::MaxWidth)],
                LayoutMode::Column => &[(PropKey::Height, PropKey::MinHeight, PropKey::MaxHeight)],
                LayoutMode::Grid | LayoutMode::Absolute => &[],
            };
            axes.iter()
                .filter(|(_, min, _)| w.get(*min).is_none())
                .filter_map(|(size, min, max)| {
                    let explicit = w.length(*size)?;
                    Some((*min, w.length(*max).map_or(explicit, |m| explicit.min(m))))
                })
                .collect()
        };
        if !minimums.is_empty() {
            changed.push(id);
        }
        for (key, value) in minimums {
            doc.nodes[id].props.set(key, Some(PropValue::Number(value)));
        }
    }
    changed
}
