//! The `.trellis.json` file format: canonical writing, strict loading with
//! every problem reported at its path, migration of older versions, and
//! atomic saves.
//!
//! A file is `{"format": "trellis", "version": 2, "root": WIDGET}` where a
//! widget is `{"kind", "name", "props", "children"}`. Keys come in a fixed
//! order, properties in table order and only when they differ from their
//! default, so saving the same design twice gives the same bytes and a
//! one-widget edit is a small diff. There are no timestamps and no
//! absolute paths.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::document::{Document, Node, WidgetId};
use crate::kind::WidgetKind;
use crate::limits;
use crate::property::{Align, Color, Justify, LayoutMode, PropKey, PropType, PropValue, Props, Track};

/// The value of the `format` field.
pub const FORMAT_NAME: &str = "trellis";
/// The format version this build writes. It reads this one and every older one.
///
/// Version 2 (layout as CSS lays it out): a flex or grid item's automatic
/// minimum size comes from its content, not from its explicit size. A
/// version-1 file is migrated on load so that it looks the same: each
/// flowed item that took its minimum from its explicit size gets that
/// size as its minimum (see `migrate.rs`).
pub const FORMAT_VERSION: u32 = 2;

/// One problem found in a design file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where: a path into the document such as `root.children[2].props.font_size`.
    pub path: String,
    /// The widget's name when known, to find it in the editor.
    pub widget: Option<String>,
    /// What is wrong and, where it helps, what to write instead.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.widget {
            Some(name) => write!(f, "{} ('{}'): {}", self.path, name, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Why a design could not be loaded. The file is never modified.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The file is larger than [`limits::MAX_FILE_BYTES`].
    #[error("the file is {size} bytes, more than the limit of {limit} bytes for a design")]
    TooLarge {
        /// The file's size, in bytes.
        size: u64,
        /// The largest design file read, in bytes.
        limit: u64,
    },
    /// The bytes are not JSON.
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
        /// The JSON parser's explanation.
        message: String,
    },
    /// The JSON does not have the shape of a design (a missing or unknown
    /// field, a value of the wrong JSON type).
    #[error("{path}: {message}")]
    Structure {
        /// Where, such as `root.children[2]`, or a line and column
        /// where no path is known (a field given twice).
        path: String,
        /// What is wrong there.
        message: String,
    },
    /// The JSON is not a Trellis design at all.
    #[error("this is not a Trellis design: expected \"format\": \"trellis\" and a \"version\" at the top level")]
    NotTrellis,
    /// The design is in a format version newer than this build reads.
    #[error(
        "this design was saved by a newer Trellis (format version {found}); this build reads versions up to {supported}: update Trellis to open it"
    )]
    FutureVersion {
        /// The file's format version.
        found: u64,
        /// The newest version this build reads.
        supported: u32,
    },
    /// The design is well formed but breaks the model's rules, in one place or many.
    #[error("{} problem{} in the design:\n{}", problems.len(), if problems.len() == 1 { "" } else { "s" }, list(problems))]
    Invalid {
        /// Every problem found, in file order.
        problems: Vec<Problem>,
    },
}

fn list(problems: &[Problem]) -> String {
    // A line break inside a quoted name or value would start a line of its
    // own (a forged "valid"), and other control characters could move the
    // cursor of the terminal the list is printed to: each is escaped.
    let one_line = |p: &Problem| -> String {
        p.to_string()
            .chars()
            .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
            .collect()
    };
    let lines: Vec<String> = problems.iter().map(|p| format!("  {}", one_line(p))).collect();
    lines.join("\n")
}

impl LoadError {
    /// Every problem as one line each (one line for errors that are not a list).
    pub fn problems(&self) -> Vec<String> {
        match self {
            LoadError::Invalid { problems } => problems.iter().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        }
    }
}

/// Why a design (or any output) could not be saved. The previous file, if
/// any, is intact, and nothing is left behind.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SaveError {
    /// Writing, syncing or renaming the file failed (a full disk, an I/O error).
    #[error("cannot save to {path}: {cause}; the previous file, if any, is unchanged")]
    Io {
        /// The file being saved.
        path: PathBuf,
        /// What the system said (shown in the message, so not a `source`).
        cause: io::Error,
    },
    /// A FIFO no process is reading: writing would wait for one forever.
    #[error(
        "{path} is a FIFO that no process is reading, so writing to it would wait forever; \
         start its reader first (for example `cat {path}`), or write to a file"
    )]
    NoReader {
        /// The FIFO.
        path: PathBuf,
    },
    /// Writing into a device or FIFO failed part way.
    #[error("cannot write to {path}: {cause}")]
    InPlace {
        /// The device or FIFO.
        path: PathBuf,
        /// What the system said.
        cause: io::Error,
    },
    /// The folder the file would go in does not exist.
    #[error("cannot save to {path}: the folder {folder} does not exist ({cause}); create it first or save elsewhere")]
    MissingFolder {
        /// The file being saved.
        path: PathBuf,
        /// The folder that is missing.
        folder: PathBuf,
        /// What the system said.
        cause: io::Error,
    },
    /// Something on the way to the file is a file, not a folder.
    #[error("cannot save to {path}: {parent} is a file, not a folder ({cause})")]
    ParentNotAFolder {
        /// The file being saved.
        path: PathBuf,
        /// The part of the path that is a file.
        parent: PathBuf,
        /// What the system said.
        cause: io::Error,
    },
    /// The user may not create files in the folder.
    #[error(
        "cannot save to {path}: no permission to create files in the folder {folder} ({cause}); save elsewhere or change the folder's permissions"
    )]
    FolderNotWritable {
        /// The file being saved.
        path: PathBuf,
        /// The folder.
        folder: PathBuf,
        /// What the system said.
        cause: io::Error,
    },
    /// The folder is on a file system mounted read-only.
    #[error("cannot save to {path}: the folder {folder} is on a read-only file system ({cause}); save elsewhere")]
    ReadOnlyFileSystem {
        /// The file being saved.
        path: PathBuf,
        /// The folder.
        folder: PathBuf,
        /// What the system said.
        cause: io::Error,
    },
    /// The file name (or the whole path) is longer than the file system allows.
    #[error(
        "cannot save to {path}: the file name is {length} bytes long, more than the file system allows ({cause}); choose a shorter name"
    )]
    NameTooLong {
        /// The file being saved.
        path: PathBuf,
        /// The length of the file name, in bytes.
        length: usize,
        /// What the system said.
        cause: io::Error,
    },
    /// The path names a folder.
    #[error("cannot save to {path}: it is a folder; name a file inside it")]
    IsAFolder {
        /// The folder.
        path: PathBuf,
    },
    /// The file is read-only and the save was not forced.
    #[error(
        "cannot save to {path}: the file is read-only (mode {mode:04o}); make it writable, or force the save (--force) to replace it keeping its permissions"
    )]
    ReadOnly {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The user may not write the file and the save was not forced.
    #[error(
        "cannot save to {path}: you have no permission to write this file ({cause}); ask its owner, or force the save (--force) to replace it"
    )]
    NotWritable {
        /// The file.
        path: PathBuf,
        /// What the system said when opening it for writing.
        cause: io::Error,
    },
    /// The path names a block device (a disk) and the save was not forced.
    #[error(
        "cannot save to {path}: it is a block device (a disk), which the save would overwrite; force the save (--force) to write into it anyway"
    )]
    BlockDevice {
        /// The device.
        path: PathBuf,
    },
    /// The path names a socket, which cannot be opened as a file.
    #[error(
        "cannot save to {path}: it is a socket, which cannot be written as a file; name a file, a FIFO or a device"
    )]
    Socket {
        /// The socket.
        path: PathBuf,
    },
    /// The path is a symbolic link to nothing.
    #[error(
        "cannot save to {path}: it is a symbolic link to {target}, which does not exist; create the target or remove the link"
    )]
    BrokenLink {
        /// The link.
        path: PathBuf,
        /// Where it points.
        target: PathBuf,
    },
}

/// How a save treats what is already at the path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaveOptions {
    /// Replace a read-only file or one the user may not write (its
    /// permissions are kept), and write into a block device.
    pub force: bool,
}

impl SaveOptions {
    /// Options that replace read-only files and write into block devices.
    pub fn forced() -> SaveOptions {
        SaveOptions { force: true }
    }
}

// ---------------------------------------------------------------- writing

struct WidgetView<'a> {
    doc: &'a Document,
    node: &'a Node,
}

impl Serialize for WidgetView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.node;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("kind", n.kind.as_str())?;
        map.serialize_entry("name", &*n.name)?;
        if !n.props.is_empty() {
            map.serialize_entry("props", &PropsView(&n.props))?;
        }
        if !n.children.is_empty() {
            map.serialize_entry("children", &ChildrenView { doc: self.doc, children: &n.children })?;
        }
        map.end()
    }
}

struct ChildrenView<'a> {
    doc: &'a Document,
    children: &'a [WidgetId],
}

impl Serialize for ChildrenView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.children.len()))?;
        for id in self.children {
            seq.serialize_element(&WidgetView { doc: self.doc, node: &self.doc.nodes[*id] })?;
        }
        seq.end()
    }
}

struct PropsView<'a>(&'a Props);

impl Serialize for PropsView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0.iter() {
            map.serialize_entry(key.name(), &ValueView(value))?;
        }
        map.end()
    }
}

/// One property value, as the file writes it.
struct ValueView<'a>(&'a PropValue);

impl Serialize for ValueView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            PropValue::Number(v) => v.serialize(s),
            PropValue::Int(v) => v.serialize(s),
            PropValue::Bool(v) => v.serialize(s),
            PropValue::Color(c) => c.serialize(s),
            PropValue::Text(t) => t.serialize(s),
            PropValue::Items(items) => items.serialize(s),
            PropValue::Layout(v) => v.as_str().serialize(s),
            PropValue::Align(v) => v.as_str().serialize(s),
            PropValue::Justify(v) => v.as_str().serialize(s),
            PropValue::Tracks(t) => Track::format_template(t).serialize(s),
        }
    }
}

/// A property value as the design file writes it: what editor events
/// carry (the inspector's edits), so that a journal reads like a design.
pub fn value_to_json(value: &PropValue) -> Value {
    serde_json::to_value(ValueView(value)).expect("a property value is plain JSON")
}

/// Why a JSON value is not a value of a property.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {reason}")]
pub struct ValueError {
    /// The property's name in the file.
    pub key: &'static str,
    /// What was expected and what was found (the validator's words).
    pub reason: String,
}

/// Reads a property value written as the design file writes it, with the
/// loader's checks (type, range, `"auto"` lengths); `null` is the
/// default, `Ok(None)`.
pub fn value_from_file_json(key: PropKey, json: &Value) -> Result<Option<PropValue>, ValueError> {
    if json.is_null() {
        return Ok(None);
    }
    value_from_json(key, json).map_err(|reason| ValueError { key: key.name(), reason })
}

/// A widget alone (kind, name, properties), as the file writes it.
#[cfg(test)]
struct OwnView<'a>(&'a Node);

#[cfg(test)]
impl Serialize for OwnView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.0;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("kind", n.kind.as_str())?;
        map.serialize_entry("name", &*n.name)?;
        if !n.props.is_empty() {
            map.serialize_entry("props", &PropsView(&n.props))?;
        }
        map.end()
    }
}

/// Writes a widget without its children, pretty-printed at depth 0 as the
/// file would write it: what the digest's writer, which writes the same
/// bytes by hand, is held to by its tests.
#[cfg(test)]
pub(crate) fn write_own_json(node: &Node, out: impl Write) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, serde_json::ser::PrettyFormatter::with_indent(b"  "));
    OwnView(node).serialize(&mut ser).map_err(io::Error::other)
}

/// The document as a file of the given format version.
struct FileView<'a>(&'a Document, u32);

impl Serialize for FileView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("format", FORMAT_NAME)?;
        map.serialize_entry("version", &self.1)?;
        map.serialize_entry("root", &WidgetView { doc: self.0, node: &self.0.nodes[self.0.root] })?;
        map.end()
    }
}

struct HashWriter(u64);

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // FNV-1a: stable across platforms and releases, unlike std's hasher.
        for b in buf {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Document {
    /// Writes the design in the file format (pretty, canonical).
    pub fn write_json(&self, out: impl Write) -> io::Result<()> {
        let mut ser = serde_json::Serializer::with_formatter(out, serde_json::ser::PrettyFormatter::with_indent(b"  "));
        FileView(self, FORMAT_VERSION).serialize(&mut ser).map_err(io::Error::other)?;
        let mut out = ser.into_inner();
        out.write_all(b"\n")
    }

    /// The design in the file format, as a string.
    pub fn to_json_string(&self) -> String {
        let mut out = Vec::new();
        self.write_json(&mut out).expect("writing to memory cannot fail");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    /// The content hash journals of versions 1 and 2 recorded: FNV-1a over
    /// the compact file text. It costs a serialization of the whole design,
    /// so new journals record [`Document::content_hash`]; replays of old
    /// journals check this one.
    pub fn full_text_hash(&self) -> u64 {
        self.full_text_hash_as_format(FORMAT_VERSION)
    }

    /// [`Document::full_text_hash`] of the text a build writing format
    /// `version` wrote: what a journal recorded under that format hashed.
    pub fn full_text_hash_as_format(&self, version: u32) -> u64 {
        let mut hasher = HashWriter(0xcbf2_9ce4_8422_2325);
        serde_json::to_writer(&mut hasher, &FileView(self, version)).expect("hashing cannot fail");
        hasher.0
    }

    /// Saves atomically: the file holds either the old design or the new
    /// one, whatever happens during the save. Marks the document saved.
    pub fn save(&mut self, path: &Path) -> Result<(), SaveError> {
        self.save_with(path, SaveOptions::default())
    }

    /// [`Document::save`] with options; see [`write_file`] for what
    /// happens to each kind of existing target.
    pub fn save_with(&mut self, path: &Path, options: SaveOptions) -> Result<(), SaveError> {
        write_file(path, options, |out| self.write_json(out))?;
        self.mark_saved();
        Ok(())
    }

    /// Parses a design from bytes in any supported format version.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Document, LoadError> {
        Self::from_json_bytes_versioned(bytes).map(|(doc, _)| doc)
    }

    /// Like [`Document::from_json_bytes`], also telling which format
    /// version the bytes were in (older ones are migrated on load).
    pub fn from_json_bytes_versioned(bytes: &[u8]) -> Result<(Document, u32), LoadError> {
        parse(bytes, LayoutMigration::Apply)
    }

    /// Migrates a design read as a format-1 session had it
    /// ([`Document::from_json_bytes_before_v2`]) as loading a format-1 file
    /// does: the minimum sizes format 1 implied are written out. Not an
    /// edit: there is nothing to undo.
    pub fn migrate_layout_from_format_1(&mut self) {
        for id in crate::migrate::v1_to_v2(self) {
            self.touch_own(id);
        }
        self.refresh_digests();
    }

    /// The design as a session recorded before format 2 had it: a
    /// version-1 design is read without the migration of its flowed items'
    /// minimum sizes (the rest is as [`Document::from_json_bytes`] reads
    /// it). Replays of journals recorded before format 2 start from this,
    /// so that the hashes they recorded still match.
    pub fn from_json_bytes_before_v2(bytes: &[u8]) -> Result<Document, LoadError> {
        parse(bytes, LayoutMigration::Skip).map(|(doc, _)| doc)
    }

    /// Loads a design file. The file is only read, never modified.
    pub fn load(path: &Path) -> Result<Document, LoadError> {
        Self::load_versioned(path).map(|(doc, _)| doc)
    }

    /// Loads a design file, also telling its format version.
    pub fn load_versioned(path: &Path) -> Result<(Document, u32), LoadError> {
        let io_err = |source| LoadError::Io { path: path.to_owned(), source };
        // Opening a FIFO waits for a writer that may never come, and a
        // device reads on to the limit: a design is a regular file (or a
        // link to one). `trellis validate` on a FIFO hung.
        if !fs::metadata(path).map_err(io_err)?.is_file() {
            let refusal = "not a regular file (a FIFO, a device, a socket or a folder): name a design file";
            return Err(io_err(io::Error::new(io::ErrorKind::InvalidInput, refusal)));
        }
        let file = fs::File::open(path).map_err(io_err)?;
        let size = file.metadata().map_err(io_err)?.len();
        if size > limits::MAX_FILE_BYTES {
            return Err(LoadError::TooLarge { size, limit: limits::MAX_FILE_BYTES });
        }
        let mut bytes = Vec::with_capacity(size as usize);
        // Read at most one byte past the limit: the file may grow meanwhile.
        file.take(limits::MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io_err)?;
        Self::from_json_bytes_versioned(&bytes)
    }
}

/// [`write_file`] with the default options: read-only files are refused.
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), SaveError> {
    write_file(path, SaveOptions::default(), write)
}

/// Writes a file so that nothing is lost, whatever is at `path`:
///
/// - nothing, or a regular file: through a temporary sibling, fsync and
///   rename, so a crash or a full disk leaves the old file or the new one,
///   never a mix; a replaced file keeps its permission bits (and its owner
///   when the system allows). A read-only file, or one the user may not
///   write, is refused unless `options.force`, even for root.
/// - a character device or a FIFO (`/dev/null`, `/dev/stdout`, a pipe):
///   written in place; renaming over it would turn it into a regular file.
/// - a block device: refused unless `options.force`, then written in place.
/// - a folder or a socket: refused.
/// - a symbolic link: the rules apply to what it points to; the link stays.
pub fn write_file(
    path: &Path,
    options: SaveOptions,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), SaveError> {
    match destination(path, options)? {
        Destination::InPlace => write_in_place(path, write),
        Destination::Replace { file, existing } => replace(path, &file, existing.as_ref(), write),
    }
}

/// Whether [`write_file`] could write `path` with `options`, checked
/// before the work that makes what it writes (a benchmark's report was
/// refused after its run): the same refusals, with the same messages, for
/// what is at `path` and for the folder a new file would go in. Opens and
/// writes nothing (a FIFO is not opened; whether a process reads it is
/// known when it is written).
pub fn check_output_path(path: &Path, options: SaveOptions) -> Result<(), SaveError> {
    match destination(path, options)? {
        Destination::Replace { existing: None, file } => {
            let folder = folder_of(&file);
            fs::read_dir(&folder).map(|_| ()).map_err(|e| explain(&file, folder, e))
        }
        Destination::InPlace | Destination::Replace { .. } => Ok(()),
    }
}

enum Destination {
    InPlace,
    /// `file` is where the temporary file is renamed to: `path`, or the
    /// file a symbolic link points to.
    Replace {
        file: PathBuf,
        existing: Option<fs::Metadata>,
    },
}

fn destination(path: &Path, options: SaveOptions) -> Result<Destination, SaveError> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                let target = fs::read_link(path).unwrap_or_default();
                return Err(SaveError::BrokenLink { path: path.to_owned(), target });
            }
            return Ok(Destination::Replace { file: path.to_owned(), existing: None });
        }
        Err(e) => return Err(explain(path, folder_of(path), e)),
    };
    if meta.is_dir() {
        return Err(SaveError::IsAFolder { path: path.to_owned() });
    }
    if !meta.is_file() {
        return special(path, &meta, options);
    }
    if !options.force {
        if meta.permissions().readonly() {
            return Err(SaveError::ReadOnly { path: path.to_owned(), mode: mode_of(&meta) });
        }
        // Root may write anything, so only the mode bits above stop it; for
        // anyone else, opening without truncating asks the system itself.
        if let Err(cause) = fs::OpenOptions::new().write(true).open(path)
            && cause.kind() == io::ErrorKind::PermissionDenied
        {
            return Err(SaveError::NotWritable { path: path.to_owned(), cause });
        }
    }
    let file = if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        fs::canonicalize(path).map_err(|e| explain(path, folder_of(path), e))?
    } else {
        path.to_owned()
    };
    Ok(Destination::Replace { file, existing: Some(meta) })
}

#[cfg(unix)]
fn special(path: &Path, meta: &fs::Metadata, options: SaveOptions) -> Result<Destination, SaveError> {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_socket() {
        Err(SaveError::Socket { path: path.to_owned() })
    } else if kind.is_block_device() && !options.force {
        Err(SaveError::BlockDevice { path: path.to_owned() })
    } else {
        Ok(Destination::InPlace)
    }
}

#[cfg(not(unix))]
fn special(_: &Path, _: &fs::Metadata, _: SaveOptions) -> Result<Destination, SaveError> {
    Ok(Destination::InPlace)
}

#[cfg(unix)]
fn mode_of(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(_: &fs::Metadata) -> u32 {
    0o444
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Turns the system's refusal to reach or create `path` into an error that
/// says which part of the path is at fault.
fn explain(path: &Path, folder: PathBuf, cause: io::Error) -> SaveError {
    let path_buf = path.to_owned();
    match cause.kind() {
        io::ErrorKind::NotFound => SaveError::MissingFolder { path: path_buf, folder, cause },
        io::ErrorKind::NotADirectory => {
            let parent = path
                .ancestors()
                .skip(1)
                .filter(|a| !a.as_os_str().is_empty())
                .find(|a| fs::metadata(a).is_ok_and(|m| !m.is_dir()))
                .map_or(folder, Path::to_owned);
            SaveError::ParentNotAFolder { path: path_buf, parent, cause }
        }
        io::ErrorKind::PermissionDenied => SaveError::FolderNotWritable { path: path_buf, folder, cause },
        io::ErrorKind::ReadOnlyFilesystem => SaveError::ReadOnlyFileSystem { path: path_buf, folder, cause },
        io::ErrorKind::InvalidFilename => {
            let length = path.file_name().map_or(0, |n| n.as_encoded_bytes().len());
            SaveError::NameTooLong { path: path_buf, length, cause }
        }
        _ => SaveError::Io { path: path_buf, cause },
    }
}

fn write_in_place(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), SaveError> {
    let in_place = |cause| SaveError::InPlace { path: path.to_owned(), cause };
    // No truncate, no create: the device or FIFO stays what it is.
    let file = open_in_place(path).map_err(|cause| {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::FileTypeExt;
            // ENXIO also answers a device with nothing behind it: only a FIFO lacks a reader.
            if cause.raw_os_error() == Some(libc::ENXIO) && fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo()) {
                return SaveError::NoReader { path: path.to_owned() };
            }
        }
        in_place(cause)
    })?;
    let mut out = io::BufWriter::with_capacity(1 << 16, file);
    write(&mut out).map_err(in_place)?;
    out.flush().map_err(in_place)
}

/// Opens a device or FIFO to write into. A FIFO is opened without waiting
/// (an open for writing waits until some process opens it for reading,
/// forever if none does: the system then refuses with `ENXIO`), and
/// written to as any file once open.
#[cfg(target_os = "linux")]
fn open_in_place(path: &Path) -> io::Result<fs::File> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::OpenOptions::new().write(true).custom_flags(libc::O_NONBLOCK).open(path)?;
    // SAFETY: `fcntl` on a descriptor this function owns, with flags read
    // from it; no memory is passed.
    let cleared = unsafe {
        let fd = file.as_raw_fd();
        let flags = libc::fcntl(fd, libc::F_GETFL);
        flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) == 0
    };
    if !cleared {
        return Err(io::Error::last_os_error());
    }
    Ok(file)
}

#[cfg(not(target_os = "linux"))]
fn open_in_place(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new().write(true).open(path)
}

/// The temporary file's name: hidden, next to the target, and short enough
/// that a target name near the system's limit still has room for it.
fn temporary_name(file_name: &std::ffi::OsStr, attempt: u32) -> std::ffi::OsString {
    let mut stem = file_name.to_string_lossy().into_owned();
    if stem.len() > 64 {
        let mut cut = 64;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        stem.truncate(cut);
    }
    format!(".{stem}.{}.{attempt}.tmp", std::process::id()).into()
}

fn replace(
    path: &Path,
    target: &Path,
    existing: Option<&fs::Metadata>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), SaveError> {
    let io_err = |cause| SaveError::Io { path: path.to_owned(), cause };
    let dir = folder_of(target);
    let file_name = target.file_name().ok_or_else(|| SaveError::IsAFolder { path: path.to_owned() })?;
    let mut created = None;
    for attempt in 0..100 {
        let candidate = dir.join(temporary_name(file_name, attempt));
        match fs::OpenOptions::new().write(true).create_new(true).open(&candidate) {
            Ok(file) => {
                created = Some((candidate, file));
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(explain(path, dir, e)),
        }
    }
    let Some((tmp_path, file)) = created else {
        return Err(io_err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("100 temporary files for it already exist in {}; remove them", dir.display()),
        )));
    };
    let result: io::Result<()> = (|| {
        if let Some(meta) = existing {
            file.set_permissions(meta.permissions())?;
            keep_owner(&file, meta);
        }
        let mut out = io::BufWriter::with_capacity(1 << 16, &file);
        write(&mut out)?;
        out.flush()?;
        drop(out);
        file.sync_all()?;
        fs::rename(&tmp_path, target)?;
        // Make the rename itself durable. Not every platform can open a directory.
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp_path);
    }
    result.map_err(|e| if e.kind() == io::ErrorKind::InvalidFilename { explain(path, dir, e) } else { io_err(e) })
}

/// Best effort: only root may give a file away, and a save by anyone else
/// must not fail over it.
#[cfg(unix)]
fn keep_owner(file: &fs::File, meta: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &fs::File, _: &fs::Metadata) {}

// ---------------------------------------------------------------- reading

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: String,
    version: u32,
    root: RawWidget,
}

// What a refusal says was expected is the user's word for it, not the
// type's name ("expected struct RawWidget"). (A file that is not an object
// at all is `LoadError::NotTrellis` before any such refusal.)
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a widget: an object with \"kind\" and \"name\", and \"props\" and \"children\" if it has any"
)]
struct RawWidget {
    kind: RawName<WidgetKind>,
    name: String,
    #[serde(default)]
    props: RawProps,
    #[serde(default)]
    children: Vec<RawWidget>,
}

/// A name from a closed set (kinds, property keys), parsed without
/// allocating; unknown names are kept for the error message.
enum RawName<T> {
    Known(T),
    Unknown(String),
}

trait ClosedSet: Sized {
    const WHAT: &'static str;
    fn parse_name(name: &str) -> Option<Self>;
}

impl ClosedSet for WidgetKind {
    const WHAT: &'static str = "a widget kind";
    fn parse_name(name: &str) -> Option<Self> {
        WidgetKind::parse(name)
    }
}

impl ClosedSet for PropKey {
    const WHAT: &'static str = "a property name";
    fn parse_name(name: &str) -> Option<Self> {
        PropKey::parse(name)
    }
}

impl<'de, T: ClosedSet> Deserialize<'de> for RawName<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NameVisitor<T>(std::marker::PhantomData<T>);
        impl<T: ClosedSet> serde::de::Visitor<'_> for NameVisitor<T> {
            type Value = RawName<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::WHAT)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(T::parse_name(v).map_or_else(|| RawName::Unknown(v.to_owned()), RawName::Known))
            }
        }
        d.deserialize_str(NameVisitor(std::marker::PhantomData))
    }
}

/// Properties in file order; duplicates are kept so they can be reported.
#[derive(Default)]
struct RawProps(Vec<(RawName<PropKey>, Value)>);

impl<'de> Deserialize<'de> for RawProps {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PropsVisitor;
        impl<'de> serde::de::Visitor<'de> for PropsVisitor {
            type Value = RawProps;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of properties")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawProps, A::Error> {
                let mut props = Vec::with_capacity(map.size_hint().unwrap_or(8).min(PropKey::ALL.len()));
                while let Some(key) = map.next_key::<RawName<PropKey>>()? {
                    props.push((key, map.next_value::<Value>()?));
                }
                Ok(RawProps(props))
            }
        }
        d.deserialize_map(PropsVisitor)
    }
}

fn syntax_error(e: &serde_json::Error) -> LoadError {
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    if message.contains("recursion limit") {
        return LoadError::Syntax {
            line: e.line(),
            column: e.column(),
            message: format!("nested too deeply (a design may nest widgets at most {} levels)", limits::MAX_DEPTH),
        };
    }
    LoadError::Syntax { line: e.line(), column: e.column(), message }
}

/// Whether a version-0 or 1 design's flowed items get their minimum sizes (`migrate::v1_to_v2`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum LayoutMigration {
    Apply,
    Skip,
}

fn parse(bytes: &[u8], migration: LayoutMigration) -> Result<(Document, u32), LoadError> {
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(LoadError::TooLarge { size: bytes.len() as u64, limit: limits::MAX_FILE_BYTES });
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        // JSON has no byte order mark; the parser's "expected value" said
        // nothing of why.
        return Err(LoadError::Syntax {
            line: 1,
            column: 1,
            message: "the file starts with a UTF-8 byte order mark; save it as UTF-8 without one".into(),
        });
    }
    // Fast path: versions 1 and 2 parse straight into typed form (which
    // also finds a property given twice; a JSON value would keep the last).
    let (raw, version) = match serde_json::from_slice::<RawFile>(bytes) {
        Ok(raw) if raw.format == FORMAT_NAME && (1..=FORMAT_VERSION).contains(&raw.version) => {
            let version = raw.version;
            (raw, version)
        }
        Ok(raw) if raw.format == FORMAT_NAME && u64::from(raw.version) > u64::from(FORMAT_VERSION) => {
            return Err(LoadError::FutureVersion { found: raw.version.into(), supported: FORMAT_VERSION });
        }
        Err(e) => match given_twice(&e) {
            Some(twice) => return Err(twice),
            None => slow_parse(bytes)?,
        },
        Ok(_) => slow_parse(bytes)?,
    };
    Ok((build(&raw, version <= 1 && migration == LayoutMigration::Apply)?, version))
}

/// A field given twice in one object (`version`, `root`, a widget's
/// `kind`), as the typed reading and [`KeysOnce`] find it: a JSON value
/// keeps the last, and one design would load as another, where a property
/// given twice is refused. Valid JSON, so placed as a problem of the
/// design's shape, at its line and column.
fn given_twice(e: &serde_json::Error) -> Option<LoadError> {
    let message = e.to_string();
    let field = message.strip_prefix("duplicate field `")?.split('`').next()?;
    Some(LoadError::Structure {
        path: format!("line {}, column {}", e.line(), e.column()),
        message: format!("\"{field}\" is given twice in one object; give each field once"),
    })
}

/// A JSON value read as serde_json reads one, but refusing a key given
/// twice in one object, as serde's typed reading does ("duplicate
/// field"), where a `Value` keeps the last.
struct KeysOnce(Value);

impl<'de> Deserialize<'de> for KeysOnce {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KeysOnceVisitor).map(KeysOnce)
    }
}

struct KeysOnceVisitor;

impl<'de> serde::de::Visitor<'de> for KeysOnceVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // As `Value` reads one (JSON cannot spell a non-finite number).
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(KeysOnce(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            let KeysOnce(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// The careful path: version 0, and files with errors to explain.
fn slow_parse(bytes: &[u8]) -> Result<(RawFile, u32), LoadError> {
    let KeysOnce(value) =
        serde_json::from_slice(bytes).map_err(|e| given_twice(&e).unwrap_or_else(|| syntax_error(&e)))?;
    let Value::Object(top) = &value else { return Err(LoadError::NotTrellis) };
    let version = if let Some(v0) = top.get("trellis_version") {
        v0.as_u64().ok_or(LoadError::NotTrellis)?
    } else {
        if top.get("format").and_then(Value::as_str) != Some(FORMAT_NAME) {
            return Err(LoadError::NotTrellis);
        }
        top.get("version")
            .and_then(Value::as_u64)
            .ok_or(LoadError::Structure { path: "version".into(), message: "missing or not a whole number".into() })?
    };
    if version > u64::from(FORMAT_VERSION) {
        return Err(LoadError::FutureVersion { found: version, supported: FORMAT_VERSION });
    }
    let value = if version == 0 { crate::migrate::v0_to_v1(value)? } else { value };
    let raw = serde_path_to_error::deserialize::<_, RawFile>(value).map_err(|e| {
        let path = e.path().to_string();
        LoadError::Structure {
            path: if path == "." { "(top level)".into() } else { path },
            message: e.into_inner().to_string(),
        }
    })?;
    Ok((raw, version as u32))
}

/// Where a raw widget sits, kept cheap until a problem needs the text.
struct Site {
    parent: Option<usize>,
    index: usize,
}

fn site_path(sites: &[Site], mut at: usize) -> String {
    let mut indices = Vec::new();
    while let Some(parent) = sites[at].parent {
        indices.push(sites[at].index);
        at = parent;
    }
    let mut path = String::from("root");
    for i in indices.into_iter().rev() {
        path.push_str(&format!(".children[{i}]"));
    }
    path
}

/// The document `raw` describes; with `migrate_v1`, with format 2's
/// minimum sizes written out (`migrate::v1_to_v2`).
fn build(raw: &RawFile, migrate_v1: bool) -> Result<Document, LoadError> {
    let mut problems = Vec::new();
    let mut sites = vec![Site { parent: None, index: 0 }];
    let mut doc: Option<Document> = None;
    let mut first_site_of_name: HashMap<&str, usize> = HashMap::new();
    let mut count = 0usize;
    // (widget, its site, parent id in the document being built, depth)
    let mut stack: Vec<(&RawWidget, usize, Option<WidgetId>, usize)> = vec![(&raw.root, 0, None, 0)];
    while let Some((w, site, parent, depth)) = stack.pop() {
        count += 1;
        if count > limits::MAX_WIDGETS {
            problems.push(Problem {
                path: site_path(&sites, site),
                widget: None,
                message: format!(
                    "the design has more than {} widgets, the most a design may have",
                    limits::MAX_WIDGETS
                ),
            });
            break;
        }
        let mut report = |field: Option<&str>, message: String| {
            let mut path = site_path(&sites, site);
            if let Some(f) = field {
                path.push('.');
                path.push_str(f);
            }
            problems.push(Problem { path, widget: Some(w.name.clone()), message });
        };
        let kind = match &w.kind {
            RawName::Known(k) => Some(*k),
            RawName::Unknown(_) => None,
        };
        match (kind, &w.kind) {
            (None, RawName::Unknown(name)) => {
                report(Some("kind"), format!("unknown widget kind '{name}'; known kinds: {}", known_kinds()));
            }
            (None, _) => unreachable!("a known kind parses"),
            (Some(k), _) => match k {
                k if site == 0 && k != WidgetKind::Window => {
                    report(Some("kind"), format!("the root must be a window, not a {k}"));
                }
                WidgetKind::Window if site != 0 => {
                    report(Some("kind"), "a window can only be the root: use a panel for a nested frame".into());
                }
                k if !k.is_container() && !w.children.is_empty() => {
                    report(Some("children"), format!("a {k} cannot hold children ({} found)", w.children.len()));
                }
                _ => {}
            },
        }
        if let Err(reason) = crate::name::check_name(&w.name) {
            report(Some("name"), format!("'{}' is not a valid name: {reason}", w.name));
        } else if let Some(first) = first_site_of_name.get(w.name.as_str()) {
            let first = site_path(&sites, *first);
            report(Some("name"), format!("the name '{}' is already used by {first}; names must be unique", w.name));
        } else {
            first_site_of_name.insert(&w.name, site);
        }
        if depth > limits::MAX_DEPTH {
            report(None, format!("nested deeper than the limit of {} levels", limits::MAX_DEPTH));
            continue;
        }
        let mut props = Props::default();
        if let Some(kind) = kind {
            let mut seen = 0u64;
            for (raw_key, json) in &w.props.0 {
                let key = match raw_key {
                    RawName::Known(key) => *key,
                    RawName::Unknown(name) => {
                        report(Some(&format!("props.{name}")), format!("unknown property '{name}'"));
                        continue;
                    }
                };
                let field = || format!("props.{}", key.name());
                if seen & (1 << key as u64) != 0 {
                    report(Some(&field()), "the property is given twice".into());
                    continue;
                }
                seen |= 1 << key as u64;
                if !kind.has(key) {
                    report(Some(&field()), format!("a {kind} has no property '{}'", key.name()));
                    continue;
                }
                match value_from_json(key, json) {
                    Ok(value) => {
                        props.set(key, value);
                    }
                    Err(reason) => report(Some(&field()), reason),
                }
            }
            for (key, reason) in crate::validate::widget_invariants(kind, &props) {
                report(Some(&format!("props.{}", key.name())), reason.to_string());
            }
        }
        if !problems.is_empty() {
            // Keep checking the rest for a complete report; build nothing more.
            doc = None;
        }
        props.shrink_to_fit();
        let id = if problems.is_empty() {
            let kind = kind.expect("no problems means a known kind");
            Some(match (&mut doc, parent) {
                (None, None) => {
                    let d = Document::with_root(kind, w.name.as_str().into(), props);
                    let root = d.root;
                    doc = Some(d);
                    root
                }
                (Some(d), Some(p)) => {
                    let id = d.new_detached(kind, w.name.as_str().into(), props);
                    d.adopt_detached(p, id);
                    d.nodes[id].in_document = true;
                    d.names.insert(w.name.as_str().into(), id);
                    d.numbered_names.insert(&w.name);
                    d.live += 1;
                    id
                }
                _ => unreachable!("the root comes first and only once"),
            })
        } else {
            None
        };
        for (i, child) in w.children.iter().enumerate().rev() {
            sites.push(Site { parent: Some(site), index: i });
            stack.push((child, sites.len() - 1, id, depth + 1));
        }
        // Children were pushed last-first so they pop in order.
    }
    if !problems.is_empty() {
        return Err(LoadError::Invalid { problems });
    }
    let mut doc = doc.expect("a valid file has a root");
    for node in doc.nodes.values_mut() {
        node.children.shrink_to_fit();
    }
    doc.keep_names_half_full();
    if migrate_v1 {
        // No digest is computed yet but the root's, which never changes.
        crate::migrate::v1_to_v2(&mut doc);
    }
    doc.refresh_digests();
    doc.mark_saved();
    Ok(doc)
}

fn known_kinds() -> String {
    let names: Vec<&str> = WidgetKind::ALL.iter().map(|k| k.as_str()).collect();
    names.join(", ")
}

/// Converts one JSON property value to its typed form; `None` is the
/// default (`"auto"` for lengths).
fn value_from_json(key: PropKey, json: &Value) -> Result<Option<PropValue>, String> {
    let spec = key.spec();
    let expected = || format!("expected {}, found {}", spec.ty.describe(), describe_json(json));
    let as_str = || json.as_str().ok_or_else(expected);
    let value = match spec.ty {
        PropType::Length { .. } if json.as_str() == Some("auto") => return Ok(None),
        PropType::Number { .. } | PropType::Length { .. } => {
            let v = json.as_f64().ok_or_else(expected)?;
            PropValue::Number(v as f32)
        }
        PropType::Int { .. } => {
            let v = json.as_i64().ok_or_else(expected)?;
            PropValue::Int(i32::try_from(v).map_err(|_| format!("{v} is outside the allowed range"))?)
        }
        PropType::Bool => PropValue::Bool(json.as_bool().ok_or_else(expected)?),
        PropType::Color => {
            let text = as_str()?;
            PropValue::Color(
                Color::parse_hex(text)
                    .ok_or_else(|| format!("'{text}' is not a colour: use \"#rrggbb\" or \"#rrggbbaa\""))?,
            )
        }
        PropType::Text { .. } | PropType::RelativePath => PropValue::Text(as_str()?.to_owned()),
        PropType::Items => {
            let array = json.as_array().ok_or_else(expected)?;
            if array.len() > limits::MAX_ITEMS {
                return Err(format!("{} items is more than the limit of {}", array.len(), limits::MAX_ITEMS));
            }
            let items: Option<Vec<String>> = array.iter().map(|v| v.as_str().map(str::to_owned)).collect();
            PropValue::Items(items.ok_or_else(|| "every item must be a string".to_owned())?)
        }
        PropType::Layout => PropValue::Layout(LayoutMode::parse(as_str()?).ok_or_else(expected)?),
        PropType::Align { .. } => PropValue::Align(Align::parse(as_str()?).ok_or_else(expected)?),
        PropType::Justify => PropValue::Justify(Justify::parse(as_str()?).ok_or_else(expected)?),
        PropType::Tracks => match json {
            Value::Number(n) => {
                Track::parse_template(&n.to_string()).map(PropValue::Tracks).map_err(|e| e.to_string())?
            }
            Value::String(s) => Track::parse_template(s).map(PropValue::Tracks).map_err(|e| e.to_string())?,
            _ => return Err(expected()),
        },
    };
    spec.check(&value).map_err(|e| e.to_string())?;
    Ok(Some(value))
}

fn describe_json(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.len() > 40 => format!("a string of {} bytes", s.len()),
        Value::String(s) => format!("{s:?}"),
        Value::Array(a) => format!("a list of {}", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(all(test, unix))]
mod special_files {
    use super::*;

    /// Regression test for `render -o FIFO`, `validate --json FIFO` and
    /// every other output waiting forever on a FIFO no process reads: the
    /// write is refused at once, naming it; with a reader, it is written.
    #[test]
    #[cfg(target_os = "linux")]
    fn writing_to_a_fifo_no_process_reads_is_refused_at_once_and_one_with_a_reader_is_written() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.png");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()));
        let (sent, got) = std::sync::mpsc::channel();
        let asked = fifo.clone();
        std::thread::spawn(move || {
            sent.send(write_atomically(&asked, |out| out.write_all(b"bytes")).map_err(|e| e.to_string()))
        });
        let answer = got.recv_timeout(std::time::Duration::from_secs(20)).expect("answered without waiting");
        let message = answer.expect_err("refused");
        assert!(message.contains("no process is reading") && message.contains("pipe.png"), "{message}");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO stays a FIFO");
        // With a reader, the bytes go through the FIFO, which stays one.
        let reader_path = fifo.clone();
        let reader = std::thread::spawn(move || fs::read(&reader_path).unwrap());
        let mut written = Err(String::new());
        for _ in 0..200 {
            written = write_atomically(&fifo, |out| out.write_all(b"bytes")).map_err(|e| e.to_string());
            if written.is_ok() {
                break;
            }
            // The reader may not have opened its end yet.
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        written.expect("written once the reader is there");
        assert_eq!(reader.join().unwrap(), b"bytes");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }

    /// Regression test for `trellis validate` (and `bench drag --design`,
    /// `bench render --design`) waiting forever on a FIFO: a FIFO, a device
    /// and a folder are refused at once, naming the path; a link to a
    /// design loads.
    #[test]
    fn loading_a_fifo_a_device_or_a_folder_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.trellis.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        assert!(made, "mkfifo {}", fifo.display());
        for path in [fifo.clone(), PathBuf::from("/dev/zero"), dir.path().to_owned()] {
            let (sent, got) = std::sync::mpsc::channel();
            let asked = path.clone();
            std::thread::spawn(move || sent.send(Document::load(&asked).map(|_| ()).map_err(|e| e.to_string())));
            let answer = got.recv_timeout(std::time::Duration::from_secs(20)).expect("answered without blocking");
            let message = answer.expect_err("refused");
            assert!(
                message.contains("not a regular file") && message.contains(&path.display().to_string()),
                "{message}"
            );
        }
        let design = dir.path().join("design.trellis.json");
        fs::write(&design, crate::demo_design().to_json_string()).unwrap();
        let link = dir.path().join("link.trellis.json");
        std::os::unix::fs::symlink(&design, &link).unwrap();
        assert_eq!(Document::load(&link).unwrap().len(), crate::demo_design().len());
    }
}
