//! Escaping a design's strings for each place they go in a page, so that
//! no name, text, item or path can close an element, open one, or end an
//! attribute or a comment.

/// Text between tags (and in `<title>` and `<textarea>`, which end only
/// at their own closing tag). NUL, which HTML drops or replaces, is left
/// out; the layout measured it as nothing.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => {}
            c => out.push(c),
        }
    }
    out
}

/// A double-quoted attribute value.
pub(crate) fn attribute(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => {}
            c => out.push(c),
        }
    }
    out
}

/// Inside an HTML or CSS comment: only ASCII letters, digits and `._-/ `
/// survive (a file name in a header), so `-->` and `*/` cannot occur.
pub(crate) fn comment(s: &str) -> String {
    let cleaned: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || "._/ ".contains(c) { c } else { '_' }).collect();
    cleaned.replace("--", "__").replace("*/", "*_")
}

/// A file name for a copied image: ASCII letters, digits, `.`, `_` and
/// `-` only (safe in a URL and on every file system), never hidden.
pub(crate) fn file_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .take(64)
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' { c } else { '_' })
        .collect();
    cleaned.trim_start_matches('.').to_owned()
}

/// Whether `c` must be written as an escape in a source-code string
/// literal: control characters (a literal newline or NUL would end or
/// corrupt the literal) and the invisible formatting characters that can
/// make source read differently from how it compiles (Trojan Source:
/// bidirectional overrides and isolates, zero-width characters, the BOM).
fn needs_escape_in_source(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{061c}' | '\u{00ad}')
}

/// A Slint string literal holding `s`, quotes included. Slint reads `\"`,
/// `\\`, `\n` and `\u{..}`; `\{` would start an interpolation, which a
/// doubled backslash rules out.
pub(crate) fn slint_string(s: &str) -> String {
    source_string(s, &[])
}

/// A Rust string literal holding `s`, quotes included, with every
/// character that could hide or change code written as an escape.
pub(crate) fn rust_string(s: &str) -> String {
    source_string(s, &[('\t', "\\t"), ('\r', "\\r")])
}

/// `s` in double quotes, escaped for a C-like string literal: `"`, `\` and
/// newlines by name, `named` characters as given, and every other
/// character [`needs_escape_in_source`] as `\u{..}`.
fn source_string(s: &str, named: &[(char, &str)]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if needs_escape_in_source(c) => match named.iter().find(|(n, _)| *n == c) {
                Some((_, escape)) => out.push_str(escape),
                None => {
                    let _ = std::fmt::Write::write_fmt(&mut out, format_args!("\\u{{{:x}}}", c as u32));
                }
            },
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_literals_hide_nothing_and_cannot_be_closed() {
        assert_eq!(slint_string("a\"b\\{c}\n"), r#""a\"b\\{c}\n""#);
        assert_eq!(slint_string("\u{202e}x\0"), r#""\u{202e}x\u{0}""#);
        assert_eq!(rust_string("\"#\u{2066}*/}"), "\"\\\"#\\u{2066}*/}\"");
        assert_eq!(rust_string("\0\r"), r#""\u{0}\r""#);
    }

    #[test]
    fn markup_cannot_escape_its_context() {
        assert_eq!(text("</style><script>&"), "&lt;/style&gt;&lt;script&gt;&amp;");
        assert_eq!(attribute("\"><img src=x onerror='a'>"), "&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;");
        assert_eq!(text("a\0b"), "ab");
        assert_eq!(comment("x-->y*/z"), "x___y_/z");
        assert_eq!(file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(file_name(".hidden.png"), "hidden.png");
    }
}
