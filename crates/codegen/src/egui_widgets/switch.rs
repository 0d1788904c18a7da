/// A toggle switch as the canvas draws it: a 32 by 18 track, accent when
/// on, with a round knob, and its text 40 points in. Clicking flips `on`.
pub(crate) fn switch(ui: &mut egui::Ui, on: &mut bool, text: egui::RichText) -> egui::Response {
    let size = ui.available_size();
    let (rect, mut response) = ui.allocate_exact_size(size, egui::Sense::click());
    if response.clicked() {
        *on = !*on;
        response.mark_changed();
    }
    let galley = egui::WidgetText::from(text).into_galley(
        ui,
        Some(egui::TextWrapMode::Truncate),
        (rect.width() - 40.0).max(0.0),
        egui::TextStyle::Button,
    );
    let (enabled, checked) = (ui.is_enabled(), *on);
    response.widget_info(|| egui::WidgetInfo::selected(egui::Role::Switch, enabled, checked, galley.text()));
    if ui.is_rect_visible(rect) {
        let visuals = ui.visuals();
        let track = egui::Rect::from_min_size(egui::pos2(rect.left(), rect.center().y - 9.0), egui::vec2(32.0, 18.0));
        let fill = if checked { visuals.selection.bg_fill } else { visuals.widgets.inactive.bg_fill };
        let knob_x = if checked { track.right() - 9.0 } else { track.left() + 9.0 };
        let painter = ui.painter();
        if response.has_focus() {
            let ring = track.expand(2.0);
            painter.rect_stroke(ring, 11.0, egui::Stroke::new(1.0, visuals.selection.bg_fill), egui::StrokeKind::Inside);
        }
        painter.rect_filled(track, 9.0, fill);
        painter.circle_filled(egui::pos2(knob_x, track.center().y), 7.0, visuals.selection.stroke.color);
        let at = egui::pos2(rect.left() + 40.0, rect.center().y - galley.size().y / 2.0);
        painter.galley(at, galley, visuals.text_color());
    }
    response
}
