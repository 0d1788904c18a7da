//! Reading a journal: the header, then one record per line. A line cut
//! short at the very end is what a crash leaves behind, so it ends the
//! journal instead of failing it, whatever its bytes (a crash can cut a
//! multi-byte character in half).
//!
//! Reading is bounded: only regular files, at most
//! [`MAX_JOURNAL_BYTES`] in all and [`MAX_JOURNAL_LINE_BYTES`] a line
//! ([`MAX_JOURNAL_HEADER_BYTES`] for the header, which embeds a design),
//! streamed one line at a time, so memory stays near one line.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use trellis_model::limits::{MAX_JOURNAL_BYTES, MAX_JOURNAL_HEADER_BYTES, MAX_JOURNAL_LINE_BYTES};

use super::{DesignSource, JOURNAL_VERSION, JournalError, Record, excerpt, open_regular};
use crate::input::Modifiers;
use crate::settings::Settings;
use crate::viewport::Viewport;

/// What a journal's header says the session started from.
#[derive(Debug)]
pub(crate) struct Header {
    /// The journal's format version.
    pub(crate) version: u32,
    pub(crate) design: DesignSource,
    pub(crate) viewport: Viewport,
    pub(crate) settings: Settings,
    pub(crate) measurer: String,
}

/// A journal opened for reading, past its header.
pub(crate) struct JournalReader {
    path: PathBuf,
    input: BufReader<File>,
    /// The number of the last line read, from 1.
    line: usize,
    /// The file's size and how much of it has been read, in bytes.
    total: usize,
    read: usize,
    torn_last_line: bool,
    buf: Vec<u8>,
}

/// A line just read (its bytes are in the reader's buffer): whether it is
/// the journal's last (nothing follows it).
struct RawLine {
    last: bool,
}

impl JournalReader {
    /// Opens `path` and reads its header, refusing a file that is not a
    /// journal or was written by a newer build.
    pub(crate) fn open(path: &Path) -> Result<(Self, Header), JournalError> {
        let io_err = |source| JournalError::Io { path: path.to_owned(), source };
        let (file, size) = open_regular(path).map_err(io_err)?;
        if size > MAX_JOURNAL_BYTES {
            return Err(JournalError::TooLarge { path: path.to_owned(), bytes: size, limit: MAX_JOURNAL_BYTES });
        }
        let mut reader = Self {
            path: path.to_owned(),
            input: BufReader::with_capacity(64 * 1024, file),
            line: 0,
            total: size as usize,
            read: 0,
            torn_last_line: false,
            buf: Vec::new(),
        };
        let no_header = |reason: String| JournalError::NoHeader { path: path.to_owned(), reason };
        let Some(_) = reader.next_line(MAX_JOURNAL_HEADER_BYTES)? else {
            return Err(no_header("the file is empty".into()));
        };
        let text = std::str::from_utf8(&reader.buf).map_err(|e| {
            no_header(format!("line 1 is not UTF-8 text (a bad byte at column {})", e.valid_up_to() + 1))
        })?;
        let header = parse_header(text).map_err(no_header)?;
        // The header may have been large (an embedded design): records need far less.
        reader.buf = Vec::new();
        if header.0 > u64::from(JOURNAL_VERSION) {
            return Err(JournalError::FutureVersion {
                path: path.to_owned(),
                found: header.0 as u32,
                supported: JOURNAL_VERSION,
            });
        }
        let mut header_fields = header.1;
        header_fields.version = header.0 as u32;
        // Replayed as they are, so held to what the editor itself holds.
        if let Some((field, why)) = header_fields.viewport.problem() {
            return Err(reader.malformed(1, format!("the header's viewport.{field} {why}")));
        }
        if let super::DesignSource::Generated { widgets, .. } = header_fields.design
            && !(1..=trellis_model::limits::MAX_WIDGETS).contains(&widgets)
        {
            return Err(reader.malformed(
                1,
                format!(
                    "the header's design.widgets is {widgets}; a generated design has from 1 to {} widgets",
                    trellis_model::limits::MAX_WIDGETS
                ),
            ));
        }
        if let Some(field) = header_fields.settings.problem() {
            return Err(reader.malformed(
                1,
                format!("the header's settings.{field} must be a finite number of at least 0 (grid: above 0)"),
            ));
        }
        Ok((reader, header_fields))
    }

    /// Reads the next line's bytes into `self.buf` (without the newline),
    /// or `None` at the end of the file.
    fn next_line(&mut self, max_line: usize) -> Result<Option<RawLine>, JournalError> {
        self.buf.clear();
        let n = (&mut self.input)
            .take(max_line as u64 + 1)
            .read_until(b'\n', &mut self.buf)
            .map_err(|source| JournalError::Io { path: self.path.clone(), source })?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        self.read += n;
        if self.read as u64 > MAX_JOURNAL_BYTES {
            return Err(JournalError::TooLarge {
                path: self.path.clone(),
                bytes: self.read as u64,
                limit: MAX_JOURNAL_BYTES,
            });
        }
        let newline = self.buf.last() == Some(&b'\n');
        if newline {
            self.buf.pop();
        }
        if self.buf.len() > max_line {
            return Err(JournalError::LineTooLong {
                path: self.path.clone(),
                line: self.line,
                start: format!("{}…", String::from_utf8_lossy(&self.buf[..80])),
                limit: max_line,
            });
        }
        let last = !newline
            || self.input.fill_buf().map_err(|source| JournalError::Io { path: self.path.clone(), source })?.is_empty();
        Ok(Some(RawLine { last }))
    }

    /// The next record with its line number (from 1), or `None` at the end
    /// of the journal or at a torn last line.
    pub(crate) fn next_record(&mut self) -> Result<Option<(usize, Record)>, JournalError> {
        let Some(raw) = self.next_line(MAX_JOURNAL_LINE_BYTES)? else { return Ok(None) };
        let line = self.line;
        let parsed = match std::str::from_utf8(&self.buf) {
            Ok(text) => parse_record(text),
            Err(e) => Err(format!(
                "this line is not UTF-8 text (a bad byte at column {}): the journal is damaged before its end, \
                 so it cannot be replayed past line {}",
                e.valid_up_to() + 1,
                line - 1
            )),
        };
        match parsed {
            Ok(record) => Ok(Some((line, record))),
            // A crash can cut the last line short, even inside a
            // character: recovery stops before it.
            Err(_) if raw.last => {
                self.torn_last_line = true;
                Ok(None)
            }
            Err(message) => Err(self.malformed(line, message)),
        }
    }

    /// The error for a line that reads but does not belong where it is.
    pub(crate) fn malformed(&self, line: usize, message: String) -> JournalError {
        JournalError::Malformed { path: self.path.clone(), line, message }
    }

    /// Whether the journal's last line was cut short.
    pub(crate) fn torn_last_line(&self) -> bool {
        self.torn_last_line
    }

    /// Bytes read so far, and the file's size.
    pub(crate) fn progress(&self) -> (usize, usize) {
        (self.read, self.total)
    }
}

/// Reads a header line field by field, so a bad one is named: the
/// version and the header, or why line 1 is not one.
fn parse_header(text: &str) -> Result<(u64, Header), String> {
    if text.trim().is_empty() {
        return Err(format!(
            "line 1 is empty; expected the header Trellis writes, {{\"record\":\"header\",\"version\":{JOURNAL_VERSION},...}}"
        ));
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("line 1 is not JSON ({}); it starts: {}", excerpt(&e.to_string()), excerpt(text)))?;
    let Value::Object(fields) = value else {
        return Err(format!("line 1 is not a JSON object; it starts: {}", excerpt(text)));
    };
    match fields.get("record") {
        Some(Value::String(r)) if r == "header" => {}
        Some(other) => {
            return Err(format!("line 1's \"record\" is {}; expected \"header\"", excerpt(&other.to_string())));
        }
        None => return Err("line 1 has no \"record\" field; expected \"record\":\"header\"".into()),
    }
    let known = ["record", "version", "design", "viewport", "settings", "measurer"];
    if let Some(extra) = fields.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(format!(
            "line 1: the header has an unknown field \"{}\"; expected only {}",
            excerpt(extra),
            known.join(", ")
        ));
    }
    let expected = format!(
        "expected a whole number from 1 to {JOURNAL_VERSION} (this Trellis reads journal versions 1 to {JOURNAL_VERSION})"
    );
    let version = match fields.get("version") {
        None => return Err(format!("line 1: the header has no version; {expected}")),
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 && n <= u64::from(u32::MAX) => n,
            _ => return Err(format!("line 1: the header's version is {}; {expected}", excerpt(&v.to_string()))),
        },
    };
    fn field<T: DeserializeOwned>(
        fields: &serde_json::Map<String, Value>,
        name: &str,
        what: &str,
    ) -> Result<T, String> {
        let v = fields.get(name).ok_or_else(|| format!("line 1: the header has no {name}; expected {what}"))?;
        T::deserialize(v).map_err(|e| {
            format!("line 1: the header's {name} is not valid ({}); expected {what}", excerpt(&e.to_string()))
        })
    }
    let design = field(
        &fields,
        "design",
        "{\"from\":\"embedded\",\"json\":...}, {\"from\":\"demo\"} or {\"from\":\"generated\",\"widgets\":N,\"seed\":N}",
    )?;
    let viewport = field(&fields, "viewport", "a viewport as Trellis writes it")?;
    let settings = field(&fields, "settings", "editor settings as Trellis writes them")?;
    let measurer = match fields.get("measurer") {
        None => super::legacy_measurer(),
        Some(_) => field(&fields, "measurer", "a text measurer's id, a string")?,
    };
    Ok((version, Header { version: 0, design, viewport, settings, measurer }))
}

/// Parses one record line, refusing fields this build does not know: a
/// record that says more than the replay would use is not what this build
/// wrote, and replaying it as if it were would silently drop what it says.
fn parse_record(text: &str) -> Result<Record, String> {
    let not_a_record = |e: serde_json::Error| {
        format!(
            "this line is not a journal record ({}); expected one JSON object whose \"record\" is \
             event, commit or end, as Trellis writes them. The line starts: {}",
            excerpt(&e.to_string()),
            excerpt(text)
        )
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(not_a_record)?;
    let record = Record::deserialize(&value).map_err(not_a_record)?;
    let mut written = serde_json::to_value(&record).map_err(not_a_record)?;
    // Modifiers are written only when held, so every one of them is known.
    if let Some(modifiers) = written.get_mut("modifiers") {
        *modifiers = serde_json::to_value(Modifiers { shift: true, ctrl: true, alt: true }).map_err(not_a_record)?;
    }
    if let Some(field) = unknown_field(&value, &written, "") {
        let kind = value.get("record").and_then(|r| r.as_str()).unwrap_or("record");
        return Err(format!(
            "the {kind} record has a field '{}' that this Trellis does not know; expected only the fields \
             Trellis writes (is the journal from a newer build, or edited by hand?)",
            excerpt(&field)
        ));
    }
    Ok(record)
}

/// The first key of `line` (depth first, as a dotted path) that the
/// record as this build writes it does not have.
fn unknown_field(line: &serde_json::Value, written: &serde_json::Value, path: &str) -> Option<String> {
    let (serde_json::Value::Object(line), serde_json::Value::Object(written)) = (line, written) else { return None };
    line.iter().find_map(|(key, value)| {
        let at = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
        match written.get(key) {
            None => Some(at),
            Some(w) => unknown_field(value, w, &at),
        }
    })
}
