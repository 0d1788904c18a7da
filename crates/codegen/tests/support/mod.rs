//! What the export tests share: hostile texts and a demo carrying them.

use serde_json::Value;
use trellis_model::Document;

/// Strings that try to end their context and start markup, style or
/// script of their own.
pub const HOSTILE: &[&str] = &[
    "</style><style>body{display:none}</style>",
    "</script><script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "} body { background: url(javascript:alert(1)) } {",
    "</textarea><b>bold</b>",
    "</title><script>alert(1)</script>",
    "--><!-- comment",
    "NUL\u{0}byte",
    "\u{202e}reversed\u{2066} isolate \u{2069}",
    "&amp; &lt; &#x3C;",
];

/// The demo with every text, placeholder, tooltip and item replaced by
/// `text(i)`.
pub fn demo_with_texts(text: impl Fn(usize) -> String) -> Document {
    let mut file: Value = serde_json::from_str(trellis_model::DEMO_JSON).expect("the demo is JSON");
    let mut n = 0;
    fn walk(node: &mut Value, n: &mut usize, text: &dyn Fn(usize) -> String) {
        if let Some(props) = node.get_mut("props").and_then(Value::as_object_mut) {
            for key in ["text", "placeholder", "tooltip"] {
                if props.contains_key(key) {
                    *n += 1;
                    props.insert(key.into(), Value::String(text(*n)));
                }
            }
            if let Some(items) = props.get_mut("items").and_then(Value::as_array_mut) {
                for item in items {
                    *n += 1;
                    *item = Value::String(text(*n));
                }
            }
        }
        if let Some(children) = node.get_mut("children").and_then(Value::as_array_mut) {
            for child in children {
                walk(child, n, text);
            }
        }
    }
    walk(&mut file["root"], &mut n, &text);
    Document::from_json_bytes(file.to_string().as_bytes()).expect("hostile texts are valid texts")
}
