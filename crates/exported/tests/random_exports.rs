//! Generated and random designs exported to egui, compiled and run: the
//! exports are written into a scratch crate under the workspace's target
//! folder (built there too, so egui and egui_taffy are compiled once, with
//! the workspace's locked versions, features and profile), compiled with
//! `#![deny(warnings)]`, and run headless by a test in that crate, which
//! prints every labelled widget's rectangle. Each widget found by its text
//! must sit within 1 px of where Trellis's geometry puts it.
//!
//! The 300 random designs are the browser tests' own, all of them, with
//! two generated designs and small regression designs: about 320 modules,
//! which compile and run in about 50 seconds on a 2-core machine once
//! egui is built.

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
    designs.extend((1..=300u64).map(|seed| (format!("random design {seed}"), random::random_design(seed))));
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
    designs.extend(regressions());
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
    let dump = |h: &Harness<'_, App<S>>, what: &str| {{
        for node in h.query_all(By::new().predicate(move |n| said(n).is_some())) {{
            let r = node.rect();
            let label = said(&node.accesskit_node()).unwrap_or_default().replace(['\t', '\n'], " ");
            println!("{{what}}\t{{design}}\t{{label}}\t{{}}\t{{}}\t{{}}\t{{}}", r.min.x - origin.x, r.min.y - origin.y, r.width(), r.height());
        }}
    }};
    dump(&h, "TRELLIS_RECT");
    // The wheel turned over the point 30, 30 of the design: a scroll area
    // there whose content fits must not move it.
    h.hover_at(origin + egui::vec2(30.0, 30.0));
    h.event(egui::Event::MouseWheel {{
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(-40.0, -40.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    }});
    // Steps, not `run`: a tooltip under the pointer keeps asking for more.
    h.run_steps(10);
    dump(&h, "TRELLIS_SCROLLED");
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
            "[package]\nname = \"trellis-egui-scratch\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\negui = {}\negui_taffy = {}\n\n[dev-dependencies]\negui_kittest = {}\n\n[profile.dev]\ndebug = false\n\n[workspace]\n",
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
    let mut scrolled: HashMap<(String, String), Vec<[f32; 4]>> = HashMap::new();
    for line in stdout.lines() {
        let parts: Vec<&str> = line.split('\t').collect();
        let [what, design, label, x, y, w, h] = parts[..] else { continue };
        let n = |s: &str| s.parse::<f32>().unwrap_or(f32::NAN);
        let into = match what {
            "TRELLIS_RECT" => &mut boxes,
            "TRELLIS_SCROLLED" => &mut scrolled,
            _ => continue,
        };
        into.entry((design.to_owned(), label.to_owned())).or_default().push([n(x), n(y), n(w), n(h)]);
    }
    // A scroll area whose content fits does not scroll: under the wheel,
    // the regression designs about scroll areas at a fraction of a point
    // show every widget where it was.
    let mut moved = Vec::new();
    for (i, (what, _)) in designs.iter().enumerate() {
        if !what.starts_with("a scroll area at a fraction") {
            continue;
        }
        let design = format!("d{i}");
        let before: Vec<_> = boxes.iter().filter(|(k, _)| k.0 == design).collect();
        assert!(!before.is_empty(), "{what}: no widget found");
        for (key, at) in before {
            if scrolled.get(key) != Some(at) {
                moved.push(format!("{what}: {:?} moved from {at:?} to {:?}", key.1, scrolled.get(key)));
            }
        }
    }
    assert!(moved.is_empty(), "the wheel scrolled content that fits:\n{}", moved.join("\n"));
    let (mut candidates, mut checked) = (0, 0);
    let (mut off, mut unfound) = (Vec::new(), Vec::new());
    for (i, ((what, doc), geometry)) in designs.iter().zip(&geometries).enumerate() {
        // The hidden controls show nothing. (The hostile texts, far longer
        // than their boxes, are compared since labels clip them as the
        // canvas does; the clashing names, a column of controls of
        // half-point heights, since egui_taffy is given each one's
        // narrowest size rounded down, which it rounds up no further.)
        if what == "hidden controls" {
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
    // Every design that diverges (known or not), to look at with
    // `trellis export FILE --to egui` and `trellis preview FILE`.
    if let Some(keep) = std::env::var_os("TRELLIS_KEEP_FAILED") {
        for (what, doc) in designs.iter().filter(|(what, _)| diverging.contains(what.as_str())) {
            let _ = std::fs::create_dir_all(&keep);
            let _ = std::fs::write(Path::new(&keep).join(format!("{what}.trellis.json")), doc.to_json_string());
        }
    }
    let known: std::collections::BTreeSet<String> =
        KNOWN_DIVERGENT.iter().map(|seed| format!("random design {seed}")).collect();
    let unexpected: Vec<&String> =
        off.iter().filter(|line| !known.iter().any(|k| line.starts_with(&format!("{k}:")))).collect();
    assert!(
        unexpected.is_empty(),
        "designs that lay out differently in egui ({} of {checked} widgets checked):\n{}",
        unexpected.len(),
        unexpected.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
    let mended: Vec<&String> = known.iter().filter(|k| !diverging.contains(k.as_str())).collect();
    assert!(mended.is_empty(), "these now match: take them out of KNOWN_DIVERGENT: {mended:?}");
    eprintln!("{checked} widgets checked; {} off, all in the {} known divergent designs:", off.len(), known.len());
    for line in &off {
        eprintln!("  {line}");
    }
}

/// Random designs whose egui export does not yet put every widget within
/// 1 px of the canvas (by seed): none. The last two, 12 and 295, were
/// designs Chromium laid out differently from Trellis too, and since
/// Trellis lays them out as Chromium does (3 December), egui follows. The
/// test fails on any design that diverges, and on a listed one that no
/// longer does, so the list can only shrink.
const KNOWN_DIVERGENT: &[u64] = &[];

/// Small designs, each named after what once put egui's widgets
/// elsewhere than the canvas's (checked within 1 px, like the rest).
fn regressions() -> Vec<(String, Document)> {
    let design = |children: serde_json::Value| {
        let json = serde_json::json!({
            "format": "trellis", "version": 2,
            "root": { "kind": "window", "name": "window", "props": { "width": 900.0, "height": 600.0 }, "children": children }
        });
        Document::from_json_bytes(json.to_string().as_bytes()).expect("a valid design")
    };
    vec![
        // egui_taffy's `Ui` for a leaf is its box inside the padding and
        // border: children placed there, and a scroll area's view, were
        // off by both (random design 76).
        (
            "placed inside padding and border".into(),
            design(serde_json::json!([{
                "kind": "row", "name": "row", "props": { "x": 10.0, "y": 10.0, "width": 860.0, "height": 200.0, "gap": 8.0 },
                "children": [
                    { "kind": "scroll_area", "name": "placing_scroll", "props": { "width": 294.0, "height": 92.0, "padding": 10.5, "border_width": 3.0 },
                      "children": [{ "kind": "checkbox", "name": "in_scroll", "props": { "x": 12.5, "y": 3.0, "text": "Placed in a scroll area" } }] },
                    { "kind": "panel", "name": "placing_panel", "props": { "width": 200.0, "height": 100.0, "padding": 12.0, "border_width": 2.0 },
                      "children": [{ "kind": "button", "name": "in_panel", "props": { "x": 5.0, "y": 6.0, "width": 120.0, "height": 30.0, "text": "Placed in a panel" } }] },
                    { "kind": "scroll_area", "name": "flowing_scroll", "props": { "layout": "column", "width": 200.0, "height": 120.0, "padding": 6.0, "border_width": 3.0 },
                      "children": [{ "kind": "button", "name": "in_flow", "props": { "width": 150.0, "height": 30.0, "text": "Flowing in a scroll area" } }] }
                ]
            }])),
        ),
        // egui_taffy rounds a layout to whole points from its corner: one
        // placed at a half point, and one inside it, each added their own
        // rounding (random design 51: 1.5 points).
        (
            "layouts nested at half points".into(),
            design(serde_json::json!([{
                "kind": "column", "name": "half_point", "props": { "x": 136.5, "y": 92.5, "width": 400.0, "height": 200.0, "padding": 9.5 },
                "children": [{
                    "kind": "scroll_area", "name": "nested_scroll", "props": { "layout": "row", "width": 320.0, "height": 150.0 },
                    "children": [
                        { "kind": "button", "name": "before", "props": { "width": 231.0, "height": 21.0, "text": "Before" } },
                        { "kind": "column", "name": "padded", "props": { "width": 80.0, "padding": 15.5 },
                          "children": [{ "kind": "button", "name": "deep", "props": { "text": "Deep" } }] }
                    ]
                }]
            }])),
        ),
        // egui_taffy rounds a leaf's narrowest size up to whole points: a
        // wrapping column its items (29.5 points high, as measured) fill
        // exactly overflowed by the fractions, and wrapped (random design 1).
        (
            "a wrapping column filled exactly".into(),
            design(serde_json::json!([{
                "kind": "column", "name": "filled", "props": { "x": 20.0, "y": 20.0, "width": 200.0, "height": 122.5, "wrap": true, "justify_content": "end", "padding": 14.0, "gap": 3.0 },
                "children": [
                    { "kind": "button", "name": "first", "props": { "width": 120.0, "text": "First" } },
                    { "kind": "button", "name": "second", "props": { "width": 120.0, "text": "Second" } },
                    { "kind": "button", "name": "third", "props": { "width": 120.0, "text": "Third" } }
                ]
            }])),
        ),
        // Corners nothing is placed from are not bound, or the module
        // would not compile under `deny(warnings)`: a panel in a row and a
        // faded panel placed freely, each holding only empty space, and a
        // scroll area holding empty space and a hidden widget named as
        // the corner's variable is (random design 29). A scroll area laid
        // out as a wrapping row whose gap exceeds its padding, its items'
        // shrink factors summing below one (its content starts a gap
        // early: a negative padding for taffy), keeps its width, and the
        // button after it its place.
        (
            "corners nothing is placed from".into(),
            design(serde_json::json!([
                { "kind": "row", "name": "holder", "props": { "x": 10.0, "y": 10.0, "width": 700.0, "height": 120.0, "gap": 4.0 },
                  "children": [
                    { "kind": "panel", "name": "spaced", "props": { "width": 80.0, "height": 60.0 },
                      "children": [{ "kind": "spacer", "name": "gap_only", "props": { "x": 4.0, "y": 4.0, "width": 10.0, "height": 10.0 } }] },
                    { "kind": "scroll_area", "name": "s", "props": { "width": 80.0, "height": 60.0 },
                      "children": [
                        { "kind": "spacer", "name": "nothing", "props": { "x": 4.0, "y": 4.0, "width": 10.0, "height": 10.0 } },
                        { "kind": "label", "name": "s_origin", "props": { "visible": false, "text": "s_origin" } }
                      ] },
                    { "kind": "scroll_area", "name": "early", "props": { "layout": "row", "wrap": true, "gap": 12.0, "padding": 2.0, "height": 60.0 },
                      "children": [
                        { "kind": "button", "name": "early_one", "props": { "width": 70.0, "height": 30.0, "shrink": 0.25, "text": "Early one" } },
                        { "kind": "button", "name": "early_two", "props": { "width": 70.0, "height": 30.0, "shrink": 0.25, "text": "Early two" } }
                      ] },
                    { "kind": "button", "name": "after_early", "props": { "width": 90.0, "height": 30.0, "text": "After" } }
                  ] },
                { "kind": "panel", "name": "faded", "props": { "x": 10.5, "y": 200.5, "width": 80.0, "height": 60.0, "opacity": 0.5 },
                  "children": [{ "kind": "spacer", "name": "faded_gap", "props": { "x": 4.0, "y": 4.0, "width": 10.0, "height": 10.0 } }] }
            ])),
        ),
        // egui_taffy took a grid showing no child for a leaf of no size,
        // where its fixed tracks still size it (random design 285).
        (
            "an empty grid spanning two tracks".into(),
            design(serde_json::json!([{
                "kind": "grid", "name": "outer", "props": { "x": 20.0, "y": 20.0, "gap": 4.5, "grid_columns": "auto auto" },
                "children": [
                    { "kind": "button", "name": "second_track", "props": { "width": 60.0, "height": 30.0, "grid_column": 2, "text": "Second" } },
                    { "kind": "grid", "name": "empty", "props": { "grid_columns": "1fr 69.5px", "gap": 1.5, "grid_row": 2, "column_span": 2 } },
                    { "kind": "grid", "name": "hidden_only", "props": { "grid_columns": "120px", "grid_row": 3, "column_span": 2 },
                      "children": [{ "kind": "label", "name": "hidden", "props": { "visible": false, "text": "Hidden" } }] }
                ]
            }])),
        ),
        // A label a column grows was given egui_taffy its grown height as
        // its content, so egui grew it again (random design 186).
        (
            "a label a column grows".into(),
            design(serde_json::json!([{
                "kind": "column", "name": "growing", "props": { "x": 10.0, "y": 10.0, "width": 300.0, "height": 480.0, "padding": 16.0 },
                "children": [
                    { "kind": "label", "name": "grown", "props": { "grow": 1.5, "font_size": 11.0, "text": "A label that grows with the column it is in" } },
                    { "kind": "checkbox", "name": "grown_too", "props": { "height": 56.5, "grow": 3.0, "font_size": 11.0, "text": "Grown too" } },
                    { "kind": "button", "name": "below", "props": { "width": 100.0, "height": 30.0, "text": "Below" } }
                ]
            }])),
        ),
        // egui's label grew to show all of a text too long for its box,
        // over its neighbours, where the canvas clips (random design 81).
        (
            "a text longer than its label".into(),
            design(serde_json::json!([
                { "kind": "label", "name": "long", "props": { "x": 97.0, "y": 21.0, "width": 260.0, "height": 17.5, "font_size": 24.0,
                  "text": "A text far too long for its box, which shows the lines that fit, as the canvas does" } },
                { "kind": "label", "name": "centred", "props": { "x": 97.0, "y": 60.0, "width": 120.0, "height": 40.0, "text_align": "center",
                  "text": "Centred lines, more of them than the box holds" } }
            ])),
        ),
        // Choices were written in egui's own size, so a small dropdown's
        // text wrapped and made it taller; a checkbox was at least as wide
        // as its box is high; a button's 2 points of padding above and
        // below made a low one taller.
        (
            "choices, checkboxes and buttons as their boxes".into(),
            design(serde_json::json!([{
                "kind": "column", "name": "controls", "props": { "x": 10.0, "y": 10.0, "gap": 6.0, "align_items": "start" },
                "children": [
                    { "kind": "dropdown", "name": "small_font", "props": { "width": 72.0, "font_size": 9.0, "items": ["quick", "lazy brown", "brown fox"], "selected": 2 } },
                    { "kind": "radio_group", "name": "large_font", "props": { "font_size": 18.0, "items": ["One", "Two"], "selected": 0, "tooltip": "Large choices" } },
                    { "kind": "checkbox", "name": "tall_narrow", "props": { "width": 71.5, "height": 132.0, "text": "Tall" } },
                    { "kind": "button", "name": "low", "props": { "width": 197.5, "height": 17.0, "text": "Low" } }
                ]
            }])),
        ),
        // A scroll area placing its children, growing in a row, was given
        // its laid-out width as its size, which the row took for its flex
        // basis and grew again (random design 71, 2.2 px); one overflowing
        // its grid cell was given its laid-out height, and taffy aligned it
        // at the cell's start rather than its end (design 189, 116 px).
        (
            "scroll areas growing and overflowing".into(),
            design(serde_json::json!([
                { "kind": "row", "name": "growing", "props": { "x": 0.0, "y": 0.0, "width": 481.5, "height": 120.0, "padding": 8.5, "gap": 13.5 },
                  "children": [
                    { "kind": "button", "name": "grows_too", "props": { "grow": 2.5, "text": "Grows too" } },
                    { "kind": "scroll_area", "name": "growing_scroll", "props": { "padding": 7.5, "grow": 2.5 },
                      "children": [ { "kind": "label", "name": "inside_growing", "props": { "x": 96.5, "y": 19.0, "width": 202.5, "height": 20.0, "text": "Inside the growing one" } } ] }
                  ] },
                { "kind": "grid", "name": "short_grid", "props": { "x": 294.0, "y": 300.0, "height": 54.5, "max_width": 150.5, "padding": 5.0, "align_items": "end", "grid_columns": "154px" },
                  "children": [
                    { "kind": "scroll_area", "name": "overflowing", "props": { "min_height": 19.5 },
                      "children": [ { "kind": "label", "name": "inside_overflowing", "props": { "x": -15.0, "y": 61.5, "height": 99.0, "text": "Inside the overflowing one" } } ] }
                  ] }
            ])),
        ),
        // Children placed in a container egui_taffy lays out were placed
        // from its box rounded to whole points, and egui puts a scroll
        // area's content on a whole point: each added its half point to the
        // layout's own (random designs 117, 1.5 px, and 92, 59, 113).
        (
            "placed from a rounded corner".into(),
            design(serde_json::json!([{
                "kind": "column", "name": "padded", "props": { "x": 0.0, "y": 0.0, "width": 782.0, "height": 521.0, "padding": 15.5, "justify_content": "center" },
                "children": [
                    { "kind": "panel", "name": "holder", "props": { "width": 319.5, "max_height": 116.0, "shrink": 0.0 },
                      "children": [
                        { "kind": "scroll_area", "name": "placed_scroll", "props": { "x": 82.5, "y": 47.5, "layout": "grid", "padding": 5.5 },
                          "children": [ { "kind": "slider", "name": "in_placed_scroll", "props": { "width": 73.5, "tooltip": "In the placed scroll area" } } ] },
                        { "kind": "scroll_area", "name": "flowing_scroll", "props": { "x": 190.5, "y": 10.5, "width": 120.0, "height": 90.0, "layout": "column", "padding": 3.5 },
                          "children": [ { "kind": "button", "name": "in_flowing_scroll", "props": { "height": 20.5, "text": "In the flowing one" } } ] }
                      ] }
                ]
            }])),
        ),
        // Items shrunk to their narrowest in an overflowing row: egui_taffy
        // rounds the narrowest content it is given to whole points, and
        // each item lost its fraction (random design 81, 1.2 px).
        (
            "an overflowing row of narrowest items".into(),
            design(serde_json::json!([{
                "kind": "row", "name": "overflowing_row", "props": { "x": 0.0, "y": 0.0, "width": 677.5, "height": 312.0, "justify_content": "end", "border_width": 1.0 },
                "children": [
                    { "kind": "slider", "name": "thin_slider", "props": { "min_width": 1.0, "min_height": 45.5, "max_width": 111.0, "max_height": 53.5, "tooltip": "Thin slider" } },
                    { "kind": "text_area", "name": "wide_words", "props": { "height": 131.5, "grow": 1.5, "font_size": 24.0, "text": "jumps Ünïcödé notifications long-hyphenated-word" } },
                    { "kind": "label", "name": "last_words", "props": { "font_size": 13.5, "text": "Ünïcödé 12,345.67 jumps" } },
                    { "kind": "panel", "name": "wide_panel", "props": { "width": 397.0, "height": 40.0, "shrink": 0.0 } }
                ]
            }])),
        ),
        // egui starts a scroll area's content on a whole point: children
        // from an exact corner at a fraction of a point made the content
        // larger than the box by the fraction, and the wheel scrolled it
        // (checked above, under the wheel, as well as within 1 px).
        (
            "a scroll area at a fraction of a point, laying out".into(),
            design(serde_json::json!([{
                "kind": "scroll_area", "name": "flowing_at_a_fraction", "props": { "x": 10.25, "y": 10.25, "width": 200.0, "height": 100.0, "layout": "column" },
                "children": [ { "kind": "label", "name": "fits_flowing", "props": { "height": 40.0, "text": "Fits in the flowing one" } } ]
            }])),
        ),
        (
            "a scroll area at a fraction of a point, placing".into(),
            design(serde_json::json!([{
                "kind": "scroll_area", "name": "placing_at_a_fraction", "props": { "x": 10.5, "y": 10.5, "width": 200.0, "height": 100.0 },
                "children": [ { "kind": "label", "name": "fits_placed", "props": { "x": 0.0, "y": 0.0, "width": 200.0, "height": 100.0, "text": "Fits in the placing one" } } ]
            }])),
        ),
        // A label held narrower than its line by a maximum width was given
        // to egui_taffy with its whole line as its widest content, so a
        // row sized to its items was as wide as the line, where the canvas
        // clamps it (found by a helper reviewer).
        (
            "a label narrower than its line".into(),
            design(serde_json::json!([{
                "kind": "column", "name": "holding_column", "props": { "x": 0.0, "y": 0.0, "width": 700.0, "height": 200.0, "align_items": "start" },
                "children": [{
                    "kind": "row", "name": "sized_to_items", "props": { "gap": 8.0, "justify_content": "end" },
                    "children": [
                        { "kind": "label", "name": "held_narrow", "props": { "max_width": 120.0, "text": "A long line of words held narrower than itself" } },
                        { "kind": "button", "name": "after_the_label", "props": { "text": "After" } }
                    ]
                }]
            }])),
        ),
        // egui's button, checkbox, combo box and slider are at least their
        // padding, mark, icon or a line of text; the canvas's may be
        // smaller, even empty (random designs 16, 52, 61, 105, 157, 200,
        // 238, 251, 291 and 19 more, up to 54 px).
        (
            "controls smaller than egui's smallest".into(),
            design(serde_json::json!([
                { "kind": "button", "name": "no_width", "props": { "x": 10.0, "y": 10.0, "width": 0.0, "height": 30.0, "text": "Go" } },
                { "kind": "button", "name": "narrow_low", "props": { "x": 20.0, "y": 10.0, "width": 19.0, "height": 11.5, "text": "Narrow" } },
                { "kind": "checkbox", "name": "no_height", "props": { "x": 50.0, "y": 10.0, "width": 160.0, "height": 0.5, "text": "Flat" } },
                { "kind": "checkbox", "name": "narrow_check", "props": { "x": 220.0, "y": 10.0, "width": 9.5, "height": 16.0, "text": "Thin" } },
                { "kind": "dropdown", "name": "sliver", "props": { "x": 240.0, "y": 10.0, "width": 1.5, "height": 30.0, "placeholder": "Sliver" } },
                { "kind": "dropdown", "name": "squat", "props": { "x": 250.0, "y": 10.0, "width": 15.0, "height": 4.5, "items": ["a", "b"], "selected": 1, "tooltip": "Squat" } },
                { "kind": "slider", "name": "flat_slider", "props": { "x": 10.0, "y": 60.0, "width": 240.0, "height": 0.0, "tooltip": "Flat slider" } },
                { "kind": "slider", "name": "low_slider", "props": { "x": 10.0, "y": 70.0, "width": 120.0, "height": 3.0, "tooltip": "Low slider" } }
            ])),
        ),
    ]
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
