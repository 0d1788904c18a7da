//! The egui export: the bundled demo's export is checked in as
//! `crates/exported/src/demo.rs`, which the workspace compiles (and clippy
//! checks), so an export that stops compiling fails the build; this test
//! keeps that file equal to what the exporter writes today
//! (`TRELLIS_BLESS=1` writes it again). Hostile texts and names can never
//! change the generated code's structure.

use std::path::{Path, PathBuf};

use serde_json::Value;
use trellis_codegen::egui::export_egui_unformatted;
use trellis_codegen::{EguiExport, EguiSource, export_egui};
use trellis_geometry::{FontMeasurer, Geometry};
use trellis_model::{Document, Theme};

mod support;
use support::{HOSTILE, demo_with_texts};
#[path = "support/random.rs"]
mod random;
use random::random_design;

fn exported_crate() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../exported/src")
}

fn export(doc: &Document, design_dir: Option<&Path>, out_dir: Option<&Path>) -> EguiExport {
    let geometry = Geometry::new(doc, FontMeasurer::shared());
    let source = EguiSource {
        file_name: "demo.trellis.json".into(),
        type_name: None,
        design_dir: design_dir.map(Path::to_owned),
        out_dir: out_dir.map(Path::to_owned),
        theme: Theme::LIGHT,
    };
    export_egui(doc, &geometry, &source).expect("the export parses")
}

/// The demo exported beside its image, as `trellis export` writes it
/// into the folder of the design.
fn demo_export() -> EguiExport {
    let folder = exported_crate();
    for (name, bytes) in trellis_model::DEMO_IMAGES {
        assert_eq!(
            std::fs::read(folder.join(name)).ok().as_deref(),
            Some(*bytes),
            "crates/exported/src/{name} is the demo's"
        );
    }
    export(&trellis_model::demo_design(), Some(&folder), Some(&folder))
}

/// Where two texts first differ, with some context.
fn first_difference(a: &str, b: &str) -> String {
    let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let from = at.saturating_sub(200);
    let a: String = a.chars().skip(from).take(400).collect();
    let b: String = b.chars().skip(from).take(400).collect();
    format!("at character {at}:\n{a}\n---\n{b}")
}

#[test]
fn the_checked_in_demo_module_is_what_the_exporter_writes() {
    let export = demo_export();
    let golden = exported_crate().join("demo.rs");
    if std::env::var_os("TRELLIS_BLESS").is_some() {
        std::fs::write(&golden, &export.source).expect("writes the golden module");
    }
    let checked_in = std::fs::read_to_string(&golden).expect("crates/exported/src/demo.rs exists");
    assert!(
        checked_in == export.source,
        "crates/exported/src/demo.rs differs from the demo's export today: run `TRELLIS_BLESS=1 cargo test -p trellis-codegen --test egui_export` and review the diff"
    );
    assert!(export.warnings.is_empty(), "{:?}", export.warnings);
    assert_eq!(export.type_name, "Demo");
    assert!(export.source.contains("egui::include_image!(\"avatar.png\")"));
}

#[test]
fn the_same_design_exports_the_same_bytes() {
    assert_eq!(demo_export().source, demo_export().source);
}

/// The module with every string literal emptied, every number made `0`
/// (sizes measured from texts change with them), comments, whitespace and
/// trailing commas dropped (the formatter breaks lines by their length).
fn skeleton(source: &str) -> String {
    let mut out = String::new();
    for line in source.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut in_string = false;
        let mut escaped = false;
        for c in line.chars() {
            if in_string {
                match (escaped, c) {
                    (false, '\\') => escaped = true,
                    (false, '"') => {
                        in_string = false;
                        out.push('"');
                    }
                    _ => escaped = false,
                }
            } else if c.is_ascii_digit() {
                if !out.ends_with('0') {
                    out.push('0');
                }
            } else if !c.is_whitespace() {
                if matches!(c, ')' | '}' | ']') && out.ends_with(',') {
                    out.pop();
                }
                out.push(c);
                if c == '"' {
                    in_string = true;
                }
            }
        }
    }
    out
}

#[test]
fn hostile_texts_stay_inside_string_literals() {
    let plain = export(&demo_with_texts(|i| format!("text {i}")), None, None);
    let extra = ["\"#; panic!(); r#\"", "*/ } fn evil() { /*", "\\u{0}\\", "\n}\n"];
    for (k, hostile) in HOSTILE.iter().copied().chain(extra).enumerate() {
        let export = export(&demo_with_texts(|i| format!("{hostile}{i}")), None, None);
        let (got, want) = (skeleton(&export.source), skeleton(&plain.source));
        assert!(got == want, "text {k} {hostile:?} changed the code {}", first_difference(&got, &want));
        assert!(!export.source.contains('\u{202e}') && !export.source.contains('\0'));
    }
}

/// A design whose names are Rust keywords in other editions, clash once
/// suffixes are added, or differ only where sanitising makes them equal.
#[test]
fn names_that_clash_as_rust_identifiers_get_distinct_ones() {
    let names = [
        ("text_input", "name"),
        ("label", "name_text"),
        ("button", "go"),
        ("button", "Go"),
        ("checkbox", "ui"),
        ("slider", "events"),
    ];
    let children: Vec<Value> =
        names.iter().map(|(kind, name)| serde_json::json!({ "kind": kind, "name": name, "props": {} })).collect();
    let file = serde_json::json!({
        "format": "trellis", "version": 2,
        "root": { "kind": "window", "name": "window", "props": { "layout": "column" }, "children": children }
    });
    let doc = Document::from_json_bytes(file.to_string().as_bytes()).expect("valid names");
    let export = export(&doc, None, None);
    let mut fields = export.fields.clone();
    fields.sort();
    fields.dedup();
    assert_eq!(fields.len(), export.fields.len(), "fields are distinct: {:?}", export.fields);
    assert_eq!(export.fields, ["name_text", "ui_2_checked", "events_2_value"]);
    assert_eq!(export.events, ["NameChanged", "GoClicked", "GoClicked2", "UiChanged", "EventsChanged"]);
    assert!(export.fields.iter().all(|f| f != "ui" && f != "events"), "{:?}", export.fields);
}

/// The module carries only the widget helpers it calls: a hidden toggle
/// keeps its field but draws nothing, so no `switch` is written (an unused
/// helper would fail a user's `-D warnings` build).
#[test]
fn the_module_carries_only_the_helpers_its_shown_widgets_call() {
    let doc = Document::from_json_bytes(
        br#"{"format":"trellis","version":2,"root":{"kind":"window","name":"w","props":{"layout":"column"},"children":[
        {"kind":"toggle","name":"hidden_toggle","props":{"visible":false}},
        {"kind":"progress_bar","name":"shown_progress"}]}}"#,
    )
    .expect("a design");
    let source = export(&doc, None, None).source;
    assert!(source.contains("hidden_toggle_checked"), "the hidden toggle keeps its field");
    assert!(!source.contains("fn switch"), "no switch is drawn");
    assert!(!source.contains("fn on_field") && !source.contains("fn tab("));
    assert!(source.contains("fn progress(") && source.matches("progress(").count() >= 2, "the progress bar is drawn");
    assert!(source.contains("fn theme_visuals") && source.contains("Self::visuals()"), "the theme always applies");
}

/// Containers of every kind nested as deep as a design may be, each
/// beside a label, a button at the bottom.
fn deepest_design() -> Document {
    let kinds = ["row", "column", "panel", "scroll_area", "grid", "tabs"];
    let mut tree = r#"{"kind":"button","name":"deepest","props":{"text":"Go"}}"#.to_owned();
    for i in 0..trellis_model::limits::MAX_DEPTH - 2 {
        tree = format!(
            r#"{{"kind":"{}","name":"c{i}","children":[{{"kind":"label","name":"l{i}"}},{tree}]}}"#,
            kinds[i % kinds.len()]
        );
    }
    let json =
        format!(r#"{{"format":"trellis","version":1,"root":{{"kind":"window","name":"w","children":[{tree}]}}}}"#);
    Document::from_json_bytes(json.as_bytes()).expect("a design at the depth limit loads")
}

/// The exporter formats each widget's code once per shape
/// (`rust_format`), not the whole module: the result must still be what
/// prettyplease writes for the whole module, for every kind of widget,
/// every layout, hostile texts, long names and deep nesting.
#[test]
fn an_export_is_formatted_exactly_as_prettyplease_formats_it() {
    let mut designs: Vec<(String, Document)> =
        (1..=300u64).map(|s| (format!("random {s}"), random_design(s))).collect();
    designs.push(("generated 2000".into(), trellis_model::generate(2000, 7)));
    for (k, hostile) in HOSTILE.iter().enumerate() {
        designs.push((format!("hostile {k}"), demo_with_texts(|i| format!("{hostile}{i}"))));
    }
    designs.push(("nested to the depth limit".into(), deepest_design()));
    designs.push((
        "64 KiB text, the limit".into(),
        demo_with_texts(|i| if i == 3 { "x".repeat(65_536) } else { format!("t{i}") }),
    ));
    let source = EguiSource {
        file_name: "demo.trellis.json".into(),
        type_name: None,
        design_dir: None,
        out_dir: None,
        theme: Theme::LIGHT,
    };
    for (what, doc) in designs {
        let geometry = Geometry::new(&doc, FontMeasurer::shared());
        let got = export_egui(&doc, &geometry, &source).expect("exports").source;
        let raw = export_egui_unformatted(&doc, &geometry, &source).expect("exports").source;
        let (header, raw) = raw.split_once("\n\n").expect("a header");
        let unmarked: String = raw.chars().filter(|c| !matches!(c, '\u{1}'..='\u{5}')).collect();
        let want = format!("{header}\n\n{}", prettyplease::unparse(&syn::parse_file(&unmarked).expect("parses")));
        assert!(got == want, "{what}: formatted differently {}", first_difference(&got, &want));
    }
}
