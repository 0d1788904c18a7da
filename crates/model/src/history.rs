//! The undo/redo stacks. An entry is one transaction: the inverse
//! operations of everything one command or one gesture did.

use std::collections::{HashSet, VecDeque};
use std::fmt;

use crate::document::{Op, WidgetId};
use crate::property::PropKey;

/// Default number of undo steps kept.
pub const DEFAULT_HISTORY_LIMIT: usize = 1_000;

#[derive(Debug)]
pub(crate) struct Transaction {
    pub(crate) label: String,
    /// Operations to apply, in order, to revert the transaction.
    pub(crate) ops: Vec<Op>,
}

/// A transaction being recorded (a gesture in progress).
#[derive(Debug)]
pub(crate) struct Pending {
    pub(crate) label: String,
    /// Inverses in the order the forward operations were applied.
    pub(crate) inverses: Vec<Op>,
    /// Properties whose original value is already recorded: a drag of 120
    /// moves keeps one inverse, not 120. Hashed by foldhash (randomly
    /// seeded, per set), not SipHash: a nudge of everything at 100,000
    /// widgets records 11,112.
    pub(crate) recorded: HashSet<(WidgetId, PropKey), foldhash::fast::RandomState>,
    /// Set when no property can be recorded twice in this transaction
    /// (a batch editing each widget once, `Document::execute_all`): the
    /// inverses are kept as they come, without `recorded`. Coalescing
    /// only keeps the history small (undo applies inverses in reverse,
    /// so a value recorded twice is restored right either way); a nudge of
    /// everything at 100,000 widgets spent a quarter of its commands'
    /// time filling the set with 5,556 widgets' keys.
    pub(crate) each_once: bool,
}

impl Pending {
    pub(crate) fn new(label: String) -> Self {
        Self { label, inverses: Vec::new(), recorded: HashSet::default(), each_once: false }
    }

    /// Adds the inverses of one successful command, coalescing property
    /// restores that an earlier command of this transaction already holds;
    /// `inverses` is left empty, its room kept.
    pub(crate) fn record(&mut self, inverses: &mut Vec<Op>) {
        if self.each_once {
            self.inverses.append(inverses);
            return;
        }
        for op in inverses.drain(..) {
            match op {
                Op::SetProps { id, mut values } => {
                    // An inverse lists a key its command set twice last set
                    // first: the value from before, which undo must bring
                    // back, is its last.
                    values.reverse();
                    values.retain(|(key, _)| self.recorded.insert((id, *key)));
                    values.reverse();
                    if !values.is_empty() {
                        self.inverses.push(Op::SetProps { id, values });
                    }
                }
                other => self.inverses.push(other),
            }
        }
    }
}

pub(crate) struct History {
    pub(crate) undo: VecDeque<Transaction>,
    pub(crate) redo: Vec<Transaction>,
    pub(crate) limit: usize,
    pub(crate) pending: Option<Pending>,
    /// Undo steps ever recorded.
    pub(crate) commits: u64,
}

impl Default for History {
    fn default() -> Self {
        Self { undo: VecDeque::new(), redo: Vec::new(), limit: DEFAULT_HISTORY_LIMIT, pending: None, commits: 0 }
    }
}

impl fmt::Debug for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("History")
            .field("undo", &self.undo.len())
            .field("redo", &self.redo.len())
            .field("limit", &self.limit)
            .field("pending", &self.pending.as_ref().map(|p| &p.label))
            .finish()
    }
}

impl History {
    pub(crate) fn undo_len(&self) -> usize {
        self.undo.len()
    }

    pub(crate) fn redo_len(&self) -> usize {
        self.redo.len()
    }

    pub(crate) fn op_count(&self) -> usize {
        self.undo.iter().chain(self.redo.iter()).map(|t| t.ops.len()).sum()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.undo.iter().chain(self.redo.iter()).flat_map(|t| t.ops.iter()).map(Op::heap_bytes).sum()
    }
}
