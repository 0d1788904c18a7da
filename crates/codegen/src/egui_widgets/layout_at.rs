/// egui_taffy's layout of a container's box, `size` points, with its
/// top-left corner at `at`, as `style` says; `add` adds the children.
/// egui_taffy rounds a layout to whole points from its corner, so a layout
/// whose corner is at a fraction of a point (placed freely, or inside
/// another at one) added its own rounding to its parent's. Here the corner
/// is put on the next whole point and the fraction carried back into the
/// layout as a negative margin: each edge rounds as its exact position
/// does, however deep layouts nest.
pub(crate) fn layout_at<R>(
    ui: &mut egui::Ui,
    id: &str,
    at: egui::Pos2,
    size: egui::Vec2,
    mut style: egui_taffy::taffy::Style,
    add: impl FnOnce(&mut egui_taffy::Tui) -> R,
) -> R {
    let corner = at.ceil();
    let back = at - corner;
    style.margin.left = egui_taffy::taffy::LengthPercentageAuto::length(back.x);
    style.margin.top = egui_taffy::taffy::LengthPercentageAuto::length(back.y);
    let rect = egui::Rect::from_min_size(corner, (size + back).max(egui::Vec2::ZERO));
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        egui_taffy::tui(ui, ui.scope_id().with(id)).reserve_space(rect.size()).style(style).show(add)
    })
    .inner
}
