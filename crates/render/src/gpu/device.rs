//! Everything created from the device: the shape pipelines, the uniform
//! buffer and bind group, the instance buffers, glyphon's atlas and the
//! canvas and frame textures. Kept apart from what the renderer retains, so
//! that a lost device is rebuilt from scratch and everything re-uploaded.

use super::atlas;
use super::instances::{Instance, Look, Pipe, Place};
use super::refine::Resampler;
use super::timestamps::Timer;
use crate::adapter::Gpu;
use crate::view::View;

/// The pixel format of the canvas and frame textures
/// ([`GpuRenderer::canvas_texture`](super::GpuRenderer::canvas_texture),
/// [`GpuRenderer::frame_texture`](super::GpuRenderer::frame_texture))
/// wherever the adapter can draw and blend in it, but on OpenGL
/// ([`preferred_target_format`]), unless the renderer was opened for the
/// other ([`GpuRenderer::with_target_format`](super::GpuRenderer::with_target_format)).
///
/// Blue first: Mesa's llvmpipe (lavapipe, the software adapter; Mesa 22.3
/// read) draws a quad whose inputs are the same at its four corners as one
/// rectangle, not two triangles, only into this format; that halves its
/// set-up and shades each block of pixels once (see `shapes.wgsl`).
///
/// Colours are blended as stored (sRGB values), as the CPU rasteriser and
/// most UI toolkits blend them, so the textures hold sRGB-encoded values in
/// a format wgpu treats as linear: present them without a further sRGB
/// conversion.
pub const TEXTURE_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Bgra8Unorm;

/// The canvas and frame textures' format on OpenGL, where wgpu keeps
/// [`TEXTURE_FORMAT`] as red first anyway (and reading it back blue first
/// needs an extension on OpenGL ES), and where an adapter cannot draw and
/// blend in [`TEXTURE_FORMAT`].
pub const FALLBACK_TEXTURE_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;

/// The format a renderer draws its canvas in on `adapter` unless asked for
/// another: [`TEXTURE_FORMAT`], but [`FALLBACK_TEXTURE_FORMAT`] on OpenGL
/// or where the adapter cannot draw, blend, filter and copy in it.
pub fn preferred_target_format(adapter: &wgpu::Adapter) -> wgpu::TextureFormat {
    choose_format(None, adapter.get_info().backend == wgpu::Backend::Gl, |f| usable(adapter, f))
}

/// The canvas and frame textures' format for `asked` on `adapter`: either
/// of the two the renderer draws in, as asked where the adapter can use
/// it; anything else means [`preferred_target_format`].
pub(super) fn target_format(adapter: &wgpu::Adapter, asked: wgpu::TextureFormat) -> wgpu::TextureFormat {
    choose_format(Some(asked), adapter.get_info().backend == wgpu::Backend::Gl, |f| usable(adapter, f))
}

/// Whether the renderer can draw, blend, filter, sample and copy in `format`.
fn usable(adapter: &wgpu::Adapter, format: wgpu::TextureFormat) -> bool {
    let features = adapter.get_texture_format_features(format);
    features.allowed_usages.contains(
        wgpu::TextureUsages::RENDER_ATTACHMENT
            | wgpu::TextureUsages::TEXTURE_BINDING
            | wgpu::TextureUsages::COPY_SRC
            | wgpu::TextureUsages::COPY_DST,
    ) && features
        .flags
        .contains(wgpu::TextureFormatFeatureFlags::BLENDABLE | wgpu::TextureFormatFeatureFlags::FILTERABLE)
}

/// The choice of [`target_format`] and [`preferred_target_format`]: the
/// format asked for (either of the two), else the one this backend
/// prefers, as long as it is usable; else the other, if that is.
fn choose_format(
    asked: Option<wgpu::TextureFormat>,
    gl: bool,
    usable: impl Fn(wgpu::TextureFormat) -> bool,
) -> wgpu::TextureFormat {
    let preferred = if gl { FALLBACK_TEXTURE_FORMAT } else { TEXTURE_FORMAT };
    let first = asked.filter(|f| [TEXTURE_FORMAT, FALLBACK_TEXTURE_FORMAT].contains(f)).unwrap_or(preferred);
    let other = if first == TEXTURE_FORMAT { FALLBACK_TEXTURE_FORMAT } else { TEXTURE_FORMAT };
    if usable(first) || !usable(other) { first } else { other }
}

/// The shapes shader for `backend`. Its varyings are interpolated
/// linearly, which saves a software rasteriser a division a pixel over
/// perspective (the same values, w being 1), but GLSL ES has no
/// qualifier for it: on OpenGL they are interpolated the default way.
pub(super) fn shapes_source(backend: wgpu::Backend) -> std::borrow::Cow<'static, str> {
    const SOURCE: &str = include_str!("../shapes.wgsl");
    if backend == wgpu::Backend::Gl { SOURCE.replace("@interpolate(linear) ", "").into() } else { SOURCE.into() }
}

/// The shader's uniforms (see `shapes.wgsl`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, bytemuck::Pod, bytemuck::Zeroable)]
pub(super) struct Globals {
    origin: [f32; 2],
    size: [f32; 2],
    factor: f32,
    time: f32,
    pad: [f32; 2],
}

impl Globals {
    pub(super) fn new(view: &View, time: f32) -> Self {
        Globals {
            origin: [view.origin.x, view.origin.y],
            size: [view.width as f32, view.height as f32],
            factor: view.factor(),
            time,
            pad: [0.0; 2],
        }
    }
}

/// Everything created from the device: rebuilt when it is lost.
pub(super) struct DeviceState {
    /// Rectangles and lines, by a lean shader (`vs_common`, `fs_common`).
    pub(super) pipeline: wgpu::RenderPipeline,
    /// Every kind, shadows, images and pulses included.
    pub(super) special_pipeline: wgpu::RenderPipeline,
    /// Draws opaque insides (strip 5 of a rectangle) with no blending.
    pub(super) opaque_pipeline: wgpu::RenderPipeline,
    /// Draws translucent insides (strip 6 of a rectangle): the fill,
    /// blended.
    pub(super) flat_pipeline: wgpu::RenderPipeline,
    pub(super) globals: wgpu::Buffer,
    pub(super) bind_group: wgpu::BindGroup,
    pub(super) atlas: wgpu::Texture,
    /// The retained instances of every item.
    pub(super) instances: InstanceBuffers,
    /// This frame's extra instances: clears, overlays, tints.
    pub(super) scratch: InstanceBuffers,
    pub(super) canvas: Option<Target>,
    pub(super) text_atlas: glyphon::TextAtlas,
    pub(super) text_viewport: glyphon::Viewport,
    pub(super) text_renderers: Vec<glyphon::TextRenderer>,
    pub(super) timer: Option<Timer>,
    /// The format of the canvas and frame textures.
    pub(super) format: wgpu::TextureFormat,
    /// Draws the last frame scaled to a new view (`refine.rs`).
    pub(super) resampler: Resampler,
}

/// The canvas (kept between frames) and the frame (canvas plus overlays).
pub(super) struct Target {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) canvas: Canvas,
    /// The twin of the canvas and the frame: a move of the canvas's
    /// pixels copies them into it, which then becomes the canvas (a
    /// texture cannot be copied onto itself, and through a scratch texture
    /// every pixel moved would be copied twice); a move of the frame's
    /// likewise becomes the frame. It holds nothing of worth, but right
    /// after a move of the canvas: the canvas as it was, which a move of
    /// the frame in the same frame shows past the pixels it moves
    /// (`move_frame` in mod.rs).
    pub(super) spare: Canvas,
    /// The canvas with the overlays over it: what is shown. Made as the
    /// canvas textures are, so that it can trade places with the spare.
    pub(super) frame: Canvas,
}

/// One of the three textures of a target (the canvas, the frame and the
/// spare, which trade places), with what draws into it and what samples
/// it.
pub(super) struct Canvas {
    pub(super) texture: wgpu::Texture,
    pub(super) view: wgpu::TextureView,
    /// Samples this texture, for a resampling into the other.
    pub(super) resample_bind: wgpu::BindGroup,
}

impl Target {
    /// The spare's pixels become the canvas's.
    pub(super) fn swap_canvas(&mut self) {
        std::mem::swap(&mut self.canvas, &mut self.spare);
    }

    /// The spare's pixels become the frame's: the frame texture is
    /// another from now on ([`GpuRenderer::frame_texture`](super::GpuRenderer::frame_texture)).
    pub(super) fn swap_frame(&mut self) {
        std::mem::swap(&mut self.frame, &mut self.spare);
    }
}

impl DeviceState {
    /// The pipeline that draws instances of `pipe`: with `lean` off, the
    /// common shapes too are drawn by the full shader
    /// ([`GpuRenderer::lean_shapes`](super::GpuRenderer::lean_shapes)).
    pub(super) fn pipeline_for(&self, pipe: Pipe, lean: bool) -> &wgpu::RenderPipeline {
        match pipe {
            Pipe::Common if !lean => &self.special_pipeline,
            Pipe::Common => &self.pipeline,
            Pipe::Special => &self.special_pipeline,
            Pipe::Opaque => &self.opaque_pipeline,
            Pipe::Flat => &self.flat_pipeline,
        }
    }

    pub(super) fn new(gpu: &Gpu, format: wgpu::TextureFormat) -> Self {
        let device = &gpu.device;
        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("trellis shapes"),
            source: wgpu::ShaderSource::Wgsl(shapes_source(gpu.info.backend)),
        });
        let bind_group_layout =
            uniform_texture_sampler_layout(device, "trellis shapes", wgpu::ShaderStages::VERTEX_FRAGMENT);
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("trellis shapes"),
            bind_group_layouts: &[Some(&bind_group_layout)],
            ..Default::default()
        });
        // Each pipeline's entry points and blending (`shapes.wgsl`).
        let blended = Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING);
        let make = |vertex: &str, fragment: &str, blend: Option<wgpu::BlendState>| {
            device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some("trellis shapes"),
                layout: Some(&layout),
                vertex: wgpu::VertexState {
                    module: &shader,
                    entry_point: Some(vertex),
                    buffers: &[
                        Some(wgpu::VertexBufferLayout {
                            array_stride: std::mem::size_of::<Place>() as u64,
                            step_mode: wgpu::VertexStepMode::Instance,
                            attributes: &PLACE_ATTRIBUTES,
                        }),
                        Some(wgpu::VertexBufferLayout {
                            array_stride: std::mem::size_of::<Look>() as u64,
                            step_mode: wgpu::VertexStepMode::Instance,
                            attributes: &LOOK_ATTRIBUTES,
                        }),
                    ],
                    compilation_options: wgpu::PipelineCompilationOptions::default(),
                },
                fragment: Some(wgpu::FragmentState {
                    module: &shader,
                    entry_point: Some(fragment),
                    targets: &[Some(wgpu::ColorTargetState { format, blend, write_mask: wgpu::ColorWrites::ALL })],
                    compilation_options: wgpu::PipelineCompilationOptions::default(),
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
        // Rectangles and lines; every kind; opaque insides of large
        // rectangles, replacing what is under them; translucent insides.
        let pipeline = make("vs_common", "fs_common", blended);
        let special_pipeline = make("vs_main", "fs_main", blended);
        let opaque_pipeline = make("vs_common", "fs_opaque", None);
        let flat_pipeline = make("vs_flat", "fs_flat", blended);
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
        let atlas = atlas::texture(device);
        let atlas_view = atlas.create_view(&wgpu::TextureViewDescriptor::default());
        let bind_group = bind(device, &bind_group_layout, &globals, &atlas_view, &sampler);
        let instances = InstanceBuffers::new(device, "trellis canvas instances", 1024);
        let scratch = InstanceBuffers::new(device, "trellis frame instances", 256);
        let text_cache = glyphon::Cache::new(device);
        let text_atlas =
            glyphon::TextAtlas::with_color_mode(device, &gpu.queue, &text_cache, format, glyphon::ColorMode::Web);
        let text_viewport = glyphon::Viewport::new(device, &text_cache);
        let timer = gpu.device.features().contains(wgpu::Features::TIMESTAMP_QUERY).then(|| Timer::new(gpu));
        let resampler = Resampler::new(device, format);
        DeviceState {
            pipeline,
            special_pipeline,
            opaque_pipeline,
            flat_pipeline,
            globals,
            bind_group,
            atlas,
            instances,
            scratch,
            canvas: None,
            text_atlas,
            text_viewport,
            text_renderers: Vec::new(),
            timer,
            format,
            resampler,
        }
    }

    /// Makes the canvas and frame textures for a target size; returns
    /// whether they are new (and so hold nothing yet).
    pub(super) fn target(&mut self, device: &wgpu::Device, width: u32, height: u32) -> bool {
        if self.canvas.as_ref().is_some_and(|t| t.width == width && t.height == height) {
            return false;
        }
        let copies = wgpu::TextureUsages::COPY_SRC | wgpu::TextureUsages::COPY_DST;
        let make = |label, usage| {
            device.create_texture(&wgpu::TextureDescriptor {
                label: Some(label),
                size: wgpu::Extent3d { width, height, depth_or_array_layers: 1 },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format: self.format,
                usage,
                view_formats: &[],
            })
        };
        let drawn = copies | wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::TEXTURE_BINDING;
        let canvas = |label| {
            let texture = make(label, drawn);
            let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
            let resample_bind = self.resampler.bind(device, &view);
            Canvas { texture, view, resample_bind }
        };
        // One label: the three trade places.
        let (canvas, spare, frame) = (canvas("trellis target"), canvas("trellis target"), canvas("trellis target"));
        self.canvas = Some(Target { width, height, canvas, spare, frame });
        true
    }
}

/// A bind group layout of a uniform buffer (seen by `uniform_stages`), a
/// filterable 2D texture and its sampler (seen by the fragment stage): the
/// shapes' and the resampling's.
pub(super) fn uniform_texture_sampler_layout(
    device: &wgpu::Device,
    label: &str,
    uniform_stages: wgpu::ShaderStages,
) -> wgpu::BindGroupLayout {
    device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some(label),
        entries: &[
            wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: uniform_stages,
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
    })
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

/// An instance's fields, by their locations in `shapes.wgsl`, in the two
/// streams of [`InstanceBuffers`]: its box and clip, then the rest.
pub(super) const PLACE_ATTRIBUTES: [wgpu::VertexAttribute; 2] =
    wgpu::vertex_attr_array![0 => Float32x4, 3 => Float32x4];
pub(super) const LOOK_ATTRIBUTES: [wgpu::VertexAttribute; 4] =
    wgpu::vertex_attr_array![1 => Float32x4, 2 => Float32x4, 4 => Float32x4, 5 => Float32x4];

/// Instances on the GPU, as two vertex streams: where each draws
/// ([`Place`], what a move rewrites) and what it draws ([`Look`]). A nudge
/// of everything at 100,000 widgets moves every instance; in one stream it
/// uploaded three times the bytes it changed (10 MB), and on a software
/// rasteriser the copy into the buffer is the CPU's work too.
pub(super) struct InstanceBuffers {
    places: wgpu::Buffer,
    looks: wgpu::Buffer,
    capacity: u64,
}

impl InstanceBuffers {
    /// Room for at least `count` instances, rounded up to a power of two so
    /// that a growing list reallocates rarely.
    pub(super) fn new(device: &wgpu::Device, label: &str, count: u64) -> Self {
        let capacity = count.max(1).next_power_of_two();
        let stream = |what: &str, size: usize| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(&format!("{label}: {what}")),
                size: capacity * size as u64,
                usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            })
        };
        Self {
            places: stream("places", std::mem::size_of::<Place>()),
            looks: stream("looks", std::mem::size_of::<Look>()),
            capacity,
        }
    }

    /// How many instances they hold.
    pub(super) fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Draws of `pass` read instances from here.
    pub(super) fn bind(&self, pass: &mut wgpu::RenderPass<'_>) {
        pass.set_vertex_buffer(0, self.places.slice(..));
        pass.set_vertex_buffer(1, self.looks.slice(..));
    }

    /// Writes `instances` from instance `at` on: their places, and their
    /// looks too unless `places_only`. Each stream is written straight
    /// into the staging memory wgpu uploads from, with no copy between.
    pub(super) fn write(&self, queue: &wgpu::Queue, at: u32, instances: &[Instance], places_only: bool) {
        write_stream::<PLACE_BYTES>(queue, &self.places, at, instances.iter().map(|s| bytemuck::cast(s.place())));
        if !places_only {
            write_stream::<LOOK_BYTES>(queue, &self.looks, at, instances.iter().map(|s| bytemuck::cast(s.look())));
        }
    }

    /// Writes the instances of `spans` (ranges of `instances`, strewn
    /// through the buffer) packed into one staging buffer, and records in
    /// `encoder` a copy of each into place: a queue write per span costs
    /// a staging buffer each. The copies run when `encoder` is submitted,
    /// after the queue's writes: anything else of these instances the
    /// caller uploads in that frame must be the same data (a span merged
    /// into both the whole and the places-only writes is).
    pub(super) fn write_spans(
        &self,
        device: &wgpu::Device,
        encoder: &mut wgpu::CommandEncoder,
        instances: &[Instance],
        spans: &[std::ops::Range<u32>],
        places_only: bool,
    ) {
        let count: usize = spans.iter().map(|r| r.len()).sum();
        if count == 0 {
            return;
        }
        let look_bytes = if places_only { 0 } else { count * LOOK_BYTES };
        // Making, filling and copying from the staging buffer is wgpu's work.
        let _wgpu = trellis_diag::GpuLibraryCall::enter();
        let staging = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("trellis instance spans"),
            size: (count * PLACE_BYTES + look_bytes) as u64,
            usage: wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: true,
        });
        let shapes = || spans.iter().flat_map(|r| &instances[r.start as usize..r.end as usize]);
        // A buffer mapped at creation always maps; a view refused would
        // leave it empty, and the copies below copy zeroes: reported by
        // nothing, so checked in debug builds.
        if let Ok(mut view) = staging.get_mapped_range_mut(..) {
            let (places, looks) = view.slice(..).split_at(count * PLACE_BYTES);
            let (whole, _) = places.into_chunks::<PLACE_BYTES>();
            whole.write_iter(shapes().map(|s| bytemuck::cast(s.place())));
            if !places_only {
                let (whole, _) = looks.into_chunks::<LOOK_BYTES>();
                whole.write_iter(shapes().map(|s| bytemuck::cast(s.look())));
            }
        } else {
            debug_assert!(false, "a buffer mapped at creation gives its view");
        }
        staging.unmap();
        let (p, l) = (PLACE_BYTES as u64, LOOK_BYTES as u64);
        let mut at = 0u64;
        for r in spans {
            let n = r.len() as u64;
            encoder.copy_buffer_to_buffer(&staging, at * p, &self.places, u64::from(r.start) * p, n * p);
            if !places_only {
                let looks_at = count as u64 * p;
                encoder.copy_buffer_to_buffer(&staging, looks_at + at * l, &self.looks, u64::from(r.start) * l, n * l);
            }
            at += n;
        }
    }
}

const PLACE_BYTES: usize = std::mem::size_of::<Place>();
const LOOK_BYTES: usize = std::mem::size_of::<Look>();

/// Writes the `N`-byte records of `records` into `buffer` from record `at`
/// on. A write wgpu refuses (out of the buffer) is reported through the
/// device's error handler, as `write_buffer` reports it.
fn write_stream<const N: usize>(
    queue: &wgpu::Queue,
    buffer: &wgpu::Buffer,
    at: u32,
    records: impl ExactSizeIterator<Item = [u8; N]>,
) {
    let Some(size) = wgpu::BufferSize::new((records.len() * N) as u64) else { return };
    let _wgpu = trellis_diag::GpuLibraryCall::enter();
    if let Some(mut view) = queue.write_buffer_with(buffer, u64::from(at) * N as u64, size) {
        let (whole, _) = view.slice(..).into_chunks::<N>();
        whole.write_iter(records);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shader draws an image as its mean colour below the size the
    /// CPU rasteriser and the batching do.
    #[test]
    fn the_shader_draws_small_images_flat_below_the_renderers_size() {
        let line = format!("const IMAGE_DETAIL_PX: f32 = {:?};", crate::image_file::IMAGE_DETAIL_PX);
        assert!(shapes_source(wgpu::Backend::Vulkan).contains(&line), "shapes.wgsl lacks `{line}`");
    }

    /// Validates a shader and writes each entry point as wgpu's OpenGL ES
    /// backend would: GLSL ES 3.00 (Android, ANGLE, WebGL 2).
    fn as_glsl_es_300(name: &str, source: &str) -> Result<(), String> {
        use naga::back::glsl;
        let module =
            naga::front::wgsl::parse_str(source).map_err(|e| format!("{name}: {}", e.emit_to_string(source)))?;
        let info = naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::empty())
            .validate(&module)
            .map_err(|e| format!("{name}: {}", e.emit_to_string(source)))?;
        assert!(!module.entry_points.is_empty(), "{name} has entry points");
        for entry in &module.entry_points {
            let options = glsl::Options { version: glsl::Version::new_gles(300), ..glsl::Options::default() };
            let pipeline =
                glsl::PipelineOptions { shader_stage: entry.stage, entry_point: entry.name.clone(), multiview: None };
            let mut out = String::new();
            glsl::Writer::new(
                &mut out,
                &module,
                &info,
                &options,
                &pipeline,
                naga::proc::BoundsCheckPolicies::default(),
            )
            .and_then(|mut w| w.write().map(|_| ()))
            .map_err(|e| format!("{name}: {} does not translate to GLSL ES 3.00: {e:?}", entry.name))?;
            assert!(out.starts_with("#version 300 es"), "{name}: {}", entry.name);
        }
        Ok(())
    }

    /// Regression test for shaders that worked on Vulkan and desktop GL
    /// but not on OpenGL ES 3.0, where a construct the backend cannot
    /// write (`pack4x8unorm`, a linear interpolation qualifier) fails at
    /// pipeline creation alone, with nothing drawn, and no adapter on
    /// this machine takes that path: every entry point of the shaders as
    /// the OpenGL backend gets them translates to GLSL ES 3.00, and the
    /// shapes shader as the others get it still validates.
    #[test]
    fn the_shaders_the_opengl_backend_gets_translate_to_glsl_es_300() {
        as_glsl_es_300("shapes.wgsl (OpenGL)", &shapes_source(wgpu::Backend::Gl)).unwrap();
        as_glsl_es_300("resample.wgsl", include_str!("../resample.wgsl")).unwrap();
        let vulkan = shapes_source(wgpu::Backend::Vulkan);
        assert!(vulkan.contains("@interpolate(linear)"), "elsewhere varyings are interpolated linearly");
        let module = naga::front::wgsl::parse_str(&vulkan).expect("the shapes shader parses");
        naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::empty())
            .validate(&module)
            .expect("the shapes shader validates");
    }

    const BLUE: wgpu::TextureFormat = TEXTURE_FORMAT;
    const RED: wgpu::TextureFormat = FALLBACK_TEXTURE_FORMAT;

    /// Blue first by default but on OpenGL; either when asked; the other
    /// where the adapter cannot use the one chosen; never a third format.
    #[test]
    fn the_canvas_format_is_blue_first_but_on_gl_or_where_it_cannot_be_used() {
        let both = |_| true;
        assert_eq!(choose_format(None, false, both), BLUE);
        assert_eq!(choose_format(None, true, both), RED, "OpenGL keeps blue first as red first anyway");
        assert_eq!(choose_format(Some(RED), false, both), RED, "an RGBA window copies the canvas in");
        assert_eq!(choose_format(Some(BLUE), true, both), BLUE, "a BGRA window on OpenGL");
        let sorts = [wgpu::TextureFormat::Rgba16Float, wgpu::TextureFormat::Bgra8UnormSrgb];
        for other in sorts {
            assert_eq!(choose_format(Some(other), false, both), BLUE, "{other:?} is not drawn in");
            assert_eq!(choose_format(Some(other), true, both), RED, "{other:?} is not drawn in");
        }
        let only_red = |f| f == RED;
        assert_eq!(choose_format(None, false, only_red), RED);
        assert_eq!(choose_format(Some(BLUE), false, only_red), RED);
        let only_blue = |f| f == BLUE;
        assert_eq!(choose_format(None, true, only_blue), BLUE);
        assert_eq!(choose_format(Some(RED), false, only_blue), BLUE);
        let neither = |_| false;
        assert_eq!(choose_format(Some(RED), false, neither), RED, "nothing better to fall back to");
    }
}
