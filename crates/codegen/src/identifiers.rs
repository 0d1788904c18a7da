//! Identifiers of generated code, made from widget names.
//!
//! The model already keeps names to ASCII letters, digits and `_`, never a
//! Rust keyword; but a design file can be written by hand, and generated
//! names (`name_input` + `-text`) can meet a word the target language or
//! its runtime keeps for itself. So every identifier goes through
//! [`Identifiers::claim`], which makes it valid and unused, whatever the
//! name was.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

/// The language an identifier is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Language {
    /// Rust: snake case, keywords avoided.
    Rust,
    /// Rust type and variant names: camel case, a number appended as is.
    RustType,
    /// Slint: kebab case (Slint reads `_` and `-` as the same character
    /// after the first), its own words avoided.
    Slint,
}

/// Rust's keywords, strict and reserved, in every edition, and the
/// names a generated module declares itself.
const RUST_RESERVED: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
    "egui", "ui", "response", "events", "std", "core", "alloc",
];

/// Words with a meaning of their own in a Slint component's scope: the
/// language's words and the properties every element or window has. A
/// generated property named like one would redefine it.
const SLINT_RESERVED: &[&str] = &[
    "root",
    "parent",
    "self",
    "true",
    "false",
    "if",
    "for",
    "in",
    "out",
    "in-out",
    "property",
    "callback",
    "function",
    "public",
    "private",
    "protected",
    "pure",
    "animate",
    "states",
    "transitions",
    "changed",
    "import",
    "export",
    "from",
    "component",
    "global",
    "struct",
    "enum",
    "inherits",
    "implements",
    "return",
    "slot",
    "match",
    "debug",
    "init",
    "absolute-position",
    "accessible-action-decrement",
    "accessible-action-default",
    "accessible-action-expand",
    "accessible-action-increment",
    "accessible-action-set-selection-offsets",
    "accessible-action-set-value",
    "accessible-checkable",
    "accessible-checked",
    "accessible-delegate-focus",
    "accessible-description",
    "accessible-enabled",
    "accessible-expandable",
    "accessible-expanded",
    "accessible-id",
    "accessible-item-count",
    "accessible-item-index",
    "accessible-item-selectable",
    "accessible-item-selected",
    "accessible-label",
    "accessible-live-region",
    "accessible-orientation",
    "accessible-placeholder-text",
    "accessible-read-only",
    "accessible-role",
    "accessible-value",
    "accessible-value-maximum",
    "accessible-value-minimum",
    "accessible-value-step",
    "always-on-top",
    "background",
    "cache-rendering-hint",
    "clear-focus",
    "clip",
    "col",
    "colspan",
    "cross-axis-self-alignment",
    "default-font-family",
    "default-font-size",
    "default-font-weight",
    "dialog-button-role",
    "drop-shadow-blur",
    "drop-shadow-color",
    "drop-shadow-offset-x",
    "drop-shadow-offset-y",
    "drop-shadow-spread",
    "enabled",
    "focus",
    "forward-focus",
    "full-screen",
    "height",
    "hide",
    "horizontal-stretch",
    "icon",
    "layout-order",
    "max-height",
    "max-width",
    "min-height",
    "min-width",
    "no-frame",
    "opacity",
    "preferred-height",
    "preferred-width",
    "resize-border-width",
    "rotation-angle",
    "rotation-origin-x",
    "rotation-origin-y",
    "row",
    "rowspan",
    "show",
    "title",
    "transform-origin",
    "transform-rotation",
    "transform-scale",
    "transform-scale-x",
    "transform-scale-y",
    "vertical-stretch",
    "visible",
    "width",
    "x",
    "y",
    "z",
];

/// [`RUST_RESERVED`] and [`SLINT_RESERVED`] as sets: every widget's
/// identifiers are looked up in them.
static RUST_WORDS: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| RUST_RESERVED.iter().copied().collect());
static SLINT_WORDS: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| SLINT_RESERVED.iter().copied().collect());

/// The identifiers handed out so far in one scope of generated code.
pub(crate) struct Identifiers {
    language: Language,
    taken: FxHashSet<String>,
    /// For each identifier asked for more than once, the number its next
    /// claim starts trying from: every smaller one was taken when last
    /// tried, and stays taken, so 3,000 widgets named `toggle` cost one
    /// try each, not 3,000.
    next_number: FxHashMap<String, usize>,
}

impl Identifiers {
    /// An empty scope.
    pub(crate) fn new(language: Language) -> Self {
        Identifiers { language, taken: FxHashSet::default(), next_number: FxHashMap::default() }
    }

    /// `base` made a valid identifier of the language that no earlier
    /// claim holds: characters outside ASCII letters, digits and `_`
    /// become `_`, a leading digit gets a letter before it, and a reserved
    /// or taken word gets a number after it (`_2`, `-2`, ...).
    pub(crate) fn claim(&mut self, base: &str) -> String {
        let ident = if self.already_valid(base) { base.to_owned() } else { self.made_valid(base) };
        let (reserved, joint) = match self.language {
            Language::Rust => (&*RUST_WORDS, "_"),
            Language::RustType => (&*RUST_WORDS, ""),
            Language::Slint => (&*SLINT_WORDS, "-"),
        };
        let free =
            |candidate: &str, taken: &FxHashSet<String>| !reserved.contains(candidate) && !taken.contains(candidate);
        if free(&ident, &self.taken) {
            self.taken.insert(ident.clone());
            return ident;
        }
        let mut n = self.next_number.get(&ident).copied().unwrap_or(2);
        let mut chosen = format!("{ident}{joint}{n}");
        while !free(&chosen, &self.taken) {
            n += 1;
            chosen = format!("{ident}{joint}{n}");
        }
        self.next_number.insert(ident, n + 1);
        self.taken.insert(chosen.clone());
        chosen
    }

    /// Whether [`Identifiers::made_valid`] would give `base` back as it
    /// is (most names: the model keeps them so), which is much cheaper to
    /// tell than to make.
    fn already_valid(&self, base: &str) -> bool {
        let bytes = base.as_bytes();
        let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else { return false };
        match self.language {
            // snake_case without a leading, trailing or doubled `_`.
            Language::Rust => {
                first.is_ascii_lowercase()
                    && *last != b'_'
                    && !base.contains("__")
                    && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
            }
            Language::RustType => {
                first.is_ascii_alphabetic() && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
            }
            Language::Slint => false,
        }
    }

    /// `base` made a valid identifier of the language (not yet checked
    /// against reserved or taken words).
    fn made_valid(&self, base: &str) -> String {
        let mut ident: String =
            base.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
        if self.language != Language::Slint {
            ident = ident.replace('-', "_");
        }
        if self.language == Language::Rust {
            // snake_case, as rustc's lints want it: `Email` is `email`,
            // `a__b_` is `a_b` (a leading `_` stays).
            let lead = ident.len() - ident.trim_start_matches('_').len();
            let body: Vec<String> =
                ident[lead..].split('_').filter(|p| !p.is_empty()).map(str::to_ascii_lowercase).collect();
            ident = format!("{}{}", "_".repeat(lead.min(1)), body.join("_"));
        }
        if ident.is_empty() || ident.chars().all(|c| c == '_' || c == '-') {
            ident = format!("w{ident}");
        }
        if ident.starts_with(|c: char| c.is_ascii_digit()) {
            ident.insert_str(0, "w_");
        }
        if self.language == Language::Slint {
            ident = slint_normal(&ident);
        }
        ident
    }
}

/// How Slint reads an identifier: a leading `_` or `-` is `_`, every other
/// `_` is `-`. Two names that read the same are one name to Slint.
fn slint_normal(ident: &str) -> String {
    ident
        .chars()
        .enumerate()
        .map(|(i, c)| match (i, c) {
            (0, '-' | '_') => '_',
            (_, '_') => '-',
            (_, c) => c,
        })
        .collect()
}

/// `name` as a Rust type name: `demo.trellis.json` → `Demo`,
/// `sign_up-form` → `SignUpForm`.
pub(crate) fn type_name(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Design");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_valid_and_unique_whatever_the_names() {
        let mut rust = Identifiers::new(Language::Rust);
        assert_eq!(rust.claim("name_input"), "name_input");
        assert_eq!(rust.claim("type"), "type_2");
        assert_eq!(rust.claim("9lives"), "w_9lives");
        assert_eq!(rust.claim("naïve"), "na_ve");
        assert_eq!(rust.claim("na_ve"), "na_ve_2");
        assert_eq!(rust.claim(""), "w");
        assert_eq!(rust.claim("_"), "w_");
        assert_eq!(rust.claim("Email"), "email");
        assert_eq!(rust.claim("a__b_"), "a_b");
        assert_eq!(rust.claim("__x"), "_x");
        let mut slint = Identifiers::new(Language::Slint);
        assert_eq!(slint.claim("name_input-text"), "name-input-text");
        assert_eq!(slint.claim("name-input_text"), "name-input-text-2");
        assert_eq!(slint.claim("accessible-checked"), "accessible-checked-2");
        assert_eq!(slint.claim("_private"), "_private");
        assert_eq!(slint.claim("states"), "states-2");
    }

    /// The shortcut for names that are already valid gives what the full
    /// rules give, for every name of up to four characters from an
    /// alphabet with each kind of character the rules treat apart.
    #[test]
    fn a_name_taken_as_it_is_is_what_the_rules_would_make_of_it() {
        let alphabet = ['a', 'Z', '0', '_', '-', 'é', ' '];
        let mut names = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last.iter().flat_map(|n| alphabet.iter().map(move |c| format!("{n}{c}"))).collect();
            names.extend(last.iter().cloned());
        }
        let mut shortcuts = 0;
        for language in [Language::Rust, Language::RustType, Language::Slint] {
            let ids = Identifiers::new(language);
            for name in &names {
                if ids.already_valid(name) {
                    shortcuts += 1;
                    assert_eq!(ids.made_valid(name), *name, "{language:?}");
                }
            }
        }
        assert!(shortcuts > 100, "the shortcut is taken: {shortcuts}");
    }

    #[test]
    fn type_names_are_pascal_case_identifiers() {
        assert_eq!(type_name("demo"), "Demo");
        assert_eq!(type_name("sign_up-form"), "SignUpForm");
        assert_eq!(type_name("2024 plan"), "Design2024Plan");
        assert_eq!(type_name("ü"), "Design");
    }
}
