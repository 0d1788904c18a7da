//! Widget names: unique in a document and valid identifiers in every
//! language Trellis generates code for (Rust, HTML ids, Slint).

use crate::limits::MAX_NAME_BYTES;

/// Words that cannot name a widget: Rust keywords, and the ids Slint gives
/// a meaning of its own.
const RESERVED: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "parent", "pub", "ref",
    "return", "root", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type", "union", "unsafe",
    "use", "where", "while", "yield", "abstract", "become", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual",
];

/// Checks that `name` can name a widget; the error says why not.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a name cannot be empty".into());
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!("a name can have at most {MAX_NAME_BYTES} characters"));
    }
    let first = name.as_bytes()[0];
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return Err("a name must start with a letter or '_'".into());
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err("a name may contain only ASCII letters, digits and '_'".into());
    }
    if name == "_" || RESERVED.contains(&name) {
        return Err("it is a reserved word in generated code".into());
    }
    Ok(())
}

/// The part of a name before a trailing `_<digits>` (`button_12` → `button`),
/// turned into a valid name if it was not one.
pub(crate) fn stem(name: &str) -> String {
    let base = match name.rsplit_once('_') {
        Some((stem, digits))
            if !stem.is_empty() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            stem
        }
        _ => name,
    };
    let mut cleaned: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
        .take(MAX_NAME_BYTES - 8)
        .collect();
    if cleaned.is_empty() || !(cleaned.as_bytes()[0].is_ascii_alphabetic() || cleaned.as_bytes()[0] == b'_') {
        cleaned.insert(0, 'w');
    }
    if RESERVED.contains(&cleaned.as_str()) || cleaned == "_" {
        cleaned.push_str("_widget");
    }
    cleaned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_identifier_rules() {
        for ok in ["save_button", "_x", "A1", "panel_2"] {
            check_name(ok).unwrap();
        }
        for bad in ["", "1abc", "has space", "dash-name", "fn", "self", "root", "_", "é", &"a".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn stems_strip_counters_and_stay_valid() {
        assert_eq!(stem("button_12"), "button");
        assert_eq!(stem("button"), "button");
        assert_eq!(stem("a_b"), "a_b");
        assert_eq!(stem("9lives"), "w9lives");
        assert_eq!(stem("fn"), "fn_widget");
        check_name(&format!("{}_1", stem(&"x".repeat(64)))).unwrap();
    }
}
