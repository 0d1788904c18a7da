//! The demo's egui export, run headless (egui_kittest) as a user's app
//! would run it: buttons report their clicks, inputs take text, choices
//! change the state; and every widget egui exposes by its text sits where
//! Trellis's canvas puts it.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trellis_exported::{Demo, DemoEvent};
use trellis_geometry::{FontMeasurer, Geometry};

struct App {
    state: Demo,
    events: Vec<DemoEvent>,
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
