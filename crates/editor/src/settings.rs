//! The user settings the engine follows. A journal header records them, so
//! they live apart from the editor that reads them.

/// User settings the engine follows.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    /// Snap to edges, centres and spacing while moving (alt disables it for a move).
    pub snapping: bool,
    /// Grid size in design pixels; `None` turns grid snapping off.
    pub grid: Option<f32>,
    /// Snapping distance in screen pixels.
    pub snap_threshold_px: f32,
    /// How far the pointer travels before a press becomes a drag, in screen pixels.
    pub drag_threshold_px: f32,
    /// How long a cursor trail point lives, in milliseconds.
    pub trail_ms: f32,
}

impl Settings {
    /// The first field that is not a finite number of at least 0 (the
    /// grid: above 0), if any: what the settings panel and a journal's
    /// header are held to.
    pub fn problem(&self) -> Option<&'static str> {
        let finite = |v: f32| v.is_finite() && v >= 0.0;
        if !finite(self.snap_threshold_px) {
            Some("snap_threshold_px")
        } else if !finite(self.drag_threshold_px) {
            Some("drag_threshold_px")
        } else if !finite(self.trail_ms) {
            Some("trail_ms")
        } else if self.grid.is_some_and(|g| !g.is_finite() || g <= 0.0) {
            Some("grid")
        } else {
            None
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self { snapping: true, grid: None, snap_threshold_px: 6.0, drag_threshold_px: 3.0, trail_ms: 250.0 }
    }
}
