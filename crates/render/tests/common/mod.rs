//! What the renderer's test files share: the widget sheet, views, and the
//! image difference every comparison uses.
#![allow(dead_code)]

use std::sync::Arc;

use tiny_skia::Pixmap;
use trellis_geometry::{FixedAdvanceMeasurer, Geometry, Point};
use trellis_model::{Command, Document, PropKey, PropValue, Rect, WidgetKind, WidgetTree};
use trellis_render::{BackendKind, DisplayList, Gpu, Theme, View};

pub fn view(w: u32, h: u32, theme: &Theme) -> View {
    View { origin: Point::new(0.0, 0.0), zoom: 1.0, scale: 1.0, width: w, height: h, background: theme.canvas }
}

/// Mean absolute difference per channel (0-255), and the share of pixels
/// that differ by more than 48 in any channel.
pub fn difference(a: &Pixmap, b: &Pixmap) -> (f64, f64) {
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    let (mut sum, mut far) = (0u64, 0usize);
    for (p, q) in a.data().chunks(4).zip(b.data().chunks(4)) {
        let d: Vec<u64> = p.iter().zip(q).map(|(x, y)| u64::from(x.abs_diff(*y))).collect();
        sum += d.iter().sum::<u64>();
        far += usize::from(d.iter().any(|v| *v > 48));
    }
    let pixels = (a.width() * a.height()) as f64;
    (sum as f64 / (pixels * 4.0), far as f64 / pixels)
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

/// An opened device on `backend` (the policy's choice when `None`), or a
/// skip message; under TRELLIS_REQUIRE_GPU=1 a missing adapter fails.
pub fn gpu(backend: Option<BackendKind>) -> Option<Gpu> {
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
        let geometry = Geometry::new(&doc, Arc::new(FixedAdvanceMeasurer::default()));
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
