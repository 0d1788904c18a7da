//! Generated and random designs exported to egui, compiled and run: the
//! exports are written into a scratch crate under the workspace's target
//! folder (built there too, so egui and egui_taffy are compiled once, with
//! the workspace's locked versions, features and profile), compiled with
//! `#![deny(warnings)]`, and run headless by a test in that crate, which
//! prints every labelled widget's rectangle. Each widget found by its text
//! must sit within 1 px of where Trellis's geometry puts it.
//!
//! The browser tests' 300 random designs would take minutes to compile
//! as egui code; this test samples 12 of them, every 25th, plus two
//! generated designs.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use trellis_codegen::{EguiSource, export_egui};
use trellis_geometry::{FontMeasurer, Geometry};
use trellis_model::{Document, PropKey, Theme, WidgetKind, WidgetRef};

#[path = "../../codegen/tests/support/random.rs"]
mod random;
#[path = "../../codegen/tests/support/mod.rs"]
mod support;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace().join("target"), PathBuf::from)
}

/// The text a widget is found by in the accessibility tree (as in
/// `demo_runs.rs`).
fn accessible_text(w: &WidgetRef<'_>) -> Option<String> {
    match w.kind() {
        WidgetKind::Button | WidgetKind::Label | WidgetKind::Checkbox | WidgetKind::Toggle => {
            Some(w.text(PropKey::Text).to_owned()).filter(|t| !t.trim().is_empty())
        }
        WidgetKind::Slider | WidgetKind::Dropdown => {
            let said = [w.text(PropKey::Tooltip), w.text(PropKey::Placeholder)].into_iter().find(|s| !s.is_empty());
            Some(said.unwrap_or(w.name()).to_owned())
        }
        _ => None,
    }
}

/// Whether `w` and every container above it is shown (a tab page shows
/// only the selected tab's child).
fn shown(doc: &Document, w: &WidgetRef<'_>) -> bool {
    let mut at = Some(w.id());
    while let Some(id) = at {
        let Some(x) = doc.widget(id) else { return false };
        if !x.flag(PropKey::Visible) {
            return false;
        }
        if let Some(parent) = x.parent().and_then(|p| doc.widget(p))
            && parent.kind() == WidgetKind::Tabs
            && doc.index_in_parent(id).unwrap_or(0) as i32 != parent.int(PropKey::Selected).max(0)
        {
            return false;
        }
        at = x.parent();
    }
    true
}

#[test]
fn generated_and_random_designs_compile_run_and_sit_where_the_canvas_puts_them() {
    let scratch = target_dir().join("trellis-egui-scratch");
    let src = scratch.join("src");
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).expect("makes the scratch crate");
    std::fs::create_dir_all(scratch.join("tests")).expect("makes the scratch crate");
    let mut designs: Vec<(String, Document)> = vec![
        ("generated 60".into(), trellis_model::generate(60, 1)),
        ("generated 200".into(), trellis_model::generate(200, 3)),
    ];
    designs.extend((1..=300u64).step_by(25).map(|seed| (format!("random design {seed}"), random::random_design(seed))));
    // Hostile texts must stay string literals, and names that are Rust
    // words or clash once suffixed must still make valid identifiers: both
    // compile with no warning.
    let hostile = support::HOSTILE.join(" ");
    designs.push(("hostile texts".into(), support::demo_with_texts(|i| format!("{hostile} {i} \"#}}*/"))));
    designs.push(("clashing names".into(), clashing_names()));
    // Its only button is hidden: the events it declares are never pushed.
    let hidden = serde_json::json!({
        "format": "trellis", "version": 2,
        "root": { "kind": "window", "name": "window", "props": {}, "children": [
            { "kind": "button", "name": "go", "props": { "visible": false, "text": "Go" } },
            { "kind": "tabs", "name": "hidden_tabs", "props": { "visible": false, "items": ["a"] } }
        ] }
    });
    designs.push(("hidden controls".into(), Document::from_json_bytes(hidden.to_string().as_bytes()).expect("valid")));
    // Every container of the demo and of a generated design half faded,
    // some inside others: placed, flowing and painted containers each
    // fade in their own way, and all of it must compile.
    for (name, mut doc) in
        [("faded demo", trellis_model::demo_design()), ("faded generated", trellis_model::generate(60, 2))]
    {
        let containers: Vec<_> = doc.iter().filter(|w| w.kind().is_container()).map(|w| w.id()).collect();
        doc.execute(trellis_model::Command::SetProperty {
            ids: containers,
            key: trellis_model::PropKey::Opacity,
            value: Some(trellis_model::PropValue::Number(0.5)),
        })
        .expect("containers have an opacity");
        designs.push((name.into(), doc));
    }

    let mut lib = String::from("//! Exports under test (written by trellis-exported's tests).\n#![deny(warnings)]\n");
    let mut runs = String::new();
    let mut geometries = Vec::new();
    for (i, (what, doc)) in designs.iter().enumerate() {
        let geometry = Geometry::new(doc, FontMeasurer::shared());
        let source = EguiSource {
            file_name: format!("d{i}.trellis.json"),
            type_name: Some(format!("d{i}")),
            design_dir: None,
            out_dir: None,
            theme: Theme::LIGHT,
        };
        let export = export_egui(doc, &geometry, &source).unwrap_or_else(|e| panic!("{what}: {e}"));
        std::fs::write(src.join(format!("d{i}.rs")), &export.source).expect("writes an export");
        let _ = writeln!(lib, "#[rustfmt::skip]\npub mod d{i};");
        let b = geometry.bounds();
        let _ = writeln!(
            runs,
            "    run(\"d{i}\", trellis_egui_scratch::d{i}::D{i}::default(), |s, ui| {{ let _ = s.ui(ui); }}, [{:.1}, {:.1}]);",
            (b.right().max(100.0) + 40.0).ceil(),
            (b.bottom().max(100.0) + 40.0).ceil()
        );
        geometries.push(geometry);
    }
    std::fs::write(src.join("lib.rs"), lib).expect("writes lib.rs");
    std::fs::write(
        scratch.join("tests/run.rs"),
        format!(
            r#"//! Runs every export headless and prints its labelled widgets' boxes.
use egui_kittest::Harness;
use egui_kittest::kittest::{{By, NodeT, Queryable}};

struct App<S> {{
    state: S,
    origin: egui::Pos2,
}}

fn run<S: 'static>(design: &str, state: S, show: fn(&mut S, &mut egui::Ui), size: [f32; 2]) {{
    let app = App {{ state, origin: egui::Pos2::ZERO }};
    let mut h = Harness::builder().with_size(size).with_accessibility_check(false).build_ui_state(
        move |ui, app: &mut App<S>| {{
            ui.ctx().set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
            app.origin = ui.max_rect().min;
            show(&mut app.state, ui);
        }},
        app,
    );
    h.run();
    let origin = h.state().origin;
    // A text's words are its value (accesskit's static text); a control's
    // name is its label.
    let said = |n: &egui_kittest::kittest::AccessKitNode<'_>| n.label().or_else(|| n.value());
    for node in h.query_all(By::new().predicate(move |n| said(n).is_some())) {{
        let r = node.rect();
        let label = said(&node.accesskit_node()).unwrap_or_default().replace(['\t', '\n'], " ");
        println!("TRELLIS_RECT\t{{design}}\t{{label}}\t{{}}\t{{}}\t{{}}\t{{}}", r.min.x - origin.x, r.min.y - origin.y, r.width(), r.height());
    }}
}}

#[test]
fn dump() {{
{runs}}}
"#
        ),
    )
    .expect("writes the runner");
    // The workspace's own lock, profile and dependency features, so that
    // the shared target folder already holds every dependency.
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).expect("reads");
    let version = |name: &str| {
        manifest
            .lines()
            .find(|l| l.starts_with(&format!("{name} =")))
            .map(|l| l.split_once('=').map_or("", |x| x.1).trim().to_owned())
    };
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!(
            "[package]\nname = \"trellis-egui-scratch\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\negui = {}\negui_taffy = {}\n\n[dev-dependencies]\negui_kittest = {}\n\n[profile.dev]\ndebug = \"line-tables-only\"\n\n[workspace]\n",
            version("egui").expect("egui"),
            version("egui_taffy").expect("egui_taffy"),
            version("egui_kittest").expect("egui_kittest"),
        ),
    )
    .expect("writes Cargo.toml");
    std::fs::copy(workspace().join("Cargo.lock"), scratch.join("Cargo.lock")).expect("copies the lock");

    let started = std::time::Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--offline", "--test", "run", "--manifest-path"])
        .arg(scratch.join("Cargo.toml"))
        .args(["--", "--nocapture"])
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("runs cargo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the exports do not compile or run:\n{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("compiled and ran {} exports in {:.1} s", designs.len(), started.elapsed().as_secs_f64());

    let mut boxes: HashMap<(String, String), Vec<[f32; 4]>> = HashMap::new();
    for line in stdout.lines().filter_map(|l| l.strip_prefix("TRELLIS_RECT\t")) {
        let parts: Vec<&str> = line.split('\t').collect();
        let [design, label, x, y, w, h] = parts[..] else { continue };
        let n = |s: &str| s.parse::<f32>().unwrap_or(f32::NAN);
        boxes.entry((design.to_owned(), label.to_owned())).or_default().push([n(x), n(y), n(w), n(h)]);
    }
    let (mut candidates, mut checked) = (0, 0);
    let (mut off, mut unfound) = (Vec::new(), Vec::new());
    for (i, ((what, doc), geometry)) in designs.iter().zip(&geometries).enumerate() {
        // These two are here to compile. The hostile texts are far longer
        // than their boxes: egui's labels grow to show them where the
        // canvas clips. The clashing names are a column of controls of
        // half-point heights, which egui_taffy rounds up to whole points
        // one by one (it ceils every measured leaf), so they drift.
        if what == "hostile texts" || what == "clashing names" || what == "hidden controls" {
            continue;
        }
        for w in doc.iter() {
            let Some(text) = accessible_text(&w) else { continue };
            if !shown(doc, &w) {
                continue;
            }
            let text = text.replace(['\t', '\n'], " ");
            candidates += 1;
            let Some(found) = boxes.get(&(format!("d{i}"), text.clone())) else {
                unfound.push(format!("{what}: {} ({:?}) {text:?}", w.name(), w.kind()));
                continue;
            };
            let want = geometry.rect(w.id()).expect("laid out");
            let deviation = found
                .iter()
                .map(|b| {
                    [b[0] - want.x, b[1] - want.y, b[2] - want.w, b[3] - want.h]
                        .into_iter()
                        .fold(0.0f32, |m, d| m.max(d.abs()))
                })
                .fold(f32::INFINITY, f32::min);
            checked += 1;
            if deviation > 1.0 {
                off.push(format!(
                    "{what}: {} ({:?}) is {deviation:.1} px off: Trellis {want:?}, egui {found:?}",
                    w.name(),
                    w.kind()
                ));
            }
        }
    }
    assert!(
        checked >= 100,
        "only {checked} of {candidates} widgets were found by their text; not found:\n{}",
        unfound.join("\n")
    );
    let diverging: std::collections::BTreeSet<&str> = off
        .iter()
        .filter_map(|line| line.split(':').next())
        .map(|what| designs.iter().find(|(w, _)| w == what).map_or("", |(w, _)| w.as_str()))
        .collect();
    let known: std::collections::BTreeSet<String> =
        KNOWN_DIVERGENT.iter().map(|seed| format!("random design {seed}")).collect();
    let new: Vec<&str> = diverging.iter().copied().filter(|d| !known.contains(*d)).collect();
    let mended: Vec<&String> = known.iter().filter(|k| !diverging.contains(k.as_str())).collect();
    let unexpected: Vec<&String> =
        off.iter().filter(|line| new.iter().any(|d| line.starts_with(&format!("{d}:")))).collect();
    assert!(
        new.is_empty(),
        "designs that lay out differently in egui ({} of {checked} widgets checked):\n{}",
        unexpected.len(),
        unexpected.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
    assert!(mended.is_empty(), "these now match: take them out of KNOWN_DIVERGENT: {mended:?}");
    eprintln!("{checked} widgets checked; {} off, all in the {} known divergent designs:", off.len(), known.len());
    for line in &off {
        eprintln!("  {line}");
    }
}

/// A column of widgets named like the generated code's own words, Rust's
/// words in other editions, and names that clash once suffixed (with
/// tooltips, some disabled).
fn clashing_names() -> Document {
    let names = [
        ("text_input", "name"),
        ("label", "name_text"),
        ("button", "go"),
        ("button", "Go"),
        ("checkbox", "ui"),
        ("slider", "events"),
        ("toggle", "leaf_content"),
        ("dropdown", "fill"),
        ("button", "tui"),
        ("list", "origin"),
        ("radio_group", "response"),
        ("text_area", "before"),
        ("tabs", "rect"),
        ("text_input", "Email"),
        ("checkbox", "a__b_"),
        ("tabs", "no_tabs"),
    ];
    let children: Vec<serde_json::Value> = names
        .iter()
        .map(|(kind, name)| serde_json::json!({ "kind": kind, "name": name, "props": { "items": ["a", "b"] } }))
        .enumerate()
        .map(|(i, mut v)| {
            match v["kind"].as_str() {
                _ if v["name"] == "no_tabs" => v["props"] = serde_json::json!({}),
                Some("radio_group" | "dropdown" | "list" | "tabs") => {}
                Some("slider") => v["props"] = serde_json::json!({}),
                // Tooltips on controls, every other one disabled (a
                // button of each, the switch disabled).
                _ => v["props"] = serde_json::json!({ "text": "x", "tooltip": "tip", "enabled": i % 2 == 1 }),
            }
            v
        })
        .collect();
    let file = serde_json::json!({
        "format": "trellis", "version": 2,
        "root": { "kind": "window", "name": "window", "props": { "layout": "column" }, "children": children }
    });
    Document::from_json_bytes(file.to_string().as_bytes()).expect("valid names")
}

/// Random designs whose egui export does not yet put every widget within
/// 1 px of the canvas (by seed). What is known of why: egui_taffy rounds
/// every measured leaf up to whole points, so runs of half-point sizes
/// drift (51, 76); its measure cannot make a label's height depend on the
/// width it is given, as text reflow needs, so wrapping rows and squeezed
/// labels lay out differently (226, 251); a button narrower than egui's
/// smallest (101). The test fails on any other design that diverges, and
/// on a listed one that no longer does, so the list can only shrink.
const KNOWN_DIVERGENT: &[u64] = &[51, 76, 101, 226, 251];
