//! `trellis leakcheck`: cycles of baseline, action and back (as MemLab does
//! them) for each scenario, with the heap and every live-object kind
//! sampled after each cycle; what keeps growing after the warm-up leaks.
//! Every input of a cycle is a frame of the canvas (`Canvas::frame`, the
//! path the app takes: the display list patched, only the damage redrawn,
//! a pan moved by a copy), so the renderer's caches and GPU objects are
//! part of the check as a session uses them. `--self-test` plants one leak
//! of each kind in turn and shows that each is caught and named.

use std::cell::RefCell;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use serde::Serialize;
use trellis_canvas::{Canvas, FrameRecord};
use trellis_diag::{
    CountingAllocator, Growth, HEAP_TOLERANCE_BYTES_PER_CYCLE, SurvivingSite, check_cycles, surviving_sites,
};
use trellis_editor::journal::{DesignSource, JournalWriter};
use trellis_editor::scenario::{FRAME_MS, Scenario, events_for};
use trellis_editor::{Action, Editor, Event, Input, Modifiers, PlantedLeak, Step};
use trellis_model::Document;
use trellis_render::{GpuPlantedLeak, Renderer, Theme};

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
    // Pans by whole pixels move the canvas by a copy; zooms redraw it.
    (
        "pan-zoom",
        "wheel 300,200 40,24\nwheel 300,200 40,24\nwheel 300,200 -40,-24\nwheel 300,200 -40,-24\n\
         wheel 300,200 0,95.3 ctrl\nwheel 300,200 0,95.3 ctrl\nwheel 300,200 0,-95.3 ctrl\nwheel 300,200 0,-95.3 ctrl",
    ),
    // Every widget at once: deleted and back, nudged and back, pasted.
    (
        "bulk-edit",
        "action select_all\naction delete\naction undo\naction select_all\nkey shift+right\naction undo\n\
         action select_all\naction copy\naction paste",
    ),
    ("open-close", ""),
    ("device-loss", ""),
];

/// The canvas the cycles draw: big enough that labels are shaped, not
/// greeked, at half size.
const VIEW_SIZE: (f32, f32) = (640.0, 400.0);

/// A leak the self-test plants, each in a real cache or registry of the
/// product, once per cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plant {
    None,
    Subscription,
    DetachedSubtree,
    UndoEntry,
    JournalLine,
    LayoutMemoEntry,
    ShapedText,
    AtlasImage,
    GpuTexture,
    GpuBuffer,
    HeapBlock,
}

/// What the self-test plants, how it describes it, and the kinds that are
/// its own: it must be named as one or more of them (the heap may grow
/// too) and as nothing else. GPU objects are named by what each backend's
/// wgpu counters keep: Vulkan counts texture bytes, GL texture views.
struct PlantSpec {
    plant: Plant,
    what: &'static str,
    kinds: &'static [&'static str],
    needs_gpu: bool,
}

const PLANTS: &[PlantSpec] = &[
    PlantSpec {
        plant: Plant::Subscription,
        what: "a document subscription never dropped",
        kinds: &["subscriptions"],
        needs_gpu: false,
    },
    PlantSpec {
        plant: Plant::DetachedSubtree,
        what: "a detached widget subtree no history holds",
        kinds: &["detached widgets"],
        needs_gpu: false,
    },
    PlantSpec {
        plant: Plant::UndoEntry,
        what: "an undo entry never freed",
        kinds: &["undo entries"],
        needs_gpu: false,
    },
    PlantSpec {
        plant: Plant::JournalLine,
        what: "a journal line never flushed",
        kinds: &["journal lines queued"],
        needs_gpu: false,
    },
    PlantSpec {
        plant: Plant::LayoutMemoEntry,
        what: "a layout memo entry of a deleted widget",
        kinds: &["layout memo entries"],
        needs_gpu: false,
    },
    PlantSpec {
        plant: Plant::ShapedText,
        what: "a shaped text of a deleted widget",
        kinds: &["shaped texts"],
        needs_gpu: true,
    },
    PlantSpec {
        plant: Plant::AtlasImage,
        what: "an atlas image never released",
        kinds: &["atlas images"],
        needs_gpu: true,
    },
    PlantSpec {
        plant: Plant::GpuTexture,
        what: "an unreleased GPU texture",
        kinds: &["GPU texture bytes", "GPU texture views"],
        needs_gpu: true,
    },
    PlantSpec {
        plant: Plant::GpuBuffer,
        what: "an unreleased GPU buffer",
        kinds: &["GPU buffers", "GPU buffer bytes"],
        needs_gpu: true,
    },
    PlantSpec {
        plant: Plant::HeapBlock,
        what: "32 heap bytes per cycle, counted nowhere",
        kinds: &["heap"],
        needs_gpu: false,
    },
];

/// How a run's reported kinds compare with what was planted.
pub(crate) fn named_exactly(leaking: &[String], own: &[&str]) -> bool {
    let named_own = leaking.iter().any(|k| own.contains(&k.as_str()));
    let named_other = leaking.iter().any(|k| k != "heap" && !own.contains(&k.as_str()));
    named_own && !named_other
}

/// What a cycle works on: the canvas (editor and renderer) as the app has it.
struct Bench {
    canvas: Canvas,
    design_file: std::path::PathBuf,
    clock: f64,
    /// Runs started, for naming each run's journal.
    runs: usize,
}

/// The phases of the frames `b` adds to `a`.
fn add_frame(a: &mut FrameRecord, b: &FrameRecord) {
    a.event_ns += b.event_ns;
    a.layout_ns += b.layout_ns;
    a.display_list_ns += b.display_list_ns;
    a.encode_ns += b.encode_ns;
    a.wait_ns += b.wait_ns;
    a.gpu_ns = match (a.gpu_ns, b.gpu_ns) {
        (Some(x), Some(y)) => Some(x + y),
        (x, y) => x.or(y),
    };
    a.redrawn_pixels += b.redrawn_pixels;
    a.rebuilt |= b.rebuilt;
}

impl Bench {
    /// One input, as one frame of the canvas.
    fn frame(&mut self, input: Input, cycle: &mut FrameRecord) -> anyhow::Result<()> {
        self.clock += FRAME_MS;
        let (step, record) = self.canvas.frame(&Event { t: self.clock, input })?;
        self.canvas.recycle(step);
        add_frame(cycle, &record);
        Ok(())
    }

    /// The canvas's size, then half size at the design's top left.
    fn set_view(&mut self, cycle: &mut FrameRecord) -> anyhow::Result<()> {
        self.frame(Input::Viewport { width: VIEW_SIZE.0, height: VIEW_SIZE.1, scale: 1.0 }, cycle)?;
        let half = 0.5f32.ln() / 0.002;
        self.frame(
            Input::Wheel { x: 0.0, y: 0.0, dx: 0.0, dy: half, modifiers: Modifiers { ctrl: true, ..Modifiers::NONE } },
            cycle,
        )
    }

    /// `doc` opened in a new editor on the same renderer, as the app opens a design.
    fn open(&mut self, doc: Document, cycle: &mut FrameRecord) -> anyhow::Result<()> {
        let old = std::mem::replace(&mut self.canvas, Canvas::new(Editor::new(Document::new()), None, Theme::LIGHT));
        // The old editor, with its document, geometry and history, goes.
        let (_, renderer) = old.into_parts();
        self.canvas = Canvas::new(Editor::new(doc), renderer, Theme::LIGHT);
        self.set_view(cycle)
    }

    fn live(&self) -> Vec<(String, usize)> {
        crate::lab::live_objects(self.canvas.editor(), self.canvas.renderer())
    }

    /// One cycle, every input drawn as a frame; returns their phases, summed.
    fn cycle(&mut self, name: &str, script: Option<&Scenario>, plant: Plant) -> anyhow::Result<FrameRecord> {
        let mut record = FrameRecord::default();
        match name {
            "open-close" => {
                let doc = Document::load(&self.design_file)?;
                self.open(doc, &mut record)?;
            }
            "device-loss" => {
                if let Some(Renderer::Gpu(g)) = self.canvas.renderer() {
                    g.destroy_device();
                }
                // The next frame finds the device lost and draws on a new one.
                let step = Step::default();
                self.clock += FRAME_MS;
                add_frame(&mut record, &self.canvas.draw(&step, (self.clock / 1000.0) as f32, true)?);
            }
            _ => {
                let script = script.expect("editor scenarios have a script");
                for step in &script.steps {
                    for input in events_for(self.canvas.editor(), step).with_context(|| format!("{step:?}"))? {
                        self.frame(input, &mut record)?;
                    }
                }
                // Through events, as a user's shortcut: the journal records them.
                self.frame(Input::Action(Action::Undo), &mut record)?;
                if name == "undo-redo" {
                    self.frame(Input::Action(Action::Redo), &mut record)?;
                    self.frame(Input::Action(Action::Undo), &mut record)?;
                }
            }
        }
        self.plant(plant);
        Ok(record)
    }

    /// Plants one leak of the kind asked for, through the product's own
    /// caches and registries, as the bug it stands for would.
    fn plant(&mut self, plant: Plant) {
        match plant {
            Plant::None => {}
            Plant::Subscription => std::mem::forget(self.canvas.editor().doc().subscribe()),
            Plant::DetachedSubtree => self.canvas.editor_mut().plant_leak(PlantedLeak::DetachedSubtree),
            Plant::UndoEntry => self.canvas.editor_mut().plant_leak(PlantedLeak::UndoEntry),
            Plant::JournalLine => self.canvas.editor_mut().plant_leak(PlantedLeak::JournalLine),
            Plant::LayoutMemoEntry => self.canvas.editor_mut().plant_leak(PlantedLeak::LayoutMemoEntry),
            Plant::HeapBlock => plant_heap_block(),
            Plant::ShapedText | Plant::AtlasImage | Plant::GpuTexture | Plant::GpuBuffer => {
                let Some(Renderer::Gpu(g)) = self.canvas.renderer_mut() else { return };
                match plant {
                    Plant::ShapedText => g.plant_leak(GpuPlantedLeak::ShapedText),
                    Plant::AtlasImage => g.plant_leak(GpuPlantedLeak::AtlasImage),
                    Plant::GpuTexture => std::mem::forget(g.device().create_texture(&wgpu::TextureDescriptor {
                        label: Some("planted leak"),
                        size: wgpu::Extent3d { width: 64, height: 64, depth_or_array_layers: 1 },
                        mip_level_count: 1,
                        sample_count: 1,
                        dimension: wgpu::TextureDimension::D2,
                        format: wgpu::TextureFormat::Rgba8Unorm,
                        usage: wgpu::TextureUsages::TEXTURE_BINDING,
                        view_formats: &[],
                    })),
                    _ => std::mem::forget(g.device().create_buffer(&wgpu::BufferDescriptor {
                        label: Some("planted leak"),
                        size: 4096,
                        usage: wgpu::BufferUsages::VERTEX,
                        mapped_at_creation: false,
                    })),
                }
            }
        }
    }
}

/// The planted heap leak: a block nothing counts, kept for good. Its own
/// function, so that attribution has a call site to name.
#[inline(never)]
fn plant_heap_block() {
    std::mem::forget(std::hint::black_box(Box::new([0u8; 32])));
}

/// One run of the check: a scenario, and the leak planted in it (none for
/// a check of the product as it is).
type Run = (String, Option<&'static PlantSpec>);

#[derive(Serialize)]
pub(crate) struct ScenarioResult {
    pub(crate) scenario: String,
    /// For the self-test: the leak planted, and the kinds that are its own.
    pub(crate) planted: Option<String>,
    pub(crate) expected: Vec<String>,
    pub(crate) growth: Growth,
    /// Where the bytes that outlived their cycle were allocated, when the
    /// heap leaked: the top three call sites.
    pub(crate) attribution: Vec<SurvivingSite>,
    /// Why there is no attribution for a leaking heap, if there is none.
    pub(crate) attribution_note: Option<String>,
    pub(crate) passed: bool,
}

#[derive(Serialize)]
struct LeakReport {
    machine: Machine,
    backend: String,
    adapter: String,
    cycles: usize,
    warmup: usize,
    /// The heap's tolerance: growth of its floor per cycle at or below which it is flat.
    heap_tolerance_bytes_per_cycle: f64,
    /// Plants the self-test could not make on this backend.
    skipped: Vec<String>,
    results: Vec<ScenarioResult>,
}

/// Every cycle as a span, for `--trace` (kept only when asked for: the
/// list grows with the run, which would read as a leak otherwise).
struct CycleTrace {
    origin: Instant,
    records: Option<RefCell<Vec<(FrameRecord, usize)>>>,
}

fn script_of(name: &str) -> anyhow::Result<Option<Scenario>> {
    let script = SCENARIOS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s).unwrap_or_default();
    Ok((!script.is_empty()).then(|| Scenario::parse(script)).transpose()?)
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
    let script = script_of(name)?;
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
                match b.cycle(name, script.as_ref(), plant) {
                    Ok(frames) => {
                        let record = FrameRecord {
                            index: i as u64,
                            start_ms: started.duration_since(trace.origin).as_secs_f64() * 1e3,
                            total_ns: started.elapsed().as_nanos() as u64,
                            ..frames
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

/// Cycles profiled for attribution: enough for a leak to stand out from
/// one cycle's state, few enough that recording every allocation's
/// backtrace stays within seconds.
const ATTRIBUTION_CYCLES: usize = 100;

/// Runs the scenario again from the start, its warm-up unrecorded and then
/// [`ATTRIBUTION_CYCLES`] under a heap profile, and names the three call
/// sites whose allocations most outlived their cycle.
fn attribute(name: &str, warmup: usize, plant: Plant, bench: &RefCell<Bench>) -> anyhow::Result<Vec<SurvivingSite>> {
    let script = script_of(name)?;
    bench.borrow_mut().restart(name)?;
    let mut b = bench.borrow_mut();
    for _ in 0..warmup {
        b.cycle(name, script.as_ref(), plant)?;
    }
    let mut failure = None;
    // A quarter of the smallest leak the check catches: below that, a site is noise.
    let min_bytes = HEAP_TOLERANCE_BYTES_PER_CYCLE / 2.0 * ATTRIBUTION_CYCLES as f64;
    let sites = surviving_sites(ATTRIBUTION_CYCLES, 3, min_bytes, || {
        for _ in 0..ATTRIBUTION_CYCLES {
            if let Err(e) = b.cycle(name, script.as_ref(), plant) {
                failure = Some(e);
                break;
            }
            // Written out, as before every sample of the check itself.
            if let Some(j) = b.canvas.editor().journal() {
                j.flush();
            }
        }
    })?;
    match failure {
        Some(e) => Err(e.context(format!("attributing the heap growth of {name}"))),
        None => Ok(sites),
    }
}

fn fresh_bench(renderer: Renderer, design_file: &Path) -> anyhow::Result<Bench> {
    let doc = Document::load(design_file)?;
    let mut bench = Bench {
        canvas: Canvas::new(Editor::new(doc), Some(renderer), Theme::LIGHT),
        design_file: design_file.to_owned(),
        clock: 0.0,
        runs: 0,
    };
    bench.set_view(&mut FrameRecord::default())?;
    Ok(bench)
}

impl Bench {
    /// Back to the design as saved, with a new journal, as a session that
    /// has just opened it: every run starts from the same state.
    fn restart(&mut self, name: &str) -> anyhow::Result<()> {
        self.open(Document::load(&self.design_file)?, &mut FrameRecord::default())?;
        let dir = self.design_file.parent().expect("the design lives in the check's temporary directory");
        // Journaled, as the app's sessions are: its queue is a live-object kind too.
        self.runs += 1;
        let journal = JournalWriter::create(
            &dir.join(format!("{name}-{}.journal", self.runs)),
            DesignSource::Generated { widgets: 300, seed: 4 },
            *self.canvas.editor().viewport(),
            self.canvas.editor().settings().clone(),
            self.canvas.editor().measurer_id(),
        )
        .context("creating the leak check's journal")?;
        self.canvas.editor_mut().set_journal(journal);
        Ok(())
    }
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
    if !(2..=1_000_000).contains(&cycles) {
        bail!("--cycles {cycles}: use from 2 to 1000000");
    }
    if let Some(w) = warmup
        && w > MAX_WARMUP
    {
        bail!("--warmup {w}: use from 0 to {MAX_WARMUP}");
    }
    let trace = CycleTrace {
        origin: Instant::now(),
        // Room for every cycle up front, so the list never grows during a measurement.
        records: trace_file.map(|_| {
            RefCell::new(Vec::with_capacity((cycles + MAX_DEFAULT_WARMUP) * (SCENARIOS.len() + PLANTS.len())))
        }),
    };
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
    // pools, channel blocks) fill during the warm-up; what keeps growing
    // after it leaks.
    let warmup = warmup.unwrap_or((cycles / 10).clamp(100, MAX_DEFAULT_WARMUP));
    let dir = tempfile::tempdir().context("making a temporary directory for the design")?;
    let design_file = dir.path().join("leakcheck.trellis.json");
    trellis_model::generate(300, 4).save(&design_file)?;
    crate::drag_bench::write_bundled_images(dir.path())?;
    let (renderer, probe) = open_renderer(forced_backend(backend)?)?;
    let backend_name = renderer.backend().to_string();
    let adapter = renderer.adapter_name();
    let on_gpu = matches!(renderer, Renderer::Gpu(_));
    lab.set_renderer(&adapter, &backend_name);
    let bench = RefCell::new(fresh_bench(renderer, &design_file)?);
    let quiet = json.is_some_and(|p| p.as_os_str() == "-");

    // The runs: each scenario clean, or, for the self-test, each plant then a clean run.
    let mut runs: Vec<Run> = Vec::new();
    let mut skipped = Vec::new();
    if self_test {
        for spec in PLANTS {
            if spec.needs_gpu && !on_gpu {
                skipped.push(format!("{} (no GPU: {})", spec.what, probe.reason));
                continue;
            }
            runs.push(("insert-delete".to_owned(), Some(spec)));
        }
        runs.push(("insert-delete".to_owned(), None));
    } else {
        for n in &names {
            if *n == "device-loss" && !on_gpu {
                skipped.push(format!("device-loss (the CPU rasteriser has no device to lose: {})", probe.reason));
                continue;
            }
            runs.push(((*n).to_owned(), None));
        }
    }
    if !quiet {
        for s in &skipped {
            say!("skipped: {s}");
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
    for (name, spec) in runs {
        let plant = spec.map_or(Plant::None, |s| s.plant);
        bar.set_message(match spec {
            Some(s) => format!("planted: {}", s.what),
            None => name.clone(),
        });
        // Each run starts from the same design, with the same renderer.
        bench.borrow_mut().restart(&name)?;
        let growth = run_scenario(&name, cycles, warmup, plant, &bench, &bar, lab, &trace)?;
        let named = match spec {
            Some(s) => named_exactly(&growth.leaking, s.kinds),
            None => growth.is_clean(),
        };
        // Attributed where the heap's growth is the finding: in a clean run,
        // and for the planted heap block, whose site the self-test checks.
        let attribute_heap = spec.is_none_or(|s| s.plant == Plant::HeapBlock);
        let (attribution, attribution_note) = if attribute_heap && growth.leaking.iter().any(|k| k == "heap") {
            bar.set_message(format!("{name}: attributing the heap's growth"));
            match attribute(&name, warmup, plant, &bench) {
                Ok(sites) => (sites, None),
                Err(e) => (Vec::new(), Some(crate::report::error_chain(&e))),
            }
        } else {
            (Vec::new(), None)
        };
        // The planted heap block must also be traced to the function that leaks it.
        let traced =
            plant != Plant::HeapBlock || attribution.first().is_some_and(|s| s.site().contains("plant_heap_block"));
        let passed = named && traced;
        results.push(ScenarioResult {
            scenario: name,
            planted: spec.map(|s| s.what.to_owned()),
            expected: spec.map(|s| s.kinds.iter().map(|k| (*k).to_owned()).collect()).unwrap_or_default(),
            growth,
            attribution,
            attribution_note,
            passed,
        });
    }
    bar.finish_and_clear();

    if !quiet {
        say!(
            "Leak check: {cycles} cycles per scenario after {warmup} of warm-up, on a 300-widget design, each cycle drawn by {adapter} ({backend_name})."
        );
        say!(
            "A kind leaks if it ends above its count after the warm-up; the heap, if its floor climbs over {HEAP_TOLERANCE_BYTES_PER_CYCLE} bytes per cycle in both halves of the run."
        );
        if self_test {
            say!(
                "Self-test: one leak planted in each run; each must be named as its own kind and nothing else, and the clean run must report nothing."
            );
        }
    }
    let verdict = print_results(&results, self_test, json, quiet, ATTRIBUTION_CYCLES);
    if let (Some(path), Some(records)) = (trace_file, &trace.records) {
        let (records, heap): (Vec<FrameRecord>, Vec<usize>) = records.borrow().iter().copied().unzip();
        let t = crate::chrome_trace::of_frames(&records, &heap);
        crate::report::write_output(path, |out| serde_json::to_writer(out, &t).map_err(std::io::Error::other))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = json {
        report::write_json(
            path,
            &LeakReport {
                machine: Machine::here(),
                backend: backend_name,
                adapter,
                cycles,
                warmup,
                heap_tolerance_bytes_per_cycle: HEAP_TOLERANCE_BYTES_PER_CYCLE,
                skipped,
                results,
            },
        )?;
    }
    Ok(verdict)
}

/// Prints the results' table (to `json` too, as `report` does) and, unless
/// `quiet`, each leak with its growth and attribution; returns the verdict.
pub(crate) fn print_results(
    results: &[ScenarioResult],
    self_test: bool,
    json: Option<&Path>,
    quiet: bool,
    attribution_cycles: usize,
) -> Verdict {
    let mut t = if self_test {
        report::table(&["planted", "must be named as", "reported leaking", "heap / cycle", "verdict"])
    } else {
        report::table(&["scenario", "reported leaking", "heap / cycle", "heap after warm-up", "verdict"])
    };
    for r in results {
        let leaking = if r.growth.leaking.is_empty() { "nothing".to_owned() } else { r.growth.leaking.join(", ") };
        let verdict = if r.passed { "ok" } else { "FAIL" }.to_owned();
        let heap = format!("{:+.1} B", r.growth.heap_bytes_per_cycle);
        if self_test {
            t.add_row(vec![
                r.planted.clone().unwrap_or_else(|| "nothing (clean run)".to_owned()),
                if r.expected.is_empty() { "nothing".to_owned() } else { r.expected.join(" or ") },
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
    if !quiet {
        for r in results {
            let what =
                r.planted.as_deref().map_or_else(|| r.scenario.clone(), |p| format!("{} (planted: {p})", r.scenario));
            if r.planted.is_none() || !r.passed {
                for k in r.growth.kinds.iter().filter(|k| r.growth.leaking.contains(&k.kind)) {
                    say!(
                        "LEAK in {what}: {} grew from {} to {} ({:+.2} per cycle)",
                        k.kind,
                        k.after_warmup,
                        k.at_end,
                        k.per_cycle
                    );
                }
            }
            // A planted leak that was caught needs no notes, except the
            // planted heap block, whose attribution is the point.
            let heap_noted = r.planted.is_none() || !r.passed || !r.attribution.is_empty();
            if heap_noted && r.growth.leaking.iter().any(|k| k == "heap") {
                say!(
                    "LEAK in {what}: the heap's floor grows {:.1} bytes per cycle (floors by quarter: {})",
                    r.growth.heap_bytes_per_cycle,
                    r.growth
                        .heap_floors
                        .iter()
                        .map(|f| format!("{:.1} KiB", *f as f64 / 1024.0))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                if let Some(note) = &r.attribution_note {
                    say!("  (no attribution: {note})");
                } else if r.attribution.is_empty() {
                    say!("  no single call site holds more than a quarter of the growth");
                } else {
                    say!("  allocated at (bytes that outlived their cycle over {attribution_cycles} profiled cycles):");
                }
                for (i, site) in r.attribution.iter().enumerate() {
                    say!(
                        "  {}. {:.1} KiB in {} blocks: {}",
                        i + 1,
                        site.surviving_bytes / 1024.0,
                        site.live_blocks,
                        site.site()
                    );
                    for caller in site.frames.iter().skip_while(|f| f.as_str() != site.site()).skip(1).take(2) {
                        say!("       called from {caller}");
                    }
                }
            }
        }
    }
    if results.iter().all(|r| r.passed) { Verdict::Pass } else { Verdict::Fail }
}

/// The longest warm-up by default, and the longest allowed.
const MAX_DEFAULT_WARMUP: usize = 200;
pub(crate) const MAX_WARMUP: usize = 100_000;
