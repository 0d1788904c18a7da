//! `trellis bench ...`: end-to-end measurements with a table, JSON, a
//! progress bar, and an exit code that CI can gate on.

use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use trellis_geometry::benchmark::{self, GeometryFigures, Samples, Summary};

use crate::report::{self, Verdict, say};

/// The machine and build a figure was taken on.
#[derive(Debug, Serialize)]
pub struct Machine {
    pub os: &'static str,
    pub arch: &'static str,
    pub cpus: usize,
    pub cpu_model: Option<String>,
    pub profile: &'static str,
    /// When the kernel gives transparent huge pages (`always`, `madvise`
    /// or `never`), where it says: a design of 100,000 widgets runs faster
    /// with its heap in them (`trellis_diag::back_heap_with_huge_pages`).
    pub transparent_huge_pages: Option<String>,
}

impl Machine {
    pub fn here() -> Self {
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        });
        // The setting in force is the one in brackets: "always [madvise] never".
        let transparent_huge_pages = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
            .ok()
            .and_then(|s| Some(s.split_once('[')?.1.split_once(']')?.0.to_owned()));
        Self {
            os: std::env::consts::OS,
            arch: std::env::consts::ARCH,
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model,
            profile: if cfg!(debug_assertions) { "debug" } else { "release" },
            transparent_huge_pages,
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "{} {} with {} CPU{}{}, {} build{}",
            self.os,
            self.arch,
            self.cpus,
            if self.cpus == 1 { "" } else { "s" },
            self.cpu_model.as_deref().map(|m| format!(" ({m})")).unwrap_or_default(),
            self.profile,
            self.transparent_huge_pages.as_deref().map(|t| format!(", huge pages: {t}")).unwrap_or_default()
        )
    }
}

pub fn progress_bar(steps: u64) -> ProgressBar {
    let bar = ProgressBar::new(steps);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The targets for a 100,000-widget design.
struct Target {
    what: &'static str,
    met: bool,
    detail: String,
}

#[derive(Serialize)]
struct GeometryReport<'a> {
    machine: Machine,
    figures: &'a GeometryFigures,
}

fn us(ns: f64) -> String {
    if ns >= 1e6 { format!("{:.2} ms", ns / 1e6) } else { format!("{:.2} µs", ns / 1e3) }
}

fn summary_cells(s: &Summary) -> [String; 2] {
    [us(s.median_ns), us(s.p99_ns)]
}

/// Queries `bench geometry --samples` may time a kind: fewer say nothing
/// of a p99.
const SAMPLES: std::ops::RangeInclusive<usize> = 10..=1_000_000;

pub fn geometry(
    widgets: usize,
    seed: u64,
    samples: usize,
    json: Option<&Path>,
    check_targets: bool,
) -> anyhow::Result<Verdict> {
    // The queries pick widgets other than the window: a design of the
    // window alone has none to pick.
    if !(2..=trellis_model::limits::MAX_WIDGETS).contains(&widgets) {
        anyhow::bail!(
            "--widgets must be from 2 to {} (the window and at least one widget)",
            trellis_model::limits::MAX_WIDGETS
        );
    }
    if !SAMPLES.contains(&samples) {
        // Each query's time is kept: a count past the range buys memory,
        // not precision.
        anyhow::bail!(
            "--samples {samples}: use from {} to {} queries a kind (default 20000)",
            SAMPLES.start(),
            SAMPLES.end()
        );
    }
    let samples = Samples { index: samples, ..Samples::default() };
    let bar = progress_bar(9);
    let figures = benchmark::run(widgets, seed, samples, &mut |what, done, _| {
        bar.set_position(done as u64);
        bar.set_message(what.to_owned());
    });
    bar.finish_and_clear();
    let machine = Machine::here();
    let quiet = json.is_some_and(|p| p.as_os_str() == "-");
    if !quiet {
        say!("Geometry benchmark: {} widgets (seed {seed}) on {}", figures.widgets, machine.describe());
        say!("Per-query times, less the clock's own cost ({:.0} ns, measured in this run).", figures.timer_overhead_ns);
        say!("Text measured with the real measurer: {}.", figures.measurer);
    }
    let mut t =
        report::table(&["query", "index median", "index p99", "linear median", "linear p99", "speedup", "mismatches"]);
    for q in &figures.queries {
        let [im, ip] = summary_cells(&q.index);
        let [lm, lp] = summary_cells(&q.linear);
        t.add_row(vec![q.query.to_owned(), im, ip, lm, lp, format!("{:.0}x", q.speedup), q.mismatches.to_string()]);
    }
    report::print_table(&t, json);
    let mut t = report::table(&["layout", "median", "p99", "samples"]);
    let mut row = |name: &str, s: &Summary| {
        let [m, p] = summary_cells(s);
        t.add_row(vec![name.to_owned(), m, p, s.samples.to_string()]);
    };
    row("full layout and index (texts measured before)", &figures.full_layout);
    row("full layout and index, every text shaped anew", &figures.full_layout_cold_text);
    row("full layout, every island through taffy (memo off)", &figures.full_layout_without_memo);
    row("update after moving one absolute card", &figures.move_one_absolute);
    row("update after resizing a child of a row", &figures.resize_row_child);
    row("update after a new text in a card's title", &figures.text_edit);
    row(
        &format!("hit test along a drag, cached ({:.0}% reused)", figures.cache_hit_rate * 100.0),
        &figures.cached_hit_test,
    );
    report::print_table(&t, json);
    let mismatches: usize = figures.queries.iter().map(|q| q.mismatches).sum();
    let mut verdict = if mismatches == 0 { Verdict::Pass } else { Verdict::Fail };
    if mismatches > 0 && !quiet {
        say!("FAIL: the index and the linear scan disagreed on {mismatches} queries");
    }
    if check_targets {
        let targets = targets(&figures);
        let mut t = report::table(&["target (100,000 widgets)", "met", "measured"]);
        for target in &targets {
            t.add_row(vec![
                target.what.to_owned(),
                if target.met { "yes" } else { "NO" }.to_owned(),
                target.detail.clone(),
            ]);
            if !target.met {
                verdict = Verdict::Fail;
            }
        }
        report::print_table(&t, json);
    }
    if let Some(path) = json {
        report::write_json(path, &GeometryReport { machine, figures: &figures })?;
    }
    Ok(verdict)
}

fn targets(f: &GeometryFigures) -> Vec<Target> {
    let query = |name: &str| f.queries.iter().find(|q| q.query.starts_with(name)).expect("measured");
    let hit = query("hit test (random");
    let path = query("hit test (along");
    let drop = query("drop target");
    let snap = query("snap");
    vec![
        Target {
            what: "hit test median <= 1 µs",
            met: hit.index.median_ns <= 1_000.0,
            detail: us(hit.index.median_ns),
        },
        Target {
            what: "hit test >= 1000x the linear scan (random points)",
            met: hit.speedup >= 1000.0,
            detail: format!("{:.0}x (along a pointer path: {:.0}x)", hit.speedup, path.speedup),
        },
        Target {
            what: "drop target median <= 5 µs",
            met: drop.index.median_ns <= 5_000.0,
            detail: us(drop.index.median_ns),
        },
        Target { what: "snap median <= 5 µs", met: snap.index.median_ns <= 5_000.0, detail: us(snap.index.median_ns) },
        Target {
            what: "relayout after moving one absolute widget <= 0.5 ms",
            met: f.move_one_absolute.median_ns <= 500_000.0,
            detail: us(f.move_one_absolute.median_ns),
        },
        Target {
            what: "full layout <= 100 ms",
            met: f.full_layout.median_ns <= 100e6,
            detail: us(f.full_layout.median_ns),
        },
        Target {
            what: "full layout, every text shaped anew <= 150 ms",
            met: f.full_layout_cold_text.median_ns <= 150e6,
            detail: us(f.full_layout_cold_text.median_ns),
        },
        Target {
            what: "relayout after a text edit <= 1 ms",
            met: f.text_edit.median_ns <= 1e6,
            detail: us(f.text_edit.median_ns),
        },
    ]
}
