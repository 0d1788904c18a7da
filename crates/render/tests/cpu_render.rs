//! The CPU rasteriser: golden images of the demo and of every widget kind
//! in both themes, compared as a whole and widget by widget, and
//! damage-limited redraw against a full redraw. A missing golden fails;
//! `TRELLIS_BLESS=1` writes the golden images from what is drawn now.

mod common;

use std::path::PathBuf;

use tiny_skia::Pixmap;
use trellis_geometry::{FontMeasurer, Geometry};
use trellis_model::{Color, Command, Document, PropKey, PropValue, WidgetKind, WidgetTree, demo_design};
use trellis_render::{CpuRenderer, DisplayList, Theme, View};

use common::widgets::{WidgetLooks, WidgetTolerance};
use common::{MovingCards, Tolerance, difference, view, widget_noise, widget_sheet};

/// The goldens are drawn by this same rasteriser with the bundled fonts:
/// measured identical to them, all four, mean 0 and 0 pixels far off
/// (`cargo test -p trellis-render --test cpu_render -- --nocapture`). So
/// the limits are a floor of a few stray pixels; a button missing from the
/// demo changes 174 to 2832 pixels far off, and the mean by 0.027 to 0.27
/// (`a_button_the_renderer_drops_is_named_and_fails_the_golden`).
const GOLDEN: Tolerance = Tolerance { mean: 0.005, far: 8 };
/// Measured: every widget's signature pixels and mean colour identical.
const GOLDEN_WIDGETS: WidgetTolerance = WidgetTolerance { ink_pixels: 4, ink_share: 0.05, mean_shift: 1.0 };

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)
}

fn bless() -> bool {
    std::env::var("TRELLIS_BLESS").is_ok_and(|v| v == "1")
}

/// A CPU renderer that finds the demo's images where they ship.
fn cpu() -> CpuRenderer {
    let mut cpu = CpuRenderer::new();
    cpu.base_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../model/assets").into();
    cpu
}

/// A design laid out and listed for one theme, with its view.
struct Scene<'a> {
    doc: &'a Document,
    geometry: Geometry,
    list: DisplayList,
    view: View,
}

impl<'a> Scene<'a> {
    fn new(doc: &'a Document, theme: &Theme, w: u32, h: u32) -> Self {
        let geometry = Geometry::new(doc, FontMeasurer::shared());
        let list = DisplayList::build(doc, &geometry, theme);
        Scene { doc, geometry, list, view: view(w, h, theme) }
    }

    fn draw(&self) -> Pixmap {
        cpu().render(&self.list, &self.view).unwrap()
    }

    fn looks(&self) -> WidgetLooks {
        WidgetLooks::new(self.doc, &self.geometry, &self.list, &self.view)
    }
}

fn draw(doc: &Document, theme: &Theme, w: u32, h: u32) -> Pixmap {
    Scene::new(doc, theme, w, h).draw()
}

/// The golden image `name`; a missing one fails, saying how to write it
/// (and where `drawn`, what would be written, is to look at first).
fn load_golden(name: &str, drawn: Option<&Pixmap>) -> Pixmap {
    let path = golden(name);
    if !path.exists() {
        let look = drawn.map_or(String::new(), |image| {
            let seen = std::env::temp_dir().join(name);
            let _ = image.save_png(&seen);
            format!("look at {}, then ", seen.display())
        });
        let stale = if std::env::var_os("UPDATE_EXPECT").is_some() { " (UPDATE_EXPECT no longer does)" } else { "" };
        panic!(
            "{name}: no golden image at {}; {look}`TRELLIS_BLESS=1 cargo test -p trellis-render --test cpu_render` \
             writes it{stale}",
            path.display()
        );
    }
    Pixmap::load_png(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Compares `image` of `scene` with its golden image, as a whole and
/// widget by widget; under TRELLIS_BLESS=1 writes it instead, if every
/// widget shows its colours in it.
fn check_golden(name: &str, scene: &Scene<'_>, image: &Pixmap) {
    let looks = scene.looks();
    if bless() {
        let blank = looks.mismatches(image, image, &GOLDEN_WIDGETS);
        assert!(blank.is_empty(), "{name}: not blessed, widgets draw none of their colours:\n{}", blank.join("\n"));
        image.save_png(golden(name)).unwrap();
        eprintln!("{name}: blessed");
        return;
    }
    let expected = load_golden(name, Some(image));
    let d = difference(image, &expected);
    let figures = looks.figures(image, &expected);
    eprintln!("{name}: mean difference {:.4}, {} pixels far off; {}", d.mean, d.far, widget_noise(&figures));
    let wrong: Vec<String> = figures.iter().filter_map(|f| f.problem(&GOLDEN_WIDGETS)).collect();
    if d.mean > GOLDEN.mean || d.far > GOLDEN.far || !wrong.is_empty() {
        let seen = std::env::temp_dir().join(name);
        let _ = image.save_png(&seen);
        panic!(
            "{name} differs from its golden image: mean {:.3} (max {}), {} pixels far off (max {}); \
             widgets drawn wrongly:\n{}\nthe drawing is at {}; if the change is meant, TRELLIS_BLESS=1 rewrites the golden",
            d.mean,
            GOLDEN.mean,
            d.far,
            GOLDEN.far,
            wrong.join("\n"),
            seen.display()
        );
    }
}

#[test]
fn the_demo_matches_its_golden_images_in_both_themes() {
    for theme in [Theme::LIGHT, Theme::DARK] {
        let demo = demo_design();
        let scene = Scene::new(&demo, &theme, 1280, 800);
        check_golden(&format!("demo-{}.png", theme.name), &scene, &scene.draw());
    }
}

#[test]
fn every_widget_kind_has_a_look_in_both_themes() {
    let doc = widget_sheet();
    for theme in [Theme::LIGHT, Theme::DARK] {
        let scene = Scene::new(&doc, &theme, 1280, 800);
        let image = scene.draw();
        // Each widget draws something of its own over the window.
        let g = Geometry::new(&doc, FontMeasurer::shared());
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
        check_golden(&format!("widgets-{}.png", theme.name), &scene, &image);
    }
}

/// What the golden checks say about `image`, drawn for `scene`'s design
/// (in `theme`) but wrongly: the whole-image difference and the widgets named.
fn verdict(scene: &Scene<'_>, image: &Pixmap, theme: &Theme, what: &str) -> (usize, Vec<String>) {
    let expected = load_golden(&format!("demo-{}.png", theme.name), None);
    let d = difference(image, &expected);
    let wrong = scene.looks().mismatches(image, &expected, &GOLDEN_WIDGETS);
    eprintln!("{what} ({}): mean difference {:.4}, {} pixels far off; named: {wrong:?}", theme.name, d.mean, d.far);
    (d.far, wrong)
}

fn named_alone(wrong: &[String], widget: &str) -> bool {
    wrong.len() == 1 && wrong[0].starts_with(&format!("{widget}:"))
}

#[test]
fn a_button_the_renderer_drops_is_named_and_fails_the_golden() {
    for theme in [Theme::LIGHT, Theme::DARK] {
        let demo = demo_design();
        let scene = Scene::new(&demo, &theme, 1280, 800);
        // An accent button, a plain one, and one that is only its label.
        for name in ["save_button", "cancel_button", "nav_about"] {
            let id = scene.doc.find(name).unwrap();
            let mut list = scene.list.clone();
            list.items.retain(|i| i.widget != id);
            let image = cpu().render(&list, &scene.view).unwrap();
            let (far, wrong) = verdict(&scene, &image, &theme, &format!("without {name}"));
            assert!(named_alone(&wrong, &format!("button '{name}'")), "{name} missing: {wrong:?}");
            assert!(far > GOLDEN.far, "the whole-image check misses {name} too: {far} pixels far off");
        }
    }
}

#[test]
fn a_recoloured_button_is_named() {
    for theme in [Theme::LIGHT, Theme::DARK] {
        let demo = demo_design();
        let scene = Scene::new(&demo, &theme, 1280, 800);
        let mut doc = demo_design();
        let id = doc.find("cancel_button").unwrap();
        let red = PropValue::Color(Color::rgb(0xdc, 0x26, 0x26));
        doc.execute(Command::SetProperty { ids: vec![id], key: PropKey::Fill, value: Some(red) }).unwrap();
        let (_, wrong) = verdict(&scene, &draw(&doc, &theme, 1280, 800), &theme, "cancel_button in red");
        assert!(named_alone(&wrong, "button 'cancel_button'"), "{wrong:?}");
    }
}

#[test]
fn a_button_deleted_from_the_widget_sheet_is_named() {
    let sheet = widget_sheet();
    let theme = Theme::LIGHT;
    let scene = Scene::new(&sheet, &theme, 1280, 800);
    let button = sheet.iter().find(|w| w.kind() == WidgetKind::Button).unwrap();
    let name = format!("button '{}'", button.name());
    let mut doc = widget_sheet();
    let id = doc.find(button.name()).unwrap();
    doc.execute(Command::Delete { ids: vec![id] }).unwrap();
    let image = draw(&doc, &theme, 1280, 800);
    let expected = load_golden("widgets-light.png", None);
    let wrong = scene.looks().mismatches(&image, &expected, &GOLDEN_WIDGETS);
    eprintln!("sheet without its button: {} pixels far off; named: {wrong:?}", difference(&image, &expected).far);
    assert!(named_alone(&wrong, &name), "{wrong:?}");
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
    let d = difference(&canvas, &full);
    eprintln!("cpu damage vs full: mean difference {:.4}, {} pixels far off", d.mean, d.far);
    // Measured (as for GOLDEN): mean 0.0028, nothing far off.
    assert!(d.mean <= 0.01 && d.far == 0, "{d:?}");
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
    let g = Geometry::new(&doc, FontMeasurer::shared());
    let list = DisplayList::build(&doc, &g, &Theme::LIGHT);
    assert!(CpuRenderer::new().render(&list, &view(0, 10, &Theme::LIGHT)).is_err());
}

/// Text too small to read is drawn greeked (a bar per line): the bars must
/// leave the design as dark as its glyphs would, so that zooming out past
/// the threshold does not visibly lighten or darken the canvas.
#[test]
fn greeked_text_carries_the_ink_of_its_glyphs() {
    let theme = Theme::LIGHT;
    let lines = [
        "The quick brown fox jumps over the lazy dog",
        "Settings, Profile and Notifications",
        "Sign in with your email address",
        "Export the design as HTML, egui or Slint code",
        "1234567890 items selected (of 98,765)",
    ];
    // A 600-unit column of twenty labels.
    let labels = lines.iter().cycle().take(20).fold(
        WidgetTree::bare(WidgetKind::Column)
            .with(PropKey::Width, PropValue::Number(600.0))
            .with(PropKey::Height, PropValue::Number(600.0)),
        |column, t| column.child(WidgetTree::bare(WidgetKind::Label).with(PropKey::Text, PropValue::Text((*t).into()))),
    );
    let mut doc = Document::new();
    let root = doc.root();
    doc.execute(Command::Insert { parent: root, index: None, tree: labels }).unwrap();
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let list = DisplayList::build(&doc, &geometry, &theme);
    // Ink: how much darker than the background, summed, per design unit squared.
    let ink = |zoom: f32| {
        let view = View { zoom, ..view(600, 600, &theme) };
        let image = cpu().render(&list, &view).unwrap();
        let bg = theme.canvas;
        let lum = |r: u8, g: u8, b: u8| 0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b);
        let base = lum(bg.r, bg.g, bg.b);
        let total: f64 = image.pixels().iter().map(|p| (base - lum(p.red(), p.green(), p.blue())).max(0.0)).sum();
        total / f64::from(zoom * zoom)
    };
    // 14 px text: an em of 4.2 device pixels is drawn as glyphs, 3.9 greeked.
    let glyphs = ink(0.30);
    let greeked = ink(0.28);
    let ratio = greeked / glyphs;
    println!("ink per design unit squared: glyphs {glyphs:.1}, greeked {greeked:.1}, ratio {ratio:.2}");
    assert!((0.75..=1.33).contains(&ratio), "greeked text is {ratio:.2} times as dark as its glyphs");
}

/// A container's opacity fades everything inside it, as the exporters'
/// CSS, egui and Slint fade a container's children: each item's opacity is
/// its own times its ancestors'. Patching the container's subtree, as the
/// editor repaints a restyled widget's descendants, gives the same list.
#[test]
fn a_containers_opacity_fades_its_children() {
    use trellis_geometry::{FontMeasurer, Geometry};
    use trellis_render::DisplayList;
    let theme = Theme::LIGHT;
    let mut doc = demo_design();
    let button = doc.find("cancel_button").unwrap();
    let parent = doc.parent(button).unwrap();
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let mut list = DisplayList::build(&doc, &geometry, &theme);
    let opacity_of = |list: &DisplayList, id| list.items.iter().find(|i| i.widget == id).unwrap().opacity;
    assert_eq!(opacity_of(&list, button), 1.0);
    for (id, value) in [(parent, 0.5), (button, 0.8)] {
        doc.execute(Command::SetProperty {
            ids: vec![id],
            key: PropKey::Opacity,
            value: Some(PropValue::Number(value)),
        })
        .unwrap();
    }
    for id in doc.descendants(parent) {
        list.patch(&doc, &geometry, &theme, id).unwrap();
    }
    assert!((opacity_of(&list, button) - 0.4).abs() < 1e-6, "{}", opacity_of(&list, button));
    assert!((opacity_of(&list, parent) - 0.5).abs() < 1e-6);
    assert!(list.items == DisplayList::build(&doc, &geometry, &theme).items, "the patched list is the built one");
}
