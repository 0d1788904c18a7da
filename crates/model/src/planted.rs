//! Leaks planted on purpose in the model's own structures, for
//! `trellis leakcheck --self-test`: each stands for a real bug, so the
//! self-test proves that the live-object counts see what the model holds.
//! Never used in a session.

use crate::document::Document;
use crate::history::Transaction;
use crate::kind::WidgetKind;
use crate::property::Props;

/// A leak the self-test plants in a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlantedLeak {
    /// A panel with a child, out of the document and held by no history
    /// entry, never freed: grows "detached widgets" by two.
    DetachedSubtree,
    /// An undo entry pushed and never popped nor dropped: it holds no
    /// operation, so only "undo entries" grows.
    UndoEntry,
}

impl Document {
    /// Plants one leak of the kind asked for. For the leak check's
    /// self-test only: a session that called it would leak for real.
    pub fn plant_leak(&mut self, leak: PlantedLeak) {
        match leak {
            PlantedLeak::DetachedSubtree => {
                let n = self.nodes.len();
                let panel = self.new_detached(WidgetKind::Panel, format!("planted_panel_{n}").into(), Props::default());
                let label = self.new_detached(WidgetKind::Label, format!("planted_label_{n}").into(), Props::default());
                self.adopt_detached(panel, label);
            }
            PlantedLeak::UndoEntry => {
                let entry = Transaction { label: "planted leak".to_owned(), ops: Vec::new() };
                // Past the history's limit too: a leak does not keep to it.
                self.history.undo.push_back(entry);
            }
        }
    }
}
