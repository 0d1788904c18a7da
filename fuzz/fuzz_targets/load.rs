//! Fuzzes the design loader: any bytes must give a document or an error,
//! never a panic, a hang or a huge allocation. A document it accepts must
//! save and load back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trellis_model::Document;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = Document::from_json_bytes(data) {
        let text = doc.to_json_string();
        let again = Document::from_json_bytes(text.as_bytes()).expect("a saved design loads");
        assert_eq!(again.to_json_string(), text);
    }
});
