//! The errors of editing a document.
//!
//! Variants that carry a finer error ([`NameError`], [`PropError`],
//! [`ConflictError`]) keep it as a typed field and print it in their own
//! message, but do not return it from `source()`: callers print these with
//! `to_string()` and with error chains alike, and a chain would print the
//! reason twice.

use crate::document::WidgetId;
use crate::kind::WidgetKind;
use crate::name::NameError;
use crate::property::PropError;
use crate::validate::ConflictError;

/// Why a command was refused. The document is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The id resolves to no widget of this document.
    #[error("widget {0:?} is not in the document (it was deleted, or belongs to another document)")]
    UnknownWidget(WidgetId),
    /// Children were given to a kind that cannot hold any.
    #[error("'{name}' is a {kind}, which cannot hold children: drop it into a panel, row, column or grid instead")]
    NotAContainer {
        /// The name of the would-be parent (or its kind, when it has no name yet).
        name: String,
        /// Its kind.
        kind: WidgetKind,
    },
    /// The edit would delete, move, group or duplicate the root window.
    #[error("the root window cannot be deleted, moved, grouped or duplicated")]
    RootIsFixed,
    /// A window anywhere but at the root.
    #[error("a window can only be the root of a design: use a panel for a nested frame")]
    WindowNotRoot,
    /// A move of a widget into its own subtree.
    #[error("cannot move '{name}' into '{target}', which is inside it")]
    WouldCycle {
        /// The widget moved.
        name: String,
        /// The container it was to go into.
        target: String,
    },
    /// A property the widget's kind does not have.
    #[error("a {kind} has no property '{key}'")]
    NotApplicable {
        /// The widget's kind.
        kind: WidgetKind,
        /// The property's name.
        key: &'static str,
    },
    /// A property value of the wrong type or out of range.
    #[error("'{name}'.{key}: {reason}")]
    InvalidValue {
        /// The widget's name.
        name: String,
        /// The property's name.
        key: &'static str,
        /// What is wrong with the value.
        reason: PropError,
    },
    /// Property values that are each valid but cannot go together.
    #[error("'{name}'.{key}: {reason}")]
    Conflict {
        /// The widget's name.
        name: String,
        /// The property the conflict is reported on.
        key: &'static str,
        /// Which rule the values break.
        reason: ConflictError,
    },
    /// A name that is not a valid identifier in generated code.
    #[error("'{name}' is not a valid widget name: {reason}")]
    InvalidName {
        /// The name given.
        name: String,
        /// Which rule it breaks.
        reason: NameError,
    },
    /// A name another widget of the document already has.
    #[error("the name '{0}' is already used by another widget: choose another")]
    DuplicateName(String),
    /// The edit would nest widgets deeper than [`crate::limits::MAX_DEPTH`].
    #[error("this would nest widgets more than {limit} levels deep, the most a design may have")]
    TooDeep {
        /// The deepest nesting allowed.
        limit: usize,
    },
    /// The edit would make the saved file larger than
    /// [`crate::limits::MAX_FILE_BYTES`], which the loader would refuse.
    #[error(
        "this would make the saved design {size} bytes, more than the {limit} bytes a design file may hold; \
         delete widgets or shorten texts first"
    )]
    FileTooLarge {
        /// The size the saved file would have had, in bytes.
        size: u64,
        /// The largest design file, in bytes.
        limit: u64,
    },
    /// The edit would make the design larger than [`crate::limits::MAX_WIDGETS`].
    #[error("this would make the design larger than {limit} widgets, the most a design may have")]
    TooManyWidgets {
        /// The most widgets a design may have.
        limit: usize,
    },
    /// The widgets given do not suit the command.
    #[error(transparent)]
    Selection(#[from] SelectionError),
    /// Undo, redo or a new gesture while a gesture is being recorded.
    #[error("a gesture is still in progress: finish or cancel it first")]
    TransactionOpen,
    /// A widget attached while already in the document or under a parent:
    /// a bug in the model, never the user's doing.
    #[error("internal error: widget {id:?} is already attached, so it cannot be attached again")]
    AlreadyAttached {
        /// The widget.
        id: WidgetId,
    },
}

/// Why the widgets given to a command do not suit it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SelectionError {
    /// Group was given no widgets.
    #[error("select the widgets to group first")]
    NothingToGroup,
    /// Group was given widgets under different parents.
    #[error("only widgets with the same parent can be grouped: select siblings")]
    DifferentParents,
    /// Ungroup was given a widget that holds no children by its kind.
    #[error("'{name}' is a {kind}, not a container, so there is nothing to ungroup")]
    NotAGroup {
        /// The widget's name.
        name: String,
        /// Its kind.
        kind: WidgetKind,
    },
}
