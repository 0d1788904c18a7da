//! The demo's egui export drawn by egui (egui_kittest's wgpu renderer, on
//! the software adapter in CI) looks like the canvas's drawing of the
//! design, and like the live preview's: the module carries the design's
//! theme as egui visuals, and draws switches, tabs and progress bars as
//! the canvas does, with the very helpers the preview runs; its popups
//! (a dropdown's list, a tooltip) take the design's theme too.
//!
//! Without a GPU adapter these tests say so and pass, unless
//! `TRELLIS_REQUIRE_GPU=1` (CI sets it), which makes them fail.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tiny_skia::Pixmap;
use trellis_exported::Demo;
use trellis_geometry::{FontMeasurer, Geometry, Point};
use trellis_model::{Document, Theme};
use trellis_render::{CpuRenderer, DisplayList, View};

mod support;

/// The demo window's size.
const SIZE: (u32, u32) = (1280, 800);

/// How far a control's mean colour may be from the canvas's, of 255.
const WIDGET_SHIFT: f64 = 8.0;

fn adapter_or_skip() -> bool {
    let (gpu, probe) = trellis_render::open(trellis_render::backend_override().unwrap());
    if gpu.is_none() {
        let required = std::env::var("TRELLIS_REQUIRE_GPU").is_ok_and(|v| v == "1");
        assert!(!required, "TRELLIS_REQUIRE_GPU=1 but no adapter works: {}", probe.reason);
        eprintln!("skipped: no GPU adapter ({})", probe.reason);
    }
    gpu.is_some()
}

/// What `show` draws in a harness, cropped to the design's window.
fn drawn<S: 'static>(state: S, show: impl FnMut(&mut egui::Ui, &mut S) + 'static) -> Pixmap {
    let mut show = show;
    let mut origin = egui::Pos2::ZERO;
    let origin_at: std::rc::Rc<std::cell::Cell<egui::Pos2>> = std::rc::Rc::default();
    let seen = origin_at.clone();
    let mut h = Harness::builder().with_size([SIZE.0 as f32 + 16.0, SIZE.1 as f32 + 16.0]).build_ui_state(
        move |ui, s: &mut S| {
            // No image loader is installed (an app installs egui_extras's):
            // the avatar shows egui's warning sign, as a box.
            ui.ctx().set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
            seen.set(ui.max_rect().min);
            show(ui, s);
        },
        state,
    );
    h.run();
    let image = h.render().expect("kittest renders with egui-wgpu");
    origin = origin_at.get().max(origin);
    let (x0, y0) = (origin.x.round() as u32, origin.y.round() as u32);
    let mut out = Pixmap::new(SIZE.0, SIZE.1).expect("a pixmap");
    for y in 0..SIZE.1 {
        for x in 0..SIZE.0 {
            let [r, g, b, a] = image.get_pixel(x0 + x, y0 + y).0;
            let c = tiny_skia::ColorU8::from_rgba(r, g, b, a).premultiply();
            out.pixels_mut()[(y * SIZE.0 + x) as usize] = c;
        }
    }
    out
}

/// The canvas's drawing of `doc` in `theme` (the CPU rasteriser, as
/// `trellis render --backend cpu` draws it).
fn canvas(doc: &Document, theme: &Theme) -> Pixmap {
    let geometry = Geometry::new(doc, FontMeasurer::shared());
    let list = DisplayList::build(doc, &geometry, theme);
    let mut cpu = CpuRenderer::new();
    cpu.base_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../model/assets").into();
    let view = View {
        origin: Point::new(0.0, 0.0),
        zoom: 1.0,
        scale: 1.0,
        width: SIZE.0,
        height: SIZE.1,
        background: theme.canvas,
    };
    cpu.render(&list, &view).expect("the canvas draws")
}

/// The fraction of 8x8 blocks whose mean colour differs by more than
/// `threshold` (of 255) in some channel: anti-aliasing and the controls'
/// finer details differ between egui and the canvas, a wrong colour, a
/// misplaced or missing widget does not hide in them.
fn differing_blocks(a: &Pixmap, b: &Pixmap, threshold: f64) -> f64 {
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    let (w, h) = (a.width(), a.height());
    let (mut differ, mut blocks) = (0u32, 0u32);
    for by in (0..h).step_by(8) {
        for bx in (0..w).step_by(8) {
            blocks += 1;
            differ += u32::from(shift_over(a, b, bx..(bx + 8).min(w), by..(by + 8).min(h)) > threshold);
        }
    }
    f64::from(differ) / f64::from(blocks)
}

/// The largest difference of one channel's mean over `r` (in the design's
/// pixels) between two pictures.
fn mean_shift(a: &Pixmap, b: &Pixmap, r: trellis_model::Rect) -> f64 {
    let (x0, y0) = (r.x.max(0.0) as u32, r.y.max(0.0) as u32);
    let (x1, y1) = ((r.right().min(a.width() as f32)) as u32, (r.bottom().min(a.height() as f32)) as u32);
    shift_over(a, b, x0..x1, y0..y1)
}

/// The largest difference of one channel's mean over the pixels `xs` by
/// `ys` between two pictures (0 over no pixels).
fn shift_over(a: &Pixmap, b: &Pixmap, xs: std::ops::Range<u32>, ys: std::ops::Range<u32>) -> f64 {
    let mut sum = [0f64; 6];
    let mut n = 0.0;
    for y in ys {
        for x in xs.clone() {
            for (k, p) in [a, b].iter().enumerate() {
                let c = p.pixel(x, y).expect("inside").demultiply();
                sum[3 * k] += f64::from(c.red());
                sum[3 * k + 1] += f64::from(c.green());
                sum[3 * k + 2] += f64::from(c.blue());
            }
            n += 1.0;
        }
    }
    if n == 0.0 {
        return 0.0;
    }
    (0..3).map(|c| (sum[c] - sum[3 + c]).abs() / n).fold(0.0, f64::max)
}

/// Each shown control of `doc` (and each tab bar) whose mean colour in
/// `a` and `b` differs by more than `limit`, with the difference.
fn widgets_apart(doc: &Document, a: &Pixmap, b: &Pixmap, limit: f64) -> Vec<(String, f64)> {
    use trellis_model::{PropKey, WidgetKind};
    let geometry = Geometry::new(doc, FontMeasurer::shared());
    let mut apart = Vec::new();
    for w in doc.iter() {
        let Some(r) = geometry.rect(w.id()) else { continue };
        if geometry.is_hidden(w.id()) || !w.flag(PropKey::Visible) {
            continue;
        }
        let r = match w.kind() {
            // Its bar: the page is its children's.
            WidgetKind::Tabs => trellis_model::Rect::new(r.x, r.y, r.w, trellis_geometry::TAB_BAR_HEIGHT + 1.0),
            // The avatar needs an image loader the test does not install.
            WidgetKind::Image => continue,
            k if k.is_container() => continue,
            _ => r,
        };
        let name = format!("{} ({})", w.name(), w.kind().as_str());
        let mut regions = vec![(name.clone(), r)];
        // What the module's own helpers draw, region by region: a switch's
        // track, the underline under each tab, a progress bar's track.
        let full = geometry.rect(w.id()).expect("laid out");
        match w.kind() {
            WidgetKind::Toggle => {
                let track = trellis_model::Rect::new(full.x, full.y + (full.h - 18.0) / 2.0, 32.0, 18.0);
                regions.push((format!("{name} switch"), track));
            }
            WidgetKind::Tabs => {
                let width = trellis_codegen::egui::tab_width(full.w, w.items().len());
                for i in 0..w.items().len() {
                    let x = full.x + i as f32 * width + 8.0;
                    // The underline's upper row: the lower one shares
                    // the bar's edge line, which egui and the canvas
                    // anti-alias differently.
                    let line =
                        trellis_model::Rect::new(x, full.y + trellis_geometry::TAB_BAR_HEIGHT - 2.0, width - 16.0, 1.0);
                    regions.push((format!("{name} tab {i} underline"), line));
                }
            }
            WidgetKind::ProgressBar => {
                let h = full.h.min(8.0);
                regions.push((
                    format!("{name} track"),
                    trellis_model::Rect::new(full.x, full.y + (full.h - h) / 2.0, full.w, h),
                ));
            }
            _ => {}
        }
        for (name, r) in regions {
            let shift = mean_shift(a, b, r);
            if shift > limit {
                apart.push((name, shift));
            }
        }
    }
    apart
}

/// The exported demo as egui draws it; `None` (said) without an adapter.
fn exported_demo() -> Option<Pixmap> {
    adapter_or_skip().then(|| {
        drawn(Demo::default(), |ui, demo: &mut Demo| {
            let _ = demo.ui(ui);
        })
    })
}

fn save_on_failure(name: &str, image: &Pixmap) {
    if let Some(dir) = std::env::var_os("TRELLIS_KEEP_FAILED") {
        let _ = std::fs::create_dir_all(&dir);
        let _ = image.save_png(std::path::Path::new(&dir).join(name));
    }
}

#[test]
fn the_exported_demo_drawn_by_egui_looks_like_the_canvas() {
    let Some(exported) = exported_demo() else { return };
    let doc = trellis_model::demo_design();
    let light = canvas(&doc, &Theme::LIGHT);
    let differ = differing_blocks(&exported, &light, 16.0);
    eprintln!("the export against the canvas: {:.1}% of blocks differ", differ * 100.0);
    if differ >= 0.04 {
        save_on_failure("egui-export.png", &exported);
        save_on_failure("canvas.png", &light);
    }
    assert!(differ < 0.04, "{:.1}% of the exported demo differs from the canvas", differ * 100.0);

    // Widget by widget: each control's mean colour is the canvas's.
    let apart = widgets_apart(&doc, &exported, &light, WIDGET_SHIFT);
    eprintln!(
        "widgets apart: {apart:?}; largest shift {:.1}",
        widgets_apart(&doc, &exported, &light, 0.0).iter().map(|w| w.1).fold(0.0, f64::max)
    );
    assert!(apart.is_empty(), "controls that look different from the canvas: {apart:?}");
    // ... which a switch in the wrong state fails.
    let mut off = trellis_model::demo_design();
    let toggle = off.find("sync_toggle").expect("the demo has a toggle");
    off.execute(trellis_model::Command::SetProperty {
        ids: vec![toggle],
        key: trellis_model::PropKey::Checked,
        value: Some(trellis_model::PropValue::Bool(false)),
    })
    .expect("unchecks");
    let apart = widgets_apart(&off, &exported, &canvas(&off, &Theme::LIGHT), WIDGET_SHIFT);
    eprintln!("with the switch off on the canvas: {apart:?}");
    assert!(apart.iter().any(|(name, _)| name.starts_with("sync_toggle")), "{apart:?}");
    // ... and so does another tab shown.
    let mut other_tab = trellis_model::demo_design();
    let tabs = other_tab.find("settings_tabs").expect("the demo has tabs");
    other_tab
        .execute(trellis_model::Command::SetProperty {
            ids: vec![tabs],
            key: trellis_model::PropKey::Selected,
            value: Some(trellis_model::PropValue::Int(1)),
        })
        .expect("shows another tab");
    let apart = widgets_apart(&other_tab, &exported, &canvas(&other_tab, &Theme::LIGHT), WIDGET_SHIFT);
    eprintln!("with another tab shown on the canvas: {apart:?}");
    assert!(apart.iter().any(|(name, _)| name.starts_with("settings_tabs (tabs) tab 0")), "{apart:?}");

    // The comparison can fail: the canvas in the other theme, or another
    // design, does not pass for the export.
    let dark = differing_blocks(&exported, &canvas(&doc, &Theme::DARK), 16.0);
    eprintln!("... against the dark canvas: {:.1}%", dark * 100.0);
    assert!(dark > 0.5, "the dark canvas differs in {:.1}% of blocks", dark * 100.0);
    let other = differing_blocks(&exported, &canvas(&trellis_model::generate(60, 1), &Theme::LIGHT), 16.0);
    eprintln!("... against another design: {:.1}%", other * 100.0);
    assert!(other > 0.25, "another design differs in {:.1}% of blocks", other * 100.0);
}

#[test]
fn the_preview_and_the_export_draw_the_demo_alike() {
    let Some(exported) = exported_demo() else { return };
    let doc = trellis_model::demo_design();
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let preview = trellis_preview::Preview::new(&doc);
    let previewed = drawn(preview, move |ui, p: &mut trellis_preview::Preview| {
        let _ = p.show(ui, &doc, &geometry, Theme::LIGHT);
    });
    let differ = differing_blocks(&exported, &previewed, 4.0);
    eprintln!("the export against the preview: {:.2}% of blocks differ", differ * 100.0);
    assert!(differ < 0.01, "{:.2}% of the preview differs from the export", differ * 100.0);
}

/// One mapping: the module's look is the preview's for its theme.
#[test]
fn the_exported_visuals_are_the_previews_for_the_designs_theme() {
    assert_eq!(Demo::visuals(), trellis_preview::visuals(&Theme::LIGHT));
    assert_ne!(Demo::visuals(), trellis_preview::visuals(&Theme::DARK));
}

/// The demo in a kittest harness of its own, for a test that interacts;
/// the state keeps where the design's corner is.
fn interactive_demo() -> Harness<'static, (Demo, egui::Pos2)> {
    let mut h = Harness::builder().with_size([SIZE.0 as f32 + 16.0, SIZE.1 as f32 + 16.0]).build_ui_state(
        |ui, (demo, origin): &mut (Demo, egui::Pos2)| {
            ui.ctx().set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
            *origin = ui.max_rect().min;
            let _ = demo.ui(ui);
        },
        (Demo::default(), egui::Pos2::ZERO),
    );
    h.run();
    h
}

/// Popups (a dropdown's list, a tooltip) are drawn in the design's theme,
/// as its widgets are, whatever the app's (kittest's is dark); the app's
/// own style is given back once the design is drawn.
#[test]
fn popups_and_tooltips_take_the_designs_theme() {
    if !adapter_or_skip() {
        return;
    }
    let mut h = interactive_demo();
    let app_style = h.ctx.global_style();
    assert!(app_style.visuals.dark_mode, "kittest's own theme is dark, the demo's light");
    // The mean brightness (0 to 255) of a box of the harness's picture.
    let brightness = |h: &mut Harness<'static, (Demo, egui::Pos2)>, rect: egui::Rect| {
        let image = h.render().expect("kittest renders with egui-wgpu");
        let (mut sum, mut n) = (0.0_f64, 0.0_f64);
        for y in rect.top().round() as u32..rect.bottom().round() as u32 {
            for x in rect.left().round() as u32..rect.right().round() as u32 {
                let [r, g, b, _] = image.get_pixel(x, y).0;
                sum += (f64::from(r) + f64::from(g) + f64::from(b)) / 3.0;
                n += 1.0;
            }
        }
        sum / n.max(1.0)
    };

    // The search field's tooltip, the pointer resting on the field.
    let doc = trellis_model::demo_design();
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let field = geometry.rect(doc.find("search_input").expect("the demo has a search field")).expect("laid out");
    let origin = h.state().1;
    let tips = support::search_tooltips(&mut h, origin, field);
    assert_eq!(tips.len(), 1, "one tooltip shows: {tips:?}");
    let tip = tips[0].expand(2.0);
    let tip_brightness = brightness(&mut h, tip);
    eprintln!("the tooltip's brightness: {tip_brightness:.0}");
    assert!(tip_brightness > 160.0, "the tooltip is drawn dark ({tip_brightness:.0}), in the app's theme");
    assert_eq!(h.ctx.global_style().visuals, app_style.visuals, "the app's style is given back");

    // The language dropdown's list, opened.
    h.get_by_label("language_dropdown").click();
    h.run();
    let item = h.get_by_label("Deutsch").rect();
    let list_brightness = brightness(&mut h, item);
    eprintln!("the dropdown list's brightness: {list_brightness:.0}");
    assert!(list_brightness > 160.0, "the list is drawn dark ({list_brightness:.0}), in the app's theme");
    assert_eq!(h.ctx.global_style().visuals, app_style.visuals, "the app's style is given back");
}
