//! `trellis`: the command-line face of Trellis. Every report command prints
//! a readable table, writes `--json FILE` when asked (`-` for standard
//! output), and returns its verdict as the exit code: 0 success, 1 the
//! check failed (an invalid design, a missed budget), 2 the command could
//! not run (bad arguments, unreadable files).
//!
//! This binary is the only crate that uses `anyhow`; the libraries return
//! typed errors.

mod app_commands;
mod app_leak_command;
mod bench_commands;
mod chrome_trace;
mod cpu_profile;
mod debug_endpoint;
mod design_commands;
mod drag_bench;
mod export_command;
mod frame_chart;
mod gpu_command;
mod lab;
mod leak_command;
mod render_bench;
mod render_command;
mod report;
mod session_commands;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use trellis_diag::CountingAllocator;

/// Heap use is counted in every build: reports show it, leak checks will gate on it.
#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

#[derive(Parser, Debug)]
#[command(name = "trellis", version, about = "A GPU-rendered GUI builder with its own performance lab", long_about = None)]
struct Cli {
    /// What to do; without one, the editor opens on the bundled demo.
    #[command(subcommand)]
    command: Option<Command>,
    /// Replace an existing output even when it is read-only (its
    /// permissions are kept), and write into a block device.
    #[arg(long, global = true)]
    force: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Open the desktop editor on a design (or the bundled demo). It needs
    /// a display: without one, it says so and exits 2 (run it under
    /// `xvfb-run -a`, or use `run`, `render` and `bench drag` headless).
    Edit {
        /// The design file to open (`.trellis.json`); none opens the bundled demo.
        file: Option<PathBuf>,
        /// The window's size in pixels.
        #[arg(long, default_value = "1280x800")]
        size: String,
        /// vulkan, gl, metal or dx12 (default: the backend policy, or TRELLIS_BACKEND).
        #[arg(long)]
        backend: Option<String>,
        #[command(flatten)]
        lab: lab::LabOptions,
    },
    /// Run a design as real widgets (the live preview) in the desktop
    /// editor's window: buttons click, inputs take text, tabs switch; a
    /// side panel shows the values and events. Ctrl+P goes to editing. The
    /// design is never changed by what is done in the preview. It needs a
    /// display, as `edit` does.
    Preview {
        /// The design file to run (`.trellis.json`).
        file: PathBuf,
        /// The window's size in pixels.
        #[arg(long, default_value = "1280x800")]
        size: String,
        /// vulkan, gl, metal or dx12 (default: the backend policy, or TRELLIS_BACKEND).
        #[arg(long)]
        backend: Option<String>,
    },
    /// Create an empty design (one 1280x800 window).
    New {
        /// The design file to create (`.trellis.json`); with --force, an existing one is overwritten.
        file: PathBuf,
    },
    /// Write the bundled demo design (or a generated one) to a file; without
    /// --out, run the headless demo job: report on the design and prove a
    /// save/load round trip.
    Demo {
        /// Where to write the design.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Generate a realistic design of exactly N widgets instead of the bundled demo.
        #[arg(long)]
        widgets: Option<usize>,
        /// Seed of the generated design (the same seed gives the same design).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the report as JSON to FILE (`-` for standard output).
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
    /// Check design files; prints one line per problem. Exit 0 when all are
    /// valid, 1 when any is not.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write the report as JSON to FILE (`-` for standard output).
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
    /// List every adapter on every backend, which one the backend policy
    /// picks and why, and whether it is a software rasteriser. Exit 1 when
    /// no adapter works (the CPU rasteriser would draw), or, with
    /// --require-hardware, when GPU acceleration is not active.
    Gpu {
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        #[arg(long)]
        require_hardware: bool,
    },
    /// Draw a design to a PNG file, headless.
    Render {
        file: PathBuf,
        #[arg(long, short, value_name = "FILE")]
        out: PathBuf,
        /// Output size in device pixels, WIDTHxHEIGHT (default: the design's size times the scale).
        #[arg(long)]
        size: Option<String>,
        /// vulkan, gl, metal, dx12 or cpu.
        #[arg(long)]
        backend: Option<String>,
        #[arg(long, default_value = "light")]
        theme: String,
        /// Device pixels per logical pixel.
        #[arg(long, default_value_t = 1.0)]
        scale: f32,
    },
    /// Leak check: cycles of an action and its undo for each scenario
    /// (insert-delete, drag, resize, reparent, copy-paste, undo-redo,
    /// pan-zoom, bulk-edit, open-close, device-loss), each drawn by the
    /// renderer as the app draws it (`Canvas::frame`); reports the
    /// growth per cycle of the heap and of every live-object kind. Exit 1
    /// when anything leaks (or, with --self-test, when a planted leak is
    /// not caught and named).
    Leakcheck {
        /// One scenario instead of all.
        #[arg(long)]
        scenario: Option<String>,
        /// Cycles per scenario (default: 1000; with --app, 40).
        #[arg(long)]
        cycles: Option<usize>,
        /// Cycles run before measuring (default: a tenth of --cycles, from 100 to 200; with --app, 20).
        #[arg(long)]
        warmup: Option<usize>,
        /// Run the cycles in the real editor window (needs a display; under Xvfb: `xvfb-run -a`).
        #[arg(long)]
        app: bool,
        /// The editor window's size with --app, in pixels.
        #[arg(long, default_value = "1280x800", value_name = "WxH")]
        size: String,
        /// vulkan, gl, metal, dx12 or cpu (default: the backend policy, or TRELLIS_BACKEND).
        #[arg(long)]
        backend: Option<String>,
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Plant one leak of each kind in turn and show that each is caught.
        #[arg(long)]
        self_test: bool,
        /// Write a Chrome trace of every cycle (action and drawing) with a heap counter.
        #[arg(long, value_name = "FILE")]
        trace: Option<PathBuf>,
        #[command(flatten)]
        lab: lab::LabOptions,
    },
    /// Measure Trellis itself.
    Bench {
        #[command(subcommand)]
        what: Bench,
    },
    /// Run a scenario (a script of gestures) through the editor, headless.
    Run {
        /// The scenario file (see README, "Scenarios"), a regular file of at
        /// most 16 MiB, or `-` for standard input.
        scenario: PathBuf,
        /// The design to start from (default: the bundled demo).
        #[arg(long)]
        design: Option<PathBuf>,
        /// Start from a generated design of N widgets instead.
        #[arg(long)]
        widgets: Option<usize>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the session journal (every event and commit) to FILE, a new
        /// file: an existing one is replaced only with --force.
        #[arg(long, value_name = "FILE")]
        journal: Option<PathBuf>,
        /// Save the resulting design to FILE.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Wait this long after each event (to watch a session, or crash one in a test).
        #[arg(long, default_value_t = 0)]
        step_delay_ms: u64,
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
    /// Replay a session journal deterministically; with --verify, exit 1
    /// unless every recorded design hash is reproduced.
    Replay {
        journal: PathBuf,
        #[arg(long)]
        verify: bool,
        /// Save the replayed design to FILE (with --verify, only if it verifies).
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
    /// Rebuild the unsaved work of a crashed session from its journal.
    /// Saves only if the replay reproduces every recorded design hash up to
    /// the last complete commit; with --force, saves anyway, saying so.
    Recover {
        journal: PathBuf,
        /// Where to save the recovered design.
        #[arg(long, short, value_name = "FILE")]
        out: PathBuf,
    },
    /// Export a design as code. `--to html` writes DIR/index.html,
    /// DIR/style.css, the bundled font and the design's images; with
    /// --verify, headless Chromium lays the page out and every widget's box
    /// is compared with Trellis's (exit 1 if any edge is more than 1 px off).
    /// `--to egui` writes one Rust module (a state struct, an event enum and
    /// `ui`); `--to slint` writes one .slint file declaring one component.
    Export {
        file: PathBuf,
        /// What to generate: html, egui or slint.
        #[arg(long, value_name = "TARGET")]
        to: String,
        /// Where to write: a folder for html (new, empty, or an earlier
        /// export's), a file for egui and slint.
        #[arg(long, short, value_name = "PATH")]
        out: PathBuf,
        /// The generated type's name (egui's state struct, Slint's
        /// component); by default the design file's name in PascalCase.
        #[arg(long, value_name = "TypeName")]
        name: Option<String>,
        /// Lay the page out in headless Chromium and compare every widget's box.
        #[arg(long)]
        verify: bool,
        /// The colours of widgets that set none: light or dark.
        #[arg(long, default_value = "light")]
        theme: String,
        /// Write the report as JSON to FILE (`-` for standard output).
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
    /// Describe a design: widgets by kind, depth, size, format version.
    Info {
        file: PathBuf,
        /// Write the report as JSON to FILE (`-` for standard output).
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
}

/// The design a benchmark runs on (`bench drag`, `bench render`, `bench window`).
#[derive(clap::Args, Debug)]
struct DesignArgs {
    /// Widgets in the generated design.
    #[arg(long, default_value_t = 10_000, conflicts_with_all = ["demo", "design"])]
    widgets: usize,
    /// Seed of the generated design.
    #[arg(long, default_value_t = 1, conflicts_with_all = ["demo", "design"])]
    seed: u64,
    /// Run on the bundled demo design instead.
    #[arg(long, conflicts_with = "design")]
    demo: bool,
    /// Run on a design file instead.
    #[arg(long, value_name = "FILE")]
    design: Option<PathBuf>,
}

impl DesignArgs {
    fn choice(self) -> drag_bench::DesignChoice {
        match (self.demo, self.design) {
            (true, _) => drag_bench::DesignChoice::Bundled,
            (false, Some(f)) => drag_bench::DesignChoice::File(f),
            (false, None) => drag_bench::DesignChoice::Generated { widgets: self.widgets, seed: self.seed },
        }
    }
}

#[derive(Subcommand, Debug)]
enum Bench {
    /// The real editor window (it needs a display; under Xvfb here) with
    /// every panel showing, played `bench drag`'s session at 120 Hz through
    /// the window's own input path, every frame presented; then two idle
    /// seconds, in which it must draw nothing. Exit 1 when a gate is missed
    /// or the idle editor drew.
    Window {
        #[command(flatten)]
        design: DesignArgs,
        /// The window's size in pixels.
        #[arg(long, default_value = "1280x800")]
        size: String,
        /// vulkan, gl, metal or dx12 (default: the backend policy, or TRELLIS_BACKEND).
        #[arg(long)]
        backend: Option<String>,
        /// Steps of the drag.
        #[arg(long, default_value_t = 120)]
        frames: usize,
        /// Also measure a bare egui window of the same size repainting continuously, and print the ratio.
        #[arg(long)]
        compare_bare: bool,
        /// Exit 1 if the drag's frame p99 exceeds this many milliseconds.
        #[arg(long, value_name = "MS", value_parser = drag_bench::parse_gate)]
        budget_ms: Option<f64>,
        /// Exit 1 if the session's FPS is under this.
        #[arg(long, value_name = "FPS", value_parser = drag_bench::parse_gate)]
        min_fps: Option<f64>,
        /// Write the report as JSON to FILE (`-` for standard output).
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
    /// Spatial queries (index against a linear scan, in one run) and layout
    /// times on a generated design. Exit 1 if the index and the scan ever
    /// disagree, or (with --check-targets) if a target is missed.
    Geometry {
        /// Widgets in the generated design.
        #[arg(long, default_value_t = 100_000)]
        widgets: usize,
        /// Seed of the generated design and of the random queries.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Queries timed through the index, per kind of query.
        #[arg(long, default_value_t = 20_000)]
        samples: usize,
        /// Write every figure, with the machine and build, as JSON to FILE (`-` for standard output).
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Exit 1 unless the targets for 100,000 widgets are met.
        #[arg(long)]
        check_targets: bool,
    },
    /// The end-to-end stress benchmark: a palette drop, a long drag across
    /// the canvas, a resize, a marquee, undo and redo, through the editor
    /// core and the renderer, one frame per input, every phase timed.
    /// Exit 1 when a --budget-ms or --min-fps gate is missed, or when the
    /// session did not commit what it should.
    Drag {
        #[command(flatten)]
        design: DesignArgs,
        /// Canvas size in device pixels.
        #[arg(long, default_value = "1280x800")]
        size: String,
        /// vulkan, gl, metal, dx12 or cpu (default: the backend policy, or TRELLIS_BACKEND).
        #[arg(long)]
        backend: Option<String>,
        /// The editor core alone, no drawing.
        #[arg(long, conflicts_with = "backend")]
        no_render: bool,
        /// Steps of the drag.
        #[arg(long, default_value_t = 120)]
        frames: usize,
        /// Present at 60 Hz, as a swap chain with vsync would (FPS then tops out at 60).
        #[arg(long)]
        vsync: bool,
        /// Exit 1 if the frame p99 exceeds this many milliseconds.
        #[arg(long, value_name = "MS", value_parser = drag_bench::parse_gate)]
        budget_ms: Option<f64>,
        /// Exit 1 if the run's FPS is under this.
        #[arg(long, value_name = "FPS", value_parser = drag_bench::parse_gate)]
        min_fps: Option<f64>,
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Write a chart of frame times by phase (SVG).
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
        /// Write a Chrome trace (opens in Perfetto): a span per frame phase, FPS and heap counters.
        #[arg(long, value_name = "FILE")]
        trace: Option<PathBuf>,
        /// Print the ratio of every metric to an earlier run's --json report.
        #[arg(long, value_name = "OLD.json")]
        compare: Option<PathBuf>,
        /// Run only these parts of the session, in its order (comma-separated):
        /// palette-drop, drag, resize, marquee, undo, redo, click, pan, zoom,
        /// select-all-move, set-property-1000, paste-1000, delete-1000.
        #[arg(long, value_name = "A,B,...")]
        parts: Option<String>,
        #[command(flatten)]
        lab: lab::LabOptions,
    },
    /// Frame times of a scripted drag drawn by the renderer, every step
    /// drawn damage-limited and in full, in one run, with the ratio.
    Render {
        #[command(flatten)]
        design: DesignArgs,
        /// Output size in device pixels.
        #[arg(long, default_value = "1280x800")]
        size: String,
        /// vulkan, gl, metal, dx12 or cpu (default: the backend policy, or TRELLIS_BACKEND).
        #[arg(long)]
        backend: Option<String>,
        /// Steps of the drag.
        #[arg(long, default_value_t = 120)]
        frames: usize,
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Exit 1 unless the damage-limited frame's median is <= 4 ms and its p99 <= 8 ms.
        #[arg(long)]
        check_targets: bool,
        /// What changes each step: drag (a card moves), pan (the view
        /// scrolls by whole pixels) or zoom (wheel steps in, then out,
        /// around the centre).
        #[arg(long, value_enum, default_value_t = render_bench::Motion::Drag)]
        view: render_bench::Motion,
    },
}

fn main() -> ExitCode {
    trellis_diag::keep_freed_memory();
    trellis_diag::back_heap_with_huge_pages();
    let cli = Cli::parse();
    report::set_force(cli.force);
    report::watch_for_stdout_outputs(std::env::args_os());
    if let Some(command) = &cli.command {
        let (inputs, outputs) = files_of(command);
        if let Err(e) = report::refuse_clashing_files(&inputs, &outputs) {
            let said = report::bounded_lines(&report::error_chain(&e));
            report::note(format_args!("error: {}", report::printable(&said, true)));
            return ExitCode::from(2);
        }
    }
    let result = match cli.command.unwrap_or(Command::Edit {
        file: None,
        size: "1280x800".into(),
        backend: None,
        lab: lab::LabOptions::default(),
    }) {
        Command::Edit { file, size, backend, lab } => app_commands::edit(file, &size, backend.as_deref(), &lab, false),
        Command::Preview { file, size, backend } => {
            app_commands::edit(Some(file), &size, backend.as_deref(), &lab::LabOptions::default(), true)
        }
        Command::Bench {
            what: Bench::Window { design, size, backend, frames, compare_bare, budget_ms, min_fps, json },
        } => {
            let design = design.choice();
            app_commands::bench_window(&app_commands::WindowOptions {
                design,
                size: &size,
                backend: backend.as_deref(),
                frames,
                compare_bare,
                budget_ms,
                min_fps,
                json: json.as_deref(),
            })
        }
        Command::New { file } => design_commands::new(&file, cli.force),
        Command::Demo { out, widgets, seed, json } => {
            design_commands::demo(out.as_deref(), widgets, seed, json.as_deref())
        }
        Command::Validate { files, json } => design_commands::validate(&files, json.as_deref()),
        Command::Export { file, to, out, verify, theme, name, json } => {
            export_command::export(&file, &to, &out, verify, &theme, name.as_deref(), json.as_deref())
        }
        Command::Info { file, json } => design_commands::info(&file, json.as_deref()),
        Command::Run { scenario, design, widgets, seed, journal, out, step_delay_ms, json } => {
            let choice = session_commands::DesignChoice { file: design.as_deref(), widgets, seed };
            session_commands::run(
                &scenario,
                &choice,
                journal.as_deref(),
                out.as_deref(),
                step_delay_ms,
                json.as_deref(),
            )
        }
        Command::Replay { journal, verify, out, json } => {
            session_commands::replay(&journal, verify, out.as_deref(), json.as_deref())
        }
        Command::Recover { journal, out } => session_commands::recover(&journal, &out),
        Command::Render { file, out, size, backend, theme, scale } => {
            render_command::render(&file, &out, size.as_deref(), backend.as_deref(), &theme, scale)
        }
        Command::Leakcheck { scenario, cycles, warmup, app: true, size, backend, json, self_test, trace, lab } => {
            if trace.is_some() {
                Err(anyhow::anyhow!(
                    "--trace: not with --app; trace the live editor with `trellis edit --debug-addr 127.0.0.1:6060` and /debug/trace"
                ))
            } else {
                lab::Lab::start(&lab, "leakcheck").and_then(|lab| {
                    let verdict = app_leak_command::leakcheck_app(
                        &app_leak_command::AppLeakOptions {
                            scenario: scenario.as_deref(),
                            cycles,
                            warmup,
                            backend: backend.as_deref(),
                            size: &size,
                            json: json.as_deref(),
                            self_test,
                        },
                        &lab,
                    )?;
                    lab.finish()?;
                    Ok(verdict)
                })
            }
        }
        Command::Leakcheck { scenario, cycles, warmup, app: false, size: _, backend, json, self_test, trace, lab } => {
            lab::Lab::start(&lab, "leakcheck").and_then(|lab| {
                let verdict = leak_command::leakcheck(
                    scenario.as_deref(),
                    cycles.unwrap_or(1000),
                    backend.as_deref(),
                    json.as_deref(),
                    self_test,
                    warmup,
                    trace.as_deref(),
                    &lab,
                )?;
                lab.finish()?;
                Ok(verdict)
            })
        }
        Command::Gpu { json, require_hardware } => gpu_command::gpu(json.as_deref(), require_hardware),
        Command::Bench {
            what:
                Bench::Drag {
                    design,
                    size,
                    backend,
                    no_render,
                    frames,
                    vsync,
                    budget_ms,
                    min_fps,
                    json,
                    svg,
                    trace,
                    compare,
                    parts,
                    lab,
                },
        } => {
            let design = design.choice();
            let parts = parts.as_deref().map(drag_bench::parse_parts).transpose();
            parts.and_then(|parts| lab::Lab::start(&lab, "bench drag").map(|lab| (parts, lab))).and_then(
                |(parts, lab)| {
                    let verdict = drag_bench::drag(&drag_bench::DragOptions {
                        design,
                        size: &size,
                        backend: backend.as_deref(),
                        no_render,
                        frames,
                        vsync,
                        budget_ms,
                        min_fps,
                        json: json.as_deref(),
                        svg: svg.as_deref(),
                        trace: trace.as_deref(),
                        compare: compare.as_deref(),
                        parts,
                        lab: &lab,
                    })?;
                    lab.finish()?;
                    Ok(verdict)
                },
            )
        }
        Command::Bench { what: Bench::Render { design, size, backend, frames, json, check_targets, view } } => {
            render_bench::render(
                &design.choice(),
                &size,
                backend.as_deref(),
                frames,
                json.as_deref(),
                check_targets,
                view,
            )
        }
        Command::Bench { what: Bench::Geometry { widgets, seed, samples, json, check_targets } } => {
            bench_commands::geometry(widgets, seed, samples, json.as_deref(), check_targets)
        }
    };
    match result {
        Ok(report::Verdict::Pass) => ExitCode::SUCCESS,
        Ok(report::Verdict::Fail) => ExitCode::from(1),
        Err(e) => {
            let said = report::bounded_lines(&report::error_chain(&e));
            report::note(format_args!("error: {}", report::printable(&said, true)));
            ExitCode::from(2)
        }
    }
}

/// Files, each with the argument naming it.
type Named<'a> = Vec<(&'static str, &'a Path)>;

/// A command's outputs.
type Outputs<'a> = Vec<report::Output<'a>>;

/// The files a command reads and those it writes, each with the argument
/// naming it: no output may be one of the inputs, or another output
/// (`render d.json -o d.json` replaced the design with a PNG; `recover
/// j.jsonl -o j.jsonl` the journal it recovers from).
fn files_of(command: &Command) -> (Named<'_>, Outputs<'_>) {
    fn lab<'a>(lab: &'a lab::LabOptions, outputs: &mut Outputs<'a>) {
        outputs.extend(lab.cpu_profile.as_deref().map(|p| written("--cpu-profile", p)));
        outputs.extend(lab.heap_profile.as_deref().map(|p| written("--heap-profile", p)));
    }
    fn written<'a>(flag: &'static str, path: &'a Path) -> report::Output<'a> {
        report::Output { flag, path, file: true }
    }
    fn design_file(d: &DesignArgs) -> Option<(&'static str, &Path)> {
        d.design.as_deref().map(|p| ("--design", p))
    }
    let (mut inputs, mut outputs): (Named<'_>, Outputs<'_>) = (Vec::new(), Vec::new());
    match command {
        Command::Edit { lab: l, .. } => lab(l, &mut outputs),
        Command::Preview { .. } | Command::New { .. } => {}
        Command::Demo { out, json, .. } => {
            outputs.extend(out.as_deref().map(|p| written("--out", p)));
            outputs.extend(json.as_deref().map(|p| written("--json", p)));
        }
        Command::Validate { files, json } => {
            inputs.extend(files.iter().map(|f| ("the design", f.as_path())));
            outputs.extend(json.as_deref().map(|p| written("--json", p)));
        }
        Command::Gpu { json, .. } => outputs.extend(json.as_deref().map(|p| written("--json", p))),
        Command::Render { file, out, .. } => {
            inputs.push(("the design", file));
            outputs.push(written("--out", out));
        }
        Command::Leakcheck { json, trace, lab: l, .. } => {
            outputs.extend(json.as_deref().map(|p| written("--json", p)));
            outputs.extend(trace.as_deref().map(|p| written("--trace", p)));
            lab(l, &mut outputs);
        }
        Command::Bench { what } => match what {
            Bench::Window { design, json, .. } => {
                inputs.extend(design_file(design));
                outputs.extend(json.as_deref().map(|p| written("--json", p)));
            }
            Bench::Geometry { json, .. } => outputs.extend(json.as_deref().map(|p| written("--json", p))),
            Bench::Drag { design, json, svg, trace, compare, lab: l, .. } => {
                inputs.extend(design_file(design));
                inputs.extend(compare.as_deref().map(|p| ("--compare", p)));
                outputs.extend(json.as_deref().map(|p| written("--json", p)));
                outputs.extend(svg.as_deref().map(|p| written("--svg", p)));
                outputs.extend(trace.as_deref().map(|p| written("--trace", p)));
                lab(l, &mut outputs);
            }
            Bench::Render { design, json, .. } => {
                inputs.extend(design_file(design));
                outputs.extend(json.as_deref().map(|p| written("--json", p)));
            }
        },
        Command::Run { scenario, design, journal, out, json, .. } => {
            inputs.push(("the scenario", scenario));
            // `--out` may save the session's design over the one it started
            // from (atomically), as the editor saves in place.
            let in_place = |d: &Path| out.as_deref().is_some_and(|o| report::same_file(o, d));
            inputs.extend(design.as_deref().filter(|d| !in_place(d)).map(|p| ("--design", p)));
            outputs.extend(journal.as_deref().map(|p| written("--journal", p)));
            outputs.extend(out.as_deref().map(|p| written("--out", p)));
            outputs.extend(json.as_deref().map(|p| written("--json", p)));
        }
        Command::Replay { journal, out, json, .. } => {
            inputs.push(("the journal", journal));
            outputs.extend(out.as_deref().map(|p| written("--out", p)));
            outputs.extend(json.as_deref().map(|p| written("--json", p)));
        }
        Command::Recover { journal, out } => {
            inputs.push(("the journal", journal));
            outputs.push(written("--out", out));
        }
        Command::Export { file, out, json, .. } => {
            inputs.push(("the design", file));
            // A folder for HTML, made with the folders above it as needed.
            outputs.push(report::Output { flag: "--out", path: out, file: false });
            outputs.extend(json.as_deref().map(|p| written("--json", p)));
        }
        Command::Info { file, json } => {
            inputs.push(("the design", file));
            outputs.extend(json.as_deref().map(|p| written("--json", p)));
        }
    }
    (inputs, outputs)
}
