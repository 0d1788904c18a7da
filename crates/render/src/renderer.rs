//! Whatever draws: the GPU backend the policy opened, or the CPU rasteriser
//! where no adapter works. Both keep a canvas between frames and redraw only
//! what changed; callers (the app, the benchmarks, `trellis render`) do not
//! care which one they have.

use tiny_skia::Pixmap;

use crate::adapter::{self, BackendKind, Probe};
use crate::cpu::{CpuError, CpuRenderer};
use crate::display_list::DisplayList;
use crate::gpu::{FrameReport, GpuError, GpuRenderer, Redraw};
use crate::overlay::OverlayLayer;
use crate::view::View;

/// Why a frame could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The GPU backend could not draw.
    #[error(transparent)]
    Gpu(#[from] GpuError),
    /// The CPU backend could not draw.
    #[error(transparent)]
    Cpu(#[from] CpuError),
    /// A frame was asked for before any was drawn.
    #[error("no frame has been drawn yet")]
    NoFrame,
}

/// A renderer on the backend the policy chose.
#[derive(Debug)]
pub enum Renderer {
    /// An adapter draws.
    Gpu(Box<GpuRenderer>),
    /// No adapter works, or the CPU was asked for: the CPU rasteriser draws.
    Cpu(CpuCanvas),
}

/// The CPU rasteriser with its retained canvas.
#[derive(Debug, Default)]
pub struct CpuCanvas {
    /// What rasterises each frame.
    pub renderer: CpuRenderer,
    canvas: Option<Pixmap>,
    frame: Option<Pixmap>,
    shown: Option<View>,
}

impl Renderer {
    /// Opens what the policy picks (or `forced`); the probe says what was
    /// tried and why this one. Where no adapter works, the CPU rasteriser
    /// draws and the probe's reason says so.
    pub fn open(forced: Option<BackendKind>) -> (Renderer, Probe) {
        let (gpu, probe) = adapter::open(forced);
        let renderer = match gpu {
            Some(g) => Renderer::Gpu(Box::new(GpuRenderer::new(g))),
            None => Renderer::Cpu(CpuCanvas::default()),
        };
        (renderer, probe)
    }

    /// What draws: the adapter's backend, or [`BackendKind::Cpu`].
    pub fn backend(&self) -> BackendKind {
        match self {
            Renderer::Gpu(g) => g.backend(),
            Renderer::Cpu(_) => BackendKind::Cpu,
        }
    }

    /// The adapter's name, or "CPU rasteriser (tiny-skia)".
    pub fn adapter_name(&self) -> String {
        match self {
            Renderer::Gpu(g) => g.adapter().name.clone(),
            Renderer::Cpu(_) => "CPU rasteriser (tiny-skia)".to_owned(),
        }
    }

    /// The largest side of a target this renderer can draw, in device
    /// pixels: the device's `max_texture_dimension_2d` on a GPU, never more
    /// than [`MAX_RENDER_SIDE`](trellis_model::limits::MAX_RENDER_SIDE).
    /// Callers check a size against it before asking for a frame, so that
    /// they can say which option to change.
    pub fn max_side(&self) -> u32 {
        let most = trellis_model::limits::MAX_RENDER_SIDE;
        match self {
            Renderer::Gpu(g) => g.device().limits().max_texture_dimension_2d.min(most),
            Renderer::Cpu(_) => most,
        }
    }

    /// Where relative image paths start (the design file's directory).
    pub fn set_base_dir(&mut self, dir: std::path::PathBuf) {
        match self {
            Renderer::Gpu(g) => g.base_dir = dir,
            Renderer::Cpu(c) => c.renderer.base_dir = dir,
        }
    }

    /// Draws a frame; see [`GpuRenderer::draw`].
    pub fn draw(
        &mut self,
        list: &DisplayList,
        changed: &[usize],
        view: &View,
        redraw: &Redraw,
        overlays: &OverlayLayer,
        time: f32,
    ) -> Result<FrameReport, RenderError> {
        match self {
            Renderer::Gpu(g) => Ok(g.draw(list, changed, view, redraw, overlays, time)?),
            Renderer::Cpu(c) => c.draw(list, view, redraw, overlays, time),
        }
    }

    /// Whether the next frames bring a resampled canvas back to an exact
    /// drawing (see [`GpuRenderer::is_refining`]); never on the CPU.
    pub fn is_refining(&self) -> bool {
        match self {
            Renderer::Gpu(g) => g.is_refining(),
            Renderer::Cpu(_) => false,
        }
    }

    /// Errors the GPU device reported while drawing (a shader or pipeline
    /// it refused: the frames may show nothing), cleared by the call;
    /// none on the CPU.
    pub fn take_errors(&self) -> Vec<String> {
        match self {
            Renderer::Gpu(g) => g.take_errors(),
            Renderer::Cpu(_) => Vec::new(),
        }
    }

    /// Waits until the frame is finished (a no-op on the CPU).
    pub fn finish(&mut self) {
        if let Renderer::Gpu(g) = self {
            g.finish();
        }
    }

    /// GPU time of the newest frame read back, where timestamps exist.
    pub fn gpu_time_ns(&self) -> Option<u64> {
        match self {
            Renderer::Gpu(g) => g.gpu_time_ns(),
            Renderer::Cpu(_) => None,
        }
    }

    /// The last frame as pixels.
    pub fn read_frame(&mut self) -> Result<Pixmap, RenderError> {
        match self {
            Renderer::Gpu(g) => Ok(g.read_frame()?),
            Renderer::Cpu(c) => c.frame.clone().ok_or(RenderError::NoFrame),
        }
    }
}

impl CpuCanvas {
    fn draw(
        &mut self,
        list: &DisplayList,
        view: &View,
        redraw: &Redraw,
        overlays: &OverlayLayer,
        time: f32,
    ) -> Result<FrameReport, RenderError> {
        let start = std::time::Instant::now();
        let mut report = FrameReport::default();
        let stale = self.shown != Some(*view);
        match (&mut self.canvas, stale, redraw) {
            (
                Some(canvas),
                false,
                Redraw::Regions(regions) | Redraw::Translated { regions, .. } | Redraw::Over { regions, .. },
            ) => {
                // A device pixel more, in whole pixels, as the GPU backend
                // grows its regions: an antialiased edge reaches a pixel past
                // its item's bounds, which hold two design units more than
                // the box, under a pixel where zoom times device scale is
                // below one half (a card dragged at a zoom of 0.16 left
                // lines of its old place).
                let grown = trellis_model::Rect::around(regions).map(|d| view.grown_by_a_pixel(&d));
                if let Some((x, y, w, h)) = grown.and_then(|d| view.device_pixels(&d)) {
                    let whole = view.covered_by_pixels((x, y, w, h));
                    self.renderer.redraw(canvas, list, view, Some(whole));
                    report.redrawn = Some((x, y, w, h));
                    report.redrawn_pixels = u64::from(w) * u64::from(h);
                }
            }
            (Some(_), false, Redraw::Nothing) => {}
            _ => {
                self.canvas = Some(self.renderer.render(list, view)?);
                report.full = true;
                report.redrawn = Some((0, 0, view.width, view.height));
                report.redrawn_pixels = u64::from(view.width) * u64::from(view.height);
            }
        }
        let canvas = self.canvas.as_ref().expect("drawn above");
        let frame = match &mut self.frame {
            Some(f) if f.width() == canvas.width() && f.height() == canvas.height() => {
                f.data_mut().copy_from_slice(canvas.data());
                f
            }
            slot => slot.insert(canvas.clone()),
        };
        self.renderer.draw_overlays(frame, overlays, view, time);
        self.shown = Some(*view);
        report.encode_ns = start.elapsed().as_nanos() as u64;
        Ok(report)
    }
}
