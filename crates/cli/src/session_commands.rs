//! `run`, `replay` and `recover`: headless sessions and their journals.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Serialize;
use trellis_editor::journal::{DesignSource, JournalWriter};
use trellis_editor::replay as journal_replay;
use trellis_editor::scenario::Scenario;
use trellis_editor::{Editor, Settings, Viewport};
use trellis_model::Document;
use trellis_model::limits::MAX_SCENARIO_BYTES;

use crate::report::{self, Verdict, say};

/// Where a headless session's design comes from.
pub struct DesignChoice<'a> {
    pub file: Option<&'a Path>,
    pub widgets: Option<usize>,
    pub seed: u64,
}

impl DesignChoice<'_> {
    fn load(&self) -> anyhow::Result<(Document, DesignSource)> {
        Ok(match (self.file, self.widgets) {
            (Some(_), Some(_)) => bail!("give either a design file or --widgets, not both"),
            (Some(file), None) => {
                let doc = Document::load(file).with_context(|| format!("the design {}", file.display()))?;
                let json = doc.to_json_string();
                (doc, DesignSource::Embedded { json })
            }
            (None, Some(n)) if n == 0 || n > trellis_model::limits::MAX_WIDGETS => {
                bail!("--widgets must be from 1 to {}", trellis_model::limits::MAX_WIDGETS)
            }
            (None, Some(n)) => {
                (trellis_model::generate(n, self.seed), DesignSource::Generated { widgets: n, seed: self.seed })
            }
            (None, None) => (trellis_model::demo_design(), DesignSource::Demo),
        })
    }
}

/// The longest `run --step-delay-ms` waits after each event.
const MAX_STEP_DELAY_MS: u64 = 60_000;

#[derive(Serialize)]
struct RunReport {
    events: usize,
    commits: Vec<String>,
    /// Steps the editor refused, each with its line and why.
    refused: Vec<String>,
    widgets: usize,
    content_hash: String,
    #[serde(serialize_with = "report::optional_path_text")]
    journal: Option<PathBuf>,
    #[serde(serialize_with = "report::optional_path_text")]
    out: Option<PathBuf>,
}

pub fn run(
    scenario: &Path,
    design: &DesignChoice<'_>,
    journal: Option<&Path>,
    out: Option<&Path>,
    step_delay_ms: u64,
    json: Option<&Path>,
) -> anyhow::Result<Verdict> {
    if step_delay_ms > MAX_STEP_DELAY_MS {
        bail!("--step-delay-ms {step_delay_ms}: use from 0 to {MAX_STEP_DELAY_MS} (a minute a step)");
    }
    let text = read_scenario(scenario)?;
    let (script, lines) = Scenario::parse_with_lines(&text)?;
    let (doc, source) = design.load()?;
    let mut editor = Editor::new(doc);
    if let Some(path) = journal {
        let force = report::save_options().force;
        let (viewport, settings, measurer) = (Viewport::default(), Settings::default(), editor.measurer_id());
        let created = if force {
            JournalWriter::replace(path, source, viewport, settings, measurer)
        } else {
            JournalWriter::create(path, source, viewport, settings, measurer)
        };
        let writer = match created {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
                "the journal {} already exists: it was left as it is. Give a new file to --journal, \
                 or add --force to replace it",
                path.display()
            ),
            other => other.with_context(|| format!("creating the journal {}", path.display()))?,
        };
        editor.set_journal(writer);
    }
    let mut report = RunReport {
        events: 0,
        commits: Vec::new(),
        refused: Vec::new(),
        widgets: 0,
        content_hash: String::new(),
        journal: journal.map(Path::to_owned),
        out: out.map(Path::to_owned),
    };
    let mut clock = 0.0;
    let refused = script.run_with_lines(&lines, &mut editor, &mut clock, &mut |_, step| {
        report.events += 1;
        if let Some(label) = &step.committed {
            report.commits.push(label.clone());
        }
        if step_delay_ms > 0 {
            // Lets a person (or a crash test) watch a session unfold.
            std::thread::sleep(Duration::from_millis(step_delay_ms));
        }
    })?;
    if let Some(j) = editor.take_journal() {
        j.finish(editor.doc()).context("finishing the journal")?;
    }
    for r in &refused {
        // The status quotes names and values from the scenario: shown
        // with their control characters escaped.
        let said = report::printable(&report::bounded_lines(&r.to_string()), false);
        report::note(format_args!("error: {said}"));
        report.refused.push(said);
    }
    let mut doc = editor.into_document();
    report.widgets = doc.len();
    report.content_hash = format!("{:016x}", doc.content_hash());
    if let Some(out) = out {
        report::save_design(&mut doc, out)?;
    }
    let rows = vec![
        ("events".to_owned(), report.events.to_string()),
        ("commands committed".to_owned(), format!("{}: {}", report.commits.len(), summarize_labels(&report.commits))),
        ("steps refused".to_owned(), report.refused.len().to_string()),
        ("widgets".to_owned(), report.widgets.to_string()),
        ("content hash".to_owned(), report.content_hash.clone()),
    ];
    report::print_table(&report::key_values(rows), json);
    if let Some(path) = json {
        report::write_json(path, &report)?;
    }
    // A refused step did not do what the scenario says.
    Ok(if report.refused.is_empty() { Verdict::Pass } else { Verdict::Fail })
}

pub fn replay(path: &Path, verify: bool, out: Option<&Path>, json: Option<&Path>) -> anyhow::Result<Verdict> {
    let bar = crate::bench_commands::progress_bar(100);
    let (editor, report) = journal_replay::replay(path, &mut |done, total| {
        bar.set_position((done * 100 / total.max(1)) as u64);
    })?;
    bar.finish_and_clear();
    let quiet = json.is_some_and(|p| p.as_os_str() == "-");
    let rows = vec![
        ("events".to_owned(), report.events.to_string()),
        ("commits".to_owned(), report.commits.to_string()),
        (
            "ended cleanly".to_owned(),
            if report.ended { "yes".into() } else { "no (the session did not finish)".into() },
        ),
        ("recorded hash".to_owned(), report.recorded_hash.clone().unwrap_or_else(|| "none".into())),
        ("replayed hash".to_owned(), report.final_hash.clone()),
        ("mismatched commits".to_owned(), report.mismatches.len().to_string()),
    ];
    report::print_table(&report::key_values(rows), json);
    if !quiet {
        for (line, label) in &report.mismatches {
            say!("line {line}: '{label}' did not reproduce the recorded design");
        }
    }
    let failed = verify && !report.verified();
    if let Some(out) = out {
        if failed {
            // The design is not the session's: leave whatever is at `out` alone.
            say!(
                "{} was not written: the replay did not reproduce the journal's recorded design \
                 (replay without --verify to save it anyway)",
                out.display()
            );
        } else {
            let mut doc = editor.into_document();
            report::save_design(&mut doc, out)?;
        }
    }
    if let Some(path) = json {
        report::write_json(path, &report)?;
    }
    Ok(if failed { Verdict::Fail } else { Verdict::Pass })
}

pub fn recover(path: &Path, out: &Path) -> anyhow::Result<Verdict> {
    let (mut doc, report, divergence) = journal_replay::rebuild(path)?;
    let force = report::save_options().force;
    if let Some(d) = &divergence {
        let what = format!(
            "{} line {}: {} recorded the design hash {}, but the replay gives {}: the journal does not replay to \
             the session's design (it is damaged, or another build recorded it)",
            path.display(),
            d.line,
            d.what,
            d.recorded,
            d.replayed
        );
        if !force {
            report::note(format_args!(
                "error: {what}. Nothing was saved; add --force to save the replayed design anyway"
            ));
            return Ok(Verdict::Fail);
        }
        report::note(format_args!(
            "warning: {what}. Saving the replayed design anyway, as --force asks: check it before trusting it"
        ));
    }
    report::save_design(&mut doc, out)?;
    say!(
        "recovered {} widgets from {} events and {} commits{}{} into {}",
        doc.len(),
        report.events,
        report.commits,
        if report.ended { "" } else { " (the session had not ended: unfinished gestures were dropped)" },
        if divergence.is_some() { " (NOT verified: saved with --force)" } else { ", every recorded hash reproduced" },
        out.display()
    );
    Ok(Verdict::Pass)
}

/// A scenario's text: from a regular file, or standard input for `-`, at
/// most [`MAX_SCENARIO_BYTES`], in UTF-8.
fn read_scenario(path: &Path) -> anyhow::Result<String> {
    let shown = path.display();
    let mut bytes = Vec::new();
    let limit = MAX_SCENARIO_BYTES;
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .context("reading the scenario from standard input")?;
    } else {
        let (file, size) =
            trellis_editor::journal::open_regular(path).with_context(|| format!("cannot read the scenario {shown}"))?;
        if size > limit {
            bail!(
                "the scenario {shown} is {size} bytes, more than the {limit} bytes a scenario may hold: give a scenario file"
            );
        }
        file.take(limit + 1).read_to_end(&mut bytes).with_context(|| format!("reading the scenario {shown}"))?;
    }
    if bytes.len() as u64 > limit {
        bail!("the scenario {shown} is more than the {limit} bytes a scenario may hold: give a scenario file");
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        anyhow::anyhow!("the scenario {shown} line {line} is not UTF-8 text: save the scenario as UTF-8")
    })
}

/// Commit labels for a table cell: repeats collapsed ("Paste x3000") and at
/// most a dozen groups, so a long session's report stays readable (the
/// JSON report keeps every label).
fn summarize_labels(labels: &[String]) -> String {
    const SHOWN: usize = 12;
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for label in labels {
        match groups.last_mut() {
            Some((last, n)) if *last == label.as_str() => *n += 1,
            _ => groups.push((label, 1)),
        }
    }
    let mut parts: Vec<String> =
        groups.iter().take(SHOWN).map(|(l, n)| if *n == 1 { (*l).to_owned() } else { format!("{l} x{n}") }).collect();
    if groups.len() > SHOWN {
        let rest: usize = groups[SHOWN..].iter().map(|(_, n)| n).sum();
        parts.push(format!("and {rest} more"));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::summarize_labels;

    #[test]
    fn a_long_session_reports_its_commits_in_a_readable_cell() {
        let mut labels = vec!["Select".to_owned()];
        labels.extend(std::iter::repeat_n("Paste".to_owned(), 3000));
        labels.push("Move".to_owned());
        assert_eq!(summarize_labels(&labels), "Select, Paste x3000, Move");
        let many: Vec<String> = (0..20).map(|i| format!("Step {i}")).collect();
        let cell = summarize_labels(&many);
        assert!(cell.ends_with("Step 11, and 8 more"), "{cell}");
    }
}
