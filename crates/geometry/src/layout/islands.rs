//! Islands: the flex and grid subtrees taffy lays out, one computation per
//! island. An island's taffy nodes are made when it is first computed and
//! dropped when its membership may have changed; its result is remembered
//! by everything that determines it, so a repeated card costs one lookup.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use taffy::prelude::{AvailableSpace, Dimension, NodeId, Size, Style};
use trellis_model::{Document, LayoutMode, PropKey, PropValue, Rect, Track, WidgetId, WidgetKind, WidgetRef};

use super::grid_cells::small_grid_cells;
use super::style::{self, TAFFY_KEYS, taffy_style};
use super::{Geometry, WidgetBox};
use crate::measure::{Boxes, TextMeasurer, clamp_size, content_size, inset, label_size, wraps};

/// Most island layouts remembered; the memo starts over when full.
const MEMO_CAPACITY: usize = 16_384;

/// An island layout the memo remembers.
///
/// Keys hold what sizes each member (its properties, a leaf's one-line
/// size and, for text that wraps, its widest word), not the words
/// themselves: cards titled "Card 1" and "Card 2" share a layout. That is
/// exact while no text wraps. Which texts wrap depends only on the widths
/// the flex and grid rules hand out, which the key determines; so a
/// layout in which some text wrapped is remembered under the key extended
/// by the words of its texts, and the plain key keeps a marker
/// (`wrapped`, no rectangles) saying to extend it.
pub(crate) struct Remembered {
    pub(crate) rels: Vec<Rect>,
    pub(crate) wrapped: bool,
    /// The intrinsic sizes found for taffy (see [`Intrinsic`]), by
    /// position among the island's members.
    pub(crate) intrinsics: Vec<(usize, Intrinsic)>,
}

impl Geometry {
    /// The island (flex or grid layout) root that lays out `id`.
    pub(super) fn island_root(&self, id: WidgetId) -> WidgetId {
        let mut at = id;
        loop {
            let b = &self.boxes[at];
            if b.flowed {
                at = b.parent.expect("a flowed widget has a parent");
            } else {
                return at;
            }
        }
    }

    /// Rebuilds the taffy nodes of the island rooted at `root`.
    pub(super) fn build_island(&mut self, doc: &Document, root: WidgetId) {
        // Drop the old nodes of every member.
        let mut stack = vec![root];
        while let Some(at) = stack.pop() {
            let Some(b) = self.boxes.get_mut(at) else { continue };
            if let Some(node) = b.node.take() {
                let _ = self.taffy.remove(node);
            }
            if b.is_flex_container() {
                stack.extend(doc.children(at).iter().copied());
            }
        }
        // Nodes are made again when the island is next computed (if the
        // memo cannot answer for it).
    }

    /// The taffy style Trellis lays `id` out with, as its parent places
    /// it (with the gap a row or column gives as a margin before an item),
    /// or `None` for a widget not laid out. An exporter whose target lays
    /// out with taffy takes each widget's style from here, so the export
    /// and the canvas share one engine and one mapping.
    pub fn taffy_style(&self, doc: &Document, id: WidgetId) -> Option<Style> {
        let b = self.boxes.get(id)?;
        let mut style = self.style_for(doc, id);
        let parent = b.parent.filter(|p| self.boxes.get(*p).is_some_and(|p| p.is_flex_container()));
        if let Some(gap) = parent.and_then(|p| doc.widget(p)).and_then(|p| style::gaps_as_margins(doc, &p)) {
            let visible = |c: &WidgetId| doc.widget(*c).is_some_and(|w| w.flag(PropKey::Visible));
            let siblings = doc.children(b.parent?);
            let index = siblings.iter().position(|c| *c == id)?;
            let wraps = doc.widget(b.parent?).is_some_and(|p| p.flag(PropKey::Wrap));
            if visible(&id) && (wraps || siblings[..index].iter().any(visible)) {
                style::put_gap_before(&mut style, gap);
                self.no_maximum_beside_a_gap(doc, id, &mut style);
            }
        }
        // Last, as `intrinsics` applies it to the node's style.
        if let Some(intrinsic) = b.intrinsic {
            intrinsic.apply(&mut style);
        }
        Some(style)
    }

    /// What a leaf's content measures, as taffy asks it while laying out:
    /// `[min-content, max-content]` sizes (a label's narrowest and widest
    /// lines; any other leaf's content, whatever the space), each with the
    /// height at the leaf's laid-out width; an absolute container's or
    /// tabs' content, or a row's, column's or grid's that shows no child,
    /// without its padding and border, which taffy adds, as for any
    /// container measured as a leaf. `None` for a row, column or grid
    /// showing children (taffy lays it out from them) or a widget not
    /// laid out. An exporter whose target measures leaves
    /// itself (egui_taffy) hands these over, so the layout does not depend
    /// on the target's fonts.
    pub fn leaf_content(&self, doc: &Document, id: WidgetId) -> Option<[(f32, f32); 2]> {
        let content = self.leaf_content_measured(doc, id)?;
        // As `lay_out` tells taffy (see `something`). Not its minimum as
        // its min-content (`min_content_in_grid`): egui_taffy also clamps
        // a leaf's size in a definite space to the narrow size it is
        // handed, which would let a leaf shrink below its content (random
        // designs 54 and 194 in the egui test).
        Some(if in_grid(&self.boxes, &doc.widget(id)?) {
            content.map(|(w, h)| (something(w), something(h)))
        } else {
            content
        })
    }

    fn leaf_content_measured(&self, doc: &Document, id: WidgetId) -> Option<[(f32, f32); 2]> {
        let w = doc.widget(id)?;
        let b = self.boxes.get(id)?;
        if w.kind().is_container() {
            let shows_children = w.children().iter().any(|c| doc.widget(*c).is_some_and(|c| c.flag(PropKey::Visible)));
            if b.is_flex_container() && shows_children {
                return None;
            }
            if b.is_flex_container() {
                // As `lay_out` measures a row, column or grid without
                // children (an empty grid still has its tracks).
                let (width, height) = empty_container_content(&w);
                let edge = 2.0 * inset(&w);
                let content = (
                    (clamp_line_content(doc, &self.boxes, &w, width + edge, Axis::Width) - edge).max(0.0),
                    (clamp_line_content(doc, &self.boxes, &w, height + edge, Axis::Height) - edge).max(0.0),
                );
                return Some([content, content]);
            }
            let content = measured_content(doc, &w, &*self.measurer, &self.boxes);
            return Some([content, content]);
        }
        if wraps(w.kind()) {
            // The height its lines take at its laid-out width, as taffy
            // measures it there, where the label was laid out at least
            // that high: a column may have grown or stretched it, and
            // egui_taffy, taking that for content, would grow it again
            // (random design 186). Its laid-out height where that is less
            // (a grid measured its lines at its track's width, or a
            // maximum holds it; design 288). Limited as `lay_out`
            // measures it.
            let width = b.rect.w;
            let lines = label_size(&w, &*self.measurer, (Some(width), None), AvailableSpace::Definite(width)).1;
            let height = clamp_content(&w, lines, Axis::Height).min(b.rect.h);
            let measured = |available| {
                let width = label_size(&w, &*self.measurer, (None, Some(height)), available).0;
                clamp_content(&w, width, Axis::Width)
            };
            return Some([
                (measured(AvailableSpace::MinContent), height),
                (measured(AvailableSpace::MaxContent), height),
            ]);
        }
        // Limited as `compute` measures it.
        let (cw, ch) = content_size(doc, id, &*self.measurer, &self.boxes);
        let content = (
            clamp_line_content(doc, &self.boxes, &w, cw, Axis::Width),
            clamp_line_content(doc, &self.boxes, &w, ch, Axis::Height),
        );
        Some([content, content])
    }

    /// Leaves out the maximum along the line of an item that carries its
    /// line's gap as a margin ([`style::gaps_as_margins`]), where the
    /// maximum is already in what the item measures. taffy 0.15 clamps an
    /// item's content contribution to a line's intrinsic length with its
    /// margin included, so the margin vanished under the maximum (random
    /// design 251: a label at most 155.5 px wide, its text wider, and a
    /// checkbox in a wrapping row sized by its content came out one gap
    /// short, and the checkbox went to the next line). CSS adds the margin
    /// after clamping. Without the maximum, taffy takes the measured,
    /// clamped content and adds the margin. This holds for an item that
    /// cannot grow (nothing else takes it past its content) and is
    /// measured (a leaf, or a row, column or grid showing no child), or
    /// whose size is set (the mapping puts a size above the maximum at the
    /// maximum), off a line of set length (where the measured content is
    /// not clamped: see [`clamp_line_content`]).
    fn no_maximum_beside_a_gap(&self, doc: &Document, id: WidgetId, style: &mut Style) {
        let nonzero = |m: taffy::prelude::LengthPercentageAuto| m != taffy::prelude::LengthPercentageAuto::length(0.0);
        let axis = if nonzero(style.margin.left) {
            Axis::Width
        } else if nonzero(style.margin.top) {
            Axis::Height
        } else {
            return;
        };
        let Some(w) = doc.widget(id) else { return };
        let (size, max) = match axis {
            Axis::Width => (PropKey::Width, PropKey::MaxWidth),
            Axis::Height => (PropKey::Height, PropKey::MaxHeight),
        };
        let shows_children = || w.children().iter().any(|c| doc.widget(*c).is_some_and(|c| c.flag(PropKey::Visible)));
        let measured = !self.boxes[id].is_flex_container() || !shows_children();
        if w.length(max).is_none()
            || w.number(PropKey::Grow) != 0.0
            || !(measured || w.length(size).is_some())
            || on_line_of_set_length(doc, &self.boxes, &w, axis)
        {
            return;
        }
        let auto = taffy::prelude::LengthPercentageAuto::auto();
        match axis {
            Axis::Width => style.max_size.width = auto,
            Axis::Height => style.max_size.height = auto,
        }
    }

    /// The taffy style of a widget in its current role.
    pub(super) fn style_for(&self, doc: &Document, id: WidgetId) -> Style {
        let w = doc.widget(id).expect("styled widgets are in the document");
        let b = &self.boxes[id];
        let flowed_in = b.parent.and_then(|p| self.boxes.get(p)).filter(|_| b.flowed).map(|p| p.layout);
        let arranges = b.is_flex_container().then_some(b.layout);
        let mut style =
            taffy_style(&w, flowed_in, arranges, arranges.is_some() && style::gaps_as_margins(doc, &w).is_some());
        if flowed_in == Some(LayoutMode::Grid) {
            floor_spanning_flexible_tracks(doc, &w, &mut style);
            if arranges.is_some() {
                count_at_minimum_contribution(&w, &mut style);
            }
            if arranges.is_some() && shows_nothing(doc, &w, 0) {
                let auto = taffy::prelude::LengthPercentageAuto::auto();
                for min in [&mut style.min_size.width, &mut style.min_size.height] {
                    if *min == auto {
                        *min = taffy::prelude::LengthPercentageAuto::length(SOMETHING);
                    }
                }
            }
        }
        // Along a row or column of set length, an explicit size above the
        // maximum stays the flex basis, as in CSS (the mapping makes it the
        // maximum, for lines sized by their items: see `clamp_content`),
        // where a shrinking line shares its shortfall by flex bases (random
        // design 92, shrunk: a toggle 291 wide at most 263 on a full row
        // shrank with the text input beside it from 263, to 252 where
        // Chromium holds it at 263 and shrinks the input to its minimum).
        for (axis, key, max) in
            [(Axis::Width, PropKey::Width, PropKey::MaxWidth), (Axis::Height, PropKey::Height, PropKey::MaxHeight)]
        {
            let Some(size) = w.length(key).filter(|size| w.length(max).is_some_and(|max| *size > max)) else {
                continue;
            };
            if on_line_of_set_length(doc, &self.boxes, &w, axis) {
                let size = Dimension::length(size);
                match axis {
                    Axis::Width => style.size.width = size,
                    Axis::Height => style.size.height = size,
                }
            }
        }
        style
    }

    pub(super) fn ensure_nodes(&mut self, doc: &Document, root: WidgetId) -> NodeId {
        match self.boxes[root].node {
            Some(node) => node,
            None => self.create_node(doc, root),
        }
    }

    fn create_node(&mut self, doc: &Document, id: WidgetId) -> NodeId {
        let style = self.style_for(doc, id);
        let node = if self.boxes[id].is_flex_container() {
            let w = doc.widget(id).expect("styled widgets are in the document");
            let gaps = style::gaps_as_margins(doc, &w);
            // In a wrapping container the first item carries a gap too.
            let mut after_visible = w.flag(PropKey::Wrap);
            let children: Vec<NodeId> = doc
                .children(id)
                .iter()
                .map(|c| {
                    let node = self.create_node(doc, *c);
                    let visible = doc.widget(*c).is_some_and(|w| w.flag(PropKey::Visible));
                    if let Some(gap) = gaps.filter(|_| visible && after_visible) {
                        let mut s = self.taffy.style(node).expect("the node exists").clone();
                        style::put_gap_before(&mut s, gap);
                        self.no_maximum_beside_a_gap(doc, *c, &mut s);
                        self.taffy.set_style(node, s).expect("the node exists");
                    }
                    after_visible |= visible;
                    node
                })
                .collect();
            let node = self.taffy.new_with_children(style, &children).expect("taffy accepts new nodes");
            // Taffy lays out a container without children as a leaf: the
            // measure function then answers for it (an empty grid still
            // has its tracks).
            self.taffy.set_node_context(node, Some(id)).expect("the node exists");
            node
        } else {
            self.taffy.new_leaf_with_context(style, id).expect("taffy accepts new nodes")
        };
        self.boxes[id].node = Some(node);
        node
    }

    pub(super) fn compute(&mut self, doc: &Document, node: NodeId, available: Size<AvailableSpace>) {
        self.lay_out(doc, node, available);
        self.stats.islands += 1;
    }

    /// [`Geometry::compute`] without counting an island: a measurement of
    /// one member (see [`Intrinsic`]).
    fn lay_out(&mut self, doc: &Document, node: NodeId, available: Size<AvailableSpace>) {
        let measurer = &*self.measurer;
        let boxes = &self.boxes;
        self.taffy
            .compute_layout_with_measure(node, available, |inputs, _, context, style| {
                let id = context.map(|c| *c);
                taffy::compute_leaf_layout(
                    inputs,
                    style,
                    |_, _| 0.0,
                    |known, available| {
                        let measured = (|| {
                            let Some(w) = id.and_then(|id| doc.widget(id)) else { return Size::ZERO };
                            if boxes.get(w.id()).is_some_and(WidgetBox::is_flex_container) {
                                let (width, height) = empty_container_content(&w);
                                // Clamped as any measured content is, with its
                                // padding and border (random design 161).
                                let edge = 2.0 * inset(&w);
                                let width =
                                    (clamp_line_content(doc, boxes, &w, width + edge, Axis::Width) - edge).max(0.0);
                                let height =
                                    (clamp_line_content(doc, boxes, &w, height + edge, Axis::Height) - edge).max(0.0);
                                return Size {
                                    width: known.width.unwrap_or(width),
                                    height: known.height.unwrap_or(height),
                                };
                            }
                            if wraps(w.kind()) {
                                // Clamped as any measured content is (a column
                                // summed a label's lines past its maximum height
                                // where CSS takes the maximum: random design 82,
                                // 62 px), its lines then taken at the clamped width.
                                let width = known.width.unwrap_or_else(|| {
                                    // The width alone: a height given skips measuring the lines twice.
                                    let width = label_size(&w, measurer, (None, Some(0.0)), available.width).0;
                                    clamp_content(&w, width, Axis::Width)
                                });
                                let height = known.height.unwrap_or_else(|| {
                                    // Its lines at the width it is drawn at,
                                    // never below its minimum, even where it
                                    // grows (its basis may be below it).
                                    let at = clamp_size(&w, (width, 0.0)).0;
                                    let lines = label_size(&w, measurer, (Some(at), None), available.width).1;
                                    clamp_content(&w, lines, Axis::Height)
                                });
                                return Size { width, height };
                            }
                            let content = measured_content(doc, &w, measurer, boxes);
                            Size { width: known.width.unwrap_or(content.0), height: known.height.unwrap_or(content.1) }
                        })();
                        let Some(w) = id.and_then(|id| doc.widget(id)).filter(|w| grid_item(boxes, w.id())) else {
                            return measured;
                        };
                        let shim = in_grid(boxes, &w);
                        let axis = |known: Option<f32>, available: AvailableSpace, measured: f32, axis: Axis| {
                            let Some(known) = known else {
                                let measured = match available {
                                    AvailableSpace::MinContent => min_content_in_grid(doc, &w, measured, axis),
                                    _ => measured,
                                };
                                return if shim { something(measured) } else { measured };
                            };
                            known
                        };
                        Size {
                            width: axis(known.width, available.width, measured.width, Axis::Width),
                            height: axis(known.height, available.height, measured.height, Axis::Height),
                        }
                    },
                )
            })
            .expect("taffy lays out its own nodes");
    }

    /// Lays out the island rooted at `root` (whose box is set): the
    /// rectangle of every member below the root, relative to the root's
    /// origin, in depth-first order.
    pub(super) fn solve_island(&mut self, doc: &Document, root: WidgetId) -> Vec<(WidgetId, Rect)> {
        let origin = self.boxes[root].rect;
        let mut members: Vec<(WidgetId, usize)> = Vec::new();
        let mut key: Vec<u32> = vec![origin.w.to_bits(), origin.h.to_bits()];
        let mut words: Vec<u32> = Vec::new();
        self.island_key(doc, root, usize::MAX, &mut members, &mut key, &mut words);
        if self.memo_enabled {
            let mut found = self.memo.get(&key);
            if found.is_some_and(|m| m.wrapped) {
                let mut extended = key.clone();
                extended.extend(&words);
                found = self.memo.get(&extended);
            }
            if let Some(m) = found {
                self.stats.memo_hits += 1;
                let out = members[1..].iter().zip(&m.rels).map(|((m, _), r)| (*m, *r)).collect();
                let intrinsics = m.intrinsics.clone();
                for (m, _) in &members {
                    // A line's width is found from a layout, not from what
                    // the key holds: a node carrying one from another layout
                    // gets its own style back, which the next layout counts
                    // on (`intrinsics` resets only what it knows of).
                    if let Some(Intrinsic::LineWidth(..)) = self.boxes[*m].intrinsic.take()
                        && let Some(node) = self.boxes[*m].node
                    {
                        self.reset_style(doc, *m, node);
                    }
                }
                for (at, intrinsic) in intrinsics {
                    self.boxes[members[at].0].intrinsic = Some(intrinsic);
                }
                return out;
            }
        }
        let node = self.ensure_nodes(doc, root);
        let mut intrinsics = self.intrinsics(doc, &members, &[]);
        let mut style = self.taffy.style(node).expect("the node exists").clone();
        style.size = Size { width: Dimension::length(origin.w), height: Dimension::length(origin.h) };
        self.taffy.set_style(node, style).expect("the node exists");
        let available = Size { width: AvailableSpace::Definite(origin.w), height: AvailableSpace::Definite(origin.h) };
        self.compute(doc, node, available);
        let (measured, fits) = self.fit_lines(doc, &members);
        if !fits.is_empty() {
            // Found again with the fitted items in place, which the
            // minimums found around them count.
            intrinsics = self.intrinsics(doc, &members, &fits);
        }
        if measured {
            self.lay_out(doc, node, available);
        }
        // Taffy places each node relative to its parent: accumulate from the root.
        let mut rels = vec![Rect::new(0.0, 0.0, origin.w, origin.h)];
        for (m, parent) in &members[1..] {
            let l = self.taffy.layout(self.boxes[*m].node.expect("members have nodes")).expect("laid out");
            let p = rels[*parent];
            rels.push(Rect::new(p.x + l.location.x, p.y + l.location.y, l.size.width, l.size.height));
        }
        let out = members[1..].iter().zip(&rels[1..]).map(|((m, _), r)| (*m, *r)).collect();
        if self.memo_enabled {
            if self.memo.len() + 2 > MEMO_CAPACITY {
                self.memo.clear();
            }
            // Did a text get less than its one-line width (and wrap)?
            let wrapped = members.iter().zip(&rels).any(|((m, _), r)| {
                doc.widget(*m).is_some_and(|w| {
                    wraps(w.kind())
                        && r.w < self.measurer.measure(w.text(PropKey::Text), w.number(PropKey::FontSize), None).0
                })
            });
            // Under a marker, every layout goes by its words (the marker stays).
            if wrapped || self.memo.get(&key).is_some_and(|m| m.wrapped) {
                self.memo.insert(key.clone(), Remembered { rels: Vec::new(), wrapped: true, intrinsics: Vec::new() });
                key.extend(&words);
            }
            self.memo.insert(key, Remembered { rels: rels[1..].to_vec(), wrapped, intrinsics });
        }
        out
    }

    /// The members of the island rooted at `root`, each with its parent's
    /// position among them, in the order [`Geometry::solve_island`] lists
    /// them.
    pub(super) fn island_members(&self, doc: &Document, root: WidgetId) -> Vec<(WidgetId, usize)> {
        let mut members = Vec::new();
        let mut stack = vec![(root, usize::MAX)];
        while let Some((id, parent)) = stack.pop() {
            members.push((id, parent));
            if self.boxes.get(id).is_some_and(WidgetBox::is_flex_container) {
                let me = members.len() - 1;
                stack.extend(doc.children(id).iter().rev().map(|c| (*c, me)));
            }
        }
        members
    }

    /// Finds the intrinsic sizes taffy would get wrong for every member
    /// that needs them ([`Geometry::needs_intrinsic`]), innermost first (an
    /// inner one's sizes size the outer), and gives its taffy node the
    /// style that lays it out as CSS; every other member's node keeps (or
    /// gets back) its own. `fits` (in member order, by position) are the
    /// line widths [`Geometry::fit_lines`] found after a first layout,
    /// which those members take instead of what they would need.
    pub(super) fn intrinsics(
        &mut self,
        doc: &Document,
        members: &[(WidgetId, usize)],
        fits: &[(usize, Intrinsic)],
    ) -> Vec<(usize, Intrinsic)> {
        let mut found = Vec::new();
        // `fits` is in member order, as `fit_lines` found them.
        let mut fits = fits.iter().rev().peekable();
        for (at, (m, _)) in members.iter().enumerate().skip(1).rev() {
            let had = self.boxes[*m].intrinsic.take();
            let fit = fits.next_if(|(a, _)| *a == at).map(|(_, i)| *i);
            let needs = if fit.is_some() { None } else { self.needs_intrinsic(doc, *m) };
            if needs.is_none() && had.is_none() && fit.is_none() {
                continue;
            }
            let node = self.boxes[*m].node.expect("members have nodes");
            let mut style = self.reset_style(doc, *m, node);
            let intrinsic = match (fit, needs) {
                (Some(fit), _) => fit,
                (None, None) => continue,
                (None, Some(needs)) => match needs {
                    Needs::FitWidth(room) => {
                        let (min, max) = self.fit_content_widths(doc, *m, node, &style);
                        match room {
                            Room::Start => Intrinsic::FitWidth(min, max),
                            Room::Known(room) => Intrinsic::Width(room.min(max).max(min)),
                            Room::Column => Intrinsic::Centred(min, max),
                        }
                    }
                    Needs::MinHeight => {
                        // At the width it is laid out at where that is known
                        // first (a grid's fixed columns: random design 92, a
                        // label wrapping at 113.5 px in such a column, 122.5
                        // px high on one line, not 17.5), else at its widest.
                        let width = fixed_columns_width(doc, &self.boxes, *m)
                            .map_or(AvailableSpace::MaxContent, AvailableSpace::Definite);
                        Intrinsic::MinHeight(self.measure_node(doc, node, width).height)
                    }
                    Needs::MinWidth => Intrinsic::MinWidth(self.grid_min_content_width(doc, *m, node)),
                    Needs::MinContentWidth => Intrinsic::MinContentWidth(self.grid_min_content_width(doc, *m, node)),
                    Needs::LineMinWidth | Needs::HeldMinWidth => {
                        let width = if matches!(needs, Needs::LineMinWidth) {
                            self.one_line_min_content_width(doc, node, &style)
                        } else {
                            self.min_content_width_holding_items(doc, *m, node)
                        };
                        // CSS caps an automatic minimum by the maximum.
                        let max = doc.widget(*m).and_then(|w| w.length(PropKey::MaxWidth)).unwrap_or(f32::INFINITY);
                        Intrinsic::MinWidth(width.min(max))
                    }
                    Needs::Basis => {
                        // Its max-content width, its own maximum aside.
                        let mut unclamped = style.clone();
                        unclamped.max_size.width = taffy::prelude::LengthPercentageAuto::auto();
                        self.taffy.set_style(node, unclamped).expect("the node exists");
                        let width = self.measure_node(doc, node, AvailableSpace::MaxContent).width;
                        self.taffy.set_style(node, style.clone()).expect("the node exists");
                        let max = doc.widget(*m).and_then(|w| w.length(PropKey::MaxWidth)).unwrap_or(f32::INFINITY);
                        if width <= max {
                            continue;
                        }
                        Intrinsic::Basis(width)
                    }
                },
            };
            intrinsic.apply(&mut style);
            self.taffy.set_style(node, style).expect("the node exists");
            self.boxes[*m].intrinsic = Some(intrinsic);
            found.push((at, intrinsic));
        }
        found
    }

    /// Gives the taffy node `node` of `id` back the style the mapping gives
    /// it (the gap margin kept), undoing any [`Intrinsic`]; returns it.
    fn reset_style(&mut self, doc: &Document, id: WidgetId, node: NodeId) -> Style {
        let mut style = self.taffy.style(node).expect("the node exists").clone();
        let own = self.style_for(doc, id);
        style.align_self = own.align_self;
        style.size.width = own.size.width;
        style.min_size = own.min_size;
        style.max_size = own.max_size;
        style.flex_basis = own.flex_basis;
        self.no_maximum_beside_a_gap(doc, id, &mut style);
        self.taffy.set_style(node, style.clone()).expect("the node exists");
        style
    }

    /// The min-content and max-content widths of the row, column or grid
    /// `id` (its taffy node `node`, its style `style`) as Chromium
    /// computes them, between which its fit-content width lies.
    fn fit_content_widths(&mut self, doc: &Document, id: WidgetId, node: NodeId, style: &Style) -> (f32, f32) {
        let grid = self.boxes[id].layout == LayoutMode::Grid;
        let min = if grid {
            self.grid_min_content_width(doc, id, node)
        } else if self.boxes[id].wrap && self.boxes[id].layout == LayoutMode::Column {
            self.one_line_min_content_width(doc, node, style)
        } else {
            self.min_content_width_holding_items(doc, id, node)
        };
        let max = if grid {
            self.grid_max_content_width(doc, id, node)
        } else {
            self.measure_node(doc, node, AvailableSpace::MaxContent).width
        };
        (min, max)
    }

    /// Gives each row, column or grid centred or at the end of its line in
    /// a wrapping column its fit-content width against its line's width,
    /// where that is wider than taffy made it ([`Intrinsic::LineWidth`],
    /// returned with the member's position), once the island `members` is
    /// laid out. Chromium sizes
    /// such an item against its line, which an item wider than the column
    /// makes wider than the column, and then aligns it in the line (random
    /// design 82: a wrapping row centred beside a panel 261.5 px wide in a
    /// column 216.5 px wide inside is 261.5 px wide, where taffy gave it
    /// the column's width); at the start of its line it is stretched to it
    /// instead (see `Room::Start`). Also whether the island must be laid
    /// out again: an item was measured (which lays its subtree out alone).
    fn fit_lines(&mut self, doc: &Document, members: &[(WidgetId, usize)]) -> (bool, Vec<(usize, Intrinsic)>) {
        // First every candidate as the island was laid out (measuring one
        // lays its subtree out alone, which moves it), each column's lines
        // read once.
        let mut lines: HashMap<WidgetId, f32> = HashMap::new();
        let mut columns_read: HashSet<WidgetId> = HashSet::new();
        let mut candidates = Vec::new();
        for (at, (m, parent_at)) in members.iter().enumerate().skip(1) {
            let b = &self.boxes[*m];
            let parent = members[*parent_at].0;
            let Some(pb) = self.boxes.get(parent) else { continue };
            if !b.flowed
                || !b.is_flex_container()
                || b.intrinsic.is_some()
                || pb.layout != LayoutMode::Column
                || !pb.wrap
            {
                continue;
            }
            // A wrapping column is left out: one without a height needs its
            // one-line height (`Needs::MinHeight`), and an item holds one
            // intrinsic.
            if b.layout == LayoutMode::Column && b.wrap {
                continue;
            }
            let (Some(w), Some(p)) = (doc.widget(*m), doc.widget(parent)) else { continue };
            if !w.flag(PropKey::Visible) || w.length(PropKey::Width).is_some() {
                continue;
            }
            let align = match w.align(PropKey::AlignSelf) {
                trellis_model::Align::Auto => p.align(PropKey::AlignItems),
                a => a,
            };
            if !matches!(align, trellis_model::Align::Center | trellis_model::Align::End) {
                continue;
            }
            let node = b.node.expect("members have nodes");
            let width = self.taffy.layout(node).expect("laid out").size.width;
            // Narrower than the column, taffy gave it its max-content width,
            // which its line cannot widen.
            let column = self.taffy.layout(pb.node.expect("members have nodes")).expect("laid out");
            let inside = column.size.width
                - column.padding.left
                - column.padding.right
                - column.border.left
                - column.border.right;
            if width + 0.01 < inside {
                continue;
            }
            if columns_read.insert(parent) {
                self.read_lines(doc, parent, &mut lines);
            }
            let line = lines.get(m).copied().unwrap_or(0.0);
            if line > width + 0.01 {
                candidates.push((at, *m, node, width, line));
            }
        }
        let mut measured = false;
        let mut found = Vec::new();
        for (at, m, node, width, line) in candidates {
            let style = self.taffy.style(node).expect("the node exists").clone();
            let (min, max) = self.fit_content_widths(doc, m, node, &style);
            // Laid out alone, its subtree no longer holds its place in the
            // island: the island is laid out again, not from taffy's cache.
            self.taffy.mark_dirty(node).expect("the node exists");
            measured = true;
            let fitted = line.min(max).max(min);
            if fitted <= width + 0.01 {
                continue;
            }
            // Its height is still its content's at the width taffy gave it.
            let basis = self.measure_node(doc, node, AvailableSpace::Definite(width)).height;
            found.push((at, Intrinsic::LineWidth(fitted, basis)));
        }
        (measured, found)
    }

    /// The width of each line of the wrapping column `column`, as taffy laid
    /// it out (its widest item's), put in `lines` for each item shown in it.
    /// An item starting above the bottom of the one before starts a new
    /// line.
    fn read_lines(&self, doc: &Document, column: WidgetId, lines: &mut HashMap<WidgetId, f32>) {
        let mut line: Vec<WidgetId> = Vec::new();
        let mut widest = 0.0_f32;
        let mut bottom = f32::NEG_INFINITY;
        let shown = |c: &WidgetId| doc.widget(*c).is_some_and(|c| c.flag(PropKey::Visible));
        for c in doc.children(column).iter().filter(|c| shown(c)) {
            let Some(node) = self.boxes.get(*c).and_then(|b| b.node) else { continue };
            let l = self.taffy.layout(node).expect("laid out");
            if l.location.y < bottom - 0.01 {
                lines.extend(line.drain(..).map(|item| (item, widest)));
                widest = 0.0;
            }
            bottom = l.location.y + l.size.height;
            widest = widest.max(l.size.width);
            line.push(*c);
        }
        lines.extend(line.drain(..).map(|item| (item, widest)));
    }

    /// The min-content width of the row or column `id` (its taffy node
    /// `node`), each item whose minimum width is found first
    /// ([`Intrinsic::MinWidth`]) held at that minimum for the time it is
    /// measured, as its min-content contribution: taffy measures an item
    /// anew there and would take its own min-content width (a wrapping
    /// column of two lines, 110 px to taffy and 60 px to Chromium at
    /// min-content, made a row fitting a 100 px column 140 px wide; random
    /// design 12, shrunk: a grid whose item spans an `fr` column made a row
    /// in a row 15 px too wide).
    fn min_content_width_holding_items(&mut self, doc: &Document, id: WidgetId, node: NodeId) -> f32 {
        let holds: Vec<(NodeId, f32)> = doc
            .children(id)
            .iter()
            .filter_map(|c| self.boxes.get(*c))
            .filter_map(|b| Some((b.node?, held_min_content(b.intrinsic)?)))
            .collect();
        self.min_content_width_held(doc, node, &holds)
    }

    /// The min-content width of `node`, each of `holds`' item nodes held
    /// at most at its width for the time it is measured (taffy then takes
    /// that as the item's min-content contribution), their own styles
    /// given back after.
    fn min_content_width_held(&mut self, doc: &Document, node: NodeId, holds: &[(NodeId, f32)]) -> f32 {
        let mut held = Vec::with_capacity(holds.len());
        for (item_node, width) in holds {
            let style = self.taffy.style(*item_node).expect("the node exists").clone();
            let mut capped = style.clone();
            capped.max_size.width = taffy::prelude::LengthPercentageAuto::length(*width);
            self.taffy.set_style(*item_node, capped).expect("the node exists");
            held.push((*item_node, style));
        }
        let width = self.measure_node(doc, node, AvailableSpace::MinContent).width;
        for (item_node, style) in held {
            self.taffy.set_style(item_node, style).expect("the node exists");
        }
        width
    }

    /// The min-content width of the wrapping column `node` (its style
    /// `style`) as Chromium computes it ([`Intrinsic::MinWidth`]): on one
    /// line, its height and maximum height aside and no wrapping, for the
    /// time it is measured.
    fn one_line_min_content_width(&mut self, doc: &Document, node: NodeId, style: &Style) -> f32 {
        let mut one_line = style.clone();
        one_line.size.height = Dimension::auto();
        one_line.max_size.height = taffy::prelude::LengthPercentageAuto::auto();
        one_line.flex_wrap = taffy::prelude::FlexWrap::NoWrap;
        self.taffy.set_style(node, one_line).expect("the node exists");
        let width = self.measure_node(doc, node, AvailableSpace::MinContent).width;
        self.taffy.set_style(node, style.clone()).expect("the node exists");
        width
    }

    /// `node` laid out at `width` (its height its content's): its size.
    fn measure_node(&mut self, doc: &Document, node: NodeId, width: AvailableSpace) -> Size<f32> {
        self.lay_out(doc, node, Size { width, height: AvailableSpace::MaxContent });
        self.taffy.layout(node).expect("laid out").size
    }

    /// The min-content width of the grid `id` (its taffy node `node`) as
    /// Chromium computes it: its columns sized by its items' minimum
    /// contributions, where taffy 0.15 takes their min-content
    /// contributions (see `min_content_in_grid`, which does this for
    /// leaves as taffy measures them). They differ for an item with a
    /// minimum width below its content (random design 91), and for an item
    /// spanning several columns, one of them `fr`, whose automatic minimum
    /// is then 0 (its padding and border: random design 12). So taffy
    /// measures the grid with each such item's maximum width at its
    /// minimum contribution for the time it measures, which makes its
    /// min-content contribution that.
    fn grid_min_content_width(&mut self, doc: &Document, id: WidgetId, node: NodeId) -> f32 {
        let mut holds = Vec::new();
        if let Some(grid) = doc.widget(id) {
            let columns = grid.tracks(PropKey::GridColumns);
            // Without the cells (a large grid), only the minimums count.
            let cells = small_grid_cells(doc, &grid);
            for (at, c) in grid.children().iter().enumerate() {
                let column = cells.as_ref().map(|cells| cells[at].1);
                let Some(item) = doc.widget(*c).filter(|c| c.flag(PropKey::Visible)) else { continue };
                let Some(item_node) = self.boxes.get(*c).and_then(|b| b.node) else { continue };
                if item.length(PropKey::Width).is_some() {
                    continue;
                }
                let edges = if item.kind().is_container() { 2.0 * inset(&item) } else { 0.0 };
                let span = item.int(PropKey::ColumnSpan).max(1) as usize;
                let crosses_fr = span > 1
                    && column.is_some_and(|column| {
                        (column..column + span).any(|t| matches!(columns.get(t), Some(Track::Fr(_))))
                    });
                // A grid item whose minimum width was found first (a grid
                // in an `auto` or `fr` column) counts at it, as taffy would
                // otherwise measure it anew at its content.
                let found = held_min_content(self.boxes[*c].intrinsic);
                let minimum = match (item.length(PropKey::MinWidth), found) {
                    (Some(min), _) => min.max(edges),
                    (None, _) if crosses_fr => edges,
                    (None, Some(found)) => found,
                    (None, None) => continue,
                };
                let max = item.length(PropKey::MaxWidth).map_or(minimum, |m| m.max(edges).min(minimum));
                holds.push((item_node, max));
            }
        }
        self.min_content_width_held(doc, node, &holds)
    }

    /// The max-content width of the grid `id` (its taffy node `node`) as
    /// Chromium computes it where an item spans an `fr` column and
    /// another. Under a max-content constraint CSS starts an `auto` column
    /// at its items' max-content contributions, and an item spanning an
    /// `fr` column gives that column only what the other columns it spans
    /// leave of its own; taffy 0.15 starts a column of items spanning it
    /// alone at their min-content contributions (a scroll area's at its
    /// minimum), so the spanning item found it narrower and grew the `fr`
    /// column (random design 51: a column holding a list 108 px wide,
    /// spanning `auto 2fr` over a scroll area 140 px wide, made the grid
    /// 248 px wide where Chromium gives 140). So each item alone in an
    /// `auto` column is held at least at its max-content width for the
    /// time the grid is measured. Only for grids placed here (see
    /// `MOST_ITEMS_PLACED`).
    fn grid_max_content_width(&mut self, doc: &Document, id: WidgetId, node: NodeId) -> f32 {
        self.at_max_content(doc, id, |g| g.measure_node(doc, node, AvailableSpace::MaxContent).width)
    }

    /// Runs `measure` (a max-content measurement of the grid `id`) with
    /// the grid's items held as [`Geometry::grid_max_content_width`] says,
    /// their own styles given back after; a row or column as it is.
    pub(super) fn at_max_content<R>(
        &mut self,
        doc: &Document,
        id: WidgetId,
        measure: impl FnOnce(&mut Self) -> R,
    ) -> R {
        let mut holds = Vec::new();
        if self.boxes.get(id).is_some_and(|b| b.layout == LayoutMode::Grid)
            && let Some(grid) = doc.widget(id)
            && let Some(cells) = small_grid_cells(doc, &grid)
        {
            let columns = grid.tracks(PropKey::GridColumns);
            let is_fr = |t: usize| matches!(columns.get(t), Some(Track::Fr(_)));
            let shown = |c: &WidgetId| doc.widget(*c).is_some_and(|c| c.flag(PropKey::Visible));
            let span = |c: &WidgetId| doc.widget(*c).map_or(1, |c| c.int(PropKey::ColumnSpan).max(1) as usize);
            let crosses_fr = grid
                .children()
                .iter()
                .zip(&cells)
                .any(|(c, (_, column))| shown(c) && span(c) > 1 && (*column..column + span(c)).any(is_fr));
            if crosses_fr {
                for (c, (_, column)) in grid.children().iter().zip(&cells) {
                    let auto = !matches!(columns.get(*column), Some(Track::Px(_) | Track::Fr(_)));
                    let Some(item_node) = self.boxes.get(*c).and_then(|b| b.node) else { continue };
                    if !shown(c) || span(c) > 1 || !auto {
                        continue;
                    }
                    let width = self.measure_node(doc, item_node, AvailableSpace::MaxContent).width;
                    holds.push((item_node, width));
                }
            }
        }
        let mut held = Vec::with_capacity(holds.len());
        for (item_node, width) in holds {
            let style = self.taffy.style(item_node).expect("the node exists").clone();
            let mut floored = style.clone();
            let own = match style.min_size.width {
                m if m.is_auto() => 0.0,
                m => m.into_raw().value(),
            };
            floored.min_size.width = taffy::prelude::LengthPercentageAuto::length(width.max(own));
            self.taffy.set_style(item_node, floored).expect("the node exists");
            held.push((item_node, style));
        }
        let measured = measure(self);
        for (item_node, style) in held {
            self.taffy.set_style(item_node, style).expect("the node exists");
        }
        measured
    }

    /// Which of `id`'s intrinsic sizes taffy gets wrong where it sits, if
    /// any: see [`Intrinsic`].
    fn needs_intrinsic(&self, doc: &Document, id: WidgetId) -> Option<Needs> {
        if let Some(room) = self.fits_its_width(doc, id) {
            return Some(Needs::FitWidth(room));
        }
        let b = &self.boxes[id];
        let parent = b.parent.and_then(|p| self.boxes.get(p))?;
        let w = doc.widget(id)?;
        if b.flowed
            && b.is_flex_container()
            && b.layout == LayoutMode::Grid
            && matches!(parent.layout, LayoutMode::Row | LayoutMode::Grid)
            && w.flag(PropKey::Visible)
            && [PropKey::Width, PropKey::MinWidth].iter().all(|k| w.length(*k).is_none())
            && (grid_items_below_their_content(doc, &w)
                || w.children()
                    .iter()
                    .any(|c| held_min_content(self.boxes.get(*c).and_then(|b| b.intrinsic)).is_some()))
            && (parent.layout == LayoutMode::Row || in_a_column_sized_by_content(doc, &w))
        {
            return Some(Needs::MinWidth);
        }
        // The same grid with a minimum width of its own, which is its
        // minimum: its min-content width is still what a row holding it
        // counts it at ([`Intrinsic::MinContentWidth`]).
        if b.flowed
            && b.is_flex_container()
            && b.layout == LayoutMode::Grid
            && parent.layout == LayoutMode::Row
            && w.flag(PropKey::Visible)
            && w.length(PropKey::Width).is_none()
            && w.length(PropKey::MinWidth).is_some()
            && grid_items_below_their_content(doc, &w)
        {
            return Some(Needs::MinContentWidth);
        }
        // A scroll area keeps its minimum (its padding and border): CSS
        // gives a scroll container no content-based minimum.
        let wrapping_column =
            b.is_flex_container() && b.layout == LayoutMode::Column && b.wrap && b.kind != WidgetKind::ScrollArea;
        // In a grid only where rows are sized by content: a grid item's
        // content-based minimum applies to `auto` and `fr` rows, and a
        // fixed row holds the item at its height.
        let grid_rows_by_content = |grid: WidgetId| {
            doc.widget(grid).is_some_and(|g| !g.tracks(PropKey::GridRows).iter().any(|t| matches!(t, Track::Px(_))))
        };
        let rows_by_content = match parent.layout {
            LayoutMode::Column => true,
            LayoutMode::Grid => b.parent.is_some_and(grid_rows_by_content),
            // In a row whose height is its content's (random design 57: a
            // row holding a wrapping column, in a grid row sized by it):
            // no height or maximum of its own, and not stretched to a
            // height set further out (a row in a row, or in a grid's
            // fixed row).
            LayoutMode::Row => b.parent.and_then(|p| doc.widget(p)).is_some_and(|row| {
                let own = [PropKey::Height, PropKey::MaxHeight].iter().all(|k| row.length(*k).is_none());
                let outer = parent.parent.and_then(|g| self.boxes.get(g)).filter(|_| parent.flowed);
                own && match outer.map(|o| o.layout) {
                    None | Some(LayoutMode::Column) => true,
                    Some(LayoutMode::Grid) => parent.parent.is_some_and(grid_rows_by_content),
                    Some(_) => false,
                }
            }),
            _ => false,
        };
        if b.flowed
            && wrapping_column
            && rows_by_content
            && w.flag(PropKey::Visible)
            && [PropKey::Height, PropKey::MinHeight].iter().all(|k| w.length(*k).is_none())
        {
            return Some(Needs::MinHeight);
        }
        // A row or column holding a scroll area (a direct child), in a
        // grid without fixed rows (see `Intrinsic::MinHeight`).
        if b.flowed
            && parent.layout == LayoutMode::Grid
            && rows_by_content
            && b.is_flex_container()
            && matches!(b.layout, LayoutMode::Row | LayoutMode::Column)
            && !b.wrap
            && b.kind != WidgetKind::ScrollArea
            && w.flag(PropKey::Visible)
            && [PropKey::Height, PropKey::MinHeight].iter().all(|k| w.length(*k).is_none())
            && w.children()
                .iter()
                .any(|c| doc.widget(*c).is_some_and(|c| c.kind() == WidgetKind::ScrollArea && c.flag(PropKey::Visible)))
        {
            return Some(Needs::MinHeight);
        }
        if b.flowed
            && wrapping_column
            && parent.layout == LayoutMode::Row
            && w.flag(PropKey::Visible)
            && [PropKey::Width, PropKey::MinWidth].iter().all(|k| w.length(*k).is_none())
        {
            return Some(Needs::LineMinWidth);
        }
        // A row in a row holding an item whose minimum width was found
        // first: its own automatic minimum counts that item at it.
        if b.flowed
            && b.is_flex_container()
            && b.layout == LayoutMode::Row
            && !b.wrap
            && b.kind != WidgetKind::ScrollArea
            && parent.layout == LayoutMode::Row
            && w.flag(PropKey::Visible)
            && [PropKey::Width, PropKey::MinWidth].iter().all(|k| w.length(*k).is_none())
            && w.children().iter().any(|c| held_min_content(self.boxes.get(*c).and_then(|b| b.intrinsic)).is_some())
        {
            return Some(Needs::HeldMinWidth);
        }
        // The cheap tests first: this runs for every member of an island.
        (b.flowed
            && b.is_flex_container()
            && w.length(PropKey::MaxWidth).is_some()
            && w.length(PropKey::Width).is_none()
            && w.flag(PropKey::Visible)
            && on_line_of_set_length(doc, &self.boxes, &w, Axis::Width))
        .then_some(Needs::Basis)
    }

    /// Whether `id` is a grid, a row or a column that does not wrap (a
    /// wrapping one keeps its one-line height instead: `Needs::MinHeight`)
    /// placed in a column that leaves it its own width (aligned at the
    /// start, auto width). CSS
    /// gives it its fit-content width: the column's width, but no narrower
    /// than its min-content width and no wider than its max-content width
    /// (then its own minimum and maximum, which taffy has applied to the
    /// two widths it measured, so they hold). taffy 0.15 gives such a grid its
    /// max-content width whatever the room (a grid with `fr` columns
    /// overflows the column: random designs 36, 137, 163), such a
    /// wrapping row the room less its padding (random design 107), and
    /// such a row its max-content width where its items could shrink to
    /// their min-content widths (random design 239: a row holding a
    /// wrapping row, 4 px too wide in a column narrower than both, and a
    /// column holding that row). So
    /// Trellis finds the two widths with taffy and hands it the item
    /// stretched to the column, clamped between them: the same width.
    ///
    /// Aligned at the centre or the end, it is put there at that width:
    /// found where the column's width is its own (random design 163: a
    /// grid centred in a narrower column, wider than the column by its
    /// `fr` tracks, then off by 80 px), else as a share of the column's
    /// width ([`Intrinsic::Centred`]).
    fn fits_its_width(&self, doc: &Document, id: WidgetId) -> Option<Room> {
        let b = &self.boxes[id];
        let parent = b.parent.and_then(|p| self.boxes.get(p))?;
        let wrapping_column = b.layout == LayoutMode::Column && b.wrap;
        if !b.flowed || parent.layout != LayoutMode::Column || !b.is_flex_container() {
            return None;
        }
        let (w, p) = (doc.widget(id)?, doc.widget(b.parent?)?);
        let align = match w.align(PropKey::AlignSelf) {
            trellis_model::Align::Auto => p.align(PropKey::AlignItems),
            a => a,
        };
        // In a wrapping column, at the start of its line only (see
        // `Room::Start`): centred or at the end, Chromium fits it to its
        // line too, but then aligns it in the line, which a stretched
        // item cannot be.
        if parent.wrap && align != trellis_model::Align::Start {
            return None;
        }
        // A wrapping column of set height (one without keeps its one-line
        // height: `Needs::MinHeight`) fits the column too, its min-content
        // width its widest item's (random design 103: a column 9.5 px high
        // holding two lines 228 px wide, at the start of a column 226 px
        // wide, is 226 px wide in Chromium).
        if wrapping_column && (b.kind == WidgetKind::ScrollArea || w.length(PropKey::Height).is_none()) {
            return None;
        }
        if !w.flag(PropKey::Visible) || w.length(PropKey::Width).is_some() {
            return None;
        }
        match align {
            trellis_model::Align::Start => Some(Room::Start),
            trellis_model::Align::Center | trellis_model::Align::End => {
                // The column's width is its own unless a row sizes it.
                let in_a_row = parent.flowed
                    && parent.parent.and_then(|g| self.boxes.get(g)).is_some_and(|g| g.layout == LayoutMode::Row);
                let Some(width) = p.length(PropKey::Width).filter(|_| !in_a_row) else {
                    return Some(Room::Column);
                };
                let width = clamp_size(&p, (width, 0.0)).0.max(2.0 * inset(&p));
                Some(Room::Known(width - 2.0 * inset(&p)))
            }
            _ => None,
        }
    }

    /// Everything taffy reads for an island, in a fixed order: equal keys
    /// give equal layouts. Lists the members with their parent's position.
    fn island_key(
        &self,
        doc: &Document,
        id: WidgetId,
        parent: usize,
        members: &mut Vec<(WidgetId, usize)>,
        key: &mut Vec<u32>,
        words: &mut Vec<u32>,
    ) {
        let w = doc.widget(id).expect("members are in the document");
        let b = &self.boxes[id];
        members.push((id, parent));
        let me = members.len() - 1;
        key.extend([w.kind() as u32, b.layout as u32]);
        for (k, v) in w.props().iter() {
            if TAFFY_KEYS.contains(&k) {
                key.push(k as u32);
                encode(v, key);
            }
        }
        if b.is_flex_container() {
            key.push(u32::MAX - w.children().len() as u32);
            for c in w.children() {
                self.island_key(doc, *c, me, members, key, words);
            }
        } else {
            // A leaf's content reaches taffy only through its natural size.
            let (nw, nh) = content_size(doc, id, &*self.measurer, &self.boxes);
            key.extend([u32::MAX, nw.to_bits(), nh.to_bits()]);
            if wraps(w.kind()) {
                // The narrowest it can get; how it wraps narrower than its
                // one line depends on its words (see `Remembered`).
                let font = w.number(PropKey::FontSize);
                let text = w.text(PropKey::Text);
                key.extend([font.to_bits(), self.measurer.widest_word(text, font).to_bits()]);
                // The words themselves, not a hash: a crafted collision
                // must not hand one text another's layout.
                words.push(text.len() as u32);
                words.extend(text.as_bytes().chunks(4).map(|c| {
                    let mut b = [0u8; 4];
                    b[..c.len()].copy_from_slice(c);
                    u32::from_le_bytes(b)
                }));
            }
        }
    }
}

fn encode(v: &PropValue, key: &mut Vec<u32>) {
    match v {
        PropValue::Number(n) => key.push(n.to_bits()),
        PropValue::Int(i) => key.push(*i as u32),
        PropValue::Bool(b) => key.push(u32::from(*b)),
        PropValue::Layout(l) => key.push(*l as u32),
        PropValue::Align(a) => key.push(*a as u32),
        PropValue::Justify(j) => key.push(*j as u32),
        PropValue::Tracks(tracks) => {
            key.push(tracks.len() as u32);
            for t in tracks {
                match t {
                    Track::Px(v) => key.extend([1, v.to_bits()]),
                    Track::Fr(v) => key.extend([2, v.to_bits()]),
                    Track::Auto => key.push(3),
                }
            }
        }
        PropValue::Color(_) | PropValue::Text(_) | PropValue::Items(_) => {}
    }
}

/// The content of a row, column or grid without children: nothing, but
/// for a grid its fixed tracks and the gaps between its tracks, as CSS
/// sizes an empty grid.
fn empty_container_content(w: &trellis_model::WidgetRef<'_>) -> (f32, f32) {
    if w.layout() != trellis_model::LayoutMode::Grid {
        return (0.0, 0.0);
    }
    let gap = w.number(PropKey::Gap);
    let extent = |key: PropKey| {
        let tracks = w.tracks(key);
        let fixed: f32 = tracks.iter().map(|t| if let Track::Px(v) = t { *v } else { 0.0 }).sum();
        fixed + gap * (tracks.len().max(1) - 1) as f32
    };
    (extent(PropKey::GridColumns), extent(PropKey::GridRows))
}

/// What taffy is told a leaf, or a container it does not lay out, holds:
/// the content's size, from which taffy takes its automatic minimum and
/// to which it applies the widget's own width and height, as CSS does.
/// What Trellis tells taffy about an item of a grid whose content
/// measures nothing along an axis: the least length taffy tells from
/// none, [`SOMETHING`]. CSS sets the growth limit of an `auto` track to
/// the largest max-content contribution of its items, 0 when they are
/// all empty, so that an item spanning it and another track grows the
/// other; taffy 0.15 only sets it when that contribution is above 0 and
/// leaves the track as if it held nothing, free to share the spanning
/// item's size (random designs 3, 78, 189: an empty row in the first
/// column of a grid whose second item spans two). A 1/1024 px box is
/// nothing to the eye and within every tolerance.
fn something(measured: f32) -> f32 {
    if measured > 0.0 { measured } else { SOMETHING }
}

/// See [`something`]; a power of two, so sums of it stay exact.
pub(super) const SOMETHING: f32 = 1.0 / 1024.0;

/// Whether `id` is an item of a grid whose measured content is all it
/// has (no padding or border, which taffy adds to it).
/// The padding and border are read from the document: a box's own copy
/// is brought up to date only when the box is placed, after its island
/// is laid out.
fn in_grid(boxes: &Boxes, w: &WidgetRef<'_>) -> bool {
    grid_item(boxes, w.id()) && !(w.kind().is_container() && inset(w) > 0.0)
}

/// Whether `id` is an item of a grid.
fn grid_item(boxes: &Boxes, id: WidgetId) -> bool {
    boxes
        .get(id)
        .is_some_and(|b| b.flowed && b.parent.and_then(|p| boxes.get(p)).is_some_and(|p| p.layout == LayoutMode::Grid))
}

/// What a grid item's content counts for along an axis where its grid
/// sizes its tracks under a min-content constraint (a grid's min-content
/// width, as a flex item or a fit-content width needs it; its rows when
/// its height is its content's): its minimum where one is set below its
/// content. Chromium sizes such tracks by its items' minimum
/// contributions, which an explicit minimum makes that minimum, where
/// taffy 0.15, following the letter of CSS Grid, takes their
/// min-content contributions (random design 91: a grid in a narrower row
/// shrinks to the row in Chromium, its text input having a minimum
/// width below its content, and did not in taffy; in design 89 a row
/// holding an item with a minimum height below its content shares an
/// item spanning it and the next row in Chromium). `content` is without
/// the padding and border, which taffy adds. Without a minimum, an item
/// spanning several tracks, one of them `fr`, has none in CSS (an
/// automatic minimum of 0), so nothing counts (random design 57: a
/// checkbox spanning an `fr` column held its grid at its text's width,
/// and the grid's parent track with it).
fn min_content_in_grid(doc: &Document, w: &WidgetRef<'_>, content: f32, axis: Axis) -> f32 {
    let edge = if w.kind().is_container() { 2.0 * inset(w) } else { 0.0 };
    let (min, span, template) = match axis {
        Axis::Width => (PropKey::MinWidth, PropKey::ColumnSpan, PropKey::GridColumns),
        Axis::Height => (PropKey::MinHeight, PropKey::RowSpan, PropKey::GridRows),
    };
    if let Some(min) = w.length(min) {
        return content.min((min - edge).max(0.0));
    }
    let spans = w.int(span).max(1) as usize;
    let Some(grid) = w.parent().and_then(|p| doc.widget(p)) else { return content };
    let tracks = grid.tracks(template);
    if spans < 2 || !tracks.iter().any(|t| matches!(t, Track::Fr(_))) {
        return content;
    }
    let Some(at) = grid.children().iter().position(|c| *c == w.id()) else { return content };
    let Some((row, column)) = small_grid_cells(doc, &grid).map(|cells| cells[at]) else { return content };
    let start = if matches!(axis, Axis::Width) { column } else { row };
    if (start..start + spans).any(|t| matches!(tracks.get(t), Some(Track::Fr(_)))) { 0.0 } else { content }
}

/// The width of the grid columns the item `id` spans when each of them is
/// fixed (px): the width the grid lays it out at, known before the grid
/// is laid out.
fn fixed_columns_width(doc: &Document, boxes: &Boxes, id: WidgetId) -> Option<f32> {
    let w = doc.widget(id)?;
    let grid = doc.widget(w.parent()?)?;
    if boxes.get(grid.id())?.layout != LayoutMode::Grid {
        return None;
    }
    let at = grid.children().iter().position(|c| *c == id)?;
    let (_, column) = small_grid_cells(doc, &grid)?[at];
    let span = w.int(PropKey::ColumnSpan).max(1) as usize;
    let tracks = grid.tracks(PropKey::GridColumns);
    let mut width = grid.number(PropKey::Gap) * (span - 1) as f32;
    for t in column..column + span {
        match tracks.get(t) {
            Some(Track::Px(px)) => width += px,
            _ => return None,
        }
    }
    Some(width)
}

fn measured_content(doc: &Document, w: &WidgetRef<'_>, measurer: &dyn TextMeasurer, boxes: &Boxes) -> (f32, f32) {
    let content = content_size(doc, w.id(), measurer, boxes);
    // A container's padding and border are in its taffy style; taffy adds
    // them to what is measured here.
    let edge = if w.kind().is_container() { 2.0 * inset(w) } else { 0.0 };
    (
        (clamp_line_content(doc, boxes, w, content.0, Axis::Width) - edge).max(0.0),
        (clamp_line_content(doc, boxes, w, content.1, Axis::Height) - edge).max(0.0),
    )
}

/// Whether `w` is an item of a row (along `Width`) or a column (along
/// `Height`) that does not wrap and whose length along that axis is set.
/// (A wrapping one is left out: taffy 0.15 breaks its lines by the items'
/// flex bases where CSS takes their sizes clamped by their maximums, so an
/// unclamped basis there broke lines Chromium does not: random design 189.)
fn on_line_of_set_length(doc: &Document, boxes: &Boxes, w: &WidgetRef<'_>, axis: Axis) -> bool {
    let (length, line) = match axis {
        Axis::Width => (PropKey::Width, LayoutMode::Row),
        Axis::Height => (PropKey::Height, LayoutMode::Column),
    };
    w.parent().is_some_and(|p| {
        boxes.get(p).is_some_and(|b| b.is_flex_container() && b.layout == line && !b.wrap)
            && doc.widget(p).is_some_and(|p| p.length(length).is_some())
    })
}

/// [`clamp_content`], except along a row or column of definite length
/// (its width or height set): there an item keeps content past its
/// maximum as its flex basis, as in CSS, where a shrinking line shares
/// its shortfall by unclamped flex bases (random design 246: a scroll
/// area over its maximum, shrinking by half on a line whose shrink
/// factors sum to a half, which takes half of the line's initial
/// shortfall). Such a line is never sized by its items' flex bases,
/// which is what the clamp is for; the item is still held at its maximum
/// by taffy, as CSS holds it.
fn clamp_line_content(doc: &Document, boxes: &Boxes, w: &WidgetRef<'_>, content: f32, axis: Axis) -> f32 {
    if on_line_of_set_length(doc, boxes, w, axis) {
        let min = match axis {
            Axis::Width => PropKey::MinWidth,
            Axis::Height => PropKey::MinHeight,
        };
        let floor = if w.number(PropKey::Grow) == 0.0 { w.length(min).unwrap_or(0.0) } else { 0.0 };
        content.max(floor)
    } else {
        clamp_content(w, content, axis)
    }
}

/// One axis of a widget's box.
#[derive(Clone, Copy)]
enum Axis {
    Width,
    Height,
}

/// What a measured widget's content counts for along one axis: the
/// content clamped by the widget's maximum and, for a widget that cannot
/// grow, by its minimum (which wins, as in CSS). CSS clamps an item's
/// flex base size wherever it is used; taffy 0.15 does not everywhere, so
/// the content is clamped before taffy sees it:
/// - by the maximum: taffy sizes a row or column to fit its items'
///   unclamped flex bases (random designs 76, 119, 196, 285);
/// - by the minimum: an item that cannot grow, on a line that grows,
///   counts in the line's initial free space at its unclamped flex base
///   where CSS takes its clamped size, so a line whose grow factors sum
///   below one hands out too much (random design 93). An item that can
///   grow keeps its content: CSS shares free space from unclamped flex
///   bases (random design 293).
///
/// What CSS computes for the item stays the same: on a line that grows or
/// shrinks past a limit, the item is frozen at that limit either way. A
/// shrinking line shares its shortfall by flex bases, which differs only
/// when an item measured above its maximum may shrink below it (an
/// explicit smaller minimum); the browser tests found no such design.
fn clamp_content(w: &WidgetRef<'_>, content: f32, axis: Axis) -> f32 {
    let (min, max) = match axis {
        Axis::Width => (PropKey::MinWidth, PropKey::MaxWidth),
        Axis::Height => (PropKey::MinHeight, PropKey::MaxHeight),
    };
    let floor = if w.number(PropKey::Grow) == 0.0 { w.length(min).unwrap_or(0.0) } else { 0.0 };
    content.min(w.length(max).unwrap_or(f32::INFINITY)).max(floor)
}

/// An intrinsic size taffy 0.15 gets otherwise than CSS, measured with
/// taffy first and handed to it in the item's style.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Intrinsic {
    /// A grid or wrapping row that fits a column's width
    /// ([`Geometry::fits_its_width`]): its min-content and max-content
    /// widths, between which it is stretched to the column.
    FitWidth(f32, f32),
    /// A wrapping column without a height (not a scroll area) in a column,
    /// in a grid without fixed rows, or in a row whose height is its
    /// content's: its height on one line. A browser's min-content height of such a column
    /// is that height (its height does not limit it, so it does not wrap),
    /// where taffy wraps it at every item, so it shrank in a column and
    /// sized a grid row too short (random designs 144, 216, 57). Its maximum,
    /// which CSS applies to the automatic minimum, still holds. Also a row
    /// or column holding a scroll area, in a grid without fixed rows (its
    /// row sized by its content): in CSS a box's min-content height is its height laid out,
    /// where taffy measures it under a min-content height and takes the
    /// scroll area at its minimum (random design 295: a column 228.5 px
    /// high started its `auto` row at 160.5 px, so the row shrank to the
    /// 225 px the grid had left where Chromium keeps it at 228.5).
    MinHeight(f32),
    /// A grid in a row, or in a grid's `auto` or `fr` column, where its
    /// min-content width is its automatic minimum: that width as Chromium
    /// computes it ([`Geometry::grid_min_content_width`]), as its minimum
    /// (random design 57: a grid whose `fr` column a panel spans, in the
    /// one `auto` column of a grid 203 px wide, sized that column by the
    /// panel's whole text, 285.5 px, where Chromium starts it at the other
    /// columns' 122 px and grows it to the 203 px there are). Also a
    /// wrapping column (not a scroll area) in a row: Chromium's
    /// min-content width of a column that wraps is its widest item's
    /// min-content contribution (plus its padding and border), as if it
    /// were on one line, where taffy 0.15 lays it out at its height and
    /// adds up its lines, so the row could not shrink it (random designs
    /// 103 and 295: a column 9.5 px high holding items 172 and 64 px wide
    /// is 172 px at `width: min-content` in Chromium, and shrinks to 234
    /// px in a row 2 px short). Its own maximum still caps it. Also a row
    /// in a row holding such an item: its min-content width measured with
    /// that item held at its minimum
    /// ([`Geometry::min_content_width_holding_items`]), where taffy measures
    /// the item anew (random design 12, shrunk: a grid whose item spans
    /// its `fr` column counted 312.5 px, not its 40 px of padding, and the
    /// row overflowed the row around it by 15 px).
    MinWidth(f32),
    /// A grid in a row with a minimum width of its own: its min-content
    /// width as Chromium computes it, nothing in its own style (its
    /// minimum is its own), but what a row holding it counts it at in its
    /// min-content width ([`Geometry::min_content_width_holding_items`];
    /// random design 12, shrunk again: such a grid with `min-width:
    /// 31.5px` still made the row holding it 15 px too wide).
    MinContentWidth(f32),
    /// A grid or row centred or at the end of a column whose width is
    /// known ([`Geometry::fits_its_width`]): its fit-content width.
    Width(f32),
    /// The same in a column whose width is found as it is laid out (sized
    /// by its content, or by a row): the column's width, clamped between
    /// its min-content and max-content widths, which is the CSS
    /// fit-content width. taffy 0.15 gives such an item its max-content
    /// width (random design 239: a row centred in a column as wide as the
    /// row's min-content width, 4 px narrower than its max-content width,
    /// overflowed the column by 4 px).
    Centred(f32, f32),
    /// A row, column or grid with a maximum width below its content, on a
    /// row of set width: its max-content width past that maximum, as its
    /// flex basis. CSS takes an item's flex base size from its content and
    /// clamps only its hypothetical size; taffy 0.15 measures a container
    /// item clamped by its own maximum, so a shrinking row shared its
    /// shortfall from the wrong basis (random design 246: a scroll area
    /// laid out as a column, on a row whose shrink factors sum to a half).
    /// [`clamp_line_content`] does the same for measured items.
    Basis(f32),
    /// A row, column or grid centred or at the end of its line in a
    /// wrapping column ([`Geometry::fit_lines`]): its fit-content width
    /// against the line, and its height at the width taffy first gave it,
    /// as its flex basis. Chromium settles an item's height along a
    /// column from its content at its width against the column, and only
    /// then sizes it against its line (random design 82: a wrapping row
    /// widened to its line keeps the height of its three lines, 75.5 px,
    /// though two now take 67.5).
    LineWidth(f32, f32),
}

/// The min-content width an item found first is counted at where its
/// parent's min-content width is measured ([`Intrinsic::MinWidth`],
/// [`Intrinsic::MinContentWidth`]).
fn held_min_content(intrinsic: Option<Intrinsic>) -> Option<f32> {
    match intrinsic {
        Some(Intrinsic::MinWidth(width) | Intrinsic::MinContentWidth(width)) => Some(width),
        _ => None,
    }
}

/// Where an item fitting a column's width sits ([`Geometry::fits_its_width`]).
#[derive(Clone, Copy)]
enum Room {
    /// At the start, stretched to the column. In a wrapping column, to
    /// its line: Chromium gives an item there its fit-content width
    /// against its line's width, which an item wider than the column
    /// makes wider than the column (random design 82: a wrapping row
    /// beside a panel 261.5 px wide in a column 251.5 px wide is 261.5 px
    /// wide), and taffy stretches an item to its line.
    Start,
    /// At the centre or end of a column whose width leaves it this room.
    Known(f32),
    /// At the centre or end of a column whose width is found as it is
    /// laid out.
    Column,
}

/// Which intrinsic size an item needs found first (see [`Intrinsic`]).
#[derive(Clone, Copy)]
enum Needs {
    FitWidth(Room),
    MinHeight,
    MinWidth,
    /// A wrapping column in a row: its automatic minimum width (unless it
    /// needs its one-line height first: an item holds one intrinsic).
    LineMinWidth,
    MinContentWidth,
    /// A row in a row holding an item with [`Intrinsic::MinWidth`]: its
    /// automatic minimum width, that item held at its minimum.
    HeldMinWidth,
    Basis,
}

impl Intrinsic {
    fn apply(self, style: &mut Style) {
        use taffy::prelude::LengthPercentageAuto;
        match self {
            Intrinsic::FitWidth(min, max) => {
                style.align_self = Some(taffy::prelude::AlignItems::STRETCH);
                style.min_size.width = LengthPercentageAuto::length(min);
                style.max_size.width = LengthPercentageAuto::length(max);
            }
            Intrinsic::MinHeight(height) => style.min_size.height = LengthPercentageAuto::length(height),
            Intrinsic::MinWidth(width) => style.min_size.width = LengthPercentageAuto::length(width),
            Intrinsic::MinContentWidth(_) => {}
            Intrinsic::Width(width) => {
                style.min_size.width = LengthPercentageAuto::length(width);
                style.max_size.width = LengthPercentageAuto::length(width);
            }
            Intrinsic::Centred(min, max) => {
                style.size.width = Dimension::percent(1.0);
                style.min_size.width = LengthPercentageAuto::length(min);
                style.max_size.width = LengthPercentageAuto::length(max);
            }
            Intrinsic::Basis(width) => style.flex_basis = Dimension::length(width),
            Intrinsic::LineWidth(width, height) => {
                style.min_size.width = LengthPercentageAuto::length(width);
                style.max_size.width = LengthPercentageAuto::length(width);
                style.flex_basis = Dimension::length(height);
            }
        }
    }
}

/// A padded container spanning several tracks of a grid, one of them
/// `fr`, and setting no minimum, has its padding and border as its
/// minimum along that axis. CSS gives such an item no content-based
/// minimum (an automatic minimum of 0), and a box is never smaller than
/// its padding and border, so Chromium counts them as its minimum
/// contribution; taffy 0.15 takes 0 (random design 3: the `fr` column
/// under such an item came out 16 px narrow). Explicit, it is the same
/// minimum, which taffy then counts.
fn floor_spanning_flexible_tracks(doc: &Document, w: &WidgetRef<'_>, style: &mut Style) {
    let edges = 2.0 * inset(w);
    if !w.kind().is_container() || edges <= 0.0 || !w.flag(PropKey::Visible) {
        return;
    }
    let Some(grid) = w.parent().and_then(|p| doc.widget(p)) else { return };
    let spans_fr = |span: PropKey, template: PropKey| {
        w.int(span) > 1 && grid.tracks(template).iter().any(|t| matches!(t, Track::Fr(_)))
    };
    let (columns, rows) = (
        spans_fr(PropKey::ColumnSpan, PropKey::GridColumns) && w.length(PropKey::MinWidth).is_none(),
        spans_fr(PropKey::RowSpan, PropKey::GridRows) && w.length(PropKey::MinHeight).is_none(),
    );
    if !columns && !rows {
        return;
    }
    let Some(at) = grid.children().iter().position(|c| *c == w.id()) else { return };
    let Some((row, column)) = small_grid_cells(doc, &grid).map(|cells| cells[at]) else { return };
    let crosses_fr = |start: usize, span: PropKey, template: PropKey| {
        let span = w.int(span).max(1) as usize;
        (start..start + span).any(|t| matches!(grid.tracks(template).get(t), Some(Track::Fr(_))))
    };
    let floor = taffy::prelude::LengthPercentageAuto::length(edges);
    if columns && crosses_fr(column, PropKey::ColumnSpan, PropKey::GridColumns) {
        style.min_size.width = floor;
    }
    if rows && crosses_fr(row, PropKey::RowSpan, PropKey::GridRows) {
        style.min_size.height = floor;
    }
}

/// A row, column or grid laid out by taffy, as an item of a grid, counts
/// along an axis where it sets a minimum and no size at that minimum
/// when its grid sizes tracks under a min- or max-content constraint:
/// Chromium sizes such tracks by its items' minimum contributions, where
/// taffy 0.15 takes their min-content contributions (see
/// [`min_content_in_grid`], which does this for leaves as taffy measures
/// them; taffy measures a container itself). taffy follows the browsers
/// for a scroll container, so such an item is one to taffy along that
/// axis: with its minimum set, that changes nothing else of how a grid
/// sizes tracks by it (no track of Trellis's is `fit-content`), nor of
/// how it lays out its own items (random design 89: a column with a
/// minimum height below its content, in a grid whose second row an item
/// spanning both rows then grows, where taffy grew the first).
fn count_at_minimum_contribution(w: &WidgetRef<'_>, style: &mut Style) {
    if w.kind() == WidgetKind::ScrollArea {
        return;
    }
    let at_minimum = |size: PropKey, min: PropKey| w.length(size).is_none() && w.length(min).is_some();
    if at_minimum(PropKey::Width, PropKey::MinWidth) {
        style.overflow.x = taffy::Overflow::Hidden;
    }
    if at_minimum(PropKey::Height, PropKey::MinHeight) {
        style.overflow.y = taffy::Overflow::Hidden;
    }
}

/// How deep [`shows_nothing`] looks: a container nested deeper is taken
/// to show something (and keeps taffy's reading), so that a hostile
/// nesting of empty grids costs a bounded walk per item.
const MOST_EMPTY_LEVELS: usize = 8;

/// Whether the row, column or grid `w` (or a container laid out as one)
/// measures nothing along either axis: no padding, border, gap between
/// shown children, nor a size or minimum above 0, and every child it shows
/// is such a container (an empty grid without tracks of fixed size
/// included). As a
/// grid item, it gets [`SOMETHING`] as its minimum along each axis
/// setting none, as a leaf measuring nothing gets it as its content
/// (see [`something`]): with a max-content contribution of 0 taffy 0.15
/// leaves its track free to share an item spanning it and the next,
/// where CSS keeps it at 0 (random design 226: an `auto` row holding only
/// a panel holding an empty row came out 14 px high beside a 28 px panel
/// spanning it and the next row; Chromium gives the next row all 28).
/// Its content-based minimum is 0, so the minimum changes nothing else.
fn shows_nothing(doc: &Document, w: &WidgetRef<'_>, depth: usize) -> bool {
    // Only rows, columns and grids: what a container placing its children
    // freely (or tabs) holds is outside the island, so neither the memo's
    // key nor a rebuild of the island's nodes follows it.
    let flex = matches!(w.layout(), LayoutMode::Row | LayoutMode::Column | LayoutMode::Grid);
    if depth > MOST_EMPTY_LEVELS || !w.kind().is_container() || w.kind() == WidgetKind::Tabs || !flex || inset(w) > 0.0
    {
        return false;
    }
    let sizes = [PropKey::Width, PropKey::Height, PropKey::MinWidth, PropKey::MinHeight];
    if sizes.iter().any(|k| w.length(*k).is_some_and(|v| v > 0.0)) {
        return false;
    }
    let shown: Vec<WidgetRef<'_>> =
        w.children().iter().filter_map(|c| doc.widget(*c)).filter(|c| c.flag(PropKey::Visible)).collect();
    // A grid's tracks of fixed size, and the gaps between its tracks.
    if empty_container_content(w) != (0.0, 0.0) {
        return false;
    }
    if shown.is_empty() {
        return true;
    }
    if shown.len() > 1 && w.number(PropKey::Gap) > 0.0 {
        return false;
    }
    shown.iter().all(|c| shows_nothing(doc, c, depth + 1))
}

/// Whether the grid item `w` sits in one column of its grid, and that
/// column is `auto` or `fr`, whose minimum is the item's automatic
/// minimum: its min-content width (a fixed column holds it at the
/// column's width). An item spanning several columns is left out (one
/// spanning an `fr` column and another has no content-based minimum; one
/// spanning `auto` columns only would, but no design has asked for it).
/// Only for grids small enough to be placed here (see
/// `MOST_ITEMS_PLACED`), which are placed before the item is looked for
/// among their children: a large grid costs nothing per item.
fn in_a_column_sized_by_content(doc: &Document, w: &WidgetRef<'_>) -> bool {
    if w.int(PropKey::ColumnSpan) > 1 {
        return false;
    }
    let Some(grid) = w.parent().and_then(|p| doc.widget(p)) else { return false };
    let Some(cells) = small_grid_cells(doc, &grid) else { return false };
    let Some(at) = grid.children().iter().position(|c| *c == w.id()) else { return false };
    !matches!(grid.tracks(PropKey::GridColumns).get(cells[at].1), Some(Track::Px(_)))
}

/// Whether a grid has an item whose minimum contribution may be below its
/// min-content contribution (see [`Geometry::grid_min_content_width`]):
/// one with a minimum width, or spanning several columns, one of them `fr`.
fn grid_items_below_their_content(doc: &Document, grid: &WidgetRef<'_>) -> bool {
    let fr = grid.tracks(PropKey::GridColumns).iter().any(|t| matches!(t, Track::Fr(_)));
    grid.children().iter().filter_map(|c| doc.widget(*c)).any(|c| {
        c.flag(PropKey::Visible)
            && c.length(PropKey::Width).is_none()
            && (c.length(PropKey::MinWidth).is_some() || (fr && c.int(PropKey::ColumnSpan) > 1))
    })
}
