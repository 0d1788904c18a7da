//! Rules that tie several properties of one widget together. Both the
//! loader (reporting) and the commands (refusing) use them.

use crate::kind::WidgetKind;
use crate::property::{PropKey, PropValue, Props};

/// Why a widget's properties, each valid alone, cannot go together.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConflictError {
    /// A lower bound above its upper bound (`min` and `max`, `min_width`
    /// and `max_width`, `min_height` and `max_height`).
    #[error("{} {min} is greater than {} {max}", .min_key.name(), .max_key.name())]
    MinAboveMax {
        /// The lower bound's property.
        min_key: PropKey,
        /// Its value.
        min: f32,
        /// The upper bound's property.
        max_key: PropKey,
        /// Its value.
        max: f32,
    },
    /// A slider's or progress bar's value outside its `min` and `max`.
    #[error("value {value} is outside min {min} to max {max}")]
    ValueOutOfBounds {
        /// The value.
        value: f32,
        /// The widget's `min`.
        min: f32,
        /// The widget's `max`.
        max: f32,
    },
    /// A selected index past the end of the items.
    #[error("selected index {selected} but there are only {count} items")]
    SelectedPastItems {
        /// The `selected` index.
        selected: i32,
        /// How many items there are.
        count: usize,
    },
}

/// Problems with the combination of a widget's properties, each with the
/// property it is reported on.
pub(crate) fn widget_invariants(kind: WidgetKind, props: &Props) -> Vec<(PropKey, ConflictError)> {
    let mut problems = Vec::new();
    let number = |key: PropKey| match props.get(key) {
        Some(PropValue::Number(v)) => Some(*v),
        _ => None,
    };
    let num_or_default = |key: PropKey| {
        number(key).unwrap_or_else(|| match key.spec().default_value() {
            Some(PropValue::Number(v)) => v,
            _ => 0.0,
        })
    };
    if kind.has(PropKey::Value) {
        let (min, max, value) =
            (num_or_default(PropKey::Min), num_or_default(PropKey::Max), num_or_default(PropKey::Value));
        if min > max {
            problems.push((
                PropKey::Min,
                ConflictError::MinAboveMax { min_key: PropKey::Min, min, max_key: PropKey::Max, max },
            ));
        } else if value < min || value > max {
            problems.push((PropKey::Value, ConflictError::ValueOutOfBounds { value, min, max }));
        }
    }
    for (min_key, max_key) in [(PropKey::MinWidth, PropKey::MaxWidth), (PropKey::MinHeight, PropKey::MaxHeight)] {
        if let (Some(min), Some(max)) = (number(min_key), number(max_key))
            && min > max
        {
            problems.push((min_key, ConflictError::MinAboveMax { min_key, min, max_key, max }));
        }
    }
    if kind.has(PropKey::Selected)
        && let Some(PropValue::Int(selected)) = props.get(PropKey::Selected)
    {
        let count = match props.get(PropKey::Items) {
            Some(PropValue::Items(items)) => items.len(),
            _ => 0,
        };
        if *selected >= 0 && *selected as usize >= count {
            problems.push((PropKey::Selected, ConflictError::SelectedPastItems { selected: *selected, count }));
        }
    }
    problems
}
