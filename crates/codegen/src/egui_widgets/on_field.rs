/// Lets the controls added to `ui` after it sit on the field colour, as
/// the canvas draws them (egui draws checkboxes, radio buttons and
/// dropdowns on the colour the theme gives tracks), and keeps a focused
/// text field's outline and selected text visible there: the accent on a
/// pale accent, where elsewhere the theme draws on-accent over the accent.
pub(crate) fn on_field(ui: &mut egui::Ui) {
    let visuals = ui.visuals_mut();
    let field = visuals.extreme_bg_color;
    let accent = visuals.selection.bg_fill;
    for state in [&mut visuals.widgets.inactive, &mut visuals.widgets.hovered, &mut visuals.widgets.active] {
        state.bg_fill = field;
        state.weak_bg_fill = field;
    }
    visuals.selection.stroke = egui::Stroke::new(1.0, accent);
    visuals.selection.bg_fill = accent.gamma_multiply(0.25);
}
