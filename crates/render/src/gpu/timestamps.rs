//! GPU time by timestamp queries, where the adapter has them. A frame's
//! timestamps are resolved into one of a ring of readback buffers and read
//! frames later, so that measuring never makes the CPU wait for the GPU.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use trellis_diag::GpuLibraryCall;

use crate::adapter::Gpu;

/// The query set and the ring of readbacks a frame's timestamps go through.
pub(super) struct Timer {
    queries: wgpu::QuerySet,
    resolve: wgpu::Buffer,
    /// Each readback buffer, set when its mapping is done, and whether a
    /// frame's timestamps are on their way into it.
    readbacks: Vec<(wgpu::Buffer, Arc<AtomicBool>, bool)>,
    next: usize,
    period_ns: f32,
}

impl Timer {
    /// Two passes a frame, a timestamp at each end.
    const QUERIES: u32 = 4;
    /// Where the canvas pass's pair of timestamps goes.
    pub(super) const CANVAS: u32 = 0;
    /// Where the overlay pass's pair of timestamps goes.
    pub(super) const OVERLAYS: u32 = 2;

    pub(super) fn new(gpu: &Gpu) -> Self {
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
    pub(super) fn collect(&mut self) -> Option<u64> {
        let mut newest = None;
        for (buffer, ready, pending) in &mut self.readbacks {
            if *pending && ready.load(Ordering::Acquire) {
                // Read into an array: a frame's readback allocates nothing of ours.
                let mut ticks = [0u64; Self::QUERIES as usize];
                let read = GpuLibraryCall::run(|| {
                    let read = match buffer.slice(..).get_mapped_range() {
                        Ok(view) => view.get(..ticks.len() * 8).map(|b| ticks.copy_from_slice(bytemuck::cast_slice(b))),
                        Err(_) => None,
                    };
                    buffer.unmap();
                    read
                });
                *pending = false;
                ready.store(false, Ordering::Release);
                if read.is_none() {
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
    pub(super) fn free(&self) -> Option<usize> {
        (0..self.readbacks.len()).map(|i| (self.next + i) % self.readbacks.len()).find(|i| !self.readbacks[*i].2)
    }

    /// Timestamps at each end of a pass, into the pair from `first`
    /// ([`Timer::CANVAS`] or [`Timer::OVERLAYS`]).
    pub(super) fn writes(&self, first: u32) -> wgpu::RenderPassTimestampWrites<'_> {
        wgpu::RenderPassTimestampWrites {
            query_set: &self.queries,
            beginning_of_pass_write_index: Some(first),
            end_of_pass_write_index: Some(first + 1),
        }
    }

    /// Records the copy of this frame's timestamps into readback `slot`
    /// (from [`Timer::free`]); [`Timer::map`] it once submitted.
    pub(super) fn resolve(&mut self, encoder: &mut wgpu::CommandEncoder, slot: usize) {
        encoder.resolve_query_set(&self.queries, 0..Self::QUERIES, &self.resolve, 0);
        encoder.copy_buffer_to_buffer(&self.resolve, 0, &self.readbacks[slot].0, 0, u64::from(Self::QUERIES) * 8);
        self.readbacks[slot].2 = true;
        self.next = slot + 1;
    }

    /// Asks for readback `slot` to be mapped when the GPU is done with it;
    /// [`Timer::collect`] reads it then.
    pub(super) fn map(&self, slot: usize) {
        let ready = Arc::clone(&self.readbacks[slot].1);
        let _wgpu = GpuLibraryCall::enter();
        self.readbacks[slot].0.slice(..).map_async(wgpu::MapMode::Read, move |r| {
            if r.is_ok() {
                ready.store(true, Ordering::Release);
            }
        });
    }
}
