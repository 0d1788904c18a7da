//! Leaks planted on purpose in the session's own structures, for
//! `trellis leakcheck --self-test`: the document's detached widgets and
//! undo stack, the journal's queue and the geometry's layout memo. Each
//! stands for a real bug, so the self-test proves the leak check sees what
//! the session really holds. Never used in a session.

use super::Editor;

/// A leak the self-test plants in an editing session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlantedLeak {
    /// A widget subtree out of the document that no history entry holds:
    /// grows "detached widgets".
    DetachedSubtree,
    /// An undo entry never popped nor dropped: grows "undo entries".
    UndoEntry,
    /// A journal line queued and never written, however often the journal
    /// is flushed: grows "journal lines queued". Needs a journal.
    JournalLine,
    /// A layout memo entry no island will ask for again, as if it had been
    /// kept for a deleted widget: grows "layout memo entries".
    LayoutMemoEntry,
}

impl Editor {
    /// Plants one leak of the kind asked for. For the leak check's
    /// self-test only: a session that called it would leak for real.
    pub fn plant_leak(&mut self, leak: PlantedLeak) {
        match leak {
            PlantedLeak::DetachedSubtree => self.doc.plant_leak(trellis_model::PlantedLeak::DetachedSubtree),
            PlantedLeak::UndoEntry => self.doc.plant_leak(trellis_model::PlantedLeak::UndoEntry),
            PlantedLeak::JournalLine => {
                if let Some(j) = &self.journal {
                    j.plant_stuck_line();
                }
            }
            PlantedLeak::LayoutMemoEntry => self.geometry.plant_memo_leak(),
        }
    }
}
