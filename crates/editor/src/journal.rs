//! The session journal: every input event and every committed command, one
//! JSON object per line, written by a background thread so the frame never
//! waits on the disk.
//!
//! A journal starts with a header naming the design it started from (the
//! whole design embedded, the bundled demo, or a generated design's size and
//! seed) and the viewport and settings. Replaying its events through a new
//! editor gives the same document, which each commit record's content hash
//! lets a replay verify. After a crash, the journal's last complete line is
//! where recovery resumes: a torn last line is ignored.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use serde::{Deserialize, Serialize};
use trellis_model::{Document, LoadError};

use crate::editor::{Editor, Settings};
use crate::input::Event;
use crate::viewport::Viewport;

/// The format of this build's journals.
pub const JOURNAL_VERSION: u32 = 1;

/// The design a session started from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "from")]
pub enum DesignSource {
    /// The whole design, as `.trellis.json` text.
    Embedded { json: String },
    /// The bundled demo design.
    Demo,
    /// `trellis_model::generate(widgets, seed)`.
    Generated { widgets: usize, seed: u64 },
}

impl DesignSource {
    pub fn load(&self) -> Result<Document, LoadError> {
        match self {
            DesignSource::Embedded { json } => Document::from_json_bytes(json.as_bytes()),
            DesignSource::Demo => trellis_model::try_demo_design(),
            DesignSource::Generated { widgets, seed } => Ok(trellis_model::generate(*widgets, *seed)),
        }
    }
}

/// One line of a journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "record")]
pub enum Record {
    Header {
        version: u32,
        design: DesignSource,
        viewport: Viewport,
        settings: Settings,
    },
    Event(Event),
    /// A command or gesture committed; `hash` is the document's content hash after it.
    Commit {
        label: String,
        hash: String,
    },
    /// The session ended cleanly.
    End {
        hash: String,
    },
}

/// Why a journal could not be read or replayed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    #[error("cannot read the journal {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path} is not a Trellis journal: its first line is not a journal header")]
    NoHeader { path: PathBuf },
    #[error("{path}: journal version {found} is newer than this build reads ({supported}): update Trellis")]
    FutureVersion { path: PathBuf, found: u32, supported: u32 },
    #[error("{path} line {line}: {message}")]
    Malformed { path: PathBuf, line: usize, message: String },
    #[error("the journal's starting design cannot be loaded: {0}")]
    Design(#[from] LoadError),
}

enum Message {
    Line(String),
    Flush(Sender<()>),
}

/// Writes a journal on a thread of its own. Dropping it finishes the file.
pub struct JournalWriter {
    tx: Option<Sender<Message>>,
    /// Lines handed to the writer thread and not yet written: the
    /// journal's buffers, for the live-object registry.
    pending: Arc<AtomicUsize>,
    thread: Option<JoinHandle<io::Result<()>>>,
    path: PathBuf,
}

impl std::fmt::Debug for JournalWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalWriter").field("path", &self.path).finish()
    }
}

impl JournalWriter {
    /// Creates (or truncates) `path` and writes the header.
    pub fn create(path: &Path, design: DesignSource, viewport: Viewport, settings: Settings) -> io::Result<Self> {
        let file = File::create(path)?;
        let (tx, rx) = channel::<Message>();
        let pending = Arc::new(AtomicUsize::new(0));
        let written = Arc::clone(&pending);
        let thread = std::thread::Builder::new()
            .name("trellis-journal".into())
            .spawn(move || write_loop(file, &rx, &written))?;
        let writer = Self { tx: Some(tx), pending, thread: Some(thread), path: path.to_owned() };
        writer.send(&Record::Header { version: JOURNAL_VERSION, design, viewport, settings });
        Ok(writer)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Lines sent and not yet written (after [`JournalWriter::flush`], none).
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::Relaxed)
    }

    fn send(&self, record: &Record) {
        if let (Some(tx), Ok(line)) = (&self.tx, serde_json::to_string(record)) {
            // If the writer thread died, journaling stops; editing goes on.
            // Counted before sending, so the writer never takes away first.
            self.pending.fetch_add(1, Ordering::Relaxed);
            if tx.send(Message::Line(line)).is_err() {
                self.pending.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }

    pub(crate) fn event(&self, event: &Event) {
        self.send(&Record::Event(event.clone()));
    }

    pub(crate) fn commit(&self, label: &str, hash: u64) {
        self.send(&Record::Commit { label: label.to_owned(), hash: format!("{hash:016x}") });
    }

    /// Waits until everything sent so far is written and flushed.
    pub fn flush(&self) {
        let (done, wait) = channel();
        if let Some(tx) = &self.tx
            && tx.send(Message::Flush(done)).is_ok()
        {
            let _ = wait.recv();
        }
    }

    /// Ends the journal cleanly with the final document's hash.
    pub fn finish(mut self, doc: &Document) -> io::Result<()> {
        self.send(&Record::End { hash: format!("{:016x}", doc.content_hash()) });
        self.close()
    }

    fn close(&mut self) -> io::Result<()> {
        self.tx.take();
        match self.thread.take() {
            Some(t) => t.join().unwrap_or_else(|_| Err(io::Error::other("the journal thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for JournalWriter {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

fn write_loop(file: File, rx: &Receiver<Message>, pending: &AtomicUsize) -> io::Result<()> {
    let mut out = BufWriter::new(file);
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        // Write everything waiting, then flush once: a crash loses at most
        // what arrived during the last write.
        while let Some(message) = next {
            match message {
                Message::Line(line) => {
                    out.write_all(line.as_bytes())?;
                    out.write_all(b"\n")?;
                    pending.fetch_sub(1, Ordering::Relaxed);
                }
                Message::Flush(done) => {
                    out.flush()?;
                    let _ = done.send(());
                }
            }
            next = rx.try_recv().ok();
        }
        out.flush()?;
    }
    out.flush()
}

/// What a replay found.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReplayReport {
    pub events: usize,
    pub commits: usize,
    /// Commit records whose hash the replay did not reproduce (line, label).
    pub mismatches: Vec<(usize, String)>,
    /// The journal ends with a clean end record.
    pub ended: bool,
    /// The last line was cut short (the session crashed while writing it).
    pub torn_last_line: bool,
    /// The last hash the journal recorded, and the replay's.
    pub recorded_hash: Option<String>,
    pub final_hash: String,
}

impl ReplayReport {
    /// Whether the replay reproduced every recorded hash.
    pub fn verified(&self) -> bool {
        self.mismatches.is_empty() && self.recorded_hash.as_ref().is_none_or(|h| *h == self.final_hash)
    }
}

/// Replays a journal through a new editor. `progress(done, total)` is
/// called every few thousand lines.
pub fn replay(path: &Path, progress: &mut dyn FnMut(usize, usize)) -> Result<(Editor, ReplayReport), JournalError> {
    let io_err = |source| JournalError::Io { path: path.to_owned(), source };
    let file = File::open(path).map_err(io_err)?;
    let total = file.metadata().map_err(io_err)?.len() as usize;
    let mut lines = BufReader::new(file).lines().enumerate().peekable();
    let header = match lines.next() {
        Some((_, Ok(line))) => serde_json::from_str::<Record>(&line).ok(),
        Some((_, Err(e))) => return Err(io_err(e)),
        None => None,
    };
    let Some(Record::Header { version, design, viewport, settings }) = header else {
        return Err(JournalError::NoHeader { path: path.to_owned() });
    };
    if version > JOURNAL_VERSION {
        return Err(JournalError::FutureVersion { path: path.to_owned(), found: version, supported: JOURNAL_VERSION });
    }
    let mut editor = Editor::new(design.load()?);
    editor.settings = settings;
    let mut report = ReplayReport::default();
    *editor.viewport_mut() = viewport;
    let mut read = 0usize;
    while let Some((i, line)) = lines.next() {
        let line = line.map_err(io_err)?;
        read += line.len() + 1;
        let is_last = lines.peek().is_none();
        let record = match serde_json::from_str::<Record>(&line) {
            Ok(r) => r,
            // A crash can cut the last line short: recovery stops before it.
            Err(_) if is_last => {
                report.torn_last_line = true;
                break;
            }
            Err(e) => {
                return Err(JournalError::Malformed { path: path.to_owned(), line: i + 1, message: e.to_string() });
            }
        };
        match record {
            Record::Header { .. } => {
                return Err(JournalError::Malformed {
                    path: path.to_owned(),
                    line: i + 1,
                    message: "a second header".into(),
                });
            }
            Record::Event(event) => {
                editor.handle(&event);
                report.events += 1;
            }
            Record::Commit { label, hash } => {
                report.commits += 1;
                if format!("{:016x}", editor.doc().content_hash()) != hash {
                    report.mismatches.push((i + 1, label));
                }
                report.recorded_hash = Some(hash);
            }
            Record::End { hash } => {
                report.ended = true;
                report.recorded_hash = Some(hash);
            }
        }
        if i % 4096 == 0 {
            progress(read, total);
        }
    }
    report.final_hash = format!("{:016x}", editor.doc().content_hash());
    Ok((editor, report))
}

/// Rebuilds the last committed state of a session from its journal (a
/// gesture cut off by the crash is dropped) and saves it atomically.
pub fn recover(journal: &Path, out: &Path) -> Result<(Document, ReplayReport), RecoverError> {
    let (mut editor, report) = replay(journal, &mut |_, _| {})?;
    editor.cancel();
    let mut doc = editor.into_document();
    doc.save(out)?;
    Ok((doc, report))
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecoverError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Save(#[from] trellis_model::SaveError),
}
