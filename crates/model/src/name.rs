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

/// Why a string cannot name a widget. Each message says what to change.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// The name is the empty string.
    #[error("a name cannot be empty: type one")]
    Empty,
    /// The name is longer than [`MAX_NAME_BYTES`].
    #[error("a name can have at most {limit} characters: shorten it")]
    TooLong {
        /// Length of the name given, in bytes.
        len: usize,
        /// The most a name may have, in bytes.
        limit: usize,
    },
    /// The first character is neither an ASCII letter nor `_`.
    #[error("a name must start with a letter or '_', not '{found}'")]
    BadStart {
        /// The first character of the name.
        found: char,
    },
    /// A character other than an ASCII letter, digit or `_`.
    #[error(
        "'{found}' (character {number}) cannot be in a name: use only ASCII letters, digits and '_'",
        number = .position + 1
    )]
    BadCharacter {
        /// The character refused.
        found: char,
        /// Where it is, counting characters (not bytes) from 0.
        position: usize,
    },
    /// The name means something of its own in generated code.
    #[error("'{word}' is a reserved word in generated code: choose another name")]
    Reserved {
        /// The name given.
        word: String,
    },
}

/// Checks that `name` can name a widget; the error says why not.
///
/// This does not check that the name is free: only a document knows that.
pub fn check_name(name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(NameError::TooLong { len: name.len(), limit: MAX_NAME_BYTES });
    }
    let mut chars = name.chars();
    let first = chars.next().expect("not empty");
    if !(first.is_ascii_alphabetic() || first == '_') {
        return Err(NameError::BadStart { found: first });
    }
    if let Some((position, found)) = chars.enumerate().find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_')) {
        return Err(NameError::BadCharacter { found, position: position + 1 });
    }
    if name == "_" || RESERVED.contains(&name) {
        return Err(NameError::Reserved { word: name.to_owned() });
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
    fn refusals_say_which_rule_and_where() {
        assert_eq!(check_name(""), Err(NameError::Empty));
        assert_eq!(check_name(&"a".repeat(65)), Err(NameError::TooLong { len: 65, limit: MAX_NAME_BYTES }));
        assert_eq!(check_name("1abc"), Err(NameError::BadStart { found: '1' }));
        assert_eq!(check_name("é"), Err(NameError::BadStart { found: 'é' }));
        // Positions count characters, so a UI can point at the one to fix.
        assert_eq!(check_name("añb c"), Err(NameError::BadCharacter { found: 'ñ', position: 1 }));
        assert_eq!(check_name("has space"), Err(NameError::BadCharacter { found: ' ', position: 3 }));
        assert_eq!(check_name("fn"), Err(NameError::Reserved { word: "fn".into() }));
        let message = check_name("dash-name").unwrap_err().to_string();
        assert!(message.contains("'-' (character 5)"), "{message}");
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
