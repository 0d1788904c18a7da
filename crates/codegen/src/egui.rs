//! The egui Rust exporter: one module holding a state struct with a field
//! per interactive widget, an event enum with a variant per button click
//! and value change, and `ui`, which shows the design and returns the
//! frame's events.
//!
//! Rows, columns and grids are laid out by `egui_taffy`, with each
//! widget's taffy style taken from [`Geometry::taffy_style`]: the engine
//! and the mapping the canvas lays out with. A freely placed child is put
//! at its laid-out rectangle relative to its parent (`Ui::put`). The code
//! is formatted with `prettyplease`; the same design gives the same bytes.
//! A design's texts only ever reach the code as escaped string literals,
//! and its names only as sanitised identifiers.

use std::fmt::Write as _;
use std::path::PathBuf;

use trellis_geometry::taffy::{self, Style};
use trellis_geometry::{Geometry, TAB_BAR_HEIGHT};
use trellis_model::{Color, Document, LayoutMode, PropKey, Rect, Theme, Track, WidgetId, WidgetKind, WidgetRef};

use crate::escaping::rust_string;
use crate::identifiers::{Identifiers, Language, type_name};
use crate::rust_format::{INITIALIZER_UNITS_FROM, UNIT_END, UnitKind};
use crate::slint::Approximation;

/// What a design is exported from, for egui.
#[derive(Clone, Debug)]
pub struct EguiSource {
    /// The design file's name, for the header.
    pub file_name: String,
    /// The state struct's name; `None` takes it from the file name.
    pub type_name: Option<String>,
    /// The folder the design's image paths are relative to.
    pub design_dir: Option<PathBuf>,
    /// The folder the `.rs` file goes to: images are included from paths
    /// relative to it (`include_image!` resolves them from the file).
    pub out_dir: Option<PathBuf>,
    /// The colours of widgets that set none.
    pub theme: Theme,
}

/// A generated egui module and what it declares.
#[derive(Clone, Debug)]
pub struct EguiExport {
    /// The module's text, formatted.
    pub source: String,
    /// The state struct's name (`Demo`); the event enum is `DemoEvent`.
    pub type_name: String,
    /// The state struct's fields, in order.
    pub fields: Vec<String>,
    /// The event enum's variants, in order.
    pub events: Vec<String>,
    /// How many widgets the design has.
    pub widgets: usize,
    /// What egui cannot show exactly.
    pub approximations: Vec<Approximation>,
    /// What the export could not carry over (a missing image).
    pub warnings: Vec<String>,
}

/// Why an egui export failed. Generated code that does not parse is a bug
/// in Trellis, never in the design: the message says to report it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EguiExportError {
    /// The generated module is not valid Rust.
    #[error(
        "the generated egui module does not parse ({0}): this is a bug in Trellis, please report it with the design"
    )]
    Unparsable(String),
}

/// One value of the state struct.
struct Field {
    ident: String,
    ty: &'static str,
    initial: String,
    /// Whether `initial` is the type's `Default`.
    default: bool,
    doc: String,
}

/// Exports `doc`, laid out as `geometry` (which must follow `doc`), as an
/// egui module.
pub fn export_egui(doc: &Document, geometry: &Geometry, source: &EguiSource) -> Result<EguiExport, EguiExportError> {
    write_module(doc, geometry, source, true)
}

/// The module [`export_egui`] writes, before formatting: each widget's
/// statements, each field, variant and initializer between the
/// formatter's marks (`\u{1}` and `\u{3}` to `\u{5}` open one, `\u{2}`
/// closes it). For the tests, which check the formatter against
/// prettyplease.
#[doc(hidden)]
pub fn export_egui_unformatted(
    doc: &Document,
    geometry: &Geometry,
    source: &EguiSource,
) -> Result<EguiExport, EguiExportError> {
    write_module(doc, geometry, source, false)
}

fn write_module(
    doc: &Document,
    geometry: &Geometry,
    source: &EguiSource,
    formatted: bool,
) -> Result<EguiExport, EguiExportError> {
    let base = match &source.type_name {
        Some(name) => type_name(name),
        None => type_name(source.file_name.split('.').next().unwrap_or_default()),
    };
    // Names the module uses unqualified: the design's type must not hide one.
    const TAKEN: &[&str] = &[
        "Vec",
        "String",
        "Option",
        "Some",
        "None",
        "Default",
        "Self",
        "Style",
        "Rect",
        "Size",
        "Line",
        "Point",
        "Display",
        "Position",
        "FlexDirection",
        "FlexWrap",
        "AlignItems",
        "AlignContent",
        "AlignSelf",
        "JustifyContent",
        "JustifyItems",
        "JustifySelf",
        "GridPlacement",
        "Dimension",
        "LengthPercentage",
        "LengthPercentageAuto",
        "Layout",
        "BoxSizing",
        "AvailableSpace",
        "CompactLength",
        "NodeId",
        "TaffyTree",
        "GridTemplateComponent",
        "TrackSizingFunction",
        "MinTrackSizingFunction",
        "MaxTrackSizingFunction",
        "GridAutoFlow",
        "RepetitionCount",
    ];
    let type_ident = if TAKEN.contains(&base.as_str()) || TAKEN.contains(&format!("{base}Event").as_str()) {
        format!("{base}Design")
    } else {
        base
    };
    let mut w = Writer {
        doc,
        geometry,
        source,
        names: Identifiers::new(Language::Rust),
        variants: Identifiers::new(Language::RustType),
        fields: Vec::new(),
        events: Vec::new(),
        event_docs: Vec::new(),
        idents: rustc_hash::FxHashMap::default(),
        approximations: Vec::new(),
        warnings: Vec::new(),
        event_type: format!("{type_ident}Event"),
        // About 550 bytes of code per widget: grown once, not doubled from nothing.
        body: String::with_capacity(doc.len().saturating_mul(560)),
        uses_tui: false,
        uses_content: false,
        uses_fill: false,
        helpers: std::collections::BTreeSet::new(),
        origins_used: rustc_hash::FxHashSet::default(),
        islands: Vec::new(),
    };
    w.root(doc.root());
    let mut code = String::new();
    let header = format!(
        "// Generated by Trellis {} (trellis export --to egui) from {}.\n// Edit the design, not this file: the next export replaces it.\n",
        env!("CARGO_PKG_VERSION"),
        crate::escaping::comment(&source.file_name),
    );
    if w.uses_tui {
        code.push_str("use egui_taffy::TuiBuilderLogic as _;\nuse egui_taffy::taffy::prelude::*;\n");
    }
    let _ = writeln!(
        code,
        "/// The values of the `{}` design's widgets: what the user typed, checked, slid and chose.",
        crate::escaping::comment(&source.file_name)
    );
    let all_default = w.fields.iter().all(|f| f.default);
    let derives = if all_default { "Clone, Debug, Default, PartialEq" } else { "Clone, Debug, PartialEq" };
    let _ = writeln!(code, "#[derive({derives})]\npub struct {type_ident} {{");
    // Each field, variant and initializer is a unit for the formatter.
    let (field_mark, variant_mark, initializer_mark) =
        (UnitKind::Field.start(), UnitKind::Variant.start(), UnitKind::Initializer.start());
    for f in &w.fields {
        let _ = writeln!(code, "{field_mark}\n/// {}\npub {}: {},\n{UNIT_END}", f.doc, f.ident, f.ty);
    }
    code.push_str("}\n");
    if !all_default {
        let _ = writeln!(code, "impl Default for {type_ident} {{\nfn default() -> Self {{\nSelf {{");
        // The last field is not a unit: prettyplease measures its comma
        // differently (written only when the lines break).
        let marked = w.fields.len() >= INITIALIZER_UNITS_FROM;
        for (i, f) in w.fields.iter().enumerate() {
            if marked && i + 1 < w.fields.len() {
                let _ = writeln!(code, "{initializer_mark}\n{}: {},\n{UNIT_END}", f.ident, f.initial);
            } else {
                let _ = writeln!(code, "{}: {},", f.ident, f.initial);
            }
        }
        code.push_str("}\n}\n}\n");
    }
    let event_type = &w.event_type;
    let _ = writeln!(
        code,
        "/// What the user did in one frame of [`{type_ident}::ui`].\n#[derive(Clone, Copy, Debug, PartialEq, Eq)]\npub enum {event_type} {{"
    );
    for (variant, doc) in w.events.iter().zip(&w.event_docs) {
        let _ = writeln!(code, "{variant_mark}\n/// {doc}\n{variant},\n{UNIT_END}");
    }
    code.push_str("}\n");
    // Events declared for hidden widgets only are never pushed.
    let events_binding =
        if w.body.contains("events.push(") { "let mut events = Vec::new();" } else { "let events = Vec::new();" };
    let colors: Vec<String> = visuals_colors(&source.theme).into_iter().map(|c| color(c).to_string()).collect();
    let _ = writeln!(
        code,
        "impl {type_ident} {{\n/// Shows the design at the top-left corner of `ui`'s available space and returns what the user did this frame.\npub fn ui(&mut self, ui: &mut egui::Ui) -> Vec<{event_type}> {{\n{events_binding}\nlet origin = ui.max_rect().min;\n// The design's look, whatever the app's theme; the app's is restored after.\nlet outer = std::mem::replace(ui.visuals_mut(), Self::visuals());\n// Popups (a dropdown's list, a tooltip) take the context's style: the design's too, while the design shows.\nlet app_style = ui.ctx().global_style();\nui.ctx().global_style_mut(|style| style.visuals = Self::visuals());\n{}\nui.ctx().set_global_style(app_style);\n*ui.visuals_mut() = outer;\nevents\n}}\n/// egui's look in the design's theme ({}), as the canvas draws its widgets.\npub fn visuals() -> egui::Visuals {{\ntheme_visuals({}, [{}])\n}}\n}}",
        w.body,
        source.theme.name,
        source.theme.name == Theme::DARK.name,
        colors.join(", ")
    );
    code.push_str(include_str!("egui_widgets/visuals.rs"));
    for helper in &w.helpers {
        code.push_str(helper.source());
    }
    if w.uses_fill {
        code.push_str(
            "/// Adds `widget` over the whole of `ui`'s box, from its left and centred in height, as the canvas draws it.\nfn fill(ui: &mut egui::Ui, widget: impl egui::Widget) -> egui::Response {\nlet layout = egui::Layout::left_to_right(egui::Align::Center).with_main_justify(true).with_cross_justify(true);\nui.allocate_ui_with_layout(ui.available_size(), layout, |ui| ui.add(widget)).inner\n}\n",
        );
    }
    if w.uses_content {
        code.push_str(
            "/// A leaf's content for egui_taffy: its narrowest and widest sizes, as Trellis measured them with the design's font.\n/// egui_taffy rounds the narrowest up to whole points: given rounded down, a line the canvas fills exactly does not overflow by the fractions and wrap.\nfn leaf_content(narrow: egui::Vec2, wide: egui::Vec2) -> egui_taffy::TuiContainerResponse<()> {\negui_taffy::TuiContainerResponse { inner: (), min_size: narrow.floor(), intrinsic_size: None, max_size: wide, infinite: egui::Vec2b::FALSE }\n}\n",
        );
    }
    let text = if formatted {
        crate::rust_format::format_file(&format!("{header}\n"), &code)
            .map_err(|e| EguiExportError::Unparsable(e.to_string()))?
    } else {
        format!("{header}\n{code}")
    };
    Ok(EguiExport {
        source: text,
        type_name: type_ident,
        fields: w.fields.iter().map(|f| f.ident.clone()).collect(),
        events: w.events,
        widgets: doc.len(),
        approximations: w.approximations,
        warnings: w.warnings,
    })
}

/// Whether `w` lays its children out with flex or grid (in egui, a
/// taffy layout), rather than placing them (absolute layout, tabs).
pub fn flows(w: &WidgetRef<'_>) -> bool {
    w.kind() != WidgetKind::Tabs && w.layout() != LayoutMode::Absolute
}

/// The style of the root of a taffy layout: a flex or grid container
/// placed freely (or the window), fixed at its laid-out size.
pub fn island_style(geometry: &Geometry, doc: &Document, id: WidgetId) -> Style {
    let rect = geometry.rect(id).unwrap_or_default();
    let mut style = geometry.taffy_style(doc, id).unwrap_or_default();
    style.size = taffy::Size { width: taffy::Dimension::length(rect.w), height: taffy::Dimension::length(rect.h) };
    style.margin = taffy::Rect::zero();
    style.flex_grow = 0.0;
    style.flex_shrink = 0.0;
    style
}

/// The style of a widget laid out by its parent's flex or grid layout: the
/// canvas's own. An absolute container, tabs or a scroll area placing its
/// children is a leaf for egui_taffy, given what Trellis measured inside
/// it ([`leaf_content`]); egui_taffy rounds that to whole points, so in a
/// row or column, where its size is auto, it is given the size Trellis
/// laid it out at, exactly (a style keeps fractions: random design 55),
/// except along the line when it grows: there its flex basis is its
/// measured content, or its size would be grown again (design 71). In a
/// grid it keeps its measured content: taffy aligns an item of a fixed
/// size that overflows its cell at the start, where the canvas's measured
/// one overflows as its alignment says (designs 59 and 189).
pub fn item_style(geometry: &Geometry, doc: &Document, id: WidgetId) -> Style {
    let mut style = geometry.taffy_style(doc, id).unwrap_or_default();
    let Some(w) = doc.widget(id) else { return style };
    let line = w.parent().and_then(|p| doc.widget(p)).map(|p| p.layout());
    if !w.kind().is_container() {
        automatic_minimum(geometry, doc, id, line, &mut style);
        return style;
    }
    if flows(&w) {
        return style;
    }
    if !matches!(line, Some(LayoutMode::Row | LayoutMode::Column)) {
        return style;
    }
    let rect = geometry.rect(id).unwrap_or_default();
    let along =
        |row: bool| style.flex_grow > 0.0 && line == Some(if row { LayoutMode::Row } else { LayoutMode::Column });
    let [_, wide] = leaf_content(geometry, doc, id);
    if style.size.width.is_auto() {
        if along(true) {
            if style.flex_basis.is_auto() {
                style.flex_basis = taffy::Dimension::length(wide.0 + frame(&style, true));
            }
        } else {
            style.size.width = taffy::Dimension::length(rect.w);
        }
    }
    if style.size.height.is_auto() {
        if along(false) {
            if style.flex_basis.is_auto() {
                style.flex_basis = taffy::Dimension::length(wide.1 + frame(&style, false));
            }
        } else {
            style.size.height = taffy::Dimension::length(rect.h);
        }
    }
    style
}

/// A leaf's automatic minimum along its row's or column's line, made
/// explicit as taffy would find it from the exact narrowest content
/// Trellis measured: egui_taffy rounds the content it is given to whole
/// points, and items shrunk to their minimum in an overflowing line each
/// lost their fraction (random design 81).
fn automatic_minimum(geometry: &Geometry, doc: &Document, id: WidgetId, line: Option<LayoutMode>, style: &mut Style) {
    let row = match line {
        Some(LayoutMode::Row) => true,
        Some(LayoutMode::Column) => false,
        _ => return,
    };
    let overflow = if row { style.overflow.x } else { style.overflow.y };
    if overflow != taffy::Overflow::Visible {
        return;
    }
    let [narrow, _] = leaf_content(geometry, doc, id);
    let frame = frame(style, row);
    let (content, min, size, max) = if row {
        (narrow.0, style.min_size.width, style.size.width, style.max_size.width)
    } else {
        (narrow.1, style.min_size.height, style.size.height, style.max_size.height)
    };
    if !min.is_auto() {
        return;
    }
    let mut minimum = content + frame;
    for limit in [dimension(size), lpa(max)] {
        if let LengthCode::Length(x) = limit {
            minimum = minimum.min(x);
        }
    }
    let minimum = taffy::LengthPercentageAuto::length(minimum.max(frame));
    if row {
        style.min_size.width = minimum;
    } else {
        style.min_size.height = minimum;
    }
}

/// A leaf's narrowest and widest content for egui_taffy, as Trellis
/// measures it ([`Geometry::leaf_content`]); for a container egui_taffy
/// takes as a leaf, its content without its padding and border, which
/// egui_taffy adds from its style. A scroll area whose children flow is
/// a leaf there, holding its own taffy layout: its laid-out box is its
/// content.
pub fn leaf_content(geometry: &Geometry, doc: &Document, id: WidgetId) -> [(f32, f32); 2] {
    if let Some(content) = geometry.leaf_content(doc, id) {
        return content;
    }
    let natural = geometry.rect(id).unwrap_or_default();
    let style = geometry.taffy_style(doc, id).unwrap_or_default();
    [((natural.w - frame(&style, true)).max(0.0), (natural.h - frame(&style, false)).max(0.0)); 2]
}

/// A style's padding and border across (`row`) or down, as taffy adds
/// them: raw (a wrapping row's padding may be negative: its content starts
/// a gap early).
fn frame(style: &Style, row: bool) -> f32 {
    let length = |v: taffy::LengthPercentage| match lp(v) {
        LengthCode::Length(x) => x,
        LengthCode::Percent(_) | LengthCode::Auto => 0.0,
    };
    let (p, b) = (&style.padding, &style.border);
    if row {
        length(p.left) + length(p.right) + length(b.left) + length(b.right)
    } else {
        length(p.top) + length(p.bottom) + length(b.top) + length(b.bottom)
    }
}

/// Where `child` goes in `parent`'s own area when `parent` places it: its
/// laid-out rectangle relative to `parent`'s top-left corner.
pub fn placed_rect(geometry: &Geometry, parent: WidgetId, child: WidgetId) -> Rect {
    let origin = geometry.rect(parent).unwrap_or_default();
    let r = geometry.rect(child).unwrap_or_default();
    Rect::new(r.x - origin.x, r.y - origin.y, r.w, r.h)
}

struct Writer<'a> {
    doc: &'a Document,
    geometry: &'a Geometry,
    source: &'a EguiSource,
    names: Identifiers,
    variants: Identifiers,
    fields: Vec<Field>,
    events: Vec<String>,
    event_docs: Vec<String>,
    idents: rustc_hash::FxHashMap<WidgetId, String>,
    approximations: Vec<Approximation>,
    warnings: Vec<String>,
    event_type: String,
    body: String,
    uses_tui: bool,
    uses_content: bool,
    uses_fill: bool,
    helpers: std::collections::BTreeSet<Helper>,
    /// The `{ident}_origin` corners some written code places from: a
    /// corner nothing is placed from is not bound (it would not compile
    /// under `deny(warnings)`).
    origins_used: rustc_hash::FxHashSet<String>,
    /// The taffy layouts being written, innermost last: the variable
    /// holding each one's exact top-left corner, and its box.
    islands: Vec<(String, Rect)>,
}

/// The widget helpers a generated module may carry, written once, in
/// `egui_widgets/`, and compiled by the preview too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Helper {
    Button,
    Checkbox,
    Dropdown,
    Label,
    LayoutAt,
    OnField,
    Switch,
    Tab,
    Progress,
}

impl Helper {
    fn source(self) -> &'static str {
        match self {
            Helper::Button => include_str!("egui_widgets/button.rs"),
            Helper::Checkbox => include_str!("egui_widgets/checkbox.rs"),
            Helper::Dropdown => include_str!("egui_widgets/dropdown.rs"),
            Helper::Label => include_str!("egui_widgets/label.rs"),
            Helper::LayoutAt => include_str!("egui_widgets/layout_at.rs"),
            Helper::OnField => include_str!("egui_widgets/on_field.rs"),
            Helper::Switch => include_str!("egui_widgets/switch.rs"),
            Helper::Tab => include_str!("egui_widgets/tab.rs"),
            Helper::Progress => include_str!("egui_widgets/progress.rs"),
        }
    }
}

/// The theme's colours in the order `theme_visuals` (in
/// `egui_widgets/visuals.rs`) takes them.
pub fn visuals_colors(theme: &Theme) -> [Color; 10] {
    [
        theme.window,
        theme.panel,
        theme.border,
        theme.text,
        theme.muted,
        theme.accent,
        theme.on_accent,
        theme.control,
        theme.field,
        theme.track,
    ]
}

/// How wide each tab of a bar `width` wide with `tabs` tabs is, as the
/// canvas draws them.
pub fn tab_width(width: f32, tabs: usize) -> f32 {
    if tabs == 0 { 0.0 } else { (width / tabs as f32).min(160.0) }
}

/// A button's outline as the canvas draws it: its border where it has
/// one, the theme's 1-point line otherwise.
pub fn button_border(w: &WidgetRef<'_>, theme: &Theme) -> (f32, Color) {
    let width = w.number(PropKey::BorderWidth);
    if width > 0.0 { (width, w.color(PropKey::BorderColor).unwrap_or(theme.border)) } else { (1.0, theme.border) }
}

/// A button's corner radius as the canvas draws it (6 unless set).
pub fn button_radius(w: &WidgetRef<'_>) -> f32 {
    if w.get(PropKey::CornerRadius).is_some() { w.number(PropKey::CornerRadius) } else { 6.0 }
}

/// Where a widget is shown: in a taffy node of its parent's layout, or at
/// a rectangle relative to `origin` (a variable of the generated code).
#[derive(Clone, Copy)]
enum Place<'o> {
    Flow,
    Free { origin: &'o str, rect: Rect },
}

/// An `f32` literal (`12.0`, `0.5`): shown where it is written, so that
/// the 100,000 numbers of a large design make no string each.
fn f(v: f32) -> FloatLiteral {
    let v = if v.is_finite() { v } else { 0.0 };
    FloatLiteral(if v == 0.0 { 0.0 } else { v })
}

#[derive(Clone, Copy)]
struct FloatLiteral(f32);

impl std::fmt::Display for FloatLiteral {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(out, "{:?}", self.0)
    }
}

/// A `Color32` expression, shown where it is written (as [`f`]).
fn color(c: Color) -> ColorCode {
    ColorCode(c)
}

#[derive(Clone, Copy)]
struct ColorCode(Color);

impl std::fmt::Display for ColorCode {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = self.0;
        if c.a == 255 {
            write!(out, "egui::Color32::from_rgb({}, {}, {})", c.r, c.g, c.b)
        } else {
            write!(out, "egui::Color32::from_rgba_unmultiplied({}, {}, {}, {})", c.r, c.g, c.b, c.a)
        }
    }
}

fn pascal(ident: &str) -> String {
    type_name(ident)
}

impl Writer<'_> {
    fn ident(&mut self, w: &WidgetRef<'_>) -> String {
        if let Some(i) = self.idents.get(&w.id()) {
            return i.clone();
        }
        let i = self.names.claim(w.name());
        self.idents.insert(w.id(), i.clone());
        i
    }

    /// A field of the state struct for `w`'s value.
    fn field(&mut self, w: &WidgetRef<'_>, suffix: &str, ty: &'static str, initial: String, default: bool) -> String {
        let base = self.ident(w);
        let ident = self.names.claim(&format!("{base}_{suffix}"));
        let (name, kind) = (w.name(), w.kind().label().to_lowercase());
        let doc = match suffix {
            "text" => format!("What is typed in `{name}` ({kind})."),
            "checked" => format!("Whether `{name}` ({kind}) is on."),
            "value" => format!("The value of `{name}` ({kind})."),
            "selected" => format!("The item chosen in `{name}` ({kind}); `None` when none is."),
            _ => format!("The tab `{name}` ({kind}) shows."),
        };
        self.fields.push(Field { ident: ident.clone(), ty, initial, default, doc });
        ident
    }

    /// A variant of the event enum, returned as `Type::Variant`.
    fn event(&mut self, w: &WidgetRef<'_>, what: &str) -> String {
        let variant = self.variants.claim(&pascal(&format!("{}_{what}", w.name())));
        self.event_docs.push(format!("`{}` was {what}.", w.name()));
        self.events.push(variant.clone());
        format!("{}::{variant}", self.event_type)
    }

    fn root(&mut self, id: WidgetId) {
        let Some(w) = self.doc.widget(id) else { return };
        let rect = self.geometry.rect(id).unwrap_or_default();
        let fill = w.color(PropKey::Fill).unwrap_or(self.source.theme.window);
        let _ = writeln!(
            self.body,
            "ui.painter().rect_filled(egui::Rect::from_min_size(origin, egui::vec2({}, {})), 0.0, {});",
            f(rect.w),
            f(rect.h),
            color(fill)
        );
        self.children(&w, "origin", rect);
    }

    /// `w`'s children, laid out as `w` lays them out; `origin` names the
    /// variable holding `w`'s top-left corner, `rect` is `w`'s box.
    fn children(&mut self, w: &WidgetRef<'_>, origin: &str, rect: Rect) {
        let children: Vec<WidgetId> = w.children().to_vec();
        if children.is_empty() {
            return;
        }
        match w.layout() {
            LayoutMode::Absolute => {
                for child in children {
                    let place = Place::Free { origin, rect: placed_rect(self.geometry, w.id(), child) };
                    self.widget(child, place);
                }
            }
            _ if !children.iter().filter_map(|c| self.doc.widget(*c)).any(|c| c.flag(PropKey::Visible)) => {
                for child in children {
                    self.widget(child, Place::Flow);
                }
            }
            _ => {
                // The container's own box, fixed where it sits, lays its
                // children out with taffy.
                self.uses_tui = true;
                self.helpers.insert(Helper::LayoutAt);
                self.origins_used.insert(origin.to_owned());
                let style = island_style(self.geometry, self.doc, w.id());
                let _ = writeln!(
                    self.body,
                    "layout_at(ui, {}, {origin}, egui::vec2({}, {}), {}, |tui| {{",
                    rust_string(w.name()),
                    f(rect.w),
                    f(rect.h),
                    style_code(&style, w)
                );
                self.islands.push((origin.to_owned(), rect));
                for child in children {
                    self.widget(child, Place::Flow);
                }
                self.islands.pop();
                self.body.push_str("});\n");
            }
        }
    }

    /// `id`'s code, marked as a unit for the formatter (`rust_format`),
    /// which formats each widget's code once per shape.
    fn widget(&mut self, id: WidgetId, place: Place<'_>) {
        self.body.push(UnitKind::Statements.start());
        self.body.push('\n');
        self.widget_code(id, place);
        self.body.push(UNIT_END);
        self.body.push('\n');
    }

    fn widget_code(&mut self, id: WidgetId, place: Place<'_>) {
        let Some(w) = self.doc.widget(id) else { return };
        if !w.flag(PropKey::Visible) {
            // Hidden: no node, no space (CSS `display: none`), but its
            // values stay in the state.
            self.values(&w);
            let _ = writeln!(self.body, "// `{}` is hidden.", w.name());
            return;
        }
        if w.kind().is_container() {
            self.container(&w, place);
        } else {
            self.leaf(&w, place);
        }
    }

    /// A tabs widget's field (the tab shown) and its change event.
    fn tabs_state(&mut self, w: &WidgetRef<'_>) -> (String, String) {
        let selected = w.int(PropKey::Selected);
        let field = self.field(w, "current", "usize", selected.max(0).to_string(), selected <= 0);
        let event = self.event(w, "changed");
        (field, event)
    }

    /// Declares the fields of a hidden widget, so the state is the same
    /// whether or not it shows.
    fn values(&mut self, w: &WidgetRef<'_>) {
        if w.kind() == WidgetKind::Tabs {
            let _ = self.tabs_state(w);
        }
        // Only its fields and events: a hidden widget draws nothing, so it
        // needs no helper.
        let helpers = self.helpers.clone();
        let _ = self.control(w);
        self.helpers = helpers;
        let children: Vec<WidgetId> = w.children().to_vec();
        for c in children {
            if let Some(c) = self.doc.widget(c) {
                self.values(&c);
            }
        }
    }

    fn container(&mut self, w: &WidgetRef<'_>, place: Place<'_>) {
        let rect = self.geometry.rect(w.id()).unwrap_or_default();
        let ident = self.ident(w);
        let origin = format!("{ident}_origin");
        let paint = self.background(w, "rect");
        let any_shown = w.children().iter().filter_map(|c| self.doc.widget(*c)).any(|c| c.flag(PropKey::Visible));
        // A tab bar draws its edge line even without titles.
        let tab_bar = w.kind() == WidgetKind::Tabs;
        // A row, column or grid showing no child is a leaf for egui_taffy,
        // measured as Trellis measures it: egui_taffy takes a node without
        // children for a leaf of no size, where an empty grid still has
        // its tracks (random design 285).
        let flows_here =
            matches!(place, Place::Flow) && self.flows(w) && w.kind() != WidgetKind::ScrollArea && any_shown;
        // The container's exact corner. egui_taffy rounds a box it lays out
        // to whole points: children placed, or laid out, from its rounded
        // corner would add that rounding to their own (random design 117,
        // 1.5 px), so they start from the corner of the layout it is in,
        // kept exact, and where Trellis puts it there.
        let corner = match (place, self.islands.last()) {
            (Place::Flow, Some((island, at))) => {
                let island = island.clone();
                self.origins_used.insert(island.clone());
                format!("{island} + egui::vec2({}, {})", f(rect.x - at.x), f(rect.y - at.y))
            }
            _ => "rect.min".to_owned(),
        };
        // Children placed, or laid out, in the container's own `Ui` need
        // its corner (a scroll area's is bound inside it).
        let bind = if (any_shown || tab_bar) && w.kind() != WidgetKind::ScrollArea && !flows_here {
            format!("let {origin} = {corner};")
        } else {
            String::new()
        };
        // A container's opacity fades its box and all inside it, as on the
        // canvas: set on the `Ui`s it paints and lays out its children in.
        let opacity = w.number(PropKey::Opacity);
        let fade =
            |ui: &str| if opacity < 1.0 { format!("{ui}.multiply_opacity({});\n", f(opacity)) } else { String::new() };
        let node = match place {
            Place::Flow => {
                let style = item_style(self.geometry, self.doc, w.id());
                format!("tui.id(egui_taffy::tid({})).style({})", rust_string(w.name()), style_code(&style, w))
            }
            Place::Free { .. } => String::new(),
        };
        let content = if matches!(place, Place::Flow) && !flows_here {
            self.uses_content = true;
            let [narrow, wide] = leaf_content(self.geometry, self.doc, w.id());
            format!(
                "leaf_content(egui::vec2({}, {}), egui::vec2({}, {}))",
                f(narrow.0),
                f(narrow.1),
                f(wide.0),
                f(wide.1)
            )
        } else {
            String::new()
        };
        // The container's statement before and after what is inside it,
        // as it is written when nothing is inside (`empty`, comments at
        // most: a closure then names its parameters `_`) or something is.
        let wrap = |empty: bool| -> (String, String) {
            let used = |name: &'static str| if empty { "_" } else { name };
            match place {
                Place::Free { origin: parent, rect: r } => {
                    let head = format!(
                        "{{\nlet rect = egui::Rect::from_min_size({parent} + egui::vec2({}, {}), egui::vec2({}, {}));\n",
                        f(r.x),
                        f(r.y),
                        f(r.w),
                        f(r.h),
                    );
                    let scope = "ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {\n";
                    if opacity < 1.0 {
                        (format!("{head}{scope}{}{paint}\n{bind}\n", fade("ui")), "});\n}\n".to_owned())
                    } else if !empty {
                        (format!("{head}{paint}\n{scope}{bind}\n"), "});\n}\n".to_owned())
                    } else if paint.is_empty() {
                        // Nothing to paint and nothing inside: the rectangle
                        // is the design's only trace.
                        (format!("{head}{paint}\nlet _ = rect;\n"), "}\n".to_owned())
                    } else {
                        (format!("{head}{paint}\n"), "}\n".to_owned())
                    }
                }
                Place::Flow if flows_here && paint.is_empty() => {
                    let tui_fade = if empty { String::new() } else { fade("tui.egui_ui_mut()") };
                    (format!("{node}.add(|{}| {{\n{tui_fade}", used("tui")), "});\n".to_owned())
                }
                // egui_taffy lays the children out in the `Ui` the
                // background was painted in: faded there, once.
                Place::Flow if flows_here => (
                    format!(
                        "{node}.add_with_background_ui(|ui, container| {{\n{}let rect = container.full_container();\n{paint}\n}}, |{}, _| {{\n",
                        fade("ui"),
                        used("tui")
                    ),
                    "});\n".to_owned(),
                ),
                // A leaf for egui_taffy, measured as Trellis measures it,
                // drawn over its whole box: egui_taffy's `Ui` for a leaf
                // is the box inside its padding and border, where the
                // canvas places children from the padding's outer edge
                // and shows a scroll area's view over the box (random
                // design 76).
                Place::Flow => {
                    let needs_ui = !(empty && paint.is_empty());
                    let scrolls = w.kind() == WidgetKind::ScrollArea && !empty;
                    let needs_rect = !(paint.is_empty() && bind.is_empty() && !scrolls);
                    let rect_binding = if needs_rect { "let rect = container.full_container();" } else { "" };
                    let (scope, scope_end) = if scrolls {
                        ("ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {\n", "});\n")
                    } else {
                        ("", "")
                    };
                    (
                        format!(
                            "{node}.ui_manual(|{}, {}| {{\n{}{rect_binding}\n{paint}\n{scope}{bind}\n",
                            if needs_ui { "ui" } else { "_" },
                            if needs_rect { "container" } else { "_" },
                            if needs_ui { fade("ui") } else { String::new() },
                        ),
                        format!("{scope_end}{content}\n}});\n"),
                    )
                }
            }
        };
        if let Place::Free { origin: parent, .. } = place {
            self.origins_used.insert(parent.to_owned());
        }
        let start = self.body.len();
        self.around(wrap, |this| {
            if flows_here {
                let children: Vec<WidgetId> = w.children().to_vec();
                for child in children {
                    this.widget(child, Place::Flow);
                }
            } else {
                this.container_inside(w, &origin, &corner, rect);
            }
        });
        // Children that draw nothing (empty space, hidden) leave the
        // corner unused.
        if !bind.is_empty()
            && !self.origins_used.contains(&origin)
            && let Some(at) = self.body[start..].find(&bind)
        {
            self.body.replace_range(start + at..start + at + bind.len(), "");
        }
    }

    /// Writes what `inside` writes within a statement: `wrap(false)`'s
    /// start and end around it, or, when it wrote comments at most,
    /// `wrap(true)`'s with nothing inside. What is inside is written in
    /// place, once (writing it apart and copying it into the parent cost
    /// a copy of every widget's code per level of nesting).
    fn around(&mut self, wrap: impl Fn(bool) -> (String, String), inside: impl FnOnce(&mut Self)) {
        let (before, after) = wrap(false);
        let start = self.body.len();
        self.body.push_str(&before);
        let written = self.body.len();
        inside(self);
        if is_empty_code(&self.body[written..]) {
            self.body.truncate(start);
            let (before, after) = wrap(true);
            self.body.push_str(&before);
            self.body.push_str(&after);
        } else {
            self.body.push_str(&after);
        }
    }

    fn flows(&self, w: &WidgetRef<'_>) -> bool {
        flows(w)
    }

    /// What is inside a container's box, with `origin` its top-left corner.
    /// What is inside `w`, whose exact corner is the expression `corner`:
    /// bound to `origin` where what is inside needs it.
    fn container_inside(&mut self, w: &WidgetRef<'_>, origin: &str, corner: &str, rect: Rect) {
        match w.kind() {
            WidgetKind::Tabs => {
                let (current, event) = self.tabs_state(w);
                let titles: Vec<String> = w.items().iter().map(|t| rust_string(t)).collect();
                self.origins_used.insert(origin.to_owned());
                let line =
                    format!("egui::Rect::from_min_size({origin}, egui::vec2({}, {}))", f(rect.w), f(TAB_BAR_HEIGHT));
                let _ = writeln!(
                    self.body,
                    "// The tab bar's lower edge.\n{{\nlet bar = {line};\nui.painter().hline(bar.x_range(), bar.bottom(), egui::Stroke::new(1.0, {}));\n}}",
                    color(self.source.theme.border),
                );
                if !titles.is_empty() {
                    self.helpers.insert(Helper::Tab);
                    let _ = writeln!(
                        self.body,
                        "let before = self.{current};\nui.scope_builder(egui::UiBuilder::new().max_rect({line}), |ui| {{\nui.spacing_mut().item_spacing.x = 0.0;\nlet row = egui::Layout::left_to_right(egui::Align::Min);\nui.allocate_ui_with_layout(ui.available_size(), row, |ui| {{",
                    );
                    let width = f(tab_width(rect.w, titles.len()));
                    let size = f(w.number(PropKey::FontSize));
                    for (i, title) in titles.iter().enumerate() {
                        let _ = writeln!(
                            self.body,
                            "if tab(ui, self.{current} == {i}, egui::RichText::new({title}).size({size}), {width}).clicked() {{ self.{current} = {i}; }}"
                        );
                    }
                    let _ = writeln!(self.body, "}});\n}});\nif self.{current} != before {{ events.push({event}); }}");
                }
                let children: Vec<WidgetId> = w.children().to_vec();
                if !children.is_empty() {
                    let _ = writeln!(self.body, "match self.{current} {{");
                    for (i, child) in children.iter().enumerate() {
                        let place = Place::Free { origin, rect: placed_rect(self.geometry, w.id(), *child) };
                        let _ = writeln!(self.body, "{i} => {{");
                        // Not a unit of its own: prettyplease writes an arm
                        // holding one block as that block's statements.
                        self.widget_code(*child, place);
                        self.body.push_str("}\n");
                    }
                    self.body.push_str("_ => {}\n}\n");
                }
            }
            WidgetKind::ScrollArea => {
                // What a hidden child would take is not content.
                let content = w
                    .children()
                    .iter()
                    .filter(|c| self.doc.widget(**c).is_some_and(|c| c.flag(PropKey::Visible)))
                    .filter_map(|c| self.geometry.rect(*c))
                    .fold(Rect::new(rect.x, rect.y, 0.0, 0.0), |acc, r| acc.union(&r));
                let show = format!("egui::ScrollArea::both().id_salt({}).show_viewport(ui, |", rust_string(w.name()));
                let any_shown =
                    w.children().iter().filter_map(|c| self.doc.widget(*c)).any(|c| c.flag(PropKey::Visible));
                let wrap = |empty: bool| {
                    (format!("{show}{}| {{\n", if empty { "_, _" } else { "ui, viewport" }), "});\n".to_owned())
                };
                self.around(wrap, |this| {
                    // The content's exact corner: egui puts the scrolled
                    // `Ui` on a whole point.
                    let bind = format!("let {origin} = {corner} - viewport.min.to_vec2();\n");
                    let start = this.body.len();
                    if any_shown {
                        // The scrolled content spans the box and every
                        // child. What is inside is added in a `Ui` of its
                        // own, which takes no room: children at a fraction
                        // of a point from the whole point egui starts the
                        // content at would make it that much larger, and
                        // scrollable by it.
                        let size = format!(
                            "egui::vec2({}, {})",
                            f((content.right() - rect.x).max(rect.w)),
                            f((content.bottom() - rect.y).max(rect.h))
                        );
                        let _ = writeln!(this.body, "let _ = ui.allocate_exact_size({size}, egui::Sense::hover());");
                    }
                    let child = this.body.len();
                    if any_shown {
                        this.body
                            .push_str("let ui = &mut ui.new_child(egui::UiBuilder::new().max_rect(ui.max_rect()));\n");
                    }
                    let placed = this.body.len();
                    this.body.push_str(&bind);
                    this.children_in(w, origin, rect);
                    let nothing_inside = !crate::rust_format::names(&this.body[placed + bind.len()..], "ui");
                    // Children that draw nothing (empty space, a container
                    // with nothing to paint) leave the `Ui` unused, and the
                    // corner too where nothing is placed from it (random
                    // design 29).
                    if nothing_inside {
                        this.body.replace_range(child..placed, "");
                    }
                    let placed = if nothing_inside { child } else { placed };
                    if !this.origins_used.contains(origin) {
                        this.body.replace_range(placed..placed + bind.len(), "");
                        // The viewport is then unused. Renamed in as many
                        // bytes (the formatter drops the spaces): `around`
                        // holds positions before `start`.
                        let head = this.body[..start].rfind("|ui, viewport|").expect("the scroll area's closure");
                        this.body.replace_range(head..head + "|ui, viewport|".len(), "|ui, _       |");
                    }
                });
            }
            _ => self.children_in(w, origin, rect),
        }
    }

    /// Children inside a container's own `Ui` (placed relative to
    /// `origin`, or in a taffy layout of the container's box).
    fn children_in(&mut self, w: &WidgetRef<'_>, origin: &str, rect: Rect) {
        if self.flows(w) {
            self.children(w, origin, rect);
        } else {
            let children: Vec<WidgetId> = w.children().to_vec();
            for child in children {
                let place = Place::Free { origin, rect: placed_rect(self.geometry, w.id(), child) };
                self.widget(child, place);
            }
        }
    }

    /// The statement painting `w`'s fill and border over the `egui::Rect`
    /// named `rect`, or nothing.
    fn background(&self, w: &WidgetRef<'_>, rect: &str) -> String {
        let theme = self.source.theme;
        let fill = w.color(PropKey::Fill).or(match w.kind() {
            WidgetKind::Panel => Some(theme.panel),
            WidgetKind::Tabs => Some(theme.window),
            _ => None,
        });
        let border_width = w.number(PropKey::BorderWidth);
        let framed = matches!(w.kind(), WidgetKind::Panel | WidgetKind::ScrollArea | WidgetKind::Tabs);
        let stroke = if border_width > 0.0 || framed || w.get(PropKey::BorderColor).is_some() {
            let c = w.color(PropKey::BorderColor).unwrap_or(theme.border);
            format!("egui::Stroke::new({}, {})", f(border_width.max(1.0)), color(c))
        } else {
            "egui::Stroke::NONE".into()
        };
        if fill.is_none() && stroke == "egui::Stroke::NONE" {
            return String::new();
        }
        let fill = fill.map_or("egui::Color32::TRANSPARENT".into(), |c| color(c).to_string());
        format!(
            "ui.painter().rect({rect}, {}, {fill}, {stroke}, egui::StrokeKind::Inside);",
            f(w.number(PropKey::CornerRadius))
        )
    }

    /// The expression making `w`'s egui widget (declaring its fields and
    /// events), and what to do with its response.
    fn control(&mut self, w: &WidgetRef<'_>) -> Control {
        let theme = self.source.theme;
        let text = rust_string(w.text(PropKey::Text));
        let font = f(w.number(PropKey::FontSize));
        let rich = |text: &str, c: Color| format!("egui::RichText::new({text}).size({font}).color({})", color(c));
        // In the design's size, coloured as egui colours a selected or
        // unselected choice.
        let sized = |text: &str| format!("egui::RichText::new({text}).size({font})");
        let text_color = w.color(PropKey::TextColor).unwrap_or(theme.text);
        match w.kind() {
            WidgetKind::Label => {
                let align = match w.align(PropKey::TextAlign) {
                    trellis_model::Align::Center => "egui::Align::Center",
                    trellis_model::Align::End => "egui::Align::Max",
                    _ => "egui::Align::Min",
                };
                self.helpers.insert(Helper::Label);
                Control::Block(format!("label(ui, {}, {align}){};", rich(&text, text_color), tooltip(w)))
            }
            WidgetKind::Button => {
                let event = self.event(w, "clicked");
                let align = match w.align(PropKey::TextAlign) {
                    trellis_model::Align::Center => "egui::Align::Center",
                    trellis_model::Align::End => "egui::Align::Max",
                    _ => "egui::Align::Min",
                };
                let fill = w.color(PropKey::Fill).map_or("None".to_owned(), |c| format!("Some({})", color(c)));
                let (width, stroke) = button_border(w, &theme);
                self.helpers.insert(Helper::Button);
                Control::Block(format!(
                    "if button(ui, {}, {align}, {fill}, egui::Stroke::new({}, {}), {}){}.clicked() {{ events.push({event}); }}",
                    rich(&text, text_color),
                    f(width),
                    color(stroke),
                    f(button_radius(w)),
                    tooltip(w),
                ))
            }
            WidgetKind::TextInput | WidgetKind::TextArea => {
                let initial = if w.text(PropKey::Text).is_empty() {
                    "String::new()".to_owned()
                } else {
                    format!("{text}.to_owned()")
                };
                let field = self.field(w, "text", "String", initial, w.text(PropKey::Text).is_empty());
                let event = self.event(w, "changed");
                let make = if w.kind() == WidgetKind::TextInput { "singleline" } else { "multiline" };
                self.helpers.insert(Helper::OnField);
                Control::widget(format!(
                    "egui::TextEdit::{make}(&mut self.{field}).hint_text({}).font(egui::FontId::proportional({font}))",
                    rust_string(w.text(PropKey::Placeholder))
                ))
                .before("on_field(ui);".into())
                .then(format!("if response.changed() {{ events.push({event}); }}"))
            }
            WidgetKind::Toggle => {
                let checked = w.flag(PropKey::Checked);
                let field = self.field(w, "checked", "bool", checked.to_string(), !checked);
                let event = self.event(w, "changed");
                self.helpers.insert(Helper::Switch);
                Control::Block(format!(
                    "let response = switch(ui, &mut self.{field}, {}){};\nif response.changed() {{ events.push({event}); }}",
                    rich(&text, text_color),
                    tooltip(w)
                ))
            }
            WidgetKind::Checkbox => {
                let checked = w.flag(PropKey::Checked);
                let field = self.field(w, "checked", "bool", checked.to_string(), !checked);
                let event = self.event(w, "changed");
                self.helpers.insert(Helper::Checkbox);
                Control::Block(format!(
                    "if checkbox(ui, &mut self.{field}, {}){}.changed() {{ events.push({event}); }}",
                    rich(&text, text_color),
                    tooltip(w)
                ))
            }
            WidgetKind::Slider => {
                let v = w.number(PropKey::Value);
                let field = self.field(w, "value", "f32", f(v).to_string(), v == 0.0);
                let event = self.event(w, "changed");
                let (min, max, step) = (w.number(PropKey::Min), w.number(PropKey::Max), w.number(PropKey::Step));
                let step = if step > 0.0 { format!(".step_by({})", f(step)) } else { String::new() };
                // The canvas shows no number beside a slider; a screen reader
                // names it by its label.
                Control::widget(format!(
                    "egui::Slider::new(&mut self.{field}, {}..={}).show_value(false).trailing_fill(true){step}",
                    f(min),
                    f(max.max(min))
                ))
                .before(format!("// The track spans the widget's box and is 4 points high, as on the canvas.\nui.spacing_mut().slider_width = ui.available_width();\nui.spacing_mut().slider_rail_height = 4.0;\n{FIT_HEIGHT}\n{SLIDER_BODY}"))
                .then(format!(
                    "ui.ctx().accesskit_node_builder(response.id, |node| node.set_label({}));\nif response.changed() {{ events.push({event}); }}",
                    accessible_name(w)
                ))
            }
            WidgetKind::ProgressBar => {
                let v = w.number(PropKey::Value);
                let field = self.field(w, "value", "f32", f(v).to_string(), v == 0.0);
                let (min, max) = (w.number(PropKey::Min), w.number(PropKey::Max));
                let fraction = if max > min {
                    format!("((self.{field} - {}) / {}).clamp(0.0, 1.0)", f(min), f(max - min))
                } else {
                    "0.0".into()
                };
                self.helpers.insert(Helper::Progress);
                let fill = color(w.color(PropKey::Fill).unwrap_or(theme.accent));
                Control::Block(format!("progress(ui, {fraction}, {fill});"))
            }
            WidgetKind::RadioGroup | WidgetKind::Dropdown | WidgetKind::List => {
                let selected = w.int(PropKey::Selected);
                let initial = if selected >= 0 && (selected as usize) < w.items().len() {
                    format!("Some({selected})")
                } else {
                    "None".into()
                };
                let default = initial == "None";
                let field = self.field(w, "selected", "Option<usize>", initial, default);
                let event = self.event(w, "changed");
                let items: Vec<String> = w.items().iter().map(|i| rust_string(i)).collect();
                match w.kind() {
                    WidgetKind::RadioGroup => self.helpers.insert(Helper::OnField),
                    WidgetKind::Dropdown => self.helpers.insert(Helper::Dropdown),
                    _ => false,
                };
                let mut body = format!(
                    "let before = self.{field};\nlet items: [&str; {}] = [{}];\n",
                    items.len(),
                    items.join(", ")
                );
                match w.kind() {
                    WidgetKind::RadioGroup => {
                        let _ = writeln!(
                            body,
                            "on_field(ui);\nui.vertical(|ui| {{\nfor (i, item) in items.iter().enumerate() {{\nui.radio_value(&mut self.{field}, Some(i), {});\n}}\n}});",
                            rich("*item", text_color)
                        );
                    }
                    WidgetKind::Dropdown => {
                        let _ = writeln!(
                            body,
                            "let response = dropdown(ui, &mut self.{field}, &items, {}, {font}, {}){};\nui.ctx().accesskit_node_builder(response.id, |node| node.set_label({}));",
                            rust_string(w.text(PropKey::Placeholder)),
                            color(text_color),
                            tooltip(w),
                            accessible_name(w)
                        );
                    }
                    _ => {
                        let _ = writeln!(
                            body,
                            "egui::ScrollArea::vertical().id_salt({}).show(ui, |ui| {{\nfor (i, item) in items.iter().enumerate() {{\nui.selectable_value(&mut self.{field}, Some(i), {});\n}}\n}});",
                            rust_string(w.name()),
                            sized("*item")
                        );
                    }
                }
                let _ = writeln!(body, "if self.{field} != before {{ events.push({event}); }}");
                Control::Block(body)
            }
            WidgetKind::Image => match self.image_path(w) {
                Some(path) => Control::widget(format!(
                    "egui::Image::new(egui::include_image!({})).fit_to_exact_size(ui.available_size())",
                    rust_string(&path)
                )),
                None => Control::Block(format!(
                    "ui.painter().rect_stroke(ui.max_rect(), 0.0, egui::Stroke::new(1.0, {}), egui::StrokeKind::Inside);",
                    color(theme.border)
                )),
            },
            WidgetKind::Separator => Control::Block(format!(
                "ui.painter().rect_filled(ui.max_rect(), 0.0, {});",
                color(w.color(PropKey::BorderColor).unwrap_or(theme.border))
            )),
            WidgetKind::Spacer => Control::Block(String::new()),
            _ => Control::Block(String::new()),
        }
    }

    fn leaf(&mut self, w: &WidgetRef<'_>, place: Place<'_>) {
        let enabled = w.flag(PropKey::Enabled);
        let control = self.control(w);
        let body = match &control {
            Control::Widget { before, make, then } => {
                self.uses_fill = true;
                let add = format!("fill(ui, {make}){}", tooltip(w));
                // A disabled control: its `Ui` is disabled before it is
                // added (and its response is still the control's).
                let disable = if enabled { "" } else { "ui.disable();\n" };
                if then.is_empty() {
                    format!("{before}\n{disable}{add};")
                } else {
                    format!("{before}\n{disable}let response = {add};\n{then}")
                }
            }
            Control::Block(block) if !enabled && !block.is_empty() => format!("ui.disable();\n{block}"),
            Control::Block(block) => block.clone(),
        };
        let opacity = w.number(PropKey::Opacity);
        let fade = if opacity < 1.0 { format!("ui.multiply_opacity({});\n", f(opacity)) } else { String::new() };
        match place {
            Place::Free { .. } if is_empty_code(&body) => {
                // A spacer placed freely shows nothing and takes no room.
                let _ = writeln!(self.body, "// `{}` is empty space.", w.name());
            }
            Place::Free { origin, rect } => {
                self.origins_used.insert(origin.to_owned());
                let _ = writeln!(
                    self.body,
                    "ui.scope_builder(egui::UiBuilder::new().max_rect(egui::Rect::from_min_size({origin} + egui::vec2({}, {}), egui::vec2({}, {}))), |ui| {{\n{fade}{body}\n}});",
                    f(rect.x),
                    f(rect.y),
                    f(rect.w),
                    f(rect.h)
                );
            }
            Place::Flow => {
                let style = item_style(self.geometry, self.doc, w.id());
                let [narrow, wide] = leaf_content(self.geometry, self.doc, w.id());
                let ui = if fade.is_empty() && body.is_empty() { "_" } else { "ui" };
                self.uses_content = true;
                // The leaf's content (its narrowest and widest) is what
                // Trellis measured with the bundled font: egui's own text
                // metrics differ, and the layout must not.
                let _ = writeln!(
                    self.body,
                    "tui.id(egui_taffy::tid({})).style({}).ui_manual(|{ui}, _| {{\n{fade}{body}\nleaf_content(egui::vec2({}, {}), egui::vec2({}, {}))\n}});",
                    rust_string(w.name()),
                    style_code(&style, w),
                    f(narrow.0),
                    f(narrow.1),
                    f(wide.0),
                    f(wide.1),
                );
            }
        }
    }

    /// The image's path relative to the output folder, when the file is
    /// there to be included; otherwise a warning and a frame.
    fn image_path(&mut self, w: &WidgetRef<'_>) -> Option<String> {
        let path = w.text(PropKey::Image);
        if path.is_empty() {
            return None;
        }
        let found = crate::slint::find_image(w, self.source.design_dir.as_deref(), self.source.out_dir.as_deref());
        match found {
            Ok(p) => Some(p),
            Err(warning) => {
                self.warnings.push(warning);
                None
            }
        }
    }
}

/// Statements letting a control be as low as its box: egui's controls are
/// at least its "interact size" high (20 points), the canvas's may be less.
const FIT_HEIGHT: &str = "ui.spacing_mut().interact_size.y = ui.available_height();";

/// egui makes a slider at least a line of body text high (the line of the
/// number it would show beside it, which is not shown); the canvas's may
/// be lower. Body text a fifth smaller than the box is a line lower than
/// it in egui's fonts.
const SLIDER_BODY: &str = "let body = egui::FontId::proportional((ui.available_height() * 0.8).max(0.5));\nui.style_mut().text_styles.insert(egui::TextStyle::Body, body);";

/// Whether generated statements are only comments (a closure holding them
/// names its parameters `_`).
fn is_empty_code(code: &str) -> bool {
    code.lines().all(|l| {
        let l = l.trim_matches(|c: char| c.is_whitespace() || c == '\u{1}' || c == '\u{2}');
        l.is_empty() || l.starts_with("//")
    })
}

/// The calls showing `w`'s tooltip on its response when the pointer rests
/// on it, enabled or not (as a browser shows a `title`), or nothing.
/// `on_hover_text` also describes the control to screen readers, which
/// `on_disabled_hover_text` does not: a disabled control gets both, and
/// egui shows one.
fn tooltip(w: &WidgetRef<'_>) -> String {
    match w.text(PropKey::Tooltip) {
        "" => String::new(),
        tip if w.flag(PropKey::Enabled) => format!(".on_hover_text({})", rust_string(tip)),
        tip => format!(".on_hover_text({0}).on_disabled_hover_text({0})", rust_string(tip)),
    }
}

/// What a screen reader calls a control that shows no text of its own:
/// its tooltip, its placeholder or its name (as the HTML export's field
/// labels).
fn accessible_name(w: &WidgetRef<'_>) -> String {
    let said = [w.text(PropKey::Tooltip), w.text(PropKey::Placeholder)]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or(w.name());
    rust_string(said)
}

/// How a leaf is shown: an egui widget added over the leaf's box (with
/// statements before it, and what to do with its `response` after), or
/// statements of its own.
enum Control {
    Widget { before: String, make: String, then: String },
    Block(String),
}

impl Control {
    fn widget(make: String) -> Control {
        Control::Widget { before: String::new(), make, then: String::new() }
    }

    fn then(self, then: String) -> Control {
        match self {
            Control::Widget { before, make, .. } => Control::Widget { before, make, then },
            block => block,
        }
    }

    fn before(self, before: String) -> Control {
        match self {
            Control::Widget { make, then, .. } => Control::Widget { before, make, then },
            block => block,
        }
    }
}

/// A taffy style as a Rust expression: the fields that differ from
/// taffy's default, written with the taffy prelude's helpers (the module
/// imports it).
fn style_code(s: &Style, w: &WidgetRef<'_>) -> String {
    let d = Style::default();
    // Written field by field into one string: a large design has a style
    // per widget, and a string per field was a good part of its export.
    let mut out = String::with_capacity(160);
    out.push_str("Style { ");
    let start = out.len();
    let field = |out: &mut String, args: std::fmt::Arguments<'_>| {
        if out.len() > start {
            out.push_str(", ");
        }
        let _ = out.write_fmt(args);
    };
    if s.display != d.display {
        field(&mut out, format_args!("display: Display::{:?}", s.display));
    }
    if s.overflow != d.overflow {
        field(
            &mut out,
            format_args!(
                "overflow: egui_taffy::taffy::Point {{ x: egui_taffy::taffy::Overflow::{:?}, y: egui_taffy::taffy::Overflow::{:?} }}",
                s.overflow.x, s.overflow.y
            ),
        );
    }
    if s.scrollbar_width != d.scrollbar_width {
        field(&mut out, format_args!("scrollbar_width: {}", f(s.scrollbar_width)));
    }
    if s.size != d.size {
        field(&mut out, format_args!("size: {}", SizeCode([dimension(s.size.width), dimension(s.size.height)])));
    }
    for (name, v, dv) in [("min_size", s.min_size, d.min_size), ("max_size", s.max_size, d.max_size)] {
        if v != dv {
            field(&mut out, format_args!("{name}: {}", SizeCode([lpa(v.width), lpa(v.height)])));
        }
    }
    if s.margin != d.margin {
        let m = s.margin;
        field(&mut out, format_args!("margin: {}", SidesCode([lpa(m.left), lpa(m.right), lpa(m.top), lpa(m.bottom)])));
    }
    for (name, v, dv) in [("padding", s.padding, d.padding), ("border", s.border, d.border)] {
        if v != dv {
            field(&mut out, format_args!("{name}: {}", SidesCode([lp(v.left), lp(v.right), lp(v.top), lp(v.bottom)])));
        }
    }
    if s.gap != d.gap {
        field(&mut out, format_args!("gap: {}", SizeCode([lp(s.gap.width), lp(s.gap.height)])));
    }
    if s.flex_direction != d.flex_direction {
        field(&mut out, format_args!("flex_direction: FlexDirection::{:?}", s.flex_direction));
    }
    if s.flex_wrap != d.flex_wrap {
        field(&mut out, format_args!("flex_wrap: FlexWrap::{:?}", s.flex_wrap));
    }
    if s.flex_grow != d.flex_grow {
        field(&mut out, format_args!("flex_grow: {}", f(s.flex_grow)));
    }
    if s.flex_shrink != d.flex_shrink {
        field(&mut out, format_args!("flex_shrink: {}", f(s.flex_shrink)));
    }
    if s.align_items != d.align_items {
        field(&mut out, format_args!("align_items: {}", align_items(s.align_items)));
    }
    if s.justify_items != d.justify_items {
        field(&mut out, format_args!("justify_items: {}", align_items(s.justify_items)));
    }
    if s.align_self != d.align_self {
        match s.align_self {
            Some(a) => field(&mut out, format_args!("align_self: Some({})", align_items(a))),
            None => field(&mut out, format_args!("align_self: None")),
        }
    }
    if s.align_content != d.align_content {
        field(&mut out, format_args!("align_content: {}", align_content(s.align_content)));
    }
    if s.justify_content != d.justify_content {
        field(&mut out, format_args!("justify_content: {}", align_content(s.justify_content)));
    }
    for (name, v, key) in [
        ("grid_template_columns", &s.grid_template_columns, PropKey::GridColumns),
        ("grid_template_rows", &s.grid_template_rows, PropKey::GridRows),
    ] {
        if !v.is_empty() {
            let tracks: Vec<String> = v.iter().zip(w.tracks(key)).map(|(t, design)| track(t, *design)).collect();
            field(&mut out, format_args!("{name}: vec![{}]", tracks.join(", ")));
        }
    }
    // An automatic start spanning one track is where taffy's default
    // places an item: said only when it differs.
    let one_cell = taffy::Line { start: taffy::GridPlacement::Auto, end: taffy::GridPlacement::Span(1) };
    for (name, v, dv) in [("grid_column", &s.grid_column, &d.grid_column), ("grid_row", &s.grid_row, &d.grid_row)] {
        if v != dv && *v != one_cell {
            field(
                &mut out,
                format_args!("{name}: Line {{ start: {}, end: {} }}", placement(&v.start), placement(&v.end)),
            );
        }
    }
    if out.len() == start {
        return "Style::default()".into();
    }
    out.push_str(", ..Default::default() }");
    out
}

/// A `Size`: one value when both are the same.
struct SizeCode([LengthCode; 2]);

impl std::fmt::Display for SizeCode {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [width, height] = self.0;
        if width == height {
            write!(out, "{width}")
        } else {
            write!(out, "Size {{ width: {width}, height: {height} }}")
        }
    }
}

/// A `Rect` of four sides: one value when all are the same.
struct SidesCode([LengthCode; 4]);

impl std::fmt::Display for SidesCode {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [left, right, top, bottom] = self.0;
        if left == right && right == top && top == bottom {
            write!(out, "{left}")
        } else {
            write!(out, "Rect {{ left: {left}, right: {right}, top: {top}, bottom: {bottom} }}")
        }
    }
}

/// A length as taffy's helpers write it: `length(12.0)`, `percent(1.0)`
/// (a share of the parent's width: an item fitting a column that is
/// sized as it is laid out) or `auto()`.
#[derive(Clone, Copy, PartialEq)]
enum LengthCode {
    Length(f32),
    Percent(f32),
    Auto,
}

impl std::fmt::Display for LengthCode {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LengthCode::Length(v) => write!(out, "length({})", f(*v)),
            LengthCode::Percent(v) => write!(out, "percent({})", f(*v)),
            LengthCode::Auto => out.write_str("auto()"),
        }
    }
}

fn dimension(v: taffy::Dimension) -> LengthCode {
    match v.expand() {
        taffy::style::ExpandedDimension::Length(x) => LengthCode::Length(x),
        taffy::style::ExpandedDimension::Percent(x) => LengthCode::Percent(x),
        _ => LengthCode::Auto,
    }
}

fn lpa(v: taffy::LengthPercentageAuto) -> LengthCode {
    match v.expand() {
        taffy::style::ExpandedLengthPercentageAuto::Length(x) => LengthCode::Length(x),
        _ => LengthCode::Auto,
    }
}

fn lp(v: taffy::LengthPercentage) -> LengthCode {
    match v.expand() {
        taffy::style::ExpandedLengthPercentage::Length(x) => LengthCode::Length(x),
        _ => LengthCode::Length(0.0),
    }
}

/// A named constant of one of taffy's alignment types.
struct AlignCode(&'static str, &'static str);

impl std::fmt::Display for AlignCode {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(out, "{}::{}", self.0, self.1)
    }
}

fn align_items(a: taffy::AlignItems) -> AlignCode {
    let named = [
        ("FLEX_START", taffy::AlignItems::FLEX_START),
        ("FLEX_END", taffy::AlignItems::FLEX_END),
        ("CENTER", taffy::AlignItems::CENTER),
        ("STRETCH", taffy::AlignItems::STRETCH),
        ("START", taffy::AlignItems::START),
        ("END", taffy::AlignItems::END),
        ("BASELINE", taffy::AlignItems::BASELINE),
    ];
    let name = named.iter().find(|(_, v)| *v == a).map_or("STRETCH", |(n, _)| n);
    AlignCode("AlignItems", name)
}

fn align_content(a: taffy::AlignContent) -> AlignCode {
    let named = [
        ("FLEX_START", taffy::AlignContent::FLEX_START),
        ("FLEX_END", taffy::AlignContent::FLEX_END),
        ("CENTER", taffy::AlignContent::CENTER),
        ("STRETCH", taffy::AlignContent::STRETCH),
        ("START", taffy::AlignContent::START),
        ("END", taffy::AlignContent::END),
        ("SPACE_BETWEEN", taffy::AlignContent::SPACE_BETWEEN),
        ("SPACE_AROUND", taffy::AlignContent::SPACE_AROUND),
        ("SPACE_EVENLY", taffy::AlignContent::SPACE_EVENLY),
    ];
    let name = named.iter().find(|(_, v)| *v == a).map_or("FLEX_START", |(n, _)| n);
    AlignCode("AlignContent", name)
}

/// A grid track as code: the design's track, written with the taffy
/// helper that made `t` (checked, so the two cannot drift apart).
fn track(t: &taffy::GridTemplateComponent<String>, design: Track) -> String {
    use taffy::prelude::{auto, fr, length};
    let (code, made) = match design {
        Track::Px(v) => (format!("length({})", f(v)), taffy::GridTemplateComponent::Single(length(v))),
        Track::Fr(v) => (format!("fr({})", f(v)), taffy::GridTemplateComponent::Single(fr(v))),
        Track::Auto => ("auto()".to_owned(), taffy::GridTemplateComponent::Single(auto())),
    };
    debug_assert!(*t == made, "the layout's track {t:?} is made as {code}");
    code
}

fn placement(p: &taffy::GridPlacement<String>) -> String {
    match p {
        taffy::GridPlacement::Line(l) => format!("line({})", l.as_i16()),
        taffy::GridPlacement::Span(n) => format!("span({n})"),
        _ => "GridPlacement::Auto".into(),
    }
}
