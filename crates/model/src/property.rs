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
    /// Red, 0 to 255.
    pub r: u8,
    /// Green, 0 to 255.
    pub g: u8,
    /// Blue, 0 to 255.
    pub b: u8,
    /// Opacity, 0 (transparent) to 255 (opaque).
    pub a: u8,
}

impl Color {
    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b, a: 255 }
    }

    /// A colour with straight (not premultiplied) alpha.
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

    /// The colour as the file writes it: `#rrggbb`, or `#rrggbbaa` when
    /// not opaque, in lower case. Made without allocating: the saved
    /// file's digest writes a widget's colours again after every edit of
    /// it, a nudge of everything every colour in the design.
    pub fn hex(&self) -> HexColor {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut bytes = [b'#'; 9];
        let channels = [self.r, self.g, self.b, self.a];
        let len = if self.a == 255 { 3 } else { 4 };
        for (i, c) in channels[..len].iter().enumerate() {
            bytes[1 + 2 * i] = DIGITS[usize::from(c >> 4)];
            bytes[2 + 2 * i] = DIGITS[usize::from(c & 15)];
        }
        HexColor { bytes, len: 1 + 2 * len as u8 }
    }
}

/// A colour's text, `#rrggbb` or `#rrggbbaa` ([`Color::hex`]).
#[derive(Clone, Copy)]
pub struct HexColor {
    bytes: [u8; 9],
    len: u8,
}

impl HexColor {
    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).expect("'#' and hex digits are ASCII")
    }
}

impl fmt::Debug for HexColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for HexColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Color {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.hex().as_str())
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.hex().as_str())
    }
}

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),* }

        impl $name {
            /// Every value, in the order the inspector lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The name used in files and in the inspector.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            /// The value called `text` in files, if there is one.
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
    LayoutMode {
        /// Children sit where their `x` and `y` put them.
        Absolute => "absolute",
        /// Children side by side, left to right.
        Row => "row",
        /// Children stacked, top to bottom.
        Column => "column",
        /// Children in the cells of a grid template.
        Grid => "grid",
    }
}

named_enum! {
    /// Cross-axis alignment (`align_items`, `align_self`) and text alignment.
    /// `Auto` is allowed only for `align_self` (follow the parent), `Stretch`
    /// not for text.
    Align {
        /// Follow the parent's `align_items` (only for `align_self`).
        Auto => "auto",
        /// At the start: left or top.
        Start => "start",
        /// Centred.
        Center => "center",
        /// At the end: right or bottom.
        End => "end",
        /// Filling the cross axis (not for text).
        Stretch => "stretch",
    }
}

named_enum! {
    /// Main-axis distribution of a row or column.
    Justify {
        /// Packed at the start.
        Start => "start",
        /// Packed in the middle.
        Center => "center",
        /// Packed at the end.
        End => "end",
        /// First and last at the edges, equal gaps between.
        SpaceBetween => "space_between",
        /// Equal space around each child (half a gap at the edges).
        SpaceAround => "space_around",
        /// Equal gaps between the children and at both edges.
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

/// Why a grid template could not be parsed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TrackError {
    /// A bare count of tracks that is 0 or above the limit.
    #[error("a track count must be 1 to {limit}, not {count}")]
    BadCount {
        /// The count given, as written (it may be past any integer).
        count: String,
        /// The most tracks a template may have.
        limit: usize,
    },
    /// More tracks than [`limits::MAX_GRID_TRACKS`].
    #[error("a template can have at most {limit} tracks: remove some")]
    TooMany {
        /// The most tracks a template may have.
        limit: usize,
    },
    /// A track that is neither `<n>fr`, `<n>px` nor `auto`.
    #[error("track '{token}' is not understood: use e.g. '1fr', '120px' or 'auto'")]
    Unknown {
        /// The track as written.
        token: String,
    },
    /// A `fr` or `px` track whose number is missing, not finite or out of range.
    #[error("track '{token}' needs a number from 0 to {max}")]
    BadSize {
        /// The track as written.
        token: String,
        /// The largest size a track may have.
        max: f32,
    },
}

impl Track {
    /// Parses a template such as `"1fr 200px auto"`. A bare count `"3"`
    /// means three equal `1fr` tracks.
    pub fn parse_template(text: &str) -> Result<Vec<Track>, TrackError> {
        let trimmed = text.trim();
        let digits = trimmed.strip_prefix('+').unwrap_or(trimmed);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            // A bare count, however many digits (past u32, "not understood"
            // was all it said).
            let count = digits.parse::<usize>().ok().filter(|c| (1..=limits::MAX_GRID_TRACKS).contains(c));
            let Some(count) = count else {
                return Err(TrackError::BadCount { count: trimmed.to_owned(), limit: limits::MAX_GRID_TRACKS });
            };
            return Ok(vec![Track::Fr(1.0); count]);
        }
        let mut tracks = Vec::new();
        for token in trimmed.split_whitespace() {
            if tracks.len() == limits::MAX_GRID_TRACKS {
                return Err(TrackError::TooMany { limit: limits::MAX_GRID_TRACKS });
            }
            let track = if token == "auto" {
                Track::Auto
            } else if let Some(n) = token.strip_suffix("fr") {
                Track::Fr(parse_track_number(n, token)?)
            } else if let Some(n) = token.strip_suffix("px") {
                Track::Px(parse_track_number(n, token)?)
            } else {
                return Err(TrackError::Unknown { token: token.to_owned() });
            };
            tracks.push(track);
        }
        Ok(tracks)
    }

    /// Writes a template the way files and the inspector show it
    /// (`"1fr 200px auto"`); [`Track::parse_template`] reads it back.
    pub fn format_template(tracks: &[Track]) -> String {
        let parts: Vec<String> = tracks.iter().map(ToString::to_string).collect();
        parts.join(" ")
    }
}

fn parse_track_number(number: &str, token: &str) -> Result<f32, TrackError> {
    match number.parse::<f32>() {
        Ok(v) if v.is_finite() && (0.0..=limits::MAX_COORDINATE).contains(&v) => Ok(v),
        _ => Err(TrackError::BadSize { token: token.to_owned(), max: limits::MAX_COORDINATE }),
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
    /// A number or a length, in design pixels where it is a size.
    Number(f32),
    /// A whole number: an index, a grid position or a span.
    Int(i32),
    /// A flag.
    Bool(bool),
    /// A colour (an unset colour follows the theme).
    Color(Color),
    /// A string: text, tooltip, placeholder or relative path.
    Text(String),
    /// The entries of a list, dropdown, radio group or tab bar.
    Items(Vec<String>),
    /// A container's layout mode.
    Layout(LayoutMode),
    /// An alignment.
    Align(Align),
    /// A row's or column's main-axis distribution.
    Justify(Justify),
    /// A grid template.
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
    /// A finite number in a range.
    Number {
        /// Smallest value allowed.
        min: f32,
        /// Largest value allowed.
        max: f32,
    },
    /// A number, or `auto` (the default) meaning "sized by content".
    Length {
        /// Smallest value allowed.
        min: f32,
        /// Largest value allowed.
        max: f32,
    },
    /// A whole number in a range.
    Int {
        /// Smallest value allowed.
        min: i32,
        /// Largest value allowed.
        max: i32,
    },
    /// `true` or `false`.
    Bool,
    /// A colour, or unset (the default) meaning "the theme's colour".
    Color,
    /// A string of bounded length.
    Text {
        /// Longest string allowed, in bytes.
        max_bytes: usize,
    },
    /// A path relative to the design file; absolute paths are refused so
    /// that a design means the same on every machine.
    RelativePath,
    /// A list of strings, bounded in count and in length.
    Items,
    /// A [`LayoutMode`].
    Layout,
    /// An [`Align`], some values of which a property may refuse.
    Align {
        /// Whether [`Align::Auto`] is allowed.
        allow_auto: bool,
        /// Whether [`Align::Stretch`] is allowed.
        allow_stretch: bool,
    },
    /// A [`Justify`].
    Justify,
    /// A grid template of [`Track`]s.
    Tracks,
}

/// Which kinds carry a property: every kind declares a set of groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Group {
    /// Position, size and size bounds: every kind.
    Geometry,
    /// How a widget sits in its parent's layout (grow, grid cell...): every kind but the root.
    Child,
    /// Gap, padding and the alignment of children.
    Container,
    /// The `layout` choice of containers that do not fix it by their kind.
    LayoutChoice,
    /// A grid's column and row templates.
    GridTemplate,
    /// Colours, border, corners, font size, opacity, visibility, lock.
    Style,
    /// What every widget of the running app has: enabled, tooltip.
    Common,
    /// The widget's own text.
    Text,
    /// Horizontal alignment of the text.
    TextAlign,
    /// Hint text of an empty field.
    Placeholder,
    /// The on/off state of a checkbox or switch.
    Checked,
    /// A value between a minimum and a maximum.
    Range,
    /// The increment of a range.
    Step,
    /// A list of entries and the selected one.
    Items,
    /// An image file.
    ImageSource,
}

impl Group {
    /// This group's bit in a kind's set of groups.
    pub const fn bit(self) -> u32 {
        1 << self as u32
    }
}

/// The static description of one property.
#[derive(Debug)]
pub struct PropSpec {
    /// The property described.
    pub key: PropKey,
    /// The name in files, in generated code and in the inspector.
    pub name: &'static str,
    /// Which kinds carry it.
    pub group: Group,
    /// The values it takes.
    pub ty: PropType,
    /// Its value when none is set.
    pub default: DefaultValue,
    /// One line for the inspector's tooltip.
    pub doc: &'static str,
}

/// The default of a property, available without allocation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DefaultValue {
    /// This number.
    Number(f32),
    /// A length sized by content.
    Auto,
    /// This whole number.
    Int(i32),
    /// This flag.
    Bool(bool),
    /// The theme's colour.
    ThemeColor,
    /// The empty string.
    EmptyText,
    /// No entries.
    EmptyItems,
    /// This layout mode.
    Layout(LayoutMode),
    /// This alignment.
    Align(Align),
    /// This distribution.
    Justify(Justify),
    /// No template: one track, or rows sized to content.
    EmptyTracks,
}

// Loading tracks seen keys in a u64 bit set, and so does `PropKeys`.
const _: () = assert!(PropKey::ALL.len() <= 64);

/// A set of property keys, iterated in file order: what a change of a
/// widget's properties names. A bit each, so it is copied with the change
/// to every subscriber without allocating (a nudge of everything changes
/// every top-level widget's position, and each subscriber hears of each).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PropKeys(u64);

impl PropKeys {
    /// No key.
    pub const fn new() -> Self {
        Self(0)
    }

    /// Adds `key` (a second time changes nothing).
    pub fn insert(&mut self, key: PropKey) {
        self.0 |= 1 << key as u8;
    }

    /// Whether `key` is in the set.
    pub fn contains(&self, key: PropKey) -> bool {
        self.0 & (1 << key as u8) != 0
    }

    /// Whether no key is in the set.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// How many keys are in the set.
    pub fn len(&self) -> usize {
        self.0.count_ones() as usize
    }

    /// The keys, in file order.
    pub fn iter(&self) -> impl Iterator<Item = PropKey> + use<> {
        let bits = self.0;
        PropKey::ALL.iter().copied().filter(move |k| bits & (1 << *k as u8) != 0)
    }
}

impl FromIterator<PropKey> for PropKeys {
    fn from_iter<I: IntoIterator<Item = PropKey>>(keys: I) -> Self {
        let mut set = Self::new();
        for k in keys {
            set.insert(k);
        }
        set
    }
}

impl<const N: usize> From<[PropKey; N]> for PropKeys {
    fn from(keys: [PropKey; N]) -> Self {
        keys.into_iter().collect()
    }
}

impl fmt::Debug for PropKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

macro_rules! prop_table {
    ($($key:ident => $name:literal, $group:ident, $ty:expr, $default:expr, $doc:literal;)*) => {
        /// Every property a widget can have.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum PropKey { $(#[doc = $doc] $key),* }

        impl PropKey {
            /// All keys, in file order.
            pub const ALL: &'static [PropKey] = &[$(PropKey::$key),*];

            /// Everything about this property: name, type, range, default.
            pub fn spec(self) -> &'static PropSpec {
                &SPECS[self as usize]
            }

            /// The name in files, in generated code and in the inspector.
            pub fn name(self) -> &'static str {
                self.spec().name
            }

            /// The property called `name` in files, if there is one.
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

    /// Checks a value's type and range. The error says what is allowed.
    pub fn check(&self, value: &PropValue) -> Result<(), PropError> {
        let finite = |v: f32| if v.is_finite() { Ok(()) } else { Err(PropError::NotFinite { value: v }) };
        match (self.ty, value) {
            (PropType::Number { min, max } | PropType::Length { min, max }, PropValue::Number(v)) => {
                finite(*v)?;
                if *v < min || *v > max {
                    return Err(PropError::NumberOutOfRange { value: *v, min, max });
                }
                Ok(())
            }
            (PropType::Int { min, max }, PropValue::Int(v)) => {
                if *v < min || *v > max {
                    return Err(PropError::IntOutOfRange { value: *v, min, max });
                }
                Ok(())
            }
            (PropType::Bool, PropValue::Bool(_)) | (PropType::Color, PropValue::Color(_)) => Ok(()),
            (PropType::Layout, PropValue::Layout(_)) | (PropType::Justify, PropValue::Justify(_)) => Ok(()),
            (PropType::Text { max_bytes }, PropValue::Text(t)) => {
                if t.len() > max_bytes {
                    return Err(PropError::TextTooLong { len: t.len(), limit: max_bytes });
                }
                Ok(())
            }
            (PropType::RelativePath, PropValue::Text(t)) => check_relative_path(t),
            (PropType::Items, PropValue::Items(items)) => {
                if items.len() > limits::MAX_ITEMS {
                    return Err(PropError::TooManyItems { count: items.len(), limit: limits::MAX_ITEMS });
                }
                if let Some((index, long)) = items.iter().enumerate().find(|(_, i)| i.len() > limits::MAX_STRING_BYTES)
                {
                    return Err(PropError::ItemTooLong { index, len: long.len(), limit: limits::MAX_STRING_BYTES });
                }
                Ok(())
            }
            (PropType::Align { allow_auto, allow_stretch }, PropValue::Align(a)) => {
                if (*a == Align::Auto && !allow_auto) || (*a == Align::Stretch && !allow_stretch) {
                    return Err(PropError::AlignNotAllowed { value: *a, expected: self.ty });
                }
                Ok(())
            }
            (PropType::Tracks, PropValue::Tracks(t)) => {
                if t.len() > limits::MAX_GRID_TRACKS {
                    return Err(PropError::TooManyTracks { count: t.len(), limit: limits::MAX_GRID_TRACKS });
                }
                for track in t {
                    if let Track::Px(v) | Track::Fr(v) = track {
                        finite(*v)?;
                        if !(0.0..=COORD).contains(v) {
                            return Err(PropError::TrackOutOfRange { size: *v, max: COORD });
                        }
                    }
                }
                Ok(())
            }
            (ty, value) => Err(PropError::WrongType { expected: ty, found: value.describe() }),
        }
    }
}

fn check_relative_path(path: &str) -> Result<(), PropError> {
    if path.len() > limits::MAX_STRING_BYTES {
        return Err(PropError::TextTooLong { len: path.len(), limit: limits::MAX_STRING_BYTES });
    }
    let windows_drive = path.len() >= 2 && path.as_bytes()[1] == b':' && path.as_bytes()[0].is_ascii_alphabetic();
    if path.starts_with('/') || path.starts_with('\\') || windows_drive {
        return Err(PropError::AbsolutePath { path: path.to_owned() });
    }
    // `..` past the design's folder: counted on the path's text, since the
    // model reads no files (the renderer also follows symlinks and refuses
    // those that lead out).
    let mut depth = 0usize;
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return Err(PropError::LeavesFolder { path: path.to_owned() }),
            },
            _ => depth += 1,
        }
    }
    Ok(())
}

/// Why a value is refused for a property ([`PropSpec::check`]). Each
/// message says what the property takes.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PropError {
    /// The value is not of the property's type.
    #[error("expected {}, found {found}", .expected.describe())]
    WrongType {
        /// The property's type, with its range.
        expected: PropType,
        /// A short description of the value given.
        found: String,
    },
    /// A number that is NaN or infinite.
    #[error("{value} is not a finite number")]
    NotFinite {
        /// The number given.
        value: f32,
    },
    /// A number outside the property's range.
    #[error("{value} is outside the allowed range {min} to {max}")]
    NumberOutOfRange {
        /// The number given.
        value: f32,
        /// Smallest value allowed.
        min: f32,
        /// Largest value allowed.
        max: f32,
    },
    /// A whole number outside the property's range.
    #[error("{value} is outside the allowed range {min} to {max}")]
    IntOutOfRange {
        /// The number given.
        value: i32,
        /// Smallest value allowed.
        min: i32,
        /// Largest value allowed.
        max: i32,
    },
    /// A string (text or path) longer than the property allows.
    #[error("text of {len} bytes is longer than the limit of {limit} bytes")]
    TextTooLong {
        /// Length of the string given, in bytes.
        len: usize,
        /// The longest allowed, in bytes.
        limit: usize,
    },
    /// More entries than a list may have.
    #[error("{count} items is more than the limit of {limit}")]
    TooManyItems {
        /// Entries given.
        count: usize,
        /// The most allowed.
        limit: usize,
    },
    /// One entry of a list is too long.
    #[error("item {index} has {len} bytes, more than the limit of {limit} bytes")]
    ItemTooLong {
        /// Position of the first entry too long, from 0.
        index: usize,
        /// Its length in bytes.
        len: usize,
        /// The longest allowed, in bytes.
        limit: usize,
    },
    /// An alignment this property does not take (`auto` outside
    /// `align_self`, `stretch` for text).
    #[error("'{value}' is not allowed here: use {}", .expected.describe())]
    AlignNotAllowed {
        /// The alignment given.
        value: Align,
        /// The property's type, which lists the alignments it takes.
        expected: PropType,
    },
    /// An absolute path where a path relative to the design file is needed.
    #[error(
        "'{path}' is an absolute path: use a path relative to the design file so the design works on other machines"
    )]
    AbsolutePath {
        /// The path given.
        path: String,
    },
    /// A relative path whose `..` parts climb out of the design's folder.
    #[error("image path {path} leaves the design's folder: keep images in the design's folder or below it")]
    LeavesFolder {
        /// The path given.
        path: String,
    },
    /// More tracks than a grid template may have.
    #[error("{count} tracks is more than the limit of {limit}")]
    TooManyTracks {
        /// Tracks given.
        count: usize,
        /// The most allowed.
        limit: usize,
    },
    /// A track size below 0 or above the largest coordinate.
    #[error("track size {size} is outside 0 to {max}")]
    TrackOutOfRange {
        /// The size given.
        size: f32,
        /// The largest allowed.
        max: f32,
    },
}

impl PropType {
    /// What the type takes, in words, for error messages and the inspector
    /// (`a number from 0 to 1`).
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
    /// The explicit value of `key`; `None` means the default.
    pub fn get(&self, key: PropKey) -> Option<&PropValue> {
        // Widgets set a handful of properties: a scan beats a search.
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Sets or (with `None`, or a default value) clears `key`; returns the
    /// previous explicit value.
    pub fn set(&mut self, key: PropKey, value: Option<PropValue>) -> Option<PropValue> {
        let value = value.map(without_negative_zero).filter(|v| !key.spec().is_default(v));
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

    /// The explicit values as stored, in key order (where they are in memory).
    pub(crate) fn entries(&self) -> &[(PropKey, PropValue)] {
        &self.entries
    }

    /// The explicit values, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (PropKey, &PropValue)> {
        self.entries.iter().map(|(k, v)| (*k, v))
    }

    /// Number of explicit values.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether every property has its default.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Rough heap size, for memory reports.
    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * size_of::<(PropKey, PropValue)>()
            + self.entries.iter().map(|(_, v)| v.heap_bytes()).sum::<usize>()
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }
}

/// `-0.0` as `0.0`. They compare equal, so an edit from one to the other
/// would change nothing an undo or an observer sees, yet the file would
/// write `-0.0`: one value, one spelling.
fn without_negative_zero(value: PropValue) -> PropValue {
    let zero = |v: f32| if v == 0.0 { 0.0 } else { v };
    match value {
        PropValue::Number(v) => PropValue::Number(zero(v)),
        PropValue::Tracks(tracks) => PropValue::Tracks(
            tracks
                .into_iter()
                .map(|t| match t {
                    Track::Px(v) => Track::Px(zero(v)),
                    Track::Fr(v) => Track::Fr(zero(v)),
                    Track::Auto => Track::Auto,
                })
                .collect(),
        ),
        other => other,
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
        // Every channel value, in every place, opaque and not.
        for v in 0..=255u8 {
            for c in [Color::rgba(v, 0, 255, 255), Color::rgba(1, v, 16, 255), Color::rgba(0, 9, v, 7)] {
                let want = if c.a == 255 {
                    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
                } else {
                    format!("#{:02x}{:02x}{:02x}{:02x}", c.r, c.g, c.b, c.a)
                };
                assert_eq!(c.to_string(), want);
                assert_eq!(Color::parse_hex(&want), Some(c));
            }
            let translucent = Color::rgba(0, 0, 0, v);
            assert_eq!(Color::parse_hex(translucent.hex().as_str()), Some(translucent));
        }
    }

    #[test]
    fn a_set_of_keys_holds_each_key_once_and_lists_them_in_file_order() {
        let mut set = PropKeys::new();
        assert!(set.is_empty());
        for key in PropKey::ALL.iter().rev() {
            set.insert(*key);
            set.insert(*key);
        }
        assert_eq!(set.len(), PropKey::ALL.len());
        assert_eq!(set.iter().collect::<Vec<_>>(), PropKey::ALL);
        let two = PropKeys::from([PropKey::Y, PropKey::X, PropKey::Y]);
        assert_eq!(two.iter().collect::<Vec<_>>(), [PropKey::X, PropKey::Y]);
        assert!(two.contains(PropKey::X) && !two.contains(PropKey::Width));
        assert_eq!(format!("{two:?}"), "{X, Y}");
    }

    #[test]
    fn track_templates_parse_and_format() {
        let t = Track::parse_template("1fr 200px auto 2.5fr").unwrap();
        assert_eq!(t, vec![Track::Fr(1.0), Track::Px(200.0), Track::Auto, Track::Fr(2.5)]);
        assert_eq!(Track::format_template(&t), "1fr 200px auto 2.5fr");
        assert_eq!(Track::parse_template("3").unwrap().len(), 3);
        assert_eq!(Track::parse_template("1fr banana"), Err(TrackError::Unknown { token: "banana".into() }));
        assert!(matches!(Track::parse_template("NaNfr"), Err(TrackError::BadSize { .. })));
        assert!(matches!(Track::parse_template("0"), Err(TrackError::BadCount { ref count, .. }) if count == "0"));
        // Regression: a count past u32 was "not understood" rather than out of range.
        let huge = Track::parse_template("99999999999").unwrap_err().to_string();
        assert_eq!(huge, "a track count must be 1 to 256, not 99999999999");
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
        assert_eq!(
            spec.check(&PropValue::Number(600.0)),
            Err(PropError::NumberOutOfRange { value: 600.0, min: 1.0, max: 512.0 })
        );
        assert!(matches!(spec.check(&PropValue::Number(f32::NAN)), Err(PropError::NotFinite { .. })));
        let wrong = spec.check(&PropValue::Bool(true)).unwrap_err();
        assert!(matches!(wrong, PropError::WrongType { expected: PropType::Number { .. }, .. }));
        assert!(wrong.to_string().contains("expected a number"), "{wrong}");
        let img = PropKey::Image.spec();
        assert!(matches!(img.check(&PropValue::Text("/home/me/a.png".into())), Err(PropError::AbsolutePath { .. })));
        assert!(matches!(img.check(&PropValue::Text("C:\\a.png".into())), Err(PropError::AbsolutePath { .. })));
        img.check(&PropValue::Text("assets/a.png".into())).unwrap();
        img.check(&PropValue::Text("assets/../a.png".into())).unwrap();
        for out in ["../a.png", "../../etc/x", "assets/../../a.png", "..\\a.png"] {
            assert!(matches!(img.check(&PropValue::Text(out.into())), Err(PropError::LeavesFolder { .. })), "{out}");
        }
        let text_align = PropKey::TextAlign.spec();
        let refused = text_align.check(&PropValue::Align(Align::Stretch)).unwrap_err();
        assert!(matches!(refused, PropError::AlignNotAllowed { value: Align::Stretch, .. }));
        assert!(refused.to_string().contains("use one of \"start\", \"center\", \"end\""), "{refused}");
    }
}
