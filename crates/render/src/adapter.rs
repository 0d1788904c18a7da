//! Choosing what draws: the backend policy.
//!
//! Adapters are probed backend by backend in the order that suits the
//! operating system (Linux: Vulkan, then GL; Windows: DX12, Vulkan, GL;
//! macOS: Metal). An adapter whose device request fails is skipped and the
//! next one tried; where none works, the CPU rasteriser draws. A software
//! adapter (device type CPU: llvmpipe, lavapipe, SwiftShader, WARP) is used
//! but reported plainly: GPU acceleration is not active. `TRELLIS_BACKEND`
//! (`vulkan`, `gl`, `metal`, `dx12` or `cpu`) overrides the order.

use std::fmt;

use serde::Serialize;

/// What may draw the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendKind {
    /// Vulkan (Linux, Windows, Android; lavapipe as a software rasteriser).
    Vulkan,
    /// OpenGL or OpenGL ES (llvmpipe as a software rasteriser).
    Gl,
    /// Metal (macOS).
    Metal,
    /// Direct3D 12 (Windows; WARP as a software rasteriser).
    Dx12,
    /// The CPU rasteriser (tiny-skia), no adapter at all.
    Cpu,
}

impl BackendKind {
    /// Every backend, by the name [`BackendKind::parse`] takes for it.
    pub const ALL: &'static [BackendKind] =
        &[BackendKind::Vulkan, BackendKind::Gl, BackendKind::Metal, BackendKind::Dx12, BackendKind::Cpu];

    /// The backend a user named (`TRELLIS_BACKEND`, `--backend`), in any
    /// case, common aliases included (`vk`, `opengl`, `d3d12`, `software`);
    /// `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "vulkan" | "vk" => BackendKind::Vulkan,
            "gl" | "opengl" | "gles" => BackendKind::Gl,
            "metal" | "mtl" => BackendKind::Metal,
            "dx12" | "d3d12" => BackendKind::Dx12,
            "cpu" | "software" => BackendKind::Cpu,
            _ => return None,
        })
    }

    /// The wgpu backend, or `None` for the CPU rasteriser.
    pub fn wgpu(self) -> Option<wgpu::Backend> {
        Some(match self {
            BackendKind::Vulkan => wgpu::Backend::Vulkan,
            BackendKind::Gl => wgpu::Backend::Gl,
            BackendKind::Metal => wgpu::Backend::Metal,
            BackendKind::Dx12 => wgpu::Backend::Dx12,
            BackendKind::Cpu => return None,
        })
    }

    fn from_wgpu(b: wgpu::Backend) -> Option<Self> {
        Some(match b {
            wgpu::Backend::Vulkan => BackendKind::Vulkan,
            wgpu::Backend::Gl => BackendKind::Gl,
            wgpu::Backend::Metal => BackendKind::Metal,
            wgpu::Backend::Dx12 => BackendKind::Dx12,
            _ => return None,
        })
    }

    /// The order the policy tries backends in on this operating system.
    pub fn policy_order() -> &'static [BackendKind] {
        if cfg!(target_os = "windows") {
            &[BackendKind::Dx12, BackendKind::Vulkan, BackendKind::Gl]
        } else if cfg!(target_os = "macos") {
            &[BackendKind::Metal]
        } else {
            &[BackendKind::Vulkan, BackendKind::Gl]
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BackendKind::Vulkan => "vulkan",
            BackendKind::Gl => "gl",
            BackendKind::Metal => "metal",
            BackendKind::Dx12 => "dx12",
            BackendKind::Cpu => "cpu",
        })
    }
}

/// One adapter as probed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdapterReport {
    /// The adapter's name, as the driver gives it.
    pub name: String,
    /// The backend it was found on.
    pub backend: BackendKind,
    /// `discrete_gpu`, `integrated_gpu`, `virtual_gpu`, `cpu` or `other`.
    pub device_type: String,
    /// The driver's name.
    pub driver: String,
    /// The driver's version and details, free-form.
    pub driver_info: String,
    /// A software rasteriser: it works, but GPU acceleration is not active.
    pub software: bool,
    /// GPU timing through timestamp queries is available.
    pub timestamps: bool,
    /// `None` if not tried (the policy stopped earlier); otherwise whether a
    /// device could be opened, and why not (the driver's message, for
    /// people to read).
    pub device: Option<Result<(), String>>,
}

/// The policy's decision, with every adapter it saw.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Probe {
    /// Every adapter found, in the order found.
    pub adapters: Vec<AdapterReport>,
    /// What will draw.
    pub chosen: BackendKind,
    /// The chosen adapter's index in `adapters` (`None` for the CPU rasteriser).
    pub adapter: Option<usize>,
    /// Why, in a sentence.
    pub reason: String,
    /// GPU acceleration is active (a hardware adapter draws).
    pub accelerated: bool,
}

/// An opened device, ready to draw into textures: what [`open`] returns
/// and [`GpuRenderer::new`](crate::GpuRenderer::new) takes.
#[derive(Debug)]
pub struct Gpu {
    /// The wgpu instance the adapter was found on.
    pub instance: wgpu::Instance,
    /// The adapter the device was opened on.
    pub adapter: wgpu::Adapter,
    /// The opened device.
    pub device: wgpu::Device,
    /// The device's queue.
    pub queue: wgpu::Queue,
    /// What the adapter says of itself.
    pub info: wgpu::AdapterInfo,
}

/// `TRELLIS_BACKEND` names no backend.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "TRELLIS_BACKEND={value} is not a backend: set it to one of {}, or unset it to let Trellis choose",
    join(.accepted)
)]
#[non_exhaustive]
pub struct BackendOverrideError {
    /// The value the variable holds.
    pub value: String,
    /// The backends it may name.
    pub accepted: &'static [BackendKind],
}

/// The backend named by `TRELLIS_BACKEND`, if any; an unknown name is an
/// error (rather than the policy's choice), so that a typo is not mistaken
/// for a test of the backend it meant.
pub fn backend_override() -> Result<Option<BackendKind>, BackendOverrideError> {
    match std::env::var("TRELLIS_BACKEND") {
        Ok(v) => named(v),
        Err(_) => Ok(None),
    }
}

/// The backend a value of `TRELLIS_BACKEND` names; blank names none.
fn named(value: String) -> Result<Option<BackendKind>, BackendOverrideError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    BackendKind::parse(&value).map(Some).ok_or(BackendOverrideError { value, accepted: BackendKind::ALL })
}

fn device_type(t: wgpu::DeviceType) -> &'static str {
    match t {
        wgpu::DeviceType::DiscreteGpu => "discrete_gpu",
        wgpu::DeviceType::IntegratedGpu => "integrated_gpu",
        wgpu::DeviceType::VirtualGpu => "virtual_gpu",
        wgpu::DeviceType::Cpu => "cpu",
        wgpu::DeviceType::Other => "other",
    }
}

fn instance(backends: wgpu::Backends) -> wgpu::Instance {
    wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends,
        ..wgpu::InstanceDescriptor::new_without_display_handle_from_env()
    })
}

pub(crate) fn open_device(adapter: &wgpu::Adapter) -> Result<(wgpu::Device, wgpu::Queue), String> {
    // Timestamps where the adapter has them; nothing else beyond the defaults.
    let required_features = adapter.features() & wgpu::Features::TIMESTAMP_QUERY;
    let desc = wgpu::DeviceDescriptor {
        label: Some("trellis"),
        required_features,
        required_limits: wgpu::Limits::downlevel_defaults().using_resolution(adapter.limits()),
        ..Default::default()
    };
    pollster::block_on(adapter.request_device(&desc)).map_err(|e| e.to_string())
}

/// A device could not be opened on the adapter the app chose for its window.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "could not open a device on {adapter}: {reason}; update the graphics driver, or set TRELLIS_BACKEND to another backend"
)]
#[non_exhaustive]
pub struct DeviceOpenError {
    /// The adapter's name.
    pub adapter: String,
    /// What wgpu said.
    pub reason: String,
}

impl Gpu {
    /// Opens a device on `adapter` (found on `instance`) with the limits and
    /// features the renderer asks of any adapter: what the app does with the
    /// adapter that can present to its window, so that the renderer, egui
    /// and the surface share one device.
    pub fn open_on(instance: wgpu::Instance, adapter: wgpu::Adapter) -> Result<Gpu, DeviceOpenError> {
        let info = adapter.get_info();
        let (device, queue) =
            open_device(&adapter).map_err(|reason| DeviceOpenError { adapter: info.name.clone(), reason })?;
        Ok(Gpu { instance, adapter, device, queue, info })
    }
}

/// What kind of backend an opened adapter runs on.
pub(crate) fn backend_of(info: &wgpu::AdapterInfo) -> BackendKind {
    BackendKind::from_wgpu(info.backend).unwrap_or(BackendKind::Vulkan)
}

/// Probes every adapter on the policy's backends (or the overridden one)
/// and opens the first that works, best first: hardware before software.
pub fn open(forced: Option<BackendKind>) -> (Option<Gpu>, Probe) {
    let order: Vec<BackendKind> = match forced {
        Some(b) => vec![b],
        None => BackendKind::policy_order().to_vec(),
    };
    let mut reports = Vec::new();
    let mut candidates: Vec<(usize, wgpu::Instance, wgpu::Adapter)> = Vec::new();
    for kind in &order {
        let Some(backend) = kind.wgpu() else { continue };
        let inst = instance(backend.into());
        for adapter in pollster::block_on(inst.enumerate_adapters(backend.into())) {
            let info = adapter.get_info();
            reports.push(AdapterReport {
                name: info.name.clone(),
                backend: BackendKind::from_wgpu(info.backend).unwrap_or(*kind),
                device_type: device_type(info.device_type).into(),
                driver: info.driver.clone(),
                driver_info: info.driver_info.clone(),
                software: info.device_type == wgpu::DeviceType::Cpu,
                timestamps: adapter.features().contains(wgpu::Features::TIMESTAMP_QUERY),
                device: None,
            });
            candidates.push((reports.len() - 1, inst.clone(), adapter));
        }
    }
    // Within the policy's order of backends, hardware adapters come first.
    candidates.sort_by_key(|(i, _, _)| (order.iter().position(|k| *k == reports[*i].backend), reports[*i].software));
    let cpu_only = forced == Some(BackendKind::Cpu);
    for (i, inst, adapter) in candidates {
        match open_device(&adapter) {
            Ok((device, queue)) => {
                reports[i].device = Some(Ok(()));
                let r = &reports[i];
                let reason = match (forced, r.software) {
                    (Some(_), false) => format!("the {} backend was asked for", r.backend),
                    (Some(_), true) => format!(
                        "the {} backend was asked for; it is a software rasteriser: GPU acceleration not active",
                        r.backend
                    ),
                    (None, false) => {
                        format!("the first {} adapter with hardware acceleration that opened a device", r.backend)
                    }
                    (None, true) => format!(
                        "no hardware adapter opened a device; {} ({}) is a software rasteriser: GPU acceleration not active",
                        r.name, r.backend
                    ),
                };
                let probe =
                    Probe { accelerated: !r.software, chosen: r.backend, adapter: Some(i), reason, adapters: reports };
                let info = adapter.get_info();
                return (Some(Gpu { instance: inst, adapter, device, queue, info }), probe);
            }
            Err(e) => reports[i].device = Some(Err(e)),
        }
    }
    let reason = if cpu_only {
        "the CPU rasteriser was asked for".to_owned()
    } else if reports.is_empty() {
        format!("no adapter found on {}: drawing with the CPU rasteriser", join(&order))
    } else {
        "no adapter could open a device: drawing with the CPU rasteriser".to_owned()
    };
    (None, Probe { adapters: reports, chosen: BackendKind::Cpu, adapter: None, reason, accelerated: false })
}

fn join(order: &[BackendKind]) -> String {
    let names: Vec<String> = order.iter().map(ToString::to_string).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_names_parse_and_linux_prefers_vulkan() {
        assert_eq!(BackendKind::parse("Vulkan"), Some(BackendKind::Vulkan));
        assert_eq!(BackendKind::parse("opengl"), Some(BackendKind::Gl));
        assert_eq!(BackendKind::parse("cpu"), Some(BackendKind::Cpu));
        assert_eq!(BackendKind::parse("glide"), None);
        if cfg!(target_os = "linux") {
            assert_eq!(BackendKind::policy_order(), &[BackendKind::Vulkan, BackendKind::Gl]);
        }
    }

    #[test]
    fn an_unknown_backend_override_is_an_error_that_lists_the_accepted_names() {
        assert_eq!(named("  ".into()), Ok(None));
        assert_eq!(named("GL".into()), Ok(Some(BackendKind::Gl)));
        let e = named("glide".into()).unwrap_err();
        assert_eq!(e.value, "glide");
        assert_eq!(e.accepted, BackendKind::ALL);
        let message = e.to_string();
        assert!(message.contains("TRELLIS_BACKEND=glide"), "{message}");
        for kind in BackendKind::ALL {
            assert_eq!(BackendKind::parse(&kind.to_string()), Some(*kind));
            assert!(message.contains(&kind.to_string()), "{message}");
        }
    }

    #[test]
    fn forcing_the_cpu_rasteriser_opens_no_adapter() {
        let (gpu, probe) = open(Some(BackendKind::Cpu));
        assert!(gpu.is_none());
        assert_eq!(probe.chosen, BackendKind::Cpu);
        assert!(probe.reason.contains("CPU rasteriser"));
    }
}
