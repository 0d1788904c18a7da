//! `run`, `replay` and `recover`: headless sessions and their journals.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Serialize;
use trellis_editor::journal::{self, DesignSource, JournalWriter};
use trellis_editor::scenario::Scenario;
use trellis_editor::{Editor, Settings, Viewport};
use trellis_model::Document;

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
                let doc = Document::load(file)?;
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

#[derive(Serialize)]
struct RunReport {
    events: usize,
    commits: Vec<String>,
    widgets: usize,
    content_hash: String,
    journal: Option<PathBuf>,
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
    let text =
        std::fs::read_to_string(scenario).with_context(|| format!("reading the scenario {}", scenario.display()))?;
    let script = Scenario::parse(&text)?;
    let (doc, source) = design.load()?;
    let mut editor = Editor::new(doc);
    if let Some(path) = journal {
        let writer = JournalWriter::create(path, source, Viewport::default(), Settings::default())
            .with_context(|| format!("creating the journal {}", path.display()))?;
        editor.set_journal(writer);
    }
    let mut report = RunReport {
        events: 0,
        commits: Vec::new(),
        widgets: 0,
        content_hash: String::new(),
        journal: journal.map(Path::to_owned),
        out: out.map(Path::to_owned),
    };
    let mut clock = 0.0;
    script.run(&mut editor, &mut clock, &mut |_, step| {
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
    let mut doc = editor.into_document();
    report.widgets = doc.len();
    report.content_hash = format!("{:016x}", doc.content_hash());
    if let Some(out) = out {
        doc.save(out)?;
    }
    let rows = vec![
        ("events".to_owned(), report.events.to_string()),
        ("commands committed".to_owned(), format!("{}: {}", report.commits.len(), report.commits.join(", "))),
        ("widgets".to_owned(), report.widgets.to_string()),
        ("content hash".to_owned(), report.content_hash.clone()),
    ];
    report::print_table(&report::key_values(rows), json);
    if let Some(path) = json {
        report::write_json(path, &report)?;
    }
    Ok(Verdict::Pass)
}

pub fn replay(path: &Path, verify: bool, out: Option<&Path>, json: Option<&Path>) -> anyhow::Result<Verdict> {
    let bar = crate::bench_commands::progress_bar(100);
    let (editor, report) = journal::replay(path, &mut |done, total| {
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
    if let Some(out) = out {
        let mut doc = editor.into_document();
        doc.save(out)?;
    }
    if let Some(path) = json {
        report::write_json(path, &report)?;
    }
    Ok(if verify && !report.verified() { Verdict::Fail } else { Verdict::Pass })
}

pub fn recover(path: &Path, out: &Path) -> anyhow::Result<Verdict> {
    let (doc, report) = journal::recover(path, out)?;
    say!(
        "recovered {} widgets from {} events and {} commits{} into {}",
        doc.len(),
        report.events,
        report.commits,
        if report.ended { "" } else { " (the session had not ended: unfinished gestures were dropped)" },
        out.display()
    );
    Ok(Verdict::Pass)
}
