//! The live preview: a design run as real egui widgets. Buttons click,
//! inputs take text, sliders slide, tabs switch, lists and dropdowns
//! choose; every value lives in a [`Preview`], never in the design.
//!
//! It interprets the design through the egui exporter's mapping
//! (`trellis_codegen::egui`: the same taffy styles, measured leaf content
//! and placement, making the same egui calls the generated code makes), so
//! the preview shows what the exported code will: a test compares the two
//! rectangle by rectangle.
//!
//! This crate depends on egui and `egui_taffy`, the model, the geometry
//! and the exporter's mapping; never on the GPU, a window or the editor.

use std::collections::HashMap;

use egui_taffy::TuiBuilderLogic as _;
use trellis_codegen::egui::{flows, island_style, item_style, leaf_content, placed_rect};
use trellis_geometry::Geometry;
use trellis_model::{Color, Document, PropKey, Theme, WidgetId, WidgetKind, WidgetRef};

/// A widget's value in the running design.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// What is typed in a text input or area.
    Text(String),
    /// Whether a checkbox or toggle is on.
    Checked(bool),
    /// A slider's or progress bar's value.
    Number(f32),
    /// The item chosen in a radio group, dropdown or list.
    Choice(Option<usize>),
    /// The tab shown.
    Tab(usize),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Text(t) => write!(f, "{t:?}"),
            Value::Checked(c) => write!(f, "{c}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::Choice(Some(i)) => write!(f, "item {i}"),
            Value::Choice(None) => f.write_str("none"),
            Value::Tab(i) => write!(f, "tab {i}"),
        }
    }
}

/// What the user did, as the exported code reports it: a button clicked
/// or a value changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewEvent {
    /// The widget's name.
    pub widget: String,
    /// `clicked` or `changed`.
    pub what: &'static str,
}

/// Decodes the picture an image widget names (its path as the design
/// gives it), or says there is none; the caller keeps the rules on where
/// images may be read from.
pub type ImageLoader = std::sync::Arc<dyn Fn(&str) -> Option<egui::ColorImage> + Send + Sync>;

/// The values of a running design and what happened to them.
#[derive(Clone, Default)]
pub struct Preview {
    values: HashMap<WidgetId, Value>,
    order: Vec<WidgetId>,
    /// The last events, newest last (at most [`Preview::KEPT_EVENTS`]).
    pub events: Vec<PreviewEvent>,
    loader: Option<ImageLoader>,
    /// Pictures by path, loaded once (`None`: none could be).
    images: HashMap<String, Option<egui::TextureHandle>>,
}

impl std::fmt::Debug for Preview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Preview")
            .field("values", &self.values.len())
            .field("events", &self.events.len())
            .field("images", &self.images.len())
            .finish_non_exhaustive()
    }
}

impl Preview {
    /// How many events [`Preview::events`] keeps.
    pub const KEPT_EVENTS: usize = 200;

    /// The design's values as it was saved: what the exported state
    /// struct's `Default` holds.
    pub fn new(doc: &Document) -> Preview {
        let mut preview = Preview::default();
        for id in doc.descendants(doc.root()) {
            let Some(w) = doc.widget(id) else { continue };
            let value = match w.kind() {
                WidgetKind::TextInput | WidgetKind::TextArea => Value::Text(w.text(PropKey::Text).to_owned()),
                WidgetKind::Checkbox | WidgetKind::Toggle => Value::Checked(w.flag(PropKey::Checked)),
                WidgetKind::Slider | WidgetKind::ProgressBar => Value::Number(w.number(PropKey::Value)),
                WidgetKind::RadioGroup | WidgetKind::Dropdown | WidgetKind::List => {
                    let selected = w.int(PropKey::Selected);
                    Value::Choice((selected >= 0 && (selected as usize) < w.items().len()).then_some(selected as usize))
                }
                WidgetKind::Tabs => Value::Tab(w.int(PropKey::Selected).max(0) as usize),
                _ => continue,
            };
            preview.values.insert(id, value);
            preview.order.push(id);
        }
        preview
    }

    /// Shows image widgets' pictures, decoded by `loader` (without one,
    /// an image shows as its box).
    pub fn with_images(mut self, loader: ImageLoader) -> Preview {
        self.loader = Some(loader);
        self
    }

    /// How many pictures are loaded and shown.
    pub fn loaded_images(&self) -> usize {
        self.images.values().filter(|t| t.is_some()).count()
    }

    /// Every value, in tree order, with its widget's name.
    pub fn values<'a>(&'a self, doc: &'a Document) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.order.iter().filter_map(|id| Some((doc.widget(*id)?.name(), self.values.get(id)?)))
    }

    /// The value of the widget called `name`.
    pub fn value(&self, doc: &Document, name: &str) -> Option<&Value> {
        self.values.get(&doc.find(name)?)
    }

    /// Shows `doc`, laid out as `geometry`, at the top-left corner of
    /// `ui`'s available space, in `theme`'s colours; returns this frame's
    /// events (also kept in [`Preview::events`]).
    pub fn show(&mut self, ui: &mut egui::Ui, doc: &Document, geometry: &Geometry, theme: Theme) -> Vec<PreviewEvent> {
        // The widgets in the design's theme, whatever the window's; popups
        // (a dropdown's list, a tooltip) take the context's style, the
        // design's too while it shows, as in the exported code.
        ui.style_mut().visuals = visuals(&theme);
        let app_style = ui.ctx().global_style();
        ui.ctx().global_style_mut(|style| style.visuals = visuals(&theme));
        let mut run = Run {
            doc,
            geometry,
            theme,
            values: &mut self.values,
            events: Vec::new(),
            loader: self.loader.as_ref(),
            images: &mut self.images,
        };
        run.root(ui, doc.root());
        ui.ctx().set_global_style(app_style);
        let events = run.events;
        self.events.extend(events.iter().cloned());
        let excess = self.events.len().saturating_sub(Self::KEPT_EVENTS);
        self.events.drain(..excess);
        events
    }
}

struct Run<'a> {
    doc: &'a Document,
    geometry: &'a Geometry,
    theme: Theme,
    values: &'a mut HashMap<WidgetId, Value>,
    events: Vec<PreviewEvent>,
    loader: Option<&'a ImageLoader>,
    images: &'a mut HashMap<String, Option<egui::TextureHandle>>,
}

/// The egui helpers the exported code carries, compiled here from the
/// same source: the preview draws a switch, a tab or a progress bar, and
/// takes its look from a theme, exactly as the generated module does.
mod widgets {
    include!("../../codegen/src/egui_widgets/visuals.rs");
    include!("../../codegen/src/egui_widgets/switch.rs");
    include!("../../codegen/src/egui_widgets/tab.rs");
    include!("../../codegen/src/egui_widgets/progress.rs");
    include!("../../codegen/src/egui_widgets/on_field.rs");
    include!("../../codegen/src/egui_widgets/layout_at.rs");
    include!("../../codegen/src/egui_widgets/label.rs");
    include!("../../codegen/src/egui_widgets/button.rs");
    include!("../../codegen/src/egui_widgets/checkbox.rs");
    include!("../../codegen/src/egui_widgets/dropdown.rs");
}

/// egui's look in `theme`: what the preview shows a design in, and what
/// the exported module's `visuals()` returns for it.
pub fn visuals(theme: &Theme) -> egui::Visuals {
    widgets::theme_visuals(theme.name == Theme::DARK.name, trellis_codegen::egui::visuals_colors(theme).map(color))
}

fn color(c: Color) -> egui::Color32 {
    egui::Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a)
}

fn rect_at(origin: egui::Pos2, r: trellis_model::Rect) -> egui::Rect {
    egui::Rect::from_min_size(origin + egui::vec2(r.x, r.y), egui::vec2(r.w, r.h))
}

impl Run<'_> {
    fn event(&mut self, w: &WidgetRef<'_>, what: &'static str) {
        self.events.push(PreviewEvent { widget: w.name().to_owned(), what });
    }

    fn root(&mut self, ui: &mut egui::Ui, id: WidgetId) {
        let Some(w) = self.doc.widget(id) else { return };
        let rect = self.geometry.rect(id).unwrap_or_default();
        let origin = ui.max_rect().min;
        let fill = w.color(PropKey::Fill).unwrap_or(self.theme.window);
        ui.painter().rect_filled(egui::Rect::from_min_size(origin, egui::vec2(rect.w, rect.h)), 0.0, color(fill));
        self.children(ui, &w, origin);
    }

    /// `w`'s children in `ui`, whose corner is `origin`: placed there, or
    /// laid out by a taffy root of `w`'s size.
    fn children(&mut self, ui: &mut egui::Ui, w: &WidgetRef<'_>, origin: egui::Pos2) {
        let children: Vec<WidgetId> = w.children().to_vec();
        if !flows(w) {
            for child in children {
                let rect = placed_rect(self.geometry, w.id(), child);
                self.free(ui, child, origin, rect);
            }
            return;
        }
        if !children.iter().filter_map(|c| self.doc.widget(*c)).any(|c| c.flag(PropKey::Visible)) {
            return;
        }
        let rect = self.geometry.rect(w.id()).unwrap_or_default();
        let style = island_style(self.geometry, self.doc, w.id());
        let island = (origin, rect);
        widgets::layout_at(ui, w.name(), origin, egui::vec2(rect.w, rect.h), style, |tui| {
            for child in children {
                self.flow(tui, child, island);
            }
        });
    }

    /// A widget placed at `rect` relative to `origin`.
    fn free(&mut self, ui: &mut egui::Ui, id: WidgetId, origin: egui::Pos2, rect: trellis_model::Rect) {
        let Some(w) = self.doc.widget(id) else { return };
        if !w.flag(PropKey::Visible) {
            return;
        }
        let rect = rect_at(origin, rect);
        let opacity = w.number(PropKey::Opacity);
        if w.kind().is_container() && opacity < 1.0 {
            // A container's opacity fades its box and all inside it, as on the canvas.
            ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
                ui.multiply_opacity(opacity);
                self.paint(ui, &w, rect);
                self.inside(ui, &w, rect.min);
            });
        } else if w.kind().is_container() {
            self.paint(ui, &w, rect);
            ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| self.inside(ui, &w, rect.min));
        } else {
            ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| self.control(ui, &w));
        }
    }

    /// A widget laid out by its parent's taffy layout, whose box is
    /// `island`'s second (in the design) and whose exact corner is its
    /// first.
    fn flow(&mut self, tui: &mut egui_taffy::Tui, id: WidgetId, island: (egui::Pos2, trellis_model::Rect)) {
        let Some(w) = self.doc.widget(id) else { return };
        if !w.flag(PropKey::Visible) {
            return;
        }
        let node = tui.id(egui_taffy::tid(w.name())).style(item_style(self.geometry, self.doc, id));
        if !w.kind().is_container() {
            let [narrow, wide] = leaf_content(self.geometry, self.doc, id);
            node.ui_manual(|ui, _| {
                self.control(ui, &w);
                measured(narrow, wide)
            });
        } else if flows(&w)
            && w.kind() != WidgetKind::ScrollArea
            && w.children().iter().any(|c| self.doc.widget(*c).is_some_and(|c| c.flag(PropKey::Visible)))
        {
            let children: Vec<WidgetId> = w.children().to_vec();
            let (doc, theme) = (self.doc, self.theme);
            let opacity = w.number(PropKey::Opacity);
            node.add_with_background_ui(
                |ui, container| {
                    if opacity < 1.0 {
                        ui.multiply_opacity(opacity);
                    }
                    paint(ui, doc, theme, &w, container.full_container());
                },
                // egui_taffy lays the children out in the `Ui` the
                // background was painted in: already faded.
                |tui, _| {
                    for child in children {
                        self.flow(tui, child, island);
                    }
                },
            );
        } else {
            // As the export writes it: a leaf measured as Trellis measures
            // it, drawn over its whole box (egui_taffy's `Ui` for a leaf is
            // the box inside its padding and border).
            let [narrow, wide] = leaf_content(self.geometry, self.doc, id);
            // As the export places from it: the exact corner, not the box
            // egui_taffy rounded to whole points.
            let at = self.geometry.rect(id).unwrap_or_default();
            let corner = island.0 + egui::vec2(at.x - island.1.x, at.y - island.1.y);
            node.ui_manual(|ui, container| {
                let opacity = w.number(PropKey::Opacity);
                if opacity < 1.0 {
                    ui.multiply_opacity(opacity);
                }
                let rect = container.full_container();
                self.paint(ui, &w, rect);
                if w.kind() == WidgetKind::ScrollArea {
                    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| self.inside(ui, &w, corner));
                } else {
                    self.inside(ui, &w, corner);
                }
                measured(narrow, wide)
            });
        }
    }

    fn paint(&self, ui: &egui::Ui, w: &WidgetRef<'_>, rect: egui::Rect) {
        paint(ui, self.doc, self.theme, w, rect);
    }

    /// What is inside a container placing its children (or a scroll area),
    /// with `origin` its top-left corner.
    fn inside(&mut self, ui: &mut egui::Ui, w: &WidgetRef<'_>, origin: egui::Pos2) {
        match w.kind() {
            WidgetKind::Tabs => {
                let rect = self.geometry.rect(w.id()).unwrap_or_default();
                let bar = egui::Rect::from_min_size(origin, egui::vec2(rect.w, trellis_geometry::TAB_BAR_HEIGHT));
                let mut current = match self.values.get(&w.id()) {
                    Some(Value::Tab(i)) => *i,
                    _ => 0,
                };
                let before = current;
                let tab_width = trellis_codegen::egui::tab_width(rect.w, w.items().len());
                let border = color(self.theme.border);
                let size = w.number(PropKey::FontSize);
                ui.scope_builder(egui::UiBuilder::new().max_rect(bar), |ui| {
                    ui.painter().hline(bar.x_range(), bar.bottom(), egui::Stroke::new(1.0, border));
                    ui.spacing_mut().item_spacing.x = 0.0;
                    let row = egui::Layout::left_to_right(egui::Align::Min);
                    ui.allocate_ui_with_layout(bar.size(), row, |ui| {
                        for (i, title) in w.items().iter().enumerate() {
                            if widgets::tab(ui, current == i, egui::RichText::new(title).size(size), tab_width)
                                .clicked()
                            {
                                current = i;
                            }
                        }
                    });
                });
                self.values.insert(w.id(), Value::Tab(current));
                if current != before {
                    self.event(w, "changed");
                }
                if let Some(child) = w.children().get(current) {
                    let placed = placed_rect(self.geometry, w.id(), *child);
                    self.free(ui, *child, origin, placed);
                }
            }
            WidgetKind::ScrollArea => {
                let rect = self.geometry.rect(w.id()).unwrap_or_default();
                // What a hidden child would take is not content (as the export).
                let content = w
                    .children()
                    .iter()
                    .filter(|c| self.doc.widget(**c).is_some_and(|c| c.flag(PropKey::Visible)))
                    .filter_map(|c| self.geometry.rect(*c))
                    .fold(trellis_model::Rect::new(rect.x, rect.y, 0.0, 0.0), |acc, r| acc.union(&r));
                let any_shown =
                    w.children().iter().filter_map(|c| self.doc.widget(*c)).any(|c| c.flag(PropKey::Visible));
                egui::ScrollArea::both().id_salt(w.name()).show_viewport(ui, |ui, viewport| {
                    if !any_shown {
                        return;
                    }
                    // As the export writes it: the content is the box and
                    // every child, exactly, and what is inside is added in
                    // a `Ui` taking no room, from the content's exact corner.
                    let size =
                        egui::vec2((content.right() - rect.x).max(rect.w), (content.bottom() - rect.y).max(rect.h));
                    ui.allocate_exact_size(size, egui::Sense::hover());
                    let ui = &mut ui.new_child(egui::UiBuilder::new().max_rect(ui.max_rect()));
                    self.children(ui, w, origin - viewport.min.to_vec2());
                });
            }
            _ => self.children(ui, w, origin),
        }
    }

    /// A leaf's egui widget over the whole of `ui`'s box, as the exported
    /// code adds it.
    fn control(&mut self, ui: &mut egui::Ui, w: &WidgetRef<'_>) {
        if !w.flag(PropKey::Enabled) {
            ui.disable();
        }
        let opacity = w.number(PropKey::Opacity);
        if opacity < 1.0 {
            ui.multiply_opacity(opacity);
        }
        let theme = self.theme;
        let text_color = color(w.color(PropKey::TextColor).unwrap_or(theme.text));
        let rich = |text: &str| egui::RichText::new(text).size(w.number(PropKey::FontSize)).color(text_color);
        // Coloured as egui colours a selected or unselected choice.
        let sized = |text: &str| egui::RichText::new(text).size(w.number(PropKey::FontSize));
        let id = w.id();
        match w.kind() {
            WidgetKind::Label => {
                let align = match w.align(PropKey::TextAlign) {
                    trellis_model::Align::Center => egui::Align::Center,
                    trellis_model::Align::End => egui::Align::Max,
                    _ => egui::Align::Min,
                };
                with_tooltip(widgets::label(ui, rich(w.text(PropKey::Text)), align), w);
            }
            WidgetKind::Button => {
                let align = match w.align(PropKey::TextAlign) {
                    trellis_model::Align::Center => egui::Align::Center,
                    trellis_model::Align::End => egui::Align::Max,
                    _ => egui::Align::Min,
                };
                let fill = w.color(PropKey::Fill).map(color);
                let (width, stroke) = trellis_codegen::egui::button_border(w, &theme);
                let stroke = egui::Stroke::new(width, color(stroke));
                let radius = trellis_codegen::egui::button_radius(w);
                let response = widgets::button(ui, rich(w.text(PropKey::Text)), align, fill, stroke, radius);
                if with_tooltip(response, w).clicked() {
                    self.event(w, "clicked");
                }
            }
            WidgetKind::TextInput | WidgetKind::TextArea => {
                let mut text = match self.values.remove(&id) {
                    Some(Value::Text(t)) => t,
                    _ => String::new(),
                };
                let font = egui::FontId::proportional(w.number(PropKey::FontSize));
                let edit = if w.kind() == WidgetKind::TextInput {
                    egui::TextEdit::singleline(&mut text)
                } else {
                    egui::TextEdit::multiline(&mut text)
                };
                widgets::on_field(ui);
                let response = put(ui, w, edit.hint_text(w.text(PropKey::Placeholder)).font(font));
                self.values.insert(id, Value::Text(text));
                if response.changed() {
                    self.event(w, "changed");
                }
            }
            WidgetKind::Checkbox | WidgetKind::Toggle => {
                let mut on = matches!(self.values.get(&id), Some(Value::Checked(true)));
                let response = if w.kind() == WidgetKind::Toggle {
                    widgets::switch(ui, &mut on, rich(w.text(PropKey::Text)))
                } else {
                    widgets::checkbox(ui, &mut on, rich(w.text(PropKey::Text)))
                };
                let response = with_tooltip(response, w);
                self.values.insert(id, Value::Checked(on));
                if response.changed() {
                    self.event(w, "changed");
                }
            }
            WidgetKind::Slider | WidgetKind::ProgressBar => {
                let mut v = match self.values.get(&id) {
                    Some(Value::Number(v)) => *v,
                    _ => 0.0,
                };
                let (min, max, step) = (w.number(PropKey::Min), w.number(PropKey::Max), w.number(PropKey::Step));
                if w.kind() == WidgetKind::ProgressBar {
                    let fraction = if max > min { ((v - min) / (max - min)).clamp(0.0, 1.0) } else { 0.0 };
                    let fill = color(w.color(PropKey::Fill).unwrap_or(theme.accent));
                    widgets::progress(ui, fraction, fill);
                    return;
                }
                ui.spacing_mut().slider_width = ui.available_width();
                ui.spacing_mut().slider_rail_height = 4.0;
                // As the export writes it (`SLIDER_BODY` there).
                ui.spacing_mut().interact_size.y = ui.available_height();
                let body = egui::FontId::proportional((ui.available_height() * 0.8).max(0.5));
                ui.style_mut().text_styles.insert(egui::TextStyle::Body, body);
                let mut slider = egui::Slider::new(&mut v, min..=max.max(min)).show_value(false).trailing_fill(true);
                if step > 0.0 {
                    slider = slider.step_by(f64::from(step));
                }
                let response = put(ui, w, slider);
                ui.ctx().accesskit_node_builder(response.id, |node| node.set_label(accessible_name(w)));
                self.values.insert(id, Value::Number(v));
                if response.changed() {
                    self.event(w, "changed");
                }
            }
            WidgetKind::RadioGroup | WidgetKind::Dropdown | WidgetKind::List => {
                let before = match self.values.get(&id) {
                    Some(Value::Choice(c)) => *c,
                    _ => None,
                };
                let mut chosen = before;
                let items = w.items();
                match w.kind() {
                    WidgetKind::RadioGroup => {
                        widgets::on_field(ui);
                        ui.vertical(|ui| {
                            for (i, item) in items.iter().enumerate() {
                                ui.radio_value(&mut chosen, Some(i), rich(item));
                            }
                        });
                    }
                    WidgetKind::Dropdown => {
                        let items: Vec<&str> = items.iter().map(String::as_str).collect();
                        let placeholder = w.text(PropKey::Placeholder);
                        let size = w.number(PropKey::FontSize);
                        let response = widgets::dropdown(ui, &mut chosen, &items, placeholder, size, text_color);
                        let response = with_tooltip(response, w);
                        ui.ctx().accesskit_node_builder(response.id, |node| node.set_label(accessible_name(w)));
                    }
                    _ => {
                        egui::ScrollArea::vertical().id_salt(w.name()).show(ui, |ui| {
                            for (i, item) in items.iter().enumerate() {
                                ui.selectable_value(&mut chosen, Some(i), sized(item));
                            }
                        });
                    }
                }
                self.values.insert(id, Value::Choice(chosen));
                if chosen != before {
                    self.event(w, "changed");
                }
            }
            WidgetKind::Image => {
                let path = w.text(PropKey::Image);
                let texture = match (self.loader, path.is_empty()) {
                    (Some(loader), false) => self
                        .images
                        .entry(path.to_owned())
                        .or_insert_with(|| {
                            loader(path).map(|image| {
                                ui.ctx().load_texture(format!("preview {path}"), image, Default::default())
                            })
                        })
                        .clone(),
                    _ => None,
                };
                match texture {
                    // As the exported code shows it: the picture filling the box.
                    Some(texture) => {
                        put(ui, w, egui::Image::from_texture(&texture).fit_to_exact_size(ui.available_size()));
                    }
                    // No picture: the box it would fill, as the export without one.
                    None => {
                        let stroke = egui::Stroke::new(1.0, color(theme.border));
                        ui.painter().rect_stroke(ui.max_rect(), 0.0, stroke, egui::StrokeKind::Inside);
                    }
                }
            }
            WidgetKind::Separator => {
                let c = color(w.color(PropKey::BorderColor).unwrap_or(theme.border));
                ui.painter().rect_filled(ui.max_rect(), 0.0, c);
            }
            _ => {}
        }
    }
}

/// A leaf's content for egui_taffy, as the export's `leaf_content` gives
/// it: egui_taffy rounds the narrowest size up to whole points, so it is
/// given rounded down, or a line the canvas fills exactly would overflow
/// by the fractions and wrap.
fn measured(narrow: (f32, f32), wide: (f32, f32)) -> egui_taffy::TuiContainerResponse<()> {
    egui_taffy::TuiContainerResponse {
        inner: (),
        min_size: egui::vec2(narrow.0, narrow.1).floor(),
        intrinsic_size: None,
        max_size: egui::vec2(wide.0, wide.1),
        infinite: egui::Vec2b::FALSE,
    }
}

/// Adds `widget` over the whole of `ui`'s box, from its left and centred
/// in height, as the exported code's `fill` adds it.
fn put(ui: &mut egui::Ui, w: &WidgetRef<'_>, widget: impl egui::Widget) -> egui::Response {
    let layout = egui::Layout::left_to_right(egui::Align::Center).with_main_justify(true).with_cross_justify(true);
    with_tooltip(ui.allocate_ui_with_layout(ui.available_size(), layout, |ui| ui.add(widget)).inner, w)
}

/// `response` showing `w`'s tooltip when the pointer rests on it, as the
/// exported code does.
fn with_tooltip(response: egui::Response, w: &WidgetRef<'_>) -> egui::Response {
    match w.text(PropKey::Tooltip) {
        "" => response,
        tip if w.flag(PropKey::Enabled) => response.on_hover_text(tip),
        tip => response.on_hover_text(tip).on_disabled_hover_text(tip),
    }
}

/// What a screen reader calls a control that shows no text of its own, as
/// the exported code names it.
fn accessible_name(w: &WidgetRef<'_>) -> String {
    [w.text(PropKey::Tooltip), w.text(PropKey::Placeholder)]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or(w.name())
        .to_owned()
}

/// A container's fill and border, as the exported code paints them.
fn paint(ui: &egui::Ui, _doc: &Document, theme: Theme, w: &WidgetRef<'_>, rect: egui::Rect) {
    let fill = w.color(PropKey::Fill).or(match w.kind() {
        WidgetKind::Panel => Some(theme.panel),
        WidgetKind::Tabs => Some(theme.window),
        _ => None,
    });
    let border = w.number(PropKey::BorderWidth);
    let framed = matches!(w.kind(), WidgetKind::Panel | WidgetKind::ScrollArea | WidgetKind::Tabs);
    let stroke = if border > 0.0 || framed || w.get(PropKey::BorderColor).is_some() {
        egui::Stroke::new(border.max(1.0), color(w.color(PropKey::BorderColor).unwrap_or(theme.border)))
    } else {
        egui::Stroke::NONE
    };
    if fill.is_none() && stroke == egui::Stroke::NONE {
        return;
    }
    ui.painter().rect(
        rect,
        w.number(PropKey::CornerRadius),
        fill.map_or(egui::Color32::TRANSPARENT, color),
        stroke,
        egui::StrokeKind::Inside,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_preview_holds_the_designs_values_in_tree_order() {
        let doc = trellis_model::demo_design();
        let preview = Preview::new(&doc);
        assert_eq!(preview.value(&doc, "name_input"), Some(&Value::Text("Ada Lovelace".into())));
        assert_eq!(preview.value(&doc, "volume_slider"), Some(&Value::Number(70.0)));
        assert_eq!(preview.value(&doc, "theme_radio"), Some(&Value::Choice(Some(2))));
        assert_eq!(preview.value(&doc, "settings_tabs"), Some(&Value::Tab(0)));
        assert_eq!(preview.value(&doc, "save_button"), None, "a button has no value, only events");
        let names: Vec<&str> = preview.values(&doc).map(|(n, _)| n).collect();
        let in_tree: Vec<&str> = doc
            .descendants(doc.root())
            .into_iter()
            .filter_map(|id| doc.widget(id))
            .map(|w| w.name())
            .filter(|n| names.contains(n))
            .collect();
        assert_eq!(names, in_tree);
        assert!(preview.events.is_empty());
    }

    /// The filled rectangles painted inside `within` (points), with their colours.
    fn filled_inside(doc: &Document, within: egui::Rect) -> Vec<(egui::Rect, egui::Color32)> {
        let geometry = Geometry::new(doc, trellis_geometry::FontMeasurer::shared());
        let mut preview = Preview::new(doc);
        let ctx = egui::Context::default();
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0))),
            ..Default::default()
        };
        let mut output = ctx.run_ui(input, |ui| {
            preview.show(ui, doc, &geometry, Theme::LIGHT);
        });
        // No painter takes the font atlas here.
        output.textures_delta.clear();
        output
            .shapes
            .iter()
            .filter_map(|c| match &c.shape {
                egui::Shape::Rect(r) if within.expand(0.5).contains_rect(r.rect) && r.fill.a() > 0 => {
                    Some((r.rect, r.fill))
                }
                _ => None,
            })
            .collect()
    }

    /// A container's opacity fades its box and every widget inside it, as
    /// the canvas draws it (and the egui export writes it).
    #[test]
    fn a_containers_opacity_fades_what_is_inside_it() {
        let mut doc = trellis_model::demo_design();
        let button = doc.find("cancel_button").unwrap();
        let parent = doc.parent(button).unwrap();
        let geometry = Geometry::new(&doc, trellis_geometry::FontMeasurer::shared());
        let r = geometry.rect(parent).unwrap();
        let within = egui::Rect::from_min_size(egui::pos2(r.x, r.y), egui::vec2(r.w, r.h));
        let plain = filled_inside(&doc, within);
        doc.execute(trellis_model::Command::SetProperty {
            ids: vec![parent],
            key: PropKey::Opacity,
            value: Some(trellis_model::PropValue::Number(0.5)),
        })
        .unwrap();
        let faded = filled_inside(&doc, within);
        assert!(plain.len() >= 2, "the container and a button paint inside it: {plain:?}");
        assert_eq!(plain.len(), faded.len());
        for ((rect, before), (_, after)) in plain.iter().zip(&faded) {
            let half = f32::from(before.a()) / 2.0;
            assert!((f32::from(after.a()) - half).abs() <= 1.0, "{rect:?}: {before:?} faded to {after:?}");
        }
    }
}
