//! Typed widget properties: the key table, value types, ranges and defaults.
//!
//! Every property a widget can have is declared once, in [`PropKey`]'s table,
//! with its file name, type, range, default and the [`Group`] it belongs to.
//! Kinds (see [`crate::WidgetKind`]) say which groups they carry. Values are
//! stored sparsely: a widget keeps only the properties that differ from the
//! default, so the in-memory form and the file form are both canonical.

use std::fmt;

use crate::limits;

/// A colour in sRGB with straight alpha.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: u8,
}

impl Color {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b, a: 255 }
    }

    pub const fn rgba(r: u8, g: u8, b: u8, a: u8) -> Self {
        Self { r, g, b, a }
    }

    /// Parses `#rrggbb` or `#rrggbbaa` (hex digits of either case).
    pub fn parse_hex(text: &str) -> Option<Self> {
        let hex = text.strip_prefix('#')?;
        if !(hex.len() == 6 || hex.len() == 8) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        let a = if hex.len() == 8 { byte(6)? } else { 255 };
        Some(Self::rgba(byte(0)?, byte(2)?, byte(4)?, a))
    }
}

impl serde::Serialize for Color {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.a == 255 {
            write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
        } else {
            write!(f, "#{:02x}{:02x}{:02x}{:02x}", self.r, self.g, self.b, self.a)
        }
    }
}

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The name used in files and in the inspector.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)* _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum! {
    /// How a container places its children.
    LayoutMode { Absolute => "absolute", Row => "row", Column => "column", Grid => "grid" }
}

named_enum! {
    /// Cross-axis alignment (`align_items`, `align_self`) and text alignment.
    /// `Auto` is allowed only for `align_self` (follow the parent), `Stretch`
    /// not for text.
    Align { Auto => "auto", Start => "start", Center => "center", End => "end", Stretch => "stretch" }
}

named_enum! {
    /// Main-axis distribution of a row or column.
    Justify {
        Start => "start",
        Center => "center",
        End => "end",
        SpaceBetween => "space_between",
        SpaceAround => "space_around",
        SpaceEvenly => "space_evenly",
    }
}

/// One track of a grid template.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Track {
    /// A fixed size in design pixels.
    Px(f32),
    /// A share of the free space.
    Fr(f32),
    /// Sized to content.
    Auto,
}

impl Track {
    /// Parses a template such as `"1fr 200px auto"`. A bare count `"3"`
    /// means three equal `1fr` tracks.
    pub fn parse_template(text: &str) -> Result<Vec<Track>, String> {
        let trimmed = text.trim();
        if let Ok(count) = trimmed.parse::<u32>() {
            if count == 0 || count as usize > limits::MAX_GRID_TRACKS {
                return Err(format!("a track count must be 1 to {}", limits::MAX_GRID_TRACKS));
            }
            return Ok(vec![Track::Fr(1.0); count as usize]);
        }
        let mut tracks = Vec::new();
        for token in trimmed.split_whitespace() {
            if tracks.len() == limits::MAX_GRID_TRACKS {
                return Err(format!("more than {} tracks", limits::MAX_GRID_TRACKS));
            }
            let track = if token == "auto" {
                Track::Auto
            } else if let Some(n) = token.strip_suffix("fr") {
                Track::Fr(parse_track_number(n, token)?)
            } else if let Some(n) = token.strip_suffix("px") {
                Track::Px(parse_track_number(n, token)?)
            } else {
                return Err(format!("track '{token}' is not understood: use e.g. '1fr', '120px' or 'auto'"));
            };
            tracks.push(track);
        }
        Ok(tracks)
    }

    pub fn format_template(tracks: &[Track]) -> String {
        let parts: Vec<String> = tracks.iter().map(ToString::to_string).collect();
        parts.join(" ")
    }
}

fn parse_track_number(number: &str, token: &str) -> Result<f32, String> {
    match number.parse::<f32>() {
        Ok(v) if v.is_finite() && (0.0..=limits::MAX_COORDINATE).contains(&v) => Ok(v),
        _ => Err(format!("track '{token}' needs a number from 0 to {}", limits::MAX_COORDINATE)),
    }
}

impl fmt::Display for Track {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Track::Px(v) => write!(f, "{v}px"),
            Track::Fr(v) => write!(f, "{v}fr"),
            Track::Auto => f.write_str("auto"),
        }
    }
}

/// A property value. Absence of a value means the property's default.
#[derive(Clone, Debug, PartialEq)]
pub enum PropValue {
    Number(f32),
    Int(i32),
    Bool(bool),
    Color(Color),
    Text(String),
    Items(Vec<String>),
    Layout(LayoutMode),
    Align(Align),
    Justify(Justify),
    Tracks(Vec<Track>),
}

impl PropValue {
    /// A short description for error messages and the inspector.
    pub fn describe(&self) -> String {
        match self {
            PropValue::Number(v) => v.to_string(),
            PropValue::Int(v) => v.to_string(),
            PropValue::Bool(v) => v.to_string(),
            PropValue::Color(c) => c.to_string(),
            PropValue::Text(t) if t.len() > 40 => format!("{:?}… ({} bytes)", &t[..t.floor_char_boundary(40)], t.len()),
            PropValue::Text(t) => format!("{t:?}"),
            PropValue::Items(items) => format!("{} items", items.len()),
            PropValue::Layout(v) => v.to_string(),
            PropValue::Align(v) => v.to_string(),
            PropValue::Justify(v) => v.to_string(),
            PropValue::Tracks(t) => format!("{:?}", Track::format_template(t)),
        }
    }

    /// Rough heap size, used by the history bound and memory reports.
    pub fn heap_bytes(&self) -> usize {
        match self {
            PropValue::Text(t) => t.capacity(),
            PropValue::Items(items) => {
                items.capacity() * size_of::<String>() + items.iter().map(String::capacity).sum::<usize>()
            }
            PropValue::Tracks(t) => t.capacity() * size_of::<Track>(),
            _ => 0,
        }
    }
}

/// The type of a property, with its allowed range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PropType {
    Number {
        min: f32,
        max: f32,
    },
    /// A number, or `auto` (the default) meaning "sized by content".
    Length {
        min: f32,
        max: f32,
    },
    Int {
        min: i32,
        max: i32,
    },
    Bool,
    /// A colour, or unset (the default) meaning "the theme's colour".
    Color,
    Text {
        max_bytes: usize,
    },
    /// A path relative to the design file; absolute paths are refused so
    /// that a design means the same on every machine.
    RelativePath,
    Items,
    Layout,
    Align {
        allow_auto: bool,
        allow_stretch: bool,
    },
    Justify,
    Tracks,
}

/// Which kinds carry a property: every kind declares a set of groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Group {
    Geometry,
    Child,
    Container,
    LayoutChoice,
    GridTemplate,
    Style,
    Common,
    Text,
    TextAlign,
    Placeholder,
    Checked,
    Range,
    Step,
    Items,
    ImageSource,
}

impl Group {
    pub const fn bit(self) -> u32 {
        1 << self as u32
    }
}

/// The static description of one property.
#[derive(Debug)]
pub struct PropSpec {
    pub key: PropKey,
    /// The name in files, in generated code and in the inspector.
    pub name: &'static str,
    pub group: Group,
    pub ty: PropType,
    pub default: DefaultValue,
    /// One line for the inspector's tooltip.
    pub doc: &'static str,
}

/// The default of a property, available without allocation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DefaultValue {
    Number(f32),
    Auto,
    Int(i32),
    Bool(bool),
    ThemeColor,
    EmptyText,
    EmptyItems,
    Layout(LayoutMode),
    Align(Align),
    Justify(Justify),
    EmptyTracks,
}

// Loading tracks seen keys in a u64 bit set.
const _: () = assert!(PropKey::ALL.len() <= 64);

macro_rules! prop_table {
    ($($key:ident => $name:literal, $group:ident, $ty:expr, $default:expr, $doc:literal;)*) => {
        /// Every property a widget can have.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum PropKey { $($key),* }

        impl PropKey {
            /// All keys, in file order.
            pub const ALL: &'static [PropKey] = &[$(PropKey::$key),*];

            pub fn spec(self) -> &'static PropSpec {
                &SPECS[self as usize]
            }

            pub fn name(self) -> &'static str {
                self.spec().name
            }

            pub fn parse(name: &str) -> Option<PropKey> {
                match name { $($name => Some(PropKey::$key),)* _ => None }
            }
        }

        static SPECS: &[PropSpec] = &[
            $(PropSpec { key: PropKey::$key, name: $name, group: Group::$group, ty: $ty, default: $default, doc: $doc }),*
        ];
    };
}

const COORD: f32 = limits::MAX_COORDINATE;
const TEXT: usize = limits::MAX_STRING_BYTES;

prop_table! {
    X => "x", Geometry, PropType::Number { min: -COORD, max: COORD }, DefaultValue::Number(0.0), "Left edge, relative to the parent's content box (absolute layout).";
    Y => "y", Geometry, PropType::Number { min: -COORD, max: COORD }, DefaultValue::Number(0.0), "Top edge, relative to the parent's content box (absolute layout).";
    Width => "width", Geometry, PropType::Length { min: 0.0, max: COORD }, DefaultValue::Auto, "Width in design pixels, or auto to fit the content.";
    Height => "height", Geometry, PropType::Length { min: 0.0, max: COORD }, DefaultValue::Auto, "Height in design pixels, or auto to fit the content.";
    MinWidth => "min_width", Geometry, PropType::Length { min: 0.0, max: COORD }, DefaultValue::Auto, "Smallest width the layout may give.";
    MinHeight => "min_height", Geometry, PropType::Length { min: 0.0, max: COORD }, DefaultValue::Auto, "Smallest height the layout may give.";
    MaxWidth => "max_width", Geometry, PropType::Length { min: 0.0, max: COORD }, DefaultValue::Auto, "Largest width the layout may give.";
    MaxHeight => "max_height", Geometry, PropType::Length { min: 0.0, max: COORD }, DefaultValue::Auto, "Largest height the layout may give.";
    Layout => "layout", LayoutChoice, PropType::Layout, DefaultValue::Layout(LayoutMode::Absolute), "How children are placed: absolute, row, column or grid.";
    Gap => "gap", Container, PropType::Number { min: 0.0, max: 10_000.0 }, DefaultValue::Number(0.0), "Space between children.";
    Padding => "padding", Container, PropType::Number { min: 0.0, max: 10_000.0 }, DefaultValue::Number(0.0), "Space inside the border, on every side.";
    AlignItems => "align_items", Container, PropType::Align { allow_auto: false, allow_stretch: true }, DefaultValue::Align(Align::Start), "Cross-axis alignment of children.";
    JustifyContent => "justify_content", Container, PropType::Justify, DefaultValue::Justify(Justify::Start), "Main-axis distribution of children.";
    Wrap => "wrap", Container, PropType::Bool, DefaultValue::Bool(false), "Wrap children onto new lines when they do not fit.";
    GridColumns => "grid_columns", GridTemplate, PropType::Tracks, DefaultValue::EmptyTracks, "Column template, e.g. \"1fr 2fr 120px\".";
    GridRows => "grid_rows", GridTemplate, PropType::Tracks, DefaultValue::EmptyTracks, "Row template; rows beyond it are sized to content.";
    Grow => "grow", Child, PropType::Number { min: 0.0, max: 1000.0 }, DefaultValue::Number(0.0), "Share of the free space this child takes in a row or column.";
    Shrink => "shrink", Child, PropType::Number { min: 0.0, max: 1000.0 }, DefaultValue::Number(1.0), "How readily this child gives up space when there is too little.";
    AlignSelf => "align_self", Child, PropType::Align { allow_auto: true, allow_stretch: true }, DefaultValue::Align(Align::Auto), "Cross-axis alignment of this child, overriding the parent's.";
    GridColumn => "grid_column", Child, PropType::Int { min: 0, max: 1000 }, DefaultValue::Int(0), "Grid column (1-based); 0 places it automatically.";
    GridRow => "grid_row", Child, PropType::Int { min: 0, max: 1000 }, DefaultValue::Int(0), "Grid row (1-based); 0 places it automatically.";
    ColumnSpan => "column_span", Child, PropType::Int { min: 1, max: 1000 }, DefaultValue::Int(1), "Number of grid columns this child covers.";
    RowSpan => "row_span", Child, PropType::Int { min: 1, max: 1000 }, DefaultValue::Int(1), "Number of grid rows this child covers.";
    Fill => "fill", Style, PropType::Color, DefaultValue::ThemeColor, "Background colour; unset follows the theme.";
    TextColor => "text_color", Style, PropType::Color, DefaultValue::ThemeColor, "Text colour; unset follows the theme.";
    BorderColor => "border_color", Style, PropType::Color, DefaultValue::ThemeColor, "Border colour; unset follows the theme.";
    BorderWidth => "border_width", Style, PropType::Number { min: 0.0, max: 1000.0 }, DefaultValue::Number(0.0), "Border width in design pixels.";
    CornerRadius => "corner_radius", Style, PropType::Number { min: 0.0, max: 10_000.0 }, DefaultValue::Number(0.0), "Corner radius in design pixels.";
    FontSize => "font_size", Style, PropType::Number { min: 1.0, max: 512.0 }, DefaultValue::Number(14.0), "Font size in design pixels.";
    Opacity => "opacity", Style, PropType::Number { min: 0.0, max: 1.0 }, DefaultValue::Number(1.0), "Opacity from 0 (invisible) to 1.";
    Visible => "visible", Style, PropType::Bool, DefaultValue::Bool(true), "Whether the widget is shown.";
    Locked => "locked", Style, PropType::Bool, DefaultValue::Bool(false), "Locked widgets cannot be selected or moved on the canvas.";
    Enabled => "enabled", Common, PropType::Bool, DefaultValue::Bool(true), "Whether the widget accepts input in the running app.";
    Tooltip => "tooltip", Common, PropType::Text { max_bytes: TEXT }, DefaultValue::EmptyText, "Text shown when hovering the widget.";
    Text => "text", Text, PropType::Text { max_bytes: TEXT }, DefaultValue::EmptyText, "The widget's text (a window's title, a button's label).";
    TextAlign => "text_align", TextAlign, PropType::Align { allow_auto: false, allow_stretch: false }, DefaultValue::Align(Align::Start), "Horizontal alignment of the text.";
    Placeholder => "placeholder", Placeholder, PropType::Text { max_bytes: TEXT }, DefaultValue::EmptyText, "Hint shown while the field is empty.";
    Checked => "checked", Checked, PropType::Bool, DefaultValue::Bool(false), "Whether the box or switch is on.";
    Value => "value", Range, PropType::Number { min: -1.0e9, max: 1.0e9 }, DefaultValue::Number(0.0), "Current value, between min and max.";
    Min => "min", Range, PropType::Number { min: -1.0e9, max: 1.0e9 }, DefaultValue::Number(0.0), "Smallest value.";
    Max => "max", Range, PropType::Number { min: -1.0e9, max: 1.0e9 }, DefaultValue::Number(100.0), "Largest value.";
    Step => "step", Step, PropType::Number { min: 0.0, max: 1.0e9 }, DefaultValue::Number(0.0), "Increment of the value; 0 means continuous.";
    Items => "items", Items, PropType::Items, DefaultValue::EmptyItems, "The choices, list entries or tab titles.";
    Selected => "selected", Items, PropType::Int { min: -1, max: limits::MAX_ITEMS as i32 }, DefaultValue::Int(-1), "Index of the selected item; -1 for none.";
    Image => "image", ImageSource, PropType::RelativePath, DefaultValue::EmptyText, "Image file, relative to the design file.";
}

impl PropSpec {
    /// The default as an owned value, or `None` where the default is
    /// "nothing set" (auto length, theme colour, empty text).
    pub fn default_value(&self) -> Option<PropValue> {
        Some(match self.default {
            DefaultValue::Number(v) => PropValue::Number(v),
            DefaultValue::Int(v) => PropValue::Int(v),
            DefaultValue::Bool(v) => PropValue::Bool(v),
            DefaultValue::Layout(v) => PropValue::Layout(v),
            DefaultValue::Align(v) => PropValue::Align(v),
            DefaultValue::Justify(v) => PropValue::Justify(v),
            DefaultValue::Auto
            | DefaultValue::ThemeColor
            | DefaultValue::EmptyText
            | DefaultValue::EmptyItems
            | DefaultValue::EmptyTracks => {
                return None;
            }
        })
    }

    /// Whether `value` equals the default (and so is not stored).
    pub fn is_default(&self, value: &PropValue) -> bool {
        match (self.default, value) {
            (DefaultValue::Number(d), PropValue::Number(v)) => d.to_bits() == v.to_bits(),
            (DefaultValue::Int(d), PropValue::Int(v)) => d == *v,
            (DefaultValue::Bool(d), PropValue::Bool(v)) => d == *v,
            (DefaultValue::Layout(d), PropValue::Layout(v)) => d == *v,
            (DefaultValue::Align(d), PropValue::Align(v)) => d == *v,
            (DefaultValue::Justify(d), PropValue::Justify(v)) => d == *v,
            (DefaultValue::EmptyText, PropValue::Text(t)) => t.is_empty(),
            (DefaultValue::EmptyItems, PropValue::Items(i)) => i.is_empty(),
            (DefaultValue::EmptyTracks, PropValue::Tracks(t)) => t.is_empty(),
            _ => false,
        }
    }

    /// Checks a value's type and range. The message says what is allowed.
    pub fn check(&self, value: &PropValue) -> Result<(), String> {
        let finite = |v: f32| {
            if v.is_finite() { Ok(()) } else { Err(format!("{v} is not a finite number")) }
        };
        match (self.ty, value) {
            (PropType::Number { min, max } | PropType::Length { min, max }, PropValue::Number(v)) => {
                finite(*v)?;
                if *v < min || *v > max {
                    return Err(format!("{v} is outside the allowed range {min} to {max}"));
                }
                Ok(())
            }
            (PropType::Int { min, max }, PropValue::Int(v)) => {
                if *v < min || *v > max {
                    return Err(format!("{v} is outside the allowed range {min} to {max}"));
                }
                Ok(())
            }
            (PropType::Bool, PropValue::Bool(_)) | (PropType::Color, PropValue::Color(_)) => Ok(()),
            (PropType::Layout, PropValue::Layout(_)) | (PropType::Justify, PropValue::Justify(_)) => Ok(()),
            (PropType::Text { max_bytes }, PropValue::Text(t)) => {
                if t.len() > max_bytes {
                    return Err(format!("text of {} bytes is longer than the limit of {max_bytes} bytes", t.len()));
                }
                Ok(())
            }
            (PropType::RelativePath, PropValue::Text(t)) => check_relative_path(t),
            (PropType::Items, PropValue::Items(items)) => {
                if items.len() > limits::MAX_ITEMS {
                    return Err(format!("{} items is more than the limit of {}", items.len(), limits::MAX_ITEMS));
                }
                if let Some(long) = items.iter().find(|i| i.len() > limits::MAX_STRING_BYTES) {
                    return Err(format!(
                        "an item of {} bytes is longer than the limit of {} bytes",
                        long.len(),
                        limits::MAX_STRING_BYTES
                    ));
                }
                Ok(())
            }
            (PropType::Align { allow_auto, allow_stretch }, PropValue::Align(a)) => {
                if (*a == Align::Auto && !allow_auto) || (*a == Align::Stretch && !allow_stretch) {
                    return Err(format!("'{a}' is not allowed here"));
                }
                Ok(())
            }
            (PropType::Tracks, PropValue::Tracks(t)) => {
                if t.len() > limits::MAX_GRID_TRACKS {
                    return Err(format!("more than {} tracks", limits::MAX_GRID_TRACKS));
                }
                for track in t {
                    if let Track::Px(v) | Track::Fr(v) = track {
                        finite(*v)?;
                        if !(0.0..=COORD).contains(v) {
                            return Err(format!("track size {v} is outside 0 to {COORD}"));
                        }
                    }
                }
                Ok(())
            }
            (ty, value) => Err(format!("expected {}, found {}", ty.describe(), value.describe())),
        }
    }
}

fn check_relative_path(path: &str) -> Result<(), String> {
    if path.len() > limits::MAX_STRING_BYTES {
        return Err(format!("a path longer than {} bytes", limits::MAX_STRING_BYTES));
    }
    let windows_drive = path.len() >= 2 && path.as_bytes()[1] == b':' && path.as_bytes()[0].is_ascii_alphabetic();
    if path.starts_with('/') || path.starts_with('\\') || windows_drive {
        return Err(format!(
            "'{path}' is an absolute path: use a path relative to the design file so the design works on other machines"
        ));
    }
    Ok(())
}

impl PropType {
    pub fn describe(&self) -> String {
        match self {
            PropType::Number { min, max } => format!("a number from {min} to {max}"),
            PropType::Length { min, max } => format!("a number from {min} to {max} or \"auto\""),
            PropType::Int { min, max } => format!("a whole number from {min} to {max}"),
            PropType::Bool => "true or false".into(),
            PropType::Color => "a colour \"#rrggbb\" or \"#rrggbbaa\"".into(),
            PropType::Text { .. } => "a string".into(),
            PropType::RelativePath => "a relative file path".into(),
            PropType::Items => "a list of strings".into(),
            PropType::Layout => one_of(LayoutMode::ALL.iter().map(|v| v.as_str())),
            PropType::Align { allow_auto, allow_stretch } => one_of(
                Align::ALL
                    .iter()
                    .filter(|a| (**a != Align::Auto || *allow_auto) && (**a != Align::Stretch || *allow_stretch))
                    .map(|v| v.as_str()),
            ),
            PropType::Justify => one_of(Justify::ALL.iter().map(|v| v.as_str())),
            PropType::Tracks => "a track template such as \"1fr 2fr 120px auto\"".into(),
        }
    }
}

fn one_of<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|n| format!("\"{n}\"")).collect();
    format!("one of {}", names.join(", "))
}

/// The properties a widget has set, sorted by key, never holding a default.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Props {
    entries: Vec<(PropKey, PropValue)>,
}

impl Props {
    pub fn get(&self, key: PropKey) -> Option<&PropValue> {
        // Widgets set a handful of properties: a scan beats a search.
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Sets or (with `None`, or a default value) clears `key`; returns the
    /// previous explicit value.
    pub fn set(&mut self, key: PropKey, value: Option<PropValue>) -> Option<PropValue> {
        let value = value.filter(|v| !key.spec().is_default(v));
        match (self.entries.binary_search_by_key(&key, |(k, _)| *k), value) {
            (Ok(i), Some(v)) => Some(std::mem::replace(&mut self.entries[i].1, v)),
            (Ok(i), None) => Some(self.entries.remove(i).1),
            (Err(i), Some(v)) => {
                self.entries.insert(i, (key, v));
                None
            }
            (Err(_), None) => None,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (PropKey, &PropValue)> {
        self.entries.iter().map(|(k, v)| (*k, v))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * size_of::<(PropKey, PropValue)>()
            + self.entries.iter().map(|(_, v)| v.heap_bytes()).sum::<usize>()
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_found_by_its_name_and_defaults_pass_their_own_check() {
        for key in PropKey::ALL {
            assert_eq!(PropKey::parse(key.name()), Some(*key));
            assert_eq!(key.spec().key, *key, "table order must match the enum");
            if let Some(d) = key.spec().default_value() {
                key.spec().check(&d).unwrap();
                assert!(key.spec().is_default(&d));
            }
        }
    }

    #[test]
    fn colours_round_trip_through_hex() {
        for text in ["#000000", "#12abef", "#12abef80"] {
            assert_eq!(Color::parse_hex(text).unwrap().to_string(), text);
        }
        assert_eq!(Color::parse_hex("#ABCDEF").unwrap().to_string(), "#abcdef");
        for bad in ["", "#", "#12345", "123456", "#12345g", "#1234567", "#ééé"] {
            assert!(Color::parse_hex(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn track_templates_parse_and_format() {
        let t = Track::parse_template("1fr 200px auto 2.5fr").unwrap();
        assert_eq!(t, vec![Track::Fr(1.0), Track::Px(200.0), Track::Auto, Track::Fr(2.5)]);
        assert_eq!(Track::format_template(&t), "1fr 200px auto 2.5fr");
        assert_eq!(Track::parse_template("3").unwrap().len(), 3);
        assert!(Track::parse_template("1fr banana").unwrap_err().contains("banana"));
        assert!(Track::parse_template("NaNfr").is_err());
        assert!(Track::parse_template("0").is_err());
    }

    #[test]
    fn props_never_store_defaults() {
        let mut p = Props::default();
        p.set(PropKey::Opacity, Some(PropValue::Number(0.5)));
        assert_eq!(p.len(), 1);
        p.set(PropKey::Opacity, Some(PropValue::Number(1.0)));
        assert!(p.is_empty(), "setting the default clears the entry");
        p.set(PropKey::Text, Some(PropValue::Text(String::new())));
        assert!(p.is_empty());
    }

    #[test]
    fn ranges_and_types_are_enforced_with_a_reason() {
        let spec = PropKey::FontSize.spec();
        assert!(spec.check(&PropValue::Number(600.0)).unwrap_err().contains("outside"));
        assert!(spec.check(&PropValue::Number(f32::NAN)).unwrap_err().contains("finite"));
        assert!(spec.check(&PropValue::Bool(true)).unwrap_err().contains("expected a number"));
        let img = PropKey::Image.spec();
        assert!(img.check(&PropValue::Text("/home/me/a.png".into())).unwrap_err().contains("absolute"));
        assert!(img.check(&PropValue::Text("C:\\a.png".into())).is_err());
        img.check(&PropValue::Text("assets/a.png".into())).unwrap();
        let text_align = PropKey::TextAlign.spec();
        assert!(text_align.check(&PropValue::Align(Align::Stretch)).is_err());
    }
}
