//! The CPU rasteriser: golden images of the demo and of every widget kind
//! in both themes, compared with a tolerance, and damage-limited redraw
//! against a full redraw. `UPDATE_EXPECT=1` rewrites the golden images.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use tiny_skia::Pixmap;
use trellis_geometry::{FixedAdvanceMeasurer, Geometry};
use trellis_model::{Command, Document, PropKey, PropValue, WidgetKind, WidgetTree, demo_design};
use trellis_render::{CpuRenderer, DisplayList, Theme};

use common::{MovingCards, difference, view, widget_sheet};

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)
}

fn draw(doc: &Document, theme: &Theme, w: u32, h: u32) -> Pixmap {
    let g = Geometry::new(doc, Arc::new(FixedAdvanceMeasurer::default()));
    let list = DisplayList::build(doc, &g, theme);
    CpuRenderer::new().render(&list, &view(w, h, theme)).unwrap()
}

fn check_golden(name: &str, image: &Pixmap) {
    let path = golden(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() || !path.exists() && std::env::var_os("CI").is_none() {
        image.save_png(&path).unwrap();
        return;
    }
    let expected = Pixmap::load_png(&path).unwrap_or_else(|e| panic!("{name}: {e} (UPDATE_EXPECT=1 writes it)"));
    let (mean, far) = difference(image, &expected);
    // Text rasterisation may differ slightly between machines; layout may not.
    assert!(
        mean < 1.5 && far < 0.005,
        "{name} differs from its golden image: mean {mean:.3}, {:.3}% of pixels far off",
        far * 100.0
    );
}

#[test]
fn the_demo_matches_its_golden_images_in_both_themes() {
    let doc = demo_design();
    for theme in [Theme::LIGHT, Theme::DARK] {
        check_golden(&format!("demo-{}.png", theme.name), &draw(&doc, &theme, 1280, 800));
    }
}

#[test]
fn every_widget_kind_has_a_look_in_both_themes() {
    let doc = widget_sheet();
    for theme in [Theme::LIGHT, Theme::DARK] {
        let image = draw(&doc, &theme, 1280, 800);
        // Each widget draws something of its own over the window.
        let g = Geometry::new(&doc, Arc::new(FixedAdvanceMeasurer::default()));
        for w in doc.iter().skip(1).filter(|w| w.kind() != WidgetKind::Spacer) {
            let r = g.rect(w.id()).unwrap();
            let window = theme.window;
            let mut ink = 0;
            for y in r.y as u32..(r.bottom() as u32).min(800) {
                for x in r.x as u32..(r.right() as u32).min(1280) {
                    let p = image.pixel(x, y).unwrap();
                    if p.red().abs_diff(window.r) > 12
                        || p.green().abs_diff(window.g) > 12
                        || p.blue().abs_diff(window.b) > 12
                    {
                        ink += 1;
                    }
                }
            }
            assert!(ink > 10, "a {} draws nothing in the {} theme", w.kind(), theme.name);
        }
        check_golden(&format!("widgets-{}.png", theme.name), &image);
    }
}

#[test]
fn damage_limited_redraw_equals_a_full_redraw_after_moves() {
    let mut m = MovingCards::new(Theme::LIGHT);
    let v = m.view();
    let mut cpu = CpuRenderer::new();
    let mut canvas = cpu.render(&m.list, &v).unwrap();
    for _ in 0..12 {
        let damage = m.step().into_iter().reduce(|a, b| a.union(&b)).unwrap();
        cpu.redraw(&mut canvas, &m.list, &v, Some(damage));
    }
    let full = cpu.render(&m.rebuilt(), &v).unwrap();
    let (mean, far) = difference(&canvas, &full);
    assert!(mean < 0.05 && far == 0.0, "mean {mean}, far {far}");
}

#[test]
fn a_missing_image_is_drawn_as_a_crossed_box_and_sizes_are_checked() {
    let mut doc = Document::new();
    let root = doc.root();
    let tree = WidgetTree::palette(WidgetKind::Image)
        .at(10.0, 10.0)
        .with(PropKey::Image, PropValue::Text("no/such.png".into()));
    doc.execute(Command::Insert { parent: root, index: None, tree }).unwrap();
    let image = draw(&doc, &Theme::LIGHT, 200, 200);
    // The diagonal passes through the middle of the box.
    let p = image.pixel(74, 58).unwrap();
    assert!(p.red() < 200, "{p:?}");
    let g = Geometry::new(&doc, Arc::new(FixedAdvanceMeasurer::default()));
    let list = DisplayList::build(&doc, &g, &Theme::LIGHT);
    assert!(CpuRenderer::new().render(&list, &view(0, 10, &Theme::LIGHT)).is_err());
}
