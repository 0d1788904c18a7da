//! The widget kinds of the palette, and which properties each one carries.

use std::fmt;

use crate::property::{Group, PropKey, PropSpec};

macro_rules! kinds {
    ($($(#[$meta:meta])* $kind:ident => $name:literal, $label:literal, container: $container:literal, groups: [$($group:ident),*];)*) => {
        /// The kinds of widget a design is made of.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum WidgetKind { $($(#[$meta])* $kind),* }

        impl WidgetKind {
            /// Every kind, in palette order.
            pub const ALL: &'static [WidgetKind] = &[$(WidgetKind::$kind),*];

            /// The name used in files (`"text_input"`).
            pub fn as_str(self) -> &'static str {
                match self { $(WidgetKind::$kind => $name),* }
            }

            /// The name shown in the palette (`"Text input"`).
            pub fn label(self) -> &'static str {
                match self { $(WidgetKind::$kind => $label),* }
            }

            /// The kind called `name` in files, if there is one.
            pub fn parse(name: &str) -> Option<WidgetKind> {
                match name { $($name => Some(WidgetKind::$kind),)* _ => None }
            }

            /// Whether widgets of this kind may hold children.
            pub fn is_container(self) -> bool {
                match self { $(WidgetKind::$kind => $container),* }
            }

            fn group_bits(self) -> u32 {
                match self { $(WidgetKind::$kind => 0 $(| Group::$group.bit())*),* }
            }
        }
    };
}

kinds! {
    /// The root of every design: the app's window, titled by its text.
    Window => "window", "Window", container: true, groups: [Geometry, Container, LayoutChoice, Style, Common, Text];
    /// A plain container with a background and border, laid out as its `layout` says.
    Panel => "panel", "Panel", container: true, groups: [Geometry, Child, Container, LayoutChoice, Style, Common];
    /// A container placing its children side by side.
    Row => "row", "Row", container: true, groups: [Geometry, Child, Container, Style, Common];
    /// A container stacking its children top to bottom.
    Column => "column", "Column", container: true, groups: [Geometry, Child, Container, Style, Common];
    /// A container placing its children in the cells of a template.
    Grid => "grid", "Grid", container: true, groups: [Geometry, Child, Container, GridTemplate, Style, Common];
    /// A container whose content scrolls when it does not fit.
    ScrollArea => "scroll_area", "Scroll area", container: true, groups: [Geometry, Child, Container, LayoutChoice, Style, Common];
    /// A tab bar titled by its items, over a page where children are placed absolutely.
    Tabs => "tabs", "Tabs", container: true, groups: [Geometry, Child, Style, Common, Items];
    /// Read-only text.
    Label => "label", "Label", container: false, groups: [Geometry, Child, Style, Common, Text, TextAlign];
    /// A push button with a text label.
    Button => "button", "Button", container: false, groups: [Geometry, Child, Style, Common, Text, TextAlign];
    /// A single-line text field.
    TextInput => "text_input", "Text input", container: false, groups: [Geometry, Child, Style, Common, Text, TextAlign, Placeholder];
    /// A multi-line text field.
    TextArea => "text_area", "Text area", container: false, groups: [Geometry, Child, Style, Common, Text, TextAlign, Placeholder];
    /// A box that is checked or not, with a text label.
    Checkbox => "checkbox", "Checkbox", container: false, groups: [Geometry, Child, Style, Common, Text, Checked];
    /// A list of options, one of which is selected.
    RadioGroup => "radio_group", "Radio group", container: false, groups: [Geometry, Child, Style, Common, Items];
    /// An on/off switch with a text label.
    Toggle => "toggle", "Toggle switch", container: false, groups: [Geometry, Child, Style, Common, Text, Checked];
    /// A handle on a track choosing a value between min and max.
    Slider => "slider", "Slider", container: false, groups: [Geometry, Child, Style, Common, Range, Step];
    /// A bar filled from min to the value (read only).
    ProgressBar => "progress_bar", "Progress bar", container: false, groups: [Geometry, Child, Style, Common, Range];
    /// A closed list that opens to choose one item.
    Dropdown => "dropdown", "Dropdown", container: false, groups: [Geometry, Child, Style, Common, Placeholder, Items];
    /// A scrolling list of items.
    List => "list", "List", container: false, groups: [Geometry, Child, Style, Common, Items];
    /// A picture from a file relative to the design.
    Image => "image", "Image", container: false, groups: [Geometry, Child, Style, Common, ImageSource];
    /// A thin line between groups of widgets.
    Separator => "separator", "Separator", container: false, groups: [Geometry, Child, Style, Common];
    /// Empty space that pushes its siblings apart in a row or column.
    Spacer => "spacer", "Spacer", container: false, groups: [Geometry, Child, Style, Common];
}

impl WidgetKind {
    /// Whether this kind carries `key`.
    pub fn has(self, key: PropKey) -> bool {
        self.group_bits() & key.spec().group.bit() != 0
    }

    /// The properties of this kind, in file order, with type, default and range.
    pub fn properties(self) -> impl Iterator<Item = &'static PropSpec> {
        PropKey::ALL.iter().filter(move |k| self.has(**k)).map(|k| k.spec())
    }

    /// Only a window may be the root, and a window may only be the root.
    pub fn is_root_only(self) -> bool {
        self == WidgetKind::Window
    }

    /// The prefix of names generated for new widgets (`button_3`).
    pub fn name_prefix(self) -> &'static str {
        self.as_str()
    }

    /// The size the palette gives a new widget of this kind.
    pub fn palette_size(self) -> (f32, f32) {
        match self {
            WidgetKind::Window => (1280.0, 800.0),
            WidgetKind::Panel | WidgetKind::ScrollArea | WidgetKind::Tabs => (320.0, 240.0),
            WidgetKind::Row => (320.0, 48.0),
            WidgetKind::Column => (200.0, 240.0),
            WidgetKind::Grid => (320.0, 200.0),
            WidgetKind::Label => (120.0, 24.0),
            WidgetKind::Button => (96.0, 32.0),
            WidgetKind::TextInput | WidgetKind::Dropdown => (200.0, 32.0),
            WidgetKind::TextArea => (240.0, 96.0),
            WidgetKind::Checkbox | WidgetKind::Toggle => (160.0, 24.0),
            WidgetKind::RadioGroup => (160.0, 80.0),
            WidgetKind::Slider | WidgetKind::ProgressBar => (200.0, 24.0),
            WidgetKind::List => (200.0, 160.0),
            WidgetKind::Image => (128.0, 96.0),
            WidgetKind::Separator => (200.0, 1.0),
            WidgetKind::Spacer => (16.0, 16.0),
        }
    }
}

impl serde::Serialize for WidgetKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for WidgetKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        WidgetKind::parse(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown widget kind '{name}'")))
    }
}

impl fmt::Display for WidgetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_their_names_and_all_carry_geometry_and_style() {
        assert!(WidgetKind::ALL.len() >= 21);
        for kind in WidgetKind::ALL {
            assert_eq!(WidgetKind::parse(kind.as_str()), Some(*kind));
            assert!(kind.has(PropKey::X) && kind.has(PropKey::Fill) && kind.has(PropKey::Enabled));
            assert_eq!(kind.has(PropKey::Grow), *kind != WidgetKind::Window, "{kind}");
            if kind.has(PropKey::Gap) {
                assert!(kind.is_container(), "{kind} has layout properties but no children");
            }
        }
        assert!(WidgetKind::Slider.has(PropKey::Step));
        assert!(!WidgetKind::ProgressBar.has(PropKey::Step));
        assert!(!WidgetKind::Button.has(PropKey::Items));
        assert!(WidgetKind::Grid.has(PropKey::GridColumns) && !WidgetKind::Row.has(PropKey::GridColumns));
    }
}
