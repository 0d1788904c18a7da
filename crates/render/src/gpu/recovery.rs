//! Surviving a lost device (a driver reset, a removed GPU): the device is
//! watched for loss and for validation errors, and a lost one is rebuilt,
//! with everything on it, from what the renderer retains, so that the next
//! frame looks as the last one did.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::device::DeviceState;
use super::{GpuError, GpuRenderer, atlas};
use crate::adapter::{self, Gpu};

/// Recoveries from lost devices so far: a count, not a list, so that a
/// session losing its device over and over does not grow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recoveries {
    /// How many times the device was lost and rebuilt.
    pub count: u64,
    /// How long the newest rebuild took.
    pub last: Option<Duration>,
    /// How long the slowest rebuild took.
    pub longest: Duration,
}

/// Sets `lost` when the device is lost, and keeps its first validation
/// errors in `errors`.
pub(super) fn watch_device(device: &wgpu::Device, lost: &Arc<AtomicBool>, errors: &Arc<Mutex<Vec<String>>>) {
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

impl GpuRenderer {
    /// How many times the device was lost and rebuilt, and how long that took.
    pub fn recoveries(&self) -> Recoveries {
        self.recoveries
    }

    /// Validation errors the device reported, cleared by the call.
    pub fn take_errors(&self) -> Vec<String> {
        self.errors.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default()
    }

    /// Destroys the device, as a driver reset or a removed GPU would: the
    /// next frame finds it lost and rebuilds. For tests and leak checks
    /// only: in an app it throws away every GPU resource for nothing.
    pub fn destroy_device(&self) {
        self.gpu.device.destroy();
        let _ = self.gpu.device.poll(wgpu::PollType::Poll);
    }

    /// The device has been lost and not yet rebuilt.
    pub fn is_lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    /// Rebuilds the device and everything on it, keeping the retained
    /// display data. Returns how long it took.
    pub(super) fn recover(&mut self) -> Result<Duration, GpuError> {
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
        // Another adapter may have been opened: its format is checked again.
        let format = super::device::target_format(&gpu.adapter, self.state.format);
        self.state = DeviceState::new(&gpu, format);
        self.gpu = gpu;
        self.lost = lost;
        // Every image must be uploaded again into the new atlas.
        self.images.clear();
        self.image_allocator = atlas::allocator();
        self.epoch = None;
        self.shown = None;
        self.canvas_view = None;
        self.composed.forget();
        self.refinement.clear();
        self.last_gpu_ns = None;
        let took = start.elapsed();
        self.recoveries.count += 1;
        self.recoveries.last = Some(took);
        self.recoveries.longest = self.recoveries.longest.max(took);
        Ok(took)
    }
}
