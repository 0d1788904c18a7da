//! What Trellis layout properties mean, as CSS box rules: each widget's
//! properties mapped onto a taffy [`Style`] (taffy implements CSS flexbox
//! and grid).
//!
//! This file is meant to be the single source of that meaning. A later
//! change has the exporters (HTML/CSS and the others) take a property's
//! CSS reading from here, so that the canvas and the exported code cannot
//! disagree about where a widget lands: change what a property means here
//! and nowhere else, and keep [`TAFFY_KEYS`] listing every property read.

use taffy::prelude::{
    AlignContent, AlignItems, Dimension, Display, FlexDirection, FlexWrap, GridPlacement, GridTemplateComponent,
    LengthPercentage, LengthPercentageAuto, Line, Size, Style, line, span,
};
use taffy::style::CheapCloneStr;
use trellis_model::{Align, Justify, LayoutMode, PropKey, Track, WidgetRef};

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

/// The taffy style of one widget. `flowed`: its parent lays it out by flex
/// or grid, so the item properties (grow, shrink, self-alignment, grid
/// cell) apply. `arranges`: the flex or grid layout it gives its own
/// children; `None` for leaves, absolute containers and tabs.
pub(super) fn taffy_style(w: &WidgetRef<'_>, flowed: bool, arranges: Option<LayoutMode>) -> Style {
    let mut s = Style::default();
    let dim = |v: Option<f32>| v.map_or(Dimension::auto(), Dimension::length);
    let lpa = |v: Option<f32>| v.map_or(LengthPercentageAuto::auto(), LengthPercentageAuto::length);
    s.size = Size { width: dim(w.length(PropKey::Width)), height: dim(w.length(PropKey::Height)) };
    s.min_size = Size { width: lpa(w.length(PropKey::MinWidth)), height: lpa(w.length(PropKey::MinHeight)) };
    s.max_size = Size { width: lpa(w.length(PropKey::MaxWidth)), height: lpa(w.length(PropKey::MaxHeight)) };
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
    if let Some(mode) = arranges {
        let gap = LengthPercentage::length(w.number(PropKey::Gap));
        let padding = LengthPercentage::length(w.number(PropKey::Padding));
        let border = LengthPercentage::length(w.number(PropKey::BorderWidth));
        s.gap = Size { width: gap, height: gap };
        s.padding = taffy::Rect { left: padding, right: padding, top: padding, bottom: padding };
        s.border = taffy::Rect { left: border, right: border, top: border, bottom: border };
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
