/// One tab of a tab bar as the canvas draws it: its title centred, in the
/// accent colour and underlined when it is the tab shown, muted otherwise.
pub(crate) fn tab(ui: &mut egui::Ui, shown: bool, title: egui::RichText, width: f32) -> egui::Response {
    let size = egui::vec2(width, ui.available_height());
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
    let visuals = ui.visuals();
    let color = if shown { visuals.selection.bg_fill } else { visuals.weak_text_color() };
    let galley = egui::WidgetText::from(title.color(color)).into_galley(
        ui,
        Some(egui::TextWrapMode::Truncate),
        width,
        egui::TextStyle::Button,
    );
    let enabled = ui.is_enabled();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Tab, enabled, galley.text()));
    // A tab's being shown is "selected" to a screen reader.
    ui.ctx().accesskit_node_builder(response.id, |node| node.set_selected(shown));
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        if response.has_focus() {
            painter.rect_stroke(rect, 4.0, egui::Stroke::new(1.0, color), egui::StrokeKind::Inside);
        }
        let at = rect.center() - galley.size() / 2.0;
        painter.galley(at, galley, color);
        if shown {
            let y = rect.bottom() - 1.0;
            painter.hline((rect.left() + 8.0)..=(rect.right() - 8.0), y, egui::Stroke::new(2.0, color));
        }
    }
    response
}
