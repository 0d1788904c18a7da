/// Lets the checkboxes, radio buttons and dropdowns added to `ui` after it
/// sit on the field colour, as the canvas draws them (egui draws them on
/// the colour the theme gives tracks).
pub(crate) fn on_field(ui: &mut egui::Ui) {
    let field = ui.visuals().extreme_bg_color;
    let widgets = &mut ui.visuals_mut().widgets;
    for state in [&mut widgets.inactive, &mut widgets.hovered, &mut widgets.active] {
        state.bg_fill = field;
        state.weak_bg_fill = field;
    }
}
