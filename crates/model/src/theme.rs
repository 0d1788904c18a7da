//! The light and dark themes: the colours widgets get where they set none
//! of their own, and the accent the editor's overlays are drawn in.

use crate::Color;
use serde::Serialize;

/// The colours a theme gives widgets that do not set their own.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Theme {
    /// The name [`Theme::parse`] takes: `light` or `dark`.
    pub name: &'static str,
    /// Behind the design, where no widget is.
    pub canvas: Color,
    /// A window's fill.
    pub window: Color,
    /// A panel's fill.
    pub panel: Color,
    /// Frames, outlines and separators.
    pub border: Color,
    /// Text.
    pub text: Color,
    /// Secondary marks: placeholders, unselected tabs, scroll bars, arrows.
    pub muted: Color,
    /// Selection and emphasis: the selected tab, checked boxes, filled
    /// tracks, the editor's overlays.
    pub accent: Color,
    /// What is drawn over the accent: check marks, knobs, selected rows' text.
    pub on_accent: Color,
    /// A button's fill.
    pub control: Color,
    /// An input's fill: text inputs, lists, dropdowns, unchecked boxes.
    pub field: Color,
    /// The empty part of sliders, progress bars and toggles.
    pub track: Color,
    /// A window's shadow.
    pub shadow: Color,
}

impl Theme {
    /// Dark text on light surfaces.
    pub const LIGHT: Theme = Theme {
        name: "light",
        canvas: Color::rgb(0xe5, 0xe7, 0xeb),
        window: Color::rgb(0xff, 0xff, 0xff),
        panel: Color::rgb(0xf9, 0xfa, 0xfb),
        border: Color::rgb(0xd1, 0xd5, 0xdb),
        text: Color::rgb(0x11, 0x18, 0x27),
        muted: Color::rgb(0x6b, 0x72, 0x80),
        accent: Color::rgb(0x25, 0x63, 0xeb),
        on_accent: Color::rgb(0xff, 0xff, 0xff),
        control: Color::rgb(0xf3, 0xf4, 0xf6),
        field: Color::rgb(0xff, 0xff, 0xff),
        track: Color::rgb(0xe5, 0xe7, 0xeb),
        shadow: Color::rgba(0, 0, 0, 40),
    };

    /// Light text on dark surfaces.
    pub const DARK: Theme = Theme {
        name: "dark",
        canvas: Color::rgb(0x0b, 0x0f, 0x19),
        window: Color::rgb(0x1f, 0x29, 0x37),
        panel: Color::rgb(0x26, 0x32, 0x42),
        border: Color::rgb(0x37, 0x41, 0x51),
        text: Color::rgb(0xf3, 0xf4, 0xf6),
        muted: Color::rgb(0x9c, 0xa3, 0xaf),
        accent: Color::rgb(0x3b, 0x82, 0xf6),
        on_accent: Color::rgb(0xff, 0xff, 0xff),
        control: Color::rgb(0x37, 0x41, 0x51),
        field: Color::rgb(0x11, 0x18, 0x27),
        track: Color::rgb(0x37, 0x41, 0x51),
        shadow: Color::rgba(0, 0, 0, 90),
    };

    /// The theme of a name (`light`, `dark`); `None` for any other.
    pub fn parse(name: &str) -> Option<Theme> {
        match name {
            "light" => Some(Theme::LIGHT),
            "dark" => Some(Theme::DARK),
            _ => None,
        }
    }
}
