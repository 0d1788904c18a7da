//! The heads-up display (F12): frame rate, a frame-time graph split by
//! phase over the last seconds, percentiles and janky frames, heap and
//! allocations, live objects, the adapter, and a switch that tints the
//! regions each frame redrew.

use std::collections::VecDeque;

use egui::{Color32, Rect, Vec2};
use trellis_diag::{CountingAllocator, Frame, FrameStats};

use crate::workbench::Workbench;

/// One presented frame's phases, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameSample {
    /// When the frame started, in seconds since the window opened.
    pub at_s: f64,
    /// Handling input events (editor, less layout).
    pub event_ms: f64,
    /// Layout of those events.
    pub layout_ms: f64,
    /// Display list and overlays.
    pub display_list_ms: f64,
    /// egui: running the panels, tessellating, uploading.
    pub egui_ms: f64,
    /// Recording and submitting the canvas and the composition.
    pub encode_ms: f64,
    /// GPU time of the canvas, where timestamps exist.
    pub gpu_ms: f64,
    /// Acquiring the surface texture and presenting it.
    pub present_ms: f64,
    /// The whole frame.
    pub total_ms: f64,
    /// Allocations made during the frame.
    pub allocations: u64,
    /// Window pixels egui's pass shaded (0: the panels were only copied).
    pub panel_pixels: u64,
    /// Canvas pixels the renderer redrew.
    pub canvas_pixels: u64,
    /// egui ran the panels this frame (else their last output was kept).
    pub egui_pass: bool,
}

impl FrameSample {
    const PHASES: [(&'static str, Color32); 7] = [
        ("event", Color32::from_rgb(90, 160, 255)),
        ("layout", Color32::from_rgb(60, 200, 150)),
        ("display list", Color32::from_rgb(250, 200, 60)),
        ("egui", Color32::from_rgb(200, 120, 250)),
        ("encode", Color32::from_rgb(250, 130, 80)),
        ("gpu", Color32::from_rgb(240, 80, 120)),
        ("present", Color32::from_rgb(150, 150, 150)),
    ];

    fn phases(&self) -> [f64; 7] {
        [
            self.event_ms,
            self.layout_ms,
            self.display_list_ms,
            self.egui_ms,
            self.encode_ms,
            self.gpu_ms,
            self.present_ms,
        ]
    }
}

/// How many seconds of frames the HUD keeps.
const HISTORY_S: f64 = 5.0;

/// What the window reports for the status bar and the HUD.
#[derive(Debug, Default)]
pub struct Hud {
    samples: VecDeque<FrameSample>,
    /// The adapter drawing, and its backend.
    pub adapter: String,
    /// The backend alone (`vulkan`, `gl`...).
    pub backend: String,
    /// A software rasteriser draws.
    pub software: bool,
    /// Where the pointer is, in design coordinates.
    pub pointer_design: Option<(f32, f32)>,
    /// GPU objects and caches the renderer holds, by kind.
    pub gpu_objects: Vec<(&'static str, i64)>,
    /// Egui textures alive, and native textures registered.
    pub egui_textures: (usize, usize),
    /// Times the device was lost and rebuilt.
    pub recoveries: u64,
}

impl Hud {
    /// Adds a presented frame.
    pub fn push(&mut self, s: FrameSample) {
        while self.samples.front().is_some_and(|f| s.at_s - f.at_s > HISTORY_S) {
            self.samples.pop_front();
        }
        self.samples.push_back(s);
    }

    /// Frames per second over the last second.
    pub fn fps(&self) -> f64 {
        let Some(last) = self.samples.back() else { return 0.0 };
        let n = self.samples.iter().rev().take_while(|s| last.at_s - s.at_s < 1.0).count();
        n as f64
    }

    fn stats(&self) -> Option<FrameStats> {
        if self.samples.is_empty() {
            return None;
        }
        let frames: Vec<Frame> =
            self.samples.iter().map(|s| Frame { start_ms: s.at_s * 1e3, duration_ms: s.total_ms }).collect();
        Some(FrameStats::of(&frames, 60.0))
    }

    /// Shows the HUD over the canvas's top-right corner.
    pub fn show(&self, ctx: &egui::Context, wb: &mut Workbench, canvas: Rect) {
        egui::Window::new("HUD")
            .collapsible(false)
            .resizable(false)
            .default_width(300.0)
            .pivot(egui::Align2::RIGHT_TOP)
            .default_pos(canvas.right_top() + Vec2::new(-8.0, 8.0))
            .show(ctx, |ui| {
                ui.label(format!("{:.0} fps · {}", self.fps(), self.adapter));
                if let Some(s) = self.stats() {
                    ui.label(format!(
                        "p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms · janky {} of {}",
                        s.p50_ms, s.p99_ms, s.max_ms, s.janky, s.frames
                    ));
                }
                self.graph(ui);
                ui.horizontal_wrapped(|ui| {
                    for (name, colour) in FrameSample::PHASES {
                        ui.colored_label(colour, "#");
                        ui.label(name);
                    }
                });
                ui.separator();
                let heap = CountingAllocator::snapshot();
                ui.label(format!(
                    "heap {:.1} MB in use, {:.1} MB peak · {} allocations last frame",
                    heap.bytes_in_use as f64 / 1e6,
                    heap.peak_bytes as f64 / 1e6,
                    self.samples.back().map_or(0, |s| s.allocations)
                ));
                egui::CollapsingHeader::new("Live objects").default_open(false).show(ui, |ui| {
                    for (name, n) in wb.live_objects().iter() {
                        ui.label(format!("{name}: {n}"));
                    }
                    for (name, n) in &self.gpu_objects {
                        ui.label(format!("{name}: {n}"));
                    }
                    ui.label(format!("egui textures: {}", self.egui_textures.0));
                    ui.label(format!("native textures registered: {}", self.egui_textures.1));
                    ui.label(format!("device recoveries: {}", self.recoveries));
                });
                ui.checkbox(&mut wb.panel.tint_redraws, "Tint redrawn regions");
            });
    }

    fn graph(&self, ui: &mut egui::Ui) {
        let (rect, _) = ui.allocate_exact_size(Vec2::new(280.0, 80.0), egui::Sense::hover());
        let p = ui.painter();
        p.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
        // 33 ms at the top; the 16.7 ms budget as a line.
        let scale = rect.height() as f64 / 33.3;
        let y = |ms: f64| rect.bottom() - (ms * scale).min(rect.height() as f64) as f32;
        p.hline(rect.x_range(), y(16.7), (1.0, Color32::from_rgb(200, 60, 60)));
        let n = self.samples.len().min(280);
        let w = rect.width() / 280.0;
        for (i, s) in self.samples.iter().skip(self.samples.len() - n).enumerate() {
            let x = rect.left() + i as f32 * w;
            let mut base = 0.0;
            for (ms, (_, colour)) in s.phases().into_iter().zip(FrameSample::PHASES) {
                if ms <= 0.0 {
                    continue;
                }
                let r = Rect::from_min_max(egui::pos2(x, y(base + ms)), egui::pos2(x + w.max(1.0), y(base)));
                p.rect_filled(r, 0.0, colour);
                base += ms;
            }
        }
    }
}
