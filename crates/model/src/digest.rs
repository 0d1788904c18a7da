//! What the saved file of a design would be, known without writing it: its
//! content hash and its exact size in bytes, kept per subtree and brought
//! up to date after each edit by recomputing only the changed widgets and
//! their ancestors.
//!
//! Journals record the content hash at every commit, and commands refuse
//! an edit that would make the saved file larger than the loader reads
//! ([`crate::limits::MAX_FILE_BYTES`]). Serializing the whole design for
//! either made each commit cost as much as the design: 3,000 pastes with a
//! journal took 60 s, and a 250,000-widget session could not be replayed.
//!
//! A subtree's summary does not depend on where the subtree sits, so a
//! moved, deleted or restored subtree keeps it. The size comes out exact
//! because the file's indentation is a linear function of the depth at
//! which a subtree is written (two spaces a level): a summary keeps the
//! bytes without indentation, the line count, and the sum of each line's
//! depth within the subtree.

use std::io::{self, Write};

use slotmap::SlotMap;

use crate::document::{Document, Node, WidgetId};
use crate::file::{FORMAT_NAME, FORMAT_VERSION};
use crate::property::{PropValue, Track};

/// Spaces the file's pretty printer writes for each level of nesting.
const INDENT: u64 = 2;

/// Out-of-date own parts from which they are written on several threads.
/// A part takes about a microsecond; the 556 of a nudge of everything at
/// 10,000 widgets took longer on two threads than on one on this 2-core
/// machine (event phase 1.5 to 2.1 ms against 1.25 to 1.6), the 5,556 at
/// 100,000 widgets less (10.2 and 11.1 ms against 13.4 and 12.9). Unit
/// tests take the threads from fewer, to reach them with a small design.
const PARALLEL_OWN_PARTS: usize = if cfg!(test) { 512 } else { 4096 };

/// Out-of-date own parts from which a helper thread writes them while the
/// caller's closure runs ([`Document::refresh_digests_alongside`]): fewer
/// than [`PARALLEL_OWN_PARTS`], since the helper then needs only to finish
/// before the closure does, not to beat this thread at the same work. Its
/// start costs 0.1 to 0.2 ms; a paste of 1,000 widgets at 10,000 writes
/// its 1,008 parts in about 0.6 ms during a layout of 1.0 to 1.6 ms.
const ALONGSIDE_OWN_PARTS: usize = 256;

/// The most threads that write own parts.
const MAX_DIGEST_THREADS: usize = 4;

/// The threads that write own parts: asked of the system once, since
/// asking reads the process's cgroup files (a tenth of a millisecond, in
/// every frame of a nudge of everything at 100,000 widgets).
pub(crate) fn digest_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from).min(MAX_DIGEST_THREADS))
}

/// A widget's or a subtree's part of the saved file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Part {
    /// FNV-1a over the widget's own file text and its children's hashes.
    pub(crate) hash: u64,
    /// Bytes written, indentation not counted.
    pub(crate) bytes: u64,
    /// Line breaks (each is followed by indentation).
    pub(crate) lines: u64,
    /// The sum of the nesting levels those indentations are at, counted
    /// from the level the subtree's opening brace is written at.
    pub(crate) levels: u64,
}

impl Part {
    /// The bytes this part takes when its opening brace is at `level`.
    fn size_at(&self, level: u64) -> u64 {
        self.bytes + INDENT * (self.levels + self.lines * level)
    }
}

/// The cached parts of one widget; `None` is out of date.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct NodeDigest {
    /// The widget alone: kind, name and properties.
    own: Option<Part>,
    /// The widget with its children.
    tree: Option<Part>,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

// FNV-1a: stable across platforms and releases, unlike std's hasher.
fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// Counts what the pretty printer writes: bytes, line breaks, and the
/// indentation after each (JSON text after indentation never starts with
/// a space, and strings never hold a raw line break).
struct PartWriter {
    part: Part,
    at_line_start: bool,
    spaces: u64,
}

impl Write for PartWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.part.hash = fnv(self.part.hash, buf);
        for b in buf {
            match *b {
                b'\n' => {
                    self.part.bytes += 1;
                    self.part.lines += 1;
                    self.at_line_start = true;
                    self.spaces = 0;
                }
                b' ' if self.at_line_start => self.spaces += 1,
                _ => {
                    if self.at_line_start {
                        self.part.levels += self.spaces / INDENT;
                        self.at_line_start = false;
                    }
                    self.part.bytes += 1;
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn own_part(node: &Node) -> Part {
    let mut out =
        PartWriter { part: Part { hash: FNV_OFFSET, bytes: 0, lines: 0, levels: 0 }, at_line_start: false, spaces: 0 };
    write_own_text(node, &mut out).expect("counting cannot fail");
    out.part
}

/// Writes a widget without its children as the file writes it at depth 0:
/// byte for byte what serde_json's pretty printer makes of it
/// (`crate::file::write_own_json`, which a test holds it to), written
/// directly. A nudge of everything at 100,000 widgets writes 5,556 of
/// these in its frame, and serde's way (a call per token, every key
/// scanned for characters to escape) took a third more time.
///
/// The file itself is written by serde (`crate::file`); tests hold this
/// writer to both serde's view of a widget alone and the file's text.
fn write_own_text(node: &Node, out: &mut impl Write) -> io::Result<()> {
    // Kinds and property names are lower-case ASCII words: nothing in them
    // is escaped (a test holds every one to that).
    out.write_all(b"{\n  \"kind\": \"")?;
    out.write_all(node.kind.as_str().as_bytes())?;
    out.write_all(b"\",\n  \"name\": ")?;
    write_string(out, &node.name)?;
    if !node.props.is_empty() {
        out.write_all(b",\n  \"props\": {")?;
        for (k, (key, value)) in node.props.iter().enumerate() {
            out.write_all(if k == 0 { b"\n    \"" } else { b",\n    \"" })?;
            out.write_all(key.name().as_bytes())?;
            out.write_all(b"\": ")?;
            write_value(out, value)?;
        }
        out.write_all(b"\n  }")?;
    }
    out.write_all(b"\n}")
}

/// A property value inside the props object (depth 2), as serde_json
/// writes [`crate::file`]'s view of it.
fn write_value(out: &mut impl Write, value: &PropValue) -> io::Result<()> {
    match value {
        // serde_json writes a number that is not finite as null.
        PropValue::Number(v) if v.is_finite() => out.write_all(zmij::Buffer::new().format_finite(*v).as_bytes()),
        PropValue::Number(_) => out.write_all(b"null"),
        PropValue::Int(v) => out.write_all(itoa::Buffer::new().format(*v).as_bytes()),
        PropValue::Bool(v) => out.write_all(if *v { b"true" } else { b"false" }),
        PropValue::Color(c) => write_string(out, c.hex().as_str()),
        PropValue::Text(t) => write_string(out, t),
        PropValue::Items(items) if items.is_empty() => out.write_all(b"[]"),
        PropValue::Items(items) => {
            for (k, item) in items.iter().enumerate() {
                out.write_all(if k == 0 { b"[\n      " } else { b",\n      " })?;
                write_string(out, item)?;
            }
            out.write_all(b"\n    ]")
        }
        PropValue::Layout(v) => write_string(out, v.as_str()),
        PropValue::Align(v) => write_string(out, v.as_str()),
        PropValue::Justify(v) => write_string(out, v.as_str()),
        PropValue::Tracks(t) => write_string(out, &Track::format_template(t)),
    }
}

/// A JSON string as serde_json escapes it: quote, backslash and the
/// control characters, with the short escapes where JSON has them and
/// `\u00xx` (lower-case hex) otherwise; everything else as it is.
fn write_string(out: &mut impl Write, s: &str) -> io::Result<()> {
    let escaped = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    out.write_all(b"\"")?;
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !escaped(b) {
            continue;
        }
        out.write_all(&bytes[run..i])?;
        run = i + 1;
        match b {
            b'"' => out.write_all(b"\\\"")?,
            b'\\' => out.write_all(b"\\\\")?,
            0x08 => out.write_all(b"\\b")?,
            0x0c => out.write_all(b"\\f")?,
            b'\n' => out.write_all(b"\\n")?,
            b'\r' => out.write_all(b"\\r")?,
            b'\t' => out.write_all(b"\\t")?,
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.write_all(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]])?;
            }
        }
    }
    out.write_all(&bytes[run..])?;
    out.write_all(b"\"")
}

/// A widget's own part, written away from the document, and its
/// subtree's where its children's are all up to date: the walk from the
/// root then stops at it, where it read every child of every moved widget
/// (100,000 reads of scattered nodes, a fifth of the event phase of a
/// nudge of everything at 100,000 widgets).
fn parts_of(nodes: &SlotMap<WidgetId, Node>, id: WidgetId) -> (Part, Option<Part>) {
    let node = &nodes[id];
    let own = own_part(node);
    let child_part = |c: &WidgetId| nodes[*c].digest.tree;
    let ready = node.children.iter().all(|c| child_part(c).is_some());
    (own, ready.then(|| combine(own, node.children.iter().map(|c| child_part(c).expect("checked above")))))
}

/// [`parts_of`] each of `ids`, in order, each widget's node, name,
/// properties and children fetched into the cache a few widgets ahead:
/// the 5,556 widgets a nudge of everything moves at 100,000 are scattered
/// through the arena, and reading each, then each of its children, waited
/// on memory.
fn parts_of_all(nodes: &SlotMap<WidgetId, Node>, ids: &[WidgetId]) -> Vec<(Part, Option<Part>)> {
    const AHEAD: usize = crate::FETCH_AHEAD;
    // By address: reading the arena to find a node waits for it.
    let at = crate::SlotAddresses::of_map(nodes);
    let fetch = |id: WidgetId| {
        if let Some(at) = &at {
            at.fetch(id, std::mem::size_of::<Node>());
        }
    };
    let mut parts = Vec::with_capacity(ids.len());
    for (k, id) in ids.iter().enumerate() {
        if let Some(far) = ids.get(k + 2 * AHEAD) {
            fetch(*far);
        }
        // Fetched a while ago, its node is read for where the rest is.
        if let Some(node) = ids.get(k + AHEAD).and_then(|a| nodes.get(*a)) {
            let props = node.props.entries();
            crate::fetch_into_cache(props.as_ptr() as usize, std::mem::size_of_val(props));
            crate::fetch_into_cache(node.name.as_ptr() as usize, node.name.len());
            for c in &node.children {
                fetch(*c);
            }
        }
        parts.push(parts_of(nodes, *id));
    }
    parts
}

/// A widget's subtree from its own part and its children's, as the file
/// writes it: the children go in a `"children"` array, the widget's last
/// entry, each child two levels deeper than the widget's brace.
fn combine(own: Part, children: impl ExactSizeIterator<Item = Part>) -> Part {
    let k = children.len() as u64;
    if k == 0 {
        return own;
    }
    // `,\n  "children": [` ... `\n    CHILD` per child, commas between ... `\n  ]`,
    // all before the widget's closing `\n}`.
    let mut part = Part {
        hash: fnv(own.hash, &k.to_le_bytes()),
        bytes: own.bytes + 2 + "\"children\": [".len() as u64 + k + (k - 1) + 2,
        lines: own.lines + 1 + k + 1,
        levels: own.levels + 1 + 2 * k + 1,
    };
    for child in children {
        part.hash = fnv(part.hash, &child.hash.to_le_bytes());
        part.bytes += child.bytes;
        part.lines += child.lines;
        part.levels += child.levels + 2 * child.lines;
    }
    part
}

/// The file of format `version` around the root: `{`, the format and
/// version entries, and `"root": ` before the root's brace (at level 1);
/// `\n}\n` after it.
fn file_frame(version: u32) -> (String, &'static str) {
    (format!("{{\n  \"format\": \"{FORMAT_NAME}\",\n  \"version\": {version},\n  \"root\": "), "\n}\n")
}

/// The length in bytes of [`file_frame`]'s two parts, without making them:
/// every command checks the saved size, a drag's on every frame.
fn file_frame_len(version: u32) -> u64 {
    let digits = u64::from(version.checked_ilog10().unwrap_or(0) + 1);
    let fixed = "{\n  \"format\": \"\",\n  \"version\": ,\n  \"root\": ".len() + "\n}\n".len();
    (fixed + FORMAT_NAME.len()) as u64 + digits
}

impl Document {
    /// The summary of the subtree at `id`, from the caches where they are
    /// up to date (after any command they all are).
    fn tree_part(&self, id: WidgetId) -> Part {
        let node = &self.nodes[id];
        if let Some(part) = node.digest.tree {
            return part;
        }
        let own = node.digest.own.unwrap_or_else(|| own_part(node));
        let children: Vec<Part> = node.children.iter().map(|c| self.tree_part(*c)).collect();
        combine(own, children.into_iter())
    }

    /// Brings every out-of-date summary in the document up to date: the
    /// widgets edited since the last refresh and their ancestors.
    pub(crate) fn refresh_digests(&mut self) {
        if self.unwritten_own.len() >= PARALLEL_OWN_PARTS {
            let threads = digest_threads();
            self.write_own_parts(threads);
        }
        self.refresh_tree(self.root);
        self.unwritten_own.clear();
        // The room a load or a paste of a whole design took, not kept.
        if self.unwritten_own.capacity() > 4 * PARALLEL_OWN_PARTS {
            self.unwritten_own.shrink_to(PARALLEL_OWN_PARTS);
        }
    }

    /// [`Document::refresh_digests`], with `alongside` run on this thread
    /// while the out-of-date own parts, when there are
    /// [`ALONGSIDE_OWN_PARTS`] or more, are written on another: `alongside`
    /// reads the document as the edit left it (the editor lays it out
    /// there), and a nudge of everything at 100,000 widgets writes 5,556
    /// parts, about as long as half its layout takes.
    /// A helper is started when `threads` (the calling one included) is 2
    /// or more. Returns what `alongside` did and how many parts the helper
    /// wrote.
    pub(crate) fn refresh_digests_alongside<R>(
        &mut self,
        threads: usize,
        alongside: impl FnOnce(&Document) -> R,
    ) -> (R, usize) {
        let stale = self.stale_own_parts(ALONGSIDE_OWN_PARTS);
        let mut written = 0;
        let done = if !stale.is_empty() && threads >= 2 {
            let nodes = &self.nodes;
            let (parts, done) = crate::helper_threads::alongside(|| parts_of_all(nodes, &stale), || alongside(self));
            written = parts.len();
            self.store_parts(stale, parts);
            // Every part listed is written: the walk from the root needs
            // no second look at the list (5,556 scattered nodes).
            self.unwritten_own.clear();
            done
        } else {
            alongside(self)
        };
        self.refresh_digests();
        (done, written)
    }

    /// The widgets edited since the last refresh whose own part is still
    /// to be written, when at least `least` were listed (none otherwise:
    /// the walk from the root writes them, on this thread).
    fn stale_own_parts(&self, least: usize) -> Vec<WidgetId> {
        if self.unwritten_own.len() < least {
            return Vec::new();
        }
        let nodes = &self.nodes;
        let out_of_date = |id: &&WidgetId| nodes.get(**id).is_some_and(|n| n.in_document && n.digest.own.is_none());
        self.unwritten_own.iter().filter(out_of_date).copied().collect()
    }

    /// Keeps the parts written away from the document (`parts_of`).
    fn store_parts(&mut self, stale: Vec<WidgetId>, parts: Vec<(Part, Option<Part>)>) {
        for (id, (own, tree)) in stale.into_iter().zip(parts) {
            let digest = &mut self.nodes[id].digest;
            digest.own = Some(own);
            digest.tree = tree;
        }
    }

    /// Writes the out-of-date own parts on `threads` threads when there are
    /// many: each is a widget written as JSON and counted, independent of
    /// every other, and a nudge of everything at 100,000 widgets writes
    /// 5,556 of them (a seventh of the frame on one thread). Returns how
    /// many it wrote (none when too few, or one thread, were worth it).
    fn write_own_parts(&mut self, threads: usize) -> usize {
        let stale = self.stale_own_parts(PARALLEL_OWN_PARTS);
        if stale.len() < PARALLEL_OWN_PARTS || threads < 2 {
            return 0;
        }
        let nodes = &self.nodes;
        let chunk = stale.len().div_ceil(threads);
        let chunks: Vec<&[WidgetId]> = stale.chunks(chunk).collect();
        let parts: Vec<(Part, Option<Part>)> =
            crate::helper_threads::each(chunks, |ids| parts_of_all(nodes, ids)).into_iter().flatten().collect();
        let written = parts.len();
        self.store_parts(stale, parts);
        written
    }

    fn refresh_tree(&mut self, id: WidgetId) -> Part {
        if let Some(part) = self.nodes[id].digest.tree {
            return part;
        }
        for i in 0..self.nodes[id].children.len() {
            let child = self.nodes[id].children[i];
            self.refresh_tree(child);
        }
        let node = &self.nodes[id];
        let own = node.digest.own.unwrap_or_else(|| own_part(node));
        let part = combine(own, node.children.iter().map(|c| self.nodes[*c].digest.tree.expect("refreshed above")));
        let digest = &mut self.nodes[id].digest;
        digest.own = Some(own);
        digest.tree = Some(part);
        part
    }

    /// Marks the widget's own text and every subtree holding it out of
    /// date (after a change to its properties or name).
    pub(crate) fn touch_own(&mut self, id: WidgetId) {
        // Listed when it went out of date, not again.
        if self.nodes[id].digest.own.take().is_some() {
            self.unwritten_own.push(id);
        }
        self.touch_tree(id);
    }

    /// Marks the subtree at `id` and every subtree holding it out of date
    /// (after a change to its children).
    pub(crate) fn touch_tree(&mut self, id: WidgetId) {
        let mut at = Some(id);
        while let Some(n) = at {
            let node = &mut self.nodes[n];
            node.digest.tree = None;
            at = node.parent;
        }
    }

    /// A hash of the design's content (not of its ids or history): equal
    /// designs hash equal on every machine. Journals record it at each
    /// commit and replays check it. After any command it costs no more
    /// than a lookup: it is kept up to date per subtree.
    pub fn content_hash(&self) -> u64 {
        self.content_hash_as_format(FORMAT_VERSION)
    }

    /// [`Document::content_hash`] as a build writing format `version`
    /// computed it: what a journal recorded under that format holds.
    pub fn content_hash_as_format(&self, version: u32) -> u64 {
        let (before, after) = file_frame(version);
        let root = self.tree_part(self.root);
        fnv(fnv(fnv(FNV_OFFSET, before.as_bytes()), &root.hash.to_le_bytes()), after.as_bytes())
    }

    /// The exact size in bytes of the file [`Document::save`] would write,
    /// known without writing it. Commands keep it within
    /// [`crate::limits::MAX_FILE_BYTES`].
    pub fn saved_size(&self) -> u64 {
        file_frame_len(FORMAT_VERSION) + self.tree_part(self.root).size_at(1)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::{Strategy, any, prop_oneof};

    use super::*;
    use crate::{Command, ModelError, PropKey, PropValue, WidgetKind, WidgetTree, generate};

    /// The widget's own text written by hand, and as serde_json writes it.
    fn own_texts(node: &Node) -> (String, String) {
        let (mut by_hand, mut by_serde) = (Vec::new(), Vec::new());
        write_own_text(node, &mut by_hand).unwrap();
        crate::file::write_own_json(node, &mut by_serde).unwrap();
        (String::from_utf8(by_hand).unwrap(), String::from_utf8(by_serde).unwrap())
    }

    #[test]
    fn own_text_written_by_hand_is_what_serde_writes_for_the_demo_and_a_generated_design() {
        for doc in [crate::demo_design(), generate(3000, 11)] {
            let mut seen = 0;
            for (_, node) in doc.nodes.iter() {
                let (by_hand, by_serde) = own_texts(node);
                assert_eq!(by_hand, by_serde);
                seen += 1;
            }
            assert!(seen >= 50, "{seen} widgets");
        }
    }

    fn any_value() -> impl Strategy<Value = PropValue> {
        use crate::{Align, Color, Justify, LayoutMode, Track};
        // Texts of every kind of character: controls, quotes, backslashes,
        // DEL and beyond ASCII, each an escape or not in JSON.
        let text = || proptest::string::string_regex("[\\x00-\\x7f\"\\\\é漢🙂]{0,12}").unwrap();
        prop_oneof![
            // Every bit pattern: NaN, infinities, subnormals (negative zero
            // is stored as zero).
            any::<u32>().prop_map(|bits| PropValue::Number(f32::from_bits(bits))),
            any::<f32>().prop_map(PropValue::Number),
            (-5000i32..5000).prop_map(|v| PropValue::Number(v as f32 / 4.0)),
            any::<i32>().prop_map(PropValue::Int),
            any::<bool>().prop_map(PropValue::Bool),
            any::<[u8; 4]>().prop_map(|[r, g, b, a]| PropValue::Color(Color { r, g, b, a })),
            text().prop_map(PropValue::Text),
            proptest::collection::vec(text(), 0..4).prop_map(PropValue::Items),
            proptest::sample::select(LayoutMode::ALL).prop_map(PropValue::Layout),
            proptest::sample::select(Align::ALL).prop_map(PropValue::Align),
            proptest::sample::select(Justify::ALL).prop_map(PropValue::Justify),
            proptest::sample::select(vec!["", "1fr", "1fr 2fr 120px", "auto 40px 0.5fr"])
                .prop_map(|t| PropValue::Tracks(Track::parse_template(t).unwrap())),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512), ..proptest::prelude::ProptestConfig::default() })]

        /// The digest counts and hashes a text written by hand; a byte
        /// apart from the file's would make every saved size and journal
        /// hash of such a widget wrong.
        #[test]
        fn own_text_written_by_hand_is_what_serde_writes(
            kind in proptest::sample::select(WidgetKind::ALL),
            name in proptest::string::string_regex("[a-z_\"\\\\\\x01\\x1f\\x7fé]{0,10}").unwrap(),
            values in proptest::collection::vec((proptest::sample::select(PropKey::ALL), any_value()), 0..8),
        ) {
            let mut props = crate::property::Props::default();
            for (key, value) in values {
                props.set(key, Some(value));
            }
            let node = Node {
                kind,
                name: name.into(),
                parent: None,
                children: Vec::new(),
                props,
                in_document: true,
                digest: NodeDigest::default(),
            };
            let (by_hand, by_serde) = own_texts(&node);
            proptest::prop_assert_eq!(&by_hand, &by_serde);
            // And as the file writes it: the widget as a design's root.
            let mut doc = Document::new();
            let root = doc.root;
            doc.nodes[root].kind = node.kind;
            doc.nodes[root].name = node.name.clone();
            doc.nodes[root].props = node.props.clone();
            let (before, after) = file_frame(FORMAT_VERSION);
            proptest::prop_assert_eq!(doc.to_json_string(), format!("{before}{}{after}", by_hand.replace('\n', "\n  ")));
        }
    }

    #[test]
    fn kinds_and_property_names_are_words_json_writes_as_they_are() {
        let word =
            |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        for kind in WidgetKind::ALL {
            assert!(word(kind.as_str()), "{kind:?}");
        }
        for key in PropKey::ALL {
            assert!(word(key.name()), "{key:?}");
        }
    }

    /// The helper's parts, then a refusal: at the file limit, an edit of
    /// more widgets than unit tests write on one thread, one of them grown
    /// past the limit, is undone after the reader saw it.
    #[test]
    fn an_edit_of_many_widgets_alongside_a_reader_is_refused_at_the_file_limit() {
        let mut doc = Document::new();
        let root = doc.root();
        let text = "x".repeat(crate::limits::MAX_STRING_BYTES);
        let label = |i: usize| {
            WidgetTree::palette(WidgetKind::Label)
                .named(format!("l{i}"))
                .with(PropKey::Text, PropValue::Text(text.clone()))
        };
        let mut labels = Vec::new();
        let full = loop {
            match doc.execute(Command::Insert { parent: root, index: None, tree: label(labels.len()) }) {
                Ok(done) => labels.extend(done.created),
                Err(e) => break e,
            }
            assert!(labels.len() < 2_000, "64 MiB should be reached after about 1,000 labels");
        };
        assert!(matches!(full, ModelError::FileTooLarge { .. }), "{full}");
        assert!(labels.len() >= PARALLEL_OWN_PARTS, "{} labels", labels.len());
        let (hash, size, undo) = (doc.content_hash(), doc.saved_size(), doc.undo_label().map(str::to_owned));
        let mut commands: Vec<Command> = labels
            .iter()
            .map(|id| Command::SetProperties { id: *id, values: vec![(PropKey::X, Some(PropValue::Number(1.5)))] })
            .collect();
        let title = PropValue::Text("w".repeat(crate::limits::MAX_STRING_BYTES));
        commands.push(Command::SetProperties { id: root, values: vec![(PropKey::Text, Some(title.clone()))] });
        let changes = doc.subscribe();
        let (done, seen, written) = doc.execute_all_alongside_on(2, "Nudge", commands, |doc| {
            doc.widget(root).unwrap().props().get(PropKey::Text) == Some(&title)
                && labels.iter().all(|id| doc.widget(*id).unwrap().number(PropKey::X) == 1.5)
        });
        assert!(matches!(done, Err(ModelError::FileTooLarge { .. })), "{done:?}");
        assert!(seen, "the reader saw the edit");
        assert_eq!(changes.drain().len(), 2 * (labels.len() + 1), "the edit and its undoing");
        assert_eq!((doc.content_hash(), doc.saved_size()), (hash, size));
        assert_eq!(doc.undo_label().map(str::to_owned), undo);
        assert_eq!(written, labels.len() + 1, "the helper wrote the edited widgets' parts");
    }

    /// The path a nudge of everything takes: more edited widgets than are
    /// written on one thread (512 in unit tests), their parts written on a
    /// helper while the caller reads the document.
    #[test]
    fn an_edit_of_many_widgets_alongside_a_reader_keeps_the_digest_true() {
        let mut doc = generate(3000, 5);
        let moved: Vec<WidgetId> =
            doc.nodes.iter().filter(|(id, n)| *id != doc.root && n.in_document).map(|(id, _)| id).collect();
        assert!(moved.len() >= PARALLEL_OWN_PARTS, "{} widgets", moved.len());
        let commands = moved
            .iter()
            .map(|id| Command::SetProperties { id: *id, values: vec![(PropKey::X, Some(PropValue::Number(17.5)))] })
            .collect();
        let changes = doc.subscribe();
        let (done, seen, written) = doc.execute_all_alongside_on(2, "Nudge", commands, |doc| {
            // The edit is in place, and its changes told, before the parts
            // are up to date.
            let told = changes.drain().len();
            let at = moved.iter().filter(|id| doc.widget(**id).unwrap().number(PropKey::X) == 17.5).count();
            (told, at)
        });
        done.unwrap();
        assert_eq!(seen, (moved.len(), moved.len()));
        assert_eq!(written, moved.len(), "the helper wrote every edited widget's part");
        assert_eq!(doc.undo_label(), Some("Nudge"));
        let text = doc.to_json_string();
        assert_eq!(doc.saved_size(), text.len() as u64);
        assert_eq!(doc.content_hash(), Document::from_json_bytes(text.as_bytes()).unwrap().content_hash());
        doc.undo().unwrap();
        let text = doc.to_json_string();
        assert_eq!(doc.content_hash(), Document::from_json_bytes(text.as_bytes()).unwrap().content_hash());
        assert_eq!(doc.content_hash(), generate(3000, 5).content_hash());
    }

    /// The path a paste of a few hundred widgets takes: fewer new widgets
    /// than are written on several threads, enough for a helper to write
    /// them while the caller lays the design out; fewer still, none.
    #[test]
    fn a_paste_of_hundreds_of_widgets_has_its_parts_written_alongside_a_reader() {
        for (pasted, on_helper) in [(ALONGSIDE_OWN_PARTS + 44, true), (ALONGSIDE_OWN_PARTS - 1, false)] {
            assert!(pasted < PARALLEL_OWN_PARTS, "{pasted} widgets");
            let mut doc = generate(600, 5);
            let root = doc.root();
            let commands = (0..pasted)
                .map(|i| Command::Insert {
                    parent: root,
                    index: None,
                    tree: WidgetTree::palette(WidgetKind::Label).named(format!("pasted_{i}")),
                })
                .collect();
            let before = doc.children(root).len();
            let (done, seen, written) =
                doc.execute_all_alongside_on(2, "Paste", commands, |doc| doc.children(root).len() - before);
            assert_eq!(done.unwrap().created.len(), pasted);
            assert_eq!(seen, pasted, "the reader saw the pasted widgets");
            assert_eq!(written, if on_helper { pasted } else { 0 }, "parts the helper wrote, of {pasted}");
            let text = doc.to_json_string();
            assert_eq!(doc.saved_size(), text.len() as u64);
            assert_eq!(doc.content_hash(), Document::from_json_bytes(text.as_bytes()).unwrap().content_hash());
        }
    }

    #[test]
    fn the_file_frames_length_is_counted_as_it_is_written() {
        for version in [0, 1, 9, 10, 99, 100, FORMAT_VERSION, u32::MAX] {
            let (before, after) = file_frame(version);
            assert_eq!(file_frame_len(version), (before.len() + after.len()) as u64, "version {version}");
        }
    }

    #[test]
    fn saved_size_is_the_length_of_the_saved_text() {
        let mut doc = Document::new();
        assert_eq!(doc.saved_size(), doc.to_json_string().len() as u64);
        let mut doc2 = generate(300, 7);
        assert_eq!(doc2.saved_size(), doc2.to_json_string().len() as u64);
        let root = doc.root();
        let tree = WidgetTree::palette(WidgetKind::Panel)
            .named("p")
            .child(WidgetTree::palette(WidgetKind::List).named("list"))
            .child(
                WidgetTree::palette(WidgetKind::Button)
                    .named("b")
                    .with(PropKey::Text, PropValue::Text("a \"quoted\"\ntext".into())),
            );
        doc.execute(Command::Insert { parent: root, index: None, tree }).unwrap();
        assert_eq!(doc.saved_size(), doc.to_json_string().len() as u64);
        doc2.undo().unwrap();
        assert_eq!(doc2.saved_size(), doc2.to_json_string().len() as u64);
    }

    /// `-0.0` equals `0.0`, so an edit between them is no change; it must
    /// not change the saved text behind the digest's back either.
    #[test]
    fn negative_zero_is_stored_as_zero_and_the_digest_stays_true() {
        let mut doc = Document::new();
        let root = doc.root();
        let tree = WidgetTree::palette(WidgetKind::Panel).named("p");
        let id = doc.execute(Command::Insert { parent: root, index: None, tree }).unwrap().created[0];
        for v in [0.0, -0.0] {
            doc.execute(Command::SetProperties { id, values: vec![(PropKey::Width, Some(PropValue::Number(v)))] })
                .unwrap();
            let text = doc.to_json_string();
            assert!(!text.contains("-0"), "{text}");
            assert_eq!(doc.saved_size(), text.len() as u64);
            assert_eq!(doc.content_hash(), Document::from_json_bytes(text.as_bytes()).unwrap().content_hash());
        }
    }

    /// A nudge of everything writes its own parts on several threads; each
    /// must be the part of its own widget, as one thread writes it. A
    /// widget with a child edited too is left for the walk from the root
    /// to sum up, after that child's own part is written.
    #[test]
    fn own_parts_written_on_several_threads_are_those_one_thread_writes() {
        let mut doc = generate(12_000, 5);
        let top = doc.children(doc.root()).to_vec();
        assert!(top.len() >= PARALLEL_OWN_PARTS, "{} cards", top.len());
        let mut edited = Vec::new();
        for (k, &id) in top.iter().enumerate() {
            edited.push(id);
            // Every seventh card's first child is edited as well.
            if k % 7 == 0 {
                edited.push(doc.children(id)[0]);
            }
        }
        for (k, &id) in edited.iter().enumerate() {
            let x = doc.widget(id).unwrap().number(PropKey::X) + k as f32 * 0.5;
            doc.nodes[id].props.set(PropKey::X, Some(PropValue::Number(x)));
            doc.touch_own(id);
        }
        assert_eq!(doc.write_own_parts(1), 0, "one thread leaves the parts to the refresh");
        assert_eq!(doc.write_own_parts(3), edited.len(), "every edited widget's part, on three threads");
        for (k, &id) in top.iter().enumerate() {
            assert_eq!(doc.nodes[id].digest.tree.is_none(), k % 7 == 0, "card {k}: summed up where its children were");
        }
        let threaded = (doc.refresh_tree(doc.root), doc.content_hash(), doc.saved_size());
        for node in doc.nodes.values_mut() {
            node.digest = NodeDigest::default();
        }
        // With no summary kept, each is made on this thread as it is asked for.
        assert_eq!((doc.refresh_tree(doc.root), doc.content_hash(), doc.saved_size()), threaded);
        assert_eq!(threaded.2, doc.to_json_string().len() as u64);
    }

    #[test]
    fn content_hash_follows_content_not_history() {
        let mut doc = generate(200, 3);
        let before = doc.content_hash();
        let id = doc.find("card_1").unwrap_or_else(|| doc.children(doc.root())[0]);
        doc.execute(Command::SetProperties { id, values: vec![(PropKey::X, Some(PropValue::Number(123.0)))] }).unwrap();
        let edited = doc.content_hash();
        assert_ne!(before, edited);
        doc.undo().unwrap();
        assert_eq!(doc.content_hash(), before);
        doc.redo().unwrap();
        assert_eq!(doc.content_hash(), edited);
        let reloaded = Document::from_json_bytes(doc.to_json_string().as_bytes()).unwrap();
        assert_eq!(reloaded.content_hash(), edited);
    }

    /// A widget's subtree part after every kind of change below it (a
    /// child's property, its children reordered, a grandchild deleted,
    /// each undone), with the widget's own edit after each: what the file
    /// written then says.
    #[test]
    fn the_subtree_part_follows_every_change_below_a_widget() {
        let mut doc = generate(300, 4);
        let card = doc.children(doc.root())[2];
        let first = doc.children(card)[0];
        let last = *doc.children(card).last().unwrap();
        let agrees = |doc: &Document, step: &str| {
            let text = doc.to_json_string();
            assert_eq!(doc.saved_size(), text.len() as u64, "{step}");
            assert_eq!(
                doc.content_hash(),
                Document::from_json_bytes(text.as_bytes()).unwrap().content_hash(),
                "{step}"
            );
        };
        let nudge = |doc: &mut Document, id: WidgetId| {
            let x = doc.widget(id).unwrap().number(PropKey::X) + 1.0;
            doc.execute(Command::SetProperties { id, values: vec![(PropKey::X, Some(PropValue::Number(x)))] }).unwrap();
        };
        nudge(&mut doc, card);
        agrees(&doc, "the card moved");
        nudge(&mut doc, first);
        nudge(&mut doc, card);
        agrees(&doc, "a child moved, then the card");
        doc.execute(Command::Move { ids: vec![last], parent: card, index: Some(0) }).unwrap();
        nudge(&mut doc, card);
        agrees(&doc, "the children reordered, then the card moved");
        let grandchild = doc.iter().find(|w| w.parent().is_some_and(|p| doc.parent(p) == Some(card))).map(|w| w.id());
        {
            let g = grandchild.expect("the card has a grandchild");
            doc.execute(Command::Delete { ids: vec![g] }).unwrap();
            nudge(&mut doc, card);
            agrees(&doc, "a grandchild deleted, then the card moved");
        }
        for _ in 0..4 {
            doc.undo().unwrap();
            agrees(&doc, "undone");
            nudge(&mut doc, card);
            agrees(&doc, "undone, then the card moved");
            doc.undo().unwrap();
        }
    }
}
