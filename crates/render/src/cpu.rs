//! The CPU backend: the display list rasterised with tiny-skia, text with
//! cosmic-text and a bundled font. It draws where no adapter works, and it is
//! the reference the GPU backend is compared against in tests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cosmic_text::{FontSystem, SwashCache, SwashContent};
use tiny_skia::{FillRule, Mask, Paint, PathBuilder, Pixmap, PixmapPaint, Stroke, Transform};
use trellis_model::limits::{MAX_RENDER_PIXELS, MAX_RENDER_SIDE};
use trellis_model::{Color, Rect};

use crate::display_list::{DisplayList, Primitive, TextAlign};
use crate::image_file::{ImageError, drawn_as_mean_colour, load_image, mean_colour, report_image_problem};
use crate::overlay::{Effect, OverlayLayer, pulse_factor};
use crate::view::View;

/// Why the CPU backend could not draw.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CpuError {
    /// The view asks for an image too small or too large to allocate.
    #[error("an image of {width}x{height} pixels cannot be made: both sides must be from 1 to {max}", max = MAX_RENDER_SIDE)]
    Size {
        /// The width asked for, in device pixels.
        width: u32,
        /// The height asked for, in device pixels.
        height: u32,
    },
    /// The view asks for more pixels than the memory budget allows.
    #[error(
        "an image of {width}x{height} pixels cannot be made: that is over the limit of {max} pixels (6144x4096)",
        max = MAX_RENDER_PIXELS
    )]
    Pixels {
        /// The width asked for, in device pixels.
        width: u32,
        /// The height asked for, in device pixels.
        height: u32,
    },
}

/// A CPU renderer with its font system and caches: the fallback where no
/// adapter works, and the reference GPU output is compared against. It
/// keeps no canvas of its own; [`CpuCanvas`](crate::CpuCanvas) does.
pub struct CpuRenderer {
    fonts: FontSystem,
    glyphs: SwashCache,
    shaped: ShapedCache,
    greek: crate::text::GreekCache,
    /// Glyphs whose pixels were visited since the last `redraw` began.
    glyphs_drawn: usize,
    /// Each image's pixels and mean colour (`None`: not drawable).
    images: crate::image_file::ImageTable<Option<(Pixmap, Color)>>,
    /// Why images were not drawn, one entry a path, oldest first.
    image_problems: Vec<ImageError>,
    /// The directory image paths are relative to (the design file's).
    pub base_dir: PathBuf,
}

impl std::fmt::Debug for CpuRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpuRenderer").field("base_dir", &self.base_dir).finish()
    }
}

impl Default for CpuRenderer {
    fn default() -> Self {
        Self::new()
    }
}

fn color(c: Color, opacity: f32) -> tiny_skia::Color {
    tiny_skia::Color::from_rgba8(c.r, c.g, c.b, (f32::from(c.a) * opacity.clamp(0.0, 1.0)).round() as u8)
}

fn paint(c: Color, opacity: f32) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color(color(c, opacity));
    p.anti_alias = true;
    p
}

/// A rounded rectangle's fill, then its border inside its edge.
#[allow(clippy::too_many_arguments)]
fn draw_rect(
    pixmap: &mut Pixmap,
    rect: &Rect,
    radius: f32,
    fill: Color,
    border: Option<(f32, Color)>,
    t: Transform,
    opacity: f32,
    mask: Option<&Mask>,
) {
    let Some(path) = rounded(rect, radius) else { return };
    if fill.a > 0 {
        pixmap.fill_path(&path, &paint(fill, opacity), FillRule::Winding, t, mask);
    }
    if let Some((width, c)) = border {
        // Borders lie inside the edge, as in the layout.
        let inner = Rect::new(rect.x + width / 2.0, rect.y + width / 2.0, rect.w - width, rect.h - width);
        if let Some(path) = rounded(&inner, (radius - width / 2.0).max(0.0)) {
            let stroke = Stroke { width, ..Stroke::default() };
            pixmap.stroke_path(&path, &paint(c, opacity), &stroke, t, mask);
        }
    }
}

fn rounded(r: &Rect, radius: f32) -> Option<tiny_skia::Path> {
    if r.w <= 0.0 || r.h <= 0.0 {
        return None;
    }
    let rad = radius.clamp(0.0, r.w.min(r.h) / 2.0);
    if rad <= 0.0 {
        return tiny_skia::Rect::from_xywh(r.x, r.y, r.w, r.h).map(PathBuilder::from_rect);
    }
    // Quarter circles by cubic curves (the usual 0.5523 handle length).
    let k = rad * 0.552_284_8;
    let (x0, y0, x1, y1) = (r.x, r.y, r.right(), r.bottom());
    let mut pb = PathBuilder::new();
    pb.move_to(x0 + rad, y0);
    pb.line_to(x1 - rad, y0);
    pb.cubic_to(x1 - rad + k, y0, x1, y0 + rad - k, x1, y0 + rad);
    pb.line_to(x1, y1 - rad);
    pb.cubic_to(x1, y1 - rad + k, x1 - rad + k, y1, x1 - rad, y1);
    pb.line_to(x0 + rad, y1);
    pb.cubic_to(x0 + rad - k, y1, x0, y1 - rad + k, x0, y1 - rad);
    pb.line_to(x0, y0 + rad);
    pb.cubic_to(x0, y0 + rad - k, x0 + rad - k, y0, x0 + rad, y0);
    pb.close();
    pb.finish()
}

impl CpuRenderer {
    /// A renderer with the bundled font, image paths relative to the
    /// working directory until `base_dir` is set.
    pub fn new() -> Self {
        Self {
            fonts: trellis_text::font_system(),
            glyphs: SwashCache::new(),
            shaped: ShapedCache::default(),
            greek: crate::text::GreekCache::default(),
            glyphs_drawn: 0,
            images: Default::default(),
            image_problems: Vec::new(),
            base_dir: PathBuf::from("."),
        }
    }

    /// Why images the designs drawn so far reference were not drawn (each
    /// drew as the missing-image box instead), one entry a path, in the
    /// order they were first met. Each was also written to standard error
    /// as a warning.
    pub fn image_problems(&self) -> &[ImageError] {
        &self.image_problems
    }

    /// Glyphs rasterised into the target by the last [`redraw`](Self::redraw)
    /// (or [`render`](Self::render)) and the overlays drawn after it: those
    /// with a pixel inside their clip and the target. For tests that check
    /// text outside the view costs nothing.
    #[doc(hidden)]
    pub fn glyphs_drawn(&self) -> usize {
        self.glyphs_drawn
    }

    /// Draws the whole list into a new pixmap.
    pub fn render(&mut self, list: &DisplayList, view: &View) -> Result<Pixmap, CpuError> {
        if !(1..=MAX_RENDER_SIDE).contains(&view.width) || !(1..=MAX_RENDER_SIDE).contains(&view.height) {
            return Err(CpuError::Size { width: view.width, height: view.height });
        }
        // Checked before allocating: the canvas and the frame beside it each
        // take 4 bytes a pixel, and a 16384x16384 pair would take 2 GiB.
        if u64::from(view.width) * u64::from(view.height) > MAX_RENDER_PIXELS {
            return Err(CpuError::Pixels { width: view.width, height: view.height });
        }
        let mut pixmap = Pixmap::new(view.width, view.height).expect("a checked size");
        self.redraw(&mut pixmap, list, view, None);
        Ok(pixmap)
    }

    /// Draws the list into `pixmap`, only inside `damage` (design
    /// coordinates) when given: what changed, not the whole design.
    pub fn redraw(&mut self, pixmap: &mut Pixmap, list: &DisplayList, view: &View, damage: Option<Rect>) {
        self.glyphs_drawn = 0;
        self.shaped.frame += 1;
        self.greek.end_frame(list.items.len(), |items| list.text_count_in(items));
        let region = damage.map(|d| view.to_device(&d));
        let region_mask = region.and_then(|r| {
            let mut m = Mask::new(pixmap.width(), pixmap.height())?;
            m.fill_path(&rounded(&r, 0.0)?, FillRule::Winding, false, Transform::identity());
            Some(m)
        });
        match region.and_then(|r| tiny_skia::Rect::from_xywh(r.x, r.y, r.w, r.h)) {
            Some(r) => pixmap.fill_rect(r, &paint(view.background, 1.0), Transform::identity(), region_mask.as_ref()),
            None => pixmap.fill(color(view.background, 1.0)),
        }
        let t = view.transform();
        // Items are taken from a device pixel around the damage: one whose
        // bounds end a hair short of its edge may still shade its pixels.
        let taken = damage.map(|d| view.grown_by_a_pixel(&d));
        for item in &list.items {
            if taken.is_some_and(|d| !overlaps(&d, &item.bounds)) {
                continue;
            }
            let mask = match (item.clip, &region_mask) {
                (None, m) => m.clone(),
                (Some(c), m) => {
                    let mut mask = m.clone().or_else(|| {
                        let mut full = Mask::new(pixmap.width(), pixmap.height())?;
                        full.fill_path(
                            &rounded(&Rect::new(0.0, 0.0, pixmap.width() as f32, pixmap.height() as f32), 0.0)?,
                            FillRule::Winding,
                            false,
                            Transform::identity(),
                        );
                        Some(full)
                    });
                    if let (Some(mask), Some(path)) = (&mut mask, rounded(&view.to_device(&c), 0.0)) {
                        mask.intersect_path(&path, FillRule::Winding, true, Transform::identity());
                    }
                    mask
                }
            };
            // The mask already hides what lies outside these; the rectangle
            // lets text skip such glyphs before it rasterises them.
            let within = match (item.clip.map(|c| view.to_device(&c)), region) {
                (Some(c), Some(r)) => Some(intersection(&c, &r)),
                (c, r) => c.or(r),
            };
            for prim in &item.primitives {
                self.draw(pixmap, prim, t, view, item.opacity, mask.as_ref(), within);
            }
        }
    }

    /// Draws the overlay layer over `pixmap`, as the GPU backend composes it.
    pub fn draw_overlays(&mut self, pixmap: &mut Pixmap, overlays: &OverlayLayer, view: &View, time: f32) {
        let t = view.transform();
        for (prim, effect) in &overlays.primitives {
            let opacity = match effect {
                Effect::None => 1.0,
                Effect::Pulse => pulse_factor(time),
            };
            self.draw(pixmap, prim, t, view, opacity, None, None);
        }
    }

    fn draw(
        &mut self,
        pixmap: &mut Pixmap,
        prim: &Primitive,
        t: Transform,
        view: &View,
        opacity: f32,
        mask: Option<&Mask>,
        within: Option<Rect>,
    ) {
        match prim {
            Primitive::Rect { rect, radius, fill, border } => {
                draw_rect(pixmap, rect, *radius, *fill, *border, t, opacity, mask);
            }
            Primitive::LayoutGuide { rect, radius, width, color } => {
                if crate::display_list::layout_guide_shown(*width, view.factor()) {
                    let none = Color::rgba(0, 0, 0, 0);
                    draw_rect(pixmap, rect, *radius, none, Some((*width, *color)), t, opacity, mask);
                }
            }
            Primitive::Shadow { rect, radius, blur, color: c } => {
                // A soft edge from a few widening layers of a faint colour.
                let layers = 6;
                for i in 0..layers {
                    let spread = blur * (i as f32 + 1.0) / layers as f32;
                    let r = Rect::new(rect.x - spread / 2.0, rect.y - spread / 4.0, rect.w + spread, rect.h + spread);
                    if let Some(path) = rounded(&r, radius + spread / 2.0) {
                        pixmap.fill_path(&path, &paint(*c, opacity / layers as f32), FillRule::Winding, t, mask);
                    }
                }
            }
            Primitive::Line { from, to, width, color: c } => {
                let mut pb = PathBuilder::new();
                pb.move_to(from.x, from.y);
                pb.line_to(to.x, to.y);
                if let Some(path) = pb.finish() {
                    let stroke = Stroke { width: *width, line_cap: tiny_skia::LineCap::Round, ..Stroke::default() };
                    pixmap.stroke_path(&path, &paint(*c, opacity), &stroke, t, mask);
                }
            }
            Primitive::Text { rect, size, color: c, .. } if crate::text::greeked(*size, view.factor()) => {
                let ink = Color { a: (f32::from(c.a) * crate::text::GREEK_INK).round() as u8, ..*c };
                let bars =
                    self.greek.bars(&mut self.fonts, &crate::text::GreekText::of(prim).expect("a text primitive"));
                for bar in bars {
                    let r = tiny_skia::Rect::from_xywh(rect.x + bar.x, rect.y + bar.y, bar.w, bar.h);
                    if let Some(r) = r {
                        pixmap.fill_rect(r, &paint(ink, opacity), t, mask);
                    }
                }
            }
            Primitive::Text { rect, text, size, color: c, align, wrap, top } => {
                let style = TextStyle { size: *size, color: *c, align: *align, wrap: *wrap, top: *top };
                self.text(pixmap, view, rect, text, style, opacity, mask, within);
            }
            Primitive::Image { rect, path, widget } => self.image(pixmap, t, rect, path, widget, opacity, mask),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn image(
        &mut self,
        pixmap: &mut Pixmap,
        t: Transform,
        rect: &Rect,
        path: &str,
        widget: &str,
        opacity: f32,
        mask: Option<&Mask>,
    ) {
        if self.images.get(&self.base_dir, path).is_none() {
            let loaded = match load_image(&self.base_dir, path) {
                Ok(img) => {
                    let mean = mean_colour(&img);
                    Some((img, mean))
                }
                Err(e) => {
                    report_image_problem(widget, &e);
                    self.image_problems.push(e);
                    None
                }
            };
            self.images.insert(&self.base_dir, path, loaded);
        }
        match self.images.get(&self.base_dir, path) {
            Some(Some((_, mean))) if drawn_as_mean_colour(rect.w * t.sx, rect.h * t.sy) => {
                if let Some(r) = tiny_skia::Rect::from_xywh(rect.x, rect.y, rect.w, rect.h) {
                    pixmap.fill_rect(r, &paint(*mean, opacity), t, mask);
                }
            }
            Some(Some((img, _))) if img.width() > 0 && img.height() > 0 => {
                let sx = rect.w / img.width() as f32;
                let sy = rect.h / img.height() as f32;
                let at = t.pre_translate(rect.x, rect.y).pre_scale(sx, sy);
                let paint = PixmapPaint { opacity, ..PixmapPaint::default() };
                pixmap.draw_pixmap(0, 0, img.as_ref(), &paint, at, mask);
            }
            // A missing or unreadable image shows as a crossed box.
            _ => {
                let grey = Color::rgba(128, 128, 128, 160);
                for (a, b) in [
                    ((rect.x, rect.y), (rect.right(), rect.bottom())),
                    ((rect.right(), rect.y), (rect.x, rect.bottom())),
                ] {
                    let mut pb = PathBuilder::new();
                    pb.move_to(a.0, a.1);
                    pb.line_to(b.0, b.1);
                    if let Some(p) = pb.finish() {
                        pixmap.stroke_path(
                            &p,
                            &paint(grey, opacity),
                            &Stroke { width: 1.0, ..Stroke::default() },
                            t,
                            mask,
                        );
                    }
                }
            }
        }
    }

    /// Draws a text into its box. Only glyphs with pixels inside the box,
    /// `within` (device pixels) and the target are rasterised, and only those
    /// pixels visited: at 512 px a glyph is a quarter of a million pixels, and
    /// a 64 KiB string has tens of thousands of glyphs, nearly all hidden.
    fn text(
        &mut self,
        pixmap: &mut Pixmap,
        view: &View,
        rect: &Rect,
        text: &str,
        style: TextStyle,
        opacity: f32,
        mask: Option<&Mask>,
        within: Option<Rect>,
    ) {
        let TextStyle { size, color: c, align, wrap, top } = style;
        let s = view.factor();
        let device = view.to_device(rect);
        if device.w < 1.0 || device.h < 1.0 || size * s < 1.0 {
            return;
        }
        let (w, h) = (pixmap.width() as i32, pixmap.height() as i32);
        // The whole pixels a glyph may touch, half open: those at or right
        // of the box's left edge and left of its right edge, as drawing
        // tested them one by one, within the target; `within`'s
        // antialiased edge pixels included, its mask gives their coverage.
        let edge = |v: f32| crate::text::pixel_edge(v) as i32;
        let (mut x0, mut y0) = (edge(device.x).max(0), edge(device.y).max(0));
        let (mut x1, mut y1) = (edge(device.right()).min(w), edge(device.bottom()).min(h));
        if let Some(r) = within {
            x0 = x0.max(r.x.floor() as i32);
            y0 = y0.max(r.y.floor() as i32);
            x1 = x1.min(r.right().ceil() as i32);
            y1 = y1.min(r.bottom().ceil() as i32);
        }
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let px = size * s;
        let shaped = self.shaped.get(&mut self.fonts, text, px, &device, align, wrap);
        let dy = if top { 0.0 } else { shaped.centre_dy };
        // Whole device pixels, as the GPU backend places text, so that both
        // pick the same glyph positions.
        let (ox, oy) = (crate::text::snap_to_pixel(device.x), crate::text::snap_to_pixel(device.y + dy));
        // Ink may stray past a glyph's advance and its line's box (accents,
        // overhangs); a font the size of its em that strays further than
        // this is not one we bundle. Only the coarse tests use it: the
        // rasterised placement decides.
        let slack = 2.0 * px;
        let (vx0, vx1, vy0, vy1) = (x0 as f32, x1 as f32, y0 as f32, y1 as f32);
        // Glyphs are placed as glyphon places them on the GPU (the line's
        // baseline rounded on its own), so that both backends agree.
        let mut glyphs = Vec::new();
        for run in shaped.buffer.layout_runs() {
            let (top, bottom) = (oy + run.line_top - slack, oy + run.line_top + run.line_height + slack);
            // Runs come down the box in order.
            if top >= vy1 {
                break;
            }
            if bottom <= vy0 {
                continue;
            }
            for glyph in run.glyphs {
                if ox + glyph.x + glyph.w + slack <= vx0 || ox + glyph.x - slack >= vx1 {
                    continue;
                }
                // With the text's place, as glyphon passes it: a mark raised
                // by a fraction of a pixel is truncated with it, not apart.
                let p = glyph.physical((ox, oy), 1.0);
                glyphs.push((p.cache_key, p.x, run.line_y.round() as i32 + p.y));
            }
        }
        let data = pixmap.pixels_mut();
        let alpha = f32::from(c.a) / 255.0 * opacity;
        for (key, gx, gy) in glyphs {
            let Some(image) = self.glyphs.get_image(&mut self.fonts, key) else { continue };
            let pl = image.placement;
            // The glyph's pixels in the target, and where they start in it.
            let (left, top) = (i64::from(gx) + i64::from(pl.left), i64::from(gy) - i64::from(pl.top));
            let cols = left.max(i64::from(x0))..(left + i64::from(pl.width)).min(i64::from(x1));
            let rows = top.max(i64::from(y0))..(top + i64::from(pl.height)).min(i64::from(y1));
            if cols.is_empty() || rows.is_empty() {
                continue;
            }
            self.glyphs_drawn += 1;
            for iy in rows {
                let src_row = (iy - top) as usize * pl.width as usize;
                for ix in cols.clone() {
                    let src = src_row + (ix - left) as usize;
                    let (r, g, b, ga) = match image.content {
                        SwashContent::Mask => (c.r, c.g, c.b, image.data[src]),
                        SwashContent::Color => {
                            let p = &image.data[src * 4..src * 4 + 4];
                            (p[0], p[1], p[2], p[3])
                        }
                        // Never made: glyphs are rasterised as alpha masks.
                        SwashContent::SubpixelMask => continue,
                    };
                    let i = (iy * i64::from(w) + ix) as usize;
                    let coverage = mask.map_or(255, |m| m.data()[i]);
                    let a = f32::from(ga) / 255.0 * alpha * f32::from(coverage) / 255.0;
                    if a > 0.0 {
                        blend(&mut data[i], r, g, b, a);
                    }
                }
            }
        }
    }
}

/// How a text primitive asks to be drawn.
#[derive(Clone, Copy)]
struct TextStyle {
    size: f32,
    color: Color,
    align: TextAlign,
    wrap: bool,
    top: bool,
}

/// Texts shaped for their boxes, kept between frames: once hidden glyphs
/// are skipped, shaping is most of the cost of drawing long text (27 texts
/// of 64 KiB: 0.3 s of a 0.35 s first draw, 0.04 s redrawn, in
/// `tests/huge_text.rs`), and an editor redraws the same texts frame after
/// frame. Bounded by entries and by the bytes of text they hold (a shaped
/// 64 KiB text takes about 3 MB), the least recently drawn going first,
/// so that a session that edits text does not grow it without end.
#[derive(Default)]
struct ShapedCache {
    entries: HashMap<u64, ShapedEntry>,
    bytes: usize,
    /// Counts redraws, to tell which entry was drawn least recently.
    frame: u64,
}

struct ShapedEntry {
    text: String,
    size: f32,
    w: f32,
    h: f32,
    align: TextAlign,
    wrap: bool,
    shaped: crate::text::Shaped,
    last_used: u64,
}

impl ShapedCache {
    /// At most this many texts.
    const MAX_ENTRIES: usize = 512;
    /// At most this many bytes of text: a screenful of widgets at the
    /// longest string the model allows, about 150 MB shaped.
    const MAX_BYTES: usize = 48 * trellis_model::limits::MAX_STRING_BYTES;

    fn get(
        &mut self,
        fonts: &mut FontSystem,
        text: &str,
        size: f32,
        device: &Rect,
        align: TextAlign,
        wrap: bool,
    ) -> &mut crate::text::Shaped {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (text, size.to_bits(), device.w.to_bits(), device.h.to_bits(), align as u8, wrap).hash(&mut hasher);
        let key = hasher.finish();
        let hit = self.entries.get(&key).is_some_and(|e| {
            e.text == text
                && e.size.to_bits() == size.to_bits()
                && e.w.to_bits() == device.w.to_bits()
                && e.h.to_bits() == device.h.to_bits()
                && e.align == align
                && e.wrap == wrap
        });
        if !hit {
            if let Some(old) = self.entries.remove(&key) {
                self.bytes -= old.text.len();
            }
            while !self.entries.is_empty()
                && (self.entries.len() >= Self::MAX_ENTRIES || self.bytes + text.len() > Self::MAX_BYTES)
            {
                let oldest = self.entries.iter().min_by_key(|(_, e)| e.last_used).map(|(k, _)| *k);
                if let Some(old) = oldest.and_then(|k| self.entries.remove(&k)) {
                    self.bytes -= old.text.len();
                }
            }
            let shaped = crate::text::shape(fonts, text, size, device, align, wrap);
            self.bytes += text.len();
            let entry = ShapedEntry {
                text: text.to_owned(),
                size,
                w: device.w,
                h: device.h,
                align,
                wrap,
                shaped,
                last_used: 0,
            };
            self.entries.insert(key, entry);
        }
        let entry = self.entries.get_mut(&key).expect("found or just inserted");
        entry.last_used = self.frame;
        &mut entry.shaped
    }
}

fn intersection(a: &Rect, b: &Rect) -> Rect {
    let (x, y) = (a.x.max(b.x), a.y.max(b.y));
    Rect::new(x, y, (a.right().min(b.right()) - x).max(0.0), (a.bottom().min(b.bottom()) - y).max(0.0))
}

/// Source-over blending of a straight-alpha colour into a premultiplied pixel.
fn blend(dst: &mut tiny_skia::PremultipliedColorU8, r: u8, g: u8, b: u8, a: f32) {
    let inv = 1.0 - a;
    let mix = |s: u8, d: u8| (f32::from(s) * a + f32::from(d) * inv).round().clamp(0.0, 255.0) as u8;
    let out_a = (a * 255.0 + f32::from(dst.alpha()) * inv).round().clamp(0.0, 255.0) as u8;
    let (nr, ng, nb) = (mix(r, dst.red()), mix(g, dst.green()), mix(b, dst.blue()));
    *dst =
        tiny_skia::PremultipliedColorU8::from_rgba(nr.min(out_a), ng.min(out_a), nb.min(out_a), out_a).unwrap_or(*dst);
}

fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.x <= b.right() && b.x <= a.right() && a.y <= b.bottom() && b.y <= a.bottom()
}

/// Writes a pixmap as a PNG file.
pub fn save_png(pixmap: &Pixmap, path: &Path) -> std::io::Result<()> {
    let bytes = pixmap.encode_png().map_err(std::io::Error::other)?;
    trellis_model::write_atomically(path, |out| out.write_all(&bytes)).map_err(std::io::Error::other)
}
