//! `trellis render`: a design drawn to a PNG file, headless.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use trellis_geometry::{FixedAdvanceMeasurer, Geometry, Point};
use trellis_model::Document;
use trellis_render::{BackendKind, DisplayList, OverlayLayer, Probe, Redraw, Renderer, Theme, View, save_png};

use crate::report::{Verdict, say};

pub fn parse_size(text: &str) -> anyhow::Result<(u32, u32)> {
    let (w, h) =
        text.split_once(['x', 'X']).with_context(|| format!("--size {text}: use WIDTHxHEIGHT, e.g. 1280x800"))?;
    let (w, h): (u32, u32) = (w.trim().parse()?, h.trim().parse()?);
    if !(1..=16_384).contains(&w) || !(1..=16_384).contains(&h) {
        bail!("--size {text}: both sides must be from 1 to 16384 pixels");
    }
    Ok((w, h))
}

/// The backend asked for by `--backend`, else by `TRELLIS_BACKEND`.
pub fn forced_backend(flag: Option<&str>) -> anyhow::Result<Option<BackendKind>> {
    match flag {
        Some(b) => Ok(Some(
            BackendKind::parse(b).with_context(|| format!("--backend {b}: use vulkan, gl, metal, dx12 or cpu"))?,
        )),
        None => trellis_render::backend_override().map_err(anyhow::Error::msg),
    }
}

/// Opens a renderer by the policy. A backend that was asked for and cannot
/// open is an error; where the policy finds no adapter at all, the CPU
/// rasteriser draws and a note on standard error says why.
pub fn open_renderer(forced: Option<BackendKind>) -> anyhow::Result<(Renderer, Probe)> {
    let (renderer, probe) = Renderer::open(forced);
    match forced {
        Some(b) if b != BackendKind::Cpu && renderer.backend() == BackendKind::Cpu => {
            bail!(
                "the {b} backend was asked for, but no {b} adapter could open a device; run `trellis gpu` to see what works here, or use --backend cpu"
            )
        }
        None if renderer.backend() == BackendKind::Cpu => {
            crate::report::note(format_args!("note: {}", probe.reason));
        }
        _ => {}
    }
    Ok((renderer, probe))
}

pub fn render(
    file: &Path,
    out: &Path,
    size: Option<&str>,
    backend: Option<&str>,
    theme: &str,
    scale: f32,
) -> anyhow::Result<Verdict> {
    let theme = Theme::parse(theme).with_context(|| format!("--theme {theme}: use light or dark"))?;
    if !(scale.is_finite() && (0.25..=8.0).contains(&scale)) {
        bail!("--scale {scale}: use a device scale from 0.25 to 8");
    }
    let forced = forced_backend(backend)?;
    let doc = Document::load(file)?;
    let geometry = Geometry::new(&doc, Arc::new(FixedAdvanceMeasurer::default()));
    let bounds = geometry.bounds();
    let (w, h) = match size {
        Some(s) => parse_size(s)?,
        None => ((bounds.w * scale).ceil().max(1.0) as u32, (bounds.h * scale).ceil().max(1.0) as u32),
    };
    let list = DisplayList::build(&doc, &geometry, &theme);
    let zoom = (w as f32 / scale / bounds.w.max(1.0)).min(h as f32 / scale / bounds.h.max(1.0));
    let view =
        View { origin: Point::new(bounds.x, bounds.y), zoom, scale, width: w, height: h, background: theme.canvas };
    let (mut renderer, probe) = open_renderer(forced)?;
    renderer.set_base_dir(file.parent().map(Path::to_owned).unwrap_or_default());
    let overlays = OverlayLayer::new(&theme, view.factor());
    renderer.draw(&list, &[], &view, &Redraw::All, &overlays, 0.0)?;
    let pixmap = renderer.read_frame()?;
    save_png(&pixmap, out).with_context(|| format!("writing {}", out.display()))?;
    say!(
        "rendered {} widgets ({} primitives) to {} ({w}x{h}, {} theme) with {} on {}",
        doc.len(),
        list.primitive_count(),
        out.display(),
        theme.name,
        renderer.adapter_name(),
        renderer.backend()
    );
    if !probe.accelerated {
        say!("GPU acceleration not active: {}", probe.reason);
    }
    Ok(Verdict::Pass)
}
