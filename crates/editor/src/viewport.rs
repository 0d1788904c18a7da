//! The view onto the design: zoom and pan, mapping screen to design.

use serde::{Deserialize, Serialize};
use trellis_geometry::Point;
use trellis_model::Rect;

/// The farthest out the view zooms (2 %).
pub const MIN_ZOOM: f32 = 0.02;
/// The farthest in the view zooms (6400 %).
pub const MAX_ZOOM: f32 = 64.0;
/// The fewest device pixels a logical pixel (a viewport event's scale is
/// raised to it).
pub const MIN_SCALE: f32 = 0.1;

/// Screen = (design - origin) * zoom.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Viewport {
    /// Canvas size in logical pixels.
    pub width: f32,
    /// Canvas height in logical pixels.
    pub height: f32,
    /// Device pixels per logical pixel (for rendering only).
    pub scale: f32,
    /// Screen pixels per design pixel.
    pub zoom: f32,
    /// The design point at the canvas's top-left corner.
    pub origin: Point,
}

impl Default for Viewport {
    fn default() -> Self {
        Self { width: 1280.0, height: 800.0, scale: 1.0, zoom: 1.0, origin: Point::new(0.0, 0.0) }
    }
}

impl Viewport {
    /// The first field a viewport may not hold, with why, if any: what a
    /// journal's header is held to (the app's viewports are made within
    /// these, and a viewport event's size and scale are clamped to them).
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let at_least = |v: f32, least: f32| v.is_finite() && v >= least;
        if !at_least(self.width, 1.0) {
            Some(("width", "must be a finite number of logical pixels, at least 1".into()))
        } else if !at_least(self.height, 1.0) {
            Some(("height", "must be a finite number of logical pixels, at least 1".into()))
        } else if !at_least(self.scale, MIN_SCALE) {
            Some(("scale", format!("must be a finite number of device pixels a logical pixel, at least {MIN_SCALE}")))
        } else if !(MIN_ZOOM..=MAX_ZOOM).contains(&self.zoom) {
            Some(("zoom", format!("must be from {MIN_ZOOM} to {MAX_ZOOM}")))
        } else if !self.origin.x.is_finite() || !self.origin.y.is_finite() {
            Some(("origin", "must be a finite point".into()))
        } else {
            None
        }
    }

    /// The design point under canvas point `(x, y)`.
    pub fn to_design(&self, x: f32, y: f32) -> Point {
        Point::new(x / self.zoom + self.origin.x, y / self.zoom + self.origin.y)
    }

    /// Where design point `p` is on the canvas, in logical pixels.
    pub fn to_screen(&self, p: Point) -> Point {
        Point::new((p.x - self.origin.x) * self.zoom, (p.y - self.origin.y) * self.zoom)
    }

    /// The design area visible on the canvas.
    pub fn visible(&self) -> Rect {
        Rect::new(self.origin.x, self.origin.y, self.width / self.zoom, self.height / self.zoom)
    }

    /// Zooms by `factor`, keeping the design point under `(x, y)` in place.
    pub fn zoom_around(&mut self, x: f32, y: f32, factor: f32) {
        let anchor = self.to_design(x, y);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        self.origin = Point::new(anchor.x - x / self.zoom, anchor.y - y / self.zoom);
    }

    /// Pans by a screen distance.
    pub fn pan(&mut self, dx: f32, dy: f32) {
        self.origin = Point::new(self.origin.x - dx / self.zoom, self.origin.y - dy / self.zoom);
    }

    /// Shows all of `r` with a margin, centred.
    pub fn fit(&mut self, r: Rect) {
        let margin = 32.0;
        let zx = (self.width - 2.0 * margin).max(1.0) / r.w.max(1.0);
        let zy = (self.height - 2.0 * margin).max(1.0) / r.h.max(1.0);
        self.zoom = zx.min(zy).clamp(MIN_ZOOM, MAX_ZOOM);
        let (cx, cy) = (r.x + r.w / 2.0, r.y + r.h / 2.0);
        self.origin = Point::new(cx - self.width / 2.0 / self.zoom, cy - self.height / 2.0 / self.zoom);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zooming_keeps_the_point_under_the_pointer() {
        let mut v = Viewport::default();
        v.pan(-100.0, -50.0);
        let before = v.to_design(300.0, 200.0);
        v.zoom_around(300.0, 200.0, 2.5);
        let after = v.to_design(300.0, 200.0);
        assert!((before.x - after.x).abs() < 1e-3 && (before.y - after.y).abs() < 1e-3);
        assert_eq!(v.zoom, 2.5);
        let s = v.to_screen(after);
        assert!((s.x - 300.0).abs() < 1e-3);
    }

    #[test]
    fn fit_shows_the_whole_rectangle() {
        let mut v = Viewport::default();
        v.fit(Rect::new(0.0, 0.0, 24_000.0, 19_000.0));
        let seen = v.visible();
        assert!(seen.x <= 0.0 && seen.right() >= 24_000.0 && seen.y <= 0.0 && seen.bottom() >= 19_000.0);
    }
}
