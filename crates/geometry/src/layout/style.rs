//! What Trellis layout properties mean, as CSS box rules: each widget's
//! properties mapped onto a taffy [`Style`] (taffy implements CSS flexbox
//! and grid), and the same properties written as CSS declarations
//! ([`Geometry::layout_css`]) for the exporters.
//!
//! This file is the single source of that meaning: the canvas lays out by
//! [`taffy_style`] and the placement rules, and every exporter takes a
//! widget's box from [`Geometry::layout_css`], so the two cannot disagree
//! about where a widget lands. Change what a property means here and
//! nowhere else, and keep [`TAFFY_KEYS`] listing every property read.
//! Where taffy 0.15 computes otherwise than CSS, taffy gets an equivalent
//! style: gaps as margins here, measured content clamped and fit-content
//! widths and heights in `islands.rs` (`clamp_content`, `Intrinsic`).
//!
//! | Trellis | CSS |
//! |---|---|
//! | the root window | `position: absolute; left: 0; top: 0` |
//! | `x`, `y` of a child of an absolute container | `position: absolute; left: x + padding; top: y + padding` (CSS measures from the padding box, Trellis from the content box) |
//! | `x`, `y` of a tab page's child | as above, 32 px lower (the tab bar); an auto width or height is `right`/`bottom: padding` (it fills the page) |
//! | `width`, `height`, `min_*`, `max_*` | the same, in px, on the border box (`box-sizing: border-box`) |
//! | `layout: row` / `column` | `display: flex; flex-direction: row / column; align-content: flex-start` |
//! | `layout: grid`, `grid_columns`, `grid_rows` | `display: grid; grid-template-columns / -rows` (px, fr, auto); `justify-items: stretch; align-content: start` |
//! | `layout: absolute` (and tabs) | `position: relative` (the children's containing block); its auto size is what its children span, as `contain: size; contain-intrinsic-size` |
//! | `gap`, `padding`, `border_width` of a container | `gap`, `padding`, `border-width` |
//! | `border_width` of a control or label | an inset `box-shadow`: it takes no room |
//! | `align_items`, `justify_content`, `wrap` | `align-items`, `justify-content`, `flex-wrap` |
//! | `grow`, `shrink`, `align_self` | `flex-grow`, `flex-shrink`, `align-self` |
//! | `grid_column`, `column_span`, `grid_row`, `row_span` | `grid-column: N / span S`, `grid-row` (0 is `auto`) |
//! | `visible: false` | `display: none` |
//! | a label's text | wraps as a paragraph: `white-space: pre-wrap; overflow-wrap: break-word` |
//! | a control's natural size (text measured with the bundled font) | `contain: size; contain-intrinsic-size` |
//! | a scroll area | `overflow: auto` (the scroll bar overlays, taking no room) |
//!
//! Every other property is not layout: colours, radius, font size,
//! opacity, texts, items, values and images are the exporters' to write,
//! and `locked` is the editor's alone.

use std::fmt::Write as _;

use taffy::geometry::Point;
use taffy::prelude::{
    AlignContent, AlignItems, Dimension, Display, FlexDirection, FlexWrap, GridPlacement, GridTemplateComponent,
    LengthPercentage, LengthPercentageAuto, Line, Size, Style, line, span,
};
use taffy::style::{CheapCloneStr, Overflow};
use trellis_model::{Align, Document, Justify, LayoutMode, PropKey, Track, WidgetId, WidgetKind, WidgetRef};

use super::Geometry;
use super::islands::SOMETHING;
use crate::measure::{TAB_BAR_HEIGHT, content_size, inset, wraps};

/// Every property [`taffy_style`] reads. The island memo keys on these: one
/// read but missing here would let the memo answer with a stale layout.
pub(super) const TAFFY_KEYS: &[PropKey] = &[
    PropKey::Width,
    PropKey::Height,
    PropKey::MinWidth,
    PropKey::MinHeight,
    PropKey::MaxWidth,
    PropKey::MaxHeight,
    PropKey::Gap,
    PropKey::Padding,
    PropKey::BorderWidth,
    PropKey::AlignItems,
    PropKey::JustifyContent,
    PropKey::Wrap,
    PropKey::GridColumns,
    PropKey::GridRows,
    PropKey::Grow,
    PropKey::Shrink,
    PropKey::AlignSelf,
    PropKey::GridColumn,
    PropKey::GridRow,
    PropKey::ColumnSpan,
    PropKey::RowSpan,
    PropKey::Visible,
];

/// The taffy style of one widget. `flowed_in`: the flex or grid layout its
/// parent places it by, so the item properties (grow, shrink,
/// self-alignment, grid cell) apply; `None` when placed at `x`/`y` or the
/// root. `arranges`: the flex or grid layout it gives its own children;
/// `None` for leaves, absolute containers and tabs.
pub(super) fn taffy_style(
    w: &WidgetRef<'_>,
    flowed_in: Option<LayoutMode>,
    arranges: Option<LayoutMode>,
    gaps_as_margins: bool,
) -> Style {
    let flowed = flowed_in.is_some();
    let mut s = Style::default();
    let dim = |v: Option<f32>| v.map_or(Dimension::auto(), Dimension::length);
    let lpa = |v: Option<f32>| v.map_or(LengthPercentageAuto::auto(), LengthPercentageAuto::length);
    // A maximum is never below the padding and border: CSS never makes a
    // box smaller than they are, which taffy 0.15 forgets in a grid item's
    // contribution to its row (the item overflows a row sized to the
    // maximum, and aligns off by the difference).
    let edges = if w.kind().is_container() { 2.0 * inset(w) } else { 0.0 };
    // A grid item is never sized to nothing, as its measured content is
    // never nothing (`something` in islands.rs says why).
    let something = |v: f32| if flowed_in == Some(LayoutMode::Grid) { v.max(SOMETHING) } else { v };
    let max = |k: PropKey| w.length(k).map(|m| something(m.max(edges)));
    // An explicit size above the maximum is the maximum, and, for a
    // widget that cannot grow, one below the minimum is the minimum, as
    // measured content is clamped (`clamp_content` in islands.rs says why
    // taffy 0.15 needs it and why only then).
    let floor = |lo: PropKey| if w.number(PropKey::Grow) == 0.0 { w.length(lo) } else { None };
    let size = |k: PropKey, lo: PropKey, hi: PropKey| {
        w.length(k).map(|v| {
            let v = max(hi).map_or(v, |m| v.min(m));
            something(floor(lo).map_or(v, |m| v.max(m)))
        })
    };
    s.size = Size {
        width: dim(size(PropKey::Width, PropKey::MinWidth, PropKey::MaxWidth)),
        height: dim(size(PropKey::Height, PropKey::MinHeight, PropKey::MaxHeight)),
    };
    // A minimum is never below the padding and border either (the same in
    // CSS): taffy 0.15 shrinks an item to a minimum below them, then draws
    // it at their size, past where it placed the next item (random design
    // 155: a scroll area, whose minimum here is 0, in a full column).
    let min = |k: PropKey| w.length(k).map(|m| m.max(edges));
    s.min_size = Size { width: lpa(min(PropKey::MinWidth)), height: lpa(min(PropKey::MinHeight)) };
    s.max_size = Size { width: lpa(max(PropKey::MaxWidth)), height: lpa(max(PropKey::MaxHeight)) };
    if w.kind() == WidgetKind::ScrollArea {
        // CSS `overflow: auto`: a scroll container, whose automatic minimum
        // size as a flex or grid item is 0 (it scrolls instead). Exports
        // hide the scroll bar, so none takes room here either.
        s.overflow = Point { x: Overflow::Hidden, y: Overflow::Hidden };
        s.scrollbar_width = 0.0;
        if matches!(flowed_in, Some(LayoutMode::Row | LayoutMode::Column)) {
            // In a row or column, the same as an explicit minimum of 0:
            // taffy 0.15 sizes a row or column to its content by a scroll
            // container's flex basis alone, ignoring its minimum and
            // maximum, where CSS clamps it like any other item. (A grid
            // keeps the scroll container: taffy follows the browsers'
            // grid quirks for it.)
            s.overflow = Point { x: Overflow::Visible, y: Overflow::Visible };
            let min = |k: PropKey| LengthPercentageAuto::length(min(k).unwrap_or(edges));
            s.min_size = Size { width: min(PropKey::MinWidth), height: min(PropKey::MinHeight) };
        } else if flowed_in == Some(LayoutMode::Grid) && edges > 0.0 {
            // In a grid, its padding and border as its minimum (where none
            // is set): a browser sizes its track to them at least, as CSS
            // never makes a box smaller than they are, where taffy 0.15
            // took 0 and drew the scroll area over the next track (random
            // designs 57, 112).
            let min = |k: PropKey| LengthPercentageAuto::length(min(k).unwrap_or(edges));
            s.min_size = Size { width: min(PropKey::MinWidth), height: min(PropKey::MinHeight) };
        }
    }
    if flowed {
        s.flex_grow = w.number(PropKey::Grow);
        s.flex_shrink = w.number(PropKey::Shrink);
        s.align_self = align_items(w.align(PropKey::AlignSelf));
        let placement = |start: i32, cells: i32| Line::<GridPlacement> {
            start: if start > 0 { line(start as i16) } else { GridPlacement::Auto },
            end: span(cells.max(1) as u16),
        };
        s.grid_column = placement(w.int(PropKey::GridColumn), w.int(PropKey::ColumnSpan));
        s.grid_row = placement(w.int(PropKey::GridRow), w.int(PropKey::RowSpan));
        if !w.flag(PropKey::Visible) {
            s.display = Display::None;
            return s;
        }
    }
    if w.kind().is_container() {
        // Every container's padding and border are taffy's too: a box is
        // never smaller than they are (a container placing its own
        // children measures only what is inside them).
        let padding = LengthPercentage::length(w.number(PropKey::Padding));
        let border = LengthPercentage::length(w.number(PropKey::BorderWidth));
        s.padding = taffy::Rect { left: padding, right: padding, top: padding, bottom: padding };
        s.border = taffy::Rect { left: border, right: border, top: border, bottom: border };
    }
    if let Some(mode) = arranges {
        let gap = LengthPercentage::length(w.number(PropKey::Gap));
        s.gap = Size { width: gap, height: gap };
        if gaps_as_margins {
            // See `gaps_as_margins`: the items carry the gap instead, and
            // a wrapping container's content starts a gap early, so that
            // the item starting each line sits where CSS puts it.
            let none = LengthPercentage::length(0.0);
            let early = LengthPercentage::length(w.number(PropKey::Padding) - w.number(PropKey::Gap));
            let wraps = w.flag(PropKey::Wrap);
            if mode == LayoutMode::Row {
                s.gap.width = none;
                if wraps {
                    s.padding.left = early;
                }
            } else {
                s.gap.height = none;
                if wraps {
                    s.padding.top = early;
                }
            }
        }
        s.align_items = align_items(w.align(PropKey::AlignItems)).unwrap_or(AlignItems::STRETCH);
        s.justify_content = justify(w.justify());
        match mode {
            LayoutMode::Grid => {
                s.display = Display::Grid;
                s.grid_template_columns = tracks(w.tracks(PropKey::GridColumns));
                s.grid_template_rows = tracks(w.tracks(PropKey::GridRows));
                // Items in a grid cell fill it horizontally unless told otherwise.
                s.justify_items = AlignItems::STRETCH;
                // Rows are sized to content and packed at the top, as a form
                // expects; an `fr` row template stretches them instead.
                s.align_content = AlignContent::FLEX_START;
            }
            mode => {
                s.display = Display::Flex;
                s.flex_direction = if mode == LayoutMode::Row { FlexDirection::Row } else { FlexDirection::Column };
                s.flex_wrap = if w.flag(PropKey::Wrap) { FlexWrap::Wrap } else { FlexWrap::NoWrap };
                s.align_content = AlignContent::FLEX_START;
            }
        }
    }
    s
}

fn align_items(a: Align) -> Option<AlignItems> {
    match a {
        Align::Auto => None,
        Align::Start => Some(AlignItems::FLEX_START),
        Align::Center => Some(AlignItems::CENTER),
        Align::End => Some(AlignItems::FLEX_END),
        Align::Stretch => Some(AlignItems::STRETCH),
    }
}

fn justify(j: Justify) -> AlignContent {
    match j {
        Justify::Start => AlignContent::FLEX_START,
        Justify::Center => AlignContent::CENTER,
        Justify::End => AlignContent::FLEX_END,
        Justify::SpaceBetween => AlignContent::SPACE_BETWEEN,
        Justify::SpaceAround => AlignContent::SPACE_AROUND,
        Justify::SpaceEvenly => AlignContent::SPACE_EVENLY,
    }
}

fn tracks<S: CheapCloneStr>(tracks: &[Track]) -> Vec<GridTemplateComponent<S>> {
    tracks
        .iter()
        .map(|t| {
            GridTemplateComponent::Single(match t {
                Track::Px(v) => taffy::prelude::length(*v),
                Track::Fr(v) => taffy::prelude::fr(*v),
                Track::Auto => taffy::prelude::auto(),
            })
        })
        .collect()
}

/// The gap of a row or column, when its items carry it as a margin before
/// them instead of taffy placing it: every shown item but the first, or
/// in a wrapping row every shown item, whose content then starts a
/// gap before its padding edge (taffy takes a negative padding), so the
/// item that starts a line sits at the padding edge and a line breaks
/// where CSS breaks it. The same layout in CSS, but taffy 0.15 subtracts a
/// line's gaps from its free space a second time when the line's grow (or
/// shrink) factors sum below one, which CSS does not (random design 103).
/// The factors that count are those of the items not yet frozen at a
/// limit, which may be any one of them (random design 246: a row's shrink
/// factors summed to one and a half, then to a half once the item that
/// could not shrink was frozen), so on a line whose length is held (set,
/// or at most a maximum), any item whose shrink factor is below one (and
/// above zero: an item that cannot shrink is frozen at once) counts;
/// which items share a line of a wrapping container is not known
/// here either, so there any item's grow factor below one counts too.
/// Grow factors otherwise count only by their sum: taffy leaves an item's
/// margin out when it sizes a row or column to items that grow and are
/// held at their minimum (random designs 16, 159, which counting any grow
/// factor below one broke).
pub(super) fn gaps_as_margins(doc: &Document, w: &WidgetRef<'_>) -> Option<(LayoutMode, f32)> {
    let mode = w.layout();
    let gap = w.number(PropKey::Gap);
    let wraps = w.flag(PropKey::Wrap);
    // A wrapping column keeps taffy's gaps: taffy sizes one by wrapping it
    // where CSS does not (see README "HTML/CSS export"), and the margins
    // made that worse (random design 221).
    if !matches!(mode, LayoutMode::Row | LayoutMode::Column) || gap <= 0.0 || (wraps && mode == LayoutMode::Column) {
        return None;
    }
    let below_one = |factor: f32| factor > 0.0 && factor < 1.0;
    let (mut grow, mut shrink, mut any_grow_below_one, mut any_shrink_below_one) = (0.0, 0.0, false, false);
    for c in w.children().iter().filter_map(|c| doc.widget(*c)).filter(|c| c.flag(PropKey::Visible)) {
        let (g, s) = (c.number(PropKey::Grow), c.number(PropKey::Shrink));
        grow += g;
        shrink += s;
        any_grow_below_one |= below_one(g);
        any_shrink_below_one |= below_one(s);
    }
    // Only a line whose length is held (set, or at most a maximum) shrinks
    // its items; one sized by its content never does, and there the
    // margins would cost what designs 16 and 159 showed.
    let (length, max) = if mode == LayoutMode::Row {
        (PropKey::Width, PropKey::MaxWidth)
    } else {
        (PropKey::Height, PropKey::MaxHeight)
    };
    let held = w.length(length).is_some() || w.length(max).is_some();
    (below_one(grow)
        || below_one(shrink)
        || (held && any_shrink_below_one)
        || (wraps && (any_grow_below_one || any_shrink_below_one)))
        .then_some((mode, gap))
}

/// Puts a gap before an item of a row or column ([`gaps_as_margins`]).
pub(super) fn put_gap_before(s: &mut Style, (mode, gap): (LayoutMode, f32)) {
    let margin = LengthPercentageAuto::length(gap);
    if mode == LayoutMode::Row {
        s.margin.left = margin;
    } else {
        s.margin.top = margin;
    }
}

/// One CSS declaration of a widget's box: `property: value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CssDeclaration {
    /// The CSS property (`flex-grow`).
    pub property: &'static str,
    /// Its value (`1`, `12px`).
    pub value: String,
}

/// A length in CSS pixels: the shortest decimal that reads back as the
/// same `f32`, so that the page computes with the numbers Trellis did.
pub fn css_px(v: f32) -> String {
    let v = if v == 0.0 { 0.0 } else { v };
    format!("{v}px")
}

fn css_number(v: f32) -> String {
    let v = if v == 0.0 { 0.0 } else { v };
    format!("{v}")
}

impl Geometry {
    /// The CSS that puts `id` where this geometry puts it: position,
    /// size, its flex or grid item properties, and, for a container, how
    /// it arranges its children. Read together with the exporter's fixed
    /// rules (`box-sizing: border-box`, no margins, the bundled font at
    /// `line-height: 1.25`). See the module's table.
    pub fn layout_css(&self, doc: &Document, id: WidgetId) -> Vec<CssDeclaration> {
        let mut out = Vec::new();
        let Some(w) = doc.widget(id) else { return out };
        let Some(b) = self.boxes.get(id) else { return out };
        let mut put = |property: &'static str, value: String| out.push(CssDeclaration { property, value });
        let explicit = |k: PropKey| w.length(k).is_some();
        let parent = w.parent().and_then(|p| doc.widget(p));
        match &parent {
            None => {
                put("position", "absolute".into());
                put("left", "0".into());
                put("top", "0".into());
            }
            Some(p) if !b.flowed => {
                // The padding box starts after the border's whole pixels
                // (see `css_border`): its fraction counts as padding.
                let pad = p.number(PropKey::Padding) + css_border(p.number(PropKey::BorderWidth)).1;
                let top = pad + if p.kind() == WidgetKind::Tabs { TAB_BAR_HEIGHT } else { 0.0 };
                put("position", "absolute".into());
                put("left", css_px(pad + w.number(PropKey::X)));
                put("top", css_px(top + w.number(PropKey::Y)));
                if p.kind() == WidgetKind::Tabs {
                    // A page's child fills the page unless sized.
                    if !explicit(PropKey::Width) {
                        put("right", css_px(pad));
                    }
                    if !explicit(PropKey::Height) {
                        put("bottom", css_px(pad));
                    }
                }
            }
            Some(p) => {
                let grow = w.number(PropKey::Grow);
                if grow != 0.0 {
                    put("flex-grow", css_number(grow));
                }
                let shrink = w.number(PropKey::Shrink);
                if shrink != 1.0 {
                    put("flex-shrink", css_number(shrink));
                }
                if let Some(a) = align_css(w.align(PropKey::AlignSelf)) {
                    put("align-self", a.into());
                }
                if p.layout() == LayoutMode::Grid {
                    let cell = |start: i32, cells: i32| {
                        let start = if start > 0 { start.to_string() } else { "auto".into() };
                        format!("{start} / span {}", cells.max(1))
                    };
                    let (column, row) = (w.int(PropKey::GridColumn), w.int(PropKey::GridRow));
                    let (columns, rows) = (w.int(PropKey::ColumnSpan), w.int(PropKey::RowSpan));
                    if column > 0 || columns > 1 {
                        put("grid-column", cell(column, columns));
                    }
                    if row > 0 || rows > 1 {
                        put("grid-row", cell(row, rows));
                    }
                }
            }
        }
        for (key, property) in [
            (PropKey::Width, "width"),
            (PropKey::Height, "height"),
            (PropKey::MinWidth, "min-width"),
            (PropKey::MinHeight, "min-height"),
            (PropKey::MaxWidth, "max-width"),
            (PropKey::MaxHeight, "max-height"),
        ] {
            if let Some(v) = w.length(key) {
                put(property, css_px(v));
            }
        }
        if b.is_flex_container() {
            let mode = w.layout();
            let on_tab_page = parent.as_ref().is_some_and(|p| p.kind() == WidgetKind::Tabs);
            if !b.flowed && !on_tab_page && !explicit(PropKey::Width) {
                // Placed, an island root takes its max-content width
                // whatever the room (a box positioned absolutely would
                // otherwise shrink to the room).
                put("width", "max-content".into());
            }
            if mode == LayoutMode::Grid {
                put("display", "grid".into());
                let template = |t: &[Track]| {
                    let mut s = String::new();
                    for (i, t) in t.iter().enumerate() {
                        if i > 0 {
                            s.push(' ');
                        }
                        match t {
                            Track::Px(v) => s.push_str(&css_px(*v)),
                            Track::Fr(v) => {
                                let _ = write!(s, "{}fr", css_number(*v));
                            }
                            Track::Auto => s.push_str("auto"),
                        }
                    }
                    s
                };
                let columns = w.tracks(PropKey::GridColumns);
                if !columns.is_empty() {
                    put("grid-template-columns", template(columns));
                }
                let rows = w.tracks(PropKey::GridRows);
                if !rows.is_empty() {
                    put("grid-template-rows", template(rows));
                }
                put("justify-items", "stretch".into());
                put("align-content", "start".into());
            } else {
                put("display", "flex".into());
                put("flex-direction", if mode == LayoutMode::Row { "row" } else { "column" }.into());
                if w.flag(PropKey::Wrap) {
                    put("flex-wrap", "wrap".into());
                }
                put("align-content", "flex-start".into());
            }
            put("align-items", align_css(w.align(PropKey::AlignItems)).unwrap_or("stretch").into());
            put("justify-content", justify_css(w.justify()).into());
            let gap = w.number(PropKey::Gap);
            if gap > 0.0 {
                put("gap", css_px(gap));
            }
        } else if w.kind().is_container() && parent.is_some() && b.flowed {
            // A flex or grid item that places its own children.
            put("position", "relative".into());
        }
        if w.kind().is_container() {
            // Browsers draw borders in whole device pixels (2.5 px is 2,
            // 0.5 is 1): the border gets the whole pixels and the padding
            // the rest, so the content box is where Trellis puts it.
            let (border, rest) = css_border(w.number(PropKey::BorderWidth));
            let padding = w.number(PropKey::Padding) + rest;
            if padding > 0.0 {
                put("padding", css_px(padding));
            }
            if border > 0.0 {
                put("border-width", css_px(border));
            }
        }
        let sized_by_trellis = !b.is_flex_container() && !wraps(w.kind());
        if sized_by_trellis && b.flowed && w.kind() != WidgetKind::ScrollArea {
            // A flex or grid item may not shrink below its content (CSS's
            // automatic minimum size, which taffy applies). A browser
            // gives a box with `contain: size` none, so it is written out
            // where the design sets no minimum: the content's size, or the
            // explicit size if smaller, at most the maximum.
            let main = parent.as_ref().map_or(LayoutMode::Grid, |p| p.layout());
            let content = content_size(doc, id, &*self.measurer, &self.boxes);
            for (axis, size, min, max, property) in [
                (LayoutMode::Row, PropKey::Width, PropKey::MinWidth, PropKey::MaxWidth, "min-width"),
                (LayoutMode::Column, PropKey::Height, PropKey::MinHeight, PropKey::MaxHeight, "min-height"),
            ] {
                if main == axis && w.length(min).is_none() {
                    let c = if axis == LayoutMode::Row { content.0 } else { content.1 };
                    let v = w.length(size).map_or(c, |s| s.min(c));
                    let v = w.length(max).map_or(v, |m| v.min(m));
                    put(property, css_px(v));
                }
            }
        }
        if sized_by_trellis {
            // Its natural size is Trellis's (a control's text measured
            // with the bundled font; an absolute container's children's
            // extent): the page takes it as is, whatever its content.
            let (cw, ch) = content_size(doc, id, &*self.measurer, &self.boxes);
            // The container's padding and border are its own CSS.
            let edge = if w.kind().is_container() { 2.0 * inset(&w) } else { 0.0 };
            let (cw, ch) = ((cw - edge).max(0.0), (ch - edge).max(0.0));
            put("contain", "size".into());
            put("contain-intrinsic-size", format!("{} {}", css_px(cw), css_px(ch)));
        }
        if w.kind() == WidgetKind::ScrollArea {
            put("overflow", "auto".into());
        }
        if !w.flag(PropKey::Visible) {
            put("display", "none".into());
        }
        out
    }
}

/// A container's border width as CSS can draw it (whole pixels), and
/// what is left over for the padding to take.
pub fn css_border(width: f32) -> (f32, f32) {
    let whole = width.floor();
    (whole, width - whole)
}

/// The CSS keyword of an alignment (`None` for auto).
fn align_css(a: Align) -> Option<&'static str> {
    match a {
        Align::Auto => None,
        Align::Start => Some("flex-start"),
        Align::Center => Some("center"),
        Align::End => Some("flex-end"),
        Align::Stretch => Some("stretch"),
    }
}

fn justify_css(j: Justify) -> &'static str {
    match j {
        Justify::Start => "flex-start",
        Justify::Center => "center",
        Justify::End => "flex-end",
        Justify::SpaceBetween => "space-between",
        Justify::SpaceAround => "space-around",
        Justify::SpaceEvenly => "space-evenly",
    }
}
