//! What each step of the editor hands back: what to redraw, the overlays,
//! the cursor, the status line.

use serde::Serialize;
use trellis_geometry::{Guide, Point, SpacingGuide};
use trellis_model::{Rect, WidgetId, WidgetKind};

/// A resize handle of the selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Handle {
    /// The top-left corner.
    TopLeft,
    /// The middle of the top edge.
    Top,
    /// The top-right corner.
    TopRight,
    /// The middle of the right edge.
    Right,
    /// The bottom-right corner.
    BottomRight,
    /// The middle of the bottom edge.
    Bottom,
    /// The bottom-left corner.
    BottomLeft,
    /// The middle of the left edge.
    Left,
}

impl Handle {
    /// Every handle, clockwise from the top-left corner.
    pub const ALL: [Handle; 8] = [
        Handle::TopLeft,
        Handle::Top,
        Handle::TopRight,
        Handle::Right,
        Handle::BottomRight,
        Handle::Bottom,
        Handle::BottomLeft,
        Handle::Left,
    ];

    /// Which edges the handle moves: (left, top, right, bottom).
    pub fn edges(self) -> (bool, bool, bool, bool) {
        match self {
            Handle::TopLeft => (true, true, false, false),
            Handle::Top => (false, true, false, false),
            Handle::TopRight => (false, true, true, false),
            Handle::Right => (false, false, true, false),
            Handle::BottomRight => (false, false, true, true),
            Handle::Bottom => (false, false, false, true),
            Handle::BottomLeft => (true, false, false, true),
            Handle::Left => (true, false, false, false),
        }
    }

    /// The handle's centre on `r`.
    pub fn anchor(self, r: &Rect) -> Point {
        let (l, t, rt, b) = self.edges();
        let x = if l {
            r.x
        } else if rt {
            r.right()
        } else {
            r.x + r.w / 2.0
        };
        let y = if t {
            r.y
        } else if b {
            r.bottom()
        } else {
            r.y + r.h / 2.0
        };
        Point::new(x, y)
    }
}

/// The pointer's shape, when a step changes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cursor {
    /// The arrow.
    Default,
    /// Over a widget that a drag would move.
    Move,
    /// Space is held: a drag would pan.
    Grab,
    /// Panning, or moving widgets.
    Grabbing,
    /// Over (or dragging) a resize handle.
    Resize(Handle),
    /// Drawing a marquee.
    Crosshair,
    /// Alt-dragging: a drop duplicates.
    Copy,
    /// A palette drag over a place that takes no drop.
    NotAllowed,
}

/// A dragged widget's outline and what it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ghost {
    /// Where the dragged widget would land, in design coordinates.
    pub rect: Rect,
    /// What it is (the renderer draws it as one).
    pub kind: WidgetKind,
    /// 0 on pickup, rising to 1: the renderer lifts and scales by it.
    pub lift: f32,
}

/// Everything drawn over the design, in design coordinates.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Overlays {
    /// The visible boxes of the selected widgets.
    pub selection: Vec<Rect>,
    /// The eight resize handles when one resizable widget is selected.
    pub handles: Vec<(Handle, Point)>,
    /// The unselected widget under an idle pointer.
    pub hover: Option<Rect>,
    /// The marquee being drawn.
    pub marquee: Option<Rect>,
    /// The alignment lines a move snapped to.
    pub guides: Vec<Guide>,
    /// The equal gaps a move snapped to.
    pub spacing: Vec<SpacingGuide>,
    /// Where in a row, column or grid a drop would insert.
    pub insertion: Option<Guide>,
    /// The container a drop would go into (never the window itself).
    pub drop_target: Option<Rect>,
    /// What is being dragged, where it would land.
    pub ghost: Option<Ghost>,
    /// Recent pointer positions with their age in milliseconds, newest last.
    pub trail: Vec<(Point, f32)>,
}

/// What must be drawn again.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Damage {
    /// Nothing to redraw.
    #[default]
    None,
    /// These design-space regions (old and new places of what changed).
    Regions(Vec<Rect>),
    /// The whole canvas for a new view (zoom, pan, a new canvas size): the
    /// design did not change, so what draws it is kept and drawn again, not
    /// rebuilt. Regions of a change in the same step are folded in.
    View,
    /// The whole canvas after a full layout: everything is rebuilt.
    All,
}

impl Damage {
    /// Adds a region to redraw (nothing, if all is damaged already).
    pub fn add(&mut self, r: Rect) {
        match self {
            Damage::None => *self = Damage::Regions(vec![r]),
            Damage::Regions(v) => v.push(r),
            Damage::View | Damage::All => {}
        }
    }

    /// Adds regions to redraw (nothing, if all is damaged already),
    /// taking the vector as it is where there were none: a nudge of
    /// everything at 100,000 widgets damages 200,000 rectangles.
    pub fn extend(&mut self, regions: Vec<Rect>) {
        match self {
            Damage::None if !regions.is_empty() => *self = Damage::Regions(regions),
            Damage::None | Damage::View | Damage::All => {}
            Damage::Regions(v) => v.extend(regions),
        }
    }

    /// Marks the whole canvas for redrawing in a new view (unless all of
    /// it is to be rebuilt already).
    pub fn view(&mut self) {
        if *self != Damage::All {
            *self = Damage::View;
        }
    }

    /// Marks the whole canvas for redrawing.
    pub fn all(&mut self) {
        *self = Damage::All;
    }

    /// The bounding box of the damaged regions (`None` for none or all).
    pub fn bounds(&self) -> Option<Rect> {
        match self {
            Damage::Regions(v) => v.iter().copied().reduce(|a, b| a.union(&b)),
            _ => None,
        }
    }
}

/// The result of one input.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Step {
    /// What must be drawn again.
    pub damage: Damage,
    /// What to draw over the design now.
    pub overlays: Overlays,
    /// The pointer's new shape, if it changes.
    pub cursor: Option<Cursor>,
    /// The status line: a message this input caused (a refusal, a cancel),
    /// or else what is under way or selected. Show the latest step's.
    pub status: String,
    /// The undo label of a command this input committed.
    pub committed: Option<String>,
    /// The input was refused, changing nothing: `status` says why. Set by
    /// the panels' inputs (select, set a property, rename, move in the
    /// layers tree, insert, settings) and by an action that could not do
    /// what it names (nothing to undo, nothing to paste or group), which a
    /// scenario's lines send as they are, so that `trellis run` can name
    /// the line.
    pub refused: bool,
    /// Text the app should put on the system clipboard (copy, cut).
    pub clipboard: Option<String>,
    /// Widgets whose look changed (restyled, with their subtrees): what
    /// a renderer makes again.
    #[serde(skip)]
    pub repaint: Vec<WidgetId>,
    /// Widgets whose box moved or resized: what a renderer moves (or
    /// makes again, where the size changed). A widget may be in both.
    #[serde(skip)]
    pub moved: Vec<WidgetId>,
    /// Widgets inserted, removed or moved in the tree (with their
    /// subtrees): the paint order changed around them.
    #[serde(skip)]
    pub restructured: Vec<WidgetId>,
}

/// Past this many elements, a list of a step handed back with
/// [`crate::Editor::recycle`] is let go rather than kept for the next
/// step: a nudge of everything fills lists of 100,000 widgets once.
const MAX_KEPT: usize = 4096;

/// Empties `v`, keeping its room unless that is past [`MAX_KEPT`].
fn emptied<T>(v: &mut Vec<T>) {
    if v.capacity() > MAX_KEPT {
        *v = Vec::new();
    } else {
        v.clear();
    }
}

impl Overlays {
    /// Empties it, keeping the room of its lists.
    pub(crate) fn empty(&mut self) {
        emptied(&mut self.selection);
        emptied(&mut self.handles);
        emptied(&mut self.guides);
        emptied(&mut self.spacing);
        emptied(&mut self.trail);
        (self.hover, self.marquee, self.insertion, self.drop_target, self.ghost) = (None, None, None, None, None);
    }
}

impl Step {
    /// Empties it for the next input, keeping the room of its lists and
    /// its status text (its damage's regions go back to the layout).
    pub(crate) fn empty(&mut self) {
        self.damage = Damage::None;
        self.overlays.empty();
        self.cursor = None;
        self.status.clear();
        (self.committed, self.refused, self.clipboard) = (None, false, None);
        emptied(&mut self.repaint);
        emptied(&mut self.moved);
        emptied(&mut self.restructured);
    }

    /// Refuses the input: it changes nothing, for the reason given.
    pub(crate) fn refuse(&mut self, why: impl Into<String>) {
        self.status = why.into();
        self.refused = true;
    }
}
