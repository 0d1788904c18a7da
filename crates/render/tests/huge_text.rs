//! Text at the limits the model allows (64 KiB a string, 512 px a glyph)
//! on the CPU rasteriser: only what can show is rasterised, so a design
//! full of it draws in about the time its visible pixels take.

use tiny_skia::Pixmap;
use trellis_geometry::{FontMeasurer, Geometry, Point};
use trellis_model::limits::MAX_STRING_BYTES;
use trellis_model::{Command, Document, PropKey, PropValue, Rect, WidgetKind, WidgetTree};
use trellis_render::{CpuRenderer, DisplayList, Theme, View};

/// The largest font size the model accepts (`PropKey::FontSize`).
const MAX_FONT: f32 = 512.0;

/// Words and spaces up to `bytes`: wraps in a text area, one long line
/// in a label or button.
fn long_text(bytes: usize) -> String {
    let words = ["Trellis", "lays", "out", "widgets", "quickly,", "W", "gap", "ÄÖÜ", "fox"];
    let mut s = String::with_capacity(bytes);
    for w in words.iter().cycle() {
        if s.len() + w.len() + 1 > bytes {
            break;
        }
        s.push_str(w);
        s.push(' ');
    }
    s
}

/// `count` widgets of `size`, labels, text areas and buttons in turn, in
/// rows of `columns` from the window's corner (all in the corner, one on
/// another, when `columns` is 0), each holding `text` at `font` px; with
/// their boxes.
fn design(count: usize, columns: usize, size: (f32, f32), text: &str, font: f32) -> (Document, Vec<Rect>) {
    let mut doc = Document::new();
    let root = doc.root();
    let kinds = [WidgetKind::Label, WidgetKind::TextArea, WidgetKind::Button];
    let (w, h) = size;
    let mut boxes = Vec::new();
    for i in 0..count {
        let kind = kinds[i % kinds.len()];
        let (column, row) = if columns == 0 { (0, 0) } else { (i % columns, i / columns) };
        let (x, y) = (20.0 + column as f32 * (w + 20.0), 20.0 + row as f32 * (h + 10.0));
        let tree = WidgetTree::palette(kind)
            .at(x, y)
            .with(PropKey::Width, PropValue::Number(w))
            .with(PropKey::Height, PropValue::Number(h))
            .with(PropKey::FontSize, PropValue::Number(font))
            .with(PropKey::Text, PropValue::Text(text.to_owned()));
        doc.execute(Command::Insert { parent: root, index: None, tree }).unwrap();
        boxes.push(Rect::new(x, y, w, h));
    }
    (doc, boxes)
}

fn view(w: u32, h: u32) -> View {
    View { origin: Point::new(0.0, 0.0), zoom: 1.0, scale: 1.0, width: w, height: h, background: Theme::LIGHT.canvas }
}

fn list(doc: &Document) -> DisplayList {
    let g = Geometry::new(doc, FontMeasurer::shared());
    DisplayList::build(doc, &g, &Theme::LIGHT)
}

/// The design: 27 widgets of 64 KiB at 512 px, drawn twice (the
/// second a redraw of the same list), in release. It prints its times and
/// asserts nothing about them; run it by hand:
/// `cargo test --release -p trellis-render --test huge_text -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, printed; not a check"]
fn measure_huge_text_design() {
    let text = long_text(MAX_STRING_BYTES);
    // The 27 in a grid, then 27 each filling the window, one on
    // another, every one showing as much text as it can: in the default
    // window, and in one as large as the largest target.
    let cases = [("grid", 3, (1280, 800)), ("stacked", 0, (1280, 800)), ("stacked, largest target", 0, (6144, 4096))];
    for (name, columns, (width, height)) in cases {
        let size = if columns == 0 { (width as f32 - 40.0, height as f32 - 40.0) } else { (400.0, 75.0) };
        let (mut doc, _) = design(27, columns, size, &text, MAX_FONT);
        let root = doc.root();
        for (key, v) in [(PropKey::Width, width), (PropKey::Height, height)] {
            let value = Some(PropValue::Number(v as f32));
            doc.execute(Command::SetProperty { ids: vec![root], key, value }).unwrap();
        }
        let list = list(&doc);
        let view = view(width, height);
        let mut cpu = CpuRenderer::new();
        for pass in ["first", "second"] {
            let start = std::time::Instant::now();
            let image: Pixmap = cpu.render(&list, &view).unwrap();
            let rss = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS")).map(str::to_owned))
                .unwrap_or_default();
            println!(
                "{name}, {pass} draw: {:.2} s ({} px, {} glyphs rasterised; {rss})",
                start.elapsed().as_secs_f64(),
                image.width() * image.height(),
                cpu.glyphs_drawn()
            );
        }
    }
}

/// A generous count of the glyphs of [`long_text`] that can have a pixel in
/// `visible` (device pixels) at `font` px: a glyph's ink lies within an em
/// of its advance box and its line, none of its glyphs advances less than
/// a tenth of an em, and lines are 1.25 em apart.
fn most_glyphs_in(visible: &Rect, font: f32) -> usize {
    let per_line = ((visible.w + 2.0 * font) / (0.1 * font)).ceil() as usize + 1;
    let lines = ((visible.h + 2.0 * 1.25 * font) / (1.25 * font)).ceil() as usize + 1;
    per_line * lines
}

fn draw(doc: &Document, view: &View) -> (Pixmap, usize) {
    let mut cpu = CpuRenderer::new();
    let image = cpu.render(&list(doc), view).unwrap();
    (image, cpu.glyphs_drawn())
}

#[test]
fn huge_text_draws_only_what_is_visible() {
    let text = long_text(MAX_STRING_BYTES);
    // A label (one line), a text area (wrapped) and a button, the target
    // cutting through the first two and missing the third altogether.
    let (doc, boxes) = design(3, 3, (500.0, 700.0), &text, MAX_FONT);
    let view = view(800, 400);
    let (image, drawn) = draw(&doc, &view);
    let target = Rect::new(0.0, 0.0, view.width as f32, view.height as f32);
    let visible: Vec<Rect> = boxes.iter().map(|b| intersection(b, &target)).collect();
    assert!(visible[2].w == 0.0 || visible[2].h == 0.0, "the third widget should lie outside the target");
    let bound: usize = visible.iter().filter(|v| v.w > 0.0 && v.h > 0.0).map(|v| most_glyphs_in(v, MAX_FONT)).sum();
    let glyphs = text.chars().filter(|c| !c.is_whitespace()).count();
    println!("{drawn} glyphs rasterised, at most {bound} can show, {glyphs} in each text");
    assert!(drawn > 0, "the visible glyphs should be drawn");
    assert!(
        drawn <= bound,
        "{drawn} glyphs were rasterised; at most {bound} can show in the visible boxes (the text has {glyphs} a widget)"
    );

    // The same design without text: the text may change pixels inside its
    // widget only, and must change some in each widget it shows in.
    let (bare, _) = design(3, 3, (500.0, 700.0), "", MAX_FONT);
    let (reference, _) = draw(&bare, &view);
    let mut inked = vec![0usize; boxes.len()];
    for y in 0..view.height {
        for x in 0..view.width {
            if image.pixel(x, y) == reference.pixel(x, y) {
                continue;
            }
            let (fx, fy) = (x as f32, y as f32);
            let owner = boxes.iter().position(|b| fx >= b.x && fx < b.right() && fy >= b.y && fy < b.bottom());
            match owner {
                Some(i) => inked[i] += 1,
                None => panic!("text drawn at ({x}, {y}), outside every widget"),
            }
        }
    }
    assert!(inked[0] > 0 && inked[1] > 0, "the visible parts of the label and text area should show text: {inked:?}");
}

#[test]
fn a_text_outside_the_target_rasterises_no_glyph() {
    let text = long_text(MAX_STRING_BYTES);
    let (doc, _) = design(3, 3, (500.0, 700.0), &text, MAX_FONT);
    let mut view = view(200, 200);
    view.origin = Point::new(0.0, 1000.0);
    let (_, drawn) = draw(&doc, &view);
    assert_eq!(drawn, 0, "no widget reaches the target, so no glyph should be rasterised");
}

fn intersection(a: &Rect, b: &Rect) -> Rect {
    let (x, y) = (a.x.max(b.x), a.y.max(b.y));
    Rect::new(x, y, (a.right().min(b.right()) - x).max(0.0), (a.bottom().min(b.bottom()) - y).max(0.0))
}
