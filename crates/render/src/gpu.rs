//! The GPU backend: the display list drawn by wgpu into a persistent canvas
//! texture, with the overlay layer composed over it into a frame texture.
//!
//! Shapes (rounded rectangles with borders, shadows, lines, images) are
//! instances of one antialiased quad (`shapes.wgsl`); text goes through
//! glyphon. Each display-list item owns a range of the instance buffer, so
//! that moving a widget rewrites its few instances, not the list. A frame
//! redraws only the damaged part of the canvas, scissored; a change of view
//! or of the whole list redraws it all. When the device is lost, everything
//! on the GPU is rebuilt from what is retained here, and the next frame
//! looks as the last one did.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cosmic_text::{Buffer, FontSystem, SwashCache};
use tiny_skia::Pixmap;
use trellis_model::{Color, Rect};

use crate::adapter::{self, BackendKind, Gpu};
use crate::display_list::{DisplayList, Item, Primitive, TextAlign};
use crate::overlay::{Effect, OverlayLayer, PULSE};
use crate::view::View;

/// The canvas and frame textures' format: colours are blended as stored
/// (sRGB values), as the CPU rasteriser and most UI toolkits blend them.
pub const FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;

const ATLAS_SIZE: u32 = 2048;
/// The most render batches a frame splits into (each has a text renderer).
const MAX_BATCHES: usize = 64;
/// Images larger than this on a side are scaled down before they enter the atlas.
const ATLAS_MAX_IMAGE: u32 = 1024;

/// Why the GPU backend could not draw.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GpuError {
    #[error("a target of {width}x{height} pixels cannot be made: both sides must be from 1 to {max}")]
    Size { width: u32, height: u32, max: u32 },
    #[error("the GPU device was lost and could not be opened again ({reason}); draw with the CPU backend instead")]
    Lost { reason: String },
    #[error("reading the frame back from the GPU failed: {0}")]
    Readback(String),
}

/// One shape as the shader sees it (see `shapes.wgsl`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
struct Instance {
    rect: [f32; 4],
    fill: [f32; 4],
    border: [f32; 4],
    clip: [f32; 4],
    params: [f32; 4],
    extra: [f32; 4],
}

impl Instance {
    /// Shadows and images need the pipeline that can draw them.
    fn is_special(&self) -> bool {
        self.params[0] == KIND_SHADOW || self.params[0] == KIND_IMAGE
    }
}

const KIND_RECT: f32 = 0.0;
const KIND_SHADOW: f32 = 1.0;
const KIND_LINE: f32 = 2.0;
const KIND_IMAGE: f32 = 3.0;

/// No clip: far beyond any design.
const UNCLIPPED: [f32; 4] = [-1.0e9, -1.0e9, 1.0e9, 1.0e9];

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, bytemuck::Pod, bytemuck::Zeroable)]
struct Globals {
    origin: [f32; 2],
    size: [f32; 2],
    factor: f32,
    time: f32,
    pad: [f32; 2],
}

fn rgba(c: Color, opacity: f32) -> [f32; 4] {
    let alpha = (f32::from(c.a) * opacity.clamp(0.0, 1.0)).round() / 255.0;
    [f32::from(c.r) / 255.0, f32::from(c.g) / 255.0, f32::from(c.b) / 255.0, alpha]
}

fn clip_of(clip: Option<Rect>) -> [f32; 4] {
    clip.map_or(UNCLIPPED, |c| [c.x, c.y, c.right(), c.bottom()])
}

fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.x <= b.right() && b.x <= a.right() && a.y <= b.bottom() && b.y <= a.bottom()
}

/// What a frame redraws of the canvas.
#[derive(Clone, Debug, PartialEq)]
pub enum Redraw {
    /// Nothing changed on the canvas (the overlays may have).
    Nothing,
    /// These design regions changed: old and new places of what moved.
    Regions(Vec<Rect>),
    /// Everything.
    All,
}

/// What one frame did, for statistics and tests.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameReport {
    /// The canvas region redrawn, in device pixels (x, y, w, h); `None`
    /// when the canvas was kept as it was.
    pub redrawn: Option<(u32, u32, u32, u32)>,
    pub full: bool,
    /// Device pixels redrawn, over every region.
    pub redrawn_pixels: u64,
    /// Shape instances and text runs drawn on the canvas.
    pub instances: usize,
    pub texts: usize,
    /// Render batches: a batch starts where a shape would cover text drawn before it.
    pub batches: usize,
    /// Instances rewritten in the retained buffer by patches.
    pub patched_instances: usize,
    /// CPU time to prepare buffers, record and submit, in nanoseconds.
    pub encode_ns: u64,
    /// The device was lost and rebuilt before this frame.
    pub recovered: Option<Duration>,
}

/// Recoveries from lost devices so far: a count, not a list, so that a
/// session losing its device over and over does not grow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recoveries {
    pub count: u64,
    pub last: Option<Duration>,
    pub longest: Duration,
}

/// Live GPU objects, as wgpu counts them, and the renderer's own caches.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct GpuObjects {
    pub buffers: isize,
    pub buffer_bytes: isize,
    /// Bytes of texture memory: a count of textures is not kept reliably
    /// by every wgpu backend (Vulkan counts only imported ones), their
    /// memory is.
    pub texture_bytes: isize,
    pub texture_views: isize,
    pub bind_groups: isize,
    pub pipelines: isize,
    pub shaped_texts: usize,
    pub atlas_images: usize,
    pub text_renderers: usize,
}

/// A shaped text, kept while it is drawn.
struct ShapedText {
    text: String,
    buffer: Buffer,
    /// Offset from the box top that centres the lines.
    dy: f32,
    last_used: u64,
}

/// Everything created from the device: rebuilt when it is lost.
struct DeviceState {
    /// Rectangles and lines only.
    pipeline: wgpu::RenderPipeline,
    /// Every kind, shadows and images included.
    special_pipeline: wgpu::RenderPipeline,
    globals: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    atlas: wgpu::Texture,
    /// The retained instances of every item.
    instances: wgpu::Buffer,
    instance_capacity: u64,
    /// This frame's extra instances: clears, overlays, tints.
    scratch: wgpu::Buffer,
    scratch_capacity: u64,
    canvas: Option<Target>,
    text_atlas: glyphon::TextAtlas,
    text_viewport: glyphon::Viewport,
    text_renderers: Vec<glyphon::TextRenderer>,
    timer: Option<Timer>,
}

/// The canvas (kept between frames) and the frame (canvas plus overlays).
struct Target {
    width: u32,
    height: u32,
    canvas: wgpu::Texture,
    canvas_view: wgpu::TextureView,
    frame: wgpu::Texture,
    frame_view: wgpu::TextureView,
}

/// GPU time by timestamp queries, read back frames later so that nothing
/// waits for it.
struct Timer {
    queries: wgpu::QuerySet,
    resolve: wgpu::Buffer,
    readbacks: Vec<(wgpu::Buffer, Arc<AtomicBool>, bool)>,
    next: usize,
    period_ns: f32,
}

/// An image placed in the atlas.
#[derive(Clone, Copy, Debug)]
struct AtlasImage {
    uv: [f32; 4],
}

/// Draws display lists on an opened GPU device.
pub struct GpuRenderer {
    gpu: Gpu,
    backend: BackendKind,
    state: DeviceState,
    lost: Arc<AtomicBool>,
    errors: Arc<Mutex<Vec<String>>>,
    fonts: FontSystem,
    glyphs: SwashCache,
    texts: HashMap<u64, ShapedText>,
    images: HashMap<PathBuf, Option<AtlasImage>>,
    image_allocator: etagere::AtlasAllocator,
    /// The retained instances, a range per display-list item.
    instances: Vec<Instance>,
    ranges: Vec<Range<u32>>,
    /// The list epoch and view the canvas texture shows.
    epoch: Option<u64>,
    shown: Option<View>,
    frames: u64,
    last_gpu_ns: Option<u64>,
    recoveries: Recoveries,
    /// Tint each redrawn region in the frame (not the canvas), to see what a frame redrew.
    pub tint_redraws: bool,
    /// The directory image paths are relative to (the design file's).
    pub base_dir: PathBuf,
}

impl std::fmt::Debug for GpuRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuRenderer")
            .field("adapter", &self.gpu.info.name)
            .field("backend", &self.backend)
            .field("frames", &self.frames)
            .finish_non_exhaustive()
    }
}

fn watch_device(device: &wgpu::Device, lost: &Arc<AtomicBool>, errors: &Arc<Mutex<Vec<String>>>) {
    let flag = Arc::clone(lost);
    device.set_device_lost_callback(move |_reason, _message| flag.store(true, Ordering::SeqCst));
    let log = Arc::clone(errors);
    let flag = Arc::clone(lost);
    // Errors after a loss are expected; others are kept for `take_errors`,
    // never turned into a panic of the app.
    device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
        if !flag.load(Ordering::SeqCst)
            && let Ok(mut v) = log.lock()
            && v.len() < 64
        {
            v.push(e.to_string());
        }
    }));
}

impl DeviceState {
    fn new(gpu: &Gpu) -> Self {
        let device = &gpu.device;
        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("trellis shapes"),
            source: wgpu::ShaderSource::Wgsl(include_str!("shapes.wgsl").into()),
        });
        let bind_group_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("trellis shapes"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::VERTEX_FRAGMENT,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: false,
                        min_binding_size: None,
                    },
                    count: None,
                },
                wgpu::BindGroupLayoutEntry {
                    binding: 1,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Texture {
                        sample_type: wgpu::TextureSampleType::Float { filterable: true },
                        view_dimension: wgpu::TextureViewDimension::D2,
                        multisampled: false,
                    },
                    count: None,
                },
                wgpu::BindGroupLayoutEntry {
                    binding: 2,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering),
                    count: None,
                },
            ],
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("trellis shapes"),
            bind_group_layouts: &[Some(&bind_group_layout)],
            ..Default::default()
        });
        let attributes = wgpu::vertex_attr_array![
            0 => Float32x4, 1 => Float32x4, 2 => Float32x4, 3 => Float32x4, 4 => Float32x4, 5 => Float32x4
        ];
        let make = |special: bool| {
            device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some("trellis shapes"),
                layout: Some(&layout),
                vertex: wgpu::VertexState {
                    module: &shader,
                    entry_point: Some("vs_main"),
                    buffers: &[Some(wgpu::VertexBufferLayout {
                        array_stride: std::mem::size_of::<Instance>() as u64,
                        step_mode: wgpu::VertexStepMode::Instance,
                        attributes: &attributes,
                    })],
                    compilation_options: wgpu::PipelineCompilationOptions::default(),
                },
                fragment: Some(wgpu::FragmentState {
                    module: &shader,
                    entry_point: Some("fs_main"),
                    targets: &[Some(wgpu::ColorTargetState {
                        format: FORMAT,
                        blend: Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING),
                        write_mask: wgpu::ColorWrites::ALL,
                    })],
                    compilation_options: wgpu::PipelineCompilationOptions {
                        constants: &[("SHADOWS_AND_IMAGES", if special { 1.0 } else { 0.0 })],
                        ..Default::default()
                    },
                }),
                primitive: wgpu::PrimitiveState {
                    topology: wgpu::PrimitiveTopology::TriangleStrip,
                    ..Default::default()
                },
                depth_stencil: None,
                multisample: wgpu::MultisampleState::default(),
                multiview_mask: None,
                cache: None,
            })
        };
        let pipeline = make(false);
        let special_pipeline = make(true);
        let globals = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("trellis globals"),
            size: std::mem::size_of::<Globals>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        // Images are scaled as the CPU rasteriser scales them: nearest texel.
        let sampler = device.create_sampler(&wgpu::SamplerDescriptor {
            label: Some("trellis images"),
            mag_filter: wgpu::FilterMode::Nearest,
            min_filter: wgpu::FilterMode::Nearest,
            ..Default::default()
        });
        let atlas = device.create_texture(&wgpu::TextureDescriptor {
            label: Some("trellis image atlas"),
            size: wgpu::Extent3d { width: ATLAS_SIZE, height: ATLAS_SIZE, depth_or_array_layers: 1 },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: FORMAT,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        });
        let atlas_view = atlas.create_view(&wgpu::TextureViewDescriptor::default());
        let bind_group = bind(device, &bind_group_layout, &globals, &atlas_view, &sampler);
        let (instances, instance_capacity) = instance_buffer(device, "trellis canvas instances", 1024);
        let (scratch, scratch_capacity) = instance_buffer(device, "trellis frame instances", 256);
        let text_cache = glyphon::Cache::new(device);
        let text_atlas =
            glyphon::TextAtlas::with_color_mode(device, &gpu.queue, &text_cache, FORMAT, glyphon::ColorMode::Web);
        let text_viewport = glyphon::Viewport::new(device, &text_cache);
        let timer = gpu.device.features().contains(wgpu::Features::TIMESTAMP_QUERY).then(|| Timer::new(gpu));
        DeviceState {
            pipeline,
            special_pipeline,
            globals,
            bind_group,
            atlas,
            instances,
            instance_capacity,
            scratch,
            scratch_capacity,
            canvas: None,
            text_atlas,
            text_viewport,
            text_renderers: Vec::new(),
            timer,
        }
    }

    fn target(&mut self, device: &wgpu::Device, width: u32, height: u32) -> bool {
        if self.canvas.as_ref().is_some_and(|t| t.width == width && t.height == height) {
            return false;
        }
        let make = |label| {
            device.create_texture(&wgpu::TextureDescriptor {
                label: Some(label),
                size: wgpu::Extent3d { width, height, depth_or_array_layers: 1 },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format: FORMAT,
                usage: wgpu::TextureUsages::RENDER_ATTACHMENT
                    | wgpu::TextureUsages::COPY_SRC
                    | wgpu::TextureUsages::COPY_DST
                    | wgpu::TextureUsages::TEXTURE_BINDING,
                view_formats: &[],
            })
        };
        let canvas = make("trellis canvas");
        let frame = make("trellis frame");
        let canvas_view = canvas.create_view(&wgpu::TextureViewDescriptor::default());
        let frame_view = frame.create_view(&wgpu::TextureViewDescriptor::default());
        self.canvas = Some(Target { width, height, canvas, canvas_view, frame, frame_view });
        true
    }
}

fn bind(
    device: &wgpu::Device,
    layout: &wgpu::BindGroupLayout,
    globals: &wgpu::Buffer,
    atlas: &wgpu::TextureView,
    sampler: &wgpu::Sampler,
) -> wgpu::BindGroup {
    device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some("trellis shapes"),
        layout,
        entries: &[
            wgpu::BindGroupEntry { binding: 0, resource: globals.as_entire_binding() },
            wgpu::BindGroupEntry { binding: 1, resource: wgpu::BindingResource::TextureView(atlas) },
            wgpu::BindGroupEntry { binding: 2, resource: wgpu::BindingResource::Sampler(sampler) },
        ],
    })
}

fn instance_buffer(device: &wgpu::Device, label: &str, count: u64) -> (wgpu::Buffer, u64) {
    let count = count.next_power_of_two();
    let buffer = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: count * std::mem::size_of::<Instance>() as u64,
        usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    (buffer, count)
}

impl Timer {
    /// Two passes a frame, a timestamp at each end.
    const QUERIES: u32 = 4;

    fn new(gpu: &Gpu) -> Self {
        let size = u64::from(Self::QUERIES) * 8;
        let queries = gpu.device.create_query_set(&wgpu::QuerySetDescriptor {
            label: Some("trellis frame timing"),
            ty: wgpu::QueryType::Timestamp,
            count: Self::QUERIES,
        });
        let resolve = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("trellis timing resolve"),
            size,
            usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let readbacks = (0..3)
            .map(|_| {
                let b = gpu.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("trellis timing readback"),
                    size,
                    usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                });
                (b, Arc::new(AtomicBool::new(false)), false)
            })
            .collect();
        Timer { queries, resolve, readbacks, next: 0, period_ns: gpu.queue.get_timestamp_period() }
    }

    /// The newest finished frame's GPU time, if one has been read back since.
    fn collect(&mut self) -> Option<u64> {
        let mut newest = None;
        for (buffer, ready, pending) in &mut self.readbacks {
            if *pending && ready.load(Ordering::Acquire) {
                let ticks: Vec<u64> = match buffer.slice(..).get_mapped_range() {
                    Ok(view) => bytemuck::cast_slice(&view).to_vec(),
                    Err(_) => Vec::new(),
                };
                buffer.unmap();
                *pending = false;
                ready.store(false, Ordering::Release);
                if ticks.len() < 4 {
                    continue;
                }
                let canvas = ticks[1].saturating_sub(ticks[0]);
                let overlay = ticks[3].saturating_sub(ticks[2]);
                newest = Some(((canvas + overlay) as f64 * f64::from(self.period_ns)) as u64);
            }
        }
        newest
    }

    /// The readback this frame resolves into, if one is free.
    fn free(&self) -> Option<usize> {
        (0..self.readbacks.len()).map(|i| (self.next + i) % self.readbacks.len()).find(|i| !self.readbacks[*i].2)
    }
}

impl GpuRenderer {
    /// A renderer on an opened device.
    pub fn new(gpu: Gpu) -> Self {
        let lost = Arc::new(AtomicBool::new(false));
        let errors = Arc::new(Mutex::new(Vec::new()));
        watch_device(&gpu.device, &lost, &errors);
        let state = DeviceState::new(&gpu);
        let backend = crate::adapter::backend_of(&gpu.info);
        let font = cosmic_text::fontdb::Source::Binary(Arc::new(epaint_default_fonts::UBUNTU_LIGHT));
        GpuRenderer {
            gpu,
            backend,
            state,
            lost,
            errors,
            fonts: FontSystem::new_with_fonts([font]),
            glyphs: SwashCache::new(),
            texts: HashMap::new(),
            images: HashMap::new(),
            image_allocator: etagere::AtlasAllocator::new(etagere::size2(ATLAS_SIZE as i32, ATLAS_SIZE as i32)),
            instances: Vec::new(),
            ranges: Vec::new(),
            epoch: None,
            shown: None,
            frames: 0,
            last_gpu_ns: None,
            recoveries: Recoveries::default(),
            tint_redraws: false,
            base_dir: PathBuf::from("."),
        }
    }

    pub fn adapter(&self) -> &wgpu::AdapterInfo {
        &self.gpu.info
    }

    pub fn backend(&self) -> BackendKind {
        self.backend
    }

    pub fn device(&self) -> &wgpu::Device {
        &self.gpu.device
    }

    /// The canvas texture: the design, without overlays.
    pub fn canvas_texture(&self) -> Option<&wgpu::Texture> {
        self.state.canvas.as_ref().map(|t| &t.canvas)
    }

    /// The last frame: the canvas with the overlays over it.
    pub fn frame_texture(&self) -> Option<&wgpu::Texture> {
        self.state.canvas.as_ref().map(|t| &t.frame)
    }

    /// GPU time of the newest frame whose timestamps have been read back.
    pub fn gpu_time_ns(&self) -> Option<u64> {
        self.last_gpu_ns
    }

    /// How long each recovery from a lost device took.
    pub fn recoveries(&self) -> Recoveries {
        self.recoveries
    }

    /// Validation errors the device reported, cleared by the call.
    pub fn take_errors(&self) -> Vec<String> {
        self.errors.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default()
    }

    /// Destroys the device, as a driver reset or a removed GPU would: the
    /// next frame finds it lost and rebuilds. For tests and leak checks.
    pub fn destroy_device(&self) {
        self.gpu.device.destroy();
        let _ = self.gpu.device.poll(wgpu::PollType::Poll);
    }

    /// The device has been lost and not yet rebuilt.
    pub fn is_lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    /// Live GPU objects (wgpu's counters) and the renderer's caches.
    pub fn live_objects(&self) -> GpuObjects {
        let c = self.gpu.device.get_internal_counters();
        let hal = &c.hal;
        GpuObjects {
            buffers: hal.buffers.read(),
            buffer_bytes: hal.buffer_memory.read(),
            texture_bytes: hal.texture_memory.read(),
            texture_views: hal.texture_views.read(),
            bind_groups: hal.bind_groups.read(),
            pipelines: hal.render_pipelines.read(),
            shaped_texts: self.texts.len(),
            atlas_images: self.images.len(),
            text_renderers: self.state.text_renderers.len(),
        }
    }

    /// Rebuilds the device and everything on it, keeping the retained
    /// display data. Returns how long it took.
    fn recover(&mut self) -> Result<Duration, GpuError> {
        let start = Instant::now();
        // The same adapter first: after a driver reset it usually still
        // works; where it does not, the policy probes again.
        let gpu = match adapter::open_device(&self.gpu.adapter) {
            Ok((device, queue)) => Gpu {
                instance: self.gpu.instance.clone(),
                adapter: self.gpu.adapter.clone(),
                device,
                queue,
                info: self.gpu.info.clone(),
            },
            Err(_) => {
                let (gpu, probe) = adapter::open(Some(self.backend));
                gpu.ok_or_else(|| GpuError::Lost { reason: probe.reason.clone() })?
            }
        };
        let lost = Arc::new(AtomicBool::new(false));
        watch_device(&gpu.device, &lost, &self.errors);
        self.state = DeviceState::new(&gpu);
        self.gpu = gpu;
        self.lost = lost;
        // Every image must be uploaded again into the new atlas.
        self.images.clear();
        self.image_allocator = etagere::AtlasAllocator::new(etagere::size2(ATLAS_SIZE as i32, ATLAS_SIZE as i32));
        self.epoch = None;
        self.shown = None;
        self.last_gpu_ns = None;
        let took = start.elapsed();
        self.recoveries.count += 1;
        self.recoveries.last = Some(took);
        self.recoveries.longest = self.recoveries.longest.max(took);
        Ok(took)
    }

    /// Draws a frame: brings the canvas up to date with `list` (only
    /// `redraw` of it when nothing else changed), then composes `overlays`
    /// over it into the frame texture. `changed` are the items patched
    /// since the last frame (`DisplayList::take_changed`). `time` animates
    /// pulsing feedback. The GPU work is submitted, not waited for: see
    /// [`GpuRenderer::finish`].
    pub fn draw(
        &mut self,
        list: &DisplayList,
        changed: &[usize],
        view: &View,
        redraw: &Redraw,
        overlays: &OverlayLayer,
        time: f32,
    ) -> Result<FrameReport, GpuError> {
        let max = self.gpu.device.limits().max_texture_dimension_2d.min(16_384);
        if !(1..=max).contains(&view.width) || !(1..=max).contains(&view.height) {
            return Err(GpuError::Size { width: view.width, height: view.height, max });
        }
        let mut report = FrameReport::default();
        let _ = self.gpu.device.poll(wgpu::PollType::Poll);
        if self.is_lost() {
            report.recovered = Some(self.recover()?);
        }
        let start = Instant::now();
        if let Some(t) = self.state.timer.as_mut().and_then(Timer::collect) {
            self.last_gpu_ns = Some(t);
        }
        let resized = self.state.target(&self.gpu.device, view.width, view.height);

        // Bring the retained instances up to date.
        let rebuild = self.epoch != Some(list.epoch()) || self.ranges.len() != list.items.len();
        if rebuild {
            self.rebuild_instances(list);
        } else {
            report.patched_instances = self.patch_instances(list, changed);
        }

        // A rebuilt list lays the instances out again but redraws only what
        // the caller says changed; a new view or target redraws everything.
        let full = resized || self.shown.as_ref() != Some(view) || *redraw == Redraw::All;
        let regions: Vec<Rect> = if full {
            vec![view.visible()]
        } else {
            match redraw {
                Redraw::Regions(r) => cluster(r),
                _ => Vec::new(),
            }
        };
        // One device pixel more, for antialiased edges that reach past
        // bounds; then whole device pixels, cut to the target.
        let m = 1.0 / view.factor();
        let regions: Vec<(Rect, (u32, u32, u32, u32))> = regions
            .into_iter()
            .map(|r| Rect::new(r.x - m, r.y - m, r.w + 2.0 * m, r.h + 2.0 * m))
            .filter_map(|r| view.device_pixels(&r).map(|s| (r, s)))
            .collect();
        report.full = full;
        report.redrawn = regions.iter().map(|(_, s)| *s).reduce(|a, b| {
            let (x0, y0) = (a.0.min(b.0), a.1.min(b.1));
            let (x1, y1) = ((a.0 + a.2).max(b.0 + b.2), (a.1 + a.3).max(b.1 + b.3));
            (x0, y0, x1 - x0, y1 - y0)
        });
        report.redrawn_pixels = regions.iter().map(|(_, s)| u64::from(s.2) * u64::from(s.3)).sum();

        let globals = Globals {
            origin: [view.origin.x, view.origin.y],
            size: [view.width as f32, view.height as f32],
            factor: view.factor(),
            time,
            pad: [0.0; 2],
        };
        self.gpu.queue.write_buffer(&self.state.globals, 0, bytemuck::bytes_of(&globals));

        // This frame's extra instances: the clear of the redrawn region
        // first, then the overlays, then the tint.
        let mut scratch = Vec::new();
        for (_, (x, y, w, h)) in &regions {
            let s = view.factor();
            // Wider than the scissor, so that its antialiased edge is cut off.
            let r = Rect::new(
                view.origin.x + (*x as f32 - 2.0) / s,
                view.origin.y + (*y as f32 - 2.0) / s,
                (*w as f32 + 4.0) / s,
                (*h as f32 + 4.0) / s,
            );
            scratch.push(rect_instance(r, 0.0, view.background, None, 1.0, None));
        }
        let overlay_start = scratch.len() as u32;
        Self::overlay_instances(overlays, &mut scratch);
        if self.tint_redraws && !full {
            let hue = [
                Color::rgba(255, 0, 128, 70),
                Color::rgba(0, 160, 255, 70),
                Color::rgba(255, 200, 0, 70),
                Color::rgba(0, 220, 120, 70),
            ][(self.frames % 4) as usize];
            for (r, _) in &regions {
                scratch.push(rect_instance(*r, 0.0, hue, None, 1.0, None));
            }
        }
        let overlay_end = scratch.len() as u32;
        self.upload_scratch(&scratch);

        let mut encoder =
            self.gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("trellis frame") });
        let timer_slot = self.state.timer.as_ref().and_then(Timer::free);

        // Each region's batches, one after the other; a batch remembers its region.
        let mut draws = Vec::new();
        for (k, (region, _)) in regions.iter().enumerate() {
            for mut b in self.plan(list, region) {
                b.region = k;
                draws.push(b);
            }
        }
        report.instances = draws.iter().map(|b| b.shapes.iter().map(|(r, _)| r.len()).sum::<usize>()).sum();
        report.texts = draws.iter().map(|b| b.texts.len()).sum();
        report.batches = draws.len();
        if !draws.is_empty() {
            self.prepare_texts(list, view, &draws);
        }
        {
            let target = self.state.canvas.as_ref().expect("made above");
            let timer = timer_slot.and(self.state.timer.as_ref()).map(|t| (&t.queries, 0));
            let mut pass = load_pass(&mut encoder, &target.canvas_view, "trellis canvas", timer);
            let mut region = None;
            for (i, batch) in draws.iter().enumerate() {
                if region != Some(batch.region) {
                    // A new region: scissor to it and clear it.
                    let (x, y, w, h) = regions[batch.region].1;
                    pass.set_scissor_rect(x, y, w, h);
                    pass.set_pipeline(&self.state.pipeline);
                    pass.set_bind_group(0, &self.state.bind_group, &[]);
                    pass.set_vertex_buffer(0, self.state.scratch.slice(..));
                    let k = batch.region as u32;
                    pass.draw(0..4, k..k + 1);
                    region = Some(batch.region);
                }
                if !batch.shapes.is_empty() {
                    pass.set_bind_group(0, &self.state.bind_group, &[]);
                    pass.set_vertex_buffer(0, self.state.instances.slice(..));
                    let mut current = None;
                    for (r, special) in &batch.shapes {
                        if current != Some(*special) {
                            let p = if *special { &self.state.special_pipeline } else { &self.state.pipeline };
                            pass.set_pipeline(p);
                            current = Some(*special);
                        }
                        pass.draw(0..4, r.clone());
                    }
                }
                if !batch.texts.is_empty() {
                    let renderer = &self.state.text_renderers[i];
                    // A text that failed to prepare is left out, never a panic.
                    let _ = renderer.render(&self.state.text_atlas, &self.state.text_viewport, &mut pass);
                }
            }
        }

        let target = self.state.canvas.as_ref().expect("made above");
        encoder.copy_texture_to_texture(
            target.canvas.as_image_copy(),
            target.frame.as_image_copy(),
            wgpu::Extent3d { width: target.width, height: target.height, depth_or_array_layers: 1 },
        );
        {
            let timer = timer_slot.and(self.state.timer.as_ref()).map(|t| (&t.queries, 2));
            let mut pass = load_pass(&mut encoder, &target.frame_view, "trellis overlays", timer);
            if overlay_end > overlay_start {
                pass.set_bind_group(0, &self.state.bind_group, &[]);
                pass.set_vertex_buffer(0, self.state.scratch.slice(..));
                // Runs of common and special shapes, in order.
                let mut start = overlay_start;
                while start < overlay_end {
                    let special = scratch[start as usize].is_special();
                    let mut end = start + 1;
                    while end < overlay_end && scratch[end as usize].is_special() == special {
                        end += 1;
                    }
                    pass.set_pipeline(if special { &self.state.special_pipeline } else { &self.state.pipeline });
                    pass.draw(0..4, start..end);
                    start = end;
                }
            }
        }
        let mut mapped = None;
        if let (Some(slot), Some(t)) = (timer_slot, self.state.timer.as_mut()) {
            encoder.resolve_query_set(&t.queries, 0..Timer::QUERIES, &t.resolve, 0);
            encoder.copy_buffer_to_buffer(&t.resolve, 0, &t.readbacks[slot].0, 0, u64::from(Timer::QUERIES) * 8);
            t.readbacks[slot].2 = true;
            t.next = slot + 1;
            mapped = Some(slot);
        }
        self.gpu.queue.submit([encoder.finish()]);
        if let (Some(slot), Some(t)) = (mapped, self.state.timer.as_ref()) {
            let ready = Arc::clone(&t.readbacks[slot].1);
            t.readbacks[slot].0.slice(..).map_async(wgpu::MapMode::Read, move |r| {
                if r.is_ok() {
                    ready.store(true, Ordering::Release);
                }
            });
        }
        self.state.text_atlas.trim();
        self.trim_texts();
        self.epoch = Some(list.epoch());
        self.shown = Some(*view);
        self.frames += 1;
        report.encode_ns = start.elapsed().as_nanos() as u64;
        Ok(report)
    }

    /// Waits until the GPU has finished every frame submitted, and reads the
    /// GPU time of the newest one.
    pub fn finish(&mut self) {
        let _ = self.gpu.device.poll(wgpu::PollType::wait_indefinitely());
        if let Some(t) = self.state.timer.as_mut().and_then(Timer::collect) {
            self.last_gpu_ns = Some(t);
        }
    }

    /// Reads the last frame back into a pixmap (waits for the GPU).
    pub fn read_frame(&mut self) -> Result<Pixmap, GpuError> {
        let target = self.state.canvas.as_ref().ok_or_else(|| GpuError::Readback("no frame drawn yet".into()))?;
        let (width, height) = (target.width, target.height);
        let row = (width * 4).div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT) * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
        let buffer = self.gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("trellis frame readback"),
            size: u64::from(row) * u64::from(height),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder =
            self.gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("trellis readback") });
        encoder.copy_texture_to_buffer(
            target.frame.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &buffer,
                layout: wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(row), rows_per_image: None },
            },
            wgpu::Extent3d { width, height, depth_or_array_layers: 1 },
        );
        self.gpu.queue.submit([encoder.finish()]);
        let (tx, rx) = std::sync::mpsc::channel();
        buffer.slice(..).map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        self.gpu.device.poll(wgpu::PollType::wait_indefinitely()).map_err(|e| GpuError::Readback(e.to_string()))?;
        rx.recv().map_err(|e| GpuError::Readback(e.to_string()))?.map_err(|e| GpuError::Readback(e.to_string()))?;
        let mut pixels = Vec::with_capacity((width * height * 4) as usize);
        {
            let data = buffer.slice(..).get_mapped_range().map_err(|e| GpuError::Readback(e.to_string()))?;
            for y in 0..height as usize {
                let start = y * row as usize;
                pixels.extend_from_slice(&data[start..start + width as usize * 4]);
            }
        }
        buffer.unmap();
        let size = tiny_skia::IntSize::from_wh(width, height).expect("a checked size");
        // The canvas is opaque, so premultiplied and straight alpha agree.
        Pixmap::from_vec(pixels, size).ok_or_else(|| GpuError::Readback("the frame has the wrong size".into()))
    }

    fn rebuild_instances(&mut self, list: &DisplayList) {
        self.instances.clear();
        self.ranges.clear();
        for item in &list.items {
            let start = self.instances.len() as u32;
            self.item_instances(item);
            self.ranges.push(start..self.instances.len() as u32);
        }
        self.upload_instances();
    }

    fn upload_instances(&mut self) {
        let needed = (self.instances.len() as u64).max(1);
        if needed > self.state.instance_capacity {
            let (b, c) = instance_buffer(&self.gpu.device, "trellis canvas instances", needed + needed / 2);
            self.state.instances = b;
            self.state.instance_capacity = c;
        }
        if !self.instances.is_empty() {
            self.gpu.queue.write_buffer(&self.state.instances, 0, bytemuck::cast_slice(&self.instances));
        }
    }

    /// Rewrites the instances of the patched items in place; when an item
    /// now has a different number of them, everything is laid out again.
    fn patch_instances(&mut self, list: &DisplayList, changed: &[usize]) -> usize {
        let mut written = 0;
        let mut fresh = Vec::new();
        for &i in changed {
            let Some(item) = list.items.get(i) else { continue };
            let range = self.ranges[i].clone();
            let keep = std::mem::take(&mut self.instances);
            self.instances = fresh;
            self.item_instances(item);
            fresh = std::mem::replace(&mut self.instances, keep);
            if fresh.len() != range.len() {
                self.rebuild_instances(list);
                return self.instances.len();
            }
            self.instances[range.start as usize..range.end as usize].copy_from_slice(&fresh);
            let offset = u64::from(range.start) * std::mem::size_of::<Instance>() as u64;
            if !fresh.is_empty() {
                self.gpu.queue.write_buffer(&self.state.instances, offset, bytemuck::cast_slice(&fresh));
            }
            written += fresh.len();
            fresh.clear();
        }
        written
    }

    fn upload_scratch(&mut self, scratch: &[Instance]) {
        let needed = (scratch.len() as u64).max(1);
        if needed > self.state.scratch_capacity {
            let (b, c) = instance_buffer(&self.gpu.device, "trellis frame instances", needed);
            self.state.scratch = b;
            self.state.scratch_capacity = c;
        }
        if !scratch.is_empty() {
            self.gpu.queue.write_buffer(&self.state.scratch, 0, bytemuck::cast_slice(scratch));
        }
    }

    /// The shapes of one item, appended to the retained instances.
    fn item_instances(&mut self, item: &Item) {
        let clip = item.clip;
        let o = item.opacity;
        for prim in &item.primitives {
            match prim {
                Primitive::Rect { rect, radius, fill, border } => {
                    self.instances.push(rect_instance(*rect, *radius, *fill, *border, o, clip));
                }
                Primitive::Shadow { rect, radius, blur, color } => self.instances.push(Instance {
                    rect: [rect.x, rect.y, rect.w, rect.h],
                    fill: rgba(*color, o),
                    clip: clip_of(clip),
                    params: [KIND_SHADOW, *radius, 0.0, *blur],
                    ..Instance::default()
                }),
                Primitive::Line { from, to, width, color } => {
                    self.instances.push(line_instance(*from, *to, *width, *color, o, clip, 0.0));
                }
                Primitive::Text { .. } => {}
                Primitive::Image { rect, path } => match self.image(path) {
                    Some(img) => self.instances.push(Instance {
                        rect: [rect.x, rect.y, rect.w, rect.h],
                        fill: [1.0, 1.0, 1.0, o.clamp(0.0, 1.0)],
                        clip: clip_of(clip),
                        params: [KIND_IMAGE, 0.0, 0.0, 0.0],
                        extra: img.uv,
                        ..Instance::default()
                    }),
                    // A missing or unreadable image shows as a crossed box, as on the CPU.
                    None => {
                        let grey = Color::rgba(128, 128, 128, 160);
                        for (a, b) in [
                            ((rect.x, rect.y), (rect.right(), rect.bottom())),
                            ((rect.right(), rect.y), (rect.x, rect.bottom())),
                        ] {
                            self.instances.push(line_instance(
                                trellis_geometry::Point::new(a.0, a.1),
                                trellis_geometry::Point::new(b.0, b.1),
                                1.0,
                                grey,
                                o,
                                clip,
                                0.0,
                            ));
                        }
                    }
                },
            }
        }
    }

    /// An image's place in the atlas, loading and uploading it the first time.
    fn image(&mut self, path: &str) -> Option<AtlasImage> {
        let full = self.base_dir.join(path);
        if let Some(found) = self.images.get(&full) {
            return *found;
        }
        let placed = self.upload_image(&full);
        self.images.insert(full, placed);
        placed
    }

    fn upload_image(&mut self, path: &Path) -> Option<AtlasImage> {
        let mut img = Pixmap::load_png(path).ok()?;
        if img.width() > ATLAS_MAX_IMAGE || img.height() > ATLAS_MAX_IMAGE {
            let s = ATLAS_MAX_IMAGE as f32 / img.width().max(img.height()) as f32;
            let (w, h) = (((img.width() as f32 * s) as u32).max(1), ((img.height() as f32 * s) as u32).max(1));
            let mut small = Pixmap::new(w, h)?;
            small.draw_pixmap(
                0,
                0,
                img.as_ref(),
                &tiny_skia::PixmapPaint { quality: tiny_skia::FilterQuality::Bilinear, ..Default::default() },
                tiny_skia::Transform::from_scale(s, s),
                None,
            );
            img = small;
        }
        let alloc = self.image_allocator.allocate(etagere::size2(img.width() as i32, img.height() as i32))?;
        let (x, y) = (alloc.rectangle.min.x as u32, alloc.rectangle.min.y as u32);
        self.gpu.queue.write_texture(
            wgpu::TexelCopyTextureInfo {
                texture: &self.state.atlas,
                mip_level: 0,
                origin: wgpu::Origin3d { x, y, z: 0 },
                aspect: wgpu::TextureAspect::All,
            },
            img.data(),
            wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(img.width() * 4), rows_per_image: None },
            wgpu::Extent3d { width: img.width(), height: img.height(), depth_or_array_layers: 1 },
        );
        let a = ATLAS_SIZE as f32;
        Some(AtlasImage {
            uv: [x as f32 / a, y as f32 / a, (x + img.width()) as f32 / a, (y + img.height()) as f32 / a],
        })
    }

    /// Which items to draw for `region`, in batches that keep paint order:
    /// a batch's shapes are drawn, then its text; a shape that would cover
    /// text of the current batch starts a new one.
    fn plan(&self, list: &DisplayList, region: &Rect) -> Vec<Batch> {
        let mut batches = vec![Batch::default()];
        // Coarse cells covered by the current batch's text.
        let mut covered = CoverGrid::new(*region);
        for (i, item) in list.items.iter().enumerate() {
            if !overlaps(&item.bounds, region) {
                continue;
            }
            let has_shapes = !self.ranges[i].is_empty();
            // Past the cap, paint order between shapes and text is given up
            // rather than the pool of text renderers growing without bound.
            if has_shapes && batches.len() < MAX_BATCHES && covered.any(&item.bounds) {
                batches.push(Batch::default());
                covered.clear();
            }
            let batch = batches.last_mut().expect("never empty");
            if has_shapes {
                let r = self.ranges[i].clone();
                let special = self.instances[r.start as usize..r.end as usize].iter().any(Instance::is_special);
                match batch.shapes.last_mut() {
                    Some((last, s)) if last.end == r.start && *s == special => last.end = r.end,
                    _ => batch.shapes.push((r, special)),
                }
            }
            for (j, prim) in item.primitives.iter().enumerate() {
                if let Primitive::Text { rect, .. } = prim {
                    batch.texts.push((i, j));
                    covered.mark(rect);
                }
            }
        }
        batches
    }

    /// Shapes every text of the plan (reusing earlier shaping) and hands
    /// each batch's text to its glyphon renderer.
    fn prepare_texts(&mut self, list: &DisplayList, view: &View, batches: &[Batch]) {
        let s = view.factor();
        let mut keys: Vec<Vec<PlacedText>> = Vec::new();
        for batch in batches {
            let mut areas = Vec::new();
            for &(i, j) in &batch.texts {
                let item = &list.items[i];
                let Primitive::Text { rect, text, size, color, align, wrap, top } = &item.primitives[j] else {
                    continue;
                };
                let device = view.to_device(rect);
                if device.w < 1.0 || device.h < 1.0 || size * s < 1.0 {
                    continue;
                }
                let key = self.shape(text, *size * s, &device, *align, *wrap);
                let dy = if *top { 0.0 } else { self.texts[&key].dy };
                let mut bounds = glyphon::TextBounds {
                    left: device.x.ceil() as i32,
                    top: device.y.ceil() as i32,
                    right: device.right().ceil() as i32,
                    bottom: device.bottom().ceil() as i32,
                };
                if let Some(c) = item.clip {
                    let c = view.to_device(&c);
                    bounds.left = bounds.left.max(c.x.ceil() as i32);
                    bounds.top = bounds.top.max(c.y.ceil() as i32);
                    bounds.right = bounds.right.min(c.right().ceil() as i32);
                    bounds.bottom = bounds.bottom.min(c.bottom().ceil() as i32);
                }
                let c = rgba(*color, item.opacity);
                let color = glyphon::Color::rgba(color.r, color.g, color.b, (c[3] * 255.0).round() as u8);
                areas.push(PlacedText { key, left: device.x.round(), top: (device.y + dy).round(), bounds, color });
            }
            keys.push(areas);
        }
        self.state
            .text_viewport
            .update(&self.gpu.queue, glyphon::Resolution { width: view.width, height: view.height });
        while self.state.text_renderers.len() < batches.len() {
            let r = glyphon::TextRenderer::new(
                &mut self.state.text_atlas,
                &self.gpu.device,
                wgpu::MultisampleState::default(),
                None,
            );
            self.state.text_renderers.push(r);
        }
        for b in 0..self.state.text_renderers.len() {
            // Renderers of batches this frame has not, or without text, draw nothing.
            let areas = keys.get(b).map_or(&[][..], Vec::as_slice);
            let texts = &self.texts;
            let areas = areas.iter().map(|p| glyphon::TextArea {
                buffer: &texts[&p.key].buffer,
                left: p.left,
                top: p.top,
                scale: 1.0,
                bounds: p.bounds,
                default_color: p.color,
                custom_glyphs: &[],
            });
            let state = &mut self.state;
            if state.text_renderers[b]
                .prepare(
                    &self.gpu.device,
                    &self.gpu.queue,
                    &mut self.fonts,
                    &mut state.text_atlas,
                    &state.text_viewport,
                    areas,
                    &mut self.glyphs,
                )
                .is_err()
                && let Ok(mut e) = self.errors.lock()
            {
                e.push("the glyph atlas is full: some text was not drawn".into());
            }
        }
    }

    /// Shapes a text for a device box, or finds it shaped; returns its key.
    fn shape(&mut self, text: &str, size: f32, device: &Rect, align: TextAlign, wrap: bool) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut h);
        size.to_bits().hash(&mut h);
        device.w.to_bits().hash(&mut h);
        device.h.to_bits().hash(&mut h);
        (align as u8).hash(&mut h);
        wrap.hash(&mut h);
        let key = h.finish();
        let frame = self.frames;
        if let Some(t) = self.texts.get_mut(&key)
            && t.text == text
        {
            t.last_used = frame;
            return key;
        }
        let shaped = crate::text::shape(&mut self.fonts, text, size, device, align, wrap);
        self.texts.insert(
            key,
            ShapedText { text: text.to_owned(), buffer: shaped.buffer, dy: shaped.centre_dy, last_used: frame },
        );
        key
    }

    /// Forgets shaped text not drawn for a while, so that a long session
    /// of edits does not grow the cache without bound.
    fn trim_texts(&mut self) {
        const KEEP_FRAMES: u64 = 120;
        const FLOOR: usize = 4096;
        if self.texts.len() > FLOOR {
            let now = self.frames;
            self.texts.retain(|_, t| now.saturating_sub(t.last_used) <= KEEP_FRAMES);
        }
    }

    fn overlay_instances(overlays: &OverlayLayer, out: &mut Vec<Instance>) {
        for (prim, effect) in &overlays.primitives {
            let pulse = match effect {
                Effect::None => [0.0, 0.0],
                Effect::Pulse => [PULSE.0, PULSE.1],
            };
            let mut instance = match prim {
                Primitive::Rect { rect, radius, fill, border } => {
                    rect_instance(*rect, *radius, *fill, *border, 1.0, None)
                }
                Primitive::Shadow { rect, radius, blur, color } => Instance {
                    rect: [rect.x, rect.y, rect.w, rect.h],
                    fill: rgba(*color, 1.0),
                    clip: UNCLIPPED,
                    params: [KIND_SHADOW, *radius, 0.0, *blur],
                    ..Instance::default()
                },
                Primitive::Line { from, to, width, color } => line_instance(*from, *to, *width, *color, 1.0, None, 0.0),
                // The overlay layer draws shapes only.
                Primitive::Text { .. } | Primitive::Image { .. } => continue,
            };
            instance.extra[0] = pulse[0];
            instance.extra[1] = pulse[1];
            out.push(instance);
        }
    }
}

/// A render pass that draws over what `view` holds, with a timestamp at
/// each end (`timer`: the query set and the first of two indices).
fn load_pass<'e>(
    encoder: &'e mut wgpu::CommandEncoder,
    view: &wgpu::TextureView,
    label: &str,
    timer: Option<(&wgpu::QuerySet, u32)>,
) -> wgpu::RenderPass<'e> {
    let timestamp_writes = timer.map(|(query_set, first)| wgpu::RenderPassTimestampWrites {
        query_set,
        beginning_of_pass_write_index: Some(first),
        end_of_pass_write_index: Some(first + 1),
    });
    encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
        label: Some(label),
        color_attachments: &[Some(wgpu::RenderPassColorAttachment {
            view,
            depth_slice: None,
            resolve_target: None,
            ops: wgpu::Operations { load: wgpu::LoadOp::Load, store: wgpu::StoreOp::Store },
        })],
        depth_stencil_attachment: None,
        timestamp_writes,
        occlusion_query_set: None,
        multiview_mask: None,
    })
}

fn rect_instance(
    rect: Rect,
    radius: f32,
    fill: Color,
    border: Option<(f32, Color)>,
    opacity: f32,
    clip: Option<Rect>,
) -> Instance {
    let (bw, bc) = border.unwrap_or((0.0, Color::rgba(0, 0, 0, 0)));
    Instance {
        rect: [rect.x, rect.y, rect.w, rect.h],
        fill: rgba(fill, opacity),
        border: rgba(bc, opacity),
        clip: clip_of(clip),
        params: [KIND_RECT, radius, bw, 0.0],
        extra: [0.0; 4],
    }
}

fn line_instance(
    from: trellis_geometry::Point,
    to: trellis_geometry::Point,
    width: f32,
    color: Color,
    opacity: f32,
    clip: Option<Rect>,
    pulse: f32,
) -> Instance {
    Instance {
        rect: [from.x, from.y, to.x, to.y],
        fill: rgba(color, opacity),
        clip: clip_of(clip),
        params: [KIND_LINE, 0.0, width, 0.0],
        extra: [pulse, 0.0, 0.0, 0.0],
        ..Instance::default()
    }
}

/// A shaped text and where it goes this frame, in device pixels.
struct PlacedText {
    key: u64,
    left: f32,
    top: f32,
    bounds: glyphon::TextBounds,
    color: glyphon::Color,
}

/// Merges damage rectangles into a few regions to redraw: two merge when
/// their union is not much larger than both together (a widget's old and
/// new places a step apart), and stay apart when far from each other (a
/// widget dropped across the canvas), so that the space between them is
/// not redrawn for nothing.
fn cluster(rects: &[Rect]) -> Vec<Rect> {
    const MAX_REGIONS: usize = 8;
    let area = |r: &Rect| r.w.max(0.0) * r.h.max(0.0);
    let mut out: Vec<Rect> = Vec::new();
    for r in rects.iter().filter(|r| r.w > 0.0 && r.h > 0.0) {
        out.push(*r);
        // Merge until no pair is worth merging.
        loop {
            let mut best = None;
            for i in 0..out.len() {
                for j in i + 1..out.len() {
                    let u = out[i].union(&out[j]);
                    let worth = area(&u) <= 1.5 * (area(&out[i]) + area(&out[j])) || out.len() > MAX_REGIONS;
                    if worth && best.is_none_or(|(_, _, a)| area(&u) < a) {
                        best = Some((i, j, area(&u)));
                    }
                }
            }
            let Some((i, j, _)) = best else { break };
            let merged = out[i].union(&out[j]);
            out.swap_remove(j);
            out[i] = merged;
        }
    }
    out
}

/// The draws of one batch: instance ranges, then texts (item, primitive).
#[derive(Debug, Default)]
struct Batch {
    /// Which of the frame's regions this batch draws in.
    region: usize,
    /// Instance ranges, and whether a range needs the special pipeline.
    shapes: Vec<(Range<u32>, bool)>,
    texts: Vec<(usize, usize)>,
}

/// Which coarse cells of a region some text covers.
struct CoverGrid {
    region: Rect,
    cell: f32,
    columns: usize,
    rows: usize,
    cells: Vec<bool>,
}

impl CoverGrid {
    const SIDE: usize = 48;

    fn new(region: Rect) -> Self {
        let cell = (region.w.max(region.h) / Self::SIDE as f32).max(1.0);
        let columns = ((region.w / cell).ceil() as usize).clamp(1, Self::SIDE);
        let rows = ((region.h / cell).ceil() as usize).clamp(1, Self::SIDE);
        CoverGrid { region, cell, columns, rows, cells: vec![false; columns * rows] }
    }

    fn span(&self, r: &Rect) -> Option<(Range<usize>, Range<usize>)> {
        let x0 = ((r.x - self.region.x) / self.cell).floor().max(0.0) as usize;
        let y0 = ((r.y - self.region.y) / self.cell).floor().max(0.0) as usize;
        let x1 = (((r.right() - self.region.x) / self.cell).floor().max(0.0) as usize).min(self.columns - 1);
        let y1 = (((r.bottom() - self.region.y) / self.cell).floor().max(0.0) as usize).min(self.rows - 1);
        (x0 <= x1 && y0 <= y1).then_some((x0..x1 + 1, y0..y1 + 1))
    }

    fn mark(&mut self, r: &Rect) {
        if let Some((xs, ys)) = self.span(r) {
            for y in ys {
                for x in xs.clone() {
                    self.cells[y * self.columns + x] = true;
                }
            }
        }
    }

    fn any(&self, r: &Rect) -> bool {
        self.span(r)
            .is_some_and(|(xs, ys)| ys.into_iter().any(|y| xs.clone().any(|x| self.cells[y * self.columns + x])))
    }

    fn clear(&mut self) {
        self.cells.fill(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damage_next_to_each_other_merges_and_far_apart_stays_apart() {
        let a = Rect::new(0.0, 0.0, 100.0, 50.0);
        let step = Rect::new(4.0, 2.0, 100.0, 50.0);
        assert_eq!(cluster(&[a, step]), vec![a.union(&step)]);
        let far = Rect::new(900.0, 700.0, 100.0, 50.0);
        assert_eq!(cluster(&[a, far]).len(), 2, "the space between a drag's start and end is not redrawn");
        // However many rectangles, a bounded number of regions.
        let many: Vec<Rect> = (0..40).map(|i| Rect::new(i as f32 * 300.0, 0.0, 10.0, 10.0)).collect();
        assert!(cluster(&many).len() <= 8);
        assert!(cluster(&[]).is_empty());
    }
}
