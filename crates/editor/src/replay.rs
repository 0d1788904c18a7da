//! Replay and recovery: a journal's events driven through a new editor,
//! checking each recorded commit's hash on the way. The journal module
//! reads the file; this one owns the editor, so the editor's own journal
//! writing never depends on replay.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use trellis_geometry::{TextMeasurer, measurer_for_id};
use trellis_model::Document;

use crate::editor::Editor;
use crate::journal::{JournalError, JournalReader, Record, recorded_hash};

/// What a replay found.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReplayReport {
    /// The journal's format version (it decides which content hash the
    /// journal records).
    pub version: u32,
    /// Events replayed.
    pub events: usize,
    /// Commit records read.
    pub commits: usize,
    /// Commit records whose hash the replay did not reproduce (line, label).
    pub mismatches: Vec<(usize, String)>,
    /// The journal ends with a clean end record.
    pub ended: bool,
    /// The last line was cut short (the session crashed while writing it).
    pub torn_last_line: bool,
    /// The last hash the journal recorded.
    pub recorded_hash: Option<String>,
    /// The line of the record holding [`ReplayReport::recorded_hash`].
    pub recorded_line: Option<usize>,
    /// The replayed document's content hash, in hex.
    pub final_hash: String,
}

impl ReplayReport {
    /// Whether the replay reproduced every recorded hash.
    pub fn verified(&self) -> bool {
        self.mismatches.is_empty() && self.recorded_hash.as_ref().is_none_or(|h| *h == self.final_hash)
    }
}

/// Replays a journal through a new editor that measures text with the
/// measurer its header names ([`measurer_for_id`]: the session's own).
/// `progress(done, total)` is called every few thousand lines.
pub fn replay(path: &Path, progress: &mut dyn FnMut(usize, usize)) -> Result<(Editor, ReplayReport), JournalError> {
    replay_inner(path, None, progress, &mut |_, _, _, _| {})
}

/// Replays a journal through a new editor that measures text with
/// `measurer`. Refuses a journal recorded with another measurer
/// ([`JournalError::MeasurerMismatch`]): its text would lay out
/// differently, and the replay would silently not be the session.
pub fn replay_with(
    path: &Path,
    measurer: Arc<dyn TextMeasurer>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(Editor, ReplayReport), JournalError> {
    replay_inner(path, Some(measurer), progress, &mut |_, _, _, _| {})
}

/// `measurer`: `None` replays with the one the journal names.
fn replay_inner(
    path: &Path,
    measurer: Option<Arc<dyn TextMeasurer>>,
    progress: &mut dyn FnMut(usize, usize),
    on_commit: &mut dyn FnMut(usize, &str, &str, &str),
) -> Result<(Editor, ReplayReport), JournalError> {
    let (mut journal, header) = JournalReader::open(path)?;
    let measurer = match measurer {
        Some(m) => m,
        None => measurer_for_id(&header.measurer).ok_or_else(|| JournalError::UnknownMeasurer {
            path: path.to_owned(),
            recorded: header.measurer.clone(),
        })?,
    };
    let replaying = measurer.id();
    if header.measurer != replaying {
        return Err(JournalError::MeasurerMismatch { path: path.to_owned(), recorded: header.measurer, replaying });
    }
    let mut editor = Editor::with_measurer(header.design.load_as_recorded(header.version)?, measurer);
    editor.pastes_before_v2 = header.version < 4;
    editor.settings = header.settings;
    editor.set_viewport(header.viewport);
    let mut report = ReplayReport { version: header.version, ..ReplayReport::default() };
    while let Some((line, record)) = journal.next_record()? {
        if report.ended
            && let Some(end) = report.recorded_line
        {
            // A session writes nothing after its end: what follows was
            // added to the file, and is not what the session did.
            return Err(journal.malformed(line, format!("a record after the session's end (line {end})")));
        }
        match record {
            Record::Header { .. } => return Err(journal.malformed(line, "a second header".into())),
            Record::Event(event) => {
                editor.handle(&event);
                report.events += 1;
            }
            Record::Commit { label, hash } => {
                report.commits += 1;
                let replayed = format!("{:016x}", recorded_hash(header.version, editor.doc()));
                on_commit(line, &label, &hash, &replayed);
                if replayed != hash {
                    report.mismatches.push((line, label));
                }
                report.recorded_hash = Some(hash);
                report.recorded_line = Some(line);
            }
            Record::End { hash } => {
                report.ended = true;
                report.recorded_hash = Some(hash);
                report.recorded_line = Some(line);
            }
        }
        if (line - 1) % 4096 == 0 {
            let (done, total) = journal.progress();
            progress(done, total);
        }
    }
    report.torn_last_line = journal.torn_last_line();
    report.final_hash = format!("{:016x}", recorded_hash(header.version, editor.doc()));
    Ok((editor, report))
}

/// Where a replay first stopped reproducing what the journal recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// The line of the record whose hash did not reproduce, from 1.
    pub line: usize,
    /// What that record is ("the commit 'Move'", "the end record").
    pub what: String,
    /// The hash the journal recorded there.
    pub recorded: String,
    /// The hash the replay gave there (for a commit past the first
    /// mismatch, the replay's final hash).
    pub replayed: String,
}

/// Rebuilds the last committed state of a session from its journal (a
/// gesture cut off by the crash is dropped), without saving it. The
/// divergence is `Some` when the rebuilt design is not the one the
/// journal recorded: at the first commit whose hash did not reproduce,
/// or at the last recorded hash if the rebuilt design differs from it.
pub fn rebuild(journal: &Path) -> Result<(Document, ReplayReport, Option<Divergence>), JournalError> {
    rebuild_inner(journal, None)
}

/// [`rebuild`] with the text measurer the session used (the app measures
/// real text); a journal recorded with another is refused
/// ([`JournalError::MeasurerMismatch`]).
pub fn rebuild_with(
    journal: &Path,
    measurer: Arc<dyn TextMeasurer>,
) -> Result<(Document, ReplayReport, Option<Divergence>), JournalError> {
    rebuild_inner(journal, Some(measurer))
}

fn rebuild_inner(
    journal: &Path,
    measurer: Option<Arc<dyn TextMeasurer>>,
) -> Result<(Document, ReplayReport, Option<Divergence>), JournalError> {
    let mut first_mismatch = None;
    let (mut editor, report) = replay_checking(journal, measurer, &mut first_mismatch)?;
    editor.cancel();
    let mut doc = editor.into_document();
    let rebuilt = format!("{:016x}", recorded_hash(report.version, &doc));
    if report.version < 4 {
        // Checked as the session had it; handed on as a format-1 file
        // opened now would be, so it keeps its look once saved.
        doc.migrate_layout_from_format_1();
    }
    let divergence = first_mismatch.or_else(|| match (&report.recorded_hash, report.recorded_line) {
        (Some(recorded), Some(line)) if *recorded != rebuilt => Some(Divergence {
            line,
            what: if report.ended { "the end record".into() } else { "the last commit".into() },
            recorded: recorded.clone(),
            replayed: rebuilt.clone(),
        }),
        _ => None,
    });
    Ok((doc, report, divergence))
}

fn replay_checking(
    journal: &Path,
    measurer: Option<Arc<dyn TextMeasurer>>,
    first_mismatch: &mut Option<Divergence>,
) -> Result<(Editor, ReplayReport), JournalError> {
    let mut on_commit = |line: usize, label: &str, recorded: &str, replayed: &str| {
        if first_mismatch.is_none() && recorded != replayed {
            *first_mismatch = Some(Divergence {
                line,
                what: format!("the commit '{label}'"),
                recorded: recorded.to_owned(),
                replayed: replayed.to_owned(),
            });
        }
    };
    replay_inner(journal, measurer, &mut |_, _| {}, &mut on_commit)
}

/// Rebuilds the last committed state of a session from its journal (a
/// gesture cut off by the crash is dropped) and saves it atomically, only
/// if the replay reproduced the journal's recorded hashes
/// ([`RecoverError::Diverged`] otherwise; [`rebuild`] leaves the choice to the caller). Uses the
/// measurer the journal names, as [`replay`] does.
pub fn recover(journal: &Path, out: &Path) -> Result<(Document, ReplayReport), RecoverError> {
    let (mut doc, report, divergence) = rebuild(journal)?;
    if let Some(d) = divergence {
        return Err(RecoverError::Diverged { path: journal.to_owned(), divergence: d });
    }
    doc.save(out)?;
    Ok((doc, report))
}

/// [`recover`] with the text measurer the session used.
pub fn recover_with(
    journal: &Path,
    out: &Path,
    measurer: Arc<dyn TextMeasurer>,
) -> Result<(Document, ReplayReport), RecoverError> {
    let (mut doc, report, divergence) = rebuild_with(journal, measurer)?;
    if let Some(d) = divergence {
        return Err(RecoverError::Diverged { path: journal.to_owned(), divergence: d });
    }
    doc.save(out)?;
    Ok((doc, report))
}

/// Why a session could not be recovered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecoverError {
    /// The journal could not be read or replayed.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The replay did not reproduce the design the journal recorded, so
    /// what it rebuilt is not the session's work.
    #[error(
        "{path} line {}: {} recorded the design hash {}, but the replay gives {}: the journal does not replay \
         to the session's design (it is damaged, or another build recorded it), so nothing was saved",
        divergence.line, divergence.what, divergence.recorded, divergence.replayed
    )]
    Diverged {
        /// The journal.
        path: std::path::PathBuf,
        /// Where it diverged.
        divergence: Divergence,
    },
    /// The recovered design could not be saved.
    #[error(transparent)]
    Save(#[from] trellis_model::SaveError),
}
