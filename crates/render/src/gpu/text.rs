//! Text on the GPU, through glyphon: each text shaped once per (text, size,
//! box) and kept while it is drawn, and each batch's text handed to a
//! glyphon renderer of its own, so that batches keep paint order.

use trellis_model::{Color, Rect};

use super::GpuRenderer;
use super::batching::{Batch, Run};
use super::instances::{Instance, Pipe, rect_instance, rgba};
use crate::display_list::{DisplayList, Primitive, TextAlign};
use crate::view::View;

/// A shaped text, kept while it is drawn.
pub(super) struct ShapedText {
    text: String,
    /// What else it was shaped for (size, box width and height, align,
    /// wrap), compared on a hit: the key is a hash, and a collision must
    /// not draw another text's shaping.
    shaped_for: (u32, u32, u32, u8, bool),
    buffer: cosmic_text::Buffer,
    /// Offset from the box top that centres the lines.
    dy: f32,
    last_used: u64,
}

/// The texts a frame places, batch after batch, kept from frame to frame
/// so that placing them allocates nothing.
#[derive(Debug, Default)]
pub(super) struct PlacedTexts {
    placed: Vec<PlacedText>,
    /// Where each batch's texts end in `placed`.
    ends: Vec<usize>,
}

/// A shaped text and where it goes this frame, in device pixels.
#[derive(Debug)]
struct PlacedText {
    key: u64,
    left: f32,
    top: f32,
    bounds: glyphon::TextBounds,
    color: glyphon::Color,
}

impl GpuRenderer {
    /// Shapes every text of the plan (reusing earlier shaping) and hands
    /// each batch's text to its glyphon renderer.
    pub(super) fn prepare_texts(&mut self, list: &DisplayList, view: &View, batches: &[Batch]) {
        let s = view.factor();
        let mut placed = std::mem::take(&mut self.placed_texts);
        placed.placed.clear();
        placed.ends.clear();
        for batch in batches {
            for &(i, j) in &batch.texts {
                let item = &list.items[i];
                let Primitive::Text { rect, text, size, color, align, wrap, top } = &item.primitives[j] else {
                    continue;
                };
                let device = view.to_device(rect);
                if device.w < 1.0 || device.h < 1.0 || crate::text::greeked(*size, s) {
                    continue;
                }
                let key = self.shape(text, *size * s, &device, *align, *wrap);
                let dy = if *top { 0.0 } else { self.texts[&key].dy };
                let edge = |v: f32| crate::text::pixel_edge(v) as i32;
                let mut bounds = glyphon::TextBounds {
                    left: edge(device.x),
                    top: edge(device.y),
                    right: edge(device.right()),
                    bottom: edge(device.bottom()),
                };
                if let Some(c) = item.clip {
                    let c = view.to_device(&c);
                    bounds.left = bounds.left.max(edge(c.x));
                    bounds.top = bounds.top.max(edge(c.y));
                    bounds.right = bounds.right.min(edge(c.right()));
                    bounds.bottom = bounds.bottom.min(edge(c.bottom()));
                }
                let c = rgba(*color, item.opacity);
                let color = glyphon::Color::rgba(color.r, color.g, color.b, (c[3] * 255.0).round() as u8);
                let (left, top) = (crate::text::snap_to_pixel(device.x), crate::text::snap_to_pixel(device.y + dy));
                placed.placed.push(PlacedText { key, left, top, bounds, color });
            }
            placed.ends.push(placed.placed.len());
        }
        // glyphon's own work (it uploads through wgpu) counts as the GPU library's.
        let _glyphon = trellis_diag::GpuLibraryCall::enter();
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
            let areas = match placed.ends.get(b) {
                Some(&end) => &placed.placed[if b == 0 { 0 } else { placed.ends[b - 1] }..end],
                None => &[][..],
            };
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
        self.placed_texts = placed;
    }

    /// Gathers the shapes of each batch holding greeked text (too small to
    /// read, drawn as bars) into `scratch`, with the bars where the text is
    /// in paint order, as runs of one pipeline each (`Batch::gathered`).
    pub(super) fn gather_greeked(
        &mut self,
        list: &DisplayList,
        factor: f32,
        batches: &mut [Batch],
        scratch: &mut Vec<Instance>,
    ) {
        for batch in batches.iter_mut().filter(|b| b.has_greeked()) {
            let mut gathered = std::mem::take(&mut batch.gathered);
            gathered.clear();
            let mut push_run = |start: u32, end: u32, pipe: Pipe| {
                if start == end {
                    return;
                }
                let with_last = gathered.last_mut().and_then(|(last, p)| {
                    super::instances::joined(last, *p, &(start..end), pipe, factor).map(|both| {
                        last.end = end;
                        *p = both;
                    })
                });
                if with_last.is_none() {
                    gathered.push((start..end, pipe));
                }
            };
            for run in &batch.shapes {
                let start = scratch.len() as u32;
                match run {
                    Run::Shapes(r, pipe) => {
                        scratch.extend_from_slice(&self.instances[r.start as usize..r.end as usize]);
                        push_run(start, scratch.len() as u32, *pipe);
                    }
                    Run::Greeked(i, j) => {
                        let item = &list.items[*i];
                        let Primitive::Text { rect, color, .. } = &item.primitives[*j] else {
                            continue;
                        };
                        let ink = Color { a: (f32::from(color.a) * crate::text::GREEK_INK).round() as u8, ..*color };
                        let text = crate::text::GreekText::of(&item.primitives[*j]).expect("a text primitive");
                        for bar in self.greek.bars(&mut self.fonts, &text) {
                            let r = Rect::new(rect.x + bar.x, rect.y + bar.y, bar.w, bar.h);
                            scratch.push(rect_instance(r, 0.0, ink, None, item.opacity, item.clip));
                        }
                        push_run(start, scratch.len() as u32, Pipe::Common);
                    }
                }
            }
            batch.gathered = gathered;
        }
        self.greek.end_frame(list.items.len(), |items| list.text_count_in(items));
    }

    /// Shapes a text for a device box, or finds it shaped; returns its key.
    fn shape(&mut self, text: &str, size: f32, device: &Rect, align: TextAlign, wrap: bool) -> u64 {
        use std::hash::BuildHasher;
        let key =
            self.text_keys.hash_one((text, size.to_bits(), device.w.to_bits(), device.h.to_bits(), align as u8, wrap));
        let frame = self.frames;
        let shaped_for = (size.to_bits(), device.w.to_bits(), device.h.to_bits(), align as u8, wrap);
        if let Some(t) = self.texts.get_mut(&key)
            && t.text == text
            && t.shaped_for == shaped_for
        {
            t.last_used = frame;
            return key;
        }
        let shaped = crate::text::shape(&mut self.fonts, text, size, device, align, wrap);
        self.texts.insert(
            key,
            ShapedText {
                text: text.to_owned(),
                shaped_for,
                buffer: shaped.buffer,
                dy: shaped.centre_dy,
                last_used: frame,
            },
        );
        key
    }

    /// Shapes a text and keeps it for good, whatever trimming decides: the
    /// self-test's planted leak (`planted.rs`).
    pub(super) fn pin_shaped_text(&mut self, text: &str, size: f32, device: &Rect, align: TextAlign) {
        let key = self.shape(text, size, device, align, false);
        if let Some(t) = self.texts.get_mut(&key) {
            t.last_used = u64::MAX;
        }
    }

    /// Forgets shaped text not drawn for a while, so that a long session
    /// of edits does not grow the cache without bound; and, past a budget
    /// of text bytes, the least recently drawn first (a shaped 64 KiB text
    /// takes about 3 MB, so 4,096 of them would take 12 GB). What this
    /// frame drew stays: glyphon draws from it.
    pub(super) fn trim_texts(&mut self) {
        const KEEP_FRAMES: u64 = 120;
        const FLOOR: usize = 4096;
        /// As the CPU backend's cache: about 150 MB shaped at most.
        const MAX_BYTES: usize = 48 * trellis_model::limits::MAX_STRING_BYTES;
        let now = self.frames;
        if self.texts.len() > FLOOR {
            self.texts.retain(|_, t| now.saturating_sub(t.last_used) <= KEEP_FRAMES);
        }
        let mut bytes: usize = self.texts.values().map(|t| t.text.len()).sum();
        if bytes > MAX_BYTES {
            let mut older: Vec<(u64, u64, usize)> = self
                .texts
                .iter()
                .filter(|(_, t)| t.last_used < now)
                .map(|(k, t)| (t.last_used, *k, t.text.len()))
                .collect();
            older.sort_unstable();
            for (_, key, len) in older {
                if bytes <= MAX_BYTES {
                    break;
                }
                self.texts.remove(&key);
                bytes -= len;
            }
        }
    }
}
