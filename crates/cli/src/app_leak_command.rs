//! `trellis leakcheck --app`: the leak check run in the real editor
//! window. Each of the app's scenarios (open and close a design, resize
//! the window, the HUD and the dialogs, selecting in the layers tree,
//! editing in the inspector) is cycled through the window's own input
//! paths, and the engine's live objects are counted together with the
//! window's: egui's textures, egui-wgpu's registered native textures and
//! file watches. `--self-test` plants one leak of each of those kinds.

use std::path::Path;

use anyhow::{Context, bail};
use serde::Serialize;
use trellis_app::{APP_SCENARIOS, AppPlant, LeakWindow};
use trellis_diag::{HEAP_TOLERANCE_BYTES_PER_CYCLE, check_cycles};

use crate::bench_commands::Machine;
use crate::leak_command::{MAX_WARMUP, ScenarioResult, named_exactly, print_results};
use crate::render_command::{forced_backend, parse_size};
use crate::report::{Verdict, say};

/// Cycles per scenario when `--cycles` is not given: each cycle is a few
/// presented frames per step, and the heap needs forty to be judged.
pub const DEFAULT_APP_CYCLES: usize = 40;
/// Warm-up cycles by default: egui's fonts and layouts, the GPU driver's
/// pools and the panels' textures fill in the first few, and some table
/// of the process doubles once within about the first thirty opens of a
/// design (one step of 7 to 22 KiB, then flat for 160 cycles).
const DEFAULT_APP_WARMUP: usize = 20;

/// A leak the self-test plants, and the kinds that are its own.
struct AppPlantSpec {
    plant: AppPlant,
    what: &'static str,
    kinds: &'static [&'static str],
}

const APP_PLANTS: &[AppPlantSpec] = &[
    AppPlantSpec {
        plant: AppPlant::NativeRegistration,
        what: "a native texture registered with egui-wgpu and never freed",
        kinds: &["egui native textures", "GPU bind groups", "GPU texture views"],
    },
    AppPlantSpec {
        plant: AppPlant::EguiTexture,
        what: "an egui texture whose handle is forgotten",
        kinds: &["egui textures", "GPU texture bytes", "GPU texture views", "GPU bind groups"],
    },
    AppPlantSpec { plant: AppPlant::FileWatch, what: "a file watch never dropped", kinds: &["file watches"] },
];

/// The scenario the self-test plants in: the cheapest one.
const SELF_TEST_SCENARIO: &str = "layers-select";

#[derive(Serialize)]
struct AppLeakReport {
    machine: Machine,
    backend: String,
    adapter: String,
    window: (u32, u32),
    cycles: usize,
    warmup: usize,
    heap_tolerance_bytes_per_cycle: f64,
    /// Surface reconfigurations per cycle of each run (a resize makes one).
    surface_reconfigurations_per_cycle: Vec<(String, f64)>,
    results: Vec<ScenarioResult>,
}

/// Cycles profiled for attribution (fewer than the engine's: a window's cycle is slower).
const APP_ATTRIBUTION_CYCLES: usize = 40;

/// Runs `scenario` [`APP_ATTRIBUTION_CYCLES`] more times under a heap
/// profile and names the three call sites whose allocations most outlived
/// their cycle.
fn attribute(window: &mut LeakWindow, scenario: &str) -> anyhow::Result<Vec<trellis_diag::SurvivingSite>> {
    let mut failure = None;
    let min_bytes = HEAP_TOLERANCE_BYTES_PER_CYCLE / 2.0 * APP_ATTRIBUTION_CYCLES as f64;
    let sites = trellis_diag::surviving_sites(APP_ATTRIBUTION_CYCLES, 3, min_bytes, || {
        for _ in 0..APP_ATTRIBUTION_CYCLES {
            if let Err(e) = window.cycle(scenario, AppPlant::None) {
                failure = Some(e);
                break;
            }
        }
    })?;
    match failure {
        Some(e) => Err(anyhow::Error::new(e).context(format!("attributing the heap growth of {scenario}"))),
        None => Ok(sites),
    }
}

/// What `leakcheck --app` was asked.
#[derive(Debug)]
pub struct AppLeakOptions<'a> {
    pub scenario: Option<&'a str>,
    pub cycles: Option<usize>,
    pub warmup: Option<usize>,
    pub backend: Option<&'a str>,
    pub size: &'a str,
    pub json: Option<&'a Path>,
    pub self_test: bool,
}

pub fn leakcheck_app(o: &AppLeakOptions<'_>, lab: &crate::lab::Lab) -> anyhow::Result<Verdict> {
    let cycles = o.cycles.unwrap_or(DEFAULT_APP_CYCLES);
    if !(2..=1_000_000).contains(&cycles) {
        bail!("--cycles {cycles}: use from 2 to 1000000");
    }
    let warmup = o.warmup.unwrap_or(DEFAULT_APP_WARMUP);
    if warmup > MAX_WARMUP {
        bail!("--warmup {warmup}: use from 0 to {MAX_WARMUP}");
    }
    let size = parse_size(o.size).context("--size")?;
    let backend = forced_backend(o.backend)?;
    if backend == Some(trellis_render::BackendKind::Cpu) {
        bail!("--backend cpu: the editor window draws with the GPU; use vulkan or gl");
    }
    let mut runs: Vec<(&str, Option<&AppPlantSpec>)> = match o.scenario {
        Some(s) if o.self_test => bail!("--scenario {s}: the self-test chooses its own scenario"),
        Some(s) => match APP_SCENARIOS.iter().find(|n| **n == s) {
            Some(n) => vec![(*n, None)],
            None => bail!("--scenario {s}: unknown for --app; use one of {}", APP_SCENARIOS.join(", ")),
        },
        None if o.self_test => APP_PLANTS.iter().map(|p| (SELF_TEST_SCENARIO, Some(p))).collect(),
        None => APP_SCENARIOS.iter().map(|n| (*n, None)).collect(),
    };
    if o.self_test {
        runs.push((SELF_TEST_SCENARIO, None));
    }
    let no_display = |e: trellis_app::AppError| match e {
        trellis_app::AppError::NoDisplay(why) => anyhow::anyhow!(
            "no display to open the editor's window on ({why}). Run it under a virtual display \
             (`xvfb-run -a trellis leakcheck --app`), or check the engine without a window (`trellis leakcheck`)"
        ),
        other => anyhow::Error::new(other),
    };
    trellis_app::check_display().map_err(no_display)?;
    let dir = tempfile::tempdir().context("making a temporary directory for the design")?;
    let design = dir.path().join("leakcheck.trellis.json");
    trellis_model::generate(300, 4).save(&design)?;
    crate::drag_bench::write_bundled_images(dir.path())?;
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).context("making the session folder")?;
    let mut window = LeakWindow::open(&design, size, backend, &state).map_err(no_display)?;
    let (adapter, backend_name) = window.adapter();
    lab.set_renderer(&adapter, &backend_name);
    let quiet = o.json.is_some_and(|p| p.as_os_str() == "-");
    let bar = indicatif::ProgressBar::new(runs.len() as u64 * (cycles + warmup) as u64);
    if quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    } else {
        bar.set_style(
            indicatif::ProgressStyle::with_template("[{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
    }
    let mut results = Vec::new();
    let mut reconfigurations = Vec::new();
    for (scenario, spec) in runs {
        let plant = spec.map_or(AppPlant::None, |s| s.plant);
        bar.set_message(spec.map_or_else(|| scenario.to_owned(), |s| format!("planted: {}", s.what)));
        let window_cell = std::cell::RefCell::new(&mut window);
        let failure = std::cell::RefCell::new(None);
        let before = window_cell.borrow().reconfigurations();
        let growth = check_cycles(
            cycles,
            warmup,
            |_| {
                if failure.borrow().is_none()
                    && let Err(e) = window_cell.borrow_mut().cycle(scenario, plant)
                {
                    *failure.borrow_mut() = Some(e);
                }
                bar.inc(1);
            },
            || {
                let w = window_cell.borrow();
                let mut live = crate::lab::live_objects(w.editor(), w.renderer());
                live.extend(w.live());
                lab.live(&live);
                live
            },
        );
        if let Some(e) = failure.into_inner() {
            return Err(anyhow::Error::new(e).context(format!("app scenario {scenario}")));
        }
        let per_cycle = (window_cell.borrow().reconfigurations() - before) as f64 / (cycles + warmup) as f64;
        reconfigurations.push((scenario.to_owned(), per_cycle));
        let mut passed = match spec {
            Some(s) => named_exactly(&growth.leaking, s.kinds),
            None => growth.is_clean(),
        };
        // A resize that never reached the surface would leave nothing to check.
        if scenario == "resize" && per_cycle < 2.0 {
            passed = false;
            say!("resize: {per_cycle:.2} surface reconfigurations per cycle; each cycle resizes twice");
        }
        // A clean run's heap growth is traced to where it was allocated.
        let (attribution, attribution_note) = if spec.is_none() && growth.leaking.iter().any(|k| k == "heap") {
            bar.set_message(format!("{scenario}: attributing the heap's growth"));
            match attribute(&mut window, scenario) {
                Ok(sites) => (sites, None),
                Err(e) => (Vec::new(), Some(crate::report::error_chain(&e))),
            }
        } else {
            (Vec::new(), None)
        };
        results.push(ScenarioResult {
            scenario: format!("app: {scenario}"),
            planted: spec.map(|s| s.what.to_owned()),
            expected: spec.map(|s| s.kinds.iter().map(|k| (*k).to_owned()).collect()).unwrap_or_default(),
            growth,
            attribution,
            attribution_note,
            passed,
        });
    }
    bar.finish_and_clear();
    drop(window);
    if !quiet {
        let (w, h) = size;
        say!(
            "App leak check: {cycles} cycles per scenario after {warmup} of warm-up, in the editor window ({w}x{h}) on a 300-widget design, drawn by {adapter} ({backend_name})."
        );
        say!(
            "Counted with the engine's objects: egui's textures, egui-wgpu's registered native textures, file watches; a kind leaks if it ends above its count after the warm-up, the heap if its floor climbs over {HEAP_TOLERANCE_BYTES_PER_CYCLE} bytes per cycle."
        );
        if o.self_test {
            say!(
                "Self-test: one leak planted per run, in the {SELF_TEST_SCENARIO} scenario; each must be named as its own kinds and nothing else, and the clean run must report nothing."
            );
        }
    }
    let verdict = print_results(&results, o.self_test, o.json, quiet, APP_ATTRIBUTION_CYCLES);
    if !quiet && let Some((_, r)) = reconfigurations.iter().find(|(s, _)| s == "resize") {
        say!("resize: {r:.1} surface reconfigurations per cycle (two resizes per cycle)");
    }
    if let Some(path) = o.json {
        crate::report::write_json(
            path,
            &AppLeakReport {
                machine: Machine::here(),
                backend: backend_name,
                adapter,
                window: size,
                cycles,
                warmup,
                heap_tolerance_bytes_per_cycle: HEAP_TOLERANCE_BYTES_PER_CYCLE,
                surface_reconfigurations_per_cycle: reconfigurations,
                results,
            },
        )?;
    }
    Ok(verdict)
}
