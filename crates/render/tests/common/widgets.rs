//! The per-widget check: each widget's own pixels, found from the layout
//! of the design that should have been drawn, must show that widget's
//! colours about as often as the reference image shows them, and keep
//! about the reference's mean colour. A whole-image tolerance lets a
//! small widget vanish inside its budget; this names the widget.

use tiny_skia::Pixmap;
use trellis_geometry::Geometry;
use trellis_model::{Color, Document, Rect};
use trellis_render::{DisplayList, Primitive, View};

/// How close (largest channel difference) a pixel must be to a widget
/// colour to count as that colour: flat fills come out within 1 on both
/// rasterisers; the rest takes in the cores of antialiased glyphs.
const MATCH: u8 = 12;
/// A widget colour is a signature (its pixels can only come from the
/// widget) when it is further than this from what lies under the widget.
const DISTINCT: u8 = MATCH + 8;

/// Limits of the check: 3x the noise measured between images that draw the
/// same design (see `tolerances` in gpu_render.rs and cpu_render.rs).
#[derive(Clone, Copy, Debug)]
pub struct WidgetTolerance {
    /// Signature pixels may differ from the reference's count by this many...
    pub ink_pixels: usize,
    /// ...plus this share of the reference's count.
    pub ink_share: f64,
    /// The largest channel difference between the mean colours of the
    /// widget's own pixels in the image and in the reference.
    pub mean_shift: f64,
}

/// Below this many signature pixels in the reference, the reference itself
/// does not show the widget (a golden blessed with a widget missing).
const MIN_INK: usize = 4;

/// One widget's figures in one comparison.
#[derive(Clone, Debug)]
pub struct WidgetFigures {
    /// Kind and name, as a failure names it: `button 'save_button'`.
    pub widget: String,
    /// Pixels of its own region: its box, less what later widgets cover.
    pub pixels: usize,
    /// Pixels near one of its signature colours, in the image and the reference.
    pub ink: usize,
    pub ink_ref: usize,
    /// Whether it has a signature colour at all (a spacer has none).
    pub signed: bool,
    pub mean_shift: f64,
}

impl WidgetFigures {
    /// What is wrong with the widget in the image, if anything.
    pub fn problem(&self, tol: &WidgetTolerance) -> Option<String> {
        if self.pixels == 0 {
            return None;
        }
        if self.signed && self.ink_ref < MIN_INK {
            return Some(format!("{}: the reference shows none of its colours ({} pixels)", self.widget, self.ink_ref));
        }
        let slack = tol.ink_pixels as f64 + tol.ink_share * self.ink_ref as f64;
        if self.signed && (self.ink as f64 - self.ink_ref as f64).abs() > slack {
            return Some(format!(
                "{}: {} pixels of its colours where the reference has {} (allowed ±{slack:.0})",
                self.widget, self.ink, self.ink_ref
            ));
        }
        if self.mean_shift > tol.mean_shift {
            return Some(format!(
                "{}: the mean colour of its {} pixels moved by {:.2} (allowed {})",
                self.widget, self.pixels, self.mean_shift, tol.mean_shift
            ));
        }
        None
    }
}

/// Where each widget of a design lands in an image and which colours it draws.
#[derive(Debug)]
pub struct WidgetLooks {
    looks: Vec<Look>,
    width: u32,
}

#[derive(Debug)]
struct Look {
    widget: String,
    /// Device pixel indices (y * width + x) that are the widget's own.
    own: Vec<usize>,
    signature: Vec<[u8; 3]>,
}

impl WidgetLooks {
    /// From the design that should have been drawn, laid out and listed,
    /// and the view it was drawn through.
    pub fn new(doc: &Document, geometry: &Geometry, list: &DisplayList, view: &View) -> Self {
        let boxes: Vec<Option<(u32, u32, u32, u32)>> = list
            .items
            .iter()
            .map(|item| geometry.visible_rect(item.widget).and_then(|r| view.device_pixels(&r)))
            .collect();
        let mut looks = Vec::new();
        for (i, item) in list.items.iter().enumerate() {
            let w = doc.widget(item.widget).expect("the list and the design agree");
            let widget = format!("{} '{}'", w.kind(), w.name());
            let Some((x0, y0, bw, bh)) = boxes[i] else {
                looks.push(Look { widget, own: Vec::new(), signature: Vec::new() });
                continue;
            };
            // Later widgets paint over this one (children always do): their
            // pixels say nothing about it, and a widget missing from the
            // image then fails only its own check.
            let mut mine = vec![true; (bw * bh) as usize];
            for (cx, cy, cw, ch) in boxes[i + 1..].iter().flatten() {
                for y in (*cy).max(y0)..(cy + ch).min(y0 + bh) {
                    for x in (*cx).max(x0)..(cx + cw).min(x0 + bw) {
                        mine[((y - y0) * bw + (x - x0)) as usize] = false;
                    }
                }
            }
            let own = (0..bw * bh)
                .filter(|k| mine[*k as usize])
                .map(|k| ((y0 + k / bw) * view.width + x0 + k % bw) as usize)
                .collect();
            let rect = geometry.rect(item.widget).expect("a listed widget is laid out");
            let under = backdrop(list, i, &rect, view.background);
            let mut signature = Vec::new();
            for c in item.primitives.iter().flat_map(colours) {
                let alpha = f32::from(c.a) / 255.0 * item.opacity;
                // Antialiasing blends a faint colour into its backdrop past
                // matching (a transparent fill, a shadow-like tint).
                if alpha < 0.3 {
                    continue;
                }
                let seen = over(c, alpha, under);
                if distance(seen, under) > DISTINCT && !signature.contains(&seen) {
                    signature.push(seen);
                }
            }
            looks.push(Look { widget, own, signature });
        }
        WidgetLooks { looks, width: view.width }
    }

    /// Every widget's figures for `image` against `reference`.
    pub fn figures(&self, image: &Pixmap, reference: &Pixmap) -> Vec<WidgetFigures> {
        assert_eq!(image.width(), self.width);
        assert_eq!((image.width(), image.height()), (reference.width(), reference.height()));
        let rgb = |p: &Pixmap, k: usize| {
            let d = &p.data()[k * 4..k * 4 + 3];
            [d[0], d[1], d[2]]
        };
        self.looks
            .iter()
            .map(|look| {
                let inked = |p: &Pixmap| {
                    look.own
                        .iter()
                        .filter(|k| look.signature.iter().any(|s| distance(rgb(p, **k), *s) <= MATCH))
                        .count()
                };
                let mean = |p: &Pixmap| {
                    let mut sum = [0u64; 3];
                    for k in &look.own {
                        for (s, v) in sum.iter_mut().zip(rgb(p, *k)) {
                            *s += u64::from(v);
                        }
                    }
                    sum.map(|s| s as f64 / look.own.len().max(1) as f64)
                };
                let (a, b) = (mean(image), mean(reference));
                WidgetFigures {
                    widget: look.widget.clone(),
                    pixels: look.own.len(),
                    ink: inked(image),
                    ink_ref: inked(reference),
                    signed: !look.signature.is_empty(),
                    mean_shift: (0..3).map(|c| (a[c] - b[c]).abs()).fold(0.0, f64::max),
                }
            })
            .collect()
    }

    /// The widgets `image` draws wrongly against `reference`, each with why.
    pub fn mismatches(&self, image: &Pixmap, reference: &Pixmap, tol: &WidgetTolerance) -> Vec<String> {
        self.figures(image, reference).iter().filter_map(|f| f.problem(tol)).collect()
    }
}

/// The colours a primitive paints with; shadows and image files are left out
/// (one is soft, the other's pixels are not in the list).
fn colours(p: &Primitive) -> Vec<Color> {
    match p {
        Primitive::Rect { fill, border, .. } => std::iter::once(*fill).chain(border.map(|(_, c)| c)).collect(),
        Primitive::LayoutGuide { color, .. } | Primitive::Line { color, .. } | Primitive::Text { color, .. } => {
            vec![*color]
        }
        Primitive::Shadow { .. } | Primitive::Image { .. } => Vec::new(),
    }
}

/// The colour under a widget: the fills of earlier widgets that cover its
/// whole box, over the view's background.
fn backdrop(list: &DisplayList, index: usize, r: &Rect, background: Color) -> [u8; 3] {
    let mut under = [background.r, background.g, background.b];
    for item in &list.items[..index] {
        for p in &item.primitives {
            if let Primitive::Rect { rect, fill, .. } = p
                && rect.x <= r.x
                && rect.y <= r.y
                && rect.right() >= r.right()
                && rect.bottom() >= r.bottom()
            {
                under = over(*fill, f32::from(fill.a) / 255.0 * item.opacity, under);
            }
        }
    }
    under
}

fn over(c: Color, alpha: f32, under: [u8; 3]) -> [u8; 3] {
    let mix = |a: u8, b: u8| (f32::from(a) * alpha + f32::from(b) * (1.0 - alpha)).round() as u8;
    [mix(c.r, under[0]), mix(c.g, under[1]), mix(c.b, under[2])]
}

fn distance(a: [u8; 3], b: [u8; 3]) -> u8 {
    (0..3).map(|i| a[i].abs_diff(b[i])).max().unwrap_or(0)
}
