//! Input events: what the app (or a test, a benchmark, a replay) feeds the
//! editor. Positions are in logical screen pixels of the canvas.

use serde::{Deserialize, Serialize};
use trellis_model::WidgetKind;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modifiers {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shift: bool,
    /// Control, or Command on macOS.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ctrl: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub alt: bool,
}

impl Modifiers {
    pub const NONE: Modifiers = Modifiers { shift: false, ctrl: false, alt: false };
    pub const SHIFT: Modifiers = Modifiers { shift: true, ctrl: false, alt: false };
    pub const CTRL: Modifiers = Modifiers { shift: false, ctrl: true, alt: false };
    pub const ALT: Modifiers = Modifiers { shift: false, ctrl: false, alt: true };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Button {
    Primary,
    Middle,
    Secondary,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Key {
    Escape,
    Delete,
    Backspace,
    Enter,
    Space,
    Left,
    Right,
    Up,
    Down,
    /// A letter, digit or symbol key, as its lowercase character.
    Char(char),
}

/// Alignment of a selection against its bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlignTo {
    Left,
    HorizontalCenter,
    Right,
    Top,
    VerticalCenter,
    Bottom,
}

/// Menu and toolbar actions (also reachable by keyboard shortcuts).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    SelectAll,
    ClearSelection,
    Delete,
    Duplicate,
    Copy,
    Cut,
    /// Paste the editor's own clipboard.
    Paste,
    Group,
    Ungroup,
    Align(AlignTo),
    DistributeHorizontally,
    DistributeVertically,
    BringForward,
    SendBackward,
    BringToFront,
    SendToBack,
    ToggleLock,
    ToggleHidden,
    ZoomToFit,
    ZoomTo100,
    Undo,
    Redo,
    SetSnapping(bool),
    SetGrid(Option<f32>),
}

/// One input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Input {
    PointerDown {
        x: f32,
        y: f32,
        button: Button,
        #[serde(default)]
        modifiers: Modifiers,
    },
    PointerMove {
        x: f32,
        y: f32,
        #[serde(default)]
        modifiers: Modifiers,
    },
    PointerUp {
        x: f32,
        y: f32,
        button: Button,
        #[serde(default)]
        modifiers: Modifiers,
    },
    /// Scroll: `dx`/`dy` is how far the content moves on screen (egui's
    /// scroll delta; positive `dy` when scrolling up). Pans, or with ctrl
    /// zooms around the pointer (in for positive `dy`).
    Wheel {
        x: f32,
        y: f32,
        dx: f32,
        dy: f32,
        #[serde(default)]
        modifiers: Modifiers,
    },
    KeyDown {
        key: Key,
        #[serde(default)]
        modifiers: Modifiers,
    },
    KeyUp {
        key: Key,
        #[serde(default)]
        modifiers: Modifiers,
    },
    /// Typed text (for the in-place text editor the app will add).
    Text {
        text: String,
    },
    /// The canvas size in logical pixels and the device pixel ratio.
    Viewport {
        width: f32,
        height: f32,
        scale: f32,
    },
    /// A drag from the palette starts (the pointer is outside the canvas);
    /// pointer moves follow, and a release over the canvas inserts.
    PaletteDrag {
        kind: WidgetKind,
    },
    /// The app pastes text from the system clipboard (a `.trellis` design).
    PasteText {
        text: String,
    },
    Action(Action),
}

/// An input with its time, in milliseconds since the session started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub t: f64,
    #[serde(flatten)]
    pub input: Input,
}
