//! The GPU backend against the CPU reference, against itself on another
//! backend, after damage-limited redraws, and across a lost device. Runs on
//! whatever adapter the machine has (lavapipe and llvmpipe in CI); without
//! one it says so and skips, unless TRELLIS_REQUIRE_GPU=1.

mod common;

use std::sync::Arc;

use tiny_skia::Pixmap;
use trellis_geometry::{FixedAdvanceMeasurer, Geometry, Point};
use trellis_model::{Document, Rect, demo_design};
use trellis_render::{BackendKind, CpuRenderer, DisplayList, GpuRenderer, OverlayLayer, Redraw, Theme, View};

use common::{MovingCards, difference, gpu, view, widget_sheet};

/// GPU and CPU rasterise antialiased edges and glyphs a little differently;
/// layout, colours and what is drawn must agree. Documented in the README.
const MEAN_TOLERANCE: f64 = 0.25;
const FAR_TOLERANCE: f64 = 0.001;

fn list(doc: &Document, theme: &Theme) -> DisplayList {
    let g = Geometry::new(doc, Arc::new(FixedAdvanceMeasurer::default()));
    DisplayList::build(doc, &g, theme)
}

fn gpu_frame(r: &mut GpuRenderer, list: &DisplayList, v: &View, overlays: &OverlayLayer) -> Pixmap {
    r.draw(list, &[], v, &Redraw::All, overlays, 0.0).unwrap();
    r.read_frame().unwrap()
}

fn assert_close(name: &str, a: &Pixmap, b: &Pixmap, mean_max: f64, far_max: f64) {
    let (mean, far) = difference(a, b);
    eprintln!("{name}: mean difference {mean:.4}, {:.4}% of pixels far off", far * 100.0);
    let failed = mean > mean_max || far > far_max;
    let dir = std::env::temp_dir();
    // TRELLIS_SAVE_IMAGES=1 keeps both images of every comparison, to look at.
    if failed || std::env::var_os("TRELLIS_SAVE_IMAGES").is_some() {
        let _ = a.save_png(dir.join(format!("{name}-a.png")));
        let _ = b.save_png(dir.join(format!("{name}-b.png")));
    }
    if failed {
        panic!(
            "{name}: images differ: mean {mean:.3} (max {mean_max}), {:.3}% of pixels far off (max {:.3}%); \
             both written to {}",
            far * 100.0,
            far_max * 100.0,
            dir.display()
        );
    }
}

#[test]
fn gpu_frames_match_the_cpu_reference_for_the_demo_and_every_widget_kind() {
    let Some(g) = gpu(None) else { return };
    let mut renderer = GpuRenderer::new(g);
    let mut cpu = CpuRenderer::new();
    for (name, doc) in [("demo", demo_design()), ("widgets", widget_sheet())] {
        for theme in [Theme::LIGHT, Theme::DARK] {
            let l = list(&doc, &theme);
            let v = view(1280, 800, &theme);
            let on_gpu = gpu_frame(&mut renderer, &l, &v, &OverlayLayer::new(&theme, 1.0));
            let on_cpu = cpu.render(&l, &v).unwrap();
            assert_close(&format!("{name}-{}-gpu-vs-cpu", theme.name), &on_gpu, &on_cpu, MEAN_TOLERANCE, FAR_TOLERANCE);
        }
    }
    assert_eq!(renderer.take_errors(), Vec::<String>::new());
}

#[test]
fn vulkan_and_gl_draw_the_same_frame() {
    let (Some(vk), Some(gl)) = (gpu(Some(BackendKind::Vulkan)), gpu(Some(BackendKind::Gl))) else { return };
    assert_eq!(vk.info.backend, wgpu::Backend::Vulkan);
    assert_eq!(gl.info.backend, wgpu::Backend::Gl);
    let theme = Theme::LIGHT;
    let l = list(&demo_design(), &theme);
    let v = view(1280, 800, &theme);
    let overlays = OverlayLayer::new(&theme, 1.0);
    let a = gpu_frame(&mut GpuRenderer::new(vk), &l, &v, &overlays);
    let b = gpu_frame(&mut GpuRenderer::new(gl), &l, &v, &overlays);
    assert_close("vulkan-vs-gl", &a, &b, 0.5, 0.002);
}

#[test]
fn damage_limited_gpu_redraws_equal_a_full_redraw_after_random_moves() {
    let Some(g) = gpu(None) else { return };
    let mut r = GpuRenderer::new(g);
    let mut m = MovingCards::new(Theme::LIGHT);
    let v = m.view();
    let none = OverlayLayer::new(&m.theme, v.factor());
    r.draw(&m.list, &[], &v, &Redraw::All, &none, 0.0).unwrap();
    let mut partial = 0;
    for _ in 0..12 {
        let regions = m.step();
        let changed = m.list.take_changed();
        let report = r.draw(&m.list, &changed, &v, &Redraw::Regions(regions), &none, 0.0).unwrap();
        assert!(!report.full, "a move redraws only what moved");
        assert!(report.patched_instances > 0);
        let (_, _, w, h) = report.redrawn.unwrap();
        if u64::from(w) * u64::from(h) < 1000 * 800 / 2 {
            partial += 1;
        }
    }
    assert!(partial >= 8, "most moves redraw a small region ({partial} of 12 did)");
    let incremental = r.read_frame().unwrap();
    let rebuilt = m.rebuilt();
    let mut fresh = GpuRenderer::new(gpu(None).unwrap());
    let full = gpu_frame(&mut fresh, &rebuilt, &v, &none);
    assert_close("gpu-damage-vs-full", &incremental, &full, 0.05, 0.0001);
}

#[test]
fn a_lost_device_is_rebuilt_and_the_next_frame_is_identical() {
    let Some(g) = gpu(None) else { return };
    let mut r = GpuRenderer::new(g);
    let theme = Theme::DARK;
    let l = list(&demo_design(), &theme);
    let v = view(1280, 800, &theme);
    let mut overlays = OverlayLayer::new(&theme, 1.0);
    overlays.selection(Rect::new(100.0, 100.0, 200.0, 50.0));
    overlays.ghost(Rect::new(300.0, 300.0, 120.0, 40.0), 0.7);
    let before = gpu_frame(&mut r, &l, &v, &overlays);
    r.destroy_device();
    assert!(r.is_lost(), "destroying the device reports it lost");
    let report = r.draw(&l, &[], &v, &Redraw::Nothing, &overlays, 0.0).unwrap();
    let took = report.recovered.expect("the frame after a loss recovers first");
    assert!(report.full, "a rebuilt device redraws everything");
    let after = r.read_frame().unwrap();
    assert_close("device-loss", &before, &after, 0.01, 0.0);
    assert_eq!(r.recoveries().count, 1);
    eprintln!("recovered from a lost device in {took:?}");
}

#[test]
fn overlays_draw_alike_on_gpu_and_cpu_and_pulses_move() {
    let Some(g) = gpu(None) else { return };
    let mut r = GpuRenderer::new(g);
    let theme = Theme::LIGHT;
    let l = list(&demo_design(), &theme);
    let v = view(1280, 800, &theme);
    let mut o = OverlayLayer::new(&theme, 1.0);
    o.selection(Rect::new(40.0, 40.0, 300.0, 120.0));
    for (i, x) in [40.0, 190.0, 340.0].into_iter().enumerate() {
        o.handle(Point::new(x, 40.0 + 60.0 * i as f32));
    }
    o.marquee(Rect::new(500.0, 300.0, 200.0, 150.0));
    o.guide(Point::new(600.0, 0.0), Point::new(600.0, 800.0));
    o.spacing(Point::new(100.0, 600.0), Point::new(200.0, 600.0));
    o.drop_target(Rect::new(800.0, 200.0, 300.0, 300.0));
    o.insertion(Point::new(820.0, 260.0), Point::new(1080.0, 260.0));
    o.ghost(Rect::new(850.0, 400.0, 160.0, 48.0), 1.0);
    o.trail(&[(Point::new(700.0, 700.0), 200.0), (Point::new(760.0, 690.0), 100.0), (Point::new(820.0, 680.0), 0.0)]);
    let mut cpu = CpuRenderer::new();
    for time in [0.0, 0.4] {
        r.draw(&l, &[], &v, &Redraw::Nothing, &o, time).unwrap();
        let on_gpu = r.read_frame().unwrap();
        let mut on_cpu = cpu.render(&l, &v).unwrap();
        cpu.draw_overlays(&mut on_cpu, &o, &v, time);
        assert_close(&format!("overlays-at-{time}"), &on_gpu, &on_cpu, MEAN_TOLERANCE, FAR_TOLERANCE);
    }
    // The drop target's pulse changes its pixels over time.
    r.draw(&l, &[], &v, &Redraw::Nothing, &o, 0.0).unwrap();
    let a = r.read_frame().unwrap();
    r.draw(&l, &[], &v, &Redraw::Nothing, &o, 0.5).unwrap();
    let b = r.read_frame().unwrap();
    let edge = |p: &Pixmap| p.pixel(799, 300).unwrap();
    assert_ne!(edge(&a), edge(&b), "the drop target pulses");
}

#[test]
fn redrawn_regions_can_be_tinted_without_touching_the_canvas() {
    let Some(g) = gpu(None) else { return };
    let mut r = GpuRenderer::new(g);
    let theme = Theme::LIGHT;
    let l = list(&demo_design(), &theme);
    let v = view(640, 400, &theme);
    let none = OverlayLayer::new(&theme, 1.0);
    let clean = gpu_frame(&mut r, &l, &v, &none);
    r.tint_redraws = true;
    let region = Rect::new(100.0, 100.0, 50.0, 50.0);
    r.draw(&l, &[], &v, &Redraw::Regions(vec![region]), &none, 0.0).unwrap();
    let tinted = r.read_frame().unwrap();
    assert_ne!(tinted.pixel(120, 120), clean.pixel(120, 120), "the redrawn region is tinted");
    assert_eq!(tinted.pixel(300, 300), clean.pixel(300, 300), "the rest is not");
    r.tint_redraws = false;
    r.draw(&l, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap();
    assert_close("tint-leaves-canvas", &r.read_frame().unwrap(), &clean, 0.0001, 0.0);
}
