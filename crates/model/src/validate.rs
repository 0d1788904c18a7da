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

/// The properties [`widget_invariants`] reads: a change to none of them
/// keeps a widget's properties as consistent as they were, and is not
/// checked again (a nudge of everything at 100,000 widgets sets the
/// place of 5,556).
const INVARIANT_KEYS: [PropKey; 9] = [
    PropKey::Min,
    PropKey::Max,
    PropKey::Value,
    PropKey::MinWidth,
    PropKey::MaxWidth,
    PropKey::MinHeight,
    PropKey::MaxHeight,
    PropKey::Selected,
    PropKey::Items,
];

/// Whether setting `key` can break one of [`widget_invariants`].
pub(crate) fn may_conflict(key: PropKey) -> bool {
    INVARIANT_KEYS.contains(&key)
}

/// Problems with the combination of a widget's properties, each with the
/// property it is reported on.
pub(crate) fn widget_invariants(kind: WidgetKind, props: &Props) -> Vec<(PropKey, ConflictError)> {
    let mut problems = Vec::new();
    let get = |key: PropKey| {
        debug_assert!(may_conflict(key), "{key:?} is read by widget_invariants: list it in INVARIANT_KEYS");
        props.get(key)
    };
    let number = |key: PropKey| match get(key) {
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
        && let Some(PropValue::Int(selected)) = get(PropKey::Selected)
    {
        let count = match get(PropKey::Items) {
            Some(PropValue::Items(items)) => items.len(),
            _ => 0,
        };
        if *selected >= 0 && *selected as usize >= count {
            problems.push((PropKey::Selected, ConflictError::SelectedPastItems { selected: *selected, count }));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::property::{Align, Color, Justify, LayoutMode, PropType, Track};

    /// A value of `key` that is not its default.
    fn some_value(key: PropKey) -> PropValue {
        match key.spec().ty {
            // In range, and not the default (opacity's is its maximum).
            PropType::Number { min, max } | PropType::Length { min, max } => {
                PropValue::Number(if (min..=max).contains(&37.0) { 37.0 } else { (min + max) / 2.0 })
            }
            PropType::Int { min, max } => PropValue::Int(if (min..=max).contains(&3) { 3 } else { (min + max) / 2 }),
            PropType::Bool => PropValue::Bool(!matches!(key.spec().default_value(), Some(PropValue::Bool(true)))),
            PropType::Color => PropValue::Color(Color::rgba(1, 2, 3, 4)),
            PropType::Text { .. } => PropValue::Text("some text".into()),
            PropType::RelativePath => PropValue::Text("images/a.png".into()),
            PropType::Items => PropValue::Items(vec!["a".into()]),
            PropType::Layout => PropValue::Layout(LayoutMode::ALL[1]),
            PropType::Align { .. } => PropValue::Align(Align::Center),
            PropType::Justify => PropValue::Justify(Justify::ALL[1]),
            PropType::Tracks => PropValue::Tracks(vec![Track::Fr(2.0)]),
        }
    }

    /// Setting a property outside `INVARIANT_KEYS` is not checked against
    /// the invariants again: it must not change what they find, whatever
    /// they find. Two widgets between them break every invariant: one its
    /// bounds (min above max, for values and sizes) and its selection,
    /// the other its value (out of bounds that hold).
    #[test]
    fn the_invariants_read_only_the_keys_listed_for_them() {
        let n = PropValue::Number;
        let broken = [
            vec![
                (PropKey::Min, n(10.0)),
                (PropKey::Max, n(0.0)),
                (PropKey::MinWidth, n(50.0)),
                (PropKey::MaxWidth, n(5.0)),
                (PropKey::MinHeight, n(50.0)),
                (PropKey::MaxHeight, n(5.0)),
                (PropKey::Selected, PropValue::Int(4)),
                (PropKey::Items, PropValue::Items(vec!["one".into()])),
            ],
            vec![(PropKey::Min, n(0.0)), (PropKey::Max, n(10.0)), (PropKey::Value, n(20.0))],
        ];
        let mut seen = std::collections::HashSet::new();
        for &kind in WidgetKind::ALL {
            for values in &broken {
                let mut props = Props::default();
                for (key, value) in values {
                    props.set(*key, Some(value.clone()));
                }
                let found = widget_invariants(kind, &props);
                seen.extend(found.iter().map(|(_, problem)| std::mem::discriminant(problem)));
                for &key in PropKey::ALL.iter().filter(|k| !may_conflict(**k)) {
                    let mut changed = props.clone();
                    changed.set(key, Some(some_value(key)));
                    assert_ne!(changed, props, "{key:?} changed");
                    assert_eq!(widget_invariants(kind, &changed), found, "{kind:?}: setting {key:?}");
                }
            }
        }
        assert_eq!(seen.len(), 3, "every kind of problem found: {seen:?}");
    }
}
