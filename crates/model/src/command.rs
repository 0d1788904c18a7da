//! Commands: the edits a user makes, each built from reversible primitive
//! operations, recorded as one undo step (or as part of an open gesture).

use foldhash::{HashSet, HashSetExt};

use smallvec::smallvec;

use crate::document::{Document, Op, PropEdits, Rect, WidgetId, check_prop};
use crate::error::{ModelError, SelectionError};
use crate::history::{Pending, Transaction};
use crate::kind::WidgetKind;
use crate::limits;
use crate::property::{LayoutMode, PropKey, PropValue, Props};

/// The most inverse operations' room kept from one command of a
/// transaction for the next (`Document::inverse_room`): a nudge's command
/// makes one or two.
const MAX_INVERSE_ROOM: usize = 16;

/// A widget and its subtree outside any document: what the palette makes,
/// what copy puts on the clipboard and what paste inserts.
#[derive(Clone, Debug, PartialEq)]
pub struct WidgetTree {
    /// What the widget is.
    pub kind: WidgetKind,
    /// `None` lets the document choose; a taken name gets a numbered suffix.
    pub name: Option<String>,
    /// The properties set explicitly.
    pub props: Props,
    /// The children, in z-order (later on top).
    pub children: Vec<WidgetTree>,
}

impl WidgetTree {
    /// A bare widget: every property at its default.
    pub fn bare(kind: WidgetKind) -> Self {
        Self { kind, name: None, props: Props::default(), children: Vec::new() }
    }

    /// A widget as the palette makes it: a usable size and sample content.
    pub fn palette(kind: WidgetKind) -> Self {
        let (w, h) = kind.palette_size();
        let text = |t: &str| Some(PropValue::Text(t.into()));
        let items = |prefix: &str, n: usize| Some(PropValue::Items((1..=n).map(|i| format!("{prefix} {i}")).collect()));
        let mut tree =
            Self::bare(kind).with(PropKey::Width, PropValue::Number(w)).with(PropKey::Height, PropValue::Number(h));
        let extra: &[(PropKey, Option<PropValue>)] = match kind {
            WidgetKind::Window => &[(PropKey::Text, text("Untitled"))],
            WidgetKind::Label => &[(PropKey::Text, text("Label"))],
            WidgetKind::Button => {
                &[(PropKey::Text, text("Button")), (PropKey::TextAlign, Some(PropValue::Align(crate::Align::Center)))]
            }
            WidgetKind::TextInput => &[(PropKey::Placeholder, text("Type here"))],
            WidgetKind::TextArea => &[(PropKey::Placeholder, text("Write something"))],
            WidgetKind::Checkbox => &[(PropKey::Text, text("Checkbox"))],
            WidgetKind::Toggle => &[(PropKey::Text, text("Toggle"))],
            WidgetKind::Slider => &[(PropKey::Value, Some(PropValue::Number(50.0)))],
            WidgetKind::ProgressBar => &[(PropKey::Value, Some(PropValue::Number(40.0)))],
            WidgetKind::Row | WidgetKind::Column => &[(PropKey::Gap, Some(PropValue::Number(8.0)))],
            WidgetKind::Grid => &[
                (PropKey::Gap, Some(PropValue::Number(8.0))),
                (PropKey::GridColumns, Some(PropValue::Tracks(vec![crate::Track::Fr(1.0); 2]))),
            ],
            _ => &[],
        };
        for (key, value) in extra {
            tree.props.set(*key, value.clone());
        }
        match kind {
            WidgetKind::Dropdown | WidgetKind::RadioGroup => {
                tree.props.set(PropKey::Items, items("Option", 3));
                tree.props.set(PropKey::Selected, Some(PropValue::Int(0)));
            }
            WidgetKind::List => {
                tree.props.set(PropKey::Items, items("Item", 5));
            }
            WidgetKind::Tabs => {
                tree.props.set(PropKey::Items, items("Tab", 2));
                tree.props.set(PropKey::Selected, Some(PropValue::Int(0)));
            }
            _ => {}
        }
        tree
    }

    /// Asks for a name (the document numbers it if it is taken).
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets a property (checked when the tree is inserted).
    pub fn with(mut self, key: PropKey, value: PropValue) -> Self {
        self.props.set(key, Some(value));
        self
    }

    /// Sets the position in the parent (absolute layout).
    pub fn at(self, x: f32, y: f32) -> Self {
        self.with(PropKey::X, PropValue::Number(x)).with(PropKey::Y, PropValue::Number(y))
    }

    /// Appends a child on top of the others.
    pub fn child(mut self, child: WidgetTree) -> Self {
        self.children.push(child);
        self
    }

    /// Number of widgets in the tree.
    pub fn count(&self) -> usize {
        let mut n = 0;
        let mut stack = vec![self];
        while let Some(t) = stack.pop() {
            n += 1;
            stack.extend(t.children.iter());
        }
        n
    }
}

/// Where a reorder moves widgets among their siblings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZOrder {
    /// One step up, over the next sibling.
    Forward,
    /// One step down, under the previous sibling.
    Backward,
    /// Over every sibling.
    ToFront,
    /// Under every sibling.
    ToBack,
}

/// An edit. Every command is reversible and all-or-nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Inserts a widget or subtree (from the palette, or a paste) under
    /// `parent` at `index` (`None`: on top).
    Insert {
        /// The container to insert into.
        parent: WidgetId,
        /// Position among its children (`None`: on top).
        index: Option<usize>,
        /// What to insert.
        tree: WidgetTree,
    },
    /// Deletes widgets with their subtrees.
    Delete {
        /// The widgets (a widget under another listed one goes with it).
        ids: Vec<WidgetId>,
    },
    /// Moves widgets under `parent` (reparenting if needed), placed together
    /// at `index` among the siblings that stay (`None`: on top).
    Move {
        /// The widgets, in the order they end up in.
        ids: Vec<WidgetId>,
        /// The container they go into.
        parent: WidgetId,
        /// Position among the siblings that stay (`None`: on top).
        index: Option<usize>,
    },
    /// Sets position and size.
    SetFrame {
        /// The widget.
        id: WidgetId,
        /// Its new position and size.
        frame: Rect,
    },
    /// Places one widget at (`x`, `y`) in its parent, as a drag does every
    /// frame: as two operations of one property each, which keep their
    /// values and their inverses inline ([`Command::SetProperties`] with
    /// both took a heap block for the list, and its undo another).
    SetPosition {
        /// The widget.
        id: WidgetId,
        /// Its new left edge, in its parent.
        x: f32,
        /// Its new top edge, in its parent.
        y: f32,
    },
    /// Sets one property on several widgets (`None` resets it to default).
    SetProperty {
        /// The widgets; all must have the property.
        ids: Vec<WidgetId>,
        /// The property.
        key: PropKey,
        /// The value (`None`: the default).
        value: Option<PropValue>,
    },
    /// Sets several properties on one widget.
    SetProperties {
        /// The widget.
        id: WidgetId,
        /// The properties and their values (`None`: the default).
        values: Vec<(PropKey, Option<PropValue>)>,
    },
    /// Gives a widget a new name, which must be valid and free.
    Rename {
        /// The widget.
        id: WidgetId,
        /// Its new name.
        name: String,
    },
    /// Changes the z-order among siblings.
    Reorder {
        /// The widgets.
        ids: Vec<WidgetId>,
        /// Where they go.
        to: ZOrder,
    },
    /// Wraps siblings in a new container of `kind`, which keeps their place.
    Group {
        /// The widgets; they must share a parent.
        ids: Vec<WidgetId>,
        /// The container's kind.
        kind: WidgetKind,
    },
    /// Replaces a container by its children.
    Ungroup {
        /// The container.
        id: WidgetId,
    },
    /// Moves widgets placed at their x and y by a distance: each one's x
    /// grows by `by.0` and its y by `by.1`, an axis moved by zero left as
    /// it is (a nudge of the selection by the arrow keys).
    Shift {
        /// The widgets (one listed twice moves twice); each must take the
        /// axes moved.
        ids: Vec<WidgetId>,
        /// How far, in design pixels.
        by: (f32, f32),
    },
    /// Copies widgets next to themselves, shifted by `offset`.
    Duplicate {
        /// The widgets.
        ids: Vec<WidgetId>,
        /// How far the copies are from the originals, in design pixels.
        offset: (f32, f32),
    },
}

impl Command {
    /// The label of the undo step ("Undo Delete").
    pub fn label(&self) -> String {
        let plural = |n: usize, what: &str| if n == 1 { what.to_owned() } else { format!("{what} {n} widgets") };
        match self {
            Command::Insert { tree, .. } => format!("Insert {}", tree.kind.label()),
            Command::Delete { ids } => plural(ids.len(), "Delete"),
            Command::Move { ids, .. } => plural(ids.len(), "Move"),
            Command::SetFrame { .. } | Command::SetPosition { .. } => "Move".into(),
            Command::SetProperty { key, .. } => format!("Set {}", key.name()),
            Command::SetProperties { .. } => "Edit properties".into(),
            Command::Rename { .. } => "Rename".into(),
            Command::Reorder { .. } => "Reorder".into(),
            Command::Group { .. } => "Group".into(),
            Command::Ungroup { .. } => "Ungroup".into(),
            Command::Duplicate { ids, .. } => plural(ids.len(), "Duplicate"),
            Command::Shift { ids, .. } => plural(ids.len(), "Move"),
        }
    }
}

/// What a command made.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Widgets created (inserted, duplicated, or the new group).
    pub created: Vec<WidgetId>,
}

/// Whether `commands` are all property edits, each of a widget no other
/// edits (a nudge, a property set on a selection widget by widget): then
/// none of their properties can be recorded twice in their transaction.
/// `slots` is about as many slots as the arena has (a bit each is kept).
fn edits_each_widget_once(commands: &[Command], slots: usize) -> bool {
    let mut seen = vec![0u64; slots.div_ceil(64)];
    let mut first = |id: &WidgetId| {
        let (word, bit) = (id.slot() / 64, 1u64 << (id.slot() % 64));
        if word >= seen.len() {
            seen.resize(word + 1, 0);
        }
        let first = seen[word] & bit == 0;
        seen[word] |= bit;
        first
    };
    commands.iter().all(|c| match c {
        Command::SetProperties { id, .. } | Command::SetPosition { id, .. } => first(id),
        Command::Shift { ids, .. } => ids.iter().all(&mut first),
        _ => false,
    })
}

/// How many widgets ahead of the one edited [`Document::execute_all`] (by
/// commands) and [`Command::Shift`] (by widgets) have it fetched into the
/// cache (a nudge of everything edits 5,556 widgets at 100,000, each a
/// wait on memory otherwise).
const PREFETCH_AHEAD: usize = crate::FETCH_AHEAD;

impl Document {
    /// Starts recording a gesture: every command until [`Document::commit`]
    /// becomes one undo step.
    pub fn begin(&mut self, label: impl Into<String>) -> Result<(), ModelError> {
        if self.history.pending.is_some() {
            return Err(ModelError::TransactionOpen);
        }
        self.history.pending = Some(Pending::new(label.into()));
        Ok(())
    }

    /// Whether a gesture is being recorded.
    pub fn in_transaction(&self) -> bool {
        self.history.pending.is_some()
    }

    /// Ends the gesture; returns whether it recorded an undo step.
    pub fn commit(&mut self) -> bool {
        let Some(pending) = self.history.pending.take() else { return false };
        if pending.inverses.is_empty() {
            return false;
        }
        let mut ops = pending.inverses;
        ops.reverse();
        self.push_undo(Transaction { label: pending.label, ops });
        true
    }

    /// Cancels the gesture, restoring the document as it was at `begin`.
    pub fn rollback(&mut self) {
        let Some(pending) = self.history.pending.take() else { return };
        let mut ops = pending.inverses;
        ops.reverse();
        let redo = self.apply_all(ops).expect("the inverse of applied operations applies");
        self.release_ops(redo);
        self.refresh_digests();
    }

    /// Runs a command. Outside a gesture it is one undo step; inside, it
    /// joins the gesture. On error nothing changes.
    pub fn execute(&mut self, command: Command) -> Result<Outcome, ModelError> {
        self.execute_checked(command, true)
    }

    /// [`Document::execute`], checking the saved size after the command
    /// when `check_size`; [`Document::execute_all`] checks it once, after
    /// every command (each check refreshes the root's summary, whose cost
    /// grows with its children: per command, a thousand commands on a
    /// design of 100,000 widgets took half a second).
    fn execute_checked(&mut self, command: Command, check_size: bool) -> Result<Outcome, ModelError> {
        // Inside a transaction the transaction's label is the step's: a
        // nudge of everything runs 5,556 commands at 100,000 widgets.
        let label = if self.history.pending.is_none() { command.label() } else { String::new() };
        let mut inverses =
            if self.history.pending.is_some() { std::mem::take(&mut self.inverse_room) } else { Vec::new() };
        let mut created_detached = Vec::new();
        // A design loaded from a compact file may save larger than the
        // limit; an edit that does not grow it stays possible (deleting).
        let size_before = if check_size { self.saved_size() } else { 0 };
        let result = self.run(command, &mut inverses, &mut created_detached).and_then(|outcome| {
            if check_size {
                self.refresh_digests();
                let size = self.saved_size();
                if size > limits::MAX_FILE_BYTES && size > size_before {
                    return Err(ModelError::FileTooLarge { size, limit: limits::MAX_FILE_BYTES });
                }
            }
            Ok(outcome)
        });
        for id in created_detached {
            self.free_detached(id);
        }
        match result {
            Ok(outcome) => {
                match &mut self.history.pending {
                    _ if inverses.is_empty() => self.keep_inverse_room(inverses),
                    Some(pending) => {
                        pending.record(&mut inverses);
                        self.keep_inverse_room(inverses);
                    }
                    None => {
                        inverses.reverse();
                        self.push_undo(Transaction { label, ops: inverses });
                    }
                }
                Ok(outcome)
            }
            Err(e) => {
                inverses.reverse();
                let redo = self.apply_all(inverses).expect("the inverse of applied operations applies");
                self.release_ops(redo);
                self.refresh_digests();
                Err(e)
            }
        }
    }

    /// Keeps an emptied vector of inverses for the next command, where it
    /// has more room than the one kept (a command outside a transaction
    /// that changed nothing brings back none).
    fn keep_inverse_room(&mut self, room: Vec<Op>) {
        debug_assert!(room.is_empty(), "the inverses were recorded before their room is kept");
        // A room one large command grew (a property set on 1,000 widgets)
        // would stay for the rest of the session.
        if room.capacity() <= MAX_INVERSE_ROOM && room.capacity() > self.inverse_room.capacity() {
            self.inverse_room = room;
        }
    }

    /// Runs several commands as one undo step, all or nothing.
    pub fn execute_all(&mut self, label: impl Into<String>, commands: Vec<Command>) -> Result<Outcome, ModelError> {
        self.hold_changes();
        let done = self.execute_all_held(label, commands);
        self.tell_held_changes();
        done
    }

    /// [`Document::execute_all`], with `alongside` run on this thread,
    /// after the commands, while the edited widgets' parts of the saved
    /// file are written on another (from 256 of them: a paste of 1,000
    /// widgets, a nudge of everything, which edits 5,556 cards at 100,000
    /// widgets). The editor lays the design out there, which needs
    /// nothing of those parts.
    ///
    /// Observers are told of the edit before `alongside` runs, so that
    /// it can follow it. The saved size is checked after: an edit that
    /// would outgrow the file is then undone, observers are told of that
    /// too, and `Err` is returned, the document as it was before. A
    /// command that fails undoes the edit before `alongside` runs.
    ///
    /// `alongside` must not panic: the transaction would be left open.
    /// What it asks of the saved file (`content_hash`, `saved_size`) is
    /// right but costs writing the edited widgets' parts and their
    /// ancestors' on this thread (nearly the whole design, for a nudge of
    /// everything), those not yet written.
    pub fn execute_all_alongside<R>(
        &mut self,
        label: impl Into<String>,
        commands: Vec<Command>,
        alongside: impl FnOnce(&Document) -> R,
    ) -> (Result<Outcome, ModelError>, R) {
        let (checked, done, _) =
            self.execute_all_alongside_on(crate::digest::digest_threads(), label, commands, alongside);
        (checked, done)
    }

    /// [`Document::execute_all_alongside`] with a helper thread when
    /// `threads` is 2 or more; also returns how many parts the helper
    /// wrote.
    pub(crate) fn execute_all_alongside_on<R>(
        &mut self,
        threads: usize,
        label: impl Into<String>,
        commands: Vec<Command>,
        alongside: impl FnOnce(&Document) -> R,
    ) -> (Result<Outcome, ModelError>, R, usize) {
        self.hold_changes();
        let ran = self.run_all(label, commands);
        self.tell_held_changes();
        let (outcome, size_before) = match ran {
            Ok(ran) => ran,
            Err(e) => return (Err(e), alongside(self), 0),
        };
        let (done, written) = self.refresh_digests_alongside(threads, alongside);
        self.hold_changes();
        let checked = self.commit_within_limit(size_before);
        self.tell_held_changes();
        (checked.map(|()| outcome), done, written)
    }

    /// [`Document::execute_all`] while its changes are held.
    fn execute_all_held(&mut self, label: impl Into<String>, commands: Vec<Command>) -> Result<Outcome, ModelError> {
        let (outcome, size_before) = self.run_all(label, commands)?;
        self.refresh_digests();
        self.commit_within_limit(size_before).map(|()| outcome)
    }

    /// Runs the commands in a transaction left open, with the saved size
    /// before them; the first that fails closes it, undoing the others.
    fn run_all(&mut self, label: impl Into<String>, commands: Vec<Command>) -> Result<(Outcome, u64), ModelError> {
        self.begin(label)?;
        if let Some(pending) = &mut self.history.pending {
            pending.each_once = edits_each_widget_once(&commands, self.nodes.capacity());
        }
        let size_before = self.saved_size();
        let mut outcome = Outcome::default();
        let nodes = self.node_addresses();
        let mut commands = commands.into_iter();
        while let Some(command) = commands.next() {
            if let (Some(at), Some(Command::SetProperties { id, .. })) =
                (&nodes, commands.as_slice().get(2 * PREFETCH_AHEAD))
            {
                Document::prefetch_node(at, *id);
            }
            if let Some(Command::SetProperties { id, .. }) = commands.as_slice().get(PREFETCH_AHEAD) {
                self.prefetch(*id);
            }
            match self.execute_checked(command, false) {
                Ok(o) => outcome.created.extend(o.created),
                Err(e) => {
                    self.rollback();
                    return Err(e);
                }
            }
        }
        Ok((outcome, size_before))
    }

    /// Commits the open transaction unless it grew the saved file past
    /// [`limits::MAX_FILE_BYTES`] (from `size_before`), which undoes it.
    /// The digests must be up to date.
    fn commit_within_limit(&mut self, size_before: u64) -> Result<(), ModelError> {
        let size = self.saved_size();
        if size > limits::MAX_FILE_BYTES && size > size_before {
            self.rollback();
            return Err(ModelError::FileTooLarge { size, limit: limits::MAX_FILE_BYTES });
        }
        self.commit();
        Ok(())
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.history.undo.is_empty()
    }

    /// Whether there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.history.redo.is_empty()
    }

    /// The label of the step undo would revert ("Delete").
    pub fn undo_label(&self) -> Option<&str> {
        self.history.undo.back().map(|t| t.label.as_str())
    }

    /// The label of the step redo would re-apply.
    pub fn redo_label(&self) -> Option<&str> {
        self.history.redo.last().map(|t| t.label.as_str())
    }

    /// Reverts the last undo step; returns whether there was one.
    pub fn undo(&mut self) -> Result<bool, ModelError> {
        if self.history.pending.is_some() {
            return Err(ModelError::TransactionOpen);
        }
        let Some(tx) = self.history.undo.pop_back() else { return Ok(false) };
        self.hold_changes();
        let applied = self.apply_all(tx.ops);
        self.tell_held_changes();
        self.refresh_digests();
        let mut redo = applied?;
        redo.reverse();
        self.history.redo.push(Transaction { label: tx.label, ops: redo });
        Ok(true)
    }

    /// Re-applies the last undone step; returns whether there was one.
    pub fn redo(&mut self) -> Result<bool, ModelError> {
        if self.history.pending.is_some() {
            return Err(ModelError::TransactionOpen);
        }
        let Some(tx) = self.history.redo.pop() else { return Ok(false) };
        self.hold_changes();
        let applied = self.apply_all(tx.ops);
        self.tell_held_changes();
        self.refresh_digests();
        let mut undo = applied?;
        undo.reverse();
        self.history.undo.push_back(Transaction { label: tx.label, ops: undo });
        Ok(true)
    }

    /// Sets how many undo steps are kept; older ones are dropped now.
    pub fn set_history_limit(&mut self, limit: usize) {
        self.history.limit = limit.max(1);
        self.trim_history();
    }

    /// How many undo steps are kept.
    pub fn history_limit(&self) -> usize {
        self.history.limit
    }

    /// Forgets every undo and redo step, freeing the deleted widgets they held.
    pub fn clear_history(&mut self) {
        let undo: Vec<_> = self.history.undo.drain(..).collect();
        let redo: Vec<_> = self.history.redo.drain(..).collect();
        for tx in undo.into_iter().chain(redo) {
            self.release_ops(tx.ops);
        }
    }

    fn push_undo(&mut self, tx: Transaction) {
        let redo: Vec<_> = self.history.redo.drain(..).collect();
        for t in redo {
            self.release_ops(t.ops);
        }
        self.history.undo.push_back(tx);
        self.history.commits += 1;
        self.trim_history();
    }

    /// How many undo steps were ever recorded: changes when a command or a
    /// gesture commits, whatever the history's bound.
    pub fn commits(&self) -> u64 {
        self.history.commits
    }

    fn trim_history(&mut self) {
        while self.history.undo.len() > self.history.limit {
            let oldest = self.history.undo.pop_front().expect("longer than the limit");
            self.release_ops(oldest.ops);
        }
    }

    /// Applies operations in order; on failure reverts those applied and
    /// returns the error. Returns the inverses in application order.
    fn apply_all(&mut self, ops: Vec<Op>) -> Result<Vec<Op>, ModelError> {
        let mut inverses = Vec::with_capacity(ops.len());
        for op in ops {
            match self.apply(op) {
                Ok(inv) => inverses.push(inv),
                Err(e) => {
                    for inv in inverses.into_iter().rev() {
                        let _ = self.apply(inv);
                    }
                    return Err(e);
                }
            }
        }
        Ok(inverses)
    }

    fn step(&mut self, op: Op, inverses: &mut Vec<Op>) -> Result<(), ModelError> {
        match self.apply(op)? {
            // Setting properties to the values they had changes nothing to undo.
            Op::SetProps { values, .. } if values.is_empty() => {}
            inverse => inverses.push(inverse),
        }
        Ok(())
    }

    /// A copy of the subtree at `id`, with names, for the clipboard.
    pub fn extract(&self, id: WidgetId) -> Result<WidgetTree, ModelError> {
        let w = self.get(id)?;
        let mut tree = WidgetTree {
            kind: w.kind(),
            name: Some(w.name().to_owned()),
            props: w.props().clone(),
            children: Vec::new(),
        };
        for child in w.children() {
            tree.children.push(self.extract(*child)?);
        }
        Ok(tree)
    }

    /// Creates `tree` out of the document, checking every widget first.
    fn build_detached(&mut self, tree: WidgetTree, created: &mut Vec<WidgetId>) -> Result<WidgetId, ModelError> {
        let mut stack = vec![&tree];
        while let Some(t) = stack.pop() {
            if t.kind.is_root_only() {
                return Err(ModelError::WindowNotRoot);
            }
            let label = t.name.as_deref().unwrap_or(t.kind.as_str());
            if !t.children.is_empty() && !t.kind.is_container() {
                return Err(ModelError::NotAContainer { name: label.to_owned(), kind: t.kind });
            }
            if let Some(name) = &t.name {
                crate::name::check_name(name)
                    .map_err(|reason| ModelError::InvalidName { name: name.clone(), reason })?;
            }
            for (key, value) in t.props.iter() {
                check_prop(t.kind, label, key, Some(value))?;
            }
            if let Some((key, reason)) = crate::validate::widget_invariants(t.kind, &t.props).into_iter().next() {
                return Err(ModelError::Conflict { name: label.to_owned(), key: key.name(), reason });
            }
            stack.extend(t.children.iter());
        }
        // The tree is taken apart as it is built: each widget's properties
        // move into the document rather than being copied (a paste of a
        // thousand widgets copied each a second time).
        let mut names = crate::name::NameSet::default();
        let WidgetTree { kind, name, props, children } = tree;
        let root = self.build_node(kind, name.as_deref(), props, &mut names);
        created.push(root);
        let mut stack = vec![(children, root)];
        while let Some((children, id)) = stack.pop() {
            for child in children {
                let WidgetTree { kind, name, props, children } = child;
                let cid = self.build_node(kind, name.as_deref(), props, &mut names);
                self.adopt_detached(id, cid);
                stack.push((children, cid));
            }
        }
        Ok(root)
    }

    fn build_node(
        &mut self,
        kind: WidgetKind,
        name: Option<&str>,
        props: Props,
        names: &mut crate::name::NameSet,
    ) -> WidgetId {
        let base = name.unwrap_or(kind.name_prefix());
        let name: Box<str> = self.unique_name_avoiding(base, names).into();
        names.insert(name.clone());
        self.new_detached(kind, name, props)
    }

    /// Siblings in `ids` without the root, without duplicates, without
    /// widgets whose ancestor is also listed.
    fn top_level(&self, ids: &[WidgetId]) -> Result<Vec<WidgetId>, ModelError> {
        let set: HashSet<WidgetId> = ids.iter().copied().collect();
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for id in ids {
            self.get(*id)?;
            if *id == self.root {
                return Err(ModelError::RootIsFixed);
            }
            let mut covered = false;
            let mut at = self.parent(*id);
            while let Some(a) = at {
                if set.contains(&a) {
                    covered = true;
                    break;
                }
                at = self.parent(a);
            }
            if !covered && seen.insert(*id) {
                out.push(*id);
            }
        }
        Ok(out)
    }

    fn run(&mut self, command: Command, inv: &mut Vec<Op>, created: &mut Vec<WidgetId>) -> Result<Outcome, ModelError> {
        let mut outcome = Outcome::default();
        match command {
            Command::Insert { parent, index, tree } => {
                self.get(parent)?;
                let id = self.build_detached(tree, created)?;
                self.step(Op::Attach { id, parent, index: index.unwrap_or(usize::MAX) }, inv)?;
                outcome.created.push(id);
            }
            Command::Delete { ids } => {
                for id in self.top_level(&ids)? {
                    self.step(Op::Detach { id }, inv)?;
                }
            }
            Command::Move { ids, parent, index } => {
                let ids = self.top_level(&ids)?;
                self.get(parent)?;
                let moving: HashSet<WidgetId> = ids.iter().copied().collect();
                let staying: Vec<WidgetId> =
                    self.children(parent).iter().copied().filter(|c| !moving.contains(c)).collect();
                let slot = index.unwrap_or(usize::MAX).min(staying.len());
                let mut before = if slot == 0 { None } else { Some(staying[slot - 1]) };
                for id in ids {
                    // Place each widget right after its predecessor in the final order,
                    // so widgets still waiting to move cannot shift the target.
                    let target = match before {
                        None => 0,
                        Some(p) => {
                            let siblings = self.children(parent);
                            let pos = siblings.iter().position(|c| *c == p).expect("predecessor stays in the parent");
                            let own = siblings.iter().position(|c| *c == id);
                            if own.is_some_and(|o| o < pos) { pos } else { pos + 1 }
                        }
                    };
                    self.step(Op::Move { id, parent, index: target }, inv)?;
                    before = Some(id);
                }
            }
            Command::SetFrame { id, frame } => {
                let values = smallvec![
                    (PropKey::X, Some(PropValue::Number(frame.x))),
                    (PropKey::Y, Some(PropValue::Number(frame.y))),
                    (PropKey::Width, Some(PropValue::Number(frame.w))),
                    (PropKey::Height, Some(PropValue::Number(frame.h))),
                ];
                self.step(Op::SetProps { id, values }, inv)?;
            }
            Command::SetPosition { id, x, y } => {
                self.step(Op::SetProps { id, values: smallvec![(PropKey::X, Some(PropValue::Number(x)))] }, inv)?;
                self.step(Op::SetProps { id, values: smallvec![(PropKey::Y, Some(PropValue::Number(y)))] }, inv)?;
            }
            Command::SetProperty { ids, key, value } => {
                for id in ids {
                    self.step(Op::SetProps { id, values: smallvec![(key, value.clone())] }, inv)?;
                }
            }
            Command::SetProperties { id, values } => {
                self.step(Op::SetProps { id, values: PropEdits::from_vec(values) }, inv)?;
            }
            Command::Shift { ids, by } => self.shift(&ids, by, inv)?,
            Command::Rename { id, name } => {
                self.step(Op::Rename { id, name: name.into() }, inv)?;
            }
            Command::Reorder { ids, to } => self.reorder(&ids, to, inv)?,
            Command::Group { ids, kind } => outcome.created.push(self.group(&ids, kind, inv, created)?),
            Command::Ungroup { id } => self.ungroup(id, inv)?,
            Command::Duplicate { ids, offset } => {
                for id in self.top_level(&ids)? {
                    let mut tree = self.extract(id)?;
                    let w = self.get(id)?;
                    tree.props.set(PropKey::X, Some(PropValue::Number(w.number(PropKey::X) + offset.0)));
                    tree.props.set(PropKey::Y, Some(PropValue::Number(w.number(PropKey::Y) + offset.1)));
                    let parent = w.parent().expect("not the root");
                    let index = self.index_in_parent(id).expect("has a parent") + 1;
                    let copy = self.build_detached(tree, created)?;
                    self.step(Op::Attach { id: copy, parent, index }, inv)?;
                    outcome.created.push(copy);
                }
            }
        }
        Ok(outcome)
    }

    /// [`Command::Shift`]: each widget's node fetched by address, then its
    /// properties, ahead of the one moved (a wait on memory each, at 5,556
    /// widgets a nudge of everything at 100,000).
    fn shift(&mut self, ids: &[WidgetId], (dx, dy): (f32, f32), inv: &mut Vec<Op>) -> Result<(), ModelError> {
        let nodes = self.node_addresses();
        for (k, &id) in ids.iter().enumerate() {
            if let (Some(at), Some(far)) = (&nodes, ids.get(k + 2 * PREFETCH_AHEAD)) {
                Document::prefetch_node(at, *far);
            }
            if let Some(ahead) = ids.get(k + PREFETCH_AHEAD) {
                self.prefetch(*ahead);
            }
            let w = self.get(id)?;
            let values: PropEdits = [(PropKey::X, dx), (PropKey::Y, dy)]
                .into_iter()
                .filter(|(_, d)| *d != 0.0)
                .map(|(key, d)| (key, Some(PropValue::Number(w.number(key) + d))))
                .collect();
            if !values.is_empty() {
                self.step(Op::SetProps { id, values }, inv)?;
            }
        }
        Ok(())
    }

    fn reorder(&mut self, ids: &[WidgetId], to: ZOrder, inv: &mut Vec<Op>) -> Result<(), ModelError> {
        let ids = self.top_level(ids)?;
        let selected: HashSet<WidgetId> = ids.iter().copied().collect();
        let mut by_index: Vec<(WidgetId, WidgetId, usize)> = ids
            .iter()
            .map(|id| (*id, self.parent(*id).expect("not the root"), self.index_in_parent(*id).expect("has a parent")))
            .collect();
        by_index.sort_by_key(|(_, parent, index)| (*parent, *index));
        if matches!(to, ZOrder::Forward | ZOrder::ToBack) {
            by_index.reverse();
        }
        for (id, parent, _) in by_index {
            let index = self.index_in_parent(id).expect("has a parent");
            let len = self.children(parent).len();
            let target = match to {
                ZOrder::ToFront => len - 1,
                ZOrder::ToBack => 0,
                ZOrder::Forward if index + 1 < len && !selected.contains(&self.children(parent)[index + 1]) => {
                    index + 1
                }
                ZOrder::Backward if index > 0 && !selected.contains(&self.children(parent)[index - 1]) => index - 1,
                _ => continue,
            };
            if target != index {
                self.step(Op::Move { id, parent, index: target }, inv)?;
            }
        }
        Ok(())
    }

    fn group(
        &mut self,
        ids: &[WidgetId],
        kind: WidgetKind,
        inv: &mut Vec<Op>,
        created: &mut Vec<WidgetId>,
    ) -> Result<WidgetId, ModelError> {
        let ids = self.top_level(ids)?;
        let Some(first) = ids.first() else { return Err(SelectionError::NothingToGroup.into()) };
        if !kind.is_container() {
            return Err(ModelError::NotAContainer { name: kind.as_str().into(), kind });
        }
        let parent = self.parent(*first).expect("not the root");
        if ids.iter().any(|id| self.parent(*id) != Some(parent)) {
            return Err(SelectionError::DifferentParents.into());
        }
        let mut members: Vec<(usize, WidgetId)> =
            ids.iter().map(|id| (self.index_in_parent(*id).expect("has a parent"), *id)).collect();
        members.sort();
        let bounds = members
            .iter()
            .map(|(_, id)| self.widget(*id).expect("checked").frame())
            .reduce(|a, b| a.union(&b))
            .expect("at least one member");
        let tree = WidgetTree::bare(kind)
            .at(bounds.x, bounds.y)
            .with(PropKey::Width, PropValue::Number(bounds.w))
            .with(PropKey::Height, PropValue::Number(bounds.h));
        let group = self.build_detached(tree, created)?;
        self.step(Op::Attach { id: group, parent, index: members[0].0 }, inv)?;
        for (i, (_, id)) in members.iter().enumerate() {
            self.step(Op::Move { id: *id, parent: group, index: i }, inv)?;
            let frame = self.widget(*id).expect("checked").frame();
            let values = smallvec![
                (PropKey::X, Some(PropValue::Number(frame.x - bounds.x))),
                (PropKey::Y, Some(PropValue::Number(frame.y - bounds.y))),
            ];
            self.step(Op::SetProps { id: *id, values }, inv)?;
        }
        Ok(group)
    }

    fn ungroup(&mut self, id: WidgetId, inv: &mut Vec<Op>) -> Result<(), ModelError> {
        let w = self.get(id)?;
        if id == self.root {
            return Err(ModelError::RootIsFixed);
        }
        if !w.kind().is_container() {
            return Err(SelectionError::NotAGroup { name: w.name().to_owned(), kind: w.kind() }.into());
        }
        let parent = w.parent().expect("not the root");
        let index = self.index_in_parent(id).expect("has a parent");
        // Children of an absolute container keep their place on the canvas.
        let shift = if w.layout() == LayoutMode::Absolute {
            let inset = w.number(PropKey::Padding) + w.number(PropKey::BorderWidth);
            Some((w.number(PropKey::X) + inset, w.number(PropKey::Y) + inset))
        } else {
            None
        };
        let children = w.children().to_vec();
        for (offset, child) in children.into_iter().enumerate() {
            self.step(Op::Move { id: child, parent, index: index + 1 + offset }, inv)?;
            if let Some((dx, dy)) = shift {
                let c = self.widget(child).expect("just moved");
                let values = smallvec![
                    (PropKey::X, Some(PropValue::Number(c.number(PropKey::X) + dx))),
                    (PropKey::Y, Some(PropValue::Number(c.number(PropKey::Y) + dy))),
                ];
                self.step(Op::SetProps { id: child, values }, inv)?;
            }
        }
        self.step(Op::Detach { id }, inv)
    }
}

#[cfg(test)]
mod batches {
    use super::*;
    use crate::property::{PropKey, PropValue};

    fn set(id: WidgetId) -> Command {
        Command::SetProperties { id, values: vec![(PropKey::X, Some(PropValue::Number(1.0)))] }
    }

    /// Which batches record their inverses without looking each up among
    /// those recorded: property edits of distinct widgets only.
    #[test]
    fn only_property_edits_of_distinct_widgets_edit_each_widget_once() {
        let mut doc = Document::new();
        let root = doc.root();
        let ids: Vec<WidgetId> = (0..200)
            .map(|_| {
                let tree = WidgetTree::bare(crate::WidgetKind::Button);
                let outcome = doc.execute(Command::Insert { parent: root, index: None, tree }).unwrap();
                outcome.created[0]
            })
            .collect();
        let slots = doc.nodes.capacity();
        let each: Vec<Command> = ids.iter().map(|id| set(*id)).collect();
        assert!(edits_each_widget_once(&each, slots));
        // Far past the slots said: the bits grow.
        assert!(edits_each_widget_once(&each, 0));
        let mut twice = each.clone();
        twice.push(set(ids[150]));
        assert!(!edits_each_widget_once(&twice, slots));
        let mut other = each.clone();
        other.push(Command::SetProperty { ids: vec![ids[0]], key: PropKey::Y, value: None });
        assert!(!edits_each_widget_once(&other, slots));
        assert!(edits_each_widget_once(&[], slots));
        // A widget deleted and another made in its slot: still one slot.
        doc.execute(Command::Delete { ids: vec![ids[7]] }).unwrap();
        doc.clear_history();
        let tree = WidgetTree::bare(crate::WidgetKind::Button);
        let reborn = doc.execute(Command::Insert { parent: root, index: None, tree }).unwrap().created[0];
        if reborn.slot() == ids[7].slot() {
            assert!(!edits_each_widget_once(&[set(ids[7]), set(reborn)], slots));
        }
    }
}
