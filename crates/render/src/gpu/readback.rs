//! Reading a frame (or the canvas under it) back from the GPU into a
//! pixmap: what tests compare against the CPU reference and `trellis
//! render` writes out. It waits for
//! the GPU, so an interactive frame loop must not call it.

use tiny_skia::Pixmap;

use super::{GpuError, GpuRenderer};

impl GpuRenderer {
    /// Reads the last frame back into a pixmap. It waits for the GPU: for
    /// tests and exports, not for every frame of an interactive session.
    pub fn read_frame(&mut self) -> Result<Pixmap, GpuError> {
        self.read_target(false)
    }

    /// Reads the canvas texture back into a pixmap: the design without
    /// overlays, as drawn for the view the canvas was last brought to
    /// (during a zoom gesture, the view it began from). It waits for the
    /// GPU, as [`GpuRenderer::read_frame`] does.
    pub fn read_canvas(&mut self) -> Result<Pixmap, GpuError> {
        self.read_target(true)
    }

    fn read_target(&mut self, canvas: bool) -> Result<Pixmap, GpuError> {
        let target = self.state.canvas.as_ref().ok_or_else(|| GpuError::Readback("no frame drawn yet".into()))?;
        let (width, height) = (target.width, target.height);
        let texture = if canvas { &target.canvas.texture } else { &target.frame.texture };
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
            texture.as_image_copy(),
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
        if self.state.format == wgpu::TextureFormat::Bgra8Unorm {
            for px in pixels.chunks_exact_mut(4) {
                px.swap(0, 2);
            }
        }
        let size = tiny_skia::IntSize::from_wh(width, height).expect("a checked size");
        // The canvas is opaque, so premultiplied and straight alpha agree.
        Pixmap::from_vec(pixels, size).ok_or_else(|| GpuError::Readback("the frame has the wrong size".into()))
    }
}
