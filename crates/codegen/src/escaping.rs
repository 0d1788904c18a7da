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

#[cfg(test)]
mod tests {
    use super::*;

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
