//! What changed in egui's picture from one run to the next, and the
//! primitives that redraw only that.
//!
//! On a software rasteriser the panels cost their area: shading egui's
//! output over the window takes about 150 ns a pixel on lavapipe. egui
//! merges all the shapes of a layer into one mesh, so comparing meshes
//! finds a whole panel changed when one label in it did (a click that
//! selects a widget re-shaded the entire inspector). So the comparison is
//! made on egui's shapes, before tessellation: a shape drawn now and not
//! before, or before and not now, damages its own bounds. The redraw then
//! takes, for each damaged area, only the triangles that reach it.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use egui::epaint::{ClippedShape, Shape};
use egui::{Color32, Pos2, Rect};

/// A shape's identity (what it draws, where, clipped how) and the screen
/// area it covers, in points.
pub(crate) type ShapeKey = (u64, Rect);

/// The most separate areas a partial pass redraws: each costs a pass over
/// the triangles that reach it, so past this they merge.
const MAX_DAMAGE_AREAS: usize = 24;

/// Beyond this many changed shapes, the damage is their bounding box
/// (merging them pairwise would cost more than it saves).
const MAX_CHANGED_SHAPES: usize = 4096;

/// Keys for every shape egui painted, in paint order.
pub(crate) fn shape_keys(shapes: &[ClippedShape]) -> Vec<ShapeKey> {
    // A shape that cannot be compared counts as changed: a key no other
    // run produces.
    static UNCOMPARABLE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    shapes
        .iter()
        .filter(|s| !matches!(s.shape, Shape::Noop))
        .map(|s| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            hash_rect(&s.clip_rect, &mut h);
            let t = s.transform_after_tessellation;
            hash_f32(t.scaling, &mut h);
            hash_pos(t.translation.to_pos2(), &mut h);
            if !hash_shape(&s.shape, &mut h) {
                UNCOMPARABLE.fetch_add(1, std::sync::atomic::Ordering::Relaxed).hash(&mut h);
            }
            // Antialiasing feathers edges by about half a pixel outside the shape.
            let area = match &s.shape {
                // An empty text (an empty field's) draws nothing; its bounds
                // turned by its angle are not a number.
                Shape::Text(text) if !text.galley.mesh_bounds.is_positive() => Rect::NOTHING,
                shape => match (t * shape.visual_bounding_rect()).expand(1.0) {
                    b if b.any_nan() => s.clip_rect,
                    b => b.intersect(s.clip_rect),
                },
            };
            (h.finish(), area)
        })
        .collect()
}

fn hash_f32(v: f32, h: &mut impl Hasher) {
    v.to_bits().hash(h);
}

fn hash_pos(p: Pos2, h: &mut impl Hasher) {
    hash_f32(p.x, h);
    hash_f32(p.y, h);
}

fn hash_rect(r: &Rect, h: &mut impl Hasher) {
    hash_pos(r.min, h);
    hash_pos(r.max, h);
}

fn hash_color(c: Color32, h: &mut impl Hasher) {
    c.to_array().hash(h);
}

/// Hashes a mesh's triangles and vertices as bytes, in two writes: a
/// panel's texts hold tens of thousands of vertices, hashed every run.
fn hash_mesh(mesh: &egui::Mesh, h: &mut impl Hasher) {
    h.write(bytemuck::cast_slice(&mesh.indices));
    h.write(bytemuck::cast_slice(&mesh.vertices));
}

/// Hashes what `shape` draws; false where it cannot tell (a callback, a
/// colour computed by a closure, a kind this does not know).
fn hash_shape(shape: &Shape, h: &mut impl Hasher) -> bool {
    std::mem::discriminant(shape).hash(h);
    match shape {
        Shape::Noop => true,
        Shape::Vec(shapes) => shapes.iter().all(|s| hash_shape(s, h)),
        Shape::Circle(c) => {
            hash_pos(c.center, h);
            hash_f32(c.radius, h);
            hash_color(c.fill, h);
            c.stroke.hash(h);
            true
        }
        Shape::LineSegment { points, stroke } => {
            points.iter().for_each(|p| hash_pos(*p, h));
            stroke.hash(h);
            true
        }
        Shape::Path(p) => {
            p.points.iter().for_each(|q| hash_pos(*q, h));
            p.closed.hash(h);
            hash_color(p.fill, h);
            hash_f32(p.stroke.width, h);
            std::mem::discriminant(&p.stroke.kind).hash(h);
            match p.stroke.color {
                egui::epaint::ColorMode::Solid(c) => {
                    hash_color(c, h);
                    true
                }
                egui::epaint::ColorMode::UV(_) => false,
            }
        }
        Shape::Rect(r) => {
            hash_rect(&r.rect, h);
            r.corner_radius.hash(h);
            hash_color(r.fill, h);
            r.stroke.hash(h);
            std::mem::discriminant(&r.stroke_kind).hash(h);
            r.round_to_pixels.hash(h);
            hash_f32(r.blur_width, h);
            hash_f32(r.angle, h);
            match &r.brush {
                None => 0u8.hash(h),
                Some(b) => {
                    b.fill_texture_id.hash(h);
                    hash_rect(&b.uv, h);
                }
            }
            true
        }
        Shape::Text(t) => {
            // A galley is laid out from its job alone (fonts do not change
            // under a running window; a new atlas redraws everything), but a
            // text selection is painted into its rows' meshes afterwards,
            // the job unchanged: they are hashed too.
            t.galley.job.hash(h);
            for row in &t.galley.rows {
                hash_mesh(&row.visuals.mesh, h);
            }
            hash_pos(t.pos, h);
            t.underline.hash(h);
            hash_color(t.fallback_color, h);
            t.override_text_color.map(|c| c.to_array()).hash(h);
            hash_f32(t.opacity_factor, h);
            hash_f32(t.angle, h);
            true
        }
        Shape::Mesh(m) => {
            m.texture_id.hash(h);
            hash_mesh(m, h);
            true
        }
        Shape::Ellipse(_) | Shape::Band(_) | Shape::QuadraticBezier(_) | Shape::CubicBezier(_) | Shape::Callback(_) => {
            false
        }
    }
}

/// The areas to redraw, from one run's keys to the next; `None` when the
/// whole picture must be drawn again (shapes common to both changed their
/// paint order, so overlaps may stack differently).
pub(crate) fn damage(before: &[ShapeKey], now: &[ShapeKey]) -> Option<Vec<Rect>> {
    let old: HashSet<u64> = before.iter().map(|(k, _)| *k).collect();
    let new: HashSet<u64> = now.iter().map(|(k, _)| *k).collect();
    let kept_before = before.iter().map(|(k, _)| *k).filter(|k| new.contains(k));
    let kept_now = now.iter().map(|(k, _)| *k).filter(|k| old.contains(k));
    if !kept_before.eq(kept_now) {
        return None;
    }
    let changed: Vec<Rect> = now
        .iter()
        .filter(|(k, _)| !old.contains(k))
        .chain(before.iter().filter(|(k, _)| !new.contains(k)))
        .map(|(_, r)| *r)
        .filter(|r| r.is_positive())
        .collect();
    if changed.len() > MAX_CHANGED_SHAPES {
        return Some(vec![changed.iter().fold(Rect::NOTHING, |a, b| a.union(*b))]);
    }
    Some(merge_areas(changed))
}

/// Changed areas merged: overlapping ones always (each pixel drawn once),
/// then, while there are too many, the two whose union adds the least
/// area: the label and the value of one inspector row, then rows into
/// blocks, never the inspector's rows with the layers tree's across the
/// canvas.
pub(crate) fn merge_areas(areas: Vec<Rect>) -> Vec<Rect> {
    let mut merged = merge_overlapping(areas);
    if merged.len() > PAIRWISE_AREAS {
        // Too many to compare pairwise: what lies in one cell of a coarse
        // grid is one area first.
        let mut cells: std::collections::BTreeMap<(i32, i32), Rect> = std::collections::BTreeMap::new();
        for a in merged {
            let c = a.center();
            let cell = ((c.x / CLUSTER_CELL).floor() as i32, (c.y / CLUSTER_CELL).floor() as i32);
            let r = cells.entry(cell).or_insert(a);
            *r = r.union(a);
        }
        merged = merge_overlapping(cells.into_values().collect());
    }
    let waste = |a: &Rect, b: &Rect| a.union(*b).area() - a.area() - b.area();
    while merged.len() > MAX_DAMAGE_AREAS {
        let mut best = (f32::INFINITY, 0, 1);
        for i in 0..merged.len() {
            for j in i + 1..merged.len() {
                let w = waste(&merged[i], &merged[j]);
                if w < best.0 {
                    best = (w, i, j);
                }
            }
        }
        let (_, i, j) = best;
        let b = merged.swap_remove(j);
        let mut a = merged.swap_remove(i).union(b);
        while let Some(k) = merged.iter().position(|m| m.intersect(a).is_positive()) {
            a = a.union(merged.swap_remove(k));
        }
        merged.push(a);
    }
    merged.sort_by(|a, b| a.min.y.total_cmp(&b.min.y).then(a.min.x.total_cmp(&b.min.x)));
    merged
}

/// Up to this many areas are merged by comparing every pair.
const PAIRWISE_AREAS: usize = 96;

/// The grid cell, in points, that gathers areas when there are more.
const CLUSTER_CELL: f32 = 96.0;

fn merge_overlapping(areas: Vec<Rect>) -> Vec<Rect> {
    let mut merged: Vec<Rect> = Vec::with_capacity(areas.len());
    for mut a in areas.into_iter().filter(|a| a.is_positive()) {
        // Absorb every area it overlaps, until it overlaps none (areas that
        // only touch stay apart: a panel and the status bar below it).
        while let Some(i) = merged.iter().position(|m| m.intersect(a).is_positive()) {
            a = a.union(merged.swap_remove(i));
        }
        merged.push(a);
    }
    merged
}

/// Areas still to be redrawn, then new ones: the older first, so that a
/// change that keeps coming back cannot starve them (they may overlap;
/// each area is drawn whole). Past twice the cap on areas, all are merged,
/// so that changes faster than the budget cannot pile up without bound.
pub(crate) fn oldest_first(mut pending: Vec<Rect>, now: Vec<Rect>) -> Vec<Rect> {
    pending.extend(now);
    if pending.len() > 2 * MAX_DAMAGE_AREAS { merge_areas(pending) } else { pending }
}

/// The areas to redraw this frame, at most `budget` square points of them
/// (at least one band, so that every frame makes progress), and the rest,
/// for the frames that follow. An area larger than what is left of the
/// budget is cut across: its top band now, the rest later.
pub(crate) fn within_budget(areas: Vec<Rect>, budget: f32) -> (Vec<Rect>, Vec<Rect>) {
    let mut now = Vec::new();
    let mut rest = Vec::new();
    let mut left = budget;
    for area in areas {
        if !rest.is_empty() || (left < area.area() && !now.is_empty() && left < MIN_BAND * area.width()) {
            rest.push(area);
        } else if area.area() <= left {
            left -= area.area();
            now.push(area);
        } else {
            let band = (left / area.width()).max(MIN_BAND).min(area.height());
            let cut = (area.min.y + band).round();
            if cut >= area.max.y {
                now.push(area);
            } else {
                now.push(Rect::from_min_max(area.min, egui::pos2(area.max.x, cut)));
                rest.push(Rect::from_min_max(egui::pos2(area.min.x, cut), area.max));
            }
            left = 0.0;
        }
    }
    (now, rest)
}

/// The thinnest band of an area a frame redraws, in points.
const MIN_BAND: f32 = 16.0;

/// `areas` within `screen`, widened to whole pixels at `ppp` pixels a
/// point (egui-wgpu's scissor covers every pixel an area touches; the
/// clearing quad must cover the same), empty ones dropped.
pub(crate) fn on_pixels(areas: &[Rect], screen: Rect, ppp: f32) -> Vec<Rect> {
    areas
        .iter()
        .map(|a| a.intersect(screen))
        .filter(|a| a.is_positive())
        .map(|a| {
            Rect::from_min_max(
                egui::pos2((a.min.x * ppp).floor() / ppp, (a.min.y * ppp).floor() / ppp),
                egui::pos2((a.max.x * ppp).ceil() / ppp, (a.max.y * ppp).ceil() / ppp),
            )
        })
        .collect()
}

/// For each damaged area, what a full pass clears to, then the triangles
/// of each primitive that reach the area, clipped to it: each pixel of
/// the area is drawn by its own primitives in their order, and the
/// rasteriser is not handed the triangles of a whole panel for a strip.
pub(crate) fn clip_primitives(primitives: &[egui::ClippedPrimitive], areas: &[Rect]) -> Vec<egui::ClippedPrimitive> {
    let mut out = Vec::new();
    let mut remap: HashMap<u32, u32> = HashMap::new();
    for area in areas {
        // egui's backgrounds may be translucent: what was there before must
        // not show through.
        let mut clear = egui::Mesh::default();
        clear.add_colored_rect(*area, Color32::BLACK);
        out.push(egui::ClippedPrimitive { clip_rect: *area, primitive: egui::epaint::Primitive::Mesh(clear) });
        for p in primitives.iter().filter(|p| p.clip_rect.intersects(*area)) {
            let clip_rect = p.clip_rect.intersect(*area);
            let primitive = match &p.primitive {
                egui::epaint::Primitive::Mesh(mesh) => {
                    let part = mesh_within(mesh, clip_rect, &mut remap);
                    if part.indices.is_empty() {
                        continue;
                    }
                    egui::epaint::Primitive::Mesh(part)
                }
                egui::epaint::Primitive::Callback(c) => egui::epaint::Primitive::Callback(c.clone()),
            };
            out.push(egui::ClippedPrimitive { clip_rect, primitive });
        }
    }
    out
}

/// The triangles of `mesh` whose bounds meet `area`, with only the
/// vertices they use.
fn mesh_within(mesh: &egui::Mesh, area: Rect, remap: &mut HashMap<u32, u32>) -> egui::Mesh {
    let mut part = egui::Mesh::with_texture(mesh.texture_id);
    remap.clear();
    for tri in mesh.indices.chunks_exact(3) {
        let bounds = tri.iter().fold(Rect::NOTHING, |r, &i| {
            r.union(Rect::from_min_max(mesh.vertices[i as usize].pos, mesh.vertices[i as usize].pos))
        });
        if !bounds.intersects(area) {
            continue;
        }
        for &i in tri {
            let next = part.vertices.len() as u32;
            let j = *remap.entry(i).or_insert_with(|| {
                part.vertices.push(mesh.vertices[i as usize]);
                next
            });
            part.indices.push(j);
        }
    }
    part
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect::from_min_size(egui::pos2(x, y), egui::vec2(w, h))
    }

    fn rect_shape(rect: Rect, fill: Color32) -> ClippedShape {
        ClippedShape::new(r(0.0, 0.0, 2000.0, 2000.0), Shape::rect_filled(rect, 0.0, fill))
    }

    #[test]
    fn one_changed_shape_damages_its_own_bounds_not_its_panels() {
        // A panel's background and two rows: only the row that changed is redrawn.
        let panel = rect_shape(r(960.0, 50.0, 320.0, 725.0), Color32::DARK_GRAY);
        let row_a = rect_shape(r(970.0, 100.0, 100.0, 20.0), Color32::RED);
        let row_b = rect_shape(r(970.0, 130.0, 100.0, 20.0), Color32::GREEN);
        let row_b2 = rect_shape(r(970.0, 130.0, 100.0, 20.0), Color32::BLUE);
        let before = shape_keys(&[panel.clone(), row_a.clone(), row_b]);
        let now = shape_keys(&[panel, row_a, row_b2]);
        let areas = damage(&before, &now).expect("same order");
        assert_eq!(areas, vec![r(969.0, 129.0, 102.0, 22.0)]);
    }

    #[test]
    fn unchanged_shapes_damage_nothing_and_a_new_order_redraws_everything() {
        let a = rect_shape(r(0.0, 0.0, 50.0, 50.0), Color32::RED);
        let b = rect_shape(r(25.0, 25.0, 50.0, 50.0), Color32::BLUE);
        let before = shape_keys(&[a.clone(), b.clone()]);
        assert_eq!(damage(&before, &shape_keys(&[a.clone(), b.clone()])), Some(vec![]));
        // The same two shapes stacked the other way round look different.
        assert_eq!(damage(&before, &shape_keys(&[b, a])), None);
    }

    #[test]
    fn a_changed_text_is_damage_and_the_same_text_is_not() {
        let ctx = egui::Context::default();
        let mut shapes = Vec::new();
        let run = |text: &'static str| {
            let mut out = ctx.run_ui(Default::default(), |ui| {
                ui.label(text);
            });
            // The font atlas is not under test.
            out.textures_delta.clear();
            out.shapes
        };
        shapes.push(run("forty-two"));
        shapes.push(run("forty-two"));
        shapes.push(run("forty-three"));
        let keys: Vec<_> = shapes.iter().map(|s| shape_keys(s)).collect();
        assert_eq!(damage(&keys[0], &keys[1]), Some(vec![]));
        let areas = damage(&keys[1], &keys[2]).expect("same order");
        assert_eq!(areas.len(), 1, "{areas:?}");
        assert!(areas[0].width() < 200.0 && areas[0].height() < 40.0, "only the label: {areas:?}");
    }

    #[test]
    fn an_empty_text_damages_nothing_rather_than_its_whole_clip() {
        // Regression: an empty field's text has bounds that are not a
        // number once turned; they counted as the whole inspector.
        let ctx = egui::Context::default();
        let mut out = ctx.run_ui(Default::default(), |ui| {
            ui.label("");
        });
        out.textures_delta.clear();
        let texts: Vec<_> = out.shapes.iter().filter(|s| matches!(s.shape, Shape::Text(_))).cloned().collect();
        assert!(!texts.is_empty());
        assert!(shape_keys(&texts).iter().all(|(_, area)| !area.is_positive()));
    }

    #[test]
    fn overlapping_changes_merge_and_touching_panels_stay_apart() {
        // The inspector and the status bar below it touch: drawn apart, a
        // change to both shades two strips, not the window's bounding box.
        let areas = merge_areas(vec![r(960.0, 50.0, 320.0, 725.0), r(0.0, 775.0, 1280.0, 25.0)]);
        assert_eq!(areas.len(), 2);
        let areas = merge_areas(vec![r(0.0, 0.0, 10.0, 10.0), r(5.0, 5.0, 10.0, 10.0), r(100.0, 0.0, 5.0, 5.0)]);
        assert_eq!(areas, vec![r(0.0, 0.0, 15.0, 15.0), r(100.0, 0.0, 5.0, 5.0)]);
    }

    #[test]
    fn rows_of_two_panels_merge_within_their_panel_not_across_the_canvas() {
        // Regression: merged in reading order, the layers tree's rows and
        // the inspector's interleave, and their unions spanned the window.
        let mut changes = Vec::new();
        for row in 0..30 {
            let y = 60.0 + row as f32 * 23.0;
            changes.push(r(20.0, y, 120.0, 14.0));
            changes.push(r(970.0, y + 4.0, 150.0, 14.0));
        }
        let areas = merge_areas(changes);
        assert!(areas.len() <= MAX_DAMAGE_AREAS);
        assert!(areas.iter().all(|a| a.max.x < 300.0 || a.min.x > 900.0), "{areas:?}");
    }

    #[test]
    fn many_changed_rows_merge_into_few_areas_that_cover_them_all() {
        // An inspector's forty rows, label and value each: merged into at
        // most the cap, covering every change, far smaller than the panel.
        let mut changes = Vec::new();
        for row in 0..40 {
            let y = 60.0 + row as f32 * 18.0;
            changes.push(r(970.0, y, 90.0, 14.0));
            changes.push(r(1100.0, y, 150.0, 14.0));
        }
        let areas = merge_areas(changes.clone());
        assert!(areas.len() <= MAX_DAMAGE_AREAS, "{}", areas.len());
        for c in &changes {
            assert!(areas.iter().any(|a| a.contains_rect(*c)), "{c:?} left out");
        }
        let shaded: f32 = areas.iter().map(|a| a.area()).sum();
        assert!(shaded < 320.0 * 725.0, "{shaded}");
    }

    #[test]
    fn a_change_larger_than_the_budget_is_drawn_over_several_frames_and_all_of_it() {
        // A selection rewrote the whole inspector (320 x 725 points) and a
        // status bar label; the budget is a third of the inspector.
        let inspector = r(960.0, 50.0, 320.0, 725.0);
        let status = r(10.0, 780.0, 100.0, 14.0);
        let budget = inspector.area() / 3.0;
        let mut todo = vec![inspector, status];
        let mut drawn = Vec::new();
        let mut frames = 0;
        while !todo.is_empty() {
            let (now, rest) = within_budget(todo, budget);
            assert!(!now.is_empty(), "every frame makes progress");
            let shaded: f32 = now.iter().map(|a| a.area()).sum();
            assert!(shaded <= budget + 320.0, "frame {frames} shades {shaded}");
            drawn.extend(now);
            todo = rest;
            frames += 1;
        }
        assert!((3..=4).contains(&frames), "{frames}");
        // Every point of both areas is drawn once: the bands tile them.
        let total: f32 = drawn.iter().map(|a| a.area()).sum();
        assert!((total - inspector.area() - status.area()).abs() < 1.0, "{total}");
        for (i, a) in drawn.iter().enumerate() {
            assert!(drawn[i + 1..].iter().all(|b| !a.intersects(*b) || a.intersect(*b).area() == 0.0), "{drawn:?}");
        }
        // Within the budget, all at once.
        assert_eq!(within_budget(vec![status], budget), (vec![status], vec![]));
    }

    #[test]
    fn a_selected_text_is_damage_though_its_job_is_the_same() {
        // Regression: egui paints a text selection into the galley's rows,
        // not its job; selecting in a field redrew only the cursor's strip.
        let ctx = egui::Context::default();
        // Fonts load with the first run.
        let mut out = ctx.run_ui(Default::default(), |_| {});
        out.textures_delta.clear();
        let galley =
            ctx.fonts_mut(|f| f.layout_no_wrap("selected".into(), egui::FontId::proportional(14.0), Color32::WHITE));
        let mut painted = galley.clone();
        let selection = egui::text::CCursorRange::two(egui::text::CCursor::new(0), egui::text::CCursor::new(4));
        egui::text_selection::visuals::paint_text_selection(
            &mut painted,
            &ctx.global_style().visuals,
            &selection,
            None,
        );
        let shape = |g: std::sync::Arc<egui::Galley>| {
            ClippedShape::new(r(0.0, 0.0, 2000.0, 2000.0), Shape::galley(egui::pos2(10.0, 10.0), g, Color32::WHITE))
        };
        let before = shape_keys(&[shape(galley)]);
        let now = shape_keys(&[shape(painted)]);
        let areas = damage(&before, &now).expect("same order");
        assert_eq!(areas.len(), 1, "the selected text is redrawn: {areas:?}");
    }

    #[test]
    fn areas_are_kept_on_screen_and_widened_to_whole_pixels() {
        let screen = r(0.0, 0.0, 800.0, 600.0);
        // Unbounded (an uncomparable shape clipped by nothing) and off screen.
        let areas = on_pixels(&[Rect::EVERYTHING, r(900.0, 0.0, 10.0, 10.0)], screen, 1.5);
        assert_eq!(areas, vec![screen]);
        // A band cut at a whole point is half a pixel at 1.5x: widened out.
        let areas = on_pixels(&[r(10.0, 10.0, 20.0, 15.5)], screen, 1.5);
        let a = areas[0];
        assert!(a.contains_rect(r(10.0, 10.0, 20.0, 15.5)));
        for v in [a.min.x, a.min.y, a.max.x, a.max.y] {
            assert!(((v * 1.5) - (v * 1.5).round()).abs() < 1e-3, "{v} is not on a pixel at 1.5x");
        }
    }

    #[test]
    fn areas_still_to_draw_come_first_and_never_pile_up() {
        let old = r(960.0, 600.0, 320.0, 100.0);
        let new = r(960.0, 50.0, 100.0, 20.0);
        assert_eq!(oldest_first(vec![old], vec![new]), vec![old, new], "the older area first");
        // Changes arriving faster than they are drawn: bounded, all covered.
        let mut pending = Vec::new();
        let mut all = Vec::new();
        for run in 0..100 {
            let now: Vec<Rect> = (0..20).map(|i| r(10.0 * i as f32, 7.0 * run as f32, 5.0, 5.0)).collect();
            all.extend(now.iter().copied());
            pending = oldest_first(pending, now);
            assert!(pending.len() <= 2 * MAX_DAMAGE_AREAS + 20, "{} areas pending", pending.len());
        }
        for a in &all {
            assert!(pending.iter().any(|p| p.contains_rect(*a)), "{a:?} dropped");
        }
    }

    #[test]
    fn a_partial_pass_clears_each_area_then_draws_only_the_triangles_that_meet_it() {
        let mut mesh = egui::Mesh::default();
        mesh.add_colored_rect(r(0.0, 0.0, 100.0, 100.0), Color32::RED);
        mesh.add_colored_rect(r(500.0, 500.0, 10.0, 10.0), Color32::RED);
        let whole = r(0.0, 0.0, 2000.0, 2000.0);
        let prims = vec![egui::ClippedPrimitive { clip_rect: whole, primitive: egui::epaint::Primitive::Mesh(mesh) }];
        let area = r(50.0, 50.0, 20.0, 20.0);
        let out = clip_primitives(&prims, &[area]);
        assert_eq!(out.len(), 2, "the clearing quad, then the primitive that meets the area");
        assert!(out.iter().all(|p| p.clip_rect == area));
        let egui::epaint::Primitive::Mesh(part) = &out[1].primitive else { panic!("a mesh") };
        assert_eq!(part.indices.len(), 6, "only the first rectangle's two triangles");
        assert_eq!(part.vertices.len(), 4);
        assert!(part.vertices.iter().all(|v| v.pos.x <= 100.0));
    }
}
