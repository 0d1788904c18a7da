//! Where the design is seen from, shared by every backend.

use tiny_skia::Transform;
use trellis_geometry::Point;
use trellis_model::{Color, Rect};

/// Where the design is seen from: design point `origin` at the top-left,
/// `zoom` design-to-logical pixels, `scale` logical-to-device pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// The design point at the target's top-left corner.
    pub origin: Point,
    /// Logical pixels per design unit.
    pub zoom: f32,
    /// Device pixels per logical pixel (the display's scale factor).
    pub scale: f32,
    /// Output width in device pixels.
    pub width: u32,
    /// Output height in device pixels.
    pub height: u32,
    /// What shows where no widget is.
    pub background: Color,
}

impl View {
    /// Device pixels per design pixel.
    pub fn factor(&self) -> f32 {
        self.zoom * self.scale
    }

    pub(crate) fn transform(&self) -> Transform {
        let s = self.factor();
        Transform::from_row(s, 0.0, 0.0, s, -self.origin.x * s, -self.origin.y * s)
    }

    /// A design rectangle in device pixels.
    pub fn to_device(&self, r: &Rect) -> Rect {
        let s = self.factor();
        Rect::new((r.x - self.origin.x) * s, (r.y - self.origin.y) * s, r.w * s, r.h * s)
    }

    /// A design rectangle in whole device pixels, grown to cover every
    /// pixel it touches and cut to the target: what a scissor keeps.
    pub fn device_pixels(&self, r: &Rect) -> Option<(u32, u32, u32, u32)> {
        let d = self.to_device(r);
        let x0 = d.x.floor().max(0.0);
        let y0 = d.y.floor().max(0.0);
        let x1 = d.right().ceil().min(self.width as f32);
        let y1 = d.bottom().ceil().min(self.height as f32);
        (x1 > x0 && y1 > y0).then_some((x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32))
    }

    /// `r` grown by a device pixel on every side: where its antialiased
    /// edges may still shade, what a redraw of it must take in.
    pub fn grown_by_a_pixel(&self, r: &Rect) -> Rect {
        let m = 1.0 / self.factor();
        Rect::new(r.x - m, r.y - m, r.w + 2.0 * m, r.h + 2.0 * m)
    }

    /// The design rectangle the device pixels `(x, y, w, h)` cover, no more.
    pub fn covered_by_pixels(&self, (x, y, w, h): (u32, u32, u32, u32)) -> Rect {
        let f = self.factor();
        Rect::new(self.origin.x + x as f32 / f, self.origin.y + y as f32 / f, w as f32 / f, h as f32 / f)
    }

    /// The design rectangle the whole target shows.
    pub fn visible(&self) -> Rect {
        let s = self.factor();
        Rect::new(self.origin.x, self.origin.y, self.width as f32 / s, self.height as f32 / s)
    }
}

#[cfg(test)]
impl View {
    /// The design's top-left at 1 device pixel a unit, over `width` by
    /// `height` device pixels on white: the view the renderer's own unit
    /// tests draw and cost in.
    pub(crate) fn at_design_origin(width: u32, height: u32) -> View {
        View {
            origin: Point::new(0.0, 0.0),
            zoom: 1.0,
            scale: 1.0,
            width,
            height,
            background: Color::rgb(255, 255, 255),
        }
    }
}
