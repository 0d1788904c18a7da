//! The `.trellis.json` file format: canonical writing, strict loading with
//! every problem reported at its path, migration of older versions, and
//! atomic saves.
//!
//! A file is `{"format": "trellis", "version": 1, "root": WIDGET}` where a
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
pub const FORMAT_VERSION: u32 = 1;

/// One problem found in a design file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where: a path into the document such as `root.children[2].props.font_size`.
    pub path: String,
    /// The widget's name when known, to find it in the editor.
    pub widget: Option<String>,
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
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("the file is {size} bytes, more than the limit of {limit} bytes for a design")]
    TooLarge { size: u64, limit: u64 },
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Syntax { line: usize, column: usize, message: String },
    #[error("{path}: {message}")]
    Structure { path: String, message: String },
    #[error("this is not a Trellis design: expected \"format\": \"trellis\" and a \"version\" at the top level")]
    NotTrellis,
    #[error(
        "this design was saved by a newer Trellis (format version {found}); this build reads versions up to {supported}: update Trellis to open it"
    )]
    FutureVersion { found: u64, supported: u32 },
    #[error("{} problem{} in the design:\n{}", problems.len(), if problems.len() == 1 { "" } else { "s" }, list(problems))]
    Invalid { problems: Vec<Problem> },
}

fn list(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
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

/// Why a design could not be saved. The previous file, if any, is intact.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SaveError {
    #[error("cannot save {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
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
            map.serialize_key(key.name())?;
            match value {
                PropValue::Number(v) => map.serialize_value(v)?,
                PropValue::Int(v) => map.serialize_value(v)?,
                PropValue::Bool(v) => map.serialize_value(v)?,
                PropValue::Color(c) => map.serialize_value(&c.to_string())?,
                PropValue::Text(t) => map.serialize_value(t)?,
                PropValue::Items(items) => map.serialize_value(items)?,
                PropValue::Layout(v) => map.serialize_value(v.as_str())?,
                PropValue::Align(v) => map.serialize_value(v.as_str())?,
                PropValue::Justify(v) => map.serialize_value(v.as_str())?,
                PropValue::Tracks(t) => map.serialize_value(&Track::format_template(t))?,
            }
        }
        map.end()
    }
}

struct FileView<'a>(&'a Document);

impl Serialize for FileView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("format", FORMAT_NAME)?;
        map.serialize_entry("version", &FORMAT_VERSION)?;
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
        FileView(self).serialize(&mut ser).map_err(io::Error::other)?;
        let mut out = ser.into_inner();
        out.write_all(b"\n")
    }

    /// The design in the file format, as a string.
    pub fn to_json_string(&self) -> String {
        let mut out = Vec::new();
        self.write_json(&mut out).expect("writing to memory cannot fail");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    /// A hash of the design's content (not of its ids or history): equal
    /// designs hash equal on every machine. Replays check it.
    pub fn content_hash(&self) -> u64 {
        let mut hasher = HashWriter(0xcbf2_9ce4_8422_2325);
        serde_json::to_writer(&mut hasher, &FileView(self)).expect("hashing cannot fail");
        hasher.0
    }

    /// Saves atomically: the file holds either the old design or the new
    /// one, whatever happens during the save. Marks the document saved.
    pub fn save(&mut self, path: &Path) -> Result<(), SaveError> {
        write_atomically(path, |out| self.write_json(out))?;
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
        if bytes.len() as u64 > limits::MAX_FILE_BYTES {
            return Err(LoadError::TooLarge { size: bytes.len() as u64, limit: limits::MAX_FILE_BYTES });
        }
        // Fast path: the current version parses straight into typed form.
        let (raw, version) = match serde_json::from_slice::<RawFile>(bytes) {
            Ok(raw) if raw.format == FORMAT_NAME && raw.version == FORMAT_VERSION => (raw, FORMAT_VERSION),
            Ok(raw) if raw.format == FORMAT_NAME && u64::from(raw.version) > u64::from(FORMAT_VERSION) => {
                return Err(LoadError::FutureVersion { found: raw.version.into(), supported: FORMAT_VERSION });
            }
            _ => slow_parse(bytes)?,
        };
        Ok((build(&raw)?, version))
    }

    /// Loads a design file. The file is only read, never modified.
    pub fn load(path: &Path) -> Result<Document, LoadError> {
        Self::load_versioned(path).map(|(doc, _)| doc)
    }

    /// Loads a design file, also telling its format version.
    pub fn load_versioned(path: &Path) -> Result<(Document, u32), LoadError> {
        let io_err = |source| LoadError::Io { path: path.to_owned(), source };
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

/// Writes a file through a temporary sibling, fsync and rename, so that a
/// crash leaves the old file or the new one, never a mix.
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), SaveError> {
    let io_err = |source| SaveError::Io { path: path.to_owned(), source };
    // Saving through a symbolic link replaces the file it points to, not the link.
    let target = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).map_err(io_err)?,
        _ => path.to_owned(),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let file_name = target.file_name().ok_or_else(|| io_err(io::Error::other("the path names no file")))?;
    let tmp = (0..100)
        .map(|attempt| {
            let mut name = std::ffi::OsString::from(".");
            name.push(file_name);
            name.push(format!(".{}.{attempt}.tmp", std::process::id()));
            dir.join(name)
        })
        .find_map(|candidate| {
            fs::OpenOptions::new().write(true).create_new(true).open(&candidate).ok().map(|f| (candidate, f))
        });
    let Some((tmp_path, file)) = tmp else {
        return Err(io_err(io::Error::other(format!("cannot create a temporary file in {}", dir.display()))));
    };
    let result = (|| {
        if let Ok(meta) = fs::metadata(&target) {
            file.set_permissions(meta.permissions())?;
        }
        let mut out = io::BufWriter::with_capacity(1 << 16, &file);
        write(&mut out)?;
        out.flush()?;
        drop(out);
        file.sync_all()?;
        fs::rename(&tmp_path, &target)?;
        // Make the rename itself durable. Not every platform can open a directory.
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp_path);
    }
    result.map_err(io_err)
}

// ---------------------------------------------------------------- reading

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: String,
    version: u32,
    root: RawWidget,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
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

/// The careful path: older versions, and files with errors to explain.
fn slow_parse(bytes: &[u8]) -> Result<(RawFile, u32), LoadError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| syntax_error(&e))?;
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

fn build(raw: &RawFile) -> Result<Document, LoadError> {
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
                report(Some(&format!("props.{}", key.name())), reason);
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
            Value::Number(n) => Track::parse_template(&n.to_string()).map(PropValue::Tracks)?,
            Value::String(s) => Track::parse_template(s).map(PropValue::Tracks)?,
            _ => return Err(expected()),
        },
    };
    spec.check(&value)?;
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
