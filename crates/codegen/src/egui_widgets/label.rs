/// A label as the canvas draws it: its text wrapped at the box's width,
/// each line aligned as `align` says, the lines centred in the box's
/// height and clipped to the box. egui's own label grows to show all of a
/// text too long for its box, over whatever is next to it, where the
/// canvas shows what fits.
pub(crate) fn label(ui: &mut egui::Ui, text: egui::RichText, align: egui::Align) -> egui::Response {
    let size = ui.available_size();
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    let mut job = std::sync::Arc::unwrap_or_clone(egui::WidgetText::from(text).into_layout_job(
        ui.style(),
        egui::FontSelection::Default,
        egui::Align::Center,
    ));
    job.wrap = egui::text::TextWrapping::wrap_at_width(rect.width());
    job.halign = align;
    let galley = ui.fonts_mut(|fonts| fonts.layout_job(job));
    let enabled = ui.is_enabled();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, enabled, galley.text()));
    if ui.is_rect_visible(rect) {
        let x = match align {
            egui::Align::Min => rect.left(),
            egui::Align::Center => rect.center().x,
            egui::Align::Max => rect.right(),
        };
        let at = egui::pos2(x, rect.center().y - galley.size().y / 2.0);
        let color = ui.visuals().text_color();
        ui.painter().with_clip_rect(rect.intersect(ui.clip_rect())).galley(at, galley, color);
    }
    response
}
