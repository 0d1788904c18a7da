//! The widget tree: an arena of nodes addressed by generational ids, and the
//! primitive, reversible operations every command is made of.

use std::fmt;
use std::fmt::Write as _;

use slotmap::SlotMap;

use crate::digest::NodeDigest;
use crate::error::ModelError;
use crate::history::History;
use crate::kind::WidgetKind;
use crate::limits;
use crate::observe::{Change, Observers, Subscription};
use crate::property::{Align, Color, DefaultValue, LayoutMode, PropKey, PropValue, Props, Track};

slotmap::new_key_type! {
    /// The id of a widget. Generational: once the widget is freed, the id
    /// never resolves again, not even to a widget that reuses its slot.
    pub struct WidgetId;
}

impl WidgetId {
    /// A small number for the arena slot the id names: ids of widgets
    /// alive together never share one, a freed id may share it with a
    /// newer widget's. For tables indexed by widget (dense, unlike a map),
    /// which must still compare the whole id.
    pub fn slot(self) -> usize {
        // The key's low half is its slot index in slotmap 1.
        (slotmap::Key::data(&self).as_ffi() & 0xffff_ffff) as usize
    }
}

/// The most held changes whose room is kept between batches (a nudge of
/// everything at 100,000 widgets holds 5,556).
const MAX_HELD_ROOM: usize = 16_384;

#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) kind: WidgetKind,
    pub(crate) name: Box<str>,
    pub(crate) parent: Option<WidgetId>,
    pub(crate) children: Vec<WidgetId>,
    pub(crate) props: Props,
    /// False while the node waits in the undo history (deleted, or created
    /// by an undone insert). Such nodes keep their id so undo brings back the
    /// very same widget; they are freed when the history lets go of them.
    pub(crate) in_document: bool,
    /// This widget's and its subtree's part of the saved file.
    pub(crate) digest: NodeDigest,
}

/// The properties one operation sets, with their values (`None`: the
/// default). One is kept inline: a nudge of everything at 100,000
/// widgets sets one axis of 5,556 of them, and the operation and its
/// inverse each took a heap block a widget, allocations that the freed
/// memory of the nudge before made slow.
pub(crate) type PropEdits = smallvec::SmallVec<[(PropKey, Option<PropValue>); 1]>;

// Every op in the history is this big: 64 bytes with one property inline,
// against 32 with a list on the heap, which a nudge allocated twice a
// widget. A larger inline room would grow every attach, move and rename.
const _: () = assert!(size_of::<Op>() <= 64);

/// A primitive operation. Applying one returns its exact inverse.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Op {
    Attach { id: WidgetId, parent: WidgetId, index: usize },
    Detach { id: WidgetId },
    Move { id: WidgetId, parent: WidgetId, index: usize },
    SetProps { id: WidgetId, values: PropEdits },
    Rename { id: WidgetId, name: Box<str> },
}

impl Op {
    pub(crate) fn heap_bytes(&self) -> usize {
        size_of::<Op>()
            + match self {
                Op::SetProps { values, .. } => {
                    // Values kept inline are within the operation's own size.
                    let block = if values.spilled() {
                        values.capacity() * size_of::<(PropKey, Option<PropValue>)>()
                    } else {
                        0
                    };
                    block + values.iter().map(|(_, v)| v.as_ref().map_or(0, PropValue::heap_bytes)).sum::<usize>()
                }
                Op::Rename { name, .. } => name.len(),
                _ => 0,
            }
    }
}

/// A rectangle in design pixels.
#[derive(Clone, Copy, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Rect {
    /// The rectangle at `(x, y)` of size `w` by `h`.
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Self { x, y, w, h }
    }

    /// The right edge.
    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    /// The bottom edge.
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, other: &Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        Rect::new(x, y, self.right().max(other.right()) - x, self.bottom().max(other.bottom()) - y)
    }

    /// The smallest rectangle holding all of `rects` ([`Extremes`]);
    /// `None` for none, or none but NaN.
    pub fn around(rects: &[Rect]) -> Option<Rect> {
        let mut extremes = Extremes::default();
        for r in rects {
            extremes.hold(r);
        }
        extremes.rect()
    }
}

/// The extremes of rectangles held one after the other: each edge is
/// found on its own, and the rectangle made once at the end, where folding
/// with [`Rect::union`] makes each step wait for the last one's sums
/// (about 5 ns a rectangle, a millisecond for the 200,000 places of a
/// nudge of everything at 100,000 widgets). A NaN edge is passed over.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extremes {
    lo: (f32, f32),
    hi: (f32, f32),
}

impl Default for Extremes {
    /// Nothing held.
    fn default() -> Self {
        Extremes { lo: (f32::INFINITY, f32::INFINITY), hi: (f32::NEG_INFINITY, f32::NEG_INFINITY) }
    }
}

impl Extremes {
    /// Takes `r` in.
    pub fn hold(&mut self, r: &Rect) {
        // Comparisons rather than `min` and `max`: a single instruction
        // each, and a NaN compares false, so it is never taken.
        let (right, bottom) = (r.right(), r.bottom());
        let (lo, hi) = (&mut self.lo, &mut self.hi);
        *lo = (if r.x < lo.0 { r.x } else { lo.0 }, if r.y < lo.1 { r.y } else { lo.1 });
        *hi = (if right > hi.0 { right } else { hi.0 }, if bottom > hi.1 { bottom } else { hi.1 });
    }

    /// Takes in everything `other` holds, edge by edge (as holding each of
    /// its rectangles would have: no rectangle is made between).
    pub fn hold_all(&mut self, other: &Extremes) {
        let (lo, hi) = (&mut self.lo, &mut self.hi);
        *lo = (if other.lo.0 < lo.0 { other.lo.0 } else { lo.0 }, if other.lo.1 < lo.1 { other.lo.1 } else { lo.1 });
        *hi = (if other.hi.0 > hi.0 { other.hi.0 } else { hi.0 }, if other.hi.1 > hi.1 { other.hi.1 } else { hi.1 });
    }

    /// The rectangle around everything held; `None` when no edge of it
    /// was a number.
    pub fn rect(&self) -> Option<Rect> {
        let (lo, hi) = (self.lo, self.hi);
        (lo.0 <= hi.0 && lo.1 <= hi.1).then(|| Rect::new(lo.0, lo.1, hi.0 - lo.0, hi.1 - lo.1))
    }
}

/// How many of each kind of object the model keeps alive. Leak checks
/// compare these before and after cycles of action and undo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct LiveCounts {
    /// Widgets in the document.
    pub widgets: usize,
    /// Widgets out of the document, kept only so undo/redo can bring them back.
    pub detached_widgets: usize,
    /// Live [`crate::Subscription`]s.
    pub subscriptions: usize,
    /// Live [`crate::WidgetCache`]s.
    pub caches: usize,
    /// Entries held by those caches.
    pub cache_entries: usize,
    /// Undo steps held.
    pub undo_entries: usize,
    /// Redo steps held.
    pub redo_entries: usize,
    /// Primitive operations held by the undo and redo stacks.
    pub history_ops: usize,
}

impl LiveCounts {
    /// Every count by name, as leak checks and live-object registries list them.
    pub fn kinds(&self) -> Vec<(String, usize)> {
        [
            ("widgets", self.widgets),
            ("detached widgets", self.detached_widgets),
            ("subscriptions", self.subscriptions),
            ("caches", self.caches),
            ("cache entries", self.cache_entries),
            ("undo entries", self.undo_entries),
            ("redo entries", self.redo_entries),
            ("history operations", self.history_ops),
        ]
        .into_iter()
        .map(|(k, n)| (k.to_owned(), n))
        .collect()
    }
}

/// A design: a tree of widgets under one root window, with its undo history.
pub struct Document {
    pub(crate) nodes: SlotMap<WidgetId, Node>,
    pub(crate) root: WidgetId,
    /// Names of the widgets in the document. Detached widgets are not
    /// listed: history is linear, so every state undo or redo returns to was
    /// a valid state with unique names.
    pub(crate) names: crate::name::NameMap<WidgetId>,
    /// The most names [`Document::keep_names_half_full`] has made room for.
    names_room: usize,
    pub(crate) live: usize,
    pub(crate) history: History,
    observers: Observers,
    name_counters: crate::name::NameMap<u32>,
    /// The listed names that end in a counter, for [`Document::unique_name`].
    pub(crate) numbered_names: crate::name::NumberedNames,
    revision: u64,
    saved_revision: u64,
    /// The widgets whose own part of the saved file's digest went out of
    /// date since the digests were last brought up to date, each once a
    /// time it did (some since freed or taken out of the document): many
    /// are written on several threads, found here rather than by a walk
    /// over every child of every edited widget (100,000 nodes read for the
    /// 5,556 cards of a nudge of everything). Only a guide to that work:
    /// the refresh makes any part still out of date.
    pub(crate) unwritten_own: Vec<WidgetId>,
    /// The changes of a batch under way ([`Document::execute_all`], an
    /// undo, a redo), told to the observers together when it ends: telling
    /// each alone took two locks, 5,556 times in a nudge of everything at
    /// 100,000 widgets. `None` outside a batch.
    held_changes: Option<Vec<Change>>,
    /// The room of the last batch's changes, kept for the next.
    held_room: Vec<Change>,
    /// The room of a transaction's commands' inverse operations, each
    /// command's emptied into the transaction and kept for the next (also
    /// the next transaction's): a nudge of everything at 100,000 widgets
    /// runs 5,556 commands, and each made and freed its own.
    pub(crate) inverse_room: Vec<Op>,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("widgets", &self.live)
            .field("root", &self.root)
            .field("revision", &self.revision)
            .field("history", &self.history)
            .field("observers", &self.observers)
            .finish()
    }
}

impl Default for Document {
    fn default() -> Self {
        Self::new()
    }
}

impl Document {
    /// A new design: one empty 1280x800 window called `main_window`.
    pub fn new() -> Self {
        let mut props = Props::default();
        props.set(PropKey::Width, Some(PropValue::Number(1280.0)));
        props.set(PropKey::Height, Some(PropValue::Number(800.0)));
        props.set(PropKey::Text, Some(PropValue::Text("Untitled".into())));
        Self::with_root(WidgetKind::Window, "main_window".into(), props)
    }

    pub(crate) fn with_root(kind: WidgetKind, name: Box<str>, props: Props) -> Self {
        let mut nodes = SlotMap::with_key();
        let root = nodes.insert(Node {
            kind,
            name: name.clone(),
            parent: None,
            children: Vec::new(),
            props,
            in_document: true,
            digest: NodeDigest::default(),
        });
        let mut numbered_names = crate::name::NumberedNames::default();
        numbered_names.insert(&name);
        let mut names = crate::name::NameMap::default();
        names.insert(name, root);
        let mut doc = Self {
            nodes,
            root,
            names,
            names_room: 0,
            live: 1,
            history: History::default(),
            observers: Observers::default(),
            name_counters: crate::name::NameMap::default(),
            numbered_names,
            revision: 0,
            unwritten_own: vec![root],
            saved_revision: 0,
            held_changes: None,
            held_room: Vec::new(),
            inverse_room: Vec::new(),
        };
        doc.refresh_digests();
        doc
    }

    /// The root window.
    pub fn root(&self) -> WidgetId {
        self.root
    }

    /// Number of widgets in the document, the root included.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Always false: a document has at least its root.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether `id` is a widget of this document now.
    pub fn contains(&self, id: WidgetId) -> bool {
        self.nodes.get(id).is_some_and(|n| n.in_document)
    }

    /// The widget `id`, if it is in the document now.
    pub fn widget(&self, id: WidgetId) -> Option<WidgetRef<'_>> {
        let node = self.nodes.get(id).filter(|n| n.in_document)?;
        Some(WidgetRef { id, node })
    }

    /// Asks the processor to bring widget `id` and its properties into
    /// the cache, for a read or an edit of them soon after (a hint:
    /// nothing is read but where the properties are). A nudge of
    /// everything at 100,000 widgets waited on memory for each of the
    /// 5,556 widgets it moved, twice: reading their places, then setting them.
    pub fn prefetch(&self, id: WidgetId) {
        // The node is read, for where the properties are: a loop that
        // fetched it by address a few widgets before
        // (`Document::prefetch_node`) does not wait for it here.
        if let Some(node) = self.nodes.get(id) {
            crate::fetch_into_cache(std::ptr::from_ref(node) as usize, std::mem::size_of::<Node>());
            let props = node.props.entries();
            crate::fetch_into_cache(props.as_ptr() as usize, std::mem::size_of_val(props));
        }
    }

    /// Where the arena keeps each widget's node, for
    /// [`Document::prefetch_node`]; `None` for a document of one widget.
    pub fn node_addresses(&self) -> Option<crate::SlotAddresses> {
        crate::SlotAddresses::of_map(&self.nodes)
    }

    /// Asks the processor to bring widget `id`'s node into the cache
    /// without reading the arena (`at` from [`Document::node_addresses`]):
    /// the first of two steps, a loop doing it a few widgets before
    /// [`Document::prefetch`], which reads the node for where the
    /// properties are.
    pub fn prefetch_node(at: &crate::SlotAddresses, id: WidgetId) {
        at.fetch(id, std::mem::size_of::<Node>());
    }

    pub(crate) fn get(&self, id: WidgetId) -> Result<WidgetRef<'_>, ModelError> {
        self.widget(id).ok_or(ModelError::UnknownWidget(id))
    }

    /// The widget called `name`, if it is in the document.
    pub fn find(&self, name: &str) -> Option<WidgetId> {
        self.names.get(name).copied()
    }

    /// Whether a widget in the document is called `name`.
    pub fn name_taken(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// The parent of `id`; `None` for the root and for widgets not in the document.
    pub fn parent(&self, id: WidgetId) -> Option<WidgetId> {
        self.widget(id)?.parent()
    }

    /// The children of `id` in z-order (later on top); empty for widgets
    /// not in the document.
    pub fn children(&self, id: WidgetId) -> &[WidgetId] {
        self.widget(id).map_or(&[], |w| w.node.children.as_slice())
    }

    /// Position of `id` among its siblings (its z-order: later is on top).
    pub fn index_in_parent(&self, id: WidgetId) -> Option<usize> {
        let parent = self.parent(id)?;
        self.nodes[parent].children.iter().position(|c| *c == id)
    }

    /// Depth below the root (the root is at 0).
    pub fn depth(&self, id: WidgetId) -> usize {
        let mut depth = 0;
        let mut at = self.nodes.get(id).and_then(|n| n.parent);
        while let Some(p) = at {
            depth += 1;
            at = self.nodes[p].parent;
        }
        depth
    }

    /// Whether `ancestor` is `id` or one of its ancestors.
    pub fn is_ancestor_or_self(&self, ancestor: WidgetId, id: WidgetId) -> bool {
        let mut at = Some(id);
        while let Some(a) = at {
            if a == ancestor {
                return true;
            }
            at = self.nodes.get(a).and_then(|n| n.parent);
        }
        false
    }

    /// Every widget of the subtree at `id`, in depth-first pre-order
    /// (parents before children, siblings in z-order).
    pub fn descendants(&self, id: WidgetId) -> Vec<WidgetId> {
        let mut out = Vec::new();
        if self.nodes.contains_key(id) {
            self.collect_subtree(id, &mut out);
        }
        out
    }

    /// Appends every widget of the subtree at `id` to `out`, parents
    /// before children (breadth first), allocating nothing but what `out`
    /// grows by: for per-frame work that reuses its vector.
    pub fn extend_subtree(&self, id: WidgetId, out: &mut Vec<WidgetId>) {
        if !self.nodes.contains_key(id) {
            return;
        }
        let mut next = out.len();
        out.push(id);
        while next < out.len() {
            let children = &self.nodes[out[next]].children;
            // Most widgets are leaves: no copy call for them.
            if !children.is_empty() {
                out.extend_from_slice(children);
            }
            next += 1;
        }
    }

    /// Appends the subtree at `id` to `out` in paint order (each widget,
    /// then its children's subtrees, first to last), with `stack` as
    /// scratch; nothing if `id` is not in the document. Walked in this
    /// order, a moved subtree's widgets meet the display list's items one
    /// after the other.
    pub fn extend_subtree_in_paint_order(&self, id: WidgetId, out: &mut Vec<WidgetId>, stack: &mut Vec<WidgetId>) {
        if !self.nodes.contains_key(id) {
            return;
        }
        stack.clear();
        stack.push(id);
        while let Some(n) = stack.pop() {
            out.push(n);
            let children = &self.nodes[n].children;
            if !children.is_empty() {
                stack.extend(children.iter().rev());
            }
        }
    }

    pub(crate) fn collect_subtree(&self, id: WidgetId, out: &mut Vec<WidgetId>) {
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(self.nodes[n].children.iter().rev().copied());
        }
    }

    /// Every widget in the document in pre-order, the root first.
    pub fn iter(&self) -> impl Iterator<Item = WidgetRef<'_>> + '_ {
        self.descendants(self.root).into_iter().map(move |id| WidgetRef { id, node: &self.nodes[id] })
    }

    /// The height of the subtree at `id`: 0 for a leaf.
    pub(crate) fn subtree_height(&self, id: WidgetId) -> usize {
        let mut max = 0;
        let mut stack = vec![(id, 0usize)];
        while let Some((n, d)) = stack.pop() {
            max = max.max(d);
            stack.extend(self.nodes[n].children.iter().map(|c| (*c, d + 1)));
        }
        max
    }

    /// A counter that changes with every edit, undo and redo.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Whether the document changed since [`Document::mark_saved`].
    pub fn is_modified(&self) -> bool {
        self.revision != self.saved_revision
    }

    /// Records the current state as the saved one.
    pub fn mark_saved(&mut self) {
        self.saved_revision = self.revision;
    }

    /// Subscribes to changes; drop the handle to unsubscribe.
    pub fn subscribe(&self) -> Subscription {
        self.observers.subscribe()
    }

    pub(crate) fn observers(&self) -> &Observers {
        &self.observers
    }

    /// How many of each kind of object the model keeps alive now.
    pub fn live_counts(&self) -> LiveCounts {
        let (caches, cache_entries) = self.observers.cache_counts();
        LiveCounts {
            widgets: self.live,
            detached_widgets: self.nodes.len() - self.live,
            subscriptions: self.observers.subscription_count(),
            caches,
            cache_entries,
            undo_entries: self.history.undo_len(),
            redo_entries: self.history.redo_len(),
            history_ops: self.history.op_count(),
        }
    }

    /// Approximate heap bytes the model holds (nodes, names, properties,
    /// history), for memory reports.
    pub fn heap_bytes(&self) -> usize {
        let nodes = self.nodes.capacity() * (size_of::<Node>() + 8);
        let per_node: usize = self
            .nodes
            .values()
            .map(|n| n.name.len() + n.children.capacity() * size_of::<WidgetId>() + n.props.heap_bytes())
            .sum();
        let names = self.names.capacity() * (size_of::<(Box<str>, WidgetId)>() + 1)
            + self.names.keys().map(|k| k.len()).sum::<usize>();
        let held = self.held_room.capacity() * size_of::<Change>() + self.inverse_room.capacity() * size_of::<Op>();
        nodes + per_node + names + self.numbered_names.heap_bytes() + self.history.heap_bytes() + held
    }

    /// A name not taken yet, derived from `base` (`button` → `button_4`).
    pub fn unique_name(&mut self, base: &str) -> String {
        self.unique_name_avoiding(base, &crate::name::NameSet::default())
    }

    /// A name taken neither in the document nor in `also_taken` (the names
    /// of a subtree being built).
    pub(crate) fn unique_name_avoiding(&mut self, base: &str, also_taken: &crate::name::NameSet) -> String {
        let free = |names: &crate::name::NameMap<WidgetId>, n: &str| !names.contains_key(n) && !also_taken.contains(n);
        if free(&self.names, base) && crate::name::check_name(base).is_ok() {
            return base.to_owned();
        }
        let stem = crate::name::stem(base);
        // The stem's counter, its key made only the first time it is used.
        if !self.name_counters.contains_key(&*stem) {
            self.name_counters.insert(stem.as_ref().into(), 1);
        }
        let counter = self.name_counters.get_mut(&*stem).expect("inserted above");
        loop {
            // The first counter from here whose name the document does not
            // list, found from the runs of listed ones.
            let n = self.numbered_names.first_free(&stem, *counter);
            // Exactly as long as it is, so that it becomes a boxed name
            // without being copied again.
            let digits = n.checked_ilog10().map_or(1, |d| d as usize + 1);
            let mut candidate = String::with_capacity(stem.len() + 1 + digits);
            write!(candidate, "{stem}_{n}").expect("writing to a string cannot fail");
            // Past the last counter, from 0 again (as the counter did).
            *counter = n.wrapping_add(1);
            if free(&self.names, &candidate) {
                return candidate;
            }
        }
    }

    // ---- primitive operations ----

    pub(crate) fn bump_revision(&mut self) {
        self.revision += 1;
    }

    /// Tells the observers `change` now, or with the batch under way.
    fn announce(&mut self, change: Change) {
        match &mut self.held_changes {
            Some(held) => held.push(change),
            None => self.observers.notify(&change),
        }
    }

    /// Holds the changes of the commands run until
    /// [`Document::tell_held_changes`], to tell them together.
    pub(crate) fn hold_changes(&mut self) {
        // A batch inside another would tell the outer one's changes early.
        debug_assert!(self.held_changes.is_none(), "batches do not nest");
        self.held_changes = Some(std::mem::take(&mut self.held_room));
    }

    /// Tells the observers the changes held since
    /// [`Document::hold_changes`], in order, and stops holding them.
    pub(crate) fn tell_held_changes(&mut self) {
        let Some(mut held) = self.held_changes.take() else { return };
        self.observers.notify_all(&held);
        held.clear();
        // The room a batch of every widget took is not kept.
        if held.capacity() <= MAX_HELD_ROOM {
            self.held_room = held;
        }
    }

    pub(crate) fn new_detached(&mut self, kind: WidgetKind, name: Box<str>, props: Props) -> WidgetId {
        let id = self.nodes.insert(Node {
            kind,
            name,
            parent: None,
            children: Vec::new(),
            props,
            in_document: false,
            digest: NodeDigest::default(),
        });
        self.unwritten_own.push(id);
        id
    }

    /// Appends a detached child under a detached parent, while building a
    /// subtree that is not yet in the document.
    pub(crate) fn adopt_detached(&mut self, parent: WidgetId, child: WidgetId) {
        self.nodes[child].parent = Some(parent);
        self.nodes[parent].children.push(child);
        self.touch_tree(parent);
    }

    /// Frees the subtree at `id` if it is out of the document and no longer
    /// wanted by the history. Its ids never resolve again.
    pub(crate) fn free_detached(&mut self, id: WidgetId) {
        let Some(node) = self.nodes.get(id) else { return };
        if node.in_document || node.parent.is_some() {
            return;
        }
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            if let Some(node) = self.nodes.remove(n) {
                stack.extend(node.children);
            }
        }
    }

    /// Marks a subtree in or out of the document, listing or unlisting its names.
    fn set_in_document(&mut self, subtree: &[WidgetId], value: bool) {
        for n in subtree {
            let node = &mut self.nodes[*n];
            node.in_document = value;
            if value {
                self.names.insert(node.name.clone(), *n);
                self.numbered_names.insert(&node.name);
            } else {
                self.names.remove(&node.name);
                self.numbered_names.remove(&node.name);
            }
        }
        if value {
            self.keep_names_half_full();
        }
    }

    /// Keeps the name index at most half full. Every paste and its undo
    /// put names in and take them out; a hash map fills with tombstones
    /// that way, and when they use up its room it rehashes in place if it
    /// is at most half full, and doubles if not, at an edit that depends on
    /// its random hash seed. `trellis leakcheck` saw that doubling as heap
    /// growth at a random cycle (13 KiB on a 300-widget design). Making the
    /// room when the document grows keeps a session of edits and undos on
    /// a flat heap, at the cost of a name index twice as large.
    pub(crate) fn keep_names_half_full(&mut self) {
        let n = self.names.len();
        if n > self.names_room {
            // Room for `2n + 2` names: the insert that finds the tombstones
            // has used up the room rehashes in place while at most `n` are listed.
            self.names.reserve(n + 2);
            self.names_room = n;
        }
    }

    fn check_container(&self, parent: WidgetId) -> Result<(), ModelError> {
        let p = self.get(parent)?;
        if !p.kind().is_container() {
            return Err(ModelError::NotAContainer { name: p.name().to_owned(), kind: p.kind() });
        }
        Ok(())
    }

    pub(crate) fn check_fits(&self, parent: WidgetId, subtree_root: WidgetId, adding: usize) -> Result<(), ModelError> {
        let depth = self.depth(parent) + 1 + self.subtree_height(subtree_root);
        if depth > limits::MAX_DEPTH {
            return Err(ModelError::TooDeep { limit: limits::MAX_DEPTH });
        }
        if self.live + adding > limits::MAX_WIDGETS {
            return Err(ModelError::TooManyWidgets { limit: limits::MAX_WIDGETS });
        }
        Ok(())
    }

    /// Applies one primitive operation; returns its inverse. On error the
    /// document is unchanged.
    pub(crate) fn apply(&mut self, op: Op) -> Result<Op, ModelError> {
        let inverse = match op {
            Op::Attach { id, parent, index } => {
                let node = self.nodes.get(id).ok_or(ModelError::UnknownWidget(id))?;
                if node.in_document || node.parent.is_some() {
                    return Err(ModelError::AlreadyAttached { id });
                }
                if node.kind.is_root_only() {
                    return Err(ModelError::WindowNotRoot);
                }
                self.check_container(parent)?;
                let mut subtree = Vec::new();
                self.collect_subtree(id, &mut subtree);
                self.check_fits(parent, id, subtree.len())?;
                if let Some(taken) =
                    subtree.iter().map(|n| &self.nodes[*n].name).find(|name| self.names.contains_key(*name))
                {
                    return Err(ModelError::DuplicateName(taken.to_string()));
                }
                let siblings = &mut self.nodes[parent].children;
                let index = index.min(siblings.len());
                siblings.insert(index, id);
                self.nodes[id].parent = Some(parent);
                self.touch_tree(parent);
                self.set_in_document(&subtree, true);
                self.live += subtree.len();
                self.announce(Change::Inserted { id, parent, index });
                Op::Detach { id }
            }
            Op::Detach { id } => {
                self.get(id)?;
                let parent = self.nodes[id].parent.ok_or(ModelError::RootIsFixed)?;
                let siblings = &mut self.nodes[parent].children;
                let index = siblings.iter().position(|c| *c == id).expect("a child is listed by its parent");
                siblings.remove(index);
                self.touch_tree(parent);
                self.nodes[id].parent = None;
                let mut subtree = Vec::new();
                self.collect_subtree(id, &mut subtree);
                self.set_in_document(&subtree, false);
                self.live -= subtree.len();
                self.announce(Change::Removed { id, parent, index, subtree });
                Op::Attach { id, parent, index }
            }
            Op::Move { id, parent, index } => {
                self.get(id)?;
                let from = self.nodes[id].parent.ok_or(ModelError::RootIsFixed)?;
                self.check_container(parent)?;
                if self.is_ancestor_or_self(id, parent) {
                    return Err(ModelError::WouldCycle {
                        name: self.nodes[id].name.to_string(),
                        target: self.nodes[parent].name.to_string(),
                    });
                }
                if from != parent {
                    let depth = self.depth(parent) + 1 + self.subtree_height(id);
                    if depth > limits::MAX_DEPTH {
                        return Err(ModelError::TooDeep { limit: limits::MAX_DEPTH });
                    }
                }
                let old = &mut self.nodes[from].children;
                let old_index = old.iter().position(|c| *c == id).expect("a child is listed by its parent");
                old.remove(old_index);
                self.touch_tree(from);
                let new = &mut self.nodes[parent].children;
                let index = index.min(new.len());
                new.insert(index, id);
                self.nodes[id].parent = Some(parent);
                self.touch_tree(parent);
                self.announce(Change::Moved { id, from, to: parent, index });
                Op::Move { id, parent: from, index: old_index }
            }
            Op::SetProps { id, values } => {
                let widget = self.get(id)?;
                let kind = widget.kind();
                for (key, value) in &values {
                    check_prop(kind, widget.name(), *key, value.as_ref())?;
                }
                let node = &mut self.nodes[id];
                // Only what really changes is reported and recorded for undo.
                let mut old = PropEdits::with_capacity(values.len());
                for (key, value) in values {
                    let previous = node.props.set(key, value);
                    if node.props.get(key) != previous.as_ref() {
                        old.push((key, previous));
                    }
                }
                let recheck = old.iter().any(|(key, _)| crate::validate::may_conflict(*key));
                if recheck
                    && let Some(problem) = crate::validate::widget_invariants(kind, &node.props).into_iter().next()
                {
                    for (key, value) in old.into_iter().rev() {
                        node.props.set(key, value);
                    }
                    return Err(ModelError::Conflict {
                        name: node.name.to_string(),
                        key: problem.0.name(),
                        reason: problem.1,
                    });
                }
                if !old.is_empty() {
                    self.touch_own(id);
                    let keys = old.iter().map(|(k, _)| *k).collect();
                    self.announce(Change::Props { id, keys });
                }
                old.reverse();
                Op::SetProps { id, values: old }
            }
            Op::Rename { id, name } => {
                self.get(id)?;
                crate::name::check_name(&name)
                    .map_err(|reason| ModelError::InvalidName { name: name.to_string(), reason })?;
                if let Some(other) = self.names.get(&name)
                    && *other != id
                {
                    return Err(ModelError::DuplicateName(name.to_string()));
                }
                let old = std::mem::replace(&mut self.nodes[id].name, name.clone());
                self.touch_own(id);
                self.names.remove(&old);
                self.numbered_names.remove(&old);
                self.numbered_names.insert(&name);
                self.names.insert(name, id);
                self.keep_names_half_full();
                self.announce(Change::Renamed { id });
                Op::Rename { id, name: old }
            }
        };
        self.bump_revision();
        Ok(inverse)
    }

    /// Frees the detached subtrees that a discarded list of operations was
    /// the last to refer to.
    pub(crate) fn release_ops(&mut self, ops: Vec<Op>) {
        for op in ops {
            if let Op::Attach { id, .. } = op {
                self.free_detached(id);
            }
        }
    }
}

pub(crate) fn check_prop(
    kind: WidgetKind,
    name: &str,
    key: PropKey,
    value: Option<&PropValue>,
) -> Result<(), ModelError> {
    if !kind.has(key) {
        return Err(ModelError::NotApplicable { kind, key: key.name() });
    }
    if let Some(value) = value {
        key.spec().check(value).map_err(|reason| ModelError::InvalidValue {
            name: name.to_owned(),
            key: key.name(),
            reason,
        })?;
    }
    Ok(())
}

/// A read-only view of one widget.
#[derive(Clone, Copy)]
pub struct WidgetRef<'a> {
    id: WidgetId,
    node: &'a Node,
}

impl fmt::Debug for WidgetRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WidgetRef")
            .field("id", &self.id)
            .field("kind", &self.node.kind)
            .field("name", &self.node.name)
            .finish()
    }
}

impl<'a> WidgetRef<'a> {
    /// The widget's id.
    pub fn id(&self) -> WidgetId {
        self.id
    }

    /// The widget's kind.
    pub fn kind(&self) -> WidgetKind {
        self.node.kind
    }

    /// The widget's name, unique in the document.
    pub fn name(&self) -> &'a str {
        &self.node.name
    }

    /// The parent; `None` for the root.
    pub fn parent(&self) -> Option<WidgetId> {
        self.node.parent
    }

    /// The children in z-order (later on top).
    pub fn children(&self) -> &'a [WidgetId] {
        &self.node.children
    }

    /// The properties set explicitly (everything else has its default).
    pub fn props(&self) -> &'a Props {
        &self.node.props
    }

    /// The explicit value of `key`, if set.
    pub fn get(&self, key: PropKey) -> Option<&'a PropValue> {
        self.node.props.get(key)
    }

    /// The value of `key`, explicit or default; `None` for an unset auto
    /// length, theme colour or empty text.
    pub fn value(&self, key: PropKey) -> Option<PropValue> {
        self.get(key).cloned().or_else(|| key.spec().default_value())
    }

    /// A number property, explicit or default (0 for an unset length).
    pub fn number(&self, key: PropKey) -> f32 {
        match (self.get(key), key.spec().default) {
            (Some(PropValue::Number(v)), _) => *v,
            (_, DefaultValue::Number(d)) => d,
            _ => 0.0,
        }
    }

    /// A length: `None` means auto.
    pub fn length(&self, key: PropKey) -> Option<f32> {
        match self.get(key) {
            Some(PropValue::Number(v)) => Some(*v),
            _ => None,
        }
    }

    /// A whole-number property, explicit or default.
    pub fn int(&self, key: PropKey) -> i32 {
        match (self.get(key), key.spec().default) {
            (Some(PropValue::Int(v)), _) => *v,
            (_, DefaultValue::Int(d)) => d,
            _ => 0,
        }
    }

    /// A flag property, explicit or default.
    pub fn flag(&self, key: PropKey) -> bool {
        match (self.get(key), key.spec().default) {
            (Some(PropValue::Bool(v)), _) => *v,
            (_, DefaultValue::Bool(d)) => d,
            _ => false,
        }
    }

    /// A text property; empty when unset.
    pub fn text(&self, key: PropKey) -> &'a str {
        match self.get(key) {
            Some(PropValue::Text(t)) => t,
            _ => "",
        }
    }

    /// The `items` entries; empty when unset.
    pub fn items(&self) -> &'a [String] {
        match self.get(PropKey::Items) {
            Some(PropValue::Items(i)) => i,
            _ => &[],
        }
    }

    /// `None` means the theme's colour.
    pub fn color(&self, key: PropKey) -> Option<Color> {
        match self.get(key) {
            Some(PropValue::Color(c)) => Some(*c),
            _ => None,
        }
    }

    /// An alignment property, explicit or default.
    pub fn align(&self, key: PropKey) -> Align {
        match (self.get(key), key.spec().default) {
            (Some(PropValue::Align(v)), _) => *v,
            (_, DefaultValue::Align(d)) => d,
            _ => Align::Start,
        }
    }

    /// The `justify_content` property, explicit or default.
    pub fn justify(&self) -> crate::Justify {
        match self.get(PropKey::JustifyContent) {
            Some(PropValue::Justify(v)) => *v,
            _ => crate::Justify::Start,
        }
    }

    /// A grid template; empty when unset.
    pub fn tracks(&self, key: PropKey) -> &'a [Track] {
        match self.get(key) {
            Some(PropValue::Tracks(t)) => t,
            _ => &[],
        }
    }

    /// How this widget places its children: fixed by the kind for rows,
    /// columns and grids, the `layout` property for panels, windows and
    /// scroll areas.
    pub fn layout(&self) -> LayoutMode {
        match self.node.kind {
            WidgetKind::Row => LayoutMode::Row,
            WidgetKind::Column => LayoutMode::Column,
            WidgetKind::Grid => LayoutMode::Grid,
            WidgetKind::Tabs => LayoutMode::Absolute,
            _ => match self.get(PropKey::Layout) {
                Some(PropValue::Layout(l)) => *l,
                _ => LayoutMode::Absolute,
            },
        }
    }

    /// The frame as written in its properties: position, and size with
    /// auto taken as 0. The geometry crate computes the real layout.
    pub fn frame(&self) -> Rect {
        Rect::new(
            self.number(PropKey::X),
            self.number(PropKey::Y),
            self.length(PropKey::Width).unwrap_or(0.0),
            self.length(PropKey::Height).unwrap_or(0.0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Command, WidgetTree};

    #[test]
    fn the_rectangle_around_many_holds_each_and_no_more() {
        assert_eq!(Rect::around(&[]), None);
        let one = Rect::new(3.0, -2.0, 4.0, 5.0);
        assert_eq!(Rect::around(&[one]), Some(one));
        let rects =
            [one, Rect::new(-1.0, 0.0, 1.0, 1.0), Rect::new(10.0, 9.0, 0.0, 0.0), Rect::new(0.0, -8.0, 1.0, 1.0)];
        assert_eq!(Rect::around(&rects), Some(Rect::new(-1.0, -8.0, 11.0, 17.0)));
        let folded = rects.iter().copied().reduce(|a, b| a.union(&b));
        assert_eq!(Rect::around(&rects), folded, "what folding with union gives, on whole numbers");
        // A NaN edge is passed over; only NaN holds nothing.
        let nan = Rect::new(f32::NAN, 2.0, f32::NAN, 1.0);
        assert_eq!(Rect::around(&[nan, one]), Rect::around(&[one, nan]));
        assert_eq!(Rect::around(&[nan, one]), Some(Rect::new(3.0, -2.0, 4.0, 5.0)));
        assert_eq!(Rect::around(&[Rect::new(f32::NAN, f32::NAN, 1.0, 1.0)]), None);
    }

    /// The first free counter as the runs give it, checked against trying
    /// each name in turn.
    fn check_numbered_names(doc: &Document) {
        for stem in ["label", "button", "panel", "card"] {
            for from in 0..48 {
                let mut naive = from;
                while doc.names.contains_key(format!("{stem}_{naive}").as_str()) {
                    naive += 1;
                }
                assert_eq!(doc.numbered_names.first_free(stem, from), naive, "{stem} from {from}");
            }
        }
    }

    #[test]
    fn numbered_names_follow_inserts_renames_deletes_undo_and_redo() {
        let mut doc = Document::new();
        let root = doc.root;
        let mut seed = 7u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for step in 0..600 {
            let ids: Vec<WidgetId> = doc.iter().map(|w| w.id()).filter(|id| *id != root).collect();
            let pick = |r: u32| ids[r as usize % ids.len()];
            let r = next();
            let _ = match (r % 7, ids.is_empty()) {
                (0 | 1, _) | (_, true) => {
                    let kind = [WidgetKind::Label, WidgetKind::Button, WidgetKind::Panel][next() as usize % 3];
                    doc.execute(Command::Insert { parent: root, index: None, tree: WidgetTree::palette(kind) })
                }
                (2, false) => doc.execute(Command::Rename {
                    id: pick(next()),
                    name: format!("{}_{}", ["label", "card"][next() as usize % 2], next() % 40),
                }),
                (3, false) => doc.execute(Command::Delete { ids: vec![pick(next())] }),
                (4, false) => doc.execute(Command::Duplicate { ids: vec![pick(next())], offset: (4.0, 4.0) }),
                (5, false) => doc.undo().map(|_| Default::default()),
                _ => doc.redo().map(|_| Default::default()),
            };
            if step % 10 == 0 {
                check_numbered_names(&doc);
            }
        }
        check_numbered_names(&doc);
        let text = doc.to_json_string();
        check_numbered_names(&Document::from_json_bytes(text.as_bytes()).unwrap());
    }
}
