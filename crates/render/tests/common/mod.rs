//! What the renderer's test files share: the widget sheet, views, the
//! image difference every comparison uses and the per-widget check.
#![allow(dead_code)]

pub mod widgets;

use tiny_skia::Pixmap;
use trellis_geometry::{FontMeasurer, Geometry, Point};
use trellis_model::{Command, Document, PropKey, PropValue, Rect, WidgetKind, WidgetTree};
use trellis_render::{BackendKind, DisplayList, Gpu, Theme, View};

use widgets::WidgetFigures;

pub fn view(w: u32, h: u32, theme: &Theme) -> View {
    View { origin: Point::new(0.0, 0.0), zoom: 1.0, scale: 1.0, width: w, height: h, background: theme.canvas }
}

/// How far apart two images of the same size are.
#[derive(Clone, Copy, Debug)]
pub struct Diff {
    /// Mean absolute difference per channel (0-255).
    pub mean: f64,
    /// Pixels that differ by more than `FAR` in some channel.
    pub far: usize,
}

/// A channel difference no antialiasing accounts for: something else was drawn.
pub const FAR: u8 = 48;

pub fn difference(a: &Pixmap, b: &Pixmap) -> Diff {
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    let (mut sum, mut far) = (0u64, 0usize);
    for (p, q) in a.data().chunks(4).zip(b.data().chunks(4)) {
        let mut worst = 0;
        for (x, y) in p.iter().zip(q) {
            let d = x.abs_diff(*y);
            sum += u64::from(d);
            worst = worst.max(d);
        }
        far += usize::from(worst > FAR);
    }
    Diff { mean: sum as f64 / (a.data().len() as f64), far }
}

/// Whole-image limits of a comparison.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    pub mean: f64,
    pub far: usize,
}

/// The largest per-widget deviations in one comparison, printed with
/// `--nocapture` to measure the noise the widget tolerances sit on.
pub fn widget_noise(figures: &[WidgetFigures]) -> String {
    let (mut px, mut share, mut shift) = (0usize, 0.0f64, 0.0f64);
    for f in figures.iter().filter(|f| f.pixels > 0) {
        if f.signed {
            let d = f.ink.abs_diff(f.ink_ref);
            px = px.max(d);
            share = share.max(d as f64 / f.ink_ref.max(1) as f64);
        }
        shift = shift.max(f.mean_shift);
    }
    format!("widgets: ink off by at most {px} px ({:.2}% of a widget's), mean colour by {shift:.3}", share * 100.0)
}

/// One of every kind, as the palette makes it, on a 4-column sheet.
pub fn widget_sheet() -> Document {
    let mut doc = Document::new();
    let root = doc.root();
    for (i, kind) in WidgetKind::ALL.iter().filter(|k| !k.is_root_only()).enumerate() {
        let (x, y) = (20.0 + (i % 4) as f32 * 315.0, 20.0 + (i / 4) as f32 * 130.0);
        let mut tree = WidgetTree::palette(*kind).at(x, y);
        let (w, h) = kind.palette_size();
        tree = tree
            .with(PropKey::Width, PropValue::Number(w.min(290.0)))
            .with(PropKey::Height, PropValue::Number(h.min(110.0)));
        if *kind == WidgetKind::Checkbox || *kind == WidgetKind::Toggle {
            tree = tree.with(PropKey::Checked, PropValue::Bool(true));
        }
        doc.execute(Command::Insert { parent: root, index: None, tree }).unwrap();
    }
    doc
}

pub fn gpu_required() -> bool {
    std::env::var("TRELLIS_REQUIRE_GPU").is_ok_and(|v| v == "1")
}

/// An opened device on `backend` (when `None`, TRELLIS_BACKEND's or the
/// policy's choice, so each backend's noise can be measured), or a skip
/// message; under TRELLIS_REQUIRE_GPU=1 a missing adapter fails.
pub fn gpu(backend: Option<BackendKind>) -> Option<Gpu> {
    let backend = backend.or_else(|| trellis_render::backend_override().unwrap());
    let (gpu, probe) = trellis_render::open(backend);
    if gpu.is_none() {
        assert!(!gpu_required(), "TRELLIS_REQUIRE_GPU=1 but no adapter works for {backend:?}: {}", probe.reason);
        eprintln!("skipped: no GPU adapter for {backend:?} ({})", probe.reason);
    }
    gpu
}

/// A generated design whose cards move at random, with its layout and
/// display list kept up to date as the app keeps them: what damage tests
/// redraw, step by step.
pub struct MovingCards {
    pub doc: Document,
    pub geometry: Geometry,
    pub list: DisplayList,
    pub theme: Theme,
    seed: u64,
}

impl MovingCards {
    pub fn new(theme: Theme) -> Self {
        let doc = trellis_model::generate(400, 9);
        let geometry = Geometry::new(&doc, FontMeasurer::shared());
        let list = DisplayList::build(&doc, &geometry, &theme);
        MovingCards { doc, geometry, list, theme, seed: 5 }
    }

    /// Half the design in a 1000x800 target.
    pub fn view(&self) -> View {
        View {
            origin: Point::new(0.0, 0.0),
            zoom: 0.5,
            scale: 1.0,
            width: 1000,
            height: 800,
            background: self.theme.canvas,
        }
    }

    /// Moves one card (a repeatable pseudo-random pick and offset) and
    /// patches the list; returns the regions to redraw.
    pub fn step(&mut self) -> Vec<Rect> {
        self.seed = self.seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let cards = self.doc.children(self.doc.root());
        let card = cards[(self.seed >> 33) as usize % cards.len()];
        let f = self.doc.widget(card).unwrap().frame();
        let dx = ((self.seed >> 20) % 200) as f32 - 100.0;
        self.doc.execute(Command::SetFrame { id: card, frame: Rect::new(f.x + dx, f.y + dx / 2.0, f.w, f.h) }).unwrap();
        self.geometry.update(&self.doc);
        let mut regions = Vec::new();
        for id in self.doc.descendants(card) {
            regions.extend(
                self.list.patch(&self.doc, &self.geometry, &self.theme, id).expect("a move keeps the paint order"),
            );
        }
        regions
    }

    /// The list built afresh from the design as it is now.
    pub fn rebuilt(&self) -> DisplayList {
        DisplayList::build(&self.doc, &self.geometry, &self.theme)
    }
}
