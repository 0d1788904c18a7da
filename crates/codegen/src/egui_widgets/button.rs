/// A button as the canvas draws it: exactly its box, filled and outlined,
/// its text on one line 8 points in from the sides, placed as `align`
/// says, centred in height and cut to the box. egui's own button is at
/// least its padding and an ellipsis wide and a line of text high, where
/// the canvas's may be smaller. Hovered and pressed, its outline takes
/// the theme's colour for that state.
pub(crate) fn button(
    ui: &mut egui::Ui,
    text: egui::RichText,
    align: egui::Align,
    fill: Option<egui::Color32>,
    stroke: egui::Stroke,
    radius: f32,
) -> egui::Response {
    let size = ui.available_size();
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
    let inside = rect.shrink2(egui::vec2(8.0, 0.0));
    let galley = egui::WidgetText::from(text).into_galley(
        ui,
        Some(egui::TextWrapMode::Truncate),
        inside.width().max(0.0),
        egui::TextStyle::Button,
    );
    let enabled = ui.is_enabled();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, galley.text()));
    if ui.is_rect_visible(rect) {
        let state = ui.style().interact(&response);
        let outline = if response.hovered() || response.is_pointer_button_down_on() || response.has_focus() {
            egui::Stroke::new(stroke.width.max(1.0), state.bg_stroke.color)
        } else {
            stroke
        };
        let painter = ui.painter();
        painter.rect(rect, radius, fill.unwrap_or(state.weak_bg_fill), outline, egui::StrokeKind::Inside);
        let x = match align {
            egui::Align::Min => inside.left(),
            egui::Align::Center => inside.center().x - galley.size().x / 2.0,
            egui::Align::Max => inside.right() - galley.size().x,
        };
        let at = egui::pos2(x, rect.center().y - galley.size().y / 2.0);
        painter.with_clip_rect(rect.intersect(ui.clip_rect())).galley(at, galley, state.text_color());
    }
    response
}
