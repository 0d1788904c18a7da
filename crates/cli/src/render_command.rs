//! `trellis render`: a design drawn to a PNG file, headless.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use trellis_geometry::{FixedAdvanceMeasurer, Geometry, Point};
use trellis_model::Document;
use trellis_render::{BackendKind, CpuRenderer, DisplayList, Theme, View, save_png};

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
    let backend = match backend {
        Some(b) => {
            Some(BackendKind::parse(b).with_context(|| format!("--backend {b}: use vulkan, gl, metal, dx12 or cpu"))?)
        }
        None => None,
    };
    if let Some(b) = backend.filter(|b| *b != BackendKind::Cpu) {
        bail!(
            "--backend {b}: this build draws PNG files with the CPU rasteriser only (the wgpu backend is being built); use --backend cpu"
        );
    }
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
    let mut cpu = CpuRenderer::new();
    cpu.base_dir = file.parent().map(Path::to_owned).unwrap_or_default();
    let pixmap = cpu.render(&list, &view)?;
    save_png(&pixmap, out).with_context(|| format!("writing {}", out.display()))?;
    say!(
        "rendered {} widgets ({} primitives) to {} ({w}x{h}, {} theme, CPU rasteriser)",
        doc.len(),
        list.primitive_count(),
        out.display(),
        theme.name
    );
    Ok(Verdict::Pass)
}
