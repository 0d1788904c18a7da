//! `trellis leakcheck`: cycles of baseline, action and back (as MemLab does
//! them) for each scenario, with the heap and every live-object kind
//! sampled after each cycle; what keeps growing after the warm-up leaks.
//! Every cycle ends by drawing the design, so the renderer's caches and GPU
//! objects are part of the check. `--self-test` plants one leak of each
//! kind in turn and shows that each is caught and named.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use serde::Serialize;
use trellis_canvas::FrameRecord;
use trellis_diag::{CountingAllocator, Growth, check_cycles};
use trellis_editor::journal::{DesignSource, JournalWriter};
use trellis_editor::scenario::Scenario;
use trellis_editor::{Action, Editor, Step};
use trellis_geometry::Point;
use trellis_model::{Document, Rect, WidgetId};
use trellis_render::{DisplayList, OverlayLayer, Redraw, Renderer, Theme, View};

use crate::bench_commands::Machine;
use crate::render_command::{forced_backend, open_renderer};
use crate::report::{self, Verdict, say};

/// The scenarios, each an editor script whose effect the cycle then undoes.
const SCENARIOS: &[(&str, &str)] = &[
    ("insert-delete", "palette slider at 500,400 steps 5"),
    ("drag", "drag card_3 by 50,30 steps 10 nosnap"),
    ("resize", "resize card_2 se by 30,20 steps 5"),
    ("reparent", "drag card_1 to card_6 steps 10"),
    ("copy-paste", "click card_5\nkey ctrl+c\nkey ctrl+v"),
    ("undo-redo", "drag card_4 by 20,10 steps 5 nosnap"),
    ("open-close", ""),
    ("device-loss", ""),
];

/// A leak the self-test plants, and the kind that must be named for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plant {
    None,
    Subscription,
    StaleCacheEntry,
    GpuTexture,
    UndoEntry,
}

impl Plant {
    const ALL: [(Plant, &'static str, &'static str); 4] = [
        (Plant::Subscription, "a subscription never dropped", "subscriptions"),
        (Plant::StaleCacheEntry, "a cache entry of a deleted widget", "app cache entries"),
        (Plant::GpuTexture, "an unreleased GPU texture", "GPU texture bytes"),
        (Plant::UndoEntry, "an undo entry never freed", "undo entries"),
    ];
}

/// What a cycle works on.
struct Bench {
    editor: Editor,
    renderer: Renderer,
    view: View,
    theme: Theme,
    overlays: OverlayLayer,
    design_file: std::path::PathBuf,
    /// The app-side cache a planted leak forgets to purge.
    stale: HashMap<WidgetId, Rect>,
    clock: f64,
}

impl Bench {
    fn draw(&mut self) -> anyhow::Result<()> {
        let list = DisplayList::build(self.editor.doc(), self.editor.geometry(), &self.theme);
        self.overlays.clear();
        for id in self.editor.selection() {
            if let Some(r) = self.editor.geometry().rect(*id) {
                self.overlays.selection(r);
            }
        }
        self.renderer.draw(&list, &[], &self.view, &Redraw::All, &self.overlays, 0.0)?;
        self.renderer.finish();
        Ok(())
    }

    fn live(&self) -> Vec<(String, usize)> {
        let mut v = crate::lab::live_objects(&self.editor, Some(&self.renderer));
        v.push(("app cache entries".to_owned(), self.stale.len()));
        v
    }

    fn cycle(&mut self, name: &str, script: Option<&Scenario>, plant: Plant) -> anyhow::Result<()> {
        match name {
            "open-close" => {
                let doc = Document::load(&self.design_file)?;
                // The old editor, with its document, geometry and history, goes.
                self.editor = Editor::new(doc);
            }
            "device-loss" => {
                if let Renderer::Gpu(g) = &self.renderer {
                    g.destroy_device();
                }
            }
            _ => {
                let script = script.expect("editor scenarios have a script");
                script.run(&mut self.editor, &mut self.clock, &mut |_, _| {})?;
                let mut step = Step::default();
                if plant == Plant::StaleCacheEntry
                    && let Some(id) = self.editor.selection().first()
                    && let Some(r) = self.editor.geometry().rect(*id)
                {
                    // Remembered for a widget the undo below deletes, and never purged.
                    self.stale.insert(*id, r);
                }
                self.editor.action(&Action::Undo, &mut step);
                if name == "undo-redo" {
                    self.editor.action(&Action::Redo, &mut step);
                    self.editor.action(&Action::Undo, &mut step);
                }
            }
        }
        match plant {
            Plant::Subscription => std::mem::forget(self.editor.doc().subscribe()),
            Plant::UndoEntry => {
                let mut step = Step::default();
                self.editor.action(&Action::Redo, &mut step);
            }
            Plant::GpuTexture => {
                if let Renderer::Gpu(g) = &self.renderer {
                    let t = g.device().create_texture(&wgpu::TextureDescriptor {
                        label: Some("planted leak"),
                        size: wgpu::Extent3d { width: 64, height: 64, depth_or_array_layers: 1 },
                        mip_level_count: 1,
                        sample_count: 1,
                        dimension: wgpu::TextureDimension::D2,
                        format: wgpu::TextureFormat::Rgba8Unorm,
                        usage: wgpu::TextureUsages::TEXTURE_BINDING,
                        view_formats: &[],
                    });
                    std::mem::forget(t);
                }
            }
            Plant::None | Plant::StaleCacheEntry => {}
        }
        Ok(())
    }
}

/// One run of the check: a scenario, the leak planted in it, and the
/// leak's description and expected kind.
type Run = (String, Plant, Option<(&'static str, &'static str)>);

#[derive(Serialize)]
struct ScenarioResult {
    scenario: String,
    /// For the self-test: the leak planted, and the kind it must show as.
    planted: Option<String>,
    expected: Option<String>,
    growth: Growth,
    passed: bool,
}

#[derive(Serialize)]
struct LeakReport {
    machine: Machine,
    backend: String,
    adapter: String,
    cycles: usize,
    warmup: usize,
    results: Vec<ScenarioResult>,
}

/// Every cycle as a span, for `--trace` (kept only when asked for: the
/// list grows with the run, which would read as a leak otherwise).
struct CycleTrace {
    origin: Instant,
    records: Option<RefCell<Vec<(FrameRecord, usize)>>>,
}

fn run_scenario(
    name: &str,
    cycles: usize,
    warmup: usize,
    plant: Plant,
    bench: &RefCell<Bench>,
    bar: &indicatif::ProgressBar,
    lab: &crate::lab::Lab,
    trace: &CycleTrace,
) -> anyhow::Result<Growth> {
    let script = SCENARIOS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s).unwrap_or_default();
    let script = (!script.is_empty()).then(|| Scenario::parse(script)).transpose()?;
    let failure: RefCell<Option<anyhow::Error>> = RefCell::new(None);
    let growth = check_cycles(
        cycles,
        warmup,
        |i| {
            if failure.borrow().is_none() {
                // A cycle is timed like a frame: the action through the
                // editor as its event phase, the drawing as its encode phase.
                let started = Instant::now();
                let mut b = bench.borrow_mut();
                let result = b.cycle(name, script.as_ref(), plant).and_then(|()| {
                    let acted = Instant::now();
                    b.draw()?;
                    Ok(acted)
                });
                match result {
                    Ok(acted) => {
                        let record = FrameRecord {
                            index: i as u64,
                            start_ms: started.duration_since(trace.origin).as_secs_f64() * 1e3,
                            event_ns: acted.duration_since(started).as_nanos() as u64,
                            encode_ns: acted.elapsed().as_nanos() as u64,
                            total_ns: started.elapsed().as_nanos() as u64,
                            ..FrameRecord::default()
                        };
                        lab.frame(&record);
                        if let Some(t) = &trace.records {
                            t.borrow_mut().push((record, CountingAllocator::snapshot().bytes_in_use));
                        }
                    }
                    Err(e) => *failure.borrow_mut() = Some(e),
                }
            }
            bar.inc(1);
        },
        || {
            let live = bench.borrow().live();
            lab.live(&live);
            live
        },
    );
    if let Some(e) = failure.into_inner() {
        return Err(e.context(format!("scenario {name}")));
    }
    Ok(growth)
}

fn fresh_bench(renderer: Renderer, design_file: &Path) -> anyhow::Result<Bench> {
    let theme = Theme::LIGHT;
    let view =
        View { origin: Point::new(0.0, 0.0), zoom: 0.5, scale: 1.0, width: 640, height: 400, background: theme.canvas };
    let doc = Document::load(design_file)?;
    Ok(Bench {
        editor: Editor::new(doc),
        renderer,
        overlays: OverlayLayer::new(&theme, view.factor()),
        view,
        theme,
        design_file: design_file.to_owned(),
        stale: HashMap::new(),
        clock: 0.0,
    })
}

pub fn leakcheck(
    scenario: Option<&str>,
    cycles: usize,
    backend: Option<&str>,
    json: Option<&Path>,
    self_test: bool,
    warmup: Option<usize>,
    trace_file: Option<&Path>,
    lab: &crate::lab::Lab,
) -> anyhow::Result<Verdict> {
    let trace = CycleTrace {
        origin: Instant::now(),
        // Room for every cycle up front, so the list never grows during a measurement.
        records: trace_file.map(|_| RefCell::new(Vec::with_capacity((cycles + 100) * SCENARIOS.len().max(5)))),
    };
    if !(2..=1_000_000).contains(&cycles) {
        bail!("--cycles {cycles}: use from 2 to 1000000");
    }
    let names: Vec<&str> = match scenario {
        Some(s) if self_test => bail!("--scenario {s}: the self-test chooses its own scenarios"),
        Some(s) => match SCENARIOS.iter().find(|(n, _)| *n == s) {
            Some((n, _)) => vec![*n],
            None => {
                let known: Vec<&str> = SCENARIOS.iter().map(|(n, _)| *n).collect();
                bail!("--scenario {s}: unknown; use one of {}", known.join(", "))
            }
        },
        None if self_test => vec!["insert-delete"],
        None => SCENARIOS.iter().map(|(n, _)| *n).collect(),
    };
    // Caches meant to fill (glyphs, pipelines, the GPU driver's staging
    // pools, channel blocks) fill, and some trim themselves back, during the
    // warm-up; what grows after it leaks. Measured: a session's heap may
    // swing by some 20 KiB for the first 70 cycles, flat after.
    let warmup = warmup.unwrap_or((cycles / 10).clamp(100, 200));
    let dir = tempfile::tempdir().context("making a temporary directory for the design")?;
    let design_file = dir.path().join("leakcheck.trellis.json");
    trellis_model::generate(300, 4).save(&design_file)?;
    let (renderer, probe) = open_renderer(forced_backend(backend)?)?;
    let backend_name = renderer.backend().to_string();
    let adapter = renderer.adapter_name();
    lab.set_renderer(&adapter, &backend_name);
    let bench = RefCell::new(fresh_bench(renderer, &design_file)?);
    let quiet = json.is_some_and(|p| p.as_os_str() == "-");

    // The runs: each scenario clean, or, for the self-test, each plant then a clean run.
    let mut runs: Vec<Run> = Vec::new();
    if self_test {
        for (plant, what, kind) in Plant::ALL {
            runs.push(("insert-delete".to_owned(), plant, Some((what, kind))));
        }
        runs.push(("insert-delete".to_owned(), Plant::None, None));
    } else {
        for n in &names {
            runs.push(((*n).to_owned(), Plant::None, None));
        }
    }
    let total = runs.len() as u64 * (cycles + warmup) as u64;
    // No steady tick: a ticking thread would allocate while the heap is sampled.
    let bar = indicatif::ProgressBar::new(total);
    if !quiet {
        bar.set_style(
            indicatif::ProgressStyle::with_template("[{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut results = Vec::new();
    for (name, plant, expected) in runs {
        if name == "device-loss" && !matches!(bench.borrow().renderer, Renderer::Gpu(_)) {
            if !quiet {
                say!("device-loss: skipped, the CPU rasteriser has no device to lose ({})", probe.reason);
            }
            continue;
        }
        if plant == Plant::GpuTexture && !matches!(bench.borrow().renderer, Renderer::Gpu(_)) {
            bail!("the self-test plants a GPU texture, but no adapter works here ({})", probe.reason);
        }
        bar.set_message(match expected {
            Some((what, _)) => format!("planted: {what}"),
            None => name.clone(),
        });
        // Each run starts from the same design, with the same renderer.
        {
            let mut b = bench.borrow_mut();
            b.editor = Editor::new(Document::load(&design_file)?);
            // Journaled, as the app's sessions are: its queue is a live-object kind too.
            let journal = JournalWriter::create(
                &dir.path().join(format!("{name}.journal")),
                DesignSource::Generated { widgets: 300, seed: 4 },
                *b.editor.viewport(),
                b.editor.settings.clone(),
            )
            .context("creating the leak check's journal")?;
            b.editor.set_journal(journal);
            b.stale.clear();
        }
        let growth = run_scenario(&name, cycles, warmup, plant, &bench, &bar, lab, &trace)?;
        let passed = match expected {
            Some((_, kind)) => growth.leaking.iter().any(|k| k == kind),
            None => growth.is_clean(),
        };
        results.push(ScenarioResult {
            scenario: name,
            planted: expected.map(|(w, _)| w.to_owned()),
            expected: expected.map(|(_, k)| k.to_owned()),
            growth,
            passed,
        });
    }
    bar.finish_and_clear();

    if !quiet {
        say!(
            "Leak check: {cycles} cycles per scenario after {warmup} of warm-up, on a 300-widget design, each cycle drawn by {adapter} ({backend_name})."
        );
        if self_test {
            say!(
                "Self-test: one leak planted in each run; each must be caught and named, and the clean run must report nothing."
            );
        }
    }
    let mut t = if self_test {
        report::table(&["planted", "expected", "reported leaking", "heap / cycle", "verdict"])
    } else {
        report::table(&["scenario", "reported leaking", "heap / cycle", "heap after warm-up", "verdict"])
    };
    for r in &results {
        let leaking = if r.growth.leaking.is_empty() { "nothing".to_owned() } else { r.growth.leaking.join(", ") };
        let verdict = if r.passed { "ok" } else { "FAIL" }.to_owned();
        let heap = format!("{:+.1} B", r.growth.heap_bytes_per_cycle);
        if self_test {
            t.add_row(vec![
                r.planted.clone().unwrap_or_else(|| "nothing (clean run)".to_owned()),
                r.expected.clone().unwrap_or_else(|| "nothing".to_owned()),
                leaking,
                heap,
                verdict,
            ]);
        } else {
            t.add_row(vec![
                r.scenario.clone(),
                leaking,
                heap,
                format!("{:.1} KiB", r.growth.heap_after_warmup as f64 / 1024.0),
                verdict,
            ]);
        }
    }
    report::print_table(&t, json);
    let verdict = if results.iter().all(|r| r.passed) { Verdict::Pass } else { Verdict::Fail };
    if !quiet {
        for r in results.iter().filter(|r| !r.passed && r.planted.is_none()) {
            for k in r.growth.kinds.iter().filter(|k| r.growth.leaking.contains(&k.kind)) {
                say!(
                    "LEAK in {}: {} grew from {} to {} ({:+.2} per cycle)",
                    r.scenario,
                    k.kind,
                    k.after_warmup,
                    k.at_end,
                    k.per_cycle
                );
            }
            if r.growth.leaking.iter().any(|k| k == "heap") {
                say!("LEAK in {}: the heap grows {:.1} bytes per cycle", r.scenario, r.growth.heap_bytes_per_cycle);
            }
        }
    }
    if let (Some(path), Some(records)) = (trace_file, &trace.records) {
        let (records, heap): (Vec<FrameRecord>, Vec<usize>) = records.borrow().iter().copied().unzip();
        let t = crate::chrome_trace::of_frames(&records, &heap);
        trellis_model::write_atomically(path, |out| serde_json::to_writer(out, &t).map_err(std::io::Error::other))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = json {
        report::write_json(
            path,
            &LeakReport { machine: Machine::here(), backend: backend_name, adapter, cycles, warmup, results },
        )?;
    }
    Ok(verdict)
}
