//! `trellis export`: a design as code, and with `--verify`, the code laid
//! out by a real browser and compared with the canvas.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;
use trellis_codegen::browser::{self, Verification};
use trellis_codegen::{Approximation, Browser, EguiSource, ExportSource, FileContents, SlintSource};
use trellis_geometry::{FontMeasurer, Geometry};
use trellis_model::{Document, Theme};

use crate::report::{self, Verdict, say};

#[derive(Serialize)]
struct ExportReport {
    design: String,
    format: &'static str,
    out: String,
    widgets: usize,
    files: Vec<FileReport>,
    layout_ms: f64,
    generate_ms: f64,
    write_ms: f64,
    verify: Option<VerifyReport>,
    approximations: Vec<Approximation>,
    warnings: Vec<String>,
}

/// What `--to` accepts.
pub const TARGETS: &[&str] = &["html", "egui", "slint"];

#[derive(Serialize)]
struct FileReport {
    path: String,
    bytes: u64,
}

#[derive(Serialize)]
struct VerifyReport {
    browser: String,
    browser_ms: f64,
    tolerance_px: f64,
    #[serde(flatten)]
    result: Verification,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn export(
    file: &Path,
    to: &str,
    out: &Path,
    verify: bool,
    theme: &str,
    name: Option<&str>,
    json: Option<&Path>,
) -> anyhow::Result<Verdict> {
    let theme = Theme::parse(theme).with_context(|| format!("--theme {theme}: use light or dark"))?;
    match to {
        "html" => {}
        "slint" | "egui" => return export_code(file, to, out, verify, theme, name, json),
        _ => bail!("--to {to}: not a target Trellis knows; use one of: {}", TARGETS.join(", ")),
    }
    if name.is_some() {
        bail!("--name names the component of a Slint export; an HTML page has none");
    }
    // Find the browser before any work, so a missing one fails fast.
    let browser = if verify { Some(Browser::find()?) } else { None };
    let doc = Document::load(file).with_context(|| format!("the design {}", file.display()))?;
    let started = Instant::now();
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let layout = started.elapsed();
    let source = ExportSource {
        file_name: file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        design_dir: Some(match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => ".".into(),
        }),
        theme,
    };
    let started = Instant::now();
    let page = trellis_codegen::export_html(&doc, &geometry, &source)?;
    let generate = started.elapsed();
    print_warnings(&page.warnings);
    let bounds = geometry.bounds();
    let window = (bounds.right().ceil().clamp(1.0, 4096.0) as u32, bounds.bottom().ceil().clamp(1.0, 4096.0) as u32);
    let quiet = json.is_some_and(|p| p.as_os_str() == "-");
    let started = Instant::now();
    let mut browser_time = Duration::ZERO;
    let checked = trellis_codegen::write_export(&page.files, out, |staged| {
        let browser = browser.as_ref()?;
        let spinner = crate::bench_commands::progress_bar(1);
        if quiet {
            spinner.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        spinner.set_message(format!("laying the page out in {}", browser.exe().display()));
        let t = Instant::now();
        let boxes = browser.boxes(staged, window);
        browser_time = t.elapsed();
        spinner.finish_and_clear();
        Some(boxes)
    })?;
    let write = started.elapsed().saturating_sub(browser_time);
    let verification = match checked {
        Some(boxes) => {
            let boxes = boxes?;
            Some(browser::verify(&doc, &geometry, &boxes).context("comparing the page")?)
        }
        None => None,
    };
    let files = page
        .files
        .iter()
        .map(|f| FileReport {
            path: f.path.display().to_string(),
            bytes: match &f.contents {
                FileContents::Bytes(b) => b.len() as u64,
                FileContents::Copy(from) => std::fs::metadata(from).map(|m| m.len()).unwrap_or(0),
            },
        })
        .collect::<Vec<_>>();
    let report = ExportReport {
        design: file.display().to_string(),
        format: "html",
        out: out.display().to_string(),
        widgets: page.widgets,
        files,
        layout_ms: ms(layout),
        generate_ms: ms(generate),
        write_ms: ms(write),
        warnings: page.warnings.clone(),
        approximations: Vec::new(),
        verify: verification.map(|result| VerifyReport {
            browser: browser.as_ref().map(|b| b.exe().display().to_string()).unwrap_or_default(),
            browser_ms: ms(browser_time),
            tolerance_px: browser::TOLERANCE_PX,
            result,
        }),
    };
    let total: u64 = report.files.iter().map(|f| f.bytes).sum();
    let mut rows = vec![
        ("design".to_owned(), report.design.clone()),
        ("exported to".to_owned(), format!("{} ({} files, {})", report.out, report.files.len(), bytes(total))),
        ("widgets".to_owned(), report.widgets.to_string()),
        ("layout".to_owned(), format!("{:.1} ms", report.layout_ms)),
        ("export".to_owned(), format!("{:.1} ms", report.generate_ms)),
        ("write".to_owned(), format!("{:.1} ms", report.write_ms)),
    ];
    if let Some(v) = &report.verify {
        rows.push(("browser".to_owned(), format!("{} ({:.0} ms)", v.browser, v.browser_ms)));
        rows.push(("widgets checked".to_owned(), v.result.widgets_checked.to_string()));
        rows.push(("largest deviation".to_owned(), format!("{:.3} px", v.result.max_deviation_px)));
        rows.push((
            "over tolerance".to_owned(),
            format!("{} (an edge more than {} px off)", v.result.over_tolerance, v.tolerance_px),
        ));
    }
    report::print_table(&report::key_values(rows), json);
    let mut verdict = Verdict::Pass;
    if let Some(v) = &report.verify {
        if !v.result.passed() {
            verdict = Verdict::Fail;
            let mut t = report::table(&["widget", "kind", "trellis x y w h", "browser x y w h", "off"]);
            let fmt = |b: [f64; 4]| format!("{:.2} {:.2} {:.2} {:.2}", b[0], b[1], b[2], b[3]);
            for d in v.result.widgets.iter().take(20) {
                t.add_row(vec![
                    d.widget.clone(),
                    d.kind.clone(),
                    fmt(d.trellis),
                    fmt(d.browser),
                    format!("{:.2} px", d.deviation_px),
                ]);
            }
            report::print_table(&t, json);
            if !quiet {
                say!("FAIL: {} widgets lay out differently in the browser", v.result.over_tolerance);
            }
        } else if !quiet {
            say!("PASS: every widget within {} px of the canvas", v.tolerance_px);
        }
    }
    if let Some(path) = json {
        report::write_json(path, &report)?;
    }
    Ok(verdict)
}

/// `--to slint` or `--to egui`: one source file, written atomically (a
/// device or FIFO is written in place, never replaced).
fn export_code(
    file: &Path,
    to: &str,
    out: &Path,
    verify: bool,
    theme: Theme,
    name: Option<&str>,
    json: Option<&Path>,
) -> anyhow::Result<Verdict> {
    if verify {
        bail!(
            "--verify lays an HTML export out in a browser; an egui or Slint export is checked by compiling it (the test suite compiles the exports and runs the egui ones)"
        );
    }
    let doc = Document::load(file).with_context(|| format!("the design {}", file.display()))?;
    let started = Instant::now();
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let layout = started.elapsed();
    let out_dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => ".".into(),
    };
    let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let design_dir = Some(match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => ".".into(),
    });
    let started = Instant::now();
    let export = if to == "slint" {
        let source =
            SlintSource { file_name, component: name.map(str::to_owned), design_dir, out_dir: Some(out_dir), theme };
        let e = trellis_codegen::export_slint(&doc, &geometry, &source);
        GeneratedCode {
            source: e.source,
            type_name: e.component,
            values: e.properties.len(),
            events: e.callbacks.len(),
            widgets: e.widgets,
            approximations: e.approximations,
            warnings: e.warnings,
        }
    } else {
        let source =
            EguiSource { file_name, type_name: name.map(str::to_owned), design_dir, out_dir: Some(out_dir), theme };
        let e = trellis_codegen::export_egui(&doc, &geometry, &source)?;
        GeneratedCode {
            source: e.source,
            type_name: e.type_name,
            values: e.fields.len(),
            events: e.events.len(),
            widgets: e.widgets,
            approximations: e.approximations,
            warnings: e.warnings,
        }
    };
    let generate = started.elapsed();
    print_warnings(&export.warnings);
    for a in export.approximations.iter().take(LISTED) {
        report::note(format_args!("approximated: widget '{}', {}: {}", a.widget, a.property, a.note));
    }
    if export.approximations.len() > LISTED {
        report::note(format_args!(
            "approximated: {} more (every one is in --json and commented in the file)",
            export.approximations.len() - LISTED
        ));
    }
    let started = Instant::now();
    // A design or a file Trellis did not write is never replaced; the
    // folders above are made as needed (and removed if the write fails).
    trellis_codegen::output_dir::write_code_file(out, &export.source)?;
    let write = started.elapsed();
    let report = ExportReport {
        design: file.display().to_string(),
        format: if to == "slint" { "slint" } else { "egui" },
        out: out.display().to_string(),
        widgets: export.widgets,
        files: vec![FileReport { path: out.display().to_string(), bytes: export.source.len() as u64 }],
        layout_ms: ms(layout),
        generate_ms: ms(generate),
        write_ms: ms(write),
        verify: None,
        approximations: export.approximations.clone(),
        warnings: export.warnings.clone(),
    };
    let rows = vec![
        ("design".to_owned(), report.design.clone()),
        ("exported to".to_owned(), format!("{} ({})", report.out, bytes(export.source.len() as u64))),
        (if to == "slint" { "component" } else { "type" }.to_owned(), export.type_name.clone()),
        ("widgets".to_owned(), report.widgets.to_string()),
        (if to == "slint" { "properties" } else { "state fields" }.to_owned(), export.values.to_string()),
        (if to == "slint" { "callbacks" } else { "events" }.to_owned(), export.events.to_string()),
        ("approximated".to_owned(), format!("{} properties (on standard error)", export.approximations.len())),
        ("layout".to_owned(), format!("{:.1} ms", report.layout_ms)),
        ("export".to_owned(), format!("{:.1} ms", report.generate_ms)),
        ("write".to_owned(), format!("{:.1} ms", report.write_ms)),
    ];
    report::print_table(&report::key_values(rows), json);
    if let Some(path) = json {
        report::write_json(path, &report)?;
    }
    Ok(Verdict::Pass)
}

/// What the egui and Slint exporters have in common, for the report.
struct GeneratedCode {
    source: String,
    type_name: String,
    values: usize,
    events: usize,
    widgets: usize,
    approximations: Vec<Approximation>,
    warnings: Vec<String>,
}

fn bytes(n: u64) -> String {
    crate::design_commands::bytes(n as usize)
}

/// How many warnings and approximations are printed; the rest are counted
/// (a 100,000-widget design can have thousands of missing images).
const LISTED: usize = 20;

/// The first [`LISTED`] warnings on standard error, and how many more.
fn print_warnings(warnings: &[String]) {
    for warning in warnings.iter().take(LISTED) {
        report::note(format_args!("warning: {warning}"));
    }
    if warnings.len() > LISTED {
        report::note(format_args!("warning: {} more (every one is in --json)", warnings.len() - LISTED));
    }
}
