//! Migrations of older file versions to the current one, on JSON values.
//!
//! Version 0 was the prototype's format:
//! `{"trellis_version": 0, "root": {"type": "TextInput", "id": "email",
//! "rect": [x, y, w, h], "props": {...}, "children": [...]}}`.
//! Version 1 renamed `type` to `kind` (in snake_case), `id` to `name`, and
//! moved the rectangle into the `x`, `y`, `width` and `height` properties.

use serde_json::{Map, Value, json};

use crate::file::{FORMAT_NAME, LoadError};

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
