//! What the demo's kittest tests share.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// Rests the pointer on the demo's search field (`field`, its box in the
/// design, the design's corner at `origin`) until its tooltip shows, and
/// returns the boxes of the tooltips "Find a setting by name": the field
/// is named by its tooltip for screen readers too, so a tooltip is a node
/// of that name outside the field's box.
pub fn search_tooltips<S>(h: &mut Harness<'_, S>, origin: egui::Pos2, field: trellis_model::Rect) -> Vec<egui::Rect> {
    h.hover_at(origin + egui::vec2(field.x + field.w / 2.0, field.y + field.h / 2.0));
    h.run_steps(4);
    let field_box = egui::Rect::from_min_size(origin + egui::vec2(field.x, field.y), egui::vec2(field.w, field.h));
    h.query_all_by_label("Find a setting by name")
        .map(|node| node.rect())
        .filter(|r| !field_box.contains(r.center()))
        .collect()
}
