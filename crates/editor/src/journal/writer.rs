//! Writing a journal, on a thread of its own so the frame never waits on
//! the disk.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use trellis_model::Document;

use super::{DesignSource, JOURNAL_VERSION, Record};
use crate::input::Event;
use crate::settings::Settings;
use crate::viewport::Viewport;

enum Message {
    /// A record as JSON, without its newline.
    Line(Vec<u8>),
    Flush(Sender<()>),
    /// A line the writer keeps and never writes: the self-test's planted leak.
    Stuck(String),
}

/// Line buffers the writer thread has written, handed back for the next
/// lines: each input is a line, and a buffer made afresh for each was an
/// allocation in every frame of a drag.
type LinePool = Arc<Mutex<Vec<Vec<u8>>>>;

/// The most buffers [`LinePool`] keeps, and the largest it keeps (a
/// header holds a whole design; an input's line is under a hundred bytes).
const POOLED_LINES: usize = 64;
const POOLED_LINE_BYTES: usize = 4096;

/// The room of a line's buffer made afresh: an input's line fits, so it is
/// one allocation, not the five or six of a buffer grown from nothing.
/// The pool starts with [`POOLED_LINES`] of them (32 KiB), so that a
/// writer thread kept waiting (the frame's processor is not its to use,
/// and the other one is busy) leaves the frames allocating nothing until
/// it has fallen that many lines behind; a drag at 100,000 widgets
/// allocated five times a frame for a stretch of 25 frames where it had.
const LINE_ROOM: usize = 512;

/// Writes a journal on a thread of its own. Dropping it finishes the file
/// (without an end record: use [`JournalWriter::finish`] for a clean end).
pub struct JournalWriter {
    tx: Option<Sender<Message>>,
    /// Lines handed to the writer thread and not yet written: the
    /// journal's buffers, for the live-object registry.
    pending: Arc<AtomicUsize>,
    pool: LinePool,
    thread: Option<JoinHandle<io::Result<()>>>,
    path: PathBuf,
    measurer: String,
}

impl std::fmt::Debug for JournalWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalWriter").field("path", &self.path).field("measurer", &self.measurer).finish()
    }
}

impl JournalWriter {
    /// Creates `path` and writes the header: the design the session starts
    /// from, its view and settings, and `measurer`, the
    /// [`trellis_geometry::TextMeasurer::id`] of the editor it will record
    /// (`Editor::measurer_id`). Never replaces a file: if `path` exists,
    /// fails with [`io::ErrorKind::AlreadyExists`] and leaves it as it was
    /// (create-new semantics, so a file appearing meanwhile is not
    /// clobbered either). A journal is the record of someone's work.
    pub fn create(
        path: &Path,
        design: DesignSource,
        viewport: Viewport,
        settings: Settings,
        measurer: &str,
    ) -> io::Result<Self> {
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
        Self::start(file, path, design, viewport, settings, measurer)
    }

    /// As [`JournalWriter::create`], but an existing file at `path` is
    /// emptied and rewritten: only for a user who asked for it (`--force`).
    pub fn replace(
        path: &Path,
        design: DesignSource,
        viewport: Viewport,
        settings: Settings,
        measurer: &str,
    ) -> io::Result<Self> {
        // A journal is read back to recover a session: only a regular file
        // is one (opening a FIFO to write waited forever for a reader).
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is not a regular file, and a journal must be one to be read back; choose a file path",
            ));
        }
        Self::start(File::create(path)?, path, design, viewport, settings, measurer)
    }

    fn start(
        file: File,
        path: &Path,
        design: DesignSource,
        viewport: Viewport,
        settings: Settings,
        measurer: &str,
    ) -> io::Result<Self> {
        let (tx, rx) = channel::<Message>();
        let pending = Arc::new(AtomicUsize::new(0));
        let written = Arc::clone(&pending);
        let pool: LinePool = Arc::new(Mutex::new((0..POOLED_LINES).map(|_| Vec::with_capacity(LINE_ROOM)).collect()));
        let returned = Arc::clone(&pool);
        let thread = std::thread::Builder::new()
            .name("trellis-journal".into())
            .spawn(move || write_loop(file, &rx, &written, &returned))?;
        let writer = Self {
            tx: Some(tx),
            pending,
            pool,
            thread: Some(thread),
            path: path.to_owned(),
            measurer: measurer.to_owned(),
        };
        writer.send(&Record::Header {
            version: JOURNAL_VERSION,
            design,
            viewport,
            settings,
            measurer: measurer.to_owned(),
        });
        Ok(writer)
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The text measurer the header names.
    pub fn measurer(&self) -> &str {
        &self.measurer
    }

    /// Lines sent and not yet written (after [`JournalWriter::flush`], none).
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::Relaxed)
    }

    fn send(&self, record: &Record) {
        let Some(tx) = &self.tx else { return };
        let mut line =
            self.pool.lock().ok().and_then(|mut pool| pool.pop()).unwrap_or_else(|| Vec::with_capacity(LINE_ROOM));
        line.clear();
        if serde_json::to_writer(&mut line, record).is_ok() {
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

    /// For `trellis leakcheck --self-test` only: queues a line the writer
    /// thread holds and never writes, as a writer that lost track of a
    /// line would. It stays counted in [`JournalWriter::pending`].
    pub(crate) fn plant_stuck_line(&self) {
        if let Some(tx) = &self.tx {
            self.pending.fetch_add(1, Ordering::Relaxed);
            if tx.send(Message::Stuck("{\"planted\":\"leak\"}".to_owned())).is_err() {
                self.pending.fetch_sub(1, Ordering::Relaxed);
            }
        }
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

fn write_loop(file: File, rx: &Receiver<Message>, pending: &AtomicUsize, pool: &Mutex<Vec<Vec<u8>>>) -> io::Result<()> {
    // Woken after each commit, it preempted a nudge of everything on the
    // frame's processor for 1.9 ms in one traced pass, the other idle.
    let _beside = trellis_model::work_beside_the_frame();
    let mut out = BufWriter::new(file);
    let mut stuck = Vec::new();
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        // Write everything waiting, then flush once: a crash loses at most
        // what arrived during the last write.
        while let Some(message) = next {
            match message {
                Message::Line(line) => {
                    out.write_all(&line)?;
                    out.write_all(b"\n")?;
                    pending.fetch_sub(1, Ordering::Relaxed);
                    if line.capacity() <= POOLED_LINE_BYTES
                        && let Ok(mut pool) = pool.lock()
                        && pool.len() < POOLED_LINES
                    {
                        pool.push(line);
                    }
                }
                Message::Flush(done) => {
                    out.flush()?;
                    let _ = done.send(());
                }
                Message::Stuck(line) => stuck.push(line),
            }
            next = rx.try_recv().ok();
        }
        out.flush()?;
    }
    out.flush()
}
