//! The GPU backend against the CPU reference, against itself on another
//! backend, after damage-limited redraws, and across a lost device. Runs on
//! whatever adapter the machine has (lavapipe and llvmpipe in CI); without
//! one it says so and skips, unless TRELLIS_REQUIRE_GPU=1.

mod common;

use tiny_skia::Pixmap;
use trellis_geometry::{FontMeasurer, Geometry, Point};
use trellis_model::{Color, Document, Rect, demo_design};
use trellis_render::{
    BackendKind, CpuRenderer, DisplayList, GpuRenderer, OverlayLayer, Primitive, Redraw, Theme, View,
};

use common::widgets::{WidgetLooks, WidgetTolerance};
use common::{MovingCards, Tolerance, difference, gpu, view, widget_noise, widget_sheet};

// Tolerances are about 3x the noise measured on lavapipe and llvmpipe GL
// (Mesa 22.3.6), three runs on each, identical every time:
//   TRELLIS_REQUIRE_GPU=1 [TRELLIS_BACKEND=gl] cargo test -p trellis-render --test gpu_render -- --nocapture
// with a floor of a few pixels where nothing differed. A button missing from
// the demo changes 174 to 2832 pixels far off (cpu_render.rs measures it).

/// GPU and CPU rasterise antialiased edges and glyphs a little differently;
/// layout, colours and what is drawn must agree. Measured over the demo and
/// the sheet in both themes: mean difference at most 0.0124, at most 4
/// pixels far off (both dark images).
const GPU_VS_CPU: Tolerance = Tolerance { mean: 0.04, far: 12 };
/// The same at a zoom that puts edges between pixels: measured 0.0557 and
/// 0.0744 mean, at most 1 pixel far off, on the outlined page at 1.37 and
/// 0.61 (0.0665 at 1.37 on an earlier version of the page, the same with
/// its outlines drawn as strips and drawn whole). A strip missing or drawn twice
/// would put whole edges far off.
const GPU_VS_CPU_ZOOMED: Tolerance = Tolerance { mean: 0.2, far: 12 };
/// Measured per widget: signature pixels off by at most 13.4% (the radio
/// group's antialiased dots: 304 against 268) or 130 pixels (the round
/// avatar image: 7000 against 7130); mean colour of a widget's own pixels
/// off by at most 1.02 (the avatar again).
const GPU_VS_CPU_WIDGETS: WidgetTolerance = WidgetTolerance { ink_pixels: 8, ink_share: 0.4, mean_shift: 3.0 };
/// Measured with the overlays on the demo: mean 0.0284, 16 pixels far off.
const OVERLAYS: Tolerance = Tolerance { mean: 0.09, far: 48 };
/// Greeked text's bars are under two device pixels tall, where the
/// shader's one-pixel coverage ramp and tiny-skia's exact coverage differ
/// most: measured mean 0.84, 21 pixels far off (2,000 widgets at 800x600);
/// a card missing would put hundreds of pixels far off.
const GREEKED: Tolerance = Tolerance { mean: 2.0, far: 64 };
/// Measured identical (both adapters are llvmpipe).
const VULKAN_VS_GL: Tolerance = Tolerance { mean: 0.005, far: 4 };
/// Measured identical.
const DAMAGE: Tolerance = Tolerance { mean: 0.005, far: 4 };
/// Measured identical, and must be: the same device type redraws the same
/// list. The tint test likewise.
const SAME: Tolerance = Tolerance { mean: 0.001, far: 0 };
const TINT: Tolerance = Tolerance { mean: 0.0001, far: 0 };
/// A translucent inside drawn apart against the rectangle drawn whole:
/// lavapipe interpolates the inside's flat colour in 8 bits, a level off
/// the whole rectangle's here and there (measured mean 0.01 to 0.03, no
/// channel more than a level off). A strip drawn twice or an inside a
/// pixel off blends a pixel twice or not at all: tens of levels.
const FLAT_INSIDES: Tolerance = Tolerance { mean: 0.15, far: 0 };

fn list(doc: &Document, theme: &Theme) -> DisplayList {
    let g = Geometry::new(doc, FontMeasurer::shared());
    DisplayList::build(doc, &g, theme)
}

fn gpu_frame(r: &mut GpuRenderer, list: &DisplayList, v: &View, overlays: &OverlayLayer) -> Pixmap {
    r.draw(list, &[], v, &Redraw::All, overlays, 0.0).unwrap();
    r.read_frame().unwrap()
}

fn assert_close(name: &str, a: &Pixmap, b: &Pixmap, tol: Tolerance) {
    let d = difference(a, b);
    eprintln!("{name}: mean difference {:.4}, {} pixels far off", d.mean, d.far);
    let failed = d.mean > tol.mean || d.far > tol.far;
    let dir = std::env::temp_dir();
    // TRELLIS_SAVE_IMAGES=1 keeps both images of every comparison, to look at.
    if failed || std::env::var_os("TRELLIS_SAVE_IMAGES").is_some() {
        let _ = a.save_png(dir.join(format!("{name}-a.png")));
        let _ = b.save_png(dir.join(format!("{name}-b.png")));
    }
    if failed {
        panic!(
            "{name}: images differ: mean {:.3} (max {}), {} pixels far off (max {}); both written to {}",
            d.mean,
            tol.mean,
            d.far,
            tol.far,
            dir.display()
        );
    }
}

#[test]
fn gpu_frames_match_the_cpu_reference_for_the_demo_and_every_widget_kind() {
    let Some(g) = gpu(None) else { return };
    eprintln!("on {} ({:?})", g.info.name, g.info.backend);
    let mut renderer = GpuRenderer::new(g);
    let mut cpu = CpuRenderer::new();
    for (name, doc) in [("demo", demo_design()), ("widgets", widget_sheet())] {
        let geometry = Geometry::new(&doc, FontMeasurer::shared());
        for theme in [Theme::LIGHT, Theme::DARK] {
            let l = DisplayList::build(&doc, &geometry, &theme);
            let v = view(1280, 800, &theme);
            let on_gpu = gpu_frame(&mut renderer, &l, &v, &OverlayLayer::new(&theme, 1.0));
            let on_cpu = cpu.render(&l, &v).unwrap();
            let name = format!("{name}-{}-gpu-vs-cpu", theme.name);
            assert_close(&name, &on_gpu, &on_cpu, GPU_VS_CPU);
            let figures = WidgetLooks::new(&doc, &geometry, &l, &v).figures(&on_gpu, &on_cpu);
            eprintln!("{name}: {}", widget_noise(&figures));
            let wrong: Vec<String> = figures.iter().filter_map(|f| f.problem(&GPU_VS_CPU_WIDGETS)).collect();
            assert!(wrong.is_empty(), "{name}: widgets drawn differently:\n{}", wrong.join("\n"));
        }
    }
    assert_eq!(renderer.take_errors(), Vec::<String>::new());
}

#[test]
fn a_button_missing_from_a_gpu_frame_is_named() {
    let Some(g) = gpu(None) else { return };
    let mut renderer = GpuRenderer::new(g);
    let doc = demo_design();
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    for theme in [Theme::LIGHT, Theme::DARK] {
        let full = DisplayList::build(&doc, &geometry, &theme);
        let v = view(1280, 800, &theme);
        let on_cpu = CpuRenderer::new().render(&full, &v).unwrap();
        // The button that changes the fewest pixels: no fill, only its label.
        let id = doc.find("nav_about").unwrap();
        let mut dropped = full.clone();
        dropped.items.retain(|i| i.widget != id);
        let on_gpu = gpu_frame(&mut renderer, &dropped, &v, &OverlayLayer::new(&theme, 1.0));
        let d = difference(&on_gpu, &on_cpu);
        let wrong = WidgetLooks::new(&doc, &geometry, &full, &v).mismatches(&on_gpu, &on_cpu, &GPU_VS_CPU_WIDGETS);
        eprintln!("without nav_about ({}): {} pixels far off; named: {wrong:?}", theme.name, d.far);
        assert!(d.far > GPU_VS_CPU.far, "the whole-image check misses it: {} pixels far off", d.far);
        assert!(wrong.len() == 1 && wrong[0].starts_with("button 'nav_about':"), "{wrong:?}");
    }
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
    assert_close("vulkan-vs-gl", &a, &b, VULKAN_VS_GL);
}

/// The canvas is blue first wherever the adapter can draw and blend in it
/// but on OpenGL (lavapipe then draws each quad as one rectangle,
/// `TEXTURE_FORMAT`), and red first when asked (an RGBA window copies the
/// canvas in, and on OpenGL): the same
/// picture either way, read back red first, overlays included (an image's
/// channels: `a_large_image_is_drawn_whole`).
#[test]
fn a_canvas_blue_first_draws_what_a_red_first_one_draws() {
    let Some(g) = gpu(None) else { return };
    let theme = Theme::LIGHT;
    let l = list(&demo_design(), &theme);
    let v = view(1280, 800, &theme);
    let mut overlays = OverlayLayer::new(&theme, 1.0);
    overlays.selection(Rect::new(40.0, 40.0, 300.0, 200.0));
    overlays.handle(Point::new(340.0, 240.0));
    let again = trellis_render::Gpu::open_on(g.instance.clone(), g.adapter.clone()).expect("the adapter opened above");
    let gl = g.info.backend == wgpu::Backend::Gl;
    let mut blue = GpuRenderer::with_target_format(g, trellis_render::TEXTURE_FORMAT);
    assert_eq!(trellis_render::TEXTURE_FORMAT, wgpu::TextureFormat::Bgra8Unorm);
    assert_eq!(blue.target_format(), trellis_render::TEXTURE_FORMAT);
    let preferred = if gl { trellis_render::FALLBACK_TEXTURE_FORMAT } else { trellis_render::TEXTURE_FORMAT };
    assert_eq!(trellis_render::preferred_target_format(&again.adapter), preferred);
    let mut red = GpuRenderer::with_target_format(again, trellis_render::FALLBACK_TEXTURE_FORMAT);
    assert_eq!(red.target_format(), wgpu::TextureFormat::Rgba8Unorm);
    let (a, b) = (gpu_frame(&mut blue, &l, &v, &overlays), gpu_frame(&mut red, &l, &v, &overlays));
    assert_close("blue-first-vs-red-first", &a, &b, SAME);
    assert_eq!(blue.take_errors(), Vec::<String>::new());
    assert_eq!(red.take_errors(), Vec::<String>::new());
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
    assert_close("gpu-damage-vs-full", &incremental, &full, DAMAGE);
}

/// The frame is composed again only where the canvas was redrawn or an
/// overlay changed: with every card selected, a hover that moves, a card
/// that moves, a selection outline gone and a pulsing drop target, each
/// frame equals the canvas with every overlay drawn afresh over it.
#[test]
fn overlays_are_composed_again_only_where_something_changed() {
    let Some(g) = gpu(None) else { return };
    let mut r = GpuRenderer::new(g);
    let mut m = MovingCards::new(Theme::LIGHT);
    let v = m.view();
    let cards: Vec<Rect> = m.doc.children(m.doc.root()).iter().filter_map(|c| m.geometry.rect(*c)).collect();
    let mut overlays = OverlayLayer::new(&m.theme, v.factor());
    let select_all = |o: &mut OverlayLayer, cards: &[Rect]| cards.iter().for_each(|c| o.selection(*c));
    select_all(&mut overlays, &cards);
    let first = r.draw(&m.list, &[], &v, &Redraw::All, &overlays, 0.0).unwrap();
    let whole = u64::from(v.width) * u64::from(v.height);
    assert_eq!(first.composed_pixels, whole);
    let mut composed = Vec::new();
    for k in 0..8 {
        let regions = if k % 2 == 1 { m.step() } else { Vec::new() };
        let changed = m.list.take_changed();
        overlays.clear();
        if (3..5).contains(&k) {
            // A pulsing drop target: composed again every frame it shows.
            overlays.drop_target(Rect::new(120.0, 90.0, 200.0, 150.0));
        }
        overlays.hover(Rect::new(40.0 + 30.0 * k as f32, 60.0, 120.0, 80.0));
        let kept = if k >= 5 { &cards[1..] } else { &cards[..] };
        select_all(&mut overlays, kept);
        // Far apart in the pulse: its alpha differs by a quarter from frame 3 to 4.
        let time = k as f32 * 0.26;
        let report = r.draw(&m.list, &changed, &v, &Redraw::Regions(regions), &overlays, time).unwrap();
        composed.push(report.composed_pixels);
        let frame = r.read_frame().unwrap();
        let mut fresh = GpuRenderer::new(gpu(None).unwrap());
        fresh.draw(&m.list, &[], &v, &Redraw::All, &overlays, time).unwrap();
        assert_close(&format!("composed-{k}"), &frame, &fresh.read_frame().unwrap(), DAMAGE);
    }
    // The same overlays over an unchanged canvas: nothing to compose.
    let report = r.draw(&m.list, &[], &v, &Redraw::Nothing, &overlays, 1.0).unwrap();
    assert_eq!(report.composed_pixels, 0);
    assert!(composed.iter().all(|p| *p * 4 < whole), "each change composes a small part again: {composed:?}");
}

/// A pan by whole device pixels moves the canvas by a copy and draws only
/// the strips it uncovers; after pans every way, while cards move too, the
/// frame equals a fresh full drawing of the same view.
#[test]
fn panning_by_a_copy_draws_what_a_full_redraw_draws() {
    let Some(g) = gpu(None) else { return };
    let mut r = GpuRenderer::new(g);
    let mut m = MovingCards::new(Theme::LIGHT);
    let mut v = m.view();
    let none = OverlayLayer::new(&m.theme, v.factor());
    r.draw(&m.list, &[], &v, &Redraw::All, &none, 0.0).unwrap();
    let f = v.factor();
    for (k, (dx, dy)) in [(7, 0), (0, -5), (-13, 9), (30, 30), (-1, -1), (0, 0)].into_iter().enumerate() {
        v.origin = Point::new(v.origin.x - dx as f32 / f, v.origin.y - dy as f32 / f);
        // Every other pan, a card moves in the same frame.
        let (changed, redraw) = if k % 2 == 0 {
            let regions = m.step();
            (m.list.take_changed(), Redraw::Regions(regions))
        } else {
            (Vec::new(), Redraw::Nothing)
        };
        let report = r.draw(&m.list, &changed, &v, &redraw, &none, 0.0).unwrap();
        if (dx, dy) != (0, 0) {
            assert_eq!(report.scrolled, Some((dx, dy)), "pan {k} is a copy");
            assert!(!report.full);
            let share = report.redrawn_pixels as f64 / f64::from(v.width * v.height);
            assert!(share < 0.25, "pan {k} redrew {:.0}% of the canvas", share * 100.0);
        }
    }
    let panned = r.read_frame().unwrap();
    let mut fresh = GpuRenderer::new(gpu(None).unwrap());
    let full = gpu_frame(&mut fresh, &m.rebuilt(), &v, &none);
    assert_close("gpu-pan-vs-full", &panned, &full, DAMAGE);

    // A pan by a fraction of a pixel, or a zoom, redraws in full where the
    // whole view costs less than the budget (else see `a_zoom_too_dear...`).
    r.refine_budget = usize::MAX;
    v.origin.x += 0.5 / f;
    assert!(r.draw(&m.list, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap().full);
    v.zoom *= 1.1;
    assert!(r.draw(&m.list, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap().full);
}

/// Zooms `v` by `by` around the middle of its target.
fn zoom_around_middle(v: &mut View, by: f32) {
    let f = v.factor();
    let middle = Point::new(v.origin.x + v.width as f32 / 2.0 / f, v.origin.y + v.height as f32 / 2.0 / f);
    v.zoom *= by;
    let g = v.factor();
    v.origin = Point::new(middle.x - (middle.x - v.origin.x) * f / g, middle.y - (middle.y - v.origin.y) * f / g);
}

/// A zoom costing more than the budget to draw whole shows the last frame
/// scaled at once, then draws the view exactly a few tiles a frame, each
/// frame within the budget; pans and moved cards in between are drawn
/// exactly too, and the end equals a fresh full drawing.
#[test]
fn a_zoom_too_dear_to_draw_whole_is_resampled_then_refined_to_what_a_full_redraw_draws() {
    let Some(g) = gpu(None) else { return };
    let mut r = GpuRenderer::new(g);
    let mut m = MovingCards::new(Theme::LIGHT);
    let mut v = m.view();
    let none = OverlayLayer::new(&m.theme, v.factor());
    let first = r.draw(&m.list, &[], &v, &Redraw::All, &none, 0.0).unwrap();
    let before = r.read_frame().unwrap();
    // About a tenth of what the whole view costs (its instances and the
    // pixels of its widgets' boxes, 128 to an instance).
    r.refine_budget = 1_500;
    assert!(first.instances < r.refine_budget, "the budget is mostly pixels here");
    for (k, by) in [1.1, 1.1, 1.1, 1.0 / 1.1].into_iter().enumerate() {
        zoom_around_middle(&mut v, by);
        if k == 0 {
            // The resampled frame is the old one scaled where the new view
            // puts it: nearer a fresh drawing of the new view than the old
            // frame is (a wrong offset or scale would put it farther).
            let mut probe = GpuRenderer::new(gpu(None).unwrap());
            probe.refine_budget = r.refine_budget;
            let home = m.view();
            probe.draw(&m.list, &[], &home, &Redraw::All, &none, 0.0).unwrap();
            assert!(probe.draw(&m.list, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap().resampled);
            let resampled = probe.read_frame().unwrap();
            let target = gpu_frame(&mut GpuRenderer::new(gpu(None).unwrap()), &m.list, &v, &none);
            let (near, far) = (difference(&resampled, &target).mean, difference(&before, &target).mean);
            eprintln!("resampled frame: mean difference {near:.3} from the new view, the old frame {far:.3}");
            assert!(near < far / 2.0, "the resampled frame is near the new view: {near} against {far}");
        }
        // The second zoom comes with a card moved in the same frame.
        let (changed, redraw) = if k == 1 {
            let regions = m.step();
            (m.list.take_changed(), Redraw::Regions(regions))
        } else {
            (Vec::new(), Redraw::Nothing)
        };
        let report = r.draw(&m.list, &changed, &v, &redraw, &none, 0.0).unwrap();
        assert!(report.resampled && !report.full, "zoom {k} is resampled: {report:?}");
        // Regression: each step counted every widget in view into cells,
        // for tiles the next step made stale before any was drawn (at
        // 100,000 widgets, about 4 ms of every step's encoding).
        assert_eq!(report.counted_items, 0, "zoom {k} counts no cell");
        assert!(r.is_refining());
    }
    // A pan by whole pixels while the canvas is still stale moves what is
    // stale with it, once the canvas is brought to the view the last zoom
    // step showed (resampled straight into the frame, the canvas kept):
    // that frame draws no tiles.
    let f = v.factor();
    v.origin = Point::new(v.origin.x - 40.0 / f, v.origin.y + 24.0 / f);
    let panned = r.draw(&m.list, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap();
    assert_eq!(panned.scrolled, Some((40, -24)));
    assert!(panned.caught_up && panned.refined_tiles == 0 && panned.counted_items == 0, "{panned:?}");
    // The first frame to draw tiles of the view it settled on counts its
    // widgets, once.
    let first = r.draw(&m.list, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap();
    assert!(first.counted_items > 0 && first.refined_tiles >= 1 && !first.caught_up, "{first:?}");
    let mut frames = 0;
    while r.is_refining() {
        let report = r.draw(&m.list, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap();
        assert!(report.refined_tiles >= 1 && !report.full, "frame {frames} brings tiles back: {report:?}");
        assert_eq!(report.counted_items, 0, "frame {frames} counts the same view again");
        assert!(
            report.instances <= r.refine_budget * 4,
            "frame {frames} drew {} instances for a budget of {}",
            report.instances,
            r.refine_budget
        );
        frames += 1;
        assert!(frames < 500, "refinement ends");
    }
    eprintln!("brought back in {frames} frames");
    assert!(frames > 2, "brought back over several frames, not in one: {frames}");
    let refined = r.read_frame().unwrap();
    let mut fresh = GpuRenderer::new(gpu(None).unwrap());
    let full = gpu_frame(&mut fresh, &m.rebuilt(), &v, &none);
    assert_close("gpu-refined-zoom-vs-full", &refined, &full, DAMAGE);
    // Nothing stale: a frame with nothing changed draws nothing.
    let idle = r.draw(&m.list, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap();
    assert_eq!((idle.redrawn_pixels, idle.refined_tiles), (0, 0));
    // A budget of 0 draws every view whole: it could never bring one back.
    r.refine_budget = 0;
    zoom_around_middle(&mut v, 1.1);
    let whole = r.draw(&m.list, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap();
    assert!(whole.full && !whole.resampled && !r.is_refining());
}

/// The steps of a zoom that draw nothing else are each resampled from the
/// canvas as the gesture found it, straight into the frame: no copy of
/// the canvas into the frame, and no step scales another step's nearest
/// texels again (zoomed in and back out, the frame is the one it began
/// with). The first frame of another kind brings the canvas to the view,
/// and the tiles bring it back to a full drawing.
#[test]
fn a_zoom_gesture_resamples_each_step_from_the_canvas_it_began_with_and_copies_nothing() {
    let Some(g) = gpu(None) else { return };
    let mut r = GpuRenderer::new(g);
    let m = MovingCards::new(Theme::LIGHT);
    let home = m.view();
    let none = OverlayLayer::new(&m.theme, home.factor());
    let began = gpu_frame(&mut r, &m.list, &home, &none);
    r.refine_budget = 1_500;
    let mut v = home;
    for (k, by) in [1.1, 1.1, 1.1].into_iter().enumerate() {
        zoom_around_middle(&mut v, by);
        let report = r.draw(&m.list, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap();
        assert!(report.resampled && !report.full, "zoom {k} is resampled: {report:?}");
        assert_eq!(report.composed_pixels, 0, "zoom {k} copies nothing into the frame: {report:?}");
    }
    // Back where the gesture began: the canvas it began with, unscaled.
    let back = r.draw(&m.list, &[], &home, &Redraw::Nothing, &none, 0.0).unwrap();
    assert!(back.resampled && back.composed_pixels == 0, "{back:?}");
    assert_close("gpu-zoomed-in-and-back", &r.read_frame().unwrap(), &began, SAME);
    // Somewhere else, then the frames that bring it back: the first
    // catches the canvas up (the frame it shows is unchanged), and the
    // end is a full drawing.
    zoom_around_middle(&mut v, 1.0 / 1.1);
    r.draw(&m.list, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap();
    let stepped = r.read_frame().unwrap();
    let kept = r.read_canvas().unwrap();
    assert_close("gpu-canvas-kept-through-the-steps", &kept, &began, SAME);
    let caught = r.draw(&m.list, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap();
    assert!(caught.caught_up && !caught.resampled && caught.refined_tiles == 0, "{caught:?}");
    // The canvas now shows what the step showed (no overlays here: the
    // frame is the canvas).
    assert_close("gpu-canvas-caught-up-vs-step", &r.read_canvas().unwrap(), &stepped, SAME);
    let mut frames = 0;
    while r.is_refining() {
        let report = r.draw(&m.list, &[], &v, &Redraw::Nothing, &none, 0.0).unwrap();
        assert!(report.refined_tiles >= 1 && !report.resampled, "frame {frames} brings tiles back: {report:?}");
        frames += 1;
        assert!(frames < 500, "refinement ends");
    }
    let full = gpu_frame(&mut GpuRenderer::new(gpu(None).unwrap()), &m.list, &v, &none);
    assert_close("gpu-zoom-gesture-refined-vs-full", &r.read_frame().unwrap(), &full, DAMAGE);
}

/// Inserts, deletes and reorders keep every other item's instances where
/// they are in the buffer (paint order lives in the ranges): only the
/// items made again are written, and the frame equals a fresh full
/// drawing of the final design.
#[test]
fn structural_edits_write_only_new_items_and_draw_what_a_full_redraw_draws() {
    use trellis_model::{Command, ZOrder};
    let Some(g) = gpu(None) else { return };
    let mut r = GpuRenderer::new(g);
    let mut m = MovingCards::new(Theme::LIGHT);
    let v = m.view();
    let none = OverlayLayer::new(&m.theme, v.factor());
    let first = r.draw(&m.list, &[], &v, &Redraw::All, &none, 0.0).unwrap();
    let all = first.instances;
    for k in 0..12 {
        // Every third edit follows a move not yet drawn: the patched items
        // must be made again by the rebuild, not kept as they were drawn.
        let mut regions = if k % 3 == 0 { m.step() } else { Vec::new() };
        let cards = m.doc.children(m.doc.root()).to_vec();
        let card = cards[(k * 7 + 3) % cards.len()];
        let moved = match k % 4 {
            0 => m.doc.execute(Command::Duplicate { ids: vec![card], offset: (13.0, 9.0) }).unwrap().created,
            1 => {
                m.doc.execute(Command::Delete { ids: vec![card] }).unwrap();
                vec![card]
            }
            2 => {
                m.doc.execute(Command::Reorder { ids: vec![card], to: ZOrder::ToFront }).unwrap();
                vec![card]
            }
            _ => {
                m.doc.execute(Command::Reorder { ids: vec![card], to: ZOrder::ToBack }).unwrap();
                vec![card]
            }
        };
        m.geometry.update(&m.doc);
        regions.extend(m.list.rebuild(&m.doc, &m.geometry, &m.theme, &moved, &[]));
        let changed = m.list.take_changed();
        let report = r.draw(&m.list, &changed, &v, &Redraw::Regions(regions), &none, 0.0).unwrap();
        assert!(!report.full, "edit {k} redraws only what changed");
        assert!(
            report.patched_instances * 10 < all,
            "edit {k} wrote {} of about {all} instances",
            report.patched_instances
        );
    }
    // A move after the edits patches in place, at the items' new indices.
    let regions = m.step();
    let changed = m.list.take_changed();
    r.draw(&m.list, &changed, &v, &Redraw::Regions(regions), &none, 0.0).unwrap();
    let edited = r.read_frame().unwrap();
    let mut fresh = GpuRenderer::new(gpu(None).unwrap());
    let full = gpu_frame(&mut fresh, &m.rebuilt(), &v, &none);
    assert_close("gpu-structural-vs-full", &edited, &full, DAMAGE);
}

/// Regression test for uploads of many rewrites far apart in the
/// retained buffer: cards strewn through paint order, every twelfth moved
/// and every twelfth (six later) made half transparent, go up as their spans copied
/// from one staging buffer (neither a span around them all nor a queue
/// write each), and the canvas then equals a fresh drawing of the list.
#[test]
fn rewrites_strewn_through_the_buffer_go_up_by_copies_and_draw_as_a_fresh_list() {
    use trellis_model::{Command, PropKey, PropValue};
    let Some(g) = gpu(None) else { return };
    let mut r = GpuRenderer::new(g);
    let theme = Theme::LIGHT;
    let mut doc = trellis_model::generate(10_000, 4);
    let mut geometry = Geometry::new(&doc, FontMeasurer::shared());
    let mut list = DisplayList::build(&doc, &geometry, &theme);
    // The whole design, at a zoom where its text is read, not greeked:
    // greeked batches draw their shapes from the frame's own instances,
    // not the retained buffer this is about.
    let (b, zoom) = (geometry.bounds(), 0.4);
    let (width, height) = ((b.w * zoom).ceil() as u32, (b.h * zoom).ceil() as u32);
    let v = View { origin: Point::new(b.x, b.y), zoom, scale: 1.0, width, height, background: theme.canvas };
    assert!(13.0 * v.factor() >= trellis_render::GREEK_BELOW_PX, "labels are read at {zoom}");
    let none = OverlayLayer::new(&theme, v.factor());
    r.draw(&list, &[], &v, &Redraw::All, &none, 0.0).unwrap();

    let cards = doc.children(doc.root()).to_vec();
    let mut edited = Vec::new();
    for (k, &card) in cards.iter().enumerate() {
        let command = match k % 12 {
            0 => {
                let f = doc.widget(card).unwrap().frame();
                Command::SetFrame { id: card, frame: Rect::new(f.x + 60.0, f.y + 45.0, f.w, f.h) }
            }
            6 => Command::SetProperty { ids: vec![card], key: PropKey::Opacity, value: Some(PropValue::Number(0.5)) },
            _ => continue,
        };
        doc.execute(command).unwrap();
        edited.push(card);
    }
    assert!(edited.len() > 2 * 32, "more of each edit than queue writes a frame: {}", edited.len());
    geometry.update(&doc);
    let mut regions = Vec::new();
    for card in &edited {
        for id in doc.descendants(*card) {
            regions.extend(list.patch(&doc, &geometry, &theme, id).expect("an edit in place keeps the paint order"));
        }
    }
    let changed = list.take_changed();
    let report = r.draw(&list, &changed, &v, &Redraw::Regions(regions), &none, 0.0).unwrap();
    assert!(report.copied_spans > 32 && report.copied_place_spans > 32, "both kinds of span copied: {report:?}");
    let incremental = r.read_frame().unwrap();
    let mut fresh = GpuRenderer::new(gpu(None).unwrap());
    let full = gpu_frame(&mut fresh, &DisplayList::build(&doc, &geometry, &theme), &v, &none);
    assert_close("gpu-strewn-rewrites-vs-full", &incremental, &full, DAMAGE);
}

/// Text too small to read is greeked alike on both backends: the whole
/// generated design zoomed out until labels are under four device pixels
/// to the em.
#[test]
fn greeked_text_draws_alike_on_gpu_and_cpu() {
    let Some(g) = gpu(None) else { return };
    let theme = Theme::LIGHT;
    let doc = trellis_model::generate(2_000, 1);
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let list = DisplayList::build(&doc, &geometry, &theme);
    let b = geometry.bounds();
    let zoom = (800.0 / b.w).min(600.0 / b.h);
    assert!(zoom * 14.0 < trellis_render::GREEK_BELOW_PX, "the labels are greeked at zoom {zoom}");
    let v = View { origin: Point::new(b.x, b.y), zoom, ..view(800, 600, &theme) };
    let none = OverlayLayer::new(&theme, v.factor());
    let mut r = GpuRenderer::new(g);
    let on_gpu = gpu_frame(&mut r, &list, &v, &none);
    let on_cpu = CpuRenderer::new().render(&list, &v).unwrap();
    assert_close("greeked-gpu-vs-cpu", &on_gpu, &on_cpu, GREEKED);
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
    assert_close("device-loss", &before, &after, SAME);
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
        assert_close(&format!("overlays-at-{time}"), &on_gpu, &on_cpu, OVERLAYS);
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
    assert_close("tint-leaves-canvas", &r.read_frame().unwrap(), &clean, TINT);
}

/// The app records the canvas into its own command encoder and submits
/// once a frame: a frame recorded so (then submitted by the caller) equals
/// one the renderer submits itself, and a lost device is left to the
/// caller (the encoder belongs to it) instead of being replaced under it.
#[test]
fn a_frame_recorded_into_the_callers_encoder_equals_a_drawn_one() {
    let Some(g) = gpu(None) else { return };
    let mut r = GpuRenderer::new(g);
    let theme = Theme::LIGHT;
    let l = list(&demo_design(), &theme);
    let v = view(900, 600, &theme);
    let mut overlays = OverlayLayer::new(&theme, 1.0);
    overlays.selection(Rect::new(40.0, 40.0, 200.0, 80.0));
    let drawn = gpu_frame(&mut r, &l, &v, &overlays);

    let g = gpu(None).expect("an adapter opened above");
    let queue = g.queue.clone();
    let mut caller = GpuRenderer::new(g);
    let mut encoder = caller.device().create_command_encoder(&Default::default());
    let report = caller.record(&mut encoder, &l, &[], &v, &Redraw::All, &overlays, 0.0).unwrap();
    assert!(report.full && report.instances > 0, "{report:?}");
    queue.submit([encoder.finish()]);
    caller.submitted();
    let recorded = caller.read_frame().unwrap();
    assert_close("recorded-into-encoder", &drawn, &recorded, SAME);

    caller.destroy_device();
    let mut encoder = caller.device().create_command_encoder(&Default::default());
    let err = caller.record(&mut encoder, &l, &[], &v, &Redraw::All, &overlays, 0.0).unwrap_err();
    assert!(err.to_string().contains("lost"), "{err}");
    assert_eq!(caller.recoveries().count, 0, "record never replaces the device under its caller");
}

/// An opaque page holding large outlines over no fill (a rounded one with a
/// thick border, a square one), a button to move, a label, and a scroll
/// area where an opaque panel, cut by the scroll area's edge, lies over a
/// button, in a window.
fn outlines_on_a_page() -> Document {
    let json = r##"{"format": "trellis", "version": 2,
        "root": { "kind": "window", "name": "window", "props": { "width": 900.0, "height": 700.0 }, "children": [
            { "kind": "panel", "name": "page", "props": {
                "x": 20.0, "y": 20.0, "width": 860.0, "height": 660.0, "corner_radius": 12.0,
                "fill": "#eef2f7", "border_width": 2.0 }, "children": [
                { "kind": "column", "name": "rounded", "props": {
                    "x": 40.0, "y": 40.0, "width": 600.0, "height": 400.0, "corner_radius": 16.0,
                    "border_width": 3.0, "border_color": "#2563eb", "padding": 16.0, "gap": 8.0 }, "children": [
                    { "kind": "label", "name": "caption", "props": { "text": "Inside an outline", "height": 28.0 } },
                    { "kind": "button", "name": "inside", "props": { "text": "Press", "width": 120.0, "height": 32.0 } }
                ] },
                { "kind": "row", "name": "square", "props": {
                    "x": 40.0, "y": 460.0, "width": 460.0, "height": 160.0, "border_width": 1.0 } },
                { "kind": "scroll_area", "name": "scroller", "props": {
                    "x": 540.0, "y": 430.0, "width": 300.0, "height": 210.0 }, "children": [
                    { "kind": "button", "name": "under", "props": {
                        "x": 40.0, "y": 40.0, "width": 100.0, "height": 30.0, "text": "Hidden" } },
                    { "kind": "panel", "name": "over", "props": {
                        "x": -60.0, "y": 10.0, "width": 340.0, "height": 180.0, "fill": "#fef3c7" } }
                ] },
                { "kind": "button", "name": "mover", "props": {
                    "x": 650.0, "y": 40.0, "width": 120.0, "height": 32.0, "text": "Move me" } }
            ] }
        ] }
    }"##;
    Document::from_json_bytes(json.as_bytes()).expect("a valid design")
}

/// Regression test for the hollow-outline and covered-region shortcuts
/// (`instances.rs`, `batching.rs`): a large outline over no fill is drawn
/// as strips around its empty inside, and a damaged region inside an
/// opaque shape is neither cleared nor drawn under that shape. Both must
/// draw exactly what drawing everything did: the frame is compared with
/// the CPU reference (which draws every rectangle whole), and moves and a
/// duplication, drawn damage-limited, with a fresh full drawing.
#[test]
fn outlines_over_no_fill_and_regions_inside_an_opaque_page_draw_as_a_full_redraw_does() {
    use trellis_model::Command;
    let Some(g) = gpu(None) else { return };
    let theme = Theme::LIGHT;
    let doc = outlines_on_a_page();
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let l = DisplayList::build(&doc, &geometry, &theme);
    let none = OverlayLayer::new(&theme, 1.0);
    let mut r = GpuRenderer::new(g);
    let mut cpu = CpuRenderer::new();
    for zoom in [1.0, 1.37, 0.61] {
        let v = View { zoom, ..view(900, 700, &theme) };
        let on_gpu = gpu_frame(&mut r, &l, &v, &none);
        let tolerance = if zoom == 1.0 { GPU_VS_CPU } else { GPU_VS_CPU_ZOOMED };
        assert_close(&format!("outlines-gpu-vs-cpu-{zoom}"), &on_gpu, &cpu.render(&l, &v).unwrap(), tolerance);
    }
    let mut page = Edited { doc, geometry, list: l, theme, view: view(900, 700, &theme), overlays: none };
    let all = page.draw_all(&mut r);
    let mover = page.doc.find("mover").unwrap();
    for (dx, dy) in [(-13.5, 7.25), (-40.0, 20.0), (17.0, -9.0)] {
        let report = page.move_by(&mut r, mover, dx, dy);
        assert!(!report.full);
        // Under the page: the window and its shadow; over it, in the
        // region: the button's shapes. The page itself is drawn.
        assert!(
            report.instances < all.instances / 2,
            "a region inside the page draws from the page up: {} of {} instances",
            report.instances,
            all.instances
        );
    }
    // A move across the page's edge: drawn from the window up; and back.
    page.move_by(&mut r, mover, 160.0, 0.0);
    page.assert_as_drawn_afresh(&mut r, "outlines-across-the-edge-vs-full");
    page.move_by(&mut r, mover, -160.0, 0.0);
    // A copy of the page a little down and right hides the original's
    // outlines and buttons, which lie wholly inside it: of the region's
    // items only the window, both pages and the copy's own are drawn, and
    // of those not the button under the panel in the copy's scroll area
    // (both clipped to it).
    let original = page.doc.find("page").unwrap();
    let copy = page.doc.execute(Command::Duplicate { ids: vec![original], offset: (8.0, 6.0) }).unwrap().created;
    page.geometry.update(&page.doc);
    let regions = page.list.rebuild(&page.doc, &page.geometry, &page.theme, &copy, &[]);
    let report = page.draw(&mut r, regions);
    // Per page: two outlines of four strips, two buttons, the scroll
    // area's outline and bar, and the panel over the hidden button. The
    // window is its fill and its shadow's four strips (cut away by the
    // scissor). The window's and the pages' fills are large and opaque:
    // each is its inside and four strips around it.
    let per_page = 4 + 1 + 4 + 1 + 2 + 1;
    assert_eq!(report.instances, 5 + 4 + 5 + 5 + per_page, "the window, the pages and the copy's outlines and buttons");
    page.assert_as_drawn_afresh(&mut r, "outlines-damage-vs-full");
    // The copy moved past the window's edge: its region is cut at the
    // window's inside (`damage::split_at`), each piece drawn on its own.
    page.move_by(&mut r, copy[0], 30.0, 25.0);
    page.assert_as_drawn_afresh(&mut r, "outlines-past-the-window-vs-full");
    assert_eq!(r.take_errors(), Vec::<String>::new());
}

/// Large opaque panels are drawn as their insides, unblended, and strips
/// around them (`instances.rs`): a panel larger than the scroll area
/// holding it, clipped at fractional coordinates on every side, and one
/// overlapping another, drawn at zooms that put the edges between pixels,
/// equal the same drawn with every rectangle whole and blended. At zoom 1
/// the first scroll area's right and bottom edges fall on pixel centres,
/// and the second's edges 1/512 of a pixel past them on every side. (Every
/// quad now stops at the clip the same way, with no discard; the clip
/// itself is checked by
/// `rectangles_and_lines_drawn_by_the_lean_shader_equal_the_full_shaders_and_stop_at_the_clip`.)
/// The panels are dark over a light window: a column of pixels missed or
/// painted past the clip is hundreds of pixels far off.
#[test]
fn large_opaque_panels_clipped_between_pixels_draw_as_whole_rectangles_do() {
    let Some(g) = gpu(None) else { return };
    let json = r##"{"format": "trellis", "version": 2,
        "root": { "kind": "window", "name": "window", "props": { "width": 900.0, "height": 700.0 }, "children": [
            { "kind": "scroll_area", "name": "scroller", "props": {
                "x": 30.25, "y": 40.5, "width": 500.25, "height": 400.0 }, "children": [
                { "kind": "panel", "name": "wide", "props": {
                    "x": -20.5, "y": -10.25, "width": 700.0, "height": 600.0, "corner_radius": 10.0,
                    "fill": "#1e3a8a", "border_width": 2.0, "border_color": "#f59e0b" } }
            ] },
            { "kind": "scroll_area", "name": "beside", "props": {
                "x": 560.501953125, "y": 40.501953125, "width": 299.99609375, "height": 399.99609375 }, "children": [
                { "kind": "panel", "name": "tall", "props": {
                    "x": -30.0, "y": -20.0, "width": 400.0, "height": 500.0, "corner_radius": 4.0,
                    "fill": "#14532d" } }
            ] },
            { "kind": "panel", "name": "lower", "props": {
                "x": 420.75, "y": 300.25, "width": 440.0, "height": 360.5, "corner_radius": 6.0,
                "fill": "#7f1d1d", "border_width": 1.0 } }
        ] }
    }"##;
    let Some((extra, frames)) = insides_apart_and_whole(g, json, |whole| whole.opaque_insides = false) else {
        return;
    };
    assert_eq!(extra, 4 * 4, "the window and the three panels are drawn as insides and strips");
    for (zoom, a, b) in frames {
        let name = format!("opaque-insides-vs-whole-{zoom}");
        assert_close(&name, &a, &b, SAME);
        let differing = a.pixels().iter().zip(b.pixels()).filter(|(p, q)| p != q).count();
        assert_eq!(differing, 0, "{name}: the same picture, pixel for pixel");
    }
}

/// A zoom and the frames drawn at it, with large rectangles' insides apart
/// and whole.
type ZoomedPair = (f32, Pixmap, Pixmap);

/// Draws `json` (a 900x700 window) by `g` with large rectangles' insides
/// apart, and by a renderer that `whole` sets to draw some whole, at four
/// zooms that put edges between pixels (1, 1.37, 0.61, 2.5). Returns how
/// many more instances the first drew, and each zoom's two frames; `None`
/// without a second adapter. Neither renderer may report an error.
fn insides_apart_and_whole(
    g: trellis_render::Gpu,
    json: &str,
    whole: impl FnOnce(&mut GpuRenderer),
) -> Option<(usize, Vec<ZoomedPair>)> {
    let doc = Document::from_json_bytes(json.as_bytes()).expect("a valid design");
    let theme = Theme::LIGHT;
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let l = DisplayList::build(&doc, &geometry, &theme);
    let none = OverlayLayer::new(&theme, 1.0);
    let mut split = GpuRenderer::new(g);
    let mut drawn_whole = GpuRenderer::new(gpu(None)?);
    whole(&mut drawn_whole);
    let v = view(900, 700, &theme);
    let (a, b) = (
        split.draw(&l, &[], &v, &Redraw::All, &none, 0.0).unwrap(),
        drawn_whole.draw(&l, &[], &v, &Redraw::All, &none, 0.0).unwrap(),
    );
    let frames = [1.0, 1.37, 0.61, 2.5]
        .into_iter()
        .map(|zoom| {
            let v = View { zoom, ..view(900, 700, &theme) };
            (zoom, gpu_frame(&mut split, &l, &v, &none), gpu_frame(&mut drawn_whole, &l, &v, &none))
        })
        .collect();
    assert_eq!(split.take_errors(), Vec::<String>::new());
    assert_eq!(drawn_whole.take_errors(), Vec::<String>::new());
    Some((a.instances - b.instances, frames))
}

/// Large translucent rectangles (a translucent fill colour, or a panel
/// faded by its opacity) are drawn as their inside, by a shader that
/// returns the fill, blended, and four strips around it; the picture must
/// be the one they make drawn whole, pixel for pixel. The same scroll
/// areas as the opaque panels' test (one's edges on pixel centres, the
/// other's 1/512 of a pixel past them) clip a translucent panel and a
/// faded one between pixels, and a translucent bordered panel overlaps
/// both, so a strip drawn twice, or an inside off by a pixel, blends a
/// pixel twice or not at all, at four zooms.
#[test]
fn large_translucent_panels_clipped_between_pixels_draw_as_whole_rectangles_do() {
    let Some(g) = gpu(None) else { return };
    let json = r##"{"format": "trellis", "version": 2,
        "root": { "kind": "window", "name": "window", "props": { "width": 900.0, "height": 700.0 }, "children": [
            { "kind": "panel", "name": "backdrop", "props": {
                "x": 10.0, "y": 10.0, "width": 880.0, "height": 680.0, "fill": "#7f1d1d" } },
            { "kind": "scroll_area", "name": "scroller", "props": {
                "x": 30.25, "y": 40.5, "width": 500.25, "height": 400.0 }, "children": [
                { "kind": "panel", "name": "glass", "props": {
                    "x": -20.5, "y": -10.25, "width": 700.0, "height": 600.0, "corner_radius": 10.0,
                    "fill": "#dbeafe80", "border_width": 2.0, "border_color": "#f59e0b" } }
            ] },
            { "kind": "scroll_area", "name": "beside", "props": {
                "x": 560.501953125, "y": 40.501953125, "width": 299.99609375, "height": 399.99609375 }, "children": [
                { "kind": "panel", "name": "faded", "props": {
                    "x": -30.0, "y": -20.0, "width": 400.0, "height": 500.0, "corner_radius": 4.0,
                    "fill": "#14532d", "opacity": 0.6 } }
            ] },
            { "kind": "panel", "name": "over", "props": {
                "x": 420.75, "y": 300.25, "width": 440.0, "height": 360.5, "corner_radius": 6.0,
                "fill": "#fde68a99", "border_width": 1.0, "opacity": 0.8 } }
        ] }
    }"##;
    let Some((extra, frames)) = insides_apart_and_whole(g, json, |whole| whole.translucent_insides = false) else {
        return;
    };
    assert_eq!(extra, 3 * 4, "the three translucent panels are drawn as insides and strips");
    for (zoom, a, b) in frames {
        let name = format!("translucent-insides-vs-whole-{zoom}");
        assert_close(&name, &a, &b, FLAT_INSIDES);
        let worst = a.data().iter().zip(b.data()).map(|(p, q)| p.abs_diff(*q)).max().unwrap_or(0);
        let differing = a.pixels().iter().zip(b.pixels()).filter(|(p, q)| p != q).count();
        eprintln!("{name}: {differing} pixels differ, by at most {worst}");
        assert!(worst <= 1, "{name}: a channel {worst} levels off");
    }
}

/// Rectangles and lines, most of what a design draws, are drawn by a lean
/// shader (fewer varyings, lines and rectangles without a branch), the
/// rest by the full shader; both keep exactly the pixels whose centres
/// lie within the clip, with no discard. Regression test for the lean
/// shader drifting from the full one: rounded, bordered and translucent
/// rectangles, lines across, down and slanted (a checkbox's tick, a
/// dropdown's chevron), clipped by a scroll area between pixels, drawn at
/// zooms that put the edges between pixels, equal the same drawn by the
/// full shader to a unit of a channel. And the clip, at zoom 1: the first
/// scroll area's right and bottom edges lie on pixel centres (kept) and
/// its left and top before them, so an opaque dark panel larger than it
/// paints exactly the columns 30 to 530 and the rows 40 to 440; the
/// second's edges lie 1/512 of a pixel past pixel centres (the centre
/// outside on each side), so a translucent panel larger than it, blended,
/// paints exactly the columns 41 to 339 and the rows 461 to 659.
#[test]
fn rectangles_and_lines_drawn_by_the_lean_shader_equal_the_full_shaders_and_stop_at_the_clip() {
    let Some(g) = gpu(None) else { return };
    let json = r##"{"format": "trellis", "version": 2,
        "root": { "kind": "window", "name": "window", "props": { "width": 900.0, "height": 700.0, "fill": "#ffffff" }, "children": [
            { "kind": "scroll_area", "name": "scroller", "props": {
                "x": 30.25, "y": 40.5, "width": 500.25, "height": 400.0 }, "children": [
                { "kind": "panel", "name": "wide", "props": {
                    "x": -20.5, "y": -10.25, "width": 700.0, "height": 600.0,
                    "fill": "#111827" } },
                { "kind": "panel", "name": "card", "props": {
                    "x": 20.3, "y": 30.7, "width": 300.4, "height": 200.2, "corner_radius": 9.5,
                    "fill": "#e0f2fe", "border_width": 2.5, "border_color": "#f59e0b", "opacity": 0.6 } },
                { "kind": "checkbox", "name": "tick", "props": {
                    "x": 40.6, "y": 60.2, "width": 180.0, "height": 24.0, "text": "Ticked", "checked": true } },
                { "kind": "dropdown", "name": "chevron", "props": {
                    "x": 40.6, "y": 100.9, "width": 200.0, "height": 32.0, "items": ["One", "Two"], "selected": 0 } },
                { "kind": "separator", "name": "across", "props": {
                    "x": 10.3, "y": 150.45, "width": 470.0, "height": 1.0 } },
                { "kind": "separator", "name": "down", "props": {
                    "x": 350.55, "y": 5.0, "width": 1.0, "height": 500.0 } },
                { "kind": "separator", "name": "past_the_clip", "props": {
                    "x": 400.2, "y": 250.6, "width": 300.0, "height": 1.0 } }
            ] },
            { "kind": "scroll_area", "name": "tight", "props": {
                "x": 40.501953125, "y": 460.501953125, "width": 299.99609375, "height": 199.99609375 }, "children": [
                { "kind": "panel", "name": "tinted", "props": {
                    "x": -12.25, "y": -9.5, "width": 330.0, "height": 230.0, "corner_radius": 3.0,
                    "fill": "#7f1d1d", "opacity": 0.8 } }
            ] },
            { "kind": "tabs", "name": "tabs", "props": {
                "x": 560.4, "y": 40.6, "width": 300.0, "height": 300.0, "items": ["A", "B", "C"], "selected": 1 } }
        ] }
    }"##;
    let doc = Document::from_json_bytes(json.as_bytes()).expect("a valid design");
    let theme = Theme::LIGHT;
    let mut l = list(&doc, &theme);
    // Lines no widget draws, over the window, before the list is first
    // drawn: of no width (a width of -0 must not read as a rectangle),
    // slanted, thick, of no length, fractional everywhere.
    let ink = Color::rgba(190, 18, 60, 230);
    for (from, to, width) in [
        ((600.3, 400.7), (840.6, 620.2), 0.0),
        ((580.5, 450.25), (880.75, 450.25), 0.0),
        ((600.1, 660.4), (860.9, 480.3), 7.3),
        ((620.6, 380.2), (620.6, 380.2), 5.0),
        ((570.2, 360.3), (570.2, 690.7), 2.6),
    ] {
        l.items[0].primitives.push(Primitive::Line {
            from: Point::new(from.0, from.1),
            to: Point::new(to.0, to.1),
            width,
            color: ink,
        });
    }
    // Rectangles no widget draws: a pill whose radius is past half its
    // height, one of no size with a border, and one of radius -0.
    for (rect, radius) in [
        (Rect::new(640.3, 520.6, 150.2, 14.7), 40.0),
        (Rect::new(700.5, 560.5, 0.0, 0.0), 2.0),
        (Rect::new(610.7, 580.2, 60.3, 30.1), -0.0),
    ] {
        l.items[0].primitives.push(Primitive::Rect {
            rect,
            radius,
            fill: ink,
            border: Some((1.5, Color::rgba(15, 23, 42, 255))),
        });
    }
    let none = OverlayLayer::new(&theme, 1.0);
    let mut lean = GpuRenderer::new(g);
    let mut full = GpuRenderer::new(gpu(None).expect("an adapter opened above"));
    full.lean_shapes = false;
    for zoom in [1.0, 1.37, 0.61, 2.5] {
        let v = View { zoom, ..view(900, 700, &theme) };
        let name = format!("lean-vs-full-shader-{zoom}");
        let (a, b) = (gpu_frame(&mut lean, &l, &v, &none), gpu_frame(&mut full, &l, &v, &none));
        assert_close(&name, &a, &b, SAME);
        let most = a
            .pixels()
            .iter()
            .zip(b.pixels())
            .map(|(p, q)| {
                let (p, q) = ([p.red(), p.green(), p.blue(), p.alpha()], [q.red(), q.green(), q.blue(), q.alpha()]);
                p.iter().zip(q).map(|(x, y)| x.abs_diff(y)).max().unwrap_or(0)
            })
            .max()
            .unwrap_or(0);
        assert!(most <= 1, "{name}: a channel differs by {most}");
        if zoom == 1.0 {
            let at = |x: u32, y: u32| a.pixel(x, y).expect("on the frame");
            let dark = |x: u32, y: u32| at(x, y).red() < 64;
            let white = |x: u32, y: u32| {
                let p = at(x, y);
                (p.red(), p.green(), p.blue()) == (255, 255, 255)
            };
            for y in [45, 200, 439] {
                assert!(white(29, y) && dark(30, y), "row {y}: the clip starts at column 30");
                assert!(dark(530, y) && white(531, y), "row {y}: the clip ends at column 530 (its edge on the centre)");
            }
            for x in [35, 200, 525] {
                assert!(white(x, 39) && dark(x, 40), "column {x}: the clip starts at row 40");
                assert!(dark(x, 440) && white(x, 441), "column {x}: the clip ends at row 440 (its edge on the centre)");
            }
            // Translucent dark red, tinted (green 70 here); outside it, the
            // scroll area's own border's antialiased edge (green 234).
            let tinted = |x: u32, y: u32| at(x, y).green() < 128;
            for y in [462, 560, 658] {
                assert!(!tinted(40, y) && tinted(41, y), "row {y}: the blended panel starts at column 41");
                assert!(tinted(339, y) && !tinted(340, y), "row {y}: the blended panel ends at column 339");
            }
            for x in [42, 200, 338] {
                assert!(!tinted(x, 460) && tinted(x, 461), "column {x}: the blended panel starts at row 461");
                assert!(tinted(x, 659) && !tinted(x, 660), "column {x}: the blended panel ends at row 659");
            }
        }
    }
    assert_eq!(lean.take_errors(), Vec::<String>::new());
    assert_eq!(full.take_errors(), Vec::<String>::new());
}

/// A design being edited, its list patched as the canvas patches it, and
/// drawn damage-limited.
struct Edited {
    doc: Document,
    geometry: Geometry,
    list: DisplayList,
    theme: Theme,
    view: View,
    overlays: OverlayLayer,
}

impl Edited {
    fn draw_all(&mut self, r: &mut GpuRenderer) -> trellis_render::FrameReport {
        r.draw(&self.list, &[], &self.view, &Redraw::All, &self.overlays, 0.0).unwrap()
    }

    /// Draws the changed items and `regions`.
    fn draw(&mut self, r: &mut GpuRenderer, regions: Vec<Rect>) -> trellis_render::FrameReport {
        let changed = self.list.take_changed();
        r.draw(&self.list, &changed, &self.view, &Redraw::Regions(regions), &self.overlays, 0.0).unwrap()
    }

    /// Moves `id` and what it holds by (`dx`, `dy`) and draws the damage.
    fn move_by(
        &mut self,
        r: &mut GpuRenderer,
        id: trellis_model::WidgetId,
        dx: f32,
        dy: f32,
    ) -> trellis_render::FrameReport {
        let f = self.doc.widget(id).unwrap().frame();
        let frame = Rect::new(f.x + dx, f.y + dy, f.w, f.h);
        self.doc.execute(trellis_model::Command::SetFrame { id, frame }).unwrap();
        self.geometry.update(&self.doc);
        let mut regions = Vec::new();
        for d in self.doc.descendants(id) {
            regions.extend(
                self.list.patch(&self.doc, &self.geometry, &self.theme, d).expect("a move keeps the paint order"),
            );
        }
        self.draw(r, regions)
    }

    /// What `r` shows equals a fresh full drawing of the design as it is.
    fn assert_as_drawn_afresh(&self, r: &mut GpuRenderer, name: &str) {
        let shown = r.read_frame().unwrap();
        let list = DisplayList::build(&self.doc, &self.geometry, &self.theme);
        let fresh = gpu_frame(&mut GpuRenderer::new(gpu(None).unwrap()), &list, &self.view, &self.overlays);
        assert_close(name, &shown, &fresh, DAMAGE);
    }
}

/// Regression test: an image placed low in the atlas (any picture over
/// 1,024 pixels is scaled to 1,024 and put at its top, so its lower atlas
/// edge is half way down) was taken for a strip of a shape when strips
/// came to rectangles, and only its top rows were drawn. It is drawn
/// whole, as the CPU reference draws it.
/// A design of one image widget at `(x, y)`, `w` by `h`, showing
/// `picture`, written as `file` into `dir`.
fn one_image(dir: &std::path::Path, file: &str, picture: &Pixmap, (x, y, w, h): (f32, f32, f32, f32)) -> Document {
    use trellis_model::{Command, PropKey, PropValue, WidgetKind, WidgetTree};
    std::fs::create_dir_all(dir).unwrap();
    picture.save_png(dir.join(file)).unwrap();
    let mut doc = Document::new();
    let root = doc.root();
    let tree = WidgetTree::palette(WidgetKind::Image)
        .at(x, y)
        .with(PropKey::Width, PropValue::Number(w))
        .with(PropKey::Height, PropValue::Number(h))
        .with(PropKey::Image, PropValue::Text(file.into()));
    doc.execute(Command::Insert { parent: root, index: None, tree }).unwrap();
    doc
}

#[test]
fn a_large_image_is_drawn_whole() {
    let Some(g) = gpu(None) else { return };
    let dir = std::env::temp_dir().join(format!("trellis-large-image-{}", std::process::id()));
    let mut picture = Pixmap::new(1200, 1200).unwrap();
    picture.fill(tiny_skia::Color::from_rgba8(20, 160, 60, 255));
    let doc = one_image(&dir, "large.png", &picture, (40.0, 40.0, 300.0, 200.0));
    let theme = Theme::LIGHT;
    let l = list(&doc, &theme);
    let v = view(400, 300, &theme);
    let mut r = GpuRenderer::new(g);
    r.base_dir = dir.clone();
    let on_gpu = gpu_frame(&mut r, &l, &v, &OverlayLayer::new(&theme, 1.0));
    let middle = on_gpu.pixel(190, 140).unwrap();
    assert!(middle.green() > 140 && middle.red() < 40, "the image's middle is drawn: {middle:?}");
    let mut cpu = CpuRenderer::new();
    cpu.base_dir = dir.clone();
    assert_close("large-image-gpu-vs-cpu", &on_gpu, &cpu.render(&l, &v).unwrap(), GPU_VS_CPU);
    assert_eq!(r.take_errors(), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(dir);
}

/// An image drawn under `IMAGE_DETAIL_PX` device pixels high is its mean
/// colour on both backends (a pixel of a two-colour picture is the colours
/// mixed); drawn larger it shows its pixels (each half its colour).
#[test]
fn an_image_too_small_to_show_its_pixels_is_its_mean_colour_on_both_backends() {
    let Some(g) = gpu(None) else { return };
    let dir = std::env::temp_dir().join(format!("trellis-small-image-{}", std::process::id()));
    let mut picture = Pixmap::new(200, 200).unwrap();
    picture.fill(tiny_skia::Color::from_rgba8(220, 20, 20, 255));
    let blue = tiny_skia::Paint {
        shader: tiny_skia::Shader::SolidColor(tiny_skia::Color::from_rgba8(20, 20, 220, 255)),
        ..Default::default()
    };
    picture.fill_rect(
        tiny_skia::Rect::from_xywh(100.0, 0.0, 100.0, 200.0).unwrap(),
        &blue,
        tiny_skia::Transform::identity(),
        None,
    );
    let doc = one_image(&dir, "halves.png", &picture, (0.0, 0.0, 2000.0, 60.0));
    let theme = Theme::LIGHT;
    let l = list(&doc, &theme);
    let mut r = GpuRenderer::new(g);
    r.base_dir = dir.clone();
    let mut cpu = CpuRenderer::new();
    cpu.base_dir = dir.clone();
    let is = |p: tiny_skia::PremultipliedColorU8, (red, blue): (u8, u8)| {
        p.red().abs_diff(red) <= 12 && p.blue().abs_diff(blue) <= 12 && p.alpha() == 255
    };
    // 60 units at 0.05: 3 device pixels high, 100 wide.
    let mut small = view(200, 100, &theme);
    small.zoom = 0.05;
    let on_gpu = gpu_frame(&mut r, &l, &small, &OverlayLayer::new(&theme, 1.0));
    let on_cpu = cpu.render(&l, &small).unwrap();
    for (name, frame) in [("gpu", &on_gpu), ("cpu", &on_cpu)] {
        for x in [10, 90] {
            let p = frame.pixel(x, 1).unwrap();
            assert!(is(p, (120, 120)), "{name}: a small image's pixel at x {x} is its mean colour: {p:?}");
        }
    }
    assert_close("small-image-gpu-vs-cpu", &on_gpu, &on_cpu, GPU_VS_CPU);
    // 60 units at 0.5: 30 device pixels high; its halves show.
    let mut large = view(1000, 100, &theme);
    large.zoom = 0.5;
    let on_gpu = gpu_frame(&mut r, &l, &large, &OverlayLayer::new(&theme, 1.0));
    let on_cpu = cpu.render(&l, &large).unwrap();
    for (name, frame) in [("gpu", &on_gpu), ("cpu", &on_cpu)] {
        assert!(is(frame.pixel(100, 15).unwrap(), (220, 20)), "{name}: the left half is red");
        assert!(is(frame.pixel(900, 15).unwrap(), (20, 220)), "{name}: the right half is blue");
    }
    assert_eq!(r.take_errors(), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(dir);
}

/// Regression test: a widget's bounds take in everything it paints, not
/// only its box. A toggle 4 units square paints a 32-unit track; a panel
/// covering the toggle's box but not its track must not be taken to hide
/// it (once, only the box counted, and the track was left out).
#[test]
fn what_a_widget_paints_past_its_box_is_not_taken_as_hidden() {
    let Some(g) = gpu(None) else { return };
    let json = r##"{"format": "trellis", "version": 2,
        "root": { "kind": "window", "name": "window", "props": { "width": 300.0, "height": 200.0 }, "children": [
            { "kind": "toggle", "name": "tiny", "props": {
                "x": 100.0, "y": 100.0, "width": 4.0, "height": 4.0, "checked": true } },
            { "kind": "panel", "name": "over", "props": {
                "x": 10.0, "y": 10.0, "width": 100.0, "height": 100.0 } }
        ] }
    }"##;
    let doc = Document::from_json_bytes(json.as_bytes()).expect("a valid design");
    let theme = Theme::LIGHT;
    let l = list(&doc, &theme);
    let tiny = doc.find("tiny").unwrap();
    let item = l.items.iter().find(|i| i.widget == tiny).unwrap();
    assert!(item.bounds.right() >= 132.0, "the bounds take in the track: {:?}", item.bounds);
    let v = view(300, 200, &theme);
    let on_gpu = gpu_frame(&mut GpuRenderer::new(g), &l, &v, &OverlayLayer::new(&theme, 1.0));
    assert_close("past-the-box-gpu-vs-cpu", &on_gpu, &CpuRenderer::new().render(&l, &v).unwrap(), GPU_VS_CPU);
}

/// A layout container or a scroll area with no fill or border of its own
/// is outlined by a layout guide, which both backends draw exactly as the
/// same container given the theme's border, down to a quarter of a device
/// pixel wide, and leave out below it (the full redraw at 10,000 widgets
/// zoomed to fit shaded the empty inside of every container for lines a
/// few levels faint). A border the design sets is drawn at any zoom. Large
/// containers are drawn as four strips, small ones as one quad: both.
#[test]
fn layout_guides_are_drawn_down_to_a_quarter_pixel_and_left_out_below_on_both_backends() {
    let Some(g) = gpu(None) else { return };
    let design = |widgets: &str| {
        let json = format!(
            r##"{{"format": "trellis", "version": 2,
            "root": {{ "kind": "window", "name": "window", "props": {{ "width": 900.0, "height": 700.0, "fill": "#ffffff" }}, "children": [{widgets}] }} }}"##
        );
        Document::from_json_bytes(json.as_bytes()).expect("a valid design")
    };
    let widget = |kind: &str, name: &str, (x, y, w, h): (f32, f32, f32, f32), border: &str| {
        format!(
            r#"{{ "kind": "{kind}", "name": "{name}", "props": {{ "x": {x}, "y": {y}, "width": {w}, "height": {h}{border} }} }}"#
        )
    };
    let widgets = |border: &str| {
        [
            widget("row", "large", (100.3, 100.6, 600.0, 200.0), border),
            widget("column", "small", (100.3, 330.2, 200.0, 60.0), border),
            widget("scroll_area", "scroller", (400.7, 330.2, 300.0, 120.0), border),
            widget("grid", "grid", (100.3, 480.4, 600.0, 190.0), border),
        ]
        .join(",")
    };
    let guides_in = |l: &DisplayList| {
        l.items.iter().flat_map(|i| &i.primitives).filter(|p| matches!(p, Primitive::LayoutGuide { .. })).count()
    };
    let mut r = GpuRenderer::new(g);
    let quarter = trellis_render::LAYOUT_GUIDE_MIN_PX;
    assert_eq!(trellis_render::layout_guide_hidden_below(1.0), quarter);
    let just_below = f32::from_bits(quarter.to_bits() - 1);
    for theme in [Theme::LIGHT, Theme::DARK] {
        let c = theme.border;
        let border = format!(r##", "border_width": 1.0, "border_color": "#{:02x}{:02x}{:02x}""##, c.r, c.g, c.b);
        let (guided, bordered) = (list(&design(&widgets("")), &theme), list(&design(&widgets(&border)), &theme));
        assert_eq!(guides_in(&guided), 4, "each container is outlined by a guide");
        assert_eq!(guides_in(&bordered), 0, "a border the design sets is not a guide");
        // The same list without its guides (a scroll area's bar stays),
        // built anew: a renderer takes a clone for the list it drew.
        let mut empty = list(&design(&widgets("")), &theme);
        for item in &mut empty.items {
            item.primitives.retain(|p| !matches!(p, Primitive::LayoutGuide { .. }));
        }
        let mut both = |l: &DisplayList, zoom: f32| {
            let v = View { zoom, ..view(900, 700, &theme) };
            let on_gpu = gpu_frame(&mut r, l, &v, &OverlayLayer::new(&theme, v.factor()));
            let on_cpu = CpuRenderer::new().render(l, &v).unwrap();
            (on_gpu, on_cpu)
        };
        let same = |a: &Pixmap, b: &Pixmap| a.data() == b.data();
        for zoom in [1.0, 0.61, quarter, just_below, 0.2, 0.128] {
            let shown = zoom >= quarter;
            let name = format!("{}-{zoom}", if theme == Theme::LIGHT { "light" } else { "dark" });
            let (guide_gpu, guide_cpu) = both(&guided, zoom);
            let (border_gpu, border_cpu) = both(&bordered, zoom);
            let (empty_gpu, empty_cpu) = both(&empty, zoom);
            assert!(!same(&border_gpu, &empty_gpu) && !same(&border_cpu, &empty_cpu), "{name}: a set border shows");
            let (like, drawn) = if shown {
                ((&border_gpu, &border_cpu), "as borders")
            } else {
                ((&empty_gpu, &empty_cpu), "not at all")
            };
            assert!(same(&guide_gpu, like.0), "{name}: the GPU draws the guides {drawn}");
            assert!(same(&guide_cpu, like.1), "{name}: the CPU draws the guides {drawn}");
            assert_close(&format!("guides-gpu-vs-cpu-{name}"), &guide_gpu, &guide_cpu, GPU_VS_CPU_ZOOMED);
            if zoom == quarter && theme == Theme::LIGHT {
                // What is left out just below: a quarter of the outline's
                // contrast with the white under it, at most.
                let most = |a: &Pixmap, b: &Pixmap| a.data().iter().zip(b.data()).map(|(x, y)| x.abs_diff(*y)).max();
                let (on_gpu, on_cpu) = (most(&guide_gpu, &empty_gpu), most(&guide_cpu, &empty_cpu));
                eprintln!("a guide a quarter of a pixel wide: {on_gpu:?} levels on the GPU, {on_cpu:?} on the CPU");
                assert!(on_gpu.is_some_and(|m| (1..=16).contains(&m)), "faint but drawn on the GPU: {on_gpu:?}");
                assert!(on_cpu.is_some_and(|m| (1..=16).contains(&m)), "faint but drawn on the CPU: {on_cpu:?}");
            }
        }
    }
}

/// Regression test, found by the random sessions (`frames.rs`): a region
/// whose items need more render batches than one region may have (each
/// panel here covers the text of the label before it, so each starts a
/// batch) is cut in two until each part keeps paint order. Past the cap,
/// once, the labels of the last batch were drawn over the panels above
/// them: a full redraw of cards duplicated over one another showed their
/// titles through the cards on top.
#[test]
fn text_under_hundreds_of_stacked_panels_stays_under_them() {
    let Some(g) = gpu(None) else { return };
    let stacked = |panels: usize| {
        let widgets: Vec<String> = (0..panels)
        .map(|k| {
            let (x, y) = (10 + k, 10 + k);
            format!(
                r##"{{ "kind": "panel", "name": "panel_{k}", "props": {{ "x": {x}.0, "y": {y}.0, "width": 200.0, "height": 60.0,
                    "corner_radius": 0.0, "fill": "#ffffff", "border_width": 1.0 }} }},
                {{ "kind": "label", "name": "label_{k}", "props": {{ "x": {}.0, "y": {}.0, "width": 120.0, "height": 20.0,
                    "text": "Title {k}" }} }}"##,
                x + 4,
                y + 4
            )
        })
        .collect();
        let json = format!(
            r##"{{"format": "trellis", "version": 2,
        "root": {{ "kind": "window", "name": "window", "props": {{ "width": 900.0, "height": 700.0 }}, "children": [{}] }} }}"##,
            widgets.join(",")
        );
        Document::from_json_bytes(json.as_bytes()).expect("a valid design")
    };
    let theme = Theme::LIGHT;
    let v = view(900, 700, &theme);
    let mut renderer = GpuRenderer::new(g);
    let l = list(&stacked(600), &theme);
    let report = renderer.draw(&l, &[], &v, &Redraw::All, &OverlayLayer::new(&theme, 1.0), 0.0).unwrap();
    assert!(
        report.batches > 256,
        "the case this test is about: more batches than a region may have ({})",
        report.batches
    );
    let on_gpu = renderer.read_frame().unwrap();
    assert_close("stacked-panels-gpu-vs-cpu", &on_gpu, &CpuRenderer::new().render(&l, &v).unwrap(), GPU_VS_CPU);
    // Past the frame's cap, paint order is given up, and the pool of text
    // renderers grows no further.
    let l = list(&stacked(1600), &theme);
    let report = renderer.draw(&l, &[], &v, &Redraw::All, &OverlayLayer::new(&theme, 1.0), 0.0).unwrap();
    let renderers = renderer.live_objects().text_renderers;
    assert!(report.batches <= 1024 && renderers <= 1024, "{} batches, {renderers} text renderers", report.batches);
    assert_eq!(renderer.take_errors(), Vec::<String>::new());
}
