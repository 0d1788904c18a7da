//! The demo's egui export, run headless (egui_kittest) as a user's app
//! would run it: buttons report their clicks, inputs take text, choices
//! change the state; and every widget egui exposes by its text sits where
//! Trellis's canvas puts it.

use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};
use trellis_exported::{Demo, DemoEvent};
use trellis_geometry::{FontMeasurer, Geometry};

mod support;

struct App {
    state: Demo,
    events: Vec<DemoEvent>,
    origin: egui::Pos2,
}

/// The live preview of the demo, and where its corner is.
struct Running {
    preview: trellis_preview::Preview,
    origin: egui::Pos2,
}

fn harness() -> Harness<'static, App> {
    let app = App { state: Demo::default(), events: Vec::new(), origin: egui::Pos2::ZERO };
    let mut h = Harness::builder().with_size([1300.0, 820.0]).build_ui_state(
        |ui, app: &mut App| {
            // No image loader is installed here (an app installs
            // egui_extras's): the avatar shows egui's warning sign, which
            // the bundled fonts draw as a box.
            ui.ctx().set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
            app.origin = ui.max_rect().min;
            let events = app.state.ui(ui);
            app.events.extend(events);
        },
        app,
    );
    h.run();
    h
}

#[test]
fn buttons_report_clicks_and_inputs_take_text() {
    let mut h = harness();
    h.get_by_label("Save").click();
    h.run();
    assert!(h.state().events.contains(&DemoEvent::SaveButtonClicked), "{:?}", h.state().events);
    let before = h.state().state.name_input_text.clone();
    h.query_all_by_value(&before).next().expect("the name field shows its text").focus();
    h.run();
    h.query_all_by_value(&before).next().expect("the name field shows its text").type_text("!");
    h.run();
    assert_eq!(h.state().state.name_input_text, format!("{before}!"));
    assert!(h.state().events.contains(&DemoEvent::NameInputChanged));
    // The state starts as the design says.
    assert_eq!(Demo::default().volume_slider_value, 70.0);
    assert_eq!(Demo::default().theme_radio_selected, Some(2));
}

/// The text a widget is found by in the accessibility tree.
fn accessible_text(w: &trellis_model::WidgetRef<'_>) -> Option<String> {
    use trellis_model::{PropKey, WidgetKind};
    match w.kind() {
        WidgetKind::Button | WidgetKind::Label | WidgetKind::Checkbox | WidgetKind::Toggle => {
            Some(w.text(PropKey::Text).to_owned()).filter(|t| !t.is_empty())
        }
        WidgetKind::Slider | WidgetKind::Dropdown => {
            let said = [w.text(PropKey::Tooltip), w.text(PropKey::Placeholder)].into_iter().find(|s| !s.is_empty());
            Some(said.unwrap_or(w.name()).to_owned())
        }
        _ => None,
    }
}

#[test]
fn every_widget_found_by_its_text_sits_where_the_canvas_puts_it() {
    let h = harness();
    let doc = trellis_model::demo_design();
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let origin = h.state().origin;
    let mut checked = 0;
    let mut off = Vec::new();
    let mut missing = Vec::new();
    for w in doc.iter() {
        let Some(text) = accessible_text(&w) else { continue };
        // Widgets on the tab pages not shown are not in the tree.
        // Several widgets may say the same: the one nearest its box is it.
        let want = geometry.rect(w.id()).expect("laid out");
        let off_by = |got: egui::Rect| {
            [got.min.x - origin.x - want.x, got.min.y - origin.y - want.y, got.width() - want.w, got.height() - want.h]
                .into_iter()
                .fold(0.0f32, |m, d| m.max(d.abs()))
        };
        let Some((got, deviation)) =
            h.query_all_by_label(&text).map(|n| (n.rect(), off_by(n.rect()))).min_by(|a, b| a.1.total_cmp(&b.1))
        else {
            missing.push(w.name().to_owned());
            continue;
        };
        checked += 1;
        if deviation > 1.0 {
            off.push(format!("{} ({text}): egui {got:?}, Trellis {want:?}", w.name()));
        }
    }
    assert!(checked >= 20, "only {checked} widgets found; not found: {missing:?}");
    assert!(off.is_empty(), "{} of {checked} widgets more than 1 px off:\n{}", off.len(), off.join("\n"));
}

/// Every node of the accessibility tree that says something (a label, or
/// a text's value): what it says and where it is, relative to `origin`.
fn said_boxes<S>(h: &Harness<'_, S>, origin: egui::Pos2) -> Vec<(String, [i32; 4])> {
    let said = |n: &egui_kittest::kittest::AccessKitNode<'_>| n.label().or_else(|| n.value());
    let mut out: Vec<(String, [i32; 4])> = h
        .query_all(By::new().predicate(move |n| said(n).is_some()))
        .map(|node| {
            let r = node.rect();
            // Hundredths of a point: "exactly", with float noise aside.
            let q = |v: f32| (v * 100.0).round() as i32;
            let text = said(&node.accesskit_node()).unwrap_or_default();
            (text, [q(r.min.x - origin.x), q(r.min.y - origin.y), q(r.width()), q(r.height())])
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_live_preview_lays_the_demo_out_exactly_as_its_compiled_export() {
    let exported = harness();
    let mut exported_boxes = said_boxes(&exported, exported.state().origin);
    // The export's image says it cannot load (no loader in the test); the
    // preview shows the image's box, with nothing to say. The box is the
    // canvas's.
    let image: Vec<_> = exported_boxes.iter().filter(|(t, _)| t.starts_with("Failed loading")).cloned().collect();
    assert_eq!(image.iter().map(|(_, b)| *b).collect::<Vec<_>>(), [[45200, 60000, 9600, 9600]]);
    exported_boxes.retain(|b| !image.contains(b));

    let doc = trellis_model::demo_design();
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let mut h = Harness::builder().with_size([1300.0, 820.0]).build_ui_state(
        |ui, run: &mut Running| {
            ui.ctx().set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
            run.origin = ui.max_rect().min;
            run.preview.show(ui, &doc, &geometry, trellis_model::Theme::LIGHT);
        },
        Running { preview: trellis_preview::Preview::new(&doc), origin: egui::Pos2::ZERO },
    );
    h.run();
    let preview_boxes = said_boxes(&h, h.state().origin);
    assert!(exported_boxes.len() >= 27, "{} boxes", exported_boxes.len());
    let only_exported: Vec<_> = exported_boxes.iter().filter(|b| !preview_boxes.contains(b)).collect();
    let only_preview: Vec<_> = preview_boxes.iter().filter(|b| !exported_boxes.contains(b)).collect();
    assert!(
        only_exported.is_empty() && only_preview.is_empty(),
        "the preview and the compiled export differ:\nexport only: {only_exported:?}\npreview only: {only_preview:?}"
    );

    // The preview runs: a click is an event, typing changes its value.
    h.get_by_label("Save").click();
    h.run();
    assert!(h.state().preview.events.iter().any(|e| e.widget == "save_button" && e.what == "clicked"));

    // Both show the search field's tooltip where the pointer rests, on
    // the design's popup colour (kittest's own theme is dark, the demo's
    // light), and give the app its own style back.
    let field = geometry.rect(doc.find("search_input").expect("the demo has a search field")).expect("laid out");
    let mut exported = harness();
    shows_the_tooltip_in_the_designs_theme(&mut h, "the preview", field);
    shows_the_tooltip_in_the_designs_theme(&mut exported, "the export", field);
}

/// What a harness's state knows: where the design's corner is.
trait Origin {
    fn origin(&self) -> egui::Pos2;
}

impl Origin for App {
    fn origin(&self) -> egui::Pos2 {
        self.origin
    }
}

impl Origin for Running {
    fn origin(&self) -> egui::Pos2 {
        self.origin
    }
}

/// Rests the pointer on `field` (the design's box of the search field):
/// its tooltip shows once, on the design's popup colour as the topmost
/// filled rectangle under it (a frame is painted layer by layer, tooltips
/// last), and the app's own style, dark, is back after the frame.
fn shows_the_tooltip_in_the_designs_theme<S: Origin>(h: &mut Harness<'_, S>, what: &str, field: trellis_model::Rect) {
    assert!(h.ctx.global_style().visuals.dark_mode, "{what}: kittest's own style is dark, the demo's light");
    let origin = h.state().origin();
    let tips = support::search_tooltips(h, origin, field);
    assert_eq!(tips.len(), 1, "{what} shows the tooltip once: {tips:?}");
    let point = tips[0].center();
    fn topmost_fill(shape: &egui::Shape, point: egui::Pos2) -> Option<egui::Color32> {
        match shape {
            egui::Shape::Rect(r) if r.rect.contains(point) && r.fill.a() > 0 => Some(r.fill),
            // A frame with its shadow.
            egui::Shape::Vec(shapes) => shapes.iter().rev().find_map(|s| topmost_fill(s, point)),
            _ => None,
        }
    }
    let topmost = h
        .output()
        .shapes
        .iter()
        .rev()
        .filter(|clipped| clipped.clip_rect.contains(point))
        .find_map(|clipped| topmost_fill(&clipped.shape, point));
    assert_eq!(topmost, Some(Demo::visuals().window_fill), "{what}: the tooltip is in the design's theme");
    assert!(h.ctx.global_style().visuals.dark_mode, "{what}: the app's own style is back");
}

/// The checkbox and dropdown helpers (drawn to their boxes, as the canvas
/// draws them) are still controls: a click flips a checkbox, and a
/// dropdown opens its list, from which a click chooses.
#[test]
fn checkboxes_flip_and_dropdowns_choose() {
    use egui::accesskit::Role;
    let mut h = harness();
    assert!(!h.state().state.newsletter_checkbox_checked);
    h.get_by_role_and_label(Role::CheckBox, "Send me product news").click();
    h.run();
    assert!(h.state().state.newsletter_checkbox_checked, "a click checks it");
    assert!(h.state().events.contains(&DemoEvent::NewsletterCheckboxChanged));
    h.get_by_role_and_label(Role::CheckBox, "Send me product news").click();
    h.run();
    assert!(!h.state().state.newsletter_checkbox_checked, "a second click unchecks it");

    let before = h.state().state.language_dropdown_selected;
    assert_ne!(before, Some(2));
    assert!(h.query_by_label("Français").is_none(), "the list is closed");
    h.get_by_role_and_label(Role::ComboBox, "language_dropdown").click();
    h.run();
    assert!(h.query_by_role(Role::ListBox).is_some(), "a screen reader hears the open list as a list box");
    h.get_by_label("Français").click();
    h.run();
    assert_eq!(h.state().state.language_dropdown_selected, Some(2), "the item clicked is chosen");
    assert!(h.state().events.contains(&DemoEvent::LanguageDropdownChanged));
    h.run();
    assert!(h.query_by_label("Français").is_none(), "choosing closes the list");
    let shown = h.get_by_role_and_label(Role::ComboBox, "language_dropdown");
    assert_eq!(shown.accesskit_node().value().as_deref(), Some("Français"), "the dropdown shows the choice");
}

/// A scroll area at a fraction of a point whose content fits does not
/// scroll in the preview (as `random_exports.rs` checks of the export):
/// its children start from its exact corner, in a `Ui` of their own, so
/// the content is no larger than the box egui starts on a whole point.
#[test]
fn the_preview_does_not_scroll_a_scroll_area_at_a_fraction_whose_content_fits() {
    let json = serde_json::json!({
        "format": "trellis", "version": 2,
        "root": { "kind": "window", "name": "window", "props": { "width": 400.0, "height": 300.0 }, "children": [{
            "kind": "scroll_area", "name": "placing_at_a_fraction", "props": { "x": 10.5, "y": 10.5, "width": 200.0, "height": 100.0 },
            "children": [ { "kind": "label", "name": "fits", "props": { "x": 0.0, "y": 0.0, "width": 200.0, "height": 100.0, "text": "Fits in the box" } } ]
        }] }
    });
    let doc = trellis_model::Document::from_json_bytes(json.to_string().as_bytes()).expect("a valid design");
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let mut h = Harness::builder().with_size([420.0, 320.0]).build_ui_state(
        |ui, run: &mut Running| {
            run.origin = ui.max_rect().min;
            run.preview.show(ui, &doc, &geometry, trellis_model::Theme::LIGHT);
        },
        Running { preview: trellis_preview::Preview::new(&doc), origin: egui::Pos2::ZERO },
    );
    h.run();
    let before = h.get_by_value("Fits in the box").rect();
    h.hover_at(h.state().origin + egui::vec2(100.0, 50.0));
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(-40.0, -40.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    });
    h.run_steps(10);
    assert_eq!(h.get_by_value("Fits in the box").rect(), before, "the wheel scrolled content that fits");
}
