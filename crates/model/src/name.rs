//! Widget names: unique in a document and valid identifiers in every
//! language Trellis generates code for (Rust, HTML ids, Slint).

use std::collections::{BTreeMap, HashMap, HashSet};

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
/// Borrowed where it is one already (a pasted widget's name, each widget
/// of a paste of thousands).
pub(crate) fn stem(name: &str) -> std::borrow::Cow<'_, str> {
    let base = match name.rsplit_once('_') {
        Some((stem, digits))
            if !stem.is_empty() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            stem
        }
        _ => name,
    };
    let valid = |s: &str| {
        let b = s.as_bytes();
        !b.is_empty()
            && s.len() <= MAX_NAME_BYTES - 8
            && (b[0].is_ascii_alphabetic() || b[0] == b'_')
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
            && !RESERVED.contains(&s)
            && s != "_"
    };
    if valid(base) {
        return std::borrow::Cow::Borrowed(base);
    }
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
    std::borrow::Cow::Owned(cleaned)
}

/// A map keyed by widget names, hashed by foldhash (randomly seeded, per
/// map) rather than SipHash: a paste looks up each pasted widget's name
/// several times, and hashing with SipHash was a fifth of the time spent
/// finding free names (`perf record` of a paste of 1,000 widgets).
pub(crate) type NameMap<V> = HashMap<Box<str>, V, foldhash::fast::RandomState>;

/// A set of widget names, hashed as [`NameMap`] is.
pub(crate) type NameSet = HashSet<Box<str>, foldhash::fast::RandomState>;

/// Which `stem_N` names a document lists, as runs of consecutive `N` per
/// stem, so that the first free `stem_N` from a counter is one lookup, not
/// a probe of each taken name: the first paste of a label into a design of
/// 30,000 labels tried `label_1` to `label_30000` in turn (30 ms of a
/// 100,000-widget paste). Only counters as [`Document::unique_name`] writes
/// them count (`label_7`, not `label_07`).
///
/// [`Document::unique_name`]: crate::Document::unique_name
#[derive(Debug, Default)]
pub(crate) struct NumberedNames {
    /// Per stem, each run's first number and its last.
    runs: NameMap<BTreeMap<u32, u32>>,
}

/// A name as a stem and the counter a generated name ends with.
fn numbered(name: &str) -> Option<(&str, u32)> {
    let (stem, digits) = name.rsplit_once('_')?;
    let canonical = !digits.is_empty() && (digits == "0" || !digits.starts_with('0'));
    if stem.is_empty() || !canonical || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((stem, digits.parse().ok()?))
}

impl NumberedNames {
    /// Notes that `name` is listed.
    pub(crate) fn insert(&mut self, name: &str) {
        let Some((stem, n)) = numbered(name) else { return };
        // Stems are never forgotten (an empty map holds no memory), so that
        // pastes and undos do not churn the map of stems.
        let runs = match self.runs.get_mut(stem) {
            Some(runs) => runs,
            None => self.runs.entry(stem.into()).or_default(),
        };
        let before = runs.range(..=n).next_back().map(|(&s, &e)| (s, e));
        if before.is_some_and(|(_, e)| e >= n) {
            return;
        }
        let start = match before {
            Some((s, e)) if e + 1 == n => s,
            _ => n,
        };
        let end = match n.checked_add(1).and_then(|next| runs.remove(&next)) {
            Some(e) => e,
            None => n,
        };
        runs.insert(start, end);
    }

    /// Notes that `name` is no longer listed.
    pub(crate) fn remove(&mut self, name: &str) {
        let Some((stem, n)) = numbered(name) else { return };
        let Some(runs) = self.runs.get_mut(stem) else { return };
        let Some((&start, &end)) = runs.range(..=n).next_back() else { return };
        if end < n {
            return;
        }
        if start == n {
            runs.remove(&start);
        } else {
            runs.insert(start, n - 1);
        }
        if end > n {
            runs.insert(n + 1, end);
        }
    }

    /// The first `N` from `from` on for which `stem_N` is not listed.
    pub(crate) fn first_free(&self, stem: &str, from: u32) -> u32 {
        let run_end = self.runs.get(stem).and_then(|runs| runs.range(..=from).next_back()).map(|(_, &e)| e);
        match run_end {
            Some(end) if end >= from => end.saturating_add(1),
            _ => from,
        }
    }

    /// Approximate heap bytes, for memory reports.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.runs.capacity() * (size_of::<(Box<str>, BTreeMap<u32, u32>)>() + 1)
            + self.runs.iter().map(|(stem, runs)| stem.len() + runs.len() * 2 * size_of::<u32>()).sum::<usize>()
    }
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

    fn taken(names: &NumberedNames, stem: &str) -> Vec<(u32, u32)> {
        names.runs.get(stem).map(|r| r.iter().map(|(&s, &e)| (s, e)).collect()).unwrap_or_default()
    }

    #[test]
    fn numbered_names_keep_runs_and_find_the_first_free_counter() {
        let mut names = NumberedNames::default();
        for n in ["label_1", "label_2", "label_4", "label_3", "label_07", "label_x", "label", "card_0", "label_6"] {
            names.insert(n);
        }
        assert_eq!(taken(&names, "label"), [(1, 4), (6, 6)]);
        assert_eq!(taken(&names, "card"), [(0, 0)]);
        assert_eq!(names.first_free("label", 1), 5);
        assert_eq!(names.first_free("label", 5), 5);
        assert_eq!(names.first_free("label", 6), 7);
        assert_eq!(names.first_free("button", 1), 1);
        names.remove("label_3");
        names.remove("label_07");
        assert_eq!(taken(&names, "label"), [(1, 2), (4, 4), (6, 6)]);
        assert_eq!(names.first_free("label", 1), 3);
        names.remove("label_1");
        names.remove("label_6");
        names.insert("label_5");
        assert_eq!(taken(&names, "label"), [(2, 2), (4, 5)]);
        names.insert("label_3");
        assert_eq!(taken(&names, "label"), [(2, 5)]);
        names.insert(&format!("big_{}", u32::MAX));
        assert_eq!(taken(&names, "big"), [(u32::MAX, u32::MAX)]);
        names.insert("bigger_99999999999");
        assert_eq!(taken(&names, "bigger"), []);
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
