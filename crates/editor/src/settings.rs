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

impl Default for Settings {
    fn default() -> Self {
        Self { snapping: true, grid: None, snap_threshold_px: 6.0, drag_threshold_px: 3.0, trail_ms: 250.0 }
    }
}
