//! Rules that tie several properties of one widget together. Both the
//! loader (reporting) and the commands (refusing) use them.

use crate::kind::WidgetKind;
use crate::property::{PropKey, PropValue, Props};

/// Problems with the combination of a widget's properties, each with the
/// property it is reported on and the reason.
pub(crate) fn widget_invariants(kind: WidgetKind, props: &Props) -> Vec<(PropKey, String)> {
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
            problems.push((PropKey::Min, format!("min {min} is greater than max {max}")));
        } else if value < min || value > max {
            problems.push((PropKey::Value, format!("value {value} is outside min {min} to max {max}")));
        }
    }
    for (min_key, max_key) in [(PropKey::MinWidth, PropKey::MaxWidth), (PropKey::MinHeight, PropKey::MaxHeight)] {
        if let (Some(min), Some(max)) = (number(min_key), number(max_key))
            && min > max
        {
            problems.push((min_key, format!("{} {min} is greater than {} {max}", min_key.name(), max_key.name())));
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
            problems.push((PropKey::Selected, format!("selected index {selected} but there are only {count} items")));
        }
    }
    problems
}
