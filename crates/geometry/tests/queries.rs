//! Hit testing, drop targets, marquee and snapping on small designs whose
//! answers are known.

use std::sync::Arc;

use trellis_geometry::{Axis, FixedAdvanceMeasurer, Geometry, Marquee, Point, QueryCache, SnapKind, SnapQuery};
use trellis_model::{Command, Document, PropKey, PropValue, Rect, WidgetId, WidgetKind, WidgetTree};

fn n(v: f32) -> PropValue {
    PropValue::Number(v)
}

fn insert(doc: &mut Document, parent: WidgetId, tree: WidgetTree) -> WidgetId {
    doc.execute(Command::Insert { parent, index: None, tree }).unwrap().created[0]
}

fn sized(kind: WidgetKind, x: f32, y: f32, w: f32, h: f32) -> WidgetTree {
    WidgetTree::bare(kind).at(x, y).with(PropKey::Width, n(w)).with(PropKey::Height, n(h))
}

fn geometry(doc: &Document) -> Geometry {
    Geometry::new(doc, Arc::new(FixedAdvanceMeasurer::default()))
}

fn set(doc: &mut Document, id: WidgetId, key: PropKey, value: PropValue) {
    doc.execute(Command::SetProperty { ids: vec![id], key, value: Some(value) }).unwrap();
}

#[test]
fn hit_test_finds_the_topmost_widget_by_z_order_and_depth() {
    let mut doc = Document::new();
    let root = doc.root();
    let panel = insert(&mut doc, root, sized(WidgetKind::Panel, 0.0, 0.0, 400.0, 400.0));
    let under = insert(&mut doc, panel, sized(WidgetKind::Button, 10.0, 10.0, 100.0, 100.0));
    let over = insert(&mut doc, panel, sized(WidgetKind::Button, 50.0, 50.0, 100.0, 100.0));
    let g = geometry(&doc);
    assert_eq!(g.hit_test(Point::new(20.0, 20.0)), Some(under));
    assert_eq!(g.hit_test(Point::new(60.0, 60.0)), Some(over), "the later sibling is on top");
    assert_eq!(g.hit_test(Point::new(300.0, 300.0)), Some(panel));
    assert_eq!(g.hit_test(Point::new(900.0, 700.0)), Some(root), "the window where nothing else is");
    assert_eq!(g.hit_test(Point::new(-5.0, 5.0)), None, "outside the design");
    // Bring the lower one forward: z-order follows.
    doc.execute(Command::Reorder { ids: vec![under], to: trellis_model::ZOrder::ToFront }).unwrap();
    let mut g = g;
    g.update(&doc);
    assert_eq!(g.hit_test(Point::new(60.0, 60.0)), Some(under));
}

#[test]
fn hit_test_skips_hidden_and_locked_widgets_and_respects_clipping() {
    let mut doc = Document::new();
    let root = doc.root();
    let a = insert(&mut doc, root, sized(WidgetKind::Button, 0.0, 0.0, 100.0, 100.0));
    let b = insert(&mut doc, root, sized(WidgetKind::Button, 0.0, 0.0, 100.0, 100.0));
    let scroll = insert(&mut doc, root, sized(WidgetKind::ScrollArea, 200.0, 0.0, 100.0, 100.0));
    let clipped = insert(&mut doc, scroll, sized(WidgetKind::Button, 50.0, 50.0, 200.0, 200.0));
    let mut g = geometry(&doc);
    assert_eq!(g.hit_test(Point::new(10.0, 10.0)), Some(b));
    set(&mut doc, b, PropKey::Visible, PropValue::Bool(false));
    g.update(&doc);
    assert_eq!(g.hit_test(Point::new(10.0, 10.0)), Some(a));
    set(&mut doc, a, PropKey::Locked, PropValue::Bool(true));
    g.update(&doc);
    assert_eq!(g.hit_test(Point::new(10.0, 10.0)), Some(root));
    assert_eq!(g.hit_test(Point::new(260.0, 60.0)), Some(clipped));
    assert_eq!(g.hit_test(Point::new(320.0, 120.0)), Some(root), "the part scrolled out of view is not hit");
}

#[test]
fn drop_target_is_the_deepest_container_never_the_dragged_subtree() {
    let mut doc = Document::new();
    let root = doc.root();
    let outer = insert(&mut doc, root, sized(WidgetKind::Panel, 0.0, 0.0, 500.0, 500.0));
    let inner = insert(&mut doc, outer, sized(WidgetKind::Panel, 50.0, 50.0, 200.0, 200.0));
    let button = insert(&mut doc, inner, sized(WidgetKind::Button, 10.0, 10.0, 50.0, 30.0));
    let g = geometry(&doc);
    let p = Point::new(65.0, 65.0);
    // Over a button: the button cannot take children, so its panel does.
    let t = g.drop_target(&doc, p, &[]).unwrap();
    assert_eq!((t.container, t.index, t.marker), (inner, None, None));
    assert_eq!(t.highlight, Rect::new(50.0, 50.0, 200.0, 200.0));
    // Dragging the inner panel itself: never into itself or its descendants.
    assert_eq!(g.drop_target(&doc, p, &[inner]).unwrap().container, outer);
    assert_eq!(g.drop_target(&doc, p, &[button]).unwrap().container, inner);
    assert_eq!(g.drop_target(&doc, Point::new(1000.0, 700.0), &[]).unwrap().container, root);
    assert!(g.drop_target(&doc, Point::new(-1.0, -1.0), &[]).is_none());
}

#[test]
fn dropping_into_a_row_gives_the_index_and_a_marker_between_children() {
    let mut doc = Document::new();
    let root = doc.root();
    let row = insert(&mut doc, root, sized(WidgetKind::Row, 0.0, 0.0, 400.0, 40.0).with(PropKey::Gap, n(10.0)));
    let kids: Vec<_> = (0..3)
        .map(|_| {
            insert(
                &mut doc,
                row,
                WidgetTree::bare(WidgetKind::Button).with(PropKey::Width, n(50.0)).with(PropKey::Height, n(40.0)),
            )
        })
        .collect();
    let g = geometry(&doc);
    // Children at x 0-50, 60-110, 120-170.
    let at = |x: f32, dragged: &[WidgetId]| g.drop_target(&doc, Point::new(x, 20.0), dragged).unwrap();
    assert_eq!(at(10.0, &[]).index, Some(0));
    assert_eq!(at(10.0, &[]).marker.unwrap().at, -5.0);
    let t = at(70.0, &[]);
    assert_eq!(t.index, Some(1));
    let m = t.marker.unwrap();
    assert_eq!((m.axis, m.at, m.from, m.to), (Axis::X, 55.0, 0.0, 40.0));
    assert_eq!(at(300.0, &[]).index, Some(3));
    assert_eq!(at(300.0, &[]).marker.unwrap().at, 175.0);
    // Reordering: the index counts the children that stay.
    let t = at(300.0, &[kids[0]]);
    assert_eq!(t.index, Some(2));
    doc.execute(Command::Move { ids: vec![kids[0]], parent: row, index: t.index }).unwrap();
    assert_eq!(doc.children(row), &[kids[1], kids[2], kids[0]]);
}

#[test]
fn dropping_into_a_column_and_a_grid_marks_the_place() {
    let mut doc = Document::new();
    let root = doc.root();
    let column = insert(&mut doc, root, sized(WidgetKind::Column, 0.0, 0.0, 100.0, 300.0));
    insert(&mut doc, column, WidgetTree::bare(WidgetKind::Label).with(PropKey::Height, n(20.0)));
    insert(&mut doc, column, WidgetTree::bare(WidgetKind::Label).with(PropKey::Height, n(20.0)));
    let grid = insert(
        &mut doc,
        root,
        sized(WidgetKind::Grid, 200.0, 0.0, 200.0, 200.0)
            .with(PropKey::GridColumns, PropValue::Tracks(vec![trellis_model::Track::Fr(1.0); 2])),
    );
    for _ in 0..4 {
        insert(&mut doc, grid, WidgetTree::bare(WidgetKind::Label).with(PropKey::Height, n(30.0)));
    }
    let empty = insert(&mut doc, root, sized(WidgetKind::Row, 500.0, 0.0, 100.0, 100.0).with(PropKey::Padding, n(8.0)));
    let g = geometry(&doc);
    let t = g.drop_target(&doc, Point::new(50.0, 25.0), &[]).unwrap();
    assert_eq!(t.index, Some(1));
    assert_eq!(t.marker.unwrap().axis, Axis::Y);
    // Grid cells are 100 wide: the right half of the second cell inserts after it.
    let t = g.drop_target(&doc, Point::new(390.0, 10.0), &[]).unwrap();
    assert_eq!((t.container, t.index), (grid, Some(2)));
    assert_eq!(t.marker.unwrap().at, 400.0);
    let t = g.drop_target(&doc, Point::new(550.0, 50.0), &[]).unwrap();
    assert_eq!((t.container, t.index), (empty, Some(0)));
    assert_eq!(t.marker.unwrap().at, 508.0, "at the start of the content box");
}

#[test]
fn marquee_selects_inside_or_touching_never_hidden_locked_or_the_window() {
    let mut doc = Document::new();
    let root = doc.root();
    let a = insert(&mut doc, root, sized(WidgetKind::Button, 10.0, 10.0, 50.0, 50.0));
    let b = insert(&mut doc, root, sized(WidgetKind::Button, 100.0, 10.0, 50.0, 50.0));
    let c = insert(&mut doc, root, sized(WidgetKind::Button, 10.0, 100.0, 50.0, 50.0));
    set(&mut doc, c, PropKey::Locked, PropValue::Bool(true));
    let g = geometry(&doc);
    assert_eq!(g.marquee(Rect::new(0.0, 0.0, 120.0, 200.0), Marquee::Inside), vec![a]);
    assert_eq!(g.marquee(Rect::new(0.0, 0.0, 120.0, 200.0), Marquee::Touching), vec![a, b]);
    assert!(g.marquee(Rect::new(0.0, 0.0, 2000.0, 2000.0), Marquee::Inside).iter().all(|id| *id != root));
}

#[test]
fn snapping_aligns_edges_and_centres_within_a_threshold_that_scales_with_zoom() {
    let mut doc = Document::new();
    let root = doc.root();
    let target = insert(&mut doc, root, sized(WidgetKind::Button, 100.0, 100.0, 100.0, 40.0));
    let moving = insert(&mut doc, root, sized(WidgetKind::Button, 400.0, 400.0, 60.0, 30.0));
    let g = geometry(&doc);
    let q = |x: f32, y: f32, zoom: f32| SnapQuery {
        rect: Rect::new(x, y, 60.0, 30.0),
        moving: std::slice::from_ref(&moving),
        parent: root,
        threshold_px: 6.0,
        zoom,
        grid: None,
    };
    // Left edge 3 px right of the target's left edge: snaps to it.
    let s = g.snap(&doc, &q(103.0, 300.0, 1.0));
    assert_eq!((s.rect.x, s.x), (100.0, SnapKind::Edge));
    let guide = s.guides.iter().find(|g| g.axis == Axis::X && g.at == 100.0).unwrap();
    assert_eq!((guide.from, guide.to), (100.0, 330.0), "from the target down to the moving widget");
    // Centre to centre: 150 is the target's centre.
    assert_eq!(g.snap(&doc, &q(122.0, 300.0, 1.0)).rect.x, 120.0);
    // 10 design px away: out of reach at zoom 1, in reach at zoom 0.5 (6 screen px = 12 design px).
    assert_eq!(g.snap(&doc, &q(110.0 + 60.0 + 20.0, 300.0, 1.0)).x, SnapKind::None);
    assert_eq!(g.snap(&doc, &q(210.0, 300.0, 0.5)).rect.x, 200.0);
    // The window's centre line attracts too (x 640 is its middle).
    assert_eq!(g.snap(&doc, &q(611.0, 597.0, 1.0)).rect.x, 610.0);
    // Grid snapping where no edge is near.
    let mut far = q(711.0, 597.0, 1.0);
    far.grid = Some(8.0);
    let s = g.snap(&doc, &far);
    assert_eq!((s.rect.x, s.rect.y, s.x, s.y), (712.0, 600.0, SnapKind::Grid, SnapKind::Grid));
    let _ = target;
}

#[test]
fn snapping_suggests_equal_spacing_between_neighbours() {
    let mut doc = Document::new();
    let root = doc.root();
    insert(&mut doc, root, sized(WidgetKind::Button, 0.0, 500.0, 100.0, 40.0));
    insert(&mut doc, root, sized(WidgetKind::Button, 300.0, 500.0, 100.0, 40.0));
    let moving = insert(&mut doc, root, sized(WidgetKind::Button, 0.0, 0.0, 60.0, 20.0));
    let g = geometry(&doc);
    // Centred between 100 and 300 means x = 170; the pointer puts it at 173.
    let s = g.snap(
        &doc,
        &SnapQuery {
            rect: Rect::new(173.0, 510.0, 60.0, 20.0),
            moving: &[moving],
            parent: root,
            threshold_px: 5.0,
            zoom: 1.0,
            grid: None,
        },
    );
    assert_eq!((s.rect.x, s.x), (170.0, SnapKind::Spacing));
    let gaps = &s.spacing[0].gaps;
    assert_eq!(gaps.len(), 2);
    assert_eq!((gaps[0].w, gaps[1].w), (70.0, 70.0));
}

#[test]
fn the_query_cache_reuses_answers_near_the_last_point_and_forgets_them_on_change() {
    let mut doc = trellis_model::generate(2_000, 4);
    let mut g = geometry(&doc);
    let mut cache = QueryCache::new();
    let card = doc.find("card_5").unwrap();
    let r = g.rect(card).unwrap();
    let p = Point::new(r.x + r.w - 5.0, r.y + r.h - 60.0);
    let first = cache.hit_test(&g, p);
    for dx in 0..4 {
        assert_eq!(cache.hit_test(&g, Point::new(p.x - dx as f32 * 0.5, p.y)), first);
    }
    assert!(cache.hits >= 3, "{cache:?}");
    // Move the card away: the cached answer must not survive.
    doc.execute(Command::SetFrame { id: card, frame: Rect::new(r.x + 1000.0, r.y, r.w, r.h) }).unwrap();
    g.update(&doc);
    assert_eq!(cache.hit_test(&g, p), g.hit_test_linear(p));
}
