/// A checkbox as the canvas draws it: exactly its box, a 16-point mark
/// at its left centred in height (the accent with a tick when checked,
/// the field colour when not), its text on one line 24 points in, cut to
/// the box. Clicking flips `checked`. egui's own checkbox is at least a
/// line of text high and its mark and an ellipsis wide, where the
/// canvas's may be smaller.
pub(crate) fn checkbox(ui: &mut egui::Ui, checked: &mut bool, text: egui::RichText) -> egui::Response {
    let size = ui.available_size();
    let (rect, mut response) = ui.allocate_exact_size(size, egui::Sense::click());
    if response.clicked() {
        *checked = !*checked;
        response.mark_changed();
    }
    let galley = egui::WidgetText::from(text).into_galley(
        ui,
        Some(egui::TextWrapMode::Truncate),
        (rect.width() - 24.0).max(0.0),
        egui::TextStyle::Button,
    );
    let (enabled, on) = (ui.is_enabled(), *checked);
    response.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, enabled, on, galley.text()));
    if ui.is_rect_visible(rect) {
        let visuals = ui.visuals();
        let state = ui.style().interact(&response);
        let mark = egui::Rect::from_min_size(egui::pos2(rect.left(), rect.center().y - 8.0), egui::vec2(16.0, 16.0));
        let fill = if on { visuals.selection.bg_fill } else { visuals.extreme_bg_color };
        let outline = if response.hovered() {
            state.bg_stroke.color
        } else if on {
            visuals.selection.bg_fill
        } else {
            visuals.widgets.inactive.bg_stroke.color
        };
        let painter = ui.painter();
        if response.has_focus() {
            // A ring for the keyboard, clear of the mark (the accent on the accent when checked).
            let ring = mark.expand(2.0);
            painter.rect_stroke(ring, 5.0, egui::Stroke::new(1.0, visuals.selection.bg_fill), egui::StrokeKind::Inside);
        }
        painter.rect(mark, 3.0, fill, egui::Stroke::new(1.0, outline), egui::StrokeKind::Inside);
        if on {
            let tick = [egui::vec2(3.5, 8.0), egui::vec2(6.5, 11.0), egui::vec2(12.5, 4.5)].map(|v| mark.min + v);
            painter.line(tick.to_vec(), egui::Stroke::new(2.0, visuals.selection.stroke.color));
        }
        let at = egui::pos2(rect.left() + 24.0, rect.center().y - galley.size().y / 2.0);
        painter.with_clip_rect(rect.intersect(ui.clip_rect())).galley(at, galley, state.text_color());
    }
    response
}
