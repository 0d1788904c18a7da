/// A progress bar as the canvas draws it: a track at most 8 points high,
/// centred in the box, filled to `fraction` with `fill`.
pub(crate) fn progress(ui: &mut egui::Ui, fraction: f32, fill: egui::Color32) -> egui::Response {
    let size = ui.available_size();
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    let fraction = fraction.clamp(0.0, 1.0);
    response.widget_info(|| {
        let mut info = egui::WidgetInfo::new(egui::Role::ProgressIndicator);
        info.value = Some(f64::from(fraction) * 100.0);
        info
    });
    if ui.is_rect_visible(rect) {
        let h = rect.height().min(8.0);
        let track = egui::Rect::from_min_size(egui::pos2(rect.left(), rect.center().y - h / 2.0), egui::vec2(rect.width(), h));
        let painter = ui.painter();
        painter.rect_filled(track, h / 2.0, ui.visuals().widgets.inactive.bg_fill);
        let done = egui::Rect::from_min_size(track.min, egui::vec2(track.width() * fraction, h));
        painter.rect_filled(done, h / 2.0, fill);
    }
    response
}
