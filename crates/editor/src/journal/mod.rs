//! The session journal: every input event and every committed command, one
//! JSON object per line, written by a background thread so the frame never
//! waits on the disk.
//!
//! A journal starts with a header naming the design it started from (the
//! whole design embedded, the bundled demo, or a generated design's size and
//! seed), the viewport and settings, and the text measurer the session laid
//! text out with. Replaying its events through a new editor gives the same
//! document, which each commit record's content hash lets a replay verify.
//! After a crash, the journal's last complete line is where recovery
//! resumes: a torn last line is ignored.
//!
//! This module writes and reads the format and knows nothing of the
//! editor; [`crate::replay`] drives an editor from what it reads.

mod reader;
mod writer;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use trellis_geometry::LEGACY_FIXED_ADVANCE_ID;
use trellis_model::{Document, LoadError};

pub(crate) use self::reader::JournalReader;
pub use self::writer::JournalWriter;
use crate::input::Event;
use crate::settings::Settings;
use crate::viewport::Viewport;

/// The format of this build's journals. Version 2 added the text measurer
/// to the header; version 3 records [`Document::content_hash`], kept up to
/// date per subtree, instead of a hash of the whole file text
/// ([`Document::full_text_hash`]), so that a commit costs what it changed;
/// version 4 is written by builds whose designs are of file format 2
/// (layout as CSS lays it out). This build still reads versions 1 to 3:
/// their designs are replayed as their sessions had them (a version-1
/// design without format 2's migration) and hashed as format 1.
pub const JOURNAL_VERSION: u32 = 4;

/// The hash a journal of format `version` records for `doc`.
pub(crate) fn recorded_hash(version: u32, doc: &Document) -> u64 {
    match version {
        ..=2 => doc.full_text_hash_as_format(1),
        3 => doc.content_hash_as_format(1),
        _ => doc.content_hash(),
    }
}

/// The design a session started from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "from")]
pub enum DesignSource {
    /// The whole design, as `.trellis.json` text.
    Embedded {
        /// The design file's text.
        json: String,
    },
    /// The bundled demo design.
    Demo,
    /// `trellis_model::generate(widgets, seed)`.
    Generated {
        /// How many widgets the generator made.
        widgets: usize,
        /// The generator's seed.
        seed: u64,
    },
}

impl DesignSource {
    /// Builds the design again, as a session of this build starts from it.
    pub fn load(&self) -> Result<Document, LoadError> {
        self.load_as_recorded(JOURNAL_VERSION)
    }

    /// Builds the design again, as the session of a journal of format
    /// `journal_version` started from it: before version 4, an embedded
    /// design of file format 1 without format 2's migration.
    pub fn load_as_recorded(&self, journal_version: u32) -> Result<Document, LoadError> {
        match self {
            DesignSource::Embedded { json } if journal_version < 4 => {
                Document::from_json_bytes_before_v2(json.as_bytes())
            }
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
    /// The first line: what the session started from.
    Header {
        /// The journal format ([`JOURNAL_VERSION`] when written by this build).
        version: u32,
        /// The starting design.
        design: DesignSource,
        /// The view at the start.
        viewport: Viewport,
        /// The settings at the start.
        settings: Settings,
        /// The [`TextMeasurer::id`] of the measurer the session laid text out with.
        #[serde(default = "legacy_measurer")]
        measurer: String,
    },
    /// An input, as the editor received it.
    Event(Event),
    /// A command or gesture committed; `hash` is the document's content hash after it.
    Commit {
        /// The undo label of what was committed.
        label: String,
        /// The document's content hash after it, in hex.
        hash: String,
    },
    /// The session ended cleanly.
    End {
        /// The final document's content hash, in hex.
        hash: String,
    },
}

/// The measurer of a journal whose header names none. Version 1 headers
/// did not record it; every session then laid text out with the default
/// fixed-advance measurer (no other measurer existed), so that is what
/// they were recorded with.
fn legacy_measurer() -> String {
    LEGACY_FIXED_ADVANCE_ID.to_owned()
}

/// Why a journal could not be read or replayed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The file could not be opened or read.
    #[error("cannot read the journal {path}: {source}")]
    Io {
        /// The journal.
        path: PathBuf,
        /// What the system reported.
        source: io::Error,
    },
    /// The first line is not a journal header.
    #[error("{path} is not a Trellis journal: its first line is not a journal header: {reason}")]
    NoHeader {
        /// The file.
        path: PathBuf,
        /// Which field of line 1 is wrong and what was expected.
        reason: String,
    },
    /// The journal is larger than this build reads.
    #[error(
        "{path} is {bytes} bytes, more than the {limit} bytes a journal may hold: \
         it is not a journal Trellis wrote, or is damaged"
    )]
    TooLarge {
        /// The journal.
        path: PathBuf,
        /// Its size (or how much was read before stopping), in bytes.
        bytes: u64,
        /// [`trellis_model::limits::MAX_JOURNAL_BYTES`].
        limit: u64,
    },
    /// A line is longer than any line Trellis writes.
    #[error(
        "{path} line {line} is longer than {limit} bytes, the longest journal line Trellis reads: \
         the file is not a journal Trellis wrote, or is damaged. The line starts: {start}"
    )]
    LineTooLong {
        /// The journal.
        path: PathBuf,
        /// The line, from 1.
        line: usize,
        /// Its first characters.
        start: String,
        /// [`trellis_model::limits::MAX_JOURNAL_LINE_BYTES`] (for the
        /// header, [`trellis_model::limits::MAX_JOURNAL_HEADER_BYTES`]).
        limit: usize,
    },
    /// A newer build wrote the journal, in a format this one cannot read.
    #[error("{path}: journal version {found} is newer than this build reads ({supported}): update Trellis")]
    FutureVersion {
        /// The journal.
        path: PathBuf,
        /// Its format version.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// A line before the last is not a journal record.
    #[error("{path} line {line}: {message}")]
    Malformed {
        /// The journal.
        path: PathBuf,
        /// The line, from 1.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The session measured text with another measurer than the replay
    /// would: widgets sized by their text would land elsewhere, and the
    /// replay would differ from the session without saying so.
    #[error(
        "{path} was recorded with the text measurer '{recorded}', but this replay measures with '{replaying}': \
         replay it with the measurer the session used"
    )]
    MeasurerMismatch {
        /// The journal.
        path: PathBuf,
        /// The measurer the journal's header names.
        recorded: String,
        /// The measurer the replay was given.
        replaying: String,
    },
    /// The session measured text with a measurer this build does not have.
    #[error(
        "{path} was recorded with the text measurer '{recorded}', which this build of Trellis does not have \
         (sessions recorded before labels wrapped laid text out differently): open the design file itself, \
         or replay the journal with the Trellis that recorded it"
    )]
    UnknownMeasurer {
        /// The journal.
        path: PathBuf,
        /// The measurer the journal's header names.
        recorded: String,
    },
    /// The starting design named in the header cannot be built.
    #[error("the journal's starting design cannot be loaded: {0}")]
    Design(#[from] LoadError),
}

/// At most the first 80 characters of `text`; a longer text ends
/// with "… (N bytes)", so an error never echoes a huge line.
pub(crate) fn excerpt(text: &str) -> String {
    const CHARS: usize = 80;
    match text.char_indices().nth(CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
        None => text.to_owned(),
    }
}

/// Opens `path` for reading only if it is a regular file, returning it
/// with its size. The open does not block (a FIFO with no writer would
/// hang a plain open); a FIFO, device, socket or directory is refused
/// with an error saying so. Journals and scenarios are read through it.
pub fn open_regular(path: &Path) -> io::Result<(File, u64)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
        const O_NONBLOCK: i32 = 0x0004;
        #[cfg(not(any(target_os = "macos", target_os = "ios", target_os = "freebsd")))]
        const O_NONBLOCK: i32 = 0o4000;
        options.custom_flags(O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        let what = if meta.is_dir() { "a directory" } else { "not a regular file (a FIFO, device or socket)" };
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {what}: give a regular file (Trellis reads only files of a known, bounded size)"),
        ));
    }
    // On a regular file O_NONBLOCK changes nothing: reads block as usual.
    Ok((file, meta.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_header_reads_as_recorded_with_the_default_fixed_advance_measurer() {
        let line = r#"{"record":"header","version":1,"design":{"from":"demo"},"viewport":{"width":1280,"height":800,"scale":1,"zoom":1,"origin":{"x":0,"y":0}},"settings":{"snapping":true,"grid":null,"snap_threshold_px":6,"drag_threshold_px":3,"trail_ms":250}}"#;
        let Ok(Record::Header { version: 1, measurer, .. }) = serde_json::from_str(line) else {
            panic!("a version 1 header still reads");
        };
        assert_eq!(measurer, LEGACY_FIXED_ADVANCE_ID);
    }

    #[test]
    fn a_header_round_trips_with_its_measurer() {
        let header = Record::Header {
            version: JOURNAL_VERSION,
            design: DesignSource::Generated { widgets: 10, seed: 1 },
            viewport: Viewport::default(),
            settings: Settings::default(),
            measurer: "real-fonts/3".into(),
        };
        let line = serde_json::to_string(&header).unwrap();
        assert!(line.contains(r#""measurer":"real-fonts/3""#), "{line}");
        assert_eq!(serde_json::from_str::<Record>(&line).unwrap(), header);
    }
}
