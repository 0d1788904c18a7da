//! Images on the GPU: each PNG file loaded once (by the loader the CPU
//! backend uses too, under the same limits), scaled down when huge, and
//! packed into one atlas texture that the shape shader samples, so that an
//! image is an instance like any other shape.

use tiny_skia::Pixmap;

use super::GpuRenderer;
use crate::image_file::{load_image, report_image_problem};

const ATLAS_SIZE: u32 = 2048;
/// Images are uploaded as the loader decodes them: red first.
const ATLAS_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;
/// Images larger than this on a side are scaled down before they enter the atlas.
const ATLAS_MAX_IMAGE: u32 = 1024;

/// An image placed in the atlas.
#[derive(Clone, Copy, Debug)]
pub(super) struct AtlasImage {
    /// Its texels in the atlas: u0, v0, u1, v1.
    pub(super) uv: [f32; 4],
    /// Its mean colour, straight alpha, 0 to 1: what it is drawn as where
    /// it is too small to show its pixels ([`crate::image_file::IMAGE_DETAIL_PX`]).
    pub(super) mean: [f32; 4],
}

/// The atlas texture, empty.
pub(super) fn texture(device: &wgpu::Device) -> wgpu::Texture {
    device.create_texture(&wgpu::TextureDescriptor {
        label: Some("trellis image atlas"),
        size: wgpu::Extent3d { width: ATLAS_SIZE, height: ATLAS_SIZE, depth_or_array_layers: 1 },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: ATLAS_FORMAT,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
        view_formats: &[],
    })
}

/// The allocator of an empty atlas.
pub(super) fn allocator() -> etagere::AtlasAllocator {
    etagere::AtlasAllocator::new(etagere::size2(ATLAS_SIZE as i32, ATLAS_SIZE as i32))
}

impl GpuRenderer {
    /// An image's place in the atlas, loading and uploading it the first
    /// time; `None` (remembered) when it cannot be read or does not fit.
    pub(super) fn image(&mut self, path: &str, widget: &str) -> Option<AtlasImage> {
        if let Some(found) = self.images.get(&self.base_dir, path) {
            return *found;
        }
        // Refused or unreadable images draw as the missing-image box, with a
        // warning, once a path.
        let placed = match load_image(&self.base_dir, path) {
            Ok(img) => self.upload_image(img),
            Err(e) => {
                report_image_problem(widget, &e);
                None
            }
        };
        self.images.insert(&self.base_dir, path, placed);
        placed
    }

    fn upload_image(&mut self, mut img: Pixmap) -> Option<AtlasImage> {
        let mean = crate::image_file::mean_colour(&img);
        let mean = [mean.r, mean.g, mean.b, mean.a].map(|c| f32::from(c) / 255.0);
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
            mean,
        })
    }
}
