//! Composing the window: one wgpu device shared by the renderer, egui-wgpu
//! and the surface.
//!
//! On a software rasteriser, shading the whole window costs more than a
//! frame's budget, and wgpu has no partial present. So the window is two
//! layers, composed by copies: egui's panels are rendered into a panels
//! texture only when egui drew something new, and each frame copies that
//! texture, then the canvas's frame texture into the canvas's rectangle,
//! into the surface texture. A canvas drag shades only what the renderer
//! redraws. Where egui draws over the canvas (a menu, a dialog, the HUD),
//! the canvas is shown through egui instead: registered as a native
//! texture, sampled by egui's pass.

use std::sync::Arc;

use egui_wgpu::ScreenDescriptor;

use crate::panel_damage::{self, ShapeKey};
use trellis_render::{BackendKind, DeviceOpenError, Gpu};
use winit::window::Window;

/// Why the window could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PresentError {
    /// No adapter can present to the window.
    #[error(
        "no graphics adapter can draw into this window ({0}); install Mesa's drivers (mesa-vulkan-drivers) or run `trellis render` headless"
    )]
    NoAdapter(String),
    /// The window's surface could not be made.
    #[error("could not make a drawing surface for the window: {0}")]
    Surface(String),
    /// A device could not be opened.
    #[error(transparent)]
    Device(#[from] DeviceOpenError),
}

/// The surface and egui's renderer on the shared device.
pub struct Presenter {
    instance: wgpu::Instance,
    adapter: wgpu::Adapter,
    /// The device everything draws with.
    pub device: wgpu::Device,
    /// Its queue.
    pub queue: wgpu::Queue,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    /// Whether frames are composed by copies (the surface takes copies in
    /// the canvas's format); if not, egui draws every frame.
    pub composes_by_copy: bool,
    egui: egui_wgpu::Renderer,
    panels: Option<(wgpu::Texture, wgpu::TextureView)>,
    /// The canvas frame texture registered with egui, and its id.
    canvas: Option<(wgpu::Texture, egui::TextureId)>,
    primitives: Vec<egui::ClippedPrimitive>,
    screen: ScreenDescriptor,
    /// egui's output changed since the panels texture was rendered.
    panels_stale: bool,
    /// Where it changed (in points), when only part of it did.
    panels_damage: Option<Vec<egui::Rect>>,
    /// What each shape drew last time, to find what changed.
    drawn: Vec<ShapeKey>,
    /// Window pixels egui shaded in its last pass.
    pub egui_shaded_pixels: u64,
    /// The most window pixels a partial redraw of the panels shades in one
    /// frame, on a software rasteriser (where shading costs its area);
    /// what is left is drawn in the frames that follow.
    shading_budget: Option<u64>,
    /// Native textures registered (and not freed) over the presenter's life.
    pub native_registered: usize,
    /// Surface reconfigurations so far.
    pub reconfigurations: u64,
    /// Times the canvas's registration with egui was pointed at another
    /// texture (a resize, a nudge of everything moving the frame into the
    /// renderer's spare) over the presenter's life.
    pub canvas_repoints: u64,
}

impl std::fmt::Debug for Presenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Presenter").field("config", &self.config).finish_non_exhaustive()
    }
}

/// What one present did, in nanoseconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct PresentTimes {
    /// Uploading egui's buffers and recording its pass (when it ran).
    pub egui_ns: u64,
    /// Recording the copies and submitting.
    pub encode_ns: u64,
    /// Acquiring the surface texture and presenting it.
    pub present_ns: u64,
}

/// Pixels a partial redraw of the panels shades a frame on a software
/// rasteriser.
const SOFTWARE_SHADING_BUDGET: u64 = 64_000;

/// The frame the budget is shared with: a frame that spent this much
/// before the panels shades a quarter of the budget.
const SOFTWARE_FRAME: std::time::Duration = std::time::Duration::from_millis(16);

fn backends(forced: Option<BackendKind>) -> wgpu::Backends {
    match forced.and_then(BackendKind::wgpu) {
        Some(b) => b.into(),
        None => BackendKind::policy_order().iter().filter_map(|k| k.wgpu()).map(wgpu::Backends::from).collect(),
    }
}

impl Presenter {
    /// Opens the device for `window` (on the backend `forced`, or the
    /// policy's first that can present), with the surface configured.
    /// Returns the renderer's share of the device, to open it on.
    pub fn new(window: &Arc<Window>, forced: Option<BackendKind>) -> Result<(Presenter, Gpu), PresentError> {
        let desc = wgpu::InstanceDescriptor {
            backends: backends(forced),
            ..wgpu::InstanceDescriptor::new_with_display_handle_from_env(Box::new(window.clone()))
        };
        let instance = wgpu::Instance::new(desc);
        let surface = instance.create_surface(window.clone()).map_err(|e| PresentError::Surface(e.to_string()))?;
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::HighPerformance,
            force_fallback_adapter: false,
            compatible_surface: Some(&surface),
            apply_limit_buckets: false,
        }))
        .map_err(|e| PresentError::NoAdapter(e.to_string()))?;
        let gpu = Gpu::open_on(instance.clone(), adapter.clone())?;
        let size = window.inner_size();
        let presenter = Self::on_device(instance, adapter, &gpu, surface, size.width, size.height)?;
        Ok((presenter, gpu))
    }

    fn on_device(
        instance: wgpu::Instance,
        adapter: wgpu::Adapter,
        gpu: &Gpu,
        surface: wgpu::Surface<'static>,
        width: u32,
        height: u32,
    ) -> Result<Presenter, PresentError> {
        let caps = surface.get_capabilities(&adapter);
        // A format the canvas can be drawn in, so that it is copied, not shaded.
        let copyable = [wgpu::TextureFormat::Bgra8Unorm, wgpu::TextureFormat::Rgba8Unorm]
            .into_iter()
            .find(|f| caps.formats.contains(f));
        let format = copyable.or_else(|| caps.formats.first().copied()).ok_or_else(|| {
            PresentError::Surface(format!("the surface offers no format on {}", adapter.get_info().name))
        })?;
        let composes_by_copy = copyable.is_some() && caps.usages.contains(wgpu::TextureUsages::COPY_DST);
        let usage = if composes_by_copy {
            wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_DST
        } else {
            wgpu::TextureUsages::RENDER_ATTACHMENT
        };
        let present_mode = if caps.present_modes.contains(&wgpu::PresentMode::Mailbox) {
            wgpu::PresentMode::Mailbox
        } else {
            wgpu::PresentMode::Fifo
        };
        // A window larger than the device's largest texture is drawn at that size.
        let most = gpu.device.limits().max_texture_dimension_2d;
        let config = wgpu::SurfaceConfiguration {
            usage,
            format,
            width: width.clamp(1, most),
            height: height.clamp(1, most),
            present_mode,
            color_space: wgpu::SurfaceColorSpace::Auto,
            desired_maximum_frame_latency: 2,
            alpha_mode: caps.alpha_modes.first().copied().unwrap_or(wgpu::CompositeAlphaMode::Auto),
            view_formats: vec![],
        };
        surface.configure(&gpu.device, &config);
        let egui = egui_wgpu::Renderer::new(&gpu.device, format, egui_wgpu::RendererOptions::default());
        // About 10 ms of lavapipe's shading (150 ns a pixel, clearing
        // included), a third of a panel: a selection
        // that rewrites the whole inspector takes three or four frames at the
        // input's pace, not one long one.
        let shading_budget =
            (adapter.get_info().device_type == wgpu::DeviceType::Cpu).then_some(SOFTWARE_SHADING_BUDGET);
        let screen = ScreenDescriptor { size_in_pixels: [config.width, config.height], pixels_per_point: 1.0 };
        Ok(Presenter {
            instance,
            adapter,
            device: gpu.device.clone(),
            queue: gpu.queue.clone(),
            surface,
            config,
            composes_by_copy,
            egui,
            panels: None,
            canvas: None,
            primitives: Vec::new(),
            screen,
            panels_stale: true,
            panels_damage: None,
            drawn: Vec::new(),
            egui_shaded_pixels: 0,
            shading_budget,
            native_registered: 0,
            reconfigurations: 1,
            canvas_repoints: 0,
        })
    }

    /// The surface's size in pixels, as last configured.
    pub fn surface_size(&self) -> (u32, u32) {
        (self.config.width, self.config.height)
    }

    /// The format the canvas should draw in: the window's, to be copied
    /// into it (one of the two the renderer draws in), or the renderer's
    /// own where the window is drawn through egui.
    pub fn canvas_format(&self) -> wgpu::TextureFormat {
        if self.composes_by_copy { self.config.format } else { trellis_render::preferred_target_format(&self.adapter) }
    }

    /// The adapter presenting.
    pub fn adapter_info(&self) -> wgpu::AdapterInfo {
        self.adapter.get_info()
    }

    /// Rebuilds the device and everything on it, after a loss, for the
    /// same window; returns the new presenter and the renderer's share of
    /// the new device. The old surface goes first: a window takes one
    /// swap chain at a time.
    pub fn rebuild(self, window: &Arc<Window>) -> Result<(Presenter, Gpu), PresentError> {
        let Presenter { instance, adapter, native_registered, reconfigurations, canvas_repoints, .. } = self;
        let gpu = Gpu::open_on(instance.clone(), adapter.clone())?;
        let surface = instance.create_surface(window.clone()).map_err(|e| PresentError::Surface(e.to_string()))?;
        let size = window.inner_size();
        let mut rebuilt = Self::on_device(instance, adapter, &gpu, surface, size.width, size.height)?;
        // The old registration went with the old renderer.
        rebuilt.native_registered = native_registered.saturating_sub(1);
        rebuilt.reconfigurations = reconfigurations + 1;
        rebuilt.canvas_repoints = canvas_repoints;
        Ok((rebuilt, gpu))
    }

    /// The window's new size in pixels.
    pub fn resize(&mut self, width: u32, height: u32) {
        // A window larger than the device's largest texture is drawn at
        // that size (wgpu refuses a bigger surface).
        let most = self.device.limits().max_texture_dimension_2d;
        let (width, height) = (width.clamp(1, most), height.clamp(1, most));
        if (self.config.width, self.config.height) == (width, height) {
            return;
        }
        self.config.width = width;
        self.config.height = height;
        self.surface.configure(&self.device, &self.config);
        self.reconfigurations += 1;
        self.panels = None;
        self.invalidate_panels();
    }

    /// The id egui shows the canvas by, pointed at `frame` (registered the
    /// first time, re-pointed when the renderer made a new texture).
    pub fn canvas_texture(&mut self, frame: Option<&wgpu::Texture>) -> Option<egui::TextureId> {
        let frame = frame?;
        match &mut self.canvas {
            Some((texture, id)) if texture == frame => Some(*id),
            Some((texture, id)) => {
                let view = frame.create_view(&wgpu::TextureViewDescriptor::default());
                self.egui.update_egui_texture_from_wgpu_texture(&self.device, &view, wgpu::FilterMode::Nearest, *id);
                self.canvas_repoints += 1;
                // The canvas's shape is unchanged; what it samples is not.
                // Composed by a copy, the canvas covers egui's drawing of
                // it, and a frame drawn through egui (an overlap) shades
                // the panels again anyway: only a texture of another size
                // asks for them (a nudge of everything moves the frame's
                // pixels into another texture of the same size).
                if !self.composes_by_copy || texture.size() != frame.size() {
                    self.panels_stale = true;
                    self.panels_damage = None;
                }
                *texture = frame.clone();
                Some(*id)
            }
            None => {
                let view = frame.create_view(&wgpu::TextureViewDescriptor::default());
                let id = self.egui.register_native_texture(&self.device, &view, wgpu::FilterMode::Nearest);
                self.native_registered += 1;
                self.canvas = Some((frame.clone(), id));
                Some(id)
            }
        }
    }

    /// Frees the canvas's registration (the window closes, or a test).
    pub fn release_canvas_texture(&mut self) {
        if let Some((_, id)) = self.canvas.take() {
            self.egui.free_texture(&id);
            self.native_registered -= 1;
        }
    }

    /// Native textures egui-wgpu holds now, counted in its own table (not
    /// in our bookkeeping, which a leak would bypass). Its ids are issued
    /// in sequence from 0 and never reused, so every live one lies below
    /// the first long run of free ids past the last one found.
    pub fn native_textures_live(&self) -> usize {
        const GAP: u64 = 256;
        let (mut live, mut last, mut id) = (0, 0u64, 0u64);
        while id <= last + GAP {
            if self.egui.texture(&egui::TextureId::User(id)).is_some() {
                live += 1;
                last = id;
            }
            id += 1;
        }
        live
    }

    /// Registers the canvas frame with egui once more and forgets the id:
    /// the leak `trellis leakcheck --app --self-test` plants, as a resize
    /// that registered instead of re-pointing would.
    pub fn plant_native_registration(&mut self) {
        if let Some((texture, _)) = &self.canvas {
            let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
            let _forgotten = self.egui.register_native_texture(&self.device, &view, wgpu::FilterMode::Nearest);
        }
    }

    /// Takes egui's new output: uploads its textures now, keeps its
    /// primitives for the next render of the panels.
    pub fn set_egui(
        &mut self,
        primitives: Vec<egui::ClippedPrimitive>,
        keys: Vec<ShapeKey>,
        mut delta: egui::TexturesDelta,
        ppp: f32,
    ) {
        for (id, images) in &delta.set {
            for image in images {
                self.egui.update_texture(&self.device, &self.queue, *id, image);
            }
        }
        for id in &delta.free {
            self.egui.free_texture(id);
        }
        let screen =
            ScreenDescriptor { size_in_pixels: [self.config.width, self.config.height], pixels_per_point: ppp };
        // A texture that unchanged shapes sample, replaced whole (not a
        // glyph added to the atlas), or a new scale, redraws everything. A
        // new texture or a freed one only changes shapes that differ anyway.
        let textures_before: std::collections::HashSet<egui::TextureId> = self
            .primitives
            .iter()
            .filter_map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(m) => Some(m.texture_id),
                egui::epaint::Primitive::Callback(_) => None,
            })
            .collect();
        let whole_texture =
            delta.set.iter().any(|(id, images)| textures_before.contains(id) && images.iter().any(|i| i.pos.is_none()));
        let same_screen = screen.size_in_pixels == self.screen.size_in_pixels
            && screen.pixels_per_point == self.screen.pixels_per_point;
        // Areas not yet redrawn (egui ran again before a present, or the
        // budget left some) are redrawn with the new damage, and first: a
        // change that keeps coming back (a hover fading in) cannot starve
        // an older one. They may overlap; each area is drawn whole.
        let pending = if self.panels_stale { self.panels_damage.take() } else { Some(Vec::new()) };
        let damage = match pending {
            Some(pending) if !whole_texture && same_screen => {
                panel_damage::damage(&self.drawn, &keys).map(|now| panel_damage::oldest_first(pending, now))
            }
            _ => None,
        };
        // Applied above (egui checks, in debug builds, that none is dropped unapplied).
        delta.clear();
        self.panels_damage = damage;
        self.drawn = keys;
        self.primitives = primitives;
        self.screen = screen;
        self.panels_stale = true;
    }

    /// Whether part of the panels is still to be redrawn (a change larger
    /// than a frame's shading budget): the window draws another frame.
    pub fn panels_pending(&self) -> bool {
        self.panels_stale && self.panels_damage.as_ref().is_some_and(|a| !a.is_empty())
    }

    /// Marks the panels for rendering again with the same primitives (the
    /// canvas they sample changed and egui draws over it).
    pub fn invalidate_panels(&mut self) {
        self.panels_stale = true;
        self.panels_damage = None;
    }

    fn panels_target(&mut self) -> &wgpu::TextureView {
        let (w, h) = (self.config.width, self.config.height);
        let format = self.config.format;
        let device = &self.device;
        &self
            .panels
            .get_or_insert_with(|| {
                let t = device.create_texture(&wgpu::TextureDescriptor {
                    label: Some("trellis panels"),
                    size: wgpu::Extent3d { width: w, height: h, depth_or_array_layers: 1 },
                    mip_level_count: 1,
                    sample_count: 1,
                    dimension: wgpu::TextureDimension::D2,
                    format,
                    usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
                    view_formats: &[],
                });
                let v = t.create_view(&wgpu::TextureViewDescriptor::default());
                (t, v)
            })
            .1
    }

    /// A command encoder on the window's device: the canvas records its
    /// frame into it, [`Presenter::present`] adds the window's passes and
    /// submits it, one command buffer a frame.
    pub fn encoder(&self) -> wgpu::CommandEncoder {
        self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("trellis window") })
    }

    /// Draws the window from `encoder` (which may hold the canvas's frame):
    /// the panels (rendered again only if stale) and the
    /// canvas frame at `canvas_px` (its top-left corner in pixels) copied
    /// over them, unless `through_egui` (egui draws over the canvas, so
    /// the panels, which sample it, are the whole picture). `spent` is
    /// what the frame took before: on a software rasteriser, a partial
    /// redraw of the panels shades less the more of the frame is gone, and
    /// leaves the rest to the frames that follow.
    pub fn present(
        &mut self,
        mut encoder: wgpu::CommandEncoder,
        canvas_frame: Option<&wgpu::Texture>,
        canvas_px: (u32, u32),
        through_egui: bool,
        spent: std::time::Duration,
    ) -> PresentTimes {
        let mut times = PresentTimes::default();
        self.egui_shaded_pixels = 0;
        let started = std::time::Instant::now();
        let frame = match self.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(f) | wgpu::CurrentSurfaceTexture::Suboptimal(f) => f,
            other => {
                // No frame to show this time; what the canvas recorded still
                // goes to the GPU (its retained texture must hold it).
                self.queue.submit([encoder.finish()]);
                if matches!(other, wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Lost) {
                    self.surface.configure(&self.device, &self.config);
                    self.reconfigurations += 1;
                }
                // The rest of a partial redraw waits for the next full one
                // (a hidden window would otherwise be asked for frames it
                // never draws).
                if self.panels_damage.as_ref().is_some_and(|a| !a.is_empty()) {
                    self.panels_damage = None;
                }
                return times;
            }
        };
        let acquired = started.elapsed().as_nanos() as u64;
        let t = std::time::Instant::now();
        let surface_view = frame.texture.create_view(&wgpu::TextureViewDescriptor::default());
        let mut buffers = Vec::new();
        if !self.composes_by_copy {
            // Every frame through egui, straight into the surface.
            buffers = self.egui.update_buffers(&self.device, &self.queue, &mut encoder, &self.primitives, &self.screen);
            self.egui_pass(&mut encoder, &surface_view);
        } else {
            if self.panels_stale || self.panels.is_none() || (through_egui && canvas_frame.is_some()) {
                let mut rest_of_panels = None;
                let partial = self.panels_damage.take().filter(|_| self.panels.is_some() && !through_egui);
                let view = self.panels_target().clone();
                match partial {
                    // Nothing of egui's changed on screen.
                    Some(areas) if areas.is_empty() => {}
                    // Only what changed is shaded again, over the rest.
                    Some(areas) => {
                        let ppp = self.screen.pixels_per_point;
                        let [w, h] = self.screen.size_in_pixels;
                        let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w as f32, h as f32) / ppp);
                        let areas = panel_damage::on_pixels(&areas, screen, ppp);
                        let (areas, rest) = match self.shading_budget {
                            Some(px) => {
                                // A frame that spent its time already still
                                // draws a quarter: the rest finishes soon.
                                let left = 1.0 - spent.as_secs_f32() / SOFTWARE_FRAME.as_secs_f32();
                                let px = px as f32 * left.clamp(0.25, 1.0);
                                let (now, rest) = panel_damage::within_budget(areas, px / (ppp * ppp));
                                (panel_damage::on_pixels(&now, screen, ppp), rest)
                            }
                            None => (areas, Vec::new()),
                        };
                        let clipped = panel_damage::clip_primitives(&self.primitives, &areas);
                        if !rest.is_empty() {
                            rest_of_panels = Some(rest);
                        }
                        buffers =
                            self.egui.update_buffers(&self.device, &self.queue, &mut encoder, &clipped, &self.screen);
                        self.egui_pass_over(&mut encoder, &view, &clipped, wgpu::LoadOp::Load);
                        self.egui_shaded_pixels =
                            areas.iter().map(|d| (d.width() * ppp * d.height() * ppp) as u64).sum();
                    }
                    None => {
                        buffers = self.egui.update_buffers(
                            &self.device,
                            &self.queue,
                            &mut encoder,
                            &self.primitives,
                            &self.screen,
                        );
                        self.egui_pass(&mut encoder, &view);
                        self.egui_shaded_pixels = u64::from(self.config.width) * u64::from(self.config.height);
                    }
                }
                self.panels_stale = rest_of_panels.is_some();
                self.panels_damage = rest_of_panels;
            }
            let (w, h) = (self.config.width, self.config.height);
            let panels = &self.panels.as_ref().expect("rendered above").0;
            let whole = wgpu::Extent3d { width: w, height: h, depth_or_array_layers: 1 };
            encoder.copy_texture_to_texture(panels.as_image_copy(), frame.texture.as_image_copy(), whole);
            if let Some(canvas) = canvas_frame.filter(|_| !through_egui)
                && canvas.format() == self.config.format
                && canvas_px.0 < w
                && canvas_px.1 < h
            {
                let size = canvas.size();
                let extent = wgpu::Extent3d {
                    width: size.width.min(w - canvas_px.0),
                    height: size.height.min(h - canvas_px.1),
                    depth_or_array_layers: 1,
                };
                let mut dst = frame.texture.as_image_copy();
                dst.origin = wgpu::Origin3d { x: canvas_px.0, y: canvas_px.1, z: 0 };
                encoder.copy_texture_to_texture(canvas.as_image_copy(), dst, extent);
            }
        }
        times.egui_ns = t.elapsed().as_nanos() as u64;
        let t = std::time::Instant::now();
        self.queue.submit(buffers.into_iter().chain(std::iter::once(encoder.finish())));
        times.encode_ns = t.elapsed().as_nanos() as u64;
        let t = std::time::Instant::now();
        self.queue.present(frame);
        times.present_ns = acquired + t.elapsed().as_nanos() as u64;
        times
    }

    /// Renders egui's output straight into the surface and presents it:
    /// a plain egui app's frame, for comparison.
    pub fn present_direct(&mut self, primitives: Vec<egui::ClippedPrimitive>, delta: egui::TexturesDelta, ppp: f32) {
        self.set_egui(primitives, Vec::new(), delta, ppp);
        let (wgpu::CurrentSurfaceTexture::Success(frame) | wgpu::CurrentSurfaceTexture::Suboptimal(frame)) =
            self.surface.get_current_texture()
        else {
            return;
        };
        let mut encoder =
            self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("bare egui") });
        let view = frame.texture.create_view(&wgpu::TextureViewDescriptor::default());
        let buffers = self.egui.update_buffers(&self.device, &self.queue, &mut encoder, &self.primitives, &self.screen);
        self.egui_pass(&mut encoder, &view);
        self.queue.submit(buffers.into_iter().chain(std::iter::once(encoder.finish())));
        self.queue.present(frame);
        self.panels_stale = true;
    }

    fn egui_pass(&self, encoder: &mut wgpu::CommandEncoder, target: &wgpu::TextureView) {
        self.egui_pass_over(encoder, target, &self.primitives, wgpu::LoadOp::Clear(wgpu::Color::BLACK));
    }

    fn egui_pass_over(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        target: &wgpu::TextureView,
        primitives: &[egui::ClippedPrimitive],
        load: wgpu::LoadOp<wgpu::Color>,
    ) {
        let pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("egui"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: target,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations { load, store: wgpu::StoreOp::Store },
            })],
            depth_stencil_attachment: None,
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        let mut pass = pass.forget_lifetime();
        self.egui.render(&mut pass, primitives, &self.screen);
    }
}
