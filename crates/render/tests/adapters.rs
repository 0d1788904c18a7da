//! The backend policy on this machine. CI installs Mesa's software Vulkan
//! driver and sets TRELLIS_REQUIRE_GPU=1: there, finding no adapter fails.
//! Elsewhere, a machine with no adapter says so and skips.

use trellis_render::{BackendKind, open};

fn gpu_required() -> bool {
    std::env::var("TRELLIS_REQUIRE_GPU").is_ok_and(|v| v == "1")
}

#[test]
fn the_policy_opens_an_adapter_and_reports_software_rasterisers_plainly() {
    let (gpu, probe) = open(None);
    let Some(gpu) = gpu else {
        assert!(!gpu_required(), "TRELLIS_REQUIRE_GPU=1 but no adapter works: {probe:#?}");
        eprintln!("skipped: no GPU adapter on this machine ({})", probe.reason);
        return;
    };
    let chosen = &probe.adapters[probe.adapter.unwrap()];
    assert_eq!(chosen.device, Some(Ok(())));
    assert_eq!(chosen.software, gpu.info.device_type == wgpu::DeviceType::Cpu);
    if chosen.software {
        assert!(probe.reason.contains("GPU acceleration not active"), "{}", probe.reason);
        assert!(!probe.accelerated);
    }
    if cfg!(target_os = "linux")
        && !probe.adapters.iter().any(|a| a.backend == BackendKind::Vulkan && a.device == Some(Ok(())))
    {
        eprintln!("note: no Vulkan adapter opened; the policy fell back to {}", probe.chosen);
    }
}

#[test]
fn a_forced_backend_is_honoured() {
    let (gpu, probe) = open(Some(BackendKind::Vulkan));
    match gpu {
        Some(g) => assert_eq!(g.info.backend, wgpu::Backend::Vulkan),
        None => {
            assert!(!gpu_required() || !cfg!(target_os = "linux"), "no Vulkan adapter: {probe:#?}");
            assert_eq!(probe.chosen, BackendKind::Cpu, "with no Vulkan adapter, the CPU rasteriser draws");
        }
    }
}
