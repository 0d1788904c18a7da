//! Input events: what the app (or a test, a benchmark, a replay) feeds the
//! editor. Positions are in logical screen pixels of the canvas.

use serde::{Deserialize, Serialize};
use trellis_model::WidgetKind;

use crate::settings::Settings;

/// The modifier keys held during an input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modifiers {
    /// Shift: extend the selection, keep the aspect ratio.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shift: bool,
    /// Control, or Command on macOS.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ctrl: bool,
    /// Alt (Option on macOS): duplicate on drag, no snapping, resize from the centre.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub alt: bool,
}

impl Modifiers {
    /// No modifier held.
    pub const NONE: Modifiers = Modifiers { shift: false, ctrl: false, alt: false };
    /// Shift alone.
    pub const SHIFT: Modifiers = Modifiers { shift: true, ctrl: false, alt: false };
    /// Control (or Command) alone.
    pub const CTRL: Modifiers = Modifiers { shift: false, ctrl: true, alt: false };
    /// Alt alone.
    pub const ALT: Modifiers = Modifiers { shift: false, ctrl: false, alt: true };
}

/// A pointer button.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Button {
    /// Selects, moves, resizes, draws marquees, drops from the palette.
    Primary,
    /// Pans.
    Middle,
    /// Not bound on the canvas.
    Secondary,
}

/// A key the editor reacts to (others never reach it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Key {
    /// Cancels the gesture under way, or clears the selection.
    Escape,
    /// Deletes the selection.
    Delete,
    /// Deletes the selection, as Delete does.
    Backspace,
    /// Not bound on the canvas.
    Enter,
    /// Held, turns a primary drag into a pan.
    Space,
    /// Nudges the selection left (shift: by ten).
    Left,
    /// Nudges the selection right (shift: by ten).
    Right,
    /// Nudges the selection up (shift: by ten).
    Up,
    /// Nudges the selection down (shift: by ten).
    Down,
    /// A letter, digit or symbol key, as its lowercase character.
    Char(char),
}

/// Alignment of a selection against its bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlignTo {
    /// Left edges on the bounds' left edge.
    Left,
    /// Centres on the bounds' vertical centre line.
    HorizontalCenter,
    /// Right edges on the bounds' right edge.
    Right,
    /// Top edges on the bounds' top edge.
    Top,
    /// Centres on the bounds' horizontal centre line.
    VerticalCenter,
    /// Bottom edges on the bounds' bottom edge.
    Bottom,
}

/// Menu and toolbar actions (also reachable by keyboard shortcuts).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Select the window's unlocked children.
    SelectAll,
    /// Select nothing.
    ClearSelection,
    /// Delete the selected widgets.
    Delete,
    /// Copy the selected widgets in place, offset a little, and select the copies.
    Duplicate,
    /// Put the selected widgets on the clipboard (as a `.trellis` design).
    Copy,
    /// Copy, then delete.
    Cut,
    /// Paste the editor's own clipboard.
    Paste,
    /// Put the selected widgets in a new panel.
    Group,
    /// Replace each selected container by its children.
    Ungroup,
    /// Line the selected placed widgets up against their common bounds.
    Align(AlignTo),
    /// Space three or more placed widgets evenly, left to right.
    DistributeHorizontally,
    /// Space three or more placed widgets evenly, top to bottom.
    DistributeVertically,
    /// One step up in the paint order.
    BringForward,
    /// One step down in the paint order.
    SendBackward,
    /// To the top of the paint order.
    BringToFront,
    /// To the bottom of the paint order.
    SendToBack,
    /// Lock the selection (or unlock it, if all of it is locked).
    ToggleLock,
    /// Hide the selection (or show it, if all of it is hidden).
    ToggleHidden,
    /// Zoom and pan to show the whole design.
    ZoomToFit,
    /// Zoom to 100 % around the canvas's centre.
    ZoomTo100,
    /// Undo the last command.
    Undo,
    /// Redo the last undone command.
    Redo,
    /// Turn snapping on or off (allowed during a gesture).
    SetSnapping(bool),
    /// Set the grid size, or `None` for no grid (allowed during a gesture).
    SetGrid(Option<f32>),
}

/// One input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Input {
    /// A button went down at `(x, y)`.
    PointerDown {
        /// Canvas x, in logical pixels.
        x: f32,
        /// Canvas y, in logical pixels.
        y: f32,
        /// Which button.
        button: Button,
        /// The modifiers held.
        #[serde(default)]
        modifiers: Modifiers,
    },
    /// The pointer moved to `(x, y)`, with or without a button down.
    PointerMove {
        /// Canvas x, in logical pixels.
        x: f32,
        /// Canvas y, in logical pixels.
        y: f32,
        /// The modifiers held.
        #[serde(default)]
        modifiers: Modifiers,
    },
    /// A button came up at `(x, y)`.
    PointerUp {
        /// Canvas x, in logical pixels.
        x: f32,
        /// Canvas y, in logical pixels.
        y: f32,
        /// Which button.
        button: Button,
        /// The modifiers held.
        #[serde(default)]
        modifiers: Modifiers,
    },
    /// Scroll: `dx`/`dy` is how far the content moves on screen (egui's
    /// scroll delta; positive `dy` when scrolling up). Pans, or with ctrl
    /// zooms around the pointer (in for positive `dy`).
    Wheel {
        /// Pointer x on the canvas, in logical pixels.
        x: f32,
        /// Pointer y on the canvas, in logical pixels.
        y: f32,
        /// Horizontal content movement, in logical pixels.
        dx: f32,
        /// Vertical content movement, in logical pixels.
        dy: f32,
        /// The modifiers held.
        #[serde(default)]
        modifiers: Modifiers,
    },
    /// A key went down (shortcuts fire here).
    KeyDown {
        /// Which key.
        key: Key,
        /// The modifiers held.
        #[serde(default)]
        modifiers: Modifiers,
    },
    /// A key came up (only space's matters: it ends panning mode).
    KeyUp {
        /// Which key.
        key: Key,
        /// The modifiers held.
        #[serde(default)]
        modifiers: Modifiers,
    },
    /// Typed text (for the in-place text editor the app will add).
    Text {
        /// The characters typed.
        text: String,
    },
    /// The canvas size in logical pixels and the device pixel ratio.
    Viewport {
        /// Canvas width, in logical pixels.
        width: f32,
        /// Canvas height, in logical pixels.
        height: f32,
        /// Device pixels per logical pixel.
        scale: f32,
    },
    /// A drag from the palette starts (the pointer is outside the canvas);
    /// pointer moves follow, and a release over the canvas inserts.
    PaletteDrag {
        /// The kind of widget being dragged in.
        kind: WidgetKind,
    },
    /// The app pastes text from the system clipboard (a `.trellis` design).
    PasteText {
        /// The clipboard's text.
        text: String,
    },
    /// A menu or toolbar action.
    Action(Action),
    /// The layers tree selects widgets by name (an empty list clears the
    /// selection).
    Select {
        /// The widgets' names.
        names: Vec<String>,
        /// Replace the selection, add to it, or toggle each (ctrl-click).
        #[serde(default)]
        mode: SelectMode,
    },
    /// The inspector sets one property on several widgets: one undo step,
    /// all or nothing.
    SetProperty {
        /// The widgets' names.
        names: Vec<String>,
        /// The property, as the design file names it (`fill`, `width`...).
        key: String,
        /// The value as the design file writes it; `null` resets it to the
        /// default.
        value: serde_json::Value,
    },
    /// The layers tree or the inspector renames a widget.
    Rename {
        /// The widget's name now.
        name: String,
        /// Its new name.
        to: String,
    },
    /// The layers tree moves widgets into a container at an index (drag to
    /// reorder or reparent).
    MoveTo {
        /// The widgets' names, in the order they are placed.
        names: Vec<String>,
        /// The container's name.
        parent: String,
        /// Where among its children; `None` appends.
        index: Option<usize>,
    },
    /// The settings dialog replaces the settings.
    Settings(Settings),
    /// The palette inserts a new widget into a container (a click on a
    /// palette entry, or a drop on the layers tree), and selects it.
    Insert {
        /// What to insert.
        kind: WidgetKind,
        /// The container's name; `None` means the selected container, or
        /// the parent of the selected widget, or else the window.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<String>,
        /// Where among its children; `None` appends.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        index: Option<usize>,
    },
}

impl Event {
    /// Whether every number in the event is finite. A NaN or an infinity
    /// means nothing to the editor, and JSON cannot hold one: journaled, it
    /// would turn into `null` and make the journal unreadable.
    pub fn is_finite(&self) -> bool {
        let all = |v: &[f32]| v.iter().all(|x| x.is_finite());
        self.t.is_finite()
            && match &self.input {
                Input::PointerDown { x, y, .. } | Input::PointerMove { x, y, .. } | Input::PointerUp { x, y, .. } => {
                    all(&[*x, *y])
                }
                Input::Wheel { x, y, dx, dy, .. } => all(&[*x, *y, *dx, *dy]),
                Input::Viewport { width, height, scale } => all(&[*width, *height, *scale]),
                Input::Action(Action::SetGrid(Some(g))) => g.is_finite(),
                Input::Settings(s) => {
                    all(&[s.snap_threshold_px, s.drag_threshold_px, s.trail_ms]) && s.grid.is_none_or(f32::is_finite)
                }
                Input::SetProperty { value, .. } => !value.is_number() || value.as_f64().is_some_and(f64::is_finite),
                _ => true,
            }
    }
}

/// How [`Input::Select`] combines with the selection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectMode {
    /// The named widgets become the selection.
    #[default]
    Replace,
    /// The named widgets join the selection.
    Add,
    /// Each named widget joins it, or leaves it if it was selected.
    Toggle,
}

/// An input with its time, in milliseconds since the session started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Milliseconds since the session started (animations and the trail age by it).
    pub t: f64,
    /// What happened.
    #[serde(flatten)]
    pub input: Input,
}
