//! The errors of editing a document.

use crate::document::WidgetId;
use crate::kind::WidgetKind;

/// Why a command was refused. The document is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    #[error("widget {0:?} is not in the document (it was deleted, or belongs to another document)")]
    UnknownWidget(WidgetId),
    #[error("'{name}' is a {kind}, which cannot hold children: drop it into a panel, row, column or grid instead")]
    NotAContainer { name: String, kind: WidgetKind },
    #[error("the root window cannot be deleted, moved, grouped or duplicated")]
    RootIsFixed,
    #[error("a window can only be the root of a design: use a panel for a nested frame")]
    WindowNotRoot,
    #[error("cannot move '{name}' into '{target}', which is inside it")]
    WouldCycle { name: String, target: String },
    #[error("a {kind} has no property '{key}'")]
    NotApplicable { kind: WidgetKind, key: &'static str },
    #[error("'{name}'.{key}: {reason}")]
    InvalidValue { name: String, key: &'static str, reason: String },
    #[error("'{name}' is not a valid widget name: {reason}")]
    InvalidName { name: String, reason: String },
    #[error("the name '{0}' is already used by another widget: choose another")]
    DuplicateName(String),
    #[error("this would nest widgets more than {limit} levels deep, the most a design may have")]
    TooDeep { limit: usize },
    #[error("this would make the design larger than {limit} widgets, the most a design may have")]
    TooManyWidgets { limit: usize },
    #[error("{0}")]
    Selection(String),
    #[error("a gesture is still in progress: finish or cancel it first")]
    TransactionOpen,
    #[error("internal error: {0}")]
    Internal(String),
}
