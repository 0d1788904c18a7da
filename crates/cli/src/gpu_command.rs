//! `trellis gpu`: every adapter on every backend, and which one draws.

use std::path::Path;

use trellis_render::{BackendKind, backend_override, open};

use crate::report::{self, Verdict, say};

pub fn gpu(json: Option<&Path>, require_hardware: bool) -> anyhow::Result<Verdict> {
    let forced = backend_override()?;
    // The listing covers every backend of the policy; the decision honours
    // TRELLIS_BACKEND when it is set.
    let (_, listing) = open(None);
    let probe = match forced {
        Some(b) => open(Some(b)).1,
        None => listing.clone(),
    };
    let chosen = probe.adapter.map(|i| (&probe.adapters[i].name, probe.adapters[i].backend));
    let mut t = report::table(&["adapter", "backend", "type", "driver", "software", "timestamps", "device"]);
    for a in &listing.adapters {
        let device = match &a.device {
            _ if chosen == Some((&a.name, a.backend)) => "opened: chosen".to_owned(),
            Some(Ok(())) => "opened".to_owned(),
            Some(Err(e)) => format!("failed: {e}"),
            None => "not tried (an earlier one opened)".to_owned(),
        };
        t.add_row(vec![
            a.name.clone(),
            a.backend.to_string(),
            a.device_type.clone(),
            format!("{} {}", a.driver, a.driver_info).trim().to_owned(),
            if a.software { "yes" } else { "no" }.to_owned(),
            if a.timestamps { "yes" } else { "no" }.to_owned(),
            device,
        ]);
    }
    report::print_table(&t, json);
    let quiet = json.is_some_and(|p| p.as_os_str() == "-");
    if !quiet {
        say!("Chosen: {} ({})", probe.chosen, probe.reason);
        if !probe.accelerated {
            say!("GPU acceleration not active.");
        }
    }
    if let Some(path) = json {
        report::write_json(path, &probe)?;
    }
    Ok(match (probe.chosen, probe.accelerated) {
        (BackendKind::Cpu, _) if forced != Some(BackendKind::Cpu) => Verdict::Fail,
        (_, false) if require_hardware => Verdict::Fail,
        _ => Verdict::Pass,
    })
}
