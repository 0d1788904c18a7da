//! `trellis render`: a design drawn to a PNG file, headless.

use std::path::Path;

use anyhow::{Context, bail};
use trellis_geometry::{FontMeasurer, Geometry, Point};
use trellis_model::Document;
use trellis_render::{BackendKind, DisplayList, OverlayLayer, Probe, Redraw, Renderer, Theme, View};

use trellis_model::limits::{MAX_RENDER_PIXELS, MAX_RENDER_SCALE, MAX_RENDER_SIDE, MIN_RENDER_SCALE};

use crate::report::{Verdict, say};

/// Parses a `--size` (of `render`, `bench render`, `bench drag`): two
/// whole numbers of device pixels, each from 1 to [`MAX_RENDER_SIDE`].
/// Every failure gets the same message, naming the flag, the value and the
/// expected form, whatever the integer parser would have said.
pub fn parse_size(text: &str) -> anyhow::Result<(u32, u32)> {
    let side = |s: &str| -> Option<u32> {
        // Digits only: no sign, no exponent, no spaces (`parse` alone would take "+5").
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<u32>().ok().filter(|n| (1..=MAX_RENDER_SIDE).contains(n))
    };
    match text.split_once(['x', 'X']).and_then(|(w, h)| Some((side(w)?, side(h)?))) {
        Some(size) => Ok(size),
        None => {
            bail!("--size {text:?}: expected WIDTHxHEIGHT in pixels, each from 1 to {MAX_RENDER_SIDE}, like 1280x800")
        }
    }
}

/// Parses `--scale`: finite, from [`MIN_RENDER_SCALE`] to [`MAX_RENDER_SCALE`].
pub fn check_scale(scale: f32) -> anyhow::Result<()> {
    if !(scale.is_finite() && (MIN_RENDER_SCALE..=MAX_RENDER_SCALE).contains(&scale)) {
        bail!(
            "--scale {scale}: expected device pixels per logical pixel, a number from {MIN_RENDER_SCALE} to {MAX_RENDER_SCALE}, like 2"
        );
    }
    Ok(())
}

/// Refuses an output of `width` x `height` device pixels (as `f64`: a size
/// computed from a scale is checked before it is cast) that would not fit
/// in memory, before anything of that size is allocated. `flags` names what
/// asked for it, e.g. `--size 16384x16384`. The budget holds where the
/// pixels live in this process's memory: the CPU rasteriser's canvas, or a
/// frame read back from the GPU (`render`).
pub fn check_pixel_budget(width: f64, height: f64, flags: &str) -> anyhow::Result<()> {
    if width * height > MAX_RENDER_PIXELS as f64 {
        bail!(
            "{flags}: the output would be {width}x{height} = {} pixels, over the limit of {MAX_RENDER_PIXELS} pixels \
             (6144x4096, MAX_RENDER_PIXELS) that keeps a render under ~512 MB of memory; ask for a smaller --size or --scale",
            width * height
        );
    }
    Ok(())
}

/// Refuses an output larger than the renderer can make (the GPU device's
/// largest texture side), before the first frame allocates it.
pub fn check_output(width: u32, height: u32, flags: &str, renderer: &Renderer) -> anyhow::Result<()> {
    let max = renderer.max_side();
    if width > max || height > max {
        bail!(
            "{flags}: the output would be {width}x{height} pixels, but {} ({}) makes at most {max} pixels a side; \
             ask for a smaller --size or --scale, or another --backend",
            renderer.adapter_name(),
            renderer.backend()
        );
    }
    // On any backend: a software adapter (lavapipe, llvmpipe) keeps the
    // canvas and its twins in memory as the CPU rasteriser does (a bench
    // at 16384x16384 took 3.3 GB and more than a minute before its first
    // line), and no GPU needs a canvas past it to show a design.
    check_pixel_budget(f64::from(width), f64::from(height), flags)
}

/// Refuses a benchmark's figures when the renderer reported problems while
/// it drew (a shader or pipeline the GPU refused draws nothing, very fast;
/// a full glyph atlas leaves text out): its frame times would be false.
pub fn check_drawn(renderer: Option<&Renderer>) -> anyhow::Result<()> {
    let errors = renderer.map(Renderer::take_errors).unwrap_or_default();
    if let Some(first) = errors.first() {
        bail!(
            "the renderer reported {} problem(s) while drawing, so these figures are not trustworthy; the first: {}; \
             report it with the command, or run with --backend cpu",
            errors.len(),
            first.trim()
        );
    }
    Ok(())
}

/// The backend asked for by `--backend`, else by `TRELLIS_BACKEND`.
pub fn forced_backend(flag: Option<&str>) -> anyhow::Result<Option<BackendKind>> {
    match flag {
        Some(b) => Ok(Some(
            BackendKind::parse(b).with_context(|| format!("--backend {b}: use vulkan, gl, metal, dx12 or cpu"))?,
        )),
        None => Ok(trellis_render::backend_override()?),
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
    check_scale(scale)?;
    // An explicit size is bounded before anything is loaded; the frame is
    // read back into memory whatever draws it.
    let asked = size.map(parse_size).transpose()?;
    if let Some((w, h)) = asked {
        check_pixel_budget(f64::from(w), f64::from(h), &format!("--size {w}x{h}"))?;
    }
    let forced = forced_backend(backend)?;
    let doc = Document::load(file).with_context(|| format!("the design {}", file.display()))?;
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let bounds = geometry.bounds();
    let (w, h, flags) = match asked {
        Some((w, h)) => (w, h, format!("--size {w}x{h}")),
        None => {
            // The design's size times the scale, bounded in f64 before the
            // cast (a design may be up to a million pixels wide).
            let (fw, fh) =
                (f64::from((bounds.w * scale).ceil().max(1.0)), f64::from((bounds.h * scale).ceil().max(1.0)));
            let flags = format!("--scale {scale} (the design is {}x{} at scale 1)", bounds.w.ceil(), bounds.h.ceil());
            if fw > f64::from(MAX_RENDER_SIDE) || fh > f64::from(MAX_RENDER_SIDE) {
                bail!(
                    "{flags}: the output would be {fw}x{fh} pixels, over {MAX_RENDER_SIDE} pixels a side; \
                     ask for a smaller --scale, or a --size"
                );
            }
            check_pixel_budget(fw, fh, &flags)?;
            (fw as u32, fh as u32, flags)
        }
    };
    let list = DisplayList::build(&doc, &geometry, &theme);
    let zoom = (w as f32 / scale / bounds.w.max(1.0)).min(h as f32 / scale / bounds.h.max(1.0));
    let view =
        View { origin: Point::new(bounds.x, bounds.y), zoom, scale, width: w, height: h, background: theme.canvas };
    let (mut renderer, probe) = open_renderer(forced)?;
    check_output(w, h, &flags, &renderer)?;
    renderer.set_base_dir(file.parent().map(Path::to_owned).unwrap_or_default());
    let overlays = OverlayLayer::new(&theme, view.factor());
    renderer.draw(&list, &[], &view, &Redraw::All, &overlays, 0.0)?;
    let pixmap = renderer.read_frame()?;
    crate::report::write_output(out, |w| w.write_all(&pixmap.encode_png().map_err(std::io::Error::other)?))?;
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
