//! Leaks planted on purpose, in the renderer's own caches, for
//! `trellis leakcheck --self-test`: each stands for a real bug (an entry
//! kept for a widget that is gone), so the self-test proves the check sees
//! the caches the renderer really has. Never used in a session.

use trellis_model::Rect;

use super::GpuRenderer;
use super::atlas::AtlasImage;
use crate::display_list::TextAlign;

/// A leak the self-test plants in the GPU renderer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum GpuPlantedLeak {
    /// A shaped text of a widget that no longer exists, pinned so that
    /// trimming never frees it: grows "shaped texts".
    ShapedText,
    /// An image placed in the atlas for a path nothing draws, never
    /// released: grows "atlas images".
    AtlasImage,
}

impl GpuRenderer {
    /// Plants one leak of the kind asked for. For the leak check's
    /// self-test only: a session that called it would leak for real.
    pub fn plant_leak(&mut self, leak: GpuPlantedLeak) {
        match leak {
            GpuPlantedLeak::ShapedText => {
                let n = self.texts.len();
                let text = format!("text of deleted widget {n}");
                self.pin_shaped_text(&text, 12.0, &Rect::new(0.0, 0.0, 160.0, 20.0), TextAlign::Start);
            }
            GpuPlantedLeak::AtlasImage => {
                let path = format!("planted-leak-{}.png", self.images.len());
                let placed = self.image_allocator.allocate(etagere::size2(1, 1)).map(|a| AtlasImage {
                    uv: [a.rectangle.min.x as f32, a.rectangle.min.y as f32, 0.0, 0.0],
                    mean: [0.0; 4],
                });
                self.images.insert(&self.base_dir, &path, placed);
            }
        }
    }
}
